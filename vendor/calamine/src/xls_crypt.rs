//! Workbooks encrypted with Excel's built-in default password (baogao patch).
//!
//! Excel encrypts a BIFF8 workbook whose structure is protected, or that is marked read-only
//! recommended, with the password `VelvetSweatshop`, and opens it again without asking
//! ([MS-OFFCRYPTO] 2.3.6, 2.3.5; [MS-XLS] 2.2.10 and 2.4.117). LibreOffice writes the same. Such a
//! workbook is decrypted here; one encrypted with any other password is left to
//! [`XlsError::Password`].
//!
//! What is encrypted: every record after `FilePass`, body only (type and size stay plain), except
//! the records [MS-XLS] 2.2.10 names (`BOF`, `FilePass`, `UsrExcl`, `FileLock`, `InterfaceHdr`,
//! `RRDInfo`, `RRDHead`) and the `lbPlyPos` field (first 4 bytes) of `BoundSheet8`. The key stream
//! runs over the whole Workbook stream, plain bytes included, and is keyed anew for each
//! 1,024-byte block with the block's number.
//!
//! Supported: RC4 (`FilePass` version 1.1, MD5 keys) and RC4 CryptoAPI (versions 2–4.2, SHA-1
//! keys, 40, 56, 64 or 128 bits). XOR obfuscation is not decrypted.

use md5::Md5;
use rc4::cipher::ArrayLength;
use rc4::consts::{U16, U7, U8};
use rc4::{KeyInit, Rc4, StreamCipher};
use sha1::{Digest, Sha1};

use crate::utils::{read_u16, read_u32};
use crate::xls::XlsError;

/// Excel's built-in password.
const DEFAULT_PASSWORD: &str = "VelvetSweatshop";
/// The key stream is keyed anew at each block of this many bytes.
const BLOCK: usize = 1024;

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const FILE_PASS: u16 = 0x002F;
const BOUND_SHEET: u16 = 0x0085;
/// Records [MS-XLS] 2.2.10 leaves unencrypted: BOF, FilePass, UsrExcl, FileLock,
/// InterfaceHdr, RRDInfo, RRDHead.
const PLAIN: [u16; 7] = [BOF, FILE_PASS, 0x0194, 0x0195, 0x00E1, 0x0196, 0x0138];

/// How a workbook stream is encrypted, from its `FilePass` record.
enum Scheme {
    /// RC4 with MD5 keys ([MS-OFFCRYPTO] 2.3.6).
    Rc4 {
        salt: [u8; 16],
        verifier: [u8; 16],
        verifier_hash: [u8; 16],
    },
    /// RC4 CryptoAPI with SHA-1 keys ([MS-OFFCRYPTO] 2.3.5); `key_bits` 40, 56, 64 or 128.
    CryptoApi {
        salt: [u8; 16],
        key_bits: u32,
        verifier: [u8; 16],
        verifier_hash: [u8; 20],
    },
}

impl Scheme {
    /// The scheme a `FilePass` body names, or `None` (XOR obfuscation, unknown, short).
    fn parse(body: &[u8]) -> Option<Scheme> {
        let at = |from: usize, len: usize| body.get(from..from + len);
        if at(0, 2)? != [1, 0] {
            return None;
        }
        let (major, minor) = (read_u16(at(2, 2)?), read_u16(at(4, 2)?));
        match (major, minor) {
            (1, 1) => Some(Scheme::Rc4 {
                salt: at(6, 16)?.try_into().ok()?,
                verifier: at(22, 16)?.try_into().ok()?,
                verifier_hash: at(38, 16)?.try_into().ok()?,
            }),
            (2..=4, 2) => {
                // Flags (4), header size (4), EncryptionHeader, EncryptionVerifier.
                let header_size = read_u32(at(10, 4)?) as usize;
                let header = at(14, header_size)?;
                let key_bits = match read_u32(header.get(16..20)?) {
                    0 => 40,
                    bits @ (40 | 56 | 64 | 128) => bits,
                    _ => return None,
                };
                let v = 14 + header_size;
                if read_u32(at(v, 4)?) != 16 || read_u32(at(v + 36, 4)?) != 20 {
                    return None;
                }
                Some(Scheme::CryptoApi {
                    salt: at(v + 4, 16)?.try_into().ok()?,
                    key_bits,
                    verifier: at(v + 20, 16)?.try_into().ok()?,
                    verifier_hash: at(v + 40, 20)?.try_into().ok()?,
                })
            }
            _ => None,
        }
    }

