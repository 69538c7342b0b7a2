//! `factline history ID`: every version of a record, with when it was
//! recorded and what it changed. Retracted records are shown too.

use serde::Serialize;

use crate::cli::{FactKind, HistoryArgs, RecordKind};
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::model::{Actor, Claim, Event, Source};
use crate::output::{print_rows, Row};
use crate::store::{Access, Record, Store};

pub fn run(ctx: &Ctx, args: HistoryArgs) -> Result<()> {
    let format = ctx.read_format()?;
    let store = ctx.open(Access::Read)?;
    let kind = kind_of(&store, &args.id, args.kind)?;
    let rows = match kind {
        RecordKind::Actor => rows::<Actor>(&store, &args.id, "actor")?,
        RecordKind::Source => rows::<Source>(&store, &args.id, "source")?,
        RecordKind::Event => rows::<Event>(&store, &args.id, "event")?,
        RecordKind::Claim => rows::<Claim>(&store, &args.id, "claim")?,
    };
    print_rows(format, &rows)
}

/// Which kind of record with sources (an event or a claim) `id` names: the
/// one given, or the only one of the two that has it. An actor or source
/// sharing the id does not count (a claim may have the id of the actor it
/// is about); when only such a record has it, the error says so.
pub fn fact_kind_of(store: &Store, id: &str, given: Option<FactKind>) -> Result<FactKind> {
    let has_event = store.get::<Event>(id)?.is_some();
    let has_claim = store.get::<Claim>(id)?.is_some();
    match (given, has_event, has_claim) {
        (Some(kind), _, _) => kind_of(store, id, Some(kind.into())).map(|_| kind),
        (None, true, false) => Ok(FactKind::Event),
        (None, false, true) => Ok(FactKind::Claim),
        (None, true, true) => Err(Error::bad_input(format!(
            "{id:?} is the id of an event and a claim; say which with --kind"
        ))),
        (None, false, false) => match kind_of(store, id, None) {
            Ok(other) => Err(Error::bad_input(format!(
                "{id} is {} {}, not an event or a claim: only events and claims have sources",
                article(other),
                other.name()
            ))),
            Err(e) => Err(e),
        },
    }
}

fn article(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Actor | RecordKind::Event => "an",
        RecordKind::Source | RecordKind::Claim => "a",
    }
}

/// Which kind of record `id` names: the one given, or the only kind that has it.
pub fn kind_of(store: &Store, id: &str, given: Option<RecordKind>) -> Result<RecordKind> {
    let mut found = Vec::new();
    if store.get::<Actor>(id)?.is_some() {
        found.push(RecordKind::Actor);
    }
    if store.get::<Source>(id)?.is_some() {
        found.push(RecordKind::Source);
    }
    if store.get::<Event>(id)?.is_some() {
        found.push(RecordKind::Event);
    }
    if store.get::<Claim>(id)?.is_some() {
        found.push(RecordKind::Claim);
    }
    match (given, found.as_slice()) {
        (Some(kind), found) if found.contains(&kind) => Ok(kind),
        (Some(kind), _) => Err(recorded_later(store, id, Some(kind))?
            .unwrap_or_else(|| Error::bad_input(format!("no {} with id {id:?}", kind.name())))),
        (None, [only]) => Ok(*only),
        (None, []) => Err(recorded_later(store, id, None)?
            .unwrap_or_else(|| Error::bad_input(format!("no record with id {id:?}")))),
        (None, many) => Err(Error::bad_input(format!(
            "{id:?} is the id of {}; say which with --kind",
            many.iter()
                .map(|&k| format!("{} {}", article(k), k.name()))
                .collect::<Vec<_>>()
                .join(" and ")
        ))),
    }
}

