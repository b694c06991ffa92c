//! Content documents: the document split into parts (title part, one per level-1 section, the
//! attachment), each an XHTML5 document with its notes as `<aside epub:type="footnote">` at its
//! end, plus the navigation entries each part contributes. Where the print layout is known,
//! an empty `<span epub:type="pagebreak">` marks the point where each PDF page begins.
use super::super::RenderContext;
use crate::error::{Error, Result};
use crate::model::{plain, Block, Document, Inline};
use crate::present::reading::{self, mismatch, Place};
use std::collections::BTreeMap;
use std::fmt::Write;

/// What a part is, for landmarks and the guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// Title, subtitles, salutation and the paragraphs before the first level-1 heading.
    Title,
    /// A level-1 section with everything up to the next one.
    Section,
    /// The appended annotations (`附件`).
    Annex,
}

/// A navigation entry inside a part (a level-2 heading or run-in lead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavEntry {
    /// `section-1.xhtml#h1-2`
    pub href: String,
    /// Plain text, no note marks.
    pub title: String,
}

/// One content document.
#[derive(Debug, Clone)]
pub struct Part {
    pub kind: PartKind,
    /// File name inside `OEBPS/`.
    pub file: String,
    /// Plain title for the nav and `<title>` (no note marks).
    pub title: String,
    /// Level-2 entries under this part's nav entry.
    pub children: Vec<NavEntry>,
    /// Folios of the print pages whose `page-N` marker (after the part's prefix) is in this
    /// part, in order.
    pub pages: Vec<u32>,
    /// The complete XHTML document.
    pub xhtml: String,
}

/// Split `doc` into content documents.
pub fn parts(doc: &Document, ctx: &RenderContext) -> Result<Vec<Part>> {
    parts_prefixed(doc, ctx, "")
}

/// [`parts`] with `prefix` before every file name and id (`d2-section-1.xhtml`, `d2-n3`): the
/// documents of a volume share one book. The units of the reading order are written in its
/// order, each once; a part begins at each level-1 heading and at each annex's first unit.
pub fn parts_prefixed(doc: &Document, ctx: &RenderContext, prefix: &str) -> Result<Vec<Part>> {
    let order = &ctx.plan.order;
    let mut groups: Vec<(PartKind, Vec<Place>)> = vec![(PartKind::Title, Vec::new())];
    for &place in order.places() {
        let opens = match place {
            Place::Block(i) => matches!(doc.blocks.get(i), Some(Block::Heading { level: 1, .. }))
                .then_some(PartKind::Section),
            _ => order.opens_annex(place).then_some(PartKind::Annex),
        };
        if let Some(kind) = opens {
            groups.push((kind, Vec::new()));
        }
        groups.last_mut().expect("never empty").1.push(place);
    }
    let breaks = page_breaks(ctx);
    let mut refs = RefIds::default();
    let mut out = Vec::new();
    let mut section = 0;
    for (kind, places) in groups {
        let Some(&first) = places.first() else {
            continue;
        };
        let notes_annex = matches!(
            first,
            Place::NotesLabel | Place::NotesTitle | Place::NotesEntry(_)
        );
        let file = match kind {
            PartKind::Title => format!("{prefix}title.xhtml"),
            _ if notes_annex => format!("{prefix}annex.xhtml"),
            _ => {
                section += 1;
                format!("{prefix}section-{section}.xhtml")
            }
        };
        let number = section + usize::from(notes_annex);
        let mut w = PartWriter::new(doc, ctx, &file, number, &mut refs, &breaks, prefix);
        if notes_annex {
            w.body.push_str("<section class=\"annex\">\n");
        }
        for &place in &places {
            w.place(place);
            w.unit(place)?;
        }
        if notes_annex {
            w.body.push_str("</section>\n");
        }
        let text = |p| ctx.plan.text(doc, p).unwrap_or_default();
        let title = match kind {
            PartKind::Title if !doc.title().is_empty() => doc.title(),
            PartKind::Annex if notes_annex => {
                let annex = doc.annex.as_ref().ok_or_else(|| mismatch("epub", first))?;
                if annex.title.is_empty() {
                    annex.label.clone()
                } else {
                    annex.title.clone()
                }
            }
            // An annex in the text: its label and title.
            PartKind::Annex => places
                .iter()
                .take_while(|p| matches!(p, Place::AnnexLabel(_) | Place::AnnexTitle(_)))
                .map(|&p| text(p))
                .collect(),
            _ => text(first),
        };
        out.push(w.finish(kind, title));
    }
    // Every page break of the print layout is marked once: a place the layout set and this
    // edition did not would lose its marks.
    let planned: usize = breaks.values().map(Vec::len).sum();
    let marked: usize = out.iter().map(|p| p.pages.len()).sum();
    if planned != marked {
        return Err(Error::render(
            "epub",
            format!("internal error: {planned} print page breaks, {marked} marked"),
        ));
    }
    Ok(out)
}

