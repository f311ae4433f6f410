//! The repository stands alone: no shipped file, output or help text refers to a document a
//! user does not have (a folder beside the repository, or design notes that are not in it).

mod common;

use std::path::Path;

use common::detente;

/// The phrases that point outside the repository, built so that this file does not hold them.
fn outside() -> Vec<String> {
    vec![
        ["..", "/shared"].concat(),
        ["model", " brief"].concat(),
        ["model", "-brief"].concat(),
        ["the", " brief"].concat(),
    ]
}

fn offending(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    outside().into_iter().find(|p| lower.contains(p.as_str()))
}

/// Every text file under `dir`, skipping build output and version control.
fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            if !["target", ".git", "artifacts", "results"].contains(&name.as_str()) {
                walk(&p, files);
            }
        } else {
            files.push(p);
        }
    }
}

#[test]
fn no_shipped_file_refers_outside_the_repository() {
    let mut files = Vec::new();
    walk(Path::new("."), &mut files);
    assert!(files.len() > 100, "found only {} files", files.len());
    let mut read = 0;
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue; // not text
        };
        read += 1;
        if let Some(p) = offending(&text) {
            panic!("{} refers to '{p}', which users do not have", f.display());
        }
    }
    assert!(read > 100, "read only {read} text files");
}

#[test]
fn no_output_or_help_refers_outside_the_repository() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    detente()
        .args(["run", "--runs", "40", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let mut checked = 0;
    for e in std::fs::read_dir(&out).unwrap().flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap();
        assert_eq!(offending(&text), None, "{}", e.path().display());
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} output files");
    let mut texts = Vec::new();
    for args in [
        vec!["--help"],
        vec!["run", "--help"],
        vec!["sweep", "--help"],
        vec!["merge", "--help"],
        vec!["replay", "--help"],
        vec!["report", "--help"],
        vec!["list", "--help"],
        vec!["validate", "--help"],
        vec!["list", "params"],
        vec!["list", "strategies"],
        vec!["list", "moves"],
        vec!["list", "metrics"],
        vec!["replay", "--arm", "incremental"],
    ] {
        let o = detente().args(&args).output().unwrap();
        assert!(o.status.success(), "{args:?}");
        let text = String::from_utf8(o.stdout).unwrap();
        assert!(!text.is_empty(), "{args:?} printed nothing");
        texts.push((args, text));
    }
    for (args, text) in texts {
        assert_eq!(offending(&text), None, "detente {}", args.join(" "));
    }
}
