//! Strategies: what each actor proposes every month, given what it perceived.
//!
//! A strategy sees a read-only [`View`] and pushes [`Intent`]s; the engine then filters them
//! (prerequisites, trust gate, domestic feasibility) and executes them with noise. One strategy
//! per file, each naming the paper it comes from.

pub mod all_or_nothing;
pub mod contrite_tit_for_tat;
pub mod escalate_to_negotiate;
pub mod freeze_for_freeze;
pub mod generous_tit_for_tat;
pub mod greedy;
pub mod grim_trigger;
pub mod grit;
pub mod grit_initiator;
pub mod hardline;
pub mod hedger;
pub mod incremental;
pub mod tit_for_tat;
pub mod unconditional;
mod view;

pub use view::{Board, Intent, Offer, Rules, Seen, SideState, View};

use rand_chacha::ChaCha8Rng;

/// A strategy's configuration, as declared (and validated) in a scenario.
#[derive(Debug, Clone, PartialEq)]
pub enum StrategySpec {
    AllOrNothing(all_or_nothing::Config),
    Incremental(incremental::Config),
    FreezeForFreeze(incremental::Config),
    Grit(grit::Config),
    TitForTat,
    GenerousTitForTat(generous_tit_for_tat::Config),
    ContriteTitForTat,
    GrimTrigger,
    Hardline(hardline::Config),
    Unconditional,
    Hedger,
    Greedy(greedy::Config),
    GritInitiator(grit_initiator::Config),
    EscalateToNegotiate(escalate_to_negotiate::Config),
    /// Picks a strategy by the actor's hidden type (indices into the scenario's strategies).
    TypeConditional {
        sincere: usize,
        greedy: usize,
    },
}

/// A strategy kind's name, one-line description and source, for `detente list strategies`.
#[derive(Debug, Clone, Copy)]
pub struct KindDoc {
    pub kind: &'static str,
    pub doc: &'static str,
    pub source: &'static str,
}

/// Every strategy kind a scenario can declare.
pub const KINDS: &[KindDoc] = &[
    all_or_nothing::DOC,
    incremental::DOC,
    freeze_for_freeze::DOC,
    grit::DOC,
    tit_for_tat::DOC,
    generous_tit_for_tat::DOC,
    contrite_tit_for_tat::DOC,
    grim_trigger::DOC,
    hardline::DOC,
    unconditional::DOC,
    hedger::DOC,
    greedy::DOC,
    grit_initiator::DOC,
    escalate_to_negotiate::DOC,
    KindDoc {
        kind: "type_conditional",
        doc: "Plays one strategy if the actor is sincere (S) and another if greedy (G); re-picks when a new leader redraws the type.",
        source: "Kydd 2005 (security seekers and greedy types)",
    },
];

/// The per-run state of a strategy.
#[derive(Debug, Clone)]
pub enum Strategy {
    AllOrNothing(all_or_nothing::AllOrNothing),
    Incremental(incremental::Incremental),
    Grit(grit::Grit),
    TitForTat(tit_for_tat::TitForTat),
    GenerousTitForTat(generous_tit_for_tat::GenerousTitForTat),
    ContriteTitForTat(contrite_tit_for_tat::ContriteTitForTat),
    GrimTrigger(grim_trigger::GrimTrigger),
    Hardline(hardline::Hardline),
    Unconditional(unconditional::Unconditional),
    Hedger(hedger::Hedger),
    Greedy(greedy::Greedy),
    GritInitiator(grit_initiator::GritInitiator),
    Escalate(escalate_to_negotiate::EscalateToNegotiate),
}

impl Strategy {
    /// A fresh strategy state for a spec. `TypeConditional` must be resolved first.
    pub fn new(spec: &StrategySpec) -> Strategy {
        match spec {
            StrategySpec::AllOrNothing(c) => {
                Strategy::AllOrNothing(all_or_nothing::AllOrNothing::new(c))
            }
            StrategySpec::Incremental(c) => Strategy::Incremental(incremental::Incremental::new(c)),
            StrategySpec::FreezeForFreeze(c) => Strategy::Incremental(freeze_for_freeze::new(c)),
            StrategySpec::Grit(c) => Strategy::Grit(grit::Grit::new(c)),
            StrategySpec::TitForTat => Strategy::TitForTat(tit_for_tat::TitForTat::default()),
            StrategySpec::GenerousTitForTat(c) => {
                Strategy::GenerousTitForTat(generous_tit_for_tat::GenerousTitForTat::new(c))
            }
            StrategySpec::ContriteTitForTat => {
                Strategy::ContriteTitForTat(contrite_tit_for_tat::ContriteTitForTat::default())
            }
            StrategySpec::GrimTrigger => {
                Strategy::GrimTrigger(grim_trigger::GrimTrigger::default())
            }
            StrategySpec::Hardline(c) => Strategy::Hardline(hardline::Hardline::new(c)),
            StrategySpec::Unconditional => Strategy::Unconditional(unconditional::Unconditional),
            StrategySpec::Hedger => Strategy::Hedger(hedger::Hedger),
            StrategySpec::Greedy(c) => Strategy::Greedy(greedy::Greedy::new(c)),
            StrategySpec::GritInitiator(c) => {
                Strategy::GritInitiator(grit_initiator::GritInitiator::new(c))
            }
            StrategySpec::EscalateToNegotiate(c) => {
                Strategy::Escalate(escalate_to_negotiate::EscalateToNegotiate::new(c))
            }
            StrategySpec::TypeConditional { .. } => {
                // Resolved by the engine before construction; a hedger is the safe reading.
                Strategy::Hedger(hedger::Hedger)
            }
        }
    }

    /// Propose this month's intents.
    pub fn decide(&mut self, v: &View, rng: &mut ChaCha8Rng, out: &mut Vec<Intent>) {
        match self {
            Strategy::AllOrNothing(s) => s.decide(v, out),
            Strategy::Incremental(s) => s.decide(v, out),
            Strategy::Grit(s) => s.decide(v, out),
            Strategy::TitForTat(s) => s.decide(v, out),
            Strategy::GenerousTitForTat(s) => s.decide(v, rng, out),
            Strategy::ContriteTitForTat(s) => s.decide(v, out),
            Strategy::GrimTrigger(s) => s.decide(v, out),
            Strategy::Hardline(s) => s.decide(v, rng, out),
            Strategy::Unconditional(s) => s.decide(v, out),
            Strategy::Hedger(s) => s.decide(v, out),
            Strategy::Greedy(s) => s.decide(v, out),
            Strategy::GritInitiator(s) => s.decide(v, out),
            Strategy::Escalate(s) => s.decide(v, rng, out),
        }
    }
}

/// Follow `TypeConditional` indirections to a concrete strategy for an actor's type.
pub fn resolve(decls: &[crate::model::StrategyDecl], mut ix: usize, sincere: bool) -> usize {
    for _ in 0..decls.len() {
        match decls[ix].spec {
            StrategySpec::TypeConditional {
                sincere: s,
                greedy: g,
            } => {
                ix = if sincere { s } else { g };
            }
            _ => return ix,
        }
    }
    ix
}
