//! Note marks a scraped report already carries (`^[1]`, `[1]`, `［1］`, `〔1〕`, `[注1]`, superscript
//! digits `¹²`): when numbered notes are attached, the note whose entry number a mark gives
//! attaches at that mark, and the mark's characters give way to our reference (never printed
//! twice). The first mark of a number claims it; marks no note claims stay as text and are
//! raised as `unclaimed-note-marks`. Superscript digits right after a Latin letter (`km²`) are
//! units, not marks.
use crate::check_report::CheckReport;
use crate::model::{Block, Document, Entry, Inline};

/// A claimed mark, removed from the text: where our reference goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkAt {
    pub block: usize,
    /// Inline sequence of the block (lead before content).
    pub part: usize,
    /// Character offset in the sequence's text, after the mark was removed.
    pub offset: usize,
    /// Index of the claiming entry.
    pub entry: usize,
}

/// A mark in a text: characters `[start, end)` and the number it gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Found {
    start: usize,
    end: usize,
    number: u32,
}

const SUPERSCRIPTS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];

/// Every mark in `chars`, in order.
fn find(chars: &[char]) -> Vec<Found> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some(f) = bracketed(chars, i).or_else(|| superscript(chars, i)) {
            out.push(f);
            i = f.end;
        } else {
            i += 1;
        }
    }
    out
}

/// `[1]`, `［1］`, `〔1〕`, `[注1]`, with an optional `^` before.
fn bracketed(chars: &[char], at: usize) -> Option<Found> {
    let mut i = at;
    if chars.get(i) == Some(&'^') {
        i += 1;
    }
    let close = match chars.get(i)? {
        '[' => ']',
        '\u{FF3B}' => '\u{FF3D}',
        '\u{3014}' => '\u{3015}',
        _ => return None,
    };
    i += 1;
    if chars.get(i) == Some(&'注') || chars.get(i) == Some(&'註') {
        i += 1;
    }
    let digits: String = chars[i..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    if digits.is_empty() || digits.len() > 3 || chars.get(i + digits.len()) != Some(&close) {
        return None;
    }
    Some(Found {
        start: at,
        end: i + digits.len() + 1,
        number: digits.parse().ok()?,
    })
}

/// A run of superscript digits not right after a Latin letter or digit.
fn superscript(chars: &[char], at: usize) -> Option<Found> {
    let value = |c: &char| SUPERSCRIPTS.iter().position(|s| s == c);
    value(&chars[at])?;
    if at > 0 && chars[at - 1].is_ascii_alphanumeric() {
        return None;
    }
    let n = chars[at..]
        .iter()
        .take_while(|c| value(c).is_some())
        .count();
    if n > 3 {
        return None;
    }
    let number = chars[at..at + n]
        .iter()
        .fold(0u32, |acc, c| acc * 10 + value(c).unwrap_or(0) as u32);
    Some(Found {
        start: at,
        end: at + n,
        number,
    })
}

/// The blocks notes attach to: every block before the first annex, but the title and the
/// attachment line (the same body the attach pass matches terms in).
fn body_blocks(doc: &Document) -> impl Iterator<Item = usize> + '_ {
    doc.blocks
        .iter()
        .take_while(|b| !matches!(b, Block::Annex { .. }))
        .enumerate()
        .filter(|(_, b)| !matches!(b, Block::Title(_) | Block::Attachment { .. }))
        .map(|(i, _)| i)
}

/// Remove the marks that entries claim and return where each claiming entry attaches; raise
/// `unclaimed-note-marks` for the others (kept as text).
pub fn claim(doc: &mut Document, entries: &[Entry], report: &mut CheckReport) -> Vec<MarkAt> {
    let mut claimed: Vec<MarkAt> = Vec::new();
    let mut unclaimed: Vec<String> = Vec::new();
    let blocks: Vec<usize> = body_blocks(doc).collect();
    for block in blocks {
        for (part, seq) in doc.blocks[block].inlines_mut().into_iter().enumerate() {
            let text: String = crate::model::plain(seq);
            let chars: Vec<char> = text.chars().collect();
            let found = find(&chars);
            if found.is_empty() {
                continue;
            }
            let mut kept = String::with_capacity(text.len());
            let mut from = 0;
            let mut removed = 0;
            for f in found {
                let mark: String = chars[f.start..f.end].iter().collect();
                let entry = entries.iter().position(|e| e.number == f.number);
                let free = entry.filter(|&e| !claimed.iter().any(|m| m.entry == e));
                kept.extend(&chars[from..f.start]);
                match free {
                    Some(e) if f.start > 0 => {
                        claimed.push(MarkAt {
                            block,
                            part,
                            offset: f.start - removed,
                            entry: e,
                        });
                        removed += f.end - f.start;
                    }
                    _ => {
                        kept.push_str(&mark);
                        unclaimed.push(mark);
                    }
                }
                from = f.end;
            }
            kept.extend(&chars[from..]);
            if kept != text {
                *seq = vec![Inline::Text(kept)];
            }
        }
    }
    raise_unclaimed(&unclaimed, report);
    claimed
}

