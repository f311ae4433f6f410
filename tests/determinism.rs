//! Reproducibility as a tested property: any thread count, any split of the runs, any order,
//! the same bytes; one run replayed alone equals its row; arms share their shocks.

mod common;

use detente::batch::{self, Aggregate};
use detente::engine::{self, Event, Keep, RunRecord, ShockDraws, Workspace};
use detente::rng;
use detente::scenario;

fn small() -> detente::model::Scenario {
    scenario::default_scenario().scenario
}

#[test]
fn one_and_two_threads_give_identical_bytes() {
    let sc = small();
    let one = common::batch_bytes(&sc, 0..600, 7, 1);
    let two = common::batch_bytes(&sc, 0..600, 7, 2);
    assert_eq!(one.0, two.0, "trajectories.csv differs");
    assert_eq!(one.1, two.1, "summary.csv differs");
    assert_eq!(one.2, two.2, "runs.csv differs");
    let three = common::batch_bytes(&sc, 0..600, 7, 3);
    assert_eq!(one, three);
}

#[test]
fn a_different_seed_gives_different_results() {
    let sc = small();
    let a = common::batch_bytes(&sc, 0..200, 7, 2);
    let b = common::batch_bytes(&sc, 0..200, 8, 2);
    assert_ne!(a.2, b.2);
}

#[test]
fn aggregates_of_split_runs_merge_exactly_in_any_order() {
    let sc = small();
    let run = |r: std::ops::Range<u64>| -> Aggregate {
        batch::run::<()>(&sc, 11, r, &|_| {}, &mut |_| Ok(())).unwrap()
    };
    let whole = run(0..500);
    let parts = [run(0..123), run(123..400), run(400..500)];
    for order in [[0, 1, 2], [2, 0, 1], [1, 2, 0]] {
        let mut m = Aggregate::new(&sc);
        for i in order {
            m.merge(&parts[i]);
        }
        assert_eq!(m, whole);
    }
}

#[test]
fn a_run_replayed_alone_equals_its_row() {
    let sc = small();
    let mut rows = Vec::new();
    batch::run::<()>(&sc, 5, 0..50, &|_| {}, &mut |r| {
        rows.extend_from_slice(r);
        Ok(())
    })
    .unwrap();
    for row in rows.iter().step_by(7) {
        assert_eq!(row.seed, rng::run_seed(5, row.run));
        for (a, arm) in sc.experiment.arms.iter().enumerate() {
            let mut keep = Keep::default();
            let alone = engine::simulate(&sc, arm, row.seed, &mut Workspace::new(), &mut keep);
            // The batch adds the outcome of the run's twin without politics.
            let batch = RunRecord {
                without_politics: None,
                ..row.records[a]
            };
            assert_eq!(alone, batch, "run {} arm {}", row.run, arm.id);
            assert_eq!(keep.months.len(), sc.horizon as usize + 1);
            let last = keep.months[alone.end_month as usize];
            assert_eq!(last.trust, alone.final_trust);
        }
    }
}

#[test]
fn every_arm_sees_the_same_shocks() {
    // Common random numbers: exogenous events of a run do not depend on the arm's strategy
    // (until war ends a run).
    let sc = small();
    for run in 0..40 {
        let seed = rng::run_seed(3, run);
        let mut shocks = ShockDraws::default();
        shocks.draw(&sc, seed);
        let mut per_arm = Vec::new();
        for arm in &sc.experiment.arms {
            let mut keep = Keep::default();
            let prep = engine::Prepared::new(&sc, arm);
            let r = engine::simulate_with(&prep, seed, &shocks, &mut Workspace::new(), &mut keep);
            let leaders: Vec<(u32, Event)> = keep
                .events
                .iter()
                .filter(|(_, e)| matches!(e, Event::NewLeader { .. }))
                .copied()
                .collect();
            per_arm.push((r.end_month, r.sincere, leaders));
        }
        let horizon = per_arm.iter().map(|p| p.0).min().unwrap();
        for p in &per_arm[1..] {
            assert_eq!(p.1, per_arm[0].1, "types differ across arms");
            let a: Vec<_> = p.2.iter().filter(|(t, _)| *t <= horizon).collect();
            let b: Vec<_> = per_arm[0].2.iter().filter(|(t, _)| *t <= horizon).collect();
            assert_eq!(a, b, "leadership changes differ across arms in run {run}");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let sc = small();
    let arm = &sc.experiment.arms[1];
    let mut ws = Workspace::new();
    for run in 0..20 {
        let seed = rng::run_seed(99, run);
        let mut a = Keep::default();
        let mut b = Keep::default();
        let ra = engine::simulate(&sc, arm, seed, &mut ws, &mut a);
        let rb = engine::simulate(&sc, arm, seed, &mut Workspace::new(), &mut b);
        assert_eq!(ra, rb);
        assert_eq!(a.months, b.months);
        assert_eq!(a.events, b.events);
    }
}
