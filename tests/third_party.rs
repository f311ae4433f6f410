//! The third party's track (section 7.19 of docs/model.md): it lowers tension and incidents
//! when engaged, needs the ally's support for sanctioned projects, follows its elections, and
//! its bad input is refused.

mod common;

use common::KOREA;
use detente::engine::{self, Event, Keep, TrackReason, Workspace};
use detente::model::Scenario;
use detente::rng;
use detente::scenario::parse;

fn with_track(stance: &str, steps: &str, politics: &str) -> String {
    format!(
        "{KOREA}\n[third_party]\nid = \"ROK\"\nlabel = \"Republic of Korea\"\nally = \"US\"\npartner = \"DPRK\"\nstance = \"{stance}\"\naccept = 1.0\n{politics}\n{steps}"
    )
}

const CBM: &str = r#"
[[third_party.moves]]
id = "military_cbm"
tension_relief = 0.02
incident_relief = 1.0
"#;

fn summary(sc: &Scenario, runs: u64) -> detente::batch::Aggregate {
    detente::batch::run::<()>(sc, 3, 0..runs, &|_| {}, &mut |_| Ok(())).unwrap()
}

fn metric(sc: &Scenario, agg: &detente::batch::Aggregate, arm: usize, name: &str) -> f64 {
    let k = detente::batch::aggregate::run_metric_names(sc)
        .iter()
        .position(|n| n == name)
        .unwrap();
    agg.summary_at(arm, 0, k).mean()
}

#[test]
fn an_engaged_track_lowers_tension_and_incidents() {
    let on = parse(&with_track("engager", CBM, ""), "on").unwrap();
    let off = parse(&with_track("hardliner", CBM, ""), "off").unwrap();
    let (a, b) = (summary(&on, 400), summary(&off, 400));
    for arm in 0..on.experiment.arms.len() {
        let months = metric(&on, &a, arm, "track_months");
        assert!(months > 100.0, "arm {arm}: {months}");
        assert_eq!(metric(&off, &b, arm, "track_months"), 0.0);
        let (ta, tb) = (
            metric(&on, &a, arm, "final_tension"),
            metric(&off, &b, arm, "final_tension"),
        );
        assert!(ta < tb - 0.1, "arm {arm}: tension {ta} vs {tb}");
        let (ia, ib) = (
            metric(&on, &a, arm, "incidents"),
            metric(&off, &b, arm, "incidents"),
        );
        assert!(ia < 0.2 * ib, "arm {arm}: incidents {ia} vs {ib}");
    }
    // Without a third party nothing changes: the hardliner's scenario gives the same war
    // outcomes as the plain one (its extra draws come after every other draw of the month).
    let plain = parse(KOREA, "plain").unwrap();
    let c = summary(&plain, 400);
    for arm in 0..plain.experiment.arms.len() {
        assert_eq!(
            metric(&plain, &c, arm, "outcome:war"),
            metric(&off, &b, arm, "outcome:war")
        );
    }
}

#[test]
fn sanctioned_projects_need_the_allys_support() {
    let project = r#"
[[third_party.moves]]
id = "economic_projects"
tension_relief = 0.01
needs_support = true
"#;
    let impeded = parse(&with_track("engager", project, ""), "x").unwrap();
    let agg = summary(&impeded, 100);
    for arm in 0..impeded.experiment.arms.len() {
        assert_eq!(metric(&impeded, &agg, arm, "track_months"), 0.0);
    }
    let text = with_track("engager", project, "").replace(
        "kind = \"incremental\"\n",
        "kind = \"incremental\"\nthird_party = \"support\"\n",
    );
    let supported = parse(&text, "y").unwrap();
    let agg = summary(&supported, 100);
    let inc = supported.arm_ix("incremental").unwrap();
    for arm in 0..supported.experiment.arms.len() {
        let m = metric(&supported, &agg, arm, "track_months");
        if arm == inc {
            assert!(m > 50.0, "{m}");
        } else {
            assert_eq!(m, 0.0, "arm {arm}");
        }
    }
}

