//! Repeated-game scenario files (a `[game]` table): payoffs, length, noise, players and the
//! experiment (explicit arms or a round robin), validated with positioned errors.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use toml::Spanned;

use super::Seg::Key;
use super::{Cx, R};
use crate::game::players::PLAYER_KINDS;
use crate::game::{Game, Payoffs, Player, Turns};
use crate::model::params::check;

/// A validated repeated-game scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct GameScenario {
    pub name: String,
    pub title: String,
    pub description: String,
    /// The two sides' names (metric suffixes: `payoff:<actor>`).
    pub actors: [String; 2],
    pub game: Game,
    /// Declared players: id, label, rule.
    pub players: Vec<(String, String, Player)>,
    pub arms: Vec<GameArm>,
    pub runs: u64,
    pub seed: u64,
    /// Arms are every pairing of the players (self-play included).
    pub round_robin: bool,
    /// Whether runs.csv is written (`[output] runs_csv`).
    pub runs_csv: bool,
}

/// One pairing.
#[derive(Debug, Clone, PartialEq)]
pub struct GameArm {
    pub id: String,
    pub label: String,
    /// Indices into `players`, per side.
    pub players: [usize; 2],
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: Spanned<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    game: Spanned<RawGame>,
    strategies: Vec<Spanned<toml::Table>>,
    experiment: Spanned<RawExperiment>,
    output: Option<RawGameOutput>,
}

/// `[output]` of a repeated game: only per-run rows can be turned off.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGameOutput {
    runs_csv: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGame {
    #[serde(default = "default_actors")]
    actors: [String; 2],
    payoffs: RawPayoffs,
    turns: Option<Spanned<u32>>,
    #[serde(default, deserialize_with = "crate::model::params::check_opt::prob")]
    continuation: Option<f64>,
    #[serde(default = "max_turns")]
    max_turns: u32,
    #[serde(default, deserialize_with = "check::prob")]
    noise: f64,
}

