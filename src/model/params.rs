//! Global model parameters: every number the mechanisms use, with its default, range and source.

use serde::{Deserialize, Deserializer, Serialize};

/// Checks applied to a parameter value when a scenario is read.
pub mod check {
    use super::*;
    use serde::de::Error;

    /// Any finite number.
    pub fn finite<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        let v = f64::deserialize(d)?;
        if !v.is_finite() {
            return Err(D::Error::custom(format!(
                "expected a finite number, found {v}"
            )));
        }
        Ok(v)
    }

    /// A probability or share in [0, 1].
    pub fn prob<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        let v = finite(d)?;
        if !(0.0..=1.0).contains(&v) {
            return Err(D::Error::custom(format!(
                "expected a probability in [0, 1], found {v}"
            )));
        }
        Ok(v)
    }

    /// A probability in (0, 1].
    pub fn unit_open<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        let v = finite(d)?;
        if !(v > 0.0 && v <= 1.0) {
            return Err(D::Error::custom(format!(
                "expected a number in (0, 1], found {v}"
            )));
        }
        Ok(v)
    }

    /// A finite number >= 0.
    pub fn nonneg<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        let v = finite(d)?;
        if v < 0.0 {
            return Err(D::Error::custom(format!(
                "expected a number >= 0, found {v}"
            )));
        }
        Ok(v)
    }

    /// A finite number > 0.
    pub fn positive<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        let v = finite(d)?;
        if v <= 0.0 {
            return Err(D::Error::custom(format!(
                "expected a number > 0, found {v}"
            )));
        }
        Ok(v)
    }

    /// A likelihood ratio: a finite number >= 1.
    pub fn ratio<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        let v = finite(d)?;
        if v < 1.0 {
            return Err(D::Error::custom(format!(
                "expected a likelihood ratio >= 1, found {v}"
            )));
        }
        Ok(v)
    }

    /// A score on the 0 to 10 scale of the move catalogue (cost, value, severity).
    pub fn score<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        let v = finite(d)?;
        if !(0.0..=10.0).contains(&v) {
            return Err(D::Error::custom(format!(
                "expected a score in [0, 10], found {v}"
            )));
        }
        Ok(v)
    }
}

/// One parameter's documentation, for `detente list params` and `docs/model.md`.
#[derive(Debug, Clone, Copy)]
pub struct ParamDoc {
    pub name: &'static str,
    pub default: f64,
    pub range: &'static str,
    pub doc: &'static str,
    pub source: &'static str,
}

impl ParamDoc {
    /// The documented range as numbers, if it is `LOW-HIGH`.
    pub fn bounds(&self) -> Option<(f64, f64)> {
        bounds(self.range)
    }
}

/// A documented range as numbers: "0.2-1" gives (0.2, 1); anything else, None.
pub fn bounds(text: &str) -> Option<(f64, f64)> {
    let (lo, hi) = text.split_once('-')?;
    Some((lo.trim().parse().ok()?, hi.trim().parse().ok()?))
}

macro_rules! params {
    ($( $name:ident : $check:literal = $default:expr, $range:literal, $doc:literal, $source:literal; )*) => {
        /// The global mechanism parameters of a scenario (`[params]`); every field has a default.
        #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
        #[serde(deny_unknown_fields, default)]
        pub struct Params {
            $(
                #[doc = $doc]
                #[serde(deserialize_with = $check)]
                pub $name: f64,
            )*
        }

        impl Default for Params {
            fn default() -> Self {
                Self { $( $name: $default, )* }
            }
        }

        /// Documentation of every parameter, in declaration order.
        pub const PARAM_DOCS: &[ParamDoc] = &[
            $( ParamDoc { name: stringify!($name), default: $default, range: $range, doc: $doc, source: $source }, )*
        ];
    };
}

