//! `detente merge`: combine the partial results of `detente run --shard K/M` into the results of
//! one run. Aggregates are exact integer sums, so the merged trajectories.csv, summary.csv and
//! runs.csv are byte-identical to a single run with the same seed and runs, whatever the number
//! of shards and the order they are given in. Shards of different scenarios, seeds, run counts,
//! splits or program versions, duplicates, and (without `--partial`) incomplete sets are refused.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::args::MergeArgs;
use super::report::write_results;
use super::{Error, now, output};
use crate::batch::{Merge, Shard};
use crate::export::{self, manifest};
use crate::scenario::{self, Any};

/// One shard folder, checked.
struct Part {
    dir: PathBuf,
    manifest: Value,
    shard: Shard,
    runs: u64,
    seed: u64,
    sha: String,
    version: String,
    aggregate: Vec<u8>,
    has_runs: bool,
}

fn unfinished(dir: &Path) -> Error {
    Error::input(format!(
        "{}: not a finished shard folder (no complete manifest.json); rerun that shard",
        dir.display()
    ))
}

/// Read a shard folder's manifest and aggregate, and check them ([`part`]).
fn read_part(dir: &Path) -> Result<Part, Error> {
    let shown = dir.display();
    let bytes = scenario::read_limited(&dir.join("manifest.json"), super::MAX_MANIFEST)
        .map_err(|_| unfinished(dir))?;
    let text = String::from_utf8(bytes).map_err(|_| unfinished(dir))?;
    // A folder that is not a shard has no aggregate: part() says what it is.
    let is_shard = serde_json::from_str::<Value>(&text).is_ok_and(|m| m["shard"].is_object());
    if !is_shard {
        return part(dir, &text, Vec::new(), false);
    }
    let aggregate = std::fs::read(dir.join("aggregate.bin")).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::input(format!(
            "{shown}: aggregate.bin is missing; rerun that shard"
        )),
        _ => Error::input(format!("{shown}: aggregate.bin cannot be read: {e}")),
    })?;
    part(dir, &text, aggregate, dir.join("runs.csv").is_file())
}

/// Check what a shard's manifest says (a complete shard of this program version, a valid
/// slice of its runs) and that its aggregate is the one the manifest names.
fn part(dir: &Path, text: &str, aggregate: Vec<u8>, has_runs: bool) -> Result<Part, Error> {
    let shown = dir.display();
    let unfinished = || unfinished(dir);
    let m: Value = serde_json::from_str(text).map_err(|_| unfinished())?;
    if m["complete"] != Value::Bool(true) {
        return Err(unfinished());
    }
    let sh = &m["shard"];
    if !sh.is_object() {
        return Err(Error::input(format!(
            "{shown}: not a shard (written without --shard K/M); only shards can be merged"
        )));
    }
    let num = |v: &Value, what: &str| {
        v.as_u64()
            .ok_or_else(|| Error::input(format!("{shown}: manifest.json has no valid {what}")))
    };
    let shard = Shard {
        index: num(&sh["index"], "shard index")?,
        count: num(&sh["count"], "shard count")?,
    };
    let runs = num(&m["runs"], "runs")?;
    if shard.count == 0 || shard.index >= shard.count {
        return Err(Error::input(format!(
            "{shown}: manifest.json has an invalid shard"
        )));
    }
    let range = shard.range(runs);
    if num(&sh["first_run"], "first_run")? != range.start
        || num(&sh["end_run"], "end_run")? != range.end
    {
        return Err(Error::input(format!(
            "{shown}: the shard's runs do not match shard {}/{} of {runs} runs",
            shard.index, shard.count
        )));
    }
    if sh["aggregate_sha256"].as_str() != Some(&manifest::sha256_bytes(&aggregate)) {
        return Err(Error::input(format!(
            "{shown}: aggregate.bin does not match its manifest (damaged or replaced); rerun that shard"
        )));
    }
    let version = m["program"]["version"].as_str().unwrap_or("");
    if version != env!("CARGO_PKG_VERSION") {
        return Err(Error::input(format!(
            "{shown}: written by detente {version}, not this detente {}; rerun the shards with this version",
            env!("CARGO_PKG_VERSION")
        )));
    }
    Ok(Part {
        dir: dir.to_path_buf(),
        shard,
        runs,
        seed: num(&m["seed"], "seed")?,
        sha: m["scenario"]["sha256"].as_str().unwrap_or("").to_string(),
        version: m["program"]["version"].as_str().unwrap_or("").to_string(),
        has_runs,
        aggregate,
        manifest: m,
    })
}

