//! Refusals that say what the file is, and files that are readable after all (issue 23 item 3):
//! password-protected Office files, Word 2003 XML named `.doc`, HTML fragments, old Excel,
//! sheets too wide or not worksheets, documents without a glossary; workbooks encrypted with
//! Excel's built-in password are read. Fixtures: tests/fixtures/notes/refusals/ (made by its
//! make.py with python-docx and LibreOffice), tests/fixtures/notes/encrypted/ (its make.sh, with
//! LibreOffice and Apache POI) and bytes written here (tests/hostile/files.rs builds the compound files and packages).
#[path = "hostile/files.rs"]
#[allow(dead_code)]
mod files;

use baogao::read::notes::{self, NotesFile};
use std::io::{Cursor, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/notes/refusals/{name}"))
}

fn read_as(bytes: &[u8], name: &str) -> Result<NotesFile, String> {
    notes::read_bytes(bytes, Path::new(name)).map_err(|e| e.to_string())
}

fn refused(bytes: &[u8], name: &str) -> String {
    let e = read_as(bytes, name).err().expect("refused");
    assert!(!e.contains('\n'), "{e}");
    assert!(e.contains(name), "{e}");
    e
}

/// A compound file holding the given streams (made with the cfb crate).
fn compound(streams: &[(&str, &[u8])]) -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    for (name, data) in streams {
        file.create_stream(name).unwrap().write_all(data).unwrap();
    }
    let mut inner = file.into_inner();
    let mut out = Vec::new();
    inner.seek(SeekFrom::Start(0)).unwrap();
    inner.read_to_end(&mut out).unwrap();
    out
}

#[test]
fn password_protected_office_files_say_encrypted() {
    // A .docx saved with a password: a compound file with the encryption streams.
    let docx = compound(&[
        ("/EncryptionInfo", &[4, 0, 4, 0, 0x40, 0, 0, 0][..]),
        ("/EncryptedPackage", &[0u8; 600][..]),
    ]);
    let e = refused(&docx, "locked.docx");
    assert!(
        e.contains("encrypted") && e.contains("without a password"),
        "{e}"
    );
    // With a WordDocument stream beside them, still encrypted (not "Word 2.0 or older").
    let odd = compound(&[
        ("/EncryptionInfo", &[4, 0, 4, 0][..]),
        ("/WordDocument", &[0u8; 64][..]),
        ("/EncryptedPackage", &[0u8; 600][..]),
    ]);
    let e = refused(&odd, "locked.doc");
    assert!(e.contains("encrypted") && !e.contains("Word 2.0"), "{e}");
    // An .xls whose globals carry FILEPASS (RC4 CryptoAPI, as Excel's default password writes).
    let wb = files::workbook(2, 2, &[(0, 0, "1.三保"), (0, 1, "保运转。")]);
    let bof_len = 4 + usize::from(u16::from_le_bytes([wb[2], wb[3]]));
    let mut locked = wb[..bof_len].to_vec();
    locked.extend_from_slice(&[0x2F, 0x00, 0x06, 0x00, 0x01, 0x00, 0x02, 0x00, 0x02, 0x00]);
    locked.extend_from_slice(&wb[bof_len..]);
    locked.truncate(wb.len());
    let n = locked.len() as u64;
    let e = refused(&files::compound("Workbook", &locked, n), "locked.xls");
    assert!(
        e.contains("encrypted") && e.contains("RC4 CryptoAPI"),
        "{e}"
    );
    assert!(!e.contains("damaged"), "{e}");
}

fn encrypted(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/fixtures/notes/encrypted/{name}")),
    )
    .unwrap()
}

