//! Batches: many seeded runs of every arm, in parallel, aggregated as they finish.
//!
//! Runs are processed in blocks of consecutive run indices; inside a block they run in
//! parallel, each worker thread adding into its own aggregate (exact integer sums, so the
//! order does not matter), and the block's run records are handed to a sink in run order.
//! Memory is bounded by the block size, whatever the number of runs.

pub mod aggregate;
pub mod budget;
pub mod game;
pub mod stats;

use std::sync::Mutex;

use rayon::prelude::*;

pub use aggregate::Aggregate;

use crate::engine::{self, MonthRecord, Recorder, RunRecord, ShockDraws, Workspace};
use crate::model::Scenario;
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
/// scenario's arms, prepared ([`engine::Prepared`]).
pub fn run_one(
    sc: &Scenario,
    arms: &[engine::Prepared],
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
            engine::simulate_with(arm, seed, shocks, ws, &mut ArmRecorder { agg, arm: a })
        })
        .collect();
    agg.add_run(&records, sc.experiment.baseline);
    records
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
pub fn run<E: From<NonFinite>>(
    sc: &Scenario,
    seed: u64,
    runs: std::ops::Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
    sink: &mut dyn FnMut(&[RunRows]) -> Result<(), E>,
) -> Result<Aggregate, E> {
    let arms: Vec<engine::Prepared> = sc
        .experiment
        .arms
        .iter()
        .map(|arm| engine::Prepared::new(sc, arm))
        .collect();
    blocks(
        seed,
        runs,
        &|| Aggregate::new(sc),
        &|| (Workspace::new(), ShockDraws::default()),
        &|run, s, (ws, shocks), agg| RunRows {
            run,
            seed: s,
            records: run_one(sc, &arms, s, ws, shocks, agg),
        },
        progress,
        sink,
    )
    .and_then(|agg| match agg.nonfinite {
        0 => Ok(agg),
        count => Err(NonFinite { count }.into()),
    })
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

/// The block runner shared by every kind of batch: runs in blocks of [`BLOCK`] consecutive
/// indices, in parallel inside a block, each worker thread adding into its own aggregate `A`
/// (built by `new_acc`) with its own scratch `W` (built by `new_worker`); `one` simulates a run
/// (index, seed) and returns its row; rows reach `sink` in run order.
#[allow(clippy::too_many_arguments)]
pub fn blocks<A, W, T, E>(
    seed: u64,
    runs: std::ops::Range<u64>,
    new_acc: &(dyn Fn() -> A + Sync),
    new_worker: &(dyn Fn() -> W + Sync),
    one: &(dyn Fn(u64, u64, &mut W, &mut A) -> T + Sync),
    progress: &(dyn Fn(u64) + Sync),
    sink: &mut dyn FnMut(&[T]) -> Result<(), E>,
) -> Result<A, E>
where
    A: Merge + Send,
    W: Send,
    T: Send,
{
    let workers = rayon::current_num_threads().max(1);
    let accs: Vec<Mutex<A>> = (0..workers).map(|_| Mutex::new(new_acc())).collect();
    let mut start = runs.start;
    while start < runs.end {
        let end = (start + BLOCK).min(runs.end);
        let rows: Vec<T> = (start..end)
            .into_par_iter()
            .map_init(new_worker, |w, run| {
                let s = run_seed(seed, run);
                let i = rayon::current_thread_index().unwrap_or(0) % workers;
                // Each worker thread has its own aggregate: the lock is never contended.
                let mut acc = accs[i].lock().unwrap_or_else(|e| e.into_inner());
                one(run, s, w, &mut acc)
            })
            .collect();
        sink(&rows)?;
        progress(end - runs.start);
        start = end;
    }
    let mut total = new_acc();
    for acc in accs {
        total.merge(&acc.into_inner().unwrap_or_else(|e| e.into_inner()));
    }
    Ok(total)
}
