//! A session pack's editions: the documents of one meeting as one volume (cover, contents, each
//! document on its own). Each writer lays the volume out its own way; the PDF one is here.
use super::RenderContext;
use crate::edition::Format;
use crate::error::{Error, Result};
use crate::layout::volume::{Cover, Part};
use crate::model::{Document, Script};

/// What a volume holds, in the order it is bound.
pub struct Volume {
    pub title: String,
    pub subtitle: Option<String>,
    pub issuer: Option<String>,
    /// Folios run on across documents (else each document starts at 1).
    pub continuous: bool,
    /// Each document with its label.
    pub documents: Vec<(Option<String>, Document)>,
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
            .map(|(label, doc)| Part {
                label: label.as_deref(),
                doc,
            })
            .collect()
    }
}

/// The formats a volume is written in so far.
pub const FORMATS: [Format; 2] = [Format::Pdf, Format::Epub];

/// Render one edition of the volume.
pub fn render(format: Format, volume: &Volume, ctx: &RenderContext) -> Result<Vec<u8>> {
    match format {
        Format::Pdf => pdf(volume, ctx),
        Format::Epub => super::epub::volume::render(volume, ctx),
        other => Err(Error::Usage(format!(
            "pack: the {} edition of a volume is not written yet (pdf and epub only)",
            other.extension()
        ))),
    }
}

fn pdf(volume: &Volume, ctx: &RenderContext) -> Result<Vec<u8>> {
    let laid = crate::layout::volume::volume(
        &volume.cover(),
        &volume.parts(),
        volume.continuous,
        ctx.style,
        ctx.fonts,
    );
    let meta = crate::pdf::Meta {
        title: volume.title.clone(),
        subject: volume
            .subtitle
            .clone()
            .unwrap_or_else(|| volume.title.clone()),
        lang: volume.script().bcp47().to_string(),
        epoch: ctx.epoch,
    };
    crate::pdf::write(&laid.pages, &ctx.fonts.faces, &meta)
}
