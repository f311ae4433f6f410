//! Judgement as distributions: a scenario value given as a distribution is drawn once per run,
//! from the run's own stream, the same for every arm; the draws reach the model, are recorded
//! in runs.csv, do not depend on the thread count, and every value a draw can take is checked
//! before anything runs.

mod common;

use detente::batch::{self, RunRows};
use detente::model::Scenario;

/// The flagship with the DPRK's prior and patience and the pressure effect given as
/// distributions.
fn uncertain(prior: &str) -> String {
    let text = common::edited(
        "prior_sincere = 0.5\ninitial_trust = 0.2\npatience = 15",
        &format!(
            "prior_sincere = {prior}\ninitial_trust = 0.2\npatience = {{ choice = [10, 15, 20] }}"
        ),
    );
    text.replacen(
        "pressure_effect = 0.5",
        "pressure_effect = { triangular = [0.0, 0.5, 1.5] }",
        1,
    )
}

fn parse(text: &str) -> Scenario {
    detente::scenario::parse(text, "uncertain.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn rows(sc: &Scenario, runs: u64, threads: usize) -> Vec<RunRows> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let mut all = Vec::new();
    pool.install(|| {
        batch::run::<()>(sc, 5, 0..runs, &|_| {}, &mut |r| {
            all.extend_from_slice(r);
            Ok(())
        })
        .unwrap()
    });
    all
}

#[test]
fn each_run_draws_its_values_once_for_every_arm_and_records_them() {
    let sc = parse(&uncertain("{ beta = [2, 2] }"));
    let u = sc
        .uncertainty
        .as_ref()
        .expect("the scenario has distributions");
    let keys: Vec<&str> = u.values.iter().map(|v| v.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "params.pressure_effect",
            "actors.DPRK.prior_sincere",
            "actors.DPRK.patience"
        ],
        "in the order of the file"
    );
    // The scenario itself holds the nominal values.
    assert_eq!(sc.actors[1].prior_sincere, 0.5);
    assert_eq!(sc.params.pressure_effect, 0.5);
    let header = detente::export::runs::header(&sc);
    assert_eq!(
        header[header.len() - 3..],
        [
            "param:params.pressure_effect",
            "param:actors.DPRK.prior_sincere",
            "param:actors.DPRK.patience"
        ]
    );
    let all = rows(&sc, 300, 1);
    let mut distinct = std::collections::BTreeSet::new();
    for r in &all {
        assert_eq!(r.params.len(), 3);
        assert!((0.0..=1.5).contains(&r.params[0]));
        assert!((0.0..=1.0).contains(&r.params[1]));
        assert!([10.0, 15.0, 20.0].contains(&r.params[2]), "{:?}", r.params);
        assert_eq!(r.records.len(), sc.experiment.arms.len());
        distinct.insert(r.params[1].to_bits());
        // Runs come in draws of 10 (the default runs_per_draw): a draw's runs share its values.
        assert_eq!(r.params, all[(r.run - r.run % 10) as usize].params);
    }
    assert_eq!(distinct.len(), all.len() / 10, "every draw draws anew");
    // One row per arm in runs.csv, each with the run's draws.
    let csv = String::from_utf8(detente::export::runs::rows_bytes(&sc, &all[..1])).unwrap();
    let tails: Vec<String> = csv
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            f[f.len() - 3..].join(",")
        })
        .collect();
    assert_eq!(tails.len(), sc.experiment.arms.len());
    assert!(tails.iter().all(|t| *t == tails[0]), "{csv}");
}

#[test]
fn with_one_run_per_draw_every_run_draws_its_own_values() {
    let text = uncertain("{ beta = [2, 2] }").replacen(
        "[experiment]\n",
        "[experiment]\nruns_per_draw = 1\n",
        1,
    );
    let sc = parse(&text);
    let all = rows(&sc, 50, 2);
    let distinct: std::collections::BTreeSet<u64> =
        all.iter().map(|r| r.params[1].to_bits()).collect();
    assert_eq!(distinct.len(), all.len());
    // runs_per_draw means nothing without a distribution, so it is refused.
    let plain = common::edited("[experiment]\n", "[experiment]\nruns_per_draw = 5\n");
    let e = detente::scenario::parse(&plain, "p.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("runs_per_draw needs a setting given as a distribution"),
        "{e}"
    );
}

