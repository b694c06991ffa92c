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
mod doc_version;
pub mod docx;
mod docx_numbering;
pub mod findings;
pub mod html;
mod marks;
mod shape;
mod sheet;
mod sniff;
mod table;
mod text;
mod xls_version;

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
    pub skipped: Vec<Skipped>,
    /// A heading of the notes (`名词解释`, `《…》有关注释`) found before the first entry.
    pub title: Option<String>,
    /// Terms given by two entries: the first is the note, the later one's lines are listed
    /// under `skipped` (kind `duplicate`).
    pub duplicates: Vec<Duplicate>,
}

/// A term given a second time (in a second glossary section of the same file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub term: String,
    /// The line of the entry kept.
    pub first: usize,
    /// The line of the later entry.
    pub line: usize,
}

pub use crate::model::Skipped;

impl Skipped {
    /// A skipped line, its kind read from its text.
    pub(crate) fn new(line: usize, text: &str) -> Self {
        let kind = if marks::is_title(text) {
            "title"
        } else if marks::is_heading(text) {
            "heading"
        } else {
            "text"
        };
        Skipped {
            line,
            text: text.to_string(),
            kind,
        }
    }

    /// A table's header row.
    pub(crate) fn header(line: usize, text: &str) -> Self {
        Skipped {
            line,
            text: text.to_string(),
            kind: "header",
        }
    }
}

/// What a reader hands on: paragraphs of text and tables, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Paragraph(String),
    Table(Vec<Vec<String>>),
}

/// Entries as parsed, before the file-level checks.
#[derive(Default)]
pub(crate) struct Parsed {
    pub entries: Vec<Entry>,
    pub skipped: Vec<Skipped>,
    pub title: Option<String>,
    pub duplicates: Vec<Duplicate>,
    /// No line opened with a number: every `term：text` line was taken as an entry.
    pub unnumbered: bool,
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
        sniff::Kind::Doc => {
            doc_version::check(bytes).map_err(refuse)?;
            ("doc", from_parts(doc::read(bytes).map_err(refuse)?))
        }
        sniff::Kind::Html => ("html", from_parts(html::read(bytes).map_err(refuse)?)),
        sniff::Kind::WordXml => ("wordml", from_parts(word_xml(bytes).map_err(refuse)?)),
        sniff::Kind::Sheet("xls") => {
            let globals = xls_version::check(bytes);
            match (globals, sheet::read(bytes, "xls")) {
                (xls_version::Globals { encrypted: Some(why), .. }, Err(_)) => {
                    return Err(refuse(why))
                }
                (xls_version::Globals { biff: Some(xls_version::Biff::Biff5), .. }, Err(e)) => {
                    return Err(refuse(format!(
                        "an Excel 5.0/95 workbook that could not be read ({e}): open it in Excel or LibreOffice and save it as .xlsx"
                    )))
                }
                (_, read) => ("xls", read),
            }
        }
        sniff::Kind::Sheet(format) => (format, sheet::read(bytes, format)),
        sniff::Kind::Text => {
            let text = decode_text(bytes, path)?;
            match delimited::sniff(&text) {
                Some((format, sep)) => (format, table::entries(&delimited::rows(&text, sep))),
                None => ("txt", text::entries(text.split('\n'))),
            }
        }
    };
    let mut parsed = parsed.map_err(refuse)?;
    let stray = parsed.skipped.iter().filter(|s| s.kind == "text").count();
    if let Some(why) = shape::refusal(&parsed.entries, stray, parsed.unnumbered) {
        return Err(Error::input(
            path,
            format!(
                "no numbered notes found in this {format} file: {why} (expected lines such as `1.term: explanation` or a term | explanation table)"
            ),
        ));
    }
    // Only the heading used as the annex's title is a `title`; others like it are headings.
    let mut used = false;
    for s in parsed.skipped.iter_mut().filter(|s| s.kind == "title") {
        if !used && parsed.title.as_deref() == Some(text::heading_text(&s.text).as_str()) {
            used = true;
        } else {
            s.kind = "heading";
        }
    }
    Ok(NotesFile {
        entries: parsed.entries,
        format,
        skipped: parsed.skipped,
        title: parsed.title,
        duplicates: parsed.duplicates,
    })
}

/// A Word 2003 XML document's paragraphs and tables: its body has the `w:` elements of a
/// `.docx`'s `word/document.xml` (`w:p`, `w:r`, `w:t`, `w:tbl`), read by the same reader.
/// Word's automatic numbering of this format (`w:listPr`) is not read: numbers typed are.
fn word_xml(bytes: &[u8]) -> Result<Vec<Part>, String> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| "a Word 2003 XML document that is not UTF-8: save it as .docx".to_string())?;
    docx::parts(text).map_err(|e| format!("a damaged Word 2003 XML document ({e})"))
}

/// Paragraphs and tables of a word-processor file → entries: a table that yields entries wins,
/// otherwise the paragraphs are read as numbered lines. Paragraphs and table rows are numbered
/// together in document order (the `line` of a skipped one).
fn from_parts(parts: Vec<Part>) -> Result<Parsed, String> {
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    let mut at = 0usize;
    for part in parts {
        match part {
            Part::Paragraph(p) => {
                at += 1;
                lines.push((at, p));
            }
            Part::Table(t) => {
                for row in t {
                    at += 1;
                    rows.push((at, row));
                }
            }
        }
    }
    if !rows.is_empty() {
        let from_table = table::numbered_entries(&rows)?;
        if !from_table.entries.is_empty() {
            let mut skipped = from_table.skipped;
            let mut title = None;
            for (at, line) in &lines {
                let line = line.trim_matches(text::is_blank);
                if line.is_empty() {
                    continue;
                }
                if title.is_none() && marks::is_title(line) && rows[0].0 > *at {
                    title = Some(text::heading_text(line));
                }
                skipped.push(Skipped::new(*at, line));
            }
            skipped.sort_by_key(|s| s.line);
            return Ok(Parsed {
                entries: from_table.entries,
                skipped,
                title: title.or(from_table.title),
                duplicates: from_table.duplicates,
                unnumbered: false,
            });
        }
    }
    text::numbered_entries(lines.iter().map(|(n, s)| (*n, s.as_str())))
}

/// The refusal of a file its reader could not read: "a damaged {what} ({error})" — unless the
/// XML uses entities that the file itself declares (`<!ENTITY …>`, the make of an XML bomb or an
/// external-entity attack), which the readers do not expand. Such a file is not damaged: it is
/// refused for what it is.
pub(crate) fn damaged(what: &str, error: &str) -> String {
    if error.contains("unrecognized entity") {
        format!(
            "this {what} uses XML entities that it declares itself (the make of an XML bomb), which are not expanded here ({error}): open it in Word, Excel or LibreOffice and save it again"
        )
    } else {
        format!("a damaged {what} ({error})")
    }
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

/// Title of the appended attachment section: the file's own heading (`名词解释`) when it has
/// one before its first entry, else the file's name without extension.
pub fn title_of(file: &NotesFile, path: &Path) -> String {
    file.title.clone().unwrap_or_else(|| annex_title(path))
}

/// The file's name without extension.
pub fn annex_title(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
