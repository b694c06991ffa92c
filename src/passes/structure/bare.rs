//! Level-1 headings a report writes without a number, each on a line of its own
//! (`2019年工作回顾`, `2020年工作目标和主要任务`, `全面加强政府自身建设`): scraped county and city
//! reports often drop the `一、` the printed copy has. Such a line is read as a level-1 heading by
//! its position and shape (docs/scraped-pages.md):
//! - **position**: after the salutation, right after a paragraph, and followed by prose (a line
//!   with a sentence mark, or a numbered level-2/3/4 line such as `（一）…` run in);
//! - **shape**: 4 to 20 characters, at least four of them Han, no punctuation but quotes and book
//!   title marks, not numbered, not a date, not the salutation or an annex heading.
//!
//! When the report also numbers level-1 headings (`一、…`), such a line is a doubt: it stays a
//! paragraph and raises `possible-heading` with its line.
use super::{attachment_file, heading_level, is_annex_start, is_salutation, SENTENCE_MARKS};
use crate::model::Block;

/// At most this many characters for an unnumbered heading.
const LONGEST: usize = 20;
/// At least this many characters (all of them may be Han).
const SHORTEST: usize = 4;

/// Does `text` have the shape of an unnumbered heading?
pub fn has_shape(text: &str) -> bool {
    let n = text.chars().count();
    let han = text.chars().filter(|&c| crate::cjk::is_han(c)).count();
    let allowed = |c: char| {
        crate::cjk::is_han(c)
            || c.is_ascii_alphanumeric()
            || matches!(c, '\u{201C}' | '\u{201D}' | '\u{300A}' | '\u{300B}')
    };
    (SHORTEST..=LONGEST).contains(&n)
        && han >= SHORTEST
        && text.chars().all(allowed)
        && heading_level(text).is_none()
        && !is_date(text)
        && !is_annex_start(text)
        && attachment_file(text).is_none()
        && !super::title::is_title(text)
}

/// `2020年1月8日`: a date line (a signature's), never a heading.
fn is_date(text: &str) -> bool {
    text.ends_with('日') && text.contains('年') && text.contains('月')
}

/// Is the line at this position an unnumbered heading: after the salutation (`greeted`), the
/// block before it a paragraph, the next line prose?
pub fn at_position(greeted: bool, before: Option<&Block>, next: Option<&str>) -> bool {
    let after_paragraph = matches!(before, Some(Block::Paragraph { .. }));
    let prose_next = next.is_some_and(|n| {
        let numbered = matches!(heading_level(n), Some(2..=4));
        let entry = super::annex::entry_number(n).is_some() && !numbered;
        (numbered || n.contains(SENTENCE_MARKS))
            && !entry
            && !is_salutation(n)
            && !is_annex_start(n)
    });
    greeted && after_paragraph && prose_next
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Inline;

    #[test]
    fn the_shape_of_an_unnumbered_heading() {
        for t in [
            "2019年工作回顾",
            "2020年工作目标和主要任务",
            "全面加强政府自身建设",
            "持续打好“三大攻坚战”",
        ] {
            assert!(has_shape(t), "{t}");
        }
        for t in [
            "回顾",
            "一\u{3001}工作回顾",
            "2020年1月8日",
            "某某市人民政府工作报告",
            "附件",
            "名词解释",
            "继续推进改革\u{3002}",
            "稳增长\u{3001}调结构",
            "某某某某某某某某某某某某某某某某某某某某某",
            "谢谢",
        ] {
            assert!(!has_shape(t), "{t}");
        }
    }

    #[test]
    fn the_position_of_an_unnumbered_heading() {
        let para = Block::Paragraph {
            lead: None,
            content: vec![Inline::Text("正文\u{3002}".into())],
        };
        let salutation = Block::Salutation(vec![Inline::Text("各位代表\u{FF1A}".into())]);
        let prose = Some("过去一年\u{FF0C}我们砥砺前行\u{3002}");
        assert!(at_position(true, Some(&para), prose));
        assert!(at_position(
            true,
            Some(&para),
            Some("\u{FF08}一\u{FF09}经济稳步增长")
        ));
        assert!(!at_position(false, Some(&para), prose));
        assert!(!at_position(true, Some(&salutation), prose));
        assert!(!at_position(true, Some(&para), None));
        assert!(!at_position(true, Some(&para), Some("某某市人民政府")));
        assert!(!at_position(
            true,
            Some(&para),
            Some("\u{3014}1\u{3015}放管服\u{FF1A}简称\u{3002}")
        ));
    }
}
