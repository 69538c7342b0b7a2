//! CSV import: the timeline CSV that `export --format csv` writes (and
//! spreadsheets with other headers, through `--map`, including TimelineJS
//! sheets), and the claims CSV.
//!
//! Import (`cmd/import.rs`) reads the file once. Every row is checked, and
//! each bad one reported as `FILE:LINE: what is wrong` (up to a limit); the
//! good rows become one bulk change (`store::bulk`), written only if every
//! row is good or `--skip-bad` sends the bad ones to a reject file. The bulk
//! change is all or nothing: an interrupted import is undone at the next
//! open, and running it again completes it (rows already there are matched,
//! not duplicated).
//!
//! The header decides what a row says: a field whose column it lacks is
//! left as stored when a row updates a record (`cmd::import::Given`), a
//! name given twice for a column that is read is refused, and the columns
//! no field reads are named in a notice.

use std::io::{Read, Seek, SeekFrom};

use crate::error::{Error, Result};
use crate::model::names::{fold, slug, validate_id};
use crate::model::{self, Date, EventKind, Status};

/// Longest free-text field accepted (a description), in characters: the
/// longest text factline keeps, so that every stored text imports again.
pub const MAX_FIELD_CHARS: usize = model::MAX_NOTE_CHARS;

/// Longest cell read, in characters, before it is read as its field: room
/// for what factline's own exports add to the longest field (the `'` before
/// a cell that looks like a formula, a TimelineJS Text's paragraphs of
/// actors, place and tags) and for long lists. Each field's own limit (a
/// description's [`MAX_FIELD_CHARS`], a title's 1,000) is checked on the
/// field, which names it.
const MAX_CELL_CHARS: usize = 10 * MAX_FIELD_CHARS;

/// The bytes a cell of [`MAX_CELL_CHARS`] characters can take (a
/// character is at most 4 bytes in UTF-8): a longer cell is refused before
/// it is decoded, so a hostile file cannot exhaust memory.
const MAX_CELL_BYTES: usize = 4 * MAX_CELL_CHARS;

/// The fields of a timeline row, as `export --format csv` names its columns.
pub const TIMELINE_FIELDS: &[&str] = &[
    "id",
    "date",
    "title",
    "kind",
    "status",
    "place",
    "actors",
    "sources",
    "tags",
    "description",
];

/// The fields that hold a list of names, a cell's names separated by `;`
/// (the timeline's and the claims'): `--map` may name several columns for
/// one, as GDELT and ACLED split an event's actors over `Actor1Name` and
/// `Actor2Name`, and the row's list is their cells joined in the order
/// `--map` names them. Every other field is read from one column.
pub const LIST_FIELDS: &[&str] = &[
    "actors",
    "sources",
    "tags",
    "about",
    "contradicts",
    "supports",
];

/// The fields of free text, which may span lines and begin or end with
/// white space: import reads them exactly as the commands keep them (only
/// the `'` of the formula guard is removed), and trims every other field.
const FREE_TEXT_FIELDS: &[&str] = &["description", "quote", "verdict_note"];

/// The TimelineJS spreadsheet's columns factline reads.
const TIMELINEJS_DATE_COLUMNS: &[&str] = &[
    "Year",
    "Month",
    "Day",
    "End Year",
    "End Month",
    "End Day",
    "Time",
    "End Time",
];

/// One valid timeline row.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub line: u64,
    pub id: Option<String>,
    pub date: Date,
    pub title: String,
    pub kind: EventKind,
    pub status: Status,
    pub place: Option<String>,
    pub actors: Vec<String>,
    pub sources: Vec<String>,
    pub tags: Vec<String>,
    pub description: String,
    /// What a TimelineJS sheet's Group cell gave this row (None for other
    /// sheets, and where `--map` names the tags column).
    pub group: Option<Group>,
    /// The lists a TimelineJS sheet's Text gave in the Actors and Sources
    /// paragraphs that factline writes (`timelinejs::read_text`): the row
    /// gives those fields, though the header has no column for them.
    pub in_text: InText,
    /// Whether a TimelineJS sheet's Display Date gave the status, in the
    /// form factline writes (`timelinejs::read_status`): the row gives
    /// the status, though the header has no column for it.
    pub status_in_display: bool,
}

/// Which lists a row's TimelineJS Text gave (see [`EventRow::in_text`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InText {
    pub place: bool,
    pub actors: bool,
    pub sources: bool,
    pub tags: bool,
}

/// What a TimelineJS Group cell means: the event's kind when it names one
/// (factline's own sheet writes the kind there), else a tag. The row gives
/// only that field: the other is left as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Kind,
    Tag,
}

/// The name of the column a reject file (`import --skip-bad`) puts before
/// the input's columns, saying what is wrong with each row: `error`, or,
/// when the input's header already names an `error` column (an analyst's
/// notes), the first of `factline_error`, `factline_error_2`, … it does
/// not, so that the reject file, once mended, imports again.
pub fn error_column(header: &[String]) -> String {
    let taken = |name: &str| header.iter().any(|h| h.trim().eq_ignore_ascii_case(name));
    let mut name = String::from("error");
    let mut n = 1;
    while taken(&name) {
        name = match n {
            1 => "factline_error".to_string(),
            n => format!("factline_error_{n}"),
        };
        n += 1;
    }
    name
}

/// Whether `name` is one [`error_column`] gives.
fn is_error_column(name: &str) -> bool {
    let name = name.trim().to_ascii_lowercase();
    let numbered = |n: &str| {
        n.strip_prefix('_')
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
    };
    match name.strip_prefix("factline_error") {
        Some(n) => n.is_empty() || numbered(n),
        None => name == "error",
    }
}

/// Where each field is read from: a column index, or (for the date) the
/// TimelineJS Year/Month/Day columns.
#[derive(Debug, Clone)]
pub struct Columns {
    index: foldhash::HashMap<&'static str, usize>,
    /// The further columns `--map` names for a list field (see
    /// [`LIST_FIELDS`]), in its order, after the one in `index`.
    joined: foldhash::HashMap<&'static str, Vec<usize>>,
    timelinejs: Option<[Option<usize>; 8]>,
    /// A TimelineJS sheet's Display Date column.
    display_date: Option<usize>,
    /// The fields read from TimelineJS's own columns (Headline, Text, Group).
    timelinejs_named: Vec<&'static str>,
    width: usize,
    /// The named columns no field is read from: each one's index, and its
    /// name as the header gives it.
    ignored: Vec<(usize, String)>,
}

/// Parses `--map title=Headline,date=Date` into (field, column) pairs, for
/// a file whose rows hold `fields` (the timeline's or the claims'), in the
/// order given. A list field may be mapped to several columns; any other
/// field mapped to two is refused, since one of them would be dropped. A
/// pair given twice (the column in any capitals) is kept once.
pub fn parse_map(text: &str, fields: &[&str]) -> Result<Vec<(String, String)>> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for part in map_parts(text)?
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
    {
        let (field, column) = part.split_once('=').ok_or_else(|| {
            Error::bad_input(format!(
                "--map {part:?}: expected FIELD=COLUMN, e.g. title=Headline"
            ))
        })?;
        let column = unquoted_column(column, part)?;
        let field = field.trim().to_lowercase();
        // Said as such: "no column \"\"" or "unknown field \"\"" would
        // send the user looking for a name they never wrote.
        if field.is_empty() {
            return Err(Error::bad_input(format!(
                "--map {part:?}: the field's name is missing before \"=\": expected FIELD=COLUMN, e.g. title=Headline"
            )));
        }
        if column.trim().is_empty() {
            return Err(Error::bad_input(format!(
                "--map {part:?}: the column's name is missing after \"{field}=\": expected FIELD=COLUMN, e.g. title=Headline"
            )));
        }
        if !fields.contains(&field.as_str()) {
            // A field of the other table was most likely meant for it.
            let hint = if fields == CLAIM_FIELDS && TIMELINE_FIELDS.contains(&field.as_str()) {
                " (a timeline field: import a timeline without --what claims)".to_string()
            } else if fields != CLAIM_FIELDS && CLAIM_FIELDS.contains(&field.as_str()) {
                " (a claims field: pass --what claims)".to_string()
            } else {
                match closest_name(&field, fields.iter().copied()) {
                    Some(near) => format!(" (did you mean {near}?)"),
                    None => String::new(),
                }
            };
            return Err(Error::bad_input(format!(
                "--map: unknown field {field:?}{hint}; fields are {}",
                fields.join(", ")
            )));
        }
        let column = column.trim().to_string();
        let same_column = |c: &str| c.eq_ignore_ascii_case(&column);
        match pairs.iter().find(|(f, _)| *f == field) {
            Some((_, earlier)) if same_column(earlier) => continue,
            Some((_, earlier)) if !LIST_FIELDS.contains(&field.as_str()) => {
                let lists: Vec<&str> = fields
                    .iter()
                    .copied()
                    .filter(|f| LIST_FIELDS.contains(f))
                    .collect();
                return Err(Error::bad_input(format!(
                    "--map: {field} is mapped to two columns, {earlier:?} and {column:?}, but holds one value: name one column (only a list field, {}, joins several)",
                    lists.join(", ")
                )));
            }
            _ => {}
        }
        pairs.push((field, column));
    }
    Ok(pairs)
}