    /// The RC4 key of one block.
    fn key(&self, password: &str, block: u32) -> Vec<u8> {
        let password: Vec<u8> = password.encode_utf16().flat_map(u16::to_le_bytes).collect();
        match self {
            Scheme::Rc4 { salt, .. } => {
                let h0 = Md5::digest(&password);
                let mut buffer = Vec::with_capacity(16 * 21);
                for _ in 0..16 {
                    buffer.extend_from_slice(&h0[..5]);
                    buffer.extend_from_slice(salt);
                }
                let h1 = Md5::digest(&buffer);
                let mut last = h1[..5].to_vec();
                last.extend_from_slice(&block.to_le_bytes());
                Md5::digest(&last).to_vec()
            }
            Scheme::CryptoApi { salt, key_bits, .. } => {
                let mut h0 = Sha1::new();
                h0.update(salt);
                h0.update(&password);
                let h0 = h0.finalize();
                let mut last = h0.to_vec();
                last.extend_from_slice(&block.to_le_bytes());
                let hash = Sha1::digest(&last);
                let bytes = (*key_bits / 8) as usize;
                let mut key = hash[..bytes].to_vec();
                // A 40-bit CryptoAPI key is padded to 128 bits with zeros.
                if *key_bits == 40 {
                    key.resize(16, 0);
                }
                key
            }
        }
    }

    /// Whether `password` is the one the record's verifier was made with.
    fn verifies(&self, password: &str) -> bool {
        let key = self.key(password, 0);
        match self {
            Scheme::Rc4 {
                verifier,
                verifier_hash,
                ..
            } => {
                let (mut v, mut h) = (*verifier, *verifier_hash);
                apply(&key, &mut [&mut v[..], &mut h[..]]);
                Md5::digest(v)[..] == h[..]
            }
            Scheme::CryptoApi {
                verifier,
                verifier_hash,
                ..
            } => {
                let (mut v, mut h) = (*verifier, *verifier_hash);
                apply(&key, &mut [&mut v[..], &mut h[..]]);
                Sha1::digest(v)[..] == h[..]
            }
        }
    }
}

/// Runs one RC4 key stream (keys of 7, 8 or 16 bytes) over consecutive buffers.
fn apply(key: &[u8], parts: &mut [&mut [u8]]) {
    match key.len() {
        7 => run::<U7>(key, parts),
        8 => run::<U8>(key, parts),
        _ => run::<U16>(key, parts),
    }
}

fn run<N: ArrayLength<u8>>(key: &[u8], parts: &mut [&mut [u8]])
where
    Rc4<N>: KeyInit + StreamCipher,
{
    let mut full = key.to_vec();
    full.resize(N::USIZE, 0);
    let mut cipher = Rc4::<N>::new_from_slice(&full).expect("the key is resized to N bytes");
    for part in parts.iter_mut() {
        cipher.apply_keystream(part);
    }
}

/// One record's place in the stream: type, body start, body length.
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, usize, usize)> + '_ {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let head = stream.get(at..at + 4)?;
        let (typ, len) = (read_u16(head), read_u16(&head[2..]) as usize);
        let body = at + 4;
        at = body + len;
        Some((typ, body, len.min(stream.len().saturating_sub(body))))
    })
}

