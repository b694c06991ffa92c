//! Annotation files as offices make them (issue 14): Word's automatic list numbering, a second
//! list after a heading, tracked changes and hidden text, web pages under any name, Word 6/95,
//! `[n]`-style numbers, header rows in either script. Fixtures: tests/fixtures/notes/office/
//! (made by its make.py with python-docx and LibreOffice) and text written here.
use baogao::model::Entry;
use baogao::read::notes::{self, NotesFile};
use std::io::{Cursor, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn office(name: &str) -> PathBuf {
    repo(&format!("tests/fixtures/notes/office/{name}"))
}

fn read_as(bytes: &[u8], name: &str) -> Result<NotesFile, String> {
    notes::read_bytes(bytes, Path::new(name)).map_err(|e| e.to_string())
}

fn pairs(entries: &[Entry]) -> Vec<(u32, String, String)> {
    entries
        .iter()
        .map(|e| (e.number, e.term.clone(), e.text.clone()))
        .collect()
}

fn skipped(file: &NotesFile) -> Vec<(usize, &str, &str)> {
    file.skipped
        .iter()
        .map(|s| (s.line, s.text.as_str(), s.kind))
        .collect()
}

/// No entry's text holds another entry's term and explanation (nothing merged).
fn none_merged(file: &NotesFile) {
    for a in &file.entries {
        for b in &file.entries {
            if std::ptr::eq(a, b) {
                continue;
            }
            assert!(
                !(a.text.contains(&b.text) || a.text.contains(&format!("{}\u{FF1A}", b.term))),
                "entry {} holds entry {}: {}",
                a.number,
                b.number,
                a.text
            );
        }
    }
}

/// The five notes of the office fixtures: two Word-numbered lists, the second restarting at 1
/// after a `【名词解释】` line; the tracked deletion `一般债券` and the hidden note are not read.
fn list_entries() -> Vec<(u32, String, String)> {
    [
        (1, "\u{201C}三保\u{201D}", "保基本民生、保工资、保运转。"),
        (
            2,
            "专项债",
            "地方政府专项债券的简称，用于有一定收益的公益性项目。",
        ),
        (
            3,
            "\u{201C}四风\u{201D}",
            "形式主义、官僚主义、享乐主义和奢靡之风。",
        ),
        (1, "新质生产力", "创新起主导作用的先进生产力质态。"),
        (
            2,
            "\u{201C}双减\u{201D}",
            "减轻义务教育阶段学生作业负担和校外培训负担。",
        ),
    ]
    .into_iter()
    .map(|(n, t, x)| (n, t.to_string(), x.to_string()))
    .collect()
}

fn check_list(file: &NotesFile, format: &str) {
    check_list_numbered(file, format, &[1, 2, 3, 1, 2]);
}

fn check_list_numbered(file: &NotesFile, format: &str, numbers: &[u32]) {
    assert_eq!(file.format, format);
    let want: Vec<_> = list_entries()
        .into_iter()
        .zip(numbers)
        .map(|((_, t, x), &n)| (n, t, x))
        .collect();
    assert_eq!(pairs(&file.entries), want, "{format}");
    assert_eq!(
        skipped(file),
        vec![
            (1, "名词解释", "title"),
            (5, "\u{3010}名词解释\u{3011}", "heading")
        ],
        "{format}"
    );
    assert_eq!(file.title.as_deref(), Some("名词解释"), "{format}");
    none_merged(file);
}

#[test]
fn word_numbered_lists_in_docx_with_revisions_and_hidden_text() {
    check_list(&notes::read(&office("list.docx")).unwrap(), "docx");
}

#[test]
fn the_same_document_as_doc_gives_the_same_entries() {
    // LibreOffice's .doc export restarts every paragraph of a restarted list at 1 (LibreOffice
    // reads its own file back as `1.` `1.`; rwml draws the same): the numbers Word would draw
    // from this file, and the same five entries.
    check_list_numbered(
        &notes::read(&office("list.doc")).unwrap(),
        "doc",
        &[1, 2, 3, 1, 1],
    );
}

#[test]
fn libreoffice_web_page_and_web_archive_under_any_name() {
    let html = std::fs::read(office("list.html")).unwrap();
    for name in ["list.html", "list.doc", "list.txt"] {
        check_list(&read_as(&html, name).unwrap(), "html");
    }
    let mht = std::fs::read(office("list.mht")).unwrap();
    for name in ["list.mht", "list.doc"] {
        check_list(&read_as(&mht, name).unwrap(), "html");
    }
}

/// Word 6.0/95 files (wIdent 0xA5DC, nFib 101–105, no table stream) are named, never "damaged".
#[test]
fn word_6_and_95_are_named_never_damaged() {
    for (ident, nfib) in [(0xA5DCu16, 101u16), (0xA5DC, 104), (0xA5EC, 104)] {
        let mut stream = vec![0u8; 0x300];
        stream[0..2].copy_from_slice(&ident.to_le_bytes());
        stream[2..4].copy_from_slice(&nfib.to_le_bytes());
        let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        file.create_stream("/WordDocument")
            .unwrap()
            .write_all(&stream)
            .unwrap();
        let mut inner = file.into_inner();
        let mut bytes = Vec::new();
        inner.seek(SeekFrom::Start(0)).unwrap();
        inner.read_to_end(&mut bytes).unwrap();
        let err = read_as(&bytes, "旧版.doc").err().unwrap();
        assert!(err.contains("Word 6.0/95"), "{err}");
        assert!(err.contains("save it as Word 97"), "{err}");
        assert!(!err.contains("damaged") && !err.contains('\n'), "{err}");
    }
}

/// `[1]`, `【2】`, `［3］`, `注4：`, `注⑤` open entries like `1.`; a heading between lists and an
/// unnumbered `term：text` line after a finished sentence are skipped, never merged.
#[test]
fn bracketed_and_note_numbers_and_no_silent_merging() {
    let text = "有关注释\n\
        [1]\u{201C}三步走\u{201D}战略目标\u{FF1A}分三个阶段推进的发展目标。\n\
        \u{3010}2\u{3011}\u{201C}三保\u{201D}\u{FF1A}保基本民生、保工资、\n保运转。\n\
        \u{FF3B}3\u{FF3D}专项债:地方政府专项债券。\n\
        附件2\n\
        注4\u{FF1A}\u{201C}四风\u{201D}\u{FF1A}形式主义、官僚主义。\n\
        备注\u{FF1A}以上解释仅供参阅。\n\
        注\u{2464}\u{201C}双减\u{201D}\u{FF1A}减轻学生负担。\n";
    let file = read_as(text.as_bytes(), "notes.txt").unwrap();
    let terms: Vec<(u32, &str)> = file
        .entries
        .iter()
        .map(|e| (e.number, e.term.as_str()))
        .collect();
    assert_eq!(
        terms,
        vec![
            (1, "\u{201C}三步走\u{201D}战略目标"),
            (2, "\u{201C}三保\u{201D}"),
            (3, "专项债"),
            (4, "\u{201C}四风\u{201D}"),
            (5, "\u{201C}双减\u{201D}"),
        ]
    );
    assert_eq!(file.entries[1].text, "保基本民生、保工资、保运转。");
    assert_eq!(
        skipped(&file),
        vec![
            (1, "有关注释", "title"),
            (6, "附件2", "heading"),
            (8, "备注\u{FF1A}以上解释仅供参阅。", "text"),
        ]
    );
    assert_eq!(file.title.as_deref(), Some("有关注释"));
    none_merged(&file);
}

/// Header rows in Traditional script or with other common names are headers, not entries.
#[test]
fn header_rows_after_script_folding_and_common_names() {
    for header in [
        "序號,詞條,註釋",
        "编号,名称,含义",
        "序号,项目,内容",
        "編號,術語,釋義",
    ] {
        let csv = format!("{header}\n1,\u{201C}三保\u{201D},保运转。\n2,专项债,地方债券。\n");
        let file = read_as(csv.as_bytes(), "notes.csv").unwrap();
        assert_eq!(file.format, "csv", "{header}");
        assert_eq!(file.entries.len(), 2, "{header}");
        assert_eq!(file.entries[0].term, "\u{201C}三保\u{201D}", "{header}");
        assert_eq!(
            skipped(&file),
            vec![(1, header.replace(',', " ").as_str(), "header")]
        );
    }
}

/// Notes without any number (`term：text` lines) are numbered by position.
#[test]
fn unnumbered_term_lines_are_numbered_by_position() {
    let text =
        "名词解释\n\u{201C}三保\u{201D}\u{FF1A}保运转。\n专项债\u{FF1A}地方政府\n专项债券。\n";
    let file = read_as(text.as_bytes(), "notes.txt").unwrap();
    assert_eq!(
        pairs(&file.entries),
        vec![
            (1, "\u{201C}三保\u{201D}".into(), "保运转。".into()),
            (2, "专项债".into(), "地方政府专项债券。".into()),
        ]
    );
}

/// An entry far longer than the others is warned about; skipped lines reach `check --json`.
#[test]
fn check_json_lists_skipped_lines_and_warns() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.txt");
    std::fs::write(
        &report,
        "政府工作报告\n\n各位代表：\n\n我们落实\u{201C}三保\u{201D}要求，用好专项债，纠治\u{201C}四风\u{201D}，发展新质生产力，推进\u{201C}双减\u{201D}。\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_baogao"))
        .args(["check", "--json", "--notes"])
        .arg(office("list.docx"))
        .arg(&report)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes = &json["notes"];
    assert_eq!(notes["entries"], 5);
    assert_eq!(notes["skipped"][0]["line"], 1);
    assert_eq!(notes["skipped"][0]["text"], "名词解释");
    assert_eq!(notes["skipped"][1]["text"], "\u{3010}名词解释\u{3011}");
    let codes: Vec<&str> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"notes-lines-skipped"), "{codes:?}");
    // A run-together entry (one entry holding what should have been many) is warned about.
    let mut long = String::from("1.三保\u{FF1A}保运转。\n2.四风\u{FF1A}形式主义。\n3.双减\u{FF1A}");
    long.push_str(&"减轻学生负担。".repeat(40));
    let notes_txt = dir.path().join("long.txt");
    std::fs::write(&notes_txt, long).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_baogao"))
        .args(["check", "--json", "--notes"])
        .arg(&notes_txt)
        .arg(&report)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let long_warned = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "long-note" && w["message"].as_str().unwrap().contains("note 3"));
    assert!(long_warned, "{}", json["warnings"]);
}

/// Every notes fixture: no entry holds another's text, and the skipped lines are exactly the
/// lines that are not entries: titles, headings and header rows — and, in the .doc with a
/// table, the closing remark under it (a `text` line, warned about).
#[test]
fn every_fixture_no_merged_entries_and_only_headings_skipped() {
    let names = [
        "notes.txt",
        "notes.csv",
        "notes.docx",
        "notes.xlsx",
        "notes.xls",
        "notes.ods",
        "notes-table.doc",
        "office/list.docx",
        "office/list.doc",
        "office/list.html",
        "office/list.mht",
    ];
    for name in names {
        let file = notes::read(&repo(&format!("tests/fixtures/notes/{name}")))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        none_merged(&file);
        let text: Vec<&str> = file
            .skipped
            .iter()
            .filter(|s| s.kind == "text")
            .map(|s| s.text.as_str())
            .collect();
        let want: &[&str] = if name == "notes-table.doc" {
            &["以上注释仅供参考\u{3002}"]
        } else {
            &[]
        };
        assert_eq!(text, want, "{name}");
        let lines: Vec<usize> = file.skipped.iter().map(|s| s.line).collect();
        assert!(lines.windows(2).all(|w| w[0] < w[1]), "{name}: {lines:?}");
    }
}
