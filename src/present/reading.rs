//! The reading order: the sequence of printable units of a document (title block, headings,
//! paragraphs, each annex's label, title and text, the appended notes annex's label, title and
//! entries), decided once. The PDF layout, the page-start finder, the EPUB and DOCX writers, the
//! font subsets and the editions' audit all iterate this one sequence, so no edition can set a
//! unit another leaves out.
//!
//! A unit is a [`Place`]: what of the document it sets. A unit with no text (an annex opened by
//! its title alone, a notes annex whose label or title is empty) is not in the order: no edition
//! sets an empty paragraph for it.
use super::footnote::annex_entry;
use crate::error::Error;
use crate::model::{plain, Annex, Block, Document, Entry, Inline};
use crate::style::{Role, Style};

/// What a unit of the reading order sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    /// `doc.blocks[i]`, any block but an annex opening: its lead's text then its content's.
    Block(usize),
    /// The label (`附件2`) of the annex `doc.blocks[i]` opens.
    AnnexLabel(usize),
    /// The title (`名词解释`) of the annex `doc.blocks[i]` opens.
    AnnexTitle(usize),
    /// The appended notes annex's label (`附件`).
    NotesLabel,
    /// The appended notes annex's title.
    NotesTitle,
    /// `annex.entries[i]` of the appended notes annex, set as `N.` then its footnote text.
    NotesEntry(usize),
}

/// The document's printable units, in the order every edition sets them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadingOrder {
    places: Vec<Place>,
    /// The first unit of each annex.
    opens_annex: Vec<Place>,
}

impl ReadingOrder {
    /// The reading order of `doc` in `style` (the style decides whether the notes annex is
    /// appended).
    pub fn new(doc: &Document, style: &Style) -> ReadingOrder {
        let mut order = ReadingOrder::default();
        for (i, block) in doc.blocks.iter().enumerate() {
            match block {
                Block::Annex { label, title } => {
                    let units = [
                        (!plain(label).is_empty()).then_some(Place::AnnexLabel(i)),
                        (!plain(title).is_empty()).then_some(Place::AnnexTitle(i)),
                    ];
                    order.annex(units.into_iter().flatten());
                }
                _ => order.places.push(Place::Block(i)),
            }
        }
        if let (true, Some(annex)) = (style.attachment.append, &doc.annex) {
            let units = [
                (!annex.label.is_empty()).then_some(Place::NotesLabel),
                (!annex.title.is_empty()).then_some(Place::NotesTitle),
            ];
            let entries = (0..annex.entries.len()).map(Place::NotesEntry);
            order.annex(units.into_iter().flatten().chain(entries));
        }
        order
    }

    fn annex(&mut self, units: impl Iterator<Item = Place>) {
        let start = self.places.len();
        self.places.extend(units);
        if let Some(&first) = self.places.get(start) {
            self.opens_annex.push(first);
        }
    }

    /// The units, in reading order.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// Is `place` the first unit of an annex?
    pub fn opens_annex(&self, place: Place) -> bool {
        self.opens_annex.contains(&place)
    }
}

/// The label and title of the annex `doc.blocks[i]` opens.
pub fn annex_block(doc: &Document, i: usize) -> Option<(&[Inline], &[Inline])> {
    match doc.blocks.get(i)? {
        Block::Annex { label, title } => Some((label, title)),
        _ => None,
    }
}

/// The appended notes annex's entry `i`.
pub fn notes_entry(doc: &Document, i: usize) -> Option<(&Annex, &Entry)> {
    let annex = doc.annex.as_ref()?;
    Some((annex, annex.entries.get(i)?))
}

/// The internal error of an edition whose reading order names a unit its document lacks (the
/// order and the document came apart): the edition is not written.
pub fn mismatch(edition: &'static str, place: Place) -> Error {
    Error::render(
        edition,
        format!("internal error: the reading order names {place:?}, which the document lacks"),
    )
}

/// The text a unit sets, in every edition: a block's lead then content, an annex label or
/// title, a notes entry as `N.` then its footnote text. Note marks are not part of it (they
/// are [`super::Plan::mark`]s, set beside the text); `None` for a place the document lacks.
pub fn text(doc: &Document, place: Place, body: Role, term: Role) -> Option<String> {
    Some(match place {
        Place::Block(i) => doc.blocks.get(i)?.text(),
        Place::AnnexLabel(i) => plain(annex_block(doc, i)?.0),
        Place::AnnexTitle(i) => plain(annex_block(doc, i)?.1),
        Place::NotesLabel => doc.annex.as_ref()?.label.clone(),
        Place::NotesTitle => doc.annex.as_ref()?.title.clone(),
        Place::NotesEntry(i) => {
            let (_, e) = notes_entry(doc, i)?;
            annex_entry(e, body, term)
                .into_iter()
                .map(|s| s.text)
                .collect()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Vec<Inline> {
        vec![Inline::Text(s.into())]
    }

    #[test]
    fn an_annex_in_the_text_is_two_units_and_the_notes_annex_one_per_entry() {
        let style = Style::load("gongwen").unwrap();
        let mut doc = Document::new(vec![
            Block::Paragraph {
                lead: None,
                content: t("\u{6B63}\u{6587}"),
            },
            Block::Annex {
                label: t("\u{9644}\u{4EF6}1"),
                title: t("\u{5B9E}\u{4E8B}"),
            },
            Block::Paragraph {
                lead: None,
                content: t("1\u{FF0E}\u{5E7C}\u{513F}\u{56ED}\u{3002}"),
            },
            Block::Annex {
                label: Vec::new(),
                title: t("\u{540D}\u{8BCD}"),
            },
        ]);
        doc.annex = Some(Annex {
            label: "\u{9644}\u{4EF6}".into(),
            title: String::new(),
            entries: vec![Entry {
                number: 1,
                term: "\u{8BCD}".into(),
                text: "\u{91CA}\u{3002}".into(),
            }],
        });
        let order = ReadingOrder::new(&doc, &style);
        assert_eq!(
            order.places(),
            [
                Place::Block(0),
                Place::AnnexLabel(1),
                Place::AnnexTitle(1),
                Place::Block(2),
                Place::AnnexTitle(3),
                Place::NotesLabel,
                Place::NotesEntry(0),
            ]
        );
        assert!(order.opens_annex(Place::AnnexLabel(1)));
        assert!(order.opens_annex(Place::AnnexTitle(3)));
        assert!(order.opens_annex(Place::NotesLabel));
        assert!(!order.opens_annex(Place::AnnexTitle(1)));
        let entry = text(&doc, Place::NotesEntry(0), Role::Song, Role::Hei).unwrap();
        assert_eq!(entry, "1.\u{8BCD}\u{FF1A}\u{91CA}\u{3002}");
    }
}
