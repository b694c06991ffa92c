//! Straight quotes in Chinese text: ASCII `"…"` and `'…'` on a line with Han characters become
//! `“…”` (U+201C/U+201D) and `‘…’` (U+2018/U+2019), paired in order. An apostrophe between two
//! Latin letters (`Xi'an`) is no quote. An odd one out (the last of its kind on the line) is left
//! as it is and listed in `cleaning.unpaired_quotes`; suspicious spans are not touched.
use super::Ch;
use crate::check_report::{Cleaning, QuoteAt};

/// Pair the line's straight quotes; returns how many marks changed.
pub(super) fn pair(line: usize, chars: &mut [Ch], cleaning: &mut Cleaning) -> usize {
    let mut changed = 0;
    for (straight, open, close) in [
        ('"', '\u{201C}', '\u{201D}'),
        ('\'', '\u{2018}', '\u{2019}'),
    ] {
        let at: Vec<usize> = (0..chars.len())
            .filter(|&i| chars[i].c == straight && !chars[i].protected && !apostrophe(chars, i))
            .collect();
        for pair in at.chunks(2) {
            match pair {
                [a, b] => {
                    chars[*a].c = open;
                    chars[*b].c = close;
                    changed += 2;
                }
                [odd] => cleaning.unpaired_quotes.push(QuoteAt {
                    line,
                    column: chars[*odd].col,
                    text: straight.to_string(),
                }),
                _ => {}
            }
        }
    }
    changed
}

/// `Xi'an`, `don't`: a `'` between two Latin letters.
fn apostrophe(chars: &[Ch], i: usize) -> bool {
    let latin = |j: Option<usize>| {
        j.and_then(|j| chars.get(j))
            .is_some_and(|ch| ch.c.is_ascii_alphabetic())
    };
    chars[i].c == '\'' && latin(i.checked_sub(1)) && latin(Some(i + 1))
}