/// For an `--as-of` view that holds no record `id` (of the kind given):
/// that the first such record the database holds was not recorded yet at
/// that time.
fn recorded_later(store: &Store, id: &str, given: Option<RecordKind>) -> Result<Option<Error>> {
    let kinds = [
        RecordKind::Actor,
        RecordKind::Source,
        RecordKind::Event,
        RecordKind::Claim,
    ];
    for kind in kinds.into_iter().filter(|k| given.is_none_or(|g| g == *k)) {
        let later = match kind {
            RecordKind::Actor => store.first_recorded_after_as_of::<Actor>(id)?,
            RecordKind::Source => store.first_recorded_after_as_of::<Source>(id)?,
            RecordKind::Event => store.first_recorded_after_as_of::<Event>(id)?,
            RecordKind::Claim => store.first_recorded_after_as_of::<Claim>(id)?,
        };
        if let Some((at, first)) = later {
            let what = kind.name();
            return Ok(Some(crate::resolve::not_recorded_yet(what, id, at, first)));
        }
    }
    Ok(None)
}

#[derive(Serialize)]
struct VersionRow {
    kind: &'static str,
    id: String,
    version: u32,
    recorded_at: String,
    retracted: Option<String>,
    /// What this version changed: "created", field names, or "retracted".
    changed: Vec<String>,
    /// The version's whole record.
    record: serde_json::Value,
}

impl Row for VersionRow {
    const HEADERS: &'static [&'static str] =
        &["kind", "id", "version", "recorded_at", "changed", "record"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.kind.to_string(),
            self.id.clone(),
            self.version.to_string(),
            self.recorded_at.clone(),
            self.changed.join("; "),
            self.record.to_string(),
        ]
    }

    fn table(&self) -> (Vec<&'static str>, Vec<String>) {
        (
            vec!["version", "recorded_at", "changed"],
            vec![
                self.version.to_string(),
                self.recorded_at.clone(),
                self.changed.join("; "),
            ],
        )
    }
}

fn rows<R: Record>(store: &Store, id: &str, kind: &'static str) -> Result<Vec<VersionRow>> {
    let versions = store.versions::<R>(id)?;
    let mut rows = Vec::with_capacity(versions.len());
    let mut previous: Option<serde_json::Value> = None;
    for version in &versions {
        let mut record = serde_json::to_value(version)?;
        let meta = version.meta();
        let changed = match &previous {
            None => created(meta.retracted.as_deref()),
            Some(before) => changed_fields(before, &record, meta.retracted.as_deref()),
        };
        if let Some(object) = record.as_object_mut() {
            object.remove("meta");
        }
        rows.push(VersionRow {
            kind,
            id: id.to_string(),
            version: meta.version,
            recorded_at: meta.recorded_at.to_string(),
            retracted: meta.retracted.clone(),
            changed,
            record: record.clone(),
        });
        previous = Some(record);
    }
    Ok(rows)
}

/// What a first version changed: it created the record, and, when it was
/// already retracted (a dump edited by hand can hold one), retracted it,
/// which the history must say as it does for a later retraction.
fn created(retracted: Option<&str>) -> Vec<String> {
    let mut changed = vec!["created".to_string()];
    changed.extend(retracted.map(|reason| format!("retracted: {reason}")));
    changed
}

fn changed_fields(
    before: &serde_json::Value,
    after: &serde_json::Value,
    retracted: Option<&str>,
) -> Vec<String> {
    let mut changed = Vec::new();
    if let Some(reason) = retracted {
        changed.push(format!("retracted: {reason}"));
    }
    if let (Some(b), Some(a)) = (before.as_object(), after.as_object()) {
        for (field, value) in a {
            if field != "meta" && b.get(field) != Some(value) {
                let summary = match field.as_str() {
                    "quantity" => change_texts(quantity(b.get(field)), quantity(Some(value))),
                    "grade" => change_texts(grade(b.get(field)), grade(Some(value))),
                    _ => list_change(b.get(field), value)
                        .unwrap_or_else(|| change(b.get(field), Some(value))),
                };
                changed.push(format!("{field}: {summary}"));
            }
        }
    }
    if changed.is_empty() {
        changed.push("restored".to_string());
    }
    changed
}

