//! `detente record`: the shipped record's statistics come from the events they name; a bad
//! spec is one line with its place.

mod common;

use predicates::prelude::*;

#[test]
fn the_shipped_record_counts_its_events() {
    let out = common::detente()
        .args(["record", "--csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let value = |metric: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{metric},")))
            .and_then(|l| l.split(',').nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or_else(|| panic!("no {metric} in {text}"))
    };
    assert_eq!(value("agreements"), 2.0);
    // November 1994 to December 2002, and July 2007 to April 2009.
    assert_eq!(value("months:verified_freeze"), 98.0 + 21.0);
    assert_eq!(value("outcome:agreement"), 0.0);
    assert_eq!(value("outcome:war"), 0.0);
    // Held out of calibrations: October 1994 to December 2002, February 2007 to April 2009.
    assert_eq!(value("agreement_lifetime"), (98.0 + 26.0) / 2.0);
    assert!(
        text.lines()
            .any(|l| l.starts_with("agreement_lifetime,") && l.ends_with(",false"))
    );
    assert!(text.contains("Expels IAEA inspectors"));
    // Held out: 2 of the 29 strategic tests fell in the 124 months with an agreement or a
    // verified freeze in force, 27 in the other 272; the second Bush administration took 23
    // months to the Agreed Framework's collapse, the Obama administration 3 to the 2007
    // agreements'.
    let close = |metric: &str, want: f64| {
        let v = value(metric);
        assert!((v - want).abs() < 1e-6, "{metric} {v} against {want}");
    };
    close("strategic_tests_per_year:in_process", 2.0 * 12.0 / 124.0);
    close(
        "strategic_tests_per_year:out_of_process",
        27.0 * 12.0 / 272.0,
    );
    assert_eq!(value("change_to_collapse"), 13.0);
    assert!(text.contains("Barack Obama takes office"));
}

#[test]
fn a_bad_reference_is_one_line_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("data/dprk_events.csv", dir.path().join("dprk_events.csv")).unwrap();
    let spec = "events = \"dprk_events.csv\"\nstart = \"1991-01\"\nend = \"2023-12\"\n\n[[statistic]]\nmetric = \"agreements\"\nwhat = \"x\"\ncount = [\"1994-10-22\"]\n";
    let path = common::write_scenario(dir.path(), "r.toml", spec);
    common::detente()
        .arg("record")
        .arg(&path)
        .assert()
        .failure()
        .code(2)
        .stderr(predicate::str::contains(
            "r.toml:8:10: no event of the events file matches '1994-10-22'",
        ))
        .stderr(predicate::function(|s: &str| s.lines().count() == 1));
}
