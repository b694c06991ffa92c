//! What a notes file's reading leaves for the user to see: the lines that are not entries
//! (`notes.skipped` in `check --json`; a warning for lines that are not even headings, an info
//! line for headings and header rows; titles become the annex's title) and an entry far longer than the others (a
//! sign that entries were run together, a warning).
use super::NotesFile;
use crate::check_report::CheckReport;

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

/// Copy the skipped lines into the report and raise the warnings.
pub fn record(file: &NotesFile, report: &mut CheckReport) {
    report.notes.skipped = file.skipped.clone();
    // Titles are used (the annex's title): listed under notes.skipped, not reported.
    let (text, expected): (Vec<_>, Vec<_>) = file
        .skipped
        .iter()
        .filter(|s| s.kind != "title")
        .partition(|s| s.kind == "text");
    if let Some(first) = text.first() {
        report.warn(
            "notes-lines-skipped",
            format!(
                "{} line(s) of the notes file are neither entries nor headings (listed under notes.skipped), the first at line {}: {}",
                text.len(),
                first.line,
                first.text
            ),
            None,
        );
    }
    if !expected.is_empty() {
        let lines: Vec<String> = expected
            .iter()
            .map(|s| format!("{} ({})", s.text, s.kind))
            .collect();
        report.info(
            "notes-lines-skipped",
            format!("not entries: {}", lines.join(", ")),
            None,
        );
    }
    for (number, length, median) in long_entries(file) {
        report.warn(
            "long-note",
            format!(
                "note {number} is {length} characters long, more than {LONG_FACTOR} times the median note ({median}): were several notes run together?"
            ),
            None,
        );
    }
}
