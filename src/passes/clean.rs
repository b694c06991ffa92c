//! Clean pass: the scraper's pollution out of the raw lines, every change counted in the report.
//!
//! In this order, on the report's lines as read (the structure pass makes blocks of them):
//! 0. a PDF's text layer ([`layer`]) is recognised and loses its page furniture (form feeds,
//!    page numbers, running heads) and extraction spaces; its paragraphs are rebuilt from the
//!    column in step 1 ([`wrap::by_column`]) instead of by sentence ends;
//! 1. the report's edges ([`front`]): lines before the title are dropped and kept in
//!    `cleaning.preamble_lines` (blank ones are dropped silently), a scraped page's chrome in
//!    `cleaning.chrome_lines`; the title becomes one line, a split subtitle too; folios are
//!    dropped and hard-wrapped lines joined ([`wrap`]);
//! 2. suspicious spans whose bytes prove the original text are repaired ([`repair`]; not with
//!    `--no-repair`); the others are flagged (see [`suspicious`]) and left untouched by steps 4
//!    and 5;
//! 3. pinyin glosses `(xiàn)` are removed everywhere — **also inside suspicious spans**: a gloss is
//!    ASCII `(`, one toned syllable and `)`, which no corruption produces, and the Wuyang report's
//!    1,468 glosses include one after a Latin `A` inside the span on line 53 (`A(chǔ)`). The span's
//!    reported text is the raw text, gloss included;
//!    Page references to the source edition's pages (`（见第3页）`) are removed and listed
//!    ([`page_refs`]);
//! 4. ASCII `, : ; ! ? ( )` inside Chinese text become full-width; decimals, digit grouping and
//!    Latin runs stay (`PM2.5`, `1,000`, `8:30`, `f(x)`);
//!    ASCII `"…"` and `'…'` become `“…”` and `‘…’`, paired in order (see [`quotes`]);
//! 5. a comma or enumeration comma directly before another mark is the scraper's doubling
//!    (`,。` → `。`, `,、` → `、`): it is removed and listed in `cleaning.removed`;
//! 6. leading and trailing whitespace of each line is stripped (whitespace only: not a loss).
use crate::check_report::{CheckReport, Cleaning, Removed, Suspicious};
use crate::cjk::is_han;
use crate::error::Result;
use crate::read::Line;

pub mod chrome;
pub mod controls;
pub mod front;
pub mod layer;
pub mod notes;
pub mod page_refs;
pub mod pinyin;
pub mod quotes;
pub mod repair;
pub mod site_gbk;
pub mod suspicious;
pub mod wrap;

pub struct Clean;

impl Clean {
    /// The pass on the report's lines, repairing corrupted spans first.
    pub fn run(&self, lines: Vec<Line>, report: &mut CheckReport) -> Result<Vec<Line>> {
        self.run_repairing(lines, report, true)
    }

    /// The pass, repairing corrupted spans first when `repair` (see [`repair`]).
    pub fn run_repairing(
        &self,
        lines: Vec<Line>,
        report: &mut CheckReport,
        repair: bool,
    ) -> Result<Vec<Line>> {
        let layer = layer::Layer::of(&lines);
        let lines = match &layer {
            Some(l) => l.strip(lines, report),
            None => lines,
        };
        let glosses =
            repair.then(|| repair::Glosses::of_lines(lines.iter().map(|l| l.text.as_str())));
        let lines: Vec<Line> = lines
            .into_iter()
            .map(|l| Line {
                line: l.line,
                text: controls::remove(l.line, l.text, "", &mut report.cleaning),
            })
            .collect();
        let lines = front::edges(lines, &mut report.cleaning);
        let lines = match &layer {
            Some(found) => wrap::by_column(lines, found, report),
            None => wrap::unwrap(lines, &mut report.cleaning),
        };
        Ok(lines
            .into_iter()
            .map(|l| Line {
                line: l.line,
                text: clean_line(l.line, &l.text, glosses.as_ref(), &mut report.cleaning),
            })
            .collect())
    }
}

/// A character of the line being cleaned, with its 1-based column in the raw line.
#[derive(Debug, Clone, Copy)]
struct Ch {
    c: char,
    col: usize,
    /// Inside a suspicious span: steps 4 and 5 leave it alone.
    protected: bool,
}

/// Steps 2–6 on one raw line.
fn clean_line(
    line: usize,
    raw: &str,
    glosses: Option<&repair::Glosses>,
    cleaning: &mut Cleaning,
) -> String {
    let (chars, cols) = match glosses {
        Some(g) => repair::repair_line(line, raw, g, cleaning),
        None => (raw.chars().collect(), (1..=raw.chars().count()).collect()),
    };
    let spans = suspicious::spans(&chars);
    let mut protected = vec![false; chars.len()];
    for (start, end, flagged) in &spans {
        protected[*start..*end].iter_mut().for_each(|p| *p = true);
        cleaning.suspicious.push(Suspicious {
            line,
            column: cols[flagged.first().copied().unwrap_or(*start)],
            text: chars[*start..*end].iter().collect(),
            span_column: cols[*start],
            flagged: flagged.iter().map(|f| cols[*f]).collect(),
        });
    }
    let mut out: Vec<Ch> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(n) = pinyin::gloss_at(&chars, i) {
            cleaning.pinyin_glosses += 1;
            i += n;
            continue;
        }
        out.push(Ch {
            c: chars[i],
            col: cols[i],
            protected: protected[i],
        });
        i += 1;
    }
    page_refs::remove(line, &mut out, cleaning);
    if out.iter().any(|ch| is_han(ch.c)) {
        cleaning.punctuation_normalized += normalise_punctuation(&mut out);
        cleaning.punctuation_normalized += quotes::pair(line, &mut out, cleaning);
    }
    collapse_doubled(line, &mut out, cleaning);
    let text: String = out.iter().map(|ch| ch.c).collect();
    text.trim().to_string()
}

