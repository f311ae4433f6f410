//! Batches: many seeded runs of every arm, in parallel, aggregated as they finish.
//!
//! Runs are processed in blocks of consecutive run indices; inside a block they run in
//! parallel, each worker thread adding into its own aggregate (exact integer sums, so the
//! order does not matter), and the block's run records are handed to a sink in run order.
//! Memory is bounded by the block size, whatever the number of runs.

pub mod aggregate;
pub mod budget;
pub mod game;
pub mod sketch;
pub mod stats;

use std::sync::Mutex;

use rayon::prelude::*;

pub use aggregate::Aggregate;

use crate::engine::{self, MonthRecord, Recorder, RunRecord, ShockDraws, Workspace};
use crate::model::{Arm, Politics, Scenario, Uncertainty};
use crate::rng::run_seed;

/// Runs per block: the unit of parallel work between two hand-offs to the sink.
pub const BLOCK: u64 = 4096;

/// Shard `index` of `count`: a deterministic slice of a batch's run indices. Shard k of m
/// holds runs [floor(N k / m), floor(N (k+1) / m)), so the shards of any m cover 0..N once, in
/// order, and merging their aggregates gives the aggregates of the whole batch exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Parse `K/M` with 0 <= K < M.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard '{s}' is not K/M with 0 <= K < M (e.g. 0/4 .. 3/4)");
        let (k, m) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = m.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The run indices of this shard of a batch of `runs` runs.
    pub fn range(&self, runs: u64) -> std::ops::Range<u64> {
        let at = |k: u64| (runs as u128 * k as u128 / self.count as u128) as u64;
        at(self.index)..at(self.index + 1)
    }
}

/// The records of one run: its index, seed, and one record per arm.
#[derive(Debug, Clone)]
pub struct RunRows {
    pub run: u64,
    pub seed: u64,
    pub records: Vec<RunRecord>,
    /// The run's draws of the scenario's distributions (empty without any).
    pub params: Vec<f64>,
}

struct ArmRecorder<'a> {
    agg: &'a mut Aggregate,
    arm: usize,
}

impl Recorder for ArmRecorder<'_> {
    #[inline]
    fn month(&mut self, r: &MonthRecord) {
        self.agg.add_month(self.arm, r);
    }
}

/// Simulate every arm of one run into an aggregate; returns the arm records. `arms` are the
/// scenario's arms, prepared ([`engine::Prepared`]); `quiet` the same arms without politics
/// (None for an arm without any; an empty slice: none this run), whose outcome each record
/// keeps as `without_politics`.
pub fn run_one(
    sc: &Scenario,
    arms: &[engine::Prepared],
    quiet: &[Option<engine::Prepared>],
    seed: u64,
    ws: &mut Workspace,
    shocks: &mut ShockDraws,
    agg: &mut Aggregate,
) -> Vec<RunRecord> {
    shocks.draw(sc, seed);
    let records: Vec<RunRecord> = arms
        .iter()
        .enumerate()
        .map(|(a, arm)| {
            let mut r =
                engine::simulate_with(arm, seed, shocks, ws, &mut ArmRecorder { agg, arm: a });
            if let Some(Some(q)) = quiet.get(a) {
                let twin = engine::simulate_with(q, seed, shocks, ws, &mut engine::Discard);
                r.without_politics = Some(twin.outcome);
            }
            r
        })
        .collect();
    agg.add_run(&records, sc.experiment.baseline);
    records
}

/// A mean [`means`] computes: run metric `metric` of the arm at `arm` (an index into the arms
/// run), less the same metric of the arm at `less` in the same run, if given (a paired
/// difference, as a batch's `diff:` rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mean {
    pub arm: usize,
    pub metric: usize,
    pub less: Option<usize>,
}

