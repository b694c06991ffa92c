//! The presentation plan: every decision about how the document is shown that more than one
//! edition (or the font subsets) depends on, taken once per document and style. Writers and
//! [`crate::fonts`] read the plan; none of them decides these things again.
//!
//! - [`marks`]: each note's mark, the same text in the body mark, the footnote label, the EPUB
//!   noteref and footnote, and the DOCX footnote reference and label; note numbers run through
//!   the whole document in every edition.
//! - [`footnote`]: the text of a footnote (and of an annex entry), one rule for all editions.
//! - [`roles`]: the font role of every block and inline.
//! - [`folio`]: the folio text `— N —`.
//! - [`reading`]: the reading order, the one sequence of printable units every edition sets.
//! - [`volume`]: a session pack's cover and contents, each line's role, for all editions.
//! - [`usage`]: the characters each role draws, from the decisions above, for the subsets.
//!
//! docs/presentation.md says where each decision lives.
pub mod folio;
pub mod footnote;
pub mod marks;
pub mod reading;
pub mod roles;
pub mod usage;
pub mod volume;

use crate::fonts::{FontBook, Usage};
use crate::model::{Document, Entry};
use crate::style::Style;
pub use reading::{Place, ReadingOrder};
use roles::RolePlan;
use std::collections::BTreeMap;

pub use folio::{folio, FOLIO_DASH};
pub use footnote::{footnote_text, Span};
pub use marks::circled;

/// How the document is shown, in every edition.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The font role of every kind of block and inline.
    pub roles: RolePlan,
    /// The printable units, in the order every edition sets them.
    pub order: ReadingOrder,
    /// Note number → its mark (`3`, `③`).
    marks: BTreeMap<u32, String>,
    /// Note number → its footnote text.
    footnotes: BTreeMap<u32, String>,
    /// Every character each role draws, in every edition.
    pub usage: Usage,
}

impl Plan {
    /// The plan of `doc` in `style`, with `fonts` telling which glyphs each role's face has.
    pub fn new(doc: &Document, style: &Style, fonts: &FontBook) -> Plan {
        Plan::with_coverage(doc, style, &|role, c| fonts.covers(role, c))
    }

    /// The plan for subsets already cut (a face covers what its subset maps).
    pub fn for_subsets(doc: &Document, style: &Style, subsets: &crate::fonts::Subsets) -> Plan {
        Plan::with_coverage(doc, style, &|role, c| {
            subsets.face(role).is_some_and(|f| f.chars.contains(&c))
        })
    }

    /// The plan with a coverage test of its own (`covers(role, c)`: does the role's full face
    /// draw `c`?).
    pub fn with_coverage(
        doc: &Document,
        style: &Style,
        covers: &dyn Fn(crate::style::Role, char) -> bool,
    ) -> Plan {
        let roles = RolePlan::new(style);
        let marks = doc
            .notes
            .iter()
            .map(|n| {
                let mark = marks::mark(n.number, style.notes.mark, |c| covers(roles.mark, c));
                (n.number, mark)
            })
            .collect();
        let footnotes = doc
            .notes
            .iter()
            .map(|n| (n.number, footnote_text(&n.term, &n.text)))
            .collect();
        let mut plan = Plan {
            roles,
            order: ReadingOrder::new(doc, style),
            marks,
            footnotes,
            usage: Usage::default(),
        };
        plan.usage = usage::compute(doc, &plan);
        plan
    }

    /// Draw `with` wherever the plan draws one of `missing` (the glyph check's substitution in
    /// the document, made in the plan too): the footnote texts and each role's characters
    /// become what [`Plan::new`] gives for the substituted document.
    pub fn substitute(&mut self, missing: &[char], with: char) {
        if missing.is_empty() {
            return;
        }
        for text in self.footnotes.values_mut() {
            *text = text
                .chars()
                .map(|c| if missing.contains(&c) { with } else { c })
                .collect();
        }
        for chars in self.usage.by_role.values_mut() {
            let before = chars.len();
            chars.retain(|c| !missing.contains(c));
            if chars.len() < before {
                chars.insert(with);
            }
        }
    }

    /// The mark of note `number`: its planned mark, or the number in digits for a reference to
    /// a note the document does not have.
    pub fn mark(&self, number: u32) -> String {
        self.marks
            .get(&number)
            .cloned()
            .unwrap_or_else(|| number.to_string())
    }

    /// Is every note's mark its number in digits? Then a word processor's own footnote
    /// numbering (continuous, decimal) shows exactly the planned marks.
    pub fn marks_are_numbers(&self) -> bool {
        self.marks.iter().all(|(n, m)| *m == n.to_string())
    }

    /// The text of note `number`'s footnote.
    pub fn footnote(&self, number: u32) -> Option<&str> {
        self.footnotes.get(&number).map(String::as_str)
    }

    /// The text the unit at `place` sets in every edition, note marks left out (`None`: the
    /// document has no such place).
    pub fn text(&self, doc: &Document, place: Place) -> Option<String> {
        reading::text(doc, place, self.roles.body, self.roles.annex_term)
    }

    /// An annex entry as spans in their roles: `N.` in the body role, the term in the annex
    /// term role, the rest of [`footnote_text`] in the body role.
    pub fn annex_entry(&self, e: &Entry) -> Vec<Span> {
        footnote::annex_entry(e, self.roles.body, self.roles.annex_term)
    }
}
