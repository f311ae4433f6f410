//! The levers of the live page: the settings a class is most likely to ask about ("and if the
//! other side trusted us a little more?"), each a `--vary` key with its documented range, its
//! value in the scenario and a one-line explanation.

use crate::model::Scenario;
use crate::model::params::PARAM_DOCS;
use crate::scenario::vary;

/// One lever: a numeric setting of the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Lever {
    /// The key, as `--vary` takes it.
    pub key: String,
    pub label: String,
    pub doc: String,
    pub min: f64,
    pub max: f64,
    pub step: f64,
    /// The scenario's own value.
    pub default: f64,
}

/// An actor's setting offered as a lever: the actor (0 or 1), the key under it, the label,
/// the explanation and the range; `{A}` is the actor, `{B}` the other.
type ActorLever = (usize, &'static str, &'static str, &'static str, (f64, f64));

/// The actors' settings offered as levers.
const ACTOR_LEVERS: &[ActorLever] = &[
    (
        1,
        "prior_sincere",
        "Chance {A} seeks security",
        "How likely {A} is to be a security seeker (type S), who reciprocates, rather than greedy (type G), who pockets concessions; the other side does not know which.",
        (0.05, 0.95),
    ),
    (
        1,
        "initial_trust",
        "{A}'s trust in {B} at the start",
        "How much {A} trusts {B} at month 0: its belief that {B} seeks security.",
        (0.01, 0.99),
    ),
    (
        0,
        "initial_trust",
        "{A}'s trust in {B} at the start",
        "How much {A} trusts {B} at month 0: its belief that {B} seeks security.",
        (0.01, 0.99),
    ),
];

/// The model parameters offered as levers, with their documented ranges.
const PARAM_LEVERS: &[(&str, &str)] = &[
    ("verification", "Verification"),
    ("inclusion", "A more inclusive table"),
    ("pressure_effect", "What pressure achieves"),
    ("negativity", "Bad news weighs more than good"),
    ("misperception_slope", "Misperception under tension"),
];

/// The levers of a scenario whose merged document is `doc`: those its document has.
pub fn of(sc: &Scenario, doc: &toml::Table) -> Vec<Lever> {
    let mut out = Vec::new();
    for &(who, field, label, text, range) in ACTOR_LEVERS {
        let (a, b) = (&sc.actors[who].id, &sc.actors[1 - who].id);
        let fill = |s: &str| s.replace("{A}", a).replace("{B}", b);
        if let Some(l) = lever(
            doc,
            &format!("actors.{a}.{field}"),
            fill(label),
            fill(text),
            range,
        ) {
            out.push(l);
        }
    }
    for &(name, label) in PARAM_LEVERS {
        let Some(p) = PARAM_DOCS.iter().find(|p| p.name == name) else {
            continue;
        };
        let Some(range) = p.bounds().filter(|(lo, hi)| lo < hi) else {
            continue;
        };
        if let Some(l) = lever(
            doc,
            &format!("params.{name}"),
            label.into(),
            p.doc.into(),
            range,
        ) {
            out.push(l);
        }
    }
    out
}

/// A lever at `key`, if the document has a number there; its range widened to take the
/// scenario's own value.
fn lever(
    doc: &toml::Table,
    key: &str,
    label: String,
    doc_line: String,
    (lo, hi): (f64, f64),
) -> Option<Lever> {
    let k = vary::resolve(doc, key).ok()?;
    let default = vary::get(doc, &k)?;
    let (min, max) = (lo.min(default), hi.max(default));
    let step = if k.integer {
        1.0
    } else {
        nice_step((max - min) / 100.0)
    };
    Some(Lever {
        key: key.to_string(),
        label,
        doc: doc_line,
        min,
        max,
        step,
        default,
    })
}

/// The power of ten at or below `x` (0.01 for 0.015): slider steps that print cleanly.
fn nice_step(x: f64) -> f64 {
    let mut s = 1.0;
    while s > x && s > 1e-6 {
        s /= 10.0;
    }
    while s * 10.0 <= x {
        s *= 10.0;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flagship_offers_its_documented_levers() {
        let loaded = crate::scenario::default_scenario();
        let doc: toml::Table = loaded.text.parse().unwrap();
        let levers = of(&loaded.scenario, &doc);
        let keys: Vec<&str> = levers.iter().map(|l| l.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "actors.DPRK.prior_sincere",
                "actors.DPRK.initial_trust",
                "actors.US.initial_trust",
                "params.verification",
                "params.inclusion",
                "params.pressure_effect",
                "params.negativity",
                "params.misperception_slope",
            ]
        );
        for l in &levers {
            assert!(l.min <= l.default && l.default <= l.max, "{l:?}");
            assert!(l.step > 0.0 && l.step <= (l.max - l.min) / 10.0, "{l:?}");
        }
        assert_eq!(levers[0].default, 0.5);
        assert_eq!(levers[0].label, "Chance DPRK seeks security");
        assert_eq!(nice_step(0.015), 0.01);
        assert_eq!(nice_step(0.5), 0.1);
        assert_eq!(crate::model::params::bounds("0.2-1.5"), Some((0.2, 1.5)));
    }
}
