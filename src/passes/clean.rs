//! Clean pass.
use super::Pass;
use crate::error::Result;
use crate::model::Document;
use crate::report::Report;

pub struct Clean;

impl Pass for Clean {
    fn name(&self) -> &'static str {
        "clean"
    }
    fn run(&self, _doc: Document, _report: &mut Report) -> Result<Document> {
        todo!("foundation issue")
    }
}

/// The title line: the first short line ending in 报告 or 報告.
pub fn is_title_line(line: &str) -> bool {
    let t = line.trim();
    t.chars().count() <= 40 && (t.ends_with("报告") || t.ends_with("報告"))
}
