//! Each mechanism against its closed form.

mod common;

use detente::batch::stats::{Moments, quantile, wilson};
use detente::model::{Params, gate, tension, trust};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn log_odds_update_matches_closed_form() {
    let p = Params::default();
    let l0 = trust::logit(0.15);
    let l = trust::logit(0.3);
    let good = 0.2;
    let bad = 0.1;
    let expected = l + p.forgetting * (l0 - l) + good - p.negativity * bad;
    assert!(close(trust::update(l, l0, good, bad, &p), expected));
    // With no evidence trust decays toward the initial belief, geometrically.
    let mut x = l;
    for _ in 0..10 {
        x = trust::update(x, l0, 0.0, 0.0, &p);
    }
    let geometric = l0 + (l - l0) * (1.0 - p.forgetting).powi(10);
    assert!((x - geometric).abs() < 1e-12);
}

#[test]
fn trust_is_clipped() {
    let p = Params::default();
    let l0 = trust::logit(0.5);
    let up = trust::logistic(trust::update(0.0, l0, 100.0, 0.0, &p));
    let down = trust::logistic(trust::update(0.0, l0, 0.0, 100.0, &p));
    assert!((up - p.trust_ceiling).abs() < 1e-12);
    assert!((down - p.trust_floor).abs() < 1e-12);
}

#[test]
fn nuclear_test_undoes_three_or_four_good_steps() {
    // docs/model.md 7.3: with the negativity multiplier a nuclear test costs about 0.54 in
    // log-odds, about three or four Yongbyon-freeze observations. Taken from the default
    // scenario as the engine uses it: each arm's derived moves and its trust-update rule.
    let sc = detente::scenario::parse(common::KOREA, "korea-2019.toml").unwrap();
    let test = sc.move_ix("nuclear_test").unwrap();
    let freeze = sc.move_ix("freeze_yongbyon").unwrap();
    for arm in &sc.experiment.arms {
        let (test, freeze) = (&arm.moves[test], &arm.moves[freeze]);
        assert!(test.is_hostile() && freeze.is_conciliatory());
        let belief = trust::Belief::new(&arm.params);
        // One month at the initial belief (no forgetting), evidence only.
        let l0 = trust::logit(0.3);
        let cost = l0 - belief.apply(l0, l0, 0.0, test.log_lr);
        let step = belief.apply(l0, l0, freeze.log_lr, 0.0) - l0;
        assert!(
            (cost - 0.54).abs() < 0.01,
            "{}: a nuclear test costs {cost}",
            arm.id
        );
        assert!(step > 0.0);
        let steps = cost / step;
        assert!(
            (3.0..=4.0).contains(&steps),
            "{}: a nuclear test undoes {steps} Yongbyon-freeze observations",
            arm.id
        );
    }
}

#[test]
fn derived_likelihood_ratio_matches_closed_form() {
    let p = Params::default();
    // Freeze Yongbyon: c 4, r 0.3, nu 0.9: mimic = 1 - 1.2/8 = 0.85.
    let mimic = trust::mimic_probability(4.0, 0.3, &p);
    assert!(close(mimic, 0.85));
    let lr = trust::lr_observed(4.0, 0.3, 0.9, &p);
    assert!(close(lr, 1.0 + 0.9 * (1.0 / 0.85 - 1.0)));
    // Shipping out warheads hits the mimic floor: LR = 1 + 0.8*(1/0.1 - 1) = 8.2.
    assert!(close(trust::lr_observed(10.0, 1.0, 0.8, &p), 8.2));
    // An unverifiable move carries no information.
    assert!(close(trust::lr_observed(10.0, 1.0, 0.0, &p), 1.0));
    // More cost, more irreversibility or more verifiability never lowers the ratio.
    let mut last = 1.0;
    for k in 0..=20 {
        let c = k as f64 * 0.5;
        let lr = trust::lr_observed(c, 0.6, 0.9, &p);
        assert!(lr >= last);
        last = lr;
    }
}

