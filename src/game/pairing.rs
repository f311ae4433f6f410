//! Two compiled players as one joint automaton, for skipping the quiet stretches of a match: from
//! a joint state where neither player draws, play is fixed until the next noise flip, so a
//! stretch of k such turns is looked up (binary lifting: hops of 1, 2, 4, ... turns with their
//! outcome counts) instead of played. A match then costs about one step per noise flip or random
//! choice rather than one per turn, with exactly the same outcomes and draws.

use super::automaton::{self, Automaton, step};

/// Hop lengths are 2^0 ..= 2^(LEVELS-1) turns; one stretch is at most `STRETCH` turns, so the
/// 16-bit count fields of a stretch never overflow.
pub const LEVELS: usize = 8;
/// The longest stretch taken at once (a longer quiet stretch is taken in several).
pub const STRETCH: u64 = (1 << LEVELS) - 1;

/// The CC, CD and DC counts of a hop (16 bits each, player 0's side); the joint end state is in
/// the top 16 bits.
pub const COUNTS: u64 = (1 << 48) - 1;

/// The player states (a, b) of joint state `s = a << shift | b`.
#[inline(always)]
fn split(shift: u32, s: usize) -> (usize, usize) {
    (s >> shift, s & ((1 << shift) - 1))
}

/// Two players, ready to be played against each other.
#[derive(Debug, Clone)]
pub struct Pairing<'a> {
    pub players: [&'a Automaton; 2],
    /// Either player has a state that draws.
    pub random: bool,
    /// A joint state is `a << shift | b` for player states a and b.
    shift: u32,
    /// Turns that can be skipped from a joint state: the turns before a state in which either
    /// player draws (0 if one draws now; u64::MAX if neither ever does without noise).
    pub(crate) quiet: Vec<u64>,
    /// `hops[level << bits | s]`: 2^level noiseless turns from s, packed as
    /// CC | CD << 16 | DC << 32 | end << 48. Entries of states that draw are never used.
    hops: Vec<u64>,
    /// log2 of the joint state space (the stride of `hops` per level).
    bits: u32,
}

impl<'a> Pairing<'a> {
    /// Tabulate the noiseless joint play of two compiled players.
    pub fn new(a: &'a Automaton, b: &'a Automaton) -> Self {
        let (na, nb) = (a.threshold.len(), b.threshold.len());
        let shift = usize::BITS - (nb.max(1) - 1).leading_zeros();
        let bits = shift + (usize::BITS - (na.max(1) - 1).leading_zeros());
        let size = 1usize << bits;
        let split = |s: usize| split(shift, s);
        let valid = |s: usize| {
            let (x, y) = split(s);
            x < na && y < nb
        };
        // One noiseless turn from a joint state where neither player draws.
        let turn = |s: usize| -> (usize, u64) {
            let (x, y) = split(s);
            let (ia, ib) = (a.threshold[x] != 0, b.threshold[y] != 0);
            let nx = a.next[x][step(ia, ia, ib)] as usize;
            let ny = b.next[y][step(ib, ib, ia)] as usize;
            let counts = (ia & ib) as u64 | ((ia & !ib) as u64) << 16 | ((!ia & ib) as u64) << 32;
            (nx << shift | ny, counts)
        };
        let draws = |s: usize| {
            let (x, y) = split(s);
            automaton::draws(a.threshold[x]) || automaton::draws(b.threshold[y])
        };
        let mut quiet = vec![0u64; size];
        for (s, q) in quiet.iter_mut().enumerate() {
            if !valid(s) {
                continue;
            }
            // Follow the noiseless path; within `size` turns it reaches a drawing state or
            // closes a cycle of quiet states.
            let (mut cur, mut d) = (s, 0u64);
            *q = loop {
                if draws(cur) {
                    break d;
                }
                if d > size as u64 {
                    break u64::MAX;
                }
                cur = turn(cur).0;
                d += 1;
            };
        }
        let mut hops = vec![0u64; size * LEVELS];
        for (s, hop) in hops[..size].iter_mut().enumerate() {
            *hop = if valid(s) && !draws(s) {
                let (n, c) = turn(s);
                c | (n as u64) << 48
            } else {
                (s as u64) << 48
            };
        }
        for level in 1..LEVELS {
            let (lo, hi) = hops.split_at_mut(level * size);
            let prev = &lo[(level - 1) * size..];
            for s in 0..size {
                let first = prev[s];
                let second = prev[(first >> 48) as usize];
                hi[s] = ((first & COUNTS) + (second & COUNTS)) | (second & !COUNTS);
            }
        }
        Pairing {
            players: [a, b],
            random: a.random || b.random,
            shift,
            quiet,
            hops,
            bits,
        }
    }

