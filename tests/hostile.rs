//! Hostile and unlucky input (issue 15): memory bounded by real content, regular files only,
//! discovery inside the report's folder, control characters, mixed encodings, no panic text.
//! Every hostile file is generated here (tests/hostile/files.rs); none is committed.
mod common;
#[path = "hostile/files.rs"]
mod files;

use baogao::read::notes;
use files::{
    compound, docx, ods, set_fat, shared_string_xls, shared_string_xlsx, workbook, xls,
    END_OF_CHAIN,
};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// The bound for reading any annotations file (peak RSS of the whole `check` run).
const NOTES_RSS_LIMIT_KB: u64 = 300 * 1024;

const REPORT: &str = "2024年示例县政府工作报告\n各位代表\u{FF1A}\n\
现在\u{FF0C}我代表县人民政府\u{FF0C}向大会报告工作\u{FF0C}请予审议\u{3002}\
放管服效改革持续深化\u{3002}\n";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A folder holding `report.txt` (the sample report, plus `附件：{named}` when given).
fn report_folder(named: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.txt");
    let mut text = REPORT.to_string();
    if let Some(n) = named {
        text.push_str(&format!("附件\u{FF1A}{n}\n"));
    }
    std::fs::write(&report, text).unwrap();
    (dir, report)
}

/// Run the binary under GNU time; its output and its peak resident set size in KB. (Measured
/// by `time`, a small process that forks the run: a child spawned by the test process itself
/// would inherit the test process's own high-water mark.)
fn run(args: &[&str]) -> (Output, u64) {
    assert!(common::tool("time"), "GNU time measures the peak RSS");
    let rss_file = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = Command::new("/usr/bin/time");
    cmd.args(["-f", "%M", "-o"])
        .arg(rss_file.path())
        .arg(env!("CARGO_BIN_EXE_baogao"))
        .args(args)
        .env("RUST_BACKTRACE", "1");
    let out = common::run_with_deadline(&mut cmd, Duration::from_secs(300));
    let text = std::fs::read_to_string(rss_file.path()).unwrap();
    // GNU time writes "Command exited with non-zero status N" before the figure.
    let rss = text
        .lines()
        .filter_map(|l| l.trim().parse::<u64>().ok())
        .next_back()
        .unwrap_or_else(|| panic!("no RSS from time: {text}"));
    (out, rss)
}

/// Refused as the issue defines it: exit 2, one line on stderr naming the file, no panic text.
fn assert_refused(o: &Output, file: &Path, why: &str) {
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&*file.to_string_lossy()), "{stderr}");
    assert!(stderr.contains(why), "expected {why:?}: {stderr}");
    for panic_text in [
        "panicked",
        "backtrace",
        "RUST_BACKTRACE",
        "index out of bounds",
    ] {
        assert!(!stderr.contains(panic_text), "{stderr}");
    }
    assert!(o.stdout.is_empty());
}

fn read_err(bytes: &[u8]) -> String {
    match notes::read_bytes(bytes, Path::new("n.xls")) {
        Ok(f) => panic!("read {} entries", f.entries.len()),
        Err(e) => e.to_string(),
    }
}

// ---- item 1, 16: compound files and spreadsheets --------------------------------------------

#[test]
fn the_generated_xls_is_a_readable_notes_table() {
    let f = xls(
        2,
        2,
        &[
            (0, 0, "1.\u{201C}放管服效\u{201D}"),
            (0, 1, "简政放权\u{3001}放管结合的简称\u{3002}"),
            (1, 0, "2.\u{201C}双减\u{201D}"),
            (1, 1, "减轻学生作业负担和校外培训负担\u{3002}"),
        ],
    );
    let file = notes::read_bytes(&f, Path::new("n.xls")).unwrap();
    assert_eq!(file.format, "xls");
    assert_eq!(file.entries.len(), 2);
    assert_eq!(file.entries[0].term, "\u{201C}放管服效\u{201D}");
}

