//! The live page's requests: the scenario and its levers, a rerun at the levers' values (the
//! answer, the arms' headline values and the report's charts), a run to step through, and the
//! results and report to download. Every value is validated as the command line validates it.

use serde_json::{Value, json};

use super::{MAX_CLIENTS, Shared};
use crate::batch::{self, DrawInvalid, NonFinite, aggregate::Aggregate};
use crate::cli::args::Pick;
use crate::export::{self, headline::Answer};
use crate::model::Scenario;
use crate::scenario::vary;

/// Why a request was not answered with results.
#[derive(Debug)]
pub enum Failure {
    /// A newer rerun of the same page replaced it.
    Cancelled,
    /// The request asked for something invalid; the message says what would be valid.
    Bad(String),
    /// The model or the program failed.
    Failed(String),
}

impl From<NonFinite> for Failure {
    fn from(e: NonFinite) -> Self {
        Failure::Failed(e.to_string())
    }
}

impl From<DrawInvalid> for Failure {
    fn from(e: DrawInvalid) -> Self {
        Failure::Bad(e.to_string())
    }
}

/// A request's query: its `key=value` pairs, percent-decoded, in order.
pub struct Query(Vec<(String, String)>);

impl Query {
    pub fn parse(q: &str) -> Query {
        Query(
            q.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (decode(k), decode(v))
                })
                .collect(),
        )
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Percent-decoding (`+` is a space); a malformed escape is kept as written.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |k: usize| {
            b.get(k)
                .and_then(|c| (*c as char).to_digit(16))
                .map(|d| d as u8)
        };
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => match (hex(i + 1), hex(i + 2)) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The query keys that are not levers.
const CONTROLS: &[&str] = &[
    "runs", "client", "seq", "arm", "run", "pick", "view", "compare",
];

/// The scenario, its arms and its levers.
pub fn scenario(s: &Shared) -> Value {
    let sc = &s.loaded.scenario;
    let arms: Vec<Value> = sc
        .experiment
        .arms
        .iter()
        .map(|a| json!({ "id": a.id, "label": a.label }))
        .collect();
    let levers: Vec<Value> = s
        .levers
        .iter()
        .map(|l| {
            json!({
                "key": l.key, "label": l.label, "doc": l.doc,
                "min": l.min, "max": l.max, "step": l.step, "default": l.default,
            })
        })
        .collect();
    let headline = sc.experiment.headline.map(|h| {
        json!({
            "arm": sc.experiment.arms[h.arm].id,
            "metric": batch::aggregate::run_metric_names(sc)[h.metric],
        })
    });
    json!({
        "name": sc.name,
        "title": sc.title,
        "question": sc.experiment.question,
        "description": sc.description,
        "actors": [sc.actors[0].label, sc.actors[1].label],
        "ids": [sc.actors[0].id, sc.actors[1].id],
        "arms": arms,
        "baseline": sc.experiment.arms[sc.experiment.baseline].id,
        "headline": headline,
        "levers": levers,
        "runs": s.runs,
        "horizon": sc.horizon,
    })
}

/// The scenario with the levers the query sets, validated as a `--vary` point is.
fn scenario_at(s: &Shared, q: &Query) -> Result<(Scenario, String), Failure> {
    let mut doc = s.doc.clone();
    let mut set = false;
    for (k, v) in &q.0 {
        if CONTROLS.contains(&k.as_str()) {
            continue;
        }
        let lever = s.levers.iter().find(|l| l.key == *k).ok_or_else(|| {
            let keys: Vec<&str> = s.levers.iter().map(|l| l.key.as_str()).collect();
            Failure::Bad(format!(
                "'{k}' is not a lever of this page; the levers are {}",
                keys.join(", ")
            ))
        })?;
        let x: f64 = v
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite() && *x >= lever.min && *x <= lever.max)
            .ok_or_else(|| {
                Failure::Bad(format!(
                    "{} = '{v}': expected a number from {} to {}",
                    lever.label, lever.min, lever.max
                ))
            })?;
        let key = vary::resolve(&doc, k).map_err(Failure::Bad)?;
        vary::set(&mut doc, &key, x);
        set = true;
    }
    let (sc, text) = if set {
        let text = toml::to_string(&doc).map_err(|e| Failure::Failed(e.to_string()))?;
        let sc = crate::scenario::parse(&text, &s.loaded.path)
            .map_err(|e| Failure::Bad(crate::cli::sweep::bare(e)))?;
        (sc, text)
    } else {
        (s.loaded.scenario.clone(), s.loaded.text.clone())
    };
    Ok((sc, text))
}

