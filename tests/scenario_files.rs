//! The shipped scenario files and the documentation agree with the code.

use detente::model::params::PARAM_DOCS;

#[test]
fn embedded_default_is_the_file() {
    let file = std::fs::read_to_string("scenarios/korea-2019.toml").unwrap();
    assert_eq!(file, detente::scenario::DEFAULT_SCENARIO);
    let sc = detente::scenario::default_scenario().scenario;
    assert_eq!(sc.name, "korea-2019");
    assert_eq!(sc.horizon, 120);
    assert_eq!(sc.experiment.runs, 10_000);
    let arms: Vec<&str> = sc.experiment.arms.iter().map(|a| a.id.as_str()).collect();
    for a in ["all_or_nothing", "incremental", "grit", "hardline"] {
        assert!(arms.contains(&a), "default scenario lacks arm {a}");
    }
}

#[test]
fn default_scenario_sets_every_parameter_at_its_documented_default() {
    let sc = detente::scenario::default_scenario().scenario;
    let text = detente::scenario::DEFAULT_SCENARIO;
    let set = toml::to_string(&sc.params).unwrap();
    for p in PARAM_DOCS {
        assert!(
            text.contains(&format!("\n{} = ", p.name)),
            "korea-2019.toml does not set {}",
            p.name
        );
        let line = set
            .lines()
            .find(|l| l.starts_with(&format!("{} = ", p.name)))
            .unwrap();
        let v: f64 = line.split(" = ").nth(1).unwrap().parse().unwrap();
        assert_eq!(
            v, p.default,
            "{} is {v} in the scenario, {} in the code",
            p.name, p.default
        );
    }
}

#[test]
fn every_parameter_is_documented_in_the_model_document() {
    let doc = std::fs::read_to_string("docs/model.md").expect("docs/model.md exists");
    for p in PARAM_DOCS {
        assert!(
            doc.contains(&format!("`{}`", p.name)),
            "docs/model.md does not document `{}`",
            p.name
        );
    }
    for k in detente::strategies::KINDS {
        assert!(
            doc.contains(k.kind),
            "docs/model.md does not describe strategy {}",
            k.kind
        );
    }
}

#[test]
fn every_output_column_and_metric_is_documented() {
    let doc = std::fs::read_to_string("docs/output.md").expect("docs/output.md exists");
    let sc = detente::scenario::default_scenario().scenario;
    let mut names: Vec<String> = detente::export::runs::header(&sc);
    names.extend(detente::export::trajectories::metric_names(&sc));
    names.extend(detente::batch::aggregate::run_metric_names(&sc));
    names.extend(
        detente::export::trajectories::HEADER
            .iter()
            .map(|s| s.to_string()),
    );
    names.extend(
        detente::export::summary::HEADER
            .iter()
            .map(|s| s.to_string()),
    );
    // The document writes the actor ids as A and B.
    for n in names {
        let generic = n.replace("DPRK", "B").replace("US", "A");
        assert!(
            doc.contains(&generic),
            "docs/output.md does not mention {generic}"
        );
    }
}

/// Every key the scenario format accepts (the fields of the serde structs that read scenario
/// files) is documented in docs/model.md, so the format and the document cannot drift apart.
#[test]
fn every_scenario_key_is_documented_in_the_model_document() {
    let doc = std::fs::read_to_string("docs/model.md").unwrap();
    let mut keys = std::collections::BTreeSet::new();
    // The scenario's structs, and each strategy kind's and player kind's parameters.
    let mut files = vec![
        "src/scenario/raw.rs".to_string(),
        "src/scenario/game.rs".to_string(),
        "src/game/players.rs".to_string(),
    ];
    for e in std::fs::read_dir("src/strategies").unwrap().flatten() {
        files.push(e.path().display().to_string());
    }
    for file in files {
        let src = std::fs::read_to_string(&file).unwrap();
        let mut in_struct = false;
        let mut derives = false;
        for line in src.lines() {
            let t = line.trim();
            if t.starts_with("#[derive(") {
                derives = t.contains("Deserialize");
            } else if (t.starts_with("pub struct ") || t.starts_with("struct ")) && t.ends_with('{')
            {
                in_struct = derives;
            } else if line == "}" {
                in_struct = false;
            } else if in_struct && !t.starts_with("//") && !t.starts_with("#[") {
                let field = t.trim_start_matches("pub ").split(':').next().unwrap_or("");
                if !field.is_empty() && field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    keys.insert(field.to_string());
                }
            }
        }
    }
    assert!(
        keys.len() > 80,
        "found only {} keys: the scan is broken",
        keys.len()
    );
    for p in detente::model::params::PARAM_DOCS {
        keys.insert(p.name.to_string());
    }
    let missing: Vec<&String> = keys
        .iter()
        .filter(|k| !doc.contains(&format!("`{k}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/model.md does not document these scenario keys: {missing:?}"
    );
}

// ---------------------------------------------------------------- scenarios over a base

/// Write `files` (name, text) into a fresh folder with the flagship as `base.toml`.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("base.toml"),
        detente::scenario::DEFAULT_SCENARIO,
    )
    .unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn load_err(dir: &tempfile::TempDir, name: &str) -> String {
    match detente::scenario::load_any(&dir.path().join(name)) {
        Ok(_) => panic!("{name} was accepted"),
        Err(e) => e.to_string(),
    }
}

/// The line of `text` that holds `needle`, 1-based.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn a_scenario_over_its_base_is_the_base_with_its_changes() {
    let child = r#"base = "base.toml"
