//! The engine: one run of one arm, month by month. Pure: it takes a validated scenario, an arm
//! and a run seed, and reports through a [`Recorder`]; no I/O.
//!
//! Each month: shocks, observation (with misperception), trust and tension updates, the ledger
//! audit, decisions, execution (with noise), hazards and arsenal, then the record.

pub mod record;
pub mod rng;

pub use record::{
    Discard, Event, Keep, MonthRecord, Outcome, Recorder, RunRecord, Status, TrackReason,
};

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::model::{ActorIx, Arm, Category, MoveIx, MoveSet, Scenario, tension, trust};
use crate::strategies::{self, Board, Intent, Offer, Rules, Seen, SideState, Strategy, View};

/// An act of one side, observed by the other the month after.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Act {
    Made(MoveIx),
    Revoked(MoveIx),
    /// A hostile act; `response` if it answered a hostile act of the other side.
    Hostile(MoveIx, bool),
}

/// A pending obligation in the ledger.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Obligation {
    obligor: ActorIx,
    mv: MoveIx,
    due: u32,
    deadline: u32,
}

/// Buffers reused across runs so the monthly loop does not allocate.
#[derive(Debug, Default)]
pub struct Workspace {
    since: Vec<u32>,
    acts: [Vec<Act>; 2],
    intents: [Vec<Intent>; 2],
    ledger: Vec<Obligation>,
    /// Month each third-party step was last made (0: never).
    track_last: Vec<u32>,
}

impl Workspace {
    pub fn new() -> Self {
        Self::default()
    }
}

/// Per-actor state during a run.
struct Side {
    /// What this side's strategy sees of it (its trust as a probability is kept in step with
    /// `l`).
    state: SideState,
    /// Log-odds of this side's trust in the other.
    l: f64,
    l0: f64,
    /// The arm's strategy (before type resolution) and whether an administration flipped it.
    declared: usize,
    flipped: bool,
    resolved: usize,
    /// The strategy's state.
    strategy: Strategy,
    offer: Option<Offer>,
    arsenal: f64,
}

/// Precomputed per-arm facts the loop needs.
struct Facts {
    /// Conciliatory standing moves per actor.
    standing: [MoveSet; 2],
    /// Moves counting toward the denuclearization index, and the total cost.
    denuclearization: MoveSet,
    denuclearization_total: f64,
    /// Moves counting toward the peace-and-normalization index, and the total cost.
    peace: MoveSet,
    peace_total: f64,
    /// Verified freeze moves.
    freezes: MoveSet,
    /// Moratorium moves per actor.
    moratoria: [MoveSet; 2],
    /// Moves with stake at least `pocket_stake`, per actor.
    costly: [MoveSet; 2],
    /// Trust below which some standing step of the actor could fail its keeping gate.
    keep_below: [f64; 2],
}

impl Facts {
    fn new(arm: &Arm) -> Self {
        let p = &arm.params;
        let mut f = Facts {
            standing: [MoveSet::EMPTY; 2],
            denuclearization: MoveSet::EMPTY,
            denuclearization_total: 0.0,
            peace: MoveSet::EMPTY,
            peace_total: 0.0,
            freezes: MoveSet::EMPTY,
            moratoria: [MoveSet::EMPTY; 2],
            costly: [MoveSet::EMPTY; 2],
            keep_below: [0.0; 2],
        };
        for (i, m) in arm.moves.iter().enumerate() {
            if m.is_hostile() {
                continue;
            }
            if m.standing {
                f.standing[m.actor].insert(i);
            }
            match m.category {
                Category::Denuclearization => {
                    f.denuclearization.insert(i);
                    f.denuclearization_total += m.cost;
                }
                Category::Peace | Category::Normalization | Category::Sanctions => {
                    f.peace.insert(i);
                    f.peace_total += m.cost;
                }
                _ => {}
            }
            if m.freeze && m.verifiability >= p.verified_threshold {
                f.freezes.insert(i);
            }
            if m.moratorium {
                f.moratoria[m.actor].insert(i);
            }
            if m.stake >= p.pocket_stake {
                f.costly[m.actor].insert(i);
            }
            if m.standing {
                f.keep_below[m.actor] = f.keep_below[m.actor].max(p.keep_fraction * m.gate);
            }
        }
        f
    }
}

/// An arm made ready to run: everything the monthly loop needs that does not change from run
/// to run, computed once (a batch prepares each arm once, not once per run).
pub struct Prepared<'a> {
    sc: &'a Scenario,
    arm: &'a Arm,
    rules: Rules<'a>,
    facts: Facts,
    belief: trust::Belief,
    ln_renege: f64,
    ln_misread: f64,
    /// Each actor's initial trust, in log-odds (clipped) and as a probability.
    l0: [f64; 2],
    p0: [f64; 2],
    /// Each actor's domestic pressure at the initial tension.
    pressure0: [f64; 2],
    /// The initial standing moves in force.
    in_force0: MoveSet,
    /// The third party's initial stance.
    engager: bool,
}

