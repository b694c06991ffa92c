//! The subsets checked by real tools: pdftotext reads back every character of a genpdf PDF set in
//! the body subset (its text layer is built from the subset's cmap), and Chromium (whose OTS
//! sanitiser browsers and EPUB readers share) loads every subset as a web font.
use baogao::fonts::{FontBook, Subsets};
use baogao::style::Style;
use std::process::Command;

#[path = "common/wuyang.rs"]
mod wuyang;

fn subsets() -> Subsets {
    let style = Style::load("gongwen").unwrap();
    let book = FontBook::load(&style).unwrap();
    book.subset(&baogao::present::Plan::new(&wuyang::wuyang(), &style, &book).usage)
        .unwrap()
}

/// Is `tool` here? Missing is a failure under CI=true, otherwise a note.
fn have(tool: &str) -> bool {
    let ok = Command::new("which")
        .arg(tool)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} is not installed"
        );
        eprintln!("note: {tool} not installed; check skipped");
    }
    ok
}

#[test]
fn pdftotext_reads_back_every_character_of_the_body_subset() {
    if !have("pdftotext") {
        return;
    }
    let subsets = subsets();
    let song = &subsets.faces[&baogao::style::Role::Song];
    let chars: Vec<char> = song
        .chars
        .iter()
        .copied()
        .filter(|c| !c.is_whitespace())
        .collect();
    let font = genpdf::fonts::FontData::new(song.data.to_vec(), None).unwrap();
    let family = genpdf::fonts::FontFamily {
        regular: font.clone(),
        bold: font.clone(),
        italic: font.clone(),
        bold_italic: font,
    };
    let mut doc = genpdf::Document::new(family);
    // genpdf breaks lines only at spaces: words of ten characters, one line of six words each.
    for line in chars.chunks(60) {
        let words: Vec<String> = line.chunks(10).map(|w| w.iter().collect()).collect();
        doc.push(genpdf::elements::Paragraph::new(words.join(" ")));
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("chars.pdf");
    doc.render_to_file(&pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    let got: Vec<char> = String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let wrong: Vec<String> = got
        .iter()
        .zip(&chars)
        .filter(|(g, w)| g != w)
        .map(|(g, w)| format!("U+{:04X}→U+{:04X}", *w as u32, *g as u32))
        .collect();
    assert_eq!(got.len(), chars.len(), "extracted count");
    assert!(wrong.is_empty(), "{} wrong: {wrong:?}", wrong.len());
}

#[test]
fn chromium_loads_every_subset_as_a_web_font() {
    if !have("chromium") {
        return;
    }
    let subsets = subsets();
    let dir = tempfile::tempdir().unwrap();
    let mut faces = String::new();
    let mut names = Vec::new();
    for (i, face) in subsets.faces.values().enumerate() {
        std::fs::write(dir.path().join(format!("f{i}.ttf")), face.data.as_slice()).unwrap();
        faces.push_str(&format!(
            "@font-face {{ font-family: 'F{i}'; src: url('f{i}.ttf') format('truetype'); }}\n"
        ));
        names.push(format!("'F{i}'"));
    }
    let html = format!(
        "<!doctype html><html><head><meta charset='utf-8'><style>{faces}</style></head>\
         <body><p id='r'>pending</p><script>\
         const names = [{}];\
         Promise.all(names.map(n => document.fonts.load('16px ' + n, '\u{4E00}')\
           .then(fs => n + ':' + (fs.length === 1 ? 'ok' : 'empty'), e => n + ':error')))\
         .then(rs => document.getElementById('r').textContent = rs.join(' '));\
         </script></body></html>",
        names.join(",")
    );
    let page = dir.path().join("fonts.html");
    std::fs::write(&page, html).unwrap();
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("<p id=\"r\">").expect("result paragraph") + 10;
    let result = &dom[start..start + dom[start..].find('<').unwrap()];
    assert_eq!(
        result.matches(":ok").count(),
        subsets.faces.len(),
        "{result}"
    );
}
