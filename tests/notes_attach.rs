//! Notes attached to the real Wuyang report: read → clean → structure → script → attach, with the
//! notes given (CSV and TXT fixtures) or discovered from the report's `附件：` line; then the same
//! through `baogao check --json` and `--strict`.
mod common;

use baogao::check_report::CheckReport;
use baogao::model::{Block, Document, Inline, Script};
use baogao::passes::{
    attach::Attach, clean::Clean, script::ScriptChoice, script::ScriptPass, structure::Structure,
    Pass,
};
use baogao::read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

const REPORT: &str = "input/wuyang-2024/report.txt";
const DOC_NOTES: &str = "input/wuyang-2024/《政府工作报告》有关注释.doc";
/// The one entry the Wuyang report never mentions, as the notes file writes it.
const UNMATCHED: &str = "\u{201C}双减\u{201D}";

/// The library's pipeline up to the notes, without the fonts' glyph check.
fn prepare(notes: Option<&Path>, script: ScriptChoice) -> (Document, CheckReport, PathBuf) {
    let path = repo(REPORT);
    let (doc, input) = read::report(&path).unwrap();
    let mut report = CheckReport {
        input,
        ..Default::default()
    };
    let doc = Clean.run(doc, &mut report).unwrap();
    let doc = Structure.run(doc, &mut report).unwrap();
    let doc = ScriptPass { choice: script }.run(doc, &mut report).unwrap();
    let notes_path = match notes {
        Some(p) => p.to_path_buf(),
        None => {
            let named = report
                .structure
                .attachment
                .clone()
                .expect("attachment line");
            read::discover::attachment(path.parent().unwrap(), &named).expect("discovered")
        }
    };
    let file = read::notes::read(&notes_path).unwrap();
    let doc = Attach {
        entries: file.entries,
        annex_title: read::notes::annex_title(&notes_path),
    }
    .run(doc, &mut report)
    .unwrap();
    (doc, report, notes_path)
}

/// Note references of the document in reading order.
fn refs(doc: &Document) -> Vec<u32> {
    doc.blocks
        .iter()
        .flat_map(|b| b.inlines())
        .flat_map(|seq| seq.iter())
        .filter_map(|i| match i {
            Inline::NoteRef(n) => Some(*n),
            Inline::Text(_) => None,
        })
        .collect()
}

fn assert_wuyang_notes(doc: &Document, report: &CheckReport) {
    assert_eq!(report.notes.entries, 33);
    assert_eq!(report.notes.matched.len(), 32, "{:#?}", report.notes);
    assert_eq!(report.notes.unmatched, vec![UNMATCHED.to_string()]);
    let numbers: Vec<u32> = report.notes.matched.iter().map(|m| m.number).collect();
    assert_eq!(numbers, (1..=32).collect::<Vec<u32>>());
    // Reading order: block indices never go back, and the marks in the text run 1…32.
    assert!(report
        .notes
        .matched
        .windows(2)
        .all(|w| w[0].block <= w[1].block));
    assert_eq!(refs(doc), (1..=32).collect::<Vec<u32>>());
    let title = doc
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Title(_)))
        .unwrap();
    for m in &report.notes.matched {
        assert_ne!(m.block, title);
        assert!(matches!(
            doc.blocks[m.block],
            Block::Paragraph { .. } | Block::Heading { .. }
        ));
        assert_eq!(doc.note(m.number).unwrap().entry, m.entry);
    }
    // Every entry is in the annex, in the document's script, matched or not.
    let annex = doc.annex.as_ref().unwrap();
    assert_eq!(annex.entries.len(), 33);
    assert_eq!(annex.label, "附件");
    assert!(annex
        .entries
        .iter()
        .any(|e| e.term == "\u{201C}雙減\u{201D}"));
}

#[test]
fn csv_notes_attach_to_the_traditional_report() {
    let (doc, report, _) = prepare(
        Some(&repo("tests/fixtures/notes/notes.csv")),
        ScriptChoice::Keep,
    );
    assert_eq!(report.input.script, "hant");
    assert_eq!(doc.script, Script::Hant);
    assert_wuyang_notes(&doc, &report);
    // Notes are in the body's script: `“三公”经费` became `“三公”經費`.
    let sangong = doc.notes.iter().find(|n| n.entry == 23).unwrap();
    assert_eq!(sangong.term, "\u{201C}三公\u{201D}經費");
    assert!(doc.notes.iter().all(|n| !n.text.contains("经")));
}

#[test]
fn txt_notes_give_the_same_attachment_as_csv() {
    let (csv_doc, csv, _) = prepare(
        Some(&repo("tests/fixtures/notes/notes.csv")),
        ScriptChoice::Keep,
    );
    let (txt_doc, txt, _) = prepare(
        Some(&repo("tests/fixtures/notes/notes.txt")),
        ScriptChoice::Keep,
    );
    assert_wuyang_notes(&txt_doc, &txt);
    let key = |r: &CheckReport| {
        r.notes
            .matched
            .iter()
            .map(|m| (m.number, m.entry, m.block))
            .collect::<Vec<_>>()
    };
    assert_eq!(key(&csv), key(&txt));
    assert_eq!(csv_doc.blocks, txt_doc.blocks);
}

