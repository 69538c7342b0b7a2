//! `factline actor add|alias|list|show|edit`.

use serde::Serialize;

use crate::cli::{ActorAddArgs, ActorCommand, ActorEditArgs};
use crate::cmd::{added_and_removed, keyword, refuse_add_and_remove, Ctx, Names};
use crate::error::{quoted, Error, Result};
use crate::graph::{self, Rules};
use crate::model::names::{fold, slug, validate_id};
use crate::model::{self, Actor, ActorKind, Date, Meta, Role};
use crate::output::{join, print_detail, print_rows, Row};
use crate::query::{self, Filter, Window};
use crate::resolve::{find_actor, require_actor, retracted_record, unused_id, Lookup};
use crate::store::{Access, Store};

pub fn run(ctx: &Ctx, command: ActorCommand) -> Result<()> {
    match command {
        ActorCommand::Add(args) => add(ctx, args),
        ActorCommand::Alias { actor, alias } => alias_cmd(ctx, &actor, &alias),
        ActorCommand::List => list(ctx),
        ActorCommand::Show { actor } => show(ctx, &actor),
        ActorCommand::Edit(args) => edit(ctx, args),
        ActorCommand::Merge { into, from } => merge(ctx, &into, &from),
    }
}

/// `factline actors [--similar]`.
pub fn actors(ctx: &Ctx, similar: bool) -> Result<()> {
    if !similar {
        return list(ctx);
    }
    let format = ctx.read_format()?;
    let store = ctx.open(Access::Read)?;
    let mut names = Names::new(&store);
    let mut rows = Vec::new();
    for pair in crate::resolve::similar_actors(&store)? {
        rows.push(SimilarRow {
            a_name: names.actor(&pair.a)?,
            b_name: names.actor(&pair.b)?,
            a: pair.a,
            b: pair.b,
            a_spelling: pair.a_spelling,
            b_spelling: pair.b_spelling,
            similarity: (pair.score * 100.0).round() / 100.0,
        });
    }
    print_rows(format, &rows)
}

#[derive(Serialize)]
struct SimilarRow {
    a: String,
    a_name: String,
    b: String,
    b_name: String,
    /// The two spellings that look alike (folded).
    a_spelling: String,
    b_spelling: String,
    /// 0 (unlike) to 1 (equal).
    similarity: f64,
}

impl Row for SimilarRow {
    const HEADERS: &'static [&'static str] = &[
        "a",
        "a_name",
        "b",
        "b_name",
        "a_spelling",
        "b_spelling",
        "similarity",
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.a.clone(),
            self.a_name.clone(),
            self.b.clone(),
            self.b_name.clone(),
            self.a_spelling.clone(),
            self.b_spelling.clone(),
            format!("{:.2}", self.similarity),
        ]
    }
}

