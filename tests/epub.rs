//! The EPUB edition, checked on the Wuyang report and on small hand-built documents by the real
//! tools: epubcheck (0 fatals, errors, warnings) and headless Chromium at phone width.
//! A missing tool fails the test when `CI=true`, else the test prints a note and returns.
use baogao::edition::Format;
use baogao::fonts::FontBook;
use baogao::model::{all_text, plain, Annex, Block, Document, Entry, Inline, Lead, Note, Script};
use baogao::present::Plan;
use baogao::render::{render, RenderContext, FIXED_EPOCH};
use baogao::style::Style;
use quick_xml::events::Event;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

mod common;

const REPORT: &str = "input/wuyang-2024/report.txt";

// ---------------------------------------------------------------------------------------------
// helpers

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Target folder for artifacts a person looks at (screenshot, extracted edition).
fn artifacts() -> PathBuf {
    let dir = root().join("target").join("epub-test");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn style() -> Style {
    Style::load("gongwen").unwrap()
}

fn book() -> &'static FontBook {
    static BOOK: OnceLock<FontBook> = OnceLock::new();
    BOOK.get_or_init(|| FontBook::load(&style()).unwrap())
}

/// The EPUB of `doc`, with the print layout for its page list (as the library renders it).
fn render_epub(doc: &Document, style: &Style, epoch: i64) -> Vec<u8> {
    render_pair(doc, style, epoch).0
}

/// The EPUB and the PDF of `doc` from one layout.
fn render_pair(doc: &Document, style: &Style, epoch: i64) -> (Vec<u8>, Vec<u8>) {
    let plan = Plan::new(doc, style, book());
    let subsets = book().subset(&plan.usage).unwrap();
    let pages = baogao::layout::layout(doc, style, &subsets, &plan).unwrap();
    let ctx = RenderContext {
        style,
        fonts: &subsets,
        plan: &plan,
        epoch,
        layout: Some(&pages),
    };
    let epub = render(Format::Epub, doc, &ctx).unwrap();
    (epub, render(Format::Pdf, doc, &ctx).unwrap())
}

/// The Wuyang report prepared by the library and its EPUB, rendered once per test binary.
fn real() -> &'static (Document, Vec<u8>) {
    static REAL: OnceLock<(Document, Vec<u8>)> = OnceLock::new();
    REAL.get_or_init(|| {
        let style = style();
        let prepared = baogao::prepare(
            &root().join(REPORT),
            &baogao::Options::default(),
            &style,
            book(),
        )
        .unwrap();
        let bytes = render_epub(&prepared.doc, &style, FIXED_EPOCH);
        (prepared.doc, bytes)
    })
}

/// Every entry of the archive, in archive order.
fn entries(epub: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().to_string(), data)
        })
        .collect()
}

fn file(epub: &[u8], name: &str) -> String {
    let (_, data) = entries(epub)
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} missing"));
    String::from_utf8(data).unwrap()
}

/// The content documents of the spine, in reading order.
fn content_documents(epub: &[u8]) -> Vec<(String, String)> {
    let opf = file(epub, "OEBPS/content.opf");
    let mut hrefs = BTreeMap::new();
    let mut spine = Vec::new();
    each_element(&opf, |name, attrs, _| {
        if name == "item" {
            hrefs.insert(attrs["id"].clone(), attrs["href"].clone());
        }
        if name == "itemref" {
            spine.push(attrs["idref"].clone());
        }
    });
    spine
        .iter()
        .map(|id| {
            let href = hrefs[id].clone();
            let text = file(epub, &format!("OEBPS/{href}"));
            (href, text)
        })
        .collect()
}

/// Call `f(name, attributes, text content)` for every element of `xml` (text content is the
/// unescaped text of the element and its descendants).
fn each_element(xml: &str, mut f: impl FnMut(&str, &BTreeMap<String, String>, &str)) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<(String, BTreeMap<String, String>, String)> = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => stack.push((
                String::from_utf8(e.local_name().as_ref().to_vec()).unwrap(),
                attributes(&e),
                String::new(),
            )),
            Event::Empty(e) => f(
                std::str::from_utf8(e.local_name().as_ref()).unwrap(),
                &attributes(&e),
                "",
            ),
            Event::Text(t) => {
                let t = t.unescape().unwrap();
                for s in stack.iter_mut() {
                    s.2.push_str(&t);
                }
            }
            Event::End(_) => {
                let (name, attrs, text) = stack.pop().unwrap();
                f(&name, &attrs, &text);
            }
            Event::Eof => break,
            _ => {}
        }
    }
}

