//! Play it yourself: a student takes one side against the model's other side, month by month.
//! A game is its choices so far; every view replays them from month 0 (the `scripted`
//! strategy, on the run's seed), so the model's side answers exactly as it would to any
//! strategy, and the student sees only what that side would see: its own moves, what it
//! perceived of the other's, its own trust and the tension. At the end the other side's hidden
//! type is shown, with how the same run went under each of the scenario's arms.

use std::sync::Mutex;

use serde_json::{Value, json};

use super::api::{Failure, Query};
use crate::engine::{self, Event, Keep, RunRecord, Workspace};
use crate::model::{ActorIx, MoveSet, Scenario};
use crate::rng;

/// Games kept; the oldest is dropped beyond it.
pub const MAX_GAMES: usize = 500;
/// Moves a player may choose in one month.
const MAX_CHOICES: usize = 16;
/// The longest player name kept.
const MAX_NAME: usize = 40;

/// A game: who plays which side against which arm's other side, in which run, and the moves
/// chosen so far by month.
#[derive(Debug, Clone)]
pub struct Game {
    pub id: String,
    pub name: String,
    pub side: ActorIx,
    pub arm: usize,
    pub run: u64,
    /// Months played: the next choice is for month `played + 1`.
    pub played: u32,
    pub finished: bool,
    /// The months the player moved in, in order.
    pub script: Vec<Choice>,
}

/// A month's choices, as move ids.
#[derive(Debug, Clone)]
pub struct Choice {
    pub month: u32,
    pub make: Vec<String>,
    pub revoke: Vec<String>,
    pub hostile: Vec<String>,
}

/// The games of a server, newest last.
#[derive(Default)]
pub struct Games {
    list: Mutex<(u64, Vec<Game>)>,
}

impl Games {
    fn with<T>(&self, f: impl FnOnce(&mut (u64, Vec<Game>)) -> T) -> Result<T, Failure> {
        let mut g = self
            .list
            .lock()
            .map_err(|_| Failure::Failed("the games are unavailable".into()))?;
        Ok(f(&mut g))
    }

    fn get(&self, id: &str) -> Result<Game, Failure> {
        self.with(|g| g.1.iter().find(|x| x.id == id).cloned())?
            .ok_or_else(|| {
                Failure::Bad(format!(
                    "no game '{id}' (it may have ended with the server)"
                ))
            })
    }

    fn put(&self, game: Game) -> Result<(), Failure> {
        self.with(|g| {
            if let Some(x) = g.1.iter_mut().find(|x| x.id == game.id) {
                *x = game;
            }
        })
    }
}

/// The scenario in which side `g.side` plays the game's script in arm `g.arm`, binding (its
/// conduct weighs none of its choices: the player decides).
fn scenario_for(
    base: &toml::Table,
    path: &str,
    sc: &Scenario,
    g: &Game,
) -> Result<Scenario, Failure> {
    let script: Vec<toml::Value> = g
        .script
        .iter()
        .map(|c| {
            let list = |v: &[String]| {
                toml::Value::Array(v.iter().map(|s| toml::Value::String(s.clone())).collect())
            };
            let mut t = toml::Table::new();
            t.insert("month".into(), toml::Value::Integer(i64::from(c.month)));
            t.insert("make".into(), list(&c.make));
            t.insert("revoke".into(), list(&c.revoke));
            t.insert("hostile".into(), list(&c.hostile));
            toml::Value::Table(t)
        })
        .collect();
    let mut player = toml::Table::new();
    player.insert("id".into(), toml::Value::String(PLAYER.into()));
    player.insert("kind".into(), toml::Value::String("scripted".into()));
    player.insert("script".into(), toml::Value::Array(script));
    playing(base, path, sc, (g.side, g.arm), PLAYER, Some(player))
}

