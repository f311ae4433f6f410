//! Seeded mutation fuzz of every shipped scenario file: each mutant is either refused by
//! validation with a clean one-line `file:LINE:COLUMN: message` error, or it runs (a batch, or
//! for one valid mutant in 20 a small sweep) without panicking and without non-finite numbers.
//!
//! `cargo test --test mutants` tries 1,500 mutants. Environment:
//! - `DETENTE_MUTANTS=N`: how many mutants (scripts/fuzz/mutants.sh runs 20,000 in release);
//! - `DETENTE_MUTANT_SEED=S`: the master seed (default [`DEFAULT_SEED`]);
//! - `DETENTE_MUTANT_ONLY=I`: only mutant I (to reproduce a failure);
//! - `DETENTE_MUTANT_VERBOSE=1`: print why each refused mutant (or sweep) was refused;
//! - `DETENTE_MUTANT_DIR=DIR`: also write the first `DETENTE_MUTANT_FILES` (default 300)
//!   mutants to DIR/<index>.toml, for an end-to-end check through the binary.
//!
//! Mutant I depends only on the seed and I. A failing mutant is written to
//! target/mutants-failures/<index>.toml, with what went wrong in <index>.txt (the folder is
//! emptied at the start of every run but a `DETENTE_MUTANT_ONLY` one).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use detente::batch::RunRows;
use detente::batch::game::MatchRows;
use detente::cli::args::{BatchArgs, CommonArgs, DesignArg, SweepArgs};
use detente::engine::{MonthRecord, Recorder, RunRecord, Workspace};
use detente::game::Turns;
use detente::model::params::PARAM_DOCS;
use detente::scenario::game::GameScenario;
use detente::scenario::{self, Any};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Mutants tried by a plain `cargo test`.
const DEFAULT_MUTANTS: u64 = 1_500;
/// The master seed unless `DETENTE_MUTANT_SEED` is set.
const DEFAULT_SEED: u64 = 0x6d75_7461_6e74_2019;
/// Mutant files written to `DETENTE_MUTANT_DIR` unless `DETENTE_MUTANT_FILES` is set.
const DEFAULT_FILES: u64 = 300;
/// A negotiation mutant is run when horizon * arms is at most this.
const MAX_RUN_COST: u64 = 50_000;
/// A game mutant is run when its (longest) match has at most this many turns...
const MAX_GAME_TURNS: u64 = 100_000;
/// ...and turns * arms is at most this.
const MAX_GAME_COST: u64 = 5_000_000;
/// One runnable negotiation mutant in this many (drawn from the mutant's stream) is swept
/// instead of run.
const SWEEP_EVERY: u64 = 20;
/// Runs per arm (and per sweep point).
const RUNS: u64 = 2;

/// The name the mutants are parsed under; every error must start with it.
const NAME: &str = "mutant.toml";

/// Numbers a number is replaced with: boundaries, extremes and values TOML cannot hold.
const EXTREMES: &[&str] = &[
    "0",
    "-1",
    "1",
    "0.5",
    "1e-300",
    "1e12",
    "4294967295",
    "4294967296",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "-0.0",
    "0.0",
    "1.0",
    "9223372036854775807",
    "99999999999999999999999",
];

/// Values of parameter overrides, besides uniform ones on [0, 1).
const PARAM_VALUES: &[&str] = &[
    "0", "0.0", "1", "1.0", "0.5", "1e-300", "-1", "nan", "inf", "0.001", "0.999", "1e12", "-0.0",
];

/// The parameters whose relations validation must check; overrides favour them.
const FOCUS: &[&str] = &["trust_floor", "trust_ceiling"];

/// Keys whose numbers the number operator favours: the ones with edges (log-odds at 0 and 1,
/// gates, lengths, counts).
const KEYED: &[&str] = &[
    "initial_trust",
    "prior_sincere",
    "trust_floor",
    "trust_ceiling",
    "choice_precision",
    "pressure_effect",
    "forgetting",
    "tension",
    "horizon",
    "runs",
    "turns",
    "initial",
    "growth",
    "patience",
    "budget",
];

// ------------------------------------------------------------------------ the scenario files

struct Source {
    name: String,
    text: String,
    /// `id = "..."` values of the file.
    ids: Vec<String>,
    /// The `strategies = { ... }` lines of its arms.
    strategies: Vec<String>,
}

