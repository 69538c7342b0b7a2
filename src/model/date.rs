//! Dates as sources state them: the Library of Congress Extended Date/Time
//! Format (EDTF, ISO 8601-2), levels 0 and 1.
//!
//! A reporter rarely knows "the" date of an event. A source says "in August",
//! "around 2025", "24–26 October", "since January". factline keeps the EDTF
//! string **exactly as written** (it is the fact) and derives from it two
//! calendar bounds used for sorting and filtering:
//!
//! * `earliest`: the first day the event could have happened (`None` when the
//!   start is open `..` or unknown, as in `../2025-11` or `/2025-11-17`);
//! * `latest`: the last day it could have happened (`None` when the end is open
//!   or unknown).
//!
//! # Accepted forms
//!
//! | Form | Example | Bounds |
//! |---|---|---|
//! | year, month, day | `2025`, `2025-08`, `2025-08-15` | the whole year / month / day |
//! | date and time | `2025-10-24T14:00:00Z`, `…+03:00`, no offset | the calendar day as written (for an interval, below) |
//! | interval | `2025-10-24/2025-10-26`, `2025-08/2025-09` | start of the first to end of the second |
//! | open end | `2025-01/..`, `../2025-11` | unbounded on the `..` side |
//! | unknown end | `2025-11-17/`, `/2025-11-17` | treated like open for bounds |
//! | uncertain `?`, approximate `~`, both `%` | `2025-08?`, `2025-08~`, `2025%` | widened (below) |
//! | unspecified digits `X` | `202X`, `20XX`, `2XXX`, `2025-1X`, `2025-0X`, `2025-XX`, `2025-08-XX` | every value the digits allow |
//! | season | `2025-21` spring, `-22` summer, `-23` autumn, `-24` winter | Mar–May, Jun–Aug, Sep–Nov, Dec–Feb of the next year |
//!
//! Years are four digits, 0000 to 9999 (proleptic Gregorian; year 0000 is
//! 1 BCE and a leap year). Only level 0 and level 1 are accepted, and parsing
//! is strict, so the stored text is canonical: two `Date`s are equal exactly
//! when their texts are equal.
//!
//! **Qualifiers widen the bounds** by one unit of the date's precision for `?`
//! and `~`, and by two units for `%` (as python-edtf does): `2025-08~` covers
//! 2025-07-01..2025-09-30, `2025~` covers 2024-01-01..2026-12-31,
//! `2025-08-15?` covers 08-14..08-16, `2025%` covers 2023-01-01..2027-12-31.
//! Widened bounds are clamped to 0000-01-01..9999-12-31 so that `0000~` and
//! `9999%` stay inside the four-digit years every other date lives in.
//!
//! **Precision** is the finest unit the text gives in full: `2025-08-15` is
//! Day, `2025-08` and `2025-08-XX` are Month, `2025-21` is Season, `2025`,
//! `2025-XX` and `2025-1X` are Year, `202X` Decade, `20XX` Century, `2XXX`
//! Millennium. A time of day does not refine it (bounds are whole days). An
//! interval has the precision of its start, or of its end when the start is
//! open or unknown.
//!
//! **An interval may not end before it starts.** When both ends are times
//! of day that can be compared, their instants decide: both naming an
//! offset (`Z`, `+05:00`), in UTC, so `2025-10-24T22:00:00Z/2025-10-24T20:00:00Z`
//! and `2025-10-24T10:00:00Z/2025-10-24T12:00:00+05:00` (07:00 UTC) are
//! refused, while `2025-10-25T01:00:00+05:00/2025-10-24T23:00:00Z` (20:00 to
//! 23:00 UTC) is accepted, its bounds the two days as written, the earlier
//! first (2025-10-24..2025-10-25); both without an offset, as clock times of
//! one zone. Otherwise (either end without a time, or only one naming its
//! offset) the days decide: the start's earliest day must not be after the
//! end's latest, after widening. A time interval stored by an earlier
//! factline, which compared only the days, is read back as it was stored,
//! so that the record can still be shown and its date corrected.
//!
//! # Order
//!
//! Dates sort by, in turn:
//!
//! 1. `earliest` (an open or unknown start sorts before every known day);
//! 2. `latest` (an open or unknown end sorts after every known day), so of
//!    two dates starting on the same day the narrower comes first;
//! 3. precision, finer first;
//! 4. the text, so the order is total and agrees with equality.
//!
//! For example, sorted:
//!
//! ```text
//! ../2025-11            open start: first
//! 202X                  earliest 2020-01-01
//! 2024~                 earliest 2023-01-01
//! 2025-01-01            earliest 2025-01-01, latest 2025-01-01
//! 2025-01               earliest 2025-01-01, latest 2025-01-31
//! 2025                  earliest 2025-01-01, latest 2025-12-31
//! 2025-01/..            earliest 2025-01-01, latest open: after all of those
//! 2025-08~              earliest 2025-07-01
//! 2025-08-15            earliest 2025-08-15, Day
//! 2025-08-15T09:00:00Z  same bounds and precision: the text decides
//! ```
//!
//! Times of day do not take part in the bounds; between two dates on the
//! same day the text decides, which puts times with the same offset (or none)
//! in clock order but does not convert between offsets.
//!
//! [`Date::sort_key`] encodes the first three keys as 9 big-endian bytes whose
//! byte order is this order, for use as a key prefix in an ordered store.
//!
//! # Phrases
//!
//! [`Date::parse_human`] also reads English and stores the EDTF it means:
//! `19 November 2025`, `November 19, 2025` → `2025-11-19`; `Aug 2025` →
//! `2025-08`; `24-26 October 2025` → `2025-10-24/2025-10-26`;
//! `30 September - 2 October 2025` → `2025-09-30/2025-10-02`;
//! `30 December - 2 January 2026` → `2025-12-30/2026-01-02` (a start
//! without its year is in the year before when the span is then at most six
//! months; `November - October 2025` is reversed, and refused as an interval
//! that ends before it starts, with the EDTF of the twelve months from
//! November 2024; an end without its year, `30 December 2025 - 2 January`,
//! is refused naming that, with the EDTF of the end in the next year);
//! `August-September 2025` → `2025-08/2025-09`; `since January 2025` →
//! `2025-01/..`; `until November 2025` → `../2025-11` but `before November 2025` → `../2025-10`
//! (`before` and `after` exclude the date they name: `after 2025` → `2026/..`);
//! `no later than 2025` is `until 2025` → `../2025`, `no earlier than` is `since`,
//! `later than` is `after` and `earlier than` is `before`;
//! `week of 17 November 2025` → `2025-11-17/2025-11-23`, the seven days starting
//! on the day named, whatever weekday it is (where a week starts differs by
//! country; the day written does not), and it needs an exact day;
//! a day or days fixed in a month, season or year are read as they are:
//! `the last day of November 2025` → `2025-11-30`, `last Friday of November
//! 2025` → `2025-11-28`, `the first Monday in 2025` → `2025-01-06` (also
//! after `since`, `until`, `before`, `after` and `about`: `until the last day
//! of November 2025` → `../2025-11-30`), and a
//! week by its rank is seven days, the first from the 1st, the second from
//! the 8th, the last the last seven: `the first week of November 2025` →
//! `2025-11-01/2025-11-07`, `last week of 2025` → `2025-12-25/2025-12-31`
//! (after `until` and `after` such a week stands for its last day, after
//! `since`, `from` and `before` for its first: `until the first week of
//! December 2025` → `../2025-12-07`; `about the first week of November
//! 2025` → `2025-11-01~/2025-11-07~`, as `about 24-26 October 2025`);
//! `weekend of 22-23 November 2025` → `2025-11-22/2025-11-23`, the two or
//! three days named, but a weekend named by one day or by its rank (`the
//! last weekend of November 2025`) is refused with its Saturday and Sunday
//! to write, since which days make a weekend differs by country;
//! `about August 2025`, `circa 2025`, `c. 2025` → `2025-08~`, `2025~`;
//! `August 2025?` → `2025-08?`; `spring 2025` → `2025-21`; `the 2020s` → `202X`;
//! `winter 2025–26`, `winter 2025–2026` and `winter 2025/26` → `2025-24`
//! (a slash in a phrase joins as a dash does: `Oct/Nov 2025` →
//! `2025-10/2025-11`), the one winter from
//! December 2025 into 2026, as factline shows it (only a winter runs into the
//! next year: `summer 2025–26` is refused); `2024–25` → `2024/2025`, the two
//! years (an end year of two digits is in the start's century, or the next
//! when the start is in its century's last decade: `1999–00` → `1999/2000`),
//! but with a hyphen and no spaces it is EDTF, where `2023-24` is winter 2023.
//! Relative phrases (`yesterday`, `last week`, `later this month`) and all-numeric dates
//! (`03/04/2025`) are refused with a suggestion: what they mean depends on
//! when and where they were written, and the record must not. Dates as data
//! tools write them are refused with the EDTF to write: a compact
//! `20251124` (GDELT's YYYYMMDD) as `2025-11-24`, and a day and a time
//! with a space between (`2025-11-24 14:30`) as `2025-11-24T14:30:00`; a
//! midnight time (`2025-11-24 00:00:00`, how pandas and Excel write a day)
//! with both the day `2025-11-24` and the time `2025-11-24T00:00:00` to
//! choose from, since it seldom is the time a source gives. A part of a
//! month or year (`late November 2025`, `mid-November 2025`, `early 2025`,
//! `the end of 2025`) has no exact bounds: it is refused with the whole
//! month or year to write instead, or an interval such as
//! `2025-11-21/2025-11-30` (early is days 1–10 or January–April, mid 11–20 or
//! May–August, late the rest) for the part the source means.
//! Phrases nest (`no later than the last day of November 2025`), but a
//! date that nests more than eight (`week of week of … 2025`) is refused.
//!
//! # Display
//!
//! [`Date::human`] is a short reading for tables: `15 Aug 2025`,
//! `24–26 Oct 2025`, `30 Sep – 2 Oct 2025`, `Aug–Sep 2025`, `since Jan 2025`,
//! `until Nov 2025`, `from 17 Nov 2025 (end unknown)`, `~Aug 2025` (`~`),
//! `Aug 2025?` (`?`), `~2025?` (`%`), `2020s`, `Oct–Dec 2025`, `spring 2025`,
//! `winter 2025–26`, `24 Oct 2025 14:00 UTC`. `Display` prints the EDTF text.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How many phrases one date may nest in one another ("the last day of
/// November 2025" in "no later than the last day of November 2025"): each
/// is read by reading the rest again, so that a hostile input nesting
/// thousands ("week of week of … 2025") would exhaust the stack.
const MAX_NESTED_PHRASES: u32 = 8;

/// The tail of every "invalid date" message: what the user can write instead.
const ACCEPTED: &str = "expected EDTF such as 2025, 2025-08, 2025-08-15, \
2025-10-24/2025-10-26, 2025-01/.., 2025-08~, 2025-1X, or a phrase such as \
\"24-26 October 2025\"";

/// The suggestion given for relative phrases ("yesterday", "last week").
const RELATIVE_HINT: &str = "is relative: write the date it means, e.g. 2025-11-19, \
or an interval such as 2025-11-17/2025-11-21 for \"earlier in the week\"";

const MONTH_SHORT: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTH_LONG: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Month index (`year * 12 + month - 1`) of 9999-12, the last month a bound may reach.
const MAX_MONTH_INDEX: i32 = 9999 * 12 + 11;

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

/// How fine a date is. Finer sorts first, so that among dates with the same
/// bounds the more exact statement comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    /// `2025-08-15`, also with a time of day.
    Day,
    /// `2025-08`, `2025-08-XX`.
    Month,
    /// `2025-21` .. `2025-24`.
    Season,
    /// `2025`, `2025-XX`, `2025-1X` (the year is the finest unit given in full).
    Year,
    /// `202X`.
    Decade,
    /// `20XX`.
    Century,
    /// `2XXX`.
    Millennium,
}

impl Precision {
    /// The last byte of [`Date::sort_key`].
    fn rank(self) -> u8 {
        self as u8
    }

    /// Length of one unit in months, for widening `?`/`~`/`%` (Day is handled in days).
    fn months(self) -> i32 {
        match self {
            Precision::Day => 0,
            Precision::Month => 1,
            Precision::Season => 3,
            Precision::Year => 12,
            Precision::Decade => 120,
            Precision::Century => 1200,
            Precision::Millennium => 12000,
        }
    }
}

/// A date that could not be read. The message is one line, names the input
/// and says what would have been accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    message: String,
    /// Refused for its phrases nested too deep ([`MAX_NESTED_PHRASES`]),
    /// which a reading that tries another way on an error passes on.
    nested: bool,
}

impl DateError {
    /// `invalid date "<input>": <reason>; expected EDTF such as ...`
    fn invalid(input: &str, reason: &str) -> DateError {
        DateError {
            message: format!("invalid date {}: {reason}; {ACCEPTED}", quote(input)),
            nested: false,
        }
    }

    /// A refusal that carries its own suggestion (relative or ambiguous input).
    fn refusal(message: String) -> DateError {
        DateError {
            message,
            nested: false,
        }
    }

    /// `input` nests more phrases than [`MAX_NESTED_PHRASES`] ("week of
    /// week of … 2025", "late late … 2025").
    fn nested(input: &str) -> DateError {
        DateError {
            nested: true,
            ..DateError::invalid(
                input,
                &format!("more than {MAX_NESTED_PHRASES} phrases nested in one another"),
            )
        }
    }

