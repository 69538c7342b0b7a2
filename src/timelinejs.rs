//! TimelineJS (Knight Lab) output: the JSON its TimelineJS3 library reads,
//! and the spreadsheet columns of its Google Sheets template. TimelineJS
//! dates are exact to a chosen unit, so a factline date becomes its bounds
//! at the date's precision (finer where a bound falls inside that unit:
//! `2025-1X` starts in October 2025), and `display_date` says what the source said:
//! "~Aug 2025", "since Jan 2025", "19 Nov 2025 (postponed)", "~Dec 2025
//! (postponed from 19 Nov 2025)". A time interval is written in one zone
//! ([`in_one_zone`]). Import reads a sheet back: the date, and the status
//! in that form only ([`read_status`]).

use std::borrow::Cow;

use chrono::Datelike;
use serde::Serialize;

use crate::model::date::Precision;
use crate::model::{Date, Event, Status};

/// The spreadsheet template's columns, in order.
pub const CSV_HEADERS: &[&str] = &[
    "Year",
    "Month",
    "Day",
    "Time",
    "End Year",
    "End Month",
    "End Day",
    "End Time",
    "Display Date",
    "Headline",
    "Text",
    "Media",
    "Media Credit",
    "Media Caption",
    "Media Thumbnail",
    "Alt Text",
    "Type",
    "Group",
    "Background",
];

/// A TimelineJS date: year always, month and day when the precision has them,
/// and in the JSON the time of day when the date gives one (the sheet has
/// its Time columns for that, [`Slide::times`]).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TjsDate {
    pub year: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hour: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minute: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub second: Option<String>,
}

impl TjsDate {
    fn at(day: chrono::NaiveDate, precision: Precision) -> TjsDate {
        let month = matches!(
            precision,
            Precision::Day | Precision::Month | Precision::Season
        );
        TjsDate {
            year: day.year().to_string(),
            month: month.then(|| day.month().to_string()),
            day: (precision == Precision::Day).then(|| day.day().to_string()),
            hour: None,
            minute: None,
            second: None,
        }
    }

    /// `day`, one bound of a date of `precision`, as TimelineJS can say it
    /// exactly: at the date's own unit when that unit begins (`first`) or
    /// ends on `day`, else at the month, else at the day. A sheet's date is
    /// read as its unit's whole span, so `2025-1X` (October to December)
    /// starts in the month October 2025, not the year 2025, and the end of
    /// `2025/2026-0X` is the month September 2026: only the bounds' unit
    /// is finer, never the bounds wider.
    fn bound(day: chrono::NaiveDate, precision: Precision, first: bool) -> TjsDate {
        let month_edge = match first {
            true => day.day() == 1,
            false => day
                .succ_opt()
                .is_none_or(|next| next.month() != day.month()),
        };
        let year_edge = month_edge && day.month() == if first { 1 } else { 12 };
        let precision = match precision {
            Precision::Day => Precision::Day,
            Precision::Month | Precision::Season if month_edge => precision,
            Precision::Month | Precision::Season => Precision::Day,
            _ if year_edge => precision,
            _ if month_edge => Precision::Month,
            _ => Precision::Day,
        };
        TjsDate::at(day, precision)
    }

