//! The characters each font role draws in any edition, from the plan's decisions: the font
//! subsets are cut from this, so a character drawn in a role is always in that role's subset.
//!
//! - Every unit of the reading order ([`super::reading`]) in its role: blocks in their
//!   [`RolePlan`](super::roles::RolePlan) role; a paragraph's run-in lead in the
//!   heading role of its level; the plain `doc.title` (metadata, title pages) in the title role.
//! - Note marks in the mark role; footnote text in the note role.
//! - Annex labels, titles and the appended annex's entries (each entry's spans) in their roles.
//! - Folios: every character a folio can show, in the folio role.
//! - Every role that draws anything also gets a space and U+3013 (drawn for missing glyphs).
//! - The body role also gets every character of the document, since EPUB readers and word
//!   processors may fall back to the body face for any text, and printable ASCII (U+0020–U+007E)
//!   for whatever the writers add (dates, numbers, labels in metadata).
//!
//! Control characters (newlines, tabs…) are never drawn and are left out.
use super::{Place, Plan};
use crate::fonts::{Usage, GETA};
use crate::model::{Block, Document, Inline};
use crate::style::Role;

pub fn compute(doc: &Document, plan: &Plan) -> Usage {
    let mut u = Usage::default();
    let roles = &plan.roles;
    // Every unit of the reading order, in the role it is set in.
    for &place in plan.order.places() {
        match place {
            Place::Block(i) => match doc.blocks.get(i) {
                None => {}
                Some(Block::Paragraph { lead, content }) => {
                    if let Some(lead) = lead {
                        add_inlines(&mut u, plan, roles.heading(lead.level), &lead.content);
                    }
                    add_inlines(&mut u, plan, roles.body, content);
                }
                Some(block) => {
                    for seq in block.inlines() {
                        add_inlines(&mut u, plan, roles.block(block), seq);
                    }
                }
            },
            Place::AnnexLabel(i) | Place::AnnexTitle(i) => {
                if let Some((label, title)) = super::reading::annex_block(doc, i) {
                    match place {
                        Place::AnnexLabel(_) => add_inlines(&mut u, plan, roles.annex_label, label),
                        _ => add_inlines(&mut u, plan, roles.annex_title, title),
                    }
                }
            }
            Place::NotesLabel | Place::NotesTitle => {
                if let Some(annex) = &doc.annex {
                    match place {
                        Place::NotesLabel => u.add(roles.annex_label, &annex.label),
                        _ => u.add(roles.annex_title, &annex.title),
                    }
                }
            }
            Place::NotesEntry(i) => {
                if let Some((_, e)) = super::reading::notes_entry(doc, i) {
                    for span in plan.annex_entry(e) {
                        u.add(span.role, &span.text);
                    }
                }
            }
        }
    }
    u.add(roles.title, &doc.title());
    for note in &doc.notes {
        u.add(roles.mark, &plan.mark(note.number));
        u.add(roles.note, plan.footnote(note.number).unwrap_or_default());
    }
    u.add(roles.folio, &super::folio::characters());
    // The body face holds everything: the whole document, and printable ASCII.
    u.add(roles.body, &crate::model::all_text(doc));
    u.add(roles.body, &doc.title());
    let ascii: String = (' '..='~').collect();
    u.add(roles.body, &ascii);
    let used: Vec<Role> = u.by_role.keys().copied().collect();
    for role in used {
        u.add(role, &format!(" {GETA}"));
    }
    u
}

/// Text in `role`, note references as their marks in the mark role.
fn add_inlines(u: &mut Usage, plan: &Plan, role: Role, inlines: &[Inline]) {
    for i in inlines {
        match i {
            Inline::Text(t) => u.add(role, t),
            Inline::NoteRef(n) => u.add(plan.roles.mark, &plan.mark(*n)),
        }
    }
}
