//! Property tests: for arbitrary valid parameters, trust stays in [floor, ceiling] (so within
//! [0.01, 0.99] at the defaults), tension in [0, 1], and nothing is NaN.

use detente::engine::{self, Keep, Workspace};
use detente::model::{self, Params};
use detente::rng;
use detente::scenario;
use proptest::prelude::*;

fn params() -> impl Strategy<Value = Params> {
    (
        (
            0.0..0.2f64,
            1.0..3.0f64,
            0.0..0.1f64,
            0.0..5.0f64,
            4.0..12.0f64,
            0.05..0.3f64,
        ),
        (
            0.0..0.1f64,
            0.0..0.2f64,
            0.0..0.05f64,
            0.0..0.05f64,
            0.01..0.2f64,
            0.2..0.6f64,
        ),
        (
            0.0..0.2f64,
            0.5..0.9f64,
            0.0..1.0f64,
            0.0..2.0f64,
            0.0..0.1f64,
            0.0..0.005f64,
        ),
        (0.0..0.2f64, 0.5..1.5f64, 0.0..1.0f64, 0.0..1.0f64),
    )
        .prop_map(|(a, b, c, d)| Params {
            forgetting: a.0,
            negativity: a.1,
            standing_lr: a.2,
            standing_min_cost: a.3,
            mimic_budget: a.4,
            mimic_min: a.5,
            misperception_base: b.0,
            misperception_slope: b.1,
            tension_hostile: b.2,
            tension_conciliatory: b.3,
            tension_decay: b.4,
            tension_base: b.5,
            concession_greedy: c.0 * 10.0,
            coercion_greedy: c.1 * 2.0,
            pressure_slope: c.2,
            gift_framing: c.3,
            execution_failure: c.4,
            war_hazard: c.5,
            pressure_effect: d.0 * 2.0,
            verification: d.1,
            inclusion: d.2,
            inclusion_effect: d.3,
            ..Params::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn state_stays_bounded(p in params(), tension in 0.0..1.0f64, t0 in 0.01..0.99f64, t1 in 0.01..0.99f64, seed in any::<u64>()) {
        let mut sc = scenario::default_scenario().scenario;
        sc.initial.tension = tension;
        sc.actors[0].initial_trust = t0;
        sc.actors[1].initial_trust = t1;
        sc.horizon = 60;
        for arm in sc.experiment.arms.iter_mut() {
            arm.params = p.clone();
            arm.moves = sc.moves.clone();
            model::derive_moves(&mut arm.moves, &p);
        }
        let mut ws = Workspace::new();
        for run in 0..3 {
            for arm in &sc.experiment.arms {
                let mut keep = Keep::default();
                let r = engine::simulate(&sc, arm, rng::run_seed(seed, run), &mut ws, &mut keep);
                for m in keep.months.iter().filter(|m| m.active) {
                    for t in m.trust {
                        prop_assert!(t.is_finite());
                        prop_assert!(t >= p.trust_floor - 1e-12 && t <= p.trust_ceiling + 1e-12, "trust {t}");
                        prop_assert!((0.01 - 1e-12..=0.99 + 1e-12).contains(&t));
                    }
                    prop_assert!((0.0..=1.0).contains(&m.tension), "tension {}", m.tension);
                    prop_assert!(m.stock.is_finite() && m.stock >= 0.0);
                }
                prop_assert!(r.war_risk.is_finite() && (0.0..=1.0).contains(&r.war_risk));
                prop_assert!(r.final_stock.is_finite());
            }
        }
    }
}
