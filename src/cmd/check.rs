//! `factline check [--repair]`: verify every record, index entry, page and
//! history version; rebuild the derived ones from the records on request.

use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::store::Access;

pub fn run(ctx: &Ctx, repair: bool) -> Result<()> {
    let store = ctx.open(if repair { Access::Write } else { Access::Read })?;
    if repair {
        let (problems, notes) = store.repair()?;
        if problems.is_empty() {
            crate::notice("nothing to repair");
        } else {
            for note in notes {
                crate::notice(note);
            }
            crate::notice(format!(
                "repaired {} problem(s); checking again",
                problems.len()
            ));
        }
    }
    let (problems, checked) = store.check()?;
    if problems.is_empty() {
        println!("ok: {checked} keys checked in {}", store.path().display());
        return Ok(());
    }
    for problem in &problems {
        println!("{problem}");
    }
    Err(Error::no_result(format!(
        "{} problem(s) in {} ({checked} keys checked)",
        problems.len(),
        store.path().display()
    )))
}
