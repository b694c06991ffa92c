//! The DOCX of a session pack: one file, one section per document plus the front matter.
//!
//! - Front matter (first section, no folio): the cover (title, subtitle, issuer) and, on the
//!   next page, the contents: a Word `TOC` field (`\t` on the title style) whose result is
//!   pre-filled with one entry per document — label and title linked to a bookmark on the
//!   document's first paragraph, a dot-leader tab, and a `PAGEREF` field whose shown value is
//!   the folio the PDF volume prints — so LibreOffice and any reader show it without a field
//!   update; `w:updateFields` asks Word to update the fields on open, so in Word the page numbers
//!   are Word's own pagination.
//! - Each document: its own section starting on an odd page (`w:type="oddPage"`), footnotes
//!   restarting (`w:numRestart="eachSect"`; footnote ids offset so they stay unique), the folio
//!   footers of a single report; page numbers restart at 1 in the first document and, under
//!   per-document folios, in every document.
//!
//! docx-rs writes section properties in its own element order; [`order_sections`] puts every
//! `w:sectPr`'s children in schema order (CT_SectPr) after the single-report post-step.
use super::super::volume_plan::Volume;
use super::super::RenderContext;
use super::styles::{family, run_fonts};
use super::{grid, margin, parts, styles, twips, Builder};
use crate::error::{Error, Result};
use crate::model::Document;
use crate::present::volume::{Line, LABEL_GAP};
use docx_rs::{
    Docx, FieldCharType, FooterReference, Hyperlink, HyperlinkType, InstrText, PageNumType,
    PageSize, Paragraph, Run, SectionProperty, SectionType, Tab, TabLeaderType, TabValueType,
};
use std::collections::BTreeSet;

/// Render the volume's DOCX; `folios[k]`: the folio on document k's first page in the PDF.
pub fn render(volume: &Volume, folios: &[usize], ctx: &RenderContext) -> Result<Vec<u8>> {
    let style = ctx.style;
    // The front matter's paragraphs come from a builder over an empty document.
    let empty = Document::new(Vec::new());
    let mut front = Builder::new(&empty, ctx);
    let mut paras = cover(volume, &mut front);
    paras.extend(contents(volume, folios, &mut front, ctx));
    let mut next_para = front.next_para;
    let mut note_base = 0;
    // Word updates the fields on open: the contents' page numbers become Word's own.
    let mut docx =
        Docx::new()
            .update_fields()
            .styles(styles::styles(style, ctx.fonts, &ctx.plan.roles));
    // The folio footers of a single report, registered once; every document section names them.
    let mut b = Builder::new(&empty, ctx);
    b.next_para = next_para;
    let (odd, even) = (b.folio(true), b.folio(false));
    next_para = b.next_para;
    docx = docx.footer(odd).even_footer(even);
    let footers = footer_ids(&docx);
    // The front matter ends with its section break: no footer.
    let last = paras.len() - 1;
    paras[last].property.section_property = Some(section(ctx, None, None));
    for p in paras {
        docx = docx.add_paragraph(p);
    }
    let n = volume.documents.len();
    for (k, (_, doc)) in volume.documents.iter().enumerate() {
        let ctx = &volume.context(k, ctx, None);
        let mut b = Builder {
            doc,
            ctx,
            next_para,
            noted: BTreeSet::new(),
            note_base,
        };
        let mut paras = b.paragraphs()?;
        next_para = b.next_para;
        note_base += doc.notes.len() as u32;
        if paras.is_empty() {
            return Err(Error::render(
                "docx",
                format!("{}: no paragraph", doc.title()),
            ));
        }
        let mark = bookmark(k);
        paras[0] = paras[0]
            .clone()
            .add_bookmark_start(k + 1, &mark)
            .add_bookmark_end(k + 1);
        let restart = (k == 0 || !volume.continuous).then_some(1);
        let sect = section(ctx, Some(&footers), restart);
        if k + 1 < n {
            let last = paras.len() - 1;
            paras[last].property.section_property = Some(sect);
        } else {
            // The body's own section keeps the footer parts docx-rs registered on it.
            let body = &mut docx.document.section_property;
            let (footer, even) = (body.footer.take(), body.even_footer.take());
            *body = sect;
            body.footer = footer;
            body.even_footer = even;
        }
        for p in paras {
            docx = docx.add_paragraph(p);
        }
    }
    let all = Document {
        edition_title: Some(volume.title.clone()),
        script: volume.script(),
        blocks: volume
            .documents
            .iter()
            .flat_map(|(_, d)| d.blocks.iter().cloned())
            .collect(),
        notes: Vec::new(),
        annex: None,
    };
    let mut files = parts::finish(docx.build(), &all, ctx)?;
    for (name, data) in &mut files {
        if name == "word/document.xml" {
            let mut xml = String::from_utf8(std::mem::take(data))
                .map_err(|_| Error::render("docx", "word/document.xml is not UTF-8"))?;
            order_sections(&mut xml, ctx)?;
            *data = xml.into_bytes();
        }
    }
    super::package::zip(&files, ctx.epoch)
}

