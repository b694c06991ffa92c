//! Note attachment: each entry attaches at the first occurrence of its term in the body.
//!
//! - Entries are converted to the document's script first, so one edition never mixes scripts.
//! - The body is every block but the title and the `附件：` line (which names the notes themselves).
//! - Matching compares texts folded character by character ([`script_convert::key`]: Traditional →
//!   Simplified, full-width ASCII → ASCII, corner brackets → curly quotes), so a match's offsets
//!   are the body's own offsets. The term is matched first as written (`“三公”经费` finds
//!   `“三公”經費`); only if that finds nothing anywhere is it matched with its quotes optional (the
//!   quotes are dropped from the term and quotes in the body are skipped). Adjacent quoted terms
//!   (`“非农化”“非粮化”`) are one term, as the entry writes them.
//! - The reference mark goes after the whole matched span, and after a closing quote that
//!   immediately follows it.
//! - On overlap the longer term wins: terms pick their place longest first, each taking its first
//!   occurrence that overlaps no place already taken.
//! - An entry whose number a note mark already in the text gives (`[3]`, `¹²`) attaches at that
//!   mark instead, which gives way to ours ([`marks`]).
//! - Notes are numbered 1…N in reading order; unmatched terms are reported as the entry writes them.
use super::Pass;
use crate::check_report::{CheckReport, MatchedNote};
use crate::error::Result;
use crate::model::{Annex, Block, Document, Entry, Inline, Note};
use crate::script_convert;

pub mod marks;

pub struct Attach {
    /// Entries as read from the notes file (any script).
    pub entries: Vec<Entry>,
    /// Title of the appended attachment section (the notes file's name, cleaned).
    pub annex_title: String,
}

/// Label of the appended attachment section.
const ANNEX_LABEL: &str = "附件";

fn is_quote(c: char) -> bool {
    is_open_quote(c) || is_close_quote(c)
}
fn is_open_quote(c: char) -> bool {
    matches!(c, '\u{201C}' | '\u{2018}' | '"' | '\'')
}
fn is_close_quote(c: char) -> bool {
    matches!(c, '\u{201D}' | '\u{2019}' | '"' | '\'')
}

/// One inline sequence of the body (a heading, a run-in lead, a paragraph's content…), folded.
struct Seq {
    block: usize,
    /// Index among the block's inline sequences (lead before content).
    part: usize,
    key: Vec<char>,
}

/// A place in the body: sequence index, span of characters `[start, end)`; the mark goes at `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Place {
    seq: usize,
    end: usize,
    start: usize,
}

impl Place {
    fn overlaps(&self, o: &Place) -> bool {
        self.seq == o.seq && self.start < o.end && o.start < self.end
    }
}

fn body(doc: &Document) -> Vec<Seq> {
    let mut seqs = Vec::new();
    for (block, b) in doc.blocks.iter().enumerate() {
        // Notes attach to the report, not to the annexes printed inside it.
        if matches!(b, Block::Annex { .. }) {
            break;
        }
        if matches!(b, Block::Title(_) | Block::Attachment { .. }) {
            continue;
        }
        for (part, inl) in b.inlines().into_iter().enumerate() {
            let key = inl
                .iter()
                .filter_map(|i| match i {
                    Inline::Text(t) => Some(t.chars().map(script_convert::key)),
                    Inline::NoteRef(_) => None,
                })
                .flatten()
                .collect();
            seqs.push(Seq { block, part, key });
        }
    }
    seqs
}

/// Grow a matched span over an opening quote just before it and a closing quote just after it.
fn widen(key: &[char], mut start: usize, mut end: usize) -> (usize, usize) {
    if start > 0 && is_open_quote(key[start - 1]) {
        start -= 1;
    }
    if end < key.len() && is_close_quote(key[end]) {
        end += 1;
    }
    (start, end)
}

/// The characters of one sequence that take part in matching, and where each sits in it.
struct View {
    chars: Vec<char>,
    at: Vec<usize>,
}

/// Every sequence of the body with the `skip` characters left out (the quotes, when they are
/// optional). Built once per pass, not once per entry.
fn views(seqs: &[Seq], skip: fn(char) -> bool) -> Vec<View> {
    seqs.iter()
        .map(|seq| {
            let at: Vec<usize> = (0..seq.key.len()).filter(|&i| !skip(seq.key[i])).collect();
            View {
                chars: at.iter().map(|&i| seq.key[i]).collect(),
                at,
            }
        })
        .collect()
}

/// Every occurrence of `pat` in the body (as `views` show it), in reading order.
fn occurrences(seqs: &[Seq], views: &[View], pat: &[char]) -> Vec<Place> {
    let mut out = Vec::new();
    let Some(&first) = pat.first() else {
        return out;
    };
    for (s, v) in views.iter().enumerate() {
        if v.chars.len() < pat.len() {
            continue;
        }
        for w in 0..=v.chars.len() - pat.len() {
            if v.chars[w] == first && v.chars[w..w + pat.len()] == *pat {
                let (start, end) = widen(&seqs[s].key, v.at[w], v.at[w + pat.len() - 1] + 1);
                out.push(Place { seq: s, end, start });
            }
        }
    }
    out.sort_by_key(|p| (p.seq, p.start));
    out
}

