//! `factline export`: the NDJSON dump (default), the timeline as CSV or for
//! TimelineJS, the actor graph as DOT, GraphML or GEXF, or pictures (SVG,
//! HTML); all but the dump and the claims CSV of the events the timeline
//! options choose.

use std::io::Write;

use crate::cli::{CsvContent, ExportArgs, Format, GraphScope, PictureView};
use crate::cmd::timeline::{TimelineRow, EXPORT_HEADERS};
use crate::cmd::{claim, timeline, Ctx, Names};
use crate::dump;
use crate::error::{Error, Result};
use crate::graph::export::{self, Scope};
use crate::output::{Output, Row};
use crate::query::{self, Filter};
use crate::store::{Access, Store};

pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<()> {
    let format = ctx.format.unwrap_or(Format::Ndjson);
    if matches!(format, Format::Table | Format::Json) {
        return Err(Error::bad_input(format!(
            "export writes ndjson, csv, dot, graphml, gexf, timelinejs, timelinejs-csv, html or svg, not {}",
            format.name()
        )));
    }
    let scope = match args.graph.unwrap_or(GraphScope::Actors) {
        GraphScope::Actors => Scope::Actors,
        GraphScope::Full => Scope::Full,
    };
    // An option the format does not write is refused, not ignored.
    let graph_format = matches!(format, Format::Dot | Format::Graphml | Format::Gexf);
    let refused = [
        args.what
            .filter(|_| format != Format::Csv)
            .map(|what| format!("--what {} is written by --format csv only", what.name())),
        args.graph.filter(|_| !graph_format).map(|graph| {
            format!(
                "--graph {} is written by --format dot, graphml or gexf only",
                graph.name()
            )
        }),
        args.view
            .filter(|_| format != Format::Svg)
            .map(|view| format!("--view {} is drawn by --format svg only", view.name())),
        (args.raw && format != Format::Csv)
            .then(|| "--raw is written by --format csv only".to_string()),
        (args.bom && !matches!(format, Format::Csv | Format::TimelinejsCsv))
            .then(|| "--bom is written by --format csv and timelinejs-csv only".to_string()),
    ];
    crate::cmd::refuse_unused_options(refused, format.name())?;
    let claims = args.what == Some(CsvContent::Claims);
    let mut filter = timeline::parse_filter(&args.events)?;
    let chooses = args.events.actor.is_some() || filter != Filter::default();
    if chooses && (format == Format::Ndjson || claims) {
        return Err(Error::bad_input(format!(
            "--actor, --from, --to, --on, --status and --kind choose the events of a timeline, picture or graph export; {} is always whole",
            if claims { "the claims CSV" } else { "the NDJSON dump" }
        )));
    }
    let store = ctx.open(Access::Read)?;
    filter.actor = timeline::filter_actor(&store, &args.events)?;
    let mut out = Output::create(args.output.as_deref())?;
    if args.bom {
        out.write_all(crate::BYTE_ORDER_MARK.as_bytes())?;
    }
    if claims {
        write_claims_csv(&store, &mut out, args.raw)?;
    } else if matches!(format, Format::Html | Format::Svg) {
        write_picture(
            &store,
            &filter,
            format,
            args.view.unwrap_or(PictureView::Timeline),
            &mut out,
        )?;
    } else {
        write(&store, &filter, format, scope, args.raw, &mut out)?;
    }
    out.finish()
}

/// Writes the events `filter` keeps (all, for the default one) in an
/// export format; the NDJSON dump is always the whole database.
pub fn write<W: Write>(
    store: &Store,
    filter: &Filter,
    format: Format,
    scope: Scope,
    raw: bool,
    out: &mut W,
) -> Result<()> {
    let graph = || export::Graph::of_events(store, scope, filter.clone());
    match format {
        Format::Csv => write_timeline_csv(store, filter, out, raw),
        Format::Dot => export::write_dot(&graph()?, out),
        Format::Graphml => export::write_graphml(&graph()?, out),
        Format::Gexf => export::write_gexf(&graph()?, out),
        Format::Timelinejs | Format::TimelinejsCsv => write_timelinejs(store, filter, format, out),
        Format::Html | Format::Svg => {
            write_picture(store, filter, format, PictureView::Timeline, out)
        }
        Format::Ndjson | Format::Table | Format::Json => dump::write(store, out),
    }
}

/// Events beyond which a picture is too large to open in a browser (an
/// HTML page of 100,000 events is about 60 MB; pictures are for stories).
const LARGE_PICTURE: usize = 20_000;

