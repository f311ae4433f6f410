//! GRIT-initiator: the 2018 pattern, a counterpart that opens with unilateral initiatives
//! (test moratorium, detainees released, remains, a test site closed) and then hedges
//! (Osgood 1962; the 2018 sequence of unilateral steps in the events timeline).

use rand_chacha::ChaCha8Rng;

use super::{Intent, KindDoc, View, hedger};
use crate::model::{MoveIx, MoveSet};

pub const DOC: KindDoc = KindDoc {
    kind: "grit_initiator",
    doc: "Opens with its listed `initiatives`, one every `interval` months when it can, then behaves as the hedger.",
    source: "Osgood 1962; the 2018 unilateral initiatives",
    example: "initiatives = [\"humanitarian_exemptions\"]",
};

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Initiatives in the order they are made.
    pub initiatives: Vec<MoveIx>,
    pub interval: u32,
}

#[derive(Debug, Clone)]
pub struct GritInitiator {
    c: Config,
    next: u32,
}

/// The scenario's keys.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    initiatives: Vec<String>,
    #[serde(default = "one")]
    interval: u32,
}

fn one() -> u32 {
    1
}

impl super::Kind for GritInitiator {
    type Config = Config;
    const DOC: KindDoc = DOC;

    fn parse(a: &super::Args) -> Result<Config, String> {
        let p: Params = a.params()?;
        Ok(Config {
            initiatives: p
                .initiatives
                .iter()
                .map(|m| a.index(super::Name::Move, m))
                .collect::<Result<Vec<_>, String>>()?,
            interval: p.interval.max(1),
        })
    }

    fn new(c: &Config) -> Self {
        Self {
            c: c.clone(),
            next: 0,
        }
    }

    fn decide(&mut self, v: &View, _rng: &mut ChaCha8Rng, out: &mut Vec<Intent>) {
        hedger::hedge(v, |_| true, out);
        if v.month >= self.next
            && let Some(&m) = self
                .c
                .initiatives
                .iter()
                .find(|&&m| !v.delivered(MoveSet::single(m)) && v.available(m))
        {
            if !out.contains(&Intent::Make(m)) {
                out.push(Intent::Make(m));
            }
            self.next = v.month.saturating_add(self.c.interval);
        }
    }
}
