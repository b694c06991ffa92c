//! Where the editions of a run reach the disk, the same way for `build` and `pack`: the output
//! folder is checked before any work ([`Destination::open`]), temporary files that killed runs
//! left there are removed before the first edition is written ([`Destination::clear_stale`]),
//! and each edition goes through an exclusively created temporary file renamed into place
//! ([`Destination::put`]); the binary's interrupt handler removes the run's temporary files.
use crate::edition::temp;
use crate::error::Result;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The output folder of a run, checked.
pub struct Destination {
    dir: PathBuf,
    started: SystemTime,
}

impl Destination {
    /// Check that `dir` is a folder one can write in (or can be created): one line and exit 2
    /// otherwise, before any work.
    pub fn open(dir: &Path) -> Result<Destination> {
        let started = SystemTime::now();
        temp::check_output_dir(dir)?;
        Ok(Destination {
            dir: dir.to_path_buf(),
            started,
        })
    }

    /// Remove the temporary files of runs killed before this one started.
    pub fn clear_stale(&self) -> usize {
        temp::remove_stale(&self.dir, self.started)
    }

    /// The path of an edition named `stem.ext`.
    pub fn path(&self, stem: &str, ext: &str) -> PathBuf {
        self.dir.join(format!("{stem}.{ext}"))
    }

    /// Write one edition's bytes atomically at `path` (one of [`Destination::path`]'s).
    pub fn put(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        temp::write_atomic(path, bytes)
    }
}
