//! `runs.csv`: one row per (run, arm), streamed in run order as blocks finish. Rows are
//! formatted in parallel (chunks of runs on the worker threads) and written in order.

use std::io::Write;

use rayon::prelude::*;

use super::num_into;
use crate::batch::RunRows;
use crate::model::Scenario;

/// Runs formatted per parallel task.
const CHUNK: usize = 256;

/// The column names, with the scenario's actor ids.
pub fn header(sc: &Scenario) -> Vec<String> {
    let (a, b) = (&sc.actors[0].id, &sc.actors[1].id);
    vec![
        "arm".into(),
        "run".into(),
        "seed".into(),
        format!("type:{a}"),
        format!("type:{b}"),
        "outcome".into(),
        "end_month".into(),
        format!("final_trust:{a}:{b}"),
        format!("final_trust:{b}:{a}"),
        "final_tension".into(),
        format!("first_irreversible:{a}"),
        format!("first_irreversible:{b}"),
        "months:verified_freeze".into(),
        "agreements".into(),
        "agreement_months".into(),
        sc.stock.final_metric.clone(),
        "war_risk".into(),
        format!("hostile_acts:{a}"),
        format!("hostile_acts:{b}"),
        "incidents".into(),
        "track_months".into(),
        format!("final_type:{a}"),
        format!("final_type:{b}"),
        "verified_agreement".into(),
        "months:verified_agreement".into(),
        format!("conceded_unreciprocated:{a}"),
        format!("conceded_unreciprocated:{b}"),
        format!("relief_pocketed:{a}"),
        format!("relief_pocketed:{b}"),
        format!("{}_growth_in_talks", sc.stock.monthly_metric),
        format!("final_belief:{a}:{b}"),
        format!("final_belief:{b}:{a}"),
        format!("payoff:{a}"),
        format!("payoff:{b}"),
        "outcome_without_politics".into(),
        format!("{}:in_process", sc.tally.name),
        format!("{}:out_of_process", sc.tally.name),
        "months:in_process".into(),
        "change_to_collapse".into(),
    ]
    .into_iter()
    .chain(sc.uncertainty.iter().flat_map(|u| {
        std::iter::once("draw".to_string())
            .chain(u.values.iter().map(|v| format!("param:{}", v.key)))
    }))
    .collect()
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

/// The header line.
pub fn header_bytes(sc: &Scenario) -> Vec<u8> {
    let mut w = writer();
    let _ = w.write_record(header(sc));
    w.into_inner().unwrap_or_default()
}

/// The rows of some runs, in order.
pub fn rows_bytes(sc: &Scenario, rows: &[RunRows]) -> Vec<u8> {
    // Each arm's id as a CSV field (quoted if it must be); every other field is a number or a
    // fixed word that never needs quoting. Written straight into the buffer: no string per
    // field (formatting runs.csv was a tenth of a one-thread run's instructions).
    let arms: Vec<Vec<u8>> = sc
        .experiment
        .arms
        .iter()
        .map(|arm| {
            let mut w = writer();
            let _ = w.write_record([arm.id.as_str()]);
            let mut field = w.into_inner().unwrap_or_default();
            field.pop();
            field
        })
        .collect();
    let ty = |s: bool| if s { "S" } else { "G" };
    let mut out = Vec::with_capacity(rows.len() * sc.experiment.arms.len() * 128);
    for r in rows {
        for (a, rec) in r.records.iter().enumerate() {
            out.extend_from_slice(&arms[a]);
            let _ = write!(
                out,
                ",{},{},{},{},{},{},",
                r.run,
                r.seed,
                ty(rec.sincere[0]),
                ty(rec.sincere[1]),
                rec.outcome.name(),
                rec.end_month
            );
            num_into(&mut out, rec.final_trust[0]);
            out.push(b',');
            num_into(&mut out, rec.final_trust[1]);
            out.push(b',');
            num_into(&mut out, rec.final_tension);
            for x in rec.first_irreversible {
                out.push(b',');
                if let Some(v) = x {
                    let _ = write!(out, "{v}");
                }
            }
            let _ = write!(
                out,
                ",{},{},{},",
                rec.verified_freeze_months, rec.agreements, rec.agreement_months
            );
            num_into(&mut out, rec.final_stock);
            out.push(b',');
            num_into(&mut out, rec.war_risk);
            let _ = write!(
                out,
                ",{},{},{},{},{},{},{},{},",
                rec.hostile_acts[0],
                rec.hostile_acts[1],
                rec.incidents,
                rec.track_months,
                ty(rec.final_sincere[0]),
                ty(rec.final_sincere[1]),
                u8::from(rec.verified),
                rec.verified_agreement_months
            );
            for x in rec
                .conceded_unreciprocated
                .iter()
                .chain(&rec.relief_pocketed)
            {
                num_into(&mut out, *x);
                out.push(b',');
            }
            num_into(&mut out, rec.stock_growth_in_talks);
            for x in rec.final_belief.iter().chain(&rec.payoff) {
                out.push(b',');
                num_into(&mut out, *x);
            }
            out.push(b',');
            if let Some(w) = rec.without_politics {
                out.extend_from_slice(w.name().as_bytes());
            }
            let _ = write!(
                out,
                ",{},{},{},",
                rec.tally[1], rec.tally[0], rec.process_months[1]
            );
            let (sum, n) = rec.change_to_collapse;
            if n > 0 {
                num_into(&mut out, f64::from(sum) / f64::from(n));
            }
            if !r.params.is_empty() {
                let _ = write!(out, ",{}", r.run / sc.experiment.runs_per_draw());
            }
            for x in &r.params {
                out.push(b',');
                num_into(&mut out, *x);
            }
            out.push(b'\n');
        }
    }
    out
}

/// The rows of some runs, formatted in parallel chunks on the current rayon pool, in order.
pub fn rows_bytes_parallel(sc: &Scenario, rows: &[RunRows]) -> Vec<u8> {
    let parts: Vec<Vec<u8>> = rows.par_chunks(CHUNK).map(|c| rows_bytes(sc, c)).collect();
    parts.concat()
}

/// Streams rows into a writer.
pub struct RunsWriter<W: Write> {
    inner: W,
}

impl<W: Write> RunsWriter<W> {
    pub fn new(sc: &Scenario, mut inner: W) -> std::io::Result<Self> {
        inner.write_all(&header_bytes(sc))?;
        Ok(Self { inner })
    }

    /// Append the rows of a block (formatted on the current rayon pool).
    pub fn write(&mut self, sc: &Scenario, rows: &[RunRows]) -> std::io::Result<()> {
        self.inner.write_all(&rows_bytes_parallel(sc, rows))
    }

    pub fn finish(mut self) -> std::io::Result<W> {
        self.inner.flush()?;
        Ok(self.inner)
    }
}
