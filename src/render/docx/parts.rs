//! The post-step on docx-rs's package parts: what docx-rs cannot write is added here, each edit
//! anchored on markup docx-rs is known to produce and failing loudly if the anchor is gone.
//! - `word/styles.xml`: `w:lang` (eastAsia = the edition's script) in the run defaults;
//!   `w:firstLineChars="200"` beside every two-character first-line indent.
//! - `word/settings.xml`: `w:embedTrueTypeFonts`, `w:saveSubsetFonts`, `w:mirrorMargins`,
//!   `w:footnotePr` (separator ids).
//! - `word/document.xml`: with custom marks, `w:customMarkFollows` on every footnote reference
//!   (the planned mark follows it as text: docx-rs 0.4 has no such attribute).
//! - `word/footnotes.xml`: separator and continuation-separator footnotes; with automatic
//!   numbers, a `w:footnoteRef` mark opening every note.
//! - `word/fontTable.xml` and its relationships, `word/fonts/*.odttf`, the odttf content type.
//! - `word/theme/theme1.xml`, its relationship and content type.
//! - `docProps/core.xml`: title, language, dates from the render epoch.
//!
//! The order of the children docx-rs writes is its own business: the vendored docx-rs writes
//! them in schema order (vendor/docx-rs/PATCHES.md). What is inserted here goes where the schema
//! puts it, each place named beside the insertion.
use super::fonts::{embed, font_table, font_table_rels};
use super::styles::{family, FOOTNOTE_REFERENCE};
use super::{theme, RenderContext};
use crate::error::{Error, Result};
use crate::model::Document;
use docx_rs::XMLDocx;
use quick_xml::escape::escape;

type Parts = Vec<(String, Vec<u8>)>;

fn text(part: &str, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|_| Error::render("docx", format!("{part} is not UTF-8")))
}

/// Insert `what` before (or after) the first occurrence of `anchor`.
fn insert(xml: &mut String, part: &str, anchor: &str, what: &str, after: bool) -> Result<()> {
    let at = xml.find(anchor).ok_or_else(|| {
        Error::render(
            "docx",
            format!("{part}: expected markup {anchor} not found"),
        )
    })?;
    let at = if after { at + anchor.len() } else { at };
    xml.insert_str(at, what);
    Ok(())
}

/// Index just past the end of the start tag beginning at `start`.
fn tag_end(xml: &str, start: usize) -> Option<usize> {
    xml[start..].find('>').map(|i| start + i + 1)
}

