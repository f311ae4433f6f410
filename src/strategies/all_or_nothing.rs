//! All-or-nothing ("the Libya model"): the counterpart's full denuclearization package first,
//! then the whole relief and peace package at once; meanwhile only humanitarian steps, and
//! hostile acts answered with sanctions (Bolton 2018; Hanoi summit 2019).

use rand_chacha::ChaCha8Rng;

use super::{Intent, KindDoc, Offer, View};
use crate::model::MoveSet;

pub const DOC: KindDoc = KindDoc {
    kind: "all_or_nothing",
    doc: "Demands the whole `package` first, then delivers the whole `relief` at once; meanwhile only its `interim` humanitarian steps (empty: none); retaliates.",
    source: "Libya model (Bolton 2018); Hanoi 2019",
    example: "package = [\"freeze_yongbyon\"]\nrelief = [\"partial_sanctions_relief\"]\ninterim = [\"humanitarian_exemptions\"]",
};

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The counterpart's moves demanded.
    pub package: MoveSet,
    /// This side's moves delivered once the package is complete.
    pub relief: MoveSet,
    /// Steps made while waiting (the humanitarian toggle: empty for none).
    pub interim: MoveSet,
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
        })
    }

    fn new(c: &Config) -> Self {
        Self {
            c: c.clone(),
            offered: false,
        }
    }

    fn decide(&mut self, v: &View, _rng: &mut ChaCha8Rng, out: &mut Vec<Intent>) {
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
        } else if let Some(m) = v.cheapest_where(|i, _| self.c.interim.contains(i)) {
            out.push(Intent::Make(m));
        }
    }
}
