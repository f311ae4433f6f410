//! Streaming aggregates of a batch: per-month trajectories and per-run summaries, per arm, by
//! type pair, and paired differences from the baseline. Memory depends on arms and months,
//! never on the number of runs; two aggregates merge exactly.

use std::borrow::Cow;

use super::sketch::Sketch;
use super::stats::{self, Moments};
use crate::engine::{MonthRecord, Outcome, RunRecord, Status, record::TYPE_PAIRS};
use crate::model::{Scenario, Uncertainty};

/// Continuous trajectory metrics, in order: trust 0->1, trust 1->0, tension, stock.
pub const CONTINUOUS: usize = 4;
/// Histogram bins of each continuous trajectory metric.
pub const BINS: usize = 250;
/// Statuses tracked per month.
pub const STATUSES: usize = 5;
/// Groups of the run summary: all runs, then each type pair.
pub const GROUPS: usize = 1 + TYPE_PAIRS.len();

pub use crate::model::metrics::{NRUN, RUN_METRICS, is_share};

/// Whether less of a run metric (by index in [`RUN_METRICS`]) is the better result.
pub fn lower_is_better(k: usize) -> bool {
    RUN_METRICS[k].lower_is_better
}

/// The run metrics a sweep reports when the scenario does not choose: the outcomes that matter,
/// final trust both ways, the stock and freeze months.
pub const KEY_METRICS: [usize; 8] = [0, 1, 2, 3, 5, 6, 8, 9];

/// Metric names with the scenario's actor ids.
pub fn run_metric_names(sc: &Scenario) -> Vec<String> {
    crate::model::metrics::run_metric_names(&sc.actors, &sc.stock, &sc.tally.name)
}

/// The per-run metric values of a run record, in [`RUN_METRICS`] order.
pub fn run_values(r: &RunRecord) -> [Option<f64>; NRUN] {
    let is = |a: Outcome, x: Outcome| if a == x { 1.0 } else { 0.0 };
    let o = |x: Outcome| Some(is(r.outcome, x));
    // What politics changed in outcome x: this run's indicator minus its twin's.
    let politics = |x: Outcome| r.without_politics.map(|w| is(r.outcome, x) - is(w, x));
    [
        o(Outcome::Agreement),
        o(Outcome::InterimFreeze),
        o(Outcome::Breakdown),
        o(Outcome::War),
        o(Outcome::Stalemate),
        Some(r.final_trust[0]),
        Some(r.final_trust[1]),
        Some(r.final_tension),
        Some(r.final_stock),
        Some(r.verified_freeze_months as f64),
        Some(r.agreements as f64),
        Some(r.agreement_months as f64),
        r.first_irreversible[0].map(f64::from),
        r.first_irreversible[1].map(f64::from),
        Some(r.war_risk),
        Some(r.hostile_acts[0] as f64),
        Some(r.hostile_acts[1] as f64),
        Some(r.end_month as f64),
        Some(r.incidents as f64),
        Some(r.track_months as f64),
        Some(if r.outcome == Outcome::Agreement && r.verified {
            1.0
        } else {
            0.0
        }),
        Some(if r.outcome == Outcome::Agreement && !r.verified {
            1.0
        } else {
            0.0
        }),
        Some(r.verified_agreement_months as f64),
        Some(r.conceded_unreciprocated[0]),
        Some(r.conceded_unreciprocated[1]),
        Some(r.relief_pocketed[0]),
        Some(r.relief_pocketed[1]),
        Some(r.stock_growth_in_talks),
        Some(r.final_belief[0]),
        Some(r.final_belief[1]),
        Some(r.payoff[0]),
        Some(r.payoff[1]),
        r.without_politics.map(|w| 1.0 - is(w, r.outcome)),
        politics(Outcome::Agreement),
        politics(Outcome::InterimFreeze),
        politics(Outcome::Breakdown),
        politics(Outcome::War),
        politics(Outcome::Stalemate),
        (r.agreements > 0).then(|| r.agreement_months as f64 / r.agreements as f64),
        per_year(r.tally[1], r.process_months[1]),
        per_year(r.tally[0], r.process_months[0]),
        {
            let (sum, n) = r.change_to_collapse;
            (n > 0).then(|| f64::from(sum) / f64::from(n))
        },
    ]
}

