//! `factline retract ID --reason TEXT`: hide a record from every query
//! without deleting it. The retraction is a new version; `history` and
//! `--as-of` still show what was there.

use crate::cli::{RecordKind, RetractArgs};
use crate::cmd::history::kind_of;
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::model::{self, Actor, Claim, Event, Source};
use crate::store::{Access, Record, Store};

pub fn run(ctx: &Ctx, args: RetractArgs) -> Result<()> {
    let reason = model::one_line("reason", &args.reason, 2000).map_err(Error::bad_input)?;
    let store = ctx.open(Access::Write)?;
    match kind_of(&store, &args.id, args.kind)? {
        RecordKind::Actor => retract::<Actor>(ctx, &store, &args.id, reason, |a| &mut a.meta),
        RecordKind::Source => retract::<Source>(ctx, &store, &args.id, reason, |s| &mut s.meta),
        RecordKind::Event => retract::<Event>(ctx, &store, &args.id, reason, |e| &mut e.meta),
        RecordKind::Claim => retract::<Claim>(ctx, &store, &args.id, reason, |c| &mut c.meta),
    }
}

fn retract<R: Record>(
    ctx: &Ctx,
    store: &Store,
    id: &str,
    reason: &str,
    meta: impl Fn(&mut R) -> &mut model::Meta,
) -> Result<()> {
    let mut record = store
        .get::<R>(id)?
        .ok_or_else(|| Error::bad_input(format!("no record with id {id:?}")))?;
    if let Some(earlier) = &record.meta().retracted {
        return Err(Error::bad_input(format!(
            "{id} is already retracted ({earlier})"
        )));
    }
    let next = record.meta().retract(ctx.now, reason);
    *meta(&mut record) = next;
    let mut change = store.change();
    change.put(&record)?;
    change.commit()?;
    crate::output::print_saved(id)
}
