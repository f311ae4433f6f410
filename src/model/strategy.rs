//! A declared strategy's validated configuration, carried by the model without knowing its
//! type: each strategy's own module (`src/strategies/`) defines, parses and reads it.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// A strategy kind's configuration: any plain data type that compares and prints.
pub trait Config: Any + fmt::Debug + Send + Sync {
    /// Whether `other` is the same type with the same values.
    fn same(&self, other: &dyn Config) -> bool;
    fn as_any(&self) -> &dyn Any;
}

impl<T: Any + fmt::Debug + PartialEq + Send + Sync> Config for T {
    fn same(&self, other: &dyn Config) -> bool {
        other.as_any().downcast_ref::<T>() == Some(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A strategy as declared in a scenario: its kind (name, and place in the registry) and its
/// configuration.
#[derive(Clone)]
pub struct StrategySpec {
    kind: &'static str,
    index: usize,
    config: Arc<dyn Config>,
}

impl StrategySpec {
    /// A spec of the kind `kind`, the `index`-th of the registry.
    pub fn new<T: Config>(kind: &'static str, index: usize, config: T) -> Self {
        StrategySpec {
            kind,
            index,
            config: Arc::new(config),
        }
    }

    /// The kind's name (`incremental`, `grit`, ...).
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The kind's place in the registry (cheaper to compare than its name).
    pub fn index(&self) -> usize {
        self.index
    }

    /// The configuration, if it is a `T`.
    pub fn get<T: Any>(&self) -> Option<&T> {
        self.config.as_any().downcast_ref::<T>()
    }

    /// The strategies a type-conditional strategy picks between, if it is one.
    pub fn type_conditional(&self) -> Option<TypeConditional> {
        self.get::<TypeConditional>().copied()
    }
}

impl PartialEq for StrategySpec {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.config.same(other.config.as_ref())
    }
}

impl fmt::Debug for StrategySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({:?})", self.kind, self.config)
    }
}

/// The configuration of kind `type_conditional`: one strategy if the actor is sincere,
/// another if greedy (indices into the scenario's strategies). The engine resolves it when it
/// draws or redraws an actor's type, so it is part of the model rather than a strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeConditional {
    pub sincere: usize,
    pub greedy: usize,
}