/// The means over the runs `0..runs` (master seed `seed`) of the scenario's arms `arms`, as a
/// batch of those arms alone reports them (the same seeds, twins for the first `[output]
/// politics_runs` runs when `twins`, the same fixed-point sums), without its trajectories:
/// what each point of a calibration or a sensitivity analysis needs, with none of an
/// aggregate's memory to map and release.
pub fn means(
    sc: &Scenario,
    arms: &[usize],
    twins: bool,
    seed: u64,
    runs: u64,
    what: &[Mean],
) -> Result<Vec<f64>, NonFinite> {
    let prep: Vec<engine::Prepared> = arms
        .iter()
        .map(|&a| engine::Prepared::new(sc, &sc.experiment.arms[a]))
        .collect();
    let quiet_arms: Vec<Option<Arm>> = if twins {
        let all = quiet_arms(sc);
        arms.iter().map(|&a| all[a].clone()).collect()
    } else {
        Vec::new()
    };
    let quiet: Vec<Option<engine::Prepared>> = quiet_arms
        .iter()
        .map(|a| a.as_ref().map(|arm| engine::Prepared::new(sc, arm)))
        .collect();
    let mut ws = Workspace::new();
    let mut shocks = ShockDraws::default();
    let mut sums = vec![stats::Moments::default(); what.len()];
    let mut values = Vec::with_capacity(arms.len());
    for r in 0..runs {
        let s = run_seed(seed, r);
        shocks.draw(sc, s);
        values.clear();
        for (a, p) in prep.iter().enumerate() {
            let mut record = engine::simulate_with(p, s, &shocks, &mut ws, &mut engine::Discard);
            if let Some(Some(q)) = quiet.get(a).filter(|_| with_twins(sc, r)) {
                let twin = engine::simulate_with(q, s, &shocks, &mut ws, &mut engine::Discard);
                record.without_politics = Some(twin.outcome);
            }
            values.push(aggregate::run_values(&record));
        }
        for (m, w) in sums.iter_mut().zip(what) {
            let Some(x) = values[w.arm][w.metric] else {
                continue;
            };
            let base = w.less.map(|l| values[l][w.metric]);
            if !x.is_finite() || base.flatten().is_some_and(|b| !b.is_finite()) {
                return Err(NonFinite { count: 1 });
            }
            match base {
                None => m.add(x),
                Some(Some(b)) => m.add(x - b),
                Some(None) => {}
            }
        }
    }
    Ok(sums.iter().map(stats::Moments::mean).collect())
}

/// Each arm without administration or leader changes, if it has any (the twins that measure
/// what politics changes).
fn quiet_arms(sc: &Scenario) -> Vec<Option<Arm>> {
    sc.experiment
        .arms
        .iter()
        .map(|arm| {
            arm.politics.iter().any(|p| p.active()).then(|| Arm {
                politics: [Politics::none(), Politics::none()],
                ..arm.clone()
            })
        })
        .collect()
}

/// A batch met values it cannot aggregate (NaN or infinite): a defect of the model for this
/// scenario, reported instead of written as numbers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the model produced {count} non-finite values (NaN or infinite trust, tension, stock or run metric) in this batch; no results were written. Please report this scenario as a bug"
)]
pub struct NonFinite {
    pub count: u64,
}

/// For callers whose sink cannot fail: the batch's error says only that it failed.
impl From<NonFinite> for () {
    fn from(_: NonFinite) -> Self {}
}

impl From<NonFinite> for std::io::Error {
    fn from(e: NonFinite) -> Self {
        std::io::Error::other(e)
    }
}

/// Run runs `runs` (a range of run indices) with master seed `seed`, in the current rayon
/// pool. `sink` receives each block's rows in run order; `progress` the number of runs done.
/// A batch that met a non-finite value fails with [`NonFinite`].
pub fn run<E: From<NonFinite> + From<DrawInvalid>>(
    sc: &Scenario,
    seed: u64,
    runs: std::ops::Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
    sink: &mut dyn FnMut(&[RunRows]) -> Result<(), E>,
) -> Result<Aggregate, E> {
    let agg = match &sc.uncertainty {
        None => {
            let quiet_arms = quiet_arms(sc);
            let (arms, quiet) = prepare(sc, &quiet_arms, true);
            let job = Negotiation {
                sc,
                arms: &arms,
                quiet: &quiet,
            };
            blocks(&job, seed, runs, progress, sink)?
        }
        Some(u) => {
            let src = crate::scenario::uncertain::sources(u);
            let rebuild = crate::scenario::uncertain::Rebuild::new(&src, u).map_err(|e| {
                E::from(DrawInvalid {
                    message: e.to_string(),
                })
            })?;
            let job = Drawn {
                sc,
                master: seed,
                uncertainty: u,
                rebuild: &rebuild,
            };
            blocks(&job, seed, runs, progress, sink)?
        }
    };
    if let Some(message) = &agg.draw_error {
        return Err(DrawInvalid {
            message: message.1.clone(),
        }
        .into());
    }
    match agg.nonfinite {
        0 => Ok(agg),
        count => Err(NonFinite { count }.into()),
    }
}

