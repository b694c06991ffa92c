//! A scraped page's chrome: the site's lines around the report, never the report's own.
//!
//! - **Chrome lines** ([`is_chrome`]): buttons and menus (`下载`, `打印`, `【字号：大 中 小】`,
//!   `分享到`, `扫一扫`…), the article's data (`来源：`, `时间：`, `作者：`, `阅读：N`,
//!   `评论：N`, `内容摘要：…`, `责任编辑：`), photo credits and captions
//!   (`…同志作政府工作报告。本报记者 某某摄`).
//! - **Tail markers** ([`is_tail_marker`]): the headings of the page's own lists after the
//!   article (`分享到：`, `上一篇：…`, `下一篇：…`, `相关文章`, `本栏最新`, `本栏推荐`,
//!   `阅读排行`, `标签云`, `政府信息公开`, `相关报道`…).
//!
//! Where they are dropped (each listed in `cleaning.chrome_lines` with its line):
//! - **at the end** ([`drop_tail`]): from the first tail marker after which every line is chrome
//!   or a listing (a short line without a sentence mark: other articles' titles with their
//!   dates, tags, ranks), to the end; then chrome lines ending the text;
//! - **before the title**: chrome lines there are listed as chrome, the other lines as preamble;
//! - **in the front matter** ([`drop_front_matter`]): chrome lines between the title and the
//!   salutation (or the first heading or prose line), among the subtitle and speaker lines.
//!
//! A chrome line or tail marker anywhere else is inside the report: it is kept and listed in
//! `cleaning.possible_chrome` ([`doubtful`]), which raises a `possible-chrome` warning with its
//! line, so `--strict` refuses the text rather than print or drop it on a guess.
use crate::check_report::DroppedLine;
use crate::passes::structure::{heading_level, is_salutation};
use crate::read::Line;

/// At most this many characters for a photo caption with its credit.
const CAPTION: usize = 100;
/// At most this many characters for a line a chrome list holds (a title with its date).
const LISTING: usize = 80;
/// A front-matter line longer than this with a sentence mark is the report's prose.
const FRONT_LINE: usize = 40;

/// Marks that close or split a sentence, full-width and ASCII.
const SENTENCE_ENDS: [char; 8] = [
    '\u{3002}', '\u{FF01}', '\u{FF1F}', '\u{FF1B}', '!', '?', ';', '\u{FF0C}',
];

/// A line of the page's chrome (see the module text).
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
    const STARTS: [&str; 38] = [
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
        "阅读：",
        "閱讀：",
        "阅读次数",
        "閱讀次數",
        "评论：",
        "評論：",
        "点击：",
        "點擊：",
        "点击数",
        "點擊數",
        "内容摘要：",
        "內容摘要：",
        "【字号",
        "【字號",
        "字号：",
        "字號：",
        "分享到",
        "扫一扫",
        "掃一掃",
        "上一篇：",
        "下一篇：",
    ];
    let t = wide_colons(line.trim());
    if t.is_empty() {
        return false;
    }
    if STARTS.iter().any(|s| t.starts_with(s)) || is_photo_caption(&t) {
        return true;
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

/// A photo's credit, alone (`本报记者 某某 摄`) or closing its caption
/// (`1月8日，市长某某同志作政府工作报告。本报记者 李某某摄`, `（通讯员 某某 摄）`).
pub fn is_photo_caption(line: &str) -> bool {
    const CREDITS: [&str; 6] = ["记者", "記者", "摄影", "攝影", "通讯员", "通訊員"];
    let t = line.trim();
    let core = t.trim_end_matches(['\u{FF09}', ')']);
    core.ends_with(['摄', '攝'])
        && t.chars().count() <= CAPTION
        && CREDITS.iter().any(|c| core.contains(c))
}

/// The heading of one of the page's lists after the article (see the module text).
pub fn is_tail_marker(line: &str) -> bool {
    const MARKERS: [&str; 30] = [
        "分享到",
        "上一篇",
        "下一篇",
        "相关文章",
        "相關文章",
        "相关报道",
        "相關報道",
        "相关链接",
        "相關鏈接",
        "相关新闻",
        "相關新聞",
        "相关阅读",
        "相關閱讀",
        "本栏最新",
        "本欄最新",
        "本栏推荐",
        "本欄推薦",
        "阅读排行",
        "閱讀排行",
        "标签云",
        "標籤雲",
        "政府信息公开",
        "政府信息公開",
        "热门文章",
        "熱門文章",
        "推荐阅读",
        "推薦閱讀",
        "最新文章",
        "猜你喜欢",
        "猜你喜歡",
    ];
    let t = wide_colons(line.trim());
    let t = t.trim_matches(|c| matches!(c, '【' | '】' | '[' | ']' | '「' | '」'));
    let head = t.split('\u{FF1A}').next().unwrap_or("").trim();
    MARKERS.contains(&head)
}

/// A line a chrome block may hold after its marker: chrome, another marker, or a listing
/// (short, no sentence mark: a title and its date, a tag, a rank).
fn is_chrome_block_line(line: &str) -> bool {
    let t = wide_colons(line.trim());
    is_chrome(&t)
        || is_tail_marker(&t)
        || (t.chars().count() <= LISTING
            && !t.contains(['\u{3002}', '\u{FF01}', '\u{FF1F}', '\u{FF1B}']))
}

/// Chrome at the end of the text, moved to `chrome` (see the module text).
pub fn drop_tail(lines: &mut Vec<Line>, chrome: &mut Vec<Line>) {
    // suffix_ok[i]: every non-blank line from i to the end may be part of a chrome block.
    let mut suffix_ok = vec![true; lines.len() + 1];
    for i in (0..lines.len()).rev() {
        let t = lines[i].text.trim();
        suffix_ok[i] = suffix_ok[i + 1] && (t.is_empty() || is_chrome_block_line(t));
    }
    if let Some(at) = (0..lines.len()).find(|&i| is_tail_marker(&lines[i].text) && suffix_ok[i]) {
        chrome.extend(lines.drain(at..).filter(|l| !l.text.trim().is_empty()));
    }
    while let Some(k) = lines.iter().rposition(|l| !l.text.trim().is_empty()) {
        if !is_chrome(&lines[k].text) {
            break;
        }
        chrome.push(lines.remove(k));
    }
}

/// Chrome lines among the front matter from `from` (the line after the title) up to the
/// salutation, the first heading or the first line of prose, moved to `chrome`. Returns where
/// the front matter stopped (the report's body, where a chrome line is a doubt).
pub fn drop_front_matter(lines: &mut Vec<Line>, from: usize, chrome: &mut Vec<Line>) -> usize {
    let mut i = from;
    while i < lines.len() {
        let t = wide_colons(lines[i].text.trim());
        if t.is_empty() {
            i += 1;
        } else if is_chrome(&t) {
            chrome.push(lines.remove(i));
        } else if is_salutation(&t)
            || heading_level(&t).is_some()
            || (t.chars().count() > FRONT_LINE && t.contains(SENTENCE_ENDS))
        {
            break;
        } else {
            i += 1;
        }
    }
    i
}

/// Lines from `from` on that look like chrome but lie inside the report (kept; listed).
pub fn doubtful(lines: &[Line], from: usize) -> Vec<DroppedLine> {
    lines
        .iter()
        .skip(from)
        .filter(|l| is_chrome(&l.text) || is_tail_marker(&l.text))
        .map(|l| DroppedLine {
            line: l.line,
            text: l.text.trim().to_string(),
        })
        .collect()
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

#[cfg(test)]
mod tests;
