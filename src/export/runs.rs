//! `runs.csv`: one row per (run, arm), streamed in run order as blocks finish.

use std::io::Write;

use super::num;
use crate::batch::RunRows;
use crate::model::Scenario;

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
    ]
}

/// Streams rows into a writer.
pub struct RunsWriter<W: Write> {
    w: csv::Writer<W>,
}

impl<W: Write> RunsWriter<W> {
    pub fn new(sc: &Scenario, inner: W) -> csv::Result<Self> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(inner);
        w.write_record(header(sc))?;
        Ok(Self { w })
    }

    pub fn write(&mut self, sc: &Scenario, rows: &[RunRows]) -> csv::Result<()> {
        let ty = |s: bool| if s { "S" } else { "G" };
        let opt = |x: Option<u32>| x.map_or(String::new(), |v| v.to_string());
        for r in rows {
            for (a, rec) in r.records.iter().enumerate() {
                self.w.write_record([
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
                ])?;
            }
        }
        Ok(())
    }

    pub fn finish(self) -> std::io::Result<W> {
        self.w.into_inner().map_err(|e| e.into_error())
    }
}
