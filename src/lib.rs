//! baogao (报告): a Chinese government work report plus its annotations → print PDF, EPUB 3 and
//! DOCX, each with embedded CJK font subsets.
//!
//! Pipeline (pandoc's shape): readers → one [`model::Document`] → passes → writers.
//! ```text
//! report.txt ──decode──▶ lines ──clean──▶ structure (blocks) ──script──▶ attach notes ──▶ glyph check
//!                                                                 ▲
//! notes file (.doc/.docx/.xlsx/.xls/.ods/.csv/.txt) ──read────────┘
//! document ──▶ presentation plan ──▶ font subsets (once) ──▶ PDF ‖ EPUB ‖ DOCX (in parallel) ──▶ atomic writes
//! ```
pub mod batch;
pub mod check_report;
pub mod date;
pub mod edition;
pub mod error;
pub mod fonts;
pub mod front_matter;
pub mod layout;
pub mod model;
pub mod pack;
pub mod passes;
pub mod pdf;
pub mod present;
pub mod read;
pub mod render;
pub mod script_convert;
pub mod style;
pub mod summary;

use check_report::CheckReport;
use edition::Format;
pub use error::{Error, Result};
use fonts::FontBook;
use model::Document;
use passes::{
    attach::Attach, clean::Clean, glyphs::Glyphs, script::ScriptChoice, script::ScriptPass,
    structure::Structure, Pass,
};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use style::Style;

/// What a run is asked to do with each report.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Annotations file; when absent it is discovered from the report's `附件：` line.
    pub notes: Option<PathBuf>,
    pub script: ScriptChoice,
    /// Unmatched notes are an error.
    pub strict: bool,
    /// Edition title (`--title`); default: the text's title line, else the file's stem.
    pub title: Option<String>,
    /// Leave corrupted spans as found instead of repairing them from their bytes.
    pub no_repair: bool,
}

/// A document read and passed, ready for the writers, with its check report.
pub struct Prepared {
    pub doc: Document,
    pub report: CheckReport,
}

/// Read one report, run every pass, attach its notes and check glyph coverage.
pub fn prepare(path: &Path, opts: &Options, style: &Style, fonts: &FontBook) -> Result<Prepared> {
    let (lines, input) = read::report(path)?;
    let mut report = CheckReport {
        input,
        ..Default::default()
    };
    let lines = Clean.run_repairing(lines, &mut report, !opts.no_repair)?;
    let doc = Structure.run(lines, &mut report)?;
    let doc = ScriptPass {
        choice: opts.script,
    }
    .run(doc, &mut report)?;
    let mut doc = doc;
    passes::structure::title::edition_title(&mut doc, opts.title.as_deref(), path, &mut report);
    let notes = find_notes(path, opts, &mut report)?;
    let doc = match notes {
        Some((file, notes_path)) => {
            let annex_title = read::notes::title_of(&file, &notes_path);
            Attach {
                entries: file.entries,
                annex_title,
            }
            .run(doc, &mut report)?
        }
        None => passes::structure::annex::attach_glossary(doc, opts.notes.is_some(), &mut report)?,
    };
    let doc = Glyphs { fonts, style }.run(doc, &mut report)?;
    raise_warnings(&mut report);
    if opts.strict && report.strict_failures().next().is_some() {
        return Err(Error::Strict {
            path: path.to_path_buf(),
            warnings: report.strict_failures().map(|w| w.to_string()).collect(),
        });
    }
    Ok(Prepared { doc, report })
}

