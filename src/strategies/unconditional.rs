//! Unconditional engagement: one step a month, cheapest first, never retaliating
//! (the "always cooperate" benchmark of Axelrod 1984).

use rand_chacha::ChaCha8Rng;

use super::{Intent, KindDoc, View};

pub const DOC: KindDoc = KindDoc {
    kind: "unconditional",
    doc: "Unconditional engagement: makes its cheapest available step every month and never retaliates.",
    source: "Axelrod 1984 (always cooperate)",
    example: "",
};

#[derive(Debug, Clone, Default)]
pub struct Unconditional;

impl super::Kind for Unconditional {
    type Config = ();
    const DOC: KindDoc = DOC;

    fn parse(a: &super::Args) -> Result<(), String> {
        a.params::<super::NoParams>().map(|_| ())
    }

    fn new(_: &()) -> Self {
        Unconditional
    }

    fn decide(&mut self, v: &View, _rng: &mut ChaCha8Rng, out: &mut Vec<Intent>) {
        if let Some(m) = v.cheapest_where(|_, _| true) {
            out.push(Intent::Make(m));
        }
    }
}
