//! `factline contradictions`: every pair of claims that contradict, with
//! both claimants, values, sources and dates. Nothing is resolved: the user
//! rates (`claim rate`).

use serde::Serialize;

use crate::cmd::claim::live_claims;
use crate::cmd::{marked, Ctx, Names};
use crate::error::Result;
use crate::model::{self, Claim, Conflict};
use crate::output::{join, print_row_stream, Row};
use crate::store::Access;

pub fn run(ctx: &Ctx) -> Result<()> {
    let format = ctx.read_format()?;
    let store = ctx.open(Access::Read)?;
    let claims = live_claims(&store)?;
    let mut names = Names::new(&store);
    // Each pair is found, written and dropped in turn: CSV and JSON hold
    // one row, however many pairs the claims make.
    let rows = model::contradictions(&claims).map(|(i, j, why)| {
        Ok(ContradictionRow {
            a: Side::new(&claims[i], &mut names)?,
            b: Side::new(&claims[j], &mut names)?,
            reasons: reasons(&why),
        })
    });
    print_row_stream(format, rows)
}

/// Why two claims contradict, as the words scripts see: linked, quantity.
pub fn reasons(why: &[Conflict]) -> Vec<String> {
    why.iter()
        .map(|c| match c {
            Conflict::Linked => "linked".to_string(),
            Conflict::Quantity => "quantity".to_string(),
        })
        .collect()
}

/// One claim of a contradicting pair.
#[derive(Serialize)]
pub struct Side {
    pub id: String,
    pub claimant: String,
    /// Whether the claimant has been retracted since (the table and the
    /// CSV mark it `(retracted)`).
    pub claimant_retracted: bool,
    text: String,
    date: Option<String>,
    /// The date as tables show it (`Nov 2025`).
    #[serde(skip)]
    shown_date: String,
    value: Option<f64>,
    unit: Option<String>,
    sources: Vec<String>,
    verdict: String,
}

impl Side {
    pub fn new(claim: &Claim, names: &mut Names) -> Result<Side> {
        Ok(Side {
            id: claim.id.clone(),
            claimant: names.actor(&claim.claimant)?,
            claimant_retracted: names.actor_retracted(&claim.claimant)?,
            text: claim.text.clone(),
            date: claim.date.as_ref().map(|d| d.to_string()),
            shown_date: claim.date.as_ref().map(|d| d.human()).unwrap_or_default(),
            value: claim.quantity.as_ref().map(|q| q.value),
            unit: claim.quantity.as_ref().map(|q| q.unit.clone()),
            sources: {
                let live = names.live_links(&claim.sources)?;
                names.sources(&live)?
            },
            verdict: claim.verdict.to_string(),
        })
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.claimant_shown(),
            self.date.clone().unwrap_or_default(),
            self.value.map(model::format_value).unwrap_or_default(),
            self.unit.clone().unwrap_or_default(),
            join(&self.sources),
        ]
    }

    /// The side's cells in the table: claimant (with the date, when the
    /// claim has one), what it says, sources.
    fn table_cells(&self) -> Vec<String> {
        let claimant = match self.shown_date.as_str() {
            "" => self.claimant_shown(),
            date => format!("{} ({date})", self.claimant_shown()),
        };
        vec![claimant, self.summary(), join(&self.sources)]
    }

    /// The claimant's name, marked `(retracted)` when retracted since.
    pub fn claimant_shown(&self) -> String {
        marked(self.claimant.clone(), self.claimant_retracted)
    }

    /// "700000 minors", or the text when the claim gives no number.
    pub fn summary(&self) -> String {
        match (&self.value, &self.unit) {
            (Some(v), Some(u)) => format!("{} {u}", model::format_value(*v)),
            _ => self.text.clone(),
        }
    }
}

#[derive(Serialize)]
struct ContradictionRow {
    a: Side,
    b: Side,
    /// linked (recorded as contradicting) and/or quantity (different numbers, same subject).
    reasons: Vec<String>,
}

impl Row for ContradictionRow {
    const HEADERS: &'static [&'static str] = &[
        "a",
        "a_claimant",
        "a_date",
        "a_value",
        "a_unit",
        "a_sources",
        "b",
        "b_claimant",
        "b_date",
        "b_value",
        "b_unit",
        "b_sources",
        "reasons",
    ];

    fn cells(&self) -> Vec<String> {
        let mut cells = self.a.cells();
        cells.extend(self.b.cells());
        cells.push(join(&self.reasons));
        cells
    }

    /// Each side's claimant and date, value (or text) and sources, in three
    /// columns so that the pair fits a terminal (which wraps the cells).
    fn table(&self) -> (Vec<&'static str>, Vec<String>) {
        let mut cells = self.a.table_cells();
        cells.extend(self.b.table_cells());
        cells.push(join(&self.reasons));
        (
            vec![
                "claimant (date)",
                "says",
                "sources",
                "≠ claimant (date)",
                "says",
                "sources",
                "why",
            ],
            cells,
        )
    }
}