    /// Sets the time of day of a `hh:mm:ss` clock (from [`clocks`]), as
    /// TimelineJS numbers it (`14`, `5`; seconds only when not 0), on a
    /// date that has its day.
    fn with_clock(mut self, clock: Option<&str>) -> TjsDate {
        let parts = clock.filter(|_| self.day.is_some()).map(|clock| {
            clock
                .split(':')
                .map(|n| {
                    n.parse::<u32>()
                        .map_or_else(|_| n.to_string(), |n| n.to_string())
                })
                .collect::<Vec<_>>()
        });
        if let Some([hour, minute, second]) = parts.as_deref() {
            self.hour = Some(hour.clone());
            self.minute = Some(minute.clone());
            self.second = (second != "0").then(|| second.clone());
        }
        self
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Text {
    pub headline: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Slide {
    pub start_date: TjsDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<TjsDate>,
    pub display_date: String,
    /// The times of day of the start and the end, as the sheet's Time and
    /// End Time columns write them ([`times`]).
    #[serde(skip)]
    pub times: (Option<String>, Option<String>),
    pub text: Text,
    pub group: String,
    pub unique_id: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TitleSlide {
    pub text: Text,
}

/// Writes TimelineJS's JSON (`{"events": [slides…], "title": …}`, pretty)
/// as `slides` come, one slide in memory at a time. The title slide, which
/// counts the events, comes after them: the order of an object's members
/// means nothing to TimelineJS.
pub fn write_json<W: std::io::Write>(
    out: &mut W,
    slides: impl Iterator<Item = crate::error::Result<Slide>>,
) -> crate::error::Result<()> {
    use serde::ser::{Error as _, SerializeMap, Serializer};
    use std::cell::{Cell, RefCell};

    /// The slides, serialized as a sequence as they come; an error reading
    /// them stops the sequence and is kept to be returned as it was.
    struct Slides<'a, I> {
        slides: RefCell<Option<I>>,
        count: &'a Cell<usize>,
        failed: &'a RefCell<Option<crate::error::Error>>,
    }
    impl<I: Iterator<Item = crate::error::Result<Slide>>> Serialize for Slides<'_, I> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let slides = self.slides.borrow_mut().take();
            let slides = slides.ok_or_else(|| S::Error::custom("the slides were written twice"))?;
            let mut failed = false;
            let written = slides.map_while(|slide| match slide {
                Ok(slide) => {
                    self.count.set(self.count.get() + 1);
                    Some(slide)
                }
                Err(e) => {
                    failed = true;
                    *self.failed.borrow_mut() = Some(e);
                    None
                }
            });
            let done = serializer.collect_seq(written)?;
            match failed {
                true => Err(S::Error::custom("reading the events failed")),
                false => Ok(done),
            }
        }
    }

    let count = Cell::new(0);
    let failed = RefCell::new(None);
    let mut serializer = serde_json::Serializer::pretty(&mut *out);
    let written = (|| -> Result<(), serde_json::Error> {
        let mut timeline = serializer.serialize_map(Some(2))?;
        timeline.serialize_entry(
            "events",
            &Slides {
                slides: RefCell::new(Some(slides)),
                count: &count,
                failed: &failed,
            },
        )?;
        let title = TitleSlide {
            text: Text {
                headline: "factline timeline".to_string(),
                text: match count.get() {
                    1 => "1 event".to_string(),
                    n => format!("{n} events"),
                },
            },
        };
        timeline.serialize_entry("title", &title)?;
        timeline.end()
    })();
    if let Some(e) = failed.into_inner() {
        return Err(e);
    }
    written?;
    out.write_all(b"\n")?;
    Ok(())
}

/// The precision of one end of an interval (`2025-10-26` of `2025-10-24/2025-10-26`).
fn end_precision(date: &Date) -> Precision {
    date.as_str()
        .split_once('/')
        .and_then(|(_, end)| Date::parse_edtf(end).ok())
        .map_or(date.precision(), |end| end.precision())
}

/// A date as TimelineJS writes it, in one zone: a time interval whose ends
/// name different offsets (`2025-10-25T01:00:00+03:00/2025-10-24T23:00:00Z`,
/// 22:00 to 23:00 UTC) with its end at the same instant in the start's
/// offset (`2025-10-25T01:00:00+03:00/2025-10-25T02:00:00+03:00`). TimelineJS
/// knows no zone, so each end's days and clock times as written would put
/// the slide's ends at other instants. Any other date is as it is: an end
/// without an offset names no instant to convert.
pub fn in_one_zone(date: &Date) -> Cow<'_, Date> {
    let text = date.as_str();
    let moved = text.split_once('/').and_then(|(start, end)| {
        let at = |end: &str| chrono::DateTime::parse_from_rfc3339(end).ok();
        let (from, to) = (at(start)?, at(end)?);
        if from.offset() == to.offset() {
            return None;
        }
        // The start's offset as written (`Z`, `+03:00`), after its clock.
        let zone = start.get("2025-10-25T01:00:00".len()..)?;
        let end = to.with_timezone(from.offset()).format("%Y-%m-%dT%H:%M:%S");
        Date::parse_edtf(&format!("{start}/{end}{zone}")).ok()
    });
    match moved {
        Some(date) => Cow::Owned(date),
        None => Cow::Borrowed(date),
    }
}

/// A date's bounds as TimelineJS writes them (start, and end when the
/// date spans more than its start's unit), or None when it has no known
/// day at all (`../..`). Dates with the same bounds are one date in a sheet.
/// A time interval's days are those of one zone ([`in_one_zone`]).
pub fn bounds(date: &Date) -> Option<(TjsDate, Option<TjsDate>)> {
    written_bounds(&in_one_zone(date))
}

/// The earliest days ([`Date::earliest_day`], which a date's sort key
/// holds) that a date with `date`'s [`bounds`] may have: the dates a sheet
/// row may mean are found among these days' timeline entries alone.
///
/// A bounds' start names its first day (one without a day is the first of
/// its month, one without a month the first of January), the earliest day
/// of the date in one zone; an open start, written as the known end, is
/// an open start's only (`i32::MIN`, no day's). A date is its own in one
/// zone but for a time interval whose ends name different offsets, whose
/// earliest day is the earlier of its ends' days as written: the end's,
/// at most two days before the start's (offsets lie less than 24 hours
/// from UTC).
pub fn earliest_days_with_bounds_of(date: &Date) -> std::ops::RangeInclusive<i32> {
    let day = in_one_zone(date).earliest_day();
    day.saturating_sub(2)..=day
}

/// [`bounds`] of the days as the date writes them.
fn written_bounds(date: &Date) -> Option<(TjsDate, Option<TjsDate>)> {
    let interval = date.as_str().contains('/');
    let (start, end) = match (date.earliest(), date.latest()) {
        // An open start: TimelineJS needs a start, so it is the known end.
        (None, Some(latest)) => (TjsDate::bound(latest, end_precision(date), false), None),
        (Some(earliest), latest) => {
            let start = TjsDate::bound(earliest, date.precision(), true);
            // A single date spans its unit already; an interval, a season or
            // a widened (uncertain) date needs its end.
            let end = latest.filter(|_| {
                interval || date.is_uncertain() || date.precision() == Precision::Season
            });
            let end = end.map(|l| {
                TjsDate::bound(
                    l,
                    if interval {
                        end_precision(date)
                    } else {
                        Precision::Day
                    },
                    false,
                )
            });
            let end = end.filter(|e| *e != start);
            (start, end)
        }
        (None, None) => return None,
    };
    Some((start, end))
}