fn attributes(e: &quick_xml::events::BytesStart) -> BTreeMap<String, String> {
    e.attributes()
        .map(|a| {
            let a = a.unwrap();
            (
                String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                a.unescape_value().unwrap().into_owned(),
            )
        })
        .collect()
}

/// Text of a content document's `<body>`.
fn body_text(xhtml: &str) -> String {
    let mut body = String::new();
    each_element(xhtml, |name, _, text| {
        if name == "body" {
            body = text.to_string();
        }
    });
    body
}

/// Run epubcheck on `epub`; return its messages of severity FATAL, ERROR or WARNING.
fn epubcheck(epub: &[u8], name: &str) -> Option<Vec<String>> {
    let path = artifacts().join(name);
    std::fs::write(&path, epub).unwrap();
    common::epubcheck(&path)
}

fn t(s: &str) -> Inline {
    Inline::Text(s.to_string())
}

/// A small report shaped like the Wuyang one: title part, two level-1 sections, a level-2
/// lead, notes with markup characters, the attachment line and the annex.
fn hand_built() -> Document {
    let mut doc = Document::new(vec![
        Block::Title(vec![t("2024年舞阳县政府工作报告")]),
        Block::Subtitle(vec![t("\u{2014}\u{2014}2024年1月")]),
        Block::Salutation(vec![t("各位代表\u{FF1A}")]),
        Block::Paragraph {
            lead: None,
            content: vec![t(
                "现在\u{FF0C}我代表县人民政府\u{FF0C}向大会报告工作\u{3002}",
            )],
        },
        Block::Heading {
            level: 1,
            content: vec![t("一\u{3001}2023年工作回顾"), Inline::NoteRef(1)],
        },
        Block::Paragraph {
            lead: Some(Lead {
                level: 2,
                content: vec![t("\u{FF08}一\u{FF09}经济运行稳中向好\u{3002}")],
            }),
            content: vec![
                t("推行\u{201C}互联网+监管\u{201D}"),
                Inline::NoteRef(2),
                t("\u{FF0C}A&B <c> \"q\" 'q'\u{3002}"),
            ],
        },
        Block::Heading {
            level: 1,
            content: vec![t("二\u{3001}2024年工作安排")],
        },
        Block::Paragraph {
            lead: None,
            content: vec![
                t("做好\u{201C}专精特新\u{201D}"),
                Inline::NoteRef(3),
                t("\u{3002}"),
            ],
        },
        Block::Attachment {
            content: vec![t("附件\u{FF1A}\u{300A}政府工作报告\u{300B}有关注释")],
            file: None,
        },
    ]);
    doc.notes = vec![
        Note {
            number: 1,
            entry: 1,
            term: "工作回顾".into(),
            text: "回顾上一年\u{3002}".into(),
        },
        Note {
            number: 2,
            entry: 2,
            term: "\u{201C}互联网+监管\u{201D}".into(),
            text: "依托A&B <监管> \"在线\" 'x' +1\u{3002}".into(),
        },
        Note {
            number: 3,
            entry: 5,
            term: "\u{201C}专精特新\u{201D}".into(),
            text: "专业化\u{3001}精细化\u{3002}".into(),
        },
    ];
    doc.annex = Some(Annex {
        label: "附件".into(),
        title: "\u{300A}政府工作报告\u{300B}有关注释".into(),
        entries: vec![Entry {
            number: 1,
            term: "工作回顾".into(),
            text: "回顾上一年\u{3002}".into(),
        }],
    });
    doc
}

// ---------------------------------------------------------------------------------------------
// the Wuyang report

#[test]
fn real_report_passes_epubcheck() {
    let (_, epub) = real();
    if let Some(problems) = epubcheck(epub, "wuyang.epub") {
        assert!(problems.is_empty(), "{problems:#?}");
    }
}

