//! `factline who-met [ACTOR]`: meetings between actors, one row per pair per event.

use foldhash::HashMap;

use serde::Serialize;

use crate::cli::{Format, WhoMetArgs};
use crate::cmd::{window_dates, Ctx, Names};
use crate::error::Result;
use crate::graph::{self, Rules};
use crate::model::{Date, Event, Status};
use crate::output::{print_row_stream, Row};
use crate::query::{self, Filter};
use crate::resolve::require_actor;
use crate::store::{Access, Store};

pub fn run(ctx: &Ctx, args: WhoMetArgs) -> Result<()> {
    let format = ctx.read_format()?;
    let (from, to) = window_dates(&args.window)?;
    let rules = Rules {
        include_calls: args.include_calls,
        planned: args.planned,
        window: query::Window::new(from.as_ref(), to.as_ref(), false),
        ties: false,
    };
    let store = ctx.open(Access::Read)?;
    let pairs: Box<dyn Iterator<Item = Result<Pair>> + '_> = match &args.actor {
        Some(name) => {
            let actor = require_actor(&store, name)?;
            // The participation index carries title, date and status: no event reads.
            let met = graph::who_met(&store, &actor.id, &rules)?;
            Box::new(met.into_iter().map(move |met| {
                Ok(Pair {
                    a: actor.id.clone(),
                    b: met.other,
                    event: met.event,
                    date: met.date,
                    title: met.title,
                    status: met.status,
                })
            }))
        }
        None => Box::new(AllPairs::new(&store, rules, from, to)?),
    };
    let mut names = Names::new(&store);
    if args.summary {
        return print_summary(format, pairs, args.actor.is_some(), &mut names);
    }
    let rows = pairs.map(|pair| {
        let pair = pair?;
        Ok(MetRow {
            a: names.actor(&pair.a)?,
            b: names.actor(&pair.b)?,
            event: pair.event,
            date: pair.date.to_string(),
            title: pair.title,
            status: pair.status.to_string(),
            date_value: pair.date,
        })
    });
    print_row_stream(format, rows)
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

/// Every pair of live participants of every meeting, in timeline order,
/// made as they are read: one meeting of 4,000 delegates is 8 million
/// pairs, written one by one.
struct AllPairs<'s> {
    events: query::Events<'s>,
    live: graph::Live<'s>,
    rules: Rules,
    /// The meeting whose pairs are being made, its live participants, and
    /// the next pair's places among them.
    event: Option<Event>,
    actors: Vec<String>,
    i: usize,
    j: usize,
}

impl<'s> AllPairs<'s> {
    /// The meetings of the window `from`..`to` (that of `rules`): the
    /// timeline's date index finds them, so a month's meetings are read, not
    /// every event (3.5 s at a million events when every one was read).
    fn new(
        store: &'s Store,
        rules: Rules,
        from: Option<Date>,
        to: Option<Date>,
    ) -> Result<AllPairs<'s>> {
        let filter = Filter {
            from,
            to,
            ..Filter::default()
        };
        Ok(AllPairs {
            events: query::timeline(store, &filter)?,
            live: graph::Live::new(store),
            rules,
            event: None,
            actors: Vec::new(),
            i: 0,
            j: 0,
        })
    }

    /// The next meeting and its live participants, if any is left.
    fn next_meeting(&mut self) -> Result<Option<Event>> {
        for event in self.events.by_ref() {
            let event = event?;
            if !self.rules.is_meeting(event.kind, event.status)
                || !self
                    .rules
                    .window
                    .admits(event.date.earliest_day(), event.date.latest_day())
            {
                continue;
            }
            self.actors.clear();
            let actors = self.live.actors_of(&event)?;
            self.actors.extend(actors.into_iter().map(str::to_string));
            return Ok(Some(event));
        }
        Ok(None)
    }
}

