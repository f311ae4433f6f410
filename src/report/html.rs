//! `report.html`: one self-contained page (inline charts and styles, no scripts, no network)
//! that opens from a USB stick: the question, the scenario in plain words, every chart with a
//! short reading, the summary with intervals and paired differences, the ledger, what
//! politics explains, the type-pair split, the command that reproduces it, and the scenario text.

use std::fmt::Write;

use super::{Results, charts};
use crate::model::{Arm, Scenario, StockNames};

pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn cell(r: &Results, arm: &str, metric: &str, as_pct: bool) -> String {
    match r.summary.get(&(arm.to_string(), metric.to_string())) {
        Some(s) if as_pct => format!(
            "{} <small>[{}, {}]</small>",
            pct(s.mean),
            pct(s.lo),
            pct(s.hi)
        ),
        Some(s) if s.p05.is_finite() && s.p95.is_finite() => format!(
            "{:.3} <small>[{:.3}, {:.3}]<br>runs: {:.3} to {:.3}</small>",
            s.mean, s.lo, s.hi, s.p05, s.p95
        ),
        Some(s) => format!("{:.3} <small>[{:.3}, {:.3}]</small>", s.mean, s.lo, s.hi),
        None => "&ndash;".to_string(),
    }
}

/// The arm with the highest value of a summary metric, and that value.
fn best(r: &Results, metric: &str) -> Option<(String, f64)> {
    r.arms
        .iter()
        .filter_map(|a| {
            r.summary
                .get(&(a.clone(), metric.to_string()))
                .map(|s| (a.clone(), s.mean))
        })
        .max_by(|x, y| x.1.total_cmp(&y.1))
}

fn last_median(r: &Results, arm: &str, metric: &str) -> f64 {
    r.series
        .get(&(arm.to_string(), metric.to_string()))
        .and_then(|v| v.iter().rev().find(|p| p.p50.is_finite()))
        .map_or(f64::NAN, |p| p.p50)
}

/// The page. `manifest` is manifest.json's text; `sc` the scenario it names, if it parses.
pub fn page(r: &Results, manifest: &serde_json::Value, sc: Option<&Scenario>) -> String {
    let stock = sc.map_or_else(StockNames::default, |s| s.stock.clone());
    let charts = charts::all(r, &stock);
    let name = manifest["scenario"]["name"].as_str().unwrap_or("detente");
    let mut h = head(name);
    let title = sc.map_or(name.to_string(), |s| {
        if s.title.is_empty() {
            s.name.clone()
        } else {
            s.title.clone()
        }
    });
    let _ = writeln!(h, "<h1>{}</h1>", esc(&title));
    if let Some(s) = sc {
        h.push_str(&question(r, s));
        h.push_str(&plain_words(manifest, s));
        h.push_str(&arm_list(s));
    }
    let trust_metric = r
        .metrics
        .iter()
        .find(|m| m.starts_with("trust:"))
        .cloned()
        .unwrap_or_default();
    h.push_str(&what_happened(r, &charts, &trust_metric, &stock));
    h.push_str(&summary(r, &trust_metric));
    h.push_str(&ledger(r));
    h.push_str(&politics(r));
    h.push_str(&type_pairs(r, sc));
    h.push_str(&reproduce(manifest));
    h
}

