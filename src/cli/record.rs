//! `detente record`: the statistics of the real record that a spec names, each computed from
//! the events it counts in the dated events file beside it.

use std::path::Path;

use super::{Error, print};
use crate::record::{self, Problem};
use crate::scenario::{MAX_FILE_BYTES, read_limited};

/// The spec shipped with the repository.
pub const DEFAULT_SPEC: &str = "data/record-1991-2023.toml";

fn read(path: &Path) -> Result<String, Error> {
    let bytes = read_limited(path, MAX_FILE_BYTES)
        .map_err(|e| Error::input(format!("{}: cannot read: {e}", path.display())))?;
    String::from_utf8(bytes)
        .map_err(|_| Error::input(format!("{}: not UTF-8 text", path.display())))
}

/// A problem as one line: the spec's file, line and column when it has a place.
fn located(path: &Path, text: &str, p: Problem) -> Error {
    match p.at {
        Some(span) => {
            let (line, col) = crate::scenario::line_col(text, span.start);
            Error::input(format!("{}:{line}:{col}: {}", path.display(), p.message))
        }
        None => Error::input(format!("{}: {}", path.display(), p.message)),
    }
}

/// The record's statistics: a table, or CSV (`metric,value,what,events,fitted`).
pub fn run(spec: Option<&Path>, csv: bool) -> Result<(), Error> {
    let path = spec.unwrap_or(Path::new(DEFAULT_SPEC));
    let text = read(path)?;
    let events_name = record::events_file(&text).map_err(|p| located(path, &text, p))?;
    let events_path = path.parent().unwrap_or(Path::new(".")).join(events_name);
    let events = read(&events_path)?;
    let r = record::compute(&text, &events).map_err(|p| located(path, &text, p))?;
    if csv {
        return print(crate::export::record::csv(&r));
    }
    print(crate::export::record::table(
        &r,
        &events_path.display().to_string(),
    ))
}
