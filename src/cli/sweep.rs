//! `detente sweep`: the experiment at every point of a grid or Latin hypercube of scenario
//! settings, with the same seed (common random numbers) at every point. Points run in
//! parallel and each is written to `points/` as it finishes, so an interrupted sweep resumes
//! where it stopped and ends with the same files as an uninterrupted one.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use super::args::{DesignArg, SweepArgs};
use super::output::{self, write_atomic};
use super::{Error, limits, negotiation};
use crate::batch;
use crate::batch::aggregate::{KEY_METRICS, lower_is_better, run_metric_names};
use crate::export::{manifest, sweep as out};
use crate::model::Scenario;
use crate::report::flip::{FlipSpec, svg_text};
use crate::scenario::{ScenarioError, vary};
use crate::sweep::given::{self, Given, Placement};
use crate::sweep::{self, Axis, Design, Verdict};

/// Bootstrap replicates of the sensitivity indices.
const RESAMPLES: usize = 500;

/// The most points one sweep may have.
pub const MAX_POINTS: usize = 100_000;

/// A validated sweep.
pub struct SweepConfig {
    pub name: String,
    pub scenario_text: String,
    pub axes: Vec<Axis>,
    pub design: Design,
    /// The scenario file's TOML tree, and the resolved key of each axis: a point's scenario is
    /// the tree with the point's values set (rebuilt when the point runs, so memory does not
    /// grow with the number of points).
    doc: toml::Table,
    set: Vec<vary::Key>,
    /// The path shown in a point's errors.
    path: String,
    /// Every point's values (each point's scenario validated when the sweep was set up).
    pub points: Vec<Vec<f64>>,
    /// The scenario of the first point (metric names).
    first: Scenario,
    /// Files the sweep reads (its scenario), which `--out` must not hold.
    inputs: Vec<PathBuf>,
    pub runs: u64,
    pub seed: u64,
    /// The summary metrics reported (indices into RUN_METRICS).
    pub metrics: Vec<usize>,
    /// The metric of the flip map and the sensitivity ranking.
    pub metric: usize,
    pub arm: String,
    pub baseline: String,
    pub out: PathBuf,
    pub threads: usize,
    pub force: bool,
    pub quiet: bool,
}

/// `KEY=LO:HI[:STEPS]`.
fn parse_vary(s: &str, grid: bool) -> Result<(String, f64, f64, usize), Error> {
    let bad = |why: &str| {
        Error::input(format!(
            "--vary '{s}': {why}; expected KEY=LO:HI:STEPS, e.g. --vary params.inclusion=0:1:5"
        ))
    };
    let (key, range) = s.rsplit_once('=').ok_or_else(|| bad("no '='"))?;
    let parts: Vec<&str> = range.split(':').collect();
    let num = |t: &str, what: &str| {
        t.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| bad(&format!("{what} '{t}' is not a number")))
    };
    match (parts.as_slice(), grid) {
        ([lo, hi, steps], _) => {
            let n = steps
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(|| bad(&format!("STEPS '{steps}' is not a whole number >= 1")))?;
            Ok((key.trim().to_string(), num(lo, "LO")?, num(hi, "HI")?, n))
        }
        ([lo, hi], false) => Ok((key.trim().to_string(), num(lo, "LO")?, num(hi, "HI")?, 0)),
        ([_, _], true) => Err(bad("a grid needs STEPS")),
        _ => Err(bad("the range is not LO:HI:STEPS")),
    }
}

/// The message of a scenario error without the position (a point's text is generated).
pub(super) fn bare(e: ScenarioError) -> String {
    match e {
        ScenarioError::At { message, .. } => message,
        ScenarioError::Read { message, .. } => message,
    }
}

/// The point design asked for: a grid, or a Latin hypercube of `--samples` points.
fn point_design(design: DesignArg, samples: Option<u64>) -> Result<Design, Error> {
    match (design, samples) {
        (DesignArg::Grid, None) => Ok(Design::Grid),
        (DesignArg::Grid, Some(_)) => Err(Error::input(
            "--samples is for --design lhs; a grid's size is the product of the STEPS",
        )),
        (DesignArg::Lhs, Some(n)) if (2..=MAX_POINTS as u64).contains(&n) => Ok(Design::Lhs {
            samples: n as usize,
        }),
        (DesignArg::Lhs, _) => Err(Error::input(format!(
            "--design lhs needs --samples N with 2 <= N <= {MAX_POINTS}"
        ))),
    }
}

