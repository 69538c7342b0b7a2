//! `factline timeline`: events in date order, filtered by actor, window,
//! status and kind. Also the row type shared by `event list`, `event show`
//! and the CSV export.

use serde::Serialize;

use crate::cli::{Format, TimelineArgs};
use crate::cmd::{keyword, parse_user_date, Ctx, Names};
use crate::error::Result;
use crate::model::{Date, Event, EventKind, Status};
use crate::output::{join, print_row_stream, Row};
use crate::query::{self, Filter};
use crate::resolve::require_actor;
use crate::store::{Access, Store};

pub fn run(ctx: &Ctx, args: TimelineArgs) -> Result<()> {
    let format = ctx.read_format()?;
    let mut filter = parse_filter(&args)?;
    let store = ctx.open(Access::Read)?;
    filter.actor = filter_actor(&store, &args)?;
    let events = query::timeline(&store, &filter)?;
    print_events(&store, format, events)
}

/// The filter the options ask for, but the actor (see [`filter_actor`]):
/// checked before the store is opened.
pub fn parse_filter(args: &TimelineArgs) -> Result<Filter> {
    let (from, to) = match &args.on {
        Some(on) => {
            let date = parse_user_date("--on", on)?;
            (Some(date.clone()), Some(date))
        }
        None => (
            args.from
                .as_deref()
                .map(|d| parse_user_date("--from", d))
                .transpose()?,
            args.to
                .as_deref()
                .map(|d| parse_user_date("--to", d))
                .transpose()?,
        ),
    };
    crate::cmd::refuse_inverted_window(from.as_ref(), to.as_ref())?;
    Ok(Filter {
        actor: None,
        // clap refuses --strict without a window (`requires = "window"`).
        strict: args.strict,
        from,
        to,
        status: args.status.as_deref().map(keyword).transpose()?,
        kind: args.kind.as_deref().map(keyword).transpose()?,
    })
}

/// The id of the actor `--actor` names, if given.
pub fn filter_actor(store: &Store, args: &TimelineArgs) -> Result<Option<String>> {
    args.actor
        .as_deref()
        .map(|name| Ok(require_actor(store, name)?.id))
        .transpose()
}

/// Prints events as timeline rows, each as it is read.
pub fn print_events(
    store: &Store,
    format: Format,
    events: impl Iterator<Item = Result<Event>>,
) -> Result<()> {
    // `timeline --format csv` is the export's format, which import reads.
    let mut names = if format == Format::Csv {
        Names::for_import(store)
    } else {
        Names::new(store)
    };
    let rows = events.map(|event| TimelineRow::new(event?, &mut names));
    print_row_stream(format, rows)
}

/// An event as scripts see it: the EDTF date as written plus its derived
/// earliest and latest days, and names rather than ids for people.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineRow {
    pub id: String,
    pub date: String,
    pub earliest: Option<String>,
    pub latest: Option<String>,
    pub title: String,
    pub kind: EventKind,
    pub status: Status,
    pub place: Option<String>,
    /// Its actors' names (retracted ones left out; see `Names::actors`).
    pub actors: Vec<String>,
    /// Its sources' names (retracted ones left out; see `Names::live_links`).
    pub sources: Vec<String>,
    /// How many independent sources report it (a source "via" another counts once).
    pub corroboration: usize,
    pub tags: Vec<String>,
    pub description: String,
    /// The date, for the table's human form (formatted only for a table).
    #[serde(skip)]
    date_value: Date,
}

impl TimelineRow {
    pub fn new(event: Event, names: &mut Names) -> Result<TimelineRow> {
        Self::build(event, names, true)
    }

    /// The row of `event`, its `earliest` and `latest` days written out
    /// when `with_bounds` (the rows of a million-event export skip them).
    fn build(event: Event, names: &mut Names, with_bounds: bool) -> Result<TimelineRow> {
        // A retracted source is not listed, and not counted; a report
        // repeating it still counts it as its origin (as claims do).
        let sources = names.live_links(&event.sources)?;
        Ok(TimelineRow {
            date: event.date.to_string(),
            earliest: with_bounds
                .then(|| event.date.earliest().map(|d| d.to_string()))
                .flatten(),
            latest: with_bounds
                .then(|| event.date.latest().map(|d| d.to_string()))
                .flatten(),
            actors: names.actors(&event.actors)?,
            sources: names.sources(&sources)?,
            corroboration: crate::model::corroboration_among(&event.sources, &sources),
            id: event.id,
            title: event.title,
            kind: event.kind,
            status: event.status,
            place: event.place,
            tags: event.tags,
            description: event.description,
            date_value: event.date,
        })
    }

    /// The export CSV columns: `id,date,title,kind,status,place,actors,sources,tags,description`.
    /// Takes the row: the export of a million events copies no field.
    pub fn into_export_cells(self) -> Vec<String> {
        vec![
            self.id,
            self.date,
            self.title,
            self.kind.to_string(),
            self.status.to_string(),
            self.place.unwrap_or_default(),
            join(&self.actors),
            join(&self.sources),
            join(&self.tags),
            self.description,
        ]
    }

    /// The export CSV columns of `event` (see [`TimelineRow::into_export_cells`]),
    /// without working out the bounds the export does not write.
    pub fn export_cells(event: Event, names: &mut Names) -> Result<Vec<String>> {
        Ok(Self::build(event, names, false)?.into_export_cells())
    }

    /// The timeline columns: the export ones with `earliest` and `latest` after `date`.
    pub fn cells_with_bounds(&self) -> Vec<String> {
        let mut cells = self.clone().into_export_cells();
        cells.insert(2, self.earliest.clone().unwrap_or_default());
        cells.insert(3, self.latest.clone().unwrap_or_default());
        cells
    }
}

/// The timeline CSV columns: what export writes is what import reads.
pub const EXPORT_HEADERS: &[&str] = crate::tabular::TIMELINE_FIELDS;

impl Row for TimelineRow {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "date",
        "earliest",
        "latest",
        "title",
        "kind",
        "status",
        "place",
        "actors",
        "sources",
        "tags",
        "description",
    ];

    fn cells(&self) -> Vec<String> {
        self.cells_with_bounds()
    }

    fn table(&self) -> (Vec<&'static str>, Vec<String>) {
        (
            vec!["date", "status", "kind", "title", "actors", "place", "id"],
            vec![
                self.date_value.human(),
                self.status.to_string(),
                self.kind.to_string(),
                self.title.clone(),
                join(&self.actors),
                self.place.clone().unwrap_or_default(),
                self.id.clone(),
            ],
        )
    }
}
