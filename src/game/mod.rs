//! Classic two-move repeated games (the iterated prisoner's dilemma and its kin), on the same
//! seeding and outputs as the negotiation model, so that the engine can be checked against exact
//! results and against the reference `axelrod` library. Pure: a spec, two players and a seed in,
//! a match record out.

pub mod players;

pub use players::{Player, PlayerState};
use rand::RngExt;

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

/// Play one match between two players from a run seed.
pub fn play(game: &Game, players: [&Player; 2], run_seed: u64) -> MatchRecord {
    let mut noise = rng::stream(run_seed, NOISE);
    let mut moves = rng::stream(run_seed, MOVES);
    let mut length = rng::stream(run_seed, LENGTH);
    let mut state = [PlayerState::default(), PlayerState::default()];
    let mut last: Option<[bool; 2]> = None;
    let (mut pay, mut coop) = ([0.0f64; 2], [0u32; 2]);
    let mut t = 0u32;
    loop {
        let intended = [
            players[0].choose(&mut state[0], last.map(|l| (l[0], l[1])), &mut moves),
            players[1].choose(&mut state[1], last.map(|l| (l[1], l[0])), &mut moves),
        ];
        let mut acted = intended;
        for a in acted.iter_mut() {
            if game.noise > 0.0 && noise.random::<f64>() < game.noise {
                *a = !*a;
            }
        }
        pay[0] += game.payoffs.get(acted[0], acted[1]);
        pay[1] += game.payoffs.get(acted[1], acted[0]);
        coop[0] += acted[0] as u32;
        coop[1] += acted[1] as u32;
        players[0].observe(&mut state[0], intended[0], acted[0], acted[1]);
        players[1].observe(&mut state[1], intended[1], acted[1], acted[0]);
        last = Some(acted);
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
    let n = t as f64;
    MatchRecord {
        turns: t,
        payoff: [pay[0] / n, pay[1] / n],
        coop: [coop[0] as f64 / n, coop[1] as f64 / n],
    }
}
