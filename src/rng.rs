//! Seeded random streams: one ChaCha8 stream per (run, subsystem), derived from the master seed.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Subsystem stream ids. Each subsystem draws only from its own stream, so adding draws to one
/// (a new strategy, say) never shifts another's; shocks and types do not depend on the arm, which
/// is what makes the arms' differences paired (common random numbers).
pub mod subsystem {
    pub const TYPES: u64 = 1;
    pub const SHOCKS: u64 = 2;
    pub const PERCEPTION: u64 = 3;
    pub const DECISIONS: u64 = 4;
    /// A third party's elections, acceptances and walk-outs (drawn up front like shocks).
    pub const THIRD_PARTY: u64 = 8;
    /// The values a scenario gives as distributions, drawn once per run for every arm.
    pub const PARAMETERS: u64 = 9;
}

/// SplitMix64 finaliser: a bijective mixer of 64-bit values.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of run `run` of a batch with master seed `master` (the `seed` column of runs.csv).
pub fn run_seed(master: u64, run: u64) -> u64 {
    splitmix64(master ^ splitmix64(run))
}

/// One independent, reproducible stream of a run.
pub fn stream(run_seed: u64, subsystem: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(run_seed);
    rng.set_stream(subsystem);
    rng
}

/// A uniform in [0, 1) from the high 32 bits of a draw.
#[inline]
pub fn hi32(x: u64) -> f64 {
    (x >> 32) as f64 * (1.0 / 4_294_967_296.0)
}

/// A uniform in [0, 1) from bits 16..32 of a draw (resolution 2^-16).
#[inline]
pub fn mid16(x: u64) -> f64 {
    ((x >> 16) & 0xFFFF) as f64 * (1.0 / 65_536.0)
}

/// A uniform in [0, 1) from the low 16 bits of a draw (resolution 2^-16).
#[inline]
pub fn lo16(x: u64) -> f64 {
    (x & 0xFFFF) as f64 * (1.0 / 65_536.0)
}

/// The per-arm streams of one run (the shock and types streams are drawn once per run, see
/// `engine::ShockDraws`).
pub struct Streams {
    pub perception: ChaCha8Rng,
    pub decisions: ChaCha8Rng,
}

impl Streams {
    pub fn new(run_seed: u64) -> Self {
        Self {
            perception: stream(run_seed, subsystem::PERCEPTION),
            decisions: stream(run_seed, subsystem::DECISIONS),
        }
    }
}
