//! `detente run`: run one scenario's experiment (or a shard of it) into a results folder, or
//! several scenarios into one folder with a comparison across them.

use std::io::IsTerminal;
use std::ops::Range;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::args::RunArgs;
use super::report::write_results;
use super::{Error, limits, now, output, print, write_file};
use crate::batch;
use crate::export::{self, library, manifest};
use crate::scenario::{self, Loaded};

/// One scenario of a run, with its runs and seed resolved.
pub struct Job {
    pub loaded: scenario::Any,
    /// The file it was read from (None: the embedded scenario).
    pub file: Option<PathBuf>,
    pub runs: u64,
    pub seed: u64,
}

impl Job {
    fn name(&self) -> &str {
        match &self.loaded {
            scenario::Any::Negotiation(l) => &l.scenario.name,
            scenario::Any::Game { scenario, .. } => &scenario.name,
        }
    }

    /// The runs of this job's slice (all of them unless sharded).
    fn range(&self, shard: Option<batch::Shard>) -> Range<u64> {
        shard.map_or(0..self.runs, |s| s.range(self.runs))
    }

    fn estimate(&self, shard: Option<batch::Shard>, threads: usize) -> batch::budget::Estimate {
        let r = self.range(shard);
        match &self.loaded {
            scenario::Any::Negotiation(l) => {
                batch::budget::negotiation(&l.scenario, r.end - r.start, threads, 1)
            }
            scenario::Any::Game { scenario, .. } => {
                batch::budget::game(scenario, r.end - r.start, threads)
            }
        }
    }
}

/// Validated settings of `detente run` (the second stage after clap).
pub struct RunConfig {
    pub jobs: Vec<Job>,
    pub out: PathBuf,
    pub threads: usize,
    pub force: bool,
    pub quiet: bool,
    pub command_line: Vec<String>,
    /// Run only this shard of the run indices (one scenario only).
    pub shard: Option<batch::Shard>,
}

impl RunConfig {
    pub fn from_args(a: RunArgs, command_line: Vec<String>) -> Result<Self, Error> {
        let (runs, b) = (a.batch.runs, a.batch.common);
        let mut jobs = Vec::new();
        if a.scenarios.is_empty() {
            let loaded = scenario::Any::Negotiation(Box::new(scenario::default_scenario()));
            jobs.push(job(loaded, None, runs, b.seed));
        }
        for p in &a.scenarios {
            jobs.push(job(scenario::load_any(p)?, Some(p.clone()), runs, b.seed));
        }
        check_names(&jobs)?;
        let out = b.out.unwrap_or_else(|| match jobs.as_slice() {
            [one] => PathBuf::from("results").join(one.name()),
            _ => PathBuf::from("results").join("comparison"),
        });
        let threads = limits::threads(b.threads)?;
        let shard = match &a.shard {
            None => None,
            Some(s) => Some(shard_of(s, &jobs)?),
        };
        let inputs: Vec<&Path> = a.scenarios.iter().map(PathBuf::as_path).collect();
        output::check_target(&out, b.force, &inputs)?;
        // The scenarios run one after another: each must fit on its own, and their runs.csv
        // files together on the disk.
        let mut all = batch::budget::Estimate {
            memory: 0,
            output: 0,
            work: 0,
            turns: false,
        };
        for j in &jobs {
            let e = j.estimate(shard, threads);
            limits::check(&e, &out, limits::SPLIT_RUN)?;
            all.output = all.output.saturating_add(e.output);
        }
        limits::check(&all, &out, limits::SPLIT_RUN)?;
        Ok(RunConfig {
            jobs,
            out,
            threads,
            force: b.force,
            quiet: b.quiet,
            command_line,
            shard,
        })
    }

    fn inputs(&self) -> Vec<&Path> {
        self.jobs.iter().filter_map(|j| j.file.as_deref()).collect()
    }
}

fn job(loaded: scenario::Any, file: Option<PathBuf>, runs: Option<u64>, seed: Option<u64>) -> Job {
    let (default_runs, default_seed) = match &loaded {
        scenario::Any::Negotiation(l) => (l.scenario.experiment.runs, l.scenario.experiment.seed),
        scenario::Any::Game { scenario, .. } => (scenario.runs, scenario.seed),
    };
    Job {
        loaded,
        file,
        runs: runs.unwrap_or(default_runs),
        seed: seed.unwrap_or(default_seed),
    }
}

/// Several scenarios each get a folder named after the scenario, so names must differ.
fn check_names(jobs: &[Job]) -> Result<(), Error> {
    for (i, j) in jobs.iter().enumerate() {
        if let Some(k) = jobs[..i].iter().find(|k| k.name() == j.name()) {
            let shown = |x: &Job| {
                x.file
                    .as_deref()
                    .map_or("the embedded scenario".into(), |p| p.display().to_string())
            };
            return Err(Error::input(format!(
                "{} and {} are both named '{}'; each scenario of a run writes a folder of its name, so give them different names",
                shown(k),
                shown(j),
                j.name()
            )));
        }
    }
    Ok(())
}

