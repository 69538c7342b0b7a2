//! Dates: parsing never panics, and what parses prints back unchanged and
//! has bounds in order.
#![no_main]

use factline::model::Date;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(date) = Date::parse_edtf(text) {
        assert_eq!(date.as_str(), text);
        let again = Date::parse_edtf(date.as_str()).expect("a printed date parses");
        assert_eq!(again, date);
        assert!(date.earliest_day() <= date.latest_day());
        let _ = date.human();
    }
    if let Ok(date) = Date::parse_human(text) {
        // A phrase is stored as EDTF that parses on its own.
        assert!(Date::parse_edtf(date.as_str()).is_ok());
    }
});