/// Reference ids across the whole edition: the first reference to note 7 is `r7`, a second one
/// (which should not happen) `r7-2`, so ids stay unique.
#[derive(Default)]
struct RefIds {
    seen: BTreeMap<u32, u32>,
}

impl RefIds {
    fn next(&mut self, number: u32) -> String {
        let count = self.seen.entry(number).or_insert(0);
        *count += 1;
        if *count == 1 {
            format!("r{number}")
        } else {
            format!("r{number}-{count}")
        }
    }
}

/// The print page breaks to mark, by place: (offset in the place's EPUB text, folio), in page
/// order.
type Breaks = BTreeMap<Place, Vec<(usize, u32)>>;

/// Where each page of the print layout begins, in the EPUB's text. A page without body text
/// (carried-over notes only) is marked where the next one begins; one at the very end, at the
/// end of the last place.
fn page_breaks(ctx: &RenderContext) -> Breaks {
    let mut out = Breaks::new();
    let Some(layout) = ctx.layout else {
        return out;
    };
    let mut waiting = Vec::new();
    let mut last = None;
    for (i, start) in layout.starts.iter().enumerate() {
        waiting.push((layout.first_folio + i) as u32);
        if let Some(start) = start {
            // The plan sets every place's text alike in both editions, so the layout's
            // offset is the EPUB's.
            let at = (start.place, start.offset);
            out.entry(at.0)
                .or_default()
                .extend(waiting.drain(..).map(|n| (at.1, n)));
            last = Some(at.0);
        }
    }
    if let Some(place) = last {
        out.entry(place)
            .or_default()
            .extend(waiting.into_iter().map(|n| (usize::MAX, n)));
    }
    out
}

struct PartWriter<'a> {
    doc: &'a Document,
    ctx: &'a RenderContext<'a>,
    file: String,
    section: usize,
    refs: &'a mut RefIds,
    /// Before every id (the document's place in a volume; empty for one report).
    prefix: &'a str,
    body: String,
    /// Notes referenced in this part, in order of first reference, with that reference's id.
    notes: Vec<(u32, String)>,
    children: Vec<NavEntry>,
    level2: usize,
    pages: Vec<u32>,
    breaks: &'a Breaks,
    /// Page breaks still to mark in the current place, and its characters written so far.
    pending: std::collections::VecDeque<(usize, u32)>,
    written: usize,
}

impl<'a> PartWriter<'a> {
    fn new(
        doc: &'a Document,
        ctx: &'a RenderContext<'a>,
        file: &str,
        section: usize,
        refs: &'a mut RefIds,
        breaks: &'a Breaks,
        prefix: &'a str,
    ) -> Self {
        PartWriter {
            doc,
            ctx,
            file: file.to_string(),
            section,
            refs,
            prefix,
            body: String::new(),
            notes: Vec::new(),
            children: Vec::new(),
            level2: 0,
            pages: Vec::new(),
            breaks,
            pending: Default::default(),
            written: 0,
        }
    }

