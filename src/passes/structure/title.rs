//! What a title is, once for the whole crate, and the edition title.
//!
//! **The title test** ([`is_title`], [`title_text`]): a line is a report's title when, with the
//! whitespace between its Han characters dropped (`政 府 工 作 报 告`, single, double or U+3000
//! spaces), it is at most [`TITLE_MAX`] characters, holds no sentence mark (`。，；！？：`) and ends
//! in 报告/報告 (a report) or 决议/決議/决定/決定 (a resolution or decision of the session). The clean
//! pass finds the title with it ([`crate::passes::clean::front::find_title`], which also joins a
//! title spread over two or three lines) and the structure pass makes it the title block; no
//! other code decides what a title is (a folder build takes every `.txt`, as `build FILE` does).
//!
//! **A meeting line** ([`is_meeting_line`]): `某市第七届人民代表大会第七次会议` right above a title
//! is its label, kept as a subtitle line above the title (a resolution's heading).
//!
//! **The edition title**: the text's title line, else `--title` (in a pack: the manifest's
//! `title =`), else the report file's stem. A text without a title line raises `no-title`
//! (unless a title was given), so an empty title is never written anywhere.
use crate::check_report::CheckReport;
use crate::model::{plain, Block, Document, Inline};
use std::path::Path;

/// Used when even the file's stem is empty.
const FALLBACK: &str = "报告";
/// At most this many characters in a title (a title spread over two or three lines included).
pub const TITLE_MAX: usize = 64;
/// At most this many characters in a meeting line.
const MEETING_MAX: usize = 40;
/// What a title ends in.
const TITLE_ENDS: [&str; 6] = ["报告", "報告", "决议", "決議", "决定", "決定"];
/// Marks no title holds.
const SENTENCE_MARKS: [char; 6] = [
    '\u{3002}', '\u{FF0C}', '\u{FF1B}', '\u{FF01}', '\u{FF1F}', '\u{FF1A}',
];

/// Is this line (already without its spacing and glosses) a title? See the module text.
pub fn is_title(text: &str) -> bool {
    let t = text.trim();
    t.chars().count() <= TITLE_MAX
        && !t.contains(SENTENCE_MARKS)
        && TITLE_ENDS.iter().any(|e| t.ends_with(e))
}

/// The line as a title (letter-spacing dropped), when it is one.
pub fn title_text(line: &str) -> Option<String> {
    let t = despaced(line);
    is_title(&t).then_some(t)
}

/// A meeting line above a title: `某市第七届人民代表大会第七次会议`.
pub fn is_meeting_line(line: &str) -> bool {
    let t = despaced(line);
    let n = t.chars().count();
    n > 4
        && n <= MEETING_MAX
        && (t.ends_with("会议") || t.ends_with("會議"))
        && !t.contains(SENTENCE_MARKS)
        && !t.contains('\u{3001}')
}

