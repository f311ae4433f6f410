//! Strategies: what each actor proposes every month, given what it perceived.
//!
//! A strategy sees a read-only [`View`] and pushes [`Intent`]s; the engine then filters them
//! (prerequisites, trust gate, domestic feasibility) and executes them with noise. One strategy
//! per file, each naming the paper it comes from.

mod view;

pub use view::{Board, Intent, Offer, Rules, Seen, SideState, View};

use std::fmt::Debug;

use rand_chacha::ChaCha8Rng;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::model::{MoveSet, StrategySpec, TypeConditional};

/// A strategy kind's name, one-line description and source, for `detente list strategies`,
/// and the parameters of an example declaration (TOML, naming moves, roadmaps and strategies
/// of the flagship scenario; `tests/registry.rs` parses and runs it).
#[derive(Debug, Clone, Copy)]
pub struct KindDoc {
    pub kind: &'static str,
    pub doc: &'static str,
    pub source: &'static str,
    pub example: &'static str,
}

/// One strategy kind: its documentation, its configuration parsed from the scenario, and its
/// decision. Each kind is one file implementing this, named once in [`registry!`].
pub trait Kind: Sized {
    /// The validated configuration a scenario declares.
    type Config: crate::model::strategy::Config + Clone;
    const DOC: KindDoc;
    /// Read the configuration from the strategy's table.
    fn parse(a: &Args) -> Result<Self::Config, String>;
    /// A fresh per-run state.
    fn new(c: &Self::Config) -> Self;
    /// Propose this month's intents.
    fn decide(&mut self, v: &View, rng: &mut ChaCha8Rng, out: &mut Vec<Intent>);
}

/// What the scenario names a strategy may refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    Move,
    Roadmap,
    Strategy,
}

impl Name {
    fn word(self) -> &'static str {
        match self {
            Name::Move => "move",
            Name::Roadmap => "roadmap",
            Name::Strategy => "strategy",
        }
    }
}

/// The scenario's names, as the scenario reader knows them.
pub trait Names {
    /// The index of `id` among the scenario's moves, roadmaps or strategies.
    fn find(&self, what: Name, id: &str) -> Option<usize>;
    /// Every id of that kind, sorted (for error messages).
    fn known(&self, what: Name) -> Vec<String>;
}

/// A strategy's table as declared, for its kind's parser.
pub struct Args<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub table: &'a toml::Table,
    pub names: &'a dyn Names,
}

/// The keys every strategy table has, which are not the kind's parameters.
pub const COMMON_KEYS: [&str; 4] = ["id", "kind", "label", "third_party"];

impl Args<'_> {
    /// The kind's parameters: the table without [`COMMON_KEYS`], as `T`.
    pub fn params<T: DeserializeOwned>(&self) -> Result<T, String> {
        let mut t = self.table.clone();
        for k in COMMON_KEYS {
            t.remove(k);
        }
        toml::Value::Table(t).try_into::<T>().map_err(|e| {
            format!(
                "strategy '{}' ({}): {}",
                self.id,
                self.kind,
                e.message().trim_end()
            )
        })
    }

    /// The index of a move, roadmap or strategy the table names.
    pub fn index(&self, what: Name, id: &str) -> Result<usize, String> {
        self.names.find(what, id).ok_or_else(|| {
            format!(
                "strategy '{}': unknown {} '{id}'; expected one of: {}",
                self.id,
                what.word(),
                self.names.known(what).join(", ")
            )
        })
    }

    /// The set of moves a list names.
    pub fn moves(&self, ids: &[String]) -> Result<MoveSet, String> {
        let mut s = MoveSet::EMPTY;
        for m in ids {
            s.insert(self.index(Name::Move, m)?);
        }
        Ok(s)
    }
}

