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
//! - **Preamble**: every other line before the title is dropped and listed
//!   (`cleaning.preamble_lines`).
//! - **Chrome** ([`is_chrome`]): button and menu lines (`下载`, `打印`, `【字号：大 中 小】`,
//!   `分享到`, `扫一扫`…), source/time/author/photo lines (`来源：`, `时间：`, `作者：`,
//!   `责任编辑：`, `本报记者…摄`) are dropped where a scraped page puts them: at the top when the
//!   text has no title, between the title and the first line of the report, and at the end; a
//!   `相关报道` / `相关链接` line at the end drops itself and everything after it. Each dropped
//!   line is listed in `cleaning.chrome_lines`. Nothing inside the report body is dropped.
//! - **Subtitle**: a line starting with `——`, `――` or `—` (or an opening parenthesis) that does
//!   not end the date/meeting phrase (`…会议上`, `…日`, `）`) is joined with the next one or two
//!   short lines (`——2026年1月26日在广东省第十四届` / `人民代表大会第五次会议上`).
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

/// Lines of a scraped page around the report (see the module text).
pub fn is_chrome(line: &str) -> bool {
    const BUTTONS: [&str; 22] = [
        "下载",
        "下載",
        "打印",
        "打印本页",
        "打印本頁",
        "全屏",
        "收藏",
        "关闭",
        "關閉",
        "关闭窗口",
        "關閉窗口",
        "分享",
        "分享到",
        "扫一扫",
        "掃一掃",
        "返回顶部",
        "返回頂部",
        "字号",
        "字號",
        "大",
        "中",
        "小",
    ];
    const STARTS: [&str; 24] = [
        "来源：",
        "來源：",
        "信息来源：",
        "資料來源：",
        "时间：",
        "時間：",
        "发布时间：",
        "發布時間：",
        "作者：",
        "责任编辑：",
        "責任編輯：",
        "（责任编辑：",
        "（責任編輯：",
        "编辑：",
        "編輯：",
        "浏览次数",
        "瀏覽次數",
        "【字号",
        "【字號",
        "字号：",
        "字號：",
        "分享到",
        "扫一扫",
        "掃一掃",
    ];
    let t = wide_colons(line.trim());
    if t.is_empty() {
        return false;
    }
    if STARTS.iter().any(|s| t.starts_with(s)) {
        return true;
    }
    // `本报记者 某某 摄`: a photo credit.
    if (t.starts_with("本报记者") || t.starts_with("本報記者")) && t.ends_with(['摄', '攝'])
    {
        return t.chars().count() <= 40;
    }
    // A line made only of buttons: `下载 | 打印 | 全屏`, `【打印】【关闭】`.
    let words: Vec<&str> = t
        .split(|c: char| {
            c.is_whitespace() || matches!(c, '|' | '｜' | '【' | '】' | '[' | ']' | '/' | '·')
        })
        .filter(|w| !w.is_empty())
        .collect();
    !words.is_empty() && words.iter().all(|w| BUTTONS.contains(w))
}

/// A `相关报道` / `相关链接` line: it and everything after it are the page's, not the report's.
fn is_related(line: &str) -> bool {
    const RELATED: [&str; 8] = [
        "相关报道",
        "相關報道",
        "相关链接",
        "相關鏈接",
        "相关新闻",
        "相關新聞",
        "相关阅读",
        "相關閱讀",
    ];
    let t = wide_colons(line.trim());
    let t = t
        .trim_end_matches('：')
        .trim_matches(|c| matches!(c, '【' | '】'));
    RELATED.contains(&t)
}

/// ASCII colons and parentheses as their full-width forms, for matching raw lines.
pub fn wide_colons(t: &str) -> String {
    t.chars()
        .map(|c| match c {
            ':' => '\u{FF1A}',
            '(' => '\u{FF08}',
            ')' => '\u{FF09}',
            c => c,
        })
        .collect()
}

/// The lines of the report proper: chrome and preamble out (listed), title on one line,
/// subtitle joined.
pub fn edges(mut lines: Vec<Line>, cleaning: &mut Cleaning) -> Vec<Line> {
    let mut chrome = Vec::new();
    drop_tail(&mut lines, &mut chrome);
    let body_start = match find_title(&lines) {
        Some(t) => {
            for (k, l) in lines[..t.first].iter().enumerate() {
                if !l.text.trim().is_empty() && Some(k) != t.meeting {
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
    // Chrome at the top (no title) or between the title and the report's first line.
    let mut i = body_start;
    while i < lines.len() {
        let t = lines[i].text.trim();
        if t.is_empty() {
            i += 1;
        } else if is_chrome(t) {
            chrome.push(lines.remove(i));
        } else {
            break;
        }
    }
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

/// Chrome and `相关报道` blocks at the end of the text.
fn drop_tail(lines: &mut Vec<Line>, chrome: &mut Vec<Line>) {
    // Only in the last lines of the text: a report body never has such a line on its own.
    if let Some(at) = lines.iter().rposition(|l| is_related(&l.text)) {
        chrome.extend(lines.drain(at..).filter(|l| !l.text.trim().is_empty()));
    }
    while let Some(k) = lines.iter().rposition(|l| !l.text.trim().is_empty()) {
        if !is_chrome(&lines[k].text) {
            break;
        }
        chrome.push(lines.remove(k));
    }
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
