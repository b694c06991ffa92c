//! Repair of corrupted spans, proven from their bytes (docs/repair.md).
//!
//! The site that published the Wuyang report damaged its text with a mechanism that can be run
//! backwards ([`forward`] runs it forwards): the clean text was encoded as GBK; each glossed
//! character's bytes were replaced by the bytes of the character and its gloss (`字(zì)`), a
//! byte-level replacement that also matches **across** a character boundary; the bytes were
//! decoded by the site's decoder ([`site_gbk`]), which eats a lead byte and the `(` after it;
//! full-width forms U+FF01–FF5E were made ASCII.
//!
//! A suspicious span is repaired only when the repair is proven, never guessed:
//! - **gloss shift** (`燃?xì)獍踩…`: `?`, a toned syllable, `)`): for every lead byte L such that
//!   the trail byte of the character before the `?` and L spell a character K whose default
//!   reading is the syllable, the bytes after the gloss are read again one byte earlier until an
//!   ASCII trail byte realigns them. Exactly one K must give a text without `?` and private-use
//!   characters;
//! - **cut** (a bare `?` before shifted pairs): the stream was cut after a lead byte, which became
//!   `?` and is lost. Every lead byte is tried; exactly one of the characters it would make must be
//!   a punctuation mark ([`PUNCTUATION`]), and that character is recorded as *inferred*;
//! - in both cases the forward model run on the repaired text must reproduce the observed span
//!   exactly;
//! - a line that may have been converted to another script after the damage (a re-post) must
//!   still hold the site's bytes where the repair reads them: no character read may be one the
//!   conversion makes from another ([`in_script_of_line`]).
//!
//! Anything else leaves the span flagged as it was.
use super::{pinyin, site_gbk, suspicious};
use crate::check_report::{Cleaning, Repaired};
use crate::model::Script;
use crate::script_convert;
use std::collections::BTreeMap;

/// Punctuation marks a lost character of a cut may be inferred as: the clause and sentence marks
/// and paired marks of Chinese prose (clreq). Full-width Latin symbols (`＃`, `＊`) and the small
/// forms (`﹐`) are not among them.
pub const PUNCTUATION: [char; 28] = [
    '\u{3002}', // 。
    '\u{FF0C}', // ，
    '\u{3001}', // 、
    '\u{FF1B}', // ；
    '\u{FF1A}', // ：
    '\u{FF1F}', // ？
    '\u{FF01}', // ！
    '\u{2026}', // …
    '\u{2014}', // —
    '\u{00B7}', // ·
    '\u{300C}', // 「
    '\u{300D}', // 」
    '\u{300E}', // 『
    '\u{300F}', // 』
    '\u{201C}', // “
    '\u{201D}', // ”
    '\u{2018}', // ‘
    '\u{2019}', // ’
    '\u{FF08}', // （
    '\u{FF09}', // ）
    '\u{300A}', // 《
    '\u{300B}', // 》
    '\u{3008}', // 〈
    '\u{3009}', // 〉
    '\u{3010}', // 【
    '\u{3011}', // 】
    '\u{3014}', // 〔
    '\u{3015}', // 〕
];

/// The readings the report's own glosses give, per character (the most frequent one where a
/// character carries several): the site's gloss list, as far as the report shows it, in the order
/// [`forward`] inserts them.
#[derive(Debug, Clone, Default)]
pub struct Glosses {
    table: BTreeMap<char, String>,
    /// Inserted before the others: the character of an orphan gloss. Its gloss, inserted across a
    /// boundary, splits the bytes of its neighbours, so their own glosses (which the site also
    /// inserts, `擴(kuò)`) no longer match there: the damage shows the site inserted it first.
    first: Option<(char, String)>,
}

impl Glosses {
    /// Every gloss that follows a Han character in `lines`.
    pub fn of_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> Self {
        let mut counts: BTreeMap<char, BTreeMap<String, usize>> = BTreeMap::new();
        for line in lines {
            let chars: Vec<char> = line.chars().collect();
            for i in 1..chars.len() {
                if let Some(n) = pinyin::gloss_at(&chars, i) {
                    if crate::cjk::is_han(chars[i - 1]) {
                        let reading: String = chars[i + 1..i + n - 1].iter().collect();
                        *counts
                            .entry(chars[i - 1])
                            .or_default()
                            .entry(reading)
                            .or_default() += 1;
                    }
                }
            }
        }
        let table = counts
            .into_iter()
            .filter_map(|(c, readings)| {
                let best = readings.into_iter().max_by_key(|(r, n)| (*n, r.clone()))?;
                Some((c, best.0))
            })
            .collect();
        Glosses { table, first: None }
    }

