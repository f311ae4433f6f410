//! `detente calibrate`: ABC-SMC on the history scenario writes weighted particles whose
//! weights sum to 1, tolerances that do not grow, and predictive checks; the files do not
//! depend on the thread count; bad priors are refused.

mod common;

use std::path::Path;

use predicates::prelude::*;

fn calibrate(out: &Path, threads: &str) -> assert_cmd::assert::Assert {
    calibrate_with(out, threads, "3", &[])
}

fn calibrate_with(
    out: &Path,
    threads: &str,
    generations: &str,
    extra: &[&str],
) -> assert_cmd::assert::Assert {
    common::detente()
        .args(["calibrate", "scenarios/history-1991-2023.toml"])
        .args(["--fit", "params.keep_base=uniform:0.5:4"])
        .args(["--fit", "actors.DPRK.prior_sincere=beta:2:2"])
        .args(["--target", "data/record-1991-2023.toml"])
        .args([
            "--particles",
            "20",
            "--generations",
            generations,
            "--runs",
            "3",
            "-q",
        ])
        .args(["--seed", "5", "--threads", threads])
        .args(extra)
        .arg("--out")
        .arg(out)
        .assert()
}

#[test]
fn a_calibration_writes_its_particles_and_checks_the_same_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    calibrate(&one, "1").success();
    calibrate(&two, "2").success();
    for f in FILES {
        assert_eq!(
            std::fs::read(one.join(f)).unwrap(),
            std::fs::read(two.join(f)).unwrap(),
            "{f}"
        );
    }
    let svg = std::fs::read_to_string(one.join("posterior.svg")).unwrap();
    assert!(svg.contains("params.keep_base") && svg.contains("<circle"));
    let post = std::fs::read_to_string(one.join("posterior.csv")).unwrap();
    let mut lines = post.lines();
    assert_eq!(
        lines.next().unwrap(),
        "particle,weight,distance,param:params.keep_base,param:actors.DPRK.prior_sincere,stat:agreements,stat:months:verified_freeze,stat:outcome:agreement,stat:outcome:war"
    );
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|x| x.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 20);
    let total: f64 = rows.iter().map(|r| r[1]).sum();
    assert!((total - 1.0).abs() < 1e-4, "{total}");
    assert!(
        rows.iter()
            .all(|r| (0.5..=4.0).contains(&r[3]) && (0.0..=1.0).contains(&r[4]))
    );
    let gens = std::fs::read_to_string(one.join("generations.csv")).unwrap();
    let eps: Vec<f64> = gens
        .lines()
        .skip(2)
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    assert!(eps.windows(2).all(|w| w[1] <= w[0]), "{gens}");
    let pred = std::fs::read_to_string(one.join("predictive.csv")).unwrap();
    assert!(pred.contains("months:verified_freeze,119"), "{pred}");
    // The held-out statistic is checked, not fitted.
    let held = pred
        .lines()
        .find(|l| l.starts_with("agreement_lifetime,62.000000,"))
        .unwrap_or_else(|| panic!("{pred}"));
    assert!(held.ends_with(",false"), "{held}");
}

const FILES: [&str; 5] = [
    "posterior.csv",
    "generations.csv",
    "predictive.csv",
    "posterior.svg",
    "checkpoint.json",
];

#[test]
fn a_calibration_taken_further_gives_the_files_of_one_run_through() {
    let dir = tempfile::tempdir().unwrap();
    let (whole, parts) = (dir.path().join("whole"), dir.path().join("parts"));
    calibrate(&whole, "2").success();
    calibrate_with(&parts, "2", "1", &[]).success();
    // Nothing is left beside the folder once it is in place.
    let beside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside.len(), 2, "{beside:?}");
    calibrate_with(&parts, "1", "3", &["--resume", "--force"]).success();
    for f in FILES {
        assert_eq!(
            std::fs::read(whole.join(f)).unwrap(),
            std::fs::read(parts.join(f)).unwrap(),
            "{f}"
        );
    }
    // Another seed is another calibration: its checkpoint is not resumed.
    common::detente()
        .args(["calibrate", "scenarios/history-1991-2023.toml"])
        .args(["--fit", "params.keep_base=uniform:0.5:4"])
        .args(["--fit", "actors.DPRK.prior_sincere=beta:2:2"])
        .args(["--target", "data/record-1991-2023.toml"])
        .args(["--particles", "20", "--generations", "3", "--runs", "3"])
        .args(["--seed", "6", "--resume", "--force", "--out"])
        .arg(&parts)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the checkpoint of another calibration",
        ));
}

