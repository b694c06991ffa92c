//! A session pack's editions: the documents of one meeting as one volume (cover, contents, each
//! document on its own). Each writer lays the volume out its own way; the PDF one is here.
pub use super::binding::Volume;
use super::RenderContext;
use crate::edition::Format;
use crate::error::Result;

/// Render every edition asked for, in parallel: the EPUB beside the PDF layout (computed once,
/// since the DOCX contents shows the folios the PDF prints), then the PDF and DOCX.
pub fn render_all(
    formats: &[Format],
    volume: &Volume,
    ctx: &RenderContext,
) -> Result<Vec<(Format, Vec<u8>)>> {
    use rayon::prelude::*;
    let wants = |f: Format| formats.contains(&f);
    let (laid, epub) = rayon::join(
        || {
            (wants(Format::Pdf) || wants(Format::Docx)).then(|| {
                crate::layout::volume::volume(
                    &volume.cover(),
                    &volume.parts(),
                    volume.continuous,
                    ctx.style,
                    ctx.fonts,
                )
            })
        },
        || {
            wants(Format::Epub)
                .then(|| {
                    super::epub::volume::render(volume, ctx)
                        .and_then(|b| super::xml_check::zip_parts("epub", &b).map(|_| b))
                })
                .transpose()
        },
    );
    let mut epub = epub?;
    let paged: Vec<(Format, Vec<u8>)> = formats
        .par_iter()
        .filter_map(|&format| {
            let laid = laid.as_ref()?;
            let bytes = match format {
                Format::Pdf => pdf(volume, &laid.pages, ctx),
                Format::Docx => {
                    let folios: Vec<usize> = laid.parts.iter().map(|p| p.folio).collect();
                    super::docx::volume::render(volume, &folios, ctx)
                        .and_then(|b| super::xml_check::zip_parts("docx", &b).map(|_| b))
                }
                Format::Epub => return None,
            };
            Some(bytes.map(|b| (format, b)))
        })
        .collect::<Result<_>>()?;
    let mut paged = paged.into_iter();
    // In the order asked for.
    Ok(formats
        .iter()
        .filter_map(|&f| match f {
            Format::Epub => epub.take().map(|b| (f, b)),
            _ => paged.next(),
        })
        .collect())
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
