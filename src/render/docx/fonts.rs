//! Embedding the shared font subsets the way Word does (ECMA-376 Part 1 §17.8.1, layout.md §4):
//! each face becomes `word/fonts/fontN.odttf`, its first 32 bytes XORed with its font key, and
//! `word/fontTable.xml` names it with `w:embedRegular`/`w:embedBold`. The key is derived from
//! the font's bytes, so the same subset always gets the same key and reruns are identical.
use crate::fonts::{Face, Subsets};
use crate::model::Script;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// One font part of the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontPart {
    /// Path inside the package (`word/fonts/font1.odttf`).
    pub path: String,
    /// Relationship id in `word/_rels/fontTable.xml.rels`.
    pub rel_id: String,
    /// `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`.
    pub key: String,
    pub bold: bool,
    /// The obfuscated bytes.
    pub data: Vec<u8>,
}

/// A family of `fontTable.xml` with its embedded faces (regular and/or bold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedFamily {
    pub name: String,
    pub parts: Vec<FontPart>,
}

/// The font key of a face: a GUID whose 16 bytes are the first 16 of the SHA-256 of the font,
/// marked as an RFC 9562 version-8 (custom) UUID.
pub fn font_key(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0F) | 0x80;
    b[8] = (b[8] & 0x3F) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02X}")).collect();
    format!(
        "{{{}-{}-{}-{}-{}}}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The 16-byte XOR key of a font key: its 32 hex digits in text order, reversed (ECMA-376
/// Part 1 §17.8.1; calibre and docx.js do the same).
fn xor_key(key: &str) -> [u8; 16] {
    let digits: Vec<u8> = key
        .bytes()
        .filter(u8::is_ascii_hexdigit)
        .map(|c| (c as char).to_digit(16).unwrap_or(0) as u8)
        .collect();
    let mut out = [0u8; 16];
    for (i, pair) in digits.chunks(2).take(16).enumerate() {
        out[15 - i] = (pair[0] << 4) | pair.get(1).copied().unwrap_or(0);
    }
    out
}

/// Obfuscate (or, applied again, deobfuscate) a font with its key: XOR bytes 0–31 with the key
/// repeated; the rest is unchanged.
pub fn obfuscate(data: &[u8], key: &str) -> Vec<u8> {
    let k = xor_key(key);
    let mut out = data.to_vec();
    for (i, byte) in out.iter_mut().take(32).enumerate() {
        *byte ^= k[i % 16];
    }
    out
}

/// Every face of `subsets` grouped by family name (sorted), one part per face.
pub fn embed(subsets: &Subsets) -> Vec<EmbeddedFamily> {
    let mut by_family: BTreeMap<&str, Vec<&Face>> = BTreeMap::new();
    for face in subsets.faces.values() {
        by_family.entry(&face.family).or_default().push(face);
    }
    let mut n = 0;
    by_family
        .into_iter()
        .map(|(name, mut faces)| {
            // One regular and one bold slot per family: a second face of the same weight
            // (same family, same boldness) would have nowhere to go, so the first wins.
            faces.sort_by_key(|f| (f.bold, f.role));
            faces.dedup_by_key(|f| f.bold);
            let parts = faces
                .into_iter()
                .map(|face| {
                    n += 1;
                    let key = font_key(&face.data);
                    FontPart {
                        path: format!("word/fonts/font{n}.odttf"),
                        rel_id: format!("rId{n}"),
                        data: obfuscate(&face.data, &key),
                        key,
                        bold: face.bold,
                    }
                })
                .collect();
            EmbeddedFamily {
                name: name.to_string(),
                parts,
            }
        })
        .collect()
}

/// `word/fontTable.xml` naming each family and its embedded faces.
pub fn font_table(families: &[EmbeddedFamily], script: Script) -> String {
    // GB2312 or Big5 character set, as Word writes for Chinese fonts.
    let charset = match script {
        Script::Hans => "86",
        Script::Hant => "88",
    };
    let mut x = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<w:fonts xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" "#,
        r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#
    ));
    for fam in families {
        x.push_str(&format!(
            r#"<w:font w:name="{}"><w:charset w:val="{charset}"/><w:family w:val="auto"/><w:pitch w:val="variable"/>"#,
            quick_xml::escape::escape(&fam.name)
        ));
        for p in &fam.parts {
            let tag = if p.bold { "embedBold" } else { "embedRegular" };
            x.push_str(&format!(
                r#"<w:{tag} r:id="{}" w:fontKey="{}" w:subsetted="1"/>"#,
                p.rel_id, p.key
            ));
        }
        x.push_str("</w:font>");
    }
    x.push_str("</w:fonts>");
    x
}

/// `word/_rels/fontTable.xml.rels`.
pub fn font_table_rels(families: &[EmbeddedFamily]) -> String {
    let mut x = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
    ));
    for p in families.iter().flat_map(|f| &f.parts) {
        x.push_str(&format!(
            r#"<Relationship Id="{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/font" Target="{}"/>"#,
            p.rel_id,
            p.path.trim_start_matches("word/")
        ));
    }
    x.push_str("</Relationships>");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_key_reverses_the_hex_digits() {
        // ECMA-376's example: 001B70DC-AA60-4AD5-90EC-18A0948E1EAE → AE1E8E94…001B00.
        let k = xor_key("{001B70DC-AA60-4AD5-90EC-18A0948E1EAE}");
        assert_eq!(k[0], 0xAE);
        assert_eq!(k[1], 0x1E);
        assert_eq!(k[15], 0x00);
        assert_eq!(k[14], 0x1B);
    }

    #[test]
    fn obfuscation_touches_32_bytes_and_undoes_itself() {
        let data: Vec<u8> = (0..100u8).collect();
        let key = font_key(&data);
        let ob = obfuscate(&data, &key);
        assert_ne!(ob[..32], data[..32]);
        assert_eq!(ob[32..], data[32..]);
        assert_eq!(obfuscate(&ob, &key), data);
    }

    #[test]
    fn key_follows_content() {
        let a = font_key(b"font a");
        assert_eq!(a, font_key(b"font a"));
        assert_ne!(a, font_key(b"font b"));
        assert_eq!(a.len(), 38);
        assert_eq!(&a[15..16], "8");
    }
}
