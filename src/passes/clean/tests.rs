//! One test per step of the clean pass.
use super::*;

const COMMA: char = '\u{FF0C}';
const STOP: char = '\u{3002}';

use super::testing::lines as raw;

fn clean(lines: &[&str]) -> (Vec<String>, CheckReport) {
    let mut report = CheckReport::default();
    let out = Clean.run(raw(lines), &mut report).unwrap();
    let texts = out.into_iter().map(|l| l.text).collect();
    (texts, report)
}

/// The pass with `--no-repair`: corrupted spans are only flagged.
fn clean_unrepaired(lines: &[&str]) -> (Vec<String>, CheckReport) {
    let mut report = CheckReport::default();
    let out = Clean.run_repairing(raw(lines), &mut report, false).unwrap();
    let texts = out.into_iter().map(|l| l.text).collect();
    (texts, report)
}

#[test]
fn preamble_before_the_title_is_dropped_and_kept() {
    let (lines, report) = clean(&["廣告|廣告", "", "2024年某縣政府工作報告", "", "各位代表:"]);
    assert_eq!(report.cleaning.preamble_lines, ["廣告|廣告"]);
    assert_eq!(lines[0], "2024年某縣政府工作報告");
    assert_eq!(lines.len(), 3);
}

#[test]
fn title_found_through_its_glosses() {
    let (lines, report) = clean(&["x", "政府工作報(bào)告"]);
    assert_eq!(report.cleaning.preamble_lines, ["x"]);
    assert_eq!(lines[0], "政府工作報告");
}

#[test]
fn suspicious_spans_are_flagged_with_raw_columns_and_left_alone() {
    let line = "  甲(jiǎ),堅持?jǐn)U增量,乙";
    let (lines, report) = clean_unrepaired(&["報告", line]);
    let s = &report.cleaning.suspicious;
    assert_eq!(s.len(), 1);
    assert_eq!((s[0].line, s[0].span_column, s[0].column), (2, 10, 12));
    assert_eq!(s[0].text, "堅持?jǐn)U增量");
    assert_eq!(s[0].flagged, [12]);
    assert_eq!(line.chars().nth(11), Some('?'));
    // Outside the span the commas change; inside, `?` and `)` stay ASCII.
    assert_eq!(lines[1], format!("甲{COMMA}堅持?jǐn)U增量{COMMA}乙"));
}

#[test]
fn glosses_removed_also_inside_spans_and_counted() {
    let (lines, report) = clean(&["報告", "設計建設(shè)?;\u{E2A6}A(chǔ)設(shè)施,現(xiàn)在"]);
    assert_eq!(report.cleaning.pinyin_glosses, 4);
    assert_eq!(report.cleaning.suspicious.len(), 1);
    assert_eq!(
        report.cleaning.suspicious[0].text,
        "設計建設(shè)?;\u{E2A6}A(chǔ)設(shè)施"
    );
    assert_eq!(lines[1], format!("設計建設?;\u{E2A6}A設施{COMMA}現在"));
}

#[test]
fn parentheses_that_are_not_glosses_stay_and_turn_full_width() {
    let (lines, report) = clean(&[
        "報告",
        "同比(下同)增長,(一)經濟,規劃(2020—2035),(迎賓大道至青島路)",
    ]);
    assert_eq!(report.cleaning.pinyin_glosses, 0);
    assert_eq!(
        lines[1],
        "同比\u{FF08}下同\u{FF09}增長\u{FF0C}\u{FF08}一\u{FF09}經濟\u{FF0C}規劃\u{FF08}2020—2035\u{FF09}\u{FF0C}\u{FF08}迎賓大道至青島路\u{FF09}"
    );
    assert_eq!(report.cleaning.punctuation_normalized, 11);
}

#[test]
fn ascii_marks_in_chinese_become_full_width_latin_runs_stay() {
    let (lines, report) = clean(&[
        "報告",
        "各位代表:PM2.5下降,增長10%;完成244.5億元!S510,CDMO項目1,000個,8:30開會,12,3456人?",
        "PM(2.5)指標,f(x), Hello, world",
    ]);
    assert_eq!(
        lines[1],
        "各位代表\u{FF1A}PM2.5下降\u{FF0C}增長10%\u{FF1B}完成244.5億元\u{FF01}S510\u{FF0C}CDMO項目1,000個\u{FF0C}8:30開會\u{FF0C}12\u{FF0C}3456人\u{FF1F}"
    );
    assert_eq!(
        lines[2],
        format!("PM(2.5)指標{COMMA}f(x){COMMA} Hello, world")
    );
    assert_eq!(report.cleaning.punctuation_normalized, 11);
}