impl<'a> Prepared<'a> {
    pub fn new(sc: &'a Scenario, arm: &'a Arm) -> Self {
        let p = &arm.params;
        let belief = trust::Belief::new(p);
        let l0 = [0, 1].map(|i| belief.clip(trust::logit(sc.actors[i].initial_trust)));
        let rules = Rules::new(sc, arm);
        Prepared {
            sc,
            arm,
            facts: Facts::new(arm),
            belief,
            ln_renege: p.renege_lr.ln(),
            ln_misread: p.misread_lr.ln(),
            l0,
            p0: l0.map(trust::logistic),
            pressure0: [0, 1]
                .map(|i| tension::pressure(sc.actors[i].pressure_base, sc.initial.tension, p)),
            in_force0: sc.initial.in_force.intersect(rules.standing),
            engager: arm
                .stance
                .or(sc.third_party.as_ref().map(|tp| tp.engager))
                .unwrap_or(false),
            rules,
        }
    }
}

/// Run one arm of a scenario for one run seed.
pub fn simulate(
    sc: &Scenario,
    arm: &Arm,
    run_seed: u64,
    ws: &mut Workspace,
    rec: &mut impl Recorder,
) -> RunRecord {
    let mut shocks = ShockDraws::default();
    shocks.draw(sc, run_seed);
    simulate_with(&Prepared::new(sc, arm), run_seed, &shocks, ws, rec)
}

/// [`simulate`] with the arm prepared and the run's shock draws already made (they are the
/// same for every arm, so a batch draws them once per run and prepares each arm once).
pub fn simulate_with(
    prep: &Prepared,
    run_seed: u64,
    shocks: &ShockDraws,
    ws: &mut Workspace,
    rec: &mut impl Recorder,
) -> RunRecord {
    let mut streams = rng::Streams::new(run_seed);
    Run::new(prep, shocks.types, ws).go(&mut streams, shocks, rec)
}

/// The shock stream of one run, drawn up front: a fixed number of 64-bit draws per month (one
/// per shock source, one per actor for politics, one for war), so every arm of an experiment
/// sees exactly the same exogenous events in the same month (common random numbers). A third
/// party's draws (its elections, the partner's acceptance, one walk-out draw per step) come
/// from their own stream, so adding a third party leaves every other draw unchanged. The two
/// uniforms that draw the actors' types at month 0 (the types stream) are made here too, once
/// per run, as they are the same for every arm.
#[derive(Debug, Default, Clone)]
pub struct ShockDraws {
    types: [f64; 2],
    per_month: usize,
    draws: Vec<u64>,
    /// Per month, what may happen in any arm: bit k for shock k (its draw falls under the
    /// shock's highest rate), bit `shocks + i` for a flip or new leader of actor i. Most months
    /// are 0, and every arm skips them at once.
    candidates: Vec<u64>,
    track_per_month: usize,
    track: Vec<u64>,
}

impl ShockDraws {
    /// Fill with the draws of the run with this seed.
    pub fn draw(&mut self, sc: &Scenario, run_seed: u64) {
        use rand::Rng;
        let mut types = rng::stream(run_seed, rng::subsystem::TYPES);
        self.types = [types.random::<f64>(), types.random::<f64>()];
        let mut rng = rng::stream(run_seed, rng::subsystem::SHOCKS);
        self.per_month = sc.shocks.len() + 3;
        let n = self.per_month * sc.horizon as usize;
        self.draws.clear();
        self.draws.extend((0..n).map(|_| rng.next_u64()));
        self.candidates.clear();
        let ns = sc.shocks.len();
        if ns + 2 > 64 {
            // Too many sources for the mask: every month is a candidate.
            self.candidates.resize(sc.horizon as usize, u64::MAX);
        } else {
            for (t, month) in (1..).zip(self.draws.chunks_exact(self.per_month)) {
                let mut c = 0u64;
                for (k, (sh, &x)) in sc.shocks.iter().zip(month).enumerate() {
                    if rng::hi32(x) < sh.max_rate {
                        c |= 1 << k;
                    }
                }
                for (i, a) in sc.actors.iter().enumerate() {
                    let x = month[ns + i];
                    let pol = &a.politics;
                    if (pol.change_due(t) && rng::mid16(x) < pol.flip)
                        || rng::hi32(x) < pol.leadership_hazard
                    {
                        c |= 1 << (ns + i);
                    }
                }
                self.candidates.push(c);
            }
        }
        self.track.clear();
        self.track_per_month = sc.third_party.as_ref().map_or(0, |tp| 2 + tp.moves.len());
        if self.track_per_month > 0 {
            let mut rng = rng::stream(run_seed, rng::subsystem::THIRD_PARTY);
            let n = self.track_per_month * sc.horizon as usize;
            self.track.extend((0..n).map(|_| rng.next_u64()));
        }
    }

    fn candidates(&self, t: u32) -> u64 {
        self.candidates[t as usize - 1]
    }

    fn month(&self, t: u32) -> &[u64] {
        let s = (t as usize - 1) * self.per_month;
        &self.draws[s..s + self.per_month]
    }

    fn month_track(&self, t: u32) -> &[u64] {
        let s = (t as usize - 1) * self.track_per_month;
        &self.track[s..s + self.track_per_month]
    }
}

/// Source `k` may fire this month (sources past the mask's 64 bits always may).
fn candidate(candidates: u64, k: usize) -> bool {
    k >= 64 || candidates >> k & 1 == 1
}

