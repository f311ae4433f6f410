//! Classic two-move repeated games (the iterated prisoner's dilemma and its kin), on the same
//! seeding and outputs as the negotiation model, so that the engine can be checked against exact
//! results and against the reference `axelrod` library. Pure: a spec, two players and a seed in,
//! a match record out.

pub mod automaton;
pub mod players;

pub use automaton::Automaton;
pub use players::{Player, PlayerState};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

#[cfg(test)]
mod tests {
    #[test]
    fn two_matches_in_lockstep_are_the_matches_one_at_a_time() {
        use super::{Automaton, Game, Payoffs, Player, Turns, play, play_two};
        let players: Vec<Automaton> = [
            Player::Grim,
            Player::Contrite,
            Player::MemoryOne {
                p: [1.0, 1.0 / 3.0, 1.0, 1.0 / 3.0],
                opening: 1.0,
            },
            Player::MemoryOne {
                p: [0.5; 4],
                opening: 0.5,
            },
            Player::MemoryOne {
                p: [1.0, 0.0, 0.0, 1.0],
                opening: 1.0,
            },
        ]
        .iter()
        .map(Automaton::compile)
        .collect();
        let game = Game {
            payoffs: Payoffs {
                r: 3.0,
                s: 0.0,
                t: 5.0,
                p: 1.0,
            },
            turns: Turns::Fixed(150),
            noise: 0.07,
        };
        for seed in 0..20u64 {
            for i in 0..players.len() {
                for j in 0..players.len() {
                    let x = [&players[i], &players[j]];
                    let y = [&players[j], &players[(i + j) % players.len()]];
                    let two = play_two(&game, x, y, seed);
                    assert_eq!(two, [play(&game, x, seed), play(&game, y, seed)]);
                }
            }
        }
    }

    #[test]
    fn ln_matches_the_library_on_the_unit_interval() {
        let mut worst = 0.0f64;
        let mut x = 1.0f64;
        // Geometric sweep down to 2^-53, plus values near 1.
        while x > 1e-16 {
            for y in [x, x * 0.999_999_7, 1.0 - x * 1e-3] {
                if y > 0.0 && y <= 1.0 {
                    let (a, b) = (super::ln(y), y.ln());
                    let err = if b == 0.0 {
                        a.abs()
                    } else {
                        ((a - b) / b).abs()
                    };
                    worst = worst.max(err);
                }
            }
            x *= 0.937;
        }
        assert!(worst < 1e-14, "{worst}");
        assert_eq!(super::ln(1.0), 0.0);
    }
}

use crate::engine::rng;

/// The payoffs to the row player: R (both cooperate), S (sucker), T (temptation), P (both defect).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Payoffs {
    pub r: f64,
    pub s: f64,
    pub t: f64,
    pub p: f64,
}

impl Payoffs {
    /// Payoff to a player who played `me` against `other` (true = cooperate).
    #[inline]
    pub fn get(&self, me: bool, other: bool) -> f64 {
        match (me, other) {
            (true, true) => self.r,
            (true, false) => self.s,
            (false, true) => self.t,
            (false, false) => self.p,
        }
    }

    /// The generosity of generous tit-for-tat by default: min(1 - (T-R)/(R-S), (R-P)/(T-P))
    /// (Nowak and Sigmund 1992); 1/3 for 5, 3, 1, 0.
    pub fn default_generosity(&self) -> f64 {
        (1.0 - (self.t - self.r) / (self.r - self.s))
            .min((self.r - self.p) / (self.t - self.p))
            .clamp(0.0, 1.0)
    }
}

/// How long a match lasts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Turns {
    /// Exactly this many turns.
    Fixed(u32),
    /// After each turn the match continues with this probability (at most `max` turns).
    Continuation { probability: f64, max: u32 },
}

/// A repeated game.
#[derive(Debug, Clone, PartialEq)]
pub struct Game {
    pub payoffs: Payoffs,
    pub turns: Turns,
    /// Each intended action is flipped with this probability (execution noise).
    pub noise: f64,
}

/// The result of one match.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchRecord {
    pub turns: u32,
    /// Mean payoff per turn of each player.
    pub payoff: [f64; 2],
    /// Share of turns each player cooperated.
    pub coop: [f64; 2],
}

/// Stream ids of a match (see `engine::rng`).
const NOISE: u64 = 5;
const MOVES: u64 = 6;
const LENGTH: u64 = 7;

