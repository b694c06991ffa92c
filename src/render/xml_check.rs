//! The last check of an EPUB or DOCX before it is written: every XML part of the package holds
//! only characters XML 1.0 allows (`Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
//! [#x10000-#x10FFFF]`, with no character reference to anything else) and is UTF-8. XML has no
//! escape for a forbidden character, so a part holding one is refused (exit 3 for that edition)
//! rather than written ill-formed. The clean pass removes control characters from the report and
//! the notes, so this fires only if a writer or a library brings one in.
use crate::error::{Error, Result};
use std::io::{Cursor, Read};

/// Largest XML part inspected (the parts of real editions are well under 10 MB).
const MAX_XML_PART: u64 = 256 << 20;

fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn is_xml(name: &str) -> bool {
    [".xml", ".xhtml", ".opf", ".ncx", ".rels", ".html"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// Check every XML part of the ZIP package `bytes` (edition `edition`).
pub fn zip_parts(edition: &'static str, bytes: &[u8]) -> Result<()> {
    let fail = |m: String| Error::render(edition, m);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| fail(e.to_string()))?;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|e| fail(e.to_string()))?;
        let name = part.name().to_string();
        if !is_xml(&name) {
            continue;
        }
        let mut raw = Vec::new();
        part.take(MAX_XML_PART)
            .read_to_end(&mut raw)
            .map_err(|e| fail(format!("{name}: {e}")))?;
        let text = std::str::from_utf8(&raw).map_err(|_| fail(format!("{name} is not UTF-8")))?;
        check(text)
            .map_err(|m| fail(format!("{name}: {m}, which XML 1.0 forbids; not written")))?;
    }
    Ok(())
}

/// `Err` naming the first forbidden character (literal or as a character reference).
pub fn check(text: &str) -> Result<(), String> {
    if let Some(c) = text.chars().find(|&c| !allowed(c)) {
        return Err(format!("holds the character U+{:04X}", c as u32));
    }
    let mut rest = text;
    while let Some(at) = rest.find("&#") {
        rest = &rest[at + 2..];
        let (digits, radix) = match rest.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16),
            None => (rest, 10),
        };
        let end = digits.find(';').unwrap_or(digits.len());
        let value = u32::from_str_radix(&digits[..end], radix).ok();
        if !value.and_then(char::from_u32).is_some_and(allowed) {
            return Err(format!(
                "holds the character reference &#{};",
                &rest[..end.min(rest.len())]
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_and_references_are_found() {
        assert_eq!(check("<p>報告\t正文</p>"), Ok(()));
        assert_eq!(check("<p>a&#x4E00;b&#32;&amp;</p>"), Ok(()));
        assert!(check("<p>a\u{C}b</p>").unwrap_err().contains("U+000C"));
        assert!(check("<p>a\u{FFFF}</p>").unwrap_err().contains("U+FFFF"));
        assert!(check("<p>&#x1B;</p>").is_err());
        assert!(check("<p>&#7;</p>").is_err());
    }
}
