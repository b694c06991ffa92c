//! A session pack as one volume: a cover, a contents page and each document laid out by
//! [`super::layout_from`], every document starting on a right-hand (odd) page. Blank left pages
//! carry no folio; the total is even (duplex-ready). The cover and contents are front matter
//! without folio; the first document starts on folio 1.
use super::frame::{
    Drawn, Frame, FrameItem, LabelRange, Numbering, OutlineEntry, Pages, Rect, Spot, Tag, Unit,
};
use super::linebreak::{break_lines, Line, Piece, Placed};
use super::metrics::Metrics;
use super::pages::{baseline, runs, Geometry};
use crate::error::Result;
use crate::fonts::Subsets;
use crate::model::Document;
use crate::present::volume::{Entry, VolumePlan, LABEL_GAP};
use crate::present::Plan;
use crate::style::Style;
use rayon::prelude::*;

/// One document of the volume.
pub struct Part<'a> {
    /// Its contents entry (label and title, each with its role).
    pub entry: &'a Entry,
    pub doc: &'a Document,
    /// How the document is presented (its marks, footnotes, roles).
    pub plan: &'a Plan,
}

/// Where each document landed.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// Page index (0-based, in the volume) of the document's first page.
    pub first_page: usize,
    /// The folio printed on that page.
    pub folio: usize,
    pub pages: usize,
    /// Where each of the document's pages begins in its text (the EPUB's page list).
    pub starts: Vec<Option<super::page_starts::PageStart>>,
}

/// The laid-out volume.
pub struct Volume {
    pub pages: Pages,
    pub parts: Vec<Placement>,
    /// Pages before the first document (cover, contents, blank).
    pub front: usize,
}

/// Lay out the volume. `continuous`: folios run on across documents (blank pages counted);
/// else every document starts at folio 1.
pub fn volume(
    cover: &VolumePlan,
    parts: &[Part],
    continuous: bool,
    style: &Style,
    fonts: &Subsets,
) -> Result<Volume> {
    let g = Geometry::new(style);
    let m = Metrics::new(fonts, g.pitch / style.sizes.body as f32 - 1.0);
    // Each document planned (in parallel), its folios decided by where it starts relative to
    // the first, then composed (in parallel).
    let planned: Vec<_> = parts
        .par_iter()
        .map(|p| super::paginate(p.doc, style, fonts, p.plan))
        .collect::<Result<_>>()?;
    let mut firsts = Vec::with_capacity(parts.len());
    let mut run = 0;
    for p in &planned {
        firsts.push(if continuous { run + 1 } else { 1 });
        run += even(p.pages());
    }
    let laid: Vec<(usize, Pages)> = planned
        .par_iter()
        .zip(&firsts)
        .map(|(p, &first)| (first, p.compose(first)))
        .collect();
    let contents_pages = contents_lines(cover, parts, &laid, &g, style, &m);
    let front = even(1 + contents_pages.len());
    let mut placements = Vec::new();
    let mut at = front;
    for (folio_no, pages) in &laid {
        placements.push(Placement {
            first_page: at,
            folio: *folio_no,
            pages: pages.frames.len(),
            starts: pages.starts.clone(),
        });
        at += even(pages.frames.len());
    }

    let blank = || Frame {
        width: g.width,
        height: g.height,
        items: Vec::new(),
    };
    let mut frames = vec![cover_frame(cover, &g, style, &m)];
    for page in contents_pages {
        let index = frames.len();
        frames.push(contents_frame(
            cover,
            page,
            index,
            &placements,
            &g,
            style,
            &m,
        ));
    }
    frames.resize_with(front, blank);
    let mut outline = Vec::new();
    for (k, ((p, (_, pages)), place)) in parts.iter().zip(laid).zip(&placements).enumerate() {
        let shift = place.first_page;
        outline.push(OutlineEntry {
            level: 1,
            title: p.entry.text(),
            target: Spot {
                page: shift,
                y: g.top,
            },
        });
        outline.extend(pages.outline.into_iter().map(|mut e| {
            e.level += 1;
            e.target.page += shift;
            e
        }));
        for mut f in pages.frames {
            for item in &mut f.items {
                match item {
                    FrameItem::Link { target, .. } => target.page += shift,
                    // Each document's structure elements are its own.
                    FrameItem::Begin(u) if u.tag != Tag::Artifact => u.part = k as u16 + 1,
                    _ => {}
                }
            }
            frames.push(f);
        }
        frames.resize_with(even(frames.len()), blank);
    }
    // Cover and contents print no folio; each document its own.
    let mut labels = vec![LabelRange {
        first_page: 0,
        numbering: Numbering::Front,
    }];
    labels.extend(placements.iter().map(|p| LabelRange {
        first_page: p.first_page,
        numbering: Numbering::Folios(p.folio),
    }));
    Ok(Volume {
        // The page list is per document (each placement's `starts`).
        pages: Pages {
            frames,
            outline,
            starts: Vec::new(),
            first_folio: 1,
            labels,
        },
        parts: placements,
        front,
    })
}

