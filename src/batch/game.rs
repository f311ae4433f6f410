//! Batches of repeated-game matches: every arm (pairing) plays one match per run, all arms of a
//! run on the same streams; aggregates are exact and mergeable like the negotiation's.

use super::stats::Moments;
use super::{Merge, blocks};
use crate::game::{self, MatchRecord};
use crate::scenario::game::GameScenario;

/// Per-arm metrics, in order.
pub const METRICS: usize = 5;

/// The aggregate of a game batch: per arm, payoff and cooperation of each side, and turns.
#[derive(Debug, Clone, PartialEq)]
pub struct GameAggregate {
    /// [arm][payoff 0, payoff 1, coop 0, coop 1, turns]
    pub moments: Vec<Moments>,
    pub runs: u64,
}

impl GameAggregate {
    pub fn new(sc: &GameScenario) -> Self {
        GameAggregate {
            moments: vec![Moments::default(); sc.arms.len() * METRICS],
            runs: 0,
        }
    }

    pub fn add(&mut self, records: &[MatchRecord]) {
        self.runs += 1;
        for (a, r) in records.iter().enumerate() {
            let m = &mut self.moments[a * METRICS..(a + 1) * METRICS];
            m[0].add(r.payoff[0]);
            m[1].add(r.payoff[1]);
            m[2].add(r.coop[0]);
            m[3].add(r.coop[1]);
            m[4].add(r.turns as f64);
        }
    }

    pub fn at(&self, arm: usize, k: usize) -> &Moments {
        &self.moments[arm * METRICS + k]
    }
}

impl Merge for GameAggregate {
    fn merge(&mut self, o: &Self) {
        for (a, b) in self.moments.iter_mut().zip(&o.moments) {
            a.merge(b);
        }
        self.runs += o.runs;
    }
}

/// The matches of one run: index, seed, one record per arm.
#[derive(Debug, Clone)]
pub struct MatchRows {
    pub run: u64,
    pub seed: u64,
    pub records: Vec<MatchRecord>,
}

/// Play runs `runs` of every arm with master seed `seed` in the current rayon pool.
pub fn run<E>(
    sc: &GameScenario,
    seed: u64,
    runs: std::ops::Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
    sink: &mut dyn FnMut(&[MatchRows]) -> Result<(), E>,
) -> Result<GameAggregate, E> {
    let automata: Vec<game::Automaton> = sc
        .players
        .iter()
        .map(|p| game::Automaton::compile(&p.2))
        .collect();
    // One pairing per arm, tabulated once.
    let pairings: Vec<game::Pairing> = sc
        .arms
        .iter()
        .map(|arm| game::Pairing::new(&automata[arm.players[0]], &automata[arm.players[1]]))
        .collect();
    let job = Games {
        sc,
        pairings: &pairings,
    };
    blocks(&job, seed, runs, progress, sink)
}

/// A repeated-game batch: every arm's pairing, tabulated once.
struct Games<'a> {
    sc: &'a GameScenario,
    pairings: &'a [game::Pairing<'a>],
}

impl super::Job for Games<'_> {
    type Acc = GameAggregate;
    type Worker = game::RunDraws;
    type Row = MatchRows;

    fn acc(&self) -> GameAggregate {
        GameAggregate::new(self.sc)
    }

    fn worker(&self) -> game::RunDraws {
        game::RunDraws::default()
    }

    fn run(
        &self,
        run: u64,
        seed: u64,
        draws: &mut game::RunDraws,
        acc: &mut GameAggregate,
    ) -> MatchRows {
        // The run's draws, shared by its matches.
        draws.start(&self.sc.game, seed);
        let records: Vec<MatchRecord> = self
            .pairings
            .iter()
            .map(|p| game::play(&self.sc.game, p, draws))
            .collect();
        acc.add(&records);
        MatchRows { run, seed, records }
    }
}
