//! Page geometry (gongwen: A4, 37 mm top, 28 mm binding side mirrored for duplex, 156 × 225 mm
//! block, 28 × 22 grid) and composition of planned pages into frames: glyph runs, the note rule,
//! folios `— 1 —` on the outer side one character in, links between marks and notes, outline.
use super::flow::{BodyLine, PagePlan};
use super::footnotes::NoteArea;
use super::frame::{
    Drawn, Frame, FrameItem, Glyph, LabelRange, Numbering, OutlineEntry, Pages, Rect, Spot, Tag,
    Unit, MM,
};
use super::linebreak::{Line, Piece};
use super::metrics::Metrics;
use crate::present::Plan;
use crate::style::{Role, Style};
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
pub(crate) fn runs(
    line: &Line,
    left: f32,
    base: f32,
    what: &dyn Fn(&Piece) -> Drawn,
    items: &mut Vec<FrameItem>,
) {
    let mut i = 0;
    let placed = &line.placed;
    while i < placed.len() {
        let p = &placed[i].piece;
        let drawn = what(p);
        let mut glyphs = Vec::new();
        let mut j = i;
        while j < placed.len() {
            let q = &placed[j].piece;
            if q.face != p.face || q.size != p.size || q.rise != p.rise || what(q) != drawn {
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
                what: drawn,
            });
        }
        i = j;
    }
}

/// Structure keys of notes: above every paragraph's key (a paragraph's key is its index).
pub const NOTE_KEYS: u32 = 1 << 24;

/// The items `draw` adds, inside `Begin(unit)` … `End` when there is a unit and they are not
/// empty.
pub(crate) fn tagged(
    unit: Option<Unit>,
    items: &mut Vec<FrameItem>,
    draw: impl FnOnce(&mut Vec<FrameItem>),
) {
    let Some(unit) = unit else {
        draw(items);
        return;
    };
    let at = items.len();
    items.push(FrameItem::Begin(unit));
    draw(items);
    if items.len() == at + 1 {
        items.pop();
    } else {
        items.push(FrameItem::End);
    }
}

/// Rectangles of each note's mark on a body line.
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

/// Where each note's mark and label landed: note → (page, rect).
#[derive(Default)]
struct Anchors {
    marks: BTreeMap<u32, (usize, Rect)>,
    labels: BTreeMap<u32, (usize, Rect)>,
}

/// Planned pages → frames.
pub struct Composer<'a> {
    pub area: &'a NoteArea,
    pub g: &'a Geometry,
    pub style: &'a Style,
    pub plan: &'a Plan,
    pub m: &'a Metrics<'a>,
    /// The folio of the first page (1, or where a document starts in a volume).
    pub first_folio: usize,
}

