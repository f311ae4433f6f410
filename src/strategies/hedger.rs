//! The hedger, a sincere (type S) counterpart: tit-for-tat-like, it trades reversible steps,
//! meets offers when its trust clears the gate, makes irreversible steps only under the gate,
//! and reverses its steps after `patience` months unreciprocated (Kydd 2005; the DPRK's
//! conduct of 1994-2002 and 2018 in data/dprk_events.csv; docs/model.md 8).

use rand_chacha::ChaCha8Rng;

use super::{Intent, KindDoc, View};
use crate::model::Move;

pub const DOC: KindDoc = KindDoc {
    kind: "hedger",
    doc: "Sincere counterpart: meets offers it trusts, trades reversible steps, retaliates, and reverses its steps after `patience` months unreciprocated.",
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
            // Accept a package only when trust clears the gate for the package's whole stake
            // (it must trust that relief will follow disarmament).
            if willing_all
                && v.side.trust
                    >= crate::model::gate::threshold(v.set_stake(offer.demand), v.params())
            {
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
        // Trade steps of matching value for what the other gave (the gate keeps the
        // irreversible ones for when trust allows).
        v.reciprocate(|_, m| willing(m), out);
    }
    if v.side.unreciprocated >= v.actor().patience {
        v.revoke_latest(|_| true, out);
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
