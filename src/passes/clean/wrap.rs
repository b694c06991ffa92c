//! Hard-wrapped text (a report pasted from a PDF, or split by a scraper), on the raw lines after
//! the edges are settled:
//! - a line that is only a folio (`— 3 —`, `-3-`, `第3页`) is dropped with the blank lines
//!   around it, listed in `cleaning.removed` and counted in `cleaning.folios_dropped`;
//! - a line that ends without sentence-ending punctuation (`。！？；：…`, also behind a closing
//!   quote or bracket) is joined with the next line when that one follows it directly and does
//!   not start a heading, a numbered item, an annex or the salutation; each join is listed in
//!   `cleaning.lines_joined` with both lines (`why`: `hard wrap`). Lines before the salutation
//!   (title, subtitle, speaker) and headings on a line of their own are never joined.
//!
//! A report with one paragraph per line (or a blank line between paragraphs) is unchanged.
//!
//! A PDF's text layer (see `layer`) is rebuilt by [`by_column`] instead: its lines end at the
//! column whatever they end with, so the column decides (docs/text-layers.md):
//! - a line that reaches the column (at most [`FULL_SLACK`] half-width units short, or so
//!   close that the next line's first piece, a Chinese character or a whole number like
//!   `2.83`, could not have gone on it) continues its paragraph whatever it ends with (`。` and
//!   `；` included); a line at least
//!   [`SHORT_SLACK`] units short ends it; a line in between is a doubt: its paragraph ends when
//!   it ends a sentence, and a `paragraph-break-doubt` warning names the line;
//! - after a line that reaches the column, a line opening with `各位代表`, a level 1–3 heading
//!   marker (`一、`, `（一）`, `1.`), `——` or an annex entry's number starts a paragraph when the
//!   line before ends a sentence; a `（4）` item never does (it is the paragraph's text);
//! - a heading wrapped onto the next line is joined the same way (its first line reaches the
//!   column), until a line that is short;
//! - a subscript fragment alone on a line (`2.5`) goes back after the last `PM` of the line
//!   before that has no digits after it (`推动PM浓度…` ⏎ `2.5`), and does not end the paragraph;
//! - a figure caption (`图1 …`) is a paragraph of its own, with a `figure-missing` warning (the
//!   text layer has no figure);
//! - every join is listed in `cleaning.lines_joined` (`why`: `column` or `subscript`).
use super::front::{wide_colons, Line};
use crate::check_report::{CheckReport, Cleaning, Join, Removed};
use crate::passes::clean::layer;
use crate::passes::structure::{heading_level, is_annex_start, is_salutation, title};

/// A line at most this many half-width units short of the column reaches it.
pub const FULL_SLACK: usize = 2;
/// A line at least this many half-width units short of the column ends its paragraph.
pub const SHORT_SLACK: usize = 6;

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
    let mut last = 0;
    for (i, l) in lines.into_iter().enumerate() {
        let next = l.text.trim();
        if i > body_from && !next.is_empty() && !starts_block(next) {
            if let Some(prev) = out.last_mut().filter(|p| joinable(p.text.trim())) {
                let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                append(prev, next, latin, cleaning, (l.line, last), "hard wrap");
                last = l.line;
                continue;
            }
        }
        last = l.line;
        out.push(l);
    }
    out
}

/// Append `next` to `prev`, with a space between two characters that `spaced` says need one;
/// listed as the join of source line `lines.0` onto source line `lines.1`.
fn append(
    prev: &mut Line,
    next: &str,
    spaced: impl Fn(Option<char>) -> bool,
    cleaning: &mut Cleaning,
    lines: (usize, usize),
    why: &str,
) {
    let text = prev.text.trim_end().to_string();
    let space = spaced(text.chars().next_back()) && spaced(next.chars().next());
    prev.text = format!("{text}{}{next}", if space { " " } else { "" });
    cleaning.lines_joined.push(Join {
        line: lines.0,
        onto: lines.1,
        text: next.to_string(),
        why: why.to_string(),
    });
}