/// The scenario in which side `side` of arm `arm` plays strategy `strategy`, declared by
/// `declare` if it is new (a player's script, whose choices then bind: its side's conduct
/// weighs none of them).
fn playing(
    base: &toml::Table,
    path: &str,
    sc: &Scenario,
    (side, arm): (ActorIx, usize),
    strategy: &str,
    declare: Option<toml::Table>,
) -> Result<Scenario, Failure> {
    let mut doc = base.clone();
    let me = &sc.actors[side].id;
    let arm_id = &sc.experiment.arms[arm].id;
    let binding = declare.is_some();
    let edit = || -> Option<()> {
        if let Some(t) = declare {
            doc.get_mut("strategies")?
                .as_array_mut()?
                .push(toml::Value::Table(t));
        }
        for a in doc.get_mut("actors")?.as_array_mut()? {
            let t = a.as_table_mut()?;
            if binding && t.get("id").and_then(|v| v.as_str()) == Some(me) {
                t.insert("discretion".into(), toml::Value::Float(0.0));
            }
        }
        let ex = doc.get_mut("experiment")?.as_table_mut()?;
        for a in ex.get_mut("arms")?.as_array_mut()? {
            let t = a.as_table_mut()?;
            if t.get("id").and_then(|v| v.as_str()) == Some(arm_id.as_str()) {
                let s = t.get_mut("strategies")?.as_table_mut()?;
                s.insert(me.clone(), toml::Value::String(strategy.into()));
            }
        }
        Some(())
    };
    edit().ok_or_else(|| {
        Failure::Failed("the scenario has no strategies, actors or arms to play".into())
    })?;
    let text = toml::to_string(&doc).map_err(|e| Failure::Failed(e.to_string()))?;
    crate::scenario::parse(&text, path).map_err(|e| Failure::Bad(e.to_string()))
}

/// The player's strategy id in a game's scenario.
const PLAYER: &str = "player_of_detente_serve";

/// Replay a game: the run as far as the horizon, with the player's choices so far.
fn replay(s: &super::Shared, g: &Game) -> Result<(Scenario, Keep, RunRecord, u64), Failure> {
    let sc = &s.loaded.scenario;
    let played = scenario_for(&s.doc, &s.loaded.path, sc, g)?;
    let arm = &played.experiment.arms[g.arm];
    let seed = rng::run_seed(sc.experiment.seed, g.run);
    let mut k = Keep::default();
    let rec = engine::simulate(&played, arm, seed, &mut Workspace::new(), &mut k);
    Ok((played, k, rec, seed))
}

/// `POST /api/game/new?side=ID&arm=ID&run=N&name=TEXT`: a new game.
pub fn new(s: &super::Shared, q: &Query) -> Result<Value, Failure> {
    let sc = &s.loaded.scenario;
    let side_id = q.get("side").unwrap_or(&sc.actors[0].id);
    let side = sc
        .actors
        .iter()
        .position(|a| a.id == side_id)
        .ok_or_else(|| {
            Failure::Bad(format!(
                "side = '{side_id}': expected {} or {}",
                sc.actors[0].id, sc.actors[1].id
            ))
        })?;
    let arm_id = q
        .get("arm")
        .unwrap_or(&sc.experiment.arms[sc.experiment.baseline].id);
    let arm = sc
        .arm_ix(arm_id)
        .ok_or_else(|| Failure::Bad(format!("arm = '{arm_id}': not an arm of the scenario")))?;
    let run = match q.get("run") {
        Some(v) if !v.is_empty() => v
            .parse::<u64>()
            .ok()
            .filter(|r| *r < crate::scenario::MAX_RUNS)
            .ok_or_else(|| Failure::Bad(format!("run = '{v}': expected a run number")))?,
        _ => 0,
    };
    let name: String = q
        .get("name")
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME)
        .collect();
    let game = s.games.with(|g| {
        g.0 += 1;
        let id = format!(
            "g{}-{:x}",
            g.0,
            rng::splitmix64(g.0 ^ std::process::id() as u64) & 0xffff_ffff
        );
        let game = Game {
            id,
            name,
            side,
            arm,
            run,
            played: 0,
            finished: false,
            script: Vec::new(),
        };
        if g.1.len() >= MAX_GAMES {
            g.1.remove(0);
        }
        g.1.push(game.clone());
        game
    })?;
    view(s, &game)
}

/// `GET /api/game?id=ID`: the game as its player sees it.
pub fn get(s: &super::Shared, q: &Query) -> Result<Value, Failure> {
    view(s, &s.games.get(id(q)?)?)
}

fn id(q: &Query) -> Result<&str, Failure> {
    q.get("id")
        .ok_or_else(|| Failure::Bad("id: which game?".into()))
}

