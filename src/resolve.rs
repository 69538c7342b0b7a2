//! Finding actors and sources from what a user typed: an id, a name or an
//! alias, ignoring case and diacritics, with "did you mean" for near misses.

use crate::error::{quoted, Error, Result};
use crate::model::names::{
    are_transliterations, fold, is_likely_misspelling, is_likely_same_name, is_misspelt_as_written,
    is_reordering, is_surname_of, may_be_family_name_first, may_be_misspelling, near_miss_forms,
    similarity, similarity_but_title, surname_alone, surname_words, title_match_strength,
    transliteration_key, untitled, word_transliteration_key, words_in_order, LetterCounts,
};
use crate::model::{Actor, Source};
use crate::store::{Record, Store};

/// The outcome of looking a name up.
pub enum Lookup<T> {
    Found(T),
    /// Nobody by that name; `suggestion` is a known record with a close name.
    Missing {
        suggestion: Option<T>,
    },
}

/// Finds the actor a user means. Two actors sharing a spelling is an error
/// that lists their ids (the user then gives an id).
pub fn find_actor(store: &Store, input: &str) -> Result<Lookup<Actor>> {
    find_actor_or_retracted(store, input, false)
}

/// [`find_actor`], but an id as typed that is a retracted actor's (or
/// that of an actor merged into one retracted since) finds that actor
/// when `retracted_too`, rather than reporting it: what it did is still
/// listed (its claims, marked "(retracted)"), so a listing can filter by it.
pub fn find_actor_or_retracted(
    store: &Store,
    input: &str,
    retracted_too: bool,
) -> Result<Lookup<Actor>> {
    // As names are stored: without the invisible characters a copied
    // spelling may carry (`model::name_text`).
    let input = crate::model::name_text(input);
    let input: &str = &input;
    let retracted_by_id = match by_id::<Actor>(store, input)? {
        ById::Live(actor) => return Ok(Lookup::Found(actor)),
        ById::Retracted(actor) => Some(actor),
        ById::Unknown => None,
    };
    let folded = fold(input);
    if folded.is_empty() {
        return Err(Error::bad_input("an actor name cannot be empty"));
    }
    let ids = named_as_spelled(store.actors_named(&folded)?, input, |id| {
        Ok(store.get::<Actor>(id)?.map(|actor| actor.name))
    })?;
    match one_named("actor", input, &ids).map_err(Error::bad_input)? {
        Some(id) => {
            return match store.get::<Actor>(id)? {
                // A name written as an id finds only that spelling.
                Some(actor)
                    if named_as_id(&actor.name) && actor.name != input && actor.id != input =>
                {
                    Ok(Lookup::Missing { suggestion: None })
                }
                Some(actor) => Ok(Lookup::Found(actor)),
                None => Err(Error::database(format!(
                    "the name index points to missing actor {id}; run `factline check`"
                ))),
            };
        }
        None => {
            if let Some(actor) = retracted_by_id {
                // An actor merged away is the actor it was merged into,
                // even by an id that spells none of its names.
                let survivor = merge_survivor(actor.clone(), |id| store.get::<Actor>(id))?;
                if survivor.meta.retracted.is_none() {
                    crate::notice(format!(
                        "{} was merged into actor {} ({}); using that actor",
                        quoted(input),
                        quoted(&survivor.name),
                        survivor.id
                    ));
                    return Ok(Lookup::Found(survivor));
                }
                if retracted_too {
                    return Ok(Lookup::Found(survivor));
                }
                if survivor.id != actor.id {
                    return Err(merged_into_retracted(&actor, &survivor));
                }
                return Err(retracted_record("actor", &actor));
            }
        }
    }
    // The closest: a family name at the end of a name before one at its
    // start (`title_match_strength`), then by likeness.
    let mut best: Option<((u8, f64), String)> = None;
    for item in store.all_names() {
        let (name, id) = item?;
        let plainly_alike = is_likely_same_name(&folded, &name)
            && (!only_by_a_shared_surname(&folded, &name)
                || known_by_word_alone(store, &id, &name)?);
        let strength = match plainly_alike {
            true => 2,
            false => titled_match(store, &folded, &name, &id)?,
        };
        if strength > 0 {
            let rank = (strength, similarity_but_title(&folded, &name));
            if best
                .as_ref()
                .is_none_or(|((s, l), _)| (rank.0, rank.1) > (*s, *l))
            {
                best = Some((rank, id));
            }
        }
    }
    let suggestion = match best {
        Some((_, id)) => store.get::<Actor>(&id)?,
        None => None,
    };
    Ok(Lookup::Missing { suggestion })
}

/// Whether the many-word `typed` is like the one-word spelling `known` only
/// because `known` is its surname ("trump" of "barron trump").
fn only_by_a_shared_surname(typed: &str, known: &str) -> bool {
    is_surname_of(known, typed)
        && !is_likely_misspelling(typed, known)
        && !is_surname_of(typed, known)
}

