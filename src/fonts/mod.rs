//! Fonts: the style's faces loaded once, coverage of every character the editions draw (with
//! the style's fallback order), and one subset per face actually used, shared by all writers.
use crate::error::Result;
use crate::model::Document;
use crate::style::{Role, Style};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// U+3013 GETA MARK, drawn where no font has a glyph.
pub const GETA: char = '\u{3013}';

/// The style's full fonts, loaded once (and shared across the documents of a batch).
pub struct FontBook {
    _private: (),
}

/// Characters each role must draw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    pub by_role: BTreeMap<Role, BTreeSet<char>>,
}

/// One subset face: a complete TrueType font holding just the characters it draws.
#[derive(Debug, Clone)]
pub struct Face {
    pub role: Role,
    /// Family name as the font's `name` table gives it (`Noto Serif SC`).
    pub family: String,
    /// PostScript name (`NotoSerifSC-Regular`).
    pub postscript_name: String,
    pub bold: bool,
    /// The subset TTF bytes.
    pub data: Arc<Vec<u8>>,
    /// Characters this subset maps.
    pub chars: BTreeSet<char>,
}

/// The subsets of one document, computed once and handed to every writer.
#[derive(Debug, Clone)]
pub struct Subsets {
    pub faces: BTreeMap<Role, Face>,
    pub fallback: Vec<Role>,
}

impl FontBook {
    pub fn load(_style: &Style) -> Result<FontBook> {
        todo!("fonts issue")
    }

    /// Characters of `doc` that no font covers (sorted).
    pub fn missing(&self, _doc: &Document, _style: &Style) -> Vec<char> {
        todo!("fonts issue")
    }

    /// Subset every face `doc` uses.
    pub fn subset(&self, _doc: &Document, _style: &Style) -> Result<Subsets> {
        todo!("fonts issue")
    }
}

impl Subsets {
    pub fn face(&self, role: Role) -> Option<&Face> {
        self.faces.get(&role)
    }

    /// The role that draws `ch` when `role` is asked for: `role` itself when its face maps `ch`,
    /// else the first face in fallback order that does.
    pub fn resolve(&self, role: Role, ch: char) -> Option<Role> {
        if self.faces.get(&role).is_some_and(|f| f.chars.contains(&ch)) {
            return Some(role);
        }
        self.fallback
            .iter()
            .copied()
            .find(|r| self.faces.get(r).is_some_and(|f| f.chars.contains(&ch)))
    }
}

/// Replace every character in `missing` by U+3013 throughout the document.
pub fn mark_missing(doc: &mut Document, missing: &[char]) {
    if missing.is_empty() {
        return;
    }
    crate::model::map_text(doc, &mut |t| {
        t.chars()
            .map(|c| if missing.contains(&c) { GETA } else { c })
            .collect()
    });
}
