//! The `baogao` command: arguments → one library call → exit code.
mod cli;

use baogao::edition::Format;
use baogao::passes::script::ScriptChoice;
use baogao::{Error, Options, Output};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

const EXIT_CODES: &str = "Exit codes:\n  0  all done\n  2  usage error or unreadable input\n  \
3  some documents or editions failed (others were written)\n  4  --strict found warnings (nothing written)";

#[derive(Parser)]
#[command(name = "baogao", version, about = "Government work report + annotations → print PDF, EPUB and DOCX", after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the editions of one or more reports (files, or folders searched for reports).
    #[command(after_help = EXIT_CODES)]
    Build {
        #[arg(required = true, value_name = "REPORT")]
        reports: Vec<PathBuf>,
        /// Annotations file (.doc .docx .xlsx .xls .ods .csv .txt); default: the file the report's
        /// 附件 line names, beside the report. Only with a single report.
        #[arg(long, value_name = "FILE")]
        notes: Option<PathBuf>,
        #[command(flatten)]
        editions: Editions,
        /// Style name (gongwen, compact) or a .toml file.
        #[arg(long, value_name = "NAME|FILE", default_value = "gongwen")]
        style: String,
        #[command(flatten)]
        passing: Passing,
        /// Documents processed at once (default: number of cores).
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
        /// File stem of the editions (default: the report's title). Only with a single report.
        #[arg(long, value_name = "STEM")]
        name: Option<String>,
        /// Title of the editions when the text has no title line (default: the file's stem,
        /// with a no-title warning); given, it also replaces the title line's text in the
        /// editions' metadata and names. Only with a single report.
        #[arg(long, value_name = "TEXT")]
        title: Option<String>,
    },
    /// Bind the documents a pack.toml manifest lists (one session's reports) into one volume:
    /// cover, contents, each document on a right-hand page. A document that fails stops the
    /// pack (exit 3), nothing written.
    #[command(after_help = EXIT_CODES)]
    Pack {
        #[arg(value_name = "MANIFEST")]
        manifest: PathBuf,
        #[command(flatten)]
        editions: Editions,
        #[command(flatten)]
        passing: Passing,
    },
    /// Read one report and its notes (or every document of a pack.toml manifest) and say what
    /// cleaning, structure, notes and fonts found.
    #[command(after_help = EXIT_CODES)]
    Check {
        #[arg(value_name = "REPORT|MANIFEST")]
        report: PathBuf,
        #[arg(long, value_name = "FILE")]
        notes: Option<PathBuf>,
        #[arg(long, value_name = "NAME|FILE", default_value = "gongwen")]
        style: String,
        #[command(flatten)]
        passing: Passing,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Title of the editions (see `build --title`).
        #[arg(long, value_name = "TEXT")]
        title: Option<String>,
    },
}

/// How every document is read and passed (build, pack and check alike).
#[derive(clap::Args)]
struct Passing {
    /// Script of the editions.
    #[arg(long, value_enum, default_value_t = ScriptChoice::Keep)]
    script: ScriptChoice,
    /// Treat any warning (unmatched notes, corrupted text, missing attachment…; in a pack, of any
    /// document) as an error: exit 4, nothing written.
    #[arg(long)]
    strict: bool,
    /// Leave corrupted spans as found (flagged) instead of repairing them from their bytes.
    #[arg(long)]
    no_repair: bool,
}

impl Passing {
    fn pack(&self) -> baogao::pack::PackOptions {
        baogao::pack::PackOptions {
            script: self.script,
            strict: self.strict,
            no_repair: self.no_repair,
        }
    }
}

/// Where editions go and which (build and pack).
#[derive(clap::Args)]
struct Editions {
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = "out")]
    output: PathBuf,
    /// Editions to write.
    #[arg(long, value_delimiter = ',', default_value = "pdf,epub,docx")]
    formats: Vec<String>,
}

fn main() -> ExitCode {
    baogao::read::guard::one_line_panics();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("baogao: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn run(cli: Cli) -> Result<u8, Error> {
    match cli.command {
        Command::Check {
            report,
            notes,
            style,
            passing,
            json,
            title,
        } => {
            if baogao::pack::is_manifest(&report) {
                return pack_check(&report, &passing.pack(), json);
            }
            let style = baogao::style::Style::load(&style)?;
            let opts = Options {
                notes,
                script: passing.script,
                strict: passing.strict,
                title,
                no_repair: passing.no_repair,
                ..Default::default()
            };
            let r = baogao::check(&report, &opts, &style)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&r).expect("report serialises")
                );
            } else {
                print!("{}", cli::summary::check_text(&r));
            }
            Ok(0)
        }
        Command::Pack {
            manifest,
            editions,
            passing,
        } => {
            let formats = parse_formats(&editions.formats)?;
            cli::on_interrupt_remove_temp_files();
            let packed =
                baogao::build_pack(&manifest, &passing.pack(), &editions.output, &formats)?;
            for w in &packed.warnings {
                eprintln!("{w}");
            }
            for path in &packed.written {
                eprintln!("{}: wrote {}", manifest.display(), path.display());
            }
            Ok(0)
        }
        Command::Build {
            reports,
            notes,
            editions,
            style,
            passing,
            jobs,
            name,
            title,
        } => {
            let formats = parse_formats(&editions.formats)?;
            let style = baogao::style::Style::load(&style)?;
            let opts = Options {
                notes,
                script: passing.script,
                strict: passing.strict,
                title,
                no_repair: passing.no_repair,
                ..Default::default()
            };
            let out = Output {
                dir: editions.output,
                formats,
                name,
            };
            let batch = baogao::Batch {
                reports,
                opts,
                out,
                jobs,
            };
            cli::on_interrupt_remove_temp_files();
            let progress = cli::progress::Progress::default();
            let run = baogao::build(&batch, &style, &progress)?;
            progress.finish();
            if run.outcomes.len() + run.passed_over.len() > 1 {
                eprint!("{}", cli::summary::table(&run));
            }
            Ok(baogao::batch::exit_code(&run.outcomes))
        }
    }
}

fn parse_formats(formats: &[String]) -> Result<Vec<Format>, Error> {
    formats
        .iter()
        .map(|f| {
            Format::parse(f).ok_or_else(|| {
                Error::Usage(format!("--formats: unknown format '{f}' (pdf, epub, docx)"))
            })
        })
        .collect()
}

/// `check MANIFEST`: every document's report, as JSON (the manifest's fields and `documents`)
/// or as text (one block per document).
fn pack_check(
    manifest: &std::path::Path,
    opts: &baogao::pack::PackOptions,
    json: bool,
) -> Result<u8, Error> {
    let r = baogao::check_pack(manifest, opts)?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&r).expect("report serialises")
        );
    } else {
        println!(
            "{}: {} ({} documents)",
            manifest.display(),
            r.title,
            r.documents.len()
        );
        for d in &r.documents {
            println!();
            print!("{}", cli::summary::check_text(d));
        }
    }
    Ok(0)
}
