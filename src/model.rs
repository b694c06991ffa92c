//! The one document model every reader fills and every writer reads.
//! Nothing here knows about PDF, EPUB or DOCX.

/// Script of the report's (or an edition's) Chinese text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Script {
    Hans,
    Hant,
}

impl Script {
    /// BCP 47 tag for `lang` attributes and metadata.
    pub fn bcp47(self) -> &'static str {
        match self {
            Script::Hans => "zh-Hans",
            Script::Hant => "zh-Hant",
        }
    }
    /// Region-flavoured tag where a format wants one (Word's `w:eastAsia`).
    pub fn word_lang(self) -> &'static str {
        match self {
            Script::Hans => "zh-CN",
            Script::Hant => "zh-TW",
        }
    }
}

/// Inline content: text and references to notes (by their reading-order number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    NoteRef(u32),
}

/// A run-in heading: the lead sentence of a paragraph (`（一）经济运行稳中向好。`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lead {
    pub level: u8,
    pub content: Vec<Inline>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Title(Vec<Inline>),
    /// Date line (`——2024年…`) or speaker line under the title.
    Subtitle(Vec<Inline>),
    /// `各位代表：`
    Salutation(Vec<Inline>),
    /// A heading on a line of its own, level 1–4.
    Heading {
        level: u8,
        content: Vec<Inline>,
    },
    /// A body paragraph, optionally opened by a run-in heading.
    Paragraph {
        lead: Option<Lead>,
        content: Vec<Inline>,
    },
    /// Opens an annex printed inside the report (`附件2：名词解释`): a new page in the PDF, a new
    /// section in the EPUB and DOCX. The blocks after it, up to the next `Annex` or the closing
    /// `Attachment`, are its text: paragraphs only (its numbered items are items, not headings).
    Annex {
        /// `附件2`, `附件`, `附`; empty when the text names the annex by its title alone.
        label: Vec<Inline>,
        /// `名词解释`; empty when the text gives none.
        title: Vec<Inline>,
    },
    /// The closing `附件：…` line; `file` is the file name it names.
    Attachment {
        content: Vec<Inline>,
        file: Option<String>,
    },
}

/// A matched note, numbered once in reading order (1…N).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub number: u32,
    /// The entry's own number in the notes file.
    pub entry: u32,
    pub term: String,
    pub text: String,
}

/// One entry of the annotations file, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub number: u32,
    pub term: String,
    pub text: String,
}

/// The annotations attachment, appended as its own section where the style asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annex {
    /// Label printed top-left (`附件`).
    pub label: String,
    /// Title centred under it (the file's name without extension, cleaned).
    pub title: String,
    /// Every entry, matched or not, in source order.
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The edition title when the text has no title line (the file's stem) or `--title` gives
    /// one; otherwise the title is the text's own [`Block::Title`] and only there.
    pub edition_title: Option<String>,
    pub script: Script,
    pub blocks: Vec<Block>,
    /// `notes[i].number == i + 1`.
    pub notes: Vec<Note>,
    pub annex: Option<Annex>,
}

impl Document {
    pub fn new(blocks: Vec<Block>) -> Self {
        Document {
            edition_title: None,
            script: Script::Hans,
            blocks,
            notes: Vec::new(),
            annex: None,
        }
    }

    /// The edition title (metadata, file names): [`Document::edition_title`] when set, else the
    /// text of the title line; empty only before the structure pass.
    pub fn title(&self) -> String {
        match &self.edition_title {
            Some(t) => t.clone(),
            None => self
                .blocks
                .iter()
                .find_map(|b| match b {
                    Block::Title(c) => Some(plain(c)),
                    _ => None,
                })
                .unwrap_or_default(),
        }
    }

    pub fn note(&self, number: u32) -> Option<&Note> {
        self.notes.get((number as usize).checked_sub(1)?)
    }
}

/// Plain text of inlines, note references dropped.
pub fn plain(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .filter_map(|i| match i {
            Inline::Text(t) => Some(t.as_str()),
            Inline::NoteRef(_) => None,
        })
        .collect()
}

impl Block {
    /// Inline sequences of this block, in reading order (lead before content).
    pub fn inlines(&self) -> Vec<&[Inline]> {
        match self {
            Block::Title(c) | Block::Subtitle(c) | Block::Salutation(c) => vec![c],
            Block::Heading { content, .. } | Block::Attachment { content, .. } => vec![content],
            Block::Annex { label, title } => vec![label, title],
            Block::Paragraph { lead, content } => {
                let mut v: Vec<&[Inline]> = Vec::new();
                if let Some(l) = lead {
                    v.push(&l.content);
                }
                v.push(content);
                v
            }
        }
    }

    /// Mutable access to every inline sequence (lead before content).
    pub fn inlines_mut(&mut self) -> Vec<&mut Vec<Inline>> {
        match self {
            Block::Title(c) | Block::Subtitle(c) | Block::Salutation(c) => vec![c],
            Block::Heading { content, .. } | Block::Attachment { content, .. } => vec![content],
            Block::Annex { label, title } => vec![label, title],
            Block::Paragraph { lead, content } => {
                let mut v = Vec::new();
                if let Some(l) = lead {
                    v.push(&mut l.content);
                }
                v.push(content);
                v
            }
        }
    }

    /// Plain text of the whole block.
    pub fn text(&self) -> String {
        self.inlines().iter().map(|i| plain(i)).collect()
    }
}

/// Apply `f` to every text run of the document (blocks, notes, annex): the one walk every
/// text-rewriting pass uses.
pub fn map_text(doc: &mut Document, f: &mut dyn FnMut(&str) -> String) {
    for b in &mut doc.blocks {
        for seq in b.inlines_mut() {
            for i in seq.iter_mut() {
                if let Inline::Text(t) = i {
                    *t = f(t);
                }
            }
        }
    }
    if let Some(t) = &mut doc.edition_title {
        *t = f(t);
    }
    for n in &mut doc.notes {
        n.term = f(&n.term);
        n.text = f(&n.text);
    }
    if let Some(a) = &mut doc.annex {
        a.label = f(&a.label);
        a.title = f(&a.title);
        for e in &mut a.entries {
            e.term = f(&e.term);
            e.text = f(&e.text);
        }
    }
}

/// Every character the editions will draw from the document's own text.
pub fn all_text(doc: &Document) -> String {
    let mut s = String::new();
    for b in &doc.blocks {
        s.push_str(&b.text());
    }
    for n in &doc.notes {
        s.push_str(&n.term);
        s.push_str(&n.text);
    }
    if let Some(a) = &doc.annex {
        s.push_str(&a.label);
        s.push_str(&a.title);
        for e in &a.entries {
            s.push_str(&e.term);
            s.push_str(&e.text);
        }
    }
    s
}

/// A line or row not read as (part of) an entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// 1-based: the line of a text file; the paragraph or table row of a document, counted in
    /// document order; the row of a sheet.
    pub line: usize,
    pub text: String,
    /// What the line reads as: `title` (the heading used as the annex's title), `heading`
    /// (`附件`, `【…】`, a second `名词解释`), `header` (a table's header row) — all expected in a notes file —,
    /// `duplicate` (an entry whose term an earlier entry gives; warned as `duplicate-term`) or
    /// `text`: a line the entry rules could not place, which is warned about.
    pub kind: &'static str,
}
