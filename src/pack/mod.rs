//! `baogao pack`: the documents of one session (a `pack.toml` manifest) → one volume per
//! edition. Every document goes through the same pipeline as `build` ([`crate::prepare`]);
//! one that fails stops the pack before anything is written.
pub mod manifest;

pub use manifest::{Folios, Manifest};

use crate::audit;
use crate::check_report::CheckReport;
use crate::edition::{safe_stem, Format};
use crate::error::{Error, Result};
use crate::fonts::{FontBook, Usage};
use crate::model::{Block, Inline};
use crate::passes::script::ScriptChoice;
use crate::present::volume::VolumePlan;
use crate::present::Plan;
use crate::render::volume::{self, Volume};
use crate::render::{epoch_from_env, RenderContext};
use crate::style::Style;
use crate::{prepare, Options, Prepared};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// What the command line adds to the manifest.
#[derive(Debug, Clone, Default)]
pub struct PackOptions {
    pub script: ScriptChoice,
    pub strict: bool,
    /// As `build --no-repair`.
    pub no_repair: bool,
}

/// `baogao check MANIFEST`: the manifest's fields and each document's check report.
#[derive(Debug, serde::Serialize)]
pub struct PackReport {
    pub manifest: PathBuf,
    pub title: String,
    pub subtitle: Option<String>,
    pub issuer: Option<String>,
    pub style: String,
    pub folios: Folios,
    pub documents: Vec<CheckReport>,
}

/// Is `path` a pack manifest (rather than a report)? By its extension.
pub fn is_manifest(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

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
        .map(|d| {
            let o = Options {
                notes: d.notes.clone(),
                script: opts.script,
                strict: opts.strict,
                no_repair: opts.no_repair,
                title: None,
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

/// What a pack wrote, and each document's warnings (`report: warning[code] …`, as `build`
/// prints them).
#[derive(Debug, Default)]
pub struct Packed {
    pub written: Vec<PathBuf>,
    pub warnings: Vec<String>,
}

/// `baogao pack MANIFEST`: every edition rendered in parallel, then written (atomically) only
/// when all of them rendered.
pub fn build(path: &Path, opts: &PackOptions, dir: &Path, formats: &[Format]) -> Result<Packed> {
    let l = load(path, opts)?;
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
    let documents: Vec<_> = m
        .documents
        .iter()
        .zip(l.documents)
        .map(|(d, p)| (d.label.clone(), labelled(p.doc, d.label.as_deref())))
        .collect();
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
    let mut vol = Volume {
        title: m.title.clone(),
        subtitle: m.subtitle.clone(),
        issuer: m.issuer.clone(),
        continuous: m.folios == Folios::Continuous,
        documents,
        plans: Vec::new(),
        plan,
    };
    vol.plans = vol
        .documents
        .par_iter()
        .map(|(_, doc)| Plan::new(doc, &l.style, &l.fonts))
        .collect();
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
        epoch: epoch_from_env(),
    };
    let stem = safe_stem(&m.title);
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
    let mut written = Vec::new();
    for (f, bytes) in rendered {
        let out = dir.join(format!("{stem}.{}", f.extension()));
        crate::edition::write_atomic(&out, &bytes)?;
        written.push(out);
    }
    Ok(Packed { written, warnings })
}

/// The document with its label as a line above the title.
fn labelled(mut doc: crate::model::Document, label: Option<&str>) -> crate::model::Document {
    if let Some(l) = label {
        let at = doc
            .blocks
            .iter()
            .position(|b| matches!(b, Block::Title(_)))
            .unwrap_or(0);
        doc.blocks
            .insert(at, Block::Subtitle(vec![Inline::Text(l.to_string())]));
    }
    doc
}
