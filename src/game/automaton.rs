//! Players compiled to finite automata for the hot loop of a match: each state has a
//! cooperation threshold on a 32-bit uniform (0 never, 2^32 always, anything between a random
//! choice) and a successor for every (intended, own acted, other acted) triple. Compiled once per
//! scenario by running the reference rules of `players.rs` from every reachable state, so the
//! automaton plays exactly as the rule does.

use std::collections::HashMap;

use super::players::{Player, PlayerState};
use super::threshold;

/// A compiled player. State 0 is the opening.
#[derive(Debug, Clone, PartialEq)]
pub struct Automaton {
    /// Cooperate iff a 32-bit uniform draw is below this (no draw for 0 or 2^32).
    pub threshold: Vec<u64>,
    /// Successor by `step(intended, own acted, other acted)`.
    pub next: Vec<[u8; 8]>,
    /// The hot loop's table: entry `state * 8 + step` is the successor's [`Automaton::entry`],
    /// so a turn needs one load per player.
    pub table: Box<[u64; TABLE]>,
    /// Whether any state draws (a stochastic player).
    pub random: bool,
}

/// Most states a compiled player may have (a power of two, so table indices need no check).
pub const MAX_STATES: usize = 64;
/// Entries of the packed table.
pub const TABLE: usize = MAX_STATES * 8;

/// Index of a turn's (intended, own acted, other acted) triple.
#[inline]
pub fn step(intended: bool, me: bool, other: bool) -> usize {
    (intended as usize) << 2 | (me as usize) << 1 | other as usize
}

/// Always: a threshold no 32-bit draw reaches.
pub const ALWAYS: u64 = 1 << 32;

/// Whether a state with this cooperation threshold draws (neither never nor always).
#[inline]
pub fn draws(threshold: u64) -> bool {
    threshold != 0 && threshold != ALWAYS
}

/// A packed state: `state * 8` (the table row, bits 0..9), the threshold (bits 9..42) and
/// whether the state draws (bit 63).
pub const ROW: u64 = 0x1ff;
/// The shift of the threshold in a packed state.
pub const THRESHOLD_SHIFT: u32 = 9;
/// The mask of the threshold after the shift (33 bits: up to and including 2^32).
pub const THRESHOLD_MASK: u64 = (1 << 33) - 1;

type Key = (PlayerState, Option<(bool, bool)>);

impl Automaton {
    /// Compile a player by exploring every state its rule can reach (at most [`MAX_STATES`]).
    pub fn compile(player: &Player) -> Automaton {
        let mut ids: HashMap<Key, u8> = HashMap::new();
        let mut keys: Vec<Key> = vec![(PlayerState::default(), None)];
        ids.insert(keys[0], 0);
        let mut out = Automaton {
            threshold: Vec::new(),
            next: Vec::new(),
            table: Box::new([0; TABLE]),
            random: false,
        };
        // A throwaway stream: only a memory-one rule with a fractional probability would draw,
        // and its probability is read directly instead.
        let mut rng = crate::rng::stream(0, 0);
        let mut k = 0;
        while k < keys.len() {
            let (state, last) = keys[k];
            let mut after = state;
            let (thr, intents): (u64, &[bool]) = match player.memory_one() {
                Some((p, opening)) => {
                    let prob = match last {
                        None => opening,
                        Some((me, other)) => p[super::players::index(me, other)],
                    };
                    let t = threshold(prob);
                    let intents: &[bool] = match t {
                        0 => &[false],
                        ALWAYS => &[true],
                        _ => &[false, true],
                    };
                    (t, intents)
                }
                None => {
                    if player.choose(&mut after, last, &mut rng) {
                        (ALWAYS, &[true])
                    } else {
                        (0, &[false])
                    }
                }
            };
            let mut next = [0u8; 8];
            for &intended in intents {
                for me in [false, true] {
                    for other in [false, true] {
                        let mut s = after;
                        player.observe(&mut s, intended, me, other);
                        let key = (s, Some((me, other)));
                        let id = match ids.get(&key) {
                            Some(&id) => id,
                            None => {
                                let id = u8::try_from(keys.len())
                                    .ok()
                                    .filter(|&id| (id as usize) < MAX_STATES)
                                    .unwrap_or_else(|| unreachable!("a player has few states"));
                                ids.insert(key, id);
                                keys.push(key);
                                id
                            }
                        };
                        next[step(intended, me, other)] = id;
                    }
                }
            }
            out.threshold.push(thr);
            out.next.push(next);
            k += 1;
        }
        for (s, next) in out.next.iter().enumerate() {
            for (j, &n) in next.iter().enumerate() {
                out.table[s * 8 + j] = out.entry(n as usize);
            }
        }
        out.random = out.threshold.iter().any(|&t| draws(t));
        out
    }

    /// The packed state `s`: its table row, its threshold and whether it draws.
    #[inline]
    pub fn entry(&self, s: usize) -> u64 {
        let t = self.threshold[s];
        (s as u64) << 3 | t << THRESHOLD_SHIFT | (draws(t) as u64) << 63
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn automata_choose_as_the_rules_do_along_noisy_histories() {
        use rand::RngExt;
        let players = [
            Player::Grim,
            Player::Contrite,
            Player::MemoryOne {
                p: [1.0, 0.0, 1.0, 0.0],
                opening: 1.0,
            },
            Player::MemoryOne {
                p: [1.0, 0.0, 0.0, 1.0],
                opening: 1.0,
            },
            Player::MemoryOne {
                p: [0.0; 4],
                opening: 0.0,
            },
        ];
        let mut r = crate::rng::stream(42, 1);
        let mut dummy = crate::rng::stream(0, 0);
        for p in &players {
            let a = Automaton::compile(p);
            for _ in 0..200 {
                let (mut st, mut last, mut s) = (PlayerState::default(), None, 0usize);
                for _ in 0..50 {
                    let want = p.choose(&mut st, last, &mut dummy);
                    assert_eq!(a.threshold[s] == ALWAYS, want, "{p:?}");
                    // Noise may flip the own move; the other's move is arbitrary.
                    let me = want ^ (r.random::<f64>() < 0.2);
                    let other = r.random::<f64>() < 0.5;
                    p.observe(&mut st, want, me, other);
                    last = Some((me, other));
                    let packed = a.table[s * 8 + step(want, me, other)];
                    s = a.next[s][step(want, me, other)] as usize;
                    // The packed table agrees with the plain one.
                    assert_eq!(packed & ROW, 8 * s as u64);
                    assert_eq!(packed >> THRESHOLD_SHIFT & THRESHOLD_MASK, a.threshold[s]);
                    assert_eq!(packed >> 63 == 1, draws(a.threshold[s]));
                }
            }
        }
    }

    #[test]
    fn automata_stay_small_and_open_as_the_rules_do() {
        let tft = Automaton::compile(&Player::MemoryOne {
            p: [1.0, 0.0, 1.0, 0.0],
            opening: 1.0,
        });
        assert_eq!(tft.threshold[0], ALWAYS);
        // After the other defects, tit-for-tat defects.
        let s = tft.next[0][step(true, true, false)] as usize;
        assert_eq!(tft.threshold[s], 0);
        for p in [Player::Grim, Player::Contrite] {
            let a = Automaton::compile(&p);
            assert!(a.threshold.len() <= 32, "{p:?}: {}", a.threshold.len());
            assert_eq!(a.threshold[0], ALWAYS);
        }
    }
}