fn sources() -> Vec<Source> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenario files in {}", dir.display());
    files
        .into_iter()
        .map(|p| {
            let text =
                std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let mut ids = Vec::new();
            let mut strategies = Vec::new();
            for line in text.lines() {
                let t = line.trim();
                if let Some(id) = t.strip_prefix("id = \"").and_then(|v| v.strip_suffix('"')) {
                    ids.push(id.to_string());
                }
                if t.starts_with("strategies = {") {
                    strategies.push(t.to_string());
                }
            }
            ids.sort();
            ids.dedup();
            Source {
                name: p
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                text,
                ids,
                strategies,
            }
        })
        .collect()
}

// ----------------------------------------------------------------------------- a light lexer

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Number,
    Bool,
    /// The contents of a one-line basic string (without the quotes).
    Str,
}

/// The numbers, booleans and basic strings of TOML text, as byte ranges; comments and the
/// insides of other strings are skipped. Approximate (a lexer, not a parser), which is all a
/// mutator needs.
fn tokens(text: &str) -> Vec<(std::ops::Range<usize>, Tok)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.';
    while i < b.len() {
        let c = b[i];
        if text[i..].starts_with("\"\"\"") || text[i..].starts_with("'''") {
            let q = &text[i..i + 3];
            i += 3;
            i = text[i..].find(q).map_or(b.len(), |k| i + k + 3);
        } else if c == b'"' {
            let start = i + 1;
            i = start;
            while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            let end = i.min(b.len());
            if i < b.len() && b[i] == b'"' {
                out.push((start..end, Tok::Str));
            }
            i = (i + 1).min(b.len());
        } else if c == b'\'' {
            i += 1;
            while i < b.len() && b[i] != b'\'' && b[i] != b'\n' {
                i += 1;
            }
            i = (i + 1).min(b.len());
        } else if c == b'#' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if i > 0 && ident(b[i - 1]) {
            i += 1;
        } else if c.is_ascii_digit()
            || ((c == b'-' || c == b'+') && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric()
                    || b[i] == b'_'
                    || b[i] == b'.'
                    || ((b[i] == b'-' || b[i] == b'+') && matches!(b[i - 1], b'e' | b'E')))
            {
                i += 1;
            }
            out.push((start..i, Tok::Number));
        } else if text[i..].starts_with("true") || text[i..].starts_with("false") {
            let len = if c == b't' { 4 } else { 5 };
            if !b.get(i + len).copied().is_some_and(ident) {
                out.push((i..i + len, Tok::Bool));
            }
            i += len;
        } else {
            i += 1;
        }
    }
    out
}

// ---------------------------------------------------------------------------------- mutation

#[derive(Debug, Clone, Copy)]
enum Op {
    Number,
    DeleteLine,
    DuplicateLine,
    SwapLines,
    Truncate,
    InsertArm,
    AddArmParams,
    ChangeId,
    FlipBool,
}

/// Operators with their weights.
const OPS: &[(Op, u32)] = &[
    (Op::Number, 8),
    (Op::DeleteLine, 3),
    (Op::DuplicateLine, 1),
    (Op::SwapLines, 2),
    (Op::Truncate, 1),
    (Op::InsertArm, 4),
    (Op::AddArmParams, 4),
    (Op::ChangeId, 3),
    (Op::FlipBool, 2),
];

fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

fn pick_op(rng: &mut ChaCha8Rng) -> Op {
    let total: u32 = OPS.iter().map(|o| o.1).sum();
    let mut x = rng.random_range(0..total);
    for &(op, w) in OPS {
        if x < w {
            return op;
        }
        x -= w;
    }
    OPS[0].0
}

fn lines_of(text: &str) -> Vec<String> {
    text.split_inclusive('\n').map(str::to_string).collect()
}

/// A line, ending in a newline.
fn line(s: &str) -> String {
    if s.ends_with('\n') {
        s.to_string()
    } else {
        format!("{s}\n")
    }
}

fn param_value(rng: &mut ChaCha8Rng) -> String {
    if rng.random_bool(0.5) {
        format!("{:.3}", rng.random::<f64>())
    } else {
        pick(rng, PARAM_VALUES).to_string()
    }
}