#[test]
fn real_report_has_32_noterefs_and_32_footnotes_linked_both_ways() {
    let (doc, epub) = real();
    assert_eq!(doc.notes.len(), 32);
    let (mut refs, mut notes) = (0, 0);
    for (href, xhtml) in content_documents(epub) {
        let mut ids = Vec::new();
        let mut links = Vec::new();
        each_element(&xhtml, |name, attrs, text| {
            if let Some(id) = attrs.get("id") {
                ids.push(id.clone());
            }
            match attrs.get("epub:type").map(String::as_str) {
                Some("noteref") => {
                    refs += 1;
                    assert_eq!(attrs["role"], "doc-noteref");
                    assert_eq!(attrs["href"], format!("#n{text}"), "{href}");
                    links.push(attrs["href"].clone());
                }
                Some("footnote") => {
                    notes += 1;
                    assert_eq!(name, "aside");
                    assert_eq!(attrs["role"], "doc-footnote");
                }
                _ => {}
            }
            if attrs.get("role").map(String::as_str) == Some("doc-backlink") {
                links.push(attrs["href"].clone());
            }
        });
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "duplicate ids in {href}");
        for link in links {
            assert!(
                ids.contains(&link[1..].to_string()),
                "{href}: {link} leads nowhere"
            );
        }
    }
    assert_eq!((refs, notes), (32, 32));
}

