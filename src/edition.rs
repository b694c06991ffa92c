//! Editions on disk: names made safe for file systems, written atomically.
use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

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

/// A file stem from a title: characters that file systems refuse become `_`, runs of
/// whitespace become one `_`, leading/trailing dots and spaces go.
pub fn safe_stem(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        let bad =
            matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control();
        if bad || c.is_whitespace() {
            if !out.ends_with('_') {
                out.push('_');
            }
        } else {
            out.push(c);
        }
    }
    let t = out
        .trim_matches(|c: char| c == '.' || c == '_' || c == ' ')
        .to_string();
    if t.is_empty() {
        "report".to_string()
    } else {
        t
    }
}

/// Write `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// reader never sees a partial edition.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp: PathBuf = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_safe() {
        assert_eq!(
            safe_stem("2024年舞陽縣政府工作報告"),
            "2024年舞陽縣政府工作報告"
        );
        assert_eq!(safe_stem("a/b: c?"), "a_b_c");
        assert_eq!(safe_stem("..."), "report");
    }

    #[test]
    fn atomic_write_leaves_no_temp() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.pdf");
        write_atomic(&p, b"abc").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"abc");
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }
}
