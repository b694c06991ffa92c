//! What the front matter says about the report, for the editions' metadata: the speaker line
//! (→ PDF `/Author`, EPUB `dc:creator`, DOCX `dc:creator`), the date of the date/meeting line
//! (→ EPUB `dc:date`) and the meeting (→ PDF `/Subject`, EPUB `dc:description`). Read from the
//! subtitle blocks each time (the text is stored once, in the blocks); absent in the text →
//! `None`, and absent in the editions.
use crate::model::{Block, Document};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    /// The speaker line as written (`国务院总理　李　强`, inner U+3000 kept).
    pub speaker: Option<String>,
    /// `(year, month, day)` of the date/meeting line.
    pub date: Option<(i32, u32, u32)>,
    /// `第十四届全国人民代表大会第二次会议` from `——2024年3月5日在第十四届…第二次会议上`.
    pub meeting: Option<String>,
}

impl FrontMatter {
    /// `2024-03-05`.
    pub fn iso_date(&self) -> Option<String> {
        self.date.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
    }
}

/// The front matter of `doc`.
pub fn of(doc: &Document) -> FrontMatter {
    let mut fm = FrontMatter::default();
    for b in &doc.blocks {
        let Block::Subtitle(_) = b else { continue };
        let text = b.text();
        let t = text.trim();
        let dated = t
            .trim_start_matches(['\u{2014}', '\u{2015}', '-', '\u{FF08}', '('])
            .trim_end_matches(['\u{FF09}', ')']);
        if dated.len() < t.len() || date_of(dated).is_some() {
            if fm.date.is_none() {
                fm.date = date_of(dated);
            }
            if fm.meeting.is_none() {
                fm.meeting = meeting_of(dated);
            }
        } else if fm.speaker.is_none() && !t.is_empty() {
            fm.speaker = Some(t.to_string());
        }
    }
    fm
}

/// `2024年3月5日` anywhere in the line.
pub fn date_of(text: &str) -> Option<(i32, u32, u32)> {
    let chars: Vec<char> = text.chars().collect();
    let number = |from: usize| -> Option<(u32, usize)> {
        let n = chars[from..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let v: String = chars[from..from + n].iter().collect();
        Some((v.parse().ok()?, from + n))
    };
    for start in 0..chars.len() {
        if !chars[start].is_ascii_digit() || (start > 0 && chars[start - 1].is_ascii_digit()) {
            continue;
        }
        let Some((y, i)) = number(start) else {
            continue;
        };
        if chars.get(i) != Some(&'年') {
            continue;
        }
        let Some((m, j)) = number(i + 1) else {
            continue;
        };
        if chars.get(j) != Some(&'月') {
            continue;
        }
        let Some((d, k)) = number(j + 1) else {
            continue;
        };
        if chars.get(k) == Some(&'日') && (1..=12).contains(&m) && (1..=31).contains(&d) {
            return Some((y as i32, m, d));
        }
    }
    None
}

/// The meeting between `在` and the closing `上`.
fn meeting_of(text: &str) -> Option<String> {
    let after = text.split_once('在')?.1;
    let meeting = after.strip_suffix('上').unwrap_or(after).trim();
    (meeting.contains("会议") || meeting.contains("會議")).then(|| meeting.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Inline;

    fn sub(t: &str) -> Block {
        Block::Subtitle(vec![Inline::Text(t.into())])
    }

    #[test]
    fn speaker_date_and_meeting_from_the_subtitles() {
        let doc = Document::new(vec![
            Block::Title(vec![Inline::Text("政府工作报告".into())]),
            sub("\u{2014}\u{2014}2024年3月5日在第十四届全国人民代表大会第二次会议上"),
            sub("国务院总理\u{3000}李\u{3000}强"),
        ]);
        let fm = of(&doc);
        assert_eq!(
            fm.speaker.as_deref(),
            Some("国务院总理\u{3000}李\u{3000}强")
        );
        assert_eq!(fm.iso_date().as_deref(), Some("2024-03-05"));
        assert_eq!(
            fm.meeting.as_deref(),
            Some("第十四届全国人民代表大会第二次会议")
        );
        // Parenthesised date line, no speaker.
        let fm = of(&Document::new(vec![sub(
            "\u{FF08}2025年1月12日在某某县第十八届人民代表大会第五次会议上\u{FF09}",
        )]));
        assert_eq!(fm.date, Some((2025, 1, 12)));
        assert_eq!(fm.speaker, None);
        assert!(fm.meeting.unwrap().starts_with("某某县"));
        assert_eq!(of(&Document::new(vec![])), FrontMatter::default());
    }
}
