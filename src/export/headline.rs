//! The headline answer of an experiment: one sentence from the paired difference of the
//! headline arm from the baseline on the headline metric (terminal, report and the scenario
//! library's table all use it).

use crate::batch::aggregate::{is_share, lower_is_better, run_metric_names};
use crate::model::Scenario;
use crate::sweep::Verdict;

/// The parts of a headline answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub arm: String,
    pub baseline: String,
    pub metric: String,
    /// Index of the metric in the run metrics.
    pub index: usize,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    /// Over the parameter draws, for a scenario with distributions.
    pub draws: Option<Draws>,
}

/// The headline difference over the parameter draws of a scenario with distributions: the 5%
/// and 95% quantiles of the draws' mean differences, and the shares of draws above and below 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Draws {
    pub low: f64,
    pub high: f64,
    pub above: f64,
    pub below: f64,
}

impl Answer {
    /// The scenario's headline answer, if it has a headline and `diff` finds the summary row
    /// (mean, low, high) of `(arm, "diff:<metric>")`.
    pub fn of(
        sc: &Scenario,
        diff: impl Fn(&str, &str) -> Option<(f64, f64, f64)>,
    ) -> Option<Answer> {
        let h = sc.experiment.headline?;
        let metric = run_metric_names(sc).swap_remove(h.metric);
        let arm = sc.experiment.arms[h.arm].id.clone();
        let (mean, low, high) = diff(&arm, &format!("diff:{metric}"))?;
        let draws = match (
            diff(&arm, &format!("draws:diff:{metric}")),
            diff(&arm, &format!("draws:above:diff:{metric}")),
            diff(&arm, &format!("draws:below:diff:{metric}")),
        ) {
            (Some((_, low, high)), Some((above, ..)), Some((below, ..))) => Some(Draws {
                low,
                high,
                above,
                below,
            }),
            _ => None,
        };
        Some(Answer {
            arm,
            baseline: sc.experiment.arms[sc.experiment.baseline].id.clone(),
            metric,
            index: h.metric,
            mean,
            low,
            high,
            draws,
        })
    }

    /// The scenario's headline answer from its summary rows (`export::summary::rows`).
    pub fn from_rows(sc: &Scenario, rows: &[crate::export::summary::Row]) -> Option<Answer> {
        Answer::of(sc, |arm, metric| {
            rows.iter()
                .find(|r| r.arm == arm && r.metric == metric)
                .map(|r| (r.mean, r.low, r.high))
        })
    }

    /// The side the 95% interval favours, or None when it contains no difference.
    pub fn better(&self) -> Option<&str> {
        match self.verdict() {
            Verdict::Arm => Some(&self.arm),
            Verdict::Baseline => Some(&self.baseline),
            Verdict::NotSignificant => None,
        }
    }

    /// The difference with its interval: percentage points for outcome shares.
    pub fn difference(&self) -> String {
        if is_share(self.index) {
            format!(
                "{:+.1} points [{:+.1}, {:+.1}]",
                100.0 * self.mean,
                100.0 * self.low,
                100.0 * self.high
            )
        } else {
            let d = decimals(self.low, self.high, 3);
            format!("{:+.d$} [{:+.d$}, {:+.d$}]", self.mean, self.low, self.high)
        }
    }

    /// Which side the 95% interval favours.
    pub fn verdict(&self) -> Verdict {
        Verdict::of(self.low, self.high, lower_is_better(self.index))
    }

    /// "incremental - all_or_nothing on outcome:agreement: +23.6 points [+22.8, +24.4];
    /// incremental does better."
    pub fn sentence(&self) -> String {
        let v = self.better().map_or_else(
            || "no significant difference".to_string(),
            |w| format!("{w} does better"),
        );
        let first = format!(
            "{} - {} on {}: {}; {v}.",
            self.arm,
            self.baseline,
            self.metric,
            self.difference()
        );
        match self.draws {
            Some(d) => format!("{first} {}", self.over_draws(&d)),
            None => first,
        }
    }

    /// "Over the parameter draws, incremental does better in 66.8% and worse in 5.5%; 90% of
    /// the draws' differences lie in [-2.1, +88.2]."
    pub fn over_draws(&self, d: &Draws) -> String {
        let (better, worse) = if lower_is_better(self.index) {
            (d.below, d.above)
        } else {
            (d.above, d.below)
        };
        let k = if is_share(self.index) { 100.0 } else { 1.0 };
        let unit = if is_share(self.index) { " points" } else { "" };
        let p = decimals(k * d.low, k * d.high, 1);
        format!(
            "Over the parameter draws, {} does better in {:.1}% and worse in {:.1}%; 90% of the draws' differences lie in [{:+.p$}, {:+.p$}]{unit}.",
            self.arm,
            100.0 * better,
            100.0 * worse,
            k * d.low,
            k * d.high
        )
    }
}

/// Enough decimals to show the width of [low, high] (at least `least`, at most 6).
fn decimals(low: f64, high: f64, least: usize) -> usize {
    let half = (high - low).abs() / 2.0;
    if half > 0.0 && half.is_finite() {
        ((-half.log10()).ceil() as i64 + 1).clamp(least as i64, 6) as usize
    } else {
        least
    }
}
