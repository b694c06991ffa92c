//! Layout: the document → pages of positioned glyph runs ([`frame::Pages`]). Our own CJK line
//! breaking, justification, page flow and footnotes; nothing here knows about PDF.
pub mod flow;
pub mod footnotes;
pub mod frame;
pub mod linebreak;
pub mod metrics;
pub mod page_starts;
pub mod pages;
pub mod unit;
pub mod volume;

use crate::error::Result;
use crate::fonts::Subsets;
use crate::model::{plain, Block, Document, Inline};
use crate::present::{reading, Place, Plan};
use crate::style::{Role, Style};
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

/// Lay out `doc` in `style` with the faces of `fonts`, as `plan` presents it.
pub fn layout(doc: &Document, style: &Style, fonts: &Subsets, plan: &Plan) -> Result<Pages> {
    Ok(paginate(doc, style, fonts, plan)?.compose(1))
}

/// A document broken into lines and planned into pages, before its folios are known (the
/// documents of a volume are paginated in parallel, then numbered).
pub struct Paginated<'a> {
    plans: Vec<flow::PagePlan>,
    lines: Vec<BodyLine>,
    area: footnotes::NoteArea,
    g: pages::Geometry,
    m: Metrics<'a>,
    style: &'a Style,
    plan: &'a Plan,
    /// Where each page starts in the document's text (the EPUB's page list).
    starts: Vec<Option<page_starts::PageStart>>,
}

impl Paginated<'_> {
    /// How many pages the document takes.
    pub fn pages(&self) -> usize {
        self.plans.len()
    }

    /// The pages, the first carrying folio `first_folio`.
    pub fn compose(&self, first_folio: usize) -> Pages {
        let composer = pages::Composer {
            area: &self.area,
            g: &self.g,
            style: self.style,
            plan: self.plan,
            m: &self.m,
            first_folio,
        };
        let mut pages = composer.compose(&self.plans, &self.lines);
        pages.starts = self.starts.clone();
        pages
    }
}

/// Break `doc` into lines and plan its pages.
pub fn paginate<'a>(
    doc: &Document,
    style: &'a Style,
    fonts: &'a Subsets,
    plan: &'a Plan,
) -> Result<Paginated<'a>> {
    let g = pages::Geometry::new(style);
    let tracking = g.pitch / style.sizes.body as f32 - 1.0;
    let m = Metrics::new(fonts, tracking);
    let set = Setter {
        m: &m,
        plan,
        style,
        g: &g,
    };
    // One paragraph per unit of the reading order, in its order: nothing is set twice or left
    // out, and each paragraph's lines are recorded under its place.
    let mut origins = page_starts::Origins::default();
    let mut lines: Vec<BodyLine> = Vec::new();
    for (key, &place) in plan.order.places().iter().enumerate() {
        let p = set.para(doc, place)?;
        let mut own = body_lines(&p, place, &g);
        // The unit's structure element (the tagged PDF), keyed by its index in the order.
        let unit = frame::Unit {
            tag: tag_of(doc, place),
            part: 0,
            key: key as u32,
        };
        for l in own.iter_mut().filter(|l| !l.blank) {
            l.unit = Some(unit);
        }
        origins.paragraph(place, &own);
        lines.extend(own);
    }

    let note_size = style.sizes.note;
    let notes: BTreeMap<u32, Vec<linebreak::Line>> = doc
        .notes
        .iter()
        .map(|n| {
            let label = footnotes::Label {
                mark: plan.mark(n.number),
                role: plan.roles.mark,
                number: n.number,
            };
            let text = plan.footnote(n.number).unwrap_or_default();
            let ls =
                footnotes::note_lines(&m, &label, plan.roles.note, note_size, text, g.text_width);
            (n.number, ls)
        })
        .collect();
    let area = footnotes::NoteArea {
        // Separator + one note line stay under one grid line (12 + 15 < 28.99 pt at gongwen).
        separator: note_size as f32 * 1.2,
        pitch: note_size as f32 * 1.5,
    };
    let plans = flow::paginate(&lines, &notes, &area, g.text_height);
    let starts = origins.pages(&plans);
    Ok(Paginated {
        plans,
        lines,
        area,
        g,
        m,
        style,
        plan,
        starts,
    })
}

/// The structure type of a unit of the reading order (the tagged PDF's element): the title,
/// headings and annex titles as headings, everything else a paragraph.
fn tag_of(doc: &Document, place: Place) -> frame::Tag {
    use frame::Tag;
    match place {
        Place::Block(i) => match doc.blocks.get(i) {
            Some(Block::Title(_)) => Tag::Title,
            Some(Block::Heading { level, .. }) => Tag::Heading(*level),
            _ => Tag::Paragraph,
        },
        Place::AnnexTitle(_) | Place::NotesTitle => Tag::Heading(1),
        Place::AnnexLabel(_) | Place::NotesLabel | Place::NotesEntry(_) => Tag::Paragraph,
    }
}

/// A paragraph broken into body lines, with its blank lines around it.
fn body_lines(p: &Para, place: Place, g: &pages::Geometry) -> Vec<BodyLine> {
    let mut lines: Vec<BodyLine> = (0..p.blank_before).map(|_| blank(g)).collect();
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
            place: Some(place),
            unit: None,
        });
    }
    lines.extend((0..p.blank_after).map(|_| blank(g)));
    lines
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
        place: None,
        unit: None,
    }
}

/// Blocks → paragraphs ready for breaking, in the plan's roles.
struct Setter<'a> {
    m: &'a Metrics<'a>,
    plan: &'a Plan,
    style: &'a Style,
    g: &'a pages::Geometry,
}

