//! What a batch will cost before it starts: its peak memory, the size of its `runs.csv` and its
//! work, estimated from the scenario, the run count and the number of worker threads, and
//! checked against limits, so that an input that would exhaust memory, fill a disk or run for
//! days is refused up front with the estimate, not after hours or with an allocation abort.

use super::aggregate::{BINS, CONTINUOUS, GROUPS, NRUN, STATUSES};
use super::{BLOCK, stats::Moments};
use crate::engine::RunRecord;
use crate::game::{MatchRecord, Turns};
use crate::model::Scenario;
use crate::scenario::game::GameScenario;

/// The most work one command may do: run-months of the negotiation model (a month of one arm
/// of one run), or turns of repeated-game matches. 10^12 run-months are about two days on one
/// core at the measured 6 million run-months per second; a bigger batch is split with
/// `--shard K/M` and run on several machines.
pub const MAX_RUN_MONTHS: u128 = 1_000_000_000_000;
/// Turns are cheaper than run-months (quiet stretches are skipped), so more are allowed.
pub const MAX_TURNS: u128 = 100_000_000_000_000;

/// A batch's estimated costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    /// Peak memory of the aggregates, the buffers of one block and the workers' scratch, bytes.
    pub memory: u64,
    /// Bytes of `runs.csv` (0 when the scenario turns it off).
    pub output: u64,
    /// Run-months (negotiation) or turns (repeated games).
    pub work: u128,
    /// Whether `work` counts turns (a repeated game) rather than run-months.
    pub turns: bool,
}

/// The limits an estimate is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Memory the batch may use, bytes.
    pub memory: u64,
    /// Where the limit comes from, for the message.
    pub memory_source: &'static str,
    /// Free space where the results are written, bytes (None: unknown).
    pub disk_free: Option<u64>,
}

/// Bytes of one negotiation aggregate (see [`super::Aggregate::new`]).
pub fn aggregate_bytes(sc: &Scenario) -> u64 {
    let arms = sc.experiment.arms.len() as u64;
    let months = sc.horizon as u64 + 1;
    let moments = std::mem::size_of::<Moments>() as u64;
    let cells = arms * months;
    // hist (u32) and stage (u16) per bin; moments, staged moments and status counts per cell.
    cells * CONTINUOUS as u64 * BINS as u64 * 6
        + cells * (CONTINUOUS as u64 * moments + 56 + STATUSES as u64 * 8)
        + arms * (GROUPS as u64 + 1) * NRUN as u64 * moments
}

/// Bytes of the spreads over runs of one aggregate of at most `runs` runs: each run metric
/// and paired difference of every arm allocates a page of bins for each power of two its
/// values reach, at most one new page per run (see [`super::sketch`]).
pub fn spread_bytes(sc: &Scenario, runs: u64) -> u64 {
    use super::sketch::{PAGE_BYTES, PAGES, Sketch};
    let sketches = sc.experiment.arms.len() as u64 * 2 * NRUN as u64;
    let pages = runs.min(2 * PAGES as u64);
    sketches * (std::mem::size_of::<Sketch>() as u64 + 2 * PAGES as u64 * 8 + pages * PAGE_BYTES)
}

/// A row of runs.csv is at most this long, beside the arm id (18 numbers of at most 20
/// characters would be longer, but the columns are counts, shares and seeds: measured rows
/// are 90 to 130 bytes).
const ROW_BYTES: u64 = 160;

/// The estimate of a negotiation batch of `runs` runs on `workers` threads, `concurrent` batches
/// at a time (a sweep runs one batch per worker thread): their memory together, one batch's
/// output and work.
pub fn negotiation(sc: &Scenario, runs: u64, workers: usize, concurrent: usize) -> Estimate {
    let workers = workers.max(1) as u64;
    let arms = sc.experiment.arms.len() as u64;
    let agg = aggregate_bytes(sc);
    let block_runs = BLOCK.min(runs);
    let ids: u64 = sc.experiment.arms.iter().map(|a| a.id.len() as u64).sum();
    let row_bytes = arms * ROW_BYTES + ids;
    // The block's records and its runs.csv text, held at once.
    let block = block_runs * (arms * std::mem::size_of::<RunRecord>() as u64 + row_bytes);
    let one = (workers + 1) * (agg + spread_bytes(sc, runs)) + block;
    Estimate {
        memory: one.saturating_mul(concurrent.max(1) as u64),
        output: if sc.output.runs_csv {
            runs.saturating_mul(row_bytes)
        } else {
            0
        },
        work: runs as u128 * arms as u128 * sc.horizon as u128,
        turns: false,
    }
}

