//! One reading order: every unit of a document is set once, in order, in the PDF layout — the
//! three report shapes that lost their last paragraph in the PDF (issue 21), written for these
//! tests in tests/fixtures/shapes/ — and the editions' audit, which reads each edition back.
use baogao::audit;
use baogao::edition::Format;
use baogao::fonts::FontBook;
use baogao::layout::frame::{Drawn, FrameItem, Pages};
use baogao::model::{Block, Document, Inline};
use baogao::present::{Place, Plan};
use baogao::style::Style;
use baogao::{prepare, Options};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/shapes")
        .join(name)
}

fn no_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text of each unit the layout drew, in drawing order (a unit broken across pages is one).
fn drawn_units(pages: &Pages) -> Vec<(Place, String)> {
    let mut out: Vec<(Place, String)> = Vec::new();
    for frame in &pages.frames {
        for item in &frame.items {
            if let FrameItem::Glyphs {
                glyphs,
                what: Drawn::Text(place),
                ..
            } = item
            {
                let text: String = glyphs.iter().map(|g| g.ch).collect();
                match out.last_mut() {
                    Some((p, t)) if p == place => t.push_str(&text),
                    _ => out.push((*place, text)),
                }
            }
        }
    }
    out
}

/// The document's units as the reading order gives them.
fn expected(doc: &Document, plan: &Plan) -> Vec<(Place, String)> {
    plan.order
        .places()
        .iter()
        .map(|&p| (p, no_space(&plan.text(doc, p).unwrap())))
        .filter(|(_, t)| !t.is_empty())
        .collect()
}

fn laid_out(report: &str, notes: Option<&str>, style: &str) -> (Document, Plan, Pages) {
    let style = Style::load(style).unwrap();
    let fonts = FontBook::load(&style).unwrap();
    let opts = Options {
        notes: notes.map(fixture),
        ..Options::default()
    };
    let doc = prepare(&fixture(report), &opts, &style, &fonts)
        .unwrap()
        .doc;
    let plan = Plan::new(&doc, &style, &fonts);
    let subsets = fonts.subset(&plan.usage).unwrap();
    let pages = baogao::layout::layout(&doc, &style, &subsets, &plan).unwrap();
    (doc, plan, pages)
}

/// Every unit drawn in both styles; `last`: the last unit drawn in gongwen (which appends the
/// notes annex; compact does not).
fn assert_every_unit_drawn(report: &str, notes: Option<&str>, last: &str) {
    for style in ["gongwen", "compact"] {
        let (doc, plan, pages) = laid_out(report, notes, style);
        let drawn = drawn_units(&pages);
        assert_eq!(drawn, expected(&doc, &plan), "{report} in {style}");
        if style == "gongwen" {
            let (_, text) = drawn.last().unwrap();
            assert_eq!(text, last, "{report} in {style}: the last unit");
        }
    }
}

#[test]
fn a_report_ending_with_a_numbered_annex_keeps_its_last_item() {
    assert_every_unit_drawn(
        "annex-items.txt",
        None,
        "3\u{FF0E}\u{65B0}\u{589E}\u{505C}\u{8F66}\u{4F4D}\u{4E00}\u{5343}\u{4E2A}\u{3002}",
    );
}

#[test]
fn a_glossary_annex_as_notes_source_keeps_its_unmatched_entry() {
    let (doc, plan, _) = laid_out("glossary-unmatched.txt", None, "gongwen");
    let annex = doc
        .annex
        .as_ref()
        .expect("the glossary is the notes source");
    assert_eq!(annex.entries.len(), 2);
    assert_eq!(doc.notes.len(), 1, "one entry matches");
    assert!(plan.order.places().contains(&Place::NotesEntry(1)));
    let last = plan.text(&doc, Place::NotesEntry(1)).unwrap();
    assert!(last.starts_with("2."), "{last}");
    assert_every_unit_drawn("glossary-unmatched.txt", None, &no_space(&last));
}

#[test]
fn a_kept_annex_with_notes_keeps_the_unmatched_note_in_the_notes_annex() {
    let notes = Some("kept-annex-notes.txt");
    let (doc, plan, _) = laid_out("kept-annex.txt", notes, "gongwen");
    assert_eq!(doc.annex.as_ref().unwrap().entries.len(), 2);
    let last = plan.text(&doc, Place::NotesEntry(1)).unwrap();
    assert!(last.contains("\u{57CE}\u{5E02}\u{66F4}\u{65B0}"), "{last}");
    assert_every_unit_drawn("kept-annex.txt", notes, &no_space(&last));
}

