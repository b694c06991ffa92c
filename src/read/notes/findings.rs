//! What a notes file's reading leaves for the user to see: the lines that are not entries
//! (`notes.skipped` in `check --json`; a warning for lines that are not even headings, an info
//! line for headings and header rows; titles become the annex's title), an entry far longer than the others (a
//! sign that entries were run together, a warning) and an entry that does not read as a term
//! with a Chinese explanation, in a file most of whose entries do (a warning).
use super::NotesFile;

/// An entry longer than this many times the median entry is reported.
pub const LONG_FACTOR: usize = 10;

/// Entries whose text is longer than [`LONG_FACTOR`] × the median (with at least 3 entries):
/// their numbers, lengths in characters, and the median.
pub fn long_entries(file: &NotesFile) -> Vec<(u32, usize, usize)> {
    let mut lengths: Vec<usize> = file
        .entries
        .iter()
        .map(|e| e.text.chars().count())
        .collect();
    if lengths.len() < 3 {
        return Vec::new();
    }
    lengths.sort_unstable();
    let median = lengths[lengths.len() / 2].max(1);
    file.entries
        .iter()
        .map(|e| (e.number, e.text.chars().count()))
        .filter(|&(_, n)| n > LONG_FACTOR * median)
        .map(|(number, n)| (number, n, median))
        .collect()
}

/// Entries that do not read as a term with a Chinese explanation (see `shape`): their numbers,
/// terms and why. A file where most do not is refused before this; these are the few left.
pub fn odd_entries(file: &NotesFile) -> Vec<(u32, &str, &'static str)> {
    file.entries
        .iter()
        .filter_map(|e| super::shape::not_a_note(e).map(|why| (e.number, e.term.as_str(), why)))
        .collect()
}
