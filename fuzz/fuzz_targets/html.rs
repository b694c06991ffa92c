//! The HTML/MHTML reader (html5ever through scraper, mailparse) and the whole notes reader on
//! the same bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = baogao::read::notes::html::read(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = baogao::read::notes::html::parts(text);
    }
    let _ = baogao::read::notes::read_bytes(data, std::path::Path::new("fuzz.html"));
});