    /// Start writing `place`: its page breaks become pending.
    fn place(&mut self, place: Place) {
        self.pending = self.breaks.get(&place).cloned().unwrap_or_default().into();
        self.written = 0;
    }

    /// Write the unit at `place`.
    fn unit(&mut self, place: Place) -> Result<()> {
        let (doc, plan) = (self.doc, self.ctx.plan);
        let missing = || mismatch("epub", place);
        match place {
            Place::Block(i) => match doc.blocks.get(i).ok_or_else(missing)? {
                Block::Annex { .. } => return Err(missing()),
                b => self.block(b),
            },
            Place::AnnexLabel(i) => {
                let (label, _) = reading::annex_block(doc, i).ok_or_else(missing)?;
                self.element("p", "annex-label", None, label);
            }
            Place::AnnexTitle(i) => {
                let (_, title) = reading::annex_block(doc, i).ok_or_else(missing)?;
                self.element("h2", "annex-title", None, title);
            }
            Place::NotesLabel | Place::NotesTitle => {
                let annex = doc.annex.as_ref().ok_or_else(missing)?;
                match place {
                    Place::NotesLabel => self.text_element("p", "annex-label", &annex.label),
                    _ => self.text_element("h2", "annex-title", &annex.title),
                }
            }
            Place::NotesEntry(i) => {
                let (_, e) = reading::notes_entry(doc, i).ok_or_else(missing)?;
                self.body.push_str("<p class=\"entry\">");
                for span in plan.annex_entry(e) {
                    if span.role == plan.roles.body {
                        self.text(&span.text);
                    } else {
                        self.body.push_str("<span class=\"term\">");
                        self.text(&span.text);
                        self.body.push_str("</span>");
                    }
                }
                self.marks_due(true);
                self.body.push_str("</p>\n");
            }
        }
        Ok(())
    }

    /// Mark every pending page break at or before the current character.
    fn marks_due(&mut self, all: bool) {
        while let Some(&(offset, n)) = self.pending.front() {
            if !all && offset > self.written {
                break;
            }
            self.pending.pop_front();
            let _ = write!(
                self.body,
                "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"{}page-{n}\" aria-label=\"{n}\"/>",
                self.prefix
            );
            self.pages.push(n);
        }
    }

    /// Text of the current place, with its page breaks.
    fn text(&mut self, t: &str) {
        if self.pending.is_empty() {
            self.body.push_str(&escape(t));
            self.written += t.chars().count();
            return;
        }
        let mut buf = [0u8; 4];
        for c in t.chars() {
            self.marks_due(false);
            self.body.push_str(&escape(c.encode_utf8(&mut buf)));
            self.written += 1;
        }
    }

