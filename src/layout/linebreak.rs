//! Line breaking for Chinese text: UAX #14 opportunities (unicode-linebreak) narrowed by the
//! clreq / GB/T 15834 rules — no line starts with closing or pause punctuation, none ends with
//! opening punctuation, `——` and `……` never split, digit and Latin runs never split — then
//! first-fit filling with line-end punctuation squeezed to half an em before a chunk is pushed
//! on (先挤进，后推出), adjacent marks squeezed to 1.5 em (clreq: of two full-width marks side by
//! side, the blank half of one is removed), and justification by spreading the leftover between
//! characters.
use crate::style::Role;

/// One character to set, measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub ch: char,
    pub face: Role,
    pub size: u8,
    /// Advance in points, tracking included.
    pub advance: f32,
    /// Raise above the baseline in points (note marks).
    pub rise: f32,
    /// The note this piece marks, for note marks.
    pub note: Option<u32>,
}

/// A piece placed on a line: `x` is where its slot starts, `dx` moves the glyph inside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub piece: Piece,
    pub x: f32,
    pub width: f32,
    pub dx: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub placed: Vec<Placed>,
    /// Right edge of the last slot.
    pub end: f32,
}

/// Closing and pause punctuation: never at the start of a line (clreq basic level).
pub fn no_start(c: char) -> bool {
    matches!(
        c,
        '\u{3002}'
            | '\u{FF0C}'
            | '\u{3001}'
            | '\u{FF1A}'
            | '\u{FF1B}'
            | '\u{FF01}'
            | '\u{FF1F}'
            | '\u{201D}'
            | '\u{2019}'
            | '\u{300D}'
            | '\u{300F}'
            | '\u{FF09}'
            | '\u{3011}'
            | '\u{3017}'
            | '\u{3015}'
            | '\u{FF3D}'
            | '\u{FF5D}'
            | '\u{300B}'
            | '\u{3009}'
            | '\u{00B7}'
            | '\u{2013}'
            | '\u{FF5E}'
            | '/'
            | '\u{FF0F}'
            | '\u{FF05}'
            | ','
            | '.'
            | ':'
            | ';'
            | '!'
            | '?'
            | ')'
            | ']'
            | '}'
            | '%'
    )
}

/// Opening punctuation: never at the end of a line.
pub fn no_end(c: char) -> bool {
    matches!(
        c,
        '\u{201C}'
            | '\u{2018}'
            | '\u{300C}'
            | '\u{300E}'
            | '\u{FF08}'
            | '\u{3010}'
            | '\u{3016}'
            | '\u{3014}'
            | '\u{FF3B}'
            | '\u{FF5B}'
            | '\u{300A}'
            | '\u{3008}'
            | '('
            | '['
            | '{'
    )
}

/// Marks set in pairs that must not be split (破折号 ——, 省略号 ……).
pub fn inseparable(c: char) -> bool {
    matches!(c, '\u{2014}' | '\u{2026}' | '\u{22EF}' | '\u{2E3A}')
}

/// Full-width marks whose right half is blank: squeezable at line end and before other marks.
fn blank_right(c: char) -> bool {
    matches!(
        c,
        '\u{3002}'
            | '\u{FF0C}'
            | '\u{3001}'
            | '\u{FF1A}'
            | '\u{FF1B}'
            | '\u{201D}'
            | '\u{2019}'
            | '\u{300D}'
            | '\u{300F}'
            | '\u{FF09}'
            | '\u{3011}'
            | '\u{3017}'
            | '\u{3015}'
            | '\u{300B}'
            | '\u{3009}'
    )
}

/// Full-width marks whose left half is blank (opening marks): squeezable after other marks.
fn blank_left(c: char) -> bool {
    matches!(
        c,
        '\u{201C}'
            | '\u{2018}'
            | '\u{300C}'
            | '\u{300E}'
            | '\u{FF08}'
            | '\u{3010}'
            | '\u{3016}'
            | '\u{3014}'
            | '\u{300A}'
            | '\u{3008}'
    )
}

