//! Freeze-for-freeze: only the first phase of the roadmap (a test moratorium for a
//! suspension of large exercises), the "double suspension" proposed by China and Russia in 2017.

use super::{KindDoc, incremental};

pub const DOC: KindDoc = KindDoc {
    kind: "freeze_for_freeze",
    doc: "Only the roadmap's first phase (test moratorium for exercise suspension), offered and kept like action for action.",
    source: "China-Russia joint statement, July 2017 (double suspension)",
};

/// An incremental strategy limited to the first phase.
pub fn new(c: &incremental::Config) -> incremental::Incremental {
    incremental::Incremental::new(&incremental::Config {
        max_phases: Some(1),
        ..c.clone()
    })
}
