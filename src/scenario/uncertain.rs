//! Values given as distributions (`inclusion = { uniform = [0.2, 0.8] }`): found in the
//! document, checked by building the scenario at each one's nominal value and at both ends of
//! its range, and the document rebuilt with a run's draws ([`Rebuild`]).

use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::compose::{Sources, entry_mut};
use super::posterior::Posterior;
use super::{Cx, Doc, R, ScenarioError, Seg};
use crate::model::dist::{Dist, KINDS};
use crate::model::{Joint, PathStep, Scenario, Uncertain, Uncertainty};

/// A distribution found in the document.
struct Found {
    key: String,
    path: Vec<PathStep>,
    dist: Dist,
    /// The numbers of the distribution are all whole: the setting may take a whole number.
    whole: bool,
    span: Range<usize>,
}

/// Build the scenario of a document. A scenario with distributions is built at their nominal
/// values, after it has been built at both ends of each one's range (one at a time, then all
/// at once), so every value a draw can take is known to be valid on its own. A scenario that
/// draws from a posterior is built at every particle too.
pub(super) fn build(cx: &Cx, path: &str, text: &str, posterior: Option<&Posterior>) -> R<Scenario> {
    let mut found = find(cx)?;
    if found.is_empty() && posterior.is_none() {
        let sc = cx.build(cx.de()?).map_err(hint)?;
        let key = [Seg::Key("experiment"), Seg::Key("runs_per_draw")];
        return match cx.span_at_exactly(&key) {
            Some(span) => Err(cx.err(
                span,
                "runs_per_draw needs a setting given as a distribution or drawn from a posterior (docs/model.md 7.20); remove it",
            )),
            None => Ok(sc),
        };
    }
    let own = found.len();
    if let Some(p) = posterior {
        found.extend(joint(cx, p, &found)?);
    }
    let nominal = nominal(&found, posterior);
    let mut integer = integers(cx, &found, &nominal)?;
    for (v, what) in ends(&found[..own], &nominal) {
        at(cx, &found, &integer, &v).map_err(|e| within(e, &what))?;
    }
    if let Some(p) = posterior {
        for (k, row) in p.particles.iter().enumerate() {
            let mut v = nominal.clone();
            v[own..].copy_from_slice(row);
            at(cx, &found, &integer, &v).map_err(|e| {
                let place = |f: &Found| location(&cx.err(f.span.clone(), ""));
                let key = found[own..].iter().find(|f| place(f) == location(&e));
                let what = key.map_or(String::new(), |f| format!("{}: ", f.key));
                p.err(cx, k, format!("{what}{}", message(e)))
            })?;
        }
    }
    let mut sc = at(cx, &found, &integer, &nominal)?;
    let joint = posterior.map(|p| Joint::new(own, p.file.clone(), p.particles.clone(), &p.weights));
    let values = found
        .into_iter()
        .zip(integer.drain(..))
        .map(|(f, integer)| Uncertain {
            key: f.key,
            path: f.path,
            dist: f.dist,
            integer,
        })
        .collect();
    sc.uncertainty = Some(Arc::new(Uncertainty {
        values,
        joint,
        path: path.to_string(),
        text: text.to_string(),
    }));
    Ok(sc)
}

/// The values a scenario is built at: each distribution's nominal value, each posterior
/// setting's weighted mean.
fn nominal(found: &[Found], posterior: Option<&Posterior>) -> Vec<f64> {
    let means = posterior.map(Posterior::means).unwrap_or_default();
    let own = found.len() - means.len();
    found[..own]
        .iter()
        .map(|f| f.dist.nominal())
        .chain(means)
        .collect()
}

/// The value vectors checked besides the nominal one: each distribution at each end of its
/// range, then all of them at their low ends and at their high ends.
fn ends(found: &[Found], nominal: &[f64]) -> Vec<(Vec<f64>, String)> {
    let mut ends: Vec<(Vec<f64>, String)> = Vec::new();
    for (k, f) in found.iter().enumerate() {
        let (lo, hi) = f.dist.support();
        for (x, word) in [(lo, "low"), (hi, "high")] {
            let mut v = nominal.to_vec();
            v[k] = x;
            ends.push((v, format!("{} at the {word} end of its range ({x})", f.key)));
        }
    }
    if found.len() > 1 {
        for (pick, word) in [(0, "low"), (1, "high")] {
            let mut v = nominal.to_vec();
            for (k, f) in found.iter().enumerate() {
                v[k] = [f.dist.support().0, f.dist.support().1][pick];
            }
            ends.push((
                v,
                format!("every distribution at the {word} end of its range"),
            ));
        }
    }
    ends
}

