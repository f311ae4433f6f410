//! Politics as data: what a new administration plays (a distribution over strategies), how
//! long it reviews policy before acting, which standing steps bind it, per-arm overrides, and
//! the checks on each.

mod common;

use detente::engine::{self, Event, Keep, Workspace};
use detente::model::Scenario;

const US: usize = 0;

/// The flagship with the US's politics replaced by `politics` (keys of `[actors.politics]`).
fn korea(politics: &str) -> Scenario {
    let text = common::edited(
        "cycle = 48\nflip = 0.5\ntrust_reset = 0.5\nflip_to = \"hardline\"\n",
        &format!("cycle = 48\ntrust_reset = 0.5\n{politics}\n"),
    );
    detente::scenario::parse(&text, "korea.toml").unwrap()
}

fn runs(sc: &Scenario, arm: &str, n: u64) -> Vec<Keep> {
    common::kept_runs(sc, arm, 31, n)
}

/// The strategy each run's first administration change at month 48 brought, if any.
fn at_48(sc: &Scenario, all: &[Keep]) -> Vec<Option<String>> {
    all.iter()
        .map(|k| {
            k.events.iter().find_map(|(t, e)| match e {
                Event::Flipped {
                    actor: US,
                    strategy,
                } if *t == 48 => Some(sc.strategies[*strategy].id.clone()),
                _ => None,
            })
        })
        .collect()
}

#[test]
fn a_new_administration_draws_its_strategy_from_the_successors() {
    let sc = korea(
        "successors = [{ strategy = \"hardline\", p = 0.3 }, { strategy = \"grit\", p = 0.2 }]",
    );
    let all = runs(&sc, "incremental", 2000);
    let drawn = at_48(&sc, &all);
    let share = |s: &str| {
        drawn.iter().filter(|d| d.as_deref() == Some(s)).count() as f64 / drawn.len() as f64
    };
    let (hard, grit, none) = (
        share("hardline"),
        share("grit"),
        drawn.iter().filter(|d| d.is_none()).count() as f64 / 2000.0,
    );
    // Runs that ended in war before month 48 have no change: at most a few percent.
    assert!((hard - 0.3).abs() < 0.04, "hardline {hard}");
    assert!((grit - 0.2).abs() < 0.04, "grit {grit}");
    assert!((none - 0.5).abs() < 0.06, "no change {none}");
    // A successor that is the arm's own strategy is a new administration on the same course.
    let sc = korea("successors = [{ strategy = \"arm\", p = 1.0 }]");
    let drawn = at_48(&sc, &runs(&sc, "grit", 50));
    assert!(drawn.iter().flatten().all(|s| s == "grit"));
    assert!(drawn.iter().flatten().count() > 40);
}

#[test]
fn a_new_administration_holds_while_it_reviews_policy() {
    let sc = korea("successors = [{ strategy = \"arm\", p = 1.0 }]\nlag = 6");
    let all = runs(&sc, "incremental", 300);
    let mut after = 0;
    for k in &all {
        for (t, e) in &k.events {
            let us_acts = matches!(
                e,
                Event::Made { actor: US, .. }
                    | Event::Revoked { actor: US, .. }
                    | Event::Offered { actor: US }
                    | Event::Hostile {
                        actor: US,
                        shock: false,
                        ..
                    }
            );
            if us_acts {
                assert!(
                    !(48..54).contains(t),
                    "the US acted in month {t} under review"
                );
                after += usize::from((54..60).contains(t));
            }
        }
    }
    assert!(after > 0, "the US never acted after its review");
}

/// Months in which the US took back a standing step, after the change at month 48 and before
/// the next one, over all runs.
fn revocations_after_48(all: &[Keep]) -> usize {
    all.iter()
        .map(|k| {
            k.events
                .iter()
                .filter(|(t, e)| {
                    (48..96).contains(t) && matches!(e, Event::Revoked { actor: US, .. })
                })
                .count()
        })
        .sum()
}

