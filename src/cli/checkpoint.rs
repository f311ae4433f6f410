//! The checkpoint of `detente calibrate`: the populations so far, written beside the output
//! folder after each one and into it at the end (`checkpoint.json`), so that `--resume`
//! continues an interrupted calibration of the same command where it stopped, or takes a
//! finished one to more generations, and gives the files an uninterrupted run gives.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::Error;
use crate::sweep::abc::{Generation, Particle};

/// The checkpoint's name in a finished calibration's folder.
pub const FINISHED: &str = "checkpoint.json";

/// Where the checkpoint of a calibration writing to `out` lives: a hidden file beside it.
pub fn path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.parent()
        .unwrap_or(Path::new("."))
        .join(format!(".{name}.calibrate-checkpoint.json"))
}

fn num(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

fn nums(v: &[f64]) -> Value {
    Value::Array(v.iter().map(|&x| num(x)).collect())
}

/// The checkpoint's text: the calibration's key, the evaluations made so far and the
/// populations (numbers in shortest round-trip form, so they read back exactly). Only the
/// first population (whose statistics scale the distances) and the last (which the next is
/// drawn from) keep their particles: the others keep their tolerance, proposals and ESS.
pub fn text(key: &str, evaluations: u64, gens: &[Generation]) -> String {
    let n = gens.len();
    let gens: Vec<Value> = gens
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let kept: &[Particle] = if i == 0 || i + 1 == n {
                &g.particles
            } else {
                &[]
            };
            json!({
                "epsilon": num(g.epsilon),
                "proposals": g.proposals,
                "ess": num(g.ess),
                "particles": kept.iter().map(|p| json!({
                    "theta": nums(&p.theta),
                    "weight": num(p.weight),
                    "distance": num(p.distance),
                    "stats": nums(&p.stats),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({"key": key, "evaluations": evaluations, "generations": gens}).to_string()
}

/// Write the checkpoint (through a temporary file, renamed into place).
pub fn write(path: &Path, text: &str) -> Result<(), Error> {
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// Read a checkpoint of the calibration `key` whose populations have `dims` (particles,
/// settings, statistics): the evaluations made and the populations.
pub fn read(
    path: &Path,
    key: &str,
    dims: (usize, usize, usize),
) -> Result<(u64, Vec<Generation>), Error> {
    let shown = path.display();
    let bytes = crate::scenario::read_limited(path, 1 << 30).map_err(|e| {
        Error::input(format!(
            "--resume: no checkpoint to resume at {shown} ({e}): an interrupted calibration leaves one beside its output folder, a finished one inside it; run without --resume"
        ))
    })?;
    let bad = || {
        Error::input(format!(
            "--resume: {shown} is not a checkpoint of detente calibrate; remove it and run without --resume"
        ))
    };
    let v: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if v["key"].as_str() != Some(key) {
        return Err(Error::input(format!(
            "--resume: {shown} is the checkpoint of another calibration (its scenario, fits, target, arm, seed or sampler settings differ); run without --resume to start afresh"
        )));
    }
    let evaluations = v["evaluations"].as_u64().ok_or_else(bad)?;
    let f = |x: &Value| -> Result<f64, Error> {
        match x {
            Value::Null => Ok(f64::INFINITY),
            _ => x.as_f64().ok_or_else(bad),
        }
    };
    let fs = |x: &Value| -> Result<Vec<f64>, Error> {
        x.as_array()
            .ok_or_else(bad)?
            .iter()
            .map(|y| y.as_f64().ok_or_else(bad))
            .collect()
    };
    let mut gens = Vec::new();
    for g in v["generations"].as_array().ok_or_else(bad)? {
        let mut particles = Vec::new();
        for p in g["particles"].as_array().ok_or_else(bad)? {
            particles.push(Particle {
                theta: fs(&p["theta"])?,
                weight: p["weight"].as_f64().ok_or_else(bad)?,
                distance: p["distance"].as_f64().ok_or_else(bad)?,
                stats: fs(&p["stats"])?,
            });
        }
        gens.push(Generation {
            epsilon: f(&g["epsilon"])?,
            proposals: g["proposals"].as_u64().ok_or_else(bad)? as usize,
            ess: g["ess"].as_f64().ok_or_else(bad)?,
            particles,
        });
    }
    let whole = |g: &Generation| {
        g.particles.len() == dims.0
            && g.particles
                .iter()
                .all(|p| p.theta.len() == dims.1 && p.stats.len() == dims.2)
    };
    match (gens.first(), gens.last()) {
        (Some(a), Some(b)) if whole(a) && whole(b) => Ok((evaluations, gens)),
        _ => Err(bad()),
    }
}

/// The key of a calibration: everything its populations depend on, hashed (the number of
/// generations is left out, so a finished run can be taken further).
pub fn key(parts: &Value) -> String {
    crate::export::manifest::sha256_hex(&parts.to_string())
}
