//! One subset per font file in use, made by skera with hb-subset's default settings.
use super::load::FontFile;
use crate::error::{Error, Result};
use read_fonts::collections::IntSet;
use read_fonts::types::{NameId, Tag};
use read_fonts::FontRef;
use skera::{Plan, SubsetFlags};
use std::collections::BTreeSet;
use std::sync::Arc;

/// What a subset says about itself (from its own `name`, `OS/2` and `head` tables).
pub(crate) struct Made {
    pub data: Arc<Vec<u8>>,
    /// `data` deflated once ([`super::pack`]).
    pub packed: Arc<Vec<u8>>,
    pub family: String,
    pub postscript_name: String,
    pub bold: bool,
}

/// Subset `file` to `chars`: hb-subset's defaults (drop list, name IDs 0–6 in English, all
/// scripts, the default layout features, hints kept) plus the .notdef outline (so a missing glyph
/// shows as a box where a renderer asks for one) and without bidi-mirroring closure — horizontal
/// Chinese text never mirrors, and the cmap must map exactly the characters asked for.
pub(crate) fn make(file: &FontFile, chars: &BTreeSet<char>) -> Result<Made> {
    let fail = |message: String| Error::Font {
        path: file.path.clone(),
        message,
    };
    let font = FontRef::new(&file.data).map_err(|e| fail(format!("cannot subset: {e}")))?;
    let unicodes: IntSet<u32> = chars.iter().map(|&c| c as u32).collect();
    let mut flags = SubsetFlags::default();
    flags |= SubsetFlags::SUBSET_FLAGS_NOTDEF_OUTLINE;
    flags |= SubsetFlags::SUBSET_FLAGS_NO_BIDI_CLOSURE;
    let drop_tables: IntSet<Tag> = HB_DROP_TABLES.iter().map(|t| Tag::new(t)).collect();
    let mut layout_scripts = IntSet::<Tag>::empty();
    layout_scripts.invert();
    let layout_features: IntSet<Tag> = skera::DEFAULT_LAYOUT_FEATURES.iter().copied().collect();
    let mut name_ids = IntSet::<NameId>::empty();
    name_ids.insert_range(NameId::new(0)..=NameId::new(6));
    let mut name_languages = IntSet::<u16>::empty();
    name_languages.insert(0x0409);
    let plan = Plan::new(
        &IntSet::empty(),
        &unicodes,
        &font,
        flags,
        &drop_tables,
        &layout_scripts,
        &layout_features,
        &name_ids,
        &name_languages,
    );
    let data = skera::subset_font(&font, &plan).map_err(|e| fail(format!("cannot subset: {e}")))?;
    describe(data).map_err(|m| fail(format!("the subset is unusable: {m}")))
}

/// hb-subset's default drop list (hb-subset-input.cc), as skera's own CLI uses it.
const HB_DROP_TABLES: [&[u8; 4]; 17] = [
    b"morx", b"mort", b"kerx", b"kern", b"JSTF", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"SVG ",
    b"PCLT", b"LTSH", b"feat", b"Glat", b"Gloc", b"Silf", b"Sill",
];

fn describe(data: Vec<u8>) -> std::result::Result<Made, String> {
    let face = ttf_parser::Face::parse(&data, 0).map_err(|e| e.to_string())?;
    let name = |id: u16| {
        face.names()
            .into_iter()
            .filter(|n| n.name_id == id && n.is_unicode())
            .find_map(|n| n.to_string())
    };
    let family = name(ttf_parser::name_id::FAMILY).ok_or("no family name")?;
    let postscript_name =
        name(ttf_parser::name_id::POST_SCRIPT_NAME).ok_or("no PostScript name")?;
    let mac_bold = face
        .raw_face()
        .table(ttf_parser::Tag::from_bytes(b"head"))
        .and_then(|h| h.get(44..46))
        .is_some_and(|m| m[1] & 1 == 1);
    let bold = face.weight().to_number() >= 600 || mac_bold;
    let packed =
        super::deflate::archive(&data).map_err(|e| format!("cannot deflate the subset: {e}"))?;
    Ok(Made {
        data: Arc::new(data),
        packed: Arc::new(packed),
        family,
        postscript_name,
        bold,
    })
}