/// The longest match a game scenario can play.
fn longest(sc: &GameScenario) -> u64 {
    match sc.game.turns {
        Turns::Fixed(n) => n as u64,
        Turns::Continuation { max, .. } => max as u64,
    }
}

/// The estimate of a repeated-game batch.
pub fn game(sc: &GameScenario, runs: u64, workers: usize) -> Estimate {
    let workers = workers.max(1) as u64;
    let arms = sc.arms.len() as u64;
    let turns = longest(sc);
    // Per worker: the run's noise flips (8 bytes each, at most one per turn) and its moves
    // draws (4 bytes per turn), reused from run to run.
    let scratch = turns * 12;
    let ids: u64 = sc.arms.iter().map(|a| a.id.len() as u64).sum();
    let row_bytes = arms * ROW_BYTES + ids;
    let block = BLOCK.min(runs) * (arms * std::mem::size_of::<MatchRecord>() as u64 + row_bytes);
    Estimate {
        memory: workers * scratch + block + (workers + 1) * arms * 5 * 48,
        output: if sc.runs_csv {
            runs.saturating_mul(row_bytes)
        } else {
            0
        },
        work: runs as u128 * arms as u128 * turns as u128,
        turns: true,
    }
}

/// A size in bytes for a message: `1.2 GB`.
pub fn human(bytes: u64) -> String {
    let b = bytes as f64;
    match bytes {
        0..1_000_000 => format!("{:.0} kB", b / 1e3),
        1_000_000..1_000_000_000 => format!("{:.0} MB", b / 1e6),
        1_000_000_000..1_000_000_000_000 => format!("{:.1} GB", b / 1e9),
        _ => format!("{:.1} TB", b / 1e12),
    }
}

impl Estimate {
    /// Refuse an estimate beyond the limits, saying what it needs and what to change; `smaller`
    /// says how to make this command's work smaller.
    pub fn check(&self, limits: &Limits, smaller: &str) -> Result<(), String> {
        if self.memory > limits.memory {
            return Err(format!(
                "this batch needs about {} of memory (the aggregates of every worker thread grow with arms x months), more than the {} allowed ({}); use fewer arms, a shorter horizon or fewer --threads",
                human(self.memory),
                human(limits.memory),
                limits.memory_source
            ));
        }
        if let Some(free) = limits.disk_free
            && self.output > free
        {
            return Err(format!(
                "runs.csv would take about {}, more than the {} free where the results go; use fewer --runs, split the batch with --shard K/M, or set `[output] runs_csv = false`",
                human(self.output),
                human(free)
            ));
        }
        let (max, unit) = if self.turns {
            (MAX_TURNS, "turns")
        } else {
            (MAX_RUN_MONTHS, "run-months")
        };
        if self.work > max {
            return Err(format!(
                "this batch is about {:.1e} {unit} of work, more than the {:.0e} one command may do; {smaller}",
                self.work as f64, max as f64
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_aggregate_estimate_is_the_size_of_its_buffers() {
        let sc = crate::scenario::default_scenario().scenario;
        let agg = super::super::Aggregate::new(&sc);
        let bytes = agg.hist.len() * 4
            + agg.hist.len() * 2
            + agg.moments.len() * std::mem::size_of::<Moments>()
            + agg.status.len() * 8
            + (agg.summary.len() + agg.diffs.len()) * std::mem::size_of::<Moments>();
        let est = aggregate_bytes(&sc) as usize;
        // The staged moments (56 bytes a cell) are the only part not counted above.
        assert_eq!(est - bytes, agg.arms * agg.months * 56);
    }

    #[test]
    fn estimates_beyond_the_limits_are_refused_with_the_figures() {
        let sc = crate::scenario::default_scenario().scenario;
        let limits = Limits {
            memory: 1 << 30,
            memory_source: "the test's limit",
            disk_free: Some(1 << 30),
        };
        assert!(negotiation(&sc, 10_000, 2, 1).check(&limits, "").is_ok());
        let e = negotiation(&sc, 4_294_967_295, 2, 1)
            .check(&limits, "")
            .unwrap_err();
        assert!(
            e.contains("runs.csv would take about") && e.contains("TB"),
            "{e}"
        );
        let e = negotiation(&sc, 100, 1024, 1)
            .check(&limits, "")
            .unwrap_err();
        assert!(e.contains("of memory") && e.contains("test's limit"), "{e}");
        let no_disk = Limits {
            disk_free: None,
            ..limits
        };
        let e = negotiation(&sc, 4_294_967_295, 2, 1)
            .check(&no_disk, "")
            .unwrap_err();
        assert!(e.contains("run-months of work"), "{e}");
    }
}