/// Without notes, every mark in the text is unclaimed.
pub fn unclaimed_without_notes(doc: &Document, report: &mut CheckReport) {
    let mut marks = Vec::new();
    for block in body_blocks(doc) {
        for seq in doc.blocks[block].inlines() {
            let chars: Vec<char> = crate::model::plain(seq).chars().collect();
            marks.extend(
                find(&chars)
                    .iter()
                    .map(|f| chars[f.start..f.end].iter().collect::<String>()),
            );
        }
    }
    raise_unclaimed(&marks, report);
}

fn raise_unclaimed(marks: &[String], report: &mut CheckReport) {
    if marks.is_empty() {
        return;
    }
    report.notes.unclaimed_marks = marks.to_vec();
    report.warn(
        "unclaimed-note-marks",
        format!(
            "{} note mark(s) in the text that no note claims, kept as text: {}",
            marks.len(),
            marks.join(" ")
        ),
        None,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(s: &str) -> Vec<(u32, String)> {
        let chars: Vec<char> = s.chars().collect();
        find(&chars)
            .into_iter()
            .map(|f| (f.number, chars[f.start..f.end].iter().collect()))
            .collect()
    }

    #[test]
    fn every_mark_form_is_found_and_units_are_not() {
        assert_eq!(
            found("甲^[1]乙[2]丙\u{FF3B}3\u{FF3D}丁[注4]戊¹²己\u{3014}5\u{3015}"),
            [
                (1, "^[1]".to_string()),
                (2, "[2]".into()),
                (3, "\u{FF3B}3\u{FF3D}".into()),
                (4, "[注4]".into()),
                (12, "¹²".into()),
                (5, "\u{3014}5\u{3015}".into()),
            ]
        );
        assert!(found("面积5km²，[a]与[12345]").is_empty());
    }

    #[test]
    fn a_note_attaches_at_its_mark_and_the_mark_gives_way() {
        use crate::passes::{attach::Attach, Pass};
        let para = |t: &str| Block::Paragraph {
            lead: None,
            content: vec![Inline::Text(t.into())],
        };
        let doc = Document::new(vec![
            para("专精特新企业增多\u{3002}"),
            para("支持专精特新[2]企业\u{FF0C}推动高质量发展\u{3002}见[9]"),
        ]);
        let entry = |number, term: &str| Entry {
            number,
            term: term.into(),
            text: "说明\u{3002}".into(),
        };
        let mut report = CheckReport::default();
        let doc = Attach {
            entries: vec![entry(1, "高质量发展"), entry(2, "专精特新")],
            annex_title: "名词解释".into(),
        }
        .run(doc, &mut report)
        .unwrap();
        // Entry 2 at its mark in the second paragraph, not at the term's first occurrence.
        assert_eq!(doc.blocks[0], para("专精特新企业增多\u{3002}"));
        let Block::Paragraph { content, .. } = &doc.blocks[1] else {
            panic!("paragraph")
        };
        assert_eq!(
            content,
            &vec![
                Inline::Text("支持专精特新".into()),
                Inline::NoteRef(1),
                Inline::Text("企业\u{FF0C}推动高质量发展".into()),
                Inline::NoteRef(2),
                Inline::Text("\u{3002}见[9]".into()),
            ]
        );
        assert_eq!(doc.notes[0].entry, 2);
        assert_eq!(report.notes.unclaimed_marks, ["[9]"]);
        assert_eq!(report.warnings[0].code, "unclaimed-note-marks");
    }
}