    /// The error of `read`, a rewording or a part of what the user typed,
    /// naming `typed` instead.
    fn naming(self, read: &str, typed: &str) -> DateError {
        DateError {
            message: self.message.replacen(&quote(read), &quote(typed), 1),
            nested: self.nested,
        }
    }
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DateError {}

/// An EDTF date (levels 0 and 1) as written, with its derived bounds.
///
/// See the module documentation for the forms and the order.
#[derive(Clone)]
pub struct Date {
    /// The text as accepted by the strict parser; canonical, printed back verbatim.
    text: String,
    form: Form,
    earliest: Option<NaiveDate>,
    latest: Option<NaiveDate>,
    precision: Precision,
}

// ---------------------------------------------------------------------------
// Parsed representation
// ---------------------------------------------------------------------------

/// Enough structure to regenerate the text (see `Form::render`) and to derive
/// bounds, precision and the human display.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Form {
    Single(Single),
    Interval { start: End, end: End },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Date(Single),
    /// `..`: the source says it continues (or began) indefinitely.
    Open,
    /// Empty side: the source does not say.
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Single {
    year: Year,
    month: MonthPart,
    day: DayPart,
    time: Option<Time>,
    qual: Qual,
}

/// A year whose last `x` digits may be `X`: `known` holds the leading digits
/// (`202X` is `known: 202, x: 1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Year {
    known: u16,
    x: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MonthPart {
    None,
    Known(u8),
    /// `XX`: some month of the year.
    AnyX,
    /// `0X`: January to September.
    ZeroX,
    /// `1X`: October to December.
    OneX,
    /// 21 spring, 22 summer, 23 autumn, 24 winter.
    Season(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DayPart {
    None,
    Known(u8),
    /// `XX`: some day of the month.
    AnyX,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Time {
    hour: u8,
    minute: u8,
    second: u8,
    offset: Option<Offset>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Offset {
    Utc,
    Fixed {
        negative: bool,
        hours: u8,
        minutes: u8,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Qual {
    None,
    /// `?`
    Uncertain,
    /// `~`
    Approximate,
    /// `%`
    Both,
}

impl Qual {
    fn suffix(self) -> &'static str {
        match self {
            Qual::None => "",
            Qual::Uncertain => "?",
            Qual::Approximate => "~",
            Qual::Both => "%",
        }
    }

    /// How many units of precision the bounds widen by on each side.
    fn widen_units(self) -> i32 {
        match self {
            Qual::None => 0,
            Qual::Uncertain | Qual::Approximate => 1,
            Qual::Both => 2,
        }
    }
}

// ---------------------------------------------------------------------------
// Calendar helpers
// ---------------------------------------------------------------------------

fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

fn ymd(year: i32, month: u32, day: u32) -> Result<NaiveDate, String> {
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| format!("{year:04}-{month:02}-{day:02} is out of range"))
}

/// First day of the month with index `year * 12 + month - 1`.
fn first_of(index: i32) -> Result<NaiveDate, String> {
    ymd(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
}

/// Last day of the month with index `year * 12 + month - 1`.
fn last_of(index: i32) -> Result<NaiveDate, String> {
    let (y, m) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
    ymd(y, m, days_in_month(y, m))
}

fn min_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(0, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn max_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// Quotes user input for a one-line message: escaped (no raw newlines) and
/// cut short if long.
fn quote(s: &str) -> String {
    const MAX_CHARS: usize = 60;
    let mut shown: String = s.chars().take(MAX_CHARS).collect();
    if s.chars().nth(MAX_CHARS).is_some() {
        shown.push('…');
    }
    format!("{shown:?}")
}

// ---------------------------------------------------------------------------
// Single dates: bounds, precision, text, display
// ---------------------------------------------------------------------------

impl Single {
    fn year_min(&self) -> i32 {
        i32::from(self.year.known) * 10i32.pow(u32::from(self.year.x))
    }

    fn year_max(&self) -> i32 {
        self.year_min() + 10i32.pow(u32::from(self.year.x)) - 1
    }

    fn precision(&self) -> Precision {
        if let DayPart::Known(_) = self.day {
            return Precision::Day;
        }
        match self.month {
            MonthPart::Known(_) => Precision::Month,
            MonthPart::Season(_) => Precision::Season,
            MonthPart::AnyX | MonthPart::ZeroX | MonthPart::OneX => Precision::Year,
            MonthPart::None => match self.year.x {
                0 => Precision::Year,
                1 => Precision::Decade,
                2 => Precision::Century,
                _ => Precision::Millennium,
            },
        }
    }

    fn is_uncertain(&self) -> bool {
        self.qual != Qual::None
            || self.year.x > 0
            || matches!(
                self.month,
                MonthPart::AnyX | MonthPart::ZeroX | MonthPart::OneX
            )
            || self.day == DayPart::AnyX
    }

    /// The first and last day this date may denote, qualifiers applied and
    /// clamped to 0000-01-01..=9999-12-31.
    fn bounds(&self) -> Result<(NaiveDate, NaiveDate), String> {
        let units = self.qual.widen_units();
        if let (MonthPart::Known(m), DayPart::Known(d)) = (self.month, self.day) {
            let day = ymd(self.year_min(), u32::from(m), u32::from(d))?;
            let n = Days::new(units as u64);
            let lo = day
                .checked_sub_days(n)
                .filter(|d| d.year() >= 0)
                .unwrap_or_else(min_date);
            let hi = day
                .checked_add_days(n)
                .filter(|d| d.year() <= 9999)
                .unwrap_or_else(max_date);
            return Ok((lo, hi));
        }
        // Months as (first, last), 1-based; winter runs into next year's February.
        let (m_lo, m_hi): (i32, i32) = match self.month {
            MonthPart::None | MonthPart::AnyX => (1, 12),
            MonthPart::Known(m) => (i32::from(m), i32::from(m)),
            MonthPart::ZeroX => (1, 9),
            MonthPart::OneX => (10, 12),
            MonthPart::Season(21) => (3, 5),
            MonthPart::Season(22) => (6, 8),
            MonthPart::Season(23) => (9, 11),
            MonthPart::Season(_) => (12, 14),
        };
        let widen = units * self.precision().months();
        let lo = (self.year_min() * 12 + m_lo - 1 - widen).clamp(0, MAX_MONTH_INDEX);
        let hi = (self.year_max() * 12 + m_hi - 1 + widen).clamp(0, MAX_MONTH_INDEX);
        Ok((first_of(lo)?, last_of(hi)?))
    }

    fn render(&self, out: &mut String) {
        let digits = format!("{:04}", self.year.known);
        // `known` has 4 - x digits, so the 4-digit form has x leading zeros to drop.
        let keep = 4 - usize::from(self.year.x);
        out.push_str(digits.get(digits.len() - keep..).unwrap_or(&digits));
        for _ in 0..self.year.x {
            out.push('X');
        }
        match self.month {
            MonthPart::None => {}
            MonthPart::Known(m) | MonthPart::Season(m) => out.push_str(&format!("-{m:02}")),
            MonthPart::AnyX => out.push_str("-XX"),
            MonthPart::ZeroX => out.push_str("-0X"),
            MonthPart::OneX => out.push_str("-1X"),
        }
        match self.day {
            DayPart::None => {}
            DayPart::Known(d) => out.push_str(&format!("-{d:02}")),
            DayPart::AnyX => out.push_str("-XX"),
        }
        if let Some(t) = self.time {
            out.push_str(&format!("T{:02}:{:02}:{:02}", t.hour, t.minute, t.second));
            match t.offset {
                None => {}
                Some(Offset::Utc) => out.push('Z'),
                Some(Offset::Fixed {
                    negative,
                    hours,
                    minutes,
                }) => out.push_str(&format!(
                    "{}{hours:02}:{minutes:02}",
                    if negative { '-' } else { '+' }
                )),
            }
        }
        out.push_str(self.qual.suffix());
    }

    /// The moment a date with a time of day names, in seconds counted from
    /// 0001-01-01T00:00:00, and whether it names its offset: with one, the
    /// moment is in UTC; without, it is the clock time of a zone not given.
    /// `None` without a time of day.
    fn moment(&self) -> Option<(i64, bool)> {
        let t = self.time?;
        // A time needs a complete date and takes no qualifier: its bounds are its day.
        let (day, _) = self.bounds().ok()?;
        let clock = i64::from(day.num_days_from_ce()) * 86_400
            + i64::from(t.hour) * 3_600
            + i64::from(t.minute) * 60
            + i64::from(t.second);
        Some(match t.offset {
            None => (clock, false),
            Some(Offset::Utc) => (clock, true),
            Some(Offset::Fixed {
                negative,
                hours,
                minutes,
            }) => {
                let east = i64::from(hours) * 3_600 + i64::from(minutes) * 60;
                (clock - if negative { -east } else { east }, true)
            }
        })
    }

    /// True for a plain year, month or day: no qualifier, no X, no time, no
    /// season. Only plain ends are merged in interval displays ("24–26 Oct 2025").
    fn is_plain(&self) -> bool {
        self.qual == Qual::None
            && self.year.x == 0
            && self.time.is_none()
            && matches!(self.month, MonthPart::None | MonthPart::Known(_))
            && self.day != DayPart::AnyX
    }

    fn human(&self) -> String {
        let y = self.year_min();
        let base = match (self.year.x, self.month, self.day) {
            (1, _, _) => format!("{y:04}s"),
            (2.., _, _) => format!("{y:04}–{:04}", self.year_max()),
            (_, MonthPart::None | MonthPart::AnyX, _) => format!("{y:04}"),
            (_, MonthPart::ZeroX, _) => format!("Jan–Sep {y:04}"),
            (_, MonthPart::OneX, _) => format!("Oct–Dec {y:04}"),
            (_, MonthPart::Season(21), _) => format!("spring {y:04}"),
            (_, MonthPart::Season(22), _) => format!("summer {y:04}"),
            (_, MonthPart::Season(23), _) => format!("autumn {y:04}"),
            (_, MonthPart::Season(_), _) => format!("winter {y:04}–{:02}", (y + 1) % 100),
            (_, MonthPart::Known(m), DayPart::Known(d)) => {
                let mut s = format!("{d} {} {y:04}", month_short(m));
                if let Some(t) = self.time {
                    s.push_str(&format!(" {:02}:{:02}", t.hour, t.minute));
                    if t.second != 0 {
                        s.push_str(&format!(":{:02}", t.second));
                    }
                    match t.offset {
                        None => {}
                        Some(Offset::Utc) => s.push_str(" UTC"),
                        Some(Offset::Fixed {
                            negative,
                            hours,
                            minutes,
                        }) => s.push_str(&format!(
                            " {}{hours:02}:{minutes:02}",
                            if negative { '-' } else { '+' }
                        )),
                    }
                }
                s
            }
            (_, MonthPart::Known(m), _) => format!("{} {y:04}", month_short(m)),
        };
        match self.qual {
            Qual::None => base,
            Qual::Uncertain => format!("{base}?"),
            Qual::Approximate => format!("~{base}"),
            Qual::Both => format!("~{base}?"),
        }
    }
}

fn month_short(m: u8) -> &'static str {
    MONTH_SHORT
        .get(usize::from(m).wrapping_sub(1))
        .copied()
        .unwrap_or("?")
}

fn month_long(m: u32) -> &'static str {
    MONTH_LONG
        .get((m as usize).wrapping_sub(1))
        .copied()
        .unwrap_or("?")
}

impl Form {
    /// Regenerates the EDTF text; equals the accepted text for every parsed
    /// date (checked by the tests, which is what makes the form sufficient).
    #[cfg(test)]
    fn render(&self) -> String {
        let mut out = String::new();
        let end = |e: &End, out: &mut String| match e {
            End::Date(s) => s.render(out),
            End::Open => out.push_str(".."),
            End::Unknown => {}
        };
        match self {
            Form::Single(s) => s.render(&mut out),
            Form::Interval { start, end: stop } => {
                end(start, &mut out);
                out.push('/');
                end(stop, &mut out);
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------
// The strict EDTF parser
// ---------------------------------------------------------------------------

/// How a date's text is being read: typed or imported (every rule), or
/// read back from the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    Input,
    /// A stored date is read back as it was accepted when it was written:
    /// before factline compared an interval's times as instants, a time
    /// interval whose days were in order was stored even when its end came
    /// before its start (`2025-10-24T22:00:00Z/2025-10-24T20:00:00Z`). Such a
    /// record must stay readable, so that it can be shown and corrected.
    Stored,
}

/// Parses strict EDTF; the error is the reason only (the caller adds the input).
fn parse_text(s: &str) -> Result<Date, String> {
    parse_text_as(s, Reading::Input)
}

fn parse_text_as(s: &str, reading: Reading) -> Result<Date, String> {
    if s.is_empty() {
        return Err("the date is empty".into());
    }
    if s.chars().any(char::is_whitespace) {
        return Err("an EDTF date contains no spaces".into());
    }
    if !s.is_ascii() {
        return Err(
            "an EDTF date contains only digits, X, -, /, .., ?, ~, % and a time such as T14:00:00Z"
                .into(),
        );
    }
    if s.contains('x') {
        return Err("write unspecified digits with a capital X, e.g. 202X".into());
    }
    let form = match s.split_once('/') {
        None => Form::Single(parse_single(s)?),
        Some((a, b)) => {
            if b.contains('/') {
                return Err("an interval has exactly one /".into());
            }
            let start = parse_end(a)?;
            let end = parse_end(b)?;
            if !matches!(start, End::Date(_)) && !matches!(end, End::Date(_)) {
                return Err("an interval needs a date on at least one side".into());
            }
            Form::Interval { start, end }
        }
    };
    Date::from_form(s.to_string(), form, reading)
}

fn parse_end(s: &str) -> Result<End, String> {
    match s {
        "" => Ok(End::Unknown),
        ".." => Ok(End::Open),
        _ => parse_single(s).map(End::Date),
    }
}

/// Takes the leading run of digits and `X` from an ASCII string.
fn take_run(s: &str) -> (&str, &str) {
    let n = s
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'X')
        .count();
    s.split_at(n)
}

fn two_digits(s: &str) -> Option<u8> {
    match s.as_bytes() {
        [a @ b'0'..=b'9', b @ b'0'..=b'9'] => Some((a - b'0') * 10 + (b - b'0')),
        _ => None,
    }
}

/// One EDTF date without `/` (the input is ASCII, so byte slicing is safe).
fn parse_single(s: &str) -> Result<Single, String> {
    if s.starts_with('-') {
        return Err("negative years are not supported; years are 0000 to 9999".into());
    }
    if s.starts_with('Y') {
        return Err("long years (Y…) are not supported; years are 0000 to 9999".into());
    }
    let (y, rest) = take_run(s);
    if y.is_empty() {
        return Err("a date starts with a 4-digit year such as 2025".into());
    }
    if y.len() != 4 {
        if y.len() > 4 && y.bytes().all(|b| b.is_ascii_digit()) {
            return Err("years after 9999 are not supported; the year has 4 digits".into());
        }
        return Err(format!("the year must have 4 digits, not {y:?}"));
    }
    let known_digits = y.bytes().take_while(u8::is_ascii_digit).count();
    if y.bytes().skip(known_digits).any(|b| b != b'X') {
        return Err("X may only replace the last digits of the year, e.g. 202X".into());
    }
    if known_digits == 0 {
        return Err("the year needs at least one known digit".into());
    }
    let known: u16 = y[..known_digits]
        .parse()
        .map_err(|_| "the year must be 4 digits".to_string())?;
    let year = Year {
        known,
        x: (4 - known_digits) as u8,
    };
    let full_year = i32::from(known);

    let mut single = Single {
        year,
        month: MonthPart::None,
        day: DayPart::None,
        time: None,
        qual: Qual::None,
    };
    let mut rest = rest;

    // Month or season.
    if let Some(r) = rest.strip_prefix('-') {
        if year.x > 0 {
            return Err("a year with X digits cannot have a month or day".into());
        }
        let (m, r) = take_run(r);
        rest = r;
        single.month = match m {
            "XX" => MonthPart::AnyX,
            "0X" => MonthPart::ZeroX,
            "1X" => MonthPart::OneX,
            _ if m.contains('X') => {
                return Err("an unspecified month is written XX, 0X or 1X".into())
            }
            _ => match two_digits(m) {
                None => return Err("the month must have 2 digits, e.g. 2025-08".into()),
                Some(v @ 1..=12) => MonthPart::Known(v),
                Some(v @ 21..=24) => MonthPart::Season(v),
                Some(_) => return Err(format!("month {m} does not exist")),
            },
        };
    }

    // Day.
    if let Some(r) = rest.strip_prefix('-') {
        let (d, r) = take_run(r);
        rest = r;
        single.day = match (single.month, d) {
            (MonthPart::Season(_), _) => return Err("a season cannot have a day".into()),
            (_, "XX") => DayPart::AnyX,
            (MonthPart::Known(_), _) if d.contains('X') => {
                return Err("an unspecified day is written XX".into())
            }
            (MonthPart::Known(m), _) => match two_digits(d) {
                None => return Err("the day must have 2 digits, e.g. 2025-08-05".into()),
                Some(v) if v >= 1 && u32::from(v) <= days_in_month(full_year, u32::from(m)) => {
                    DayPart::Known(v)
                }
                Some(29) if m == 2 => {
                    return Err(format!(
                        "day 29 does not exist in February {y} ({y} is not a leap year)"
                    ))
                }
                Some(v) if (1..=31).contains(&v) => {
                    return Err(format!(
                        "day {d} does not exist in {} {y}",
                        month_long(u32::from(m))
                    ))
                }
                Some(_) => return Err(format!("day {d} does not exist")),
            },
            _ => return Err("when the month has X, the day must be XX too".into()),
        };
    }

    // Time of day (only after a complete date).
    if let Some(r) = rest.strip_prefix('T') {
        if !matches!(single.day, DayPart::Known(_)) {
            return Err("a time of day needs a complete date, e.g. 2025-10-24T14:00:00Z".into());
        }
        let (time, r) = parse_time(r)?;
        single.time = Some(time);
        rest = r;
    }

    // Qualifier.
    let qual = match rest.as_bytes().first() {
        Some(b'?') => Qual::Uncertain,
        Some(b'~') => Qual::Approximate,
        Some(b'%') => Qual::Both,
        _ => Qual::None,
    };
    if qual != Qual::None {
        if single.time.is_some() {
            return Err("a date with a time of day cannot carry ?, ~ or %".into());
        }
        single.qual = qual;
        rest = &rest[1..];
    }

    if !rest.is_empty() {
        let mut done = String::new();
        single.render(&mut done);
        return Err(format!("unexpected {} after {done:?}", quote(rest)));
    }
    Ok(single)
}

/// `hh:mm:ss` then optional `Z` or `±hh:mm`.
fn parse_time(s: &str) -> Result<(Time, &str), String> {
    const FORM: &str =
        "a time is written hh:mm:ss with an optional Z or ±hh:mm, e.g. 2025-10-24T14:00:00Z";
    let b = s.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return Err(FORM.into());
    }
    let (hour, minute, second) = match (
        two_digits(&s[0..2]),
        two_digits(&s[3..5]),
        two_digits(&s[6..8]),
    ) {
        (Some(h), Some(m), Some(sec)) => (h, m, sec),
        _ => return Err(FORM.into()),
    };
    if hour > 23 || minute > 59 || second > 59 {
        return Err(format!(
            "time {} does not exist (hours 00-23, minutes and seconds 00-59)",
            &s[0..8]
        ));
    }
    let rest = &s[8..];
    let (offset, rest) = if let Some(r) = rest.strip_prefix('Z') {
        (Some(Offset::Utc), r)
    } else if rest.starts_with('+') || rest.starts_with('-') {
        let negative = rest.starts_with('-');
        let o = rest.as_bytes();
        if o.len() < 6 || o[3] != b':' {
            return Err(FORM.into());
        }
        let (hours, minutes) = match (two_digits(&rest[1..3]), two_digits(&rest[4..6])) {
            (Some(h), Some(m)) => (h, m),
            _ => return Err(FORM.into()),
        };
        if hours > 23 || minutes > 59 {
            return Err(format!("offset {} does not exist", &rest[0..6]));
        }
        (
            Some(Offset::Fixed {
                negative,
                hours,
                minutes,
            }),
            &rest[6..],
        )
    } else {
        (None, rest)
    };
    Ok((
        Time {
            hour,
            minute,
            second,
            offset,
        },
        rest,
    ))
}

// ---------------------------------------------------------------------------
// Date
// ---------------------------------------------------------------------------

impl Date {
    /// Derives bounds and precision and checks that an interval does not end
    /// before it starts: when both ends are times of day that can be compared
    /// (both with an offset, or both without), the instants must be in order;
    /// otherwise, after widening, the interval's earliest day must not be
    /// after its latest. Two times in order whose days as written are not
    /// (`2025-10-25T01:00:00+05:00/2025-10-24T23:00:00Z`) have the two days,
    /// earlier first, as bounds.
    fn from_form(text: String, form: Form, reading: Reading) -> Result<Date, String> {
        let (earliest, latest, precision) = match &form {
            Form::Single(s) => {
                let (lo, hi) = s.bounds()?;
                (Some(lo), Some(hi), s.precision())
            }
            Form::Interval { start, end } => {
                let start_b = match start {
                    End::Date(s) => Some(s.bounds()?),
                    _ => None,
                };
                let end_b = match end {
                    End::Date(s) => Some(s.bounds()?),
                    _ => None,
                };
                let precision = match (start, end) {
                    (End::Date(s), _) | (_, End::Date(s)) => s.precision(),
                    _ => return Err("an interval needs a date on at least one side".into()),
                };
                let mut lo = start_b.map(|b| b.0);
                let mut hi = end_b.map(|b| b.1);
                let instants_in_order = match (start, end) {
                    (End::Date(a), End::Date(b)) => match (a.moment(), b.moment()) {
                        (Some((x, zoned_x)), Some((y, zoned_y))) if zoned_x == zoned_y => {
                            Some(x <= y)
                        }
                        _ => None,
                    },
                    _ => None,
                };
                let instants_in_order = match (instants_in_order, reading) {
                    (Some(false), Reading::Stored) => None,
                    (order, _) => order,
                };
                if let (Some(l), Some(h)) = (lo, hi) {
                    match instants_in_order {
                        Some(false) => return Err("interval ends before it starts".into()),
                        Some(true) => (lo, hi) = (Some(l.min(h)), Some(l.max(h))),
                        None if h < l => return Err("interval ends before it starts".into()),
                        None => {}
                    }
                }
                (lo, hi, precision)
            }
        };
        Ok(Date {
            text,
            form,
            earliest,
            latest,
            precision,
        })
    }

    /// Strict EDTF, levels 0 and 1 (the same as [`FromStr`]). This is how
    /// stored dates are read back, so it accepts nothing that would not print
    /// back identically.
    pub fn parse_edtf(s: &str) -> Result<Date, DateError> {
        parse_text(s).map_err(|reason| DateError::invalid(s, &reason))
    }

    /// Why a stored date would be refused if it were typed or imported now
    /// (the reason alone, without the examples of [`DateError`]), if it
    /// would: `check` reports such a date, which a dump cannot carry.
    pub fn refused_as_input(s: &str) -> Option<String> {
        parse_text(s).err()
    }

    /// A date read back from the store: [`Date::parse_edtf`], except that a
    /// time interval stored before its times were compared as instants is
    /// read as it was stored (see `Reading::Stored`).
    pub fn parse_stored(s: &str) -> Result<Date, DateError> {
        parse_text_as(s, Reading::Stored).map_err(|reason| DateError::invalid(s, &reason))
    }

    /// EDTF, or an English phrase turned into EDTF: "19 November 2025",
    /// "24-26 October 2025", "since January 2025", "about August 2025",
    /// "spring 2025", "the 2020s". Relative phrases ("yesterday") and numeric
    /// day/month orders ("03/04/2025") are refused with a suggestion, because
    /// the record must not depend on when or where it was typed.
    pub fn parse_human(s: &str) -> Result<Date, DateError> {
        parse_phrase(s, 0)
    }

    /// The EDTF text exactly as stored.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The EDTF text, taken out of the date.
    pub fn into_text(self) -> String {
        self.text
    }

    /// The first day the event may have happened; `None` for an open or unknown start.
    pub fn earliest(&self) -> Option<NaiveDate> {
        self.earliest
    }

    /// The last day the event may have happened; `None` for an open or unknown end.
    pub fn latest(&self) -> Option<NaiveDate> {
        self.latest
    }

    /// [`Date::earliest`] as days from the common era (`num_days_from_ce`),
    /// `i32::MIN` when open, so that open starts sort first.
    pub fn earliest_day(&self) -> i32 {
        self.earliest.map_or(i32::MIN, |d| d.num_days_from_ce())
    }

    /// [`Date::latest`] as days from the common era, `i32::MAX` when open, so
    /// that open ends sort last.
    pub fn latest_day(&self) -> i32 {
        self.latest.map_or(i32::MAX, |d| d.num_days_from_ce())
    }

    /// Precision of the start, or of the end when the start is open or unknown.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// The order key as bytes: earliest day, latest day (each as
    /// `(v as u32 ^ 0x8000_0000)` big-endian, which makes signed order byte
    /// order) and the precision rank. Byte order equals [`Ord`] up to the text
    /// tie-break.
    pub fn sort_key(&self) -> [u8; 9] {
        let mut key = [0u8; 9];
        key[0..4].copy_from_slice(&((self.earliest_day() as u32) ^ 0x8000_0000).to_be_bytes());
        key[4..8].copy_from_slice(&((self.latest_day() as u32) ^ 0x8000_0000).to_be_bytes());
        key[8] = self.precision.rank();
        key
    }

    /// True when any part is qualified (`?`, `~`, `%`), has unspecified digits
    /// (`X`), or is open or unknown.
    pub fn is_uncertain(&self) -> bool {
        match &self.form {
            Form::Single(s) => s.is_uncertain(),
            Form::Interval { start, end } => [start, end].iter().any(|e| match e {
                End::Date(s) => s.is_uncertain(),
                End::Open | End::Unknown => true,
            }),
        }
    }

    /// True when this date may fall in the window from `from`'s earliest to
    /// `to`'s latest (open sides are unbounded). Use it for "show everything
    /// that could be relevant".
    pub fn overlaps(&self, from: &Date, to: &Date) -> bool {
        self.latest_day() >= from.earliest_day() && self.earliest_day() <= to.latest_day()
    }

    /// True when this date certainly lies inside the window from `from`'s
    /// earliest to `to`'s latest: both of its bounds are known and inside.
    pub fn within(&self, from: &Date, to: &Date) -> bool {
        self.earliest.is_some()
            && self.latest.is_some()
            && self.earliest_day() >= from.earliest_day()
            && self.latest_day() <= to.latest_day()
    }

    /// A short reading for tables: `15 Aug 2025`, `24–26 Oct 2025`,
    /// `since Jan 2025`, `~Aug 2025`, `2020s`, `spring 2025`.
    pub fn human(&self) -> String {
        match &self.form {
            Form::Single(s) => s.human(),
            Form::Interval { start, end } => match (start, end) {
                (End::Date(a), End::Date(b)) => human_interval(a, b),
                (End::Date(a), End::Open) => format!("since {}", a.human()),
                (End::Date(a), End::Unknown) => format!("from {} (end unknown)", a.human()),
                (End::Open, End::Date(b)) => format!("until {}", b.human()),
                (End::Unknown, End::Date(b)) => {
                    format!("until {} (start unknown)", b.human())
                }
                _ => self.text.clone(),
            },
        }
    }

    /// A single date as [`Date::human`] writes one with unspecified digits
    /// or a qualifier, which [`Date::parse_human`] reads otherwise or not at
    /// all: "Oct–Dec 2025" is `2025-1X` (to the phrases, the months October
    /// to December), "Jan–Sep 2026" `2026-0X`, "1990s" `199X`, "2000–2099"
    /// `20XX` and "2000–2999" `2XXX` (to the phrases, the years between),
    /// "~Aug 2025" `2025-08~`, "Oct–Dec 2025?" `2025-1X?`. For reading back
    /// what factline wrote (a TimelineJS Display Date), where the same text
    /// may also be an interval's ("Oct–Dec 2025" is `2025-10/2025-12` too);
    /// `None` for any other text.
    pub fn parse_human_written(text: &str) -> Option<Date> {
        let (approximate, text) = match text.strip_prefix('~') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (uncertain, text) = match text.strip_suffix('?') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let year = four_digits;
        let base = if let Some(y) = text.strip_prefix("Jan–Sep ").and_then(year) {
            format!("{y}-0X")
        } else if let Some(y) = text.strip_prefix("Oct–Dec ").and_then(year) {
            format!("{y}-1X")
        } else if let Some(y) = text
            .strip_suffix('s')
            .and_then(year)
            .filter(|y| y.ends_with('0'))
        {
            format!("{}X", &y[..3])
        } else if let Some(x) = unspecified_years(text) {
            x
        } else if approximate || uncertain {
            let date = Date::parse_human(text).ok()?;
            (!date.as_str().contains('/')).then(|| date.as_str().to_string())?
        } else {
            return None;
        };
        let qualifier = match (approximate, uncertain) {
            (true, true) => "%",
            (true, false) => "~",
            (false, true) => "?",
            (false, false) => "",
        };
        Date::parse_edtf(&format!("{base}{qualifier}")).ok()
    }
}

/// `y` when it is a year of four digits.
fn four_digits(y: &str) -> Option<&str> {
    (y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit())).then_some(y)
}

/// "2000–2099" as [`Single::human`] writes a year with two or three
/// unspecified digits: `20XX` (one is a decade, "2020s"; four, `XXXX`, is
/// no EDTF factline reads).
fn unspecified_years(text: &str) -> Option<String> {
    let (first, last) = text.split_once('–')?;
    let (first, last) = (
        four_digits(first)?.as_bytes(),
        four_digits(last)?.as_bytes(),
    );
    let known = first.iter().zip(last).take_while(|(a, b)| a == b).count();
    let x = 4 - known;
    ((2..=3).contains(&x)
        && first[known..].iter().all(|&d| d == b'0')
        && last[known..].iter().all(|&d| d == b'9'))
    .then(|| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&first[..known]),
            "X".repeat(x)
        )
    })
}

/// Merges what the two ends share: `24–26 Oct 2025`, `30 Sep – 2 Oct 2025`,
/// `Aug–Sep 2025`, `2024–2025`; anything qualified or partial is shown in full.
fn human_interval(a: &Single, b: &Single) -> String {
    if a == b {
        return a.human();
    }
    if a.is_plain() && b.is_plain() {
        let (ya, yb) = (a.year_min(), b.year_min());
        match (a.month, a.day, b.month, b.day) {
            (
                MonthPart::Known(ma),
                DayPart::Known(da),
                MonthPart::Known(mb),
                DayPart::Known(db),
            ) if ya == yb => {
                return if ma == mb {
                    format!("{da}–{db} {} {ya:04}", month_short(ma))
                } else {
                    format!(
                        "{da} {} – {db} {} {ya:04}",
                        month_short(ma),
                        month_short(mb)
                    )
                };
            }
            (MonthPart::Known(ma), DayPart::None, MonthPart::Known(mb), DayPart::None)
                if ya == yb =>
            {
                return format!("{}–{} {ya:04}", month_short(ma), month_short(mb));
            }
            (MonthPart::None, _, MonthPart::None, _) => return format!("{ya:04}–{yb:04}"),
            _ => {}
        }
    }
    format!("{} – {}", a.human(), b.human())
}

// ---------------------------------------------------------------------------
// English phrases
// ---------------------------------------------------------------------------

/// Words that make a phrase depend on when it was said.
const RELATIVE_WORDS: &[&str] = &[
    "yesterday",
    "today",
    "tomorrow",
    "tonight",
    "now",
    "recently",
    "lately",
    "ago",
    "last",
    "next",
    "this",
    "past",
    "previous",
    "coming",
    "earlier",
    "later",
    "week",
    "weekend",
    "fortnight",
];

enum PhraseError {
    /// Not a phrase we know: the standard message.
    Unrecognized,
    /// A phrase we know, with something specific wrong.
    Reason(String),
    /// A full message with its own suggestion.
    Refusal(String),
    /// Only a weekday: relative.
    Relative,
}

fn is_edtf_byte(b: u8) -> bool {
    b.is_ascii_digit() || b"XY?~%/.:T+Z-".contains(&b)
}

/// [`Date::parse_human`] of a phrase nested `depth` phrases deep in the one
/// typed ("17 November 2025" in "week of 17 November 2025" is 1 deep).
fn parse_phrase(s: &str, depth: u32) -> Result<Date, DateError> {
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Err(DateError::invalid(s, "the date is empty"));
    }
    if let Ok(d) = Date::parse_edtf(trimmed) {
        return Ok(d);
    }
    if depth > MAX_NESTED_PHRASES {
        return Err(DateError::nested(trimmed));
    }
    let inner = depth + 1;
    if let Some(d) = prefixed_edtf(trimmed, inner) {
        return Ok(d);
    }
    if let Some(read) = with_fractional_seconds(trimmed) {
        return read;
    }
    let missing = || DateError::invalid(trimmed, "the date itself is missing");
    if let Some((word, rest)) = comparative(trimmed) {
        if rest.is_empty() {
            return Err(missing());
        }
        let plain = format!("{word} {rest}");
        return parse_phrase(&plain, inner).map_err(|e| e.naming(&plain, trimmed));
    }
    if let Some(rest) = week_of(trimmed) {
        if rest.is_empty() {
            return Err(missing());
        }
        return parse_phrase(rest, inner)
            .map_err(|e| e.naming(rest, trimmed))
            .and_then(|day| seven_days_from(&day, trimmed));
    }
    if let Some(read) = ordinal_of(trimmed, inner).or_else(|| weekend_of(trimmed, inner)) {
        return read;
    }
    if let Some(e) = numeric_refusal(trimmed).or_else(|| spaced_time_refusal(trimmed)) {
        return Err(e);
    }
    if let Some(e) = part_refusal(trimmed, inner) {
        return Err(e);
    }
    let tokens = tokenize(&trimmed.to_lowercase());
    let is_relative = |t: &String| {
        let t = t.trim_end_matches(['.', '?', '!']);
        RELATIVE_WORDS.contains(&t)
    };
    if tokens.iter().any(is_relative) {
        return Err(DateError::refusal(format!(
            "{} {RELATIVE_HINT}",
            quote(trimmed)
        )));
    }
    match phrase_to_edtf(trimmed, tokens) {
        Ok((edtf, weekday)) => {
            let date = parse_text(&edtf).map_err(|r| DateError::invalid(trimmed, &r))?;
            if let Some(w) = weekday {
                let day = match date.form {
                    Form::Single(Single {
                        day: DayPart::Known(_),
                        qual: Qual::None,
                        ..
                    }) => date.earliest,
                    _ => None,
                };
                match day {
                    None => {
                        return Err(DateError::refusal(format!(
                            "{} {RELATIVE_HINT}",
                            quote(trimmed)
                        )))
                    }
                    Some(d) if d.weekday() != w => {
                        return Err(DateError::invalid(
                            trimmed,
                            &format!(
                                "{} is a {}, not a {}",
                                d.format("%-d %B %Y"),
                                weekday_name(d.weekday()),
                                weekday_name(w)
                            ),
                        ))
                    }
                    Some(_) => {}
                }
            }
            Ok(date)
        }
        // Input made only of EDTF characters was meant as EDTF: say what
        // is wrong with it (`2025-13` has no month 13, whatever a phrase
        // reading of its numbers finds).
        Err(PhraseError::Unrecognized | PhraseError::Reason(_))
            if trimmed.bytes().all(is_edtf_byte) =>
        {
            Err(Date::parse_edtf(trimmed)
                .err()
                .unwrap_or_else(|| DateError::invalid(trimmed, "not a date factline can read")))
        }
        Err(PhraseError::Unrecognized) => {
            Err(DateError::invalid(trimmed, "not a date factline can read"))
        }
        Err(PhraseError::Reason(r)) => Err(DateError::invalid(trimmed, &r)),
        Err(PhraseError::Refusal(m)) => Err(DateError::refusal(m)),
        Err(PhraseError::Relative) => Err(DateError::refusal(format!(
            "{} {RELATIVE_HINT}",
            quote(trimmed)
        ))),
    }
}

/// A phrase word followed by plain EDTF: `since 2025-08` → `2025-08/..`,
/// `until 2025-11-17` → `../2025-11-17`, `about 2025-08` → `2025-08~`.
fn prefixed_edtf(s: &str, depth: u32) -> Option<Date> {
    const PREFIXES: &[(&str, &str, &str)] = &[
        ("since", "", "/.."),
        ("from", "", "/.."),
        ("until", "../", ""),
        ("till", "../", ""),
        ("about", "", "~"),
        ("around", "", "~"),
        ("circa", "", "~"),
        ("approximately", "", "~"),
        ("c.", "", "~"),
        ("ca.", "", "~"),
    ];
    let (word, rest) = s.split_once(char::is_whitespace)?;
    // EDTF, or a day a phrase fixes in a month or year ("the last day of
    // November 2025").
    let inner = || {
        let rest = rest.trim();
        Date::parse_edtf(rest)
            .ok()
            .or_else(|| ordinal_of(rest, depth)?.ok())
    };
    // Days a phrase fixes ("the first week of November 2025") stand for
    // their first day after `since`, `from` and `before`, and for their
    // last after `until` and `after`: `until the first week of December
    // 2025` is `../2025-12-07`.
    let end_of = |inner: Date, last: bool| match inner.form {
        Form::Interval {
            start: End::Date(start),
            end: End::Date(end),
        } if [start, end]
            .iter()
            .all(|d| d.qual == Qual::None && d.time.is_none()) =>
        {
            let (first, final_) = inner.as_str().split_once('/')?;
            Date::parse_edtf(if last { final_ } else { first }).ok()
        }
        _ => Some(inner),
    };
    for (exclusive, forward) in [("before", false), ("after", true)] {
        if word.eq_ignore_ascii_case(exclusive) {
            let inner = end_of(inner()?, forward)?;
            return Date::parse_edtf(&beyond(&inner, forward).ok()?).ok();
        }
    }
    let (_, before, after) = PREFIXES
        .iter()
        .find(|(w, _, _)| word.eq_ignore_ascii_case(w))?;
    let inner = match after.starts_with('~') {
        true => inner()?,
        false => end_of(inner()?, before.starts_with(".."))?,
    };
    // "about the first week of November 2025": both ends are approximate,
    // as in "about 24-26 October 2025".
    if let Form::Interval {
        start: End::Date(start),
        end: End::Date(end),
    } = inner.form
    {
        let plain = [start, end]
            .iter()
            .all(|d| d.qual == Qual::None && d.time.is_none());
        let (first, last) = inner.as_str().split_once('/')?;
        return match (plain, after.starts_with('~')) {
            (true, true) => Date::parse_edtf(&format!("{first}{after}/{last}{after}")).ok(),
            _ => None,
        };
    }
    let ok = match inner.form {
        Form::Single(single) => {
            single.qual == Qual::None
                && (after.is_empty() || after.starts_with('/') || single.time.is_none())
        }
        Form::Interval { .. } => false,
    };
    if !ok {
        return None;
    }
    Date::parse_edtf(&format!("{before}{}{after}", inner.as_str())).ok()
}

/// Which part of a month or year a phrase names: early, mid or late.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Early,
    Mid,
    Late,
}