/// Merges actor `from` into `into`, in one atomic change: every record that
/// names `from` gets a new version naming `into`, and `from` is retracted.
fn merge(ctx: &Ctx, into: &str, from: &str) -> Result<()> {
    let store = ctx.open(Access::Write)?;
    let keep = require_actor(&store, into)?;
    let gone = require_actor(&store, from)?;
    if keep.id == gone.id {
        return Err(Error::bad_input(format!(
            "{} and {} are the same actor",
            quoted(into),
            quoted(from)
        )));
    }
    // One bulk change, as an import is: a busy actor's merge rewrites tens
    // of thousands of events, which one atomic batch held in memory at once
    // (2.4 GB for 66,000 events of a million); a bulk change writes its pages
    // in batches, under the undo log that makes it whole or nothing.
    let mut change = store.merge_bulk()?;
    let replace = |ids: &mut Vec<String>| -> bool {
        if !ids.contains(&gone.id) {
            return false;
        }
        let mut out: Vec<String> = Vec::with_capacity(ids.len());
        for id in ids.drain(..) {
            let id = if id == gone.id { keep.id.clone() } else { id };
            if !out.contains(&id) {
                out.push(id);
            }
        }
        *ids = out;
        true
    };
    // Events with `from` as a participant.
    let event_ids: Vec<String> = store
        .actor_event_ids(&gone.id)
        .map(|r| r.map(|(_, _, id)| id))
        .collect::<Result<_>>()?;
    for id in event_ids {
        if let Some(mut event) = store.get::<crate::model::Event>(&id)? {
            if replace(&mut event.actors) {
                event.meta = event.meta.next(ctx.now);
                change.put(&event)?;
            }
        }
    }
    // Claims by or about `from`.
    let mut claim_ids: Vec<String> = store
        .pair_index(crate::store::keys::CLAIMANT, &gone.id)
        .chain(store.pair_index(crate::store::keys::ABOUT, &gone.id))
        .collect::<Result<_>>()?;
    claim_ids.sort();
    claim_ids.dedup();
    for id in claim_ids {
        if let Some(mut claim) = store.get::<crate::model::Claim>(&id)? {
            let mut changed = replace(&mut claim.about_actors);
            if claim.claimant == gone.id {
                claim.claimant = keep.id.clone();
                changed = true;
            }
            if changed {
                claim.meta = claim.meta.next(ctx.now);
                change.put(&claim)?;
            }
        }
    }
    // Roles held of or for `from`.
    let holders: Vec<String> = store.role_holders(&gone.id).collect::<Result<_>>()?;
    for holder in holders {
        if holder == keep.id || holder == gone.id {
            continue; // their roles are merged below
        }
        if let Some(mut actor) = store.get::<Actor>(&holder)? {
            let roles = std::mem::take(&mut actor.roles);
            actor.roles = merged_roles(&holder, roles, &gone.id, &keep.id);
            actor.meta = actor.meta.next(ctx.now);
            change.put(&actor)?;
        }
    }
    // `from` is retracted first (freeing its spellings), then `into` takes them.
    let mut retired = gone.clone();
    retired.meta = gone
        .meta
        .retract(ctx.now, &crate::resolve::merge_reason(&keep.id));
    change.put(&retired)?;
    let mut kept = change.get::<Actor>(&keep.id)?.unwrap_or(keep.clone());
    let mut spellings = kept.aliases.clone();
    spellings.extend(gone.spellings().map(String::from));
    kept.aliases = dedup_spellings(&kept.name, &spellings);
    let roles = std::mem::take(&mut kept.roles);
    let roles = roles.into_iter().chain(gone.roles.iter().cloned());
    kept.roles = merged_roles(&keep.id, roles, &gone.id, &keep.id);
    if kept.description.is_empty() {
        kept.description = gone.description.clone();
    }
    kept.meta = kept.meta.next(ctx.now);
    change.put(&kept)?;
    change.commit()?;
    crate::notice(format!(
        "merged {} ({}) into {} ({})",
        gone.name, gone.id, keep.name, keep.id
    ));
    crate::output::print_saved(&keep.id)
}

/// The roles of the actor `holder` once actor `gone` is merged into `keep`:
/// a role of `gone` is a role of `keep`, each role is kept once, and a role
/// of the holder itself (of `keep`, held by `keep`) is dropped: it says
/// nothing.
fn merged_roles(
    holder: &str,
    roles: impl IntoIterator<Item = Role>,
    gone: &str,
    keep: &str,
) -> Vec<Role> {
    let mut merged = Vec::new();
    for mut role in roles {
        if role.of.as_deref() == Some(gone) {
            role.of = Some(keep.to_string());
        }
        // Refused only for a role of the holder itself, which is dropped.
        let _ = model::add_role(holder, &mut merged, role);
    }
    merged
}

