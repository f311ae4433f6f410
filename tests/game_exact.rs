//! The repeated-game engine against exact results: for memory-one pairs, the expected payoff of
//! an N-turn match with execution noise follows from the 4-state Markov chain (states CC, CD,
//! DC, DD; effective cooperation probability p(1-e) + (1-p)e; the first turn from the opening
//! probabilities). Simulated means must agree within 4 standard errors.

use detente::batch::game as batch;
use detente::game::{Payoffs, Player};
use detente::scenario::game::GameScenario;

/// Expected mean payoff per turn of each side over `n` turns.
fn exact(pay: &Payoffs, a: ([f64; 4], f64), b: ([f64; 4], f64), e: f64, n: u32) -> [f64; 2] {
    let eff = |p: f64| p * (1.0 - e) + (1.0 - p) * e;
    let (oa, ob) = (eff(a.1), eff(b.1));
    // States from side A's view: (A's move, B's move) in CC, CD, DC, DD.
    let mut v = [
        oa * ob,
        oa * (1.0 - ob),
        (1.0 - oa) * ob,
        (1.0 - oa) * (1.0 - ob),
    ];
    let pay_a = [pay.r, pay.s, pay.t, pay.p];
    let pay_b = [pay.r, pay.t, pay.s, pay.p];
    // B sees state (x, y) as (y, x): CC->CC, CD->DC, DC->CD, DD->DD.
    let swap = [0, 2, 1, 3];
    let mut total = [0.0, 0.0];
    for _ in 0..n {
        for s in 0..4 {
            total[0] += v[s] * pay_a[s];
            total[1] += v[s] * pay_b[s];
        }
        let mut next = [0.0; 4];
        for s in 0..4 {
            let ca = eff(a.0[s]);
            let cb = eff(b.0[swap[s]]);
            next[0] += v[s] * ca * cb;
            next[1] += v[s] * ca * (1.0 - cb);
            next[2] += v[s] * (1.0 - ca) * cb;
            next[3] += v[s] * (1.0 - ca) * (1.0 - cb);
        }
        v = next;
    }
    [total[0] / n as f64, total[1] / n as f64]
}

fn scenario(noise: f64, turns: u32) -> GameScenario {
    let text = format!(
        r#"
name = "exact"
[game]
payoffs = {{ R = 3, S = 0, T = 5, P = 1 }}
turns = {turns}
noise = {noise}
[[strategies]]
id = "allc"
kind = "always_cooperate"
[[strategies]]
id = "alld"
kind = "always_defect"
[[strategies]]
id = "tft"
kind = "tit_for_tat"
[[strategies]]
id = "gtft"
kind = "generous_tit_for_tat"
[[strategies]]
id = "wsls"
kind = "win_stay_lose_shift"
[[strategies]]
id = "random"
kind = "random"
p = 0.3
[[strategies]]
id = "m1"
kind = "memory_one"
cc = 0.9
cd = 0.2
dc = 0.7
dd = 0.4
opening = 0.6
[experiment]
runs = 4000
seed = 1
round_robin = true
"#
    );
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("exact.toml");
    std::fs::write(&p, text).unwrap();
    match detente::scenario::load_any(&p).unwrap() {
        detente::scenario::Any::Game { scenario, .. } => *scenario,
        _ => panic!("not a game"),
    }
}

#[test]
fn memory_one_pairs_match_the_markov_chain() {
    for noise in [0.0, 0.01, 0.05, 0.2] {
        let sc = scenario(noise, 30);
        let agg = batch::run::<()>(&sc, sc.seed, 0..sc.runs, &|_| {}, &mut |_| Ok(())).unwrap();
        let mut checked = 0;
        for (a, arm) in sc.arms.iter().enumerate() {
            let (Some(pa), Some(pb)) = (
                sc.players[arm.players[0]].2.memory_one(),
                sc.players[arm.players[1]].2.memory_one(),
            ) else {
                continue;
            };
            let want = exact(&sc.game.payoffs, pa, pb, noise, 30);
            for (side, want) in want.iter().enumerate() {
                let m = agg.at(a, side);
                let se = m.sd() / (m.n as f64).sqrt();
                let diff = (m.mean() - want).abs();
                // Deterministic pairs without noise have zero variance: then equality up to the
                // aggregates' fixed-point resolution (2^-24).
                let tolerance = (4.0 * se).max(1e-6);
                assert!(
                    diff <= tolerance,
                    "{} side {side} noise {noise}: simulated {} exact {} (se {se})",
                    arm.id,
                    m.mean(),
                    want
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 2 * 28, "every memory-one pairing checked");
    }
}

#[test]
fn default_generosity_is_a_third_for_axelrods_payoffs() {
    let p = Payoffs {
        r: 3.0,
        s: 0.0,
        t: 5.0,
        p: 1.0,
    };
    assert!((p.default_generosity() - 1.0 / 3.0).abs() < 1e-12);
    let sc = scenario(0.0, 10);
    let gtft = sc.players.iter().find(|p| p.0 == "gtft").unwrap();
    let Player::MemoryOne { p, opening } = gtft.2 else {
        panic!("not memory-one")
    };
    assert_eq!((p[0], p[2], opening), (1.0, 1.0, 1.0));
    assert!((p[1] - 1.0 / 3.0).abs() < 1e-12 && (p[3] - 1.0 / 3.0).abs() < 1e-12);
}

#[test]
fn classic_results_without_noise() {
    let sc = scenario(0.0, 100);
    let agg = batch::run::<()>(&sc, 1, 0..50, &|_| {}, &mut |_| Ok(())).unwrap();
    let arm = |a: &str, b: &str| {
        sc.arms
            .iter()
            .position(|x| x.id == format!("{a}_vs_{b}"))
            .unwrap()
    };
    // TFT against ALLD: exploited once, then mutual defection: (0 + 99*1)/100 and (5 + 99)/100.
    let i = arm("alld", "tft");
    assert!((agg.at(i, 0).mean() - 1.04).abs() < 1e-6 && (agg.at(i, 1).mean() - 0.99).abs() < 1e-6);
    // TFT with itself cooperates throughout.
    let j = arm("tft", "tft");
    assert!((agg.at(j, 0).mean() - 3.0).abs() < 1e-6);
}

#[test]
fn contrite_tit_for_tat_accepts_punishment_for_its_own_noisy_defection() {
    use detente::game::PlayerState;
    let ctft = Player::Contrite;
    let mut s = PlayerState::default();
    let mut rng = detente::rng::stream(1, 9);
    // Turn 1: both intend C; noise flips CTFT's move to D; the other cooperated.
    assert!(ctft.choose(&mut s, None, &mut rng));
    ctft.observe(&mut s, true, false, true);
    // Turn 2: it plays the other's last move (C) and is now contrite.
    assert!(ctft.choose(&mut s, Some((false, true)), &mut rng));
    ctft.observe(&mut s, true, true, false);
    // Turn 3: the other punishes (D); contrite and it cooperated, so it cooperates, not echo.
    assert!(ctft.choose(&mut s, Some((true, false)), &mut rng));
    ctft.observe(&mut s, true, true, true);
    // Turn 4: back to plain tit-for-tat.
    assert!(ctft.choose(&mut s, Some((true, true)), &mut rng));
    // A defection of the other that noise did not cause on its side is answered.
    let mut t = PlayerState::default();
    ctft.observe(&mut t, true, true, false);
    assert!(!ctft.choose(&mut t, Some((true, false)), &mut rng));
}
