//! Bytes → text: BOMs, UTF-8, UTF-16, GB18030 and Big5 detected; newlines normalised to `\n`.
//!
//! Order of decisions:
//! 1. an empty file, or one holding only a byte-order mark, is refused;
//! 2. a BOM decides (UTF-8, UTF-16LE, UTF-16BE);
//! 3. without a BOM, NUL bytes mean a binary file (or UTF-16 without a BOM) and are refused;
//! 4. valid UTF-8 is UTF-8;
//! 5. otherwise chardetng guesses between the Chinese legacy encodings: GBK is decoded as its
//!    superset GB18030, Big5 as encoding_rs's Big5 (Big5-HKSCS). Any other guess falls back to
//!    whichever of GB18030 and Big5 decodes with fewer errors.
//!
//! Text that is mostly undecodable (many replacement or control characters) is refused as binary;
//! a few undecodable bytes become U+FFFD, which the clean pass flags as suspicious, and `build`
//! warns with their count (`suspicious-text`).
//!
//! Mixed files (see docs/encodings.md): a BOM-less file that is not wholly UTF-8 is decoded line
//! by line. In a file read as GB18030 or Big5, a line that is valid UTF-8 and reads as Chinese in
//! UTF-8 is taken as UTF-8; in a file that is mostly UTF-8, a line that is not valid UTF-8 but
//! decodes as GB18030 without error into Chinese is taken as GB18030. Such lines are counted and
//! `build` warns (`mixed-encoding`), since the file was pasted together from two sources.
use crate::error::{Error, Result};
use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, BIG5, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// Encoding name as reported (`UTF-8`, `UTF-16LE`, `UTF-16BE`, `GB18030`, `Big5`).
    pub encoding: String,
    /// Lines decoded in another encoding than `encoding` (a mixed file), and that encoding.
    pub other_lines: usize,
    pub other_encoding: Option<String>,
    /// U+FFFD characters the decoding left (undecodable bytes).
    pub replacements: usize,
}

/// Share of undecodable characters (U+FFFD, C0 controls other than tab/newline/form feed) above
/// which a file is called binary rather than text with a few bad bytes.
const MAX_UNDECODABLE: f64 = 0.05;

pub fn decode(bytes: &[u8], path: &Path) -> Result<Decoded> {
    if bytes.is_empty() {
        return Err(Error::input(path, "the file is empty"));
    }
    let (encoding, body) = match Encoding::for_bom(bytes) {
        Some((enc, bom_len)) => {
            let body = &bytes[bom_len..];
            if body.is_empty() {
                return Err(Error::input(
                    path,
                    format!("holds only a {} byte-order mark, no text", name(enc)),
                ));
            }
            (enc, body)
        }
        None => (detect(bytes, path)?, bytes),
    };
    let bom = body.len() != bytes.len();
    let (text, encoding, other) = if bom || std::str::from_utf8(body).is_ok() {
        let text = encoding.decode_without_bom_handling(body).0.into_owned();
        (text, encoding, None)
    } else {
        by_line(body, encoding)
    };
    check_text(&text, path)?;
    if text.trim().is_empty() {
        return Err(Error::input(path, "holds no text, only blank lines"));
    }
    Ok(Decoded {
        replacements: text.matches('\u{FFFD}').count(),
        text: normalise_newlines(&text),
        encoding: name(encoding).to_string(),
        other_lines: other.map_or(0, |o: (&Encoding, usize)| o.1),
        other_encoding: other.map(|o| name(o.0).to_string()),
    })
}

/// Decode `bytes` (not wholly UTF-8) line by line in `base`, except lines that clearly belong to
/// the other family (see the module's note). Returns the text, the encoding of most of its
/// non-ASCII lines, and, when some lines are in the other one, that encoding and their number.
type ByLine = (
    String,
    &'static Encoding,
    Option<(&'static Encoding, usize)>,
);
fn by_line(bytes: &[u8], base: &'static Encoding) -> ByLine {
    let mut text = String::with_capacity(bytes.len() * 3 / 2);
    let (mut in_base, mut other) = (0usize, 0usize);
    let other_encoding = if base == UTF_8 { GB18030 } else { UTF_8 };
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            text.push('\n');
        }
        if line.is_ascii() {
            text.push_str(std::str::from_utf8(line).unwrap_or_default());
            continue;
        }
        let as_utf8 = std::str::from_utf8(line).ok();
        let decoded = if base == UTF_8 {
            match as_utf8 {
                Some(s) => Some(s.to_string()),
                None => {
                    let (gb, _, errors) = GB18030.decode(line);
                    (!errors && reads_as_chinese(&gb)).then(|| gb.into_owned())
                }
            }
            .map(|s| (s, as_utf8.is_none()))
        } else {
            as_utf8
                .filter(|s| reads_as_chinese(s))
                .map(|s| (s.to_string(), true))
        };
        match decoded {
            Some((s, is_other)) => {
                text.push_str(&s);
                if is_other {
                    other += 1;
                } else {
                    in_base += 1;
                }
            }
            None => {
                text.push_str(&base.decode_without_bom_handling(line).0);
                in_base += 1;
            }
        }
    }
    match (in_base, other) {
        (_, 0) => (text, base, None),
        (b, o) if o > b => (text, other_encoding, Some((base, b))),
        (_, o) => (text, base, Some((other_encoding, o))),
    }
}

