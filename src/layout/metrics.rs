//! Measuring characters: glyph advances read from the subset faces with ttf-parser, the face for
//! each character chosen by `Subsets::resolve` (the role's face, else its fallback chain).
use super::linebreak::Piece;
use crate::fonts::Subsets;
use crate::style::Role;
use std::collections::BTreeMap;

pub struct Metrics<'a> {
    faces: BTreeMap<Role, ttf_parser::Face<'a>>,
    subsets: &'a Subsets,
    /// Extra space after every character, in em (negative: the gongwen grid is 156/28 mm for
    /// 16 pt characters).
    pub tracking: f32,
}

impl<'a> Metrics<'a> {
    pub fn new(subsets: &'a Subsets, tracking: f32) -> Metrics<'a> {
        let faces = subsets
            .faces
            .iter()
            .filter_map(|(r, f)| Some((*r, ttf_parser::Face::parse(&f.data, 0).ok()?)))
            .collect();
        Metrics {
            faces,
            subsets,
            tracking,
        }
    }

    /// The face that draws `ch` for `role`.
    pub fn face_for(&self, role: Role, ch: char) -> Role {
        self.subsets.resolve(role, ch).unwrap_or(role)
    }

    /// Advance of `ch` in `face` at `size`, without tracking.
    pub fn advance(&self, face: Role, ch: char, size: f32) -> f32 {
        let Some(f) = self.faces.get(&face) else {
            return size;
        };
        let upem = f.units_per_em() as f32;
        f.glyph_index(ch)
            .and_then(|g| f.glyph_hor_advance(g))
            .map(|a| a as f32 / upem * size)
            .unwrap_or(size)
    }

    /// One character, measured.
    pub fn piece(&self, role: Role, ch: char, size: u8) -> Piece {
        let face = self.face_for(role, ch);
        let s = size as f32;
        Piece {
            ch,
            face,
            size,
            advance: self.advance(face, ch, s) + self.tracking * s,
            rise: 0.0,
            note: None,
        }
    }

    pub fn pieces(&self, role: Role, text: &str, size: u8) -> Vec<Piece> {
        text.chars().map(|c| self.piece(role, c, size)).collect()
    }

    /// Width of `text` without tracking (folios).
    pub fn width(&self, role: Role, text: &str, size: u8) -> f32 {
        text.chars()
            .map(|c| self.advance(self.face_for(role, c), c, size as f32))
            .sum()
    }
}
