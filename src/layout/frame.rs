//! What layout hands to the drawing module: pages of positioned glyph runs, rules and links,
//! every length in PostScript points measured from the page's top-left corner. Nothing here
//! knows about the document model or about PDF; each glyph run says what it draws in the
//! reading order's terms ([`Drawn`]), for the editions' audit and the PDF's structure.
pub use super::unit::{Tag, Unit};
pub use crate::present::Place;
use crate::style::Role;

/// What a glyph run draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Drawn {
    /// Text of a unit of the reading order.
    Text(Place),
    /// A note's mark: raised in the text, or opening its footnote.
    Mark(u32),
    /// A footnote's text (after its mark).
    Note(u32),
    /// The page's folio.
    Folio,
    /// A volume's front matter (cover, contents).
    Front,
}

/// One glyph: its character and the x of its origin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    pub ch: char,
    pub x: f32,
}

/// A point on a page: a page index (0-based) and a y from the page's top.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spot {
    pub page: usize,
    pub y: f32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FrameItem {
    /// Glyphs of one face and size on one baseline (`y` from the top).
    Glyphs {
        face: Role,
        size: u8,
        y: f32,
        glyphs: Vec<Glyph>,
        what: Drawn,
    },
    /// A horizontal rule (drawn in the PDF's default line width: genpdf 0.2 sets no other).
    Rule { x0: f32, x1: f32, y: f32 },
    /// A clickable area leading to a spot in the document.
    Link { rect: Rect, target: Spot },
    /// The items up to the matching [`FrameItem::End`] belong to this structure element (the
    /// tagged PDF's marked content), or are an artifact (folios, the note rule).
    Begin(Unit),
    /// Closes the last [`FrameItem::Begin`].
    End,
}

/// One page.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub width: f32,
    pub height: f32,
    pub items: Vec<FrameItem>,
}

/// A bookmark.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub level: u8,
    pub title: String,
    pub target: Spot,
}

/// The laid-out document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pages {
    pub frames: Vec<Frame>,
    pub outline: Vec<OutlineEntry>,
    /// Where each page's body text begins (`None`: a page of carried-over notes only).
    pub starts: Vec<Option<super::page_starts::PageStart>>,
    /// The folio printed on the first page of `starts` (1, or where a document starts in a
    /// volume): page `i` of `starts` prints folio `first_folio + i`.
    pub first_folio: usize,
    /// How pages are numbered in a viewer (the PDF's page labels), range by range in page
    /// order: each range runs from its first page to the next range's.
    pub labels: Vec<LabelRange>,
}

/// A run of pages numbered alike, from `first_page` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelRange {
    pub first_page: usize,
    pub numbering: Numbering,
}

/// How a range of pages is numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    /// Front matter printing no folio (a volume's cover and contents): i, ii, iii…
    Front,
    /// The printed folios, the range's first page printing this one; blank pages that end a
    /// document (printing nothing) go on counting.
    Folios(usize),
}

impl Pages {
    /// Every character drawn on page `i`, in drawing order.
    pub fn page_text(&self, i: usize) -> String {
        let mut s = String::new();
        for item in &self.frames[i].items {
            if let FrameItem::Glyphs { glyphs, .. } = item {
                s.extend(glyphs.iter().map(|g| g.ch));
            }
        }
        s
    }
}

/// 1 mm in points.
pub const MM: f32 = 72.0 / 25.4;