/// A full-width mark whose blank half may be squeezed (drawn one em wide).
fn squeezable(p: &Piece) -> bool {
    p.note.is_none() && (blank_right(p.ch) || blank_left(p.ch)) && p.advance >= p.size as f32 * 0.9
}

/// Adjacent marks squeezed (clreq, punctuation width adjustment: two adjacent full-width marks
/// take 1.5 em, not 2): for each pair side by side, the first mark's right half when it is blank
/// (`。”` `，“` `）。` `”，`), else the second's left half (`（“` `，《`). What each piece gives
/// up, `(left, right)`, in points; a mark gives up one side at most, since no mark is blank on
/// both. Pairs whose blank halves face away from each other (`《》`) stay 2 em.
pub fn squeezes(pieces: &[Piece]) -> Vec<(f32, f32)> {
    let mut out = vec![(0.0, 0.0); pieces.len()];
    for i in 1..pieces.len() {
        let (a, b) = (&pieces[i - 1], &pieces[i]);
        if !squeezable(a) || !squeezable(b) || a.size != b.size {
            continue;
        }
        let half = a.size as f32 / 2.0;
        if blank_right(a.ch) {
            out[i - 1].1 = half;
        } else if blank_left(b.ch) {
            out[i].0 = half;
        }
    }
    out
}

