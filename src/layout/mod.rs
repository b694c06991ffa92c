//! Layout: the document → pages of positioned glyph runs ([`frame::Pages`]). Our own CJK line
//! breaking, justification, page flow and footnotes; nothing here knows about PDF.
pub mod flow;
pub mod footnotes;
pub mod frame;
pub mod linebreak;
pub mod metrics;
pub mod pages;
pub mod volume;

use crate::fonts::Subsets;
use crate::model::{plain, Block, Document, Inline};
use crate::style::{MarkForm, Role, Style};
use flow::BodyLine;
use frame::Pages;
use linebreak::{break_lines, Piece};
use metrics::Metrics;
use std::collections::BTreeMap;

/// How a paragraph's lines sit in the text block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Justify,
    Center,
    Left,
}

/// One block made ready for breaking.
struct Para {
    pieces: Vec<Piece>,
    indent: f32,
    align: Align,
    size: f32,
    keep_with_next: bool,
    page_break_before: bool,
    blank_before: usize,
    blank_after: usize,
    outline: Option<(u8, String)>,
}

/// Lay out `doc` in `style` with the faces of `fonts`.
pub fn layout(doc: &Document, style: &Style, fonts: &Subsets) -> Pages {
    layout_from(doc, style, fonts, 1)
}

/// [`layout`] with the first page carrying folio `first_folio` (documents of a volume).
pub fn layout_from(doc: &Document, style: &Style, fonts: &Subsets, first_folio: usize) -> Pages {
    plan(doc, style, fonts).compose(first_folio)
}

/// A document broken into lines and planned into pages, before its folios are known (the
/// documents of a volume are planned in parallel, then numbered).
pub struct Planned<'a> {
    plans: Vec<flow::PagePlan>,
    lines: Vec<BodyLine>,
    area: footnotes::NoteArea,
    g: pages::Geometry,
    m: Metrics<'a>,
    style: &'a Style,
}

impl Planned<'_> {
    /// How many pages the document takes.
    pub fn pages(&self) -> usize {
        self.plans.len()
    }

    /// The pages, the first carrying folio `first_folio`.
    pub fn compose(&self, first_folio: usize) -> Pages {
        let (g, m) = (&self.g, &self.m);
        pages::compose(
            &self.plans,
            &self.lines,
            &self.area,
            g,
            self.style,
            m,
            first_folio,
        )
    }
}

/// Break `doc` into lines and plan its pages.
pub fn plan<'a>(doc: &Document, style: &'a Style, fonts: &'a Subsets) -> Planned<'a> {
    let g = pages::Geometry::new(style);
    let body = style.sizes.body;
    let tracking = g.pitch / body as f32 - 1.0;
    let m = Metrics::new(fonts, tracking);
    let paras = paragraphs(doc, style, &m, &g);

    let mut lines: Vec<BodyLine> = Vec::new();
    for p in &paras {
        for _ in 0..p.blank_before {
            lines.push(blank(&g));
        }
        let broken = break_lines(&p.pieces, g.text_width, p.indent, p.align == Align::Justify);
        for (k, mut line) in broken.into_iter().enumerate() {
            if p.align == Align::Center {
                let shift = (g.text_width - line.end) / 2.0;
                for pl in &mut line.placed {
                    pl.x += shift;
                }
                line.end += shift;
            }
            let notes = line.placed.iter().filter_map(|pl| pl.piece.note).collect();
            lines.push(BodyLine {
                line,
                pitch: g.line_pitch.max(p.size * 1.2),
                size: p.size,
                keep_with_next: p.keep_with_next,
                page_break_before: p.page_break_before && k == 0,
                blank: false,
                outline: if k == 0 { p.outline.clone() } else { None },
                notes,
            });
        }
        for _ in 0..p.blank_after {
            lines.push(blank(&g));
        }
    }

    let note_size = style.sizes.note;
    let notes: BTreeMap<u32, Vec<linebreak::Line>> = doc
        .notes
        .iter()
        .map(|n| {
            let ls = footnotes::note_lines(
                &m,
                style.roles.note,
                note_size,
                n.number,
                &n.text,
                g.text_width,
            );
            (n.number, ls)
        })
        .collect();
    let area = footnotes::NoteArea {
        // Separator + one note line stay under one grid line (12 + 15 < 28.99 pt at gongwen).
        separator: note_size as f32 * 1.2,
        pitch: note_size as f32 * 1.5,
    };
    let plans = flow::paginate(&lines, &notes, &area, g.text_height);
    Planned {
        plans,
        lines,
        area,
        g,
        m,
        style,
    }
}

fn blank(g: &pages::Geometry) -> BodyLine {
    BodyLine {
        line: linebreak::Line {
            placed: Vec::new(),
            end: 0.0,
        },
        pitch: g.line_pitch,
        size: 0.0,
        keep_with_next: false,
        page_break_before: false,
        blank: true,
        outline: None,
        notes: Vec::new(),
    }
}

