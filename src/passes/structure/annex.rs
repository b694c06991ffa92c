//! Annexes inside the report: the sections after the closing paragraph that a report publishes
//! with it (`附件1`, `附件2：名词解释`, `附件：`, `附：`, or a glossary heading alone such as
//! `名词解释`).
use crate::check_report::CheckReport;
use crate::model::{plain, Block, Document, Entry, Inline};

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

/// The annex sections of one text, as the structure pass meets their lines.
#[derive(Debug, Default)]
pub struct Annexes {
    /// Inside an annex: every line is a paragraph of it.
    inside: bool,
}

impl Annexes {
    /// Handle `lines[0]` if it opens an annex or lies inside one: push its blocks and return how
    /// many lines after it were used too (an annex title on the next line). `None`: not an
    /// annex line; the caller classifies it. An `附件：…` line with nothing after it names the
    /// notes file (the caller's `Attachment`), not an annex in the text.
    pub fn line(
        &mut self,
        body_started: bool,
        lines: &[String],
        blocks: &mut Vec<Block>,
        report: &mut CheckReport,
    ) -> Option<usize> {
        let text = lines[0].as_str();
        let last = lines.len() == 1;
        let names_file = super::attachment_file(text).is_some() && last;
        if body_started && !names_file && is_annex_start(text) {
            let (label, mut title) = label_and_title(text);
            let mut used = 0;
            if title.is_empty() {
                if let Some(next) = lines.get(1).filter(|n| is_annex_title(n)) {
                    title = next.clone();
                    used = 1;
                }
            }
            let named = format!("{label} {title}");
            report.structure.annexes.push(named.trim().to_string());
            blocks.push(Block::Annex {
                label: inline(&label),
                title: inline(&title),
            });
            self.inside = true;
            return Some(used);
        }
        if self.inside && !names_file {
            blocks.push(Block::Paragraph {
                lead: None,
                content: inline(text),
            });
            return Some(0);
        }
        None
    }
}

fn inline(text: &str) -> Vec<Inline> {
    if text.is_empty() {
        Vec::new()
    } else {
        vec![Inline::Text(text.to_string())]
    }
}

/// `附件2：名词解释` → (`附件2`, `名词解释`); `名词解释` → (``, `名词解释`).
fn label_and_title(text: &str) -> (String, String) {
    if text.starts_with('附') {
        return match text.split_once('\u{FF1A}') {
            Some((l, t)) => (l.trim().to_string(), t.trim().to_string()),
            None => (text.trim().to_string(), String::new()),
        };
    }
    (String::new(), text.trim_end_matches('\u{FF1A}').to_string())
}

/// The annex title on the line after a bare `附件1`: short, no sentence mark, not numbered.
fn is_annex_title(line: &str) -> bool {
    line.chars().count() <= ANNEX_HEADING
        && !line.contains(['\u{3002}', '\u{FF0C}', '\u{FF1B}', '\u{FF1A}'])
        && super::heading_level(line).is_none()
        && entry_number(line).is_none()
}

/// A glossary annex of the report: where its blocks are and the entries they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glossary {
    /// Index of its `Block::Annex`; its text runs to `end` (exclusive).
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub title: String,
    pub entries: Vec<Entry>,
}

