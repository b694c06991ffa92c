//! The EPUB editions in a real reading engine: foliate-js (the engine of the Foliate reader) in
//! headless Chromium at phone size, 390 × 844, driven by `tests/reader/drive.cjs` with
//! puppeteer-core. For the Wuyang EPUB and the pack EPUB: a tap on every note reference pops up
//! that note's text in the note style; every contents and page-list entry lands on its target;
//! no rendered line starts with a no-start mark, no rule is left where the notes are hidden; the
//! note references are targets a finger hits (24 × 24 px), and do not move the text.
//! Needs node, Chromium, and the npm packages foliate-js and puppeteer-core (`./test` installs
//! them into target/tools/npm); with `CI=true` a missing one fails the test.
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

mod common;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The one EPUB baogao wrote with `args` (plus `-o DIR --formats epub`).
fn epub_of(args: &[&str], dir: &Path) -> PathBuf {
    let mut all = args.to_vec();
    all.extend(["-o", dir.to_str().unwrap(), "--formats", "epub"]);
    let out = common::baogao(&all);
    assert!(
        out.status.success(),
        "baogao {all:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut epubs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "epub"))
        .collect();
    assert_eq!(epubs.len(), 1, "{epubs:?}");
    epubs.pop().unwrap()
}

/// What the engine showed for `epub` (drive.cjs's JSON). `None`: a tool is missing, not in CI.
fn read_in_engine(epub: &Path) -> Option<Value> {
    if !(common::tool("node") && common::tool("chromium")) {
        return None;
    }
    let chromium = std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|d| d.join("chromium"))
        .find(|p| p.is_file())
        .unwrap();
    let out = common::run_with_deadline(
        Command::new("node")
            .arg(root().join("tests/reader/drive.cjs"))
            .arg(epub)
            .env("CHROMIUM", chromium),
        Duration::from_secs(900),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(2) {
        // foliate-js or puppeteer-core is not installed
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{err}and CI=true requires it"
        );
        eprintln!("note: {err}skipping this check");
        return None;
    }
    assert!(out.status.success(), "drive.cjs {}: {err}", out.status);
    Some(serde_json::from_slice(&out.stdout).expect("drive.cjs prints JSON"))
}

/// Text without white space.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Every footnote aside of the EPUB: `path#id` → its text (no tags, no white space, entities of
/// the escaper decoded).
fn asides(epub: &Path) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let mut found = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().to_string();
        if !name.ends_with(".xhtml") {
            continue;
        }
        let mut xhtml = String::new();
        f.read_to_string(&mut xhtml).unwrap();
        let mut rest = xhtml.as_str();
        while let Some(at) = rest.find("<aside ") {
            let aside = &rest[at..];
            let end = aside.find("</aside>").expect("closed aside");
            let id = aside
                .split_once(" id=\"")
                .and_then(|(_, r)| r.split_once('"'))
                .map(|(id, _)| id)
                .expect("aside id");
            let text = common::text_after(&aside[..end], 0, usize::MAX)
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&");
            found.insert(format!("{name}#{id}"), squash(&text));
            rest = &aside[end..];
        }
    }
    found
}

/// Is `small` a subsequence of `big` (every character of it, in order)?
fn subsequence(small: &str, big: &str) -> bool {
    let mut b = big.chars();
    small.chars().all(|c| b.any(|d| d == c))
}

