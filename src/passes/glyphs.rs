//! The glyph check: every character of the document's own text that no face of the style
//! draws (its role's face, then the fallback order, as the presentation plan assigns roles) is
//! listed in the check report and replaced by U+3013 GETA MARK throughout the document.
use super::Pass;
use crate::check_report::CheckReport;
use crate::error::Result;
use crate::fonts::{FontBook, GETA};
use crate::model::Document;
use crate::present::Plan;
use crate::style::Style;

pub struct Glyphs<'a> {
    pub fonts: &'a FontBook,
    pub style: &'a Style,
}

impl Pass for Glyphs<'_> {
    fn run(&self, mut doc: Document, report: &mut CheckReport) -> Result<Document> {
        let missing = missing(&doc, self.style, self.fonts);
        report.glyphs.missing = missing
            .iter()
            .map(|c| format!("U+{:04X}", *c as u32))
            .collect();
        replace(&mut doc, &missing);
        Ok(doc)
    }
}

/// Characters of `doc`'s own text that no face draws in the role the plan gives them (sorted).
/// Characters the writers add (marks, folios, ASCII) are not the document's and never listed.
pub fn missing(doc: &Document, style: &Style, fonts: &FontBook) -> Vec<char> {
    let plan = Plan::new(doc, style, fonts);
    let mut own: Vec<char> = crate::model::all_text(doc).chars().collect();
    own.extend(doc.title().chars());
    own.sort_unstable();
    own.dedup();
    fonts
        .uncovered(&plan.usage)
        .into_iter()
        .filter(|c| own.binary_search(c).is_ok())
        .collect()
}

/// Replace every character in `missing` by U+3013 throughout the document.
pub fn replace(doc: &mut Document, missing: &[char]) {
    if missing.is_empty() {
        return;
    }
    crate::model::map_text(doc, &mut |t| {
        t.chars()
            .map(|c| if missing.contains(&c) { GETA } else { c })
            .collect()
    });
}