/// `params = { a = x, b = y }` with one or two distinct parameters.
fn params_line(rng: &mut ChaCha8Rng) -> String {
    let n = rng.random_range(1..=2);
    let mut names: Vec<&str> = Vec::new();
    while names.len() < n {
        let name = if rng.random_bool(0.6) {
            *pick(rng, FOCUS)
        } else {
            pick(rng, PARAM_DOCS).name
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let body: Vec<String> = names
        .iter()
        .map(|n| format!("{n} = {}", param_value(rng)))
        .collect();
    format!("params = {{ {} }}\n", body.join(", "))
}

/// Apply `op` to `text`; `None` if it does not apply to this text.
fn apply(op: Op, text: &str, src: &Source, index: u64, rng: &mut ChaCha8Rng) -> Option<String> {
    let toks = tokens(text);
    let of_kind = |k: Tok| -> Vec<std::ops::Range<usize>> {
        toks.iter()
            .filter(|t| t.1 == k)
            .map(|t| t.0.clone())
            .collect()
    };
    let splice = |r: std::ops::Range<usize>, with: &str| {
        format!("{}{with}{}", &text[..r.start], &text[r.end..])
    };
    let mut lines = lines_of(text);
    match op {
        Op::Number => {
            let nums = of_kind(Tok::Number);
            if nums.is_empty() {
                return None;
            }
            // Now and then a number of a key whose boundaries matter most.
            let keyed: Vec<_> = nums
                .iter()
                .filter(|r| {
                    let start = text[..r.start].rfind('\n').map_or(0, |k| k + 1);
                    let key = text[start..r.start].split('=').next().unwrap_or("").trim();
                    KEYED.contains(&key)
                })
                .cloned()
                .collect();
            let r = if !keyed.is_empty() && rng.random_bool(0.3) {
                pick(rng, &keyed).clone()
            } else {
                pick(rng, &nums).clone()
            };
            let with = if rng.random_bool(0.8) {
                pick(rng, EXTREMES).to_string()
            } else if rng.random_bool(0.5) {
                format!("{:.3}", rng.random::<f64>() * 1.2)
            } else {
                rng.random_range(0..2000u32).to_string()
            };
            Some(splice(r, &with))
        }
        Op::DeleteLine => {
            if lines.is_empty() {
                return None;
            }
            let i = rng.random_range(0..lines.len());
            lines.remove(i);
            Some(lines.concat())
        }
        Op::DuplicateLine => {
            if lines.is_empty() {
                return None;
            }
            let i = rng.random_range(0..lines.len());
            let l = line(&lines[i]);
            lines[i] = line(&lines[i]);
            lines.insert(i + 1, l);
            Some(lines.concat())
        }
        Op::SwapLines => {
            if lines.len() < 2 {
                return None;
            }
            // Mostly neighbours (often in the same table), sometimes anywhere.
            let i = rng.random_range(0..lines.len());
            let j = if rng.random_bool(0.7) {
                let k = rng.random_range(1..=3);
                if i + k < lines.len() {
                    i + k
                } else {
                    i.saturating_sub(k)
                }
            } else {
                rng.random_range(0..lines.len())
            };
            let (a, b) = (line(&lines[i]), line(&lines[j]));
            lines[i] = b;
            lines[j] = a;
            Some(lines.concat())
        }
        Op::Truncate => {
            if text.is_empty() {
                return None;
            }
            let at = text.floor_char_boundary(rng.random_range(0..text.len()));
            Some(text[..at].to_string())
        }
        Op::InsertArm => {
            if src.strategies.is_empty() {
                return None;
            }
            let arm = format!(
                "\n[[experiment.arms]]\nid = \"mutant_arm_{index}\"\nlabel = \"Mutant arm\"\n{}\n{}",
                pick(rng, &src.strategies),
                params_line(rng)
            );
            // Before an existing arm, or at the end.
            let heads: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].trim() == "[[experiment.arms]]")
                .collect();
            if heads.is_empty() || rng.random_bool(0.3) {
                let mut t = text.to_string();
                if !t.is_empty() && !t.ends_with('\n') {
                    t.push('\n');
                }
                t.push_str(&arm);
                Some(t)
            } else {
                let i = *pick(rng, &heads);
                lines.insert(i, format!("{}\n", arm.trim_start()));
                Some(lines.concat())
            }
        }
        Op::AddArmParams => {
            let at: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].trim_start().starts_with("strategies = {"))
                .collect();
            if at.is_empty() {
                return None;
            }
            let i = *pick(rng, &at);
            lines[i] = line(&lines[i]);
            // An arm's existing overrides are replaced (now and then kept, a duplicate key).
            let has = lines
                .get(i + 1)
                .is_some_and(|l| l.trim_start().starts_with("params ="));
            if has && rng.random_bool(0.9) {
                lines[i + 1] = params_line(rng);
            } else {
                lines.insert(i + 1, params_line(rng));
            }
            Some(lines.concat())
        }
        Op::ChangeId => {
            let strs: Vec<_> = of_kind(Tok::Str)
                .into_iter()
                .filter(|r| src.ids.iter().any(|id| *id == text[r.clone()]))
                .collect();
            if strs.is_empty() || src.ids.len() < 2 {
                return None;
            }
            let r = pick(rng, &strs).clone();
            let others: Vec<&String> = src
                .ids
                .iter()
                .filter(|id| **id != text[r.clone()])
                .collect();
            let with = pick(rng, &others).to_string();
            Some(splice(r, &with))
        }
        Op::FlipBool => {
            let bools = of_kind(Tok::Bool);
            if bools.is_empty() {
                return None;
            }
            let r = pick(rng, &bools).clone();
            let with = if &text[r.clone()] == "true" {
                "false"
            } else {
                "true"
            };
            Some(splice(r, with))
        }
    }
}

