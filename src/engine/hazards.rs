//! Steps 8 and 9 of the month: the war hazard, the stocks, the process's status (agreement,
//! verified freeze) and the reciprocity counters.

use super::{Act, Event, Recorder, Run};
use crate::model::tension;

impl Run<'_> {
    /// Steps 8 and 9: war hazard, the stocks, the process's status and the reciprocity counters.
    /// Returns true if war broke out.
    pub(super) fn hazards(&mut self, t: u32, u_war: f64, rec: &mut impl Recorder) -> bool {
        let p = &self.arm.params;
        let h = tension::war_hazard(self.board.tension, p);
        self.survival *= 1.0 - h;
        if u_war < h {
            return true;
        }
        self.derive();
        self.stocks();
        self.unreciprocated();
        self.score(t);
        if self.track != 0 {
            self.out.track_months += 1;
        }
        self.agreement_status(t, rec);
        self.freeze_status(t, rec);
        self.reciprocity();
        false
    }

    /// Each stock grows and shrinks with the moves in force. What it gains while talks run
    /// (each side has a conciliatory standing step in force) is counted.
    fn stocks(&mut self) {
        let d = &self.derived;
        let talks = d.engaged[0] && d.engaged[1];
        for i in 0..2 {
            if let Some(a) = &self.sc.actors[i].stock {
                let w = self.sides[i].stock;
                let next = (w + a.growth * d.growth[i] - w * d.removal[i].min(1.0)).max(0.0);
                self.sides[i].stock = next;
                if talks && next > w {
                    self.out.stock_growth_in_talks += next - w;
                }
            }
        }
    }

    /// Each side's payoff for month t, discounted (see `model::Payoff`).
    pub(super) fn score(&mut self, t: u32) {
        let d = &self.derived;
        let tension = self.board.tension;
        let stock = [self.sides[0].stock, self.sides[1].stock];
        for i in 0..2 {
            let w = &self.sc.actors[i].payoff;
            let u = w.relief * d.given[1 - i].1 - w.concession * d.given[i].0 - w.tension * tension
                + w.own_stock * stock[i]
                + w.other_stock * stock[1 - i];
            self.out.payoff[i] += self.prep.discount[i][t as usize] * u / 12.0;
        }
    }

    /// The ledger of one-sided steps: a side with conciliatory standing steps in force while
    /// the other has none concedes their cost, and the other holds their value, for a month.
    fn unreciprocated(&mut self) {
        let d = &self.derived;
        for i in 0..2 {
            if d.engaged[i] && !d.engaged[1 - i] {
                self.out.conceded_unreciprocated[i] += d.given[i].0 / 12.0;
                self.out.relief_pocketed[1 - i] += d.given[i].1 / 12.0;
            }
        }
    }

    /// An agreement forms or collapses with the moves delivered.
    fn agreement_status(&mut self, t: u32, rec: &mut impl Recorder) {
        let agreement = self.derived.agreement;
        if agreement && !self.agreement {
            self.out.agreements += 1;
            self.agreement_since = t;
            rec.event(t, &Event::AgreementFormed);
        } else if !agreement && self.agreement {
            if let Some(c) = self.last_change.filter(|&c| c >= self.agreement_since) {
                let (sum, n) = &mut self.out.change_to_collapse;
                *sum += t - c;
                *n += 1;
            }
            self.collapsed = true;
            rec.event(t, &Event::AgreementCollapsed);
        }
        self.agreement = agreement;
        self.verified = agreement && self.derived.verified;
        if agreement {
            self.out.agreement_months += 1;
        }
        if self.verified {
            self.out.verified_agreement_months += 1;
        }
    }

    /// A verified freeze forms, lasts or collapses with the moves in force.
    fn freeze_status(&mut self, t: u32, rec: &mut impl Recorder) {
        if self.freeze_now() {
            if self.freeze_streak == 0 {
                rec.event(t, &Event::FreezeFormed);
            }
            self.freeze_streak += 1;
            self.out.verified_freeze_months += 1;
        } else if self.freeze_streak > 0 {
            self.freeze_streak = 0;
            self.collapsed = true;
            rec.event(t, &Event::FreezeCollapsed);
        }
    }

    /// The reciprocity counters: the months in a row each side has had conciliatory standing
    /// moves in force with nothing in return (none of the other's in force, no step of the
    /// other seen or made this month).
    fn reciprocity(&mut self) {
        let engaged = self.derived.engaged;
        for i in 0..2 {
            let j = 1 - i;
            let mine_out = engaged[i];
            let theirs_out = engaged[j]
                || !self.sides[i].state.seen.conciliatory.is_empty()
                || self.ws.acts[j].iter().any(|a| matches!(a, Act::Made(_)));
            let s = &mut self.sides[i];
            s.state.unreciprocated = if mine_out && !theirs_out {
                s.state.unreciprocated + 1
            } else {
                0
            };
        }
    }
}
