//! Hardline, "maximum pressure": no concessions, revoke those in force, answer every
//! hostile act, and add pressure at a steady rate (the status-quo baseline; docs/model.md 8).

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::{Intent, KindDoc, View};
use crate::model::params::check;

pub const DOC: KindDoc = KindDoc {
    kind: "hardline",
    doc: "Maximum pressure: makes no steps, revokes its standing steps, retaliates, and applies pressure moves at `pressure_rate` a month.",
    source: "US maximum pressure, 2017 (data/dprk_events.csv)",
    example: "pressure_rate = 0.1",
};

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Monthly probability of a pressure move (the actor's `pressure` moves).
    pub pressure_rate: f64,
}

#[derive(Debug, Clone)]
pub struct Hardline {
    pressure_rate: f64,
}

/// With probability `rate`, one of the actor's pressure moves, chosen uniformly.
pub fn pressure(v: &View, rng: &mut ChaCha8Rng, rate: f64, out: &mut Vec<Intent>) {
    let n = v.actor().pressure.len();
    if n > 0 && rate > 0.0 {
        let x = rng.random::<u64>();
        if crate::rng::hi32(x) < rate {
            let i = ((crate::rng::lo16(x) * n as f64) as usize).min(n - 1);
            out.push(Intent::Hostile(v.actor().pressure[i]));
        }
    }
}

/// The scenario's keys.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    #[serde(default = "pressure_rate", deserialize_with = "check::prob")]
    pressure_rate: f64,
}

fn pressure_rate() -> f64 {
    0.2
}

impl super::Kind for Hardline {
    type Config = Config;
    const DOC: KindDoc = DOC;

    fn parse(a: &super::Args) -> Result<Config, String> {
        let p: Params = a.params()?;
        Ok(Config {
            pressure_rate: p.pressure_rate,
        })
    }

    fn new(c: &Config) -> Self {
        Self {
            pressure_rate: c.pressure_rate,
        }
    }

    fn decide(&mut self, v: &View, rng: &mut ChaCha8Rng, out: &mut Vec<Intent>) {
        if v.provoked() {
            v.retaliate(out);
        }
        v.revoke_latest(|_| true, out);
        pressure(v, rng, self.pressure_rate, out);
    }
}
