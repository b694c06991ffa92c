// baogao patch (see PATCHES.md): font data for printpdf that lists the font's characters by
// walking its `cmap` with ttf-parser instead of asking rusttype about every one of the
// 1,114,112 Unicode scalar values. Metrics are rusttype's, exactly as printpdf reads them.
use printpdf::types::plugins::graphics::two_dimensional::font::{FontMetrics, GlyphMetrics};
use std::collections::HashMap;

/// printpdf font data: rusttype for metrics and lookups, a precomputed glyph → character map.
#[derive(Clone, Debug)]
pub(crate) struct CmapFont {
    rt: rusttype::Font<'static>,
    ids: HashMap<u16, char>,
}

impl CmapFont {
    pub(crate) fn new(rt: rusttype::Font<'static>, data: &[u8]) -> CmapFont {
        CmapFont {
            rt,
            ids: glyph_chars(data),
        }
    }
}

/// Every glyph the font's Unicode cmap subtables reach, with the lowest character that maps
/// to it (the unified ideograph rather than a compatibility one, for text extraction).
fn glyph_chars(data: &[u8]) -> HashMap<u16, char> {
    let mut map: HashMap<u16, char> = HashMap::new();
    let Ok(face) = ttf_parser::Face::parse(data, 0) else {
        return map;
    };
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
        printpdf::FontData::glyph_metrics(&self.rt, glyph_id)
    }
}
