//! What opens a notes line: an entry number in any of the forms offices type or draw, or a
//! heading (`名词解释`, `【名词解释】`, `附件`). ASCII and full-width forms are accepted alike —
//! the readers hand on raw text, the cleaning pass normalises it.

/// White space, U+3000 included.
pub(crate) fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

/// Split `term：text` at the first colon, full-width or ASCII.
pub(crate) fn split_term(s: &str) -> Option<(&str, &str)> {
    let at = s.find([':', '\u{FF1A}'])?;
    let colon = s[at..].chars().next()?.len_utf8();
    Some((&s[..at], &s[at + colon..]))
}

/// Number forms: `1.` `1．` `1、` `1)` `1）` `(1)` `（1）` `[1]` `［1］` `【1】` `〔1〕`
/// `注1：` `注1.` `注①` `①`-style circled numbers only after `注`.
///
/// The entry number a line opens with, and the rest of the line. A `.` followed by a digit is
/// a decimal (`2.5微米`), not a number mark — unless the number is the one expected next
/// (`30.4A级景区` after entry 29).
pub(crate) fn split_number(line: &str, expected: u32) -> Option<(u32, &str)> {
    let line = line.trim_start_matches(is_blank);
    if let Some(rest) = line.strip_prefix('\u{6CE8}') {
        return note_mark(rest.trim_start_matches(is_blank), expected);
    }
    let open = line.chars().next()?;
    if let Some(close) = closing(open) {
        let inner = &line[open.len_utf8()..];
        let (number, after) = digits(inner)?;
        let rest = after.strip_prefix(close)?;
        return Some((number, rest.trim_start_matches(is_blank)));
    }
    let (number, after) = digits(line)?;
    let mark = after.chars().next()?;
    let rest = &after[mark.len_utf8()..];
    let ok = match mark {
        '.' => number == expected || !rest.starts_with(|c: char| c.is_ascii_digit()),
        '\u{FF0E}' | '\u{3001}' | ')' | '\u{FF09}' => true,
        _ => false,
    };
    ok.then_some((number, rest.trim_start_matches(is_blank)))
}

/// A number run into a Han term, without any mark (`3以人为本：…`, as typed in a Word
/// glossary): the number and the rest. Whether it opens an entry is for the reader to decide
/// (only where it continues the numbering around it).
pub(crate) fn split_run_in(line: &str) -> Option<(u32, &str)> {
    let (number, rest) = digits(line.trim_start_matches(is_blank))?;
    rest.starts_with(crate::cjk::is_han)
        .then_some((number, rest))
}

/// After `注`: `1：` `1:` `1.` `1、` or a circled number `①`…`⑳` (a colon after it is dropped).
fn note_mark(rest: &str, expected: u32) -> Option<(u32, &str)> {
    let first = rest.chars().next()?;
    let (number, after) = match circled(first) {
        Some(n) => (n, &rest[first.len_utf8()..]),
        None => {
            let (n, after) = digits(rest)?;
            let mark = after.chars().next()?;
            if !matches!(mark, ':' | '\u{FF1A}' | '.' | '\u{FF0E}' | '\u{3001}') {
                return None;
            }
            if mark == '.' && n != expected && after[1..].starts_with(|c: char| c.is_ascii_digit())
            {
                return None;
            }
            (n, &after[mark.len_utf8()..])
        }
    };
    let after = after.trim_start_matches(is_blank);
    let after = after
        .strip_prefix([':', '\u{FF1A}'])
        .unwrap_or(after)
        .trim_start_matches(is_blank);
    Some((number, after))
}

/// `①`…`⑳` → 1…20.
fn circled(c: char) -> Option<u32> {
    ('\u{2460}'..='\u{2473}')
        .contains(&c)
        .then(|| c as u32 - 0x2460 + 1)
}

fn closing(open: char) -> Option<char> {
    Some(match open {
        '(' => ')',
        '\u{FF08}' => '\u{FF09}',
        '[' => ']',
        '\u{FF3B}' => '\u{FF3D}',
        '\u{3010}' => '\u{3011}',
        '\u{3014}' => '\u{3015}',
        _ => return None,
    })
}

/// Leading ASCII digits (1 to 5 of them) as a number, and what follows.
fn digits(s: &str) -> Option<(u32, &str)> {
    let n = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if n == 0 || n > 5 {
        return None;
    }
    Some((s[..n].parse().ok()?, &s[n..]))
}

/// Words that make a short line a heading of a notes file.
const HEADING_WORDS: [&str; 8] = [
    "\u{6CE8}\u{91CA}",                 // 注释
    "\u{8A3B}\u{91CB}",                 // 註釋
    "\u{540D}\u{8BCD}\u{89E3}\u{91CA}", // 名词解释
    "\u{540D}\u{8A5E}\u{89E3}\u{91CB}", // 名詞解釋
    "\u{91CA}\u{4E49}",                 // 释义
    "\u{8BCD}\u{6761}",                 // 词条
    "\u{9644}\u{4EF6}",                 // 附件
    "\u{9644}\u{5F55}",                 // 附录
];

