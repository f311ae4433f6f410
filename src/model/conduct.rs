//! Conduct: each side's type-conditional stochastic choice of whether to take a step (or
//! accept a package) and whether to take back a standing step (McKelvey and Palfrey 1995).
//!
//! A strategy proposes; conduct disposes. Each choice is a logit on the difference in utility
//! between acting and holding, `P = logistic(lambda * U)`, with weights that depend on the
//! actor's type (S, a security seeker; G, greedy; Kydd 2005). The same probabilities drive
//! behaviour and serve an observer as likelihoods, which is what makes beliefs exact
//! posteriors. Every term is documented in `docs/model.md` (section 7.7).

use super::Params;
use super::math::logistic;

/// Type index of the weights: S (sincere, a security seeker) and G (greedy).
pub const S: usize = 0;
pub const G: usize = 1;

/// The weights of one type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TypeWeights {
    /// alpha: cost of a unit of concession.
    pub concession: f64,
    /// phi: fear of betrayal after irreversible steps, per unit of r*c at zero trust.
    pub betrayal: f64,
    /// kappa: the pull of reciprocity when the other side has just given.
    pub reciprocity: f64,
    /// gamma: the appetite for pocketing what the other has in force.
    pub pocket: f64,
    /// h: the weight of accumulated pressure (the cost of holding out).
    pub coercion: f64,
}

/// The conduct rule with its constants (the engine builds one per arm).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conduct {
    /// lambda: how sharply choices follow utilities.
    pub precision: f64,
    /// beta: weight of the value expected in return.
    pub value: f64,
    /// w0: the reluctance to take back a standing step.
    pub keep: f64,
    /// Weights per type, indexed by [`S`] and [`G`].
    pub types: [TypeWeights; 2],
    /// e: pressure added per unit severity of the other's perceived hostile acts.
    pub pressure_effect: f64,
    /// rho: monthly decay of accumulated pressure.
    pub pressure_memory: f64,
}

/// What a side weighs when deciding whether to take a step or accept a package (a bundle).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Take {
    /// tau: felt trust that the other side delivers.
    pub trust: f64,
    /// V: value expected in return for the bundle.
    pub value: f64,
    /// D: the part of V the other side has already delivered (in hand, so not discounted by
    /// trust; reciprocating keeps it).
    pub secured: f64,
    /// C: total cost of the bundle.
    pub cost: f64,
    /// Sum of r*c over the bundle: what is lost for good if the other defects.
    pub sunk: f64,
    /// The other side gave something this month, or has its half of this exchange in force.
    pub reciprocated: bool,
    /// P: accumulated pressure.
    pub pressure: f64,
    /// H: value of the other's conciliatory standing steps in force (what holding pockets).
    pub held: f64,
}

/// What a side weighs when deciding whether to take back a standing step.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Withdraw {
    pub trust: f64,
    /// The step's cost (saved by taking it back).
    pub cost: f64,
    /// Months this side has had steps out with nothing in return.
    pub unreciprocated: u32,
    /// The other side gave something this month.
    pub reciprocated: bool,
    /// H: value of the other's conciliatory standing steps in force.
    pub held: f64,
}

impl Conduct {
    pub fn new(p: &Params) -> Self {
        Conduct {
            precision: p.choice_precision,
            value: p.value_weight,
            keep: p.keep_base,
            types: [
                TypeWeights {
                    concession: p.concession_sincere,
                    betrayal: p.betrayal_sincere,
                    reciprocity: p.reciprocity_sincere,
                    pocket: p.pocket_sincere,
                    coercion: p.coercion_sincere,
                },
                TypeWeights {
                    concession: p.concession_greedy,
                    betrayal: p.betrayal_greedy,
                    reciprocity: p.reciprocity_greedy,
                    pocket: p.pocket_greedy,
                    coercion: p.coercion_greedy,
                },
            ],
            pressure_effect: p.pressure_effect,
            pressure_memory: p.pressure_memory,
        }
    }

    /// Utility of taking the bundle over holding out, for type `k`:
    /// `beta*(D + tau*(V - D)) - alpha*C - phi*(1 - tau)*sum(r*c) + kappa*[reciprocated] + h*P
    /// - gamma*H`.
    pub fn take_utility(&self, k: usize, x: &Take) -> f64 {
        let w = &self.types[k];
        self.value * (x.secured + x.trust * (x.value - x.secured))
            - w.concession * x.cost
            - w.betrayal * (1.0 - x.trust) * x.sunk
            + if x.reciprocated { w.reciprocity } else { 0.0 }
            + w.coercion * x.pressure
            - w.pocket * x.held
    }

    /// Utility of taking a standing step back over keeping it, for type `k`:
    /// `alpha*c*min(u, 24)/12 + (gamma - beta*tau)*H - kappa*[reciprocated] - w0`.
    pub fn withdraw_utility(&self, k: usize, x: &Withdraw) -> f64 {
        let w = &self.types[k];
        w.concession * x.cost * f64::from(x.unreciprocated.min(24)) / 12.0
            + (w.pocket - self.value * x.trust) * x.held
            - if x.reciprocated { w.reciprocity } else { 0.0 }
            - self.keep
    }

