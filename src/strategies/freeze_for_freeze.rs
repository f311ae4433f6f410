//! Freeze-for-freeze: only the first phase of the roadmap (a test moratorium for a
//! suspension of large exercises), the "double suspension" proposed by China and Russia in 2017.

use super::{Intent, KindDoc, View, incremental};

pub const DOC: KindDoc = KindDoc {
    kind: "freeze_for_freeze",
    doc: "Only the roadmap's first phase (test moratorium for exercise suspension), offered and kept like action for action.",
    source: "China-Russia joint statement, July 2017 (double suspension)",
    example: "roadmap = \"action_for_action\"",
};

/// An incremental strategy limited to the first phase.
#[derive(Debug, Clone)]
pub struct FreezeForFreeze(incremental::Incremental);

/// The same keys as [`incremental`]; the configuration says how many phases to play.
#[derive(Debug, Clone, PartialEq)]
pub struct Config(pub incremental::Config);

impl super::Kind for FreezeForFreeze {
    type Config = Config;
    const DOC: KindDoc = DOC;

    fn parse(a: &super::Args) -> Result<Config, String> {
        <incremental::Incremental as super::Kind>::parse(a).map(|c| {
            Config(incremental::Config {
                max_phases: Some(1),
                ..c
            })
        })
    }

    fn new(c: &Config) -> Self {
        FreezeForFreeze(super::Kind::new(&c.0))
    }

    fn decide(&mut self, v: &View, rng: &mut rand_chacha::ChaCha8Rng, out: &mut Vec<Intent>) {
        super::Kind::decide(&mut self.0, v, rng, out)
    }
}
