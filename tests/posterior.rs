//! `from_posterior`: a scenario draws settings a whole particle at a time, with probability
//! proportional to its weight; the text kept for manifests carries the particles and gives the
//! same draws alone; every particle is validated before anything runs, and a bad posterior
//! is named by file and line.

mod common;

use std::path::Path;

use predicates::prelude::*;

const POSTERIOR: &str = "\
particle,weight,distance,param:params.keep_base,param:actors.DPRK.patience,stat:agreements
0,0.0,1.5,3.5,30.2,1.0
1,0.25,0.5,0.5,4.4,2.0
2,0.75,0.7,1.25,11.6,1.0
";

/// A folder with the flagship, a posterior and a scenario drawing from it.
fn folder(posterior: &str, extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("korea.toml"), common::KOREA).unwrap();
    std::fs::write(dir.path().join("posterior.csv"), posterior).unwrap();
    std::fs::write(
        dir.path().join("fitted.toml"),
        format!(
            "base = \"korea.toml\"\nname = \"fitted\"\nfrom_posterior = \"posterior.csv\"\n{extra}"
        ),
    )
    .unwrap();
    dir
}

fn load(dir: &Path) -> detente::scenario::Loaded {
    detente::scenario::load(&dir.join("fitted.toml")).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn draws_are_whole_particles_by_weight_and_the_kept_text_gives_the_same() {
    let dir = folder(POSTERIOR, "");
    let loaded = load(dir.path());
    let u = loaded.scenario.uncertainty.as_ref().unwrap();
    let keys: Vec<&str> = u.values.iter().map(|v| v.key.as_str()).collect();
    assert_eq!(keys, ["params.keep_base", "actors.DPRK.patience"]);
    // The scenario is built at the weighted means (patience rounded: a whole-number setting).
    assert_eq!(loaded.scenario.params.keep_base, 0.25 * 0.5 + 0.75 * 1.25);
    let dprk = loaded.scenario.actor_ix("DPRK").unwrap();
    assert_eq!(loaded.scenario.actors[dprk].patience, 10);
    let mut counts = [0u32; 3];
    for d in 0..2000 {
        match u.draw(7, d).as_slice() {
            [x, p] if *x == 3.5 && *p == 30.0 => counts[0] += 1,
            [x, p] if *x == 0.5 && *p == 4.0 => counts[1] += 1,
            [x, p] if *x == 1.25 && *p == 12.0 => counts[2] += 1,
            other => panic!("draw {d} is not a particle: {other:?}"),
        }
    }
    assert_eq!(counts[0], 0, "a particle of weight 0 is never drawn");
    // 2000 draws at 0.75: the standard deviation of the count is about 19.
    assert!(
        (1440..=1560).contains(&counts[2]),
        "particle 2 drawn {} times of 2000",
        counts[2]
    );
    // The kept text stands alone (as a manifest keeps it) and draws the same.
    assert!(loaded.text.contains("[from_posterior]"));
    let again = detente::scenario::parse(&loaded.text, "manifest").unwrap();
    let v = again.uncertainty.as_ref().unwrap();
    assert!((0..50).all(|d| v.draw(7, d) == u.draw(7, d)));
}

#[test]
fn runs_record_the_drawn_particle() {
    let dir = folder(POSTERIOR, "");
    let out = dir.path().join("out");
    common::detente()
        .args(["run", "--runs", "40", "-q", "--out"])
        .arg(&out)
        .arg(dir.path().join("fitted.toml"))
        .assert()
        .success();
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let header = runs.lines().next().unwrap();
    assert!(header.ends_with(",draw,param:params.keep_base,param:actors.DPRK.patience"));
    for line in runs.lines().skip(1) {
        let tail: Vec<&str> = line.rsplit(',').take(2).collect();
        assert!(
            matches!(
                tail.as_slice(),
                ["4.000000", "0.500000"] | ["12.000000", "1.250000"]
            ),
            "{line}"
        );
    }
}

#[test]
fn bad_posteriors_are_named_by_file_and_line() {
    let cases: &[(&str, &str, &str)] = &[
        (
            &POSTERIOR.replace("2,0.75,", "2,-1,"),
            "",
            "posterior.csv:4:1: particle 2: weight -1 must be a finite number",
        ),
        (
            &POSTERIOR.replace("1,0.25,0.5,0.5,", "1,0.25,0.5,-2,"),
            "",
            "posterior.csv:3:1: particle 1: params.keep_base:",
        ),
        (
            &POSTERIOR.replace("param:params.keep_base", "param:params.keep_bse"),
            "",
            "fitted.toml:3:1: from_posterior 'posterior.csv': unknown key 'params.keep_bse'",
        ),
        (
            &POSTERIOR.replace("weight", "w"),
            "",
            "posterior.csv:1:1: no 'weight' column",
        ),
        (
            &POSTERIOR.replace("0.25", "0.0").replace("0.75", "0.0"),
            "",
            "the weights must sum above 0",
        ),
        (
            POSTERIOR,
            "[params]\nkeep_base = { uniform = [0.0, 4.0] }\n",
            "params.keep_base is drawn from the posterior and also given as a distribution",
        ),
    ];
    for (posterior, extra, message) in cases {
        let dir = folder(posterior, extra);
        common::detente()
            .arg("validate")
            .arg(dir.path().join("fitted.toml"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*message));
    }
    let dir = folder(POSTERIOR, "");
    std::fs::remove_file(dir.path().join("posterior.csv")).unwrap();
    common::detente()
        .arg("validate")
        .arg(dir.path().join("fitted.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "fitted.toml:3:1: from_posterior 'posterior.csv'",
        ));
}

#[test]
fn sensitivity_refuses_settings_drawn_together() {
    let dir = folder(POSTERIOR, "");
    common::detente()
        .arg("sensitivity")
        .arg(dir.path().join("fitted.toml"))
        .args(["-q", "--out"])
        .arg(dir.path().join("s"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "draws params.keep_base, actors.DPRK.patience together from the posterior",
        ));
}

#[test]
fn a_setting_the_scenario_leaves_at_its_default_is_drawn_too() {
    let dir = folder(POSTERIOR, "");
    let without = common::KOREA.replacen("keep_base = 2.0\n", "", 1);
    assert_ne!(without, common::KOREA);
    std::fs::write(dir.path().join("korea.toml"), without).unwrap();
    let loaded = load(dir.path());
    assert_eq!(loaded.scenario.params.keep_base, 0.25 * 0.5 + 0.75 * 1.25);
    let again = detente::scenario::parse(&loaded.text, "manifest").unwrap();
    assert_eq!(again.params.keep_base, loaded.scenario.params.keep_base);
}
