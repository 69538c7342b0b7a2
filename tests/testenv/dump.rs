//! Lines of an NDJSON dump, written by hand for tests that import one:
//! records `factline` itself would refuse to create, or older ones.

/// The header line every dump starts with, of format version 1: a dump
/// as factline wrote it before the trailer, which imports without one
/// (with a notice that its completeness cannot be checked).
pub const HEADER: &str = r#"{"type":"header","format":"factline-ndjson","version":1}"#;

/// A source record line, version 1.
pub fn source_line(id: &str, name: &str) -> String {
    serde_json::json!({
        "type": "source",
        "id": id,
        "name": name,
        "url": null,
        "grade": "b",
        "meta": {"version": 1, "recorded_at": "2025-11-20T12:00:00Z", "retracted": null}
    })
    .to_string()
}

/// The trailer that ends a dump of format version 2 (the header `export`
/// writes), after `records` record lines.
pub fn trailer(records: usize) -> String {
    format!(r#"{{"type":"trailer","records":{records}}}"#)
}

/// A whole dump: the header, then `lines`.
pub fn of(lines: &[String]) -> String {
    let mut dump = format!("{HEADER}\n");
    for line in lines {
        dump.push_str(line);
        dump.push('\n');
    }
    dump
}