fn add(ctx: &Ctx, args: ActorAddArgs) -> Result<()> {
    let name: &str = &model::one_name("actor name", &args.name, 500).map_err(Error::bad_input)?;
    let aliases = args
        .aliases
        .iter()
        .map(|alias| model::one_name("alias", alias, 500).map(std::borrow::Cow::into_owned))
        .collect::<std::result::Result<Vec<String>, String>>()
        .map_err(Error::bad_input)?;
    let given_id = args.id.as_deref().map(model::trimmed);
    if let Some(id) = given_id {
        validate_id(id).map_err(Error::bad_input)?;
    }
    let kind: ActorKind = keyword(&args.kind)?;
    let store = ctx.open(Access::Write)?;
    for spelling in std::iter::once(name).chain(aliases.iter().map(String::as_str)) {
        match find_spelling(&store, spelling)? {
            Lookup::Found(existing) => {
                return Err(Error::bad_input(format!(
                    "{} already names actor {} ({})",
                    quoted(spelling),
                    existing.name,
                    existing.id
                )))
            }
            Lookup::Missing {
                suggestion: Some(near),
            } if !args.new_actor => {
                return Err(Error::bad_input(format!(
                    "{} is close to an existing actor; did you mean {}? (add --new-actor if this is someone else)",
                    quoted(spelling),
                    quoted(&near.name)
                )))
            }
            Lookup::Missing { .. } => {}
        }
    }
    let id = match given_id {
        Some(id) => {
            crate::cmd::refuse_taken_id::<Actor>(&store, "actor", id)?;
            id.to_string()
        }
        None => unused_id(|id| Ok(store.get::<Actor>(id)?.is_some()), &slug(name))?,
    };
    let mut actor = Actor {
        id: id.clone(),
        name: name.to_string(),
        kind,
        aliases: dedup_spellings(name, &aliases),
        description: note(args.note)?,
        roles: Vec::new(),
        meta: Meta::first(ctx.now),
    };
    for text in &args.roles {
        add_role(&mut actor, parse_role(&store, text)?, text)?;
    }
    let mut change = store.change();
    change.put(&actor)?;
    change.commit()?;
    crate::output::print_saved(id)
}

/// Aliases without blanks and without repeats of the name or of each other.
fn dedup_spellings(name: &str, aliases: &[String]) -> Vec<String> {
    let mut seen = vec![fold(name)];
    let mut out = Vec::new();
    for alias in aliases {
        let folded = fold(alias);
        if !seen.contains(&folded) {
            seen.push(folded);
            out.push(model::trimmed(alias).to_string());
        }
    }
    out
}

fn note(text: Option<String>) -> Result<String> {
    let text = text.unwrap_or_default();
    model::validate_note("note", &text, model::MAX_NOTE_CHARS).map_err(Error::bad_input)?;
    Ok(text)
}

/// Parses `TITLE [@ ACTOR] [| DATE]`: "US special envoy @ Donald Trump | 2025-01/..".
pub fn parse_role(store: &Store, text: &str) -> Result<Role> {
    let (title, of, span) = split_role(text)?;
    let of = of.map(|of| require_actor(store, of)).transpose()?;
    Ok(Role {
        title: title.to_string(),
        of: of.map(|actor| actor.id),
        span,
    })
}

/// The parts of `TITLE [@ ACTOR] [| DATE]`: the title checked, the actor as
/// typed, the span read.
fn split_role(text: &str) -> Result<(&str, Option<&str>, Option<Date>)> {
    let (rest, span) = match text.split_once('|') {
        Some((rest, date)) => {
            let date = Date::parse_human(date.trim())
                .map_err(|e| Error::bad_input(format!("role {}: {e}", quoted(text))))?;
            (rest, Some(date))
        }
        None => (text, None),
    };
    let (title, of) = match rest.split_once(" @ ") {
        Some((title, of)) => (title, Some(of)),
        None => (rest, None),
    };
    let title = model::one_line("role", title, 500).map_err(Error::bad_input)?;
    Ok((title, of, span))
}