/// Whether titled spellings are alike ([`title_match_strength`])
/// only because `known`, its title set aside, is one word, the family name
/// of the many-word `typed` ("mr trump" of "barron trump"). As with a
/// surname alone ([`only_by_a_shared_surname`]), that likely means the
/// actor only when `known` is the actor's name (see
/// [`known_by_word_alone`]): an alias "President Trump" of Donald Trump
/// does not make Barron Trump him.
fn only_by_a_family_name(typed: &str, known: &str) -> bool {
    !untitled(known).contains(' ') && untitled(typed).contains(' ')
}

/// Whether the actor `id` is known by the one word `word` alone (or by a
/// title and that word: "mr witkoff"): its name (folded) is that spelling. Only then does a full name ending in it likely
/// mean that actor ("Witkoff", recorded before his given name was known);
/// a one-word alias of an actor with a full name ("Trump" of Donald Trump)
/// does not make every Trump him: two full names sharing a surname are two
/// people.
fn known_by_word_alone(store: &Store, id: &str, word: &str) -> Result<bool> {
    Ok(store
        .get::<Actor>(id)?
        .is_some_and(|actor| fold(&actor.name) == word))
}

/// What an id typed as it is finds (see [`by_id`]).
enum ById<R> {
    /// A live record: it is the one meant, before any name.
    Live(R),
    /// A retracted record: reported ([`retracted_record`]) only when no
    /// live record answers to the input as a name.
    Retracted(R),
    Unknown,
}

/// The record whose id is `input` as typed. A retracted one's id may
/// still spell a live record's name (an actor merged away; a source
/// retracted and then recorded again under its name): the names decide,
/// and only then is the retracted record reported, with its reason. Actors
/// and sources follow this one rule.
fn by_id<R: Record>(store: &Store, input: &str) -> Result<ById<R>> {
    Ok(match store.get::<R>(input)? {
        Some(record) if record.meta().retracted.is_some() => ById::Retracted(record),
        Some(record) => ById::Live(record),
        None => ById::Unknown,
    })
}

/// The retraction reason `actor merge` records on the actor it merges away.
pub fn merge_reason(into: &str) -> String {
    format!("merged into {into}")
}

/// The actor a merged-away `actor` now is: the one it was merged into (its
/// retraction reason, [`merge_reason`]), followed through later merges.
/// Any other actor, a plain retracted one too, is itself. `get` reads an
/// actor by id (from the store, or an import's bulk change).
pub fn merge_survivor(
    actor: Actor,
    mut get: impl FnMut(&str) -> Result<Option<Actor>>,
) -> Result<Actor> {
    let mut actor = actor;
    // A chain no longer than the actors it passes; a hand-made dump could
    // hold a loop.
    let mut seen: Vec<String> = Vec::new();
    loop {
        let reason = actor.meta.retracted.as_deref().unwrap_or_default();
        let Some(into) = reason.strip_prefix(&merge_reason("")) else {
            return Ok(actor);
        };
        if into == actor.id || seen.iter().any(|id| id == into) {
            return Ok(actor);
        }
        match get(into)? {
            Some(next) => {
                seen.push(std::mem::replace(&mut actor, next).id);
            }
            None => return Ok(actor),
        }
    }
}

/// The error for an actor merged into one retracted since: it names the
/// retracted survivor and why, not only the merge, which would send the
/// user to an id that is refused in turn.
fn merged_into_retracted(actor: &Actor, survivor: &Actor) -> Error {
    let reason = survivor.meta.retracted.as_deref().unwrap_or_default();
    Error::bad_input(format!(
        "actor {} was merged into {}, which was retracted ({reason}); `factline history {}` shows it",
        actor.id, survivor.id, survivor.id
    ))
}

/// The error for a retracted record that was asked for by its id.
pub fn retracted_record<R: Record>(what: &str, record: &R) -> Error {
    let reason = record.meta().retracted.as_deref().unwrap_or_default();
    retracted(what, record.id(), reason)
}

/// Which of `ids`, the records (of one kind, `what`) whose names fold as
/// `input` does, `input` means: none when there are none, the one when it
/// is alone, and, when several share the name, the one whose id `input`
/// is as written; else `Err` with why (see [`several`]): a name several
/// records share means none of them. An actor's and a source's name, in a
/// command and in an import, follow this one rule.
pub fn one_named<'a>(
    what: &str,
    input: &str,
    ids: &'a [String],
) -> std::result::Result<Option<&'a str>, String> {
    match ids {
        [] => Ok(None),
        [id] => Ok(Some(id)),
        many => match many.iter().find(|id| id.as_str() == input) {
            Some(id) => Ok(Some(id)),
            None => Err(several(what, input, many)),
        },
    }
}

