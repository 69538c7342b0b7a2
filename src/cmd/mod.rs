//! One module per subcommand, each with one `run()`. This module dispatches
//! and holds what they share: the context (database path, output format,
//! clock) and the display names of ids.

pub mod actor;
pub mod backup;
pub mod check;
pub mod claim;
pub mod contradictions;
pub mod event;
pub mod example;
pub mod export;
pub mod history;
pub mod import;
pub mod link;
pub mod man;
pub mod network;
pub mod path;
pub mod retract;
pub mod search;
pub mod source;
pub mod sources;
pub mod stats;
pub mod timeline;
pub mod who_met;

use std::path::PathBuf;

use crate::cli::{Cli, Command, Format};
use crate::error::{quoted, Error, Result};
use crate::model::{Actor, Date, Source, Stamp};
use crate::store::{Access, Store};

/// What every command gets: where the database is, how to print, and the time.
pub struct Ctx {
    pub db: PathBuf,
    pub format: Option<Format>,
    /// The time recorded on new versions. `FACTLINE_NOW` (RFC 3339) fixes it,
    /// for reproducible scripts and tests.
    pub now: Stamp,
    /// `--as-of`: read the database as recorded at this time.
    pub as_of: Option<Stamp>,
    /// `--wait`: how long to wait for another process to release the database.
    pub wait: std::time::Duration,
}

impl Ctx {
    /// Opens the database for one command. A reading command's store is left
    /// open until the process exits (see `Store::close_at_exit`).
    pub fn open(&self, access: Access) -> Result<Store> {
        crate::store::refuse_working_copy(&self.db)?;
        match (self.as_of, access) {
            (None, Access::Read) => {
                Ok(Store::open_waiting(&self.db, access, self.wait)?.close_at_exit())
            }
            (None, Access::Write) => Store::open_waiting(&self.db, access, self.wait),
            (Some(at), Access::Read) => Store::open_waiting(&self.db, access, self.wait)?
                .close_at_exit()
                .as_of(at),
            (Some(_), Access::Write) => Err(Error::bad_input(
                "--as-of shows the past; it cannot be used with a command that writes",
            )),
        }
    }

    /// Opens the database to copy it (`backup`): closed when dropped, so
    /// that the copy can be opened in the same process.
    pub fn open_closing(&self) -> Result<Store> {
        crate::store::refuse_working_copy(&self.db)?;
        Store::open_waiting(&self.db, Access::Read, self.wait)
    }

    /// The format of a read command: table (default), csv or json.
    pub fn read_format(&self) -> Result<Format> {
        match self.format {
            None => Ok(Format::Table),
            Some(f @ (Format::Table | Format::Csv | Format::Json)) => Ok(f),
            Some(other) => Err(Error::bad_input(format!(
                "--format {} is for export; this command writes table, csv or json",
                other.name()
            ))),
        }
    }
}

/// Refuses an edit that names one item both to add and to remove
/// (`--add-tag keep --remove-tag keep`): the two cannot both be done, and
/// which one the user meant is not known. `what` is the options' noun
/// (`tag`); the spellings are compared as names are (`fold`), before
/// anything is looked up, so that the refusal is the same whether the item
/// is there, missing or unknown. [`added_and_removed`] says the same of two
/// spellings found to name one record.
pub fn refuse_add_and_remove(what: &str, added: &[String], removed: &[String]) -> Result<()> {
    use crate::model::names::fold;
    for add in added {
        if let Some(remove) = removed.iter().find(|r| fold(r) == fold(add)) {
            return Err(added_and_removed(what, add, remove, None));
        }
    }
    Ok(())
}

/// The error of an edit that adds and removes one item: `--add-WHAT` given
/// `added` and `--remove-WHAT` given `removed`, which name `item` (when the
/// spellings differ, what they both found).
pub fn added_and_removed(what: &str, added: &str, removed: &str, item: Option<&str>) -> Error {
    let (added, removed) = (crate::model::trimmed(added), crate::model::trimmed(removed));
    let named = match item {
        Some(item) if added != removed => {
            format!(
                "--add-{what} {} and --remove-{what} {} both name {item}",
                quoted(added),
                quoted(removed)
            )
        }
        _ => format!(
            "--add-{what} and --remove-{what} both name {}",
            quoted(added)
        ),
    };
    Error::bad_input(format!(
        "{named}; an edit cannot add and remove the same {what}: give it to one of them"
    ))
}

