//! The report's edges, on the raw lines before each line is cleaned: the scraped page's chrome
//! around the report, the lines before the title, the title's own forms and a subtitle split
//! over several lines.
//!
//! - **Title** ([`find_title`]): the first line that is a title once whitespace between its
//!   characters is dropped (`政 府 工 作 报 告`, ASCII or U+3000 spaces); a title that is only
//!   `政府工作报告` takes the short line before it when that line names a place or a year
//!   (`2024年舞阳县` / `政府工作报告`): the two become one title line.
//! - **Preamble**: every line before the title is dropped and listed (`cleaning.preamble_lines`;
//!   chrome lines among them in `cleaning.chrome_lines`, with their line).
//! - **Chrome** ([`chrome`]): the page's lines before the title, among the front matter and
//!   at the end are dropped and listed in `cleaning.chrome_lines`; a chrome-like line inside the
//!   report is kept and listed in `cleaning.possible_chrome`.
//! - **Subtitle**: a line starting with `——`, `――` or `—` (or an opening parenthesis) that does
//!   not end the date/meeting phrase (`…会议上`, `…日`, `）`) is joined with the next one or two
//!   short lines (`——2026年1月26日在广东省第十四届` / `人民代表大会第五次会议上`).
use super::chrome;
pub use super::chrome::{is_chrome, wide_colons};
use super::{is_title_line, strip_glosses};
use crate::check_report::{Cleaning, DroppedLine};

pub use crate::read::Line;

/// At most this many characters for the place/year half of a title split over two lines.
const SPLIT_TITLE_HEAD: usize = 20;
/// At most this many characters for a continuation line of a split subtitle.
const SUBTITLE_PART: usize = 30;

/// The title's first and last line (indices into the lines) and its text as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitleAt {
    pub first: usize,
    pub last: usize,
    pub text: String,
}

/// Where the title is, in any of its forms.
pub fn find_title(lines: &[Line]) -> Option<TitleAt> {
    // A breadcrumb (`首页 > 政务公开 > 政府工作报告`) ends like a title but is the page's menu.
    let at = lines.iter().position(|l| {
        !l.text.contains(['>', '|', '\u{203A}', '\u{00BB}'])
            && is_title_line(&despaced(&strip_glosses(&l.text)))
    })?;
    let text = despaced(lines[at].text.trim());
    let bare = matches!(
        strip_glosses(&text).as_str(),
        "政府工作报告" | "政府工作報告"
    );
    if bare {
        if let Some(prev) = lines[..at].iter().rposition(|l| !l.text.trim().is_empty()) {
            let head = despaced(lines[prev].text.trim());
            if is_title_head(&strip_glosses(&head)) {
                return Some(TitleAt {
                    first: prev,
                    last: at,
                    text: format!("{head}{text}"),
                });
            }
        }
    }
    Some(TitleAt {
        first: at,
        last: at,
        text,
    })
}

/// The line with whitespace between non-ASCII characters removed (`政 府 工 作 报 告`);
/// whitespace next to Latin letters or digits stays.
fn despaced(line: &str) -> String {
    let chars: Vec<char> = line.trim().chars().collect();
    let mut out = String::with_capacity(line.len());
    for (i, &c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            let before = out.chars().next_back();
            let after = chars[i..].iter().find(|c| !c.is_whitespace());
            let latin = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
            if latin(before.as_ref()) || latin(after) {
                out.push(c);
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// The first half of a split title: a short line of Han characters and digits naming a place
/// (ends in 省, 市, 县, 区…) or a year (`2024年`).
fn is_title_head(line: &str) -> bool {
    const PLACE_ENDS: &str = "省市县區区州旗盟镇鎮乡鄉縣年";
    let n = line.chars().count();
    n > 0
        && n <= SPLIT_TITLE_HEAD
        && line
            .chars()
            .all(|c| c.is_ascii_digit() || crate::cjk::is_han(c))
        && line
            .chars()
            .next_back()
            .is_some_and(|c| PLACE_ENDS.contains(c))
}

/// The lines of the report proper: chrome and preamble out (listed), title on one line,
/// subtitle joined.
pub fn edges(mut lines: Vec<Line>, cleaning: &mut Cleaning) -> Vec<Line> {
    let mut chrome = Vec::new();
    chrome::drop_tail(&mut lines, &mut chrome);
    let body_start = match find_title(&lines) {
        Some(t) => {
            for l in &lines[..t.first] {
                if is_chrome(&l.text) {
                    chrome.push(l.clone());
                } else if !l.text.trim().is_empty() {
                    cleaning.preamble_lines.push(l.text.trim().to_string());
                }
            }
            let title = Line {
                line: lines[t.first].line,
                text: t.text,
            };
            lines.splice(..=t.last, [title]);
            1
        }
        None => 0,
    };
    // Chrome at the top (no title) or among the front matter after the title.
    let body = chrome::drop_front_matter(&mut lines, body_start, &mut chrome);
    cleaning
        .possible_chrome
        .extend(chrome::doubtful(&lines, body));
    join_subtitle(&mut lines, body_start);
    chrome.sort_by_key(|l| l.line);
    cleaning
        .chrome_lines
        .extend(chrome.into_iter().map(|l| DroppedLine {
            line: l.line,
            text: l.text.trim().to_string(),
        }));
    lines
}

/// Join a subtitle split over two or three lines, starting at the first non-blank line from
/// `from`.
fn join_subtitle(lines: &mut Vec<Line>, from: usize) {
    let Some(at) = (from..lines.len()).find(|&i| !lines[i].text.trim().is_empty()) else {
        return;
    };
    let first = lines[at].text.trim().to_string();
    let dashed = first.starts_with(['—', '―']) || first.starts_with("--");
    let opened = first.starts_with(['（', '(']);
    if !dashed && !opened {
        return;
    }
    let mut text = first;
    let mut parts = 1;
    let mut next = at + 1;
    while parts < 3 && !subtitle_complete(&text, opened) {
        let Some(j) = (next..lines.len()).find(|&i| !lines[i].text.trim().is_empty()) else {
            break;
        };
        let part = lines[j].text.trim();
        let sentence = part.contains(['。', '，', '；', '！', '？', ',', ';', '!', '?']);
        if part.chars().count() > SUBTITLE_PART || sentence || part.starts_with("各位") {
            break;
        }
        text.push_str(part);
        lines.drain(at + 1..=j);
        parts += 1;
        next = at + 1;
    }
    lines[at].text = text;
}

/// Does the subtitle text read as complete (`…会议上`, `…日`, closed parenthesis)?
fn subtitle_complete(text: &str, opened: bool) -> bool {
    if opened {
        return text.ends_with(['）', ')']);
    }
    text.ends_with(['上', '日', '）', ')']) || text.ends_with("讲话") || text.ends_with("講話")
}

#[cfg(test)]
mod tests;