/// `POST /api/game/move?id=ID&make=A,B&revoke=C&hostile=D`: this month's choices (none: wait),
/// then the month is played. `&finish=1` plays the rest of the horizon with no more moves.
pub fn play(s: &super::Shared, q: &Query) -> Result<Value, Failure> {
    let mut g = s.games.get(id(q)?)?;
    if g.finished {
        return Err(Failure::Bad("this game has ended".into()));
    }
    let mut replayed = replay(s, &g)?;
    let (played, k) = (&replayed.0, &replayed.1);
    if q.get("finish") == Some("1") {
        // The script does not change: the run replayed is the game's to the end.
        g.finished = true;
        g.played = played.horizon;
    } else {
        let options = options(played, k, &g);
        let pick = |key: &str, allowed: &[String]| -> Result<Vec<String>, Failure> {
            let v: Vec<String> = q
                .get(key)
                .unwrap_or("")
                .split(',')
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect();
            if v.len() > MAX_CHOICES {
                return Err(Failure::Bad(format!(
                    "{key}: at most {MAX_CHOICES} moves a month"
                )));
            }
            if let Some(bad) = v.iter().find(|m| !allowed.contains(m)) {
                return Err(Failure::Bad(format!(
                    "{key} = '{bad}': not open to you this month; open: {}",
                    if allowed.is_empty() {
                        "none".to_string()
                    } else {
                        allowed.join(", ")
                    }
                )));
            }
            Ok(v)
        };
        let (make, revoke, hostile) = (
            pick("make", &options.0)?,
            pick("revoke", &options.1)?,
            pick("hostile", &options.2)?,
        );
        g.played += 1;
        if !(make.is_empty() && revoke.is_empty() && hostile.is_empty()) {
            g.script.push(Choice {
                month: g.played,
                make,
                revoke,
                hostile,
            });
        }
        let horizon = played.horizon;
        replayed = replay(s, &g)?;
        g.finished = g.played >= horizon || replayed.2.end_month <= g.played;
    }
    s.games.put(g.clone())?;
    view_of(s, &g, replayed)
}

/// The moves open to the player for the next month: steps it can make (its own conciliatory
/// moves not delivered, prerequisites delivered), standing steps it can take back, and its
/// hostile moves (pressure and retaliation).
fn options(sc: &Scenario, k: &Keep, g: &Game) -> (Vec<String>, Vec<String>, Vec<String>) {
    let at = k.months.get(g.played as usize).or(k.months.last());
    let (in_force, done) = at.map_or((MoveSet::EMPTY, MoveSet::EMPTY), |m| (m.in_force, m.done));
    let arm = &sc.experiment.arms[g.arm];
    let delivered = |m: usize| {
        let mv = &arm.moves[m];
        if mv.standing {
            in_force.contains(m)
        } else {
            done.contains(m)
        }
    };
    let mut make = Vec::new();
    let mut revoke = Vec::new();
    let mut hostile = Vec::new();
    for (m, mv) in arm.moves.iter().enumerate() {
        if mv.actor != g.side {
            continue;
        }
        if mv.is_conciliatory() {
            if !delivered(m) && mv.requires.iter().all(delivered) {
                make.push(mv.id.clone());
            }
            if mv.standing && in_force.contains(m) && mv.irreversibility < 1.0 {
                revoke.push(mv.id.clone());
            }
        }
    }
    let actor = &sc.actors[g.side];
    for m in actor.pressure.iter().chain(actor.retaliation.iter()) {
        let id = &arm.moves[*m].id;
        if !hostile.contains(id) {
            hostile.push(id.clone());
        }
    }
    (make, revoke, hostile)
}

