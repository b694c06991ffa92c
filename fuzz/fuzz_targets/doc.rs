//! The Word 97 .doc reader (rwml model → parts) and the whole notes reader on the same bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = baogao::read::notes::doc::read(data);
    let _ = baogao::read::notes::read_bytes(data, std::path::Path::new("fuzz.doc"));
});
