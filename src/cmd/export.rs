//! `factline export`: the NDJSON dump (default) or the timeline as CSV.

use std::io::Write;

use crate::cli::{ExportArgs, Format};
use crate::cmd::timeline::{TimelineRow, EXPORT_HEADERS};
use crate::cmd::{Ctx, Names};
use crate::dump;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::query::{self, Filter};
use crate::store::{Access, Store};

pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<()> {
    let format = ctx.format.unwrap_or(Format::Ndjson);
    if !matches!(format, Format::Ndjson | Format::Csv) {
        return Err(Error::bad_input(format!(
            "export writes ndjson or csv, not {}",
            format.name()
        )));
    }
    let store = ctx.open(Access::Read)?;
    let mut out = Output::create(args.output.as_deref())?;
    write(&store, format, &mut out)?;
    out.finish()
}

/// Writes the database in `format` (ndjson or csv).
pub fn write<W: Write>(store: &Store, format: Format, out: &mut W) -> Result<()> {
    match format {
        Format::Csv => write_timeline_csv(store, out),
        _ => dump::write(store, out),
    }
}

/// The timeline as CSV, one row per event, lists joined with "; ".
pub fn write_timeline_csv<W: Write>(store: &Store, out: &mut W) -> Result<()> {
    let events = query::timeline(store, &Filter::default())?;
    let mut names = Names::new(store);
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(EXPORT_HEADERS)?;
    for event in &events {
        writer.write_record(TimelineRow::new(event, &mut names)?.export_cells())?;
    }
    writer.flush()?;
    Ok(())
}
