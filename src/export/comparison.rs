//! `comparison.csv`: one row per scenario of a run of several, with its question and headline
//! answer (the paired difference of the headline arm from the baseline, or a repeated game's
//! top strategy), so that scenarios can be compared in one table.

use super::library::{Entry, Figures};
use super::{csv_bytes, num};

/// The columns of `comparison.csv`.
pub const HEADER: [&str; 12] = [
    "scenario",
    "file",
    "question",
    "arm",
    "baseline",
    "metric",
    "estimate",
    "ci95_low",
    "ci95_high",
    "better",
    "runs",
    "seed",
];

/// The table: `entries` are (scenario name, its row), in the order the scenarios were given.
pub fn csv(entries: &[(&str, &Entry)]) -> Vec<u8> {
    let rows = entries.iter().map(|(name, e)| {
        let f = e.figures.as_ref();
        let text = |g: fn(&Figures) -> &str| f.map_or("", g).to_string();
        let number = |g: fn(&Figures) -> f64| f.map_or(String::new(), |f| num(g(f)));
        vec![
            name.to_string(),
            e.file.clone(),
            e.question.clone(),
            text(|f| &f.arm),
            text(|f| &f.baseline),
            text(|f| &f.metric),
            number(|f| f.estimate),
            number(|f| f.low),
            number(|f| f.high),
            text(|f| &f.better),
            e.runs.to_string(),
            e.seed.to_string(),
        ]
    });
    csv_bytes(&HEADER, rows)
}
