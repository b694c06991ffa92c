//! The DOCX edition on the Wuyang report: real footnotes, heading styles, embedded fonts, the
//! 公文 page, and what LibreOffice, pdftotext/pdffonts and python-docx make of it.
mod common;
mod docx_support;

use baogao::edition::Format;
use baogao::fonts::{FontBook, Subsets};
use baogao::model::{Block, Document, Inline};
use baogao::present::Plan;
use baogao::render::{render, RenderContext, FIXED_EPOCH};
use baogao::style::Style;
use baogao::Options;
use common::*;
use docx_support::*;
use std::process::Command;
use std::sync::OnceLock;

struct Rendered {
    doc: Document,
    subsets: Subsets,
    bytes: Vec<u8>,
}

fn style() -> &'static Style {
    static S: OnceLock<Style> = OnceLock::new();
    S.get_or_init(|| Style::load("gongwen").unwrap())
}

fn render_doc(doc: &Document, subsets: &Subsets) -> Vec<u8> {
    let plan = Plan::for_subsets(doc, style(), subsets);
    let ctx = RenderContext {
        style: style(),
        fonts: subsets,
        plan: &plan,
        epoch: FIXED_EPOCH,
        layout: None,
    };
    render(Format::Docx, doc, &ctx).unwrap()
}

/// The Wuyang report through the whole pipeline (read, passes, notes, fonts), rendered once
/// for all tests of this file.
fn wuyang() -> &'static Rendered {
    static R: OnceLock<Rendered> = OnceLock::new();
    R.get_or_init(|| {
        let path = root().join("input/wuyang-2024/report.txt");
        let book = FontBook::load(style()).unwrap();
        let doc = baogao::prepare(&path, &Options::default(), style(), &book)
            .unwrap()
            .doc;
        let plan = Plan::new(&doc, style(), &book);
        let subsets = book.subset(&plan.usage).unwrap();
        let ctx = RenderContext {
            style: style(),
            fonts: &subsets,
            plan: &plan,
            epoch: FIXED_EPOCH,
            layout: None,
        };
        let bytes = render(Format::Docx, &doc, &ctx).unwrap();
        Rendered {
            doc,
            subsets,
            bytes,
        }
    })
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

