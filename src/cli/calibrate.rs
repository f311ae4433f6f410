//! `detente calibrate`: fit settings of a scenario to the record by approximate Bayesian
//! computation with sequential Monte Carlo. Each `--fit KEY=PRIOR` is a setting and its
//! prior; the target is a record spec (`detente record`); each particle's statistics are the
//! means over `--runs` runs of one arm. Writes the weighted particles, the generations and the
//! posterior predictive checks.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::args::CalibrateArgs;
use super::output::{Staging, write_atomic};
use super::{Error, checkpoint, limits, now, print};
use crate::batch;
use crate::batch::aggregate::run_metric_names;
use crate::export::calibration as out;
use crate::model::dist::{Dist, KINDS};
use crate::model::{Scenario, Uncertainty};
use crate::scenario::compose::Sources;
use crate::scenario::uncertain::{Rebuild, sources};
use crate::scenario::{self, Loaded, vary};
use crate::sweep::abc::{self, Settings};

/// `KEY=KIND:N:N[:...]`: a setting and its prior (normal and beta take their range after
/// their two numbers).
fn parse_fit(s: &str) -> Result<(String, Dist), Error> {
    let bad = |why: String| {
        Error::input(format!(
            "--fit '{s}': {why}; expected KEY=KIND:NUMBERS, e.g. --fit params.choice_precision=uniform:0.5:4 (kinds: uniform:lo:hi, triangular:lo:mode:hi, normal:mean:sd:lo:hi, beta:a:b[:lo:hi])"
        ))
    };
    let (key, prior) = s.rsplit_once('=').ok_or_else(|| bad("no '='".into()))?;
    let mut parts = prior.split(':');
    let kind = parts.next().unwrap_or("");
    if kind == "choice" || !KINDS.iter().any(|k| k.0 == kind) {
        return Err(bad(format!("'{kind}' is not a prior kind")));
    }
    let nums: Vec<f64> = parts
        .map(|t| {
            t.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| bad(format!("'{t}' is not a number")))
        })
        .collect::<Result<_, _>>()?;
    let (args, within) = match (kind, nums.len()) {
        ("normal", 4) | ("beta", 4) => (&nums[..2], Some((nums[2], nums[3]))),
        _ => (&nums[..], None),
    };
    let d = Dist::new(kind, args, within).map_err(bad)?;
    Ok((key.trim().to_string(), d))
}

/// A validated calibration.
struct Config {
    loaded: Loaded,
    /// The scenario with the fitted settings as distributions over their priors' supports.
    uncertainty: Uncertainty,
    /// For each fitted setting, its place in `uncertainty.values`, its key and its prior.
    fitted: Vec<(usize, String, Dist)>,
    arm: usize,
    /// The run metric of each statistic of the record, and of each fitted one.
    metrics: Vec<usize>,
    fit_metrics: Vec<usize>,
    /// The fitted statistics' values in the record.
    observed: Vec<f64>,
    record: crate::record::Record,
    settings: Settings,
    runs: u64,
    out: PathBuf,
    threads: usize,
    force: bool,
    quiet: bool,
    command_line: Vec<String>,
    input: Vec<PathBuf>,
    /// Continue from the checkpoint.
    resume: bool,
    /// Compute only this shard's slots of the next population.
    shard: Option<batch::Shard>,
    /// What the populations depend on, hashed: a checkpoint is resumed only under its key.
    key: String,
}