#[test]
fn workbooks_with_excels_built_in_password_are_read() {
    // LibreOffice's RC4 (a protected workbook structure) and POI's RC4 CryptoAPI, both with the
    // password Excel opens without asking (tests/fixtures/notes/encrypted/make.sh).
    for name in ["default-rc4.xls", "default-cryptoapi.xls"] {
        let file = read_as(&encrypted(name), name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(file.format, "xls");
        let terms: Vec<&str> = file.entries.iter().map(|e| e.term.as_str()).collect();
        assert_eq!(terms, ["三保", "专项债", "河长制"], "{name}");
        assert_eq!(
            file.entries[1].text, "地方政府专项债券的简称\u{3002}",
            "{name}"
        );
    }
    // Another password: refused as encrypted, naming the scheme, never "damaged".
    let e = refused(&encrypted("password.xls"), "password.xls");
    assert!(
        e.contains("encrypted") && e.contains("RC4 CryptoAPI") && e.contains("without"),
        "{e}"
    );
    assert!(!e.contains("damaged"), "{e}");
    // The built-in password's file with one byte of its verifier changed is not read as junk.
    let mut bent = encrypted("default-rc4.xls");
    let at = bent
        .windows(6)
        .position(|w| w == [0x2F, 0x00, 0x36, 0x00, 0x01, 0x00])
        .expect("FILEPASS");
    bent[at + 4 + 6 + 16] ^= 1;
    let e = refused(&bent, "bent.xls");
    assert!(e.contains("encrypted") && e.contains("RC4)"), "{e}");
}

#[test]
fn word_2003_xml_named_doc_is_read() {
    let bytes = std::fs::read(fixture("wordml.doc")).unwrap();
    let file = read_as(&bytes, "wordml.doc").unwrap();
    assert_eq!(file.format, "wordml");
    let terms: Vec<&str> = file.entries.iter().map(|e| e.term.as_str()).collect();
    assert_eq!(terms, ["\u{201C}三保\u{201D}", "专项债"]);
    assert_eq!(file.title.as_deref(), Some("名词解释"));
    // Its Excel sibling is named.
    let sheet = b"<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n<Workbook/>";
    assert!(refused(sheet, "book.xls").contains("Excel 2003 XML"));
}

#[test]
fn an_html_fragment_without_html_tag_is_html() {
    let page = "<base href=\"http://example.org/\">\n<p>名词解释</p>\n<p>1.\u{201C}三保\u{201D}\u{FF1A}保基本民生\u{3002}</p>\n<p>2.专项债\u{FF1A}地方政府专项债券\u{3002}</p>\n";
    let file = read_as(page.as_bytes(), "notes.doc").unwrap();
    assert_eq!(file.format, "html");
    assert_eq!(file.entries.len(), 2);
    assert_eq!(file.entries[1].text, "地方政府专项债券\u{3002}");
}

#[test]
fn excel_2_to_4_worksheets_are_named() {
    // BIFF4: BOF record 0x0409, 6 bytes.
    let biff4 = [0x09, 0x04, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00];
    let e = refused(&biff4, "old.xls");
    assert!(
        e.contains("Excel 4.0 worksheet") && e.contains(".xlsx"),
        "{e}"
    );
    let biff2 = [0x09, 0x00, 0x04, 0x00, 0x02, 0x00, 0x10, 0x00];
    assert!(refused(&biff2, "old.xls").contains("Excel 2.x"));
}

/// An Excel 5.0/95 workbook (BIFF5, stream `Book`), bytes written here: code page 936, one
/// sheet of GBK labels. `lost` points the sheet's entry past the end of the stream.
fn biff5_book(cells: &[(u16, u16, &str)], lost: bool) -> Vec<u8> {
    fn record(out: &mut Vec<u8>, kind: u16, body: &[u8]) {
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&(body.len() as u16).to_le_bytes());
        out.extend_from_slice(body);
    }
    let gbk = |t: &str| encoding_rs::GBK.encode(t).0.into_owned();
    let mut book = Vec::new();
    record(&mut book, 0x0809, &[0x00, 0x05, 0x05, 0x00, 0, 0, 0, 0]);
    record(&mut book, 0x0042, &936u16.to_le_bytes());
    let name = gbk("名词");
    let mut sheet_entry = vec![0, 0, 0, 0, 0, 0, name.len() as u8];
    sheet_entry.extend_from_slice(&name);
    let at = book.len() + 4;
    record(&mut book, 0x0085, &sheet_entry);
    record(&mut book, 0x000A, &[]);
    let sheet_at = match lost {
        true => 0x00FF_0000u32,
        false => book.len() as u32,
    }
    .to_le_bytes();
    book[at..at + 4].copy_from_slice(&sheet_at);
    record(&mut book, 0x0809, &[0x00, 0x05, 0x10, 0x00, 0, 0, 0, 0]);
    for &(row, col, text) in cells {
        let bytes = gbk(text);
        let mut label = Vec::new();
        for v in [row, col, 0, bytes.len() as u16] {
            label.extend_from_slice(&v.to_le_bytes());
        }
        label.extend_from_slice(&bytes);
        record(&mut book, 0x0204, &label);
    }
    record(&mut book, 0x000A, &[]);
    book.resize(book.len().max(4096), 0);
    let n = book.len() as u64;
    files::compound("Book", &book, n)
}

