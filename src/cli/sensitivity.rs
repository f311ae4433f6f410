//! `detente sensitivity`: which of a scenario's judgements its answer depends on. The settings
//! given as distributions are the factors; the output is an arm's paired difference from the
//! baseline on a run metric (default: the headline), each design point's value the mean over
//! `--runs` runs on the same run seeds (common random numbers). Sobol indices by Saltelli's
//! design and estimators with bootstrap intervals, and Morris elementary effects.

use std::path::PathBuf;

use rayon::prelude::*;

use super::args::SensitivityArgs;
use super::output::{Staging, write_atomic};
use super::{Error, limits, negotiation, now, print};
use crate::batch;
use crate::batch::aggregate::run_metric_names;
use crate::export::sensitivity as out;
use crate::model::{Scenario, Uncertainty};
use crate::scenario::uncertain::{Rebuild, sources};
use crate::sweep::sobol;

/// The most design points one analysis may have.
pub const MAX_POINTS: usize = 200_000;

/// How to make an analysis smaller.
const SMALLER: &str = "use fewer --samples, --trajectories or --runs";

/// A validated analysis.
struct Config {
    loaded: crate::scenario::Loaded,
    /// The scenario file read, which the output folder must not hold.
    input: Option<PathBuf>,
    samples: usize,
    trajectories: usize,
    resamples: usize,
    runs: u64,
    seed: u64,
    metric: usize,
    arm: usize,
    out: PathBuf,
    threads: usize,
    force: bool,
    quiet: bool,
    command_line: Vec<String>,
}