pub fn styles(xml: &mut String, lang: &str) -> Result<()> {
    let part = "word/styles.xml";
    let normal = r#"<w:style w:type="paragraph" w:styleId="Normal">"#;
    if xml.matches(normal).count() != 1 {
        return Err(Error::render(
            "docx",
            format!("{part}: expected one Normal style"),
        ));
    }
    *xml = xml.replacen(
        normal,
        r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal">"#,
        1,
    );
    let lang = format!(r#"<w:lang w:val="{lang}" w:eastAsia="{lang}" w:bidi="ar-SA" />"#);
    if xml.contains("<w:rPrDefault><w:rPr />") {
        *xml = xml.replacen(
            "<w:rPrDefault><w:rPr />",
            &format!("<w:rPrDefault><w:rPr>{lang}</w:rPr>"),
            1,
        );
    } else {
        insert(xml, part, "</w:rPr></w:rPrDefault>", &lang, false)?;
    }
    // Every first-line indent the style sheet sets is two characters.
    let mut out = String::with_capacity(xml.len() + 256);
    let mut rest = xml.as_str();
    while let Some(i) = rest.find("w:firstLine=\"") {
        let value_end = rest[i + 13..]
            .find('"')
            .map(|j| i + 13 + j + 1)
            .unwrap_or(rest.len());
        out.push_str(&rest[..value_end]);
        out.push_str(r#" w:firstLineChars="200""#);
        rest = &rest[value_end..];
    }
    out.push_str(rest);
    *xml = out;
    Ok(())
}

/// Footnote properties: the separator footnotes. Numbers need no format or restart: every
/// footnote carries its planned mark ([`crate::present::marks`]).
const FOOTNOTE_PR: &str =
    r#"<w:footnotePr><w:footnote w:id="-1" /><w:footnote w:id="0" /></w:footnotePr>"#;

pub fn settings(xml: &mut String, ctx: &RenderContext, notes: bool) -> Result<()> {
    let part = "word/settings.xml";
    let mut flags = String::from("<w:embedTrueTypeFonts /><w:saveSubsetFonts />");
    if ctx.style.page.mirrored {
        flags.push_str("<w:mirrorMargins />");
    }
    // CT_Settings: zoom, …, embedTrueTypeFonts, saveSubsetFonts, …, mirrorMargins, …,
    // defaultTabStop (docx-rs writes it right after zoom).
    insert(xml, part, "<w:defaultTabStop", &flags, false)?;
    // CT_Settings: …, evenAndOddHeaders, …, footnotePr, endnotePr, compat.
    if notes {
        insert(xml, part, "<w:compat>", FOOTNOTE_PR, false)?;
    }
    Ok(())
}

/// With `custom` marks, marks every footnote reference as followed by its mark.
pub fn document(xml: &mut String, custom: bool) -> Result<()> {
    if !custom {
        return Ok(());
    }
    *xml = xml.replace(
        "<w:footnoteReference w:id=",
        r#"<w:footnoteReference w:customMarkFollows="1" w:id="#,
    );
    Ok(())
}

/// The separator footnotes; with `automatic` numbers, each note opened by its number
/// (`w:footnoteRef`).
pub fn footnotes(xml: &mut String, automatic: bool) -> Result<()> {
    let part = "word/footnotes.xml";
    let open = xml
        .find("<w:footnotes")
        .and_then(|i| tag_end(xml, i))
        .ok_or_else(|| Error::render("docx", format!("{part}: no w:footnotes")))?;
    let separators = concat!(
        r#"<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto" /></w:pPr><w:r><w:separator /></w:r></w:p></w:footnote>"#,
        r#"<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto" /></w:pPr><w:r><w:continuationSeparator /></w:r></w:p></w:footnote>"#
    );
    xml.insert_str(open, separators);
    if !automatic {
        return Ok(());
    }
    let mark = format!(
        r#"<w:r><w:rPr><w:rStyle w:val="{FOOTNOTE_REFERENCE}" /></w:rPr><w:footnoteRef /></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r>"#
    );
    let mut out = String::with_capacity(xml.len() + 200 * 40);
    let mut rest = xml.as_str();
    while let Some(i) = rest.find("<w:footnote w:id=") {
        let ppr_end = rest[i..]
            .find("</w:pPr>")
            .map(|j| i + j + "</w:pPr>".len())
            .ok_or_else(|| Error::render("docx", format!("{part}: a note without w:pPr")))?;
        out.push_str(&rest[..ppr_end]);
        out.push_str(&mark);
        rest = &rest[ppr_end..];
    }
    out.push_str(rest);
    *xml = out;
    Ok(())
}

pub fn core(doc: &Document, ctx: &RenderContext) -> String {
    let date = crate::date::w3c(ctx.epoch);
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
            r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
            r#"xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            r#"<dc:title>{title}</dc:title><dc:language>{lang}</dc:language>{creator}"#,
            r#"<cp:lastModifiedBy>baogao</cp:lastModifiedBy><cp:revision>1</cp:revision>"#,
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">{date}</dcterms:created>"#,
            r#"<dcterms:modified xsi:type="dcterms:W3CDTF">{date}</dcterms:modified>"#,
            r#"</cp:coreProperties>"#
        ),
        title = escape(doc.title()),
        lang = doc.script.word_lang(),
        // The speaker line; no creator when the text has none.
        creator = crate::front_matter::of(doc)
            .speaker
            .map(|s| format!("<dc:creator>{}</dc:creator>", escape(&s)))
            .unwrap_or_default(),
        date = date,
    )
}

fn content_types(xml: &mut String, fonts: bool) -> Result<()> {
    let part = "[Content_Types].xml";
    if fonts && !xml.contains(r#"Extension="odttf""#) {
        insert(
            xml,
            part,
            "<Default ",
            r#"<Default Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont" />"#,
            false,
        )?;
    }
    insert(
        xml,
        part,
        "</Types>",
        &format!(
            r#"<Override PartName="/{}" ContentType="{}" />"#,
            theme::PATH,
            theme::CONTENT_TYPE
        ),
        false,
    )?;
    if !xml.contains("/word/fontTable.xml") {
        insert(
            xml,
            part,
            "</Types>",
            r#"<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml" />"#,
            false,
        )?;
    }
    Ok(())
}

