//! Where each printed page's body text begins, in the document's terms, so that another edition
//! can mark the print page breaks (the EPUB's page list) without laying out pages itself.
use super::flow::{BodyLine, PagePlan};

/// What a layout paragraph sets: a block of the document, or a part of the appended annex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    /// `doc.blocks[i]`: its text is the lead's then the content's, note marks not counted.
    Block(usize),
    AnnexLabel,
    AnnexTitle,
    /// `annex.entries[i]`, set as `N. term：text` (`N. text` without a term).
    AnnexEntry(usize),
}

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

/// The place of each layout paragraph, in the order the layout sets them: every block (an
/// annex of the text twice: its label and its title are two paragraphs, the label starting the
/// page), then, when the style appends the annex, its label, title and entries.
pub(super) fn places(doc: &crate::model::Document, style: &crate::style::Style) -> Vec<Place> {
    let mut out: Vec<Place> = Vec::with_capacity(doc.blocks.len());
    for (i, b) in doc.blocks.iter().enumerate() {
        if matches!(b, crate::model::Block::Annex { .. }) {
            out.push(Place::Block(i));
        }
        out.push(Place::Block(i));
    }
    if let (true, Some(annex)) = (style.attachment.append, &doc.annex) {
        out.push(Place::AnnexLabel);
        out.push(Place::AnnexTitle);
        out.extend((0..annex.entries.len()).map(Place::AnnexEntry));
    }
    out
}
