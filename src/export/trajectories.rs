//! `trajectories.csv`: per arm, metric and month, the distribution over runs (tidy long format).

use super::{csv_bytes, num};
use crate::batch::Aggregate;
use crate::batch::aggregate::CONTINUOUS;
use crate::batch::stats::{quantile, wilson};
use crate::engine::Status;
use crate::model::{Scenario, quantile_name};

/// The columns before the quantiles; one `pNN` column per quantile of `[output] quantiles`
/// (default p10, p50, p90) follows.
pub const HEADER: [&str; 8] = [
    "arm",
    "month",
    "metric",
    "n",
    "mean",
    "sd",
    "ci95_low",
    "ci95_high",
];

/// The full header for a scenario's quantiles.
pub fn header(sc: &Scenario) -> Vec<String> {
    let mut h: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
    h.extend(sc.output.quantiles.iter().map(|&q| quantile_name(q)));
    h
}

/// Trajectory metric names: trust both ways, tension, the stock, then one share per status.
pub fn metric_names(sc: &Scenario) -> Vec<String> {
    let mut v = vec![
        sc.trust_metric(0),
        sc.trust_metric(1),
        "tension".to_string(),
        sc.stock.monthly_metric.clone(),
    ];
    v.extend(Status::ALL.iter().map(|s| format!("status:{}", s.name())));
    v
}

pub fn csv(sc: &Scenario, agg: &Aggregate) -> Vec<u8> {
    let names = metric_names(sc);
    let qs = &sc.output.quantiles;
    let mut rows = Vec::new();
    for (a, arm) in sc.experiment.arms.iter().enumerate() {
        for (k, name) in names.iter().enumerate() {
            for month in 0..agg.months {
                let cells = if k < CONTINUOUS {
                    let m = agg.moments_at(a, month, k);
                    let h = agg.hist_at(a, month, k);
                    let (lo, hi) = agg.range(k);
                    let (l, u) = m.ci95();
                    let mut c = vec![m.n.to_string(), num(m.mean()), num(m.sd()), num(l), num(u)];
                    c.extend(qs.iter().map(|&q| num(quantile(h, lo, hi, q))));
                    c
                } else {
                    let s = Status::ALL[k - CONTINUOUS];
                    let n = agg.runs;
                    let c = agg.status_at(a, month, s);
                    let p = if n > 0 { c as f64 / n as f64 } else { f64::NAN };
                    let sd = if n > 1 {
                        (p * (1.0 - p) * n as f64 / (n - 1) as f64).sqrt()
                    } else {
                        0.0
                    };
                    let (l, u) = wilson(c, n);
                    let q = |q: f64| {
                        if ((n - c) as f64) >= q * n as f64 {
                            0.0
                        } else {
                            1.0
                        }
                    };
                    let mut c = vec![n.to_string(), num(p), num(sd), num(l), num(u)];
                    c.extend(qs.iter().map(|&x| num(q(x))));
                    c
                };
                let mut row = vec![arm.id.clone(), month.to_string(), name.clone()];
                row.extend(cells);
                rows.push(row);
            }
        }
    }
    let header = header(sc);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    csv_bytes(&header, rows)
}

/// One-line docs of the trajectory metrics.
pub fn metric_docs(sc: &Scenario) -> Vec<(String, String)> {
    let (a, b) = (&sc.actors[0].id, &sc.actors[1].id);
    let mut v = vec![
        (
            sc.trust_metric(0),
            format!("{a}'s trust that {b} is sincere (type S), runs still active"),
        ),
        (
            sc.trust_metric(1),
            format!("{b}'s trust that {a} is sincere (type S), runs still active"),
        ),
        (
            "tension".to_string(),
            "shared tension in [0, 1], runs still active".to_string(),
        ),
        (
            sc.stock.monthly_metric.clone(),
            format!(
                "{} ({}): the stock of the actors that hold one, runs still active",
                sc.stock.label, sc.stock.unit
            ),
        ),
    ];
    for s in Status::ALL {
        v.push((
            format!("status:{}", s.name()),
            format!(
                "share of all runs whose process is in status '{}' that month",
                s.name()
            ),
        ));
    }
    v
}
