//! Word 97–2003 `.doc` through rwml's structured model (its plain `text()` leaks field codes;
//! the model keeps field results and drops the codes). Main document only: footnotes, headers
//! and other stories are left out by the model's source regions. See docs/doc-reader.md.
use super::Part;
use rwml::{Block, SourceRegionKind};

use crate::read::guard::guarded;

/// Paragraphs and tables of the main document, in order.
pub fn read(bytes: &[u8]) -> Result<Vec<Part>, String> {
    let model = guarded(|| rwml::Document::open(bytes).map(|d| d.model()))
        .ok_or_else(|| "a damaged Word document (the .doc reader failed on it)".to_string())?
        .map_err(describe)?;
    let main: Vec<&Block> = if model.regions.is_empty() {
        model.blocks.iter().collect()
    } else {
        model
            .regions
            .iter()
            .filter(|r| r.kind == SourceRegionKind::Main)
            .flat_map(|r| {
                model
                    .blocks
                    .get(r.block_start..r.block_end)
                    .unwrap_or_default()
            })
            .collect()
    };
    let mut parts = Vec::new();
    for block in main {
        match block {
            Block::Paragraph(p) => parts.push(Part::Paragraph(paragraph(p))),
            Block::Table(t) => parts.push(Part::Table(
                t.rows
                    .iter()
                    .map(|r| r.cells.iter().map(|c| cell(&c.blocks)).collect())
                    .collect(),
            )),
            _ => {}
        }
    }
    Ok(parts)
}

/// Runs not shown in the document as it now reads: hidden text (`fVanish`) and tracked
/// deletions (`fRMarkDel`, read by our rwml patch, vendor/rwml/PATCHES.md).
fn unshown(run: &rwml::Run) -> bool {
    run.props.hidden
        || run
            .revision
            .as_ref()
            .is_some_and(|r| r.kind == rwml::RevisionKind::Deletion)
}

/// One paragraph's text with its automatic number (`1、`) in front, control marks, hidden
/// text and tracked deletions removed.
fn paragraph(p: &rwml::Paragraph) -> String {
    let mut s = String::new();
    if let Some(list) = p.props.list.as_ref().filter(|l| l.ordered) {
        s.push_str(&list.label);
    }
    for run in p.runs.iter().filter(|r| !unshown(r)) {
        for c in run.text.chars() {
            match c {
                '\t' => s.push(' '),
                '\u{B}' => s.push('\n'),
                c if c.is_control() => {}
                c => s.push(c),
            }
        }
    }
    s
}

/// A cell's text: its paragraphs one per line, nested tables flattened.
fn cell(blocks: &[Block]) -> String {
    let mut lines = Vec::new();
    for block in blocks {
        match block {
            Block::Paragraph(p) => lines.push(paragraph(p)),
            Block::Table(t) => {
                for r in &t.rows {
                    for c in &r.cells {
                        lines.push(cell(&c.blocks));
                    }
                }
            }
            _ => {}
        }
    }
    lines.join("\n")
}

fn describe(e: rwml::Error) -> String {
    use rwml::Error as E;
    match e {
        E::UnsupportedVersion(_) => {
            "a Word 6/95 document, which is not supported: save it as Word 97\u{2013}2003 (.doc) or .docx".into()
        }
        E::Encrypted { .. } => {
            "an encrypted (password-protected) Word document: remove the password and save it again".into()
        }
        E::MissingStream(s) => format!("a compound file that is not a Word document (no {s} stream)"),
        E::NotOle2 => "not a Word 97\u{2013}2003 document".into(),
        other => format!("a truncated or damaged Word 97\u{2013}2003 document ({other})"),
    }
}
