//! The report's edges, on the raw lines before each line is cleaned: the scraped page's chrome
//! around the report, the lines before the title, the title's own forms and a subtitle split
//! over several lines.
//!
//! - **Title** ([`find_title`]): the first line that is a title once whitespace between its
//!   characters is dropped (`政 府 工 作 报 告`, ASCII or U+3000 spaces); a title that is only
//!   `政府工作报告` takes the short line before it when that line names a place or a year
//!   (`2024年舞阳县` / `政府工作报告`): the two become one title line.
//! - **Preamble**: every line before the title is dropped and listed (`cleaning.preamble_lines`).
//! - **Chrome** ([`is_chrome`]): button and menu lines (`下载`, `打印`, `【字号：大 中 小】`,
//!   `分享到`, `扫一扫`…), source/time/author/photo lines (`来源：`, `时间：`, `作者：`,
//!   `责任编辑：`, `本报记者…摄`) are dropped where a scraped page puts them: at the top when the
//!   text has no title, between the title and the first line of the report, and at the end; a
//!   `相关报道` / `相关链接` line at the end drops itself and everything after it. Each dropped
//!   line is listed in `cleaning.chrome_lines`. Nothing inside the report body is dropped.
//! - **Subtitle**: a line starting with `——`, `――` or `—` (or an opening parenthesis) that does
//!   not end the date/meeting phrase (`…会议上`, `…日`, `）`) is joined with the next one or two
//!   short lines (`——2026年1月26日在广东省第十四届` / `人民代表大会第五次会议上`).
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
        && line.chars().all(|c| c.is_ascii_digit() || super::is_han(c))
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
            for l in &lines[..t.first] {
                if !l.text.trim().is_empty() {
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
