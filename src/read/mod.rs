//! Readers: bytes → text, report text → source lines, notes file → entries.
use crate::check_report::InputInfo;
use crate::error::{Error, Result};
use std::path::Path;

pub mod decode;
pub mod discover;
pub mod notes;

/// One line of the report's text as read (before the clean and structure passes make blocks
/// of it), with its 1-based source line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub line: usize,
    pub text: String,
}

/// Read a report file into its lines (numbered from 1).
pub fn report(path: &Path) -> Result<(Vec<Line>, InputInfo)> {
    let bytes = std::fs::read(path).map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
    let decoded = decode::decode(&bytes, path)?;
    let lines = decoded
        .text
        .split('\n')
        .enumerate()
        .map(|(i, line)| Line {
            line: i + 1,
            text: line.to_string(),
        })
        .collect();
    let info = InputInfo {
        path: path.display().to_string(),
        encoding: decoded.encoding,
        ..Default::default()
    };
    Ok((lines, info))
}
