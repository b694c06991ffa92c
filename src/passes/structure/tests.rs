//! The structure pass on cleaned lines and on the level-3/4 fixture.
use super::*;
use crate::model::plain;
use crate::passes::clean::Clean;

const FIXTURE: &str = include_str!("../../../tests/fixtures/structure-levels.txt");

fn structure(text: &str) -> (Document, CheckReport) {
    let blocks = text
        .split('\n')
        .enumerate()
        .map(|(i, t)| Line {
            line: i + 1,
            text: t.to_string(),
        })
        .collect();
    let mut report = CheckReport::default();
    let doc = Clean.run(blocks, &mut report).unwrap();
    let doc = Structure.run(doc, &mut report).unwrap();
    (doc, report)
}

/// A one-line summary of each block: kind, level, lead and text.
fn kinds(doc: &Document) -> Vec<String> {
    doc.blocks
        .iter()
        .map(|b| match b {
            Block::Title(c) => format!("title {}", plain(c)),
            Block::Subtitle(c) => format!("subtitle {}", plain(c)),
            Block::Salutation(c) => format!("salutation {}", plain(c)),
            Block::Heading { level, content } => format!("h{level} {}", plain(content)),
            Block::Paragraph {
                lead: Some(l),
                content,
            } => {
                format!(
                    "p lead{} [{}] {}",
                    l.level,
                    plain(&l.content),
                    plain(content)
                )
            }
            Block::Paragraph {
                lead: None,
                content,
            } => format!("p {}", plain(content)),
            Block::Attachment { file, .. } => {
                format!("attachment {}", file.clone().unwrap_or_default())
            }
            Block::Annex { label, title } => format!("annex {} | {}", plain(label), plain(title)),
        })
        .collect()
}

#[test]
fn fixture_with_subtitles_and_four_levels() {
    let (doc, report) = structure(FIXTURE);
    let k = kinds(&doc);
    let expected = [
        "title 2024年示例縣政府工作報告",
        "subtitle ——2024年1月10日在示例縣第十七屆人民代表大會第三次會議上",
        "subtitle 縣長\u{3000}張明",
        "salutation 各位代表\u{FF1A}",
        "p 現在\u{FF0C}我代表縣人民政府\u{FF0C}向大會報告工作\u{FF0C}請予審議\u{3002}",
        "h1 一\u{3001}2023年工作回顧",
        "p lead2 [\u{FF08}一\u{FF09}經濟運行穩中向好\u{3002}] 全年完成生產總值244.5億元\u{FF0C}同比\u{FF08}下同\u{FF09}增長5.2%\u{3002}",
        "h3 1.工業提質增效",
        "p 全年新開工項目120個\u{3002}",
        "p lead3 [2\u{3001}服務業加快發展\u{3002}] 全年社會消費品零售總額增長6.8%\u{FF0C}PM2.5濃度下降\u{3002}",
        "h4 \u{FF08}1\u{FF09}鹽化工產業",
        "p lead4 [\u{FF08}2\u{FF09}綠色轉型持續推進\u{3002}] 金大地聯堿項目建成試生產\u{FF0C}企業產能持續釋放\u{3002}",
        "h2 \u{FF08}二\u{FF09}民生福祉顯著改善",
        "p 各位代表\u{FF01}今日之示例\u{FF0C}揚帆起航正當其時\u{3002}",
        "attachment 《政府工作報告》有關注釋.doc",
    ];
    assert_eq!(k, expected);
    assert_eq!(doc.title(), "2024年示例縣政府工作報告");
    assert_eq!(report.title, doc.title());
    let levels: Vec<u8> = report.structure.headings.iter().map(|h| h.level).collect();
    assert_eq!(levels, [1, 2, 3, 3, 4, 4, 2]);
    assert_eq!(report.structure.paragraphs, 6);
    assert_eq!(
        report.structure.attachment.as_deref(),
        Some("《政府工作報告》有關注釋.doc")
    );
}

