//! Control characters out of the text: C0 controls other than tab and line ends, DEL, C1
//! controls, and the non-characters U+FFFE and U+FFFF (lone surrogates cannot occur: decoding
//! already made them U+FFFD). XML 1.0 forbids all of them in a document, so a form feed left in a
//! line would make the EPUB's XHTML and the DOCX's XML ill-formed. They carry nothing a reader
//! sees; each line (or note) that loses any is listed in `cleaning.removed` with the code points,
//! `cleaning.control_characters` counts them, and a `control-characters` warning is raised.
use crate::check_report::{CheckReport, Cleaning, Removed};
use crate::model::Entry;

/// A character XML 1.0 does not allow in a document (or allows only as a line end).
pub fn is_forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// `text` without forbidden characters; what went is recorded against source line `line`
/// (`why` says where, for text that is not a report line).
pub fn remove(line: usize, text: String, why: &str, cleaning: &mut Cleaning) -> String {
    let Some(first) = text.chars().position(is_forbidden) else {
        return text;
    };
    let mut kept = String::with_capacity(text.len());
    let mut gone: Vec<(char, usize)> = Vec::new();
    for c in text.chars() {
        if !is_forbidden(c) {
            kept.push(c);
        } else if let Some(g) = gone.iter_mut().find(|g| g.0 == c) {
            g.1 += 1;
        } else {
            gone.push((c, 1));
        }
    }
    let count: usize = gone.iter().map(|g| g.1).sum();
    cleaning.control_characters += count;
    let listed: Vec<String> = gone
        .iter()
        .map(|&(c, n)| match n {
            1 => format!("U+{:04X}", c as u32),
            n => format!("U+{:04X}\u{D7}{n}", c as u32),
        })
        .collect();
    cleaning.removed.push(Removed {
        line,
        column: first + 1,
        text: listed.join(" "),
        why: format!("{count} control character(s){why}, which XML forbids"),
    });
    kept
}

/// The same for the terms and texts of notes read from an annotations file.
pub fn remove_from_entries(entries: &mut [Entry], cleaning: &mut Cleaning) {
    for e in entries {
        let why = format!(" in note {}", e.number);
        e.term = remove(0, std::mem::take(&mut e.term), &why, cleaning);
        e.text = remove(0, std::mem::take(&mut e.text), &why, cleaning);
    }
}

/// Raise the `control-characters` warning when any were removed.
pub fn warn(report: &mut CheckReport) {
    let n = report.cleaning.control_characters;
    if n == 0 {
        return;
    }
    let line = report
        .cleaning
        .removed
        .iter()
        .find(|r| r.why.contains("control character") && r.line > 0)
        .map(|r| r.line);
    report.warn(
        "control-characters",
        format!("{n} control character(s) removed (listed under cleaning.removed)"),
        line,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_go_and_are_counted() {
        let mut c = Cleaning::default();
        let out = remove(
            3,
            "a\u{C}b\u{7}\u{7}c\u{1B}\td\u{85}\u{FFFF}".into(),
            "",
            &mut c,
        );
        assert_eq!(out, "abc\td");
        assert_eq!(c.control_characters, 6);
        assert_eq!(c.removed.len(), 1);
        assert_eq!(c.removed[0].line, 3);
        assert_eq!(c.removed[0].column, 2);
        assert_eq!(
            c.removed[0].text,
            "U+000C U+0007\u{D7}2 U+001B U+0085 U+FFFF"
        );
        let same = remove(4, "無控制字符\t".into(), "", &mut c);
        assert_eq!(same, "無控制字符\t");
        assert_eq!(c.removed.len(), 1);
    }

    #[test]
    fn xml_rules() {
        for c in [
            '\u{0}', '\u{8}', '\u{B}', '\u{C}', '\u{1F}', '\u{7F}', '\u{9F}', '\u{FFFE}',
        ] {
            assert!(is_forbidden(c), "{c:?}");
        }
        for c in ['\t', '\n', '\r', ' ', '\u{A0}', '\u{FFFD}', '\u{3000}'] {
            assert!(!is_forbidden(c), "{c:?}");
        }
    }
}
