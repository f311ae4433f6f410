//! The command line: arguments to validated settings (two stages), then the commands.
//!
//! Exit codes: 0 success, 2 bad input (arguments, scenario files, output paths), 1 other failures.

pub mod args;
pub mod limits;
pub mod merge;
pub mod output;
pub mod sweep;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::batch;
use crate::export::{self, manifest};
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

impl From<batch::NonFinite> for Error {
    fn from(e: batch::NonFinite) -> Self {
        Error::Failed(e.to_string())
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
        Command::Run(a) => run(RunConfig::from_args(a, command_line)?),
        Command::Validate { files } => validate(&files),
        Command::Merge(a) => merge::run(a, command_line),
        Command::Sweep(a) => sweep::run(sweep::SweepConfig::from_args(a)?),
        Command::Replay(a) => replay(a),
        Command::Report { dir } => report(&dir),
        Command::List { what, scenario } => list(what, scenario.as_deref()),
    }
}

/// Validated settings of `detente run` (the second stage after clap).
pub struct RunConfig {
    pub loaded: scenario::Any,
    pub runs: u64,
    pub seed: u64,
    pub out: PathBuf,
    pub threads: usize,
    pub force: bool,
    pub quiet: bool,
    pub command_line: Vec<String>,
    /// Files the command reads (its scenario), which `--out` must not hold.
    pub inputs: Vec<PathBuf>,
    /// Run only this shard of the run indices.
    pub shard: Option<batch::Shard>,
}