#[test]
fn unused_fat_entries_marked_end_of_chain_past_the_file_are_read() {
    // Some writers mark the FAT's unused entries past the last sector END_OF_CHAIN instead of
    // free (issue 23): Word, LibreOffice and POI open such files, and so does this reader.
    let f = xls(
        2,
        2,
        &[
            (0, 0, "1.\u{201C}放管服效\u{201D}"),
            (0, 1, "简政放权\u{3001}放管结合的简称\u{3002}"),
            (1, 0, "2.\u{201C}双减\u{201D}"),
            (1, 1, "减轻学生作业负担和校外培训负担\u{3002}"),
        ],
    );
    let sectors = (f.len() / 512 - 1) as u32;
    assert!(sectors < 128, "{sectors} sectors: one FAT sector");
    let mut marked = f.clone();
    for unused in sectors..128 {
        marked = set_fat(marked, unused, END_OF_CHAIN);
    }
    let file = notes::read_bytes(&marked, Path::new("n.xls")).unwrap();
    assert_eq!(file.entries.len(), 2);
    // A chain leading out of the file is still refused.
    let past = set_fat(marked, 3, sectors + 5);
    assert!(
        read_err(&past).contains("past the end"),
        "{}",
        read_err(&past)
    );
}

#[test]
fn compound_chains_that_loop_leave_the_file_or_overclaim_are_refused() {
    let wb = workbook(2, 2, &[(0, 0, "1.x"), (0, 1, "y")]);
    let n = wb.len() as u64;
    // The Workbook chain loops back to its first sector.
    let looping = set_fat(compound("Workbook", &wb, n), 5, 2);
    assert!(
        read_err(&looping).contains("loops"),
        "{}",
        read_err(&looping)
    );
    // It claims 4 GB (the header is version 3: sizes are 32 bits).
    let huge = compound("Workbook", &wb, 0xFFFF_F000);
    assert!(read_err(&huge).contains("claims 4294963200 bytes"));
    // It claims more than its chain holds, though less than the file.
    let over = compound("Workbook", &wb, n + 100);
    let e = read_err(&over);
    assert!(e.contains("claims") || e.contains("chain holds"), "{e}");
    // A FAT entry far past the table (calamine: `index out of bounds`).
    let wild = set_fat(compound("Workbook", &wb, n), 3, 0x00FF_FFFF);
    assert!(read_err(&wild).contains("outside the FAT"));
    // A FAT entry past the end of the file.
    let past = set_fat(compound("Workbook", &wb, n), 3, 120);
    assert!(read_err(&past).contains("past the end"));
    // A DIFAT chain that loops on itself.
    let mut difat = compound("Workbook", &wb, n);
    difat[0x44..0x48].copy_from_slice(&2u32.to_le_bytes());
    difat[4 * 512 - 4..4 * 512].copy_from_slice(&2u32.to_le_bytes());
    read_err(&difat);
    // Every truncation is refused or read, never a panic or a hang.
    let good = xls(1, 2, &[(0, 0, "1.x"), (0, 1, "y")]);
    for cut in (0..good.len()).step_by(61) {
        let _ = notes::read_bytes(&good[..cut], Path::new("n.xls"));
    }
    let _ = END_OF_CHAIN;
}

#[test]
fn a_sheet_claiming_a_huge_grid_is_refused_from_its_cells_not_read() {
    // Two cells at opposite corners of a 65,536 × 256 sheet, and a Dimensions record saying so.
    let f = xls(65_536, 256, &[(0, 0, "1.x"), (65_535, 255, "y")]);
    let e = read_err(&f);
    assert!(e.contains("more than the limit"), "{e}");
    // The claim alone (cells in a corner) does not matter.
    let f = xls(
        65_536,
        256,
        &[(0, 0, "1.\u{201C}双减\u{201D}"), (0, 1, "减轻负担\u{3002}")],
    );
    assert_eq!(
        notes::read_bytes(&f, Path::new("n.xls"))
            .unwrap()
            .entries
            .len(),
        1
    );
}

fn huge_ods() -> Vec<u8> {
    ods(
        "<table:table-row table:number-rows-repeated=\"1048575\"><table:table-cell \
         table:number-columns-repeated=\"16384\" office:value-type=\"string\"><text:p>x</text:p>\
         </table:table-cell></table:table-row>",
    )
}

/// One cell of 1 MB of text, repeated across 1,000 columns and 1,000 rows.
fn repeated_ods() -> Vec<u8> {
    ods(&format!(
        "<table:table-row table:number-rows-repeated=\"1000\"><table:table-cell table:number-columns-repeated=\"1000\" office:value-type=\"string\"><text:p>{}</text:p></table:table-cell></table:table-row>",
        "x".repeat(1 << 20)
    ))
}