/// The page's head (title and inline styles) and the opening of its body.
fn head(name: &str) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\n<style>\
body{{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;font-size:19px;line-height:1.45;color:#111}}\
h1{{font-size:2em}} h2{{margin-top:1.6em;border-bottom:2px solid #ddd}} table{{border-collapse:collapse;margin:1em 0}}\
td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:right}} th:first-child,td:first-child{{text-align:left}}\
figure{{margin:1.5em 0}} figure svg{{width:100%;height:auto}} pre{{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:14px}}\
small{{color:#555}} .swatch{{display:inline-block;width:1em;height:1em;vertical-align:middle;margin-right:.3em}}\
</style></head><body>\n",
        esc(name)
    );
    h
}

/// The "The question" section: the scenario's description, and the headline answer if any.
fn question(r: &Results, s: &Scenario) -> String {
    let mut h = String::new();
    let _ = writeln!(
        h,
        "<h2>The question</h2><p>{}</p>",
        esc(s.description.trim())
    );
    let answer = crate::export::headline::Answer::of(s, |arm, metric| {
        r.summary
            .get(&(arm.to_string(), metric.to_string()))
            .map(|st| (st.mean, st.lo, st.hi))
    });
    if let Some(answer) = answer {
        if !s.experiment.question.is_empty() {
            let _ = writeln!(h, "<p><b>{}</b></p>", esc(&s.experiment.question));
        }
        let _ = writeln!(
            h,
            "<p>The answer, as a paired difference on the same runs with its 95% interval: {}</p>",
            esc(&answer.sentence())
        );
    }
    h
}

/// The "The scenario in plain words" section: the actors, the horizon and the key parameters.
fn plain_words(manifest: &serde_json::Value, s: &Scenario) -> String {
    let mut h = String::new();
    let _ = writeln!(h, "<h2>The scenario in plain words</h2><ul>");
    for (i, a) in s.actors.iter().enumerate() {
        let _ = writeln!(
            h,
            "<li><b>{}</b>: sincere (type S) with prior probability {:.2}; starts trusting {} at {:.2}.</li>",
            esc(&a.label),
            a.prior_sincere,
            esc(&s.actors[1 - i].label),
            a.initial_trust
        );
    }
    let _ = writeln!(
        h,
        "<li>{} months from a tension of {:.2}; {} runs per arm, master seed {}.</li>",
        s.horizon, s.initial.tension, manifest["runs"], manifest["seed"]
    );
    let p = &s.params;
    let _ = writeln!(
        h,
        "<li>Key parameters: felt trust is lost {}x faster than gained (negativity); choices follow utilities with precision {}; a unit of accumulated pressure is worth {} to a greedy type and {} to a security seeker; the fear of betrayal after irreversible steps weighs {} for a security seeker and {} for a greedy type; the domestic cost of being seen to give (gift framing) is {}.</li></ul>",
        p.negativity,
        p.choice_precision,
        p.coercion_greedy,
        p.coercion_sincere,
        p.betrayal_sincere,
        p.betrayal_greedy,
        p.gift_framing
    );
    h
}

/// The list of arms, each with its colour swatch and who plays what.
fn arm_list(s: &Scenario) -> String {
    let mut h = String::new();
    let _ = writeln!(h, "<p>The arms (same runs, same shocks):</p><ul>");
    for (i, arm) in s.experiment.arms.iter().enumerate() {
        let c = charts::colour(i);
        let base = if i == s.experiment.baseline {
            " (baseline)"
        } else {
            ""
        };
        let _ = writeln!(
            h,
            "<li><span class=\"swatch\" style=\"background:rgb({},{},{})\"></span><b>{}</b>{base}: {}.</li>",
            c.0,
            c.1,
            c.2,
            esc(&arm.id),
            arm_roles(s, arm).join("; ")
        );
    }
    let _ = writeln!(h, "</ul>");
    h
}

/// One arm's roles as phrases (escaped): each actor's strategy, then the third party's stance.
fn arm_roles(s: &Scenario, arm: &Arm) -> Vec<String> {
    let mut strat: Vec<String> = (0..2)
        .map(|k| {
            format!(
                "{} plays {}",
                esc(&s.actors[k].id),
                esc(&s.strategies[arm.strategies[k]].id)
            )
        })
        .collect();
    if let Some(tp) = &s.third_party {
        let engager = arm.stance.unwrap_or(tp.engager);
        let policy = match s.strategies[arm.strategies[tp.ally]].track {
            crate::model::TrackPolicy::Support => "supports",
            crate::model::TrackPolicy::Impede => "impedes",
        };
        strat.push(format!(
            "{} starts as {}; {} {policy} its projects",
            esc(&tp.id),
            if engager { "an engager" } else { "a hardliner" },
            esc(&s.actors[tp.ally].id)
        ));
    }
    strat
}

/// The "What happened" section: every chart with its reading.
fn what_happened(
    r: &Results,
    charts: &[(String, String)],
    trust_metric: &str,
    stock: &StockNames,
) -> String {
    let mut h = String::new();
    let _ = writeln!(h, "<h2>What happened</h2>");
    for (file, svg) in charts {
        let _ = writeln!(
            h,
            "<figure>{}<figcaption>{}</figcaption></figure>",
            svg,
            esc(&reading(r, file, trust_metric, stock))
        );
    }
    h
}

/// The caption under the chart in `file`: how to read it, and what it shows.
fn reading(r: &Results, file: &str, trust_metric: &str, stock: &StockNames) -> String {
    match file {
        "trust.svg" => {
            let end: Vec<String> = r.arms.iter().map(|a| format!("{} {:.2}", a, last_median(r, a, trust_metric))).collect();
            format!("One row per arm, on the same axes. Each line is the median run, the shaded band holds the middle 80% of runs, and the dashed lines bound the mean's 95% interval. At the horizon the median {} is: {}.", trust_metric, end.join(", "))
        }
        "outcomes.svg" => match best(r, "outcome:agreement") {
            Some((a, v)) => format!("Bars are the share of runs ending in each outcome, with 95% Wilson intervals. The most agreements come under {a} ({}); breakdown means a freeze or agreement formed and then collapsed.", pct(v)),
            None => "Bars are the share of runs ending in each outcome, with 95% intervals.".to_string(),
        },
        "survival.svg" => "Of the runs in which a process (an agreement or a verified freeze) has started, the share whose process is in force, month by month; a steep drop marks the months where processes typically break down. An arm that rarely or never starts one has a noisy line or none: it has nothing to lose, which is not safety (see the outcomes).".to_string(),
        "tension.svg" => match best(r, "final_tension") {
            Some((a, v)) => format!("Tension drives misperception, incidents and the war hazard. It ends highest under {a} (mean {v:.2})."),
            None => "Tension drives misperception, incidents and the war hazard.".to_string(),
        },
        _ => {
            let what = format!("{}: the actors' stock, which grows each month unless a move in force slows or removes it.", stock.label);
            match best(r, &stock.final_metric) {
                Some((a, v)) => format!("{what} It ends largest under {a} (mean {v:.1} {}).", stock.unit),
                None => what,
            }
        }
    }
}

/// The "Summary" section: outcomes and final trust per arm, then the paired differences.
fn summary(r: &Results, trust_metric: &str) -> String {
    let mut h = String::new();
    let _ = writeln!(
        h,
        "<h2>Summary</h2><table><tr><th>arm</th><th>agreement</th><th>interim freeze</th><th>breakdown</th><th>war</th><th>{}</th></tr>",
        esc(&trust_metric.replacen("trust", "final trust", 1))
    );
    for a in &r.arms {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(a),
            cell(r, a, "outcome:agreement", true),
            cell(r, a, "outcome:interim_freeze", true),
            cell(r, a, "outcome:breakdown", true),
            cell(r, a, "outcome:war", true),
            cell(r, a, &format!("final_{trust_metric}"), false)
        );
    }
    let _ = writeln!(
        h,
        "</table><p>Shares with their 95% intervals; other metrics with the 95% interval of the mean and, below it, the range of the middle 90% of runs (\"runs\": which includes the parameters' uncertainty when the scenario draws them).</p><p>Paired differences from the baseline (same runs, same shocks):</p><table><tr><th>arm</th><th>agreement</th><th>interim freeze</th><th>war</th></tr>"
    );
    for a in &r.arms {
        if !r
            .summary
            .contains_key(&(a.clone(), "diff:outcome:agreement".to_string()))
        {
            continue;
        }
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(a),
            cell(r, a, "diff:outcome:agreement", true),
            cell(r, a, "diff:outcome:interim_freeze", true),
            cell(r, a, "diff:outcome:war", true)
        );
    }
    let _ = writeln!(h, "</table>");
    h
}

