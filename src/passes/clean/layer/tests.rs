//! Text layers: recognised, furniture out, extraction spaces out.
use super::*;
use crate::check_report::Severity;

fn lines(texts: &[&str]) -> Vec<Line> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| Line {
            line: i + 1,
            text: t.to_string(),
        })
        .collect()
}

const HEAD: &str = "某市政府公报 2026年第1期";
/// A body line at the column (38 Chinese characters).
fn full(c: char) -> String {
    c.to_string().repeat(38)
}

#[test]
fn a_page_of_a_text_layer_is_recognised_and_loses_its_furniture() {
    let (a, b) = (full('甲'), full('乙'));
    let glued = format!("{a}7{HEAD}{b}");
    let texts = [
        HEAD,
        a.as_str(),
        "增长  5.8%  ，从  2020  年起。",
        "6",
        "\u{C}某市政府公报 2026年第1期",
        glued.as_str(),
        "7",
        "\u{C}",
    ];
    let l = lines(&texts);
    let layer = Layer::of(&l).expect("a text layer");
    assert_eq!(layer.head.as_deref(), Some(HEAD));
    assert_eq!(layer.form_feeds, 2);
    assert_eq!(layer.page_numbers, 2);
    let mut report = CheckReport::default();
    let out = layer.strip(l, &mut report);
    let texts: Vec<(usize, &str)> = out.iter().map(|l| (l.line, l.text.as_str())).collect();
    assert_eq!(
        texts,
        [
            (2, a.as_str()),
            (3, "增长5.8%，从2020年起。"),
            (6, a.as_str()),
            (6, b.as_str()),
        ]
    );
    assert_eq!(report.cleaning.extraction_spaces, 4);
    let f: Vec<(usize, usize, &str)> = report
        .cleaning
        .page_furniture
        .iter()
        .map(|r| (r.line, r.column, r.why.as_str()))
        .collect();
    assert_eq!(
        f,
        [
            (1, 1, "running head"),
            (4, 1, "page number"),
            (5, 1, "form feed (page break)"),
            (5, 1, "running head"),
            (6, 39, "running head glued into the line"),
            (7, 1, "page number"),
            (8, 1, "form feed (page break)"),
        ]
    );
    assert_eq!(report.cleaning.page_furniture[4].text, format!("7{HEAD}"));
}

#[test]
fn a_one_page_document_knows_its_head_by_its_issue() {
    let a = full('丙');
    let texts = [
        "某市政府公报 2026年第1期",
        a.as_str(),
        a.as_str(),
        "短。",
        "9",
        "\u{C}",
    ];
    let layer = Layer::of(&lines(&texts)).expect("a text layer");
    assert_eq!(layer.head.as_deref(), Some("某市政府公报 2026年第1期"));
}

#[test]
fn ordinary_text_is_no_text_layer() {
    // One paragraph a line, no page marks.
    let texts = [
        "2024年某县政府工作报告",
        "各位代表：",
        "现在，我代表县人民政府，向大会报告政府工作，请予审议。",
        "一、2023年工作回顾",
        "全年完成生产总值244.5亿元。",
    ];
    assert_eq!(Layer::of(&lines(&texts)), None);
    // Hard wraps of constant width alone are not a text layer either.
    let a = full('丁');
    let texts = [a.as_str(), a.as_str(), a.as_str(), "完。"];
    assert_eq!(Layer::of(&lines(&texts)), None);
}

#[test]
fn a_line_that_may_be_a_running_head_is_kept_with_a_warning() {
    let a = full('戊');
    let texts = [
        HEAD,
        a.as_str(),
        "1",
        "\u{C}某市政府公报 2026年第1期",
        a.as_str(),
        "某市政府公报 2025年增刊",
        "2",
        "\u{C}某市政府公报 2026年第1期",
    ];
    let l = lines(&texts);
    let layer = Layer::of(&l).unwrap();
    let mut report = CheckReport::default();
    let out = layer.strip(l, &mut report);
    assert!(out.iter().any(|l| l.text == "某市政府公报2025年增刊"));
    let w = &report.warnings[0];
    assert_eq!(
        (w.code.as_str(), w.severity, w.line),
        ("running-head-doubt", Severity::Warning, Some(6))
    );
}

#[test]
fn extraction_spaces_go_between_chinese_and_latin_only() {
    let (t, n) =
        without_extraction_spaces("推动  PM  浓度从  2.83  万亿元到 GDP 与 Latin words 之间");
    assert_eq!(t, "推动PM浓度从2.83万亿元到GDP与Latin words之间");
    assert_eq!(n, 8);
    // Spaces between Chinese characters (letter-spacing) are the title's business.
    assert_eq!(without_extraction_spaces("政  府").0, "政  府");
}

#[test]
fn the_column_is_where_most_lines_end() {
    let widths = [76, 75, 76, 76, 75, 78, 40, 12, 76, 62];
    let (c, share) = column(widths.into_iter()).unwrap();
    assert_eq!(c, 76);
    assert!(share >= CONSTANT_SHARE, "{share}");
    assert_eq!(width("中A 1"), 4);
}