/// The date a postponement moved an event from, given the event's versions
/// oldest first (the current one last), when it is postponed: the date it
/// was planned for when it was postponed (that of the version before its
/// latest run of postponed versions, or of its first version when it was
/// recorded postponed), if its date has changed since. None for an event
/// that is not postponed, or that was postponed with no new date, even
/// one that had moved before ("26 Nov 2025 (postponed)" for a meeting
/// rescheduled from 19 to 26 Nov and then postponed).
pub fn postponed_from(versions: &[Event]) -> Option<&Date> {
    let current = versions.last()?;
    if current.status != Status::Postponed {
        return None;
    }
    let planned = match versions.iter().rposition(|v| v.status != Status::Postponed) {
        Some(before) => &versions[before].date,
        None => &versions.first()?.date,
    };
    (planned.as_str() != current.date.as_str()).then_some(planned)
}

/// A factline event as a TimelineJS slide, or None when its date has no
/// known day at all (`../..`). `postponed_from` is the date a postponed
/// event's postponement moved it from ([`postponed_from`]): the display
/// names it ("~Dec 2025 (postponed from 19 Nov 2025)").
pub fn slide(
    event: &Event,
    postponed_from: Option<&Date>,
    actors: &[String],
    sources: &[String],
) -> Option<Slide> {
    // Both ends in one zone: the slide's, the columns' and the Display
    // Date's clock times are the same.
    let date = &*in_one_zone(&event.date);
    let (start, end) = bounds(date)?;
    let mut display = date.human();
    match (event.status, postponed_from) {
        (Status::Occurred, _) => {}
        (Status::Postponed, Some(first)) => {
            display.push_str(&format!("{POSTPONED_FROM}{})", first.human()));
        }
        (status, _) => display.push_str(&format!(" ({status})")),
    }
    // TimelineJS renders text as HTML: factline's text is escaped, and only
    // its own paragraphs are markup, unless the description is the HTML of
    // a sheet's Text ([`is_html`]), which is written as it was read.
    let mut text = match is_html(&event.description) {
        true => event.description.clone(),
        false => escape(&event.description),
    };
    if let Some(place) = &event.place {
        text.push_str(PLACE);
        text.push_str(&escape(place));
        text.push_str("</p>");
    }
    for (label, names) in [
        (ACTORS, actors),
        (SOURCES, sources),
        (TAG_LIST, &event.tags),
    ] {
        if !names.is_empty() {
            text.push_str(label);
            text.push_str(&names_paragraph(names));
            text.push_str("</p>");
        }
    }
    // The JSON's dates carry their times of day; the sheet writes them in
    // its Time columns ([`csv_row`]).
    let (start_clock, end_clock) = clocks(date);
    Some(Slide {
        start_date: start.with_clock(start_clock.as_deref()),
        end_date: end.map(|end| end.with_clock(end_clock.as_deref())),
        display_date: display,
        times: times(date),
        text: Text {
            headline: escape(&event.title),
            text,
        },
        group: event.kind.to_string(),
        unique_id: event.id.clone(),
    })
}

/// The paragraphs that [`slide`] adds after the description, as they
/// begin, in the order it writes them: the sheet has no column for the
/// event's place, actors, sources and tags, and `import` reads them back
/// ([`read_text`]).
const PLACE: &str = "<p>Place: ";
const ACTORS: &str = "<p>Actors: ";
const SOURCES: &str = "<p>Sources: ";
const TAG_LIST: &str = "<p>Tags: ";

/// The characters [`escape`] replaces, and their entities.
const ENTITIES: [(char, &str); 3] = [('&', "&amp;"), ('<', "&lt;"), ('>', "&gt;")];

/// In the Actors and Sources paragraphs, a comma inside a name is written
/// as this entity (a comma on the slide), so that no name reads as two.
const COMMA: (char, &str) = (',', "&#44;");

/// Escapes text for TimelineJS, which shows it as HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The body of an Actors or Sources paragraph: the names escaped, a comma
/// inside a name written `&#44;`, joined with "; " (names cannot hold a
/// `;`, see `model::validate_name`). A sheet reads "Witkoff, Steve;
/// Kirill Dmitriev" on the slide, and [`read_text`] reads the names back
/// exactly.
fn names_paragraph(names: &[String]) -> String {
    let escaped: Vec<String> = names
        .iter()
        .map(|name| escape(name).replace(COMMA.0, COMMA.1))
        .collect();
    escaped.join("; ")
}

/// Text as factline wrote it into TimelineJS (HTML): `&amp;`, `&lt;` and
/// `&gt;` read back as the characters [`escape`] replaced.
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let (character, entity) = ENTITIES
            .into_iter()
            .find(|(_, entity)| rest.starts_with(entity))
            .unwrap_or(('&', "&"));
        out.push(character);
        rest = &rest[entity.len()..];
    }
    out.push_str(rest);
    out
}

/// What a slide's Text says, read back: the description, and the place
/// and the names of the Place, Actors, Sources and Tags paragraphs when it
/// ends with them (None for a paragraph it lacks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlideText {
    pub description: String,
    pub place: Option<String>,
    pub actors: Option<Vec<String>>,
    pub sources: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
}

