//! Readers: bytes → text, report text → source lines, notes file → entries.
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

/// How a report's bytes were decoded (what the check report's `input` shows).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decoding {
    /// Encoding name (`UTF-8`, `UTF-16LE`, `UTF-16BE`, `GB18030`, `Big5`).
    pub encoding: String,
    /// Lines decoded in another encoding than `encoding` (a mixed file), and that encoding.
    pub other_lines: usize,
    pub other_encoding: Option<String>,
    /// U+FFFD characters the decoding left (undecodable bytes).
    pub replacements: usize,
}

/// Read a report file into its lines (numbered from 1): a regular file of at most
/// [`limits::MAX_REPORT`] bytes.
pub fn report(path: &Path) -> Result<(Vec<Line>, Decoding)> {
    let bytes = limits::read_regular(path, limits::MAX_REPORT, "report")?;
    report_bytes(&bytes, path)
}

/// [`report`] on bytes already read; `path` only names the file in messages.
pub fn report_bytes(bytes: &[u8], path: &Path) -> Result<(Vec<Line>, Decoding)> {
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
    let decoding = Decoding {
        encoding: decoded.encoding,
        other_lines: decoded.other_lines,
        other_encoding: decoded.other_encoding,
        replacements: decoded.replacements,
    };
    Ok((lines, decoding))
}