#[test]
fn excel_5_workbooks_are_read_or_named() {
    let cells = [
        (0, 0, "1.三保"),
        (0, 1, "保基本民生\u{3002}"),
        (1, 0, "2.专项债"),
        (1, 1, "地方政府专项债券\u{3002}"),
    ];
    let file = read_as(&biff5_book(&cells, false), "old.xls").unwrap();
    let terms: Vec<&str> = file.entries.iter().map(|e| e.term.as_str()).collect();
    assert_eq!(terms, ["三保", "专项债"]);
    assert_eq!(file.entries[1].text, "地方政府专项债券\u{3002}");
    // One that calamine cannot read is named as what it is, with what to do.
    let e = refused(&biff5_book(&cells, true), "old.xls");
    assert!(
        e.contains("Excel 5.0/95 workbook") && e.contains(".xlsx"),
        "{e}"
    );
}

#[test]
fn a_sheet_wider_than_the_limit_gives_its_first_columns() {
    let cell = |t: &str| {
        format!("<table:table-cell office:value-type=\"string\"><text:p>{t}</text:p></table:table-cell>")
    };
    let row = |term: &str, note: &str| {
        format!(
            "<table:table-row>{}{}<table:table-cell table:number-columns-repeated=\"400\"/>{}</table:table-row>",
            cell(term),
            cell(note),
            cell("far")
        )
    };
    let wide = files::ods(&format!(
        "{}{}",
        row("1.三保", "保基本民生\u{3002}"),
        row("2.专项债", "地方政府专项债券\u{3002}")
    ));
    let file = read_as(&wide, "wide.ods").unwrap();
    let terms: Vec<&str> = file.entries.iter().map(|e| e.term.as_str()).collect();
    assert_eq!(terms, ["三保", "专项债"]);
}

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A minimal `.xlsx`: a workbook in namespace `ns` listing `sheets` (`<sheet>` elements) with
/// the relationships `rels` (`<Relationship>` elements), the `other` parts, and
/// `xl/worksheets/sheet1.xml`, a worksheet of two notes.
fn xlsx_book(ns: &str, sheets: &str, rels: &str, other: &[(&str, &str)]) -> Vec<u8> {
    let types = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
        <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
        <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
        <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
        <Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>";
    let package_rels = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"{REL}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
    );
    let workbook = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"{ns}\" xmlns:r=\"{REL}\"><sheets>{sheets}</sheets></workbook>"
    );
    let wb_rels = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{rels}</Relationships>"
    );
    let cell = |r: &str, t: &str| format!("<c r=\"{r}\" t=\"inlineStr\"><is><t>{t}</t></is></c>");
    let sheet = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"{ns}\"><sheetData>\
         <row r=\"1\">{}{}</row><row r=\"2\">{}{}</row></sheetData></worksheet>",
        cell("A1", "1.三保"),
        cell("B1", "保基本民生\u{3002}"),
        cell("A2", "2.专项债"),
        cell("B2", "地方政府专项债券\u{3002}")
    );
    let mut parts = vec![
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", package_rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", wb_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    parts.extend(other.iter().map(|(n, t)| (*n, t.as_bytes())));
    files::zip(&parts)
}

