//! A session from a gazette's text layer (tests/fixtures/gazette/, written by its make.py): six
//! documents with running heads, page numbers, form feeds, hard wraps at the column, spaced
//! numbers, subscripts on their own line, letter-spaced titles over one to three lines and
//! resolutions under their meeting line. Each reads as the printed gazette has it (expected/),
//! `check --json` lists every dropped line and every join, and `baogao pack` of the six prints
//! no page furniture and lists the six titles in its contents.
mod common;
use common::{baogao, tool};

use baogao::fonts::FontBook;
use baogao::model::{plain, Block};
use std::path::{Path, PathBuf};
use std::process::Command;

const HEAD: &str = "江临市人民政府公报 2026年第3期";
const DOCS: [&str; 6] = [
    "01-resolution-gwr",
    "02-resolution-plan",
    "03-resolution-budget",
    "04-government-work-report",
    "05-plan-report",
    "06-budget-report",
];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gazette")
}

/// One line per block, as expected/ writes them (a run-in lead with its paragraph).
fn block_lines(blocks: &[Block]) -> Vec<String> {
    blocks
        .iter()
        .map(|b| match b {
            Block::Title(c) | Block::Subtitle(c) | Block::Salutation(c) => plain(c),
            Block::Heading { content, .. } => plain(content),
            Block::Paragraph { lead, content } => {
                let lead = lead.as_ref().map(|l| plain(&l.content)).unwrap_or_default();
                format!("{lead}{}", plain(content))
            }
            other => panic!("unexpected block {other:?}"),
        })
        .collect()
}

fn expected(name: &str) -> Vec<String> {
    std::fs::read_to_string(dir().join("expected").join(format!("{name}.txt")))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn each_document_reads_as_the_printed_gazette() {
    let style = baogao::style::Style::load("gongwen").unwrap();
    let fonts = FontBook::load(&style).unwrap();
    for name in DOCS {
        let path = dir().join(format!("{name}.txt"));
        let p = baogao::prepare(&path, &baogao::Options::default(), &style, &fonts).unwrap();
        let got = block_lines(&p.doc.blocks);
        let want = expected(name);
        for (k, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g, w, "{name}: block {k}");
        }
        assert_eq!(got.len(), want.len(), "{name}: {got:#?}");
        // The title block: the title is the title (a resolution's meeting line above it).
        let title = p
            .doc
            .blocks
            .iter()
            .position(|b| matches!(b, Block::Title(_)))
            .unwrap_or_else(|| panic!("{name}: no title"));
        assert_eq!(title, usize::from(name.contains("resolution")), "{name}");
        // Headings are whole: none ends inside a phrase, and the wrapped level-2 heading is one.
        for b in &p.doc.blocks {
            if let Block::Heading { level, content } = b {
                let t = plain(content);
                assert!(*level <= 3, "{name}: level-{level} heading {t}");
                assert!(
                    !t.ends_with(['\u{FF0C}', '\u{3001}']),
                    "{name}: cut heading {t}"
                );
            }
        }
        let r = &p.report;
        assert!(
            r.warnings.iter().any(|w| w.code == "text-layer"),
            "{name}: {:?}",
            r.warnings
        );
        let doubts: Vec<_> = r
            .warnings
            .iter()
            .filter(|w| w.code.ends_with("-doubt"))
            .collect();
        assert!(doubts.is_empty(), "{name}: {doubts:?}");
    }
}

/// The raw lines of a document (form feeds kept).
fn raw(name: &str) -> Vec<String> {
    std::fs::read_to_string(dir().join(format!("{name}.txt")))
        .unwrap()
        .split('\n')
        .map(str::to_string)
        .collect()
}

