//! Layout on small synthetic documents, without drawing a PDF: the compact style, more than 20
//! notes, a note that spills to the next page, a heading at a page foot, the annex.
use baogao::fonts::{FontBook, Subsets};
use baogao::layout::frame::{FrameItem, Pages};
use baogao::model::{Annex, Block, Document, Entry, Inline, Note};
use baogao::present::Plan;
use baogao::style::{Role, Style};

fn t(s: &str) -> Inline {
    Inline::Text(s.to_string())
}

fn para(content: Vec<Inline>) -> Block {
    Block::Paragraph {
        lead: None,
        content,
    }
}

fn note(number: u32, text: &str) -> Note {
    Note {
        number,
        entry: number,
        term: String::new(),
        text: text.to_string(),
    }
}

fn lay_out(doc: &Document, style_name: &str) -> (Pages, Style, Subsets) {
    let style = Style::load(style_name).unwrap();
    let book = FontBook::load(&style).unwrap();
    let plan = Plan::new(doc, &style, &book);
    let subsets = book.subset(&plan.usage).unwrap();
    let pages = baogao::layout::layout(doc, &style, &subsets, &plan).unwrap();
    (pages, style, subsets)
}

/// Glyph runs of page `i` at `size`: (face, baseline, text), top to bottom.
fn runs(pages: &Pages, i: usize, size: u8) -> Vec<(Role, f32, String)> {
    pages.frames[i]
        .items
        .iter()
        .filter_map(|item| match item {
            FrameItem::Glyphs {
                face,
                size: s,
                y,
                glyphs,
                ..
            } if *s == size => Some((*face, *y, glyphs.iter().map(|g| g.ch).collect())),
            _ => None,
        })
        .collect()
}

/// The page holding `needle` among runs of `size`.
fn page_of(pages: &Pages, size: u8, needle: &str) -> Option<usize> {
    (0..pages.frames.len()).find(|&i| runs(pages, i, size).iter().any(|r| r.2.contains(needle)))
}

/// `n` notes, each referenced at the end of its own paragraph.
fn with_notes(n: u32) -> Document {
    let blocks = (1..=n)
        .map(|k| {
            para(vec![
                t("\u{6CE8}\u{91CA}\u{6D4B}\u{8BD5}"),
                Inline::NoteRef(k),
            ])
        })
        .collect();
    let mut doc = Document::new(blocks);
    doc.notes = (1..=n).map(|k| note(k, "\u{8BF4}\u{660E}")).collect();
    doc
}

#[test]
fn compact_style_draws_circled_marks_in_the_text_and_at_the_foot() {
    let doc = with_notes(3);
    let (pages, style, _) = lay_out(&doc, "compact");
    assert!(
        (pages.frames[0].width - 148.0 * 72.0 / 25.4).abs() < 0.1,
        "A5"
    );
    let text = pages.page_text(0);
    for mark in ['\u{2460}', '\u{2461}', '\u{2462}'] {
        assert_eq!(
            text.matches(mark).count(),
            2,
            "{mark} in the body and at the foot"
        );
    }
    // The labels open the note lines, at the note size's label size.
    let label_size = (f32::from(style.sizes.note) * 0.7).round() as u8;
    let labels: String = runs(&pages, 0, label_size)
        .iter()
        .map(|r| r.2.clone())
        .collect();
    assert_eq!(labels, "\u{2460}\u{2461}\u{2462}");
    assert!(!text.contains('2'), "no digit mark");
}

#[test]
fn notes_past_twenty_keep_one_form() {
    let doc = with_notes(25);
    let (pages, _, _) = lay_out(&doc, "compact");
    let all: String = (0..pages.frames.len())
        .map(|i| pages.page_text(i))
        .collect();
    // ㉑…㉕: circled in the text and at the foot; never `21`.
    for c in '\u{3251}'..='\u{3255}' {
        assert_eq!(all.matches(c).count(), 2, "{c}");
    }
    assert!(!all.contains("21"));
    let (pages, _, _) = lay_out(&doc, "gongwen");
    let all: String = (0..pages.frames.len())
        .map(|i| pages.page_text(i))
        .collect();
    for k in 21..=25 {
        assert!(all.contains(&format!("\u{6D4B}\u{8BD5}{k}")), "mark {k}");
        assert!(all.contains(&format!("{k}\u{8BF4}\u{660E}")), "label {k}");
    }
    assert!(!all.contains('\u{3251}'));
}

