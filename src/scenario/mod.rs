//! Reading scenario files: TOML text to a validated [`Scenario`], with errors that name the file,
//! line and column, what is wrong and what would be valid.

mod build;
pub mod compose;
pub mod game;
pub mod posterior;
pub mod raw;
pub mod uncertain;
pub mod vary;

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use serde::de::DeserializeOwned;
use toml::Spanned;

use crate::model::{
    self, MAX_TRACK_MOVES, Move, Params, Politics, Scenario, StrategyDecl, StrategySpec, Successor,
    ThirdParty, TrackMove,
};
use crate::strategies::{self, Name, Names};
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
        let posterior = posterior::find(&cx)?;
        let text = match &posterior {
            Some(p) if p.read_from_file() => posterior::inlined(src, &doc, p)?,
            _ => text,
        };
        let scenario = uncertain::build(&cx, &path, &text, posterior.as_ref())?;
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
    let posterior = posterior::find(&cx)?;
    uncertain::build(&cx, path, text, posterior.as_ref())
}

/// Byte offset to 1-based line and column (in characters).
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
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
        let bound = sc.stock_bound();
        if bound > model::params::MAX_MAGNITUDE {
            let who = sc
                .actors
                .iter()
                .position(|a| a.stock.is_some())
                .unwrap_or(0);
            return Err(self.err(
                self.span_at(&[Key("actors"), Index(who), Key("stock")]),
                format!(
                    "the stock can reach {bound:.4e} (initial + growth x the largest growth multiplier x horizon); results are exact only up to {:.0e}: use a smaller unit",
                    model::params::MAX_MAGNITUDE
                ),
            ));
        }
        for i in 0..2 {
            let bound = sc.payoff_bound(i);
            if bound.is_nan() || bound > model::params::MAX_MAGNITUDE {
                return Err(self.err(
                    self.span_at(&[Key("actors"), Index(i), Key("payoff")]),
                    format!(
                        "{}'s payoff can reach {bound:.4e} (its weights times every move's value and cost, tension, the stock and war, over the horizon); results are exact only up to {:.0e}: use smaller weights",
                        sc.actors[i].id,
                        model::params::MAX_MAGNITUDE
                    ),
                ));
            }
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
                // The third party's flip toggles its stance (`engine::third_party`).
                successors: if r.politics.flip > 0.0 {
                    vec![(Successor::Toggle(None), r.politics.flip)]
                } else {
                    Vec::new()
                },
                trust_reset: 0.0,
                leadership_hazard: 0.0,
                lag: 0,
                stickiness: 0.0,
                schedule: Vec::new(),
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
                while let Some(t) = decls[ix].spec.type_conditional() {
                    ix = if sincere { t.sincere } else { t.greedy };
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

    /// A strategy table, parsed by its kind's own module.
    fn strategy(
        &self,
        st: &Spanned<toml::Table>,
        id: &str,
        kind: &str,
        names: &ScenarioNames,
    ) -> R<StrategySpec> {
        let args = strategies::Args {
            id,
            kind,
            table: st.get_ref(),
            names,
        };
        match strategies::parse(&args) {
            Some(r) => r.map_err(|e| self.err(st.span(), e)),
            None => Err(self.err(
                st.span(),
                format!(
                    "strategy '{id}': unknown kind '{kind}'; expected one of: {}",
                    kinds_list()
                ),
            )),
        }
    }
}

/// The ids a strategy may name, for its kind's parser.
pub(crate) struct ScenarioNames<'a> {
    moves: &'a HashMap<String, usize>,
    roadmaps: &'a HashMap<String, usize>,
    strategies: &'a HashMap<String, usize>,
}

impl ScenarioNames<'_> {
    fn ids(&self, what: Name) -> &HashMap<String, usize> {
        match what {
            Name::Move => self.moves,
            Name::Roadmap => self.roadmaps,
            Name::Strategy => self.strategies,
        }
    }
}

impl Names for ScenarioNames<'_> {
    fn find(&self, what: Name, id: &str) -> Option<usize> {
        self.ids(what).get(id).copied()
    }

    fn known(&self, what: Name) -> Vec<String> {
        let mut k: Vec<String> = self.ids(what).keys().cloned().collect();
        k.sort();
        k
    }
}

fn kinds_list() -> String {
    crate::strategies::KINDS
        .iter()
        .map(|k| k.kind)
        .collect::<Vec<_>>()
        .join(", ")
}
