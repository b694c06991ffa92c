//! The three editions hold the model's text, in the model's order: documents generated from
//! every block kind in random order and length (title block variants, headings 1–4 on their
//! own line and run in, paragraphs, annexes in the text, the notes annex with matched and
//! unmatched entries, notes in headings, notes long enough to spill to the next page), under
//! both styles, rendered in-process; each edition read back (PDF frames, EPUB XHTML, DOCX XML)
//! and compared with the text taken from the model directly (not from the reading order).
use baogao::audit::{self, Read};
use baogao::edition::Format;
use baogao::fonts::FontBook;
use baogao::model::{plain, Annex, Block, Document, Entry, Inline, Lead, Note};
use baogao::present::{footnote_text, Plan};
use baogao::render::{render, RenderContext, FIXED_EPOCH};
use baogao::style::Style;
use proptest::prelude::*;
use std::sync::OnceLock;

/// Characters every shipped face draws: common Han and full-width punctuation.
const HAN: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反明看原又利比或但质气第向道命此变条只没结解问意建月公无系很情者最立代想已通并提直题程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别手角期根论运农指几九区强放决西被干做必战先回则任取据处府研";
const MARKS: [char; 6] = [
    '\u{FF0C}', '\u{3002}', '\u{FF1B}', '\u{3001}', '\u{201C}', '\u{201D}',
];

fn styles() -> &'static [(Style, FontBook); 2] {
    static S: OnceLock<[(Style, FontBook); 2]> = OnceLock::new();
    S.get_or_init(|| {
        ["gongwen", "compact"].map(|name| {
            let style = Style::load(name).unwrap();
            let fonts = FontBook::load(&style).unwrap();
            (style, fonts)
        })
    })
}

/// Text of `len` characters: Han with punctuation now and then, ending with a full stop.
fn text(len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    let han: Vec<char> = HAN.chars().collect();
    prop::collection::vec((0..han.len(), 0..12usize), len).prop_map(move |v| {
        let mut s: String = v
            .iter()
            .map(|&(i, p)| {
                if p == 0 {
                    MARKS[i % MARKS.len()]
                } else {
                    han[i]
                }
            })
            .collect();
        s.push('\u{3002}');
        s
    })
}

/// One body element before numbering: what it is, its text, whether it references a note.
#[derive(Debug, Clone)]
enum Gen {
    Heading(u8, String, bool),
    RunIn(u8, String, String, bool),
    Paragraph(String, bool),
    /// An annex in the text: label, title, its numbered items.
    Annex(String, String, Vec<String>),
}

fn element() -> impl Strategy<Value = Gen> {
    prop_oneof![
        (1..=4u8, text(3..14), any::<bool>()).prop_map(|(l, t, n)| Gen::Heading(l, t, n)),
        (1..=4u8, text(3..12), text(10..80), any::<bool>())
            .prop_map(|(l, h, t, n)| Gen::RunIn(l, h, t, n)),
        (text(10..400), any::<bool>()).prop_map(|(t, n)| Gen::Paragraph(t, n)),
        (
            prop_oneof![
                Just(String::new()),
                Just("\u{9644}\u{4EF6}".to_string()),
                Just("\u{9644}\u{4EF6}1".to_string())
            ],
            prop_oneof![Just(String::new()), text(4..16)],
            prop::collection::vec(text(6..60), 0..4)
        )
            .prop_map(|(l, t, items)| Gen::Annex(l, t, items)),
    ]
}

/// A generated document: title block, body, notes (each note's text long or short), unmatched
/// entries of the notes annex, and whether the notes annex is there at all.
fn document() -> impl Strategy<Value = Document> {
    (
        (any::<bool>(), 0..3usize, any::<bool>()),
        prop::collection::vec(element(), 0..14),
        prop::collection::vec(prop_oneof![text(8..40), text(300..700)], 0..14),
        prop::collection::vec(text(8..40), 0..3),
        (any::<bool>(), text(4..10)),
    )
        .prop_map(
            |((title, subtitles, salutation), body, note_texts, unmatched, annex)| {
                build(
                    title, subtitles, salutation, body, note_texts, unmatched, annex,
                )
            },
        )
}

fn t(s: &str) -> Vec<Inline> {
    vec![Inline::Text(s.to_string())]
}

/// `content`, with a reference to the next note when asked and one is left.
fn noted(s: &str, note: bool, notes: &mut Vec<Note>, texts: &[String]) -> Vec<Inline> {
    let mut v = t(s);
    if note && notes.len() < texts.len() {
        let number = notes.len() as u32 + 1;
        let cut = s.char_indices().nth(2).map_or(s.len(), |(i, _)| i);
        v = vec![
            Inline::Text(s[..cut].to_string()),
            Inline::NoteRef(number),
            Inline::Text(s[cut..].to_string()),
        ];
        notes.push(Note {
            number,
            entry: number,
            term: s[..cut].to_string(),
            text: texts[number as usize - 1].clone(),
        });
    }
    v
}