    /// The joint state of two packed player states ([`Automaton::entry`]).
    #[inline(always)]
    pub fn joint(&self, [ea, eb]: [u64; 2]) -> usize {
        (((ea & automaton::ROW) >> 3) << self.shift | (eb & automaton::ROW) >> 3) as usize
    }

    /// The two packed player states of a joint state.
    #[inline(always)]
    pub fn entries(&self, s: usize) -> [u64; 2] {
        let [a, b] = self.players;
        let (x, y) = split(self.shift, s);
        [a.entry(x), b.entry(y)]
    }

    /// Turns that can be skipped from joint state `s` (see `quiet`).
    #[inline(always)]
    pub fn quiet(&self, s: usize) -> u64 {
        self.quiet[s & (self.quiet.len() - 1)]
    }

    /// `k` (at most [`STRETCH`]) noiseless turns from quiet joint state `s`: the end state and
    /// the CC, CD and DC counts of the turns.
    #[inline(always)]
    pub fn skip(&self, mut s: usize, k: u64) -> (usize, [u32; 3]) {
        let (mut acc, mut rest) = (0u64, k);
        while rest != 0 {
            let level = rest.trailing_zeros() as usize;
            let hop = self.hops[(level << self.bits | s) & (self.hops.len() - 1)];
            acc += hop & COUNTS;
            s = (hop >> 48) as usize;
            rest &= rest - 1;
        }
        let field = |i: u32| (acc >> (16 * i) & 0xffff) as u32;
        (s, [field(0), field(1), field(2)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::Player;

    #[test]
    fn hops_are_the_noiseless_turns_they_skip() {
        let tft = Automaton::compile(&Player::MemoryOne {
            p: [1.0, 0.0, 1.0, 0.0],
            opening: 1.0,
        });
        let alternate = Automaton::compile(&Player::MemoryOne {
            p: [0.0, 0.0, 1.0, 1.0],
            opening: 0.0,
        });
        let pair = Pairing::new(&tft, &alternate);
        // From the opening, 2^level turns one at a time against the hop of that length.
        let size = 1usize << pair.bits;
        for level in 0..LEVELS {
            let (mut s, mut counts) = (0usize, [0u64; 3]);
            for _ in 0..1 << level {
                let (x, y) = split(pair.shift, s);
                let (ia, ib) = (tft.threshold[x] != 0, alternate.threshold[y] != 0);
                counts[0] += (ia & ib) as u64;
                counts[1] += (ia & !ib) as u64;
                counts[2] += (!ia & ib) as u64;
                let nx = tft.next[x][step(ia, ia, ib)] as usize;
                let ny = alternate.next[y][step(ib, ib, ia)] as usize;
                s = nx << pair.shift | ny;
            }
            let h = pair.hops[level * size];
            assert_eq!(h >> 48, s as u64, "level {level}");
            assert_eq!(
                [h & 0xffff, h >> 16 & 0xffff, h >> 32 & 0xffff],
                counts,
                "level {level}"
            );
        }
        // Tit-for-tat against the alternator never draws: every state is quiet for ever.
        assert_eq!(pair.quiet[0], u64::MAX);
        // A random player is never quiet.
        let coin = Automaton::compile(&Player::MemoryOne {
            p: [0.5; 4],
            opening: 0.5,
        });
        assert_eq!(Pairing::new(&tft, &coin).quiet[0], 0);
    }
}
