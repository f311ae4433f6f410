//! The players of the repeated games: the memory-one family (always cooperate, always defect,
//! tit-for-tat, generous tit-for-tat, win-stay lose-shift, random, any four probabilities) and the
//! two that need more memory (grim trigger, contrite tit-for-tat).

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::Payoffs;
use crate::model::params::{check, check_opt};

/// A player's rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Player {
    /// Cooperation probabilities after CC, CD, DC, DD (own move first) and at the opening.
    /// Always cooperate (1,1,1,1; 1), always defect (0,0,0,0; 0), tit-for-tat (1,0,1,0; 1;
    /// Axelrod 1984), generous tit-for-tat (1,g,1,g; 1; Nowak and Sigmund 1992), win-stay
    /// lose-shift (1,0,0,1; 1; Nowak and Sigmund 1993), random (p,p,p,p; p).
    MemoryOne { p: [f64; 4], opening: f64 },
    /// Cooperates until the other's first defection, then defects for ever (Friedman 1971).
    Grim,
    /// Contrite tit-for-tat (Wu and Axelrod 1995, as the `axelrod` library implements it):
    /// tit-for-tat, except that when noise turned its own intended move into a defection against
    /// a cooperator it becomes contrite, and once it has cooperated again it cooperates whatever
    /// the other did, accepting the punishment instead of echoing it.
    Contrite,
}

/// What a player remembers during a match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PlayerState {
    triggered: bool,
    /// Contrite tit-for-tat: contrite after an own noisy defection.
    contrite: bool,
    /// The move this player intended last turn (before noise).
    intended: bool,
}

impl Player {
    /// Intended action (true = cooperate) given the last turn as (own, other's).
    pub fn choose(
        &self,
        s: &mut PlayerState,
        last: Option<(bool, bool)>,
        rng: &mut ChaCha8Rng,
    ) -> bool {
        match self {
            Player::MemoryOne { p, opening } => {
                let prob = match last {
                    None => *opening,
                    Some((me, other)) => p[index(me, other)],
                };
                if prob >= 1.0 {
                    true
                } else if prob <= 0.0 {
                    false
                } else {
                    (rng.next_u32() as u64) < super::threshold(prob)
                }
            }
            Player::Grim => !s.triggered,
            Player::Contrite => match last {
                None => true,
                Some((me, other)) => {
                    if s.contrite && me {
                        s.contrite = false;
                        return true;
                    }
                    if s.intended != me && !me && other {
                        s.contrite = true;
                    }
                    other
                }
            },
        }
    }

    /// Update memory after a turn: the move this player intended, and the moves actually played.
    pub fn observe(&self, s: &mut PlayerState, intended: bool, _me: bool, other: bool) {
        s.intended = intended;
        if let Player::Grim = self {
            s.triggered |= !other;
        }
    }

    /// The memory-one probabilities, if this is a memory-one player.
    pub fn memory_one(&self) -> Option<([f64; 4], f64)> {
        match self {
            Player::MemoryOne { p, opening } => Some((*p, *opening)),
            _ => None,
        }
    }
}

/// Index of a state (own, other's) in CC, CD, DC, DD order.
pub fn index(me: bool, other: bool) -> usize {
    (!me as usize) * 2 + (!other as usize)
}

/// A player kind a repeated-game scenario can declare: its name, one-line documentation with
/// its source, and how its table becomes a [`Player`]. [`PLAYER_KINDS`] is the one list.
pub struct PlayerKind {
    pub kind: &'static str,
    pub doc: &'static str,
    /// The parameters of an example declaration (TOML; `tests/registry.rs` parses it).
    pub example: &'static str,
    /// The player from its parameters (the table without `id`, `kind` and `label`).
    pub parse: fn(toml::Table, &Payoffs) -> Result<Player, String>,
}

