//! Numbered lines → entries: a number mark (`1.` `1、` `（1）` `[1]` `【1】` `注1：` …, see
//! [`marks::split_number`]) opens an entry, the term is what precedes the first colon (U+FF1A or
//! ASCII), and a line that opens nothing continues the entry before it — only when it reads as
//! its continuation. Headings (`【名词解释】`, `附件`) and unnumbered `term：text` lines after a
//! finished sentence are never merged into an entry: they are skipped, with their line numbers.
//! A file without any numbered line is read as one `term：text` entry per line.
//!
//! A number typed straight before a Han term (`3以人为本：…`) opens an entry only where it
//! continues the numbering (the expected number, and the next numbered line is the one after).
//! A file is read section by section (a heading, or `二、简答题` with the numbering starting
//! again): a section's entries from the first without a colon on, when none after it has one,
//! are not notes (exam questions) and are skipped; a colon missing among entries that have one
//! is refused, unless the section holds no Chinese character (a numbered list of another
//! language, which is skipped whole). A term given again (a second glossary section) is listed, the first kept.
use super::marks::{ends_sentence, has_term, is_heading, is_title};
use super::marks::{has_sentence_mark, split_run_in};
use super::{entry, Duplicate, Parsed, Skipped, MAX_ENTRIES, MAX_ROWS};

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

/// One entry being read: its number, its text so far and the lines it was read from.
struct Open<'a> {
    number: u32,
    body: String,
    lines: Vec<(usize, &'a str)>,
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
    Ok(Parsed {
        unnumbered: true,
        ..read_lines(&lines, false)?
    })
}

/// A line that starts a new section of the file: a heading (`名词解释`, `【…】`), or a short line
/// numbered with a Chinese numeral (`二、简答题`) after which the numbering starts again at 1.
fn starts_section(lines: &[(usize, &str)], i: usize) -> bool {
    let line = lines[i].1;
    if is_heading(line) {
        return true;
    }
    let restarts = lines
        .get(i + 1)
        .is_some_and(|(_, next)| split_number(next, 1).is_some_and(|(n, _)| n == 1));
    restarts && is_numeral_heading(line)
}

/// `二、简答题`: a Chinese numeral, `、`, and a few words without sentence punctuation.
fn is_numeral_heading(line: &str) -> bool {
    let numeral = |c: char| "一二三四五六七八九十".contains(c);
    let rest = line.trim_start_matches(numeral);
    rest.len() < line.len()
        && rest.starts_with('\u{3001}')
        && line.chars().count() <= 24
        && !has_sentence_mark(rest)
}

/// Whether the numbered line at `i` that opens `number` run into its term (`3以人为本：…`)
/// continues its neighbours' sequence: the next numbered line of the section (if any) is
/// `number + 1`.
fn next_continues(lines: &[(usize, &str)], i: usize, number: u32) -> bool {
    for j in i + 1..lines.len() {
        if starts_section(lines, j) {
            return true;
        }
        let line = lines[j].1;
        if let Some((n, _)) = split_number(line, number + 1).or_else(|| split_run_in(line)) {
            return n == number + 1;
        }
    }
    true
}

/// One section read: the entries kept, and the lines of those that are not entries — from the
/// first entry without a colon on, when no later entry of the section has one (the glossary has
/// ended: exam questions follow, or the whole section is questions).
struct Section<'a> {
    kept: Vec<Open<'a>>,
    rest: Vec<(usize, &'a str)>,
    /// Why the rest is not entries: the first entry without a colon.
    ended: Option<String>,
}

/// Close a section's entries (see [`Section`]); a colon missing among entries that have one is
/// refused, naming the entry.
fn close_section(open: Vec<Open<'_>>) -> Result<Section<'_>, String> {
    let no_colon = |o: &Open| split_term(&o.body).is_none_or(|(t, _)| t.trim().is_empty());
    let Some(k) = open.iter().position(no_colon) else {
        return Ok(Section {
            kept: open,
            rest: Vec::new(),
            ended: None,
        });
    };
    let n = open[k].number;
    let why = match split_term(&open[k].body) {
        None => format!("note {n} has no colon between term and explanation (expected `{n}.term\u{FF1A}explanation`)"),
        Some(_) => format!("note {n} has an empty term"),
    };
    // A colon missing among entries that have one is an error in a glossary; a numbered list
    // without a Chinese character (an English or Russian document's) is no glossary at all:
    // its lines are not entries.
    if !open.iter().any(|o| o.body.chars().any(crate::cjk::is_han)) {
        return Ok(Section {
            kept: Vec::new(),
            rest: open.into_iter().flat_map(|o| o.lines).collect(),
            ended: None,
        });
    }
    if open[k + 1..].iter().any(|o| !no_colon(o)) {
        return Err(why);
    }
    let mut kept = open;
    let rest = kept
        .split_off(k)
        .into_iter()
        .flat_map(|o| o.lines)
        .collect();
    Ok(Section {
        kept,
        rest,
        ended: Some(why),
    })
}

/// Close the section being read: its entries join `done`, the lines that are not entries
/// `skipped`; `ended` keeps the first reason a section ended early.
fn close<'a>(
    open: &mut Vec<Open<'a>>,
    done: &mut Vec<Open<'a>>,
    skipped: &mut Vec<Skipped>,
    ended: &mut Option<String>,
) -> Result<(), String> {
    let section = close_section(std::mem::take(open))?;
    skipped.extend(section.rest.iter().map(|&(at, l)| Skipped::new(at, l)));
    if ended.is_none() {
        *ended = section.ended;
    }
    done.extend(section.kept);
    Ok(())
}

