//! Which font role draws each kind of block and inline, from the style's `[roles]`.
use crate::model::Block;
use crate::style::{Role, Style};

/// The role of every kind of text the editions draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolePlan {
    pub title: Role,
    pub subtitle: Role,
    pub salutation: Role,
    /// Headings and run-in leads of levels 1–4 (index 0 is level 1).
    pub headings: [Role; 4],
    pub body: Role,
    /// Footnote text.
    pub note: Role,
    /// Note marks, in the body and at the foot of the page alike (the note role: one face
    /// draws every mark, so its form never depends on the text around it).
    pub mark: Role,
    pub folio: Role,
    pub annex_label: Role,
    pub annex_title: Role,
    /// Terms of the annex entries (in the annex label's role: 黑体 in the shipped styles).
    pub annex_term: Role,
}

impl RolePlan {
    pub fn new(style: &Style) -> RolePlan {
        let r = &style.roles;
        RolePlan {
            title: r.title,
            subtitle: r.subtitle,
            salutation: r.salutation,
            headings: [r.heading1, r.heading2, r.heading3, r.heading4],
            body: r.body,
            note: r.note,
            mark: r.note,
            folio: r.folio,
            annex_label: r.attachment_label,
            annex_title: r.attachment_title,
            annex_term: r.attachment_label,
        }
    }

    /// The role of a heading or run-in lead of `level` (1-based; 0 counts as 1, deeper than 4
    /// as 4).
    pub fn heading(&self, level: u8) -> Role {
        self.headings[usize::from(level.clamp(1, 4)) - 1]
    }

    /// The role of a block's own content (a paragraph's lead is [`RolePlan::heading`] of its
    /// level).
    pub fn block(&self, block: &Block) -> Role {
        match block {
            Block::Title(_) => self.title,
            Block::Subtitle(_) => self.subtitle,
            Block::Salutation(_) => self.salutation,
            Block::Heading { level, .. } => self.heading(*level),
            // The annex's title; its label is `annex_label`.
            Block::Annex { .. } => self.annex_title,
            Block::Paragraph { .. } | Block::Attachment { .. } => self.body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_heading_role_per_level_with_level_zero_as_one() {
        let style = Style::load("gongwen").unwrap();
        let r = RolePlan::new(&style);
        assert_eq!(r.heading(0), style.roles.heading1);
        assert_eq!(r.heading(1), style.roles.heading1);
        assert_eq!(r.heading(2), style.roles.heading2);
        assert_eq!(r.heading(4), style.roles.heading4);
        assert_eq!(r.heading(9), style.roles.heading4);
        assert_eq!(r.mark, style.roles.note, "marks in the note role");
        assert_eq!(r.annex_term, style.roles.attachment_label);
    }
}