/// A probability as a threshold on a uniform 32-bit draw: `draw < threshold` has probability
/// `p` (to 2^-32); 0 never and 2^32 always.
#[inline]
pub fn threshold(p: f64) -> u64 {
    (p.clamp(0.0, 1.0) * 4_294_967_296.0) as u64
}

/// Uniform 32-bit draws from a stream, filled in blocks and consumed only when needed
/// (`take(false)` returns a value without consuming it), so the hot loop has no branch on
/// whether a player draws.
struct Draws {
    rng: ChaCha8Rng,
    buf: [u32; 64],
    at: usize,
}

impl Draws {
    /// A source that is never drawn from (matches without stochastic players).
    fn none() -> Self {
        Draws {
            rng: rand::SeedableRng::from_seed([0; 32]),
            buf: [0; 64],
            at: 0,
        }
    }
    fn new(rng: ChaCha8Rng) -> Self {
        let mut d = Draws {
            rng,
            buf: [0; 64],
            at: 64,
        };
        d.refill();
        d
    }
    #[inline]
    fn refill(&mut self) {
        let mut bytes = [0u8; 256];
        rand::Rng::fill_bytes(&mut self.rng, &mut bytes);
        for (w, c) in self.buf.iter_mut().zip(bytes.chunks_exact(4)) {
            *w = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        }
        self.at = 0;
    }
    /// The next draw, consumed if `need`.
    #[inline]
    fn take(&mut self, need: bool) -> u32 {
        if self.at >= 63 {
            self.refill();
        }
        let x = self.buf[self.at & 63];
        self.at += need as usize;
        x
    }
}

/// Turns until the next noise flip: geometric with success probability `p`, drawn by inversion,
/// `floor(ln U / ln(1 - p))` with U uniform in (0, 1]: exactly the gaps between flips of a
/// Bernoulli(p) per turn, at one draw per flip instead of one per turn.
struct Gaps {
    rng: Option<ChaCha8Rng>,
    /// 1 / ln(1 - p) (negative), or 0 when every turn flips.
    inv: f64,
}

