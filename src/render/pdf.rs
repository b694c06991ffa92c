//! The PDF edition: the one place where layout and drawing meet.
use super::RenderContext;
use crate::error::Result;
use crate::model::Document;

pub fn render(doc: &Document, ctx: &RenderContext) -> Result<Vec<u8>> {
    let owned;
    let pages = match ctx.layout {
        Some(pages) => pages,
        None => {
            owned = crate::layout::layout(doc, ctx.style, ctx.fonts, ctx.plan)?;
            &owned
        }
    };
    let front = crate::front_matter::of(doc);
    let meta = crate::pdf::Meta {
        title: doc.title(),
        subject: front.meeting,
        author: front.speaker,
        lang: doc.script.bcp47().to_string(),
        epoch: ctx.epoch,
    };
    crate::pdf::write(pages, &ctx.fonts.faces, &meta)
}
