//! Editions on disk: what they are called ([`name`]) and how they are written ([`temp`]).
pub mod name;
pub mod temp;

pub use name::safe_stem;
pub use temp::write_atomic;

/// The three editions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pdf,
    Epub,
    Docx,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Pdf, Format::Epub, Format::Docx];
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Epub => "epub",
            Format::Docx => "docx",
        }
    }
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pdf" => Some(Format::Pdf),
            "epub" => Some(Format::Epub),
            "docx" => Some(Format::Docx),
            _ => None,
        }
    }
}
