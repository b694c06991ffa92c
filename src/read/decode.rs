//! Bytes → text: BOMs, UTF-8, UTF-16, GB18030 and Big5 detected; newlines normalised to `\n`.
use crate::error::Result;
use std::path::Path;

pub struct Decoded {
    pub text: String,
    /// Encoding name as reported (`UTF-8`, `UTF-16LE`, `GB18030`, `Big5`).
    pub encoding: String,
}

pub fn decode(_bytes: &[u8], _path: &Path) -> Result<Decoded> {
    todo!("foundation issue")
}