/// Every shard must come from the same batch, once.
fn check(parts: &[Part], partial: bool) -> Result<(), Error> {
    let first = &parts[0];
    let d0 = first.dir.display();
    for p in &parts[1..] {
        let d = p.dir.display();
        let differ = |what: &str, a: &dyn std::fmt::Display, b: &dyn std::fmt::Display| {
            Error::input(format!(
                "{d} and {d0} are shards of different batches: {what} {b} and {a}; merge shards of one `detente run` only"
            ))
        };
        if p.sha != first.sha {
            let short = |s: &str| s.chars().take(12).collect::<String>();
            return Err(differ(
                "scenario sha256",
                &short(&first.sha),
                &short(&p.sha),
            ));
        }
        if p.seed != first.seed {
            return Err(differ("seed", &first.seed, &p.seed));
        }
        if p.runs != first.runs {
            return Err(differ("runs", &first.runs, &p.runs));
        }
        if p.version != first.version {
            return Err(differ("detente version", &first.version, &p.version));
        }
        if p.shard.count != first.shard.count {
            return Err(differ(
                "shard count (their runs overlap)",
                &first.shard.count,
                &p.shard.count,
            ));
        }
        if p.has_runs != first.has_runs {
            return Err(differ("runs.csv presence", &first.has_runs, &p.has_runs));
        }
    }
    for (i, p) in parts.iter().enumerate() {
        if let Some(q) = parts[..i].iter().find(|q| q.shard.index == p.shard.index) {
            return Err(Error::input(format!(
                "shard {}/{} is given twice ({} and {})",
                p.shard.index,
                p.shard.count,
                q.dir.display(),
                p.dir.display()
            )));
        }
    }
    let m = first.shard.count;
    let missing: Vec<String> = (0..m)
        .filter(|k| !parts.iter().any(|p| p.shard.index == *k))
        .map(|k| {
            let r = Shard { index: k, count: m }.range(first.runs);
            format!("{k}/{m} (runs {}..{})", r.start, r.end)
        })
        .collect();
    if !missing.is_empty() && !partial {
        return Err(Error::input(format!(
            "incomplete set of shards: missing {}; merge them too, or pass --partial",
            missing.join(", ")
        )));
    }
    Ok(())
}

/// What a shard's manifest says of its runs.csv: its SHA-256 and its number of lines.
fn runs_csv_claim(p: &Part) -> Result<(String, u64), Error> {
    let sh = &p.manifest["shard"];
    match (
        sh["runs_csv_sha256"].as_str(),
        sh["runs_csv_lines"].as_u64(),
    ) {
        (Some(sha), Some(lines)) => Ok((sha.to_string(), lines)),
        _ => Err(Error::input(format!(
            "{}: manifest.json records no hash of runs.csv; rerun that shard",
            p.dir.display()
        ))),
    }
}

/// The run index of a runs.csv row (the `run` column, second).
fn run_of(line: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(line).ok()?;
    text.split(',').nth(1)?.trim().parse().ok()
}

