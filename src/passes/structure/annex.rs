//! Annexes inside the report: the sections after the closing paragraph that a report publishes
//! with it (`附件1`, `附件2：名词解释`, `附件：`, `附：`, or a glossary heading alone such as
//! `名词解释`, decorated `※名词解释※`, or under a bare `附件` line `有关名词解释`). A glossary
//! without a heading — entries `〔1〕term：…` after the closing paragraph, whose bracketed number
//! the body already carries as a mark — opens an annex titled [`BARE_GLOSSARY_TITLE`]. A
//! glossary printed twice (a truncated copy, then the full one) is read once: the copy with the
//! most entries is used, the others are listed and warned about ([`attach_glossary`]).
use crate::check_report::{CheckReport, DroppedGlossary};
use crate::model::{plain, Block, Document, Entry, Inline};

/// Headings of a glossary annex: its entries explain terms of the report.
pub const GLOSSARY_TITLES: [&str; 10] = [
    "名词解释",
    "名詞解釋",
    "有关名词解释",
    "有關名詞解釋",
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
    const DECORATION: &str = "※★☆●■◆◇□○\u{3010}\u{3011}";
    let t = text
        .trim()
        .trim_end_matches('\u{FF1A}')
        .trim_matches(|c: char| c.is_whitespace() || DECORATION.contains(c));
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
        if body_started && !self.inside && opens_bare_glossary(text, blocks) {
            report
                .structure
                .annexes
                .push(BARE_GLOSSARY_TITLE.to_string());
            blocks.push(Block::Annex {
                label: Vec::new(),
                title: inline(BARE_GLOSSARY_TITLE),
            });
            self.inside = true;
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

/// The title given to a glossary the text prints without a heading (the editions print it
/// under this heading; `check` says so in `notes.how`).
pub const BARE_GLOSSARY_TITLE: &str = "注释";

/// Does `line` open a glossary without a heading: entry 1 in brackets (`〔1〕term：…`, `[1]`,
/// `【1】`, `［1］`) with a term before its colon, whose mark an earlier block already carries?
fn opens_bare_glossary(line: &str, blocks: &[Block]) -> bool {
    let Some((1, rest)) = entry_number(line) else {
        return false;
    };
    let mark = &line[..line.len() - rest.len()];
    let bracketed = mark.starts_with(['\u{3014}', '[', '\u{3010}', '\u{FF3B}']);
    let termed = rest
        .split_once('\u{FF1A}')
        .is_some_and(|(t, _)| !t.trim().is_empty() && t.chars().count() <= TERM);
    bracketed && termed && blocks.iter().any(|b| b.text().contains(mark))
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
pub fn is_annex_title(line: &str) -> bool {
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

/// The glossary annex the notes come from: of the text's glossary annexes ([`glossaries`]),
/// the one with the most entries (the later one of equals: a page's full copy follows its
/// truncated one).
pub fn glossary(doc: &Document) -> Option<Glossary> {
    glossaries(doc)
        .into_iter()
        .max_by_key(|g| (g.entries.len(), g.start))
}

/// Every glossary annex among the blocks, with its entries (numbered `1.`, `（1）`, `〔1〕`,
/// `[1]`, `【1】`, `注1`; the explanation after `：` on the same line or on the lines after).
pub fn glossaries(doc: &Document) -> Vec<Glossary> {
    let starts = doc.blocks.iter().enumerate().filter_map(|(i, b)| match b {
        Block::Annex { title, .. } if is_glossary_title(&plain(title)) => Some(i),
        _ => None,
    });
    starts.filter_map(|start| glossary_at(doc, start)).collect()
}

/// The glossary whose annex block is `start`, if its text reads as entries.
fn glossary_at(doc: &Document, start: usize) -> Option<Glossary> {
    let end = doc.blocks[start + 1..]
        .iter()
        .position(|b| matches!(b, Block::Annex { .. } | Block::Attachment { .. }))
        .map_or(doc.blocks.len(), |n| start + 1 + n);
    let (label, title) = match &doc.blocks[start] {
        Block::Annex { label, title } => (plain(label), plain(title)),
        _ => return None,
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

/// An entry's number and the rest of the line: `1.` `1．` `1、` `（1）` `〔1〕` `[1]` `【1】` `［1］`
/// `注1`.
pub fn entry_number(line: &str) -> Option<(u32, &str)> {
    for (open, close) in [
        ('\u{FF08}', '\u{FF09}'),
        ('\u{3014}', '\u{3015}'),
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
/// entries attach as a notes file's would and it is printed once, as the notes annex. Of a
/// glossary printed more than once, the copy with the most entries is used; the others are
/// taken out too, listed under `notes.dropped_glossaries` and raise `glossary-twice`.
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
    let mut copies: Vec<Glossary> = glossaries(&doc)
        .into_iter()
        .filter(|c| c.start != g.start)
        .collect();
    drop_copies(&doc, &g, &copies, report);
    copies.push(g.clone());
    copies.sort_by_key(|c| std::cmp::Reverse(c.start));
    for c in &copies {
        take_glossary(&mut doc, c);
    }
    report.notes.how = match g.title.as_str() {
        BARE_GLOSSARY_TITLE if g.label.is_empty() => format!(
            "the report's own glossary (entries after the closing paragraph, no heading: \
             printed as {BARE_GLOSSARY_TITLE})"
        ),
        _ => format!("the report's own glossary annex ({})", g.title),
    };
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

/// List the glossary copies not used (their text as the report prints them) and warn.
fn drop_copies(doc: &Document, used: &Glossary, copies: &[Glossary], report: &mut CheckReport) {
    for c in copies {
        let text: Vec<String> = doc.blocks[c.start..c.end]
            .iter()
            .map(|b| match b {
                Block::Annex { label, title } => format!("{} {}", plain(label), plain(title))
                    .trim()
                    .to_string(),
                b => b.text(),
            })
            .collect();
        let kind = if is_truncated_copy(c, used) {
            "a truncated copy of the glossary"
        } else {
            "another glossary that differs from it"
        };
        report.warn(
            "glossary-twice",
            format!(
                "the report prints its glossary more than once: the copy with {} entries is \
                 used; {kind} ({} entries) is left out of the editions (listed under \
                 notes.dropped_glossaries)",
                used.entries.len(),
                c.entries.len()
            ),
            None,
        );
        report.notes.dropped_glossaries.push(DroppedGlossary {
            title: text.first().cloned().unwrap_or_default(),
            entries: c.entries.len(),
            text,
        });
    }
}

/// Is `short` the start of `full`: the same numbers and terms, each explanation a prefix of
/// the full one's?
fn is_truncated_copy(short: &Glossary, full: &Glossary) -> bool {
    short.entries.len() <= full.entries.len()
        && short
            .entries
            .iter()
            .zip(&full.entries)
            .all(|(s, f)| s.number == f.number && s.term == f.term && f.text.starts_with(&s.text))
}
