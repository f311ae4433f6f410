//! Charts and the self-contained HTML report, built from a results folder's CSV files (so that
//! `detente report DIR` can rebuild them without rerunning). Pure: text in, SVG and HTML out.

pub mod charts;
pub mod comparison;
pub mod flip;
pub mod html;
pub mod posterior;
pub mod sensitivity;

use std::collections::BTreeMap;

/// One row of trajectories.csv.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub month: f64,
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
    /// The lowest quantile written (p10 by default).
    pub p10: f64,
    /// The median (or the mean when p50 is not written).
    pub p50: f64,
    /// The highest quantile written (p90 by default).
    pub p90: f64,
}

/// One row of summary.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct Stat {
    pub n: u64,
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
    /// The 5% and 95% quantiles over runs (NaN where not written, as in results of older
    /// versions).
    pub p05: f64,
    pub p95: f64,
}

/// The parsed results of a negotiation batch.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// Arms in file order.
    pub arms: Vec<String>,
    /// (arm, metric) -> points by month.
    pub series: BTreeMap<(String, String), Vec<Point>>,
    /// (arm, metric) -> summary.
    pub summary: BTreeMap<(String, String), Stat>,
    /// Metric names of trajectories.csv, in file order.
    pub metrics: Vec<String>,
    /// The quantile columns used for the band (lowest, highest) and the line (`p50`, else the
    /// mean), e.g. ("p10", "p90", "p50").
    pub band: (String, String, String),
}

/// A numeric cell: a finite number, or blank for "no value" (NaN, drawn as a gap). Text, `NaN`
/// or an infinity is refused with the file, line and column.
fn cell(rec: &csv::StringRecord, i: usize, file: &str) -> Result<f64, String> {
    let s = rec.get(i).unwrap_or("").trim();
    if s.is_empty() {
        return Ok(f64::NAN);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!(
            "{file}:{}:{}: '{s}' is not a number (a results file holds finite numbers or blanks)",
            rec.position().map_or(0, |p| p.line()),
            i + 1
        )),
    }
}

/// Parse trajectories.csv and summary.csv.
pub fn parse(trajectories: &str, summary: &str) -> Result<Results, String> {
    let mut r = Results::default();
    let mut rdr = csv::Reader::from_reader(trajectories.as_bytes());
    let head = rdr
        .headers()
        .map_err(|e| format!("trajectories.csv: {e}"))?
        .clone();
    let fixed = crate::export::trajectories::HEADER.len();
    let quantiles: Vec<usize> = (fixed..head.len())
        .filter(|&i| head[i].starts_with('p'))
        .collect();
    if head.len() < fixed || quantiles.is_empty() {
        return Err(format!(
            "trajectories.csv: expected the columns {} and at least one quantile column",
            crate::export::trajectories::HEADER.join(",")
        ));
    }
    let (qlo, qhi) = (quantiles[0], quantiles[quantiles.len() - 1]);
    let qmid = (fixed..head.len()).find(|&i| &head[i] == "p50");
    r.band = (
        head[qlo].to_string(),
        head[qhi].to_string(),
        qmid.map_or("mean".to_string(), |i| head[i].to_string()),
    );
    for rec in rdr.records() {
        let rec = rec.map_err(|e| format!("trajectories.csv: {e}"))?;
        if rec.len() != head.len() {
            return Err(format!("trajectories.csv: expected {} columns", head.len()));
        }
        let (arm, metric) = (rec[0].to_string(), rec[2].to_string());
        if !r.arms.contains(&arm) {
            r.arms.push(arm.clone());
        }
        if !r.metrics.contains(&metric) {
            r.metrics.push(metric.clone());
        }
        let t = |i: usize| cell(&rec, i, "trajectories.csv");
        let point = Point {
            month: t(1)?,
            mean: t(4)?,
            lo: t(6)?,
            hi: t(7)?,
            p10: t(qlo)?,
            p50: t(qmid.unwrap_or(4))?,
            p90: t(qhi)?,
        };
        if point.month.is_nan() {
            return Err(format!(
                "trajectories.csv:{}:2: the month is blank",
                rec.position().map_or(0, |p| p.line())
            ));
        }
        r.series.entry((arm, metric)).or_default().push(point);
    }
    let mut rdr = csv::Reader::from_reader(summary.as_bytes());
    for rec in rdr.records() {
        let rec = rec.map_err(|e| format!("summary.csv: {e}"))?;
        if rec.len() != 8 && rec.len() != 6 {
            return Err(format!(
                "summary.csv:{}: expected 8 columns (arm, metric, n, mean, ci95_low, ci95_high, p5, p95), found {}",
                rec.position().map_or(0, |p| p.line()),
                rec.len()
            ));
        }
        let spread = |i: usize| {
            if rec.len() > i {
                cell(&rec, i, "summary.csv")
            } else {
                Ok(f64::NAN)
            }
        };
        r.summary.insert(
            (rec[0].to_string(), rec[1].to_string()),
            Stat {
                n: rec[2].trim().parse().map_err(|_| {
                    format!(
                        "summary.csv:{}:3: '{}' is not a count of runs",
                        rec.position().map_or(0, |p| p.line()),
                        &rec[2]
                    )
                })?,
                mean: cell(&rec, 3, "summary.csv")?,
                lo: cell(&rec, 4, "summary.csv")?,
                hi: cell(&rec, 5, "summary.csv")?,
                p05: spread(6)?,
                p95: spread(7)?,
            },
        );
    }
    if r.arms.is_empty() {
        return Err("trajectories.csv has no rows".to_string());
    }
    Ok(r)
}
