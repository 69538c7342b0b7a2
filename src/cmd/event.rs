//! `factline event add|show|list|edit`.

use serde::Serialize;

use crate::cli::{EventAddArgs, EventCommand, EventEditArgs, StatusChangeArgs};
use crate::cmd::timeline::{print_events, TimelineRow};
use crate::cmd::{added_and_removed, keyword, parse_user_date, refuse_add_and_remove, Ctx, Names};
use crate::error::{quoted, Error, Result};
use crate::model::names::{self, fold, slug, validate_id};
use crate::model::{self, Actor, Date, Event, Meta, Source, SourceLink, Status};
use crate::output::{print_detail, Row};
use crate::query::{self, Filter};
use crate::resolve::{find_actor, find_source, require_actor, unknown, unused_id, Lookup};
use crate::store::{Access, Change, Store};

pub fn run(ctx: &Ctx, command: EventCommand) -> Result<()> {
    match command {
        EventCommand::Add(args) => add(ctx, args),
        EventCommand::Show { event } => show(ctx, &event),
        EventCommand::List => {
            let format = ctx.read_format()?;
            let store = ctx.open(Access::Read)?;
            let events = query::timeline(&store, &Filter::default())?;
            print_events(&store, format, events)
        }
        EventCommand::Edit(args) => edit(ctx, args),
        EventCommand::Postpone(args) => change_status(ctx, args, Status::Postponed),
        EventCommand::Cancel(args) => {
            // A cancelled meeting keeps the date it was planned for: moving
            // it would file the cancellation under a date nothing was
            // planned for.
            if args.to.is_some() {
                return Err(Error::bad_input(
                    "cancel keeps the date the event was planned for and takes no --to; to move the event, use `event reschedule` or `event postpone --to`",
                ));
            }
            let args = StatusChangeArgs {
                event: args.event,
                to: None,
                source: args.source,
            };
            change_status(ctx, args, Status::Cancelled)
        }
        EventCommand::Reschedule(args) => {
            if args.to.is_none() {
                return Err(Error::bad_input("reschedule needs --to DATE, the new date"));
            }
            change_status(ctx, args, Status::Rescheduled)
        }
    }
}

/// Actors and sources a command refers to, with the ones it must create.
pub struct Participants<'s> {
    store: &'s Store,
    now: crate::model::Stamp,
    new_actor_allowed: bool,
    created_actors: Vec<Actor>,
    created_sources: Vec<Source>,
}