/// The settings a posterior draws, resolved in the document; none may also be a
/// distribution, or be named twice.
fn joint(cx: &Cx, p: &Posterior, found: &[Found]) -> R<Vec<Found>> {
    let mut table = super::compose::table(cx.src, cx.doc)?;
    // The distributions as numbers, so that a key naming one resolves (and is refused below).
    for f in found {
        super::vary::set_path(&mut table, &f.path, toml::Value::Float(f.dist.nominal()));
    }
    let mut out: Vec<Found> = Vec::new();
    for (j, key) in p.keys.iter().enumerate() {
        let k = super::vary::resolve(&table, key)
            .map_err(|e| cx.err(p.span.clone(), format!("from_posterior '{}': {e}", p.file)))?;
        let path = k.steps();
        let twice = |what: &str| {
            cx.err(
                p.span.clone(),
                format!(
                    "from_posterior '{}': {key} is drawn from the posterior and also {what}; give it once",
                    p.file
                ),
            )
        };
        if found.iter().any(|f| f.path == path) {
            return Err(twice("given as a distribution"));
        }
        if out.iter().any(|f| f.path == path) {
            return Err(twice("named by another of its columns"));
        }
        let segs: Vec<Seg> = path
            .iter()
            .map(|s| match s {
                PathStep::Key(k) => Seg::Key(k),
                PathStep::Index(i) => Seg::Index(*i),
            })
            .collect();
        let span = cx.span_at_exactly(&segs).unwrap_or(p.span.clone());
        let column: Vec<f64> = p.particles.iter().map(|r| r[j]).collect();
        out.push(Found {
            key: key.clone(),
            path,
            dist: Dist::Choice(column),
            // Whether the setting takes whole numbers is found by building it (`integers`).
            whole: true,
            span,
        });
    }
    Ok(out)
}

/// An error's message without its place (the place is a particle's).
fn message(e: ScenarioError) -> String {
    match e {
        ScenarioError::At { message, .. } | ScenarioError::Read { message, .. } => message,
    }
}

/// Which distributions stand for whole-number settings: a distribution of whole numbers whose
/// setting refuses a fractional value.
fn integers(cx: &Cx, found: &[Found], nominal: &[f64]) -> R<Vec<bool>> {
    let mut integer = vec![false; found.len()];
    loop {
        let Err(e) = at(cx, found, &integer, nominal) else {
            return Ok(integer);
        };
        let place = |f: &Found| location(&cx.err(f.span.clone(), ""));
        let here = found
            .iter()
            .position(|f| place(f) == location(&e))
            .filter(|&k| !integer[k] && found[k].whole && e.to_string().contains("floating"));
        match here {
            Some(k) => integer[k] = true,
            None => return Err(hint(e)),
        }
    }
}

fn location(e: &ScenarioError) -> Option<(String, usize, usize)> {
    match e {
        ScenarioError::At {
            path, line, column, ..
        } => Some((path.clone(), *line, *column)),
        ScenarioError::Read { .. } => None,
    }
}

/// A table where a number was expected may be a distribution misspelt; a fractional value
/// where a whole number was expected may be a distribution of whole numbers written with
/// fractions: say what would be valid.
fn hint(e: ScenarioError) -> ScenarioError {
    let ScenarioError::At {
        path,
        line,
        column,
        message,
    } = e
    else {
        return e;
    };
    let extra = if message.contains("invalid type: map, expected") {
        let kinds: Vec<&str> = KINDS.iter().map(|k| k.0).collect();
        format!(
            " (a distribution is a table with one of: {})",
            kinds.join(", ")
        )
    } else if message.contains("invalid type: floating point") {
        " (this setting takes whole numbers: write a distribution of it with whole numbers, like { uniform = [10, 20] })".to_string()
    } else {
        String::new()
    };
    ScenarioError::At {
        path,
        line,
        column,
        message: message + &extra,
    }
}

/// An error met with some values at the ends of their ranges, saying which.
fn within(e: ScenarioError, what: &str) -> ScenarioError {
    match e {
        ScenarioError::At {
            path,
            line,
            column,
            message,
        } => ScenarioError::At {
            path,
            line,
            column,
            message: format!("with {what}: {message}"),
        },
        other => other,
    }
}