#[test]
fn standing_steps_that_bind_a_successor_stay_in_force() {
    // Every run's US turns hardline at month 48; hardline takes back whatever it can.
    let loose = korea("successors = [{ strategy = \"hardline\", p = 1.0 }]");
    let sticky = korea("successors = [{ strategy = \"hardline\", p = 1.0 }]\nstickiness = 1.0");
    let a = revocations_after_48(&runs(&loose, "incremental", 200));
    let b = revocations_after_48(&runs(&sticky, "incremental", 200));
    assert!(a > 100, "hardline took back only {a} steps");
    assert_eq!(b, 0, "steps that bound the successor were taken back");
}

#[test]
fn an_arm_can_change_an_actors_politics() {
    let text = format!(
        "{}\n[[experiment.arms]]\nid = \"incremental_no_elections\"\nstrategies = {{ US = \"incremental\", DPRK = \"hedger\" }}\npolitics = {{ US = {{ cycle = 0 }} }}\n",
        common::KOREA
    );
    let sc = detente::scenario::parse(&text, "korea.toml").unwrap();
    let flips = |arm: &str| {
        runs(&sc, arm, 200)
            .iter()
            .filter(|k| {
                k.events
                    .iter()
                    .any(|(_, e)| matches!(e, Event::Flipped { .. }))
            })
            .count()
    };
    assert_eq!(flips("incremental_no_elections"), 0);
    assert!(flips("incremental") > 50);
    let arm = &sc.experiment.arms[sc.arm_ix("incremental_no_elections").unwrap()];
    assert_eq!(arm.politics[US].cycle, 0);
    assert_eq!(
        arm.politics[US].trust_reset, 0.5,
        "the actor's other keys are kept"
    );
}