#[test]
fn lines_without_han_are_left_as_they_are() {
    let (lines, report) = clean(&["報告", "A, B; C!"]);
    assert_eq!(lines[1], "A, B; C!");
    assert_eq!(report.cleaning.punctuation_normalized, 0);
}

#[test]
fn doubled_scraper_punctuation_collapses_and_is_listed() {
    let (lines, report) = clean(&["報告", "工作,。下一步,、再下一步\u{FF0C}\u{3002}"]);
    assert_eq!(lines[1], format!("工作{STOP}下一步\u{3001}再下一步{STOP}"));
    assert_eq!(report.cleaning.duplicate_punctuation, 3);
    let removed: Vec<(usize, usize, &str)> = report
        .cleaning
        .removed
        .iter()
        .map(|r| (r.line, r.column, r.text.as_str()))
        .collect();
    assert_eq!(
        removed,
        [(2, 3, "\u{FF0C}"), (2, 8, "\u{FF0C}"), (2, 14, "\u{FF0C}")]
    );
}

#[test]
fn whitespace_around_lines_is_stripped() {
    let (lines, _) = clean(&["報告", "  \u{3000}現在,我代表  ", "   "]);
    assert_eq!(lines[1], format!("現在{COMMA}我代表"));
    assert_eq!(lines[2], "");
}

#[test]
fn straight_quotes_are_paired_in_order() {
    let (lines, report) = clean(&[
        "報告",
        "落實\"三公\"經費和'放管服'改革,Xi'an不變。",
        "他說\"好\"又說\"。",
    ]);
    assert_eq!(
        lines[1],
        format!("落實\u{201C}三公\u{201D}經費和\u{2018}放管服\u{2019}改革{COMMA}Xi'an不變{STOP}")
    );
    assert_eq!(lines[2], format!("他說\u{201C}好\u{201D}又說\"{STOP}"));
    let odd = &report.cleaning.unpaired_quotes;
    assert_eq!(odd.len(), 1);
    assert_eq!(
        (odd[0].line, odd[0].column, odd[0].text.as_str()),
        (3, 8, "\"")
    );
    // 4 quotes and 1 comma on line 2, one pair on line 3.
    assert_eq!(report.cleaning.punctuation_normalized, 7);
    // A line without Han text keeps its quotes.
    let (lines, _) = clean(&["報告", "say \"hi\""]);
    assert_eq!(lines[1], "say \"hi\"");
}

#[test]
fn a_proven_repair_runs_before_gloss_removal_and_keeps_raw_columns() {
    // 持擴 is B3D6 9455; D6 94 spell 謹 (jǐn): its gloss ate the lead byte of 擴, whose trail byte
    // `U` was left. Nothing else of the line is glossed except 甲, so the bytes prove `持擴`.
    let line = "  甲(jiǎ),堅持?jǐn)U增量,乙,增長,。";
    let (lines, report) = clean(&["報告", line]);
    assert!(report.cleaning.suspicious.is_empty());
    let r = &report.cleaning.repaired;
    assert_eq!(r.len(), 1);
    assert_eq!((r[0].line, r[0].column), (2, 12));
    assert_eq!(r[0].before, "堅持?jǐn)U增量");
    assert_eq!(r[0].after, "堅持擴增量");
    assert_eq!(r[0].method, "gloss-shift");
    assert_eq!(report.cleaning.pinyin_glosses, 1);
    assert_eq!(
        lines[1],
        format!("甲{COMMA}堅持擴增量{COMMA}乙{COMMA}增長{STOP}")
    );
    // The doubled comma after the repaired span is reported at its raw column.
    assert_eq!(report.cleaning.removed[0].column, 25);
    // Without repair the span stays flagged, as found.
    let (lines, report) = clean_unrepaired(&["報告", line]);
    assert!(report.cleaning.repaired.is_empty());
    assert_eq!(report.cleaning.suspicious.len(), 1);
    assert!(lines[1].contains("堅持?jǐn)U增量"));
}
