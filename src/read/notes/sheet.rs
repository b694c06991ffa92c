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
    let damaged = |e: String| refusal(bytes, format, &e);
    let rows = crate::read::guard::guarded(|| match format {
        "xlsx" => xlsx(bytes),
        "xls" => dense(Xls::new(Cursor::new(bytes)).map_err(|e| e.to_string())?),
        _ => dense(Ods::new(Cursor::new(bytes)).map_err(|e| e.to_string())?),
    })
    .ok_or_else(|| damaged("the spreadsheet reader failed on it".into()))?
    .map_err(damaged)?;
    table::entries(&rows)
}

/// What to say of a spreadsheet calamine (or the cell bounds here) could not read.
fn refusal(bytes: &[u8], format: &str, e: &str) -> String {
    if e.contains("limit") || e.contains("too large") {
        format!("an {format} spreadsheet too large for an annotations table ({e})")
    } else if e.contains("password protected") {
        // calamine's refusal of an encrypted .ods (an .xls is named before, in `xls_version`).
        format!("an encrypted (password-protected) {format} spreadsheet: open it in LibreOffice or Excel with its password and save it without one")
    } else if format == "xlsx" && is_excel_2007_beta(bytes) {
        format!("an .xlsx from a pre-release of Excel 2007 (its workbook is in the beta namespace {BETA}), which is not read ({e}): open it in Excel or LibreOffice and save it again")
    } else {
        super::damaged(&format!("{format} spreadsheet"), e)
    }
}

/// The SpreadsheetML namespace of Excel 2007's pre-release versions, replaced by the standard's
/// `http://schemas.openxmlformats.org/spreadsheetml/2006/main`.
const BETA: &str = "http://schemas.microsoft.com/office/excel/2006/2";

/// Whether the package's workbook part is in the pre-release namespace.
fn is_excel_2007_beta(bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    let Ok(part) = zip.by_name("xl/workbook.xml") else {
        return false;
    };
    let mut head = Vec::new();
    // The root element and its namespaces are at the start of the part.
    if part.take(4096).read_to_end(&mut head).is_err() {
        return false;
    }
    head.windows(BETA.len()).any(|w| w == BETA.as_bytes())
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
    // Bytes of cell text read: a shared string is copied into every cell that refers to it, so
    // a small file can expand without bound (calamine bounds .xls and .ods the same way).
    let mut text_bytes = 0usize;
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
            text_bytes = text_bytes.saturating_add(value.len());
            if text_bytes > calamine::MAX_TEXT {
                return Err(format!(
                    "sheet {name} expands to more than {} MB of text, past the limit",
                    calamine::MAX_TEXT >> 20
                ));
            }
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
