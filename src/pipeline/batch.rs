//! `baogao build`, the library's one entry point for building: one or many reports, each read
//! once, documents in parallel up to `--jobs`, each document's editions in parallel; one failing
//! document does not stop the others. What is shown while it runs (progress, lines, the closing
//! table) is the caller's: the binary's `cli` modules render the [`Outcome`]s.
//!
//! Phases: the output folder is checked (before any work) and cleared of temporary files that
//! killed runs left; reports are found and read; every document is prepared; all are named at
//! once, in input order, by [`crate::edition::name`]; the editions are written.
//!
//! A folder build takes every `.txt` that `build FILE` would take: a readable text is a report
//! (with a `no-title` warning when it has no title line), whatever its title looks like. A `.txt`
//! found in a folder is passed over only when it is clearly something else, and then it is
//! listed with why ([`PassedOver`]): it is the notes file that another report's `附件` line
//! names (its entries reach the editions as that report's notes), or it is no regular file
//! inside the folder (a link leading out, a pipe). One that cannot be read (empty, not text) is
//! a failed document, with the line `build FILE` gives for it.
use super::editions::write_to;
use super::written::Destination;
use super::{prepare_read, Options, Output, Prepared};
use crate::edition::{name, Format};
use crate::error::{Error, Result};
use crate::fonts::FontBook;
use crate::read::Line;
use crate::style::Style;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct Batch {
    /// Report files, or folders searched (with sub-folders) for `*.txt` reports.
    pub reports: Vec<PathBuf>,
    pub opts: Options,
    pub out: Output,
    pub jobs: Option<usize>,
}

/// What happened to one document.
pub struct Outcome {
    pub report: PathBuf,
    pub stem: String,
    pub result: Result<Done>,
    pub time: Duration,
}

pub struct Done {
    pub matched: usize,
    pub unmatched: usize,
    pub suspicious: usize,
    pub missing_glyphs: usize,
    /// The check's warnings, one line each (`warning[code] line N: …`).
    pub warnings: Vec<String>,
    pub written: Vec<(Format, PathBuf)>,
    pub failed: Vec<(Format, Error)>,
}

/// Told how a build goes, from the worker threads.
pub trait Observer: Sync {
    /// The number of documents, once the reports are found and read.
    fn documents(&self, _n: usize) {}
    /// One document is finished (written, or failed).
    fn done(&self, outcome: &Outcome);
    /// A `.txt` found in a folder is not built, and why.
    fn passed_over(&self, _p: &PassedOver) {}
}

/// A `.txt` found in a folder and not built, with why (`it is the notes file that r.txt's 附件
/// line names`, `a link leading out of the folder`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassedOver {
    pub path: PathBuf,
    pub why: String,
}

/// What a build did: each document's outcome (input order) and the files it passed over.
pub struct Run {
    pub outcomes: Vec<Outcome>,
    pub passed_over: Vec<PassedOver>,
}

/// Build the editions of every report `batch` names; the outcomes in input order.
pub fn build(batch: &Batch, style: &Style, observer: &dyn Observer) -> Result<Run> {
    if let Some(given) = &batch.out.name {
        name::check_given(given)?;
    }
    let dest = Destination::open(&batch.out.dir)?;
    let (found, mut passed_over) = expand(&batch.reports)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(batch.jobs.unwrap_or(0))
        .build()
        .map_err(|e| Error::Usage(format!("--jobs: {e}")))?;
    let docs = pool.install(|| read_all(&batch.reports, found, &passed_over))?;
    let single_only = batch.opts.notes.is_some() || batch.out.name.is_some();
    if docs.len() > 1 && (single_only || batch.opts.title.is_some()) {
        return Err(Error::Usage(
            "--notes, --name and --title go with a single report".into(),
        ));
    }
    observer.documents(docs.len() + passed_over.len());
    for p in &passed_over {
        observer.passed_over(p);
    }
    dest.clear_stale();
    let fonts = FontBook::load(style)?;
    let outcomes = pool.install(|| {
        let prepared: Vec<Passed> = docs
            .into_par_iter()
            .map(|d| d.prepare(&batch.opts, style, &fonts))
            .collect();
        let (prepared, notes_files) = notes_files_out(prepared);
        for p in &notes_files {
            observer.passed_over(p);
        }
        passed_over.extend(notes_files);
        let stems = stems(&prepared, batch.out.name.as_deref());
        prepared
            .into_par_iter()
            .zip(stems)
            .map(|(p, stem)| {
                let outcome = p.write(stem, batch, style, &fonts, &dest);
                observer.done(&outcome);
                outcome
            })
            .collect()
    });
    passed_over.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Run {
        outcomes,
        passed_over,
    })
}

/// A report found: a file named on the command line, or a `.txt` file under a named folder.
struct Found {
    path: PathBuf,
    /// Index of the folder (among the inputs) it was found in.
    folder: Option<usize>,
}

/// A document read once (or its failure), in input order.
struct Read {
    path: PathBuf,
    /// Found in a named folder (not named itself).
    in_folder: bool,
    read: Result<(Vec<Line>, crate::read::Decoding)>,
    time: Duration,
}

