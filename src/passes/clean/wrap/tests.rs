//! Folios and hard wraps.
use super::*;

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
