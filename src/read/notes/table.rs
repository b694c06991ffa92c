//! Rows of cells → entries. Notes tables have 2 or 3 columns (序号 | 名词 | 解释), with or without
//! a header row; the entry number may stand in its own column or inside the term cell
//! (`1.“放管服效”`). Without a header, the term and note columns are the first two text columns.
//! Header cells are compared after script folding (`詞條` is `词条`), in either script.
use super::text::{heading_text, is_blank, join, split_number};
use super::{entry, marks, Parsed, Skipped, MAX_ENTRIES, MAX_ROWS};

const TERM_HEADERS: [&str; 6] = ["词条", "名词", "术语", "条目", "名称", "项目"];
const NOTE_HEADERS: [&str; 6] = ["注释", "解释", "说明", "释义", "含义", "内容"];
const INDEX_HEADERS: [&str; 2] = ["序号", "编号"];

#[derive(Debug, Clone, Copy)]
pub(crate) struct Columns {
    index: Option<usize>,
    term: usize,
    note: usize,
}

fn is_header_cell(cell: &str, names: &[&str]) -> bool {
    let cell = crate::script_convert::fold(cell.trim_matches(is_blank));
    cell.chars().count() <= 8 && names.iter().any(|n| cell.contains(n))
}

/// Columns named by a header row.
pub(crate) fn header(row: &[String]) -> Option<Columns> {
    let find = |names: &[&str]| row.iter().position(|c| is_header_cell(c, names));
    let term = find(&TERM_HEADERS)?;
    let note = find(&NOTE_HEADERS)?;
    (term != note).then_some(Columns {
        index: find(&INDEX_HEADERS),
        term,
        note,
    })
}

/// A bare entry number (`3`, `3.`, `3、`).
fn bare_number(cell: &str) -> Option<u32> {
    let cell = cell.trim_matches(is_blank);
    let digits = cell.trim_end_matches(['.', '\u{3001}', '\u{FF0E}']);
    (!digits.is_empty() && digits.len() <= 5 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// Columns of a table without header: the first two text columns; a numeric column before the
/// term column is the index.
fn guess(rows: &[&Vec<String>]) -> Option<Columns> {
    let width = rows.iter().map(|r| r.len()).max()?;
    let text_column = |c: usize| {
        rows.iter().any(|r| {
            r.get(c)
                .is_some_and(|s| !s.trim_matches(is_blank).is_empty() && bare_number(s).is_none())
        })
    };
    let mut text = (0..width).filter(|&c| text_column(c));
    let term = text.next()?;
    let note = text.next()?;
    let index = (0..term).find(|&c| {
        let number = |r: &&Vec<String>| r.get(c).and_then(|s| bare_number(s)).is_some();
        let empty = |r: &&Vec<String>| r.get(c).is_none_or(|s| s.trim_matches(is_blank).is_empty());
        rows.iter().any(number) && rows.iter().all(|r| number(r) || empty(r))
    });
    Some(Columns { index, term, note })
}

/// Rows numbered 1, 2, … in order.
pub(crate) fn entries(rows: &[Vec<String>]) -> Result<Parsed, String> {
    let rows: Vec<(usize, Vec<String>)> = rows
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, r)| (i + 1, r))
        .collect();
    numbered_entries(&rows)
}

