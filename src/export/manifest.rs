//! `manifest.json`: what produced a results folder (program, dependencies, scenario text and
//! hash, seed, runs, arms, command line, times), with `"complete": true` written last.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::model::Scenario;

/// Versions of the dependencies that affect results, from Cargo.lock at build time.
pub const DEPENDENCIES: &str = env!("DETENTE_DEPENDENCIES");

/// Lower-case hex SHA-256 of a text.
pub fn sha256_hex(text: &str) -> String {
    sha256_bytes(text.as_bytes())
}

/// Lower-case hex SHA-256 of bytes.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the manifest records about the scenario of a batch.
pub struct Subject<'a> {
    /// The scenario's name.
    pub name: &'a str,
    /// Months simulated (negotiation) or none (repeated games).
    pub horizon: Option<u32>,
    /// The arms, from [`negotiation_arms`] or [`game_arms`].
    pub arms: Value,
    pub baseline: Option<&'a str>,
    pub scenario_path: &'a str,
    pub scenario_text: &'a str,
}

impl<'a> Subject<'a> {
    /// The subject of a scenario of either kind.
    pub fn of(any: &'a crate::scenario::Any) -> Self {
        match any {
            crate::scenario::Any::Negotiation(l) => {
                let sc = &l.scenario;
                Subject {
                    name: &sc.name,
                    horizon: Some(sc.horizon),
                    arms: negotiation_arms(sc),
                    baseline: Some(&sc.experiment.arms[sc.experiment.baseline].id),
                    scenario_path: &l.path,
                    scenario_text: &l.text,
                }
            }
            crate::scenario::Any::Game {
                scenario,
                path,
                text,
            } => Subject {
                name: &scenario.name,
                horizon: None,
                arms: game_arms(scenario),
                baseline: None,
                scenario_path: path,
                scenario_text: text,
            },
        }
    }
}

/// What the manifest records about a batch.
pub struct Info<'a> {
    pub subject: Subject<'a>,
    pub seed: u64,
    pub runs: u64,
    pub threads: usize,
    pub command_line: &'a [String],
    pub started: &'a str,
    pub finished: &'a str,
    /// Further entries written before `complete` (`shard` for a shard, `merged` for a merge).
    pub extra: Vec<(&'static str, Value)>,
}

/// The arms of a negotiation experiment: id, label and each actor's strategy.
pub fn negotiation_arms(sc: &Scenario) -> Value {
    Value::Array(
        sc.experiment
            .arms
            .iter()
            .map(|a| {
                let strategies: Map<String, Value> = (0..2)
                    .map(|i| {
                        (
                            sc.actors[i].id.clone(),
                            Value::String(sc.strategies[a.strategies[i]].id.clone()),
                        )
                    })
                    .collect();
                json!({ "id": a.id, "label": a.label, "strategies": strategies })
            })
            .collect(),
    )
}

/// The arms of a repeated-game experiment: id, label and each side's strategy.
pub fn game_arms(sc: &crate::scenario::game::GameScenario) -> Value {
    Value::Array(
        sc.arms
            .iter()
            .map(|a| {
                let strategies: Map<String, Value> = (0..2)
                    .map(|i| {
                        (
                            sc.actors[i].clone(),
                            Value::String(sc.players[a.players[i]].0.clone()),
                        )
                    })
                    .collect();
                json!({ "id": a.id, "label": a.label, "strategies": strategies })
            })
            .collect(),
    )
}

pub fn json(info: &Info) -> String {
    let subject = &info.subject;
    let deps: Map<String, Value> = DEPENDENCIES
        .split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect();
    let v = json!({
        "program": { "name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION") },
        "dependencies": deps,
        "scenario": {
            "name": subject.name,
            "path": subject.scenario_path,
            "sha256": sha256_hex(subject.scenario_text),
            "text": subject.scenario_text,
        },
        "seed": info.seed,
        "runs": info.runs,
        "horizon": subject.horizon,
        "arms": subject.arms,
        "baseline": subject.baseline,
        "threads": info.threads,
        "command_line": info.command_line,
        "started": info.started,
        "finished": info.finished,
    });
    let mut v = v;
    if let Some(map) = v.as_object_mut() {
        for (k, x) in &info.extra {
            map.insert(k.to_string(), x.clone());
        }
        map.insert("complete".into(), Value::Bool(true));
    }
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// UTC time as RFC 3339 (seconds), from seconds since the Unix epoch.
pub fn rfc3339(unix_secs: u64) -> String {
    let days = (unix_secs / 86_400) as i64;
    let secs = unix_secs % 86_400;
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}
