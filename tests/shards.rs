//! Shards and merge: any split of a batch, merged in any order, is byte-identical to one run;
//! every kind of mismatch is refused with exit code 2; a killed shard is never accepted.

mod common;

use std::path::{Path, PathBuf};

use common::{KOREA, detente, write_scenario};
use predicates::prelude::*;

const FILES: [&str; 3] = ["trajectories.csv", "summary.csv", "runs.csv"];

fn run(out: &Path, args: &[&str]) {
    detente()
        .args(["run", "-q", "--out"])
        .arg(out)
        .args(args)
        .assert()
        .success();
}

fn shards(dir: &Path, tag: &str, m: u64, args: &[&str]) -> Vec<PathBuf> {
    (0..m)
        .map(|k| {
            let out = dir.join(format!("{tag}{k}"));
            let shard = format!("{k}/{m}");
            let mut a = args.to_vec();
            a.extend(["--shard", &shard]);
            run(&out, &a);
            out
        })
        .collect()
}

fn merge(dirs: &[PathBuf], out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    detente()
        .arg("merge")
        .args(dirs)
        .arg("--out")
        .arg(out)
        .args(extra)
        .arg("-q")
        .assert()
}

fn same(a: &Path, b: &Path, files: &[&str]) {
    for f in files {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn any_split_merged_in_any_order_equals_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--runs", "700", "--seed", "13"];
    let one = dir.path().join("one");
    run(&one, &args);
    for m in [1u64, 2, 3, 7] {
        let mut parts = shards(dir.path(), &format!("m{m}_"), m, &args);
        // A shard holds only its slice of runs.csv, its aggregate and a manifest.
        assert!(!parts[0].join("summary.csv").exists());
        assert!(parts[0].join("aggregate.bin").is_file());
        parts.reverse();
        parts.rotate_left(m as usize / 2);
        let out = dir.path().join(format!("merged{m}"));
        merge(&parts, &out, &[]).success();
        same(&one, &out, &FILES);
        let man: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap())
                .unwrap();
        assert_eq!(man["merged"]["complete"], true);
        assert_eq!(man["merged"]["count"], m);
        assert_eq!(man["runs"], 700);
        // Charts and the report are built from the merged results.
        assert!(out.join("report.html").is_file() && out.join("trust.svg").is_file());
    }
}

#[test]
fn repeated_games_and_scenarios_without_runs_csv_shard_too() {
    let dir = tempfile::tempdir().unwrap();
    let game = [
        "scenarios/prisoners-dilemma.toml",
        "--runs",
        "40",
        "--seed",
        "3",
    ];
    let one = dir.path().join("game_one");
    run(&one, &game);
    let parts = shards(dir.path(), "g", 3, &game);
    let out = dir.path().join("gm");
    merge(&parts, &out, &[]).success();
    same(&one, &out, &["summary.csv", "ranking.csv", "runs.csv"]);

    let sc = write_scenario(
        dir.path(),
        "norows.toml",
        &format!("{KOREA}\n[output]\nruns_csv = false\n"),
    );
    let sc = sc.to_str().unwrap();
    let args = [sc, "--runs", "90"];
    let one = dir.path().join("norows_one");
    run(&one, &args);
    let parts = shards(dir.path(), "n", 2, &args);
    let out = dir.path().join("nm");
    merge(&parts, &out, &[]).success();
    same(&one, &out, &["trajectories.csv", "summary.csv"]);
    assert!(!out.join("runs.csv").exists());
}

