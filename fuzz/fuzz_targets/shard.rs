//! Fuzz target: `detente merge`'s shard reader. Arbitrary `aggregate.bin` bytes are decoded
//! (`export::partial::decode` / `decode_game`) against a fixed scenario and whatever decodes is
//! merged and rendered as `merge` does; or a whole shard (manifest text and aggregate) goes
//! through `cli::merge::check_shard`. Errors are fine; panics and huge allocations are bugs.
#![no_main]

use std::sync::LazyLock;

use detente::batch::game::GameAggregate;
use detente::batch::{Aggregate, Merge};
use detente::export::{self, partial};
use detente::model::Scenario;
use detente::scenario::game::GameScenario;
use detente::scenario::{self, Any};
use libfuzzer_sys::fuzz_target;

/// The embedded default scenario (its aggregate.bin is about 2 MB).
static DEFAULT: LazyLock<Scenario> = LazyLock::new(|| scenario::default_scenario().scenario);
/// The default scenario cut to 2 months and 2 arms (an aggregate.bin of about 35 kB, small
/// enough for libFuzzer to mutate as a whole).
static SMALL: LazyLock<Scenario> = LazyLock::new(|| {
    let text = include_str!("../scenarios/small-negotiation.toml");
    scenario::parse(text, "fuzz/scenarios/small-negotiation.toml")
        .unwrap_or_else(|e| panic!("small-negotiation.toml: {e}"))
});
/// The prisoners-dilemma repeated game.
static GAME: LazyLock<GameScenario> = LazyLock::new(|| {
    let text = include_str!("../../scenarios/prisoners-dilemma.toml");
    match scenario::parse_any(text.to_string(), "scenarios/prisoners-dilemma.toml") {
        Ok(Any::Game { scenario, .. }) => *scenario,
        Ok(Any::Negotiation(_)) => panic!("prisoners-dilemma.toml is not a game"),
        Err(e) => panic!("prisoners-dilemma.toml: {e}"),
    }
});

/// Decode a negotiation aggregate, then merge and render it as `detente merge` does.
fn negotiation(sc: &Scenario, bytes: &[u8]) {
    if let Ok(x) = partial::decode(sc, bytes) {
        let mut agg = Aggregate::new(sc);
        Merge::merge(&mut agg, &x);
        let _ = export::trajectories::csv(sc, &agg);
        let _ = export::summary::csv(sc, &agg);
        let _ = export::terminal::table(sc, &agg, 1, false);
    }
}

/// Decode a repeated-game aggregate, then merge and render it as `detente merge` does.
fn game(sc: &GameScenario, bytes: &[u8]) {
    if let Ok(x) = partial::decode_game(sc, bytes) {
        let mut agg = GameAggregate::new(sc);
        Merge::merge(&mut agg, &x);
        let _ = export::game::summary_csv(sc, &agg);
        let _ = export::game::ranking_csv(sc, &agg);
        let _ = export::game::table(sc, &agg, 1);
    }
}

fuzz_target!(
    init: {
        LazyLock::force(&DEFAULT);
        LazyLock::force(&SMALL);
        LazyLock::force(&GAME);
    },
    |data: &[u8]| {
        // First byte, mod 4, picks what is read: 0 the default scenario, 1 the prisoners-dilemma
        // game, 2 the small negotiation scenario, each with the rest as aggregate.bin bytes;
        // 3 a whole shard as merge reads it, manifest.json's text and aggregate.bin's bytes
        // separated by the first NUL byte (`cli::merge::check_shard`).
        let Some((&selector, bytes)) = data.split_first() else {
            return;
        };
        match selector % 4 {
            0 => negotiation(&DEFAULT, bytes),
            1 => game(&GAME, bytes),
            2 => negotiation(&SMALL, bytes),
            _ => {
                let Some(nul) = bytes.iter().position(|&b| b == 0) else {
                    return;
                };
                if let Ok(manifest) = std::str::from_utf8(&bytes[..nul]) {
                    let _ = detente::cli::merge::check_shard(manifest, &bytes[nul + 1..]);
                }
            }
        }
    }
);
