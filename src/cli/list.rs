//! `detente list`: what the model knows (strategy kinds, moves, metrics, parameters), with
//! one-line docs.

use std::path::Path;

use super::args::ListWhat;
use super::{Error, negotiation, print};
use crate::batch;
use crate::export;
use crate::model::params::PARAM_DOCS;
use crate::strategies::KINDS;

/// `detente list`.
pub fn run(what: ListWhat, scenario_path: Option<&Path>) -> Result<(), Error> {
    let loaded = negotiation(
        scenario_path,
        "a repeated-game scenario has no moves, metrics or params of the negotiation model; `detente list strategies` lists its player kinds",
    )?;
    let sc = &loaded.scenario;
    let mut s = String::new();
    use std::fmt::Write as _;
    match what {
        ListWhat::Strategies => {
            for k in KINDS {
                let _ = writeln!(s, "{:24} {} ({})", k.kind, k.doc, k.source);
            }
            let _ = writeln!(s, "\nrepeated games ([game] scenarios):");
            for k in crate::game::players::PLAYER_KINDS {
                let _ = writeln!(s, "{:24} {}", k.kind, k.doc);
            }
        }
        ListWhat::Moves => {
            for m in &sc.moves {
                let who = &sc.actors[m.actor].id;
                let detail = match &m.hostile {
                    Some(h) => format!("hostile: severity {}, LR {}", h.severity, h.lr),
                    None => format!(
                        "c {} v {} nu {} r {}; stake {:.2}",
                        m.cost, m.value, m.verifiability, m.irreversibility, m.stake
                    ),
                };
                let _ = writeln!(
                    s,
                    "{:26} {:5} {:17} {} ({detail})",
                    m.id, who, sc.categories[m.category], m.label
                );
            }
        }
        ListWhat::Metrics => {
            for (name, doc) in export::trajectories::metric_docs(sc) {
                let _ = writeln!(s, "{name:28} trajectories.csv  {doc}");
            }
            for (name, m) in batch::aggregate::run_metric_names(sc)
                .into_iter()
                .zip(batch::aggregate::RUN_METRICS)
            {
                let doc = crate::model::metrics::fill(m.doc, &sc.actors, &sc.stock, &sc.tally.name);
                let _ = writeln!(s, "{name:28} summary.csv       {doc}");
            }
        }
        ListWhat::Params => {
            for p in PARAM_DOCS {
                let _ = writeln!(s, "{:26} {:>8} [{}]  {}", p.name, p.default, p.range, p.doc);
            }
        }
    }
    print(&s)
}
