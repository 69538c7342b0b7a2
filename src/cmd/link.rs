//! `factline link ID SOURCE`: attach a source to an event or claim, or
//! update that link (credibility, what it repeats, quote, URL).

use crate::cli::{FactKind, LinkArgs};
use crate::cmd::claim::require_claim;
use crate::cmd::event::{require_event, Participants};
use crate::cmd::history::fact_kind_of;
use crate::cmd::{Ctx, Names};
use crate::error::{Error, Result};
use crate::model::{self, SourceLink};
use crate::resolve::{find_source, unknown, Lookup};
use crate::store::{Access, Record, Store};

pub fn run(ctx: &Ctx, args: LinkArgs) -> Result<()> {
    // Each of --credibility, --via, --quote and --url: not given (None)
    // leaves the field as it is, an empty value (Some(None)) removes it, as
    // an empty --place does for an event; `none` too for --credibility and
    // --url, as `source edit` reads --grade and --url (`model::means_none`).
    let credibility = args
        .credibility
        .as_deref()
        .map(model::parse_credibility)
        .transpose()
        .map_err(Error::bad_input)?;
    let quote = match args.quote.as_deref() {
        Some(quote) if model::trimmed(quote).is_empty() => Some(None),
        Some(quote) => {
            model::validate_note("--quote", quote, 10_000).map_err(Error::bad_input)?;
            Some(Some(quote.to_string()))
        }
        None => None,
    };
    let url = args
        .url
        .as_deref()
        .map(|url| model::parse_url("--url", url))
        .transpose()
        .map_err(Error::bad_input)?;
    let store = ctx.open(Access::Write)?;
    let mut participants = Participants::new(&store, ctx, false);
    let source = participants.source(&args.source)?;
    let via = match args.via.as_deref().map(model::trimmed) {
        Some("") => Some(None),
        Some(name) => match find_source(&store, name)? {
            Lookup::Found(s) if s.id == source => {
                return Err(Error::bad_input("a source cannot repeat itself (--via)"))
            }
            Lookup::Found(s) => Some(Some(s.id)),
            Lookup::Missing { suggestion } => {
                return Err(unknown("source", name, suggestion.map(|s| s.name)))
            }
        },
        None => None,
    };
    let update = |links: &mut Vec<SourceLink>| -> Result<()> {
        if let Some(Some(via)) = &via {
            refuse_loop(&store, links, &source, via)?;
        }
        let position = links.iter().position(|l| l.source == source);
        let link = match position {
            Some(i) => &mut links[i],
            None => {
                links.push(SourceLink::plain(&source));
                links.last_mut().expect("just pushed")
            }
        };
        if let Some(credibility) = credibility {
            link.credibility = credibility;
        }
        if let Some(via) = &via {
            link.via = via.clone();
        }
        if let Some(quote) = &quote {
            link.quote = quote.clone();
        }
        if let Some(url) = &url {
            link.url = url.clone();
        }
        Ok(())
    };
    let mut change = store.change();
    match fact_kind_of(&store, &args.id, args.kind)? {
        FactKind::Event => {
            let before = require_event(&store, &args.id)?;
            let mut event = before.clone();
            update(&mut event.sources)?;
            if event != before {
                event.meta = before.meta().next(ctx.now);
                change.put(&event)?;
            }
        }
        FactKind::Claim => {
            let before = require_claim(&store, &args.id)?;
            let mut claim = before.clone();
            update(&mut claim.sources)?;
            if claim != before {
                claim.meta = before.meta().next(ctx.now);
                change.put(&claim)?;
            }
        }
    }
    let unchanged = change.is_empty();
    if unchanged {
        crate::notice("nothing to change");
    }
    participants.write(&mut change)?;
    change.commit()?;
    match unchanged {
        true => crate::output::print_line(&args.id),
        false => crate::output::print_saved(&args.id),
    }
}

/// Refuses a "via" that would make `source` repeat itself through other
/// sources (A via B when B is recorded via A): such a loop has no origin.
/// The chain from `via` is followed through the fact's `links`.
fn refuse_loop(store: &Store, links: &[SourceLink], source: &str, via: &str) -> Result<()> {
    let mut chain = vec![source, via];
    let mut current = via;
    while current != source {
        let next = links
            .iter()
            .find(|l| l.source == current)
            .and_then(|l| l.via.as_deref());
        match next {
            // A loop stored earlier that does not pass through `source` ends the walk.
            Some(next) if !chain[1..].contains(&next) => {
                chain.push(next);
                current = next;
            }
            _ => return Ok(()),
        }
    }
    let mut names = Names::new(store);
    let chain = chain
        .iter()
        .map(|id| names.source(id))
        .collect::<Result<Vec<_>>>()?;
    Err(Error::bad_input(format!(
        "--via {} would make a loop ({}); a source cannot repeat itself, even through others",
        chain[1],
        chain.join(" via ")
    )))
}