/// The rules of `selector` in the stylesheet (its declarations, joined; comments left out).
fn css_rules(css: &str, selector: &str) -> String {
    let mut plain = String::new();
    let mut rest = css;
    while let Some((before, after)) = rest.split_once("/*") {
        plain.push_str(before);
        rest = after.split_once("*/").map_or("", |(_, a)| a);
    }
    plain.push_str(rest);
    plain
        .split('}')
        .filter_map(|r| r.split_once('{'))
        .filter(|(sel, _)| sel.split(',').any(|s| s.trim() == selector))
        .map(|(_, body)| body.trim())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn notes_carry_their_own_style_and_the_duokan_classes() {
    let (_, epub) = real();
    // 多看 pops up notes marked with its classes; they stand beside epub:type and role.
    let (mut refs, mut items, mut texts, mut contents) = (0, 0, 0, 0);
    for (href, xhtml) in content_documents(epub) {
        each_element(&xhtml, |name, attrs, _| {
            let class = attrs.get("class").map(String::as_str).unwrap_or("");
            let classes: Vec<&str> = class.split_whitespace().collect();
            match attrs.get("epub:type").map(String::as_str) {
                Some("noteref") => {
                    refs += 1;
                    assert_eq!(classes, ["duokan-footnote"], "{href}");
                }
                Some("footnote") => {
                    items += 1;
                    assert_eq!(classes, ["note", "duokan-footnote-item"], "{href}");
                }
                Some("footnotes") => {
                    contents += 1;
                    assert_eq!(name, "section");
                    assert_eq!(classes, ["notes", "duokan-footnote-content"], "{href}");
                }
                _ => {}
            }
            if name == "p" && classes.contains(&"note-text") {
                texts += 1;
            }
        });
    }
    assert_eq!((refs, items, texts), (32, 32, 32));
    assert!(contents >= 3, "{contents} notes sections");
    // A reading system that pops a note up lifts the inside of the <aside>: the note style is
    // on the paragraph's own class, and no rule hangs on the section's descendants.
    let css = file(epub, "OEBPS/stylesheet.css");
    let note = css_rules(&css, "p.note-text");
    for decl in ["text-indent: 0", "font-size: 0.85em"] {
        assert!(note.contains(decl), "p.note-text lacks {decl}: {note}");
    }
    assert!(css_rules(&css, ".note-text").contains("font-family"));
    assert!(css_rules(&css, "section.notes p").is_empty(), "{css}");
    // Where the reader hides the notes, the section draws nothing: the rule is on the first
    // note, hidden with it.
    assert!(
        !css_rules(&css, "section.notes").contains("border"),
        "{css}"
    );
    assert!(css_rules(&css, "section.notes > aside:first-child").contains("border-top"));
    // A note reference is a 24 px target that does not move the text.
    let a = css_rules(&css, "sup.noteref a");
    assert!(
        a.contains("padding: 6px 12px") && a.contains("margin: 0 -12px"),
        "{a}"
    );
    // Apple Books uses the embedded fonts only when told to.
    let ibooks = file(epub, "META-INF/com.apple.ibooks.display-options.xml");
    assert!(
        ibooks.contains("<option name=\"specified-fonts\">true</option>"),
        "{ibooks}"
    );
}

#[test]
fn real_report_keeps_every_han_character() {
    let (doc, epub) = real();
    let mut text = String::new();
    for (_, xhtml) in content_documents(epub) {
        text.push_str(&body_text(&xhtml));
    }
    common::assert_same_han(&text, &all_text(doc), "EPUB body text");
    assert!(common::han_multiset(&text).values().sum::<usize>() > 5000);
}

#[test]
fn real_report_fits_in_one_megabyte() {
    let (_, epub) = real();
    eprintln!("EPUB size: {} bytes", epub.len());
    assert!(epub.len() <= 1_000_000, "{} bytes", epub.len());
}

#[test]
fn nav_lists_the_three_level1_headings_without_marks() {
    let (doc, epub) = real();
    let level1: Vec<String> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level: 1, content } => Some(plain(content)),
            _ => None,
        })
        .collect();
    assert_eq!(level1.len(), 3);
    let nav = file(epub, "OEBPS/nav.xhtml");
    // The table of contents only (the landmarks and page-list navs follow it).
    let toc = format!(
        "{}</body></html>",
        &nav[..nav.find(r#"<nav epub:type = "landmarks""#).unwrap()]
    );
    let mut links = Vec::new();
    each_element(&toc, |name, attrs, text| {
        if name == "a" && !attrs.contains_key("epub:type") {
            links.push(text.trim().to_string());
        }
    });
    for h in &level1 {
        assert!(links.contains(h), "{h} not in nav {links:?}");
    }
    // Level-2 entries are listed too, and no entry ends in a note number.
    assert!(links.len() > level1.len() + 1, "{links:?}");
    for l in &links {
        assert!(!l.ends_with(|c: char| c.is_ascii_digit()), "{l}");
    }
}

#[test]
fn real_report_renders_identically_twice() {
    let (doc, epub) = real();
    assert_eq!(&render_epub(doc, &style(), FIXED_EPOCH), epub);
}

#[test]
fn metadata_language_identifier_and_date() {
    let (doc, epub) = real();
    let opf = file(epub, "OEBPS/content.opf");
    let lang = doc.script.bcp47();
    assert!(opf.contains(&format!(">{lang}</dc:language>")), "{opf}");
    assert!(opf.contains("<meta property=\"dcterms:modified\">2000-01-01T00:00:00Z</meta>"));
    assert!(opf.contains(">urn:uuid:"), "{opf}");
    let names: Vec<String> = entries(epub).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names[0], "mimetype");
    for name in names.iter().filter(|n| n.ends_with(".xhtml")) {
        let xhtml = file(epub, name);
        let mut root = BTreeMap::new();
        each_element(&xhtml, |n, attrs, _| {
            if n == "html" {
                root = attrs.clone();
            }
        });
        assert_eq!(root.get("lang").map(String::as_str), Some(lang), "{name}");
        assert_eq!(
            root.get("xml:lang").map(String::as_str),
            Some(lang),
            "{name}"
        );
    }
    // Fonts are the shared subsets, declared in the stylesheet with generic fallbacks.
    let css = file(epub, "OEBPS/stylesheet.css");
    assert!(css.contains("@font-face"));
    assert!(css.contains("sans-serif") && css.contains(", serif"));
    assert!(names.iter().any(|n| n.ends_with(".ttf")));
}

