//! The data model: actors, sources and dated events. Plain data and the rules
//! that hold for it; no I/O happens here (the store persists these types, the
//! commands print them).
//!
//! These structs are also the on-disk record bodies (see `codec`), so they stay
//! *plain*: no `skip_serializing_if`, no internally tagged enums, and enum
//! variants are only ever appended (bincode stores a variant's index).

pub mod date;
pub mod names;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use date::Date;

/// When a version of a record was written, in microseconds since the Unix
/// epoch (UTC). This is factline's transaction time: *when we knew*, as
/// opposed to an event's date, *when it happened*.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp(pub i64);

impl Stamp {
    /// The current time.
    pub fn now() -> Stamp {
        Stamp(chrono::Utc::now().timestamp_micros())
    }

    /// Parses RFC 3339 (`2025-11-20T09:30:00Z`) or a plain day (`2025-11-20`,
    /// meaning its first instant, UTC).
    pub fn parse(text: &str) -> Result<Stamp, String> {
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
            return Ok(Stamp(t.timestamp_micros()));
        }
        if let Ok(d) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            if let Some(t) = d.and_hms_opt(0, 0, 0) {
                return Ok(Stamp(t.and_utc().timestamp_micros()));
            }
        }
        Err(format!(
            "invalid time {text:?}: expected RFC 3339 such as 2025-11-20T09:30:00Z, or a day such as 2025-11-20"
        ))
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match chrono::DateTime::from_timestamp_micros(self.0) {
            Some(t) => write!(
                f,
                "{}",
                t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
            ),
            None => write!(f, "@{}", self.0),
        }
    }
}

impl Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            s.serialize_i64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Stamp, D::Error> {
        if d.is_human_readable() {
            let text = String::deserialize(d)?;
            Stamp::parse(&text).map_err(serde::de::Error::custom)
        } else {
            i64::deserialize(d).map(Stamp)
        }
    }
}

/// Bookkeeping every record carries: which version this is (1 for the first),
/// when it was recorded, and whether it is retracted (hidden from queries,
/// kept in history) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub version: u32,
    pub recorded_at: Stamp,
    pub retracted: Option<String>,
}

impl Meta {
    pub fn first(at: Stamp) -> Meta {
        Meta {
            version: 1,
            recorded_at: at,
            retracted: None,
        }
    }

    /// The meta of the version that follows this one (not retracted).
    pub fn next(&self, at: Stamp) -> Meta {
        Meta {
            version: self.version + 1,
            recorded_at: at.max(self.recorded_at),
            retracted: None,
        }
    }

    /// The meta of a version that retracts the record.
    pub fn retract(&self, at: Stamp, reason: &str) -> Meta {
        Meta {
            retracted: Some(reason.to_string()),
            ..self.next(at)
        }
    }
}

/// Declares a closed set of lower-case keywords as an enum with `FromStr`,
/// `Display`, `ALL` and serde as the keyword. Variants must only be appended.
macro_rules! keyword_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal, { $($variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;

            fn from_str(text: &str) -> Result<Self, String> {
                let wanted = text.trim().to_lowercase();
                $(if wanted == $word { return Ok($name::$variant); })+
                let expected: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                Err(format!("unknown {} {:?}; expected one of {}", $what, text, expected.join(", ")))
            }
        }
    };
}

keyword_enum!(
    /// What kind of thing an actor is.
    ActorKind, "actor kind", {
        Person => "person",
        Organization => "organization",
        Country => "country",
        Media => "media",
        Other => "other",
    }
);

keyword_enum!(
    /// What kind of thing happened.
    EventKind, "event kind", {
        Meeting => "meeting",
        Talks => "talks",
        Call => "call",
        Statement => "statement",
        Announcement => "announcement",
        Report => "report",
        Military => "military",
        Other => "other",
    }
);

keyword_enum!(
    /// Where an event stands in its lifecycle (after schema.org's EventStatusType).
    Status, "status", {
        Occurred => "occurred",
        Scheduled => "scheduled",
        Postponed => "postponed",
        Cancelled => "cancelled",
        Rescheduled => "rescheduled",
        Reported => "reported",
    }
);

/// A position an actor holds, optionally of another actor and for a time span:
/// "Special envoy" of `donald-trump` since 2025-01.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub title: String,
    /// The id of the actor the role is held in or for, if recorded.
    pub of: Option<String>,
    pub span: Option<Date>,
}

/// A person, organization, country or outlet that takes part in events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub id: String,
    pub name: String,
    pub kind: ActorKind,
    /// Other spellings, in the order they were added.
    pub aliases: Vec<String>,
    pub description: String,
    pub roles: Vec<Role>,
    pub meta: Meta,
}

impl Actor {
    /// The name followed by every alias: all spellings that find this actor.
    pub fn spellings(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// Who reported something: an outlet, agency or document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub name: String,
    pub url: Option<String>,
    pub meta: Meta,
}

/// Something that happened, or was planned to happen, on a (possibly fuzzy) date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub id: String,
    pub title: String,
    pub date: Date,
    pub kind: EventKind,
    pub status: Status,
    pub place: Option<String>,
    /// Participant actor ids, in the order given.
    pub actors: Vec<String>,
    /// Source ids, in the order given.
    pub sources: Vec<String>,
    pub tags: Vec<String>,
    pub description: String,
    pub meta: Meta,
}

/// Checks a title or name: not blank, one line, not absurdly long.
pub fn validate_text(what: &str, text: &str, max_chars: usize) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err(format!("{what} cannot be empty"));
    }
    if text.contains(['\n', '\r', '\0']) {
        return Err(format!("{what} must be one line without NUL characters"));
    }
    if text.chars().count() > max_chars {
        return Err(format!("{what} is longer than {max_chars} characters"));
    }
    Ok(())
}

/// Checks free text (descriptions, notes): may span lines, but no NUL and a bound size.
pub fn validate_note(what: &str, text: &str, max_chars: usize) -> Result<(), String> {
    if text.contains('\0') {
        return Err(format!("{what} contains a NUL character"));
    }
    if text.chars().count() > max_chars {
        return Err(format!("{what} is longer than {max_chars} characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_parse_case_insensitively_and_list_the_choices() {
        assert_eq!("Postponed".parse::<Status>(), Ok(Status::Postponed));
        let err = "postponned".parse::<Status>().unwrap_err();
        assert!(err.contains("unknown status \"postponned\""), "{err}");
        assert!(err.contains("occurred, scheduled, postponed"), "{err}");
    }

    #[test]
    fn stamps_print_and_parse_rfc3339() {
        let s = Stamp::parse("2025-11-20T09:30:00Z").unwrap();
        assert_eq!(s.to_string(), "2025-11-20T09:30:00Z");
        assert_eq!(Stamp::parse(&s.to_string()), Ok(s));
        assert_eq!(
            Stamp::parse("2025-11-20").unwrap().to_string(),
            "2025-11-20T00:00:00Z"
        );
        assert!(Stamp::parse("yesterday").is_err());
    }

    #[test]
    fn next_version_never_goes_back_in_time() {
        let first = Meta::first(Stamp(100));
        let next = first.next(Stamp(50));
        assert_eq!(next.version, 2);
        assert_eq!(next.recorded_at, Stamp(100));
    }
}