/// Every glyph run of the front matter.
fn front(_: &Piece) -> Drawn {
    Drawn::Front
}

/// A page of front matter, its text one paragraph element (key `key` of part 0).
fn front_frame(items: Vec<FrameItem>, key: u32, g: &Geometry) -> Frame {
    let mut tagged = Vec::with_capacity(items.len() + 2);
    let unit = Unit {
        tag: Tag::Paragraph,
        part: 0,
        key,
    };
    super::pages::tagged(Some(unit), &mut tagged, |t| t.extend(items));
    Frame {
        width: g.width,
        height: g.height,
        items: tagged,
    }
}

fn even(n: usize) -> usize {
    n + n % 2
}

/// The cover: the title centred a third down the text block, the subtitle under it, the
/// issuer at the foot of the block.
fn cover_frame(cover: &VolumePlan, g: &Geometry, style: &Style, m: &Metrics) -> Frame {
    let size = style.sizes.title + style.sizes.title / 4;
    let mut items = Vec::new();
    let mut top = g.top + g.text_height / 4.0;
    let pitch = size as f32 * 1.6;
    let title = &cover.title;
    for line in centred(m.pieces(title.role, &title.text, size), g) {
        runs(
            &line,
            g.left(0),
            baseline(top, pitch, size as f32),
            &front,
            &mut items,
        );
        top += pitch;
    }
    top += g.line_pitch;
    for l in &cover.subtitle {
        for line in centred(m.pieces(l.role, &l.text, style.sizes.body), g) {
            let base = baseline(top, g.line_pitch, style.sizes.body as f32);
            runs(&line, g.left(0), base, &front, &mut items);
            top += g.line_pitch;
        }
    }
    if let Some(issuer) = &cover.issuer {
        let lines = centred(m.pieces(issuer.role, &issuer.text, style.sizes.body), g);
        let mut top = g.top + g.text_height - lines.len() as f32 * g.line_pitch;
        for line in lines {
            let base = baseline(top, g.line_pitch, style.sizes.body as f32);
            runs(&line, g.left(0), base, &front, &mut items);
            top += g.line_pitch;
        }
    }
    front_frame(items, 0, g)
}

fn centred(pieces: Vec<Piece>, g: &Geometry) -> Vec<Line> {
    let mut lines = break_lines(&pieces, g.text_width, 0.0, false);
    for line in &mut lines {
        let shift = (g.text_width - line.end) / 2.0;
        for pl in &mut line.placed {
            pl.x += shift;
        }
        line.end += shift;
    }
    lines
}

/// One contents entry: its lines (the text broken short of the number column) and the
/// document it leads to.
struct EntryLines {
    part: usize,
    lines: Vec<Line>,
}

