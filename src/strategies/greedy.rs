//! The greedy counterpart, an exploiter (type G): mimics the cheap steps of a sincere side,
//! withholds the costly ones, and (like every type-G actor) pockets relief (Kydd 2005).

use super::{Intent, KindDoc, View, hedger};

pub const DOC: KindDoc = KindDoc {
    kind: "greedy",
    doc: "Exploiter: behaves like the hedger for steps with stake up to `mimic_stake`, withholds costlier ones, and pockets relief.",
    source: "Kydd 2005 (type G)",
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

impl Greedy {
    pub fn new(c: &Config) -> Self {
        Self {
            mimic_stake: c.mimic_stake,
        }
    }

    pub fn decide(&mut self, v: &View, out: &mut Vec<Intent>) {
        let cap = self.mimic_stake;
        hedger::hedge(v, |m| m.stake <= cap, out);
    }
}
