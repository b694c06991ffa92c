//! What every edition must hold: the reading order's units and the footnotes of the notes the
//! text references, white space removed.
use super::Read;
use crate::model::{Document, Inline};
use crate::present::Plan;

/// The document's text as the reading order sets it.
pub fn of(doc: &Document, plan: &Plan) -> Read {
    let mut read = Read::default();
    for &place in plan.order.places() {
        read.paragraphs.push(String::new());
        read.push(&plan.text(doc, place).unwrap_or_default());
    }
    for block in &doc.blocks {
        for seq in block.inlines() {
            for i in seq {
                if let Inline::NoteRef(n) = i {
                    if let Some(text) = plan.footnote(*n) {
                        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                        read.notes.entry(*n).or_insert(t);
                    }
                }
            }
        }
    }
    read.finish()
}
