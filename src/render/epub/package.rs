//! The package: epub-builder writes the OPF (metadata, manifest, spine, guide), the NCX and the
//! navigation document; then every entry is copied into a new ZIP with fixed timestamps.
//!
//! epub-builder 0.8.3 keeps its `Zip` trait in a private module, so a crate cannot hand it a
//! writer of its own; its `ZipLibrary` stamps the current time on each entry. [`restamp`]
//! therefore rewrites the archive it produces: same entries, same order, `mimetype` first and
//! stored, every entry dated from the edition's epoch (compressed bytes copied as they are, not
//! inflated and deflated again) and the fonts taken from the subsets' one deflate
//! ([`crate::fonts::Face::packed`]).
//!
//! The vendored epub-builder (vendor/epub-builder/PATCHES.md) writes the package language, the
//! navs' roles and accessible names, `dc:source` and the page list; [`accessibility`] gives the
//! EPUB Accessibility 1.1 metadata.
use super::super::RenderContext;
use super::css;
use super::xhtml::{Part, PartKind};
use crate::error::{Error, Result};
use crate::fonts::Face;
use crate::model::Script;
use crate::model::{all_text, Document};
use epub_builder::{
    EpubBuilder, EpubContent, EpubVersion, MetadataOpfV3, ReferenceType, TocElement, ZipLibrary,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

fn fail(e: impl std::fmt::Display) -> Error {
    Error::render("epub", e)
}

/// What the package says about the book.
pub struct Book<'a> {
    pub title: &'a str,
    pub script: Script,
    /// The navigation document's heading.
    pub toc_name: &'a str,
    pub identifier: uuid::Uuid,
    /// `dc:source` (the print edition) when the book carries a page list.
    pub source: Option<String>,
    /// From the front matter: the speaker (creator), the meeting (description), the date.
    pub author: Option<String>,
    pub description: Option<String>,
    pub date: Option<chrono::DateTime<chrono::Utc>>,
}

/// A content document with the print pages that begin in it (label, href).
pub type Content<'a> = (EpubContent<&'a [u8]>, Vec<(String, String)>);

/// Assemble the EPUB from the rendered parts and stylesheet.
pub fn build(
    doc: &Document,
    ctx: &RenderContext,
    parts: &[Part],
    stylesheet: &str,
) -> Result<Vec<u8>> {
    let mut contents: Vec<Content> = Vec::new();
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
        let pages = part
            .pages
            .iter()
            .map(|n| (n.to_string(), format!("{}#page-{n}", part.file)))
            .collect();
        contents.push((content, pages));
    }
    let pages = parts.iter().map(|p| p.pages.len()).sum::<usize>() > 0;
    let front = crate::front_matter::of(doc);
    let title = doc.title();
    let book = Book {
        author: front.speaker.map(|s| s.to_string()),
        description: front.meeting.map(|s| s.to_string()),
        date: front
            .date
            .and_then(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d))
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc()),
        title: &title,
        script: doc.script,
        toc_name: toc_name(doc),
        identifier: identifier(doc),
        source: pages.then(|| print_source(&title, ctx)),
    };
    package(&book, ctx, stylesheet, contents)
}

/// The package around `contents` (in spine order): metadata, the stylesheet, the fonts of
/// `ctx`, the page list, then [`restamp`].
pub fn package(
    book: &Book,
    ctx: &RenderContext,
    stylesheet: &str,
    contents: Vec<Content>,
) -> Result<Vec<u8>> {
    let mut b = EpubBuilder::new(ZipLibrary::new().map_err(fail)?).map_err(fail)?;
    b.epub_version(EpubVersion::V30);
    b.set_title(book.title.to_string());
    if let Some(a) = &book.author {
        b.add_author(a.clone());
    }
    if let Some(d) = &book.description {
        b.add_description(d.clone());
    }
    if let Some(day) = book.date {
        b.set_publication_day(day.date_naive());
    }
    b.add_language(book.script.bcp47());
    b.set_generator(format!("baogao {}", env!("CARGO_PKG_VERSION")));
    b.set_toc_name(book.toc_name);
    b.metadata("landmarks_name", names(book.script).landmarks)
        .map_err(fail)?;
    let pages = book.source.is_some();
    for (property, value) in accessibility(book.script, pages) {
        b.add_metadata_opf(Box::new(MetadataOpfV3::new(property.into(), value)));
    }
    if let Some(source) = &book.source {
        b.metadata("page_list_name", names(book.script).page_list)
            .map_err(fail)?;
        b.metadata("source", source.clone()).map_err(fail)?;
    }
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
    for (content, pages) in contents {
        b.add_content(content).map_err(fail)?;
        for (label, href) in pages {
            b.add_page(label, href);
        }
    }
    let mut raw = Vec::new();
    b.generate(&mut raw).map_err(fail)?;
    restamp(&raw, ctx.epoch, &fonts)
}

/// `目录` / `目錄` in the edition's script.
fn toc_name(doc: &Document) -> &'static str {
    match doc.script {
        Script::Hans => "\u{76EE}\u{5F55}",
        Script::Hant => "\u{76EE}\u{9304}",
    }
}

