//! Attachment discovery: find the notes file the `附件：` line names, beside the report.
//!
//! Names are compared after cleaning — whitespace dropped, full-width ASCII forms made ASCII,
//! corner brackets and straight quotes made curly quotes, angle brackets made title marks, ASCII
//! letters lower-cased — and script folding, so the line's `《政府工作報告》有關注釋.doc` finds the file
//! `《政府工作报告》有关注释.doc`. When the line names no extension, the file's stem is compared.
use crate::script_convert;
use std::path::{Path, PathBuf};

/// A file name as discovery compares it.
pub fn name_key(name: &str) -> String {
    name.chars()
        .map(script_convert::key)
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '<' | '\u{3008}' => '\u{300A}',  // < 〈 → 《
            '>' | '\u{3009}' => '\u{300B}',  // > 〉 → 》
            '"' => '\u{201C}',               // " → “ (and ” below)
            '\u{201D}' => '\u{201C}',        // ” → “
            '\'' | '\u{2019}' => '\u{2018}', // ' ’ → ‘
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// What discovery found beside a report.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Found {
    /// The attachment, when a usable file matches.
    pub file: Option<PathBuf>,
    /// Matching names that were not used, each with the reason: links leading out of the folder,
    /// files that are not regular files. Reported as `attachment-skipped` warnings.
    pub skipped: Vec<(PathBuf, String)>,
}

/// The file in `folder` whose name matches `named` after cleaning and script folding. When
/// several do, the first in byte order of their names, so the choice never depends on the
/// directory's listing order. A file named exactly `named` is always preferred.
pub fn attachment(folder: &Path, named: &str) -> Option<PathBuf> {
    find(folder, named, None).file
}

/// [`attachment`], with the rules of reading only what the user pointed at: only regular files
/// whose resolved path lies inside `folder` are considered (a link leading out is skipped and
/// listed), and `report` itself is never its own attachment.
pub fn find(folder: &Path, named: &str, report: Option<&Path>) -> Found {
    let mut found = Found::default();
    let named = named.trim();
    if named.is_empty() {
        return found;
    }
    let Ok(inside) = folder.canonicalize() else {
        return found;
    };
    let report = report.and_then(|r| r.canonicalize().ok());
    let usable = |p: &Path, found: &mut Found| -> bool {
        let Ok(resolved) = p.canonicalize() else {
            return false;
        };
        if Some(&resolved) == report.as_ref() {
            return false;
        }
        let Ok(meta) = std::fs::metadata(&resolved) else {
            return false;
        };
        if meta.is_dir() {
            return false;
        }
        if !resolved.starts_with(&inside) {
            found.skipped.push((
                p.to_path_buf(),
                format!(
                    "leads out of the report's folder (to {}): not read",
                    resolved.display()
                ),
            ));
            return false;
        }
        if !meta.is_file() {
            found.skipped.push((
                p.to_path_buf(),
                format!(
                    "is {}, not a regular file: not read",
                    super::limits::kind_of(&meta)
                ),
            ));
            return false;
        }
        true
    };
    let exact = folder.join(named);
    if Path::new(named)
        .file_name()
        .map(|n| n == named)
        .unwrap_or(false)
        && std::fs::symlink_metadata(&exact).is_ok()
        && usable(&exact, &mut found)
    {
        found.file = Some(exact);
        return found;
    }
    let wanted = name_key(named);
    let has_extension = Path::new(&wanted).extension().is_some();
    let Ok(entries) = std::fs::read_dir(folder) else {
        return found;
    };
    let mut matching: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| *p != exact)
        .filter(|p| {
            let compared = if has_extension {
                p.file_name()
            } else {
                p.file_stem()
            };
            compared.is_some_and(|n| name_key(&n.to_string_lossy()) == wanted)
        })
        .collect();
    matching.sort();
    found.file = matching.into_iter().find(|p| usable(p, &mut found));
    found
}

