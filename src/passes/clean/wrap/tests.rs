//! Folios and hard wraps.
use super::*;
use crate::check_report::CheckReport;

fn run(texts: &[&str]) -> (Vec<String>, Cleaning) {
    let lines = texts
        .iter()
        .enumerate()
        .map(|(i, t)| Line {
            line: i + 1,
            text: t.to_string(),
        })
        .collect();
    let mut cleaning = Cleaning::default();
    let out = unwrap(lines, &mut cleaning);
    (out.into_iter().map(|l| l.text).collect(), cleaning)
}

#[test]
fn wrapped_lines_are_joined_up_to_the_sentence_end() {
    let (out, cleaning) = run(&[
        "政府工作报告",
        "——2025年1月15日",
        "某某县县长　某某",
        "各位代表：",
        "现在，我代表县人民政府，向大会报告",
        "工作，请予审议。",
        "一、过去一年的工作",
        "全年地区生产总值增长5.6%，完成",
        "PM2.5 and",
        "GDP目标。",
        "（一）产业发展稳中有进。新建厂房十二万",
        "平方米。",
        "（二）深入推进改革，持续优化营商环境",
        "我们坚持问题导向。",
        "1.扎实推进项目建设",
        "附件：名词解释",
        "1.专精特新：指专业化、精细化、",
        "特色化、新颖化的中小企业。",
        "[2]放管服",
        "指简政放权。",
    ]);
    assert_eq!(
        out,
        [
            "政府工作报告",
            "——2025年1月15日",
            "某某县县长　某某",
            "各位代表：",
            "现在，我代表县人民政府，向大会报告工作，请予审议。",
            "一、过去一年的工作",
            "全年地区生产总值增长5.6%，完成PM2.5 and GDP目标。",
            "（一）产业发展稳中有进。新建厂房十二万平方米。",
            "（二）深入推进改革，持续优化营商环境",
            "我们坚持问题导向。",
            "1.扎实推进项目建设",
            "附件：名词解释",
            "1.专精特新：指专业化、精细化、特色化、新颖化的中小企业。",
            "[2]放管服",
            "指简政放权。",
        ]
    );
    assert_eq!(cleaning.lines_joined.len(), 5);
    let j = &cleaning.lines_joined[0];
    assert_eq!(
        (j.line, j.onto, j.text.as_str()),
        (6, 5, "工作，请予审议。")
    );
    assert_eq!(j.why, "hard wrap");
}

#[test]
fn folios_are_dropped_and_the_page_break_closes() {
    let (out, cleaning) = run(&[
        "各位代表：",
        "我们要坚持稳中求进，",
        "",
        "— 3 —",
        "",
        "推动高质量发展。",
        "-4-",
        "第5页",
        "第 6 页",
        "最后一段。",
    ]);
    assert_eq!(
        out,
        [
            "各位代表：",
            "我们要坚持稳中求进，推动高质量发展。",
            "最后一段。"
        ]
    );
    assert_eq!(cleaning.folios_dropped, 4);
    assert_eq!(cleaning.removed.len(), 4);
    assert_eq!(cleaning.removed[0].line, 4);
    assert_eq!(cleaning.lines_joined.len(), 1);
    // The folio between them is set aside: line 6 joins onto line 2.
    let j = &cleaning.lines_joined[0];
    assert_eq!((j.line, j.onto), (6, 2));
}

#[test]
fn folio_shapes() {
    for f in ["— 3 —", "-3-", "－12－", "第3页", "第 12 頁", "―7―"] {
        assert!(is_folio(f), "{f}");
    }
    for t in ["3", "—— 2024年", "第三页", "-3", "第3页内容", "5-6"] {
        assert!(!is_folio(t), "{t}");
    }
}

#[test]
fn one_paragraph_per_line_is_unchanged() {
    let text = [
        "2024年某县政府工作报告",
        "",
        "各位代表:",
        "",
        "  一、2023年工作回顾",
        "",
        "  全年完成生产总值244.5亿元",
        "",
        "附件:《政府工作报告》有关注释.doc",
    ];
    let (out, cleaning) = run(&text);
    assert_eq!(out, text);
    assert_eq!(cleaning.lines_joined.len() + cleaning.folios_dropped, 0);
}

/// A text layer's lines through `by_column`, with the warnings raised.
fn by_col(texts: &[&str]) -> (Vec<String>, CheckReport) {
    let lines = texts
        .iter()
        .enumerate()
        .map(|(i, t)| Line {
            line: i + 1,
            text: t.to_string(),
        })
        .collect();
    let mut report = CheckReport::default();
    let found = layer::Layer {
        head: None,
        form_feeds: 1,
        page_numbers: 0,
        column: 0,
    };
    let out = by_column(lines, &found, &mut report);
    (out.into_iter().map(|l| l.text).collect(), report)
}

