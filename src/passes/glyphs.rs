//! The glyph check: every character of the document's own text that no face of the style
//! draws (its role's face, then the role's fallback chain, as the presentation plan assigns
//! roles) is listed in the check report and replaced by U+3013 GETA MARK throughout the document
//! and the plan (which is built once, before this check, and read by it); every one its role's
//! face lacks and a fallback face draws is listed too (`info`), naming that face.
use crate::check_report::{CheckReport, FallbackGlyph};
use crate::fonts::{FallenBack, FontBook, GETA};
use crate::model::Document;
use crate::present::Plan;

/// List the characters of `doc` that no face draws in the role `plan` gives them, and draw
/// U+3013 in their place, in the document and in the plan alike; list those drawn by a
/// fallback face.
pub fn check(doc: &mut Document, plan: &mut Plan, fonts: &FontBook, report: &mut CheckReport) {
    let missing = missing(doc, plan, fonts);
    report.glyphs.missing = missing
        .iter()
        .map(|c| format!("U+{:04X}", *c as u32))
        .collect();
    fallen_back(doc, plan, fonts, report);
    replace(doc, &missing);
    plan.substitute(&missing, GETA);
}

/// List (`glyphs.fallback`, and one `info` per character) the characters of `doc`'s own text
/// that the face of their role lacks and a face of the role's fallback chain draws.
fn fallen_back(doc: &Document, plan: &Plan, fonts: &FontBook, report: &mut CheckReport) {
    let own = own_chars(doc);
    let found: Vec<FallenBack> = fonts
        .fallen_back(&plan.usage)
        .into_iter()
        .filter(|f| own.binary_search(&f.ch).is_ok())
        .collect();
    for f in found {
        let entry = FallbackGlyph {
            code: format!("U+{:04X}", f.ch as u32),
            char: f.ch.to_string(),
            role: f.role.name().to_string(),
            family: fonts.family(f.role),
            drawn_by: f.drawn.name().to_string(),
            drawn_family: fonts.family(f.drawn),
        };
        report.info(
            "font-fallback",
            format!(
                "{} ({}): the {} face ({}) lacks it; drawn in the {} face ({})",
                entry.char,
                entry.code,
                entry.role,
                entry.family,
                entry.drawn_by,
                entry.drawn_family
            ),
            None,
        );
        report.glyphs.fallback.push(entry);
    }
}

/// The distinct characters of `doc`'s own text and title (sorted).
fn own_chars(doc: &Document) -> Vec<char> {
    let mut own: Vec<char> = crate::model::all_text(doc).chars().collect();
    own.extend(doc.title().chars());
    own.sort_unstable();
    own.dedup();
    own
}

/// Characters of `doc`'s own text that no face draws in the role `plan` (the document's plan)
/// gives them (sorted). Characters the writers add (marks, folios, ASCII) are not the
/// document's and never listed.
pub fn missing(doc: &Document, plan: &Plan, fonts: &FontBook) -> Vec<char> {
    let own = own_chars(doc);
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