/// Adds `role`, which the user wrote as `text`, to `actor` (kept once; a
/// role of the actor itself is refused).
fn add_role(actor: &mut Actor, role: Role, text: &str) -> Result<()> {
    model::add_role(&actor.id, &mut actor.roles, role)
        .map_err(|e| Error::bad_input(format!("role {}: {e}", quoted(text))))?;
    Ok(())
}

/// Removes the role `spec` names (`TITLE [@ ACTOR] [| DATE]`) from `actor`,
/// and returns it. A role exactly as written is the one meant (with any
/// repeats of it an older database holds); otherwise the one role with that
/// title, and that actor and span where given. Refused when that names no
/// role, or several: they are listed, written as one of them is named.
fn remove_role(store: &Store, actor: &mut Actor, spec: &str) -> Result<Role> {
    let (title, of_text, span) = split_role(spec)?;
    let of = match of_text.map(model::trimmed) {
        None => None,
        // The id of the actor a role is held of, as `history` writes it,
        // even when that actor is retracted since.
        Some(of) if actor.roles.iter().any(|r| r.of.as_deref() == Some(of)) => Some(of.to_string()),
        Some(of) => Some(require_actor(store, of)?.id),
    };
    let written = Role {
        title: title.to_string(),
        of: of.clone(),
        span: span.clone(),
    };
    let mut meant: Vec<&Role> = actor.roles.iter().filter(|r| r.same_as(&written)).collect();
    if meant.is_empty() {
        meant = actor
            .roles
            .iter()
            .filter(|r| {
                fold(&r.title) == fold(title)
                    && (of.is_none() || r.of == of)
                    && (span.is_none() || r.span == span)
            })
            .collect();
    }
    let role = match meant.as_slice() {
        [] => {
            return Err(Error::bad_input(format!(
                "{} has no role {}",
                actor.name,
                quoted(model::trimmed(spec))
            )))
        }
        [one] => (*one).clone(),
        [first, rest @ ..] if rest.iter().all(|r| r.same_as(first)) => (*first).clone(),
        several => {
            let mut names = Names::new(store);
            let listed = several
                .iter()
                .map(|r| role_text(r, &mut names))
                .collect::<Result<Vec<_>>>()?;
            return Err(Error::bad_input(format!(
                "{} has {} roles {}: {}; name one as it is written here",
                actor.name,
                several.len(),
                quoted(model::trimmed(spec)),
                listed
                    .iter()
                    .map(|r| quoted(r).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    };
    actor.roles.retain(|r| !r.same_as(&role));
    Ok(role)
}

/// A role as `--role` takes it: `TITLE @ ACTOR | DATE`.
fn role_text(role: &Role, names: &mut Names) -> Result<String> {
    let mut text = role.title.clone();
    if let Some(of) = &role.of {
        text.push_str(&format!(" @ {}", names.actor(of)?));
    }
    if let Some(span) = &role.span {
        text.push_str(&format!(" | {}", span.as_str()));
    }
    Ok(text)
}

fn alias_cmd(ctx: &Ctx, actor: &str, alias: &str) -> Result<()> {
    let alias: &str = &model::one_name("alias", alias, 500).map_err(Error::bad_input)?;
    let store = ctx.open(Access::Write)?;
    let mut actor = require_actor(&store, actor)?;
    if let Lookup::Found(other) = find_spelling(&store, alias)? {
        if other.id == actor.id {
            crate::notice(format!("{} already finds {}", quoted(alias), actor.name));
            return crate::output::print_line(&actor.id);
        }
        return Err(Error::bad_input(format!(
            "{} already names actor {} ({})",
            quoted(alias),
            other.name,
            other.id
        )));
    }
    actor.aliases.push(alias.to_string());
    actor.meta = actor.meta.next(ctx.now);
    let mut change = store.change();
    change.put(&actor)?;
    change.commit()?;
    crate::output::print_saved(&actor.id)
}

fn edit(ctx: &Ctx, args: ActorEditArgs) -> Result<()> {
    refuse_add_and_remove("alias", &args.add_aliases, &args.remove_aliases)?;
    refuse_add_and_remove("role", &args.add_roles, &args.remove_roles)?;
    let store = ctx.open(Access::Write)?;
    let before = require_actor(&store, &args.actor)?;
    let mut actor = before.clone();
    if let Some(name) = &args.name {
        let name: &str = &model::one_name("actor name", name, 500).map_err(Error::bad_input)?;
        check_spelling_free(&store, name, &actor.id)?;
        let old = std::mem::replace(&mut actor.name, name.to_string());
        actor.aliases.insert(0, old);
    }
    if let Some(kind) = &args.kind {
        actor.kind = keyword(kind)?;
    }
    if let Some(text) = args.note {
        actor.description = note(Some(text))?;
    }
    for alias in &args.add_aliases {
        let alias: &str = &model::one_name("alias", alias, 500).map_err(Error::bad_input)?;
        check_spelling_free(&store, alias, &actor.id)?;
        actor.aliases.push(alias.to_string());
    }
    for alias in &args.remove_aliases {
        let before_len = actor.aliases.len();
        actor.aliases.retain(|a| fold(a) != fold(alias));
        if actor.aliases.len() == before_len {
            return Err(Error::bad_input(format!(
                "{} has no alias {}",
                actor.name,
                quoted(alias)
            )));
        }
    }
    let mut removed_roles = Vec::new();
    for spec in &args.remove_roles {
        removed_roles.push((spec, remove_role(&store, &mut actor, spec)?));
    }
    for text in &args.add_roles {
        let role = parse_role(&store, text)?;
        if let Some((spec, removed)) = removed_roles.iter().find(|(_, r)| r.same_as(&role)) {
            let item = format!(
                "the role {}",
                quoted(&role_text(removed, &mut Names::new(&store))?)
            );
            return Err(added_and_removed("role", text, spec, Some(&item)));
        }
        add_role(&mut actor, role, text)?;
    }
    actor.aliases = dedup_spellings(&actor.name, &actor.aliases);
    if actor == before {
        crate::notice("nothing to change");
        return crate::output::print_line(&actor.id);
    }
    actor.meta = before.meta.next(ctx.now);
    let mut change = store.change();
    change.put(&actor)?;
    change.commit()?;
    crate::output::print_saved(&actor.id)
}

/// What `spelling`, a name or alias given to an actor, finds (see
/// [`find_actor`]). A retracted actor's id as typed means that actor when
/// no live actor has it as a name (the CSV forms write a retracted actor
/// so, and an import reads it so): it cannot name another, and the error
/// names the spelling to use instead, as `source add` does.
fn find_spelling(store: &Store, spelling: &str) -> Result<Lookup<Actor>> {
    find_actor(store, spelling).or_else(|error| {
        let spelling = model::trimmed(spelling);
        match store.get::<Actor>(spelling)? {
            Some(actor)
                if actor.meta.retracted.is_some()
                    && store.actors_named(&fold(spelling))?.is_empty() =>
            {
                Err(Error::bad_input(format!(
                    "{}; an actor cannot be named by that id: {}",
                    retracted_record("actor", &actor),
                    crate::cmd::naming_instead_of_id(spelling, &actor.name)
                )))
            }
            _ => Err(error),
        }
    })
}

/// Refuses a spelling that already names another actor.
fn check_spelling_free(store: &Store, spelling: &str, own_id: &str) -> Result<()> {
    if let Lookup::Found(other) = find_spelling(store, spelling)? {
        if other.id != own_id {
            return Err(Error::bad_input(format!(
                "{} already names actor {} ({})",
                quoted(spelling),
                other.name,
                other.id
            )));
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct ActorRow {
    id: String,
    name: String,
    kind: ActorKind,
    aliases: Vec<String>,
    roles: Vec<String>,
    description: String,
}

impl ActorRow {
    fn new(actor: &Actor, names: &mut Names) -> Result<ActorRow> {
        Ok(ActorRow {
            id: actor.id.clone(),
            name: actor.name.clone(),
            kind: actor.kind,
            aliases: actor.aliases.clone(),
            roles: actor
                .roles
                .iter()
                .map(|r| describe_role(r, names))
                .collect::<Result<_>>()?,
            description: actor.description.clone(),
        })
    }
}

/// "US special envoy → Donald Trump (since Jan 2025)".
pub fn describe_role(role: &Role, names: &mut Names) -> Result<String> {
    let mut text = role.title.clone();
    if let Some(of) = &role.of {
        text.push_str(&format!(" → {}", names.actor(of)?));
    }
    if let Some(span) = &role.span {
        text.push_str(&format!(" ({})", span.human()));
    }
    Ok(text)
}

impl Row for ActorRow {
    const HEADERS: &'static [&'static str] =
        &["id", "name", "kind", "aliases", "roles", "description"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.name.clone(),
            self.kind.to_string(),
            join(&self.aliases),
            join(&self.roles),
            self.description.clone(),
        ]
    }

    fn table(&self) -> (Vec<&'static str>, Vec<String>) {
        let cells = self.cells();
        (Self::HEADERS[..5].to_vec(), cells[..5].to_vec())
    }
}

fn list(ctx: &Ctx) -> Result<()> {
    let format = ctx.read_format()?;
    let store = ctx.open(Access::Read)?;
    let mut names = Names::new(&store);
    let mut rows = Vec::new();
    for actor in store.live::<Actor>() {
        rows.push(ActorRow::new(&actor?, &mut names)?);
    }
    rows.sort_by(|a, b| {
        fold(&a.name)
            .cmp(&fold(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    print_rows(format, &rows)
}

#[derive(Serialize)]
struct ActorDetail {
    #[serde(flatten)]
    actor: ActorRow,
    version: u32,
    recorded_at: String,
    /// The actor's events in date order, as "date title (id)".
    events: Vec<String>,
    /// Who the actor met, most meetings first, as "name (n meetings)".
    counterparts: Vec<String>,
}

impl Row for ActorDetail {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "name",
        "kind",
        "aliases",
        "roles",
        "description",
        "version",
        "recorded_at",
        "events",
        "counterparts",
    ];

    fn cells(&self) -> Vec<String> {
        let mut cells = self.actor.cells();
        cells.push(self.version.to_string());
        cells.push(self.recorded_at.clone());
        cells.push(self.events.join("\n"));
        cells.push(self.counterparts.join("\n"));
        cells
    }
}

/// The actors `id` met, most meetings first, then by name.
fn counterparts(store: &Store, id: &str, names: &mut Names) -> Result<Vec<String>> {
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for met in graph::who_met(store, id, &Rules::meetings(Window::ALL))? {
        *counts.entry(names.actor(&met.other)?).or_default() += 1;
    }
    let mut list: Vec<(String, usize)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(list
        .into_iter()
        .map(|(name, n)| format!("{name} ({n} meeting{})", if n == 1 { "" } else { "s" }))
        .collect())
}

fn show(ctx: &Ctx, input: &str) -> Result<()> {
    let format = ctx.read_format()?;
    let store = ctx.open(Access::Read)?;
    let actor = require_actor(&store, input)?;
    let mut names = Names::new(&store);
    let events = query::timeline(
        &store,
        &Filter {
            actor: Some(actor.id.clone()),
            ..Filter::default()
        },
    )?
    .collect::<Result<Vec<_>>>()?;
    let detail = ActorDetail {
        actor: ActorRow::new(&actor, &mut names)?,
        version: actor.meta.version,
        recorded_at: actor.meta.recorded_at.to_string(),
        events: events
            .iter()
            .map(|e| format!("{}  {} [{}] ({})", e.date.human(), e.title, e.status, e.id))
            .collect(),
        counterparts: counterparts(&store, &actor.id, &mut names)?,
    };
    print_detail(format, &detail)
}
