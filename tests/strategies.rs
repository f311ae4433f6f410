//! Each strategy behaves as its doctrine says, checked on the event log of seeded runs of the
//! flagship scenario with extra strategies and arms.

mod common;

use detente::engine::{self, Event, Keep, Workspace, rng};
use detente::model::Scenario;

const EXTRA: &str = r#"
[[strategies]]
id = "tft"
kind = "tit_for_tat"

[[strategies]]
id = "gtft_always"
kind = "generous_tit_for_tat"
forgiveness = 1.0

[[strategies]]
id = "ctft"
kind = "contrite_tit_for_tat"

[[strategies]]
id = "grim"
kind = "grim_trigger"

[[strategies]]
id = "engage"
kind = "unconditional"

[[strategies]]
id = "f4f"
kind = "freeze_for_freeze"
roadmap = "action_for_action"

[[strategies]]
id = "initiator"
kind = "grit_initiator"
initiatives = ["test_moratorium", "release_detainees", "return_remains", "demolish_test_site"]

[[strategies]]
id = "escalate"
kind = "escalate_to_negotiate"
escalation_rate = 0.5
tension_target = 0.9

[[strategies]]
id = "dprk_hardline"
kind = "hardline"
pressure_rate = 0.3

[[experiment.arms]]
id = "tft"
strategies = { US = "tft", DPRK = "dprk_type_conditional" }

[[experiment.arms]]
id = "gtft_always"
strategies = { US = "gtft_always", DPRK = "dprk_type_conditional" }

[[experiment.arms]]
id = "ctft"
strategies = { US = "ctft", DPRK = "dprk_type_conditional" }

[[experiment.arms]]
id = "grim"
strategies = { US = "grim", DPRK = "dprk_type_conditional" }

[[experiment.arms]]
id = "engage"
strategies = { US = "engage", DPRK = "dprk_type_conditional" }

[[experiment.arms]]
id = "f4f"
strategies = { US = "f4f", DPRK = "dprk_type_conditional" }

[[experiment.arms]]
id = "initiator"
strategies = { US = "incremental", DPRK = "initiator" }

[[experiment.arms]]
id = "escalate"
strategies = { US = "hardline", DPRK = "escalate" }

[[experiment.arms]]
id = "status_quo"
strategies = { US = "hardline", DPRK = "dprk_hardline" }
"#;

fn scenario() -> Scenario {
    // No administration flips, so each arm's own strategy is observed throughout.
    let text = format!(
        "{}{EXTRA}",
        common::KOREA.replace("flip = 0.5", "flip = 0.0")
    );
    detente::scenario::parse(&text, "test.toml").unwrap()
}

fn runs(sc: &Scenario, arm: &str, n: u64) -> Vec<Keep> {
    let arm = sc.experiment.arms.iter().find(|a| a.id == arm).unwrap();
    let mut ws = Workspace::new();
    (0..n)
        .map(|r| {
            let mut k = Keep::default();
            engine::simulate(sc, arm, rng::run_seed(17, r), &mut ws, &mut k);
            k
        })
        .collect()
}

fn ix(sc: &Scenario, id: &str) -> usize {
    sc.move_ix(id).unwrap()
}

const US: usize = 0;
const DPRK: usize = 1;

fn us_makes(k: &Keep) -> Vec<(u32, usize)> {
    k.events
        .iter()
        .filter_map(|(t, e)| match e {
            Event::Made { actor: US, mv } => Some((*t, *mv)),
            _ => None,
        })
        .collect()
}

fn chosen_hostile(k: &Keep, actor: usize) -> usize {
    k.events
        .iter()
        .filter(|(_, e)| matches!(e, Event::Hostile { actor: a, shock: false, .. } if *a == actor))
        .count()
}

#[test]
fn hardline_makes_no_step_and_answers_provocations() {
    let sc = scenario();
    let all = runs(&sc, "hardline", 60);
    assert!(all.iter().all(|k| us_makes(k).is_empty()));
    assert!(all.iter().map(|k| chosen_hostile(k, US)).sum::<usize>() > 60);
}

#[test]
fn unconditional_never_retaliates_and_keeps_giving() {
    let sc = scenario();
    let all = runs(&sc, "engage", 60);
    assert!(all.iter().all(|k| chosen_hostile(k, US) == 0));
    assert!(all.iter().all(|k| !us_makes(k).is_empty()));
    // The first step is the cheapest by stake.
    let first = us_makes(&all[0])[0];
    assert_eq!(first.0, 1);
    let min_stake = sc
        .moves
        .iter()
        .filter(|m| m.actor == US && m.is_conciliatory())
        .map(|m| m.stake)
        .fold(f64::MAX, f64::min);
    assert_eq!(sc.moves[first.1].stake, min_stake);
}

#[test]
fn generous_with_full_forgiveness_never_retaliates() {
    let sc = scenario();
    assert!(
        runs(&sc, "gtft_always", 60)
            .iter()
            .all(|k| chosen_hostile(k, US) == 0)
    );
    // Plain tit-for-tat does retaliate.
    assert!(
        runs(&sc, "tft", 60)
            .iter()
            .map(|k| chosen_hostile(k, US))
            .sum::<usize>()
            > 0
    );
}

