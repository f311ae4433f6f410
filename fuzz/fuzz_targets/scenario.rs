//! Fuzz target: scenario files. Any text that `parse_any` accepts must run (one run of every arm) and render its results without panicking.
#![no_main]

use detente::batch::{self, RunRows};
use detente::game::Turns;
use detente::scenario::{self, Any};
use libfuzzer_sys::fuzz_target;

/// Skip negotiation scenarios whose horizon times arms exceeds this (keeps executions fast).
const MAX_MONTH_ARMS: usize = 20_000;
/// Skip repeated games with longer matches or more arms than these.
const MAX_TURNS: u32 = 10_000;
const MAX_GAME_ARMS: usize = 50;

fuzz_target!(
    init: {
        // One worker thread: the machine fuzzes with a single job.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(1).build_global();
    },
    |data: &[u8]| {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        match scenario::parse_any(text.to_string(), "fuzz.toml") {
            Err(_) => {}
            Ok(Any::Negotiation(l)) => {
                let sc = &l.scenario;
                if sc.horizon as usize * sc.experiment.arms.len() > MAX_MONTH_ARMS {
                    return;
                }
                let Ok(agg) = batch::run(sc, 1, 0..1, &|_| {}, &mut |_rows: &[RunRows]| {
                    Ok::<(), ()>(())
                }) else {
                    return;
                };
                let _ = detente::export::trajectories::csv(sc, &agg);
                let _ = detente::export::summary::csv(sc, &agg);
                let _ = detente::export::terminal::table(sc, &agg, 1, false);
            }
            Ok(Any::Game { scenario: sc, .. }) => {
                let turns = match sc.game.turns {
                    Turns::Fixed(n) => n,
                    Turns::Continuation { max, .. } => max,
                };
                if turns > MAX_TURNS || sc.arms.len() > MAX_GAME_ARMS {
                    return;
                }
                let Ok(agg) = batch::game::run(&sc, 1, 0..1, &|_| {}, &mut |_rows| {
                    Ok::<(), ()>(())
                }) else {
                    return;
                };
                let _ = detente::export::game::summary_csv(&sc, &agg);
                let _ = detente::export::game::ranking_csv(&sc, &agg);
                let _ = detente::export::game::table(&sc, &agg, 1);
            }
        }
    }
);