impl Composer<'_> {
    pub fn compose(&self, plans: &[PagePlan], lines: &[BodyLine]) -> Pages {
        let mut frames = Vec::with_capacity(plans.len());
        let mut outline = Vec::new();
        let mut at = Anchors::default();
        for (pi, plan) in plans.iter().enumerate() {
            let mut items = Vec::new();
            self.body(pi, plan, lines, &mut items, &mut at, &mut outline);
            self.notes(pi, plan, &mut items, &mut at);
            self.folio(pi, &mut items);
            frames.push(Frame {
                width: self.g.width,
                height: self.g.height,
                items,
            });
        }
        link(&mut frames, &at);
        Pages {
            frames,
            outline,
            starts: Vec::new(),
            first_folio: self.first_folio,
            labels: vec![LabelRange {
                first_page: 0,
                numbering: Numbering::Folios(self.first_folio),
            }],
        }
    }

    fn body(
        &self,
        pi: usize,
        plan: &PagePlan,
        lines: &[BodyLine],
        items: &mut Vec<FrameItem>,
        at: &mut Anchors,
        outline: &mut Vec<OutlineEntry>,
    ) {
        let left = self.g.left(pi);
        for &(li, y) in &plan.body {
            let l = &lines[li];
            let top = self.g.top + y;
            let base = baseline(top, l.pitch, l.size);
            let what = |pc: &Piece| match (pc.note, l.place) {
                (Some(n), _) => Drawn::Mark(n),
                (None, Some(place)) => Drawn::Text(place),
                (None, None) => Drawn::Front,
            };
            tagged(l.unit, items, |items| {
                runs(&l.line, left, base, &what, items)
            });
            for (n, r) in marks(&l.line, left, base) {
                at.marks.entry(n).or_insert((pi, r));
            }
            if let Some((level, title)) = &l.outline {
                outline.push(OutlineEntry {
                    level: *level,
                    title: title.clone(),
                    target: Spot { page: pi, y: top },
                });
            }
        }
    }

    /// The note rule and the note lines at the foot of page `pi`.
    fn notes(&self, pi: usize, plan: &PagePlan, items: &mut Vec<FrameItem>, at: &mut Anchors) {
        if plan.notes.is_empty() {
            return;
        }
        let (g, area) = (self.g, self.area);
        let left = g.left(pi);
        let h = area.height(plan.notes.len());
        let note_top = g.top + g.text_height - h;
        tagged(Some(Unit::ARTIFACT), items, |items| {
            items.push(FrameItem::Rule {
                x0: left,
                x1: left + g.text_width / 4.0,
                y: note_top + area.separator / 2.0,
            })
        });
        let size = self.style.sizes.note as f32;
        for (k, nl) in plan.notes.iter().enumerate() {
            let top = note_top + area.separator + k as f32 * area.pitch;
            let base = baseline(top, area.pitch, size);
            let what = |pc: &Piece| match pc.note {
                Some(n) => Drawn::Mark(n),
                None => Drawn::Note(nl.number),
            };
            let unit = |tag| Unit {
                tag,
                part: 0,
                key: NOTE_KEYS + nl.number,
            };
            // The label's pieces (they carry the note's number) are the note's /Lbl.
            let (label, text): (Vec<_>, Vec<_>) = nl
                .line
                .placed
                .iter()
                .cloned()
                .partition(|p| nl.first && p.piece.note.is_some());
            for (tag, placed) in [(Tag::NoteLabel, label), (Tag::Note, text)] {
                if !placed.is_empty() {
                    let part = Line {
                        placed,
                        end: nl.line.end,
                    };
                    tagged(Some(unit(tag)), items, |items| {
                        runs(&part, left, base, &what, items)
                    });
                }
            }
            if nl.first {
                // The label's pieces carry the note's number.
                let end = nl
                    .line
                    .placed
                    .iter()
                    .take_while(|p| p.piece.note.is_some())
                    .map(|p| p.x + p.width)
                    .fold(0.0, f32::max);
                let rect = Rect {
                    x0: left,
                    y0: top,
                    x1: left + end.max(size / 2.0),
                    y1: top + area.pitch,
                };
                at.labels.entry(nl.number).or_insert((pi, rect));
            }
        }
    }

    /// The folio: odd pages right, even pages left, one character in.
    fn folio(&self, pi: usize, items: &mut Vec<FrameItem>) {
        let (g, m) = (self.g, self.m);
        let role = self.plan.roles.folio;
        let folio = crate::present::folio(self.first_folio + pi);
        let fsize = self.style.sizes.folio;
        let left = g.left(pi);
        let fw = m.width(role, &folio, fsize);
        let mut x = if pi.is_multiple_of(2) || !g.mirrored {
            left + g.text_width - fsize as f32 - fw
        } else {
            left + fsize as f32
        };
        let fbase = g.top + g.text_height + g.folio_gap + 0.88 * fsize as f32;
        let mut glyph_runs: Vec<(Role, Vec<Glyph>)> = Vec::new();
        for c in folio.chars() {
            let face = m.face_for(role, c);
            if !c.is_whitespace() {
                match glyph_runs.last_mut() {
                    Some((f, v)) if *f == face => v.push(Glyph { ch: c, x }),
                    _ => glyph_runs.push((face, vec![Glyph { ch: c, x }])),
                }
            }
            x += m.advance(face, c, fsize as f32);
        }
        tagged(Some(Unit::ARTIFACT), items, |items| {
            for (face, glyphs) in glyph_runs {
                items.push(FrameItem::Glyphs {
                    face,
                    size: fsize,
                    y: fbase,
                    glyphs,
                    what: Drawn::Folio,
                });
            }
        });
    }
}

/// Links both ways between each mark and its note.
fn link(frames: &mut [Frame], at: &Anchors) {
    for (n, (mp, mr)) in &at.marks {
        if let Some((np, nr)) = at.labels.get(n) {
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
}