#[test]
fn an_ods_claiming_a_huge_range_is_refused() {
    let f = huge_ods();
    assert!(f.len() < 2048, "{} bytes", f.len());
    let e = match notes::read_bytes(&f, Path::new("n.ods")) {
        Ok(_) => panic!("read"),
        Err(e) => e.to_string(),
    };
    assert!(e.contains("limit"), "{e}");
    // The generator makes readable sheets.
    let ok = ods("<table:table-row><table:table-cell office:value-type=\"string\"><text:p>1.\u{201C}双减\u{201D}</text:p></table:table-cell><table:table-cell office:value-type=\"string\"><text:p>减轻负担</text:p></table:table-cell></table:table-row>");
    let file = notes::read_bytes(&ok, Path::new("n.ods")).unwrap();
    assert_eq!(file.entries.len(), 1);
}

// ---- item 4: .docx ------------------------------------------------------------------------

fn empty_paragraphs(n: usize) -> Vec<u8> {
    docx(&format!(
        "<w:tbl><w:tr><w:tc>{}</w:tc></w:tr></w:tbl>",
        "<w:p/>".repeat(n)
    ))
}

fn nested_tables(depth: usize) -> Vec<u8> {
    docx(&format!(
        "<w:p><w:r><w:t>1.\u{201C}双减\u{201D}\u{FF1A}减轻负担\u{3002}</w:t></w:r></w:p>{}<w:p/>{}",
        "<w:tbl><w:tr><w:tc>".repeat(depth),
        "</w:tc></w:tr></w:tbl>".repeat(depth)
    ))
}

#[test]
fn docx_with_millions_of_paragraphs_or_deep_tables_is_refused() {
    let e = notes::read_bytes(&empty_paragraphs(2_000_000), Path::new("n.docx"))
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("paragraphs"), "{e}");
    let e = notes::read_bytes(&nested_tables(10_000), Path::new("n.docx"))
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("nested"), "{e}");
    // Three levels are fine.
    let ok = notes::read_bytes(&nested_tables(3), Path::new("n.docx")).unwrap();
    assert_eq!(ok.entries.len(), 1);
}

// ---- the memory harness (items 1 and 4) -----------------------------------------------------

/// Every hostile notes file here is refused by `check` with one line and exit 2, in at most
/// 300 MB peak RSS for the whole run (fonts included), with panic text nowhere.
#[test]
fn hostile_notes_files_are_refused_within_300_mb() {
    let wb = workbook(2, 2, &[(0, 0, "1.x"), (0, 1, "y")]);
    let n = wb.len() as u64;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "loop.xls",
            set_fat(compound("Workbook", &wb, n), 5, 2),
            "loops",
        ),
        (
            "claim-4gb.xls",
            compound("Workbook", &wb, 0xFFFF_F000),
            "claims",
        ),
        (
            "wild-fat.xls",
            set_fat(compound("Workbook", &wb, n), 3, 0x00FF_FFFF),
            "outside the FAT",
        ),
        (
            "grid.xls",
            xls(65_536, 256, &[(0, 0, "1.x"), (65_535, 255, "y")]),
            "limit",
        ),
        ("huge.ods", huge_ods(), "limit"),
        // One string copied into every cell that refers to it (POI's poc-shared-strings.xlsx
        // with valid cell references took 16.5 GB before these bounds).
        ("shared.xlsx", shared_string_xlsx(1 << 20, 20_000), "limit"),
        ("shared.xls", shared_string_xls(8_000, 3_000), "limit"),
        ("repeated.ods", repeated_ods(), "limit"),
        ("paragraphs.docx", empty_paragraphs(3_000_000), "paragraphs"),
        ("tables.docx", nested_tables(20_000), "nested"),
    ];
    let (dir, report) = report_folder(None);
    let mut table = String::new();
    for (name, bytes, why) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let (o, rss) = run(&["check", s(&report), "--notes", s(&path)]);
        eprintln!("{name}: {}", String::from_utf8_lossy(&o.stderr));
        assert_refused(&o, &path, why);
        table.push_str(&format!(
            "{name:<16} {:>9} bytes  {:>7} KB peak RSS\n",
            bytes.len(),
            rss
        ));
        assert!(rss <= NOTES_RSS_LIMIT_KB, "{name}: {rss} KB\n{table}");
    }
    eprintln!("{table}");
}

// ---- item 2: report size --------------------------------------------------------------------