#[test]
fn a_calibration_split_into_shards_gives_the_files_of_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let (whole, parts) = (dir.path().join("whole"), dir.path().join("parts"));
    calibrate(&whole, "2").success();
    // Each population in three shards, finishing in any order; the last puts it together.
    for order in [
        ["1/3", "0/3", "2/3"],
        ["2/3", "1/3", "0/3"],
        ["0/3", "2/3", "1/3"],
    ] {
        for k in order {
            calibrate_with(&parts, "1", "3", &["--shard", k]).success();
        }
    }
    // Every population is done: a shard has nothing left to do.
    calibrate_with(&parts, "1", "3", &["--shard", "0/3"])
        .code(2)
        .stderr(predicate::str::contains("holds all 3 populations"));
    calibrate_with(&parts, "2", "3", &["--resume"]).success();
    for f in FILES {
        assert_eq!(
            std::fs::read(whole.join(f)).unwrap(),
            std::fs::read(parts.join(f)).unwrap(),
            "{f}"
        );
    }
    // The parts and the checkpoint beside the folder are gone.
    let beside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside.len(), 2, "{beside:?}");
}

#[test]
fn a_part_of_another_calibration_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let parts = dir.path().join("parts");
    calibrate_with(&parts, "1", "3", &["--shard", "0/2"]).success();
    // Shard 1 of another calibration (another quantile) finds shard 0's part, not of it.
    calibrate_with(&parts, "1", "3", &["--shard", "1/2", "--quantile", "0.4"])
        .code(2)
        .stderr(predicate::str::contains(
            "is not a shard's part of this calibration",
        ));
}

#[test]
fn a_statistic_without_a_value_in_every_run_is_not_fitted() {
    let dir = tempfile::tempdir().unwrap();
    let events = std::fs::canonicalize("data/dprk_events.csv").unwrap();
    let spec = dir.path().join("spec.toml");
    std::fs::write(
        &spec,
        format!(
            "events = {:?}\nstart = \"1991-01\"\nend = \"2023-12\"\n\n[[statistic]]\nmetric = \"agreement_lifetime\"\nwhat = \"x\"\nmean_months = [[\"1994-10-21\", \"2002-12-12\"]]\n",
            events.display().to_string()
        ),
    )
    .unwrap();
    common::detente()
        .args(["calibrate", "scenarios/history-1991-2023.toml"])
        .args(["--fit", "params.keep_base=uniform:0.5:4", "--target"])
        .arg(&spec)
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("hold it out with fit = false"));
}

#[test]
fn bad_fits_are_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    for (fit, want) in [
        (
            "params.keep_base=lognormal:0:1",
            "'lognormal' is not a prior kind",
        ),
        ("params.keep_base=uniform:2:1", "below the high end"),
        ("params.nonsense=uniform:0:1", "no 'nonsense'"),
        (
            "actors.DPRK.prior_sincere=uniform:0.5:1.5",
            "at the high end of its range (1.5)",
        ),
    ] {
        common::detente()
            .args([
                "calibrate",
                "scenarios/history-1991-2023.toml",
                "--fit",
                fit,
            ])
            .args(["--target", "data/record-1991-2023.toml", "--out"])
            .arg(dir.path().join("x"))
            .assert()
            .failure()
            .code(2)
            .stderr(predicate::str::contains(want));
    }
    assert!(!dir.path().join("x").exists());
}