/// A minimal `.xlsx` whose first sheet is a chart sheet, then a worksheet of notes.
fn xlsx_with_chart_sheet() -> Vec<u8> {
    let chart = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><chartsheet xmlns=\"{MAIN}\"><sheetViews><sheetView workbookViewId=\"0\"/></sheetViews></chartsheet>"
    );
    xlsx_book(
        MAIN,
        "<sheet name=\"Chart1\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"Notes\" sheetId=\"2\" r:id=\"rId2\"/>",
        &format!(
            "<Relationship Id=\"rId1\" Type=\"{REL}/chartsheet\" Target=\"chartsheets/sheet1.xml\"/>\
             <Relationship Id=\"rId2\" Type=\"{REL}/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
        ),
        &[("xl/chartsheets/sheet1.xml", &chart)],
    )
}

#[test]
fn macro_sheets_and_sheets_without_a_part_are_passed_over() {
    // An Excel 4.0 macro sheet (.xlsm) and a module sheet listed with `r:id=""`.
    let macros = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><xm:macrosheet xmlns=\"{MAIN}\" xmlns:xm=\"http://schemas.microsoft.com/office/excel/2006/main\"><sheetData/></xm:macrosheet>"
    );
    let book = xlsx_book(
        MAIN,
        "<sheet name=\"Macro1\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"Module\" sheetId=\"2\" r:id=\"\"/><sheet name=\"Notes\" sheetId=\"3\" r:id=\"rId2\"/>",
        &format!(
            "<Relationship Id=\"rId1\" Type=\"http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet\" Target=\"macrosheets/sheet1.xml\"/>\
             <Relationship Id=\"rId2\" Type=\"{REL}/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
        ),
        &[("xl/macrosheets/sheet1.xml", &macros)],
    );
    let file = read_as(&book, "macros.xlsm").unwrap();
    let terms: Vec<&str> = file.entries.iter().map(|e| e.term.as_str()).collect();
    assert_eq!(terms, ["三保", "专项债"]);
}

#[test]
fn an_excel_2007_beta_workbook_is_named() {
    // A pre-release workbook whose sheet refers to shared strings the reader cannot find.
    let beta = "http://schemas.microsoft.com/office/excel/2006/2";
    let sheet = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"{beta}\"><sheetData>\
         <row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row></sheetData></worksheet>"
    );
    let book = |ns: &str| {
        xlsx_book(
            ns,
            "<sheet name=\"Notes\" sheetId=\"1\" r:id=\"rId1\"/>",
            &format!("<Relationship Id=\"rId1\" Type=\"{REL}/worksheet\" Target=\"worksheets/sheet2.xml\"/>"),
            &[("xl/worksheets/sheet2.xml", &sheet)],
        )
    };
    let e = refused(&book(beta), "beta.xlsx");
    assert!(e.contains("pre-release of Excel 2007"), "{e}");
    // The same in the standard's namespace is damaged.
    let e = refused(&book(MAIN), "broken.xlsx");
    assert!(e.contains("damaged"), "{e}");
}

/// The offset of the directory entry named `name` in a compound file.
fn dir_entry(file: &[u8], name: &str) -> usize {
    let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
    (0..file.len())
        .step_by(128)
        .find(|&at| file[at..].starts_with(&utf16) && file[at + 64] as usize == utf16.len() + 2)
        .expect("directory entry")
}

#[test]
fn a_compound_file_with_siblings_out_of_name_order_is_read() {
    // Some writers order a storage's children by their own case folding (non-ASCII names);
    // Excel, LibreOffice and POI read such files. Here the sibling pointers of an .xls's two
    // streams are moved to the wrong side.
    let wb = files::workbook(
        2,
        2,
        &[
            (0, 0, "1.三保"),
            (0, 1, "保基本民生、保工资、保运转\u{3002}"),
        ],
    );
    let mut xls = compound(&[("/Workbook", &wb[..]), ("/ZZ", &[1u8; 8][..])]);
    let mut moved = 0;
    for name in ["Workbook", "ZZ"] {
        let at = dir_entry(&xls, name);
        let (left, right) = (at + 68, at + 72);
        let l: [u8; 4] = xls[left..left + 4].try_into().unwrap();
        let r: [u8; 4] = xls[right..right + 4].try_into().unwrap();
        if l != [0xFF; 4] || r != [0xFF; 4] {
            xls[left..left + 4].copy_from_slice(&r);
            xls[right..right + 4].copy_from_slice(&l);
            moved += 1;
        }
    }
    assert_eq!(moved, 1, "one of the two streams points at the other");
    let file = read_as(&xls, "ordered.xls").unwrap();
    assert_eq!(file.entries.len(), 1);
    assert_eq!(file.entries[0].term, "三保");
}

