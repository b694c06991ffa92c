//! The report's edges: title forms, preamble, chrome, split subtitles.
use super::*;

use crate::passes::clean::testing::edged;

#[test]
fn letter_spaced_titles_lose_their_spaces() {
    for spaced in [
        "政 府 工 作 报 告",
        "政\u{3000}府\u{3000}工\u{3000}作\u{3000}报\u{3000}告",
    ] {
        let (out, _) = edged(&[spaced, "各位代表："]);
        assert_eq!(out[0], "政府工作报告", "{spaced}");
    }
    let (out, _) = edged(&["2024年 某某县 政府工作报告", "正文。"]);
    assert_eq!(out[0], "2024年某某县政府工作报告");
}

#[test]
fn a_title_split_over_two_lines_is_one_line() {
    let (out, cleaning) = edged(&["2024年某某县", "政府工作报告", "各位代表："]);
    assert_eq!(out, ["2024年某某县政府工作报告", "各位代表："]);
    assert!(cleaning.preamble_lines.is_empty());
    // A menu line before a bare title is no first half: it is preamble.
    let (out, cleaning) = edged(&["首页 > 政务公开", "政府工作报告"]);
    assert_eq!(out, ["政府工作报告"]);
    assert_eq!(cleaning.preamble_lines, ["首页 > 政务公开"]);
}

#[test]
fn subtitle_split_over_lines_is_joined() {
    let (out, _) = edged(&[
        "政府工作报告",
        "——2026年1月26日在某某省第十四届",
        "人民代表大会第五次会议上",
        "某某省省长　某　某",
    ]);
    assert_eq!(
        out,
        [
            "政府工作报告",
            "——2026年1月26日在某某省第十四届人民代表大会第五次会议上",
            "某某省省长　某　某"
        ]
    );
    let (out, _) = edged(&[
        "政府工作报告",
        "\u{2015}\u{2015}2026年1月",
        "26日在某某市",
        "第九届人民代表大会",
        "第三次会议上",
    ]);
    assert_eq!(
        out[1],
        "\u{2015}\u{2015}2026年1月26日在某某市第九届人民代表大会"
    );
    assert_eq!(out[2], "第三次会议上");
    let (out, _) = edged(&["政府工作报告", "——2026年1月26日", "各位代表："]);
    assert_eq!(out[1], "——2026年1月26日");
}

#[test]
fn chrome_around_the_report_is_dropped_and_listed() {
    let (out, cleaning) = edged(&[
        "首页 | 新闻中心",
        "2025年某某县政府工作报告",
        "来源：某某县人民政府网 时间：2025-01-20",
        "【字号：大 中 小】 打印 关闭",
        "——2025年1月15日在某某县第十八届人民代表大会第四次会议上",
        "各位代表：",
        "我们来源于人民、扎根于人民。",
        "下载",
        "（责任编辑：某某）",
        "相关报道：",
        "某某县召开人代会",
        "",
        "扫一扫在手机打开当前页",
    ]);
    assert_eq!(
        out,
        [
            "2025年某某县政府工作报告",
            "——2025年1月15日在某某县第十八届人民代表大会第四次会议上",
            "各位代表：",
            "我们来源于人民、扎根于人民。"
        ]
    );
    assert_eq!(cleaning.preamble_lines, ["首页 | 新闻中心"]);
    let dropped: Vec<usize> = cleaning.chrome_lines.iter().map(|d| d.line).collect();
    assert_eq!(dropped, [3, 4, 8, 9, 10, 11, 13]);
}

#[test]
fn chrome_at_the_top_of_a_text_without_title() {
    let (out, cleaning) = edged(&["打印 | 收藏", "作者:某某", "——2025年1月15日", "各位代表:"]);
    assert_eq!(out, ["——2025年1月15日", "各位代表:"]);
    assert_eq!(cleaning.chrome_lines.len(), 2);
    assert!(cleaning.preamble_lines.is_empty());
}

#[test]
fn chrome_words_inside_the_body_stay() {
    let body = [
        "政府工作报告",
        "各位代表：",
        "打印",
        "来源：统计公报。",
        "本报记者某某摄",
        "最后一段。",
    ];
    let (out, cleaning) = edged(&body);
    assert_eq!(out.len(), body.len());
    assert!(cleaning.chrome_lines.is_empty());
}

#[test]
fn photo_credits_and_button_rows_are_chrome() {
    for line in [
        "本报记者 某某 摄",
        "【打印】【关闭】",
        "分享到：",
        "打印本页 | 关闭窗口",
        "(责任编辑:某某)",
    ] {
        assert!(is_chrome(line), "{line}");
    }
    for line in ["打印机购置", "时间就是效率。", "中国", "小微企业"] {
        assert!(!is_chrome(line), "{line}");
    }
}

#[test]
fn a_letter_spaced_title_over_two_or_three_lines_is_one_title() {
    let (out, cleaning) = edged(&[
        "关 于 某 市 2025 年 国 民 经 济 和 社 会 发 展 计 划",
        "执 行 情 况 与 2026 年 计 划 草 案 的 报 告",
        "各位代表：",
    ]);
    assert_eq!(
        out[0],
        "关于某市2025年国民经济和社会发展计划执行情况与2026年计划草案的报告"
    );
    assert!(cleaning.preamble_lines.is_empty());
    let (out, _) = edged(&[
        "关  于  某  市  2025年",
        "预  算  执  行  情  况  和  2026年",
        "预  算  草  案  的  报  告",
        "各位代表：",
    ]);
    assert_eq!(out[0], "关于某市2025年预算执行情况和2026年预算草案的报告");
    // A short line above a title that is not spaced like it and does not open with 关于
    // stays preamble.
    let (out, cleaning) = edged(&["某市人民政府公报", "政 府 工 作 报 告", "各位代表："]);
    assert_eq!(out[0], "政府工作报告");
    assert_eq!(cleaning.preamble_lines, ["某市人民政府公报"]);
}

#[test]
fn a_resolution_keeps_its_meeting_line_and_joins_its_adoption_line() {
    let (out, cleaning) = edged(&[
        "某市公报",
        "某市第七届人民代表大会第七次会议",
        "关  于  政  府  工  作  报  告  的  决  议",
        "（2026年2月11日某市第七届人民代表大会",
        "第七次会议通过）",
        "会议听取和审议了政府工作报告。",
    ]);
    assert_eq!(
        out,
        [
            "某市第七届人民代表大会第七次会议",
            "关于政府工作报告的决议",
            "（2026年2月11日某市第七届人民代表大会第七次会议通过）",
            "会议听取和审议了政府工作报告。",
        ]
    );
    assert_eq!(cleaning.preamble_lines, ["某市公报"]);
}

#[test]
fn the_page_headline_beats_a_section_name_above_it() {
    let (out, cleaning) = edged(&[
        "工作报告",
        "2020年某县政府工作报告",
        "县长  某某",
        "各位代表：",
    ]);
    assert_eq!(out[0], "2020年某县政府工作报告");
    assert_eq!(out[1], "县长  某某");
    assert_eq!(cleaning.preamble_lines, ["工作报告"]);
}
