//! Numbered lines → entries: a number mark (`1.` `1、` `（1）` `[1]` `【1】` `注1：` …, see
//! [`marks::split_number`]) opens an entry, the term is what precedes the first colon (U+FF1A or
//! ASCII), and a line that opens nothing continues the entry before it — only when it reads as
//! its continuation. Headings (`【名词解释】`, `附件`) and unnumbered `term：text` lines after a
//! finished sentence are never merged into an entry: they are skipped, with their line numbers.
//! A file without any numbered line is read as one `term：text` entry per line.
use super::marks::{ends_sentence, has_term, is_heading, is_title};
use super::{entry, Parsed, Skipped, MAX_ENTRIES, MAX_ROWS};

pub(crate) use super::marks::split_number;
pub(crate) use super::marks::{is_blank, split_term};

/// Append a continuation line; a space only between two Latin letters or digits.
pub(crate) fn join(into: &mut String, more: &str) {
    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if latin(into.chars().last()) && latin(more.chars().next()) {
        into.push(' ');
    }
    into.push_str(more);
}

/// One entry being read: the line it starts on, its number and its text so far.
struct Open {
    number: u32,
    body: String,
}

/// Lines numbered 1, 2, … in order.
pub(crate) fn entries<'a>(lines: impl Iterator<Item = &'a str>) -> Result<Parsed, String> {
    numbered_entries(lines.enumerate().map(|(i, l)| (i + 1, l)))
}

/// Lines with their own line numbers (a paragraph's or row's position in a document).
pub(crate) fn numbered_entries<'a>(
    input: impl Iterator<Item = (usize, &'a str)>,
) -> Result<Parsed, String> {
    let mut lines: Vec<(usize, &str)> = Vec::new();
    for (count, (n, line)) in input.enumerate() {
        if count >= MAX_ROWS {
            return Err(format!(
                "more than {MAX_ROWS} lines: not an annotations file"
            ));
        }
        let line = line.trim_matches(is_blank);
        if !line.is_empty() {
            lines.push((n, line));
        }
    }
    let numbered = read_lines(&lines, true)?;
    if !numbered.entries.is_empty() {
        return Ok(numbered);
    }
    read_lines(&lines, false)
}

/// One pass over the non-empty lines. `numbered`: entries open with a number mark; otherwise
/// every `term：text` line after a finished sentence opens one, numbered by position.
fn read_lines(lines: &[(usize, &str)], numbered: bool) -> Result<Parsed, String> {
    let mut open: Vec<Open> = Vec::new();
    let mut skipped = Vec::new();
    let mut title = None;
    for &(at, line) in lines {
        let last = open.last();
        let expected = last.map_or(1, |l| l.number + 1);
        let finished = last.is_none_or(|l| ends_sentence(&l.body));
        let opens = if numbered {
            split_number(line, expected).filter(|(n, rest)| {
                last.is_none_or(|l| *n > l.number) || (finished && has_term(rest))
            })
        } else {
            (finished && has_term(line) && !is_heading(line)).then_some((expected, line))
        };
        if let Some((number, rest)) = opens {
            if open.len() >= MAX_ENTRIES {
                return Err(format!("more than {MAX_ENTRIES} notes"));
            }
            open.push(Open {
                number,
                body: rest.to_string(),
            });
            continue;
        }
        if is_heading(line) {
            if title.is_none() && open.is_empty() && is_title(line) {
                title = Some(heading_text(line));
            }
            skipped.push(Skipped::new(at, line));
            continue;
        }
        match open.last_mut() {
            Some(l) if !(ends_sentence(&l.body) && has_term(line)) => join(&mut l.body, line),
            _ => skipped.push(Skipped::new(at, line)),
        }
    }
    let mut entries = Vec::with_capacity(open.len());
    for Open { number: n, body } in open {
        let (term, text) = split_term(&body).ok_or_else(|| {
            format!("note {n} has no colon between term and explanation (expected `{n}.term\u{FF1A}explanation`)")
        })?;
        if term.trim().is_empty() {
            return Err(format!("note {n} has an empty term"));
        }
        entries.push(entry(n, term, text));
    }
    Ok(Parsed {
        entries,
        skipped,
        title,
    })
}

/// A heading's words without its brackets and trailing colon.
pub(crate) fn heading_text(line: &str) -> String {
    line.trim_end_matches([':', '\u{FF1A}'])
        .trim_start_matches(['\u{3010}', '\u{FF3B}', '['])
        .trim_end_matches(['\u{3011}', '\u{FF3D}', ']'])
        .trim_matches(is_blank)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_lines_join_and_terms_split_at_the_first_colon() {
        // A continuation line opening with the next entry's number and a decimal point (`2.5微米`)
        // would start entry 2: a known limit of line-numbered notes, see `split_number`.
        let text = "注释\n1.PM2.5\u{FF1A}颗粒物，\n也称细颗粒物。\n直径2.5微米以下\n2.CDMO: Contract\nDevelopment";
        let parsed = entries(text.split('\n')).unwrap();
        assert_eq!(parsed.skipped, vec![super::Skipped::new(1, "注释")]);
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