/// The scenario with the distributions set to `values`.
fn at(cx: &Cx, found: &[Found], integer: &[bool], values: &[f64]) -> R<Scenario> {
    let paths: Vec<(&[PathStep], Range<usize>)> = found
        .iter()
        .map(|f| (f.path.as_slice(), f.span.clone()))
        .collect();
    rebuild(cx.src, cx.doc, &paths, integer, values)
}

/// The document with the values at `paths` set to `values`, built.
fn rebuild(
    src: &Sources,
    doc: &Doc<'_>,
    paths: &[(&[PathStep], Range<usize>)],
    integer: &[bool],
    values: &[f64],
) -> R<Scenario> {
    let texts: Vec<String> = values
        .iter()
        .zip(integer)
        .map(|(&v, &whole)| {
            if whole {
                format!("{}", v.round() as i64)
            } else {
                format!("{v:?}")
            }
        })
        .collect();
    let mut d: Doc<'_> = doc.clone();
    for ((path, span), t) in paths.iter().zip(&texts) {
        let v =
            DeValue::parse(t).map_err(|e| src.err(span.clone(), format!("cannot set {t}: {e}")))?;
        set_at(
            d.get_mut(),
            path,
            Spanned::new(span.clone(), v.into_inner()),
        );
    }
    let cx = Cx { src, doc: &d };
    cx.build(cx.de()?)
}

/// Put `value` at `path` in a document, adding the key (and any table on the way) if the
/// document leaves it out (a model parameter left at its default, say).
fn set_at<'t>(doc: &mut DeTable<'t>, path: &[PathStep], value: Spanned<DeValue<'t>>) {
    let Some((PathStep::Key(last), init)) = path.split_last() else {
        return;
    };
    let mut table = doc;
    let mut steps = init.iter().peekable();
    while let Some(step) = steps.next() {
        let PathStep::Key(k) = step else { return };
        if entry_mut(table, k).is_none() {
            let empty = DeValue::Table(DeTable::new());
            table.insert(
                Spanned::new(0..0, k.clone().into()),
                Spanned::new(0..0, empty),
            );
        }
        let Some(v) = entry_mut(table, k) else { return };
        let next = match (v.get_mut(), steps.peek()) {
            (DeValue::Array(items), Some(PathStep::Index(j))) => {
                let j = *j;
                steps.next();
                items.get_mut(j).map(Spanned::get_mut)
            }
            (d, _) => Some(d),
        };
        let Some(DeValue::Table(t)) = next else {
            return;
        };
        table = t;
    }
    match entry_mut(table, last) {
        Some(v) => *v = value,
        None => {
            table.insert(Spanned::new(0..0, last.clone().into()), value);
        }
    }
}

/// Every distribution in the document, in document order.
fn find(cx: &Cx) -> R<Vec<Found>> {
    let mut out = Vec::new();
    walk(
        cx,
        cx.doc.get_ref(),
        &mut Vec::new(),
        &mut Vec::new(),
        &mut out,
    )?;
    // Tables keep their keys sorted: put the values back in the order the file gives them.
    out.sort_by_key(|f| f.span.start);
    Ok(out)
}

fn is_dist(t: &DeTable) -> bool {
    t.keys()
        .any(|k| KINDS.iter().any(|(kind, _)| k.get_ref() == kind))
}

fn walk(
    cx: &Cx,
    t: &DeTable,
    path: &mut Vec<PathStep>,
    names: &mut Vec<String>,
    out: &mut Vec<Found>,
) -> R<()> {
    for (k, v) in t.iter() {
        let name = k.get_ref().to_string();
        path.push(PathStep::Key(name.clone()));
        names.push(name);
        match v.get_ref() {
            DeValue::Table(inner) if is_dist(inner) => {
                out.push(found(cx, inner, v.span(), path, names)?);
            }
            DeValue::Table(inner) => walk(cx, inner, path, names, out)?,
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let DeValue::Table(inner) = item.get_ref() else {
                        continue;
                    };
                    if is_dist(inner) {
                        return Err(cx.err(
                            item.span(),
                            "a distribution stands for one setting, not for an element of a list",
                        ));
                    }
                    path.push(PathStep::Index(i));
                    names.push(id_of(inner).unwrap_or_else(|| i.to_string()));
                    walk(cx, inner, path, names, out)?;
                    path.pop();
                    names.pop();
                }
            }
            _ => {}
        }
        path.pop();
        names.pop();
    }
    Ok(())
}

/// The `id` (or `name`) of a list element.
fn id_of(t: &DeTable) -> Option<String> {
    t.iter()
        .find(|(k, _)| k.get_ref() == "id" || k.get_ref() == "name")
        .and_then(|(_, v)| match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => None,
        })
}

