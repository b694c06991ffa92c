//! What an `.xls` is before calamine reads it, from the BIFF records at the start of its
//! `Workbook` (or, before Excel 97, `Book`) stream: a workbook saved with a password carries a
//! `FILEPASS` record (type 0x002F) in its globals, and every record after it is encrypted (RC4,
//! RC4 CryptoAPI, or XOR obfuscation). One encrypted with Excel's built-in default password
//! (`VelvetSweatshop`, which Excel opens without asking) is decrypted by the vendored calamine
//! (vendor/calamine/src/xls_crypt.rs); any other is refused by it, and [`encrypted`] names the
//! encryption in the refusal.
use std::io::{Cursor, Read};

/// Record types.
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const FILEPASS: u16 = 0x002F;
/// Records looked at before the globals must have ended (real workbooks: a few hundred).
const MAX_RECORDS: usize = 100_000;

/// The workbook stream's BIFF version, from its first BOF record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Biff {
    /// Excel 5.0/95 (stream `Book`, BOF version 0x0500).
    Biff5,
    /// Excel 97 and later.
    Biff8,
}

/// What the globals say about a workbook before calamine reads it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Globals {
    /// The BIFF version, if the stream opens with a BOF record (anything else is left to
    /// calamine to call damaged).
    pub biff: Option<Biff>,
    /// The refusal to give if calamine cannot read the workbook: it is encrypted, with a
    /// password other than Excel's built-in one.
    pub encrypted: Option<String>,
}

pub(crate) fn check(bytes: &[u8]) -> Globals {
    let Ok(mut file) = cfb::CompoundFile::open(Cursor::new(bytes)) else {
        return Globals::default();
    };
    let (stream, old) = if file.is_stream("/Workbook") {
        ("/Workbook", false)
    } else {
        ("/Book", true)
    };
    let Ok(s) = file.open_stream(stream) else {
        return Globals::default();
    };
    let mut data = Vec::new();
    if s.take(super::MAX_FILE).read_to_end(&mut data).is_err() {
        return Globals::default();
    }
    globals(&data, old)
}

/// The BOF's version, and the encryption a FILEPASS before the globals' EOF names.
fn globals(data: &[u8], old: bool) -> Globals {
    let mut at = 0;
    let mut found = Globals::default();
    for n in 0..MAX_RECORDS {
        let Some(head) = data.get(at..at + 4) else {
            break;
        };
        let kind = u16::from_le_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
        let body = data.get(at + 4..at + 4 + len).unwrap_or(&[]);
        match kind {
            BOF if n == 0 => {
                let version = body.get(..2).map(|v| u16::from_le_bytes([v[0], v[1]]));
                found.biff = match version {
                    Some(0x0600) => Some(Biff::Biff8),
                    Some(0x0500) => Some(Biff::Biff5),
                    _ if old => Some(Biff::Biff5),
                    _ => None,
                };
            }
            FILEPASS => found.encrypted = Some(encrypted(body)),
            EOF => break,
            _ => {}
        }
        at += 4 + len;
    }
    found
}

/// The refusal of an encrypted workbook, naming its encryption.
fn encrypted(filepass: &[u8]) -> String {
    let how = match filepass.get(..2) {
        Some([0, 0]) => "XOR obfuscation",
        _ => match filepass.get(2..4) {
            Some([1, 0]) => "RC4",
            _ => "RC4 CryptoAPI",
        },
    };
    format!(
        "an encrypted (password-protected, {how}) Excel workbook: open it in Excel or LibreOffice with its password and save it without one"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u16, body: &[u8]) -> Vec<u8> {
        let mut r = kind.to_le_bytes().to_vec();
        r.extend_from_slice(&(body.len() as u16).to_le_bytes());
        r.extend_from_slice(body);
        r
    }

    #[test]
    fn filepass_in_the_globals_is_encryption_named() {
        let bof8 = record(BOF, &[0x00, 0x06, 0x05, 0x00]);
        let mut rc4 = bof8.clone();
        rc4.extend(record(0x0042, &[0xE4, 0x04]));
        rc4.extend(record(FILEPASS, &[1, 0, 2, 0, 2, 0]));
        let found = globals(&rc4, false);
        assert_eq!(found.biff, Some(Biff::Biff8));
        let err = found.encrypted.unwrap();
        assert!(err.contains("RC4 CryptoAPI"), "{err}");
        let mut xor = bof8.clone();
        xor.extend(record(FILEPASS, &[0, 0, 0x12, 0x34, 0x56, 0x78]));
        assert!(globals(&xor, false).encrypted.unwrap().contains("XOR"));
        // After the globals' EOF, a FILEPASS-typed record is not looked at.
        let mut plain = bof8;
        plain.extend(record(EOF, &[]));
        plain.extend(record(FILEPASS, &[1, 0, 1, 0]));
        let biff8 = Globals {
            biff: Some(Biff::Biff8),
            encrypted: None,
        };
        assert_eq!(globals(&plain, false), biff8);
        let bof5 = record(BOF, &[0x00, 0x05, 0x05, 0x00]);
        assert_eq!(globals(&bof5, true).biff, Some(Biff::Biff5));
    }
}
