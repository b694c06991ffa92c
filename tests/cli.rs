//! The `build` command end to end: editions named after the title, byte-identical across runs,
//! across `--jobs` and across batch vs single runs; batch name collisions; exit codes.
mod common;
use common::baogao;

use std::path::{Path, PathBuf};

const TITLE: &str = "2024年舞陽縣政府工作報告";

fn input_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("input/wuyang-2024")
}

/// A copy of the report folder (report and its .doc) at `to`.
fn copy_input(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(input_dir()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn build_writes_three_editions_named_after_the_title_and_reruns_are_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let report = input_dir().join("report.txt");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for out in [&a, &b] {
        let o = baogao(&["build", s(&report), "-o", s(out)]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let names = files(&a);
    assert_eq!(
        names,
        [
            format!("{TITLE}.docx"),
            format!("{TITLE}.epub"),
            format!("{TITLE}.pdf")
        ]
    );
    for n in &names {
        assert_eq!(
            std::fs::read(a.join(n)).unwrap(),
            std::fs::read(b.join(n)).unwrap(),
            "{n} differs between runs"
        );
    }
}

#[test]
fn batch_runs_match_single_runs_and_colliding_titles_get_their_folder_name() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = tmp.path().join("batch");
    copy_input(&batch.join("north"));
    copy_input(&batch.join("south"));
    let single = tmp.path().join("single");
    let o = baogao(&[
        "build",
        s(&batch.join("north/report.txt")),
        "-o",
        s(&single),
        "--formats",
        "pdf,docx",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut outs = Vec::new();
    for jobs in ["1", "2"] {
        let out = tmp.path().join(format!("out-{jobs}"));
        let o = baogao(&[
            "build",
            s(&batch),
            "-o",
            s(&out),
            "--jobs",
            jobs,
            "--formats",
            "pdf,docx",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(
            files(&out),
            [
                format!("{TITLE}.docx"),
                format!("{TITLE}.pdf"),
                format!("{TITLE}_south.docx"),
                format!("{TITLE}_south.pdf")
            ]
        );
        outs.push(out);
    }
    for ext in ["pdf", "docx"] {
        let one = std::fs::read(single.join(format!("{TITLE}.{ext}"))).unwrap();
        for out in &outs {
            assert_eq!(
                one,
                std::fs::read(out.join(format!("{TITLE}.{ext}"))).unwrap(),
                "{ext}: batch differs from single"
            );
            assert_eq!(
                one,
                std::fs::read(out.join(format!("{TITLE}_south.{ext}"))).unwrap(),
                "{ext}: copies differ"
            );
        }
    }
}

#[test]
fn one_bad_document_does_not_stop_the_others_exit_3() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good");
    copy_input(&good);
    let bad = tmp.path().join("bad.txt");
    std::fs::write(&bad, b"").unwrap();
    let out = tmp.path().join("out");
    let o = baogao(&[
        "build",
        s(&good.join("report.txt")),
        s(&bad),
        "-o",
        s(&out),
        "--formats",
        "epub",
    ]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.txt"), "{err}");
    assert_eq!(files(&out), [format!("{TITLE}.epub")]);
}

#[test]
fn notes_with_several_reports_is_a_usage_error() {
    let report = input_dir().join("report.txt");
    let notes = input_dir().join("\u{300A}政府工作报告\u{300B}有关注释.doc");
    let o = baogao(&["build", s(&report), s(&report), "--notes", s(&notes)]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("--notes"), "{err}");
}

#[test]
fn unknown_format_is_a_usage_error() {
    let report = input_dir().join("report.txt");
    let o = baogao(&["build", s(&report), "--formats", "pdf,odt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("odt"));
}

/// Warnings: `check --json` lists them with code, severity, message and line; `build` prints each
/// on stderr as one line; `--strict` refuses any of severity `warning` with exit 4 and writes nothing.
#[test]
fn warnings_are_listed_printed_and_refused_under_strict() {
    let report = input_dir().join("report.txt");
    let o = baogao(&["check", s(&report), "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let warnings = v["warnings"].as_array().expect("warnings array");
    let codes: Vec<(&str, &str)> = warnings
        .iter()
        .map(|w| (w["code"].as_str().unwrap(), w["severity"].as_str().unwrap()))
        .collect();
    assert!(codes.contains(&("dropped-lines", "info")), "{codes:?}");
    assert!(codes.contains(&("unmatched-notes", "warning")), "{codes:?}");
    for w in warnings {
        assert!(!w["message"].as_str().unwrap().is_empty());
    }
    let unmatched = warnings
        .iter()
        .find(|w| w["code"] == "unmatched-notes")
        .unwrap();
    assert!(unmatched["message"]
        .as_str()
        .unwrap()
        .contains("\u{201C}双减\u{201D}"));

    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = baogao(&["build", s(&report), "-o", s(&out)]);
    assert!(o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    for w in warnings {
        let code = w["code"].as_str().unwrap();
        assert!(
            stderr.lines().any(|l| l.contains(&format!("[{code}]"))),
            "{code} not printed: {stderr}"
        );
    }

    let strict = tmp.path().join("strict");
    let o = baogao(&["build", s(&report), "-o", s(&strict), "--strict"]);
    assert_eq!(o.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("unmatched-notes"), "{stderr}");
    assert!(
        !strict.exists() || files(&strict).is_empty(),
        "strict wrote files"
    );
}

/// The Wuyang report's three corrupted spans: `check` says how each was repaired; `--no-repair`
/// leaves them flagged, warned about, and their private-use characters missing (drawn as U+3013).
#[test]
fn check_reports_repairs_and_no_repair_keeps_the_spans_flagged() {
    let report = input_dir().join("report.txt");
    let o = baogao(&["check", s(&report)]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("repaired at line 19, column 334: 加強(qiáng)燃?xì)獍踩"),
        "{text}"
    );
    assert!(
        text.contains("\u{2192} 加強燃氣安全排查整治\u{FF0C}擰緊群眾生活"),
        "{text}"
    );
    assert!(!text.contains("suspicious"), "{text}");
    // `build` says so on stderr (severity info: `--strict` does not refuse it).
    let tmp = tempfile::tempdir().unwrap();
    let o = baogao(&[
        "build",
        s(&report),
        "-o",
        s(tmp.path()),
        "--formats",
        "epub",
    ]);
    assert!(o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    let infos: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("info[repaired-text]"))
        .collect();
    assert_eq!(infos.len(), 3, "{stderr}");
    assert!(infos[2].contains("line 53: column 591:"), "{stderr}");

    let o = baogao(&["check", s(&report), "--json", "--no-repair"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["cleaning"]["repaired"].as_array().unwrap().len(), 0);
    let lines: Vec<u64> = v["cleaning"]["suspicious"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [19, 51, 53]);
    assert_eq!(
        v["glyphs"]["missing"],
        serde_json::json!(["U+E082", "U+E2A6", "U+E383"])
    );
    let warned = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] == "suspicious-text")
        .count();
    assert_eq!(warned, 3);
}

/// The EPUB's page list comes from the print layout even when no PDF is written: the EPUB of
/// `--formats epub` is the EPUB of a full run, byte for byte, page list included.
#[test]
fn epub_alone_still_carries_the_print_page_list() {
    let tmp = tempfile::tempdir().unwrap();
    let report = input_dir().join("report.txt");
    let (all, alone) = (tmp.path().join("all"), tmp.path().join("alone"));
    let o = baogao(&["build", s(&report), "-o", s(&all)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = baogao(&["build", s(&report), "-o", s(&alone), "--formats", "epub"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(files(&alone), [format!("{TITLE}.epub")]);
    let epub = std::fs::read(alone.join(format!("{TITLE}.epub"))).unwrap();
    assert!(epub == std::fs::read(all.join(format!("{TITLE}.epub"))).unwrap());
    let mut nav = String::new();
    use std::io::Read;
    zip::ZipArchive::new(std::io::Cursor::new(&epub))
        .unwrap()
        .by_name("OEBPS/nav.xhtml")
        .unwrap()
        .read_to_string(&mut nav)
        .unwrap();
    assert!(nav.contains(r#"epub:type = "page-list""#), "{nav}");
    assert!(nav.contains("#page-1\">1</a>"));
}
