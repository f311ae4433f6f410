//! Step 6 of the month: both sides choose at once, from the same state; an exploiter may
//! pocket what it was given, and trust too low to keep a standing step suspends it.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::Run;
use crate::strategies::{Intent, View};

impl Run<'_> {
    /// Step 6: both sides choose at once, from the same state.
    pub(super) fn decide(&mut self, t: u32, rng: &mut ChaCha8Rng) {
        let delivered = self.delivered_set();
        let p = &self.arm.params;
        // Disjoint borrows: the views read the state while the intents are written.
        let Run {
            ws,
            board,
            sides,
            prep,
            arm,
            ..
        } = self;
        let (rules, facts) = (&prep.rules, &prep.facts);
        for (i, out) in ws.intents.iter_mut().enumerate() {
            out.clear();
            let (mine, theirs) = match sides {
                [a, b] if i == 0 => (a, &*b),
                [a, b] => (b, &*a),
            };
            let v = View {
                me: i,
                month: t,
                board,
                side: &mine.state,
                their_offer: theirs.offer.as_ref(),
                since: &ws.since,
                rules,
            };
            mine.strategy.decide(&v, rng, out);
            // An exploiter pockets what it was given: once it holds costly steps of the other,
            // it revokes its own standing moves at a hazard (drawn only in those months).
            if !mine.state.sincere
                && !facts.costly[1 - i].intersect(delivered).is_empty()
                && rng.random::<f64>() < p.pocket_hazard
            {
                v.revoke_latest(|_| true, out);
            }
            // The gate applies to keeping as well as making, with hysteresis: when trust falls
            // below keep_fraction of a standing step's gate, the costliest such step is suspended.
            let trust = mine.state.trust;
            if trust < facts.keep_below[i]
                && let Some(m) = board
                    .in_force
                    .intersect(facts.standing[i])
                    .iter()
                    .filter(|&m| trust < p.keep_fraction * arm.moves[m].gate && v.revocable(m))
                    .max_by(|&a, &b| arm.moves[a].gate.total_cmp(&arm.moves[b].gate))
            {
                out.push(Intent::Revoke(m));
            }
        }
    }
}