params! {
    forgetting: "check::prob" = 0.03, "0-0.2",
        "Monthly decay of trust log-odds toward the initial belief (lambda).", "judgement (half-life about 2 years), docs/model.md 7.3";
    negativity: "check::positive" = 1.5, "1-3",
        "Negativity multiplier kappa on the log likelihood ratio of hostile acts.", "Slovic 1993; factor a judgement, docs/model.md 7.3";
    standing_lr: "check::nonneg" = 0.04, "0.02-0.08",
        "Monthly likelihood-ratio increment per verified standing move in force: 1 + standing_lr * nu.", "judgement, docs/model.md 7.2 (influential: sweep it)";
    standing_min_cost: "check::score" = 2.0, "0-5",
        "Cost a standing move must have to keep informing trust each month (cheap steps are cheap talk).", "Kydd 2005 (costly signals), docs/model.md 7.2";
    mimic_budget: "check::positive" = 8.0, "4-12",
        "E_G: the stake c*r an exploiter can afford to mimic; mimic_G = max(mimic_min, 1 - c*r/E_G).", "Kydd 2000 (costly signals); value a judgement, docs/model.md 7.1";
    mimic_min: "check::unit_open" = 0.1, "0.05-0.3",
        "Floor of the probability that an exploiter mimics a move.", "judgement (caps a step's LR at 1 + 9*nu), docs/model.md 7.1";
    misperception_base: "check::prob" = 0.03, "0-0.1",
        "eps0: misperception probability at zero tension.", "Jervis 1976; value a judgement, docs/model.md 7.5";
    misperception_slope: "check::prob" = 0.07, "0-0.2",
        "eps1: added misperception per unit tension, eps = eps0 + eps1*tau.", "Jervis 1976; value a judgement, docs/model.md 7.5";
    misread_lr: "check::ratio" = 1.04, "1-1.1",
        "Likelihood ratio of a quiet month misread as hostile (like rhetoric).", "judgement (like rhetoric), docs/model.md 7.5";
    misread_severity: "check::score" = 0.5, "0-1",
        "Severity of a quiet month misread as hostile.", "judgement (like rhetoric), docs/model.md 7.5";
    renege_lr: "check::ratio" = 1.32, "1.1-1.6",
        "Likelihood ratio G vs S of withholding a due step or revoking a standing move.", "judgement (between sanctions and a test), docs/model.md 7.10";
    renege_severity: "check::score" = 3.0, "1-5",
        "Severity of a renege or revocation, for tension.", "judgement (between sanctions and a test), docs/model.md 7.10";
    tension_hostile: "check::nonneg" = 0.02, "0.01-0.05",
        "a: tension added per unit severity of a perceived hostile act.", "tuned (hardline holds the 2017 level), docs/model.md 7.4";
    tension_conciliatory: "check::nonneg" = 0.02, "0-0.05",
        "b: tension removed per unit value of a perceived conciliatory move (the affective channel).", "judgement (equal to tension_hostile), docs/model.md 7.4";
    tension_decay: "check::prob" = 0.05, "0.01-0.2",
        "d: monthly relaxation of tension toward its base.", "tuned (hardline holds the 2017 level), docs/model.md 7.4";
    tension_base: "check::prob" = 0.4, "0.2-0.6",
        "tau_base: the level tension relaxes toward.", "the 2018 level, data/dprk_events.csv; docs/model.md 7.4";
    trust_floor: "check::prob" = 0.01, "0.001-0.05",
        "Lower clip of trust.", "judgement (no certain belief), docs/model.md 7.3";
    trust_ceiling: "check::prob" = 0.99, "0.95-0.999",
        "Upper clip of trust.", "judgement (no certain belief), docs/model.md 7.3";
    stake_scale: "check::positive" = 10.0, "5-20",
        "Stake x = min(1, c*r/stake_scale).", "the catalogue's 0-10 cost scale, docs/model.md 7.7";
    pressure_slope: "check::nonneg" = 0.5, "0-1",
        "Domestic pressure h = clip(h0 + slope*(tau - pivot)).", "Fearon 1994; value a judgement, docs/model.md 7.8";
    pressure_pivot: "check::prob" = 0.4, "0.2-0.6",
        "Tension at which domestic pressure equals its base h0.", "judgement (= tension_base), docs/model.md 7.8";
    gift_framing: "check::nonneg" = 1.0, "0-2",
        "gamma: domestic cost weight of being seen to give, c*(1+gamma*h) <= B*(1-h).", "lever; 1 a judgement, docs/model.md 7.8";
    execution_failure: "check::prob" = 0.02, "0-0.1",
        "Share of planned moves that fail or slip a month.", "judgement, docs/model.md 7.9";
    war_hazard: "check::prob" = 0.001, "0-0.005",
        "hmax: monthly war hazard at tension 1; hazard = hmax*tau^war_exponent.", "judgement (a few % of war in a decade at 2017 tension), docs/model.md 7.15";
    war_exponent: "check::positive" = 3.0, "1-4",
        "Exponent of tension in the war hazard.", "judgement, docs/model.md 7.15";
    choice_precision: "check::positive" = 2.0, "0.5-10",
        "lambda: precision of every conduct choice, P = logistic(lambda*U); the deterministic rule is the limit of large lambda.", "McKelvey and Palfrey 1995 (quantal response); value a judgement, docs/model.md 7.7";
    value_weight: "check::nonneg" = 1.0, "0.5-2",
        "beta: weight of the value expected in return, times felt trust that it comes.", "normalisation (utilities in the catalogue's 0-10 units), docs/model.md 7.7";
    concession_sincere: "check::nonneg" = 0.5, "0.2-1",
        "alpha_S: a security seeker's cost per unit cost of a step it takes.", "Kydd 2005 (security seekers value cooperation); value a judgement, docs/model.md 7.7";
    concession_greedy: "check::nonneg" = 1.2, "0.8-2",
        "alpha_G: a greedy type's cost per unit cost of a step it takes.", "Kydd 2005 (greedy types value gains); value a judgement, docs/model.md 7.7";
    betrayal_sincere: "check::nonneg" = 2.0, "1-3",
        "phi_S: a security seeker's fear of being exploited after irreversible steps, per unit r*c at zero trust.", "Fearon 1995 (commitment problems); value a judgement, docs/model.md 7.7";
    betrayal_greedy: "check::nonneg" = 0.5, "0-1",
        "phi_G: the same fear for a greedy type, which expects less from the other anyway.", "Fearon 1995; value a judgement, docs/model.md 7.7";
    reciprocity_sincere: "check::nonneg" = 2.0, "1-3",
        "kappa_S: a security seeker's pull to answer a step the other has just made (or has in force for this exchange).", "Axelrod 1984; Kydd 2005; value a judgement, docs/model.md 7.7";
    reciprocity_greedy: "check::nonneg" = 0.0, "0-1",
        "kappa_G: the same pull for a greedy type.", "Kydd 2005 (greedy types reciprocate only for gain); judgement, docs/model.md 7.7";
    pocket_sincere: "check::nonneg" = 0.05, "0-0.1",
        "gamma_S: a security seeker's appetite, per unit value, for keeping the other's steps without paying.", "Kydd 2005; value a judgement, docs/model.md 7.7";
    pocket_greedy: "check::nonneg" = 0.3, "0.1-0.6",
        "gamma_G: a greedy type's appetite for pocketing the other's steps in force.", "Kydd 2005 (type G exploits reassurance); value a judgement, docs/model.md 7.7";
    coercion_sincere: "check::nonneg" = 0.2, "0-0.5",
        "h_S: how much a unit of accumulated pressure raises a security seeker's utility of giving in.", "Jervis 1976 (spiral model: pressure feeds threat, not compliance); judgement, docs/model.md 7.7";
    coercion_greedy: "check::nonneg" = 1.0, "0.5-2",
        "h_G: how much a unit of accumulated pressure raises a greedy type's utility of giving in.", "Jervis 1976 (deterrence model); Pape 1997; Jentleson and Whytock 2005/06; judgement, docs/model.md 7.7";
    pressure_effect: "check::nonneg" = 0.5, "0-2",
        "e: accumulated pressure added per unit severity of the other's perceived hostile acts.", "lever (Drezner 1999: sanctions coerce rarely); docs/model.md 7.7";
    pressure_memory: "check::prob" = 0.03, "0.01-0.1",
        "rho: monthly decay of accumulated pressure (sanctions adaptation).", "judgement (half-life about 2 years), docs/model.md 7.7";
    keep_base: "check::nonneg" = 2.0, "0-4",
        "w0: reluctance to take back a standing step (audience costs of reversal).", "Tomz 2007 (audience costs); value a judgement, docs/model.md 7.7";
    verification: "check::nonneg" = 1.0, "0.5-1.5",
        "Verification regime: multiplies every move's verifiability nu (capped at 1).", "lever (1: the catalogue as written), docs/model.md 7.1";
    inclusion: "check::prob" = 0.0, "0-1",
        "iota: weight of women and civil society at the table.", "Krause, Krause and Branfors 2018; a lever, docs/model.md 7.13";
    inclusion_effect: "check::prob" = 0.5, "0-1",
        "Share of hostile shocks absorbed during a process at inclusion 1.", "Krause, Krause and Branfors 2018; value a judgement, docs/model.md 7.13";
    irreversible_threshold: "check::prob" = 0.5, "0.3-0.8",
        "Irreversibility r at which a step counts as irreversible (per-run metric).", "definition, docs/model.md 7.17";
    irreversible_min_cost: "check::score" = 2.0, "0-5",
        "Cost at which an irreversible verified step counts as the first irreversible step (cheap gestures do not).", "definition (for pattern 2), docs/model.md 7.17";
    verified_threshold: "check::prob" = 0.8, "0.5-0.95",
        "Verifiability nu at which a step counts as verified (per-run metric and freezes).", "definition, docs/model.md 7.17";
    interim_freeze_months: "check::nonneg" = 24.0, "12-36",
        "Months a verified freeze must hold, and still hold at the end, for an interim freeze.", "judgement (two years), docs/model.md 7.17";
}

