//! One error type for the library. Every variant names the file or edition concerned, so the
//! binary can print one clear line.
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line asks for something impossible.
    #[error("{0}")]
    Usage(String),
    /// An input file (report or notes) is unreadable or malformed.
    #[error("{}: {message}", path.display())]
    Input { path: PathBuf, message: String },
    /// A style file is malformed (unknown key, bad value).
    #[error("{}: {message}", path.display())]
    Style { path: PathBuf, message: String },
    /// A font file is missing or unusable.
    #[error("{}: {message}", path.display())]
    Font { path: PathBuf, message: String },
    /// Writing an edition failed.
    #[error("{edition} edition: {message}")]
    Render {
        edition: &'static str,
        message: String,
    },
    /// A file could not be written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A document of a pack failed: the pack stops, nothing is written.
    #[error("{}: {document}: {source}", manifest.display())]
    Document {
        manifest: PathBuf,
        document: String,
        source: Box<Error>,
    },
    /// `--strict` and the check raised warnings: nothing is written.
    #[error("{}: --strict: {} warning(s), nothing written: {}", path.display(), warnings.len(), warnings.join("; "))]
    Strict {
        path: PathBuf,
        warnings: Vec<String>,
    },
}

impl Error {
    pub fn input(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.into(),
            message: message.into(),
        }
    }
    pub fn render(edition: &'static str, message: impl std::fmt::Display) -> Self {
        Error::Render {
            edition,
            message: message.to_string(),
        }
    }

    /// Exit code documented in `--help` and the README.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Input { .. } | Error::Style { .. } | Error::Font { .. } => 2,
            Error::Render { .. } | Error::Io { .. } => 3,
            Error::Strict { .. } => 4,
            Error::Document { source, .. } => match **source {
                Error::Strict { .. } => 4,
                _ => 3,
            },
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
