//! A PDF's text layer (a gazette copied out with pdftotext or a viewer's "copy text"), on the raw
//! lines before anything else: recognised, and its page furniture dropped. The rules, with
//! their reasons, are in docs/text-layers.md.
//!
//! - **Recognised** ([`Layer::of`]) when two of these four hold: the lines are of
//!   near-constant width (at least [`CONSTANT_SHARE`] percent of the lines wider than
//!   [`MEASURED`] half-width units are within two units of one width: the column, and at
//!   least [`MEASURED_LINES`] lines are measured); a form
//!   feed; two or more lines that are only a page number; a running head (a
//!   short line that repeats at least [`HEAD_REPEATS`] times, or a page's first line naming an
//!   issue, `…2026年第3期`: a one-page document has its head once). An `info` `text-layer`
//!   says so.
//! - **Dropped** ([`Layer::strip`]), each listed in `cleaning.page_furniture` with its line: form
//!   feeds; lines that are only a page number; the running head, alone on its line, with a
//!   page number before or after it, or glued into a line with the page number before it
//!   (`…在1某市政府公报  2026年第10期市委…`: the line is cut there, its two halves being the
//!   last line of a page and the first of the next). A short line that names the head's publication
//!   but is not the head is kept, with a `running-head-doubt` warning.
//! - **Extraction spaces** between a Chinese character or mark and a Latin letter, digit or
//!   ASCII sign (`从  2020年的  2.83万亿元`) are removed, counted in `cleaning.extraction_spaces`.
//!
//! Paragraphs are rebuilt from the column width afterwards, by `wrap::by_column`.
use crate::check_report::{CheckReport, Removed};
use crate::read::Line;
use std::collections::BTreeMap;

/// A short line repeating at least this many times is a running head.
pub const HEAD_REPEATS: usize = 3;
/// At most this many characters in a running head.
const HEAD_MAX: usize = 40;
/// At most this many digits in a page number.
const PAGE_DIGITS: usize = 4;
/// Lines at least this wide (half-width units) are measured for the column.
pub const MEASURED: usize = 20;
/// Percent of the measured lines within two units of the column for the width to be constant.
pub const CONSTANT_SHARE: usize = 40;
/// At least this many measured lines for the width to tell anything (a short text's few long
/// lines are alike by chance: a four-line report with a form feed is no text layer).
pub const MEASURED_LINES: usize = 10;

/// What makes the text a PDF's text layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// The running head, spaces as in the text.
    pub head: Option<String>,
    pub form_feeds: usize,
    pub page_numbers: usize,
    /// The column of all the lines, in half-width units (a Chinese character is two); the
    /// paragraphs are rebuilt from the body's.
    pub column: usize,
}

/// The width of a line in half-width units: a non-ASCII character two, an ASCII one, spaces
/// none (extraction spaces and letter-spacing are no part of the printed line).
pub fn width(s: &str) -> usize {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c.is_ascii() { 1 } else { 2 })
        .sum()
}

/// The column of these line widths: the width `w` that most lines are within two units of
/// (full lines are a unit or two short of it, or over it by a hanging mark; the smaller on a
/// tie), with the percent of the measured lines there.
pub fn column(widths: impl Iterator<Item = usize>) -> Option<(usize, usize)> {
    let mut hist: BTreeMap<usize, usize> = BTreeMap::new();
    let mut n = 0;
    for w in widths.filter(|&w| w >= MEASURED) {
        *hist.entry(w).or_default() += 1;
        n += 1;
    }
    let near = |w: usize| {
        hist.range(w.saturating_sub(2)..=w + 2)
            .map(|(_, c)| c)
            .sum::<usize>()
    };
    let (w, c) = hist
        .keys()
        .map(|&w| (w, near(w)))
        .max_by_key(|&(w, c)| (c, std::cmp::Reverse(w)))?;
    Some((w, c * 100 / n))
}

