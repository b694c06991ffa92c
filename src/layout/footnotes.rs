//! The note area at the foot of a page: a short rule, then the notes in the note size, each
//! opened by its number raised.
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

/// Break a note's text into lines `width` wide, its number raised in front.
pub fn note_lines(
    m: &Metrics,
    role: Role,
    size: u8,
    number: u32,
    text: &str,
    width: f32,
) -> Vec<Line> {
    let mark_size = ((size as f32) * 0.7).round().max(1.0) as u8;
    let mut pieces = Vec::new();
    for c in number.to_string().chars() {
        let mut p = m.piece(role, c, mark_size);
        p.rise = size as f32 * 0.35;
        pieces.push(p);
    }
    // A thin gap after the number: a space at the note size.
    pieces.push(m.piece(role, ' ', size));
    pieces.extend(m.pieces(role, text, size));
    break_lines(&pieces, width, 0.0, true)
}