#[test]
fn level_two_lead_is_the_first_sentence() {
    let (doc, report) =
        structure("報告\n(三)堅持招大引強,推動招商質效大提升。牢樹“招商為要”理念。扎實開展活動。");
    let k = kinds(&doc);
    assert_eq!(
        k[1],
        "p lead2 [\u{FF08}三\u{FF09}堅持招大引強\u{FF0C}推動招商質效大提升\u{3002}] 牢樹“招商為要”理念\u{3002}扎實開展活動\u{3002}"
    );
    assert_eq!(
        report.structure.headings[0].text,
        "\u{FF08}三\u{FF09}堅持招大引強\u{FF0C}推動招商質效大提升\u{3002}"
    );
}

#[test]
fn numbers_are_not_headings() {
    for line in [
        "1.5萬人次參加培訓。",
        "2023年,全縣上下以習近平新時代中國特色社會主義思想為指導。",
        "一年來,我們堅定不移。",
        "(2020—2035)規劃編制完成。",
    ] {
        let (doc, _) = structure(&format!("報告\n{line}"));
        assert!(
            matches!(doc.blocks[1], Block::Paragraph { lead: None, .. }),
            "{line}"
        );
    }
}

#[test]
fn salutation_only_when_it_stands_alone() {
    let (doc, _) = structure("報告\n各位代表:\n各位代表!今日之舞陽。\n各位代表、各位委員:");
    let k = kinds(&doc);
    assert_eq!(k[1], "salutation 各位代表\u{FF1A}");
    assert!(k[2].starts_with("p "));
    assert_eq!(k[3], "salutation 各位代表\u{3001}各位委員\u{FF1A}");
}

#[test]
fn a_heading_right_after_the_title_is_no_subtitle() {
    let (doc, _) = structure("2024年某縣政府工作報告\n——2024年1月10日\n一、工作回顧\n正文。");
    let k = kinds(&doc);
    assert_eq!(k[1], "subtitle ——2024年1月10日");
    assert_eq!(k[2], "h1 一\u{3001}工作回顧");
}

#[test]
fn level_two_headings_in_their_three_forms() {
    let long_lead =
        "（二）坚持创新驱动发展，加快建设现代化产业体系，推动传统产业转型升级和新兴产业发展壮大。";
    assert!(long_lead.chars().count() > SHORT);
    let (doc, report) = structure(&format!(
        "政府工作报告\n\
         一、坚持稳中求进，推动经济持续回升向好\n\
         （一）深入落实城市总体规划，推动京津冀协同发展走深走实\n\
         城市副中心建设取得新进展。\n\
         {long_lead}全年新增专精特新企业一百家。\n\
         （三）统筹发展和安全，守牢安全发展底线，这一行很长但只是一句话而已并且以句号收尾。\n\
         一是稳投资，二是促消费。\n\
         第一，抓项目。"
    ));
    let k = kinds(&doc);
    assert_eq!(
        k[1],
        "h1 一\u{3001}坚持稳中求进\u{FF0C}推动经济持续回升向好"
    );
    assert_eq!(
        k[2],
        "h2 \u{FF08}一\u{FF09}深入落实城市总体规划\u{FF0C}推动京津冀协同发展走深走实"
    );
    assert!(
        k[4].starts_with("p lead2 [\u{FF08}二\u{FF09}坚持创新驱动发展"),
        "{}",
        k[4]
    );
    assert!(k[5].starts_with("h2 \u{FF08}三\u{FF09}"), "{}", k[5]);
    assert!(k[6].starts_with("p 一是"), "{}", k[6]);
    assert!(k[7].starts_with("p 第一"), "{}", k[7]);
    let levels: Vec<u8> = report.structure.headings.iter().map(|h| h.level).collect();
    assert_eq!(levels, [1, 2, 2, 2]);
}