struct Mutant {
    source: usize,
    ops: Vec<String>,
    text: String,
}

/// Mutant `index` of the run with master seed `seed`.
fn mutant(sources: &[Source], seed: u64, index: u64) -> (Mutant, ChaCha8Rng) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let source = rng.random_range(0..sources.len());
    let src = &sources[source];
    let mut text = src.text.clone();
    let mut ops = Vec::new();
    let n = rng.random_range(1..=3);
    let mut tries = 0;
    while ops.len() < n && tries < 50 {
        tries += 1;
        let op = pick_op(&mut rng);
        if let Some(t) = apply(op, &text, src, index, &mut rng) {
            text = t;
            ops.push(format!("{op:?}"));
        }
    }
    (Mutant { source, ops, text }, rng)
}

// ------------------------------------------------------------------------------------ checks

/// What the panic hook saw last: message and place.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let hooked = LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take();
    hooked.unwrap_or_else(|| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".into())
    })
}

/// Run `f`, turning a panic into `Err(message)`.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take();
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|p| panic_message(&*p))
}

/// A clean refusal is one line, `mutant.toml:LINE:COLUMN: message`, at a place in the text.
fn check_error(msg: &str, text: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("error not clean ({why}): {msg:?}"));
    if msg.contains('\n') {
        return bad("more than one line");
    }
    let Some(rest) = msg.strip_prefix(&format!("{NAME}:")) else {
        return bad("does not start with the file name");
    };
    let mut parts = rest.splitn(3, ':');
    let line = parts.next().and_then(|s| s.parse::<usize>().ok());
    let column = parts.next().and_then(|s| s.parse::<usize>().ok());
    let message = parts.next().unwrap_or("");
    let (Some(line), Some(column)) = (line, column) else {
        return bad("no :LINE:COLUMN:");
    };
    if line == 0 || column == 0 || line > text.lines().count() + 1 {
        return bad("the place is not in the file");
    }
    if message.trim().is_empty() {
        return bad("no message");
    }
    Ok(())
}

fn finite_record(r: &RunRecord) -> Result<(), String> {
    let values = [
        ("final_trust[0]", r.final_trust[0]),
        ("final_trust[1]", r.final_trust[1]),
        ("final_tension", r.final_tension),
        ("warheads", r.final_stock),
        ("war_risk", r.war_risk),
    ];
    match values.iter().find(|v| !v.1.is_finite()) {
        Some((name, v)) => Err(format!("run record {name} = {v}")),
        None => Ok(()),
    }
}

/// A recorder that notes the first non-finite monthly value.
#[derive(Default)]
struct FiniteMonths(Option<String>);