/// The words that name a part of a month or year, and the part, longest first.
const PART_WORDS: &[(&str, Part)] = &[
    ("the beginning of", Part::Early),
    ("the middle of", Part::Mid),
    ("the start of", Part::Early),
    ("beginning of", Part::Early),
    ("the end of", Part::Late),
    ("middle of", Part::Mid),
    ("start of", Part::Early),
    ("end of", Part::Late),
    ("early", Part::Early),
    ("late", Part::Late),
    ("mid", Part::Mid),
];

/// "late November 2025", "mid-November 2025", "early 2025", "the end of
/// 2025": a part of a month or year has no exact bounds, so it is refused
/// with what can be written instead, the whole month or year, or the days or
/// months meant as an interval. `None` when the text is no such phrase.
fn part_refusal(s: &str, depth: u32) -> Option<DateError> {
    // The words are ASCII: compared without changing case, the rest is a
    // part of `s` (lower case can be longer, "İ").
    let starts_with = |text: &str, words: &str| {
        text.get(..words.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(words))
    };
    let (part, rest) = PART_WORDS.iter().find_map(|(words, part)| {
        if !starts_with(s, words) {
            return None;
        }
        let rest = &s[words.len()..];
        let rest = rest.strip_prefix('-').unwrap_or(rest);
        if !rest.starts_with(|c: char| c.is_whitespace() || c.is_alphanumeric()) {
            return None;
        }
        let rest = rest.trim_start();
        Some((
            *part,
            if starts_with(rest, "in ") {
                &rest[3..]
            } else {
                rest
            },
        ))
    })?;
    let whole = match parse_phrase(rest, depth) {
        Ok(whole) => whole,
        Err(e) if e.nested => return Some(e.naming(rest, s)),
        Err(_) => return None,
    };
    let plain = matches!(
        whole.form,
        Form::Single(Single {
            qual: Qual::None,
            time: None,
            ..
        })
    );
    let (Some(first), Some(last)) = (whole.earliest, whole.latest) else {
        return None;
    };
    let message = match (whole.precision, plain) {
        (Precision::Month, true) => {
            let (from, to) = match part {
                Part::Early => (1, 10),
                Part::Mid => (11, 20),
                Part::Late => (21, last.day()),
            };
            let ym = first.format("%Y-%m");
            format!(
                "{} is part of a month, which factline cannot store exactly: write the month, \
                 {whole}, or the days it means as an interval, such as {ym}-{from:02}/{ym}-{to:02}",
                quote(s)
            )
        }
        (Precision::Year, true) => {
            let (from, to) = match part {
                Part::Early => (1, 4),
                Part::Mid => (5, 8),
                Part::Late => (9, 12),
            };
            let y = first.year();
            format!(
                "{} is part of a year, which factline cannot store exactly: write the year, \
                 {whole}, or the months it means as an interval, such as {y:04}-{from:02}/{y:04}-{to:02}",
                quote(s)
            )
        }
        _ => format!(
            "{} is part of {}, which factline cannot store exactly: write {whole}, \
             or what it means as an interval",
            quote(s),
            quote(rest)
        ),
    };
    Some(DateError::refusal(message))
}