/// An actor's payoff weights (`[actors.payoff]`): each month it scores the value of the other's
/// conciliatory standing steps in force, less the cost of its own, less tension, plus its own
/// and the other's stock, each weighted, and `war` is lost every month from a war on;
/// `payoff:<actor>` is the sum over the horizon discounted at `discount` a year, in
/// utility-years (docs/model.md 7.17).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Payoff {
    #[serde(deserialize_with = "check::prob")]
    pub discount: f64,
    #[serde(deserialize_with = "check::nonneg")]
    pub relief: f64,
    #[serde(deserialize_with = "check::nonneg")]
    pub concession: f64,
    #[serde(deserialize_with = "check::nonneg")]
    pub tension: f64,
    #[serde(deserialize_with = "check::finite")]
    pub own_stock: f64,
    #[serde(deserialize_with = "check::finite")]
    pub other_stock: f64,
    #[serde(deserialize_with = "check::nonneg")]
    pub war: f64,
}

impl Default for Payoff {
    fn default() -> Self {
        Payoff {
            discount: 0.95,
            relief: 1.0,
            concession: 1.0,
            tension: 5.0,
            own_stock: 0.0,
            other_stock: 0.0,
            war: 50.0,
        }
    }
}

/// The largest magnitude of any value the aggregates hold exactly: a run metric, a monthly
/// value or a payoff. Moments are sums of fixed-point values (x * 2^24) in 128-bit integers;
/// a paired difference of two values of at most this size, squared and summed over the most
/// runs a batch may have (2^32), stays below 2^127.
pub const MAX_MAGNITUDE: f64 = 5_000_000.0;

