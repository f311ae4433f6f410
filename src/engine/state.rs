//! What the phases of the month share: what the state implies (delivered moves, the indices,
//! agreement and freeze, the quantities derived from the moves in force, a side's view) and
//! the small updates of trust and pressure.

use super::{Derived, IndexFacts, Run};
use crate::model::{ActorIx, MoveIx, MoveSet, tension, trust};
use crate::strategies::View;

impl Run<'_> {
    /// Side i's trust in the other, as a probability.
    pub(super) fn trust(&self, i: ActorIx) -> f64 {
        self.sides[i].state.trust
    }

    /// Set side i's trust in the other to `l` in log-odds.
    pub(super) fn set_trust(&mut self, i: ActorIx, l: f64) {
        let s = &mut self.sides[i];
        // Trust that sits at a clip bound stays put (about 8% of updates in the default
        // scenario): no new logistic then.
        if l != s.l {
            s.l = l;
            s.state.trust = trust::logistic(l);
        }
    }

    /// The stock of both sides.
    pub(super) fn stock(&self) -> f64 {
        self.sides[0].stock + self.sides[1].stock
    }

    /// Each side's domestic pressure at the current tension.
    pub(super) fn set_pressures(&mut self) {
        let p = &self.arm.params;
        for i in 0..2 {
            self.sides[i].state.pressure =
                tension::pressure(self.sc.actors[i].pressure_base, self.board.tension, p);
        }
    }

    /// Every delivered move: standing moves in force and one-shot moves done.
    pub(super) fn delivered_set(&self) -> MoveSet {
        self.board.delivered(self.prep.rules.standing)
    }

    /// Whether move m is delivered (in force if standing, done if one-shot).
    pub(super) fn delivered(&self, m: MoveIx) -> bool {
        self.delivered_set().contains(m)
    }

    /// Cost-weighted share of the set's moves that are delivered.
    fn index(&self, set: MoveSet, total: f64) -> f64 {
        if total <= 0.0 {
            return 0.0;
        }
        let s: f64 = set
            .intersect(self.delivered_set())
            .iter()
            .map(|m| self.arm.moves[m].cost)
            .sum();
        s / total
    }

    /// Refresh the derived quantities if the moves in force or done changed. Called several
    /// times a month and rarely with a change, so the check is inlined and the work is not.
    #[inline]
    pub(super) fn derive(&mut self) {
        let key = (self.board.in_force, self.board.done);
        if self.derived.key != key {
            self.rederive(key);
        }
    }

    /// Recompute the derived quantities for the moves `key` holds.
    #[inline(never)]
    fn rederive(&mut self, key: (MoveSet, MoveSet)) {
        {
            let mut growth = [1.0; 2];
            let mut removal = [0.0; 2];
            let mut standing_lr = [0.0; 2];
            let mut given = [(0.0, 0.0); 2];
            let mut engaged = [false; 2];
            for m in self.board.in_force.iter() {
                let mv = &self.arm.moves[m];
                growth[mv.actor] *= mv.stock_growth;
                removal[mv.actor] += mv.stock_removal;
                standing_lr[mv.actor] += mv.log_lr_standing;
                if self.prep.facts.standing[mv.actor].contains(m) {
                    engaged[mv.actor] = true;
                    given[mv.actor].0 += mv.cost;
                    given[mv.actor].1 += mv.value;
                }
            }
            let agreement = self.agreement_now();
            self.derived = Derived {
                key,
                agreement,
                verified: agreement && self.verified_now(),
                growth,
                removal,
                standing_lr,
                given,
                engaged,
            };
        }
    }

    /// Whether the delivered moves make an agreement: every index (with moves to count) at its
    /// threshold.
    pub(super) fn agreement_now(&self) -> bool {
        self.indices_met(|x| x.moves)
    }

    /// Whether the delivered moves make an agreement counting only verified steps: every index
    /// at its threshold with its unverified moves left out of the delivered cost.
    pub(super) fn verified_now(&self) -> bool {
        self.indices_met(|x| x.verified)
    }

    /// Every index has moves to count and, counting the moves `counted` picks, is at its
    /// threshold.
    fn indices_met(&self, counted: impl Fn(&IndexFacts) -> MoveSet) -> bool {
        let indices = &self.prep.facts.indices;
        !indices.is_empty()
            && indices
                .iter()
                .all(|x| x.total > 0.0 && self.index(counted(x), x.total) >= x.threshold)
    }

    /// Whether a verified freeze is in force.
    pub(super) fn freeze_now(&self) -> bool {
        !self
            .board
            .in_force
            .intersect(self.prep.facts.freezes)
            .is_empty()
    }

    /// Whether a process (an agreement or a verified freeze) is under way.
    pub(super) fn process_active(&self) -> bool {
        self.agreement || self.freeze_now()
    }

    /// What side i's strategy sees in month `month`.
    pub(super) fn view<'v>(&'v self, i: ActorIx, month: u32) -> View<'v> {
        View::new(
            i,
            month,
            &self.board,
            &self.sides[i].state,
            self.sides[1 - i].offer.as_ref(),
            &self.ws.since,
            &self.prep.rules,
        )
    }
}
