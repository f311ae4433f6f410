//! The scenario file as written: serde structs mirroring the TOML, with spans for error messages.
//! Unknown keys are errors everywhere; value checks run while parsing so errors carry positions.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::model::params::{Params, check, check_opt};

fn one() -> f64 {
    1.0
}
fn one_u32() -> u32 {
    1
}
fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: Spanned<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Months simulated.
    pub horizon: Spanned<u32>,
    #[serde(default)]
    pub params: Params,
    pub initial: RawInitial,
    pub actors: Spanned<Vec<Spanned<RawActor>>>,
    /// The move categories (any names); each move names one.
    pub categories: Spanned<Vec<Spanned<String>>>,
    /// What an agreement is measured by.
    #[serde(default)]
    pub indices: Vec<Spanned<RawIndex>>,
    /// How the outputs name the actors' stock.
    #[serde(default)]
    pub stock: RawStockNames,
    /// The hostile moves the tally metrics count.
    pub tally: Option<Spanned<RawTally>>,
    pub moves: Vec<Spanned<RawMove>>,
    #[serde(default)]
    pub shocks: Vec<Spanned<RawShock>>,
    #[serde(default)]
    pub roadmaps: Vec<Spanned<RawRoadmap>>,
    pub strategies: Vec<Spanned<toml::Table>>,
    pub experiment: Spanned<RawExperiment>,
    pub third_party: Option<Spanned<RawThirdParty>>,
    pub output: Option<Spanned<RawOutput>>,
    /// Settings drawn from a fitted posterior: read by `scenario::posterior`.
    pub from_posterior: Option<serde::de::IgnoredAny>,
}

/// `[[indices]]`: an index an agreement is measured by.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndex {
    pub id: Spanned<String>,
    #[serde(default)]
    pub label: String,
    pub categories: Vec<Spanned<String>>,
    #[serde(deserialize_with = "check::prob")]
    pub threshold: f64,
}

/// `[stock]`: the names of the actors' stock in the outputs.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawStockNames {
    pub label: String,
    pub unit: String,
    pub final_metric: Spanned<String>,
    pub monthly_metric: Spanned<String>,
}

impl Default for RawStockNames {
    fn default() -> Self {
        let d = crate::model::StockNames::default();
        RawStockNames {
            label: d.label,
            unit: d.unit,
            final_metric: Spanned::new(0..0, d.final_metric),
            monthly_metric: Spanned::new(0..0, d.monthly_metric),
        }
    }
}

/// `[tally]`: the hostile moves whose acts the run counts per year, with and without a
/// process under way.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTally {
    pub name: Spanned<String>,
    pub moves: Vec<Spanned<String>>,
}

/// `[third_party]`: a third actor's own confidence-building track.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawThirdParty {
    pub id: String,
    #[serde(default)]
    pub label: String,
    pub ally: Spanned<String>,
    pub partner: Spanned<String>,
    /// `engager` or `hardliner` at month 0.
    pub stance: Spanned<String>,
    #[serde(deserialize_with = "check::prob")]
    pub accept: f64,
    #[serde(default, deserialize_with = "check::prob")]
    pub walkout: f64,
    #[serde(default)]
    pub politics: RawThirdPartyPolitics,
    pub moves: Spanned<Vec<Spanned<RawTrackMove>>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawThirdPartyPolitics {
    #[serde(default)]
    pub cycle: u32,
    pub first_change: Option<u32>,
    #[serde(default, deserialize_with = "check::prob")]
    pub flip: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrackMove {
    pub id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default = "yes")]
    pub standing: bool,
    #[serde(default, deserialize_with = "check::prob")]
    pub tension_relief: f64,
    #[serde(default, deserialize_with = "check::prob")]
    pub incident_relief: f64,
    #[serde(default)]
    pub needs_support: bool,
    #[serde(default = "twelve")]
    pub repeat: u32,
}