/// Every player kind.
pub const PLAYER_KINDS: &[PlayerKind] = &[
    PlayerKind {
        kind: "always_cooperate",
        doc: "cooperates every turn (Axelrod 1984)",
        example: "",
        parse: |t, _| fixed(t, [1.0; 4], 1.0),
    },
    PlayerKind {
        kind: "always_defect",
        doc: "defects every turn, from the first (Axelrod 1984)",
        example: "",
        parse: |t, _| fixed(t, [0.0; 4], 0.0),
    },
    PlayerKind {
        kind: "tit_for_tat",
        doc: "cooperates first, then copies the other's last move (Axelrod 1984)",
        example: "",
        parse: |t, _| fixed(t, [1.0, 0.0, 1.0, 0.0], 1.0),
    },
    PlayerKind {
        kind: "generous_tit_for_tat",
        doc: "tit-for-tat that forgives a defection with probability `generosity`, by default min(1-(T-R)/(R-S), (R-P)/(T-P)) (Nowak and Sigmund 1992)",
        example: "generosity = 0.2",
        parse: generous,
    },
    PlayerKind {
        kind: "win_stay_lose_shift",
        doc: "Pavlov: repeats its move after R or T, switches after S or P (Nowak and Sigmund 1993)",
        example: "",
        parse: |t, _| fixed(t, [1.0, 0.0, 0.0, 1.0], 1.0),
    },
    PlayerKind {
        kind: "grim_trigger",
        doc: "cooperates until the other's first defection, then defects for ever (Friedman 1971)",
        example: "",
        parse: |t, _| params::<NoParams>(t).map(|_| Player::Grim),
    },
    PlayerKind {
        kind: "random",
        doc: "cooperates with probability `p` every turn (Axelrod 1984)",
        example: "p = 0.3",
        parse: random,
    },
    PlayerKind {
        kind: "contrite_tit_for_tat",
        doc: "tit-for-tat, except that after noise turns its intended cooperation into a defection against a cooperator it becomes contrite: once it has cooperated again it cooperates the next turn whatever the other did, accepting the punishment instead of echoing it (Wu and Axelrod 1995)",
        example: "",
        parse: |t, _| params::<NoParams>(t).map(|_| Player::Contrite),
    },
    PlayerKind {
        kind: "memory_one",
        doc: "cooperates with probabilities `cc`, `cd`, `dc`, `dd` after each outcome (own move first), `opening` at the start (Nowak and Sigmund 1993)",
        example: "cc = 1.0\ncd = 0.1\ndc = 1.0\ndd = 0.2",
        parse: memory_one,
    },
];

fn params<T: DeserializeOwned>(t: toml::Table) -> Result<T, String> {
    toml::Value::Table(t)
        .try_into::<T>()
        .map_err(|e| e.message().trim_end().to_string())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoParams {}

/// A memory-one player without parameters.
fn fixed(t: toml::Table, p: [f64; 4], opening: f64) -> Result<Player, String> {
    params::<NoParams>(t).map(|_| Player::MemoryOne { p, opening })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GenerousParams {
    #[serde(default, deserialize_with = "check_opt::prob")]
    generosity: Option<f64>,
}

fn generous(t: toml::Table, pay: &Payoffs) -> Result<Player, String> {
    let p: GenerousParams = params(t)?;
    let g = p.generosity.unwrap_or_else(|| pay.default_generosity());
    Ok(Player::MemoryOne {
        p: [1.0, g, 1.0, g],
        opening: 1.0,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RandomParams {
    #[serde(default = "half", deserialize_with = "check::prob")]
    p: f64,
}

fn half() -> f64 {
    0.5
}

fn random(t: toml::Table, _: &Payoffs) -> Result<Player, String> {
    let p: RandomParams = params(t)?;
    Ok(Player::MemoryOne {
        p: [p.p; 4],
        opening: p.p,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MemoryOneParams {
    #[serde(deserialize_with = "check::prob")]
    cc: f64,
    #[serde(deserialize_with = "check::prob")]
    cd: f64,
    #[serde(deserialize_with = "check::prob")]
    dc: f64,
    #[serde(deserialize_with = "check::prob")]
    dd: f64,
    #[serde(default = "one", deserialize_with = "check::prob")]
    opening: f64,
}

fn one() -> f64 {
    1.0
}

fn memory_one(t: toml::Table, _: &Payoffs) -> Result<Player, String> {
    let p: MemoryOneParams = params(t)?;
    Ok(Player::MemoryOne {
        p: [p.cc, p.cd, p.dc, p.dd],
        opening: p.opening,
    })
}