/// Where each entry attaches (`None`: nowhere): at its mark in the text when it has one
/// (`fixed`), else longer terms choosing first.
fn places(seqs: &[Seq], entries: &[Entry], fixed: Vec<Option<Place>>) -> Vec<Option<Place>> {
    let as_written = views(seqs, |_| false);
    let unquoted = views(seqs, is_quote);
    let candidates: Vec<Vec<Place>> = entries
        .iter()
        .map(|e| {
            let written: Vec<char> = script_convert::fold(e.term.trim()).chars().collect();
            let mut all = occurrences(seqs, &as_written, &written);
            let core: Vec<char> = written.iter().copied().filter(|&c| !is_quote(c)).collect();
            all.extend(occurrences(seqs, &unquoted, &core));
            all
        })
        .collect();
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(entries[i].term.trim().chars().count()));
    let mut taken: Vec<Place> = Vec::new();
    let mut chosen = fixed;
    order.retain(|&i| chosen[i].is_none());
    for i in order {
        if let Some(p) = candidates[i]
            .iter()
            .find(|p| !taken.iter().any(|t| t.overlaps(p)))
        {
            taken.push(*p);
            chosen[i] = Some(*p);
        }
    }
    chosen
}

/// Put note references into one inline sequence at character offsets (`marks` sorted by offset).
fn insert_marks(seq: &mut Vec<Inline>, marks: &[(usize, u32)]) {
    let mut out = Vec::with_capacity(seq.len() + 2 * marks.len());
    let mut pos = 0;
    let mut next = marks.iter().peekable();
    for inline in std::mem::take(seq) {
        match inline {
            Inline::Text(t) => {
                let mut run = String::new();
                for c in t.chars() {
                    run.push(c);
                    pos += 1;
                    while let Some(&&(_, n)) = next.peek().filter(|m| m.0 == pos) {
                        if !run.is_empty() {
                            out.push(Inline::Text(std::mem::take(&mut run)));
                        }
                        out.push(Inline::NoteRef(n));
                        next.next();
                    }
                }
                if !run.is_empty() {
                    out.push(Inline::Text(run));
                }
            }
            other => out.push(other),
        }
    }
    out.extend(next.map(|&(_, n)| Inline::NoteRef(n)));
    *seq = out;
}

/// The attachment section's title: trimmed, inner whitespace runs made one space.
fn clean_title(title: &str) -> String {
    title.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Pass for Attach {
    fn run(&self, mut doc: Document, report: &mut CheckReport) -> Result<Document> {
        let script = doc.script;
        let entries: Vec<Entry> = self
            .entries
            .iter()
            .map(|e| Entry {
                number: e.number,
                term: script_convert::convert(e.term.trim(), script),
                text: script_convert::convert(&e.text, script),
            })
            .collect();
        let at_marks = marks::claim(&mut doc, &entries, report);
        let seqs = body(&doc);
        let mut fixed = vec![None; entries.len()];
        for m in at_marks {
            let seq = seqs
                .iter()
                .position(|s| s.block == m.block && s.part == m.part);
            fixed[m.entry] = seq.map(|seq| Place {
                seq,
                start: m.offset,
                end: m.offset,
            });
        }
        let chosen = places(&seqs, &entries, fixed);

        // Reading order: block, part, mark position, span start, entry order.
        let mut matched: Vec<(Place, usize)> = chosen
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.map(|p| (p, i)))
            .collect();
        matched.sort_by_key(|&(p, i)| (seqs[p.seq].block, seqs[p.seq].part, p.end, p.start, i));

        let mut marks: Vec<Vec<(usize, u32)>> = vec![Vec::new(); seqs.len()];
        doc.notes.clear();
        report.notes.matched.clear();
        for (k, &(p, i)) in matched.iter().enumerate() {
            let number = k as u32 + 1;
            marks[p.seq].push((p.end, number));
            doc.notes.push(Note {
                number,
                entry: entries[i].number,
                term: entries[i].term.clone(),
                text: entries[i].text.clone(),
            });
            report.notes.matched.push(MatchedNote {
                number,
                entry: entries[i].number,
                term: self.entries[i].term.trim().to_string(),
                block: seqs[p.seq].block,
            });
        }
        for (s, m) in marks.iter().enumerate().filter(|(_, m)| !m.is_empty()) {
            let seq = &seqs[s];
            if let Some(part) = doc.blocks[seq.block]
                .inlines_mut()
                .into_iter()
                .nth(seq.part)
            {
                insert_marks(part, m);
            }
        }
        report.notes.entries = entries.len();
        report.notes.unmatched = chosen
            .iter()
            .zip(&self.entries)
            .filter(|(p, _)| p.is_none())
            .map(|(_, e)| e.term.trim().to_string())
            .collect();
        doc.annex = Some(Annex {
            label: script_convert::convert(ANNEX_LABEL, script),
            title: script_convert::convert(&clean_title(&self.annex_title), script),
            entries,
        });
        Ok(doc)
    }
}

#[cfg(test)]
mod tests;