fn twelve() -> u32 {
    12
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInitial {
    #[serde(deserialize_with = "check::prob")]
    pub tension: f64,
    /// Moves already in force (standing) or done (one-shot) at month 0.
    #[serde(default)]
    pub in_force: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawActor {
    pub id: Spanned<String>,
    #[serde(default)]
    pub label: String,
    #[serde(deserialize_with = "check::prob")]
    pub prior_sincere: f64,
    #[serde(deserialize_with = "check::prob")]
    pub initial_trust: f64,
    pub patience: u32,
    #[serde(deserialize_with = "check::prob")]
    pub pressure_base: f64,
    #[serde(deserialize_with = "check::positive")]
    pub budget: f64,
    #[serde(default = "one", deserialize_with = "check::prob")]
    pub discretion: f64,
    #[serde(default)]
    pub politics: RawPolitics,
    #[serde(default)]
    pub payoff: crate::model::Payoff,
    pub stock: Option<RawStock>,
    pub retaliation: Option<Spanned<String>>,
    #[serde(default)]
    pub pressure: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolitics {
    #[serde(default)]
    pub cycle: u32,
    /// Month of the first scheduled change (default: `cycle`).
    pub first_change: Option<u32>,
    #[serde(default, deserialize_with = "check::prob")]
    pub flip: f64,
    #[serde(default, deserialize_with = "check::prob")]
    pub trust_reset: f64,
    pub flip_to: Option<Spanned<String>>,
    #[serde(default, deserialize_with = "check::prob")]
    pub leadership_hazard: f64,
    /// What a new administration plays: strategies (or `arm`) with probabilities.
    pub successors: Option<Spanned<Vec<RawSuccessor>>>,
    #[serde(default)]
    pub lag: u32,
    #[serde(default, deserialize_with = "check::prob")]
    pub stickiness: f64,
    /// Dated changes of course: what this actor plays from each month on.
    pub schedule: Option<Spanned<Vec<RawScheduled>>>,
}

/// One entry of `schedule`: from `month` on, the actor plays `strategy` (or `arm`, the arm's
/// own).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScheduled {
    pub month: Spanned<u32>,
    pub strategy: Spanned<String>,
}

/// One entry of `successors`: a strategy id (or `arm`, the arm's own) and its probability.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSuccessor {
    pub strategy: Spanned<String>,
    #[serde(deserialize_with = "check::prob")]
    pub p: f64,
}

/// An arm's changes to an actor's politics: any key of `[actors.politics]`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPoliticsPatch {
    pub cycle: Option<u32>,
    pub first_change: Option<u32>,
    #[serde(default, deserialize_with = "check_opt::prob")]
    pub flip: Option<f64>,
    #[serde(default, deserialize_with = "check_opt::prob")]
    pub trust_reset: Option<f64>,
    pub flip_to: Option<Spanned<String>>,
    #[serde(default, deserialize_with = "check_opt::prob")]
    pub leadership_hazard: Option<f64>,
    pub successors: Option<Spanned<Vec<RawSuccessor>>>,
    pub lag: Option<u32>,
    #[serde(default, deserialize_with = "check_opt::prob")]
    pub stickiness: Option<f64>,
    pub schedule: Option<Spanned<Vec<RawScheduled>>>,
}