/// The ledger's metrics, by the start of their names (a stock's growth in talks by its end),
/// with what each counts.
const LEDGER: [(&str, &str); 8] = [
    (
        "outcome:verified_agreement",
        "share ending in an agreement that holds counting only verified steps",
    ),
    (
        "outcome:paper_agreement",
        "share ending in an agreement that holds only by counting unverified steps",
    ),
    (
        "months:verified_",
        "months with a verified freeze or agreement in force",
    ),
    (
        "conceded_unreciprocated:",
        "cost-years a side kept conciliatory steps in force while the other had none",
    ),
    (
        "relief_pocketed:",
        "value-years a side held the other's steps while it had none of its own in force",
    ),
    (
        "_growth_in_talks",
        "the stock gained while both sides had a conciliatory step in force",
    ),
    (
        "payoff:",
        "each side's discounted payoff over the horizon (weights in the scenario)",
    ),
    (
        "final_belief:",
        "each side's exact posterior that the other is sincere at the end",
    ),
];

/// The ledger's metric names present in the results, in [`LEDGER`] order.
fn ledger_metrics(r: &Results) -> Vec<(String, &'static str)> {
    let first = r.arms.first().cloned().unwrap_or_default();
    let names: Vec<&String> = r
        .summary
        .keys()
        .filter(|(a, m)| *a == first && !m.contains('@') && !m.starts_with("diff:"))
        .map(|(_, m)| m)
        .collect();
    LEDGER
        .iter()
        .flat_map(|&(key, what)| {
            names
                .iter()
                .filter(move |m| {
                    if key.starts_with('_') {
                        m.ends_with(key)
                    } else {
                        m.starts_with(key)
                    }
                })
                .map(move |m| ((*m).clone(), what))
        })
        .collect()
}

