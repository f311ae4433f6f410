//! `detente report DIR`: rebuild the charts and report.html of a results folder from its CSV
//! files and manifest; also what `run` and `merge` use to write them.

use std::path::Path;

use super::{Error, MAX_MANIFEST, output, write_file};
use crate::export::manifest;
use crate::scenario;

/// Write a results folder's files and manifest.json, then the charts and report.html when the
/// files include trajectories.csv and summary.csv (a negotiation's full results).
pub(crate) fn write_results(
    dir: &Path,
    files: &[(&str, Vec<u8>)],
    manifest: &str,
) -> Result<(), Error> {
    for (name, bytes) in files {
        write_file(&dir.join(name), bytes)?;
    }
    write_file(&dir.join("manifest.json"), manifest.as_bytes())?;
    let find = |n: &str| {
        files
            .iter()
            .find(|(f, _)| *f == n)
            .map(|(_, b)| b.as_slice())
    };
    if let (Some(t), Some(s)) = (find("trajectories.csv"), find("summary.csv")) {
        for (name, bytes) in report_files(t, s, manifest)? {
            write_file(&dir.join(name), &bytes)?;
        }
    }
    Ok(())
}

/// Charts and report.html from a results folder's CSV and manifest text. The manifest must be a
/// complete detente manifest of a negotiation batch whose scenario text matches its hash and
/// whose arms are the arms of the CSV files.
pub(crate) fn report_files(
    trajectories: &[u8],
    summary: &[u8],
    manifest: &str,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let manifest: serde_json::Value =
        serde_json::from_str(manifest).map_err(|e| Error::input(format!("manifest.json: {e}")))?;
    let scenario_text = manifest["scenario"]["text"].as_str().unwrap_or("");
    let hash_ok = manifest["scenario"]["sha256"].as_str()
        == Some(manifest::sha256_hex(scenario_text).as_str());
    if manifest["program"]["name"] != "detente" || manifest["complete"] != true || !hash_ok {
        return Err(Error::input(
            "manifest.json is not the complete manifest of a detente run (its program, its completion or its scenario's sha256 is missing or wrong)",
        ));
    }
    let results =
        crate::report::parse(&text(trajectories), &text(summary)).map_err(Error::input)?;
    let arms: Vec<&str> = manifest["arms"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["id"].as_str()).collect())
        .unwrap_or_default();
    if arms != results.arms.iter().map(String::as_str).collect::<Vec<_>>() {
        return Err(Error::input(format!(
            "manifest.json names the arms {} but trajectories.csv holds {}: the files come from different runs",
            arms.join(", "),
            results.arms.join(", ")
        )));
    }
    let months = results
        .series
        .values()
        .flat_map(|v| v.iter().map(|p| p.month))
        .fold(0.0f64, f64::max);
    // A partial merge covers fewer runs than its batch.
    let runs = manifest["merged"]["runs_covered"]
        .as_u64()
        .or(manifest["runs"].as_u64());
    let counts_agree = results
        .summary
        .iter()
        .filter(|((_, metric), _)| metric == "outcome:agreement")
        .all(|(_, stat)| Some(stat.n) == runs);
    if manifest["horizon"].as_f64() != Some(months) || !counts_agree {
        return Err(Error::input(format!(
            "manifest.json describes {} runs over {} months, but the CSV files hold other runs or months: the files come from different runs",
            runs.unwrap_or(0),
            manifest["horizon"]
        )));
    }
    let sc = scenario::parse(scenario_text, "manifest.json scenario").ok();
    let stock = sc
        .as_ref()
        .map_or_else(crate::model::StockNames::default, |s| s.stock.clone());
    let mut out: Vec<(String, Vec<u8>)> = crate::report::charts::all(&results, &stock)
        .into_iter()
        .map(|(n, s)| (n, s.into_bytes()))
        .collect();
    out.push((
        "report.html".to_string(),
        crate::report::html::page(&results, &manifest, sc.as_ref()).into_bytes(),
    ));
    Ok(out)
}

/// The largest results CSV `report` reads.
const MAX_REPORT_CSV: u64 = 1 << 30;

/// `detente report DIR`: rebuild the charts and report.html from a results folder.
pub fn run(dir: &Path) -> Result<(), Error> {
    let read = |n: &str, max: u64| {
        let p = dir.join(n);
        scenario::read_limited(&p, max)
            .map_err(|e| Error::input(format!("{}: cannot read: {e}", p.display())))
    };
    let m = read("manifest.json", MAX_MANIFEST)?;
    let parsed: serde_json::Value = serde_json::from_slice(&m).unwrap_or_default();
    if parsed.get("shard").is_some() {
        return Err(Error::input(format!(
            "{} is one shard of a batch; merge the shards first (detente merge), then report the merged folder",
            dir.display()
        )));
    }
    if parsed["program"]["name"] == "detente" && parsed["horizon"].is_null() {
        return Err(Error::input(format!(
            "{} holds repeated-game results (summary.csv, ranking.csv); `detente report` draws negotiation results",
            dir.display()
        )));
    }
    let (t, s) = (
        read("trajectories.csv", MAX_REPORT_CSV)?,
        read("summary.csv", MAX_REPORT_CSV)?,
    );
    output::clean_stale_in(dir);
    for (name, bytes) in report_files(&t, &s, &String::from_utf8_lossy(&m))? {
        // Never a half-written chart.
        output::write_atomic(dir, &name, &bytes)?;
    }
    Ok(())
}