impl RunConfig {
    pub fn from_args(a: RunArgs, command_line: Vec<String>) -> Result<Self, Error> {
        let loaded = match &a.scenario {
            Some(p) => scenario::load_any(p)?,
            None => scenario::Any::Negotiation(Box::new(scenario::default_scenario())),
        };
        let (name, default_runs, default_seed) = match &loaded {
            scenario::Any::Negotiation(l) => (
                l.scenario.name.clone(),
                l.scenario.experiment.runs,
                l.scenario.experiment.seed,
            ),
            scenario::Any::Game { scenario, .. } => {
                (scenario.name.clone(), scenario.runs, scenario.seed)
            }
        };
        let runs = a.runs.unwrap_or(default_runs);
        let seed = a.seed.unwrap_or(default_seed);
        let out = a.out.unwrap_or_else(|| PathBuf::from("results").join(name));
        let threads = limits::threads(a.threads)?;
        let shard = match &a.shard {
            None => None,
            Some(s) => {
                let sh = batch::Shard::parse(s).map_err(Error::input)?;
                if sh.count > runs {
                    return Err(Error::input(format!(
                        "--shard {s}: {} shards of {runs} runs would leave some empty; use at most {runs} shards",
                        sh.count
                    )));
                }
                Some(sh)
            }
        };
        let range = shard.map_or(0..runs, |s| s.range(runs));
        let estimate = match &loaded {
            scenario::Any::Negotiation(l) => {
                batch::budget::negotiation(&l.scenario, range.end - range.start, threads, 1)
            }
            scenario::Any::Game { scenario, .. } => {
                batch::budget::game(scenario, range.end - range.start, threads)
            }
        };
        let inputs: Vec<PathBuf> = a.scenario.into_iter().collect();
        let input_refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
        output::check_target(&out, a.force, &input_refs)?;
        limits::check(&estimate, &out, limits::SPLIT_RUN)?;
        Ok(RunConfig {
            inputs,
            shard,
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

fn now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    manifest::rfc3339(secs)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

/// A batch's shared machinery: the staging folder, the thread pool, the progress bar and the
/// streamed `runs.csv`.
struct Batch {
    staging: output::Staging,
    pool: rayon::ThreadPool,
    bar: ProgressBar,
    /// The streamed runs.csv (None when the scenario turns per-run rows off).
    runs_csv: Option<output::HashedFile>,
    started: String,
}

impl Batch {
    fn start(cfg: &RunConfig, header: Option<&[u8]>) -> Result<Batch, Error> {
        let inputs: Vec<&Path> = cfg.inputs.iter().map(PathBuf::as_path).collect();
        let staging = output::Staging::prepare(&cfg.out, cfg.force, &inputs)?;
        let started = now();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(cfg.threads)
            .build()
            .map_err(|e| Error::Failed(format!("cannot start worker threads: {e}")))?;
        let runs_csv = match header {
            Some(header) => {
                let path = staging.file("runs.csv");
                let mut w = output::HashedFile::create(&path, cfg.shard.is_some())?;
                w.write(header)?;
                Some(w)
            }
            None => None,
        };
        let bar = if cfg.quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let len = cfg.shard.map_or(cfg.runs, |s| {
                s.range(cfg.runs).end - s.range(cfg.runs).start
            });
            let b = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  eta {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        };
        Ok(Batch {
            staging,
            pool,
            bar,
            runs_csv,
            started,
        })
    }

    /// Write the other files and the manifest, rename into place, print the table.
    fn finish(
        mut self,
        cfg: &RunConfig,
        files: &[(&str, Vec<u8>)],
        info: impl FnOnce(usize, &str, &str) -> String,
        table: String,
    ) -> Result<(), Error> {
        self.bar.finish_and_clear();
        if let Some(w) = &mut self.runs_csv {
            w.finish()?;
        }
        let finished = now();
        let manifest = info(self.pool.current_num_threads(), &self.started, &finished);
        write_results(&self.staging, files, &manifest)?;
        let out = self.staging.commit()?;
        if !cfg.quiet {
            print(format!("{table}\nresults in {}\n", out.display()))?;
        }
        Ok(())
    }
}

/// Write a results folder's files and manifest.json, then the charts and report.html when the
/// files include trajectories.csv and summary.csv (a negotiation's full results).
fn write_results(
    staging: &output::Staging,
    files: &[(&str, Vec<u8>)],
    manifest: &str,
) -> Result<(), Error> {
    for (name, bytes) in files {
        write_file(&staging.file(name), bytes)?;
    }
    write_file(&staging.file("manifest.json"), manifest.as_bytes())?;
    let find = |n: &str| {
        files
            .iter()
            .find(|(f, _)| *f == n)
            .map(|(_, b)| b.as_slice())
    };
    if let (Some(t), Some(s)) = (find("trajectories.csv"), find("summary.csv")) {
        for (name, bytes) in report_files(t, s, manifest)? {
            write_file(&staging.file(name), &bytes)?;
        }
    }
    Ok(())
}

/// `detente run`.
pub fn run(cfg: RunConfig) -> Result<(), Error> {
    match &cfg.loaded {
        scenario::Any::Negotiation(l) => run_negotiation(&cfg, l),
        scenario::Any::Game { scenario, .. } => run_game(&cfg, scenario),
    }
}

fn run_negotiation(cfg: &RunConfig, loaded: &Loaded) -> Result<(), Error> {
    let sc = &loaded.scenario;
    let header = export::runs::header_bytes(sc);
    let mut b = Batch::start(cfg, sc.output.runs_csv.then_some(header.as_slice()))?;
    let bar = b.bar.clone();
    let progress = move |done: u64| bar.set_position(done);
    let mut sink = |rows: &[batch::RunRows]| -> Result<(), Error> {
        let Some(w) = &mut b.runs_csv else {
            return Ok(());
        };
        let bytes = export::runs::rows_bytes_parallel(sc, rows);
        w.write(&bytes)
    };
    let range = cfg.shard.map_or(0..cfg.runs, |s| s.range(cfg.runs));
    let agg = b
        .pool
        .install(|| batch::run(sc, cfg.seed, range.clone(), &progress, &mut sink))?;
    let (files, table, extra) = match cfg.shard {
        Some(shard) => shard_outputs(
            &sc.name,
            shard,
            &range,
            export::partial::encode(&agg),
            b.runs_csv
                .as_mut()
                .map(output::HashedFile::finish)
                .transpose()?
                .flatten(),
            cfg,
        ),
        None => {
            let files = vec![
                ("trajectories.csv", export::trajectories::csv(sc, &agg)),
                ("summary.csv", export::summary::csv(sc, &agg)),
            ];
            let colour = std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let table = export::terminal::table(sc, &agg, cfg.seed, colour);
            (files, table, Vec::new())
        }
    };
    b.finish(
        cfg,
        &files,
        |threads, started, finished| {
            manifest::json(&manifest::Info {
                subject: manifest::Subject::of(&cfg.loaded),
                seed: cfg.seed,
                runs: cfg.runs,
                threads,
                command_line: &cfg.command_line,
                started,
                finished,
                extra,
            })
        },
        table,
    )
}

/// What a shard writes: its aggregate, the manifest's `shard` entry (which slice, and the hash
/// of the aggregate) and a one-line note for the terminal.
type Outputs = (
    Vec<(&'static str, Vec<u8>)>,
    String,
    Vec<(&'static str, serde_json::Value)>,
);

fn shard_outputs(
    name: &str,
    shard: batch::Shard,
    range: &std::ops::Range<u64>,
    aggregate: Vec<u8>,
    runs_csv: Option<(String, u64)>,
    cfg: &RunConfig,
) -> Outputs {
    let mut entry = serde_json::json!({
        "index": shard.index,
        "count": shard.count,
        "first_run": range.start,
        "end_run": range.end,
        "aggregate": "aggregate.bin",
        "aggregate_sha256": manifest::sha256_bytes(&aggregate),
    });
    if let Some((sha, lines)) = runs_csv {
        entry["runs_csv_sha256"] = sha.into();
        entry["runs_csv_lines"] = lines.into();
    }
    let table = format!(
        "{name}: shard {}/{}, runs {}..{} of {}, seed {}; combine all {} shards with `detente merge`",
        shard.index, shard.count, range.start, range.end, cfg.runs, cfg.seed, shard.count
    );
    (
        vec![("aggregate.bin", aggregate)],
        table,
        vec![("shard", entry)],
    )
}

fn run_game(cfg: &RunConfig, sc: &scenario::game::GameScenario) -> Result<(), Error> {
    let header = {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let _ = w.write_record(export::game::runs_header(sc));
        w.into_inner().unwrap_or_default()
    };
    let mut b = Batch::start(cfg, sc.runs_csv.then_some(header.as_slice()))?;
    let bar = b.bar.clone();
    let progress = move |done: u64| bar.set_position(done);
    let mut sink = |rows: &[batch::game::MatchRows]| -> Result<(), Error> {
        let Some(w) = &mut b.runs_csv else {
            return Ok(());
        };
        let bytes = export::game::runs_rows(sc, rows);
        w.write(&bytes)
    };
    let range = cfg.shard.map_or(0..cfg.runs, |s| s.range(cfg.runs));
    let agg = b
        .pool
        .install(|| batch::game::run(sc, cfg.seed, range.clone(), &progress, &mut sink))?;
    let (files, table, extra) = match cfg.shard {
        Some(shard) => shard_outputs(
            &sc.name,
            shard,
            &range,
            export::partial::encode_game(&agg),
            b.runs_csv
                .as_mut()
                .map(output::HashedFile::finish)
                .transpose()?
                .flatten(),
            cfg,
        ),
        None => (
            vec![
                ("summary.csv", export::game::summary_csv(sc, &agg)),
                ("ranking.csv", export::game::ranking_csv(sc, &agg)),
            ],
            export::game::table(sc, &agg, cfg.seed),
            Vec::new(),
        ),
    };
    b.finish(
        cfg,
        &files,
        |threads, started, finished| {
            manifest::json(&manifest::Info {
                subject: manifest::Subject::of(&cfg.loaded),
                seed: cfg.seed,
                runs: cfg.runs,
                threads,
                command_line: &cfg.command_line,
                started,
                finished,
                extra,
            })
        },
        table,
    )
}

/// Charts and report.html from a results folder's CSV and manifest text. The manifest must be a
/// complete detente manifest of a negotiation batch whose scenario text matches its hash and
/// whose arms are the arms of the CSV files.
fn report_files(
    trajectories: &[u8],
    summary: &[u8],
    manifest: &str,
) -> Result<Vec<(&'static str, Vec<u8>)>, Error> {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let manifest: serde_json::Value =
        serde_json::from_str(manifest).map_err(|e| Error::input(format!("manifest.json: {e}")))?;
    let scenario_text = manifest["scenario"]["text"].as_str().unwrap_or("");
    let hash_ok = manifest["scenario"]["sha256"].as_str()
        == Some(manifest::sha256_hex(scenario_text).as_str());
    if manifest["program"]["name"] != "detente" || manifest["complete"] != true || !hash_ok {
        return Err(Error::input(
            "manifest.json is not the complete manifest of a detente run (its program, its completion or its scenario's sha256 is missing or wrong)",
        ));
    }
    let results =
        crate::report::parse(&text(trajectories), &text(summary)).map_err(Error::input)?;
    let arms: Vec<&str> = manifest["arms"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["id"].as_str()).collect())
        .unwrap_or_default();
    if arms != results.arms.iter().map(String::as_str).collect::<Vec<_>>() {
        return Err(Error::input(format!(
            "manifest.json names the arms {} but trajectories.csv holds {}: the files come from different runs",
            arms.join(", "),
            results.arms.join(", ")
        )));
    }
    let months = results
        .series
        .values()
        .flat_map(|v| v.iter().map(|p| p.month))
        .fold(0.0f64, f64::max);
    // A partial merge covers fewer runs than its batch.
    let runs = manifest["merged"]["runs_covered"]
        .as_u64()
        .or(manifest["runs"].as_u64());
    let counts_agree = results
        .summary
        .iter()
        .filter(|((_, metric), _)| metric == "outcome:agreement")
        .all(|(_, stat)| Some(stat.n) == runs);
    if manifest["horizon"].as_f64() != Some(months) || !counts_agree {
        return Err(Error::input(format!(
            "manifest.json describes {} runs over {} months, but the CSV files hold other runs or months: the files come from different runs",
            runs.unwrap_or(0),
            manifest["horizon"]
        )));
    }
    let sc = scenario::parse(scenario_text, "manifest.json scenario").ok();
    let mut out: Vec<(&'static str, Vec<u8>)> = crate::report::charts::all(&results)
        .into_iter()
        .map(|(n, s)| (n, s.into_bytes()))
        .collect();
    out.push((
        "report.html",
        crate::report::html::page(&results, &manifest, sc.as_ref()).into_bytes(),
    ));
    Ok(out)
}

/// The largest results CSV `report` reads.
const MAX_REPORT_CSV: u64 = 1 << 30;

/// `detente report DIR`: rebuild the charts and report.html from a results folder.
pub fn report(dir: &Path) -> Result<(), Error> {
    let read = |n: &str, max: u64| {
        let p = dir.join(n);
        scenario::read_limited(&p, max)
            .map_err(|e| Error::input(format!("{}: cannot read: {e}", p.display())))
    };
    let m = read("manifest.json", MAX_MANIFEST)?;
    let parsed: serde_json::Value = serde_json::from_slice(&m).unwrap_or_default();
    if parsed.get("shard").is_some() {
        return Err(Error::input(format!(
            "{} is one shard of a batch; merge the shards first (detente merge), then report the merged folder",
            dir.display()
        )));
    }
    if parsed["program"]["name"] == "detente" && parsed["horizon"].is_null() {
        return Err(Error::input(format!(
            "{} holds repeated-game results (summary.csv, ranking.csv); `detente report` draws negotiation results",
            dir.display()
        )));
    }
    let (t, s) = (
        read("trajectories.csv", MAX_REPORT_CSV)?,
        read("summary.csv", MAX_REPORT_CSV)?,
    );
    output::clean_stale_in(dir);
    for (name, bytes) in report_files(&t, &s, &String::from_utf8_lossy(&m))? {
        // Never a half-written chart.
        output::write_atomic(dir, name, &bytes)?;
    }
    Ok(())
}

/// A negotiation scenario from a file (or the embedded default); `not_game` explains why a
/// repeated-game file is refused.
fn negotiation(path: Option<&Path>, not_game: &str) -> Result<Loaded, Error> {
    match path {
        Some(p) => match scenario::load_any(p)? {
            scenario::Any::Negotiation(l) => Ok(*l),
            scenario::Any::Game { .. } => Err(Error::input(format!("{}: {not_game}", p.display()))),
        },
        None => Ok(scenario::default_scenario()),
    }
}

/// Runs searched by `replay --pick`.
const PICK_SEARCH: u64 = 10_000;

/// `detente replay`.
pub fn replay(a: args::ReplayArgs) -> Result<(), Error> {
    use crate::engine::{self, Keep, Outcome, Workspace, rng};
    let loaded = negotiation(
        a.scenario.as_deref(),
        "replay tells runs of negotiation scenarios, not repeated games",
    )?;
    let sc = &loaded.scenario;
    let arm = sc
        .experiment
        .arms
        .iter()
        .find(|x| x.id == a.arm)
        .ok_or_else(|| {
            let ids: Vec<&str> = sc.experiment.arms.iter().map(|x| x.id.as_str()).collect();
            Error::input(format!(
                "unknown arm '{}'; expected one of: {}",
                a.arm,
                ids.join(", ")
            ))
        })?;
    let master = a.seed.unwrap_or(sc.experiment.seed);
    let mut ws = Workspace::new();
    let mut play = |run: u64| {
        let mut k = Keep::default();
        let seed = rng::run_seed(master, run);
        let rec = engine::simulate(sc, arm, seed, &mut ws, &mut k);
        (run, seed, k, rec)
    };
    let (run, seed, keep, rec) = match (a.run, a.pick) {
        (_, Some(args::Pick::Median)) => {
            let mut finals: Vec<(f64, u64)> =
                (0..501).map(|r| (play(r).3.final_trust[0], r)).collect();
            finals.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
            play(finals[finals.len() / 2].1)
        }
        (_, Some(kind)) => {
            let want = match kind {
                args::Pick::Agreement => Outcome::Agreement,
                args::Pick::War => Outcome::War,
                _ => Outcome::Breakdown,
            };
            let found = (0..PICK_SEARCH)
                .find(|&r| play(r).3.outcome == want)
                .ok_or_else(|| {
                    Error::input(format!(
                        "no run of arm '{}' ends in {} among the first {PICK_SEARCH}",
                        arm.id,
                        want.name()
                    ))
                })?;
            play(found)
        }
        (run, None) => play(run.unwrap_or(0)),
    };
    let bytes = match a.format {
        args::ReplayFormat::Text => {
            export::narrative::text(sc, arm, run, seed, &keep, &rec).into_bytes()
        }
        args::ReplayFormat::Csv => export::narrative::csv(sc, arm, &keep),
    };
    print(&bytes)
}

/// `detente validate`: every file is checked; the first error of each is printed.
pub fn validate(files: &[PathBuf]) -> Result<(), Error> {
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

/// `detente list`.
pub fn list(what: ListWhat, scenario_path: Option<&Path>) -> Result<(), Error> {
    let loaded = negotiation(
        scenario_path,
        "a repeated-game scenario has no moves, metrics or params of the negotiation model; `detente list strategies` lists its player kinds",
    )?;
    let sc = &loaded.scenario;
    let mut s = String::new();
    use std::fmt::Write as _;
    match what {
        ListWhat::Strategies => {
            for k in KINDS {
                let _ = writeln!(s, "{:24} {} ({})", k.kind, k.doc, k.source);
            }
            let _ = writeln!(s, "\nrepeated games ([game] scenarios):");
            for (kind, doc) in scenario::game::PLAYER_KINDS {
                let _ = writeln!(s, "{kind:24} {doc}");
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
    print(&s)
}