/// Whether a record's name is written as an id (`names::looks_like_id`:
/// lower case, with a `-`, `_` or digit), as an import names a record it
/// creates from a cell that factline's CSV exports wrote as an id (a
/// retracted record, or one of several sharing a name, in the database
/// the file came from): such a record is found by that spelling only, not
/// by a name that merely folds like it ("Kyiv Independent" of
/// `kyiv-independent`), so that it never swallows a live record of that
/// name.
pub fn named_as_id(name: &str) -> bool {
    crate::model::names::looks_like_id(name)
}

/// `ids`, the records whose names fold as `input` does, without those
/// named as an id ([`named_as_id`]) other than `input` as written, when
/// there are several: a name then finds the record that has it as a name.
/// `name_of` reads a record's name; it is read only when there are several.
pub fn named_as_spelled(
    ids: Vec<String>,
    input: &str,
    mut name_of: impl FnMut(&str) -> Result<Option<String>>,
) -> Result<Vec<String>> {
    if ids.len() < 2 {
        return Ok(ids);
    }
    let mut kept = Vec::with_capacity(ids.len());
    for id in ids {
        match name_of(&id)? {
            Some(name) if named_as_id(&name) && name != input && id != input => {}
            _ => kept.push(id),
        }
    }
    Ok(kept)
}

/// Why a name that several records (actors, sources) share finds none of
/// them: the name and their ids, and to use an id.
pub fn several(what: &str, input: &str, ids: &[String]) -> String {
    format!(
        "{} names several {what}s ({}); use an id",
        quoted(input),
        ids.join(", ")
    )
}

/// Finds an actor that must exist.
pub fn require_actor(store: &Store, input: &str) -> Result<Actor> {
    require_actor_or_retracted(store, input, false)
}

/// [`require_actor`], finding a retracted actor by its id when
/// `retracted_too` ([`find_actor_or_retracted`]).
pub fn require_actor_or_retracted(
    store: &Store,
    input: &str,
    retracted_too: bool,
) -> Result<Actor> {
    match find_actor_or_retracted(store, input, retracted_too)? {
        Lookup::Found(actor) => Ok(actor),
        Lookup::Missing { suggestion } => Err(match actor_recorded_later(store, input)? {
            Some(not_yet) => not_yet,
            None => unknown("actor", input, suggestion.map(|a| a.name)),
        }),
    }
}

/// For an `--as-of` view that finds no actor `input`: that the actor it
/// names was not recorded yet at that time, when the database finds one.
pub fn actor_recorded_later(store: &Store, input: &str) -> Result<Option<Error>> {
    let Some(origin) = store.as_of_origin() else {
        return Ok(None);
    };
    let Lookup::Found(actor) = find_actor_or_retracted(origin, input, true)? else {
        return Ok(None);
    };
    Ok(store
        .first_recorded_after_as_of::<Actor>(&actor.id)?
        .map(|(at, first)| not_recorded_yet("actor", &actor.id, at, first)))
}

/// Finds a source by id or name. Sources are few, so this reads them all.
/// A name that several live sources share finds none of them (an error
/// that lists their ids), as for actors ([`one_named`]). A retracted
/// source is found by nothing but its id as typed, which reports it
/// retracted, and only when no live source answers to that spelling
/// ([`by_id`]): its name is free for a new source.
pub fn find_source(store: &Store, input: &str) -> Result<Lookup<Source>> {
    match look_up_source(store, input)? {
        (Lookup::Missing { .. }, Some(source)) => Err(retracted_record("source", &source)),
        (lookup, _) => Ok(lookup),
    }
}

/// [`find_source`]'s answer before it reports a retracted source: the live
/// source `input` means (or the suggestion when none), and the retracted
/// source whose id `input` is as typed, if there is one.
pub fn look_up_source(store: &Store, input: &str) -> Result<(Lookup<Source>, Option<Source>)> {
    let input = crate::model::name_text(input);
    let input: &str = &input;
    let names = SourceNames::read(store)?;
    let get = |id: &str| -> Result<Source> {
        store.get::<Source>(id)?.ok_or_else(|| {
            Error::database(format!("source {id} went missing while it was looked up"))
        })
    };
    let retracted = match names
        .find(input, Spelled::Typed)
        .map_err(Error::bad_input)?
    {
        SourceFound::Live(id) => return Ok((Lookup::Found(get(&id)?), None)),
        SourceFound::Earlier { id, now } => {
            crate::notice(earlier_name_notice(crate::model::trimmed(input), &now, &id));
            return Ok((Lookup::Found(get(&id)?), None));
        }
        SourceFound::Retracted(id) => Some(get(&id)?),
        SourceFound::Unknown => None,
    };
    let suggestion = match names.near(input) {
        Some(id) => Some(get(id)?),
        None => None,
    };
    Ok((Lookup::Missing { suggestion }, retracted))
}

/// Who wrote the spelling of a source being looked up ([`SourceNames::find`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelled {
    /// A user, in a command (`event add --source`): a live source's id as
    /// typed finds it before any name, and a retracted source is found by
    /// its id only when nothing live answers to that spelling.
    Typed,
    /// factline's CSV exports, in a cell an import reads: they write a
    /// source as its name, unless it is retracted or shares its name, and
    /// then as its id, which therefore means that source first, even where
    /// it folds to another source's name (a retracted `reuters` and a live
    /// "Reuters"): importing an export changes nothing.
    Exported,
}

