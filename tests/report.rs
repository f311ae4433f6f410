//! Charts and the self-contained report: written with every run, rebuilt by `detente report`.

mod common;

use common::detente;
use predicates::prelude::*;

#[test]
fn every_run_writes_charts_and_a_self_contained_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    detente()
        .args(["run", "--runs", "200", "--seed", "5", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    for f in [
        "trust.svg",
        "outcomes.svg",
        "survival.svg",
        "tension.svg",
        "arsenal.svg",
        "report.html",
    ] {
        let text = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(text.len() > 1000, "{f} is nearly empty");
        if f.ends_with(".svg") {
            assert!(
                text.starts_with("<svg") && text.contains("<text"),
                "{f} is not an SVG with text"
            );
        }
    }
    // Survival is of processes that started: hardline never starts one, so its colour
    // (reddish purple) is only in the legend, while action for action (vermillion) has a line.
    let survival = std::fs::read_to_string(out.join("survival.svg")).unwrap();
    assert_eq!(survival.matches("stroke=\"#CC79A7\"").count(), 1);
    assert_eq!(survival.matches("stroke=\"#D55E00\"").count(), 2);
    // Trust as small multiples: a panel per arm and direction.
    let trust = std::fs::read_to_string(out.join("trust.svg")).unwrap();
    assert!(
        trust.contains("hardline: US&apos;s trust in DPRK")
            && trust.contains("grit: DPRK&apos;s trust in US")
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.matches("<svg").count() >= 5);
    for banned in ["<script", "<link", "@import", "url(http", "src=\"http"] {
        assert!(!html.contains(banned), "report.html contains {banned}");
    }
    for arm in ["all_or_nothing", "incremental", "grit", "hardline"] {
        assert!(html.contains(arm));
    }
    assert!(html.contains("Master seed 5"));
    assert!(
        html.contains("name = &quot;korea-2019&quot;"),
        "the scenario text is not in the appendix"
    );
    assert!(html.contains("S/G"));
    // The ledger: every ledger metric of the run, with the paired differences.
    let ledger = &html[html
        .find("<h2>The ledger")
        .expect("the report shows the ledger")..];
    for m in [
        "outcome:verified_agreement",
        "outcome:paper_agreement",
        "months:verified_freeze",
        "months:verified_agreement",
        "conceded_unreciprocated:US",
        "relief_pocketed:DPRK",
        "arsenal_growth_in_talks",
        "payoff:US",
        "payoff:DPRK",
        "final_belief:DPRK:US",
    ] {
        assert!(ledger.contains(m), "the ledger lacks {m}");
    }
    assert!(ledger.contains("Paired differences from the baseline"));
    // The same arm has the same colour in every chart.
    let trust = std::fs::read_to_string(out.join("trust.svg")).unwrap();
    let outcomes = std::fs::read_to_string(out.join("outcomes.svg")).unwrap();
    assert!(trust.contains("#0072B2") && outcomes.contains("#0072B2"));

    // Rebuilt from the CSVs alone, byte for byte.
    let before = std::fs::read(out.join("report.html")).unwrap();
    let trust_before = std::fs::read(out.join("trust.svg")).unwrap();
    std::fs::remove_file(out.join("report.html")).unwrap();
    std::fs::remove_file(out.join("trust.svg")).unwrap();
    detente().arg("report").arg(&out).assert().success();
    assert_eq!(std::fs::read(out.join("report.html")).unwrap(), before);
    assert_eq!(std::fs::read(out.join("trust.svg")).unwrap(), trust_before);
}

#[test]
fn report_of_a_folder_without_results_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    detente()
        .arg("report")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("manifest.json: cannot read"));
}

#[test]
fn colour_only_when_asked_and_never_in_pipes() {
    let sc = detente::scenario::default_scenario().scenario;
    let agg = detente::batch::run::<()>(&sc, 1, 0..20, &|_| {}, &mut |_| Ok(())).unwrap();
    let plain = detente::export::terminal::table(&sc, &agg, 1, false);
    let coloured = detente::export::terminal::table(&sc, &agg, 1, true);
    assert!(!plain.contains('\u{1b}'));
    assert!(
        coloured.contains("\u{1b}[1;38;2;0;114;178m"),
        "first arm in the first palette colour"
    );
    // The CLI's stdout here is a pipe: no escape codes even without NO_COLOR.
    let dir = tempfile::tempdir().unwrap();
    let a = detente()
        .env_remove("NO_COLOR")
        .args(["run", "--runs", "20", "--out"])
        .arg(dir.path().join("r"))
        .assert()
        .success();
    assert!(!a.get_output().stdout.contains(&0x1b));
}

#[test]
fn replay_explains_trust_updates() {
    let a = detente()
        .args(["replay", "--arm", "incremental", "--run", "0"])
        .assert()
        .success();
    let text = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(text.contains("trust moves by"), "{text}");
    assert!(text.contains("from steps seen"));
}
