//! The notes' text cleaned by the report's rules: readers hand on entries as the file holds
//! them, and this pass normalises their punctuation exactly as it does the report's lines
//! (step 4 of the clean pass), so that a term compares equal with the report text it annotates.
//! Notes hold no scraper pollution, so the other steps (glosses, doubled marks) do not apply.
use super::{normalise_punctuation, Ch};
use crate::cjk::is_han;
use crate::model::Entry;

/// Entries with the punctuation of their term and text normalised; returns how many marks
/// changed.
pub fn entries(entries: &mut [Entry]) -> usize {
    let mut changed = 0;
    for e in entries {
        changed += text(&mut e.term) + text(&mut e.text);
    }
    changed
}

fn text(s: &mut String) -> usize {
    let mut chars: Vec<Ch> = s
        .chars()
        .enumerate()
        .map(|(i, c)| Ch {
            c,
            col: i + 1,
            protected: false,
        })
        .collect();
    if !chars.iter().any(|ch| is_han(ch.c)) {
        return 0;
    }
    let n = normalise_punctuation(&mut chars);
    if n > 0 {
        *s = chars.iter().map(|ch| ch.c).collect();
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(term: &str, text: &str) -> Entry {
        let mut e = [Entry {
            number: 1,
            term: term.into(),
            text: text.into(),
        }];
        entries(&mut e);
        let [e] = e;
        e
    }

    #[test]
    fn notes_punctuation_follows_the_report_rule() {
        assert_eq!(
            one("双减", "公斤(即1吨)的农田,耕地;").text,
            "公斤\u{FF08}即1吨\u{FF09}的农田\u{FF0C}耕地\u{FF1B}"
        );
        assert_eq!(
            one("CDMO", "组织(Contract Development and Manufacturing Organization),为医药企业").text,
            "组织\u{FF08}Contract Development and Manufacturing Organization\u{FF09}\u{FF0C}为医药企业"
        );
        assert_eq!(
            one("PM2.5", "PM2.5, 1,000 and (S510)").text,
            "PM2.5, 1,000 and (S510)"
        );
        assert_eq!(one("增长", "增长1,000元").text, "增长1,000元");
        assert_eq!(one("三保(三项)", "保运转").term, "三保\u{FF08}三项\u{FF09}");
    }
}
