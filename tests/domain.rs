//! The domain is data: a scenario names its own move categories, agreement indices and stock,
//! and nothing in the program assumes the Korean ones. Renaming them all changes the names in
//! every output and not one number.

mod common;

use common::{KOREA, detente};

/// The flagship with every domain name replaced: categories, indices and the stock.
fn renamed() -> String {
    let mut s = KOREA.to_string();
    for (from, to) in [
        ("\"denuclearization\"", "\"enrichment_limits\""),
        ("\"sanctions\"", "\"relief\""),
        ("\"peace\"", "\"diplomacy\""),
        ("\"normalization\"", "\"trade\""),
        ("\"humanitarian\"", "\"goodwill\""),
        ("\"military\"", "\"posture\""),
        ("\"provocation\"", "\"escalation\""),
        ("label = \"Warheads\"", "label = \"LEU stockpile\""),
        ("unit = \"warheads\"", "unit = \"t\""),
        ("final_metric = \"warheads\"", "final_metric = \"leu_t\""),
        ("monthly_metric = \"arsenal\"", "monthly_metric = \"leu\""),
    ] {
        assert!(s.contains(from), "{from} not in the flagship");
        s = s.replace(from, to);
    }
    s
}

#[test]
fn renaming_the_domain_changes_names_not_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("renamed.toml");
    std::fs::write(&file, renamed()).unwrap();
    let (a, b) = (dir.path().join("korea"), dir.path().join("renamed"));
    for (out, scenario) in [(&a, None), (&b, Some(&file))] {
        let mut c = detente();
        c.arg("run");
        if let Some(f) = scenario {
            c.arg(f);
        }
        c.args(["--runs", "150", "-q", "--out"])
            .arg(out)
            .assert()
            .success();
    }
    let read = |d: &std::path::Path, f: &str| std::fs::read_to_string(d.join(f)).unwrap();
    for f in ["runs.csv", "summary.csv", "trajectories.csv"] {
        let renamed_back = read(&b, f)
            .replace("leu_growth_in_talks", "arsenal_growth_in_talks")
            .replace("leu_t", "warheads")
            .replace(",leu,", ",arsenal,");
        assert_eq!(renamed_back, read(&a, f), "{f} differs beyond the names");
    }
    assert!(
        read(&b, "runs.csv")
            .lines()
            .next()
            .unwrap()
            .contains(",leu_t,")
    );
    assert!(read(&b, "summary.csv").contains(",leu_t,"));
    assert!(read(&b, "trajectories.csv").contains(",leu,"));
    let chart = read(&b, "leu.svg");
    // The chart named after the stock is detente's: --force replaces the folder.
    detente()
        .arg("run")
        .arg(&file)
        .args(["--runs", "20", "-q", "--force", "--out"])
        .arg(&b)
        .assert()
        .success();
    assert!(
        chart.contains("LEU stockpile") && !chart.contains("arhead"),
        "chart"
    );
    let report = read(&b, "report.html");
    assert!(!b.join("arsenal.svg").exists());
    assert!(
        report.contains("LEU stockpile: the actors' stock"),
        "report"
    );
    // The listings speak the scenario's language too.
    let out = detente()
        .args(["list", "metrics", "--scenario"])
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("LEU stockpile (t)") && !text.contains("arhead"),
        "{text}"
    );
    let out = detente()
        .args(["list", "moves", "--scenario"])
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("enrichment_limits") && !text.contains("denuclearization "));
}

#[test]
fn domain_declarations_are_checked() {
    let cases = [
        (
            "categories = [\"peace\", \"normalization\"",
            "categories = [\"peace\", \"peace\", \"normalization\"",
            "category 'peace' is listed twice",
        ),
        (
            "categories = [\"denuclearization\"]",
            "categories = [\"denuclearisation\"]",
            "unknown category 'denuclearisation'",
        ),
        (
            "categories = [\"denuclearization\"]",
            "categories = [\"provocation\"]",
            "index 'denuclearization' counts no conciliatory move",
        ),
        (
            "final_metric = \"warheads\"",
            "final_metric = \"final_tension\"",
            "stock final_metric 'final_tension' must be a metric name",
        ),
        (
            "monthly_metric = \"arsenal\"",
            "monthly_metric = \"tension\"",
            "stock monthly_metric 'tension' must be a metric name",
        ),
        (
            "name = \"strategic_tests\"",
            "name = \"strategic tests\"",
            "tally name 'strategic tests' must be letters, digits or '_'",
        ),
        (
            "moves = [\"nuclear_test\", \"icbm_launch\"",
            "moves = [\"nuclear_tests\", \"icbm_launch\"",
            "nuclear_tests",
        ),
        (
            "moves = [\"nuclear_test\", \"icbm_launch\"",
            "moves = [\"freeze_yongbyon\", \"icbm_launch\"",
            "tally move 'freeze_yongbyon' is not a hostile move",
        ),
    ];
    for (from, to, want) in cases {
        assert!(KOREA.contains(from), "{from}");
        let text = KOREA.replacen(from, to, 1);
        let e = detente::scenario::parse(&text, "x.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("x.toml:") && e.contains(want), "{to}: {e}");
    }
}
