//! The ledger of obligations and step 5 of the month, its audit: an offer with a deadline
//! makes the moves it demands obligations of the other side, and an overdue obligation the
//! obligor could have met is a renege.

use super::{Event, Obligation, Recorder, Run};
use crate::model::{ActorIx, MoveSet};

impl Run<'_> {
    /// An offer's deadline of `d` months: the moves of `demand` not yet delivered become
    /// obligations of `obligor`.
    pub(super) fn owe(&mut self, t: u32, obligor: ActorIx, demand: MoveSet, d: u32) {
        let owed: MoveSet = demand.iter().filter(|&m| !self.delivered(m)).collect();
        for m in owed.iter() {
            self.ws.ledger.push(Obligation {
                obligor,
                mv: m,
                due: t.saturating_add(d),
                deadline: d.max(1),
            });
        }
    }

    /// The obligations owed to `creditor` lapse (its offer was withdrawn or replaced).
    pub(super) fn drop_obligations_owed_to(&mut self, creditor: ActorIx) {
        self.ws.ledger.retain(|o| o.obligor == creditor);
    }

    /// Step 5: overdue obligations. A step the obligor could not make (gate, feasibility,
    /// prerequisites) is read as "not yet" and its deadline extended; one it could have made
    /// is a renege, perceived at once by the creditor.
    pub(super) fn audit(&mut self, t: u32, rec: &mut impl Recorder) {
        let mut k = 0;
        while k < self.ws.ledger.len() {
            let o = self.ws.ledger[k];
            if self.delivered(o.mv) {
                self.ws.ledger.swap_remove(k);
                continue;
            }
            if o.due >= t {
                k += 1;
                continue;
            }
            if !self.view(o.obligor, t).available(o.mv) {
                self.ws.ledger[k].due = t.saturating_add(o.deadline);
                k += 1;
                continue;
            }
            self.ws.ledger.swap_remove(k);
            self.renege(t, o, rec);
        }
    }

    /// Obligation `o` was reneged on: the creditor's trust falls, it sees the renege, and
    /// tension and pressure rise.
    fn renege(&mut self, t: u32, o: Obligation, rec: &mut impl Recorder) {
        let p = &self.arm.params;
        rec.event(
            t,
            &Event::Reneged {
                actor: o.obligor,
                mv: o.mv,
            },
        );
        let creditor = 1 - o.obligor;
        let l = self
            .prep
            .belief
            .clip(self.sides[creditor].l - p.negativity * self.prep.ln_renege);
        self.set_trust(creditor, l);
        let c = &mut self.sides[creditor];
        c.state.seen.reneged = true;
        c.state.seen.severity += p.renege_severity;
        self.board.tension = (self.board.tension + p.tension_hostile * p.renege_severity).min(1.0);
        self.set_pressures();
    }
}
