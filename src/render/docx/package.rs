//! The package: parts written into a zip in a fixed order with one fixed timestamp (from the
//! render epoch) and fixed permissions, so the same parts always give the same bytes.
use crate::error::{Error, Result};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// Zip `parts` (path, bytes) in the given order; `[Content_Types].xml` should come first.
pub fn zip(parts: &[(String, Vec<u8>)], epoch: i64) -> Result<Vec<u8>> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(dos_time(epoch))
        .unix_permissions(0o644);
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let fail = |e: &dyn std::fmt::Display| Error::render("docx", format!("packaging: {e}"));
    for (path, data) in parts {
        w.start_file(path.as_str(), options).map_err(|e| fail(&e))?;
        w.write_all(data).map_err(|e| fail(&e))?;
    }
    Ok(w.finish().map_err(|e| fail(&e))?.into_inner())
}

/// The zip (MS-DOS) timestamp of `epoch`, clamped to the format's 1980–2107 range.
pub fn dos_time(epoch: i64) -> DateTime {
    let (y, mo, d, h, mi, s) = civil(epoch);
    let clamped = y.clamp(1980, 2107);
    let (mo, d, h, mi, s) = if clamped == y {
        (mo, d, h, mi, s)
    } else if y < 1980 {
        (1, 1, 0, 0, 0)
    } else {
        (12, 31, 23, 59, 58)
    };
    DateTime::from_date_and_time(clamped as u16, mo, d, h, mi, s).unwrap_or_default()
}

/// `YYYY-MM-DDTHH:MM:SSZ` for document properties.
pub fn w3c_date(epoch: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(epoch);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// UTC calendar fields of a Unix time (Howard Hinnant's days-to-civil).
fn civil(epoch: i64) -> (i64, u8, u8, u8, u8, u8) {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        m,
        d,
        (secs / 3600) as u8,
        (secs % 3600 / 60) as u8,
        (secs % 60) as u8,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_epoch() {
        assert_eq!(w3c_date(946_684_800), "2000-01-01T00:00:00Z");
        assert_eq!(w3c_date(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(w3c_date(0), "1970-01-01T00:00:00Z");
        let t = dos_time(0);
        assert_eq!((t.year(), t.month(), t.day()), (1980, 1, 1));
        let t = dos_time(1_709_251_199);
        assert_eq!(
            (t.year(), t.month(), t.day(), t.second()),
            (2024, 2, 29, 58)
        );
    }

    #[test]
    fn same_parts_same_bytes_and_fixed_time() {
        let parts = vec![
            ("[Content_Types].xml".to_string(), b"<Types/>".to_vec()),
            ("word/document.xml".to_string(), vec![b'x'; 5000]),
        ];
        let a = zip(&parts, 946_684_800).unwrap();
        assert_eq!(a, zip(&parts, 946_684_800).unwrap());
        assert_ne!(a, zip(&parts, 1_000_000_000).unwrap());
        let mut z = zip::ZipArchive::new(Cursor::new(a)).unwrap();
        assert_eq!(z.by_index(0).unwrap().name(), "[Content_Types].xml");
        let t = z.by_index(1).unwrap().last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day()), (2000, 1, 1));
    }
}