impl Config {
    fn from_args(a: SensitivityArgs, command_line: Vec<String>) -> Result<Self, Error> {
        let loaded = negotiation(
            a.scenario.as_deref(),
            "sensitivity analyses negotiation scenarios, not repeated games",
        )?;
        let sc = &loaded.scenario;
        let Some(u) = &sc.uncertainty else {
            return Err(Error::input(format!(
                "{}: no setting is given as a distribution, so there is nothing to analyse; give the judgements to test as distributions, e.g. prior_sincere = {{ uniform = [0.2, 0.8] }} (docs/model.md 7.20)",
                loaded.path
            )));
        };
        if let Some(j) = &u.joint {
            return Err(Error::input(format!(
                "{}: it draws {} together from the posterior {}; Sobol indices need settings drawn independently, so give the settings to analyse as distributions instead",
                loaded.path,
                u.values[j.first..]
                    .iter()
                    .map(|v| v.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                j.file
            )));
        }
        let k = u.values.len();
        let baseline = sc.experiment.arms[sc.experiment.baseline].id.clone();
        let arm_id = super::sweep::compared_arm(a.arm, sc, &baseline, &loaded.path)?;
        let arm = sc.arm_ix(&arm_id).unwrap_or(0);
        let metric = super::sweep::chosen_metrics(a.metric.as_deref(), sc)?.metric;
        let points = a
            .samples
            .saturating_mul(k as u64 + 2)
            .saturating_add(a.trajectories.saturating_mul(k as u64 + 1));
        if points > MAX_POINTS as u64 {
            return Err(Error::input(format!(
                "--samples {} and --trajectories {} with {k} factors make {points} design points, more than {MAX_POINTS}; use fewer",
                a.samples, a.trajectories
            )));
        }
        let c = a.common;
        let out = c
            .out
            .unwrap_or_else(|| PathBuf::from("results").join(format!("{}-sensitivity", sc.name)));
        let threads = limits::threads(c.threads)?;
        let inputs: Vec<&std::path::Path> = a.scenario.iter().map(PathBuf::as_path).collect();
        super::output::check_target(&out, c.force, &inputs)?;
        // Each point runs two arms; the points run a few at a time.
        let one = crate::batch::budget::negotiation(sc, a.runs, threads, threads);
        let per_arm = |x: u128| x * 2 / sc.experiment.arms.len().max(1) as u128;
        let all = crate::batch::budget::Estimate {
            work: per_arm(one.work).saturating_mul(points as u128),
            output: 0,
            ..one
        };
        limits::check(&all, &out, SMALLER)?;
        Ok(Config {
            samples: a.samples as usize,
            trajectories: a.trajectories as usize,
            resamples: a.bootstrap as usize,
            runs: a.runs,
            seed: c.seed.unwrap_or(sc.experiment.seed),
            metric,
            arm,
            out,
            threads,
            force: c.force,
            quiet: c.quiet,
            command_line,
            input: a.scenario,
            loaded,
        })
    }

    fn sc(&self) -> &Scenario {
        &self.loaded.scenario
    }

    /// What the indices are of: "incremental - all_or_nothing on months:verified_freeze".
    fn output_name(&self) -> String {
        let sc = self.sc();
        format!(
            "{} - {} on {}",
            sc.experiment.arms[self.arm].id,
            sc.experiment.arms[sc.experiment.baseline].id,
            run_metric_names(sc).swap_remove(self.metric)
        )
    }
}

/// The experiment at one point: the scenario rebuilt with the point's values, reduced to the
/// compared arm and the baseline (and the twins only if the metric needs them); its mean
/// paired difference over the runs.
fn evaluate(cfg: &Config, rebuild: &Rebuild, u: &Uncertainty, x: &[f64]) -> Result<f64, Error> {
    let values: Vec<f64> = u.values.iter().zip(x).map(|(v, &x)| v.value(x)).collect();
    let sc = rebuild.at(&values).map_err(|e| {
        let at: Vec<String> = u
            .values
            .iter()
            .zip(&values)
            .map(|(v, x)| format!("{} = {x}", v.key))
            .collect();
        Error::input(format!("at {}: {e}", at.join(", ")))
    })?;
    let twins = run_metric_names(&sc)[cfg.metric].starts_with("politics:");
    let keep = [sc.experiment.baseline, cfg.arm];
    let diff = batch::Mean {
        arm: 1,
        metric: cfg.metric,
        less: Some(0),
    };
    Ok(batch::means(&sc, &keep, twins, cfg.seed, cfg.runs, &[diff])?[0])
}

/// Run the analysis and write sensitivity.csv, sensitivity.svg and manifest.json.
fn run(cfg: Config) -> Result<(), Error> {
    let started = now();
    let inputs: Vec<&std::path::Path> = cfg.input.iter().map(PathBuf::as_path).collect();
    let staging = Staging::prepare(&cfg.out, cfg.force, &inputs)?;
    let u = cfg
        .sc()
        .uncertainty
        .clone()
        .ok_or_else(|| Error::Failed("the scenario lost its distributions".into()))?;
    let src = sources(&u);
    let rebuild = Rebuild::new(&src, &u)?;
    let factors: Vec<crate::model::dist::Dist> = u.values.iter().map(|v| v.dist.clone()).collect();
    let k = factors.len();
    let saltelli = sobol::saltelli_design(&factors, cfg.samples, cfg.seed);
    let quantiles = sobol::Quantiles::new(&factors, cfg.seed ^ 0x51);
    let (morris_points, moved) =
        sobol::morris_design(&quantiles, k, cfg.trajectories, cfg.seed ^ 0x52);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads)
        .build()
        .map_err(|e| Error::Failed(e.to_string()))?;
    let eval = |pts: &[Vec<f64>]| -> Result<Vec<f64>, Error> {
        pool.install(|| {
            pts.par_iter()
                .map(|x| evaluate(&cfg, &rebuild, &u, x))
                .collect()
        })
    };
    let y = eval(&saltelli)?;
    let ym = eval(&morris_points)?;
    let indices = sobol::sobol(&y, cfg.samples, k, cfg.resamples, cfg.seed ^ 0x53);
    let effects = sobol::morris(&ym, &moved, k);
    let results = out::ranked(
        u.values
            .iter()
            .enumerate()
            .map(|(i, v)| out::Factor {
                key: v.key.clone(),
                sobol: indices.as_ref().map(|s| s[i]),
                morris: effects[i],
            })
            .collect(),
    );
    let what = format!(
        "{} (mean of {} runs at each of {} points)",
        cfg.output_name(),
        cfg.runs,
        saltelli.len() + morris_points.len()
    );
    let sc = cfg.sc();
    let manifest = super::analysis_manifest(
        &cfg.loaded,
        (cfg.seed, cfg.runs, cfg.threads),
        &cfg.command_line,
        &started,
        (
            "sensitivity",
            serde_json::json!({
                "output": cfg.output_name(),
                "arm": sc.experiment.arms[cfg.arm].id,
                "metric": run_metric_names(sc)[cfg.metric],
                "factors": u.values.iter().map(|v| v.key.clone()).collect::<Vec<_>>(),
                "samples": cfg.samples,
                "trajectories": cfg.trajectories,
                "bootstrap": cfg.resamples,
                "runs_per_point": cfg.runs,
                "points": saltelli.len() + morris_points.len(),
                "method": "Saltelli et al. 2010 first-order and Jansen 1999 total indices on an A, B, AB_i design; bootstrap percentile intervals; Morris 1991 elementary effects (mu* of Campolongo et al. 2007) on 4 levels",
            }),
        ),
    );
    write_atomic(staging.dir(), "sensitivity.csv", &out::csv(&results))?;
    write_atomic(
        staging.dir(),
        "sensitivity.svg",
        crate::report::sensitivity::svg_text(&cfg.output_name(), &results).as_bytes(),
    )?;
    write_atomic(staging.dir(), "manifest.json", manifest.as_bytes())?;
    let dir = staging.commit()?;
    if !cfg.quiet {
        let mut t = out::table(&what, &results);
        if indices.is_none() {
            t += "The output did not vary over the design: no Sobol indices.\n";
        }
        t += &format!("\nresults in {}\n", dir.display());
        print(t)?;
    }
    Ok(())
}

/// `detente sensitivity`.
pub fn command(a: SensitivityArgs, command_line: Vec<String>) -> Result<(), Error> {
    run(Config::from_args(a, command_line)?)
}
