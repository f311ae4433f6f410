//! The command line: the README's commands, the listings, and every kind of bad input (exit 2,
//! one clear line naming the place, nothing written).

mod common;

use common::{KOREA, detente, edited, write_scenario};
use predicates::prelude::*;

#[test]
fn run_writes_the_results_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    detente()
        .args(["run", "--runs", "300", "--seed", "7", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "paired difference from all_or_nothing",
        ))
        .stdout(predicate::str::contains("incremental"));
    for f in [
        "trajectories.csv",
        "summary.csv",
        "runs.csv",
        "manifest.json",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["complete"], true);
    assert_eq!(manifest["runs"], 300);
    assert_eq!(manifest["seed"], 7);
    assert_eq!(manifest["scenario"]["text"].as_str().unwrap(), KOREA);
    assert_eq!(manifest["scenario"]["sha256"].as_str().unwrap().len(), 64);
    assert!(manifest["dependencies"]["rand"].is_string());
    let keys: Vec<&String> = manifest.as_object().unwrap().keys().collect();
    assert_eq!(keys.last().unwrap().as_str(), "complete");
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 1 + 300 * 4);
    // No temporary folder is left beside the results.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn threads_flag_does_not_change_results() {
    let dir = tempfile::tempdir().unwrap();
    for t in ["1", "2"] {
        detente()
            .args([
                "run",
                "--runs",
                "300",
                "--seed",
                "3",
                "--quiet",
                "--threads",
                t,
                "--out",
            ])
            .arg(dir.path().join(t))
            .assert()
            .success()
            .stdout("");
    }
    for f in ["trajectories.csv", "summary.csv", "runs.csv"] {
        let a = std::fs::read(dir.path().join("1").join(f)).unwrap();
        let b = std::fs::read(dir.path().join("2").join(f)).unwrap();
        assert!(a == b, "{f} differs between 1 and 2 threads");
    }
}

#[test]
fn existing_folder_needs_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let run = |force: bool| {
        let mut c = detente();
        c.args(["run", "--runs", "50", "--quiet", "--out"])
            .arg(&out);
        if force {
            c.arg("--force");
        }
        c.assert()
    };
    run(false).success();
    std::fs::write(out.join("marker"), "old").unwrap();
    run(false).code(2).stderr(
        predicate::str::contains("already exists").and(predicate::str::contains("--force")),
    );
    assert!(
        out.join("marker").exists(),
        "refused run changed the folder"
    );
    // A file detente did not write: --force refuses to replace the folder and keeps it.
    run(true).code(2).stderr(predicate::str::contains(
        "'marker', which detente did not write",
    ));
    assert!(
        out.join("marker").exists(),
        "--force deleted a foreign file"
    );
    std::fs::remove_file(out.join("marker")).unwrap();
    std::fs::write(out.join("summary.csv"), "old").unwrap();
    run(true).success();
    assert_ne!(
        std::fs::read_to_string(out.join("summary.csv")).unwrap(),
        "old",
        "--force did not replace the folder"
    );
}

#[test]
fn lists() {
    detente()
        .args(["list", "moves"])
        .assert()
        .success()
        .stdout(predicate::str::contains("liaison_offices"))
        .stdout(predicate::str::contains("end_of_war_declaration"))
        .stdout(predicate::str::contains("family_reunion"));
    let strategies = detente().args(["list", "strategies"]).assert().success();
    let out = String::from_utf8(strategies.get_output().stdout.clone()).unwrap();
    for k in detente::strategies::KINDS {
        assert!(out.contains(k.kind), "{} not listed", k.kind);
    }
    detente()
        .args(["list", "metrics"])
        .assert()
        .success()
        .stdout(predicate::str::contains("trust:US:DPRK"))
        .stdout(predicate::str::contains("outcome:agreement"));
    detente()
        .args(["list", "params"])
        .assert()
        .success()
        .stdout(predicate::str::contains("negativity"));
}

#[test]
fn validate_accepts_the_shipped_scenarios_silently() {
    let mut c = detente();
    c.arg("validate");
    for e in std::fs::read_dir("scenarios").unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            c.arg(p);
        }
    }
    c.assert().success().stdout("").stderr("");
}

/// A bad scenario: `run` and `validate` exit 2 with one error line that contains `needle`
/// (and a file:line:column position), and `run` writes nothing.
fn rejects(text: &str, needle: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "bad.toml", text);
    let out = dir.path().join("out");
    let a = detente()
        .args(["run", "--quiet", "--runs", "10", "--out"])
        .arg(&out)
        .arg(&path)
        .assert()
        .code(2);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert_eq!(err.lines().count(), 1, "not one line: {err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(needle), "error '{err}' lacks '{needle}'");
    let position = regex_lite_position(&err);
    assert!(position, "error names no file:line:column: {err}");
    assert!(!out.exists(), "a results folder was written");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "something was written: {names:?}");
    detente()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(needle));
}

