//! The greedy counterpart, an exploiter (type G): mimics the cheap steps of a sincere side,
//! withholds the costly ones, and (like every type-G actor) pockets relief (Kydd 2005).

use rand_chacha::ChaCha8Rng;

use super::{Intent, KindDoc, View, hedger};
use crate::model::params::check;

pub const DOC: KindDoc = KindDoc {
    kind: "greedy",
    doc: "Exploiter: behaves like the hedger for steps with stake up to `mimic_stake`, withholds costlier ones, and pockets relief.",
    source: "Kydd 2005 (type G)",
    example: "mimic_stake = 0.1",
};

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Largest stake x of a step it will mimic.
    pub mimic_stake: f64,
}

#[derive(Debug, Clone)]
pub struct Greedy {
    mimic_stake: f64,
}

/// The scenario's keys.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    #[serde(default = "mimic_stake", deserialize_with = "check::prob")]
    mimic_stake: f64,
}

fn mimic_stake() -> f64 {
    0.15
}

impl super::Kind for Greedy {
    type Config = Config;
    const DOC: KindDoc = DOC;

    fn parse(a: &super::Args) -> Result<Config, String> {
        let p: Params = a.params()?;
        Ok(Config {
            mimic_stake: p.mimic_stake,
        })
    }

    fn new(c: &Config) -> Self {
        Self {
            mimic_stake: c.mimic_stake,
        }
    }

    fn decide(&mut self, v: &View, _rng: &mut ChaCha8Rng, out: &mut Vec<Intent>) {
        let cap = self.mimic_stake;
        hedger::hedge(v, |m| m.stake <= cap, out);
    }
}
