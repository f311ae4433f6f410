//! `runs.csv`: one row per (run, arm), streamed in run order as blocks finish. Rows are
//! formatted in parallel (chunks of runs on the worker threads) and written in order.

use std::io::Write;

use rayon::prelude::*;

use super::num;
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
        "freeze_months".into(),
        "agreements".into(),
        "agreement_months".into(),
        "warheads".into(),
        "war_risk".into(),
        format!("hostile_acts:{a}"),
        format!("hostile_acts:{b}"),
        "incidents".into(),
        "track_months".into(),
    ]
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
    let ty = |s: bool| if s { "S" } else { "G" };
    let opt = |x: Option<u32>| x.map_or(String::new(), |v| v.to_string());
    let mut w = writer();
    for r in rows {
        for (a, rec) in r.records.iter().enumerate() {
            // Writing into memory cannot fail.
            let _ = w.write_record([
                sc.experiment.arms[a].id.as_str(),
                &r.run.to_string(),
                &r.seed.to_string(),
                ty(rec.sincere[0]),
                ty(rec.sincere[1]),
                rec.outcome.name(),
                &rec.end_month.to_string(),
                &num(rec.final_trust[0]),
                &num(rec.final_trust[1]),
                &num(rec.final_tension),
                &opt(rec.first_irreversible[0]),
                &opt(rec.first_irreversible[1]),
                &rec.freeze_months.to_string(),
                &rec.agreements.to_string(),
                &rec.agreement_months.to_string(),
                &num(rec.warheads),
                &num(rec.war_risk),
                &rec.hostile_acts[0].to_string(),
                &rec.hostile_acts[1].to_string(),
                &rec.incidents.to_string(),
                &rec.track_months.to_string(),
            ]);
        }
    }
    w.into_inner().unwrap_or_default()
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
