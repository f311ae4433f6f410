//! The validated domain model: actors, moves, shocks, roadmaps, strategies and experiments.
//!
//! Everything here is built by `scenario` from a file and is read-only during a run.
//! Nothing in this module names a country: actors, moves and roadmaps are data.

pub mod conduct;
pub mod dist;
pub mod gate;
pub mod math;
pub mod metrics;
pub mod movesets;
pub mod params;
pub mod tension;
pub mod trust;

pub use movesets::MoveSet;
pub use params::{Params, Payoff};

pub mod strategy;

pub use strategy::{StrategySpec, TypeConditional};

/// Index of an actor in [`Scenario::actors`] (0 or 1).
pub type ActorIx = usize;
/// Index of a move in [`Scenario::moves`].
pub type MoveIx = usize;

/// The most moves a scenario may declare (they live in 128-bit sets).
pub const MAX_MOVES: usize = 128;

/// Index of a category in [`Scenario::categories`]: what a move is about, as the scenario
/// names it.
pub type CategoryIx = usize;

/// An index an agreement is measured by: the share, by cost, of the conciliatory moves of its
/// categories that are delivered (in force, or done for one-shot moves). An agreement holds
/// when every index reaches its threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct AgreementIndex {
    pub id: String,
    pub label: String,
    /// The conciliatory moves of the index's categories.
    pub moves: MoveSet,
    pub threshold: f64,
}

/// How the outputs name the stock an actor may hold and grow (weapons, enriched material,
/// troops): declared by the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct StockNames {
    /// Chart title and report text ("Warheads").
    pub label: String,
    /// Written after a number ("35 warheads").
    pub unit: String,
    /// The run metric of its value at the end (runs.csv, summary.csv).
    pub final_metric: String,
    /// The trajectory metric of its value month by month (trajectories.csv).
    pub monthly_metric: String,
}

impl Default for StockNames {
    fn default() -> Self {
        StockNames {
            label: "Stock".into(),
            unit: "units".into(),
            final_metric: "stock".into(),
            monthly_metric: "stock".into(),
        }
    }
}

/// The hostile moves whose acts the run counts per year with and without a process under way
/// (an agreement or a verified freeze in force), to compare with a record (strategic tests
/// during and outside agreements): declared by the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    /// The prefix of its run metrics (`{name}_per_year:in_process`).
    pub name: String,
    pub moves: MoveSet,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            name: "tally".into(),
            moves: MoveSet::EMPTY,
        }
    }
}

/// A hostile act's parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Hostility {
    /// Severity on the 0-10 scale (drives tension).
    pub severity: f64,
    /// Likelihood ratio G vs S: how much more likely an exploiter is to do it.
    pub lr: f64,
    /// Probability the receiver reads it as hostile (ambiguous acts < 1).
    pub perceived_hostile: f64,
    /// The mover's own standing moves that this act ends (a test ends a test moratorium).
    pub breaks: MoveSet,
}

/// One entry of the move catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    pub id: String,
    pub label: String,
    pub actor: ActorIx,
    pub category: CategoryIx,
    /// Cost to the mover, 0-10.
    pub cost: f64,
    /// Value to the receiver, 0-10.
    pub value: f64,
    /// Verifiability nu in [0,1] (already multiplied by the verification regime).
    pub verifiability: f64,
    /// Irreversibility r in [0,1].
    pub irreversibility: f64,
    /// Months a standing move must be in force before it can be revoked.
    pub reversal_lag: u32,
    /// Moves (of any actor) that must be delivered first: standing ones in force, one-shot
    /// ones done.
    pub requires: MoveSet,
    /// A standing move stays in force until revoked; a one-shot move is an event.
    pub standing: bool,
    /// Counts as a freeze (interim-freeze outcome, freeze months).
    pub freeze: bool,
    /// Counts as a test moratorium (shock rates `when_moratorium`).
    pub moratorium: bool,
    /// Multiplier on the growth of the mover's stock while in force.
    pub stock_growth: f64,
    /// Share of the mover's stock removed each month while in force.
    pub stock_removal: f64,
    /// `Some` for hostile acts.
    pub hostile: Option<Hostility>,
    // Derived quantities (computed once at validation).
    /// Stake x = min(1, c*r/stake_scale): what the mover loses if exploited.
    pub stake: f64,
    /// ln LR_obs: trust gained when the move is observed (for a hostile act, ln of its
    /// likelihood ratio G vs S, before the negativity multiplier).
    pub log_lr: f64,
    /// ln(1 + standing_lr*nu): trust gained per month in force (standing moves).
    pub log_lr_standing: f64,
}

