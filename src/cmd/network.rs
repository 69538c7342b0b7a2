//! `factline network ACTOR`: who is within N meetings of an actor.

use serde::Serialize;

use crate::cli::NetworkArgs;
use crate::cmd::{window, Ctx, Names};
use crate::error::Result;
use crate::graph::{self, Rules};
use crate::output::{print_rows, Row};
use crate::resolve::require_actor;
use crate::store::Access;

pub fn run(ctx: &Ctx, args: NetworkArgs) -> Result<()> {
    let format = ctx.read_format()?;
    let rules = Rules {
        ties: args.ties,
        ..Rules::meetings(window(&args.window)?)
    };
    let store = ctx.open(Access::Read)?;
    let centre = require_actor(&store, &args.actor)?;
    let mut names = Names::new(&store);
    let mut rows = Vec::new();
    for member in graph::network(&store, &centre.id, rules, args.hops)? {
        rows.push(MemberRow {
            name: names.actor(&member.actor)?,
            id: member.actor,
            distance: member.distance,
            meetings: member.meetings,
        });
    }
    print_rows(format, &rows)
}

#[derive(Serialize)]
struct MemberRow {
    id: String,
    name: String,
    /// Meetings (hops) away from the centre.
    distance: usize,
    /// Meetings tying this actor to actors one hop closer to the centre.
    meetings: usize,
}

impl Row for MemberRow {
    const HEADERS: &'static [&'static str] = &["id", "name", "distance", "meetings"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.name.clone(),
            self.distance.to_string(),
            self.meetings.to_string(),
        ]
    }
}
