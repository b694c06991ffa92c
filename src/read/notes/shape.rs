//! Whether what a reader found reads as notes at all. An annotations file explains a Chinese
//! report: each entry is a term (a word, a name, an abbreviation) with a Chinese explanation. The
//! same readers, given another document, find rows of another shape — a table of figures (codes
//! → amounts, items → line numbers), a roster (branch → person), a Japanese specification, an
//! English table — and those must not become notes. Such a file is refused as having no notes,
//! naming an entry that shows why; a file whose entries mostly read as notes is read whole.
use crate::cjk::is_han;
use crate::model::Entry;

/// Why one entry is not a note, if it is not. An explanation says more than its term: a unit
/// (`门`), a person's name after a branch's, a status word (`完了`) or a line number says less.
pub(crate) fn not_a_note(e: &Entry) -> Option<&'static str> {
    let han = |s: &str| s.chars().filter(|&c| is_han(c)).count();
    if is_japanese(&e.term) || is_japanese(&e.text) {
        Some("Japanese text")
    } else if !e.term.chars().any(|c| is_han(c) || c.is_alphabetic()) {
        Some("a number or code where a term should be")
    } else if han(&e.text) < 2 || han(&e.text) <= han(&e.term) {
        Some("no Chinese explanation longer than the term")
    } else {
        None
    }
}

/// Entries a file holds at least before their shape is judged: one or two short notes are
/// taken as given.
const MIN_TABLE: usize = 3;

/// Kana (hiragana, katakana; not the middle dot `・` or the long mark `ー`, which Chinese text
/// uses in foreign names).
fn is_japanese(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}'))
}

/// The refusal of a file whose entries are not notes: none holds a Chinese character, most of
/// three or more are not notes, or the entries stand among other lines (`stray`: the lines that
/// read as neither entry nor heading) — as many of them as entries when no line was numbered
/// (`unnumbered`: every `term：text` line became an entry), or two and more around a single
/// entry. Those are a report or a letter read as notes.
pub(crate) fn refusal(entries: &[Entry], stray: usize, unnumbered: bool) -> Option<String> {
    if entries.is_empty() {
        return Some("no line or row reads as one".into());
    }
    let chinese = |s: &str| s.chars().any(is_han);
    if entries
        .iter()
        .all(|e| !chinese(&e.term) && !chinese(&e.text))
    {
        return Some("none of its entries holds a Chinese character".into());
    }
    let bad: Vec<(&Entry, &str)> = entries
        .iter()
        .filter_map(|e| not_a_note(e).map(|why| (e, why)))
        .collect();
    if entries.len() >= MIN_TABLE && bad.len() * 2 > entries.len() {
        let (e, why) = bad[0];
        return Some(format!(
            "{} of its {} entries do not read as a term with a Chinese explanation (entry {}: `{}` | `{}`, {why})",
            bad.len(),
            entries.len(),
            e.number,
            cut(&e.term),
            cut(&e.text)
        ));
    }
    if unnumbered && stray >= entries.len() {
        return Some(format!(
            "no line is numbered, and only {} of its {} lines read as `term\u{FF1A}explanation` (the first: `{}`)",
            entries.len(),
            entries.len() + stray,
            cut(&entries[0].term)
        ));
    }
    if entries.len() == 1 && stray >= 2 {
        return Some(format!(
            "its one entry (`{}`) stands among {stray} lines that are no entries",
            cut(&entries[0].term)
        ));
    }
    None
}

/// The first characters of a cell, for a message.
fn cut(s: &str) -> String {
    const MAX: usize = 20;
    let mut out: String = s.chars().take(MAX).collect();
    if s.chars().count() > MAX {
        out.push('\u{2026}');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(rows: &[(&str, &str)]) -> Vec<Entry> {
        rows.iter()
            .enumerate()
            .map(|(i, (t, x))| Entry {
                number: i as u32 + 1,
                term: t.to_string(),
                text: x.to_string(),
            })
            .collect()
    }

    #[test]
    fn glossaries_read_as_notes() {
        let glossary = entries(&[
            ("\u{201C}三保\u{201D}", "保基本民生、保工资、保运转\u{3002}"),
            ("GDP", "国内生产总值"),
            ("PM2.5", "细颗粒物"),
            (
                "\u{201C}放管服\u{201D}",
                "简政放权、放管结合、优化服务\u{3002}",
            ),
        ]);
        assert_eq!(refusal(&glossary, 1, true), None);
        // One short explanation among good ones is a note all the same; so is one unnumbered
        // line that is no entry.
        let mut mixed = glossary.clone();
        mixed.push(entries(&[("河长制", "河长")]).remove(0));
        assert_eq!(refusal(&mixed, 0, false), None);
        // A single numbered note among other lines.
        assert_eq!(refusal(&glossary[..1], 1, false), None);
    }

    #[test]
    fn other_tables_are_no_notes() {
        // Items and line numbers of a balance sheet.
        let figures = entries(&[("货币资金", "1"), ("应收票据", "3"), ("应收账款", "4")]);
        let why = refusal(&figures, 0, false).unwrap();
        assert!(
            why.contains("3 of its 3") && why.contains("货币资金"),
            "{why}"
        );
        // A table whose header row was not recognised, and units.
        let units = entries(&[("指标", "增速"), ("生产总值", "亿元(现价)"), ("工业", "%")]);
        assert!(refusal(&units, 0, false)
            .unwrap()
            .contains("longer than the term"));
        // Two such entries are taken as given.
        assert_eq!(refusal(&units[..2], 0, false), None);
        // Codes → item names.
        let codes = entries(&[
            ("01", "贷款利息收入类项目"),
            ("77101", "房地产贷款利息收入"),
            ("1", "短期单位贷款利息收入"),
        ]);
        assert!(refusal(&codes, 0, false)
            .unwrap()
            .contains("number or code"));
        // A roster: branch → person.
        let roster = entries(&[
            ("城东支行", "王小明"),
            ("城东支行", "李华"),
            ("城西支行", "赵一"),
        ]);
        assert!(refusal(&roster, 0, false).is_some());
        // Japanese: kana in the explanation.
        let japanese = entries(&[
            ("機能", "ログイン画面を表示する機能"),
            ("終了", "画面を閉じる処理"),
            ("設定", "表示する言語を選ぶ画面"),
        ]);
        assert!(refusal(&japanese, 0, false).unwrap().contains("Japanese"));
        // No Chinese at all.
        let english = entries(&[("R1c1", "R1c2"), ("R2c1", "R2c2")]);
        assert!(refusal(&english, 0, false)
            .unwrap()
            .contains("Chinese character"));
        // A report: unnumbered, two `term：text` lines among many others.
        let report = entries(&[
            ("主要预期目标是", "地区生产总值增长百分之六左右"),
            ("附件", "有关注释"),
        ]);
        let why = refusal(&report, 20, true).unwrap();
        assert!(why.contains("2 of its 22 lines"), "{why}");
        assert_eq!(refusal(&report, 1, true), None);
        // One numbered entry among lines that are no entries.
        let lone = entries(&[("天下各地", "东方\u{FF1A}甲地 - 乙地 - 丙地 - 丁地")]);
        assert!(refusal(&lone, 2, false).unwrap().contains("one entry"));
        // The middle dot of a foreign name is not Japanese.
        let names = entries(&[("马克思・韦伯", "德国社会学家、政治学家\u{3002}")]);
        assert_eq!(refusal(&names, 0, false), None);
    }
}
