//! The real record's statistics (`detente record`): a table naming the events each counts,
//! or CSV (`metric,value,what,events,fitted`).

use super::{csv_bytes, num};
use crate::record::Record;

pub fn csv(r: &Record) -> Vec<u8> {
    csv_bytes(
        &["metric", "value", "what", "events", "fitted"],
        r.statistics.iter().map(|s| {
            vec![
                s.metric.clone(),
                num(s.value),
                s.what.clone(),
                s.events.join("; "),
                s.fitted.to_string(),
            ]
        }),
    )
}

/// The table; `source` names the events file.
pub fn table(r: &Record, source: &str) -> String {
    let mut out = format!("the record from {} to {} ({source}):\n", r.start, r.end);
    for s in &r.statistics {
        let held = if s.fitted {
            ""
        } else {
            " (held out of calibrations)"
        };
        out += &format!("\n{} = {}{held}\n  {}\n", s.metric, num(s.value), s.what);
        for e in &s.events {
            out += &format!("  - {e}\n");
        }
    }
    out
}
