//! The warnings that follow from what reading and the passes recorded in the check report
//! (passes may also raise their own as they go). Codes are listed in the README.
use crate::check_report::CheckReport;
use crate::passes;
use crate::read::notes::findings::{long_entries, odd_entries, LONG_FACTOR};
use crate::read::notes::NotesFile;

/// Warnings that follow from what the passes recorded (passes may also raise their own).
pub fn raise(report: &mut CheckReport) {
    passes::clean::controls::warn(report);
    decoding(report);
    let dropped = [
        (
            report.cleaning.preamble_lines.len(),
            "before the title",
            "preamble_lines",
        ),
        (
            report.cleaning.chrome_lines.len(),
            "of web page chrome",
            "chrome_lines",
        ),
    ];
    for (n, what, key) in dropped.into_iter().filter(|d| d.0 > 0) {
        report.info(
            "dropped-lines",
            format!("{n} line(s) {what} dropped (listed under cleaning.{key})"),
            None,
        );
    }
    let doubtful: Vec<_> = report.cleaning.possible_chrome.clone();
    for l in doubtful {
        report.warn(
            "possible-chrome",
            format!(
                "{} looks like web page chrome but stands inside the report; kept (listed under \
                 cleaning.possible_chrome): remove it from the text if it is not the report's",
                l.text
            ),
            Some(l.line),
        );
    }
    if report.cleaning.page_references > 0 {
        report.info(
            "page-references",
            format!(
                "{} page reference(s) to the source's own pages removed (listed under \
                 cleaning.removed)",
                report.cleaning.page_references
            ),
            None,
        );
    }
    let quotes: Vec<_> = report.cleaning.unpaired_quotes.clone();
    for q in quotes {
        report.warn(
            "unpaired-quote",
            format!(
                "column {}: straight quote {} has no partner on its line; left as it is",
                q.column, q.text
            ),
            Some(q.line),
        );
    }
    let repaired: Vec<_> = report.cleaning.repaired.clone();
    for r in repaired {
        report.info(
            "repaired-text",
            format!("column {}: {} \u{2192} {}", r.column, r.before, r.after),
            Some(r.line),
        );
    }
    let spans: Vec<_> = report.cleaning.suspicious.clone();
    for s in spans {
        report.warn(
            "suspicious-text",
            format!(
                "column {}: corrupted text left as it is: {}",
                s.column, s.text
            ),
            Some(s.line),
        );
    }
    if !report.notes.unmatched.is_empty() {
        let n = report.notes.unmatched.len();
        let terms = report.notes.unmatched.join(", ");
        let source = report.notes.source.clone().unwrap_or_default();
        report.warn(
            "unmatched-notes",
            format!("{n} note(s) of {source} match nothing in the report: {terms}"),
            None,
        );
    }
}

/// Undecodable bytes above this many make `build` warn with their count (each one is also a
/// suspicious span of its own). Zero: every lost byte is a doubt worth a line.
const REPLACEMENTS_WARNED: usize = 0;

/// Warnings about how the report was decoded: undecodable bytes (`suspicious-text`, with the
/// count) and lines in a second encoding (`mixed-encoding`).
fn decoding(report: &mut CheckReport) {
    let input = &report.input;
    let (n, encoding) = (input.replacement_characters, input.encoding.clone());
    let mixed = input
        .other_encoding
        .clone()
        .map(|other| (input.other_encoding_lines, other));
    if n > REPLACEMENTS_WARNED {
        report.warn(
            "suspicious-text",
            format!("{n} undecodable byte sequence(s) in {encoding} became U+FFFD: the text there is lost"),
            None,
        );
    }
    if let Some((lines, other)) = mixed {
        report.warn(
            "mixed-encoding",
            format!("the report mixes encodings: {lines} line(s) read as {other}, the rest as {encoding}; check those lines"),
            None,
        );
    }
}

/// Copy the skipped lines into the report and raise the warnings.
pub fn notes_file(file: &NotesFile, report: &mut CheckReport) {
    report.notes.skipped = file.skipped.clone();
    // Titles are used (the annex's title): listed under notes.skipped, not reported.
    // Duplicates have their own warning below.
    let (text, expected): (Vec<_>, Vec<_>) = file
        .skipped
        .iter()
        .filter(|s| s.kind != "title" && s.kind != "duplicate")
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
    for d in &file.duplicates {
        report.warn(
            "duplicate-term",
            format!(
                "the notes file gives `{}` twice, at lines {} and {}: the first is the note (at the term's first occurrence in the report), the second is listed under notes.skipped",
                d.term, d.first, d.line
            ),
            None,
        );
    }
    for (number, term, why) in odd_entries(file) {
        report.warn(
            "odd-note",
            format!(
                "note {number} (`{term}`) does not read as a term with a Chinese explanation ({why}): is it a note?"
            ),
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
