//! `factline path A B`: the shortest chain of meetings (and, with `--ties`,
//! roles) connecting two actors; each hop names what ties its two actors.

use serde::Serialize;

use crate::cli::PathArgs;
use crate::cmd::{event::require_event, window, Ctx, Names};
use crate::error::{quoted, Error, Result};
use crate::graph::{self, Rules, Tie};
use crate::model::{Actor, Date};
use crate::output::{print_rows, Row};
use crate::resolve::require_actor;
use crate::store::Access;

pub fn run(ctx: &Ctx, args: PathArgs) -> Result<()> {
    let format = ctx.read_format()?;
    let rules = Rules {
        ties: args.ties,
        ..Rules::meetings(window(&args.window)?)
    };
    let store = ctx.open(Access::Read)?;
    let a = require_actor(&store, &args.from_actor)?;
    let b = require_actor(&store, &args.to_actor)?;
    refuse_same_actor(&args, &a, &b)?;
    let Some(hops) = graph::path(&store, &a.id, &b.id, rules, args.max_hops)? else {
        let what = if args.ties {
            "meetings or ties"
        } else {
            "meetings"
        };
        let hint = if args.ties {
            ""
        } else {
            "; --ties also walks roles and affiliations"
        };
        return Err(Error::no_result(format!(
            "no path of {what} from {} to {} within {} hops{hint}",
            a.name, b.name, args.max_hops
        )));
    };
    let mut names = Names::new(&store);
    let mut rows = Vec::with_capacity(hops.len());
    for (i, hop) in hops.iter().enumerate() {
        let (tie, event, date, detail) = match &hop.tie {
            Tie::Meeting { event, .. } => {
                let e = require_event(&store, event)?;
                ("meeting", Some(e.id), Some(e.date), e.title)
            }
            Tie::Role {
                holder,
                title,
                span,
            } => {
                let other = if *holder == hop.from {
                    &hop.to
                } else {
                    &hop.from
                };
                let detail = format!(
                    "{}: {title} → {}",
                    names.actor(holder)?,
                    names.actor(other)?
                );
                ("role", None, span.clone(), detail)
            }
        };
        rows.push(HopRow {
            step: i + 1,
            from: names.actor(&hop.from)?,
            to: names.actor(&hop.to)?,
            tie: tie.to_string(),
            event,
            date: date.as_ref().map(|d| d.to_string()),
            detail,
            date_value: date,
        });
    }
    print_rows(format, &rows)
}

/// A path from an actor to itself has no step: say so rather than print an
/// empty answer that reads as "found" (exit 0) and shows nothing.
fn refuse_same_actor(args: &PathArgs, a: &Actor, b: &Actor) -> Result<()> {
    if a.id != b.id {
        return Ok(());
    }
    Err(Error::bad_input(format!(
        "{} and {} are the same actor ({}, {}): a path needs two different actors",
        quoted(&args.from_actor),
        quoted(&args.to_actor),
        a.name,
        a.id
    )))
}

#[derive(Serialize)]
struct HopRow {
    step: usize,
    from: String,
    to: String,
    /// meeting or role.
    tie: String,
    event: Option<String>,
    /// The meeting's date, or the role's span (empty when not recorded).
    date: Option<String>,
    /// The meeting's title, or the role that ties the two.
    detail: String,
    /// The date, for the table's human form.
    #[serde(skip)]
    date_value: Option<Date>,
}

impl Row for HopRow {
    const HEADERS: &'static [&'static str] =
        &["step", "from", "to", "tie", "event", "date", "detail"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.step.to_string(),
            self.from.clone(),
            self.to.clone(),
            self.tie.clone(),
            self.event.clone().unwrap_or_default(),
            self.date.clone().unwrap_or_default(),
            self.detail.clone(),
        ]
    }

    fn table(&self) -> (Vec<&'static str>, Vec<String>) {
        let mut cells = self.cells();
        cells[5] = self
            .date_value
            .as_ref()
            .map(Date::human)
            .unwrap_or_default();
        (Self::HEADERS.to_vec(), cells)
    }
}
