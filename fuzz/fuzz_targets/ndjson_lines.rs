//! NDJSON import: reading and validating any bytes never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = factline::dump::read(data, "fuzz.ndjson");
});
