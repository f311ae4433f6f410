//! Output formats, one module each, returning bytes or strings so that each is snapshot-testable.

pub mod game;
pub mod headline;
pub mod library;
pub mod manifest;
pub mod narrative;
pub mod partial;
pub mod runs;
pub mod summary;
pub mod sweep;
pub mod terminal;
pub mod trajectories;

/// A number as written in the CSV files: six decimals, empty for a missing value.
pub fn num(x: f64) -> String {
    if x.is_finite() {
        let s = format!("{x:.6}");
        // Avoid "-0.000000".
        if s.trim_start_matches('-')
            .chars()
            .all(|c| c == '0' || c == '.')
        {
            "0.000000".to_string()
        } else {
            s
        }
    } else {
        String::new()
    }
}

/// A CSV writer into memory (no header line when `header` is empty); errors cannot happen when
/// writing to a `Vec`.
pub(crate) fn csv_bytes(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    if !header.is_empty() {
        let _ = w.write_record(header);
    }
    for r in rows {
        let _ = w.write_record(&r);
    }
    w.into_inner().unwrap_or_default()
}