/// Refuses the first option that a format does not use, of `unused` (each
/// one `Some` with what to say of it, such as "--raw is written by
/// --format csv only"), naming the format (`not`): an option asked for and
/// then ignored would give the user something else without a word.
pub fn refuse_unused_options(
    unused: impl IntoIterator<Item = Option<String>>,
    not: &str,
) -> Result<()> {
    match unused.into_iter().flatten().next() {
        Some(refused) => Err(Error::bad_input(format!("{refused}, not {not}"))),
        None => Ok(()),
    }
}

pub fn run(cli: Cli) -> Result<()> {
    crate::set_quiet(cli.quiet);
    crate::set_verbose(cli.verbose);
    crate::output::set_color(cli.color);
    let now = match std::env::var("FACTLINE_NOW") {
        Ok(text) => {
            Stamp::parse(&text).map_err(|e| Error::bad_input(format!("FACTLINE_NOW: {e}")))?
        }
        Err(_) => Stamp::now(),
    };
    let as_of = cli.as_of.as_deref().map(parse_as_of).transpose()?;
    let ctx = Ctx {
        db: cli.db,
        format: cli.format,
        now,
        as_of,
        wait: std::time::Duration::from_secs_f64(cli.wait.unwrap_or(0.0).clamp(0.0, 86_400.0)),
    };
    let existed = crate::store::exists(&ctx.db);
    let result = dispatch(&ctx, cli.command);
    if result.as_ref().is_err_and(|e| !e.broken_pipe) && !existed {
        // A failed first command must not leave an empty database behind.
        crate::store::discard_if_empty(&ctx.db);
    }
    result
}

/// What a command prints when it has no use for `--format`, or `None` for
/// a command that writes its output (or, for `import`, reads its input) in
/// the format given.
fn output_without_format(command: &Command) -> Option<&'static str> {
    use crate::cli::{ActorCommand, ClaimCommand, EventCommand, SourceCommand};
    match command {
        Command::Actor(ActorCommand::List | ActorCommand::Show { .. })
        | Command::Source(SourceCommand::List)
        | Command::Event(EventCommand::List | EventCommand::Show { .. })
        | Command::Claim(ClaimCommand::List(_) | ClaimCommand::Show { .. }) => None,
        Command::Actor(_)
        | Command::Source(_)
        | Command::Event(_)
        | Command::Claim(_)
        | Command::Link(_)
        | Command::Retract(_) => Some("the id of the record it wrote"),
        Command::Completions { .. } => Some("a shell script"),
        Command::Man { .. } => Some("a man page"),
        _ => None,
    }
}

fn dispatch(ctx: &Ctx, command: Command) -> Result<()> {
    // An option asked for and then ignored would give the user something
    // else without a word.
    if let (Some(format), Some(prints)) = (ctx.format, output_without_format(&command)) {
        return Err(Error::bad_input(format!(
            "--format {} is for commands that list or report; this command prints {prints}",
            format.name()
        )));
    }
    match command {
        Command::Check { repair } => check::run(ctx, repair),
        Command::Stats => stats::run(ctx),
        Command::Search { text, limit } => search::run(ctx, &text, limit),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            // Generated into memory: clap_complete panics on a write error,
            // and a closed pipe is not one (`factline completions bash | head`).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "factline", &mut script);
            std::io::Write::write_all(&mut crate::output::stdout(), &script)?;
            Ok(())
        }
        Command::Man { command } => man::run(&command),
        Command::Backup { dest } => backup::backup(ctx, &dest),
        Command::Restore { src } => backup::restore(ctx, &src),
        Command::Compact => backup::compact(ctx),
        Command::Claim(c) => claim::run(ctx, c),
        Command::Claims(args) => claim::run(ctx, crate::cli::ClaimCommand::List(args)),
        Command::Contradictions => contradictions::run(ctx),
        Command::Sources { id, kind } => sources::run(ctx, &id, kind),
        Command::Link(args) => link::run(ctx, args),
        Command::History(args) => history::run(ctx, args),
        Command::Retract(args) => retract::run(ctx, args),
        Command::Actor(c) => actor::run(ctx, c),
        Command::Actors { similar } => actor::actors(ctx, similar),
        Command::Source(c) => source::run(ctx, c),
        Command::Event(c) => event::run(ctx, c),
        Command::Timeline(args) => timeline::run(ctx, args),
        Command::WhoMet(args) => who_met::run(ctx, args),
        Command::Path(args) => path::run(ctx, args),
        Command::Network(args) => network::run(ctx, args),
        Command::Export(args) => export::run(ctx, args),
        Command::Import(args) => import::run(ctx, args),
        Command::Example => example::run(ctx),
    }
}