impl Config {
    fn from_args(a: CalibrateArgs, command_line: Vec<String>) -> Result<Self, Error> {
        if !(a.quantile > 0.0 && a.quantile < 1.0) {
            return Err(Error::input(format!(
                "--quantile {} must be between 0 and 1 (0.5: each tolerance the median distance of the last population)",
                a.quantile
            )));
        }
        let loaded = super::negotiation(
            Some(&a.scenario),
            "calibration fits negotiation scenarios, not repeated games",
        )?;
        if let Some(u) = &loaded.scenario.uncertainty {
            let keys: Vec<&str> = u.values.iter().map(|v| v.key.as_str()).collect();
            return Err(Error::input(format!(
                "{}: calibration fits settings given as numbers; this scenario gives {} as distributions or draws them from a posterior",
                loaded.path,
                keys.join(", ")
            )));
        }
        let mut doc: toml::Table = loaded
            .text
            .parse()
            .map_err(|e: toml::de::Error| Error::input(format!("{}: {e}", loaded.path)))?;
        let mut fits = Vec::new();
        for f in &a.fit {
            let (key, prior) = parse_fit(f)?;
            let k = vary::resolve(&doc, &key).map_err(|e| Error::input(format!("--fit: {e}")))?;
            let (lo, hi) = prior.support();
            let mut t = toml::Table::new();
            t.insert(
                "uniform".into(),
                if k.integer {
                    toml::Value::Array(vec![
                        toml::Value::Integer(lo.ceil() as i64),
                        toml::Value::Integer(hi.floor() as i64),
                    ])
                } else {
                    toml::Value::Array(vec![toml::Value::Float(lo), toml::Value::Float(hi)])
                },
            );
            vary::set_value(&mut doc, &k, toml::Value::Table(t));
            fits.push((k, key, prior));
        }
        if fits.is_empty() {
            return Err(Error::input("give at least one --fit KEY=PRIOR"));
        }
        let text = toml::to_string(&doc).map_err(|e| Error::Failed(e.to_string()))?;
        let fitted_sc = scenario::parse(&text, &loaded.path)
            .map_err(|e| Error::input(format!("with the priors' ranges: {e}")))?;
        let uncertainty = fitted_sc
            .uncertainty
            .as_deref()
            .cloned()
            .ok_or_else(|| Error::Failed("the fitted settings were not found".into()))?;
        let mut fitted = Vec::new();
        for (k, key, prior) in fits {
            let steps = k.steps();
            let at = uncertainty
                .values
                .iter()
                .position(|v| v.path == steps)
                .ok_or_else(|| Error::input(format!("--fit {key}: fitted twice or not found")))?;
            if fitted.iter().any(|(j, _, _)| *j == at) {
                return Err(Error::input(format!(
                    "--fit {key}: that setting is fitted twice"
                )));
            }
            fitted.push((at, key, prior));
        }
        let sc = &loaded.scenario;
        let arm = match &a.arm {
            Some(id) => sc.arm_ix(id).ok_or_else(|| {
                let ids: Vec<&str> = sc.experiment.arms.iter().map(|x| x.id.as_str()).collect();
                Error::input(format!(
                    "--arm '{id}' is not an arm; expected one of: {}",
                    ids.join(", ")
                ))
            })?,
            None => sc.experiment.baseline,
        };
        let super::record::Loaded {
            spec,
            events,
            record,
        } = super::record::load(&a.target)?;
        let names = run_metric_names(sc);
        let mut metrics = Vec::new();
        for s in &record.statistics {
            metrics.push(names.iter().position(|n| *n == s.metric).ok_or_else(|| {
                Error::input(format!(
                    "{}: '{}' is not a run metric of the scenario (see detente list metrics)",
                    a.target.display(),
                    s.metric
                ))
            })?);
        }
        let fitted_stats = || {
            record
                .statistics
                .iter()
                .zip(&metrics)
                .filter(|(s, _)| s.fitted)
        };
        if let Some((s, _)) =
            fitted_stats().find(|(_, m)| !crate::model::metrics::in_every_run(**m))
        {
            return Err(Error::input(format!(
                "{}: statistic '{}' has no value in some runs, so a distance cannot be taken; hold it out with fit = false",
                a.target.display(),
                s.metric
            )));
        }
        let observed: Vec<f64> = fitted_stats().map(|(s, _)| s.value).collect();
        let fit_metrics: Vec<usize> = fitted_stats().map(|(_, &m)| m).collect();
        if observed.is_empty() {
            return Err(Error::input(format!(
                "{}: every statistic is held out (fit = false); a calibration needs one to fit",
                a.target.display()
            )));
        }
        let c = a.common;
        let threads = limits::threads(c.threads)?;
        let out = c
            .out
            .unwrap_or_else(|| PathBuf::from("results").join(format!("{}-calibration", sc.name)));
        let input: Vec<PathBuf> = [a.scenario.clone(), a.target.clone()]
            .into_iter()
            .chain(events.iter().map(|(p, _)| p.clone()))
            .collect();
        let inputs: Vec<&Path> = input.iter().map(PathBuf::as_path).collect();
        super::output::check_target(&out, c.force, &inputs)?;
        let max_proposals =
            (a.particles as usize).saturating_mul(a.max_proposals_per_particle as usize);
        let one = batch::budget::negotiation(sc, a.runs, threads, threads);
        let work = one.work / sc.experiment.arms.len().max(1) as u128
            * (max_proposals as u128 * a.generations as u128);
        limits::check(
            &batch::budget::Estimate {
                work,
                output: 0,
                ..one
            },
            &out,
            "use fewer --particles, --generations, --max-proposals-per-particle or --runs",
        )?;
        let settings = Settings {
            particles: a.particles as usize,
            generations: a.generations as usize,
            quantile: a.quantile,
            max_proposals,
            seed: c.seed.unwrap_or(sc.experiment.seed),
        };
        let key = super::checkpoint::key(&serde_json::json!({
            "program": env!("CARGO_PKG_VERSION"),
            // Each particle from a stream of its own (a checkpoint of the sampler that drew
            // particles from one stream is not resumed).
            "sampler": "slots",
            "scenario": loaded.text,
            "fit": fits_key(&uncertainty, &fitted),
            "target": spec,
            "events": events.iter().map(|(_, t)| t).collect::<Vec<_>>(),
            "arm": arm,
            "runs": a.runs,
            "particles": settings.particles,
            "quantile": settings.quantile,
            "max_proposals": max_proposals,
            "seed": settings.seed,
        }));
        Ok(Config {
            settings,
            resume: a.resume,
            shard: a
                .shard
                .as_deref()
                .map(batch::Shard::parse)
                .transpose()
                .map_err(Error::input)?,
            key,
            uncertainty,
            fitted,
            arm,
            metrics,
            fit_metrics,
            observed,
            record,
            runs: a.runs,
            out,
            threads,
            force: c.force,
            quiet: c.quiet,
            command_line,
            input,
            loaded,
        })
    }
}

