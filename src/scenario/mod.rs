//! Reading scenario files: TOML text to a validated [`Scenario`], with errors that name the file,
//! line and column, what is wrong and what would be valid.

pub mod compose;
pub mod game;
pub mod raw;
pub mod vary;

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use serde::de::DeserializeOwned;
use toml::Spanned;

use crate::model::{
    self, Actor, Arm, Arsenal, Category, Experiment, Hostility, InitialState, MAX_MOVES,
    MAX_TRACK_MOVES, Move, MoveSet, Params, Phase, Politics, Roadmap, Scenario, Shock,
    StrategyDecl, ThirdParty, TrackMove, TrackPolicy,
};
use crate::strategies::{
    StrategySpec, all_or_nothing, escalate_to_negotiate, generous_tit_for_tat, greedy, grit,
    grit_initiator, hardline, incremental,
};
use compose::Sources;
use raw::*;

/// The default scenario, embedded in the binary.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/korea-2019.toml");
/// The name under which the embedded scenario is reported.
pub const DEFAULT_SCENARIO_PATH: &str = "scenarios/korea-2019.toml (embedded)";

/// The longest scenario name (it names the results folder, `NAME-sweep` for a sweep).
pub const MAX_NAME: usize = 100;
/// The longest horizon accepted, in months.
pub const MAX_HORIZON: u32 = 1200;
/// The most runs accepted in one batch (histogram counts are 32-bit).
pub const MAX_RUNS: u64 = u32::MAX as u64;

/// A scenario that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// A problem at a place in the file.
    #[error("{path}:{line}:{column}: {message}")]
    At {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// The file cannot be read.
    #[error("{path}: cannot read: {message}")]
    Read { path: String, message: String },
}

/// A validated scenario together with its source text (kept for the manifest).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    pub path: String,
    pub text: String,
}

/// The largest scenario file read (the shipped ones are under 40 kB).
pub const MAX_FILE_BYTES: u64 = 8 << 20;

/// Read a regular file (not a FIFO or a device, which could block or never end) of at most
/// `max` bytes; the error says why not, without the path.
pub fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "larger than {} MB, the most accepted here",
            max >> 20
        ));
    }
    Ok(bytes)
}