/// A change of a list (actors, sources, tags, roles, aliases) as the items
/// added and removed, each named by its id or text: `+ reuters, − putin`.
/// An item whose details changed (a source link's credibility) is `~ id`
/// with the details; a list only put in another order is `reordered`.
/// `None` when either side is not a list.
fn list_change(before: Option<&serde_json::Value>, after: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    let empty = Vec::new();
    let before = match before {
        None | Some(Value::Null) => &empty,
        Some(Value::Array(items)) => items,
        Some(_) => return None,
    };
    let after = after.as_array()?;
    // Items are matched one to one, so that a repeat added or removed (a
    // role an older factline stored twice) is named, not called reordered.
    let mut unmatched: Vec<Option<&Value>> = after.iter().map(Some).collect();
    let mut removed: Vec<&Value> = Vec::new();
    for item in before {
        match unmatched.iter_mut().find(|v| **v == Some(item)) {
            Some(slot) => *slot = None,
            None => removed.push(item),
        }
    }
    let added: Vec<&Value> = unmatched.into_iter().flatten().collect();
    let mut parts = Vec::new();
    for item in &added {
        let label = item_label(item);
        match removed.iter().find(|old| item_label(old) == label) {
            Some(old) => parts.push(format!("~ {label} ({})", item_details(old, item))),
            None => parts.push(format!("+ {label}{}", added_details(item))),
        }
    }
    for item in &removed {
        let label = item_label(item);
        if !added.iter().any(|new| item_label(new) == label) {
            parts.push(format!("− {label}"));
        }
    }
    if parts.is_empty() {
        parts.push("reordered".to_string());
    }
    Some(parts.join(", "))
}

/// How a list item is named in a change: a string as it is, a source link
/// by its source, a role as `TITLE @ OF | SPAN`, anything else as JSON.
fn item_label(item: &serde_json::Value) -> String {
    use serde_json::Value;
    match item {
        Value::String(s) => s.clone(),
        Value::Object(fields) => {
            if let Some(Value::String(source)) = fields.get("source") {
                return source.clone();
            }
            if let Some(Value::String(title)) = fields.get("title") {
                let mut label = title.clone();
                if let Some(Value::String(of)) = fields.get("of") {
                    label.push_str(&format!(" @ {of}"));
                }
                if let Some(Value::String(span)) = fields.get("span") {
                    label.push_str(&format!(" | {span}"));
                }
                return label;
            }
            item.to_string()
        }
        other => other.to_string(),
    }
}

/// What an added source link says beyond its source, ` (via: axios,
/// credibility: 2)`: a report repeated from another source is not one more
/// independent report, which the change must show. Empty for other items
/// and for a plain link.
fn added_details(item: &serde_json::Value) -> String {
    let Some(fields) = item.as_object().filter(|f| f.contains_key("source")) else {
        return String::new();
    };
    let details: Vec<String> = ["via", "credibility"]
        .into_iter()
        .filter_map(|key| {
            let value = fields.get(key).filter(|v| !v.is_null())?;
            Some(format!("{key}: {}", text(Some(value))))
        })
        .collect();
    match details.is_empty() {
        true => String::new(),
        false => format!(" ({})", details.join(", ")),
    }
}