impl Iterator for AllPairs<'_> {
    type Item = Result<Pair>;

    fn next(&mut self) -> Option<Result<Pair>> {
        loop {
            if let Some(event) = &self.event {
                if self.j < self.actors.len() {
                    let pair = Pair {
                        a: self.actors[self.i].clone(),
                        b: self.actors[self.j].clone(),
                        event: event.id.clone(),
                        date: event.date.clone(),
                        title: event.title.clone(),
                        status: event.status,
                    };
                    self.j += 1;
                    if self.j == self.actors.len() {
                        self.i += 1;
                        self.j = self.i + 1;
                    }
                    return Some(Ok(pair));
                }
            }
            match self.next_meeting() {
                Ok(Some(event)) => {
                    self.event = Some(event);
                    (self.i, self.j) = (0, 1);
                }
                Ok(None) => {
                    self.event = None;
                    return None;
                }
                Err(e) => {
                    // The stream ends with its error.
                    self.event = None;
                    self.actors.clear();
                    return Some(Err(e));
                }
            }
        }
    }
}

/// Prints the meetings of each pair (`a` first as met, else the lesser id
/// first), most first, then by names. It holds one small entry a pair, its
/// actors and dates numbered, not every meeting's row, and makes each row
/// as it is written: the summary of one meeting of 4,000 delegates holds 8
/// million entries of a few bytes, not 8 million rows.
fn print_summary(
    format: Format,
    pairs: impl Iterator<Item = Result<Pair>>,
    as_met: bool,
    names: &mut Names,
) -> Result<()> {
    #[derive(Default)]
    struct Numbered<T: std::hash::Hash + Eq + Clone> {
        number: HashMap<T, u32>,
        items: Vec<T>,
    }
    impl<T: std::hash::Hash + Eq + Clone> Numbered<T> {
        fn of(&mut self, item: &T) -> u32 {
            if let Some(&n) = self.number.get(item) {
                return n;
            }
            let n = self.items.len() as u32;
            self.number.insert(item.clone(), n);
            self.items.push(item.clone());
            n
        }
    }
    struct Tally {
        meetings: usize,
        first: u32,
        last: u32,
    }
    let mut actors: Numbered<String> = Numbered {
        number: HashMap::default(),
        items: Vec::new(),
    };
    let mut dates: Numbered<Date> = Numbered {
        number: HashMap::default(),
        items: Vec::new(),
    };
    let mut tallies: HashMap<(u32, u32), Tally> = HashMap::default();
    for pair in pairs {
        let Pair { a, b, date, .. } = pair?;
        let (a, b) = if as_met || a <= b { (a, b) } else { (b, a) };
        let key = (actors.of(&a), actors.of(&b));
        let day = dates.of(&date);
        let tally = tallies.entry(key).or_insert(Tally {
            meetings: 0,
            first: day,
            last: day,
        });
        tally.meetings += 1;
        // The pairs come in timeline order; the summary does not rely on it.
        if date < dates.items[tally.first as usize] {
            tally.first = day;
        }
        if date > dates.items[tally.last as usize] {
            tally.last = day;
        }
    }
    drop((actors.number, dates.number));
    let ids = actors.items;
    let shown: Vec<String> = ids
        .iter()
        .map(|id| names.actor(id).unwrap_or_else(|_| id.clone()))
        .collect();
    let mut tallies: Vec<((u32, u32), Tally)> = tallies.into_iter().collect();
    let at = |n: u32| n as usize;
    tallies.sort_unstable_by(|(x, tx), (y, ty)| {
        ty.meetings
            .cmp(&tx.meetings)
            .then_with(|| {
                (&shown[at(x.0)], &shown[at(x.1)]).cmp(&(&shown[at(y.0)], &shown[at(y.1)]))
            })
            .then_with(|| (&ids[at(x.0)], &ids[at(x.1)]).cmp(&(&ids[at(y.0)], &ids[at(y.1)])))
    });
    let dates = dates.items;
    let rows = tallies.into_iter().map(|((a, b), tally)| {
        let (first, last) = (&dates[at(tally.first)], &dates[at(tally.last)]);
        Ok(Summary {
            a: shown[at(a)].clone(),
            b: shown[at(b)].clone(),
            meetings: tally.meetings,
            first: first.to_string(),
            last: last.to_string(),
            first_date: first.clone(),
            last_date: last.clone(),
        })
    });
    print_row_stream(format, rows)
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