impl Move {
    pub fn is_hostile(&self) -> bool {
        self.hostile.is_some()
    }
    pub fn is_conciliatory(&self) -> bool {
        self.hostile.is_none()
    }
    /// Whether the move is a costly, irreversible and verified step by the scenario's thresholds.
    pub fn verified_irreversible(&self, p: &Params) -> bool {
        self.is_conciliatory()
            && self.irreversibility >= p.irreversible_threshold
            && self.verifiability >= p.verified_threshold
            && self.cost >= p.irreversible_min_cost
    }
}

/// A regular change of government (elections) or a random change of leader.
#[derive(Debug, Clone, PartialEq)]
pub struct Politics {
    /// Months between scheduled administration changes (0: none).
    pub cycle: u32,
    /// Month of the first scheduled change (then every `cycle` months).
    pub first_change: u32,
    /// What a new administration plays, with cumulative probabilities: at a scheduled change a
    /// draw below the first bound picks the first successor, and so on; above the last
    /// ([`Politics::flip`]) the administration keeps its course.
    pub successors: Vec<(Successor, f64)>,
    /// Share of the other side's trust gains (above its initial belief) lost at a change.
    pub trust_reset: f64,
    /// Monthly hazard of an unscheduled change of leader (type redrawn from the prior).
    pub leadership_hazard: f64,
    /// Months a new administration or leader reviews policy before it acts.
    pub lag: u32,
    /// Probability that each of its own conciliatory standing steps in force binds a new
    /// administration (it cannot take it back during its term).
    pub stickiness: f64,
    /// Dated changes of course, by month (increasing): from that month the actor plays the
    /// successor, as a new administration (trust reset, review lag, stickiness).
    pub schedule: Vec<(u32, Successor)>,
}

/// The course a new administration takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Successor {
    /// The arm's own strategy.
    Arm,
    /// This strategy.
    Strategy(usize),
    /// `flip_to` (the older form): this strategy if the arm's is in force, else the arm's; with
    /// none, the course stays.
    Toggle(Option<usize>),
}

impl Politics {
    /// No changes of government at all.
    pub fn none() -> Politics {
        Politics {
            cycle: 0,
            first_change: 1,
            successors: Vec::new(),
            trust_reset: 0.0,
            leadership_hazard: 0.0,
            lag: 0,
            stickiness: 0.0,
            schedule: Vec::new(),
        }
    }

    /// The probability that a scheduled change brings a new course (the last bound of the
    /// successors).
    pub fn flip(&self) -> f64 {
        self.successors.last().map_or(0.0, |s| s.1)
    }

    /// Whether anything can change: a scheduled change with a new course, or a new leader.
    pub fn active(&self) -> bool {
        (self.cycle > 0 && self.flip() > 0.0)
            || self.leadership_hazard > 0.0
            || !self.schedule.is_empty()
    }

    /// The dated change of course in month `t`, if one falls then.
    pub fn scheduled(&self, t: u32) -> Option<Successor> {
        self.schedule.iter().find(|(m, _)| *m == t).map(|(_, s)| *s)
    }

    /// The successor a scheduled change's draw `u` picks (None: the course stays).
    pub fn successor(&self, u: f64) -> Option<Successor> {
        self.successors
            .iter()
            .find(|(_, c)| u < *c)
            .map(|(s, _)| *s)
    }

