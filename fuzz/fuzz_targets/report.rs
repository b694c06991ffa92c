//! The report path: bytes → decode → raw lines → clean, structure, script and attach passes.
//! Beyond "no panic, no hang, no OOM", it checks the clean pass's promise: no character XML 1.0
//! forbids survives into the document the writers get.
#![no_main]
use baogao::check_report::CheckReport;
use baogao::model::Entry;
use baogao::passes::clean::{controls::is_forbidden, Clean};
use baogao::passes::script::{ScriptChoice, ScriptPass};
use baogao::passes::{attach::Attach, structure::Structure, Pass};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((lines, decoding)) = baogao::read::report_bytes(data, std::path::Path::new("fuzz.txt"))
    else {
        return;
    };
    let mut report = CheckReport {
        input: baogao::check_report::InputInfo {
            encoding: decoding.encoding,
            ..Default::default()
        },
        ..Default::default()
    };
    let Ok(lines) = Clean.run(lines, &mut report) else {
        return;
    };
    for l in &lines {
        assert!(!l.text.chars().any(is_forbidden), "{:?}", l.text);
    }
    let Ok(doc) = Structure.run(lines, &mut report) else {
        return;
    };
    let choice = if data.len() % 2 == 0 {
        ScriptChoice::Hans
    } else {
        ScriptChoice::Hant
    };
    let Ok(doc) = (ScriptPass { choice }).run(doc, &mut report) else {
        return;
    };
    let entries = vec![Entry {
        number: 1,
        term: "\u{201C}放管服效\u{201D}".into(),
        text: "简政放权\u{3002}".into(),
    }];
    let Ok(doc) = (Attach {
        entries,
        annex_title: "注释".into(),
    })
    .run(doc, &mut report) else {
        return;
    };
    for b in &doc.blocks {
        assert!(!b.text().chars().any(is_forbidden), "{:?}", b.text());
    }
    assert!(!doc.title.chars().any(is_forbidden));
});
