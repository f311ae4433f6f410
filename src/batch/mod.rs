//! Batches: many seeded runs of every arm, in parallel, aggregated as they finish.
//!
//! Runs are processed in blocks of consecutive run indices; inside a block they run in
//! parallel, each worker thread adding into its own aggregate (exact integer sums, so the
//! order does not matter), and the block's run records are handed to a sink in run order.
//! Memory is bounded by the block size, whatever the number of runs.

pub mod aggregate;
pub mod stats;

use std::sync::Mutex;

use rayon::prelude::*;

pub use aggregate::Aggregate;

use crate::engine::{self, MonthRecord, Recorder, RunRecord, ShockDraws, Workspace, rng::run_seed};
use crate::model::Scenario;

/// Runs per block: the unit of parallel work between two hand-offs to the sink.
pub const BLOCK: u64 = 4096;

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

/// Simulate every arm of one run into an aggregate; returns the arm records.
pub fn run_one(
    sc: &Scenario,
    seed: u64,
    ws: &mut Workspace,
    shocks: &mut ShockDraws,
    agg: &mut Aggregate,
) -> Vec<RunRecord> {
    shocks.draw(sc, seed);
    let records: Vec<RunRecord> = sc
        .experiment
        .arms
        .iter()
        .enumerate()
        .map(|(a, arm)| {
            engine::simulate_with(sc, arm, seed, shocks, ws, &mut ArmRecorder { agg, arm: a })
        })
        .collect();
    agg.add_run(&records, sc.experiment.baseline);
    records
}

/// Run runs `runs` (a range of run indices) with master seed `seed`, in the current rayon
/// pool. `sink` receives each block's rows in run order; `progress` the number of runs done.
pub fn run<E>(
    sc: &Scenario,
    seed: u64,
    runs: std::ops::Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
    sink: &mut dyn FnMut(&[RunRows]) -> Result<(), E>,
) -> Result<Aggregate, E> {
    let workers = rayon::current_num_threads().max(1);
    let accs: Vec<Mutex<Aggregate>> = (0..workers)
        .map(|_| Mutex::new(Aggregate::new(sc)))
        .collect();
    let mut start = runs.start;
    while start < runs.end {
        let end = (start + BLOCK).min(runs.end);
        let rows: Vec<RunRows> = (start..end)
            .into_par_iter()
            .map_init(
                || (Workspace::new(), ShockDraws::default()),
                |(ws, shocks), run| {
                    let s = run_seed(seed, run);
                    let w = rayon::current_thread_index().unwrap_or(0) % workers;
                    // Each worker thread has its own aggregate: the lock is never contended.
                    let mut agg = accs[w].lock().unwrap_or_else(|e| e.into_inner());
                    let records = run_one(sc, s, ws, shocks, &mut agg);
                    RunRows {
                        run,
                        seed: s,
                        records,
                    }
                },
            )
            .collect();
        sink(&rows)?;
        progress(end - runs.start);
        start = end;
    }
    let mut total = Aggregate::new(sc);
    for acc in accs {
        total.merge(&acc.into_inner().unwrap_or_else(|e| e.into_inner()));
    }
    Ok(total)
}