fn unspaced(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn check_lists_every_dropped_line_and_every_join() {
    for name in DOCS {
        let path = dir().join(format!("{name}.txt"));
        let o = baogao(&["check", "--json", path.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let c = &j["cleaning"];
        let listed = |key: &str| -> Vec<(usize, String)> {
            c[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    (
                        e["line"].as_u64().unwrap() as usize,
                        e["text"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        };
        let furniture = listed("page_furniture");
        let all_joins = listed("lines_joined");
        let why: Vec<&str> = c["lines_joined"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| j["why"].as_str().unwrap())
            .collect();
        // The title's and the date line's second and third lines are joins too.
        let count = |w: &str| why.iter().filter(|x| **x == w).count();
        let title_lines = match name {
            "01-resolution-gwr" | "04-government-work-report" => 1,
            "06-budget-report" => 3,
            _ => 2,
        };
        assert_eq!(count("title"), title_lines - 1, "{name}: {why:?}");
        assert_eq!(count("subtitle"), 1, "{name}: {why:?}");
        let joins: Vec<(usize, String)> = all_joins
            .iter()
            .zip(&why)
            .filter(|(_, w)| matches!(**w, "column" | "subscript"))
            .map(|(j, _)| j.clone())
            .collect();
        let lines = raw(name);
        // Every line of furniture, and every form feed, is listed with its line.
        for (k, l) in lines.iter().enumerate() {
            let t = l.replace('\u{C}', "");
            let t = t.trim();
            let whole = t == HEAD || (!t.is_empty() && t.chars().all(|c| c.is_ascii_digit()));
            if whole || l.contains('\u{C}') {
                assert!(
                    furniture.iter().any(|(n, _)| *n == k + 1),
                    "{name}: line {} ({t}) not listed",
                    k + 1
                );
            }
            if !whole && t.contains(HEAD) {
                assert!(
                    furniture
                        .iter()
                        .any(|(n, f)| *n == k + 1 && f.ends_with(HEAD)),
                    "{name}: glued head on line {} not listed",
                    k + 1
                );
            }
        }
        // Every join names a line holding the joined text.
        for (n, text) in &all_joins {
            assert!(
                unspaced(&lines[n - 1]).contains(&unspaced(text)),
                "{name}: join of line {n} ({text})"
            );
        }
        // And every body line that does not open a block is joined: the body's pieces (a glued
        // line is two) less its blocks.
        let want = expected(name);
        let body_from = lines
            .iter()
            .position(|l| l.starts_with("各位代表") || l.ends_with("会议通过）"))
            .unwrap()
            + 1;
        let pieces: usize = lines[body_from..]
            .iter()
            .map(|l| l.replace('\u{C}', ""))
            .map(|l| {
                let t = l.trim();
                let furniture = t.is_empty() || t == HEAD || t.chars().all(|c| c.is_ascii_digit());
                match (furniture, t.contains(HEAD)) {
                    (true, _) => 0,
                    (false, true) => 2,
                    (false, false) => 1,
                }
            })
            .sum();
        let first_body = want
            .iter()
            .position(|l| l.starts_with("各位代表") || l.ends_with("会议通过）"))
            .unwrap()
            + 1;
        assert_eq!(
            joins.len(),
            pieces - (want.len() - first_body),
            "{name}: {joins:#?}"
        );
        assert!(c["extraction_spaces"].as_u64().unwrap() > 0, "{name}");
    }
}

#[test]
fn the_pack_prints_no_page_furniture_and_lists_six_titles() {
    if !tool("pdftotext") {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let manifest = dir().join("pack.toml");
    let o = baogao(&[
        "pack",
        manifest.to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
        "--formats",
        "pdf,epub,docx",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    // The one doubt of the fixture: the figure its caption names is not in the text.
    assert!(stderr.contains("figure-missing"), "{stderr}");
    assert!(!stderr.contains("no-title"), "{stderr}");
    let pdf = out
        .path()
        .join("江临市第七届人民代表大会第七次会议文件汇编.pdf");
    let text = String::from_utf8(
        Command::new("pdftotext")
            .args([pdf.to_str().unwrap(), "-"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(!text.contains("公报"), "a running head is printed");
    // The volume's own folios (`—1—`) set aside.
    let folio = |l: &str| {
        let t = unspaced(l);
        t.len() > 6 && t.starts_with('\u{2014}') && t.ends_with('\u{2014}')
    };
    let flat: String = text.lines().filter(|l| !folio(l)).map(unspaced).collect();
    assert_eq!(flat.matches("PM2.5").count(), 4, "PM2.5");
    // The contents (the pages before the first document's title) list the six titles.
    let contents_end = flat.find("政府工作报告——").unwrap_or(flat.len());
    let contents = &flat[..contents_end];
    for name in DOCS {
        let title = &expected(name)[usize::from(name.contains("resolution"))];
        assert!(contents.contains(title.as_str()), "contents lack {title}");
    }
    // Whole headings and paragraphs, no extraction spaces: the text of every block is in the
    // PDF as one run once line breaks are set aside.
    for name in DOCS {
        for line in expected(name) {
            assert!(flat.contains(&unspaced(&line)), "{name}: {line}");
        }
    }
    // Each title is a title in the EPUB (`h1.title`) and the DOCX (style `Title`).
    let epub = out
        .path()
        .join("江临市第七届人民代表大会第七次会议文件汇编.epub");
    let docx = out
        .path()
        .join("江临市第七届人民代表大会第七次会议文件汇编.docx");
    let xhtml: String = {
        let mut z = zip::ZipArchive::new(std::fs::File::open(&epub).unwrap()).unwrap();
        (0..z.len())
            .map(|i| {
                use std::io::Read;
                let mut s = String::new();
                let _ = z.by_index(i).unwrap().read_to_string(&mut s);
                s
            })
            .collect()
    };
    let document = {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(std::fs::File::open(&docx).unwrap()).unwrap();
        let mut s = String::new();
        z.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    let docx_titles: Vec<String> = document
        .split("<w:p ")
        .filter(|p| p.contains("w:val=\"Title\""))
        .map(|p| {
            p.split("<w:t")
                .skip(1)
                .filter_map(|t| Some(&t[t.find('>')? + 1..t.find("</w:t>")?]))
                .collect()
        })
        .collect();
    for name in DOCS {
        let title = &expected(name)[usize::from(name.contains("resolution"))];
        assert!(
            xhtml.contains(&format!("<h1 class=\"title\">{title}</h1>")),
            "EPUB: {title}"
        );
        assert!(
            docx_titles.contains(title),
            "DOCX: {title} in {docx_titles:?}"
        );
    }
}

#[test]
fn a_folder_build_takes_every_title_a_single_build_finds() {
    // Letter-spaced titles over two and three lines, and a resolution: before the one title
    // test, a folder build passed over all three.
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("in");
    std::fs::create_dir(&folder).unwrap();
    for name in ["02-resolution-plan", "05-plan-report", "06-budget-report"] {
        std::fs::copy(
            dir().join(format!("{name}.txt")),
            folder.join(format!("{name}.txt")),
        )
        .unwrap();
    }
    let out = tmp.path().join("out");
    let o = baogao(&[
        "build",
        folder.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--formats",
        "epub",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written.len(), 3, "{written:?}");
    assert!(
        written.iter().any(|n| n.contains("计划草案的报告")),
        "{written:?}"
    );
}

#[test]
fn a_pack_document_takes_its_title_from_the_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("r.txt"),
        "会议听取了报告。\n会议号召，全市人民团结奋斗！\n",
    )
    .unwrap();
    let manifest = tmp.path().join("pack.toml");
    let write = |doc: &str| {
        std::fs::write(
            &manifest,
            format!("title = \"某市会议文件\"\n[[document]]\nreport = \"r.txt\"\n{doc}"),
        )
        .unwrap()
    };
    // Without a title: the warning names the manifest's key.
    write("");
    let o = baogao(&["check", manifest.to_str().unwrap(), "--json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let w = &j["documents"][0]["warnings"][0];
    assert_eq!(w["code"], "no-title");
    let m = w["message"].as_str().unwrap();
    assert!(
        m.contains("title = ") && m.contains("[[document]] 1"),
        "{m}"
    );
    assert!(!m.contains("--title"), "{m}");
    // With one: set as the title (and in the contents), its subtitle under it, no warning.
    write("title = \"关于某事的决议\"\nsubtitle = \"（2026年2月11日通过）\"\n");
    if !tool("pdftotext") {
        return;
    }
    let out = tmp.path().join("out");
    let o = baogao(&[
        "pack",
        manifest.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--formats",
        "pdf",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("no-title"));
    let text = String::from_utf8(
        Command::new("pdftotext")
            .args([out.join("某市会议文件.pdf").to_str().unwrap(), "-"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let flat = unspaced(&text);
    assert_eq!(flat.matches("关于某事的决议").count(), 2, "{text}");
    let title = flat.rfind("关于某事的决议").unwrap();
    assert!(flat[title..].starts_with("关于某事的决议（2026年2月11日通过）会议听取了报告。"));
}
