//! Annotation readers on the real notes: every format gives the same 33 entries; bad files give
//! one clear line, never a panic or a hang.
use baogao::model::Entry;
use baogao::read::notes::{self, NotesFile, Part};
use std::io::{Cursor, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

const BESIDE_REPORT: &str = "input/wuyang-2024/\u{300A}政府工作报告\u{300B}有关注释.doc";

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// Entries as the pipeline sees them: the readers' raw entries, then the clean pass's
/// punctuation rule.
fn cleaned(mut file: NotesFile) -> NotesFile {
    baogao::passes::clean::notes::entries(&mut file.entries);
    file
}

/// Read in a thread with a generous timeout: a hang fails the test instead of stalling it.
fn read_guarded(bytes: Vec<u8>, name: &str) -> Result<NotesFile, String> {
    let (tx, rx) = mpsc::channel();
    let name = PathBuf::from(name);
    std::thread::spawn(move || {
        let r = notes::read_bytes(&bytes, &name)
            .map(cleaned)
            .map_err(|e| e.to_string());
        let _ = tx.send(r);
    });
    rx.recv_timeout(Duration::from_secs(120))
        .expect("reader hung or panicked")
}

fn read_file(p: &Path) -> Result<NotesFile, String> {
    read_guarded(std::fs::read(p).unwrap(), &p.display().to_string())
}

fn pairs(entries: &[Entry]) -> Vec<(u32, String, String)> {
    entries
        .iter()
        .map(|e| (e.number, e.term.clone(), e.text.clone()))
        .collect()
}

fn reference() -> Vec<Entry> {
    let file = cleaned(notes::read(&repo(BESIDE_REPORT)).unwrap());
    assert_eq!(file.format, "doc");
    file.entries
}

#[test]
fn the_doc_beside_the_report_has_33_entries() {
    let entries = reference();
    assert_eq!(entries.len(), 33);
    let numbers: Vec<u32> = entries.iter().map(|e| e.number).collect();
    assert_eq!(numbers, (1..=33).collect::<Vec<_>>());
    assert_eq!(entries[0].term, "\u{201C}放管服效\u{201D}");
    assert_eq!(
        entries[0].text,
        "简政放权、放管结合、优化服务、提升效能的简称。"
    );
    assert_eq!(entries[22].term, "\u{201C}三公\u{201D}经费");
    assert_eq!(entries[27].term, "PM2.5");
    assert_eq!(entries[32].term, "\u{201C}双减\u{201D}");
    // Latin text inside a note keeps its spaces; the brackets around it are full-width.
    assert!(entries[28]
        .text
        .contains("\u{FF08}Contract Development and Manufacturing Organization\u{FF09}\u{FF0C}"));
}

#[test]
fn every_format_gives_the_same_entries() {
    let want = pairs(&reference());
    let cases = [
        ("notes.txt", "txt"),
        ("notes.csv", "csv"),
        ("notes.docx", "docx"),
        ("notes.xlsx", "xlsx"),
        ("notes.xls", "xls"),
        ("notes.ods", "ods"),
        ("notes-table.doc", "doc"),
    ];
    for (name, format) in cases {
        let file = read_file(&repo(&format!("tests/fixtures/notes/{name}")))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(file.format, format, "{name}");
        let got = pairs(&file.entries);
        assert_eq!(got.len(), 33, "{name}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "{name}");
        }
    }
}

#[test]
fn the_text_file_keeps_its_title_line_as_skipped() {
    let file = read_file(&repo("tests/fixtures/notes/notes.txt")).unwrap();
    let skipped: Vec<&str> = file.skipped.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(skipped, vec!["\u{300A}政府工作报告\u{300B}有关注释"]);
    assert_eq!(file.skipped[0].kind, "title");
    assert_eq!(file.skipped[0].line, 1);
    assert_eq!(
        file.title.as_deref(),
        Some("\u{300A}政府工作报告\u{300B}有关注释")
    );
}

/// All text of the parts, one paragraph or cell per line.
fn all_lines(parts: &[Part]) -> String {
    let mut out = String::new();
    for p in parts {
        match p {
            Part::Paragraph(t) => out.push_str(t),
            Part::Table(rows) => out.push_str(
                &rows
                    .iter()
                    .flatten()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        }
        out.push('\n');
    }
    out
}

#[test]
fn doc_main_text_without_field_codes_headers_or_footnotes() {
    let bytes = std::fs::read(repo("tests/fixtures/doc/fields-lists-footnote.doc")).unwrap();
    let parts = notes::doc::read(&bytes).unwrap();
    let text = all_lines(&parts);
    // Field results kept, codes dropped.
    assert!(text.contains("详见县政府门户网站。"), "{text}");
    assert!(!text.contains("HYPERLINK"), "{text}");
    assert!(!text.contains("PAGE"), "{text}");
    // Automatic list numbers are kept in front of their paragraphs.
    assert!(text.contains("1\u{3001}经济运行稳中向好。"), "{text}");
    assert!(text.contains("2.推进乡村振兴。"), "{text}");
    // Neither the header nor the footnote is main text.
    assert!(!text.contains("页眉"), "{text}");
    assert!(!text.contains("生产总值按现价计算"), "{text}");
    // Paragraphs and table cells apart (a merged cell's two paragraphs are two lines).
    let table = parts
        .iter()
        .find_map(|p| match p {
            Part::Table(rows) => Some(rows.clone()),
            _ => None,
        })
        .expect("a table");
    assert_eq!(table[0], vec!["指标", "增速"]);
    assert!(table[1].iter().any(|c| c == "亿元\n(现价)"), "{table:?}");
}

#[test]
fn a_long_doc_reads_whole() {
    let bytes = std::fs::read(repo("tests/fixtures/doc/long-report.doc")).unwrap();
    let parts = notes::doc::read(&bytes).unwrap();
    let text = all_lines(&parts);
    assert!(text.starts_with("2024年舞陽縣政府工作報告\n"));
    let titles = parts
        .iter()
        .filter(|p| **p == Part::Paragraph("2024年舞陽縣政府工作報告".into()))
        .count();
    assert_eq!(titles, 6);
    let han = text
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count();
    assert!(han > 50_000, "{han} Han characters");
}

fn one_line_error(bytes: Vec<u8>, name: &str, says: &str) {
    let err = match read_guarded(bytes, name) {
        Ok(f) => panic!("{name}: read {} entries", f.entries.len()),
        Err(e) => e,
    };
    assert!(!err.contains('\n'), "{err}");
    assert!(err.starts_with(name), "{err}");
    assert!(err.contains(says), "{name}: {err}");
}

#[test]
fn a_truncated_doc_is_refused_as_truncated() {
    let bytes = std::fs::read(repo(BESIDE_REPORT)).unwrap();
    for cut in [bytes.len() / 2, 4096, 600] {
        one_line_error(bytes[..cut].to_vec(), "cut.doc", "truncated or damaged");
    }
}

#[test]
fn random_bytes_named_doc_are_refused_as_binary() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let bytes: Vec<u8> = (0..20_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    one_line_error(bytes, "random.doc", "binary data");
}

#[test]
fn an_empty_file_is_refused_as_empty() {
    one_line_error(Vec::new(), "empty.doc", "empty");
    one_line_error(b" \n\r\n".to_vec(), "blank.txt", "empty");
}

#[test]
fn a_docx_renamed_doc_is_read_as_docx() {
    let bytes = std::fs::read(repo("tests/fixtures/notes/notes.docx")).unwrap();
    let file = read_guarded(bytes, "notes.doc").unwrap();
    assert_eq!(file.format, "docx");
    assert_eq!(pairs(&file.entries), pairs(&reference()));
}

#[test]
fn other_files_are_refused_naming_what_they_look_like() {
    one_line_error(
        b"%PDF-1.7\n%\xE2\xE3\n1 0 obj".to_vec(),
        "notes.doc",
        "a PDF file",
    );
    let font = std::fs::read(repo("fonts/LXGWWenKai-Regular.ttf")).unwrap();
    one_line_error(font[..4096].to_vec(), "notes.doc", "a TrueType font");
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("readme.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(b"hello").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    one_line_error(
        bytes,
        "notes.docx",
        "a ZIP archive without Word or spreadsheet parts",
    );
    one_line_error(
        "just a sentence\u{FF0C}no numbered notes"
            .as_bytes()
            .to_vec(),
        "notes.txt",
        "no numbered notes",
    );
}

#[test]
fn a_zip_bomb_is_refused() {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("word/document.xml", options).unwrap();
    let block = vec![b' '; 1 << 20];
    for _ in 0..(notes::MAX_PART >> 20) + 2 {
        zip.write_all(&block).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < 1 << 20, "{} bytes", bytes.len());
    one_line_error(bytes, "bomb.docx", "inflates beyond");
}

/// The real .doc with its WordDocument stream patched at `offset`.
fn patched_doc(offset: u64, patch: &[u8]) -> Vec<u8> {
    let bytes = std::fs::read(repo(BESIDE_REPORT)).unwrap();
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).unwrap();
    {
        let mut stream = file.open_stream("/WordDocument").unwrap();
        stream.seek(SeekFrom::Start(offset)).unwrap();
        stream.write_all(patch).unwrap();
    }
    file.flush().unwrap();
    let mut inner = file.into_inner();
    let mut out = Vec::new();
    inner.seek(SeekFrom::Start(0)).unwrap();
    inner.read_to_end(&mut out).unwrap();
    out
}

#[test]
fn word_95_encrypted_and_foreign_compound_files_say_which() {
    // nFib 0x0065: Word 6.
    one_line_error(patched_doc(2, &[0x65, 0x00]), "old.doc", "Word 6.0/95");
    // fEncrypted (bit 8 of the flags at 0x0A).
    let bytes = std::fs::read(repo(BESIDE_REPORT)).unwrap();
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).unwrap();
    let mut flags = [0u8; 2];
    {
        let mut s = file.open_stream("/WordDocument").unwrap();
        s.seek(SeekFrom::Start(0x0A)).unwrap();
        s.read_exact(&mut flags).unwrap();
    }
    drop(file);
    let word = u16::from_le_bytes(flags) | 0x0100;
    one_line_error(
        patched_doc(0x0A, &word.to_le_bytes()),
        "locked.doc",
        "encrypted",
    );
    // A compound file that is neither Word nor Excel.
    let mut other = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    other
        .create_stream("/Contents")
        .unwrap()
        .write_all(b"data")
        .unwrap();
    let mut out = Vec::new();
    let mut inner = other.into_inner();
    inner.seek(SeekFrom::Start(0)).unwrap();
    inner.read_to_end(&mut out).unwrap();
    one_line_error(
        out,
        "other.doc",
        "compound file without Word or Excel streams",
    );
}

