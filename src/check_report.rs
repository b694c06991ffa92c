//! The check report: what reading and the passes found and changed. `check --json` prints it;
//! `build` prints its summary. Keys listed in the foundation issue are relied on by users' scripts.
use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    pub input: InputInfo,
    pub title: String,
    pub cleaning: Cleaning,
    pub structure: Structure,
    pub notes: NotesInfo,
    pub glyphs: Glyphs,
    /// Doubts raised while reading and passing: printed by `build` on stderr, listed by `check`.
    /// `--strict` turns any of severity `warning` into exit 4 with nothing written.
    pub warnings: Vec<Warning>,
}

impl CheckReport {
    /// Raise a warning (severity `warning`).
    pub fn warn(&mut self, code: &'static str, message: impl Into<String>, line: Option<usize>) {
        self.push(Severity::Warning, code, message.into(), line);
    }
    /// Record something dropped or changed on purpose that the user may want to see (`info`).
    pub fn info(&mut self, code: &'static str, message: impl Into<String>, line: Option<usize>) {
        self.push(Severity::Info, code, message.into(), line);
    }
    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        message: String,
        line: Option<usize>,
    ) {
        self.warnings.push(Warning {
            code: code.to_string(),
            severity,
            message,
            line,
        });
    }
    /// The warnings `--strict` refuses (severity `warning`, not `info`).
    pub fn strict_failures(&self) -> impl Iterator<Item = &Warning> {
        self.warnings
            .iter()
            .filter(|w| w.severity == Severity::Warning)
    }
}

/// How much a warning matters: `warning` (something may be wrong in the editions; `--strict`
/// refuses it) or `info` (something was dropped or changed on purpose and is listed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Info,
}

/// One doubt, with a stable code users' scripts can rely on (README, "Warnings").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// 1-based line of the report (or of the notes file, where the message says so).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        match self.line {
            Some(l) => write!(f, "{sev}[{}] line {l}: {}", self.code, self.message),
            None => write!(f, "{sev}[{}]: {}", self.code, self.message),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct InputInfo {
    pub path: String,
    pub encoding: String,
    /// Detected script of the body: `hans` or `hant`.
    pub script: String,
    /// Script of the editions after `--script`.
    pub output_script: String,
    /// A file mixing encodings: lines decoded in another encoding than `encoding`, and which.
    pub other_encoding_lines: usize,
    pub other_encoding: Option<String>,
    /// Undecodable bytes left as U+FFFD.
    pub replacement_characters: usize,
}

/// A span left untouched because it looks corrupted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suspicious {
    /// 1-based line of the raw file.
    pub line: usize,
    /// 1-based column, in characters of the raw line, of the first corrupted character.
    pub column: usize,
    /// The span left untouched around it.
    pub text: String,
    /// 1-based column where `text` starts.
    pub span_column: usize,
    /// 1-based columns of the characters that made the span suspicious (private use, U+FFFD,
    /// `?` inside a word).
    pub flagged: Vec<usize>,
}

/// A corrupted span repaired from its bytes (docs/repair.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repaired {
    /// 1-based line of the raw file.
    pub line: usize,
    /// 1-based column, in characters of the raw line, of the first corrupted character.
    pub column: usize,
    /// The corrupted span as found.
    pub before: String,
    /// What it was before the damage, glosses removed.
    pub after: String,
    /// `gloss-shift` (a gloss inserted across a character boundary) or `cut` (the stream cut
    /// after a lead byte).
    pub method: String,
    /// Characters of `after` not fully determined by the bytes (a cut's lost character).
    pub inferred: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Cleaning {
    pub preamble_lines: Vec<String>,
    /// Lines of a scraped page's chrome (buttons, source/time lines, related links) dropped
    /// around the report.
    pub chrome_lines: Vec<DroppedLine>,
    pub pinyin_glosses: usize,
    pub punctuation_normalized: usize,
    pub duplicate_punctuation: usize,
    pub suspicious: Vec<Suspicious>,
    /// Lines dropped because they were only a page number of the source (`— 3 —`, `第3页`);
    /// each is also in `removed`.
    pub folios_dropped: usize,
    /// Every line joined with the line before it (hard wraps, a text layer's column, subscript
    /// fragments), with both lines, so each join can be checked.
    pub lines_joined: Vec<Join>,
    /// Page furniture of a PDF's text layer dropped (form feeds, page numbers, running heads,
    /// also where glued into a line), each with its line and column (docs/text-layers.md).
    pub page_furniture: Vec<Removed>,
    /// Runs of spaces a PDF's text layer puts between Chinese and Latin letters or digits
    /// (`从  2020年`), removed.
    pub extraction_spaces: usize,
    /// Straight quotes left as they are because nothing pairs them.
    pub unpaired_quotes: Vec<QuoteAt>,
    /// Corrupted spans repaired from their bytes (docs/repair.md); not listed in `suspicious`.
    pub repaired: Vec<Repaired>,
    /// Characters removed by cleaning, other than whole glosses and preamble lines (e.g. the
    /// first mark of a doubled pair), so nothing disappears unreported.
    pub removed: Vec<Removed>,
    /// Control characters removed (XML forbids them); each line that lost any is in `removed`.
    pub control_characters: usize,
}

/// A character of the report, by 1-based line and column of the raw line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteAt {
    pub line: usize,
    pub column: usize,
    pub text: String,
}

/// A whole line dropped from the report, with its 1-based source line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DroppedLine {
    pub line: usize,
    pub text: String,
}

/// One line joined with the line before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Join {
    /// 1-based source line joined…
    pub line: usize,
    /// …onto the end of this one (the line before it in the text, furniture set aside).
    pub onto: usize,
    /// The joined line's text as it was appended.
    pub text: String,
    /// `hard wrap` (no sentence end), `column` (the line before reaches a text layer's
    /// column) or `subscript` (a fragment like `2.5` set back after its `PM`).
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removed {
    pub line: usize,
    pub column: usize,
    pub text: String,
    pub why: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Heading {
    pub level: u8,
    pub text: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Structure {
    pub headings: Vec<Heading>,
    pub paragraphs: usize,
    /// The file name the `附件：` line names.
    pub attachment: Option<String>,
    /// Annexes printed inside the report (`附件2 名词解释`), in order.
    pub annexes: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MatchedNote {
    pub number: u32,
    pub entry: u32,
    pub term: String,
    pub block: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct NotesInfo {
    /// The annotations file used (given with `--notes` or discovered).
    pub source: Option<String>,
    /// How the file was found: `given`, `discovered`, or why none was used.
    pub how: String,
    pub format: Option<String>,
    pub entries: usize,
    pub matched: Vec<MatchedNote>,
    pub unmatched: Vec<String>,
    /// Lines of the notes file that are not (part of) any entry.
    pub skipped: Vec<crate::model::Skipped>,
    /// Note marks already in the text (`[4]`, `¹²`) that no note claims, kept as text.
    pub unclaimed_marks: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Glyphs {
    /// `U+XXXX` of every character no font covers; drawn as U+3013.
    pub missing: Vec<String>,
    /// Characters their role's face lacks, drawn by a face of the role's fallback chain.
    pub fallback: Vec<FallbackGlyph>,
}

/// One character drawn by a fallback face (`glyphs.fallback`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FallbackGlyph {
    /// `U+XXXX`.
    pub code: String,
    pub char: String,
    /// The role asked to draw it, and the family of its face.
    pub role: String,
    pub family: String,
    /// The role that draws it, and the family of that face.
    pub drawn_by: String,
    pub drawn_family: String,
}