#[test]
fn without_notes_the_doc_beside_the_report_is_discovered() {
    let (doc, report, used) = prepare(None, ScriptChoice::Keep);
    assert_eq!(used, repo(DOC_NOTES));
    assert_wuyang_notes(&doc, &report);
    // The attachment's title is the file's name, in the body's script.
    assert_eq!(doc.annex.unwrap().title, "《政府工作報告》有關注釋");
}

#[test]
fn simplified_editions_convert_body_and_notes_alike() {
    let (keep, _, _) = prepare(
        Some(&repo("tests/fixtures/notes/notes.csv")),
        ScriptChoice::Keep,
    );
    let (doc, report, _) = prepare(
        Some(&repo("tests/fixtures/notes/notes.csv")),
        ScriptChoice::Hans,
    );
    assert_eq!(report.input.script, "hant");
    assert_eq!(report.input.output_script, "hans");
    assert_eq!(doc.script, Script::Hans);
    assert_eq!(doc.title(), "2024年舞阳县政府工作报告");
    assert_wuyang_notes_hans(&doc, &report);
    // Conversion keeps every character in its place: block by block, the same length.
    assert_eq!(keep.blocks.len(), doc.blocks.len());
    for (a, b) in keep.blocks.iter().zip(&doc.blocks) {
        assert_eq!(a.text().chars().count(), b.text().chars().count());
    }
    assert_eq!(refs(&keep), refs(&doc));
}

fn assert_wuyang_notes_hans(doc: &Document, report: &CheckReport) {
    assert_eq!(report.notes.matched.len(), 32);
    assert_eq!(report.notes.unmatched, vec![UNMATCHED.to_string()]);
    let annex = doc.annex.as_ref().unwrap();
    assert!(annex.entries.iter().any(|e| e.term == UNMATCHED));
    assert!(doc.notes.iter().all(|n| !n.text.contains('經')));
}

/// `baogao check REPORT ARGS…` from the repository root: (exit code, stdout, stderr).
fn baogao_check(args: &[&str]) -> (i32, String, String) {
    let out = common::run_with_deadline(
        Command::new(env!("CARGO_BIN_EXE_baogao"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("check")
            .arg(REPORT)
            .args(args),
        Duration::from_secs(300),
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json_notes(stdout: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(stdout).expect("check --json prints JSON");
    assert_eq!(v["input"]["script"], "hant");
    let notes = v["notes"].clone();
    assert_eq!(notes["entries"], 33);
    assert_eq!(notes["unmatched"], serde_json::json!([UNMATCHED]));
    let matched = notes["matched"].as_array().unwrap();
    let numbers: Vec<u64> = matched
        .iter()
        .map(|m| m["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=32).collect::<Vec<u64>>());
    let blocks: Vec<u64> = matched
        .iter()
        .map(|m| m["block"].as_u64().unwrap())
        .collect();
    assert!(blocks.windows(2).all(|w| w[0] <= w[1]), "{blocks:?}");
    notes
}

#[test]
fn check_json_with_the_notes_given_and_discovered() {
    for fixture in [
        "tests/fixtures/notes/notes.csv",
        "tests/fixtures/notes/notes.txt",
    ] {
        let (code, stdout, stderr) = baogao_check(&["--notes", fixture, "--json"]);
        assert_eq!(code, 0, "{stderr}");
        let notes = json_notes(&stdout);
        assert_eq!(notes["how"], "given");
        assert!(notes["source"].as_str().unwrap().ends_with(fixture));
    }
    let (code, stdout, stderr) = baogao_check(&["--json"]);
    assert_eq!(code, 0, "{stderr}");
    let notes = json_notes(&stdout);
    assert_eq!(notes["how"], "discovered");
    let source = notes["source"].as_str().unwrap();
    assert!(source.ends_with("《政府工作报告》有关注释.doc"), "{source}");
}

#[test]
fn strict_refuses_the_unmatched_note_with_exit_4() {
    let (code, stdout, stderr) =
        baogao_check(&["--notes", "tests/fixtures/notes/notes.txt", "--strict"]);
    assert_eq!(code, 4, "{stdout}{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(UNMATCHED), "{stderr}");
    assert!(stderr.contains("notes.txt"), "{stderr}");
    // The library says the same.
    let style = baogao::style::Style::load("gongwen").unwrap();
    let opts = baogao::Options {
        notes: Some(repo("tests/fixtures/notes/notes.txt")),
        strict: true,
        ..Default::default()
    };
    match baogao::check(&repo(REPORT), &opts, &style) {
        Err(e @ baogao::Error::Strict { .. }) => assert_eq!(e.exit_code(), 4),
        other => panic!("expected Error::Strict, got {other:?}"),
    }
}
