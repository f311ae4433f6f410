//! Results folders: written under a temporary name beside the target and swapped into place
//! when complete, so an interrupted command never leaves a folder that looks finished and never
//! loses the results it was replacing.
//!
//! - Temporaries are named `.NAME.tmp-HOST-PID` (files and folders), so concurrent commands
//!   never share one. A temporary whose process is gone is removed by the next command that
//!   writes beside it (only the same host's: another machine's process cannot be checked).
//! - `--force` replaces only a folder detente wrote: its `manifest.json` or `sweep.json` says
//!   detente, and everything in it is a file detente writes. It never replaces a folder that
//!   holds the command's own inputs.
//! - The replacement is one atomic exchange of the two folders (Linux `renameat2`), then the
//!   old one is removed. Where the exchange is not available the old folder is first renamed to
//!   `.NAME.old-HOST-PID`; if the process dies before the new folder is in place, the next
//!   command puts the old one back.

use std::fs;
use std::path::{Component, Path, PathBuf};

use super::Error;

/// Every name detente writes into a results folder (runs, shards, merges, sweeps).
pub const RESULT_NAMES: &[&str] = &[
    "manifest.json",
    "posterior.csv",
    "generations.csv",
    "predictive.csv",
    "posterior.svg",
    "checkpoint.json",
    "sensitivity.csv",
    "sensitivity.svg",
    "trajectories.csv",
    "summary.csv",
    "runs.csv",
    "ranking.csv",
    "aggregate.bin",
    "report.html",
    "trust.svg",
    "outcomes.svg",
    "survival.svg",
    "tension.svg",
    // The stock chart is named after the scenario's stock (see `stock_chart_of`); this is its
    // name in korea-2019, and its only name in 0.1.
    "arsenal.svg",
    "sweep.json",
    "sweep.csv",
    "flip.csv",
    "flip.svg",
    "sensitivity.csv",
    "points",
    "comparison.csv",
];

/// This machine's name, as temporaries record it.
pub(crate) fn host() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: gethostname writes at most buf.len() bytes into the buffer we own.
        if unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0 {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            let name: String = String::from_utf8_lossy(&buf[..end])
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            if !name.is_empty() {
                return name;
            }
        }
    }
    "localhost".to_string()
}

/// The tag of this process's temporaries: `HOST-PID`.
fn tag() -> String {
    format!("{}-{}", host(), std::process::id())
}

/// Whether process `pid` of this host is alive (unknown counts as alive).
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        // SAFETY: kill with signal 0 only checks that the process exists.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// If `entry` is a temporary (`kind` is `tmp` or `old`) of `name` left by a dead process of this
/// host, its PID. Names without a host (older versions) count as this host's.
fn stale(entry: &str, name: &str, kind: &str) -> Option<u32> {
    let rest = entry.strip_prefix(&format!(".{name}.{kind}-"))?;
    let (host_part, pid) = match rest.rsplit_once('-') {
        Some((h, p)) => (Some(h), p),
        None => (None, rest),
    };
    let pid: u32 = pid.parse().ok()?;
    let ours = host_part.is_none_or(|h| h == host());
    (ours && pid != std::process::id() && !alive(pid)).then_some(pid)
}

/// Remove every temporary file in `dir` left by a dead process (a sweep's `points/`).
pub fn clean_stale_in(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let name = file
            .strip_prefix('.')
            .and_then(|f| f.rsplit_once(".tmp-"))
            .map(|(n, _)| n.to_string());
        if let Some(name) = name
            && stale(&file, &name, "tmp").is_some()
            && e.path().is_file()
        {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Remove the temporaries of `name` in `parent` left by dead processes, and put back a folder
/// whose replacement was interrupted between its two renames.
pub fn clean_stale(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let target = parent.join(name);
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        if stale(&file, name, "old").is_some() {
            if !target.exists() {
                let _ = fs::rename(&path, &target);
            } else {
                let _ = fs::remove_dir_all(&path);
            }
        } else if stale(&file, name, "tmp").is_some() {
            if path.is_dir() {
                let _ = fs::remove_dir_all(&path);
            } else {
                let _ = fs::remove_file(&path);
            }
        }
    }
}

/// Write `bytes` to `dir/name` through a temporary name, so the file is whole or absent.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), Error> {
    let tmp = dir.join(format!(".{name}.tmp-{}", tag()));
    fs::write(&tmp, bytes).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::io(&dir.join(name), e)
    })?;
    fs::rename(&tmp, dir.join(name)).map_err(|e| Error::io(&dir.join(name), e))
}

