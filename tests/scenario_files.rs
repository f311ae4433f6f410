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
