//! The presentation plan seen from outside: the Wuyang report's three editions, read back with
//! real tools (pdftotext and pdfplumber on the PDF, the EPUB's XHTML, the DOCX's XML), show each
//! note with one mark in one form, under both shipped styles; annex terms are drawn entirely in
//! 黑体; every character a role draws is in that role's own subset.
mod common;
mod docx_support;
mod pdf_support;

use baogao::edition::Format;
use baogao::fonts::{FontBook, Subsets};
use baogao::model::{Document, Inline};
use baogao::present::{circled, Plan};
use baogao::render::{render, RenderContext, FIXED_EPOCH};
use baogao::style::{MarkForm, Style};
use docx_support::part;
use pdf_support::{root, text_of, tool};
use std::collections::BTreeMap;
use std::sync::OnceLock;

struct Editions {
    doc: Document,
    style: Style,
    subsets: Subsets,
    epub: Vec<u8>,
    docx: Vec<u8>,
    dir: tempfile::TempDir,
}

impl Editions {
    fn pdf_path(&self) -> String {
        self.dir.path().join("wuyang.pdf").display().to_string()
    }
}

fn build(style_name: &str) -> Editions {
    let style = Style::load(style_name).unwrap();
    let book = FontBook::load(&style).unwrap();
    let path = root().join("input/wuyang-2024/report.txt");
    let prepared = baogao::prepare(&path, &baogao::Options::default(), &style, &book).unwrap();
    let doc = prepared.doc;
    let plan = Plan::new(&doc, &style, &book);
    let subsets = book.subset(&plan.usage).unwrap();
    let ctx = RenderContext {
        style: &style,
        fonts: &subsets,
        plan: &plan,
        epoch: FIXED_EPOCH,
        layout: None,
    };
    let [pdf, epub, docx] =
        [Format::Pdf, Format::Epub, Format::Docx].map(|f| render(f, &doc, &ctx).unwrap());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("wuyang.pdf"), &pdf).unwrap();
    Editions {
        doc,
        style,
        subsets,
        epub,
        docx,
        dir,
    }
}

fn gongwen() -> &'static Editions {
    static E: OnceLock<Editions> = OnceLock::new();
    E.get_or_init(|| build("gongwen"))
}

fn compact() -> &'static Editions {
    static E: OnceLock<Editions> = OnceLock::new();
    E.get_or_init(|| build("compact"))
}

/// Text of `xml` with its tags removed.
fn untag(xml: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The text between `open` (found at or after `from`) and the next `close`.
fn between<'a>(hay: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = hay.find(open)? + open.len();
    let end = hay[start..].find(close)? + start;
    Some(&hay[start..end])
}

/// Each note's marks as the EPUB shows them: (noteref, footnote label, footnote text).
fn epub_notes(epub: &[u8]) -> BTreeMap<u32, (String, String, String)> {
    let names = docx_support::part_names(epub);
    let mut out = BTreeMap::new();
    for name in names.iter().filter(|n| n.ends_with(".xhtml")) {
        let x = part(epub, name).unwrap();
        let mut rest = x.as_str();
        while let Some(i) = rest.find("<aside epub:type=\"footnote\"") {
            rest = &rest[i..];
            let end = rest.find("</aside>").unwrap();
            let aside = &rest[..end];
            let n: u32 = between(aside, "id=\"n", "\"").unwrap().parse().unwrap();
            let label = between(aside, "role=\"doc-backlink\"", "</a>").unwrap();
            let label = label[label.find('>').unwrap() + 1..].to_string();
            let text = untag(&aside[aside.find("</a>").unwrap()..])
                .trim()
                .to_string();
            let noteref = between(&x, &format!("id=\"r{n}\" href=\"#n{n}\">"), "</a>").unwrap();
            out.insert(n, (noteref.to_string(), label, text));
            rest = &rest[end..];
        }
    }
    out
}