/// A run drew values with which the scenario does not build (a combination of values that
/// validation, which builds each distribution's ends, did not meet).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}; no results were written")]
pub struct DrawInvalid {
    pub message: String,
}

impl From<DrawInvalid> for () {
    fn from(_: DrawInvalid) -> Self {}
}

impl From<DrawInvalid> for std::io::Error {
    fn from(e: DrawInvalid) -> Self {
        std::io::Error::other(e)
    }
}

/// A negotiation batch: every arm of a scenario, prepared once, and its twin without politics.
struct Negotiation<'a> {
    sc: &'a Scenario,
    arms: &'a [engine::Prepared<'a>],
    quiet: &'a [Option<engine::Prepared<'a>>],
}

impl Job for Negotiation<'_> {
    type Acc = Aggregate;
    type Worker = (Workspace, ShockDraws);
    type Row = RunRows;

    fn acc(&self) -> Aggregate {
        Aggregate::new(self.sc)
    }

    fn worker(&self) -> Self::Worker {
        (Workspace::new(), ShockDraws::default())
    }

    fn run(&self, run: u64, seed: u64, w: &mut Self::Worker, agg: &mut Aggregate) -> RunRows {
        let (ws, shocks) = w;
        RunRows {
            run,
            seed,
            // The twins without politics run for the first `[output] politics_runs` runs.
            records: run_one(
                self.sc,
                self.arms,
                &self.quiet[..if with_twins(self.sc, run) {
                    self.quiet.len()
                } else {
                    0
                }],
                seed,
                ws,
                shocks,
                agg,
            ),
            params: Vec::new(),
        }
    }
}

/// Whether a run also runs its twins without politics: the first `[output] politics_runs`
/// runs do.
fn with_twins(sc: &Scenario, run: u64) -> bool {
    run < sc.output.politics_runs
}

/// A negotiation batch whose scenario has distributions: runs come in draws of
/// `runs_per_draw` consecutive runs; each draw's values come from its own stream, and every
/// arm (and twin) of its runs runs the scenario rebuilt with them.
struct Drawn<'a> {
    sc: &'a Scenario,
    master: u64,
    uncertainty: &'a Uncertainty,
    rebuild: &'a crate::scenario::uncertain::Rebuild<'a>,
}

/// The last draw a worker built: its index, its values and its scenario (or why it did not
/// build). Consecutive runs of a worker mostly share their draw, so it is drawn and rebuilt
/// once per draw, not per run.
type LastDraw = Option<(u64, Vec<f64>, Result<Scenario, String>)>;

/// A worker's scratch for [`Drawn`]: the engine's, and its last draw.
type DrawnWorker = (Workspace, ShockDraws, LastDraw);

impl Job for Drawn<'_> {
    type Acc = Aggregate;
    type Worker = DrawnWorker;
    type Row = RunRows;

    fn acc(&self) -> Aggregate {
        Aggregate::new(self.sc)
    }

    fn worker(&self) -> Self::Worker {
        (Workspace::new(), ShockDraws::default(), None)
    }

    fn run(&self, run: u64, seed: u64, w: &mut Self::Worker, agg: &mut Aggregate) -> RunRows {
        let (ws, shocks, last) = w;
        let draw = run / self.sc.experiment.runs_per_draw();
        if last.as_ref().is_none_or(|(d, _, _)| *d != draw) {
            let params = self.uncertainty.draw(self.master, draw);
            let built = self.rebuild.at(&params).map_err(|e| e.to_string());
            *last = Some((draw, params, built));
        }
        let Some((_, params, built)) = last.as_ref() else {
            unreachable!("the draw was just set")
        };
        let records = match built {
            Ok(sc) => {
                let records = run_drawn(sc, self.sc, run, seed, ws, shocks, agg);
                agg.add_draw(draw, &records, self.sc);
                records
            }
            Err(e) => {
                agg.draw_failed(run, params, self.uncertainty, e);
                Vec::new()
            }
        };
        let params = params.clone();
        RunRows {
            run,
            seed,
            records,
            params,
        }
    }
}