/// The open interval of what lies wholly before (`forward` false) or after
/// `date`, the date itself excluded, at its precision where that is a year
/// or a month: `before 2025` is `../2024`, `after August 2025` is
/// `2025-09/..`, `before spring 2025` is `../2025-02-28`. (`until` and
/// `since` include the date: `../2025`, `2025-08/..`.)
fn beyond(date: &Date, forward: bool) -> Result<String, String> {
    let exact = matches!(
        date.form,
        Form::Single(Single {
            qual: Qual::None,
            time: None,
            ..
        })
    );
    let (Some(earliest), Some(latest), true) = (date.earliest, date.latest, exact) else {
        return Err("`before` and `after` need an exact day, month or year: write `until` or `since` (which include the date) or an EDTF interval".into());
    };
    let edge = if forward {
        latest.checked_add_days(Days::new(1))
    } else {
        earliest.checked_sub_days(Days::new(1))
    }
    .filter(|d| (0..=9999).contains(&d.year()))
    .ok_or("the date is at the edge of the calendar")?;
    // The coarsest unit that starts at the boundary (the edge after, the
    // date's first day before), no finer than the date's own: `2025-1X`
    // (October to December) has a year's precision, but what lies before
    // it ends in September.
    let boundary = if forward { edge } else { earliest };
    let side = if matches!(date.precision, Precision::Year | Precision::Decade)
        && boundary.ordinal() == 1
    {
        format!("{:04}", edge.year())
    } else if date.precision != Precision::Day && boundary.day() == 1 {
        format!("{:04}-{:02}", edge.year(), edge.month())
    } else {
        edge.format("%Y-%m-%d").to_string()
    };
    Ok(if forward {
        format!("{side}/..")
    } else {
        format!("../{side}")
    })
}

/// Comparatives that name a bound, not a time relative to now: `no later
/// than 2025` is `until 2025`, `no earlier than` is `since`, `later than`
/// is `after` and `earlier than` is `before`. Returns the plain word and
/// the rest of `s` (the date).
fn comparative(s: &str) -> Option<(&'static str, &str)> {
    const COMPARATIVES: &[(&[&str], &str)] = &[
        (&["no", "later", "than"], "until"),
        (&["not", "later", "than"], "until"),
        (&["no", "earlier", "than"], "since"),
        (&["not", "earlier", "than"], "since"),
        (&["later", "than"], "after"),
        (&["earlier", "than"], "before"),
    ];
    COMPARATIVES
        .iter()
        .find_map(|(words, plain)| Some((*plain, after_words(s, words)?)))
}

/// `week of 17 November 2025` (also `the week of`, `in the week of`):
/// the day's phrase, `17 November 2025`.
fn week_of(s: &str) -> Option<&str> {
    [
        &["week", "of"][..],
        &["the", "week", "of"],
        &["in", "the", "week", "of"],
    ]
    .iter()
    .find_map(|words| after_words(s, words))
}

/// What follows `words` (case-insensitive, separated by white space) at
/// the start of `s` (empty if nothing does), if `s` starts with them.
fn after_words<'s>(s: &'s str, words: &[&str]) -> Option<&'s str> {
    let mut rest = s;
    for word in words {
        let (first, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        if !first.eq_ignore_ascii_case(word) {
            return None;
        }
        rest = tail.trim_start();
    }
    Some(rest)
}

/// `week of D`: the seven days starting on the day D, whatever weekday it
/// is (where a week starts differs by country; the day named does not).
fn seven_days_from(day: &Date, typed: &str) -> Result<Date, DateError> {
    let first = match day.form {
        Form::Single(Single {
            day: DayPart::Known(_),
            qual: Qual::None,
            time: None,
            ..
        }) => day.earliest,
        _ => None,
    };
    let Some(first) = first else {
        return Err(DateError::invalid(
            typed,
            "`week of` needs an exact day, e.g. week of 17 November 2025",
        ));
    };
    let last = first
        .checked_add_days(Days::new(6))
        .filter(|d| d.year() <= 9999)
        .ok_or_else(|| DateError::invalid(typed, "the week ends after 9999"))?;
    Date::parse_edtf(&format!(
        "{}/{}",
        first.format("%Y-%m-%d"),
        last.format("%Y-%m-%d")
    ))
    .map_err(|e| e.naming(&format!("{first}/{last}"), typed))
}

/// The first word of `s` and what follows it, trimmed.
fn first_word(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start();
    let (word, rest) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
    (!word.is_empty()).then(|| (word, rest.trim_start()))
}

/// A month, season or year as a whole, the period an ordinal phrase counts
/// in: its first and last days.
fn whole_period(date: &Date) -> Option<(NaiveDate, NaiveDate)> {
    let whole = matches!(
        date.form,
        Form::Single(Single {
            qual: Qual::None,
            time: None,
            day: DayPart::None,
            month: MonthPart::None | MonthPart::Known(_) | MonthPart::Season(_),
            year: Year { x: 0, .. },
        })
    );
    whole.then_some((date.earliest?, date.latest?))
}

/// "the last day of November 2025" → `2025-11-30`, "the first week of
/// November 2025" → `2025-11-01/2025-11-07` (the seven days from the 1st;
/// the second week the seven from the 8th; the last week the last seven
/// days), "last Friday of November 2025" → `2025-11-28`, "the second
/// Tuesday in 2025": a day or days fixed in a month, season or year, which
/// name no time relative to now. "the last weekend of November 2025" is
/// refused with the Saturday and Sunday to write, since which days make a
/// weekend differs by country. `None` when `s` is no such phrase.
fn ordinal_of(s: &str, depth: u32) -> Option<Result<Date, DateError>> {
    const ORDINALS: &[(&str, u64)] = &[
        ("first", 1),
        ("1st", 1),
        ("second", 2),
        ("2nd", 2),
        ("third", 3),
        ("3rd", 3),
        ("fourth", 4),
        ("4th", 4),
        ("fifth", 5),
        ("5th", 5),
        ("last", 0),
    ];
    let mut rest = s;
    for optional in ["on", "in", "the"] {
        if let Some((word, tail)) = first_word(rest) {
            if word.eq_ignore_ascii_case(optional) {
                rest = tail;
            }
        }
    }
    let (ordinal, rest) = first_word(rest)?;
    let ordinal = ordinal.to_lowercase();
    let &(ordinal, nth) = ORDINALS.iter().find(|(w, _)| *w == ordinal)?;
    let (unit, rest) = first_word(rest)?;
    let unit = unit.to_lowercase();
    let weekday = weekday_from_word(&unit);
    if !matches!(unit.as_str(), "day" | "week" | "weekend") && weekday.is_none() {
        return None;
    }
    let (of, rest) = first_word(rest).unwrap_or(("", ""));
    if !(of.eq_ignore_ascii_case("of") || of.eq_ignore_ascii_case("in")) {
        return None;
    }
    let words = format!("{ordinal} {unit} {}", of.to_lowercase());
    if rest.is_empty() {
        return Some(Err(DateError::invalid(s, "the date itself is missing")));
    }
    let whole = match parse_phrase(rest, depth) {
        Ok(whole) => whole,
        Err(e) => return Some(Err(e.naming(rest, s))),
    };
    let Some((first, last)) = whole_period(&whole) else {
        return Some(Err(DateError::invalid(
            s,
            &format!("`{words}` needs an exact month, season or year, e.g. {words} November 2025"),
        )));
    };
    let plus = |day: NaiveDate, n: u64| day.checked_add_days(Days::new(n)).filter(|d| *d <= last);
    let minus = |day: NaiveDate, n: u64| day.checked_sub_days(Days::new(n));
    // The nth day of the given weekday (the last when nth is 0).
    let nth_weekday = |w: Weekday| {
        if nth == 0 {
            let back = (7 + last.weekday().num_days_from_monday() - w.num_days_from_monday()) % 7;
            minus(last, u64::from(back))
        } else {
            let ahead = (7 + w.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
            plus(first, u64::from(ahead) + 7 * (nth - 1))
        }
    };
    let ymd = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let none = || DateError::invalid(s, &format!("{} has no {ordinal} {unit}", whole.human()));
    let edtf = match (unit.as_str(), weekday) {
        ("day", _) if nth == 0 => ymd(last),
        ("day", _) => match plus(first, nth - 1) {
            Some(day) => ymd(day),
            None => return Some(Err(none())),
        },
        ("week", _) => {
            let start = if nth == 0 {
                minus(last, 6)
            } else {
                first.checked_add_days(Days::new(7 * (nth - 1)))
            };
            match start.and_then(|start| Some((start, plus(start, 6)?))) {
                Some((start, end)) if start >= first => format!("{}/{}", ymd(start), ymd(end)),
                _ => {
                    return Some(Err(DateError::invalid(
                        s,
                        &format!("{} has no {ordinal} week of seven days", whole.human()),
                    )))
                }
            }
        }
        ("weekend", _) => {
            let saturday = if nth == 0 {
                nth_weekday(Weekday::Sun).and_then(|sunday| minus(sunday, 1))
            } else {
                nth_weekday(Weekday::Sat)
            };
            let days = saturday
                .and_then(|sat| Some((sat, sat.checked_add_days(Days::new(1))?)))
                .filter(|&(sat, sun)| weekend_outside_years(sat, sun).is_none())
                .map(|(sat, sun)| {
                    format!(", such as {}/{} (Saturday and Sunday)", ymd(sat), ymd(sun))
                })
                .unwrap_or_default();
            return Some(Err(DateError::refusal(format!(
                "{}: which days make a weekend differs by country: write them as an \
                 interval{days}",
                quote(s)
            ))));
        }
        (_, Some(w)) => match nth_weekday(w) {
            Some(day) => ymd(day),
            None => {
                return Some(Err(DateError::invalid(
                    s,
                    &format!("{} has no {ordinal} {}", whole.human(), weekday_name(w)),
                )))
            }
        },
        _ => return None,
    };
    Some(Date::parse_edtf(&edtf).map_err(|e| e.naming(&edtf, s)))
}

/// "weekend of 22-23 November 2025" (also "the weekend of", "on the
/// weekend of", "over the weekend of"): the two or three days named.
/// One day is refused with the days to write: which days make a weekend
/// differs by country. `None` when `s` is no such phrase.
fn weekend_of(s: &str, depth: u32) -> Option<Result<Date, DateError>> {
    let rest = [
        &["weekend", "of"][..],
        &["the", "weekend", "of"],
        &["on", "the", "weekend", "of"],
        &["over", "the", "weekend", "of"],
    ]
    .iter()
    .find_map(|words| after_words(s, words))?;
    if rest.is_empty() {
        return Some(Err(DateError::invalid(s, "the date itself is missing")));
    }
    let days = match parse_phrase(rest, depth) {
        Ok(days) => days,
        Err(e) => return Some(Err(e.naming(rest, s))),
    };
    let exact_day = |single: &Single| {
        single.qual == Qual::None
            && single.time.is_none()
            && matches!(single.day, DayPart::Known(_))
    };
    let (Some(first), Some(last)) = (days.earliest, days.latest) else {
        return Some(Err(weekend_needs_days(s)));
    };
    let ymd = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    match &days.form {
        Form::Interval {
            start: End::Date(a),
            end: End::Date(b),
        } if exact_day(a) && exact_day(b) && (1..=2).contains(&(last - first).num_days()) => {
            Some(Ok(days))
        }
        Form::Single(day) if exact_day(day) => {
            let (sat, sun) = if first.weekday() == Weekday::Sun {
                (first.checked_sub_days(Days::new(1))?, first)
            } else {
                (first, first.checked_add_days(Days::new(1))?)
            };
            if let Some(outside) = weekend_outside_years(sat, sun) {
                return Some(Err(DateError::invalid(s, outside)));
            }
            Some(Err(DateError::refusal(format!(
                "{} names one day, and which days make a weekend differs by country: write \
                 them as an interval, such as {}/{}",
                quote(s),
                ymd(sat),
                ymd(sun)
            ))))
        }
        _ => Some(Err(weekend_needs_days(s))),
    }
}

/// Why the weekend of `sat` and `sun` cannot be written as a date (it
/// reaches outside the years 0000–9999 factline stores), if it cannot: a
/// hint that suggests it would be refused in turn.
fn weekend_outside_years(sat: NaiveDate, sun: NaiveDate) -> Option<&'static str> {
    if sat.year() < 0 {
        Some("the weekend starts before 0000")
    } else if sun.year() > 9999 {
        Some("the weekend ends after 9999")
    } else {
        None
    }
}

