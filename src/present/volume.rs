//! A volume's own words — a session pack's cover and contents — and the role each is drawn in,
//! decided once for the PDF, the EPUB and the DOCX. Their characters go into the font subsets
//! ([`VolumePlan::usage`]), so every cover character is in the subset of the face it is drawn in.
//!
//! The cover lines take the roles of the blocks they stand for: the title the title role, each
//! subtitle line the subtitle role, the issuer the salutation role; the contents heading is in
//! the title role, each entry's label in the level-1 heading role, its title, dot leaders and
//! folio in the body role.
use super::roles::RolePlan;
use crate::fonts::{Usage, GETA};
use crate::model::{Block, Document, Inline, Script};
use crate::style::{Role, Style};

/// Text drawn in one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub role: Role,
}

/// One contents entry: the document's label (`附件1`) and title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub label: Option<Line>,
    pub title: Line,
}

impl Entry {
    /// The entry as one line of text (`label　title`): the outline, the EPUB's nav.
    pub fn text(&self) -> String {
        match &self.label {
            Some(l) => format!("{}{LABEL_GAP}{}", l.text, self.title.text),
            None => self.title.text.clone(),
        }
    }
}

/// U+3000 IDEOGRAPHIC SPACE between an entry's label and its title.
pub const LABEL_GAP: char = '\u{3000}';

/// The cover and contents of a volume, each line with its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumePlan {
    pub title: Line,
    /// The subtitle, one line each.
    pub subtitle: Vec<Line>,
    pub issuer: Option<Line>,
    /// The contents page's heading (`目录` / `目錄`, in the volume's script).
    pub contents: Line,
    /// One entry per document, in the order they are bound.
    pub entries: Vec<Entry>,
    /// The role of the contents' dot leaders and folios.
    pub folio_role: Role,
}

impl VolumePlan {
    /// The plan of a volume titled `title`; `documents`: each document's label and title.
    pub fn new(
        style: &Style,
        script: Script,
        title: &str,
        subtitle: Option<&str>,
        issuer: Option<&str>,
        documents: &[(Option<String>, String)],
    ) -> VolumePlan {
        let r = RolePlan::new(style);
        let line = |text: &str, role| Line {
            text: text.to_string(),
            role,
        };
        let contents = match script {
            Script::Hans => "\u{76EE}\u{5F55}",
            Script::Hant => "\u{76EE}\u{9304}",
        };
        VolumePlan {
            title: line(title, r.title),
            subtitle: subtitle
                .map(|s| s.lines().map(|l| line(l, r.subtitle)).collect())
                .unwrap_or_default(),
            issuer: issuer.map(|s| line(s, r.salutation)),
            contents: line(contents, r.title),
            entries: documents
                .iter()
                .map(|(label, title)| Entry {
                    label: label.as_deref().map(|l| line(l, r.heading(1))),
                    title: line(title, r.body),
                })
                .collect(),
            folio_role: r.body,
        }
    }

    /// The cover as a document of its own (the EPUB's cover page): a title block whose blocks
    /// have the cover lines' roles.
    pub fn cover_document(&self, script: Script) -> Document {
        let t = |l: &Line| vec![Inline::Text(l.text.clone())];
        let mut blocks = vec![Block::Title(t(&self.title))];
        blocks.extend(self.subtitle.iter().map(|l| Block::Subtitle(t(l))));
        blocks.extend(self.issuer.iter().map(|l| Block::Salutation(t(l))));
        let mut doc = Document::new(blocks);
        doc.edition_title = Some(self.title.text.clone());
        doc.script = script;
        doc
    }

    /// Every line of the cover and contents with its role.
    pub fn lines(&self) -> Vec<Line> {
        let mut out = vec![self.title.clone()];
        out.extend(self.subtitle.iter().cloned());
        out.extend(self.issuer.iter().cloned());
        out.push(self.contents.clone());
        for e in &self.entries {
            if let Some(l) = &e.label {
                let mut l = l.clone();
                l.text.push(LABEL_GAP);
                out.push(l);
            }
            out.push(e.title.clone());
        }
        out.push(Line {
            text: ".0123456789".into(),
            role: self.folio_role,
        });
        out
    }

    /// The characters the cover and contents draw, by role (with a space and U+3013 in each);
    /// the body role also gets them all (readers fall back to the body face).
    pub fn usage(&self, body: Role) -> Usage {
        let mut u = Usage::default();
        for l in self.lines() {
            u.add(l.role, &l.text);
            u.add(l.role, &format!("{LABEL_GAP} {GETA}"));
            u.add(body, &l.text);
        }
        u
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cover_lines_take_the_roles_of_their_blocks() {
        let style = Style::load("gongwen").unwrap();
        let plan = VolumePlan::new(
            &style,
            Script::Hans,
            "\u{4F1A}\u{8BAE}\u{6587}\u{4EF6}",
            Some("\u{7B2C}\u{56DB}\u{6B21}\u{4F1A}\u{8BAE}"),
            Some("\u{529E}\u{516C}\u{5385}"),
            &[(Some("\u{4E4B}\u{4E00}".into()), "\u{62A5}\u{544A}".into())],
        );
        let roles = RolePlan::new(&style);
        let cover = plan.cover_document(Script::Hans);
        let drawn: Vec<Role> = cover.blocks.iter().map(|b| roles.block(b)).collect();
        assert_eq!(
            drawn,
            [
                plan.title.role,
                plan.subtitle[0].role,
                plan.issuer.as_ref().unwrap().role
            ]
        );
        let u = plan.usage(roles.body);
        assert!(u.by_role[&roles.salutation].contains(&'\u{5385}'));
        assert!(u.by_role[&roles.heading(1)].contains(&'\u{4E4B}'));
    }
}
