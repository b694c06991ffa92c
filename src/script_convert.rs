//! Traditional/Simplified folding and conversion, character by character so offsets stay aligned.
//!
//! Both directions use ferrous-opencc's OpenCC tables: `t2s`, and `s2tw` (Taiwan-standard forms
//! `為 群 眾`, as the Wuyang report writes them, not OpenCC's `爲 羣 衆`, which would also count these
//! common Traditional characters as Simplified-only in detection). A single character given to
//! OpenCC meets only its character table (the phrase tables have no one-character keys), so
//! [`to_hans`]/[`to_hant`] are the per-character tables. [`convert`] first asks OpenCC for a
//! phrase-aware conversion (`皇后` stays `皇后`, not `皇後`) and keeps it only where it is aligned with
//! the input — same length, and every output character a variant of the input character at the same
//! place; anywhere else it falls back to the per-character table. So a conversion never adds, drops
//! or moves a character.
use crate::model::Script;
use ferrous_opencc::{config::BuiltinConfig, OpenCC};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

struct Tables {
    t2s: OpenCC,
    s2t: OpenCC,
    /// Per-character results for the Basic Multilingual Plane, `[to Traditional, to Simplified]`,
    /// filled as characters are met ([`UNSET`] until then). Lock-free, so the documents of a
    /// batch folding in parallel do not queue on one lock.
    bmp: [Vec<AtomicU32>; 2],
}

/// A BMP slot not looked up yet (no character has this value).
const UNSET: u32 = u32::MAX;

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    let slots = || (0..0x1_0000).map(|_| AtomicU32::new(UNSET)).collect();
    TABLES.get_or_init(|| Tables {
        // The configurations are compiled into the crate: failing to load them is a build defect.
        t2s: OpenCC::from_config(BuiltinConfig::T2s).expect("built-in OpenCC t2s tables"),
        s2t: OpenCC::from_config(BuiltinConfig::S2tw).expect("built-in OpenCC s2tw tables"),
        bmp: [slots(), slots()],
    })
}

fn per_char(c: char, hans: bool) -> char {
    if c.is_ascii() {
        return c;
    }
    let t = tables();
    let slot = t.bmp[usize::from(hans)].get(c as usize);
    if let Some(r) = slot.map(|s| s.load(Ordering::Relaxed)).and_then(|v| {
        if v == UNSET {
            None
        } else {
            char::from_u32(v)
        }
    }) {
        return r;
    }
    let cc = if hans { &t.t2s } else { &t.s2t };
    let out = cc.convert(c.encode_utf8(&mut [0; 4]));
    let mut it = out.chars();
    let r = match (it.next(), it.next()) {
        (Some(r), None) => r,
        _ => c,
    };
    // Two threads meeting the same character store the same answer.
    if let Some(s) = slot {
        s.store(r as u32, Ordering::Relaxed);
    }
    r
}

/// The Simplified form of one character (itself when it has none).
pub fn to_hans(c: char) -> char {
    per_char(c, true)
}

/// The Traditional form of one character (itself when it has none).
pub fn to_hant(c: char) -> char {
    per_char(c, false)
}

/// The character in `script`.
pub fn char_to(c: char, script: Script) -> char {
    match script {
        Script::Hans => to_hans(c),
        Script::Hant => to_hant(c),
    }
}

/// Folding for comparisons: one character in, one out, so a match's offsets are the text's offsets.
/// Folds script (to Simplified), full-width ASCII forms to ASCII and corner brackets to curly quotes.
pub fn key(c: char) -> char {
    let c = match c {
        '\u{300C}' => '\u{201C}', // 「 → “
        '\u{300D}' => '\u{201D}', // 」 → ”
        '\u{300E}' => '\u{2018}', // 『 → ‘
        '\u{300F}' => '\u{2019}', // 』 → ’
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        c => c,
    };
    to_hans(c)
}

/// `text` folded with [`key`], character for character.
pub fn fold(text: &str) -> String {
    text.chars().map(key).collect()
}

/// `text` in `script`, phrase-aware where OpenCC's phrase conversion stays aligned with the input,
/// per character elsewhere. The result has exactly as many characters as `text`.
pub fn convert(text: &str, script: Script) -> String {
    let t = tables();
    let phrased = match script {
        Script::Hans => t.t2s.convert(text),
        Script::Hant => t.s2t.convert(text),
    };
    let input: Vec<char> = text.chars().collect();
    let phrased: Vec<char> = phrased.chars().collect();
    if phrased.len() != input.len() {
        return input.iter().map(|&c| char_to(c, script)).collect();
    }
    input
        .iter()
        .zip(&phrased)
        .map(|(&i, &o)| {
            if o == i || to_hans(o) == to_hans(i) || to_hant(o) == to_hant(i) {
                o
            } else {
                char_to(i, script)
            }
        })
        .collect()
}