/// The fields in which two versions of one list item differ:
/// `credibility: — → high`.
fn item_details(before: &serde_json::Value, after: &serde_json::Value) -> String {
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return change(Some(before), Some(after));
    };
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| format!("{k}: {}", change(b.get(k), a.get(k))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// At most this many characters of a value are shown on each side of a
/// change, so that it stays on one line.
const SHOWN: usize = 60;
/// How many characters before the first difference a cut value keeps.
const CONTEXT: usize = 20;

/// `before → after` for one field. A value too long to show whole is cut to
/// a window around the first character where the two differ, with … where
/// it was cut: a change deep inside a long
/// description stays visible instead of both sides showing one prefix.
fn change(before: Option<&serde_json::Value>, after: Option<&serde_json::Value>) -> String {
    change_texts(text(before), text(after))
}

/// [`change`] of two values already written as text.
fn change_texts(before: String, after: String) -> String {
    let first_difference = before
        .chars()
        .zip(after.chars())
        .take_while(|(b, a)| b == a)
        .count();
    format!(
        "{} → {}",
        window(&before, first_difference),
        window(&after, first_difference)
    )
}

/// A claim's quantity as a change summary shows it: its number as
/// `claims` writes it, its unit and its subject, `700 children (deported
/// children)`; `—` for none.
fn quantity(value: Option<&serde_json::Value>) -> String {
    let Some(fields) = value.and_then(serde_json::Value::as_object) else {
        return text(value);
    };
    let number = match fields.get("value").and_then(serde_json::Value::as_f64) {
        Some(v) => crate::model::format_value(v),
        None => text(fields.get("value")),
    };
    let mut shown = number;
    for (field, around) in [("unit", (" ", "")), ("subject", (" (", ")"))] {
        let part = text(fields.get(field));
        if !part.is_empty() && part != "—" {
            shown.push_str(&format!("{}{part}{}", around.0, around.1));
        }
    }
    shown
}

/// A source's grade as every listing writes it, the upper-case letter
/// analysts use (`B`), though the record stores it in lower case (`b`).
fn grade(value: Option<&serde_json::Value>) -> String {
    text(value).to_uppercase()
}

/// A field value as a change summary shows it.
fn text(value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => "—".to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// At most [`SHOWN`] characters of `text`, starting [`CONTEXT`] characters
/// before `first_difference` (or earlier, to fill the window at the end),
/// with … where the text goes on.
fn window(text: &str, first_difference: usize) -> String {
    let len = text.chars().count();
    if len <= SHOWN {
        return text.to_string();
    }
    let start = first_difference.saturating_sub(CONTEXT).min(len - SHOWN);
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(text.chars().skip(start).take(SHOWN));
    if start + SHOWN < len {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_change_names_its_items() {
        use serde_json::json;
        let link = |credibility: Option<u8>| json!({"source": "axios", "credibility": credibility});
        assert_eq!(
            list_change(Some(&json!([link(None)])), &json!([link(Some(2))])).unwrap(),
            "~ axios (credibility: — → 2)"
        );
        assert_eq!(
            list_change(Some(&json!(["a", "b"])), &json!(["b", "a"])).unwrap(),
            "reordered"
        );
        assert_eq!(list_change(None, &json!(["a"])).unwrap(), "+ a");
        assert_eq!(
            list_change(Some(&json!(["a", "b"])), &json!(["a", "b", "a"])).unwrap(),
            "+ a"
        );
        assert_eq!(
            list_change(Some(&json!(["a", "a"])), &json!(["a"])).unwrap(),
            "− a"
        );
        assert_eq!(list_change(Some(&json!("x")), &json!(["a"])), None);
        assert_eq!(list_change(Some(&json!([])), &json!("a")), None);
    }

    #[test]
    fn a_long_value_is_cut_around_its_first_difference() {
        let long = |tail: &str| serde_json::Value::String(format!("{}{tail}", "x".repeat(100)));
        assert_eq!(
            change(Some(&long("ab")), Some(&long("cd"))),
            format!("…{}ab → …{}cd", "x".repeat(58), "x".repeat(58))
        );
        let middle = |word: &str| format!("{}{word}{}", "a".repeat(50), "b".repeat(50));
        let (before, after) = (middle("MON"), middle("TUE"));
        let shown = change(
            Some(&serde_json::Value::String(before)),
            Some(&serde_json::Value::String(after)),
        );
        let side = format!("…{}MON{}…", "a".repeat(20), "b".repeat(37));
        assert_eq!(shown, format!("{side} → {}", side.replace("MON", "TUE")));
        assert_eq!(change(None, Some(&"short".into())), "— → short");
        assert_eq!(
            window("é".repeat(61).as_str(), 0),
            format!("{}…", "é".repeat(60))
        );
    }
}
