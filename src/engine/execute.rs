//! Step 7 of the month: the intents and conduct's choices are carried out, with
//! implementation noise; hostile acts, chosen here or exogenous (step 1), are recorded for the
//! other side to observe; and each side's posterior about the other learns from what the other
//! did, with the probabilities each type would have done it.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::{Act, Choice, Event, Recorder, Run};
use crate::model::{ActorIx, MoveIx, MoveSet, math};
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
                    // Steps are carried out as conduct's choices (below).
                    Intent::Make(_) => {}
                    Intent::Revoke(m) => self.revoke(t, i, m, rec),
                    Intent::Hostile(m) | Intent::Retaliate(m) => {
                        if self.arm.moves[m].actor == i && self.may_choose_hostile(i, m) {
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
            self.carry_out(t, i, rng, rec);
        }
        self.ws.intents = intents;
    }

    /// Side i carries out its conduct's choices: the steps it takes (a choice slips whole at
    /// the rate `execution_failure`) and the step it takes back; the other side's posterior
    /// learns from each. A revealing difference between what the two types' strategies
    /// proposed settles the posterior.
    fn carry_out(&mut self, t: u32, i: ActorIx, rng: &mut ChaCha8Rng, rec: &mut impl Recorder) {
        let bundles = std::mem::take(&mut self.ws.bundles[i]);
        let mut evidence = 0.0;
        for b in &bundles {
            evidence += self.carry_out_steps(t, i, b, rng, rec);
        }
        self.ws.bundles[i] = bundles;
        if let Some(w) = self.ws.withdrawal[i] {
            evidence += self.carry_out_withdrawal(t, i, &w, rec);
        }
        if self.ws.revealed[i] {
            evidence += if self.sides[i].state.sincere {
                BELIEF_BOUND
            } else {
                -BELIEF_BOUND
            };
        }
        let s = &mut self.sides[1 - i];
        s.belief = (s.belief + evidence).clamp(-BELIEF_BOUND, BELIEF_BOUND);
    }

    /// Side i carries out one choice of steps; returns the evidence it gives the other side
    /// (log-likelihood ratio S vs G of what it saw: some step made, or none).
    fn carry_out_steps(
        &mut self,
        t: u32,
        i: ActorIx,
        b: &Choice,
        rng: &mut ChaCha8Rng,
        rec: &mut impl Recorder,
    ) -> f64 {
        let v = self.view(i, t);
        // Steps no longer available (the other side acted first) cannot be taken by either type.
        if !b.moves.iter().any(|m| v.available(m)) {
            return 0.0;
        }
        let slip = self.arm.params.execution_failure;
        let made = b.taken && {
            let slipped = rng.random::<f64>() < slip;
            if slipped {
                for m in b.moves.iter() {
                    rec.event(t, &Event::Slipped { actor: i, mv: m });
                }
            } else {
                self.make_all(t, i, b.moves, rec);
            }
            !slipped
        };
        let q = b.p.map(|p| p * (1.0 - slip));
        if made {
            llr(q[0], q[1])
        } else {
            llr(1.0 - q[0], 1.0 - q[1])
        }
    }

    /// Side i makes every step of the set it can, prerequisites inside the set first.
    fn make_all(&mut self, t: u32, i: ActorIx, set: MoveSet, rec: &mut impl Recorder) {
        for _ in 0..set.len() {
            for m in set.iter() {
                if !self.delivered(m) && self.view(i, t).available(m) {
                    self.make(t, i, m, rec);
                }
            }
        }
    }

    /// Side i carries out its choice about taking back a standing step; returns the evidence.
    fn carry_out_withdrawal(
        &mut self,
        t: u32,
        i: ActorIx,
        w: &Choice,
        rec: &mut impl Recorder,
    ) -> f64 {
        let Some(m) = w.moves.iter().next() else {
            return 0.0;
        };
        // A step its own acts ended this month is no longer there to keep or take back.
        if !self.view(i, t).revocable(m) {
            return 0.0;
        }
        if w.taken {
            self.revoke(t, i, m, rec);
            llr(w.p[0], w.p[1])
        } else {
            llr(1.0 - w.p[0], 1.0 - w.p[1])
        }
    }

    /// Side i makes move m, if it is available.
    fn make(&mut self, t: u32, i: ActorIx, m: MoveIx, rec: &mut impl Recorder) {
        let p = &self.arm.params;
        if !self.view(i, t).available(m) {
            return;
        }
        let mv = &self.arm.moves[m];
        if mv.standing {
            self.board.in_force.insert(m);
        }
        self.board.done.insert(m);
        self.ws.since[m] = t;
        self.sides[i].take_back = None;
        self.ws.acts[i].push(Act::Made(m));
        if mv.verified_irreversible(p) && self.out.first_irreversible[i].is_none() {
            self.out.first_irreversible[i] = Some(t);
        }
        rec.event(t, &Event::Made { actor: i, mv: m });
    }

    /// Whether side i may choose hostile move m: its own hostile move, and not one that would
    /// end a standing step its government found binding.
    fn may_choose_hostile(&self, i: ActorIx, m: MoveIx) -> bool {
        self.arm.moves[m]
            .hostile
            .as_ref()
            .is_some_and(|h| h.breaks.intersect(self.sides[i].locked).is_empty())
    }

    /// Side i revokes its standing move m, if it may (not a step its government found binding).
    fn revoke(&mut self, t: u32, i: ActorIx, m: MoveIx, rec: &mut impl Recorder) {
        let v = self.view(i, t);
        if self.arm.moves[m].actor == i && v.revocable(m) && !self.sides[i].locked.contains(m) {
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
        if self.sc.tally.moves.contains(mv) {
            self.out.tally[usize::from(self.in_process)] += 1;
        }
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

/// The bound on a posterior's log-odds: a record only one type could produce settles it to
/// within e^-40 of certainty.
pub(super) const BELIEF_BOUND: f64 = 40.0;

/// ln(a / b) for probabilities, bounded: an act only one type could take is decisive.
fn llr(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else if b <= 0.0 {
        BELIEF_BOUND
    } else if a <= 0.0 {
        -BELIEF_BOUND
    } else {
        math::ln(a / b).clamp(-BELIEF_BOUND, BELIEF_BOUND)
    }
}
