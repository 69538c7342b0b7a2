//! The data model: actors, sources, dated events and claims. Plain data and the rules
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
    /// meaning its first instant, UTC). A time is stored and written in UTC
    /// (`Display`), so one whose offset moves it outside the years
    /// 0000–9999 there (`0000-01-01T00:00:00+01:00`) is refused: RFC 3339
    /// has no form for it, and a dump holding it would not import again.
    pub fn parse(text: &str) -> Result<Stamp, String> {
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
            use chrono::Datelike;
            if !(0..=9999).contains(&t.naive_utc().year()) {
                return Err(format!(
                    "time {text:?} is outside the years 0000–9999 in UTC, where factline keeps times"
                ));
            }
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

keyword_enum!(
    /// A fact-checker's verdict on a claim.
    Verdict, "verdict", {
        Unverified => "unverified",
        Confirmed => "confirmed",
        Disputed => "disputed",
        False => "false",
        Misleading => "misleading",
    }
);

keyword_enum!(
    /// How reliable a source is in general, on the Admiralty (NATO) scale
    /// intelligence and OSINT analysts use: A completely reliable, B usually
    /// reliable, C fairly reliable, D not usually reliable, E unreliable,
    /// F reliability cannot be judged. Written as the letter.
    Reliability, "reliability grade", {
        A => "a",
        B => "b",
        C => "c",
        D => "d",
        E => "e",
        F => "f",
    }
);

impl Reliability {
    /// The grade's letter, upper-case as analysts write it.
    pub fn letter(&self) -> String {
        self.as_str().to_uppercase()
    }

    /// What the grade means.
    pub fn meaning(&self) -> &'static str {
        match self {
            Reliability::A => "completely reliable",
            Reliability::B => "usually reliable",
            Reliability::C => "fairly reliable",
            Reliability::D => "not usually reliable",
            Reliability::E => "unreliable",
            Reliability::F => "reliability cannot be judged",
        }
    }
}

/// What a credibility number (Admiralty scale, for one piece of
/// information) means: 1 confirmed … 6 cannot be judged.
pub fn credibility_meaning(n: u8) -> &'static str {
    match n {
        1 => "confirmed by other sources",
        2 => "probably true",
        3 => "possibly true",
        4 => "doubtful",
        5 => "improbable",
        _ => "truth cannot be judged",
    }
}

/// One source's report of an event or claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceLink {
    /// The source id.
    pub source: String,
    /// How credible this report is, 1 (confirmed) to 6 (cannot be judged).
    pub credibility: Option<u8>,
    /// The source this one repeats (Euromaidan Press via Axios): a report
    /// "via" another is not independent of it.
    pub via: Option<String>,
    pub quote: Option<String>,
    pub url: Option<String>,
}

impl SourceLink {
    pub fn plain(source: &str) -> SourceLink {
        SourceLink {
            source: source.to_string(),
            credibility: None,
            via: None,
            quote: None,
            url: None,
        }
    }
}

/// The number of independent sources among `links`: a report via another
/// source counts as that source (following chains), a source counts once,
/// and a loop of sources repeating each other counts once (see [`origins`]).
pub fn corroboration(links: &[SourceLink]) -> usize {
    corroboration_among(links, links)
}

/// The number of independent sources among `shown`, some of `links` (those
/// whose source is not retracted): chains are followed through all of
/// `links`, so leaving a source out never makes a report repeating it
/// independent.
pub fn corroboration_among(links: &[SourceLink], shown: &[SourceLink]) -> usize {
    if links.iter().all(|l| l.via.is_none()) {
        // No report repeats another (most facts): each shown source is its
        // own origin. Every row of a listing or export counts this.
        return shown
            .iter()
            .map(|l| l.source.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len();
    }
    let origin: std::collections::HashMap<&str, &str> = links
        .iter()
        .map(|l| l.source.as_str())
        .zip(origins(links))
        .collect();
    shown
        .iter()
        .map(|l| origin.get(l.source.as_str()).copied().unwrap_or(&l.source))
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

/// The independent origin of each of `links`, in order: the source it
/// repeats, followed "via" to the end of the chain (a source not itself
/// linked ends it). `link` refuses a loop, but older data or an imported
/// dump may hold one (A via B, B via A): a loop has no end, so its members,
/// and every report leading into it, count as one origin, named by the
/// smallest id in the loop.
pub fn origins(links: &[SourceLink]) -> Vec<&str> {
    let via: std::collections::HashMap<&str, &str> = links
        .iter()
        .filter_map(|l| l.via.as_deref().map(|v| (l.source.as_str(), v)))
        .collect();
    // Each source's origin, found once: a walk stops at a source already
    // resolved, at the end of its chain, or where it meets itself.
    let mut origin: std::collections::HashMap<&str, &str> = Default::default();
    for link in links {
        let mut path: Vec<&str> = Vec::new();
        let mut on_path: std::collections::HashSet<&str> = Default::default();
        let mut current = link.source.as_str();
        let found = loop {
            if let Some(&known) = origin.get(current) {
                break known;
            }
            if !on_path.insert(current) {
                let start = path.iter().position(|s| *s == current).unwrap_or(0);
                break path[start..].iter().copied().min().unwrap_or(current);
            }
            path.push(current);
            match via.get(current) {
                Some(&next) => current = next,
                None => break current,
            }
        };
        for source in path {
            origin.insert(source, found);
        }
    }
    links
        .iter()
        .map(|l| origin.get(l.source.as_str()).copied().unwrap_or(&l.source))
        .collect()
}

/// The chains of sources a fact's reports repeat, indexed once by source,
/// so that each report's chain costs its length, however long the chains.
pub struct Chains<'a> {
    /// What each source's report (the first one linked) repeats.
    via: std::collections::HashMap<&'a str, Option<&'a str>>,
}

impl<'a> Chains<'a> {
    pub fn new(links: &'a [SourceLink]) -> Chains<'a> {
        let mut via: std::collections::HashMap<&str, Option<&str>> = Default::default();
        for link in links {
            via.entry(link.source.as_str())
                .or_insert(link.via.as_deref());
        }
        Chains { via }
    }

    /// The sources `link` repeats, nearest first: followed "via" to the end
    /// of the chain (a source not itself linked ends it), or, in a loop, to
    /// the last source before the chain would meet itself or the report's
    /// own source again.
    pub fn of(&self, link: &'a SourceLink) -> Vec<&'a str> {
        let mut chain = Vec::new();
        let mut seen: std::collections::HashSet<&str> = Default::default();
        let mut current = link.via.as_deref();
        while let Some(next) = current {
            if next == link.source || !seen.insert(next) {
                break;
            }
            chain.push(next);
            current = self.via.get(next).copied().flatten();
        }
        chain
    }
}

/// A number a claim gives for a subject: 19500 `children` for
/// `deported-ukrainian-children`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    /// A key shared by claims about the same quantity, as written;
    /// compared folded (`names::fold`: case, accents, spacing and `-` do
    /// not matter).
    pub subject: String,
    pub value: f64,
    pub unit: String,
}

/// A statement attributed to an actor, reported by sources, rated by the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub id: String,
    /// The actor who made the claim.
    pub claimant: String,
    pub text: String,
    /// When the claim was made.
    pub date: Option<Date>,
    /// Events the claim is about.
    pub about_events: Vec<String>,
    /// Actors the claim is about.
    pub about_actors: Vec<String>,
    pub sources: Vec<SourceLink>,
    /// The claimant's words, where reported.
    pub quote: Option<String>,
    pub quantity: Option<Quantity>,
    /// Claims this one contradicts (ids).
    pub contradicts: Vec<String>,
    /// Claims this one supports (ids).
    pub supports: Vec<String>,
    pub verdict: Verdict,
    /// The source the verdict rests on, if any.
    pub verdict_by: Option<String>,
    pub verdict_note: String,
    pub meta: Meta,
}

impl Claim {
    /// What identifies a claim without its id (see [`claim_natural_key`]).
    pub fn natural_key(&self) -> String {
        claim_natural_key(&self.claimant, self.date.as_ref(), &self.text)
    }
}

/// What identifies a claim without its id, as its date, title and actors
/// identify an event: its claimant's id, its date as written and its
/// folded text. A claims CSV row without an id means the claim with these.
pub fn claim_natural_key(claimant: &str, date: Option<&Date>, text: &str) -> String {
    let date = date.map_or("", Date::as_str);
    let mut key = String::with_capacity(claimant.len() + date.len() + text.len() + 2);
    key.push_str(claimant);
    key.push('\u{1}');
    key.push_str(date);
    key.push('\u{1}');
    names::fold_into(text, &mut key);
    key
}

/// The rule for the claims a claim contradicts and supports, which `claim
/// add` and the claims CSV share: a claim names neither itself nor one
/// claim in both lists, contradicts no claim that supports it and supports
/// none that contradicts it. `id` is the claim's (`None` before it has one,
/// when nothing can name it yet), `named` the claims its lists name, as
/// they stand (one not known yet is left to the caller), and `names` its
/// two lists' names (the flags of `claim add`, the columns of the claims
/// CSV).
pub fn validate_claim_relations(
    id: Option<&str>,
    contradicts: &[String],
    supports: &[String],
    named: &[Claim],
    names: (&str, &str),
) -> Result<(), String> {
    if let Some(id) = id {
        for (list, name, verb) in [
            (contradicts, names.0, "contradict"),
            (supports, names.1, "support"),
        ] {
            if list.iter().any(|other| other == id) {
                return Err(format!(
                    "{name} names claim {id} itself; a claim cannot {verb} itself"
                ));
            }
        }
    }
    if let Some(both) = contradicts.iter().find(|c| supports.contains(c)) {
        return Err(format!(
            "{} and {} both name claim {both}; a claim cannot contradict and support the same claim",
            names.0, names.1
        ));
    }
    let Some(id) = id else { return Ok(()) };
    let id = id.to_string();
    for other in named {
        if contradicts.contains(&other.id) && other.supports.contains(&id) {
            return Err(format!(
                "{} names claim {}, which supports claim {id}; a claim cannot contradict a claim that supports it",
                names.0, other.id
            ));
        }
        if supports.contains(&other.id) && other.contradicts.contains(&id) {
            return Err(format!(
                "{} names claim {}, which contradicts claim {id}; a claim cannot support a claim that contradicts it",
                names.1, other.id
            ));
        }
    }
    Ok(())
}

/// Why two claims contradict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// One was recorded as contradicting the other.
    Linked,
    /// They give different numbers for the same subject at overlapping dates,
    /// and neither is recorded as supporting the other.
    Quantity,
}

