//! The GBK of the site that published the Wuyang report: what its pages did to bytes, so the
//! repair step ([`super::repair`]) can run the damage forwards and backwards.
//!
//! Its decoder is not a standard one (WHATWG's GBK decoder emits U+FFFD and keeps the second
//! byte): a lead byte (0x81–0xFE) followed by a byte that cannot be a GBK trail byte (such as the
//! `(` of a pinyin gloss) becomes **one `?` and both bytes are gone**; a lead byte at the end of the
//! bytes, and a lone 0x80 or 0xFF, become `?`; GBK's user-defined area decodes to private-use
//! characters (U+E000…), as in every GBK table. Everything else is ordinary GBK (two-byte codes
//! only: GB18030's four-byte sequences were never produced by its encoder).
//!
//! Its encoder is plain GBK ([`encoding_rs::GBK`]).
use encoding_rs::GBK;

/// The site's decoding of `bytes` (see the module text).
pub fn decode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            out.push(b as char);
            i += 1;
        } else if !is_lead(b) {
            out.push('?');
            i += 1;
        } else {
            match bytes.get(i + 1) {
                None => {
                    out.push('?');
                    i += 1;
                }
                Some(&t) => {
                    out.push(pair(b, t).unwrap_or('?'));
                    i += 2;
                }
            }
        }
    }
    out
}

/// A byte that starts a two-byte GBK code.
pub fn is_lead(b: u8) -> bool {
    (0x81..=0xFE).contains(&b)
}

/// A byte that can end a two-byte GBK code.
pub fn is_trail(b: u8) -> bool {
    matches!(b, 0x40..=0x7E | 0x80..=0xFE)
}

/// The character the two-byte code `lead trail` stands for, if GBK assigns one.
pub fn pair(lead: u8, trail: u8) -> Option<char> {
    if !is_lead(lead) || !is_trail(trail) {
        return None;
    }
    let mut decoder = GBK.new_decoder_without_bom_handling();
    let mut buf = [0u8; 8];
    let (result, _, written) =
        decoder.decode_to_utf8_without_replacement(&[lead, trail], &mut buf, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => {
            std::str::from_utf8(&buf[..written]).ok().and_then(|s| {
                let mut cs = s.chars();
                let c = cs.next()?;
                cs.next().is_none().then_some(c)
            })
        }
        _ => None,
    }
}

/// The GBK bytes of `c`: one byte for ASCII, two for everything else GBK has (user-defined
/// private-use characters included); `None` when GBK has no code for it.
pub fn encode(c: char) -> Option<Vec<u8>> {
    if c.is_ascii() {
        return Some(vec![c as u8]);
    }
    let mut encoder = GBK.new_encoder();
    let mut buf = [0u8; 8];
    let mut utf8 = [0u8; 4];
    let (result, _, written) =
        encoder.encode_from_utf8_without_replacement(c.encode_utf8(&mut utf8), &mut buf, true);
    match result {
        encoding_rs::EncoderResult::InputEmpty if written == 2 => Some(buf[..2].to_vec()),
        _ => None,
    }
}

/// The GBK bytes of a whole string, or `None` if one of its characters has none.
pub fn encode_str(s: impl IntoIterator<Item = char>) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for c in s {
        out.extend(encode(c)?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_gbk_both_ways() {
        let bytes = encode_str("燃氣A\u{FF0C}".chars()).unwrap();
        assert_eq!(bytes, [0xC8, 0xBC, 0x9A, 0xE2, b'A', 0xA3, 0xAC]);
        assert_eq!(decode(&bytes), "燃氣A\u{FF0C}");
    }

    #[test]
    fn user_defined_area_is_private_use_both_ways() {
        assert_eq!(pair(0xF9, 0xB5), Some('\u{E2A6}'));
        assert_eq!(encode('\u{E2A6}'), Some(vec![0xF9, 0xB5]));
        assert_eq!(pair(0xAA, 0xA1), Some('\u{E000}'));
    }

    #[test]
    fn a_lead_byte_before_an_invalid_byte_eats_both() {
        // `9A (` → one `?`: the `(` is gone.
        assert_eq!(decode(&[0xC8, 0xBC, 0x9A, b'(', b'x', b')']), "燃?x)");
        // 0x7F and the bytes below 0x40 are not trail bytes.
        assert_eq!(decode(&[0xB0, 0x7F, b'a']), "?a");
        assert_eq!(decode(&[0xB0, b'0', b'a']), "?a");
    }

    #[test]
    fn a_dangling_lead_byte_and_lone_high_bytes_are_question_marks() {
        assert_eq!(decode(&[b'a', 0xA1]), "a?");
        assert_eq!(decode(&[0x80, b'a', 0xFF]), "?a?");
    }

    #[test]
    fn an_ascii_trail_byte_realigns_a_shifted_stream() {
        // `治，擰緊` is D6CE A3AC 9451 BE6F; one byte late, the pairs read `危瑪`, then `Q`
        // (擰's trail byte) stands alone and `緊` is read right again.
        assert_eq!(
            decode(&[0xCE, 0xA3, 0xAC, 0x94, 0x51, 0xBE, 0x6F]),
            "危瑪Q緊"
        );
    }

    #[test]
    fn characters_gbk_lacks_have_no_bytes() {
        assert_eq!(encode('\u{1F600}'), None);
        assert_eq!(encode_str("a\u{1F600}".chars()), None);
        assert_eq!(encode('\u{E5E5}'), None);
    }
}
