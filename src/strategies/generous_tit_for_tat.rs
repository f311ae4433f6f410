//! Generous tit-for-tat: tit-for-tat that forgives a hostile month with probability q
//! (Nowak and Sigmund 1992, Nature 355).

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::{Intent, KindDoc, View, tit_for_tat};
use crate::model::params::check;

pub const DOC: KindDoc = KindDoc {
    kind: "generous_tit_for_tat",
    doc: "Tit-for-tat that lets a hostile month pass with probability `forgiveness` (default 1/3).",
    source: "Nowak and Sigmund 1992",
    example: "forgiveness = 0.2",
};

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Probability of forgiving a hostile month.
    pub forgiveness: f64,
}

#[derive(Debug, Clone)]
pub struct GenerousTitForTat {
    forgiveness: f64,
    opened: bool,
}

/// The scenario's keys.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    #[serde(default = "third", deserialize_with = "check::prob")]
    forgiveness: f64,
}

fn third() -> f64 {
    1.0 / 3.0
}

impl super::Kind for GenerousTitForTat {
    type Config = Config;
    const DOC: KindDoc = DOC;

    fn parse(a: &super::Args) -> Result<Config, String> {
        let p: Params = a.params()?;
        Ok(Config {
            forgiveness: p.forgiveness,
        })
    }

    fn new(c: &Config) -> Self {
        Self {
            forgiveness: c.forgiveness,
            opened: false,
        }
    }

    fn decide(&mut self, v: &View, rng: &mut ChaCha8Rng, out: &mut Vec<Intent>) {
        if v.side.seen.hostile || v.side.seen.reneged {
            // The draw is made every hostile month so the stream stays aligned.
            let forgive = rng.random::<f64>() < self.forgiveness;
            if !forgive {
                v.retaliate(out);
                return;
            }
        }
        tit_for_tat::cooperate(&mut self.opened, v, out);
    }
}
