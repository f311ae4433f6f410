//! The hedger, a counterpart that answers offers: it proposes the steps an offer demands (a
//! package as a whole), trades steps of matching value for what it received, and answers
//! provocations; whether it takes each step, and when it takes one back, is its conduct's
//! choice, which its type shapes (Kydd 2005; the DPRK's conduct of 1994-2002 and 2018 in
//! data/dprk_events.csv; docs/model.md 8).

use rand_chacha::ChaCha8Rng;

use super::{Intent, KindDoc, View};
use crate::model::Move;

pub const DOC: KindDoc = KindDoc {
    kind: "hedger",
    doc: "Counterpart: proposes what an offer demands (a package as a whole), trades steps for what it received, retaliates; its conduct decides which it takes.",
    source: "Kydd 2005; DPRK 1994-2002 and 2018 (data/dprk_events.csv)",
    example: "",
};

#[derive(Debug, Clone, Default)]
pub struct Hedger;

/// The hedging behaviour, limited to own moves satisfying `willing` (the greedy type mimics
/// only cheap ones).
pub fn hedge(v: &View, willing: impl Fn(&Move) -> bool + Copy, out: &mut Vec<Intent>) {
    if v.provoked() {
        v.retaliate(out);
    }
    let start = out.len();
    if let Some(offer) = v.their_offer {
        let demand = v.undelivered(offer.demand);
        let willing_all = demand.iter().all(|m| willing(&v.moves()[m]));
        if offer.package {
            // A package is proposed whole; its conduct accepts or refuses it as one decision.
            if willing_all {
                let ready = demand.iter().filter(|&m| v.available(m)).collect();
                v.make_all(ready, out);
            }
        } else {
            let ready = demand
                .iter()
                .filter(|&m| willing(&v.moves()[m]) && v.available_with(m, demand))
                .collect();
            v.make_all(ready, out);
        }
    }
    if out.len() == start && !v.side.seen.conciliatory.is_empty() {
        // Trade steps of matching value for what the other gave.
        v.reciprocate(|_, m| willing(m), out);
    }
}

impl super::Kind for Hedger {
    type Config = ();
    const DOC: KindDoc = DOC;

    fn parse(a: &super::Args) -> Result<(), String> {
        a.params::<super::NoParams>().map(|_| ())
    }

    fn new(_: &()) -> Self {
        Hedger
    }

    fn decide(&mut self, v: &View, _rng: &mut ChaCha8Rng, out: &mut Vec<Intent>) {
        hedge(v, |_| true, out);
    }
}
