//! Tit-for-tat: open with a cooperative step, then do what the other did last month
//! (Axelrod 1984, The Evolution of Cooperation).

use rand_chacha::ChaCha8Rng;

use super::{Intent, KindDoc, View};

pub const DOC: KindDoc = KindDoc {
    kind: "tit_for_tat",
    doc: "Opens with its cheapest step, then answers hostility with retaliation and steps with steps of matching value.",
    source: "Axelrod 1984",
    example: "",
};

#[derive(Debug, Clone, Default)]
pub struct TitForTat {
    opened: bool,
}

/// The tit-for-tat response shared by its variants: retaliate for hostility, reciprocate
/// conciliation, and open with a step.
pub fn respond(opened: &mut bool, v: &View, out: &mut Vec<Intent>) {
    if v.side.seen.hostile || v.side.seen.reneged {
        v.retaliate(out);
        return;
    }
    cooperate(opened, v, out);
}

/// The cooperative half of tit-for-tat: open with the cheapest step, then match the other's.
pub fn cooperate(opened: &mut bool, v: &View, out: &mut Vec<Intent>) {
    if !*opened {
        if let Some(m) = v.cheapest_where(|_, _| true) {
            out.push(Intent::Make(m));
            *opened = true;
        }
        return;
    }
    if !v.side.seen.conciliatory.is_empty() {
        v.reciprocate(|_, _| true, out);
    }
}

impl super::Kind for TitForTat {
    type Config = ();
    const DOC: KindDoc = DOC;

    fn parse(a: &super::Args) -> Result<(), String> {
        a.params::<super::NoParams>().map(|_| ())
    }

    fn new(_: &()) -> Self {
        TitForTat::default()
    }

    fn decide(&mut self, v: &View, _rng: &mut ChaCha8Rng, out: &mut Vec<Intent>) {
        respond(&mut self.opened, v, out);
    }
}