#[test]
fn source_date_epoch_sets_modified_and_zip_dates() {
    let doc = hand_built();
    // 2024-03-01T12:34:56Z
    let epub = render_epub(&doc, &style(), 1_709_296_496);
    let opf = file(&epub, "OEBPS/content.opf");
    assert!(opf.contains(">2024-03-01T12:34:56Z</meta>"), "{opf}");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&epub)).unwrap();
    for i in 0..zip.len() {
        let f = zip.by_index(i).unwrap();
        let d = f.last_modified().unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2024, 3, 1), "{}", f.name());
    }
    // The identifier follows the content, not the date.
    let other = render_epub(&doc, &style(), FIXED_EPOCH);
    let id = |e: &[u8]| {
        let opf = file(e, "OEBPS/content.opf");
        let start = opf.find("urn:uuid:").unwrap();
        opf[start..start + 45].to_string()
    };
    assert_eq!(id(&epub), id(&other));
    let mut changed = doc.clone();
    changed.notes[0].text.push('x');
    assert_ne!(
        id(&render_epub(&changed, &style(), FIXED_EPOCH)),
        id(&other)
    );
}

// ---------------------------------------------------------------------------------------------
// hand-built documents

#[test]
fn markup_characters_in_notes_and_text_survive() {
    let doc = hand_built();
    let epub = render_epub(&doc, &style(), FIXED_EPOCH);
    let docs = content_documents(&epub);
    let section1 = &docs.iter().find(|(h, _)| h == "section-1.xhtml").unwrap().1;
    let mut aside = String::new();
    each_element(section1, |name, attrs, text| {
        if name == "aside" && attrs["id"] == "n2" {
            aside = text.to_string();
        }
    });
    assert_eq!(
        aside,
        "2 \u{201C}互联网+监管\u{201D}\u{FF1A}依托A&B <监管> \"在线\" 'x' +1\u{3002}"
    );
    assert!(body_text(section1).contains("\u{FF0C}A&B <c> \"q\" 'q'\u{3002}"));
    if let Some(problems) = epubcheck(&epub, "hand-built.epub") {
        assert!(problems.is_empty(), "{problems:#?}");
    }
}

#[test]
fn parts_follow_the_level1_sections_and_the_annex() {
    let doc = hand_built();
    let epub = render_epub(&doc, &style(), FIXED_EPOCH);
    let hrefs: Vec<String> = content_documents(&epub).into_iter().map(|d| d.0).collect();
    assert_eq!(
        hrefs,
        [
            "title.xhtml",
            "section-1.xhtml",
            "section-2.xhtml",
            "annex.xhtml"
        ]
    );
    // The annex has every entry; without `append` it is left out.
    let annex = body_text(&file(&epub, "OEBPS/annex.xhtml"));
    assert!(
        annex.contains("1.工作回顾\u{FF1A}回顾上一年\u{3002}"),
        "{annex}"
    );
    let mut style = style();
    style.attachment.append = false;
    let without = render_epub(&doc, &style, FIXED_EPOCH);
    assert_eq!(content_documents(&without).len(), 3);
}

#[test]
fn a_note_referenced_twice_keeps_ids_unique() {
    let mut doc = hand_built();
    // Note 2 referenced again in the same section and once more in the next one.
    if let Block::Paragraph { content, .. } = &mut doc.blocks[5] {
        content.push(Inline::NoteRef(2));
    }
    if let Block::Paragraph { content, .. } = &mut doc.blocks[7] {
        content.push(Inline::NoteRef(2));
    }
    let epub = render_epub(&doc, &style(), FIXED_EPOCH);
    let s1 = file(&epub, "OEBPS/section-1.xhtml");
    let s2 = file(&epub, "OEBPS/section-2.xhtml");
    assert!(s1.contains("id=\"r2\"") && s1.contains("id=\"r2-2\""));
    assert!(s2.contains("id=\"r2-3\"") && s2.contains("id=\"n2\""));
    assert_eq!(s1.matches("id=\"n2\"").count(), 1);
    if let Some(problems) = epubcheck(&epub, "twice.epub") {
        assert!(problems.is_empty(), "{problems:#?}");
    }
}

#[test]
fn traditional_script_is_declared() {
    let mut doc = hand_built();
    doc.script = Script::Hant;
    let epub = render_epub(&doc, &style(), FIXED_EPOCH);
    assert!(file(&epub, "OEBPS/content.opf").contains(">zh-Hant</dc:language>"));
    assert!(file(&epub, "OEBPS/section-1.xhtml").contains("xml:lang=\"zh-Hant\""));
    assert!(file(&epub, "OEBPS/nav.xhtml").contains("xml:lang=\"zh-Hant\""));
}

