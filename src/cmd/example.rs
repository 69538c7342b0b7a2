//! `factline example`: load the bundled example story and print its timeline.

use crate::cmd::timeline::print_events;
use crate::cmd::Ctx;
use crate::dump::{self, FileIds};
use crate::error::{Code, Error, Result};
use crate::example;
use crate::model::{Actor, Claim, Event, Source};
use crate::query::{self, Filter};
use crate::store::{Access, Record, Store};

/// Loads the example into a new database, or one that holds only the
/// example (where it adds what is missing, and changes nothing the second
/// time). A database with records of the user's is refused, writing
/// nothing: the example's actors and sources would sit beside theirs under
/// the same names ("Axios", "Steve Witkoff"), and such a name finds
/// neither.
pub fn run(ctx: &Ctx) -> Result<()> {
    let format = ctx.read_format()?;
    let store = ctx.open(Access::Write)?;
    let lines: Vec<(usize, dump::Line)> = example::dataset().into_iter().enumerate().collect();
    let mut in_example = FileIds::default();
    for (_, line) in &lines {
        in_example.insert(line);
    }
    let mut change = store.change();
    let mut applied = dump::Applied::default();
    for (number, line) in &lines {
        let in_file = |kind: &'static str, id: &str| in_example.contains(kind, id);
        match dump::apply_line(
            &mut change,
            &store,
            (*number, line),
            "example",
            &in_file,
            &mut applied,
        ) {
            Ok(()) => {}
            // A record under one of the example's ids with another history:
            // the user's own.
            Err(e) if e.code == Code::BadInput => {
                return Err(not_its_own(&store, &dump::line_name(line)))
            }
            Err(e) => return Err(e),
        }
    }
    if applied.added > 0 {
        if let Some(record) = first_not_in(&store, &in_example)? {
            return Err(not_its_own(&store, &record));
        }
    }
    change.commit()?;
    crate::notice(format!(
        "example story in {}: {} record versions added, {} already present",
        store.path().display(),
        applied.added,
        applied.unchanged
    ));
    let events = query::timeline(&store, &Filter::default())?;
    print_events(&store, format, events)
}

/// The first record of the database ("actor sw") that is not one of the
/// example's, retracted ones included. Reads at most one id past the
/// example's of each kind.
fn first_not_in(store: &Store, example: &FileIds) -> Result<Option<String>> {
    Ok(first_of::<Actor>(store, example, "actor")?
        .or(first_of::<Source>(store, example, "source")?)
        .or(first_of::<Event>(store, example, "event")?)
        .or(first_of::<Claim>(store, example, "claim")?))
}

/// The first record of one kind that is not one of the example's.
fn first_of<R: Record>(store: &Store, example: &FileIds, kind: &str) -> Result<Option<String>> {
    for id in store.ids::<R>() {
        let id = id?;
        if !example.contains(kind, &id) {
            return Ok(Some(format!("{kind} {id}")));
        }
    }
    Ok(None)
}

/// The refusal of a database that holds `record`, not the example's.
fn not_its_own(store: &Store, record: &str) -> Error {
    Error::bad_input(format!(
        "{} holds records that are not the example story's ({record}); the example's actors \
         and sources could share names with them, and a shared name finds neither: load the \
         example into a new directory instead, e.g. factline --db example.db example",
        store.path().display()
    ))
}