/// Inlines → pieces: text in `role`, note references as raised marks.
fn inline_pieces(
    m: &Metrics,
    style: &Style,
    inlines: &[Inline],
    role: Role,
    size: u8,
) -> Vec<Piece> {
    let mut out = Vec::new();
    for i in inlines {
        match i {
            Inline::Text(t) => out.extend(m.pieces(role, t, size)),
            Inline::NoteRef(n) => {
                let mark_size = ((size as f32) * 0.6).round().max(1.0) as u8;
                let text = match style.notes.mark {
                    MarkForm::Circled if (1..=20).contains(n) => {
                        char::from_u32(0x2460 + n - 1).unwrap_or('?').to_string()
                    }
                    _ => n.to_string(),
                };
                for c in text.chars() {
                    let mut p = m.piece(role, c, mark_size);
                    p.rise = size as f32 * 0.4;
                    p.note = Some(*n);
                    out.push(p);
                }
            }
        }
    }
    out
}

fn heading_role(style: &Style, level: u8) -> Role {
    match level {
        1 => style.roles.heading1,
        2 => style.roles.heading2,
        3 => style.roles.heading3,
        _ => style.roles.heading4,
    }
}

fn paragraphs(doc: &Document, style: &Style, m: &Metrics, g: &pages::Geometry) -> Vec<Para> {
    let s = &style.sizes;
    let indent = 2.0 * g.pitch;
    let para = |pieces, indent, align, size: u8| Para {
        pieces,
        indent,
        align,
        size: size as f32,
        keep_with_next: false,
        page_break_before: false,
        blank_before: 0,
        blank_after: 0,
        outline: None,
    };
    let mut out = Vec::new();
    for (bi, b) in doc.blocks.iter().enumerate() {
        let next_is_sub = matches!(doc.blocks.get(bi + 1), Some(Block::Subtitle(_)));
        let p = match b {
            Block::Raw { text, .. } => para(
                m.pieces(style.roles.body, text, s.body),
                indent,
                Align::Justify,
                s.body,
            ),
            Block::Title(c) => {
                let mut p = para(
                    inline_pieces(m, style, c, style.roles.title, s.title),
                    0.0,
                    Align::Center,
                    s.title,
                );
                p.keep_with_next = true;
                p.blank_after = usize::from(!next_is_sub);
                p
            }
            Block::Subtitle(c) => {
                let mut p = para(
                    inline_pieces(m, style, c, style.roles.subtitle, s.body),
                    0.0,
                    Align::Center,
                    s.body,
                );
                p.keep_with_next = true;
                p.blank_after = usize::from(!next_is_sub);
                p
            }
            Block::Salutation(c) => para(
                inline_pieces(m, style, c, style.roles.salutation, s.body),
                0.0,
                Align::Justify,
                s.body,
            ),
            Block::Heading { level, content } => {
                let mut p = para(
                    inline_pieces(m, style, content, heading_role(style, *level), s.heading),
                    indent,
                    Align::Justify,
                    s.heading,
                );
                p.keep_with_next = true;
                if *level <= 2 {
                    p.outline = Some((*level, plain(content)));
                }
                p
            }
            Block::Paragraph { lead, content } => {
                let mut pieces = Vec::new();
                let mut outline = None;
                if let Some(l) = lead {
                    pieces.extend(inline_pieces(
                        m,
                        style,
                        &l.content,
                        heading_role(style, l.level),
                        s.body,
                    ));
                    if l.level <= 2 {
                        outline = Some((l.level, plain(&l.content)));
                    }
                }
                pieces.extend(inline_pieces(m, style, content, style.roles.body, s.body));
                let mut p = para(pieces, indent, Align::Justify, s.body);
                p.outline = outline;
                p
            }
            Block::Attachment { content, .. } => {
                let mut p = para(
                    inline_pieces(m, style, content, style.roles.body, s.body),
                    indent,
                    Align::Justify,
                    s.body,
                );
                p.blank_before = 1;
                p
            }
        };
        out.push(p);
    }
    if let (true, Some(annex)) = (style.attachment.append, &doc.annex) {
        // GB/T 9704 §7.3.7: new page, label top-left in hei, title centred on the third line.
        let mut label = para(
            m.pieces(style.roles.attachment_label, &annex.label, s.heading),
            0.0,
            Align::Left,
            s.heading,
        );
        label.page_break_before = true;
        label.keep_with_next = true;
        label.blank_after = 1;
        label.outline = Some((1, annex.label.clone()));
        out.push(label);
        let mut title = para(
            m.pieces(style.roles.attachment_title, &annex.title, s.title),
            0.0,
            Align::Center,
            s.title,
        );
        title.keep_with_next = true;
        title.blank_after = 1;
        out.push(title);
        for e in &annex.entries {
            let mut pieces = m.pieces(style.roles.body, &format!("{}. ", e.number), s.body);
            if !e.term.is_empty() {
                pieces.extend(m.pieces(style.roles.attachment_label, &e.term, s.body));
                pieces.push(m.piece(style.roles.body, '\u{FF1A}', s.body));
            }
            pieces.extend(m.pieces(style.roles.body, &e.text, s.body));
            out.push(para(pieces, indent, Align::Justify, s.body));
        }
    }
    out
}