struct Run<'a> {
    /// The arm's constants; `sc` and `arm` are its scenario and arm, kept at hand.
    prep: &'a Prepared<'a>,
    sc: &'a Scenario,
    arm: &'a Arm,
    ws: &'a mut Workspace,
    sides: [Side; 2],
    /// Tension and the moves in force and done, as the strategies see them.
    board: Board,
    // Process tracking.
    agreement: bool,
    freeze_streak: u32,
    collapsed: bool,
    out: RunRecord,
    survival: f64,
    /// Derived from the moves in force, recomputed only when they change.
    derived: Derived,
    /// The third party's stance and standing track steps in force (bit k: step k).
    engager: bool,
    track: u32,
    /// Multiplier on incident rates, and monthly tension relief, of the track steps in force.
    incident_factor: f64,
    track_relief: f64,
}

/// What the moves in force and done imply; valid for `key`.
#[derive(Clone, Copy)]
struct Derived {
    key: (MoveSet, MoveSet),
    agreement: bool,
    growth: [f64; 2],
    removal: [f64; 2],
    /// Sum of ln LR of each actor's standing moves in force (monthly evidence).
    standing_lr: [f64; 2],
}

impl<'a> Run<'a> {
    fn new(prep: &'a Prepared<'a>, [u0, u1]: [f64; 2], ws: &'a mut Workspace) -> Self {
        let (sc, arm) = (prep.sc, prep.arm);
        ws.since.clear();
        ws.since.resize(arm.moves.len(), 0);
        for v in ws.acts.iter_mut() {
            v.clear();
        }
        for v in ws.intents.iter_mut() {
            v.clear();
        }
        ws.ledger.clear();
        ws.track_last.clear();
        ws.track_last
            .resize(sc.third_party.as_ref().map_or(0, |tp| tp.moves.len()), 0);
        let side = |i: usize, u: f64| {
            let a = &sc.actors[i];
            let sincere = u < a.prior_sincere;
            let declared = arm.strategies[i];
            let resolved = strategies::resolve(&sc.strategies, declared, sincere);
            Side {
                state: SideState {
                    sincere,
                    trust: prep.p0[i],
                    pressure: prep.pressure0[i],
                    seen: Seen::default(),
                    unreciprocated: 0,
                    last_shock: None,
                },
                l: prep.l0[i],
                l0: prep.l0[i],
                declared,
                flipped: false,
                resolved,
                strategy: Strategy::new(&sc.strategies[resolved].spec),
                offer: None,
                arsenal: a.arsenal.as_ref().map_or(0.0, |x| x.initial),
            }
        };
        let sides = [side(0, u0), side(1, u1)];
        let in_force = prep.in_force0;
        let mut run = Run {
            prep,
            sc,
            arm,
            ws,
            sides,
            board: Board {
                tension: sc.initial.tension,
                in_force,
                done: sc.initial.in_force,
            },
            agreement: false,
            freeze_streak: 0,
            collapsed: false,
            out: RunRecord {
                sincere: [false; 2],
                outcome: Outcome::Stalemate,
                end_month: 0,
                final_trust: [0.0; 2],
                final_tension: 0.0,
                first_irreversible: [None; 2],
                freeze_months: 0,
                agreements: 0,
                agreement_months: 0,
                warheads: 0.0,
                war_risk: 0.0,
                hostile_acts: [0; 2],
                incidents: 0,
                track_months: 0,
            },
            survival: 1.0,
            derived: Derived {
                key: (MoveSet(u128::MAX), MoveSet(u128::MAX)),
                agreement: false,
                growth: [1.0; 2],
                removal: [0.0; 2],
                standing_lr: [0.0; 2],
            },
            engager: prep.engager,
            track: 0,
            incident_factor: 1.0,
            track_relief: 0.0,
        };
        run.out.sincere = [run.sides[0].state.sincere, run.sides[1].state.sincere];
        run.agreement = run.agreement_now();
        if run.freeze_now() {
            run.freeze_streak = 0;
        }
        run
    }

    fn trust(&self, i: ActorIx) -> f64 {
        self.sides[i].state.trust
    }

    fn set_trust(&mut self, i: ActorIx, l: f64) {
        let s = &mut self.sides[i];
        // Trust that sits at a clip bound stays put (about 8% of updates in the default
        // scenario): no new logistic then.
        if l != s.l {
            s.l = l;
            s.state.trust = trust::logistic(l);
        }
    }

    fn arsenal(&self) -> f64 {
        self.sides[0].arsenal + self.sides[1].arsenal
    }

    fn month_record(&self, month: u32, active: bool, status: Status) -> MonthRecord {
        MonthRecord {
            month,
            active,
            trust: [self.trust(0), self.trust(1)],
            tension: self.board.tension,
            arsenal: self.arsenal(),
            status,
        }
    }

    fn status(&self) -> Status {
        if self.agreement {
            Status::Agreement
        } else if self.freeze_now() {
            Status::Freeze
        } else if self.collapsed {
            Status::Breakdown
        } else {
            Status::Stalemate
        }
    }

    /// Every delivered move: standing moves in force and one-shot moves done.
    fn delivered_set(&self) -> MoveSet {
        let standing = self.prep.rules.standing;
        self.board
            .in_force
            .intersect(standing)
            .union(self.board.done.minus(standing))
    }

