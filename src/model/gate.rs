//! A move's stake and domestic feasibility: which moves an actor can make now.

use super::Params;

/// Stake x = min(1, c*r/stake_scale): what the mover loses if exploited.
pub fn stake(cost: f64, irreversibility: f64, p: &Params) -> f64 {
    (cost * irreversibility / p.stake_scale).min(1.0)
}

/// Domestic feasibility: `c*(1 + gamma*h) <= B*(1 - h)`.
pub fn feasible(cost: f64, pressure: f64, budget: f64, p: &Params) -> bool {
    cost * (1.0 + p.gift_framing * pressure) <= budget * (1.0 - pressure)
}