/// What a spelling of a source finds ([`SourceNames::find`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceFound {
    Live(String),
    /// A name the live source `id` had before `source edit --name`; `now`
    /// is its name now (to say so: [`earlier_name_notice`]).
    Earlier {
        id: String,
        now: String,
    },
    Retracted(String),
    Unknown,
}

/// Which source a spelling means: the one rule that commands
/// ([`find_source`]) and imports follow, over a table of every source read
/// once (sources are few). In order:
/// 1. an id as written ([`Spelled`] says which ids come first); a name
///    written as an id ([`named_as_id`]) exactly as a live source has it,
///    which only that spelling finds (after a live id a command typed);
/// 2. the name of live sources, folded: one is it, several are an error
///    unless the spelling is one of their ids ([`one_named`]);
/// 3. a live source's id folded as names are ("ISW" finds `isw`, "Kyiv
///    Independent" finds `kyiv-independent`);
/// 4. a name a live source had before a rename, when only one had it;
/// 5. a retracted source's id as written.
pub struct SourceNames {
    /// Folded name → the live sources with that name.
    named: foldhash::HashMap<String, Vec<String>>,
    /// Every source's id → its folded name if it is live, `None` if it
    /// is retracted.
    ids: foldhash::HashMap<String, Option<String>>,
    /// Folded id of a live source → its id.
    by_folded_id: foldhash::HashMap<String, String>,
    /// Folded earlier name → the live source that had it and its name now.
    earlier: foldhash::HashMap<String, (String, String)>,
    /// Name as written → the live source so named, for names written as
    /// ids ([`named_as_id`]), which only that spelling finds.
    exact: foldhash::HashMap<String, String>,
}

impl SourceNames {
    /// Reads every source and the names live ones had before.
    pub fn read(store: &Store) -> Result<SourceNames> {
        let mut table = SourceNames {
            named: Default::default(),
            ids: Default::default(),
            by_folded_id: Default::default(),
            earlier: Default::default(),
            exact: Default::default(),
        };
        let mut names_now: foldhash::HashMap<String, String> = Default::default();
        for source in store.all::<Source>() {
            let source = source?;
            if source.meta.retracted.is_some() {
                table.ids.insert(source.id, None);
                continue;
            }
            table.created(&source.name, &source.id);
            names_now.insert(source.id, source.name);
        }
        for (name, id) in earlier_source_names(store)? {
            if let Some((id, now)) = id.and_then(|id| names_now.get_key_value(&id)) {
                table.earlier.insert(name, (id.clone(), now.clone()));
            }
        }
        Ok(table)
    }

    /// Adds a live source (an import's new one) to the table.
    pub fn created(&mut self, name: &str, id: &str) {
        if named_as_id(name) {
            self.exact.insert(name.to_string(), id.to_string());
            self.ids.insert(id.to_string(), Some(fold(name)));
            return;
        }
        let name = fold(name);
        self.named
            .entry(name.clone())
            .or_default()
            .push(id.to_string());
        self.ids.insert(id.to_string(), Some(name));
        self.by_folded_id
            .entry(fold(id))
            .or_insert_with(|| id.to_string());
    }

    /// The source `input` means, by the rule above; `Err` says what is
    /// wrong with the spelling (empty, or a name several sources share).
    pub fn find(&self, input: &str, spelled: Spelled) -> std::result::Result<SourceFound, String> {
        let input = crate::model::trimmed(input);
        let as_id = self.ids.get(input);
        if let (Spelled::Typed, Some(Some(_))) = (spelled, as_id) {
            return Ok(SourceFound::Live(input.to_string()));
        }
        if let Some(id) = self.exact.get(input) {
            return Ok(SourceFound::Live(id.clone()));
        }
        match (spelled, as_id) {
            (Spelled::Exported, Some(Some(name)))
                if self.named.get(name).is_some_and(|ids| ids.len() > 1) =>
            {
                return Ok(SourceFound::Live(input.to_string()));
            }
            (Spelled::Exported, Some(None)) => {
                return Ok(SourceFound::Retracted(input.to_string()))
            }
            _ => {}
        }
        let folded = fold(input);
        if folded.is_empty() {
            return Err("a source name cannot be empty".into());
        }
        if let Some(ids) = self.named.get(&folded) {
            if let Some(id) = one_named("source", input, ids)? {
                return Ok(SourceFound::Live(id.to_string()));
            }
        }
        if let Some(id) = self.by_folded_id.get(&folded) {
            return Ok(SourceFound::Live(id.clone()));
        }
        if let Some((id, now)) = self.earlier.get(&folded) {
            return Ok(SourceFound::Earlier {
                id: id.clone(),
                now: now.clone(),
            });
        }
        Ok(match as_id {
            Some(None) => SourceFound::Retracted(input.to_string()),
            _ => SourceFound::Unknown,
        })
    }