/// The main document's relationship to the theme part.
fn document_rels(xml: &mut String) -> Result<()> {
    let rel = format!(
        r#"<Relationship Id="rIdTheme1" Type="{}" Target="{}" />"#,
        theme::REL_TYPE,
        theme::PATH.trim_start_matches("word/")
    );
    insert(
        xml,
        "word/_rels/document.xml.rels",
        "</Relationships>",
        &rel,
        false,
    )
}

/// The theme part, naming the level-1 heading family and the body family.
fn theme_part(doc: &Document, ctx: &RenderContext) -> String {
    let roles = &ctx.plan.roles;
    let name = |role| family(ctx.fonts, role).map_or("", |(name, _)| name);
    theme::theme(name(roles.heading(1)), name(roles.body), doc.script)
}

/// docx-rs's parts, finished, in package order (content types first).
pub fn finish(x: XMLDocx, doc: &Document, ctx: &RenderContext) -> Result<Parts> {
    let families = embed(ctx.fonts);
    let has_fonts = families.iter().any(|f| !f.parts.is_empty());
    let has_notes = !x.footnotes.is_empty()
        && doc.blocks.iter().any(|b| {
            b.inlines().iter().any(|s| {
                s.iter()
                    .any(|i| matches!(i, crate::model::Inline::NoteRef(_)))
            })
        });
    let mut ct = text("[Content_Types].xml", x.content_type)?;
    content_types(&mut ct, has_fonts)?;
    let mut st = text("word/styles.xml", x.styles)?;
    styles(&mut st, doc.script.word_lang())?;
    let mut se = text("word/settings.xml", x.settings)?;
    let notes_declared = ct.contains("/word/footnotes.xml");
    settings(&mut se, ctx, notes_declared && has_notes)?;
    let mut dx = text("word/document.xml", x.document)?;
    let automatic = ctx.plan.marks_are_numbers();
    document(&mut dx, !automatic)?;
    let mut rels = text("word/_rels/document.xml.rels", x.document_rels)?;
    document_rels(&mut rels)?;

    let mut parts: Parts = vec![
        ("[Content_Types].xml".into(), ct.into_bytes()),
        ("_rels/.rels".into(), x.rels),
        ("docProps/app.xml".into(), x.doc_props.app),
        ("docProps/core.xml".into(), core(doc, ctx).into_bytes()),
        ("docProps/custom.xml".into(), x.doc_props.custom),
        ("word/_rels/document.xml.rels".into(), rels.into_bytes()),
        ("word/document.xml".into(), dx.into_bytes()),
        ("word/styles.xml".into(), st.into_bytes()),
        ("word/settings.xml".into(), se.into_bytes()),
        (theme::PATH.into(), theme_part(doc, ctx).into_bytes()),
        (
            "word/fontTable.xml".into(),
            font_table(&families, doc.script).into_bytes(),
        ),
        (
            "word/_rels/fontTable.xml.rels".into(),
            font_table_rels(&families).into_bytes(),
        ),
        ("word/comments.xml".into(), x.comments),
        ("word/numbering.xml".into(), x.numberings),
        ("word/commentsExtended.xml".into(), x.comments_extended),
    ];
    if notes_declared {
        let mut fx = text("word/footnotes.xml", x.footnotes)?;
        footnotes(&mut fx, automatic)?;
        parts.push(("word/footnotes.xml".into(), fx.into_bytes()));
    }
    // docx-rs keeps three relationship parts per kind; only those of written parts go in.
    let (headers, footers) = (x.headers.len(), x.footers.len());
    for (i, h) in x.headers.into_iter().enumerate() {
        parts.push((format!("word/header{}.xml", i + 1), h));
    }
    for (i, r) in x.header_rels.into_iter().take(headers).enumerate() {
        parts.push((format!("word/_rels/header{}.xml.rels", i + 1), r));
    }
    for (i, f) in x.footers.into_iter().enumerate() {
        parts.push((format!("word/footer{}.xml", i + 1), f));
    }
    for (i, r) in x.footer_rels.into_iter().take(footers).enumerate() {
        parts.push((format!("word/_rels/footer{}.xml.rels", i + 1), r));
    }
    for fam in families {
        for p in fam.parts {
            parts.push((p.path, p.data));
        }
    }
    Ok(parts)
}