#[test]
fn stake_is_capped_and_monotone() {
    let p = Params::default();
    assert!(close(gate::stake(10.0, 1.0, &p), 1.0));
    assert!(close(gate::stake(20.0, 1.0, &p), 1.0));
    assert!(close(gate::stake(4.0, 0.3, &p), 0.12));
    let mut last = 0.0;
    for k in 0..=100 {
        let x = gate::stake(k as f64 * 0.1, 0.7, &p);
        assert!(x >= last);
        last = x;
    }
}

#[test]
fn domestic_feasibility_and_gift_framing() {
    let mut p = Params::default();
    // h = 0.5: c*(1 + 0.5) <= 15*0.5 allows c <= 5 at gamma = 1.
    assert!(gate::feasible(5.0, 0.5, 15.0, &p));
    assert!(!gate::feasible(5.1, 0.5, 15.0, &p));
    p.gift_framing = 0.0;
    assert!(gate::feasible(7.5, 0.5, 15.0, &p));
    assert!(!gate::feasible(7.6, 0.5, 15.0, &p));
    assert!(close(tension::pressure(0.3, 0.8, &Params::default()), 0.5));
    assert!(close(tension::pressure(0.9, 1.0, &Params::default()), 1.0));
}

#[test]
fn tension_update_and_hazards() {
    let p = Params::default();
    let t = tension::update(0.8, 5.0, 3.0, &p);
    assert!(close(t, 0.8 + 0.02 * 5.0 - 0.02 * 3.0 - 0.05 * (0.8 - 0.4)));
    assert!(close(tension::update(0.99, 100.0, 0.0, &p), 1.0));
    assert!(close(tension::update(0.01, 0.0, 100.0, &p), 0.0));
    // With no acts, tension relaxes to its base.
    let mut x: f64 = 0.9;
    for _ in 0..500 {
        x = tension::update(x, 0.0, 0.0, &p);
    }
    assert!((x - p.tension_base).abs() < 1e-9);
    assert!(close(tension::misperception(0.5, &p), 0.03 + 0.07 * 0.5));
    assert!(close(tension::war_hazard(0.5, &p), 0.001 * 0.125));
    let q = Params {
        war_exponent: 2.0,
        ..Params::default()
    };
    assert!(close(tension::war_hazard(0.5, &q), 0.001 * 0.25));
}

#[test]
fn wilson_interval_known_values() {
    // 0 of 10: (0, 0.2775); 5 of 10: (0.2366, 0.7634) (Wilson 1927, z = 1.96).
    let (l, u) = wilson(0, 10);
    assert!(l.abs() < 1e-12 && (u - 0.277_53).abs() < 1e-4, "{l} {u}");
    let (l, u) = wilson(5, 10);
    assert!(
        (l - 0.236_59).abs() < 1e-4 && (u - 0.763_41).abs() < 1e-4,
        "{l} {u}"
    );
    let (l, u) = wilson(10, 10);
    assert!(
        (l - 0.722_47).abs() < 1e-4 && (u - 1.0).abs() < 1e-12,
        "{l} {u}"
    );
}

#[test]
fn moments_are_exact_and_merge_in_any_order() {
    let xs: Vec<f64> = (0..1000)
        .map(|i| ((i * 7919) % 1000) as f64 / 997.0)
        .collect();
    let mut all = Moments::default();
    xs.iter().for_each(|&x| all.add(x));
    let mut a = Moments::default();
    let mut b = Moments::default();
    xs.iter()
        .rev()
        .enumerate()
        .for_each(|(i, &x)| if i % 3 == 0 { a.add(x) } else { b.add(x) });
    b.merge(&a);
    assert_eq!(all, b);
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64).sqrt();
    assert!((all.mean() - mean).abs() < 1e-7);
    assert!((all.sd() - sd).abs() < 1e-7);
}