    /// The live source whose name, now or before a rename, `input` is a
    /// likely misspelling of, the closest first: the "did you mean" of an
    /// unknown source. A misspelt earlier name suggests the source too (its
    /// caller names it by its name now), since the earlier name itself
    /// would have found it.
    pub fn near(&self, input: &str) -> Option<&str> {
        let folded = fold(crate::model::trimmed(input));
        let now = self.named.iter().map(|(name, ids)| (name, &ids[0]));
        let before = self.earlier.iter().map(|(name, (id, _))| (name, id));
        let mut best: Option<(f64, &str)> = None;
        for (name, id) in now.chain(before) {
            if is_likely_misspelling(&folded, name) {
                let score = similarity(&folded, name);
                // Ties go to the first id, so that the suggestion does not
                // depend on the order the names are kept in.
                let better =
                    |(s, best_id): (f64, &str)| score > s || score == s && id.as_str() < best_id;
                if best.is_none_or(better) {
                    best = Some((score, id));
                }
            }
        }
        best.map(|(_, id)| id)
    }
}

/// The notice that `input` found a source by a name it had before
/// `source edit --name`: commands and imports give the same words.
pub fn earlier_name_notice(input: &str, name: &str, id: &str) -> String {
    format!(
        "{} is an earlier name of source {} ({id}); using that source",
        quoted(input),
        quoted(name)
    )
}

/// The earlier names (folded) of the live sources, from their history, with
/// the id of the one source that had each (`None` when several had it, which
/// then finds none of them). A source's current name is not among them.
fn earlier_source_names(
    store: &Store,
) -> Result<std::collections::HashMap<String, Option<String>>> {
    let mut names: std::collections::HashMap<String, Option<String>> = Default::default();
    for versions in store.all_versions::<Source>() {
        let versions = versions?;
        let Some(current) = versions.last() else {
            continue;
        };
        if current.meta.retracted.is_some() {
            continue;
        }
        let now = fold(&current.name);
        let mut earlier: Vec<String> = versions[..versions.len() - 1]
            .iter()
            .map(|v| fold(&v.name))
            .filter(|name| *name != now)
            .collect();
        earlier.sort();
        earlier.dedup();
        for name in earlier {
            names
                .entry(name)
                .and_modify(|id| *id = None)
                .or_insert_with(|| Some(current.id.clone()));
        }
    }
    Ok(names)
}

/// The error for a record that was retracted: it is hidden, not gone.
pub fn retracted(what: &str, id: &str, reason: &str) -> Error {
    Error::bad_input(retracted_message(what, id, reason))
}

/// The words of [`retracted`], for an import's bad row.
pub fn retracted_message(what: &str, id: &str, reason: &str) -> String {
    format!("{what} {id} was retracted ({reason}); `factline history {id}` shows it")
}

/// The error for the id of a record of kind `R` (`what`) that `store`
/// does not hold: in an `--as-of` view of a database that records it
/// since, that it was not recorded yet then ([`not_recorded_yet`]), else
/// [`unknown`].
pub fn unknown_record<R: Record>(store: &Store, what: &str, id: &str) -> Result<Error> {
    Ok(match store.first_recorded_after_as_of::<R>(id)? {
        Some((at, first)) => not_recorded_yet(what, id, at, first),
        None => unknown(what, id, None),
    })
}

/// The error for a record that an `--as-of` view at `at` does not hold
/// because it was first recorded later, at `first`: the id is right, and
/// "unknown" would send the user looking for a typo.
pub fn not_recorded_yet(
    what: &str,
    id: &str,
    at: crate::model::Stamp,
    first: crate::model::Stamp,
) -> Error {
    Error::bad_input(format!(
        "{what} {id} was not recorded yet at {at} (--as-of); it was first recorded at {first}"
    ))
}

/// The error for a name that finds nothing, with the closest known name.
/// The name is quoted without the white space around it, which no lookup
/// reads ("Ukraine " of `--role "President @ Ukraine | 2019"`).
pub fn unknown(what: &str, input: &str, suggestion: Option<String>) -> Error {
    let input = crate::model::trimmed(input);
    match suggestion {
        Some(name) => Error::bad_input(format!(
            "unknown {what} {}; did you mean {}?",
            quoted(input),
            quoted(&name)
        )),
        None => Error::bad_input(format!("unknown {what} {}", quoted(input))),
    }
}

/// An id not yet taken: `base`, else `base-2`, `base-3`…
pub fn unused_id(mut taken: impl FnMut(&str) -> Result<bool>, base: &str) -> Result<String> {
    if !taken(base)? {
        return Ok(base.to_string());
    }
    for n in 2.. {
        let candidate = format!("{base}-{n}");
        if !taken(&candidate)? {
            return Ok(candidate);
        }
    }
    unreachable!("some suffix is always free")
}

