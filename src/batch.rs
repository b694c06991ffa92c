//! `baogao build`, the library's one entry point for building: one or many reports, each read
//! once, documents in parallel up to `--jobs`, each document's editions in parallel; one failing
//! document does not stop the others. What is shown while it runs (progress, lines, the closing
//! table) is the caller's: the binary's `cli` modules render the [`Outcome`]s.
//!
//! Phases: the output folder is checked (before any work) and cleared of temporary files that
//! killed runs left; reports are found and read (a `.txt` found in a folder that is not a report,
//! having no title line, is passed over; one that cannot be read is a failed document); every
//! document is prepared; all are named at once, in input order, by [`crate::edition::name`];
//! the editions are written.
use crate::edition::{name, temp, Format};
use crate::error::{Error, Result};
use crate::fonts::FontBook;
use crate::read::Line;
use crate::style::Style;
use crate::{prepare_read, write_editions, Options, Output, Prepared};
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

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
}

/// Build the editions of every report `batch` names; the outcomes in input order.
pub fn build(batch: &Batch, style: &Style, observer: &dyn Observer) -> Result<Vec<Outcome>> {
    let started = SystemTime::now();
    if let Some(given) = &batch.out.name {
        name::check_given(given)?;
    }
    temp::check_output_dir(&batch.out.dir)?;
    let found = expand(&batch.reports)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(batch.jobs.unwrap_or(0))
        .build()
        .map_err(|e| Error::Usage(format!("--jobs: {e}")))?;
    let docs = pool.install(|| read_all(&batch.reports, found))?;
    let single_only = batch.opts.notes.is_some() || batch.out.name.is_some();
    if docs.len() > 1 && (single_only || batch.opts.title.is_some()) {
        return Err(Error::Usage(
            "--notes, --name and --title go with a single report".into(),
        ));
    }
    observer.documents(docs.len());
    temp::remove_stale(&batch.out.dir, started);
    let fonts = FontBook::load(style)?;
    Ok(pool.install(|| {
        let prepared: Vec<Passed> = docs
            .into_par_iter()
            .map(|d| d.prepare(&batch.opts, style, &fonts))
            .collect();
        let stems = stems(&prepared, batch.out.name.as_deref());
        prepared
            .into_par_iter()
            .zip(stems)
            .map(|(p, stem)| {
                let outcome = p.write(stem, batch, style, &fonts);
                observer.done(&outcome);
                outcome
            })
            .collect()
    }))
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
    read: Result<(Vec<Line>, crate::read::Decoding)>,
    time: Duration,
}

/// Read every report found; folder files that read as text with no title line are not reports
/// and are left out (those that cannot be read stay, as failed documents). A named folder with
/// no report at all is refused.
fn read_all(inputs: &[PathBuf], found: Vec<Found>) -> Result<Vec<Read>> {
    let read: Vec<(Read, Option<usize>, bool)> = found
        .into_par_iter()
        .map(|f| {
            let start = Instant::now();
            let read = crate::read::report(&f.path);
            let report = f.folder.is_none()
                || match &read {
                    Ok((lines, _)) => has_title(lines),
                    Err(_) => true,
                };
            let r = Read {
                path: f.path,
                read,
                time: start.elapsed(),
            };
            (r, f.folder, report)
        })
        .collect();
    for (i, input) in inputs.iter().enumerate() {
        if input.is_dir() && !read.iter().any(|(_, f, r)| *f == Some(i) && *r) {
            return Err(Error::input(
                input,
                "no report (*.txt with a title ending in \u{62A5}\u{544A}) in this folder",
            ));
        }
    }
    Ok(read
        .into_iter()
        .filter_map(|(r, _, report)| report.then_some(r))
        .collect())
}

fn has_title(lines: &[Line]) -> bool {
    crate::passes::clean::opens_report(lines)
}

/// A document after the passes (or its failure).
struct Passed {
    path: PathBuf,
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
            prepared,
            time: self.time + start.elapsed(),
        }
    }
}

impl Passed {
    fn write(self, stem: String, batch: &Batch, style: &Style, fonts: &FontBook) -> Outcome {
        let start = Instant::now();
        let result = self.prepared.and_then(|prepared| {
            let mut out = batch.out.clone();
            out.name = Some(stem.clone());
            let mut written = Vec::new();
            let mut failed = Vec::new();
            for w in write_editions(&prepared, style, fonts, &out)? {
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
/// is decided once it is read).
fn expand(inputs: &[PathBuf]) -> Result<Vec<Found>> {
    let mut out = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        if input.is_dir() {
            let mut found = crate::read::discover::text_files_under(input)
                .map_err(|e| Error::input(input, format!("cannot read folder: {e}")))?;
            found.sort();
            out.extend(found.into_iter().map(|path| Found {
                path,
                folder: Some(i),
            }));
        } else if input.is_file() {
            out.push(Found {
                path: input.clone(),
                folder: None,
            });
        } else {
            return Err(Error::input(input, "no such file or folder"));
        }
    }
    Ok(out)
}