    /// Whether a scheduled administration change falls in month `t`.
    pub fn change_due(&self, t: u32) -> bool {
        self.cycle > 0
            && t >= self.first_change
            && (t - self.first_change).is_multiple_of(self.cycle)
    }
}

/// The stock an actor holds and may grow (its names are the scenario's [`StockNames`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Stock {
    pub initial: f64,
    /// Added per month while no move in force slows it.
    pub growth: f64,
}

/// A strategic actor.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub id: String,
    pub label: String,
    /// Prior probability that this actor is type S (sincere).
    pub prior_sincere: f64,
    /// This actor's initial trust in the other (P(other is S)).
    pub initial_trust: f64,
    /// Months of unreciprocated own steps tolerated before suspending or reversing.
    pub patience: u32,
    /// h0: base domestic pressure.
    pub pressure_base: f64,
    /// B: domestic budget for a single move.
    pub budget: f64,
    /// d: the share of this side's step choices its conduct weighs; the rest follow its
    /// strategy as a binding policy (`model::conduct`).
    pub discretion: f64,
    pub politics: Politics,
    /// How this actor scores a run (`payoff:<actor>`).
    pub payoff: Payoff,
    pub stock: Option<Stock>,
    /// Hostile move used to answer a hostile act.
    pub retaliation: Option<MoveIx>,
    /// Hostile moves used for pressure and escalation.
    pub pressure: Vec<MoveIx>,
}

/// An exogenous event source drawn on the shock stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Shock {
    pub id: String,
    /// The actor whose organs commit the act (acts of any organ count as the state's).
    pub actor: ActorIx,
    /// Base monthly rate.
    pub rate: f64,
    /// Rate multiplied by (1 + tension_slope * tau).
    pub tension_slope: f64,
    /// Rate while the actor has a moratorium in force (None: unchanged).
    pub rate_moratorium: Option<f64>,
    /// Rate while an agreement or freeze is in force (None: unchanged).
    pub rate_process: Option<f64>,
    /// Only occurs while an agreement or freeze is in force (spoilers).
    pub only_in_process: bool,
    /// Candidate hostile moves with cumulative weights in (0, 1].
    pub moves: Vec<(MoveIx, f64)>,
    /// A border or military incident: its rate falls with a third party's military
    /// confidence-building measures in force.
    pub incident: bool,
    /// The highest rate this source can have in any state (a quick reject in the loop).
    pub max_rate: f64,
}

impl Shock {
    /// The highest monthly rate over every state (moratorium, process, tension 1).
    pub fn highest_rate(&self) -> f64 {
        let base = self
            .rate
            .max(self.rate_moratorium.unwrap_or(0.0))
            .max(self.rate_process.unwrap_or(0.0));
        (base * (1.0 + self.tension_slope)).min(1.0)
    }
}

/// One phase of a roadmap: each actor's half.
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    pub label: String,
    /// Steps per actor, indexed by [`ActorIx`].
    pub steps: [MoveSet; 2],
}

/// A sequence of matched phases (action for action).
#[derive(Debug, Clone, PartialEq)]
pub struct Roadmap {
    pub id: String,
    pub phases: Vec<Phase>,
}

/// A named, parameterised strategy declared in the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyDecl {
    pub id: String,
    pub spec: StrategySpec,
    /// What an ally following this strategy does about the third party's track.
    pub track: TrackPolicy,
}

/// An ally's policy toward the third party's track (the strategy key `third_party`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackPolicy {
    /// Grants the exemptions the track's projects need.
    Support,
    /// Withholds them: projects that need support cannot start, and those running stop.
    Impede,
}

/// One step of the third party's own track with the partner.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackMove {
    pub id: String,
    pub label: String,
    /// A standing step stays in force until suspended; a one-shot step can be repeated.
    pub standing: bool,
    /// Tension removed each month in force (standing) or once when made (one-shot).
    pub tension_relief: f64,
    /// Share by which the rates of `incident` shocks fall while in force.
    pub incident_relief: f64,
    /// Needs the ally's support (an exemption) to start and to keep running.
    pub needs_support: bool,
    /// Months before a one-shot step can be made again.
    pub repeat: u32,
}