    /// `<tag class="class">text</tag>` for text without inlines (the annex).
    fn text_element(&mut self, tag: &str, class: &str, text: &str) {
        let _ = write!(self.body, "<{tag} class=\"{class}\">");
        self.text(text);
        self.marks_due(true);
        let _ = writeln!(self.body, "</{tag}>");
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Title(c) => self.element("h1", "title", None, c),
            Block::Subtitle(c) => self.element("p", "subtitle", None, c),
            Block::Salutation(c) => self.element("p", "salutation", None, c),
            Block::Attachment { content, .. } => self.element("p", "attachment", None, content),
            // Set as its label and title units (`unit`).
            Block::Annex { .. } => {}
            Block::Heading { level, content } => {
                let level = (*level).clamp(1, 4);
                let id = match level {
                    1 => Some(format!("{}h{}", self.prefix, self.section)),
                    2 => Some(self.level2_entry(content)),
                    _ => None,
                };
                let tag = format!("h{}", level + 1);
                let class = format!("h{level}");
                self.element(&tag, &class, id.as_deref(), content);
            }
            Block::Paragraph { lead, content } => {
                self.body.push_str("<p>");
                if let Some(lead) = lead {
                    let level = lead.level.clamp(1, 4);
                    let id = (level == 2).then(|| self.level2_entry(&lead.content));
                    let _ = write!(self.body, "<span class=\"lead lead-{level}\"");
                    if let Some(id) = id {
                        let _ = write!(self.body, " id=\"{id}\"");
                    }
                    self.body.push('>');
                    self.inlines(&lead.content);
                    self.body.push_str("</span>");
                }
                self.inlines(content);
                self.marks_due(true);
                self.body.push_str("</p>\n");
            }
        }
    }

    /// Register a level-2 nav entry and return its id.
    fn level2_entry(&mut self, content: &[Inline]) -> String {
        self.level2 += 1;
        let id = format!("{}h{}-{}", self.prefix, self.section, self.level2);
        self.children.push(NavEntry {
            href: format!("{}#{id}", self.file),
            title: plain(content),
        });
        id
    }

    fn element(&mut self, tag: &str, class: &str, id: Option<&str>, content: &[Inline]) {
        let _ = write!(self.body, "<{tag} class=\"{class}\"");
        if let Some(id) = id {
            let _ = write!(self.body, " id=\"{id}\"");
        }
        self.body.push('>');
        self.inlines(content);
        self.marks_due(true);
        let _ = writeln!(self.body, "</{tag}>");
    }

    fn inlines(&mut self, content: &[Inline]) {
        for i in content {
            match i {
                Inline::Text(t) => self.text(t),
                Inline::NoteRef(n) => {
                    self.marks_due(false);
                    self.note_ref(*n)
                }
            }
        }
    }

    fn note_ref(&mut self, number: u32) {
        let mark = self.ctx.plan.mark(number);
        if self.doc.note(number).is_none() {
            // A reference without its note: keep the number visible, link nowhere.
            let _ = write!(self.body, "<sup class=\"noteref\">{}</sup>", escape(&mark));
            return;
        }
        let id = format!("{}{}", self.prefix, self.refs.next(number));
        let p = self.prefix;
        let _ = write!(
            self.body,
            "<sup class=\"noteref\"><a epub:type=\"noteref\" role=\"doc-noteref\" class=\"duokan-footnote\" id=\"{id}\" href=\"#{p}n{number}\">{}</a></sup>",
            escape(&mark)
        );
        if !self.notes.iter().any(|(n, _)| *n == number) {
            self.notes.push((number, id));
        }
    }

    fn finish(mut self, kind: PartKind, title: String) -> Part {
        if !self.notes.is_empty() {
            self.body.push_str(
                "<section class=\"notes duokan-footnote-content\" epub:type=\"footnotes\">\n",
            );
            let p = self.prefix;
            for (number, ref_id) in &self.notes {
                let plan = self.ctx.plan;
                let text = plan.footnote(*number).expect("checked when referenced");
                let _ = writeln!(
                    self.body,
                    "<aside epub:type=\"footnote\" role=\"doc-footnote\" id=\"{p}n{number}\" class=\"note duokan-footnote-item\"><p class=\"note-text\"><a role=\"doc-backlink\" href=\"#{ref_id}\">{}</a> {}</p></aside>",
                    escape(&plan.mark(*number)),
                    escape(text)
                );
            }
            self.body.push_str("</section>\n");
        }
        let lang = self.doc.script.bcp47();
        let head_title = if title.is_empty() {
            self.doc.title()
        } else {
            title.clone()
        };
        let xhtml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\">\n\
<head>\n<meta charset=\"utf-8\"/>\n<title>{}</title>\n\
<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n\
<body>\n{}</body>\n</html>\n",
            escape(&head_title),
            self.body
        );
        Part {
            kind,
            file: self.file,
            title,
            children: self.children,
            pages: self.pages,
            xhtml,
        }
    }
}

/// Escape text for XHTML element content and double- or single-quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(escape("a&b<c>d\"e'f+g"), "a&amp;b&lt;c&gt;d&quot;e&#39;f+g");
    }

    #[test]
    fn repeated_reference_gets_a_new_id() {
        let mut r = RefIds::default();
        assert_eq!(r.next(7), "r7");
        assert_eq!(r.next(8), "r8");
        assert_eq!(r.next(7), "r7-2");
    }
}
