//! The EPUB 3 edition for phones: one XHTML content document per level-1 section (after a title
//! part, before the appended attachment), footnotes as pop-up asides in the same document, the
//! shared font subsets embedded with `@font-face`, and a package that is byte-identical across
//! runs.
//!
//! - [`xhtml`]: the document model → content documents (parts) and their navigation entries.
//! - [`css`]: the stylesheet (font faces from the subsets, rules for small screens).
//! - [`package`]: epub-builder with a fixed-timestamp `Zip`, metadata, nav and landmarks.
use super::RenderContext;
use crate::error::Result;
use crate::model::Document;

pub mod css;
pub mod package;
pub mod volume;
pub mod xhtml;

/// Render the EPUB edition of `doc`.
pub fn render(doc: &Document, ctx: &RenderContext) -> Result<Vec<u8>> {
    let parts = xhtml::parts(doc, ctx)?;
    let stylesheet = css::stylesheet(ctx);
    package::build(doc, ctx, &parts, &stylesheet)
}
