//! `factline stats`: what the database holds, at a glance.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use crate::cmd::claim::live_claims;
use crate::cmd::{Ctx, Names};
use crate::error::Result;
use crate::model::{self, Actor, Date, Event, Source};
use crate::output::{print_rows, Row};
use crate::store::Access;

#[derive(Serialize)]
struct StatRow {
    /// What is counted or named.
    stat: String,
    value: String,
    /// The date span's first and last day (JSON only, on its row only):
    /// null where an event's start or end is open or unknown, as the
    /// timeline gives an event's `earliest` and `latest`.
    #[serde(skip_serializing_if = "Option::is_none")]
    earliest: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latest: Option<Option<String>>,
}

/// The days the counted events cover, from the first one's start to the
/// last one's end: an end is open where some event's is open or unknown.
#[derive(Debug, Default)]
struct Span {
    /// The first known start and the last known end.
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
    /// Set when some event's start is open or unknown: the first known end
    /// of those events (the timeline's first event runs until then).
    open_start: Option<Option<NaiveDate>>,
    /// Set when some event's end is open or unknown: the last known start
    /// of those events (the timeline's last event runs since then).
    open_end: Option<Option<NaiveDate>>,
}

impl Span {
    fn add(&mut self, date: &Date) {
        let (earliest, latest) = (date.earliest(), date.latest());
        match earliest {
            Some(day) => self.first = Some(self.first.map_or(day, |f| f.min(day))),
            None => {
                let until = self.open_start.get_or_insert(None);
                *until = match (*until, latest) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
        }
        match latest {
            Some(day) => self.last = Some(self.last.map_or(day, |l| l.max(day))),
            None => {
                let since = self.open_end.get_or_insert(None);
                *since = (*since).max(earliest);
            }
        }
    }

    /// The span's first and last day, `None` where it is open.
    fn bounds(&self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        (
            self.first.filter(|_| self.open_start.is_none()),
            self.last.filter(|_| self.open_end.is_none()),
        )
    }

    /// "2019-05-01 – 2022-12-31", "open (until 2020-12-31) – open (since
    /// 2025-01-01)"; None when no event was counted.
    fn text(&self) -> Option<String> {
        let start = match self.open_start {
            Some(Some(until)) => format!("open (until {until})"),
            Some(None) => "open".to_string(),
            None => self.first?.to_string(),
        };
        let end = match self.open_end {
            Some(Some(since)) => format!("open (since {since})"),
            Some(None) => "open".to_string(),
            None => self.last?.to_string(),
        };
        Some(format!("{start} – {end}"))
    }
}

impl Row for StatRow {
    const HEADERS: &'static [&'static str] = &["stat", "value"];

    fn cells(&self) -> Vec<String> {
        vec![self.stat.clone(), self.value.clone()]
    }
}

impl StatRow {
    fn new(stat: &str, value: String) -> StatRow {
        StatRow {
            stat: stat.to_string(),
            value,
            earliest: None,
            latest: None,
        }
    }
}

pub fn run(ctx: &Ctx) -> Result<()> {
    let format = ctx.read_format()?;
    let store = ctx.open(Access::Read)?;
    let mut rows = Vec::new();
    let mut row = |stat: &str, value: String| rows.push(StatRow::new(stat, value));
    // Counted as the events stream by: one event in memory at a time.
    let (mut count, mut span) = (0usize, Span::default());
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    let mut per_actor: HashMap<String, usize> = HashMap::new();
    for event in store.live::<Event>() {
        let event = event?;
        count += 1;
        span.add(&event.date);
        *statuses.entry(event.status.to_string()).or_default() += 1;
        for actor in event.actors {
            *per_actor.entry(actor).or_default() += 1;
        }
    }
    let claims = live_claims(&store)?;
    row("events", count.to_string());
    row("actors", store.live::<Actor>().count().to_string());
    row("sources", store.live::<Source>().count().to_string());
    row("claims", claims.len().to_string());
    // Always there, empty (null bounds) without events, as the other rows
    // are: a script reads the same rows from every database.
    let (earliest, latest) = span.bounds();
    rows.push(StatRow {
        earliest: Some(earliest.map(|d| d.to_string())),
        latest: Some(latest.map(|d| d.to_string())),
        ..StatRow::new("date span", span.text().unwrap_or_default())
    });
    let mut row = |stat: &str, value: String| rows.push(StatRow::new(stat, value));
    row(
        "events by status",
        statuses
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let mut busiest: Vec<(&str, usize)> = per_actor.iter().map(|(a, n)| (a.as_str(), *n)).collect();
    busiest.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut names = Names::new(&store);
    // A retracted actor is no participant (and not counted as an actor).
    let live = crate::graph::Live::new(&store);
    let mut top = Vec::new();
    for (id, n) in busiest {
        if top.len() == 5 {
            break;
        }
        if live.actor(id)? {
            top.push(format!("{} ({n})", names.actor(id)?));
        }
    }
    row("busiest actors", top.join(", "));
    // Counted per claim, without listing the pairs.
    let mut contested: Vec<(&str, usize)> = claims
        .iter()
        .map(|c| c.id.as_str())
        .zip(model::contradiction_counts(&claims))
        .filter(|(_, n)| *n > 0)
        .collect();
    contested.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    row(
        "most contested claims",
        contested
            .iter()
            .take(5)
            .map(|(id, n)| format!("{id} ({n})"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    print_rows(format, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(dates: &[&str]) -> (Option<String>, (Option<NaiveDate>, Option<NaiveDate>)) {
        let mut span = Span::default();
        for date in dates {
            span.add(&Date::parse_edtf(date).unwrap());
        }
        (span.text(), span.bounds())
    }

    #[test]
    fn a_span_covers_every_event_and_never_ends_before_it_starts() {
        assert_eq!(span(&[]).0, None);
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert_eq!(
            span(&["2022", "2019-05/2019-06"]),
            (
                Some("2019-05-01 – 2022-12-31".to_string()),
                (day("2019-05-01"), day("2022-12-31"))
            )
        );
        for dates in [&["2025/..", "../2020"][..], &["2025/..", "2022", "../2020"]] {
            assert_eq!(
                span(dates),
                (
                    Some("open (until 2020-12-31) – open (since 2025-01-01)".to_string()),
                    (None, None)
                )
            );
        }
        // An unknown end is open too; the open events reaching furthest in.
        assert_eq!(
            span(&["/2021", "../2023", "2019/", "2018"]).0.unwrap(),
            "open (until 2021-12-31) – open (since 2019-01-01)"
        );
    }
}