/// Accessible names of the landmarks and page-list navs.
struct NavNames {
    landmarks: &'static str,
    page_list: &'static str,
}

/// `地标` / `地標`, `页码` / `頁碼`.
fn names(script: Script) -> NavNames {
    match script {
        Script::Hans => NavNames {
            landmarks: "\u{5730}\u{6807}",
            page_list: "\u{9875}\u{7801}",
        },
        Script::Hant => NavNames {
            landmarks: "\u{5730}\u{6A19}",
            page_list: "\u{9801}\u{78BC}",
        },
    }
}

/// 本书为纯文本，有目录、分级标题与脚注链接，阅读顺序即印刷版的顺序。
const SUMMARY_HANS: &str = "\u{672C}\u{4E66}\u{4E3A}\u{7EAF}\u{6587}\u{672C}\u{FF0C}\u{6709}\u{76EE}\u{5F55}\u{3001}\u{5206}\u{7EA7}\u{6807}\u{9898}\u{4E0E}\u{811A}\u{6CE8}\u{94FE}\u{63A5}\u{FF0C}\u{9605}\u{8BFB}\u{987A}\u{5E8F}\u{5373}\u{5370}\u{5237}\u{7248}\u{7684}\u{987A}\u{5E8F}\u{3002}";
/// 页码列表标出印刷版（PDF）每一页的起点。
const SUMMARY_PAGES_HANS: &str = "\u{9875}\u{7801}\u{5217}\u{8868}\u{6807}\u{51FA}\u{5370}\u{5237}\u{7248}\u{FF08}PDF\u{FF09}\u{6BCF}\u{4E00}\u{9875}\u{7684}\u{8D77}\u{70B9}\u{3002}";

/// EPUB Accessibility 1.1 metadata (schema.org properties and the conformance claim), as
/// (property, value) pairs; `pages`: the edition carries the print edition's page breaks.
pub fn accessibility(script: Script, pages: bool) -> Vec<(&'static str, String)> {
    let mut features = vec!["structuralNavigation", "tableOfContents", "readingOrder"];
    if pages {
        features.extend(["printPageNumbers", "pageBreakMarkers", "pageNavigation"]);
    }
    let mut summary = SUMMARY_HANS.to_string();
    if pages {
        summary.push_str(SUMMARY_PAGES_HANS);
    }
    let mut out = vec![
        ("schema:accessMode", "textual".to_string()),
        ("schema:accessModeSufficient", "textual".to_string()),
    ];
    out.extend(
        features
            .into_iter()
            .map(|f| ("schema:accessibilityFeature", f.to_string())),
    );
    out.push(("schema:accessibilityHazard", "none".to_string()));
    out.push((
        "schema:accessibilitySummary",
        crate::script_convert::convert(&summary, script),
    ));
    out.push((
        "dcterms:conformsTo",
        "EPUB Accessibility 1.1 - WCAG 2.1 Level AA".to_string(),
    ));
    out
}

/// `dc:source`: the print edition whose page numbers the page list gives (title, paper, style).
pub fn print_source(title: &str, ctx: &RenderContext) -> String {
    let pg = &ctx.style.page;
    format!(
        "{} (PDF, {} \u{00D7} {} mm, {})",
        title, pg.width_mm, pg.height_mm, ctx.style.name
    )
}

/// A stable identifier from the content: SHA-256 over the script and every character the
/// edition draws, shaped as an RFC 9562 version-8 UUID (`urn:uuid:…`).
pub fn identifier(doc: &Document) -> uuid::Uuid {
    let mut h = Sha256::new();
    h.update(doc.script.bcp47().as_bytes());
    h.update([0]);
    h.update(doc.title().as_bytes());
    h.update([0]);
    h.update(all_text(doc).as_bytes());
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// Copy every entry of `epub` into a new archive dated `epoch`: `mimetype` first and stored,
/// the rest deflated, in the order epub-builder wrote them; each entry named in `fonts`
/// (package path → face) is replaced by that face's packed entry, compressed bytes as they are.
pub fn restamp(epub: &[u8], epoch: i64, fonts: &BTreeMap<String, &Face>) -> Result<Vec<u8>> {
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
        if file.compression() == method {
            // Already packed as wanted: copy the compressed bytes, only the date changes.
            out.raw_copy_file_touch(file, date, Some(0o644))
                .map_err(fail)?;
            continue;
        }
        let mut data = Vec::new();
        file.read_to_end(&mut data).map_err(fail)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessibility_metadata_names_page_numbers_only_with_pages() {
        let with = accessibility(Script::Hant, true);
        let features = |v: &[(&str, String)]| {
            v.iter()
                .filter(|(p, _)| *p == "schema:accessibilityFeature")
                .map(|(_, f)| f.clone())
                .collect::<Vec<_>>()
        };
        assert!(features(&with).contains(&"printPageNumbers".to_string()));
        assert!(!features(&accessibility(Script::Hans, false))
            .contains(&"printPageNumbers".to_string()));
        let summary = &with
            .iter()
            .find(|(p, _)| *p == "schema:accessibilitySummary")
            .unwrap()
            .1;
        // Traditional for a Traditional edition: 書, not 书.
        assert!(summary.starts_with("\u{672C}\u{66F8}"), "{summary}");
    }
}