impl Recorder for FiniteMonths {
    fn month(&mut self, r: &MonthRecord) {
        if self.0.is_none() && r.active {
            let v = [r.trust[0], r.trust[1], r.tension, r.stock];
            if v.iter().any(|x| !x.is_finite()) {
                self.0 = Some(format!(
                    "month {}: trust {:?}, tension {}, arsenal {}",
                    r.month, r.trust, r.tension, r.stock
                ));
            }
        }
    }
}

/// Cells of a summary CSV that are not numbers or are blank where they must not be.
fn check_csv(csv: &[u8], required: impl Fn(&str) -> bool) -> Result<(), String> {
    let text = String::from_utf8_lossy(csv);
    for (n, row) in text.lines().enumerate().skip(1) {
        let cells: Vec<&str> = row.split(',').collect();
        for c in &cells {
            let l = c.to_ascii_lowercase();
            if l.contains("nan") || l.contains("inf") {
                return Err(format!("summary row {n} has a non-finite cell: {row}"));
            }
        }
        if cells.len() >= 4 && required(cells[1]) && cells[3..].iter().any(|c| c.is_empty()) {
            return Err(format!("summary row {n} is blank: {row}"));
        }
    }
    Ok(())
}

// ------------------------------------------------------------------------------------ a run

#[derive(Default)]
struct Tally {
    tried: u64,
    refused: u64,
    ran: u64,
    games: u64,
    skipped: u64,
    sweeps: u64,
    sweeps_refused: u64,
    /// Operators of the mutants, for the record.
    ops: BTreeMap<String, u64>,
    failures: Vec<Failure>,
    /// Seconds spent making and parsing mutants, and running or sweeping the valid ones.
    parse_secs: f64,
    run_secs: f64,
}

struct Failure {
    index: u64,
    file: String,
    ops: Vec<String>,
    kind: &'static str,
    message: String,
}

/// Negotiation: a small batch, every value finite.
fn run_negotiation(l: &scenario::Loaded, seed: u64) -> Result<(), (&'static str, String)> {
    let sc = &l.scenario;
    let mut bad: Option<String> = None;
    let res = guarded(|| {
        detente::batch::run::<detente::cli::Error>(
            sc,
            seed,
            0..RUNS,
            &|_| {},
            &mut |rows: &[RunRows]| {
                for r in rows {
                    for rec in &r.records {
                        if let (None, Err(e)) = (&bad, finite_record(rec)) {
                            bad = Some(format!("run {}: {e}", r.run));
                        }
                    }
                }
                Ok(())
            },
        )
    })
    .map_err(|m| ("panic in batch::run", m))?;
    let agg = res.map_err(|e| ("batch::run failed", e.to_string()))?;
    if let Some(m) = bad {
        return Err(("non-finite", m));
    }
    // Every month of run 0 of every arm.
    let months = guarded(|| {
        let mut ws = Workspace::new();
        for arm in &sc.experiment.arms {
            let mut rec = FiniteMonths::default();
            detente::engine::simulate(sc, arm, seed, &mut ws, &mut rec);
            if let Some(m) = rec.0 {
                return Some(format!("arm {}: {m}", arm.id));
            }
        }
        None
    })
    .map_err(|m| ("panic in engine::simulate", m))?;
    if let Some(m) = months {
        return Err(("non-finite", m));
    }
    let csv = guarded(|| detente::export::summary::csv(sc, &agg))
        .map_err(|m| ("panic in summary::csv", m))?;
    check_csv(&csv, |metric| {
        metric.starts_with("final_trust:") && !metric.contains('@')
    })
    .map_err(|m| ("non-finite", m))
}

/// The length of a game's longest match.
fn game_turns(g: &GameScenario) -> u64 {
    match g.game.turns {
        Turns::Fixed(n) => n.into(),
        Turns::Continuation { max, .. } => max.into(),
    }
}

