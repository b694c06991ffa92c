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
pub mod audit;
pub mod batch;
pub mod check_report;
pub mod cjk;
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
pub mod warnings;

pub use batch::{build, Batch, Done, Observer, Outcome};
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
    /// The title the editions are named from ([`edition::name`]): cleaned and script-converted,
    /// taken before any glyph substitution.
    pub title: String,
}

impl Prepared {
    /// What the editions are named from ([`edition::name::stems`]): the title (the report's file
    /// name when it has none) and the report's folder.
    pub fn name_source(&self) -> edition::name::Source {
        let path = Path::new(&self.report.input.path);
        let title = if self.title.trim().is_empty() {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        } else {
            self.title.clone()
        };
        edition::name::Source {
            title,
            folder: path
                .parent()
                .and_then(|f| f.file_name())
                .map(|f| f.to_string_lossy().into_owned()),
        }
    }
}

/// Read one report, run every pass, attach its notes and check glyph coverage.
pub fn prepare(path: &Path, opts: &Options, style: &Style, fonts: &FontBook) -> Result<Prepared> {
    let (lines, decoding) = read::report(path)?;
    prepare_read(path, lines, decoding, opts, style, fonts)
}

/// [`prepare`] for a report already read (its `lines`, and how they were decoded).
pub fn prepare_read(
    path: &Path,
    lines: Vec<read::Line>,
    decoding: read::Decoding,
    opts: &Options,
    style: &Style,
    fonts: &FontBook,
) -> Result<Prepared> {
    let mut report = CheckReport {
        input: check_report::InputInfo {
            path: path.display().to_string(),
            encoding: decoding.encoding,
            other_encoding_lines: decoding.other_lines,
            other_encoding: decoding.other_encoding,
            replacement_characters: decoding.replacements,
            ..Default::default()
        },
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
        Some((mut file, notes_path)) => {
            let annex_title = read::notes::title_of(&file, &notes_path);
            passes::clean::notes::entries(&mut file.entries);
            Attach {
                entries: file.entries,
                annex_title,
            }
            .run(doc, &mut report)?
        }
        None => passes::structure::annex::attach_glossary(doc, opts.notes.is_some(), &mut report)?,
    };
    // Named before the glyph check: names never depend on the fonts.
    let title = doc.title();
    let doc = Glyphs { fonts, style }.run(doc, &mut report)?;
    warnings::raise(&mut report);
    if opts.strict && report.strict_failures().next().is_some() {
        return Err(Error::Strict {
            path: path.to_path_buf(),
            warnings: report.strict_failures().map(|w| w.to_string()).collect(),
        });
    }
    Ok(Prepared { doc, report, title })
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
            let found = named
                .as_deref()
                .map(|n| read::discover::find(folder, n, Some(path)))
                .unwrap_or_default();
            for (skipped, why) in &found.skipped {
                let msg = format!("{}: {why}", skipped.display());
                report.warn("attachment-skipped", msg, None);
            }
            match found.file {
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
    let mut file = read::notes::read(&notes_path)?;
    passes::clean::controls::remove_from_entries(&mut file.entries, &mut report.cleaning);
    report.notes.source = Some(notes_path.display().to_string());
    report.notes.format = Some(file.format.to_string());
    warnings::notes_file(&file, report);
    Ok(Some((file, notes_path)))
}

/// `baogao check`: the report of one document.
pub fn check(path: &Path, opts: &Options, style: &Style) -> Result<CheckReport> {
    // An unreadable report is refused before the fonts (tens of MB) are loaded.
    let (lines, decoding) = read::report(path)?;
    let fonts = FontBook::load(style)?;
    Ok(prepare_read(path, lines, decoding, opts, style, &fonts)?.report)
}

/// Where editions go and what they are called.
#[derive(Debug, Clone)]
pub struct Output {
    pub dir: PathBuf,
    pub formats: Vec<Format>,
    /// File stem (`--name`, single report only; a batch sets each document's stem here).
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
    let pages = match paged {
        true => Some(layout::layout(&prepared.doc, style, &subsets, &plan)?),
        false => None,
    };
    let ctx = render::RenderContext {
        style,
        fonts: &subsets,
        plan: &plan,
        epoch: render::epoch_from_env(),
        layout: pages.as_ref(),
    };
    let stem = edition::name::stems(&[prepared.name_source()], out.name.as_deref()).remove(0);
    let audited = audit::Edition {
        name: &prepared.report.input.path,
        doc: &prepared.doc,
        plan: &plan,
        pages: pages.as_ref(),
        subsets: &subsets,
    };
    Ok(out
        .formats
        .par_iter()
        .map(|&format| {
            let path = out.dir.join(format!("{stem}.{}", format.extension()));
            let result = render::render(format, &prepared.doc, &ctx)
                .and_then(|bytes| audit::edition(format, &bytes, &audited).map(|_| bytes))
                .and_then(|bytes| edition::write_atomic(&path, &bytes).map(|_| path));
            Written { format, result }
        })
        .collect())
}
