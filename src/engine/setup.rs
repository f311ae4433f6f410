//! Set-up: an arm prepared once for all its runs ([`Prepared`]), and a run started from it at
//! month 0, with the actors' types drawn.

use super::{Derived, Facts, IndexFacts, Outcome, Prepared, Run, RunRecord, Side, Workspace};
use crate::model::{Arm, MoveSet, Scenario, conduct::Conduct, math, tension, trust};
use crate::strategies::{self, Board, Rules, Seen, SideState, Strategy};

impl Facts {
    /// The facts of the arm's moves.
    fn new(sc: &Scenario, arm: &Arm) -> Self {
        let p = &arm.params;
        let mut f = Facts {
            standing: [MoveSet::EMPTY; 2],
            indices: sc
                .indices
                .iter()
                .map(|x| IndexFacts {
                    moves: MoveSet::EMPTY,
                    verified: MoveSet::EMPTY,
                    total: 0.0,
                    threshold: x.threshold,
                })
                .collect(),
            freezes: MoveSet::EMPTY,
            moratoria: [MoveSet::EMPTY; 2],
            revocable: [Vec::new(), Vec::new()],
            revocable_set: [MoveSet::EMPTY; 2],
        };
        for (i, m) in arm.moves.iter().enumerate() {
            if m.is_hostile() {
                continue;
            }
            if m.standing {
                f.standing[m.actor].insert(i);
            }
            for (x, index) in f.indices.iter_mut().zip(&sc.indices) {
                if index.moves.contains(i) {
                    x.moves.insert(i);
                    x.total += m.cost;
                    if m.verifiability >= p.verified_threshold {
                        x.verified.insert(i);
                    }
                }
            }
            if m.freeze && m.verifiability >= p.verified_threshold {
                f.freezes.insert(i);
            }
            if m.moratorium {
                f.moratoria[m.actor].insert(i);
            }
            if m.standing && m.irreversibility < 1.0 {
                f.revocable[m.actor].push((i, m.cost, m.reversal_lag));
                f.revocable_set[m.actor].insert(i);
            }
        }
        for r in f.revocable.iter_mut() {
            // A stable sort: index order among equal costs.
            r.sort_by(|a, b| b.1.total_cmp(&a.1));
        }
        f
    }
}

impl<'a> Prepared<'a> {
    /// Prepare the arm of the scenario.
    pub fn new(sc: &'a Scenario, arm: &'a Arm) -> Self {
        let p = &arm.params;
        let belief = trust::Belief::new(p);
        let l0 = [0, 1].map(|i| belief.clip(trust::logit(sc.actors[i].initial_trust)));
        let rules = Rules::new(sc, arm);
        Prepared {
            sc,
            arm,
            facts: Facts::new(sc, arm),
            belief,
            conduct: Conduct::new(p),
            discount: [0, 1].map(|i| {
                let a = &sc.actors[i].payoff;
                let monthly = math::exp(math::ln(a.discount.max(1e-300)) / 12.0);
                std::iter::successors(Some(1.0), |d| Some(d * monthly))
                    .take(sc.horizon as usize + 1)
                    .collect()
            }),
            prior: [1, 0]
                .map(|j| math::logit(sc.actors[j].prior_sincere.clamp(1e-12, 1.0 - 1e-12))),
            ln_renege: math::ln(p.renege_lr),
            ln_misread: math::ln(p.misread_lr),
            l0,
            p0: l0.map(trust::logistic),
            pressure0: [0, 1]
                .map(|i| tension::pressure(sc.actors[i].pressure_base, sc.initial.tension, p)),
            in_force0: sc.initial.in_force.intersect(rules.standing),
            engager: arm
                .stance
                .or(sc.third_party.as_ref().map(|tp| tp.engager))
                .unwrap_or(false),
            rules,
        }
    }
}

impl Workspace {
    /// Clear the buffers for a run of an arm with `moves` moves and a third party with
    /// `track_moves` steps.
    fn reset(&mut self, moves: usize, track_moves: usize) {
        self.since.clear();
        self.since.resize(moves, 0);
        for v in self.acts.iter_mut() {
            v.clear();
        }
        for v in self.intents.iter_mut() {
            v.clear();
        }
        for v in self.bundles.iter_mut() {
            v.clear();
        }
        self.withdrawal = [None; 2];
        self.ledger.clear();
        self.track_last.clear();
        self.track_last.resize(track_moves, 0);
    }
}