/// The settings a sweep varies: each `--vary` as an axis, with its resolved key.
struct Varied {
    axes: Vec<Axis>,
    keys: Vec<vary::Key>,
}

/// The `--vary` arguments, checked and resolved in `doc` (a grid's size checked too).
fn varied(vary: &[String], grid: bool, doc: &toml::Table) -> Result<Varied, Error> {
    let mut axes = Vec::new();
    let mut keys = Vec::new();
    for v in vary {
        let (key, lo, hi, steps) = parse_vary(v, grid)?;
        if lo > hi {
            return Err(Error::input(format!("--vary '{v}': LO is above HI")));
        }
        if axes.iter().any(|x: &Axis| x.key == key) {
            return Err(Error::input(format!("--vary '{key}' is given twice")));
        }
        let k = vary::resolve(doc, &key).map_err(|e| Error::input(format!("--vary: {e}")))?;
        if let Some(why) = k.inert() {
            return Err(Error::input(format!("--vary '{key}': {why}")));
        }
        if let Some(other) = keys.iter().position(|o: &vary::Key| o.same_setting(&k)) {
            return Err(Error::input(format!(
                "--vary '{key}' and --vary '{}' are the same setting; vary it once",
                axes[other].key
            )));
        }
        axes.push(Axis {
            key,
            lo,
            hi,
            steps,
            integer: k.integer,
        });
        keys.push(k);
    }
    if grid {
        let n = axes
            .iter()
            .try_fold(1usize, |acc, x| acc.checked_mul(x.steps))
            .filter(|&n| n <= MAX_POINTS);
        if n.is_none() {
            return Err(Error::input(format!(
                "the grid has more than {MAX_POINTS} points; use fewer STEPS or --design lhs"
            )));
        }
    }
    Ok(Varied { axes, keys })
}

/// The metrics a sweep reports.
pub(super) struct Metrics {
    /// The metric of the flip map and the sensitivity ranking.
    pub(super) metric: usize,
    /// The summary metrics reported, the flip metric among them.
    pub(super) metrics: Vec<usize>,
}

/// The flip metric (`--metric`, headline, or agreement) and the summary metrics with it.
pub(super) fn chosen_metrics(choice: Option<&str>, base: &Scenario) -> Result<Metrics, Error> {
    let names = run_metric_names(base);
    let metric_name = match (choice, base.experiment.headline) {
        (Some(m), _) => m.to_string(),
        (None, Some(h)) => names[h.metric].clone(),
        (None, None) => "outcome:agreement".to_string(),
    };
    let metric_name = metric_name.as_str();
    let metric = names.iter().position(|n| n == metric_name).ok_or_else(|| {
        Error::input(format!(
            "--metric '{metric_name}' is not a run metric; expected one of: {}",
            names.join(", ")
        ))
    })?;
    let mut metrics = base
        .output
        .metrics
        .clone()
        .unwrap_or_else(|| KEY_METRICS.to_vec());
    if !metrics.contains(&metric) {
        metrics.push(metric);
    }
    Ok(Metrics { metric, metrics })
}

/// The arm compared with `baseline`: `--arm`, else the headline arm, else the first other.
pub(super) fn compared_arm(
    choice: Option<String>,
    base: &Scenario,
    baseline: &str,
    path: &str,
) -> Result<String, Error> {
    let arms = &base.experiment.arms;
    match choice {
        Some(id) => {
            if !arms.iter().any(|x| x.id == id) {
                let ids: Vec<&str> = arms.iter().map(|x| x.id.as_str()).collect();
                return Err(Error::input(format!(
                    "--arm '{id}' is not an arm; expected one of: {}",
                    ids.join(", ")
                )));
            }
            if id == baseline {
                return Err(Error::input(format!(
                    "--arm '{id}' is the baseline; choose an arm to compare with it"
                )));
            }
            Ok(id)
        }
        None => base
            .experiment
            .headline
            .map(|h| &arms[h.arm])
            .or_else(|| arms.iter().find(|x| x.id != baseline))
            .map(|x| x.id.clone())
            .ok_or_else(|| {
                Error::input(format!(
                    "{path}: the experiment has one arm; a sweep compares an arm with the baseline"
                ))
            }),
    }
}

