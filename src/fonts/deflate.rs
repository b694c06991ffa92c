//! Each subset deflated once for every edition that ships it compressed: a one-entry ZIP archive
//! (`font.ttf`) whose compressed bytes the EPUB copies into its package as they are and the PDF
//! wraps as a FlateDecode font program. (The DOCX obfuscates its fonts before packing, so it
//! deflates its own.) Before this, the same 0.5 MB face was deflated three times per document.
use super::Face;
use std::io::{Cursor, Read, Write};
use zip::result::ZipResult;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The one entry's name.
const ENTRY: &str = "font.ttf";

/// `data` as a one-entry archive, deflated at the default level, with zip's fixed default date
/// (writers that show dates set their own when copying).
pub(crate) fn archive(data: &[u8]) -> ZipResult<Vec<u8>> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o644);
    w.start_file(ENTRY, options)?;
    w.write_all(data)?;
    Ok(w.finish()?.into_inner())
}

impl Face {
    /// The packed archive: one deflated entry holding [`Face::data`].
    pub fn packed(&self) -> ZipResult<ZipArchive<Cursor<&[u8]>>> {
        ZipArchive::new(Cursor::new(self.packed.as_slice()))
    }

    /// The subset as a zlib stream (RFC 1950, what PDF's FlateDecode reads): a two-byte header,
    /// the packed deflate stream as it is, and the Adler-32 of the font.
    pub fn zlib(&self) -> ZipResult<Vec<u8>> {
        let mut archive = self.packed()?;
        let mut entry = archive.by_index_raw(0)?;
        let mut out = Vec::with_capacity(entry.compressed_size() as usize + 6);
        out.extend_from_slice(&[0x78, 0x9C]);
        entry.read_to_end(&mut out)?;
        out.extend_from_slice(&adler2::adler32_slice(&self.data).to_be_bytes());
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::style::Role;
    use std::sync::Arc;

    fn face(data: Vec<u8>) -> Face {
        Face {
            role: Role::ALL[0],
            family: String::new(),
            postscript_name: String::new(),
            bold: false,
            packed: Arc::new(archive(&data).unwrap()),
            data: Arc::new(data),
            chars: Default::default(),
        }
    }

    #[test]
    fn the_zlib_stream_inflates_to_the_font() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let f = face(data.clone());
        let mut back = Vec::new();
        flate2::read::ZlibDecoder::new(f.zlib().unwrap().as_slice())
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, data);
        let mut archive = f.packed().unwrap();
        let entry = archive.by_index(0).unwrap();
        assert_eq!(entry.compression(), CompressionMethod::Deflated);
        assert!(entry.compressed_size() < data.len() as u64 / 4);
    }
}