/// One run of a draw's scenario `sc` (its arms and twins prepared for it), aggregated as a run
/// of the batch's scenario `batch`.
fn run_drawn(
    sc: &Scenario,
    batch: &Scenario,
    run: u64,
    seed: u64,
    ws: &mut Workspace,
    shocks: &mut ShockDraws,
    agg: &mut Aggregate,
) -> Vec<RunRecord> {
    let quiet_arms = quiet_arms(sc);
    let (arms, quiet) = prepare(sc, &quiet_arms, with_twins(batch, run));
    run_one(sc, &arms, &quiet, seed, ws, shocks, agg)
}

/// Every arm of `sc` prepared, and its twins without politics (`quiet_arms`) if `twins`.
fn prepare<'a>(
    sc: &'a Scenario,
    quiet_arms: &'a [Option<Arm>],
    twins: bool,
) -> (Vec<engine::Prepared<'a>>, Vec<Option<engine::Prepared<'a>>>) {
    let arms = sc
        .experiment
        .arms
        .iter()
        .map(|arm| engine::Prepared::new(sc, arm))
        .collect();
    let quiet = quiet_arms
        .iter()
        .filter(|_| twins)
        .map(|a| a.as_ref().map(|arm| engine::Prepared::new(sc, arm)))
        .collect();
    (arms, quiet)
}

/// An aggregate that two parts of a batch can be merged into, exactly.
pub trait Merge {
    fn merge(&mut self, other: &Self);
}

impl Merge for Aggregate {
    fn merge(&mut self, other: &Self) {
        Aggregate::merge(self, other)
    }
}

/// A kind of batch (the negotiation model, a repeated game): how to start an aggregate and a
/// worker's scratch, and how to simulate one run into them.
pub trait Job: Sync {
    /// What runs add into; two parts merge exactly.
    type Acc: Merge + Send;
    /// A worker thread's reusable scratch.
    type Worker: Send;
    /// What one run reports for `runs.csv`.
    type Row: Send;
    fn acc(&self) -> Self::Acc;
    fn worker(&self) -> Self::Worker;
    /// Simulate run `run` with its seed, adding into `acc`.
    fn run(&self, run: u64, seed: u64, w: &mut Self::Worker, acc: &mut Self::Acc) -> Self::Row;
}

/// Where a batch's rows go, a block at a time, in run order.
pub type Sink<'s, T, E> = dyn FnMut(&[T]) -> Result<(), E> + 's;

/// The block runner shared by every kind of batch: runs in blocks of [`BLOCK`] consecutive
/// indices, in parallel inside a block, each worker thread adding into its own aggregate with
/// its own scratch; rows reach `sink` in run order, and `progress` the number of runs done.
pub fn blocks<J: Job, E>(
    job: &J,
    seed: u64,
    runs: std::ops::Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
    sink: &mut Sink<J::Row, E>,
) -> Result<J::Acc, E> {
    let workers = rayon::current_num_threads().max(1);
    let accs: Vec<Mutex<J::Acc>> = (0..workers).map(|_| Mutex::new(job.acc())).collect();
    let mut start = runs.start;
    while start < runs.end {
        let end = (start + BLOCK).min(runs.end);
        let rows: Vec<J::Row> = (start..end)
            .into_par_iter()
            .map_init(
                || job.worker(),
                |w, run| {
                    let s = run_seed(seed, run);
                    let i = rayon::current_thread_index().unwrap_or(0) % workers;
                    // Each worker thread has its own aggregate: the lock is never contended.
                    let mut acc = accs[i].lock().unwrap_or_else(|e| e.into_inner());
                    job.run(run, s, w, &mut acc)
                },
            )
            .collect();
        sink(&rows)?;
        progress(end - runs.start);
        start = end;
    }
    let mut total = job.acc();
    for acc in accs {
        total.merge(&acc.into_inner().unwrap_or_else(|e| e.into_inner()));
    }
    Ok(total)
}
