//! Decoding, cleaning and structure on the real Wuyang report and on fixtures made from it.
mod common;

use baogao::check_report::CheckReport;
use baogao::model::{all_text, Block, Document};
use baogao::passes::{clean::Clean, structure::Structure};
use baogao::Error;
use common::{assert_same_han, run_with_deadline};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn manifest(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn wuyang() -> PathBuf {
    manifest("input/wuyang-2024/report.txt")
}

/// Read, clean and structure one report (the passes this part of the pipeline owns).
fn text_of(path: &Path) -> (Document, CheckReport) {
    let (doc, input) = baogao::read::report(path).expect("report reads");
    let mut report = CheckReport {
        input,
        ..Default::default()
    };
    let doc = Clean.run(doc, &mut report).expect("clean");
    let doc = Structure.run(doc, &mut report).expect("structure");
    (doc, report)
}

/// [`text_of`] with `--no-repair`: corrupted spans are only flagged.
fn text_of_unrepaired(path: &Path) -> (Document, CheckReport) {
    let (doc, input) = baogao::read::report(path).expect("report reads");
    let mut report = CheckReport {
        input,
        ..Default::default()
    };
    let doc = Clean.run_repairing(doc, &mut report, false).expect("clean");
    let doc = Structure.run(doc, &mut report).expect("structure");
    (doc, report)
}

/// The text of every block, one string per block.
fn body(doc: &Document) -> Vec<String> {
    doc.blocks.iter().map(Block::text).collect()
}

#[test]
fn wuyang_cleaning_counts() {
    let (_, report) = text_of(&wuyang());
    assert_eq!(report.input.encoding, "UTF-8");
    let c = &report.cleaning;
    assert_eq!(c.pinyin_glosses, 1468);
    assert_eq!(c.preamble_lines.len(), 1);
    assert!(c.preamble_lines[0].starts_with("日本一道久久高清国产|"));
    assert_eq!(c.duplicate_punctuation, 0);
    assert!(c.removed.is_empty(), "{:?}", c.removed);
    // The three corrupted spans are repaired from their bytes (docs/repair.md), none is left.
    assert!(c.suspicious.is_empty(), "{:?}", c.suspicious);
    let repaired: Vec<(usize, usize, &str, &str)> = c
        .repaired
        .iter()
        .map(|r| (r.line, r.column, r.method.as_str(), r.inferred.as_str()))
        .collect();
    assert_eq!(
        repaired,
        [
            (19, 334, "gloss-shift", ""),
            (51, 411, "gloss-shift", ""),
            (53, 591, "cut", "\u{3002}")
        ]
    );
    assert!(
        c.punctuation_normalized > 500,
        "{}",
        c.punctuation_normalized
    );
}

/// `--no-repair`: the three spans stay as found, flagged at their raw columns.
#[test]
fn wuyang_without_repair_flags_the_three_spans() {
    let (doc, report) = text_of_unrepaired(&wuyang());
    let c = &report.cleaning;
    assert!(c.repaired.is_empty());
    assert_eq!(c.pinyin_glosses, 1468);
    let lines: Vec<usize> = c.suspicious.iter().map(|s| s.line).collect();
    assert_eq!(lines, [19, 51, 53]);
    assert!(all_text(&doc).contains("燃?xì)獍踩\u{E082}"));
    // Each span holds its flagged characters at the reported raw columns.
    let raw = std::fs::read_to_string(wuyang()).unwrap();
    let raw_lines: Vec<Vec<char>> = raw.split('\n').map(|l| l.chars().collect()).collect();
    for s in &c.suspicious {
        let line = &raw_lines[s.line - 1];
        let at: String = line[s.span_column - 1..].iter().collect();
        assert!(at.starts_with(&s.text), "{s:?}");
        for &f in &s.flagged {
            assert!(
                matches!(line[f - 1], '?' | '\u{E000}'..='\u{F8FF}'),
                "{s:?}"
            );
        }
    }
    assert_eq!(c.suspicious[0].flagged, [334, 340, 343]);
    let columns: Vec<usize> = c.suspicious.iter().map(|s| s.column).collect();
    assert_eq!(
        columns,
        [334, 411, 591],
        "column points at the first corrupted character"
    );
    assert_eq!(c.suspicious[1].flagged, [411]);
    // `設(shè)?;`: the `?` follows 設 once the gloss is looked through.
    assert_eq!(c.suspicious[2].flagged, [591, 593]);
    assert!(c.suspicious[0].text.contains("燃?xì)獍踩\u{E082}"));
    assert!(c.suspicious[1].text.starts_with("堅持?jǐn)U"));
    assert!(c.suspicious[2].text.contains("?;\u{E2A6}A(chǔ)"));
}

#[test]
fn wuyang_cleaned_text() {
    let (doc, _) = text_of(&wuyang());
    let text = all_text(&doc);
    // No gloss and no ASCII clause mark survives; the three repaired spans read as written.
    assert!(!text.contains("(xiàn)"));
    for s in [
        "現在\u{FF0C}我代表縣人民政府",
        "同比\u{FF08}下同\u{FF09}增長5.2%",
        "PM2.5",
        "244.5億元",
        "S510",
        "CDMO",
        "\u{FF08}2020—2035\u{FF09}",
        "\u{FF08}迎賓大道至青島路\u{FF09}",
    ] {
        assert!(text.contains(s), "{s}");
    }
    for s in [
        "加強燃氣安全排查整治\u{FF0C}擰緊群眾生活",
        "堅持擴增量穩存量提質量",
        "設計建設\u{3002}基礎設施建設工程",
    ] {
        assert!(text.contains(s), "{s}");
    }
    assert!(!text.chars().any(|c| ('\u{E000}'..='\u{F8FF}').contains(&c)));
    for mark in [',', ';', ':', '!', '?', '(', ')'] {
        assert!(!text.contains(mark), "ASCII {mark} left in the body");
    }
}

#[test]
fn wuyang_structure() {
    let (doc, report) = text_of(&wuyang());
    assert_eq!(doc.title(), "2024年舞陽縣政府工作報告");
    assert_eq!(report.title, doc.title());
    let h = &report.structure.headings;
    let level = |l: u8| h.iter().filter(|x| x.level == l).count();
    assert_eq!((level(1), level(2), level(3), level(4)), (3, 17, 0, 0));
    let ones: Vec<&str> = h
        .iter()
        .filter(|x| x.level == 1)
        .map(|x| x.text.as_str())
        .collect();
    assert_eq!(
        ones,
        [
            "一\u{3001}2023年工作回顧",
            "二\u{3001}2024年工作安排",
            "三\u{3001}加強政府自身建設"
        ]
    );
    assert_eq!(h[1].text, "\u{FF08}一\u{FF09}經濟運行穩中向好\u{3002}");
    assert!(matches!(doc.blocks[0], Block::Title(_)));
    assert!(matches!(doc.blocks[1], Block::Salutation(_)));
    assert_eq!(
        report.structure.attachment.as_deref(),
        Some("《政府工作報告》有關注釋.doc")
    );
    assert!(matches!(doc.blocks.last(), Some(Block::Attachment { .. })));
    // Title, salutation, 3 headings, 33 paragraphs (17 opened by a run-in heading), attachment.
    assert_eq!(report.structure.paragraphs, 33);
    let leads = doc
        .blocks
        .iter()
        .filter(|b| matches!(b, Block::Paragraph { lead: Some(_), .. }))
        .count();
    assert_eq!(leads, 17);
    assert_eq!(doc.blocks.len(), 1 + 1 + 3 + 33 + 1);
}

#[test]
fn every_han_character_outside_the_preamble_survives() {
    let raw = std::fs::read_to_string(wuyang()).unwrap();
    let (doc, report) = text_of(&wuyang());
    let preamble = &report.cleaning.preamble_lines[0];
    let raw = with_repairs(&raw, &report);
    let kept: Vec<&str> = raw.split('\n').filter(|l| l.trim() != preamble).collect();
    assert_eq!(kept.len() + 1, raw.split('\n').count());
    let body = kept.concat();
    assert_same_han(&all_text(&doc), &body, "model vs raw report");
}

/// The raw report with each repaired span replaced by what the check report says it became (the
/// only characters repair changes).
fn with_repairs(raw: &str, report: &CheckReport) -> String {
    let mut lines: Vec<String> = raw.split('\n').map(str::to_string).collect();
    for r in &report.cleaning.repaired {
        let line = &mut lines[r.line - 1];
        assert_eq!(line.matches(&r.before).count(), 1, "{r:?}");
        *line = line.replace(&r.before, &r.after);
    }
    assert_eq!(report.cleaning.repaired.len(), 3);
    lines.join("\n")
}

#[test]
fn utf16le_and_big5_fixtures_decode_to_the_same_body() {
    // Decoding only: the Big5 file lost the bytes a repair needs, so both are read unrepaired.
    let (utf16, r16) = text_of_unrepaired(&manifest("tests/fixtures/report-utf16le.txt"));
    let (big5, rb5) = text_of_unrepaired(&manifest("tests/fixtures/report-big5.txt"));
    assert_eq!(r16.input.encoding, "UTF-16LE");
    assert_eq!(rb5.input.encoding, "Big5");
    assert_eq!(r16.cleaning.pinyin_glosses, 1468);
    assert_eq!(rb5.cleaning.pinyin_glosses, 0);
    // The Big5 file lost the three private-use characters to `?`.
    let utf16: Vec<String> = body(&utf16)
        .into_iter()
        .map(|t| {
            t.chars()
                .map(|c| {
                    if ('\u{E000}'..='\u{F8FF}').contains(&c) {
                        '?'
                    } else {
                        c
                    }
                })
                .collect()
        })
        .collect();
    assert_eq!(utf16, body(&big5));
    let (utf8, _) = text_of(&wuyang());
    assert_eq!(
        body(&utf8),
        body(&manifest_doc("tests/fixtures/report-utf16le.txt"))
    );
}

fn manifest_doc(rel: &str) -> Document {
    text_of(&manifest(rel)).0
}

#[test]
fn gb18030_without_bom_is_detected() {
    let raw = std::fs::read_to_string(wuyang()).unwrap();
    // GB18030 encodes every character, private-use ones included.
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&raw);
    assert!(!unmappable);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report-gb18030.txt");
    std::fs::write(&path, &bytes).unwrap();
    let (doc, report) = text_of(&path);
    assert_eq!(report.input.encoding, "GB18030");
    assert_eq!(body(&doc), body(&text_of(&wuyang()).0));
}

