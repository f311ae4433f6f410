//! `from_posterior`: settings drawn, run by run, from the weighted particles of a calibration.
//! A scenario file names a `posterior.csv` (`from_posterior = "FILE"`, beside the file); the
//! text kept for manifests carries the particles inline (`[from_posterior]` with `file`, `keys`,
//! `weights` and `particles`), so a result can be reproduced from its manifest alone.

use std::ops::Range;

use serde::Deserialize;

use super::compose::Sources;
use super::{Cx, Doc, R, ScenarioError, Seg};

/// The most particles a posterior may have (`detente calibrate --particles` takes as many).
pub const MAX_PARTICLES: usize = 100_000;

/// The weighted particles of a posterior, and where each came from (for messages).
#[derive(Debug, Clone)]
pub(crate) struct Posterior {
    /// The file as the scenario names it.
    pub file: String,
    /// The settings, as dotted keys (`params.keep_base`).
    pub keys: Vec<String>,
    pub weights: Vec<f64>,
    pub particles: Vec<Vec<f64>>,
    origin: Origin,
    /// The span of `from_posterior` in the scenario.
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
enum Origin {
    /// Read from a CSV file: its path as shown and the line of each particle.
    Csv { path: String, lines: Vec<u64> },
    /// Inline in the scenario.
    Inline,
}

/// The inline form, as manifests keep it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Inline {
    file: String,
    keys: Vec<String>,
    weights: Vec<f64>,
    particles: Vec<Vec<f64>>,
}

const FORMS: &str = "from_posterior = \"FILE\" (a posterior.csv of detente calibrate, beside the scenario) or its inline table (file, keys, weights, particles)";

impl Posterior {
    /// An error about particle `k`: at its line of the CSV file, or at `from_posterior`.
    pub fn err(&self, cx: &Cx, k: usize, message: impl std::fmt::Display) -> ScenarioError {
        match &self.origin {
            Origin::Csv { path, lines } => ScenarioError::At {
                path: path.clone(),
                line: lines.get(k).copied().unwrap_or(1) as usize,
                column: 1,
                message: format!("particle {k}: {message}"),
            },
            Origin::Inline => cx.err(self.span.clone(), format!("particle {k}: {message}")),
        }
    }

    /// Whether it was read from a file (the kept text then inlines it).
    pub fn read_from_file(&self) -> bool {
        matches!(self.origin, Origin::Csv { .. })
    }

    /// Each setting's weighted mean: the value the scenario reports and is built at.
    pub fn means(&self) -> Vec<f64> {
        let total: f64 = self.weights.iter().sum();
        (0..self.keys.len())
            .map(|j| {
                let s: f64 = self
                    .particles
                    .iter()
                    .zip(&self.weights)
                    .map(|(p, w)| p[j] * w)
                    .sum();
                s / total
            })
            .collect()
    }

    /// The inline table.
    fn to_toml(&self) -> toml::Value {
        let nums =
            |v: &[f64]| toml::Value::Array(v.iter().map(|&x| toml::Value::Float(x)).collect());
        let mut t = toml::Table::new();
        t.insert("file".into(), toml::Value::String(self.file.clone()));
        t.insert(
            "keys".into(),
            toml::Value::Array(self.keys.iter().cloned().map(toml::Value::String).collect()),
        );
        t.insert("weights".into(), nums(&self.weights));
        t.insert(
            "particles".into(),
            toml::Value::Array(self.particles.iter().map(|p| nums(p)).collect()),
        );
        toml::Value::Table(t)
    }
}

/// The posterior a scenario draws from, if it names one.
pub(super) fn find(cx: &Cx) -> R<Option<Posterior>> {
    let Some(span) = cx.span_at_exactly(&[Seg::Key("from_posterior")]) else {
        return Ok(None);
    };
    #[derive(Deserialize)]
    struct Top {
        from_posterior: toml::Value,
    }
    let top: Top = cx.de()?;
    match top.from_posterior {
        toml::Value::String(file) => read(cx, span, file).map(Some),
        toml::Value::Table(t) => {
            let i: Inline = toml::Value::Table(t)
                .try_into()
                .map_err(|e: toml::de::Error| {
                    cx.err(
                        span.clone(),
                        format!("from_posterior: {}", e.message().trim_end()),
                    )
                })?;
            let p = Posterior {
                file: i.file,
                keys: i.keys,
                weights: i.weights,
                particles: i.particles,
                origin: Origin::Inline,
                span: span.clone(),
            };
            check(&p).map_err(|(k, m)| match k {
                Some(k) => p.err(cx, k, m),
                None => cx.err(span, format!("from_posterior: {m}")),
            })?;
            Ok(Some(p))
        }
        _ => Err(cx.err(span, format!("expected {FORMS}"))),
    }
}

