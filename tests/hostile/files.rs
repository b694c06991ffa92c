//! Hostile inputs written by code: compound files with looping chains and huge claims, BIFF8
//! workbooks claiming huge grids, ODS and DOCX packages that expand enormously. Small on disk.
use std::io::Write;

pub const MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
pub const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
pub const FREE: u32 = 0xFFFF_FFFF;
const NO_STREAM: u32 = 0xFFFF_FFFF;

/// A compound file with 512-byte sectors: header, one FAT sector (sector 0), one directory
/// sector (1) holding the root and one stream `name`, then the stream's data (sectors 2…)
/// chained in order. The stream claims `claim` bytes. Data of 4096 bytes or more lives in the
/// FAT (smaller streams would belong in the mini stream, which this file does not have).
pub fn compound(name: &str, data: &[u8], claim: u64) -> Vec<u8> {
    let data_sectors = data.len().div_ceil(512).max(1) as u32;
    assert!(data_sectors + 2 <= 128, "one FAT sector maps 128 sectors");
    let mut f = vec![0u8; 512];
    f[..8].copy_from_slice(MAGIC);
    put16(&mut f, 0x18, 0x3E);
    put16(&mut f, 0x1A, 3);
    put16(&mut f, 0x1C, 0xFFFE);
    put16(&mut f, 0x1E, 9);
    put16(&mut f, 0x20, 6);
    put32(&mut f, 0x2C, 1); // FAT sectors
    put32(&mut f, 0x30, 1); // directory start
    put32(&mut f, 0x38, 4096); // mini stream cutoff
    put32(&mut f, 0x3C, END_OF_CHAIN); // no mini FAT
    put32(&mut f, 0x44, END_OF_CHAIN); // no DIFAT sectors
    for i in 0..109 {
        put32(&mut f, 0x4C + 4 * i, FREE);
    }
    put32(&mut f, 0x4C, 0); // the FAT is sector 0
    let mut fat = vec![FREE; 128];
    fat[0] = 0xFFFF_FFFD;
    fat[1] = END_OF_CHAIN;
    for s in 0..data_sectors {
        fat[(2 + s) as usize] = if s + 1 == data_sectors {
            END_OF_CHAIN
        } else {
            3 + s
        };
    }
    for w in fat {
        f.extend_from_slice(&w.to_le_bytes());
    }
    let mut dir = vec![0u8; 512];
    entry(&mut dir[..128], "Root Entry", 5, END_OF_CHAIN, 0, 1);
    entry(&mut dir[128..256], name, 2, 2, claim, NO_STREAM);
    for d in dir[256..].chunks_mut(128) {
        d[68..80].copy_from_slice(&[0xFF; 12]);
    }
    f.extend_from_slice(&dir);
    let mut body = data.to_vec();
    body.resize(data_sectors as usize * 512, 0);
    f.extend_from_slice(&body);
    f
}

fn entry(d: &mut [u8], name: &str, kind: u8, start: u32, size: u64, child: u32) {
    let units: Vec<u16> = name.encode_utf16().collect();
    for (i, u) in units.iter().enumerate() {
        put16(d, 2 * i, *u);
    }
    put16(d, 64, ((units.len() + 1) * 2) as u16);
    d[66] = kind;
    d[67] = 1;
    put32(d, 68, NO_STREAM);
    put32(d, 72, NO_STREAM);
    put32(d, 76, child);
    put32(d, 116, start);
    d[120..128].copy_from_slice(&size.to_le_bytes());
}

/// Set FAT entry `sector` of a file from [`compound`].
pub fn set_fat(mut f: Vec<u8>, sector: u32, next: u32) -> Vec<u8> {
    put32(&mut f, 512 + 4 * sector as usize, next);
    f
}

fn put16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}
fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
}

fn bof(out: &mut Vec<u8>, kind: u16) {
    let mut d = vec![0u8; 16];
    d[..2].copy_from_slice(&0x0600u16.to_le_bytes());
    d[2..4].copy_from_slice(&kind.to_le_bytes());
    record(out, 0x0809, &d);
}

/// Ends a workbook's globals with the BoundSheet8 of one sheet, `notes`, and EOF; the sheet's
/// substream is to follow right after.
fn end_globals(globals: &mut Vec<u8>) {
    let sheet_name = b"notes";
    let mut bs = vec![0u8; 6];
    bs.push(sheet_name.len() as u8);
    bs.push(0);
    bs.extend_from_slice(sheet_name);
    let bs_at = globals.len() + 4;
    record(globals, 0x0085, &bs);
    record(globals, 0x000A, &[]);
    let sheet_at = globals.len() as u32;
    globals[bs_at..bs_at + 4].copy_from_slice(&sheet_at.to_le_bytes());
}