/// The fitted settings and their priors, as the checkpoint's key takes them.
fn fits_key(u: &Uncertainty, fitted: &[(usize, String, Dist)]) -> Vec<String> {
    fitted
        .iter()
        .map(|(at, key, prior)| format!("{key} {:?} {prior:?}", u.values[*at].path))
        .collect()
}

/// The statistics `which` (run metrics) of a particle's scenario: the means over `runs` runs
/// of the arm, with the runs' seeds those of evaluation `id` (each evaluation meets its own
/// chance).
fn statistics(
    cfg: &Config,
    sc: &Scenario,
    id: u64,
    runs: u64,
    which: &[usize],
) -> Result<Vec<f64>, Error> {
    let seed = crate::rng::run_seed(cfg.settings.seed ^ 0xCA1B, id);
    let what: Vec<batch::Mean> = which
        .iter()
        .map(|&metric| batch::Mean {
            arm: 0,
            metric,
            less: None,
        })
        .collect();
    Ok(batch::means(sc, &[cfg.arm], false, seed, runs, &what)?)
}

/// The scenario with the fitted settings at `theta` (the others at their values).
fn scenario_at(cfg: &Config, rebuild: &Rebuild, theta: &[f64]) -> Result<Scenario, Error> {
    let u = &cfg.uncertainty;
    let mut values: Vec<f64> = u.values.iter().map(|v| v.dist.nominal()).collect();
    for ((at, _, _), &x) in cfg.fitted.iter().zip(theta) {
        values[*at] = u.values[*at].value(x);
    }
    rebuild.at(&values).map_err(|e| Error::input(e.to_string()))
}

