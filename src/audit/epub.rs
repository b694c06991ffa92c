//! The EPUB read back from its content documents, in spine order: each `p` and `h1`–`h6` of
//! the body is a paragraph; note marks (`sup`) are left out; each footnote `aside` (id `…nN`)
//! is note N's text without its backlink mark.
use super::Read;
use quick_xml::events::{BytesStart, Event};
use std::io::Read as _;

/// The text of the content documents whose file names start with `prefix` (a volume's `d2-`;
/// empty for a single document's book, all of them).
pub fn read(bytes: &[u8], prefix: &str) -> Result<Read, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let container = entry(&mut zip, "META-INF/container.xml")?;
    let opf_path = attribute_of(&container, b"rootfile", b"full-path")
        .ok_or("META-INF/container.xml names no package document")?;
    let dir = opf_path.rsplit_once('/').map_or("", |(d, _)| d);
    let opf = entry(&mut zip, &opf_path)?;
    let mut read = Read::default();
    for href in spine(&opf)? {
        let name = href.rsplit('/').next().unwrap_or(&href);
        if !name.starts_with(prefix) || (prefix.is_empty() && name.starts_with("cover-")) {
            continue;
        }
        let path = if dir.is_empty() {
            href.clone()
        } else {
            format!("{dir}/{href}")
        };
        content(&entry(&mut zip, &path)?, &mut read).map_err(|e| format!("{path}: {e}"))?;
    }
    Ok(read.finish())
}

fn entry(zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>, name: &str) -> Result<String, String> {
    let mut s = String::new();
    zip.by_name(name)
        .map_err(|e| format!("{name}: {e}"))?
        .read_to_string(&mut s)
        .map_err(|e| format!("{name}: {e}"))?;
    Ok(s)
}

fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// The first `attribute` of an element named `element`.
fn attribute_of(xml: &str, element: &[u8], attribute: &[u8]) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == element => {
                return attr(&e, attribute);
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// The package's spine: the hrefs of its itemrefs, in order.
fn spine(opf: &str) -> Result<Vec<String>, String> {
    let mut reader = quick_xml::Reader::from_str(opf);
    let mut items = std::collections::BTreeMap::new();
    let mut order = Vec::new();
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"item" => {
                    if let (Some(id), Some(href)) = (attr(&e, b"id"), attr(&e, b"href")) {
                        items.insert(id, href);
                    }
                }
                b"itemref" => order.extend(attr(&e, b"idref")),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    order
        .into_iter()
        .map(|id| {
            items
                .get(&id)
                .cloned()
                .ok_or(format!("spine names {id}, not in the manifest"))
        })
        .collect()
}

/// Where the text being read goes.
#[derive(Clone, Copy, PartialEq)]
enum Into {
    Nothing,
    Paragraph,
    Note(u32),
}

/// One content document's body.
fn content(xhtml: &str, read: &mut Read) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_str(xhtml);
    // Elements open, each with where its text goes.
    let mut stack: Vec<Into> = Vec::new();
    let mut in_body = false;
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) => {
                let name = e.local_name();
                let parent = stack.last().copied().unwrap_or(Into::Nothing);
                let into = match name.as_ref() {
                    b"body" => {
                        in_body = true;
                        Into::Nothing
                    }
                    b"aside" => {
                        let id = attr(&e, b"id").unwrap_or_default();
                        let n = id.rsplit('n').next().and_then(|d| d.parse().ok());
                        let n = n.ok_or(format!("a footnote without a note id ({id})"))?;
                        read.notes.entry(n).or_default();
                        Into::Note(n)
                    }
                    // Note marks, in the text and as a footnote's backlink.
                    b"sup" => Into::Nothing,
                    b"a" if attr(&e, b"role").as_deref() == Some("doc-backlink") => Into::Nothing,
                    b"p" | b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6"
                        if in_body && parent == Into::Nothing && !in_note(&stack) =>
                    {
                        read.paragraphs.push(String::new());
                        Into::Paragraph
                    }
                    _ => parent,
                };
                stack.push(into);
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Text(t) => {
                let text = t.unescape().map_err(|e| e.to_string())?;
                match stack.last() {
                    Some(Into::Paragraph) => read.push(&text),
                    Some(Into::Note(n)) => read
                        .notes
                        .entry(*n)
                        .or_default()
                        .extend(text.chars().filter(|c| !c.is_whitespace())),
                    _ => {}
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

fn in_note(stack: &[Into]) -> bool {
    stack.iter().any(|i| matches!(i, Into::Note(_)))
}