/// `--map`'s FIELD=COLUMN pairs, split at the commas outside quotes: a
/// column whose name holds a comma is quoted as a CSV quotes it
/// (`tags="Tags, themes"`), with a quote in it doubled. As in a CSV, only
/// a quote that starts the name quotes it: `tags=5" gun` names `5" gun`.
fn map_parts(text: &str) -> Result<Vec<&str>> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut before_column) = (0, false, false);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' if quoted => {
                // A doubled quote is one quote of the name.
                if chars.next_if(|&(_, next)| next == '"').is_none() {
                    quoted = false;
                }
            }
            '"' if before_column => (quoted, before_column) = (true, false),
            ',' if !quoted => {
                parts.push(&text[start..i]);
                (start, before_column) = (i + 1, false);
            }
            '=' if !quoted && !text[start..i].contains('=') => before_column = true,
            c if c.is_whitespace() => {}
            _ => before_column = false,
        }
    }
    if quoted {
        return Err(Error::bad_input(format!(
            "--map {text:?}: a quote is left open: quote a column's name whole, as in tags=\"Tags, themes\""
        )));
    }
    parts.push(&text[start..]);
    Ok(parts)
}

/// The column's name in a `--map` pair (`part`): as written, or, quoted,
/// without its quotes and with each doubled quote made one.
fn unquoted_column<'c>(column: &'c str, part: &str) -> Result<std::borrow::Cow<'c, str>> {
    let column = column.trim();
    let Some(inner) = column.strip_prefix('"') else {
        return Ok(column.into());
    };
    match inner.strip_suffix('"') {
        Some(inner) if !inner.replace("\"\"", "").contains('"') => {
            Ok(inner.replace("\"\"", "\"").into())
        }
        _ => Err(Error::bad_input(format!(
            "--map {part:?}: a quoted column's name must be quoted whole, with a quote in it doubled, as in tags=\"Tags, themes\""
        ))),
    }
}

/// What a header that is not one of `fields` holds, when it is the other
/// CSV factline reads: `("claims", the columns that say so)` for a claim's
/// text and claimant, `("timeline", …)` for an event's title and date or a
/// TimelineJS sheet's Headline and Year. The `--what` to pass, and why.
fn other_content(header: &[String], fields: &[&str]) -> Option<(&'static str, &'static str)> {
    let has = |name: &str| header.iter().any(|h| h.trim().eq_ignore_ascii_case(name));
    if fields == TIMELINE_FIELDS {
        (has("text") && has("claimant"))
            .then_some(("claims", "a claim's text and claimant columns"))
    } else if has("title") && has("date") {
        Some(("timeline", "an event's title and date columns"))
    } else if has("Headline") && has("Year") {
        Some(("timeline", "a TimelineJS sheet's Headline and Year columns"))
    } else {
        None
    }
}

/// The refusal of a header whose names are separated by semicolons, as
/// Excel saves "CSV" where the decimal separator is a comma: read with
/// commas, it is one or a few long names, and the fields it would give
/// are missing. `--map` cannot help there, so the message says how to
/// save the sheet instead (not Excel's "CSV UTF-8 (Comma delimited)",
/// which writes the region's list separator too).
fn semicolon_separated(header: &[String], label: &str) -> Option<Error> {
    let parts: usize = header.iter().map(|name| name.split(';').count()).sum();
    // At least two names a column between commas: a `;` in a name or two
    // (`title;subtitle`) is not a separator.
    (parts >= 2 * header.len()).then(|| {
        Error::bad_input(format!(
            "{label}:1: the header is separated by semicolons ({}), as Excel writes a CSV in regions with a decimal comma; import reads commas: save the sheet with \",\" as the field delimiter (LibreOffice's Text CSV, or Google Sheets' Download as CSV)",
            shown_header(header)
        ))
    })
}

/// The refusal of a sheet whose only date column is a Year without
/// TimelineJS's Month beside it, as ACLED's and GDELT's exports have one
/// beside their day's column (`event_date`, `SQLDATE`): read as a
/// TimelineJS sheet, every event would be dated by its year alone, the day
/// lost without a word. `--map date=Year` still reads the year alone.
fn year_alone(header: &[String], label: &str) -> Error {
    let dated = header
        .iter()
        .map(|name| name.trim())
        .find(|name| name.to_lowercase().contains("date"))
        .map(|name| format!(" (--map date={name}?)"))
        .unwrap_or_default();
    Error::bad_input(format!(
        "{label}:1: no \"date\" column, and its \"Year\" column, without TimelineJS's Month and Day, would date each event by its year alone; the header is {}; name the date's column with --map date=COLUMN{dated}, or pass --map date=Year for the year alone",
        shown_header(header)
    ))
}

/// A date cell of five digits (with a fraction of a day, perhaps) is
/// what a spreadsheet saves for a date cell formatted as a number: the
/// days since 30 December 1899. The date parser's own error (a year
/// after 9999) would send the user looking in the wrong place, so name
/// the likely cause and the day Excel's count gives, without reading it
/// so: the Mac's 1904 count gives another day.
fn spreadsheet_day_number_hint(text: &str) -> Option<String> {
    let days = text.split_once('.').map_or(text, |(days, _)| days);
    let fraction_is_digits = text[days.len()..]
        .chars()
        .skip(1)
        .all(|c| c.is_ascii_digit());
    if days.len() != 5 || !days.chars().all(|c| c.is_ascii_digit()) || !fraction_is_digits {
        return None;
    }
    let day = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?
        .checked_add_days(chrono::Days::new(days.parse().ok()?))?;
    Some(format!(
        "{text:?} looks like a spreadsheet's day number ({day} in Excel's count from 1900): format the date column as dates (yyyy-mm-dd) before saving the CSV, or write the date, such as {day}"
    ))
}

/// The name among `names` that `typed` is most likely a slip of (in any
/// capitals, one or two letters wrong, missing, extra or swapped), if one
/// is that close: the first of the closest. Short names count too (`Wen`
/// for `When`), since the user is choosing among a few known names here,
/// not matching a name against a whole database.
fn closest_name<'n>(typed: &str, names: impl IntoIterator<Item = &'n str>) -> Option<&'n str> {
    let typed = typed.trim().to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for name in names {
        let lower = name.trim().to_lowercase();
        let distance = strsim::damerau_levenshtein(&typed, &lower);
        let longest = typed.chars().count().max(lower.chars().count());
        // A third of the name wrong at most: `Wen` for `When`, not `Who`.
        let close = distance <= 2 && distance * 3 <= longest;
        if close && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, name));
        }
    }
    best.map(|(_, name)| name)
}

/// What to tell a user whose `--map` names `column`, which the header
/// lacks: the header's column it is likely a slip of, or else the header's
/// columns, to choose from.
fn column_suggestion(header: &[String], column: &str) -> String {
    match closest_name(column, header.iter().map(String::as_str)) {
        Some(name) => format!("did you mean {:?}?", name.trim()),
        None => format!("the header is {}", shown_header(header)),
    }
}

/// The header as a message shows it: its names joined by commas, with
/// control characters escaped as in every message ([`crate::error::escaped`]),
/// so that an escape sequence in a file's first line never acts on the
/// terminal of whoever imports it.
fn shown_header(header: &[String]) -> String {
    // Enough for any real header; a file without one (a text file, one
    // line with no line end) would otherwise be echoed whole.
    const SHOWN_CHARS: usize = 300;
    let names: Vec<String> = header
        .iter()
        .map(|name| crate::error::escaped(name).to_string())
        .collect();
    let shown = names.join(",");
    let chars = shown.chars().count();
    if chars <= SHOWN_CHARS {
        return shown;
    }
    let cut: String = shown.chars().take(SHOWN_CHARS).collect();
    format!(
        "{cut}… ({} column(s), {chars} characters in all)",
        header.len()
    )
}

