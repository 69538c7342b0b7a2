//! `factline source add|list|edit`.

use serde::Serialize;

use crate::cli::SourceCommand;
use crate::cmd::Ctx;
use crate::error::{quoted, Error, Result};
use crate::model::names::{fold, slug, validate_id};
use crate::model::{self, Meta, Reliability, Source};
use crate::output::{print_rows, Row};
use crate::resolve::{
    find_source, retracted_record, unknown, unused_id, Lookup, SourceFound, SourceNames, Spelled,
};
use crate::store::{Access, Store};

pub fn run(ctx: &Ctx, command: SourceCommand) -> Result<()> {
    match command {
        SourceCommand::Add {
            name,
            url,
            id,
            grade,
        } => add(ctx, &name, url, id, grade),
        SourceCommand::List => list(ctx),
        SourceCommand::Edit {
            source,
            name,
            url,
            grade,
        } => edit(ctx, &source, name, url, grade),
    }
}

/// A source's `--url` or `--grade` as given: `None` when not given,
/// `Some(None)` when given as no value ("" or none, `model::means_none`).
type Optional<T> = Option<Option<T>>;

fn url_field(url: Option<String>) -> Result<Optional<String>> {
    url.map(|url| model::parse_url("url", &url).map_err(Error::bad_input))
        .transpose()
}

fn grade(text: Option<String>) -> Result<Optional<Reliability>> {
    text.map(|g| {
        if model::means_none(&g) {
            return Ok(None);
        }
        let given = model::trimmed(&g);
        if let Some((letter, number)) = admiralty_code(given) {
            return Err(Error::bad_input(format!(
                "grade {given:?} is a whole Admiralty code: {letter} grades the source, {number} one report's credibility; give --grade {letter}, and --credibility {number} to `factline link` for that report"
            )));
        }
        given.parse::<Reliability>().map(Some).map_err(|_| {
            Error::bad_input(format!(
                "unknown reliability grade {g:?}; expected A (completely reliable), B (usually reliable), C (fairly reliable), D (not usually reliable), E (unreliable) or F (cannot be judged), or \"\" or none for no grade"
            ))
        })
    })
    .transpose()
}

/// The source's letter and the report's number of an Admiralty code as
/// analysts write it (`B2`, `b 2`): factline keeps the two apart, the
/// letter on the source and the number on each report (`link`).
fn admiralty_code(text: &str) -> Option<(String, char)> {
    let mut chars = text.chars().filter(|c| !c.is_whitespace());
    let (letter, number) = (chars.next()?, chars.next()?);
    let letter = letter.to_ascii_uppercase();
    (chars.next().is_none() && ('A'..='F').contains(&letter) && ('1'..='6').contains(&number))
        .then(|| (letter.to_string(), number))
}

/// A new source's `--url` or `--grade`: "" or none, which `source edit`
/// reads as removing the field, is refused, since there is nothing to
/// remove and the option was likely given a value by mistake.
fn given<T>(what: &str, value: Optional<T>) -> Result<Option<T>> {
    match value {
        Some(None) => Err(Error::bad_input(format!(
            "{what} cannot be empty or none in `source add`; leave --{what} out for a source without one"
        ))),
        Some(value) => Ok(value),
        None => Ok(None),
    }
}

fn add(
    ctx: &Ctx,
    name: &str,
    url: Option<String>,
    id: Option<String>,
    grade_text: Option<String>,
) -> Result<()> {
    let name: &str = &model::one_name("source name", name, 500).map_err(Error::bad_input)?;
    let url = given("url", url_field(url)?)?;
    let id = id.as_deref().map(model::trimmed);
    if let Some(id) = id {
        validate_id(id).map_err(Error::bad_input)?;
    }
    let grade = given("grade", grade(grade_text)?)?;
    let store = ctx.open(Access::Write)?;
    refuse_taken_name(&store, name, None)?;
    let id = match id {
        Some(id) => {
            crate::cmd::refuse_taken_id::<Source>(&store, "source", id)?;
            refuse_id_spelling_a_name(&store, id)?;
            id.to_string()
        }
        None => unused_id(|id| Ok(store.get::<Source>(id)?.is_some()), &slug(name))?,
    };
    let source = Source {
        id: id.clone(),
        name: name.to_string(),
        url,
        grade,
        meta: Meta::first(ctx.now),
    };
    let mut change = store.change();
    change.put(&source)?;
    change.commit()?;
    crate::output::print_saved(id)
}

