//! Stored bytes: decoding any record or page (plain or zstd-compressed) never
//! panics, and a page that decodes encodes back to the same entries (and, if
//! it was plain, the same bytes).
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
    let _ = codec::decode_prefix::<factline::store::keys::ParticipationHead>(data);
    if let Ok(page) = codec::decode_page(data) {
        let mut writer = codec::PageWriter::default();
        for (key, value) in page.entries() {
            writer.push(key, value);
        }
        let plain = writer.finish();
        if data.first() == Some(&codec::PAGE_FORMAT) {
            assert_eq!(plain, data);
        }
        let again = codec::decode_page(&codec::compress_page(plain)).expect("re-encoded page");
        assert!(again.entries().eq(page.entries()));
    }
});
