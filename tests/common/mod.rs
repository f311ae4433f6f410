//! Shared test helpers: the default scenario text, edited copies, temporary folders, the binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub const KOREA: &str = include_str!("../../scenarios/korea-2019.toml");

/// The detente binary.
pub fn detente() -> Command {
    let mut c = Command::cargo_bin("detente").expect("binary builds");
    c.env_remove("RAYON_NUM_THREADS");
    c
}

/// The default scenario with `from` replaced by `to` (which must occur).
pub fn edited(from: &str, to: &str) -> String {
    assert!(KOREA.contains(from), "test edit target not found: {from}");
    KOREA.replacen(from, to, 1)
}

/// The first `n` runs of arm `arm` with master seed `seed`, each kept whole (months and events).
pub fn kept_runs(
    sc: &detente::model::Scenario,
    arm: &str,
    seed: u64,
    n: u64,
) -> Vec<detente::engine::Keep> {
    let arm = sc.experiment.arms.iter().find(|a| a.id == arm).unwrap();
    let mut ws = detente::engine::Workspace::new();
    (0..n)
        .map(|r| {
            let mut k = detente::engine::Keep::default();
            detente::engine::simulate(sc, arm, detente::rng::run_seed(seed, r), &mut ws, &mut k);
            k
        })
        .collect()
}

/// Write a scenario text into a folder and return its path.
pub fn write_scenario(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write scenario");
    p
}

/// Run a batch in a pool of `threads` and return (trajectories, summary, runs) CSV bytes.
pub fn batch_bytes(
    sc: &detente::model::Scenario,
    runs: std::ops::Range<u64>,
    seed: u64,
    threads: usize,
) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let mut w = detente::export::runs::RunsWriter::new(sc, Vec::new()).unwrap();
    let agg = pool
        .install(|| {
            detente::batch::run::<std::io::Error>(sc, seed, runs, &|_| {}, &mut |rows| {
                w.write(sc, rows)
            })
        })
        .unwrap();
    let runs_csv = w.finish().unwrap();
    (
        detente::export::trajectories::csv(sc, &agg),
        detente::export::summary::csv(sc, &agg),
        runs_csv,
    )
}
