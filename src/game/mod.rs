//! Classic two-move repeated games (the iterated prisoner's dilemma and its kin), on the same
//! seeding and outputs as the negotiation model, so that the engine can be checked against exact
//! results and against the reference `axelrod` library. Pure: a spec, two players and a seed in,
//! a match record out.

pub mod automaton;
pub mod pairing;
pub mod players;

pub use automaton::Automaton;
pub use pairing::Pairing;
pub use players::{Player, PlayerState};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

#[cfg(test)]
mod tests {
    use super::{Automaton, Game, MatchRecord, Pairing, Payoffs, Player, RunDraws, Turns};

    /// The reference: one match played turn by turn on its own streams, as documented (the
    /// length checked after each turn, a Bernoulli flip per turn drawn as geometric gaps, player
    /// 0's draw first), from the automata's plain tables.
    fn reference(game: &Game, [a, b]: [&Automaton; 2], seed: u64) -> MatchRecord {
        use crate::rng::stream;
        use rand::{Rng, RngExt};
        let mut length = stream(seed, super::LENGTH);
        let mut gaps = super::Gaps::new(game.noise, seed, super::NOISE);
        let mut moves = stream(seed, super::MOVES);
        let (mut block, mut at) = ([0u32; 64], 63);
        let mut draw = |need: bool| {
            if at >= 63 {
                let mut bytes = [0u8; 256];
                moves.fill_bytes(&mut bytes);
                for (w, c) in block.iter_mut().zip(bytes.chunks_exact(4)) {
                    *w = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                }
                at = 0;
            }
            let x = block[at];
            at += need as usize;
            x as u64
        };
        let (mut fa, mut fb) = (gaps.next(), gaps.next());
        let (mut x, mut y, mut t) = (0usize, 0usize, 0u32);
        let mut counts = [0u32; 4];
        loop {
            let (ta, tb) = (a.threshold[x], b.threshold[y]);
            let ia = draw(super::automaton::draws(ta)) < ta;
            let ib = draw(super::automaton::draws(tb)) < tb;
            let ma = ia ^ (fa == 0);
            let mb = ib ^ (fb == 0);
            fa = if fa == 0 { gaps.next() } else { fa - 1 };
            fb = if fb == 0 { gaps.next() } else { fb - 1 };
            counts[(ma as usize) << 1 | mb as usize] += 1;
            x = a.next[x][super::automaton::step(ia, ma, mb)] as usize;
            y = b.next[y][super::automaton::step(ib, mb, ma)] as usize;
            t += 1;
            let more = match game.turns {
                Turns::Fixed(n) => t < n,
                Turns::Continuation { probability, max } => {
                    t < max && length.random::<f64>() < probability
                }
            };
            if !more {
                break;
            }
        }
        super::record(game, t, counts)
    }

    #[test]
    fn shared_draws_and_skipped_stretches_play_every_match_as_the_reference() {
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
            Player::MemoryOne {
                p: [0.0, 0.0, 1.0, 1.0],
                opening: 0.0,
            },
        ]
        .iter()
        .map(Automaton::compile)
        .collect();
        let payoffs = Payoffs {
            r: 3.0,
            s: 0.0,
            t: 5.0,
            p: 1.0,
        };
        let mut skipped = 0;
        for (noise, turns) in [
            (0.0, Turns::Fixed(700)),
            (0.002, Turns::Fixed(1000)),
            (0.07, Turns::Fixed(150)),
            (0.5, Turns::Fixed(60)),
            (1.0, Turns::Fixed(40)),
            (
                0.03,
                Turns::Continuation {
                    probability: 0.98,
                    max: 400,
                },
            ),
        ] {
            let game = Game {
                payoffs,
                turns,
                noise,
            };
            for seed in 0..12u64 {
                // One run's draws serve all its matches, in any order.
                let mut run = RunDraws::new(&game, seed);
                for a in players.iter().rev() {
                    for b in &players {
                        let pair = Pairing::new(a, b);
                        let want = reference(&game, [a, b], seed);
                        assert_eq!(super::play(&game, &pair, &mut run), want, "{noise} {seed}");
                        let plain = super::play_with(&game, &pair, &mut run, false);
                        assert_eq!(plain, want, "{noise} {seed}");
                        skipped += (pair.quiet[0] > 0) as u32;
                    }
                }
            }
        }
        // The comparison covered pairings that skip.
        assert!(skipped > 100, "{skipped}");
    }
}

use crate::rng;

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

/// Stream ids of a match (see `rng`).
const NOISE: u64 = 5;
const MOVES: u64 = 6;
const LENGTH: u64 = 7;

