//! One registry: every strategy kind and repeated-game player kind listed in the code parses
//! from a scenario (its own example), runs, and is documented in `detente list strategies` and
//! docs/model.md.

mod common;

use common::{KOREA, detente};
use detente::game::players::PLAYER_KINDS;
use detente::strategies::KINDS;

/// What `detente list strategies` prints, and docs/model.md.
fn listing_and_document() -> (String, String) {
    let out = detente().args(["list", "strategies"]).output().unwrap();
    let doc = std::fs::read_to_string("docs/model.md").unwrap();
    (String::from_utf8(out.stdout).unwrap(), doc)
}

/// `kind` has a line of its own in the listing and is named in the document.
fn documented(kind: &str, (listed, doc): &(String, String)) {
    assert!(
        listed.lines().any(|l| l.starts_with(&format!("{kind} "))),
        "`detente list strategies` does not list '{kind}'"
    );
    assert!(
        doc.contains(&format!("`{kind}`")),
        "docs/model.md does not document '{kind}'"
    );
}

#[test]
fn every_strategy_kind_parses_runs_and_is_documented() {
    let texts = listing_and_document();
    assert!(KINDS.len() >= 15, "only {} kinds", KINDS.len());
    for k in KINDS {
        let params = k.example;
        let text = format!(
            "{KOREA}\n[[strategies]]\nid = \"probe\"\nkind = \"{}\"\n{params}\n\n[[experiment.arms]]\nid = \"probe\"\nstrategies = {{ US = \"probe\", DPRK = \"dprk_type_conditional\" }}\n",
            k.kind
        );
        let sc = detente::scenario::parse(&text, "probe.toml")
            .unwrap_or_else(|e| panic!("kind '{}' does not parse: {e}", k.kind));
        let decl = sc.strategies.iter().find(|s| s.id == "probe").unwrap();
        assert_eq!(decl.spec.kind(), k.kind);
        let agg = detente::batch::run::<()>(&sc, 1, 0..20, &|_| {}, &mut |_| Ok(())).unwrap();
        assert_eq!(agg.runs, 20, "kind '{}' did not run", k.kind);
        documented(k.kind, &texts);
    }
}

#[test]
fn every_player_kind_parses_and_is_documented() {
    let pd = std::fs::read_to_string("scenarios/prisoners-dilemma.toml").unwrap();
    let texts = listing_and_document();
    assert!(PLAYER_KINDS.len() >= 9);
    for k in PLAYER_KINDS {
        let params = k.example;
        let text = format!(
            "{pd}\n[[strategies]]\nid = \"probe\"\nkind = \"{}\"\n{params}\n",
            k.kind
        );
        match detente::scenario::parse_any(text, "probe.toml") {
            Ok(detente::scenario::Any::Game { scenario, .. }) => {
                assert!(
                    scenario.players.iter().any(|p| p.0 == "probe"),
                    "{}",
                    k.kind
                );
            }
            Ok(_) => panic!("not a game"),
            Err(e) => panic!("player kind '{}' does not parse: {e}", k.kind),
        }
        documented(k.kind, &texts);
    }
}