/// `bad.toml:LINE:COL:` appears in the message.
fn regex_lite_position(err: &str) -> bool {
    err.split("bad.toml:").nth(1).is_some_and(|rest| {
        let mut parts = rest.splitn(3, ':');
        let line = parts.next().unwrap_or("");
        let col = parts.next().unwrap_or("");
        !line.is_empty()
            && line.chars().all(|c| c.is_ascii_digit())
            && !col.is_empty()
            && col.chars().all(|c| c.is_ascii_digit())
    })
}

#[test]
fn malformed_toml() {
    rejects("name = \"bad\"\n[experiment\nruns = 3\n", "bad.toml:2:");
}

#[test]
fn unknown_key() {
    rejects(
        &format!("unknown_key_xyz = 1\n{KOREA}"),
        "unknown field `unknown_key_xyz`",
    );
    rejects(
        &edited("negativity = 1.5", "negativty = 1.5"),
        "unknown field `negativty`",
    );
}

#[test]
fn missing_required_key() {
    rejects(&edited("horizon = 120\n", ""), "missing field `horizon`");
}

#[test]
fn probability_out_of_range() {
    rejects(
        &edited("prior_sincere = 0.7", "prior_sincere = 1.5"),
        "expected a probability in [0, 1], found 1.5",
    );
}

#[test]
fn negative_cost() {
    rejects(
        &edited(
            "category = \"humanitarian\"\ncost = 0.5",
            "category = \"humanitarian\"\ncost = -0.5",
        ),
        "expected a score in [0, 10], found -0.5",
    );
}

#[test]
fn nan_and_infinity() {
    rejects(
        &edited("negativity = 1.5", "negativity = nan"),
        "expected a finite number",
    );
    rejects(
        &edited("budget = 15.0", "budget = inf"),
        "expected a finite number",
    );
}

#[test]
fn unknown_move_strategy_and_actor() {
    rejects(
        &edited(
            "requires = [\"liaison_offices\"]",
            "requires = [\"liason_offices\"]",
        ),
        "unknown move 'liason_offices'",
    );
    rejects(
        &edited("US = \"grit\"", "US = \"grits\""),
        "unknown strategy 'grits'",
    );
    rejects(
        &edited(
            "actor = \"US\"\ncategory = \"humanitarian\"",
            "actor = \"USA\"\ncategory = \"humanitarian\"",
        ),
        "unknown actor 'USA'",
    );
}

#[test]
fn prerequisite_cycle() {
    rejects(
        &edited(
            "irreversibility = 0.3\nfreeze = true",
            "irreversibility = 0.3\nrequires = [\"ship_out_warheads\"]\nfreeze = true",
        ),
        "prerequisite cycle",
    );
}

#[test]
fn experiment_without_arms_or_baseline() {
    let cut = KOREA.find("[[experiment.arms]]").unwrap();
    rejects(&KOREA[..cut], "no arms");
    rejects(
        &edited("baseline = \"all_or_nothing\"", "baseline = \"nothing\""),
        "unknown baseline arm 'nothing'",
    );
}

#[test]
fn zero_horizon() {
    rejects(
        &edited("horizon = 120", "horizon = 0"),
        "horizon must be between 1",
    );
}

