//! The package: epub-builder writes the OPF (metadata, manifest, spine, guide), the NCX and the
//! navigation document; then every entry is copied into a new ZIP with fixed timestamps.
//!
//! epub-builder 0.8.3 keeps its `Zip` trait in a private module, so a crate cannot hand it a
//! writer of its own; its `ZipLibrary` stamps the current time on each entry. [`restamp`]
//! therefore rewrites the archive it produces: same entries, same order, `mimetype` first and
//! stored, every entry dated from the edition's epoch (compressed bytes copied as they are, not
//! inflated and deflated again) and the fonts taken from the subsets' one deflate
//! ([`crate::fonts::Face::packed`]). The same pass gives the navigation document the
//! `lang`/`xml:lang` its template lacks.
use super::super::RenderContext;
use super::css;
use super::xhtml::{Part, PartKind};
use crate::error::{Error, Result};
use crate::fonts::Face;
use crate::model::{all_text, Document};
use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, TocElement, ZipLibrary};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

fn fail(e: impl std::fmt::Display) -> Error {
    Error::render("epub", e)
}

/// What the package says about the book.
pub struct Book<'a> {
    pub title: &'a str,
    /// BCP 47 tag.
    pub lang: &'a str,
    /// The navigation document's heading.
    pub toc_name: &'static str,
    pub identifier: uuid::Uuid,
}

/// Assemble the EPUB from the rendered parts and stylesheet.
pub fn build(
    doc: &Document,
    ctx: &RenderContext,
    parts: &[Part],
    stylesheet: &str,
) -> Result<Vec<u8>> {
    let mut contents = Vec::new();
    for part in parts {
        let mut content = EpubContent::new(part.file.clone(), part.xhtml.as_bytes());
        if !part.title.is_empty() {
            content = content.title(part.title.clone());
            for child in &part.children {
                content = content.child(TocElement::new(child.href.clone(), child.title.clone()));
            }
            // Landmarks: where reading starts, and the annotations.
            let first = std::ptr::eq(part, &parts[0]);
            match part.kind {
                PartKind::Annex => content = content.reftype(ReferenceType::Glossary),
                _ if first => content = content.reftype(ReferenceType::Text),
                _ => {}
            }
        }
        contents.push(content);
    }
    let book = Book {
        title: &doc.title,
        lang: doc.script.bcp47(),
        toc_name: toc_name(doc),
        identifier: identifier(doc),
    };
    package(&book, ctx, stylesheet, contents)
}

/// The package around `contents` (in spine order): metadata, the stylesheet, the fonts of
/// `ctx`, then [`restamp`].
pub fn package(
    book: &Book,
    ctx: &RenderContext,
    stylesheet: &str,
    contents: Vec<EpubContent<&[u8]>>,
) -> Result<Vec<u8>> {
    let mut b = EpubBuilder::new(ZipLibrary::new().map_err(fail)?).map_err(fail)?;
    b.epub_version(EpubVersion::V30);
    b.set_title(book.title.to_string());
    b.add_language(book.lang);
    b.set_generator(format!("baogao {}", env!("CARGO_PKG_VERSION")));
    b.set_toc_name(book.toc_name);
    b.set_uuid(book.identifier);
    let modified = chrono::DateTime::from_timestamp(ctx.epoch, 0)
        .ok_or_else(|| fail(format!("date {} is out of range", ctx.epoch)))?;
    b.set_modified_date(modified);
    b.stylesheet(stylesheet.as_bytes()).map_err(fail)?;
    // The fonts go in as empty entries (manifest items only): `restamp` puts the subsets'
    // once-deflated bytes there, so epub-builder does not deflate them a second time.
    let mut fonts = BTreeMap::new();
    for (role, face) in &ctx.fonts.faces {
        let file = css::font_file(*role);
        b.add_resource(&file, &[][..], "font/ttf").map_err(fail)?;
        fonts.insert(format!("OEBPS/{file}"), face);
    }
    for content in contents {
        b.add_content(content).map_err(fail)?;
    }
    let mut raw = Vec::new();
    b.generate(&mut raw).map_err(fail)?;
    restamp(&raw, ctx.epoch, book.lang, &fonts)
}

/// `目录` / `目錄` in the edition's script.
fn toc_name(doc: &Document) -> &'static str {
    match doc.script {
        crate::model::Script::Hans => "\u{76EE}\u{5F55}",
        crate::model::Script::Hant => "\u{76EE}\u{9304}",
    }
}