/// The most steps a third party's track may have.
pub const MAX_TRACK_MOVES: usize = 32;

/// A third actor that runs its own confidence-building track with one strategic actor (the
/// partner) and is allied with the other (the ally). Not a strategic player: its stance changes
/// only with its own elections.
#[derive(Debug, Clone, PartialEq)]
pub struct ThirdParty {
    pub id: String,
    pub label: String,
    pub ally: ActorIx,
    pub partner: ActorIx,
    /// Whether it starts as an engager (runs its track) or a hardliner (does not).
    pub engager: bool,
    /// Monthly probability that the partner accepts the engager's next step, at tension 0
    /// (times 1 - tension).
    pub accept: f64,
    /// Monthly hazard, per standing step and times tension, that the partner walks out of it.
    pub walkout: f64,
    /// Elections: `cycle`, `first_change` and `flip` (the chance a change toggles the stance).
    pub politics: Politics,
    pub moves: Vec<TrackMove>,
}

/// One arm of an experiment.
#[derive(Debug, Clone, PartialEq)]
pub struct Arm {
    pub id: String,
    pub label: String,
    /// Strategy index per actor.
    pub strategies: [usize; 2],
    /// Parameters for this arm (the scenario's, with the arm's overrides).
    pub params: Params,
    /// Moves with parameters of this arm (derived quantities depend on params).
    pub moves: Vec<Move>,
    /// The third party's stance at month 0 in this arm (None: the scenario's); true: engager.
    pub stance: Option<bool>,
    /// Each actor's politics in this arm (the actor's, with the arm's overrides).
    pub politics: [Politics; 2],
}

/// The experiment: arms run on the same run indices with common random numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Experiment {
    pub arms: Vec<Arm>,
    pub baseline: usize,
    pub runs: u64,
    pub seed: u64,
    /// The question it answers (may be empty).
    pub question: String,
    /// The comparison that answers it.
    pub headline: Option<Headline>,
    /// Runs that share each draw of the scenario's distributions (`[experiment]
    /// runs_per_draw`; None: [`DEFAULT_RUNS_PER_DRAW`]).
    pub runs_per_draw: Option<u64>,
}

/// Runs per draw of a scenario's distributions when `runs_per_draw` is not given: enough to
/// tell a draw's mean from its noise roughly, few enough to leave many draws.
pub const DEFAULT_RUNS_PER_DRAW: u64 = 10;

impl Experiment {
    /// Runs that share each draw of the scenario's distributions.
    pub fn runs_per_draw(&self) -> u64 {
        self.runs_per_draw.unwrap_or(DEFAULT_RUNS_PER_DRAW)
    }
}

/// The headline comparison: the paired difference of `arm` from the baseline on a run metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Headline {
    pub arm: usize,
    /// Index into the run metrics (`batch::aggregate::RUN_METRICS`).
    pub metric: usize,
}

/// What the results files contain (`[output]`).
#[derive(Debug, Clone, PartialEq)]
pub struct OutputOptions {
    /// Run metrics of summary.csv and sweep.csv (indices into the run metrics), in file order;
    /// None: every metric (summary.csv) or the key metrics (sweep.csv).
    pub metrics: Option<Vec<usize>>,
    /// Quantiles of trajectories.csv (columns `p10`, `p50`, ...), increasing.
    pub quantiles: Vec<f64>,
    /// Whether runs.csv is written.
    pub runs_csv: bool,
    /// Runs (the first, by run index) that also run each arm with politics without
    /// administration or leader changes, to measure what politics changes.
    pub politics_runs: u64,
}

impl Default for OutputOptions {
    fn default() -> Self {
        OutputOptions {
            metrics: None,
            quantiles: vec![0.1, 0.5, 0.9],
            runs_csv: true,
            politics_runs: 2000,
        }
    }
}

