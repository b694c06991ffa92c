//! Readers: bytes → text, report text → raw blocks, notes file → entries.
use crate::error::{Error, Result};
use crate::model::{Block, Document};
use std::path::Path;

pub mod decode;
pub mod discover;
pub mod notes;

/// Read a report file into raw blocks (one per source line, numbered from 1), with the name of
/// the encoding it was decoded from (`UTF-8`, `GB18030`, …).
pub fn report(path: &Path) -> Result<(Document, String)> {
    let bytes = std::fs::read(path).map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
    let decoded = decode::decode(&bytes, path)?;
    let blocks = decoded
        .text
        .split('\n')
        .enumerate()
        .map(|(i, line)| Block::Raw {
            line: i + 1,
            text: line.to_string(),
        })
        .collect();
    Ok((Document::new(blocks), decoded.encoding))
}