/// [`unused_id`] for many new records in one change (an import): where
/// the search for each base that was taken ended, so that a file giving
/// thousands of rows one base (ACLED's "Airstrike" on one day) finds each
/// next id in a probe or two instead of trying every suffix from 2 again,
/// which took an import of 2,000 such rows 28 s. Only bases that were taken
/// are kept. Ids only ever become taken in an import, so the search goes on
/// from the suffix it last gave (tried again: its row may have been bad).
#[derive(Default)]
pub struct IdSuffixes(foldhash::HashMap<(u8, String), u64>);

impl IdSuffixes {
    /// An id of records of `kind` from `base` that `taken` says is free.
    pub fn unused(
        &mut self,
        kind: u8,
        base: &str,
        mut taken: impl FnMut(&str) -> Result<bool>,
    ) -> Result<String> {
        let key = (kind, base.to_string());
        let from = match self.0.get(&key) {
            Some(&last) => last,
            None if !taken(base)? => return Ok(key.1),
            None => 2,
        };
        for n in from.. {
            let candidate = format!("{base}-{n}");
            if !taken(&candidate)? {
                self.0.insert(key, n);
                return Ok(candidate);
            }
        }
        unreachable!("some suffix is always free")
    }
}

/// Two actors whose spellings are likely the same name (the same spelling,
/// a near-miss such as Zelenskiy / Zelenskyy, or a surname alone such as
/// Witkoff / Steve Witkoff): candidates for `actor merge`.
#[derive(Debug, Clone, PartialEq)]
pub struct Similar {
    pub a: String,
    pub b: String,
    pub a_spelling: String,
    pub b_spelling: String,
    pub score: f64,
}

/// The consonants of a folded spelling (`umerov` and `umierov` have the same).
fn consonants(spelling: &str) -> String {
    spelling
        .chars()
        .filter(|c| c.is_alphabetic() && !"aeiouy".contains(*c))
        .collect()
}

/// The first three letters of a word's near-miss forms
/// ([`near_miss_forms`]: `zaharova` meets `zakharova`) and of its
/// consonants: where a word's near misses are looked for.
fn word_keys(word: &str) -> Vec<String> {
    let mut keys: Vec<String> = near_miss_forms(word)
        .iter()
        .map(|form| form.chars().take(3).collect())
        .collect();
    keys.dedup();
    keys.push(format!(
        "~{}",
        consonants(word).chars().take(3).collect::<String>()
    ));
    // Transliterations (`kadhafi`, `gaddafi`) meet by the near-miss forms
    // of their keys (`kadafi`, `gadafi`: `adafi`).
    let key = word_transliteration_key(word);
    keys.extend(
        near_miss_forms(&key)
            .iter()
            .map(|form| format!("%{}", form.chars().take(3).collect::<String>())),
    );
    keys.dedup();
    keys
}

/// Every pair of distinct actors with spellings that are likely the same
/// name, most alike first: the same spelling (two records of one name),
/// likely misspellings, the same words in another order, and a one-word
/// spelling that is the surname of another or a near miss of it
/// ([`is_likely_same_name`]).
///
/// Whole spellings are compared within blocks: the first letters of the
/// near-miss forms of the whole spelling and of its last word
/// ([`near_miss_forms`]: a letter dropped from the first four, so that
/// `zaharova` meets `zakharova`) and of its consonants (so that a vowel
/// inserted early, `umerov`/`umierov`, still meets), with the digits it
/// holds (names with other numbers are other names), refined to longer
/// prefixes of the same text while a block is large, so the cost stays near
/// linear. One-word spellings are looked up by the first letters of each
/// surname word of the others, and of its consonants. Inside a block, a
/// count of the letters two spellings share rules most pairs out before
/// their edit distance is worked out ([`may_be_misspelling`]), without
/// changing any pair found: 20,000 names take 0.4 s instead of 6 s.
pub fn similar_actors(store: &Store) -> Result<Vec<Similar>> {
    similar_pairs(store, None)
}

/// The pairs of [`similar_actors`] that involve at least one of the actors
/// `ids` (an import's new actors): the same pairs, found without comparing
/// two spellings of actors that are not among them.
pub fn similar_actors_involving(
    store: &Store,
    ids: &std::collections::HashSet<String>,
) -> Result<Vec<Similar>> {
    similar_pairs(store, Some(ids))
}

/// How strongly the folded spelling `typed` means the actor `id`, known by
/// the folded spelling `known`, once a title is set aside
/// ([`title_match_strength`]; 0 when it does not): only when that actor
/// may be a person, and, when `known` is a family name alone, only when it
/// is the actor's name ([`only_by_a_family_name`]).
fn titled_match(store: &Store, typed: &str, known: &str, id: &str) -> Result<u8> {
    let strength = title_match_strength(typed, known);
    Ok(
        if strength > 0
            && (!only_by_a_family_name(typed, known) || known_by_word_alone(store, id, known)?)
            && may_be_a_person(store, id)?
        {
            strength
        } else {
            0
        },
    )
}

