//! The PDF edition on the Wuyang 2024 report with its 32 notes, checked with pdffonts, qpdf,
//! pdftotext and pdfinfo.
mod common;
mod pdf_support;
use baogao::edition::Format;
use baogao::layout::linebreak::no_start;
use baogao::render::{render, RenderContext, FIXED_EPOCH};
use baogao::style::Style;
use pdf_support::*;
use std::sync::OnceLock;

struct Built {
    doc: baogao::model::Document,
    pdf: Vec<u8>,
    dir: tempfile::TempDir,
}

fn built() -> &'static Built {
    static B: OnceLock<Built> = OnceLock::new();
    B.get_or_init(|| {
        let style = Style::load("gongwen").unwrap();
        let (doc, fonts) = wuyang(&style);
        let ctx = RenderContext {
            style: &style,
            fonts: &fonts,
            epoch: FIXED_EPOCH,
        };
        let pdf = render(Format::Pdf, &doc, &ctx).unwrap();
        let dir = tempfile::tempdir().unwrap();
        write_tmp(dir.path(), "wuyang.pdf", &pdf);
        // Keep a copy to look at: BAOGAO_TEST_OUT=/some/dir.
        if let Ok(out) = std::env::var("BAOGAO_TEST_OUT") {
            write_tmp(std::path::Path::new(&out), "wuyang.pdf", &pdf);
        }
        Built { doc, pdf, dir }
    })
}

fn path() -> String {
    built().dir.path().join("wuyang.pdf").display().to_string()
}

fn pages() -> usize {
    let Some(o) = tool("pdfinfo", &[&path()]) else {
        return 0;
    };
    text_of(&o)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn every_font_is_embedded_subset_with_tounicode() {
    let Some(o) = tool("pdffonts", &[&path()]) else {
        return;
    };
    let out = text_of(&o);
    let rows: Vec<&str> = out.lines().skip(2).collect();
    assert!(rows.len() >= 3, "{out}");
    for r in rows {
        let cols: Vec<&str> = r.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "{r}");
        assert!(cols[0].len() > 7 && cols[0].as_bytes()[6] == b'+', "{r}");
    }
}

#[test]
fn qpdf_finds_no_errors() {
    let Some(o) = tool("qpdf", &["--check", &path()]) else {
        return;
    };
    let out = text_of(&o);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("No syntax or stream encoding errors"), "{out}");
}

#[test]
fn every_han_character_and_note_survives() {
    let Some(o) = tool("pdftotext", &[&path(), "-"]) else {
        return;
    };
    let doc = &built().doc;
    let mut want = String::new();
    for b in &doc.blocks {
        want.push_str(&b.text());
    }
    for n in &doc.notes {
        want.push_str(&n.text);
    }
    let annex = doc.annex.as_ref().unwrap();
    want.push_str(&annex.label);
    want.push_str(&annex.title);
    for e in &annex.entries {
        want.push_str(&e.term);
        want.push_str(&e.text);
    }
    common::assert_same_han(&text_of(&o), &want, "pdftotext");
    assert_eq!(doc.notes.len(), 32);
}

#[test]
fn no_body_or_note_line_starts_with_a_no_start_character() {
    let Some(o) = tool("pdftotext", &["-layout", &path(), "-"]) else {
        return;
    };
    let out = text_of(&o);
    let mut bad = Vec::new();
    for line in out.lines() {
        let t = line.trim_start();
        let Some(first) = t.chars().next() else {
            continue;
        };
        // Folio lines `— 12 —` aside.
        if first == '\u{2014}' && t.trim_end().ends_with('\u{2014}') {
            continue;
        }
        if no_start(first) {
            bad.push(t.to_string());
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn each_note_starts_on_the_page_of_its_mark() {
    let n = pages();
    if n == 0 {
        return;
    }
    assert!(n > 10, "{n} pages");
    let doc = &built().doc;
    // Each note's text, and the text before its mark, located page by page.
    let mut page_text = Vec::new();
    for p in 1..=n {
        let o = tool(
            "pdftotext",
            &["-f", &p.to_string(), "-l", &p.to_string(), &path(), "-"],
        )
        .unwrap();
        let t: String = text_of(&o).chars().filter(|c| !c.is_whitespace()).collect();
        page_text.push(t);
    }
    let squash = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    for note in &doc.notes {
        // The mark's page: the page whose text holds the words right before the mark.
        let before = doc
            .blocks
            .iter()
            .find_map(|b| {
                b.inlines().iter().find_map(|seq| {
                    let k = seq.iter().position(
                        |i| matches!(i, baogao::model::Inline::NoteRef(m) if *m == note.number),
                    )?;
                    match &seq[k.checked_sub(1)?] {
                        baogao::model::Inline::Text(t) => {
                            Some(t.chars().rev().take(3).collect::<Vec<_>>())
                        }
                        _ => None,
                    }
                })
            })
            .unwrap();
        let before: String = before.into_iter().rev().collect();
        let mark = format!("{before}{}", note.number);
        let mark_page = page_text.iter().position(|t| t.contains(&mark));
        let head: String = squash(&note.text).chars().take(6).collect();
        let start = format!("{}{head}", note.number);
        let note_page = page_text.iter().position(|t| t.contains(&start));
        assert!(
            mark_page.is_some(),
            "mark of note {} ({mark}) not found",
            note.number
        );
        assert_eq!(mark_page, note_page, "note {} ({start})", note.number);
    }
}

#[test]
fn file_is_at_most_one_megabyte_and_reruns_are_identical() {
    let b = built();
    assert!(b.pdf.len() <= 1_000_000, "{} bytes", b.pdf.len());
    let style = Style::load("gongwen").unwrap();
    let (_, fonts) = wuyang(&style);
    let ctx = RenderContext {
        style: &style,
        fonts: &fonts,
        epoch: FIXED_EPOCH,
    };
    let again = render(Format::Pdf, &b.doc, &ctx).unwrap();
    assert!(again == b.pdf, "second render differs");
}

#[test]
fn metadata_lang_outline_and_no_pdfx_claim() {
    let b = built();
    let doc = lopdf::Document::load_mem(&b.pdf).unwrap();
    let cat = doc.catalog().unwrap();
    assert!(cat.get(b"OutputIntents").is_err());
    assert!(cat.get(b"Outlines").is_ok());
    let raw = String::from_utf8_lossy(&b.pdf);
    assert!(!raw.contains("GTS_PDFX"));
    let Some(o) = tool("pdfinfo", &["-isodates", &path()]) else {
        return;
    };
    let info = text_of(&o);
    assert!(info.contains(&b.doc.title), "{info}");
    assert!(info.contains("2000-01-01T00:00:00"), "{info}");
    let Some(o) = tool("qpdf", &["--json", "--json-key=outlines", &path()]) else {
        return;
    };
    let outl = text_of(&o);
    assert!(
        outl.contains("\u{4E00}\u{3001}2023"),
        "level-1 heading in the outline"
    );
}