#[test]
fn doubled_scraper_punctuation_fixture() {
    let path = manifest("tests/fixtures/doubled-punctuation.txt");
    let (doc, report) = text_of(&path);
    let c = &report.cleaning;
    assert_eq!(c.duplicate_punctuation, 5);
    assert_eq!(c.removed.len(), 5);
    assert!(c
        .removed
        .iter()
        .all(|r| r.line == 9 && r.text == "\u{FF0C}"));
    let text = all_text(&doc);
    for doubled in [
        "\u{FF0C}\u{3002}",
        "\u{FF0C}\u{3001}",
        ",",
        "\u{3001}\u{3001}",
    ] {
        assert!(!text.contains(doubled), "{doubled}");
    }
    assert!(text.contains("在縣人大\u{3001}縣政協監督支持下"));
    let raw = std::fs::read_to_string(&path).unwrap();
    assert_same_han(&text, &raw, "doubled fixture");
    // The removed commas stand at their raw columns.
    let line9: Vec<char> = raw.split('\n').nth(8).unwrap().chars().collect();
    for r in &c.removed {
        assert_eq!(line9[r.column - 1], ',', "{r:?}");
    }
}

/// Files the reader must refuse, with a word the message must contain.
fn bad_inputs(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    let files: [(&str, &[u8], &str); 5] = [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"\r\n  \n", "no text"),
        ("bom-only.txt", b"\xEF\xBB\xBF", "byte-order mark"),
        ("utf16-bom-only.txt", b"\xFF\xFE", "byte-order mark"),
        (
            "picture.png",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
            "NUL",
        ),
    ];
    files
        .iter()
        .map(|(name, bytes, word)| {
            let p = dir.join(name);
            std::fs::write(&p, bytes).unwrap();
            (p, *word)
        })
        .collect()
}

