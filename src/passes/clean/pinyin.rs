//! Inline pinyin glosses: ASCII `(` + one Hanyu Pinyin syllable carrying a tone mark + ASCII `)`,
//! as scrapers leave them after characters (`現(xiàn)在`).

/// Length in characters of the gloss starting at `chars[at]`, if one starts there.
pub fn gloss_at(chars: &[char], at: usize) -> Option<usize> {
    if chars.get(at) != Some(&'(') {
        return None;
    }
    // The longest syllable (`zhuang`, `shuang`) has six letters.
    let close = (at + 2..chars.len().min(at + 9)).find(|&i| chars[i] == ')')?;
    is_toned_syllable(&chars[at + 1..close]).then_some(close - at + 1)
}

/// One pinyin syllable written with exactly one tone mark (`xiàn`, `lǜ`, `ǹg`).
pub fn is_toned_syllable(letters: &[char]) -> bool {
    let mut plain = String::with_capacity(letters.len());
    let mut marks = 0;
    for &c in letters {
        match untone(c) {
            Some(base) => {
                marks += 1;
                plain.push(base);
            }
            None if c.is_ascii_lowercase() || c == 'ü' => plain.push(c),
            None => return false,
        }
    }
    marks == 1 && is_syllable(&plain)
}

/// The vowel under a tone mark (`ǚ` → `ü`), or `None` for an unmarked letter.
fn untone(c: char) -> Option<char> {
    Some(match c {
        'ā' | 'á' | 'ǎ' | 'à' => 'a',
        'ē' | 'é' | 'ě' | 'è' => 'e',
        'ī' | 'í' | 'ǐ' | 'ì' => 'i',
        'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
        'ū' | 'ú' | 'ǔ' | 'ù' => 'u',
        'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' => 'ü',
        'ḿ' => 'm',
        'ń' | 'ň' | 'ǹ' => 'n',
        _ => return None,
    })
}

const INITIALS: [&str; 23] = [
    "zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r",
    "z", "c", "s", "y", "w",
];

const FINALS: [&str; 40] = [
    "a", "o", "e", "ê", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "ong", "er", "i", "ia",
    "ie", "iao", "iu", "ian", "in", "iang", "ing", "iong", "io", "u", "ua", "uo", "uai", "ui",
    "uan", "un", "uang", "ueng", "ü", "üe", "üan", "ün", "ue", "v",
];

/// Initial + final, or a syllabic nasal (`m`, `n`, `ng`).
fn is_syllable(s: &str) -> bool {
    if matches!(s, "m" | "n" | "ng" | "hm" | "hng") {
        return true;
    }
    let rest = INITIALS.iter().find_map(|i| s.strip_prefix(i)).unwrap_or(s);
    !rest.is_empty() && FINALS.contains(&rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn glosses_from_the_report() {
        for g in [
            "(xiàn)", "(qiáng)", "(zhàn)", "(chǔ)", "(lǜ)", "(shè)", "(jǐn)", "(ǹg)",
        ] {
            assert_eq!(gloss_at(&chars(g), 0), Some(g.chars().count()), "{g}");
        }
    }

    #[test]
    fn not_glosses() {
        for s in [
            "(下同)",
            "(一)",
            "(2020—2035)",
            "(迎賓大道至青島路)",
            "(xian)",    // no tone mark
            "(xiànzài)", // two syllables
            "(xiàn",     // unclosed
            "(PM)",
            "(àá)",  // two marks
            "(bǎx)", // not a syllable
        ] {
            assert_eq!(gloss_at(&chars(s), 0), None, "{s}");
        }
    }
}
