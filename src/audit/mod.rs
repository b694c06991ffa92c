//! The editions check themselves: before an edition is renamed into place, its text is read back
//! from what its writer produced and compared, unit by unit, with the reading order
//! ([`crate::present::reading`]); every character the PDF draws must be in the embedded subset
//! of the face it is drawn in. On any difference the edition is not written (exit 3), and the
//! error names the document, the edition and the first differing paragraph.
//!
//! What is read back:
//! - PDF: the laid-out frames the PDF writer draws, glyph run by glyph run ([`pdf`]).
//! - EPUB: the XHTML body text of the content documents, in spine order ([`epub`]).
//! - DOCX: `word/document.xml` and `word/footnotes.xml` ([`docx`]).
//!
//! The presentational additions, which the editions add to the document's text and the audit
//! leaves out of both sides, are listed here and only here:
//! - note marks: in the text (PDF raised runs, EPUB `sup.noteref`, DOCX footnote reference runs)
//!   and opening each footnote (PDF label runs, EPUB backlink, DOCX `w:footnoteRef` or custom
//!   mark run);
//! - folios (PDF folio runs; DOCX footers, not read);
//! - a volume's cover and contents (PDF front-matter runs, EPUB `cover-` documents, DOCX
//!   paragraphs before the first document's bookmark);
//! - white space, which the PDF never draws as a glyph: compared without it everywhere.
//!
//! Annex labels and titles and the notes annex's entry numbers are units of the reading order
//! and compared as text like any other.
pub mod docx;
pub mod epub;
pub mod expected;
pub mod pdf;

use crate::edition::Format;
use crate::error::{Error, Result};
use crate::fonts::Subsets;
use crate::layout::frame::Pages;
use crate::model::Document;
use crate::present::Plan;
use std::collections::BTreeMap;

/// An edition's text as read back: its paragraphs in order, and each footnote's text by note
/// number (white space removed, presentational additions left out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Read {
    pub paragraphs: Vec<String>,
    pub notes: BTreeMap<u32, String>,
}

impl Read {
    /// Append `text` (white space dropped) to the current paragraph.
    pub fn push(&mut self, text: &str) {
        if let Some(p) = self.paragraphs.last_mut() {
            p.extend(text.chars().filter(|c| !c.is_whitespace()));
        }
    }

    /// Drop paragraphs without text (no edition draws anything for them).
    pub fn finish(mut self) -> Read {
        self.paragraphs.retain(|p| !p.is_empty());
        self.notes.retain(|_, t| !t.is_empty());
        self
    }
}

/// One document of an edition, as the audit sees it.
pub struct Edition<'a> {
    /// The document's name in messages (its report's path, or its title in a volume).
    pub name: &'a str,
    pub doc: &'a Document,
    pub plan: &'a Plan,
    /// The PDF's frames (the PDF is audited on them).
    pub pages: Option<&'a Pages>,
    pub subsets: &'a Subsets,
}

/// Audit one edition of one document: `bytes` as its writer produced them.
pub fn edition(format: Format, bytes: &[u8], ed: &Edition) -> Result<()> {
    let read = match format {
        Format::Pdf => {
            let pages = ed
                .pages
                .ok_or_else(|| Error::render("pdf", format!("{}: no layout to audit", ed.name)))?;
            pdf::subsets(pages, ed.subsets, None).map_err(|m| fail(format, ed.name, m))?;
            pdf::read(pages, None)
        }
        Format::Epub => epub::read(bytes, "").map_err(|m| fail(format, ed.name, m))?,
        Format::Docx => docx::read(bytes, None).map_err(|m| fail(format, ed.name, m))?,
    };
    compare(format, ed.name, &read, &expected::of(ed.doc, ed.plan))
}

/// One document of a volume: its name in messages, the document and its plan.
pub struct Bound<'a> {
    pub name: &'a str,
    pub doc: &'a Document,
    pub plan: &'a Plan,
}

/// Audit one edition of a volume: each document's text, found by its place in the volume
/// (its pages in the PDF, its `dK-` content documents in the EPUB, its section after its
/// bookmark in the DOCX), and every character the PDF draws — the cover and contents too — in
/// the subset of its face.
pub fn volume(
    format: Format,
    bytes: &[u8],
    laid: &crate::layout::volume::Volume,
    documents: &[Bound],
    subsets: &Subsets,
    name: &str,
) -> Result<()> {
    if format == Format::Pdf {
        pdf::subsets(&laid.pages, subsets, None).map_err(|m| fail(format, name, m))?;
    }
    let mut note_base = 0;
    for (k, d) in documents.iter().enumerate() {
        let read = match format {
            Format::Pdf => {
                let place = laid.parts.get(k).ok_or_else(|| {
                    fail(format, d.name, "the volume's layout lacks the document")
                })?;
                pdf::read(
                    &laid.pages,
                    Some(place.first_page..place.first_page + place.pages),
                )
            }
            Format::Epub => {
                epub::read(bytes, &format!("d{}-", k + 1)).map_err(|m| fail(format, d.name, m))?
            }
            Format::Docx => docx::read(bytes, Some((k + 1, note_base, d.doc.notes.len())))
                .map_err(|m| fail(format, d.name, m))?,
        };
        note_base += d.doc.notes.len() as u32;
        compare(format, d.name, &read, &expected::of(d.doc, d.plan))?;
    }
    Ok(())
}

/// The edition's error: `document: the edition …`.
pub fn fail(format: Format, document: &str, message: impl std::fmt::Display) -> Error {
    let edition = match format {
        Format::Pdf => "pdf",
        Format::Epub => "epub",
        Format::Docx => "docx",
    };
    Error::render(
        edition,
        format!("{document}: not written, its text failed the audit: {message}"),
    )
}

/// Compare what was read back with what the reading order sets.
pub fn compare(format: Format, document: &str, read: &Read, want: &Read) -> Result<()> {
    let n = read.paragraphs.len().max(want.paragraphs.len());
    for k in 0..n {
        let (got, exp) = (read.paragraphs.get(k), want.paragraphs.get(k));
        if got != exp {
            let message = format!(
                "paragraph {} should read {} but reads {}",
                k + 1,
                quote(exp.map(String::as_str)),
                quote(got.map(String::as_str))
            );
            return Err(fail(format, document, message));
        }
    }
    for (n, text) in &want.notes {
        let got = read.notes.get(n);
        if got != Some(text) {
            let message = format!(
                "note {n} should read {} but reads {}",
                quote(Some(text)),
                quote(got.map(String::as_str))
            );
            return Err(fail(format, document, message));
        }
    }
    if let Some((n, _)) = read.notes.iter().find(|(n, _)| !want.notes.contains_key(n)) {
        return Err(fail(
            format,
            document,
            format!("note {n} is not the document's"),
        ));
    }
    Ok(())
}

/// `«first 20 characters…»`, or `nothing`.
fn quote(text: Option<&str>) -> String {
    match text {
        None => "nothing".into(),
        Some(t) => {
            let head: String = t.chars().take(20).collect();
            let more = if t.chars().count() > 20 {
                "\u{2026}"
            } else {
                ""
            };
            format!("\u{00AB}{head}{more}\u{00BB}")
        }
    }
}
