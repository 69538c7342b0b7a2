//! `factline sources EVENT|CLAIM`: the chain of sources behind one fact.

use serde::Serialize;

use crate::cli::FactKind;
use crate::cmd::claim::require_claim;
use crate::cmd::event::require_event;
use crate::cmd::history::fact_kind_of;
use crate::cmd::{Ctx, Names};
use crate::error::Result;
use crate::model::{self, Source, SourceLink};
use crate::output::{print_row_stream, Row};
use crate::store::{Access, Store};

pub fn run(ctx: &Ctx, id: &str, kind: Option<FactKind>) -> Result<()> {
    let format = ctx.read_format()?;
    let store = ctx.open(Access::Read)?;
    let links = match fact_kind_of(&store, id, kind)? {
        FactKind::Event => require_event(&store, id)?.sources,
        FactKind::Claim => require_claim(&store, id)?.sources,
    };
    // A retracted source is left out, as from every listing; the chains of
    // the others still pass through it.
    let mut names = Names::new(&store);
    let live = names.live_links(&links)?;
    let corroboration = model::corroboration_among(&links, &live);
    // Each report's chain is walked once, through an index of the fact's
    // reports, and its row written as it is made: a long chain costs what
    // its rows print.
    let chains = model::Chains::new(&links);
    let rows = links
        .iter()
        .zip(model::origins(&links))
        .filter_map(
            |(link, origin)| match names.source_retracted(&link.source) {
                Ok(true) => None,
                Ok(false) => Some(LinkRow::new(
                    &store,
                    &mut names,
                    link,
                    &chains.of(link),
                    origin,
                    corroboration,
                )),
                Err(e) => Some(Err(e)),
            },
        );
    print_row_stream(format, rows)?;
    if format == crate::cli::Format::Table {
        crate::output::print_line(format_args!(
            "{corroboration} independent source{}",
            if corroboration == 1 { "" } else { "s" }
        ))?;
    }
    Ok(())
}

#[derive(Serialize)]
struct LinkRow {
    source: String,
    name: String,
    /// The source's reliability (Admiralty A … F).
    grade: Option<String>,
    /// This report's credibility (1 confirmed … 6 cannot be judged).
    credibility: Option<u8>,
    /// The chain of sources this report repeats, nearest first.
    via: Vec<String>,
    /// The independent origin this report counts as (the same for every
    /// member of a loop of sources repeating each other).
    origin: String,
    quote: Option<String>,
    url: Option<String>,
    /// Independent sources of the fact (the same on every row).
    corroboration: usize,
}

impl LinkRow {
    fn new(
        store: &Store,
        names: &mut Names,
        link: &SourceLink,
        via: &[&str],
        origin: &str,
        corroboration: usize,
    ) -> Result<LinkRow> {
        let source = store.get::<Source>(&link.source)?;
        // A chain may pass through a source retracted since: it is still
        // what the report repeats, so it is named, and marked.
        let mut name_of = |id: &str| -> Result<String> {
            let name = names.source(id)?;
            Ok(if names.source_retracted(id)? {
                format!("{name} (retracted)")
            } else {
                name
            })
        };
        Ok(LinkRow {
            source: link.source.clone(),
            name: source
                .as_ref()
                .map_or_else(|| link.source.clone(), |s| s.name.clone()),
            grade: source.as_ref().and_then(|s| s.grade).map(|g| g.letter()),
            credibility: link.credibility,
            origin: name_of(origin)?,
            via: via.iter().map(|v| name_of(v)).collect::<Result<_>>()?,
            quote: link.quote.clone(),
            url: link.url.clone(),
            corroboration,
        })
    }
}

impl Row for LinkRow {
    const HEADERS: &'static [&'static str] = &[
        "source",
        "name",
        "grade",
        "credibility",
        "via",
        "origin",
        "quote",
        "url",
        "corroboration",
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.source.clone(),
            self.name.clone(),
            self.grade.clone().unwrap_or_default(),
            self.credibility.map(|c| c.to_string()).unwrap_or_default(),
            self.via.join(" → "),
            self.origin.clone(),
            self.quote.clone().unwrap_or_default(),
            self.url.clone().unwrap_or_default(),
            self.corroboration.to_string(),
        ]
    }

    fn table(&self) -> (Vec<&'static str>, Vec<String>) {
        let grade = self.grade.as_ref().map_or_else(String::new, |g| {
            let meaning = g
                .parse::<model::Reliability>()
                .map(|r| r.meaning())
                .unwrap_or("");
            format!("{g} ({meaning})")
        });
        let credibility = self.credibility.map_or_else(String::new, |c| {
            format!("{c} ({})", model::credibility_meaning(c))
        });
        (
            vec!["source", "grade", "credibility", "via", "origin", "quote"],
            vec![
                self.name.clone(),
                grade,
                credibility,
                self.via.join(" → "),
                self.origin.clone(),
                self.quote.clone().unwrap_or_default(),
            ],
        )
    }
}