/// Read every report found (one that cannot be read stays, as a failed document: `build FILE`
/// refuses it with the same line). A named folder with no `.txt` to read is refused, saying how
/// many it passed over.
fn read_all(
    inputs: &[PathBuf],
    found: Vec<Found>,
    passed_over: &[PassedOver],
) -> Result<Vec<Read>> {
    for (i, input) in inputs.iter().enumerate() {
        if input.is_dir() && !found.iter().any(|f| f.folder == Some(i)) {
            let over = passed_over
                .iter()
                .filter(|p| p.path.starts_with(input))
                .count();
            return Err(Error::input(
                input,
                format!("no report (*.txt) in this folder ({over} .txt passed over)"),
            ));
        }
    }
    Ok(found
        .into_par_iter()
        .map(|f| {
            let start = Instant::now();
            let read = crate::read::report(&f.path);
            Read {
                path: f.path,
                in_folder: f.folder.is_some(),
                read,
                time: start.elapsed(),
            }
        })
        .collect())
}

/// The documents found in a folder that are the notes file another document of the run took as
/// its notes (by its `附件` line): passed over, each naming the report whose notes it holds. The others, in order.
fn notes_files_out(docs: Vec<Passed>) -> (Vec<Passed>, Vec<PassedOver>) {
    let key = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let mut named: Vec<(PathBuf, PathBuf)> = Vec::new();
    for d in &docs {
        if let Ok(p) = &d.prepared {
            if let (Some(source), "discovered") =
                (&p.report.notes.source, p.report.notes.how.as_str())
            {
                named.push((key(Path::new(source)), d.path.clone()));
            }
        }
    }
    let mut kept = Vec::new();
    let mut over = Vec::new();
    for d in docs {
        let k = key(&d.path);
        let by = named.iter().find(|(n, by)| *n == k && *by != d.path);
        match by.filter(|_| d.in_folder) {
            Some((_, by)) => over.push(PassedOver {
                why: format!(
                    "it is the notes file that {}'s \u{9644}\u{4EF6} line names",
                    by.display()
                ),
                path: d.path,
            }),
            None => kept.push(d),
        }
    }
    (kept, over)
}

/// A document after the passes (or its failure).
struct Passed {
    path: PathBuf,
    in_folder: bool,
    prepared: Result<Prepared>,
    time: Duration,
}

/// Each document's stem, by the one naming function; a failed document takes none.
fn stems(docs: &[Passed], given: Option<&str>) -> Vec<String> {
    let sources: Vec<name::Source> = docs
        .iter()
        .filter_map(|d| d.prepared.as_ref().ok().map(Prepared::name_source))
        .collect();
    let mut named = name::stems(&sources, given).into_iter();
    docs.iter()
        .map(|d| match d.prepared {
            Ok(_) => named.next().unwrap_or_default(),
            Err(_) => String::new(),
        })
        .collect()
}

impl Read {
    fn prepare(self, opts: &Options, style: &Style, fonts: &FontBook) -> Passed {
        let start = Instant::now();
        let prepared = self
            .read
            .and_then(|(lines, enc)| prepare_read(&self.path, lines, enc, opts, style, fonts));
        Passed {
            path: self.path,
            in_folder: self.in_folder,
            prepared,
            time: self.time + start.elapsed(),
        }
    }
}

impl Passed {
    fn write(
        self,
        stem: String,
        batch: &Batch,
        style: &Style,
        fonts: &FontBook,
        dest: &Destination,
    ) -> Outcome {
        let start = Instant::now();
        let result = self.prepared.and_then(|prepared| {
            let mut written = Vec::new();
            let mut failed = Vec::new();
            let formats = &batch.out.formats;
            for w in write_to(&prepared, style, fonts, dest, formats, &stem)? {
                match w.result {
                    Ok(p) => written.push((w.format, p)),
                    Err(e) => failed.push((w.format, e)),
                }
            }
            let r = &prepared.report;
            Ok(Done {
                matched: r.notes.matched.len(),
                unmatched: r.notes.unmatched.len(),
                suspicious: r.cleaning.suspicious.len(),
                missing_glyphs: r.glyphs.missing.len(),
                warnings: r.warnings.iter().map(|w| w.to_string()).collect(),
                written,
                failed,
            })
        });
        Outcome {
            report: self.path,
            stem,
            result,
            time: self.time + start.elapsed(),
        }
    }
}

/// 0 all done; 2 every document unreadable (single report: its own code); 3 some failed; 4 strict.
pub fn exit_code(outcomes: &[Outcome]) -> u8 {
    let n = outcomes.len();
    let mut worst = 0u8;
    for o in outcomes {
        let code = match &o.result {
            Ok(d) if d.failed.is_empty() => 0,
            Ok(_) => 3,
            Err(e) if n == 1 => e.exit_code(),
            Err(Error::Strict { .. }) => 4,
            Err(_) => 3,
        };
        worst = worst.max(code);
    }
    worst
}

/// Files named, and `*.txt` files under named folders (in name order; whether each is a report
/// is decided once it is read), with the folders' `.txt` names that are no regular file inside
/// the folder, passed over.
fn expand(inputs: &[PathBuf]) -> Result<(Vec<Found>, Vec<PassedOver>)> {
    let mut out = Vec::new();
    let mut passed_over = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        if input.is_dir() {
            let found = crate::read::discover::text_files_under(input)
                .map_err(|e| Error::input(input, format!("cannot read folder: {e}")))?;
            out.extend(found.files.into_iter().map(|path| Found {
                path,
                folder: Some(i),
            }));
            passed_over.extend(
                found
                    .passed_over
                    .into_iter()
                    .map(|(path, why)| PassedOver { path, why }),
            );
        } else if input.is_file() {
            out.push(Found {
                path: input.clone(),
                folder: None,
            });
        } else {
            return Err(Error::input(input, "no such file or folder"));
        }
    }
    Ok((out, passed_over))
}
