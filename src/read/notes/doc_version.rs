//! Which Word wrote a compound-file `.doc`, from the first words of its `WordDocument` stream
//! (the FIB): `wIdent` 0xA5DC and `nFib` 101–105 are Word 6.0/95, whose 8-bit piece tables the
//! .doc reader does not read. They are refused naming the version, before the reader could
//! mistake their shorter FIB for damage.
use std::io::{Cursor, Read};

/// `wIdent` of Word 6.0 and Word 95 files (Word 97 and later write 0xA5EC).
const WORD6_IDENT: u16 = 0xA5DC;

/// `Err` with one line naming the version when the `.doc` predates Word 97.
pub(crate) fn check(bytes: &[u8]) -> Result<(), String> {
    let Ok(mut file) = cfb::CompoundFile::open(Cursor::new(bytes)) else {
        return Ok(());
    };
    let Ok(stream) = file.open_stream("/WordDocument") else {
        return Ok(());
    };
    let mut head = [0u8; 4];
    if stream.take(4).read_exact(&mut head).is_err() {
        return Ok(());
    }
    let ident = u16::from_le_bytes([head[0], head[1]]);
    let nfib = u16::from_le_bytes([head[2], head[3]]);
    let version = match nfib {
        _ if ident == WORD6_IDENT => "Word 6.0/95",
        101..=105 => "Word 6.0/95",
        n if n < 101 => "Word 2.0 or older",
        _ => return Ok(()),
    };
    Err(format!(
        "a {version} document (nFib {nfib}), which is not read: open it in Word or LibreOffice and save it as Word 97\u{2013}2003 (.doc) or .docx"
    ))
}