#[test]
fn footnotes_are_real_with_document_numbers() {
    let r = wuyang();
    let notes = part(&r.bytes, "word/footnotes.xml").unwrap();
    let main = part(&r.bytes, "word/document.xml").unwrap();
    assert_eq!(r.doc.notes.len(), 32);
    // Two separators plus one footnote per note, ids 1..=32 in order.
    assert_eq!(count(&notes, "<w:footnote "), 34);
    assert_eq!(count(&notes, r#"w:type="separator""#), 1);
    assert_eq!(count(&notes, r#"w:type="continuationSeparator""#), 1);
    for n in 1..=32 {
        assert_eq!(
            count(&notes, &format!(r#"<w:footnote w:id="{n}">"#)),
            1,
            "note {n}"
        );
        assert_eq!(
            count(&main, &format!(r#"<w:footnoteReference w:id="{n}" />"#)),
            1,
            "reference {n}"
        );
    }
    // Marks in digits: Word's own numbering shows them, each note opening with it.
    assert_eq!(count(&notes, "<w:footnoteRef />"), 32);
    assert!(!main.contains("customMarkFollows"));
    // Each note carries its own text.
    let first = notes.find(r#"<w:footnote w:id="1">"#).unwrap();
    let second = notes.find(r#"<w:footnote w:id="2">"#).unwrap();
    assert!(notes[first..second].contains(&r.doc.notes[0].text));
    let settings = part(&r.bytes, "word/settings.xml").unwrap();
    assert!(settings.contains(r#"<w:footnote w:id="-1" /><w:footnote w:id="0" />"#));
}

#[test]
fn ids_restart_per_document_in_one_process() {
    let r = wuyang();
    // A smaller second document: its notes must again be 1…N, not 33…
    let mut small = r.doc.clone();
    small.blocks.truncate(12);
    let used = small
        .blocks
        .iter()
        .flat_map(|b| {
            b.inlines()
                .into_iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
        })
        .filter(|i| matches!(i, Inline::NoteRef(_)))
        .count();
    small.notes.truncate(used);
    assert!(used > 0);
    let bytes = render_doc(&small, &r.subsets);
    let notes = part(&bytes, "word/footnotes.xml").unwrap();
    assert_eq!(count(&notes, "<w:footnote w:id="), used);
    assert!(notes.contains(r#"<w:footnote w:id="1">"#));
    assert!(!notes.contains(&format!(r#"<w:footnote w:id="{}">"#, used + 1)));
    // And the big one again gives the very same bytes.
    assert!(
        render_doc(&r.doc, &r.subsets) == r.bytes,
        "second render differs"
    );
}

#[test]
fn level_one_headings_use_heading_1() {
    let r = wuyang();
    let main = part(&r.bytes, "word/document.xml").unwrap();
    let styles = part(&r.bytes, "word/styles.xml").unwrap();
    assert_eq!(count(&main, r#"<w:pStyle w:val="Heading1" />"#), 3);
    assert!(styles.contains(r#"w:styleId="Heading1""#));
    assert!(styles.contains(r#"<w:name w:val="heading 1" />"#));
    assert!(styles.contains(r#"<w:outlineLvl w:val="0" />"#));
    // Run-in leads: a character style inside body paragraphs.
    let leads = r
        .doc
        .blocks
        .iter()
        .filter(|b| matches!(b, Block::Paragraph { lead: Some(_), .. }))
        .count();
    assert!(leads > 0);
    assert!(count(&main, r#"<w:rStyle w:val="RunInHeading2" />"#) >= leads);
    assert!(styles.contains(r#"w:styleId="RunInHeading2""#));
    // Body: justified, two-character first-line indent.
    let body = &styles[styles.find(r#"w:styleId="BodyText""#).unwrap()..];
    let body = &body[..body.find("</w:style>").unwrap()];
    assert!(body.contains(r#"w:firstLineChars="200""#), "{body}");
    assert!(styles.contains(r#"<w:jc w:val="both" />"#));
}

#[test]
fn styles_name_the_role_families_and_the_language() {
    let r = wuyang();
    let styles = part(&r.bytes, "word/styles.xml").unwrap();
    assert!(styles.contains(r#"w:eastAsia="zh-TW""#), "w:lang missing");
    assert!(styles.contains("<w:lang "));
    assert_eq!(count(&styles, r#"w:styleId="Normal""#), 1);
    for face in r.subsets.faces.values() {
        let f = &face.family;
        let named = styles.split("<w:rFonts ").skip(1).any(|r| {
            let r = &r[..r.find("/>").unwrap()];
            ["ascii", "hAnsi", "eastAsia"]
                .iter()
                .all(|slot| r.contains(&format!(r#"w:{slot}="{f}""#)))
        });
        assert!(named, "{f} is not named in every slot of a style");
    }
    let core = part(&r.bytes, "docProps/core.xml").unwrap();
    assert!(core.contains("<dc:title>2024年舞陽縣政府工作報告</dc:title>"));
    assert!(core.contains("<dc:language>zh-TW</dc:language>"));
    assert!(core.contains("2000-01-01T00:00:00Z"));
}

#[test]
fn fonts_are_embedded_as_word_does() {
    let r = wuyang();
    let table = part(&r.bytes, "word/fontTable.xml").unwrap();
    let rels = part(&r.bytes, "word/_rels/fontTable.xml.rels").unwrap();
    let types = part(&r.bytes, "[Content_Types].xml").unwrap();
    let settings = part(&r.bytes, "word/settings.xml").unwrap();
    assert!(settings.contains("<w:embedTrueTypeFonts />"));
    assert!(types.contains(r#"Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont""#));
    let fonts: Vec<String> = part_names(&r.bytes)
        .into_iter()
        .filter(|n| n.starts_with("word/fonts/") && n.ends_with(".odttf"))
        .collect();
    assert_eq!(fonts.len(), r.subsets.faces.len());
    let embeds = count(&table, "<w:embedRegular ") + count(&table, "<w:embedBold ");
    assert_eq!(embeds, fonts.len());
    // Each part deobfuscates, with the key fontTable gives it, to one of our subsets.
    let z = &r.bytes;
    for (i, name) in fonts.iter().enumerate() {
        let rid = format!("rId{}", i + 1);
        assert!(
            rels.contains(&format!(r#"Id="{rid}""#))
                && rels.contains(name.trim_start_matches("word/"))
        );
        let at = table.find(&format!(r#"r:id="{rid}""#)).unwrap();
        let key = &table[at..][table[at..].find("w:fontKey=\"").unwrap() + 11..][..38];
        let mut raw = Vec::new();
        use std::io::Read;
        zip::ZipArchive::new(std::io::Cursor::new(z))
            .unwrap()
            .by_name(name)
            .unwrap()
            .read_to_end(&mut raw)
            .unwrap();
        let plain = baogao::render::docx::fonts::obfuscate(&raw, key);
        assert!(
            r.subsets.faces.values().any(|f| *f.data == plain),
            "{name} does not deobfuscate to a subset"
        );
        assert_ne!(raw[..32], plain[..32]);
    }
}

#[test]
fn page_is_gongwen_a4_with_grid_and_folio() {
    let r = wuyang();
    let main = part(&r.bytes, "word/document.xml").unwrap();
    assert!(main.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "A4");
    // top 37 mm, inner 28 mm, bottom 35 mm, outer 26 mm.
    for (k, v) in [
        ("top", 2098),
        ("left", 1587),
        ("bottom", 1984),
        ("right", 1474),
    ] {
        assert!(main.contains(&format!(r#"w:{k}="{v}""#)), "{k}");
    }
    assert!(
        main.contains(r#"<w:docGrid w:type="lines" w:linePitch="580" w:charSpace="-848" />"#),
        "{}",
        &main[main.rfind("<w:sectPr").unwrap()..]
    );
    let styles = part(&r.bytes, "word/styles.xml").unwrap();
    let normal = &styles[styles.find(r#"w:styleId="Normal""#).unwrap()..];
    assert!(normal[..normal.find("</w:style>").unwrap()].contains(r#"<w:spacing w:val="-5" />"#));
    let sect = &main[main.rfind("<w:sectPr").unwrap()..];
    assert!(sect.starts_with("<w:sectPr><w:footerReference "), "{sect}");
    let settings = part(&r.bytes, "word/settings.xml").unwrap();
    assert!(settings.contains("<w:mirrorMargins />"));
    let order = [
        "<w:zoom",
        "<w:embedTrueTypeFonts",
        "<w:defaultTabStop",
        "<w:evenAndOddHeaders",
        "<w:footnotePr",
        "<w:compat>",
    ];
    let at: Vec<usize> = order.iter().map(|e| settings.find(e).unwrap()).collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "settings out of schema order: {settings}"
    );
    assert!(settings.contains("<w:evenAndOddHeaders />"));
    for f in ["word/footer1.xml", "word/footer2.xml"] {
        let x = part(&r.bytes, f).unwrap();
        assert!(x.contains("PAGE"), "{f}");
        assert!(x.contains("\u{2014} ") && x.contains(" \u{2014}"), "{f}");
    }
}

#[test]
fn size_is_within_budget() {
    let r = wuyang();
    assert!(r.bytes.len() <= 1_500_000, "{} bytes", r.bytes.len());
    eprintln!("docx size: {} bytes", r.bytes.len());
}

/// The command-line program, a process of its own, writes the very bytes this process renders.
#[test]
fn a_second_process_renders_the_same_bytes() {
    let dir = temp_dir("docx-proc");
    let status = Command::new(env!("CARGO_BIN_EXE_baogao"))
        .args(["build", "--formats", "docx", "--name", "other", "-o"])
        .arg(&dir)
        .arg(root().join("input/wuyang-2024/report.txt"))
        // The date this file renders with (without it the CLI dates by the report's own date).
        .env("SOURCE_DATE_EPOCH", FIXED_EPOCH.to_string())
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let other = std::fs::read(dir.join("other.docx")).unwrap();
    assert!(
        other == wuyang().bytes,
        "the other process wrote different bytes"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn python_docx_opens_it() {
    if !tool("python3") {
        return;
    }
    let dir = temp_dir("docx-py");
    let path = dir.join("wuyang.docx");
    write(&path, &wuyang().bytes);
    let Some(stdout) = common::python_docx(
        "import sys, docx; d = docx.Document(sys.argv[1]); \
             print(len(d.paragraphs), sum(p.style.name == 'Heading 1' for p in d.paragraphs))",
        &path,
    ) else {
        return;
    };
    let nums: Vec<usize> = stdout
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    assert!(nums[0] >= wuyang().doc.blocks.len(), "{stdout}");
    assert_eq!(
        nums[1], 3,
        "python-docx sees {} Heading 1 paragraphs",
        nums[1]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// LibreOffice, seeing no CJK font on the system, sets the text in our embedded faces.
#[test]
fn libreoffice_uses_the_embedded_fonts() {
    if !(tool("soffice") && tool("pdftotext") && tool("pdffonts")) {
        return;
    }
    let r = wuyang();
    let dir = temp_dir("docx-lo");
    let docx = dir.join("wuyang.docx");
    write(&docx, &r.bytes);
    let conf = dir.join("fonts.conf");
    let cache = dir.join("fc-cache");
    std::fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\
             <dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{}</cachedir></fontconfig>\n",
            cache.display()
        ),
    )
    .unwrap();
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}/profile",
            dir.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&dir)
        .arg(&docx)
        .env("FONTCONFIG_FILE", &conf)
        .output()
        .unwrap();
    let pdf = dir.join("wuyang.pdf");
    assert!(
        out.status.success() && pdf.is_file(),
        "soffice failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    let mut want = String::new();
    for b in &r.doc.blocks {
        want.push_str(&b.text());
    }
    for n in &r.doc.notes {
        want.push_str(&n.text);
    }
    let diff = han_diff(&text, &want);
    assert!(
        diff.missing.is_empty(),
        "Han characters lost in LibreOffice's PDF: {diff}"
    );
    // The 公文 grid: full lines of Han characters and Chinese punctuation hold 28 characters.
    let layout = Command::new("pdftotext")
        .args(["-layout", "-f", "2", "-l", "6"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let mut lengths: std::collections::BTreeMap<usize, usize> = Default::default();
    for line in String::from_utf8_lossy(&layout.stdout).lines() {
        let chars: Vec<char> = line.chars().filter(|c| !c.is_whitespace()).collect();
        if chars.len() > 10
            && chars.iter().all(|&c| {
                is_han(c)
                    || ('\u{3000}'..='\u{303F}').contains(&c)
                    || ('\u{FF00}'..='\u{FF5E}').contains(&c)
                    || c == '\u{201C}'
                    || c == '\u{201D}'
            })
        {
            *lengths.entry(chars.len()).or_insert(0) += 1;
        }
    }
    let commonest = lengths.iter().max_by_key(|(_, n)| **n).map(|(l, _)| *l);
    assert_eq!(commonest, Some(28), "characters per line: {lengths:?}");
    let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    eprintln!("{fonts}");
    for face in r.subsets.faces.values() {
        assert!(
            fonts.contains(&face.postscript_name),
            "{} not used in the PDF:\n{fonts}",
            face.postscript_name
        );
    }
    assert!(
        !fonts.contains("DejaVu"),
        "a substitute font was used:\n{fonts}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn small(notes: bool) -> Document {
    let r = wuyang();
    let mut d = r.doc.clone();
    d.blocks.truncate(8);
    if !notes {
        for b in d.blocks.iter_mut() {
            for seq in b.inlines_mut() {
                seq.retain(|i| !matches!(i, Inline::NoteRef(_)));
            }
        }
        d.notes.clear();
    }
    d
}

#[test]
fn a_document_without_notes_has_no_footnotes_part() {
    let r = wuyang();
    let bytes = render_doc(&small(false), &r.subsets);
    assert!(part(&bytes, "word/footnotes.xml").is_none());
    let settings = part(&bytes, "word/settings.xml").unwrap();
    assert!(!settings.contains("<w:footnotePr>"));
    assert!(part(&bytes, "word/document.xml")
        .unwrap()
        .contains("Heading1"));
}

#[test]
fn a_repeated_reference_keeps_one_footnote_and_shows_its_number() {
    let r = wuyang();
    let mut d = small(true);
    let Some(Block::Paragraph { content, .. }) = d
        .blocks
        .iter_mut()
        .find(|b| matches!(b, Block::Paragraph { .. }))
    else {
        panic!("no paragraph");
    };
    content.push(Inline::Text("\u{518D}".into()));
    content.push(Inline::NoteRef(1));
    let bytes = render_doc(&d, &r.subsets);
    let notes = part(&bytes, "word/footnotes.xml").unwrap();
    let main = part(&bytes, "word/document.xml").unwrap();
    assert_eq!(count(&notes, r#"<w:footnote w:id="1">"#), 1);
    assert_eq!(count(&main, r#"<w:footnoteReference w:id="1" />"#), 1);
    assert!(main.contains(
        r#"<w:rStyle w:val="FootnoteReference" /></w:rPr><w:t xml:space="preserve">1</w:t>"#
    ));
}

#[test]
fn compact_style_marks_every_footnote_with_its_circled_mark() {
    let compact = Style::load("compact").unwrap();
    let book = FontBook::load(&compact).unwrap();
    let doc = small(true);
    let plan = Plan::new(&doc, &compact, &book);
    let subsets = book.subset(&plan.usage).unwrap();
    let ctx = RenderContext {
        style: &compact,
        fonts: &subsets,
        plan: &plan,
        epoch: FIXED_EPOCH,
        layout: None,
    };
    let bytes = render(Format::Docx, &doc, &ctx).unwrap();
    let main = part(&bytes, "word/document.xml").unwrap();
    let notes = part(&bytes, "word/footnotes.xml").unwrap();
    let settings = part(&bytes, "word/settings.xml").unwrap();
    let circled_one = '\u{2460}';
    assert!(main.contains(&format!(
        r#"<w:footnoteReference w:customMarkFollows="1" w:id="1" /><w:t xml:space="preserve">{circled_one}</w:t>"#
    )));
    assert!(notes.contains(&format!(
        r#"<w:rStyle w:val="FootnoteReference" /></w:rPr><w:t xml:space="preserve">{circled_one}</w:t>"#
    )));
    assert_eq!(count(&notes, "<w:footnoteRef />"), 0, "custom marks only");
    assert_eq!(count(&notes, "<w:footnoteRef />"), 0, "custom marks only");
    // Numbers run through the document: no restart, no automatic number format.
    for xml in [&main, &settings] {
        assert!(!xml.contains("numRestart") && !xml.contains("numFmt"));
    }
    // A5 paper.
    assert!(main.contains(r#"<w:pgSz w:w="8391" w:h="11906""#));
}