/// runs.csv: the header once, then each shard's rows in run order, streamed. Each shard's file
/// must match the SHA-256 and line count its manifest records (`arms` rows per run) and hold
/// its own runs, first to last.
fn concat_runs(parts: &[Part], arms: u64, out: &Path) -> Result<(), Error> {
    use sha2::Digest;
    use std::io::BufRead;
    let file = std::fs::File::create(out).map_err(|e| Error::io(out, e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut header: Option<Vec<u8>> = None;
    for p in parts {
        let path = p.dir.join("runs.csv");
        let shown = path.display();
        let damaged = |why: &str| {
            Error::input(format!(
                "{shown}: {why}; the shard is damaged or was edited: rerun that shard"
            ))
        };
        let (sha, lines) = runs_csv_claim(p)?;
        let range = p.shard.range(p.runs);
        if lines != 1 + (range.end - range.start) * arms {
            return Err(damaged("the manifest's row count is not this shard's"));
        }
        let f = std::fs::File::open(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                Error::input(format!("{shown} is missing; rerun that shard"))
            }
            _ => Error::input(format!("{shown}: cannot read: {e}")),
        })?;
        let mut r = std::io::BufReader::with_capacity(1 << 20, f);
        let mut hash = sha2::Sha256::default();
        let mut line = Vec::new();
        let (mut n, mut first, mut last) = (0u64, None, None);
        loop {
            line.clear();
            let got = r
                .read_until(b'\n', &mut line)
                .map_err(|e| Error::input(format!("{shown}: cannot read: {e}")))?;
            if got == 0 {
                break;
            }
            hash.update(&line);
            n += 1;
            if n == 1 {
                match &header {
                    None => header = Some(line.clone()),
                    Some(h) if *h != line => {
                        return Err(Error::input(format!(
                            "{shown}: runs.csv has a different header from the other shards"
                        )));
                    }
                    Some(_) => continue,
                }
            } else {
                let run = run_of(&line);
                first = first.or(run);
                last = run;
            }
            w.write_all(&line).map_err(|e| Error::io(out, e))?;
        }
        let got: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        if n != lines {
            return Err(damaged(&format!(
                "{n} lines where the manifest says {lines}"
            )));
        }
        if got != sha {
            return Err(damaged("its SHA-256 is not the one in manifest.json"));
        }
        if range.start < range.end && (first, last) != (Some(range.start), Some(range.end - 1)) {
            return Err(damaged(&format!(
                "its rows are not runs {}..{} of shard {}/{}",
                range.start, range.end, p.shard.index, p.shard.count
            )));
        }
    }
    w.flush().map_err(|e| Error::io(out, e))
}

/// The scenario a shard's manifest holds, checked against its hash.
fn scenario_of(p: &Part) -> Result<Any, Error> {
    let text = p.manifest["scenario"]["text"].as_str().unwrap_or("");
    let path = p.manifest["scenario"]["path"].as_str().unwrap_or("");
    if manifest::sha256_hex(text) != p.sha {
        return Err(Error::input(format!(
            "{}: the scenario text in manifest.json does not match its sha256",
            p.dir.display()
        )));
    }
    Ok(scenario::parse_any(text.to_string(), path)?)
}

/// The reading and checking of one shard that `merge` does, from a manifest's text and an
/// aggregate's bytes, without files (for tests and fuzzing): the manifest's claims, its
/// scenario, and the aggregate decoded against it.
pub fn check_shard(manifest: &str, aggregate: &[u8]) -> Result<(), Error> {
    let p = part(Path::new("shard"), manifest, aggregate.to_vec(), false)?;
    let bad = |e: String| Error::input(format!("aggregate.bin: {e}"));
    let runs = match scenario_of(&p)? {
        Any::Negotiation(l) => {
            let agg = export::partial::decode(&l.scenario, aggregate).map_err(bad)?;
            let _ = export::trajectories::csv(&l.scenario, &agg);
            let _ = export::summary::csv(&l.scenario, &agg);
            agg.runs
        }
        Any::Game { scenario, .. } => {
            let agg = export::partial::decode_game(&scenario, aggregate).map_err(bad)?;
            let _ = export::game::summary_csv(&scenario, &agg);
            agg.runs
        }
    };
    same_runs(&p, runs)
}

