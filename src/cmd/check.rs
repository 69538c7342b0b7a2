//! `factline check [--repair]`: verify every record, index entry, page and
//! history version; rebuild the derived ones from the records on request.

use serde::Serialize;

use crate::cli::Format;
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::output::{join, print_detail, print_line, Row};
use crate::store::Access;

/// What `check --format json|csv` prints: one object, also when problems
/// are found (the exit code is 1 then, as in a table).
#[derive(Serialize)]
struct CheckReport {
    database: String,
    ok: bool,
    keys_checked: usize,
    problems: Vec<String>,
    /// The problems `--repair` found and the check after it no longer finds
    /// (empty without it).
    repaired: Vec<String>,
    /// What the repair says about them (a lost page: whether records were
    /// lost with it).
    notes: Vec<String>,
}

impl Row for CheckReport {
    const HEADERS: &'static [&'static str] = &[
        "database",
        "ok",
        "keys_checked",
        "problems",
        "repaired",
        "notes",
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.database.clone(),
            self.ok.to_string(),
            self.keys_checked.to_string(),
            join(&self.problems),
            join(&self.repaired),
            join(&self.notes),
        ]
    }
}

pub fn run(ctx: &Ctx, repair: bool) -> Result<()> {
    let format = ctx.read_format()?;
    if ctx.as_of.is_some() {
        return Err(Error::bad_input(
            "--as-of shows the past; `check` checks the database as it is stored now",
        ));
    }
    // A repair writes, and opening for writing creates a database where
    // there is none: a mistyped path would get a new, empty one, "ok".
    if repair && !crate::store::exists(&ctx.db) {
        return Err(crate::store::not_a_database(&ctx.db));
    }
    let store = ctx.open(if repair { Access::Write } else { Access::Read })?;
    let (mut repaired, mut notes) = (Vec::new(), Vec::new());
    if repair {
        let (found, said) = store.repair(ctx.now)?;
        if found.is_empty() {
            crate::notice("nothing to repair");
        } else {
            for note in &said {
                crate::notice(note);
            }
            crate::notice(format!(
                "found {} problem(s), repaired what the records imply; checking again",
                found.len()
            ));
            (repaired, notes) = (found, said);
        }
    }
    let (problems, checked) = store.check()?;
    // What the check still finds was not repaired (a damaged record, a
    // missing one another names: only the user can mend those).
    let still: std::collections::HashSet<&str> = problems.iter().map(String::as_str).collect();
    repaired.retain(|problem| !still.contains(problem.as_str()));
    let database = store.path().display().to_string();
    if format == Format::Table {
        if problems.is_empty() {
            print_line(format!("ok: {checked} keys checked in {database}"))?;
        }
        for problem in &problems {
            print_line(problem)?;
        }
    } else {
        print_detail(
            format,
            &CheckReport {
                database: database.clone(),
                ok: problems.is_empty(),
                keys_checked: checked,
                problems: problems.clone(),
                repaired,
                notes,
            },
        )?;
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::no_result(format!(
        "{} problem(s) in {database} ({checked} keys checked)",
        problems.len()
    )))
}
