//! The names and meanings of the per-run metrics every batch reports (summary.csv, runs.csv),
//! so that a scenario can name one (a headline, an output list) and every layer agrees.

use super::{Actor, StockNames};

/// A per-run metric: its name, what it means, and whether less of it is the better result
/// (the direction a comparison's verdict reads).
#[derive(Debug, Clone, Copy)]
pub struct RunMetric {
    pub name: &'static str,
    pub doc: &'static str,
    pub lower_is_better: bool,
}

/// The per-run metrics of the summary, in order; `{0}` and `{1}` stand for the actor ids,
/// `{stock}`, `{monthly}` and `{unit}` for the stock's final and monthly metrics and unit.
pub const RUN_METRICS: &[RunMetric] = &[
    RunMetric {
        name: "outcome:agreement",
        doc: "share of runs ending in an agreement in force (Wilson interval)",
        lower_is_better: false,
    },
    RunMetric {
        name: "outcome:interim_freeze",
        doc: "share ending with a verified freeze held at least interim_freeze_months",
        lower_is_better: false,
    },
    RunMetric {
        name: "outcome:breakdown",
        doc: "share in which an agreement or freeze formed and collapsed, and neither an agreement nor an interim freeze holds at the end",
        lower_is_better: true,
    },
    RunMetric {
        name: "outcome:war",
        doc: "share ending in war",
        lower_is_better: true,
    },
    RunMetric {
        name: "outcome:stalemate",
        doc: "share with no agreement, no interim freeze, no breakdown and no war",
        lower_is_better: true,
    },
    RunMetric {
        name: "final_trust:{0}:{1}",
        doc: "{0}'s trust in {1} at the end",
        lower_is_better: false,
    },
    RunMetric {
        name: "final_trust:{1}:{0}",
        doc: "{1}'s trust in {0} at the end",
        lower_is_better: false,
    },
    RunMetric {
        name: "final_tension",
        doc: "tension at the end",
        lower_is_better: true,
    },
    RunMetric {
        name: "{stock}",
        doc: "the actors' stock at the end, in {unit}",
        lower_is_better: true,
    },
    RunMetric {
        name: "months:verified_freeze",
        doc: "months with a verified freeze in force",
        lower_is_better: false,
    },
    RunMetric {
        name: "agreements",
        doc: "agreements formed",
        lower_is_better: false,
    },
    RunMetric {
        name: "agreement_months",
        doc: "months with an agreement in force",
        lower_is_better: false,
    },
    RunMetric {
        name: "first_irreversible:{0}",
        doc: "month of {0}'s first verified irreversible step (runs with one)",
        lower_is_better: true,
    },
    RunMetric {
        name: "first_irreversible:{1}",
        doc: "month of {1}'s first verified irreversible step (runs with one)",
        lower_is_better: true,
    },
    RunMetric {
        name: "war_risk",
        doc: "cumulative probability of war over the run, 1 - prod(1 - hazard)",
        lower_is_better: true,
    },
    RunMetric {
        name: "hostile_acts:{0}",
        doc: "hostile acts by {0} (chosen and exogenous)",
        lower_is_better: true,
    },
    RunMetric {
        name: "hostile_acts:{1}",
        doc: "hostile acts by {1} (chosen and exogenous)",
        lower_is_better: true,
    },
    RunMetric {
        name: "end_month",
        doc: "last simulated month (earlier than the horizon only after war)",
        lower_is_better: false,
    },
    RunMetric {
        name: "incidents",
        doc: "exogenous incidents (shocks marked incident) that happened",
        lower_is_better: true,
    },
    RunMetric {
        name: "track_months",
        doc: "months with a standing step of the third party's track in force (0 without one)",
        lower_is_better: false,
    },
    RunMetric {
        name: "outcome:verified_agreement",
        doc: "share ending in an agreement that holds counting only verified steps (verifiability at least verified_threshold)",
        lower_is_better: false,
    },
    RunMetric {
        name: "outcome:paper_agreement",
        doc: "share ending in an agreement that holds only by counting unverified steps",
        lower_is_better: true,
    },
    RunMetric {
        name: "months:verified_agreement",
        doc: "months with a verified agreement in force",
        lower_is_better: false,
    },
    RunMetric {
        name: "conceded_unreciprocated:{0}",
        doc: "cost-years of {0}'s conciliatory standing steps in force while {1} had none in force",
        lower_is_better: true,
    },
    RunMetric {
        name: "conceded_unreciprocated:{1}",
        doc: "cost-years of {1}'s conciliatory standing steps in force while {0} had none in force",
        lower_is_better: true,
    },
    RunMetric {
        name: "relief_pocketed:{0}",
        doc: "value-years of {1}'s conciliatory standing steps {0} held while it had none of its own in force",
        lower_is_better: true,
    },
    RunMetric {
        name: "relief_pocketed:{1}",
        doc: "value-years of {0}'s conciliatory standing steps {1} held while it had none of its own in force",
        lower_is_better: true,
    },
    RunMetric {
        name: "{monthly}_growth_in_talks",
        doc: "the actors' stock gained while talks ran (each side with a conciliatory standing step in force), in {unit}",
        lower_is_better: true,
    },
    RunMetric {
        name: "final_belief:{0}:{1}",
        doc: "{0}'s exact posterior that {1} is type S at the end (calibrated: among runs ending at p, a share p of {1}s are S)",
        lower_is_better: false,
    },
    RunMetric {
        name: "final_belief:{1}:{0}",
        doc: "{1}'s exact posterior that {0} is type S at the end",
        lower_is_better: false,
    },
    RunMetric {
        name: "payoff:{0}",
        doc: "{0}'s discounted payoff over the horizon, in utility-years (weights in the scenario's actors.payoff)",
        lower_is_better: false,
    },
    RunMetric {
        name: "payoff:{1}",
        doc: "{1}'s discounted payoff over the horizon, in utility-years",
        lower_is_better: false,
    },
    RunMetric {
        name: "politics:changed_outcome",
        doc: "share of runs whose outcome differs from the same run without administration or leader changes (arms with politics)",
        lower_is_better: true,
    },
    RunMetric {
        name: "politics:agreement",
        doc: "what administration and leader changes add to the share ending in an agreement (each run with them minus the same run without)",
        lower_is_better: false,
    },
    RunMetric {
        name: "politics:interim_freeze",
        doc: "what administration and leader changes add to the share ending with an interim freeze",
        lower_is_better: false,
    },
    RunMetric {
        name: "politics:breakdown",
        doc: "what administration and leader changes add to the share ending in a breakdown",
        lower_is_better: true,
    },
    RunMetric {
        name: "politics:war",
        doc: "what administration and leader changes add to the share ending in war",
        lower_is_better: true,
    },
    RunMetric {
        name: "politics:stalemate",
        doc: "what administration and leader changes add to the share ending in a stalemate",
        lower_is_better: true,
    },
    RunMetric {
        name: "agreement_lifetime",
        doc: "months with an agreement in force per agreement formed (runs with one): how long an agreement lasts, counting one still in force at the end until then",
        lower_is_better: false,
    },
    RunMetric {
        name: "{tally}_per_year:in_process",
        doc: "acts of the tally's moves ({tally}) per year in months that began with an agreement or a verified freeze in force (runs with such months)",
        lower_is_better: true,
    },
    RunMetric {
        name: "{tally}_per_year:out_of_process",
        doc: "acts of the tally's moves ({tally}) per year in months that began with neither in force (runs with such months)",
        lower_is_better: true,
    },
    RunMetric {
        name: "change_to_collapse",
        doc: "months from the latest change of government (either side) to an agreement's collapse, on average over the agreements that collapsed after a change made while they were in force (runs with one)",
        lower_is_better: false,
    },
];
/// The number of per-run metrics.
pub const NRUN: usize = RUN_METRICS.len();

