//! Grim trigger: cooperate like tit-for-tat until the first perceived hostility, then
//! maximum pressure for ever (Friedman 1971; Axelrod 1984).

use rand_chacha::ChaCha8Rng;

use super::{Intent, KindDoc, View, tit_for_tat};

pub const DOC: KindDoc = KindDoc {
    kind: "grim_trigger",
    doc: "Cooperates until the first perceived hostile act or renege, then revokes its steps and retaliates for ever.",
    source: "Friedman 1971; Axelrod 1984",
    example: "",
};

#[derive(Debug, Clone, Default)]
pub struct GrimTrigger {
    opened: bool,
    triggered: bool,
}

impl super::Kind for GrimTrigger {
    type Config = ();
    const DOC: KindDoc = DOC;

    fn parse(a: &super::Args) -> Result<(), String> {
        a.params::<super::NoParams>().map(|_| ())
    }

    fn new(_: &()) -> Self {
        GrimTrigger::default()
    }

    fn decide(&mut self, v: &View, _rng: &mut ChaCha8Rng, out: &mut Vec<Intent>) {
        if v.side.seen.hostile || v.side.seen.reneged {
            self.triggered = true;
        }
        if self.triggered {
            if v.side.seen.hostile || v.side.seen.reneged {
                v.retaliate(out);
            }
            v.revoke_latest(|_| true, out);
            return;
        }
        tit_for_tat::cooperate(&mut self.opened, v, out);
    }
}