#[test]
fn an_indented_ods_is_read_and_an_encrypted_one_named() {
    // KOffice and Calligra write content.xml indented: white space between a row's cells.
    let cell = |t: &str| {
        format!("\n    <table:table-cell office:value-type=\"string\"><text:p>{t}</text:p></table:table-cell>")
    };
    let row = |a: &str, b: &str| {
        format!(
            "\n  <table:table-row>{}{}\n  </table:table-row>",
            cell(a),
            cell(b)
        )
    };
    let indented = files::ods(&format!(
        "{}{}",
        row("1.三保", "保基本民生、保工资、保运转\u{3002}"),
        row("2.专项债", "地方政府专项债券的简称\u{3002}")
    ));
    let file = read_as(&indented, "indented.ods").unwrap();
    let terms: Vec<&str> = file.entries.iter().map(|e| e.term.as_str()).collect();
    assert_eq!(terms, ["三保", "专项债"]);
    // An .ods saved with a password: its manifest lists the encryption of content.xml.
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">\
        <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
        <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\" manifest:size=\"900\">\
        <manifest:encryption-data manifest:checksum-type=\"SHA1/1K\" manifest:checksum=\"AAAA\"><manifest:algorithm manifest:algorithm-name=\"Blowfish CFB\" manifest:initialisation-vector=\"AAAA\"/></manifest:encryption-data>\
        </manifest:file-entry></manifest:manifest>";
    let locked = files::zip(&[
        (
            "mimetype",
            &b"application/vnd.oasis.opendocument.spreadsheet"[..],
        ),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", &[0x5Au8; 64][..]),
    ]);
    let e = refused(&locked, "locked.ods");
    assert!(e.contains("encrypted") && !e.contains("damaged"), "{e}");
}

#[test]
fn xml_entities_declared_in_the_file_are_named_not_damaged() {
    let bomb = "<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>\
        <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>1.三保\u{FF1A}&b;</w:t></w:r></w:p></w:body></w:document>";
    let docx = files::zip(&[("word/document.xml", bomb.as_bytes())]);
    let e = refused(&docx, "bomb.docx");
    assert!(e.contains("XML entities") && !e.contains("damaged"), "{e}");
}

#[test]
fn a_password_protected_package_in_a_damaged_compound_file_says_encrypted() {
    let mut docx = compound(&[
        ("/EncryptionInfo", &[4, 0, 4, 0, 0x40, 0, 0, 0][..]),
        ("/EncryptedPackage", &[0u8; 5000][..]),
    ]);
    // The package's directory entry claims more than its chain holds.
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let at = docx
        .windows(name.len())
        .position(|w| w == name.as_slice())
        .expect("directory entry");
    docx[at + 120..at + 124].copy_from_slice(&9000u32.to_le_bytes());
    let e = refused(&docx, "locked.docx");
    assert!(e.contains("encrypted") && !e.contains("damaged"), "{e}");
}

#[test]
fn chart_sheets_are_passed_over() {
    let file = read_as(&xlsx_with_chart_sheet(), "charts.xlsx").unwrap();
    let terms: Vec<&str> = file.entries.iter().map(|e| e.term.as_str()).collect();
    assert_eq!(terms, ["三保", "专项债"]);
}

#[test]
fn a_document_without_a_glossary_is_no_notes() {
    let bytes = std::fs::read(fixture("english.docx")).unwrap();
    let e = refused(&bytes, "english.docx");
    assert!(e.contains("no numbered notes found"), "{e}");
}

