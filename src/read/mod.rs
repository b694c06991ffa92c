//! Readers: bytes → text, report text → source lines, notes file → entries.
use crate::check_report::InputInfo;
use crate::error::Result;
use std::path::Path;

pub mod decode;
pub mod discover;
pub mod guard;
pub mod limits;
pub mod notes;

/// One line of the report's text as read (before the clean and structure passes make blocks
/// of it), with its 1-based source line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub line: usize,
    pub text: String,
}

/// Read a report file into its lines (numbered from 1): a regular file of at most
/// [`limits::MAX_REPORT`] bytes.
pub fn report(path: &Path) -> Result<(Vec<Line>, InputInfo)> {
    let bytes = limits::read_regular(path, limits::MAX_REPORT, "report")?;
    report_bytes(&bytes, path)
}

/// [`report`] on bytes already read; `path` only names the file in messages.
pub fn report_bytes(bytes: &[u8], path: &Path) -> Result<(Vec<Line>, InputInfo)> {
    let decoded = decode::decode(bytes, path)?;
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
        other_encoding_lines: decoded.other_lines,
        other_encoding: decoded.other_encoding,
        replacement_characters: decoded.replacements,
        ..Default::default()
    };
    Ok((lines, info))
}