/// Game: a small batch, every payoff and cooperation rate finite.
fn run_game(g: &GameScenario, seed: u64) -> Result<(), (&'static str, String)> {
    let mut bad: Option<String> = None;
    let res = guarded(|| {
        detente::batch::game::run::<detente::cli::Error>(
            g,
            seed,
            0..RUNS,
            &|_| {},
            &mut |rows: &[MatchRows]| {
                for r in rows {
                    for (a, m) in r.records.iter().enumerate() {
                        let v = [m.payoff[0], m.payoff[1], m.coop[0], m.coop[1]];
                        if bad.is_none() && v.iter().any(|x| !x.is_finite()) {
                            bad = Some(format!("run {} arm {a}: {m:?}", r.run));
                        }
                    }
                }
                Ok(())
            },
        )
    })
    .map_err(|m| ("panic in batch::game::run", m))?;
    let agg = res.map_err(|e| ("batch::game::run failed", e.to_string()))?;
    if let Some(m) = bad {
        return Err(("non-finite", m));
    }
    let csv = guarded(|| {
        let mut c = detente::export::game::summary_csv(g, &agg);
        c.extend(detente::export::game::ranking_csv(g, &agg));
        c
    })
    .map_err(|m| ("panic in export::game", m))?;
    check_csv(&csv, |_| false).map_err(|m| ("non-finite", m))
}

/// A sweep of one numeric key over a range that crosses its valid range. `Ok(false)` if the
/// sweep was refused (cleanly).
fn sweep(
    l: &scenario::Loaded,
    text: &str,
    rng: &mut ChaCha8Rng,
) -> Result<bool, (&'static str, String)> {
    let sc = &l.scenario;
    let arm = &sc.experiment.arms[0].id;
    let actor = &sc.actors[rng.random_range(0..sc.actors.len())].id;
    let any = pick(rng, PARAM_DOCS).name;
    let focus = *pick(rng, FOCUS);
    let keys = [
        format!("params.{focus}"),
        format!("params.{focus}"),
        format!("experiment.arms.{arm}.params.{focus}"),
        format!("experiment.arms.{arm}.params.{focus}"),
        format!("params.{any}"),
        format!("experiment.arms.{arm}.params.{any}"),
        "initial.tension".to_string(),
        format!("actors.{actor}.initial_trust"),
    ];
    let key = pick(rng, &keys).clone();
    // Half the ranges stay inside [0.001, 0.99] (each value valid on its own, though not
    // always with the rest of the file), half cross the valid range.
    let (lo, hi) = if rng.random_bool(0.5) {
        (
            *pick(rng, &[0.001, 0.05, 0.2, 0.5]),
            *pick(rng, &[0.6, 0.8, 0.95, 0.99]),
        )
    } else {
        (
            *pick(rng, &[-0.5, 0.0, 0.001, 0.2, 0.6]),
            *pick(rng, &[0.8, 0.99, 1.0, 1.5, 1e6]),
        )
    };
    let dir = tempfile::tempdir().map_err(|e| ("tempdir", e.to_string()))?;
    let path = dir.path().join(NAME);
    std::fs::write(&path, text).map_err(|e| ("write", e.to_string()))?;
    let args = SweepArgs {
        scenario: Some(path),
        vary: vec![format!("{key}={lo}:{hi}:3")],
        design: DesignArg::Grid,
        samples: None,
        metric: None,
        arm: None,
        batch: BatchArgs {
            runs: Some(RUNS),
            common: CommonArgs {
                seed: None,
                out: Some(dir.path().join("out")),
                threads: Some(1),
                force: false,
                quiet: true,
            },
        },
    };
    let what = format!("--vary {key}={lo}:{hi}:3");
    let cfg = match guarded(|| detente::cli::sweep::SweepConfig::from_args(args)) {
        Err(m) => return Err(("panic in SweepConfig::from_args", format!("{what}: {m}"))),
        Ok(Err(e)) => {
            if verbose() {
                println!("sweep {what}: refused: {e}");
            }
            return Ok(false);
        }
        Ok(Ok(cfg)) => cfg,
    };
    match guarded(|| detente::cli::sweep::run(cfg)) {
        Err(m) => Err(("panic in sweep::run", format!("{what}: {m}"))),
        Ok(Err(e)) if e.to_string().contains("non-finite") => {
            Err(("non-finite", format!("{what}: {e}")))
        }
        Ok(Err(e)) => Err(("sweep::run failed", format!("{what}: {e}"))),
        Ok(Ok(())) => {
            for f in ["sweep.csv", "flip.csv", "sensitivity.csv"] {
                let csv = std::fs::read(dir.path().join("out").join(f)).unwrap_or_default();
                check_csv(&csv, |_| false)
                    .map_err(|m| ("non-finite", format!("{what}: {f}: {m}")))?;
            }
            Ok(true)
        }
    }
}