#[test]
fn mismatched_duplicate_and_incomplete_sets_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = ["--runs", "60", "--seed", "5"];
    let s = shards(d, "s", 3, &base);
    let refuse = |dirs: Vec<PathBuf>, want: &str| {
        let out = d.join("bad");
        merge(&dirs, &out, &[])
            .code(2)
            .stderr(predicate::str::contains(want))
            .stderr(predicate::function(|e: &str| e.lines().count() == 1));
        assert!(!out.exists());
    };
    let other_seed = d.join("seed");
    run(
        &other_seed,
        &["--runs", "60", "--seed", "6", "--shard", "1/3"],
    );
    refuse(vec![s[0].clone(), other_seed, s[2].clone()], "seed 6 and 5");
    let other_runs = d.join("runs");
    run(
        &other_runs,
        &["--runs", "61", "--seed", "5", "--shard", "1/3"],
    );
    refuse(
        vec![s[0].clone(), other_runs, s[2].clone()],
        "runs 61 and 60",
    );
    let sc = write_scenario(
        d,
        "x.toml",
        &KOREA.replace("horizon = 120", "horizon = 100"),
    );
    let other_sc = d.join("sc");
    run(
        &other_sc,
        &[
            sc.to_str().unwrap(),
            "--runs",
            "60",
            "--seed",
            "5",
            "--shard",
            "1/3",
        ],
    );
    refuse(
        vec![s[0].clone(), other_sc, s[2].clone()],
        "scenario sha256",
    );
    let split = d.join("split");
    run(&split, &["--runs", "60", "--seed", "5", "--shard", "1/2"]);
    refuse(vec![s[0].clone(), split], "shard count");
    refuse(
        vec![s[0].clone(), s[1].clone(), s[1].clone()],
        "given twice",
    );
    refuse(
        vec![s[0].clone(), s[2].clone()],
        "missing 1/3 (runs 20..40)",
    );
    // Another program version: its manifest says so.
    let v = d.join("version");
    copy_dir(&s[1], &v);
    let m = std::fs::read_to_string(v.join("manifest.json")).unwrap();
    let version = format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(m.contains(&version));
    std::fs::write(
        v.join("manifest.json"),
        m.replace(&version, "\"version\": \"0.0.1\""),
    )
    .unwrap();
    refuse(
        vec![s[0].clone(), v, s[2].clone()],
        "written by detente 0.0.1, not this detente",
    );
    // A plain run is not a shard; a damaged aggregate is caught by its hash.
    let plain = d.join("plain");
    run(&plain, &base);
    refuse(vec![plain], "not a shard");
    let dmg = d.join("damaged");
    copy_dir(&s[1], &dmg);
    let mut bytes = std::fs::read(dmg.join("aggregate.bin")).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(dmg.join("aggregate.bin"), bytes).unwrap();
    refuse(
        vec![s[0].clone(), dmg, s[2].clone()],
        "does not match its manifest",
    );
}

#[test]
fn a_partial_merge_says_what_it_covers_and_a_killed_shard_is_rerun() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = ["--runs", "60", "--seed", "5"];
    let s = shards(d, "s", 3, &base);
    let out = d.join("partial");
    merge(&[s[2].clone(), s[0].clone()], &out, &["--partial"]).success();
    let man: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(man["merged"]["complete"], false);
    assert_eq!(man["merged"]["shards"], serde_json::json!([0, 2]));
    assert_eq!(man["merged"]["runs_covered"], 40);
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 1 + 40 * 4);

    // A shard killed mid-run leaves only a hidden temporary folder (of a process that is gone;
    // no PID reaches 999999999): merge refuses the missing folder; rerunning the shard
    // completes the set and removes the dead process's temporary.
    let killed = d.join("killed");
    let debris = d.join(".killed.tmp-999999999");
    std::fs::create_dir(&debris).unwrap();
    std::fs::write(debris.join("runs.csv"), "arm,run\n").unwrap();
    let out = d.join("m");
    merge(&[s[0].clone(), killed.clone(), s[2].clone()], &out, &[])
        .code(2)
        .stderr(predicate::str::contains("not a finished shard folder"));
    run(&killed, &["--runs", "60", "--seed", "5", "--shard", "1/3"]);
    assert!(
        !debris.exists(),
        "the killed shard's temporary folder is still there"
    );
    merge(&[s[0].clone(), killed, s[2].clone()], &out, &[]).success();
    let one = d.join("one");
    run(&one, &base);
    same(&one, &out, &FILES);
}

#[test]
fn bad_shard_arguments_are_refused() {
    for (arg, want) in [
        ("3/3", "not K/M with 0 <= K < M"),
        ("1/0", "not K/M"),
        ("a/b", "not K/M"),
        ("0/11", "at most 10 shards"),
    ] {
        detente()
            .args([
                "run",
                "--runs",
                "10",
                "--out",
                "/tmp/never-written",
                "--shard",
                arg,
            ])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(want));
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn the_shard_reader_checks_a_shard_from_its_bytes_alone() {
    let dir = tempfile::tempdir().unwrap();
    let s = shards(dir.path(), "s", 2, &["--runs", "40", "--seed", "9"]);
    let manifest = std::fs::read_to_string(s[1].join("manifest.json")).unwrap();
    let aggregate = std::fs::read(s[1].join("aggregate.bin")).unwrap();
    detente::cli::merge::check_shard(&manifest, &aggregate).unwrap();
    // Another slice of the runs: the aggregate's 20 runs are not shard 1/2 of 60 runs' 30.
    let first = "\"first_run\": 20";
    assert!(manifest.contains(first));
    let other = manifest
        .replace("\"runs\": 40", "\"runs\": 60")
        .replace(first, "\"first_run\": 30")
        .replace("\"end_run\": 40", "\"end_run\": 60");
    let e = detente::cli::merge::check_shard(&other, &aggregate).unwrap_err();
    assert!(
        e.to_string()
            .contains("counts 20 runs where shard 1/2 has 30"),
        "{e}"
    );
    assert!(detente::cli::merge::check_shard("{}", &aggregate).is_err());
    assert!(detente::cli::merge::check_shard(&manifest, &aggregate[..100]).is_err());
}
