//! `detente replay`: re-run one run from its seed and tell it month by month.

use super::{Error, args, negotiation, print};
use crate::engine::{self, Keep, Outcome, RunRecord, Workspace};
use crate::export;
use crate::model::{Arm, Scenario};
use crate::rng;

/// Runs searched by `replay --pick`.
const PICK_SEARCH: u64 = 10_000;

/// `detente replay`.
pub fn run(a: args::ReplayArgs) -> Result<(), Error> {
    let loaded = negotiation(
        a.scenario.as_deref(),
        "replay tells runs of negotiation scenarios, not repeated games",
    )?;
    let sc = &loaded.scenario;
    let arm = arm(sc, &a.arm)?;
    let master = a.seed.unwrap_or(sc.experiment.seed);
    let (run, seed, keep, rec) = pick(sc, arm, master, a.run, a.pick)?;
    let bytes = match a.format {
        args::ReplayFormat::Text => {
            export::narrative::text(sc, arm, run, seed, &keep, &rec).into_bytes()
        }
        args::ReplayFormat::Csv => export::narrative::csv(sc, arm, &keep),
    };
    print(&bytes)
}

/// The arm with this id, or an error that lists the arms.
pub(super) fn arm<'a>(sc: &'a Scenario, id: &str) -> Result<&'a Arm, Error> {
    sc.arm_ix(id)
        .map(|ix| &sc.experiment.arms[ix])
        .ok_or_else(|| {
            let ids: Vec<&str> = sc.experiment.arms.iter().map(|x| x.id.as_str()).collect();
            Error::input(format!(
                "unknown arm '{id}'; expected one of: {}",
                ids.join(", ")
            ))
        })
}

/// A run of `arm` picked by its index (default 0) or by a kind of ending, replayed with its
/// events: (run index, run seed, the kept months and events, the run's record).
pub(super) fn pick(
    sc: &Scenario,
    arm: &Arm,
    master: u64,
    run: Option<u64>,
    kind: Option<args::Pick>,
) -> Result<(u64, u64, Keep, RunRecord), Error> {
    let mut ws = Workspace::new();
    let mut play = |run: u64| {
        let mut k = Keep::default();
        let seed = rng::run_seed(master, run);
        let rec = engine::simulate(sc, arm, seed, &mut ws, &mut k);
        (run, seed, k, rec)
    };
    Ok(match kind {
        Some(args::Pick::Median) => {
            let mut finals: Vec<(f64, u64)> =
                (0..501).map(|r| (play(r).3.final_trust[0], r)).collect();
            finals.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
            play(finals[finals.len() / 2].1)
        }
        Some(kind) => {
            let want = match kind {
                args::Pick::Agreement => Outcome::Agreement,
                args::Pick::War => Outcome::War,
                _ => Outcome::Breakdown,
            };
            let found = (0..PICK_SEARCH)
                .find(|&r| play(r).3.outcome == want)
                .ok_or_else(|| {
                    Error::input(format!(
                        "no run of arm '{}' ends in {} among the first {PICK_SEARCH}",
                        arm.id,
                        want.name()
                    ))
                })?;
            play(found)
        }
        None => play(run.unwrap_or(0)),
    })
}