impl SweepConfig {
    pub fn from_args(a: SweepArgs) -> Result<Self, Error> {
        let loaded = negotiation(
            a.scenario.as_deref(),
            "sweeps vary negotiation scenarios, not repeated games",
        )?;
        let base = &loaded.scenario;
        let grid = matches!(a.design, DesignArg::Grid);
        let design = point_design(a.design, a.samples)?;
        let doc: toml::Table = loaded
            .text
            .parse()
            .map_err(|e: toml::de::Error| Error::input(format!("{}: {e}", loaded.path)))?;
        let Varied { axes, keys } = varied(&a.vary, grid, &doc)?;
        let seed = a.batch.common.seed.unwrap_or(base.experiment.seed);
        let runs = a.batch.runs.unwrap_or(base.experiment.runs);
        let points = sweep::points(&axes, design, seed);
        let Metrics { metric, metrics } = chosen_metrics(a.metric.as_deref(), base)?;
        let baseline = base.experiment.arms[base.experiment.baseline].id.clone();
        let arm = compared_arm(a.arm, base, &baseline, &loaded.path)?;
        let threads = limits::threads(a.batch.common.threads)?;
        let mut cfg =
            SweepConfig {
                name: base.name.clone(),
                out: a.batch.common.out.unwrap_or_else(|| {
                    PathBuf::from("results").join(format!("{}-sweep", base.name))
                }),
                scenario_text: loaded.text.clone(),
                axes,
                design,
                doc,
                set: keys,
                path: loaded.path.clone(),
                first: base.clone(),
                inputs: a.scenario.into_iter().collect(),
                points,
                runs,
                seed,
                metrics,
                metric,
                arm,
                baseline,
                threads,
                force: a.batch.common.force,
                quiet: a.batch.common.quiet,
            };
        check_place(&cfg, &cfg.spec_json())?;
        cfg.validate_points()?;
        Ok(cfg)
    }

    /// The scenario at point `i`.
    fn point(&self, i: usize) -> Result<Scenario, Error> {
        let values = &self.points[i];
        let mut d = self.doc.clone();
        for (k, &v) in self.set.iter().zip(values) {
            vary::set(&mut d, k, v);
        }
        let text = toml::to_string(&d).map_err(|e| Error::Failed(e.to_string()))?;
        crate::scenario::parse(&text, &self.path).map_err(|e| {
            let at: Vec<String> = self
                .axes
                .iter()
                .zip(values)
                .map(|(x, v)| format!("{}={v}", x.key))
                .collect();
            Error::input(format!("--vary: at {}: {}", at.join(", "), bare(e)))
        })
    }

    /// Build (and so validate) every point before running any, and check the whole sweep's
    /// memory, output and work against the limits.
    fn validate_points(&mut self) -> Result<(), Error> {
        let mut worst = crate::batch::budget::Estimate {
            memory: 0,
            output: 0,
            work: 0,
            turns: false,
        };
        // Unless the horizon varies, every point costs what the scenario does: refuse a sweep
        // too big before building 100,000 points.
        if !self.axes.iter().any(|x| x.key == "horizon") {
            let one = crate::batch::budget::negotiation(
                &self.first,
                self.runs,
                self.threads,
                self.threads,
            );
            let all = crate::batch::budget::Estimate {
                work: one.work * self.points.len() as u128,
                output: 0,
                ..one
            };
            limits::check(&all, &self.out, limits::SPLIT_SWEEP)?;
        }
        for i in 0..self.points.len() {
            let sc = self.point(i)?;
            let e = crate::batch::budget::negotiation(&sc, self.runs, self.threads, self.threads);
            worst.memory = worst.memory.max(e.memory);
            worst.work += e.work;
            if i == 0 {
                self.first = sc;
            }
        }
        limits::check(&worst, &self.out, limits::SPLIT_SWEEP)
    }

