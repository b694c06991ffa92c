//! The text decoder, and text/CSV notes parsing behind it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = baogao::read::decode::decode(data, std::path::Path::new("fuzz.txt"));
    let _ = baogao::read::notes::read_bytes(data, std::path::Path::new("fuzz.txt"));
});
