//! Page references to the source's own pages: a glossary entry printed in a newspaper or a
//! booklet ends `(见第3页)`, `（见第2版）` — the page of *that* edition where the term is used.
//! No edition baogao writes has those pages, so each reference is removed, counted in
//! `cleaning.page_references` and listed in `cleaning.removed` with its line and column.
use super::Ch;
use crate::check_report::{Cleaning, Removed};

/// Remove every page reference of the line (characters inside a suspicious span are left).
pub(super) fn remove(line: usize, chars: &mut Vec<Ch>, cleaning: &mut Cleaning) {
    let mut i = 0;
    while i < chars.len() {
        match reference_at(chars, i) {
            Some(n) if !chars[i..i + n].iter().any(|ch| ch.protected) => {
                let text: String = chars[i..i + n].iter().map(|ch| ch.c).collect();
                cleaning.page_references += 1;
                cleaning.removed.push(Removed {
                    line,
                    column: chars[i].col,
                    text,
                    why: "page reference to the source edition's pages".into(),
                });
                chars.drain(i..i + n);
            }
            _ => i += 1,
        }
    }
}

/// The length of a page reference starting at `at`: an opening parenthesis (ASCII or
/// full-width), `见`/`見`, an optional `第`, one to four digits (ASCII or full-width), `页`,
/// `頁` or `版`, the closing parenthesis; spaces allowed between.
fn reference_at(chars: &[Ch], at: usize) -> Option<usize> {
    let c = |i: usize| chars.get(i).map(|ch| ch.c);
    let skip_spaces = |mut i: usize| {
        while c(i).is_some_and(|x| x == ' ' || x == '\u{3000}') {
            i += 1;
        }
        i
    };
    if !matches!(c(at)?, '(' | '\u{FF08}') {
        return None;
    }
    let mut i = skip_spaces(at + 1);
    if !matches!(c(i)?, '见' | '見') {
        return None;
    }
    i = skip_spaces(i + 1);
    if c(i)? == '第' {
        i = skip_spaces(i + 1);
    }
    let digit = |x: char| x.is_ascii_digit() || ('\u{FF10}'..='\u{FF19}').contains(&x);
    let start = i;
    while c(i).is_some_and(digit) {
        i += 1;
    }
    if i == start || i - start > 4 {
        return None;
    }
    i = skip_spaces(i);
    if !matches!(c(i)?, '页' | '頁' | '版') {
        return None;
    }
    i = skip_spaces(i + 1);
    matches!(c(i)?, ')' | '\u{FF09}').then_some(i + 1 - at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removed(s: &str) -> (String, Cleaning) {
        let mut chars: Vec<Ch> = s
            .chars()
            .enumerate()
            .map(|(i, c)| Ch {
                c,
                col: i + 1,
                protected: false,
            })
            .collect();
        let mut cleaning = Cleaning::default();
        remove(7, &mut chars, &mut cleaning);
        (chars.iter().map(|ch| ch.c).collect(), cleaning)
    }

    #[test]
    fn page_references_go_and_are_listed() {
        let (text, cleaning) = removed("放管服\u{FF1A}简称\u{3002}(见第2页)");
        assert_eq!(text, "放管服\u{FF1A}简称\u{3002}");
        assert_eq!(cleaning.page_references, 1);
        assert_eq!(cleaning.removed[0].line, 7);
        assert_eq!(cleaning.removed[0].column, 8);
        assert_eq!(cleaning.removed[0].text, "(见第2页)");
        let (text, cleaning) =
            removed("甲\u{FF08}见第 12 版\u{FF09}乙\u{FF08}見第\u{FF13}頁\u{FF09}");
        assert_eq!(text, "甲乙");
        assert_eq!(cleaning.page_references, 2);
    }

    #[test]
    fn other_parentheses_stay() {
        for s in [
            "(见附件)",
            "\u{FF08}见第三页\u{FF09}",
            "(第2页)",
            "(见第2页",
            "(见第12345页)",
        ] {
            let (text, cleaning) = removed(s);
            assert_eq!(text, s);
            assert_eq!(cleaning.page_references, 0);
        }
    }
}
