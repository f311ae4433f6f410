//! `detente sweep`: the design, the files, consistency with `detente run` at the same setting,
//! resuming, thread independence, and bad input.

mod common;

use std::path::Path;

use common::detente;
use predicates::prelude::*;

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn sweep(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    detente()
        .args([
            "sweep",
            "--vary",
            "inclusion=0:1:3",
            "--vary",
            "actors.DPRK.prior_sincere=0.3:0.7:2",
            "--runs",
            "200",
            "--seed",
            "5",
            "-q",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .assert()
}

#[test]
fn a_grid_writes_every_point_and_arm_with_the_flip_map() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    sweep(&out, &[]).success();
    let csv = read(&out.join("sweep.csv"));
    let mut lines = csv.lines();
    let head = lines.next().unwrap();
    assert!(head.starts_with("point,inclusion,actors.DPRK.prior_sincere,arm,runs,outcome:agreement,outcome:agreement_low,outcome:agreement_high"));
    assert!(head.contains("diff:outcome:agreement_high"));
    // 6 points x 4 arms.
    assert_eq!(lines.count(), 24);
    assert!(csv.contains("\n5,1.000000,0.700000,incremental,200,"));
    let flip = read(&out.join("flip.csv"));
    assert_eq!(flip.lines().count(), 7);
    assert!(flip.lines().skip(1).all(|l| l.ends_with(",arm")
        || l.ends_with(",baseline")
        || l.ends_with(",not_significant")));
    let svg = read(&out.join("flip.svg"));
    assert!(svg.starts_with("<svg") && svg.contains("incremental better"));
    let sens = read(&out.join("sensitivity.csv"));
    assert!(sens.starts_with(
        "rank,parameter,first_order,first_order_low,first_order_high,correlation,classes\n1,"
    ));
    assert_eq!(sens.lines().count(), 3);
    let spec: serde_json::Value = serde_json::from_str(&read(&out.join("sweep.json"))).unwrap();
    assert_eq!(spec["points"], 6);
    assert_eq!(spec["flip"]["arm"], "incremental");
}

#[test]
fn a_point_at_the_scenarios_own_setting_equals_a_plain_run() {
    // Common random numbers: the same seed at every point, so a point equal to the file's
    // settings reproduces `detente run` exactly.
    let dir = tempfile::tempdir().unwrap();
    let (s, r) = (dir.path().join("s"), dir.path().join("r"));
    detente()
        .args([
            "sweep",
            "--vary",
            "inclusion=0:0:1",
            "--runs",
            "300",
            "--seed",
            "9",
            "-q",
        ])
        .arg("--out")
        .arg(&s)
        .assert()
        .success();
    detente()
        .args(["run", "--runs", "300", "--seed", "9", "-q", "--out"])
        .arg(&r)
        .assert()
        .success();
    let summary = read(&r.join("summary.csv"));
    let sw = read(&s.join("sweep.csv"));
    let row = sw
        .lines()
        .find(|l| l.contains(",incremental,"))
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect::<Vec<_>>();
    let head: Vec<&str> = sw.lines().next().unwrap().split(',').collect();
    for metric in [
        "outcome:agreement",
        "outcome:war",
        "warheads",
        "diff:outcome:agreement",
    ] {
        let c = head.iter().position(|h| *h == metric).unwrap();
        let want = summary
            .lines()
            .find(|l| l.starts_with(&format!("incremental,{metric},")))
            .unwrap()
            .split(',')
            .nth(3)
            .unwrap();
        assert_eq!(row[c], want, "{metric}");
    }
}

#[test]
fn an_interrupted_sweep_resumes_to_the_same_files_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    sweep(&a, &["--threads", "2"]).success();
    sweep(&b, &["--threads", "1"]).success();
    // Simulate an interruption: only some points finished, no final files.
    for f in ["sweep.csv", "flip.csv", "flip.svg", "sensitivity.csv"] {
        std::fs::remove_file(b.join(f)).unwrap();
    }
    for p in ["000001.csv", "000004.csv"] {
        std::fs::remove_file(b.join("points").join(p)).unwrap();
    }
    detente()
        .args([
            "sweep",
            "--vary",
            "inclusion=0:1:3",
            "--vary",
            "actors.DPRK.prior_sincere=0.3:0.7:2",
            "--runs",
            "200",
            "--seed",
            "5",
            "--out",
        ])
        .arg(&b)
        .assert()
        .success()
        .stdout(predicate::str::contains("4 points already done"));
    for f in [
        "sweep.csv",
        "flip.csv",
        "flip.svg",
        "sensitivity.csv",
        "sweep.json",
    ] {
        assert_eq!(read(&a.join(f)), read(&b.join(f)), "{f}");
    }
    // A different sweep into the same folder is refused.
    detente()
        .args([
            "sweep",
            "--vary",
            "inclusion=0:1:4",
            "--runs",
            "200",
            "--out",
        ])
        .arg(&b)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("holds a different sweep"));
}

#[test]
fn a_hypercube_is_seeded_and_ranks_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("h");
    detente()
        .args([
            "sweep",
            "--design",
            "lhs",
            "--samples",
            "8",
            "--vary",
            "negativity=1:2",
            "--vary",
            "horizon=60:120",
            "--runs",
            "100",
            "--metric",
            "final_tension",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "sensitivity of diff:final_tension",
        ));
    let flip = read(&out.join("flip.csv"));
    assert_eq!(flip.lines().count(), 9);
    // The horizon is a whole number in the file, so its values are whole.
    for l in flip.lines().skip(1) {
        let h: f64 = l.split(',').nth(2).unwrap().parse().unwrap();
        assert_eq!(h, h.round(), "{l}");
    }
}

#[test]
fn bad_sweeps_get_one_line_and_exit_2_writing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bad");
    for (args, msg) in [
        (vec!["--vary", "nonsense=0:1:3"], "has no 'nonsense'"),
        (vec!["--vary", "params.nonsense=0:1:3"], "has no 'nonsense'"),
        (
            vec!["--vary", "actors.ROK.patience=1:3:3"],
            "no element 'ROK'",
        ),
        (vec!["--vary", "name=0:1:3"], "not a number"),
        (vec!["--vary", "inclusion=0:1"], "a grid needs STEPS"),
        (vec!["--vary", "inclusion=1:0:3"], "LO is above HI"),
        (vec!["--vary", "inclusion=0:x:3"], "HI 'x' is not a number"),
        (vec!["--vary", "inclusion=0:2:3"], "at inclusion=2"),
        (
            vec!["--vary", "inclusion=0:1:3", "--vary", "inclusion=0:1:2"],
            "given twice",
        ),
        (
            vec!["--vary", "inclusion=0:1", "--design", "lhs"],
            "--samples",
        ),
        (
            vec!["--vary", "inclusion=0:1:3", "--metric", "happiness"],
            "not a run metric",
        ),
        (
            vec!["--vary", "inclusion=0:1:3", "--arm", "all_or_nothing"],
            "is the baseline",
        ),
        (
            vec!["--vary", "inclusion=0:1:3", "--arm", "x"],
            "not an arm",
        ),
        (
            vec![
                "--vary",
                "inclusion=0:1:1000",
                "--vary",
                "negativity=1:2:1000",
            ],
            "more than 100000 points",
        ),
    ] {
        detente()
            .arg("sweep")
            .args(&args)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(msg))
            .stderr(predicate::function(|s: &str| s.lines().count() == 1));
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
}
