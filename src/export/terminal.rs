//! The compact table printed after a run: outcomes with intervals, final trust both ways, and
//! the paired difference from the baseline.

use std::fmt::Write;

use crate::batch::Aggregate;
use crate::batch::aggregate::run_metric_names;
use crate::export::summary::{self, Row};
use crate::model::Scenario;

fn pct(r: &Row) -> String {
    format!(
        "{:5.1}% [{:4.1}, {:4.1}]",
        100.0 * r.mean,
        100.0 * r.low,
        100.0 * r.high
    )
}

fn signed_pct(r: &Row) -> String {
    format!(
        "{:+5.1} pts [{:+5.1}, {:+5.1}]",
        100.0 * r.mean,
        100.0 * r.low,
        100.0 * r.high
    )
}

/// Arm `i`'s name, in its chart colour when `colour` is set (ANSI 24-bit), padded to `w`.
fn arm_name(name: &str, i: usize, w: usize, colour: bool) -> String {
    if colour {
        let c = super::palette::colour(i);
        format!("\x1b[1;38;2;{};{};{}m{name:w$}\x1b[0m", c.0, c.1, c.2)
    } else {
        format!("{name:w$}")
    }
}

/// The table; `colour` adds ANSI colours (the CLI sets it only on a terminal without NO_COLOR).
pub fn table(sc: &Scenario, agg: &Aggregate, seed: u64, colour: bool) -> String {
    let t = Table::new(sc, agg, colour);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}: {} runs x {} arms x {} months, seed {}; baseline {}",
        sc.name,
        agg.runs,
        sc.experiment.arms.len(),
        sc.horizon,
        seed,
        sc.experiment.arms[sc.experiment.baseline].id
    );
    let _ = writeln!(s);
    s.push_str(&t.outcomes());
    s.push_str(&t.differences());
    s.push_str(&t.type_pairs());
    s.push_str(&t.answer());
    s
}

/// What every part of the table needs: the scenario, its summary rows, and the layout.
struct Table<'a> {
    sc: &'a Scenario,
    rows: Vec<Row>,
    names: Vec<String>,
    /// The width of the arm column.
    arm_w: usize,
    colour: bool,
}

impl<'a> Table<'a> {
    /// The summary rows of a batch, and the width of the arm column.
    fn new(sc: &'a Scenario, agg: &Aggregate, colour: bool) -> Self {
        let arm_w = sc
            .experiment
            .arms
            .iter()
            .map(|a| a.id.len())
            .max()
            .unwrap_or(3)
            .max(3);
        Table {
            sc,
            rows: summary::rows(sc, agg),
            names: run_metric_names(sc),
            arm_w,
            colour,
        }
    }