fn shard_of(s: &str, jobs: &[Job]) -> Result<batch::Shard, Error> {
    let [one] = jobs else {
        return Err(Error::input(
            "--shard splits one scenario's runs; run several scenarios without it, or shard each on its own",
        ));
    };
    let sh = batch::Shard::parse(s).map_err(Error::input)?;
    if sh.count > one.runs {
        return Err(Error::input(format!(
            "--shard {s}: {} shards of {} runs would leave some empty; use at most {} shards",
            sh.count, one.runs, one.runs
        )));
    }
    Ok(sh)
}

/// What one scenario's batch leaves: its terminal table and its row of the comparison.
struct Done {
    table: String,
    entry: Option<library::Entry>,
}

/// `detente run`.
pub fn run(cfg: RunConfig) -> Result<(), Error> {
    let staging = output::Staging::prepare(&cfg.out, cfg.force, &cfg.inputs())?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads)
        .build()
        .map_err(|e| Error::Failed(format!("cannot start worker threads: {e}")))?;
    let started = now();
    let several = cfg.jobs.len() > 1;
    let mut done = Vec::new();
    for job in &cfg.jobs {
        let dir = if several {
            let d = staging.file(job.name());
            std::fs::create_dir(&d).map_err(|e| Error::io(&d, e))?;
            d
        } else {
            staging.dir().to_path_buf()
        };
        let batch = Batch::start(&cfg, job, &dir, &pool)?;
        done.push(match &job.loaded {
            scenario::Any::Negotiation(l) => run_negotiation(&cfg, job, l, batch)?,
            scenario::Any::Game { scenario, .. } => run_game(&cfg, job, scenario, batch)?,
        });
    }
    if several {
        write_comparison(&cfg, staging.dir(), &done, &started)?;
    }
    let out = staging.commit()?;
    if !cfg.quiet {
        let tables: Vec<&str> = done.iter().map(|d| d.table.as_str()).collect();
        print(format!(
            "{}\nresults in {}\n",
            tables.join("\n"),
            out.display()
        ))?;
    }
    Ok(())
}

/// One scenario's batch: where it writes, the progress bar and the streamed `runs.csv`.
struct Batch<'a> {
    dir: PathBuf,
    pool: &'a rayon::ThreadPool,
    bar: ProgressBar,
    /// The streamed runs.csv (None when the scenario turns per-run rows off).
    runs_csv: Option<output::HashedFile>,
    started: String,
}

impl<'a> Batch<'a> {
    fn start(
        cfg: &RunConfig,
        job: &Job,
        dir: &Path,
        pool: &'a rayon::ThreadPool,
    ) -> Result<Batch<'a>, Error> {
        let header = match &job.loaded {
            scenario::Any::Negotiation(l) => {
                let sc = &l.scenario;
                sc.output.runs_csv.then(|| export::runs::header_bytes(sc))
            }
            scenario::Any::Game { scenario, .. } => scenario
                .runs_csv
                .then(|| export::game::runs_header_bytes(scenario)),
        };
        let runs_csv = match header {
            Some(header) => {
                let mut w = output::HashedFile::create(&dir.join("runs.csv"), cfg.shard.is_some())?;
                w.write(&header)?;
                Some(w)
            }
            None => None,
        };
        let bar = if cfg.quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let r = job.range(cfg.shard);
            let b =
                ProgressBar::with_draw_target(Some(r.end - r.start), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  eta {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        };
        Ok(Batch {
            dir: dir.to_path_buf(),
            pool,
            bar,
            runs_csv,
            started: now(),
        })
    }

    /// Write the other files and the manifest.
    fn finish(mut self, cfg: &RunConfig, job: &Job, out: Outputs) -> Result<String, Error> {
        self.bar.finish_and_clear();
        if let Some(w) = &mut self.runs_csv {
            w.finish()?;
        }
        let finished = now();
        let manifest = manifest::json(&manifest::Info {
            subject: manifest::Subject::of(&job.loaded),
            seed: job.seed,
            runs: job.runs,
            threads: self.pool.current_num_threads(),
            command_line: &cfg.command_line,
            started: &self.started,
            finished: &finished,
            extra: out.manifest_extra,
        });
        write_results(&self.dir, &out.files, &manifest)?;
        Ok(out.table)
    }

    /// The streamed runs.csv's hash and line count, for a shard's manifest.
    fn runs_csv_claim(&mut self) -> Result<Option<(String, u64)>, Error> {
        Ok(self
            .runs_csv
            .as_mut()
            .map(output::HashedFile::finish)
            .transpose()?
            .flatten())
    }
}

