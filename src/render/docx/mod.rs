//! The DOCX edition: the model → docx-rs (named styles, real footnotes, 公文 page), then a
//! post-step on the package parts (fonts embedded as Word does, `w:lang`, first-line indents in
//! characters, footnote separators, core properties) and a zip with fixed timestamps.
//!
//! Nothing here depends on the other writers or on layout.
use super::RenderContext;
use crate::error::Result;
use crate::model::{Block, Document, Inline};
use crate::present::reading::{self, Place};
use crate::style::Role;
use docx_rs::{
    AlignmentType, DocGrid, DocGridType, Docx, Footer, Footnote, PageMargin, PageNum, Paragraph,
    Run, SpecialIndentType,
};
use std::collections::BTreeSet;

pub mod fonts;
pub mod package;
pub mod parts;
pub mod styles;
pub mod theme;
pub mod volume;

use styles::{chars_twips, family, run_fonts};

/// Render the DOCX edition.
pub fn render(doc: &Document, ctx: &RenderContext) -> Result<Vec<u8>> {
    let xml = Builder::new(doc, ctx).build()?.build();
    let parts = parts::finish(xml, doc, ctx)?;
    package::zip(&parts, ctx.epoch)
}

/// Millimetres → twentieths of a point.
pub fn twips(mm: f32) -> i32 {
    (mm / 25.4 * 1440.0).round() as i32
}

struct Builder<'a> {
    doc: &'a Document,
    ctx: &'a RenderContext<'a>,
    /// Paragraph ids are numbered per document (docx-rs counts per thread).
    next_para: u32,
    /// Notes already given a footnote.
    noted: BTreeSet<u32>,
    /// Added to note numbers for footnote ids (the documents of a volume share one file).
    note_base: u32,
}

impl<'a> Builder<'a> {
    fn new(doc: &'a Document, ctx: &'a RenderContext<'a>) -> Self {
        Builder {
            doc,
            ctx,
            next_para: 0,
            noted: BTreeSet::new(),
            note_base: 0,
        }
    }

    fn paragraph(&mut self, style: &str) -> Paragraph {
        self.next_para += 1;
        Paragraph::new()
            .id(format!("{:08X}", self.next_para))
            .style(style)
    }

    fn build(mut self) -> Result<Docx> {
        let layout = self.ctx.style;
        let roles = &self.ctx.plan.roles;
        let mut docx = Docx::new().styles(styles::styles(layout, self.ctx.fonts, roles));
        for p in self.paragraphs()? {
            docx = docx.add_paragraph(p);
        }
        let (odd, even) = (self.folio(true), self.folio(false));
        docx = docx.footer(odd).even_footer(even);
        Ok(self.page(docx))
    }

    /// The document's paragraphs: one per unit of the reading order, in its order. The first
    /// unit of an annex opens a new page (the label's style does; a title opening an annex
    /// without a label says so itself).
    fn paragraphs(&mut self) -> Result<Vec<Paragraph>> {
        let (doc, plan) = (self.doc, self.ctx.plan);
        let roles = &plan.roles;
        let mut out = Vec::with_capacity(plan.order.len());
        for &place in plan.order.places() {
            let missing = || reading::mismatch("docx", place);
            let mut p = match place {
                Place::Block(i) => {
                    let block = doc.blocks.get(i).ok_or_else(missing)?;
                    self.block(block).ok_or_else(missing)?
                }
                Place::AnnexLabel(i) => {
                    let (label, _) = reading::annex_block(doc, i).ok_or_else(missing)?;
                    self.para(styles::ANNEX_LABEL, label, roles.annex_label)
                }
                Place::AnnexTitle(i) => {
                    let (_, title) = reading::annex_block(doc, i).ok_or_else(missing)?;
                    self.para(styles::ANNEX_TITLE, title, roles.annex_title)
                }
                Place::NotesLabel | Place::NotesTitle => {
                    let annex = doc.annex.as_ref().ok_or_else(missing)?;
                    let (style, text, role) = match place {
                        Place::NotesLabel => (styles::ANNEX_LABEL, &annex.label, roles.annex_label),
                        _ => (styles::ANNEX_TITLE, &annex.title, roles.annex_title),
                    };
                    self.para(style, &[Inline::Text(text.clone())], role)
                }
                Place::NotesEntry(i) => {
                    let (_, e) = reading::notes_entry(doc, i).ok_or_else(missing)?;
                    let mut p = self.paragraph(styles::ANNEX_ENTRY);
                    for span in plan.annex_entry(e) {
                        // The term in its own character style, the rest in the paragraph's.
                        let cs = (span.role != roles.body).then_some(styles::ANNEX_TERM);
                        for r in self.runs(&[Inline::Text(span.text)], span.role, cs) {
                            p = p.add_run(r);
                        }
                    }
                    p
                }
            };
            let labelled = matches!(place, Place::AnnexLabel(_) | Place::NotesLabel);
            if plan.order.opens_annex(place) && !labelled {
                p = p.page_break_before(true);
            }
            out.push(p);
        }
        Ok(out)
    }