/// Acts per year over some months (none without months).
fn per_year(acts: u32, months: u32) -> Option<f64> {
    (months > 0).then(|| 12.0 * f64::from(acts) / f64::from(months))
}

/// The monthly metrics on [0, 1] (both trusts and tension) come first; the stock is last.
const UNIT_METRICS: usize = 3;
/// The largest fixed-point value of a metric on [0, 1].
const UNIT: i64 = 1 << 24;

/// Moments of the three unit-interval metrics of one arm and month, staged in 64 bits.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct UnitMoments {
    n: u32,
    sum: [u64; UNIT_METRICS],
    sumsq: [u64; UNIT_METRICS],
}

impl UnitMoments {
    #[inline]
    fn add(&mut self, q: [i64; UNIT_METRICS]) {
        self.n += 1;
        for k in 0..UNIT_METRICS {
            let q = q[k] as u64;
            self.sum[k] += q;
            self.sumsq[k] += q * q;
        }
    }

    /// Metric `k`'s staged moments as exact moments.
    fn moments(&self, k: usize) -> Moments {
        Moments {
            n: self.n.into(),
            sum: self.sum[k].into(),
            sumsq: self.sumsq[k].into(),
        }
    }
}

/// The aggregate of a batch (or of a part of one).
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    pub arms: usize,
    pub months: usize,
    /// Upper end of the stock histogram.
    pub stock_hi: f64,
    /// BINS / (upper end) per continuous metric.
    bins_per_unit: [f64; CONTINUOUS],
    /// [arm][month][CONTINUOUS]
    pub moments: Vec<Moments>,
    /// [arm][month][CONTINUOUS][BINS]
    pub hist: Vec<u32>,
    /// Histogram counts not yet added to `hist`, in 16 bits: half the memory the monthly
    /// increments touch, so more of it stays in cache. Each cell gains at most one count per
    /// run, so it is flushed into `hist` every 65,535 runs (and by `merge`). Laid out
    /// [arm][CONTINUOUS][BINS][month]: a value that stays in its bin from one month to the next
    /// (the common case) increments the neighbouring cell, in the same cache line.
    stage: Vec<u16>,
    /// The monthly moments of trust and tension not yet added to `moments`, in 64 bits: one
    /// cache line per arm and month instead of three (their fixed-point values are at most
    /// 2^24, so 65,535 runs of squares fit); flushed with `stage`. [arm][month]
    moment_stage: Vec<UnitMoments>,
    /// Runs added since the last flush of `stage`.
    staged: u32,
    /// [arm][month][STATUSES]
    pub status: Vec<u64>,
    /// [arm][GROUPS][NRUN]
    pub summary: Vec<Moments>,
    /// [arm][NRUN]: paired differences arm - baseline.
    pub diffs: Vec<Moments>,
    /// [arm][2][NRUN]: the spread over runs of each run metric (all runs), then of its paired
    /// difference.
    pub spread: Vec<Sketch>,
    /// Runs added.
    pub runs: u64,
    /// Non-finite values met (NaN or infinite trust, tension, stock or run metric). They
    /// cannot be aggregated; a batch with any fails rather than report them as numbers.
    pub nonfinite: u64,
    /// The first run (by index) whose draws of the scenario's distributions did not build, and
    /// why; a batch with one fails.
    pub draw_error: Option<(u64, String)>,
    /// For a scenario with distributions and a headline: per draw, per arm, the headline
    /// metric's count and fixed-point sum, then its paired difference's ([draw][arm][4]).
    pub draws: Vec<i128>,
}

/// The parameter uncertainty of one arm on the headline metric: each draw's mean over its
/// runs, and (for an arm other than the baseline) each draw's mean paired difference.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DrawMeans {
    pub values: Vec<f64>,
    pub diffs: Vec<f64>,
}