/// Decrypts a Workbook stream in place when its globals hold a `FilePass` record made with
/// Excel's default password. `Ok(true)` when decrypted, `Ok(false)` when not encrypted, and
/// [`XlsError::Password`] when encrypted in another way or with another password.
pub(crate) fn decrypt_default(stream: &mut [u8]) -> Result<bool, XlsError> {
    let Some((_, body, len)) = records(stream)
        .take_while(|&(typ, _, _)| typ != EOF)
        .find(|&(typ, _, _)| typ == FILE_PASS)
    else {
        return Ok(false);
    };
    let scheme = Scheme::parse(&stream[body..body + len]).ok_or(XlsError::Password)?;
    if !scheme.verifies(DEFAULT_PASSWORD) {
        return Err(XlsError::Password);
    }
    let start = body + len;
    // Which bytes are encrypted.
    let mut encrypted = vec![false; stream.len()];
    for (typ, from, n) in records(&stream[start..]) {
        let skip = match typ {
            t if PLAIN.contains(&t) => n,
            BOUND_SHEET => 4.min(n),
            _ => 0,
        };
        encrypted[start + from + skip..start + from + n].fill(true);
    }
    for (block, chunk) in stream.chunks_mut(BLOCK).enumerate() {
        let mut keys = [0u8; BLOCK];
        apply(&scheme.key(DEFAULT_PASSWORD, block as u32), &mut [&mut keys[..]]);
        let marks = &encrypted[block * BLOCK..block * BLOCK + chunk.len()];
        for ((byte, key), &on) in chunk.iter_mut().zip(keys).zip(marks) {
            if on {
                *byte ^= key;
            }
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, body: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend_from_slice(&(body.len() as u16).to_le_bytes());
        r.extend_from_slice(body);
        r
    }

    /// A CryptoAPI `FilePass` body for `password` (40-bit keys, the usual header).
    fn crypto_api_file_pass(salt: [u8; 16], password: &str) -> (Scheme, Vec<u8>) {
        let plain = *b"own verifier 16b";
        let mut v = plain;
        let mut h: [u8; 20] = Sha1::digest(plain).into();
        let scheme = Scheme::CryptoApi {
            salt,
            key_bits: 40,
            verifier: v,
            verifier_hash: h,
        };
        apply(&scheme.key(password, 0), &mut [&mut v[..], &mut h[..]]);
        let csp: Vec<u8> = "own provider\0"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let mut header = Vec::new();
        for field in [4u32, 0, 0x6801, 0x8004, 40, 1, 0, 0] {
            header.extend_from_slice(&field.to_le_bytes());
        }
        header.extend_from_slice(&csp);
        let mut body = vec![1, 0, 4, 0, 2, 0];
        body.extend_from_slice(&4u32.to_le_bytes());
        body.extend_from_slice(&(header.len() as u32).to_le_bytes());
        body.extend_from_slice(&header);
        body.extend_from_slice(&16u32.to_le_bytes());
        body.extend_from_slice(&salt);
        body.extend_from_slice(&v);
        body.extend_from_slice(&20u32.to_le_bytes());
        body.extend_from_slice(&h);
        let scheme = Scheme::parse(&body).expect("parsed");
        (scheme, body)
    }

    /// Encrypts the records after `FilePass` the way Excel does (RC4 is its own inverse).
    fn encrypt(stream: &mut [u8], scheme: &Scheme, password: &str, start: usize) {
        let mut marks = vec![false; stream.len()];
        for (typ, from, n) in records(&stream[start..]) {
            let skip = match typ {
                t if PLAIN.contains(&t) => n,
                BOUND_SHEET => 4,
                _ => 0,
            };
            marks[start + from + skip..start + from + n].fill(true);
        }
        for (block, chunk) in stream.chunks_mut(BLOCK).enumerate() {
            let mut keys = [0u8; BLOCK];
            apply(&scheme.key(password, block as u32), &mut [&mut keys[..]]);
            for (i, byte) in chunk.iter_mut().enumerate() {
                if marks[block * BLOCK + i] {
                    *byte ^= keys[i];
                }
            }
        }
    }

    /// A globals substream: BOF, FilePass, a BoundSheet8, a long record crossing several
    /// 1,024-byte blocks, EOF; then the sheet's BOF and a label.
    fn workbook(file_pass: &[u8]) -> (Vec<u8>, usize) {
        let mut s = record(BOF, &[0, 6, 5, 0, 0, 0, 0, 0]);
        s.extend(record(FILE_PASS, file_pass));
        let start = s.len();
        s.extend(record(BOUND_SHEET, &[0x44, 0x33, 0x22, 0x11, 0, 0, 2, 0, b'n', b'b']));
        let long: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
        s.extend(record(0x00FC, &long));
        s.extend(record(EOF, &[]));
        s.extend(record(BOF, &[0, 6, 0x10, 0, 0, 0, 0, 0]));
        s.extend(record(0x0204, "own label text".as_bytes()));
        (s, start)
    }

    #[test]
    fn crypto_api_default_password_round_trip() {
        let (scheme, file_pass) = crypto_api_file_pass(*b"salt of our own!", DEFAULT_PASSWORD);
        assert!(scheme.verifies(DEFAULT_PASSWORD));
        assert!(!scheme.verifies("another"));
        let (plain, start) = workbook(&file_pass);
        let mut stream = plain.clone();
        encrypt(&mut stream, &scheme, DEFAULT_PASSWORD, start);
        assert_ne!(stream, plain);
        // lbPlyPos and the sheet's BOF stay plain.
        assert_eq!(stream[start + 4..start + 8], [0x44, 0x33, 0x22, 0x11]);
        assert_eq!(decrypt_default(&mut stream).unwrap(), true);
        assert_eq!(stream, plain);
    }

    #[test]
    fn another_password_is_refused_and_plain_streams_untouched() {
        let (scheme, file_pass) = crypto_api_file_pass(*b"another salt 16b", "letmein");
        let (plain, start) = workbook(&file_pass);
        let mut stream = plain.clone();
        encrypt(&mut stream, &scheme, "letmein", start);
        assert!(matches!(
            decrypt_default(&mut stream),
            Err(XlsError::Password)
        ));
        // XOR obfuscation is not decrypted.
        let (mut xor, _) = workbook(&[0, 0, 0x0A, 0x9A, 0x0B, 0x9B]);
        assert!(matches!(decrypt_default(&mut xor), Err(XlsError::Password)));
        // No FilePass: nothing to do.
        let mut s = record(BOF, &[0, 6, 5, 0]);
        s.extend(record(EOF, &[]));
        let before = s.clone();
        assert_eq!(decrypt_default(&mut s).unwrap(), false);
        assert_eq!(s, before);
    }
}