/// The first glossary annex among the blocks, with its entries (numbered `1.`, `（1）`, `[1]`,
/// `【1】`, `注1`; the explanation after `：` on the same line or on the lines after).
pub fn glossary(doc: &Document) -> Option<Glossary> {
    let start = doc.blocks.iter().position(|b| match b {
        Block::Annex { title, .. } => is_glossary_title(&plain(title)),
        _ => false,
    })?;
    let end = doc.blocks[start + 1..]
        .iter()
        .position(|b| matches!(b, Block::Annex { .. } | Block::Attachment { .. }))
        .map_or(doc.blocks.len(), |n| start + 1 + n);
    let (label, title) = match &doc.blocks[start] {
        Block::Annex { label, title } => (plain(label), plain(title)),
        _ => unreachable!("position found an annex"),
    };
    let mut entries: Vec<Entry> = Vec::new();
    for b in &doc.blocks[start + 1..end] {
        let text = b.text();
        match entry_number(&text) {
            Some((number, rest)) => {
                let (term, explanation) = match rest.split_once('\u{FF1A}') {
                    Some((t, x)) if t.chars().count() <= TERM => (t.trim(), x.trim()),
                    _ => (rest.trim(), ""),
                };
                entries.push(Entry {
                    number,
                    term: term.to_string(),
                    text: explanation.to_string(),
                });
            }
            None => match entries.last_mut() {
                Some(e) => e.text.push_str(text.trim()),
                // Text before the first entry: no glossary this pass can attach.
                None => return None,
            },
        }
    }
    (!entries.is_empty()).then_some(Glossary {
        start,
        end,
        label,
        title,
        entries,
    })
}

/// At most this many characters for a glossary term before its `：`.
const TERM: usize = 30;

/// An entry's number and the rest of the line: `1.` `1．` `1、` `（1）` `[1]` `【1】` `［1］` `注1`.
pub fn entry_number(line: &str) -> Option<(u32, &str)> {
    for (open, close) in [
        ('\u{FF08}', '\u{FF09}'),
        ('[', ']'),
        ('\u{3010}', '\u{3011}'),
        ('\u{FF3B}', '\u{FF3D}'),
    ] {
        if let Some(r) = line.strip_prefix(open) {
            let (n, rest) = digits(r)?;
            return Some((n?, rest.strip_prefix(close)?));
        }
    }
    if let Some(r) = line.strip_prefix('注') {
        let (n, rest) = digits(r)?;
        let rest = rest.trim_start_matches(['\u{FF1A}', '.', '\u{3001}', ' ', '\u{3000}']);
        return Some((n?, rest));
    }
    let (n, rest) = digits(line)?;
    let rest = rest.strip_prefix(['.', '\u{FF0E}', '\u{3001}'])?;
    // `1.5万` is a number, not an entry.
    if rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some((n?, rest))
}

/// Up to three leading ASCII digits as a number, and the rest.
fn digits(s: &str) -> Option<(Option<u32>, &str)> {
    let n = s.chars().take_while(|c| c.is_ascii_digit()).count();
    (n > 0 && n <= 3).then(|| (s[..n].parse::<u32>().ok(), &s[n..]))
}

/// Take the glossary's blocks out of the body (it becomes the notes annex, printed once).
pub fn take_glossary(doc: &mut Document, g: &Glossary) {
    doc.blocks.drain(g.start..g.end);
}

/// With no notes file given or named, a glossary annex of the report is the notes source: its
/// entries attach as a notes file's would and it is printed once, as the notes annex.
pub fn attach_glossary(
    mut doc: Document,
    notes_given: bool,
    report: &mut CheckReport,
) -> crate::error::Result<Document> {
    let g = match glossary(&doc) {
        Some(g) if !notes_given && report.structure.attachment.is_none() => g,
        _ => {
            crate::passes::attach::marks::unclaimed_without_notes(&doc, report);
            return Ok(doc);
        }
    };
    take_glossary(&mut doc, &g);
    report.notes.how = format!("the report's own glossary annex ({})", g.title);
    report.notes.source = Some(format!("{} {}", g.label, g.title).trim().to_string());
    report.notes.format = Some("in-text annex".into());
    let mut doc = crate::passes::Pass::run(
        &crate::passes::attach::Attach {
            entries: g.entries,
            annex_title: g.title,
        },
        doc,
        report,
    )?;
    // The label the text gives (`附件2`, or none), not the notes file's default.
    if let Some(annex) = &mut doc.annex {
        annex.label = g.label;
    }
    Ok(doc)
}