impl Aggregate {
    pub fn new(sc: &Scenario) -> Self {
        let arms = sc.experiment.arms.len();
        let months = sc.horizon as usize + 1;
        Aggregate {
            arms,
            months,
            stock_hi: sc.stock_bound(),
            bins_per_unit: [
                BINS as f64,
                BINS as f64,
                BINS as f64,
                BINS as f64 / sc.stock_bound(),
            ],
            moments: vec![Moments::default(); arms * months * CONTINUOUS],
            hist: vec![0; arms * months * CONTINUOUS * BINS],
            stage: vec![0; arms * months * CONTINUOUS * BINS],
            moment_stage: vec![UnitMoments::default(); arms * months],
            staged: 0,
            status: vec![0; arms * months * STATUSES],
            summary: vec![Moments::default(); arms * GROUPS * NRUN],
            diffs: vec![Moments::default(); arms * NRUN],
            spread: vec![Sketch::default(); arms * 2 * NRUN],
            runs: 0,
            nonfinite: 0,
            draw_error: None,
            draws: Vec::new(),
        }
    }

    /// Add a run of draw `draw` to the draws' headline sums.
    pub fn add_draw(&mut self, draw: u64, records: &[RunRecord], sc: &Scenario) {
        let Some(h) = sc.experiment.headline else {
            return;
        };
        let stride = self.arms * 4;
        let at = draw as usize * stride;
        if self.draws.len() < at + stride {
            self.draws.resize(at + stride, 0);
        }
        let base = run_values(&records[sc.experiment.baseline])[h.metric];
        for (arm, r) in records.iter().enumerate() {
            let Some(x) = run_values(r)[h.metric] else {
                continue;
            };
            let cell = &mut self.draws[at + arm * 4..at + arm * 4 + 4];
            cell[0] += 1;
            cell[1] += i128::from(stats::fixed(x));
            if let Some(b) = base {
                cell[2] += 1;
                cell[3] += i128::from(stats::fixed(x - b));
            }
        }
    }

    /// Each draw's mean of the headline metric for arm `arm`, and of its paired difference, in
    /// draw order (draws without a value left out).
    pub fn draw_means(&self, arm: usize) -> DrawMeans {
        let mut out = DrawMeans::default();
        for cell in self.draws.chunks_exact(self.arms * 4) {
            let c = &cell[arm * 4..arm * 4 + 4];
            if c[0] > 0 {
                out.values.push(c[1] as f64 / stats::SCALE / c[0] as f64);
            }
            if c[2] > 0 {
                out.diffs.push(c[3] as f64 / stats::SCALE / c[2] as f64);
            }
        }
        out
    }

    /// Run `run` drew `values` of the distributions of `u`, with which its scenario does not
    /// build (`why`).
    pub fn draw_failed(&mut self, run: u64, values: &[f64], u: &Uncertainty, why: &str) {
        let drawn: Vec<String> = u
            .values
            .iter()
            .zip(values)
            .map(|(v, x)| format!("{} = {x}", v.key))
            .collect();
        let message = format!("run {run} drew {}: {why}", drawn.join(", "));
        self.merge_draw_error(Some((run, message)));
    }

    fn merge_draw_error(&mut self, other: Option<(u64, String)>) {
        if let Some(o) = other
            && self.draw_error.as_ref().is_none_or(|e| o.0 < e.0)
        {
            self.draw_error = Some(o);
        }
    }

    /// Range of a continuous metric's histogram.
    pub fn range(&self, metric: usize) -> (f64, f64) {
        if metric == 3 {
            (0.0, self.stock_hi)
        } else {
            (0.0, 1.0)
        }
    }

