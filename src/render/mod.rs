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
    /// Seconds since the Unix epoch for every date the edition carries ([`epoch_for`]):
    /// `SOURCE_DATE_EPOCH` when set, else the report's own date, else [`FIXED_EPOCH`], so reruns
    /// give identical bytes.
    pub epoch: i64,
    /// The print layout, computed once per run when the PDF or the EPUB is written: the PDF
    /// draws it, the EPUB marks where its pages begin (its page list). `None`: the PDF lays
    /// out for itself and the EPUB has no page list.
    pub layout: Option<&'a crate::layout::frame::Pages>,
}

/// 2000-01-01T00:00:00Z: the date of editions whose text gives none.
pub const FIXED_EPOCH: i64 = 946_684_800;

/// The editions' date: `SOURCE_DATE_EPOCH` when set and valid; else midnight UTC of `date`, the
/// text's own date (a report's date line, `2024年3月5日` → 2024-03-05); else [`FIXED_EPOCH`].
pub fn epoch_for(date: Option<(i32, u32, u32)>) -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| match date {
            Some((y, m, d)) => crate::date::from_civil(y, m, d),
            None => FIXED_EPOCH,
        })
}

/// The date of a report's editions: [`epoch_for`] its front matter's date.
pub fn epoch_of(doc: &Document) -> i64 {
    epoch_for(crate::front_matter::of(doc).date)
}

/// The date of a volume's editions: [`epoch_for`] the date in the manifest's subtitle
/// (`2024年1月10日`; a month alone, `2024年1月`, names no day), else the latest of its
/// documents' dates.
pub fn epoch_of_volume<'a>(
    subtitle: Option<&str>,
    documents: impl IntoIterator<Item = &'a Document>,
) -> i64 {
    let date = subtitle.and_then(crate::front_matter::date_of).or_else(|| {
        documents
            .into_iter()
            .filter_map(|d| crate::front_matter::of(d).date)
            .max()
    });
    epoch_for(date)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editions_are_dated_by_the_text_else_2000() {
        if std::env::var_os("SOURCE_DATE_EPOCH").is_some() {
            return;
        }
        assert_eq!(epoch_for(Some((2024, 3, 5))), 1_709_596_800);
        assert_eq!(epoch_for(None), FIXED_EPOCH);
        // A volume: the subtitle's full date, else the latest document's.
        let dated = |d: &str| {
            Document::new(vec![crate::model::Block::Subtitle(vec![
                crate::model::Inline::Text(format!(
                    "\u{2014}\u{2014}{d}在某县人民代表大会第一次会议上"
                )),
            ])])
        };
        let docs = [
            dated("2024年1月8日"),
            dated("2024年1月10日"),
            Document::new(vec![]),
        ];
        assert_eq!(
            epoch_of_volume(Some("2024年1月"), &docs),
            epoch_for(Some((2024, 1, 10)))
        );
        assert_eq!(
            epoch_of_volume(Some("2024年1月9日"), &docs),
            epoch_for(Some((2024, 1, 9)))
        );
        assert_eq!(epoch_of_volume(None, &docs[2..]), FIXED_EPOCH);
    }
}
