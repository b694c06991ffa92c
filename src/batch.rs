//! `baogao build`: one or many reports, documents in parallel up to `--jobs`, each document's
//! editions in parallel; one failing document does not stop the others.
use crate::edition::{safe_stem, Format};
use crate::error::{Error, Result};
use crate::fonts::FontBook;
use crate::style::Style;
use crate::{prepare, write_editions, Options, Output};
use rayon::prelude::*;
use std::collections::BTreeMap;
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

/// Run the batch; prints one line per document and a closing table; returns the exit code.
pub fn run(batch: &Batch, style: &Style) -> Result<u8> {
    let reports = expand(&batch.reports)?;
    let single_only = batch.opts.notes.is_some() || batch.out.name.is_some();
    if reports.len() > 1 && (single_only || batch.opts.title.is_some()) {
        return Err(Error::Usage(
            "--notes, --name and --title go with a single report".into(),
        ));
    }
    let fonts = FontBook::load(style)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(batch.jobs.unwrap_or(0))
        .build()
        .map_err(|e| Error::Usage(format!("--jobs: {e}")))?;
    let stems = stems(&reports);
    let progress = Progress::new(reports.len());
    let outcomes: Vec<Outcome> = pool.install(|| {
        reports
            .par_iter()
            .zip(stems.par_iter())
            .map(|(path, stem)| {
                let outcome = one(path, stem.clone(), batch, style, &fonts);
                progress.done(&crate::summary::outcome_line(&outcome));
                outcome
            })
            .collect()
    });
    progress.finish();
    if reports.len() > 1 {
        eprint!("{}", crate::summary::table(&outcomes));
    }
    Ok(exit_code(&outcomes, reports.len()))
}

fn one(
    path: &Path,
    stem: Option<String>,
    batch: &Batch,
    style: &Style,
    fonts: &FontBook,
) -> Outcome {
    let start = Instant::now();
    let result = (|| {
        let prepared = prepare(path, &batch.opts, style, fonts)?;
        let mut out = batch.out.clone();
        if out.name.is_none() {
            out.name = stem.clone();
        }
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
    })();
    Outcome {
        report: path.to_path_buf(),
        stem: stem.unwrap_or_default(),
        result,
        time: start.elapsed(),
    }
}

/// 0 all done; 2 every document unreadable (single report: its own code); 3 some failed; 4 strict.
fn exit_code(outcomes: &[Outcome], n: usize) -> u8 {
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

/// Files named, and `*.txt` files under named folders whose content has a report title.
pub fn expand(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found = Vec::new();
            walk(input, &mut found)
                .map_err(|e| Error::input(input, format!("cannot read folder: {e}")))?;
            found.sort();
            let before = out.len();
            out.extend(found.into_iter().filter(|p| looks_like_report(p)));
            if out.len() == before {
                return Err(Error::input(
                    input,
                    "no report (*.txt with a title ending in 报告) in this folder",
                ));
            }
        } else if input.is_file() {
            out.push(input.clone());
        } else {
            return Err(Error::input(input, "no such file or folder"));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let p = entry?.path();
        if p.is_dir() {
            walk(&p, found)?;
        } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt")) {
            found.push(p);
        }
    }
    Ok(())
}

fn looks_like_report(path: &Path) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    let Ok(d) = crate::read::decode::decode(&bytes, path) else {
        return false;
    };
    d.text.lines().any(crate::passes::clean::is_title_line)
}

/// Edition stems: the title, with the folder name appended when titles collide.
fn stems(reports: &[PathBuf]) -> Vec<Option<String>> {
    if reports.len() < 2 {
        return vec![None; reports.len()];
    }
    let titles: Vec<String> = reports.iter().map(|p| title_of(p)).collect();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    titles
        .iter()
        .zip(reports)
        .map(|(t, p)| {
            let n = seen.entry(t.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                Some(t.clone())
            } else {
                let folder = p
                    .parent()
                    .and_then(|f| f.file_name())
                    .map(|f| f.to_string_lossy().into_owned());
                Some(safe_stem(&format!(
                    "{t}_{}",
                    folder.unwrap_or_else(|| n.to_string())
                )))
            }
        })
        .collect()
}

fn title_of(path: &Path) -> String {
    std::fs::read(path)
        .ok()
        .and_then(|b| crate::read::decode::decode(&b, path).ok())
        .and_then(|d| {
            d.text
                .lines()
                .find(|l| crate::passes::clean::is_title_line(l))
                .map(|l| safe_stem(l.trim()))
        })
        .unwrap_or_else(|| safe_stem(&path.file_stem().unwrap_or_default().to_string_lossy()))
}

/// A progress bar on a terminal with several documents; plain lines otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(n: usize) -> Progress {
        use std::io::IsTerminal;
        let bar = (n > 1 && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(n as u64);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} documents {elapsed}")
            {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar }
    }

    fn done(&self, line: &str) {
        match &self.bar {
            Some(bar) => {
                bar.println(line);
                bar.inc(1);
            }
            None => eprintln!("{line}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