/// Every contradicting pair among `claims` (indexes into it, the lower first),
/// with the reasons, in order. Undated claims overlap every date. Subjects
/// are compared folded; units not at all (a number's unit is how a source
/// words what the subject counts). A claim
/// recorded as supporting another does not clash with it by quantity (a
/// different estimate that agrees is the user's call); a recorded
/// contradiction always stands. Nothing is resolved here: the user rates.
///
/// The pairs are found as they are taken, one claim's at a time: many
/// claims giving numbers for one subject make many pairs, and a listing
/// holds only the row it writes.
pub fn contradictions(
    claims: &[Claim],
) -> impl Iterator<Item = (usize, usize, Vec<Conflict>)> + '_ {
    let relations = ClaimRelations::new(claims);
    (0..claims.len()).flat_map(move |i| {
        relations
            .partners(i, i + 1)
            .into_iter()
            .map(move |(j, why)| (i, j, why))
    })
}

/// The claims each of `claims` is in contradiction with (as
/// [`contradictions`] pairs them), with the reasons, in the order of
/// `claims`.
pub fn contradictions_of(claims: &[Claim], i: usize) -> Vec<(usize, Vec<Conflict>)> {
    ClaimRelations::new(claims).partners(i, 0)
}

/// How many claims each of `claims` is in contradiction with (its pairs
/// in [`contradictions`]), counted without listing the pairs: a listing
/// that marks each claim contradicted, or a count of the most contested,
/// costs about one sort of the claims, however many pairs they make.
pub fn contradiction_counts(claims: &[Claim]) -> Vec<usize> {
    ClaimRelations::new(claims).counts()
}

/// What the contradiction rule needs of `claims`, indexed once: each
/// claim's recorded contradictions and supports (either way) and the
/// claims giving a number for its subject.
struct ClaimRelations<'c> {
    claims: &'c [Claim],
    /// The other claims each one is linked to as contradicting, either
    /// way (sorted, each once).
    linked: Vec<Vec<usize>>,
    /// The same for supporting.
    supported: Vec<Vec<usize>>,
    /// The claims giving a number for one subject (folded), in order; and
    /// each claim's group.
    groups: Vec<Vec<usize>>,
    group: Vec<Option<usize>>,
}

