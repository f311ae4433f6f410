//! `detente record`: the statistics of the real record that a spec names, each computed from
//! the events it counts in the dated events file beside it.

use std::path::{Path, PathBuf};

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

/// A record read from its spec and the events files the spec names.
pub(super) struct Loaded {
    /// The spec's text.
    pub spec: String,
    /// The events files, as found beside the spec, and their texts.
    pub events: Vec<(PathBuf, String)>,
    pub record: record::Record,
}

/// Read the spec at `path` and the events files it names (beside it), and compute the record.
pub(super) fn load(path: &Path) -> Result<Loaded, Error> {
    let spec = read(path)?;
    let names = record::events_files(&spec).map_err(|p| located(path, &spec, p))?;
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut events = Vec::new();
    for name in names {
        let at = folder.join(name);
        let text = read(&at)?;
        events.push((at, text));
    }
    let named: Vec<(String, String)> = events
        .iter()
        .map(|(p, t)| (p.display().to_string(), t.clone()))
        .collect();
    let record = record::compute(&spec, &named).map_err(|p| located(path, &spec, p))?;
    Ok(Loaded {
        spec,
        events,
        record,
    })
}

/// The record's statistics: a table, or CSV (`metric,value,what,events,fitted`).
pub fn run(spec: Option<&Path>, csv: bool) -> Result<(), Error> {
    let l = load(spec.unwrap_or(Path::new(DEFAULT_SPEC)))?;
    if csv {
        return print(crate::export::record::csv(&l.record));
    }
    let files: Vec<String> = l
        .events
        .iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    print(crate::export::record::table(&l.record, &files.join(", ")))
}