/// The scenario a rerun runs: the twins without politics measure only the `politics:`
/// metrics, which the page does not show, so a rerun leaves them out (a saved report keeps
/// them, as `detente run` does).
fn without_twins(mut sc: Scenario) -> Scenario {
    sc.output.politics_runs = 0;
    sc
}

/// The runs per arm the query asks for (the server's number by default, never more).
fn runs(s: &Shared, q: &Query) -> Result<u64, Failure> {
    match q.get("runs") {
        None => Ok(s.runs),
        Some(v) => v
            .parse::<u64>()
            .ok()
            .filter(|r| (1..=s.runs).contains(r))
            .ok_or_else(|| {
                Failure::Bad(format!(
                    "runs = '{v}': expected a whole number from 1 to {}",
                    s.runs
                ))
            }),
    }
}

/// A batch of the scenario, stopped between blocks if `cancel` names a rerun that is no
/// longer its page's latest.
fn batch(
    s: &Shared,
    sc: &Scenario,
    runs: u64,
    cancel: Option<(&str, u64)>,
) -> Result<Aggregate, Failure> {
    let latest = |c: &str| s.latest.lock().ok().and_then(|m| m.get(c).copied());
    if let Some((client, seq)) = cancel
        && let Ok(mut m) = s.latest.lock()
    {
        if m.len() >= MAX_CLIENTS && !m.contains_key(client) {
            m.clear();
        }
        let newest = m.get(client).map_or(seq, |&n| n.max(seq));
        m.insert(client.to_string(), newest);
    }
    let mut sink = |_: &[batch::RunRows]| -> Result<(), Failure> {
        match cancel {
            Some((c, seq)) if latest(c).is_some_and(|n| n != seq) => Err(Failure::Cancelled),
            _ => Ok(()),
        }
    };
    sink(&[])?;
    s.pool
        .install(|| batch::run(sc, sc.experiment.seed, 0..runs, &|_| {}, &mut sink))
}

/// The report's parsed results of an aggregate (the same path as `detente report`).
fn results(sc: &Scenario, agg: &Aggregate) -> Result<crate::report::Results, Failure> {
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap_or_default();
    crate::report::parse(
        &text(export::trajectories::csv(sc, agg)),
        &text(export::summary::csv(sc, agg)),
    )
    .map_err(Failure::Failed)
}

/// A rerun at the levers' values: the answer, each arm's headline value and the charts.
pub fn run(s: &Shared, q: &Query) -> Result<Value, Failure> {
    let started = std::time::Instant::now();
    let sc = without_twins(scenario_at(s, q)?.0);
    let runs = runs(s, q)?;
    let cancel = match (q.get("client"), q.get("seq")) {
        (Some(c), Some(n)) => Some((
            c,
            n.parse::<u64>()
                .map_err(|_| Failure::Bad(format!("seq = '{n}': expected a whole number")))?,
        )),
        _ => None,
    };
    let agg = batch(s, &sc, runs, cancel)?;
    let rows = export::summary::rows(&sc, &agg);
    let answer = Answer::from_rows(&sc, &rows).map(|a| {
        json!({
            "sentence": a.sentence(),
            "difference": a.difference(),
            "better": a.better(),
            "mean": a.mean, "low": a.low, "high": a.high,
        })
    });
    let headline = sc.experiment.headline.map(|h| {
        let metric = batch::aggregate::run_metric_names(&sc).swap_remove(h.metric);
        let arms: Vec<Value> = sc
            .experiment
            .arms
            .iter()
            .filter_map(|a| {
                let r = rows.iter().find(|r| r.arm == a.id && r.metric == metric)?;
                Some(json!({ "id": a.id, "label": a.label, "mean": r.mean, "low": r.low, "high": r.high }))
            })
            .collect();
        json!({ "metric": metric, "arms": arms })
    });
    let charts: Vec<Value> = crate::report::charts::all(&results(&sc, &agg)?, &sc.stock)
        .into_iter()
        .map(|(name, svg)| json!({ "name": name, "svg": svg }))
        .collect();
    Ok(json!({
        "answer": answer,
        "headline": headline,
        "charts": charts,
        "runs": runs,
        "millis": started.elapsed().as_millis() as u64,
    }))
}

/// summary.csv of a rerun at the levers' values (as the page shows it, without the twins).
pub fn summary_csv(s: &Shared, q: &Query) -> Result<Vec<u8>, Failure> {
    let sc = without_twins(scenario_at(s, q)?.0);
    let agg = batch(s, &sc, runs(s, q)?, None)?;
    Ok(export::summary::csv(&sc, &agg))
}

