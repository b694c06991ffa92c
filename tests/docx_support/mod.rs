//! DOCX test helpers: the Wuyang fixture document, development font subsets, package parts.
#![allow(dead_code)]
use baogao::fonts::{Face, Subsets};
use baogao::model::{all_text, Annex, Block, Document, Entry, Inline, Note, Script};
use baogao::style::{Role, Style};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Wuyang report through the reading passes that have landed (decode, clean, structure);
/// until the notes reader and attach pass land, notes 1–32 of the notes fixture are referenced
/// at the end of the first 32 body paragraphs (the notes are Simplified, the report Traditional,
/// so terms cannot be matched without the script pass), and the annex holds all 33 entries.
pub fn wuyang_fixture() -> Document {
    use baogao::passes::{clean::Clean, structure::Structure, Pass};
    let path = root().join("input/wuyang-2024/report.txt");
    let (doc, _) = baogao::read::report(&path).unwrap();
    let mut report = baogao::report::Report::default();
    let doc = Clean.run(doc, &mut report).unwrap();
    let Document {
        title, mut blocks, ..
    } = Structure.run(doc, &mut report).unwrap();
    let csv = std::fs::read_to_string(root().join("../shared/fixtures/notes/notes.csv"))
        .or_else(|_| std::fs::read_to_string("/work/shared/fixtures/notes/notes.csv"))
        .unwrap();
    let entries: Vec<Entry> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .enumerate()
        .map(|(i, (t, x))| Entry {
            number: i as u32 + 1,
            term: t.into(),
            text: x.into(),
        })
        .collect();
    let mut notes = Vec::new();
    let mut n = 0u32;
    for b in blocks.iter_mut() {
        if let Block::Paragraph { content, .. } = b {
            if n < 32 {
                n += 1;
                content.push(Inline::NoteRef(n));
                let e = &entries[n as usize - 1];
                notes.push(Note {
                    number: n,
                    entry: e.number,
                    term: e.term.clone(),
                    text: e.text.clone(),
                });
            }
        }
    }
    Document {
        title,
        // What the script pass (not landed yet) detects for this report.
        script: Script::Hant,
        blocks,
        notes,
        annex: Some(Annex {
            label: "附件".into(),
            title: "《政府工作報告》有關注釋".into(),
            entries,
        }),
    }
}

/// Characters each role draws in the DOCX edition (development stand-in for the fonts
/// helper's usage).
fn usage(doc: &Document, style: &Style) -> BTreeMap<Role, BTreeSet<char>> {
    let r = &style.roles;
    let mut u: BTreeMap<Role, BTreeSet<char>> = BTreeMap::new();
    let mut add = |role: Role, s: &str| u.entry(role).or_default().extend(s.chars());
    let heading = |l: u8| match l {
        1 => r.heading1,
        2 => r.heading2,
        3 => r.heading3,
        _ => r.heading4,
    };
    for b in &doc.blocks {
        match b {
            Block::Title(_) => add(r.title, &b.text()),
            Block::Subtitle(_) => add(r.subtitle, &b.text()),
            Block::Salutation(_) => add(r.salutation, &b.text()),
            Block::Heading { level, .. } => add(heading(*level), &b.text()),
            Block::Paragraph { lead, content } => {
                if let Some(l) = lead {
                    add(heading(l.level), &baogao::model::plain(&l.content));
                }
                add(r.body, &baogao::model::plain(content));
                add(r.note, "0123456789");
            }
            _ => add(r.body, &b.text()),
        }
    }
    for n in &doc.notes {
        add(r.note, &format!("{}\u{FF1A}{} 0123456789", n.term, n.text));
    }
    if let Some(a) = &doc.annex {
        add(r.attachment_label, &a.label);
        add(r.attachment_title, &a.title);
        for e in &a.entries {
            add(
                r.body,
                &format!("{}.{}\u{FF1A}{}", e.number, e.term, e.text),
            );
        }
    }
    add(r.folio, "\u{2014} 0123456789");
    let _ = all_text(doc);
    u
}

/// Subsets built here until the fonts helper's `FontBook::subset` lands: each role's font cut
/// to the characters it draws (skera, hb-subset defaults).
pub fn dev_subsets(doc: &Document, style: &Style) -> Subsets {
    use read_fonts::collections::IntSet;
    use read_fonts::types::{GlyphId, NameId, Tag};
    use read_fonts::FontRef;
    let mut faces = BTreeMap::new();
    for (role, chars) in usage(doc, style) {
        let bytes = std::fs::read(style.font_path(role)).unwrap();
        let parsed = ttf_parser::Face::parse(&bytes, 0).unwrap();
        let chars: BTreeSet<char> = chars
            .into_iter()
            .filter(|c| parsed.glyph_index(*c).is_some())
            .collect();
        let family = parsed
            .names()
            .into_iter()
            .find(|n| n.name_id == 1 && n.is_unicode() && n.language_id == 0x409)
            .and_then(|n| n.to_string())
            .unwrap();
        let bold = parsed.is_bold();
        let postscript_name = parsed
            .names()
            .into_iter()
            .find(|n| n.name_id == 6 && n.is_unicode())
            .and_then(|n| n.to_string())
            .unwrap_or_default();
        let font = FontRef::new(&bytes).unwrap();
        let unicodes: IntSet<u32> = chars.iter().map(|c| *c as u32).collect();
        let mut drop = IntSet::<Tag>::empty();
        for t in [
            b"morx", b"mort", b"kerx", b"kern", b"JSTF", b"DSIG", b"EBDT", b"EBLC", b"EBSC",
            b"SVG ", b"PCLT", b"LTSH", b"Feat", b"Glat", b"Gloc", b"Silf", b"Sill",
        ] {
            drop.insert(Tag::new(t));
        }
        let mut scripts = IntSet::<Tag>::empty();
        scripts.invert();
        let mut features = IntSet::<Tag>::empty();
        features.extend(skera::DEFAULT_LAYOUT_FEATURES.iter().copied());
        let mut name_ids = IntSet::<NameId>::empty();
        name_ids.insert_range(NameId::from(0)..=NameId::from(6));
        let mut langs = IntSet::<u16>::empty();
        langs.insert(0x0409);
        let plan = skera::Plan::new(
            &IntSet::<GlyphId>::empty(),
            &unicodes,
            &font,
            skera::SubsetFlags::default(),
            &drop,
            &scripts,
            &features,
            &name_ids,
            &langs,
        );
        let data = skera::subset_font(&font, &plan).unwrap();
        faces.insert(
            role,
            Face {
                role,
                family,
                postscript_name,
                bold,
                data: Arc::new(data),
                chars,
            },
        );
    }
    Subsets {
        faces,
        fallback: style.fonts.fallback.clone(),
    }
}

/// Read one part of a zip package as text.
pub fn part(zip_bytes: &[u8], name: &str) -> Option<String> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).ok()?;
    let mut f = z.by_name(name).ok()?;
    let mut s = String::new();
    f.read_to_string(&mut s).ok()?;
    Some(s)
}

pub fn part_names(zip_bytes: &[u8]) -> Vec<String> {
    let z = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    z.file_names().map(String::from).collect()
}

pub fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("baogao-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
}
