//! Step 7 of the month: the intents are carried out, with implementation noise; and hostile
//! acts, chosen here or exogenous (step 1), are recorded for the other side to observe.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::{Act, Event, Recorder, Run};
use crate::model::{ActorIx, MoveIx};
use crate::strategies::{Intent, Offer};

impl Run<'_> {
    /// Step 7: execute the intents with implementation noise.
    pub(super) fn execute(&mut self, t: u32, rng: &mut ChaCha8Rng, rec: &mut impl Recorder) {
        // Last month's acts and this month's shocks have been observed.
        for acts in self.ws.acts.iter_mut() {
            acts.clear();
        }
        let intents = std::mem::take(&mut self.ws.intents);
        for (i, list) in intents.iter().enumerate() {
            for &intent in list {
                match intent {
                    Intent::Make(m) => self.make(t, i, m, rng, rec),
                    Intent::Revoke(m) => self.revoke(t, i, m, rec),
                    Intent::Hostile(m) | Intent::Retaliate(m) => {
                        if self.arm.moves[m].actor == i && self.arm.moves[m].is_hostile() {
                            let response = matches!(intent, Intent::Retaliate(_));
                            self.hostile(t, i, m, false, response, rec);
                        }
                    }
                    Intent::Offer(o) => self.offer(t, i, o, rec),
                    Intent::Withdraw => {
                        self.sides[i].offer = None;
                        self.drop_obligations_owed_to(i);
                    }
                }
            }
        }
        self.ws.intents = intents;
    }

    /// Side i makes move m, if it is available and does not slip.
    fn make(
        &mut self,
        t: u32,
        i: ActorIx,
        m: MoveIx,
        rng: &mut ChaCha8Rng,
        rec: &mut impl Recorder,
    ) {
        let p = &self.arm.params;
        let v = self.view(i, t);
        if !v.available(m) {
            return;
        }
        if rng.random::<f64>() < p.execution_failure {
            rec.event(t, &Event::Slipped { actor: i, mv: m });
            return;
        }
        let mv = &self.arm.moves[m];
        if mv.standing {
            self.board.in_force.insert(m);
        }
        self.board.done.insert(m);
        self.ws.since[m] = t;
        self.ws.acts[i].push(Act::Made(m));
        if mv.verified_irreversible(p) && self.out.first_irreversible[i].is_none() {
            self.out.first_irreversible[i] = Some(t);
        }
        rec.event(t, &Event::Made { actor: i, mv: m });
    }

    /// Side i revokes its standing move m, if it may.
    fn revoke(&mut self, t: u32, i: ActorIx, m: MoveIx, rec: &mut impl Recorder) {
        let v = self.view(i, t);
        if self.arm.moves[m].actor == i && v.revocable(m) {
            self.board.in_force.remove(m);
            self.ws.acts[i].push(Act::Revoked(m));
            rec.event(t, &Event::Revoked { actor: i, mv: m });
        }
    }

    /// Side i puts offer `o` on the table in place of its last; with a deadline, what it
    /// demands becomes owed (see [`Run::owe`]).
    fn offer(&mut self, t: u32, i: ActorIx, o: Offer, rec: &mut impl Recorder) {
        self.sides[i].offer = Some(o);
        self.drop_obligations_owed_to(i);
        if let Some(d) = o.deadline {
            self.owe(t, 1 - i, o.demand, d);
        }
        rec.event(t, &Event::Offered { actor: i });
    }

    /// A hostile act: recorded for the other to observe; it ends the mover's standing moves it breaks.
    pub(super) fn hostile(
        &mut self,
        t: u32,
        actor: ActorIx,
        mv: MoveIx,
        shock: bool,
        response: bool,
        rec: &mut impl Recorder,
    ) {
        self.ws.acts[actor].push(Act::Hostile(mv, response));
        self.out.hostile_acts[actor] += 1;
        if shock {
            self.sides[actor].state.last_shock = Some(t);
        }
        rec.event(t, &Event::Hostile { actor, mv, shock });
        if let Some(h) = &self.arm.moves[mv].hostile {
            for b in h.breaks.intersect(self.board.in_force).iter() {
                self.board.in_force.remove(b);
                rec.event(t, &Event::Revoked { actor, mv: b });
            }
        }
    }
}
