//! All-or-nothing ("the Libya model"): the counterpart's full denuclearization package first,
//! then the whole relief and peace package at once; meanwhile only humanitarian steps, pressure
//! at a steady rate until the package is delivered, and hostile acts answered with sanctions
//! (Bolton 2018; Hanoi summit 2019; coercive diplomacy, George 1991).

use rand_chacha::ChaCha8Rng;


use super::{Intent, KindDoc, Offer, View};
use crate::model::MoveSet;

pub const DOC: KindDoc = KindDoc {
    kind: "all_or_nothing",
    doc: "Demands the whole `package` first, then delivers the whole `relief` at once; meanwhile only its `interim` humanitarian steps (empty: none) and pressure moves at `pressure_rate` a month; retaliates.",
    source: "Libya model (Bolton 2018); Hanoi 2019",
    example: "package = [\"freeze_yongbyon\"]\nrelief = [\"partial_sanctions_relief\"]\ninterim = [\"humanitarian_exemptions\"]\npressure_rate = 0.2",
};

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The counterpart's moves demanded.
    pub package: MoveSet,
    /// This side's moves delivered once the package is complete.
    pub relief: MoveSet,
    /// Steps made while waiting (the humanitarian toggle: empty for none).
    pub interim: MoveSet,
    /// Monthly probability of a pressure move while the package is outstanding.
    pub pressure_rate: f64,
}

#[derive(Debug, Clone)]
pub struct AllOrNothing {
    c: Config,
    offered: bool,
}

/// The scenario's keys.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    package: Vec<String>,
    relief: Vec<String>,
    #[serde(default)]
    interim: Vec<String>,
    #[serde(default, deserialize_with = "crate::model::params::check::prob")]
    pressure_rate: f64,
}

impl super::Kind for AllOrNothing {
    type Config = Config;
    const DOC: KindDoc = DOC;

    fn parse(a: &super::Args) -> Result<Config, String> {
        let p: Params = a.params()?;
        Ok(Config {
            package: a.moves(&p.package)?,
            relief: a.moves(&p.relief)?,
            interim: a.moves(&p.interim)?,
            pressure_rate: p.pressure_rate,
        })
    }

    fn new(c: &Config) -> Self {
        Self {
            c: c.clone(),
            offered: false,
        }
    }

    fn decide(&mut self, v: &View, rng: &mut ChaCha8Rng, out: &mut Vec<Intent>) {
        if !self.offered {
            self.offered = true;
            out.push(Intent::Offer(Offer {
                demand: self.c.package,
                give: self.c.relief,
                package: true,
                deadline: None,
            }));
        }
        if v.provoked() {
            v.retaliate(out);
        }
        if v.delivered(self.c.package) {
            v.make_all(self.c.relief, out);
        } else {
            if let Some(m) = v.cheapest_in(self.c.interim, |_, _| true) {
                out.push(Intent::Make(m));
            }
            super::hardline::pressure(v, rng, self.c.pressure_rate, out);
        }
    }
}