#[test]
fn bad_politics_are_refused_with_the_place_and_what_is_valid() {
    let err = |politics: &str| {
        let text = common::edited(
            "cycle = 48\nflip = 0.5\ntrust_reset = 0.5\nflip_to = \"hardline\"\n",
            &format!("cycle = 48\n{politics}\n"),
        );
        detente::scenario::parse(&text, "korea.toml")
            .unwrap_err()
            .to_string()
    };
    let e = err(
        "successors = [{ strategy = \"hardline\", p = 0.7 }, { strategy = \"grit\", p = 0.6 }]",
    );
    assert!(
        e.contains("korea.toml:") && e.contains("sum to at most 1"),
        "{e}"
    );
    let e = err("flip = 0.5\nsuccessors = [{ strategy = \"hardline\", p = 0.5 }]");
    assert!(e.contains("not both"), "{e}");
    let e = err("successors = [{ strategy = \"nobody\", p = 0.5 }]");
    assert!(e.contains("nobody"), "{e}");
    let e = err("stickiness = 1.5");
    assert!(
        e.contains("korea.toml:87:") && e.contains("probability in [0, 1]"),
        "{e}"
    );
    let text = format!(
        "{}\n[[experiment.arms]]\nid = \"x\"\nstrategies = {{ US = \"incremental\", DPRK = \"hedger\" }}\npolitics = {{ ROK = {{ cycle = 0 }} }}\n",
        common::KOREA
    );
    let e = detente::scenario::parse(&text, "korea.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("'ROK', which is not an actor"), "{e}");
}

#[test]
fn what_politics_changes_is_measured_on_the_same_runs_without_it() {
    use detente::model::{Arm, Politics};
    let sc = detente::scenario::default_scenario().scenario;
    assert_eq!(sc.output.politics_runs, 2000);
    let mut records = Vec::new();
    let agg = detente::batch::run::<()>(&sc, 7, 0..120, &|_| {}, &mut |rows| {
        records.extend(rows.iter().cloned());
        Ok(())
    })
    .unwrap();
    let mut changed = 0;
    for (a, arm) in sc.experiment.arms.iter().enumerate() {
        let quiet = Arm {
            politics: [Politics::none(), Politics::none()],
            ..arm.clone()
        };
        for r in &records {
            let twin = engine::simulate(
                &sc,
                &quiet,
                r.seed,
                &mut Workspace::new(),
                &mut engine::Discard,
            );
            let rec = &r.records[a];
            assert_eq!(
                rec.without_politics,
                Some(twin.outcome),
                "arm {} run {}",
                arm.id,
                r.run
            );
            changed += usize::from(twin.outcome != rec.outcome);
        }
    }
    assert!(changed > 20, "politics changed only {changed} outcomes");
    // summary.csv: the share changed and each outcome's paired change, over the twin runs.
    let rows = detente::export::summary::rows(&sc, &agg);
    let get = |arm: &str, m: &str| {
        rows.iter()
            .find(|r| r.arm == arm && r.metric == m)
            .unwrap_or_else(|| panic!("{arm} {m}"))
    };
    let inc = sc.arm_ix("incremental").unwrap();
    let with = records
        .iter()
        .filter(|r| r.records[inc].outcome.name() == "agreement")
        .count();
    let without = records
        .iter()
        .filter(|r| r.records[inc].without_politics.map(|o| o.name()) == Some("agreement"))
        .count();
    let p = get("incremental", "politics:agreement");
    assert_eq!(p.n, 120);
    assert!((p.mean - (with as f64 - without as f64) / 120.0).abs() < 1e-9);
    assert!(get("incremental", "politics:changed_outcome").mean > 0.0);

    // Only the first `politics_runs` runs have a twin; without politics, none has.
    let text = format!("{}\n[output]\npolitics_runs = 50\n", common::KOREA);
    let sc = detente::scenario::parse(&text, "k.toml").unwrap();
    let agg = detente::batch::run::<()>(&sc, 7, 0..120, &|_| {}, &mut |_| Ok(())).unwrap();
    let rows = detente::export::summary::rows(&sc, &agg);
    let n = |rows: &[detente::export::summary::Row]| {
        rows.iter()
            .find(|r| r.arm == "incremental" && r.metric == "politics:changed_outcome")
            .map_or(0, |r| r.n)
    };
    assert_eq!(n(&rows), 50);
    let quiet = common::KOREA
        .replace("cycle = 48\n", "cycle = 0\n")
        .replace("leadership_hazard = 0.005", "leadership_hazard = 0.0");
    let sc = detente::scenario::parse(&quiet, "k.toml").unwrap();
    let agg = detente::batch::run::<()>(&sc, 7, 0..30, &|_| {}, &mut |_| Ok(())).unwrap();
    assert_eq!(n(&detente::export::summary::rows(&sc, &agg)), 0);
}

/// All changes of course in the first `n` runs of arm `arm`: (month, strategy).
fn changes(sc: &Scenario, arm: &str, n: u64) -> Vec<Vec<(u32, String)>> {
    runs(sc, arm, n)
        .iter()
        .map(|k| {
            k.events
                .iter()
                .filter_map(|(t, e)| match e {
                    Event::Flipped {
                        actor: US,
                        strategy,
                    } => Some((*t, sc.strategies[*strategy].id.clone())),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_dated_schedule_changes_course_in_its_months_in_every_run() {
    let sc = korea(
        "schedule = [{ month = 12, strategy = \"hardline\" }, { month = 30, strategy = \"arm\" }]",
    );
    for c in changes(&sc, "incremental", 40) {
        // A run that ends in war before a month does not reach it.
        let want = [
            (12, "hardline".to_string()),
            (30, "incremental".to_string()),
        ];
        assert!(!c.is_empty() && want.starts_with(&c), "{c:?}");
    }
    // An arm can drop the schedule.
    let text = common::edited(
        "cycle = 48\nflip = 0.5\ntrust_reset = 0.5\nflip_to = \"hardline\"\n",
        "cycle = 0\nschedule = [{ month = 12, strategy = \"hardline\" }]\n",
    )
    .replacen(
        "strategies = { US = \"grit\", DPRK = \"hedger\" }\n",
        "strategies = { US = \"grit\", DPRK = \"hedger\" }\npolitics = { US = { schedule = [] } }\n",
        1,
    );
    let sc = detente::scenario::parse(&text, "korea.toml").unwrap();
    assert!(changes(&sc, "grit", 20).iter().all(Vec::is_empty));
    assert!(
        changes(&sc, "hardline", 20)
            .iter()
            .all(|c| c.first().is_some_and(|x| x.0 == 12))
    );
    // Months from 1 to the horizon, increasing; strategies that exist.
    for (schedule, want) in [
        (
            "[{ month = 0, strategy = \"grit\" }]",
            "between 1 and the horizon (120), found 0",
        ),
        ("[{ month = 121, strategy = \"grit\" }]", "found 121"),
        (
            "[{ month = 20, strategy = \"grit\" }, { month = 20, strategy = \"arm\" }]",
            "must increase",
        ),
        ("[{ month = 20, strategy = \"nobody\" }]", "nobody"),
        ("[{ month = 20 }]", "missing field `strategy`"),
    ] {
        let text = common::edited(
            "cycle = 48\nflip = 0.5\ntrust_reset = 0.5\nflip_to = \"hardline\"\n",
            &format!("schedule = {schedule}\n"),
        );
        let e = detente::scenario::parse(&text, "korea.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("korea.toml:") && e.contains(want),
            "{schedule}: {e}"
        );
    }
}

/// The tally and the delay from a change of government to a collapse, as a run's events and
/// months say they are: each act of a tally move counts in a process if its month began with
/// an agreement or a verified freeze in force, and each agreement that collapses after a change
/// made while it was in force adds the months since that change.
#[test]
fn the_tally_and_the_delay_to_a_collapse_follow_the_events() {
    use detente::engine::{Status, simulate};
    let sc = korea("successors = [{ strategy = \"hardline\", p = 0.5 }]\nlag = 3");
    let arm = sc
        .experiment
        .arms
        .iter()
        .find(|a| a.id == "incremental")
        .unwrap();
    let tally = sc.tally.moves;
    assert_eq!(sc.tally.name, "strategic_tests");
    let mut ws = Workspace::new();
    let (mut tallied, mut delays) = (0, 0);
    for r in 0..400 {
        let mut k = Keep::default();
        let rec = simulate(&sc, arm, detente::rng::run_seed(5, r), &mut ws, &mut k);
        let in_process = |t: u32| {
            matches!(
                k.months[t as usize - 1].status,
                Status::Agreement | Status::Freeze
            )
        };
        let mut acts = [0; 2];
        let mut months = [0; 2];
        for t in 1..=rec.end_month {
            months[usize::from(in_process(t))] += 1;
        }
        let (mut since, mut change, mut sum, mut n) = (0, None, 0, 0);
        for &(t, e) in &k.events {
            match e {
                Event::Hostile { mv, .. } if tally.contains(mv) => {
                    acts[usize::from(in_process(t))] += 1;
                }
                Event::Flipped { .. } | Event::NewLeader { .. } => change = Some(t),
                Event::AgreementFormed => since = t,
                Event::AgreementCollapsed => {
                    if let Some(c) = change.filter(|&c| c >= since) {
                        sum += t - c;
                        n += 1;
                    }
                }
                _ => {}
            }
        }
        assert_eq!((rec.tally, rec.process_months), (acts, months), "run {r}");
        assert_eq!(rec.change_to_collapse, (sum, n), "run {r}");
        tallied += acts[0] + acts[1];
        delays += n;
    }
    assert!(
        tallied > 100 && delays > 10,
        "{tallied} acts, {delays} delays"
    );
}
