//! Outputs of a repeated-game batch: `summary.csv` (payoff and cooperation per side and arm),
//! `runs.csv` (one row per match), `ranking.csv` (strategies ranked by mean payoff over all
//! opponents, as in Axelrod's tournaments) and the terminal table.

use std::fmt::Write;

use super::{csv_bytes, num, summary};
use crate::batch::game::{GameAggregate, MatchRows};
use crate::batch::stats::{Moments, Z95};
use crate::scenario::game::GameScenario;

/// Metric names in aggregate order, with the sides' names.
pub fn metric_names(sc: &GameScenario) -> Vec<String> {
    let [a, b] = &sc.actors;
    vec![
        format!("payoff:{a}"),
        format!("payoff:{b}"),
        format!("coop:{a}"),
        format!("coop:{b}"),
        "turns".to_string(),
    ]
}

/// `summary.csv`, with the negotiation's first six columns: `arm,metric,n,mean,ci95_low,ci95_high`.
pub fn summary_csv(sc: &GameScenario, agg: &GameAggregate) -> Vec<u8> {
    let names = metric_names(sc);
    let mut rows = Vec::new();
    for (a, arm) in sc.arms.iter().enumerate() {
        for (k, name) in names.iter().enumerate() {
            let m = agg.at(a, k);
            let (l, u) = m.ci95();
            rows.push(vec![
                arm.id.clone(),
                name.clone(),
                m.n.to_string(),
                num(m.mean()),
                num(l),
                num(u),
            ]);
        }
    }
    csv_bytes(&summary::HEADER[..6], rows)
}

/// The header of a game's `runs.csv`.
pub fn runs_header(sc: &GameScenario) -> Vec<String> {
    let mut h = vec!["arm".to_string(), "run".to_string(), "seed".to_string()];
    h.extend(metric_names(sc));
    h
}

/// The header line of `runs.csv`.
pub fn runs_header_bytes(sc: &GameScenario) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = w.write_record(runs_header(sc));
    w.into_inner().unwrap_or_default()
}

/// `runs.csv` rows of some runs.
pub fn runs_rows(sc: &GameScenario, rows: &[MatchRows]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .has_headers(false)
        .from_writer(Vec::new());
    for r in rows {
        for (a, m) in r.records.iter().enumerate() {
            let _ = w.write_record([
                sc.arms[a].id.clone(),
                r.run.to_string(),
                r.seed.to_string(),
                num(m.payoff[0]),
                num(m.payoff[1]),
                num(m.coop[0]),
                num(m.coop[1]),
                m.turns.to_string(),
            ]);
        }
    }
    w.into_inner().unwrap_or_default()
}

/// One line of the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Rank {
    pub strategy: String,
    /// Mean over opponents of the mean payoff per turn against each.
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    pub opponents: usize,
}

/// Strategies ranked by mean payoff over every opponent they met (self included, once), with a
/// normal interval from the arms' standard errors.
pub fn ranking(sc: &GameScenario, agg: &GameAggregate) -> Vec<Rank> {
    // Per strategy: (mean payoff per turn, squared standard error) against each opponent.
    let mut per: Vec<Vec<(f64, f64)>> = vec![Vec::new(); sc.players.len()];
    for (a, arm) in sc.arms.iter().enumerate() {
        let (m0, m1) = (agg.at(a, 0), agg.at(a, 1));
        let [i, j] = arm.players;
        if i == j {
            // Self-play: both sides are the strategy; one opponent.
            per[i].push(((m0.mean() + m1.mean()) / 2.0, (se2(m0) + se2(m1)) / 4.0));
        } else {
            per[i].push((m0.mean(), se2(m0)));
            per[j].push((m1.mean(), se2(m1)));
        }
    }
    let mut out: Vec<Rank> = per
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(p, l)| {
            let n = l.len() as f64;
            let mean = l.iter().map(|x| x.0).sum::<f64>() / n;
            let half = Z95 * l.iter().map(|x| x.1).sum::<f64>().sqrt() / n;
            Rank {
                strategy: sc.players[p].0.clone(),
                mean,
                low: mean - half,
                high: mean + half,
                opponents: l.len(),
            }
        })
        .collect();
    out.sort_by(|a, b| b.mean.total_cmp(&a.mean).then(a.strategy.cmp(&b.strategy)));
    out
}

fn se2(m: &Moments) -> f64 {
    if m.n < 2 {
        0.0
    } else {
        m.sd().powi(2) / m.n as f64
    }
}

/// `ranking.csv`.
pub fn ranking_csv(sc: &GameScenario, agg: &GameAggregate) -> Vec<u8> {
    csv_bytes(
        &[
            "rank",
            "strategy",
            "mean_payoff",
            "ci95_low",
            "ci95_high",
            "opponents",
        ],
        ranking(sc, agg).into_iter().enumerate().map(|(i, r)| {
            vec![
                (i + 1).to_string(),
                r.strategy,
                num(r.mean),
                num(r.low),
                num(r.high),
                r.opponents.to_string(),
            ]
        }),
    )
}

/// The terminal table: the ranking.
pub fn table(sc: &GameScenario, agg: &GameAggregate, seed: u64) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}: {} repetitions x {} matches, seed {}",
        sc.name,
        agg.runs,
        sc.arms.len(),
        seed
    );
    let _ = writeln!(s);
    let w = sc
        .players
        .iter()
        .map(|p| p.0.len())
        .max()
        .unwrap_or(8)
        .max(8);
    let _ = writeln!(s, "rank  {:w$}  mean payoff per turn [95% CI]", "strategy");
    for (i, r) in ranking(sc, agg).iter().enumerate() {
        let _ = writeln!(
            s,
            "{:4}  {:w$}  {:.4} [{:.4}, {:.4}]",
            i + 1,
            r.strategy,
            r.mean,
            r.low,
            r.high
        );
    }
    s
}