    /// A table from pairs (fixtures and tests).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (char, &'a str)>) -> Self {
        Glosses {
            table: pairs.into_iter().map(|(c, r)| (c, r.to_string())).collect(),
            first: None,
        }
    }

    /// The reading the report's glosses give `c`.
    pub fn get(&self, c: char) -> Option<&str> {
        self.table.get(&c).map(String::as_str)
    }

    /// Every character and its reading, in the order the glosses are inserted.
    pub fn iter(&self) -> impl Iterator<Item = (char, &str)> {
        let first = self.first.as_ref().map(|(c, r)| (*c, r.as_str()));
        first.into_iter().chain(
            self.table
                .iter()
                .filter(move |(c, _)| first.is_none_or(|(f, _)| f != **c))
                .map(|(c, r)| (*c, r.as_str())),
        )
    }

    /// The same table with `c` read `reading`, inserted first.
    pub fn with_first(&self, c: char, reading: &str) -> Self {
        Glosses {
            table: self.table.clone(),
            first: Some((c, reading.to_string())),
        }
    }
}

/// The default (first) reading of `c`, toned, from the `pinyin` crate's data.
pub fn default_reading(c: char) -> Option<&'static str> {
    use ::pinyin::ToPinyin;
    c.to_pinyin().map(|p| p.with_tone())
}

/// The site's damage run forwards on `clean` (text without glosses): GBK, each character of
/// `glosses` replaced by itself and its gloss at the byte level, the bytes cut after `cut` bytes
/// (of the glossed stream) if given and each piece decoded by the site's decoder, full-width forms
/// made ASCII. `None` if GBK cannot encode `clean`.
pub fn forward(clean: &str, glosses: &Glosses, cut: Option<usize>) -> Option<String> {
    let mut bytes = site_gbk::encode_str(clean.chars())?;
    for (c, reading) in glosses.iter() {
        let needle = site_gbk::encode(c)?;
        let mut with_gloss = needle.clone();
        with_gloss.extend(site_gbk::encode_str(format!("({reading})").chars())?);
        bytes = replace_bytes(&bytes, &needle, &with_gloss);
    }
    let decoded = match cut {
        Some(at) if at <= bytes.len() => {
            site_gbk::decode(&bytes[..at]) + &site_gbk::decode(&bytes[at..])
        }
        _ => site_gbk::decode(&bytes),
    };
    Some(decoded.chars().map(narrow).collect())
}