/// Everything the brief asks of the engine's reading of `epub`; returns the time to first page.
fn check_reading(epub: &Path, what: &str, notes: usize) -> Option<u64> {
    let shown = read_in_engine(epub)?;
    let problems = shown["problems"].as_array().unwrap();
    assert!(
        problems.is_empty(),
        "{what}: the page reported {problems:?}"
    );

    // Every note reference pops up its own note, in the note style.
    let expected = asides(epub);
    let refs = shown["refs"].as_array().unwrap();
    assert_eq!(
        refs.len(),
        notes,
        "{what}: note references found by the engine"
    );
    let mut popped = std::collections::BTreeSet::new();
    for r in refs {
        let id = r["id"].as_str().unwrap();
        let section = r["section"].as_str().unwrap();
        assert_eq!(
            r["onScreen"], true,
            "{what} {id}: not on screen after going to it"
        );
        let popup = &r["popup"];
        assert!(
            popup.is_object(),
            "{what} {id}: a tap showed no pop-up: {r}"
        );
        let target = format!(
            "{section}{}",
            r["href"].as_str().unwrap() // "#n3": in the same document
        );
        assert_eq!(
            popup["href"],
            target.as_str(),
            "{what} {id}: popped up another note"
        );
        let want = expected
            .get(&target)
            .unwrap_or_else(|| panic!("{what} {id}: no aside {target}"));
        assert_eq!(
            popup["text"].as_str().unwrap(),
            want,
            "{what} {id}: pop-up text"
        );
        popped.insert(target);

        // the pop-up keeps the note style: no first-line indent, smaller than the body text
        let indent = popup["indent"].as_f64().unwrap();
        let size = popup["fontSize"].as_f64().unwrap();
        let body = popup["bodyFontSize"].as_f64().unwrap();
        assert!(
            indent.abs() < 0.5,
            "{what} {id}: pop-up text indented {indent} px"
        );
        assert!(
            size < body * 0.95,
            "{what} {id}: pop-up text {size} px, body {body} px"
        );

        // a target a finger hits, which does not move the text apart
        let (width, height) = (r["width"].as_f64().unwrap(), r["height"].as_f64().unwrap());
        assert!(
            width >= 24.0 && height >= 24.0,
            "{what} {id}: target {width} × {height} px"
        );
        if let Some(advance) = r["advance"].as_f64() {
            let mark = r["markWidth"].as_f64().unwrap();
            assert!(
                (advance - mark).abs() < 1.0,
                "{what} {id}: the text moves {advance} px across a {mark} px mark"
            );
        }
    }
    assert_eq!(
        popped.len(),
        expected.len(),
        "{what}: notes no reference pops up"
    );

    // Contents and page list: each entry lands on its target, on screen.
    let toc = shown["toc"].as_array().unwrap();
    assert!(toc.len() > 3, "{what}: contents {toc:?}");
    for e in toc {
        let label = e["label"].as_str().unwrap();
        let text = e["text"].as_str().unwrap();
        assert_eq!(
            e["onScreen"], true,
            "{what}: contents entry {label} off screen"
        );
        // the heading, allowing a note mark or an 附件 label inside or before it
        let start: String = text.chars().take(label.chars().count() + 4).collect();
        assert!(
            subsequence(label, &start),
            "{what}: contents entry {label} landed at {text}"
        );
    }
    let pages = shown["pageList"].as_array().unwrap();
    assert!(!pages.is_empty(), "{what}: no page list");
    for (i, e) in pages.iter().enumerate() {
        let label = e["label"].as_str().unwrap();
        // every printed page, from 1, blank ones included
        assert_eq!(label, (i + 1).to_string(), "{what}: page list {pages:?}");
        assert_eq!(e["onScreen"], true, "{what}: page {label} off screen");
        // A blank page points at the next document's start, which is the next page.
        let blank = !e["href"].as_str().unwrap().contains('#');
        let shows = e["pageItem"].as_str().unwrap();
        assert!(
            shows == label || blank && shows == (i + 2).to_string(),
            "{what}: going to page {label} shows page {shows}"
        );
    }

    // No rendered line starts with a no-start mark; no rule is drawn around hidden notes.
    let layout = &shown["layout"];
    assert!(layout["lines"].as_u64().unwrap() > 100, "{what}: {layout}");
    let bad = layout["bad"].as_array().unwrap();
    assert!(
        bad.is_empty(),
        "{what}: lines starting with a no-start mark: {bad:?}"
    );
    let rules = layout["emptyRules"].as_array().unwrap();
    assert!(
        rules.is_empty(),
        "{what}: borders around nothing: {rules:?}"
    );

    let ms = shown["firstPageMs"].as_u64().unwrap();
    eprintln!(
        "{what}: first page in {ms} ms; {} notes popped up, {} contents and {} page-list entries, {} wrapped lines checked",
        refs.len(),
        toc.len(),
        pages.len(),
        layout["lines"]
    );
    Some(ms)
}

#[test]
fn wuyang_epub_reads_right_in_foliate() {
    let dir = tempfile::tempdir().unwrap();
    let epub = epub_of(&["build", "input/wuyang-2024/report.txt"], dir.path());
    check_reading(&epub, "Wuyang EPUB", 32);
}

#[test]
fn pack_epub_reads_right_in_foliate() {
    let dir = tempfile::tempdir().unwrap();
    let epub = epub_of(&["pack", "input/pack.toml"], dir.path());
    check_reading(&epub, "pack EPUB", 40);
}