fn build(
    title: bool,
    subtitles: usize,
    salutation: bool,
    body: Vec<Gen>,
    note_texts: Vec<String>,
    unmatched: Vec<String>,
    (with_annex, annex_title): (bool, String),
) -> Document {
    let mut blocks = Vec::new();
    if title {
        blocks.push(Block::Title(t(
            "\u{653F}\u{5E9C}\u{5DE5}\u{4F5C}\u{62A5}\u{544A}",
        )));
    }
    for k in 0..subtitles {
        blocks.push(Block::Subtitle(t(&format!(
            "\u{2014}\u{2014}2024\u{5E74}1\u{6708}{}\u{65E5}",
            k + 1
        ))));
    }
    if salutation {
        blocks.push(Block::Salutation(t(
            "\u{5404}\u{4F4D}\u{4EE3}\u{8868}\u{FF1A}",
        )));
    }
    // A report has a body: its opening paragraph.
    blocks.push(Block::Paragraph {
        lead: None,
        content: t("\u{73B0}\u{5728}\u{FF0C}\u{5411}\u{5927}\u{4F1A}\u{62A5}\u{544A}\u{5DE5}\u{4F5C}\u{3002}"),
    });
    let mut notes = Vec::new();
    let mut in_annex = false;
    for g in body {
        match g {
            // An annex's text is paragraphs only: headings come before any annex.
            Gen::Heading(level, s, n) if !in_annex => {
                let content = noted(&s, n, &mut notes, &note_texts);
                blocks.push(Block::Heading { level, content });
            }
            Gen::Heading(_, s, n) | Gen::Paragraph(s, n) => {
                let content = noted(&s, n, &mut notes, &note_texts);
                blocks.push(Block::Paragraph {
                    lead: None,
                    content,
                });
            }
            Gen::RunIn(level, head, s, n) => {
                let lead = Some(Lead {
                    level,
                    content: noted(&head, n, &mut notes, &note_texts),
                });
                blocks.push(Block::Paragraph {
                    lead,
                    content: t(&s),
                });
            }
            Gen::Annex(label, title, items) => {
                if label.is_empty() && title.is_empty() {
                    continue;
                }
                in_annex = true;
                blocks.push(Block::Annex {
                    label: t(&label),
                    title: t(&title),
                });
                for (k, item) in items.iter().enumerate() {
                    blocks.push(Block::Paragraph {
                        lead: None,
                        content: t(&format!("{}\u{FF0E}{item}", k + 1)),
                    });
                }
            }
        }
    }
    let mut doc = Document::new(blocks);
    if !title {
        doc.edition_title = Some("\u{62A5}\u{544A}".into());
    }
    let mut entries: Vec<Entry> = notes
        .iter()
        .map(|n| Entry {
            number: n.number,
            term: n.term.clone(),
            text: n.text.clone(),
        })
        .collect();
    for (k, text) in unmatched.into_iter().enumerate() {
        entries.push(Entry {
            number: (entries.len() + k + 1) as u32,
            term: "\u{6CB3}\u{957F}\u{5236}".into(),
            text,
        });
    }
    doc.notes = notes;
    if with_annex || !entries.is_empty() {
        doc.annex = Some(Annex {
            label: if with_annex {
                "\u{9644}\u{4EF6}".into()
            } else {
                String::new()
            },
            title: annex_title,
            entries,
        });
    }
    doc
}

fn no_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text every edition must hold, from the model alone: each block (an annex in the text as
/// its label and title), then, where the style appends it, the notes annex's label, title and
/// entries (`N.` and the footnote text); each referenced note's footnote text.
fn from_model(doc: &Document, style: &Style) -> Read {
    let mut read = Read::default();
    for b in &doc.blocks {
        match b {
            Block::Annex { label, title } => {
                read.paragraphs.push(no_space(&plain(label)));
                read.paragraphs.push(no_space(&plain(title)));
            }
            b => read.paragraphs.push(no_space(&b.text())),
        }
    }
    if let (true, Some(a)) = (style.attachment.append, &doc.annex) {
        read.paragraphs.push(no_space(&a.label));
        read.paragraphs.push(no_space(&a.title));
        for e in &a.entries {
            let entry = format!("{}.{}", e.number, footnote_text(&e.term, &e.text));
            read.paragraphs.push(no_space(&entry));
        }
    }
    for n in &doc.notes {
        read.notes
            .insert(n.number, no_space(&footnote_text(&n.term, &n.text)));
    }
    read.finish()
}

/// Render the three editions of `doc` in `style` and read each back.
fn read_back(doc: &Document, style: &Style, fonts: &FontBook) -> Vec<(Format, Read)> {
    let plan = Plan::new(doc, style, fonts);
    let subsets = fonts.subset(&plan.usage).unwrap();
    let pages = baogao::layout::layout(doc, style, &subsets, &plan).unwrap();
    let ctx = RenderContext {
        style,
        fonts: &subsets,
        plan: &plan,
        epoch: FIXED_EPOCH,
        layout: Some(&pages),
    };
    let audited = audit::Edition {
        name: "generated",
        doc,
        plan: &plan,
        pages: Some(&pages),
        subsets: &subsets,
    };
    [Format::Pdf, Format::Epub, Format::Docx]
        .into_iter()
        .map(|f| {
            let bytes = render(f, doc, &ctx).unwrap();
            audit::edition(f, &bytes, &audited).unwrap();
            let read = match f {
                Format::Pdf => audit::pdf::read(&pages, None),
                Format::Epub => audit::epub::read(&bytes, "").unwrap(),
                Format::Docx => audit::docx::read(&bytes, None).unwrap(),
            };
            (f, read)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_edition_holds_the_models_text_in_its_order(doc in document()) {
        for (style, fonts) in styles() {
            let want = from_model(&doc, style);
            for (format, read) in read_back(&doc, style, fonts) {
                prop_assert_eq!(&read.paragraphs, &want.paragraphs, "{:?} in {}", format, style.name);
                prop_assert_eq!(&read.notes, &want.notes, "{:?} in {}", format, style.name);
            }
        }
    }
}