impl Columns {
    /// Finds each field's column in `header`: by `--map` (a list field's
    /// columns, when it names several), else by the field's own name
    /// (case-insensitive). A sheet without a date column but with
    /// TimelineJS's Year column reads its date from Year/Month/Day.
    pub fn new(
        header: &[String],
        map: &[(String, String)],
        fields: &'static [&'static str],
        label: &str,
    ) -> Result<Columns> {
        let find = |name: &str| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name.trim()))
        };
        let mut index = foldhash::HashMap::default();
        let mut joined: foldhash::HashMap<&'static str, Vec<usize>> = Default::default();
        for &field in fields {
            let mut columns = map
                .iter()
                .filter(|(f, _)| f == field)
                .map(|(_, c)| c.as_str())
                .peekable();
            if columns.peek().is_none() {
                if let Some(i) = find(field) {
                    index.insert(field, i);
                }
                continue;
            }
            for column in columns {
                match find(column) {
                    // A further column of a list field (`parse_map` lets
                    // no other field name two).
                    Some(i) => match index.get(field) {
                        None => {
                            index.insert(field, i);
                        }
                        Some(&first) if first != i && LIST_FIELDS.contains(&field) => {
                            let more = joined.entry(field).or_default();
                            if !more.contains(&i) {
                                more.push(i);
                            }
                        }
                        Some(_) => {}
                    },
                    None if field == "date" && column.eq_ignore_ascii_case("year") => {}
                    None => {
                        if let Some(refusal) = semicolon_separated(header, label) {
                            return Err(refusal);
                        }
                        return Err(Error::bad_input(format!(
                            "{label}:1: --map {field}={column}: the header has no column {column:?}; {}",
                            column_suggestion(header, column)
                        )));
                    }
                }
            }
        }
        let mapped_to_year = map
            .iter()
            .any(|(f, c)| f == "date" && c.eq_ignore_ascii_case("year"));
        let mut timelinejs_named = Vec::new();
        let timelinejs =
            if (!index.contains_key("date") || mapped_to_year) && find("Year").is_some() {
                index.remove("date");
                let mut cols = [None; 8];
                for (slot, name) in cols.iter_mut().zip(TIMELINEJS_DATE_COLUMNS) {
                    *slot = find(name);
                }
                // TimelineJS's own names for the fields, where neither the
                // field nor the column is mapped (`--map place=Group` reads
                // the Group as the place only).
                for (field, column) in [
                    ("title", "Headline"),
                    ("description", "Text"),
                    ("tags", "Group"),
                ] {
                    match (index.get(field), find(column)) {
                        (None, Some(i)) if !index.values().any(|&v| v == i) => {
                            index.insert(field, i);
                            timelinejs_named.push(field);
                        }
                        // Headline and Text are HTML, also when mapped by
                        // name (`--map title=Headline`).
                        (Some(&mapped), Some(i)) if mapped == i && field != "tags" => {
                            timelinejs_named.push(field);
                        }
                        _ => {}
                    }
                }
                Some(cols)
            } else {
                None
            };
        if timelinejs.is_some() && !mapped_to_year && find("Month").is_none() {
            return Err(year_alone(header, label));
        }
        // A claims sheet may leave out the claimant: its rows then update
        // stored claims only (`cmd::import::Given`).
        let required: &[&str] = if fields == TIMELINE_FIELDS {
            &["title"]
        } else {
            &["text"]
        };
        for &field in required
            .iter()
            .chain(if timelinejs.is_none() && fields == TIMELINE_FIELDS {
                &["date"][..]
            } else {
                &[][..]
            })
        {
            if !index.contains_key(field) {
                if let Some(refusal) = semicolon_separated(header, label) {
                    return Err(refusal);
                }
                return Err(Error::bad_input(match other_content(header, fields) {
                    Some((what, has)) => format!(
                        "{label}:1: no {field:?} column; the header is {}, with {has}: pass --what {what}",
                        shown_header(header)
                    ),
                    None => format!(
                        "{label}:1: no {field:?} column; the header is {}; name it with --map {field}=COLUMN",
                        shown_header(header)
                    ),
                }));
            }
        }
        // A claims sheet with neither an id nor a claimant column names no
        // claim in any row: a timeline's is told so at once, not row by row.
        if fields == CLAIM_FIELDS && !index.contains_key("id") && !index.contains_key("claimant") {
            if let Some((what, has)) = other_content(header, fields) {
                return Err(Error::bad_input(format!(
                    "{label}:1: no \"id\" or \"claimant\" column, so no row names a claim; the header is {}, with {has}: pass --what {what}",
                    shown_header(header)
                )));
            }
        }
        // The columns read: a name given twice there leaves unclear which
        // column is meant, so the file is refused.
        let display_date = timelinejs.and(find("Display Date"));
        let mut read: Vec<usize> = index.values().copied().collect();
        read.extend(joined.values().flatten());
        if let Some(cols) = &timelinejs {
            read.extend(cols.iter().flatten());
            read.extend(find("Type"));
            read.extend(display_date);
        }
        read.sort_unstable();
        read.dedup();
        let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
        for &i in &read {
            if let Some(j) = (0..header.len()).find(|&j| j != i && same(&header[j], &header[i])) {
                let (first, second) = (i.min(j) + 1, i.max(j) + 1);
                return Err(Error::bad_input(format!(
                    "{label}:1: the header names column {:?} twice (columns {first} and {second}): rename or remove one",
                    header[i].trim()
                )));
            }
        }
        // A reject file's first column says what was wrong with the row
        // (see `error_column`): no field reads it, and no notice names it.
        let mut ignored: Vec<(usize, String)> = Vec::new();
        for (i, name) in header.iter().enumerate() {
            let name = name.trim();
            let reject_files = i == 0 && is_error_column(name);
            if !name.is_empty() && !reject_files && read.binary_search(&i).is_err() {
                ignored.push((i, name.to_string()));
            }
        }
        Ok(Columns {
            index,
            joined,
            timelinejs,
            display_date,
            timelinejs_named,
            width: header.len(),
            ignored,
        })
    }

    /// Whether the header gives `field` (by its name, by `--map`, or for the
    /// date, TimelineJS's Year column).
    pub fn has(&self, field: &str) -> bool {
        self.index.contains_key(field) || (field == "date" && self.timelinejs.is_some())
    }

    /// Whether this is a TimelineJS sheet (its date in Year, Month, Day, …).
    pub fn is_timelinejs(&self) -> bool {
        self.timelinejs.is_some()
    }

    /// Whether a TimelineJS sheet's Group column gives the rows' kind (or
    /// a tag): see [`Group`].
    pub fn reads_group(&self) -> bool {
        self.timelinejs_named.contains(&"tags")
    }

    /// How many named columns of the header no field is read from (a name
    /// the header gives twice counts twice): the length of the flags that
    /// [`Columns::mark_ignored_cells`] sets.
    pub fn ignored_count(&self) -> usize {
        self.ignored.len()
    }

    /// Sets the flag of each ignored column in which `row` (its fields, or
    /// a bad row's raw bytes) has a cell that is not blank: the notice
    /// names only those, since an empty column loses nothing (the
    /// TimelineJS template's Media, Media Credit, … in factline's own
    /// export).
    pub fn mark_ignored_cells<C: AsRef<[u8]>>(&self, row: &[C], holding: &mut [bool]) {
        for (flag, (i, _)) in holding.iter_mut().zip(&self.ignored) {
            if !*flag {
                *flag = row
                    .get(*i)
                    .is_some_and(|cell| !String::from_utf8_lossy(cell.as_ref()).trim().is_empty());
            }
        }
    }

    /// One line saying which columns are ignored though some row has a cell
    /// in them (`holding`, as [`Columns::mark_ignored_cells`] set it; None
    /// if there is none), with the field a name is likely a misspelling of.
    pub fn ignored_notice(&self, label: &str, fields: &[&str], holding: &[bool]) -> Option<String> {
        let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        let mut names: Vec<&str> = Vec::new();
        for ((_, name), _) in self.ignored.iter().zip(holding).filter(|(_, &held)| held) {
            if !names.iter().any(|n| same(n, name)) {
                names.push(name);
            }
        }
        if names.is_empty() {
            return None;
        }
        let named: Vec<String> = names
            .iter()
            .map(|name| {
                let lower = name.to_lowercase();
                match fields
                    .iter()
                    .find(|f| crate::model::names::is_likely_misspelling(&lower, f))
                {
                    Some(field) => format!("{name:?} ({field}?)"),
                    None => format!("{name:?}"),
                }
            })
            .collect();
        Some(format!(
            "{label}: ignoring {} that no field is read from: {}; the fields are {} (name a column with --map FIELD=COLUMN)",
            if named.len() == 1 { "a column" } else { "columns" },
            named.join(", "),
            fields.join(", ")
        ))
    }

    /// The cell of `field` in `row` ("" without one): free text exactly
    /// as written (white space at either end is part of it, as the commands
    /// keep it), every other field [`model::trimmed`].
    fn get<'r>(&self, row: &'r [String], field: &str) -> &'r str {
        let cell = self.index.get(field).and_then(|&i| row.get(i));
        match cell {
            Some(cell) if FREE_TEXT_FIELDS.contains(&field) => cell,
            Some(cell) => model::trimmed(cell),
            None => "",
        }
    }

    /// The names a list field gives in `row`: its cell's (and, when `--map`
    /// names several columns for it, theirs in that order), split at `;`,
    /// each [`model::trimmed`], empty ones left out.
    fn list_items<'r>(&self, row: &'r [String], field: &str) -> Vec<&'r str> {
        let more = self.joined.get(field).map_or(&[][..], Vec::as_slice);
        let cells = self.index.get(field).into_iter().chain(more);
        cells
            .filter_map(|&i| row.get(i))
            .flat_map(|cell| cell.split(';'))
            .map(model::trimmed)
            .filter(|item| !item.is_empty())
            .collect()
    }

    /// Whether this row is TimelineJS's title slide (Type = "title"), which
    /// is not an event.
    pub fn is_timelinejs_title(&self, header: &[String], row: &[String]) -> bool {
        self.timelinejs.is_some()
            && header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case("Type"))
                .and_then(|i| row.get(i))
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("title"))
    }

    fn date(&self, row: &[String]) -> std::result::Result<Date, String> {
        let Some(cols) = &self.timelinejs else {
            let text = self.get(row, "date");
            if text.is_empty() {
                return Err("empty date".into());
            }
            return Date::parse_human(text)
                .map_err(|e| spreadsheet_day_number_hint(text).unwrap_or_else(|| e.to_string()));
        };
        let cell = |i: usize| {
            cols[i]
                .and_then(|c| row.get(c))
                .map(|s| model::trimmed(s))
                .unwrap_or("")
        };
        // One end's Year, Month and Day columns, with its Time: a part
        // without the larger one it belongs to ("2025,,5") is a bad row,
        // never dropped to widen the date.
        let part = |[year_column, month_column, day_column]: [&str; 3],
                    y: &str,
                    m: &str,
                    d: &str,
                    time: (&str, &str)|
         -> std::result::Result<String, String> {
            let needs = |column: &str, cell: &str, needed: &str| {
                let article = if needed.starts_with("End") { "an" } else { "a" };
                format!("{column} {cell:?} needs {article} {needed}")
            };
            let mut text = String::new();
            if y.is_empty() {
                return Err(match (m, d) {
                    ("", "") => format!("empty {year_column}"),
                    ("", d) => needs(day_column, d, year_column),
                    (m, _) => needs(month_column, m, year_column),
                });
            }
            let year = sheet_year(year_column, y)?;
            text.push_str(&format!("{year:04}"));
            if !m.is_empty() {
                let month: u32 = m
                    .parse()
                    .map_err(|_| format!("{month_column} {m:?} is not a number"))?;
                // Never written into the EDTF text as is: there, 21 to 24
                // are seasons.
                if !(1..=12).contains(&month) {
                    return Err(format!("{month_column} {m:?} is not a month (1–12)"));
                }
                text.push_str(&format!("-{month:02}"));
                if !d.is_empty() {
                    let day: u32 = d
                        .parse()
                        .map_err(|_| format!("{day_column} {d:?} is not a number"))?;
                    text.push_str(&format!("-{day:02}"));
                }
            } else if !d.is_empty() {
                return Err(needs(day_column, d, month_column));
            }
            // A time of day, which only a day can have.
            let (column, time) = time;
            if !time.is_empty() {
                if d.is_empty() {
                    return Err(needs(column, time, day_column));
                }
                let clock =
                    crate::timelinejs::read_time(time).map_err(|e| format!("{column} {e}"))?;
                text.push_str(&format!("T{clock}"));
            }
            Ok(text)
        };
        const START: [&str; 3] = ["Year", "Month", "Day"];
        const END: [&str; 3] = ["End Year", "End Month", "End Day"];
        let start = part(START, cell(0), cell(1), cell(2), ("Time", cell(6)))?;
        let end_time = ("End Time", cell(7));
        let text = if [3, 4, 5].iter().any(|&i| !cell(i).is_empty()) {
            format!(
                "{start}/{}",
                part(END, cell(3), cell(4), cell(5), end_time)?
            )
        } else if !cell(7).is_empty() {
            // An End Time without an end date ends on the start's day.
            format!(
                "{start}/{}",
                part(START, cell(0), cell(1), cell(2), end_time)?
            )
        } else {
            start
        };
        let bounded = Date::parse_edtf(&text).map_err(|e| e.to_string())?;
        // The Display Date says what the bounds cannot ("~Aug 2025", "since
        // 2022", "24 Oct 2025 14:00 UTC"): it is the date when it has the
        // same bounds and the same times of day (the zone it adds to them).
        let display = self.display_date.and_then(|i| row.get(i));
        let shown = display
            .map(|cell| crate::timelinejs::read_display(cell))
            .unwrap_or_default()
            .into_iter()
            .find(|shown| crate::timelinejs::shows(shown, &bounded));
        Ok(shown.unwrap_or(bounded))
    }

    /// Checks a row's width and returns its id, if it gives one.
    pub fn row_id(&self, row: &[String]) -> std::result::Result<Option<String>, String> {
        if row.len() != self.width {
            return Err(format!(
                "expected {} fields, found {}",
                self.width,
                row.len()
            ));
        }
        match self.get(row, "id") {
            "" => Ok(None),
            id => {
                validate_id(id)?;
                Ok(Some(id.to_string()))
            }
        }
    }

    /// Checks and converts one timeline row.
    pub fn event_row(&self, line: u64, row: &[String]) -> std::result::Result<EventRow, String> {
        let id = self.row_id(row)?;
        // TimelineJS shows Headline and Text as HTML.
        let html = |field: &str| self.timelinejs_named.contains(&field);
        let title = match html("title") {
            true => crate::timelinejs::unescape(self.get(row, "title")),
            false => self.get(row, "title").to_string(),
        };
        model::validate_given_text("title", &title, 1000)?;
        let date = self.date(row).map_err(|e| format!("date: {e}"))?;
        let mut kind = match self.get(row, "kind") {
            "" => EventKind::Other,
            k => k.parse()?,
        };
        let group = self
            .reads_group()
            .then(|| match self.get(row, "tags").parse::<EventKind>() {
                Ok(named) if !self.index.contains_key("kind") => {
                    kind = named;
                    Group::Kind
                }
                _ => Group::Tag,
            });
        // A TimelineJS Display Date in the form factline writes gives the
        // status ("19 Nov 2025 (postponed)"), unless a status column does.
        let shown = self
            .display_date
            .filter(|_| !self.index.contains_key("status"))
            .and_then(|i| row.get(i))
            .and_then(|cell| crate::timelinejs::read_status(cell));
        let status_in_display = shown.is_some();
        let status = match (shown, self.get(row, "status")) {
            (Some((_, status)), _) => status,
            (None, "") => Status::Occurred,
            (None, s) => s.parse()?,
        };
        let checked_place = |p: &str| -> std::result::Result<Option<String>, String> {
            match model::trimmed(p) {
                "" => Ok(None),
                p => {
                    model::validate_given_text("place", p, 500)?;
                    Ok(Some(p.to_string()))
                }
            }
        };
        // A list's names, from its column's cell (split at `;`) or from
        // the paragraph of a TimelineJS Text.
        let checked = |field: &str, given: Vec<&str>| -> std::result::Result<Vec<String>, String> {
            let given: Vec<_> = given
                .into_iter()
                .map(model::name_text)
                .filter(|s| !s.is_empty())
                .collect();
            let mut items: Vec<String> = Vec::with_capacity(given.len());
            // Spellings that fold alike are one item; a single item has no
            // twin to fold for. The folded spellings kept so far, back to
            // back in one string, end at `seen_ends`.
            let (mut seen, mut seen_ends) = (String::new(), Vec::new());
            for item in &given {
                model::validate_given_text(field, item, 500)?;
                if given.len() > 1 {
                    let start = seen.len();
                    crate::model::names::fold_into(item, &mut seen);
                    let mut before = 0;
                    let twin = seen_ends.iter().any(|&end| {
                        let earlier = &seen[before..end];
                        before = end;
                        earlier == &seen[start..]
                    });
                    if twin {
                        seen.truncate(start);
                        continue;
                    }
                    seen_ends.push(seen.len());
                }
                items.push(item.to_string());
            }
            Ok(items)
        };
        let list = |field: &str| checked(field, self.list_items(row, field));
        // A TimelineJS Text ends with the Place, Actors, Sources and Tags
        // paragraphs that factline writes: they give those fields, unless
        // a column that --map names gives one (the sheet's Group column,
        // read as the tags, adds its tag to the Tags paragraph's).
        let mut in_text = InText::default();
        // A column that --map names for the field adds its names to the
        // paragraph's.
        let from_text = |field: &str, names: Option<Vec<String>>, given: &mut bool| match names {
            Some(names) => {
                *given = true;
                let mut all: Vec<&str> = self.list_items(row, field);
                all.extend(names.iter().map(String::as_str));
                checked(field, all)
            }
            None => list(field),
        };
        let group_tags = || match group {
            Some(Group::Kind) => Ok(Vec::new()),
            _ => list("tags"),
        };
        let (description, place, actors, sources, tags) = match html("description") {
            true => {
                let text = crate::timelinejs::read_text(self.get(row, "description"));
                let actors = from_text("actors", text.actors, &mut in_text.actors)?;
                let sources = from_text("sources", text.sources, &mut in_text.sources)?;
                // A place column that --map names gives the place too:
                // two places (not two spellings of one, `kyiv` and `Kyiv`)
                // are a bad row, not one dropped.
                let place = match (text.place, checked_place(self.get(row, "place"))?) {
                    (Some(place), None) => {
                        in_text.place = true;
                        checked_place(&place)?
                    }
                    (Some(place), Some(column)) if fold(&place) != fold(&column) => {
                        return Err(format!(
                            "place: the column gives {column:?} and the Text's Place paragraph {:?}",
                            model::trimmed(&place)
                        ));
                    }
                    (_, column) => column,
                };
                let tags = match text.tags {
                    Some(tags) => {
                        in_text.tags = true;
                        let mut all: Vec<String> = group_tags()?;
                        all.extend(tags);
                        checked("tags", all.iter().map(String::as_str).collect())?
                    }
                    None => group_tags()?,
                };
                (text.description, place, actors, sources, tags)
            }
            false => (
                self.get(row, "description").to_string(),
                checked_place(self.get(row, "place"))?,
                list("actors")?,
                list("sources")?,
                group_tags()?,
            ),
        };
        model::validate_note("description", &description, MAX_FIELD_CHARS)?;
        Ok(EventRow {
            line,
            id,
            date,
            title,
            kind,
            status,
            place,
            actors,
            sources,
            tags,
            description,
            group,
            in_text,
            status_in_display,
        })
    }
}