/// A quantile's column name: `p10` for 0.1, `p2.5` for 0.025.
pub fn quantile_name(q: f64) -> String {
    let pct = q * 100.0;
    let s = format!("{pct:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("p{s}")
}

/// The initial shared state.
#[derive(Debug, Clone, PartialEq)]
pub struct InitialState {
    pub tension: f64,
    /// Moves already in force (or done) at month 0.
    pub in_force: MoveSet,
}

/// A validated scenario: what the engine runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub title: String,
    pub description: String,
    pub horizon: u32,
    pub actors: [Actor; 2],
    pub params: Params,
    /// The catalogue with the scenario's parameters (each arm carries its own copy).
    pub moves: Vec<Move>,
    pub shocks: Vec<Shock>,
    pub roadmaps: Vec<Roadmap>,
    pub strategies: Vec<StrategyDecl>,
    /// The move categories, as the scenario names them.
    pub categories: Vec<String>,
    /// What an agreement is measured by.
    pub indices: Vec<AgreementIndex>,
    /// How the outputs name the actors' stock.
    pub stock: StockNames,
    /// The hostile moves the tally metrics count, with and without a process under way.
    pub tally: Tally,
    pub initial: InitialState,
    pub experiment: Experiment,
    /// An optional third actor with its own track.
    pub third_party: Option<ThirdParty>,
    /// What the results files contain.
    pub output: OutputOptions,
    /// The values drawn anew for every run, if any (judgement as distributions); the fields
    /// above hold their nominal values.
    pub uncertainty: Option<std::sync::Arc<Uncertainty>>,
}

/// A step of the path to a value in a scenario document: a key of a table, or an element of a
/// list of tables.
#[derive(Debug, Clone, PartialEq)]
pub enum PathStep {
    Key(String),
    Index(usize),
}

/// One value of a scenario given as a distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertain {
    /// Its dotted key (`params.inclusion`, `actors.DPRK.prior_sincere`), as in `--vary`.
    pub key: String,
    /// Where it is in the document.
    pub path: Vec<PathStep>,
    pub dist: dist::Dist,
    /// The setting takes a whole number: draws are rounded.
    pub integer: bool,
}

impl Uncertain {
    /// A draw as the setting takes it (rounded for a whole-number setting).
    pub fn value(&self, x: f64) -> f64 {
        if self.integer { x.round() } else { x }
    }
}

/// A scenario's distributions, and the document they are drawn into for each run (a run's
/// scenario is the document rebuilt with its draws: `scenario::Rebuild`).
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertainty {
    pub values: Vec<Uncertain>,
    /// Settings drawn together from a fitted posterior (`from_posterior`): the last of
    /// `values`, from `Joint::first` on.
    pub joint: Option<Joint>,
    /// The scenario's path (for messages) and its whole text (the merged document for a
    /// scenario that builds on others).
    pub path: String,
    pub text: String,
}

impl Uncertainty {
    /// The values of draw `draw` of a batch with master seed `master`: the `parameters`
    /// stream of the run seed of index `draw` (so with one run per draw, each run draws from
    /// its own stream). Every arm of the draw's runs uses them.
    /// The distributions are drawn first, in order, then one particle of the posterior.
    pub fn draw(&self, master: u64, draw: u64) -> Vec<f64> {
        let seed = crate::rng::run_seed(master, draw);
        let mut rng = crate::rng::stream(seed, crate::rng::subsystem::PARAMETERS);
        let own = self.joint.as_ref().map_or(self.values.len(), |j| j.first);
        let mut out: Vec<f64> = self.values[..own]
            .iter()
            .map(|u| u.value(u.dist.sample(&mut rng)))
            .collect();
        if let Some(j) = &self.joint {
            let k = j.pick(&mut rng);
            let rest = self.values[own..].iter().zip(&j.particles[k]);
            out.extend(rest.map(|(u, &x)| u.value(x)));
        }
        out
    }
}

