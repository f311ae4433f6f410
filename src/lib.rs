//! detente: an agent-based simulator of reciprocal-steps negotiation.
//!
//! The core (`model`, `strategies`, `engine`) is pure: a validated [`model::Scenario`] and a run
//! seed in, records out. `scenario` reads files, `batch` runs many seeded runs in parallel and
//! aggregates them as it goes, `export` turns aggregates into CSV, JSON and terminal text, and
//! `cli` is the command line.

pub mod batch;
pub mod cli;
pub mod engine;
pub mod export;
pub mod game;
pub mod model;
pub mod record;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod strategies;
pub mod sweep;