    fn delivered(&self, m: MoveIx) -> bool {
        if self.prep.rules.standing.contains(m) {
            self.board.in_force.contains(m)
        } else {
            self.board.done.contains(m)
        }
    }

    /// Cost-weighted share of the set's moves that are delivered.
    fn index(&self, set: MoveSet, total: f64) -> f64 {
        if total <= 0.0 {
            return 0.0;
        }
        let s: f64 = set
            .intersect(self.delivered_set())
            .iter()
            .map(|m| self.arm.moves[m].cost)
            .sum();
        s / total
    }

    /// Refresh the derived quantities if the moves in force or done changed.
    fn derive(&mut self) {
        let key = (self.board.in_force, self.board.done);
        if self.derived.key != key {
            let mut growth = [1.0; 2];
            let mut removal = [0.0; 2];
            let mut standing_lr = [0.0; 2];
            for m in self.board.in_force.iter() {
                let mv = &self.arm.moves[m];
                growth[mv.actor] *= mv.arsenal_growth;
                removal[mv.actor] += mv.arsenal_removal;
                standing_lr[mv.actor] += mv.log_lr_standing;
            }
            self.derived = Derived {
                key,
                agreement: self.agreement_now(),
                growth,
                removal,
                standing_lr,
            };
        }
    }

    fn agreement_now(&self) -> bool {
        let p = &self.arm.params;
        self.prep.facts.denuclearization_total > 0.0
            && self.index(
                self.prep.facts.denuclearization,
                self.prep.facts.denuclearization_total,
            ) >= p.agreement_denuclearization
            && self.index(self.prep.facts.peace, self.prep.facts.peace_total) >= p.agreement_peace
    }

    fn freeze_now(&self) -> bool {
        !self
            .board
            .in_force
            .intersect(self.prep.facts.freezes)
            .is_empty()
    }

    fn process_active(&self) -> bool {
        self.agreement || self.freeze_now()
    }

