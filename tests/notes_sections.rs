//! Notes files of several sections (issue 23 items 2 and 4): a Word glossary whose numbers are
//! typed straight before the term (`3以人为本：…`) with a second section repeating terms, and a
//! course handout whose glossary is followed by exam questions. Fixtures:
//! tests/fixtures/notes/sections/ (made by its make.py with python-docx) and text written here.
use baogao::read::notes::{self, NotesFile};
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/notes/sections/{name}"))
}

fn read(name: &str) -> NotesFile {
    notes::read(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn terms(file: &NotesFile) -> Vec<(u32, &str)> {
    file.entries
        .iter()
        .map(|e| (e.number, e.term.as_str()))
        .collect()
}

fn skipped(file: &NotesFile) -> Vec<(usize, &str, &str)> {
    file.skipped
        .iter()
        .map(|s| (s.line, s.text.as_str(), s.kind))
        .collect()
}

fn read_text(text: &str) -> Result<NotesFile, String> {
    notes::read_bytes(text.as_bytes(), Path::new("notes.txt")).map_err(|e| e.to_string())
}

#[test]
fn numbers_run_into_the_term_continue_the_sequence() {
    let file = read("glossary.docx");
    // 8 + 4 entries, two of the second section's terms already given by the first.
    assert_eq!(
        terms(&file),
        [
            (1, "实事求是"),
            (2, "群众路线"),
            (3, "以人为本"),
            (4, "科学发展观"),
            (5, "独立自主"),
            (6, "统筹兼顾"),
            (7, "新发展理念"),
            (8, "共同富裕"),
            (2, "高质量发展"),
            (4, "乡村振兴"),
        ]
    );
    assert_eq!(
        file.entries[2].text,
        "把人民的利益作为一切工作的出发点和落脚点。"
    );
    // The repeated terms: the first entry is the note, the second listed with both lines.
    let dups: Vec<(&str, usize, usize)> = file
        .duplicates
        .iter()
        .map(|d| (d.term.as_str(), d.first, d.line))
        .collect();
    assert_eq!(dups, [("群众路线", 3, 11), ("共同富裕", 9, 13)]);
    assert_eq!(
        skipped(&file),
        [
            (1, "名词解释", "title"),
            (10, "\u{3010}补充名词解释\u{3011}", "heading"),
            (11, "1.群众路线\u{FF1A}党的根本工作路线。", "duplicate"),
            (13, "3.共同富裕\u{FF1A}社会主义的本质要求。", "duplicate"),
        ]
    );
}

#[test]
fn a_number_run_into_text_that_breaks_the_sequence_is_no_entry() {
    // `3以人为本：…` after entry 1 (2 expected), and `2024年…：…` inside an explanation, open
    // nothing: the first is skipped, the second continues its entry.
    let file = read_text(
        "1.实事求是\u{FF1A}从实际出发\u{FF0C}\n2024年起\u{FF1A}在实践中检验真理。\n3以人为本\u{FF1A}把人民的利益放在首位。\n4.科学发展观\u{FF1A}全面协调可持续。\n",
    )
    .unwrap();
    assert_eq!(terms(&file), [(1, "实事求是"), (4, "科学发展观")]);
    assert!(
        file.entries[0].text.contains("2024年起"),
        "{}",
        file.entries[0].text
    );
    assert_eq!(
        skipped(&file),
        [(3, "3以人为本\u{FF1A}把人民的利益放在首位。", "text")]
    );
}

#[test]
fn the_glossary_of_a_handout_is_read_and_its_exam_questions_listed() {
    let file = read("maogai.docx");
    assert_eq!(
        terms(&file),
        [
            (1, "实事求是"),
            (2, "群众路线"),
            (3, "以人为本"),
            (4, "科学发展观")
        ]
    );
    let rest: Vec<(usize, &str)> = file
        .skipped
        .iter()
        .filter(|s| s.kind == "text")
        .map(|s| (s.line, s.text.as_str()))
        .collect();
    assert_eq!(
        rest,
        [
            (1, "理论课复习资料"),
            (7, "二、简答题"),
            (8, "1.简述实事求是的基本内涵。"),
            (
                9,
                "答\u{FF1A}从实际出发\u{FF0C}理论联系实际\u{FF0C}在实践中检验和发展真理。"
            ),
            (10, "2.为什么要坚持群众路线\u{FF1F}"),
            (11, "答\u{FF1A}人民群众是历史的创造者。"),
            (12, "三、论述题"),
            (13, "1.试述以人为本的意义。"),
        ]
    );
}

#[test]
fn glossary_entries_then_questions_numbered_on() {
    // The questions continue the glossary's numbering (no heading between): from the first entry
    // without a colon on, nothing has one, so the glossary has ended there.
    let file = read_text(
        "1.实事求是\u{FF1A}从实际出发。\n2.群众路线\u{FF1A}从群众中来。\n3.简述实事求是的内涵。\n答\u{FF1A}从实际出发。\n4.为什么要坚持群众路线\u{FF1F}\n",
    )
    .unwrap();
    assert_eq!(terms(&file), [(1, "实事求是"), (2, "群众路线")]);
    let lines: Vec<usize> = file.skipped.iter().map(|s| s.line).collect();
    assert_eq!(lines, [3, 4, 5]);
    // A colon missing among entries that have one is still refused, naming the entry.
    let err = read_text(
        "1.实事求是\u{FF1A}从实际出发。\n2.群众路线从群众中来。\n3.以人为本\u{FF1A}人民至上。\n",
    )
    .err()
    .unwrap();
    assert!(err.contains("note 2 has no colon"), "{err}");
}

#[test]
fn check_warns_about_duplicates_and_skipped_sections() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.txt");
    std::fs::write(
        &report,
        "政府工作报告\n\n各位代表\u{FF1A}\n\n我们坚持实事求是\u{FF0C}走群众路线\u{FF0C}推动共同富裕\u{3002}坚持群众路线\u{FF0C}促进共同富裕\u{3002}\n",
    )
    .unwrap();
    let check = |notes: &str| -> serde_json::Value {
        let out = Command::new(env!("CARGO_BIN_EXE_baogao"))
            .args(["check", "--json", "--notes"])
            .arg(fixture(notes))
            .arg(&report)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let json = check("glossary.docx");
    let warnings = json["warnings"].as_array().unwrap();
    let dup: Vec<&str> = warnings
        .iter()
        .filter(|w| w["code"] == "duplicate-term")
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    assert_eq!(dup.len(), 2, "{warnings:?}");
    assert!(
        dup[0].contains("群众路线") && dup[0].contains("lines 3 and 11"),
        "{}",
        dup[0]
    );
    // One note per term, at the term's first occurrence.
    let matched = json["notes"]["matched"].as_array().unwrap();
    let placed: Vec<&str> = matched
        .iter()
        .map(|m| m["term"].as_str().unwrap())
        .collect();
    assert_eq!(
        placed.iter().filter(|t| **t == "群众路线").count(),
        1,
        "{placed:?}"
    );
    let json = check("maogai.docx");
    assert_eq!(json["notes"]["entries"], 4);
    assert!(json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "notes-lines-skipped"));
}
