//! The note area at the foot of a page: a short rule, then the notes in the note size, each
//! opened by its mark raised.
use super::linebreak::{break_lines, Line};
use super::metrics::Metrics;
use crate::style::Role;

/// Geometry of the note area.
#[derive(Debug, Clone, Copy)]
pub struct NoteArea {
    /// Space for the separator rule above the first note line.
    pub separator: f32,
    /// Pitch of note lines.
    pub pitch: f32,
}

impl NoteArea {
    /// Height of an area holding `lines` note lines (nothing when empty).
    pub fn height(&self, lines: usize) -> f32 {
        if lines == 0 {
            0.0
        } else {
            self.separator + lines as f32 * self.pitch
        }
    }
}

/// A note line placed on a page.
#[derive(Debug, Clone)]
pub struct NoteLine {
    pub number: u32,
    /// The note's first line (it carries the number).
    pub first: bool,
    pub line: Line,
}

/// What opens a note at the foot of the page: the note's planned mark, raised.
#[derive(Debug, Clone)]
pub struct Label {
    pub mark: String,
    pub role: Role,
    pub number: u32,
}

/// Break a note's text (in `role`) into lines `width` wide, its label raised in front. The
/// label's pieces carry the note's number.
pub fn note_lines(
    m: &Metrics,
    label: &Label,
    role: Role,
    size: u8,
    text: &str,
    width: f32,
) -> Vec<Line> {
    let mark_size = ((size as f32) * 0.7).round().max(1.0) as u8;
    let mut pieces = Vec::new();
    for c in label.mark.chars() {
        let mut p = m.piece(label.role, c, mark_size);
        p.rise = size as f32 * 0.35;
        p.note = Some(label.number);
        pieces.push(p);
    }
    // A thin gap after the label: a space at the note size.
    pieces.push(m.piece(role, ' ', size));
    pieces.extend(m.pieces(role, text, size));
    break_lines(&pieces, width, 0.0, true)
}
