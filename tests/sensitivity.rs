//! `detente sensitivity`: Sobol indices and Morris effects of a scenario's distributions on
//! the headline difference; independent of the thread count; a factor that cannot matter gets
//! nothing; a scenario without distributions is refused; each point's means are those a
//! batch reports.

mod common;

use std::path::Path;

use predicates::prelude::*;

/// The flagship with the DPRK's prior a distribution (it matters) and the hardline arm's
/// verification one (that arm is not compared, so it cannot matter).
fn scenario(dir: &Path) -> std::path::PathBuf {
    let text = common::edited(
        "prior_sincere = 0.5\ninitial_trust = 0.2",
        "prior_sincere = { uniform = [0.1, 0.9] }\ninitial_trust = 0.2",
    );
    let text = text.replacen(
        "strategies = { US = \"hardline\", DPRK = \"hedger\" }\n",
        "strategies = { US = \"hardline\", DPRK = \"hedger\" }\nparams = { verification = { uniform = [0.5, 1.5] } }\n",
        1,
    );
    common::write_scenario(dir, "s.toml", &text)
}

fn sensitivity(file: &Path, out: &Path, threads: &str) -> assert_cmd::assert::Assert {
    common::detente()
        .arg("sensitivity")
        .arg(file)
        .args(["--samples", "16", "--runs", "20", "--trajectories", "4"])
        .args([
            "--bootstrap",
            "50",
            "--seed",
            "3",
            "--threads",
            threads,
            "--out",
        ])
        .arg(out)
        .assert()
}

#[test]
fn indices_rank_the_factors_and_do_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario(dir.path());
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    sensitivity(&file, &one, "1")
        .success()
        .stdout(predicate::str::contains("first order"));
    sensitivity(&file, &two, "2").success();
    let csv = std::fs::read_to_string(one.join("sensitivity.csv")).unwrap();
    assert_eq!(
        csv,
        std::fs::read_to_string(two.join("sensitivity.csv")).unwrap()
    );
    assert!(one.join("sensitivity.svg").is_file() && one.join("manifest.json").is_file());
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 2);
    // The prior comes first, with a clear total index; the other arm's setting does nothing.
    assert_eq!(rows[0][0], "actors.DPRK.prior_sincere");
    let total: f64 = rows[0][4].parse().unwrap();
    assert!(total > 0.2, "{csv}");
    assert_eq!(rows[1][0], "experiment.arms.hardline.params.verification");
    for k in [1, 4, 7] {
        assert_eq!(rows[1][k].parse::<f64>().unwrap(), 0.0, "{csv}");
    }
    // --force replaces only what detente wrote; without it the folder is kept.
    sensitivity(&file, &one, "2").failure().code(2);
    common::detente()
        .args([
            "sensitivity",
            "--samples",
            "4",
            "--runs",
            "2",
            "--trajectories",
            "1",
            "-q",
            "--force",
            "--out",
        ])
        .arg(&one)
        .arg(&file)
        .assert()
        .success();
}

#[test]
fn a_scenario_without_distributions_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    common::detente()
        .args(["sensitivity", "--out"])
        .arg(dir.path().join("x"))
        .assert()
        .failure()
        .code(2)
        .stderr(predicate::str::contains(
            "no setting is given as a distribution",
        ));
    assert!(!dir.path().join("x").exists());
}

/// The shortcut analyses take (`batch::means`) reports what a batch reports: every run
/// metric's mean and paired difference, twins included.
#[test]
fn the_means_of_an_analysis_point_are_a_batch_s() {
    let sc = detente::scenario::parse(common::KOREA, "korea.toml").unwrap();
    let runs = 40;
    let agg = detente::batch::run::<()>(&sc, 7, 0..runs, &|_| {}, &mut |_| Ok(())).unwrap();
    let base = sc.experiment.baseline;
    let names = detente::batch::aggregate::run_metric_names(&sc);
    for arm in (0..sc.experiment.arms.len()).filter(|&a| a != base) {
        let what: Vec<detente::batch::Mean> = (0..names.len())
            .flat_map(|metric| {
                [
                    detente::batch::Mean {
                        arm: 1,
                        metric,
                        less: Some(0),
                    },
                    detente::batch::Mean {
                        arm: 0,
                        metric,
                        less: None,
                    },
                ]
            })
            .collect();
        let m = detente::batch::means(&sc, &[base, arm], true, 7, runs, &what).unwrap();
        for (k, name) in names.iter().enumerate() {
            let same = |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan());
            assert!(same(m[2 * k], agg.diff_at(arm, k).mean()), "diff:{name}");
            assert!(
                same(m[2 * k + 1], agg.summary_at(base, 0, k).mean()),
                "{name}"
            );
        }
    }
}