#[test]
fn annexes_in_the_text_are_sections_of_paragraphs() {
    let (doc, report) = structure(
        "政府工作报告\n各位代表：\n一、工作回顾\n正文一段。\n\
         附件1\n2026年民生实事项目\n1.新建学校十所\n（2）改造老旧小区\n\
         附件2：名词解释\n1.专精特新：指中小企业。\n附：\n一、说明\n",
    );
    let k = kinds(&doc);
    assert_eq!(
        k[4..],
        [
            "annex 附件1 | 2026年民生实事项目",
            "p 1.新建学校十所",
            "p \u{FF08}2\u{FF09}改造老旧小区",
            "annex 附件2 | 名词解释",
            "p 1.专精特新\u{FF1A}指中小企业\u{3002}",
            "annex 附 | ",
            "p 一\u{3001}说明",
        ]
    );
    assert_eq!(
        report.structure.annexes,
        ["附件1 2026年民生实事项目", "附件2 名词解释", "附"]
    );
    // The annexes' numbered lines are no headings.
    assert_eq!(report.structure.headings.len(), 1);
    // The closing line naming a file stays the attachment line.
    let (doc, report) = structure("政府工作报告\n各位代表：\n正文。\n附件：名词解释.doc");
    assert_eq!(kinds(&doc)[3], "attachment 名词解释.doc");
    assert!(report.structure.annexes.is_empty());
}

#[test]
fn glossary_entries_in_every_numbering() {
    let (doc, _) = structure(
        "政府工作报告\n各位代表：\n正文。\n名词解释\n\
         [1]高质量发展：指好的发展。\n（2）超长期国债\n指长期国债。\n另起一行。\n\
         【3】三公：指因公出国。\n注4：放管服：指简政放权。\n5.双碳：指碳达峰。",
    );
    let g = annex::glossary(&doc).expect("glossary");
    assert_eq!((g.label.as_str(), g.title.as_str()), ("", "名词解释"));
    let e: Vec<(u32, &str, &str)> = g
        .entries
        .iter()
        .map(|e| (e.number, e.term.as_str(), e.text.as_str()))
        .collect();
    assert_eq!(
        e,
        [
            (1, "高质量发展", "指好的发展\u{3002}"),
            (2, "超长期国债", "指长期国债\u{3002}另起一行\u{3002}"),
            (3, "三公", "指因公出国\u{3002}"),
            (4, "放管服", "指简政放权\u{3002}"),
            (5, "双碳", "指碳达峰\u{3002}"),
        ]
    );
    assert_eq!((g.start, g.end), (3, doc.blocks.len()));
}

#[test]
fn a_meeting_line_is_set_above_a_resolution_title() {
    let lines: Vec<crate::read::Line> = [
        "某市第七届人民代表大会第七次会议",
        "关于政府工作报告的决议",
        "（2026年2月11日某市第七届人民代表大会第七次会议通过）",
        "会议听取和审议了政府工作报告。",
    ]
    .iter()
    .enumerate()
    .map(|(i, t)| crate::read::Line {
        line: i + 1,
        text: t.to_string(),
    })
    .collect();
    let mut report = CheckReport::default();
    let doc = Structure.run(lines, &mut report).unwrap();
    assert_eq!(
        kinds(&doc),
        [
            "subtitle 某市第七届人民代表大会第七次会议",
            "title 关于政府工作报告的决议",
            "subtitle （2026年2月11日某市第七届人民代表大会第七次会议通过）",
            "p 会议听取和审议了政府工作报告。",
        ]
    );
    assert_eq!(doc.title(), "关于政府工作报告的决议");
    // A meeting line with no title after it is no label.
    let lines = vec![crate::read::Line {
        line: 1,
        text: "某市第七届人民代表大会第七次会议".into(),
    }];
    let doc = Structure.run(lines, &mut CheckReport::default()).unwrap();
    assert_eq!(doc.title(), "");
}
