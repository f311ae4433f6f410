//! The scenario library: every file in scenarios/ is valid, every principle has its scenario,
//! and scenarios/README.md's headline table is what a real run of each scenario gives today.
//! To regenerate the table after a model change: `DETENTE_BLESS=1 cargo test --test scenario_library`.

use std::path::Path;

use detente::export::headline::Answer;
use detente::export::library::{
    self, END, Entry, POSTERIOR_END, POSTERIOR_START, README_RUNS, ROBUST_END, ROBUST_RUNS,
    ROBUST_START, START,
};
use detente::export::robustness;
use detente::scenario::{self, Any};

const PRINCIPLES: [&str; 7] = [
    "incremental-vs-all-or-nothing",
    "confidence-building",
    "end-of-war-first",
    "support-south-korea",
    "inclusive-table",
    "diplomacy-is-not-a-gift",
    "status-quo",
];

fn files() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    v.sort();
    v
}

fn entry(file: &str) -> Entry {
    match scenario::load_any(&Path::new("scenarios").join(file)).unwrap() {
        Any::Negotiation(l) => {
            let sc = &l.scenario;
            let seed = sc.experiment.seed;
            let agg = detente::batch::run::<()>(sc, seed, 0..README_RUNS, &|_| {}, &mut |_| Ok(()))
                .unwrap();
            library::negotiation(file, sc, &agg, seed)
        }
        Any::Game { scenario: sc, .. } => {
            let runs = sc.runs.min(README_RUNS);
            let agg =
                detente::batch::game::run::<()>(&sc, sc.seed, 0..runs, &|_| {}, &mut |_| Ok(()))
                    .unwrap();
            library::game(file, &sc, &agg, runs, sc.seed)
        }
    }
}

#[test]
fn every_principle_has_a_scenario_with_a_question_and_a_headline() {
    for p in PRINCIPLES {
        let l = scenario::load(&Path::new("scenarios").join(format!("{p}.toml")))
            .unwrap_or_else(|e| panic!("{p}: {e}"));
        let ex = &l.scenario.experiment;
        assert!(!ex.question.is_empty(), "{p}: no question");
        assert!(ex.headline.is_some(), "{p}: no headline");
        assert!(ex.arms.len() >= 2, "{p}: needs a baseline and an arm");
    }
    // The ROK is a third actor with its own track in the South Korea scenario.
    let l = scenario::load(Path::new("scenarios/support-south-korea.toml")).unwrap();
    let tp = l.scenario.third_party.as_ref().expect("a third party");
    assert!(tp.moves.len() >= 4 && tp.politics.cycle > 0);
}

/// The README's text between `start` and `end` (marks included) must be `table`; with
/// DETENTE_BLESS set it is rewritten instead.
fn current(table: &str, start: &str, end: &str) {
    let path = Path::new("scenarios/README.md");
    let text = std::fs::read_to_string(path).unwrap();
    let (Some(a), Some(b)) = (text.find(start), text.find(end)) else {
        panic!("scenarios/README.md lacks the marks {start} and {end}");
    };
    if text[a..b + end.len()] != *table {
        if std::env::var_os("DETENTE_BLESS").is_some() {
            let new = format!("{}{}{}", &text[..a], table, &text[b + end.len()..]);
            std::fs::write(path, new).unwrap();
        } else {
            panic!(
                "scenarios/README.md is out of date; run `DETENTE_BLESS=1 cargo test --test scenario_library` and commit it.\nexpected:\n{table}"
            );
        }
    }
}

#[test]
fn the_readme_table_is_current() {
    let entries: Vec<Entry> = files().iter().map(|f| entry(f)).collect();
    current(&library::table(&entries), START, END);
}

#[test]
fn the_robustness_table_is_current() {
    let mut rows = Vec::new();
    for file in files() {
        let Any::Negotiation(l) = scenario::load_any(&Path::new("scenarios").join(&file)).unwrap()
        else {
            continue;
        };
        let sc = &l.scenario;
        // A scenario drawing from a posterior answers under it, not under ±50% judgements.
        let Some(h) = sc.experiment.headline.filter(|_| sc.uncertainty.is_none()) else {
            continue;
        };
        let names = detente::batch::aggregate::run_metric_names(sc);
        let comparison = format!(
            "`{}` − `{}`, {}",
            sc.experiment.arms[h.arm].id,
            sc.experiment.arms[sc.experiment.baseline].id,
            names[h.metric]
        );
        let r = robustness::of(&l.text, &l.path, ROBUST_RUNS, sc.experiment.seed)
            .expect("a scenario with a headline has an answer");
        assert_eq!(r.top.len(), robustness::TOP, "{file}");
        rows.push((
            file,
            comparison,
            detente::batch::aggregate::is_share(h.metric),
            r,
        ));
    }
    assert!(rows.len() >= 9);
    current(&library::robustness_table(&rows), ROBUST_START, ROBUST_END);
}

/// A principle's headline answer from a batch of README_RUNS runs.
fn answer(l: &scenario::Loaded) -> Answer {
    let sc = &l.scenario;
    let seed = sc.experiment.seed;
    let agg =
        detente::batch::run::<()>(sc, seed, 0..README_RUNS, &|_| {}, &mut |_| Ok(())).unwrap();
    let rows = detente::export::summary::rows(sc, &agg);
    Answer::from_rows(sc, &rows).expect("a principle has a headline")
}

#[test]
fn the_posterior_table_is_current() {
    let dir = tempfile::tempdir().unwrap();
    let here = std::env::current_dir().unwrap();
    let mut rows = Vec::new();
    for p in PRINCIPLES {
        let file = format!("{p}.toml");
        let path = here.join("scenarios").join(&file);
        let own = answer(&scenario::load(&path).unwrap());
        let fitted = dir.path().join(&file);
        std::fs::write(
            &fitted,
            format!(
                "base = {:?}\nfrom_posterior = {:?}\n",
                path.display().to_string(),
                here.join(library::POSTERIOR).display().to_string()
            ),
        )
        .unwrap();
        let post = answer(&scenario::load(&fitted).unwrap_or_else(|e| panic!("{p}: {e}")));
        assert!(
            post.draws.is_some(),
            "{p}: the posterior's draws are reported"
        );
        rows.push((file, own, post));
    }
    current(
        &library::posterior_table(&rows),
        POSTERIOR_START,
        POSTERIOR_END,
    );
}
