//! GRIT, Graduated and Reciprocated Initiatives in Tension-reduction (Osgood 1962, An
//! Alternative to War or Surrender): announced unilateral steps from the reversible end,
//! continued for a while without reciprocation, growing when reciprocated, one proportional
//! response to a hostile act, and never past the trust gate.

use rand_chacha::ChaCha8Rng;

use super::{Intent, KindDoc, View};
use crate::model::params::check;

pub const DOC: KindDoc = KindDoc {
    kind: "grit",
    doc: "Unilateral steps from the reversible end, kept up `persistence` times unreciprocated, growing by `growth` when reciprocated; one proportional response to hostility.",
    source: "Osgood 1962",
    example: "persistence = 2",
};

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Initiatives made without reciprocation before waiting for one.
    pub persistence: u32,
    /// Factor by which the step size grows when reciprocated.
    pub growth: f64,
    /// Initial step size: the largest cost of an initiative.
    pub initial_step: f64,
    /// Months between initiatives.
    pub interval: u32,
}

#[derive(Debug, Clone)]
pub struct Grit {
    c: Config,
    step: f64,
    unanswered: u32,
    next: u32,
}

/// The scenario's keys.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    #[serde(default = "three")]
    persistence: u32,
    #[serde(default = "growth", deserialize_with = "check::positive")]
    growth: f64,
    #[serde(default = "one", deserialize_with = "check::positive")]
    initial_step: f64,
    #[serde(default = "one_u32")]
    interval: u32,
}

fn three() -> u32 {
    3
}
fn growth() -> f64 {
    1.5
}
fn one() -> f64 {
    1.0
}
fn one_u32() -> u32 {
    1
}

impl super::Kind for Grit {
    type Config = Config;
    const DOC: KindDoc = DOC;

    fn parse(a: &super::Args) -> Result<Config, String> {
        let p: Params = a.params()?;
        Ok(Config {
            persistence: p.persistence,
            growth: p.growth,
            initial_step: p.initial_step,
            interval: p.interval.max(1),
        })
    }

    fn new(c: &Config) -> Self {
        Self {
            c: c.clone(),
            step: c.initial_step,
            unanswered: 0,
            next: 0,
        }
    }

    fn decide(&mut self, v: &View, _rng: &mut ChaCha8Rng, out: &mut Vec<Intent>) {
        if v.provoked() {
            // One proportional response, then resume at the next interval.
            v.retaliate(out);
            self.next = v.month.saturating_add(self.c.interval);
            return;
        }
        if !v.side.seen.conciliatory.is_empty() {
            self.step *= self.c.growth;
            self.unanswered = 0;
        }
        if v.month < self.next || self.unanswered >= self.c.persistence {
            return;
        }
        let step = self.step;
        let pick = v
            .cheapest_where(|_, m| m.cost <= step)
            .or_else(|| v.cheapest_where(|_, m| m.cost <= step.max(self.c.initial_step)));
        if let Some(m) = pick {
            out.push(Intent::Make(m));
            self.unanswered += 1;
            self.next = v.month.saturating_add(self.c.interval);
        }
    }
}