impl Gaps {
    fn new(p: f64, seed: u64, stream: u64) -> Self {
        Gaps {
            rng: (p > 0.0).then(|| rng::stream(seed, stream)),
            inv: if p >= 1.0 { 0.0 } else { 1.0 / (1.0 - p).ln() },
        }
    }
    /// The number of turns before the next flip (u64::MAX: never).
    #[inline]
    fn next(&mut self) -> u64 {
        match &mut self.rng {
            None => u64::MAX,
            Some(r) => {
                let u = ((rand::Rng::next_u64(r) >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64);
                let g = ln(u) * self.inv;
                if g < 1.8e19 { g as u64 } else { u64::MAX }
            }
        }
    }
}

/// The natural logarithm of a positive normal `x`, without libm: x = m 2^e with m in
/// [sqrt(1/2), sqrt(2)), ln x = e ln 2 + 2 atanh((m - 1)/(m + 1)), the series to the 17th power
/// (|s| <= 0.172, so the first term left out is below 2e-16 of the result). Cheaper than the
/// library call in the noise loop, and the same on every platform.
#[inline]
pub fn ln(x: f64) -> f64 {
    const LN2: f64 = std::f64::consts::LN_2;
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let z = s * s;
    let p = 1.0 / 17.0;
    let p = p * z + 1.0 / 15.0;
    let p = p * z + 1.0 / 13.0;
    let p = p * z + 1.0 / 11.0;
    let p = p * z + 1.0 / 9.0;
    let p = p * z + 1.0 / 7.0;
    let p = p * z + 1.0 / 5.0;
    let p = p * z + 1.0 / 3.0;
    let p = p * z + 1.0;
    e as f64 * LN2 + 2.0 * s * p
}

/// One match in play: each player's automaton state and cooperation threshold, the turns to
/// each player's next noise flip, the outcome counts, and the match's own streams.
struct Lane<'a> {
    tables: [&'a [u64; automaton::TABLE]; 2],
    state: [usize; 2],
    threshold: [u64; 2],
    flips: [u64; 2],
    /// CC, CD and DC from player 0's side (DD is the rest).
    counts: [u32; 3],
    gaps: Gaps,
    moves: Draws,
    /// Some state draws from `moves` (a stochastic player).
    random: bool,
}

impl<'a> Lane<'a> {
    fn new(game: &Game, [a, b]: [&'a Automaton; 2], run_seed: u64) -> Self {
        let random = a.random || b.random;
        let mut gaps = Gaps::new(game.noise, run_seed, NOISE);
        let flips = [gaps.next(), gaps.next()];
        Lane {
            tables: [&a.table, &b.table],
            state: [0, 0],
            threshold: [a.threshold[0], b.threshold[0]],
            flips,
            counts: [0; 3],
            gaps,
            moves: if random {
                Draws::new(rng::stream(run_seed, MOVES))
            } else {
                Draws::none()
            },
            random,
        }
    }

    /// One turn: choices (player 0 draws first), noise, counts, successors.
    #[inline(always)]
    fn turn(&mut self) {
        let [ta, tb] = self.threshold;
        let (ia, ib) = if self.random {
            let drawing = |t: u64| t.wrapping_sub(1) < automaton::ALWAYS - 1;
            let ra = self.moves.take(drawing(ta)) as u64;
            let rb = self.moves.take(drawing(tb)) as u64;
            (ra < ta, rb < tb)
        } else {
            (ta != 0, tb != 0)
        };
        let [fa, fb] = self.flips;
        let ma = ia ^ (fa == 0);
        let mb = ib ^ (fb == 0);
        self.flips[0] = if fa == 0 { self.gaps.next() } else { fa - 1 };
        self.flips[1] = if fb == 0 { self.gaps.next() } else { fb - 1 };
        self.counts[0] += (ma & mb) as u32;
        self.counts[1] += (ma & !mb) as u32;
        self.counts[2] += (!ma & mb) as u32;
        let [sa, sb] = self.state;
        let m = automaton::TABLE - 1;
        let ea = self.tables[0][(sa * 8 + automaton::step(ia, ma, mb)) & m];
        let eb = self.tables[1][(sb * 8 + automaton::step(ib, mb, ma)) & m];
        self.state = [(ea & 0xff) as usize, (eb & 0xff) as usize];
        self.threshold = [ea >> 8, eb >> 8];
    }
}

/// Play one match between two compiled players from a run seed.
///
/// Each turn, a stochastic state draws a 32-bit uniform from the moves stream (player 0 first).
/// Noise flips each player's move independently with probability `noise`; the turns of the
/// flips are drawn as geometric gaps on the noise stream (player 0's and player 1's
/// alternately as they are used). Outcomes are counted and turned into payoffs at the end.
pub fn play(game: &Game, players: [&Automaton; 2], run_seed: u64) -> MatchRecord {
    let mut lane = Lane::new(game, players, run_seed);
    let t = match game.turns {
        Turns::Fixed(n) => {
            for _ in 0..n {
                lane.turn();
            }
            n
        }
        Turns::Continuation { probability, max } => {
            let mut length = rng::stream(run_seed, LENGTH);
            let mut t = 0;
            loop {
                lane.turn();
                t += 1;
                if !(t < max && length.random::<f64>() < probability) {
                    break t;
                }
            }
        }
    };
    record(game, t, lane.counts)
}

/// The result of a match from its turns and its counts of CC, CD and DC (player 0's side).
fn record(game: &Game, t: u32, [cc, cd, dc]: [u32; 3]) -> MatchRecord {
    let dd = t - cc - cd - dc;
    let n = t as f64;
    let [cc, cd, dc, dd] = [cc, cd, dc, dd].map(f64::from);
    let g = &game.payoffs;
    MatchRecord {
        turns: t,
        payoff: [
            (g.r * cc + g.s * cd + g.t * dc + g.p * dd) / n,
            (g.r * cc + g.t * cd + g.s * dc + g.p * dd) / n,
        ],
        coop: [(cc + cd) / n, (cc + dc) / n],
    }
}

/// Two matches of fixed length (the same run seed, two pairings) played in lockstep, each
/// exactly as [`play`] plays it: the same streams, draws and results. The two chains of table
/// loads are independent, so the processor overlaps them.
pub fn play_two(
    game: &Game,
    x: [&Automaton; 2],
    y: [&Automaton; 2],
    run_seed: u64,
) -> [MatchRecord; 2] {
    let Turns::Fixed(n) = game.turns else {
        return [play(game, x, run_seed), play(game, y, run_seed)];
    };
    let (mut lx, mut ly) = (Lane::new(game, x, run_seed), Lane::new(game, y, run_seed));
    for _ in 0..n {
        lx.turn();
        ly.turn();
    }
    [record(game, n, lx.counts), record(game, n, ly.counts)]
}