/// The headline over the parameter draws: each draw's mean difference, its 90% range, and the
/// shares of draws on either side of 0, the same for any thread count; the answer says them.
#[test]
fn the_headline_says_how_often_its_sign_holds_over_the_draws() {
    let sc = parse(&uncertain("{ choice = [0.05, 0.95] }"));
    let agg = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| batch::run::<()>(&sc, 9, 0..400, &|_| {}, &mut |_| Ok(())).unwrap())
    };
    let (one, two) = (agg(1), agg(2));
    assert_eq!(
        detente::export::summary::csv(&sc, &one),
        detente::export::summary::csv(&sc, &two)
    );
    let rows = detente::export::summary::rows(&sc, &one);
    let find = |m: &str| {
        rows.iter()
            .find(|r| r.arm == "incremental" && r.metric == m)
            .unwrap_or_else(|| panic!("no row {m}"))
    };
    let spread = find("draws:diff:months:verified_freeze");
    let diff = find("diff:months:verified_freeze");
    assert_eq!(spread.n, 40, "400 runs in draws of 10");
    assert!(
        (spread.mean - diff.mean).abs() < 1e-9,
        "equal draws: the mean of means is the mean"
    );
    assert!(spread.low < spread.mean && spread.mean < spread.high);
    let (above, below) = (
        find("draws:above:diff:months:verified_freeze").mean,
        find("draws:below:diff:months:verified_freeze").mean,
    );
    assert!(above + below <= 1.0 && above > below, "{above} {below}");
    let answer = detente::export::headline::Answer::from_rows(&sc, &rows).unwrap();
    let sentence = answer.sentence();
    assert!(
        sentence.contains("Over the parameter draws, incremental does better in"),
        "{sentence}"
    );
}

#[test]
fn the_draws_reach_the_model() {
    // The DPRK's type is drawn with the drawn prior: about 5% sincere at 0.05, 95% at 0.95.
    let sc = parse(&uncertain("{ choice = [0.05, 0.95] }"));
    let all = rows(&sc, 600, 2);
    let share = |prior: f64| {
        let runs: Vec<&RunRows> = all.iter().filter(|r| r.params[1] == prior).collect();
        let sincere = runs.iter().filter(|r| r.records[0].sincere[1]).count();
        (sincere as f64 / runs.len() as f64, runs.len())
    };
    let (low, n_low) = share(0.05);
    let (high, n_high) = share(0.95);
    assert!(n_low > 200 && n_high > 200, "{n_low} {n_high}");
    assert!(low < 0.12 && high > 0.88, "{low} {high}");
}

#[test]
fn draws_and_results_do_not_depend_on_the_thread_count() {
    let sc = parse(&uncertain("{ normal = [0.5, 0.2], within = [0.1, 0.9] }"));
    let (one, two) = (rows(&sc, 200, 1), rows(&sc, 200, 2));
    assert_eq!(
        detente::export::runs::rows_bytes(&sc, &one),
        detente::export::runs::rows_bytes(&sc, &two)
    );
}