/// What a batch writes besides runs.csv: its files, the table for the terminal and the
/// manifest's extra entries (`shard` for a shard).
struct Outputs {
    files: Vec<(&'static str, Vec<u8>)>,
    table: String,
    manifest_extra: Vec<(&'static str, serde_json::Value)>,
}

fn run_negotiation(
    cfg: &RunConfig,
    job: &Job,
    loaded: &Loaded,
    mut b: Batch,
) -> Result<Done, Error> {
    let sc = &loaded.scenario;
    let bar = b.bar.clone();
    let progress = move |done: u64| bar.set_position(done);
    let range = job.range(cfg.shard);
    let agg = {
        let mut sink = |rows: &[batch::RunRows]| -> Result<(), Error> {
            match &mut b.runs_csv {
                Some(w) => w.write(&export::runs::rows_bytes_parallel(sc, rows)),
                None => Ok(()),
            }
        };
        b.pool
            .install(|| batch::run(sc, job.seed, range.clone(), &progress, &mut sink))?
    };
    let (out, entry) = match cfg.shard {
        Some(shard) => {
            let claim = b.runs_csv_claim()?;
            let bytes = export::partial::encode(&agg);
            (shard_outputs(job, shard, &range, bytes, claim), None)
        }
        None => {
            let colour = std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let out = Outputs {
                files: vec![
                    ("trajectories.csv", export::trajectories::csv(sc, &agg)),
                    ("summary.csv", export::summary::csv(sc, &agg)),
                ],
                table: export::terminal::table(sc, &agg, job.seed, colour),
                manifest_extra: Vec::new(),
            };
            let entry = library::negotiation(&file_name(job), sc, &agg, job.seed);
            (out, Some(entry))
        }
    };
    let table = b.finish(cfg, job, out)?;
    Ok(Done { table, entry })
}

fn run_game(
    cfg: &RunConfig,
    job: &Job,
    sc: &scenario::game::GameScenario,
    mut b: Batch,
) -> Result<Done, Error> {
    let bar = b.bar.clone();
    let progress = move |done: u64| bar.set_position(done);
    let range = job.range(cfg.shard);
    let agg = {
        let mut sink = |rows: &[batch::game::MatchRows]| -> Result<(), Error> {
            match &mut b.runs_csv {
                Some(w) => w.write(&export::game::runs_rows(sc, rows)),
                None => Ok(()),
            }
        };
        b.pool
            .install(|| batch::game::run(sc, job.seed, range.clone(), &progress, &mut sink))?
    };
    let (out, entry) = match cfg.shard {
        Some(shard) => {
            let claim = b.runs_csv_claim()?;
            let bytes = export::partial::encode_game(&agg);
            (shard_outputs(job, shard, &range, bytes, claim), None)
        }
        None => {
            let out = Outputs {
                files: vec![
                    ("summary.csv", export::game::summary_csv(sc, &agg)),
                    ("ranking.csv", export::game::ranking_csv(sc, &agg)),
                ],
                table: export::game::table(sc, &agg, job.seed),
                manifest_extra: Vec::new(),
            };
            let entry = library::game(&file_name(job), sc, &agg, job.runs, job.seed);
            (out, Some(entry))
        }
    };
    let table = b.finish(cfg, job, out)?;
    Ok(Done { table, entry })
}

/// What a shard writes: its aggregate, the manifest's `shard` entry (which slice, and the hash
/// of the aggregate and of its runs.csv) and a one-line note for the terminal.
fn shard_outputs(
    job: &Job,
    shard: batch::Shard,
    range: &Range<u64>,
    aggregate: Vec<u8>,
    runs_csv: Option<(String, u64)>,
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
        "{}: shard {}/{}, runs {}..{} of {}, seed {}; combine all {} shards with `detente merge`",
        job.name(),
        shard.index,
        shard.count,
        range.start,
        range.end,
        job.runs,
        job.seed,
        shard.count
    );
    Outputs {
        files: vec![("aggregate.bin", aggregate)],
        table,
        manifest_extra: vec![("shard", entry)],
    }
}

/// The name a scenario is shown by in a comparison: its file's, or the embedded one's.
fn file_name(job: &Job) -> String {
    job.file.as_deref().map_or_else(
        || scenario::DEFAULT_SCENARIO_PATH.to_string(),
        |p| p.display().to_string(),
    )
}

/// The top of a folder of several scenarios: comparison.csv, report.html and a manifest naming
/// the scenario folders.
fn write_comparison(
    cfg: &RunConfig,
    dir: &Path,
    done: &[Done],
    started: &str,
) -> Result<(), Error> {
    let names: Vec<&str> = cfg.jobs.iter().map(Job::name).collect();
    let entries: Vec<(&str, &library::Entry)> = names
        .iter()
        .zip(done)
        .filter_map(|(n, d)| d.entry.as_ref().map(|e| (*n, e)))
        .collect();
    write_file(
        &dir.join("comparison.csv"),
        &export::comparison::csv(&entries),
    )?;
    write_file(
        &dir.join("report.html"),
        crate::report::comparison::page(&entries).as_bytes(),
    )?;
    let m = serde_json::json!({
        "program": {"name": "detente", "version": env!("CARGO_PKG_VERSION")},
        "scenarios": names,
        "command_line": cfg.command_line,
        "started": started,
        "finished": now(),
        "complete": true,
    });
    let text = serde_json::to_string_pretty(&m).map_err(|e| Error::Failed(e.to_string()))?;
    write_file(&dir.join("manifest.json"), format!("{text}\n").as_bytes())
}
