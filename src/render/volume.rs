//! A session pack's editions: the documents of one meeting as one volume (cover, contents, each
//! document on its own). Each writer lays the volume out its own way; the PDF one is here.
use super::RenderContext;
use crate::edition::Format;
use crate::error::Result;
use crate::layout::volume::{Cover, Part};
use crate::model::{Document, Script};
use crate::present::Plan;

/// What a volume holds, in the order it is bound.
pub struct Volume {
    pub title: String,
    pub subtitle: Option<String>,
    pub issuer: Option<String>,
    /// Folios run on across documents (else each document starts at 1).
    pub continuous: bool,
    /// Each document with its label.
    pub documents: Vec<(Option<String>, Document)>,
    /// Each document's presentation plan (in the order of `documents`).
    pub plans: Vec<Plan>,
}

impl Volume {
    /// The script of the volume's own words (contents heading): the first document's.
    pub fn script(&self) -> Script {
        self.documents
            .first()
            .map(|(_, d)| d.script)
            .unwrap_or(Script::Hans)
    }

    pub fn cover(&self) -> Cover<'_> {
        Cover {
            title: &self.title,
            subtitle: self.subtitle.as_deref(),
            issuer: self.issuer.as_deref(),
            contents: match self.script() {
                Script::Hans => "\u{76EE}\u{5F55}",
                Script::Hant => "\u{76EE}\u{9304}",
            },
        }
    }

    pub fn parts(&self) -> Vec<Part<'_>> {
        self.documents
            .iter()
            .zip(&self.plans)
            .map(|((label, doc), plan)| Part {
                label: label.as_deref(),
                doc,
                plan,
            })
            .collect()
    }

    /// The render context of document `k`: the volume's, with that document's plan.
    pub fn context<'a>(&'a self, k: usize, ctx: &RenderContext<'a>) -> RenderContext<'a> {
        RenderContext {
            style: ctx.style,
            fonts: ctx.fonts,
            plan: &self.plans[k],
            epoch: ctx.epoch,
            layout: None,
        }
    }
}

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
                .then(|| super::epub::volume::render(volume, ctx))
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