/// The `*.txt` files under a folder, for a batch run: those to read, and those passed over with
/// why (each is listed by the run: nothing is left out without a word).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TextFiles {
    pub files: Vec<PathBuf>,
    pub passed_over: Vec<(PathBuf, String)>,
}

/// The `*.txt` regular files under `dir`, its subfolders included, for a batch run. Only real
/// subfolders are entered (a link to a folder is never followed, so the search cannot loop); a
/// link to a file is kept only when the file it resolves to is a regular file inside `dir`.
/// Other `.txt` names (links leading out of the folder or to no regular file, FIFOs, devices,
/// sockets) are passed over, with why.
pub fn text_files_under(dir: &Path) -> std::io::Result<TextFiles> {
    let inside = dir.canonicalize()?;
    let mut found = TextFiles::default();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let p = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                folders.push(p);
                continue;
            }
            if !p.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt")) {
                continue;
            }
            let why = if kind.is_symlink() {
                match p.canonicalize() {
                    Ok(r) if !r.starts_with(&inside) => {
                        Some("a link leading out of the folder".to_string())
                    }
                    Ok(r) if !r.is_file() => Some("a link to something not a file".to_string()),
                    Ok(_) => None,
                    Err(e) => Some(format!("a link that leads nowhere ({e})")),
                }
            } else if kind.is_file() {
                None
            } else {
                Some("not a regular file (a pipe, device or socket)".to_string())
            };
            match why {
                None => found.files.push(p),
                Some(why) => found.passed_over.push((p, why)),
            }
        }
    }
    found.files.sort();
    found.passed_over.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE_NAMES: &str = "《政府工作報告》有關注釋.doc";
    const FILE: &str = "《政府工作报告》有关注释.doc";

    fn folder(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in files {
            std::fs::write(dir.path().join(f), b"x").unwrap();
        }
        dir
    }

    #[test]
    fn traditional_name_finds_the_simplified_file() {
        let dir = folder(&["report.txt", FILE]);
        assert_eq!(
            attachment(dir.path(), LINE_NAMES),
            Some(dir.path().join(FILE))
        );
    }

    #[test]
    fn the_real_input_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("input/wuyang-2024");
        assert_eq!(attachment(&dir, LINE_NAMES), Some(dir.join(FILE)));
    }

    #[test]
    fn punctuation_width_spaces_and_case_are_cleaned() {
        let dir = folder(&["<政府工作报告>有关注释.DOC"]);
        let found = attachment(dir.path(), "《政府工作報告》 有關注釋\u{FF0E}doc");
        assert_eq!(found, Some(dir.path().join("<政府工作报告>有关注释.DOC")));
        // Without an extension on the line, the stem is compared.
        let found = attachment(dir.path(), "《政府工作報告》有關注釋");
        assert_eq!(found, Some(dir.path().join("<政府工作报告>有关注释.DOC")));
    }

    #[test]
    fn several_matches_choose_the_same_file_every_time() {
        let dir = folder(&[
            "〈政府工作报告〉有关注释.doc",
            "《政府工作报告》 有关注释.doc",
        ]);
        let first = attachment(dir.path(), LINE_NAMES).unwrap();
        let mut names = [
            "〈政府工作报告〉有关注释.doc".to_string(),
            "《政府工作报告》 有关注释.doc".to_string(),
        ];
        names.sort();
        assert_eq!(first, dir.path().join(&names[0]));
        for _ in 0..5 {
            assert_eq!(attachment(dir.path(), LINE_NAMES).unwrap(), first);
        }
    }

    #[test]
    fn an_exact_name_wins_and_nothing_is_invented() {
        let dir = folder(&[FILE, "《政府工作報告》有關注釋.doc"]);
        assert_eq!(
            attachment(dir.path(), LINE_NAMES),
            Some(dir.path().join(LINE_NAMES))
        );
        assert_eq!(attachment(dir.path(), "其他附件.doc"), None);
        assert_eq!(attachment(dir.path(), "  "), None);
        assert_eq!(attachment(&dir.path().join("missing"), LINE_NAMES), None);
        // A folder with the name is not a file.
        let sub = folder(&[]);
        std::fs::create_dir(sub.path().join(FILE)).unwrap();
        assert_eq!(attachment(sub.path(), LINE_NAMES), None);
    }

    #[test]
    fn a_link_out_of_the_folder_is_skipped_and_listed() {
        let secret = folder(&["secret.txt"]);
        let dir = folder(&["report.txt"]);
        let link = dir.path().join("notes.txt");
        std::os::unix::fs::symlink(secret.path().join("secret.txt"), &link).unwrap();
        let found = find(dir.path(), "notes.txt", None);
        assert_eq!(found.file, None);
        assert_eq!(found.skipped.len(), 1);
        assert_eq!(found.skipped[0].0, link);
        assert!(found.skipped[0]
            .1
            .contains("leads out of the report's folder"));
        // Found by its cleaned name too, never followed.
        let found = find(dir.path(), "NOTES .txt", None);
        assert_eq!((found.file, found.skipped.len()), (None, 1));
        // A link inside the folder is followed.
        std::fs::write(dir.path().join("real.txt"), b"1.x").unwrap();
        std::os::unix::fs::symlink("real.txt", dir.path().join("inner.txt")).unwrap();
        let found = find(dir.path(), "inner.txt", None);
        assert_eq!(found.file, Some(dir.path().join("inner.txt")));
        assert!(found.skipped.is_empty());
    }

    #[test]
    fn the_report_is_never_its_own_attachment() {
        let dir = folder(&["report.txt", "report"]);
        let report = dir.path().join("report.txt");
        let found = find(dir.path(), "report", Some(&report));
        assert_eq!(found.file, Some(dir.path().join("report")));
        std::fs::remove_file(dir.path().join("report")).unwrap();
        assert_eq!(find(dir.path(), "report", Some(&report)), Found::default());
        assert_eq!(
            find(dir.path(), "report.txt", Some(&report)),
            Found::default()
        );
    }

    #[test]
    fn a_batch_search_stays_inside_and_never_loops() {
        let outside = folder(&["other.txt"]);
        let dir = folder(&["a.txt", "b.doc"]);
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/c.TXT"), b"x").unwrap();
        let link = |to: &Path, name: &str| {
            std::os::unix::fs::symlink(to, dir.path().join(name)).unwrap();
        };
        link(dir.path(), "loop"); // a folder link back to the top
        link(&outside.path().join("other.txt"), "out.txt");
        link(&dir.path().join("a.txt"), "in.txt");
        let fifo = dir.path().join("pipe.txt");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let found = text_files_under(dir.path()).unwrap();
        let name = |p: &Path| {
            p.strip_prefix(dir.path())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        };
        let names: Vec<_> = found.files.iter().map(|p| name(p)).collect();
        assert_eq!(names, ["a.txt", "in.txt", "sub/c.TXT"]);
        // The others are passed over, each with why.
        let over: Vec<_> = found
            .passed_over
            .iter()
            .map(|(p, why)| (name(p), why.as_str()))
            .collect();
        assert_eq!(
            over,
            [
                ("out.txt".to_string(), "a link leading out of the folder"),
                (
                    "pipe.txt".to_string(),
                    "not a regular file (a pipe, device or socket)"
                ),
            ]
        );
    }

    #[test]
    fn fifos_are_skipped_and_listed() {
        let dir = folder(&[]);
        let fifo = dir.path().join("notes.txt");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let found = find(dir.path(), "notes.txt", None);
        assert_eq!(found.file, None);
        assert!(
            found.skipped[0].1.contains("named pipe"),
            "{:?}",
            found.skipped
        );
    }
}