#[test]
fn elections_toggle_the_stance_and_a_hardliner_ends_the_track() {
    let sc = parse(
        &with_track(
            "engager",
            CBM,
            "[third_party.politics]\ncycle = 30\nflip = 1.0\n",
        ),
        "e",
    )
    .unwrap();
    let arm = &sc.experiment.arms[1];
    let mut k = Keep::default();
    engine::simulate(&sc, arm, rng::run_seed(1, 0), &mut Workspace::new(), &mut k);
    let stances: Vec<(u32, bool)> = k
        .events
        .iter()
        .filter_map(|(t, e)| match e {
            Event::Stance { engager } => Some((*t, *engager)),
            _ => None,
        })
        .collect();
    assert_eq!(&stances[..3], &[(30, false), (60, true), (90, false)]);
    let track: Vec<(u32, bool, TrackReason)> = k
        .events
        .iter()
        .filter_map(|(t, e)| match e {
            Event::Track { made, reason, .. } => Some((*t, *made, *reason)),
            _ => None,
        })
        .collect();
    assert!(track.iter().any(|&(t, made, _)| made && t < 30));
    // Nothing is made while a hardliner governs, and the step ends when one takes office
    // (unless the partner walked out first).
    assert!(
        !track
            .iter()
            .any(|&(t, made, _)| made && ((30..60).contains(&t) || t >= 90))
    );
    let in_force_at_30 = track
        .iter()
        .filter(|&&(t, _, _)| t < 30)
        .fold(false, |_, &(_, made, _)| made);
    if in_force_at_30 {
        assert!(track.contains(&(30, false, TrackReason::Stance)));
    }
}

#[test]
fn bad_third_parties_are_refused_with_their_place() {
    for (edit, want) in [
        (
            ("ally = \"US\"", "ally = \"DPRK\""),
            "must be the two different actors",
        ),
        (
            ("stance = \"engager\"", "stance = \"dove\""),
            "expected \"engager\" or \"hardliner\"",
        ),
        (
            ("id = \"ROK\"", "id = \"US\""),
            "the id of a strategic actor",
        ),
        (
            ("partner = \"DPRK\"", "partner = \"Japan\""),
            "unknown actor 'Japan'",
        ),
        (("accept = 1.0", "accept = 1.5"), "probability in [0, 1]"),
        (
            ("tension_relief = 0.02", "tension_relief = 0.02\nrepeat = 0"),
            "repeat",
        ),
        (
            ("id = \"military_cbm\"", "id = \"liaison_offices\""),
            "duplicate move id",
        ),
    ] {
        let text = with_track("engager", CBM, "").replacen(edit.0, edit.1, 1);
        let e = parse(&text, "f.toml").unwrap_err().to_string();
        assert!(
            e.starts_with("f.toml:") && e.contains(want),
            "{edit:?}: {e}"
        );
    }
    let text = with_track("engager", CBM, "").replace(
        "kind = \"incremental\"\n",
        "kind = \"incremental\"\nthird_party = \"maybe\"\n",
    );
    let e = parse(&text, "f.toml").unwrap_err().to_string();
    assert!(e.contains("\"support\" or \"impede\""), "{e}");
}

#[test]
fn an_arm_can_set_the_third_partys_stance() {
    let text = with_track("hardliner", CBM, "").replace(
        "id = \"grit\"\nlabel = \"GRIT\"\n",
        "id = \"grit\"\nlabel = \"GRIT\"\nthird_party_stance = \"engager\"\n",
    );
    let sc = parse(&text, "s").unwrap();
    let agg = summary(&sc, 100);
    for (arm, a) in sc.experiment.arms.iter().enumerate() {
        let m = metric(&sc, &agg, arm, "track_months");
        assert_eq!(m > 0.0, a.id == "grit", "{}: {m}", a.id);
    }
    let bad = KOREA.replace(
        "id = \"grit\"\nlabel = \"GRIT\"\n",
        "id = \"grit\"\nlabel = \"GRIT\"\nthird_party_stance = \"engager\"\n",
    );
    let e = parse(&bad, "b.toml").unwrap_err().to_string();
    assert!(e.contains("has no [third_party]"), "{e}");
}

#[test]
fn replay_tells_the_third_partys_track() {
    // Run 3 of the engager arm, with extra arguments; its standard output.
    let replay = |extra: &[&str]| {
        let out = common::detente()
            .args([
                "replay",
                "scenarios/support-south-korea.toml",
                "--arm",
                "rok_engager_us_supports",
                "--run",
                "3",
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let csv = replay(&["--format", "csv"]);
    assert!(csv.lines().any(|l| l.contains(",ROK,track_made,")), "{csv}");
    let text = replay(&[]);
    assert!(text.contains("take a step of their own"), "{text}");
}