impl<'c> ClaimRelations<'c> {
    fn new(claims: &'c [Claim]) -> ClaimRelations<'c> {
        let position: std::collections::HashMap<&str, usize> = claims
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        let both_ways = |ids: fn(&Claim) -> &[String]| {
            let mut related = vec![Vec::new(); claims.len()];
            for (i, claim) in claims.iter().enumerate() {
                for other in ids(claim) {
                    if let Some(&j) = position.get(other.as_str()) {
                        if i != j {
                            related[i].push(j);
                            related[j].push(i);
                        }
                    }
                }
            }
            for list in &mut related {
                list.sort_unstable();
                list.dedup();
            }
            related
        };
        let linked = both_ways(|c| &c.contradicts);
        let supported = both_ways(|c| &c.supports);
        // Subjects are compared folded, as names are: "Deported children",
        // "deported  children" and "deported-children" are one subject.
        // (Claims are stored with the subject as written; its `q` index
        // key is not read here.)
        let mut by_subject: std::collections::HashMap<String, usize> = Default::default();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut group = vec![None; claims.len()];
        for (i, claim) in claims.iter().enumerate() {
            if let Some(q) = &claim.quantity {
                let next = groups.len();
                let g = *by_subject.entry(names::fold(&q.subject)).or_insert(next);
                if g == next {
                    groups.push(Vec::new());
                }
                groups[g].push(i);
                group[i] = Some(g);
            }
        }
        ClaimRelations {
            claims,
            linked,
            supported,
            groups,
            group,
        }
    }

    /// Whether claims `i` and `j` (of one subject) clash by quantity: they
    /// give different numbers at overlapping dates, and neither is recorded
    /// as supporting the other.
    fn quantity_clash(&self, i: usize, j: usize) -> bool {
        let (a, b) = (&self.claims[i], &self.claims[j]);
        // The numbers decide, not how their unit is spelled: the subject
        // already names what is counted, so 19,500 "children", "minors"
        // or no unit at all agree.
        let differ = match (&a.quantity, &b.quantity) {
            (Some(x), Some(y)) => x.value != y.value,
            _ => false,
        };
        differ
            && overlap(a, b)
            && self.group[i].is_some()
            && self.group[i] == self.group[j]
            && self.supported[i].binary_search(&j).is_err()
    }

    /// The claims from index `from` on that claim `i` contradicts, in order,
    /// with the reasons (linked before quantity).
    fn partners(&self, i: usize, from: usize) -> Vec<(usize, Vec<Conflict>)> {
        let after = |list: &[usize]| list.partition_point(|&j| j < from);
        let linked = &self.linked[i][after(&self.linked[i])..];
        let mut by_number: Vec<usize> = Vec::new();
        if let Some(g) = self.group[i] {
            let members = &self.groups[g];
            by_number = members[after(members)..]
                .iter()
                .copied()
                .filter(|&j| j != i && self.quantity_clash(i, j))
                .collect();
        }
        // Both lists are in order: merged.
        let (mut l, mut q) = (linked.iter().peekable(), by_number.iter().peekable());
        let mut found = Vec::with_capacity(linked.len() + by_number.len());
        loop {
            let j = match (l.peek(), q.peek()) {
                (Some(&&a), Some(&&b)) => a.min(b),
                (Some(&&a), None) => a,
                (None, Some(&&b)) => b,
                (None, None) => break,
            };
            let mut why = Vec::new();
            if l.next_if(|&&a| a == j).is_some() {
                why.push(Conflict::Linked);
            }
            if q.next_if(|&&b| b == j).is_some() {
                why.push(Conflict::Quantity);
            }
            found.push((j, why));
        }
        found
    }

    /// How many claims each claim contradicts: those of its subject that
    /// overlap it in date (counted in sorted lists of the dates' first and
    /// last days), less those giving its own number, less those recorded
    /// as supporting it either way, plus the linked ones not already
    /// counted.
    fn counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.claims.len()];
        for members in &self.groups {
            let everyone = Overlaps::new(self.claims, members.iter().copied());
            // Claims giving the same number (-0 is 0); a number that is no
            // number equals none.
            let mut by_value: std::collections::HashMap<u64, Vec<usize>> = Default::default();
            for &i in members {
                let value = self.value(i);
                if !value.is_nan() {
                    by_value.entry((value + 0.0).to_bits()).or_default().push(i);
                }
            }
            let same: std::collections::HashMap<u64, Overlaps> = by_value
                .into_iter()
                .map(|(v, same)| (v, Overlaps::new(self.claims, same.into_iter())))
                .collect();
            for &i in members {
                let claim = &self.claims[i];
                let value = self.value(i);
                // Both counts hold the claim itself, which overlaps itself.
                let agreeing = match same.get(&(value + 0.0).to_bits()) {
                    Some(same) if !value.is_nan() => same.overlapping(claim),
                    _ => 1,
                };
                let differing = everyone.overlapping(claim).saturating_sub(agreeing);
                let excused = self.supported[i]
                    .iter()
                    .filter(|&&j| {
                        self.group[j] == self.group[i]
                            && self.value(j) != value
                            && overlap(claim, &self.claims[j])
                    })
                    .count();
                counts[i] = differing.saturating_sub(excused);
            }
        }
        for (i, linked) in self.linked.iter().enumerate() {
            counts[i] += linked
                .iter()
                .filter(|&&j| !self.quantity_clash(i, j))
                .count();
        }
        counts
    }

    fn value(&self, i: usize) -> f64 {
        self.claims[i]
            .quantity
            .as_ref()
            .map_or(f64::NAN, |q| q.value)
    }
}

/// Whether two claims' dates overlap: an undated claim overlaps every date.
fn overlap(a: &Claim, b: &Claim) -> bool {
    match (&a.date, &b.date) {
        (Some(x), Some(y)) => {
            x.earliest_day() <= y.latest_day() && y.earliest_day() <= x.latest_day()
        }
        _ => true,
    }
}

/// Some claims' dates, to count those overlapping a date without comparing
/// them one by one.
struct Overlaps {
    undated: usize,
    /// The dated claims' first days and last days, each sorted.
    starts: Vec<i32>,
    ends: Vec<i32>,
}

impl Overlaps {
    fn new(claims: &[Claim], members: impl Iterator<Item = usize>) -> Overlaps {
        let (mut undated, mut starts, mut ends) = (0, Vec::new(), Vec::new());
        for i in members {
            match &claims[i].date {
                Some(date) => {
                    starts.push(date.earliest_day());
                    ends.push(date.latest_day());
                }
                None => undated += 1,
            }
        }
        starts.sort_unstable();
        ends.sort_unstable();
        Overlaps {
            undated,
            starts,
            ends,
        }
    }

    /// How many of the claims overlap `claim`'s date: all of them for an
    /// undated claim; otherwise the undated ones and the dated ones that
    /// neither end before it starts nor start after it ends (a date never
    /// ends before it starts, so no claim does both).
    fn overlapping(&self, claim: &Claim) -> usize {
        match &claim.date {
            None => self.undated + self.starts.len(),
            Some(date) => {
                let ended = self.ends.partition_point(|&e| e < date.earliest_day());
                let not_started =
                    self.starts.len() - self.starts.partition_point(|&s| s <= date.latest_day());
                self.undated + self.starts.len() - ended - not_started
            }
        }
    }
}

