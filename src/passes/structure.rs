//! Structure pass: cleaned raw lines → title, subtitle lines, salutation, headings, paragraphs and
//! the closing attachment line. One source line is one block; blank lines are dropped.
//!
//! - **Title**: the first line, when [`title::is_title`] accepts it (the clean pass dropped what
//!   came before the title and put a spaced or split title on one line); a meeting line
//!   ([`title::is_meeting_line`]) right above it is a subtitle line set above the title (a
//!   resolution's heading: meeting, `关于…的决议`, then its adoption line `（…通过）`). A text without one has
//!   no title block: [`title::edition_title`] names the editions and raises `no-title`.
//! - **Subtitle**: lines right after the title, before anything else, that are a date line
//!   (`——2024年1月…`, or wholly in parentheses, at most 64 characters) or a short line without sentence marks (the
//!   speaker line `縣長　某某`).
//! - **Salutation**: a short line `各位代表：` (also `各位代表、各位委員：`).
//! - **Level 1** `一、…`: a heading on its own line (no sentence end; commas allowed).
//! - **Level 2** `（一）…`: a run-in heading, the paragraph's first sentence up to and including
//!   the first `。` (whatever its length); the rest stays the paragraph. Alone on a line it is a
//!   heading of its own: one sentence ending in `。`, or a line with commas and no closing mark
//!   (`（一）深入落实城市总体规划，推动京津冀协同发展走深走实`). `一是…`, `第一，` are not headings.
//! - **Level 3** `1.` / `1、` / `1．` and **level 4** `（1）`: own line when short with no sentence
//!   end, else run-in like level 2.
//! - **Attachment**: a line `附件：…`; the file name after the colon goes to `file` and
//!   `report.structure.attachment`.
use crate::check_report::{CheckReport, Heading};
use crate::error::Result;
use crate::model::{Block, Document, Inline, Lead};
use crate::read::Line;

pub mod annex;
pub mod title;

pub(crate) use annex::is_annex_start;

pub struct Structure;

/// At most this many characters for a line to count as a heading or subtitle on its own.
const SHORT: usize = 40;
/// At most this many characters for a date line under the title (`（2026年2月11日…会议通过）`).
const DATELINE: usize = 64;
/// At most this many characters for a level-1/2 heading line with commas and no closing mark.
const OPEN_HEADING: usize = 80;

const FULL_STOP: char = '\u{3002}';
/// Marks that end (or split) a sentence: a line holding one is prose, not a heading.
const SENTENCE_MARKS: [char; 5] = ['\u{3002}', '\u{FF01}', '\u{FF1F}', '\u{FF1B}', '\u{FF0C}'];