/// What the player of side `me` sees of month `t`: its own acts, and the other's as it
/// perceived them; public events (agreements, freezes, war) too.
fn seen(sc: &Scenario, k: &Keep, me: ActorIx, t: u32, g: &Game) -> (Vec<String>, Vec<String>) {
    let arm = &sc.experiment.arms[g.arm];
    let label = |m: usize| arm.moves[m].label.clone();
    let mut mine = Vec::new();
    let mut theirs = Vec::new();
    for (_, e) in k.events.iter().filter(|(m, _)| *m == t) {
        match *e {
            Event::Made { actor, mv } if actor == me => {
                mine.push(format!("You make a step: {}.", label(mv)))
            }
            Event::Slipped { actor, mv } if actor == me => mine.push(format!(
                "Your step slips (it did not happen): {}.",
                label(mv)
            )),
            Event::Revoked { actor, mv } if actor == me => {
                mine.push(format!("You take back: {}.", label(mv)))
            }
            Event::Hostile { actor, mv, shock } if actor == me => mine.push(if shock {
                format!("Outside your control, your side commits: {}.", label(mv))
            } else {
                format!("You commit: {}.", label(mv))
            }),
            Event::Perceived {
                observer,
                mv,
                misperceived,
                as_hostile,
            } if observer == me => match (mv, misperceived, as_hostile) {
                (Some(m), false, _) => theirs.push(format!("They: {}.", label(m))),
                (Some(m), true, true) => {
                    theirs.push(format!("They: {} (you read it as hostile).", label(m)))
                }
                (Some(_), true, false) => {}
                (None, _, _) => theirs.push("A quiet month that looked hostile to you.".into()),
            },
            Event::AgreementFormed => mine.push("An agreement is in force.".into()),
            Event::AgreementCollapsed => mine.push("The agreement collapses.".into()),
            Event::FreezeFormed => mine.push("A verified freeze is in force.".into()),
            Event::FreezeCollapsed => mine.push("The freeze collapses.".into()),
            Event::War => mine.push("War breaks out.".into()),
            _ => {}
        }
    }
    (mine, theirs)
}

/// The game as its player sees it; at the end, the other side's type and the same run under
/// each arm of the scenario.
fn view(s: &super::Shared, g: &Game) -> Result<Value, Failure> {
    view_of(s, g, replay(s, g)?)
}

/// [`view`] of a game already replayed.
fn view_of(
    s: &super::Shared,
    g: &Game,
    (played, k, rec, seed): (Scenario, Keep, RunRecord, u64),
) -> Result<Value, Failure> {
    let me = g.side;
    let upto = g.played.min(rec.end_month);
    let months: Vec<Value> = (1..=upto)
        .map(|t| {
            let (mine, theirs) = seen(&played, &k, me, t, g);
            let m = &k.months[t as usize];
            json!({ "month": t, "you": mine, "they": theirs, "trust": m.trust[me], "belief": crate::model::math::logistic(m.belief_logit[me]), "tension": m.tension })
        })
        .collect();
    let (make, revoke, hostile) = options(&played, &k, g);
    let arm = &played.experiment.arms[g.arm];
    let described = |ids: &[String]| -> Vec<Value> {
        ids.iter()
            .filter_map(|id| arm.moves.iter().find(|m| m.id == *id))
            .map(|m| json!({ "id": m.id, "label": m.label, "cost": m.cost, "value": m.value }))
            .collect()
    };
    let now = &k.months[upto as usize];
    let mut out = json!({
        "id": g.id,
        "name": g.name,
        "side": played.actors[me].id,
        "other": played.actors[1 - me].id,
        "against": s.loaded.scenario.experiment.arms[g.arm].id,
        "run": g.run,
        "month": upto,
        "horizon": played.horizon,
        "finished": g.finished,
        "trust": now.trust[me],
        "belief": crate::model::math::logistic(now.belief_logit[me]),
        "tension": now.tension,
        "months": months,
        "open": { "make": described(&make), "revoke": described(&revoke), "hostile": described(&hostile) },
    });
    if g.finished {
        out["end"] = end(s, g, &rec, seed);
    }
    Ok(out)
}