/// Try mutant `index`: parse, then run or sweep it.
fn try_one(t: &mut Tally, sources: &[Source], seed: u64, index: u64, write_to: Option<&Path>) {
    let clock = std::time::Instant::now();
    let (m, mut rng) = mutant(sources, seed, index);
    t.tried += 1;
    for op in &m.ops {
        *t.ops.entry(op.clone()).or_default() += 1;
    }
    if let Some(dir) = write_to {
        let _ = std::fs::write(dir.join(format!("{index}.toml")), &m.text);
    }
    let fail = |t: &mut Tally, kind: &'static str, message: String| {
        t.failures.push(Failure {
            index,
            file: sources[m.source].name.clone(),
            ops: m.ops.clone(),
            kind,
            message,
        });
    };
    let parsed = match guarded(|| scenario::parse_any(m.text.clone(), NAME)) {
        Err(msg) => return fail(t, "panic in parse_any", msg),
        Ok(p) => p,
    };
    let run_seed = index;
    t.parse_secs += clock.elapsed().as_secs_f64();
    let clock = std::time::Instant::now();
    let result = match parsed {
        Err(e) => {
            t.refused += 1;
            if verbose() {
                println!(
                    "#{index} {} {}: refused: {e}",
                    sources[m.source].name,
                    m.ops.join("+")
                );
            }
            check_error(&e.to_string(), &m.text).map_err(|msg| ("unclean error", msg))
        }
        Ok(Any::Negotiation(l)) => {
            let sc = &l.scenario;
            let cost = u64::from(sc.horizon) * sc.experiment.arms.len() as u64;
            if cost > MAX_RUN_COST {
                t.skipped += 1;
                Ok(())
            } else if rng.random_range(0..SWEEP_EVERY) == 0 {
                t.sweeps += 1;
                sweep(&l, &m.text, &mut rng).map(|ran| {
                    if !ran {
                        t.sweeps_refused += 1;
                    }
                })
            } else {
                t.ran += 1;
                run_negotiation(&l, run_seed)
            }
        }
        Ok(Any::Game { scenario: g, .. }) => {
            let turns = game_turns(&g);
            if turns > MAX_GAME_TURNS || turns * g.arms.len() as u64 > MAX_GAME_COST {
                t.skipped += 1;
                Ok(())
            } else {
                t.games += 1;
                run_game(&g, run_seed)
            }
        }
    };
    t.run_secs += clock.elapsed().as_secs_f64();
    if let Err((kind, msg)) = result {
        fail(t, kind, msg);
    }
}

/// `DETENTE_MUTANT_VERBOSE=1`: print every refusal.
fn verbose() -> bool {
    static V: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *V.get_or_init(|| std::env::var_os("DETENTE_MUTANT_VERBOSE").is_some_and(|v| v != "0"))
}

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    let parsed = match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => v.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={v:?} is not a whole number")))
}

