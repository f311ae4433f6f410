//! The command line: arguments to validated settings (two stages), then the commands.
//!
//! Exit codes: 0 success, 2 bad input (arguments, scenario files, output paths), 1 other failures.

pub mod args;
pub mod output;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::batch;
use crate::export::{self, manifest, runs::RunsWriter};
use crate::model::params::PARAM_DOCS;
use crate::scenario::{self, Loaded};
use crate::strategies::KINDS;
use args::{Cli, Command, ListWhat, RunArgs};

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

impl From<scenario::ScenarioError> for Error {
    fn from(e: scenario::ScenarioError) -> Self {
        Error::Input(e.to_string())
    }
}

/// What `main` should do after parsing.
pub enum Parsed {
    /// Run this command.
    Command(Cli),
    /// Help or version text to print on stdout, then exit 0.
    Info(String),
}

/// Parse arguments; a usage error becomes one line.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Parsed, Error> {
    match Cli::try_parse_from(args) {
        Ok(cli) => Ok(Parsed::Command(cli)),
        Err(e) => match e.kind() {
            clap::error::ErrorKind::DisplayHelp
            | clap::error::ErrorKind::DisplayVersion
            | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                Ok(Parsed::Info(e.render().to_string()))
            }
            _ => {
                let text = e.render().to_string();
                let first = text
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("invalid arguments")
                    .trim_start_matches("error: ")
                    .to_string();
                Err(Error::input(format!("{first} (see detente --help)")))
            }
        },
    }
}

/// Run a parsed command.
pub fn execute(cli: Cli, command_line: Vec<String>) -> Result<(), Error> {
    match cli.command {
        Command::Run(a) => run(RunConfig::from_args(a, command_line)?),
        Command::Validate { files } => validate(&files),
        Command::List { what, scenario } => list(what, scenario.as_deref()),
    }
}

/// Validated settings of `detente run` (the second stage after clap).
pub struct RunConfig {
    pub loaded: Loaded,
    pub runs: u64,
    pub seed: u64,
    pub out: PathBuf,
    pub threads: Option<usize>,
    pub force: bool,
    pub quiet: bool,
    pub command_line: Vec<String>,
}

impl RunConfig {
    pub fn from_args(a: RunArgs, command_line: Vec<String>) -> Result<Self, Error> {
        let loaded = match &a.scenario {
            Some(p) => scenario::load(p)?,
            None => scenario::default_scenario(),
        };
        let runs = a.runs.unwrap_or(loaded.scenario.experiment.runs);
        let seed = a.seed.unwrap_or(loaded.scenario.experiment.seed);
        let out = a
            .out
            .unwrap_or_else(|| PathBuf::from("results").join(&loaded.scenario.name));
        let threads = match a.threads {
            Some(t) => Some(t as usize),
            None => match std::env::var("RAYON_NUM_THREADS") {
                Ok(v) if !v.trim().is_empty() => Some(
                    v.trim()
                        .parse::<usize>()
                        .ok()
                        .filter(|&t| t >= 1)
                        .ok_or_else(|| {
                            Error::input(format!(
                                "RAYON_NUM_THREADS='{v}' is not a positive whole number"
                            ))
                        })?,
                ),
                _ => None,
            },
        };
        Ok(RunConfig {
            loaded,
            runs,
            seed,
            out,
            threads,
            force: a.force,
            quiet: a.quiet,
            command_line,
        })
    }
}

fn now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    manifest::rfc3339(secs)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

