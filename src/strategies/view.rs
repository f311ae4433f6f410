//! What a strategy sees (its own side's view of the shared state) and what it can propose.

use crate::model::{
    Actor, ActorIx, Arm, CategoryIx, Move, MoveIx, MoveSet, Params, Roadmap, Scenario, gate,
};

/// A standing proposal: the other side's moves demanded for this side's moves given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Offer {
    /// Moves of the other side demanded.
    pub demand: MoveSet,
    /// Moves of this side given in exchange.
    pub give: MoveSet,
    /// All of `demand` first, then `give` (all-or-nothing); otherwise simultaneous.
    pub package: bool,
    /// Months the other side has to deliver (ledger deadline); `None` for no deadline.
    pub deadline: Option<u32>,
}

/// What a side perceived of the other this month (after misperception).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Seen {
    /// Conciliatory moves of the other perceived as such.
    pub conciliatory: MoveSet,
    /// Their total value.
    pub value: f64,
    /// A hostile act (or a quiet month misread as hostile) was perceived.
    pub hostile: bool,
    /// Total severity of perceived hostile acts that were unprovoked (not themselves responses).
    pub provocation: f64,
    /// Total severity of perceived hostile acts.
    pub severity: f64,
    /// The other withheld a due step or revoked a standing move.
    pub reneged: bool,
}

/// What a strategy proposes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Intent {
    /// Make a conciliatory move (filtered by prerequisites, gate and feasibility).
    Make(MoveIx),
    /// Revoke one of this side's standing moves.
    Revoke(MoveIx),
    /// Commit a hostile act on this side's initiative (pressure, escalation).
    Hostile(MoveIx),
    /// Commit a hostile act in answer to the other's.
    Retaliate(MoveIx),
    /// Post (or re-post) an offer; the ledger records the other's obligations.
    Offer(Offer),
    /// Withdraw this side's offer.
    Withdraw,
}

/// The state both sides see, as the engine keeps it during a run.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Board {
    /// Shared tension tau in [0, 1].
    pub tension: f64,
    /// Standing moves in force (both sides).
    pub in_force: MoveSet,
    /// Moves ever made (both sides).
    pub done: MoveSet,
}

impl Board {
    /// Every delivered move, given the catalogue's standing moves: standing moves in force and
    /// one-shot moves done.
    pub fn delivered(&self, standing: MoveSet) -> MoveSet {
        self.in_force
            .intersect(standing)
            .union(self.done.minus(standing))
    }
}

/// One side's own state, as the engine keeps it during a run.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SideState {
    /// This side's hidden type is S (sincere).
    pub sincere: bool,
    /// This side's trust that the other is S.
    pub trust: f64,
    /// This side's domestic pressure h.
    pub pressure: f64,
    /// What this side perceived of the other this month.
    pub seen: Seen,
    /// Consecutive months this side has had steps out while the other gave nothing.
    pub unreciprocated: u32,
    /// Month of this side's last unprovoked hostile act (a shock by its own organs).
    pub last_shock: Option<u32>,
}

/// What does not change during a batch: the actors, the arm's catalogue and parameters, the
/// roadmaps, and sets derived from them.
#[derive(Debug, Clone)]
pub struct Rules<'a> {
    pub actors: &'a [Actor],
    pub moves: &'a [Move],
    pub params: &'a Params,
    pub roadmaps: &'a [Roadmap],
    /// Every standing move of the catalogue (both sides).
    pub standing: MoveSet,
    /// Each side's conciliatory moves: the only moves it can make or revoke.
    pub own: [MoveSet; 2],
    /// Severity of each side's retaliation move (0 without one).
    pub answer: [f64; 2],
}

impl<'a> Rules<'a> {
    pub fn new(sc: &'a Scenario, arm: &'a Arm) -> Self {
        let mut r = Rules {
            actors: &sc.actors,
            moves: &arm.moves,
            params: &arm.params,
            roadmaps: &sc.roadmaps,
            standing: MoveSet::EMPTY,
            own: [MoveSet::EMPTY; 2],
            answer: [0.0; 2],
        };
        for (i, m) in arm.moves.iter().enumerate() {
            if m.standing {
                r.standing.insert(i);
            }
            if m.is_conciliatory() {
                r.own[m.actor].insert(i);
            }
        }
        for (i, a) in sc.actors.iter().enumerate() {
            r.answer[i] = a
                .retaliation
                .and_then(|m| arm.moves[m].hostile.as_ref())
                .map_or(0.0, |h| h.severity);
        }
        r
    }
}

