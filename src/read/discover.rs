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

/// The file in `folder` whose name matches `named` after cleaning and script folding. When
/// several do, the first in byte order of their names, so the choice never depends on the
/// directory's listing order. A file named exactly `named` is always preferred.
pub fn attachment(folder: &Path, named: &str) -> Option<PathBuf> {
    let named = named.trim();
    if named.is_empty() {
        return None;
    }
    let exact = folder.join(named);
    if Path::new(named)
        .file_name()
        .map(|n| n == named)
        .unwrap_or(false)
        && exact.is_file()
    {
        return Some(exact);
    }
    let wanted = name_key(named);
    let has_extension = Path::new(&wanted).extension().is_some();
    let mut found: Vec<PathBuf> = std::fs::read_dir(folder)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let compared = if has_extension {
                p.file_name()
            } else {
                p.file_stem()
            };
            compared.is_some_and(|n| name_key(&n.to_string_lossy()) == wanted)
        })
        .collect();
    found.sort();
    found.into_iter().next()
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
}
