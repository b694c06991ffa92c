//! Spreadsheets (.xlsx .xls .ods) through calamine: the first non-empty worksheet, read as a
//! table. Chart, macro and dialog sheets hold no cells to read and are passed over; of a sheet
//! wider than [`MAX_COLUMNS`], the first columns are read (a notes table has two or three).
use super::{table, Parsed, MAX_ROWS};
use calamine::{Data, Ods, Reader, SheetType, Xls, Xlsx};
use std::collections::BTreeMap;
use std::io::Cursor;

/// Widest sheet read (notes tables have 2 or 3 columns).
const MAX_COLUMNS: u32 = 256;

type Rows = Vec<Vec<String>>;

pub(crate) fn read(bytes: &[u8], format: &'static str) -> Result<Parsed, String> {
    let damaged = |e: String| match e.contains("limit") || e.contains("too large") {
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
    for name in worksheets(&book) {
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
            if col >= MAX_COLUMNS {
                continue;
            }
            count += 1;
            if count > MAX_ROWS * 4 {
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
    for name in worksheets(&book) {
        let range = book.worksheet_range(&name).map_err(|e| e.to_string())?;
        if range.get_size().0 > MAX_ROWS {
            return Err(format!(
                "sheet {name} is too large for an annotations table"
            ));
        }
        let rows: Rows = range
            .rows()
            .map(|r| {
                r.iter()
                    .take(MAX_COLUMNS as usize)
                    .map(|c| text(c.clone()))
                    .collect()
            })
            .collect();
        if rows.iter().flatten().any(|c| !c.trim().is_empty()) {
            return Ok(rows);
        }
    }
    Ok(Vec::new())
}

/// The names of the book's worksheets, in order (not its chart, macro or dialog sheets).
fn worksheets<RS: std::io::Read + std::io::Seek, R: Reader<RS>>(book: &R) -> Vec<String> {
    book.sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect()
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