/// Why a setting cannot be drawn per run, if it cannot.
fn fixed(names: &[String]) -> Option<&'static str> {
    match (
        names.first().map(String::as_str),
        names.get(1).map(String::as_str),
    ) {
        (Some("horizon"), _) => Some("the horizon sets the shape of every output"),
        (Some("output"), _) => Some("[output] options shape the files, not the model"),
        (Some("experiment"), Some("arms")) => None,
        (Some("experiment"), _) => Some("[experiment] settings apply to the whole batch"),
        _ => None,
    }
}

/// A distribution table: one kind with its numbers, and `within` for normal and beta.
fn found(
    cx: &Cx,
    t: &DeTable,
    span: Range<usize>,
    path: &[PathStep],
    names: &[String],
) -> R<Found> {
    let key = names.join(".");
    if let Some(why) = fixed(names) {
        return Err(cx.err(span, format!("{key} cannot be a distribution: {why}")));
    }
    let forms = || {
        KINDS
            .iter()
            .map(|(_, form)| format!("{{ {form} }}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut kind: Option<(&str, Vec<f64>, bool, Range<usize>)> = None;
    let mut within: Option<(f64, f64)> = None;
    for (k, v) in t.iter() {
        let name = k.get_ref().as_ref();
        let known = KINDS.iter().find(|(n, _)| *n == name).map(|x| x.0);
        if known.is_none() && name != "within" {
            return Err(cx.err(
                k.span(),
                format!(
                    "{key}: unknown key '{name}' in a distribution; expected one of: {}",
                    forms()
                ),
            ));
        }
        let (nums, whole) = numbers(v.get_ref()).ok_or_else(|| {
            cx.err(
                v.span(),
                format!("{key}: {name} takes a list of numbers, like {}", forms()),
            )
        })?;
        match known {
            None if nums.len() != 2 => {
                return Err(cx.err(v.span(), format!("{key}: within takes [low, high]")));
            }
            None => within = Some((nums[0], nums[1])),
            Some(_) if kind.is_some() => {
                return Err(cx.err(k.span(), format!("{key}: give one distribution, not two")));
            }
            Some(n) => kind = Some((n, nums, whole, v.span())),
        }
    }
    let Some((kind, nums, whole, at)) = kind else {
        return Err(cx.err(span, format!("{key}: expected one of: {}", forms())));
    };
    let dist = Dist::new(kind, &nums, within).map_err(|e| cx.err(at, format!("{key}: {e}")))?;
    Ok(Found {
        key,
        path: path.to_vec(),
        dist,
        whole,
        span,
    })
}

/// A list of numbers, and whether they are all written as whole numbers.
fn numbers(v: &DeValue) -> Option<(Vec<f64>, bool)> {
    let DeValue::Array(items) = v else {
        return None;
    };
    let mut whole = true;
    let mut out = Vec::with_capacity(items.len());
    for it in items.iter() {
        let x = match it.get_ref() {
            DeValue::Integer(i) => {
                i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok()? as f64
            }
            DeValue::Float(f) => {
                whole = false;
                f.as_str().replace('_', "").parse::<f64>().ok()?
            }
            _ => return None,
        };
        out.push(x);
    }
    Some((out, whole))
}

/// A scenario's document kept ready to be rebuilt with a run's draws.
pub(crate) struct Rebuild<'a> {
    src: &'a Sources,
    doc: Doc<'a>,
    paths: Vec<(&'a [PathStep], Range<usize>)>,
    integer: Vec<bool>,
}

/// The sources of a scenario with distributions, for [`Rebuild::new`].
pub(crate) fn sources(u: &Uncertainty) -> Sources {
    Sources::single(&u.path, u.text.clone())
}

impl<'a> Rebuild<'a> {
    /// Parse the document once.
    pub(crate) fn new(src: &'a Sources, u: &'a Uncertainty) -> R<Self> {
        let doc = src.document()?;
        Ok(Rebuild {
            src,
            doc,
            paths: u.values.iter().map(|v| (v.path.as_slice(), 0..0)).collect(),
            integer: u.values.iter().map(|v| v.integer).collect(),
        })
    }

    /// The scenario with its distributions set to `values` (a run's draws).
    pub(crate) fn at(&self, values: &[f64]) -> R<Scenario> {
        rebuild(self.src, &self.doc, &self.paths, &self.integer, values)
    }
}