impl Side {
    /// Actor `i` at month 0, its type drawn with the uniform `u`.
    fn new(prep: &Prepared, i: usize, u: f64) -> Self {
        let (sc, arm) = (prep.sc, prep.arm);
        let a = &sc.actors[i];
        let sincere = u < a.prior_sincere;
        let declared = arm.strategies[i];
        let resolved = strategies::resolve(&sc.strategies, declared, sincere);
        let other = strategies::resolve(&sc.strategies, declared, !sincere);
        Side {
            state: SideState {
                sincere,
                trust: prep.p0[i],
                pressure: prep.pressure0[i],
                seen: Seen::default(),
                unreciprocated: 0,
                last_shock: None,
            },
            l: prep.l0[i],
            l0: prep.l0[i],
            declared,
            course: None,
            review_until: 0,
            locked: MoveSet::EMPTY,
            resolved,
            strategy: Strategy::new(&sc.strategies[resolved].spec),
            shadow: (other != resolved).then(|| (other, Strategy::new(&sc.strategies[other].spec))),
            offer: None,
            stock: a.stock.as_ref().map_or(0.0, |x| x.initial),
            belief: prep.prior[i],
            felt_pressure: 0.0,
            take_back: None,
        }
    }
}

impl RunRecord {
    /// The record of a run about to start with these types: nothing has happened yet.
    fn start(sincere: [bool; 2]) -> Self {
        RunRecord {
            sincere,
            final_sincere: sincere,
            verified: false,
            verified_agreement_months: 0,
            outcome: Outcome::Stalemate,
            end_month: 0,
            final_trust: [0.0; 2],
            final_belief: [0.0; 2],
            without_politics: None,
            payoff: [0.0; 2],
            final_tension: 0.0,
            first_irreversible: [None; 2],
            verified_freeze_months: 0,
            agreements: 0,
            agreement_months: 0,
            final_stock: 0.0,
            stock_growth_in_talks: 0.0,
            conceded_unreciprocated: [0.0; 2],
            relief_pocketed: [0.0; 2],
            war_risk: 0.0,
            hostile_acts: [0; 2],
            incidents: 0,
            track_months: 0,
            tally: [0; 2],
            process_months: [0; 2],
            change_to_collapse: (0, 0),
        }
    }
}

impl Derived {
    /// Valid for no state, so that the first [`Run::derive`] computes it.
    fn stale() -> Self {
        Derived {
            key: (MoveSet(u128::MAX), MoveSet(u128::MAX)),
            agreement: false,
            verified: false,
            growth: [1.0; 2],
            removal: [0.0; 2],
            standing_lr: [0.0; 2],
            given: [(0.0, 0.0); 2],
            engaged: [false; 2],
        }
    }
}

impl<'a> Run<'a> {
    /// Start a run of the prepared arm at month 0; `u0` and `u1` draw the actors' types.
    pub(super) fn new(prep: &'a Prepared<'a>, [u0, u1]: [f64; 2], ws: &'a mut Workspace) -> Self {
        let (sc, arm) = (prep.sc, prep.arm);
        ws.reset(
            arm.moves.len(),
            sc.third_party.as_ref().map_or(0, |tp| tp.moves.len()),
        );
        let sides = [Side::new(prep, 0, u0), Side::new(prep, 1, u1)];
        let sincere = [sides[0].state.sincere, sides[1].state.sincere];
        let in_force = prep.in_force0;
        let mut run = Run {
            prep,
            sc,
            arm,
            ws,
            sides,
            board: Board {
                tension: sc.initial.tension,
                in_force,
                done: sc.initial.in_force,
            },
            agreement: false,
            verified: false,
            freeze_streak: 0,
            collapsed: false,
            in_process: false,
            agreement_since: 0,
            last_change: None,
            out: RunRecord::start(sincere),
            survival: 1.0,
            derived: Derived::stale(),
            engager: prep.engager,
            track: 0,
            incident_factor: 1.0,
            track_relief: 0.0,
        };
        run.agreement = run.agreement_now();
        run.verified = run.verified_now();
        if run.freeze_now() {
            run.freeze_streak = 0;
        }
        run
    }
}
