//! The spreadsheet path: calamine's .xls, .xlsx and .ods readers called directly (so a panic
//! inside calamine stops the fuzzer and is seen, not swallowed by baogao's guard), then the
//! whole notes reader (compound-file check, cell limits, table → entries) on the same bytes.
#![no_main]
use calamine::{Ods, Reader, Xls, Xlsx};
use libfuzzer_sys::fuzz_target;
use std::io::Cursor;

fn sheets<RS: std::io::Read + std::io::Seek, R: Reader<RS>>(mut book: R) {
    for name in book.sheet_names() {
        let _ = book.worksheet_range(&name);
    }
}

fuzz_target!(|data: &[u8]| {
    // calamine alone only on what baogao would hand it: compound files pass baogao's check
    // first (calamine's own CFB reader loops and over-allocates on hostile chains, see
    // vendor/calamine/PATCHES.md), ZIPs pass the sniffer's inflation limits.
    let sniffed = baogao::read::notes::read_bytes(data, std::path::Path::new("fuzz.xls"));
    if let Err(e) = &sniffed {
        let m = e.to_string();
        if m.contains("compound file") || m.contains("ZIP") || m.contains("not an annotations") {
            return;
        }
    }
    if data.starts_with(b"\xD0\xCF\x11\xE0") {
        if let Ok(book) = Xls::new(Cursor::new(data)) {
            sheets(book);
        }
    } else if data.starts_with(b"PK") {
        // .xlsx as baogao reads it: cell by cell (a grid would be as large as the sheet claims).
        if let Ok(mut book) = Xlsx::new(Cursor::new(data)) {
            for name in book.sheet_names() {
                if let Ok(mut cells) = book.worksheet_cells_reader(&name) {
                    let mut n = 0;
                    while let Ok(Some(_)) = cells.next_cell() {
                        n += 1;
                        if n > 1_000_000 {
                            break;
                        }
                    }
                }
            }
        }
        if let Ok(book) = Ods::new(Cursor::new(data)) {
            sheets(book);
        }
    }
});
