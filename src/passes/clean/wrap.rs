//! Hard-wrapped text (a report pasted from a PDF, or split by a scraper), on the raw lines after
//! the edges are settled:
//! - a line that is only a folio (`— 3 —`, `-3-`, `第3页`) is dropped with the blank lines
//!   around it, listed in `cleaning.removed` and counted in `cleaning.folios_dropped`;
//! - a line that ends without sentence-ending punctuation (`。！？；：…`, also behind a closing
//!   quote or bracket) is joined with the next line when that one follows it directly and does
//!   not start a heading, a numbered item, an annex or the salutation; counted in
//!   `cleaning.lines_joined`. Lines before the salutation (title, subtitle, speaker) and
//!   headings on a line of their own are never joined, nor an annex's title on the line after
//!   its bare `附件1`, nor a short unpunctuated line after a sentence's end (an unnumbered
//!   heading, see `structure::bare`).
//!
//! A report with one paragraph per line (or a blank line between paragraphs) is unchanged.
use super::front::{wide_colons, Line};
use crate::check_report::{Cleaning, Removed};
use crate::passes::structure::{
    bare, heading_level, is_annex_start, is_annex_title, is_salutation,
};

/// Drop folios, join wrapped lines.
pub fn unwrap(lines: Vec<Line>, cleaning: &mut Cleaning) -> Vec<Line> {
    let lines = drop_folios(lines, cleaning);
    // Lines after the salutation (else after the first line, the title) may be joined.
    let body_from = lines
        .iter()
        .take(12)
        .position(|l| is_salutation(&wide_colons(l.text.trim())))
        .or_else(|| lines.iter().position(|l| !l.text.trim().is_empty()))
        .map_or(0, |i| i + 1);
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    for (i, l) in lines.into_iter().enumerate() {
        let next = l.text.trim();
        if i > body_from && !next.is_empty() && !starts_block(next) {
            let alone = stands_alone(&out);
            if let Some(prev) = out.last_mut().filter(|p| joinable(p.text.trim()) && !alone) {
                let text = prev.text.trim_end().to_string();
                let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                let space = latin(text.chars().next_back()) && latin(next.chars().next());
                prev.text = format!("{text}{}{next}", if space { " " } else { "" });
                cleaning.lines_joined += 1;
                continue;
            }
        }
        out.push(l);
    }
    out
}

/// A page number standing alone: `— 3 —`, `-3-`, `－ 12 －`, `第3页`, `第 3 页`.
pub fn is_folio(line: &str) -> bool {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit());
    const DASHES: [char; 5] = ['—', '–', '-', '－', '―'];
    if let Some(inner) = t
        .strip_prefix("第")
        .and_then(|r| r.strip_suffix(['页', '頁']))
    {
        return digits(inner);
    }
    let inner = t.trim_start_matches(DASHES);
    let stripped_front = inner.len() < t.len();
    let core = inner.trim_end_matches(DASHES);
    stripped_front && core.len() < inner.len() && digits(core)
}

fn drop_folios(lines: Vec<Line>, cleaning: &mut Cleaning) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut after_folio = false;
    for l in lines {
        let t = l.text.trim();
        if is_folio(t) {
            while out.last().is_some_and(|p| p.text.trim().is_empty()) {
                out.pop();
            }
            cleaning.folios_dropped += 1;
            cleaning.removed.push(Removed {
                line: l.line,
                column: 1,
                text: t.to_string(),
                why: "folio (page number of the source's pages)".into(),
            });
            after_folio = true;
            continue;
        }
        if after_folio && t.is_empty() {
            continue;
        }
        after_folio = false;
        out.push(l);
    }
    out
}

/// Does the line end a sentence (or the paragraph: a colon before a list)?
fn ends_sentence(line: &str) -> bool {
    const CLOSERS: &str = "\u{201D}\u{2019}\u{FF09})\u{300D}\u{300F}\u{300B}\u{3011}\"'";
    const ENDS: &str = "\u{3002}\u{FF01}\u{FF1F}\u{FF1B}\u{FF1A}!?;:\u{2026}";
    let core = line.trim_end_matches(|c| CLOSERS.contains(c));
    core.chars().next_back().is_some_and(|c| ENDS.contains(c))
}

/// May the next line be appended to this one?
fn joinable(line: &str) -> bool {
    if line.is_empty() || ends_sentence(line) {
        return false;
    }
    let wide = wide_colons(line);
    // A heading or an annex entry's term on its own line ends where it ends, unless it stops
    // inside a sentence (`1.专精特新：指专业化、精细化、`) or is a wrapped run-in paragraph.
    let mid_sentence = wide.ends_with(['\u{FF0C}', '\u{3001}']) || wide.contains('\u{3002}');
    let numbered = heading_level(&wide).is_some() || is_item(&wide);
    let front = wide.starts_with(['\u{2014}', '\u{2015}']);
    !((numbered && !mid_sentence) || front || is_annex_start(&wide) || is_salutation(&wide))
}

/// Does the last line stand alone: an annex's title on the line after its bare `附件1`
/// (`附件1` ⏎ `2026年省十件民生实事`), or a short unpunctuated line after a sentence's end
/// (`2019年工作回顾`, an unnumbered heading: a hard-wrapped paragraph's first line is never that
/// short)? It ends where it ends.
fn stands_alone(out: &[Line]) -> bool {
    let mut texts = out.iter().rev().map(|l| l.text.trim());
    let (Some(last), Some(before)) = (texts.next(), texts.find(|t| !t.is_empty())) else {
        return false;
    };
    let (last, before) = (wide_colons(last), wide_colons(before));
    let annex_title =
        is_annex_start(&before) && !before.contains('\u{FF1A}') && is_annex_title(&last);
    annex_title || (bare::has_shape(&last) && ends_sentence(&before))
}

/// Does the line start a heading, a numbered item, an annex or the salutation?
fn starts_block(line: &str) -> bool {
    let wide = wide_colons(line);
    heading_level(&wide).is_some()
        || is_salutation(&wide)
        || is_annex_start(&wide)
        || is_item(&wide)
        || is_folio(line)
}

/// `[1]`, `【1】`, `［1］`, `〔1〕`, `注1`: an annex entry's number.
fn is_item(line: &str) -> bool {
    let digits_then = |s: &str, close: &[char]| {
        let n = s.chars().take_while(|c| c.is_ascii_digit()).count();
        n > 0 && s[n..].starts_with(close)
    };
    line.strip_prefix(['[', '\u{3010}', '\u{FF3B}', '\u{3014}'])
        .is_some_and(|r| digits_then(r, &[']', '\u{3011}', '\u{FF3D}', '\u{3015}']))
        || line
            .strip_prefix('注')
            .is_some_and(|r| r.chars().next().is_some_and(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests;
