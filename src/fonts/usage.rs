//! Which characters each font role draws.
use super::{Usage, GETA};
use crate::model::{Block, Document, Inline};
use crate::style::{MarkForm, Role, Style};
use std::collections::BTreeSet;

/// U+2014 EM DASH: folios read `— 1 —`.
pub const FOLIO_DASH: char = '\u{2014}';

/// Every character the three editions draw, by the role whose face draws it.
///
/// - Blocks: the title in `roles.title`, subtitle and salutation in theirs, headings in
///   `roles.heading1`…`heading4` by level (deeper levels use `heading4`), the run-in lead of a
///   paragraph in the heading role of its level, paragraph text, the closing `附件：` line and raw
///   lines (before the structure pass) in `roles.body`. The plain `doc.title` (metadata, title
///   pages) is drawn in the title role too.
/// - Notes: term and text in `roles.note`; the annex (when the style appends it) label in
///   `roles.attachment_label`, title in `roles.attachment_title`, entries in `roles.body`.
/// - Note marks: the digits of every note number (superscripts are drawn as ordinary digits) or,
///   when the style asks for circled marks, [`circled`] numbers (digits past ㊿), in the role of
///   the text carrying the mark, in the note role (which repeats the mark) and in the body role.
/// - Folios: `— 0…9 —` (U+2014, space, digits) in `roles.folio`.
/// - Every role that draws anything also gets a space and U+3013 (drawn for missing glyphs).
/// - The body role also gets every character of the document, since EPUB readers and word
///   processors may fall back to the body face for any text, and printable ASCII (U+0020–U+007E)
///   for whatever the writers add (dates, numbers, labels in metadata).
///
/// Control characters (newlines, tabs…) are never drawn and are left out.
pub fn usage(doc: &Document, style: &Style) -> Usage {
    let mut u = Usage::default();
    let roles = &style.roles;
    let mut marks = String::new();
    let mut mark_roles: BTreeSet<Role> = BTreeSet::new();
    for block in &doc.blocks {
        match block {
            Block::Raw { text, .. } => u.add(roles.body, text),
            Block::Title(c) => u.add_inlines(roles.title, c, &mut mark_roles),
            Block::Subtitle(c) => u.add_inlines(roles.subtitle, c, &mut mark_roles),
            Block::Salutation(c) => u.add_inlines(roles.salutation, c, &mut mark_roles),
            Block::Heading { level, content } => {
                u.add_inlines(heading_role(style, *level), content, &mut mark_roles)
            }
            Block::Paragraph { lead, content } => {
                if let Some(lead) = lead {
                    let role = heading_role(style, lead.level);
                    u.add_inlines(role, &lead.content, &mut mark_roles);
                }
                u.add_inlines(roles.body, content, &mut mark_roles);
            }
            Block::Attachment { content, .. } => {
                u.add_inlines(roles.body, content, &mut mark_roles)
            }
        }
    }
    u.add(roles.title, &doc.title);
    for note in &doc.notes {
        u.add(roles.note, &note.term);
        u.add(roles.note, &note.text);
        marks.push_str(&note_mark(note.number, style.notes.mark));
    }
    if style.attachment.append {
        if let Some(annex) = &doc.annex {
            u.add(roles.attachment_label, &annex.label);
            u.add(roles.attachment_title, &annex.title);
            for e in &annex.entries {
                u.add(roles.body, &e.term);
                u.add(roles.body, &e.text);
            }
        }
    }
    if !doc.notes.is_empty() {
        mark_roles.insert(roles.note);
        mark_roles.insert(roles.body);
    }
    for role in mark_roles {
        u.add(role, &marks);
    }
    u.add(roles.folio, &format!("{FOLIO_DASH} 0123456789"));
    // The body face holds everything: the whole document, and printable ASCII.
    u.add(roles.body, &crate::model::all_text(doc));
    u.add(roles.body, &doc.title);
    let ascii: String = (' '..='~').collect();
    u.add(roles.body, &ascii);
    let used: Vec<Role> = u.by_role.keys().copied().collect();
    for role in used {
        u.add(role, &format!(" {GETA}"));
    }
    u
}

/// The role of a heading (or run-in lead) of `level` (1-based; deeper than 4 → heading4).
pub fn heading_role(style: &Style, level: u8) -> Role {
    let r = &style.roles;
    match level {
        0 | 1 => r.heading1,
        2 => r.heading2,
        3 => r.heading3,
        _ => r.heading4,
    }
}

/// The characters of note mark `number` in `form`: digits for superscripts (the writers raise
/// them), ①…⑳ (U+2460…), ㉑…㉟ (U+3251…), ㊱…㊿ (U+32B1…) for circled marks, digits past 50.
pub fn note_mark(number: u32, form: MarkForm) -> String {
    match (form, circled(number)) {
        (MarkForm::Circled, Some(c)) => c.to_string(),
        _ => number.to_string(),
    }
}

/// The circled number `n` (1–50), if Unicode has one.
pub fn circled(n: u32) -> Option<char> {
    let cp = match n {
        1..=20 => 0x2460 + n - 1,
        21..=35 => 0x3251 + n - 21,
        36..=50 => 0x32B1 + n - 36,
        _ => return None,
    };
    char::from_u32(cp)
}

impl Usage {
    /// Note that `role` draws every (non-control) character of `text`.
    pub fn add(&mut self, role: Role, text: &str) {
        // Distinct characters first: a report has tens of thousands of characters but only a
        // thousand or two distinct ones.
        let mut chars: Vec<char> = text.chars().filter(|c| !c.is_control()).collect();
        if chars.is_empty() {
            return;
        }
        chars.sort_unstable();
        chars.dedup();
        self.by_role.entry(role).or_default().extend(chars);
    }

    fn add_inlines(&mut self, role: Role, inlines: &[Inline], mark_roles: &mut BTreeSet<Role>) {
        for i in inlines {
            match i {
                Inline::Text(t) => self.add(role, t),
                Inline::NoteRef(_) => {
                    mark_roles.insert(role);
                }
            }
        }
    }

    /// Add everything `other` draws (the documents of a volume share one set of subsets).
    pub fn merge(&mut self, other: Usage) {
        for (role, chars) in other.by_role {
            self.by_role.entry(role).or_default().extend(chars);
        }
    }

    /// Every character drawn by any role.
    pub fn all(&self) -> BTreeSet<char> {
        self.by_role.values().flatten().copied().collect()
    }
}