/// A quantity for display: whole numbers without a decimal point.
pub fn format_value(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// A quantity as the claims CSV writes it, to be read back as the same
/// number: [`format_value`], with a 0 after a spelling that an import
/// would refuse as ambiguous ([`refuse_ambiguous_value`]: 1.125 as
/// `1.1250`), so that a colleague can import the file into a new database.
pub fn format_value_for_import(value: f64) -> String {
    let plain = format_value(value);
    match refuse_ambiguous_value("value", &plain) {
        Ok(()) => plain,
        Err(_) => format!("{plain}0"),
    }
}

/// The most characters a quantity's subject and unit may have.
pub const MAX_QUANTITY_CHARS: usize = 200;

/// A claim's number as written (`--value`, the claims CSV's `value` cell,
/// `what` in the error): a decimal number, kept exactly as a number (not
/// its writing: `0.50` is 0.5) or refused. A quantity is stored as a 64-bit float, which holds any
/// number of at most 15 significant digits (and some of 16 or 17); a
/// number it would change (123456789012345678 into 123456789012345680,
/// 1e-400 into 0) is refused rather than changed, since two claims that
/// give different numbers contradict. `-0` is 0.
pub fn parse_value(what: &str, text: &str) -> Result<f64, String> {
    let text = trimmed(text);
    let not_a_number = || {
        format!(
            "{what} {} is not a number; {}",
            quote_value(text),
            how_to_write_value(text)
        )
    };
    let written = Decimal::parse(text).ok_or_else(not_a_number)?;
    let value: f64 = text.parse().map_err(|_| not_a_number())?;
    if value.is_infinite() {
        return Err(format!(
            "{what} {text} is too large: a number is at most about 1.8e308"
        ));
    }
    let stored = Decimal::parse(&format!("{value:e}")).expect("a float's own notation");
    if stored != written {
        if value == 0.0 {
            return Err(format!(
                "{what} {text} is too small: it would be stored as 0"
            ));
        }
        let shown = match format_value(value) {
            long if long.len() > 24 => format!("{value:e}"),
            shown => shown,
        };
        return Err(format!(
            "{what} {text} has more digits than a number keeps (it would be stored as \
             {shown}); give at most 15 significant digits"
        ));
    }
    Ok(if value == 0.0 { 0.0 } else { value })
}

/// Refuses a value written with one full stop before exactly three digits
/// after a first group of one to three (`19.500`, `-1.250`): where a full
/// stop groups thousands, as in much of Europe, "19.500 Kinder" is 19500,
/// and storing 19.5 would make a number a thousand times smaller than the
/// source's. A first group of 0 groups nothing (`0.125`), and `19.5`,
/// `19.5000` or `1e3` have one reading. Checked on a value as newly given
/// (`--value`, a claims CSV cell that changes the stored value), not on
/// one already stored, so importing an export changes nothing.
pub fn refuse_ambiguous_value(what: &str, text: &str) -> Result<(), String> {
    let text = trimmed(text);
    let (sign, unsigned) = split_sign(text);
    match unsigned.split_once('.') {
        Some((whole, decimals)) if is_thousands_group(whole, decimals) => {
            let grouped = format!("{sign}{whole}{decimals}");
            let decimal = format!(
                "{sign}{}",
                format_value(unsigned.parse().unwrap_or_default())
            );
            Err(format!(
                "{what} {text} is ambiguous: {grouped} where a full stop groups thousands, \
                 {decimal} where it marks the decimals; write {grouped} or {decimal}"
            ))
        }
        _ => Ok(()),
    }
}

/// The sign `text` is written with ("-", "+" or none) and the rest, so
/// that a hint on how to write a number keeps the sign the user wrote:
/// "+19.500" may be "+19500" or "+19.5", not "19.5".
fn split_sign(text: &str) -> (&str, &str) {
    match text.strip_prefix(['-', '+']) {
        Some(unsigned) => text.split_at(text.len() - unsigned.len()),
        None => ("", text),
    }
}

/// Whether `whole.decimals` may be a number whose full stop groups its
/// thousands: a first group of one to three digits that is not 0, then
/// exactly three.
fn is_thousands_group(whole: &str, decimals: &str) -> bool {
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    (1..=3).contains(&whole.len())
        && digits(whole)
        && !whole.starts_with('0')
        && decimals.len() == 3
        && digits(decimals)
}

/// What to write instead of a value that is no plain number, in the ways
/// reports write numbers: "19,500" or "19 500" (digits grouped), "19,5"
/// (a decimal comma), "1.2 million" (a scale word), "more than 700,000"
/// (a bound). A value is one plain number, so that two claims are
/// compared by their numbers alone; guessing what such a spelling means
/// could store a number the source never gave.
fn how_to_write_value(text: &str) -> String {
    if let Some(plain) = without_digit_groups(text) {
        if let Some(decimal) = comma_as_decimals(text) {
            return format!(
                "write {plain} if the comma groups thousands, or {decimal} if it marks the decimals"
            );
        }
        return format!("write {plain} (no marks between its digits)");
    }
    if let Some(plain) = without_dot_groups(text) {
        return format!("write {plain} (no full stops between its digits)");
    }
    if let Some(plain) = dot_groups_and_decimal_comma(text) {
        return format!(
            "write {plain} (full stops group its thousands, a comma marks the decimals)"
        );
    }
    let (sign, unsigned) = split_sign(text);
    if let Some((whole, decimals)) = unsigned.split_once(',') {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if digits(whole) && digits(decimals) {
            return format!("write {sign}{whole}.{decimals} if the comma marks the decimals");
        }
    }
    let number_ends = text
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '+' | '-')))
        .unwrap_or(text.len());
    let (number, scale) = text.split_at(number_ends);
    if let (Some(e), Some(_)) = (scale_exponent(scale), Decimal::parse(number)) {
        return format!("write {number}e{e}");
    }
    "give one number alone (such as 19500 or 1.2e6); words such as \"more than\" or \"about\", \
     a range or a % belong in the claim's text or its unit"
        .to_string()
}

/// `text` without the marks that group its digits ("19,500", "1 200 000",
/// "19'500", "1,250.75"), when it is such a number: a first group of one
/// to three digits, then groups of exactly three, each after the same
/// comma, apostrophe or space (a full stop starts the decimals).
fn without_digit_groups(text: &str) -> Option<String> {
    let is_mark = |c: char| {
        matches!(
            c,
            ',' | '\'' | '\u{2019}' | ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{2007}'
        )
    };
    let (sign, rest) = split_sign(text);
    let (whole, decimals) = match rest.split_once('.') {
        Some((whole, decimals)) => (whole, Some(decimals)),
        None => (rest, None),
    };
    let mark = whole.chars().find(|&c| is_mark(c))?;
    let mut groups = whole.split(mark);
    let first = groups.next()?;
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    // A first group of 0 groups nothing: "0,500" is a decimal comma.
    if !digits(first, 1..=3) || first.starts_with('0') || !groups.clone().all(|g| digits(g, 3..=3))
    {
        return None;
    }
    let mut plain = format!("{sign}{}", whole.replace(mark, ""));
    if let Some(decimals) = decimals {
        if !digits(decimals, 1..=usize::MAX) {
            return None;
        }
        plain = format!("{plain}.{decimals}");
    }
    Some(plain)
}

/// `text` with its comma as the decimal point, when the comma may as well
/// group thousands ("19,500": 19500 in English, 19.5 in much of Europe),
/// the mirror of [`refuse_ambiguous_value`]'s `19.500`: a hint that named
/// only 19500 would steer a user quoting a European source to a number a
/// thousand times the source's.
fn comma_as_decimals(text: &str) -> Option<String> {
    let (sign, unsigned) = split_sign(text);
    let (whole, decimals) = unsigned.split_once(',')?;
    let number = unsigned.replacen(',', ".", 1).parse().unwrap_or_default();
    let decimal = || format!("{sign}{}", format_value(number));
    is_thousands_group(whole, decimals).then(decimal)
}

/// `text` as a decimal number, when it is written as much of Europe
/// writes one: full stops grouping the thousands, then a decimal comma
/// ("19.500,5", "1.234.500,75").
fn dot_groups_and_decimal_comma(text: &str) -> Option<String> {
    let (sign, unsigned) = split_sign(text);
    let (whole, decimals) = unsigned.split_once(',')?;
    let mut groups = whole.split('.');
    let first = groups.next()?;
    let rest: Vec<&str> = groups.collect();
    let grouped = !rest.is_empty() && rest.iter().all(|g| is_thousands_group(first, g));
    let digits = !decimals.is_empty() && decimals.bytes().all(|b| b.is_ascii_digit());
    (grouped && digits).then(|| format!("{sign}{}.{decimals}", whole.replace('.', "")))
}

/// `text` without the full stops that group its digits, when it has
/// several ("1.250.000", as much of Europe writes 1250000), which no
/// decimal number has: a first group of one to three digits, not 0, then
/// groups of exactly three.
fn without_dot_groups(text: &str) -> Option<String> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let mut groups = unsigned.split('.');
    let first = groups.next()?;
    let rest: Vec<&str> = groups.collect();
    let grouped = rest.len() >= 2 && rest.iter().all(|g| is_thousands_group(first, g));
    grouped.then(|| text.replace('.', ""))
}

