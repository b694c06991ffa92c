//! CJK text tables: which characters are Han and which ASCII marks have a full-width form
//! (what a title is: `passes::structure::title`). A leaf module: it imports nothing from the crate, so
//! readers, passes and writers can all use it without depending on each other.

/// A Han (CJK ideograph) character, in any of the unified blocks or the compatibility block.
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

/// The full-width form of an ASCII punctuation mark that Chinese text writes full-width:
/// `, : ; ! ? ( )` → U+FF0C U+FF1A U+FF1B U+FF01 U+FF1F U+FF08 U+FF09.
pub fn full_width(c: char) -> Option<char> {
    Some(match c {
        ',' => '\u{FF0C}',
        ':' => '\u{FF1A}',
        ';' => '\u{FF1B}',
        '!' => '\u{FF01}',
        '?' => '\u{FF1F}',
        '(' => '\u{FF08}',
        ')' => '\u{FF09}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables() {
        assert!(is_han('\u{4E2D}') && is_han('\u{20000}') && !is_han('\u{FF0C}') && !is_han('A'));
        assert_eq!(full_width(','), Some('\u{FF0C}'));
        assert_eq!(full_width('.'), None);
    }
}