/// The claims CSV columns (`export --format csv --what claims`). Columns
/// are only appended: scripts read them by place.
pub const CLAIM_FIELDS: &[&str] = &[
    "id",
    "date",
    "claimant",
    "text",
    "quote",
    "subject",
    "value",
    "unit",
    "verdict",
    "sources",
    "about",
    "contradicts",
    "supports",
    "verdict_by",
    "verdict_note",
];

/// One valid claims row.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRow {
    pub line: u64,
    pub id: Option<String>,
    pub date: Option<Date>,
    /// Empty when the header has no claimant column.
    pub claimant: String,
    pub text: String,
    pub quote: Option<String>,
    /// The quantity's cells, each `None` (`""` for the unit) when empty or
    /// absent: whether a subject and a value go together is checked once
    /// a row that lacks some of the columns is merged with the claim it
    /// updates (`cmd::import::Given::quantity`).
    pub subject: Option<String>,
    pub value: Option<f64>,
    /// The value cell as written, for what only a new value is checked
    /// for (`model::refuse_ambiguous_value`).
    pub value_written: String,
    pub unit: String,
    pub verdict: model::Verdict,
    /// The source the verdict rests on, as the row names it (None when
    /// the cell is empty or absent), and why: what `claim rate --by
    /// --note` records. A row gives them only with its verdict.
    pub verdict_by: Option<String>,
    pub verdict_note: String,
    pub sources: Vec<String>,
    pub about: Vec<String>,
    pub contradicts: Vec<String>,
    pub supports: Vec<String>,
}