    fn keys(&self) -> Vec<String> {
        self.axes.iter().map(|x| x.key.clone()).collect()
    }

    /// `sweep.json`: everything that determines the results (no times, no thread count), so a
    /// rerun can tell whether a folder holds the same sweep.
    fn spec_json(&self) -> String {
        let names = run_metric_names(&self.first);
        let v = serde_json::json!({
            "program": {"name": "detente", "version": env!("CARGO_PKG_VERSION")},
            "scenario": {"name": self.name, "sha256": manifest::sha256_hex(&self.scenario_text)},
            "design": match self.design {
                Design::Grid => serde_json::json!({"kind": "grid"}),
                Design::Lhs { samples } => serde_json::json!({"kind": "lhs", "samples": samples}),
            },
            "vary": self.axes.iter().map(|x| serde_json::json!({
                "key": x.key, "low": x.lo, "high": x.hi, "steps": x.steps, "integer": x.integer,
            })).collect::<Vec<_>>(),
            "points": self.points.len(),
            "runs": self.runs,
            "seed": self.seed,
            "metrics": self.metrics.iter().map(|&k| names[k].clone()).collect::<Vec<_>>(),
            "flip": {"arm": self.arm, "baseline": self.baseline, "metric": names[self.metric]},
        });
        serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
    }
}

fn point_file(i: usize) -> String {
    format!("{i:06}.csv")
}

/// Where a sweep is written: in the folder itself (new, or the same sweep resumed), or in a
/// temporary folder that replaces it when complete (`--force` over other results).
enum Place {
    InPlace(PathBuf),
    Staged(output::Staging),
}

impl Place {
    fn dir(&self) -> &Path {
        match self {
            Place::InPlace(d) => d,
            Place::Staged(s) => s.dir(),
        }
    }
}

/// Check where the sweep goes, creating nothing: a new folder, or the same sweep's folder
/// (resumed), written in place (false); or, with `--force`, a results folder detente wrote,
/// replaced once the new sweep is complete (true).
fn check_place(cfg: &SweepConfig, spec: &str) -> Result<bool, Error> {
    let inputs: Vec<&Path> = cfg.inputs.iter().map(PathBuf::as_path).collect();
    // Refuses a file, a path that names no folder, or a folder holding the inputs.
    let (dir, _) = output::check_path(&cfg.out, &inputs)?;
    let existing = crate::scenario::read_limited(&dir.join("sweep.json"), super::MAX_MANIFEST)
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    let resumable = existing.as_deref() == Some(spec)
        || !dir.exists()
        || std::fs::read_dir(&dir).is_ok_and(|mut d| d.next().is_none());
    if resumable {
        return Ok(false);
    }
    if !cfg.force {
        let what = if existing.is_some() {
            "holds a different sweep"
        } else {
            "exists and is not a sweep folder"
        };
        return Err(Error::input(format!(
            "--out {}: {what}; choose another --out, or --force to replace it (a results folder detente wrote) once the new sweep is complete",
            cfg.out.display()
        )));
    }
    output::check_target(&cfg.out, true, &inputs)?;
    Ok(true)
}

/// Prepare the folder checked by [`check_place`] (again: it may have changed since).
fn prepare(cfg: &SweepConfig, spec: &str) -> Result<Place, Error> {
    let place = if check_place(cfg, spec)? {
        let inputs: Vec<&Path> = cfg.inputs.iter().map(PathBuf::as_path).collect();
        Place::Staged(output::Staging::prepare(&cfg.out, true, &inputs)?)
    } else {
        Place::InPlace(output::check_path(&cfg.out, &[])?.0)
    };
    let root = place.dir().to_path_buf();
    let points = root.join("points");
    std::fs::create_dir_all(&points)
        .map_err(|e| Error::input(format!("--out {}: cannot create: {e}", points.display())))?;
    output::clean_stale_in(&points);
    write_atomic(&root, "sweep.json", spec.as_bytes())?;
    Ok(place)
}