/// The "Ledger" section: what each arm gained and gave away (a row per metric, a column per
/// arm), then the paired differences from the baseline.
fn ledger(r: &Results) -> String {
    let metrics = ledger_metrics(r);
    if metrics.is_empty() {
        return String::new();
    }
    let mut h = String::new();
    let _ = writeln!(
        h,
        "<h2>The ledger</h2><p>What each arm gained and what it gave away: verified and paper agreements, time under verified limits, concessions left unreciprocated, relief pocketed, the stock's growth while talks ran, each side's payoff and its calibrated belief about the other at the end (means, 95% intervals of the means, and the range of the middle 90% of runs).</p>"
    );
    let diff_arms: Vec<&String> = r
        .arms
        .iter()
        .filter(|a| {
            r.summary
                .contains_key(&((*a).clone(), format!("diff:{}", metrics[0].0)))
        })
        .collect();
    let table = |h: &mut String, arms: &[&String], prefix: &str| {
        let head: Vec<String> = arms.iter().map(|a| esc(a)).collect();
        let _ = writeln!(
            h,
            "<table><tr><th>metric</th><th>{}</th></tr>",
            head.join("</th><th>")
        );
        for (m, what) in &metrics {
            let share = m.starts_with("outcome:");
            let cells: Vec<String> = arms
                .iter()
                .map(|a| cell(r, a, &format!("{prefix}{m}"), share))
                .collect();
            let _ = writeln!(
                h,
                "<tr><td>{}<br><small>{}</small></td><td>{}</td></tr>",
                esc(m),
                esc(what),
                cells.join("</td><td>")
            );
        }
        let _ = writeln!(h, "</table>");
    };
    let all: Vec<&String> = r.arms.iter().collect();
    table(&mut h, &all, "");
    if !diff_arms.is_empty() {
        let _ = writeln!(
            h,
            "<p>Paired differences from the baseline (same runs, same shocks):</p>"
        );
        table(&mut h, &diff_arms, "diff:");
    }
    h
}

/// The "How much politics explains" section: per arm, the share of runs whose outcome
/// administration and leader changes changed, and what they added to each outcome's share
/// (each run against the same run without them).
fn politics(r: &Results) -> String {
    const OUTCOMES: [&str; 5] = [
        "agreement",
        "interim_freeze",
        "breakdown",
        "war",
        "stalemate",
    ];
    let arms: Vec<&String> = r
        .arms
        .iter()
        .filter(|a| {
            r.summary
                .get(&((*a).clone(), "politics:changed_outcome".to_string()))
                .is_some_and(|s| s.n > 0)
        })
        .collect();
    if arms.is_empty() {
        return String::new();
    }
    let n = r.summary[&(arms[0].clone(), "politics:changed_outcome".to_string())].n;
    let mut h = String::new();
    let _ = writeln!(
        h,
        "<h2>How much politics explains</h2><p>Each of the first {n} runs was run again without administration or leader changes, on the same random numbers. The first column is the share of runs whose outcome politics changed; the others what politics added to the share ending in each outcome, in percentage points (negative: politics took it away).</p><table><tr><th>arm</th><th>outcome changed</th><th>{}</th></tr>",
        OUTCOMES.join("</th><th>").replace('_', " ")
    );
    for a in arms {
        let points: Vec<String> = OUTCOMES
            .iter()
            .map(
                |o| match r.summary.get(&(a.clone(), format!("politics:{o}"))) {
                    Some(s) => format!(
                        "{:+.1} <small>[{:+.1}, {:+.1}]</small>",
                        100.0 * s.mean,
                        100.0 * s.lo,
                        100.0 * s.hi
                    ),
                    None => "&ndash;".to_string(),
                },
            )
            .collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(a),
            cell(r, a, "politics:changed_outcome", true),
            points.join("</td><td>")
        );
    }
    let _ = writeln!(h, "</table>");
    h
}