impl Columns {
    /// Checks and converts one claims row.
    pub fn claim_row(&self, line: u64, row: &[String]) -> std::result::Result<ClaimRow, String> {
        let id = self.row_id(row)?;
        let text = self.get(row, "text");
        model::validate_given_text("text", text, 10_000)?;
        let claimant = model::name_text(self.get(row, "claimant"));
        if self.has("claimant") {
            model::validate_given_text("claimant", &claimant, 500)?;
        }
        let date = match self.get(row, "date") {
            "" => None,
            d => Some(Date::parse_human(d).map_err(|e| format!("date: {e}"))?),
        };
        let subject = match self.get(row, "subject") {
            "" => None,
            subject => {
                model::validate_given_text("subject", subject, model::MAX_QUANTITY_CHARS)?;
                Some(subject.to_string())
            }
        };
        let value = match self.get(row, "value") {
            "" => None,
            value => Some(model::parse_value("value", value)?),
        };
        let unit = self.get(row, "unit");
        model::validate_unit("unit", unit)?;
        let verdict_cell = self.get(row, "verdict");
        let verdict = match verdict_cell {
            "" => model::Verdict::Unverified,
            v => v.parse()?,
        };
        // One source, named as in the sources column (which cannot hold
        // a `;`); the note is free text, as `claim rate --note` keeps it.
        let verdict_by = match self.get(row, "verdict_by") {
            "" => None,
            by => {
                let by = model::name_text(by);
                model::validate_given_name("verdict_by", &by, 500)?;
                Some(by.into_owned())
            }
        };
        let verdict_note = self.get(row, "verdict_note");
        model::validate_note("verdict_note", verdict_note, 10_000)?;
        // Who rated the claim and why belong to a verdict: without one
        // (an empty cell, or no verdict column) they say nothing.
        if verdict_cell.is_empty() {
            let given = match (&verdict_by, verdict_note.is_empty()) {
                (Some(by), _) => Some(format!("verdict_by {by:?}")),
                (None, false) => Some("verdict_note".to_string()),
                (None, true) => None,
            };
            if let Some(given) = given {
                let missing = match self.has("verdict") {
                    true => "the row's verdict is empty",
                    false => "the file has no verdict column",
                };
                let verdicts: Vec<&str> = model::Verdict::ALL.iter().map(|v| v.as_str()).collect();
                return Err(format!(
                    "{given} without a verdict: {missing}; give the verdict it is for ({})",
                    verdicts.join(", ")
                ));
            }
        }
        // Each item is checked as the same name is checked where it is
        // made (a source's or actor's name, a claim id), so that what a
        // claims CSV creates can be dumped and imported again.
        let list = |field: &str| -> std::result::Result<Vec<String>, String> {
            let mut items = Vec::new();
            for item in self.list_items(row, field) {
                let item = model::name_text(item);
                if item.is_empty() {
                    continue;
                }
                model::validate_given_text(field, &item, 500)?;
                items.push(item.into_owned());
            }
            Ok(items)
        };
        let quote = match self.get(row, "quote") {
            "" => None,
            q => {
                model::validate_note("quote", q, 10_000)?;
                Some(q.to_string())
            }
        };
        Ok(ClaimRow {
            line,
            id,
            date,
            claimant: claimant.into_owned(),
            text: text.to_string(),
            quote,
            subject,
            value,
            value_written: self.get(row, "value").to_string(),
            unit: unit.to_string(),
            verdict,
            verdict_by,
            verdict_note: verdict_note.to_string(),
            sources: list("sources")?,
            about: list("about")?,
            contradicts: list("contradicts")?,
            supports: list("supports")?,
        })
    }
}

/// The raw fields of the row that `path` holds between the byte offsets
/// `start` and `end` (as [`Rows::position`] gave them before and after
/// it), for the reject file of a row found bad only after it was read.
/// `label` names the input in an error.
pub fn raw_fields_at(
    path: &std::path::Path,
    label: &str,
    start: u64,
    end: u64,
) -> Result<Vec<Vec<u8>>> {
    use std::os::unix::fs::FileExt;
    let mut bytes = vec![0u8; end.saturating_sub(start) as usize];
    std::fs::File::open(path)
        .and_then(|file| file.read_exact_at(&mut bytes, start))
        .map_err(|e| cannot_read(label, e))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(bytes.as_slice());
    let mut record = csv::ByteRecord::new();
    reader.read_byte_record(&mut record)?;
    Ok(record.iter().map(<[u8]>::to_vec).collect())
}

/// The error of an input (`label`: the file's name, `<stdin>`) that
/// cannot be read: bad input (exit 2), naming the file, as a missing one.
pub fn cannot_read(label: &str, e: std::io::Error) -> Error {
    use std::io::ErrorKind;
    let why = match e.kind() {
        ErrorKind::NotFound => "no such file".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        ErrorKind::IsADirectory => "it is a directory, not a file".to_string(),
        // Read again (a dump, a bad row for the reject file), it ended
        // before the bytes read the first time.
        ErrorKind::UnexpectedEof => {
            "it was cut short while being imported; import it again once it is whole".to_string()
        }
        _ => e.to_string(),
    };
    Error::bad_input(format!("cannot read {label}: {why}"))
}

