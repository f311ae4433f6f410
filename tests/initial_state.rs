//! A scenario can start from a given state (moves in force, trust, tension, arsenal, the month
//! of the next administration change), and the Hanoi roadmap escrows steps that need the other
//! side's half.

mod common;

use detente::engine::{self, Event, Keep, Workspace};
use detente::model::Scenario;
use detente::rng;

fn singapore() -> Scenario {
    detente::scenario::load(std::path::Path::new("scenarios/singapore-2018.toml"))
        .unwrap()
        .scenario
}

fn run(sc: &Scenario, arm: &str, r: u64) -> Keep {
    let arm = sc.experiment.arms.iter().find(|a| a.id == arm).unwrap();
    let mut k = Keep::default();
    engine::simulate(sc, arm, rng::run_seed(23, r), &mut Workspace::new(), &mut k);
    k
}

#[test]
fn the_initial_state_is_the_scenarios() {
    let sc = singapore();
    let k = run(&sc, "full_package", 0);
    let m0 = k.months[0];
    assert!((m0.trust[0] - 0.2).abs() < 1e-12 && (m0.trust[1] - 0.25).abs() < 1e-12);
    assert!((m0.tension - 0.4).abs() < 1e-12);
    assert!((m0.stock - 35.0).abs() < 1e-12);
    for id in [
        "test_moratorium",
        "demolish_test_site",
        "release_detainees",
        "return_remains",
        "suspend_exercises",
    ] {
        assert!(
            sc.initial.in_force.contains(sc.move_ix(id).unwrap()),
            "{id}"
        );
    }
    // Moves already done are never made again.
    let remains = sc.move_ix("return_remains").unwrap();
    for r in 0..50 {
        let k = run(&sc, "action_for_action", r);
        assert!(!k.events.iter().any(|(_, e)| *e
            == Event::Made {
                actor: 1,
                mv: remains
            }));
    }
}

#[test]
fn a_moratorium_in_force_lowers_the_test_rate() {
    // The same shocks (same seeds), with and without the moratorium in force at the start.
    let sg = singapore();
    // The scenario as merged over its base (the text a manifest keeps), without the moratorium.
    let merged = detente::scenario::load(std::path::Path::new("scenarios/singapore-2018.toml"))
        .unwrap()
        .text;
    let text = merged.replace("in_force = [\"test_moratorium\", ", "in_force = [");
    assert_ne!(
        text, merged,
        "the moratorium was not found in the merged scenario"
    );
    let without = detente::scenario::parse(&text, "x.toml").unwrap();
    let tests_in_first_year = |sc: &Scenario| -> usize {
        (0..400)
            .map(|r| {
                run(sc, "maximum_pressure", r)
                    .events
                    .iter()
                    .filter(|(t, e)| {
                        *t <= 12
                            && matches!(
                                e,
                                Event::Hostile {
                                    actor: 1,
                                    shock: true,
                                    ..
                                }
                            )
                    })
                    .count()
            })
            .sum()
    };
    let with_moratorium = tests_in_first_year(&sg);
    let without_moratorium = tests_in_first_year(&without);
    assert!(
        with_moratorium * 2 < without_moratorium,
        "{with_moratorium} vs {without_moratorium}"
    );
}

#[test]
fn administration_changes_come_at_the_first_change_then_every_cycle() {
    let sc = singapore();
    let us = &sc.actors[0].politics;
    assert_eq!((us.first_change, us.cycle), (29, 48));
    assert!(!us.change_due(28) && us.change_due(29) && !us.change_due(48) && us.change_due(77));
    let mut flips = std::collections::BTreeSet::new();
    for r in 0..200 {
        for (t, e) in run(&sc, "maximum_pressure", r).events {
            if matches!(e, Event::Flipped { actor: 0, .. }) {
                flips.insert(t);
            }
        }
    }
    assert_eq!(flips.into_iter().collect::<Vec<_>>(), vec![29, 77]);
    // Without first_change the first change comes after one cycle.
    let korea = detente::scenario::default_scenario().scenario;
    assert_eq!(korea.actors[0].politics.first_change, 48);
}

#[test]
fn relief_for_yongbyon_is_escrowed_until_the_dprk_half_is_in() {
    // The US strategy's escrow is under test, so the DPRK delivers what its strategy proposes
    // (no discretion): with its conduct weighing the Yongbyon half against partial relief at
    // trust 0.25, it almost never would.
    let dir = tempfile::tempdir().unwrap();
    common::write_scenario(dir.path(), "korea-2019.toml", common::KOREA);
    let text = std::fs::read_to_string("scenarios/singapore-2018.toml").unwrap();
    let from = "initial_trust = 0.25\n";
    assert!(text.contains(from));
    let text = text.replacen(from, "initial_trust = 0.25\ndiscretion = 0.0\n", 1);
    let path = common::write_scenario(dir.path(), "singapore.toml", &text);
    let sc = detente::scenario::load(&path).unwrap().scenario;
    let relief = sc.move_ix("partial_sanctions_relief").unwrap();
    let half = [
        sc.move_ix("freeze_yongbyon").unwrap(),
        sc.move_ix("dismantle_yongbyon").unwrap(),
    ];
    let mut relieved = 0;
    for r in 0..150 {
        let k = run(&sc, "yongbyon_for_relief", r);
        let mut made = std::collections::HashSet::new();
        for (_, e) in &k.events {
            match e {
                Event::Made { actor: 1, mv } => {
                    made.insert(*mv);
                }
                Event::Made { actor: 0, mv } if *mv == relief => {
                    assert!(
                        half.iter().all(|m| made.contains(m)),
                        "relief before the Yongbyon half"
                    );
                    relieved += 1;
                }
                _ => {}
            }
        }
    }
    assert!(relieved > 0, "the offer never went through");
}