/// Contents entries split into pages (an entry never splits); the heading takes two lines of
/// the first page.
fn contents_lines(
    cover: &VolumePlan,
    parts: &[Part],
    laid: &[(usize, Pages)],
    g: &Geometry,
    style: &Style,
    m: &Metrics,
) -> Vec<Vec<EntryLines>> {
    let role = cover.folio_role;
    let size = style.sizes.body;
    let widest = laid
        .iter()
        .map(|(f, _)| m.width(role, &f.to_string(), size))
        .fold(0.0, f32::max);
    let room = g.text_width - widest - 2.0 * g.pitch;
    let per_page = (g.text_height / g.line_pitch).floor().max(3.0) as usize;
    let mut pages: Vec<Vec<EntryLines>> = vec![Vec::new()];
    let mut used = 2;
    for (k, p) in parts.iter().enumerate() {
        // The label, then the title broken beside it (its lines hang under the title's start).
        let label = p
            .entry
            .label
            .as_ref()
            .map(|l| m.pieces(l.role, &format!("{}{LABEL_GAP}", l.text), size))
            .unwrap_or_default();
        let title = &p.entry.title;
        let hang: f32 = label.iter().map(|pc| pc.advance).sum();
        let mut lines = break_lines(
            &m.pieces(title.role, &title.text, size),
            room - hang,
            0.0,
            false,
        );
        for line in &mut lines {
            for pl in &mut line.placed {
                pl.x += hang;
            }
            line.end += hang;
        }
        if let Some(first) = lines.first_mut() {
            let mut x = 0.0;
            let lead: Vec<Placed> = label
                .into_iter()
                .map(|piece| {
                    let at = x;
                    x += piece.advance;
                    Placed {
                        width: piece.advance,
                        x: at,
                        dx: 0.0,
                        piece,
                    }
                })
                .collect();
            first.placed.splice(0..0, lead);
        }
        if used + lines.len() > per_page && used > 0 {
            pages.push(Vec::new());
            used = 0;
        }
        used += lines.len();
        pages
            .last_mut()
            .expect("one page at least")
            .push(EntryLines { part: k, lines });
    }
    pages
}

/// A contents page: dot leaders from each entry's last line to its folio, right-aligned;
/// each entry links to its document's first page.
fn contents_frame(
    cover: &VolumePlan,
    entries: Vec<EntryLines>,
    index: usize,
    placements: &[Placement],
    g: &Geometry,
    style: &Style,
    m: &Metrics,
) -> Frame {
    let role = cover.folio_role;
    let size = style.sizes.body;
    let left = g.left(index);
    let mut items = Vec::new();
    let mut top = g.top;
    if entries.first().is_some_and(|e| e.part == 0) {
        let heading: String = cover
            .contents
            .text
            .chars()
            .flat_map(|c| [c, '\u{3000}'])
            .collect();
        let heading = heading.trim_end_matches('\u{3000}');
        let heading_role = cover.contents.role;
        for line in centred(m.pieces(heading_role, heading, style.sizes.title), g) {
            let base = baseline(top, g.line_pitch, style.sizes.title as f32);
            runs(&line, left, base, &front, &mut items);
        }
        top += 2.0 * g.line_pitch;
    }
    for e in entries {
        let place = &placements[e.part];
        let first_top = top;
        let count = e.lines.len();
        for (k, line) in e.lines.into_iter().enumerate() {
            let base = baseline(top, g.line_pitch, size as f32);
            if k + 1 == count {
                let number = place.folio.to_string();
                let nw = m.width(role, &number, size);
                let nx = g.text_width - nw;
                let dot = m.piece(role, '.', size);
                let start = line.end + g.pitch / 2.0;
                let n = ((nx - g.pitch / 2.0 - start) / dot.advance)
                    .floor()
                    .max(0.0) as usize;
                let mut tail = Vec::new();
                for k in 0..n {
                    tail.push(Placed {
                        width: dot.advance,
                        x: start + k as f32 * dot.advance,
                        dx: 0.0,
                        piece: dot.clone(),
                    });
                }
                let mut x = nx;
                for c in number.chars() {
                    let piece = m.piece(role, c, size);
                    let w = m.advance(piece.face, c, size as f32);
                    tail.push(Placed {
                        width: w,
                        x,
                        dx: 0.0,
                        piece,
                    });
                    x += w;
                }
                runs(&line, left, base, &front, &mut items);
                let tail = Line {
                    placed: tail,
                    end: g.text_width,
                };
                runs(&tail, left, base, &front, &mut items);
            } else {
                runs(&line, left, base, &front, &mut items);
            }
            top += g.line_pitch;
        }
        items.push(FrameItem::Link {
            rect: Rect {
                x0: left,
                y0: first_top,
                x1: left + g.text_width,
                y1: top,
            },
            target: Spot {
                page: place.first_page,
                y: g.top,
            },
        });
    }
    front_frame(items, 1 + index as u32, g)
}