/// Rows with their own numbers (a row's position in a document).
pub(crate) fn numbered_entries(rows: &[(usize, Vec<String>)]) -> Result<Parsed, String> {
    if rows.len() > MAX_ROWS {
        return Err(format!(
            "more than {MAX_ROWS} rows: not an annotations table"
        ));
    }
    let cell = |r: &Vec<String>, c: usize| {
        r.get(c)
            .map(|s| s.trim_matches(is_blank).to_string())
            .unwrap_or_default()
    };
    let filled = |r: &Vec<String>| {
        r.iter()
            .filter(|c| !c.trim_matches(is_blank).is_empty())
            .count()
    };
    let joined = |r: &Vec<String>| {
        r.iter()
            .map(|c| c.trim_matches(is_blank))
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut skipped = Vec::new();
    let mut title = None;
    let mut body: Vec<(usize, &Vec<String>)> = Vec::new();
    let mut columns = None;
    for (at, row) in rows {
        match filled(row) {
            0 => {}
            1 => {
                let text = joined(row);
                if title.is_none() && body.is_empty() && marks::is_title(&text) {
                    title = Some(heading_text(&text));
                }
                skipped.push(Skipped::new(*at, &text));
            }
            _ if columns.is_none() && body.len() < 3 && header(row).is_some() => {
                columns = header(row);
                // Rows above the header (titles, notes to the reader) are not entries.
                skipped.extend(body.drain(..).map(|(at, r)| Skipped::new(at, &joined(r))));
                skipped.push(Skipped::header(*at, &joined(row)));
            }
            _ => body.push((*at, row)),
        }
    }
    let rows_only: Vec<&Vec<String>> = body.iter().map(|(_, r)| *r).collect();
    let Some(columns) = columns.or_else(|| guess(&rows_only)) else {
        skipped.sort_by_key(|s| s.line);
        return Ok(Parsed {
            entries: Vec::new(),
            skipped,
            title,
            ..Parsed::default()
        });
    };
    let mut entries: Vec<crate::model::Entry> = Vec::new();
    let mut pending: Vec<(u32, String, String)> = Vec::new();
    for (at, row) in body {
        let mut term = cell(row, columns.term);
        let note = cell(row, columns.note);
        let mut number = columns.index.and_then(|c| bare_number(&cell(row, c)));
        let expected = pending.last().map_or(1, |p| p.0 + 1);
        if let Some((n, rest)) = split_number(&term, number.unwrap_or(expected)) {
            number = number.or(Some(n));
            term = rest.to_string();
        }
        match (term.is_empty(), note.is_empty()) {
            (false, false) => {
                if pending.len() >= MAX_ENTRIES {
                    return Err(format!("more than {MAX_ENTRIES} notes"));
                }
                let n = number.unwrap_or_else(|| pending.last().map_or(1, |p| p.0 + 1));
                pending.push((n, term, note));
            }
            // A note running on into the next row (merged term cell).
            (true, false) if !pending.is_empty() => {
                if let Some(last) = pending.last_mut() {
                    join(&mut last.2, &note);
                }
            }
            _ => skipped.push(Skipped::new(at, &joined(row))),
        }
    }
    entries.extend(pending.iter().map(|(n, t, x)| entry(*n, t, x)));
    skipped.sort_by_key(|s| s.line);
    Ok(Parsed {
        entries,
        skipped,
        title,
        ..Parsed::default()
    })
}

#[cfg(test)]
mod tests {
    use super::entries;

    fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn three_columns_with_header() {
        let parsed = entries(&rows(&[
            &["有关注释"],
            &["序号", "名词", "解释"],
            &["1", "\u{201C}三保\u{201D}", "保基本民生、保工资、保运转。"],
            &["2", "专项债", "地方政府专项债券(简称)。"],
        ]))
        .unwrap();
        assert_eq!(parsed.entries.len(), 2);
        assert_eq!(parsed.entries[1].number, 2);
        assert_eq!(parsed.entries[1].term, "专项债");
        // Raw, as the file holds it: the clean pass normalises punctuation.
        assert_eq!(parsed.entries[1].text, "地方政府专项债券(简称)。");
        assert_eq!(parsed.skipped.len(), 2);
    }

    #[test]
    fn two_columns_without_header_number_in_term_cell() {
        let parsed = entries(&rows(&[
            &["7.\u{201C}四风\u{201D}", "形式主义。"],
            &["8.新质生产力", "当代先进生产力。"],
        ]))
        .unwrap();
        assert_eq!(parsed.entries[0].number, 7);
        assert_eq!(parsed.entries[0].term, "\u{201C}四风\u{201D}");
        assert_eq!(parsed.entries[1].term, "新质生产力");
    }

    #[test]
    fn numbers_by_position_when_none_given() {
        let parsed = entries(&rows(&[
            &["", "3", "\u{201C}三保\u{201D}", "保运转。"],
            &["", "", "专项债", "债券。"],
        ]))
        .unwrap();
        assert_eq!(parsed.entries[0].number, 3);
        assert_eq!(parsed.entries[1].number, 4);
    }
}
