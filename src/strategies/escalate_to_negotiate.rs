//! Escalate-to-negotiate: provoke until the other side comes to the table, then hedge; go
//! back to provocation if no offer or step comes for `patience` months (Cha and Kang 2003;
//! the 2017 "fire and fury" to 2018 summit sequence).

use rand_chacha::ChaCha8Rng;

use super::{Intent, KindDoc, View, hardline, hedger};
use crate::model::params::check;

pub const DOC: KindDoc = KindDoc {
    kind: "escalate_to_negotiate",
    doc: "Makes pressure moves at `escalation_rate` while tension is below `tension_target` and nobody offers; hedges once offered.",
    source: "Cha and Kang 2003; the 2017-18 sequence",
    example: "escalation_rate = 0.2",
};

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub escalation_rate: f64,
    pub tension_target: f64,
}

#[derive(Debug, Clone)]
pub struct EscalateToNegotiate {
    c: Config,
    last_engaged: Option<u32>,
}

/// The scenario's keys.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    #[serde(default = "escalation_rate", deserialize_with = "check::prob")]
    escalation_rate: f64,
    #[serde(default = "tension_target", deserialize_with = "check::prob")]
    tension_target: f64,
}

fn escalation_rate() -> f64 {
    0.3
}
fn tension_target() -> f64 {
    0.7
}

impl super::Kind for EscalateToNegotiate {
    type Config = Config;
    const DOC: KindDoc = DOC;

    fn parse(a: &super::Args) -> Result<Config, String> {
        let p: Params = a.params()?;
        Ok(Config {
            escalation_rate: p.escalation_rate,
            tension_target: p.tension_target,
        })
    }

    fn new(c: &Config) -> Self {
        Self {
            c: c.clone(),
            last_engaged: None,
        }
    }

    fn decide(&mut self, v: &View, rng: &mut ChaCha8Rng, out: &mut Vec<Intent>) {
        if v.their_offer.is_some() || !v.side.seen.conciliatory.is_empty() {
            self.last_engaged = Some(v.month);
        }
        let engaged = self
            .last_engaged
            .is_some_and(|t| v.month.saturating_sub(t) < v.actor().patience.max(1));
        if engaged {
            hedger::hedge(v, |_| true, out);
        } else {
            if v.provoked() {
                v.retaliate(out);
            }
            if v.board.tension < self.c.tension_target {
                hardline::pressure(v, rng, self.c.escalation_rate, out);
            }
        }
    }
}
