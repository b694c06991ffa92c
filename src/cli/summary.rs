//! Human-readable messages: the check summary, one line per built document, the batch table.
use baogao::check_report::CheckReport;
use baogao::{Outcome, PassedOver, Run};
use std::fmt::Write;

pub fn check_text(r: &CheckReport) -> String {
    let mut s = String::new();
    let c = &r.cleaning;
    let _ = writeln!(
        s,
        "{}  ({}, {} script)",
        r.input.path, r.input.encoding, r.input.script
    );
    let _ = writeln!(s, "title: {}", r.title);
    let _ = writeln!(
        s,
        "cleaning: {} preamble line(s) dropped, {} pinyin glosses removed, {} punctuation marks made full-width, {} doubled marks collapsed",
        c.preamble_lines.len(),
        c.pinyin_glosses,
        c.punctuation_normalized,
        c.duplicate_punctuation
    );
    for p in &c.preamble_lines {
        let _ = writeln!(s, "  dropped before the title: {p}");
    }
    for x in &c.repaired {
        let _ = writeln!(
            s,
            "  repaired at line {}, column {}: {} \u{2192} {}",
            x.line, x.column, x.before, x.after
        );
    }
    for x in &c.suspicious {
        let _ = writeln!(
            s,
            "  suspicious (left as is) at line {}, column {}: {}",
            x.line, x.column, x.text
        );
    }
    let levels = |l: u8| r.structure.headings.iter().filter(|h| h.level == l).count();
    let _ = writeln!(
        s,
        "structure: {} level-1, {} level-2, {} level-3, {} level-4 headings, {} paragraphs",
        levels(1),
        levels(2),
        levels(3),
        levels(4),
        r.structure.paragraphs
    );
    match &r.notes.source {
        Some(src) => {
            let _ = writeln!(
                s,
                "notes: {} ({}, {}): {} entries, {} matched, {} unmatched, {} line(s) skipped",
                src,
                r.notes.format.as_deref().unwrap_or("?"),
                r.notes.how,
                r.notes.entries,
                r.notes.matched.len(),
                r.notes.unmatched.len(),
                r.notes.skipped.len()
            );
            for u in &r.notes.unmatched {
                let _ = writeln!(s, "  matches nothing in the report: {u}");
            }
            for k in &r.notes.skipped {
                let _ = writeln!(s, "  not an entry (line {}): {}", k.line, k.text);
            }
        }
        None => {
            let _ = writeln!(s, "notes: none ({})", r.notes.how);
        }
    }
    if !r.glyphs.missing.is_empty() {
        let _ = writeln!(
            s,
            "glyphs: no font has {} — drawn as \u{3013}",
            r.glyphs.missing.join(" ")
        );
    }
    let _ = writeln!(s, "warnings: {}", r.warnings.len());
    for w in &r.warnings {
        let _ = writeln!(s, "  {w}");
    }
    s
}

pub fn outcome_line(o: &Outcome) -> String {
    match &o.result {
        Ok(d) => {
            let mut s = format!("{}: ", o.report.display());
            let names: Vec<String> = d
                .written
                .iter()
                .map(|(_, p)| p.display().to_string())
                .collect();
            s += &format!(
                "wrote {}",
                if names.is_empty() {
                    "nothing".into()
                } else {
                    names.join(", ")
                }
            );
            for (f, e) in &d.failed {
                s += &format!("; {} failed: {e}", f.extension());
            }
            s += &format!(
                " ({} notes matched, {} unmatched, {} ms)",
                d.matched,
                d.unmatched,
                o.time.as_millis()
            );
            for w in &d.warnings {
                s += &format!("\n{}: {w}", o.report.display());
            }
            s
        }
        Err(e) => format!("baogao: {e}"),
    }
}

/// The line of a `.txt` a folder build passed over.
pub fn passed_over_line(p: &PassedOver) -> String {
    format!("{}: passed over: {}", p.path.display(), p.why)
}

/// The closing table: one row per document, one per `.txt` passed over, and the count.
pub fn table(run: &Run) -> String {
    let mut s = String::from(
        "\ndocument\tmatched\tunmatched\tsuspicious\tmissing glyphs\teditions\ttime\n",
    );
    let outcomes = &run.outcomes;
    for o in outcomes {
        let name = o.report.display();
        match &o.result {
            Ok(d) => {
                let eds: Vec<&str> = d.written.iter().map(|(f, _)| f.extension()).collect();
                let _ = writeln!(
                    s,
                    "{name}\t{}\t{}\t{}\t{}\t{}\t{} ms",
                    d.matched,
                    d.unmatched,
                    d.suspicious,
                    d.missing_glyphs,
                    if eds.is_empty() {
                        "-".to_string()
                    } else {
                        eds.join(",")
                    },
                    o.time.as_millis()
                );
            }
            Err(e) => {
                let _ = writeln!(s, "{name}\tfailed: {e}");
            }
        }
    }
    for p in &run.passed_over {
        let _ = writeln!(s, "{}\tpassed over: {}", p.path.display(), p.why);
    }
    let failed = outcomes
        .iter()
        .filter(|o| !matches!(&o.result, Ok(d) if d.failed.is_empty()))
        .count();
    let _ = writeln!(
        s,
        "{} documents: {} written, {} failed; {} .txt passed over",
        outcomes.len(),
        outcomes.len() - failed,
        failed,
        run.passed_over.len()
    );
    s
}