/// Settings drawn together, a weighted particle at a time, from the posterior of a
/// calibration (`from_posterior`): the draws keep the correlations the fit found.
#[derive(Debug, Clone, PartialEq)]
pub struct Joint {
    /// Where its settings start in `Uncertainty::values` (they run to the end).
    pub first: usize,
    /// The posterior file as the scenario names it.
    pub file: String,
    /// Each particle's values, in the order of the settings.
    pub particles: Vec<Vec<f64>>,
    /// Running sums of the particles' weights; the last is the total, above 0.
    pub cumulative: Vec<f64>,
}

impl Joint {
    /// The particles and their weights (finite, not negative, summing above 0).
    pub fn new(first: usize, file: String, particles: Vec<Vec<f64>>, weights: &[f64]) -> Self {
        let mut sum = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                sum += w;
                sum
            })
            .collect();
        Joint {
            first,
            file,
            particles,
            cumulative,
        }
    }

    /// A particle drawn with probability proportional to its weight.
    pub fn pick(&self, rng: &mut rand_chacha::ChaCha8Rng) -> usize {
        use rand::RngExt;
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let u = rng.random::<f64>() * total;
        let k = self.cumulative.partition_point(|&c| c <= u);
        k.min(self.particles.len().saturating_sub(1))
    }
}

impl Scenario {
    pub fn move_ix(&self, id: &str) -> Option<MoveIx> {
        self.moves.iter().position(|m| m.id == id)
    }
    pub fn actor_ix(&self, id: &str) -> Option<ActorIx> {
        self.actors.iter().position(|a| a.id == id)
    }
    /// The index of the experiment's arm `id`.
    pub fn arm_ix(&self, id: &str) -> Option<usize> {
        self.experiment.arms.iter().position(|a| a.id == id)
    }
    /// `trust:A:B`, A's trust in B.
    pub fn trust_metric(&self, from: ActorIx) -> String {
        format!(
            "trust:{}:{}",
            self.actors[from].id,
            self.actors[1 - from].id
        )
    }
    /// An upper bound of the total stock over the horizon (histogram range).
    pub fn stock_bound(&self) -> f64 {
        let max_mult = self
            .moves
            .iter()
            .map(|m| m.stock_growth)
            .fold(1.0f64, f64::max);
        let b: f64 = self
            .actors
            .iter()
            .filter_map(|a| a.stock.as_ref())
            .map(|a| a.initial + a.growth * max_mult * self.horizon as f64)
            .sum();
        b.max(1.0).ceil()
    }

    /// The largest magnitude actor `i`'s payoff can reach: every month at most the weights
    /// times the value and cost of every move, the whole tension, the stock bound and a war,
    /// over the horizon in years (the discount only shrinks it).
    pub fn payoff_bound(&self, i: ActorIx) -> f64 {
        let w = &self.actors[i].payoff;
        let value: f64 = self.moves.iter().map(|m| m.value.abs()).sum();
        let cost: f64 = self.moves.iter().map(|m| m.cost.abs()).sum();
        let monthly = w.relief * value
            + w.concession * cost
            + w.tension
            + (w.own_stock.abs() + w.other_stock.abs()) * self.stock_bound()
            + w.war;
        monthly * (self.horizon as f64 + 1.0) / 12.0
    }
}

/// Fill in the derived quantities of every move from the parameters.
pub fn derive_moves(moves: &mut [Move], p: &Params) {
    for m in moves.iter_mut() {
        m.verifiability = (m.verifiability * p.verification).min(1.0);
        m.stake = gate::stake(m.cost, m.irreversibility, p);
        m.log_lr = match &m.hostile {
            Some(h) => math::ln(h.lr),
            None => trust::log_lr_observed(m.cost, m.irreversibility, m.verifiability, p),
        };
        m.log_lr_standing = if m.standing && m.is_conciliatory() && m.cost >= p.standing_min_cost {
            math::ln(1.0 + p.standing_lr * m.verifiability)
        } else {
            0.0
        };
    }
}