/// `detente sweep`.
pub fn run(cfg: SweepConfig) -> Result<(), Error> {
    let spec = cfg.spec_json();
    let place = prepare(&cfg, &spec)?;
    let dir = place.dir().to_path_buf();
    let pdir = dir.join("points");
    let done: Vec<bool> = (0..cfg.points.len())
        .map(|i| pdir.join(point_file(i)).is_file())
        .collect();
    let resumed = done.iter().filter(|&&d| d).count();
    let bar = progress_bar(&cfg, resumed);
    run_points(&cfg, &pdir, &done, &bar)?;
    bar.finish_and_clear();
    // Gather: the final files depend only on the point files, so a resumed sweep ends the same.
    let all = gather(&cfg, &pdir)?;
    let found = findings(&cfg, &all)?;
    write_outputs(&cfg, &dir, &all, &found)?;
    let summary = if cfg.quiet {
        String::new()
    } else {
        summary(&cfg, &found, resumed)
    };
    let dir = match place {
        Place::Staged(staging) => staging.commit()?,
        Place::InPlace(dir) => dir,
    };
    if !cfg.quiet {
        super::print(format!("{summary}results in {}\n", dir.display()))?;
    }
    Ok(())
}

/// The progress bar over the points (hidden with `--quiet` or off a terminal).
fn progress_bar(cfg: &SweepConfig, resumed: usize) -> ProgressBar {
    if cfg.quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let b =
        ProgressBar::with_draw_target(Some(cfg.points.len() as u64), ProgressDrawTarget::stderr());
    b.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} points  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    b.set_position(resumed as u64);
    b
}

/// Each point not `done` run in parallel and written to its file in `pdir`.
fn run_points(
    cfg: &SweepConfig,
    pdir: &Path,
    done: &[bool],
    bar: &ProgressBar,
) -> Result<(), Error> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads)
        .build()
        .map_err(|e| Error::Failed(format!("cannot start worker threads: {e}")))?;
    pool.install(|| {
        cfg.points
            .par_iter()
            .enumerate()
            .filter(|(i, _)| !done[*i])
            .try_for_each(|(i, values)| {
                let sc = &cfg.point(i)?;
                let mut discard = |_: &[batch::RunRows]| Ok::<(), Error>(());
                let agg = batch::run(sc, cfg.seed, 0..cfg.runs, &|_| {}, &mut discard)?;
                let rows = out::point_rows(i, values, sc, &agg, &cfg.metrics);
                write_atomic(pdir, &point_file(i), &rows)?;
                bar.inc(1);
                Ok::<(), Error>(())
            })
    })
}

/// The text of `sweep.csv`: the header, then every point file in `pdir` in order.
fn gather(cfg: &SweepConfig, pdir: &Path) -> Result<Vec<u8>, Error> {
    let names = out::metric_names(&cfg.first, &cfg.metrics);
    let mut all = Vec::new();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(&mut all);
        w.write_record(out::header(&cfg.keys(), &names))
            .map_err(|e| Error::Failed(e.to_string()))?;
        w.flush().map_err(|e| Error::Failed(e.to_string()))?;
    }
    for i in 0..cfg.points.len() {
        let p = pdir.join(point_file(i));
        all.extend(std::fs::read(&p).map_err(|e| Error::io(&p, e))?);
    }
    Ok(all)
}

/// What the gathered points say about the flip metric.
struct Findings {
    /// The varied settings' keys.
    keys: Vec<String>,
    metric_name: String,
    lower_is_better: bool,
    /// Each point's difference between the arm and the baseline, with its interval.
    results: Vec<out::PointResult>,
    /// The settings' first-order Sobol indices from the points, when they can be estimated.
    sens: Option<Vec<Option<Given>>>,
}