/// Every edition of `doc`, rendered in-process, with what the audit needs.
fn editions(
    doc: &Document,
    style: &Style,
    fonts: &FontBook,
) -> (Plan, baogao::fonts::Subsets, Pages, Vec<(Format, Vec<u8>)>) {
    let plan = Plan::new(doc, style, fonts);
    let subsets = fonts.subset(&plan.usage).unwrap();
    let pages = baogao::layout::layout(doc, style, &subsets, &plan).unwrap();
    let ctx = baogao::render::RenderContext {
        style,
        fonts: &subsets,
        plan: &plan,
        epoch: baogao::render::FIXED_EPOCH,
        layout: Some(&pages),
    };
    let out = [Format::Pdf, Format::Epub, Format::Docx]
        .into_iter()
        .map(|f| (f, baogao::render::render(f, doc, &ctx).unwrap()))
        .collect();
    (plan, subsets, pages, out)
}

#[test]
fn the_audit_passes_each_edition_and_names_a_paragraph_it_lacks() {
    let style = Style::load("gongwen").unwrap();
    let fonts = FontBook::load(&style).unwrap();
    let opts = Options::default();
    let doc = prepare(&fixture("annex-items.txt"), &opts, &style, &fonts)
        .unwrap()
        .doc;
    let (plan, subsets, pages, out) = editions(&doc, &style, &fonts);
    let audited = audit::Edition {
        name: "annex-items.txt",
        doc: &doc,
        plan: &plan,
        pages: Some(&pages),
        subsets: &subsets,
    };
    for (format, bytes) in &out {
        audit::edition(*format, bytes, &audited).unwrap();
    }
    // The same editions checked against the document with one more paragraph: each edition
    // lacks it, and the audit says which.
    let mut longer = doc.clone();
    longer.blocks.push(Block::Paragraph {
        lead: None,
        content: vec![Inline::Text("\u{589E}\u{8865}\u{6BB5}\u{843D}".into())],
    });
    let longer_plan = Plan::new(&longer, &style, &fonts);
    let audited = audit::Edition {
        doc: &longer,
        plan: &longer_plan,
        ..audited
    };
    for (format, bytes) in &out {
        let e = audit::edition(*format, bytes, &audited).unwrap_err();
        let msg = e.to_string();
        assert_eq!(e.exit_code(), 3, "{msg}");
        assert!(msg.contains("annex-items.txt"), "{msg}");
        assert!(
            msg.contains("\u{589E}\u{8865}\u{6BB5}\u{843D}") && msg.contains("reads nothing"),
            "{format:?}: {msg}"
        );
    }
}

/// Every report among the fixtures and in `input/`: (report, notes file to give).
fn every_input() -> Vec<(PathBuf, Option<PathBuf>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["tests/fixtures", "tests/fixtures/shapes"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .filter(|p| !p.to_string_lossy().ends_with("-notes.txt"))
            .collect();
        files.sort();
        for f in files {
            let notes = f.with_file_name(format!(
                "{}-notes.txt",
                f.file_stem().unwrap().to_string_lossy()
            ));
            out.push((f, notes.exists().then_some(notes)));
        }
    }
    let mut reports: Vec<PathBuf> = std::fs::read_dir(root.join("input"))
        .unwrap()
        .map(|e| e.unwrap().path().join("report.txt"))
        .filter(|p| p.exists())
        .collect();
    reports.sort();
    out.extend(reports.into_iter().map(|r| (r, None)));
    out
}

#[test]
fn on_every_input_the_three_editions_hold_the_same_text_in_the_same_order() {
    let inputs = every_input();
    assert!(inputs.len() >= 10, "{inputs:?}");
    for name in ["gongwen", "compact"] {
        let style = Style::load(name).unwrap();
        let fonts = FontBook::load(&style).unwrap();
        for (report, notes) in &inputs {
            let opts = Options {
                notes: notes.clone(),
                ..Options::default()
            };
            let doc = prepare(report, &opts, &style, &fonts).unwrap().doc;
            let (plan, _, pages, out) = editions(&doc, &style, &fonts);
            let want = audit::expected::of(&doc, &plan);
            assert!(!want.paragraphs.is_empty());
            for (format, bytes) in &out {
                let read = match format {
                    Format::Pdf => audit::pdf::read(&pages, None),
                    Format::Epub => audit::epub::read(bytes, "").unwrap(),
                    Format::Docx => audit::docx::read(bytes, None).unwrap(),
                };
                let what = format!("{} {format:?} in {name}", report.display());
                assert_eq!(read.paragraphs, want.paragraphs, "{what}");
                assert_eq!(read.notes, want.notes, "{what}");
            }
        }
    }
}
