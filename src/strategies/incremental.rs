//! Incremental, action-for-action: a roadmap of matched phases, each side's half delivered
//! simultaneously with a deadline (a step that needs the other's half of the phase is escrowed
//! until that half is in); the next phase opens once both halves are verified; on a
//! default, suspend (not retaliate) and re-offer (the Agreed Framework and Six-Party
//! "action for action" principle; Hecker, Carlin and Serbin 2018).

use rand_chacha::ChaCha8Rng;

use super::{Intent, KindDoc, Offer, View};
use crate::model::MoveSet;

pub const DOC: KindDoc = KindDoc {
    kind: "incremental",
    doc: "Action for action: offers the roadmap's phases in order, its own half delivered at once when it can, suspends `suspend` months on a default, then re-offers.",
    source: "Six-Party Talks 2005 (action for action); Hecker, Carlin and Serbin 2018",
    example: "roadmap = \"action_for_action\"",
};

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Index of the roadmap in the scenario.
    pub roadmap: usize,
    /// Months the other side has to deliver its half.
    pub deadline: u32,
    /// Months to suspend after a default before re-offering.
    pub suspend: u32,
    /// Only the first `max_phases` phases are offered (None: all).
    pub max_phases: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Incremental {
    c: Config,
    suspended_until: u32,
    /// The phase currently offered.
    offered: Option<usize>,
}

/// The scenario's keys (shared with freeze-for-freeze).
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Params {
    roadmap: String,
    #[serde(default = "two")]
    deadline: u32,
    #[serde(default = "three")]
    suspend: u32,
}

fn two() -> u32 {
    2
}
fn three() -> u32 {
    3
}

impl super::Kind for Incremental {
    type Config = Config;
    const DOC: KindDoc = DOC;

    fn parse(a: &super::Args) -> Result<Config, String> {
        let p: Params = a.params()?;
        Ok(Config {
            roadmap: a.index(super::Name::Roadmap, &p.roadmap)?,
            deadline: p.deadline,
            suspend: p.suspend,
            max_phases: None,
        })
    }

    fn new(c: &Config) -> Self {
        Self {
            c: c.clone(),
            suspended_until: 0,
            offered: None,
        }
    }

    fn decide(&mut self, v: &View, _rng: &mut ChaCha8Rng, out: &mut Vec<Intent>) {
        let phases = &v.rules.roadmaps[self.c.roadmap].phases;
        let n = self.c.max_phases.unwrap_or(phases.len()).min(phases.len());
        if v.side.seen.reneged {
            self.suspended_until = v.month.saturating_add(self.c.suspend);
            self.offered = None;
            out.push(Intent::Withdraw);
        }
        if v.month < self.suspended_until {
            return;
        }
        // The first phase not complete on both sides (a revoked step re-opens its phase).
        let Some(k) = (0..n).find(|&k| {
            let p = &phases[k];
            !(v.delivered(p.steps[v.me]) && v.delivered(p.steps[v.other()]))
        }) else {
            return;
        };
        let mine = phases[k].steps[v.me];
        let theirs = phases[k].steps[v.other()];
        if !v.delivered(mine) {
            // A phase is offered only when this side can deliver its whole half now (steps
            // that need the other's half of the phase count it as delivered: they are escrowed).
            if !v.can_deliver_given(mine, theirs) {
                return;
            }
            // Escrowed steps wait until the other's whole half is in.
            let escrowed: MoveSet = mine
                .iter()
                .filter(|&m| !v.moves()[m].requires.intersect(theirs).is_empty())
                .collect();
            let now = if v.delivered(theirs) {
                mine
            } else {
                mine.minus(escrowed)
            };
            let ready = now.iter().filter(|&m| v.available_with(m, mine)).collect();
            v.make_all(ready, out);
        }
        if self.offered != Some(k) && !theirs.is_empty() {
            self.offered = Some(k);
            out.push(Intent::Offer(Offer {
                demand: theirs,
                give: mine,
                package: false,
                deadline: Some(self.c.deadline),
            }));
        }
    }
}