/// The hidden type pairs, in column order.
const PAIRS: [&str; 4] = ["S/S", "S/G", "G/S", "G/G"];

/// The "By hidden types" section: runs per type pair, and a table per metric split by them.
fn type_pairs(r: &Results, sc: Option<&Scenario>) -> String {
    let mut h = String::new();
    let _ = writeln!(
        h,
        "<h2>By hidden types</h2><p>Results by the types drawn at month 0 (S sincere, G exploitative; first actor first). Jervis's spiral model locates failure between two sincere sides that misread each other (the S/S column); his deterrence model locates it in concessions to an exploiter (the columns with a G). An average over all runs hides which failure an arm suffers.</p>"
    );
    let first_arm = r.arms.first().cloned().unwrap_or_default();
    let counts: Vec<String> = PAIRS
        .iter()
        .filter_map(|t| {
            r.summary
                .iter()
                .find(|((a, m), _)| *a == first_arm && m.ends_with(&format!("@{t}")))
                .map(|(_, st)| format!("{t} {}", st.n))
        })
        .collect();
    if !counts.is_empty() {
        let _ = writeln!(h, "<p>Runs per type pair: {}.</p>", counts.join(", "));
    }
    for (metric, proportion) in type_pair_metrics(sc) {
        if !r.summary.keys().any(|(_, m)| *m == format!("{metric}@S/S")) {
            continue;
        }
        h.push_str(&type_pair_table(r, &metric, proportion));
    }
    h
}

/// The metrics split by type pair (outcomes, headline), each flagged if a proportion.
fn type_pair_metrics(sc: Option<&Scenario>) -> Vec<(String, bool)> {
    let mut metrics: Vec<(String, bool)> = vec![
        ("outcome:agreement".into(), true),
        ("outcome:breakdown".into(), true),
        ("outcome:war".into(), true),
    ];
    if let Some(hl) = sc.and_then(|s| {
        s.experiment.headline.map(|x| {
            (
                crate::batch::aggregate::run_metric_names(s)[x.metric].clone(),
                x.metric,
            )
        })
    }) && !metrics.iter().any(|(m, _)| *m == hl.0)
    {
        metrics.push((hl.0, crate::batch::aggregate::is_share(hl.1)));
    }
    metrics
}

/// One metric's table by type pair: a row per arm, a column per pair.
fn type_pair_table(r: &Results, metric: &str, proportion: bool) -> String {
    let mut h = String::new();
    let _ = writeln!(
        h,
        "<p><b>{}</b></p><table><tr><th>arm</th><th>S/S</th><th>S/G</th><th>G/S</th><th>G/G</th></tr>",
        esc(metric)
    );
    for a in &r.arms {
        let cells: Vec<String> = PAIRS
            .iter()
            .map(|t| cell(r, a, &format!("{metric}@{t}"), proportion))
            .collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td></tr>",
            esc(a),
            cells.join("</td><td>")
        );
    }
    let _ = writeln!(h, "</table>");
    h
}

/// The "Reproduce" section and the appendix with the scenario file, closing the page.
fn reproduce(manifest: &serde_json::Value) -> String {
    let mut h = String::new();
    let cmd: Vec<String> = manifest["command_line"]
        .as_array()
        .map(|v| {
            v.iter()
                .filter_map(|x| x.as_str())
                .map(|s| s.to_string())
                .collect()
        })
        .unwrap_or_default();
    let _ = writeln!(
        h,
        "<h2>Reproduce</h2><p>Master seed {}, {} runs, detente {}. The command:</p><pre>{}</pre>",
        manifest["seed"],
        manifest["runs"],
        esc(manifest["program"]["version"].as_str().unwrap_or("")),
        esc(&cmd.join(" "))
    );
    let text = manifest["scenario"]["text"].as_str().unwrap_or("");
    let _ = writeln!(
        h,
        "<h2>Appendix: the scenario file</h2><p>SHA-256 {}</p><pre>{}</pre>\n</body></html>",
        esc(manifest["scenario"]["sha256"].as_str().unwrap_or("")),
        esc(text)
    );
    h
}