/// The I/O error in a CSV reader's error (kind `Io`), with its kind kept.
fn io_error(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// A CSV reader that reports invalid UTF-8, over-long fields and broken
/// quoting as row errors with their line, instead of failing the file.
///
/// Quoting follows RFC 4180, which the csv crate reads leniently: in a
/// quoted cell a quote must be doubled (`""`) unless it ends the cell, and
/// a quoted cell must end before the file does. `"x"y` (which csv reads as
/// `xy`) and a quote left open (which csv reads to the end of the file) make
/// a bad row, found by [`QuoteScan`] as the input is read. A quote inside a
/// cell that does not start with one (`5" gun`) is a character like any
/// other, as spreadsheets write it.
pub struct Rows<R: Read> {
    reader: csv::Reader<LineEnds<R>>,
    pub header: Vec<String>,
    record: csv::ByteRecord,
    /// The line ends the CSV reader has read and no row has passed yet.
    line_ends: std::sync::Arc<std::sync::Mutex<std::collections::VecDeque<LineEnd>>>,
    /// Line ends before the last row's first line.
    lines_passed: u64,
    /// The input's name in errors.
    label: String,
}

/// A `\n` in the input: its byte offset, and how many `\r` come right
/// before it.
#[derive(Clone, Copy)]
struct LineEnd {
    offset: u64,
    carriage_returns: u64,
}

/// The input, noting each line end as the CSV reader reads it: rows are
/// numbered by their first line from these, because csv 1.x numbers them
/// wrong in files with CRLF line ends (a spreadsheet's) and after blank
/// lines (rust-csv issue 395). Its quotes go through [`QuoteScan`].
struct LineEnds<R> {
    inner: R,
    /// Where the input started in `inner` (to read a bad row again).
    base: u64,
    offset: u64,
    trailing_carriage_returns: u64,
    found: std::sync::Arc<std::sync::Mutex<std::collections::VecDeque<LineEnd>>>,
    quotes: QuoteScan,
}

impl<R: Read + Seek> LineEnds<R> {
    /// The input's bytes from `start` to `end`, read again (for a bad row:
    /// the CSV reader has already read past them).
    fn reread(&mut self, start: u64, end: u64) -> std::io::Result<Vec<u8>> {
        let mut bytes = vec![0u8; end.saturating_sub(start) as usize];
        self.inner.seek(SeekFrom::Start(self.base + start))?;
        let read = self.inner.read_exact(&mut bytes);
        self.inner.seek(SeekFrom::Start(self.base + self.offset))?;
        read.map(|()| bytes)
    }
}

/// A quoted cell that breaks RFC 4180, by byte offsets in the input: where
/// its opening quote is, and the quote in it that is neither doubled nor
/// followed by a comma or a line end (`None`: the input ends in the cell).
#[derive(Debug, Clone, Copy, PartialEq)]
struct QuoteProblem {
    open: u64,
    stray: Option<u64>,
}

/// Follows the quoted cells of the input as the CSV reader (csv-core) reads
/// them, looking only at the quotes (found with memchr, as the line ends
/// are), so that reading stays as fast. Outside a quoted cell, a comma or
/// a line end always ends a cell, so a quote opens one exactly when the
/// byte before it is one of those (or it is the input's first byte); in a
/// quoted cell, a quote followed by a quote is one quote of the text, one
/// followed by a comma or a line end closes the cell, and one followed by
/// anything else is malformed: csv-core then reads the rest of the cell
/// as unquoted text, and so does the scan.
#[derive(Debug)]
struct QuoteScan {
    /// The opening quote of the quoted cell the input is in, if it is.
    open: Option<u64>,
    /// The last chunk ended on a quote inside a quoted cell: the next
    /// byte tells what it is.
    quote_at_end: bool,
    /// The last byte of the chunk before (a line end before the first).
    last: u8,
    found: std::collections::VecDeque<QuoteProblem>,
}

impl Default for QuoteScan {
    fn default() -> QuoteScan {
        QuoteScan {
            open: None,
            quote_at_end: false,
            last: b'\n',
            found: std::collections::VecDeque::new(),
        }
    }
}

impl QuoteScan {
    /// Follows the quotes of `chunk`, which starts at byte `offset`.
    fn scan(&mut self, chunk: &[u8], offset: u64) {
        let Some(&last) = chunk.last() else {
            return;
        };
        // csv-core passes over a byte-order mark that starts the input: a
        // quote after it opens the first cell.
        if offset == 0 && chunk.starts_with(BOM) {
            return self.scan(&chunk[BOM.len()..], BOM.len() as u64);
        }
        let mut from = 0;
        if std::mem::take(&mut self.quote_at_end) {
            from = self.after_quote(offset - 1, chunk[0]);
        }
        while let Some(i) = memchr::memchr(b'"', &chunk[from..]) {
            let at = from + i;
            from = match self.open {
                None => {
                    let before = at.checked_sub(1).map_or(self.last, |b| chunk[b]);
                    if matches!(before, b',' | b'\n' | b'\r') {
                        self.open = Some(offset + at as u64);
                    }
                    at + 1
                }
                Some(_) => match chunk.get(at + 1) {
                    Some(&next) => at + 1 + self.after_quote(offset + at as u64, next),
                    None => {
                        self.quote_at_end = true;
                        break;
                    }
                },
            };
        }
        self.last = last;
    }

    /// In a quoted cell, the quote at `at` is followed by `next`. Returns
    /// the bytes to pass over after the quote: a doubled quote's second.
    fn after_quote(&mut self, at: u64, next: u8) -> usize {
        match next {
            b'"' => 1,
            b',' | b'\n' | b'\r' => {
                self.open = None;
                0
            }
            _ => {
                if let Some(open) = self.open.take() {
                    self.found.push_back(QuoteProblem {
                        open,
                        stray: Some(at),
                    });
                }
                0
            }
        }
    }

    /// The input has ended: a quoted cell still open was never closed.
    fn end(&mut self) {
        if let Some(open) = self.open.take() {
            if !std::mem::take(&mut self.quote_at_end) {
                self.found.push_back(QuoteProblem { open, stray: None });
            }
        }
    }

    /// The first problem in a cell that opens before byte `end`, and the
    /// offsets of the malformed cells' opening quotes (there may be more
    /// than one in a row).
    #[inline]
    fn take_before(&mut self, end: u64) -> Option<(QuoteProblem, Vec<u64>)> {
        if self.found.front()?.open >= end {
            return None;
        }
        self.take_found(end)
    }

    #[cold]
    fn take_found(&mut self, end: u64) -> Option<(QuoteProblem, Vec<u64>)> {
        let first = self.found[0];
        let mut opens = Vec::new();
        while let Some(problem) = self.found.front().filter(|p| p.open < end) {
            opens.push(problem.open);
            self.found.pop_front();
        }
        Some((first, opens))
    }
}

/// The UTF-8 byte-order mark ([`crate::BYTE_ORDER_MARK`]), which csv-core
/// passes over at the start of the input.
const BOM: &[u8] = crate::BYTE_ORDER_MARK.as_bytes();

/// The cells of the row that `raw` holds (from where the CSV reader says it
/// starts; `at_start`: the start of the input), as they are written,
/// quotes and all: the byte range of each, split as csv-core splits them
/// (see [`QuoteScan`]).
fn cells_as_written(raw: &[u8], at_start: bool) -> Vec<std::ops::Range<usize>> {
    // csv passes over a byte-order mark, and the line ends before a row.
    let skip = match at_start && raw.starts_with(BOM) {
        true => BOM.len(),
        false => 0,
    };
    let mut i = raw[skip..]
        .iter()
        .position(|&b| b != b'\n' && b != b'\r')
        .map_or(raw.len(), |i| skip + i);
    let mut cells = Vec::new();
    let mut start = i;
    let mut quoted = false;
    while i < raw.len() {
        match raw[i] {
            b'"' if quoted => {
                if raw.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
            b'"' if i == start => quoted = true,
            _ if quoted => {}
            b',' => {
                cells.push(start..i);
                start = i + 1;
            }
            b'\n' | b'\r' => break,
            _ => {}
        }
        i += 1;
    }
    cells.push(start..i);
    cells
}

impl<R: Read> Read for LineEnds<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        if n == 0 && !buf.is_empty() {
            self.quotes.end();
        }
        self.quotes.scan(chunk, self.offset);
        let carriage_returns_before = |end: usize, carried: u64| {
            let run = chunk[..end]
                .iter()
                .rev()
                .take_while(|&&b| b == b'\r')
                .count();
            run as u64 + if run == end { carried } else { 0 }
        };
        if let Ok(mut found) = self.found.lock() {
            for i in memchr::memchr_iter(b'\n', chunk) {
                found.push_back(LineEnd {
                    offset: self.offset + i as u64,
                    carriage_returns: carriage_returns_before(i, self.trailing_carriage_returns),
                });
            }
        }
        self.trailing_carriage_returns = carriage_returns_before(n, self.trailing_carriage_returns);
        self.offset += n as u64;
        Ok(n)
    }
}

/// One row: its line, and its fields or what is wrong with it (with the raw
/// fields when there are any, for the reject file).
pub type RawRow = (u64, std::result::Result<Vec<String>, BadRaw>);

/// What is wrong with a row, and its raw fields when there are any.
pub type BadRaw = (String, Vec<Vec<u8>>);

/// A row read into a buffer of fields (see [`Rows::next_row_into`]): its
/// line, and `Ok` when its fields are in the buffer.
pub type RowInto = (u64, std::result::Result<(), BadRaw>);

/// What is wrong with a cell that is not UTF-8, and what to do: such a
/// sheet was most likely saved in a Western code page (Excel's plain
/// "CSV" on Windows), where accented names are single bytes.
const NOT_UTF8: &str = "is not valid UTF-8, as in a sheet saved as Windows-1252 or Latin-1 (Excel's plain \"CSV\"): save it as \"CSV UTF-8\", or convert it (iconv -f WINDOWS-1252 -t UTF-8)";

impl<R: Read + Seek> Rows<R> {
    /// Bytes read so far (for progress).
    pub fn position(&self) -> u64 {
        self.reader.position().byte()
    }

    pub fn new(mut input: R, label: &str) -> Result<Rows<R>> {
        let line_ends = std::sync::Arc::default();
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(LineEnds {
                base: input.stream_position().map_err(|e| cannot_read(label, e))?,
                inner: input,
                offset: 0,
                trailing_carriage_returns: 0,
                found: std::sync::Arc::clone(&line_ends),
                quotes: QuoteScan::default(),
            });
        let raw_header = reader.byte_headers().map_err(|e| match e.kind() {
            csv::ErrorKind::Io(_) => cannot_read(label, io_error(e)),
            _ => Error::bad_input(format!("{label}:1: cannot read the header: {e}")),
        })?;
        // Excel's "Unicode text" (UTF-16): a byte-order mark of its own,
        // and a NUL byte beside every ASCII letter.
        let utf16_bom = raw_header
            .get(0)
            .is_some_and(|first| first.starts_with(b"\xff\xfe") || first.starts_with(b"\xfe\xff"));
        if utf16_bom || raw_header.iter().any(|name| name.contains(&0)) {
            let what = match utf16_bom {
                true => "the file is UTF-16 text",
                false => "the header holds NUL bytes, as UTF-16 text does",
            };
            return Err(Error::bad_input(format!(
                "{label}:1: {what} (Excel's \"Unicode text\"); import reads UTF-8: save the sheet as \"CSV UTF-8\""
            )));
        }
        if let Some(i) = raw_header
            .iter()
            .position(|name| std::str::from_utf8(name).is_err())
        {
            return Err(Error::bad_input(format!(
                "{label}:1: column {} {NOT_UTF8}",
                i + 1
            )));
        }
        let header = raw_header
            .iter()
            .map(|f| {
                String::from_utf8_lossy(f)
                    .trim_start_matches(crate::BYTE_ORDER_MARK)
                    .to_string()
            })
            .collect::<Vec<_>>();
        if header.iter().all(|h| h.trim().is_empty()) {
            return Err(Error::bad_input(format!(
                "{label}:1: the file is empty or has no header"
            )));
        }
        let mut rows = Rows {
            reader,
            header,
            record: csv::ByteRecord::new(),
            line_ends,
            lines_passed: 0,
            label: label.to_string(),
        };
        let end = rows.position();
        if let Some((problem, _)) = rows.quote_problem(0, end, true)? {
            return Err(Error::bad_input(format!(
                "{label}:1: the header's {problem}"
            )));
        }
        Ok(rows)
    }

    /// The line that byte `offset` of the row being read is on.
    fn line_of(&self, offset: u64) -> u64 {
        let ends = self.line_ends.lock().map_or(0, |ends| {
            ends.partition_point(|end| end.offset < offset) as u64
        });
        self.lines_passed + 1 + ends
    }

    /// What is wrong with the quoting of the row that the input holds from
    /// byte `start` to `end` (the header, or the record just read), if
    /// anything (see [`QuoteScan`]), and its cells for the reject file: as
    /// read, but a cell with a stray quote as it is written, since the CSV
    /// reader has lost a quote of it.
    #[inline]
    fn quote_problem(
        &mut self,
        start: u64,
        end: u64,
        header: bool,
    ) -> Result<Option<(String, Vec<Vec<u8>>)>> {
        match self.reader.get_mut().quotes.take_before(end) {
            None => Ok(None),
            Some(found) => self
                .describe_quote_problem(start, end, header, found)
                .map(Some),
        }
    }

