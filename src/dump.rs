//! The NDJSON dump: factline's complete, lossless, portable form.
//!
//! One JSON record a line. The first line is a header naming the format and
//! its version; then every version of every actor, source, event and claim,
//! in that order, by id, oldest version first; the last line is a trailer
//! counting the records, written only once every record is, so that an
//! import knows a dump cut short (a failed or killed `export > FILE`) from
//! a whole one. A dump of format version 1 (from a factline before the
//! trailer) has none and is read as before, unchecked. The output is deterministic, so
//! export → import into an empty database → export is byte-identical.
//! `schema/ndjson.schema.json` describes the lines.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{self, names, Actor, Claim, Event, Source};
use crate::store::{Record, Store, Writes};

pub const FORMAT_NAME: &str = "factline-ndjson";
/// The dump format this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 2;

/// The first dump format version that ends with a trailer: a dump of this
/// version or later without one was cut short.
pub const TRAILER_VERSION: u32 = 2;

/// Longest line accepted on import: a hostile file cannot exhaust memory.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// Most lines one dump may hold: an import reads the file twice (checking
/// every line before writing any) and keeps a hash of each record's id.
pub const MAX_LINES: usize = 5_000_000;

/// One line of a dump.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Line {
    Header(Header),
    Actor(Actor),
    Source(Source),
    Event(Event),
    Claim(Claim),
    Trailer(Trailer),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: String,
    pub version: u32,
}

impl Header {
    pub fn current() -> Header {
        Header {
            format: FORMAT_NAME.to_string(),
            version: FORMAT_VERSION,
        }
    }
}

/// A dump's last line: how many record lines came between the header and
/// it. Written only after every record, so a dump that has it is whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trailer {
    pub records: u64,
}

/// Writes the whole database as NDJSON, the trailer last.
pub fn write<W: Write>(store: &Store, out: &mut W) -> Result<()> {
    write_line(out, &Line::Header(Header::current()))?;
    let mut records = 0;
    records += write_kind::<Actor, W>(store, out, Line::Actor)?;
    records += write_kind::<Source, W>(store, out, Line::Source)?;
    records += write_kind::<Event, W>(store, out, Line::Event)?;
    records += write_kind::<Claim, W>(store, out, Line::Claim)?;
    write_line(out, &Line::Trailer(Trailer { records }))
}

/// Writes every version of every record of one kind; returns how many.
fn write_kind<R: Record, W: Write>(
    store: &Store,
    out: &mut W,
    line: impl Fn(R) -> Line,
) -> Result<u64> {
    let mut written = 0;
    for versions in store.all_versions::<R>() {
        for version in versions? {
            write_line(out, &line(version))?;
            written += 1;
        }
    }
    Ok(written)
}

fn write_line<W: Write>(out: &mut W, line: &Line) -> Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Reads a dump, checking every line before anything is written. `label`
/// names the input in errors (`story.ndjson:12: …`).
pub fn read<R: BufRead>(input: R, label: &str) -> Result<Vec<(usize, Line)>> {
    let mut reader = LineReader::new(input, label);
    let mut lines = Vec::new();
    while let Some(line) = reader.next_line()? {
        lines.push(line);
    }
    Ok(lines)
}

/// A dump's lines one at a time, each parsed and checked (the header
/// first, then records), so a large dump need not sit in memory. The
/// trailer is checked (its count, and that nothing follows it) but not
/// returned; a dump whose header's version has a trailer but that ends
/// without one is refused as cut short.
pub struct LineReader<'l, R: BufRead> {
    reader: R,
    label: &'l str,
    buf: Vec<u8>,
    number: usize,
    seen: usize,
    /// The header's format version, once read.
    version: u32,
    /// The line number of the trailer, once read.
    trailer: Option<usize>,
    /// The last line read, if it lists an item twice: refused unless this
    /// line is its next version.
    repeat: Option<Repeat>,
    /// The time of the import reading the dump (see [`LineReader::at`]).
    now: Option<model::Stamp>,
}