/// A text layer's lines → paragraphs, by the column measured from the text (module text).
pub fn by_column(lines: Vec<Line>, found: &layer::Layer, report: &mut CheckReport) -> Vec<Line> {
    let lines = drop_folios(lines, &mut report.cleaning);
    let body_from = layer_body_from(&lines);
    let widths = lines[body_from..].iter().map(|l| layer::width(&l.text));
    let column = layer::column(widths).map_or(found.column, |(c, _)| c);
    found.tell(column, report);
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    // May the next line continue the last paragraph?
    let mut open = false;
    let mut last = 0;
    let mut prev_text = String::new();
    // The width a line takes in print: its own, and its subscript's on the line after it.
    let printed: Vec<usize> = (0..lines.len())
        .map(|i| {
            let own = layer::width(&lines[i].text);
            let sub = lines
                .get(i + 1)
                .map(|n| n.text.trim())
                .filter(|n| is_fragment(n) && bare_pm(&lines[i].text).is_some());
            own + sub.map_or(0, layer::width)
        })
        .collect();
    // What the next line begins with that could not go on this one: a run of Latin letters
    // and digits is one piece, a Chinese character another.
    let next_piece: Vec<usize> = (0..lines.len())
        .map(|i| {
            let next = lines[i + 1..]
                .iter()
                .map(|n| n.text.trim())
                .find(|n| !is_fragment(n));
            next.map_or(0, first_piece)
        })
        .collect();
    for (i, l) in lines.into_iter().enumerate() {
        let t = l.text.trim().to_string();
        if i < body_from || t.is_empty() {
            open = false;
            last = l.line;
            out.push(l);
            continue;
        }
        if is_fragment(&t) {
            if let Some(p) = out.last_mut() {
                if let Some(at) = bare_pm(&p.text) {
                    p.text.insert_str(at, &t);
                    report.cleaning.lines_joined.push(Join {
                        line: l.line,
                        onto: last,
                        text: t,
                        why: "subscript".into(),
                    });
                    last = l.line;
                    continue;
                }
            }
        }
        if is_caption(&t) {
            report.warn(
                "figure-missing",
                format!(
                    "figure caption \u{201C}{t}\u{201D}: the text has no figure; the caption is \
                     printed as a paragraph of its own"
                ),
                Some(l.line),
            );
            open = false;
            last = l.line;
            prev_text = t;
            out.push(l);
            continue;
        }
        let starts = starts_paragraph(&t, &prev_text);
        match out.last_mut() {
            Some(p) if open && !starts => {
                let letter = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic());
                let lines = (l.line, last);
                append(p, &t, letter, &mut report.cleaning, lines, "column");
            }
            _ => out.push(l.clone()),
        }
        let w = printed[i];
        open = if w + FULL_SLACK >= column || w + next_piece[i] > column {
            true
        } else if w + SHORT_SLACK <= column {
            false
        } else {
            let ends = ends_sentence(&t);
            report.warn(
                "paragraph-break-doubt",
                format!(
                    "the line is {w} of the column\u{2019}s {column} half-width units, neither \
                     full nor short: the paragraph {} here because the line {} a sentence",
                    if ends { "ends" } else { "goes on" },
                    if ends { "ends" } else { "does not end" },
                ),
                Some(l.line),
            );
            !ends
        };
        if is_salutation(&wide_colons(&t)) {
            open = false;
        }
        last = l.line;
        prev_text = t;
    }
    out
}

/// Where a text layer's body starts: after the salutation in the first lines, else after the
/// title and the date lines under it (`——…`, `（…通过）`).
fn layer_body_from(lines: &[Line]) -> usize {
    if let Some(s) = lines
        .iter()
        .take(12)
        .position(|l| is_salutation(&wide_colons(l.text.trim())))
    {
        return s + 1;
    }
    let Some(t) = lines.iter().take(12).position(|l| title::is_title(&l.text)) else {
        return 0;
    };
    let mut from = t + 1;
    while lines.get(from).is_some_and(|l| {
        let w = wide_colons(l.text.trim());
        w.starts_with("——") || (w.starts_with('\u{FF08}') && w.ends_with('\u{FF09}'))
    }) {
        from += 1;
    }
    from
}

/// Does this line open a paragraph after a line that reaches the column (`prev`)?
fn starts_paragraph(line: &str, prev: &str) -> bool {
    let wide = wide_colons(line);
    if wide.starts_with("各位代表") {
        return true;
    }
    let opens = matches!(heading_level(&wide), Some(1..=3))
        || wide.starts_with(['\u{2014}', '\u{2015}'])
        || is_item(&wide)
        || is_annex_start(&wide);
    opens && ends_sentence(prev)
}

/// The width of a line's first unbreakable piece: a run of Latin letters, digits, `.` and `%`
/// (`2.83`, `5.5%`), else its first character.
fn first_piece(line: &str) -> usize {
    let run = line
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '%'))
        .count();
    match run {
        0 => line
            .chars()
            .next()
            .map_or(0, |c| layer::width(&c.to_string())),
        n => n,
    }
}

/// A subscript fragment alone on a line: `2.5`.
fn is_fragment(t: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    t.len() <= 5
        && t.split_once('.')
            .is_some_and(|(a, b)| digits(a) && digits(b))
}

/// The byte offset right after the last `PM` with no digit after it.
fn bare_pm(text: &str) -> Option<usize> {
    text.match_indices("PM")
        .filter(|(i, _)| {
            let after = text[i + 2..].chars().next();
            let before = text[..*i].chars().next_back();
            !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.')
                && !before.is_some_and(|c| c.is_ascii_alphabetic())
        })
        .map(|(i, _)| i + 2)
        .last()
}

/// A figure caption: `图1 …`, `图 2　…`, `图3-1 …`.
fn is_caption(t: &str) -> bool {
    let Some(rest) = t.strip_prefix('图').or_else(|| t.strip_prefix('圖')) else {
        return false;
    };
    let rest = rest.trim_start();
    let n = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '-')
        .count();
    rest.chars().next().is_some_and(|c| c.is_ascii_digit())
        && rest
            .chars()
            .nth(n)
            .is_some_and(|c| c.is_whitespace() || crate::cjk::is_han(c))
        && t.chars().count() <= 40
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

pub(super) fn drop_folios(lines: Vec<Line>, cleaning: &mut Cleaning) -> Vec<Line> {
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

/// Does the line start a heading, a numbered item, an annex or the salutation?
fn starts_block(line: &str) -> bool {
    let wide = wide_colons(line);
    heading_level(&wide).is_some()
        || is_salutation(&wide)
        || is_annex_start(&wide)
        || is_item(&wide)
        || is_folio(line)
}

/// `[1]`, `【1】`, `［1］`, `注1`: an annex entry's number.
fn is_item(line: &str) -> bool {
    let digits_then = |s: &str, close: &[char]| {
        let n = s.chars().take_while(|c| c.is_ascii_digit()).count();
        n > 0 && s[n..].starts_with(close)
    };
    line.strip_prefix(['[', '\u{3010}', '\u{FF3B}'])
        .is_some_and(|r| digits_then(r, &[']', '\u{3011}', '\u{FF3D}']))
        || line
            .strip_prefix('注')
            .is_some_and(|r| r.chars().next().is_some_and(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests;
