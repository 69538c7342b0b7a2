//! `factline check`: verify every record, index entry and history version.

use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::store::Access;

pub fn run(ctx: &Ctx) -> Result<()> {
    let store = ctx.open(Access::Read)?;
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