    /// The paragraph of a block; `None` for an annex opening (set as its label and title).
    fn block(&mut self, block: &Block) -> Option<Paragraph> {
        let roles = &self.ctx.plan.roles;
        Some(match block {
            Block::Title(c) => self.para(styles::TITLE, c, roles.title),
            Block::Subtitle(c) => self.para(styles::SUBTITLE, c, roles.subtitle),
            Block::Salutation(c) => self.para(styles::SALUTATION, c, roles.salutation),
            Block::Heading { level, content } => {
                self.para(&styles::heading(*level), content, roles.heading(*level))
            }
            Block::Paragraph { lead, content } => {
                let mut p = self.paragraph(styles::BODY);
                if let Some(lead) = lead {
                    // The paragraph takes its lead's outline level (as the heading
                    // styles do), so Word's navigation pane lists every run-in heading.
                    p = p.outline_lvl(styles::outline_level(lead.level));
                    let role = roles.heading(lead.level);
                    let cs = styles::lead(lead.level);
                    for r in self.runs(&lead.content, role, Some(&cs)) {
                        p = p.add_run(r);
                    }
                }
                for r in self.runs(content, roles.body, None) {
                    p = p.add_run(r);
                }
                p
            }
            Block::Attachment { content, .. } => {
                self.para(styles::ATTACHMENT_NOTE, content, roles.body)
            }
            Block::Annex { .. } => return None,
        })
    }

    fn para(&mut self, style: &str, content: &[Inline], role: Role) -> Paragraph {
        let mut p = self.paragraph(style);
        for r in self.runs(content, role, None) {
            p = p.add_run(r);
        }
        p
    }

    /// Runs of `content` drawn in `role`: text split where a character falls back to another
    /// face (that run names the fallback family), note references as real footnotes.
    fn runs(&mut self, content: &[Inline], role: Role, char_style: Option<&str>) -> Vec<Run> {
        let mut out = Vec::new();
        for inline in content {
            match inline {
                Inline::Text(t) => {
                    for (seg, drawn) in self.segments(t, role) {
                        let mut r = Run::new().add_text(seg);
                        if let Some(cs) = char_style {
                            r = r.style(cs);
                        }
                        if drawn != role {
                            if let Some((name, bold)) = family(self.ctx.fonts, drawn) {
                                r = r.fonts(run_fonts(name));
                                if bold {
                                    r = r.bold();
                                }
                            }
                        }
                        out.push(r);
                    }
                }
                Inline::NoteRef(n) => out.push(self.note_ref(*n)),
            }
        }
        out
    }

    /// `text` cut where the role drawing each character changes.
    fn segments(&self, text: &str, role: Role) -> Vec<(String, Role)> {
        let mut segs: Vec<(String, Role)> = Vec::new();
        for ch in text.chars() {
            let drawn = self.ctx.fonts.resolve(role, ch).unwrap_or(role);
            match segs.last_mut() {
                Some((s, r)) if *r == drawn => s.push(ch),
                _ => segs.push((ch.to_string(), drawn)),
            }
        }
        segs
    }