impl Structure {
    /// The cleaned lines → the document's blocks (only final blocks: the model has no raw
    /// lines).
    pub fn run(&self, lines: Vec<Line>, report: &mut CheckReport) -> Result<Document> {
        let mut blocks = Vec::with_capacity(lines.len());
        // Subtitles may follow the title (or open a text without one) until the first other block.
        let mut after_title = true;
        let lines: Vec<String> = lines
            .into_iter()
            .map(|l| l.text.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        let mut annexes = annex::Annexes::default();
        // The first block is a meeting line set above the title.
        let mut meeting_above = false;
        let mut i = 0;
        while i < lines.len() {
            let text = lines[i].as_str();
            i += 1;
            let body_started = !after_title;
            if let Some(used) = annexes.line(body_started, &lines[i - 1..], &mut blocks, report) {
                i += used;
                continue;
            }
            if blocks.is_empty()
                && title::is_meeting_line(text)
                && lines.get(i).is_some_and(|n| title::is_title(n))
            {
                blocks.push(Block::Subtitle(inline(text)));
                meeting_above = true;
                continue;
            }
            if (blocks.is_empty() || (meeting_above && blocks.len() == 1)) && title::is_title(text)
            {
                report.title = text.to_string();
                blocks.push(Block::Title(inline(text)));
                after_title = true;
                continue;
            }
            if after_title && is_subtitle(text) {
                blocks.push(Block::Subtitle(inline(text)));
                continue;
            }
            after_title = false;
            let block = classify(text);
            match &block {
                Block::Heading { level, content } => report.structure.headings.push(Heading {
                    level: *level,
                    text: crate::model::plain(content),
                }),
                Block::Paragraph { lead, .. } => {
                    report.structure.paragraphs += 1;
                    if let Some(l) = lead {
                        report.structure.headings.push(Heading {
                            level: l.level,
                            text: crate::model::plain(&l.content),
                        });
                    }
                }
                Block::Attachment { file, .. } => report.structure.attachment = file.clone(),
                _ => {}
            }
            blocks.push(block);
        }
        Ok(Document::new(blocks))
    }
}

fn inline(text: &str) -> Vec<Inline> {
    vec![Inline::Text(text.to_string())]
}

fn is_short_line(text: &str) -> bool {
    text.chars().count() <= SHORT && !text.contains(SENTENCE_MARKS)
}

fn is_subtitle(text: &str) -> bool {
    let dated = text.starts_with("——")
        || ((text.starts_with('\u{FF08}') || text.starts_with('('))
            && (text.ends_with('\u{FF09}') || text.ends_with(')')));
    let other =
        is_salutation(text) || heading_level(text).is_some() || attachment_file(text).is_some();
    (dated && text.chars().count() <= DATELINE) || (is_short_line(text) && !other)
}

pub(crate) fn is_salutation(text: &str) -> bool {
    let body = text
        .strip_suffix('\u{FF1A}')
        .or_else(|| text.strip_suffix(':'));
    body.is_some_and(|b| {
        b.starts_with("各位") && b.chars().count() <= 20 && !b.contains(SENTENCE_MARKS)
    })
}

fn classify(text: &str) -> Block {
    if is_salutation(text) {
        return Block::Salutation(inline(text));
    }
    if let Some(file) = attachment_file(text) {
        return Block::Attachment {
            content: inline(text),
            file: Some(file),
        };
    }
    match heading_level(text) {
        Some(level) if level <= 2 && is_open_heading(text) => Block::Heading {
            level,
            content: inline(text),
        },
        Some(level @ 2..=4) => run_in(level, text),
        _ => paragraph(text),
    }
}

/// A level-1 or level-2 heading on a line of its own that may hold commas but never closes a
/// sentence (`（一）深入落实城市总体规划，推动京津冀协同发展走深走实`).
fn is_open_heading(text: &str) -> bool {
    const CLOSING: [char; 4] = ['\u{3002}', '\u{FF01}', '\u{FF1F}', '\u{FF1B}'];
    text.chars().count() <= OPEN_HEADING && !text.contains(CLOSING)
}

/// Own-line heading when short with no sentence mark or exactly one sentence (any length),
/// else a paragraph opened by its first sentence as a run-in lead.
fn run_in(level: u8, text: &str) -> Block {
    let lead_end = text.find(FULL_STOP).map(|i| i + FULL_STOP.len_utf8());
    let whole_sentence = lead_end == Some(text.len());
    if is_short_line(text) || whole_sentence {
        return Block::Heading {
            level,
            content: inline(text),
        };
    }
    match lead_end {
        Some(end) => Block::Paragraph {
            lead: Some(Lead {
                level,
                content: inline(&text[..end]),
            }),
            content: inline(&text[end..]),
        },
        None => paragraph(text),
    }
}

fn paragraph(text: &str) -> Block {
    Block::Paragraph {
        lead: None,
        content: inline(text),
    }
}

/// The level a line's numbering marks, if any: `一、` 1, `（一）` 2, `1.`/`1、`/`1．` 3, `（1）` 4.
pub(crate) fn heading_level(text: &str) -> Option<u8> {
    const HAN_NUMERALS: &str = "一二三四五六七八九十百零〇";
    let numeral = |c: char| HAN_NUMERALS.contains(c);
    let digits = |c: char| c.is_ascii_digit() || ('\u{FF10}'..='\u{FF19}').contains(&c);
    let counted = |s: &str, f: &dyn Fn(char) -> bool| {
        let n = s.chars().take_while(|&c| f(c)).count();
        let rest: String = s.chars().skip(n).collect();
        (n > 0 && n <= 4).then_some(rest)
    };
    if let Some(inner) = text.strip_prefix('\u{FF08}') {
        if let Some(rest) = counted(inner, &numeral) {
            return rest.starts_with('\u{FF09}').then_some(2);
        }
        if let Some(rest) = counted(inner, &digits) {
            return rest.starts_with('\u{FF09}').then_some(4);
        }
        return None;
    }
    if let Some(rest) = counted(text, &numeral) {
        return rest.starts_with('\u{3001}').then_some(1);
    }
    if let Some(rest) = counted(text, &digits) {
        let mut r = rest.chars();
        let mark = r.next()?;
        let after = r.next();
        // `1.5萬` is a number, not a heading.
        let is_mark = mark == '\u{3001}'
            || ((mark == '.' || mark == '\u{FF0E}') && !after.is_some_and(|c| c.is_ascii_digit()));
        return is_mark.then_some(3);
    }
    None
}

/// The file an `附件：…` line names (quotes and spaces around it removed).
pub(crate) fn attachment_file(text: &str) -> Option<String> {
    let rest = text.strip_prefix("附件")?;
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c.is_whitespace());
    let name = rest
        .strip_prefix('\u{FF1A}')
        .or_else(|| rest.strip_prefix(':'))?
        .trim()
        .trim_matches(|c| matches!(c, '\u{201C}' | '\u{201D}' | '"'));
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests;
