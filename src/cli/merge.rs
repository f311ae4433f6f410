//! `detente merge`: combine the partial results of `detente run --shard K/M` into the results of
//! one run. Aggregates are exact integer sums, so the merged trajectories.csv, summary.csv and
//! runs.csv are byte-identical to a single run with the same seed and runs, whatever the number
//! of shards and the order they are given in. Shards of different scenarios, seeds, run counts,
//! splits or program versions, duplicates, and (without `--partial`) incomplete sets are refused.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::args::MergeArgs;
use super::{Error, now, output, write_results};
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

fn read_part(dir: &Path) -> Result<Part, Error> {
    let shown = dir.display();
    let unfinished = || {
        Error::input(format!(
            "{shown}: not a finished shard folder (no complete manifest.json); rerun that shard"
        ))
    };
    let text = std::fs::read_to_string(dir.join("manifest.json")).map_err(|_| unfinished())?;
    let m: Value = serde_json::from_str(&text).map_err(|_| unfinished())?;
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
    let aggregate = std::fs::read(dir.join("aggregate.bin")).map_err(|_| {
        Error::input(format!(
            "{shown}: aggregate.bin is missing; rerun that shard"
        ))
    })?;
    if sh["aggregate_sha256"].as_str() != Some(&manifest::sha256_bytes(&aggregate)) {
        return Err(Error::input(format!(
            "{shown}: aggregate.bin does not match its manifest (damaged or replaced); rerun that shard"
        )));
    }
    Ok(Part {
        dir: dir.to_path_buf(),
        shard,
        runs,
        seed: num(&m["seed"], "seed")?,
        sha: m["scenario"]["sha256"].as_str().unwrap_or("").to_string(),
        version: m["program"]["version"].as_str().unwrap_or("").to_string(),
        has_runs: dir.join("runs.csv").is_file(),
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

/// runs.csv: the header once, then each shard's rows in run order, streamed.
fn concat_runs(parts: &[Part], out: &Path) -> Result<(), Error> {
    let file = std::fs::File::create(out).map_err(|e| Error::io(out, e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut header: Option<String> = None;
    for p in parts {
        let path = p.dir.join("runs.csv");
        let f = std::fs::File::open(&path)
            .map_err(|e| Error::input(format!("{}: {e}", path.display())))?;
        let mut r = std::io::BufReader::with_capacity(1 << 20, f);
        let mut line = String::new();
        std::io::BufRead::read_line(&mut r, &mut line).map_err(|e| Error::io(&path, e))?;
        match &header {
            None => {
                w.write_all(line.as_bytes())
                    .map_err(|e| Error::io(out, e))?;
                header = Some(line);
            }
            Some(h) if *h != line => {
                return Err(Error::input(format!(
                    "{}: runs.csv has a different header from the other shards",
                    path.display()
                )));
            }
            Some(_) => {}
        }
        std::io::copy(&mut r, &mut w).map_err(|e| Error::io(&path, e))?;
    }
    w.flush().map_err(|e| Error::io(out, e))
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
    let first = &parts[0].manifest;
    let text = first["scenario"]["text"].as_str().unwrap_or("").to_string();
    let path = first["scenario"]["path"].as_str().unwrap_or("").to_string();
    if manifest::sha256_hex(&text) != parts[0].sha {
        return Err(Error::input(format!(
            "{}: the scenario text in manifest.json does not match its sha256",
            parts[0].dir.display()
        )));
    }
    let any = scenario::parse_any(text.clone(), &path)?;
    let staging = output::Staging::prepare(&a.out, a.force)?;
    if parts[0].has_runs {
        concat_runs(&parts, &staging.file("runs.csv"))?;
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
    write_results(&staging, &files, &man)?;
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
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{table}\n{note}\nresults in {}", out.display());
    }
    Ok(())
}