    /// The summary row of an arm and metric, if there is one.
    fn find(&self, arm: &str, metric: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.arm == arm && r.metric == metric)
    }

    /// Arm `i`'s name as the first column of a row.
    fn arm(&self, i: usize) -> String {
        arm_name(&self.sc.experiment.arms[i].id, i, self.arm_w, self.colour)
    }

    /// The first part: outcomes with intervals and final trust both ways, a row per arm.
    fn outcomes(&self) -> String {
        let (sc, arm_w) = (self.sc, self.arm_w);
        let mut s = String::new();
        let outcomes = ["agreement", "interim_freeze", "breakdown", "war"];
        let _ = write!(s, "{:arm_w$}", "arm");
        for o in outcomes {
            let _ = write!(s, "  {:>22}", o);
        }
        let (t0, t1) = (&self.names[5], &self.names[6]);
        let _ = writeln!(
            s,
            "  {:>22}  {:>22}",
            t0.trim_start_matches("final_"),
            t1.trim_start_matches("final_")
        );
        for (i, arm) in sc.experiment.arms.iter().enumerate() {
            let _ = write!(s, "{}", self.arm(i));
            for o in outcomes {
                let cell = self
                    .find(&arm.id, &format!("outcome:{o}"))
                    .map(pct)
                    .unwrap_or_default();
                let _ = write!(s, "  {cell:>22}");
            }
            for t in [t0, t1] {
                let cell = self
                    .find(&arm.id, t)
                    .map(|r| format!("{:.3} [{:.3}, {:.3}]", r.mean, r.low, r.high))
                    .unwrap_or_default();
                let _ = write!(s, "  {cell:>22}");
            }
            let _ = writeln!(s);
        }
        s
    }

    /// The paired differences from the baseline, a row per other arm.
    fn differences(&self) -> String {
        let (sc, arm_w) = (self.sc, self.arm_w);
        let t0 = &self.names[5];
        let mut s = String::new();
        let base = &sc.experiment.arms[sc.experiment.baseline].id;
        let _ = writeln!(s);
        let _ = writeln!(s, "paired difference from {base} (same runs, same shocks):");
        let _ = write!(s, "{:arm_w$}", "arm");
        for o in ["agreement", "interim_freeze", "war"] {
            let _ = write!(s, "  {:>26}", o);
        }
        let _ = writeln!(s, "  {:>26}", t0.trim_start_matches("final_"));
        for (a, arm) in sc.experiment.arms.iter().enumerate() {
            if a == sc.experiment.baseline {
                continue;
            }
            let _ = write!(s, "{}", self.arm(a));
            for o in ["agreement", "interim_freeze", "war"] {
                let cell = self
                    .find(&arm.id, &format!("diff:outcome:{o}"))
                    .map(signed_pct)
                    .unwrap_or_default();
                let _ = write!(s, "  {cell:>26}");
            }
            let cell = self
                .find(&arm.id, &format!("diff:{t0}"))
                .map(|r| format!("{:+.3} [{:+.3}, {:+.3}]", r.mean, r.low, r.high))
                .unwrap_or_default();
            let _ = writeln!(s, "  {cell:>26}");
        }
        s
    }

    /// The headline metric by hidden type pair, a row per arm; empty if the split was not kept.
    fn type_pairs(&self) -> String {
        let (sc, arm_w) = (self.sc, self.arm_w);
        let (k, metric) = match sc.experiment.headline {
            Some(h) => (h.metric, self.names[h.metric].clone()),
            None => (0, self.names[0].clone()),
        };
        let mut s = String::new();
        if !self
            .rows
            .iter()
            .any(|r| r.metric == format!("{metric}@S/S"))
        {
            return s;
        }
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{metric} by hidden types at month 0 ({} first; S sincere, G exploitative):",
            sc.actors[0].id
        );
        let _ = write!(s, "{:arm_w$}", "arm");
        for t in crate::engine::record::TYPE_PAIRS {
            let _ = write!(s, "  {t:>22}");
        }
        let _ = writeln!(s);
        for (i, arm) in sc.experiment.arms.iter().enumerate() {
            let _ = write!(s, "{}", self.arm(i));
            for t in crate::engine::record::TYPE_PAIRS {
                let cell = self
                    .find(&arm.id, &format!("{metric}@{t}"))
                    .map(|r| {
                        if crate::batch::aggregate::is_share(k) {
                            pct(r)
                        } else {
                            format!("{:.3} [{:.3}, {:.3}]", r.mean, r.low, r.high)
                        }
                    })
                    .unwrap_or_default();
                let _ = write!(s, "  {cell:>22}");
            }
            let _ = writeln!(s);
        }
        s
    }

    /// The experiment's question and its headline answer; empty without a headline.
    fn answer(&self) -> String {
        let sc = self.sc;
        let mut s = String::new();
        if let Some(answer) = crate::export::headline::Answer::of(sc, |arm, metric| {
            self.find(arm, metric).map(|r| (r.mean, r.low, r.high))
        }) {
            let _ = writeln!(s);
            if !sc.experiment.question.is_empty() {
                let _ = writeln!(s, "question: {}", sc.experiment.question);
            }
            let _ = writeln!(s, "answer:   {}", answer.sentence());
        }
        s
    }
}