/// Read a scenario file: a regular file of at most [`MAX_FILE_BYTES`], in UTF-8.
pub fn read_text(path: &Path) -> Result<String, ScenarioError> {
    let shown = path.display().to_string();
    let fail = |message: String| ScenarioError::Read {
        path: shown.clone(),
        message,
    };
    let bytes = read_limited(path, MAX_FILE_BYTES).map_err(|e| match e.as_str() {
        "not a regular file" => fail(format!("{e}; give the path of a scenario .toml file")),
        _ => fail(e),
    })?;
    String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Read and validate a scenario file (and the files it builds on).
pub fn load(path: &Path) -> Result<Loaded, ScenarioError> {
    match load_any(path)? {
        Any::Negotiation(l) => Ok(*l),
        Any::Game { path, .. } => Err(ScenarioError::Read {
            path,
            message: "a repeated game ([game]), where a negotiation scenario is needed".into(),
        }),
    }
}

/// The embedded default scenario.
pub fn default_scenario() -> Loaded {
    let scenario = parse(DEFAULT_SCENARIO, DEFAULT_SCENARIO_PATH)
        .unwrap_or_else(|e| unreachable!("the embedded scenario is tested to be valid: {e}"));
    Loaded {
        scenario,
        path: DEFAULT_SCENARIO_PATH.to_string(),
        text: DEFAULT_SCENARIO.to_string(),
    }
}

/// Any kind of scenario file.
#[derive(Debug, Clone)]
pub enum Any {
    /// The negotiation model.
    Negotiation(Box<Loaded>),
    /// A classic repeated game (a `[game]` table).
    Game {
        scenario: Box<game::GameScenario>,
        path: String,
        text: String,
    },
}

/// Read and validate a scenario file of either kind, and the files it builds on.
pub fn load_any(path: &Path) -> Result<Any, ScenarioError> {
    from_sources(&Sources::read(path)?)
}

/// Parse and validate scenario text of either kind; `path` is used in error messages. The text
/// stands alone: it may not name a `base`.
pub fn parse_any(text: String, path: &str) -> Result<Any, ScenarioError> {
    from_sources(&Sources::single(path, text))
}

/// Merge a scenario's files and validate the result. The text kept is the file's own, or for a
/// scenario that builds on others, the merged document (so that it can be parsed alone).
fn from_sources(src: &Sources) -> Result<Any, ScenarioError> {
    let doc = src.document()?;
    let cx = Cx { src, doc: &doc };
    let first = &src.files()[0];
    let text = if src.composed() {
        compose::flatten(src, &doc)?
    } else {
        first.text.clone()
    };
    let path = first.path.clone();
    if span_in(&doc, &[Seg::Key("game")]).is_some() {
        let scenario = cx.build_game()?;
        Ok(Any::Game {
            scenario: Box::new(scenario),
            path,
            text,
        })
    } else {
        let scenario = cx.build(cx.de()?)?;
        Ok(Any::Negotiation(Box::new(Loaded {
            scenario,
            path,
            text,
        })))
    }
}

/// Parse and validate scenario text; `path` is used in error messages.
pub fn parse(text: &str, path: &str) -> Result<Scenario, ScenarioError> {
    let src = Sources::single(path, text.to_string());
    let doc = src.document()?;
    let cx = Cx {
        src: &src,
        doc: &doc,
    };
    cx.build(cx.de()?)
}

/// Byte offset to 1-based line and column (in characters).
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// A step of a path into a TOML document: a key of a table, or an element of an array.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

type Doc<'a> = Spanned<toml::de::DeTable<'a>>;

/// The span of the value at `path` in a document, if it is there.
fn span_in(doc: &Doc<'_>, path: &[Seg]) -> Option<Range<usize>> {
    use toml::de::DeValue;
    let mut span = doc.span();
    let mut here: Option<&DeValue> = None;
    let mut table = Some(doc.get_ref());
    for seg in path {
        let next = match (seg, table, here) {
            (Seg::Key(k), Some(t), _) => t
                .iter()
                .find(|(key, _)| key.get_ref().as_ref() == *k)
                .map(|(key, v)| (key.span(), v)),
            (Seg::Index(i), _, Some(DeValue::Array(items))) => items.get(*i).map(|v| (v.span(), v)),
            _ => None,
        };
        let (s, v) = next?;
        span = s;
        here = Some(v.get_ref());
        table = match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
    }
    Some(span)
}

/// The scenario being built: its files and their merged document.
pub(crate) struct Cx<'a> {
    src: &'a Sources,
    doc: &'a Doc<'a>,
}

pub(crate) type R<T> = Result<T, ScenarioError>;

