//! One report read once and prepared for the writers: the passes (cleaning, structure, script),
//! the edition title, the notes attached (`--notes`, the file the `附件` line names, or the
//! report's own glossary annex), then the document's presentation plan, built once, which the
//! glyph check reads (characters no face draws become U+3013 in the document and in the plan
//! alike) and every edition is rendered from. `check` is this and nothing written.
use crate::check_report::{self, CheckReport};
use crate::error::{Error, Result};
use crate::fonts::FontBook;
use crate::model::{Block, Document, Inline};
use crate::passes::structure::title::{self, TitleKey};
use crate::passes::{
    self, attach::Attach, clean::Clean, script::ScriptChoice, script::ScriptPass,
    structure::Structure, Pass,
};
use crate::present::Plan;
use crate::style::Style;
use crate::{edition, read, warnings};
use std::path::{Path, PathBuf};

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
    /// A pack's document label (`label` in `pack.toml`), set as a line above the title: part
    /// of the document from before its plan is built, so its characters are checked and drawn
    /// like the rest.
    pub label: Option<String>,
    /// A pack document's `subtitle =`, set under the title and the text's own subtitles.
    pub subtitle: Option<String>,
    /// Where the user gives a title (`--title`, or a pack manifest's `title =`): named by the
    /// `no-title` warning; with a manifest's title, the title is also set as the document's
    /// title line when its text has none.
    pub title_key: TitleKey,
}

/// A document read and passed, ready for the writers, with its check report.
pub struct Prepared {
    pub doc: Document,
    pub report: CheckReport,
    /// The title the editions are named from ([`edition::name`]): cleaned and script-converted,
    /// taken before any glyph substitution.
    pub title: String,
    /// How the document is shown in every edition, built once after the notes are attached
    /// (and after the glyph check's substitutions).
    pub plan: Plan,
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
    passes::structure::title::edition_title(
        &mut doc,
        opts.title.as_deref(),
        &opts.title_key,
        path,
        &mut report,
    );
    if let TitleKey::Manifest(_) = opts.title_key {
        title::set_given(&mut doc, opts.title.as_deref(), opts.subtitle.as_deref());
    }
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
    let mut doc = labelled(doc, opts.label.as_deref());
    let mut plan = Plan::new(&doc, style, fonts);
    passes::glyphs::check(&mut doc, &mut plan, fonts, &mut report);
    warnings::raise(&mut report);
    if opts.strict && report.strict_failures().next().is_some() {
        return Err(Error::Strict {
            path: path.to_path_buf(),
            warnings: report.strict_failures().map(|w| w.to_string()).collect(),
        });
    }
    Ok(Prepared {
        doc,
        report,
        title,
        plan,
    })
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

/// The document with its label as a line above the title.
fn labelled(mut doc: Document, label: Option<&str>) -> Document {
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
