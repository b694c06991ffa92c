//! The PDF edition on the Wuyang 2024 report with its 32 notes, checked with pdffonts, qpdf,
//! pdftotext and pdfinfo.
mod common;
mod pdf_support;
use baogao::edition::Format;
use baogao::layout::linebreak::no_start;
use baogao::present::{footnote_text, Plan};
use baogao::render::{render, RenderContext, FIXED_EPOCH};
use baogao::style::Style;
use pdf_support::*;
use std::sync::OnceLock;

struct Built {
    doc: baogao::model::Document,
    /// What layout decided (the same call the PDF writer makes).
    pages: baogao::layout::frame::Pages,
    pdf: Vec<u8>,
    dir: tempfile::TempDir,
}

fn built() -> &'static Built {
    static B: OnceLock<Built> = OnceLock::new();
    B.get_or_init(|| {
        let style = Style::load("gongwen").unwrap();
        let (doc, fonts) = wuyang(&style);
        let plan = Plan::for_subsets(&doc, &style, &fonts);
        let ctx = RenderContext {
            style: &style,
            fonts: &fonts,
            plan: &plan,
            epoch: FIXED_EPOCH,
            layout: None,
        };
        let pdf = render(Format::Pdf, &doc, &ctx).unwrap();
        let pages = baogao::layout::layout(&doc, &style, &fonts, &plan).unwrap();
        let dir = tempfile::tempdir().unwrap();
        write_tmp(dir.path(), "wuyang.pdf", &pdf);
        // Keep a copy to look at: BAOGAO_TEST_OUT=/some/dir.
        if let Ok(out) = std::env::var("BAOGAO_TEST_OUT") {
            write_tmp(std::path::Path::new(&out), "wuyang.pdf", &pdf);
        }
        Built {
            doc,
            pages,
            pdf,
            dir,
        }
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
        want.push_str(&footnote_text(&n.term, &n.text));
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

/// The three corrupted spans of the report, repaired from their bytes (docs/repair.md), are
/// printed as written, and no U+3013 stands in for a missing glyph.
#[test]
fn the_repaired_spans_read_back_as_written() {
    let Some(o) = tool("pdftotext", &[&path(), "-"]) else {
        return;
    };
    let text: String = text_of(&o).chars().filter(|c| !c.is_whitespace()).collect();
    for s in ["燃氣安全排查整治", "堅持擴增量穩存量", "基礎設施建設工程"] {
        assert!(text.contains(s), "{s} not in the PDF text");
    }
    assert!(!text.contains('\u{3013}'));
}

/// Lines are read from the glyph positions (pdfplumber: characters of 10 pt and more grouped by
/// baseline, in x order), not from pdftotext: poppler splits a squeezed pair of marks, whose
/// full-em glyph boxes overlap, onto a line of its own (docs/pdf-layout.md).
#[test]
fn no_body_or_note_line_starts_with_a_no_start_character() {
    const SCRIPT: &str = r#"import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        lines = {}
        for c in page.chars:
            if c['size'] >= 10:
                lines.setdefault(round(c['matrix'][5], 1), []).append(c)
        for y in sorted(lines):
            cs = sorted(lines[y], key=lambda c: c['x0'])
            print(''.join(c['text'] for c in cs))
"#;
    let o = std::process::Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(path())
        .output()
        .expect("python3 runs");
    let err = String::from_utf8_lossy(&o.stderr);
    if err.contains("No module named 'pdfplumber'") {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "pdfplumber missing under CI"
        );
        eprintln!("note: pdfplumber not installed; skipping");
        return;
    }
    assert!(o.status.success(), "{err}");
    let out = text_of(&o);
    assert!(out.lines().count() > 400, "{out}");
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
        let head: String = squash(&footnote_text(&note.term, &note.text))
            .chars()
            .take(6)
            .collect();
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
    let plan = Plan::for_subsets(&b.doc, &style, &fonts);
    let ctx = RenderContext {
        style: &style,
        fonts: &fonts,
        plan: &plan,
        epoch: FIXED_EPOCH,
        layout: None,
    };
    let again = render(Format::Pdf, &b.doc, &ctx).unwrap();
    assert!(again == b.pdf, "second render differs");
}

#[test]
fn metadata_lang_outline_and_a_pdfa_claim_only() {
    let b = built();
    let doc = lopdf::Document::load_mem(&b.pdf).unwrap();
    let cat = doc.catalog().unwrap();
    let intents = cat.get(b"OutputIntents").unwrap().as_array().unwrap();
    let intent = intents[0].as_dict().unwrap();
    assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFA1");
    assert!(cat.get(b"Outlines").is_ok());
    let raw = String::from_utf8_lossy(&b.pdf);
    assert!(!raw.contains("GTS_PDFX"));
    assert!(
        raw.contains("<pdfaid:part>1</pdfaid:part>"),
        "XMP packet unfiltered"
    );
    let Some(o) = tool("pdfinfo", &["-isodates", &path()]) else {
        return;
    };
    let info = text_of(&o);
    assert!(info.contains(&b.doc.title()), "{info}");
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

/// Where a PDF viewer puts each glyph of a page: the text operators of its content stream
/// replayed with the `W` widths of its fonts (`Td` from `BT`, `Tf`, `TJ`/`Tj` with their
/// adjustments). Returns the x of every glyph in drawing order and the number of text objects.
fn glyph_xs(doc: &lopdf::Document, page: lopdf::ObjectId) -> (Vec<f32>, usize) {
    use lopdf::Object;
    let num = |o: &Object| {
        o.as_float()
            .or_else(|_| o.as_i64().map(|i| i as f32))
            .unwrap()
    };
    let deref = |o: &Object| match o {
        Object::Reference(id) => doc.get_object(*id).unwrap().clone(),
        other => other.clone(),
    };
    // Resource name → (gid → width in thousandths of an em).
    let mut widths: std::collections::BTreeMap<Vec<u8>, std::collections::HashMap<u16, f32>> =
        Default::default();
    for (name, font) in doc.get_page_fonts(page).unwrap() {
        let Ok(desc) = font.get(b"DescendantFonts") else {
            continue;
        };
        let desc = deref(desc);
        let cid = deref(&desc.as_array().unwrap()[0]);
        let mut map = std::collections::HashMap::new();
        if let Ok(w) = cid.as_dict().unwrap().get(b"W") {
            let w = deref(w);
            let w = w.as_array().unwrap();
            let mut i = 0;
            while i + 1 < w.len() {
                let first = num(&w[i]) as u16;
                for (k, v) in deref(&w[i + 1]).as_array().unwrap().iter().enumerate() {
                    map.insert(first + k as u16, num(v));
                }
                i += 2;
            }
        }
        widths.insert(name.clone(), map);
    }
    let content = lopdf::content::Content::decode(&doc.get_page_content(page).unwrap()).unwrap();
    let (mut xs, mut objects) = (Vec::new(), 0);
    let (mut x, mut size, mut font) = (0.0_f32, 0.0_f32, Vec::new());
    for op in &content.operations {
        match op.operator.as_str() {
            "BT" => {
                objects += 1;
                x = 0.0;
            }
            "Td" => x += num(&op.operands[0]),
            "Tf" => {
                font = op.operands[0].as_name().unwrap().to_vec();
                size = num(&op.operands[1]);
            }
            "TJ" | "Tj" => {
                let items = match &op.operands[0] {
                    Object::Array(a) => a.clone(),
                    other => vec![other.clone()],
                };
                for item in items {
                    match item {
                        Object::String(bytes, _) => {
                            for gid in bytes.chunks(2).map(|b| u16::from_be_bytes([b[0], b[1]])) {
                                xs.push(x);
                                x += widths[&font].get(&gid).copied().unwrap_or(1000.0) / 1000.0
                                    * size;
                            }
                        }
                        n => x -= num(&n) / 1000.0 * size,
                    }
                }
            }
            _ => {}
        }
    }
    (xs, objects)
}

#[test]
fn every_glyph_sits_where_layout_put_it_and_a_line_is_one_text_object() {
    use baogao::layout::frame::FrameItem;
    let b = built();
    let doc = lopdf::Document::load_mem(&b.pdf).unwrap();
    let ids: Vec<_> = doc.get_pages().values().copied().collect();
    assert_eq!(ids.len(), b.pages.frames.len());
    let (mut glyphs, mut objects, mut worst) = (0usize, 0usize, 0.0_f32);
    for (frame, id) in b.pages.frames.iter().zip(ids) {
        let want: Vec<f32> = frame
            .items
            .iter()
            .filter_map(|i| match i {
                FrameItem::Glyphs { glyphs, .. } => Some(glyphs.iter().map(|g| g.x)),
                _ => None,
            })
            .flatten()
            .collect();
        let runs = frame
            .items
            .iter()
            .filter(|i| matches!(i, FrameItem::Glyphs { glyphs, .. } if !glyphs.is_empty()))
            .count();
        let (got, n) = glyph_xs(&doc, id);
        assert_eq!(got.len(), want.len(), "glyph count on a page");
        assert_eq!(n, runs, "one text object per run of glyphs");
        for (g, w) in got.iter().zip(&want) {
            worst = worst.max((g - w).abs());
        }
        glyphs += want.len();
        objects += n;
    }
    eprintln!("{glyphs} glyphs, {objects} text objects, worst offset {worst} pt");
    // Rounding: Td to 1/100 pt, TJ adjustments to 1/1000 em (0.022 pt at 22 pt).
    assert!(
        worst < 0.02,
        "a glyph is {worst} pt away from where layout put it"
    );
    // Lines, not characters: the report has ~15,000 glyphs on ~700 lines and marks.
    assert!(
        glyphs > 10 * objects,
        "{glyphs} glyphs in {objects} text objects"
    );
}

/// clreq's squeeze of adjacent marks (`。”` `，“` `）。` `”，`): every pair of full-width marks
/// side by side spans at most 1.5 em on the page, read back from the glyph positions with
/// pdfplumber (tests/pdf_support/punctuation_pairs.py; before the squeeze the Wuyang report had
/// 94 such pairs at 2 em, docs/pdf-layout.md).
#[test]
fn adjacent_marks_are_squeezed_to_one_and_a_half_em() {
    let script = root().join("tests/pdf_support/punctuation_pairs.py");
    let o = std::process::Command::new("python3")
        .arg(&script)
        .arg(path())
        .output()
        .expect("python3 runs");
    let err = String::from_utf8_lossy(&o.stderr);
    if err.contains("No module named 'pdfplumber'") {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "pdfplumber missing under CI"
        );
        eprintln!("note: pdfplumber not installed; skipping");
        return;
    }
    assert!(o.status.success(), "{err}");
    let out = text_of(&o);
    let counts: Vec<usize> = out
        .lines()
        .next()
        .unwrap()
        .split(' ')
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(counts[0] > 50, "the report has many adjacent pairs: {out}");
    assert_eq!(counts[1], 0, "{out}");
}

#[test]
fn preflight_finds_no_pdfa_1b_error() {
    common::assert_pdfa_1b(&built().dir.path().join("wuyang.pdf"));
}

/// The folio printed at the foot of a page (`— 12 —`), if any.
fn printed_folio(page: &str) -> Option<String> {
    let line = page.lines().rev().find(|l| !l.trim().is_empty())?;
    let inner = line
        .trim()
        .strip_prefix('\u{2014}')?
        .strip_suffix('\u{2014}')?;
    Some(inner.trim().to_string())
}

#[test]
fn page_labels_are_the_printed_folios() {
    let Some(labels) = common::page_labels(std::path::Path::new(&path())) else {
        return;
    };
    assert_eq!(labels.len(), pages());
    for (i, label) in labels.iter().enumerate() {
        let n = (i + 1).to_string();
        let Some(o) = tool("pdftotext", &["-f", &n, "-l", &n, "-layout", &path(), "-"]) else {
            return;
        };
        assert_eq!(
            printed_folio(&text_of(&o)).as_deref(),
            Some(label.as_str()),
            "page {n}"
        );
    }
}

/// `pdfinfo -struct-text`'s elements at the first level under `/Document`: (type, text of the
/// element and its kids).
fn structure(pdf: &str) -> Option<Vec<(String, String)>> {
    let o = tool("pdfinfo", &["-struct-text", pdf])?;
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text_of(&o).lines() {
        let depth = line.len() - line.trim_start().len();
        let t = line.trim();
        if depth == 2 && !t.starts_with('"') {
            let kind = t.split_whitespace().next().unwrap_or("").to_string();
            out.push((kind, String::new()));
        } else if let (Some(last), true) = (out.last_mut(), t.starts_with('"')) {
            last.1 += t.trim_matches('"');
        }
    }
    Some(out)
}

#[test]
fn tagged_headings_paragraphs_and_notes_in_reading_order() {
    let b = built();
    let Some(o) = tool("pdfinfo", &[&path()]) else {
        return;
    };
    assert!(text_of(&o).contains("Tagged:          yes"));
    let Some(elements) = structure(&path()) else {
        return;
    };
    let han = |s: &str| -> String { s.chars().filter(|&c| common::is_han(c)).collect() };
    // The title, then each heading of the model, in order, with its text.
    use baogao::model::Block;
    let mut expected = vec![("H1".to_string(), han(&b.doc.title()))];
    for block in &b.doc.blocks {
        if let Block::Heading { level, .. } = block {
            expected.push((format!("H{level}"), han(&block.text())));
        }
    }
    // The appended annex (the notes file) opens with its title as a level-1 heading.
    if let Some(annex) = &b.doc.annex {
        expected.push(("H1".to_string(), han(&annex.title)));
    }
    let headings: Vec<(String, String)> = elements
        .iter()
        .filter(|(k, _)| k.starts_with('H'))
        .map(|(k, t)| (k.clone(), han(t)))
        .collect();
    assert_eq!(headings, expected);
    // One Note per note, each opened by its label; paragraphs tagged P.
    let notes = elements.iter().filter(|(k, _)| k == "Note").count();
    assert_eq!(notes, b.doc.notes.len());
    assert!(elements.iter().filter(|(k, _)| k == "P").count() > 50);
    // Every Han character drawn is in the structure (folios are artifacts).
    let tagged: String = elements.iter().map(|(_, t)| t.as_str()).collect();
    let Some(o) = tool("pdftotext", &[&path(), "-"]) else {
        return;
    };
    common::assert_same_han(&tagged, &text_of(&o), "structure text vs page text");
}