    #[inline]
    pub fn add_month(&mut self, arm: usize, r: &MonthRecord) {
        let m = r.month as usize;
        if m >= self.months {
            return;
        }
        let s = (arm * self.months + m) * STATUSES + r.status.index();
        self.status[s] += 1;
        if !r.active {
            return;
        }
        let values = [r.trust[0], r.trust[1], r.tension, r.stock];
        // One test for all four: a sum of finite values of these sizes is finite.
        if !(values[0] + values[1] + values[2] + values[3]).is_finite() {
            self.nonfinite += 1;
        }
        let base = (arm * self.months + m) * CONTINUOUS;
        let moments = &mut self.moments[base..base + CONTINUOUS];
        let q = [0, 1, 2].map(|k| stats::fixed(values[k]));
        // All three in [0, UNIT] (a negative value is huge as u64).
        if (q[0] as u64).max(q[1] as u64).max(q[2] as u64) <= UNIT as u64 {
            self.moment_stage[arm * self.months + m].add(q);
        } else {
            for k in 0..UNIT_METRICS {
                moments[k].add_fixed(q[k]);
            }
        }
        moments[UNIT_METRICS].add(values[UNIT_METRICS]);
        let months = self.months;
        let stage = &mut self.stage[arm * CONTINUOUS * BINS * months..];
        for k in 0..CONTINUOUS {
            let x = values[k];
            // Every range starts at 0 and values are >= 0; the cast saturates and maps NaN to 0
            // (a signed cast: the unsigned 64-bit one takes three times the instructions).
            let b = ((x * self.bins_per_unit[k]) as i64).clamp(0, BINS as i64 - 1) as usize;
            stage[(k * BINS + b) * months + m] += 1;
        }
    }

    /// Add staged counts (laid out as `stage`) into `hist`.
    fn add_staged(hist: &mut [u32], stage: &[u16], months: usize) {
        for (i, &c) in stage.iter().enumerate() {
            if c != 0 {
                let (m, rest) = (i % months, i / months);
                let (b, rest) = (rest % BINS, rest / BINS);
                let (k, arm) = (rest % CONTINUOUS, rest / CONTINUOUS);
                hist[((arm * months + m) * CONTINUOUS + k) * BINS + b] += c as u32;
            }
        }
    }

    /// Add staged moments (laid out as `moment_stage`) into `moments`.
    fn add_staged_moments(moments: &mut [Moments], stage: &[UnitMoments]) {
        for (i, s) in stage.iter().enumerate() {
            if s.n == 0 {
                continue;
            }
            for k in 0..UNIT_METRICS {
                moments[i * CONTINUOUS + k].merge(&s.moments(k));
            }
        }
    }

    /// Move the staged histogram counts and moments into `hist` and `moments`.
    fn flush(&mut self) {
        Self::add_staged(&mut self.hist, &self.stage, self.months);
        self.stage.fill(0);
        Self::add_staged_moments(&mut self.moments, &self.moment_stage);
        self.moment_stage.fill(UnitMoments::default());
        self.staged = 0;
    }

    /// Add one run: every arm's record, in arm order.
    pub fn add_run(&mut self, records: &[RunRecord], baseline: usize) {
        self.runs += 1;
        self.staged += 1;
        if self.staged == u16::MAX as u32 {
            self.flush();
        }
        let base_values = run_values(&records[baseline]);
        for (arm, r) in records.iter().enumerate() {
            let values = run_values(r);
            let g = 1 + r.type_pair_index();
            for (k, v) in values.iter().enumerate() {
                if let Some(x) = v {
                    if !x.is_finite() {
                        self.nonfinite += 1;
                    }
                    self.summary[(arm * GROUPS) * NRUN + k].add(*x);
                    self.summary[(arm * GROUPS + g) * NRUN + k].add(*x);
                    let binned = !is_share(k);
                    if binned {
                        self.spread[arm * 2 * NRUN + k].add(*x);
                    }
                    if let Some(b) = base_values[k] {
                        self.diffs[arm * NRUN + k].add(x - b);
                        if binned && arm != baseline {
                            self.spread[(arm * 2 + 1) * NRUN + k].add(x - b);
                        }
                    }
                }
            }
        }
    }

    pub fn merge(&mut self, o: &Aggregate) {
        for (a, b) in self.moments.iter_mut().zip(&o.moments) {
            a.merge(b);
        }
        for (a, b) in self.hist.iter_mut().zip(&o.hist) {
            *a += b;
        }
        Self::add_staged(&mut self.hist, &o.stage, o.months);
        Self::add_staged_moments(&mut self.moments, &o.moment_stage);
        for (a, b) in self.status.iter_mut().zip(&o.status) {
            *a += b;
        }
        for (a, b) in self.summary.iter_mut().zip(&o.summary) {
            a.merge(b);
        }
        for (a, b) in self.diffs.iter_mut().zip(&o.diffs) {
            a.merge(b);
        }
        for (a, b) in self.spread.iter_mut().zip(&o.spread) {
            a.merge(b);
        }
        self.runs += o.runs;
        self.nonfinite += o.nonfinite;
        self.merge_draw_error(o.draw_error.clone());
        if self.draws.len() < o.draws.len() {
            self.draws.resize(o.draws.len(), 0);
        }
        for (a, b) in self.draws.iter_mut().zip(&o.draws) {
            *a += b;
        }
    }

