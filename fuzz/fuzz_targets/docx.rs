//! The .docx reader (zip + quick-xml) and the whole notes reader on the same bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = baogao::read::notes::docx::read(data);
    if let Ok(xml) = std::str::from_utf8(data) {
        let _ = baogao::read::notes::docx::parts(xml);
    }
    let _ = baogao::read::notes::read_bytes(data, std::path::Path::new("fuzz.docx"));
});
