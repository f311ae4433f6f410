//! What a run reports: a record per month (for trajectories), events (for narration) and a
//! summary record per run (for runs.csv and the summary).

use crate::model::{ActorIx, MoveIx, MoveSet};

/// The state of the process in a month, one-hot in the trajectories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Agreement = 0,
    Freeze = 1,
    Breakdown = 2,
    War = 3,
    Stalemate = 4,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Agreement,
        Status::Freeze,
        Status::Breakdown,
        Status::War,
        Status::Stalemate,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Status::Agreement => "agreement",
            Status::Freeze => "freeze",
            Status::Breakdown => "breakdown",
            Status::War => "war",
            Status::Stalemate => "stalemate",
        }
    }
    /// Position in [`Status::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The outcome of a run at its horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Agreement = 0,
    InterimFreeze = 1,
    Breakdown = 2,
    War = 3,
    Stalemate = 4,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Agreement,
        Outcome::InterimFreeze,
        Outcome::Breakdown,
        Outcome::War,
        Outcome::Stalemate,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Agreement => "agreement",
            Outcome::InterimFreeze => "interim_freeze",
            Outcome::Breakdown => "breakdown",
            Outcome::War => "war",
            Outcome::Stalemate => "stalemate",
        }
    }
    /// Position in [`Outcome::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One month of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonthRecord {
    pub month: u32,
    /// False after the run ended (war): only `status` is meaningful then.
    pub active: bool,
    /// trust[i]: actor i's trust in the other.
    pub trust: [f64; 2],
    /// belief_logit[i]: actor i's exact posterior that the other is type S (docs/model.md
    /// 7.12), in log-odds (`math::logistic` gives the probability; kept raw so that a month's
    /// record costs no exponential).
    pub belief_logit: [f64; 2],
    pub tension: f64,
    /// The total stock of the actors that hold one.
    pub stock: f64,
    pub status: Status,
    /// The standing moves in force and the moves ever made, at the end of the month.
    pub in_force: MoveSet,
    pub done: MoveSet,
}

/// Something that happened in a run, for narration and event logs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event {
    /// A move was made.
    Made {
        actor: ActorIx,
        mv: MoveIx,
    },
    /// A planned move failed or slipped (implementation noise).
    Slipped {
        actor: ActorIx,
        mv: MoveIx,
    },
    /// A standing move was revoked.
    Revoked {
        actor: ActorIx,
        mv: MoveIx,
    },
    /// A hostile act; `shock` if exogenous (not chosen by the strategy).
    Hostile {
        actor: ActorIx,
        mv: MoveIx,
        shock: bool,
    },
    /// A hostile shock absorbed by an inclusive process.
    Absorbed {
        actor: ActorIx,
        mv: MoveIx,
    },
    /// A due step was not delivered although it could have been.
    Reneged {
        actor: ActorIx,
        mv: MoveIx,
    },
    /// An observer perceived an act of the other side; `as_hostile` tells how it was read.
    Perceived {
        observer: ActorIx,
        mv: Option<MoveIx>,
        misperceived: bool,
        as_hostile: bool,
    },
    /// An offer was posted.
    Offered {
        actor: ActorIx,
    },
    /// A scheduled administration change brought a new course: the strategy now declared
    /// (before type resolution; the arm's own or a successor).
    Flipped {
        actor: ActorIx,
        strategy: usize,
    },
    /// A new leader; the type was redrawn.
    NewLeader {
        actor: ActorIx,
        sincere: bool,
    },
    /// A step of the third party's track was made (`made`) or suspended, and why.
    Track {
        mv: usize,
        made: bool,
        reason: TrackReason,
    },
    /// The third party's elections changed its stance.
    Stance {
        engager: bool,
    },
    /// The month's trust update of an observer, in log-odds, before the clip: `forgetting`
    /// (toward the initial belief), `good` (conciliatory evidence, standing moves included) and
    /// `bad` (hostile evidence, after the negativity multiplier).
    TrustUpdate {
        observer: ActorIx,
        forgetting: f64,
        good: f64,
        bad: f64,
    },
    AgreementFormed,
    AgreementCollapsed,
    FreezeFormed,
    FreezeCollapsed,
    War,
}

/// Receives a run's months and events. The default `event` does nothing, so batch runs pay
/// nothing for narration.
pub trait Recorder {
    fn month(&mut self, r: &MonthRecord);
    fn event(&mut self, _month: u32, _e: &Event) {}
}