impl<'s> Participants<'s> {
    pub fn new(store: &'s Store, ctx: &Ctx, new_actor_allowed: bool) -> Participants<'s> {
        Participants {
            store,
            now: ctx.now,
            new_actor_allowed,
            created_actors: Vec::new(),
            created_sources: Vec::new(),
        }
    }

    /// The id of the actor `name` means, planning a new actor if nobody is
    /// known by that name, refusing a likely misspelling of a known actor.
    pub fn actor(&mut self, name: &str) -> Result<String> {
        let name: &str = &model::one_name("actor name", name, 500).map_err(Error::bad_input)?;
        if let Some(planned) = self
            .created_actors
            .iter()
            .find(|a| fold(&a.name) == fold(name))
        {
            return Ok(planned.id.clone());
        }
        match find_actor(self.store, name)? {
            Lookup::Found(actor) => Ok(actor.id),
            Lookup::Missing {
                suggestion: Some(near),
            } if !self.new_actor_allowed => Err(Error::bad_input(format!(
                "unknown actor {}; did you mean {}? (pass --new-actor to add {} as a new actor)",
                quoted(name),
                quoted(&near.name),
                quoted(name)
            ))),
            Lookup::Missing { .. } => {
                let taken = |id: &str| -> Result<bool> {
                    Ok(self.store.get::<Actor>(id)?.is_some()
                        || self.created_actors.iter().any(|a| a.id == id))
                };
                let id = unused_id(taken, &slug(name))?;
                self.created_actors
                    .push(Actor::named(id.clone(), name, self.now));
                Ok(id)
            }
        }
    }

    /// The id of the source `name` means, planning a new source if unknown.
    pub fn source(&mut self, name: &str) -> Result<String> {
        let name: &str = &model::one_name("source name", name, 500).map_err(Error::bad_input)?;
        if let Some(planned) = self
            .created_sources
            .iter()
            .find(|s| fold(&s.name) == fold(name))
        {
            return Ok(planned.id.clone());
        }
        match find_source(self.store, name)? {
            Lookup::Found(source) => Ok(source.id),
            Lookup::Missing {
                suggestion: Some(near),
            } => Err(Error::bad_input(format!(
                "unknown source {}; did you mean {}? (add it first with `factline source add` if it is another source)",
                quoted(name),
                quoted(&near.name)
            ))),
            Lookup::Missing { suggestion: None } => {
                let taken = |id: &str| -> Result<bool> {
                    Ok(self.store.get::<Source>(id)?.is_some()
                        || self.created_sources.iter().any(|s| s.id == id))
                };
                let id = unused_id(taken, &slug(name))?;
                self.created_sources.push(Source {
                    id: id.clone(),
                    name: name.to_string(),
                    url: None,
                    grade: None,
                    meta: Meta::first(self.now),
                });
                Ok(id)
            }
        }
    }

    /// Adds the planned actors and sources to `change`, saying so on stderr.
    pub fn write(self, change: &mut Change) -> Result<()> {
        for actor in &self.created_actors {
            change.put(actor)?;
        }
        for source in &self.created_sources {
            change.put(source)?;
        }
        for actor in &self.created_actors {
            crate::notice(format!(
                "created actor {} ({})",
                quoted(&actor.name),
                actor.id
            ));
        }
        for source in &self.created_sources {
            crate::notice(format!(
                "created source {} ({})",
                quoted(&source.name),
                source.id
            ));
        }
        Ok(())
    }
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// Adds a plain link to `source` unless the fact already has one.
pub fn add_link(links: &mut Vec<SourceLink>, source: String) {
    if !links.iter().any(|l| l.source == source) {
        links.push(SourceLink::plain(&source));
    }
}

fn clean_tag(tag: &str) -> Result<String> {
    Ok(model::one_name("tag", tag, 200)
        .map_err(Error::bad_input)?
        .to_string())
}

/// `--place`: an empty place (or only white space) means none.
fn place(text: Option<String>) -> Result<Option<String>> {
    match text.as_deref().map(model::trimmed) {
        None | Some("") => Ok(None),
        Some(p) => Ok(Some(
            model::one_line("place", p, 500)
                .map_err(Error::bad_input)?
                .to_string(),
        )),
    }
}

fn add(ctx: &Ctx, args: EventAddArgs) -> Result<()> {
    let title = model::one_line("title", &args.title, 1000).map_err(Error::bad_input)?;
    let date = parse_user_date("--date", &args.date)?;
    let kind = keyword(&args.kind)?;
    let status = keyword(&args.status)?;
    let place = place(args.place)?;
    let description = args.note.unwrap_or_default();
    model::validate_note("note", &description, model::MAX_NOTE_CHARS).map_err(Error::bad_input)?;
    let mut tags = Vec::new();
    for tag in &args.tags {
        names::add_tag(&mut tags, clean_tag(tag)?);
    }
    let given_id = args.id.as_deref().map(model::trimmed);
    if let Some(id) = given_id {
        validate_id(id).map_err(Error::bad_input)?;
    }

    let store = ctx.open(Access::Write)?;
    let mut participants = Participants::new(&store, ctx, args.new_actor);
    let mut actors = Vec::new();
    for name in &args.actors {
        push_unique(&mut actors, participants.actor(name)?);
    }
    let mut sources = Vec::new();
    for name in &args.sources {
        add_link(&mut sources, participants.source(name)?);
    }
    let id = match given_id {
        Some(id) => {
            crate::cmd::refuse_taken_id::<Event>(&store, "event", id)?;
            id.to_string()
        }
        None => unused_id(
            |id| Ok(store.get::<Event>(id)?.is_some()),
            &crate::tabular::event_id_base(&date, title),
        )?,
    };
    let event = Event {
        id: id.clone(),
        title: title.to_string(),
        date,
        kind,
        status,
        place,
        actors,
        sources,
        tags,
        description,
        meta: Meta::first(ctx.now),
    };
    let mut change = store.change();
    participants.write(&mut change)?;
    change.note_event(&event);
    change.put(&event)?;
    change.commit()?;
    crate::output::print_saved(id)
}

/// The event with this id, refusing unknown and retracted ones.
pub fn require_event(store: &Store, id: &str) -> Result<Event> {
    let Some(event) = store.get::<Event>(id)? else {
        return Err(crate::resolve::unknown_record::<Event>(store, "event", id)?);
    };
    if let Some(reason) = &event.meta.retracted {
        return Err(crate::resolve::retracted("event", id, reason));
    }
    Ok(event)
}

fn edit(ctx: &Ctx, args: EventEditArgs) -> Result<()> {
    refuse_add_and_remove("actor", &args.add_actors, &args.remove_actors)?;
    refuse_add_and_remove("source", &args.add_sources, &args.remove_sources)?;
    refuse_add_and_remove("tag", &args.add_tags, &args.remove_tags)?;
    let store = ctx.open(Access::Write)?;
    let before = require_event(&store, &args.event)?;
    let mut event = before.clone();
    if let Some(title) = &args.title {
        event.title = model::one_line("title", title, 1000)
            .map_err(Error::bad_input)?
            .to_string();
    }
    if let Some(date) = &args.date {
        event.date = parse_user_date("--date", date)?;
    }
    if let Some(kind) = &args.kind {
        event.kind = keyword(kind)?;
    }
    if let Some(status) = &args.status {
        event.status = keyword(status)?;
    }
    if args.place.is_some() {
        event.place = place(args.place)?;
    }
    if let Some(text) = args.note {
        model::validate_note("note", &text, model::MAX_NOTE_CHARS).map_err(Error::bad_input)?;
        event.description = text;
    }
    for tag in &args.add_tags {
        names::add_tag(&mut event.tags, clean_tag(tag)?);
    }
    for tag in &args.remove_tags {
        let before_len = event.tags.len();
        event.tags.retain(|t| fold(t) != fold(tag));
        if event.tags.len() == before_len {
            return Err(Error::bad_input(format!(
                "event {} has no tag {}",
                event.id,
                quoted(tag)
            )));
        }
    }
    // Each removal as typed, with the actor or source it found.
    let mut removed_actors = Vec::new();
    for name in &args.remove_actors {
        let actor = require_actor(&store, name)?;
        if !event.actors.contains(&actor.id) {
            return Err(Error::bad_input(format!(
                "{} is not a participant of {}",
                actor.name, event.id
            )));
        }
        event.actors.retain(|a| *a != actor.id);
        removed_actors.push((name, actor));
    }
    let mut participants = Participants::new(&store, ctx, args.new_actor);
    for name in &args.add_actors {
        let id = participants.actor(name)?;
        if let Some((removed, actor)) = removed_actors.iter().find(|(_, a)| a.id == id) {
            let item = format!("actor {} ({})", actor.name, actor.id);
            return Err(added_and_removed("actor", name, removed, Some(&item)));
        }
        push_unique(&mut event.actors, id);
    }
    let mut removed_sources = Vec::new();
    for name in &args.remove_sources {
        let source = match find_source(&store, name)? {
            Lookup::Found(s) => s,
            Lookup::Missing { suggestion } => {
                return Err(unknown("source", name, suggestion.map(|s| s.name)))
            }
        };
        if !event.sources.iter().any(|l| l.source == source.id) {
            return Err(Error::bad_input(format!(
                "{} is not a source of {}",
                quoted(name),
                event.id
            )));
        }
        event.sources.retain(|l| l.source != source.id);
        removed_sources.push((name, source));
    }
    for name in &args.add_sources {
        let id = participants.source(name)?;
        if let Some((removed, source)) = removed_sources.iter().find(|(_, s)| s.id == id) {
            let item = format!("source {} ({})", source.name, source.id);
            return Err(added_and_removed("source", name, removed, Some(&item)));
        }
        add_link(&mut event.sources, id);
    }
    save(
        ctx,
        &store,
        &before,
        event,
        participants,
        "nothing to change",
    )
}

/// Writes `event` as the version after `before`, with the actors and sources
/// it created, and prints its id; says `unchanged` instead when nothing changed.
fn save(
    ctx: &Ctx,
    store: &Store,
    before: &Event,
    mut event: Event,
    participants: Participants,
    unchanged: &str,
) -> Result<()> {
    if event == *before {
        crate::notice(unchanged);
        return crate::output::print_line(&event.id);
    }
    event.meta = before.meta.next(ctx.now);
    let mut change = store.change();
    participants.write(&mut change)?;
    change.note_event(&event);
    change.put(&event)?;
    change.commit()?;
    crate::output::print_saved(&event.id)
}

/// Postpone, cancel or reschedule in one step: a new version with the new
/// status (and date, and source, when given); the old ones stay in history.
fn change_status(ctx: &Ctx, args: StatusChangeArgs, status: Status) -> Result<()> {
    let date = args
        .to
        .as_deref()
        .map(|d| parse_user_date("--to", d))
        .transpose()?;
    let store = ctx.open(Access::Write)?;
    let before = require_event(&store, &args.event)?;
    refuse_postponing_cancelled(&before, status)?;
    if let Some(date) = &date {
        refuse_moving_to_same_date(&before, status, date)?;
        if status == Status::Postponed {
            refuse_postponing_earlier(&before.date, date)?;
        }
    }
    let mut event = before.clone();
    event.status = status;
    if let Some(date) = date {
        event.date = date;
    }
    let mut participants = Participants::new(&store, ctx, false);
    if let Some(source) = &args.source {
        let id = participants.source(source)?;
        // The source of a change is recorded only as a source added to the
        // event: one it already has leaves no trace of who reported this,
        // be it a new status or only a new date (a postponement moved on).
        let changed = event.status != before.status || event.date.as_str() != before.date.as_str();
        if event.sources.iter().any(|l| l.source == id) && changed {
            crate::notice(format!(
                "{} is already a source of {}: the history shows the change, not that this source reported it",
                quoted(source.trim()),
                event.id
            ));
        }
        add_link(&mut event.sources, id);
    }
    let (id, held) = (event.id.clone(), before.status);
    let unchanged = format!("{id} is already {status}");
    save(ctx, &store, &before, event, participants, &unchanged)?;
    if crate::graph::happened(held) {
        // A meeting reported as held, now postponed, cancelled or
        // rescheduled, leaves who-met, path and network: said, in case only
        // its date was wrong.
        crate::notice(format!(
            "{id} was recorded as {held}: as {status} it no longer counts as having taken place (who-met, path and network leave it out); to correct only its date, use `event edit {id} --date`"
        ));
    }
    Ok(())
}

/// A cancelled event is called off, not delayed: postponing it would
/// record a delay the sources never reported. One planned again on a new
/// date is rescheduled ("cancelled, then rebooked"); one recorded as
/// cancelled by mistake is corrected with `event edit --status`.
fn refuse_postponing_cancelled(before: &Event, status: Status) -> Result<()> {
    if status != Status::Postponed || before.status != Status::Cancelled {
        return Ok(());
    }
    let id = &before.id;
    Err(Error::bad_input(format!(
        "{id} is cancelled, and a cancelled event is not postponed: if it is planned again, use `event reschedule {id} --to DATE`; if it was recorded as cancelled by mistake, use `event edit {id} --status postponed`"
    )))
}

/// A `--to` that is the date the event already has moves nothing: a
/// reschedule or postponement to it would record a status change that no
/// source reported (most likely the date was mistyped). Repeating a
/// change already recorded (the same status and date) is no such move: it
/// is unchanged, or adds its `--source`.
fn refuse_moving_to_same_date(before: &Event, status: Status, to: &Date) -> Result<()> {
    if to.as_str() != before.date.as_str() || status == before.status {
        return Ok(());
    }
    let id = &before.id;
    let (command, instead) = match status {
        Status::Postponed => (
            "postpone",
            "to record a postponement with no new date yet, leave out --to".to_string(),
        ),
        _ => (
            "reschedule",
            format!("give the new date, or, if it is back on for {to}, use `event edit {id} --status scheduled`"),
        ),
    };
    Err(Error::bad_input(format!(
        "{command} --to {to}: {id} is already on {to}; {instead}"
    )))
}

/// A postponement moves an event later: a `--to` that certainly ends before
/// the event's date starts is more likely a mistyped date (`2025-10-26` for
/// `2025-11-26`) than a postponement, and would be shown as "postponed from"
/// a later date. Moving an event earlier is what `event reschedule` says.
fn refuse_postponing_earlier(current: &Date, to: &Date) -> Result<()> {
    let (Some(starts), Some(ends)) = (current.earliest(), to.latest()) else {
        return Ok(());
    };
    if ends >= starts {
        return Ok(());
    }
    Err(Error::bad_input(format!(
        "postpone --to {to} ends before the event's date {current} starts: a postponement moves an event later; to move it earlier, use `event reschedule --to {to}`"
    )))
}

/// One earlier or current version of an event, as `event show` lists them.
#[derive(Serialize)]
struct VersionRow {
    version: u32,
    recorded_at: String,
    date: String,
    status: String,
    /// The fields this version changed from the one before.
    changed: Vec<String>,
}

#[derive(Serialize)]
struct EventDetail {
    #[serde(flatten)]
    event: TimelineRow,
    version: u32,
    recorded_at: String,
    /// Every version, oldest first: the event's earlier dates and statuses.
    versions: Vec<VersionRow>,
}

impl Row for EventDetail {
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
        "version",
        "recorded_at",
        "versions",
    ];

    fn cells(&self) -> Vec<String> {
        let mut cells = self.event.cells_with_bounds();
        cells.push(self.version.to_string());
        cells.push(self.recorded_at.clone());
        cells.push(
            self.versions
                .iter()
                .map(|v| {
                    format!(
                        "v{} {}: {} {}{}",
                        v.version,
                        v.recorded_at,
                        v.date,
                        v.status,
                        if v.changed.is_empty() {
                            String::new()
                        } else {
                            format!(" (changed {})", v.changed.join(", "))
                        }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
        );
        cells
    }
}

pub(crate) fn changed_fields(old: &Event, new: &Event) -> Vec<String> {
    let mut changed = Vec::new();
    let mut note = |name: &str, differs: bool| {
        if differs {
            changed.push(name.to_string());
        }
    };
    note("title", old.title != new.title);
    note("date", old.date.as_str() != new.date.as_str());
    note("kind", old.kind != new.kind);
    note("status", old.status != new.status);
    note("place", old.place != new.place);
    note("actors", old.actors != new.actors);
    note("sources", old.sources != new.sources);
    note("tags", old.tags != new.tags);
    note("description", old.description != new.description);
    changed
}

fn show(ctx: &Ctx, id: &str) -> Result<()> {
    let format = ctx.read_format()?;
    let store = ctx.open(Access::Read)?;
    let event = require_event(&store, id)?;
    let versions = store.versions::<Event>(id)?;
    let mut names = Names::new(&store);
    let rows = versions
        .iter()
        .enumerate()
        .map(|(i, v)| VersionRow {
            version: v.meta.version,
            recorded_at: v.meta.recorded_at.to_string(),
            date: v.date.to_string(),
            status: v.status.to_string(),
            changed: if i == 0 {
                Vec::new()
            } else {
                changed_fields(&versions[i - 1], v)
            },
        })
        .collect();
    let detail = EventDetail {
        event: TimelineRow::new(event.clone(), &mut names)?,
        version: event.meta.version,
        recorded_at: event.meta.recorded_at.to_string(),
        versions: rows,
    };
    print_detail(format, &detail)
}
