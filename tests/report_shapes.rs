//! Reports of other shapes than Wuyang's, end to end through the CLI: a text without a title
//! line, a national-style report, a scraped county report (fixtures in tests/fixtures/shapes/,
//! written for these tests).
mod common;
use common::baogao;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/shapes")
        .join(name)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn check_json(report: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["check", "--json", s(report)];
    args.extend_from_slice(extra);
    let o = baogao(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The warnings' codes, in order, without the `font-fallback` infos (the gongwen 仿宋 draws
/// quotation marks Latin-narrow, so every report with quotes lists them; tests/fangsong.rs
/// checks those).
fn codes(json: &serde_json::Value) -> Vec<String> {
    json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] != "font-fallback")
        .map(|w| w["code"].as_str().unwrap().to_string())
        .collect()
}

/// The `<dc:title>` of an EPUB's package document.
fn epub_dc(epub: &Path, element: &str) -> Vec<String> {
    let f = std::fs::File::open(epub).unwrap();
    let mut zip = zip::ZipArchive::new(f).unwrap();
    let mut opf = String::new();
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        if e.name().ends_with(".opf") {
            std::io::Read::read_to_string(&mut e, &mut opf).unwrap();
        }
    }
    let open = format!("<{element}");
    let close = format!("</{element}>");
    opf.match_indices(&open)
        .filter_map(|(i, _)| {
            let rest = &opf[i..];
            let start = rest.find('>')? + 1;
            let end = rest.find(&close)?;
            Some(rest[start..end].to_string())
        })
        .collect()
}

