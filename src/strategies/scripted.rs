//! A scripted course: a dated list of what the side does, month by month, and nothing in other
//! months. It replays a course decided outside the model (a player's game in `detente serve`,
//! or a historical sequence of moves) against the model's other side, with the engine's
//! filters and noise applied as to any strategy (Axelrod 1984 used fixed sequences the same
//! way, as benchmarks against adaptive players).

use rand_chacha::ChaCha8Rng;
use serde::Deserialize;

use super::{Intent, KindDoc, Name, View};
use crate::model::MoveIx;

pub const DOC: KindDoc = KindDoc {
    kind: "scripted",
    doc: "A dated script: in each listed month it makes the steps in `make`, takes back the standing steps in `revoke` and commits the hostile acts in `hostile`; otherwise it waits.",
    source: "a course decided outside the model (a player, a historical record); Axelrod 1984 (fixed sequences as benchmarks)",
    example: r#"script = [{ month = 1, make = ["humanitarian_exemptions"] }, { month = 4, make = ["liaison_offices"] }, { month = 9, revoke = ["liaison_offices"], hostile = ["new_sanctions"] }]"#,
};

/// The largest script accepted: one entry per month of the longest horizon.
const MAX_ENTRIES: usize = 1200;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    script: Vec<RawEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    month: u32,
    #[serde(default)]
    make: Vec<String>,
    #[serde(default)]
    revoke: Vec<String>,
    #[serde(default)]
    hostile: Vec<String>,
}

/// One month of the script.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub month: u32,
    pub make: Vec<MoveIx>,
    pub revoke: Vec<MoveIx>,
    pub hostile: Vec<MoveIx>,
}

/// The script, by increasing month.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
pub struct Scripted {
    entries: Vec<Entry>,
}

impl super::Kind for Scripted {
    type Config = Config;
    const DOC: KindDoc = DOC;

    fn parse(a: &super::Args) -> Result<Config, String> {
        let p: Params = a.params()?;
        if p.script.len() > MAX_ENTRIES {
            return Err(format!(
                "strategy '{}': a script has at most {MAX_ENTRIES} months, found {}",
                a.id,
                p.script.len()
            ));
        }
        let ids = |list: &[String]| -> Result<Vec<MoveIx>, String> {
            list.iter().map(|m| a.index(Name::Move, m)).collect()
        };
        let mut entries = Vec::with_capacity(p.script.len());
        for e in &p.script {
            if e.month == 0 || entries.last().is_some_and(|l: &Entry| l.month >= e.month) {
                return Err(format!(
                    "strategy '{}': script months must be 1 or more and increase, found {}",
                    a.id, e.month
                ));
            }
            entries.push(Entry {
                month: e.month,
                make: ids(&e.make)?,
                revoke: ids(&e.revoke)?,
                hostile: ids(&e.hostile)?,
            });
        }
        Ok(Config { entries })
    }

    fn new(c: &Config) -> Self {
        Scripted {
            entries: c.entries.clone(),
        }
    }

    fn decide(&mut self, v: &View, _rng: &mut ChaCha8Rng, out: &mut Vec<Intent>) {
        let Ok(k) = self.entries.binary_search_by_key(&v.month, |e| e.month) else {
            return;
        };
        let e = &self.entries[k];
        out.extend(e.make.iter().map(|&m| Intent::Make(m)));
        out.extend(e.revoke.iter().map(|&m| Intent::Revoke(m)));
        out.extend(e.hostile.iter().map(|&m| Intent::Hostile(m)));
    }
}