impl RawPolitics {
    /// These politics with an arm's changes.
    pub fn patched(&self, p: &RawPoliticsPatch) -> RawPolitics {
        RawPolitics {
            cycle: p.cycle.unwrap_or(self.cycle),
            first_change: p.first_change.or(self.first_change),
            flip: p.flip.unwrap_or(self.flip),
            trust_reset: p.trust_reset.unwrap_or(self.trust_reset),
            flip_to: p.flip_to.clone().or_else(|| self.flip_to.clone()),
            leadership_hazard: p.leadership_hazard.unwrap_or(self.leadership_hazard),
            successors: p.successors.clone().or_else(|| self.successors.clone()),
            lag: p.lag.unwrap_or(self.lag),
            stickiness: p.stickiness.unwrap_or(self.stickiness),
            schedule: p.schedule.clone().or_else(|| self.schedule.clone()),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStock {
    #[serde(deserialize_with = "check::nonneg")]
    pub initial: f64,
    #[serde(deserialize_with = "check::nonneg")]
    pub growth: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHostility {
    #[serde(deserialize_with = "check::score")]
    pub severity: f64,
    #[serde(deserialize_with = "check::ratio")]
    pub likelihood_ratio: f64,
    #[serde(default = "one", deserialize_with = "check::prob")]
    pub perceived_hostile: f64,
    #[serde(default)]
    pub breaks: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMove {
    pub id: Spanned<String>,
    pub label: String,
    pub actor: Spanned<String>,
    pub category: Spanned<String>,
    #[serde(default, deserialize_with = "check::score")]
    pub cost: f64,
    #[serde(default, deserialize_with = "check::score")]
    pub value: f64,
    #[serde(default = "one", deserialize_with = "check::prob")]
    pub verifiability: f64,
    #[serde(default, deserialize_with = "check::prob")]
    pub irreversibility: f64,
    #[serde(default = "one_u32")]
    pub reversal_lag: u32,
    #[serde(default)]
    pub requires: Vec<Spanned<String>>,
    #[serde(default = "yes")]
    pub standing: bool,
    #[serde(default)]
    pub freeze: bool,
    #[serde(default)]
    pub moratorium: bool,
    #[serde(default = "one", deserialize_with = "check::nonneg")]
    pub stock_growth: f64,
    #[serde(default, deserialize_with = "check::prob")]
    pub stock_removal: f64,
    pub hostile: Option<RawHostility>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShock {
    pub id: String,
    pub actor: Spanned<String>,
    #[serde(deserialize_with = "check::prob")]
    pub rate: f64,
    #[serde(default, deserialize_with = "check::nonneg")]
    pub tension_slope: f64,
    #[serde(default, deserialize_with = "check_opt::prob")]
    pub rate_moratorium: Option<f64>,
    #[serde(default, deserialize_with = "check_opt::prob")]
    pub rate_process: Option<f64>,
    #[serde(default)]
    pub only_in_process: bool,
    #[serde(default)]
    pub incident: bool,
    pub moves: Vec<Spanned<String>>,
    pub weights: Option<Spanned<Vec<Spanned<f64>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoadmap {
    pub id: Spanned<String>,
    pub phases: Vec<Spanned<RawPhase>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPhase {
    pub label: String,
    pub steps: BTreeMap<String, Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExperiment {
    pub baseline: Spanned<String>,
    pub runs: Spanned<u64>,
    #[serde(default = "default_seed")]
    pub seed: u64,
    #[serde(default)]
    pub arms: Vec<Spanned<RawArm>>,
    /// The question the experiment answers, in plain words.
    #[serde(default)]
    pub question: String,
    /// The comparison that answers it.
    pub headline: Option<Spanned<RawHeadline>>,
    /// Runs that share each draw of the scenario's distributions.
    pub runs_per_draw: Option<Spanned<u64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeadline {
    pub arm: Spanned<String>,
    pub metric: Spanned<String>,
}

/// `[output]`: what the results files contain.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutput {
    pub metrics: Option<Vec<Spanned<String>>>,
    pub quantiles: Option<Spanned<Vec<Spanned<f64>>>>,
    #[serde(default = "yes")]
    pub runs_csv: bool,
    pub politics_runs: Option<u64>,
}

fn default_seed() -> u64 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArm {
    pub id: Spanned<String>,
    #[serde(default)]
    pub label: String,
    pub strategies: BTreeMap<String, Spanned<String>>,
    /// Parameter overrides for this arm (keys of `[params]`).
    pub params: Option<Spanned<toml::Table>>,
    /// The third party's stance in this arm: `engager` or `hardliner`.
    pub third_party_stance: Option<Spanned<String>>,
    /// Changes to the actors' politics in this arm, by actor id.
    #[serde(default)]
    pub politics: BTreeMap<String, Spanned<RawPoliticsPatch>>,
}
