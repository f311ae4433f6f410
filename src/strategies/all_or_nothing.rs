//! All-or-nothing ("the Libya model"): the counterpart's full denuclearization package first,
//! then the whole relief and peace package at once; meanwhile only humanitarian steps, and
//! hostile acts answered with sanctions (Bolton 2018; Hanoi summit 2019).

use super::{Intent, KindDoc, Offer, View};
use crate::model::{Category, MoveSet};

pub const DOC: KindDoc = KindDoc {
    kind: "all_or_nothing",
    doc: "Demands the whole `package` first, then delivers the whole `relief` at once; meanwhile only humanitarian steps (a toggle); retaliates.",
    source: "Libya model (Bolton 2018); Hanoi 2019",
};

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The counterpart's moves demanded.
    pub package: MoveSet,
    /// This side's moves delivered once the package is complete.
    pub relief: MoveSet,
    /// Make humanitarian steps while waiting.
    pub humanitarian: bool,
}

#[derive(Debug, Clone)]
pub struct AllOrNothing {
    c: Config,
    offered: bool,
}

impl AllOrNothing {
    pub fn new(c: &Config) -> Self {
        Self { c: c.clone(), offered: false }
    }

    pub fn decide(&mut self, v: &View, out: &mut Vec<Intent>) {
        if !self.offered {
            self.offered = true;
            out.push(Intent::Offer(Offer {
                demand: self.c.package,
                give: self.c.relief,
                package: true,
                deadline: None,
            }));
        }
        if v.seen.hostile || v.seen.reneged {
            v.retaliate(out);
        }
        if v.delivered(self.c.package) {
            v.make_all(self.c.relief, out);
        } else if self.c.humanitarian
            && let Some(m) = v.cheapest_where(|_, m| m.category == Category::Humanitarian)
        {
            out.push(Intent::Make(m));
        }
    }
}
