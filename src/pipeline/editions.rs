//! One document's editions: font subsets cut from the document's plan, the print layout once
//! (the PDF draws it, the EPUB marks its page starts), the writers in parallel, each edition
//! written through the run's [`Destination`].
use super::written::Destination;
use super::Prepared;
use crate::edition::{name, Format};
use crate::error::Result;
use crate::fonts::FontBook;
use crate::style::Style;
use crate::{audit, layout, render};
use rayon::prelude::*;
use std::path::PathBuf;

/// Where editions go and what they are called.
#[derive(Debug, Clone)]
pub struct Output {
    pub dir: PathBuf,
    pub formats: Vec<Format>,
    /// File stem (`--name`, single report only).
    pub name: Option<String>,
}

/// One edition written (or failed).
#[derive(Debug)]
pub struct Written {
    pub format: Format,
    pub result: Result<PathBuf>,
}

/// Render the editions `out` asks for of one prepared document and write each atomically into
/// `out.dir` (checked first), named by [`name::stems`] from the document alone (or `out.name`).
pub fn write_editions(
    prepared: &Prepared,
    style: &Style,
    fonts: &FontBook,
    out: &Output,
) -> Result<Vec<Written>> {
    if let Some(given) = &out.name {
        name::check_given(given)?;
    }
    let dest = Destination::open(&out.dir)?;
    let stem = name::stems(&[prepared.name_source()], out.name.as_deref()).remove(0);
    write_to(prepared, style, fonts, &dest, &out.formats, &stem)
}

/// Render the `formats` of one prepared document in parallel and write each, named `stem`,
/// atomically into `dest`.
pub(super) fn write_to(
    prepared: &Prepared,
    style: &Style,
    fonts: &FontBook,
    dest: &Destination,
    formats: &[Format],
    stem: &str,
) -> Result<Vec<Written>> {
    let plan = &prepared.plan;
    let subsets = fonts.subset(&plan.usage)?;
    // The print layout, once: the PDF draws it, the EPUB marks its page breaks.
    let paged = formats
        .iter()
        .any(|f| matches!(f, Format::Pdf | Format::Epub));
    let pages = match paged {
        true => Some(layout::layout(&prepared.doc, style, &subsets, plan)?),
        false => None,
    };
    let ctx = render::RenderContext {
        style,
        fonts: &subsets,
        plan,
        epoch: render::epoch_of(&prepared.doc),
        layout: pages.as_ref(),
    };
    let audited = audit::Edition {
        name: &prepared.report.input.path,
        doc: &prepared.doc,
        plan,
        pages: pages.as_ref(),
        subsets: &subsets,
    };
    Ok(formats
        .par_iter()
        .map(|&format| {
            let path = dest.path(stem, format.extension());
            let result = render::render(format, &prepared.doc, &ctx)
                .and_then(|bytes| audit::edition(format, &bytes, &audited).map(|_| bytes))
                .and_then(|bytes| dest.put(&path, &bytes).map(|_| path));
            Written { format, result }
        })
        .collect())
}
