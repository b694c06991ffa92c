//! The PDF edition: the one place where layout and drawing meet.
use super::RenderContext;
use crate::error::Result;
use crate::model::{Block, Document};

pub fn render(doc: &Document, ctx: &RenderContext) -> Result<Vec<u8>> {
    let owned;
    let pages = match ctx.layout {
        Some(pages) => pages,
        None => {
            owned = crate::layout::layout(doc, ctx.style, ctx.fonts, ctx.plan);
            &owned
        }
    };
    let meta = crate::pdf::Meta {
        title: doc.title.clone(),
        // The date/speaker line under the title, else the title.
        subject: doc
            .blocks
            .iter()
            .find_map(|b| match b {
                Block::Subtitle(_) => Some(b.text()),
                _ => None,
            })
            .unwrap_or_else(|| doc.title.clone()),
        lang: doc.script.bcp47().to_string(),
        epoch: ctx.epoch,
    };
    crate::pdf::write(pages, &ctx.fonts.faces, &meta)
}