/// Whether run metric `k` has a value in every run: not the month of a first irreversible
/// step (runs with one), what politics changed (runs with a twin), an agreement's lifetime
/// (runs with an agreement), a tally's rate (runs with months of that kind) or the delay from
/// a change of government to a collapse (runs with one).
pub fn in_every_run(k: usize) -> bool {
    RUN_METRICS.get(k).is_some_and(|m| {
        !(m.name.starts_with("first_irreversible:")
            || m.name.starts_with("politics:")
            || m.name.starts_with("{tally}_per_year:")
            || m.name == "agreement_lifetime"
            || m.name == "change_to_collapse")
    })
}

/// Whether run metric `k` is a share of runs (an outcome, or the share politics changed): its
/// interval is Wilson's, and its differences are shown in percentage points.
pub fn is_share(k: usize) -> bool {
    RUN_METRICS
        .get(k)
        .is_some_and(|m| m.name.starts_with("outcome:") || m.name == "politics:changed_outcome")
}

/// The run metrics' names for these actors, stock and tally (`{0}` and `{1}` replaced by the
/// actors' ids, `{stock}` by the stock's final metric, `{tally}` by the tally's name).
pub fn run_metric_names(actors: &[Actor; 2], stock: &StockNames, tally: &str) -> Vec<String> {
    RUN_METRICS
        .iter()
        .map(|m| fill(m.name, actors, stock, tally))
        .collect()
}

/// A metric's name or description with the actors' ids, the stock's name and unit and the
/// tally's name filled in.
pub fn fill(text: &str, actors: &[Actor; 2], stock: &StockNames, tally: &str) -> String {
    text.replace("{0}", &actors[0].id)
        .replace("{1}", &actors[1].id)
        .replace("{stock}", &stock.final_metric)
        .replace("{monthly}", &stock.monthly_metric)
        .replace("{unit}", &stock.unit)
        .replace("{tally}", tally)
}
