//! The affective channel: shared tension tau in [0,1], misperception and domestic pressure.

use super::Params;

/// One month's tension update: `tau + a*severity - b*value - d*(tau - tau_base)`, clipped.
pub fn update(tau: f64, hostile_severity: f64, conciliatory_value: f64, p: &Params) -> f64 {
    (tau + p.tension_hostile * hostile_severity
        - p.tension_conciliatory * conciliatory_value
        - p.tension_decay * (tau - p.tension_base))
        .clamp(0.0, 1.0)
}

/// Misperception probability at tension tau: `eps0 + eps1*tau`, capped at 1.
pub fn misperception(tau: f64, p: &Params) -> f64 {
    (p.misperception_base + p.misperception_slope * tau).min(1.0)
}

/// Domestic pressure h = clip(h0 + slope*(tau - pivot)) in [0,1].
pub fn pressure(h0: f64, tau: f64, p: &Params) -> f64 {
    (h0 + p.pressure_slope * (tau - p.pressure_pivot)).clamp(0.0, 1.0)
}

/// Monthly war hazard `hmax * tau^k`.
pub fn war_hazard(tau: f64, p: &Params) -> f64 {
    let k = p.war_exponent;
    if k == 3.0 {
        p.war_hazard * tau * tau * tau
    } else {
        // tau^k without libm (the hazard decides the war draw).
        p.war_hazard
            * if tau > 0.0 {
                super::math::exp(k * super::math::ln(tau))
            } else {
                0.0
            }
    }
}