    /// The message and reject cells of [`Rows::quote_problem`], for the
    /// problems `found` in the row.
    #[cold]
    fn describe_quote_problem(
        &mut self,
        start: u64,
        end: u64,
        header: bool,
        (problem, opens): (QuoteProblem, Vec<u64>),
    ) -> Result<(String, Vec<Vec<u8>>)> {
        // The row as written: to its end, or for a cell left open (which
        // runs to the end of the file) to its opening quote.
        let written_to = match problem.stray {
            Some(_) => end,
            None => problem.open + 1,
        };
        let raw = self.reader.get_mut().reread(start, written_to)?;
        let cells = cells_as_written(&raw, start == 0);
        let cell_of = |offset: u64| {
            cells
                .iter()
                .rposition(|cell| start + cell.start as u64 <= offset)
                .unwrap_or(0)
        };
        let index = cell_of(problem.open);
        let name = match self.header.get(index).map(|h| h.trim()) {
            Some(column) if !header && !column.is_empty() => format!("column {column:?}"),
            _ => format!("field {}", index + 1),
        };
        let open_line = self.line_of(problem.open);
        let message = match problem.stray {
            None => {
                let last_line = self.line_of(end.saturating_sub(1));
                let taking_in = match last_line > open_line {
                    true => format!(" (line {last_line}), taking in the lines after it"),
                    false => String::new(),
                };
                format!(
                    "{name}: the quote that opens this cell on line {open_line} is never closed: the cell runs to the end of the file{taking_in}"
                )
            }
            Some(at) => {
                let after = &raw[(at - start + 1) as usize..];
                let mut before: String = String::from_utf8_lossy(&after[..after.len().min(84)])
                    .chars()
                    .take_while(|c| !matches!(c, '"' | ',' | '\n' | '\r'))
                    .take(21)
                    .collect();
                if before.chars().count() > 20 {
                    before = before.chars().take(20).chain(['…']).collect();
                }
                let at_line = self.line_of(at);
                match at_line == open_line {
                    true => format!(
                        "{name}: a quote inside a quoted cell must be doubled (\"\"), and the one before {before:?} is not"
                    ),
                    false => format!(
                        "{name}: the quoted cell that opens on line {open_line} runs on to line {at_line}, where the quote before {before:?} is neither doubled (\"\") nor the cell's end: is a closing quote missing on line {open_line}?"
                    ),
                }
            }
        };
        let mut reject: Vec<Vec<u8>> = match header {
            true => Vec::new(),
            false => self.record.iter().map(<[u8]>::to_vec).collect(),
        };
        if problem.stray.is_some() && cells.len() == reject.len() {
            for open in opens {
                let i = cell_of(open);
                reject[i] = raw[cells[i].clone()].to_vec();
            }
        }
        Ok((message, reject))
    }

    /// The line of the row csv says starts at byte `start`: csv may give the
    /// offset of the line end before the row, or of blank lines before it,
    /// so those count as passed too.
    fn line_at(&mut self, start: u64) -> u64 {
        let Ok(mut ends) = self.line_ends.lock() else {
            return 0;
        };
        while ends.front().is_some_and(|end| end.offset < start) {
            ends.pop_front();
            self.lines_passed += 1;
        }
        let mut next = start;
        while let Some(end) = ends.front().copied() {
            // Only line ends (and their `\r`) lie between `next` and this one.
            if end.offset - end.carriage_returns.min(end.offset) > next {
                break;
            }
            ends.pop_front();
            self.lines_passed += 1;
            next = end.offset + 1;
        }
        self.lines_passed + 1
    }

    /// The next row, or None at the end. An I/O error ends the import.
    pub fn next_row(&mut self) -> Result<Option<RawRow>> {
        let mut fields = Vec::new();
        Ok(self
            .next_row_into(&mut fields)?
            .map(|(line, row)| (line, row.map(|()| fields))))
    }

    /// [`Rows::next_row`] into `fields`, whose strings are reused from row
    /// to row (a million rows of ten cells would otherwise allocate and
    /// free ten million strings): `Ok(())` when the row's fields are in
    /// `fields`, or what is wrong with it.
    pub fn next_row_into(&mut self, fields: &mut Vec<String>) -> Result<Option<RowInto>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => Ok(None),
            Ok(true) => {
                let start = self.record.position().map_or(0, |p| p.byte());
                let line = self.line_at(start);
                if let Some(bad) = self.quote_problem(start, self.position(), false)? {
                    return Ok(Some((line, Err(bad))));
                }
                fields.truncate(self.record.len());
                for (i, field) in self.record.iter().enumerate() {
                    let too_long =
                        || format!("field {} is longer than {MAX_CELL_CHARS} characters", i + 1);
                    let problem = if field.len() > MAX_CELL_BYTES {
                        too_long()
                    } else {
                        match std::str::from_utf8(field) {
                            Ok(text) if text.contains('\0') => {
                                format!("field {} contains a NUL character", i + 1)
                            }
                            Ok(text)
                                if text.len() > MAX_CELL_CHARS
                                    && text.chars().count() > MAX_CELL_CHARS =>
                            {
                                too_long()
                            }
                            Ok(text) => {
                                let text = unescape_formula(text);
                                match fields.get_mut(i) {
                                    Some(cell) => {
                                        cell.clear();
                                        cell.push_str(text);
                                    }
                                    None => fields.push(text.to_string()),
                                }
                                continue;
                            }
                            Err(_) => format!("field {} {NOT_UTF8}", i + 1),
                        }
                    };
                    // The row as it was read, for the reject file: copied
                    // only for a bad row.
                    let raw = self.record.iter().map(<[u8]>::to_vec).collect();
                    return Ok(Some((line, Err((problem, raw)))));
                }
                Ok(Some((line, Ok(()))))
            }
            Err(e) => {
                let start = e.position().map(|p| p.byte());
                let line = start.map_or(0, |start| self.line_at(start));
                match e.kind() {
                    csv::ErrorKind::Io(_) => Err(cannot_read(&self.label, io_error(e))),
                    _ => Ok(Some((line, Err((format!("{e}"), Vec::new()))))),
                }
            }
        }
    }
}

/// Whether CSV export puts a `'` before this cell: a spreadsheet would run
/// it as a formula (it starts with `=`, `+`, `-`, `@`, tab or CR), or it
/// already starts with `'` before such a character (so that import, which
/// removes one `'`, gives it back exactly).
pub fn needs_formula_guard(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
        || text.strip_prefix('\'').is_some_and(needs_formula_guard)
}

/// Removes the `'` that CSV export puts before a guarded cell, so a round
/// trip is exact.
pub fn unescape_formula(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if needs_formula_guard(rest) => rest,
        _ => text,
    }
}

