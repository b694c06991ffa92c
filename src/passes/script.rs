//! Script pass: detect the body's script (Traditional or Simplified) and convert as asked.
//!
//! Detection counts the characters only one script writes ([`script_convert::script_evidence`]): a few stray
//! Simplified characters in a Traditional report (`范` in Wuyang's) are outvoted by the thousands of
//! Traditional ones. Conversion goes through [`script_convert::convert`], which never changes a text's length.
use super::Pass;
use crate::check_report::CheckReport;
use crate::error::Result;
use crate::model::{self, Document, Script};
use crate::script_convert;

/// `--script keep|hans|hant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ScriptChoice {
    #[default]
    Keep,
    Hans,
    Hant,
}

pub struct ScriptPass {
    pub choice: ScriptChoice,
}

/// The script most of `text` is written in; Simplified when nothing tells them apart.
pub fn detect(text: &str) -> Script {
    let (hant, hans) = script_convert::script_evidence(text);
    if hant > hans {
        Script::Hant
    } else {
        Script::Hans
    }
}

fn tag(script: Script) -> &'static str {
    match script {
        Script::Hans => "hans",
        Script::Hant => "hant",
    }
}

/// The text of the body and title, as detection sees it.
fn body_text(doc: &Document) -> String {
    let mut s = doc.title();
    for b in &doc.blocks {
        s.push_str(&b.text());
    }
    s
}

impl Pass for ScriptPass {
    fn run(&self, mut doc: Document, report: &mut CheckReport) -> Result<Document> {
        let found = detect(&body_text(&doc));
        let wanted = match self.choice {
            ScriptChoice::Keep => found,
            ScriptChoice::Hans => Script::Hans,
            ScriptChoice::Hant => Script::Hant,
        };
        if wanted != found {
            model::map_text(&mut doc, &mut |t| script_convert::convert(t, wanted));
        }
        doc.script = wanted;
        report.input.script = tag(found).into();
        report.input.output_script = tag(wanted).into();
        if wanted != found && !report.title.is_empty() {
            report.title = doc.title();
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, Inline, Lead};

    fn text(s: &str) -> Vec<Inline> {
        vec![Inline::Text(s.into())]
    }

    /// A Traditional document in the Wuyang report's shape, with a stray Simplified `范`.
    fn traditional() -> Document {
        Document::new(vec![
            Block::Title(text("2024年舞陽縣政府工作報告")),
            Block::Salutation(text("各位代表\u{FF1A}")),
            Block::Paragraph {
                lead: Some(Lead {
                    level: 2,
                    content: text("\u{FF08}一\u{FF09}經濟運行穩中向好\u{3002}"),
                }),
                content: text("創建省級示范區\u{FF0C}落實“三公”經費壓減\u{3002}"),
            },
        ])
    }

    #[test]
    fn a_stray_simplified_character_does_not_flip_detection() {
        let mut report = CheckReport::default();
        let doc = ScriptPass {
            choice: ScriptChoice::Keep,
        }
        .run(traditional(), &mut report)
        .unwrap();
        assert_eq!(doc.script, Script::Hant);
        assert_eq!(report.input.script, "hant");
        assert_eq!(report.input.output_script, "hant");
        assert_eq!(doc, {
            let mut d = traditional();
            d.script = Script::Hant;
            d
        });
    }

    #[test]
    fn hans_converts_title_and_every_block_keeping_lengths() {
        let before = traditional();
        let mut report = CheckReport::default();
        let doc = ScriptPass {
            choice: ScriptChoice::Hans,
        }
        .run(before.clone(), &mut report)
        .unwrap();
        assert_eq!(doc.script, Script::Hans);
        assert_eq!(report.input.script, "hant");
        assert_eq!(report.input.output_script, "hans");
        assert_eq!(doc.title(), "2024年舞阳县政府工作报告");
        assert_eq!(
            doc.blocks[2].text(),
            "\u{FF08}一\u{FF09}经济运行稳中向好\u{3002}创建省级示范区\u{FF0C}落实“三公”经费压减\u{3002}"
        );
        for (a, b) in before.blocks.iter().zip(&doc.blocks) {
            assert_eq!(a.text().chars().count(), b.text().chars().count());
        }
        assert_eq!(detect(&body_text(&doc)), Script::Hans);
    }

    #[test]
    fn hant_converts_a_simplified_body() {
        let mut doc = Document::new(vec![Block::Paragraph {
            lead: None,
            content: text("发展经济\u{FF0C}头发也长了\u{3002}"),
        }]);
        doc.edition_title = Some("政府工作报告".into());
        let mut report = CheckReport::default();
        let doc = ScriptPass {
            choice: ScriptChoice::Hant,
        }
        .run(doc, &mut report)
        .unwrap();
        assert_eq!(report.input.script, "hans");
        assert_eq!(doc.script, Script::Hant);
        assert_eq!(doc.title(), "政府工作報告");
        assert_eq!(doc.blocks[0].text(), "發展經濟\u{FF0C}頭髮也長了\u{3002}");
    }
}