/// Warnings that follow from what the passes recorded (passes may also raise their own).
fn raise_warnings(report: &mut CheckReport) {
    if !report.cleaning.preamble_lines.is_empty() {
        let n = report.cleaning.preamble_lines.len();
        report.info(
            "dropped-lines",
            format!("{n} line(s) before the title dropped (listed under cleaning.preamble_lines)"),
            None,
        );
    }
    if !report.cleaning.chrome_lines.is_empty() {
        let n = report.cleaning.chrome_lines.len();
        report.info(
            "dropped-lines",
            format!("{n} line(s) of web page chrome dropped (listed under cleaning.chrome_lines)"),
            None,
        );
    }
    let quotes: Vec<_> = report.cleaning.unpaired_quotes.clone();
    for q in quotes {
        report.warn(
            "unpaired-quote",
            format!(
                "column {}: straight quote {} has no partner on its line; left as it is",
                q.column, q.text
            ),
            Some(q.line),
        );
    }
    let repaired: Vec<_> = report.cleaning.repaired.clone();
    for r in repaired {
        report.info(
            "repaired-text",
            format!("column {}: {} \u{2192} {}", r.column, r.before, r.after),
            Some(r.line),
        );
    }
    let spans: Vec<_> = report.cleaning.suspicious.clone();
    for s in spans {
        report.warn(
            "suspicious-text",
            format!(
                "column {}: corrupted text left as it is: {}",
                s.column, s.text
            ),
            Some(s.line),
        );
    }
    if !report.notes.unmatched.is_empty() {
        let n = report.notes.unmatched.len();
        let terms = report.notes.unmatched.join(", ");
        let source = report.notes.source.clone().unwrap_or_default();
        report.warn(
            "unmatched-notes",
            format!("{n} note(s) of {source} match nothing in the report: {terms}"),
            None,
        );
    }
}

/// The notes file: `--notes`, else the file the `附件：` line names beside the report.
fn find_notes(
    path: &Path,
    opts: &Options,
    report: &mut CheckReport,
) -> Result<Option<(read::notes::NotesFile, PathBuf)>> {
    let notes_path = match &opts.notes {
        Some(p) => {
            report.notes.how = "given".into();
            p.clone()
        }
        None => {
            let folder = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let named = report.structure.attachment.clone();
            match named
                .as_deref()
                .and_then(|n| read::discover::attachment(folder, n))
            {
                Some(p) => {
                    report.notes.how = "discovered".into();
                    p
                }
                None => {
                    report.notes.how = match &named {
                        Some(n) => format!(
                            "the attachment line names {n}, but no such file is beside the report"
                        ),
                        None => "no --notes and no attachment line".into(),
                    };
                    if let Some(n) = named {
                        report.warn(
                            "attachment-missing",
                            format!("the attachment line names {n}, but no such file is beside the report"),
                            None,
                        );
                    }
                    return Ok(None);
                }
            }
        }
    };
    let file = read::notes::read(&notes_path)?;
    report.notes.source = Some(notes_path.display().to_string());
    report.notes.format = Some(file.format.to_string());
    read::notes::findings::record(&file, report);
    Ok(Some((file, notes_path)))
}

/// `baogao check`: the report of one document.
pub fn check(path: &Path, opts: &Options, style: &Style) -> Result<CheckReport> {
    // An unreadable report is refused before the fonts (tens of MB) are loaded.
    read::report(path)?;
    let fonts = FontBook::load(style)?;
    Ok(prepare(path, opts, style, &fonts)?.report)
}

/// Where editions go and what they are called.
#[derive(Debug, Clone)]
pub struct Output {
    pub dir: PathBuf,
    pub formats: Vec<Format>,
    /// File stem override (single report only).
    pub name: Option<String>,
}

/// One edition written (or failed).
#[derive(Debug)]
pub struct Written {
    pub format: Format,
    pub result: Result<PathBuf>,
}

/// Render the editions of one prepared document in parallel and write each atomically.
pub fn write_editions(
    prepared: &Prepared,
    style: &Style,
    fonts: &FontBook,
    out: &Output,
) -> Result<Vec<Written>> {
    let plan = present::Plan::new(&prepared.doc, style, fonts);
    let subsets = fonts.subset(&plan.usage)?;
    // The print layout, once: the PDF draws it, the EPUB marks its page breaks.
    let paged = out
        .formats
        .iter()
        .any(|f| matches!(f, Format::Pdf | Format::Epub));
    let pages = paged.then(|| layout::layout(&prepared.doc, style, &subsets, &plan));
    let ctx = render::RenderContext {
        style,
        fonts: &subsets,
        plan: &plan,
        epoch: render::epoch_from_env(),
        layout: pages.as_ref(),
    };
    let stem = out
        .name
        .clone()
        .unwrap_or_else(|| edition::safe_stem(&prepared.doc.title()));
    Ok(out
        .formats
        .par_iter()
        .map(|&format| {
            let path = out.dir.join(format!("{stem}.{}", format.extension()));
            let result = render::render(format, &prepared.doc, &ctx)
                .and_then(|bytes| edition::write_atomic(&path, &bytes).map(|_| path));
            Written { format, result }
        })
        .collect())
}