/// A value as an error quotes it: as written, unless it holds characters
/// that a plain number does not (then escaped, in double quotes).
fn quote_value(text: &str) -> String {
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_graphic()) && !text.contains('"') {
        text.to_string()
    } else {
        format!("{text:?}")
    }
}

/// A decimal number, written `[+-]digits[.digits][(e|E)[+-]digits]`, as
/// its sign, significant digits (no leading or trailing zeros) and the
/// exponent of its first digit, so that two spellings of one number
/// (`1.2e6`, `1200000`, `1200000.0`) are equal. Zero has no digits and
/// no sign.
#[derive(Debug, PartialEq)]
struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exponent: i64,
}

impl Decimal {
    fn parse(text: &str) -> Option<Decimal> {
        let (negative, rest) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => (&rest[..at], Some(&rest[at + 1..])),
            None => (rest, None),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.len() + fraction.len() == 0 || !is_digits(whole) || !is_digits(fraction) {
            return None;
        }
        // Saturated far beyond any float's exponent: such a number is too
        // large or too small, which the float says.
        let exponent: i64 = match exponent {
            None => 0,
            Some(e) => {
                let (sign, digits) = match e.as_bytes().first() {
                    Some(b'-') => (-1, &e[1..]),
                    Some(b'+') => (1, &e[1..]),
                    _ => (1, e),
                };
                if digits.is_empty() || !is_digits(digits) {
                    return None;
                }
                sign * digits
                    .bytes()
                    .fold(0i64, |n, b| (n * 10 + i64::from(b - b'0')).min(1 << 40))
            }
        };
        let all: Vec<u8> = whole
            .bytes()
            .chain(fraction.bytes())
            .map(|b| b - b'0')
            .collect();
        let Some(first) = all.iter().position(|&d| d != 0) else {
            return Some(Decimal {
                negative: false,
                digits: Vec::new(),
                exponent: 0,
            });
        };
        let last = all.iter().rposition(|&d| d != 0).unwrap_or(first);
        Some(Decimal {
            negative,
            digits: all[first..=last].to_vec(),
            exponent: exponent + whole.len() as i64 - first as i64,
        })
    }
}

/// Checks a quantity's unit: none (empty), or one line as a subject is.
pub fn validate_unit(what: &str, unit: &str) -> Result<(), String> {
    match unit.is_empty() {
        true => Ok(()),
        false => validate_text(what, unit, MAX_QUANTITY_CHARS),
    }
}

/// The power of ten a scale word multiplies by ("thousand", "k": 3;
/// "million", "mn": 6), the word folded; `None` for any other word.
fn scale_exponent(word: &str) -> Option<u32> {
    match names::fold(word).as_str() {
        "hundred" | "hundreds" => Some(2),
        "k" | "thousand" | "thousands" => Some(3),
        "million" | "millions" | "mln" | "mn" => Some(6),
        "billion" | "billions" | "bn" => Some(9),
        "trillion" | "trillions" | "tn" => Some(12),
        _ => None,
    }
}

/// Refuses a unit that scales the number ("1.2 million" typed as value
/// 1.2, unit `million`): units are not compared, so 1.2 `million` would
/// contradict 1200000 `people` and 19.5 `thousand` would contradict
/// 19500. `what` names the unit as the user gave it (`--unit`, `unit`).
pub fn refuse_scale_unit(what: &str, unit: &str, value: f64) -> Result<(), String> {
    let first_word = unit.split_whitespace().next().unwrap_or_default();
    let Some(exponent) = scale_exponent(first_word) else {
        return Ok(());
    };
    Err(format!(
        "{what} {} multiplies the number, and units are not compared: write the \
         value whole ({}e{exponent}) and the unit of what it counts",
        quote_value(unit),
        format_value(value)
    ))
}

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

impl Role {
    /// Whether two roles say the same: one title (in any case, with or
    /// without diacritics, as `names::fold` compares), of the same actor, for
    /// the same span.
    pub fn same_as(&self, other: &Role) -> bool {
        names::fold(&self.title) == names::fold(&other.title)
            && self.of == other.of
            && self.span == other.span
    }
}

/// Adds `role` to the roles of the actor `holder` (its id), unless the actor
/// holds the same role already ([`Role::same_as`]): a role is kept once, as
/// aliases and tags are. A role of the actor itself says nothing and is
/// refused. Whether the role was added.
pub fn add_role(holder: &str, roles: &mut Vec<Role>, role: Role) -> Result<bool, String> {
    if role.of.as_deref() == Some(holder) {
        return Err("an actor cannot hold a role of itself".to_string());
    }
    if roles.iter().any(|r| r.same_as(&role)) {
        return Ok(false);
    }
    roles.push(role);
    Ok(true)
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
    /// An actor known only by a name a fact gave (an event's or claim's,
    /// typed or imported): kind `other`, nothing else yet.
    pub fn named(id: String, name: &str, now: Stamp) -> Actor {
        Actor {
            id,
            name: name.to_string(),
            kind: ActorKind::Other,
            aliases: Vec::new(),
            description: String::new(),
            roles: Vec::new(),
            meta: Meta::first(now),
        }
    }

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
    /// Reliability grade (Admiralty scale), when assessed.
    pub grade: Option<Reliability>,
    pub meta: Meta,
}

/// The leading fields of an [`Event`] as stored, borrowed from its bytes and
/// decoded without the rest (see `codec::decode_prefix`): what sorting
/// events by date needs.
#[derive(Debug, Deserialize)]
pub struct EventHead<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub date: Date,
}

/// Something that happened, or was planned to happen, on a (possibly fuzzy) date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    // The first three fields are also `EventHead`'s: keep them first.
    pub id: String,
    pub title: String,
    pub date: Date,
    pub kind: EventKind,
    pub status: Status,
    pub place: Option<String>,
    /// Participant actor ids, in the order given.
    pub actors: Vec<String>,
    /// The sources reporting it, in the order given.
    pub sources: Vec<SourceLink>,
    pub tags: Vec<String>,
    pub description: String,
    pub meta: Meta,
}

/// The items of a record's list that repeat an earlier one (by `key`),
/// described for a message as `FIELD: WHAT is listed twice` (`show` names
/// the item). Factline's commands and imports keep these lists free of
/// repeats; a dump edited by hand may not be. Every line a dump import
/// reads and every record `check` reads comes through here, and such
/// lists are short: the earlier items are compared in place, and text is
/// made only for a repeat.
fn repeats<T>(
    field: &str,
    list: &[T],
    key: impl Fn(&T) -> &str,
    show: impl Fn(&str) -> String,
) -> Vec<String> {
    list.iter()
        .enumerate()
        .filter(|&(i, item)| list[..i].iter().any(|earlier| key(earlier) == key(item)))
        .map(|(_, item)| format!("{field}: {} is listed twice; list it once", show(key(item))))
        .collect()
}

/// `list` without the items that repeat an earlier one (by `key`): the
/// first of each stays, in its place.
fn without_repeats<T>(list: &mut Vec<T>, key: impl Fn(&T) -> &str) {
    let mut seen = std::collections::HashSet::new();
    list.retain(|item| seen.insert(key(item).to_string()));
}

/// The source a link names, which a list of links repeats.
fn linked(link: &SourceLink) -> &str {
    &link.source
}

fn the_source(id: &str) -> String {
    format!("source {id}")
}

fn the_actor(id: &str) -> String {
    format!("actor {id}")
}

