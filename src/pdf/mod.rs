//! Drawing: laid-out pages → PDF bytes through genpdf's `render` API (pages, layers, areas,
//! `print_str` at positions), then [`finish`] with lopdf. Knows frames and font faces, never
//! the document model.
pub mod archive;
pub mod finish;
pub mod structure;

use crate::error::{Error, Result};
use crate::fonts::Face;
use crate::layout::frame::{FrameItem, Pages, Tag, Unit};
use crate::style::Role;
use genpdf::fonts::{FontCache, FontData, FontFamily};
use genpdf::{Mm, Position};
use std::collections::{BTreeMap, BTreeSet};

/// What the finished file says about itself.
#[derive(Debug, Clone)]
pub struct Meta {
    pub title: String,
    /// The meeting (`/Subject`); absent when the text names none.
    pub subject: Option<String>,
    /// The speaker line (`/Author`); absent when the text has none.
    pub author: Option<String>,
    /// BCP 47 language tag.
    pub lang: String,
    /// Seconds since the Unix epoch for the file's dates.
    pub epoch: i64,
}

fn mm(pt: f32) -> Mm {
    Mm::from(printpdf::Pt(f64::from(pt)))
}

fn fail(e: impl std::fmt::Display) -> Error {
    Error::render("pdf", e.to_string())
}

/// Draw `pages` with `faces` and finish the file.
pub fn write(pages: &Pages, faces: &BTreeMap<Role, Face>, meta: &Meta) -> Result<Vec<u8>> {
    let (raw, marked) = draw(pages, faces, &meta.title)?;
    finish::finish(&raw, pages, &marked, faces, meta)
}

/// The structure element of each marked-content id, page by page: `marked[page][mcid]`.
pub type Marked = Vec<Vec<Unit>>;

/// The genpdf/printpdf pass: one text object per run of glyphs (a line, or a mark), each glyph
/// placed at its x by `TJ` adjustments (`Area::print_glyphs`, vendor/genpdf/PATCHES.md); the
/// runs of each structure element as marked content (`/P <</MCID n>> BDC … EMC`, artifacts
/// `/Artifact BMC … EMC`), numbered from 0 on each page.
pub fn draw(pages: &Pages, faces: &BTreeMap<Role, Face>, title: &str) -> Result<(Vec<u8>, Marked)> {
    let Some(first) = pages.frames.first() else {
        return Err(fail("nothing to draw"));
    };
    let (mut cache, families) = families(pages, faces)?;
    let size = |f: &crate::layout::frame::Frame| genpdf::Size::new(mm(f.width), mm(f.height));
    // No conformance of printpdf's: its default (PDF/X-3) would embed a CMYK profile and an XMP
    // packet with random ids; the PDF/A-1b pieces are added when finishing (`archive`).
    let plain = printpdf::PdfConformance::Custom(printpdf::CustomPdfConformance::default());
    let mut r = genpdf::render::Renderer::new(size(first), title)
        .map_err(fail)?
        .with_conformance(plain);
    for f in &pages.frames[1..] {
        r.add_page(size(f));
    }
    cache.load_pdf_fonts(&r).map_err(fail)?;
    let mut marked = Marked::with_capacity(pages.frames.len());
    for (pi, frame) in pages.frames.iter().enumerate() {
        let page = r.get_page(pi).ok_or_else(|| fail("page missing"))?;
        let area = page.first_layer().area();
        let mut ids: Vec<Unit> = Vec::new();
        for item in &frame.items {
            match item {
                FrameItem::Begin(u) if u.tag == Tag::Artifact => {
                    area.begin_marked_content("Artifact", None)
                }
                FrameItem::Begin(u) => {
                    area.begin_marked_content(structure_type(u.tag), Some(ids.len() as i64));
                    ids.push(*u);
                }
                FrameItem::End => area.end_marked_content(),
                _ => draw_item(&area, &cache, &families, item)?,
            }
        }
        marked.push(ids);
    }
    let mut out = Vec::new();
    r.write(&mut out).map_err(fail)?;
    Ok((out, marked))
}

/// The structure type a [`Tag`] is written as (ISO 32000-1 14.8.4; `Title` is role-mapped).
pub fn structure_type(tag: Tag) -> &'static str {
    match tag {
        Tag::Title => "Title",
        Tag::Heading(1) => "H1",
        Tag::Heading(2) => "H2",
        Tag::Heading(3) => "H3",
        Tag::Heading(_) => "H4",
        Tag::Paragraph => "P",
        Tag::Note => "Note",
        Tag::NoteLabel => "Lbl",
        Tag::Artifact => "Artifact",
    }
}

type Families = BTreeMap<Role, FontFamily<genpdf::fonts::Font>>;

/// The font cache with one family per face the pages use. Only those faces are embedded; each
/// fills the regular slot of its own family and the other three slots hold builtin
/// placeholders (never embedded, removed when finishing).
fn families(pages: &Pages, faces: &BTreeMap<Role, Face>) -> Result<(FontCache, Families)> {
    let used: BTreeSet<Role> = pages
        .frames
        .iter()
        .flat_map(|f| f.items.iter())
        .filter_map(|i| match i {
            FrameItem::Glyphs { face, .. } => Some(*face),
            _ => None,
        })
        .collect();
    let mut cache: Option<FontCache> = None;
    let mut families = Families::new();
    for role in &used {
        let face = faces
            .get(role)
            .ok_or_else(|| fail(format!("no {} face", role.name())))?;
        let data = face.data.as_ref().clone();
        let place = |b| FontData::new(data.clone(), Some(b)).map_err(fail);
        use printpdf::BuiltinFont as B;
        let family = FontFamily {
            regular: FontData::new(data.clone(), None).map_err(fail)?,
            bold: place(B::HelveticaBold)?,
            italic: place(B::HelveticaOblique)?,
            bold_italic: place(B::HelveticaBoldOblique)?,
        };
        let fam = match &mut cache {
            None => {
                let c = FontCache::new(family);
                let f = c.default_font_family();
                cache = Some(c);
                f
            }
            Some(c) => c.add_font_family(family),
        };
        families.insert(*role, fam);
    }
    let cache = cache.ok_or_else(|| fail("no glyphs to draw"))?;
    Ok((cache, families))
}

/// Draw one frame item on a page's area.
fn draw_item(
    area: &genpdf::render::Area<'_>,
    cache: &FontCache,
    families: &Families,
    item: &FrameItem,
) -> Result<()> {
    match item {
        FrameItem::Glyphs {
            face,
            size,
            y,
            glyphs,
            ..
        } => {
            let style = genpdf::style::Style::new()
                .with_font_family(families[face])
                .with_font_size(*size);
            let h = style.font(cache).glyph_height(*size);
            let top = mm(*y) - h;
            let Some(first) = glyphs.first() else {
                return Ok(());
            };
            let placed: Vec<(char, Mm)> =
                glyphs.iter().map(|g| (g.ch, mm(g.x - first.x))).collect();
            area.print_glyphs(cache, Position::new(mm(first.x), top), style, &placed)
                .map_err(fail)?;
        }
        // genpdf 0.2 draws lines in the PDF default width (1 pt).
        FrameItem::Rule { x0, x1, y } => {
            area.draw_line(
                vec![
                    Position::new(mm(*x0), mm(*y)),
                    Position::new(mm(*x1), mm(*y)),
                ],
                genpdf::style::Style::new(),
            );
        }
        // Links are annotations: added when finishing; marked content is drawn by `draw`.
        FrameItem::Link { .. } | FrameItem::Begin(_) | FrameItem::End => {}
    }
    Ok(())
}