/// `n` Chinese characters ending in `end` (a line of `2 * (n + 1)` half-width units).
fn han(n: usize, end: char) -> String {
    let mut s = "甲".repeat(n);
    s.push(end);
    s
}

#[test]
fn a_full_line_goes_on_whatever_it_ends_with() {
    let full_stop = han(37, '\u{3002}');
    let semicolon = han(37, '\u{FF1B}');
    let item = format!("（4）{}", han(35, '\u{FF1B}'));
    let (out, report) = by_col(&[
        "各位代表\u{FF1A}",
        &full_stop,
        &semicolon,
        &item,
        "乙乙乙。",
        "——丙丙丙。",
    ]);
    assert_eq!(
        out,
        [
            "各位代表\u{FF1A}".to_string(),
            format!("{full_stop}{semicolon}{item}乙乙乙。"),
            "——丙丙丙。".to_string(),
        ]
    );
    let j = &report.cleaning.lines_joined;
    assert_eq!(j.len(), 3);
    assert_eq!((j[2].line, j[2].onto, j[2].why.as_str()), (5, 4, "column"));
    assert!(report.warnings.iter().all(|w| w.code == "text-layer"));
}

#[test]
fn markers_start_a_paragraph_after_a_sentence_end_only() {
    let ended = han(37, '\u{3002}');
    let open = han(38, '甲');
    let (out, _) = by_col(&[
        "各位代表\u{FF1A}",
        &ended,
        "（二）乙乙乙。",
        &open,
        "——丙丙丙。",
        &ended,
        "各位代表，丁丁丁。",
    ]);
    assert_eq!(
        out,
        [
            "各位代表\u{FF1A}".to_string(),
            ended.clone(),
            "（二）乙乙乙。".to_string(),
            format!("{open}——丙丙丙。"),
            ended,
            "各位代表，丁丁丁。".to_string(),
        ]
    );
}

#[test]
fn a_wrapped_heading_is_joined_until_it_closes() {
    let first = format!("（二）{}", han(35, '优'));
    let (out, _) = by_col(&[
        "各位代表\u{FF1A}",
        &han(37, '\u{3002}'),
        "甲。",
        &first,
        "势的现代化产业体系。",
        "正文。",
    ]);
    assert_eq!(out[2], format!("{first}势的现代化产业体系。"));
    assert_eq!(out[3], "正文。");
}

#[test]
fn a_line_neither_full_nor_short_is_a_doubt() {
    let full = han(37, '\u{3002}');
    // 35 characters: 72 of 76 units.
    let doubtful = han(35, '\u{3002}');
    let (out, report) = by_col(&["各位代表\u{FF1A}", &full, &full, &doubtful, "乙。"]);
    assert_eq!(out.len(), 3, "{out:?}");
    let w = report
        .warnings
        .iter()
        .find(|w| w.code == "paragraph-break-doubt")
        .expect("a doubt");
    assert_eq!(w.line, Some(4));
    assert!(w.message.contains("ends here"), "{}", w.message);
}

#[test]
fn a_number_that_did_not_fit_makes_the_line_full() {
    // 35 characters and a mark: 72 units, and the next line opens with `2025年`: `2025` (4 units)
    // could not go on it.
    let line = han(35, '到');
    let (out, report) = by_col(&[
        "各位代表\u{FF1A}",
        &han(37, '\u{3002}'),
        &line,
        "2025年的水平。",
    ]);
    assert_eq!(
        out[1],
        format!("{}{line}2025年的水平。", han(37, '\u{3002}'))
    );
    assert!(report.warnings.iter().all(|w| w.code == "text-layer"));
}

#[test]
fn subscripts_go_back_after_their_pm_and_captions_stand_alone() {
    let pm = format!("推动PM浓度下降{}", han(30, '到'));
    let (out, report) = by_col(&[
        "各位代表\u{FF1A}",
        &pm,
        "2.5",
        "每立方米26微克。",
        "图1  2021—2025年地区生产总值",
        "正文。",
    ]);
    assert_eq!(
        out,
        [
            "各位代表\u{FF1A}".to_string(),
            format!("推动PM2.5浓度下降{}每立方米26微克。", han(30, '到')),
            "图1  2021—2025年地区生产总值".to_string(),
            "正文。".to_string(),
        ]
    );
    let j = &report.cleaning.lines_joined;
    assert_eq!(
        (j[0].line, j[0].onto, j[0].why.as_str()),
        (3, 2, "subscript")
    );
    assert_eq!((j[1].line, j[1].onto), (4, 3));
    let w = report
        .warnings
        .iter()
        .find(|w| w.code == "figure-missing")
        .unwrap();
    assert_eq!(w.line, Some(5));
}