/// Every non-overlapping occurrence of `needle`, left to right, replaced (at any byte offset).
fn replace_bytes(bytes: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// The site's last step: a full-width form U+FF01–FF5E becomes its ASCII character.
fn narrow(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// One proven repair of a raw line: `chars[start..end]` becomes `text` (glosses of the site kept,
/// as in the rest of the raw line, for the clean pass to remove).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub start: usize,
    pub end: usize,
    pub text: Vec<char>,
    /// `gloss-shift` or `cut`.
    pub method: &'static str,
    /// Characters not fully determined by the bytes (the lost character of a cut).
    pub inferred: String,
}

/// Repair the suspicious spans of one raw line that can be proven, record each in
/// `cleaning.repaired`, and return the line's characters with their 1-based raw columns (a
/// repaired span's characters take the columns of the span from its start).
pub fn repair_line(
    line: usize,
    raw: &str,
    glosses: &Glosses,
    cleaning: &mut Cleaning,
) -> (Vec<char>, Vec<usize>) {
    let mut chars: Vec<char> = raw.chars().collect();
    let mut cols: Vec<usize> = (1..=chars.len()).collect();
    let spans = suspicious::spans(&chars);
    let mut done = Vec::new();
    for (start, end, flagged) in spans.into_iter().rev() {
        let Some(r) = repair(&chars, (start, end), &flagged, glosses) else {
            continue;
        };
        let new_end = r.start + r.text.len();
        let before: String = chars[start..r.end].iter().collect();
        chars.splice(r.start..r.end, r.text.iter().copied());
        let last = r.end.saturating_sub(1).max(r.start);
        let new_cols: Vec<usize> = (0..r.text.len())
            .map(|k| (r.start + k).min(last) + 1)
            .collect();
        cols.splice(r.start..r.end, new_cols);
        done.push(Repaired {
            line,
            column: flagged.first().map_or(start + 1, |f| f + 1),
            before,
            after: strip_glosses(&chars[start..new_end]),
            method: r.method.to_string(),
            inferred: r.inferred,
        });
    }
    done.reverse();
    cleaning.repaired.extend(done);
    (chars, cols)
}

/// The repair of the span `chars[start..end]` (with its flagged positions), if it is proven.
pub fn repair(
    chars: &[char],
    (start, end): (usize, usize),
    flagged: &[usize],
    glosses: &Glosses,
) -> Option<Repair> {
    let line = chars;
    // The shifted bytes must realign inside the span: a repair never reaches past it (and the
    // work per span stays bounded by its length).
    let chars = &chars[..end];
    let q = flagged.iter().copied().find(|&f| chars[f] == '?')?;
    let prefix = site_gbk::encode_str(chars[start..q].iter().copied())?;
    let syllable = orphan_gloss(chars, q);
    let mut proven = Vec::new();
    match &syllable {
        Some((reading, tail)) => {
            let &p_trail = prefix.last()?;
            for lead in 0x81..=0xFE {
                let Some(k) = site_gbk::pair(p_trail, lead) else {
                    continue;
                };
                if is_private_use(k) || default_reading(k) != Some(reading.as_str()) {
                    continue;
                }
                let Some((read, next)) = realign(chars, *tail, lead) else {
                    continue;
                };
                let table = glosses.with_first(k, reading);
                if let Some(r) = proven_repair(chars, start, end, q, &read, next, &table, None) {
                    proven.push((
                        Repair {
                            method: "gloss-shift",
                            ..r
                        },
                        *tail..next,
                        read.len(),
                    ));
                }
            }
            // Exactly one K.
            if proven.len() != 1 {
                return None;
            }
            let (r, shifted, read) = proven.remove(0);
            // The character before the `?` gives its trail byte.
            in_script_of_line(line, r, q, [q - 1].into_iter().chain(shifted), read)
        }
        None => {
            let cut = prefix.len() + 1;
            let mut marks = Vec::new();
            for lead in 0x81..=0xFE {
                let Some((read, next)) = realign(chars, q + 1, lead) else {
                    continue;
                };
                if PUNCTUATION.contains(&read[0]) {
                    marks.push((read, next));
                }
            }
            if marks.len() != 1 {
                return None;
            }
            let (read, next) = marks.remove(0);
            let mut r = proven_repair(chars, start, end, q, &read, next, glosses, Some(cut))?;
            r.method = "cut";
            let mut r = in_script_of_line(line, r, q, q + 1..next, read.len())?;
            r.inferred = r.text[q - start].to_string();
            Some(r)
        }
    }
}

/// The script a run of characters shows: the one more of its characters are written only in
/// (a Traditional text has its `里` and `污` too), `None` on a tie.
fn script_shown(chars: impl IntoIterator<Item = char>) -> Option<Script> {
    let text: String = chars.into_iter().collect();
    let (hant, hans) = script_convert::script_evidence(&text);
    match hant.cmp(&hans) {
        std::cmp::Ordering::Greater => Some(Script::Hant),
        std::cmp::Ordering::Less => Some(Script::Hans),
        std::cmp::Ordering::Equal => None,
    }
}

/// The proven repair `r` of a span of `line` whose characters at `byte_bearing` gave the bytes
/// read again, and whose `read` characters from `q` are what those bytes spell — checked against
/// a conversion of the line to another script **after** the damage (a re-post): a converted
/// character no longer has the bytes the site damaged (`瑪` became `玛`), so reading its bytes
/// spells another text (`，擰` became `Ｂ闝`) that the forward model still gives back.
///
/// The line (outside the span) shows which conversion may have happened: to Simplified if it is
/// Simplified, to Traditional if it is Traditional, either if it shows neither. When the
/// characters read show the other script (the site's text was Traditional, the line is
/// Simplified), the line **was** converted. A conversion that may have happened must have left
/// every byte-bearing character as the site made it: no other character converts to it. Then the
/// repair is proven, and where the line was converted, its characters read are converted too (the
/// re-post's own text); otherwise `None`, and the span stays flagged.
fn in_script_of_line(
    line: &[char],
    mut r: Repair,
    q: usize,
    byte_bearing: impl IntoIterator<Item = usize> + Clone,
    read: usize,
) -> Option<Repair> {
    let outside = line[..r.start].iter().chain(&line[r.end..]).copied();
    let line_script = script_shown(outside);
    let at = q - r.start;
    let read_script = script_shown(r.text[at..at + read].iter().copied());
    let possible: Vec<Script> = match line_script {
        Some(s) => vec![s],
        None => vec![Script::Hans, Script::Hant],
    };
    if read_script.is_some() && read_script == line_script {
        // Site and line in one script: nothing was converted.
        return Some(r);
    }
    for &script in &possible {
        let unproven = byte_bearing
            .clone()
            .into_iter()
            .any(|i| script_convert::has_other_source(line[i], script));
        if unproven {
            return None;
        }
    }
    if let (Some(site), Some(repost)) = (read_script, line_script) {
        if site != repost {
            for c in &mut r.text[at..at + read] {
                *c = script_convert::char_to(*c, repost);
            }
        }
    }
    Some(r)
}

/// `?` + toned syllable + `)` at `q`: the syllable and where the bytes after the gloss start.
fn orphan_gloss(chars: &[char], q: usize) -> Option<(String, usize)> {
    let close = (q + 2..chars.len().min(q + 9)).find(|&i| chars[i] == ')')?;
    let letters = &chars[q + 1..close];
    pinyin::is_toned_syllable(letters).then(|| (letters.iter().collect(), close + 1))
}

/// Read `chars[from..]` again one byte earlier, starting with the byte `first`: each character's
/// bytes are paired with the byte before, until an ASCII trail byte realigns the stream. Returns
/// the characters read and the index after the realigning character; `None` if a pair is not a
/// GBK character, or is a private-use one. While the stream is shifted, an ASCII character below
/// 0x40 (never a trail byte) can only have been a full-width form the site made ASCII (`,` for
/// `，`), and is read as that form.
fn realign(chars: &[char], from: usize, first: u8) -> Option<(Vec<char>, usize)> {
    let mut pending = first;
    let mut read = Vec::new();
    for (i, &c) in chars.iter().enumerate().skip(from) {
        let c = match c {
            '\u{21}'..='\u{3F}' => char::from_u32(c as u32 + 0xFEE0)?,
            _ => c,
        };
        let bytes = site_gbk::encode(c)?;
        let k = site_gbk::pair(pending, bytes[0]).filter(|k| !is_private_use(*k))?;
        read.push(k);
        match bytes.get(1) {
            Some(&b) => pending = b,
            None => return Some((read, i + 1)),
        }
    }
    None
}

/// The repaired span if the forward model, run on it, gives back exactly what was observed.
#[allow(clippy::too_many_arguments)]
fn proven_repair(
    chars: &[char],
    start: usize,
    end: usize,
    q: usize,
    read: &[char],
    next: usize,
    glosses: &Glosses,
    cut: Option<usize>,
) -> Option<Repair> {
    let mut text: Vec<char> = chars[start..q].to_vec();
    text.extend_from_slice(read);
    text.extend_from_slice(&chars[next..end]);
    if text.iter().any(|&c| c == '?' || is_private_use(c)) {
        return None;
    }
    let observed: String = chars[start..end].iter().collect();
    let clean = strip_glosses(&text);
    (forward(&clean, glosses, cut)? == observed).then(|| Repair {
        start,
        end,
        text,
        method: "",
        inferred: String::new(),
    })
}

fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// `chars` without their glosses.
fn strip_glosses(chars: &[char]) -> String {
    super::strip_glosses(&chars.iter().collect::<String>())
}

#[cfg(test)]
mod tests;