/// One pass over the non-empty lines. `numbered`: entries open with a number mark (or a number
/// run into the term that continues the sequence); otherwise every `term：text` line after a
/// finished sentence opens one, numbered by position. Sections ([`starts_section`]) are read
/// one by one: a section that is not a glossary, or its part after the glossary ends, is skipped.
fn read_lines(lines: &[(usize, &str)], numbered: bool) -> Result<Parsed, String> {
    let mut done: Vec<Open> = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    let mut skipped = Vec::new();
    let mut title = None;
    let mut ended = None;
    for (i, &(at, line)) in lines.iter().enumerate() {
        if !open.is_empty() && starts_section(lines, i) {
            close(&mut open, &mut done, &mut skipped, &mut ended)?;
        }
        let last = open.last();
        let expected = last.map_or(1, |l| l.number + 1);
        let finished = last.is_none_or(|l| ends_sentence(&l.body));
        let opens = if numbered {
            split_number(line, expected)
                .filter(|(n, rest)| {
                    last.is_none_or(|l| *n > l.number) || (finished && has_term(rest))
                })
                .or_else(|| {
                    split_run_in(line).filter(|(n, rest)| {
                        *n == expected
                            && (last.is_some() || *n == 1)
                            && has_term(rest)
                            && next_continues(lines, i, *n)
                    })
                })
        } else {
            (finished && has_term(line) && !is_heading(line)).then_some((expected, line))
        };
        if let Some((number, rest)) = opens {
            if done.len() + open.len() >= MAX_ENTRIES {
                return Err(format!("more than {MAX_ENTRIES} notes"));
            }
            open.push(Open {
                number,
                body: rest.to_string(),
                lines: vec![(at, line)],
            });
            continue;
        }
        if is_heading(line) {
            if title.is_none() && open.is_empty() && done.is_empty() && is_title(line) {
                title = Some(heading_text(line));
            }
            skipped.push(Skipped::new(at, line));
            continue;
        }
        match open.last_mut() {
            Some(l) if !(ends_sentence(&l.body) && has_term(line)) => {
                join(&mut l.body, line);
                l.lines.push((at, line));
            }
            _ => skipped.push(Skipped::new(at, line)),
        }
    }
    close(&mut open, &mut done, &mut skipped, &mut ended)?;
    if done.is_empty() {
        if let Some(why) = ended {
            return Err(why);
        }
    }
    let mut entries = Vec::with_capacity(done.len());
    let mut first_at: Vec<(String, usize)> = Vec::new();
    let mut duplicates = Vec::new();
    for Open {
        number,
        body,
        lines,
    } in done
    {
        let (term, text) = split_term(&body).expect("sections keep entries with a term");
        let at = lines[0].0;
        let key = crate::script_convert::fold(term.trim_matches(is_blank));
        if let Some((_, first)) = first_at.iter().find(|(k, _)| *k == key) {
            // The first entry of a term is the note; a later one is listed, not attached twice.
            duplicates.push(Duplicate {
                term: term.trim_matches(is_blank).to_string(),
                first: *first,
                line: at,
            });
            skipped.extend(lines.iter().map(|&(line, text)| Skipped {
                line,
                text: text.to_string(),
                kind: "duplicate",
            }));
            continue;
        }
        first_at.push((key, at));
        entries.push(entry(number, term, text));
    }
    skipped.sort_by_key(|s| s.line);
    Ok(Parsed {
        entries,
        skipped,
        title,
        duplicates,
        unnumbered: false,
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

    #[test]
    fn a_numbered_list_without_chinese_is_no_entries() {
        let list = ["1. Introduction", "2. Scope: what is covered", "3. Terms"];
        // Not refused for the colon: read as unnumbered `term: text` lines, which the file-level
        // check then finds to hold no Chinese (`shape::refusal`).
        let parsed = entries(list.into_iter()).unwrap();
        assert!(parsed.unnumbered);
        assert!(parsed
            .entries
            .iter()
            .all(|e| !e.term.contains("Introduction")));
    }
}