/// What simulating needs: the scenario rebuilt at each particle, the thread pool, the priors.
struct Model<'a> {
    rebuild: Rebuild<'a>,
    pool: rayon::ThreadPool,
    priors: Vec<Dist>,
    /// The populations' shapes a checkpoint or part must have: (particles, settings, statistics).
    dims: (usize, usize, usize),
}

impl<'a> Model<'a> {
    fn new(cfg: &'a Config, src: &'a Sources) -> Result<Self, Error> {
        let priors: Vec<Dist> = cfg.fitted.iter().map(|f| f.2.clone()).collect();
        Ok(Model {
            rebuild: Rebuild::new(src, &cfg.uncertainty)?,
            pool: rayon::ThreadPoolBuilder::new()
                .num_threads(cfg.threads)
                .build()
                .map_err(|e| Error::Failed(e.to_string()))?,
            dims: (cfg.settings.particles, priors.len(), cfg.fit_metrics.len()),
            priors,
        })
    }

    /// The statistics of each proposal of a batch, in parallel; the first error is kept in
    /// `failure` (its proposals get NaN statistics, and the caller fails).
    fn simulate(
        &self,
        cfg: &Config,
        batch: &[(u64, Vec<f64>)],
        failure: &mut Option<Error>,
    ) -> Vec<Vec<f64>> {
        let results: Vec<Result<Vec<f64>, Error>> = self.pool.install(|| {
            batch
                .par_iter()
                .map(|(id, t)| {
                    let sc = scenario_at(cfg, &self.rebuild, t)?;
                    statistics(cfg, &sc, *id, cfg.runs, &cfg.fit_metrics)
                })
                .collect()
        });
        results
            .into_iter()
            .map(|r| match r {
                Ok(s) => s,
                Err(e) => {
                    failure.get_or_insert(e);
                    vec![f64::NAN; cfg.fit_metrics.len()]
                }
            })
            .collect()
    }
}

/// `--shard K/M`: shard K's slots of the next population after the checkpoint beside the
/// output folder, written beside it as a part; the shard that finds every part of its split
/// written puts the population together into the checkpoint.
fn run_shard(cfg: &Config, shard: batch::Shard) -> Result<(), Error> {
    let src = sources(&cfg.uncertainty);
    let model = Model::new(cfg, &src)?;
    let saved = checkpoint::path(&cfg.out);
    let mut gens = if saved.exists() {
        checkpoint::read(&saved, &cfg.key, model.dims)?
    } else {
        Vec::new()
    };
    let g = gens.len();
    if g >= cfg.settings.generations {
        return Err(Error::input(format!(
            "--shard: the checkpoint {} holds all {g} populations; run the command with --resume and without --shard to write the results",
            saved.display()
        )));
    }
    let path = checkpoint::part_path(&cfg.out, g, shard.index, shard.count);
    if !path.exists() {
        let n = cfg.settings.particles as u64;
        let slots = (n * shard.index / shard.count) as usize
            ..(n * (shard.index + 1) / shard.count) as usize;
        let mut failure = None;
        let part = abc::part(
            &model.priors,
            &cfg.observed,
            cfg.settings,
            &gens,
            slots,
            &mut |batch| model.simulate(cfg, batch, &mut failure),
        );
        if let Some(e) = failure {
            return Err(e);
        }
        checkpoint::write(&path, &checkpoint::part_text(&cfg.key, &part))?;
    }
    let (k, m) = (shard.index, shard.count);
    let said = match checkpoint::complete_parts(&cfg.out, &cfg.key, g, model.dims)? {
        None => format!(
            "population {g}: shard {k}/{m} written; the last shard of the split to finish puts the population together"
        ),
        Some(parts) => {
            match abc::assemble(&model.priors, &cfg.observed, cfg.settings, &gens, parts) {
                Ok(Some(next)) => {
                    gens.push(next);
                    checkpoint::write(&saved, &checkpoint::text(&cfg.key, &gens))?;
                    format!(
                        "population {g} of {} put together in {}",
                        cfg.settings.generations,
                        saved.display()
                    )
                }
                Ok(None) => format!(
                    "population {g} took more proposals than allowed: the calibration ends at population {}",
                    g.saturating_sub(1)
                ),
                Err(e) => return Err(Error::Failed(format!("{}: {e}", path.display()))),
            }
        }
    };
    if !cfg.quiet {
        print(format!(
            "{said}\n(when every population is done, run the command with --resume and without --shard to write the results)\n"
        ))?;
    }
    Ok(())
}

