//! Stored bytes: decoding any record or page never panics, and a page that
//! decodes encodes back to the same bytes.
#![no_main]

use factline::codec;
use factline::model::{Actor, Claim, Event, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(event) = codec::decode::<Event>(data) {
        // Whatever decodes must encode and decode to the same record.
        assert_eq!(codec::decode::<Event>(&codec::encode(&event)).ok(), Some(event));
    }
    let _ = codec::decode::<Actor>(data);
    let _ = codec::decode::<Source>(data);
    let _ = codec::decode::<Claim>(data);
    if let Ok(page) = codec::decode_page(data) {
        let mut writer = codec::PageWriter::default();
        for (key, value) in page.entries() {
            writer.push(key, value);
        }
        assert_eq!(writer.finish(), data);
    }
});
