//! Attachment discovery: find the notes file the `附件：` line names, beside the report.
use std::path::{Path, PathBuf};

/// The file in `folder` whose name matches `named` after cleaning and script folding.
pub fn attachment(_folder: &Path, _named: &str) -> Option<PathBuf> {
    todo!("foundation issue")
}