/// A shard's aggregate must count the runs of its slice.
fn same_runs(p: &Part, runs: u64) -> Result<(), Error> {
    let r = p.shard.range(p.runs);
    if runs == r.end - r.start {
        Ok(())
    } else {
        Err(Error::input(format!(
            "{}: aggregate.bin counts {runs} runs where shard {}/{} has {}; rerun that shard",
            p.dir.display(),
            p.shard.index,
            p.shard.count,
            r.end - r.start
        )))
    }
}

/// `detente merge`.
pub fn run(a: MergeArgs, command_line: Vec<String>) -> Result<(), Error> {
    let started = now();
    let mut parts = a
        .dirs
        .iter()
        .map(|d| read_part(d))
        .collect::<Result<Vec<_>, _>>()?;
    check(&parts, a.partial)?;
    parts.sort_by_key(|p| p.shard.index);
    let any = scenario_of(&parts[0])?;
    let inputs: Vec<&Path> = a.dirs.iter().map(PathBuf::as_path).collect();
    let staging = output::Staging::prepare(&a.out, a.force, &inputs)?;
    if parts[0].has_runs {
        let arms = match &any {
            Any::Negotiation(l) => l.scenario.experiment.arms.len(),
            Any::Game { scenario, .. } => scenario.arms.len(),
        };
        concat_runs(&parts, arms as u64, &staging.file("runs.csv"))?;
    }
    let count = parts[0].shard.count;
    let covered: Vec<u64> = parts.iter().map(|p| p.shard.index).collect();
    let runs_covered: u64 = parts
        .iter()
        .map(|p| {
            let r = p.shard.range(p.runs);
            r.end - r.start
        })
        .sum();
    let merged = json!({
        "shards": covered,
        "count": count,
        "complete": covered.len() as u64 == count,
        "runs_covered": runs_covered,
        "sources": parts.iter().map(|p| p.dir.display().to_string()).collect::<Vec<_>>(),
    });
    let (runs, seed) = (parts[0].runs, parts[0].seed);
    let bad =
        |p: &Part, e: String| Error::input(format!("{}: aggregate.bin: {e}", p.dir.display()));
    let (files, table): (Vec<(&str, Vec<u8>)>, String) = match &any {
        Any::Negotiation(l) => {
            let sc = &l.scenario;
            let mut agg = crate::batch::Aggregate::new(sc);
            for p in &parts {
                let x = export::partial::decode(sc, &p.aggregate).map_err(|e| bad(p, e))?;
                same_runs(p, x.runs)?;
                Merge::merge(&mut agg, &x);
            }
            (
                vec![
                    ("trajectories.csv", export::trajectories::csv(sc, &agg)),
                    ("summary.csv", export::summary::csv(sc, &agg)),
                ],
                export::terminal::table(sc, &agg, seed, false),
            )
        }
        Any::Game { scenario: sc, .. } => {
            let mut agg = crate::batch::game::GameAggregate::new(sc);
            for p in &parts {
                let x = export::partial::decode_game(sc, &p.aggregate).map_err(|e| bad(p, e))?;
                same_runs(p, x.runs)?;
                Merge::merge(&mut agg, &x);
            }
            (
                vec![
                    ("summary.csv", export::game::summary_csv(sc, &agg)),
                    ("ranking.csv", export::game::ranking_csv(sc, &agg)),
                ],
                export::game::table(sc, &agg, seed),
            )
        }
    };
    let finished = now();
    let man = manifest::json(&manifest::Info {
        subject: manifest::Subject::of(&any),
        seed,
        runs,
        threads: 0,
        command_line: &command_line,
        started: &started,
        finished: &finished,
        extra: vec![("merged", merged)],
    });
    write_results(staging.dir(), &files, &man)?;
    let out = staging.commit()?;
    if !a.quiet {
        let note = if covered.len() as u64 == count {
            format!("merged all {count} shards")
        } else {
            format!(
                "merged {} of {count} shards ({runs_covered} of {runs} runs): a partial result",
                covered.len()
            )
        };
        super::print(format!("{table}\n{note}\nresults in {}\n", out.display()))?;
    }
    Ok(())
}
