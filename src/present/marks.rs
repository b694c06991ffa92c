//! Note marks. One rule for every edition: where the style asks for circled marks and the mark
//! role's face has the circled number (①…⑳, ㉑…㉟, ㊱…㊿), the mark is that character; else
//! it is the number in digits. The mark is decided per note, so a note shows the same mark in
//! the body, at the foot of the page, in the EPUB and in the DOCX.
//!
//! Note numbers run through the whole document in every edition (a style asking for per-page
//! numbering is refused when it is read: the PDF and the DOCX paginate differently, so numbers
//! restarting per page could not agree between them).
use crate::style::MarkForm;

/// The mark of note `number` in `form`, `has_glyph` telling whether the mark face draws a
/// character.
pub fn mark(number: u32, form: MarkForm, has_glyph: impl Fn(char) -> bool) -> String {
    match (form, circled(number)) {
        (MarkForm::Circled, Some(c)) if has_glyph(c) => c.to_string(),
        _ => number.to_string(),
    }
}

/// The circled number `n` (1–50), if Unicode has one.
pub fn circled(n: u32) -> Option<char> {
    let cp = match n {
        1..=20 => 0x2460 + n - 1,
        21..=35 => 0x3251 + n - 21,
        36..=50 => 0x32B1 + n - 36,
        _ => return None,
    };
    char::from_u32(cp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circled_numbers() {
        assert_eq!(circled(1), Some('\u{2460}'));
        assert_eq!(circled(20), Some('\u{2473}'));
        assert_eq!(circled(21), Some('\u{3251}'));
        assert_eq!(circled(36), Some('\u{32B1}'));
        assert_eq!(circled(50), Some('\u{32BF}'));
        assert_eq!(circled(51), None);
    }

    #[test]
    fn circled_where_asked_and_drawn_else_digits() {
        assert_eq!(mark(3, MarkForm::Circled, |_| true), "\u{2462}");
        assert_eq!(mark(21, MarkForm::Circled, |_| true), "\u{3251}");
        assert_eq!(mark(21, MarkForm::Circled, |c| c < '\u{3000}'), "21");
        assert_eq!(mark(51, MarkForm::Circled, |_| true), "51");
        assert_eq!(mark(3, MarkForm::Superscript, |_| true), "3");
    }
}