/// A file written through a buffer, and, for a shard's runs.csv, hashed (SHA-256) and its lines
/// counted as it is written: the manifest records both for `merge` to check. A full run does
/// not pay for the hash.
pub struct HashedFile {
    path: PathBuf,
    w: std::io::BufWriter<fs::File>,
    /// The hash so far and the lines written, when hashing.
    hash: Option<(sha2::Sha256, u64)>,
}

impl HashedFile {
    pub fn create(path: &Path, hash: bool) -> Result<Self, Error> {
        let f = fs::File::create(path).map_err(|e| Error::io(path, e))?;
        Ok(HashedFile {
            path: path.to_path_buf(),
            w: std::io::BufWriter::with_capacity(1 << 20, f),
            hash: hash.then(|| (sha2::Sha256::default(), 0)),
        })
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        use sha2::Digest;
        use std::io::Write;
        if let Some((h, lines)) = &mut self.hash {
            h.update(bytes);
            *lines += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        }
        self.w
            .write_all(bytes)
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Flush, and return the lower-case hex SHA-256 and the number of lines written, when
    /// hashing.
    pub fn finish(&mut self) -> Result<Option<(String, u64)>, Error> {
        use sha2::Digest;
        use std::io::Write;
        self.w.flush().map_err(|e| Error::io(&self.path, e))?;
        Ok(self.hash.as_ref().map(|(h, lines)| {
            let d = h.clone().finalize();
            (d.iter().map(|b| format!("{b:02x}")).collect(), *lines)
        }))
    }
}

/// `path` without `.` components and trailing separators: `sub/.` is `sub`.
fn tidy(path: &Path) -> PathBuf {
    path.components().collect()
}

/// `path` made absolute and resolved as far as it exists (for comparing folders).
fn resolved(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut tail = Vec::new();
    let mut head = abs.as_path();
    loop {
        if let Ok(c) = fs::canonicalize(head) {
            return tail.iter().rev().fold(c, |p: PathBuf, t| p.join(t));
        }
        match (head.parent(), head.file_name()) {
            (Some(parent), Some(name)) => {
                tail.push(name.to_os_string());
                head = parent;
            }
            _ => return abs,
        }
    }
}

/// The stock chart's file name for the scenario a manifest records, if it parses.
fn stock_chart_of(manifest: &serde_json::Value) -> Option<String> {
    let text = manifest["scenario"]["text"].as_str()?;
    let sc = crate::scenario::parse(text, "manifest.json scenario").ok()?;
    Some(crate::report::charts::stock_chart(&sc.stock))
}

/// Why `dir` may not be replaced, or None if it is a results folder detente wrote.
pub fn not_replaceable(dir: &Path) -> Option<String> {
    let shown = dir.display();
    let manifests: Vec<serde_json::Value> = ["manifest.json", "sweep.json"]
        .iter()
        .filter_map(|m| {
            crate::scenario::read_limited(&dir.join(m), super::MAX_MANIFEST)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        })
        .filter(|v| v["program"]["name"] == "detente")
        .collect();
    let says_detente = !manifests.is_empty();
    let stock_chart = manifests.iter().find_map(stock_chart_of);
    // A run of several scenarios holds one results folder per scenario.
    let scenario_folders: Vec<&str> = manifests
        .iter()
        .filter_map(|v| v["scenarios"].as_array())
        .flatten()
        .filter_map(|n| n.as_str())
        .collect();
    if !says_detente {
        return Some(format!(
            "{shown} is not a results folder detente wrote (no manifest.json or sweep.json of detente); --force replaces only those: choose another --out, or remove it yourself"
        ));
    }
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => return Some(format!("{shown}: cannot read: {e}")),
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let ours = RESULT_NAMES.contains(&name.as_str())
            || stock_chart.as_deref() == Some(name.as_str())
            || (name.starts_with('.') && (name.contains(".tmp-") || name.contains(".old-")));
        if !ours && scenario_folders.contains(&name.as_str()) {
            if let Some(why) = not_replaceable(&dir.join(&name)) {
                return Some(why);
            }
            continue;
        }
        if !ours {
            return Some(format!(
                "{shown} holds '{name}', which detente did not write; --force replaces only results folders: move it out, or choose another --out"
            ));
        }
    }
    None
}

