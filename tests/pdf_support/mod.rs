//! Support for the PDF tests: the Wuyang report through the real pipeline, and tool runners.
#![allow(dead_code)]
use baogao::fonts::Subsets;
use baogao::model::Document;
use baogao::style::Style;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Wuyang report read, passed and with its notes attached (the real pipeline), and its font
/// subsets.
pub fn wuyang(style: &Style) -> (Document, Subsets) {
    let book = baogao::fonts::FontBook::load(style).unwrap();
    let path = root().join("input/wuyang-2024/report.txt");
    let prepared = baogao::prepare(&path, &baogao::Options::default(), style, &book).unwrap();
    let subsets = book
        .subset(&baogao::present::Plan::new(&prepared.doc, style, &book).usage)
        .unwrap();
    (prepared.doc, subsets)
}

/// Run a tool; `None` (with a note) when it is missing and CI is not set.
pub fn tool(name: &str, args: &[&str]) -> Option<std::process::Output> {
    match Command::new(name).args(args).output() {
        Ok(o) => Some(o),
        Err(e) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{name} is required on CI: {e}");
            }
            eprintln!("note: {name} not found ({e}); skipping");
            None
        }
    }
}

pub fn text_of(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn write_tmp(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}
