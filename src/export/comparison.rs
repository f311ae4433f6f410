//! `comparison.csv`: one row per scenario of a run of several, with its question and headline
//! answer (the paired difference of the headline arm from the baseline, or a repeated game's
//! top strategy), so that scenarios can be compared in one table.

use super::library::Entry;
use super::num;

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
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = w.write_record(HEADER);
    for (name, e) in entries {
        let f = e.figures.as_ref();
        let text = |g: fn(&super::library::Figures) -> &str| f.map_or("", g).to_string();
        let number =
            |g: fn(&super::library::Figures) -> f64| f.map_or(String::new(), |f| num(g(f)));
        let _ = w.write_record([
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
        ]);
    }
    w.into_inner().unwrap_or_default()
}
