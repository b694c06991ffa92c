//! The package: epub-builder writes the OPF (metadata, manifest, spine, guide), the NCX and the
//! navigation document; then every entry is copied into a new ZIP with fixed timestamps.
//!
//! epub-builder 0.8.3 keeps its `Zip` trait in a private module, so a crate cannot hand it a
//! writer of its own; its `ZipLibrary` stamps the current time on each entry. [`restamp`]
//! therefore rewrites the archive it produces: same entries, same order, `mimetype` first and
//! stored, every entry dated from the edition's epoch (compressed bytes copied as they are, not
//! inflated and deflated again). The same pass gives the navigation
//! document the `lang`/`xml:lang` its template lacks.
use super::super::RenderContext;
use super::css;
use super::xhtml::{Part, PartKind};
use crate::error::{Error, Result};
use crate::model::{all_text, Document};
use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, TocElement, ZipLibrary};
use sha2::{Digest, Sha256};
use std::io::{Cursor, Read, Write};

fn fail(e: impl std::fmt::Display) -> Error {
    Error::render("epub", e)
}

/// Assemble the EPUB from the rendered parts and stylesheet.
pub fn build(
    doc: &Document,
    ctx: &RenderContext,
    parts: &[Part],
    stylesheet: &str,
) -> Result<Vec<u8>> {
    let mut b = EpubBuilder::new(ZipLibrary::new().map_err(fail)?).map_err(fail)?;
    b.epub_version(EpubVersion::V30);
    b.set_title(doc.title.clone());
    b.add_language(doc.script.bcp47());
    b.set_generator(format!("baogao {}", env!("CARGO_PKG_VERSION")));
    b.set_toc_name(toc_name(doc));
    b.set_uuid(identifier(doc));
    let modified = chrono::DateTime::from_timestamp(ctx.epoch, 0)
        .ok_or_else(|| fail(format!("date {} is out of range", ctx.epoch)))?;
    b.set_modified_date(modified);
    b.stylesheet(stylesheet.as_bytes()).map_err(fail)?;
    for (role, face) in &ctx.fonts.faces {
        b.add_resource(css::font_file(*role), face.data.as_slice(), "font/ttf")
            .map_err(fail)?;
    }
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
        b.add_content(content).map_err(fail)?;
    }
    let mut raw = Vec::new();
    b.generate(&mut raw).map_err(fail)?;
    restamp(&raw, ctx.epoch, doc.script.bcp47())
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

/// MS-DOS date of `epoch` (ZIP's entry date), clamped to the range ZIP can hold.
fn zip_date(epoch: i64) -> zip::DateTime {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (h, mi, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    if !(1980..=2107).contains(&y) {
        return zip::DateTime::default();
    }
    zip::DateTime::from_date_and_time(y as u16, m as u8, d as u8, h as u8, mi as u8, s as u8)
        .unwrap_or_default()
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Copy every entry of `epub` into a new archive dated `epoch`: `mimetype` first and stored,
/// the rest deflated, in the order epub-builder wrote them; `OEBPS/nav.xhtml` gets the
/// edition's language.
pub fn restamp(epub: &[u8], epoch: i64, lang: &str) -> Result<Vec<u8>> {
    let mut input = zip::ZipArchive::new(Cursor::new(epub)).map_err(fail)?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let date = zip_date(epoch);
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
    for name in names {
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
    Ok(out.finish().map_err(fail)?.into_inner())
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
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(10_957), (2000, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        let d = zip_date(crate::render::FIXED_EPOCH);
        assert_eq!((d.year(), d.month(), d.day(), d.hour()), (2000, 1, 1, 0));
        assert_eq!(zip_date(0), zip::DateTime::default());
    }

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
