//! A scraped page's chrome: top, front matter, tail, doubts.
use super::*;
use crate::check_report::Cleaning;

use crate::passes::clean::testing::edged;

fn chrome_lines(c: &Cleaning) -> Vec<usize> {
    c.chrome_lines.iter().map(|d| d.line).collect()
}

#[test]
fn the_article_data_block_and_a_photo_caption_in_the_front_matter_go() {
    let (out, c) = edged(&[
        "时间：2020-01-15 作者：办公室 来源：某市政府网 阅读：1536 评论：0",
        "内容摘要：市长在大会上作报告。",
        "2020年某市政府工作报告",
        "阅读：88",
        "——2020年1月8日在某市第十六届人民代表大会第四次会议上",
        "来源：某市日报",
        "时间：2020-01-09",
        "1月8日\u{FF0C}市长某某同志作政府工作报告\u{3002}本报记者 某某摄",
        "市长　某某",
        "各位代表：",
        "现在\u{FF0C}我代表市人民政府向大会报告工作\u{3002}",
    ]);
    assert_eq!(
        out,
        [
            "2020年某市政府工作报告",
            "——2020年1月8日在某市第十六届人民代表大会第四次会议上",
            "市长　某某",
            "各位代表：",
            "现在\u{FF0C}我代表市人民政府向大会报告工作\u{3002}",
        ]
    );
    assert_eq!(chrome_lines(&c), [1, 2, 4, 6, 7, 8]);
    assert!(c.preamble_lines.is_empty());
    assert!(c.possible_chrome.is_empty());
}

#[test]
fn the_tail_goes_from_its_first_marker_when_only_chrome_follows() {
    let (out, c) = edged(&[
        "政府工作报告",
        "各位代表：",
        "让我们团结奋斗\u{FF01}",
        "分享到：",
        "上一篇：2019年某市政府工作报告",
        "下一篇：关于某市2019年预算执行情况的报告",
        "相关文章",
        "2018年某市政府工作报告 2018-01-20",
        "",
        "本栏最新",
        "本栏推荐",
        "阅读排行",
        "1",
        "标签云",
        "政府工作报告 市长 人代会",
        "政府信息公开",
    ]);
    assert_eq!(
        out,
        ["政府工作报告", "各位代表：", "让我们团结奋斗\u{FF01}"]
    );
    assert_eq!(
        chrome_lines(&c),
        [4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16]
    );
    assert!(c.possible_chrome.is_empty());
}

#[test]
fn a_marker_followed_by_prose_stays_and_is_a_doubt() {
    let (out, c) = edged(&[
        "政府工作报告",
        "各位代表：",
        "让我们团结奋斗\u{FF01}",
        "相关文章",
        "某市召开大会\u{3002}会议听取了政府工作报告\u{3002}",
        "本栏最新",
        "2019年某市政府工作报告 2019-01-18",
    ]);
    assert_eq!(out.len(), 5);
    assert_eq!(chrome_lines(&c), [6, 7]);
    let doubts: Vec<usize> = c.possible_chrome.iter().map(|d| d.line).collect();
    assert_eq!(doubts, [4]);
}

#[test]
fn chrome_like_lines_inside_the_report_are_doubts_not_drops() {
    let (out, c) = edged(&[
        "政府工作报告",
        "各位代表：",
        "打印",
        "来源：统计公报。",
        "本报记者某某摄",
        "最后一段。",
    ]);
    assert_eq!(out.len(), 6);
    assert!(c.chrome_lines.is_empty());
    let doubts: Vec<usize> = c.possible_chrome.iter().map(|d| d.line).collect();
    assert_eq!(doubts, [3, 4, 5]);
}

#[test]
fn captions_markers_and_their_look_alikes() {
    for line in [
        "本报记者 某某 摄",
        "图为会议现场\u{3002}（通讯员 某某 摄）",
        "1月8日\u{FF0C}某某同志作政府工作报告\u{3002}本报记者 李某某摄",
    ] {
        assert!(is_photo_caption(line), "{line}");
    }
    for line in ["拍摄", "记者节", "支持记者深入基层采访\u{3002}"] {
        assert!(!is_photo_caption(line), "{line}");
    }
    for line in [
        "分享到：",
        "【相关文章】",
        "上一篇:某报告",
        "本栏推荐",
        "政府信息公开",
    ] {
        assert!(is_tail_marker(line), "{line}");
    }
    for line in [
        "政府信息公开工作稳步推进\u{3002}",
        "相关文章显示",
        "分享经验",
    ] {
        assert!(!is_tail_marker(line), "{line}");
    }
}
