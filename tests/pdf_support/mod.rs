//! Support for the PDF tests: the Wuyang report as a document (from the typst anchor's
//! Markdown, made from the real input, until the readers and passes land in main), font subsets
//! made with skera (until `FontBook::subset` lands), and tool runners.
#![allow(dead_code)]
use baogao::fonts::{Face, Subsets};
use baogao::model::{Annex, Block, Document, Entry, Inline, Lead, Note, Script};
use baogao::style::{Role, Style};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Inlines from Markdown text with `[^nK]` references; `order` numbers notes on first sight.
fn inlines(text: &str, order: &mut Vec<u32>) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("[^n") {
        if i > 0 {
            out.push(Inline::Text(rest[..i].to_string()));
        }
        let after = &rest[i + 3..];
        let end = after.find(']').unwrap();
        let entry: u32 = after[..end].parse().unwrap();
        let number = match order.iter().position(|&e| e == entry) {
            Some(p) => p as u32 + 1,
            None => {
                order.push(entry);
                order.len() as u32
            }
        };
        out.push(Inline::NoteRef(number));
        rest = &after[end + 1..];
    }
    if !rest.is_empty() {
        out.push(Inline::Text(rest.to_string()));
    }
    out
}

/// The Wuyang 2024 report (traditional script, 32 notes) as a document.
pub fn wuyang() -> Document {
    let md = std::fs::read_to_string(root().join("tests/fixtures/wuyang-2024.md")).unwrap();
    let mut order = Vec::new();
    let mut blocks = Vec::new();
    let mut defs: BTreeMap<u32, String> = BTreeMap::new();
    let mut title = String::new();
    for line in md.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(t) = line.strip_prefix("% ") {
            title = t.to_string();
            blocks.push(Block::Title(vec![Inline::Text(t.to_string())]));
        } else if let Some(h) = line.strip_prefix("# ") {
            blocks.push(Block::Heading {
                level: 1,
                content: inlines(h, &mut order),
            });
        } else if let Some(d) = line.strip_prefix("[^n") {
            let end = d.find(']').unwrap();
            defs.insert(d[..end].parse().unwrap(), d[end + 3..].trim().to_string());
        } else if line.starts_with("\u{9644}\u{4EF6}\u{FF1A}") {
            blocks.push(Block::Attachment {
                content: vec![Inline::Text(line.to_string())],
                file: None,
            });
        } else if line.ends_with('\u{FF1A}') && line.chars().count() < 10 {
            blocks.push(Block::Salutation(vec![Inline::Text(line.to_string())]));
        } else if line.starts_with('\u{FF08}') && line.contains('\u{3002}') {
            let cut = line.find('\u{3002}').unwrap() + '\u{3002}'.len_utf8();
            blocks.push(Block::Paragraph {
                lead: Some(Lead {
                    level: 2,
                    content: inlines(&line[..cut], &mut order),
                }),
                content: inlines(&line[cut..], &mut order),
            });
        } else {
            blocks.push(Block::Paragraph {
                lead: None,
                content: inlines(line, &mut order),
            });
        }
    }
    let notes = order
        .iter()
        .enumerate()
        .map(|(i, e)| Note {
            number: i as u32 + 1,
            entry: *e,
            term: String::new(),
            text: defs[e].clone(),
        })
        .collect();
    let entries = defs
        .iter()
        .map(|(n, t)| Entry {
            number: *n,
            term: String::new(),
            text: t.clone(),
        })
        .collect();
    Document {
        title,
        script: Script::Hant,
        blocks,
        notes,
        annex: Some(Annex {
            label: "\u{9644}\u{4EF6}".into(),
            title: "\u{300A}\u{653F}\u{5E9C}\u{5DE5}\u{4F5C}\u{5831}\u{544A}\u{300B}\u{6709}\u{95DC}\u{6CE8}\u{91CB}".into(),
            entries,
        }),
    }
}

/// One subset per role holding the document's characters plus folio marks (skera, hb-subset
/// defaults).
pub fn subsets(doc: &Document, style: &Style) -> Subsets {
    // What each role draws in the gongwen style (the fonts helper's `Usage` will replace this).
    let mut by_role: BTreeMap<Role, String> = BTreeMap::new();
    let mut add = |r: Role, t: &str| by_role.entry(r).or_default().push_str(t);
    add(Role::Song, &baogao::model::all_text(doc));
    add(Role::Song, "0123456789 .\u{2014}\u{3013}\u{FF1A}");
    for b in &doc.blocks {
        match b {
            Block::Title(_) => add(style.roles.title, &b.text()),
            Block::Subtitle(_) => add(style.roles.subtitle, &b.text()),
            Block::Heading { level: 1, .. } => add(style.roles.heading1, &b.text()),
            Block::Paragraph { lead: Some(l), .. } => {
                add(style.roles.heading2, &baogao::model::plain(&l.content))
            }
            _ => {}
        }
    }
    if let Some(a) = &doc.annex {
        add(style.roles.attachment_label, &a.label);
        add(style.roles.attachment_title, &a.title);
    }
    let mut faces = BTreeMap::new();
    for role in Role::ALL {
        let want: BTreeSet<char> = by_role
            .get(&role)
            .map(|t| t.chars().collect())
            .unwrap_or_default();
        let full = std::fs::read(style.font_path(role)).unwrap();
        let f = ttf_parser::Face::parse(&full, 0).unwrap();
        let chars: BTreeSet<char> = want
            .iter()
            .copied()
            .filter(|c| f.glyph_index(*c).is_some())
            .collect();
        let ps = f
            .names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
            .unwrap_or_else(|| role.name().to_string());
        let family = f
            .names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::FAMILY)
            .find_map(|n| n.to_string())
            .unwrap_or_else(|| role.name().to_string());
        let font = read_fonts::FontRef::new(&full).unwrap();
        let list: Vec<String> = chars.iter().map(|c| format!("{:X}", *c as u32)).collect();
        let unicodes = skera::parse_unicodes(&list.join(",")).unwrap();
        let e = read_fonts::collections::IntSet::empty();
        let plan = skera::Plan::new(
            &read_fonts::collections::IntSet::empty(),
            &unicodes,
            &font,
            skera::SubsetFlags::default(),
            &read_fonts::collections::IntSet::empty(),
            &read_fonts::collections::IntSet::empty(),
            &read_fonts::collections::IntSet::empty(),
            &read_fonts::collections::IntSet::empty(),
            &e,
        );
        let data = skera::subset_font(&font, &plan).unwrap();
        faces.insert(
            role,
            Face {
                role,
                family,
                postscript_name: ps,
                bold: matches!(role, Role::SongBold | Role::Hei),
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

/// Run a tool; `None` (with a note) when it is missing and CI is not set.
pub fn tool(name: &str, args: &[&str]) -> Option<std::process::Output> {
    match Command::new(name).args(args).output() {
        Ok(o) => Some(o),
        Err(e) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{name} is required on CI: {e}");
            }
            eprintln!("note: {name} not found ({e}); skipping");
            None
        }
    }
}

pub fn text_of(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Han characters of `s` as a multiset.
pub fn han_multiset(s: &str) -> BTreeMap<char, usize> {
    let mut m = BTreeMap::new();
    for c in s.chars().filter(|c| is_han(*c)) {
        *m.entry(c).or_default() += 1;
    }
    m
}

pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

pub fn write_tmp(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}