    pub fn moments_at(&self, arm: usize, month: usize, k: usize) -> &Moments {
        &self.moments[(arm * self.months + month) * CONTINUOUS + k]
    }

    /// A histogram; the aggregate must be a total (from `batch::run` or a merge), whose staged
    /// counts are all in `hist`.
    pub fn hist_at(&self, arm: usize, month: usize, k: usize) -> &[u32] {
        debug_assert!(self.staged == 0);
        let s = ((arm * self.months + month) * CONTINUOUS + k) * BINS;
        &self.hist[s..s + BINS]
    }

    pub fn status_at(&self, arm: usize, month: usize, s: Status) -> u64 {
        self.status[(arm * self.months + month) * STATUSES + s.index()]
    }

    pub fn summary_at(&self, arm: usize, group: usize, k: usize) -> &Moments {
        &self.summary[(arm * GROUPS + group) * NRUN + k]
    }

    pub fn diff_at(&self, arm: usize, k: usize) -> &Moments {
        &self.diffs[arm * NRUN + k]
    }

    /// The spread over runs of run metric `k` of arm `arm` (`diff`: of its paired difference
    /// from the baseline; empty for the baseline itself). A share's values (0 or 1, and -1, 0
    /// or 1 for its differences) are counted from its exact moments rather than binned.
    pub fn spread_at(&self, arm: usize, k: usize, diff: bool) -> Cow<'_, Sketch> {
        if !is_share(k) {
            return Cow::Borrowed(&self.spread[(arm * 2 + usize::from(diff)) * NRUN + k]);
        }
        let m = if diff {
            self.diff_at(arm, k)
        } else {
            self.summary_at(arm, 0, k)
        };
        // For values in {-1, 0, 1} in fixed point: sum = S (up - down), sumsq = S^2 (up + down).
        let s = stats::SCALE as i128;
        let (sum, both) = (m.sum / s, m.sumsq / (s * s));
        let (up, down) = ((both + sum) / 2, (both - sum) / 2);
        let mut out = Sketch::default();
        for (x, count) in [(-1.0, down), (0.0, m.n as i128 - up - down), (1.0, up)] {
            out.add_many(x, count.clamp(0, u32::MAX as i128) as u32);
        }
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_moments_add_up_to_the_exact_moments() {
        let sc = crate::scenario::default_scenario().scenario;
        let mut staged = Aggregate::new(&sc);
        let mut want = vec![Moments::default(); staged.moments.len()];
        // In range, at the edges, and out of range (staged is bypassed for the month).
        let values = [
            [0.3, 0.7, 0.1, 12.5],
            [0.0, 1.0, 1.0, 0.0],
            [0.25, 1.5, 0.5, 40.0],
            [-0.25, 0.5, 0.5, 1.0],
            [f64::NAN, 0.5, 0.2, 3.0],
        ];
        for (i, v) in values.iter().cycle().take(40).enumerate() {
            let (arm, month) = (i % staged.arms, i % 3);
            staged.add_month(
                arm,
                &MonthRecord {
                    month: month as u32,
                    active: true,
                    trust: [v[0], v[1]],
                    belief_logit: [0.0, 0.0],
                    tension: v[2],
                    stock: v[3],
                    status: Status::Freeze,
                    in_force: crate::model::MoveSet::EMPTY,
                    done: crate::model::MoveSet::EMPTY,
                },
            );
            for k in 0..CONTINUOUS {
                want[(arm * staged.months + month) * CONTINUOUS + k].add(v[k]);
            }
        }
        // Merging into an empty aggregate adds the staged moments; so does a flush.
        let mut total = Aggregate::new(&sc);
        total.merge(&staged);
        assert_eq!(total.moments, want);
        staged.flush();
        assert_eq!(staged.moments, want);
    }
}
