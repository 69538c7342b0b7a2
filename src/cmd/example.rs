//! `factline example`: load the bundled example story and print its timeline.

use crate::cmd::timeline::print_events;
use crate::cmd::Ctx;
use crate::dump;
use crate::error::Result;
use crate::example;
use crate::query::{self, Filter};
use crate::store::Access;

pub fn run(ctx: &Ctx) -> Result<()> {
    let format = ctx.read_format()?;
    let store = ctx.open(Access::Write)?;
    let lines: Vec<(usize, dump::Line)> = example::dataset().into_iter().enumerate().collect();
    let mut change = store.change();
    let applied = dump::apply(&mut change, &store, &lines, "example")?;
    change.commit()?;
    crate::notice(format!(
        "example story in {}: {} records added, {} already present",
        store.path().display(),
        applied.added,
        applied.unchanged
    ));
    let events = query::timeline(&store, &Filter::default())?;
    print_events(&store, format, events)
}