/// The self-contained report.html of a rerun at the levers' values, as `detente run` writes
/// it, with the scenario's text at those values inside.
pub fn report(s: &Shared, q: &Query) -> Result<Vec<u8>, Failure> {
    let (sc, text) = scenario_at(s, q)?;
    let runs = runs(s, q)?;
    let agg = batch(s, &sc, runs, None)?;
    let path = format!("{}.toml", sc.name);
    let command_line: Vec<String> = ["detente", "run", &path, "--runs", &runs.to_string()]
        .iter()
        .map(|x| x.to_string())
        .collect();
    let manifest = export::manifest::json(&export::manifest::Info {
        subject: export::manifest::Subject {
            name: &sc.name,
            horizon: Some(sc.horizon),
            arms: export::manifest::negotiation_arms(&sc),
            baseline: Some(&sc.experiment.arms[sc.experiment.baseline].id),
            scenario_path: &path,
            scenario_text: &text,
        },
        seed: sc.experiment.seed,
        runs,
        threads: s.pool.current_num_threads(),
        command_line: &command_line,
        started: "",
        finished: "",
        extra: Vec::new(),
    });
    let manifest: Value =
        serde_json::from_str(&manifest).map_err(|e| Failure::Failed(e.to_string()))?;
    Ok(crate::report::html::page(&results(&sc, &agg)?, &manifest, Some(&sc)).into_bytes())
}

/// The name a download is saved as: the scenario's name and the file.
pub fn file_name(s: &Shared, file: &str) -> String {
    let name: String = s
        .loaded
        .scenario
        .name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    format!("{name}-{file}")
}

/// One run of an arm, month by month: what each side did and read into the other's moves,
/// both trusts, tension and the state of the process, and the run told in words.
pub fn replay(s: &Shared, q: &Query) -> Result<Value, Failure> {
    let (sc, _) = scenario_at(s, q)?;
    let arm_id = q.get("arm").map_or_else(
        || sc.experiment.arms[sc.experiment.baseline].id.clone(),
        str::to_string,
    );
    let arm = crate::cli::replay::arm(&sc, &arm_id).map_err(|e| Failure::Bad(e.to_string()))?;
    let kind = match q.get("pick") {
        None | Some("") | Some("run") => None,
        Some("typical") => Some(Pick::Median),
        Some("agreement") => Some(Pick::Agreement),
        Some("breakdown") => Some(Pick::Breakdown),
        Some("war") => Some(Pick::War),
        Some(p) => {
            return Err(Failure::Bad(format!(
                "pick = '{p}': expected typical, agreement, breakdown, war or run"
            )));
        }
    };
    let run = match q.get("run") {
        None | Some("") => None,
        Some(v) => Some(
            v.parse::<u64>()
                .ok()
                .filter(|r| *r < crate::scenario::MAX_RUNS)
                .ok_or_else(|| {
                    Failure::Bad(format!(
                        "run = '{v}': expected a run number from 0 to {}",
                        crate::scenario::MAX_RUNS - 1
                    ))
                })?,
        ),
    };
    let master = sc.experiment.seed;
    let (run, seed, keep, rec) = crate::cli::replay::pick(&sc, arm, master, run, kind)
        .map_err(|e| Failure::Bad(e.to_string()))?;
    let months: Vec<Value> = keep
        .months
        .iter()
        .filter(|m| m.active)
        .map(|m| {
            let lines = if m.month == 0 {
                Vec::new()
            } else {
                export::narrative::month_lines(&sc, arm, &keep, m.month)
            };
            let of = |reading: bool| -> Vec<&str> {
                lines
                    .iter()
                    .filter(|(r, _)| *r == reading)
                    .map(|(_, l)| l.as_str())
                    .collect()
            };
            let (happened, read) = (of(false), of(true));
            json!({
                "month": m.month,
                "trust": m.trust,
                "belief": m.belief_logit.map(crate::model::math::logistic),
                "tension": m.tension,
                "status": m.status.name(),
                "happened": happened,
                "read": read,
            })
        })
        .collect();
    let types: Vec<&str> = rec
        .sincere
        .iter()
        .map(|&s| {
            if s {
                "security seeker (S)"
            } else {
                "greedy (G)"
            }
        })
        .collect();
    Ok(json!({
        "arm": arm.id,
        "run": run,
        "seed": seed.to_string(),
        "outcome": rec.outcome.name(),
        "types": types,
        "months": months,
        "story": export::narrative::text(&sc, arm, run, seed, &keep, &rec),
    }))
}
