//! Scenario files that build on others: `base = "FILE"` names a scenario this one changes, and
//! the two documents are merged before anything is validated. Spans keep pointing into the file
//! each value came from, so an error names the file and line of either.
//!
//! The rules (also in `scenarios/README.md`):
//! - a table is merged key by key, recursively (`[params]`, `[initial]`, `[experiment]`, ...);
//! - a list of tables that all have an `id` (moves, actors, strategies, roadmaps, shocks, arms,
//!   a third party's moves) is merged by id: an element with a new id is appended, one with an
//!   id the base has is merged into that element, key by key;
//! - any other value (a number, a string, a list of values, an empty list) replaces the base's;
//! - `[remove]` takes things out of the base before the merge: `remove.strategies = ["a", "b"]`
//!   removes elements by id, `remove.params = ["inclusion"]` removes keys of a table, and `"*"`
//!   removes all (`remove.experiment.arms = ["*"]` starts the arms afresh).
//!
//! A base may itself have a base, up to [`MAX_DEPTH`] files.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use super::{R, ScenarioError};

/// The longest chain of bases accepted.
pub const MAX_DEPTH: usize = 8;

/// One file of a scenario: its path as shown, its text and where its spans start in the shared
/// span space of all the files.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub path: String,
    pub text: String,
    offset: usize,
    /// The folder of the file it was read from (None: a text given as such).
    dir: Option<PathBuf>,
}

/// The files a scenario is read from: the scenario first, then its base, its base's base, ...
#[derive(Debug, Clone)]
pub(crate) struct Sources(Vec<Source>);

/// One document, spans shifted into the shared span space.
type Doc<'a> = Spanned<DeTable<'a>>;

impl Sources {
    /// A scenario given as text (the embedded one, a manifest's, a sweep point's).
    pub fn single(path: &str, text: String) -> Self {
        Sources(vec![Source {
            path: path.to_string(),
            text,
            offset: 0,
            dir: None,
        }])
    }

    /// Read a scenario file and, following `base`, every file it builds on.
    pub fn read(path: &Path) -> R<Self> {
        let text = super::read_text(path)?;
        let mut sources = Sources::single(&path.display().to_string(), text);
        sources.0[0].dir = Some(path.parent().unwrap_or(Path::new("")).to_path_buf());
        let mut seen = vec![canonical(path)];
        let mut here = path.to_path_buf();
        while let Some((name, span)) = sources.base_of_last()? {
            let at = |message: String| sources.err(span.clone(), message);
            if sources.0.len() >= MAX_DEPTH {
                return Err(at(format!(
                    "too many bases: at most {MAX_DEPTH} files may build on each other"
                )));
            }
            let next = here.parent().unwrap_or(Path::new("")).join(&name);
            let key = canonical(&next);
            if seen.contains(&key) {
                return Err(at(format!(
                    "base '{name}' is a file this scenario already builds on (a cycle)"
                )));
            }
            let text = super::read_text(&next).map_err(|e| match e {
                ScenarioError::Read { message, .. } => at(format!(
                    "base '{name}' ({}) cannot be read: {message}",
                    next.display()
                )),
                other => other,
            })?;
            let offset = sources.end();
            sources.0.push(Source {
                path: next.display().to_string(),
                text,
                offset,
                dir: Some(next.parent().unwrap_or(Path::new("")).to_path_buf()),
            });
            seen.push(key);
            here = next;
        }
        Ok(sources)
    }

    /// The files, the scenario first.
    pub fn files(&self) -> &[Source] {
        &self.0
    }

    /// Whether the scenario builds on another file.
    pub fn composed(&self) -> bool {
        self.0.len() > 1
    }

    fn end(&self) -> usize {
        self.0.last().map_or(0, |s| s.offset + s.text.len() + 1)
    }

    /// The file a span starts in, and the offset in that file.
    pub fn locate(&self, at: usize) -> (&Source, usize) {
        let file = self
            .0
            .iter()
            .rev()
            .find(|s| s.offset <= at)
            .unwrap_or(&self.0[0]);
        (file, at - file.offset)
    }

