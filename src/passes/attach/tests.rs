//! Attachment on hand-built documents in the Wuyang report's shape (Traditional body, Simplified
//! notes); the end-to-end test on the real report is tests/notes_attach.rs.
use super::*;
use crate::model::{Lead, Script};

const COMMA: &str = "\u{FF0C}";
const STOP: &str = "\u{3002}";

/// Text with ASCII `,` and a `.` not followed by a digit written as Chinese marks.
fn t(s: &str) -> Inline {
    let chars: Vec<char> = s.chars().collect();
    let text = (0..chars.len())
        .map(|i| match chars[i] {
            ',' => COMMA.to_string(),
            '.' if !chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()) => STOP.to_string(),
            c => c.to_string(),
        })
        .collect();
    Inline::Text(text)
}
fn para(s: &str) -> Block {
    Block::Paragraph {
        lead: None,
        content: vec![t(s)],
    }
}
fn entry(number: u32, term: &str, text: &str) -> Entry {
    Entry {
        number,
        term: term.into(),
        text: text.into(),
    }
}
fn doc(blocks: Vec<Block>) -> Document {
    let mut d = Document::new(blocks);
    d.script = Script::Hant;
    d.edition_title = Some("2024年舞陽縣政府工作報告".into());
    d
}
fn run(d: Document, entries: Vec<Entry>) -> (Document, CheckReport) {
    let mut report = CheckReport::default();
    let d = Attach {
        entries,
        annex_title: " 《政府工作报告》有关注释 ".into(),
    }
    .run(d, &mut report)
    .unwrap();
    (d, report)
}
/// The paragraph's content with marks written `[n]`.
fn marked(b: &Block) -> String {
    b.inlines()
        .iter()
        .flat_map(|seq| seq.iter())
        .map(|i| match i {
            Inline::Text(s) => s.replace(COMMA, ",").replace(STOP, "."),
            Inline::NoteRef(n) => format!("[{n}]"),
        })
        .collect()
}

#[test]
fn term_as_written_matches_across_scripts_and_mark_follows_the_span() {
    let (d, r) = run(
        doc(vec![para("嚴控“三公”經費支出.")]),
        vec![entry(
            23,
            "“三公”经费",
            "因公出国（境）费、公务用车购置及运行费、公务接待费。",
        )],
    );
    assert_eq!(marked(&d.blocks[0]), "嚴控“三公”經費[1]支出.");
    assert_eq!(r.notes.matched.len(), 1);
    assert_eq!(r.notes.matched[0].entry, 23);
    assert_eq!(r.notes.matched[0].term, "“三公”经费");
    // The note itself is in the document's script.
    assert_eq!(d.notes[0].term, "“三公”經費");
    assert!(
        d.notes[0].text.starts_with("因公出國"),
        "{}",
        d.notes[0].text
    );
}

#[test]
fn quotes_are_optional_only_when_the_term_as_written_is_absent() {
    let (d, r) = run(
        doc(vec![
            para("建設四好農村路20公里."),
            para("持續推進“四好農村路”建設."),
            para("落實中央八項規定精神,堅決反對“四風”."),
        ]),
        vec![
            entry(24, "“四好农村路”", "建好、管好、护好、运营好农村公路。"),
            entry(21, "中央八项规定", "…"),
            entry(22, "四风", "…"),
        ],
    );
    // As written, `“四好农村路”` is in the second paragraph: the first, unquoted, is not used.
    assert_eq!(marked(&d.blocks[0]), "建設四好農村路20公里.");
    assert_eq!(marked(&d.blocks[1]), "持續推進“四好農村路”[1]建設.");
    // `四风` is written without quotes; the mark goes after the closing quote that follows.
    assert_eq!(
        marked(&d.blocks[2]),
        "落實中央八項規定[2]精神,堅決反對“四風”[3]."
    );
    assert!(r.notes.unmatched.is_empty());
}

#[test]
fn quoted_term_found_without_its_quotes() {
    let (d, _) = run(
        doc(vec![para("做好三保工作.")]),
        vec![entry(26, "“三保”", "保基本民生、保工资、保运转。")],
    );
    assert_eq!(marked(&d.blocks[0]), "做好三保[1]工作.");
}

#[test]
fn two_adjacent_quoted_terms_are_one_term() {
    let (d, r) = run(
        doc(vec![
            para("防止耕地“非農化”."),
            para("堅決遏制耕地“非農化”“非糧化”,開展“兩癌”“兩篩”."),
        ]),
        vec![
            entry(9, "“非农化”“非粮化”", "…"),
            entry(12, "“两癌”“两筛”", "…"),
        ],
    );
    assert_eq!(marked(&d.blocks[0]), "防止耕地“非農化”.");
    assert_eq!(
        marked(&d.blocks[1]),
        "堅決遏制耕地“非農化”“非糧化”[1],開展“兩癌”“兩篩”[2]."
    );
    assert_eq!(r.notes.matched[0].block, 1);
}