#[test]
fn every_value_a_draw_can_take_is_checked_before_anything_runs() {
    for (prior, want) in [
        (
            "{ uniform = [0.5, 1.5] }",
            "uncertain.toml:102:17: with actors.DPRK.prior_sincere at the high end of its range (1.5): expected a probability in [0, 1]",
        ),
        (
            "{ lognormal = [0.5, 0.1] }",
            "a distribution is a table with one of: uniform, triangular, normal, beta, choice",
        ),
        (
            "{ normal = [0.5, 0.1] }",
            "normal needs within = [low, high]",
        ),
        (
            "{ uniform = [0.2, 0.8], tail = [1, 2] }",
            "unknown key 'tail' in a distribution",
        ),
    ] {
        let e = detente::scenario::parse(&uncertain(prior), "uncertain.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains(want), "{prior}: {e}");
        assert_eq!(e.lines().count(), 1, "{e}");
    }
    let whole = uncertain("0.5").replacen(
        "patience = { choice = [10, 15, 20] }",
        "patience = { uniform = [10.5, 20] }",
        1,
    );
    let e = detente::scenario::parse(&whole, "u.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("takes whole numbers"), "{e}");
    let horizon = uncertain("0.5").replacen("horizon = 120", "horizon = { choice = [60, 120] }", 1);
    let e = detente::scenario::parse(&horizon, "u.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("horizon cannot be a distribution"), "{e}");
}

#[test]
fn a_scenario_without_distributions_draws_nothing() {
    let sc = parse(common::KOREA);
    assert!(sc.uncertainty.is_none());
    assert!(rows(&sc, 3, 1).iter().all(|r| r.params.is_empty()));
}

/// Shards split draws anywhere; merged, they give exactly the files of one run.
#[test]
fn shards_of_a_scenario_with_distributions_merge_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let file = common::write_scenario(dir.path(), "u.toml", &uncertain("{ beta = [2, 2] }"));
    let run = |out: &std::path::Path, extra: &[&str]| {
        common::detente()
            .args(["run", "-q", "--runs", "95", "--seed", "4", "--out"])
            .arg(out)
            .arg(&file)
            .args(extra)
            .assert()
            .success();
    };
    let whole = dir.path().join("whole");
    run(&whole, &[]);
    let parts: Vec<std::path::PathBuf> = (0..3)
        .map(|k| {
            let out = dir.path().join(format!("s{k}"));
            run(&out, &["--shard", &format!("{k}/3")]);
            out
        })
        .collect();
    let merged = dir.path().join("merged");
    common::detente()
        .arg("merge")
        .args(&parts)
        .arg("--out")
        .arg(&merged)
        .arg("-q")
        .assert()
        .success();
    for f in ["summary.csv", "runs.csv", "trajectories.csv"] {
        let (a, b) = (
            std::fs::read(whole.join(f)).unwrap(),
            std::fs::read(merged.join(f)).unwrap(),
        );
        assert!(a == b, "{f} differs");
    }
    let summary = std::fs::read_to_string(whole.join("summary.csv")).unwrap();
    assert!(summary.contains("incremental,draws:diff:months:verified_freeze,10,"));
}

#[test]
fn the_summary_gives_each_metrics_spread_over_runs_including_the_draws() {
    use detente::batch::aggregate::{run_metric_names, run_values};
    let sc = parse(&uncertain("{ beta = [2, 2] }"));
    let runs = 300;
    let all = rows(&sc, runs, 2);
    let agg = batch::run::<()>(&sc, 5, 0..runs, &|_| {}, &mut |_| Ok(())).unwrap();
    let summary = detente::export::summary::rows(&sc, &agg);
    let names = run_metric_names(&sc);
    let base = sc.experiment.baseline;
    // Freeze months (integers: exact), final trust (continuous: within 2^-8), a share
    // (breakdown, counted from its moments: exact) and paired differences.
    for (k, diff, tolerance) in [
        (9, false, 0.0),
        (5, false, 1.0 / 256.0),
        (9, true, 0.0),
        (2, false, 0.0),
        (2, true, 0.0),
    ] {
        for (a, arm) in sc.experiment.arms.iter().enumerate() {
            if diff && a == base {
                continue;
            }
            let values: Vec<f64> = all
                .iter()
                .map(|r| {
                    let x = run_values(&r.records[a])[k].unwrap();
                    let b = run_values(&r.records[base])[k].unwrap();
                    if diff { x - b } else { x }
                })
                .collect();
            let metric = format!("{}{}", if diff { "diff:" } else { "" }, names[k]);
            let row = summary
                .iter()
                .find(|r| r.arm == arm.id && r.metric == metric)
                .unwrap();
            for (got, p) in [(row.p05, 0.05), (row.p95, 0.95)] {
                let [want] = detente::sweep::sobol::quantiles_of(&values, [p]);
                assert!(
                    (got - want).abs() <= want.abs() * tolerance,
                    "{} {metric} p{p}: {got} vs {want}",
                    arm.id
                );
            }
            // The spread over runs is wider than the interval of the mean (a share's runs are
            // all 0 or 1, so its spread can be a point while its Wilson interval is not).
            assert!(
                k == 2 || row.p95 - row.p05 >= row.high - row.low,
                "{} {metric}",
                arm.id
            );
        }
    }
}