/// A probability as a threshold on a uniform 32-bit draw: `draw < threshold` has probability
/// `p` (to 2^-32); 0 never and 2^32 always.
#[inline]
pub fn threshold(p: f64) -> u64 {
    (p.clamp(0.0, 1.0) * 4_294_967_296.0) as u64
}

/// The uniform 32-bit draws of a run's moves stream, in the order the matches use them: the
/// stream is read in blocks of 64 words of which the first 63 are used, and a match reads them
/// from the start, taking the next one for each choice of a stochastic state. Every match of a
/// run reads the same sequence (common random numbers), so it is generated once per run, as far
/// as the longest match needs.
#[derive(Default)]
struct MoveDraws {
    rng: Option<ChaCha8Rng>,
    seed: u64,
    words: Vec<u32>,
}

impl MoveDraws {
    fn start(&mut self, run_seed: u64) {
        self.rng = None;
        self.seed = run_seed;
        self.words.clear();
    }
    /// Make sure the first `n` draws exist.
    #[inline]
    fn ensure(&mut self, n: usize) {
        if self.words.len() < n {
            self.extend(n);
        }
    }
    #[cold]
    fn extend(&mut self, n: usize) {
        let seed = self.seed;
        let rng = self.rng.get_or_insert_with(|| rng::stream(seed, MOVES));
        while self.words.len() < n {
            let mut bytes = [0u8; 256];
            rand::Rng::fill_bytes(rng, &mut bytes);
            self.words.extend(
                bytes
                    .chunks_exact(4)
                    .take(63)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            );
        }
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
            inv: if p >= 1.0 { 0.0 } else { 1.0 / ln(1.0 - p) },
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

pub use crate::model::math::ln;

/// The draws of one run, shared by every match (arm) of the run, which all use the run's streams
/// (common random numbers): the match length, the turns of the noise flips, and the moves'
/// uniforms. The flips do not depend on play, so their schedule is drawn once per run.
#[derive(Default)]
pub struct RunDraws {
    turns: u32,
    /// The turns with a noise flip, in order, with which players' moves flip (bit 0: player 0,
    /// bit 1: player 1), ending with `(turns, 0)`.
    flips: Vec<(u32, u8)>,
    moves: MoveDraws,
}

impl RunDraws {
    /// The draws of the run with this seed.
    pub fn new(game: &Game, run_seed: u64) -> Self {
        let mut d = RunDraws::default();
        d.start(game, run_seed);
        d
    }

    /// Start the run with this seed, reusing the buffers.
    ///
    /// A match of random length draws its length from its own stream, exactly as a check after
    /// each turn would. Noise flips each player's move independently with probability `noise`:
    /// the gaps between flips are geometric, drawn from the noise stream first for player 0 and
    /// then for player 1, and after each flip for the player who flipped (player 0 first when
    /// both flip in the same turn).
    pub fn start(&mut self, game: &Game, run_seed: u64) {
        self.turns = match game.turns {
            Turns::Fixed(n) => n,
            Turns::Continuation { probability, max } => {
                let mut length = rng::stream(run_seed, LENGTH);
                let mut t = 1;
                while t < max && length.random::<f64>() < probability {
                    t += 1;
                }
                t
            }
        };
        self.flips.clear();
        let mut gaps = Gaps::new(game.noise, run_seed, NOISE);
        let (mut fa, mut fb) = (gaps.next(), gaps.next());
        let end = self.turns as u64;
        let mut t = 0u64;
        loop {
            let k = fa.min(fb);
            if k >= end - t {
                break;
            }
            t += k;
            fa -= k;
            fb -= k;
            self.flips
                .push((t as u32, (fa == 0) as u8 | ((fb == 0) as u8) << 1));
            fa = if fa == 0 { gaps.next() } else { fa - 1 };
            fb = if fb == 0 { gaps.next() } else { fb - 1 };
            t += 1;
            if t >= end {
                break;
            }
        }
        self.flips.push((self.turns, 0));
        self.moves.start(run_seed);
    }
}

/// One match in play: each player's packed state ([`Automaton::entry`]), the outcome counts,
/// and the position in the run's moves draws.
struct Lane<'a> {
    pair: &'a Pairing<'a>,
    tables: [&'a [u64; automaton::TABLE]; 2],
    entry: [u64; 2],
    /// Turns by outcome, indexed by (player 0 cooperated) << 1 | (player 1 cooperated); hops
    /// leave DD (index 0) uncounted.
    counts: [u32; 4],
    /// The next unused moves draw.
    at: usize,
}

impl<'a> Lane<'a> {
    fn new(pair: &'a Pairing<'a>) -> Self {
        let [a, b] = pair.players;
        Lane {
            pair,
            tables: [&a.table, &b.table],
            entry: [a.entry(0), b.entry(0)],
            counts: [0; 4],
            at: 0,
        }
    }

    /// Play the run's match. With `hops`, each stretch of turns with no noise flip and no random
    /// choice is looked up in the pairing's hops instead of played turn by turn (the same
    /// outcomes, as no draw is made in such a stretch); without, every turn is played.
    #[inline(always)]
    fn play(&mut self, run: &mut RunDraws, hops: bool) {
        let pair = self.pair;
        let random = pair.random;
        let mut t = 0u32;
        for i in 0..run.flips.len() {
            let (next, flip) = run.flips[i];
            // The turns before the next flip.
            while t < next {
                // A state that draws is never quiet: no lookup needed.
                if hops && (self.entry[0] | self.entry[1]) >> 63 == 0 {
                    let s = pair.joint(self.entry);
                    let k = ((next - t) as u64).min(pair.quiet(s)).min(pairing::STRETCH);
                    if k > 0 {
                        let (end, [cc, cd, dc]) = pair.skip(s, k);
                        self.counts[3] += cc;
                        self.counts[2] += cd;
                        self.counts[1] += dc;
                        t += k as u32;
                        self.entry = pair.entries(end);
                        continue;
                    }
                }
                self.turn(0, random, &mut run.moves);
                t += 1;
            }
            if t >= run.turns {
                break;
            }
            self.turn(flip, random, &mut run.moves);
            t += 1;
        }
    }

    /// One turn: choices (player 0 draws first), noise (`flip` bit 0 for player 0, bit 1 for
    /// player 1), counts, successors.
    #[inline(always)]
    fn turn(&mut self, flip: u8, random: bool, moves: &mut MoveDraws) {
        use automaton::{ROW, THRESHOLD_MASK, THRESHOLD_SHIFT};
        let [ea, eb] = self.entry;
        let ta = ea >> THRESHOLD_SHIFT & THRESHOLD_MASK;
        let tb = eb >> THRESHOLD_SHIFT & THRESHOLD_MASK;
        let (ia, ib) = if random {
            moves.ensure(self.at + 2);
            let w = &moves.words;
            // Player 1's draw is the one after player 0's if player 0 drew: both words are
            // read before the choice so that neither load waits for the state.
            let (x, x1) = (w[self.at], w[self.at + 1]);
            let na = (ea >> 63) as usize;
            let y = if na == 1 { x1 } else { x };
            self.at += na + (eb >> 63) as usize;
            ((x as u64) < ta, (y as u64) < tb)
        } else {
            (ta != 0, tb != 0)
        };
        let ma = ia ^ (flip & 1 != 0);
        let mb = ib ^ (flip & 2 != 0);
        self.counts[(ma as usize) << 1 | mb as usize] += 1;
        let m = automaton::TABLE - 1;
        let ra = (ea & ROW) as usize | automaton::step(ia, ma, mb);
        let rb = (eb & ROW) as usize | automaton::step(ib, mb, ma);
        self.entry = [self.tables[0][ra & m], self.tables[1][rb & m]];
    }
}

/// Play one match of a pairing on the run's draws.
///
/// Each turn, a stochastic state takes the next of the run's moves draws (player 0 first) and
/// cooperates if it is below its threshold; the run's noise schedule flips the moves; outcomes
/// are counted and turned into payoffs at the end. Quiet stretches are skipped by the pairing's
/// hops.
pub fn play(game: &Game, pair: &Pairing, run: &mut RunDraws) -> MatchRecord {
    play_with(game, pair, run, true)
}

/// [`play`], with or without the hops over quiet stretches (without, every turn is played: the
/// reference the hops are tested against).
fn play_with(game: &Game, pair: &Pairing, run: &mut RunDraws, hops: bool) -> MatchRecord {
    let mut lane = Lane::new(pair);
    // Two calls with constant flags, so that each inlined loop is compiled for its case.
    if hops {
        lane.play(run, true);
    } else {
        lane.play(run, false);
    }
    record(game, run.turns, lane.counts)
}

/// The result of a match from its turns and its counts by outcome (DD, DC, CD, CC from player
/// 0's side; DD is taken as the rest, as hops do not count it).
fn record(game: &Game, t: u32, [_, dc, cd, cc]: [u32; 4]) -> MatchRecord {
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
