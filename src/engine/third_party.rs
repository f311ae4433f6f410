//! The third party's track, run after the shocks: its elections, the ally's policy, the
//! partner's walk-outs, the engager's next step, then the relief of the steps in force.

use super::{Event, Recorder, Run, TrackReason};
use crate::model::{ThirdParty, TrackPolicy};
use crate::rng;

impl Run<'_> {
    /// The third party's month: elections, the ally's policy, the partner's walk-outs, the
    /// engager's next step, then the relief of the steps in force. Every draw is on the
    /// third party's own stream (see [`super::ShockDraws`]), so all arms see the same
    /// elections and the same chances.
    pub(super) fn third_party(&mut self, t: u32, draws: &[u64], rec: &mut impl Recorder) {
        let sc = self.sc;
        let Some(tp) = &sc.third_party else {
            return;
        };
        self.track_election(t, tp, draws, rec);
        let support = sc.strategies[self.sides[tp.ally].resolved].track == TrackPolicy::Support;
        self.track_walkouts(t, tp, support, draws, rec);
        if self.engager {
            self.track_proposal(t, tp, support, draws, rec);
        }
        self.relieve(tp);
    }

    /// Track step k is suspended, for `reason`.
    fn suspend(&mut self, t: u32, k: usize, reason: TrackReason, rec: &mut impl Recorder) {
        self.track &= !(1u32 << k);
        rec.event(
            t,
            &Event::Track {
                mv: k,
                made: false,
                reason,
            },
        );
    }

    /// An election may turn the third party's stance; a hardliner ends every step in force.
    fn track_election(&mut self, t: u32, tp: &ThirdParty, draws: &[u64], rec: &mut impl Recorder) {
        if tp.politics.change_due(t) && rng::hi32(draws[0]) < tp.politics.flip() {
            self.engager = !self.engager;
            rec.event(
                t,
                &Event::Stance {
                    engager: self.engager,
                },
            );
            if !self.engager {
                for k in 0..tp.moves.len() {
                    if self.track & (1 << k) != 0 {
                        self.suspend(t, k, TrackReason::Stance, rec);
                    }
                }
            }
        }
    }

    /// A step in force ends if it needs the ally's support and lacks it, or if the partner
    /// walks out (more likely the higher the tension).
    fn track_walkouts(
        &mut self,
        t: u32,
        tp: &ThirdParty,
        support: bool,
        draws: &[u64],
        rec: &mut impl Recorder,
    ) {
        for (k, m) in tp.moves.iter().enumerate() {
            if self.track & (1 << k) == 0 {
                continue;
            }
            if m.needs_support && !support {
                self.suspend(t, k, TrackReason::Ally, rec);
            } else if rng::hi32(draws[2 + k]) < tp.walkout * self.board.tension {
                self.suspend(t, k, TrackReason::Walkout, rec);
            }
        }
    }

    /// The engager proposes its first step that may be made (supported if it must be, not in
    /// force, or not made too recently); the partner accepts more readily the lower the
    /// tension. A one-shot step relieves tension at once.
    fn track_proposal(
        &mut self,
        t: u32,
        tp: &ThirdParty,
        support: bool,
        draws: &[u64],
        rec: &mut impl Recorder,
    ) {
        let last = &self.ws.track_last;
        let next = tp.moves.iter().enumerate().position(|(k, m)| {
            (!m.needs_support || support)
                && if m.standing {
                    self.track & (1 << k) == 0
                } else {
                    last[k] == 0 || t - last[k] >= m.repeat
                }
        });
        if let Some(k) = next
            && rng::hi32(draws[1]) < tp.accept * (1.0 - self.board.tension)
        {
            let m = &tp.moves[k];
            self.ws.track_last[k] = t;
            if m.standing {
                self.track |= 1 << k;
            } else {
                self.board.tension = (self.board.tension - m.tension_relief).max(0.0);
            }
            rec.event(
                t,
                &Event::Track {
                    mv: k,
                    made: true,
                    reason: TrackReason::Accepted,
                },
            );
        }
    }

    /// The relief of the standing steps in force: fewer incidents, and less tension each month.
    fn relieve(&mut self, tp: &ThirdParty) {
        let mut factor = 1.0;
        let mut relief = 0.0;
        for (k, m) in tp.moves.iter().enumerate() {
            if self.track & (1 << k) != 0 {
                factor *= 1.0 - m.incident_relief;
                relief += m.tension_relief;
            }
        }
        self.incident_factor = factor;
        self.track_relief = relief;
        self.board.tension = (self.board.tension - relief).max(0.0);
    }
}
