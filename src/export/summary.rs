//! `summary.csv`: per arm, every per-run metric with the 95% interval of its mean (Wilson for
//! outcome shares) and its spread over runs (5% and 95% quantiles), the same by type pair
//! (`metric@S/G`), and the paired difference from the baseline arm (`diff:metric`).

use super::{csv_bytes, num};
use crate::batch::Aggregate;
use crate::batch::aggregate::{GROUPS, is_share, run_metric_names};
use crate::batch::stats::{Moments, SCALE, wilson};
use crate::engine::record::TYPE_PAIRS;
use crate::model::Scenario;

pub const HEADER: [&str; 8] = [
    "arm",
    "metric",
    "n",
    "mean",
    "ci95_low",
    "ci95_high",
    "p5",
    "p95",
];

/// One summary row: a metric's mean and the interval of the mean; for all runs and paired
/// differences, also the 5% and 95% quantiles of the per-run values (NaN otherwise).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub arm: String,
    pub metric: String,
    pub n: u64,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    pub p05: f64,
    pub p95: f64,
}

pub(crate) fn stat(m: &Moments, proportion: bool) -> (f64, f64, f64) {
    if proportion {
        let k = (m.sum as f64 / SCALE).round() as u64;
        let (l, u) = wilson(k, m.n);
        (m.mean(), l, u)
    } else {
        let (l, u) = m.ci95();
        (m.mean(), l, u)
    }
}

/// The run metrics written, as (index, name): the scenario's `[output] metrics`, else all.
pub fn chosen(sc: &Scenario) -> Vec<(usize, String)> {
    let names = run_metric_names(sc);
    match &sc.output.metrics {
        Some(v) => v.iter().map(|&k| (k, names[k].clone())).collect(),
        None => names.into_iter().enumerate().collect(),
    }
}

/// The quantiles of the spread over runs.
const SPREAD: [f64; 2] = [0.05, 0.95];

/// Every summary row, in file order.
pub fn rows(sc: &Scenario, agg: &Aggregate) -> Vec<Row> {
    let names = chosen(sc);
    let base = sc.experiment.baseline;
    let mut out = Vec::new();
    for (a, arm) in sc.experiment.arms.iter().enumerate() {
        for g in 0..GROUPS {
            for &(k, ref name) in &names {
                let m = agg.summary_at(a, g, k);
                let (mean, low, high) = stat(m, is_share(k));
                let (metric, [p05, p95]) = if g == 0 {
                    (name.clone(), agg.spread_at(a, k, false).quantiles(SPREAD))
                } else {
                    (format!("{name}@{}", TYPE_PAIRS[g - 1]), [f64::NAN; 2])
                };
                out.push(Row {
                    arm: arm.id.clone(),
                    metric,
                    n: m.n,
                    mean,
                    low,
                    high,
                    p05,
                    p95,
                });
            }
        }
        if a != base {
            for &(k, ref name) in &names {
                let m = agg.diff_at(a, k);
                let (mean, low, high) = stat(m, false);
                let [p05, p95] = agg.spread_at(a, k, true).quantiles(SPREAD);
                out.push(Row {
                    arm: arm.id.clone(),
                    metric: format!("diff:{name}"),
                    n: m.n,
                    mean,
                    low,
                    high,
                    p05,
                    p95,
                });
            }
        }
    }
    out.extend(draw_rows(sc, agg));
    out
}

/// For a scenario with distributions and a headline, per arm: the headline metric over the
/// parameter draws (`draws:<metric>`: the mean of the draws' means and the 5% and 95%
/// quantiles of those means), the same for the paired difference (`draws:diff:<metric>`), and
/// the share of draws whose mean difference is above and below 0 (`draws:above:diff:<metric>`,
/// `draws:below:diff:<metric>`, with Wilson intervals).
fn draw_rows(sc: &Scenario, agg: &Aggregate) -> Vec<Row> {
    let (Some(_), Some(h)) = (&sc.uncertainty, sc.experiment.headline) else {
        return Vec::new();
    };
    let name = run_metric_names(sc).swap_remove(h.metric);
    let mut out = Vec::new();
    for (a, arm) in sc.experiment.arms.iter().enumerate() {
        let d = agg.draw_means(a);
        let mut spread = |metric: String, x: &[f64]| {
            let (mean, low, high) = spread(x);
            out.push(Row {
                arm: arm.id.clone(),
                metric,
                n: x.len() as u64,
                mean,
                low,
                high,
                p05: f64::NAN,
                p95: f64::NAN,
            });
        };
        spread(format!("draws:{name}"), &d.values);
        if a == sc.experiment.baseline {
            continue;
        }
        spread(format!("draws:diff:{name}"), &d.diffs);
        let n = d.diffs.len() as u64;
        for (word, count) in [
            ("above", d.diffs.iter().filter(|&&x| x > 0.0).count()),
            ("below", d.diffs.iter().filter(|&&x| x < 0.0).count()),
        ] {
            let (low, high) = wilson(count as u64, n);
            out.push(Row {
                arm: arm.id.clone(),
                metric: format!("draws:{word}:diff:{name}"),
                n,
                mean: if n > 0 {
                    count as f64 / n as f64
                } else {
                    f64::NAN
                },
                low,
                high,
                p05: f64::NAN,
                p95: f64::NAN,
            });
        }
    }
    out
}

/// The mean of some values and their 5% and 95% quantiles (linear between order statistics).
fn spread(x: &[f64]) -> (f64, f64, f64) {
    let [lo, hi] = crate::sweep::sobol::quantiles_of(x, [0.05, 0.95]);
    (x.iter().sum::<f64>() / x.len() as f64, lo, hi)
}

pub fn csv(sc: &Scenario, agg: &Aggregate) -> Vec<u8> {
    csv_bytes(
        &HEADER,
        rows(sc, agg).into_iter().map(|r| {
            vec![
                r.arm,
                r.metric,
                r.n.to_string(),
                num(r.mean),
                num(r.low),
                num(r.high),
                num(r.p05),
                num(r.p95),
            ]
        }),
    )
}
