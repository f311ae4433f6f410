//! `[output]` and the headline: a scenario file chooses its metrics, quantiles and per-run
//! rows, and states its question and the comparison that answers it.

mod common;

use common::{KOREA, detente, edited, write_scenario};
use predicates::prelude::*;

const OUTPUT: &str = "\n[output]\nmetrics = [\"outcome:war\", \"warheads\", \"incidents\"]\nquantiles = [0.05, 0.25, 0.5, 0.75, 0.95]\nruns_csv = false\n";

#[test]
fn output_options_choose_metrics_quantiles_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "o.toml", &format!("{KOREA}{OUTPUT}"));
    let out = dir.path().join("r");
    detente()
        .args(["run", "--runs", "200", "-q", "--out"])
        .arg(&out)
        .arg(&sc)
        .assert()
        .success();
    assert!(!out.join("runs.csv").exists());
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let metrics: std::collections::BTreeSet<&str> = summary
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .map(|m| m.trim_start_matches("diff:").split('@').next().unwrap())
        .collect();
    assert_eq!(
        metrics.into_iter().collect::<Vec<_>>(),
        ["incidents", "outcome:war", "warheads"]
    );
    // 4 arms x 5 groups x 3 metrics + 3 arms x 3 diffs + header.
    assert_eq!(summary.lines().count(), 4 * 5 * 3 + 3 * 3 + 1);
    let traj = std::fs::read_to_string(out.join("trajectories.csv")).unwrap();
    assert!(traj.starts_with("arm,month,metric,n,mean,sd,ci95_low,ci95_high,p5,p25,p50,p75,p95\n"));
    // The charts follow the quantiles written, and the report still builds from the folder.
    let trust = std::fs::read_to_string(out.join("trust.svg")).unwrap();
    assert!(trust.contains("median, 5-95% band"), "trust.svg caption");
    detente().arg("report").arg(&out).assert().success();
}

#[test]
fn bad_output_options_are_refused_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    for (bad, want) in [
        (
            OUTPUT.replace("\"incidents\"", "\"happiness\""),
            "unknown metric 'happiness'",
        ),
        (
            OUTPUT.replace("0.05, 0.25", "0.25, 0.05"),
            "increasing order",
        ),
        (OUTPUT.replace("0.05,", "1.5,"), "strictly between 0 and 1"),
        (
            OUTPUT.replace("\"warheads\", \"incidents\"", "\"outcome:war\""),
            "listed twice",
        ),
        (
            OUTPUT.replace("runs_csv", "rows_csv"),
            "unknown field `rows_csv`",
        ),
    ] {
        let sc = write_scenario(dir.path(), "b.toml", &format!("{KOREA}{bad}"));
        detente()
            .args(["validate"])
            .arg(&sc)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(want))
            .stderr(predicate::str::is_match(r"b\.toml:\d+:\d+: ").unwrap());
    }
    let sc = write_scenario(
        dir.path(),
        "h.toml",
        &edited(
            "headline = { arm = \"incremental\"",
            "headline = { arm = \"all_or_nothing\"",
        ),
    );
    detente()
        .arg("validate")
        .arg(&sc)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the headline arm is the baseline"));
}

#[test]
fn the_headline_answers_the_question_in_the_terminal_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    detente()
        .args(["run", "--runs", "300", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "question: Does an action-for-action roadmap",
        ))
        .stdout(predicate::str::is_match(
            r"answer:   incremental - all_or_nothing on months:verified_freeze: \+\d+\.\d+ \[\+\d+\.\d+, \+\d+\.\d+\]; incremental does better\.",
        ).unwrap());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("The answer, as a paired difference"));
    assert!(html.contains("incremental does better"));
}