/// A BIFF8 `Workbook` stream of one sheet: a Dimensions record claiming `rows` × `cols`, then
/// the text cells given (row, column, text), padded to 4096 bytes so it lives in the FAT.
pub fn workbook(rows: u32, cols: u16, cells: &[(u16, u16, &str)]) -> Vec<u8> {
    let mut globals = Vec::new();
    bof(&mut globals, 0x0005);
    end_globals(&mut globals);
    let mut sheet = Vec::new();
    bof(&mut sheet, 0x0010);
    let mut dim = Vec::new();
    dim.extend_from_slice(&0u32.to_le_bytes());
    dim.extend_from_slice(&rows.to_le_bytes());
    dim.extend_from_slice(&0u16.to_le_bytes());
    dim.extend_from_slice(&cols.to_le_bytes());
    dim.extend_from_slice(&0u16.to_le_bytes());
    record(&mut sheet, 0x0200, &dim);
    for &(r, c, text) in cells {
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut d = Vec::new();
        d.extend_from_slice(&r.to_le_bytes());
        d.extend_from_slice(&c.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&(units.len() as u16).to_le_bytes());
        d.push(1); // UTF-16LE characters
        for u in units {
            d.extend_from_slice(&u.to_le_bytes());
        }
        record(&mut sheet, 0x0204, &d);
    }
    record(&mut sheet, 0x000A, &[]);
    globals.extend_from_slice(&sheet);
    if globals.len() < 4096 {
        globals.resize(4096, 0);
    }
    globals
}

/// An `.xls`: [`workbook`] in a [`compound`] file.
pub fn xls(rows: u32, cols: u16, cells: &[(u16, u16, &str)]) -> Vec<u8> {
    let wb = workbook(rows, cols, cells);
    let n = wb.len() as u64;
    compound("Workbook", &wb, n)
}

/// A ZIP of the given parts, deflated.
pub fn zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// An `.ods` whose single sheet is `table` (the inside of `<table:table>`).
pub fn ods(table: &str) -> Vec<u8> {
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body>\
         <office:spreadsheet><table:table table:name=\"notes\">{table}</table:table>\
         </office:spreadsheet></office:body></office:document-content>"
    );
    zip(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        (
            "META-INF/manifest.xml",
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest \
              xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">\
              <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\
              \"application/vnd.oasis.opendocument.spreadsheet\"/><manifest:file-entry \
              manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
              </manifest:manifest>",
        ),
        ("content.xml", content.as_bytes()),
    ])
}

/// A `.docx` whose body is `body` (the inside of `<w:body>`).
pub fn docx(body: &str) -> Vec<u8> {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document \
         xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}\
         </w:body></w:document>"
    );
    zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", xml.as_bytes()),
    ])
}

/// An `.xls` whose shared-string table holds one string of `len` ASCII bytes, referred to by
/// `refs` cells (`LabelSst` records down column A): each cell is a copy of the string.
pub fn shared_string_xls(len: usize, refs: u16) -> Vec<u8> {
    let mut globals = Vec::new();
    bof(&mut globals, 0x0005);
    let mut sst = Vec::new();
    sst.extend_from_slice(&u32::from(refs).to_le_bytes());
    sst.extend_from_slice(&1u32.to_le_bytes());
    sst.extend_from_slice(&(len as u16).to_le_bytes());
    sst.push(0); // 8-bit characters
    sst.extend(std::iter::repeat_n(b'x', len));
    record(&mut globals, 0x00FC, &sst);
    end_globals(&mut globals);
    bof(&mut globals, 0x0010);
    for row in 0..refs {
        let mut d = Vec::new();
        d.extend_from_slice(&row.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&0u32.to_le_bytes());
        record(&mut globals, 0x00FD, &d);
    }
    record(&mut globals, 0x000A, &[]);
    if globals.len() < 4096 {
        globals.resize(4096, 0);
    }
    let n = globals.len() as u64;
    compound("Workbook", &globals, n)
}

/// An `.xlsx` whose shared-string table holds one string of `len` bytes, referred to by `refs`
/// cells down column A.
pub fn shared_string_xlsx(len: usize, refs: u32) -> Vec<u8> {
    let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let types = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
        <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
        <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
        <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/></Types>";
    let package_rels = format!(
        "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"{rel}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
    );
    let workbook = format!(
        "<?xml version=\"1.0\"?><workbook xmlns=\"{main}\" xmlns:r=\"{rel}\"><sheets><sheet name=\"notes\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
    );
    let wb_rels = format!(
        "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"{rel}/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
         <Relationship Id=\"rId2\" Type=\"{rel}/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>"
    );
    let strings = format!(
        "<?xml version=\"1.0\"?><sst xmlns=\"{main}\" count=\"{refs}\" uniqueCount=\"1\"><si><t>{}</t></si></sst>",
        "x".repeat(len)
    );
    let mut rows = String::new();
    for r in 1..=refs {
        rows.push_str(&format!(
            "<row r=\"{r}\"><c r=\"A{r}\" t=\"s\"><v>0</v></c></row>"
        ));
    }
    let sheet = format!(
        "<?xml version=\"1.0\"?><worksheet xmlns=\"{main}\"><sheetData>{rows}</sheetData></worksheet>"
    );
    zip(&[
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", package_rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", wb_rels.as_bytes()),
        ("xl/sharedStrings.xml", strings.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ])
}