    fn view<'v>(&'v self, i: ActorIx, month: u32) -> View<'v> {
        View {
            me: i,
            month,
            board: &self.board,
            side: &self.sides[i].state,
            their_offer: self.sides[1 - i].offer.as_ref(),
            since: &self.ws.since,
            rules: &self.prep.rules,
        }
    }

    fn go(
        mut self,
        st: &mut rng::Streams,
        shocks: &ShockDraws,
        rec: &mut impl Recorder,
    ) -> RunRecord {
        let horizon = self.sc.horizon;
        rec.month(&self.month_record(0, true, self.status()));
        let mut end = horizon;
        for t in 1..=horizon {
            let war = self.month(t, st, shocks, rec);
            if war {
                end = t;
                self.out.outcome = Outcome::War;
                rec.event(t, &Event::War);
                rec.month(&self.month_record(t, true, Status::War));
                break;
            }
            rec.month(&self.month_record(t, true, self.status()));
        }
        for t in end + 1..=horizon {
            rec.month(&self.month_record(t, false, Status::War));
        }
        let p = &self.arm.params;
        if self.out.outcome != Outcome::War {
            self.out.outcome = if self.agreement {
                Outcome::Agreement
            } else if self.freeze_now() && self.freeze_streak as f64 >= p.interim_freeze_months {
                Outcome::InterimFreeze
            } else if self.collapsed {
                Outcome::Breakdown
            } else {
                Outcome::Stalemate
            };
        }
        self.out.end_month = end;
        self.out.final_trust = [self.trust(0), self.trust(1)];
        self.out.final_tension = self.board.tension;
        self.out.warheads = self.arsenal();
        self.out.war_risk = 1.0 - self.survival;
        self.out
    }

    /// One month; returns true if war broke out.
    fn month(
        &mut self,
        t: u32,
        st: &mut rng::Streams,
        draws: &ShockDraws,
        rec: &mut impl Recorder,
    ) -> bool {
        let u_war = self.shocks(t, draws.month(t), draws.candidates(t), rec);
        if self.sc.third_party.is_some() {
            self.third_party(t, draws.month_track(t), rec);
        }
        self.observe(t, &mut st.perception, rec);
        self.audit(t, rec);
        self.decide(t, &mut st.decisions);
        self.execute(t, &mut st.decisions, rec);
        self.hazards(t, u_war, rec)
    }

    /// Step 1: exogenous events, on the shock stream. The number of draws per month is fixed,
    /// so every arm sees the same shocks in the same month of the same run. `candidates` (see
    /// [`ShockDraws`]) says which sources may fire this month: only those are examined.
    fn shocks(&mut self, t: u32, draws: &[u64], candidates: u64, rec: &mut impl Recorder) -> f64 {
        let ns = self.sc.shocks.len();
        let u_war = rng::hi32(draws[ns + 2]);
        if candidates == 0 {
            return u_war;
        }
        let p = &self.arm.params;
        let process = self.process_active();
        for (k, (sh, &x)) in self.sc.shocks.iter().zip(draws).enumerate() {
            let (u_occ, u_pick, u_absorb) = (rng::hi32(x), rng::mid16(x), rng::lo16(x));
            // Most months nothing happens: reject against the highest possible rate first.
            if !candidate(candidates, k) || u_occ >= sh.max_rate {
                continue;
            }
            let actor = sh.actor;
            let mut rate = sh.rate;
            if let Some(r) = sh.rate_moratorium
                && !self
                    .board
                    .in_force
                    .intersect(self.prep.facts.moratoria[actor])
                    .is_empty()
            {
                rate = r;
            }
            if let Some(r) = sh.rate_process
                && process
            {
                rate = r;
            }
            if sh.only_in_process && !process {
                continue;
            }
            rate = (rate * (1.0 + sh.tension_slope * self.board.tension)).min(1.0);
            if sh.incident {
                rate *= self.incident_factor;
            }
            if u_occ >= rate {
                continue;
            }
            let mv = sh
                .moves
                .iter()
                .find(|(_, cum)| u_pick < *cum)
                .or(sh.moves.last())
                .map(|(m, _)| *m);
            let Some(mv) = mv else { continue };
            if process && u_absorb < p.inclusion * p.inclusion_effect {
                rec.event(t, &Event::Absorbed { actor, mv });
                continue;
            }
            if sh.incident {
                self.out.incidents += 1;
            }
            self.hostile(t, actor, mv, true, false, rec);
        }
        // Politics: scheduled administration changes and random leadership changes.
        for i in 0..2 {
            if !candidate(candidates, ns + i) {
                continue;
            }
            let x = draws[ns + i];
            let (u_lead, u_flip, u_type) = (rng::hi32(x), rng::mid16(x), rng::lo16(x));
            let pol = &self.sc.actors[i].politics;
            if pol.change_due(t) && u_flip < pol.flip {
                let s = &mut self.sides[i];
                s.flipped = !s.flipped;
                self.reset_trust_of_other(i, pol.trust_reset);
                self.restrategise(i);
                self.sides[i].offer = None;
                self.drop_obligations_owed_to(i);
                rec.event(t, &Event::Flipped { actor: i });
            }
            if u_lead < pol.leadership_hazard {
                let sincere = u_type < self.sc.actors[i].prior_sincere;
                self.sides[i].state.sincere = sincere;
                self.reset_trust_of_other(i, pol.trust_reset);
                self.restrategise(i);
                rec.event(t, &Event::NewLeader { actor: i, sincere });
            }
        }
        u_war
    }

    /// The third party's month: elections, the ally's policy, the partner's walk-outs, the
    /// engager's next step, then the relief of the steps in force. Every draw is on the shock
    /// stream, so all arms see the same elections and the same chances.
    fn third_party(&mut self, t: u32, draws: &[u64], rec: &mut impl Recorder) {
        let Some(tp) = &self.sc.third_party else {
            return;
        };
        let suspend =
            |run: &mut Self, k: usize, reason: TrackReason, rec: &mut dyn FnMut(Event)| {
                run.track &= !(1u32 << k);
                rec(Event::Track {
                    mv: k,
                    made: false,
                    reason,
                });
            };
        let mut emit = |e: Event| rec.event(t, &e);
        if tp.politics.change_due(t) && rng::hi32(draws[0]) < tp.politics.flip {
            self.engager = !self.engager;
            emit(Event::Stance {
                engager: self.engager,
            });
            if !self.engager {
                for k in 0..tp.moves.len() {
                    if self.track & (1 << k) != 0 {
                        suspend(self, k, TrackReason::Stance, &mut emit);
                    }
                }
            }
        }
        let support = self.sc.strategies[self.sides[tp.ally].resolved].track
            == crate::model::TrackPolicy::Support;
        for (k, m) in tp.moves.iter().enumerate() {
            if self.track & (1 << k) == 0 {
                continue;
            }
            if m.needs_support && !support {
                suspend(self, k, TrackReason::Ally, &mut emit);
            } else if rng::hi32(draws[2 + k]) < tp.walkout * self.board.tension {
                suspend(self, k, TrackReason::Walkout, &mut emit);
            }
        }
        if self.engager {
            let last = &self.ws.track_last;
            let next = tp.moves.iter().enumerate().position(|(k, m)| {
                (!m.needs_support || support)
                    && if m.standing {
                        self.track & (1 << k) == 0
                    } else {
                        last[k] == 0 || t - last[k] >= m.repeat
                    }
            });
            if let Some(k) = next
                && rng::hi32(draws[1]) < tp.accept * (1.0 - self.board.tension)
            {
                let m = &tp.moves[k];
                self.ws.track_last[k] = t;
                if m.standing {
                    self.track |= 1 << k;
                } else {
                    self.board.tension = (self.board.tension - m.tension_relief).max(0.0);
                }
                emit(Event::Track {
                    mv: k,
                    made: true,
                    reason: TrackReason::Accepted,
                });
            }
        }
        let mut factor = 1.0;
        let mut relief = 0.0;
        for (k, m) in tp.moves.iter().enumerate() {
            if self.track & (1 << k) != 0 {
                factor *= 1.0 - m.incident_relief;
                relief += m.tension_relief;
            }
        }
        self.incident_factor = factor;
        self.track_relief = relief;
        self.board.tension = (self.board.tension - relief).max(0.0);
    }

    fn reset_trust_of_other(&mut self, i: ActorIx, reset: f64) {
        let o = &self.sides[1 - i];
        let l = o.l0 + (o.l - o.l0) * (1.0 - reset);
        self.set_trust(1 - i, l);
    }

    fn restrategise(&mut self, i: ActorIx) {
        let s = &self.sides[i];
        let base = match (s.flipped, self.sc.actors[i].politics.flip_to) {
            (true, Some(alt)) => alt,
            _ => s.declared,
        };
        let resolved = strategies::resolve(&self.sc.strategies, base, s.state.sincere);
        if resolved != s.resolved {
            let s = &mut self.sides[i];
            s.resolved = resolved;
            s.strategy = Strategy::new(&self.sc.strategies[resolved].spec);
            s.offer = None;
        }
    }

    fn drop_obligations_owed_to(&mut self, creditor: ActorIx) {
        self.ws.ledger.retain(|o| o.obligor == creditor);
    }

    /// A hostile act: recorded for the other to observe; it ends the mover's standing moves it breaks.
    fn hostile(
        &mut self,
        t: u32,
        actor: ActorIx,
        mv: MoveIx,
        shock: bool,
        response: bool,
        rec: &mut impl Recorder,
    ) {
        self.ws.acts[actor].push(Act::Hostile(mv, response));
        self.out.hostile_acts[actor] += 1;
        if shock {
            self.sides[actor].state.last_shock = Some(t);
        }
        rec.event(t, &Event::Hostile { actor, mv, shock });
        if let Some(h) = &self.arm.moves[mv].hostile {
            for b in h.breaks.intersect(self.board.in_force).iter() {
                self.board.in_force.remove(b);
                rec.event(t, &Event::Revoked { actor, mv: b });
            }
        }
    }

    /// Steps 2 to 4: each side observes the other's acts with misperception, then trust and
    /// tension are updated.
    fn observe(&mut self, t: u32, rng: &mut ChaCha8Rng, rec: &mut impl Recorder) {
        // Shocks may have ended standing moves this month.
        self.derive();
        let p = &self.arm.params;
        let eps = tension::misperception(self.board.tension, p);
        let mut severity_total = 0.0;
        let mut value_total = 0.0;
        for i in 0..2 {
            let j = 1 - i;
            // Written in place: the view of the decisions reads it.
            let seen = &mut self.sides[i].state.seen;
            *seen = Seen::default();
            let mut good = 0.0;
            let mut bad = 0.0;
            for &act in &self.ws.acts[j] {
                let u = rng.random::<f64>();
                match act {
                    Act::Made(m) => {
                        let mv = &self.arm.moves[m];
                        let missed = u < eps;
                        rec.event(
                            t,
                            &Event::Perceived {
                                observer: i,
                                mv: Some(m),
                                misperceived: missed,
                                as_hostile: false,
                            },
                        );
                        if !missed {
                            good += mv.log_lr;
                            seen.value += mv.value;
                            seen.conciliatory.insert(m);
                        }
                    }
                    Act::Hostile(m, response) => {
                        let mv = &self.arm.moves[m];
                        let (sev, ph) = mv
                            .hostile
                            .as_ref()
                            .map_or((0.0, 1.0), |h| (h.severity, h.perceived_hostile));
                        let as_hostile = u < ph;
                        rec.event(
                            t,
                            &Event::Perceived {
                                observer: i,
                                mv: Some(m),
                                misperceived: !as_hostile,
                                as_hostile,
                            },
                        );
                        if as_hostile {
                            bad += mv.log_lr;
                            seen.severity += sev;
                            seen.hostile = true;
                            if !response {
                                seen.provocation += sev;
                            }
                        }
                    }
                    Act::Revoked(m) => {
                        rec.event(
                            t,
                            &Event::Perceived {
                                observer: i,
                                mv: Some(m),
                                misperceived: false,
                                as_hostile: true,
                            },
                        );
                        bad += self.prep.ln_renege;
                        seen.severity += p.renege_severity;
                        seen.reneged = true;
                    }
                }
            }
            if self.ws.acts[j].is_empty() {
                // A quiet month may be misread as hostile.
                let u = rng.random::<f64>();
                if u < eps {
                    rec.event(
                        t,
                        &Event::Perceived {
                            observer: i,
                            mv: None,
                            misperceived: true,
                            as_hostile: true,
                        },
                    );
                    bad += self.prep.ln_misread;
                    seen.severity += p.misread_severity;
                    seen.hostile = true;
                    seen.provocation += p.misread_severity;
                }
            }
            // Standing moves of the other, verified and kept, keep informing (every move in
            // force now was made in an earlier month: this month's moves come later).
            good += self.derived.standing_lr[j];
            let before = self.sides[i].l;
            let l = self.prep.belief.apply(before, self.sides[i].l0, good, bad);
            rec.event(
                t,
                &Event::TrustUpdate {
                    observer: i,
                    forgetting: self.prep.belief.forgetting * (self.sides[i].l0 - before),
                    good,
                    bad: self.prep.belief.negativity * bad,
                },
            );
            let (severity, value) = (seen.severity, seen.value);
            self.set_trust(i, l);
            severity_total += severity;
            value_total += value;
        }
        self.board.tension = tension::update(self.board.tension, severity_total, value_total, p);
        for i in 0..2 {
            self.sides[i].state.pressure =
                tension::pressure(self.sc.actors[i].pressure_base, self.board.tension, p);
        }
    }

    /// Step 5: overdue obligations. A step the obligor could not make (gate, feasibility,
    /// prerequisites) is read as "not yet" and its deadline extended; one it could have made
    /// is a renege, perceived at once by the creditor.
    fn audit(&mut self, t: u32, rec: &mut impl Recorder) {
        let p = &self.arm.params;
        let mut k = 0;
        while k < self.ws.ledger.len() {
            let o = self.ws.ledger[k];
            if self.delivered(o.mv) {
                self.ws.ledger.swap_remove(k);
                continue;
            }
            if o.due >= t {
                k += 1;
                continue;
            }
            if !self.view(o.obligor, t).available(o.mv) {
                self.ws.ledger[k].due = t + o.deadline;
                k += 1;
                continue;
            }
            self.ws.ledger.swap_remove(k);
            rec.event(
                t,
                &Event::Reneged {
                    actor: o.obligor,
                    mv: o.mv,
                },
            );
            let creditor = 1 - o.obligor;
            let l = self
                .prep
                .belief
                .clip(self.sides[creditor].l - p.negativity * self.prep.ln_renege);
            self.set_trust(creditor, l);
            let c = &mut self.sides[creditor];
            c.state.seen.reneged = true;
            c.state.seen.severity += p.renege_severity;
            self.board.tension =
                (self.board.tension + p.tension_hostile * p.renege_severity).min(1.0);
            for i in 0..2 {
                self.sides[i].state.pressure =
                    tension::pressure(self.sc.actors[i].pressure_base, self.board.tension, p);
            }
        }
    }

    /// Step 6: both sides choose at once, from the same state.
    fn decide(&mut self, t: u32, rng: &mut ChaCha8Rng) {
        let delivered = self.delivered_set();
        let p = &self.arm.params;
        // Disjoint borrows: the views read the state while the intents are written.
        let Run {
            ws,
            board,
            sides,
            prep,
            arm,
            ..
        } = self;
        let (rules, facts) = (&prep.rules, &prep.facts);
        for (i, out) in ws.intents.iter_mut().enumerate() {
            out.clear();
            let (mine, theirs) = match sides {
                [a, b] if i == 0 => (a, &*b),
                [a, b] => (b, &*a),
            };
            let v = View {
                me: i,
                month: t,
                board,
                side: &mine.state,
                their_offer: theirs.offer.as_ref(),
                since: &ws.since,
                rules,
            };
            mine.strategy.decide(&v, rng, out);
            // An exploiter pockets what it was given: once it holds costly steps of the other,
            // it revokes its own standing moves at a hazard (drawn only in those months).
            if !mine.state.sincere
                && !facts.costly[1 - i].intersect(delivered).is_empty()
                && rng.random::<f64>() < p.pocket_hazard
            {
                v.revoke_latest(|_| true, out);
            }
            // The gate applies to keeping as well as making, with hysteresis: when trust falls
            // below keep_fraction of a standing step's gate, the costliest such step is suspended.
            let trust = mine.state.trust;
            if trust < facts.keep_below[i]
                && let Some(m) = board
                    .in_force
                    .intersect(facts.standing[i])
                    .iter()
                    .filter(|&m| trust < p.keep_fraction * arm.moves[m].gate && v.revocable(m))
                    .max_by(|&a, &b| arm.moves[a].gate.total_cmp(&arm.moves[b].gate))
            {
                out.push(Intent::Revoke(m));
            }
        }
    }

    /// Step 7: execute the intents with implementation noise.
    fn execute(&mut self, t: u32, rng: &mut ChaCha8Rng, rec: &mut impl Recorder) {
        let p = &self.arm.params;
        // Last month's acts and this month's shocks have been observed.
        for acts in self.ws.acts.iter_mut() {
            acts.clear();
        }
        let intents = std::mem::take(&mut self.ws.intents);
        for (i, list) in intents.iter().enumerate() {
            for &intent in list {
                match intent {
                    Intent::Make(m) => {
                        let v = self.view(i, t);
                        if !v.available(m) {
                            continue;
                        }
                        if rng.random::<f64>() < p.execution_failure {
                            rec.event(t, &Event::Slipped { actor: i, mv: m });
                            continue;
                        }
                        let mv = &self.arm.moves[m];
                        if mv.standing {
                            self.board.in_force.insert(m);
                        }
                        self.board.done.insert(m);
                        self.ws.since[m] = t;
                        self.ws.acts[i].push(Act::Made(m));
                        if mv.verified_irreversible(p) && self.out.first_irreversible[i].is_none() {
                            self.out.first_irreversible[i] = Some(t);
                        }
                        rec.event(t, &Event::Made { actor: i, mv: m });
                    }
                    Intent::Revoke(m) => {
                        let v = self.view(i, t);
                        if self.arm.moves[m].actor == i && v.revocable(m) {
                            self.board.in_force.remove(m);
                            self.ws.acts[i].push(Act::Revoked(m));
                            rec.event(t, &Event::Revoked { actor: i, mv: m });
                        }
                    }
                    Intent::Hostile(m) | Intent::Retaliate(m) => {
                        if self.arm.moves[m].actor == i && self.arm.moves[m].is_hostile() {
                            let response = matches!(intent, Intent::Retaliate(_));
                            self.hostile(t, i, m, false, response, rec);
                        }
                    }
                    Intent::Offer(o) => {
                        self.sides[i].offer = Some(o);
                        self.drop_obligations_owed_to(i);
                        if let Some(d) = o.deadline {
                            let owed: MoveSet =
                                o.demand.iter().filter(|&m| !self.delivered(m)).collect();
                            for m in owed.iter() {
                                self.ws.ledger.push(Obligation {
                                    obligor: 1 - i,
                                    mv: m,
                                    due: t + d,
                                    deadline: d.max(1),
                                });
                            }
                        }
                        rec.event(t, &Event::Offered { actor: i });
                    }
                    Intent::Withdraw => {
                        self.sides[i].offer = None;
                        self.drop_obligations_owed_to(i);
                    }
                }
            }
        }
        self.ws.intents = intents;
    }

    /// Steps 8 and 9: war hazard, arsenals, the process's status and the reciprocity counters.
    fn hazards(&mut self, t: u32, u_war: f64, rec: &mut impl Recorder) -> bool {
        let p = &self.arm.params;
        let h = tension::war_hazard(self.board.tension, p);
        self.survival *= 1.0 - h;
        if u_war < h {
            return true;
        }
        self.derive();
        let d = &self.derived;
        for i in 0..2 {
            if let Some(a) = &self.sc.actors[i].arsenal {
                let w = self.sides[i].arsenal;
                self.sides[i].arsenal =
                    (w + a.growth * d.growth[i] - w * d.removal[i].min(1.0)).max(0.0);
            }
        }
        if self.track != 0 {
            self.out.track_months += 1;
        }
        let agreement = d.agreement;
        if agreement && !self.agreement {
            self.out.agreements += 1;
            rec.event(t, &Event::AgreementFormed);
        } else if !agreement && self.agreement {
            self.collapsed = true;
            rec.event(t, &Event::AgreementCollapsed);
        }
        self.agreement = agreement;
        if agreement {
            self.out.agreement_months += 1;
        }
        if self.freeze_now() {
            if self.freeze_streak == 0 {
                rec.event(t, &Event::FreezeFormed);
            }
            self.freeze_streak += 1;
            self.out.freeze_months += 1;
        } else if self.freeze_streak > 0 {
            self.freeze_streak = 0;
            self.collapsed = true;
            rec.event(t, &Event::FreezeCollapsed);
        }
        for i in 0..2 {
            let j = 1 - i;
            let mine_out = !self
                .board
                .in_force
                .intersect(self.prep.facts.standing[i])
                .is_empty();
            let theirs_out = !self
                .board
                .in_force
                .intersect(self.prep.facts.standing[j])
                .is_empty()
                || !self.sides[i].state.seen.conciliatory.is_empty()
                || self.ws.acts[j].iter().any(|a| matches!(a, Act::Made(_)));
            let s = &mut self.sides[i];
            s.state.unreciprocated = if mine_out && !theirs_out {
                s.state.unreciprocated + 1
            } else {
                0
            };
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Skipping the months and sources that `ShockDraws` marks as quiet changes nothing: every
    /// run matches the same run with every source examined every month, also when there are
    /// too many sources for the mask.
    #[test]
    fn skipping_quiet_sources_changes_nothing() {
        let base = crate::scenario::default_scenario().scenario;
        for many in [false, true] {
            let mut sc = base.clone();
            // Frequent shocks and leadership changes, so that every path is taken.
            for sh in &mut sc.shocks {
                sh.rate = (sh.rate * 20.0).min(0.5);
                sh.max_rate = sh.highest_rate();
            }
            for a in &mut sc.actors {
                a.politics.leadership_hazard = 0.05;
            }
            if many {
                while sc.shocks.len() < 70 {
                    let sh = sc.shocks[sc.shocks.len() % 3].clone();
                    sc.shocks.push(sh);
                }
            }
            let (mut hostile, mut leaders, mut flips) = (0, 0, 0);
            for arm in &sc.experiment.arms {
                let prep = Prepared::new(&sc, arm);
                for run in 0..25 {
                    let seed = rng::run_seed(9, run);
                    let mut shocks = ShockDraws::default();
                    shocks.draw(&sc, seed);
                    let mut every = shocks.clone();
                    every.candidates.fill(u64::MAX);
                    let (mut a, mut b) = (Keep::default(), Keep::default());
                    let ra = simulate_with(&prep, seed, &shocks, &mut Workspace::new(), &mut a);
                    let rb = simulate_with(&prep, seed, &every, &mut Workspace::new(), &mut b);
                    assert_eq!(ra, rb);
                    assert_eq!(a.months, b.months);
                    assert_eq!(a.events, b.events);
                    for (_, e) in &a.events {
                        match e {
                            Event::Hostile { shock: true, .. } => hostile += 1,
                            Event::NewLeader { .. } => leaders += 1,
                            Event::Flipped { .. } => flips += 1,
                            _ => {}
                        }
                    }
                }
            }
            assert!(
                hostile > 100 && leaders > 10 && flips > 5,
                "{hostile} {leaders} {flips}"
            );
        }
    }
}