fn default_actors() -> [String; 2] {
    ["row".to_string(), "col".to_string()]
}
fn max_turns() -> u32 {
    100_000
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
struct RawPayoffs {
    #[serde(deserialize_with = "finite")]
    R: f64,
    #[serde(deserialize_with = "finite")]
    S: f64,
    #[serde(deserialize_with = "finite")]
    T: f64,
    #[serde(deserialize_with = "finite")]
    P: f64,
}

fn finite<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let v = f64::deserialize(d)?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(serde::de::Error::custom(format!(
            "expected a finite number, found {v}"
        )))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExperiment {
    runs: Spanned<u64>,
    #[serde(default = "one")]
    seed: u64,
    #[serde(default)]
    round_robin: bool,
    /// Players of the round robin (default: every declared strategy).
    players: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    arms: Vec<Spanned<RawArm>>,
}

fn one() -> u64 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArm {
    id: Spanned<String>,
    #[serde(default)]
    label: String,
    strategies: BTreeMap<String, Spanned<String>>,
}

/// A declared player: id, label, rule.
type Declared = (String, String, Player);
/// Player ids to indices.
type Ids = HashMap<String, usize>;

/// The player kinds' names, for messages.
fn player_kinds() -> String {
    PLAYER_KINDS
        .iter()
        .map(|k| k.kind)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Cx<'_> {
    /// A player table, parsed by its kind (`game::players`).
    fn player(&self, st: &Spanned<toml::Table>, id: &str, kind: &str, pay: &Payoffs) -> R<Player> {
        let Some(k) = PLAYER_KINDS.iter().find(|k| k.kind == kind) else {
            return Err(self.err(
                st.span(),
                format!(
                    "strategy '{id}': unknown kind '{kind}'; expected one of: {}",
                    player_kinds()
                ),
            ));
        };
        let mut t = st.get_ref().clone();
        for key in crate::strategies::COMMON_KEYS {
            t.remove(key);
        }
        (k.parse)(t, pay).map_err(|e| self.err(st.span(), format!("strategy '{id}' ({kind}): {e}")))
    }

    pub(super) fn build_game(&self) -> R<GameScenario> {
        let raw: Raw = self.de()?;
        self.check_name(&raw.name)?;
        let game = self.game(&raw.game)?;
        let g = raw.game.get_ref();
        let (players, ids) = self.players(&raw.strategies, &game.payoffs)?;
        let ex = raw.experiment.get_ref();
        let runs = *ex.runs.get_ref();
        if runs == 0 || runs > super::MAX_RUNS {
            return Err(self.err(
                ex.runs.span(),
                format!(
                    "runs must be between 1 and {}, found {runs}",
                    super::MAX_RUNS
                ),
            ));
        }
        let arms = if ex.round_robin {
            self.round_robin(&raw.experiment, &players, &ids)?
        } else {
            self.game_arms(ex, &g.actors, &ids)?
        };
        if arms.is_empty() {
            return Err(self.err(
                raw.experiment.span(),
                "the experiment has no arms; add [[experiment.arms]] or set round_robin = true",
            ));
        }
        Ok(GameScenario {
            name: raw.name.get_ref().clone(),
            title: raw.title,
            description: raw.description,
            actors: g.actors.clone(),
            game,
            players,
            arms,
            runs,
            seed: ex.seed,
            round_robin: ex.round_robin,
            runs_csv: raw.output.as_ref().is_none_or(|o| o.runs_csv),
        })
    }

    /// `[game]`: payoffs within the exact range, one way to end a match, two actor names.
    fn game(&self, raw: &Spanned<RawGame>) -> R<Game> {
        let g = raw.get_ref();
        let pay = Payoffs {
            r: g.payoffs.R,
            s: g.payoffs.S,
            t: g.payoffs.T,
            p: g.payoffs.P,
        };
        let limit = crate::model::params::MAX_MAGNITUDE;
        for (name, v) in [("R", pay.r), ("S", pay.s), ("T", pay.t), ("P", pay.p)] {
            if v.abs() > limit {
                return Err(self.err(
                    self.span_at(&[Key("game"), Key("payoffs"), Key(name)]),
                    format!(
                        "payoff {name} = {v:e} is larger than {limit:.0e}, the largest magnitude results are exact for; use a smaller unit"
                    ),
                ));
            }
        }
        let turns = self.turns(raw)?;
        if g.actors[0] == g.actors[1] {
            return Err(self.err(raw.span(), "[game] actors must be two different names"));
        }
        Ok(Game {
            payoffs: pay,
            turns,
            noise: g.noise,
        })
    }

    /// A match's length: a fixed number of turns, or a continuation probability with a cap.
    fn turns(&self, raw: &Spanned<RawGame>) -> R<Turns> {
        let g = raw.get_ref();
        let limit = crate::model::params::MAX_MAGNITUDE;
        let too_long = |key: &str, n: u32| {
            self.err(
                self.span_at(&[Key("game"), Key(key)]),
                format!(
                    "{key} = {n} is more than {limit:.0e} turns, the longest match results are exact for (and that fit in memory)"
                ),
            )
        };
        match (&g.turns, g.continuation) {
            (Some(n), None) => {
                if *n.get_ref() == 0 {
                    return Err(self.err(n.span(), "turns must be at least 1"));
                }
                if f64::from(*n.get_ref()) > limit {
                    return Err(too_long("turns", *n.get_ref()));
                }
                Ok(Turns::Fixed(*n.get_ref()))
            }
            (None, Some(w)) => {
                if f64::from(g.max_turns) > limit {
                    return Err(too_long("max_turns", g.max_turns));
                }
                Ok(Turns::Continuation {
                    probability: w,
                    max: g.max_turns.max(1),
                })
            }
            _ => Err(self.err(
                raw.span(),
                "[game] needs exactly one of `turns` (a fixed number) or `continuation` (a probability)",
            )),
        }
    }

    /// The declared players (id, label, rule) and their ids.
    fn players(&self, raw: &[Spanned<toml::Table>], pay: &Payoffs) -> R<(Vec<Declared>, Ids)> {
        let mut ids = HashMap::new();
        let mut players = Vec::new();
        for st in raw {
            let (id, kind) = self.strategy_head(st, &player_kinds())?;
            let label = match st.get_ref().get("label") {
                Some(toml::Value::String(s)) => s.clone(),
                _ => id.clone(),
            };
            if ids.insert(id.clone(), players.len()).is_some() {
                return Err(self.err(st.span(), format!("duplicate strategy id '{id}'")));
            }
            let player = self.player(st, &id, &kind, pay)?;
            players.push((id, label, player));
        }
        Ok((players, ids))
    }

    /// Every pairing of the listed players (all by default), self-play included.
    fn round_robin(
        &self,
        raw: &Spanned<RawExperiment>,
        players: &[(String, String, Player)],
        ids: &HashMap<String, usize>,
    ) -> R<Vec<GameArm>> {
        let ex = raw.get_ref();
        if !ex.arms.is_empty() {
            return Err(self.err(raw.span(), "a round robin takes no [[experiment.arms]]"));
        }
        let list: Vec<usize> = match &ex.players {
            Some(ps) => ps
                .iter()
                .map(|p| self.lookup(ids, p, "strategy"))
                .collect::<R<_>>()?,
            None => (0..players.len()).collect(),
        };
        let mut arms = Vec::new();
        for (a, &i) in list.iter().enumerate() {
            for &j in &list[a..] {
                arms.push(GameArm {
                    id: format!("{}_vs_{}", players[i].0, players[j].0),
                    label: format!("{} vs {}", players[i].1, players[j].1),
                    players: [i, j],
                });
            }
        }
        Ok(arms)
    }

    /// The arms as declared: a player per actor.
    fn game_arms(
        &self,
        ex: &RawExperiment,
        actors: &[String; 2],
        ids: &HashMap<String, usize>,
    ) -> R<Vec<GameArm>> {
        let actor_ids: HashMap<String, usize> = actors
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, a)| (a, i))
            .collect();
        let mut arms = Vec::new();
        let mut seen = HashMap::new();
        for sa in &ex.arms {
            let a = sa.get_ref();
            let id = a.id.get_ref().clone();
            if seen.insert(id.clone(), ()).is_some() {
                return Err(self.err(a.id.span(), format!("duplicate arm id '{id}'")));
            }
            let names = [actors[0].as_str(), actors[1].as_str()];
            let side = self.pairing(sa.span(), &id, &a.strategies, &actor_ids, ids, names)?;
            arms.push(GameArm {
                id,
                label: a.label.clone(),
                players: side,
            });
        }
        Ok(arms)
    }
}
