//! The EPUB of a session pack: one book. A cover page, then each document's own content
//! documents (file names and ids prefixed `d1-`, `d2-`… so they stay unique across the book);
//! the navigation has one entry per document with its sections and level-2 headings nested;
//! one stylesheet and one set of font subsets for all documents. The print page list spans the
//! PDF volume: each document's pages are marked `d1-page-N`, `d2-page-N`… (N its printed folio);
//! with folios running on, a blank left-hand page between documents has an entry pointing at the
//! next document's start.
use super::super::volume_plan::Volume;
use super::super::RenderContext;
use super::css;
use super::package::{identifier, package, print_source, Book};
use super::xhtml::parts_prefixed;
use crate::error::Result;
use crate::layout::frame::Pages;
use crate::layout::volume::Placement;
use epub_builder::{EpubContent, ReferenceType, TocElement};
use sha2::{Digest, Sha256};

/// Render the volume's EPUB. `placements`: where the PDF volume set each document; the book
/// carries the PDF volume's page list (ids `d2-page-1`, labels the folios printed).
pub fn render(volume: &Volume, placements: &[Placement], ctx: &RenderContext) -> Result<Vec<u8>> {
    let cover = volume.plan.cover_document(volume.script());
    // The cover is a document of its own, with its own plan (its reading order).
    let cover_plan = crate::present::Plan::for_subsets(&cover, ctx.style, ctx.fonts);
    let cover_ctx = RenderContext {
        plan: &cover_plan,
        layout: None,
        ..*ctx
    };
    let mut files = vec![(parts_prefixed(&cover, &cover_ctx, "cover-")?, None)];
    // Each document's page starts and first folio (the EPUB reads no frames).
    let layouts: Vec<Pages> = placements
        .iter()
        .map(|p| Pages {
            frames: Vec::new(),
            outline: Vec::new(),
            starts: p.starts.clone(),
            first_folio: p.folio,
            labels: Vec::new(),
        })
        .collect();
    for (k, (_, doc)) in volume.documents.iter().enumerate() {
        let ctx = volume.context(k, ctx, layouts.get(k));
        files.push((parts_prefixed(doc, &ctx, &format!("d{}-", k + 1))?, Some(k)));
    }
    let blanks = blank_pages(volume, placements);
    let entries: Vec<String> = volume.plan.entries.iter().map(|e| e.text()).collect();
    let mut contents = Vec::new();
    for (parts, k) in &files {
        // The first part carries the document's nav entry; the others nest under it.
        let mut nested: Vec<TocElement> = Vec::new();
        for part in parts.iter().skip(1) {
            let mut e = TocElement::new(part.file.clone(), part.title.clone());
            for child in &part.children {
                e = e.child(TocElement::new(child.href.clone(), child.title.clone()));
            }
            nested.push(e);
        }
        for (i, part) in parts.iter().enumerate() {
            let mut content = EpubContent::new(part.file.clone(), part.xhtml.as_bytes());
            if i == 0 {
                let title = match k {
                    Some(k) => entries[*k].clone(),
                    None => volume.title.clone(),
                };
                content = content.title(title);
                for child in part.children.iter() {
                    content =
                        content.child(TocElement::new(child.href.clone(), child.title.clone()));
                }
                for e in nested.drain(..) {
                    content = content.child(e);
                }
                content = match k {
                    None => content.reftype(ReferenceType::Cover),
                    Some(0) => content.reftype(ReferenceType::Text),
                    Some(_) => content,
                };
            }
            // Ids carry the document's prefix: per-document folios repeat labels.
            let mut pages: Vec<(String, String)> = part
                .pages
                .iter()
                .map(|n| {
                    let prefix = k.map(|k| format!("d{}-", k + 1)).unwrap_or_default();
                    (n.to_string(), format!("{}#{prefix}page-{n}", part.file))
                })
                .collect();
            if let (0, Some(k)) = (i, k) {
                if let Some(Some(n)) = blanks.before.get(*k) {
                    pages.insert(0, (n.to_string(), part.file.clone()));
                }
            }
            contents.push((content, pages));
        }
    }
    if let Some(n) = blanks.after_last {
        if let Some((_, pages)) = contents.iter_mut().rev().find(|(_, p)| !p.is_empty()) {
            let last = pages.last().expect("not empty").1.clone();
            pages.push((n.to_string(), last));
        }
    }
    let paged = files
        .iter()
        .any(|(parts, _)| parts.iter().any(|p| !p.pages.is_empty()));
    let book = Book {
        title: &volume.title,
        script: volume.script(),
        toc_name: &volume.plan.contents.text,
        identifier: volume_identifier(volume),
        source: paged.then(|| print_source(&volume.title, ctx)),
        author: volume.issuer.clone(),
        description: volume.subtitle.clone(),
        date: None,
    };
    let stylesheet = css::stylesheet(ctx);
    package(&book, ctx, &stylesheet, contents)
}

/// The blank left-hand pages the PDF volume adds after a document with an odd number of pages,
/// when folios run on across documents: they are numbered, so the page list has them too.
struct Blanks {
    /// By document: the folio of the blank page before it, pointing at the document's start.
    before: Vec<Option<usize>>,
    /// The blank page after the last document, pointing at that document's last page.
    after_last: Option<usize>,
}

fn blank_pages(volume: &Volume, placements: &[Placement]) -> Blanks {
    let after = |p: &Placement| (volume.continuous && p.pages % 2 == 1).then(|| p.folio + p.pages);
    let mut before = vec![None];
    before.extend(placements.windows(2).map(|w| after(&w[0])));
    Blanks {
        before,
        after_last: placements.last().and_then(after),
    }
}

/// The book's identifier: SHA-256 over the volume title and every document's own identifier.
fn volume_identifier(volume: &Volume) -> uuid::Uuid {
    let mut h = Sha256::new();
    h.update(volume.title.as_bytes());
    for (label, doc) in &volume.documents {
        h.update([0]);
        h.update(label.as_deref().unwrap_or("").as_bytes());
        h.update(identifier(doc).as_bytes());
    }
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}