/// The parameters of a kind that takes none.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// Declare the strategy kinds: each `module::Type` is a file of this folder whose `Type`
/// implements [`Kind`]. This list is the only place a new kind is added.
macro_rules! registry {
    ($($module:ident :: $Type:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// The per-run state of a strategy.
        #[derive(Debug, Clone)]
        pub enum Strategy {
            $($Type($module::$Type),)*
        }

        /// Every strategy kind a scenario can declare.
        pub const KINDS: &[KindDoc] = &[$(<$module::$Type as Kind>::DOC,)* TYPE_CONDITIONAL];

        /// Parse a strategy table of kind `a.kind`; None if no kind has that name.
        pub fn parse(a: &Args) -> Option<Result<StrategySpec, String>> {
            let mut index = 0;
            $(
                let doc = <$module::$Type as Kind>::DOC;
                if a.kind == doc.kind {
                    return Some(
                        <$module::$Type as Kind>::parse(a)
                            .map(|c| StrategySpec::new(doc.kind, index, c)),
                    );
                }
                index += 1;
            )*
            if a.kind == TYPE_CONDITIONAL.kind {
                return Some(type_conditional(a, index));
            }
            None
        }

        impl Strategy {
            /// A fresh strategy state for a spec. A type-conditional spec must be resolved
            /// first ([`resolve`]); a hedger is the safe reading of one that is not.
            pub fn new(spec: &StrategySpec) -> Strategy {
                let mut index = 0;
                $(
                    if spec.index() == index
                        && let Some(c) = spec.get::<<$module::$Type as Kind>::Config>()
                    {
                        return Strategy::$Type(<$module::$Type as Kind>::new(c));
                    }
                    index += 1;
                )*
                let _ = index;
                Strategy::Hedger(hedger::Hedger)
            }

            /// Propose this month's intents.
            pub fn decide(&mut self, v: &View, rng: &mut ChaCha8Rng, out: &mut Vec<Intent>) {
                match self {
                    $(Strategy::$Type(s) => Kind::decide(s, v, rng, out),)*
                }
            }
        }
    };
}

registry! {
    all_or_nothing::AllOrNothing,
    incremental::Incremental,
    freeze_for_freeze::FreezeForFreeze,
    grit::Grit,
    tit_for_tat::TitForTat,
    generous_tit_for_tat::GenerousTitForTat,
    contrite_tit_for_tat::ContriteTitForTat,
    grim_trigger::GrimTrigger,
    hardline::Hardline,
    unconditional::Unconditional,
    hedger::Hedger,
    greedy::Greedy,
    grit_initiator::GritInitiator,
    escalate_to_negotiate::EscalateToNegotiate,
    scripted::Scripted,
}

/// Kind `type_conditional`, resolved by the engine rather than played.
pub const TYPE_CONDITIONAL: KindDoc = KindDoc {
    kind: "type_conditional",
    doc: "Plays one strategy if the actor is sincere (S) and another if greedy (G); re-picks when a new leader redraws the type.",
    source: "Kydd 2005 (security seekers and greedy types)",
    example: "sincere = \"hedger\"\ngreedy = \"greedy\"",
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TypeConditionalParams {
    sincere: String,
    greedy: String,
}

fn type_conditional(a: &Args, index: usize) -> Result<StrategySpec, String> {
    let p: TypeConditionalParams = a.params()?;
    let c = TypeConditional {
        sincere: a.index(Name::Strategy, &p.sincere)?,
        greedy: a.index(Name::Strategy, &p.greedy)?,
    };
    Ok(StrategySpec::new(TYPE_CONDITIONAL.kind, index, c))
}

/// Follow `TypeConditional` indirections to a concrete strategy for an actor's type.
pub fn resolve(decls: &[crate::model::StrategyDecl], mut ix: usize, sincere: bool) -> usize {
    for _ in 0..decls.len() {
        match decls[ix].spec.type_conditional() {
            Some(t) => ix = if sincere { t.sincere } else { t.greedy },
            None => return ix,
        }
    }
    ix
}
