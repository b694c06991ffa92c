//! What a notes file's reading leaves for the user to see: the lines that are not entries
//! (`notes.skipped` in `check --json`; a warning for lines that are not even headings, an info
//! line for headings and header rows; titles become the annex's title) and an entry far longer than the others (a
//! sign that entries were run together, a warning).
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