fn the_claim(id: &str) -> String {
    format!("claim {id}")
}

fn the_tag(tag: &str) -> String {
    format!("tag {}", crate::error::quoted(tag))
}

impl Event {
    /// What the event lists twice: an actor, a source (linked twice, with
    /// the same or another via and credibility) or a tag (as spelled:
    /// an earlier factline kept `Peace` and `peace` as two tags).
    pub fn listed_twice(&self) -> Vec<String> {
        let mut found = repeats("actors", &self.actors, String::as_str, the_actor);
        found.extend(repeats("sources", &self.sources, linked, the_source));
        found.extend(repeats("tags", &self.tags, String::as_str, the_tag));
        found
    }

    /// The event with the first of each item it lists twice.
    pub fn drop_repeats(&mut self) {
        without_repeats(&mut self.actors, String::as_str);
        without_repeats(&mut self.sources, linked);
        without_repeats(&mut self.tags, String::as_str);
    }
}

impl Claim {
    /// What the claim lists twice: an event or actor it is about, a
    /// source, or a claim it contradicts or supports.
    pub fn listed_twice(&self) -> Vec<String> {
        let id = String::as_str;
        let mut found = repeats("about_events", &self.about_events, id, |id| {
            format!("event {id}")
        });
        found.extend(repeats("about_actors", &self.about_actors, id, the_actor));
        found.extend(repeats("sources", &self.sources, linked, the_source));
        found.extend(repeats("contradicts", &self.contradicts, id, the_claim));
        found.extend(repeats("supports", &self.supports, id, the_claim));
        found
    }

    /// The claim with the first of each item it lists twice.
    pub fn drop_repeats(&mut self) {
        without_repeats(&mut self.about_events, String::as_str);
        without_repeats(&mut self.about_actors, String::as_str);
        without_repeats(&mut self.sources, linked);
        without_repeats(&mut self.contradicts, String::as_str);
        without_repeats(&mut self.supports, String::as_str);
    }
}

/// The timeline order of two events, each given by its date and id: by
/// date, in the order of `schema/dates.md` (`Date`'s `Ord`: bounds,
/// precision, then the text, which puts times of one day in clock order),
/// then by id. Every listing of events in date order follows it: the
/// timeline (whose on-disk sort, `Store::events_by_date`, encodes the same
/// keys), `who-met` with and without an actor, and the graph exports.
pub fn timeline_order(a: (&Date, &str), b: (&Date, &str)) -> std::cmp::Ordering {
    a.0.cmp(b.0).then_with(|| a.1.cmp(b.1))
}

/// The longest free text (a description, a note) factline keeps, in
/// characters: the commands, the NDJSON import and the CSV import all
/// refuse longer text with this bound, so every stored text can be
/// exported and imported again.
pub const MAX_NOTE_CHARS: usize = 100_000;

/// The text of a field as factline keeps it: without the white space
/// around it (spaces, tabs, line ends; `str::trim`). Import reads every CSV
/// cell of a one-line field through it, and commands read every one-line
/// field typed on the command line through it ([`one_line`], [`one_name`]),
/// so that a record typed and the same record imported are equal. Free
/// text (descriptions, notes, quotes) is kept exactly, by both.
pub fn trimmed(text: &str) -> &str {
    text.trim()
}

/// A one-line field (a title, place, role, URL, reason) as given by the
/// user: [`trimmed`], then checked by [`validate_text`] (so text that is
/// only white space is refused as empty).
pub fn one_line<'a>(what: &str, text: &'a str, max_chars: usize) -> Result<&'a str, String> {
    let text = trimmed(text);
    validate_given_text(what, text, max_chars)?;
    Ok(text)
}

/// A name (an actor's name or alias, a source's name, a claimant, a tag)
/// as factline keeps it, wherever one is given (a command's argument, a
/// CSV cell, a TimelineJS sheet's paragraph): without the invisible
/// characters text copied from a web page holds (a soft hyphen, a
/// zero-width space: `names::is_invisible_in_names`), then [`trimmed`].
/// So `Witkoff` with a soft hyphen is `Witkoff`, a near miss of `Steve
/// Witkoff`, not a new actor. A dump's records are kept as they are: it
/// gives back what a database holds.
pub fn name_text(text: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    match names::without_invisible(text) {
        Cow::Borrowed(text) => Cow::Borrowed(trimmed(text)),
        Cow::Owned(text) => Cow::Owned(trimmed(&text).to_string()),
    }
}

/// A name that CSV lists hold (an actor's name or alias, a source's name, a
/// tag) as given by the user: [`name_text`], then checked by [`validate_name`].
pub fn one_name<'a>(
    what: &str,
    text: &'a str,
    max_chars: usize,
) -> Result<std::borrow::Cow<'a, str>, String> {
    let text = name_text(text);
    validate_given_name(what, &text, max_chars)?;
    Ok(text)
}

/// Checks a title or name: not blank, one line, not absurdly long.
pub fn validate_text(what: &str, text: &str, max_chars: usize) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err(format!("{what} cannot be empty"));
    }
    if text.contains(['\n', '\r', '\0']) {
        return Err(format!("{what} must be one line without NUL characters"));
    }
    refuse_control_characters(what, text, &[])?;
    if text.chars().count() > max_chars {
        return Err(format!("{what} is longer than {max_chars} characters"));
    }
    Ok(())
}

/// Checks a name that CSV lists hold (an actor's name or alias, a source's
/// name, a tag): [`validate_text`], and no `;`, which joins the items of a
/// list: "Smith; Jones LLP" would be read back as two actors.
pub fn validate_name(what: &str, text: &str, max_chars: usize) -> Result<(), String> {
    validate_text(what, text, max_chars)?;
    if text.contains(';') {
        return Err(format!(
            "{what} {text:?} contains ';', which separates names in CSV lists"
        ));
    }
    Ok(())
}

/// [`validate_text`] for text the user gives (an argument, a CSV cell),
/// which must also show something: a title, name or tag of only invisible
/// characters (a zero-width space, a joiner, a Hangul filler) prints as a
/// blank cell, and a blank actor or source cannot be told from another. A
/// dump is not held to it: it gives back what a database holds.
pub fn validate_given_text(what: &str, text: &str, max_chars: usize) -> Result<(), String> {
    validate_text(what, text, max_chars)?;
    refuse_only_invisible(what, text)
}

/// [`validate_name`] for a name the user gives, as [`validate_given_text`].
pub fn validate_given_name(what: &str, text: &str, max_chars: usize) -> Result<(), String> {
    validate_name(what, text, max_chars)?;
    refuse_only_invisible(what, text)
}

/// Refuses `text` when every character of it shows nothing
/// ([`names::shows_nothing`]), naming the first, since none can be seen.
fn refuse_only_invisible(what: &str, text: &str) -> Result<(), String> {
    if !text.chars().all(names::shows_nothing) {
        return Ok(());
    }
    let first = text.chars().find(|c| !c.is_whitespace()).unwrap_or(' ');
    Err(format!(
        "{what} cannot be empty: it holds only invisible characters (U+{:04X})",
        first as u32
    ))
}

