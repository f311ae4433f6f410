//! Records the versions of the dependencies that affect results (from Cargo.lock) for the
//! run manifest.

fn main() {
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
