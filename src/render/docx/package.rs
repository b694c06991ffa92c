//! The package: parts written into a zip in a fixed order with one fixed timestamp (from the
//! render epoch) and fixed permissions, so the same parts always give the same bytes.
use crate::error::{Error, Result};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Zip `parts` (path, bytes) in the given order; `[Content_Types].xml` should come first.
pub fn zip(parts: &[(String, Vec<u8>)], epoch: i64) -> Result<Vec<u8>> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(crate::date::zip(epoch))
        .unix_permissions(0o644);
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let fail = |e: &dyn std::fmt::Display| Error::render("docx", format!("packaging: {e}"));
    for (path, data) in parts {
        w.start_file(path.as_str(), options).map_err(|e| fail(&e))?;
        w.write_all(data).map_err(|e| fail(&e))?;
    }
    Ok(w.finish().map_err(|e| fail(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

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