#[test]
fn zero_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    detente()
        .args(["run", "--runs", "0", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--runs").and(predicate::str::contains("0")));
    assert!(!out.exists());
    rejects(
        &edited("runs = 10000", "runs = 0"),
        "runs must be between 1",
    );
}

#[test]
fn output_path_is_a_file_or_not_writable() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("afile");
    std::fs::write(&file, "x").unwrap();
    detente()
        .args(["run", "--runs", "10", "--out"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a file"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    detente()
        .args(["run", "--runs", "10", "--out"])
        .arg(file.join("sub"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a file"));
    // /proc refuses new folders even to root.
    detente()
        .args(["run", "--runs", "10", "--out", "/proc/detente-test/out"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("error: output path"));
}

#[test]
fn unreadable_scenario_file() {
    detente()
        .args(["validate", "/nonexistent/x.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/x.toml: cannot read"));
}

#[test]
fn repeated_game_scenario_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pd");
    detente()
        .args([
            "run",
            "scenarios/prisoners-dilemma.toml",
            "--runs",
            "20",
            "--seed",
            "3",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("mean payoff per turn"));
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.starts_with("arm,metric,n,mean,ci95_low,ci95_high\n"));
    assert!(summary.contains("defector_vs_tit_for_tat,payoff:row,20,"));
    assert!(summary.contains(",coop:col,"));
    let ranking = std::fs::read_to_string(out.join("ranking.csv")).unwrap();
    assert_eq!(ranking.lines().count(), 1 + 9);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["complete"], true);
    assert_eq!(manifest["arms"].as_array().unwrap().len(), 45);
    // A game file with a mistake is rejected like any scenario.
    let bad = std::fs::read_to_string("scenarios/prisoners-dilemma.toml")
        .unwrap()
        .replace("noise = 0.05", "noise = 1.5");
    let path = write_scenario(dir.path(), "bad.toml", &bad);
    detente()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("bad.toml:").and(predicate::str::contains(
                "expected a probability in [0, 1], found 1.5",
            )),
        );
}

#[test]
fn replay_tells_a_run_that_matches_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    detente()
        .args(["run", "--runs", "40", "--seed", "5", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let row: Vec<&str> = runs
        .lines()
        .find(|l| l.starts_with("incremental,7,"))
        .unwrap()
        .split(',')
        .collect();
    let a = detente()
        .args([
            "replay",
            "--arm",
            "incremental",
            "--run",
            "7",
            "--seed",
            "5",
        ])
        .assert()
        .success();
    let text = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(text.lines().count() >= 8, "{text}");
    assert!(text.contains("trust"));
    assert!(
        text.contains(&format!("seed {}", row[2])),
        "replayed seed differs from runs.csv"
    );
    let outcome = row[5].replace('_', " ");
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with(&format!("Outcome: {outcome} at month {}", row[6])),
        "{last} vs {row:?}"
    );
    let trust: f64 = row[7].parse().unwrap();
    assert!(
        last.contains(&format!("final trust {trust:.2}")),
        "{last} vs {trust}"
    );
    // The event log.
    let a = detente()
        .args([
            "replay",
            "--arm",
            "incremental",
            "--run",
            "7",
            "--seed",
            "5",
            "--format",
            "csv",
        ])
        .assert()
        .success();
    let csv = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(
        csv.starts_with("month,actor,event,move,perceived_as,trust_before,trust_after,tension\n")
    );
    assert!(csv.lines().count() > 5);
}

#[test]
fn replay_picks_runs_of_a_kind() {
    let a = detente()
        .args(["replay", "--arm", "incremental", "--pick", "breakdown"])
        .assert()
        .success();
    let text = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(
        text.lines()
            .last()
            .unwrap()
            .starts_with("Outcome: breakdown"),
        "{text}"
    );
    let a = detente()
        .args(["replay", "--arm", "incremental", "--pick", "agreement"])
        .assert()
        .success();
    let text = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(
        text.lines()
            .last()
            .unwrap()
            .starts_with("Outcome: agreement")
    );
    detente()
        .args(["replay", "--arm", "grit", "--pick", "median"])
        .assert()
        .success();
    detente()
        .args(["replay", "--arm", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown arm 'nope'"));
    detente()
        .args(["replay", "--arm", "hardline", "--pick", "agreement"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no run of arm 'hardline' ends in agreement",
        ));
}

/// Several scenarios in one command: a folder each, as a run of each alone would write it, and
/// one comparison table and report across them.
#[test]
fn run_of_several_scenarios_writes_each_and_a_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("both");
    let files = [
        "scenarios/status-quo.toml",
        "scenarios/inclusive-table.toml",
        "scenarios/prisoners-dilemma.toml",
    ];
    detente()
        .arg("run")
        .args(files)
        .args(["--runs", "60", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let comparison = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    let lines: Vec<&str> = comparison.lines().collect();
    assert_eq!(
        lines[0],
        "scenario,file,question,arm,baseline,metric,estimate,ci95_low,ci95_high,better,runs,seed"
    );
    assert_eq!(lines.len(), 4, "{comparison}");
    assert!(lines[1].starts_with("status-quo,scenarios/status-quo.toml,"));
    assert!(lines[1].contains(",incremental,status_quo,war_risk,"));
    assert!(lines[2].contains(",inclusion_1,inclusion_0,outcome:breakdown,"));
    assert!(lines[3].contains(",mean_payoff,"));
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("href=\"status-quo/report.html\""));
    assert!(report.contains("href=\"prisoners-dilemma/ranking.csv\""));
    // Each folder is what a run of that scenario alone writes.
    let alone = dir.path().join("alone");
    detente()
        .args([
            "run",
            "scenarios/inclusive-table.toml",
            "--runs",
            "60",
            "-q",
            "--out",
        ])
        .arg(&alone)
        .assert()
        .success();
    for f in ["runs.csv", "summary.csv", "trajectories.csv"] {
        assert_eq!(
            std::fs::read(alone.join(f)).unwrap(),
            std::fs::read(out.join("inclusive-table").join(f)).unwrap(),
            "{f}"
        );
    }
    // The folder as a whole is detente's, so --force replaces it.
    detente()
        .arg("run")
        .args(&files[..2])
        .args(["--runs", "30", "-q", "--force", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert!(!out.join("prisoners-dilemma").exists());
}

#[test]
fn several_scenarios_need_distinct_names_and_no_shard() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x");
    detente()
        .args([
            "run",
            "scenarios/status-quo.toml",
            "scenarios/status-quo.toml",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("are both named 'status-quo'"));
    detente()
        .args([
            "run",
            "scenarios/status-quo.toml",
            "scenarios/inclusive-table.toml",
            "--shard",
            "0/2",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--shard splits one scenario's runs",
        ));
    assert!(!out.exists());
}