/// A sheet of the given rows (cells as strings).
fn sheet(rows: &[&[&str]]) -> Vec<u8> {
    let cell = |t: &str| {
        format!("<table:table-cell office:value-type=\"string\"><text:p>{t}</text:p></table:table-cell>")
    };
    let rows: String = rows
        .iter()
        .map(|r| {
            let cells: String = r.iter().map(|c| cell(c)).collect();
            format!("<table:table-row>{cells}</table:table-row>")
        })
        .collect();
    files::ods(&rows)
}

/// Tables of other shapes that the table reader would take for terms and explanations (the
/// shapes found in Apache POI's test spreadsheets: a balance sheet, an item-code list, a roster,
/// a Japanese specification), and a report read as notes, are no notes.
#[test]
fn tables_and_texts_of_other_shapes_are_no_notes() {
    let balance = sheet(&[
        &["资产负债表"],
        &["资产", "行次", "期末余额"],
        &["货币资金", "1", "1200"],
        &["应收票据", "2", "35"],
        &["应收账款", "3", "410"],
        &["预付账款", "4", "18"],
    ]);
    let e = refused(&balance, "balance.ods");
    assert!(
        e.contains("no numbered notes found") && e.contains("5 of its 5"),
        "{e}"
    );
    let codes = sheet(&[
        &["代码", "项目名称"],
        &["01", "一、贷款利息收入类"],
        &["101", "短期贷款利息收入"],
        &["102", "中期贷款利息收入"],
    ]);
    assert!(refused(&codes, "codes.ods").contains("number or code"));
    let roster = sheet(&[
        &["支行", "姓名"],
        &["城东支行", "王小明"],
        &["城东支行", "李华"],
        &["城西支行", "赵一凡"],
    ]);
    assert!(refused(&roster, "roster.ods").contains("longer than the term"));
    let spec = sheet(&[
        &["機能", "ログイン画面を表示する"],
        &["終了", "画面を閉じて戻る"],
        &["設定", "言語を選ぶ画面を開く"],
    ]);
    assert!(refused(&spec, "spec.ods").contains("Japanese"));
    // A report: no numbered line, two `term：text` lines among its paragraphs.
    let report = "2024年某县政府工作报告\n\n各位代表\u{FF1A}\n\n现在，我代表县人民政府向大会报告工作。\n\n一、过去一年的工作\n\n主要预期目标是\u{FF1A}地区生产总值增长百分之六左右。\n\n我们推进项目建设，办好民生实事。\n\n附件\u{FF1A}有关注释\n";
    let e = refused(report.as_bytes(), "report.txt");
    assert!(e.contains("no line is numbered"), "{e}");
    // A glossary sheet of the same size is read.
    let glossary = sheet(&[
        &["名词", "解释"],
        &["三保", "保基本民生、保工资、保运转\u{3002}"],
        &["专项债", "地方政府专项债券的简称\u{3002}"],
        &["河长制", "由各级负责人分段管理河湖的制度\u{3002}"],
    ]);
    assert_eq!(read_as(&glossary, "glossary.ods").unwrap().entries.len(), 3);
}

/// A file most of whose entries are notes is read whole; the few that are not are named for a
/// warning (`odd-note` in `check --json`), never dropped silently.
#[test]
fn an_odd_entry_among_notes_is_found_for_a_warning() {
    let text = "1.三保\u{FF1A}保基本民生、保工资、保运转\u{3002}\n2.专项债\u{FF1A}地方政府专项债券的简称\u{3002}\n3.河长制\u{FF1A}由各级负责人分段管理河湖的制度\u{3002}\n4.工业增加值\u{FF1A}%\n";
    let file = read_as(text.as_bytes(), "notes.txt").unwrap();
    assert_eq!(file.entries.len(), 4);
    let odd = notes::findings::odd_entries(&file);
    assert_eq!(odd.len(), 1, "{odd:?}");
    assert_eq!((odd[0].0, odd[0].1), (4, "工业增加值"));
}
