//! The engine: one run of one arm, month by month. Pure: it takes a validated scenario, an arm
//! and a run seed, and reports through a [`Recorder`]; no I/O.
//!
//! This file holds the run's types, [`simulate`] and the month loop. Each phase of the month
//! has its own file, in the order the month runs them:
//!
//! - `shocks.rs`, step 1: exogenous shocks and the actors' politics, on the shock stream drawn
//!   up front ([`ShockDraws`]);
//! - `third_party.rs`: the third party's track, when the scenario has one;
//! - `observe.rs`, steps 2 to 4: observation with misperception, then the trust and tension
//!   updates;
//! - `ledger.rs`, step 5: the audit of overdue obligations (and the ledger they are kept in);
//! - `decide.rs`, step 6: both sides choose at once, from the same state;
//! - `execute.rs`, step 7: the intents are carried out, with implementation noise;
//! - `hazards.rs`, steps 8 and 9: war hazard, the stocks, the process's status and the
//!   reciprocity counters;
//!
//! then the month is recorded. `setup.rs` prepares an arm and starts a run; `state.rs` holds
//! what the phases share: what the state implies (delivered moves, agreement, freeze) and the
//! small updates (trust, pressure).

mod decide;
mod execute;
mod hazards;
mod ledger;
mod observe;
pub mod record;
mod setup;
mod shocks;
mod state;
mod third_party;

pub use record::{
    Discard, Event, Keep, MonthRecord, Outcome, Recorder, RunRecord, Status, TrackReason,
};
pub use shocks::ShockDraws;

use crate::model::{ActorIx, Arm, MoveIx, MoveSet, Scenario, conduct::Conduct, trust};
use crate::rng;
use crate::strategies::{Board, Intent, Offer, Rules, SideState, Strategy};

/// An act of one side, observed by the other the month after.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Act {
    Made(MoveIx),
    Revoked(MoveIx),
    /// A hostile act; `response` if it answered a hostile act of the other side.
    Hostile(MoveIx, bool),
}

/// A pending obligation in the ledger.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Obligation {
    obligor: ActorIx,
    mv: MoveIx,
    due: u32,
    deadline: u32,
}

/// A conduct choice of one side this month: the steps it weighed taking together (a bundle),
/// or the standing step it weighed taking back; the probability each type would act; whether
/// it does.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Choice {
    moves: MoveSet,
    /// Probability of acting for type S and type G (0 for a type whose strategy did not
    /// propose it).
    p: [f64; 2],
    taken: bool,
}

/// Buffers reused across runs so the monthly loop does not allocate.
#[derive(Debug, Default)]
pub struct Workspace {
    since: Vec<u32>,
    acts: [Vec<Act>; 2],
    /// Each side's intents this month other than steps (conduct's [`Choice`]s hold those).
    intents: [Vec<Intent>; 2],
    /// Each side's step choices this month, and its choice of a step to take back.
    bundles: [Vec<Choice>; 2],
    withdrawal: [Option<Choice>; 2],
    /// The other type's intents (see [`Side::shadow`]), and whether they differed from the
    /// actual type's in anything but steps (which reveals the type).
    shadow_intents: Vec<Intent>,
    revealed: [bool; 2],
    ledger: Vec<Obligation>,
    /// Month each third-party step was last made (0: never).
    track_last: Vec<u32>,
}

impl Workspace {
    pub fn new() -> Self {
        Self::default()
    }
}

/// Per-actor state during a run.
struct Side {
    /// What this side's strategy sees of it (its trust as a probability is kept in step with
    /// `l`).
    state: SideState,
    /// Log-odds of this side's trust in the other.
    l: f64,
    l0: f64,
    /// The arm's strategy (before type resolution), and the one an administration has put in
    /// its place (None: the arm's).
    declared: usize,
    course: Option<usize>,
    /// The month from which a new administration or leader acts (it holds before).
    review_until: u32,
    /// Standing steps a new administration found in force and cannot take back.
    locked: MoveSet,
    resolved: usize,
    /// The strategy's state.
    strategy: Strategy,
    /// The strategy the other type would play, when it differs (a type-conditional strategy):
    /// it sees the same views, so an observer can weigh what either type would have done.
    shadow: Option<(usize, Strategy)>,
    offer: Option<Offer>,
    stock: f64,
    /// Log-odds of the exact posterior that the other side is type S.
    belief: f64,
    /// Accumulated pressure this side feels (see `model::conduct`).
    felt_pressure: f64,
    /// The last take-back candidate found (see `decide.rs`); cleared when this side makes a
    /// step, which changes when its steps were made.
    take_back: Option<TakeBack>,
}