/// Check that `target` can be a results folder: a path naming a folder, not a file, under
/// no file, and not holding any of `inputs`; removes stale temporaries beside it. Returns the
/// tidied target and its parent.
pub fn check_path(target: &Path, inputs: &[&Path]) -> Result<(PathBuf, PathBuf), Error> {
    let tidy_target = tidy(target);
    let name = match tidy_target.components().next_back() {
        Some(Component::Normal(n)) => n.to_string_lossy().into_owned(),
        _ => {
            return Err(Error::input(format!(
                "output path '{}' does not name a new folder; give --out a folder path such as results/run1",
                target.display()
            )));
        }
    };
    if name.len() > MAX_NAME {
        return Err(Error::input(format!(
            "output folder name '{name}' is {} bytes long; at most {MAX_NAME} fit beside the temporary name",
            name.len()
        )));
    }
    let parent = match tidy_target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if let Some(a) = parent.ancestors().find(|a| a.is_file()) {
        return Err(Error::input(format!(
            "output path {}: {} is a file, not a folder",
            target.display(),
            a.display()
        )));
    }
    if tidy_target.is_file() {
        return Err(Error::input(format!(
            "output path {} is a file; give --out a folder path",
            target.display()
        )));
    }
    let resolved_target = resolved(&tidy_target);
    for input in inputs {
        if resolved(input).starts_with(&resolved_target) {
            return Err(Error::input(format!(
                "--out {} holds {}, an input of this command; write the results elsewhere",
                target.display(),
                input.display()
            )));
        }
    }
    clean_stale(&parent, &name);
    Ok((tidy_target, parent))
}

/// [`check_path`], and, when the target exists and is not empty, that it may be replaced:
/// only with `force`, and only a results folder detente wrote.
pub fn check_target(
    target: &Path,
    force: bool,
    inputs: &[&Path],
) -> Result<(PathBuf, PathBuf), Error> {
    let (tidy_target, parent) = check_path(target, inputs)?;
    let empty = fs::read_dir(&tidy_target).is_ok_and(|mut d| d.next().is_none());
    if tidy_target.exists() && !empty {
        if !force {
            return Err(Error::input(format!(
                "output folder {} already exists; use --force to replace it (only a results folder detente wrote is replaced), or another --out",
                target.display()
            )));
        }
        if let Some(why) = not_replaceable(&tidy_target) {
            return Err(Error::input(why));
        }
    }
    Ok((tidy_target, parent))
}

/// The longest folder name accepted (file systems allow 255 bytes; the temporary name adds the
/// host name and the process id).
const MAX_NAME: usize = 160;

/// A results folder being written.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    tmp: PathBuf,
    force: bool,
    committed: bool,
}

impl Staging {
    /// Check the target (see [`check_target`]) and create the temporary folder. Nothing is
    /// written at `target`.
    pub fn prepare(target: &Path, force: bool, inputs: &[&Path]) -> Result<Staging, Error> {
        let (target, parent) = check_target(target, force, inputs)?;
        fs::create_dir_all(&parent).map_err(|e| {
            Error::input(format!(
                "output path {}: cannot create {}: {e}",
                target.display(),
                parent.display()
            ))
        })?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = parent.join(format!(".{name}.tmp-{}", tag()));
        if tmp.exists() {
            let _ = fs::remove_dir_all(&tmp);
        }
        fs::create_dir(&tmp).map_err(|e| {
            let why = if e.raw_os_error() == Some(36) {
                "the name is too long".to_string()
            } else {
                e.to_string()
            };
            Error::input(format!(
                "output folder {} cannot be created: {why}",
                target.display()
            ))
        })?;
        Ok(Staging {
            target,
            tmp,
            force,
            committed: false,
        })
    }