/// The bookmark on document `k`'s first paragraph (the contents links to it).
fn bookmark(k: usize) -> String {
    format!("_Toc_baogao_{}", k + 1)
}

/// The relationship ids of the default and even footers docx-rs registered.
fn footer_ids(docx: &Docx) -> (String, String) {
    let s = &docx.document.section_property;
    let id = |r: &Option<FooterReference>| r.as_ref().map(|r| r.id.clone()).unwrap_or_default();
    (id(&s.footer_reference), id(&s.even_footer_reference))
}

/// A section's properties: the 公文 page, an odd-page start, the footers (if any) and a page
/// number restart (if any).
fn section(
    ctx: &RenderContext,
    footers: Option<&(String, String)>,
    restart: Option<u32>,
) -> SectionProperty {
    let pg = &ctx.style.page;
    let mut s = SectionProperty::new()
        .page_size(PageSize::new().size(twips(pg.width_mm) as u32, twips(pg.height_mm) as u32))
        .page_margin(margin(ctx.style))
        .doc_grid(grid(ctx.style));
    s.section_type = Some(SectionType::OddPage);
    if let Some((odd, even)) = footers {
        s.footer_reference = Some(FooterReference::new("default", odd));
        s.even_footer_reference = Some(FooterReference::new("even", even));
    }
    if let Some(n) = restart {
        s = s.page_num_type(PageNumType::new().start(n));
    }
    s
}

/// Runs of a volume line, each naming the family of the face that draws it: the line's role
/// (as the volume plan decides), or the fallback face for a character that role lacks, whatever
/// the paragraph style's own font.
fn line_runs(b: &Builder, line: &Line) -> Vec<Run> {
    b.segments(&line.text, line.role)
        .into_iter()
        .map(|(seg, drawn)| {
            let mut r = Run::new().add_text(seg);
            if let Some((name, bold)) = family(b.ctx.fonts, drawn) {
                r = r.fonts(run_fonts(name));
                if bold {
                    r = r.bold();
                }
            }
            r
        })
        .collect()
}

fn line_para(b: &mut Builder, style: &str, line: &Line) -> Paragraph {
    let mut p = b.paragraph(style);
    for r in line_runs(b, line) {
        p = p.add_run(r);
    }
    p
}

/// The cover: title (annex-title style, so a `TOC \t "Title"` update does not list it), then
/// the subtitle and issuer, each in the role the volume plan gives it.
fn cover(volume: &Volume, b: &mut Builder) -> Vec<Paragraph> {
    let plan = &volume.plan;
    let mut out = vec![line_para(b, styles::ANNEX_TITLE, &plan.title)];
    for l in &plan.subtitle {
        out.push(line_para(b, styles::SUBTITLE, l));
    }
    if let Some(l) = &plan.issuer {
        out.push(line_para(b, styles::SUBTITLE, l));
    }
    out
}

