//! Step 1 of the month: exogenous shocks and the actors' politics, on the shock stream drawn
//! up front for every arm of a run ([`ShockDraws`]).

use rand::RngExt;

use super::{Event, Recorder, Run};
use crate::model::{ActorIx, MoveSet, Scenario, Shock, Successor};
use crate::rng;
use crate::strategies::{self, Strategy};

/// The shock stream of one run, drawn up front: a fixed number of 64-bit draws per month (one
/// per shock source, one per actor for politics, one for war), so every arm of an experiment
/// sees exactly the same exogenous events in the same month (common random numbers). A third
/// party's draws (its elections, the partner's acceptance, one walk-out draw per step) come
/// from their own stream, so adding a third party leaves every other draw unchanged. The two
/// uniforms that draw the actors' types at month 0 (the types stream) are made here too, once
/// per run, as they are the same for every arm.
#[derive(Debug, Default, Clone)]
pub struct ShockDraws {
    pub(super) types: [f64; 2],
    per_month: usize,
    draws: Vec<u64>,
    /// Per month, what may happen in any arm: bit k for shock k (its draw falls under the
    /// shock's highest rate), bit `shocks + i` for a flip or new leader of actor i. Most months
    /// are 0, and every arm skips them at once.
    candidates: Vec<u64>,
    track_per_month: usize,
    track: Vec<u64>,
}

impl ShockDraws {
    /// Fill with the draws of the run with this seed.
    pub fn draw(&mut self, sc: &Scenario, run_seed: u64) {
        use rand::Rng;
        let mut types = rng::stream(run_seed, rng::subsystem::TYPES);
        self.types = [types.random::<f64>(), types.random::<f64>()];
        let mut rng = rng::stream(run_seed, rng::subsystem::SHOCKS);
        self.per_month = sc.shocks.len() + 3;
        let n = self.per_month * sc.horizon as usize;
        self.draws.clear();
        self.draws.extend((0..n).map(|_| rng.next_u64()));
        self.candidates.clear();
        let ns = sc.shocks.len();
        if ns + 2 > 64 {
            // Too many sources for the mask: every month is a candidate.
            self.candidates.resize(sc.horizon as usize, u64::MAX);
        } else {
            for (t, month) in (1..).zip(self.draws.chunks_exact(self.per_month)) {
                let mut c = 0u64;
                for (k, (sh, &x)) in sc.shocks.iter().zip(month).enumerate() {
                    if rng::hi32(x) < sh.max_rate {
                        c |= 1 << k;
                    }
                }
                for i in 0..2 {
                    let x = month[ns + i];
                    // A candidate if any arm's politics may act (arms may override them).
                    if sc.experiment.arms.iter().any(|arm| {
                        let pol = &arm.politics[i];
                        (pol.change_due(t) && rng::mid16(x) < pol.flip())
                            || rng::hi32(x) < pol.leadership_hazard
                            || pol.scheduled(t).is_some()
                    }) {
                        c |= 1 << (ns + i);
                    }
                }
                self.candidates.push(c);
            }
        }
        self.track.clear();
        self.track_per_month = sc.third_party.as_ref().map_or(0, |tp| 2 + tp.moves.len());
        if self.track_per_month > 0 {
            let mut rng = rng::stream(run_seed, rng::subsystem::THIRD_PARTY);
            let n = self.track_per_month * sc.horizon as usize;
            self.track.extend((0..n).map(|_| rng.next_u64()));
        }
    }

    /// Month t's mask of the sources that may fire.
    pub(super) fn candidates(&self, t: u32) -> u64 {
        self.candidates[t as usize - 1]
    }

    /// Month t's draws.
    pub(super) fn month(&self, t: u32) -> &[u64] {
        let s = (t as usize - 1) * self.per_month;
        &self.draws[s..s + self.per_month]
    }

    /// Month t's draws of the third party.
    pub(super) fn month_track(&self, t: u32) -> &[u64] {
        let s = (t as usize - 1) * self.track_per_month;
        &self.track[s..s + self.track_per_month]
    }
}

/// Source `k` may fire this month (sources past the mask's 64 bits always may).
fn candidate(candidates: u64, k: usize) -> bool {
    k >= 64 || candidates >> k & 1 == 1
}