/// Parses `--as-of`: an RFC 3339 time, or a day meaning the end of that day
/// ("what did we know on 2025-11-20?" includes what was recorded that day).
fn parse_as_of(text: &str) -> Result<Stamp> {
    let stamp = Stamp::parse(text).map_err(|e| Error::bad_input(format!("--as-of: {e}")))?;
    let whole_day = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok();
    Ok(if whole_day {
        Stamp(stamp.0 + 86_400_000_000 - 1)
    } else {
        stamp
    })
}

/// Parses a date the user typed (EDTF or a phrase), echoing the EDTF stored
/// when it differs from what was typed, so the user sees what was kept.
pub fn parse_user_date(flag: &str, text: &str) -> Result<Date> {
    let date = Date::parse_human(text).map_err(|e| Error::bad_input(format!("{flag}: {e}")))?;
    if date.as_str() != text {
        crate::notice(format!("{flag} {text:?} read as {}", date.as_str()));
    }
    Ok(date)
}

/// Parses `--from`/`--to` into a window (overlap semantics).
pub fn window(args: &crate::cli::WindowArgs) -> Result<crate::query::Window> {
    let (from, to) = window_dates(args)?;
    Ok(crate::query::Window::new(from.as_ref(), to.as_ref(), false))
}

/// The dates of `--from` and `--to`, checked as [`window`] checks them: for
/// a query that hands its window to the timeline's indexes.
pub fn window_dates(args: &crate::cli::WindowArgs) -> Result<(Option<Date>, Option<Date>)> {
    let from = args
        .from
        .as_deref()
        .map(|d| parse_user_date("--from", d))
        .transpose()?;
    let to = args
        .to
        .as_deref()
        .map(|d| parse_user_date("--to", d))
        .transpose()?;
    refuse_inverted_window(from.as_ref(), to.as_ref())?;
    Ok((from, to))
}

/// Refuses a window that ends before it starts: it can hold nothing (and
/// with overlap semantics it would hold what spans the gap, a surprise).
pub fn refuse_inverted_window(from: Option<&Date>, to: Option<&Date>) -> Result<()> {
    match (from, to) {
        (Some(from), Some(to)) if from.earliest_day() > to.latest_day() => {
            Err(Error::bad_input(format!(
                "--from {} is after --to {}: the window is empty",
                from.as_str(),
                to.as_str()
            )))
        }
        _ => Ok(()),
    }
}

/// Display names for actor and source ids, read once each.
pub struct Names<'s> {
    store: &'s Store,
    /// Whether a name that several live actors (or sources) share, and a
    /// retracted one's, is given as the id instead (see
    /// [`Names::for_import`]).
    unambiguous: bool,
    /// An actor's name (or id, see `unambiguous`), and whether it is
    /// retracted.
    actors: foldhash::HashMap<String, (String, bool)>,
    /// The same for a source.
    sources: foldhash::HashMap<String, (String, bool)>,
    /// How many live sources have each folded name (read on first use).
    source_names: Option<foldhash::HashMap<String, usize>>,
    /// Actors looked up one by one in the name index so far, and, once that
    /// passes [`SHARED_SPELLINGS_AFTER`], every spelling that several actors
    /// have, read in one scan (see [`Names::actor_name_is_shared`]).
    name_lookups: usize,
    shared_spellings: Option<foldhash::HashMap<String, Vec<String>>>,
    /// Whether an event or a claim (by kind and id) is retracted, as
    /// [`Names::live_ids`] has read it.
    retracted_records: foldhash::HashMap<(u8, String), bool>,
}

/// After this many one-by-one lookups, a listing reads the whole name index
/// once instead. A lookup reads one page of it; a whole scan reads each of
/// its pages once, so the scan costs no more than the lookups so far unless
/// the index has more pages than this (about 50 spellings a page: a million
/// actors). A month of a million-event timeline names about 9,000 actors.
const SHARED_SPELLINGS_AFTER: usize = 1_000;

