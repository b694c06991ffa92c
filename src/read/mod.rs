//! Readers: bytes → text, report text → raw blocks, notes file → entries.
use crate::check_report::InputInfo;
use crate::error::Result;
use crate::model::{Block, Document};
use std::path::Path;

pub mod decode;
pub mod discover;
pub mod guard;
pub mod limits;
pub mod notes;

/// Read a report file into raw blocks (one per source line, numbered from 1).
pub fn report(path: &Path) -> Result<(Document, InputInfo)> {
    let bytes = limits::read_regular(path, limits::MAX_REPORT, "report")?;
    report_bytes(&bytes, path)
}

/// [`report`] on bytes already read; `path` only names the file in messages.
pub fn report_bytes(bytes: &[u8], path: &Path) -> Result<(Document, InputInfo)> {
    let decoded = decode::decode(bytes, path)?;
    let blocks = decoded
        .text
        .split('\n')
        .enumerate()
        .map(|(i, line)| Block::Raw {
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
    Ok((Document::new(blocks), info))
}