/// A slide's Text as [`slide`] writes it: the description, unescaped, and
/// what the `<p>Place: …</p>`, `<p>Actors: …</p>`, `<p>Sources: …</p>` and
/// `<p>Tags: …</p>` paragraphs it adds after it say, each of them optional.
/// The names are read as [`names_paragraph`] writes them, or, in a
/// paragraph without a `;`, as separated by commas: an earlier factline
/// joined them with ", " (and wrote no Place and Tags paragraphs).
pub fn read_text(text: &str) -> SlideText {
    let mut text = text;
    // From the last paragraph back, in any order (a sheet edited by hand
    // may have moved one), each once.
    const PARAGRAPHS: [&str; 4] = [PLACE, ACTORS, SOURCES, TAG_LIST];
    let mut bodies: [Option<&str>; 4] = [None; 4];
    while let Some(body) = text.strip_suffix("</p>") {
        let Some(at) = body.rfind("<p>") else {
            break;
        };
        let Some(which) = PARAGRAPHS
            .iter()
            .position(|paragraph| body[at..].starts_with(paragraph))
            .filter(|&which| bodies[which].is_none())
        else {
            break;
        };
        bodies[which] = Some(&body[at + PARAGRAPHS[which].len()..]);
        text = &text[..at];
    }
    let [place, actors, sources, tags] = bodies;
    SlideText {
        description: match is_html(text) {
            true => text.to_string(),
            false => unescape(text),
        },
        place: place.map(unescape),
        actors: actors.map(read_names),
        sources: sources.map(read_names),
        tags: tags.map(read_names),
    }
}

/// The tags of TimelineJS's formatting that a description may hold as
/// HTML ([`is_html`]).
const TAGS: &[&str] = &[
    "p",
    "br",
    "a",
    "b",
    "i",
    "em",
    "strong",
    "u",
    "s",
    "small",
    "sub",
    "sup",
    "span",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "code",
    "hr",
];

/// The attributes those tags may have (`href` on `a` alone, and only to
/// an `http:`, `https:` or `mailto:` address).
const ATTRIBUTES: &[&str] = &["href", "title", "target", "rel", "class", "style"];

/// Whether a text is HTML as a TimelineJS sheet formats its Text: it has
/// a tag, every tag is one of [`TAGS`] with only [`ATTRIBUTES`] (quoted),
/// every `&` begins an entity, and no paragraph begins as the Place,
/// Actors, Sources and Tags paragraphs that [`slide`] adds. Such a Text is kept as written
/// (a sheet's `<p>`, `<b>` and links), and written back so; any other text
/// is escaped, so that nothing else (a script, an event handler) becomes
/// markup on a slide.
pub fn is_html(text: &str) -> bool {
    if [PLACE, ACTORS, SOURCES, TAG_LIST]
        .iter()
        .any(|paragraph| text.contains(paragraph))
    {
        return false;
    }
    let mut tags = 0;
    let mut rest = text;
    while let Some(at) = rest.find(['<', '&']) {
        rest = &rest[at..];
        if rest.starts_with('&') {
            let Some(entity) = entity_at(rest) else {
                return false;
            };
            rest = &rest[entity.len()..];
            continue;
        }
        let Some(length) = tag_length(rest) else {
            return false;
        };
        tags += 1;
        rest = &rest[length..];
    }
    tags > 0
}

/// The length of the allowed tag `text` starts with (see [`is_html`]).
fn tag_length(text: &str) -> Option<usize> {
    let body = text.strip_prefix('<')?;
    let (body, closing) = match body.strip_prefix('/') {
        Some(body) => (body, true),
        None => (body, false),
    };
    let name_end = body
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(body.len());
    let name = body[..name_end].to_ascii_lowercase();
    if !TAGS.contains(&name.as_str()) {
        return None;
    }
    let mut rest = &body[name_end..];
    loop {
        let trimmed = rest.trim_start();
        if let Some(after) = trimmed.strip_prefix('>') {
            return Some(text.len() - after.len());
        }
        if let Some(after) = trimmed.strip_prefix("/>") {
            return (!closing).then(|| text.len() - after.len());
        }
        if closing || trimmed.len() == rest.len() {
            return None;
        }
        // An attribute: a name, `=`, and a quoted value.
        let name_end = trimmed.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))?;
        let attribute = trimmed[..name_end].to_ascii_lowercase();
        let value = trimmed[name_end..]
            .trim_start()
            .strip_prefix('=')?
            .trim_start();
        let quote = value.chars().next().filter(|q| *q == '"' || *q == '\'')?;
        let end = value[1..].find(quote)?;
        let said = &value[1..1 + end];
        if !ATTRIBUTES.contains(&attribute.as_str()) || said.contains('<') {
            return None;
        }
        let lower = said.to_ascii_lowercase();
        if attribute == "style" && (lower.contains("url(") || lower.contains("expression")) {
            return None;
        }
        if attribute == "href" {
            let lower = said.trim_start().to_ascii_lowercase();
            let safe = ["http://", "https://", "mailto:"]
                .iter()
                .any(|scheme| lower.starts_with(scheme));
            if name != "a" || !safe {
                return None;
            }
        }
        rest = &value[end + 2..];
    }
}