    /// A footnote with the document's number as its id, the first time a note is referenced;
    /// a repeated reference shows the same mark as a plain superscript, since a second footnote
    /// would repeat the note. When every planned mark is its number, Word's own numbering shows
    /// it (the note opens with `w:footnoteRef`, [`parts::footnotes`]); otherwise every footnote
    /// carries its planned mark as a custom mark, after the reference (marked
    /// `w:customMarkFollows` in [`parts::document`]) and opening the note, as Word writes one.
    fn note_ref(&mut self, n: u32) -> Run {
        let plan = self.ctx.plan;
        let mark = plan.mark(n);
        let text = plan.footnote(n).filter(|_| self.noted.insert(n));
        let Some(text) = text else {
            return Run::new().add_text(mark).style(styles::FOOTNOTE_REFERENCE);
        };
        let custom = !plan.marks_are_numbers();
        let mut p = self.paragraph(styles::FOOTNOTE_TEXT);
        let body = if custom {
            p = p.add_run(Run::new().add_text(&mark).style(styles::FOOTNOTE_REFERENCE));
            [Inline::Text(format!(" {text}"))]
        } else {
            [Inline::Text(text.to_string())]
        };
        for r in self.runs(&body, plan.roles.note, None) {
            p = p.add_run(r);
        }
        // The public `id` field, not `Footnote::new()`, whose counter is process-wide.
        let footnote = Footnote {
            id: (self.note_base + n) as usize,
            content: vec![p],
        };
        let reference = Run::new().add_footnote_reference(footnote);
        if custom {
            reference.add_text(mark)
        } else {
            reference
        }
    }

    /// `— PAGE —`, outside edge, one character in (GB/T 9704 §7.5).
    fn folio(&mut self, odd: bool) -> Footer {
        let size = self.ctx.style.sizes.folio;
        let p = self.paragraph(styles::FOOTER);
        let (align, indent) = if odd {
            (AlignmentType::Right, (None, Some(chars_twips(size, 1))))
        } else {
            (AlignmentType::Left, (Some(chars_twips(size, 1)), None))
        };
        let p = p
            .align(align)
            .indent(indent.0, None::<SpecialIndentType>, indent.1, None)
            .add_run(Run::new().add_text(crate::present::folio::before()))
            .add_page_num(PageNum::new())
            .add_run(Run::new().add_text(crate::present::folio::after()));
        Footer::new().add_paragraph(p)
    }

    /// A4 (or the style's paper), 公文 margins, the 28 × 22 grid.
    fn page(&self, docx: Docx) -> Docx {
        let pg = &self.ctx.style.page;
        let grid = grid(self.ctx.style);
        let mut docx = docx
            .page_size(twips(pg.width_mm) as u32, twips(pg.height_mm) as u32)
            .page_margin(margin(self.ctx.style));
        docx.document = docx.document.doc_grid(grid);
        docx
    }
}

/// 公文 margins; the footer placed so the folio's top sits `folio_gap` below the text block.
pub fn margin(layout: &crate::style::Style) -> PageMargin {
    let pg = &layout.page;
    let bottom = pg.height_mm - pg.top_mm - pg.text_height_mm;
    let outer = pg.width_mm - pg.inner_mm - pg.text_width_mm;
    let folio_pt = f32::from(layout.sizes.folio);
    // The folio's line is ~1.2 em tall.
    let footer = (bottom - pg.folio_gap_mm - folio_pt * 1.2 * 25.4 / 72.0).max(5.0);
    PageMargin::new()
        .top(twips(pg.top_mm))
        .bottom(twips(bottom))
        .left(twips(pg.inner_mm))
        .right(twips(outer))
        .header(twips(pg.top_mm / 2.0))
        .footer(twips(footer))
        .gutter(0)
}

/// `w:docGrid`: line pitch = text height / lines (layout.md §4.5); char space = (text width /
/// chars − body size) × 4096 is written too, but the grid type is `lines`: with `linesAndChars`
/// LibreOffice snaps each 16 pt character to two 15.8 pt cells (14 characters a line, measured);
/// the 28 characters come from [`char_spacing`] instead, in Word and LibreOffice alike.
pub fn grid(layout: &crate::style::Style) -> DocGrid {
    let pg = &layout.page;
    let pitch = pt(pg.text_height_mm) * 20.0 / pg.lines_per_page as f32;
    let char_pitch = pt(pg.text_width_mm) / pg.chars_per_line as f32;
    let space = (char_pitch - f32::from(layout.sizes.body)) * 4096.0;
    DocGrid::new()
        .grid_type(DocGridType::Lines)
        .line_pitch(pitch.round() as usize)
        .char_space(space.round() as isize)
}

/// Character spacing (twentieths of a point, ≤ 0) that fits `chars_per_line` body characters
/// into the text width: 156 mm / 28 = 15.79 pt a character → −5 (15.75 pt).
pub fn char_spacing(layout: &crate::style::Style) -> i32 {
    let pg = &layout.page;
    let char_pitch = pt(pg.text_width_mm) / pg.chars_per_line as f32;
    (((char_pitch - f32::from(layout.sizes.body)) * 20.0).floor() as i32).min(0)
}

fn pt(mm: f32) -> f32 {
    mm / 25.4 * 72.0
}
