//! Reports of other shapes than Wuyang's, end to end through the CLI: a text without a title
//! line, a national-style report, a scraped county report (fixtures in tests/fixtures/shapes/,
//! written for these tests).
mod common;

use common::run_with_deadline;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

fn baogao(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_baogao"));
    cmd.args(args).env_remove("SOURCE_DATE_EPOCH");
    run_with_deadline(&mut cmd, Duration::from_secs(600))
}

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

fn codes(json: &serde_json::Value) -> Vec<String> {
    json["warnings"]
        .as_array()
        .unwrap()
        .iter()
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

/// epubcheck's FATAL/ERROR/WARNING lines for an EPUB on disk (None: tool missing, not CI).
fn epubcheck(epub: &Path) -> Option<Vec<String>> {
    if !common::tool("epubcheck") {
        return None;
    }
    let out = run_with_deadline(
        Command::new("epubcheck").arg(epub),
        Duration::from_secs(600),
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut problems: Vec<String> = text
        .lines()
        .filter(|l| {
            ["FATAL", "ERROR", "WARNING"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .map(str::to_string)
        .collect();
    if !out.status.success() && problems.is_empty() {
        problems.push(format!("epubcheck exit {}: {text}", out.status));
    }
    Some(problems)
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
    if let Some(problems) = epubcheck(&epub) {
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
