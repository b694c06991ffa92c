//! Spreadsheets (.xlsx .xls .ods) through calamine: the first non-empty sheet, read as a table.
use super::{table, Parsed, MAX_ROWS};
use calamine::{Data, Ods, Reader, Xls, Xlsx};
use std::collections::BTreeMap;
use std::io::Cursor;

/// Widest sheet read (notes tables have 2 or 3 columns).
const MAX_COLUMNS: u32 = 256;

type Rows = Vec<Vec<String>>;

pub(crate) fn read(bytes: &[u8], format: &'static str) -> Result<Parsed, String> {
    let damaged = |e: String| match e.contains("limit") {
        true => format!("a {format} spreadsheet too large for an annotations table ({e})"),
        false => format!("a damaged {format} spreadsheet ({e})"),
    };
    let rows = crate::read::guard::guarded(|| match format {
        "xlsx" => xlsx(bytes),
        "xls" => dense(Xls::new(Cursor::new(bytes)).map_err(|e| e.to_string())?),
        _ => dense(Ods::new(Cursor::new(bytes)).map_err(|e| e.to_string())?),
    })
    .ok_or_else(|| damaged("the spreadsheet reader failed on it".into()))?
    .map_err(damaged)?;
    table::entries(&rows)
}

fn text(value: Data) -> String {
    match value {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        other => other.to_string(),
    }
}

/// .xlsx cell by cell, so a sheet claiming a huge extent cannot allocate a huge grid.
fn xlsx(bytes: &[u8]) -> Result<Rows, String> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    for name in book.sheet_names() {
        let mut cells = book
            .worksheet_cells_reader(&name)
            .map_err(|e| e.to_string())?;
        let mut grid: BTreeMap<u32, BTreeMap<u32, String>> = BTreeMap::new();
        let mut count = 0usize;
        while let Some(cell) = cells.next_cell().map_err(|e| e.to_string())? {
            let (row, col) = cell.get_position();
            let value = text(Data::from(cell.get_value().clone()));
            if value.trim().is_empty() {
                continue;
            }
            count += 1;
            if col >= MAX_COLUMNS || count > MAX_ROWS * 4 {
                return Err(format!(
                    "sheet {name} is too large for an annotations table"
                ));
            }
            grid.entry(row).or_default().insert(col, value);
        }
        if let Some(rows) = rows_of(grid) {
            return Ok(rows);
        }
    }
    Ok(Vec::new())
}

/// .xls and .ods through calamine's grid (their extent is bounded by the file's own records).
fn dense<RS, R>(mut book: R) -> Result<Rows, String>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| e.to_string())?;
        let (height, width) = range.get_size();
        if width > MAX_COLUMNS as usize || height > MAX_ROWS {
            return Err(format!(
                "sheet {name} is too large for an annotations table"
            ));
        }
        let rows: Rows = range
            .rows()
            .map(|r| r.iter().map(|c| text(c.clone())).collect())
            .collect();
        if rows.iter().flatten().any(|c| !c.trim().is_empty()) {
            return Ok(rows);
        }
    }
    Ok(Vec::new())
}

fn rows_of(grid: BTreeMap<u32, BTreeMap<u32, String>>) -> Option<Rows> {
    let width = grid.values().filter_map(|r| r.keys().last()).max()? + 1;
    Some(
        grid.into_values()
            .map(|r| {
                let mut row = vec![String::new(); width as usize];
                for (c, v) in r {
                    row[c as usize] = v;
                }
                row
            })
            .collect(),
    )
}
