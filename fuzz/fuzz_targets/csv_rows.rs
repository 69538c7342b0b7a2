//! CSV import rows: reading and validating any bytes never panics.
#![no_main]

use factline::tabular::{Columns, Rows, CLAIM_FIELDS, TIMELINE_FIELDS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut rows) = Rows::new(std::io::Cursor::new(data), "fuzz.csv") else {
        return;
    };
    let header = rows.header.clone();
    let timeline = Columns::new(&header, &[], TIMELINE_FIELDS, "fuzz.csv");
    let claims = Columns::new(&header, &[], CLAIM_FIELDS, "fuzz.csv");
    while let Ok(Some((line, row))) = rows.next_row() {
        if let Ok(fields) = row {
            if let Ok(columns) = &timeline {
                let _ = columns.is_timelinejs_title(&header, &fields);
                let _ = columns.event_row(line, &fields);
            }
            if let Ok(columns) = &claims {
                let _ = columns.claim_row(line, &fields);
            }
        }
    }
});
