//! Where each printed page's body text begins, in the document's terms, so that another edition
//! can mark the print page breaks (the EPUB's page list) without laying out pages itself. Places
//! are units of the reading order ([`crate::present::reading`]), which every edition sets alike.
use super::flow::{BodyLine, PagePlan};
pub use crate::present::Place;

/// The first body character of a page: the place, and how many characters of its text come
/// before it on earlier pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageStart {
    pub place: Place,
    pub offset: usize,
}

/// For each body line: its place and the offset of its first character (blank lines: none).
#[derive(Debug, Default)]
pub(super) struct Origins {
    lines: Vec<Option<PageStart>>,
}

impl Origins {
    /// Record the lines of one paragraph (the lines are pushed to the flow in the same order).
    pub(super) fn paragraph(&mut self, place: Place, lines: &[BodyLine]) {
        let mut offset = 0;
        for l in lines {
            if l.blank {
                self.lines.push(None);
                continue;
            }
            self.lines.push(Some(PageStart { place, offset }));
            offset += l
                .line
                .placed
                .iter()
                .filter(|p| p.piece.note.is_none())
                .count();
        }
    }

    /// Each page's start: its first body line's origin; `None` for a page without body text
    /// (a page holding only notes carried over).
    pub(super) fn pages(&self, plans: &[PagePlan]) -> Vec<Option<PageStart>> {
        plans
            .iter()
            .map(|plan| plan.body.iter().find_map(|&(li, _)| self.lines[li]))
            .collect()
    }
}
