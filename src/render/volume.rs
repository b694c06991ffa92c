//! A session pack's editions: the documents of one meeting as one volume (cover, contents, each
//! document on its own). The PDF volume is laid out once; the DOCX and EPUB take its folios.
pub use super::volume_plan::Volume;
use super::RenderContext;
use crate::edition::Format;
use crate::error::Result;

/// Each edition's bytes, in the order asked for.
pub type Rendered = Vec<(Format, Vec<u8>)>;

/// Render every edition asked for (and return the PDF volume's layout, for the audit): the PDF volume's layout first (computed once: the DOCX
/// contents shows the folios the PDF prints, the EPUB marks where its pages begin), then the
/// editions in parallel.
pub fn render_all(
    formats: &[Format],
    volume: &Volume,
    ctx: &RenderContext,
) -> Result<(Rendered, crate::layout::volume::Volume)> {
    use rayon::prelude::*;
    let laid = crate::layout::volume::volume(
        &volume.plan,
        &volume.parts(),
        volume.continuous,
        ctx.style,
        ctx.fonts,
    )?;
    // In the order asked for (`par_iter` keeps it).
    let rendered = formats
        .par_iter()
        .map(|&format| {
            let bytes = match format {
                Format::Pdf => pdf(volume, &laid.pages, ctx),
                Format::Docx => {
                    let folios: Vec<usize> = laid.parts.iter().map(|p| p.folio).collect();
                    super::docx::volume::render(volume, &folios, ctx)
                        .and_then(|b| super::xml_check::zip_parts("docx", &b).map(|_| b))
                }
                Format::Epub => super::epub::volume::render(volume, &laid.parts, ctx)
                    .and_then(|b| super::xml_check::zip_parts("epub", &b).map(|_| b)),
            };
            bytes.map(|b| (format, b))
        })
        .collect::<Result<_>>()?;
    Ok((rendered, laid))
}

fn pdf(
    volume: &Volume,
    pages: &crate::layout::frame::Pages,
    ctx: &RenderContext,
) -> Result<Vec<u8>> {
    let meta = crate::pdf::Meta {
        title: volume.title.clone(),
        subject: volume.subtitle.clone(),
        author: volume.issuer.clone(),
        lang: volume.script().bcp47().to_string(),
        epoch: ctx.epoch,
    };
    crate::pdf::write(pages, &ctx.fonts.faces, &meta)
}