impl Cx<'_> {
    pub(crate) fn err(&self, span: Range<usize>, message: impl Into<String>) -> ScenarioError {
        self.src.err(span, message)
    }

    /// The document as the serde structs `T`.
    pub(crate) fn de<T: DeserializeOwned>(&self) -> R<T> {
        T::deserialize(toml::de::Deserializer::from(self.doc.clone()))
            .map_err(|e| self.err(e.span().unwrap_or(0..0), e.message().trim_end().to_string()))
    }

    /// The span of the value at `path`, if it is there.
    pub(crate) fn span_at_exactly(&self, path: &[Seg]) -> Option<Range<usize>> {
        span_in(self.doc, path)
    }

    /// The span of the value at `path`, else of the longest part of `path` that is in the
    /// document, else the start of the scenario file.
    pub(crate) fn span_at(&self, path: &[Seg]) -> Range<usize> {
        (0..=path.len())
            .rev()
            .find_map(|n| span_in(self.doc, &path[..n]))
            .unwrap_or(0..0)
    }

    fn lookup(&self, ids: &HashMap<String, usize>, r: &Spanned<String>, what: &str) -> R<usize> {
        ids.get(r.get_ref()).copied().ok_or_else(|| {
            let mut known: Vec<&String> = ids.keys().collect();
            known.sort();
            let list: Vec<&str> = known.iter().map(|s| s.as_str()).collect();
            self.err(
                r.span(),
                format!(
                    "unknown {what} '{}'; expected one of: {}",
                    r.get_ref(),
                    list.join(", ")
                ),
            )
        })
    }

    pub(crate) fn lookup_plain(
        &self,
        ids: &HashMap<String, usize>,
        id: &str,
        span: Range<usize>,
        what: &str,
        context: &str,
    ) -> R<usize> {
        ids.get(id).copied().ok_or_else(|| {
            let mut known: Vec<&str> = ids.keys().map(|s| s.as_str()).collect();
            known.sort();
            self.err(
                span,
                format!(
                    "{context}: unknown {what} '{id}'; expected one of: {}",
                    known.join(", ")
                ),
            )
        })
    }

    fn build(&self, raw: RawScenario) -> R<Scenario> {
        let horizon = *raw.horizon.get_ref();
        if horizon == 0 || horizon > MAX_HORIZON {
            return Err(self.err(
                raw.horizon.span(),
                format!("horizon must be between 1 and {MAX_HORIZON} months, found {horizon}"),
            ));
        }
        let p = &raw.params;

        // Actors.
        let actors_span = raw.actors.span();
        let raw_actors = raw.actors.into_inner();
        if raw_actors.len() != 2 {
            return Err(self.err(
                actors_span,
                format!("expected exactly 2 [[actors]], found {}", raw_actors.len()),
            ));
        }
        let mut actor_ids = HashMap::new();
        for (i, a) in raw_actors.iter().enumerate() {
            if actor_ids
                .insert(a.get_ref().id.get_ref().clone(), i)
                .is_some()
            {
                return Err(self.err(a.get_ref().id.span(), "duplicate actor id"));
            }
        }

        // Moves: ids first, then the rest (prerequisites may point forward).
        if raw.moves.len() > MAX_MOVES {
            return Err(self.err(
                raw.moves[MAX_MOVES].span(),
                format!(
                    "at most {MAX_MOVES} moves are supported, found {}",
                    raw.moves.len()
                ),
            ));
        }
        let mut move_ids = HashMap::new();
        for (i, m) in raw.moves.iter().enumerate() {
            let id = m.get_ref().id.get_ref();
            if move_ids.insert(id.clone(), i).is_some() {
                return Err(self.err(m.get_ref().id.span(), format!("duplicate move id '{id}'")));
            }
        }
        let set = |refs: &[Spanned<String>]| -> R<MoveSet> {
            let mut s = MoveSet::EMPTY;
            for r in refs {
                s.insert(self.lookup(&move_ids, r, "move")?);
            }
            Ok(s)
        };
        let mut moves = Vec::with_capacity(raw.moves.len());
        for sm in &raw.moves {
            let m = sm.get_ref();
            let actor = self.lookup(&actor_ids, &m.actor, "actor")?;
            let category = Category::parse(m.category.get_ref()).ok_or_else(|| {
                let names: Vec<&str> = Category::ALL.iter().map(|c| c.name()).collect();
                self.err(
                    m.category.span(),
                    format!(
                        "unknown category '{}'; expected one of: {}",
                        m.category.get_ref(),
                        names.join(", ")
                    ),
                )
            })?;
            let hostile = match &m.hostile {
                Some(h) => Some(Hostility {
                    severity: h.severity,
                    lr: h.likelihood_ratio,
                    perceived_hostile: h.perceived_hostile,
                    breaks: set(&h.breaks)?,
                }),
                None => None,
            };
            if category == Category::Provocation && hostile.is_none() {
                return Err(self.err(
                    sm.span(),
                    format!(
                        "move '{}' is a provocation but has no `hostile = {{ severity, likelihood_ratio }}` table",
                        m.id.get_ref()
                    ),
                ));
            }
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
                requires: set(&m.requires)?,
                standing: m.standing && hostile.is_none(),
                freeze: m.freeze,
                moratorium: m.moratorium,
                arsenal_growth: m.arsenal_growth,
                arsenal_removal: m.arsenal_removal,
                hostile,
                stake: 0.0,
                log_lr: 0.0,
                log_lr_standing: 0.0,
                gate: 0.0,
            });
        }
        for (i, sm) in raw.moves.iter().enumerate() {
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
        self.check_cycles(&raw.moves, &moves)?;
        // Each arm derives its own copy from the catalogue as written (derivation scales
        // verifiability by the arm's verification regime, so it must be applied once).
        let catalogue = moves.clone();
        model::derive_moves(&mut moves, p);

        // Strategies (ids first: type-conditional strategies refer to others).
        let mut strategy_ids = HashMap::new();
        let mut strategy_heads = Vec::new();
        for st in &raw.strategies {
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
        for (i, r) in raw.roadmaps.iter().enumerate() {
            if roadmap_ids
                .insert(r.get_ref().id.get_ref().clone(), i)
                .is_some()
            {
                return Err(self.err(r.get_ref().id.span(), "duplicate roadmap id"));
            }
        }
        let mut strategies = Vec::new();
        for (st, (id, kind)) in raw.strategies.iter().zip(&strategy_heads) {
            let spec = self.strategy(st, id, kind, &move_ids, &roadmap_ids, &strategy_ids)?;
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
        self.check_type_conditional_cycles(&raw.strategies, &strategies)?;

        let mut actors = Vec::new();
        for a in &raw_actors {
            let a = a.get_ref();
            let flip_to = match &a.politics.flip_to {
                Some(r) => Some(self.lookup(&strategy_ids, r, "strategy")?),
                None => None,
            };
            let own_hostile = |r: &Spanned<String>| -> R<usize> {
                let m = self.lookup(&move_ids, r, "move")?;
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
                politics: Politics {
                    cycle: a.politics.cycle,
                    first_change: a.politics.first_change.unwrap_or(a.politics.cycle).max(1),
                    flip: a.politics.flip,
                    trust_reset: a.politics.trust_reset,
                    flip_to,
                    leadership_hazard: a.politics.leadership_hazard,
                },
                arsenal: a.arsenal.as_ref().map(|x| Arsenal {
                    initial: x.initial,
                    growth: x.growth,
                }),
                retaliation: a.retaliation.as_ref().map(own_hostile).transpose()?,
                pressure: a.pressure.iter().map(own_hostile).collect::<R<Vec<_>>>()?,
            });
        }
        let actors: [Actor; 2] = actors
            .try_into()
            .map_err(|_| self.err(actors_span.clone(), "expected exactly 2 actors"))?;

        // Shocks.
        let mut shocks = Vec::new();
        for s in &raw.shocks {
            let r = s.get_ref();
            let actor = self.lookup(&actor_ids, &r.actor, "actor")?;
            if r.moves.is_empty() {
                return Err(self.err(s.span(), format!("shock '{}' lists no moves", r.id)));
            }
            let mut ms = Vec::new();
            for m in &r.moves {
                let ix = self.lookup(&move_ids, m, "move")?;
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
            shocks.push(shock);
        }

        // Roadmaps.
        let mut roadmaps = Vec::new();
        for rm in &raw.roadmaps {
            let r = rm.get_ref();
            let mut phases = Vec::new();
            for ph in &r.phases {
                let mut steps = [MoveSet::EMPTY; 2];
                for (actor_id, list) in &ph.get_ref().steps {
                    let a =
                        self.lookup_plain(&actor_ids, actor_id, ph.span(), "actor", "phase steps")?;
                    for m in list {
                        let ix = self.lookup(&move_ids, m, "move")?;
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

        // Initial state.
        let in_force = set(&raw.initial.in_force)?;
        let initial = InitialState {
            tension: raw.initial.tension,
            in_force,
        };

        // Experiment.
        let ex = raw.experiment.get_ref();
        let runs = *ex.runs.get_ref();
        if runs == 0 || runs > MAX_RUNS {
            return Err(self.err(
                ex.runs.span(),
                format!("runs must be between 1 and {MAX_RUNS}, found {runs}"),
            ));
        }
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
                &actor_ids,
                &strategy_ids,
                actor_names,
            )?;
            let params = match &a.params {
                None => raw.params.clone(),
                Some(t) => self.override_params(&raw.params, t, &id)?,
            };
            let mut arm_moves = catalogue.clone();
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
            });
        }
        let baseline = self.lookup(&arm_ids, &ex.baseline, "baseline arm")?;
        let third_party = match &raw.third_party {
            Some(tp) => Some(self.third_party(tp, &actor_ids, &move_ids)?),
            None => None,
        };
        let metric_names: Vec<String> = crate::batch::aggregate::RUN_METRICS
            .iter()
            .map(|(n, _)| {
                n.replace("{0}", &actors[0].id)
                    .replace("{1}", &actors[1].id)
            })
            .collect();
        let metric_ix = |m: &Spanned<String>| -> R<usize> {
            metric_names
                .iter()
                .position(|n| n == m.get_ref())
                .ok_or_else(|| {
                    self.err(
                        m.span(),
                        format!(
                            "unknown metric '{}'; expected one of: {}",
                            m.get_ref(),
                            metric_names.join(", ")
                        ),
                    )
                })
        };
        let headline = match &ex.headline {
            None => None,
            Some(h) => {
                let hr = h.get_ref();
                let arm = self.lookup(&arm_ids, &hr.arm, "arm")?;
                if arm == baseline {
                    return Err(self.err(
                        hr.arm.span(),
                        "the headline arm is the baseline; name the arm compared with it",
                    ));
                }
                Some(model::Headline {
                    arm,
                    metric: metric_ix(&hr.metric)?,
                })
            }
        };
        let mut output = model::OutputOptions::default();
        if let Some(os) = &raw.output {
            let o = os.get_ref();
            output.runs_csv = o.runs_csv;
            if let Some(ms) = &o.metrics {
                let mut v = Vec::new();
                for m in ms {
                    let k = metric_ix(m)?;
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
            initial,
            experiment: Experiment {
                arms,
                baseline,
                runs,
                seed: ex.seed,
                question: ex.question.trim().to_string(),
                headline,
            },
            third_party,
            output,
        })
        .and_then(|s| self.check_name(&raw.name).map(|_| s))
        .and_then(|s| self.check_assembled(&s).map(|_| s))
    }

    /// The checks that need the whole assembled scenario, in one place: the relations between
    /// parameters of the scenario's `[params]` and of every arm (its overrides applied), and
    /// the largest value the aggregates must hold. A sweep point is a scenario text, so it
    /// passes here too: whatever is accepted runs.
    fn check_assembled(&self, sc: &Scenario) -> R<()> {
        use Seg::{Index, Key};
        sc.params.check().map_err(|c| {
            self.err(
                self.span_at(&[Key("params"), Key(c.key)]),
                format!("params: {}", c.message),
            )
        })?;
        for (i, arm) in sc.experiment.arms.iter().enumerate() {
            arm.params.check().map_err(|c| {
                let arm_path = [Key("experiment"), Key("arms"), Index(i)];
                let mut at = arm_path.to_vec();
                at.extend([Key("params"), Key(c.key)]);
                let span = self.span_at_exactly(&at).unwrap_or_else(|| {
                    // The value comes from [params]: point at the arm's overrides.
                    let mut table = arm_path.to_vec();
                    table.push(Key("params"));
                    self.span_at(&table)
                });
                self.err(span, format!("arm '{}' params: {}", arm.id, c.message))
            })?;
        }
        let bound = sc.arsenal_bound();
        if bound > model::params::MAX_MAGNITUDE {
            let who = sc
                .actors
                .iter()
                .position(|a| a.arsenal.is_some())
                .unwrap_or(0);
            return Err(self.err(
                self.span_at(&[Key("actors"), Index(who), Key("arsenal")]),
                format!(
                    "the arsenal can reach {bound:.4e} (initial + growth x the largest growth multiplier x horizon); results are exact only up to {:.0e}: use a smaller unit",
                    model::params::MAX_MAGNITUDE
                ),
            ));
        }
        Ok(())
    }

    /// A third party's stance: true for `engager`.
    fn stance(&self, s: &Spanned<String>) -> R<bool> {
        match s.get_ref().as_str() {
            "engager" => Ok(true),
            "hardliner" => Ok(false),
            other => Err(self.err(
                s.span(),
                format!("stance '{other}' is not valid; expected \"engager\" or \"hardliner\""),
            )),
        }
    }

    /// `[third_party]`: its ally and partner must be the two actors, its step ids new.
    fn third_party(
        &self,
        tp: &Spanned<RawThirdParty>,
        actor_ids: &HashMap<String, usize>,
        move_ids: &HashMap<String, usize>,
    ) -> R<ThirdParty> {
        let r = tp.get_ref();
        if actor_ids.contains_key(&r.id) {
            return Err(self.err(
                tp.span(),
                format!(
                    "third party '{}' has the id of a strategic actor; give it its own id",
                    r.id
                ),
            ));
        }
        let ally = self.lookup(actor_ids, &r.ally, "actor")?;
        let partner = self.lookup(actor_ids, &r.partner, "actor")?;
        if ally == partner {
            return Err(self.err(
                r.partner.span(),
                "the third party's ally and partner must be the two different actors",
            ));
        }
        let engager = self.stance(&r.stance)?;
        if r.moves.get_ref().len() > MAX_TRACK_MOVES {
            return Err(self.err(
                r.moves.span(),
                format!("a third party's track has at most {MAX_TRACK_MOVES} steps"),
            ));
        }
        let mut moves: Vec<TrackMove> = Vec::new();
        for m in r.moves.get_ref() {
            let x = m.get_ref();
            if move_ids.contains_key(&x.id) || moves.iter().any(|y| y.id == x.id) {
                return Err(self.err(m.span(), format!("duplicate move id '{}'", x.id)));
            }
            if x.repeat == 0 {
                return Err(self.err(
                    m.span(),
                    format!("track step '{}': repeat must be at least 1 month", x.id),
                ));
            }
            moves.push(TrackMove {
                id: x.id.clone(),
                label: if x.label.is_empty() {
                    x.id.clone()
                } else {
                    x.label.clone()
                },
                standing: x.standing,
                tension_relief: x.tension_relief,
                incident_relief: x.incident_relief,
                needs_support: x.needs_support,
                repeat: x.repeat,
            });
        }
        let cycle = r.politics.cycle;
        Ok(ThirdParty {
            id: r.id.clone(),
            label: if r.label.is_empty() {
                r.id.clone()
            } else {
                r.label.clone()
            },
            ally,
            partner,
            engager,
            accept: r.accept,
            walkout: r.walkout,
            politics: Politics {
                cycle,
                first_change: r.politics.first_change.unwrap_or(cycle).max(1),
                flip: r.politics.flip,
                trust_reset: 0.0,
                flip_to: None,
                leadership_hazard: 0.0,
            },
            moves,
        })
    }

    pub(crate) fn check_name(&self, name: &Spanned<String>) -> R<()> {
        let n = name.get_ref();
        let ok = !n.is_empty()
            && n.len() <= MAX_NAME
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
            && !n.starts_with('.');
        if ok {
            Ok(())
        } else {
            Err(self.err(
                name.span(),
                format!("name '{n}' must be 1 to {MAX_NAME} letters, digits, '-', '_' or '.', not starting with '.' (it names the results folder)"),
            ))
        }
    }

    /// A strategy table's `id` and `kind` (both required strings); `kinds` lists the valid kinds.
    pub(crate) fn strategy_head(
        &self,
        st: &Spanned<toml::Table>,
        kinds: &str,
    ) -> R<(String, String)> {
        let t = st.get_ref();
        let id = match t.get("id") {
            Some(toml::Value::String(s)) => s.clone(),
            _ => return Err(self.err(st.span(), "a strategy needs a string `id`")),
        };
        match t.get("kind") {
            Some(toml::Value::String(s)) => Ok((id, s.clone())),
            _ => Err(self.err(
                st.span(),
                format!("strategy '{id}' needs a string `kind`; expected one of: {kinds}"),
            )),
        }
    }

    /// Resolve an arm's `strategies = { <actor> = <strategy> }` to a strategy index per side.
    pub(crate) fn pairing(
        &self,
        span: Range<usize>,
        arm: &str,
        strategies: &std::collections::BTreeMap<String, Spanned<String>>,
        actor_ids: &HashMap<String, usize>,
        strategy_ids: &HashMap<String, usize>,
        actor_names: [&str; 2],
    ) -> R<[usize; 2]> {
        let mut side = [usize::MAX; 2];
        for (actor, s) in strategies {
            let ai = self.lookup_plain(
                actor_ids,
                actor,
                span.clone(),
                "actor",
                &format!("arm '{arm}' strategies"),
            )?;
            side[ai] = self.lookup(strategy_ids, s, "strategy")?;
        }
        if let Some(m) = (0..2).find(|&i| side[i] == usize::MAX) {
            return Err(self.err(
                span,
                format!(
                    "arm '{arm}' gives no strategy for actor '{}'",
                    actor_names[m]
                ),
            ));
        }
        Ok(side)
    }

    fn override_params(&self, base: &Params, t: &Spanned<toml::Table>, arm: &str) -> R<Params> {
        let mut table = toml::Table::try_from(base)
            .map_err(|e| self.err(t.span(), format!("arm '{arm}' params: {e}")))?;
        for (k, v) in t.get_ref() {
            table.insert(k.clone(), v.clone());
        }
        toml::Value::Table(table).try_into::<Params>().map_err(|e| {
            self.err(
                t.span(),
                format!("arm '{arm}' params: {}", e.message().trim_end()),
            )
        })
    }

    fn check_cycles(&self, raw: &[Spanned<RawMove>], moves: &[Move]) -> R<()> {
        // Depth-first search with colours; report the cycle's path.
        let n = moves.len();
        let mut colour = vec![0u8; n];
        let mut stack: Vec<usize> = Vec::new();
        fn visit(
            m: usize,
            moves: &[Move],
            colour: &mut [u8],
            stack: &mut Vec<usize>,
        ) -> Option<Vec<usize>> {
            colour[m] = 1;
            stack.push(m);
            for r in moves[m].requires.iter() {
                if colour[r] == 1 {
                    let start = stack.iter().position(|&x| x == r).unwrap_or(0);
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(r);
                    return Some(cycle);
                }
                if colour[r] == 0
                    && let Some(c) = visit(r, moves, colour, stack)
                {
                    return Some(c);
                }
            }
            stack.pop();
            colour[m] = 2;
            None
        }
        for m in 0..n {
            if colour[m] == 0
                && let Some(cycle) = visit(m, moves, &mut colour, &mut stack)
            {
                let path: Vec<&str> = cycle.iter().map(|&i| moves[i].id.as_str()).collect();
                return Err(self.err(
                    raw[cycle[0]].get_ref().id.span(),
                    format!(
                        "prerequisite cycle: {}; prerequisites must form no loop",
                        path.join(" requires ")
                    ),
                ));
            }
        }
        Ok(())
    }

    fn check_type_conditional_cycles(
        &self,
        raw: &[Spanned<toml::Table>],
        decls: &[StrategyDecl],
    ) -> R<()> {
        for (i, d) in decls.iter().enumerate() {
            for sincere in [true, false] {
                let mut ix = i;
                let mut steps = 0;
                while let StrategySpec::TypeConditional {
                    sincere: s,
                    greedy: g,
                } = decls[ix].spec
                {
                    ix = if sincere { s } else { g };
                    steps += 1;
                    if steps > decls.len() {
                        return Err(self.err(
                            raw[i].span(),
                            format!("strategy '{}' refers to itself through type_conditional strategies", d.id),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    pub(crate) fn params_of<T: DeserializeOwned>(
        &self,
        st: &Spanned<toml::Table>,
        id: &str,
        kind: &str,
    ) -> R<T> {
        let mut t = st.get_ref().clone();
        t.remove("id");
        t.remove("kind");
        t.remove("label");
        t.remove("third_party");
        toml::Value::Table(t).try_into::<T>().map_err(|e| {
            self.err(
                st.span(),
                format!("strategy '{id}' ({kind}): {}", e.message().trim_end()),
            )
        })
    }

    fn strategy(
        &self,
        st: &Spanned<toml::Table>,
        id: &str,
        kind: &str,
        move_ids: &HashMap<String, usize>,
        roadmap_ids: &HashMap<String, usize>,
        strategy_ids: &HashMap<String, usize>,
    ) -> R<StrategySpec> {
        let span = st.span();
        let ctx = format!("strategy '{id}'");
        let moves_of = |list: &[String]| -> R<MoveSet> {
            let mut s = MoveSet::EMPTY;
            for m in list {
                s.insert(self.lookup_plain(move_ids, m, span.clone(), "move", &ctx)?);
            }
            Ok(s)
        };
        let incremental_config = |p: IncrementalParams| -> R<incremental::Config> {
            Ok(incremental::Config {
                roadmap: self.lookup_plain(
                    roadmap_ids,
                    &p.roadmap,
                    span.clone(),
                    "roadmap",
                    &ctx,
                )?,
                deadline: p.deadline,
                suspend: p.suspend,
                max_phases: None,
            })
        };
        let no_params = || self.params_of::<NoParams>(st, id, kind).map(|_| ());
        Ok(match kind {
            "all_or_nothing" => {
                let p: AllOrNothingParams = self.params_of(st, id, kind)?;
                StrategySpec::AllOrNothing(all_or_nothing::Config {
                    package: moves_of(&p.package)?,
                    relief: moves_of(&p.relief)?,
                    interim: moves_of(&p.interim)?,
                })
            }
            "incremental" => {
                StrategySpec::Incremental(incremental_config(self.params_of(st, id, kind)?)?)
            }
            "freeze_for_freeze" => {
                StrategySpec::FreezeForFreeze(incremental_config(self.params_of(st, id, kind)?)?)
            }
            "grit" => {
                let p: GritParams = self.params_of(st, id, kind)?;
                StrategySpec::Grit(grit::Config {
                    persistence: p.persistence,
                    growth: p.growth,
                    initial_step: p.initial_step,
                    interval: p.interval.max(1),
                })
            }
            "tit_for_tat" => {
                no_params()?;
                StrategySpec::TitForTat
            }
            "generous_tit_for_tat" => {
                let p: GenerousParams = self.params_of(st, id, kind)?;
                StrategySpec::GenerousTitForTat(generous_tit_for_tat::Config {
                    forgiveness: p.forgiveness,
                })
            }
            "contrite_tit_for_tat" => {
                no_params()?;
                StrategySpec::ContriteTitForTat
            }
            "grim_trigger" => {
                no_params()?;
                StrategySpec::GrimTrigger
            }
            "hardline" => {
                let p: HardlineParams = self.params_of(st, id, kind)?;
                StrategySpec::Hardline(hardline::Config {
                    pressure_rate: p.pressure_rate,
                })
            }
            "unconditional" => {
                no_params()?;
                StrategySpec::Unconditional
            }
            "hedger" => {
                no_params()?;
                StrategySpec::Hedger
            }
            "greedy" => {
                let p: GreedyParams = self.params_of(st, id, kind)?;
                StrategySpec::Greedy(greedy::Config {
                    mimic_stake: p.mimic_stake,
                })
            }
            "grit_initiator" => {
                let p: GritInitiatorParams = self.params_of(st, id, kind)?;
                StrategySpec::GritInitiator(grit_initiator::Config {
                    initiatives: p
                        .initiatives
                        .iter()
                        .map(|id| self.lookup_plain(move_ids, id, span.clone(), "move", &ctx))
                        .collect::<R<Vec<_>>>()?,
                    interval: p.interval.max(1),
                })
            }
            "escalate_to_negotiate" => {
                let p: EscalateParams = self.params_of(st, id, kind)?;
                StrategySpec::EscalateToNegotiate(escalate_to_negotiate::Config {
                    escalation_rate: p.escalation_rate,
                    tension_target: p.tension_target,
                })
            }
            "type_conditional" => {
                let p: TypeConditionalParams = self.params_of(st, id, kind)?;
                StrategySpec::TypeConditional {
                    sincere: self.lookup_plain(
                        strategy_ids,
                        &p.sincere,
                        span.clone(),
                        "strategy",
                        &ctx,
                    )?,
                    greedy: self.lookup_plain(
                        strategy_ids,
                        &p.greedy,
                        span.clone(),
                        "strategy",
                        &ctx,
                    )?,
                }
            }
            other => {
                return Err(self.err(
                    span,
                    format!(
                        "strategy '{id}': unknown kind '{other}'; expected one of: {}",
                        kinds_list()
                    ),
                ));
            }
        })
    }
}

fn kinds_list() -> String {
    crate::strategies::KINDS
        .iter()
        .map(|k| k.kind)
        .collect::<Vec<_>>()
        .join(", ")
}
