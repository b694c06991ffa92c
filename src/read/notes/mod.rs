//! Notes readers: any supported annotations file → entries. The format is found by content,
//! never by the file's name: a `.docx` renamed `.doc` is read as the `.docx` it is.
//!
//! Every reader reduces its file to one of two shapes — lines of text or rows of cells — and
//! [`text::entries`] / [`table::entries`] turn those into entries, so all formats agree.
use crate::error::{Error, Result};
use crate::model::Entry;
use std::path::Path;

mod bounds;
mod compound;
mod delimited;
pub mod doc;
pub mod docx;
mod sheet;
mod sniff;
mod table;
mod text;

/// Largest notes file read at all (bytes on disk).
pub const MAX_FILE: u64 = 64 << 20;
/// Largest decompressed size of one part of a ZIP container (zip bombs).
pub const MAX_PART: u64 = 64 << 20;
/// Largest decompressed size of all parts of a ZIP container together.
pub const MAX_UNZIPPED: u64 = 256 << 20;
/// Most entries one notes file may hold.
pub const MAX_ENTRIES: usize = 10_000;
/// Most rows or paragraphs looked at in one file.
pub const MAX_ROWS: usize = 200_000;

pub struct NotesFile {
    pub entries: Vec<Entry>,
    /// Format found by content (`txt`, `csv`, `tsv`, `doc`, `docx`, `xlsx`, `xls`, `ods`).
    pub format: &'static str,
    /// Non-empty lines or rows that are not part of any entry (a title line, a header row),
    /// kept so that nothing is dropped silently.
    pub skipped: Vec<String>,
}

/// What a reader hands on: paragraphs of text and tables, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Paragraph(String),
    Table(Vec<Vec<String>>),
}

/// Entries as parsed, before the file-level checks.
pub(crate) struct Parsed {
    pub entries: Vec<Entry>,
    pub skipped: Vec<String>,
}

pub fn read(path: &Path) -> Result<NotesFile> {
    let bytes = crate::read::limits::read_regular(path, MAX_FILE, "notes file")?;
    read_bytes(&bytes, path)
}

/// Read notes from bytes already in memory; `path` only names the file in messages.
pub fn read_bytes(bytes: &[u8], path: &Path) -> Result<NotesFile> {
    let refuse = |what: String| Error::input(path, what);
    let (format, parsed) = match sniff::kind(bytes).map_err(refuse)? {
        sniff::Kind::Docx => ("docx", from_parts(docx::read(bytes).map_err(refuse)?)),
        sniff::Kind::Doc => ("doc", from_parts(doc::read(bytes).map_err(refuse)?)),
        sniff::Kind::Sheet(format) => (format, sheet::read(bytes, format)),
        sniff::Kind::Text => {
            let text = decode_text(bytes, path)?;
            match delimited::sniff(&text) {
                Some((format, sep)) => (format, table::entries(&delimited::rows(&text, sep))),
                None => ("txt", text::entries(text.split('\n'))),
            }
        }
    };
    let parsed = parsed.map_err(refuse)?;
    if parsed.entries.is_empty() {
        return Err(Error::input(
            path,
            format!(
                "no numbered notes found in this {} file (expected lines such as `1.term: explanation` or a term | explanation table)",
                format
            ),
        ));
    }
    Ok(NotesFile {
        entries: parsed.entries,
        format,
        skipped: parsed.skipped,
    })
}

/// Paragraphs and tables of a word-processor file → entries: a table that yields entries wins,
/// otherwise the paragraphs are read as numbered lines.
fn from_parts(parts: Vec<Part>) -> Result<Parsed, String> {
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for part in parts {
        match part {
            Part::Paragraph(p) => lines.push(p),
            Part::Table(t) => rows.extend(t),
        }
    }
    if !rows.is_empty() {
        let from_table = table::entries(&rows)?;
        if !from_table.entries.is_empty() {
            let mut skipped = from_table.skipped;
            skipped.extend(lines.into_iter().filter(|l| !l.trim().is_empty()));
            return Ok(Parsed {
                entries: from_table.entries,
                skipped,
            });
        }
    }
    text::entries(lines.iter().map(|s| s.as_str()))
}

/// Bytes of a text notes file → text with `\n` newlines (the report's decoder: BOMs, UTF-8,
/// UTF-16, GB18030, Big5).
fn decode_text(bytes: &[u8], path: &Path) -> Result<String> {
    Ok(crate::read::decode::decode(bytes, path)?.text)
}

/// Line breaks inside a cell or field join like continuation lines.
pub(crate) fn entry(number: u32, term: &str, text: &str) -> Entry {
    let one_line = |s: &str| {
        let mut out = String::new();
        for line in s.split('\n').map(|l| l.trim_matches(text::is_blank)) {
            text::join(&mut out, line);
        }
        out
    };
    Entry {
        number,
        term: one_line(term),
        text: one_line(text),
    }
}

/// Title of the appended attachment section: the file's name without extension.
pub fn annex_title(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