/// Most non-ASCII characters of `s` are Han characters or CJK punctuation (a line in one
/// encoding that happens to be valid in another reads as Cyrillic, Greek or Latin letters).
fn reads_as_chinese(s: &str) -> bool {
    let (mut cjk, mut other) = (0usize, 0usize);
    for c in s.chars().filter(|c| !c.is_ascii()) {
        if crate::cjk::is_han(c)
            || matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}' | '\u{2010}'..='\u{2027}')
        {
            cjk += 1;
        } else {
            other += 1;
        }
    }
    cjk > 0 && cjk >= 4 * other
}

/// The encoding of BOM-less bytes.
fn detect(bytes: &[u8], path: &Path) -> Result<&'static Encoding> {
    if bytes.contains(&0) {
        return Err(Error::input(
            path,
            "contains NUL bytes: not a text file (or UTF-16 without a byte-order mark)",
        ));
    }
    if std::str::from_utf8(bytes).is_ok() || mostly_utf8(bytes) {
        return Ok(UTF_8);
    }
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, Utf8Detection::Deny);
    if guess == GBK || guess == GB18030 {
        return Ok(GB18030);
    }
    if guess == BIG5 {
        return Ok(BIG5);
    }
    let errors = |enc: &'static Encoding| {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        text.chars().filter(|&c| c == '\u{FFFD}').count()
    };
    Ok(if errors(BIG5) < errors(GB18030) {
        BIG5
    } else {
        GB18030
    })
}

/// UTF-8 with a few damaged bytes (a cut-off character, a stray byte): at least 20 well-formed
/// multi-byte characters for every malformed sequence. Text in GB18030 or Big5 read as UTF-8 is
/// almost all malformed, so it never passes. The damage becomes U+FFFD, flagged by the clean pass.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            bad += 1;
        }
    }
    good >= 20 * bad
}

/// Refuse text that is mostly undecodable or full of control characters.
fn check_text(text: &str, path: &Path) -> Result<()> {
    let mut total = 0usize;
    let mut bad = 0usize;
    for c in text.chars() {
        total += 1;
        if c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0C}')) {
            bad += 1;
        }
    }
    if text.contains('\0') {
        return Err(Error::input(
            path,
            "contains NUL characters: not a text file",
        ));
    }
    if total > 0 && bad as f64 / total as f64 > MAX_UNDECODABLE {
        return Err(Error::input(
            path,
            format!(
                "{bad} of {total} characters cannot be decoded: not a text file in UTF-8, UTF-16, GB18030 or Big5"
            ),
        ));
    }
    Ok(())
}