/// Each note's marks as Word shows them: (the reference's mark, the footnote's label). A
/// reference with `w:customMarkFollows` shows the text after it; one without shows Word's own
/// number, counting the automatic references before it; a footnote opening with
/// `w:footnoteRef` shows its reference's number, else its first text.
fn docx_notes(docx: &[u8]) -> BTreeMap<u32, (String, String)> {
    let main = part(docx, "word/document.xml").unwrap();
    let notes = part(docx, "word/footnotes.xml").unwrap();
    let mut out = BTreeMap::new();
    let mut rest = main.as_str();
    let mut automatic = 0;
    let open = "<w:footnoteReference ";
    while let Some(i) = rest.find(open) {
        rest = &rest[i + open.len()..];
        let tag = &rest[..rest.find('>').unwrap()];
        let n: u32 = between(tag, "w:id=\"", "\"").unwrap().parse().unwrap();
        let run_end = rest.find("</w:r>").unwrap();
        let mark = if tag.contains(r#"w:customMarkFollows="1""#) {
            untag(&rest[rest.find('>').unwrap() + 1..run_end])
        } else {
            automatic += 1;
            automatic.to_string()
        };
        let at = notes.find(&format!(r#"<w:footnote w:id="{n}">"#)).unwrap();
        let note = &notes[at..at + notes[at..].find("</w:footnote>").unwrap()];
        let label = match note.find("<w:footnoteRef />") {
            Some(_) if !tag.contains("customMarkFollows") => mark.clone(),
            _ => between(note, "<w:t xml:space=\"preserve\">", "</w:t>")
                .unwrap()
                .to_string(),
        };
        out.insert(n, (mark, label));
    }
    out
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The character before each note's (first) reference in the document (one only: the words
/// before a mark may run across a page break, where the folio stands between them).
fn before_mark(doc: &Document, number: u32) -> String {
    for b in &doc.blocks {
        for seq in b.inlines() {
            if let Some(k) = seq
                .iter()
                .position(|i| matches!(i, Inline::NoteRef(m) if *m == number))
            {
                if let Some(Inline::Text(t)) = k.checked_sub(1).map(|j| &seq[j]) {
                    let v: Vec<char> = t.chars().collect();
                    return squash(&v[v.len().saturating_sub(1)..].iter().collect::<String>());
                }
                return String::new();
            }
        }
    }
    panic!("note {number} is never referenced");
}

fn same_mark_everywhere(e: &Editions) {
    let epub = epub_notes(&e.epub);
    let docx = docx_notes(&e.docx);
    assert_eq!(epub.len(), e.doc.notes.len());
    assert_eq!(docx.len(), e.doc.notes.len());
    let pdf = tool("pdftotext", &[&e.pdf_path(), "-"]).map(|o| squash(&text_of(&o)));
    for note in &e.doc.notes {
        let n = note.number;
        let (noteref, label, text) = &epub[&n];
        assert_eq!(noteref, label, "EPUB note {n}: noteref and footnote label");
        let (docx_ref, docx_label) = &docx[&n];
        assert_eq!(docx_ref, noteref, "DOCX reference of note {n}");
        assert_eq!(docx_label, noteref, "DOCX footnote label of note {n}");
        // The form the style asks for: circled where Unicode has one, digits otherwise.
        let circled_form = e.style.notes.mark == MarkForm::Circled;
        let want = match circled(n) {
            Some(c) if circled_form => c.to_string(),
            _ => n.to_string(),
        };
        assert_eq!(noteref, &want, "note {n} in {}", e.style.name);
        if let Some(pdf) = &pdf {
            let body = format!("{}{noteref}", before_mark(&e.doc, n));
            assert!(pdf.contains(&body), "PDF body mark of note {n}: {body}");
            let head: String = squash(text).chars().take(8).collect();
            let foot = format!("{noteref}{head}");
            assert!(
                pdf.contains(&foot),
                "PDF footnote label of note {n}: {foot}"
            );
            if circled_form && want != n.to_string() {
                let digits = format!("{n}{head}");
                assert!(
                    !pdf.contains(&digits),
                    "PDF footnote {n} labelled in digits"
                );
            }
        }
    }
}

#[test]
fn gongwen_every_note_has_one_mark_in_all_three_editions() {
    same_mark_everywhere(gongwen());
}

#[test]
fn compact_every_note_has_one_mark_in_all_three_editions() {
    let e = compact();
    assert!(e.doc.notes.len() > 20, "notes past ⑳ are covered");
    same_mark_everywhere(e);
}

#[test]
fn a_character_drawn_in_a_role_is_in_that_roles_subset() {
    for e in [gongwen(), compact()] {
        let book = FontBook::load(&e.style).unwrap();
        let plan = Plan::new(&e.doc, &e.style, &book);
        // A character the role's face has is in the subset of the face that draws it: the
        // role's own, or (a quotation mark the face draws Latin-narrow) one of its fallback chain.
        for (role, chars) in &plan.usage.by_role {
            for &c in chars.iter().filter(|&&c| book.covers(*role, c)) {
                assert!(
                    e.subsets.resolve(*role, c).is_some(),
                    "{}: {role:?} draws U+{:04X} but no subset of its chain has it",
                    e.style.name,
                    c as u32
                );
            }
        }
    }
}

/// Every annex term of the gongwen PDF is drawn in the 黑体 subset, read back with pdfplumber
/// (each character's font name).
#[test]
fn annex_terms_are_drawn_entirely_in_hei() {
    let e = gongwen();
    let hei = &e.subsets.faces[&e.style.roles.attachment_label].postscript_name;
    let script = r#"
import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        for c in page.chars:
            t = c["text"]
            if t.strip():
                print(page.page_number, c["fontname"], t, sep="\t")
"#;
    let Some(out) = tool("python3", &["-c", script, &e.pdf_path()]) else {
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<(String, char)> = text_of(&out)
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            let (_, font, ch) = (f.next()?, f.next()?, f.next()?);
            Some((font.to_string(), ch.chars().next()?))
        })
        .collect();
    assert!(!rows.is_empty(), "pdfplumber found no characters");
    let text: Vec<char> = rows.iter().map(|r| r.1).collect();
    let annex = e.doc.annex.as_ref().unwrap();
    // The annex starts at its title; search its entries after that.
    let title: Vec<char> = squash(&annex.title).chars().collect();
    let from = find(&text, &title, 0).expect("annex title in the PDF");
    let mut checked = 0;
    for entry in annex.entries.iter().filter(|e| !e.term.is_empty()) {
        let key: Vec<char> = format!("{}.{}", entry.number, squash(&entry.term))
            .chars()
            .collect();
        let at =
            find(&text, &key, from).unwrap_or_else(|| panic!("entry {} not found", entry.number));
        let number_len = entry.number.to_string().len() + 1;
        for (k, c) in key.iter().enumerate().skip(number_len) {
            let font = &rows[at + k].0;
            assert!(
                font.ends_with(hei.as_str()),
                "entry {}: {c} of the term in {font}, not {hei}",
                entry.number
            );
        }
        checked += 1;
    }
    assert!(checked >= 30, "{checked} terms checked");
}

fn find(hay: &[char], needle: &[char], from: usize) -> Option<usize> {
    (from..hay.len().saturating_sub(needle.len() - 1)).find(|&i| hay[i..].starts_with(needle))
}
