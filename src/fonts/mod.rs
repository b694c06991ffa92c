//! Fonts: the style's faces loaded once, coverage of every character the editions draw (with
//! each role's fallback chain), and one subset per face actually used, shared by all writers.
//! What each role draws comes from the presentation plan ([`crate::present`]) as a [`Usage`];
//! nothing here reads the document.
mod deflate;
mod load;
mod subset;

use crate::error::Result;
use crate::style::{Role, Style};
use load::FontFile;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// U+3013 GETA MARK, drawn where no font has a glyph.
pub const GETA: char = '\u{3013}';

/// The style's full fonts, loaded once (and shared across the documents of a batch).
pub struct FontBook {
    /// Each distinct file once (two roles may share a file).
    files: Vec<FontFile>,
    /// Role → index into `files`.
    roles: BTreeMap<Role, usize>,
    /// Each role's fallback chain (the style's `[fonts.fallback]`).
    fallback: BTreeMap<Role, Vec<Role>>,
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
    /// The same bytes deflated once, as a one-entry ZIP archive ([`Face::packed`],
    /// [`Face::zlib`]).
    pub packed: Arc<Vec<u8>>,
    /// Characters this subset maps.
    pub chars: BTreeSet<char>,
}

/// The subsets of one document, computed once and handed to every writer.
#[derive(Debug, Clone)]
pub struct Subsets {
    pub faces: BTreeMap<Role, Face>,
    /// Each role's fallback chain, as the style gives it.
    pub fallback: BTreeMap<Role, Vec<Role>>,
}

/// A character of the text that its role's face lacks and a face of the role's fallback chain
/// draws (listed by the glyph check as `info`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FallenBack {
    pub ch: char,
    /// The role asked to draw it.
    pub role: Role,
    /// The role whose face draws it.
    pub drawn: Role,
}

/// Quotation marks, which GB/T 15834 §5.1.3 sets one em wide and Latin-derived glyphs draw
/// narrower (Zhuque Fangsong's are a third of an em, from Alegreya). A face drawing them narrower
/// lacks their Chinese form, and the role's fallback chain supplies it. (Dash and ellipsis are
/// left to each face: Noto Serif SC's em dash is 0.89 em and its folios `— 1 —` keep it.)
pub fn full_width_mark(c: char) -> bool {
    matches!(c, '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}')
}

impl FontBook {
    /// Read every font file the style names (each distinct file once, in parallel) and check
    /// that it is TrueType with a Unicode `cmap`. A missing, unreadable or CFF-flavoured file is
    /// an [`Error::Font`](crate::Error::Font) naming the file.
    pub fn load(style: &Style) -> Result<FontBook> {
        let (files, roles) = load::read_all(style)?;
        Ok(FontBook {
            files,
            roles: roles.into_iter().collect(),
            fallback: style.fonts.fallback.clone(),
        })
    }

    /// The file behind `role`.
    pub fn path(&self, role: Role) -> &std::path::Path {
        &self.files[self.roles[&role]].path
    }

    /// Does the full face of `role` draw `c`?
    pub fn covers(&self, role: Role, c: char) -> bool {
        self.files[self.roles[&role]]
            .face()
            .glyph_index(c)
            .is_some_and(|g| g.0 != 0)
    }

