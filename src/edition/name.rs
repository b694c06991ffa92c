//! Edition names: the one place a run decides what its files are called.
//!
//! A document's stem is its title as the passes left it (cleaned of pinyin glosses and
//! punctuation noise, converted to the edition's script, before any glyph substitution: names
//! never depend on the fonts), made safe for file systems. Within one run names are unique by
//! construction, decided in input order: the first document with a title keeps it, a later one
//! gets its folder's name appended (`<title>_<folder>`), and a number (`_2`, `_3`, …) when that
//! is taken too. A stem longer than [`MAX_STEM`] bytes is cut at a character boundary and ends
//! in `~` and eight hex digits of the SHA-256 of the full stem, so two long names that share
//! their beginning still differ (and should two cut names still meet, the next candidate is
//! taken: uniqueness never rests on the hash).
use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// Longest stem in bytes: 255 (the usual file-name limit) less the longest extension (`.epub`,
/// `.docx`: 5 bytes).
pub const MAX_STEM: usize = 250;

/// What one document of a run is named from.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// The cleaned, script-converted title (empty when the report has none).
    pub title: String,
    /// The name of the report's folder (used to tell documents with the same title apart).
    pub folder: Option<String>,
}

/// The stems of a run's documents, in input order, unique within the run (compared without
/// case, for case-insensitive file systems). `given` is the user's `--name` (single report).
pub fn stems(sources: &[Source], given: Option<&str>) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(sources.len());
    for s in sources {
        let base = match given {
            Some(g) => g.to_string(),
            None => safe_stem(&s.title),
        };
        let mut candidates = vec![fit(&base, "")];
        if let Some(folder) = &s.folder {
            candidates.push(fit(&base, &format!("_{}", safe_stem(folder))));
        }
        let stem = candidates
            .into_iter()
            .find(|c| !taken.contains(&c.to_lowercase()))
            .unwrap_or_else(|| {
                (2..)
                    .map(|n| fit(&base, &format!("_{n}")))
                    .find(|c| !taken.contains(&c.to_lowercase()))
                    .expect("some number is free")
            });
        taken.insert(stem.to_lowercase());
        out.push(stem);
    }
    out
}

/// `base` followed by `suffix`, within [`MAX_STEM`] bytes: when too long, the whole is cut at
/// a character boundary (the title, at the front, is kept as long as it can be) and marked with
/// a short hash of the whole, so names cut alike still differ.
fn fit(base: &str, suffix: &str) -> String {
    let whole = format!("{base}{suffix}");
    if whole.len() <= MAX_STEM {
        return whole;
    }
    let hash = Sha256::digest(whole.as_bytes());
    let mark = format!(
        "~{:02x}{:02x}{:02x}{:02x}",
        hash[0], hash[1], hash[2], hash[3]
    );
    let mut cut = MAX_STEM - mark.len();
    while !whole.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{mark}", &whole[..cut])
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

/// `--name` is a file stem, nothing more: no path separators, no `..`, not empty, no control
/// characters, within [`MAX_STEM`] bytes.
pub fn check_given(name: &str) -> Result<()> {
    let refuse = |why: &str| Err(Error::Usage(format!("--name '{name}': {why}")));
    if name.trim().is_empty() {
        return refuse("empty; give a file name without folder or extension");
    }
    if name.contains(['/', '\\']) {
        return refuse("contains a path separator; give a file name only (the folder is -o)");
    }
    if name.contains("..") || name.starts_with('.') {
        return refuse("starts with a dot or contains `..`; give a plain file name");
    }
    if name.chars().any(|c| c.is_control()) {
        return refuse("contains a control character");
    }
    if name.len() > MAX_STEM {
        return refuse(&format!("longer than {MAX_STEM} bytes"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(title: &str, folder: &str) -> Source {
        Source {
            title: title.into(),
            folder: Some(folder.into()),
        }
    }

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
    fn same_titles_get_the_folder_then_a_number_in_input_order() {
        let s = stems(
            &[
                src("政府工作报告", "a"),
                src("政府工作报告", "b"),
                src("政府工作报告", "b"),
                src("政府工作报告_b", "c"),
                src("政府工作报告", "a"),
            ],
            None,
        );
        assert_eq!(
            s,
            [
                "政府工作报告",
                "政府工作报告_b",
                "政府工作报告_2",
                "政府工作报告_b_c",
                "政府工作报告_a"
            ]
        );
        let unique: HashSet<_> = s.iter().collect();
        assert_eq!(unique.len(), s.len());
    }

    #[test]
    fn long_names_are_cut_at_a_character_boundary_with_a_hash() {
        let long = "政".repeat(200); // 600 bytes
        let other = format!("{}府", "政".repeat(199));
        let s = stems(&[src(&long, "x"), src(&long, "x"), src(&other, "x")], None);
        for stem in &s {
            assert!(stem.len() <= MAX_STEM, "{} bytes", stem.len());
            assert!(stem.starts_with("政政政"));
        }
        assert_ne!(s[0], s[2], "the hash tells two long titles apart");
        assert_ne!(s[0], s[1]);
        assert!(s[1].contains('~'), "{}", s[1]);
        assert_eq!(
            s,
            stems(&[src(&long, "x"), src(&long, "x"), src(&other, "x")], None)
        );
    }

    #[test]
    fn given_names_are_file_stems_only() {
        for bad in [
            "", " ", "../x", "a/b", "a\\b", "..", "x..y", ".hidden", "a\u{7}b",
        ] {
            assert!(
                matches!(check_given(bad), Err(Error::Usage(_))),
                "{bad:?} accepted"
            );
        }
        check_given("舞阳2024").unwrap();
        assert!(check_given(&"x".repeat(MAX_STEM + 1)).is_err());
    }
}