// ---------------------------------------------------------------------------------------------
// phone width in headless Chromium

/// Extract the edition under `dir`, write a harness page with one 390 × 844 iframe per content
/// document plus a control document 600 px wide, load it in Chromium and return
/// `(document, scrollWidth, clientWidth)` for each.
fn phone_widths(epub: &[u8], dir: &Path) -> Option<Vec<(String, u32, u32)>> {
    if !common::tool("chromium") {
        return None;
    }
    let _ = std::fs::remove_dir_all(dir);
    for (name, data) in entries(epub) {
        let path = dir.join(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, data).unwrap();
    }
    std::fs::write(
        dir.join("OEBPS/control-wide.xhtml"),
        "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>c</title></head>\
         <body><div style=\"width:600px\">wide</div></body></html>",
    )
    .unwrap();
    let mut docs: Vec<String> = content_documents(epub).into_iter().map(|d| d.0).collect();
    docs.push("control-wide.xhtml".into());
    let frames: String = docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            format!(
                "<iframe id=\"f{i}\" src=\"OEBPS/{d}\" style=\"width:390px;height:844px;border:0;display:block\"></iframe>\n"
            )
        })
        .collect();
    let harness = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body style=\"margin:0\">\n{frames}\
<pre id=\"out\"></pre><script>\nwindow.addEventListener('load', function () {{\n\
  var lines = [];\n  for (var i = 0; i < {n}; i++) {{\n\
    var d = document.getElementById('f' + i).contentDocument;\n\
    var e = d.documentElement;\n\
    lines.push('WIDTH ' + i + ' ' + Math.max(e.scrollWidth, d.body.scrollWidth) + ' ' + e.clientWidth);\n\
  }}\n  document.getElementById('out').textContent = lines.join('\\n');\n}});\n</script></body></html>\n",
        n = docs.len()
    );
    let page = dir.join("harness.html");
    std::fs::write(&page, harness).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let out = common::run_with_deadline(
        Command::new("chromium")
            .args(chromium_flags(profile.path()))
            .arg("--dump-dom")
            .arg(format!("file://{}", page.display())),
        Duration::from_secs(180),
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    let widths = dom
        .lines()
        .flat_map(|l| l.split("WIDTH ").skip(1))
        .filter_map(|rest| {
            let v: Vec<u32> = rest
                .split_whitespace()
                .take(3)
                .map_while(|x| {
                    x.trim_end_matches(|c: char| !c.is_ascii_digit())
                        .parse()
                        .ok()
                })
                .collect();
            (v.len() == 3).then(|| (docs[v[0] as usize].clone(), v[1], v[2]))
        })
        .collect::<Vec<_>>();
    assert_eq!(widths.len(), docs.len(), "harness output: {dom}");
    Some(widths)
}