#[test]
fn bad_inputs_are_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    for (path, word) in bad_inputs(dir.path()) {
        let err = baogao::read::report(&path).expect_err("refused");
        assert!(matches!(err, Error::Input { .. }), "{err:?}");
        assert_eq!(err.exit_code(), 2);
        let msg = err.to_string();
        assert!(msg.starts_with(&path.display().to_string()), "{msg}");
        assert!(msg.contains(word), "{msg}");
        assert!(!msg.contains('\n'), "{msg}");
    }
}

#[test]
fn cli_refuses_bad_input_with_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = bad_inputs(dir.path());
    files.push((dir.path().join("no-such-report.txt"), "cannot read"));
    for (path, word) in files {
        let out = run_with_deadline(
            Command::new(env!("CARGO_BIN_EXE_baogao"))
                .arg("check")
                .arg(&path),
            Duration::from_secs(120),
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {stderr}", path.display());
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(stderr.contains(&*name) && stderr.contains(word), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn han_helper_counts_and_folds_scripts() {
    assert!(common::han_diff("經濟發展", "经济发展").is_empty());
    let d = common::han_diff("甲乙,丙丙", "甲乙乙\u{3002}丙");
    assert_eq!(d.missing, [('乙', 1)]);
    assert_eq!(d.extra, [('丙', 1)]);
    let shown = d.to_string();
    assert!(shown.contains("missing 1: 乙(U+4E59)×1"), "{shown}");
    assert!(common::tool("sh"));
}

/// ASCII marks the clean pass may turn full-width, folded back for comparison.
fn ascii_mark(c: char) -> char {
    match c {
        '\u{FF0C}' => ',',
        '\u{FF1A}' => ':',
        '\u{FF1B}' => ';',
        '\u{FF01}' => '!',
        '\u{FF1F}' => '?',
        '\u{FF08}' => '(',
        '\u{FF09}' => ')',
        other => other,
    }
}

#[test]
fn nothing_but_preamble_glosses_and_whitespace_is_lost() {
    use baogao::passes::clean::pinyin::gloss_at;
    let raw = std::fs::read_to_string(wuyang()).unwrap();
    let (doc, report) = text_of(&wuyang());
    let raw = with_repairs(&raw, &report);
    let preamble = &report.cleaning.preamble_lines[0];
    let mut expected = String::new();
    for line in raw.split('\n').filter(|l| l.trim() != preamble) {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            match gloss_at(&chars, i) {
                Some(n) => i += n,
                None => {
                    expected.push(chars[i]);
                    i += 1;
                }
            }
        }
    }
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .map(ascii_mark)
            .collect()
    };
    let got: String = doc.blocks.iter().map(Block::text).collect();
    assert_eq!(fold(&got), fold(&expected));
}

#[test]
fn check_json_on_wuyang_keeps_cleaning_and_structure() {
    let style = baogao::style::Style::load("gongwen").expect("gongwen style");
    let opts = baogao::Options {
        notes: Some(manifest("tests/fixtures/notes/notes.csv")),
        ..Default::default()
    };
    let report = baogao::check(&wuyang(), &opts, &style).expect("check");
    let json: serde_json::Value = serde_json::to_value(&report).unwrap();
    assert_eq!(json["input"]["encoding"], "UTF-8");
    assert_eq!(json["title"], "2024年舞陽縣政府工作報告");
    let c = &json["cleaning"];
    assert_eq!(c["pinyin_glosses"], 1468);
    assert_eq!(c["preamble_lines"].as_array().unwrap().len(), 1);
    assert_eq!(c["duplicate_punctuation"], 0);
    assert_eq!(c["suspicious"].as_array().unwrap().len(), 0);
    let lines: Vec<u64> = c["repaired"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [19, 51, 53]);
    let r = &c["repaired"][2];
    assert_eq!(r["method"], "cut");
    assert_eq!(r["inferred"], "\u{3002}");
    assert!(r["before"].as_str().unwrap().contains("?;\u{E2A6}A(chǔ)"));
    assert!(r["after"]
        .as_str()
        .unwrap()
        .contains("設計建設\u{3002}基礎設施建設工程"));
    assert_eq!(r["column"], 591);
    let levels: Vec<u64> = json["structure"]["headings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["level"].as_u64().unwrap())
        .collect();
    assert_eq!(levels.iter().filter(|&&l| l == 1).count(), 3);
    assert_eq!(levels.iter().filter(|&&l| l == 2).count(), 17);
    assert_eq!(
        json["structure"]["attachment"],
        "《政府工作報告》有關注釋.doc"
    );
}