/// The names of an Actors or Sources paragraph (see [`read_text`]). Read
/// left to right, an entity (`&amp;`, `&#44;`, or any `&name;` a sheet
/// was written with) is part of a name: its `;` separates nothing.
fn read_names(body: &str) -> Vec<String> {
    // The paragraph as characters, each with whether it was written as
    // itself (not as an entity): only those separate names.
    let mut chars: Vec<(char, bool)> = Vec::with_capacity(body.len());
    let mut rest = body;
    while let Some(c) = rest.chars().next() {
        if c == '&' {
            if let Some(entity) = entity_at(rest) {
                match ENTITIES.iter().chain([&COMMA]).find(|(_, e)| *e == entity) {
                    Some(&(character, _)) => chars.push((character, false)),
                    None => chars.extend(entity.chars().map(|c| (c, false))),
                }
                rest = &rest[entity.len()..];
                continue;
            }
        }
        chars.push((c, true));
        rest = &rest[c.len_utf8()..];
    }
    // Names are joined with ";", or with "," where no ";" is.
    let separator = match chars.contains(&(';', true)) {
        true => ';',
        false => ',',
    };
    chars
        .split(|&written| written == (separator, true))
        .map(|name| {
            let name: String = name.iter().map(|&(c, _)| c).collect();
            crate::model::trimmed(&name).to_string()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

/// The HTML entity `text` starts with (`&amp;`, `&#44;`), if it does.
fn entity_at(text: &str) -> Option<&str> {
    let body = text.strip_prefix('&')?;
    let end = body.find(';')?;
    let name = &body[..end];
    let valid = (1..=10).contains(&name.len())
        && name
            .strip_prefix('#')
            .unwrap_or(name)
            .chars()
            .all(|c| c.is_ascii_alphanumeric())
        && name != "#";
    valid.then(|| &text[..end + 2])
}

/// How [`slide`] names the date a postponement moved an event from
/// ([`postponed_from`]), after its new date: "~Dec 2025 (postponed from 19
/// Nov 2025)".
const POSTPONED_FROM: &str = " (postponed from ";

/// The status a Display Date cell gives, and the text of its date, only
/// in the form [`slide`] writes them: a date as [`Date::human`] writes it
/// ([`names_date`]), a space and the status in brackets as factline names
/// it ("19 Nov 2025 (postponed)", "since 2022 (reported)"), or the date a
/// postponement moved the event from so ("~Dec 2025 (postponed from 19
/// Nov 2025)").
/// None for any other cell: "19 Nov 2025 (Cancelled)", "Nov 2025
/// (cancelled, then rebooked)" and "Summit (cancelled)" say no status.
pub fn read_status(cell: &str) -> Option<(&str, Status)> {
    let display = cell.trim();
    let body = display.strip_suffix(')')?;
    // The first date may end in a bracket of its own ("(end unknown)"):
    // the status's bracket is the first that begins so.
    let (first_named, (date, status)) = match body.find(POSTPONED_FROM) {
        Some(at) => {
            let first = &body[at + POSTPONED_FROM.len()..];
            (names_date(first), (&display[..at], Status::Postponed))
        }
        None => {
            let at = body.rfind(" (")?;
            let said = &body[at + 2..];
            let status = Status::ALL.iter().find(|s| s.as_str() == said)?;
            (true, (&display[..at], *status))
        }
    };
    (first_named && names_date(date)).then_some((date, status))
}

/// Whether `text` names a date as [`Date::human`] writes it: one that
/// [`read_date`] reads, once the marks it cannot read are left out: the
/// `~` of an approximate date ("~Aug 2025") and the second year of a
/// winter ("winter 2025–26" is "winter 2025").
fn names_date(text: &str) -> bool {
    let mut plain = text.replace('~', "");
    let mut from = 0;
    while let Some(at) = plain[from..].find("winter ") {
        let year = from + at + "winter ".len();
        let second = year + 4 + '–'.len_utf8();
        let digits = |range: std::ops::Range<usize>| {
            plain
                .as_bytes()
                .get(range)
                .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        };
        if digits(year..year + 4)
            && plain[year + 4..].starts_with('–')
            && digits(second..second + 2)
        {
            plain.replace_range(year + 4..second + 2, "");
        }
        from = year;
    }
    !read_date(&plain).is_empty()
}

/// The date in a Display Date cell, without the status that [`slide`]
/// adds in brackets ([`read_status`]), or without a bracket that begins
/// with a status's name in any other way ("Nov 2025 (Cancelled)"), which
/// gives the date but no status.
pub fn date_of_display(display: &str) -> &str {
    if let Some((date, _)) = read_status(display) {
        return date;
    }
    let display = display.trim();
    if let Some(body) = display.strip_suffix(')') {
        if let Some(at) = body.rfind(" (") {
            let said = &body[at + 2..];
            let status = said.split([' ', ',']).next().unwrap_or("");
            if status.parse::<Status>().is_ok() {
                return display[..at].trim_end();
            }
        }
    }
    display
}

/// The dates a Display Date cell may name, without the status [`slide`]
/// adds in brackets ([`date_of_display`]), as [`read_date`] reads them:
/// the date of a sheet row is the first that has the bounds of its Year…End
/// Time columns ([`shows`]). Empty when the cell names no date factline
/// reads.
pub fn read_display(cell: &str) -> Vec<Date> {
    read_date(date_of_display(cell))
}

/// The dates a Display Date may name, those that [`Date::human`] writes as
/// `text` first: a phrase [`Date::parse_human`] reads ("since Jan 2025",
/// "until Nov 2025"), or a date as [`Date::human`] writes it, which the
/// phrases read otherwise ("Oct–Dec 2025" is `2025-1X`, and to them the
/// interval `2025-10/2025-12`, which [`Date::human`] writes so too;
/// "2000–2099" is `20XX` or `2000/2099`) or not at all ("from 17 Nov
/// 2025 (end unknown)" is `2025-11-17/`, "until 17 Nov 2025 (start
/// unknown)" is `/2025-11-17`). Only the sheet's columns tell such dates
/// apart.
fn read_date(text: &str) -> Vec<Date> {
    let text = text.trim();
    if text.is_empty() {
        return Vec::new();
    }
    let mut dates = Vec::new();
    // An open end whose known end is written as `Date::human` writes it
    // ("since Oct–Dec 2025", "until ~Aug 2025").
    let open = |prefix: &str| read_end(text.strip_prefix(prefix)?.trim());
    if !text.ends_with(')') {
        if let Some(start) = open("since ") {
            dates.extend(Date::parse_edtf(&format!("{start}/..")).ok());
        } else if let Some(end) = open("until ") {
            dates.extend(Date::parse_edtf(&format!("../{end}")).ok());
        }
    }
    dates.extend(Date::parse_human(text).ok());
    let unknown = |prefix: &str, suffix: &str| {
        let inner = text.strip_prefix(prefix)?.strip_suffix(suffix)?;
        read_end(inner.trim())
    };
    let edtf = if let Some(start) = unknown("from ", "(end unknown)") {
        Some(format!("{start}/"))
    } else if let Some(end) = unknown("until ", "(start unknown)") {
        Some(format!("/{end}"))
    } else if let Some((start, end)) = text.split_once(" – ") {
        read_end(start.trim())
            .zip(read_end(end.trim()))
            .map(|(s, e)| format!("{s}/{e}"))
    } else {
        read_end(text)
    };
    dates.extend(edtf.and_then(|edtf| Date::parse_edtf(&edtf).ok()));
    // What factline writes as this text first (a stable sort).
    dates.sort_by_key(|date| date.human() != text);
    dates
}

/// One end of an interval as [`Date::human`] writes it, as EDTF: a single
/// date, not an interval, also a day with its time of day and zone ("24
/// Oct 2025 14:00 UTC", "24 Oct 2025 14:00:30 +03:00", "24 Oct 2025 14:00").
fn read_end(text: &str) -> Option<String> {
    // Before the phrases: "Oct–Dec 2025" is a range of months to them.
    if let Some(date) = Date::parse_human_written(text) {
        return Some(date.as_str().to_string());
    }
    if let Ok(date) = Date::parse_human(text) {
        return (!date.as_str().contains('/')).then(|| date.as_str().to_string());
    }
    let (rest, last) = text.rsplit_once(' ')?;
    let zoned = |rest: &str, zone: &str| -> Option<String> {
        let (day, clock) = rest.rsplit_once(' ')?;
        let day = Date::parse_human(day).ok()?;
        let clock = read_time(clock).ok()?;
        (day.precision() == Precision::Day && day.as_str().len() == 10)
            .then(|| format!("{}T{clock}{zone}", day.as_str()))
    };
    match last {
        "UTC" => zoned(rest, "Z"),
        zone if zone.starts_with(['+', '-']) => zoned(rest, zone),
        _ => zoned(text, ""),
    }
}

/// The times of day of a date's start and end, as a sheet's Time and End
/// Time columns write them: `14:00`, or `14:00:30` with seconds (TimelineJS
/// knows no time zone: the Display Date names it, "24 Oct 2025 14:00 UTC";
/// a time interval's ends are in one zone, [`in_one_zone`]).
pub fn times(date: &Date) -> (Option<String>, Option<String>) {
    let (start, end) = clocks(date);
    let written = |clock: Option<String>| {
        clock.map(|c| c.strip_suffix(":00").map_or(c.clone(), str::to_string))
    };
    (written(start), written(end))
}

/// The times of day (`14:00:00`) of a date's start and end in one zone
/// ([`in_one_zone`]), without it.
fn clocks(date: &Date) -> (Option<String>, Option<String>) {
    let date = in_one_zone(date);
    let (start, end) = written_clocks(&date);
    (start.map(str::to_string), end.map(str::to_string))
}

/// Whether a Display Date's date is the date of a sheet row's Year…End
/// Time columns: it has their bounds and times of day as the export writes
/// them ([`bounds`], [`clocks`]), or as an earlier factline wrote a time
/// interval whose ends name different offsets, each end's clock as written
/// on the days of the date's bounds, so that its sheets still read back.
pub fn shows(display: &Date, columns: &Date) -> bool {
    (bounds(display), clocks(display)) == (bounds(columns), clocks(columns))
        || (written_bounds(display), written_clocks(display))
            == (written_bounds(columns), written_clocks(columns))
}

/// The times of day (`14:00:00`) a date's text gives its start and its
/// end, without their zones.
fn written_clocks(date: &Date) -> (Option<&str>, Option<&str>) {
    let text = date.as_str();
    fn clock(end: &str) -> Option<&str> {
        end.split_once('T').and_then(|(_, time)| time.get(..8))
    }
    match text.split_once('/') {
        Some((start, end)) => (clock(start), clock(end)),
        None => (clock(text), None),
    }
}

/// A sheet's Time or End Time cell as `hh:mm:ss`: `14:30`, `14:30:00`,
/// `2:30 PM`, `2:30:15 pm`, `2:30 p.m.`.
pub fn read_time(cell: &str) -> Result<String, String> {
    let refused = || format!("{cell:?} is not a time of day such as 14:30, 14:30:00 or 2:30 PM");
    let lower = cell.trim().to_ascii_lowercase().replace('.', "");
    let (clock, half) = match lower
        .strip_suffix("am")
        .or_else(|| lower.strip_suffix("pm"))
    {
        Some(clock) => (clock.trim_end(), Some(lower.ends_with("pm"))),
        None => (lower.as_str(), None),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()))
        || parts[1..].iter().any(|p| p.len() != 2)
    {
        return Err(refused());
    }
    let number = |i: usize| parts.get(i).map_or(0, |p| p.parse::<u32>().unwrap_or(99));
    let (mut hour, minute, second) = (number(0), number(1), number(2));
    if let Some(pm) = half {
        if !(1..=12).contains(&hour) {
            return Err(refused());
        }
        hour = hour % 12 + if pm { 12 } else { 0 };
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(refused());
    }
    Ok(format!("{hour:02}:{minute:02}:{second:02}"))
}

/// A slide as a row of the spreadsheet template.
pub fn csv_row(slide: &Slide) -> Vec<String> {
    let part =
        |d: Option<&TjsDate>, f: fn(&TjsDate) -> Option<String>| d.and_then(f).unwrap_or_default();
    let start = Some(&slide.start_date);
    let end = slide.end_date.as_ref();
    vec![
        slide.start_date.year.clone(),
        part(start, |d| d.month.clone()),
        part(start, |d| d.day.clone()),
        slide.times.0.clone().unwrap_or_default(),
        part(end, |d| Some(d.year.clone())),
        part(end, |d| d.month.clone()),
        part(end, |d| d.day.clone()),
        slide.times.1.clone().unwrap_or_default(),
        slide.display_date.clone(),
        slide.text.headline.clone(),
        slide.text.text.clone(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        slide.group.clone(),
        String::new(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventKind, Meta, Stamp, Status};

    fn event(date: &str, status: Status) -> Event {
        Event {
            id: "e".into(),
            title: "T".into(),
            date: date.parse().unwrap(),
            kind: EventKind::Meeting,
            status,
            place: None,
            actors: vec![],
            sources: vec![],
            tags: vec![],
            description: String::new(),
            meta: Meta::first(Stamp(0)),
        }
    }

    fn ymd(y: &str, m: Option<&str>, d: Option<&str>) -> TjsDate {
        TjsDate {
            year: y.into(),
            month: m.map(Into::into),
            day: d.map(Into::into),
            hour: None,
            minute: None,
            second: None,
        }
    }

    /// The JSON is written as the slides come: each slide once, the title
    /// counting them after them, and an error reading the events returned
    /// as it was, not as a JSON error.
    #[test]
    fn json_is_written_as_the_slides_come() {
        let slides = |n: usize| -> Vec<crate::error::Result<Slide>> {
            (0..n)
                .map(|i| {
                    let mut e = event("2025-11-19", Status::Occurred);
                    e.id = format!("e{i}");
                    Ok(slide(&e, None, &[], &[]).unwrap())
                })
                .collect()
        };
        for n in [0, 1, 3] {
            let mut out = Vec::new();
            write_json(&mut out, slides(n).into_iter()).unwrap();
            let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
            let ids: Vec<&str> = json["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["unique_id"].as_str().unwrap())
                .collect();
            assert_eq!(ids, (0..n).map(|i| format!("e{i}")).collect::<Vec<_>>());
            let count = match n {
                1 => "1 event".to_string(),
                n => format!("{n} events"),
            };
            assert_eq!(json["title"]["text"]["text"], count);
            assert!(out.ends_with(b"}\n"));
        }
        let mut failing = slides(2);
        failing.insert(
            1,
            Err(crate::error::Error::database("page 7 cannot be read")),
        );
        let mut out = Vec::new();
        let error = write_json(&mut out, failing.into_iter()).unwrap_err();
        assert_eq!(error.message, "page 7 cannot be read");
    }

    #[test]
    fn text_and_display_read_back() {
        for text in ["a & b <c> &amp; &lt;", "&", "plain", "&&;", ""] {
            assert_eq!(unescape(&escape(text)), text);
        }
        let e = Event {
            description: "<p>Actors: not a paragraph</p> & more".into(),
            ..event("2025", Status::Occurred)
        };
        let names = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        for (actors, sources) in [
            (vec![], vec![]),
            (names(&["Witkoff, Steve"]), names(&["S"])),
            (
                names(&[
                    "A & <B>",
                    "Ministry of Defence, Ukraine",
                    "&#44",
                    "AT&T",
                    "C",
                ]),
                vec![],
            ),
            (vec![], names(&["Axios", "RIA, photo caption"])),
        ] {
            let s = slide(&e, None, &actors, &sources).unwrap();
            let read = read_text(&s.text.text);
            assert_eq!(read.description, e.description);
            let given = |names: Vec<String>| (!names.is_empty()).then_some(names);
            assert_eq!(read.actors, given(actors));
            assert_eq!(read.sources, given(sources));
        }
        // The slide shows each name as written, "; " between them.
        let s = slide(
            &e,
            None,
            &names(&["Witkoff, Steve", "Kirill Dmitriev"]),
            &[],
        )
        .unwrap();
        assert!(
            s.text
                .text
                .ends_with("<p>Actors: Witkoff&#44; Steve; Kirill Dmitriev</p>"),
            "{}",
            s.text.text
        );
        // An earlier factline joined the names with ", ".
        let read =
            read_text("Text<p>Actors: Steve Witkoff, Kirill Dmitriev</p><p>Sources: Axios</p>");
        assert_eq!(read.description, "Text");
        assert_eq!(
            read.actors,
            Some(names(&["Steve Witkoff", "Kirill Dmitriev"]))
        );
        assert_eq!(read.sources, Some(names(&["Axios"])));
        // An entity is part of a name, in either way of joining them.
        let read = read_text("<p>Actors: AT&amp;T, Verizon</p><p>Sources: A&nbsp;B; C &#44; D</p>");
        assert_eq!(read.actors, Some(names(&["AT&T", "Verizon"])));
        assert_eq!(read.sources, Some(names(&["A&nbsp;B", "C , D"])));
        // The place and the tags, each optional, around them.
        let read = read_text("D<p>Place: A &amp; B, C</p><p>Actors: X</p><p>Tags: t1; t&#44;2</p>");
        assert_eq!(read.description, "D");
        assert_eq!(read.place.as_deref(), Some("A & B, C"));
        assert_eq!(read.actors, Some(names(&["X"])));
        assert_eq!(read.sources, None);
        assert_eq!(read.tags, Some(names(&["t1", "t,2"])));
        let read = read_text("<p>Place: Kyiv</p>");
        assert_eq!(
            (read.description.as_str(), read.place.as_deref()),
            ("", Some("Kyiv"))
        );
        // Text without the paragraphs gives no list.
        let read = read_text("<p>Just text</p>");
        assert_eq!((read.actors, read.sources), (None, None));
        assert_eq!(read.description, "<p>Just text</p>");
        assert_eq!(date_of_display("19 Nov 2025 (postponed)"), "19 Nov 2025");
        assert_eq!(
            date_of_display("~Dec 2025 (postponed from 19 Nov 2025)"),
            "~Dec 2025"
        );
        assert_eq!(
            date_of_display("from 2025 (end unknown)"),
            "from 2025 (end unknown)"
        );
    }

    #[test]
    fn dates_become_bounds_at_their_precision() {
        let s = slide(&event("2025-08", Status::Occurred), None, &[], &[]).unwrap();
        assert_eq!(s.start_date, ymd("2025", Some("8"), None));
        assert_eq!(s.end_date, None);
        assert_eq!(s.display_date, "Aug 2025");

        let s = slide(
            &event("2025-10-24/2025-10-26", Status::Occurred),
            None,
            &[],
            &[],
        )
        .unwrap();
        assert_eq!(s.start_date, ymd("2025", Some("10"), Some("24")));
        assert_eq!(s.end_date, Some(ymd("2025", Some("10"), Some("26"))));

        let s = slide(&event("2025-08~", Status::Occurred), None, &[], &[]).unwrap();
        assert_eq!(s.display_date, "~Aug 2025");
        assert_eq!(s.end_date, Some(ymd("2025", Some("9"), Some("30"))));

        let s = slide(&event("2025-11-19", Status::Postponed), None, &[], &[]).unwrap();
        assert_eq!(s.display_date, "19 Nov 2025 (postponed)");
        let first: Date = "2025-11-19".parse().unwrap();
        let s = slide(
            &event("2025-12~", Status::Postponed),
            Some(&first),
            &[],
            &[],
        )
        .unwrap();
        assert_eq!(s.display_date, "~Dec 2025 (postponed from 19 Nov 2025)");

        // An event recorded postponed, and moved since, was moved from its
        // first date; one never moved names none.
        let recorded = [
            event("2025-11-19", Status::Postponed),
            event("2025-12~", Status::Postponed),
        ];
        assert_eq!(postponed_from(&recorded), Some(&first));
        assert_eq!(postponed_from(&recorded[..1]), None);
        assert_eq!(postponed_from(&[]), None);

        let mut e = event("2025", Status::Occurred);
        e.title = "<b>bold</b> & co".into();
        let s = slide(&e, None, &["A <x>".into()], &[]).unwrap();
        assert_eq!(s.text.headline, "&lt;b&gt;bold&lt;/b&gt; &amp; co");
        assert_eq!(s.text.text, "<p>Actors: A &lt;x&gt;</p>");

        // A bound inside the date's unit is said at the month, or the day.
        let s = slide(&event("2025-1X", Status::Occurred), None, &[], &[]).unwrap();
        assert_eq!(s.start_date, ymd("2025", Some("10"), None));
        assert_eq!(s.end_date, Some(ymd("2025", Some("12"), Some("31"))));
        let s = slide(&event("2025-1X/2026-0X", Status::Occurred), None, &[], &[]).unwrap();
        assert_eq!(s.start_date, ymd("2025", Some("10"), None));
        assert_eq!(s.end_date, Some(ymd("2026", Some("9"), None)));
        let s = slide(&event("2025-0X", Status::Occurred), None, &[], &[]).unwrap();
        assert_eq!(s.start_date, ymd("2025", None, None));
        let s = slide(&event("../2026-0X", Status::Occurred), None, &[], &[]).unwrap();
        assert_eq!(s.start_date, ymd("2026", Some("9"), None));

        // A time interval's ends in the start's offset, when they differ.
        for (date, written) in [
            (
                "2025-10-25T01:00:00+03:00/2025-10-24T23:00:00Z",
                "2025-10-25T01:00:00+03:00/2025-10-25T02:00:00+03:00",
            ),
            (
                "2025-10-24T23:00:00Z/2025-10-25T01:00:00-01:30",
                "2025-10-24T23:00:00Z/2025-10-25T02:30:00Z",
            ),
            // The same offset written two ways, an end without one, a
            // day without a time: as they are.
            (
                "2025-10-24T23:00:00Z/2025-10-25T01:00:00+00:00",
                "2025-10-24T23:00:00Z/2025-10-25T01:00:00+00:00",
            ),
            (
                "2025-10-24T23:00:00Z/2025-10-25T01:00:00",
                "2025-10-24T23:00:00Z/2025-10-25T01:00:00",
            ),
            (
                "2025-10-24T23:00:00Z/2025-10-26",
                "2025-10-24T23:00:00Z/2025-10-26",
            ),
            // An end the start's offset would put past year 9999.
            (
                "9999-12-31T23:00:00+05:00/9999-12-31T20:00:00-05:00",
                "9999-12-31T23:00:00+05:00/9999-12-31T20:00:00-05:00",
            ),
        ] {
            let date: Date = date.parse().unwrap();
            assert_eq!(in_one_zone(&date).as_str(), written, "{date}");
        }

        let s = slide(&event("../2025-11", Status::Occurred), None, &[], &[]).unwrap();
        assert_eq!(s.start_date, ymd("2025", Some("11"), None));
        assert!(s.display_date.starts_with("until"));
    }
}
