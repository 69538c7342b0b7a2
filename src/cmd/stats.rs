//! `factline stats`: what the database holds, at a glance.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::cmd::claim::live_claims;
use crate::cmd::{Ctx, Names};
use crate::error::Result;
use crate::model::{self, Actor, Event, Source};
use crate::output::{print_rows, Row};
use crate::store::Access;

#[derive(Serialize)]
struct StatRow {
    /// What is counted or named.
    stat: String,
    value: String,
}

impl Row for StatRow {
    const HEADERS: &'static [&'static str] = &["stat", "value"];

    fn cells(&self) -> Vec<String> {
        vec![self.stat.clone(), self.value.clone()]
    }
}

pub fn run(ctx: &Ctx) -> Result<()> {
    let format = ctx.read_format()?;
    let store = ctx.open(Access::Read)?;
    let mut rows = Vec::new();
    let mut row = |stat: &str, value: String| {
        rows.push(StatRow {
            stat: stat.to_string(),
            value,
        })
    };
    // Counted as the events stream by: one event in memory at a time.
    let (mut count, mut first, mut last) = (0usize, None, None);
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    let mut per_actor: HashMap<String, usize> = HashMap::new();
    for event in store.live::<Event>() {
        let event = event?;
        count += 1;
        // The earliest bound known, and the latest (unknown ones are none).
        if let Some(day) = event.date.earliest() {
            first = Some(first.map_or(day, |f| day.min(f)));
        }
        if let Some(day) = event.date.latest() {
            last = Some(last.map_or(day, |l| day.max(l)));
        }
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
    if let (Some(first), Some(last)) = (first, last) {
        row("date span", format!("{first} – {last}"));
    }
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
    let mut contested: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, j, _) in model::contradictions(&claims) {
        *contested.entry(&claims[i].id).or_default() += 1;
        *contested.entry(&claims[j].id).or_default() += 1;
    }
    let mut contested: Vec<(&str, usize)> = contested.into_iter().collect();
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