/// A side's read-only view of the state at decision time: references to the engine's state,
/// so building one per decision costs a few words.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    pub me: ActorIx,
    pub month: u32,
    pub board: &'a Board,
    /// This side's state.
    pub side: &'a SideState,
    pub their_offer: Option<&'a Offer>,
    /// Month each move was last made.
    pub since: &'a [u32],
    pub rules: &'a Rules<'a>,
    /// Every delivered move (see [`View::delivered`]), computed once for the view.
    delivered: MoveSet,
}

impl<'a> View<'a> {
    /// Side `me`'s view of the state in month `month`.
    pub fn new(
        me: ActorIx,
        month: u32,
        board: &'a Board,
        side: &'a SideState,
        their_offer: Option<&'a Offer>,
        since: &'a [u32],
        rules: &'a Rules<'a>,
    ) -> Self {
        let delivered = board.delivered(rules.standing);
        View {
            me,
            month,
            board,
            side,
            their_offer,
            since,
            rules,
            delivered,
        }
    }

    pub fn other(&self) -> ActorIx {
        1 - self.me
    }

    /// This side's actor.
    pub fn actor(&self) -> &'a Actor {
        &self.rules.actors[self.me]
    }

    /// The arm's move catalogue.
    pub fn moves(&self) -> &'a [Move] {
        self.rules.moves
    }

    /// The arm's parameters.
    pub fn params(&self) -> &'a Params {
        self.rules.params
    }

    /// This side's conciliatory moves.
    pub fn own(&self) -> MoveSet {
        self.rules.own[self.me]
    }

    /// This side's trust that the other is S.
    pub fn trust(&self) -> f64 {
        self.side.trust
    }

    /// What this side perceived of the other this month.
    pub fn seen(&self) -> &'a Seen {
        &self.side.seen
    }

    /// A move counts as delivered: a standing move in force, or a one-shot move done.
    pub fn delivered_move(&self, m: MoveIx) -> bool {
        self.delivered.contains(m)
    }

    /// Every move of the set is delivered.
    pub fn delivered(&self, set: MoveSet) -> bool {
        self.undelivered(set).is_empty()
    }

    /// The moves of the set not yet delivered.
    pub fn undelivered(&self, set: MoveSet) -> MoveSet {
        set.minus(self.delivered)
    }

    /// This side may make this conciliatory move now, assuming `extra` moves are also in place:
    /// its own, not yet delivered, prerequisites met and domestically feasible. Whether it
    /// does is its conduct's choice (`model::conduct`), not the strategy's.
    pub fn available_with(&self, m: MoveIx, extra: MoveSet) -> bool {
        self.own().contains(m) && !self.delivered_move(m) && self.ready(m, extra)
    }

    /// An own, undelivered move is feasible and has its prerequisites (or `extra`) in place:
    /// the rest of [`View::available_with`], cheapest checks first.
    fn ready(&self, m: MoveIx, extra: MoveSet) -> bool {
        let mv = &self.rules.moves[m];
        self.undelivered(mv.requires.minus(extra)).is_empty()
            && gate::feasible(
                mv.cost,
                self.side.pressure,
                self.actor().budget,
                self.rules.params,
            )
    }

    /// [`View::available_with`] with nothing extra.
    pub fn available(&self, m: MoveIx) -> bool {
        self.available_with(m, MoveSet::EMPTY)
    }

    /// This side can deliver the whole set now (prerequisites inside the set count as met).
    pub fn can_deliver(&self, set: MoveSet) -> bool {
        self.can_deliver_given(set, MoveSet::EMPTY)
    }

    /// [`View::can_deliver`], also counting the moves of `given` as delivered.
    pub fn can_deliver_given(&self, set: MoveSet, given: MoveSet) -> bool {
        let extra = set.union(given);
        self.undelivered(set)
            .iter()
            .all(|m| self.available_with(m, extra))
    }

    /// Push `Make` for every undelivered move of the set, prerequisites first.
    pub fn make_all(&self, set: MoveSet, out: &mut Vec<Intent>) {
        let mut placed = MoveSet::EMPTY;
        let todo = self.undelivered(set);
        // Repeated passes place each move after its prerequisites inside the set, until every
        // move is placed or a pass places none (a cycle the catalogue's checks rule out).
        while placed != todo {
            let before = placed;
            for m in todo.minus(placed).iter() {
                let inner = self.rules.moves[m].requires.intersect(todo);
                if placed.contains_all(inner) {
                    placed.insert(m);
                    out.push(Intent::Make(m));
                }
            }
            if placed == before {
                break;
            }
        }
    }

    /// This side's available conciliatory moves satisfying `keep`, cheapest stake first.
    pub fn cheapest_where(&self, keep: impl Fn(MoveIx, &Move) -> bool) -> Option<MoveIx> {
        self.cheapest_in(MoveSet(u128::MAX), keep)
    }

    /// [`View::cheapest_where`] among the moves of `set` only.
    pub fn cheapest_in(
        &self,
        set: MoveSet,
        keep: impl Fn(MoveIx, &Move) -> bool,
    ) -> Option<MoveIx> {
        let mut best: Option<MoveIx> = None;
        for i in self.undelivered(self.own().intersect(set)).iter() {
            let m = &self.rules.moves[i];
            if !keep(i, m) || !self.ready(i, MoveSet::EMPTY) {
                continue;
            }
            let better = match best {
                None => true,
                Some(b) => {
                    let o = &self.rules.moves[b];
                    (m.stake, m.cost) < (o.stake, o.cost)
                }
            };
            if better {
                best = Some(i);
            }
        }
        best
    }

    /// Answer what was perceived with own steps of about the same value (at least one step,
    /// none costing more than one point above the value received), cheapest first, among moves
    /// satisfying `keep`.
    pub fn reciprocate(&self, keep: impl Fn(MoveIx, &Move) -> bool, out: &mut Vec<Intent>) {
        let mut given = 0.0;
        let mut chosen = MoveSet::EMPTY;
        let cap = self.side.seen.value + 1.0;
        while given < self.side.seen.value || chosen.is_empty() {
            let pick =
                self.cheapest_where(|i, m| keep(i, m) && m.cost <= cap && !chosen.contains(i));
            match pick {
                Some(m) => {
                    chosen.insert(m);
                    given += self.rules.moves[m].value.max(0.5);
                    out.push(Intent::Make(m));
                }
                None => break,
            }
        }
    }

    /// Answer a perceived hostile act with this side's retaliation move, if it has one.
    pub fn retaliate(&self, out: &mut Vec<Intent>) {
        if let Some(m) = self.actor().retaliation {
            out.push(Intent::Retaliate(m));
        }
    }

    /// The other side provoked this month: an unprovoked hostile act or a renege. Strategies
    /// with a proportional-response doctrine answer only these, so responses do not echo.
    /// A provocation counts when its perceived severity exceeds half that of the answer
    /// (a misread quiet month, severity 0.5, earns no answer of severity 1 or more).
    pub fn provoked(&self) -> bool {
        self.side.seen.reneged || self.side.seen.provocation > 0.5 * self.rules.answer[self.me]
    }

    /// Revoke this side's most recently made standing conciliatory move that may be revoked now.
    pub fn revoke_latest(&self, keep: impl Fn(&Move) -> bool, out: &mut Vec<Intent>) {
        let latest = self
            .board
            .in_force
            .intersect(self.own())
            .iter()
            .filter(|&m| self.revocable(m) && keep(&self.rules.moves[m]))
            .max_by_key(|&m| (self.since[m], m));
        if let Some(m) = latest {
            out.push(Intent::Revoke(m));
        }
    }

    /// A standing move of this side that can be revoked now (past its reversal lag).
    pub fn revocable(&self, m: MoveIx) -> bool {
        let mv = &self.rules.moves[m];
        mv.standing
            && mv.irreversibility < 1.0
            && self.board.in_force.contains(m)
            && self.month >= self.since[m].saturating_add(mv.reversal_lag)
    }

    /// Sum of c*r over the set, as a stake (the package stake of all-or-nothing).
    pub fn set_stake(&self, set: MoveSet) -> f64 {
        let cr: f64 = set
            .iter()
            .map(|m| self.rules.moves[m].cost * self.rules.moves[m].irreversibility)
            .sum();
        gate::stake(cr, 1.0, self.rules.params)
    }

    /// Category of a move (an index into the scenario's categories).
    pub fn category(&self, m: MoveIx) -> CategoryIx {
        self.rules.moves[m].category
    }
}