name = "over"

[params]
inclusion = 0.5

[remove]
strategies = ["grit"]
experiment.arms = ["grit"]

[[actors]]
id = "DPRK"
initial_trust = 0.3
stock.initial = 40.0

[[experiment.arms]]
id = "late"
label = "Late"
strategies = { US = "hardline", DPRK = "dprk_type_conditional" }
"#;
    let dir = folder(&[("over.toml", child)]);
    let l = detente::scenario::load(&dir.path().join("over.toml")).unwrap();
    let base = detente::scenario::default_scenario().scenario;
    let sc = &l.scenario;
    assert_eq!(sc.name, "over");
    assert_eq!(sc.params.inclusion, 0.5);
    assert_eq!(sc.params.negativity, base.params.negativity);
    // Merged by id: the DPRK keeps what the child does not change.
    let dprk = sc.actors.iter().find(|a| a.id == "DPRK").unwrap();
    let base_dprk = base.actors.iter().find(|a| a.id == "DPRK").unwrap();
    assert_eq!(dprk.initial_trust, 0.3);
    assert_eq!(dprk.patience, base_dprk.patience);
    assert_eq!(dprk.stock.as_ref().unwrap().initial, 40.0);
    assert_eq!(
        dprk.stock.as_ref().unwrap().growth,
        base_dprk.stock.as_ref().unwrap().growth
    );
    // Removed, then appended.
    let arms: Vec<&str> = sc.experiment.arms.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(arms, ["all_or_nothing", "incremental", "hardline", "late"]);
    assert!(sc.strategies.iter().all(|s| s.id != "grit"));
    assert_eq!(sc.moves, base.moves);
    // The text kept for the manifest stands alone and is the same scenario.
    assert!(!l.text.lines().any(|x| x.starts_with("base =")));
    let again = detente::scenario::parse(&l.text, "manifest").unwrap();
    assert_eq!(&again, sc);
}

#[test]
fn errors_name_the_file_and_line_of_either() {
    // A bad value in the child points into the child.
    let child = "base = \"base.toml\"\nname = \"x\"\n[params]\ntrust_floor = 2.0\n";
    let dir = folder(&[("x.toml", child)]);
    let e = load_err(&dir, "x.toml");
    assert!(e.contains("x.toml:4:15:"), "{e}");
    // A bad value the child keeps from its base points into the base.
    let base = detente::scenario::DEFAULT_SCENARIO.replacen("patience = 2\n", "patience = -2\n", 1);
    let dir = folder(&[
        ("bad.toml", &base),
        ("y.toml", "base = \"bad.toml\"\nname = \"y\"\n"),
    ]);
    let e = load_err(&dir, "y.toml");
    let line = line_of(&base, "patience = -2");
    assert!(e.contains(&format!("bad.toml:{line}:12:")), "{e}");
    // A reference the child breaks is reported where the child wrote it.
    let child = "base = \"base.toml\"\nname = \"z\"\n[remove]\nstrategies = [\"incremental\"]\n";
    let dir = folder(&[("z.toml", child)]);
    let e = load_err(&dir, "z.toml");
    assert!(e.contains("unknown strategy 'incremental'"), "{e}");
}

#[test]
fn bad_bases_and_removals_are_refused_with_their_place() {
    let dir = folder(&[
        ("cycle.toml", "base = \"cycle.toml\"\nname = \"c\"\n"),
        ("missing.toml", "name = \"m\"\nbase = \"nowhere.toml\"\n"),
        (
            "unknown.toml",
            "base = \"base.toml\"\n[remove]\nmoves = [\"no_such_move\"]\n",
        ),
        ("alone.toml", "name = \"a\"\n[remove]\nmoves = [\"x\"]\n"),
        ("number.toml", "base = 3\n"),
    ]);
    let cases = [
        (
            "cycle.toml",
            "cycle.toml:1:8: base 'cycle.toml' is a file this scenario already builds on",
        ),
        ("missing.toml", "missing.toml:2:8: base 'nowhere.toml'"),
        (
            "unknown.toml",
            "unknown.toml:3:10: remove.moves: the base has no 'no_such_move'",
        ),
        (
            "alone.toml",
            "alone.toml:2:1: remove takes things out of a base",
        ),
        (
            "number.toml",
            "number.toml:1:8: base must be the path of a scenario file",
        ),
    ];
    for (file, want) in cases {
        let e = load_err(&dir, file);
        assert!(e.contains(&format!("/{want}")), "{file}: {e}");
    }
    // Text without a file (a manifest's) cannot name a base.
    let e = detente::scenario::parse("base = \"base.toml\"\n", "m").unwrap_err();
    assert!(e.to_string().contains("must be read from a file"), "{e}");
}

/// The principle scenarios state only what differs from the flagship.
#[test]
fn principle_scenarios_build_on_the_flagship() {
    for name in [
        "confidence-building",
        "diplomacy-is-not-a-gift",
        "end-of-war-first",
        "inclusive-table",
        "incremental-vs-all-or-nothing",
        "status-quo",
        "support-south-korea",
        "singapore-2018",
    ] {
        let path = format!("scenarios/{name}.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\nbase = \"korea-2019.toml\"\n"), "{path}");
        assert!(text.lines().count() <= 120, "{path} is long");
        let l = detente::scenario::load(std::path::Path::new(&path)).unwrap();
        assert_eq!(l.scenario.name, name);
        assert_eq!(
            l.scenario.moves,
            detente::scenario::default_scenario().scenario.moves
        );
    }
}