    /// The probability of acting on a utility difference `u`.
    pub fn prob(&self, u: f64) -> f64 {
        logistic(self.precision * u)
    }

    /// Both types' probabilities of taking the bundle, indexed by [`S`] and [`G`].
    pub fn take(&self, x: &Take) -> [f64; 2] {
        [S, G].map(|k| self.prob(self.take_utility(k, x)))
    }

    /// Both types' probabilities of taking the step back.
    pub fn withdraw(&self, x: &Withdraw) -> [f64; 2] {
        [S, G].map(|k| self.prob(self.withdraw_utility(k, x)))
    }

    /// Both types' probabilities of taking a bundle its strategy proposes, for a side with
    /// `discretion` d: the policy binds with probability 1 - d, its type weighs the rest,
    /// `P' = 1 - d + d*P`.
    pub fn take_with(&self, x: &Take, discretion: f64) -> [f64; 2] {
        self.take(x).map(|p| 1.0 - discretion + discretion * p)
    }

    /// Both types' probabilities of taking a standing step back, for a side with `discretion`
    /// d: a bound policy takes nothing back its strategy keeps, `P' = d*P`.
    pub fn withdraw_with(&self, x: &Withdraw, discretion: f64) -> [f64; 2] {
        self.withdraw(x).map(|p| discretion * p)
    }

    /// Accumulated pressure after a month with hostile acts of total perceived `severity`:
    /// `P <- (1 - rho)*P + e*severity`.
    pub fn accumulate(&self, pressure: f64, severity: f64) -> f64 {
        (1.0 - self.pressure_memory) * pressure + self.pressure_effect * severity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_already_delivered_counts_in_full() {
        let c = conduct();
        let x = Take {
            trust: 0.2,
            value: 3.0,
            cost: 2.0,
            ..Take::default()
        };
        let promised = c.take_utility(G, &x);
        let delivered = c.take_utility(G, &Take { secured: 3.0, ..x });
        assert!((delivered - promised - 0.8 * 3.0).abs() < 1e-12);
    }

    #[test]
    fn discretion_blends_the_policy_with_the_type() {
        let c = conduct();
        let x = Take {
            trust: 0.1,
            value: 1.0,
            cost: 5.0,
            sunk: 5.0,
            ..Take::default()
        };
        let free = c.take(&x);
        assert_eq!(c.take_with(&x, 1.0), free);
        assert_eq!(c.take_with(&x, 0.0), [1.0, 1.0]);
        let half = c.take_with(&x, 0.5);
        assert!((half[G] - (0.5 + 0.5 * free[G])).abs() < 1e-12);
        let w = Withdraw {
            cost: 5.0,
            unreciprocated: 24,
            ..Withdraw::default()
        };
        assert_eq!(c.withdraw_with(&w, 0.0), [0.0, 0.0]);
        assert_eq!(c.withdraw_with(&w, 1.0), c.withdraw(&w));
    }

    fn conduct() -> Conduct {
        Conduct::new(&Params::default())
    }

    #[test]
    fn a_sincere_side_takes_a_reciprocated_cheap_step_more_readily_than_a_greedy_one() {
        let c = conduct();
        let x = Take {
            trust: 0.5,
            value: 2.0,
            cost: 1.0,
            sunk: 0.2,
            reciprocated: true,
            ..Take::default()
        };
        let [s, g] = c.take(&x);
        assert!(s > 0.9 && g < s, "{s} {g}");
    }

    #[test]
    fn pressure_moves_the_greedy_type_more_than_the_sincere_one() {
        let c = conduct();
        let x = Take {
            trust: 0.2,
            value: 20.0,
            cost: 20.0,
            sunk: 10.0,
            ..Take::default()
        };
        let calm = c.take(&x);
        let pressed = c.take(&Take {
            pressure: 10.0,
            ..x
        });
        assert!(pressed[G] - calm[G] > pressed[S] - calm[S]);
        assert!(pressed[G] > calm[G]);
    }

    #[test]
    fn an_irreversible_step_needs_trust() {
        let c = conduct();
        let x = Take {
            value: 6.0,
            cost: 5.0,
            sunk: 4.5,
            reciprocated: true,
            ..Take::default()
        };
        let low = c.take(&Take { trust: 0.1, ..x })[S];
        let high = c.take(&Take { trust: 0.9, ..x })[S];
        assert!(low < 0.01 && high > 0.5, "{low} {high}");
    }

    #[test]
    fn the_greedy_type_pockets_and_the_sincere_type_keeps() {
        let c = conduct();
        let x = Withdraw {
            trust: 0.2,
            cost: 2.0,
            held: 12.0,
            ..Withdraw::default()
        };
        let [s, g] = c.withdraw(&x);
        assert!(g > 10.0 * s, "{s} {g}");
        // Steps long unreciprocated are taken back by either type.
        let long = c.withdraw(&Withdraw {
            unreciprocated: 24,
            held: 0.0,
            cost: 4.0,
            ..x
        });
        assert!(long[S] > 0.5, "{long:?}");
    }
}