impl<'l, R: BufRead> LineReader<'l, R> {
    pub fn new(reader: R, label: &'l str) -> LineReader<'l, R> {
        LineReader {
            reader,
            label,
            buf: Vec::new(),
            number: 0,
            seen: 0,
            version: 0,
            trailer: None,
            repeat: None,
            now: None,
        }
    }

    /// Refuses a version recorded more than a day after `now`, the time
    /// the import records (see [`check_recorded`]).
    pub fn at(mut self, now: model::Stamp) -> Self {
        self.now = Some(now);
        self
    }

    /// Whether the dump was checked to be whole: it ended with its
    /// trailer. Only a dump of format version 1, from a factline before
    /// the trailer, can be read to its end without one.
    pub fn checked_whole(&self) -> bool {
        self.trailer.is_some()
    }

    /// The next line and its number, or `None` at the end of the input.
    pub fn next_line(&mut self) -> Result<Option<(usize, Line)>> {
        let label = self.label;
        loop {
            self.buf.clear();
            self.number += 1;
            let number = self.number;
            let read = std::io::Read::take(&mut self.reader, MAX_LINE_BYTES as u64 + 1)
                .read_until(b'\n', &mut self.buf)
                .map_err(|e| crate::tabular::cannot_read(label, e))?;
            if read == 0 {
                if let Some(repeat) = self.repeat.take() {
                    return Err(repeat.error(label));
                }
                if self.seen == 0 {
                    // Not even a header: no dump (a failed `export >
                    // FILE` leaves an empty file), not one of no records.
                    let what = match number {
                        1 => "the file is empty",
                        _ => "the file holds only blank lines",
                    };
                    return Err(Error::bad_input(format!(
                        "{label}: {what}; a factline dump starts with its {FORMAT_NAME} header line"
                    )));
                }
                if self.trailer.is_none() && self.version >= TRAILER_VERSION {
                    return Err(cut_short(&format!(
                        "{label}: the dump is cut short: it ends at line {} without the trailer line that ends a whole dump",
                        number - 1
                    )));
                }
                return Ok(None);
            }
            if number > MAX_LINES {
                return Err(Error::bad_input(format!(
                    "{label}:{number}: a dump may hold at most {MAX_LINES} lines; split it"
                )));
            }
            if self.buf.len() > MAX_LINE_BYTES {
                return Err(Error::bad_input(format!(
                    "{label}:{number}: line is longer than {MAX_LINE_BYTES} bytes"
                )));
            }
            let text = std::str::from_utf8(&self.buf)
                .map_err(|_| Error::bad_input(format!("{label}:{number}: not valid UTF-8")))?;
            let mut text = text.trim_end_matches(['\n', '\r']);
            if number == 1 {
                // A byte-order mark, as Windows Notepad saves UTF-8: not
                // part of the first line (the CSV reader skips it too).
                text = text.strip_prefix(crate::BYTE_ORDER_MARK).unwrap_or(text);
            }
            if text.trim().is_empty() {
                continue;
            }
            if let Some(trailer) = self.trailer {
                return Err(Error::bad_input(format!(
                    "{label}:{number}: a line after the dump's trailer (line {trailer}), which must be its last line"
                )));
            }
            let parsed = serde_json::from_str::<Line>(text);
            if let Some(repeat) = self.repeat.take() {
                if !parsed.as_ref().is_ok_and(|line| repeat.superseded_by(line)) {
                    return Err(repeat.error(label));
                }
            }
            let line: Line = parsed.map_err(|e| {
                if e.is_eof() && !self.buf.ends_with(b"\n") && self.version >= TRAILER_VERSION {
                    // The file ends inside a record: an export stopped mid-line.
                    return cut_short(&format!(
                        "{label}:{number}: the dump is cut short: it ends in the middle of this line"
                    ));
                }
                Error::bad_input(format!("{label}:{number}: {}", describe_bad_line(text, &e)))
            })?;
            validate(&line)
                .and_then(|()| check_recorded(&line, self.now))
                .map_err(|e| Error::bad_input(format!("{label}:{number}: {e}")))?;
            self.repeat = Repeat::of(number, &line);
            if self.seen == 0 && !matches!(line, Line::Header(_)) {
                return Err(Error::bad_input(format!(
                    "{label}:{number}: expected a {FORMAT_NAME} header line first; is this a factline dump?"
                )));
            }
            if let Line::Header(h) = &line {
                if self.seen > 0 {
                    return Err(Error::bad_input(format!(
                        "{label}:{number}: a header may only be the first line"
                    )));
                }
                if h.format != FORMAT_NAME {
                    return Err(Error::bad_input(format!(
                        "{label}:{number}: format {:?} is not {FORMAT_NAME}",
                        h.format
                    )));
                }
                if h.version > FORMAT_VERSION {
                    return Err(Error::bad_input(format!(
                        "{label}:{number}: dump format version {} is newer than this factline reads ({FORMAT_VERSION}); upgrade factline",
                        h.version
                    )));
                }
                self.version = h.version;
            }
            if let Line::Trailer(t) = &line {
                // The lines read so far but the header.
                let records = (self.seen - 1) as u64;
                if t.records != records {
                    return Err(Error::bad_input(format!(
                        "{label}:{number}: the trailer counts {} records but the dump holds {records}; lines were lost or added since it was written (export it again)",
                        t.records
                    )));
                }
                self.trailer = Some(number);
                continue;
            }
            self.seen += 1;
            return Ok(Some((number, line)));
        }
    }
}

/// The error of a dump that stops before its end (`what` says where).
fn cut_short(what: &str) -> Error {
    Error::bad_input(format!("{what}; nothing imported (export it again)"))
}

/// What is wrong with a dump line serde refused: with the field it
/// refuses, when the line is JSON of a known type (`meta.retracted:
/// invalid type: map, expected a string`), found by reading it again.
fn describe_bad_line(text: &str, e: &serde_json::Error) -> String {
    refused_field(text).unwrap_or_else(|| describe_json_error(e))
}

/// The field serde refuses in `text`, a dump line of a known type, and
/// why; `None` when the line is not such JSON or no one field is to blame.
/// (Fields are read in name order here, so of two bad fields this may name
/// the other one.)
fn refused_field(text: &str) -> Option<String> {
    fn refused<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Option<String> {
        let e = serde_path_to_error::deserialize::<_, T>(value).err()?;
        let path = e.path().to_string();
        (!path.is_empty() && path != ".")
            .then(|| format!("{path}: {}", describe_json_error(e.inner())))
    }
    let mut value: serde_json::Value = serde_json::from_str(text).ok()?;
    let kind = value.as_object_mut()?.remove("type")?;
    match kind.as_str()? {
        "header" => refused::<Header>(value),
        "actor" => refused::<Actor>(value),
        "source" => refused::<Source>(value),
        "event" => refused::<Event>(value),
        "claim" => refused::<Claim>(value),
        "trailer" => refused::<Trailer>(value),
        _ => None,
    }
}

fn describe_json_error(e: &serde_json::Error) -> String {
    // serde_json's column refers to the line; the line number is ours.
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Checks what serde cannot: ids, non-empty names and titles, sane versions.
fn validate(line: &Line) -> std::result::Result<(), String> {
    match line {
        Line::Header(_) | Line::Trailer(_) => Ok(()),
        Line::Actor(a) => {
            names::validate_id(&a.id)?;
            model::validate_name("actor name", &a.name, 500)?;
            for alias in &a.aliases {
                model::validate_name("alias", alias, 500)?;
            }
            model::validate_note("description", &a.description, model::MAX_NOTE_CHARS)?;
            check_version(a.meta.version)
        }
        Line::Source(s) => {
            names::validate_id(&s.id)?;
            model::validate_name("source name", &s.name, 500)?;
            check_version(s.meta.version)
        }
        Line::Event(e) => {
            names::validate_id(&e.id)?;
            model::validate_text("title", &e.title, 1000)?;
            if let Some(place) = &e.place {
                model::validate_text("place", place, 500)?;
            }
            for tag in &e.tags {
                model::validate_name("tag", tag, 200)?;
            }
            model::validate_note("description", &e.description, model::MAX_NOTE_CHARS)?;
            for link in &e.sources {
                model::validate_credibility(link.credibility)?;
            }
            check_version(e.meta.version)
        }
        Line::Claim(c) => {
            names::validate_id(&c.id)?;
            model::validate_text("claim text", &c.text, 10_000)?;
            if let Some(q) = &c.quantity {
                model::validate_text("quantity subject", &q.subject, model::MAX_QUANTITY_CHARS)?;
                if !q.value.is_finite() {
                    return Err("a quantity must be a finite number".into());
                }
                model::validate_unit("quantity unit", &q.unit)?;
            }
            for link in &c.sources {
                model::validate_credibility(link.credibility)?;
            }
            check_version(c.meta.version)
        }
    }
}

/// What a record line lists twice where factline keeps each item once (an
/// event's actors, sources and tags; a claim's subjects, sources and
/// related claims): only a hand edit makes such a line, and the listings
/// would show the item twice, a source's two links with two origins.
pub(crate) fn listed_twice(line: &Line) -> Vec<String> {
    match line {
        Line::Event(e) => e.listed_twice(),
        Line::Claim(c) => c.listed_twice(),
        _ => Vec::new(),
    }
}

/// What a record line says of itself that the commands refuse: a source
/// link via the source itself (`link --via`), a claim that contradicts or
/// supports itself, or contradicts and supports one claim (`claim add`).
/// Only a hand edit makes such a line; `check` reports a stored one.
pub(crate) fn self_contradictions(line: &Line) -> Vec<String> {
    let self_via = |links: &[model::SourceLink]| -> Vec<String> {
        links
            .iter()
            .filter(|l| l.via.as_deref() == Some(l.source.as_str()))
            .map(|l| {
                format!(
                    "sources: source {} repeats itself (via {})",
                    l.source, l.source
                )
            })
            .collect()
    };
    match line {
        Line::Event(e) => self_via(&e.sources),
        Line::Claim(c) => {
            let mut found = self_via(&c.sources);
            let names = ("contradicts", "supports");
            if let Err(e) = model::validate_claim_relations(
                Some(&c.id),
                &c.contradicts,
                &c.supports,
                &[],
                names,
            ) {
                found.push(e);
            }
            found
        }
        _ => Vec::new(),
    }
}

/// What a record's current version may not hold (see [`Repeat`]).
fn current_problems(line: &Line) -> Vec<String> {
    let mut found = listed_twice(line);
    found.extend(self_contradictions(line));
    found
}

/// A record line that lists an item twice (or names itself where the
/// commands refuse it), refused unless the next line is the record's next
/// version: a superseded version is history as it was recorded (`check
/// --repair` mends a stored record by a new version, and an edit of one
/// keeps the old version), but a record's current version must be sound.
struct Repeat {
    number: usize,
    kind: &'static str,
    id: String,
    version: u32,
    what: String,
}

impl Repeat {
    fn of(number: usize, line: &Line) -> Option<Repeat> {
        let what = current_problems(line).into_iter().next()?;
        let (kind, id) = line_id(line)?;
        Some(Repeat {
            number,
            kind,
            id: id.to_string(),
            version: line_version(line)?,
            what,
        })
    }

    fn superseded_by(&self, line: &Line) -> bool {
        line_id(line) == Some((self.kind, self.id.as_str()))
            && line_version(line) == Some(self.version + 1)
    }

    fn error(&self, label: &str) -> Error {
        Error::bad_input(format!("{label}:{}: {}", self.number, self.what))
    }
}

fn line_version(line: &Line) -> Option<u32> {
    line_meta(line).map(|meta| meta.version)
}

/// A record line's version, time and retraction (none for the header and
/// the trailer).
fn line_meta(line: &Line) -> Option<&model::Meta> {
    match line {
        Line::Header(_) | Line::Trailer(_) => None,
        Line::Actor(a) => Some(&a.meta),
        Line::Source(s) => Some(&s.meta),
        Line::Event(e) => Some(&e.meta),
        Line::Claim(c) => Some(&c.meta),
    }
}

fn check_version(version: u32) -> std::result::Result<(), String> {
    if version == 0 {
        return Err("version must be 1 or more".into());
    }
    Ok(())
}

/// How far a dump's times may be ahead of this computer's clock: a dump
/// written where the clock runs a little fast is no error.
const CLOCK_SKEW_MICROS: i64 = 24 * 3600 * 1_000_000;

/// Checks that a record was not recorded after `now` (the import's time;
/// give or take a day): factline records every later change no earlier
/// than the latest time recorded (so that history stays in order), so a
/// version dated 2099 in a dump edited by hand would date every edit after
/// it 2099.
fn check_recorded(line: &Line, now: Option<model::Stamp>) -> std::result::Result<(), String> {
    let (Some(meta), Some(now)) = (line_meta(line), now) else {
        return Ok(());
    };
    if meta.recorded_at.0 > now.0.saturating_add(CLOCK_SKEW_MICROS) {
        return Err(format!(
            "recorded_at {} is in the future (it is {now} now): a dump records times that have passed, and every later change would be recorded after it",
            meta.recorded_at
        ));
    }
    Ok(())
}

/// What an import did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    pub added: usize,
    pub unchanged: usize,
}

/// Adds the versions in `lines` that the database does not have yet.
///
/// A version the database already has must be identical (else the import is
/// refused: the file and the database disagree about history); versions
/// beyond the stored ones must follow on without gaps. References (an
/// event's actors and sources, a role's actor, a claim's claimant, subjects,
/// sources and related claims) must exist in the file or the database.
pub fn apply(
    writer: &mut impl Writes,
    store: &Store,
    lines: &[(usize, Line)],
    label: &str,
) -> Result<Applied> {
    let mut in_file = FileIds::default();
    for (_, line) in lines {
        in_file.insert(line);
    }
    let mut applied = Applied::default();
    for (number, line) in lines {
        apply_line(
            writer,
            store,
            (*number, line),
            label,
            &|kind, id| in_file.contains(kind, id),
            &mut applied,
        )?;
    }
    Ok(applied)
}

/// The kind and id of a record line.
fn line_id(line: &Line) -> Option<(&'static str, &str)> {
    match line {
        Line::Header(_) | Line::Trailer(_) => None,
        Line::Actor(a) => Some(("actor", a.id.as_str())),
        Line::Source(s) => Some(("source", s.id.as_str())),
        Line::Event(e) => Some(("event", e.id.as_str())),
        Line::Claim(c) => Some(("claim", c.id.as_str())),
    }
}

/// The records of a dump, as 128-bit hashes of (kind, id): what an import
/// reading the file a second time needs to accept a reference to a record
/// further down, without holding the file in memory.
#[derive(Default)]
pub struct FileIds(std::collections::HashSet<u128>);

impl FileIds {
    fn hash(kind: &str, id: &str) -> u128 {
        use std::hash::{Hash, Hasher};
        let half = |salt: u8| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (salt, kind, id).hash(&mut h);
            u128::from(h.finish())
        };
        (half(1) << 64) | half(2)
    }

