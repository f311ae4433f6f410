//! The command line: arguments to validated settings (two stages), then the commands, one
//! file each; what they share (errors, standard output, the clock) is here.
//!
//! Exit codes: 0 success, 2 bad input (arguments, scenario files, output paths), 1 other failures.

pub mod args;
pub mod calibrate;
pub mod checkpoint;
pub mod limits;
pub mod list;
pub mod merge;
pub mod output;
pub mod record;
pub mod replay;
pub mod report;
pub mod run;
pub mod sensitivity;
pub mod serve;
pub mod sweep;
pub mod validate;

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Parser;

use crate::batch;
use crate::export::manifest;
use crate::scenario::{self, Loaded};
use args::{Cli, Command};

/// A failure of a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input: exit code 2.
    #[error("{0}")]
    Input(String),
    /// Anything else: exit code 1.
    #[error("{0}")]
    Failed(String),
}

impl Error {
    pub fn input(m: impl Into<String>) -> Self {
        Error::Input(m.into())
    }
    pub fn io(path: &Path, e: std::io::Error) -> Self {
        Error::Failed(format!("{}: {e}", path.display()))
    }
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) => 2,
            Error::Failed(_) => 1,
        }
    }
}

impl From<batch::NonFinite> for Error {
    fn from(e: batch::NonFinite) -> Self {
        Error::Failed(e.to_string())
    }
}

impl From<batch::DrawInvalid> for Error {
    fn from(e: batch::DrawInvalid) -> Self {
        Error::Input(e.to_string())
    }
}

impl From<scenario::ScenarioError> for Error {
    fn from(e: scenario::ScenarioError) -> Self {
        Error::Input(e.to_string())
    }
}

/// What `main` should do after parsing.
pub enum Parsed {
    /// Run this command.
    Command(Box<Cli>),
    /// Help or version text to print on stdout, then exit 0.
    Info(String),
}

/// Parse arguments; a usage error becomes one line.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Parsed, Error> {
    match Cli::try_parse_from(args) {
        Ok(cli) => Ok(Parsed::Command(Box::new(cli))),
        Err(e) => match e.kind() {
            clap::error::ErrorKind::DisplayHelp
            | clap::error::ErrorKind::DisplayVersion
            | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                Ok(Parsed::Info(e.render().to_string()))
            }
            _ => {
                let text = e.render().to_string();
                Err(Error::input(format!(
                    "{} (see detente --help)",
                    one_line(&text)
                )))
            }
        },
    }
}

/// clap's message on one line: its first line, with the indented lines that complete it
/// (the arguments a "not provided" error names).
fn one_line(text: &str) -> String {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let first = lines
        .next()
        .unwrap_or("invalid arguments")
        .trim_start_matches("error: ")
        .trim_end();
    if !first.ends_with(':') {
        return first.to_string();
    }
    let named: Vec<&str> = lines
        .take_while(|l| l.starts_with(' '))
        .map(str::trim)
        .collect();
    format!("{} {}", first, named.join(", "))
}

/// Run a parsed command.
pub fn execute(cli: Cli, command_line: Vec<String>) -> Result<(), Error> {
    match cli.command {
        Command::Run(a) => run::run(run::RunConfig::from_args(a, command_line)?),
        Command::Validate { files } => validate::run(&files),
        Command::Merge(a) => merge::run(a, command_line),
        Command::Sweep(a) => sweep::run(sweep::SweepConfig::from_args(a)?),
        Command::Sensitivity(a) => sensitivity::command(a, command_line),
        Command::Record { spec, csv } => record::run(spec.as_deref(), csv),
        Command::Calibrate(a) => calibrate::command(a, command_line),
        Command::Replay(a) => replay::run(a),
        Command::Serve(a) => serve::command(a),
        Command::Report { dir } => report::run(&dir),
        Command::List { what, scenario } => list::run(what, scenario.as_deref()),
    }
}

/// The largest manifest.json or sweep.json read (it holds the scenario's text).
pub const MAX_MANIFEST: u64 = 64 << 20;

/// Write `text` to standard output: a closed pipe ends the command quietly (exit 0), any other
/// write error fails it (exit 1).
pub fn print(text: impl AsRef<[u8]>) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_ref()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(|e| Error::Failed(format!("cannot write to standard output: {e}"))),
    }
}

/// The manifest of an analysis of one scenario (`sensitivity`, `calibrate`): the scenario,
/// seed, runs per point and threads, and the analysis's own entry.
pub(crate) fn analysis_manifest(
    loaded: &Loaded,
    (seed, runs, threads): (u64, u64, usize),
    command_line: &[String],
    started: &str,
    entry: (&'static str, serde_json::Value),
) -> String {
    manifest::json(&manifest::Info {
        subject: manifest::Subject::of(&scenario::Any::Negotiation(Box::new(loaded.clone()))),
        seed,
        runs,
        threads,
        command_line,
        started,
        finished: &now(),
        extra: vec![entry],
    })
}

pub(crate) fn now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    manifest::rfc3339(secs)
}

pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

/// A negotiation scenario from a file (or the embedded default); `not_game` explains why a
/// repeated-game file is refused.
pub(crate) fn negotiation(path: Option<&Path>, not_game: &str) -> Result<Loaded, Error> {
    match path {
        Some(p) => match scenario::load_any(p)? {
            scenario::Any::Negotiation(l) => Ok(*l),
            scenario::Any::Game { .. } => Err(Error::input(format!("{}: {not_game}", p.display()))),
        },
        None => Ok(scenario::default_scenario()),
    }
}
