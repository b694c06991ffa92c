//! The edition title: the text's title line, else `--title`, else the report file's stem. A
//! text without a title line raises `no-title` (unless `--title` was given), so an empty title
//! is never written anywhere.
use crate::check_report::CheckReport;
use crate::model::{Block, Document};
use std::path::Path;

/// Used when even the file's stem is empty.
const FALLBACK: &str = "报告";

/// Set [`Document::edition_title`] from `--title` or, for a text without a title line, from
/// the file's stem; record the title in the check report.
pub fn edition_title(
    doc: &mut Document,
    given: Option<&str>,
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
        report.warn(
            "no-title",
            format!(
                "no title line (a short line ending in 报告) found: the editions are titled \
                 \u{201C}{stem}\u{201D} after the file; give --title TEXT to name them"
            ),
            None,
        );
        doc.edition_title = Some(stem);
    }
    report.title = doc.title();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Inline;

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
        edition_title(&mut doc, None, Path::new("in/某某县.txt"), &mut report);
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
            Path::new("a.txt"),
            &mut report,
        );
        assert_eq!(doc.title(), "某某县政府工作报告");
        assert!(report.warnings.is_empty());
        // An empty --title is no title: the stem names the editions.
        let mut doc = Document::new(vec![para("正文\u{3002}")]);
        edition_title(&mut doc, Some("  "), Path::new(".txt"), &mut report);
        assert_eq!(doc.title(), ".txt");
    }

    #[test]
    fn the_text_title_stays_when_present() {
        let mut doc = Document::new(vec![Block::Title(vec![Inline::Text(
            "政府工作报告".into(),
        )])]);
        let mut report = CheckReport::default();
        edition_title(&mut doc, None, Path::new("x.txt"), &mut report);
        assert_eq!(doc.edition_title, None);
        assert_eq!(doc.title(), "政府工作报告");
        assert!(report.warnings.is_empty());
    }
}