/// A failure message with its numbers as `#` and no toolchain paths, to group failures by.
fn gist(message: &str) -> String {
    // A sweep's failure starts with its `--vary KEY=LO:HI:STEPS`.
    let message = match message.strip_prefix("--vary ") {
        Some(rest) => rest.split_once(": ").map_or(rest, |(_, m)| m),
        None => message,
    };
    let mut out = String::new();
    let c: Vec<char> = message.chars().collect();
    let mut i = 0;
    while i < c.len() {
        let starts = c[i].is_ascii_digit()
            || (matches!(c[i], '-' | '.') && c.get(i + 1).is_some_and(char::is_ascii_digit));
        if starts && !(i > 0 && (c[i - 1].is_ascii_alphanumeric() || c[i - 1] == '_')) {
            i += 1;
            while i < c.len()
                && (c[i].is_ascii_digit()
                    || c[i] == '.'
                    || (matches!(c[i], 'e' | 'E')
                        && c.get(i + 1)
                            .is_some_and(|n| n.is_ascii_digit() || *n == '-')))
            {
                i += if matches!(c[i], 'e' | 'E') { 2 } else { 1 };
            }
            out.push('#');
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    // "/rustc/<hash>/library/core/..." -> "library/core/..."
    if let (Some(a), Some(b)) = (out.find("/rustc/"), out.find("/library/"))
        && a < b
    {
        out.replace_range(a..b + 1, "");
    }
    out.chars().take(140).collect()
}

/// Write a failing mutant and what went wrong, for reproduction.
fn save(dir: &Path, f: &Failure, sources: &[Source], seed: u64) {
    let (m, _) = mutant(sources, seed, f.index);
    let _ = std::fs::write(dir.join(format!("{}.toml", f.index)), &m.text);
    let note = format!(
        "mutant {} of seed {seed:#x} (DETENTE_MUTANT_SEED={seed} DETENTE_MUTANT_ONLY={} cargo test --test mutants)\nfrom {} by {}\n{}: {}\n",
        f.index,
        f.index,
        f.file,
        f.ops.join(", "),
        f.kind,
        f.message
    );
    let _ = std::fs::write(dir.join(format!("{}.txt", f.index)), note);
}

#[test]
fn mutated_scenarios_are_refused_cleanly_or_run_finite() {
    let sources = sources();
    let n = env_u64("DETENTE_MUTANTS").unwrap_or(DEFAULT_MUTANTS);
    let seed = env_u64("DETENTE_MUTANT_SEED").unwrap_or(DEFAULT_SEED);
    let only = env_u64("DETENTE_MUTANT_ONLY");
    let files = env_u64("DETENTE_MUTANT_FILES").unwrap_or(DEFAULT_FILES);
    let write_dir = std::env::var_os("DETENTE_MUTANT_DIR").map(PathBuf::from);
    if let Some(d) = &write_dir {
        std::fs::create_dir_all(d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
    }

    // Panics are expected findings: note them instead of printing each.
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".into());
        *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = Some(format!("{msg}{at}"));
    }));

    let fail_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/mutants-failures");
    if only.is_none() {
        let _ = std::fs::remove_dir_all(&fail_dir);
    }

    let start = std::time::Instant::now();
    let mut t = Tally::default();
    let indices: Box<dyn Iterator<Item = u64>> = match only {
        Some(i) => Box::new(std::iter::once(i)),
        None => Box::new(0..n),
    };
    for index in indices {
        let w = write_dir.as_deref().filter(|_| index < files);
        try_one(&mut t, &sources, seed, index, w);
    }
    panic::set_hook(previous);

    if !t.failures.is_empty() {
        let _ = std::fs::create_dir_all(&fail_dir);
        for f in &t.failures {
            save(&fail_dir, f, &sources, seed);
        }
    }

    let mut report = String::new();
    let _ = writeln!(
        report,
        "mutants: seed {seed:#x}, {} tried, {} refused, {} ran (negotiation), {} ran (game), {} sweeps ({} refused by the sweep), {} too big to run, {} failures; {:.1}s ({:.1}s mutating and parsing, {:.1}s running and sweeping)",
        t.tried,
        t.refused,
        t.ran,
        t.games,
        t.sweeps,
        t.sweeps_refused,
        t.skipped,
        t.failures.len(),
        start.elapsed().as_secs_f64(),
        t.parse_secs,
        t.run_secs,
    );
    let ops: Vec<String> = t.ops.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let _ = writeln!(report, "operators applied: {}", ops.join(", "));
    // Failures grouped by kind and message (without the numbers that vary).
    let mut groups: BTreeMap<String, u64> = BTreeMap::new();
    for f in &t.failures {
        *groups
            .entry(format!("{}: {}", f.kind, gist(&f.message)))
            .or_default() += 1;
    }
    for (g, count) in &groups {
        let _ = writeln!(report, "  {count:>6} x {g}");
    }
    for f in t.failures.iter().take(10) {
        let _ = writeln!(
            report,
            "  #{} ({} by {}): {}: {}",
            f.index,
            f.file,
            f.ops.join("+"),
            f.kind,
            f.message
        );
    }
    if !t.failures.is_empty() {
        let _ = writeln!(report, "failing mutants written to {}", fail_dir.display());
    }
    println!("{report}");
    assert!(t.failures.is_empty(), "{report}");
}