/// A stable identifier from the content: SHA-256 over the script and every character the
/// edition draws, shaped as an RFC 9562 version-8 UUID (`urn:uuid:…`).
pub fn identifier(doc: &Document) -> uuid::Uuid {
    let mut h = Sha256::new();
    h.update(doc.script.bcp47().as_bytes());
    h.update([0]);
    h.update(doc.title.as_bytes());
    h.update([0]);
    h.update(all_text(doc).as_bytes());
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// Copy every entry of `epub` into a new archive dated `epoch`: `mimetype` first and stored,
/// the rest deflated, in the order epub-builder wrote them; `OEBPS/nav.xhtml` gets the
/// edition's language; each entry named in `fonts` (package path → face) is replaced by that
/// face's packed entry, compressed bytes as they are.
pub fn restamp(
    epub: &[u8],
    epoch: i64,
    lang: &str,
    fonts: &BTreeMap<String, &Face>,
) -> Result<Vec<u8>> {
    let mut input = zip::ZipArchive::new(Cursor::new(epub)).map_err(fail)?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let date = crate::date::zip(epoch);
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(date)
        .unix_permissions(0o644);
    let deflated = stored.compression_method(zip::CompressionMethod::Deflated);
    let mut names: Vec<String> = (0..input.len())
        .map(|i| input.by_index(i).map(|f| f.name().to_string()))
        .collect::<Result<_, _>>()
        .map_err(fail)?;
    // The OCF container wants `mimetype` first; keep the rest in written order.
    names.sort_by_key(|n| n != "mimetype");
    let mut placed = 0;
    for name in names {
        if let Some(face) = fonts.get(&name) {
            copy_font(&mut out, face, &name, date)?;
            placed += 1;
            continue;
        }
        let mut file = input.by_name(&name).map_err(fail)?;
        let method = if name == "mimetype" {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        if name != "OEBPS/nav.xhtml" && file.compression() == method {
            // Already packed as wanted: copy the compressed bytes, only the date changes.
            out.raw_copy_file_touch(file, date, Some(0o644))
                .map_err(fail)?;
            continue;
        }
        let mut data = Vec::new();
        file.read_to_end(&mut data).map_err(fail)?;
        if name == "OEBPS/nav.xhtml" {
            data = with_lang(&data, lang)?;
        }
        let options = if name == "mimetype" { stored } else { deflated };
        out.start_file(name.as_str(), options).map_err(fail)?;
        out.write_all(&data).map_err(fail)?;
    }
    if placed != fonts.len() {
        return Err(fail(format!(
            "{} of {} fonts found in the package",
            placed,
            fonts.len()
        )));
    }
    Ok(out.finish().map_err(fail)?.into_inner())
}

/// The face's packed entry, copied compressed under `name` and dated `date`. zip 2 copies an
/// entry either renamed or re-dated, so it goes through a one-entry archive in between.
fn copy_font<W: Write + std::io::Seek>(
    out: &mut zip::ZipWriter<W>,
    face: &Face,
    name: &str,
    date: zip::DateTime,
) -> Result<()> {
    let mut packed = face.packed().map_err(fail)?;
    let mut renamed = zip::ZipWriter::new(Cursor::new(Vec::new()));
    renamed
        .raw_copy_file_rename(packed.by_index_raw(0).map_err(fail)?, name)
        .map_err(fail)?;
    let mut renamed = renamed.finish_into_readable().map_err(fail)?;
    let entry = renamed.by_index_raw(0).map_err(fail)?;
    let copied = out.raw_copy_file_touch(entry, date, Some(0o644));
    copied.map_err(fail)
}

/// Add `lang` and `xml:lang` to the root element of an XHTML document that has neither.
fn with_lang(xhtml: &[u8], lang: &str) -> Result<Vec<u8>> {
    let text = std::str::from_utf8(xhtml).map_err(fail)?;
    let root = "<html xmlns=\"http://www.w3.org/1999/xhtml\"";
    if !text.contains(root) || text.contains("xml:lang=") {
        return Ok(xhtml.to_vec());
    }
    let tagged = format!("{root} lang=\"{lang}\" xml:lang=\"{lang}\"");
    Ok(text.replacen(root, &tagged, 1).into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nav_gets_language_once() {
        let nav = b"<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"x\">";
        let out = String::from_utf8(with_lang(nav, "zh-Hant").unwrap()).unwrap();
        assert!(out.starts_with(
            "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"zh-Hant\" xml:lang=\"zh-Hant\" "
        ));
        assert_eq!(
            with_lang(out.as_bytes(), "zh-Hant").unwrap(),
            out.as_bytes()
        );
    }
}