impl Run<'_> {
    /// Step 1: exogenous events, on the shock stream. The number of draws per month is fixed,
    /// so every arm sees the same shocks in the same month of the same run. `candidates` (see
    /// [`ShockDraws`]) says which sources may fire this month: only those are examined.
    pub(super) fn shocks(
        &mut self,
        t: u32,
        draws: &[u64],
        candidates: u64,
        rec: &mut impl Recorder,
    ) -> f64 {
        let sc = self.sc;
        let ns = sc.shocks.len();
        let u_war = rng::hi32(draws[ns + 2]);
        if candidates == 0 {
            return u_war;
        }
        let process = self.in_process;
        for (k, (sh, &x)) in sc.shocks.iter().zip(draws).enumerate() {
            if candidate(candidates, k) {
                self.shock(t, sh, x, process, rec);
            }
        }
        // Politics: scheduled administration changes and random leadership changes.
        for i in 0..2 {
            if candidate(candidates, ns + i) {
                self.politics(t, i, draws[ns + i], rec);
            }
        }
        u_war
    }

    /// Shock source `sh` with its draw `x`: whether it fires at this month's rate, which
    /// hostile move it makes, and whether a process under way absorbs it.
    fn shock(&mut self, t: u32, sh: &Shock, x: u64, process: bool, rec: &mut impl Recorder) {
        let p = &self.arm.params;
        let (u_occ, u_pick, u_absorb) = (rng::hi32(x), rng::mid16(x), rng::lo16(x));
        // Most months nothing happens: reject against the highest possible rate first.
        if u_occ >= sh.max_rate {
            return;
        }
        let actor = sh.actor;
        let Some(rate) = self.shock_rate(sh, process) else {
            return;
        };
        if u_occ >= rate {
            return;
        }
        let mv = sh
            .moves
            .iter()
            .find(|(_, cum)| u_pick < *cum)
            .or(sh.moves.last())
            .map(|(m, _)| *m);
        let Some(mv) = mv else { return };
        if process && u_absorb < p.inclusion * p.inclusion_effect {
            rec.event(t, &Event::Absorbed { actor, mv });
            return;
        }
        if sh.incident {
            self.out.incidents += 1;
        }
        self.hostile(t, actor, mv, true, false, rec);
    }

    /// This month's rate of shock source `sh` (moratoria, a process under way, tension and
    /// the third party's track change it), or `None` if it fires only in a process and there
    /// is none.
    fn shock_rate(&self, sh: &Shock, process: bool) -> Option<f64> {
        let mut rate = sh.rate;
        if let Some(r) = sh.rate_moratorium
            && !self
                .board
                .in_force
                .intersect(self.prep.facts.moratoria[sh.actor])
                .is_empty()
        {
            rate = r;
        }
        if let Some(r) = sh.rate_process
            && process
        {
            rate = r;
        }
        if sh.only_in_process && !process {
            return None;
        }
        rate = (rate * (1.0 + sh.tension_slope * self.board.tension)).min(1.0);
        if sh.incident {
            rate *= self.incident_factor;
        }
        Some(rate)
    }

    /// Actor i's politics with its draw `x`: a scheduled change may bring a new administration
    /// with a new course, and a new leader brings a new type; either resets the other's trust
    /// in part, reviews policy for `lag` months and finds some standing steps binding.
    fn politics(&mut self, t: u32, i: ActorIx, x: u64, rec: &mut impl Recorder) {
        let (u_lead, u_flip, u_type) = (rng::hi32(x), rng::mid16(x), rng::lo16(x));
        let arm = self.arm;
        let pol = &arm.politics[i];
        let next = pol
            .scheduled(t)
            .or_else(|| pol.successor(u_flip).filter(|_| pol.change_due(t)));
        if let Some(next) = next {
            let s = &mut self.sides[i];
            s.course = match next {
                Successor::Arm => None,
                Successor::Strategy(j) => (j != s.declared).then_some(j),
                Successor::Toggle(to) => match s.course {
                    Some(_) => None,
                    None => to,
                },
            };
            self.reset_trust_of_other(i, pol.trust_reset);
            self.restrategise(i, false);
            self.sides[i].offer = None;
            self.drop_obligations_owed_to(i);
            self.take_office(t, i, x);
            let strategy = self.sides[i].course.unwrap_or(self.sides[i].declared);
            rec.event(t, &Event::Flipped { actor: i, strategy });
        }
        if u_lead < pol.leadership_hazard {
            let sincere = u_type < self.sc.actors[i].prior_sincere;
            self.sides[i].state.sincere = sincere;
            self.reset_trust_of_other(i, pol.trust_reset);
            // The new leader's type is a fresh draw from the prior: so is the other's posterior.
            self.sides[1 - i].belief = self.prep.prior[1 - i];
            self.restrategise(i, true);
            self.take_office(t, i, x);
            rec.event(t, &Event::NewLeader { actor: i, sincere });
        }
    }

    /// A new government of side i takes office in month t: it reviews policy for `lag` months
    /// (holding meanwhile) and finds each of its side's conciliatory standing steps in force
    /// binding with probability `stickiness` (a draw per step, derived from the month's
    /// politics draw `x`).
    fn take_office(&mut self, t: u32, i: ActorIx, x: u64) {
        let pol = &self.arm.politics[i];
        let mut locked = MoveSet::EMPTY;
        if pol.stickiness > 0.0 {
            let standing = self.board.in_force.intersect(self.prep.facts.standing[i]);
            for m in standing.iter() {
                let d = rng::splitmix64(x ^ (m as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
                if rng::hi32(d) < pol.stickiness {
                    locked.insert(m);
                }
            }
        }
        let s = &mut self.sides[i];
        s.locked = locked;
        s.review_until = t.saturating_add(pol.lag);
        self.last_change = Some(t);
    }

    /// Actor i's government changed: the other's trust in it moves back toward its initial
    /// value by the fraction `reset`.
    fn reset_trust_of_other(&mut self, i: ActorIx, reset: f64) {
        let o = &self.sides[1 - i];
        let l = o.l0 + (o.l - o.l0) * (1.0 - reset);
        self.set_trust(1 - i, l);
    }

    /// Actor i's strategy after a flip or a new leader: a new one (with no offer) only if the
    /// resolved strategy changes. The shadow (the other type's strategy) follows the same
    /// rule: after a flip it continues from the shadow, after a new leader from the strategy
    /// the old leader played.
    fn restrategise(&mut self, i: ActorIx, new_leader: bool) {
        let decls = &self.sc.strategies;
        let s = &mut self.sides[i];
        let base = s.course.unwrap_or(s.declared);
        let resolved = strategies::resolve(decls, base, s.state.sincere);
        let other = strategies::resolve(decls, base, !s.state.sincere);
        let old = (s.resolved, s.strategy.clone());
        let old_shadow = s.shadow.take();
        if resolved != s.resolved {
            s.resolved = resolved;
            s.strategy = Strategy::new(&decls[resolved].spec);
            s.offer = None;
        }
        let before = if new_leader { Some(old) } else { old_shadow };
        s.shadow = (other != resolved).then(|| match before {
            Some((ix, st)) if ix == other => (ix, st),
            _ => (other, Strategy::new(&decls[other].spec)),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Keep, Prepared, Workspace, simulate_with};

    /// Skipping the months and sources that `ShockDraws` marks as quiet changes nothing: every
    /// run matches the same run with every source examined every month, also when there are
    /// too many sources for the mask.
    #[test]
    fn skipping_quiet_sources_changes_nothing() {
        let base = crate::scenario::default_scenario().scenario;
        for many in [false, true] {
            let mut sc = base.clone();
            // Frequent shocks and leadership changes, so that every path is taken.
            for sh in &mut sc.shocks {
                sh.rate = (sh.rate * 20.0).min(0.5);
                sh.max_rate = sh.highest_rate();
            }
            for a in &mut sc.actors {
                a.politics.leadership_hazard = 0.05;
            }
            if many {
                while sc.shocks.len() < 70 {
                    let sh = sc.shocks[sc.shocks.len() % 3].clone();
                    sc.shocks.push(sh);
                }
            }
            let (mut hostile, mut leaders, mut flips) = (0, 0, 0);
            for arm in &sc.experiment.arms {
                let prep = Prepared::new(&sc, arm);
                for run in 0..25 {
                    let seed = rng::run_seed(9, run);
                    let mut shocks = ShockDraws::default();
                    shocks.draw(&sc, seed);
                    let mut every = shocks.clone();
                    every.candidates.fill(u64::MAX);
                    let (mut a, mut b) = (Keep::default(), Keep::default());
                    let ra = simulate_with(&prep, seed, &shocks, &mut Workspace::new(), &mut a);
                    let rb = simulate_with(&prep, seed, &every, &mut Workspace::new(), &mut b);
                    assert_eq!(ra, rb);
                    assert_eq!(a.months, b.months);
                    assert_eq!(a.events, b.events);
                    for (_, e) in &a.events {
                        match e {
                            Event::Hostile { shock: true, .. } => hostile += 1,
                            Event::NewLeader { .. } => leaders += 1,
                            Event::Flipped { .. } => flips += 1,
                            _ => {}
                        }
                    }
                }
            }
            assert!(
                hostile > 100 && leaders > 10 && flips > 5,
                "{hostile} {leaders} {flips}"
            );
        }
    }
}
