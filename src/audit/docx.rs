//! The DOCX read back from `word/document.xml` (each `w:p` of the body a paragraph) and
//! `word/footnotes.xml` (each footnote's text by id). Runs that hold a note mark — a footnote
//! reference, or a run in the footnote reference style — are left out.
use super::Read;
use quick_xml::events::{BytesStart, Event};
use std::collections::BTreeMap;
use std::io::Read as _;

/// The character style of note marks ([`crate::render`]'s DOCX writer names it so).
const MARK_STYLE: &str = "FootnoteReference";

/// The bookmark on a volume's document `k` (1-based) first paragraph.
pub fn bookmark(k: usize) -> String {
    format!("_Toc_baogao_{k}")
}

/// A DOCX's body paragraphs, each with the volume document it belongs to (0: before the first
/// document's bookmark; 1…: document k), and its footnotes by id.
pub struct Parts {
    pub paragraphs: Vec<(usize, String)>,
    pub notes: BTreeMap<u32, String>,
}

/// The text of a single document's DOCX (`document`: `None`), or of document `k` (1-based) of
/// a volume whose footnote ids run on from `note_base`.
pub fn read(bytes: &[u8], document: Option<(usize, u32, usize)>) -> Result<Read, String> {
    let parts = parts(bytes)?;
    let mut read = Read::default();
    match document {
        None => {
            read.paragraphs = parts.paragraphs.into_iter().map(|(_, p)| p).collect();
            read.notes = parts.notes;
        }
        Some((k, note_base, count)) => {
            read.paragraphs = parts
                .paragraphs
                .into_iter()
                .filter(|(d, _)| *d == k)
                .map(|(_, p)| p)
                .collect();
            read.notes = parts
                .notes
                .into_iter()
                .filter(|(id, _)| *id > note_base && *id <= note_base + count as u32)
                .map(|(id, t)| (id - note_base, t))
                .collect();
        }
    }
    Ok(read.finish())
}

pub fn parts(bytes: &[u8]) -> Result<Parts, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut part = |name: &str| -> Result<Option<String>, String> {
        let Ok(mut f) = zip.by_name(name) else {
            return Ok(None);
        };
        let mut s = String::new();
        f.read_to_string(&mut s)
            .map_err(|e| format!("{name}: {e}"))?;
        Ok(Some(s))
    };
    let document = part("word/document.xml")?.ok_or("no word/document.xml")?;
    let footnotes = part("word/footnotes.xml")?;
    let mut out = Parts {
        paragraphs: Vec::new(),
        notes: BTreeMap::new(),
    };
    walk(&document, &mut |e| match e {
        Found::Paragraph(doc) => out.paragraphs.push((doc, String::new())),
        Found::Text(t) => {
            if let Some((_, p)) = out.paragraphs.last_mut() {
                p.extend(t.chars().filter(|c| !c.is_whitespace()));
            }
        }
        Found::Note(_) => {}
        Found::Document(k) => {
            if let Some((d, _)) = out.paragraphs.last_mut() {
                *d = k;
            }
        }
    })
    .map_err(|e| format!("word/document.xml: {e}"))?;
    if let Some(xml) = footnotes {
        let mut current = None;
        walk(&xml, &mut |e| match e {
            Found::Note(id) => current = (id > 0).then_some(id as u32),
            Found::Text(t) => {
                if let Some(id) = current {
                    let note: &mut String = out.notes.entry(id).or_default();
                    note.extend(t.chars().filter(|c| !c.is_whitespace()));
                }
            }
            Found::Paragraph(_) | Found::Document(_) => {}
        })
        .map_err(|e| format!("word/footnotes.xml: {e}"))?;
    }
    Ok(out)
}

enum Found<'a> {
    /// A paragraph begins (in the document after bookmark k).
    Paragraph(usize),
    /// Text of a run that is not a mark.
    Text(&'a str),
    /// A footnote begins (its id).
    Note(i64),
    /// The paragraph begun last opens volume document k (it carries the bookmark).
    Document(usize),
}

fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// Walk a part: paragraphs, footnotes and the text of each run, a run's text told at its end
/// (once it is known whether it is a mark).
fn walk(xml: &str, found: &mut dyn FnMut(Found)) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut document = 0;
    let (mut in_run, mut in_text, mut mark) = (false, false, false);
    let mut run = String::new();
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        let (e, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = e {
            match e.name().as_ref() {
                b"w:p" => found(Found::Paragraph(document)),
                b"w:footnote" => {
                    let id = attr(e, b"w:id").and_then(|v| v.parse().ok()).unwrap_or(-1);
                    found(Found::Note(id));
                }
                b"w:bookmarkStart" => {
                    let name = attr(e, b"w:name").unwrap_or_default();
                    if let Some(k) = name
                        .strip_prefix("_Toc_baogao_")
                        .and_then(|k| k.parse().ok())
                    {
                        document = k;
                        found(Found::Document(k));
                    }
                }
                b"w:r" if !empty => {
                    (in_run, mark) = (true, false);
                    run.clear();
                }
                b"w:footnoteReference" | b"w:footnoteRef" => mark = true,
                b"w:rStyle" if in_run => {
                    mark |= attr(e, b"w:val").as_deref() == Some(MARK_STYLE);
                }
                b"w:t" if !empty => in_text = true,
                _ => {}
            }
            continue;
        }
        match event {
            Event::Text(t) if in_text => {
                run.push_str(&t.unescape().map_err(|e| e.to_string())?);
            }
            Event::End(e) => match e.name().as_ref() {
                b"w:t" => in_text = false,
                b"w:r" => {
                    if !mark {
                        found(Found::Text(&run));
                    }
                    in_run = false;
                }
                _ => {}
            },
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}
