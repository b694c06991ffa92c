//! What a file is, by its content: a ZIP container (by its parts), a compound file (by its
//! streams), or text. Anything else is refused naming what it looks like.
use super::{MAX_PART, MAX_UNZIPPED};
use std::io::{Cursor, Read};

pub(crate) enum Kind {
    Doc,
    Docx,
    /// HTML or MHTML (a web page, whatever its name).
    Html,
    /// Word 2003 XML (WordML: `<?mso-application progid="Word.Document"?>`), often named `.doc`.
    WordXml,
    /// `xlsx`, `xls` or `ods`.
    Sheet(&'static str),
    Text,
}

const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

pub(crate) fn kind(bytes: &[u8]) -> Result<Kind, String> {
    let start = bytes.trim_ascii_start();
    if start.is_empty() || start == b"\xEF\xBB\xBF" || start.iter().all(|&b| b == 0) {
        return Err("the notes file is empty".into());
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return zip_kind(bytes);
    }
    if bytes.starts_with(CFB_MAGIC) {
        super::compound::check(bytes)?;
        return cfb_kind(bytes);
    }
    let looks = [
        (&b"%PDF"[..], "a PDF file"),
        (b"{\\rtf", "an RTF document (save it as .doc or .docx)"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"7z\xBC\xAF", "a 7-Zip archive"),
        (b"Rar!", "a RAR archive"),
        (b"\x1F\x8B", "a gzip archive"),
        (
            b"\xDB\xA5",
            "a Word 2.0 document (save it as .doc or .docx)",
        ),
        (b"\x00\x01\x00\x00", "a TrueType font"),
        (b"OTTO", "an OpenType font"),
        (b"wOF", "a web font"),
    ];
    for (magic, what) in looks {
        if bytes.starts_with(magic) {
            return Err(format!("not an annotations file: this is {what}"));
        }
    }
    if let Some(version) = old_excel(bytes) {
        return Err(format!(
            "an {version} worksheet, which is not read: open it in Excel or LibreOffice and save it as .xlsx"
        ));
    }
    let head = &bytes[..bytes.len().min(8192)];
    let utf16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    if !utf16 && head.contains(&0) {
        return Err("not an annotations file: this is binary data".into());
    }
    match office_xml(head) {
        Some("Word.Document") => return Ok(Kind::WordXml),
        Some("Excel.Sheet") => return Err("not a supported annotations file: this is an Excel 2003 XML spreadsheet; save it as .xlsx".into()),
        Some(_) => return Err("not a supported annotations file: this is an Office 2003 XML document; save it as .docx or .xlsx".into()),
        None => {}
    }
    if super::html::is_markup(bytes) {
        return Ok(Kind::Html);
    }
    Ok(Kind::Text)
}

/// The `progid` of an Office 2003 XML file (`<?mso-application progid="Word.Document"?>`), or
/// `Word.Document` for a `<w:wordDocument>` without it.
fn office_xml(head: &[u8]) -> Option<&'static str> {
    let text = String::from_utf8_lossy(head);
    let start = text.trim_start_matches(['\u{FEFF}', ' ', '\t', '\r', '\n']);
    if !start.starts_with("<?xml") {
        return None;
    }
    if let Some(at) = start.find("<?mso-application") {
        let pi = &start[at..start[at..].find("?>").map_or(start.len(), |e| at + e)];
        for progid in ["Word.Document", "Excel.Sheet", "PowerPoint.Show"] {
            if pi.contains(progid) {
                return Some(progid);
            }
        }
        return Some("other");
    }
    start.contains("<w:wordDocument").then_some("Word.Document")
}

/// Excel 2.x, 3.0 and 4.0 worksheets are not compound files: the file is the BIFF stream,
/// opening with its BOF record (type 0x0009, 0x0209 or 0x0409, 4 to 16 bytes long).
fn old_excel(bytes: &[u8]) -> Option<&'static str> {
    let [lo, hi, len, 0, ..] = *bytes else {
        return None;
    };
    if lo != 0x09 || !(4..=16).contains(&len) {
        return None;
    }
    match hi {
        0x00 => Some("Excel 2.x"),
        0x02 => Some("Excel 3.0"),
        0x04 => Some("Excel 4.0"),
        _ => None,
    }
}

/// Names of a ZIP's parts, after checking that no part inflates beyond the limits (the sizes
/// the archive claims are checked against what actually comes out).
pub(crate) fn zip_names(bytes: &[u8]) -> Result<Vec<String>, String> {
    let damaged = |e: zip::result::ZipError| format!("a damaged ZIP archive ({e})");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    let mut names = Vec::new();
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(damaged)?;
        let name = part.name().to_string();
        let inflated = std::io::copy(&mut (&mut part).take(MAX_PART + 1), &mut std::io::sink())
            .map_err(|e| format!("a damaged ZIP archive (part {name}: {e})"))?;
        total += inflated;
        if inflated > MAX_PART || total > MAX_UNZIPPED {
            return Err(format!(
                "a ZIP archive that inflates beyond {} MB (part {name}): refused",
                MAX_PART >> 20
            ));
        }
        names.push(name);
    }
    Ok(names)
}

fn zip_kind(bytes: &[u8]) -> Result<Kind, String> {
    let names = zip_names(bytes).map_err(|e| format!("not a readable annotations file: {e}"))?;
    let has = |n: &str| names.iter().any(|x| x == n);
    if has("word/document.xml") {
        return Ok(Kind::Docx);
    }
    if has("xl/workbook.xml") {
        return Ok(Kind::Sheet("xlsx"));
    }
    if has("content.xml") && has("mimetype") {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
        let mut mime = String::new();
        if let Ok(part) = archive.by_name("mimetype") {
            let _ = part.take(200).read_to_string(&mut mime);
        }
        if mime.trim() == "application/vnd.oasis.opendocument.spreadsheet" {
            return Ok(Kind::Sheet("ods"));
        }
        if mime.contains("opendocument.text") {
            return Err("not a supported annotations file: this is an OpenDocument text (.odt); save it as .docx".into());
        }
    }
    if has("xl/workbook.bin") {
        return Err("not a supported annotations file: this is an Excel binary workbook (.xlsb); save it as .xlsx".into());
    }
    Err("not an annotations file: this is a ZIP archive without Word or spreadsheet parts".into())
}

fn cfb_kind(bytes: &[u8]) -> Result<Kind, String> {
    let file = crate::read::guard::guarded(|| cfb::CompoundFile::open(Cursor::new(bytes)))
        .ok_or("a truncated or damaged Office 97\u{2013}2003 compound file")?
        .map_err(|e| format!("a truncated or damaged Office 97\u{2013}2003 compound file ({e})"))?;
    // A .docx/.xlsx saved with a password is a compound file holding the encrypted package;
    // looked at first, whatever other streams it has.
    if file.is_stream("/EncryptedPackage") || file.is_stream("/EncryptionInfo") {
        return Err(
            "an encrypted (password-protected) Office document (a .docx or .xlsx saved with a password): open it in Word or Excel and save it without a password".into(),
        );
    }
    if file.is_stream("/WordDocument") {
        return Ok(Kind::Doc);
    }
    if file.is_stream("/Workbook") || file.is_stream("/Book") {
        return Ok(Kind::Sheet("xls"));
    }
    if file.is_stream("/PowerPoint Document") {
        return Err("not an annotations file: this is a PowerPoint presentation".into());
    }
    Err("not an annotations file: this is a compound file without Word or Excel streams".into())
}