fn run(cfg: Config) -> Result<(), Error> {
    if let Some(shard) = cfg.shard {
        return run_shard(&cfg, shard);
    }
    let started = now();
    let inputs: Vec<&Path> = cfg.input.iter().map(PathBuf::as_path).collect();
    let staging = Staging::prepare(&cfg.out, cfg.force, &inputs)?;
    let src = sources(&cfg.uncertainty);
    let model = Model::new(&cfg, &src)?;
    let priors = &model.priors;
    let saved = checkpoint::path(&cfg.out);
    let earlier = if cfg.resume {
        // An interrupted or sharded run's checkpoint, else a finished run's (to take it
        // further).
        let finished = cfg.out.join(checkpoint::FINISHED);
        let from = if saved.exists() { &saved } else { &finished };
        if from.exists() || checkpoint::complete_parts(&cfg.out, &cfg.key, 0, model.dims)?.is_none()
        {
            checkpoint::read(from, &cfg.key, model.dims)?
        } else {
            Vec::new()
        }
    } else {
        Vec::new()
    };
    let mut failure: Option<Error> = None;
    let mut unsaved: Option<Error> = None;
    // With --resume, a population the shards have all written is put together from them.
    let mut ready = |g: usize| -> Option<Vec<abc::Part>> {
        if !cfg.resume {
            return None;
        }
        checkpoint::complete_parts(&cfg.out, &cfg.key, g, model.dims).unwrap_or_else(|e| {
            unsaved.get_or_insert(e);
            None
        })
    };
    let mut unsaved_checkpoint: Option<Error> = None;
    let mut save = |gens: &[abc::Generation]| {
        let text = checkpoint::text(&cfg.key, gens);
        if let Err(e) = checkpoint::write(&saved, &text) {
            unsaved_checkpoint.get_or_insert(e);
        }
    };
    let gens = abc::resume(
        priors,
        &cfg.observed,
        cfg.settings,
        &mut |batch| model.simulate(&cfg, batch, &mut failure),
        earlier,
        &mut ready,
        &mut save,
    );
    if let Some(e) = failure.or(unsaved).or(unsaved_checkpoint) {
        return Err(e);
    }
    let rebuild = &model.rebuild;
    let pool = &model.pool;
    let last = gens
        .last()
        .ok_or_else(|| Error::Failed("no population".into()))?;
    let reps = pool.install(|| replicates(&cfg, rebuild, last))?;
    let keys: Vec<String> = cfg.fitted.iter().map(|f| f.1.clone()).collect();
    let stats: Vec<String> = cfg
        .record
        .statistics
        .iter()
        .filter(|s| s.fitted)
        .map(|s| s.metric.clone())
        .collect();
    write_atomic(
        staging.dir(),
        "posterior.csv",
        &out::posterior_csv(&keys, &stats, last),
    )?;
    write_atomic(
        staging.dir(),
        "generations.csv",
        &out::generations_csv(&gens, cfg.settings.particles),
    )?;
    write_atomic(
        staging.dir(),
        checkpoint::FINISHED,
        checkpoint::text(&cfg.key, &gens).as_bytes(),
    )?;
    write_atomic(
        staging.dir(),
        "posterior.svg",
        crate::report::posterior::svg_text(&keys, priors, &last.particles).as_bytes(),
    )?;
    write_atomic(
        staging.dir(),
        "predictive.csv",
        &out::predictive_csv(&cfg.record, &reps),
    )?;
    let sc = &cfg.loaded.scenario;
    let manifest = super::analysis_manifest(
        &cfg.loaded,
        (cfg.settings.seed, cfg.runs, cfg.threads),
        &cfg.command_line,
        &started,
        (
            "calibration",
            serde_json::json!({
                "arm": sc.experiment.arms[cfg.arm].id,
                "fit": cfg.fitted.iter().map(|f| serde_json::json!({"key": f.1, "prior": format!("{:?}", f.2)})).collect::<Vec<_>>(),
                "targets": cfg.record.statistics.iter().map(|s| serde_json::json!({"metric": s.metric, "value": s.value, "fitted": s.fitted})).collect::<Vec<_>>(),
                "particles": cfg.settings.particles,
                "generations_asked": cfg.settings.generations,
                "generations_run": gens.len(),
                "quantile": cfg.settings.quantile,
                "max_proposals": cfg.settings.max_proposals,
                "runs_per_particle": cfg.runs,
                "method": "ABC-SMC (Toni et al. 2009; Beaumont et al. 2009): tolerance adaptive (Del Moral et al. 2012): the smallest distance within which the last population keeps the share `quantile` of its effective sample size, Gaussian kernel of twice the weighted variance, distance Euclidean on statistics scaled by their sd over the first population",
            }),
        ),
    );
    write_atomic(staging.dir(), "manifest.json", manifest.as_bytes())?;
    let dir = staging.commit()?;
    // The results are in place: the checkpoint and any shards' parts have done their work.
    let _ = std::fs::remove_file(&saved);
    checkpoint::remove_parts(&cfg.out);
    if !cfg.quiet {
        let priors: Vec<(f64, f64)> = cfg.fitted.iter().map(|f| f.2.support()).collect();
        let mut t = out::table(
            &keys,
            &priors,
            &gens,
            &reps,
            &cfg.record,
            cfg.settings.generations,
        );
        t += &format!("\nresults in {}\n", dir.display());
        print(t)?;
    }
    Ok(())
}