    /// Path of a file inside the temporary folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.tmp.join(name)
    }

    /// The temporary folder.
    pub fn dir(&self) -> &Path {
        &self.tmp
    }

    /// Move the finished folder into place. An existing folder is replaced only with `--force`
    /// and only if detente wrote it, in one atomic exchange.
    pub fn commit(mut self) -> Result<PathBuf, Error> {
        let target = self.target.clone();
        loop {
            match rename_noreplace(&self.tmp, &target) {
                Ok(()) => break,
                Err(e) if !exists_error(&e) => return Err(Error::io(&target, e)),
                Err(_) => {}
            }
            // The target is there (it was, or it appeared while running).
            let empty = fs::read_dir(&target).is_ok_and(|mut d| d.next().is_none());
            if empty {
                let _ = fs::remove_dir(&target);
                continue;
            }
            if !self.force {
                return Err(Error::input(format!(
                    "output folder {} appeared while running; use --force to replace it, or another --out",
                    target.display()
                )));
            }
            if let Some(why) = not_replaceable(&target) {
                return Err(Error::input(why));
            }
            self.swap()?;
            break;
        }
        self.committed = true;
        Ok(target)
    }

    /// Put the temporary folder in place of the target, then remove the old one.
    fn swap(&mut self) -> Result<(), Error> {
        let target = self.target.clone();
        match exchange(&self.tmp, &target) {
            Ok(()) => {
                // The temporary name now holds the old results.
                let _ = fs::remove_dir_all(&self.tmp);
                Ok(())
            }
            Err(_) => {
                let name = target
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let old = target.with_file_name(format!(".{name}.old-{}", tag()));
                fs::rename(&target, &old).map_err(|e| Error::io(&target, e))?;
                if let Err(e) = fs::rename(&self.tmp, &target) {
                    let _ = fs::rename(&old, &target);
                    return Err(Error::io(&target, e));
                }
                let _ = fs::remove_dir_all(&old);
                Ok(())
            }
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Whether a rename failed because the target exists.
fn exists_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::DirectoryNotEmpty
    )
}

#[cfg(target_os = "linux")]
fn renameat2(from: &Path, to: &Path, flags: libc::c_uint) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))
    };
    let (a, b) = (c(from)?, c(to)?);
    // SAFETY: two NUL-terminated paths relative to the working directory.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            flags,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Rename `from` to `to`, failing if `to` exists (even as an empty folder).
fn rename_noreplace(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    match renameat2(from, to, libc::RENAME_NOREPLACE) {
        Err(e)
            if e.raw_os_error() == Some(libc::EINVAL) || e.raw_os_error() == Some(libc::ENOSYS) => {
        }
        r => return r,
    }
    if to.exists() {
        return Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists));
    }
    fs::rename(from, to)
}

/// Exchange two folders atomically, where the system can.
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        renameat2(a, b, libc::RENAME_EXCHANGE)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_temporaries_are_recognised_by_name_host_and_dead_process() {
        let me = std::process::id();
        let h = host();
        // A PID far above any Linux pid_max is never alive.
        let dead = 999_999_999u32;
        assert_eq!(stale(&format!(".r.tmp-{h}-{dead}"), "r", "tmp"), Some(dead));
        assert_eq!(stale(&format!(".r.tmp-{dead}"), "r", "tmp"), Some(dead));
        assert_eq!(stale(&format!(".r.tmp-{h}-{me}"), "r", "tmp"), None);
        assert_eq!(stale(&format!(".r.tmp-elsewhere-{dead}"), "r", "tmp"), None);
        assert_eq!(stale(&format!(".rr.tmp-{h}-{dead}"), "r", "tmp"), None);
        assert_eq!(stale(&format!(".r.old-{h}-{dead}"), "r", "old"), Some(dead));
    }

    #[test]
    fn paths_that_name_no_folder_are_refused_without_suggesting_force() {
        for p in ["/", "..", "."] {
            let e = check_target(Path::new(p), true, &[])
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("does not name a new folder") && !e.contains("--force"),
                "{p}: {e}"
            );
        }
        let d = tempfile::tempdir().unwrap();
        let sub = d.path().join("sub").join(".");
        let (t, _) = check_target(&sub, false, &[]).unwrap();
        assert_eq!(t, d.path().join("sub"));
    }
}