/// A line that is only a page number (`12`).
pub fn is_page_number(t: &str) -> bool {
    !t.is_empty() && t.len() <= PAGE_DIGITS && t.chars().all(|c| c.is_ascii_digit())
}

/// The line without a page number before or after it (`12  某市政府公报` → `某市政府公报`).
fn without_page_number(t: &str) -> &str {
    let t = t.trim();
    let digits = |s: &str| is_page_number(s.trim());
    if let Some((a, b)) = t.split_once(char::is_whitespace) {
        if digits(a) {
            return b.trim();
        }
    }
    if let Some((a, b)) = t.rsplit_once(char::is_whitespace) {
        if digits(b) {
            return a.trim();
        }
    }
    t
}

fn form_free(t: &str) -> String {
    t.replace('\u{C}', "").trim().to_string()
}

impl Layer {
    /// The `info` that says the text is a text layer, with the body's column.
    pub fn tell(&self, column: usize, report: &mut CheckReport) {
        report.info(
            "text-layer",
            format!(
                "the text is a PDF's text layer ({} form feeds, {} page-number lines, running \
                 head {}; column {column} half-width units): page furniture dropped (listed \
                 under cleaning.page_furniture), paragraphs rebuilt from the column (joins \
                 listed under cleaning.lines_joined)",
                self.form_feeds,
                self.page_numbers,
                self.head
                    .as_deref()
                    .map_or("none".to_string(), |h| format!("\u{201C}{h}\u{201D}")),
            ),
            None,
        );
    }

    /// The lines as a text layer, when they are one (see the module text).
    pub fn of(lines: &[Line]) -> Option<Layer> {
        let texts: Vec<String> = lines.iter().map(|l| form_free(&l.text)).collect();
        let form_feeds = lines.iter().map(|l| l.text.matches('\u{C}').count()).sum();
        let page_numbers = texts.iter().filter(|t| is_page_number(t)).count();
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for t in &texts {
            let h = without_page_number(t);
            let n = h.chars().count();
            let marks = ['\u{3002}', '\u{FF0C}', '\u{FF1B}', '\u{FF01}', '\u{FF1F}'];
            if (4..=HEAD_MAX).contains(&n) && !h.is_ascii() && !h.contains(marks) {
                *seen.entry(h).or_default() += 1;
            }
        }
        // A page's first line (the text's first, or right after a form feed) naming an issue.
        let page_top = lines
            .iter()
            .enumerate()
            .filter(|(k, l)| *k == 0 || l.text.starts_with('\u{C}'))
            .map(|(k, _)| without_page_number(&texts[k]))
            .find(|t| is_issue_line(t));
        let head = seen
            .into_iter()
            .filter(|&(h, c)| c >= HEAD_REPEATS || page_top == Some(h))
            .max_by_key(|&(h, c)| (c, std::cmp::Reverse(h)))
            .map(|(h, _)| h.to_string());
        let furniture = |t: &String| {
            is_page_number(t) || head.as_deref().is_some_and(|h| without_page_number(t) == h)
        };
        let body = || texts.iter().filter(|t| !furniture(t)).map(|t| width(t));
        let (column, share) = column(body())?;
        let measured = body().filter(|&w| w >= MEASURED).count();
        let signals = [
            form_feeds > 0,
            page_numbers >= 2,
            head.is_some(),
            share >= CONSTANT_SHARE && measured >= MEASURED_LINES,
        ];
        (signals.iter().filter(|s| **s).count() >= 2).then_some(Layer {
            head,
            form_feeds,
            page_numbers,
            column,
        })
    }