/// Refuses a name that already finds a source other than `own` (by name,
/// id or earlier name), so that every name finds one source. A retracted
/// source's name is free, but not its id as it is written: the CSV exports
/// write the retracted source as that id, and an import reads it so. The
/// table is read here rather than through `find_source`, which says when a
/// spelling is an earlier name: `source edit --name` giving a source back a
/// name of its own finds nothing to refuse or say.
fn refuse_taken_name(store: &Store, name: &str, own: Option<&str>) -> Result<()> {
    let is_own = |id: &str| Some(id) == own;
    match SourceNames::read(store)?
        .find(name, Spelled::Typed)
        .map_err(Error::bad_input)?
    {
        SourceFound::Live(id) if !is_own(&id) => Err(Error::bad_input(format!(
            "source {} already exists as {id}",
            quoted(name)
        ))),
        SourceFound::Earlier { id, now } if !is_own(&id) => Err(Error::bad_input(format!(
            "source {} already exists as {id}: it is an earlier name of source {}, and still finds it",
            quoted(name),
            quoted(&now)
        ))),
        SourceFound::Retracted(id) => {
            let retracted = store.get::<Source>(&id)?.ok_or_else(|| {
                Error::database(format!("source {id} went missing while it was looked up"))
            })?;
            Err(Error::bad_input(format!(
                "{}; a source cannot be named by that id: {}",
                retracted_record("source", &retracted),
                crate::cmd::naming_instead_of_id(name, &retracted.name)
            )))
        }
        _ => Ok(()),
    }
}

/// Refuses an id that is another live source's name as written: the CSV
/// exports write a source as its id once it is retracted (or shares its
/// name), and an import reads such a cell as that id first, so the other
/// source's name would come back as this source.
fn refuse_id_spelling_a_name(store: &Store, id: &str) -> Result<()> {
    for other in store.live::<Source>() {
        let other = other?;
        if other.name == id {
            return Err(Error::bad_input(format!(
                "source id {id} is the name of source {}; give another id",
                other.id
            )));
        }
    }
    Ok(())
}

fn edit(
    ctx: &Ctx,
    input: &str,
    name: Option<String>,
    url: Option<String>,
    grade_text: Option<String>,
) -> Result<()> {
    let name = name
        .as_deref()
        .map(|name| model::one_name("source name", name, 500).map_err(Error::bad_input))
        .transpose()?;
    let url = url_field(url)?;
    let grade = grade(grade_text)?;
    let store = ctx.open(Access::Write)?;
    let before = match find_source(&store, input)? {
        Lookup::Found(source) => source,
        Lookup::Missing { suggestion } => {
            return Err(unknown("source", input, suggestion.map(|s| s.name)))
        }
    };
    let mut source = before.clone();
    if let Some(name) = name {
        refuse_taken_name(&store, &name, Some(&before.id))?;
        source.name = name.into_owned();
    }
    // An empty value or none removes the field, the earlier version kept.
    if let Some(url) = url {
        source.url = url;
    }
    if let Some(grade) = grade {
        source.grade = grade;
    }
    if source == before {
        crate::notice("nothing to change");
        return crate::output::print_line(&source.id);
    }
    source.meta = before.meta.next(ctx.now);
    let mut change = store.change();
    change.put(&source)?;
    change.commit()?;
    crate::output::print_saved(&source.id)
}

#[derive(Serialize)]
struct SourceRow {
    id: String,
    name: String,
    url: Option<String>,
    /// Admiralty reliability letter, A … F.
    grade: Option<String>,
}

impl Row for SourceRow {
    const HEADERS: &'static [&'static str] = &["id", "name", "url", "grade"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.name.clone(),
            self.url.clone().unwrap_or_default(),
            self.grade.clone().unwrap_or_default(),
        ]
    }
}

fn list(ctx: &Ctx) -> Result<()> {
    let format = ctx.read_format()?;
    let store = ctx.open(Access::Read)?;
    let mut rows = Vec::new();
    for source in store.live::<Source>() {
        let source = source?;
        rows.push(SourceRow {
            id: source.id,
            name: source.name,
            url: source.url,
            grade: source.grade.map(|g| g.letter()),
        });
    }
    rows.sort_by(|a, b| {
        fold(&a.name)
            .cmp(&fold(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    print_rows(format, &rows)
}
