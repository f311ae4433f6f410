//! The ledger of a run beyond its outcome: verified against paper agreements, and the types at
//! the end.

mod common;

use common::{KOREA, edited};
use detente::batch::aggregate::{run_metric_names, run_values};
use detente::engine::{Outcome, RunRecord};
use detente::model::Scenario;

fn records(sc: &Scenario, runs: u64) -> Vec<Vec<RunRecord>> {
    let mut out = Vec::new();
    detente::batch::run::<()>(sc, 5, 0..runs, &|_| {}, &mut |rows| {
        out.extend(rows.iter().map(|r| r.records.clone()));
        Ok(())
    })
    .unwrap();
    out
}

fn metric(sc: &Scenario, name: &str) -> usize {
    run_metric_names(sc).iter().position(|n| n == name).unwrap()
}

#[test]
fn verified_and_paper_agreements_split_the_agreements() {
    let sc = detente::scenario::parse(KOREA, "k.toml").unwrap();
    let [agr, ver, pap, months] = [
        "outcome:agreement",
        "outcome:verified_agreement",
        "outcome:paper_agreement",
        "months:verified_agreement",
    ]
    .map(|n| metric(&sc, n));
    let mut agreements = 0;
    for run in records(&sc, 300) {
        for r in run {
            let v = run_values(&r);
            assert_eq!(v[ver].unwrap() + v[pap].unwrap(), v[agr].unwrap());
            // In the flagship no agreement can be verified (docs/model.md 7.17): its unverified
            // denuclearization steps carry more than a fifth of the index.
            assert_eq!(v[ver], Some(0.0));
            assert_eq!(v[months], Some(0.0));
            agreements += (r.outcome == Outcome::Agreement) as u32;
        }
    }
    assert!(
        agreements > 50,
        "only {agreements} agreements: the split was not exercised"
    );
}

#[test]
fn with_every_step_verified_every_agreement_is_verified() {
    // At a verified threshold below every move's verifiability, verified = agreement.
    let text = edited("verified_threshold = 0.8", "verified_threshold = 0.25");
    let sc = detente::scenario::parse(&text, "k.toml").unwrap();
    let mut agreements = 0;
    for run in records(&sc, 300) {
        for r in run {
            assert_eq!(r.verified, r.outcome == Outcome::Agreement, "{r:?}");
            assert_eq!(r.verified_agreement_months, r.agreement_months, "{r:?}");
            agreements += (r.outcome == Outcome::Agreement) as u32;
        }
    }
    assert!(agreements > 50, "only {agreements} agreements");
}

#[test]
fn the_final_type_follows_a_new_leader() {
    let sc = detente::scenario::parse(KOREA, "k.toml").unwrap();
    let all: Vec<RunRecord> = records(&sc, 300).into_iter().flatten().collect();
    // Without leadership changes the final type is the drawn one; the flagship's DPRK has a
    // new leader in about 45% of runs (0.005 a month), whose type differs half the time; a
    // larger hazard changes more.
    let differ = |rs: &[RunRecord]| rs.iter().filter(|r| r.final_sincere != r.sincere).count();
    let share = differ(&all) as f64 / all.len() as f64;
    assert!((0.1..0.35).contains(&share), "{share}");
    let text = edited("leadership_hazard = 0.005", "leadership_hazard = 0.05");
    let busy = detente::scenario::parse(&text, "k.toml").unwrap();
    let changed: Vec<RunRecord> = records(&busy, 300).into_iter().flatten().collect();
    assert!(differ(&changed) > differ(&all), "{}", differ(&changed));
    let calm = edited("leadership_hazard = 0.005", "leadership_hazard = 0.0");
    let calm = detente::scenario::parse(&calm, "k.toml").unwrap();
    let steady: Vec<RunRecord> = records(&calm, 100).into_iter().flatten().collect();
    assert_eq!(differ(&steady), 0);
}

#[test]
fn stock_growth_in_talks_counts_growth_while_both_sides_are_engaged() {
    let sc = detente::scenario::parse(KOREA, "k.toml").unwrap();
    let talks = metric(&sc, "arsenal_growth_in_talks");
    let arm = |id: &str| sc.arm_ix(id).unwrap();
    let (inc, hard) = (arm("incremental"), arm("hardline"));
    let (mut greedy, mut sincere) = (Vec::new(), Vec::new());
    for run in records(&sc, 400) {
        for r in &run {
            let g = run_values(r)[talks].unwrap();
            // It is part of the growth: at most the initial stock's growth over the run.
            let dprk = &sc.actors[1];
            let most = dprk.stock.as_ref().unwrap().growth * r.end_month as f64;
            assert!((0.0..=most + 1e-9).contains(&g), "{g} > {most}");
        }
        // Hardline makes no conciliatory step: there are no talks.
        assert_eq!(run_values(&run[hard])[talks], Some(0.0));
        let g = run_values(&run[inc])[talks].unwrap();
        if run[inc].sincere[1] {
            sincere.push(g)
        } else {
            greedy.push(g)
        }
    }
    // A greedy DPRK keeps growing while it takes part in talks; a sincere one freezes.
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!(greedy.len() > 100 && sincere.len() > 100);
    assert!(
        mean(&greedy) > 2.0 * mean(&sincere),
        "{} {}",
        mean(&greedy),
        mean(&sincere)
    );
}

#[test]
fn one_sided_steps_are_conceded_by_one_side_and_held_by_the_other() {
    let sc = detente::scenario::parse(KOREA, "k.toml").unwrap();
    let hard = sc.arm_ix("hardline").unwrap();
    let mut one_sided = 0;
    for run in records(&sc, 300) {
        for (a, r) in run.iter().enumerate() {
            for i in 0..2 {
                let (c, v) = (r.conceded_unreciprocated[i], r.relief_pocketed[1 - i]);
                assert!(c >= 0.0 && v >= 0.0);
                // They grow in the same months (every standing step has a cost and a value).
                assert_eq!(c > 0.0, v > 0.0, "{r:?}");
                one_sided += (c > 0.0) as u32;
            }
            if a == hard {
                assert_eq!(r.conceded_unreciprocated, [0.0; 2]);
            }
        }
    }
    assert!(one_sided > 100, "only {one_sided} one-sided runs");
}