/// Refuses control characters in `text` but those `allowed`: a terminal
/// acts on them (ESC starts sequences that clear or rewrite the screen,
/// BEL rings), so a stored title or quote holding one would act on every
/// reader's terminal that lists it.
fn refuse_control_characters(what: &str, text: &str, allowed: &[char]) -> Result<(), String> {
    match text
        .chars()
        .find(|c| c.is_control() && !allowed.contains(c))
    {
        Some('\0') => Err(format!("{what} contains a NUL character")),
        Some('\t') => Err(format!("{what} contains a tab; use spaces")),
        Some(c) => Err(format!(
            "{what} contains the control character U+{:04X}, which terminals act on",
            c as u32
        )),
        None => Ok(()),
    }
}

/// Whether a value typed for an optional field (a credibility, a grade, a
/// URL) asks for no value: empty (or only white space) or `none`. `link`
/// and `source edit` remove the field when given it.
pub fn means_none(text: &str) -> bool {
    let text = trimmed(text);
    text.is_empty() || text.eq_ignore_ascii_case("none")
}

/// Reads a URL as the user typed it (a source's, a report's): one line,
/// white space around it dropped, or no URL (an empty value or `none`,
/// [`means_none`]).
pub fn parse_url(what: &str, text: &str) -> Result<Option<String>, String> {
    if means_none(text) {
        return Ok(None);
    }
    Ok(Some(one_line(what, text, 2000)?.to_string()))
}

/// Reads a credibility as the user typed it: 1 (confirmed) to 6 (cannot
/// be judged), or no grade (an empty value or `none`, [`means_none`]).
pub fn parse_credibility(text: &str) -> Result<Option<u8>, String> {
    if means_none(text) {
        return Ok(None);
    }
    let text = trimmed(text);
    match text.parse::<u8>() {
        Ok(n) if (1..=6).contains(&n) => Ok(Some(n)),
        _ => Err(format!(
            "credibility {text:?} is not 1 (confirmed) to 6 (cannot be judged), or \"\" or none to remove it"
        )),
    }
}

/// Checks a credibility number: 1 (confirmed) to 6 (cannot be judged).
pub fn validate_credibility(credibility: Option<u8>) -> Result<(), String> {
    match credibility {
        Some(n) if !(1..=6).contains(&n) => Err(format!(
            "credibility {n} is not on the scale 1 (confirmed) to 6 (cannot be judged)"
        )),
        _ => Ok(()),
    }
}