#[test]
fn corrupted_copies_never_panic() {
    let docs = [
        std::fs::read(repo(BESIDE_REPORT)).unwrap(),
        std::fs::read(repo("tests/fixtures/notes/notes.docx")).unwrap(),
        std::fs::read(repo("tests/fixtures/notes/notes.xlsx")).unwrap(),
    ];
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for doc in &docs {
        for _ in 0..40 {
            let mut bytes = doc.clone();
            for _ in 0..8 {
                let at = (next() as usize) % bytes.len();
                bytes[at] = next() as u8;
            }
            // Either entries or one clear line; a panic or hang fails the test.
            if let Err(e) = read_guarded(bytes, "mutated") {
                assert!(!e.contains('\n'), "{e}");
            }
        }
    }
}

#[test]
fn text_notes_in_gb18030_and_utf16_read_alike() {
    let utf8 = std::fs::read_to_string(repo("tests/fixtures/notes/notes.txt")).unwrap();
    let want = pairs(
        &read_guarded(utf8.clone().into_bytes(), "notes.txt")
            .unwrap()
            .entries,
    );
    let (gb, _, _) = encoding_rs::GB18030.encode(&utf8);
    let got = read_guarded(gb.into_owned(), "notes-gb.txt").unwrap();
    assert_eq!(pairs(&got.entries), want);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(utf8.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let got = read_guarded(utf16, "notes-utf16.txt").unwrap();
    assert_eq!(pairs(&got.entries), want);
}

/// Regression from fuzzing (`fuzz/run.sh doc`, 2026-11-26): rwml 0.1.5 panics with an overflow in
/// `papx.rs` on this input. The reader must give one error line, and the CLI must print only it.
#[test]
fn fuzz_crash_rwml_papx_overflow_is_one_clear_error() {
    for name in [
        "fuzz-crash-rwml-papx.doc",
        "fuzz-crash-rwml-2.doc",
        "fuzz-crash-rwml-3.doc",
    ] {
        refused_in_one_line(&repo(&format!("tests/fixtures/notes/{name}")), name);
    }
}

fn refused_in_one_line(p: &Path, name: &str) {
    let err = match read_file(p) {
        Ok(_) => panic!("a damaged .doc must be refused"),
        Err(e) => e,
    };
    assert!(err.contains(name), "{err}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_baogao"))
        .args([
            "check",
            repo("input/wuyang-2024/report.txt").to_str().unwrap(),
            "--notes",
            p.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn readers_hand_on_raw_entries_with_either_colon_and_this_pass_normalises_them() {
    let text = "1.三保(三项):保运转,保工资\n2.双减\u{FF1A}减轻作业负担(校外培训)";
    let path = std::path::Path::new("notes.txt");
    let mut file = notes::read_bytes(text.as_bytes(), path).unwrap();
    assert_eq!(file.entries[0].term, "三保(三项)");
    assert_eq!(file.entries[0].text, "保运转,保工资");
    assert_eq!(file.entries[1].term, "双减");
    assert_eq!(baogao::passes::clean::notes::entries(&mut file.entries), 5);
    assert_eq!(file.entries[0].term, "三保\u{FF08}三项\u{FF09}");
    assert_eq!(file.entries[0].text, "保运转\u{FF0C}保工资");
    assert_eq!(file.entries[1].text, "减轻作业负担\u{FF08}校外培训\u{FF09}");
}
