//! The structure elements of the tagged PDF, as layout marks them on what it draws
//! (`FrameItem::Begin`); `pdf::structure` builds the structure tree from them.

/// What a structure element is (the tagged PDF's structure type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tag {
    /// The report's title (`/Title`, role-mapped to `/H1`).
    Title,
    /// A heading of level 1–4 (`/H1`…`/H4`); the annex title is a level-1 heading.
    Heading(u8),
    /// A paragraph: body text, date and speaker lines, salutation, annex entries (`/P`).
    Paragraph,
    /// A footnote (`/Note`).
    Note,
    /// The number opening a footnote (`/Lbl`, inside its `/Note`).
    NoteLabel,
    /// Not part of the text: folios, the note rule (`/Artifact`).
    Artifact,
}

/// A structure element: its type, the volume part it is in (0: a volume's front matter or a
/// single report; document k of a volume: k + 1) and its key within the part (the same key on
/// every line and page of the element; a note's label shares its note's key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Unit {
    pub tag: Tag,
    pub part: u16,
    pub key: u32,
}

impl Unit {
    /// Content outside the structure.
    pub const ARTIFACT: Unit = Unit {
        tag: Tag::Artifact,
        part: 0,
        key: 0,
    };
}
