//! The names and meanings of the per-run metrics every batch reports (summary.csv, runs.csv),
//! so that a scenario can name one (a headline, an output list) and every layer agrees.

use super::{Actor, StockNames};

/// The per-run metrics of the summary, in order; `{0}` and `{1}` stand for the actor ids,
/// `{stock}`, `{monthly}` and `{unit}` for the stock's final and monthly metrics and unit.
pub const RUN_METRICS: &[(&str, &str)] = &[
    (
        "outcome:agreement",
        "share of runs ending in an agreement in force (Wilson interval)",
    ),
    (
        "outcome:interim_freeze",
        "share ending with a verified freeze held at least interim_freeze_months",
    ),
    (
        "outcome:breakdown",
        "share in which an agreement or freeze formed and collapsed, and neither an agreement nor an interim freeze holds at the end",
    ),
    ("outcome:war", "share ending in war"),
    (
        "outcome:stalemate",
        "share with no agreement, no interim freeze, no breakdown and no war",
    ),
    ("final_trust:{0}:{1}", "{0}'s trust in {1} at the end"),
    ("final_trust:{1}:{0}", "{1}'s trust in {0} at the end"),
    ("final_tension", "tension at the end"),
    ("{stock}", "the actors' stock at the end, in {unit}"),
    (
        "months:verified_freeze",
        "months with a verified freeze in force",
    ),
    ("agreements", "agreements formed"),
    ("agreement_months", "months with an agreement in force"),
    (
        "first_irreversible:{0}",
        "month of {0}'s first verified irreversible step (runs with one)",
    ),
    (
        "first_irreversible:{1}",
        "month of {1}'s first verified irreversible step (runs with one)",
    ),
    (
        "war_risk",
        "cumulative probability of war over the run, 1 - prod(1 - hazard)",
    ),
    (
        "hostile_acts:{0}",
        "hostile acts by {0} (chosen and exogenous)",
    ),
    (
        "hostile_acts:{1}",
        "hostile acts by {1} (chosen and exogenous)",
    ),
    (
        "end_month",
        "last simulated month (earlier than the horizon only after war)",
    ),
    (
        "incidents",
        "exogenous incidents (shocks marked incident) that happened",
    ),
    (
        "track_months",
        "months with a standing step of the third party's track in force (0 without one)",
    ),
    (
        "outcome:verified_agreement",
        "share ending in an agreement that holds counting only verified steps (verifiability at least verified_threshold)",
    ),
    (
        "outcome:paper_agreement",
        "share ending in an agreement that holds only by counting unverified steps",
    ),
    (
        "months:verified_agreement",
        "months with a verified agreement in force",
    ),
    (
        "conceded_unreciprocated:{0}",
        "cost-years of {0}'s conciliatory standing steps in force while {1} had none in force",
    ),
    (
        "conceded_unreciprocated:{1}",
        "cost-years of {1}'s conciliatory standing steps in force while {0} had none in force",
    ),
    (
        "relief_pocketed:{0}",
        "value-years of {1}'s conciliatory standing steps {0} held while it had none of its own in force",
    ),
    (
        "relief_pocketed:{1}",
        "value-years of {0}'s conciliatory standing steps {1} held while it had none of its own in force",
    ),
    (
        "{monthly}_growth_in_talks",
        "the actors' stock gained while talks ran (each side with a conciliatory standing step in force), in {unit}",
    ),
];
/// How many of the run metrics are the five exclusive outcomes (first).
pub const PROPORTIONS: usize = 5;
pub const NRUN: usize = 28;

/// Whether run metric `k` is a share of runs (an outcome): its interval is Wilson's, and its
/// differences are shown in percentage points.
pub fn is_share(k: usize) -> bool {
    RUN_METRICS
        .get(k)
        .is_some_and(|(n, _)| n.starts_with("outcome:"))
}

/// The run metrics' names for these actors and stock (`{0}` and `{1}` replaced by the actors'
/// ids, `{stock}` by the stock's final metric).
pub fn run_metric_names(actors: &[Actor; 2], stock: &StockNames) -> Vec<String> {
    RUN_METRICS
        .iter()
        .map(|(n, _)| fill(n, actors, stock))
        .collect()
}

/// A metric's name or description with the actors' ids, the stock's name and unit filled in.
pub fn fill(text: &str, actors: &[Actor; 2], stock: &StockNames) -> String {
    text.replace("{0}", &actors[0].id)
        .replace("{1}", &actors[1].id)
        .replace("{stock}", &stock.final_metric)
        .replace("{monthly}", &stock.monthly_metric)
        .replace("{unit}", &stock.unit)
}
