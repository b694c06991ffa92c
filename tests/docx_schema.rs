//! The DOCX editions against the ECMA-376 schema as Word reads it (`openxml-audit`, PyPI), and
//! Word's navigation pane: every level-1/level-2 heading, run-in ones included, carries an
//! outline level (read back with python-docx).
mod common;
mod docx_support;

use baogao::edition::Format;
use baogao::fonts::{FontBook, Subsets};
use baogao::model::{plain, Block, Document, Inline, Lead};
use baogao::present::Plan;
use baogao::render::{render, RenderContext, FIXED_EPOCH};
use baogao::style::Style;
use baogao::Options;
use common::*;
use docx_support::*;
use std::sync::OnceLock;

fn style(name: &str) -> Style {
    Style::load(name).unwrap()
}

struct Wuyang {
    doc: Document,
    subsets: Subsets,
}

fn wuyang() -> &'static Wuyang {
    static W: OnceLock<Wuyang> = OnceLock::new();
    W.get_or_init(|| {
        let style = style("gongwen");
        let path = root().join("input/wuyang-2024/report.txt");
        let book = FontBook::load(&style).unwrap();
        let doc = baogao::prepare(&path, &Options::default(), &style, &book)
            .unwrap()
            .doc;
        let plan = Plan::new(&doc, &style, &book);
        let subsets = book.subset(&plan.usage).unwrap();
        Wuyang { doc, subsets }
    })
}

fn docx(doc: &Document, style: &Style) -> Vec<u8> {
    let plan = Plan::for_subsets(doc, style, &wuyang().subsets);
    let ctx = RenderContext {
        style,
        fonts: &wuyang().subsets,
        plan: &plan,
        epoch: FIXED_EPOCH,
        layout: None,
    };
    render(Format::Docx, doc, &ctx).unwrap()
}

fn text(s: &str) -> Inline {
    Inline::Text(s.to_string())
}

/// The Wuyang report with every block kind the model has: a date line, headings of levels 2–4
/// on lines of their own, run-in leads of levels 2–4, and notes referenced from a heading and a lead.
fn every_block_kind() -> Document {
    let mut d = wuyang().doc.clone();
    let n = d.notes.len() as u32;
    for k in 1..=2 {
        let mut note = d.notes[0].clone();
        note.number = n + k;
        d.notes.push(note);
    }
    let title = d
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Title(_)))
        .unwrap();
    // ——2024年1月 (the Wuyang report has no date line of its own).
    let date = "\u{2014}\u{2014}2024\u{5E74}1\u{6708}";
    d.blocks
        .insert(title + 1, Block::Subtitle(vec![text(date)]));
    let at = d
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Heading { level: 1, .. }))
        .unwrap()
        + 1;
    // （一）… ／ 1.… ／ （1）… in the report's own characters.
    let extra = [
        Block::Heading {
            level: 2,
            content: vec![
                text("\u{FF08}\u{4E00}\u{FF09}\u{7D93}\u{6FDF}"),
                Inline::NoteRef(n + 1),
            ],
        },
        Block::Heading {
            level: 3,
            content: vec![text("1.\u{5DE5}\u{696D}")],
        },
        Block::Heading {
            level: 4,
            content: vec![
                text("\u{FF08}1\u{FF09}\u{8FB2}\u{696D}"),
                Inline::NoteRef(n + 2),
            ],
        },
        Block::Paragraph {
            lead: Some(Lead {
                level: 3,
                content: vec![text("2.\u{670D}\u{52D9}\u{3002}")],
            }),
            content: vec![text("\u{5DE5}\u{696D}\u{3002}")],
        },
        Block::Paragraph {
            lead: Some(Lead {
                level: 4,
                content: vec![text("\u{FF08}2\u{FF09}\u{8FB2}\u{696D}\u{3002}")],
            }),
            content: vec![text("\u{670D}\u{52D9}\u{3002}")],
        },
    ];
    d.blocks.splice(at..at, extra);
    d
}

fn kinds(d: &Document) -> Vec<String> {
    let mut k: Vec<String> = d
        .blocks
        .iter()
        .map(|b| match b {
            Block::Title(_) => "title".to_string(),
            Block::Subtitle(_) => "subtitle".to_string(),
            Block::Salutation(_) => "salutation".to_string(),
            Block::Heading { level, content } => {
                let noted = content.iter().any(|i| matches!(i, Inline::NoteRef(_)));
                format!("heading{level}{}", if noted { "+note" } else { "" })
            }
            Block::Paragraph { lead: Some(l), .. } => format!("lead{}", l.level),
            Block::Paragraph { .. } => "paragraph".to_string(),
            Block::Attachment { .. } => "attachment".to_string(),
            #[allow(unreachable_patterns)]
            _ => "other".to_string(),
        })
        .collect();
    if d.annex.is_some() {
        k.push("annex".to_string());
    }
    k.sort();
    k.dedup();
    k
}

