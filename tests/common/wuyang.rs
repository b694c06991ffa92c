//! The Wuyang report as a document, shaped by hand from input/wuyang-2024/report.txt (shared by
//! tests/fonts.rs and benches/fonts.rs).
#![allow(dead_code)]
use baogao::model::{Block, Document, Inline, Lead, Note};
use std::path::Path;

pub const IDEOGRAPHIC_COMMA: char = '\u{3001}';
pub const FULL_STOP: char = '\u{3002}';
pub const LEFT_PAREN: char = '\u{FF08}';

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The report's own text, shaped by hand (the passes are not involved): `一、…` lines become
/// level-1 headings, `（一）…。` or `(一)…。` leads open paragraphs, the `…工作報告` line is the title, and
/// every other line is a paragraph; twelve notes, each lead paragraph marked with note 1.
pub fn wuyang() -> Document {
    let text = std::fs::read_to_string(root().join("input/wuyang-2024/report.txt")).unwrap();
    let numerals = "一二三四五六七八九十";
    let mut blocks = Vec::new();
    let mut title = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut chars = line.chars();
        let first = chars.next().unwrap();
        let second = chars.next();
        if title.is_empty() && line.ends_with("報告") {
            title = line.to_string();
            blocks.push(Block::Title(vec![Inline::Text(line.into())]));
        } else if numerals.contains(first) && second == Some(IDEOGRAPHIC_COMMA) {
            blocks.push(Block::Heading {
                level: 1,
                content: vec![Inline::Text(line.into())],
            });
        } else if (first == LEFT_PAREN || first == '(') && line.contains(FULL_STOP) {
            let end = line.find(FULL_STOP).unwrap() + FULL_STOP.len_utf8();
            blocks.push(Block::Paragraph {
                lead: Some(Lead {
                    level: 2,
                    content: vec![Inline::Text(line[..end].into())],
                }),
                content: vec![Inline::Text(line[end..].into()), Inline::NoteRef(1)],
            });
        } else {
            blocks.push(Block::Paragraph {
                lead: None,
                content: vec![Inline::Text(line.into())],
            });
        }
    }
    assert!(!title.is_empty(), "no title line in report.txt");
    let mut doc = Document::new(blocks);
    doc.notes = (1..=12)
        .map(|n| Note {
            number: n,
            entry: n,
            term: "三強三美".into(),
            text: "強縣、富民、增信。".into(),
        })
        .collect();
    doc
}
