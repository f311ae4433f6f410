//! Contrite tit-for-tat: tit-for-tat that accepts punishment for its own side's unprovoked
//! hostile act instead of retaliating, so that one error does not echo (Wu and Axelrod 1995,
//! J. Conflict Resolution 39).

use rand_chacha::ChaCha8Rng;

use super::{Intent, KindDoc, View, tit_for_tat};

pub const DOC: KindDoc = KindDoc {
    kind: "contrite_tit_for_tat",
    doc: "Tit-for-tat that does not retaliate when the other is punishing its own side's recent unprovoked act, and makes amends.",
    source: "Wu and Axelrod 1995",
    example: "",
};

/// Months after an own unprovoked act during which the other's response is accepted.
const CONTRITION_WINDOW: u32 = 2;

#[derive(Debug, Clone, Default)]
pub struct ContriteTitForTat {
    opened: bool,
}

impl super::Kind for ContriteTitForTat {
    type Config = ();
    const DOC: KindDoc = DOC;

    fn parse(a: &super::Args) -> Result<(), String> {
        a.params::<super::NoParams>().map(|_| ())
    }

    fn new(_: &()) -> Self {
        ContriteTitForTat::default()
    }

    fn decide(&mut self, v: &View, _rng: &mut ChaCha8Rng, out: &mut Vec<Intent>) {
        let contrite = v
            .side
            .last_shock
            .is_some_and(|t| v.month.saturating_sub(t) <= CONTRITION_WINDOW);
        if (v.side.seen.hostile || v.side.seen.reneged) && contrite {
            // Accept the punishment and make amends with a step.
            if let Some(m) = v.cheapest_where(|_, _| true) {
                out.push(Intent::Make(m));
            }
            return;
        }
        tit_for_tat::respond(&mut self.opened, v, out);
    }
}
