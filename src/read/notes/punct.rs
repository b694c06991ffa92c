//! ASCII → full-width punctuation inside Chinese text, the cleaning pass's rule applied to notes
//! so that entries from every format compare equal: ASCII `, : ; ! ? ( )` next to Chinese text
//! become U+FF0C U+FF1A U+FF1B U+FF01 U+FF1F U+FF08 U+FF09. Decimals, digit grouping and Latin
//! runs (`PM2.5`, `1,000`, `Contract Development`) stay as they are; a bracket pair converts
//! together, so `组织(Contract …)` gets both of its brackets full-width.

/// Full-width form of an ASCII punctuation mark this rule converts (also the report cleaning
/// pass's table).
pub(crate) fn wide(c: char) -> Option<char> {
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

/// Han characters, CJK punctuation, full-width forms and Chinese quotes/dashes.
fn chinese(c: char) -> bool {
    matches!(c,
        '\u{2014}' | '\u{2018}'..='\u{201D}' | '\u{2026}'
        | '\u{3000}'..='\u{303F}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}' | '\u{20000}'..='\u{3FFFF}')
}

pub fn normalize(s: &str) -> String {
    if !s.chars().any(|c| wide(c).is_some()) {
        return s.to_string();
    }
    let mut chars: Vec<char> = s.chars().collect();
    // Matching bracket of each ASCII bracket.
    let mut partner = vec![usize::MAX; chars.len()];
    let mut open = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '(' => open.push(i),
            ')' => {
                if let Some(o) = open.pop() {
                    partner[o] = i;
                    partner[i] = o;
                }
            }
            _ => {}
        }
    }
    // Converting one mark can make its neighbour's context Chinese (`)，`): repeat until stable.
    loop {
        let mut changed = false;
        for i in 0..chars.len() {
            let Some(w) = wide(chars[i]) else { continue };
            let before = chars[..i].iter().rev().find(|c| !c.is_whitespace());
            let after = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            let near = before.is_some_and(|&c| chinese(c)) || after.is_some_and(|&c| chinese(c));
            let between_digits = matches!(chars[i], ',' | ':')
                && i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit());
            if near && !between_digits {
                chars[i] = w;
                changed = true;
                let p = partner[i];
                if p != usize::MAX {
                    if let Some(pw) = wide(chars[p]) {
                        chars[p] = pw;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn converts_inside_chinese_text() {
        assert_eq!(
            normalize("公斤(即1吨)的农田,耕地;"),
            "公斤\u{FF08}即1吨\u{FF09}的农田\u{FF0C}耕地\u{FF1B}"
        );
    }

    #[test]
    fn converts_a_latin_bracket_pair_and_the_comma_after_it() {
        assert_eq!(
            normalize("组织(Contract Development and Manufacturing Organization),为医药企业"),
            "组织\u{FF08}Contract Development and Manufacturing Organization\u{FF09}\u{FF0C}为医药企业"
        );
    }

    #[test]
    fn leaves_numbers_and_latin_runs() {
        assert_eq!(
            normalize("PM2.5, 1,000 and (S510)"),
            "PM2.5, 1,000 and (S510)"
        );
        assert_eq!(normalize("增长1,000元"), "增长1,000元");
    }
}