/// Read the CSV file a scenario names, beside the file that names it.
fn read(cx: &Cx, span: Range<usize>, file: String) -> R<Posterior> {
    let Some(dir) = cx.src.dir_of(span.start) else {
        return Err(cx.err(
            span,
            "a scenario given as text cannot name a posterior file; give its inline table (file, keys, weights, particles)",
        ));
    };
    let path = dir.join(&file);
    let shown = path.display().to_string();
    let bytes = super::read_limited(&path, super::MAX_FILE_BYTES).map_err(|e| {
        cx.err(
            span.clone(),
            format!("from_posterior '{file}' ({shown}) cannot be read: {e}"),
        )
    })?;
    let (keys, weights, particles, lines) =
        parse_csv(&bytes).map_err(|(line, m)| ScenarioError::At {
            path: shown.clone(),
            line: line as usize,
            column: 1,
            message: m,
        })?;
    let p = Posterior {
        file,
        keys,
        weights,
        particles,
        origin: Origin::Csv {
            path: shown.clone(),
            lines,
        },
        span,
    };
    check(&p).map_err(|(k, m)| match k {
        Some(k) => p.err(cx, k, m),
        None => ScenarioError::At {
            path: shown,
            line: 1,
            column: 1,
            message: m,
        },
    })?;
    Ok(p)
}

type Parsed = (Vec<String>, Vec<f64>, Vec<Vec<f64>>, Vec<u64>);

/// The `param:` columns and `weight` of a posterior.csv; the error names its line.
fn parse_csv(bytes: &[u8]) -> Result<Parsed, (u64, String)> {
    let mut r = csv::ReaderBuilder::new().from_reader(bytes);
    let header = r.headers().map_err(|e| (1, e.to_string()))?.clone();
    let weight = header.iter().position(|h| h == "weight").ok_or((
        1,
        "no 'weight' column: expected a posterior.csv of detente calibrate (particle, weight, distance, param:KEY, ...)".to_string(),
    ))?;
    let cols: Vec<(usize, String)> = header
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.strip_prefix("param:").map(|k| (i, k.to_string())))
        .collect();
    let (mut weights, mut particles, mut lines) = (Vec::new(), Vec::new(), Vec::new());
    for rec in r.records() {
        let rec = rec.map_err(|e| (e.position().map_or(0, |p| p.line()), e.to_string()))?;
        let line = rec.position().map_or(0, |p| p.line());
        if particles.len() == MAX_PARTICLES {
            return Err((
                line,
                format!("more than {MAX_PARTICLES} particles, the most accepted"),
            ));
        }
        let num = |i: usize, what: &str| -> Result<f64, (u64, String)> {
            let t = rec.get(i).unwrap_or("");
            t.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| (line, format!("{what}: '{t}' is not a finite number")))
        };
        weights.push(num(weight, "weight")?);
        let row = cols
            .iter()
            .map(|(i, k)| num(*i, &format!("param:{k}")))
            .collect::<Result<Vec<f64>, _>>()?;
        particles.push(row);
        lines.push(line);
    }
    Ok((
        cols.into_iter().map(|c| c.1).collect(),
        weights,
        particles,
        lines,
    ))
}

/// The shape and weights of a posterior; the error names the particle at fault, if one is,
/// and says what would be valid.
fn check(p: &Posterior) -> Result<(), (Option<usize>, String)> {
    shape(p).map_err(|m| (None, m))?;
    if let Some((k, x)) = p
        .particles
        .iter()
        .enumerate()
        .find_map(|(k, r)| r.iter().find(|x| !x.is_finite()).map(|x| (k, x)))
    {
        return Err((Some(k), format!("{x} is not a finite number")));
    }
    if let Some((k, w)) = p
        .weights
        .iter()
        .enumerate()
        .find(|(_, w)| !(w.is_finite() && **w >= 0.0))
    {
        return Err((
            Some(k),
            format!("weight {w} must be a finite number, 0 or more"),
        ));
    }
    let total: f64 = p.weights.iter().sum();
    if !(total > 0.0 && total.is_finite()) {
        return Err((None, "the weights must sum above 0".into()));
    }
    Ok(())
}

/// The counts of keys, particles and weights.
fn shape(p: &Posterior) -> Result<(), String> {
    if p.keys.is_empty() {
        return Err("no settings: expected param:KEY columns (keys)".into());
    }
    if p.particles.is_empty() {
        return Err("no particles".into());
    }
    if p.particles.len() > MAX_PARTICLES {
        return Err(format!(
            "{} particles: at most {MAX_PARTICLES}",
            p.particles.len()
        ));
    }
    if p.weights.len() != p.particles.len() {
        return Err(format!(
            "{} weights for {} particles: give one weight per particle",
            p.weights.len(),
            p.particles.len()
        ));
    }
    if let Some((k, row)) = p
        .particles
        .iter()
        .enumerate()
        .find(|(_, r)| r.len() != p.keys.len())
    {
        return Err(format!(
            "particle {k} has {} values for {} settings",
            row.len(),
            p.keys.len()
        ));
    }
    Ok(())
}

/// The text kept for a scenario drawing from a posterior file: the merged document with the
/// particles inline, which parses alone.
pub(super) fn inlined(src: &Sources, doc: &Doc<'_>, p: &Posterior) -> R<String> {
    let mut table = super::compose::table(src, doc)?;
    table.insert("from_posterior".into(), p.to_toml());
    let files: Vec<&str> = src.files().iter().map(|s| s.path.as_str()).collect();
    let bases = if files.len() > 1 {
        format!(" (its bases {} merged in)", files[1..].join(", "))
    } else {
        String::new()
    };
    let what = format!(
        "with the particles of its posterior {} inline{bases}",
        p.file
    );
    super::compose::written(src, &table, &what)
}
