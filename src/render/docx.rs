//! The DOCX edition.
use super::RenderContext;
use crate::error::{Error, Result};
use crate::model::Document;

pub fn render(_doc: &Document, _ctx: &RenderContext) -> Result<Vec<u8>> {
    Err(Error::render("docx", "not yet available"))
}