/// The findings read back from `all`, the text of `sweep.csv`.
fn findings(cfg: &SweepConfig, all: &[u8]) -> Result<Findings, Error> {
    let keys = cfg.keys();
    let metric_name = run_metric_names(&cfg.first)[cfg.metric].clone();
    let text = String::from_utf8_lossy(all).into_owned();
    let results =
        out::read_points(&text, keys.len(), &cfg.arm, &metric_name).map_err(Error::Failed)?;
    let x: Vec<Vec<f64>> = results.iter().map(|p| p.values.clone()).collect();
    let y: Vec<f64> = results.iter().map(|p| p.diff).collect();
    let sens = if y.iter().all(|v| v.is_finite()) {
        let placement = match cfg.design {
            Design::Grid => Placement::Grid,
            Design::Lhs { .. } => Placement::Random,
        };
        given::first_order(&x, &y, placement, RESAMPLES, cfg.seed)
    } else {
        None
    };
    Ok(Findings {
        keys,
        metric_name,
        lower_is_better: lower_is_better(cfg.metric),
        results,
        sens,
    })
}

/// The sweep's files in `dir`: sweep.csv (`all`), flip.csv, flip.svg, sensitivity.csv.
fn write_outputs(cfg: &SweepConfig, dir: &Path, all: &[u8], f: &Findings) -> Result<(), Error> {
    let tiles = cfg.design == Design::Grid && f.keys.len() == 2;
    let flip = svg_text(
        &FlipSpec {
            keys: &f.keys,
            arm: &cfg.arm,
            baseline: &cfg.baseline,
            metric: &f.metric_name,
            lower_is_better: f.lower_is_better,
            tiles,
        },
        &f.results,
    );
    write_atomic(dir, "sweep.csv", all)?;
    write_atomic(
        dir,
        "flip.csv",
        &out::flip_csv(&f.keys, &f.results, f.lower_is_better),
    )?;
    write_atomic(dir, "flip.svg", flip.as_bytes())?;
    write_atomic(
        dir,
        "sensitivity.csv",
        &out::sensitivity_csv(&f.keys, f.sens.as_deref()),
    )
}

/// The summary printed after a sweep: its size, who wins where, the sensitivity ranking.
fn summary(cfg: &SweepConfig, f: &Findings, resumed: usize) -> String {
    let metric_name = &f.metric_name;
    let count = |v: Verdict| {
        f.results
            .iter()
            .filter(|p| Verdict::of(p.low, p.high, f.lower_is_better) == v)
            .count()
    };
    let mut s = format!(
        "{} points x {} runs, seed {}{}\n{} vs {} on {metric_name}: {} better at {} points, {} better at {}, no significant difference at {}\n",
        cfg.points.len(),
        cfg.runs,
        cfg.seed,
        if resumed > 0 {
            format!(" ({resumed} points already done)")
        } else {
            String::new()
        },
        cfg.arm,
        cfg.baseline,
        cfg.arm,
        count(Verdict::Arm),
        cfg.baseline,
        count(Verdict::Baseline),
        count(Verdict::NotSignificant),
    );
    match &f.sens {
        Some(se) => {
            s.push_str(&format!(
                "sensitivity of diff:{metric_name} (first-order Sobol indices from the points{}; direction from the correlation):\n",
                if cfg.design == Design::Grid {
                    ""
                } else {
                    ", 95% bootstrap intervals"
                }
            ));
            for j in out::ranked(se) {
                if let Some(g) = se[j] {
                    let ci = if g.ci.0.is_finite() {
                        format!(" [{:.3}, {:.3}]", g.ci.0, g.ci.1)
                    } else {
                        String::new()
                    };
                    s.push_str(&format!(
                        "  {:.3}{ci}  {}  {}\n",
                        g.first,
                        if g.correlation < 0.0 { '-' } else { '+' },
                        f.keys[j]
                    ));
                }
            }
            let sum: f64 = se.iter().flatten().map(|g| g.first).sum();
            s.push_str(&format!(
                "  the settings alone explain {:.0}% of the variance; the rest is their interactions and the runs' noise\n",
                100.0 * sum.clamp(0.0, 1.0)
            ));
        }
        None => s.push_str("sensitivity: none (the difference is the same at every point)\n"),
    }
    s
}