#[test]
fn reports_over_the_12_mb_cap_are_refused_before_decoding() {
    let dir = tempfile::tempdir().unwrap();
    for size in [(12 << 20) + 1, (16 << 20) + 1] {
        let big = dir.path().join(format!("big-{size}.txt"));
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(size).unwrap();
        let (o, rss) = run(&["check", s(&big)]);
        assert_refused(&o, &big, "too large for a report");
        assert!(rss < 100 * 1024, "{rss} KB");
    }
}

// ---- item 3: regular files only ---------------------------------------------------------------

fn fifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[test]
fn fifos_and_devices_are_refused_not_read() {
    let (dir, report) = report_folder(None);
    let pipe = dir.path().join("pipe.txt");
    fifo(&pipe);
    let zero = Path::new("/dev/zero");
    let (o, _) = run(&["check", s(&pipe)]);
    assert_refused(&o, &pipe, "named pipe");
    let (o, _) = run(&["check", s(zero)]);
    assert_refused(&o, zero, "a device");
    let (o, _) = run(&["check", s(&report), "--notes", s(&pipe)]);
    assert_refused(&o, &pipe, "named pipe");
    let (o, rss) = run(&["check", s(&report), "--notes", s(zero)]);
    assert_refused(&o, zero, "a device");
    assert!(rss <= NOTES_RSS_LIMIT_KB);
    // A FIFO named by the attachment line is skipped and reported, never opened.
    let (dir, report) = report_folder(Some("notes.txt"));
    fifo(&dir.path().join("notes.txt"));
    let v = check_json(&report, &[]);
    assert!(codes(&v).contains(&"attachment-skipped".to_string()), "{v}");
}

fn check_json(report: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["check", s(report), "--json"];
    args.extend_from_slice(extra);
    let (o, _) = run(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_string())
        .collect()
}

// ---- items 10, 11, 12: discovery ------------------------------------------------------------

#[test]
fn an_attachment_linking_out_of_the_folder_is_skipped_and_reported() {
    let secret_dir = tempfile::tempdir().unwrap();
    let secret = secret_dir.path().join("secret.txt");
    std::fs::write(&secret, "1.放管服效\u{FF1A}机密内容\u{3002}\n").unwrap();
    let (dir, report) = report_folder(Some("notes.txt"));
    std::os::unix::fs::symlink(&secret, dir.path().join("notes.txt")).unwrap();
    let v = check_json(&report, &[]);
    assert!(v["notes"]["source"].is_null(), "{v}");
    assert!(!v.to_string().contains("机密内容"));
    let w = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "attachment-skipped")
        .expect("attachment-skipped");
    assert!(w["message"]
        .as_str()
        .unwrap()
        .contains("leads out of the report's folder"));
    // Given with --notes, the link is followed as given.
    let v = check_json(&report, &["--notes", s(&dir.path().join("notes.txt"))]);
    assert_eq!(v["notes"]["entries"], 1, "{v}");
}

#[test]
fn the_report_is_never_its_own_attachment() {
    let (_dir, report) = report_folder(Some("report"));
    let v = check_json(&report, &[]);
    assert!(v["notes"]["source"].is_null(), "{v}");
    assert!(codes(&v).contains(&"attachment-missing".to_string()));
}

#[test]
fn a_missing_attachment_warns_and_strict_refuses() {
    let (dir, report) = report_folder(Some("有关注释.doc"));
    let v = check_json(&report, &[]);
    let w = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "attachment-missing")
        .expect("attachment-missing")
        .clone();
    assert_eq!(w["severity"], "warning");
    assert!(w["message"].as_str().unwrap().contains("有关注释.doc"));
    let out = dir.path().join("out");
    let (o, _) = run(&["build", s(&report), "-o", s(&out), "--strict"]);
    assert_eq!(
        o.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("attachment-missing"));
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none());
}

// ---- item 6: mixed encodings ----------------------------------------------------------------