#[test]
fn every_docx_is_schema_valid() {
    let full = every_block_kind();
    let k = kinds(&full);
    for want in [
        "title",
        "subtitle",
        "salutation",
        "heading1",
        "heading2+note",
        "heading3",
        "heading4+note",
        "lead2",
        "lead3",
        "lead4",
        "paragraph",
        "attachment",
        "annex",
    ] {
        assert!(k.iter().any(|x| x == want), "no {want} block: {k:?}");
    }
    if !tool("openxml-audit") {
        return;
    }
    let mut plain_doc = wuyang().doc.clone();
    plain_doc.blocks.truncate(8);
    for b in plain_doc.blocks.iter_mut() {
        for seq in b.inlines_mut() {
            seq.retain(|i| !matches!(i, Inline::NoteRef(_)));
        }
    }
    plain_doc.notes.clear();
    let dir = temp_dir("docx-audit");
    let mut n = 0;
    for name in ["gongwen", "compact"] {
        let s = style(name);
        for (what, doc) in [
            ("wuyang", &wuyang().doc),
            ("every-block", &full),
            ("no-notes", &plain_doc),
        ] {
            write(&dir.join(format!("{what}-{name}.docx")), &docx(doc, &s));
            n += 1;
        }
    }
    common::openxml_audit(&dir, n);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Each paragraph's effective outline level (its own `w:outlineLvl`, else its style's, else
/// 9 = body text) and its text, as python-docx reads them.
const OUTLINE: &str = r#"
import sys, docx
from docx.oxml.ns import qn
def level(p):
    ppr = p._p.pPr
    if ppr is not None and ppr.find(qn('w:outlineLvl')) is not None:
        return ppr.find(qn('w:outlineLvl')).get(qn('w:val'))
    s = p.style
    while s is not None:
        ppr = s.element.pPr
        if ppr is not None and ppr.find(qn('w:outlineLvl')) is not None:
            return ppr.find(qn('w:outlineLvl')).get(qn('w:val'))
        s = s.base_style
    return '9'
for p in docx.Document(sys.argv[1]).paragraphs:
    print(level(p) + '\t' + p.text.replace('\n', ' '))
"#;

#[test]
fn navigation_pane_lists_every_level_one_and_two_heading() {
    if !tool("python3") {
        return;
    }
    let doc = every_block_kind();
    let dir = temp_dir("docx-outline");
    let path = dir.join("every-block.docx");
    write(&path, &docx(&doc, &style("gongwen")));
    let Some(stdout) = common::python_docx(OUTLINE, &path) else {
        return;
    };
    let outlined: Vec<(u8, &str)> = stdout
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .filter_map(|(lvl, text)| Some((lvl.parse::<u8>().ok()?, text)))
        .filter(|(lvl, _)| *lvl < 9)
        .collect();
    // What the pane must list, in reading order: (outline level, text the paragraph opens with).
    let mut want: Vec<(u8, String)> = Vec::new();
    for b in &doc.blocks {
        match b {
            Block::Heading { level, content } => want.push((level - 1, plain(content))),
            Block::Paragraph { lead: Some(l), .. } => want.push((l.level - 1, plain(&l.content))),
            _ => {}
        }
    }
    let top: Vec<&(u8, String)> = want.iter().filter(|(l, _)| *l <= 1).collect();
    assert!(top.iter().filter(|(l, _)| *l == 1).count() >= 5, "{want:?}");
    let got: Vec<(u8, &str)> = outlined.iter().copied().filter(|(l, _)| *l <= 1).collect();
    assert_eq!(
        got.len(),
        top.len(),
        "outline levels 0–1: {got:?}\nwanted {top:?}"
    );
    for ((gl, gt), (wl, wt)) in got.iter().zip(&top) {
        assert_eq!(gl, wl, "{gt}");
        // The paragraph text may carry a note mark after the heading; the heading opens it.
        assert!(
            gt.starts_with(wt.as_str()),
            "{gt:?} should open with {wt:?}"
        );
    }
    // Levels 3 and 4 (own line or run in) are listed one level deeper each.
    assert_eq!(outlined.len(), want.len(), "{outlined:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