impl<'s> Names<'s> {
    pub fn new(store: &'s Store) -> Names<'s> {
        Names {
            store,
            unambiguous: false,
            actors: Default::default(),
            sources: Default::default(),
            source_names: None,
            name_lookups: 0,
            shared_spellings: None,
            retracted_records: Default::default(),
        }
    }

    /// Names for rows that `import` reads back (the timeline and claims
    /// CSV, a TimelineJS sheet): a name that several live actors or sources
    /// share is given as the id, so that the import finds each again.
    /// Retracted actors and sources are left out of a fact's lists, as in
    /// every listing (an import into the same database keeps the stored
    /// links to them; into a new one they do not come back as live
    /// records); where one is a fact's only value (a claim's claimant, a
    /// verdict's source) it is given as its id, which the import links
    /// again, leaving it retracted. Checking names costs an index read per
    /// actor (one scan of the name index after [`SHARED_SPELLINGS_AFTER`]
    /// actors), so only these rows pay it (a who-met of a busy actor names
    /// 20,000 partners).
    pub fn for_import(store: &'s Store) -> Names<'s> {
        Names {
            unambiguous: true,
            ..Names::new(store)
        }
    }

    pub fn actor(&mut self, id: &str) -> Result<String> {
        Ok(self.actor_entry(id)?.0.clone())
    }

    /// Whether the actor with this id is retracted (an unknown id is not).
    pub fn actor_retracted(&mut self, id: &str) -> Result<bool> {
        Ok(self.actor_entry(id)?.1)
    }

    fn actor_entry(&mut self, id: &str) -> Result<&(String, bool)> {
        if !self.actors.contains_key(id) {
            let entry = match self.store.get::<Actor>(id)? {
                Some(actor) => {
                    let retracted = actor.meta.retracted.is_some();
                    let as_id =
                        self.unambiguous && (retracted || self.actor_name_is_shared(&actor)?);
                    (if as_id { actor.id } else { actor.name }, retracted)
                }
                None => (id.to_string(), false),
            };
            self.actors.insert(id.to_string(), entry);
        }
        Ok(&self.actors[id])
    }

    /// Whether another live actor has `actor`'s name (folded); one merged
    /// away keeps its spellings, and does not count. A name written as an
    /// id (`resolve::named_as_id`) is shared only with an actor named so
    /// exactly, since no other spelling finds it.
    fn actor_name_is_shared(&mut self, actor: &Actor) -> Result<bool> {
        let as_id = crate::resolve::named_as_id(&actor.name);
        let folded = crate::model::names::fold(&actor.name);
        if self.shared_spellings.is_none() && self.name_lookups >= SHARED_SPELLINGS_AFTER {
            self.shared_spellings = Some(self.spellings_of_several()?);
        }
        let others = match &self.shared_spellings {
            Some(shared) => shared.get(&folded).cloned().unwrap_or_default(),
            None => {
                self.name_lookups += 1;
                self.store.actors_named(&folded)?
            }
        };
        for other in others {
            if other != actor.id
                && self.store.get::<Actor>(&other)?.is_some_and(|a| {
                    a.meta.retracted.is_none()
                        && (a.name == actor.name || !as_id && !crate::resolve::named_as_id(&a.name))
                })
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Every folded spelling that more than one actor has (live or not),
    /// with their ids: one scan of the name index, which is in spelling order.
    fn spellings_of_several(&self) -> Result<foldhash::HashMap<String, Vec<String>>> {
        let mut shared = foldhash::HashMap::default();
        let mut current: Option<(String, Vec<String>)> = None;
        for entry in self.store.all_names() {
            let (folded, id) = entry?;
            match &mut current {
                Some((spelling, ids)) if *spelling == folded => ids.push(id),
                _ => {
                    if let Some((spelling, ids)) = current.replace((folded, vec![id])) {
                        if ids.len() > 1 {
                            shared.insert(spelling, ids);
                        }
                    }
                }
            }
        }
        if let Some((spelling, ids)) = current {
            if ids.len() > 1 {
                shared.insert(spelling, ids);
            }
        }
        Ok(shared)
    }

    pub fn source(&mut self, id: &str) -> Result<String> {
        Ok(self.source_entry(id)?.0.clone())
    }

    /// Whether the source with this id is retracted (an unknown id is not).
    pub fn source_retracted(&mut self, id: &str) -> Result<bool> {
        Ok(self.source_entry(id)?.1)
    }

    fn source_entry(&mut self, id: &str) -> Result<&(String, bool)> {
        if !self.sources.contains_key(id) {
            let entry = match self.store.get::<Source>(id)? {
                Some(source) => {
                    let retracted = source.meta.retracted.is_some();
                    let as_id = self.unambiguous
                        && (retracted || self.source_name_is_shared(&source.name)?);
                    (if as_id { source.id } else { source.name }, retracted)
                }
                None => (id.to_string(), false),
            };
            self.sources.insert(id.to_string(), entry);
        }
        Ok(&self.sources[id])
    }

    /// Whether another live source has this name (folded; a name written
    /// as an id, `resolve::named_as_id`, only as written, since no other
    /// spelling finds it).
    fn source_name_is_shared(&mut self, name: &str) -> Result<bool> {
        fn key(name: &str) -> String {
            if crate::resolve::named_as_id(name) {
                format!("\0{name}")
            } else {
                crate::model::names::fold(name)
            }
        }
        if self.source_names.is_none() {
            let mut counts = foldhash::HashMap::default();
            for other in self.store.live::<Source>() {
                *counts.entry(key(&other?.name)).or_insert(0) += 1;
            }
            self.source_names = Some(counts);
        }
        Ok(self
            .source_names
            .as_ref()
            .and_then(|counts| counts.get(&key(name)))
            .is_some_and(|&n| n > 1))
    }

    /// The links whose source is not retracted: a retracted source is left
    /// out of a fact's listings and counts, as every retracted record is
    /// (a report repeating it still counts it as its origin).
    pub fn live_links(
        &mut self,
        links: &[crate::model::SourceLink],
    ) -> Result<Vec<crate::model::SourceLink>> {
        let mut live = Vec::with_capacity(links.len());
        for link in links {
            if !self.source_retracted(&link.source)? {
                live.push(link.clone());
            }
        }
        Ok(live)
    }

    /// The actors a fact lists, of `ids`: the names of the live ones, as a
    /// retracted actor is left out of every listing.
    pub fn actors(&mut self, ids: &[String]) -> Result<Vec<String>> {
        let mut listed = Vec::with_capacity(ids.len());
        for id in ids {
            let (name, retracted) = self.actor_entry(id)?;
            if !retracted {
                listed.push(name.clone());
            }
        }
        Ok(listed)
    }

    /// The ids of `ids` whose record (an event a claim is about, a claim
    /// it contradicts or supports) is not retracted. A retracted event or
    /// claim is left out of a claim's lists in every form, the claims CSV
    /// too: the CSV forms leave out the record itself, so a new database
    /// could not link it, and an import into the same database keeps the
    /// claim's stored link to it.
    pub fn live_ids<R: crate::store::Record>(&mut self, ids: &[String]) -> Result<Vec<String>> {
        let mut live = Vec::with_capacity(ids.len());
        for id in ids {
            let key = (R::KIND, id.clone());
            let retracted = match self.retracted_records.get(&key) {
                Some(&retracted) => retracted,
                None => {
                    let retracted = self
                        .store
                        .get::<R>(id)?
                        .is_some_and(|r| r.meta().retracted.is_some());
                    self.retracted_records.insert(key, retracted);
                    retracted
                }
            };
            if !retracted {
                live.push(id.clone());
            }
        }
        Ok(live)
    }

    pub fn sources(&mut self, links: &[crate::model::SourceLink]) -> Result<Vec<String>> {
        links.iter().map(|l| self.source(&l.source)).collect()
    }
}

/// A name as a listing shows it: followed by `(retracted)` when its actor
/// or source was retracted since, as source chains mark one. A fact keeps
/// its claimant and its verdict's source, but on the word of a record the
/// user no longer trusts.
pub fn marked(name: String, retracted: bool) -> String {
    match retracted {
        true => format!("{name} (retracted)"),
        false => name,
    }
}

/// Refuses `--id ID` for a new record of kind `what` when a record of
/// that kind has the id. A retracted record keeps its id (`history` shows
/// it under that id), and the error says so, with why.
pub fn refuse_taken_id<R: crate::store::Record>(store: &Store, what: &str, id: &str) -> Result<()> {
    let Some(record) = store.get::<R>(id)? else {
        return Ok(());
    };
    Err(Error::bad_input(match &record.meta().retracted {
        Some(reason) => format!(
            "{what} id {id} is taken by a retracted {what} ({reason}); \
             `factline history {id}` shows it; give another id"
        ),
        None => format!("{what} id {id} is taken"),
    }))
}

/// How to name a new actor or source what `input` says, when `input` as
/// typed is the id of a retracted record named `name`, and so means that
/// record (the CSV forms write a retracted record as its id, and an import
/// reads it so): by that name, when it is another spelling of `input`
/// (`Axios` for `axios`), else by `input` with a capital (`Lower` for
/// `lower`).
pub fn naming_instead_of_id(input: &str, name: &str) -> String {
    if name != input && crate::model::names::fold(name) == crate::model::names::fold(input) {
        return format!("name it {}", quoted(name));
    }
    let mut capitalized = String::with_capacity(input.len());
    let mut done = false;
    for c in input.chars() {
        if !done && c.is_lowercase() {
            capitalized.extend(c.to_uppercase());
            done = true;
        } else {
            capitalized.push(c);
        }
    }
    match done {
        true => format!("name it {}", quoted(&capitalized)),
        false => "give it another name".to_string(),
    }
}

/// Parses a keyword option (`--kind`, `--status`) into its enum.
pub fn keyword<T: std::str::FromStr<Err = String>>(text: &str) -> Result<T> {
    text.parse::<T>().map_err(Error::bad_input)
}