/// `detente run`.
pub fn run(cfg: RunConfig) -> Result<(), Error> {
    let sc = &cfg.loaded.scenario;
    let staging = output::Staging::prepare(&cfg.out, cfg.force)?;
    let started = now();
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = cfg.threads {
        builder = builder.num_threads(t);
    }
    let pool = builder
        .build()
        .map_err(|e| Error::Failed(format!("cannot start worker threads: {e}")))?;
    let threads = pool.current_num_threads();

    let runs_path = staging.file("runs.csv");
    let file = std::fs::File::create(&runs_path).map_err(|e| Error::io(&runs_path, e))?;
    let mut writer = RunsWriter::new(sc, std::io::BufWriter::with_capacity(1 << 20, file))
        .map_err(|e| Error::Failed(format!("{}: {e}", runs_path.display())))?;

    let bar = if cfg.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let b = ProgressBar::with_draw_target(Some(cfg.runs), ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    };
    let progress = |done: u64| bar.set_position(done);
    let mut sink = |rows: &[batch::RunRows]| -> Result<(), Error> {
        writer
            .write(sc, rows)
            .map_err(|e| Error::Failed(format!("{}: {e}", runs_path.display())))
    };
    let agg = pool.install(|| batch::run(sc, cfg.seed, 0..cfg.runs, &progress, &mut sink))?;
    bar.finish_and_clear();
    writer
        .finish()
        .and_then(|mut w| w.flush())
        .map_err(|e| Error::io(&runs_path, e))?;

    write_file(
        &staging.file("trajectories.csv"),
        &export::trajectories::csv(sc, &agg),
    )?;
    write_file(
        &staging.file("summary.csv"),
        &export::summary::csv(sc, &agg),
    )?;
    let finished = now();
    let info = manifest::Info {
        scenario: sc,
        scenario_path: &cfg.loaded.path,
        scenario_text: &cfg.loaded.text,
        seed: cfg.seed,
        runs: cfg.runs,
        threads,
        command_line: &cfg.command_line,
        started: &started,
        finished: &finished,
    };
    write_file(
        &staging.file("manifest.json"),
        manifest::json(&info).as_bytes(),
    )?;
    let out = staging.commit()?;
    if !cfg.quiet {
        let mut stdout = std::io::stdout().lock();
        let text = export::terminal::table(sc, &agg, cfg.seed);
        let _ = writeln!(stdout, "{text}\nresults in {}", out.display());
    }
    Ok(())
}

/// `detente validate`: every file is checked; the first error of each is printed.
pub fn validate(files: &[PathBuf]) -> Result<(), Error> {
    let mut errors = Vec::new();
    for f in files {
        if let Err(e) = scenario::load(f) {
            errors.push(e.to_string());
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Input(errors.join("\nerror: ")))
    }
}

/// `detente list`.
pub fn list(what: ListWhat, scenario_path: Option<&Path>) -> Result<(), Error> {
    let loaded = match scenario_path {
        Some(p) => scenario::load(p)?,
        None => scenario::default_scenario(),
    };
    let sc = &loaded.scenario;
    let mut s = String::new();
    use std::fmt::Write as _;
    match what {
        ListWhat::Strategies => {
            for k in KINDS {
                let _ = writeln!(s, "{:24} {} ({})", k.kind, k.doc, k.source);
            }
        }
        ListWhat::Moves => {
            for m in &sc.moves {
                let who = &sc.actors[m.actor].id;
                let detail = match &m.hostile {
                    Some(h) => format!("hostile: severity {}, LR {}", h.severity, h.lr),
                    None => format!(
                        "c {} v {} nu {} r {}; gate {:.2}",
                        m.cost, m.value, m.verifiability, m.irreversibility, m.gate
                    ),
                };
                let _ = writeln!(
                    s,
                    "{:26} {:5} {:17} {} ({detail})",
                    m.id,
                    who,
                    m.category.name(),
                    m.label
                );
            }
        }
        ListWhat::Metrics => {
            for (name, doc) in export::trajectories::metric_docs(sc) {
                let _ = writeln!(s, "{name:28} trajectories.csv  {doc}");
            }
            for (name, (_, doc)) in batch::aggregate::run_metric_names(sc)
                .into_iter()
                .zip(batch::aggregate::RUN_METRICS)
            {
                let doc = doc
                    .replace("{0}", &sc.actors[0].id)
                    .replace("{1}", &sc.actors[1].id);
                let _ = writeln!(s, "{name:28} summary.csv       {doc}");
            }
        }
        ListWhat::Params => {
            for p in PARAM_DOCS {
                let _ = writeln!(s, "{:26} {:>8} [{}]  {}", p.name, p.default, p.range, p.doc);
            }
        }
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(|e| Error::Failed(format!("stdout: {e}"))),
    }
}