/// A take-back candidate and what it holds for: the same eligible steps, before month `until`
/// (when another of them passes its reversal lag).
#[derive(Debug, Clone, Copy)]
struct TakeBack {
    eligible: MoveSet,
    until: u32,
    candidate: Option<MoveIx>,
}

/// One agreement index of an arm: its conciliatory moves (and those of them verified enough
/// to count toward a verified agreement), their total cost, its threshold.
struct IndexFacts {
    moves: MoveSet,
    verified: MoveSet,
    total: f64,
    threshold: f64,
}

/// Precomputed per-arm facts the loop needs.
struct Facts {
    /// Conciliatory standing moves per actor.
    standing: [MoveSet; 2],
    /// The agreement indices: their moves, total cost and threshold.
    indices: Vec<IndexFacts>,
    /// Verified freeze moves.
    freezes: MoveSet,
    /// Moratorium moves per actor.
    moratoria: [MoveSet; 2],
    /// Per actor, the conciliatory standing steps that can ever be taken back (irreversibility
    /// below 1), costliest first (index order on a tie), with each one's cost and reversal lag:
    /// the order in which a take-back is weighed.
    revocable: [Vec<(MoveIx, f64, u32)>; 2],
    /// The same steps as sets.
    revocable_set: [MoveSet; 2],
}

/// An arm made ready to run: everything the monthly loop needs that does not change from run
/// to run, computed once (a batch prepares each arm once, not once per run).
pub struct Prepared<'a> {
    sc: &'a Scenario,
    arm: &'a Arm,
    rules: Rules<'a>,
    facts: Facts,
    belief: trust::Belief,
    conduct: Conduct,
    /// Each actor's discount factor for month t (index t), from its payoff's yearly discount.
    discount: [Vec<f64>; 2],
    /// Each actor's prior that the other is type S, in log-odds: where its posterior starts.
    prior: [f64; 2],
    ln_renege: f64,
    ln_misread: f64,
    /// Each actor's initial trust, in log-odds (clipped) and as a probability.
    l0: [f64; 2],
    p0: [f64; 2],
    /// Each actor's domestic pressure at the initial tension.
    pressure0: [f64; 2],
    /// The initial standing moves in force.
    in_force0: MoveSet,
    /// The third party's initial stance.
    engager: bool,
}

/// Run one arm of a scenario for one run seed.
pub fn simulate(
    sc: &Scenario,
    arm: &Arm,
    run_seed: u64,
    ws: &mut Workspace,
    rec: &mut impl Recorder,
) -> RunRecord {
    let mut shocks = ShockDraws::default();
    shocks.draw(sc, run_seed);
    simulate_with(&Prepared::new(sc, arm), run_seed, &shocks, ws, rec)
}

/// [`simulate`] with the arm prepared and the run's shock draws already made (they are the
/// same for every arm, so a batch draws them once per run and prepares each arm once).
pub fn simulate_with(
    prep: &Prepared,
    run_seed: u64,
    shocks: &ShockDraws,
    ws: &mut Workspace,
    rec: &mut impl Recorder,
) -> RunRecord {
    let mut streams = rng::Streams::new(run_seed);
    Run::new(prep, shocks.types, ws).go(&mut streams, shocks, rec)
}

/// A run in progress: the arm's constants, the workspace, and the state of both sides and of
/// the process.
struct Run<'a> {
    /// The arm's constants; `sc` and `arm` are its scenario and arm, kept at hand.
    prep: &'a Prepared<'a>,
    sc: &'a Scenario,
    arm: &'a Arm,
    ws: &'a mut Workspace,
    sides: [Side; 2],
    /// Tension and the moves in force and done, as the strategies see them.
    board: Board,
    // Process tracking.
    agreement: bool,
    /// The agreement in force is verified (see [`Derived`]).
    verified: bool,
    freeze_streak: u32,
    collapsed: bool,
    /// A process (an agreement or a verified freeze) was in force when this month began.
    in_process: bool,
    /// The month the agreement in force formed.
    agreement_since: u32,
    /// The month of the latest change of government, on either side.
    last_change: Option<u32>,
    out: RunRecord,
    survival: f64,
    /// Derived from the moves in force, recomputed only when they change.
    derived: Derived,
    /// The third party's stance and standing track steps in force (bit k: step k).
    engager: bool,
    track: u32,
    /// Multiplier on incident rates, and monthly tension relief, of the track steps in force.
    incident_factor: f64,
    track_relief: f64,
}