/// The timeline or the who-met graph as a picture (SVG or HTML) of the
/// events `filter` keeps, built in memory.
pub fn write_picture<W: Write>(
    store: &Store,
    filter: &Filter,
    format: Format,
    view: PictureView,
    out: &mut W,
) -> Result<()> {
    use crate::picture::{self, Edge, Item};
    let mut names = Names::new(store);
    let mut items = Vec::new();
    let live = crate::graph::Live::new(store);
    for event in query::timeline(store, filter)? {
        let mut event = event?;
        // Drawn without its retracted actors, as every graph leaves them out.
        let mut actors = Vec::with_capacity(event.actors.len());
        for actor in std::mem::take(&mut event.actors) {
            if live.actor(&actor)? {
                actors.push(actor);
            }
        }
        event.actors = actors;
        let first_date = first_date(store, &event)?;
        items.push(Item {
            actor_names: names.actors(&event.actors)?,
            event,
            first_date,
        });
    }
    let draws_timeline = !(format == Format::Svg && view == PictureView::Graph);
    if draws_timeline && items.len() > LARGE_PICTURE {
        crate::notice(format!(
            "a picture of {} events is too large for most browsers to open; draw a part with --from and --to, or --actor",
            items.len()
        ));
    }
    // The who-met edges of the same events, in the same (timeline) order
    // as the graph export writes them.
    let mut edges = Vec::new();
    for item in &items {
        for (a, b, relation) in export::meeting_pairs(&item.event, &live)? {
            edges.push(Edge {
                a: (a.to_string(), names.actor(a)?),
                b: (b.to_string(), names.actor(b)?),
                planned: relation == "planned",
                event: item.event.id.clone(),
            });
        }
    }
    let text = match (format, view) {
        (Format::Svg, PictureView::Graph) => picture::graph_svg(&edges),
        (Format::Svg, PictureView::Timeline) => picture::timeline_svg(&items),
        _ => {
            let mut actors: Vec<(String, String)> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for item in &items {
                for (id, name) in item.event.actors.iter().zip(&item.actor_names) {
                    if seen.insert(id) {
                        actors.push((id.clone(), name.clone()));
                    }
                }
            }
            actors.sort_by(|a, b| a.1.cmp(&b.1));
            picture::html("factline timeline", &items, &edges, &actors)
        }
    };
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// The date `event` was first recorded with, when it has moved since (a
/// meeting postponed to a later date): pictures draw a line back to it.
fn first_date(store: &Store, event: &crate::model::Event) -> Result<Option<crate::model::Date>> {
    // A first version has no earlier date: its history is not read (a
    // lookup per event took a million-event picture 57 s before it had
    // read its events, against 6 s for the timeline).
    if event.meta.version == 1 {
        return Ok(None);
    }
    Ok(store
        .versions::<crate::model::Event>(&event.id)?
        .into_iter()
        .next()
        .map(|v| v.date)
        .filter(|d| d.as_str() != event.date.as_str()))
}

/// The timeline for TimelineJS: its JSON, or its spreadsheet columns.
/// Both are written as the events are read, so that a million events never
/// sit in memory (the JSON of a million slides took 831 MB when they did).
pub fn write_timelinejs<W: Write>(
    store: &Store,
    filter: &Filter,
    format: Format,
    out: &mut W,
) -> Result<()> {
    let mut names = Names::for_import(store);
    let slides = query::timeline(store, filter)?.filter_map(move |event| {
        let slide = || -> Result<Option<crate::timelinejs::Slide>> {
            let event = &event?;
            let actors = names.actors(&event.actors)?;
            let sources = names.live_links(&event.sources)?;
            let sources = names.sources(&sources)?;
            // Only a postponed event's display names a date, the one its
            // postponement moved it from.
            let versions = match event.status {
                crate::model::Status::Postponed => store.versions(&event.id)?,
                _ => Vec::new(),
            };
            Ok(crate::timelinejs::slide(
                event,
                crate::timelinejs::postponed_from(&versions),
                &actors,
                &sources,
            ))
        };
        slide().transpose()
    });
    if format == Format::TimelinejsCsv {
        return crate::output::write_csv_rows(
            out,
            crate::timelinejs::CSV_HEADERS,
            slides.map(|slide| Ok(crate::timelinejs::csv_row(&slide?))),
            false,
        );
    }
    crate::timelinejs::write_json(out, slides)
}

/// The claims as CSV (`claims.csv`), one row per claim.
pub fn write_claims_csv<W: Write>(store: &Store, out: &mut W, raw: bool) -> Result<()> {
    let claims = claim::live_claims(store)?;
    let contradicted = claim::contradicted_ids(&claims);
    let mut names = Names::for_import(store);
    let rows = claims
        .iter()
        .map(|c| Ok(claim::ClaimRow::new(c, &mut names, contradicted.contains(&c.id))?.cells()))
        .collect::<Result<Vec<_>>>()?;
    crate::output::write_csv_cells(out, claim::CSV_HEADERS, rows.into_iter(), raw)
}

/// The timeline as CSV, one row per event, lists joined with "; ".
pub fn write_timeline_csv<W: Write>(
    store: &Store,
    filter: &Filter,
    out: &mut W,
    raw: bool,
) -> Result<()> {
    // Streamed in timeline order: a million events never sit in memory.
    let mut names = Names::for_import(store);
    let rows = query::timeline(store, filter)?.map(|e| TimelineRow::export_cells(e?, &mut names));
    crate::output::write_csv_rows(out, EXPORT_HEADERS, rows, raw)
}
