//! Records the versions of the dependencies that affect results (from Cargo.lock) for the
//! run manifest, and whether a Chromium is on the PATH (the browser test is marked ignored
//! without one, so that "all passed" means it ran).

/// Whether a Chromium the browser test can drive is on the PATH.
fn chromium_on_path() -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).any(|dir| {
        ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .any(|name| dir.join(name).is_file())
    })
}

fn main() {
    println!("cargo::rustc-check-cfg=cfg(detente_no_chromium)");
    println!("cargo:rerun-if-env-changed=PATH");
    // Installing or removing a browser changes its folder: look again then.
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path).filter(|d| d.is_dir()) {
        println!("cargo:rerun-if-changed={}", dir.display());
    }
    if !chromium_on_path() {
        println!("cargo:rustc-cfg=detente_no_chromium");
    }
    println!("cargo:rerun-if-changed=Cargo.lock");
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    let wanted = [
        "rand",
        "rand_chacha",
        "rand_core",
        "rayon",
        "toml",
        "csv",
        "serde",
        "serde_json",
    ];
    let mut found = Vec::new();
    let mut name: Option<String> = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_string());
        } else if let Some(v) = line.strip_prefix("version = ")
            && let Some(n) = name.take()
            && wanted.contains(&n.as_str())
        {
            found.push(format!("{n}={}", v.trim_matches('"')));
        }
    }
    println!("cargo:rustc-env=DETENTE_DEPENDENCIES={}", found.join(","));
}