/// The contents page: heading, then the TOC field with its result pre-filled.
fn contents(
    volume: &Volume,
    folios: &[usize],
    b: &mut Builder,
    ctx: &RenderContext,
) -> Vec<Paragraph> {
    let plan = &volume.plan;
    let mut out = vec![line_para(b, styles::ANNEX_TITLE, &plan.contents).page_break_before(true)];
    let width = twips(ctx.style.page.text_width_mm) as usize;
    let field = |t: FieldCharType| Run::new().add_field_char(t, false);
    let entries = &plan.entries;
    for (k, entry) in entries.iter().enumerate() {
        let mut p = b.paragraph(styles::SALUTATION).add_tab(
            Tab::new()
                .val(TabValueType::Right)
                .leader(TabLeaderType::Dot)
                .pos(width),
        );
        if let Some(label) = &entry.label {
            // The title's lines hang under its start, beside the label.
            let chars = label.text.chars().count() as i32 + 1;
            let hang = styles::chars_twips(ctx.style.sizes.body, chars);
            p = p.indent(
                Some(hang),
                Some(docx_rs::SpecialIndentType::Hanging(hang)),
                None,
                None,
            );
        }
        if k == 0 {
            p = p.add_run(
                field(FieldCharType::Begin)
                    .add_instr_text(InstrText::Unsupported(format!(
                        " TOC \\h \\z \\t \"{},1\" ",
                        styles::TITLE
                    )))
                    .add_field_char(FieldCharType::Separate, false),
            );
        }
        let mark = bookmark(k);
        let folio = folios.get(k).map(|f| f.to_string()).unwrap_or_default();
        let mut link = Hyperlink::new(&mark, HyperlinkType::Anchor);
        if let Some(label) = &entry.label {
            let mut label = label.clone();
            label.text.push(LABEL_GAP);
            for run in line_runs(b, &label) {
                link = link.add_run(run);
            }
        }
        for run in line_runs(b, &entry.title) {
            link = link.add_run(run);
        }
        let mut number = field(FieldCharType::Begin)
            .add_instr_text(InstrText::Unsupported(format!(" PAGEREF {mark} \\h ")))
            .add_field_char(FieldCharType::Separate, false)
            .add_text(folio);
        // The folio in the face of the folio role.
        if let Some((name, _)) = family(ctx.fonts, plan.folio_role) {
            number = number.fonts(run_fonts(name));
        }
        link = link
            .add_run(Run::new().add_tab())
            .add_run(number.add_field_char(FieldCharType::End, false));
        p = p.add_hyperlink(link);
        if k + 1 == entries.len() {
            p = p.add_run(field(FieldCharType::End));
        }
        out.push(p);
    }
    out
}

/// CT_SectPr's children in schema order; each section gets footnote numbering that restarts
/// (per section, or per page where the style asks) unless it has its own already.
const SECT_ORDER: [&str; 21] = [
    "headerReference",
    "footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
];

pub fn order_sections(xml: &mut String, ctx: &RenderContext) -> Result<()> {
    let bad = |m: &str| Error::render("docx", format!("word/document.xml: {m}"));
    let restart = match ctx.style.notes.numbering {
        crate::style::Numbering::PerPage => "eachPage",
        _ => "eachSect",
    };
    let mut out = String::with_capacity(xml.len() + 1024);
    let mut rest = xml.as_str();
    while let Some(i) = rest.find("<w:sectPr") {
        let open = i + rest[i..].find('>').ok_or_else(|| bad("broken w:sectPr"))? + 1;
        let close = open
            + rest[open..]
                .find("</w:sectPr>")
                .ok_or_else(|| bad("w:sectPr not closed"))?;
        out.push_str(&rest[..open]);
        let mut children = children(&rest[open..close]).ok_or_else(|| bad("w:sectPr child"))?;
        if !children.iter().any(|(n, _)| n == "footnotePr") {
            children.push((
                "footnotePr".into(),
                format!(r#"<w:footnotePr><w:numStart w:val="1" /><w:numRestart w:val="{restart}" /></w:footnotePr>"#),
            ));
        }
        children.sort_by_key(|(n, _)| SECT_ORDER.iter().position(|o| o == n).unwrap_or(99));
        for (_, c) in children {
            out.push_str(&c);
        }
        rest = &rest[close..];
    }
    out.push_str(rest);
    *xml = out;
    Ok(())
}

/// The child elements of `inner` (`<w:x … />` or `<w:x …>…</w:x>`, not nested in their own
/// kind), with their local names.
fn children(inner: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut rest = inner.trim_start();
    while !rest.is_empty() {
        let name: String = rest
            .strip_prefix("<w:")?
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let head = rest.find('>')? + 1;
        let end = if rest[..head].ends_with("/>") {
            head
        } else {
            let close = format!("</w:{name}>");
            rest.find(&close)? + close.len()
        };
        out.push((name, rest[..end].to_string()));
        rest = rest[end..].trim_start();
    }
    Some(out)
}