#[test]
fn a_report_mixing_gb18030_and_utf8_is_read_whole_and_warned() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.txt");
    let mut bytes = Vec::new();
    for (i, line) in REPORT.lines().enumerate() {
        if i % 2 == 0 {
            bytes.extend_from_slice(&encoding_rs::GB18030.encode(line).0);
        } else {
            bytes.extend_from_slice(line.as_bytes());
        }
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(b"\xFF\xFE\xFF\n");
    std::fs::write(&report, &bytes).unwrap();
    let v = check_json(&report, &[]);
    assert_eq!(v["title"], "2024年示例县政府工作报告");
    assert_eq!(v["input"]["encoding"], "GB18030");
    assert_eq!(v["input"]["other_encoding_lines"], 1);
    let warnings = v["warnings"].as_array().unwrap();
    let mixed = warnings
        .iter()
        .find(|w| w["code"] == "mixed-encoding")
        .expect("mixed");
    assert!(mixed["message"]
        .as_str()
        .unwrap()
        .contains("1 line(s) read as UTF-8"));
    assert!(warnings.iter().any(|w| w["code"] == "suspicious-text"
        && w["message"].as_str().unwrap().starts_with("2 undecodable")));
}

// ---- item 5: control characters ---------------------------------------------------------------

/// A report with a form feed, BEL and ESC (and a note with a vertical tab) builds, warns, and
/// its EPUB passes epubcheck and its DOCX opens in LibreOffice.
#[test]
fn control_characters_are_removed_counted_and_editions_stay_valid() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.txt");
    std::fs::write(
        &report,
        "2024年示例县政府工作报告\n\u{C}\n各位代表\u{FF1A}\n\
         现在\u{FF0C}我代表县人民政府\u{7}向大会报告工作\u{FF0C}请予审议\u{3002}\u{1B}[0m\
         放管服效改革持续深化\u{3002}\n附件\u{FF1A}notes.txt\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("notes.txt"),
        "1.\u{201C}放管服效\u{201D}\u{FF1A}简政放权\u{B}\u{3001}放管结合\u{3002}\n",
    )
    .unwrap();
    let v = check_json(&report, &[]);
    assert_eq!(v["cleaning"]["control_characters"], 4, "{v}");
    let removed = v["cleaning"]["removed"].as_array().unwrap();
    assert!(
        removed
            .iter()
            .any(|r| r["text"] == "U+0007 U+001B" && r["line"] == 4),
        "{v}"
    );
    assert!(removed.iter().any(|r| r["text"] == "U+000B"), "{v}");
    let w = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "control-characters")
        .expect("control-characters warning");
    assert!(w["message"].as_str().unwrap().starts_with("4 control"));

    let out = dir.path().join("out");
    let (o, _) = run(&["build", s(&report), "-o", s(&out)]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("[control-characters]"), "{stderr}");
    let stem = out.join("2024年示例县政府工作报告");
    let epub = stem.with_extension("epub");
    let docx = stem.with_extension("docx");
    if common::tool("epubcheck") {
        let o = common::run_with_deadline(
            Command::new("epubcheck").arg(&epub),
            Duration::from_secs(600),
        );
        let text =
            String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{text}");
        assert!(
            !text
                .lines()
                .any(|l| l.starts_with("ERROR") || l.starts_with("FATAL")),
            "{text}"
        );
    }
    if common::tool("soffice") {
        let o = common::run_with_deadline(
            Command::new("soffice")
                .arg(format!(
                    "-env:UserInstallation=file://{}/profile",
                    dir.path().display()
                ))
                .args(["--headless", "--convert-to", "txt:Text", "--outdir"])
                .arg(dir.path())
                .arg(&docx),
            Duration::from_secs(600),
        );
        let txt = dir.path().join("2024年示例县政府工作报告.txt");
        let text = std::fs::read_to_string(&txt).unwrap_or_else(|_| {
            panic!(
                "LibreOffice did not open the DOCX: {}",
                String::from_utf8_lossy(&o.stderr)
            )
        });
        assert!(text.contains("我代表县人民政府向大会报告工作"), "{text}");
    }
}

// ---- item 16: no panic text -----------------------------------------------------------------

/// Found by the `sheet` fuzz target in 26 s: calamine 0.38's `read_rich_extended_string` slices
/// past a short SST record (`range end index 4 out of range for slice of length 3`). baogao runs
/// calamine under its guard: one line, exit 2, no panic text even with RUST_BACKTRACE=1.
#[test]
fn a_calamine_panic_is_one_line_without_panic_text() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/notes/fuzz-crash-calamine-sst.xls");
    let e = notes::read_bytes(&std::fs::read(&fixture).unwrap(), &fixture)
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("damaged xls spreadsheet"), "{e}");
    let (_dir, report) = report_folder(None);
    let (o, _) = run(&["check", s(&report), "--notes", s(&fixture)]);
    assert_refused(&o, &fixture, "the spreadsheet reader failed on it");
}