    /// The folder of the file a span is in, if it was read from a file.
    pub fn dir_of(&self, at: usize) -> Option<&Path> {
        self.locate(at).0.dir.as_deref()
    }

    /// An error at a span of the shared span space.
    pub fn err(&self, span: Range<usize>, message: impl Into<String>) -> ScenarioError {
        let (file, local) = self.locate(span.start);
        let (line, column) = super::line_col(&file.text, local);
        ScenarioError::At {
            path: file.path.clone(),
            line,
            column,
            message: message.into(),
        }
    }

    /// Parse one file into the shared span space.
    fn parse(&self, i: usize) -> R<Doc<'_>> {
        let s = &self.0[i];
        let doc = DeTable::parse(&s.text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let at = s.offset + span.start;
            self.err(at..at, e.message().trim_end().to_string())
        })?;
        Ok(shift_table(doc, s.offset))
    }

    /// The `base` the last file read names, with its span.
    fn base_of_last(&self) -> R<Option<(String, Range<usize>)>> {
        let doc = self.parse(self.0.len() - 1)?;
        match entry(doc.get_ref(), "base") {
            None => Ok(None),
            Some(v) => match v.get_ref() {
                DeValue::String(s) if !s.is_empty() => Ok(Some((s.to_string(), v.span()))),
                _ => Err(self.err(
                    v.span(),
                    "base must be the path of a scenario file, relative to this one (base = \"korea-2019.toml\")",
                )),
            },
        }
    }

    /// The merged document: each file over its base, `base` and `remove` taken out.
    pub fn document(&self) -> R<Doc<'_>> {
        let last = self.0.len() - 1;
        let mut doc = self.parse(last)?;
        if let Some(b) = take(doc.get_mut(), "base") {
            // Only a file read by `read` has its bases resolved.
            return Err(self.err(
                b.span(),
                "base names a file, so this scenario must be read from a file, not given as text",
            ));
        }
        for i in (0..last).rev() {
            let mut child = self.parse(i)?;
            let remove = take(child.get_mut(), "remove");
            take(child.get_mut(), "base");
            if let Some(r) = remove {
                self.remove(doc.get_mut(), r)?;
            }
            merge_table(doc.get_mut(), child.into_inner());
        }
        if let Some(r) = take(doc.get_mut(), "remove") {
            return Err(self.err(
                r.span(),
                "remove takes things out of a base: name one with base = \"FILE\"",
            ));
        }
        Ok(doc)
    }

    /// Apply a `[remove]` table to the base document.
    fn remove(&self, base: &mut DeTable<'_>, remove: Spanned<DeValue<'_>>) -> R<()> {
        let span = remove.span();
        let DeValue::Table(t) = remove.into_inner() else {
            return Err(self.err(
                span,
                "remove must be a table: remove.<list> = [ids] or remove.<table> = [keys]",
            ));
        };
        for (key, v) in t {
            let name = key.get_ref().to_string();
            let Some(target) = entry_mut(base, &name) else {
                return Err(self.err(key.span(), format!("remove: the base has no '{name}'")));
            };
            match v.get_ref() {
                DeValue::Table(_) => match target.get_mut() {
                    DeValue::Table(inner) => self.remove(inner, v)?,
                    _ => {
                        return Err(self.err(
                            key.span(),
                            format!("remove: '{name}' is not a table in the base"),
                        ));
                    }
                },
                DeValue::Array(items) => {
                    let names = self.names(items, &name)?;
                    self.remove_names(target.get_mut(), &names, &name)?;
                }
                _ => {
                    return Err(self.err(
                        v.span(),
                        format!("remove.{name} must be a list of ids or keys, or a table"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The strings of a `remove` list, with their spans.
    fn names(&self, items: &DeArray<'_>, what: &str) -> R<Vec<(String, Range<usize>)>> {
        items
            .iter()
            .map(|i| match i.get_ref() {
                DeValue::String(s) => Ok((s.to_string(), i.span())),
                _ => Err(self.err(
                    i.span(),
                    format!("remove.{what}: expected the id or key to remove, as a string"),
                )),
            })
            .collect()
    }

    /// Remove ids from a list of tables, or keys from a table (`"*"`: all).
    fn remove_names(
        &self,
        target: &mut DeValue<'_>,
        names: &[(String, Range<usize>)],
        what: &str,
    ) -> R<()> {
        let all = names.iter().any(|(n, _)| n == "*");
        match target {
            DeValue::Table(t) if all => t.clear(),
            DeValue::Table(t) => {
                for (n, span) in names {
                    if take(t, n).is_none() {
                        return Err(self.err(
                            span.clone(),
                            format!("remove.{what}: the base's '{what}' has no key '{n}'"),
                        ));
                    }
                }
            }
            DeValue::Array(items) if ids(items).is_some() => {
                let present = ids(items).unwrap_or_default();
                for (n, span) in names.iter().filter(|(n, _)| n != "*") {
                    if !present.iter().any(|p| p == n) {
                        return Err(self.err(
                            span.clone(),
                            format!(
                                "remove.{what}: the base has no '{n}'; it has: {}",
                                present.join(", ")
                            ),
                        ));
                    }
                }
                let kept: DeArray<'_> = std::mem::replace(items, DeArray::new())
                    .into_iter()
                    .filter(|e| {
                        !all && !names
                            .iter()
                            .any(|(n, _)| Some(n.as_str()) == id_of(e.get_ref()))
                    })
                    .collect();
                *items = kept;
            }
            _ => {
                let span = names.first().map_or(0..0, |(_, s)| s.clone());
                return Err(self.err(
                    span,
                    format!("remove.{what}: '{what}' is neither a table nor a list of tables with ids in the base"),
                ));
            }
        }
        Ok(())
    }
}

/// A path made absolute and free of `..` where possible, to detect cycles.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn entry<'t, 'a>(t: &'t DeTable<'a>, key: &str) -> Option<&'t Spanned<DeValue<'a>>> {
    t.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
}

pub(super) fn entry_mut<'t, 'a>(
    t: &'t mut DeTable<'a>,
    key: &str,
) -> Option<&'t mut Spanned<DeValue<'a>>> {
    t.iter_mut()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(_, v)| v)
}

/// Take a key out of a table.
fn take<'a>(t: &mut DeTable<'a>, key: &str) -> Option<Spanned<DeValue<'a>>> {
    let k = t.keys().find(|k| k.get_ref() == key)?.clone();
    t.remove(&k)
}

/// The `id` of a table, if it has a string one.
fn id_of<'v>(v: &'v DeValue<'_>) -> Option<&'v str> {
    match v {
        DeValue::Table(t) => match entry(t, "id")?.get_ref() {
            DeValue::String(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// The ids of a non-empty list whose elements are all tables with a string `id`.
fn ids(items: &DeArray<'_>) -> Option<Vec<String>> {
    if items.is_empty() {
        return None;
    }
    items
        .iter()
        .map(|e| id_of(e.get_ref()).map(str::to_string))
        .collect()
}

/// Merge `child` into `base` by the rules in the module documentation.
fn merge_table<'a>(base: &mut DeTable<'a>, child: DeTable<'a>) {
    for (key, value) in child {
        let name = key.get_ref().to_string();
        match (entry_mut(base, &name), value) {
            (Some(b), c)
                if matches!(
                    (b.get_ref(), c.get_ref()),
                    (DeValue::Table(_), DeValue::Table(_))
                ) =>
            {
                merge_spanned(b, c)
            }
            (Some(b), c) if by_id(b.get_ref(), c.get_ref()) => {
                if let (DeValue::Array(bi), DeValue::Array(ci)) = (b.get_mut(), c.into_inner()) {
                    merge_by_id(bi, ci);
                }
            }
            (_, c) => {
                take(base, &name);
                base.insert(key, c);
            }
        }
    }
}

/// Whether two values are lists of tables to merge by id.
fn by_id(base: &DeValue<'_>, child: &DeValue<'_>) -> bool {
    match (base, child) {
        (DeValue::Array(b), DeValue::Array(c)) => ids(b).is_some() && ids(c).is_some(),
        _ => false,
    }
}

/// Merge a child table into a base table, key by key; the result is reported where the child
/// wrote it.
fn merge_spanned<'a>(base: &mut Spanned<DeValue<'a>>, child: Spanned<DeValue<'a>>) {
    let span = child.span();
    if let (DeValue::Table(bt), DeValue::Table(ct)) = (base.get_mut(), child.into_inner()) {
        merge_table(bt, ct);
    }
    let merged = std::mem::replace(base.get_mut(), DeValue::Boolean(false));
    *base = Spanned::new(span, merged);
}

/// Merge a list of tables by id: same id merged in place, new ids appended.
fn merge_by_id<'a>(base: &mut DeArray<'a>, child: DeArray<'a>) {
    for c in child {
        let found = base
            .iter()
            .position(|b| id_of(b.get_ref()).is_some() && id_of(b.get_ref()) == id_of(c.get_ref()));
        match found {
            Some(i) => merge_spanned(&mut base.as_mut()[i], c),
            None => base.push(c),
        }
    }
}

fn shift(r: Range<usize>, by: usize) -> Range<usize> {
    r.start + by..r.end + by
}

/// Move a parsed document's spans by `by` bytes.
fn shift_table(doc: Spanned<DeTable<'_>>, by: usize) -> Spanned<DeTable<'_>> {
    let span = shift(doc.span(), by);
    Spanned::new(span, shift_entries(doc.into_inner(), by))
}

fn shift_entries(t: DeTable<'_>, by: usize) -> DeTable<'_> {
    t.into_iter()
        .map(|(k, v)| {
            let ks = shift(k.span(), by);
            (Spanned::new(ks, k.into_inner()), shift_value(v, by))
        })
        .collect()
}

fn shift_value(v: Spanned<DeValue<'_>>, by: usize) -> Spanned<DeValue<'_>> {
    let span = shift(v.span(), by);
    let inner = match v.into_inner() {
        DeValue::Table(t) => DeValue::Table(shift_entries(t, by)),
        DeValue::Array(a) => DeValue::Array(a.into_iter().map(|e| shift_value(e, by)).collect()),
        other => other,
    };
    Spanned::new(span, inner)
}

/// The merged document as TOML text: what the manifest keeps, so that a result can be
/// reproduced from it alone.
pub(crate) fn flatten(sources: &Sources, doc: &Doc<'_>) -> R<String> {
    let files: Vec<&str> = sources.files().iter().map(|s| s.path.as_str()).collect();
    let what = if files.len() > 2 {
        format!(
            "with the bases {} it builds on merged in",
            files[1..].join(", ")
        )
    } else {
        format!("with the base {} it builds on merged in", files[1])
    };
    written(sources, &table(sources, doc)?, &what)
}

/// A document as TOML text, headed by a comment naming the scenario's file and `what` was done
/// to it.
pub(crate) fn written(sources: &Sources, table: &toml::Table, what: &str) -> R<String> {
    let body = toml::to_string(table).map_err(|e| sources.err(0..0, e.to_string()))?;
    let first = sources.files()[0].path.as_str();
    Ok(format!("# The scenario {first}, {what}.\n\n{body}"))
}

/// The merged document as a TOML table.
pub(crate) fn table(sources: &Sources, doc: &Doc<'_>) -> R<toml::Table> {
    use serde::Deserialize;
    toml::Table::deserialize(toml::de::Deserializer::from(doc.clone()))
        .map_err(|e| sources.err(e.span().unwrap_or(0..0), e.message().trim_end().to_string()))
}