    /// Page furniture out and extraction spaces removed (see the module text). A line with the
    /// head glued into it is two lines of two pages: it is cut there into two lines (of the
    /// same source line).
    pub fn strip(&self, lines: Vec<Line>, report: &mut CheckReport) -> Vec<Line> {
        let mut out = Vec::with_capacity(lines.len());
        for l in lines {
            let mut text = l.text;
            let drop = |report: &mut CheckReport, column: usize, text: &str, why: &str| {
                report.cleaning.page_furniture.push(Removed {
                    line: l.line,
                    column,
                    text: text.to_string(),
                    why: why.to_string(),
                })
            };
            if let Some(col) = text.chars().position(|c| c == '\u{C}') {
                let n = text.matches('\u{C}').count();
                drop(
                    report,
                    col + 1,
                    &"\u{C}".repeat(n),
                    "form feed (page break)",
                );
                let had_text = !form_free(&text).is_empty();
                text = text.replace('\u{C}', "");
                if !had_text {
                    continue;
                }
            }
            let t = text.trim();
            if is_page_number(t) {
                drop(report, 1, t, "page number");
                continue;
            }
            if let Some(h) = &self.head {
                if without_page_number(t) == h.as_str() {
                    drop(report, 1, t, "running head");
                    continue;
                }
                if let Some((col, glued)) = glued_head(&text, h) {
                    drop(report, col, &glued, "running head glued into the line");
                    let (before, after) = text.split_once(&glued).unwrap_or((&text, ""));
                    let (a, n) = without_extraction_spaces(before);
                    report.cleaning.extraction_spaces += n;
                    out.push(Line {
                        line: l.line,
                        text: a,
                    });
                    text = after.to_string();
                } else if doubtful_head(t, h) {
                    report.warn(
                        "running-head-doubt",
                        format!(
                            "\u{201C}{t}\u{201D} names the running head\u{2019}s publication but \
                             is not the head \u{201C}{h}\u{201D}: kept as text"
                        ),
                        Some(l.line),
                    );
                }
            }
            let (text, n) = without_extraction_spaces(&text);
            report.cleaning.extraction_spaces += n;
            out.push(Line { line: l.line, text });
        }
        out
    }
}

/// The running head glued into a line, with the page number before it (`1某市政府公报…`):
/// its 1-based column and the text to remove.
fn glued_head(text: &str, head: &str) -> Option<(usize, String)> {
    let at = text.find(head)?;
    let before = &text[..at];
    let digits = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .count()
        .min(PAGE_DIGITS);
    let start = before.len() - digits;
    let glued = text[start..at + head.len()].to_string();
    Some((text[..start].chars().count() + 1, glued))
}

/// A line naming an issue of a periodical: `某市人民政府公报 2026年第3期` (ends in `第N期`).
fn is_issue_line(t: &str) -> bool {
    let Some(rest) = t.strip_suffix('期') else {
        return false;
    };
    let digits = rest
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let before: String = rest.chars().rev().skip(digits).take(1).collect();
    digits > 0 && before == "第" && t.chars().count() <= HEAD_MAX && !t.is_ascii()
}

/// A short line naming the head's publication (its first word) that is not the head.
fn doubtful_head(t: &str, head: &str) -> bool {
    let name = head.split_whitespace().next().unwrap_or(head);
    name.chars().count() >= 4
        && name != head
        && t.chars().count() <= HEAD_MAX
        && t.contains(name)
        && !t.contains(head)
}

/// The line without spaces between a non-ASCII character and an ASCII letter, digit or sign,
/// and how many runs of spaces went.
pub fn without_extraction_spaces(text: &str) -> (String, usize) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut removed = 0;
    let mut i = 0;
    let wide = |c: char| !c.is_ascii() && !c.is_whitespace();
    let narrow = |c: char| c.is_ascii_graphic();
    while i < chars.len() {
        if chars[i] == ' ' || chars[i] == '\t' {
            let run = chars[i..]
                .iter()
                .take_while(|c| **c == ' ' || **c == '\t')
                .count();
            let before = out.chars().next_back();
            let after = chars.get(i + run).copied();
            if let (Some(b), Some(a)) = (before, after) {
                if (wide(b) && narrow(a)) || (narrow(b) && wide(a)) {
                    removed += 1;
                    i += run;
                    continue;
                }
            }
            out.extend(&chars[i..i + run]);
            i += run;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    (out, removed)
}

#[cfg(test)]
mod tests;
