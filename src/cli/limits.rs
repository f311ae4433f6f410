//! What this machine allows a batch: the memory limit (half the physical memory, or half the
//! address-space limit when one is set), the free space where results go, and the worker
//! thread count. The estimates they are checked against are in `batch::budget`.

use std::path::Path;

use super::Error;
use crate::batch::budget::{Estimate, Limits};

/// The most worker threads a command starts (`--threads` and `RAYON_NUM_THREADS`).
pub const MAX_THREADS: usize = 1024;
/// The memory limit when the machine's memory cannot be read.
const FALLBACK_MEMORY: u64 = 4 << 30;

/// Physical memory in bytes, from /proc/meminfo (Linux).
fn physical_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The address-space limit (`ulimit -v`), if one is set.
#[cfg(unix)]
fn address_space_limit() -> Option<u64> {
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit into the struct we own.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut r) } == 0;
    // rlim_t is not u64 on every platform.
    #[allow(clippy::unnecessary_cast)]
    (ok && r.rlim_cur != libc::RLIM_INFINITY).then_some(r.rlim_cur as u64)
}

#[cfg(not(unix))]
fn address_space_limit() -> Option<u64> {
    None
}

/// Free bytes on the filesystem holding `dir` (or its nearest existing ancestor).
#[cfg(unix)]
pub fn disk_free(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let existing = dir
        .ancestors()
        .find(|a| a.exists())
        .unwrap_or(Path::new("."));
    let existing = if existing.as_os_str().is_empty() {
        Path::new(".")
    } else {
        existing
    };
    let c = std::ffi::CString::new(existing.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs reads a NUL-terminated path and writes one struct we own.
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::statvfs(c.as_ptr(), &mut s) } == 0;
    // A pseudo file system (/proc) has no blocks at all: its free space means nothing.
    (ok && s.f_blocks > 0).then(|| s.f_bavail as u64 * s.f_frsize as u64)
}

#[cfg(not(unix))]
pub fn disk_free(_dir: &Path) -> Option<u64> {
    None
}

/// The limits for a batch writing into `out`.
pub fn limits(out: &Path) -> Limits {
    let (memory, memory_source) = match (address_space_limit(), physical_memory()) {
        (Some(a), Some(p)) if a / 2 < p / 2 => (a / 2, "half the address-space limit (ulimit -v)"),
        (Some(a), None) => (a / 2, "half the address-space limit (ulimit -v)"),
        (_, Some(p)) => (p / 2, "half this machine's memory"),
        (None, None) => (FALLBACK_MEMORY, "the default when memory cannot be read"),
    };
    Limits {
        memory,
        memory_source,
        disk_free: disk_free(out),
    }
}

/// Refuse a batch whose estimate exceeds the limits for `out` (exit 2, with the estimate);
/// `smaller` says how to make the command's work smaller.
pub fn check(estimate: &Estimate, out: &Path, smaller: &str) -> Result<(), Error> {
    estimate.check(&limits(out), smaller).map_err(Error::input)
}

/// How to make a run smaller.
pub const SPLIT_RUN: &str = "split it with --shard K/M across machines, or use fewer --runs";
/// How to make a sweep smaller.
pub const SPLIT_SWEEP: &str = "use fewer points (STEPS or --samples) or fewer --runs";

/// Worker threads: the option, else RAYON_NUM_THREADS, else the number of cores.
pub fn threads(option: Option<u64>) -> Result<usize, Error> {
    let chosen = match option {
        Some(t) => t as usize,
        None => match std::env::var("RAYON_NUM_THREADS") {
            Ok(v) if !v.trim().is_empty() => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|t| (1..=MAX_THREADS).contains(t))
                .ok_or_else(|| {
                    Error::input(format!(
                        "RAYON_NUM_THREADS='{v}' is not a whole number from 1 to {MAX_THREADS}"
                    ))
                })?,
            _ => std::thread::available_parallelism().map_or(1, |n| n.get()),
        },
    };
    Ok(chosen)
}