/// Whether a conversion to `script` turns some *other* character into `c` (`玛` is the Simplified
/// form of `瑪`, `面` that of `麵`): after such a conversion, `c` does not say which character was
/// there before. Per-character tables (OpenCC's phrase tables map characters among the same variant
/// sets); the set of such characters is gathered once per direction over the CJK blocks.
pub fn has_other_source(c: char, script: Script) -> bool {
    static SOURCES: [OnceLock<std::collections::HashSet<char>>; 2] =
        [OnceLock::new(), OnceLock::new()];
    let hans = matches!(script, Script::Hans);
    SOURCES[usize::from(hans)]
        .get_or_init(|| {
            let blocks = [
                0x2E80..=0x2FDF,   // radicals
                0x3400..=0x4DBF,   // extension A
                0x4E00..=0x9FFF,   // unified ideographs
                0xF900..=0xFAFF,   // compatibility ideographs
                0x20000..=0x2FA1F, // extensions B and after, compatibility supplement
            ];
            blocks
                .into_iter()
                .flatten()
                .filter_map(char::from_u32)
                .filter_map(|x| {
                    let y = char_to(x, script);
                    (y != x).then_some(y)
                })
                .collect()
        })
        .contains(&c)
}

/// Characters of `text` that only one script writes: (Traditional-only, Simplified-only) counts.
/// A character counts as Traditional when the t2s table changes it, Simplified when s2t does.
pub fn script_evidence(text: &str) -> (usize, usize) {
    let mut hant = 0;
    let mut hans = 0;
    for c in text.chars().filter(|c| !c.is_ascii()) {
        if to_hans(c) != c {
            hant += 1;
        }
        if to_hant(c) != c {
            hans += 1;
        }
    }
    (hant, hans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_character_tables() {
        assert_eq!(to_hans('經'), '经');
        assert_eq!(to_hant('经'), '經');
        assert_eq!(to_hans('范'), '范');
        assert_eq!(to_hant('范'), '範');
        assert_eq!(to_hans('A'), 'A');
        assert_eq!(to_hans('\u{E082}'), '\u{E082}');
    }

    #[test]
    fn folding_keeps_length_and_aligns_quotes() {
        let body = "\u{300C}三公\u{300D}經費\u{FF08}PM\u{FF12}.5\u{FF09}";
        let f = fold(body);
        assert_eq!(f.chars().count(), body.chars().count());
        assert!(f.starts_with("\u{201C}三公\u{201D}经费"));
        assert!(f.contains("PM2.5"));
    }

    #[test]
    fn conversion_is_aligned_and_phrase_aware() {
        let hans = "皇后发展了经济\u{FF0C}头发也长了\u{3002}";
        let hant = convert(hans, Script::Hant);
        assert_eq!(hant.chars().count(), hans.chars().count());
        assert!(hant.starts_with("皇后發展"), "{hant}");
        assert!(hant.contains("頭髮"), "{hant}");
        assert_eq!(convert(&hant, Script::Hans), hans);
        // Characters no table knows pass through untouched.
        let odd = "燃?xì)\u{E082}A(chǔ)";
        assert_eq!(convert(odd, Script::Hant), odd);
        assert_eq!(convert(odd, Script::Hans), odd);
    }

    #[test]
    fn other_sources_of_a_character() {
        // 瑪 → 玛 and 麵 → 面 under t2s (面 has no other form under s2tw: the reverse table is
        // needed, not the s2t one).
        assert!(has_other_source('玛', Script::Hans));
        assert!(has_other_source('面', Script::Hans));
        assert!(!has_other_source('瑪', Script::Hans));
        assert!(!has_other_source('危', Script::Hans));
        assert!(has_other_source('瑪', Script::Hant));
        assert!(!has_other_source('A', Script::Hans));
    }

    #[test]
    fn evidence_counts_each_side() {
        let (hant, hans) = script_evidence("現在報告工作範范");
        assert_eq!(hant, 3); // 現 報 範, not the shared 在告工作
        assert_eq!(hans, 1); // 范
    }
}
