//! `pack.toml`: the documents of one session and how their volume looks. Unknown keys are an
//! error; paths are relative to the manifest's folder.
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How pages are numbered across the documents of a volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Folios {
    /// Folios run on from one document to the next (blank pages are counted, not printed).
    #[default]
    Continuous,
    /// Each document starts again at folio 1.
    PerDocument,
}

/// One `[[document]]` of the manifest.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The report, relative to the manifest.
    pub report: PathBuf,
    /// Its notes file; absent: discovered from the report's `附件：` line as `build` does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<PathBuf>,
    /// `文件一`: printed above the title and in the contents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The document's title when its text has none (as `build --title`): it names the document
    /// in the contents and is set as its title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A subtitle line set under the title (added to the text's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
}

/// The manifest as written (paths still relative).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Cover title, also the editions' file stem.
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// On the cover and as the editions' creator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Style name (`gongwen`, `compact`) or a `.toml` file relative to the manifest.
    #[serde(default = "default_style")]
    pub style: String,
    #[serde(default)]
    pub folios: Folios,
    #[serde(rename = "document")]
    pub documents: Vec<Entry>,
}

fn default_style() -> String {
    "gongwen".into()
}

impl Manifest {
    /// Read and check `path`: one line naming the manifest and what is wrong (exit 2).
    pub fn read(path: &Path) -> Result<Manifest> {
        let bad = |m: String| Error::input(path, m);
        let bytes =
            std::fs::read(path).map_err(|e| bad(format!("cannot read the manifest: {e}")))?;
        let text =
            String::from_utf8(bytes).map_err(|_| bad("the manifest is not UTF-8 text".into()))?;
        let mut m: Manifest = toml::from_str(&text).map_err(|e| bad(toml_error(&text, &e)))?;
        m.title = m.title.trim().to_string();
        if m.title.is_empty() {
            return Err(bad("title: empty".into()));
        }
        if m.documents.is_empty() {
            return Err(bad("no [[document]]: a pack needs at least one".into()));
        }
        // The cover words go into every edition's XML: a control character (XML 1.0 forbids
        // them) is refused here, naming the key, rather than making an ill-formed part.
        let words = [
            ("title", Some(&m.title)),
            ("subtitle", m.subtitle.as_ref()),
            ("issuer", m.issuer.as_ref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_string(), v.clone())))
        .chain(m.documents.iter().enumerate().flat_map(|(k, d)| {
            [
                ("label", &d.label),
                ("title", &d.title),
                ("subtitle", &d.subtitle),
            ]
            .into_iter()
            .filter_map(move |(key, v)| {
                v.clone().map(|v| (format!("document {}: {key}", k + 1), v))
            })
        }));
        for (key, value) in words {
            if let Some(c) = value.chars().find(|&c| c.is_control() && c != '\t') {
                return Err(bad(format!(
                    "{key}: control character U+{:04X} (not allowed in the editions)",
                    c as u32
                )));
            }
        }
        let base = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        for (k, d) in m.documents.iter_mut().enumerate() {
            if d.report.as_os_str().is_empty() {
                return Err(bad(format!("document {}: report: empty", k + 1)));
            }
            d.report = base.join(&d.report);
            d.notes = d.notes.take().map(|n| base.join(n));
            for v in [&mut d.label, &mut d.title, &mut d.subtitle] {
                *v = v
                    .take()
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty());
            }
        }
        if m.style.ends_with(".toml") {
            m.style = base.join(&m.style).display().to_string();
        }
        Ok(m)
    }

    /// What the contents and logs call document `k` (0-based): its label, else its file.
    pub fn name_of(&self, k: usize) -> String {
        let d = &self.documents[k];
        match &d.label {
            Some(l) => format!("document {} ({l}, {})", k + 1, d.report.display()),
            None => format!("document {} ({})", k + 1, d.report.display()),
        }
    }
}

/// toml's message on one line, with the line it points at.
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {msg}")
        }
        None => msg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("pack.toml");
        std::fs::write(&p, text).unwrap();
        (d, p)
    }

    #[test]
    fn paths_are_relative_to_the_manifest() {
        let (d, p) = write(
            "title = \"會議文件\"\nfolios = \"per-document\"\n[[document]]\nreport = \"a/r.txt\"\nnotes = \"a/n.txt\"\nlabel = \" 文件一 \"\n",
        );
        let m = Manifest::read(&p).unwrap();
        assert_eq!(m.documents[0].report, d.path().join("a/r.txt"));
        assert_eq!(m.documents[0].notes, Some(d.path().join("a/n.txt")));
        assert_eq!(m.documents[0].label.as_deref(), Some("文件一"));
        assert_eq!(m.folios, Folios::PerDocument);
        assert_eq!(m.style, "gongwen");
        assert_eq!(m.documents[0].title, None);
    }

    #[test]
    fn a_document_takes_a_title_and_a_subtitle() {
        let (_d, p) = write(
            "title = \"x\"\n[[document]]\nreport = \"r.txt\"\ntitle = \" 关于某事的决议 \"\nsubtitle = \"（某日通过）\"\n",
        );
        let m = Manifest::read(&p).unwrap();
        assert_eq!(m.documents[0].title.as_deref(), Some("关于某事的决议"));
        assert_eq!(m.documents[0].subtitle.as_deref(), Some("（某日通过）"));
        let (_d, p) =
            write("title = \"x\"\n[[document]]\nreport = \"r.txt\"\ntitle = \"a\\u0007\"\n");
        let e = Manifest::read(&p).unwrap_err().to_string();
        assert!(e.contains("document 1: title"), "{e}");
    }

    #[test]
    fn unknown_keys_are_named_on_one_line() {
        let (_d, p) =
            write("title = \"x\"\n[[document]]\nreport = \"r.txt\"\nlable = \"文件一\"\n");
        let e = Manifest::read(&p).unwrap_err().to_string();
        assert!(
            e.contains("pack.toml") && e.contains("lable") && e.contains("line 4"),
            "{e}"
        );
        assert!(!e.contains('\n'), "{e}");
    }

    #[test]
    fn control_characters_in_cover_words_are_refused_naming_the_key() {
        let (_d, p) =
            write("title = \"x\\u0007\"\n[[document]]\nreport = \"r.txt\"\nlabel = \"a\"\n");
        let e = Manifest::read(&p).unwrap_err().to_string();
        assert!(e.contains("title") && e.contains("U+0007"), "{e}");
        let (_d, p) =
            write("title = \"x\"\n[[document]]\nreport = \"r.txt\"\nlabel = \"a\\u001b\"\n");
        let e = Manifest::read(&p).unwrap_err().to_string();
        assert!(
            e.contains("document 1: label") && e.contains("U+001B"),
            "{e}"
        );
    }

    #[test]
    fn a_pack_needs_documents_and_a_known_folio_mode() {
        let (_d, p) = write("title = \"x\"\n");
        assert!(Manifest::read(&p)
            .unwrap_err()
            .to_string()
            .contains("document"));
        let (_d, p) =
            write("title = \"x\"\nfolios = \"roman\"\n[[document]]\nreport = \"r.txt\"\n");
        let e = Manifest::read(&p).unwrap_err().to_string();
        assert!(e.contains("roman"), "{e}");
    }
}