fn chromium_flags(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--allow-file-access-from-files",
        "--virtual-time-budget=3000",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

#[test]
fn every_content_document_fits_a_phone() {
    let (_, epub) = real();
    let dir = artifacts().join("wuyang");
    let Some(widths) = phone_widths(epub, &dir) else {
        return;
    };
    eprintln!("{widths:?}");
    let (control, rest) = widths.split_last().unwrap();
    // The harness can fail: a 600 px element overflows the 390 px frame.
    assert!(control.1 > control.2, "control {control:?}");
    for (doc, scroll, client) in rest {
        assert!(*client > 300 && *client <= 390, "{doc}: client {client}");
        assert!(scroll <= client, "{doc}: {scroll} > {client}");
    }
    // One screenshot of the first section at phone size, for a person to look at.
    let shot = artifacts().join("section-1-phone.png");
    let _ = std::fs::remove_file(&shot);
    std::fs::write(
        dir.join("shot.html"),
        "<!DOCTYPE html><html><body style=\"margin:0;overflow:hidden\">\
         <iframe src=\"OEBPS/section-1.xhtml\" \
         style=\"display:block;width:390px;height:844px;border:0\"></iframe></body></html>",
    )
    .unwrap();
    let profile = tempfile::tempdir().unwrap();
    common::run_with_deadline(
        Command::new("chromium")
            .args(chromium_flags(profile.path()))
            .arg(format!("--screenshot={}", shot.display()))
            .arg("--window-size=390,844")
            .arg(format!("file://{}", dir.join("shot.html").display())),
        Duration::from_secs(180),
    );
    assert!(std::fs::metadata(&shot)
        .map(|m| m.len() > 10_000)
        .unwrap_or(false));
}

// ---------------------------------------------------------------------------------------------
// accessibility: Ace by DAISY

/// The full path of `name` on PATH.
fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Run Ace by DAISY on `epub` with the system Chromium; return its violations as
/// (impact, rule, document) triples.
fn ace(epub: &[u8], name: &str) -> Option<Vec<(String, String, String)>> {
    if !(common::tool("ace-cli") && common::tool("chromium")) {
        return None;
    }
    let path = artifacts().join(name);
    std::fs::write(&path, epub).unwrap();
    let out_dir = artifacts().join(format!("ace-{name}"));
    let _ = std::fs::remove_dir_all(&out_dir);
    let out = common::run_with_deadline(
        Command::new("ace-cli")
            .args(["--silent", "--force", "--outdir"])
            .arg(&out_dir)
            .arg(&path)
            .env("PUPPETEER_EXECUTABLE_PATH", which("chromium").unwrap()),
        Duration::from_secs(600),
    );
    let report = std::fs::read(out_dir.join("report.json")).unwrap_or_else(|e| {
        panic!(
            "Ace wrote no report ({e}), exit {}: {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let report: serde_json::Value = serde_json::from_slice(&report).unwrap();
    let mut found = Vec::new();
    for doc in report["assertions"].as_array().unwrap() {
        let url = doc["earl:testSubject"]["url"].as_str().unwrap_or("");
        for a in doc["assertions"].as_array().into_iter().flatten() {
            found.push((
                a["earl:test"]["earl:impact"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                a["earl:test"]["dct:title"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                url.to_string(),
            ));
        }
    }
    Some(found)
}

#[test]
fn every_epub_has_no_critical_or_serious_accessibility_violation() {
    let compact = Style::load("compact").unwrap();
    let (doc, epub) = real();
    let editions = [
        ("wuyang-gongwen.epub", epub.clone()),
        (
            "wuyang-compact.epub",
            render_epub(doc, &compact, FIXED_EPOCH),
        ),
        (
            "hand-built.epub",
            render_epub(&hand_built(), &style(), FIXED_EPOCH),
        ),
    ];
    let results: Vec<_> = std::thread::scope(|s| {
        let runs: Vec<_> = editions
            .iter()
            .map(|(name, bytes)| s.spawn(move || (name, ace(bytes, name))))
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    for (name, found) in results {
        let Some(found) = found else { return };
        eprintln!("Ace on {name}: {} violations {found:?}", found.len());
        let grave: Vec<_> = found
            .iter()
            .filter(|(impact, _, _)| impact == "critical" || impact == "serious")
            .collect();
        assert!(grave.is_empty(), "{name}: {grave:#?}");
    }
}

#[test]
fn package_declares_accessibility_and_its_language() {
    let (_, epub) = real();
    let opf = file(epub, "OEBPS/content.opf");
    assert!(
        opf.contains(r#"unique-identifier="epub-id-1" xml:lang="zh-Hant">"#),
        "{opf}"
    );
    for (property, value) in [
        ("schema:accessMode", "textual"),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityHazard", "none"),
        (
            "dcterms:conformsTo",
            "EPUB Accessibility 1.1 - WCAG 2.1 Level AA",
        ),
    ] {
        let meta = format!(r#"<meta property="{property}">{value}</meta>"#);
        assert!(opf.contains(&meta), "{meta} missing");
    }
    assert!(opf.contains(r#"<meta property="schema:accessibilitySummary">"#));
    let nav = file(epub, "OEBPS/nav.xhtml");
    assert!(nav.contains(r#"lang="zh-Hant" xml:lang="zh-Hant""#));
    assert!(nav.contains(r#"role="doc-toc" aria-label="#));
    assert!(nav.contains(r#"<nav epub:type = "landmarks" aria-label="#));
}

// ---------------------------------------------------------------------------------------------
// the print edition's page numbers

#[test]
fn page_markers_sit_where_the_pdf_pages_begin() {
    let (doc, _) = real();
    let (epub, pdf) = render_pair(doc, &style(), FIXED_EPOCH);
    let pdf_pages = lopdf::Document::load_mem(&pdf).unwrap().get_pages().len();
    assert!(pdf_pages > 20, "{pdf_pages} pages");
    // The page list: one entry per PDF page, labelled as the folio prints it, in order.
    let nav = file(&epub, "OEBPS/nav.xhtml");
    let list = &nav[nav.find(r#"epub:type = "page-list""#).expect("page list")..];
    let list = &list[..list.find("</nav>").unwrap()];
    assert!(list.contains(r#"role="doc-pagelist""#));
    let mut labels = Vec::new();
    each_element(list, |name, attrs, text| {
        if name == "a" {
            labels.push((attrs["href"].clone(), text.to_string()));
        }
    });
    assert_eq!(labels.len(), pdf_pages);
    let docs: BTreeMap<String, String> = content_documents(&epub).into_iter().collect();
    for (i, (href, label)) in labels.iter().enumerate() {
        assert_eq!(label, &(i + 1).to_string());
        let (file_name, id) = href.split_once('#').unwrap();
        assert_eq!(id, format!("page-{label}"));
        let marker = format!(
            r#"<span epub:type="pagebreak" role="doc-pagebreak" id="page-{label}" aria-label="{label}"/>"#
        );
        assert_eq!(docs[file_name].matches(&marker).count(), 1, "{marker}");
    }
    // Five pages: the first characters after the marker are the first body characters of the
    // PDF page (pdftotext), note marks included (page 9 opens with one); page 24 is the annex.
    if !common::tool("pdftotext") {
        return;
    }
    let path = artifacts().join("pages.pdf");
    std::fs::write(&path, &pdf).unwrap();
    for page in [1, 2, 9, 15, 24] {
        let out = Command::new("pdftotext")
            .args(["-f", &page.to_string(), "-l", &page.to_string()])
            .arg(&path)
            .arg("-")
            .output()
            .unwrap();
        let printed: String = String::from_utf8_lossy(&out.stdout)
            .chars()
            .filter(|c| !c.is_whitespace())
            .take(8)
            .collect();
        let (file_name, _) = labels[page - 1].0.split_once('#').unwrap();
        let xhtml = &docs[file_name];
        let at = xhtml.find(&format!(r#"id="page-{page}""#)).unwrap();
        let marked = common::text_after(xhtml, at + xhtml[at..].find("/>").unwrap() + 2, 8);
        assert_eq!(marked, printed, "page {page}");
    }
}

#[test]
fn package_names_the_print_edition_and_page_features() {
    let (_, epub) = real();
    let opf = file(epub, "OEBPS/content.opf");
    assert!(
        opf.contains("<dc:source id=\"epub-source\">2024\u{5E74}"),
        "{opf}"
    );
    assert!(opf.contains("(PDF, 210 \u{00D7} 297 mm, gongwen)</dc:source>"));
    assert!(
        opf.contains(r##"<meta refines="#epub-source" property="source-of">pagination</meta>"##)
    );
    assert!(opf.contains(r#"<meta property="schema:accessibilityFeature">printPageNumbers</meta>"#));
    // Without the print layout: no page list, no page claims.
    let doc = hand_built();
    let s = style();
    let plan = Plan::new(&doc, &s, book());
    let subsets = book().subset(&plan.usage).unwrap();
    let ctx = RenderContext {
        style: &s,
        fonts: &subsets,
        plan: &plan,
        epoch: FIXED_EPOCH,
        layout: None,
    };
    let bare = render(Format::Epub, &doc, &ctx).unwrap();
    assert!(!file(&bare, "OEBPS/nav.xhtml").contains("page-list"));
    let opf = file(&bare, "OEBPS/content.opf");
    assert!(!opf.contains("printPageNumbers") && !opf.contains("dc:source"));
}
