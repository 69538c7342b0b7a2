//! `factline source add|list`.

use serde::Serialize;

use crate::cli::SourceCommand;
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::model::names::{fold, slug, validate_id};
use crate::model::{self, Meta, Source};
use crate::output::{print_rows, Row};
use crate::resolve::{find_source, unused_id, Lookup};
use crate::store::Access;

pub fn run(ctx: &Ctx, command: SourceCommand) -> Result<()> {
    match command {
        SourceCommand::Add { name, url, id } => add(ctx, &name, url, id),
        SourceCommand::List => list(ctx),
    }
}

fn add(ctx: &Ctx, name: &str, url: Option<String>, id: Option<String>) -> Result<()> {
    model::validate_text("source name", name, 500).map_err(Error::bad_input)?;
    if let Some(url) = &url {
        model::validate_text("url", url, 2000).map_err(Error::bad_input)?;
    }
    let store = ctx.open(Access::Write)?;
    if let Lookup::Found(existing) = find_source(&store, name)? {
        return Err(Error::bad_input(format!(
            "source {name:?} already exists as {}",
            existing.id
        )));
    }
    let id = match id {
        Some(id) => {
            validate_id(&id).map_err(Error::bad_input)?;
            if store.get::<Source>(&id)?.is_some() {
                return Err(Error::bad_input(format!("source id {id} is taken")));
            }
            id
        }
        None => unused_id(|id| Ok(store.get::<Source>(id)?.is_some()), &slug(name))?,
    };
    let source = Source {
        id: id.clone(),
        name: name.trim().to_string(),
        url,
        meta: Meta::first(ctx.now),
    };
    let mut change = store.change();
    change.put(&source)?;
    change.commit()?;
    println!("{id}");
    Ok(())
}

#[derive(Serialize)]
struct SourceRow {
    id: String,
    name: String,
    url: Option<String>,
}

impl Row for SourceRow {
    const HEADERS: &'static [&'static str] = &["id", "name", "url"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.name.clone(),
            self.url.clone().unwrap_or_default(),
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
        });
    }
    rows.sort_by(|a, b| {
        fold(&a.name)
            .cmp(&fold(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    print_rows(format, &rows)
}
