//! Annexes inside the report: the sections after the closing paragraph that a report publishes
//! with it (`附件1`, `附件2：名词解释`, `附件：`, `附：`, or a glossary heading alone such as
//! `名词解释`).

/// Headings of a glossary annex: its entries explain terms of the report.
pub const GLOSSARY_TITLES: [&str; 8] = [
    "名词解释",
    "名詞解釋",
    "注释",
    "註釋",
    "有关注释",
    "有關注釋",
    "名词注释",
    "名詞注釋",
];

/// At most this many characters for an annex heading line.
const ANNEX_HEADING: usize = 30;

/// Does the line open an annex (full-width colons expected, as the clean pass leaves them)?
pub fn is_annex_start(line: &str) -> bool {
    let t = line.trim();
    if t.chars().count() > ANNEX_HEADING {
        return false;
    }
    if let Some(rest) = t.strip_prefix("附件") {
        let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c.is_whitespace());
        return rest.is_empty() || rest.starts_with('\u{FF1A}');
    }
    t.starts_with("附\u{FF1A}") || is_glossary_title(t)
}

/// A glossary heading: one of [`GLOSSARY_TITLES`], alone or after a book title
/// (`《政府工作报告》名词解释`).
pub fn is_glossary_title(text: &str) -> bool {
    let t = text.trim().trim_end_matches('\u{FF1A}');
    let t = match t.rfind('\u{300B}') {
        Some(i) if t.starts_with('\u{300A}') => &t[i + '\u{300B}'.len_utf8()..],
        _ => t,
    };
    GLOSSARY_TITLES.contains(&t)
}
