//! Numbered lines → entries: `1.` `1、` `（1）` `(1)` `1)` open an entry, the term is what precedes
//! the first colon (U+FF1A or ASCII), and lines that open nothing continue the entry before them.
use super::{entry, Parsed, MAX_ENTRIES, MAX_ROWS};

/// The entry number a line opens with, and the rest of the line. A `.` followed by a digit is
/// a decimal (`2.5微米`), not a number mark — unless the number is the one expected next
/// (`30.4A级景区` after entry 29).
pub(crate) fn split_number(line: &str, expected: u32) -> Option<(u32, &str)> {
    let line = line.trim_start_matches(is_blank);
    let (inner, bracketed) = match line.strip_prefix(['(', '\u{FF08}']) {
        Some(rest) => (rest, true),
        None => (line, false),
    };
    let digits = inner.len() - inner.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 5 {
        return None;
    }
    let number: u32 = inner[..digits].parse().ok()?;
    let after = &inner[digits..];
    let mark = after.chars().next()?;
    let rest = &after[mark.len_utf8()..];
    let ok = if bracketed {
        matches!(mark, ')' | '\u{FF09}')
    } else {
        match mark {
            '.' => number == expected || !rest.starts_with(|c: char| c.is_ascii_digit()),
            '\u{FF0E}' | '\u{3001}' | ')' | '\u{FF09}' => true,
            _ => false,
        }
    };
    ok.then_some((number, rest.trim_start_matches(is_blank)))
}

pub(crate) fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

/// Split `term：text` at the first colon, full-width or ASCII.
pub(crate) fn split_term(s: &str) -> Option<(&str, &str)> {
    let at = s.find([':', '\u{FF1A}'])?;
    let colon = s[at..].chars().next()?.len_utf8();
    Some((&s[..at], &s[at + colon..]))
}

/// Append a continuation line; a space only between two Latin letters or digits.
pub(crate) fn join(into: &mut String, more: &str) {
    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if latin(into.chars().last()) && latin(more.chars().next()) {
        into.push(' ');
    }
    into.push_str(more);
}

pub(crate) fn entries<'a>(lines: impl Iterator<Item = &'a str>) -> Result<Parsed, String> {
    let mut open: Vec<(u32, String)> = Vec::new();
    let mut skipped = Vec::new();
    for (count, line) in lines.enumerate() {
        if count >= MAX_ROWS {
            return Err(format!(
                "more than {MAX_ROWS} lines: not an annotations file"
            ));
        }
        let line = line.trim_matches(is_blank);
        if line.is_empty() {
            continue;
        }
        let last = open.last().map(|(n, _)| *n);
        match split_number(line, last.map_or(1, |n| n + 1)) {
            Some((n, rest)) if last.is_none_or(|last| n > last) => {
                if open.len() >= MAX_ENTRIES {
                    return Err(format!("more than {MAX_ENTRIES} notes"));
                }
                open.push((n, rest.to_string()));
            }
            _ => match open.last_mut() {
                Some((_, body)) => join(body, line),
                None => skipped.push(line.to_string()),
            },
        }
    }
    let mut entries = Vec::with_capacity(open.len());
    for (n, body) in open {
        let (term, text) = split_term(&body).ok_or_else(|| {
            format!("note {n} has no colon between term and explanation (expected `{n}.term\u{FF1A}explanation`)")
        })?;
        if term.trim().is_empty() {
            return Err(format!("note {n} has an empty term"));
        }
        entries.push(entry(n, term, text));
    }
    Ok(Parsed { entries, skipped })
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
    fn continuation_lines_join_and_terms_split_at_the_first_colon() {
        // A continuation line opening with the next entry's number and a decimal point (`2.5微米`)
        // would start entry 2: a known limit of line-numbered notes, see `split_number`.
        let text = "注释\n1.PM2.5\u{FF1A}颗粒物，\n也称细颗粒物。\n直径2.5微米以下\n2.CDMO: Contract\nDevelopment";
        let parsed = entries(text.split('\n')).unwrap();
        assert_eq!(parsed.skipped, vec!["注释"]);
        assert_eq!(parsed.entries.len(), 2);
        assert_eq!(parsed.entries[0].term, "PM2.5");
        assert_eq!(
            parsed.entries[0].text,
            "颗粒物，也称细颗粒物。直径2.5微米以下"
        );
        assert_eq!(parsed.entries[1].term, "CDMO");
        assert_eq!(parsed.entries[1].text, "Contract Development");
    }

    #[test]
    fn an_entry_without_colon_is_named() {
        let err = entries(["1.\u{201C}双减\u{201D}减负"].into_iter())
            .err()
            .unwrap();
        assert!(err.contains("note 1"), "{err}");
    }
}