/// Whether two actors' spellings (folded, with the actor's id) are alike
/// once a title is set aside: each means the other's actor by the rule
/// `find_actor` suggests by ([`titled_match`]).
fn alike_but_title(store: &Store, a: &(String, String), b: &(String, String)) -> Result<bool> {
    let ((sa, ia), (sb, ib)) = (a, b);
    Ok(titled_match(store, sa, sb, ib)? > 0 && titled_match(store, sb, sa, ia)? > 0)
}

/// Whether the actor `id` may be a person: a title before a name is a
/// person's, so an actor recorded as an organization, a country or a
/// medium is never the one a titled spelling means ("General Motors" is not
/// "Hyundai Motors", whatever the word after the title).
fn may_be_a_person(store: &Store, id: &str) -> Result<bool> {
    use crate::model::ActorKind;
    Ok(store.get::<Actor>(id)?.is_none_or(|actor| {
        !matches!(
            actor.kind,
            ActorKind::Organization | ActorKind::Country | ActorKind::Media
        )
    }))
}

fn similar_pairs(
    store: &Store,
    involving: Option<&std::collections::HashSet<String>>,
) -> Result<Vec<Similar>> {
    const MAX_BLOCK: usize = 256;
    let mut names: Vec<(String, String)> = Vec::new();
    for item in store.all_names() {
        names.push(item?);
    }
    let counts: Vec<LetterCounts> = names.iter().map(|(s, _)| LetterCounts::of(s)).collect();
    // Each spelling's transliteration key, where it differs from the spelling.
    let translit: Vec<Option<String>> = names
        .iter()
        .map(|(s, _)| Some(transliteration_key(s)).filter(|key| key != s))
        .collect();
    let translit_counts: Vec<Option<LetterCounts>> = translit
        .iter()
        .map(|key| key.as_deref().map(LetterCounts::of))
        .collect();
    let involved: Vec<bool> = names
        .iter()
        .map(|(_, id)| involving.is_none_or(|ids| ids.contains(id)))
        .collect();
    // Each spelling with a title before its name set aside (itself when it
    // has none), and whether it had one.
    let bare: Vec<&str> = names.iter().map(|(s, _)| untitled(s)).collect();
    let titled: Vec<bool> = names
        .iter()
        .zip(&bare)
        .map(|((s, _), bare)| bare.len() < s.len())
        .collect();
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    // A spelling whose digits no other spelling has pairs with none: names
    // that differ in their numbers are other names, and the rules that
    // pair a name with another's word take words without digits. Such
    // spellings (`Unit 00417` among thousands) join no block.
    let mut digit_counts: std::collections::HashMap<String, usize> = Default::default();
    for (spelling, _) in &names {
        let digits = digits(spelling);
        if !digits.is_empty() {
            *digit_counts.entry(digits).or_default() += 1;
        }
    }
    // Each block key comes with the text its members are refined on.
    let mut blocks: std::collections::HashMap<String, Vec<(usize, String)>> = Default::default();
    for (n, (spelling, _)) in names.iter().enumerate() {
        if digit_counts.get(&digits(spelling)) == Some(&1) {
            continue;
        }
        let last = spelling.rsplit(' ').next().unwrap_or(spelling);
        // Each near-miss form of the spelling and of its last word: two
        // spellings one edit apart in their first letters share one.
        let mut keys: Vec<(&str, String)> = Vec::new();
        keys.extend(near_miss_forms(spelling).into_iter().map(|f| ("", f)));
        keys.extend(near_miss_forms(last).into_iter().map(|f| (" ", f)));
        keys.push(("~", consonants(spelling)));
        // Its transliteration key and that key's last word: "moammar
        // kadhafi" meets "muammar gaddafi".
        if let Some(key) = &translit[n] {
            let key_last = key.rsplit(' ').next().unwrap_or(key);
            keys.push(("%", key.clone()));
            keys.push((" %", key_last.to_string()));
        }
        // Its words sorted: "witkoff steve" meets "steve witkoff".
        if spelling.contains(' ') {
            keys.push(("=", words_in_order(spelling)));
        }
        // A titled spelling meets names like the name after its title
        // ("president xi jinping" meets "xi jin ping").
        if titled[n] {
            keys.extend(near_miss_forms(bare[n]).into_iter().map(|f| ("", f)));
            keys.push(("~", consonants(bare[n])));
        }
        for (tag, text) in keys {
            let key = format!(
                "{tag}{}|{}",
                text.chars().take(3).collect::<String>(),
                digits(spelling)
            );
            blocks.entry(key).or_default().push((n, text));
        }
    }
    // Split blocks that are too large on a longer prefix of their text.
    let mut work: Vec<(usize, Vec<(usize, String)>)> =
        blocks.into_values().map(|b| (3, b)).collect();
    let mut final_blocks: Vec<Vec<usize>> = Vec::new();
    while let Some((width, block)) = work.pop() {
        if block.len() <= MAX_BLOCK || width > 12 {
            final_blocks.push(block.into_iter().map(|(n, _)| n).collect());
            continue;
        }
        let mut split: std::collections::HashMap<String, Vec<(usize, String)>> = Default::default();
        for (n, text) in block {
            let key: String = text.chars().take(width + 2).collect();
            split.entry(key).or_default().push((n, text));
        }
        work.extend(split.into_values().map(|b| (width + 2, b)));
    }
    // Whether two spellings are alike by their transliteration keys
    // ([`are_transliterations`]), ruled out cheaply first as spellings are.
    let transliterations = |x: usize, y: usize| {
        let key = |n: usize| translit[n].as_deref().unwrap_or(&names[n].0);
        let count = |n: usize| translit_counts[n].as_ref().unwrap_or(&counts[n]);
        (translit[x].is_some() || translit[y].is_some())
            && (key(x) == key(y)
                || may_be_misspelling(key(x), count(x), key(y), count(y))
                    && are_transliterations(key(x), key(y)))
    };
    let mut best: std::collections::BTreeMap<(String, String), Similar> = Default::default();
    let mut record = |(sa, ia): &(String, String), (sb, ib): &(String, String)| {
        let score = similarity_but_title(sa, sb);
        let (a, b, sa, sb) = if ia < ib {
            (ia, ib, sa, sb)
        } else {
            (ib, ia, sb, sa)
        };
        let entry = best
            .entry((a.clone(), b.clone()))
            .or_insert_with(|| Similar {
                a: a.clone(),
                b: b.clone(),
                a_spelling: sa.clone(),
                b_spelling: sb.clone(),
                score,
            });
        if score > entry.score {
            entry.score = score;
            entry.a_spelling = sa.clone();
            entry.b_spelling = sb.clone();
        }
    };
    for members in &final_blocks {
        for (i, &x) in members.iter().enumerate() {
            for &y in &members[i + 1..] {
                if !involved[x] && !involved[y] {
                    continue;
                }
                let ((sa, ia), (sb, ib)) = (&names[x], &names[y]);
                // The same spelling for two actors is the likeliest pair of all.
                if ia != ib
                    && (sa == sb
                        || may_be_misspelling(sa, &counts[x], sb, &counts[y])
                            && is_misspelt_as_written(sa, sb)
                        || transliterations(x, y)
                        || is_reordering(sa, sb)
                        || (titled[x] || titled[y])
                            && alike_but_title(store, &names[x], &names[y])?)
                {
                    record(&names[x], &names[y]);
                }
            }
        }
    }
    // A title before a family name that is written first: "president yoon"
    // meets "yoon suk yeol" in the blocks above (both begin "yoo"), but
    // "president xi" and "xi jinping" begin "xi" and "xi ", which no block
    // brings together. The first words are those `title_match_strength`
    // may take as a family name.
    let mut by_first_word: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (n, (spelling, _)) in names.iter().enumerate() {
        if let Some((first, _)) = spelling.split_once(' ') {
            if may_be_family_name_first(first) {
                by_first_word.entry(first).or_default().push(n);
            }
        }
    }
    for x in 0..names.len() {
        if !titled[x] || bare[x].contains(' ') {
            continue;
        }
        for &y in by_first_word.get(bare[x]).into_iter().flatten() {
            if names[y].1 != names[x].1
                && (involved[x] || involved[y])
                && alike_but_title(store, &names[x], &names[y])?
            {
                record(&names[x], &names[y]);
            }
        }
    }
    // A one-word spelling (also after a title: "president sheinbaum")
    // against the surname words of every other ("claudia sheinbaum pardo");
    // a family name with particles ("al assad") by its last word.
    let mut one_words: std::collections::HashMap<String, Vec<usize>> = Default::default();
    for (n, spelling) in bare.iter().enumerate() {
        if let Some(word) = surname_alone(spelling) {
            for key in word_keys(word) {
                one_words.entry(key).or_default().push(n);
            }
        }
    }
    if !one_words.is_empty() {
        for (x, (spelling, id)) in names.iter().enumerate() {
            let mut seen: Vec<usize> = Vec::new();
            for word in surname_words(bare[x]) {
                for key in word_keys(word) {
                    for &y in one_words.get(&key).into_iter().flatten() {
                        if names[y].1 == *id || !(involved[x] || involved[y]) || seen.contains(&y) {
                            continue;
                        }
                        let alike = match titled[y] || titled[x] {
                            true => alike_but_title(store, &names[y], &names[x])?,
                            false => {
                                is_surname_of(&names[y].0, spelling)
                                    && known_by_word_alone(store, &names[y].1, &names[y].0)?
                            }
                        };
                        if alike {
                            seen.push(y);
                            record(&names[y], &names[x]);
                        }
                    }
                }
            }
        }
    }
    let mut pairs: Vec<Similar> = best.into_values().collect();
    pairs.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });
    Ok(pairs)
}
