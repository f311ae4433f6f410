//! Sweep outputs: `sweep.csv` (a row per point and arm: the varied settings and the key metrics
//! with intervals, and paired differences from the baseline), `flip.csv` (the verdict at each
//! point) and `sensitivity.csv` (settings ranked by their first-order Sobol index).

use super::summary::stat;
use super::{csv_bytes, num};
use crate::batch::Aggregate;
use crate::batch::aggregate::{is_share, run_metric_names};
use crate::model::Scenario;
use crate::sweep::Verdict;
use crate::sweep::given::Given;

/// The header of `sweep.csv`.
pub fn header(keys: &[String], metric_names: &[String]) -> Vec<String> {
    let mut h = vec!["point".to_string()];
    h.extend(keys.iter().cloned());
    h.push("arm".into());
    h.push("runs".into());
    for prefix in ["", "diff:"] {
        for m in metric_names {
            h.push(format!("{prefix}{m}"));
            h.push(format!("{prefix}{m}_low"));
            h.push(format!("{prefix}{m}_high"));
        }
    }
    h
}

/// The names of the chosen run metrics (indices into `RUN_METRICS`).
pub fn metric_names(sc: &Scenario, metrics: &[usize]) -> Vec<String> {
    let all = run_metric_names(sc);
    metrics.iter().map(|&k| all[k].clone()).collect()
}

/// The rows of one point, as CSV text without a header. The baseline's difference columns are
/// empty.
pub fn point_rows(
    point: usize,
    values: &[f64],
    sc: &Scenario,
    agg: &Aggregate,
    metrics: &[usize],
) -> Vec<u8> {
    let base = sc.experiment.baseline;
    let rows = sc.experiment.arms.iter().enumerate().map(|(a, arm)| {
        let mut r = vec![point.to_string()];
        r.extend(values.iter().map(|&v| num(v)));
        r.push(arm.id.clone());
        r.push(agg.runs.to_string());
        for &k in metrics {
            let (m, l, h) = stat(agg.summary_at(a, 0, k), is_share(k));
            r.extend([num(m), num(l), num(h)]);
        }
        for &k in metrics {
            if a == base {
                r.extend([String::new(), String::new(), String::new()]);
            } else {
                let (m, l, h) = stat(agg.diff_at(a, k), false);
                r.extend([num(m), num(l), num(h)]);
            }
        }
        r
    });
    csv_bytes(&[], rows)
}

/// One point's result for the chosen arm and metric, read back from `sweep.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct PointResult {
    pub point: usize,
    pub values: Vec<f64>,
    pub diff: f64,
    pub low: f64,
    pub high: f64,
}

/// Read the chosen arm's paired difference on `metric` at every point from `sweep.csv` text.
pub fn read_points(
    sweep_csv: &str,
    keys: usize,
    arm: &str,
    metric: &str,
) -> Result<Vec<PointResult>, String> {
    let mut rd = csv::ReaderBuilder::new().from_reader(sweep_csv.as_bytes());
    let head = rd.headers().map_err(|e| e.to_string())?.clone();
    let col = |name: &str| {
        head.iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("sweep.csv has no column '{name}'"))
    };
    let (c_arm, c_d, c_l, c_h) = (
        col("arm")?,
        col(&format!("diff:{metric}"))?,
        col(&format!("diff:{metric}_low"))?,
        col(&format!("diff:{metric}_high"))?,
    );
    let f = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
    let mut out = Vec::new();
    for rec in rd.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        if rec.get(c_arm) != Some(arm) {
            continue;
        }
        out.push(PointResult {
            point: rec.get(0).and_then(|s| s.parse().ok()).unwrap_or(0),
            values: (1..=keys).map(|j| f(rec.get(j).unwrap_or(""))).collect(),
            diff: f(rec.get(c_d).unwrap_or("")),
            low: f(rec.get(c_l).unwrap_or("")),
            high: f(rec.get(c_h).unwrap_or("")),
        });
    }
    Ok(out)
}

/// `flip.csv`: per point, the settings, the paired difference with its interval and the verdict.
pub fn flip_csv(keys: &[String], points: &[PointResult], lower_is_better: bool) -> Vec<u8> {
    let mut h: Vec<&str> = vec!["point"];
    h.extend(keys.iter().map(String::as_str));
    h.extend(["diff", "diff_low", "diff_high", "verdict"]);
    csv_bytes(
        &h,
        points.iter().map(|p| {
            let mut r = vec![p.point.to_string()];
            r.extend(p.values.iter().map(|&v| num(v)));
            r.extend([
                num(p.diff),
                num(p.low),
                num(p.high),
                Verdict::of(p.low, p.high, lower_is_better)
                    .name()
                    .to_string(),
            ]);
            r
        }),
    )
}

/// `sensitivity.csv`: settings ranked by their first-order Sobol index of the paired
/// difference, estimated from the points (`sweep::given`).
pub fn sensitivity_csv(keys: &[String], s: Option<&[Option<Given>]>) -> Vec<u8> {
    let header = [
        "rank",
        "parameter",
        "first_order",
        "first_order_low",
        "first_order_high",
        "correlation",
        "classes",
    ];
    let Some(s) = s else {
        return csv_bytes(&header, std::iter::empty());
    };
    csv_bytes(
        &header,
        ranked(s).into_iter().enumerate().map(|(i, j)| {
            let v = |f: fn(&Given) -> f64| s[j].as_ref().map_or(String::new(), |g| num(f(g)));
            vec![
                (i + 1).to_string(),
                keys[j].clone(),
                v(|g| g.first),
                v(|g| g.ci.0),
                v(|g| g.ci.1),
                v(|g| g.correlation),
                s[j].map_or(String::new(), |g| g.classes.to_string()),
            ]
        }),
    )
}

/// Setting indices by decreasing first-order index (settings that did not vary last, in
/// order).
pub fn ranked(s: &[Option<Given>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..s.len()).collect();
    order.sort_by(|&a, &b| {
        let v = |j: usize| s[j].map_or(f64::NEG_INFINITY, |g| g.first);
        v(b).total_cmp(&v(a)).then(a.cmp(&b))
    });
    order
}