#[test]
fn histogram_quantiles() {
    // 100 values spread evenly over [0, 1) in 100 bins: the quantiles are the values.
    let counts = vec![1u32; 100];
    assert!((quantile(&counts, 0.0, 1.0, 0.5) - 0.5).abs() < 1e-12);
    assert!((quantile(&counts, 0.0, 1.0, 0.1) - 0.1).abs() < 1e-12);
    // All mass in one bin: the quantile lies inside it.
    let mut c = vec![0u32; 10];
    c[3] = 50;
    let q = quantile(&c, 0.0, 1.0, 0.9);
    assert!((0.3..=0.4).contains(&q));
}

#[test]
fn an_arm_override_of_verification_applies_once() {
    let text = include_str!("../scenarios/korea-2019.toml").replacen(
        "strategies = { US = \"grit\", DPRK = \"hedger\" }",
        "strategies = { US = \"grit\", DPRK = \"hedger\" }\nparams = { verification = 0.5 }",
        1,
    );
    let sc = detente::scenario::parse(&text, "test.toml").unwrap();
    let m = sc.move_ix("freeze_yongbyon").unwrap();
    assert!(close(sc.moves[m].verifiability, 0.9));
    let grit = &sc.experiment.arms[sc.arm_ix("grit").unwrap()];
    assert!(close(grit.moves[m].verifiability, 0.45));
    assert!(close(grit.params.verification, 0.5));
    let inc = &sc.experiment.arms[sc.arm_ix("incremental").unwrap()];
    assert!(close(inc.moves[m].verifiability, 0.9));
}

#[test]
fn a_revoked_prerequisite_blocks_the_move_again() {
    use detente::model::MoveSet;
    use detente::strategies::{Board, Rules, SideState, View};
    let sc = detente::scenario::default_scenario().scenario;
    let arm = &sc.experiment.arms[0];
    let us = sc.actor_ix("US").unwrap();
    let freeze = sc.move_ix("freeze_yongbyon").unwrap();
    let relief = sc.move_ix("partial_sanctions_relief").unwrap();
    let since = vec![0u32; arm.moves.len()];
    let rules = Rules::new(&sc, arm);
    let trusting = SideState {
        sincere: true,
        trust: 0.99,
        ..SideState::default()
    };
    let board = |in_force: MoveSet, done: MoveSet| Board {
        tension: 0.0,
        in_force,
        done,
    };
    let view = |board, side| View::new(us, 10, board, side, None, &since, &rules);
    // Freeze in force: relief is available. Freeze made once but revoked: it is not.
    let kept = board(MoveSet::single(freeze), MoveSet::single(freeze));
    let revoked = board(MoveSet::EMPTY, MoveSet::single(freeze));
    assert!(view(&kept, &trusting).available(relief));
    assert!(!view(&revoked, &trusting).available(relief));
    // Trust does not make a step unavailable: whether to take it is conduct's choice.
    let wary = SideState {
        trust: 0.01,
        ..trusting
    };
    assert!(view(&kept, &wary).available(relief));
}

/// A side keeps its take-back candidate from month to month only while none of its eligible
/// steps passes its reversal lag (`engine/decide.rs`); debug builds check every kept answer
/// against a fresh search. The shipped scenarios give every step a lag of 1, so here the lags
/// are long and varied enough for kept answers to expire.
#[test]
fn take_backs_are_weighed_under_varied_reversal_lags() {
    use detente::engine::{Event, Keep, Workspace, simulate};
    let mut sc = detente::scenario::parse(common::KOREA, "korea-2019.toml").unwrap();
    for arm in sc.experiment.arms.iter_mut() {
        for (k, m) in arm.moves.iter_mut().enumerate() {
            m.reversal_lag = 1 + (k as u32 * 7) % 13;
        }
    }
    let mut ws = Workspace::new();
    let mut revoked = 0;
    for run in 0..150 {
        for arm in &sc.experiment.arms {
            let mut keep = Keep::default();
            simulate(&sc, arm, detente::rng::run_seed(1, run), &mut ws, &mut keep);
            revoked += keep
                .events
                .iter()
                .filter(|(_, e)| matches!(e, Event::Revoked { .. }))
                .count();
        }
    }
    assert!(revoked > 100, "only {revoked} steps taken back");
}
