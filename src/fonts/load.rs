//! Reading the style's font files: each distinct file once, checked to be TrueType (`glyf`)
//! with a Unicode `cmap`.
use crate::error::{Error, Result};
use crate::style::{Role, Style};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// One full font file, mapped from disk.
pub(crate) struct FontFile {
    pub path: PathBuf,
    pub data: memmap2::Mmap,
}

impl FontFile {
    /// Read and check one font file.
    pub fn read(path: &Path, role: Role) -> Result<FontFile> {
        let fail = |message: String| Error::Font {
            path: path.to_path_buf(),
            message,
        };
        let cannot = |e: std::io::Error| {
            fail(format!(
                "cannot read the {} font: {}",
                role.name(),
                io_reason(&e)
            ))
        };
        let file = std::fs::File::open(path).map_err(cannot)?;
        if !file.metadata().map_err(cannot)?.is_file() {
            return Err(fail(format!(
                "cannot read the {} font: not a file",
                role.name()
            )));
        }
        // Mapped, not read: the five faces are 64 MB and a run touches a few MB of them (the
        // character maps, headers and the outlines of the characters drawn). Copying them in
        // took a quarter of a run's time (docs/benchmarks.md).
        // SAFETY: the map is read-only and lives as long as the FontFile. The fonts are the
        // style's own files; if another process truncated one during the run, reading it
        // could fault, which is the accepted cost of mapping (as in fontdb and typst).
        let data = unsafe { memmap2::Mmap::map(&file) }.map_err(cannot)?;
        check(&data).map_err(fail)?;
        Ok(FontFile {
            path: path.to_path_buf(),
            data,
        })
    }

    /// The parsed face (cheap: the table directory and a few headers).
    pub fn face(&self) -> ttf_parser::Face<'_> {
        ttf_parser::Face::parse(&self.data, 0).expect("checked when the file was read")
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Why `data` cannot serve as a face of ours, if it cannot.
fn check(data: &[u8]) -> std::result::Result<(), String> {
    let face = ttf_parser::Face::parse(data, 0)
        .map_err(|e| format!("not a TrueType/OpenType font ({e})"))?;
    let raw = face.raw_face();
    let has = |tag: &[u8; 4]| raw.table(ttf_parser::Tag::from_bytes(tag)).is_some();
    if has(b"CFF ") || has(b"CFF2") {
        return Err(
            "CFF-flavoured OpenType (no glyf outlines); the PDF edition needs a \
                    TrueType (.ttf) font"
                .into(),
        );
    }
    if !has(b"glyf") || !has(b"loca") {
        return Err("no glyf/loca outlines; a TrueType (.ttf) font is needed".into());
    }
    let unicode_cmap = face
        .tables()
        .cmap
        .is_some_and(|c| c.subtables.into_iter().any(|s| s.is_unicode()));
    if !unicode_cmap {
        return Err("no Unicode character map (cmap)".into());
    }
    Ok(())
}

/// Every distinct file the style names, read in parallel, and which file serves each role.
/// The distinct font files, and which file each role uses (index into the first).
type Files = (Vec<FontFile>, Vec<(Role, usize)>);

pub(crate) fn read_all(style: &Style) -> Result<Files> {
    let mut paths: Vec<(PathBuf, Role)> = Vec::new();
    let mut roles = Vec::new();
    for role in Role::ALL {
        let path = style.font_path(role);
        let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        let index = match paths
            .iter()
            .position(|(p, _)| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()) == key)
        {
            Some(i) => i,
            None => {
                paths.push((path, role));
                paths.len() - 1
            }
        };
        roles.push((role, index));
    }
    // Collect every outcome, then report the first failure in role order (deterministic).
    let files = paths
        .par_iter()
        .map(|(path, role)| FontFile::read(path, *role))
        .collect::<Vec<_>>()
        .into_iter()
        .collect::<Result<Vec<_>>>()?;
    Ok((files, roles))
}
