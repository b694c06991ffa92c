//! Footnote text, one rule for all editions: the term, a full-width colon (U+FF1A) and the
//! explanation — or the explanation alone when the term is empty or the explanation already
//! begins with the term. The annex lists its entries by the same rule, numbered `N.`, the term
//! in the annex term role.
use crate::model::Entry;
use crate::style::Role;

/// U+FF1A FULLWIDTH COLON between a term and its explanation.
pub const TERM_SEPARATOR: char = '\u{FF1A}';

/// Text drawn in one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub role: Role,
    pub text: String,
}

/// The text of a note's footnote (and of an annex entry, after its number).
pub fn footnote_text(term: &str, text: &str) -> String {
    if term.is_empty() || text.starts_with(term) {
        text.to_string()
    } else {
        format!("{term}{TERM_SEPARATOR}{text}")
    }
}

/// `N.` in `body`, then [`footnote_text`] with its leading term in `term_role`.
pub fn annex_entry(e: &Entry, body: Role, term_role: Role) -> Vec<Span> {
    let text = footnote_text(&e.term, &e.text);
    let mut spans = vec![Span {
        role: body,
        text: format!("{}.", e.number),
    }];
    let (term, rest) = text.split_at(if e.term.is_empty() { 0 } else { e.term.len() });
    for (role, t) in [(term_role, term), (body, rest)] {
        if !t.is_empty() {
            spans.push(Span {
                role,
                text: t.to_string(),
            });
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_colon_text_unless_the_text_opens_with_the_term() {
        assert_eq!(
            footnote_text("PM2.5", "细颗粒物。"),
            "PM2.5\u{FF1A}细颗粒物。"
        );
        assert_eq!(
            footnote_text("PM2.5", "PM2.5是细颗粒物。"),
            "PM2.5是细颗粒物。"
        );
        assert_eq!(footnote_text("", "细颗粒物。"), "细颗粒物。");
    }

    #[test]
    fn annex_entry_puts_the_term_in_its_role() {
        let e = Entry {
            number: 4,
            term: "规模以上工业".into(),
            text: "年主营业务收入2000万元及以上的工业企业。".into(),
        };
        let spans = annex_entry(&e, Role::Song, Role::Hei);
        assert_eq!(spans[0].text, "4.");
        assert_eq!(
            (spans[1].role, spans[1].text.as_str()),
            (Role::Hei, "规模以上工业")
        );
        assert!(spans[2].text.starts_with('\u{FF1A}'));
        assert_eq!(spans[2].role, Role::Song);
    }
}
