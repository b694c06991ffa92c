//! Page geometry (gongwen: A4, 37 mm top, 28 mm binding side mirrored for duplex, 156 × 225 mm
//! block, 28 × 22 grid) and composition of planned pages into frames: glyph runs, the note rule,
//! folios `— 1 —` on the outer side one character in, links between marks and notes, outline.
use super::flow::{BodyLine, PagePlan};
use super::footnotes::NoteArea;
use super::frame::{Frame, FrameItem, Glyph, OutlineEntry, Pages, Rect, Spot, MM};
use super::linebreak::Line;
use super::metrics::Metrics;
use crate::style::Style;
use std::collections::BTreeMap;

/// The page in points.
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    pub width: f32,
    pub height: f32,
    pub top: f32,
    pub inner: f32,
    pub text_width: f32,
    pub text_height: f32,
    pub mirrored: bool,
    /// Character pitch: text width / characters per line.
    pub pitch: f32,
    /// Line pitch: text height / lines per page.
    pub line_pitch: f32,
    pub folio_gap: f32,
}

impl Geometry {
    pub fn new(style: &Style) -> Geometry {
        let p = &style.page;
        Geometry {
            width: p.width_mm * MM,
            height: p.height_mm * MM,
            top: p.top_mm * MM,
            inner: p.inner_mm * MM,
            text_width: p.text_width_mm * MM,
            text_height: p.text_height_mm * MM,
            mirrored: p.mirrored,
            pitch: p.text_width_mm * MM / p.chars_per_line as f32,
            line_pitch: p.text_height_mm * MM / p.lines_per_page as f32,
            folio_gap: p.folio_gap_mm * MM,
        }
    }

    /// Left edge of the text block on page `index` (0-based; page 1 is odd, binding on the left).
    pub fn left(&self, index: usize) -> f32 {
        if self.mirrored && index % 2 == 1 {
            self.width - self.inner - self.text_width
        } else {
            self.inner
        }
    }
}

/// Where a line's baseline sits inside its pitch: the ideographic box centred.
pub(crate) fn baseline(top: f32, pitch: f32, size: f32) -> f32 {
    top + pitch / 2.0 + 0.38 * size
}

/// Glyph runs of one line: consecutive pieces of one face, size and rise share a run.
pub(crate) fn runs(line: &Line, left: f32, base: f32, items: &mut Vec<FrameItem>) {
    let mut i = 0;
    let placed = &line.placed;
    while i < placed.len() {
        let p = &placed[i].piece;
        let mut glyphs = Vec::new();
        let mut j = i;
        while j < placed.len() {
            let q = &placed[j].piece;
            if q.face != p.face || q.size != p.size || q.rise != p.rise {
                break;
            }
            if !q.ch.is_whitespace() {
                glyphs.push(Glyph {
                    ch: q.ch,
                    x: left + placed[j].x + placed[j].dx,
                });
            }
            j += 1;
        }
        if !glyphs.is_empty() {
            items.push(FrameItem::Glyphs {
                face: p.face,
                size: p.size,
                y: base - p.rise,
                glyphs,
            });
        }
        i = j;
    }
}

/// Rectangles of each note's mark on a line.
fn marks(line: &Line, left: f32, base: f32) -> BTreeMap<u32, Rect> {
    let mut out: BTreeMap<u32, Rect> = BTreeMap::new();
    for pl in &line.placed {
        if let Some(n) = pl.piece.note {
            let y1 = base - pl.piece.rise + 1.0;
            let r = Rect {
                x0: left + pl.x,
                y0: y1 - pl.piece.size as f32 - 1.0,
                x1: left + pl.x + pl.width,
                y1,
            };
            out.entry(n).and_modify(|e| e.x1 = r.x1).or_insert(r);
        }
    }
    out
}

