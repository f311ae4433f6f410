//! The results folder: written under a temporary name beside the target and renamed into place
//! when complete, so an interrupted run never leaves a folder that looks finished.

use std::fs;
use std::path::{Path, PathBuf};

use super::Error;

/// Write `bytes` to `dir/name` through a temporary name, so the file is whole or absent.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), Error> {
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    fs::rename(&tmp, dir.join(name)).map_err(|e| Error::io(&dir.join(name), e))
}

/// A results folder being written.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    tmp: PathBuf,
    force: bool,
    committed: bool,
}

impl Staging {
    /// Check the target and create the temporary folder. Nothing is written at `target`.
    pub fn prepare(target: &Path, force: bool) -> Result<Staging, Error> {
        if target.is_file() {
            return Err(Error::input(format!(
                "output path {} is a file; give a folder path with --out",
                target.display()
            )));
        }
        if target.exists() && !force {
            return Err(Error::input(format!(
                "output folder {} already exists; use --force to replace it, or another --out",
                target.display()
            )));
        }
        let name = target
            .file_name()
            .ok_or_else(|| {
                Error::input(format!(
                    "output path {} has no folder name",
                    target.display()
                ))
            })?
            .to_string_lossy()
            .into_owned();
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if parent.is_file() {
            return Err(Error::input(format!(
                "output path {}: {} is a file, not a folder",
                target.display(),
                parent.display()
            )));
        }
        fs::create_dir_all(&parent).map_err(|e| {
            Error::input(format!(
                "output path {}: cannot create {}: {e}",
                target.display(),
                parent.display()
            ))
        })?;
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if tmp.exists() {
            let _ = fs::remove_dir_all(&tmp);
        }
        fs::create_dir(&tmp).map_err(|e| {
            Error::input(format!(
                "output folder {} is not writable: {e}",
                target.display()
            ))
        })?;
        Ok(Staging {
            target: target.to_path_buf(),
            tmp,
            force,
            committed: false,
        })
    }

    /// Path of a file inside the temporary folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.tmp.join(name)
    }

    /// Move the finished folder into place (replacing an old one only with `--force`).
    pub fn commit(mut self) -> Result<PathBuf, Error> {
        if self.target.exists() {
            if !self.force {
                return Err(Error::input(format!(
                    "output folder {} appeared while running; use --force to replace it",
                    self.target.display()
                )));
            }
            let old = self.tmp.with_extension("old");
            fs::rename(&self.target, &old).map_err(|e| Error::io(&self.target, e))?;
            fs::rename(&self.tmp, &self.target).map_err(|e| Error::io(&self.target, e))?;
            let _ = fs::remove_dir_all(&old);
        } else {
            fs::rename(&self.tmp, &self.target).map_err(|e| Error::io(&self.target, e))?;
        }
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}
