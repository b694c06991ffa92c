//! Suspicious spans: text that looks corrupted and is left exactly as found.
//!
//! A character is *flagged* when it is a private-use character (U+E000–U+F8FF), U+FFFD, or an
//! ASCII `?` directly after a Han character and followed by something other than whitespace or the
//! end of the line (`燃?xì)`; a real question mark ends a sentence or is followed by a space). A
//! pinyin gloss between the Han character and the `?` does not count (`設(shè)?;`).
//!
//! A span's extent: flagged characters, and any ASCII `?` within [`JOIN`] characters of one, that
//! lie within [`JOIN`] characters of each other form one core (`?;\u{E2A6}`); the core is widened
//! on both sides over every character up to (not including) the nearest whitespace or clause mark
//! (`,` `;` `:` `!` and their full-width forms, `。` `、`, quotation marks and book-title marks).
//! Parentheses and Latin letters are not boundaries, so the garbled pinyin around the damage stays
//! inside. Overlapping spans merge. Columns are 1-based, in characters of the raw line.
use crate::cjk::is_han;
use crate::passes::clean::pinyin;

/// Flagged characters this close (in characters) belong to one span.
const JOIN: usize = 3;

/// `(start, end)` character ranges (end exclusive) of the suspicious spans of one raw line, and the
/// flagged positions inside them.
pub fn spans(chars: &[char]) -> Vec<(usize, usize, Vec<usize>)> {
    let flagged: Vec<usize> = (0..chars.len()).filter(|&i| is_flagged(chars, i)).collect();
    if flagged.is_empty() {
        return Vec::new();
    }
    // Cores: flagged characters plus nearby ASCII `?`, joined when close.
    let mut seeds = flagged.clone();
    for &f in &flagged {
        let lo = f.saturating_sub(JOIN);
        let hi = (f + JOIN).min(chars.len() - 1);
        seeds.extend((lo..=hi).filter(|&i| chars[i] == '?'));
    }
    seeds.sort_unstable();
    seeds.dedup();
    let mut cores: Vec<(usize, usize)> = Vec::new();
    for s in seeds {
        match cores.last_mut() {
            Some((_, end)) if s - *end <= JOIN => *end = s,
            _ => cores.push((s, s)),
        }
    }
    let mut out: Vec<(usize, usize, Vec<usize>)> = Vec::new();
    for (a, b) in cores {
        let mut start = a;
        while start > 0 && !is_boundary(chars[start - 1]) {
            start -= 1;
        }
        let mut end = b + 1;
        while end < chars.len() && !is_boundary(chars[end]) {
            end += 1;
        }
        let inside: Vec<usize> = flagged
            .iter()
            .copied()
            .filter(|&f| f >= start && f < end)
            .collect();
        match out.last_mut() {
            Some(last) if start <= last.1 => {
                last.1 = last.1.max(end);
                last.2.extend(inside);
                last.2.sort_unstable();
                last.2.dedup();
            }
            _ => out.push((start, end, inside)),
        }
    }
    out
}

fn is_flagged(chars: &[char], i: usize) -> bool {
    match chars[i] {
        '\u{E000}'..='\u{F8FF}' | '\u{FFFD}' => true,
        '?' => {
            before_gloss(chars, i).is_some_and(|p| is_han(chars[p]))
                && chars.get(i + 1).is_some_and(|c| !c.is_whitespace())
        }
        _ => false,
    }
}

/// The character before `chars[i]`, looking through a pinyin gloss that ends right there
/// (`設(shè)?` counts as `設?`, as it reads once the gloss is gone).
fn before_gloss(chars: &[char], i: usize) -> Option<usize> {
    let prev = i.checked_sub(1)?;
    if chars[prev] == ')' {
        let gloss_start =
            (prev.saturating_sub(8)..prev).find(|&j| pinyin::gloss_at(chars, j) == Some(i - j));
        if let Some(j) = gloss_start {
            return j.checked_sub(1);
        }
    }
    Some(prev)
}

fn is_boundary(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ',' | ';'
                | ':'
                | '!'
                | '\u{FF0C}'
                | '\u{FF1B}'
                | '\u{FF1A}'
                | '\u{FF01}'
                | '\u{FF1F}'
                | '\u{3002}'
                | '\u{3001}'
                | '\u{201C}'
                | '\u{201D}'
                | '\u{2018}'
                | '\u{2019}'
                | '\u{300A}'
                | '\u{300B}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(line: &str) -> Vec<String> {
        let chars: Vec<char> = line.chars().collect();
        spans(&chars)
            .into_iter()
            .map(|(a, b, _)| chars[a..b].iter().collect())
            .collect()
    }

    #[test]
    fn question_mark_after_han_inside_a_word() {
        assert_eq!(
            text_of("項目\u{3002}堅持?jǐn)U增量穩存量,更大力度"),
            ["堅持?jǐn)U增量穩存量"]
        );
    }

    #[test]
    fn real_question_marks_are_not_flagged() {
        assert!(text_of("這是為什么? 因為").is_empty());
        assert!(text_of("這是為什么?").is_empty());
        assert!(text_of("what?no").is_empty());
    }

    #[test]
    fn close_flags_join_across_a_clause_mark() {
        // Line 53 of the Wuyang report: `?` after a gloss, `;`, a private-use character.
        let spans = text_of("片區設計建設(shè)?;\u{E2A6}A(chǔ)設施建設工程,建成");
        assert_eq!(spans, ["片區設計建設(shè)?;\u{E2A6}A(chǔ)設施建設工程"]);
    }

    #[test]
    fn question_mark_after_a_glossed_han_character() {
        let chars: Vec<char> = "甲,建設(shè)?;工程,乙".chars().collect();
        let s = spans(&chars);
        assert_eq!(s.len(), 1);
        assert_eq!(
            chars[s[0].0..s[0].1].iter().collect::<String>(),
            "建設(shè)?"
        );
        assert_eq!(s[0].2, [9]);
    }

    #[test]
    fn replacement_character_and_private_use_flagged() {
        assert_eq!(text_of("甲,乙\u{FFFD}丙,丁"), ["乙\u{FFFD}丙"]);
        let chars: Vec<char> = "加強燃?xì)獍踩\u{E082}挪檎\u{E383}危瑪Q緊群眾生活\u{201C}安全"
            .chars()
            .collect();
        let s = spans(&chars);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].2, vec![3, 9, 12]);
    }
}
