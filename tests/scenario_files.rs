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
    for file in ["src/scenario/raw.rs", "src/scenario/game.rs"] {
        let src = std::fs::read_to_string(file).unwrap();
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
