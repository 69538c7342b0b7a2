//! `factline import FILE`: load an NDJSON dump. Every line is checked before
//! anything is written, and the whole file is written as one atomic change.

use std::io::{self, BufReader};
use std::path::Path;

use crate::cli::ImportArgs;
use crate::cmd::Ctx;
use crate::dump;
use crate::error::{Error, Result};
use crate::store::Access;

pub fn run(ctx: &Ctx, args: ImportArgs) -> Result<()> {
    let (lines, label) = if args.file == Path::new("-") {
        (
            dump::read(io::stdin().lock(), "<stdin>")?,
            "<stdin>".to_string(),
        )
    } else {
        let label = args.file.display().to_string();
        let file = std::fs::File::open(&args.file)
            .map_err(|e| Error::bad_input(format!("cannot read {label}: {e}")))?;
        (dump::read(BufReader::new(file), &label)?, label)
    };
    let store = ctx.open(Access::Write)?;
    let mut change = store.change();
    let applied = dump::apply(&mut change, &store, &lines, &label)?;
    change.commit()?;
    crate::notice(format!(
        "imported {label}: {} new, {} already present",
        applied.added, applied.unchanged
    ));
    Ok(())
}