#[test]
fn a_report_without_title_is_named_after_its_file_warned_and_valid() {
    let tmp = tempfile::tempdir().unwrap();
    let report = fixture("no-title.txt");
    let o = baogao(&[
        "build",
        s(&report),
        "-o",
        s(tmp.path()),
        "--formats",
        "epub",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning[no-title]"), "{}", stderr(&o));
    let epub = tmp.path().join("no-title.epub");
    assert!(epub.exists());
    assert_eq!(epub_dc(&epub, "dc:title"), ["no-title"]);
    if let Some(problems) = common::epubcheck(&epub) {
        assert!(problems.is_empty(), "{problems:#?}");
    }
    // --strict refuses it, writing nothing.
    let strict = tmp.path().join("strict");
    let o = baogao(&["build", s(&report), "-o", s(&strict), "--strict"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(!strict.join("no-title.epub").exists());
    // --title names the editions and settles the doubt.
    let titled = tmp.path().join("titled");
    let o = baogao(&[
        "build",
        s(&report),
        "-o",
        s(&titled),
        "--formats",
        "epub",
        "--strict",
        "--title",
        "2025年某某县政府工作报告",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let epub = titled.join("2025年某某县政府工作报告.epub");
    assert_eq!(epub_dc(&epub, "dc:title"), ["2025年某某县政府工作报告"]);
    let json = check_json(&report, &[]);
    assert_eq!(json["title"], "no-title");
    assert_eq!(codes(&json), ["no-title"]);
}

/// Every text entry of a zip package whose name ends with one of `ends`, concatenated.
fn zip_text(path: &Path, ends: &[&str]) -> String {
    let f = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(f).unwrap();
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        if ends.iter().any(|x| e.name().ends_with(x)) {
            std::io::Read::read_to_string(&mut e, &mut all).unwrap();
        }
    }
    all
}

/// The input's Han characters less those of what the check report lists as dropped: lines
/// before the title, chrome, characters removed (page references…), glossary copies left out.
fn kept_han(report: &Path, json: &serde_json::Value) -> String {
    let mut text = std::fs::read_to_string(report).unwrap();
    let cleaning = &json["cleaning"];
    let list = |v: &serde_json::Value| v.as_array().unwrap().clone();
    let dropped = list(&cleaning["preamble_lines"])
        .into_iter()
        .map(|l| l.as_str().unwrap().to_string())
        .chain(
            list(&cleaning["chrome_lines"])
                .into_iter()
                .chain(list(&cleaning["removed"]))
                .map(|l| l["text"].as_str().unwrap().to_string()),
        )
        .chain(
            list(&json["notes"]["dropped_glossaries"])
                .into_iter()
                .flat_map(|g| list(&g["text"]))
                .map(|l| l.as_str().unwrap().to_string()),
        );
    for line in dropped {
        text = text.replacen(&line, "", 1);
    }
    text
}

/// The text of each edition written to `out` as `stem.*`: the EPUB's XHTML, the DOCX's
/// document, the PDF through pdftotext (when installed).
fn edition_texts(out: &Path, stem: &str) -> Vec<(&'static str, String)> {
    let mut editions = vec![
        (
            "epub",
            zip_text(&out.join(format!("{stem}.epub")), &[".xhtml"]),
        ),
        (
            "docx",
            zip_text(&out.join(format!("{stem}.docx")), &["document.xml"]),
        ),
    ];
    if common::tool("pdftotext") {
        let pdf = out.join(format!("{stem}.pdf"));
        let o = Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        editions.push(("pdf", String::from_utf8_lossy(&o.stdout).into_owned()));
    }
    editions
}

/// Build all three editions of `report` into `out`, check the EPUB with epubcheck and that the
/// Han characters of the kept input are in every edition (`exact`: and nothing else).
fn build_and_check_editions(
    report: &Path,
    out: &Path,
    stem: &str,
    exact: bool,
) -> serde_json::Value {
    let o = baogao(&["build", s(report), "-o", s(out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json = check_json(report, &[]);
    let kept = kept_han(report, &json);
    let epub = out.join(format!("{stem}.epub"));
    if let Some(problems) = common::epubcheck(&epub) {
        assert!(problems.is_empty(), "{problems:#?}");
    }
    common::assert_pdfa_1b(&out.join(format!("{stem}.pdf")));
    let editions = edition_texts(out, stem);
    for (name, text) in editions {
        let diff = common::han_diff(&text, &kept);
        assert!(diff.missing.is_empty(), "{name}: {diff}");
        if exact && name == "pdf" {
            assert!(diff.is_empty(), "{name}: {diff}");
        }
    }
    json
}

fn heading_counts(json: &serde_json::Value) -> [usize; 4] {
    let mut n = [0; 4];
    for h in json["structure"]["headings"].as_array().unwrap() {
        n[h["level"].as_u64().unwrap() as usize - 1] += 1;
    }
    n
}

#[test]
fn national_report_title_headings_glossary_notes_and_metadata() {
    let tmp = tempfile::tempdir().unwrap();
    let report = fixture("national.txt");
    let json = build_and_check_editions(&report, tmp.path(), "政府工作报告", false);
    assert_eq!(json["title"], "政府工作报告");
    assert_eq!(heading_counts(&json), [2, 4, 0, 0]);
    assert_eq!(json["notes"]["matched"].as_array().unwrap().len(), 3);
    assert_eq!(
        json["structure"]["annexes"],
        serde_json::json!(["附件 名词解释"])
    );
    assert!(json["warnings"].as_array().unwrap().is_empty(), "{json:#}");
    // The text's [1] and ［3］ marks gave way to the notes; the glossary is printed once.
    let epub = tmp.path().join("政府工作报告.epub");
    let xhtml = zip_text(&epub, &[".xhtml"]);
    assert!(!xhtml.contains("[1]") && !xhtml.contains("\u{FF3B}3\u{FF3D}"));
    assert_eq!(xhtml.matches("名词解释</h2>").count(), 1, "{xhtml}");
    assert_eq!(xhtml.matches("class=\"entry\"").count(), 3, "{xhtml}");
    // Metadata from the front matter.
    assert_eq!(
        epub_dc(&epub, "dc:creator"),
        ["国务院总理\u{3000}某\u{3000}某"]
    );
    assert_eq!(
        epub_dc(&epub, "dc:description"),
        ["第十五届全国人民代表大会第四次会议"]
    );
    assert_eq!(epub_dc(&epub, "dc:date")[0], "2026-03-05");
    let core = zip_text(&tmp.path().join("政府工作报告.docx"), &["core.xml"]);
    assert!(core.contains("<dc:creator>国务院总理\u{3000}某\u{3000}某</dc:creator>"));
    // Dated by its own date line (no SOURCE_DATE_EPOCH): 2026年3月5日.
    assert!(
        core.contains(">2026-03-05T00:00:00Z</dcterms:created>"),
        "{core}"
    );
    let opf = zip_text(&epub, &[".opf"]);
    assert!(
        opf.contains("<meta property=\"dcterms:modified\">2026-03-05T00:00:00Z</meta>"),
        "{opf}"
    );
    if common::tool("pdfinfo") {
        let o = Command::new("pdfinfo")
            .arg(tmp.path().join("政府工作报告.pdf"))
            .output()
            .unwrap();
        let info = String::from_utf8_lossy(&o.stdout);
        assert!(info.contains("国务院总理"), "{info}");
        assert!(
            info.contains("CreationDate:    Thu Mar  5 00:00:00 2026 UTC"),
            "{info}"
        );
        assert!(
            info.contains("第十五届全国人民代表大会第四次会议"),
            "{info}"
        );
    }
}

#[test]
fn scraped_county_report_loses_its_chrome_and_folios_only() {
    let tmp = tempfile::tempdir().unwrap();
    let report = fixture("county-scraped.txt");
    let json = build_and_check_editions(&report, tmp.path(), "政府工作报告", true);
    assert_eq!(json["title"], "政府工作报告");
    assert_eq!(heading_counts(&json), [2, 4, 0, 0]);
    let c = &json["cleaning"];
    assert_eq!(c["preamble_lines"].as_array().unwrap().len(), 1);
    let chrome: Vec<u64> = c["chrome_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["line"].as_u64().unwrap())
        .collect();
    // The button row before the title is chrome, listed with its line.
    assert_eq!(chrome, [2, 6, 41, 42, 43, 44]);
    assert_eq!(c["folios_dropped"], 1);
    // Six hard wraps and the subtitle's second line, each with the lines it joined.
    let joins: Vec<(u64, u64, &str)> = c["lines_joined"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| {
            (
                j["line"].as_u64().unwrap(),
                j["onto"].as_u64().unwrap(),
                j["why"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(joins.len(), 7, "{joins:?}");
    assert_eq!(joins[0], (9, 8, "subtitle"));
    assert_eq!(joins.iter().filter(|j| j.2 == "hard wrap").count(), 6);
    assert_eq!(c["unpaired_quotes"].as_array().unwrap().len(), 0);
    assert_eq!(codes(&json), ["dropped-lines", "dropped-lines"]);
    assert!(json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["severity"] == "info"));
    let epub = tmp.path().join("政府工作报告.epub");
    let xhtml = zip_text(&epub, &[".xhtml"]);
    assert!(xhtml.contains("\u{201C}三农\u{201D}"));
    assert!(xhtml.contains("全力稳增长\u{3001}调结构\u{3001}惠民生"));
    assert_eq!(epub_dc(&epub, "dc:creator"), ["县长\u{3000}王\u{3000}某"]);
}

#[test]
fn an_unpaired_quote_and_an_unclaimed_mark_are_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("某县.txt");
    std::fs::write(
        &report,
        "2025年某县政府工作报告\n各位代表：\n推进\"放管服\"改革[1]，打造\"一流营商环境。\n",
    )
    .unwrap();
    let json = check_json(&report, &[]);
    assert_eq!(codes(&json), ["unclaimed-note-marks", "unpaired-quote"]);
    let unpaired = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "unpaired-quote")
        .unwrap();
    assert_eq!(unpaired["line"], 3);
    let o = baogao(&["build", s(&report), "-o", s(tmp.path()), "--strict"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
}

#[test]
fn a_report_with_every_block_kind_is_valid_pdfa_1b() {
    let tmp = tempfile::tempdir().unwrap();
    let report = fixture("every-block.txt");
    // Preflight runs on its PDF in `build_and_check_editions`.
    let json = build_and_check_editions(&report, tmp.path(), "2025年示例县政府工作报告", false);
    assert_eq!(heading_counts(&json), [2, 1, 1, 2]);
    assert_eq!(json["notes"]["matched"].as_array().unwrap().len(), 2);
    assert_eq!(
        json["structure"]["annexes"],
        serde_json::json!(["附件 名词解释"])
    );
    assert!(json["warnings"].as_array().unwrap().is_empty(), "{json:#}");
}

/// The chrome lines `check` lists (with at least two Han characters: a lone rank `1` is in
/// every edition's folios) appear in no edition.
fn assert_no_chrome(out: &Path, stem: &str, json: &serde_json::Value) {
    let squeeze = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let chrome: Vec<String> = json["cleaning"]["chrome_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| squeeze(l["text"].as_str().unwrap()))
        .filter(|t| t.chars().filter(|&c| baogao::cjk::is_han(c)).count() >= 2)
        .collect();
    assert!(!chrome.is_empty());
    for (name, text) in edition_texts(out, stem) {
        let text = squeeze(&text);
        for line in &chrome {
            assert!(
                !text.contains(line.as_str()),
                "{name} prints chrome: {line}"
            );
        }
    }
}

fn headings(json: &serde_json::Value) -> Vec<(u64, String)> {
    json["structure"]["headings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["level"].as_u64().unwrap(),
                h["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn matched(json: &serde_json::Value) -> Vec<(u64, String)> {
    json["notes"]["matched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["entry"].as_u64().unwrap(),
                m["term"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn lines_of(list: &serde_json::Value) -> Vec<u64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|l| l["line"].as_u64().unwrap())
        .collect()
}

#[test]
fn scraped_page_with_bracket_notes_unnumbered_headings_and_chrome_all_round() {
    let tmp = tempfile::tempdir().unwrap();
    let report = fixture("scraped-city-notes.txt");
    let stem = "2020年某某市政府工作报告";
    let json = build_and_check_editions(&report, tmp.path(), stem, false);
    assert_eq!(json["title"], stem);
    // Unnumbered level-1 headings; `(一)` in ASCII parentheses run in as level 2.
    let h = headings(&json);
    let level1: Vec<&str> = h
        .iter()
        .filter(|(l, _)| *l == 1)
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(
        level1,
        [
            "2019年工作回顾",
            "2020年工作目标和主要任务",
            "全面加强政府自身建设"
        ]
    );
    assert_eq!(h.iter().filter(|(l, _)| *l == 2).count(), 4);
    assert_eq!(
        h[1],
        (2, "\u{FF08}一\u{FF09}产业结构持续优化\u{3002}".into())
    );
    // The `〔1〕` glossary without a heading: two entries, each at its body mark.
    assert_eq!(json["notes"]["entries"], 2);
    assert_eq!(matched(&json), [(1, "放管服".into()), (2, "河长制".into())]);
    assert!(json["notes"]["unmatched"].as_array().unwrap().is_empty());
    assert!(json["notes"]["unclaimed_marks"]
        .as_array()
        .unwrap()
        .is_empty());
    // Page references dropped and counted.
    let c = &json["cleaning"];
    assert_eq!(c["page_references"], 2);
    let refs: Vec<&str> = c["removed"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["text"].as_str().filter(|t| t.contains('见')))
        .collect();
    assert_eq!(refs, ["(见第2页)", "\u{FF08}见第3页\u{FF09}"]);
    // The article data block, the front matter's source/time lines and photo caption, the
    // whole bottom from `分享到：` on.
    let mut want: Vec<u64> = vec![2, 3, 6, 7, 8];
    want.extend(41..=55);
    assert_eq!(lines_of(&c["chrome_lines"]), want);
    assert!(c["possible_chrome"].as_array().unwrap().is_empty());
    assert!(json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["severity"] == "info"));
    assert_no_chrome(tmp.path(), stem, &json);
    for (name, text) in edition_texts(tmp.path(), stem) {
        assert!(!text.contains("见第"), "{name}");
        assert!(!text.contains("本报记者"), "{name}");
        // The marks gave way to the notes' references.
        assert!(!text.contains('\u{3014}'), "{name}");
    }
    let xhtml = zip_text(&tmp.path().join(format!("{stem}.epub")), &[".xhtml"]);
    assert_eq!(xhtml.matches("class=\"entry\"").count(), 2, "{xhtml}");
}

#[test]
fn a_glossary_printed_twice_is_read_once_from_its_complete_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let report = fixture("scraped-noun-glossary.txt");
    let stem = "2024年某某县政府工作报告";
    let json = build_and_check_editions(&report, tmp.path(), stem, false);
    assert_eq!(json["title"], stem);
    assert_eq!(heading_counts(&json), [2, 3, 0, 0]);
    // `[1] term：…` under `※名词解释※`, marks `[1]` in the body: the complete copy's three.
    assert_eq!(json["notes"]["entries"], 3);
    assert_eq!(
        matched(&json),
        [
            (1, "专精特新".into()),
            (2, "新质生产力".into()),
            (3, "双碳".into())
        ]
    );
    let dropped = json["notes"]["dropped_glossaries"].as_array().unwrap();
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0]["entries"], 2);
    assert_eq!(dropped[0]["text"].as_array().unwrap().len(), 3);
    assert_eq!(codes(&json)[0], "glossary-twice");
    // The article data block before the title is chrome (the breadcrumb is preamble).
    let c = &json["cleaning"];
    assert_eq!(
        lines_of(&c["chrome_lines"]),
        [2, 3, 4, 5, 6, 39, 40, 41, 42]
    );
    assert_eq!(
        c["preamble_lines"],
        serde_json::json!(["首页 > 政务公开 > 规划计划"])
    );
    assert_no_chrome(tmp.path(), stem, &json);
    let xhtml = zip_text(&tmp.path().join(format!("{stem}.epub")), &[".xhtml"]);
    assert_eq!(xhtml.matches("class=\"entry\"").count(), 3, "{xhtml}");
    assert_eq!(xhtml.matches("名词解释\u{203B}</h2>").count(), 1, "{xhtml}");
    assert!(!xhtml.contains("[1]"));
    // The doubt is a warning: --strict refuses the text.
    let o = baogao(&["build", s(&report), "-o", s(tmp.path()), "--strict"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
}

#[test]
fn an_annex_title_on_its_own_line_and_a_glossary_under_bare_annex() {
    let tmp = tempfile::tempdir().unwrap();
    let report = fixture("scraped-annex-glossary.txt");
    let stem = "2026年某某省政府工作报告";
    let json = build_and_check_editions(&report, tmp.path(), stem, false);
    assert_eq!(json["title"], stem);
    // `附件1` ⏎ title ⏎ paragraph: the title is the annex's, not joined into the paragraph.
    assert_eq!(
        json["structure"]["annexes"],
        serde_json::json!(["附件1 2026年省十件民生实事", "附件 有关名词解释"])
    );
    assert!(json["cleaning"]["lines_joined"]
        .as_array()
        .unwrap()
        .is_empty());
    // `1.term：…` under `附件` + `有关名词解释`, matched by their terms.
    assert_eq!(json["notes"]["entries"], 2);
    assert_eq!(
        matched(&json),
        [(1, "县域经济".into()), (2, "数字乡村".into())]
    );
    assert_eq!(lines_of(&json["cleaning"]["chrome_lines"]), [2, 33, 34, 35]);
    assert!(json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["severity"] == "info"));
    assert_no_chrome(tmp.path(), stem, &json);
    let docx = zip_text(&tmp.path().join(format!("{stem}.docx")), &["document.xml"]);
    assert!(
        docx.contains("2026年省十件民生实事</w:t>"),
        "annex title stands alone"
    );
}

#[test]
fn doubtful_chrome_and_headings_are_warnings_with_their_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("某县.txt");
    std::fs::write(
        &report,
        "2025年某县政府工作报告\n各位代表：\n现在，我代表县人民政府报告工作。\n\
         一、2024年工作回顾\n过去一年，全县经济稳步增长。\n全面加强政府自身建设\n\
         我们将坚持依法行政。\n让我们团结奋斗！\n相关文章\n\
         某县召开人代会。会议听取了政府工作报告。\n本栏最新\n2024年某县政府工作报告 2024-01-18\n",
    )
    .unwrap();
    let json = check_json(&report, &[]);
    let doubts: Vec<(String, u64)> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["severity"] == "warning")
        .map(|w| {
            (
                w["code"].as_str().unwrap().to_string(),
                w["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        doubts,
        [
            ("possible-heading".into(), 6),
            ("possible-chrome".into(), 9)
        ]
    );
    // The tail from `本栏最新` on is chrome: only a listing follows it.
    assert_eq!(lines_of(&json["cleaning"]["chrome_lines"]), [11, 12]);
    let o = baogao(&["build", s(&report), "-o", s(tmp.path()), "--strict"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
}
