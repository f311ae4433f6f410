//! Output formats, one module each, returning bytes or strings so that each is snapshot-testable.

pub mod calibration;
pub mod comparison;
pub mod game;
pub mod headline;
pub mod library;
pub mod manifest;
pub mod narrative;
pub mod palette;
pub mod partial;
pub mod record;
pub mod robustness;
pub mod runs;
pub mod sensitivity;
pub mod summary;
pub mod sweep;
pub mod terminal;
pub mod trajectories;

/// A number as written in the CSV files: six decimals, empty for a missing value.
pub fn num(x: f64) -> String {
    let mut out = Vec::new();
    num_into(&mut out, x);
    String::from_utf8(out).unwrap_or_default()
}

/// [`num`] appended to a buffer (the CSV writers' hot path: no string per number).
pub fn num_into(out: &mut Vec<u8>, x: f64) {
    use std::io::Write;
    if !x.is_finite() {
        return;
    }
    let start = out.len();
    let _ = write!(out, "{x:.6}");
    // Avoid "-0.000000".
    let s = &out[start..];
    let digits = s.strip_prefix(b"-").unwrap_or(s);
    if digits.iter().all(|&c| c == b'0' || c == b'.') {
        out.truncate(start);
        out.extend_from_slice(b"0.000000");
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

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_have_six_decimals_no_negative_zero_and_nothing_when_missing() {
        for (x, want) in [
            (0.0, "0.000000"),
            (-0.0, "0.000000"),
            (-1e-9, "0.000000"),
            (1e-9, "0.000000"),
            (0.5, "0.500000"),
            (-2.25, "-2.250000"),
            (123.456_789_1, "123.456789"),
            (f64::NAN, ""),
            (f64::INFINITY, ""),
        ] {
            assert_eq!(super::num(x), want, "{x}");
        }
    }
}
