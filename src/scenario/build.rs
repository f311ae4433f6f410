//! Building a [`Scenario`] from the file as written: one method per section of the file
//! (actors, moves, strategies, shocks, roadmaps, the experiment, output), in the order the
//! checks run, so that a file with several errors always reports the same one first.

use std::collections::HashMap;

use toml::Spanned;

use super::raw::*;
use super::{Cx, MAX_HORIZON, MAX_RUNS, R, ScenarioNames, kinds_list};
use crate::model::{
    self, Actor, AgreementIndex, Arm, Experiment, Hostility, InitialState, MAX_MOVES, Move,
    MoveSet, Phase, Politics, Roadmap, Scenario, Shock, Stock, StrategyDecl, Successor,
    TrackPolicy,
};

/// Ids to indices, per kind of thing a scenario names.
type Ids = HashMap<String, usize>;

/// The ids an actor's declaration may name.
#[derive(Clone, Copy)]
struct Known<'a> {
    actors: &'a Ids,
    moves: &'a Ids,
    strategies: &'a Ids,
}

impl Cx<'_> {
    pub(super) fn build(&self, raw: RawScenario) -> R<Scenario> {
        let horizon = *raw.horizon.get_ref();
        if horizon == 0 || horizon > MAX_HORIZON {
            return Err(self.err(
                raw.horizon.span(),
                format!("horizon must be between 1 and {MAX_HORIZON} months, found {horizon}"),
            ));
        }
        let actors_span = raw.actors.span();
        let raw_actors = raw.actors.get_ref();
        let actor_ids = self.actor_ids(raw_actors, actors_span.clone())?;
        let (categories, category_ids) = self.categories(&raw.categories)?;
        let move_ids = self.move_ids(&raw.moves)?;
        let mut moves = self.moves(&raw.moves, &actor_ids, &move_ids, &category_ids)?;
        let indices = self.indices(&raw.indices, &category_ids, &moves)?;
        // Each arm derives its own copy from the catalogue as written (derivation scales
        // verifiability by the arm's verification regime, so it must be applied once).
        let catalogue = moves.clone();
        model::derive_moves(&mut moves, &raw.params);
        let (strategies, strategy_ids) =
            self.strategies(&raw.strategies, &raw.roadmaps, &move_ids)?;
        let known = Known {
            actors: &actor_ids,
            moves: &move_ids,
            strategies: &strategy_ids,
        };
        let actors = self.actors((raw_actors, actors_span), &known, &moves, horizon)?;
        let shocks = raw
            .shocks
            .iter()
            .map(|s| self.shock(s, &actor_ids, &move_ids, &moves))
            .collect::<R<Vec<_>>>()?;
        let roadmaps = self.roadmaps(&raw.roadmaps, &actor_ids, &move_ids, &moves)?;
        let initial = InitialState {
            tension: raw.initial.tension,
            in_force: self.move_set(&move_ids, &raw.initial.in_force)?,
        };
        let ex = raw.experiment.get_ref();
        let runs = *ex.runs.get_ref();
        if runs == 0 || runs > MAX_RUNS {
            return Err(self.err(
                ex.runs.span(),
                format!("runs must be between 1 and {MAX_RUNS}, found {runs}"),
            ));
        }
        let runs_per_draw = match &ex.runs_per_draw {
            Some(r) if *r.get_ref() == 0 || *r.get_ref() > MAX_RUNS => {
                return Err(self.err(
                    r.span(),
                    format!(
                        "runs_per_draw must be between 1 and {MAX_RUNS}, found {}",
                        r.get_ref()
                    ),
                ));
            }
            r => r.as_ref().map(|r| *r.get_ref()),
        };
        let (arms, arm_ids) = self.arms(&raw, &actor_ids, &strategy_ids, &actors, &catalogue)?;
        let baseline = self.lookup(&arm_ids, &ex.baseline, "baseline arm")?;
        let third_party = match &raw.third_party {
            Some(tp) => Some(self.third_party(tp, &actor_ids, &move_ids)?),
            None => None,
        };
        let tally = match &raw.tally {
            Some(t) => self.tally(t, &move_ids, &moves)?,
            None => model::Tally::default(),
        };
        let stock = self.stock_names(&raw.stock, &actors, &tally.name)?;
        let names = model::metrics::run_metric_names(&actors, &stock, &tally.name);
        let headline = self.headline(ex, &arm_ids, baseline, &names)?;
        let output = self.output(&raw, &names)?;
        let experiment = Experiment {
            arms,
            baseline,
            runs,
            seed: ex.seed,
            question: ex.question.trim().to_string(),
            headline,
            runs_per_draw,
        };
        Ok(Scenario {
            name: raw.name.get_ref().clone(),
            title: raw.title,
            description: raw.description,
            horizon,
            actors,
            params: raw.params.clone(),
            moves,
            shocks,
            roadmaps,
            strategies,
            categories,
            indices,
            stock,
            tally,
            initial,
            experiment,
            third_party,
            output,
            uncertainty: None,
        })
        .and_then(|s| self.check_name(&raw.name).map(|_| s))
        .and_then(|s| self.check_assembled(&s).map(|_| s))
    }

    /// The set of moves a list names.
    pub(super) fn move_set(&self, move_ids: &Ids, refs: &[Spanned<String>]) -> R<MoveSet> {
        let mut s = MoveSet::EMPTY;
        for r in refs {
            s.insert(self.lookup(move_ids, r, "move")?);
        }
        Ok(s)
    }

    /// Exactly two actors with distinct ids.
    fn actor_ids(&self, raw: &[Spanned<RawActor>], span: std::ops::Range<usize>) -> R<Ids> {
        if raw.len() != 2 {
            return Err(self.err(
                span,
                format!("expected exactly 2 [[actors]], found {}", raw.len()),
            ));
        }
        let mut actor_ids = HashMap::new();
        for (i, a) in raw.iter().enumerate() {
            if actor_ids
                .insert(a.get_ref().id.get_ref().clone(), i)
                .is_some()
            {
                return Err(self.err(a.get_ref().id.span(), "duplicate actor id"));
            }
        }
        Ok(actor_ids)
    }

    /// The moves' ids (first: prerequisites may point forward), at most [`MAX_MOVES`].
    fn move_ids(&self, raw: &[Spanned<RawMove>]) -> R<Ids> {
        if raw.len() > MAX_MOVES {
            return Err(self.err(
                raw[MAX_MOVES].span(),
                format!(
                    "at most {MAX_MOVES} moves are supported, found {}",
                    raw.len()
                ),
            ));
        }
        let mut move_ids = HashMap::new();
        for (i, m) in raw.iter().enumerate() {
            let id = m.get_ref().id.get_ref();
            if move_ids.insert(id.clone(), i).is_some() {
                return Err(self.err(m.get_ref().id.span(), format!("duplicate move id '{id}'")));
            }
        }
        Ok(move_ids)
    }

    /// The catalogue as written, with its prerequisites, breaks and cycles checked.
    fn moves(
        &self,
        raw: &[Spanned<RawMove>],
        actor_ids: &Ids,
        move_ids: &Ids,
        category_ids: &Ids,
    ) -> R<Vec<Move>> {
        let mut moves = Vec::with_capacity(raw.len());
        for sm in raw {
            let m = sm.get_ref();
            let actor = self.lookup(actor_ids, &m.actor, "actor")?;
            let category = self.lookup(category_ids, &m.category, "category")?;
            let hostile = match &m.hostile {
                Some(h) => Some(Hostility {
                    severity: h.severity,
                    lr: h.likelihood_ratio,
                    perceived_hostile: h.perceived_hostile,
                    breaks: self.move_set(move_ids, &h.breaks)?,
                }),
                None => None,
            };
            moves.push(Move {
                id: m.id.get_ref().clone(),
                label: m.label.clone(),
                actor,
                category,
                cost: m.cost,
                value: m.value,
                verifiability: m.verifiability,
                irreversibility: m.irreversibility,
                reversal_lag: m.reversal_lag,
                requires: self.move_set(move_ids, &m.requires)?,
                standing: m.standing && hostile.is_none(),
                freeze: m.freeze,
                moratorium: m.moratorium,
                stock_growth: m.stock_growth,
                stock_removal: m.stock_removal,
                hostile,
                stake: 0.0,
                log_lr: 0.0,
                log_lr_standing: 0.0,
            });
        }
        for (i, sm) in raw.iter().enumerate() {
            if let Some(h) = &moves[i].hostile {
                for b in h.breaks.iter() {
                    if moves[b].actor != moves[i].actor || !moves[b].standing {
                        return Err(self.err(
                            sm.span(),
                            format!(
                                "move '{}' breaks '{}', which must be a standing move of the same actor",
                                moves[i].id, moves[b].id
                            ),
                        ));
                    }
                }
            }
        }
        self.check_cycles(raw, &moves)?;
        Ok(moves)
    }

    /// The declared strategies, each parsed by its kind, and their ids.
    fn strategies(
        &self,
        raw: &[Spanned<toml::Table>],
        roadmaps: &[Spanned<RawRoadmap>],
        move_ids: &Ids,
    ) -> R<(Vec<StrategyDecl>, Ids)> {
        let mut strategy_ids = HashMap::new();
        let mut strategy_heads = Vec::new();
        for st in raw {
            let (id, kind) = self.strategy_head(st, &kinds_list())?;
            if strategy_ids
                .insert(id.clone(), strategy_heads.len())
                .is_some()
            {
                return Err(self.err(st.span(), format!("duplicate strategy id '{id}'")));
            }
            strategy_heads.push((id, kind));
        }
        let mut roadmap_ids = HashMap::new();
        for (i, r) in roadmaps.iter().enumerate() {
            if roadmap_ids
                .insert(r.get_ref().id.get_ref().clone(), i)
                .is_some()
            {
                return Err(self.err(r.get_ref().id.span(), "duplicate roadmap id"));
            }
        }
        let mut strategies = Vec::new();
        for (st, (id, kind)) in raw.iter().zip(&strategy_heads) {
            let names = ScenarioNames {
                moves: move_ids,
                roadmaps: &roadmap_ids,
                strategies: &strategy_ids,
            };
            let spec = self.strategy(st, id, kind, &names)?;
            let track = match st.get_ref().get("third_party") {
                None => TrackPolicy::Impede,
                Some(toml::Value::String(v)) if v == "support" => TrackPolicy::Support,
                Some(toml::Value::String(v)) if v == "impede" => TrackPolicy::Impede,
                Some(other) => {
                    return Err(self.err(
                        st.span(),
                        format!(
                            "strategy '{id}': third_party = {other} is not valid; expected \"support\" or \"impede\""
                        ),
                    ));
                }
            };
            strategies.push(StrategyDecl {
                id: id.clone(),
                spec,
                track,
            });
        }
        self.check_type_conditional_cycles(raw, &strategies)?;

        Ok((strategies, strategy_ids))
    }

    /// The two actors (`raw` with its span), with their politics, stock and hostile responses.
    fn actors(
        &self,
        raw: (&[Spanned<RawActor>], std::ops::Range<usize>),
        known: &Known,
        moves: &[Move],
        horizon: u32,
    ) -> R<[Actor; 2]> {
        let (raw_actors, span) = raw;
        let Known {
            actors: actor_ids,
            moves: move_ids,
            strategies: strategy_ids,
        } = *known;
        let mut actors = Vec::new();
        for a in raw_actors {
            let a = a.get_ref();
            let politics = self.politics(&a.politics, strategy_ids, horizon)?;
            let own_hostile = |r: &Spanned<String>| -> R<usize> {
                let m = self.lookup(move_ids, r, "move")?;
                if moves[m].hostile.is_none() || moves[m].actor != actor_ids[a.id.get_ref()] {
                    return Err(self.err(
                        r.span(),
                        format!(
                            "'{}' must be a hostile move of actor '{}'",
                            r.get_ref(),
                            a.id.get_ref()
                        ),
                    ));
                }
                Ok(m)
            };
            actors.push(Actor {
                id: a.id.get_ref().clone(),
                label: if a.label.is_empty() {
                    a.id.get_ref().clone()
                } else {
                    a.label.clone()
                },
                prior_sincere: a.prior_sincere,
                initial_trust: a.initial_trust,
                patience: a.patience,
                pressure_base: a.pressure_base,
                budget: a.budget,
                discretion: a.discretion,
                politics,
                payoff: a.payoff,
                stock: a.stock.as_ref().map(|x| Stock {
                    initial: x.initial,
                    growth: x.growth,
                }),
                retaliation: a.retaliation.as_ref().map(own_hostile).transpose()?,
                pressure: a.pressure.iter().map(own_hostile).collect::<R<Vec<_>>>()?,
            });
        }
        let actors: [Actor; 2] = actors
            .try_into()
            .map_err(|_| self.err(span, "expected exactly 2 actors"))?;
        Ok(actors)
    }

    /// One exogenous shock: its hostile moves and their cumulative weights.
    fn shock(
        &self,
        s: &Spanned<RawShock>,
        actor_ids: &Ids,
        move_ids: &Ids,
        moves: &[Move],
    ) -> R<Shock> {
        let r = s.get_ref();
        let actor = self.lookup(actor_ids, &r.actor, "actor")?;
        if r.moves.is_empty() {
            return Err(self.err(s.span(), format!("shock '{}' lists no moves", r.id)));
        }
        let mut ms = Vec::new();
        for m in &r.moves {
            let ix = self.lookup(move_ids, m, "move")?;
            if moves[ix].hostile.is_none() || moves[ix].actor != actor {
                return Err(self.err(
                    m.span(),
                    format!(
                        "shock '{}': '{}' must be a hostile move of the shock's actor",
                        r.id,
                        m.get_ref()
                    ),
                ));
            }
            ms.push(ix);
        }
        let weights: Vec<f64> = match &r.weights {
            None => vec![1.0; ms.len()],
            Some(w) => {
                if w.get_ref().len() != ms.len() {
                    return Err(self.err(
                        w.span(),
                        format!(
                            "shock '{}': {} weights for {} moves",
                            r.id,
                            w.get_ref().len(),
                            ms.len()
                        ),
                    ));
                }
                let mut out = Vec::new();
                for x in w.get_ref() {
                    let v = *x.get_ref();
                    if !v.is_finite() || v < 0.0 {
                        return Err(
                            self.err(x.span(), format!("expected a weight >= 0, found {v}"))
                        );
                    }
                    out.push(v);
                }
                out
            }
        };
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            return Err(self.err(s.span(), format!("shock '{}': weights sum to zero", r.id)));
        }
        let mut cum = 0.0;
        let moves_cum = ms
            .into_iter()
            .zip(weights)
            .map(|(m, w)| {
                cum += w / total;
                (m, cum)
            })
            .collect();
        let mut shock = Shock {
            id: r.id.clone(),
            actor,
            rate: r.rate,
            tension_slope: r.tension_slope,
            rate_moratorium: r.rate_moratorium,
            rate_process: r.rate_process,
            only_in_process: r.only_in_process,
            incident: r.incident,
            moves: moves_cum,
            max_rate: 0.0,
        };
        shock.max_rate = shock.highest_rate();
        Ok(shock)
    }

    /// The roadmaps: phases of conciliatory steps per actor.
    fn roadmaps(
        &self,
        raw: &[Spanned<RawRoadmap>],
        actor_ids: &Ids,
        move_ids: &Ids,
        moves: &[Move],
    ) -> R<Vec<Roadmap>> {
        let mut roadmaps = Vec::new();
        for rm in raw {
            let r = rm.get_ref();
            let mut phases = Vec::new();
            for ph in &r.phases {
                let mut steps = [MoveSet::EMPTY; 2];
                for (actor_id, list) in &ph.get_ref().steps {
                    let a =
                        self.lookup_plain(actor_ids, actor_id, ph.span(), "actor", "phase steps")?;
                    for m in list {
                        let ix = self.lookup(move_ids, m, "move")?;
                        if moves[ix].actor != a || moves[ix].hostile.is_some() {
                            return Err(self.err(
                                m.span(),
                                format!(
                                    "'{}' is not a conciliatory move of actor '{actor_id}'",
                                    m.get_ref()
                                ),
                            ));
                        }
                        steps[a].insert(ix);
                    }
                }
                phases.push(Phase {
                    label: ph.get_ref().label.clone(),
                    steps,
                });
            }
            if phases.is_empty() {
                return Err(self.err(rm.span(), "a roadmap needs at least one phase"));
            }
            roadmaps.push(Roadmap {
                id: r.id.get_ref().clone(),
                phases,
            });
        }

        Ok(roadmaps)
    }

    /// The experiment's arms, each with its strategies, parameter overrides and moves.
    fn arms(
        &self,
        raw: &RawScenario,
        actor_ids: &Ids,
        strategy_ids: &Ids,
        actors: &[Actor; 2],
        catalogue: &[Move],
    ) -> R<(Vec<Arm>, Ids)> {
        let ex = raw.experiment.get_ref();
        if ex.arms.is_empty() {
            return Err(self.err(
                raw.experiment.span(),
                "the experiment has no arms; add at least one [[experiment.arms]]",
            ));
        }
        let mut arms = Vec::new();
        let mut arm_ids = HashMap::new();
        for sa in &ex.arms {
            let a = sa.get_ref();
            let id = a.id.get_ref().clone();
            if arm_ids.insert(id.clone(), arms.len()).is_some() {
                return Err(self.err(a.id.span(), format!("duplicate arm id '{id}'")));
            }
            let actor_names = [actors[0].id.as_str(), actors[1].id.as_str()];
            let strat = self.pairing(
                sa.span(),
                &id,
                &a.strategies,
                actor_ids,
                strategy_ids,
                actor_names,
            )?;
            let params = match &a.params {
                None => raw.params.clone(),
                Some(t) => self.override_params(&raw.params, t, &id)?,
            };
            let mut arm_moves = catalogue.to_vec();
            model::derive_moves(&mut arm_moves, &params);
            let stance = match &a.third_party_stance {
                None => None,
                Some(s) if raw.third_party.is_none() => {
                    return Err(self.err(
                        s.span(),
                        format!("arm '{id}' sets third_party_stance but the scenario has no [third_party]"),
                    ));
                }
                Some(s) => Some(self.stance(s)?),
            };
            let politics = self.arm_politics(raw, a, &id, strategy_ids)?;
            arms.push(Arm {
                id,
                label: if a.label.is_empty() {
                    a.id.get_ref().clone()
                } else {
                    a.label.clone()
                },
                strategies: strat,
                params,
                moves: arm_moves,
                stance,
                politics,
            });
        }
        Ok((arms, arm_ids))
    }

    /// An actor's politics, checked: `successors` (each a strategy id or `arm`, their
    /// probabilities summing to at most 1) or the older `flip` and `flip_to`, not both.
    fn politics(&self, p: &RawPolitics, strategy_ids: &Ids, horizon: u32) -> R<Politics> {
        let successors = match (&p.successors, p.flip > 0.0 || p.flip_to.is_some()) {
            (Some(list), true) => {
                return Err(self.err(
                    list.span(),
                    "give either successors or flip and flip_to, not both (successors = [{ strategy = \"hardline\", p = 0.5 }] is flip = 0.5 with flip_to = \"hardline\", without the toggling back)",
                ));
            }
            (Some(list), false) => {
                let mut total = 0.0;
                let mut out = Vec::new();
                for x in list.get_ref() {
                    let who = if *x.strategy.get_ref() == "arm" {
                        if strategy_ids.contains_key("arm") {
                            return Err(self.err(
                                x.strategy.span(),
                                "'arm' in successors means the arm's own strategy; rename the strategy called 'arm'",
                            ));
                        }
                        Successor::Arm
                    } else {
                        Successor::Strategy(self.lookup(strategy_ids, &x.strategy, "strategy")?)
                    };
                    total += x.p;
                    out.push((who, total));
                }
                if total > 1.0 + 1e-9 {
                    return Err(self.err(
                        list.span(),
                        format!("the successors' probabilities sum to {total}; they must sum to at most 1 (the rest keeps the course)"),
                    ));
                }
                out
            }
            (None, _) => {
                let to = match &p.flip_to {
                    Some(r) => Some(self.lookup(strategy_ids, r, "strategy")?),
                    None => None,
                };
                if p.flip > 0.0 {
                    vec![(Successor::Toggle(to), p.flip)]
                } else {
                    Vec::new()
                }
            }
        };
        Ok(Politics {
            cycle: p.cycle,
            first_change: p.first_change.unwrap_or(p.cycle).max(1),
            successors,
            trust_reset: p.trust_reset,
            leadership_hazard: p.leadership_hazard,
            lag: p.lag,
            stickiness: p.stickiness,
            schedule: self.schedule(p, strategy_ids, horizon)?,
        })
    }

    /// The dated changes of course: months from 1, increasing, within the horizon; each a
    /// strategy or `arm`.
    fn schedule(
        &self,
        p: &RawPolitics,
        strategy_ids: &Ids,
        horizon: u32,
    ) -> R<Vec<(u32, Successor)>> {
        let Some(list) = &p.schedule else {
            return Ok(Vec::new());
        };
        let mut out: Vec<(u32, Successor)> = Vec::new();
        for x in list.get_ref() {
            let m = *x.month.get_ref();
            if m == 0 || m > horizon {
                return Err(self.err(
                    x.month.span(),
                    format!("a scheduled change's month must be between 1 and the horizon ({horizon}), found {m}"),
                ));
            }
            if out.last().is_some_and(|l| l.0 >= m) {
                return Err(self.err(x.month.span(), "the schedule's months must increase"));
            }
            let who = if *x.strategy.get_ref() == "arm" {
                Successor::Arm
            } else {
                Successor::Strategy(self.lookup(strategy_ids, &x.strategy, "strategy")?)
            };
            out.push((m, who));
        }
        Ok(out)
    }

    /// An arm's politics for each actor: the actor's with the arm's changes (keyed by actor id).
    fn arm_politics(
        &self,
        raw: &RawScenario,
        arm: &RawArm,
        id: &str,
        strategy_ids: &Ids,
    ) -> R<[Politics; 2]> {
        let actors = raw.actors.get_ref();
        let horizon = *raw.horizon.get_ref();
        for (who, patch) in &arm.politics {
            if !actors.iter().any(|a| a.get_ref().id.get_ref() == who) {
                return Err(self.err(
                    patch.span(),
                    format!("arm '{id}' changes the politics of '{who}', which is not an actor"),
                ));
            }
        }
        let one = |i: usize| -> R<Politics> {
            let a = actors[i].get_ref();
            match arm.politics.get(a.id.get_ref()) {
                None => self.politics(&a.politics, strategy_ids, horizon),
                Some(patch) => {
                    let mut merged = a.politics.patched(patch.get_ref());
                    // An arm that gives successors replaces the older form, and vice versa.
                    let q = patch.get_ref();
                    if q.successors.is_some() {
                        merged.flip = 0.0;
                        merged.flip_to = None;
                    } else if q.flip.is_some() || q.flip_to.is_some() {
                        merged.successors = None;
                    }
                    self.politics(&merged, strategy_ids, horizon)
                }
            }
        };
        Ok([one(0)?, one(1)?])
    }

    /// A run metric's index by name.
    fn metric_ix(&self, names: &[String], m: &Spanned<String>) -> R<usize> {
        names.iter().position(|n| n == m.get_ref()).ok_or_else(|| {
            self.err(
                m.span(),
                format!(
                    "unknown metric '{}'; expected one of: {}",
                    m.get_ref(),
                    names.join(", ")
                ),
            )
        })
    }

    /// The headline comparison: an arm other than the baseline, and a run metric.
    fn headline(
        &self,
        ex: &RawExperiment,
        arm_ids: &Ids,
        baseline: usize,
        names: &[String],
    ) -> R<Option<model::Headline>> {
        Ok(match &ex.headline {
            None => None,
            Some(h) => {
                let hr = h.get_ref();
                let arm = self.lookup(arm_ids, &hr.arm, "arm")?;
                if arm == baseline {
                    return Err(self.err(
                        hr.arm.span(),
                        "the headline arm is the baseline; name the arm compared with it",
                    ));
                }
                Some(model::Headline {
                    arm,
                    metric: self.metric_ix(names, &hr.metric)?,
                })
            }
        })
    }

    /// `[output]`: which metrics and quantiles to write, and whether to write runs.csv.
    fn output(&self, raw: &RawScenario, names: &[String]) -> R<model::OutputOptions> {
        let mut output = model::OutputOptions::default();
        if let Some(os) = &raw.output {
            let o = os.get_ref();
            output.runs_csv = o.runs_csv;
            if let Some(n) = o.politics_runs {
                output.politics_runs = n;
            }
            if let Some(ms) = &o.metrics {
                let mut v = Vec::new();
                for m in ms {
                    let k = self.metric_ix(names, m)?;
                    if v.contains(&k) {
                        return Err(self.err(
                            m.span(),
                            format!("metric '{}' is listed twice", m.get_ref()),
                        ));
                    }
                    v.push(k);
                }
                if v.is_empty() {
                    return Err(self.err(
                        os.span(),
                        "[output] metrics is empty; list at least one metric or leave it out",
                    ));
                }
                output.metrics = Some(v);
            }
            if let Some(qs) = &o.quantiles {
                let mut v: Vec<f64> = Vec::new();
                for q in qs.get_ref() {
                    let x = *q.get_ref();
                    if !(x > 0.0 && x < 1.0) {
                        return Err(self.err(
                            q.span(),
                            format!("quantile {x} is not strictly between 0 and 1"),
                        ));
                    }
                    if v.last().is_some_and(|&p| p >= x) {
                        return Err(self.err(
                            q.span(),
                            "quantiles must be listed in increasing order, each once",
                        ));
                    }
                    v.push(x);
                }
                if v.is_empty() || v.len() > 9 {
                    return Err(self.err(qs.span(), "list between 1 and 9 quantiles"));
                }
                output.quantiles = v;
            }
        }
        Ok(output)
    }

    /// The move categories: at least one, each named once.
    fn categories(&self, raw: &Spanned<Vec<Spanned<String>>>) -> R<(Vec<String>, Ids)> {
        if raw.get_ref().is_empty() {
            return Err(self.err(
                raw.span(),
                "categories is empty; name the kinds of move the catalogue uses",
            ));
        }
        let mut ids = HashMap::new();
        for (i, c) in raw.get_ref().iter().enumerate() {
            if ids.insert(c.get_ref().clone(), i).is_some() {
                return Err(self.err(
                    c.span(),
                    format!("category '{}' is listed twice", c.get_ref()),
                ));
            }
        }
        Ok((
            raw.get_ref().iter().map(|c| c.get_ref().clone()).collect(),
            ids,
        ))
    }

    /// The agreement indices: each counts the conciliatory moves of its categories.
    fn indices(
        &self,
        raw: &[Spanned<RawIndex>],
        category_ids: &Ids,
        moves: &[Move],
    ) -> R<Vec<AgreementIndex>> {
        let mut out: Vec<AgreementIndex> = Vec::new();
        for si in raw {
            let x = si.get_ref();
            let id = x.id.get_ref();
            if out.iter().any(|o| &o.id == id) {
                return Err(self.err(x.id.span(), format!("index '{id}' is declared twice")));
            }
            let mut cats = Vec::new();
            for c in &x.categories {
                cats.push(self.lookup(category_ids, c, "category")?);
            }
            let mut set = MoveSet::EMPTY;
            for (i, m) in moves.iter().enumerate() {
                if cats.contains(&m.category) && m.hostile.is_none() {
                    set.insert(i);
                }
            }
            if set.is_empty() {
                return Err(self.err(
                    si.span(),
                    format!("index '{id}' counts no conciliatory move: no move of its categories is conciliatory"),
                ));
            }
            out.push(AgreementIndex {
                id: id.clone(),
                label: if x.label.is_empty() {
                    id.clone()
                } else {
                    x.label.clone()
                },
                moves: set,
                threshold: x.threshold,
            });
        }
        Ok(out)
    }

    /// `[tally]`: a name that makes metric names, and hostile moves of the catalogue.
    fn tally(
        &self,
        raw: &Spanned<RawTally>,
        move_ids: &Ids,
        moves: &[model::Move],
    ) -> R<model::Tally> {
        let t = raw.get_ref();
        let name = t.name.get_ref();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(self.err(
                t.name.span(),
                format!("tally name '{name}' must be letters, digits or '_' (it names the metrics {name}_per_year:in_process and :out_of_process)"),
            ));
        }
        for r in &t.moves {
            let m = self.lookup(move_ids, r, "move")?;
            if moves[m].hostile.is_none() {
                return Err(self.err(
                    r.span(),
                    format!(
                        "tally move '{}' is not a hostile move; a tally counts hostile acts",
                        r.get_ref()
                    ),
                ));
            }
        }
        Ok(model::Tally {
            name: name.clone(),
            moves: self.move_set(move_ids, &t.moves)?,
        })
    }

    /// `[stock]`: names that are metric names, distinct from every other metric.
    fn stock_names(
        &self,
        raw: &RawStockNames,
        actors: &[Actor; 2],
        tally: &str,
    ) -> R<model::StockNames> {
        let names = model::StockNames {
            label: raw.label.clone(),
            unit: raw.unit.clone(),
            final_metric: raw.final_metric.get_ref().clone(),
            monthly_metric: raw.monthly_metric.get_ref().clone(),
        };
        let run_metrics = model::metrics::run_metric_names(actors, &names, tally);
        let trust = actors.iter().map(|a| format!("trust:{}", a.id));
        for (key, value, taken) in [
            (
                &raw.final_metric,
                "final_metric",
                run_metrics
                    .iter()
                    .filter(|n| **n == names.final_metric)
                    .count()
                    > 1,
            ),
            (
                &raw.monthly_metric,
                "monthly_metric",
                names.monthly_metric == "tension"
                    || trust.clone().any(|t| names.monthly_metric.starts_with(&t)),
            ),
        ] {
            let v = key.get_ref();
            let well_formed = !v.is_empty()
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
            if !well_formed || taken {
                return Err(self.err(
                    key.span(),
                    format!(
                        "stock {value} '{v}' must be a metric name of letters, digits, '_' or ':' that no other metric has"
                    ),
                ));
            }
        }
        Ok(names)
    }
}
