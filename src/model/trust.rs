//! Trust as a Bayesian belief P(other is type S) in log-odds, with diagnosticity derived from
//! cost, irreversibility and verifiability (Kydd 2000, 2005).

use super::Params;

pub use super::math::{logistic, logit};

/// Probability that an exploiter (type G) mimics a move: `max(mu_min, 1 - c*r/E_G)`.
pub fn mimic_probability(cost: f64, irreversibility: f64, p: &Params) -> f64 {
    (1.0 - cost * irreversibility / p.mimic_budget).max(p.mimic_min)
}

/// Likelihood ratio S vs G of observing a move: `1 + nu*(1/mimic_G - 1)`.
pub fn lr_observed(cost: f64, irreversibility: f64, verifiability: f64, p: &Params) -> f64 {
    1.0 + verifiability * (1.0 / mimic_probability(cost, irreversibility, p) - 1.0)
}

/// Natural log of [`lr_observed`]: the log-odds a conciliatory observation adds.
pub fn log_lr_observed(cost: f64, irreversibility: f64, verifiability: f64, p: &Params) -> f64 {
    super::math::ln(lr_observed(cost, irreversibility, verifiability, p))
}

/// The trust-update rule with its constants precomputed (the engine builds one per run).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Belief {
    pub forgetting: f64,
    pub negativity: f64,
    /// Log-odds of the trust floor and ceiling.
    pub lo: f64,
    pub hi: f64,
}

impl Belief {
    pub fn new(p: &Params) -> Self {
        Belief {
            forgetting: p.forgetting,
            negativity: p.negativity,
            lo: logit(p.trust_floor),
            hi: logit(p.trust_ceiling),
        }
    }

    /// Clip a log-odds value so that the probability stays in [floor, ceiling].
    pub fn clip(&self, l: f64) -> f64 {
        l.clamp(self.lo, self.hi)
    }

    /// One month's update in log-odds: forgetting toward the initial belief `l0`, then the
    /// evidence (`good` and `bad` are sums of log likelihood ratios; `bad` is multiplied by the
    /// negativity multiplier), then the clip.
    pub fn apply(&self, l: f64, l0: f64, good: f64, bad: f64) -> f64 {
        let forgotten = l + self.forgetting * (l0 - l);
        self.clip(forgotten + good - self.negativity * bad)
    }
}

/// Clip a log-odds value so that the probability stays in [floor, ceiling].
pub fn clip_log_odds(l: f64, p: &Params) -> f64 {
    Belief::new(p).clip(l)
}

/// One month's trust update in log-odds (see [`Belief::apply`]).
pub fn update(l: f64, l0: f64, good: f64, bad: f64, p: &Params) -> f64 {
    Belief::new(p).apply(l, l0, good, bad)
}
