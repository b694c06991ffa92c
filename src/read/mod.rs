//! Readers: bytes → text, report text → source lines, notes file → entries.
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

/// Read a report file into its lines (numbered from 1), with the name of the encoding it was
/// decoded from (`UTF-8`, `GB18030`, …).
pub fn report(path: &Path) -> Result<(Vec<Line>, String)> {
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
    Ok((lines, decoded.encoding))
}