    pub fn insert(&mut self, line: &Line) {
        if let Some((kind, id)) = line_id(line) {
            self.0.insert(Self::hash(kind, id));
        }
    }

    pub fn contains(&self, kind: &str, id: &str) -> bool {
        self.0.contains(&Self::hash(kind, id))
    }
}

/// Adds one line's version if the database does not have it yet (see
/// [`apply`]); `in_file` says whether the dump holds a record.
pub fn apply_line(
    writer: &mut impl Writes,
    store: &Store,
    (number, line): (usize, &Line),
    label: &str,
    in_file: &dyn Fn(&'static str, &str) -> bool,
    applied: &mut Applied,
) -> Result<()> {
    let at = |e: Error| e.at_line(label, number);
    for (kind, id) in references(line) {
        let exists = in_file(kind, id)
            || match kind {
                "actor" => store.get::<Actor>(id).map_err(at)?.is_some(),
                "source" => store.get::<Source>(id).map_err(at)?.is_some(),
                "event" => store.get::<Event>(id).map_err(at)?.is_some(),
                _ => store.get::<Claim>(id).map_err(at)?.is_some(),
            };
        if !exists {
            return Err(at(Error::bad_input(format!(
                "{} names unknown {kind} {id}",
                line_name(line)
            ))));
        }
    }
    let result = match line {
        Line::Header(_) | Line::Trailer(_) => Ok(()),
        Line::Actor(a) => apply_one(writer, store, a, applied),
        Line::Source(s) => apply_one(writer, store, s, applied),
        Line::Event(e) => apply_one(writer, store, e, applied),
        Line::Claim(c) => apply_one(writer, store, c, applied),
    };
    result.map_err(at)
}

/// "event 2025-10-24-miami-talks", for messages.
pub(crate) fn line_name(line: &Line) -> String {
    match line {
        Line::Header(_) => "the header".to_string(),
        Line::Trailer(_) => "the trailer".to_string(),
        Line::Actor(a) => format!("actor {}", a.id),
        Line::Source(s) => format!("source {}", s.id),
        Line::Event(e) => format!("event {}", e.id),
        Line::Claim(c) => format!("claim {}", c.id),
    }
}

/// The sources a fact's links name (the source and what it repeats).
fn link_references(links: &[model::SourceLink]) -> Vec<(&'static str, &str)> {
    links
        .iter()
        .flat_map(|l| std::iter::once(l.source.as_str()).chain(l.via.as_deref()))
        .map(|id| ("source", id))
        .collect()
}

/// The records a line refers to, as (kind, id).
pub(crate) fn references(line: &Line) -> Vec<(&'static str, &str)> {
    let links = link_references;
    match line {
        Line::Header(_) | Line::Trailer(_) | Line::Source(_) => Vec::new(),
        Line::Actor(a) => a
            .roles
            .iter()
            .filter_map(|r| r.of.as_deref())
            .map(|id| ("actor", id))
            .collect(),
        Line::Event(e) => {
            let mut refs: Vec<_> = e.actors.iter().map(|id| ("actor", id.as_str())).collect();
            refs.extend(links(&e.sources));
            refs
        }
        Line::Claim(c) => {
            let mut refs = vec![("actor", c.claimant.as_str())];
            refs.extend(c.about_actors.iter().map(|id| ("actor", id.as_str())));
            refs.extend(c.about_events.iter().map(|id| ("event", id.as_str())));
            refs.extend(links(&c.sources));
            refs.extend(c.verdict_by.iter().map(|id| ("source", id.as_str())));
            refs.extend(
                c.contradicts
                    .iter()
                    .chain(&c.supports)
                    .map(|id| ("claim", id.as_str())),
            );
            refs
        }
    }
}

fn apply_one<R: Record>(
    writer: &mut impl Writes,
    store: &Store,
    record: &R,
    applied: &mut Applied,
) -> Result<()> {
    let current = writer.current::<R>(record.id())?;
    let stored = current.as_ref().map_or(0, |r| r.meta().version);
    let version = record.meta().version;
    if version <= stored {
        // The version may be this import's own (a repeated line) or stored.
        let existing = match current.filter(|r| r.meta().version == version) {
            Some(r) => Some(r),
            None => store
                .versions::<R>(record.id())?
                .into_iter()
                .find(|r| r.meta().version == version),
        };
        if existing.as_ref() == Some(record) {
            applied.unchanged += 1;
            return Ok(());
        }
        return Err(Error::bad_input(format!(
            "version {version} of {} differs from the stored version {version}; the file and the database disagree about its history",
            record.id()
        )));
    }
    // A version is recorded no earlier than the one it follows, as
    // factline's own writes keep them (`Meta::next`): `--as-of` and
    // `history` read them in that order.
    if let Some(before) = current.as_ref().map(|r| r.meta()) {
        if record.meta().recorded_at < before.recorded_at {
            return Err(Error::bad_input(crate::store::recorded_before(
                record.id(),
                version,
                before.version,
            )));
        }
    }
    writer.write(record)?;
    applied.added += 1;
    Ok(())
}
