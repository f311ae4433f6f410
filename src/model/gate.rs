//! The irreversibility gate and domestic feasibility: which moves an actor can make now.

use super::Params;

/// Stake x = min(1, c*r/stake_scale): what the mover loses if exploited.
pub fn stake(cost: f64, irreversibility: f64, p: &Params) -> f64 {
    (cost * irreversibility / p.stake_scale).min(1.0)
}

/// Trust needed for a move of stake x: `t_rev + (t_irr - t_rev)*x`.
pub fn threshold(stake: f64, p: &Params) -> f64 {
    p.gate_reversible + (p.gate_irreversible - p.gate_reversible) * stake
}

/// Whether trust clears the gate for a given stake.
pub fn passes(trust: f64, stake: f64, p: &Params) -> bool {
    trust >= threshold(stake, p)
}

/// Domestic feasibility: `c*(1 + gamma*h) <= B*(1 - h)`.
pub fn feasible(cost: f64, pressure: f64, budget: f64, p: &Params) -> bool {
    cost * (1.0 + p.gift_framing * pressure) <= budget * (1.0 - pressure)
}
