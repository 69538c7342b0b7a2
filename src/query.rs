//! Read queries over the store's indexes. Each costs in proportion to its
//! answer (plus the events sharing its date window), not to the store.

use std::collections::BTreeSet;

use crate::error::Result;
use crate::model::{Date, Event, EventKind, Status};
use crate::store::Store;

/// Which events a timeline shows.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Filter {
    /// Only events with this participant (an actor id).
    pub actor: Option<String>,
    /// Window start: events whose latest day is on or after its earliest day.
    pub from: Option<Date>,
    /// Window end: events whose earliest day is on or before its latest day.
    pub to: Option<Date>,
    /// Only events certainly inside the window.
    pub strict: bool,
    pub status: Option<Status>,
    pub kind: Option<EventKind>,
}

/// A date window in days: which event bounds fall in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: i32,
    pub to: i32,
    /// Only dates certainly inside, not those that merely may overlap.
    pub strict: bool,
}

impl Window {
    pub const ALL: Window = Window {
        from: i32::MIN,
        to: i32::MAX,
        strict: false,
    };

    /// The window from the start of `from` to the end of `to` (open where absent).
    pub fn new(from: Option<&Date>, to: Option<&Date>, strict: bool) -> Window {
        Window {
            from: from.map_or(i32::MIN, Date::earliest_day),
            to: to.map_or(i32::MAX, Date::latest_day),
            strict,
        }
    }

    /// Whether a date with these bounds belongs in the window.
    pub fn admits(&self, earliest: i32, latest: i32) -> bool {
        if self.from == i32::MIN && self.to == i32::MAX {
            return true;
        }
        if self.strict {
            // An open or unknown end (MIN, MAX) is certainly inside only a
            // window open on that side.
            earliest >= self.from && latest <= self.to
        } else {
            earliest <= self.to && latest >= self.from
        }
    }
}

impl Filter {
    fn window(&self) -> Window {
        Window::new(self.from.as_ref(), self.to.as_ref(), self.strict)
    }

    fn admits(&self, window: &Window, event: &Event) -> bool {
        self.status.is_none_or(|s| s == event.status)
            && self.kind.is_none_or(|k| k == event.kind)
            && window.admits(event.date.earliest_day(), event.date.latest_day())
    }
}

/// The events a filter selects, in timeline order (date, then id), read as
/// they are iterated: memory holds the ids of the selected events (none
/// when every event is selected), never the events themselves.
pub fn timeline<'s>(store: &'s Store, filter: &Filter) -> Result<Events<'s>> {
    let window = filter.window();
    let events: Events<'s> = if filter.actor.is_none() && window == Window::ALL {
        Box::new(store.events_by_date()?)
    } else {
        Box::new(store.events_by_date_among(selected_ids(store, filter, &window)?)?)
    };
    let filter = filter.clone();
    Ok(Box::new(events.filter(move |event| {
        event
            .as_ref()
            .map_or(true, |event| filter.admits(&window, event))
    })))
}

/// Events in timeline order, each read when the iterator reaches it.
pub type Events<'s> = Box<dyn Iterator<Item = Result<Event>> + 's>;

/// The ids of the events the indexes place in the filter's window (and with
/// its actor), each once, in no particular order.
fn selected_ids(store: &Store, filter: &Filter, window: &Window) -> Result<Vec<String>> {
    let (from, to) = (window.from, window.to);
    let mut ids: Vec<String> = Vec::new();
    if let Some(actor) = &filter.actor {
        for item in store.actor_event_ids(actor) {
            let (earliest, latest, id) = item?;
            if window.admits(earliest, latest) {
                ids.push(id);
            }
        }
    } else if from == i32::MIN {
        for item in store.timeline_ids(i32::MIN, to) {
            let (earliest, latest, id) = item?;
            if window.admits(earliest, latest) {
                ids.push(id);
            }
        }
    } else {
        // An event overlapping the window starts at most `max span` days
        // before it, unless its date is open-ended: those are indexed apart.
        let start = from.saturating_sub(store.max_event_span()?);
        let mut seen = BTreeSet::new();
        for item in store.timeline_ids(start, to) {
            let (earliest, latest, id) = item?;
            if window.admits(earliest, latest) && seen.insert(id.clone()) {
                ids.push(id);
            }
        }
        for id in store.unbounded_event_ids() {
            let id = id?;
            if !seen.contains(&id) {
                seen.insert(id.clone());
                ids.push(id);
            }
        }
    }
    Ok(ids)
}
