//! Session packs: the documents of one session (a `pack.toml` manifest) → one volume per
//! edition. What a pack is: its manifest, its options and what it reports; the path it takes
//! (the same as `build`'s) is [`crate::pipeline::session`]'s.
pub mod manifest;

pub use manifest::{Folios, Manifest};

use crate::check_report::CheckReport;
use crate::passes::script::ScriptChoice;
use std::path::{Path, PathBuf};

/// What the command line adds to the manifest.
#[derive(Debug, Clone, Default)]
pub struct PackOptions {
    pub script: ScriptChoice,
    pub strict: bool,
    /// As `build --no-repair`.
    pub no_repair: bool,
}

/// `baogao check MANIFEST`: the manifest's fields and each document's check report.
#[derive(Debug, serde::Serialize)]
pub struct PackReport {
    pub manifest: PathBuf,
    pub title: String,
    pub subtitle: Option<String>,
    pub issuer: Option<String>,
    pub style: String,
    pub folios: Folios,
    pub documents: Vec<CheckReport>,
}

/// Is `path` a pack manifest (rather than a report)? By its extension.
pub fn is_manifest(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

/// What a pack wrote, and each document's warnings (`report: warning[code] …`, as `build`
/// prints them).
#[derive(Debug, Default)]
pub struct Packed {
    pub written: Vec<PathBuf>,
    pub warnings: Vec<String>,
}