/// Checks free text (descriptions, notes): may span lines and hold tabs,
/// but no other control character (no NUL) and a bound size.
pub fn validate_note(what: &str, text: &str, max_chars: usize) -> Result<(), String> {
    refuse_control_characters(what, text, &['\n', '\r', '\t'])?;
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

    fn link(source: &str, via: Option<&str>) -> SourceLink {
        SourceLink {
            via: via.map(Into::into),
            ..SourceLink::plain(source)
        }
    }

    #[test]
    fn corroboration_counts_independent_origins() {
        assert_eq!(corroboration(&[]), 0);
        assert_eq!(corroboration(&[link("axios", None), link("isw", None)]), 2);
        // Euromaidan Press repeating Axios is Axios again.
        assert_eq!(
            corroboration(&[link("axios", None), link("emp", Some("axios"))]),
            1
        );
        // A chain: the digest via Euromaidan Press via Axios.
        assert_eq!(
            corroboration(&[
                link("digest", Some("emp")),
                link("emp", Some("axios")),
                link("axios", None)
            ]),
            1
        );
        // Via a source not itself linked still names one origin.
        assert_eq!(
            corroboration(&[link("emp", Some("axios")), link("digest", Some("axios"))]),
            1
        );
        // A loop (stored before `link` refused them) is one origin, and so
        // is a report leading into it; a loop does not run forever.
        assert_eq!(
            corroboration(&[link("a", Some("b")), link("b", Some("a"))]),
            1
        );
        let looped = [
            link("c", Some("a")),
            link("a", Some("b")),
            link("b", Some("c")),
            link("d", Some("b")),
            link("e", None),
        ];
        assert_eq!(corroboration(&looped), 2);
        assert_eq!(origins(&looped), vec!["a", "a", "a", "a", "e"]);
        assert_eq!(corroboration(&[link("a", Some("a"))]), 1);
        // Leaving out a source the others repeat keeps them one origin.
        let chain = [
            link("digest", Some("fake")),
            link("fake", Some("axios")),
            link("axios", None),
            link("isw", None),
        ];
        assert_eq!(corroboration(&chain), 2);
        assert_eq!(corroboration_among(&chain, &[chain[0].clone()]), 1);
        assert_eq!(
            corroboration_among(&chain, &[chain[0].clone(), chain[2].clone()]),
            1
        );
        assert_eq!(corroboration_among(&chain, &chain[2..]), 2);
        // Origins follow the order of the links, chains to their end.
        assert_eq!(
            origins(&[link("digest", Some("emp")), link("emp", Some("axios"))]),
            vec!["axios", "axios"]
        );
    }

    #[test]
    fn a_chain_names_what_a_report_repeats_until_it_ends_or_meets_itself() {
        let looped = [
            link("c", Some("a")),
            link("a", Some("b")),
            link("b", Some("c")),
            link("d", Some("b")),
            link("e", None),
            link("f", Some("outside")),
            link("g", Some("g")),
        ];
        let chains = Chains::new(&looped);
        let of: Vec<Vec<&str>> = looped.iter().map(|l| chains.of(l)).collect();
        assert_eq!(
            of,
            vec![
                vec!["a", "b"],
                vec!["b", "c"],
                vec!["c", "a"],
                vec!["b", "c", "a"],
                vec![],
                vec!["outside"],
                vec![],
            ]
        );
        let chain = [
            link("digest", Some("emp")),
            link("emp", Some("axios")),
            link("axios", None),
        ];
        let chains = Chains::new(&chain);
        assert_eq!(chains.of(&chain[0]), vec!["emp", "axios"]);
    }

    fn claim(
        id: &str,
        date: Option<&str>,
        quantity: Option<(&str, f64)>,
        contradicts: &[&str],
    ) -> Claim {
        Claim {
            id: id.into(),
            claimant: "someone".into(),
            text: "text".into(),
            date: date.map(|d| d.parse().unwrap()),
            about_events: vec![],
            about_actors: vec![],
            sources: vec![],
            quote: None,
            quantity: quantity.map(|(subject, value)| Quantity {
                subject: subject.into(),
                value,
                unit: "children".into(),
            }),
            contradicts: contradicts.iter().map(|c| c.to_string()).collect(),
            supports: vec![],
            verdict: Verdict::Unverified,
            verdict_by: None,
            verdict_note: String::new(),
            meta: Meta::first(Stamp(0)),
        }
    }

    #[test]
    fn contradictions_come_from_links_and_from_differing_quantities() {
        let claims = [
            claim("ua", Some("2025-11"), Some(("deported", 19_500.0)), &[]),
            claim("ru", Some("2025"), Some(("deported", 700_000.0)), &[]),
            claim("old", Some("2023"), Some(("deported", 100.0)), &[]),
            claim("same", None, Some(("deported", 19_500.0)), &[]),
            claim("words", None, None, &["ua", "missing"]),
        ];
        let found: Vec<_> = contradictions(&claims).collect();
        assert_eq!(
            found,
            vec![
                (0, 1, vec![Conflict::Quantity]),
                (0, 4, vec![Conflict::Linked]),
                (1, 3, vec![Conflict::Quantity]),
                (2, 3, vec![Conflict::Quantity]),
            ]
        );
    }

    #[test]
    fn the_same_number_in_other_words_is_no_contradiction() {
        let worded = |id: &str, value: f64, unit: &str| {
            let mut c = claim(id, Some("2025-11"), Some(("deported", value)), &[]);
            c.quantity.as_mut().unwrap().unit = unit.to_string();
            c
        };
        let claims = [
            worded("children", 19_500.0, "children"),
            worded("minors", 19_500.0, "minors"),
            worded("bare", 19_500.0, ""),
            worded("more", 700_000.0, "minors"),
        ];
        assert_eq!(
            contradictions(&claims).collect::<Vec<_>>(),
            vec![
                (0, 3, vec![Conflict::Quantity]),
                (1, 3, vec![Conflict::Quantity]),
                (2, 3, vec![Conflict::Quantity]),
            ]
        );
    }

    #[test]
    fn a_recorded_support_is_not_a_quantity_clash_but_a_recorded_contradiction_is() {
        let mut agrees = claim("agrees", None, Some(("deported", 20_000.0)), &[]);
        agrees.supports = vec!["ua".into()];
        let mut both = claim("both", None, Some(("deported", 21_000.0)), &["ua"]);
        both.supports = vec!["ua".into()];
        let claims = [
            claim("ua", None, Some(("deported", 19_500.0)), &[]),
            agrees,
            both,
        ];
        assert_eq!(
            contradictions(&claims).collect::<Vec<_>>(),
            vec![
                (0, 2, vec![Conflict::Linked]),
                (1, 2, vec![Conflict::Quantity]),
            ]
        );
    }

    #[test]
    fn quantity_subjects_and_units_are_compared_folded() {
        let mut spaced = claim("spaced", None, Some(("Deported  Children", 700_000.0)), &[]);
        spaced.quantity.as_mut().unwrap().unit = "Children".into();
        let mut same = claim("same", None, Some(("deported-children", 19_500.0)), &[]);
        same.quantity.as_mut().unwrap().unit = " CHILDREN ".into();
        let claims = [
            claim("ua", None, Some(("deported children", 19_500.0)), &[]),
            spaced,
            same,
            claim("other", None, Some(("returned children", 1.0)), &[]),
        ];
        assert_eq!(
            contradictions(&claims).collect::<Vec<_>>(),
            vec![
                (0, 1, vec![Conflict::Quantity]),
                (1, 2, vec![Conflict::Quantity]),
            ]
        );
    }

    /// The contradiction rule pair by pair, as it was first written: what
    /// the indexed [`contradictions`], [`contradictions_of`] and
    /// [`contradiction_counts`] must agree with.
    fn contradictions_pair_by_pair(claims: &[Claim]) -> Vec<(usize, usize, Vec<Conflict>)> {
        let mut pairs = Vec::new();
        for i in 0..claims.len() {
            for j in i + 1..claims.len() {
                let (a, b) = (&claims[i], &claims[j]);
                let mut why = Vec::new();
                if a.contradicts.contains(&b.id) || b.contradicts.contains(&a.id) {
                    why.push(Conflict::Linked);
                }
                if let (Some(x), Some(y)) = (&a.quantity, &b.quantity) {
                    if names::fold(&x.subject) == names::fold(&y.subject)
                        && x.value != y.value
                        && overlap(a, b)
                        && !a.supports.contains(&b.id)
                        && !b.supports.contains(&a.id)
                    {
                        why.push(Conflict::Quantity);
                    }
                }
                if !why.is_empty() {
                    pairs.push((i, j, why));
                }
            }
        }
        pairs
    }

    proptest::proptest! {
        #[test]
        fn indexed_contradictions_agree_with_the_rule_pair_by_pair(
            drawn in proptest::collection::vec(
                (0usize..4, 0usize..6, 0usize..5, proptest::collection::vec(0usize..12, 0..3), proptest::collection::vec(0usize..12, 0..3)),
                0..12,
            )
        ) {
            let dates = [None, Some("2025-11"), Some("2025"), Some("2024"), Some("2025-11-03/.."), Some("../2024-06")];
            let values = [0.0, -0.0, 1.0, 2.0, f64::NAN];
            let subjects = [None, Some("deported"), Some("Deported "), Some("killed")];
            let claims: Vec<Claim> = drawn
                .iter()
                .enumerate()
                .map(|(n, (subject, date, value, contradicts, supports))| {
                    let mut c = claim(&format!("c{n}"), dates[*date], None, &[]);
                    c.quantity = subjects[*subject].map(|s| Quantity {
                        subject: s.into(),
                        value: values[*value],
                        unit: String::new(),
                    });
                    c.contradicts = contradicts.iter().map(|j| format!("c{j}")).collect();
                    c.supports = supports.iter().map(|j| format!("c{j}")).collect();
                    c
                })
                .collect();
            let expected = contradictions_pair_by_pair(&claims);
            proptest::prop_assert_eq!(contradictions(&claims).collect::<Vec<_>>(), expected.clone());
            let mut counts = vec![0; claims.len()];
            for (i, j, _) in &expected {
                counts[*i] += 1;
                counts[*j] += 1;
            }
            proptest::prop_assert_eq!(contradiction_counts(&claims), counts);
            for i in 0..claims.len() {
                let of: Vec<(usize, Vec<Conflict>)> = expected
                    .iter()
                    .filter(|(a, b, _)| *a == i || *b == i)
                    .map(|(a, b, why)| (if *a == i { *b } else { *a }, why.clone()))
                    .collect();
                proptest::prop_assert_eq!(contradictions_of(&claims, i), of);
            }
        }
    }

    #[test]
    fn values_print_without_needless_decimals() {
        assert_eq!(format_value(19_500.0), "19500");
        assert_eq!(format_value(2.5), "2.5");
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
        for outside in ["0000-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00"] {
            let err = Stamp::parse(outside).unwrap_err();
            assert!(err.contains("0000–9999"), "{err}");
        }
        for edge in ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z"] {
            let s = Stamp::parse(edge).unwrap();
            assert_eq!(Stamp::parse(&s.to_string()), Ok(s), "{edge}");
        }
    }

    #[test]
    fn next_version_never_goes_back_in_time() {
        let first = Meta::first(Stamp(100));
        let next = first.next(Stamp(50));
        assert_eq!(next.version, 2);
        assert_eq!(next.recorded_at, Stamp(100));
    }

    #[test]
    fn a_value_is_kept_as_written_or_refused() {
        for (text, value) in [
            ("19500", 19500.0),
            ("0.5", 0.5),
            ("1.2e6", 1.2e6),
            ("1200000.000", 1.2e6),
            ("+.5", 0.5),
            ("5.", 5.0),
            ("-3", -3.0),
            ("0.1", 0.1),
            ("0.30000000000000004", 0.30000000000000004),
            ("5e-324", 5e-324),
            ("0e999999999999999999999", 0.0),
            ("123456789012345", 123456789012345.0),
        ] {
            assert_eq!(parse_value("v", text), Ok(value), "{text}");
        }
        let zero = parse_value("v", "-0.000").unwrap();
        assert!(zero == 0.0 && zero.is_sign_positive());
        for text in [
            "123456789012345678",
            "0.1000000000000000000001",
            "1e-400",
            "1e400",
            "1e99999999999999999999",
            "",
            ".",
            "e5",
            "1e",
            "1e+",
            "0x10",
            "1_000",
            "19,500",
            "inf",
            "NaN",
            "--1",
        ] {
            assert!(parse_value("v", text).is_err(), "{text}");
        }
    }
}