/// The line with whitespace between non-ASCII characters removed (`政 府 工 作 报 告`);
/// whitespace next to Latin letters or digits stays, unless the line is letter-spaced
/// (`关 于 某 市 2025 年`: there only whitespace between two Latin words stays).
pub fn despaced(line: &str) -> String {
    let spaced = letter_spaced(line);
    let chars: Vec<char> = line.trim().chars().collect();
    let mut out = String::with_capacity(line.len());
    for (i, &c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            let before = out.chars().next_back();
            let after = chars[i..].iter().find(|c| !c.is_whitespace());
            let latin = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
            let keep = if spaced {
                latin(before.as_ref()) && latin(after)
            } else {
                latin(before.as_ref()) || latin(after)
            };
            if keep {
                out.push(c);
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// Whitespace between two non-ASCII characters (`政 府`, `关  于`, `政\u{3000}府`).
pub fn letter_spaced(line: &str) -> bool {
    let chars: Vec<char> = line.trim().chars().filter(|c| *c != '\u{C}').collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii() && !chars[i].is_whitespace() {
            let run = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_whitespace())
                .count();
            let next = chars.get(i + 1 + run);
            if run > 0 && next.is_some_and(|c| !c.is_ascii() && !c.is_whitespace()) {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// How the user names a document that has no title line (the `no-title` warning's advice).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum TitleKey {
    /// `build`/`check`: the `--title` option.
    #[default]
    Option,
    /// `pack`: the `title =` key of the manifest's `[[document]]` number N (1-based).
    Manifest(usize),
}

/// Set [`Document::edition_title`] from the given title or, for a text without a title line,
/// from the file's stem; record the title in the check report.
pub fn edition_title(
    doc: &mut Document,
    given: Option<&str>,
    key: &TitleKey,
    path: &Path,
    report: &mut CheckReport,
) {
    let has_title = doc.blocks.iter().any(|b| matches!(b, Block::Title(_)));
    let given = given.map(str::trim).filter(|t| !t.is_empty());
    if let Some(t) = given {
        doc.edition_title = Some(t.to_string());
    } else if !has_title {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| FALLBACK.to_string());
        let advice = match key {
            TitleKey::Option => "give --title TEXT to name them".to_string(),
            TitleKey::Manifest(k) => {
                format!("give title = \"…\" in [[document]] {k} of the manifest to name them")
            }
        };
        report.warn(
            "no-title",
            format!(
                "no title line (a short line ending in 报告 or 决议) found: the editions are \
                 titled \u{201C}{stem}\u{201D} after the file; {advice}"
            ),
            None,
        );
        doc.edition_title = Some(stem);
    }
    report.title = doc.title();
}

/// A title given for the document (a pack manifest's `title =`) set as the title of a text that
/// has none — at the top, under a meeting line — and a given `subtitle` under the title and the
/// text's own subtitle lines.
pub fn set_given(doc: &mut Document, title: Option<&str>, subtitle: Option<&str>) {
    let text = |t: &str| vec![Inline::Text(t.to_string())];
    let has_title = doc.blocks.iter().any(|b| matches!(b, Block::Title(_)));
    if let (Some(t), false) = (title.map(str::trim).filter(|t| !t.is_empty()), has_title) {
        let meeting = |b: &Block| match b {
            Block::Subtitle(c) => is_meeting_line(&plain(c)),
            _ => false,
        };
        let at = usize::from(doc.blocks.first().is_some_and(meeting));
        doc.blocks.insert(at, Block::Title(text(t)));
    }
    if let Some(s) = subtitle.map(str::trim).filter(|s| !s.is_empty()) {
        let title = doc
            .blocks
            .iter()
            .position(|b| matches!(b, Block::Title(_)))
            .map_or(0, |t| t + 1);
        let at = title
            + doc.blocks[title..]
                .iter()
                .take_while(|b| matches!(b, Block::Subtitle(_)))
                .count();
        doc.blocks.insert(at, Block::Subtitle(text(s)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(t: &str) -> Block {
        Block::Paragraph {
            lead: None,
            content: vec![Inline::Text(t.into())],
        }
    }

    #[test]
    fn a_text_without_title_is_named_after_its_file_and_warned() {
        let mut doc = Document::new(vec![para("各位代表\u{FF1A}")]);
        let mut report = CheckReport::default();
        edition_title(
            &mut doc,
            None,
            &TitleKey::Option,
            Path::new("in/某某县.txt"),
            &mut report,
        );
        assert_eq!(doc.title(), "某某县");
        assert_eq!(report.title, "某某县");
        assert_eq!(report.warnings[0].code, "no-title");
    }

    #[test]
    fn given_title_wins_without_a_warning() {
        let mut doc = Document::new(vec![para("正文\u{3002}")]);
        let mut report = CheckReport::default();
        edition_title(
            &mut doc,
            Some(" 某某县政府工作报告 "),
            &TitleKey::Option,
            Path::new("a.txt"),
            &mut report,
        );
        assert_eq!(doc.title(), "某某县政府工作报告");
        assert!(report.warnings.is_empty());
        // An empty --title is no title: the stem names the editions.
        let mut doc = Document::new(vec![para("正文\u{3002}")]);
        edition_title(
            &mut doc,
            Some("  "),
            &TitleKey::Option,
            Path::new(".txt"),
            &mut report,
        );
        assert_eq!(doc.title(), ".txt");
    }

    #[test]
    fn the_text_title_stays_when_present() {
        let mut doc = Document::new(vec![Block::Title(vec![Inline::Text(
            "政府工作报告".into(),
        )])]);
        let mut report = CheckReport::default();
        edition_title(
            &mut doc,
            None,
            &TitleKey::Option,
            Path::new("x.txt"),
            &mut report,
        );
        assert_eq!(doc.edition_title, None);
        assert_eq!(doc.title(), "政府工作报告");
        assert!(report.warnings.is_empty());
    }

    #[test]
    fn the_title_test() {
        assert!(is_title("  2024年政府工作报告 "));
        assert!(is_title("政府工作報告"));
        assert!(is_title("关于某市2025年预算执行情况和2026年预算草案的报告"));
        assert!(is_title("关于政府工作报告的决议"));
        assert!(!is_title(&format!("{}报告", "很".repeat(TITLE_MAX - 1))));
        assert!(!is_title("报告了什么"));
        assert!(!is_title("会议听取了报告\u{FF0C}同意报告"));
        assert_eq!(
            title_text("政  府  工  作  报  告").as_deref(),
            Some("政府工作报告")
        );
        assert!(is_meeting_line("某市第七届人民代表大会第七次会议"));
        assert!(!is_meeting_line("会议"));
        assert!(!is_meeting_line("市委召开会议\u{FF0C}研究部署工作会议"));
    }

    #[test]
    fn a_given_title_and_subtitle_are_set_in_a_text_without_title() {
        let meeting = Block::Subtitle(vec![Inline::Text(
            "某市第七届人民代表大会第七次会议".into(),
        )]);
        let mut doc = Document::new(vec![meeting, para("会议听取了报告。")]);
        set_given(&mut doc, Some("关于某事的决议"), Some("（某日通过）"));
        let kinds: Vec<String> = doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Title(c) => format!("title {}", plain(c)),
                Block::Subtitle(c) => format!("subtitle {}", plain(c)),
                _ => "other".into(),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "subtitle 某市第七届人民代表大会第七次会议",
                "title 关于某事的决议",
                "subtitle （某日通过）",
                "other"
            ]
        );
        // A text with its own title keeps it.
        set_given(&mut doc, Some("另一个标题"), None);
        assert_eq!(doc.title(), "关于某事的决议");
    }

    #[test]
    fn in_a_pack_the_warning_names_the_manifest_key() {
        let mut doc = Document::new(vec![para("正文\u{3002}")]);
        let mut report = CheckReport::default();
        edition_title(
            &mut doc,
            None,
            &TitleKey::Manifest(3),
            Path::new("r.txt"),
            &mut report,
        );
        let m = &report.warnings[0].message;
        assert!(
            m.contains("title = ") && m.contains("[[document]] 3"),
            "{m}"
        );
        assert!(!m.contains("--title"), "{m}");
    }
}