fn name(enc: &'static Encoding) -> &'static str {
    if enc == UTF_8 {
        "UTF-8"
    } else if enc == UTF_16LE {
        "UTF-16LE"
    } else if enc == UTF_16BE {
        "UTF-16BE"
    } else if enc == GB18030 || enc == GBK {
        "GB18030"
    } else if enc == BIG5 {
        "Big5"
    } else {
        enc.name()
    }
}

/// CRLF and lone CR → LF.
fn normalise_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_string();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("r.txt")
    }

    fn ok(bytes: &[u8]) -> Decoded {
        decode(bytes, p()).unwrap()
    }

    fn refused(bytes: &[u8]) -> String {
        decode(bytes, p()).unwrap_err().to_string()
    }

    const SAMPLE: &str = "2024年舞陽縣政府工作報告\r\n各位代表\u{FF1A}\r\n  現在\u{FF0C}我代表縣人民政府\u{FF0C}向大會報告工作\u{3002}\r經濟運行穩中向好\u{3002}";

    #[test]
    fn utf8_with_and_without_bom() {
        let d = ok(SAMPLE.as_bytes());
        assert_eq!(d.encoding, "UTF-8");
        assert!(!d.text.contains('\r'));
        assert_eq!(d.text.lines().count(), 4);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(SAMPLE.as_bytes());
        let b = ok(&bom);
        assert_eq!(b, d);
        assert!(!b.text.starts_with('\u{FEFF}'));
    }

    #[test]
    fn utf16_both_orders() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in SAMPLE.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        let l = ok(&le);
        let b = ok(&be);
        assert_eq!(l.encoding, "UTF-16LE");
        assert_eq!(b.encoding, "UTF-16BE");
        assert_eq!(l.text, ok(SAMPLE.as_bytes()).text);
        assert_eq!(b.text, l.text);
    }

    #[test]
    fn gb18030_and_big5_without_bom() {
        let simplified = "2024年舞阳县政府工作报告\n各位代表\u{FF1A}\n  现在\u{FF0C}我代表县人民政府\u{FF0C}向大会报告工作\u{FF0C}请予审议\u{FF0C}并请各位政协委员和其他列席人员提出意见\u{3002}";
        let (gb, _, _) = GB18030.encode(simplified);
        let d = ok(&gb);
        assert_eq!(d.encoding, "GB18030");
        assert_eq!(d.text, simplified);
        let traditional = "2024年舞陽縣政府工作報告\n各位代表\u{FF1A}\n  現在\u{FF0C}我代表縣人民政府\u{FF0C}向大會報告工作\u{FF0C}請予審議\u{FF0C}並請各位政協委員和其他列席人員提出意見\u{3002}";
        let (b5, _, _) = BIG5.encode(traditional);
        let d = ok(&b5);
        assert_eq!(d.encoding, "Big5");
        assert_eq!(d.text, traditional);
    }

    #[test]
    fn utf8_with_a_stray_byte_stays_utf8() {
        let mut bytes = SAMPLE.as_bytes().to_vec();
        bytes.insert(4, 0xE5);
        let d = ok(&bytes);
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.text.matches('\u{FFFD}').count(), 1);
    }

    #[test]
    fn a_file_mixing_gb18030_and_utf8_is_read_line_by_line() {
        let lines = [
            "2024年舞阳县政府工作报告",
            "各位代表\u{FF1A}",
            "现在\u{FF0C}我代表县人民政府\u{FF0C}向大会报告工作\u{FF0C}请予审议\u{3002}",
            "一\u{3001}过去一年的工作回顾",
            "经济运行稳中向好\u{FF0C}发展质量稳步提升\u{3002}",
        ];
        let mut bytes = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            if i % 2 == 0 {
                bytes.extend_from_slice(&GB18030.encode(l).0);
            } else {
                bytes.extend_from_slice(l.as_bytes());
            }
            bytes.push(b'\n');
        }
        let d = ok(&bytes);
        assert_eq!(d.text, lines.join("\n") + "\n");
        assert_eq!(d.encoding, "GB18030");
        assert_eq!(
            (d.other_lines, d.other_encoding.as_deref()),
            (2, Some("UTF-8"))
        );
        assert_eq!(d.replacements, 0);
        // Mostly UTF-8 with one GB18030 line.
        let mut bytes = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            if i == 3 {
                bytes.extend_from_slice(&GB18030.encode(l).0);
            } else {
                bytes.extend_from_slice(l.as_bytes());
            }
            bytes.push(b'\n');
        }
        let d = ok(&bytes);
        assert_eq!(d.text, lines.join("\n") + "\n");
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(
            (d.other_lines, d.other_encoding.as_deref()),
            (1, Some("GB18030"))
        );
        // A one-character GB18030 line that is valid UTF-8 (一 = D2 BB = U+04BB) stays GB18030.
        let d = ok(&[&GB18030.encode(lines[2]).0[..], b"\n\xD2\xBB\n"].concat());
        assert_eq!(d.text, format!("{}\n\u{4E00}\n", lines[2]));
        assert_eq!(d.other_lines, 0);
    }

    #[test]
    fn refuses_empty_lone_bom_and_binary() {
        assert!(refused(b"").contains("empty"));
        assert!(refused(&[0xEF, 0xBB, 0xBF]).contains("byte-order mark"));
        assert!(refused(&[0xFF, 0xFE]).contains("byte-order mark"));
        assert!(refused(&[0xFF, 0xFE, b'\n', 0, b' ', 0]).contains("no text"));
        assert!(refused(b" \r\n\n").contains("no text"));
        assert!(refused(b"PK\x03\x04\x14\x00\x06\x00").contains("NUL"));
        let noise: Vec<u8> = (0..4000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 1)
            .collect();
        let msg = refused(&noise);
        assert!(msg.starts_with("r.txt: "), "{msg}");
        assert!(!msg.contains('\n'), "{msg}");
    }
}