/// A recorder that keeps nothing.
pub struct Discard;

impl Recorder for Discard {
    fn month(&mut self, _r: &MonthRecord) {}
}

/// A recorder that keeps every month and event (tests, replay).
#[derive(Debug, Default, Clone)]
pub struct Keep {
    pub months: Vec<MonthRecord>,
    pub events: Vec<(u32, Event)>,
}

impl Recorder for Keep {
    fn month(&mut self, r: &MonthRecord) {
        self.months.push(*r);
    }
    fn event(&mut self, month: u32, e: &Event) {
        self.events.push((month, *e));
    }
}

/// The per-run summary (a row of runs.csv).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunRecord {
    /// Types drawn at month 0: true for S (sincere), per actor.
    pub sincere: [bool; 2],
    /// Types at the end (a new leader redraws a type).
    pub final_sincere: [bool; 2],
    /// Whether the run ends in a verified agreement: outcome `Agreement`, holding counting
    /// only verified steps.
    pub verified: bool,
    /// Months with a verified agreement in force.
    pub verified_agreement_months: u32,
    pub outcome: Outcome,
    /// Last simulated month (the horizon unless war ended the run).
    pub end_month: u32,
    /// Each side's felt trust in the other at the end.
    pub final_trust: [f64; 2],
    /// Each side's exact posterior that the other is type S at the end.
    pub final_belief: [f64; 2],
    /// Each side's discounted payoff over the horizon (weights in the scenario).
    pub payoff: [f64; 2],
    pub final_tension: f64,
    /// Month of each actor's first verified irreversible step.
    pub first_irreversible: [Option<u32>; 2],
    /// Months with a verified freeze in force.
    pub verified_freeze_months: u32,
    /// Agreements formed.
    pub agreements: u32,
    /// Months with an agreement in force.
    pub agreement_months: u32,
    /// The total stock at the end.
    pub final_stock: f64,
    /// Stock gained in months while talks ran (each side with a conciliatory standing step in
    /// force).
    pub stock_growth_in_talks: f64,
    /// Per actor: cost-years of its conciliatory standing steps in force in months when the
    /// other side had none in force.
    pub conceded_unreciprocated: [f64; 2],
    /// Per actor: value-years of the other side's conciliatory standing steps it held in months
    /// when it had none of its own in force.
    pub relief_pocketed: [f64; 2],
    /// Cumulative war probability over the run: 1 - prod(1 - hazard).
    pub war_risk: f64,
    /// The outcome of the same run without administration or leader changes (set by a batch
    /// for arms with politics; None otherwise).
    pub without_politics: Option<Outcome>,
    /// Hostile acts per actor (chosen and exogenous).
    pub hostile_acts: [u32; 2],
    /// Exogenous incidents (shocks marked `incident`) that happened.
    pub incidents: u32,
    /// Months with a standing step of the third party's track in force.
    pub track_months: u32,
    /// Acts of the scenario's tally moves in months that began out of a process (index 0) and
    /// in one (index 1): with an agreement or a verified freeze in force.
    pub tally: [u32; 2],
    /// Months that began out of a process (index 0) and in one (index 1).
    pub process_months: [u32; 2],
    /// Months from the latest change of government to each agreement's collapse, summed over
    /// the collapses that followed a change made while the agreement was in force, and how
    /// many there were.
    pub change_to_collapse: (u32, u32),
}

impl RunRecord {
    /// The type pair as `S/G` (actor order).
    pub fn type_pair(&self) -> &'static str {
        match self.sincere {
            [true, true] => "S/S",
            [true, false] => "S/G",
            [false, true] => "G/S",
            [false, false] => "G/G",
        }
    }
    /// Index of the type pair in S/S, S/G, G/S, G/G.
    pub fn type_pair_index(&self) -> usize {
        (!self.sincere[0]) as usize * 2 + (!self.sincere[1]) as usize
    }
}

/// Why a track step was made or suspended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackReason {
    /// The partner accepted the engager's proposal.
    Accepted,
    /// The partner walked out (tension).
    Walkout,
    /// The ally withheld the support the step needs.
    Ally,
    /// A hardliner government ended the track.
    Stance,
}

/// The type pairs in index order.
pub const TYPE_PAIRS: [&str; 4] = ["S/S", "S/G", "G/S", "G/G"];