/// The line with its glosses removed (for finding the title before cleaning).
pub(crate) fn strip_glosses(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let mut s = String::with_capacity(raw.len());
    let mut i = 0;
    while i < chars.len() {
        match pinyin::gloss_at(&chars, i) {
            Some(n) => i += n,
            None => {
                s.push(chars[i]);
                i += 1;
            }
        }
    }
    s
}

/// The full-width form of a mark this pass converts.
fn full_width(c: char) -> char {
    crate::cjk::full_width(c).unwrap_or(c)
}

/// Step 4. Returns how many marks changed.
fn normalise_punctuation(line: &mut [Ch]) -> usize {
    let mut changed = 0;
    for i in 0..line.len() {
        if line[i].protected {
            continue;
        }
        let at = |j: usize| line.get(j).map(|ch| ch.c);
        let prev = i.checked_sub(1).and_then(at);
        let next = at(i + 1);
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        let ascii = |c: Option<char>| c.is_none_or(|c| c.is_ascii());
        // `Hello, world`: a mark after a Latin word, then a space and more Latin.
        let latin_prose = alnum(prev) && next == Some(' ') && alnum(at(i + 2));
        let keep = match line[i].c {
            // `1,000`: digit grouping (exactly three digits follow).
            ',' => {
                latin_prose
                    || (digit(prev) && (1..=3).all(|k| digit(at(i + k))) && !digit(at(i + 4)))
            }
            // `8:30`
            ':' => latin_prose || (digit(prev) && digit(next)),
            ';' | '!' | '?' => latin_prose,
            '(' => match closing_paren(line, i) {
                // `PM(2.5)`, `f(x)`: all-ASCII content right after a Latin letter or digit.
                Some(close) => {
                    let keep = alnum(prev) && line[i + 1..close].iter().all(|ch| ch.c.is_ascii());
                    if !keep {
                        line[close].c = full_width(')');
                        changed += 1;
                    }
                    keep
                }
                None => ascii(prev) && ascii(next),
            },
            // A `)` still ASCII here was not converted with its `(`: either it closes a kept
            // Latin pair, or it has no `(` at all.
            ')' => {
                let opened = line[..i].iter().any(|ch| ch.c == '(' && !ch.protected);
                opened || (ascii(prev) && ascii(next))
            }
            _ => true,
        };
        if !keep {
            line[i].c = full_width(line[i].c);
            changed += 1;
        }
    }
    changed
}

/// The unprotected `)` matching the `(` at `open`.
fn closing_paren(line: &[Ch], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, ch) in line.iter().enumerate().skip(open) {
        if ch.protected {
            continue;
        }
        match ch.c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

/// Step 5: a comma (`，` or `、`) directly before another clause or sentence mark is removed.
fn collapse_doubled(line: usize, chars: &mut Vec<Ch>, cleaning: &mut Cleaning) {
    const FIRST: [char; 2] = ['\u{FF0C}', '\u{3001}'];
    const SECOND: [char; 7] = [
        '\u{3002}', '\u{FF0C}', '\u{3001}', '\u{FF1B}', '\u{FF1A}', '\u{FF01}', '\u{FF1F}',
    ];
    let mut i = 0;
    while i + 1 < chars.len() {
        let (a, b) = (chars[i], chars[i + 1]);
        if !a.protected && !b.protected && FIRST.contains(&a.c) && SECOND.contains(&b.c) {
            cleaning.duplicate_punctuation += 1;
            cleaning.removed.push(Removed {
                line,
                column: a.col,
                text: a.c.to_string(),
                why: format!("doubled punctuation before {}", b.c),
            });
            chars.remove(i);
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests;

/// What the clean pass's unit tests share: numbered raw lines, and the edges step's output.
#[cfg(test)]
pub(crate) mod testing {
    use super::front::{edges, Line};
    use crate::check_report::Cleaning;

    /// `texts` as raw lines numbered from 1.
    pub fn lines(texts: &[&str]) -> Vec<Line> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Line {
                line: i + 1,
                text: t.to_string(),
            })
            .collect()
    }

    /// The non-blank lines `edges` keeps of `texts`, and what it recorded.
    pub fn edged(texts: &[&str]) -> (Vec<String>, Cleaning) {
        let mut cleaning = Cleaning::default();
        let out = edges(lines(texts), &mut cleaning);
        let out = out
            .into_iter()
            .map(|l| l.text)
            .filter(|t| !t.trim().is_empty())
            .collect();
        (out, cleaning)
    }
}