fn para(pieces: Vec<Piece>, indent: f32, align: Align, size: u8) -> Para {
    Para {
        pieces,
        indent,
        align,
        size: size as f32,
        keep_with_next: false,
        page_break_before: false,
        blank_before: 0,
        blank_after: 0,
        outline: None,
    }
}

impl Setter<'_> {
    /// Two characters of first-line indent.
    fn indent(&self) -> f32 {
        2.0 * self.g.pitch
    }

    /// Inlines → pieces: text in `role`, note references as their planned marks, raised, in
    /// the mark role.
    fn inlines(&self, inlines: &[Inline], role: Role, size: u8) -> Vec<Piece> {
        let mut out = Vec::new();
        for i in inlines {
            match i {
                Inline::Text(t) => out.extend(self.m.pieces(role, t, size)),
                Inline::NoteRef(n) => {
                    let mark_size = ((size as f32) * 0.6).round().max(1.0) as u8;
                    for c in self.plan.mark(*n).chars() {
                        let mut p = self.m.piece(self.plan.roles.mark, c, mark_size);
                        p.rise = size as f32 * 0.4;
                        p.note = Some(*n);
                        out.push(p);
                    }
                }
            }
        }
        out
    }

    /// The paragraph of one unit of the reading order. The first unit of an annex opens a
    /// new page; an annex's label is set top-left, its title centred, the notes annex's entries
    /// as the plan spans them (GB/T 9704 §7.3.7).
    fn para(&self, doc: &Document, place: Place) -> Result<Para> {
        let (s, r) = (&self.style.sizes, &self.plan.roles);
        let missing = || reading::mismatch("pdf", place);
        let mut p = match place {
            Place::Block(i) => {
                let b = doc.blocks.get(i).ok_or_else(missing)?;
                let next_is_sub = matches!(doc.blocks.get(i + 1), Some(Block::Subtitle(_)));
                self.block(b, next_is_sub).ok_or_else(missing)?
            }
            Place::AnnexLabel(i) => {
                let (label, title) = reading::annex_block(doc, i).ok_or_else(missing)?;
                let pieces = self.inlines(label, r.annex_label, s.heading);
                let mut l = self.annex_heading(pieces, Align::Left, s.heading);
                l.outline = Some((1, format!("{}{}", plain(label), plain(title))));
                l
            }
            Place::AnnexTitle(i) => {
                let (label, title) = reading::annex_block(doc, i).ok_or_else(missing)?;
                let pieces = self.inlines(title, r.annex_title, s.title);
                let mut t = self.annex_heading(pieces, Align::Center, s.title);
                if plain(label).is_empty() {
                    t.outline = Some((1, plain(title)));
                }
                t
            }
            Place::NotesLabel | Place::NotesTitle => {
                let annex = doc.annex.as_ref().ok_or_else(missing)?;
                let (role, text, align, size) = match place {
                    Place::NotesLabel => (r.annex_label, &annex.label, Align::Left, s.heading),
                    _ => (r.annex_title, &annex.title, Align::Center, s.title),
                };
                let mut h = self.annex_heading(self.m.pieces(role, text, size), align, size);
                if place == Place::NotesLabel || annex.label.is_empty() {
                    h.outline = Some((1, text.clone()));
                }
                h
            }
            Place::NotesEntry(i) => {
                let (_, e) = reading::notes_entry(doc, i).ok_or_else(missing)?;
                let pieces = self
                    .plan
                    .annex_entry(e)
                    .iter()
                    .flat_map(|span| self.m.pieces(span.role, &span.text, s.body))
                    .collect();
                para(pieces, self.indent(), Align::Justify, s.body)
            }
        };
        if self.plan.order.opens_annex(place) {
            p.page_break_before = true;
        }
        Ok(p)
    }

    /// An annex's label or title: kept with what follows, a blank line after.
    fn annex_heading(&self, pieces: Vec<Piece>, align: Align, size: u8) -> Para {
        let mut p = para(pieces, 0.0, align, size);
        p.keep_with_next = true;
        p.blank_after = 1;
        p
    }

    /// The paragraph of a block; `None` for an annex opening (set as its label and title).
    fn block(&self, b: &Block, next_is_sub: bool) -> Option<Para> {
        let s = &self.style.sizes;
        let role = self.plan.roles.block(b);
        Some(match b {
            Block::Title(c) | Block::Subtitle(c) => {
                let size = if matches!(b, Block::Title(_)) {
                    s.title
                } else {
                    s.body
                };
                let mut p = para(self.inlines(c, role, size), 0.0, Align::Center, size);
                p.keep_with_next = true;
                p.blank_after = usize::from(!next_is_sub);
                p
            }
            Block::Salutation(c) => {
                para(self.inlines(c, role, s.body), 0.0, Align::Justify, s.body)
            }
            Block::Heading { level, content } => {
                let pieces = self.inlines(content, role, s.heading);
                let mut p = para(pieces, self.indent(), Align::Justify, s.heading);
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
                    let lead_role = self.plan.roles.heading(l.level);
                    pieces.extend(self.inlines(&l.content, lead_role, s.body));
                    if l.level <= 2 {
                        outline = Some((l.level, plain(&l.content)));
                    }
                }
                pieces.extend(self.inlines(content, role, s.body));
                let mut p = para(pieces, self.indent(), Align::Justify, s.body);
                p.outline = outline;
                p
            }
            Block::Annex { .. } => return None,
            Block::Attachment { content, .. } => {
                let pieces = self.inlines(content, role, s.body);
                let mut p = para(pieces, self.indent(), Align::Justify, s.body);
                p.blank_before = 1;
                p
            }
        })
    }
}