/// Replicate histories of the last population, for the posterior predictive checks: `runs`
/// single runs of each particle, each with a share of its weight. The record is one history,
/// so it is compared with single runs, not with the means a particle is fitted on.
fn replicates(
    cfg: &Config,
    rebuild: &Rebuild,
    last: &abc::Generation,
) -> Result<Vec<abc::Particle>, Error> {
    let r = cfg.runs;
    let each: Vec<Vec<abc::Particle>> = last
        .particles
        .par_iter()
        .enumerate()
        .map(|(k, p)| {
            let sc = scenario_at(cfg, rebuild, &p.theta)?;
            (0..r)
                .map(|j| {
                    let id = abc::proposal_id(abc::REPLICATES, k, j as usize);
                    let stats = statistics(cfg, &sc, id, 1, &cfg.metrics)?;
                    Ok(abc::Particle {
                        theta: p.theta.clone(),
                        weight: p.weight / r as f64,
                        distance: f64::NAN,
                        stats,
                    })
                })
                .collect()
        })
        .collect::<Result<_, Error>>()?;
    Ok(each.into_iter().flatten().collect())
}

/// `detente calibrate`.
pub fn command(a: CalibrateArgs, command_line: Vec<String>) -> Result<(), Error> {
    run(Config::from_args(a, command_line)?)
}
