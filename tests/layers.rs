//! The modules form layers, and every import points down:
//! cli → report → export → batch/sweep → scenario → engine → strategies/game → model → rng.
//! A module may use its own layer's code and any lower layer's, never a higher one's, and two
//! modules of one layer do not use each other. Test code (`#[cfg(test)]`) may use anything.

use std::collections::BTreeSet;
use std::path::Path;

/// Each top-level module and its layer, lowest first.
const LAYERS: &[(&str, u32)] = &[
    ("rng", 0),
    ("model", 1),
    ("strategies", 2),
    ("game", 2),
    ("engine", 3),
    ("scenario", 4),
    ("batch", 5),
    ("sweep", 5),
    ("record", 5),
    ("export", 6),
    ("report", 7),
    ("cli", 8),
];

fn layer(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// The top-level modules a source file refers to with `crate::NAME`, outside comments and
/// test code.
fn uses(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            break; // test modules come last in every file
        }
        if t.starts_with("//") {
            continue;
        }
        let mut rest = t;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + 7..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            found.insert(name);
        }
    }
    found
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file belongs to (`src/engine/mod.rs` → `engine`).
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix("src").unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

#[test]
fn no_module_imports_a_higher_layer() {
    let mut all = Vec::new();
    files(Path::new("src"), &mut all);
    let mut violations = Vec::new();
    let mut edges = 0;
    for f in &all {
        let from = module_of(f);
        if from == "lib" || from == "main" {
            continue;
        }
        let Some(lf) = layer(&from) else {
            panic!("src/{from} is not in the layer list of tests/layers.rs: place it");
        };
        let text = std::fs::read_to_string(f).unwrap();
        for to in uses(&text) {
            if to == from {
                continue;
            }
            let Some(lt) = layer(&to) else {
                violations.push(format!(
                    "{}: crate::{to} is not a known module",
                    f.display()
                ));
                continue;
            };
            edges += 1;
            if lt >= lf {
                violations.push(format!(
                    "{} (layer {lf}, {from}) uses crate::{to} (layer {lt})",
                    f.display()
                ));
            }
        }
    }
    assert!(edges > 40, "found only {edges} imports: the scan is broken");
    assert!(
        violations.is_empty(),
        "imports pointing up or across:\n{}",
        violations.join("\n")
    );
}

/// The scan finds what it should: an upward import in a sample is reported.
#[test]
fn the_scan_sees_imports_and_skips_comments_and_tests() {
    let sample = "use crate::model::Params;\n// crate::cli in a comment\nfn f() { crate::engine::rng::x(); }\n#[cfg(test)]\nmod tests { use crate::cli; }\n";
    let found: Vec<String> = uses(sample).into_iter().collect();
    assert_eq!(found, ["engine", "model"]);
}

/// Nothing that decides a draw may call the system's libm, whose last bits differ between
/// platforms: the model, the engine, the strategies and the repeated games use the portable
/// `model::math` (exp, ln, logistic, logit) instead of `f64::exp`, `ln`, `powf` and the like.
#[test]
fn the_core_calls_no_libm_function() {
    let banned = [
        ".exp()",
        ".ln()",
        ".powf(",
        ".log(",
        ".log2()",
        ".log10()",
        ".exp2()",
        ".ln_1p()",
        ".exp_m1()",
        ".tanh()",
        ".sinh()",
        ".cosh()",
        ".atan",
        ".sin()",
        ".cos()",
    ];
    let mut found = Vec::new();
    for dir in [
        "src/model",
        "src/engine",
        "src/strategies",
        "src/game",
        "src/rng.rs",
    ] {
        let mut paths = Vec::new();
        let p = Path::new(dir);
        if p.is_file() {
            paths.push(p.to_path_buf());
        } else {
            files(p, &mut paths);
        }
        for path in paths {
            if path.ends_with("math.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if banned.iter().any(|b| code.contains(b)) {
                    found.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "libm calls in the core:\n{}",
        found.join("\n")
    );
}