fn weekend_needs_days(s: &str) -> DateError {
    DateError::invalid(
        s,
        "`weekend of` needs the weekend's two or three days, e.g. weekend of 22-23 November 2025",
    )
}

/// Refuses `03/04/2025`, `03.04.2025`, `03-04-2025`: day/month order varies
/// by country, so the user must say which. A compact `20251124` (GDELT's
/// `SQLDATE`, YYYYMMDD) is refused with its EDTF too, since EDTF writes
/// the dashes.
fn numeric_refusal(s: &str) -> Option<DateError> {
    if s.len() == 8 && s.bytes().all(|c| c.is_ascii_digit()) {
        let edtf = format!("{}-{}-{}", &s[..4], &s[4..6], &s[6..]);
        return Some(match parse_text(&edtf) {
            Ok(_) => DateError::refusal(format!(
                "{} is a compact date (YYYYMMDD): write it as {edtf}",
                quote(s)
            )),
            Err(reason) => DateError::invalid(
                s,
                &format!("as a compact date (YYYYMMDD) it is {edtf}, and {reason}"),
            ),
        });
    }
    let sep = s.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let parts: Vec<&str> = s.split(sep).collect();
    let [a, b, y] = parts.as_slice() else {
        return None;
    };
    let numeric = |p: &str| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit());
    if !(numeric(a) && numeric(b) && numeric(y)) {
        return None;
    }
    if a.len() == 4 && b.len() <= 2 && y.len() <= 2 && sep != '-' {
        // 2025/08/15, 2025.8.15: year first is unambiguous, only the form is wrong.
        let edtf = format!("{a}-{b:0>2}-{y:0>2}");
        return Date::parse_edtf(&edtf)
            .ok()
            .map(|_| DateError::invalid(s, &format!("write it as {edtf}")));
    }
    if a.len() > 2 || b.len() > 2 {
        return None;
    }
    let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
    if y.len() == 2 {
        return Some(DateError::refusal(format!(
            "{} is ambiguous (day/month order and century): write the full date as YYYY-MM-DD",
            quote(s)
        )));
    }
    if y.len() != 4 {
        return None;
    }
    let year: i32 = y.parse().ok()?;
    let valid = |d: u32, m: u32| d >= 1 && d <= days_in_month(year, m);
    let day_month = valid(a, b).then(|| format!("{year:04}-{b:02}-{a:02}"));
    let month_day = valid(b, a).then(|| format!("{year:04}-{a:02}-{b:02}"));
    let message = match (day_month, month_day) {
        (Some(dm), Some(md)) if dm != md => format!(
            "{} is ambiguous ({a} {} or {} {b}?): write {dm} or {md}",
            quote(s),
            month_long(b),
            month_long(a)
        ),
        (Some(one), _) | (None, Some(one)) => {
            format!("{} is a numeric date: write it as {one}", quote(s))
        }
        (None, None) => return None,
    };
    Some(DateError::refusal(message))
}

/// An EDTF date whose times have a fraction of a second, as JavaScript's
/// `toISOString` and many exports write every time
/// (`2025-08-24T14:30:00.000Z`): EDTF keeps times to the second, so a
/// fraction of zeros is left out (the same instant), and any other is
/// refused with the time to the second, since rounding would give a time
/// the source did not. `None` when the text is no such date.
fn with_fractional_seconds(s: &str) -> Option<Result<Date, DateError>> {
    let bytes = s.as_bytes();
    let mut plain = Vec::with_capacity(bytes.len());
    let (mut found, mut nonzero) = (false, false);
    let mut i = 0;
    while i < bytes.len() {
        let after_seconds = i >= 3
            && bytes[i - 3] == b':'
            && bytes[i - 2].is_ascii_digit()
            && bytes[i - 1].is_ascii_digit();
        if bytes[i] == b'.' && after_seconds {
            let digits = bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits > 0 {
                found = true;
                nonzero |= bytes[i + 1..=i + digits].iter().any(|&b| b != b'0');
                i += 1 + digits;
                continue;
            }
        }
        plain.push(bytes[i]);
        i += 1;
    }
    // Only ASCII bytes were left out: still UTF-8.
    let plain = String::from_utf8(plain).ok()?;
    let date = Date::parse_edtf(&plain).ok().filter(|_| found)?;
    Some(match nonzero {
        false => Ok(date),
        true => Err(DateError::refusal(format!(
            "{} gives a fraction of a second: factline keeps times to the second; write {plain} if that second is the one the source gives",
            quote(s)
        ))),
    })
}

