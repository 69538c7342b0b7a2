//! `factline who-met [ACTOR]`: meetings between actors, one row per pair per event.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::cli::WhoMetArgs;
use crate::cmd::{window, Ctx, Names};
use crate::error::Result;
use crate::graph::{self, Rules};
use crate::model::{Date, Status};
use crate::output::{print_rows, Row};
use crate::query::{self, Filter};
use crate::resolve::require_actor;
use crate::store::{Access, Store};

pub fn run(ctx: &Ctx, args: WhoMetArgs) -> Result<()> {
    let format = ctx.read_format()?;
    let rules = Rules {
        include_calls: args.include_calls,
        planned: args.planned,
        window: window(&args.window)?,
        ties: false,
    };
    let store = ctx.open(Access::Read)?;
    let pairs: Vec<Pair> = match &args.actor {
        Some(name) => {
            let actor = require_actor(&store, name)?;
            // The participation index carries title, date and status: no event reads.
            let mut pairs = Vec::new();
            for met in graph::who_met(&store, &actor.id, &rules)? {
                pairs.push(Pair {
                    a: actor.id.clone(),
                    b: met.other,
                    event: met.event,
                    date: met.date,
                    title: met.title,
                    status: met.status,
                });
            }
            pairs
        }
        None => all_pairs(&store, &rules)?,
    };
    let mut names = Names::new(&store);
    if args.summary {
        let mut summary: BTreeMap<(String, String), Summary> = BTreeMap::new();
        for Pair { a, b, date, .. } in &pairs {
            let (a, b) = if args.actor.is_some() || a <= b {
                (a, b)
            } else {
                (b, a)
            };
            let entry = summary
                .entry((a.clone(), b.clone()))
                .or_insert_with(|| Summary {
                    a: names.actor(a).unwrap_or_else(|_| a.clone()),
                    b: names.actor(b).unwrap_or_else(|_| b.clone()),
                    meetings: 0,
                    first: date.to_string(),
                    last: date.to_string(),
                    first_date: date.clone(),
                    last_date: date.clone(),
                });
            entry.meetings += 1;
            // The pairs come in timeline order; the summary does not rely on it.
            if *date < entry.first_date {
                entry.first = date.to_string();
                entry.first_date = date.clone();
            }
            if *date > entry.last_date {
                entry.last = date.to_string();
                entry.last_date = date.clone();
            }
        }
        let mut rows: Vec<Summary> = summary.into_values().collect();
        rows.sort_by(|x, y| {
            y.meetings
                .cmp(&x.meetings)
                .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
        });
        return print_rows(format, &rows);
    }
    let mut rows = Vec::with_capacity(pairs.len());
    for pair in pairs {
        rows.push(MetRow {
            a: names.actor(&pair.a)?,
            b: names.actor(&pair.b)?,
            event: pair.event,
            date: pair.date.to_string(),
            title: pair.title,
            status: pair.status.to_string(),
            date_value: pair.date,
        });
    }
    print_rows(format, &rows)
}

/// Two actors who met at one event.
struct Pair {
    a: String,
    b: String,
    event: String,
    date: Date,
    title: String,
    status: Status,
}

/// Every pair of live participants of every meeting, in timeline order.
fn all_pairs(store: &Store, rules: &Rules) -> Result<Vec<Pair>> {
    let live = graph::Live::new(store);
    let filter = Filter {
        from: None,
        to: None,
        ..Filter::default()
    };
    let mut pairs = Vec::new();
    for event in query::timeline(store, &filter)? {
        let event = event?;
        if !rules.is_meeting(event.kind, event.status)
            || !rules
                .window
                .admits(event.date.earliest_day(), event.date.latest_day())
        {
            continue;
        }
        let actors = live.actors_of(&event)?;
        for (i, a) in actors.iter().enumerate() {
            for b in &actors[i + 1..] {
                pairs.push(Pair {
                    a: a.to_string(),
                    b: b.to_string(),
                    event: event.id.clone(),
                    date: event.date.clone(),
                    title: event.title.clone(),
                    status: event.status,
                });
            }
        }
    }
    Ok(pairs)
}

#[derive(Serialize)]
struct MetRow {
    a: String,
    b: String,
    event: String,
    date: String,
    title: String,
    status: String,
    /// The date, for the table's human form (formatted only for a table).
    #[serde(skip)]
    date_value: Date,
}

impl Row for MetRow {
    const HEADERS: &'static [&'static str] = &["a", "b", "event", "date", "title", "status"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.a.clone(),
            self.b.clone(),
            self.event.clone(),
            self.date.clone(),
            self.title.clone(),
            self.status.clone(),
        ]
    }

    fn table(&self) -> (Vec<&'static str>, Vec<String>) {
        let mut cells = self.cells();
        cells[3] = self.date_value.human();
        (Self::HEADERS.to_vec(), cells)
    }
}

#[derive(Serialize)]
struct Summary {
    a: String,
    b: String,
    meetings: usize,
    first: String,
    last: String,
    /// The first and last dates, for the table's human form.
    #[serde(skip)]
    first_date: Date,
    #[serde(skip)]
    last_date: Date,
}

impl Row for Summary {
    const HEADERS: &'static [&'static str] = &["a", "b", "meetings", "first", "last"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.a.clone(),
            self.b.clone(),
            self.meetings.to_string(),
            self.first.clone(),
            self.last.clone(),
        ]
    }

    fn table(&self) -> (Vec<&'static str>, Vec<String>) {
        let mut cells = self.cells();
        cells[3] = self.first_date.human();
        cells[4] = self.last_date.human();
        (Self::HEADERS.to_vec(), cells)
    }
}
