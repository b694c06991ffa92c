//! The report's edges, on the raw lines before each line is cleaned: the scraped page's chrome
//! around the report, the lines before the title, the title's own forms and a subtitle split
//! over several lines.
//!
//! - **Title** ([`find_title`]): the first line that passes the one title test
//!   (`passes::structure::title`) once whitespace between its characters is dropped
//!   (`政 府 工 作 报 告`, ASCII or U+3000 spaces, single or double); a section name right above
//!   the page's headline that the headline ends with (`工作报告` / `2020年某县政府工作报告`) is
//!   passed over for the headline; a title that is only `政府工作报告` takes the short line
//!   before it when that line names a place or a year (`2024年舞阳县` / `政府工作报告`); a title
//!   spread over two or three lines takes the lines above it that begin it (letter-spaced as it
//!   is, or opening with `关于`): they become one title line.
//! - **Meeting line**: `某市第七届人民代表大会第七次会议` right above the title is kept (as its
//!   own line, spaces dropped) for the structure pass to set above the title.
//! - Each line joined into the title or the subtitle is listed in `cleaning.lines_joined`
//!   (`why`: `title`, `subtitle`).
//! - **Preamble**: every other line before the title is dropped and listed (`cleaning.preamble_lines`;
//!   chrome lines among them in `cleaning.chrome_lines`, with their line).
//! - **Chrome** ([`chrome`]): the page's lines before the title, among the front matter and
//!   at the end are dropped and listed in `cleaning.chrome_lines`; a chrome-like line inside the
//!   report is kept and listed in `cleaning.possible_chrome`.
//! - **Subtitle**: a line starting with `——`, `――` or `—` (or an opening parenthesis) that does
//!   not end the date/meeting phrase (`…会议上`, `…日`, `）`) is joined with the next one or two
//!   short lines (`——2026年1月26日在广东省第十四届` / `人民代表大会第五次会议上`).
use super::chrome;
pub use super::chrome::{is_chrome, wide_colons};
use super::strip_glosses;
use crate::check_report::{Cleaning, DroppedLine, Join};
use crate::passes::structure::title::{self, despaced, letter_spaced};

pub use crate::read::Line;

/// At most this many characters for the place/year half of a title split over two lines.
const SPLIT_TITLE_HEAD: usize = 20;
/// At most this many characters for a continuation line of a split subtitle.
const SUBTITLE_PART: usize = 30;

/// The title's first and last line (indices into the lines), its text as one line, and the
/// meeting line right above it, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitleAt {
    pub first: usize,
    pub last: usize,
    pub text: String,
    /// `某市第七届人民代表大会第七次会议` above the title: kept as the title's label.
    pub meeting: Option<usize>,
}

/// At most this many lines in one title.
const TITLE_LINES: usize = 3;

/// Where the title is, in any of its forms (the test itself: [`title::is_title`]).
pub fn find_title(lines: &[Line]) -> Option<TitleAt> {
    // A breadcrumb (`首页 > 政务公开 > 政府工作报告`) ends like a title but is the page's menu.
    let titled = |l: &Line| {
        !l.text.contains(['>', '|', '\u{203A}', '\u{00BB}'])
            && title::title_text(&strip_glosses(&l.text)).is_some()
    };
    let mut at = lines.iter().position(titled)?;
    // A section name (`工作报告`) right above the page's headline (`2020年某县政府工作报告`):
    // the headline is the title.
    if let Some(next) = (at + 1..lines.len()).find(|&i| !lines[i].text.trim().is_empty()) {
        let (a, b) = (despaced(&lines[at].text), despaced(&lines[next].text));
        if titled(&lines[next]) && b.len() > a.len() && b.ends_with(&a) {
            at = next;
        }
    }
    let text = despaced(lines[at].text.trim());
    let bare = matches!(
        strip_glosses(&text).as_str(),
        "政府工作报告" | "政府工作報告"
    );
    let mut first = at;
    let mut text = text;
    if bare {
        if let Some(prev) = lines[..at].iter().rposition(|l| !l.text.trim().is_empty()) {
            let head = despaced(lines[prev].text.trim());
            if is_title_head(&strip_glosses(&head)) {
                first = prev;
                text = format!("{head}{text}");
            }
        }
    }
    // A title over two or three lines: the lines right above it that begin it.
    while at + 1 - first < TITLE_LINES && first > 0 {
        let prev = lines[first - 1].text.trim();
        let joined = format!("{}{text}", despaced(prev));
        if !begins_title(prev, &lines[at].text) || !title::is_title(&joined) {
            break;
        }
        text = joined;
        first -= 1;
    }
    let meeting = lines[..first]
        .iter()
        .rposition(|l| !l.text.trim().is_empty())
        .filter(|&m| title::is_meeting_line(&lines[m].text));
    Some(TitleAt {
        first,
        last: at,
        text,
        meeting,
    })
}

/// Is `line` (right above the title's last line `last`) the title's beginning? A line of the
/// same letter-spacing as the title's last line, or one opening with `关于`; never a meeting
/// line, a menu line or a sentence.
fn begins_title(line: &str, last: &str) -> bool {
    let t = despaced(line);
    let n = t.chars().count();
    let about = t.starts_with("关于") || t.starts_with("關於");
    n > 0
        && !title::is_meeting_line(line)
        && !line.contains(['>', '|', '\u{203A}', '\u{00BB}'])
        && !t.contains([
            '\u{3002}', '\u{FF0C}', '\u{FF1B}', '\u{FF1A}', '\u{FF01}', '\u{FF1F}',
        ])
        && (about || (letter_spaced(line) && letter_spaced(last)))
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
            for (k, l) in lines[..t.first].iter().enumerate() {
                if Some(k) == t.meeting {
                    continue;
                }
                if is_chrome(&l.text) {
                    chrome.push(l.clone());
                } else if !l.text.trim().is_empty() {
                    cleaning.preamble_lines.push(l.text.trim().to_string());
                }
            }
            // Each line of a title over several lines is a join (spaces dropped).
            let mut onto = lines[t.first].line;
            for l in &lines[t.first + 1..=t.last] {
                if l.text.trim().is_empty() {
                    continue;
                }
                cleaning.lines_joined.push(Join {
                    line: l.line,
                    onto,
                    text: despaced(&l.text),
                    why: "title".into(),
                });
                onto = l.line;
            }
            let title = Line {
                line: lines[t.first].line,
                text: t.text,
            };
            let meeting = t.meeting.map(|m| Line {
                line: lines[m].line,
                text: despaced(&lines[m].text),
            });
            let kept: Vec<Line> = meeting.into_iter().chain([title]).collect();
            let n = kept.len();
            lines.splice(..=t.last, kept);
            n
        }
        None => 0,
    };
    // Chrome at the top (no title) or among the front matter after the title.
    let body = chrome::drop_front_matter(&mut lines, body_start, &mut chrome);
    cleaning
        .possible_chrome
        .extend(chrome::doubtful(&lines, body));
    join_subtitle(&mut lines, body_start, cleaning);
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
fn join_subtitle(lines: &mut Vec<Line>, from: usize, cleaning: &mut Cleaning) {
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
    let mut onto = lines[at].line;
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
        cleaning.lines_joined.push(Join {
            line: lines[j].line,
            onto,
            text: part.to_string(),
            why: "subtitle".into(),
        });
        onto = lines[j].line;
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