#[test]
fn grim_trigger_never_cooperates_after_the_first_hostility() {
    let sc = scenario();
    for k in runs(&sc, "grim", 60) {
        let first_hostile = k.events.iter().find_map(|(t, e)| match e {
            Event::Perceived {
                observer: US,
                as_hostile: true,
                ..
            }
            | Event::Reneged { actor: DPRK, .. } => Some(*t),
            _ => None,
        });
        if let Some(t0) = first_hostile {
            assert!(
                us_makes(&k).iter().all(|(t, _)| *t <= t0),
                "grim cooperated after month {t0}"
            );
        }
    }
}

#[test]
fn all_or_nothing_gives_relief_only_after_the_package() {
    let sc = scenario();
    let relief = [
        "partial_sanctions_relief",
        "full_sanctions_relief",
        "normalization",
        "peace_treaty",
        "liaison_offices",
        "end_of_war_declaration",
    ];
    let interim = [
        "humanitarian_exemptions",
        "joint_remains_recovery",
        "family_reunion_waivers",
    ];
    let package: Vec<usize> = [
        "demolish_test_site",
        "dismantle_site_inspected",
        "freeze_yongbyon",
        "full_declaration",
        "verification_protocol",
        "dismantle_yongbyon",
        "freeze_enrichment",
        "ship_out_warheads",
    ]
    .iter()
    .map(|m| ix(&sc, m))
    .collect();
    for k in runs(&sc, "all_or_nothing", 80) {
        let mut made = std::collections::HashSet::new();
        for (t, e) in &k.events {
            match e {
                Event::Made { actor: DPRK, mv } => {
                    made.insert(*mv);
                }
                Event::Made { actor: US, mv } => {
                    let id = sc.moves[*mv].id.as_str();
                    assert!(
                        interim.contains(&id) || relief.contains(&id),
                        "unexpected US move {id}"
                    );
                    if relief.contains(&id) {
                        assert!(
                            package.iter().all(|p| made.contains(p)),
                            "relief {id} in month {t} before the package"
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

#[test]
fn freeze_for_freeze_offers_only_the_first_phase() {
    let sc = scenario();
    let exercises = ix(&sc, "suspend_exercises");
    let all = runs(&sc, "f4f", 60);
    for k in &all {
        assert!(us_makes(k).iter().all(|(_, m)| *m == exercises));
    }
    // It opens at once: the US half can be delivered at the starting trust.
    assert!(
        all.iter()
            .filter(|k| us_makes(k).first().is_some_and(|(t, _)| *t == 1))
            .count()
            > 50
    );
}

#[test]
fn incremental_opens_with_the_first_phase_and_offers() {
    let sc = scenario();
    let exercises = ix(&sc, "suspend_exercises");
    for k in runs(&sc, "incremental", 30) {
        let first = us_makes(&k);
        // Month 1 unless the step slipped (2%) or a month-1 shock intervened.
        assert!(
            first
                .first()
                .is_some_and(|&(t, m)| m == exercises && t <= 3),
            "{first:?}"
        );
        assert!(
            k.events
                .iter()
                .any(|(_, e)| matches!(e, Event::Offered { actor: US }))
        );
    }
}

#[test]
fn grit_initiator_opens_with_its_first_initiative() {
    // The DPRK's unilateral opening (the 2018 pattern): its first listed initiative comes in
    // month 1, before any US step can have been seen.
    let sc = scenario();
    let moratorium = ix(&sc, "test_moratorium");
    let all = runs(&sc, "initiator", 60);
    let opened = all
        .iter()
        .filter(|k| {
            k.events.iter().any(|(t, e)| {
                *t == 1
                    && *e
                        == Event::Made {
                            actor: DPRK,
                            mv: moratorium,
                        }
            })
        })
        .count();
    assert!(
        opened >= 55,
        "{opened} of 60 runs opened with the moratorium"
    );
}

#[test]
fn escalate_to_negotiate_provokes_when_nobody_offers() {
    let sc = scenario();
    let all = runs(&sc, "escalate", 40);
    assert!(all.iter().map(|k| chosen_hostile(k, DPRK)).sum::<usize>() > 40 * 5);
}

#[test]
fn status_quo_keeps_tension_high() {
    // Brief s4: under hardline on both sides tension settles near a 2017-like level.
    let sc = scenario();
    let all = runs(&sc, "status_quo", 200);
    let late: Vec<f64> = all
        .iter()
        .flat_map(|k| {
            k.months[60..]
                .iter()
                .filter(|m| m.active)
                .map(|m| m.tension)
        })
        .collect();
    let mean = late.iter().sum::<f64>() / late.len() as f64;
    assert!(mean > 0.6, "status-quo tension {mean}");
}

#[test]
fn every_arm_runs_without_nan() {
    let sc = scenario();
    let (traj, summary, _) = common::batch_bytes(&sc, 0..100, 1, 2);
    let s = String::from_utf8(summary).unwrap();
    assert!(!s.contains("NaN") && !s.contains("inf"));
    assert!(!String::from_utf8(traj).unwrap().contains("NaN"));
}
