//! The script pass on the real Wuyang report (Traditional, with a few stray Simplified characters).
mod common;

use baogao::check_report::CheckReport;
use baogao::model::{Document, Script};
use baogao::passes::{
    clean::Clean, script::ScriptChoice, script::ScriptPass, structure::Structure, Pass,
};
use baogao::script_convert;
use std::path::Path;

fn wuyang(choice: ScriptChoice) -> (Document, Document, CheckReport) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("input/wuyang-2024/report.txt");
    let (doc, input) = baogao::read::report(&path).unwrap();
    let mut report = CheckReport {
        input,
        ..Default::default()
    };
    let doc = Clean.run(doc, &mut report).unwrap();
    let before = Structure.run(doc, &mut report).unwrap();
    let after = ScriptPass { choice }
        .run(before.clone(), &mut report)
        .unwrap();
    (before, after, report)
}

fn body(doc: &Document) -> String {
    doc.blocks.iter().map(|b| b.text()).collect()
}

#[test]
fn wuyang_is_traditional_despite_its_stray_simplified_characters() {
    let (before, after, report) = wuyang(ScriptChoice::Keep);
    let (hant, hans) = script_convert::script_evidence(&body(&before));
    // `范` (示范) is written Simplified in this Traditional report; it is outvoted.
    assert!(body(&before).contains('范'));
    assert!(hans > 0 && hant > 20 * hans, "hant {hant}, hans {hans}");
    assert_eq!(report.input.script, "hant");
    assert_eq!(report.input.output_script, "hant");
    assert_eq!(after.script, Script::Hant);
    assert_eq!(after.blocks, before.blocks);
}

#[test]
fn wuyang_in_simplified_keeps_every_character_in_place() {
    let (before, after, report) = wuyang(ScriptChoice::Hans);
    assert_eq!(report.input.script, "hant");
    assert_eq!(report.input.output_script, "hans");
    assert_eq!(after.script, Script::Hans);
    assert_eq!(after.title(), "2024年舞阳县政府工作报告");
    assert_eq!(report.title, after.title());
    assert_eq!(after.blocks.len(), before.blocks.len());
    for (a, b) in before.blocks.iter().zip(&after.blocks) {
        let (a, b) = (a.text(), b.text());
        assert_eq!(a.chars().count(), b.chars().count(), "{a}\n{b}");
        // Only Han characters change, each into a variant of itself.
        for (x, y) in a.chars().zip(b.chars()) {
            assert!(
                x == y
                    || (common::is_han(x)
                        && script_convert::to_hans(x) == script_convert::to_hans(y))
            );
        }
    }
    common::assert_same_han(&body(&after), &body(&before), "simplified body");
    // No Traditional-only character is left.
    assert_eq!(script_convert::script_evidence(&body(&after)).0, 0);
}

#[test]
fn wuyang_in_traditional_is_untouched_and_simplified_back_again_is_traditional() {
    let (_, kept, _) = wuyang(ScriptChoice::Hant);
    let (before, _, _) = wuyang(ScriptChoice::Keep);
    // Asking for the script it already has changes nothing (the stray `范` is kept as written).
    assert_eq!(kept.blocks, before.blocks);
    let (_, hans, _) = wuyang(ScriptChoice::Hans);
    let mut report = CheckReport::default();
    let back = ScriptPass {
        choice: ScriptChoice::Hant,
    }
    .run(hans, &mut report)
    .unwrap();
    assert_eq!(report.input.script, "hans");
    assert_eq!(back.script, Script::Hant);
    common::assert_same_han(&body(&back), &body(&before), "round trip");
    assert!(script_convert::script_evidence(&body(&back)).0 > 1000);
}
