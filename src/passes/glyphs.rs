//! The glyph check: every character of the document's own text that no face of the style
//! draws (its role's face, then the fallback order, as the presentation plan assigns roles) is
//! listed in the check report and replaced by U+3013 GETA MARK throughout the document and the
//! plan (which is built once, before this check, and read by it).
use crate::check_report::CheckReport;
use crate::fonts::{FontBook, GETA};
use crate::model::Document;
use crate::present::Plan;

/// List the characters of `doc` that no face draws in the role `plan` gives them, and draw
/// U+3013 in their place, in the document and in the plan alike.
pub fn check(doc: &mut Document, plan: &mut Plan, fonts: &FontBook, report: &mut CheckReport) {
    let missing = missing(doc, plan, fonts);
    report.glyphs.missing = missing
        .iter()
        .map(|c| format!("U+{:04X}", *c as u32))
        .collect();
    replace(doc, &missing);
    plan.substitute(&missing, GETA);
}

/// Characters of `doc`'s own text that no face draws in the role `plan` (the document's plan)
/// gives them (sorted). Characters the writers add (marks, folios, ASCII) are not the
/// document's and never listed.
pub fn missing(doc: &Document, plan: &Plan, fonts: &FontBook) -> Vec<char> {
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
