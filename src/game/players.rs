//! The players of the repeated games: the memory-one family (always cooperate, always defect,
//! tit-for-tat, generous tit-for-tat, win-stay lose-shift, random, any four probabilities) and the
//! two that need more memory (grim trigger, contrite tit-for-tat).

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// A player's rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Player {
    /// Cooperation probabilities after CC, CD, DC, DD (own move first) and at the opening.
    /// Always cooperate (1,1,1,1; 1), always defect (0,0,0,0; 0), tit-for-tat (1,0,1,0; 1;
    /// Axelrod 1984), generous tit-for-tat (1,g,1,g; 1; Nowak and Sigmund 1992), win-stay
    /// lose-shift (1,0,0,1; 1; Nowak and Sigmund 1993), random (p,p,p,p; p).
    MemoryOne { p: [f64; 4], opening: f64 },
    /// Cooperates until the other's first defection, then defects for ever (Friedman 1971).
    Grim,
    /// Contrite tit-for-tat (Wu and Axelrod 1995, as the `axelrod` library implements it):
    /// tit-for-tat, except that when noise turned its own intended move into a defection against
    /// a cooperator it becomes contrite, and once it has cooperated again it cooperates whatever
    /// the other did, accepting the punishment instead of echoing it.
    Contrite,
}

/// What a player remembers during a match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PlayerState {
    triggered: bool,
    /// Contrite tit-for-tat: contrite after an own noisy defection.
    contrite: bool,
    /// The move this player intended last turn (before noise).
    intended: bool,
}

impl Player {
    /// Intended action (true = cooperate) given the last turn as (own, other's).
    pub fn choose(
        &self,
        s: &mut PlayerState,
        last: Option<(bool, bool)>,
        rng: &mut ChaCha8Rng,
    ) -> bool {
        match self {
            Player::MemoryOne { p, opening } => {
                let prob = match last {
                    None => *opening,
                    Some((me, other)) => p[index(me, other)],
                };
                if prob >= 1.0 {
                    true
                } else if prob <= 0.0 {
                    false
                } else {
                    (rng.next_u32() as u64) < super::threshold(prob)
                }
            }
            Player::Grim => !s.triggered,
            Player::Contrite => match last {
                None => true,
                Some((me, other)) => {
                    if s.contrite && me {
                        s.contrite = false;
                        return true;
                    }
                    if s.intended != me && !me && other {
                        s.contrite = true;
                    }
                    other
                }
            },
        }
    }

    /// Update memory after a turn: the move this player intended, and the moves actually played.
    pub fn observe(&self, s: &mut PlayerState, intended: bool, _me: bool, other: bool) {
        s.intended = intended;
        if let Player::Grim = self {
            s.triggered |= !other;
        }
    }

    /// The memory-one probabilities, if this is a memory-one player.
    pub fn memory_one(&self) -> Option<([f64; 4], f64)> {
        match self {
            Player::MemoryOne { p, opening } => Some((*p, *opening)),
            _ => None,
        }
    }
}

/// Index of a state (own, other's) in CC, CD, DC, DD order.
pub fn index(me: bool, other: bool) -> usize {
    (!me as usize) * 2 + (!other as usize)
}