/// Refuses a day and a time of day separated by a space, as spreadsheets
/// and pandas write them (`2025-11-24 14:30`, `2025-11-24 00:00:00.000`):
/// EDTF puts a `T` between them, and its time has seconds. A midnight time
/// is most often how a spreadsheet writes a day, not a time a source gives,
/// so the message offers both. `None` when the text is no such date.
fn spaced_time_refusal(s: &str) -> Option<DateError> {
    let (day, time) = s.split_once(char::is_whitespace)?;
    let time = time.trim_start();
    match Date::parse_edtf(day).ok()?.form {
        Form::Single(Single {
            day: DayPart::Known(_),
            time: None,
            qual: Qual::None,
            ..
        }) => {}
        _ => return None,
    }
    // hh:mm, hh:mm:ss or hh:mm:ss.000 (a fraction of zeros), then the zone.
    let zone_at = time
        .char_indices()
        .skip(1)
        .find(|&(_, c)| matches!(c, 'Z' | 'z' | '+' | '-'))
        .map_or(time.len(), |(i, _)| i);
    let (clock, zone) = time.split_at(zone_at);
    let (clock, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    if fraction.is_empty() || !fraction.bytes().all(|c| c == b'0') {
        return None;
    }
    let parts: Vec<&str> = clock.split(':').collect();
    let two = |p: &&str| p.len() == 2 && p.bytes().all(|c| c.is_ascii_digit());
    if !(2..=3).contains(&parts.len()) || !parts.iter().all(two) {
        return None;
    }
    let seconds = parts.get(2).copied().unwrap_or("00");
    let (hour, minute) = (parts[0], parts[1]);
    let zone = if zone.eq_ignore_ascii_case("z") {
        "Z"
    } else {
        zone
    };
    let edtf = format!("{day}T{hour}:{minute}:{seconds}{zone}");
    if let Err(reason) = parse_text(&edtf) {
        return Some(DateError::invalid(s, &reason));
    }
    let message = match [hour, minute, seconds] == ["00", "00", "00"] {
        true => format!(
            "{} is a day with a midnight time, as spreadsheets write a date: write {day} for the day, or {edtf} if midnight is the time the source gives",
            quote(s)
        ),
        false => format!(
            "{} has a space before its time of day: write it as {edtf}",
            quote(s)
        ),
    };
    Some(DateError::refusal(message))
}

/// Lower-cased input to words: commas and white space separate, dashes of
/// any kind become their own `-` token.
fn tokenize(lower: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    for c in lower.chars() {
        if c.is_whitespace() || c == ',' {
            if !current.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
        } else if matches!(c, '-' | '–' | '—' | '‒' | '‐' | '/') {
            // A slash in a phrase joins as a dash does: "winter 2025/26",
            // "the night of 24/25 October 2025". (All-numeric dates such as
            // 03/04/2025 are refused before phrases are read.)
            if !current.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
            tokens.push("-".to_string());
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

fn weekday_from_word(w: &str) -> Option<Weekday> {
    let w = w.trim_end_matches('.');
    let all = [
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ];
    all.iter()
        .find(|(name, _)| w == *name || (w.len() >= 3 && name.starts_with(w) && w.len() <= 4))
        .map(|(_, d)| *d)
}

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

#[derive(Debug, Clone, Copy)]
enum Tok {
    Year(u16),
    Month(u8),
    Day(u8),
    Season(u8),
    /// `2020s`: the leading three digits.
    Decade(u16),
}

fn classify(t: &str) -> Option<Tok> {
    let t = t.trim_end_matches('.');
    if let Some(m) = MONTH_LONG.iter().position(|name| {
        let name = name.to_ascii_lowercase();
        t == name || name.get(..3) == Some(t)
    }) {
        return Some(Tok::Month(m as u8 + 1));
    }
    if t == "sept" {
        return Some(Tok::Month(9));
    }
    match t {
        "spring" => return Some(Tok::Season(21)),
        "summer" => return Some(Tok::Season(22)),
        "autumn" | "fall" => return Some(Tok::Season(23)),
        "winter" => return Some(Tok::Season(24)),
        _ => {}
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if t.len() == 4 && digits(t) {
        return t.parse().ok().map(Tok::Year);
    }
    for suffix in ["'s", "’s", "s"] {
        if let Some(d) = t.strip_suffix(suffix) {
            if d.len() == 4 && digits(d) && d.ends_with('0') {
                return d.get(..3).and_then(|p| p.parse().ok()).map(Tok::Decade);
            }
        }
    }
    let n = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|s| t.strip_suffix(s))
        .unwrap_or(t);
    if (1..=2).contains(&n.len()) && digits(n) {
        return n.parse().ok().map(Tok::Day);
    }
    None
}

/// A phrase side, before missing parts are borrowed from the other side.
#[derive(Debug, Clone, Copy, Default)]
struct Partial {
    year: Option<u16>,
    month: Option<u8>,
    day: Option<u8>,
    season: Option<u8>,
    decade: Option<u16>,
}

fn partial(tokens: &[String]) -> Option<Partial> {
    let toks: Vec<Tok> = tokens.iter().map(|t| classify(t)).collect::<Option<_>>()?;
    let p = Partial::default();
    use Tok::*;
    Some(match toks.as_slice() {
        [Year(y)] => Partial {
            year: Some(*y),
            ..p
        },
        [Decade(d)] => Partial {
            decade: Some(*d),
            ..p
        },
        [Month(m)] => Partial {
            month: Some(*m),
            ..p
        },
        [Month(m), Year(y)] => Partial {
            month: Some(*m),
            year: Some(*y),
            ..p
        },
        [Day(d)] => Partial { day: Some(*d), ..p },
        [Day(d), Year(y)] => Partial {
            day: Some(*d),
            year: Some(*y),
            ..p
        },
        [Day(d), Month(m)] | [Month(m), Day(d)] => Partial {
            day: Some(*d),
            month: Some(*m),
            ..p
        },
        [Day(d), Month(m), Year(y)] | [Month(m), Day(d), Year(y)] => Partial {
            day: Some(*d),
            month: Some(*m),
            year: Some(*y),
            ..p
        },
        [Season(s)] => Partial {
            season: Some(*s),
            ..p
        },
        [Season(s), Year(y)] => Partial {
            season: Some(*s),
            year: Some(*y),
            ..p
        },
        _ => return None,
    })
}

impl Partial {
    fn edtf(&self, qual: &str) -> Result<String, PhraseError> {
        if let Some(d) = self.decade {
            if self.year.is_some() || self.month.is_some() || self.day.is_some() {
                return Err(PhraseError::Unrecognized);
            }
            return Ok(format!("{d:03}X{qual}"));
        }
        let y = self
            .year
            .ok_or_else(|| PhraseError::Reason("no year given".into()))?;
        if let Some(s) = self.season {
            return Ok(format!("{y:04}-{s}{qual}"));
        }
        match (self.month, self.day) {
            (None, None) => Ok(format!("{y:04}{qual}")),
            (Some(m), None) => Ok(format!("{y:04}-{m:02}{qual}")),
            (Some(m), Some(d)) => Ok(format!("{y:04}-{m:02}-{d:02}{qual}")),
            (None, Some(_)) => Err(PhraseError::Reason("a day needs a month".into())),
        }
    }
}

/// The year an interval's end names with two digits after a start that is
/// a year or a season of one: `2024–25` ends in 2025, `1999–00` in 2000
/// (the start's century, or the next one when the start is in its
/// century's last decade), and `winter 2025–26` in 2026 (a winter runs
/// into the next year, and only a winter does). `None` when the end is not
/// two digits after such a start.
fn short_end_year(left: &Partial, end: &[String]) -> Result<Option<u16>, PhraseError> {
    let [digits] = end else {
        return Ok(None);
    };
    let (Some(y), None, None, None) = (left.year, left.month, left.day, left.decade) else {
        return Ok(None);
    };
    let Some(n) = digits
        .parse::<u16>()
        .ok()
        .filter(|_| digits.len() == 2 && digits.bytes().all(|b| b.is_ascii_digit()))
    else {
        return Ok(None);
    };
    match left.season {
        None => {
            let mut end_year = y / 100 * 100 + n;
            if end_year < y && y % 100 >= 90 {
                end_year += 100;
            }
            if end_year > 9999 {
                return Err(PhraseError::Reason("the end is after 9999".into()));
            }
            Ok(Some(end_year))
        }
        Some(24) if n == (y + 1) % 100 => Ok(Some(y + 1)),
        Some(24) => Err(PhraseError::Reason(format!(
            "a winter runs from December into the next year: winter {y:04} is winter {y:04}–{:02}",
            (y + 1) % 100
        ))),
        Some(_) => Err(PhraseError::Reason(
            "only a winter runs into the next year: write the end's year in full".into(),
        )),
    }
}

/// Turns the words of a phrase into EDTF, plus a weekday to check if one was named.
fn phrase_to_edtf(
    input: &str,
    mut tokens: Vec<String>,
) -> Result<(String, Option<Weekday>), PhraseError> {
    // A trailing "?" (on its own or stuck to the last word) marks uncertainty.
    let mut uncertain = false;
    if let Some(last) = tokens.last_mut() {
        if last.ends_with('?') {
            uncertain = true;
            *last = last.trim_end_matches('?').to_string();
            if last.is_empty() {
                tokens.pop();
            }
        }
    }
    // "1900s" could be a decade or a century: ask.
    for t in &tokens {
        if let Some(Tok::Decade(d)) = classify(t) {
            if d % 10 == 0 {
                return Err(PhraseError::Refusal(format!(
                    "{} is ambiguous (the decade {y}–{y_end} or the century {y}–{c_end}?): write {d:03}X or {c:02}XX",
                    quote(input),
                    y = u32::from(d) * 10,
                    y_end = u32::from(d) * 10 + 9,
                    c_end = u32::from(d) * 10 + 99,
                    c = d / 10,
                )));
            }
        }
    }
    let mut weekday = None;
    let mut words = Vec::new();
    for t in tokens {
        if matches!(t.as_str(), "the" | "of" | "on" | "in") {
            continue;
        }
        if let Some(w) = weekday_from_word(&t) {
            if weekday.replace(w).is_some() {
                return Err(PhraseError::Unrecognized);
            }
            continue;
        }
        words.push(t);
    }
    if words.is_empty() {
        return Err(if weekday.is_some() {
            PhraseError::Relative
        } else {
            PhraseError::Unrecognized
        });
    }

    #[derive(PartialEq)]
    enum Open {
        No,
        Since,
        From,
        Until,
        /// `before`, `after`: the date itself excluded.
        Before,
        After,
    }
    let (mut open, mut approx, mut between) = (Open::No, false, false);
    let mut i = 0;
    while let Some(w) = words.get(i) {
        match w.as_str() {
            "since" if open == Open::No => open = Open::Since,
            "after" if open == Open::No => open = Open::After,
            "from" if open == Open::No => open = Open::From,
            "until" | "till" | "til" if open == Open::No => open = Open::Until,
            "before" if open == Open::No => open = Open::Before,
            "about" | "around" | "circa" | "c." | "c" | "ca." | "ca" | "approximately"
            | "approx." | "approx" | "roughly" | "~"
                if !approx =>
            {
                approx = true
            }
            "between" if !between && open == Open::No => between = true,
            _ => break,
        }
        i += 1;
    }
    let words = &words[i..];
    let qual = match (approx, uncertain) {
        (true, true) => "%",
        (true, false) => "~",
        (false, true) => "?",
        (false, false) => "",
    };

    let is_sep = |w: &String| {
        if between {
            w == "and"
        } else {
            matches!(w.as_str(), "-" | "to" | "through" | "until" | "till")
        }
    };
    let seps: Vec<usize> = words
        .iter()
        .enumerate()
        .filter(|(_, w)| is_sep(w))
        .map(|(i, _)| i)
        .collect();
    let edtf = match seps.as_slice() {
        [] => {
            if between {
                return Err(PhraseError::Unrecognized);
            }
            let p = partial(words).ok_or(PhraseError::Unrecognized)?;
            let d = p.edtf(qual)?;
            match open {
                Open::No => d,
                Open::Since | Open::From => format!("{d}/.."),
                Open::Until => format!("../{d}"),
                Open::Before | Open::After => {
                    let date = parse_text(&d).map_err(PhraseError::Reason)?;
                    beyond(&date, open == Open::After).map_err(PhraseError::Reason)?
                }
            }
        }
        [k] => {
            if matches!(open, Open::Since | Open::Until | Open::Before | Open::After) {
                return Err(PhraseError::Unrecognized);
            }
            let mut left = partial(&words[..*k]).ok_or(PhraseError::Unrecognized)?;
            let mut right = partial(&words[k + 1..]).ok_or(PhraseError::Unrecognized)?;
            // Not in text made only of EDTF's characters, which is EDTF:
            // `2023-24` is winter 2023, and `2024-25` no date.
            let short_end = match input.bytes().all(is_edtf_byte) {
                true => None,
                false => short_end_year(&left, &words[k + 1..])?,
            };
            if let Some(end_year) = short_end {
                right = Partial {
                    year: Some(end_year),
                    ..Partial::default()
                };
            }
            // "winter 2025–26", "winter 2025–2026": the one winter that runs
            // from December 2025 into 2026.
            if let (Some(24), Some(y), None, None) = (left.season, left.year, left.month, left.day)
            {
                let end_only_year = right.month.is_none()
                    && right.day.is_none()
                    && right.season.is_none()
                    && right.decade.is_none();
                if end_only_year && right.year == Some(y + 1) {
                    return Ok((format!("{y:04}-24{qual}"), weekday));
                }
            }
            // Borrow what the left side leaves out from the right ("24-26 October
            // 2025"), and the month the right side leaves out from the left
            // ("October 24-26, 2025").
            if right.month.is_none() && right.day.is_some() && right.season.is_none() {
                right.month = left.month;
            }
            if left.year.is_none() && left.decade.is_none() {
                left.year = right.year;
                if left.month.is_none() && left.day.is_some() && left.season.is_none() {
                    left.month = right.month;
                } else if let (Some(lm), Some(rm), Some(y)) = (left.month, right.month, left.year) {
                    // "30 December - 2 January 2026" starts in 2025, but
                    // "November - October 2025" is reversed, not the twelve
                    // months from November 2024: a start without its year
                    // is in the year before only for at most six months.
                    if lm > rm && y > 0 {
                        let before = Partial {
                            year: Some(y - 1),
                            ..left
                        };
                        let months = 12 - lm + rm + 1;
                        if months <= 6 {
                            left = before;
                        } else {
                            return Err(PhraseError::Reason(format!(
                                "interval ends before it starts (from the year before, it is {}/{})",
                                before.edtf(qual)?,
                                right.edtf(qual)?
                            )));
                        }
                    }
                }
            }
            let end_without_year = right.year.is_none() && right.decade.is_none();
            if end_without_year {
                right.year = left.year;
            }
            let (start, end) = (left.edtf(qual)?, right.edtf(qual)?);
            // "30 December 2025 - 2 January": the end's year is missing,
            // which is the problem to name, not the order the start's
            // year gives it.
            if let (true, Some(y)) = (end_without_year, right.year) {
                let reversed = parse_text(&format!("{start}/{end}"))
                    .is_err_and(|e| e.contains("ends before it starts"));
                if reversed {
                    let next = Partial {
                        year: Some(y + 1),
                        ..right
                    };
                    return Err(PhraseError::Reason(match next.edtf(qual) {
                        Ok(next) if y < 9999 => format!(
                            "the end has no year, and in {y:04} it is before the start: \
                             write its year, e.g. {start}/{next}"
                        ),
                        _ => {
                            "the end has no year, and in the start's it is before the start".into()
                        }
                    }));
                }
            }
            format!("{start}/{end}")
        }
        _ => return Err(PhraseError::Unrecognized),
    };
    Ok((edtf, weekday))
}

// ---------------------------------------------------------------------------
// Standard traits
// ---------------------------------------------------------------------------

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        Date::parse_edtf(s)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Date({:?})", self.text)
    }
}

impl Ord for Date {
    fn cmp(&self, other: &Date) -> Ordering {
        self.earliest_day()
            .cmp(&other.earliest_day())
            .then(self.latest_day().cmp(&other.latest_day()))
            .then(self.precision.cmp(&other.precision))
            .then_with(|| self.text.cmp(&other.text))
    }
}

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Date) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Equal texts mean equal dates and vice versa (the parser is strict, so the
/// text determines everything else); this agrees with `Ord`, which compares
/// the text last.
impl PartialEq for Date {
    fn eq(&self, other: &Date) -> bool {
        self.text == other.text
    }
}

impl Eq for Date {}

impl Hash for Date {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

/// Serialized as the EDTF string, via `serialize_str`, so the encoding is the
/// same in JSON and in bincode's serde mode.
impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        // Read as stored, in the store's encoding (bincode) and in JSON (a
        // dump, the lossless form of what a database stored, every earlier
        // version included): a date an earlier factline stored must travel
        // in a dump as it does in a backup (`check` names it, to correct).
        deserializer.deserialize_str(DateVisitor)
    }
}

struct DateVisitor;

impl Visitor<'_> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an EDTF date string such as 2025-08-15")
    }

    // `visit_borrowed_str` defaults to this.
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
        Date::parse_stored(v).map_err(E::custom)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Date, E> {
        self.visit_str(&v)
    }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        match Date::parse_edtf(s) {
            Ok(d) => d,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    fn day(s: &str) -> Option<NaiveDate> {
        Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date"))
    }

    /// (input, earliest, latest, human, precision); "" means open.
    const ACCEPTED_CASES: &[(&str, &str, &str, &str, Precision)] = &[
        ("2025", "2025-01-01", "2025-12-31", "2025", Precision::Year),
        (
            "2025-08",
            "2025-08-01",
            "2025-08-31",
            "Aug 2025",
            Precision::Month,
        ),
        (
            "2025-08-15",
            "2025-08-15",
            "2025-08-15",
            "15 Aug 2025",
            Precision::Day,
        ),
        (
            "2024-02-29",
            "2024-02-29",
            "2024-02-29",
            "29 Feb 2024",
            Precision::Day,
        ),
        (
            "2000-02-29",
            "2000-02-29",
            "2000-02-29",
            "29 Feb 2000",
            Precision::Day,
        ),
        (
            "0000-02-29",
            "0000-02-29",
            "0000-02-29",
            "29 Feb 0000",
            Precision::Day,
        ),
        (
            "2024-02",
            "2024-02-01",
            "2024-02-29",
            "Feb 2024",
            Precision::Month,
        ),
        (
            "2025-02",
            "2025-02-01",
            "2025-02-28",
            "Feb 2025",
            Precision::Month,
        ),
        (
            "1900-02",
            "1900-02-01",
            "1900-02-28",
            "Feb 1900",
            Precision::Month,
        ),
        ("0850", "0850-01-01", "0850-12-31", "0850", Precision::Year),
        (
            "2025-10-24/2025-10-26",
            "2025-10-24",
            "2025-10-26",
            "24–26 Oct 2025",
            Precision::Day,
        ),
        (
            "2025-09-30/2025-10-02",
            "2025-09-30",
            "2025-10-02",
            "30 Sep – 2 Oct 2025",
            Precision::Day,
        ),
        (
            "2025-12-30/2026-01-02",
            "2025-12-30",
            "2026-01-02",
            "30 Dec 2025 – 2 Jan 2026",
            Precision::Day,
        ),
        (
            "2025-08-15/2025-08-15",
            "2025-08-15",
            "2025-08-15",
            "15 Aug 2025",
            Precision::Day,
        ),
        (
            "2025-08/2025-09",
            "2025-08-01",
            "2025-09-30",
            "Aug–Sep 2025",
            Precision::Month,
        ),
        (
            "2025-12/2026-01",
            "2025-12-01",
            "2026-01-31",
            "Dec 2025 – Jan 2026",
            Precision::Month,
        ),
        (
            "2024/2025",
            "2024-01-01",
            "2025-12-31",
            "2024–2025",
            Precision::Year,
        ),
        (
            "2025/2025-06",
            "2025-01-01",
            "2025-06-30",
            "2025 – Jun 2025",
            Precision::Year,
        ),
        (
            "2025-08~/2025-09?",
            "2025-07-01",
            "2025-10-31",
            "~Aug 2025 – Sep 2025?",
            Precision::Month,
        ),
        (
            "2025-01/..",
            "2025-01-01",
            "",
            "since Jan 2025",
            Precision::Month,
        ),
        (
            "../2025-11",
            "",
            "2025-11-30",
            "until Nov 2025",
            Precision::Month,
        ),
        (
            "2025-11-17/",
            "2025-11-17",
            "",
            "from 17 Nov 2025 (end unknown)",
            Precision::Day,
        ),
        (
            "/2025-11-17",
            "",
            "2025-11-17",
            "until 17 Nov 2025 (start unknown)",
            Precision::Day,
        ),
        (
            "2025-08~",
            "2025-07-01",
            "2025-09-30",
            "~Aug 2025",
            Precision::Month,
        ),
        (
            "2025-08?",
            "2025-07-01",
            "2025-09-30",
            "Aug 2025?",
            Precision::Month,
        ),
        (
            "2025-08%",
            "2025-06-01",
            "2025-10-31",
            "~Aug 2025?",
            Precision::Month,
        ),
        (
            "2025-01~",
            "2024-12-01",
            "2025-02-28",
            "~Jan 2025",
            Precision::Month,
        ),
        (
            "2025-03?",
            "2025-02-01",
            "2025-04-30",
            "Mar 2025?",
            Precision::Month,
        ),
        (
            "2025~",
            "2024-01-01",
            "2026-12-31",
            "~2025",
            Precision::Year,
        ),
        (
            "2025%",
            "2023-01-01",
            "2027-12-31",
            "~2025?",
            Precision::Year,
        ),
        (
            "2025-08-15?",
            "2025-08-14",
            "2025-08-16",
            "15 Aug 2025?",
            Precision::Day,
        ),
        (
            "2025-08-15~",
            "2025-08-14",
            "2025-08-16",
            "~15 Aug 2025",
            Precision::Day,
        ),
        (
            "2025-08-15%",
            "2025-08-13",
            "2025-08-17",
            "~15 Aug 2025?",
            Precision::Day,
        ),
        (
            "2025-01-01~",
            "2024-12-31",
            "2025-01-02",
            "~1 Jan 2025",
            Precision::Day,
        ),
        (
            "2024-02-28?",
            "2024-02-27",
            "2024-02-29",
            "28 Feb 2024?",
            Precision::Day,
        ),
        (
            "2025-1X",
            "2025-10-01",
            "2025-12-31",
            "Oct–Dec 2025",
            Precision::Year,
        ),
        (
            "2025-0X",
            "2025-01-01",
            "2025-09-30",
            "Jan–Sep 2025",
            Precision::Year,
        ),
        (
            "2025-1X-XX",
            "2025-10-01",
            "2025-12-31",
            "Oct–Dec 2025",
            Precision::Year,
        ),
        (
            "202X",
            "2020-01-01",
            "2029-12-31",
            "2020s",
            Precision::Decade,
        ),
        (
            "202X~",
            "2010-01-01",
            "2039-12-31",
            "~2020s",
            Precision::Decade,
        ),
        (
            "20XX",
            "2000-01-01",
            "2099-12-31",
            "2000–2099",
            Precision::Century,
        ),
        (
            "2XXX",
            "2000-01-01",
            "2999-12-31",
            "2000–2999",
            Precision::Millennium,
        ),
        (
            "2025-XX",
            "2025-01-01",
            "2025-12-31",
            "2025",
            Precision::Year,
        ),
        (
            "2025-XX-XX",
            "2025-01-01",
            "2025-12-31",
            "2025",
            Precision::Year,
        ),
        (
            "2025-08-XX",
            "2025-08-01",
            "2025-08-31",
            "Aug 2025",
            Precision::Month,
        ),
        (
            "2024-02-XX",
            "2024-02-01",
            "2024-02-29",
            "Feb 2024",
            Precision::Month,
        ),
        (
            "2025-21",
            "2025-03-01",
            "2025-05-31",
            "spring 2025",
            Precision::Season,
        ),
        (
            "2025-22",
            "2025-06-01",
            "2025-08-31",
            "summer 2025",
            Precision::Season,
        ),
        (
            "2025-23",
            "2025-09-01",
            "2025-11-30",
            "autumn 2025",
            Precision::Season,
        ),
        (
            "2025-24",
            "2025-12-01",
            "2026-02-28",
            "winter 2025–26",
            Precision::Season,
        ),
        (
            "2023-24",
            "2023-12-01",
            "2024-02-29",
            "winter 2023–24",
            Precision::Season,
        ),
        (
            "2025-21~",
            "2024-12-01",
            "2025-08-31",
            "~spring 2025",
            Precision::Season,
        ),
        (
            "2025-10-24T14:00:00Z",
            "2025-10-24",
            "2025-10-24",
            "24 Oct 2025 14:00 UTC",
            Precision::Day,
        ),
        (
            "2025-10-24T14:00:00+03:00",
            "2025-10-24",
            "2025-10-24",
            "24 Oct 2025 14:00 +03:00",
            Precision::Day,
        ),
        (
            "2025-10-24T14:00:00",
            "2025-10-24",
            "2025-10-24",
            "24 Oct 2025 14:00",
            Precision::Day,
        ),
        (
            "2025-10-24T23:59:30-05:30",
            "2025-10-24",
            "2025-10-24",
            "24 Oct 2025 23:59:30 -05:30",
            Precision::Day,
        ),
        (
            "2025-10-24T14:00:00Z/2025-10-24T16:00:00Z",
            "2025-10-24",
            "2025-10-24",
            "24 Oct 2025 14:00 UTC – 24 Oct 2025 16:00 UTC",
            Precision::Day,
        ),
        // Widening is clamped to years 0000..=9999.
        (
            "0000~",
            "0000-01-01",
            "0001-12-31",
            "~0000",
            Precision::Year,
        ),
        (
            "9999%",
            "9997-01-01",
            "9999-12-31",
            "~9999?",
            Precision::Year,
        ),
        (
            "0000-01-01?",
            "0000-01-01",
            "0000-01-02",
            "1 Jan 0000?",
            Precision::Day,
        ),
        (
            "9999-12-31~",
            "9999-12-30",
            "9999-12-31",
            "~31 Dec 9999",
            Precision::Day,
        ),
        (
            "9999-24",
            "9999-12-01",
            "9999-12-31",
            "winter 9999–00",
            Precision::Season,
        ),
        (
            "0XXX%",
            "0000-01-01",
            "2999-12-31",
            "~0000–0999?",
            Precision::Millennium,
        ),
        (
            "9XXX%",
            "7000-01-01",
            "9999-12-31",
            "~9000–9999?",
            Precision::Millennium,
        ),
    ];

    /// `Date::human` and `Date::parse_human_written` agree: what the second
    /// reads of the first's text has the bounds of the date written (a text
    /// may stand for several spellings: `2025-1X` and `2025-1X-XX`), and it
    /// reads every form a TimelineJS Display Date needs back exactly.
    #[test]
    fn human_text_of_partial_dates_reads_back() {
        for &(s, _, _, human, _) in ACCEPTED_CASES {
            if let Some(read) = Date::parse_human_written(human) {
                let written = d(s);
                assert_eq!(
                    (read.earliest(), read.latest()),
                    (written.earliest(), written.latest()),
                    "{human:?} read back as {read} for {s}"
                );
            }
        }
        for s in [
            "2025-1X",
            "2026-0X",
            "199X",
            "2025-08~",
            "2025-1X?",
            "2025-08%",
            "2025-11-19~",
        ] {
            let read = Date::parse_human_written(&d(s).human());
            assert_eq!(read.as_ref().map(Date::as_str), Some(s), "{s}");
        }
    }

    /// What `Date::human` shows of a season or a span of years,
    /// `Date::parse_human` reads back as that date.
    #[test]
    fn human_text_of_seasons_and_years_reads_back() {
        for s in [
            "2025-21",
            "2025-22",
            "2025-23",
            "2025-24",
            "1999-24",
            "0000-24",
            "9999-24",
            "2024/2025",
            "1999/2000",
        ] {
            let shown = d(s).human();
            let read = Date::parse_human(&shown).map(|r| r.as_str().to_string());
            assert_eq!(read, Ok(s.to_string()), "{s} shown as {shown:?}");
        }
    }

    #[test]
    fn accepted_forms() {
        for &(s, lo, hi, human, precision) in ACCEPTED_CASES {
            let date = d(s);
            assert_eq!(date.as_str(), s);
            assert_eq!(date.to_string(), s);
            assert_eq!(date.form.render(), s, "render {s}");
            let bound = |b: &str| if b.is_empty() { None } else { day(b) };
            assert_eq!(date.earliest(), bound(lo), "earliest of {s}");
            assert_eq!(date.latest(), bound(hi), "latest of {s}");
            assert_eq!(date.human(), human, "human of {s}");
            assert_eq!(date.precision(), precision, "precision of {s}");
            assert_eq!(s.parse::<Date>(), Ok(date));
        }
    }

    #[test]
    fn rejected_forms() {
        let cases: &[(&str, &str)] = &[
            ("2025-13-01", "month 13 does not exist"),
            ("2025-00", "month 00 does not exist"),
            ("2025-25", "month 25 does not exist"),
            ("2025-02-30", "day 30 does not exist in February 2025"),
            ("2025-02-29", "2025 is not a leap year"),
            ("1900-02-29", "1900 is not a leap year"),
            ("2025-04-31", "day 31 does not exist in April 2025"),
            ("2025-08-00", "day 00 does not exist"),
            ("2025-08-32", "day 32 does not exist"),
            ("yesterday", "4-digit year"),
            ("2025-10-26/2025-10-24", "interval ends before it starts"),
            ("2025-09/2025-08", "interval ends before it starts"),
            ("99999-01-01", "after 9999"),
            ("-0001", "negative years"),
            ("Y12345", "long years"),
            ("", "empty"),
            ("2025-08-15 ", "no spaces"),
            (" 2025", "no spaces"),
            ("2025-8", "2 digits"),
            ("2025-8-15", "2 digits"),
            ("2025-08-5", "2 digits"),
            ("25-08-15", "4 digits"),
            ("2025-1x", "capital X"),
            ("2X25", "last digits of the year"),
            ("XXXX", "at least one known digit"),
            ("202X-08", "cannot have a month"),
            ("2025-2X", "XX, 0X or 1X"),
            ("2025-XX-15", "XX too"),
            ("2025-08-1X", "written XX"),
            ("2025-21-01", "season cannot have a day"),
            ("2025-08-15T24:00:00", "does not exist"),
            ("2025-08-15T14:60:00", "does not exist"),
            ("2025-08-15T14:00", "hh:mm:ss"),
            ("2025-08-15T14:00:00+3:00", "hh:mm:ss"),
            ("2025-08-15T14:00:00+24:00", "offset +24:00 does not exist"),
            ("2025-08T14:00:00", "complete date"),
            ("2025-08-15T14:00:00~", "cannot carry"),
            ("2025-08-15Z", "unexpected"),
            ("2025-08-15!", "unexpected \"!\""),
            ("2025-08-15??", "unexpected"),
            ("2025--08", "2 digits"),
            ("../..", "at least one side"),
            ("/", "at least one side"),
            ("../", "at least one side"),
            ("/..", "at least one side"),
            ("2025/2026/2027", "exactly one /"),
            ("２０２５", "only digits"),
            ("2025-08-15\n", "no spaces"),
        ];
        for &(s, reason) in cases {
            let err = match Date::parse_edtf(s) {
                Ok(d) => panic!("{s:?} accepted as {d:?}"),
                Err(e) => e.to_string(),
            };
            assert!(err.contains(reason), "{s:?}: {err}");
            assert!(err.contains(ACCEPTED), "{s:?}: {err}");
            assert!(!err.contains('\n'), "{s:?}: one line: {err}");
        }
        assert_eq!(
            Date::parse_edtf("2025-13-01").unwrap_err().to_string(),
            "invalid date \"2025-13-01\": month 13 does not exist; expected EDTF such as \
             2025, 2025-08, 2025-08-15, 2025-10-24/2025-10-26, 2025-01/.., 2025-08~, \
             2025-1X, or a phrase such as \"24-26 October 2025\""
        );
    }

    #[test]
    fn human_phrases() {
        let cases: &[(&str, &str)] = &[
            ("19 November 2025", "2025-11-19"),
            ("November 19, 2025", "2025-11-19"),
            ("Nov 19 2025", "2025-11-19"),
            ("nov. 19, 2025", "2025-11-19"),
            ("19th November 2025", "2025-11-19"),
            ("the 19th of November 2025", "2025-11-19"),
            ("on 19 November 2025", "2025-11-19"),
            ("Wednesday, 19 November 2025", "2025-11-19"),
            ("Tue 18 Nov 2025", "2025-11-18"),
            ("since 2025-08", "2025-08/.."),
            ("Until 2025-11-17", "../2025-11-17"),
            ("about 2025-08", "2025-08~"),
            ("since 2025-10-24T14:00:00Z", "2025-10-24T14:00:00Z/.."),
            ("August 2025", "2025-08"),
            ("Aug 2025", "2025-08"),
            ("AUGUST 2025", "2025-08"),
            ("in Sept 2025", "2025-09"),
            ("24-26 October 2025", "2025-10-24/2025-10-26"),
            ("24–26 October 2025", "2025-10-24/2025-10-26"),
            ("24 to 26 October 2025", "2025-10-24/2025-10-26"),
            ("from 24 to 26 October 2025", "2025-10-24/2025-10-26"),
            ("October 24-26, 2025", "2025-10-24/2025-10-26"),
            ("30 September - 2 October 2025", "2025-09-30/2025-10-02"),
            ("30 September – 2 October 2025", "2025-09-30/2025-10-02"),
            ("30 December - 2 January 2026", "2025-12-30/2026-01-02"),
            ("30 December 2025 - 2 January 2026", "2025-12-30/2026-01-02"),
            ("December 30 - January 2, 2026", "2025-12-30/2026-01-02"),
            ("December - January 2026", "2025-12/2026-01"),
            ("October - March 2026", "2025-10/2026-03"),
            ("1 November 2025 - 2 December", "2025-11-01/2025-12-02"),
            ("August-September 2025", "2025-08/2025-09"),
            ("between August and September 2025", "2025-08/2025-09"),
            ("2024-2025", "2024/2025"),
            ("since January 2025", "2025-01/.."),
            ("since 2022", "2022/.."),
            ("from 17 November 2025", "2025-11-17/.."),
            ("until November 2025", "../2025-11"),
            // `before` and `after` exclude the date; `until` and `since` include it.
            ("before November 2025", "../2025-10"),
            ("before 2025", "../2024"),
            ("after 2025", "2026/.."),
            ("After August 2025", "2025-09/.."),
            ("before 19 November 2025", "../2025-11-18"),
            ("after 31 December 2025", "2026-01-01/.."),
            ("before 1 March 2024", "../2024-02-29"),
            ("before spring 2025", "../2025-02"),
            ("before the 2020s", "../2019"),
            ("before 2025-1X", "../2025-09"),
            ("after 2025-08-15", "2025-08-16/.."),
            ("no later than 2025", "../2025"),
            ("no later than November 2025", "../2025-11"),
            ("no earlier than 2025-08", "2025-08/.."),
            ("later than August 2025", "2025-09/.."),
            ("week of 17 November 2025", "2025-11-17/2025-11-23"),
            ("the week of 2024-02-26", "2024-02-26/2024-03-03"),
            ("before 2025-08", "../2025-07"),
            ("about August 2025", "2025-08~"),
            ("around August 2025", "2025-08~"),
            ("circa 2025", "2025~"),
            ("c. 2025", "2025~"),
            ("ca. 2025", "2025~"),
            ("August 2025?", "2025-08?"),
            ("about August 2025?", "2025-08%"),
            ("since about 2022", "2022~/.."),
            ("spring 2025", "2025-21"),
            ("Summer 2025", "2025-22"),
            ("autumn 2025", "2025-23"),
            ("fall 2025", "2025-23"),
            ("winter 2025", "2025-24"),
            ("winter 2025/26", "2025-24"),
            ("winter 2025/2026", "2025-24"),
            ("24/25 October 2025", "2025-10-24/2025-10-25"),
            ("August/September 2025", "2025-08/2025-09"),
            ("the 2020s", "202X"),
            ("2020s", "202X"),
            ("the 1990's", "199X"),
            // One winter named by its two years, as `Date::human` shows it.
            ("winter 2025–2026", "2025-24"),
            ("winter 2024-2025", "2024-24"),
            ("winter 2025 – 2026", "2025-24"),
            ("winter 2025–26", "2025-24"),
            ("Winter 2025-26", "2025-24"),
            ("about winter 2025–26", "2025-24~"),
            ("winter 1999–00", "1999-24"),
            ("winter 9999–00", "9999-24"),
            ("winter 2024 - winter 2025", "2024-24/2025-24"),
            ("winter 2025 - 2027", "2025-24/2027"),
            // A year span whose end is written with two digits.
            ("2024–25", "2024/2025"),
            ("2024 - 25", "2024/2025"),
            ("1999–00", "1999/2000"),
            ("1998–02", "1998/2002"),
            ("between 2024 and 25", "2024/2025"),
            // A day or days fixed in a month, season or year.
            ("weekend of 22-23 November 2025", "2025-11-22/2025-11-23"),
            (
                "the weekend of 21-23 November 2025",
                "2025-11-21/2025-11-23",
            ),
            ("the first week of November 2025", "2025-11-01/2025-11-07"),
            ("the second week of November 2025", "2025-11-08/2025-11-14"),
            ("The last week of November 2025", "2025-11-24/2025-11-30"),
            ("last week of 2025", "2025-12-25/2025-12-31"),
            ("the last day of November 2025", "2025-11-30"),
            ("the last day of February 2024", "2024-02-29"),
            ("the first day of spring 2025", "2025-03-01"),
            ("last day of winter 2023", "2024-02-29"),
            ("last Friday of November 2025", "2025-11-28"),
            ("on the first Monday in 2025", "2025-01-06"),
            ("the 3rd Wed of Nov 2025", "2025-11-19"),
            ("the fifth Sunday of November 2025", "2025-11-30"),
            ("last week of 9999", "9999-12-25/9999-12-31"),
            ("until the last day of November 2025", "../2025-11-30"),
            // A week a phrase fixes: its last day after `until` and
            // `after`, its first after `since`, `from` and `before`.
            ("until the first week of December 2025", "../2025-12-07"),
            ("since the second week of May 2025", "2025-05-08/.."),
            ("from the last week of 2025", "2025-12-25/.."),
            ("before the first week of May 2025", "../2025-04-30"),
            ("after the last week of November 2025", "2025-12-01/.."),
            (
                "no later than the first week of December 2025",
                "../2025-12-07",
            ),
            (
                "about the first week of November 2025",
                "2025-11-01~/2025-11-07~",
            ),
            ("about 2025-11-01/2025-11-07", "2025-11-01~/2025-11-07~"),
            (
                "no later than the last Friday of November 2025",
                "../2025-11-28",
            ),
            ("after the last day of November 2025", "2025-12-01/.."),
            ("since the first Monday in 2025", "2025-01-06/.."),
            ("about the last day of November 2025", "2025-11-30~"),
            // With EDTF's characters only, it is EDTF.
            ("2023-24", "2023-24"),
            ("2025-08-15", "2025-08-15"),
            ("  2025  ", "2025"),
            ("2025-1X", "2025-1X"),
        ];
        for &(phrase, edtf) in cases {
            match Date::parse_human(phrase) {
                Ok(date) => assert_eq!(date.as_str(), edtf, "{phrase:?}"),
                Err(e) => panic!("{phrase:?}: {e}"),
            }
        }
    }

    #[test]
    fn human_refusals() {
        for phrase in [
            "yesterday",
            "today",
            "last week",
            "earlier in the week",
            "next month",
            "Monday",
            "3 days ago",
        ] {
            let err = Date::parse_human(phrase).unwrap_err().to_string();
            assert_eq!(
                err,
                format!(
                    "\"{phrase}\" is relative: write the date it means, e.g. 2025-11-19, or an \
                     interval such as 2025-11-17/2025-11-21 for \"earlier in the week\""
                )
            );
        }
        let cases: &[(&str, &str)] = &[
            (
                "03/04/2025",
                "\"03/04/2025\" is ambiguous (3 April or March 4?): write 2025-04-03 or 2025-03-04",
            ),
            (
                "03.04.2025",
                "\"03.04.2025\" is ambiguous (3 April or March 4?): write 2025-04-03 or 2025-03-04",
            ),
            ("03-04-2025", "write 2025-04-03 or 2025-03-04"),
            (
                "25/12/2025",
                "\"25/12/2025\" is a numeric date: write it as 2025-12-25",
            ),
            ("12/25/2025", "write it as 2025-12-25"),
            (
                "20251124",
                "\"20251124\" is a compact date (YYYYMMDD): write it as 2025-11-24",
            ),
            ("2025-11-24 00:00:00", "write 2025-11-24 for the day, or 2025-11-24T00:00:00"),
            ("2025-11-24 9:30", "not a date factline can read"),
            ("2025-11-24 14:30:00.5", "not a date factline can read"),
            ("2025-11-24 14:30-05:00", "write it as 2025-11-24T14:30:00-05:00"),
            ("03/04/25", "YYYY-MM-DD"),
            ("the 1900s", "write 190X or 19XX"),
            (
                "30 February 2025",
                "invalid date \"30 February 2025\": day 30 does not exist in February 2025",
            ),
            ("19 November", "no year given"),
            (
                "Tuesday 19 November 2025",
                "19 November 2025 is a Wednesday, not a Tuesday",
            ),
            ("26-24 October 2025", "interval ends before it starts"),
            ("winter 2025–27", "winter 2025 is winter 2025–26"),
            ("summer 2025–26", "only a winter runs into the next year"),
            ("2024–23", "interval ends before it starts"),
            ("9995–02", "after 9999"),
            // A start without its year is in the year before only for a
            // span of at most six months; a longer one is reversed.
            (
                "November - October 2025",
                "interval ends before it starts (from the year before, it is 2024-11/2025-10)",
            ),
            ("September-August 2025", "ends before it starts"),
            ("1 November - 31 October 2025", "2024-11-01/2025-10-31"),
            ("November - May 2026", "ends before it starts"),
            // The end without its year names that.
            (
                "30 December 2025 - 2 January",
                "invalid date \"30 December 2025 - 2 January\": the end has no year, and in 2025 \
                 it is before the start: write its year, e.g. 2025-12-30/2026-01-02",
            ),
            ("December 2025 - February", "e.g. 2025-12/2026-02"),
            ("30 December 9999 - 2 January", "the end has no year"),
            (
                "the fifth week of November 2025",
                "Nov 2025 has no fifth week of seven days",
            ),
            ("the fifth Friday of November 2025", "Nov 2025 has no fifth Friday"),
            (
                "the last weekend of November 2025",
                "\"the last weekend of November 2025\": which days make a weekend differs by \
                 country: write them as an interval, such as 2025-11-29/2025-11-30 (Saturday \
                 and Sunday)",
            ),
            ("first weekend of November 2025", "2025-11-01/2025-11-02"),
            ("weekend of 23 November 2025", "such as 2025-11-22/2025-11-23"),
            ("weekend of November 2025", "needs the weekend's two or three days"),
            ("weekend of 17-23 November 2025", "needs the weekend's two or three days"),
            ("last day of about November 2025", "needs an exact month"),
            ("the last day of 17 November 2025", "needs an exact month"),
            ("last Friday of November", "no year given"),
            ("the last day of", "the date itself is missing"),
            ("2024-25", "month 25 does not exist"),
            (
                "late November 2025",
                "\"late November 2025\" is part of a month, which factline cannot store exactly: \
                 write the month, 2025-11, or the days it means as an interval, such as \
                 2025-11-21/2025-11-30",
            ),
            ("early February 2024", "2024-02, or the days it means as an interval, such as 2024-02-01/2024-02-10"),
            ("mid-November 2025", "such as 2025-11-11/2025-11-20"),
            ("Mid November 2025", "such as 2025-11-11/2025-11-20"),
            ("the end of February 2025", "such as 2025-02-21/2025-02-28"),
            (
                "late 2025",
                "\"late 2025\" is part of a year, which factline cannot store exactly: \
                 write the year, 2025, or the months it means as an interval, such as 2025-09/2025-12",
            ),
            ("early 2025", "such as 2025-01/2025-04"),
            ("late in 2025", "such as 2025-09/2025-12"),
            ("late spring 2025", "write 2025-21, or what it means as an interval"),
            ("late night", ACCEPTED),
            ("blah", ACCEPTED),
            (
                "2025-13-01",
                "invalid date \"2025-13-01\": month 13 does not exist",
            ),
            ("2025/08/15", "write it as 2025-08-15"),
            ("about 2025-08~", ACCEPTED),
            ("about 2025-10-24T14:00:00Z", ACCEPTED),
            ("", "empty"),
            ("August 2025 foo", ACCEPTED),
            ("since 24-26 October 2025", ACCEPTED),
            ("before about 2025", "need an exact day, month or year"),
            ("2025-13", "month 13 does not exist"),
            ("2025-00", "month 00 does not exist"),
            ("2025-8", "the month must have 2 digits"),
            ("after 2025-08~", ACCEPTED),
        ];
        for &(phrase, expected) in cases {
            match Date::parse_human(phrase) {
                Ok(d) => panic!("{phrase:?} accepted as {d:?}"),
                Err(e) => assert!(e.to_string().contains(expected), "{phrase:?}: {e}"),
            }
        }
    }

    #[test]
    fn documented_order() {
        let sorted = [
            "../2025-11",
            "202X",
            "2024~",
            "2025-01-01",
            "2025-01",
            "2025",
            "2025-01/..",
            "2025-08~",
            "2025-08-15",
            "2025-08-15T09:00:00Z",
        ];
        let mut shuffled: Vec<Date> = sorted.iter().rev().map(|s| d(s)).collect();
        shuffled.swap(0, 4);
        shuffled.sort();
        let got: Vec<&str> = shuffled.iter().map(Date::as_str).collect();
        assert_eq!(got, sorted);
        let mut by_key: Vec<Date> = sorted.iter().rev().map(|s| d(s)).collect();
        by_key.sort_by(|a, b| (a.sort_key(), a.as_str()).cmp(&(b.sort_key(), b.as_str())));
        let got: Vec<&str> = by_key.iter().map(Date::as_str).collect();
        assert_eq!(got, sorted);
    }

    #[test]
    fn windows_and_uncertainty() {
        let (from, to) = (d("2025-08"), d("2025-09"));
        assert!(d("2025-08-15").within(&from, &to));
        assert!(d("2025-08-15").overlaps(&from, &to));
        assert!(!d("2025").within(&from, &to));
        assert!(d("2025").overlaps(&from, &to));
        assert!(d("2025-09-30/2025-10-02").overlaps(&from, &to));
        assert!(!d("2025-09-30/2025-10-02").within(&from, &to));
        assert!(!d("2025-10").overlaps(&from, &to));
        assert!(d("2025-01/..").overlaps(&from, &to));
        assert!(!d("2025-01/..").within(&from, &to));
        assert!(d("../2025-08-01").overlaps(&from, &to));
        assert!(!d("2025-10/..").overlaps(&from, &to));
        assert!(d("2025-08-15").within(&d("../2025"), &d("2025/..")));

        for s in [
            "2025-08~",
            "2025?",
            "2025%",
            "202X",
            "2025-XX",
            "2025-08-XX",
            "2025-01/..",
            "/2025-01",
        ] {
            assert!(d(s).is_uncertain(), "{s}");
        }
        for s in [
            "2025",
            "2025-08-15",
            "2025-08/2025-09",
            "2025-21",
            "2025-10-24T14:00:00Z",
        ] {
            assert!(!d(s).is_uncertain(), "{s}");
        }
        assert_eq!(d("../2025-11").earliest_day(), i32::MIN);
        assert_eq!(d("2025-01/..").latest_day(), i32::MAX);
        assert_eq!(d("../2025-11-17").precision(), Precision::Day);
        assert_eq!(
            d("2025-08-15").earliest_day(),
            day("2025-08-15").unwrap().num_days_from_ce()
        );
    }

    #[test]
    fn time_intervals_are_ordered_by_instant() {
        let refused = [
            // Same day, end two hours before the start.
            "2025-10-24T22:00:00Z/2025-10-24T20:00:00Z",
            // 12:00+05:00 is 07:00 UTC, before 10:00 UTC.
            "2025-10-24T10:00:00Z/2025-10-24T12:00:00+05:00",
            // Clock times without offsets are compared as written.
            "2025-10-24T22:00:00/2025-10-24T20:00:00",
        ];
        for text in refused {
            let err = Date::parse_edtf(text).unwrap_err().to_string();
            assert!(
                err.contains("interval ends before it starts"),
                "{text}: {err}"
            );
            // A record stored before this rule is still read back as it was.
            let stored = Date::parse_stored(text).unwrap();
            assert_eq!(stored.as_str(), text);
            assert_eq!(stored.earliest(), stored.latest());
            let config = bincode::config::standard();
            let bytes = bincode::serde::encode_to_vec(text, config).unwrap();
            let (back, _): (Date, usize) =
                bincode::serde::decode_from_slice(&bytes, config).unwrap();
            assert_eq!(back, stored);
            // So it is from a dump.
            let dumped: Date = serde_json::from_value(serde_json::json!(text)).unwrap();
            assert_eq!(dumped, stored);
        }
        // 01:00+05:00 on the 25th is 20:00 UTC on the 24th: in order, and
        // both days as written bound it.
        let d = d("2025-10-25T01:00:00+05:00/2025-10-24T23:00:00Z");
        assert_eq!(d.earliest(), day("2025-10-24"));
        assert_eq!(d.latest(), day("2025-10-25"));
        for text in [
            "2025-10-24T20:00:00Z/2025-10-24T20:00:00Z",
            "2025-10-24T10:00:00Z/2025-10-24T15:00:00+05:00",
            "2025-10-24T20:00:00/2025-10-24T22:00:00",
            // Only one end names its offset: the days decide.
            "2025-10-24T22:00:00/2025-10-24T20:00:00Z",
            "2025-10-24/2025-10-24T20:00:00Z",
        ] {
            assert!(Date::parse_edtf(text).is_ok(), "{text}");
        }
        assert!(Date::parse_edtf("2025-10-25T01:00:00/2025-10-24T23:00:00Z").is_err());
    }

    #[test]
    fn serde_round_trips() {
        let dates: Vec<Date> = [
            "2025-08-15",
            "2025-01/..",
            "2025%",
            "2025-10-24T14:00:00+03:00",
        ]
        .iter()
        .map(|s| d(s))
        .collect();
        let json = serde_json::to_string(&dates).unwrap();
        assert_eq!(
            json,
            r#"["2025-08-15","2025-01/..","2025%","2025-10-24T14:00:00+03:00"]"#
        );
        let back: Vec<Date> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, dates);
        let borrowed: Date = serde_json::from_str("\"2025-08\"").unwrap();
        assert_eq!(borrowed, d("2025-08"));
        let owned: Date = serde_json::from_value(serde_json::json!("2025-08")).unwrap();
        assert_eq!(owned, d("2025-08"));
        let err = serde_json::from_str::<Date>("\"2025-13\"").unwrap_err();
        assert!(err.to_string().contains("month 13 does not exist"), "{err}");

        let config = bincode::config::standard();
        let bytes = bincode::serde::encode_to_vec(&dates, config).unwrap();
        let (back, _): (Vec<Date>, usize) =
            bincode::serde::decode_from_slice(&bytes, config).unwrap();
        assert_eq!(back, dates);
        let (back, _): (Vec<Date>, usize) =
            bincode::serde::borrow_decode_from_slice(&bytes, config).unwrap();
        assert_eq!(back, dates);
        let bad = bincode::serde::encode_to_vec("2025-02-30", config).unwrap();
        assert!(bincode::serde::decode_from_slice::<Date, _>(&bad, config).is_err());
    }

    // ---- property tests ----

    fn qual() -> impl Strategy<Value = &'static str> {
        prop_oneof![Just(""), Just("?"), Just("~"), Just("%")]
    }

    fn time() -> impl Strategy<Value = String> {
        let offset = prop_oneof![
            Just(String::new()),
            Just("Z".to_string()),
            (any::<bool>(), 0u8..24, 0u8..60)
                .prop_map(|(n, h, m)| format!("{}{h:02}:{m:02}", if n { '-' } else { '+' })),
        ];
        (0u8..24, 0u8..60, 0u8..60, offset)
            .prop_map(|(h, m, s, o)| format!("T{h:02}:{m:02}:{s:02}{o}"))
    }

    /// Valid single EDTF dates, built from components.
    fn single() -> BoxedStrategy<String> {
        let year = 0u16..=9999;
        prop_oneof![
            // Years, with 0-3 trailing X.
            (year.clone(), 0usize..=3, qual()).prop_map(|(y, x, q)| {
                let digits = format!("{y:04}");
                format!("{}{}{q}", &digits[..4 - x], "X".repeat(x))
            }),
            // Months, with optional -XX day.
            (year.clone(), 1u8..=12, any::<bool>(), qual()).prop_map(|(y, m, xx, q)| format!(
                "{y:04}-{m:02}{}{q}",
                if xx { "-XX" } else { "" }
            )),
            // Unspecified months.
            (
                year.clone(),
                prop_oneof![Just("XX"), Just("0X"), Just("1X")],
                any::<bool>(),
                qual()
            )
                .prop_map(|(y, m, xx, q)| format!("{y:04}-{m}{}{q}", if xx { "-XX" } else { "" })),
            // Seasons.
            (year.clone(), 21u8..=24, qual()).prop_map(|(y, s, q)| format!("{y:04}-{s}{q}")),
            // Days, with a qualifier or a time.
            (year, 1u8..=12)
                .prop_flat_map(|(y, m)| {
                    let last = days_in_month(i32::from(y), u32::from(m)) as u8;
                    (
                        Just(y),
                        Just(m),
                        1..=last,
                        prop_oneof![qual().prop_map(String::from), time()],
                    )
                })
                .prop_map(|(y, m, d, tail)| format!("{y:04}-{m:02}-{d:02}{tail}")),
        ]
        .boxed()
    }

    /// Valid EDTF: singles and intervals (ends ordered so the interval is valid).
    fn edtf() -> BoxedStrategy<String> {
        let end = prop_oneof![
            4 => single(),
            1 => Just("..".to_string()),
            1 => Just(String::new()),
        ];
        prop_oneof![
            single(),
            (end.clone(), end)
                .prop_filter("one side must be a date", |(a, b)| {
                    !(a.is_empty() || a == "..") || !(b.is_empty() || b == "..")
                })
                .prop_map(|(a, b)| {
                    // One of the two orders is valid (by days, or by instants
                    // when both are comparable times of day).
                    let forward = format!("{a}/{b}");
                    if Date::parse_edtf(&forward).is_ok() {
                        forward
                    } else {
                        format!("{b}/{a}")
                    }
                }),
        ]
        .boxed()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn valid_edtf_round_trips(s in edtf()) {
            let date = Date::parse_edtf(&s).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(date.as_str(), s.as_str());
            prop_assert_eq!(date.form.render(), s.clone());
            let again = Date::parse_edtf(&date.to_string()).unwrap();
            prop_assert_eq!(&again, &date);
            prop_assert_eq!(again.cmp(&date), Ordering::Equal);
            prop_assert!(date.earliest_day() <= date.latest_day());
            if let (Some(lo), Some(hi)) = (date.earliest(), date.latest()) {
                prop_assert!(lo <= hi);
                prop_assert!(lo.year() >= 0 && hi.year() <= 9999);
            }
            prop_assert!(!date.human().is_empty());
            prop_assert_eq!(Date::parse_human(&s).unwrap(), date.clone());
            let json = serde_json::to_string(&date).unwrap();
            prop_assert_eq!(serde_json::from_str::<Date>(&json).unwrap(), date);
        }

        #[test]
        fn order_is_total_and_matches_bounds(a in edtf(), b in edtf(), c in edtf()) {
            let (a, b, c) = (d(&a), d(&b), d(&c));
            let keys = |x: &Date| (x.earliest_day(), x.latest_day(), x.precision());
            prop_assert_eq!(keys(&a).cmp(&keys(&b)), a.sort_key().cmp(&b.sort_key()));
            prop_assert_eq!(a.cmp(&b), keys(&a).cmp(&keys(&b)).then(a.as_str().cmp(b.as_str())));
            prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
            prop_assert_eq!(a == b, a.cmp(&b) == Ordering::Equal);
            if a.earliest_day() < b.earliest_day() {
                prop_assert!(a < b);
            }
            if a <= b && b <= c {
                prop_assert!(a <= c);
            }
        }

        #[test]
        fn never_panics_on_any_string(s in any::<String>()) {
            if let Ok(date) = Date::parse_edtf(&s) {
                let _ = (date.human(), date.sort_key());
            }
            if let Ok(date) = Date::parse_human(&s) {
                let _ = (date.human(), date.sort_key());
            }
        }

        #[test]
        fn never_panics_on_edtf_like_strings(s in "[0-9X?~%/.:T+Z-]{0,30}") {
            if let Ok(date) = Date::parse_edtf(&s) {
                prop_assert_eq!(date.form.render(), s.clone());
                prop_assert!(date.earliest_day() <= date.latest_day());
                let _ = (date.human(), date.sort_key());
            }
            let _ = Date::parse_human(&s);
        }

        #[test]
        fn never_panics_on_ordinal_phrases(
            s in "(on )?(the )?(first|2nd|fifth|last) (day|week|weekend|friday|sun) (of|in) ([0-9]{1,4}|jan|february|spring|winter|about|-|–| ){0,5}|(the )?weekend of ([0-9]{1,4}|jan|february|-|–| ){0,6}"
        ) {
            if let Ok(date) = Date::parse_human(&s) {
                prop_assert!(date.earliest_day() <= date.latest_day());
                prop_assert_eq!(Date::parse_edtf(date.as_str()).unwrap(), date);
            }
        }

        #[test]
        fn never_panics_on_phrase_like_strings(
            s in "(about |since |until |between |the |c\\. )?([0-9]{1,4}(st|s|'s)?|jan|august|spring|-|–|to|and|\\?| ){0,8}"
        ) {
            if let Ok(date) = Date::parse_human(&s) {
                prop_assert!(date.earliest_day() <= date.latest_day());
                prop_assert_eq!(Date::parse_edtf(date.as_str()).unwrap(), date);
            }
        }
    }
}