fn western(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

fn quote(c: char) -> bool {
    matches!(c, '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}')
}

/// Whether a line may break before piece `i` (0 < i < len), for every `i`.
// The rule list mirrors clreq's prohibitions one by one; clippy's minimal form would hide that.
#[allow(clippy::nonminimal_bool)]
pub fn break_before(pieces: &[Piece]) -> Vec<bool> {
    // Note marks are transparent: rules look at the text characters around them.
    let text: Vec<usize> = (0..pieces.len())
        .filter(|&i| pieces[i].note.is_none())
        .collect();
    let s: String = text.iter().map(|&i| pieces[i].ch).collect();
    let mut uax = vec![false; text.len() + 1];
    let starts: Vec<usize> = s.char_indices().map(|(b, _)| b).collect();
    for (byte, _) in unicode_linebreak::linebreaks(&s) {
        if let Ok(k) = starts.binary_search(&byte) {
            uax[k] = true;
        }
    }
    let mut allowed_text = vec![false; text.len()];
    for k in 1..text.len() {
        let a = pieces[text[k - 1]].ch;
        let b = pieces[text[k]].ch;
        // UAX #14 forbids breaks around every quotation mark; Chinese text breaks around them
        // like around any other Han character (clreq), subject to the rules below.
        let base = uax[k] || ((quote(a) || quote(b)) && !(western(a) && western(b)));
        allowed_text[k] = base
            && !no_start(b)
            && !no_end(a)
            && !(inseparable(a) && a == b)
            && !(western(a) && western(b))
            && !((a.is_ascii_digit() || a == '.') && (b.is_ascii_digit() || b == '.'));
    }
    let mut out = vec![false; pieces.len()];
    let mut k = 0;
    for (i, p) in pieces.iter().enumerate() {
        if p.note.is_some() {
            continue;
        }
        // `text[k] == i`
        out[i] = k > 0 && allowed_text[k];
        k += 1;
    }
    out
}

/// Set `pieces` into lines `width` wide, the first starting at `indent`. With `justify`, every
/// line but the last fills the width exactly.
pub fn break_lines(pieces: &[Piece], width: f32, indent: f32, justify: bool) -> Vec<Line> {
    if pieces.is_empty() {
        return Vec::new();
    }
    let squeeze = squeezes(pieces);
    let spans = fill(pieces, &squeeze, width, indent);
    let n = spans.len();
    spans
        .into_iter()
        .enumerate()
        .map(|(li, (a, b))| {
            let x0 = if li == 0 { indent } else { 0.0 };
            let last = li + 1 == n;
            set_line(pieces, &squeeze, a..b, x0, width, justify && !last, !last)
        })
        .collect()
}

/// How much the last text piece before `last` (note marks skipped) gives back at a line end:
/// the blank half of a full-width mark (unless squeezed against the next mark already).
fn end_trim(pieces: &[Piece], squeeze: &[(f32, f32)], last: usize) -> f32 {
    let mut j = last;
    while pieces[j].note.is_some() && j > 0 {
        j -= 1;
    }
    let p = &pieces[j];
    if pieces[last].note.is_none()
        && blank_right(p.ch)
        && p.advance >= p.size as f32 * 0.9
        && squeeze[j].1 == 0.0
    {
        p.size as f32 / 2.0
    } else {
        0.0
    }
}

/// First-fit filling: the `(start, end)` piece ranges of the lines. Chunks between break
/// opportunities go on while they fit (a line-end mark squeezed first); a chunk wider than a
/// whole line is broken where it overflows.
fn fill(pieces: &[Piece], squeeze: &[(f32, f32)], width: f32, indent: f32) -> Vec<(usize, usize)> {
    let brk = break_before(pieces);
    let w: Vec<f32> = pieces
        .iter()
        .zip(squeeze)
        .map(|(p, (l, r))| p.advance - l - r)
        .collect();
    let mut bounds: Vec<usize> = (1..pieces.len()).filter(|&i| brk[i]).collect();
    bounds.push(pieces.len());
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    let mut x = indent;
    let mut chunk_start = 0;
    for &b in &bounds {
        let cw: f32 = w[chunk_start..b].iter().sum();
        let fit = cw - end_trim(pieces, squeeze, b - 1);
        if x + fit > width + 0.01 {
            if chunk_start > start {
                lines.push((start, chunk_start));
                x = 0.0;
                start = chunk_start;
            }
            let mut cx = x;
            for (i, wi) in w.iter().enumerate().take(b).skip(chunk_start) {
                if cx + wi > width + 0.01 && i > start {
                    lines.push((start, i));
                    start = i;
                    cx = 0.0;
                }
                cx += wi;
            }
            x = cx;
        } else {
            x += cw;
        }
        chunk_start = b;
    }
    lines.push((start, pieces.len()));
    lines
}

/// Place the pieces of `range` from `x0`: adjacent marks squeezed, the line-end mark squeezed
/// when `trim`, the leftover spread between characters when `justify` (never inside `——`, Latin
/// or digit runs, between squeezed marks, or before a note mark).
fn set_line(
    pieces: &[Piece],
    squeeze: &[(f32, f32)],
    range: std::ops::Range<usize>,
    x0: f32,
    width: f32,
    justify: bool,
    trim: bool,
) -> Line {
    let (a, b) = (range.start, range.end);
    let mut widths: Vec<f32> = (a..b)
        .map(|i| pieces[i].advance - squeeze[i].0 - squeeze[i].1)
        .collect();
    if trim {
        let t = end_trim(pieces, squeeze, b - 1);
        let mut j = b - 1;
        while pieces[j].note.is_some() && j > a {
            j -= 1;
        }
        widths[j - a] -= t;
    }
    let used: f32 = widths.iter().sum();
    let mut gaps = vec![0.0f32; b - a];
    if justify {
        let slack = width - x0 - used;
        let eligible: Vec<usize> = (a + 1..b)
            .filter(|&i| {
                let (p, q) = (&pieces[i - 1], &pieces[i]);
                q.note.is_none()
                    && squeeze[i - 1].1 == 0.0
                    && squeeze[i].0 == 0.0
                    && !(inseparable(p.ch) && p.ch == q.ch)
                    && !(western(p.ch) && western(q.ch))
                    && !(p.ch.is_ascii_digit() && q.ch == '.')
                    && !(p.ch == '.' && q.ch.is_ascii_digit())
            })
            .collect();
        if slack > 0.0 && !eligible.is_empty() {
            let each = slack / eligible.len() as f32;
            for i in eligible {
                gaps[i - a] = each;
            }
        }
    }
    let mut placed = Vec::with_capacity(b - a);
    let mut x = x0;
    for i in a..b {
        x += gaps[i - a];
        placed.push(Placed {
            piece: pieces[i].clone(),
            x,
            width: widths[i - a],
            // A mark squeezed on its left is drawn that much left of its slot.
            dx: -squeeze[i].0,
        });
        x += widths[i - a];
    }
    Line { placed, end: x }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(s: &str) -> Vec<Piece> {
        s.chars()
            .map(|ch| Piece {
                ch,
                face: Role::Song,
                size: 10,
                advance: if ch.is_ascii() { 5.0 } else { 10.0 },
                rise: 0.0,
                note: None,
            })
            .collect()
    }

    fn lines(s: &str, width: f32) -> Vec<String> {
        break_lines(&pieces(s), width, 0.0, true)
            .iter()
            .map(|l| l.placed.iter().map(|p| p.piece.ch).collect())
            .collect()
    }

    #[test]
    fn no_line_starts_with_a_pause_mark() {
        // 一二三四五，六 in 5.5 em: the comma squeezes in as half an em (先挤进).
        let got = lines(
            "\u{4E00}\u{4E8C}\u{4E09}\u{56DB}\u{4E94}\u{FF0C}\u{516D}",
            55.0,
        );
        assert_eq!(got[0].chars().last(), Some('\u{FF0C}'), "{got:?}");
        // In 5 em it cannot: 五 moves on with it (后推出).
        let got = lines(
            "\u{4E00}\u{4E8C}\u{4E09}\u{56DB}\u{4E94}\u{FF0C}\u{516D}",
            50.0,
        );
        assert_eq!(got[1], "\u{4E94}\u{FF0C}\u{516D}", "{got:?}");
        // Two pause marks do not fit in half an em each: the last Han character moves on with them.
        let got = lines(
            "\u{4E00}\u{4E8C}\u{4E09}\u{56DB}\u{4E94}\u{201D}\u{3002}\u{516D}",
            50.0,
        );
        for l in &got[1..] {
            assert!(!no_start(l.chars().next().unwrap()), "{got:?}");
        }
    }

    #[test]
    fn no_line_ends_with_an_opening_mark() {
        let got = lines(
            "\u{4E00}\u{4E8C}\u{4E09}\u{56DB}\u{201C}\u{4E94}\u{516D}\u{201D}",
            50.0,
        );
        for l in &got {
            assert!(!no_end(l.chars().last().unwrap()), "{got:?}");
        }
        assert!(got[1].starts_with('\u{201C}'), "{got:?}");
    }

    #[test]
    fn dash_and_ellipsis_pairs_never_split() {
        for pair in ["\u{2014}\u{2014}", "\u{2026}\u{2026}"] {
            for lead in 2..7 {
                let text = format!("{}{pair}\u{4E00}\u{4E8C}\u{4E09}", "\u{4E00}".repeat(lead));
                let got = lines(&text, 50.0);
                let c = pair.chars().next().unwrap();
                for l in &got {
                    assert_ne!(l.chars().filter(|&x| x == c).count(), 1, "{got:?}");
                }
            }
        }
    }

    #[test]
    fn digit_and_latin_runs_never_split() {
        for lead in 0..8 {
            let text = format!(
                "{}244.5\u{5104}\u{5143}PM2.5\u{6307}\u{6807}",
                "\u{4E00}".repeat(lead)
            );
            let got = lines(&text, 50.0);
            let joined = got.join("|");
            assert!(!joined.contains("24|") && !joined.contains("4|4") && !joined.contains(".|"));
            assert!(!joined.contains("|.") && !joined.contains("4.|5") && !joined.contains("P|M"));
            assert!(
                !joined.contains("M|2") && !joined.contains("2|."),
                "{joined}"
            );
        }
    }

    #[test]
    fn lines_but_the_last_are_flush_at_both_edges() {
        let text = "\u{4E00}\u{4E8C}\u{4E09}\u{FF0C}AB\u{56DB}\u{4E94}\u{516D}\u{4E03}\u{516B}\u{4E5D}\u{5341}";
        let ls = break_lines(&pieces(text), 50.0, 20.0, true);
        assert!(ls.len() > 1);
        assert!((ls[0].placed[0].x - 20.0).abs() < 1e-3, "indent");
        for l in &ls[..ls.len() - 1] {
            assert!((l.end - 50.0).abs() < 1e-3, "{}", l.end);
        }
        // The last line is set solid: no spread between its characters.
        for w in ls.last().unwrap().placed.windows(2) {
            assert!((w[1].x - w[0].x - w[0].width).abs() < 1e-3);
        }
    }

    #[test]
    fn adjacent_marks_take_one_and_a_half_em_and_lines_still_fill_the_measure() {
        // 一“二。”三，“四（“五”）。六 — pairs 。” ，“ （“ ”） ）。 each lose half an em.
        let text = "\u{4E00}\u{201C}\u{4E8C}\u{3002}\u{201D}\u{4E09}\u{FF0C}\u{201C}\u{56DB}\u{FF08}\u{201C}\u{4E94}\u{201D}\u{FF09}\u{3002}\u{516D}";
        let p = pieces(text);
        let sq = squeezes(&p);
        let squeezed: Vec<(char, f32, f32)> = p
            .iter()
            .zip(&sq)
            .filter(|(_, s)| s.0 + s.1 > 0.0)
            .map(|(p, s)| (p.ch, s.0, s.1))
            .collect();
        assert_eq!(
            squeezed,
            [
                ('\u{3002}', 0.0, 5.0),
                ('\u{FF0C}', 0.0, 5.0),
                ('\u{201C}', 5.0, 0.0),
                ('\u{201D}', 0.0, 5.0),
                ('\u{FF09}', 0.0, 5.0),
            ]
        );
        // Set solid on one line: each pair spans 1.5 em from the first mark's slot to the end of
        // the second's glyph box; the squeezed opening mark is drawn half an em left.
        let l = &break_lines(&p, 200.0, 0.0, true)[0];
        for (i, j) in [(3, 4), (6, 7), (9, 10), (12, 13), (13, 14)] {
            let (a, b) = (&l.placed[i], &l.placed[j]);
            let span = b.x + b.dx + b.piece.advance - a.x;
            assert!(
                (span - 15.0).abs() < 1e-3,
                "{}{}: {span}",
                a.piece.ch,
                b.piece.ch
            );
        }
        let quote = &l.placed[10];
        assert_eq!(quote.piece.ch, '\u{201C}');
        assert_eq!((quote.width, quote.dx), (5.0, -5.0));
        // Justified over several lines: every line but the last still fills the measure, and
        // no space is spread between squeezed marks.
        let long = text.repeat(4);
        let ls = break_lines(&pieces(&long), 75.0, 20.0, true);
        assert!(ls.len() > 3);
        for l in &ls[..ls.len() - 1] {
            assert!((l.end - 75.0).abs() < 1e-3, "{}", l.end);
            let own: Vec<Piece> = l.placed.iter().map(|p| p.piece.clone()).collect();
            let sq = squeezes(&own);
            for k in 1..own.len() {
                if sq[k - 1].1 > 0.0 || sq[k].0 > 0.0 {
                    let (a, b) = (&l.placed[k - 1], &l.placed[k]);
                    assert!((b.x - a.x - a.width).abs() < 1e-3, "spread inside a pair");
                }
            }
        }
        // Pairs whose blank halves face away from each other stay two ems: 《》.
        let sq = squeezes(&pieces("\u{4E00}\u{300A}\u{300B}\u{4E8C}"));
        assert!(sq.iter().all(|s| *s == (0.0, 0.0)));
    }

    #[test]
    fn a_note_mark_stays_with_its_character() {
        let mut p = pieces("\u{4E00}\u{4E8C}\u{4E09}\u{56DB}\u{4E94}\u{516D}");
        p.insert(
            5,
            Piece {
                ch: '7',
                face: Role::Song,
                size: 6,
                advance: 0.1,
                rise: 4.0,
                note: Some(7),
            },
        );
        let ls = break_lines(&p, 50.0, 0.0, true);
        for l in &ls {
            assert!(l.placed[0].piece.note.is_none());
            for w in l.placed.windows(2) {
                if w[1].piece.note == Some(7) {
                    assert_eq!(w[0].piece.ch, '\u{4E94}');
                }
            }
        }
    }
}