/// The end of a game: the outcome, the other side's hidden type, the ledger, the same run
/// under each arm of the scenario, and under each strategy the scenario declares played by
/// the player's side against the same opponent (a strategy that cannot be played by that side
/// is left out).
fn end(s: &super::Shared, g: &Game, rec: &RunRecord, seed: u64) -> Value {
    let sc = &s.loaded.scenario;
    let mut ws = Workspace::new();
    let mut row = |label: &str, id: &str, sc: &Scenario, arm: usize| {
        let r = engine::simulate(
            sc,
            &sc.experiment.arms[arm],
            seed,
            &mut ws,
            &mut engine::Discard,
        );
        json!({ "arm": id, "label": label, "outcome": r.outcome.name(), "freeze_months": r.verified_freeze_months })
    };
    let arms: Vec<Value> = (0..sc.experiment.arms.len())
        .map(|a| {
            let arm = &sc.experiment.arms[a];
            row(&arm.label, &arm.id, sc, a)
        })
        .collect();
    let strategies: Vec<Value> = sc
        .strategies
        .iter()
        .filter_map(|d| {
            let played = playing(&s.doc, &s.loaded.path, sc, (g.side, g.arm), &d.id, None).ok()?;
            Some(row(&d.id, &d.id, &played, g.arm))
        })
        .collect();
    let ty = |s: bool| {
        if s {
            "security seeker (S)"
        } else {
            "greedy (G)"
        }
    };
    json!({
        "outcome": rec.outcome.name(),
        "their_type": ty(rec.sincere[1 - g.side]),
        "your_type": ty(rec.sincere[g.side]),
        "freeze_months": rec.verified_freeze_months,
        "agreements": rec.agreements,
        "conceded_unreciprocated": rec.conceded_unreciprocated[g.side],
        "relief_pocketed_by_them": rec.relief_pocketed[1 - g.side],
        "under_each_arm": arms,
        "under_each_strategy": strategies,
    })
}

/// The columns of the teacher's table, in order (`/api/games.csv`).
const COLUMNS: [&str; 12] = [
    "id",
    "name",
    "side",
    "against",
    "run",
    "month",
    "finished",
    "outcome",
    "agreements",
    "freeze_months",
    "conceded_unreciprocated",
    "relief_pocketed_by_them",
];

/// `GET /api/games.csv`: the teacher's table as CSV, a game a row.
pub fn all_csv(s: &super::Shared) -> Result<Vec<u8>, Failure> {
    let all = all(s)?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let fail = |e: csv::Error| Failure::Failed(e.to_string());
    w.write_record(COLUMNS).map_err(fail)?;
    for g in all["games"].as_array().into_iter().flatten() {
        w.write_record(COLUMNS.map(|c| match &g[c] {
            Value::String(t) => t.clone(),
            v => v.to_string(),
        }))
        .map_err(fail)?;
    }
    w.into_inner().map_err(|e| Failure::Failed(e.to_string()))
}

/// `GET /api/games`: every game, for the teacher: who, which side, how far, and its ledger.
pub fn all(s: &super::Shared) -> Result<Value, Failure> {
    let games = s.games.with(|g| g.1.clone())?;
    let rows: Result<Vec<Value>, Failure> = games
        .iter()
        .map(|g| {
            let (played, _, rec, _) = replay(s, g)?;
            Ok(json!({
                "id": g.id, "name": g.name, "side": played.actors[g.side].id,
                "against": s.loaded.scenario.experiment.arms[g.arm].id, "run": g.run,
                "month": g.played.min(rec.end_month), "finished": g.finished,
                "outcome": if g.finished { rec.outcome.name() } else { "playing" },
                "agreements": rec.agreements, "freeze_months": rec.verified_freeze_months,
                "conceded_unreciprocated": rec.conceded_unreciprocated[g.side],
                "relief_pocketed_by_them": rec.relief_pocketed[1 - g.side],
            }))
        })
        .collect();
    Ok(json!({ "games": rows? }))
}

/// `GET /api/game/log.csv?id=ID`: the game month by month as its player saw it.
pub fn log_csv(s: &super::Shared, q: &Query) -> Result<Vec<u8>, Failure> {
    let g = s.games.get(id(q)?)?;
    let (played, k, rec, _) = replay(s, &g)?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let head = ["month", "you", "they", "your_trust", "tension"];
    w.write_record(head)
        .map_err(|e| Failure::Failed(e.to_string()))?;
    for t in 1..=g.played.min(rec.end_month) {
        let (mine, theirs) = seen(&played, &k, g.side, t, &g);
        let m = &k.months[t as usize];
        w.write_record([
            t.to_string(),
            mine.join(" "),
            theirs.join(" "),
            format!("{:.6}", m.trust[g.side]),
            format!("{:.6}", m.tension),
        ])
        .map_err(|e| Failure::Failed(e.to_string()))?;
    }
    w.into_inner().map_err(|e| Failure::Failed(e.to_string()))
}