/// Two parameters whose values contradict each other (each is within its own range).
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The parameter the message is about (the one to change).
    pub key: &'static str,
    pub message: String,
}

impl Params {
    /// Relations between parameters that the range of each value cannot express. Every
    /// assembled parameter set is checked with this one function: the scenario's `[params]`,
    /// each arm's overrides and each sweep point.
    pub fn check(&self) -> Result<(), Conflict> {
        let conflict = |key, message: String| Err(Conflict { key, message });
        if self.trust_floor <= 0.0 {
            return conflict(
                "trust_floor",
                format!(
                    "trust_floor must be above 0, found {}: trust is kept in log-odds, which are infinite at 0 (typical range 0.001-0.05)",
                    self.trust_floor
                ),
            );
        }
        if self.trust_ceiling >= 1.0 {
            return conflict(
                "trust_ceiling",
                format!(
                    "trust_ceiling must be below 1, found {}: trust is kept in log-odds, which are infinite at 1 (typical range 0.95-0.999)",
                    self.trust_ceiling
                ),
            );
        }
        if self.trust_floor >= self.trust_ceiling {
            return conflict(
                "trust_floor",
                format!(
                    "trust_floor ({}) must be below trust_ceiling ({})",
                    self.trust_floor, self.trust_ceiling
                ),
            );
        }
        Ok(())
    }
}

/// Optional values with the same checks.
pub mod check_opt {
    use serde::{Deserialize, Deserializer};

    /// An optional probability in [0, 1].
    pub fn prob<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        #[derive(Deserialize)]
        struct W(#[serde(deserialize_with = "super::check::prob")] f64);
        Ok(Some(W::deserialize(d)?.0))
    }
}