#[test]
fn on_overlap_the_longer_term_wins() {
    let (d, r) = run(
        doc(vec![
            para("地方政府專項債券發行順利."),
            para("爭取專項債資金."),
            para("推進新質生產力發展."),
        ]),
        vec![
            entry(1, "专项债", "…"),
            entry(2, "地方政府专项债券", "…"),
            entry(3, "质生", "…"),
            entry(4, "新质生产力", "…"),
        ],
    );
    assert_eq!(marked(&d.blocks[0]), "地方政府專項債券[1]發行順利.");
    // The shorter term takes its first occurrence outside the longer one's span.
    assert_eq!(marked(&d.blocks[1]), "爭取專項債[2]資金.");
    // …and stays unmatched when it has none.
    assert_eq!(marked(&d.blocks[2]), "推進新質生產力[3]發展.");
    assert_eq!(r.notes.unmatched, vec!["质生".to_string()]);
    let entries: Vec<u32> = r.notes.matched.iter().map(|m| m.entry).collect();
    assert_eq!(entries, vec![2, 1, 4]);
}

#[test]
fn numbered_in_reading_order_title_excluded_first_occurrence_only() {
    let title = Block::Title(vec![t("2024年舞陽縣政府工作報告")]);
    let lead = Block::Paragraph {
        lead: Some(Lead {
            level: 2,
            content: vec![t("（一）“十四五”規劃順利推進.")],
        }),
        content: vec![t("“十四五”以來,PM2.5濃度下降.")],
    };
    let (d, r) = run(
        doc(vec![
            title,
            Block::Salutation(vec![t("各位代表：")]),
            lead,
            para("PM2.5和“十四五”再次出現."),
            Block::Attachment {
                content: vec![t("附件：《政府工作報告》有關注釋.doc")],
                file: Some("《政府工作報告》有關注釋.doc".into()),
            },
        ]),
        vec![
            entry(28, "PM2.5", "…"),
            entry(31, "“十四五”", "…"),
            entry(
                33,
                "“双减”",
                "有效减轻义务教育阶段学生过重作业负担和校外培训负担。",
            ),
            entry(34, "政府工作报告", "…"),
        ],
    );
    assert_eq!(marked(&d.blocks[0]), "2024年舞陽縣政府工作報告");
    assert_eq!(
        marked(&d.blocks[2]),
        "（一）“十四五”[1]規劃順利推進.“十四五”以來,PM2.5[2]濃度下降."
    );
    assert_eq!(marked(&d.blocks[3]), "PM2.5和“十四五”再次出現.");
    assert_eq!(marked(&d.blocks[4]), "附件：《政府工作報告》有關注釋.doc");
    let numbers: Vec<(u32, u32, usize)> = r
        .notes
        .matched
        .iter()
        .map(|m| (m.number, m.entry, m.block))
        .collect();
    assert_eq!(numbers, vec![(1, 31, 2), (2, 28, 2)]);
    assert_eq!(
        r.notes.unmatched,
        vec!["“双减”".to_string(), "政府工作报告".to_string()]
    );
    assert_eq!(r.notes.entries, 4);
    let notes: Vec<(u32, u32)> = d.notes.iter().map(|n| (n.number, n.entry)).collect();
    assert_eq!(notes, vec![(1, 31), (2, 28)]);
    // The annex keeps every entry, matched or not, in source order and in the doc's script.
    let annex = d.annex.unwrap();
    assert_eq!(annex.label, "附件");
    assert_eq!(annex.title, "《政府工作報告》有關注釋");
    let annex_entries: Vec<(u32, &str)> = annex
        .entries
        .iter()
        .map(|e| (e.number, e.term.as_str()))
        .collect();
    assert_eq!(
        annex_entries,
        vec![
            (28, "PM2.5"),
            (31, "“十四五”"),
            (33, "“雙減”"),
            (34, "政府工作報告")
        ]
    );
    assert!(annex.entries[2].text.starts_with("有效減輕義務教育"));
}

#[test]
fn terms_match_across_text_runs_and_keep_every_character() {
    let mut d = doc(vec![Block::Paragraph {
        lead: None,
        content: vec![t("培育“專精"), t("特新”企業"), t("和“小升規”企業.")],
    }]);
    d.script = Script::Hant;
    let before = d.blocks[0].text();
    let (d, _) = run(
        d,
        vec![entry(5, "“专精特新”", "…"), entry(6, "“小升规”", "…")],
    );
    assert_eq!(d.blocks[0].text(), before);
    assert_eq!(
        marked(&d.blocks[0]),
        "培育“專精特新”[1]企業和“小升規”[2]企業."
    );
}

#[test]
fn a_simplified_document_keeps_simplified_notes() {
    let mut d = doc(vec![para("落实“三公”经费压减.")]);
    d.script = Script::Hans;
    let (d, _) = run(d, vec![entry(23, "“三公”经费", "公务接待费。")]);
    assert_eq!(d.notes[0].text, "公务接待费。");
    assert_eq!(d.annex.unwrap().title, "《政府工作报告》有关注释");
}