/// Sentence punctuation: a line holding any is text, not a heading.
fn sentence_mark(c: char) -> bool {
    matches!(
        c,
        '\u{FF0C}' | '\u{3002}' | '\u{FF1B}' | '\u{FF01}' | '\u{FF1F}' | ',' | ';' | '!' | '?'
    )
}

/// Whether `s` holds sentence punctuation.
pub(crate) fn has_sentence_mark(s: &str) -> bool {
    s.chars().any(sentence_mark)
}

/// A heading line: short, no sentence punctuation, and either bracketed whole (`【名词解释】`)
/// or holding one of [`HEADING_WORDS`]. A trailing colon (`附件：`) is allowed.
pub(crate) fn is_heading(line: &str) -> bool {
    let line = line
        .trim_matches(is_blank)
        .trim_end_matches([':', '\u{FF1A}']);
    if line.is_empty() || line.chars().count() > 24 || line.chars().any(sentence_mark) {
        return false;
    }
    let bracketed = (line.starts_with('\u{3010}') && line.ends_with('\u{3011}'))
        || (line.starts_with('\u{FF3B}') && line.ends_with('\u{FF3D}'))
        || (line.starts_with('[') && line.ends_with(']'));
    // Compared after script folding: `有關注釋` is `有关注释`.
    let folded = crate::script_convert::fold(line);
    bracketed || HEADING_WORDS.iter().any(|w| folded.contains(w))
}

/// A heading that names the notes (`名词解释`, `有关注释`): the annex's title.
pub(crate) fn is_title(line: &str) -> bool {
    is_heading(line) && !line.contains("\u{9644}\u{4EF6}") && !line.contains("\u{9644}\u{5F55}")
}

/// The entry's text so far ends a sentence (`。` `！` `？` `；`, possibly inside a closing quote
/// or bracket).
pub(crate) fn ends_sentence(body: &str) -> bool {
    let last = body
        .trim_end_matches(is_blank)
        .trim_end_matches([
            '\u{201D}', '\u{2019}', '\u{FF09}', ')', '\u{300D}', '\u{300F}',
        ])
        .chars()
        .last();
    matches!(
        last,
        Some('\u{3002}' | '\u{FF01}' | '\u{FF1F}' | '\u{FF1B}' | '.' | '!' | '?' | ';')
    )
}

/// `term：text` with a term that reads as one (short, no sentence punctuation).
pub(crate) fn has_term(line: &str) -> bool {
    split_term(line).is_some_and(|(term, text)| {
        let term = term.trim_matches(is_blank);
        !term.is_empty()
            && term.chars().count() <= 24
            && !term.chars().any(sentence_mark)
            && !text.trim_matches(is_blank).is_empty()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_marks() {
        assert_eq!(
            split_number("1.\u{201C}放管服效\u{201D}", 1),
            Some((1, "\u{201C}放管服效\u{201D}"))
        );
        assert_eq!(split_number("12\u{3001}专项债", 1), Some((12, "专项债")));
        assert_eq!(split_number("\u{FF08}3\u{FF09}三保", 1), Some((3, "三保")));
        assert_eq!(split_number("(4)四风", 1), Some((4, "四风")));
        assert_eq!(split_number("5) 双减", 1), Some((5, "双减")));
        assert_eq!(split_number("2.5微米", 1), None);
        assert_eq!(split_number("30.4A级景区", 30), Some((30, "4A级景区")));
        assert_eq!(split_number("2024年", 1), None);
        assert_eq!(split_number("\u{FF08}即1吨\u{FF09}", 1), None);
    }

    #[test]
    fn bracketed_and_note_marks() {
        assert_eq!(
            split_number("[1]\u{201C}三步走\u{201D}", 1),
            Some((1, "\u{201C}三步走\u{201D}"))
        );
        assert_eq!(split_number("\u{3010}2\u{3011}三保", 1), Some((2, "三保")));
        assert_eq!(split_number("\u{FF3B}3\u{FF3D} 三保", 1), Some((3, "三保")));
        assert_eq!(
            split_number("\u{6CE8}4\u{FF1A}三保\u{FF1A}x", 1),
            Some((4, "三保\u{FF1A}x"))
        );
        assert_eq!(split_number("\u{6CE8}\u{2462}三保", 1), Some((3, "三保")));
        assert_eq!(split_number("\u{6CE8}\u{610F}事项", 1), None);
        assert_eq!(split_number("[a]", 1), None);
        assert_eq!(split_number("\u{3010}名词解释\u{3011}", 1), None);
    }

    #[test]
    fn headings() {
        assert!(is_heading("\u{3010}名词解释\u{3011}"));
        assert!(is_heading("名词解释"));
        assert!(is_title("\u{300A}政府工作报告\u{300B}有关注释"));
        assert!(is_heading("附件\u{FF1A}"));
        assert!(!is_title("附件2"));
        assert!(!is_heading("这些注释供代表参阅，不作正式文件。"));
        assert!(!is_heading("保运转"));
        assert!(is_title("預算報告有關注釋"));
    }
}
