//! The checkpoint of `detente calibrate`: the populations so far, written beside the output
//! folder after each one and into it at the end (`checkpoint.json`), so that `--resume`
//! continues an interrupted calibration of the same command where it stopped, or takes a
//! finished one to more generations, and gives the files an uninterrupted run gives.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::Error;
use crate::sweep::abc::{Generation, Part, Particle};

/// The checkpoint's name in a finished calibration's folder.
pub const FINISHED: &str = "checkpoint.json";

/// Where the checkpoint of a calibration writing to `out` lives: a hidden file beside it.
pub fn path(out: &Path) -> PathBuf {
    let (dir, prefix) = beside(out);
    dir.join(format!("{prefix}checkpoint.json"))
}

/// The folder holding `out`, and the start of the name of the calibration's hidden files
/// there (`.NAME.calibrate-`).
fn beside(out: &Path) -> (PathBuf, String) {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = out.parent().unwrap_or(Path::new(".")).to_path_buf();
    (dir, format!(".{name}.calibrate-"))
}

fn num(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

fn nums(v: &[f64]) -> Value {
    Value::Array(v.iter().map(|&x| num(x)).collect())
}

/// The checkpoint's text: the calibration's key and the populations (numbers in shortest round-trip form, so they read back exactly). Only the
/// first population (whose statistics scale the distances) and the last (which the next is
/// drawn from) keep their particles: the others keep their tolerance, proposals and ESS.
pub fn text(key: &str, gens: &[Generation]) -> String {
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
    json!({"key": key, "generations": gens}).to_string()
}

/// Write the checkpoint (through a temporary file, renamed into place).
/// The temporary file is the process's own, so shards finishing together each write a whole
/// file and the last rename wins (they write the same).
pub fn write(path: &Path, text: &str) -> Result<(), Error> {
    let tmp = path.with_extension(format!(
        "json.tmp-{}-{}",
        super::output::host(),
        std::process::id()
    ));
    std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// Read a checkpoint of the calibration `key` whose populations have `dims` (particles,
/// settings, statistics): its populations.
pub fn read(path: &Path, key: &str, dims: (usize, usize, usize)) -> Result<Vec<Generation>, Error> {
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
        (Some(a), Some(b)) if whole(a) && whole(b) => Ok(gens),
        _ => Err(bad()),
    }
}

/// The key of a calibration: everything its populations depend on, hashed (the number of
/// generations is left out, so a finished run can be taken further).
pub fn key(parts: &Value) -> String {
    crate::export::manifest::sha256_hex(&parts.to_string())
}

/// The prefix of the parts shards write beside the output folder `out`.
fn part_prefix(out: &Path) -> (PathBuf, String) {
    let (dir, prefix) = beside(out);
    (dir, format!("{prefix}part-"))
}

/// Where shard `index` of `count` writes its part of population `g`: a hidden file beside
/// the output folder.
pub fn part_path(out: &Path, g: usize, index: u64, count: u64) -> PathBuf {
    let (dir, prefix) = part_prefix(out);
    dir.join(format!("{prefix}{g}-{index}-of-{count}.json"))
}

/// A part's text, under the calibration's key.
pub fn part_text(key: &str, part: &Part) -> String {
    let particles: Vec<Value> = part
        .particles
        .iter()
        .map(|(p, proposals)| {
            json!({
                "theta": nums(&p.theta),
                "distance": num(p.distance),
                "stats": nums(&p.stats),
                "proposals": proposals,
            })
        })
        .collect();
    json!({
        "key": key,
        "generation": part.generation,
        "first": part.first,
        "failed": part.failed,
        "particles": particles,
    })
    .to_string()
}

/// Read the part at `path` of the calibration `key` (dims as for [`read`]).
pub fn read_part(path: &Path, key: &str, dims: (usize, usize, usize)) -> Result<Part, Error> {
    let shown = path.display();
    let bad = || {
        Error::input(format!(
            "{shown} is not a shard's part of this calibration (another calibration, or damaged); remove it and run that shard again"
        ))
    };
    let bytes = crate::scenario::read_limited(path, 1 << 30)
        .map_err(|e| Error::input(format!("{shown}: cannot read: {e}")))?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if v["key"].as_str() != Some(key) {
        return Err(bad());
    }
    let fs = |x: &Value, n: usize| -> Result<Vec<f64>, Error> {
        let v: Vec<f64> = x
            .as_array()
            .ok_or_else(bad)?
            .iter()
            .map(|y| y.as_f64().ok_or_else(bad))
            .collect::<Result<_, _>>()?;
        if v.len() == n { Ok(v) } else { Err(bad()) }
    };
    let mut particles = Vec::new();
    for p in v["particles"].as_array().ok_or_else(bad)? {
        let particle = Particle {
            theta: fs(&p["theta"], dims.1)?,
            weight: 0.0,
            // The first population's distances are set when it is whole.
            distance: p["distance"].as_f64().unwrap_or(f64::NAN),
            stats: fs(&p["stats"], dims.2)?,
        };
        particles.push((particle, p["proposals"].as_u64().ok_or_else(bad)? as usize));
    }
    let first = v["first"].as_u64().ok_or_else(bad)? as usize;
    if first + particles.len() > dims.0 {
        return Err(bad());
    }
    Ok(Part {
        generation: v["generation"].as_u64().ok_or_else(bad)? as usize,
        first,
        particles,
        failed: v["failed"].as_bool().ok_or_else(bad)?,
    })
}

/// The parts of population `g` beside `out`, if the shards of one split (`--shard K/M` for
/// every K of one M) have all written theirs.
pub fn complete_parts(
    out: &Path,
    key: &str,
    g: usize,
    dims: (usize, usize, usize),
) -> Result<Option<Vec<Part>>, Error> {
    let (dir, prefix) = part_prefix(out);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(None);
    };
    let mut splits: Vec<u64> = entries
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            let rest = name.strip_prefix(&prefix)?.strip_suffix(".json")?;
            let (population, rest) = rest.split_once('-')?;
            let (_, count) = rest.split_once("-of-")?;
            (population.parse::<usize>().ok()? == g).then_some(count.parse().ok()?)
        })
        .collect();
    splits.sort_unstable();
    splits.dedup();
    for m in splits {
        let paths: Vec<PathBuf> = (0..m).map(|k| part_path(out, g, k, m)).collect();
        if paths.iter().all(|p| p.exists()) {
            let parts = paths
                .iter()
                .map(|p| read_part(p, key, dims))
                .collect::<Result<_, _>>()?;
            return Ok(Some(parts));
        }
    }
    Ok(None)
}

/// Remove every shard's part beside `out` (once the results are written).
pub fn remove_parts(out: &Path) {
    let (dir, prefix) = part_prefix(out);
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}
