//! Writers: each edition in its own module, none importing another. A writer turns the shared
//! document and the shared services (style, font subsets) into the edition's bytes; the library
//! writes them atomically.
use crate::edition::Format;
use crate::error::Result;
use crate::fonts::Subsets;
use crate::model::Document;
use crate::present::Plan;
use crate::style::Style;

pub mod docx;
pub mod epub;
pub mod pdf;
pub mod volume;
pub mod volume_plan;
mod xml_check;

/// What every writer gets, computed once per run.
pub struct RenderContext<'a> {
    pub style: &'a Style,
    pub fonts: &'a Subsets,
    /// The presentation plan: marks, footnote text, font roles, folios.
    pub plan: &'a Plan,
    /// Seconds since the Unix epoch for every date the edition carries: `SOURCE_DATE_EPOCH` when
    /// set, else [`FIXED_EPOCH`], so reruns give identical bytes.
    pub epoch: i64,
    /// The print layout, computed once per run when the PDF or the EPUB is written: the PDF
    /// draws it, the EPUB marks where its pages begin (its page list). `None`: the PDF lays
    /// out for itself and the EPUB has no page list.
    pub layout: Option<&'a crate::layout::frame::Pages>,
}

/// 2000-01-01T00:00:00Z.
pub const FIXED_EPOCH: i64 = 946_684_800;

/// `SOURCE_DATE_EPOCH` when set and valid, else [`FIXED_EPOCH`].
pub fn epoch_from_env() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(FIXED_EPOCH)
}

/// Render one edition.
pub fn render(format: Format, doc: &Document, ctx: &RenderContext) -> Result<Vec<u8>> {
    match format {
        Format::Pdf => pdf::render(doc, ctx),
        Format::Epub => {
            epub::render(doc, ctx).and_then(|b| xml_check::zip_parts("epub", &b).map(|_| b))
        }
        Format::Docx => {
            docx::render(doc, ctx).and_then(|b| xml_check::zip_parts("docx", &b).map(|_| b))
        }
    }
}