/// The start of a new record's id: the first day of its date as written,
/// to the precision given (`2025-11`, `2025-XX`), without a time of day.
fn id_date_start(date: &Date) -> String {
    date.as_str()
        .split(['/', 'T'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '-' || *c == 'X')
        .collect()
}

/// The id a new event is given, before a number makes it unused: its
/// date's start and its title (`2025-11-talks`), typed or imported alike.
pub fn event_id_base(date: &Date, title: &str) -> String {
    slug(&format!("{} {title}", id_date_start(date)))
}

/// The id a new claim is given, before a number makes it unused: its
/// date's start, its claimant's id and its text
/// (`2025-11-maria-zakharova-children-are-safe`), by `claim add` and a
/// claims CSV row without an id alike.
pub fn claim_id_base(date: Option<&Date>, claimant: &str, text: &str) -> String {
    let start = date.map(id_date_start).unwrap_or_default();
    slug(&format!("{start} {claimant} {text}"))
}

/// A TimelineJS sheet's Year cell as a year factline stores, 0 to 9999.
/// A year outside them (TimelineJS takes -1 for 2 BC) is named as such, not
/// as a date factline could not read ("-001-01-01") or a number it is not.
fn sheet_year(column: &str, cell: &str) -> std::result::Result<u16, String> {
    let digits = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{column} {cell:?} is not a number"));
    }
    match cell.parse::<i64>() {
        Ok(year @ 0..=9999) => Ok(year as u16),
        _ => Err(format!(
            "{column} {cell:?} is not a year factline stores: years are 0000 to 9999"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cols: &str) -> Vec<String> {
        cols.split(',').map(String::from).collect()
    }

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn list_items_that_fold_alike_are_one_and_each_is_checked() {
        let h = header("id,date,title,kind,status,place,actors,sources,tags,description");
        let cols = Columns::new(&h, &[], TIMELINE_FIELDS, "f.csv").unwrap();
        let lists = |actors: &str, sources: &str, tags: &str| {
            cols.event_row(
                2,
                &row(&["", "2025-08", "x", "", "", "", actors, sources, tags, ""]),
            )
        };
        let r = lists(
            "Zelensky; ZELENSKY ;Umerov;zelensky",
            " Axios ",
            "Ukraine;ukraine",
        )
        .unwrap();
        assert_eq!(r.actors, ["Zelensky", "Umerov"]);
        assert_eq!(r.sources, ["Axios"]);
        assert_eq!(r.tags, ["Ukraine"]);
        // A single item is checked as any other.
        let long = "a".repeat(501);
        assert!(lists(&long, "", "").unwrap_err().contains("actors"));
        assert!(lists("", &long, "").unwrap_err().contains("sources"));
    }

    #[test]
    fn timeline_rows_parse_with_defaults_and_lists() {
        let h = header("id,date,title,kind,status,place,actors,sources,tags,description");
        let cols = Columns::new(&h, &[], TIMELINE_FIELDS, "f.csv").unwrap();
        let r = cols
            .event_row(
                2,
                &row(&[
                    "",
                    "2025-08",
                    "Alaska summit",
                    "",
                    "",
                    "Alaska",
                    "Trump; Putin;",
                    "Axios",
                    "",
                    "",
                ]),
            )
            .unwrap();
        assert_eq!(r.date.as_str(), "2025-08");
        assert_eq!(r.kind, EventKind::Other);
        assert_eq!(r.status, Status::Occurred);
        assert_eq!(r.actors, ["Trump", "Putin"]);
        assert!(cols
            .event_row(
                3,
                &row(&["", "2025-13-01", "x", "", "", "", "", "", "", ""])
            )
            .unwrap_err()
            .starts_with("date:"));
        assert!(cols
            .event_row(3, &row(&["", "2025", " ", "", "", "", "", "", "", ""]))
            .unwrap_err()
            .contains("title"));
        assert!(cols
            .event_row(
                3,
                &row(&["", "2025", "x", "", "postponned", "", "", "", "", ""])
            )
            .unwrap_err()
            .contains("unknown status"));
        assert!(cols
            .event_row(3, &row(&["", "2025"]))
            .unwrap_err()
            .contains("expected 10 fields, found 2"));
    }

    #[test]
    fn map_and_timelinejs_headers_find_their_columns() {
        let h = header("When,Headline,Who");
        let map = parse_map("date=When,title=Headline,actors=Who", TIMELINE_FIELDS).unwrap();
        let cols = Columns::new(&h, &map, TIMELINE_FIELDS, "f.csv").unwrap();
        let r = cols
            .event_row(
                2,
                &row(&["24-26 October 2025", "Miami talks", "Witkoff;Dmitriev"]),
            )
            .unwrap();
        assert_eq!(r.date.as_str(), "2025-10-24/2025-10-26");
        assert_eq!(r.actors, ["Witkoff", "Dmitriev"]);

        let h = header("Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,Media Credit,Media Caption,Media Thumbnail,Alt Text,Type,Group,Background");
        let cols = Columns::new(&h, &[], TIMELINE_FIELDS, "f.csv").unwrap();
        let mut cells = vec![""; 19];
        cells[0] = "2025";
        cells[1] = "10";
        cells[2] = "24";
        cells[4] = "2025";
        cells[5] = "10";
        cells[6] = "26";
        cells[9] = "Miami talks";
        cells[10] = "Three days";
        let r = cols.event_row(2, &row(&cells)).unwrap();
        assert_eq!(r.date.as_str(), "2025-10-24/2025-10-26");
        assert_eq!(r.title, "Miami talks");
        assert_eq!(r.description, "Three days");
    }

    #[test]
    fn a_missing_column_is_named() {
        let err = Columns::new(&header("a,b"), &[], TIMELINE_FIELDS, "f.csv").unwrap_err();
        assert!(
            err.message.contains("no \"title\" column"),
            "{}",
            err.message
        );
        assert!(parse_map("title", TIMELINE_FIELDS).is_err());
        assert!(parse_map("colour=x", TIMELINE_FIELDS).is_err());
        assert!(parse_map("claimant=Who", TIMELINE_FIELDS).is_err());
        assert!(parse_map("claimant=Who", CLAIM_FIELDS).is_ok());
        assert!(parse_map("title=Headline", CLAIM_FIELDS).is_err());
        // A list field joins columns; another field takes one.
        assert_eq!(
            parse_map("actors=A1,actors=A2,actors=a1", TIMELINE_FIELDS).unwrap(),
            [
                ("actors".to_string(), "A1".to_string()),
                ("actors".to_string(), "A2".to_string())
            ]
        );
        assert!(parse_map("title=A,title=a", TIMELINE_FIELDS).is_ok());
        assert!(parse_map("title=A,title=B", TIMELINE_FIELDS).is_err());
    }

    #[test]
    fn a_reject_files_error_column_never_takes_a_name_the_header_has() {
        assert_eq!(error_column(&header("date,title")), "error");
        assert_eq!(error_column(&header("date,Error ")), "factline_error");
        assert_eq!(
            error_column(&header("factline_error,error,date")),
            "factline_error_2"
        );
        for name in ["error", "ERROR", "factline_error", "factline_error_2"] {
            assert!(is_error_column(name), "{name}");
        }
        for name in [
            "errors",
            "factline_error_",
            "factline_errorx",
            "factline_error_2a",
        ] {
            assert!(!is_error_column(name), "{name}");
        }
    }

    /// The quoting problems of `input`, found byte by byte as csv-core
    /// reads it (its states, folded to the four that quoting needs, after
    /// a byte-order mark).
    fn quote_problems_byte_by_byte(input: &[u8]) -> Vec<QuoteProblem> {
        #[derive(PartialEq)]
        enum State {
            CellStart,
            Unquoted,
            Quoted,
            QuoteInQuoted,
        }
        let ends_cell = |b: u8| matches!(b, b',' | b'\n' | b'\r');
        let (mut state, mut open, mut found) = (State::CellStart, 0, Vec::new());
        let skip = if input.starts_with(BOM) { BOM.len() } else { 0 };
        for (i, &b) in input.iter().enumerate().skip(skip) {
            state = match state {
                State::CellStart if b == b'"' => {
                    open = i as u64;
                    State::Quoted
                }
                State::CellStart | State::Unquoted if ends_cell(b) => State::CellStart,
                State::CellStart | State::Unquoted => State::Unquoted,
                State::Quoted if b == b'"' => State::QuoteInQuoted,
                State::Quoted => State::Quoted,
                State::QuoteInQuoted if b == b'"' => State::Quoted,
                State::QuoteInQuoted if ends_cell(b) => State::CellStart,
                State::QuoteInQuoted => {
                    found.push(QuoteProblem {
                        open,
                        stray: Some(i as u64 - 1),
                    });
                    State::Unquoted
                }
            }
        }
        if state == State::Quoted {
            found.push(QuoteProblem { open, stray: None });
        }
        found
    }

    fn with_bom(bom: bool, bytes: Vec<u8>) -> Vec<u8> {
        match bom {
            true => [BOM, &bytes].concat(),
            false => bytes,
        }
    }

    proptest::proptest! {
        /// The scan of quotes alone, chunk by chunk, finds what a reading
        /// of every byte finds, wherever the chunks end.
        #[test]
        fn quote_scan_finds_what_a_byte_by_byte_reading_finds(
            bom in proptest::bool::ANY,
            cells in proptest::collection::vec(
                proptest::sample::select(&b"\",\n\ra"[..]), 0..48),
            chunk in 1usize..9,
        ) {
            let input = with_bom(bom, cells);
            // csv-core passes over a byte-order mark only when its first
            // read holds it whole (as a file's first read of 8 KB does).
            let first = input.len().min(chunk.max(BOM.len()));
            let mut scan = QuoteScan::default();
            scan.scan(&input[..first], 0);
            for (i, piece) in input[first..].chunks(chunk).enumerate() {
                scan.scan(piece, (first + i * chunk) as u64);
            }
            scan.end();
            let found: Vec<QuoteProblem> = scan.found.into_iter().collect();
            proptest::prop_assert_eq!(found, quote_problems_byte_by_byte(&input));
        }

        /// Rows are split into cells as written as csv splits them, and a
        /// cell without quoting is the field csv reads; reading never fails.
        #[test]
        fn cells_as_written_are_the_cells_csv_reads(
            bom in proptest::bool::ANY,
            cells in proptest::collection::vec(
                proptest::sample::select(&b"\",\n\ra"[..]), 0..48),
        ) {
            let input = with_bom(bom, cells);
            let mut reader = csv::ReaderBuilder::new()
                .flexible(true)
                .has_headers(false)
                .from_reader(input.as_slice());
            let mut record = csv::ByteRecord::new();
            while reader.read_byte_record(&mut record).unwrap() {
                let start = record.position().unwrap().byte() as usize;
                let end = reader.position().byte() as usize;
                let raw = &input[start..end];
                let cells = cells_as_written(raw, start == 0);
                proptest::prop_assert_eq!(cells.len(), record.len());
                for (cell, field) in cells.iter().zip(record.iter()) {
                    if raw.get(cell.start) != Some(&b'"') {
                        proptest::prop_assert_eq!(&raw[cell.clone()], field);
                    }
                }
            }
            let mut bytes = with_bom(bom, b"a,b\n".to_vec());
            bytes.extend(&input[if bom { BOM.len() } else { 0 }..]);
            let mut rows = Rows::new(std::io::Cursor::new(bytes), "p.csv").unwrap();
            while rows.next_row().unwrap().is_some() {}
        }
    }

    #[test]
    fn formula_guards_round_trip() {
        assert_eq!(unescape_formula("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unescape_formula("'hello"), "'hello");
        assert_eq!(unescape_formula("''=x"), "'=x");
        for text in ["=x", "'=x", "''=x", "'x", "x", "-2", "'", "''"] {
            let exported = if needs_formula_guard(text) {
                format!("'{text}")
            } else {
                text.to_string()
            };
            assert_eq!(unescape_formula(&exported), text, "{text:?}");
        }
    }
}