    /// Family name of the full face behind `role` (`name` ID 1), or the file name.
    pub fn family(&self, role: Role) -> String {
        let face = self.files[self.roles[&role]].face();
        face.names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::FAMILY && n.is_unicode())
            .find_map(|n| n.to_string())
            .unwrap_or_else(|| self.path(role).display().to_string())
    }

    /// Characters of `usage` that their role's face lacks and a face of its fallback chain
    /// draws, with the face that does (sorted by character, then role). Quotation marks a face
    /// has only narrow ([`full_width_mark`]) are the style's choice, the same in every report,
    /// and not listed (fonts/README.md says so).
    pub fn fallen_back(&self, usage: &Usage) -> Vec<FallenBack> {
        let cover = self.coverage();
        let mut out = Vec::new();
        for (&role, chars) in &usage.by_role {
            for &c in chars {
                if cover.covers(role, c) {
                    continue;
                }
                if let Some(drawn) = cover.resolve(role, c) {
                    out.push(FallenBack { ch: c, role, drawn });
                }
            }
        }
        out.sort_by_key(|f| (f.ch, f.role));
        out
    }

    /// Characters of `usage` that neither their role's face nor any face of its fallback chain
    /// draws (sorted).
    pub fn uncovered(&self, usage: &Usage) -> Vec<char> {
        let cover = self.coverage();
        let mut missing = BTreeSet::new();
        for (&role, chars) in &usage.by_role {
            for &c in chars {
                if cover.resolve(role, c).is_none() {
                    missing.insert(c);
                }
            }
        }
        missing.into_iter().collect()
    }

    /// Subset every face `usage` needs: each character goes to the first face that covers it
    /// (its role's, then the role's fallback chain); each file with characters is subset once, in
    /// parallel. Roles sharing a file share one subset.
    pub fn subset(&self, usage: &Usage) -> Result<Subsets> {
        let cover = self.coverage();
        let mut per_file: BTreeMap<usize, BTreeSet<char>> = BTreeMap::new();
        for (&role, chars) in &usage.by_role {
            for &c in chars {
                if let Some(r) = cover.resolve(role, c) {
                    per_file.entry(self.roles[&r]).or_default().insert(c);
                }
            }
        }
        drop(cover);
        let made = per_file
            .par_iter()
            .map(|(&i, chars)| subset::make(&self.files[i], chars).map(|m| (i, m)))
            .collect::<Vec<_>>()
            .into_iter()
            .collect::<Result<Vec<_>>>()?;
        let made: BTreeMap<usize, subset::Made> = made.into_iter().collect();
        let mut faces = BTreeMap::new();
        for (&role, &i) in &self.roles {
            if let Some(m) = made.get(&i) {
                faces.insert(
                    role,
                    Face {
                        role,
                        family: m.family.clone(),
                        postscript_name: m.postscript_name.clone(),
                        bold: m.bold,
                        data: Arc::clone(&m.data),
                        packed: Arc::clone(&m.packed),
                        chars: per_file[&i].clone(),
                    },
                );
            }
        }
        Ok(Subsets {
            faces,
            fallback: self.fallback.clone(),
        })
    }

    fn coverage(&self) -> Coverage<'_> {
        Coverage {
            faces: self.files.iter().map(FontFile::face).collect(),
            roles: &self.roles,
            fallback: &self.fallback,
        }
    }
}

/// The full faces parsed for look-ups.
struct Coverage<'a> {
    faces: Vec<ttf_parser::Face<'a>>,
    roles: &'a BTreeMap<Role, usize>,
    fallback: &'a BTreeMap<Role, Vec<Role>>,
}

impl Coverage<'_> {
    /// Does the face of `role` map `c` to a real (non-.notdef) glyph?
    fn covers(&self, role: Role, c: char) -> bool {
        self.faces[self.roles[&role]]
            .glyph_index(c)
            .is_some_and(|g| g.0 != 0)
    }

    /// Does the face of `role` draw `c` as Chinese text sets it: a real glyph and, for quotation
    /// marks ([`full_width_mark`]), a full-width one.
    fn fits(&self, role: Role, c: char) -> bool {
        let face = &self.faces[self.roles[&role]];
        match face.glyph_index(c) {
            Some(g) if g.0 != 0 => {
                !full_width_mark(c)
                    || face
                        .glyph_hor_advance(g)
                        .is_some_and(|a| f32::from(a) >= 0.9 * f32::from(face.units_per_em()))
            }
            _ => false,
        }
    }

    /// `role` when its face fits `c`, else the first role of its fallback chain that does; when
    /// none has a full-width form of a mark, the first that has it at all.
    fn resolve(&self, role: Role, c: char) -> Option<Role> {
        let roles = || std::iter::once(role).chain(chain(self.fallback, role).iter().copied());
        roles()
            .find(|&r| self.fits(r, c))
            .or_else(|| roles().find(|&r| self.covers(r, c)))
    }
}

impl Subsets {
    pub fn face(&self, role: Role) -> Option<&Face> {
        self.faces.get(&role)
    }

    /// The role that draws `ch` when `role` is asked for: `role` itself when its face maps `ch`,
    /// else the first face of the role's fallback chain that does.
    pub fn resolve(&self, role: Role, ch: char) -> Option<Role> {
        std::iter::once(role)
            .chain(self.chain(role).iter().copied())
            .find(|r| self.faces.get(r).is_some_and(|f| f.chars.contains(&ch)))
    }

    /// The fallback chain of `role` (without the role itself).
    pub fn chain(&self, role: Role) -> &[Role] {
        chain(&self.fallback, role)
    }
}

fn chain(fallback: &BTreeMap<Role, Vec<Role>>, role: Role) -> &[Role] {
    fallback.get(&role).map_or(&[], Vec::as_slice)
}

impl Usage {
    /// Add everything `other` draws (the documents of a volume share one set of subsets).
    pub fn merge(&mut self, other: &Usage) {
        for (role, chars) in &other.by_role {
            self.by_role.entry(*role).or_default().extend(chars);
        }
    }

    /// Note that `role` draws every (non-control) character of `text`.
    pub fn add(&mut self, role: Role, text: &str) {
        // Distinct characters first: a report has tens of thousands of characters but only a
        // thousand or two distinct ones.
        let mut chars: Vec<char> = text.chars().filter(|c| !c.is_control()).collect();
        if chars.is_empty() {
            return;
        }
        chars.sort_unstable();
        chars.dedup();
        self.by_role.entry(role).or_default().extend(chars);
    }
}