/// What the moves in force and done imply; valid for `key`.
#[derive(Clone, Copy)]
struct Derived {
    key: (MoveSet, MoveSet),
    agreement: bool,
    /// The agreement holds counting only verified steps.
    verified: bool,
    growth: [f64; 2],
    removal: [f64; 2],
    /// Sum of ln LR of each actor's standing moves in force (monthly evidence).
    standing_lr: [f64; 2],
    /// Cost and value of each actor's conciliatory standing steps in force.
    given: [(f64, f64); 2],
    /// Whether each actor has a conciliatory standing step in force.
    engaged: [bool; 2],
}

impl<'a> Run<'a> {
    /// The record of month `month`.
    fn month_record(&self, month: u32, active: bool, status: Status) -> MonthRecord {
        MonthRecord {
            month,
            active,
            trust: [self.trust(0), self.trust(1)],
            belief_logit: [self.sides[0].belief, self.sides[1].belief],
            tension: self.board.tension,
            stock: self.stock(),
            status,
            in_force: self.board.in_force,
            done: self.board.done,
        }
    }

    /// The process's status at the end of a month.
    fn status(&self) -> Status {
        if self.agreement {
            Status::Agreement
        } else if self.freeze_now() {
            Status::Freeze
        } else if self.collapsed {
            Status::Breakdown
        } else {
            Status::Stalemate
        }
    }

    /// The whole run: month 0, each month until the horizon or war, then the outcome.
    fn go(
        mut self,
        st: &mut rng::Streams,
        shocks: &ShockDraws,
        rec: &mut impl Recorder,
    ) -> RunRecord {
        let horizon = self.sc.horizon;
        rec.month(&self.month_record(0, true, self.status()));
        let mut end = horizon;
        for t in 1..=horizon {
            let war = self.month(t, st, shocks, rec);
            if war {
                end = t;
                self.out.outcome = Outcome::War;
                rec.event(t, &Event::War);
                rec.month(&self.month_record(t, true, Status::War));
                break;
            }
            rec.month(&self.month_record(t, true, self.status()));
        }
        for t in end + 1..=horizon {
            rec.month(&self.month_record(t, false, Status::War));
        }
        if self.out.outcome == Outcome::War {
            for t in end..=horizon {
                for i in 0..2 {
                    let w = self.sc.actors[i].payoff.war;
                    self.out.payoff[i] -= self.prep.discount[i][t as usize] * w / 12.0;
                }
            }
        }
        let p = &self.arm.params;
        if self.out.outcome != Outcome::War {
            self.out.outcome = if self.agreement {
                Outcome::Agreement
            } else if self.freeze_now() && self.freeze_streak as f64 >= p.interim_freeze_months {
                Outcome::InterimFreeze
            } else if self.collapsed {
                Outcome::Breakdown
            } else {
                Outcome::Stalemate
            };
        }
        self.out.end_month = end;
        self.out.final_trust = [self.trust(0), self.trust(1)];
        self.out.final_belief = self
            .sides
            .each_ref()
            .map(|s| crate::model::math::logistic(s.belief));
        self.out.final_sincere = [self.sides[0].state.sincere, self.sides[1].state.sincere];
        self.out.verified = self.out.outcome == Outcome::Agreement && self.verified;
        self.out.final_tension = self.board.tension;
        self.out.final_stock = self.stock();
        self.out.war_risk = 1.0 - self.survival;
        self.out
    }

    /// One month; returns true if war broke out.
    fn month(
        &mut self,
        t: u32,
        st: &mut rng::Streams,
        draws: &ShockDraws,
        rec: &mut impl Recorder,
    ) -> bool {
        self.in_process = self.process_active();
        self.out.process_months[usize::from(self.in_process)] += 1;
        let u_war = self.shocks(t, draws.month(t), draws.candidates(t), rec);
        if self.sc.third_party.is_some() {
            self.third_party(t, draws.month_track(t), rec);
        }
        self.observe(t, &mut st.perception, rec);
        self.audit(t, rec);
        self.decide(t, &mut st.decisions);
        self.execute(t, &mut st.decisions, rec);
        self.hazards(t, u_war, rec)
    }
}