/// Compose `plans` into frames; the first page carries folio `first_folio`.
pub fn compose(
    plans: &[PagePlan],
    lines: &[BodyLine],
    area: &NoteArea,
    g: &Geometry,
    style: &Style,
    m: &Metrics,
    first_folio: usize,
) -> Pages {
    let mut frames = Vec::with_capacity(plans.len());
    let mut outline = Vec::new();
    // note → (page, rect) of its mark in the text and of its number in the note area.
    let mut mark_at: BTreeMap<u32, (usize, Rect)> = BTreeMap::new();
    let mut note_at: BTreeMap<u32, (usize, Rect)> = BTreeMap::new();
    for (pi, plan) in plans.iter().enumerate() {
        let left = g.left(pi);
        let mut items = Vec::new();
        for &(li, y) in &plan.body {
            let l = &lines[li];
            let top = g.top + y;
            let base = baseline(top, l.pitch, l.size);
            runs(&l.line, left, base, &mut items);
            for (n, r) in marks(&l.line, left, base) {
                mark_at.entry(n).or_insert((pi, r));
            }
            if let Some((level, title)) = &l.outline {
                outline.push(OutlineEntry {
                    level: *level,
                    title: title.clone(),
                    target: Spot { page: pi, y: top },
                });
            }
        }
        if !plan.notes.is_empty() {
            let h = area.height(plan.notes.len());
            let note_top = g.top + g.text_height - h;
            let rule_y = note_top + area.separator / 2.0;
            items.push(FrameItem::Rule {
                x0: left,
                x1: left + g.text_width / 4.0,
                y: rule_y,
                thickness: 0.5,
            });
            let size = style.sizes.note as f32;
            for (k, nl) in plan.notes.iter().enumerate() {
                let top = note_top + area.separator + k as f32 * area.pitch;
                let base = baseline(top, area.pitch, size);
                runs(&nl.line, left, base, &mut items);
                if nl.first {
                    let end = nl
                        .line
                        .placed
                        .iter()
                        .take_while(|p| p.piece.ch.is_ascii_digit())
                        .map(|p| p.x + p.width)
                        .fold(0.0, f32::max);
                    note_at.entry(nl.number).or_insert((
                        pi,
                        Rect {
                            x0: left,
                            y0: top,
                            x1: left + end.max(size / 2.0),
                            y1: top + area.pitch,
                        },
                    ));
                }
            }
        }
        items.extend(folio(pi, first_folio + pi, g, style, m));
        frames.push(Frame {
            width: g.width,
            height: g.height,
            items,
        });
    }
    // Links both ways between each mark and its note.
    for (n, (mp, mr)) in &mark_at {
        if let Some((np, nr)) = note_at.get(n) {
            frames[*mp].items.push(FrameItem::Link {
                rect: *mr,
                target: Spot {
                    page: *np,
                    y: nr.y0,
                },
            });
            frames[*np].items.push(FrameItem::Link {
                rect: *nr,
                target: Spot {
                    page: *mp,
                    y: mr.y0 - 4.0,
                },
            });
        }
    }
    Pages { frames, outline }
}

/// Folio `— N —` of page `index` (0-based; odd pages right, even pages left, one character in).
pub(crate) fn folio(
    index: usize,
    number: usize,
    g: &Geometry,
    style: &Style,
    m: &Metrics,
) -> Vec<FrameItem> {
    let folio = format!("\u{2014} {number} \u{2014}");
    let fsize = style.sizes.folio;
    let fw = m.width(style.roles.folio, &folio, fsize);
    let left = g.left(index);
    let fx = if index.is_multiple_of(2) || !g.mirrored {
        left + g.text_width - fsize as f32 - fw
    } else {
        left + fsize as f32
    };
    let fbase = g.top + g.text_height + g.folio_gap + 0.88 * fsize as f32;
    let mut x = fx;
    let mut glyph_runs: Vec<(crate::style::Role, Vec<Glyph>)> = Vec::new();
    for c in folio.chars() {
        let face = m.face_for(style.roles.folio, c);
        if !c.is_whitespace() {
            match glyph_runs.last_mut() {
                Some((f, v)) if *f == face => v.push(Glyph { ch: c, x }),
                _ => glyph_runs.push((face, vec![Glyph { ch: c, x }])),
            }
        }
        x += m.advance(face, c, fsize as f32);
    }
    glyph_runs
        .into_iter()
        .map(|(face, glyphs)| FrameItem::Glyphs {
            face,
            size: fsize,
            y: fbase,
            glyphs,
        })
        .collect()
}
