//! `baogao pack` and `baogao check MANIFEST`: the documents of one session (a `pack.toml`
//! manifest) through the same path as `build`: the output folder checked before any work, each
//! document prepared (its label part of it, its plan built once), stale temporary files
//! cleared, the volume's editions rendered, named as `build` names (fitted to the file-name
//! limit) and written atomically. A document that fails stops the pack before anything is
//! written.
use super::written::Destination;
use super::{prepare, Options, Prepared};
use crate::audit;
use crate::edition::{name, Format};
use crate::error::{Error, Result};
use crate::fonts::{FontBook, Usage};
use crate::pack::{Folios, Manifest, PackOptions, PackReport, Packed};
use crate::passes::structure::title::TitleKey;
use crate::present::volume::VolumePlan;
use crate::render::volume::{self, Volume};
use crate::render::{epoch_of_volume, RenderContext};
use crate::style::Style;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

struct Loaded {
    manifest: Manifest,
    style: Style,
    fonts: FontBook,
    documents: Vec<Prepared>,
}

/// Read the manifest, then every document (in parallel); the first failure in manifest order
/// is the error, naming the document.
fn load(path: &Path, opts: &PackOptions) -> Result<Loaded> {
    let manifest = Manifest::read(path)?;
    let style =
        Style::load(&manifest.style).map_err(|e| Error::input(path, format!("style: {e}")))?;
    let fonts = FontBook::load(&style)?;
    let documents = manifest
        .documents
        .par_iter()
        .enumerate()
        .map(|(k, d)| {
            let o = Options {
                notes: d.notes.clone(),
                script: opts.script,
                strict: opts.strict,
                no_repair: opts.no_repair,
                title: d.title.clone(),
                label: d.label.clone(),
                subtitle: d.subtitle.clone(),
                title_key: TitleKey::Manifest(k + 1),
            };
            prepare(&d.report, &o, &style, &fonts)
        })
        .collect::<Vec<_>>()
        .into_iter()
        .enumerate()
        .map(|(k, r)| {
            r.map_err(|e| Error::Document {
                manifest: path.to_path_buf(),
                document: manifest.name_of(k),
                source: Box::new(e),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Loaded {
        manifest,
        style,
        fonts,
        documents,
    })
}

/// `baogao check MANIFEST`.
pub fn check(path: &Path, opts: &PackOptions) -> Result<PackReport> {
    let l = load(path, opts)?;
    let m = l.manifest;
    Ok(PackReport {
        manifest: path.to_path_buf(),
        title: m.title,
        subtitle: m.subtitle,
        issuer: m.issuer,
        style: m.style,
        folios: m.folios,
        documents: l.documents.into_iter().map(|p| p.report).collect(),
    })
}

/// `baogao pack MANIFEST`: every edition rendered in parallel, then written (atomically) only
/// when all of them rendered.
pub fn build(path: &Path, opts: &PackOptions, dir: &Path, formats: &[Format]) -> Result<Packed> {
    let dest = Destination::open(dir)?;
    let l = load(path, opts)?;
    dest.clear_stale();
    let m = &l.manifest;
    let warnings = m
        .documents
        .iter()
        .zip(&l.documents)
        .flat_map(|(d, p)| {
            p.report
                .warnings
                .iter()
                .map(move |w| format!("{}: {w}", d.report.display()))
        })
        .collect();
    let (documents, plans): (Vec<_>, Vec<_>) = l
        .documents
        .into_iter()
        .zip(&m.documents)
        .map(|(p, d)| ((d.label.clone(), p.doc), p.plan))
        .unzip();
    let script = documents
        .first()
        .map_or(crate::model::Script::Hans, |(_, d)| d.script);
    let entries: Vec<_> = documents
        .iter()
        .map(|(label, doc)| (label.clone(), doc.title()))
        .collect();
    let plan = VolumePlan::new(
        &l.style,
        script,
        &m.title,
        m.subtitle.as_deref(),
        m.issuer.as_deref(),
        &entries,
    );
    let vol = Volume {
        title: m.title.clone(),
        subtitle: m.subtitle.clone(),
        issuer: m.issuer.clone(),
        continuous: m.folios == Folios::Continuous,
        documents,
        plans,
        plan,
    };
    // One set of subsets for the whole volume.
    let mut u = Usage::default();
    for plan in &vol.plans {
        u.merge(&plan.usage);
    }
    // The cover and contents, each line in the role every edition draws it in.
    u.merge(&vol.plan.usage(l.style.roles.body));
    let subsets = l.fonts.subset(&u)?;
    let ctx = RenderContext {
        style: &l.style,
        fonts: &subsets,
        // The front matter's roles; each document is rendered with its own plan.
        plan: &vol.plans[0],
        layout: None,
        epoch: epoch_of_volume(
            vol.subtitle.as_deref(),
            vol.documents.iter().map(|(_, d)| d),
        ),
    };
    let source = name::Source {
        title: m.title.clone(),
        folder: None,
    };
    let stem = name::stems(&[source], None).remove(0);
    let (rendered, laid) = volume::render_all(formats, &vol, &ctx)?;
    // Every edition audited before any is written.
    let names: Vec<String> = m
        .documents
        .iter()
        .map(|d| d.report.display().to_string())
        .collect();
    let bound: Vec<audit::Bound> = vol
        .documents
        .iter()
        .zip(&vol.plans)
        .zip(&names)
        .map(|(((_, doc), plan), name)| audit::Bound { name, doc, plan })
        .collect();
    let volume_name = path.display().to_string();
    for (f, bytes) in &rendered {
        audit::volume(*f, bytes, &laid, &bound, &subsets, &volume_name)?;
    }
    let mut written: Vec<PathBuf> = Vec::new();
    for (f, bytes) in rendered {
        let out = dest.path(&stem, f.extension());
        dest.put(&out, &bytes)?;
        written.push(out);
    }
    Ok(Packed { written, warnings })
}
