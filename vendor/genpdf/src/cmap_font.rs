// baogao patch (see PATCHES.md): font data for printpdf that lists the font's characters by
// walking its `cmap` with ttf-parser instead of asking rusttype about every one of the
// 1,114,112 Unicode scalar values, and the metrics of those glyphs read from hmtx and the glyf
// headers with the same values printpdf's rusttype implementation computes from the outlines.
use printpdf::types::plugins::graphics::two_dimensional::font::{FontMetrics, GlyphMetrics};
use std::collections::HashMap;

/// printpdf font data: rusttype for the font's metrics and look-ups; the glyph → character map
/// and the metrics of those glyphs precomputed with ttf-parser.
#[derive(Clone, Debug)]
pub(crate) struct CmapFont {
    rt: rusttype::Font<'static>,
    ids: HashMap<u16, char>,
    metrics: HashMap<u16, GlyphMetrics>,
}

impl CmapFont {
    pub(crate) fn new(rt: rusttype::Font<'static>, data: &[u8]) -> CmapFont {
        let Ok(face) = ttf_parser::Face::parse(data, 0) else {
            return CmapFont {
                rt,
                ids: HashMap::new(),
                metrics: HashMap::new(),
            };
        };
        let ids = glyph_chars(&face);
        let metrics = ids
            .keys()
            .filter_map(|&g| Some((g, glyph_metrics(&face, g)?)))
            .collect();
        CmapFont { rt, ids, metrics }
    }
}

/// What printpdf's rusttype implementation computes, without building the outline: the advance
/// from `hmtx`, the height as the `glyf` header's box height less the `hhea` descent (1000 for
/// a glyph without outline).
fn glyph_metrics(face: &ttf_parser::Face<'_>, glyph: u16) -> Option<GlyphMetrics> {
    let id = ttf_parser::GlyphId(glyph);
    let width = u32::from(face.glyph_hor_advance(id)?);
    let descent = i32::from(face.tables().hhea.descender);
    let height = face
        .tables()
        .glyf
        .and_then(|glyf| glyf.bbox(id))
        .map(|b| (i32::from(b.y_max) - i32::from(b.y_min) - descent) as u32)
        .unwrap_or(1000);
    Some(GlyphMetrics { width, height })
}

/// Every glyph the font's Unicode cmap subtables reach, with the lowest character that maps
/// to it (the unified ideograph rather than a compatibility one, for text extraction).
fn glyph_chars(face: &ttf_parser::Face<'_>) -> HashMap<u16, char> {
    let mut map: HashMap<u16, char> = HashMap::new();
    let Some(cmap) = face.tables().cmap else {
        return map;
    };
    for table in cmap.subtables {
        if !table.is_unicode() {
            continue;
        }
        table.codepoints(|cp| {
            let (Some(c), Some(g)) = (char::from_u32(cp), table.glyph_index(cp)) else {
                return;
            };
            if g.0 != 0 {
                map.entry(g.0)
                    .and_modify(|old| *old = (*old).min(c))
                    .or_insert(c);
            }
        });
    }
    map
}

impl printpdf::FontData for CmapFont {
    fn font_metrics(&self) -> FontMetrics {
        printpdf::FontData::font_metrics(&self.rt)
    }

    fn glyph_id(&self, c: char) -> Option<u16> {
        printpdf::FontData::glyph_id(&self.rt, c)
    }

    fn glyph_ids(&self) -> HashMap<u16, char> {
        self.ids.clone()
    }

    fn glyph_metrics(&self, glyph_id: u16) -> Option<GlyphMetrics> {
        match self.metrics.get(&glyph_id) {
            Some(m) => Some(*m),
            None => printpdf::FontData::glyph_metrics(&self.rt, glyph_id),
        }
    }
}
