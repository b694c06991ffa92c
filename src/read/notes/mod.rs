//! Notes readers: any supported annotations file → entries. The format is found by content.
use crate::error::Result;
use crate::model::Entry;
use std::path::Path;

pub struct NotesFile {
    pub entries: Vec<Entry>,
    /// Format found by content (`txt`, `csv`, `doc`, `docx`, `xlsx`, `xls`, `ods`).
    pub format: &'static str,
}

pub fn read(_path: &Path) -> Result<NotesFile> {
    todo!("foundation issue")
}

/// Title of the appended attachment section: the file's name without extension.
pub fn annex_title(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