#[test]
fn a_long_note_starts_under_its_mark_and_spills_to_the_next_page() {
    let mut blocks: Vec<Block> = (0..12).map(|_| para(vec![t("\u{6B63}\u{6587}")])).collect();
    blocks.push(para(vec![t("\u{6807}\u{8BB0}"), Inline::NoteRef(1)]));
    blocks.extend((0..20).map(|_| para(vec![t("\u{6B63}\u{6587}")])));
    let mut doc = Document::new(blocks);
    // About 30 note lines at gongwen: more than the foot of one page holds.
    let long = format!("{}\u{5C3E}", "\u{7532}".repeat(1300));
    doc.notes = vec![note(1, &long)];
    let (pages, style, _) = lay_out(&doc, "gongwen");
    let body = style.sizes.body;
    let note = style.sizes.note;
    let mark_page = page_of(&pages, body, "\u{6807}\u{8BB0}").unwrap();
    let start = page_of(&pages, note, "\u{7532}").unwrap();
    let end = page_of(&pages, note, "\u{5C3E}").unwrap();
    assert_eq!(start, mark_page, "the note starts under its mark");
    assert!(end > start, "the note continues on a later page");
    // The continuation carries no second label.
    let label_size = (f32::from(note) * 0.7).round() as u8;
    assert_eq!(runs(&pages, end, label_size).len(), 0);
}

#[test]
fn a_heading_never_ends_a_page() {
    // Gongwen: 22 lines a page; the heading would be line 22 of page 1.
    let mut blocks: Vec<Block> = (0..21).map(|_| para(vec![t("\u{6B63}\u{6587}")])).collect();
    blocks.push(Block::Heading {
        level: 1,
        content: vec![t("\u{4E00}\u{3001}\u{6807}\u{9898}")],
    });
    blocks.push(para(vec![t("\u{540E}\u{6587}")]));
    let doc = Document::new(blocks);
    let (pages, style, _) = lay_out(&doc, "gongwen");
    let heading = page_of(&pages, style.sizes.heading, "\u{6807}\u{9898}").unwrap();
    let after = page_of(&pages, style.sizes.body, "\u{540E}\u{6587}").unwrap();
    assert_eq!(heading, 1, "moved to the next page");
    assert_eq!(heading, after, "with the paragraph it heads");
    let lines_on_first = runs(&pages, 0, style.sizes.body)
        .iter()
        .filter(|r| r.2.contains('\u{6B63}'))
        .count();
    assert_eq!(lines_on_first, 21);
}

#[test]
fn the_annex_starts_a_page_with_its_terms_in_hei() {
    let mut doc = Document::new(vec![para(vec![t("\u{6B63}\u{6587}")])]);
    doc.annex = Some(Annex {
        label: "\u{9644}\u{4EF6}".into(),
        title: "\u{6709}\u{5173}\u{6CE8}\u{91CA}".into(),
        entries: vec![Entry {
            number: 1,
            term: "\u{89C4}\u{6A21}\u{4EE5}\u{4E0A}\u{5DE5}\u{4E1A}".into(),
            text: "\u{5E74}\u{4E3B}\u{8425}\u{4E1A}\u{52A1}\u{6536}\u{5165}".into(),
        }],
    });
    let (pages, style, _) = lay_out(&doc, "gongwen");
    assert_eq!(pages.frames.len(), 2, "the annex on a page of its own");
    let page = runs(&pages, 1, style.sizes.body);
    let hei: String = page
        .iter()
        .filter(|r| r.0 == style.roles.attachment_label)
        .map(|r| r.2.clone())
        .collect();
    // The label (heading size = body size at gongwen), then the whole term.
    assert_eq!(
        hei, "\u{9644}\u{4EF6}\u{89C4}\u{6A21}\u{4EE5}\u{4E0A}\u{5DE5}\u{4E1A}",
        "the whole term in hei"
    );
    let label = runs(&pages, 1, style.sizes.heading);
    assert_eq!(label[0].2, "\u{9644}\u{4EF6}");
    assert_eq!(label[0].0, style.roles.attachment_label);
    assert!(pages
        .outline
        .iter()
        .any(|o| o.title == "\u{9644}\u{4EF6}" && o.target.page == 1));
    // The folio of page 2 is `— 2 —`.
    assert!(pages.page_text(1).ends_with("\u{2014}2\u{2014}"));
}
