//! `detente validate`: check scenario files (and the files they build on).

use std::path::PathBuf;

use super::Error;
use crate::scenario;

/// `detente validate`: every file is checked; the first error of each is printed.
pub fn run(files: &[PathBuf]) -> Result<(), Error> {
    let mut errors = Vec::new();
    for f in files {
        if let Err(e) = scenario::load_any(f) {
            errors.push(e.to_string());
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Input(errors.join("\nerror: ")))
    }
}
