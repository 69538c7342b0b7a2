//! `factline claim add|show|rate|list` and `factline claims`.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::cli::{ClaimAddArgs, ClaimCommand, ClaimsArgs};
use crate::cmd::contradictions::{reasons, Side};
use crate::cmd::event::{add_link, Participants};
use crate::cmd::{keyword, marked, parse_user_date, Ctx, Format, Names};
use crate::error::{quoted, Error, Result};
use crate::model::names::validate_id;
use crate::model::{self, Claim, Event, Meta, Quantity, Verdict};
use crate::output::{join, print_detail, print_row_stream, Row};
use crate::resolve::{
    find_actor, find_source, require_actor_or_retracted, retracted, unknown, unused_id, Lookup,
};
use crate::store::{keys, Access, Store};

pub fn run(ctx: &Ctx, command: ClaimCommand) -> Result<()> {
    match command {
        ClaimCommand::Add(args) => add(ctx, args),
        ClaimCommand::Show { claim } => show(ctx, &claim),
        ClaimCommand::Rate {
            claim,
            verdict,
            by,
            note,
        } => rate(ctx, &claim, &verdict, by, note),
        ClaimCommand::List(args) => list(ctx, args),
    }
}

/// The live claim with this id.
pub fn require_claim(store: &Store, id: &str) -> Result<Claim> {
    let Some(claim) = store.get::<Claim>(id)? else {
        return Err(crate::resolve::unknown_record::<Claim>(store, "claim", id)?);
    };
    if let Some(reason) = &claim.meta.retracted {
        return Err(retracted("claim", id, reason));
    }
    Ok(claim)
}

fn add(ctx: &Ctx, args: ClaimAddArgs) -> Result<()> {
    let text = model::one_line("claim text", &args.text, 10_000).map_err(Error::bad_input)?;
    let date = args
        .date
        .as_deref()
        .map(|d| parse_user_date("--date", d))
        .transpose()?;
    if let Some(quote) = &args.quote {
        model::validate_note("quote", quote, 10_000).map_err(Error::bad_input)?;
    }
    // clap requires a subject and a value together, and a unit with them.
    let quantity = match (&args.subject, &args.value) {
        (Some(subject), Some(value)) => {
            let subject = model::one_line("--subject", subject, model::MAX_QUANTITY_CHARS)
                .map_err(Error::bad_input)?;
            let value = model::parse_value("--value", value)
                .and_then(|parsed| model::refuse_ambiguous_value("--value", value).map(|_| parsed))
                .map_err(Error::bad_input)?;
            let unit = model::trimmed(args.unit.as_deref().unwrap_or_default());
            model::validate_unit("--unit", unit).map_err(Error::bad_input)?;
            model::refuse_scale_unit("--unit", unit, value).map_err(Error::bad_input)?;
            Some(Quantity {
                subject: subject.to_string(),
                value,
                unit: unit.to_string(),
            })
        }
        _ => None,
    };
    let given_id = args.id.as_deref().map(model::trimmed);
    if let Some(id) = given_id {
        validate_id(id).map_err(Error::bad_input)?;
    }
    let relations = ("--contradicts", "--supports");
    model::validate_claim_relations(given_id, &args.contradicts, &args.supports, &[], relations)
        .map_err(Error::bad_input)?;
    let store = ctx.open(Access::Write)?;
    let mut participants = Participants::new(&store, ctx, args.new_actor);
    let claimant = participants.actor(&args.by)?;
    let (mut about_events, mut about_actors) = (Vec::new(), Vec::new());
    for about in &args.about {
        match about_target(&store, about)? {
            About::Event(id) => push_unique(&mut about_events, id),
            About::Actor(id) => push_unique(&mut about_actors, id),
        }
    }
    let mut sources = Vec::new();
    for name in &args.sources {
        add_link(&mut sources, participants.source(name)?);
    }
    let mut named = Vec::new();
    let mut related = |ids: &[String]| -> Result<Vec<String>> {
        let mut out = Vec::new();
        for id in ids {
            let claim = require_claim(&store, id)?;
            push_unique(&mut out, claim.id.clone());
            named.push(claim);
        }
        Ok(out)
    };
    let contradicts = related(&args.contradicts)?;
    let supports = related(&args.supports)?;
    let id = match given_id {
        Some(id) => {
            crate::cmd::refuse_taken_id::<Claim>(&store, "claim", id)?;
            id.to_string()
        }
        None => {
            let base = crate::tabular::claim_id_base(date.as_ref(), &claimant, text);
            unused_id(|id| Ok(store.get::<Claim>(id)?.is_some()), &base)?
        }
    };
    // Checked again with the claims named, as they stand: one may
    // already name this id (a link to a claim that was never added).
    model::validate_claim_relations(Some(&id), &contradicts, &supports, &named, relations)
        .map_err(Error::bad_input)?;
    let claim = Claim {
        id: id.clone(),
        claimant,
        text: text.to_string(),
        date,
        about_events,
        about_actors,
        sources,
        quote: args.quote,
        quantity,
        contradicts,
        supports,
        verdict: Verdict::Unverified,
        verdict_by: None,
        verdict_note: String::new(),
        meta: Meta::first(ctx.now),
    };
    let mut change = store.change();
    participants.write(&mut change)?;
    change.put(&claim)?;
    change.commit()?;
    crate::output::print_saved(id)
}

/// What an `--about` names: a live event by its id, else an actor.
enum About {
    Event(String),
    Actor(String),
}

/// The record an `--about` of `claim add` or `claims` names: the live
/// event with that id, else the actor (see [`about_actor`]). The id of a
/// retracted event that is no actor's is refused as retracted, as a
/// retracted actor is.
fn about_target(store: &Store, about: &str) -> Result<About> {
    match store.get::<Event>(about)? {
        Some(event) if event.meta.retracted.is_none() => Ok(About::Event(event.id)),
        other => match about_actor(store, about) {
            Ok(actor) => Ok(About::Actor(actor)),
            // The id of a retracted event, or of one recorded after an
            // `--as-of` time: say so, rather than "neither".
            Err(neither) => Err(match other {
                Some(event) => match &event.meta.retracted {
                    Some(reason) => retracted("event", &event.id, reason),
                    None => neither,
                },
                None => match store.first_recorded_after_as_of::<Event>(about)? {
                    Some((at, first)) => {
                        crate::resolve::not_recorded_yet("event", about, at, first)
                    }
                    None => neither,
                },
            }),
        },
    }
}

/// The actor an `--about` names when it names no event (`--about` takes
/// either): a name that finds no actor is neither, and the error says so,
/// with the closest actor's name.
fn about_actor(store: &Store, input: &str) -> Result<String> {
    match find_actor(store, input)? {
        Lookup::Found(actor) => Ok(actor.id),
        Lookup::Missing { suggestion } => {
            if let Some(not_yet) = crate::resolve::actor_recorded_later(store, input)? {
                return Err(not_yet);
            }
            let mut message = format!("neither an actor nor an event is called {}", quoted(input));
            // An input dated as an event's id is rather a mistyped event.
            let near = match near_event_id(store, input)? {
                Some(id) => Some(id),
                None => suggestion.map(|actor| actor.name),
            };
            if let Some(near) = near {
                message.push_str(&format!("; did you mean {}?", quoted(&near)));
            }
            Err(Error::bad_input(message))
        }
    }
}

/// How many event ids sharing a mistyped id's date are compared with it:
/// a day holds a few events, and an error need not read a whole year's.
const NEAR_EVENT_IDS: usize = 1000;

/// The live event whose id is closest to `input`, an event id mistyped
/// after its date (`2025-10-24-miami-talk`): among the ids that start with
/// the same date (the leading parts of digits, `2025-10-24-`, which factline
/// puts first in an event's id), one alike enough. `None` when `input`
/// starts with no such date.
fn near_event_id(store: &Store, input: &str) -> Result<Option<String>> {
    let input = model::trimmed(input);
    let date_len: usize = input
        .split_inclusive('-')
        .take_while(|part| {
            let digits = part.trim_end_matches('-');
            !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) && part.ends_with('-')
        })
        .map(str::len)
        .sum();
    if date_len == 0 {
        return Ok(None);
    }
    let mut alike = Vec::new();
    for id in store
        .ids_starting::<Event>(&input[..date_len])
        .take(NEAR_EVENT_IDS)
    {
        let id = id?;
        let similarity = model::names::similarity(input, &id);
        if similarity >= 0.8 {
            alike.push((similarity, id));
        }
    }
    alike.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    for (_, id) in alike {
        if store
            .get::<Event>(&id)?
            .is_some_and(|e| e.meta.retracted.is_none())
        {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

fn rate(
    ctx: &Ctx,
    id: &str,
    verdict: &str,
    by: Option<String>,
    note: Option<String>,
) -> Result<()> {
    let verdict: Verdict = keyword(verdict)?;
    if let Some(note) = &note {
        model::validate_note("note", note, 10_000).map_err(Error::bad_input)?;
    }
    let store = ctx.open(Access::Write)?;
    let before = require_claim(&store, id)?;
    let verdict_by = match by {
        Some(name) => match find_source(&store, &name)? {
            Lookup::Found(source) => Some(source.id),
            Lookup::Missing { suggestion } => {
                return Err(unknown("source", &name, suggestion.map(|s| s.name)))
            }
        },
        None => None,
    };
    let mut claim = before.clone();
    claim.verdict = verdict;
    claim.verdict_by = verdict_by;
    claim.verdict_note = note.unwrap_or_default();
    if claim == before {
        crate::notice(format!("{id} is already rated {verdict}"));
        return crate::output::print_line(id);
    }
    claim.meta = before.meta.next(ctx.now);
    let mut change = store.change();
    change.put(&claim)?;
    change.commit()?;
    crate::output::print_saved(id)
}

/// A claim as scripts see it.
#[derive(Debug, Serialize)]
pub struct ClaimRow {
    pub id: String,
    pub date: Option<String>,
    pub earliest: Option<String>,
    pub latest: Option<String>,
    pub claimant: String,
    /// Whether the claimant has been retracted since (the table marks it
    /// `(retracted)`).
    pub claimant_retracted: bool,
    pub text: String,
    pub quote: Option<String>,
    pub subject: Option<String>,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub verdict: Verdict,
    pub verdict_by: Option<String>,
    /// Whether the verdict's source has been retracted since.
    pub verdict_by_retracted: bool,
    pub verdict_note: String,
    /// Event ids and actor names the claim is about (retracted events and
    /// actors left out, but retracted actors in the claims CSV, which
    /// keeps them as ids for import).
    pub about: Vec<String>,
    /// The sources reporting it (retracted ones left out, but in the claims
    /// CSV, which keeps them as ids for import).
    pub sources: Vec<String>,
    /// How many independent sources report it.
    pub corroboration: usize,
    /// The claims it contradicts and supports (retracted ones left out).
    pub contradicts: Vec<String>,
    pub supports: Vec<String>,
    /// Whether the claim is in any contradiction (linked either way, or by quantity).
    pub contradicted: bool,
}

impl ClaimRow {
    pub fn new(claim: &Claim, names: &mut Names, contradicted: bool) -> Result<ClaimRow> {
        let mut about = names.live_ids::<Event>(&claim.about_events)?;
        about.extend(names.actors(&claim.about_actors)?);
        let sources = names.live_links(&claim.sources)?;
        Ok(ClaimRow {
            id: claim.id.clone(),
            date: claim.date.as_ref().map(|d| d.to_string()),
            earliest: claim
                .date
                .as_ref()
                .and_then(|d| d.earliest())
                .map(|d| d.to_string()),
            latest: claim
                .date
                .as_ref()
                .and_then(|d| d.latest())
                .map(|d| d.to_string()),
            claimant: names.actor(&claim.claimant)?,
            claimant_retracted: names.actor_retracted(&claim.claimant)?,
            text: claim.text.clone(),
            quote: claim.quote.clone(),
            subject: claim.quantity.as_ref().map(|q| q.subject.clone()),
            value: claim.quantity.as_ref().map(|q| q.value),
            unit: claim.quantity.as_ref().map(|q| q.unit.clone()),
            verdict: claim.verdict,
            verdict_by: match &claim.verdict_by {
                Some(id) => Some(names.source(id)?),
                None => None,
            },
            verdict_by_retracted: match &claim.verdict_by {
                Some(id) => names.source_retracted(id)?,
                None => false,
            },
            verdict_note: claim.verdict_note.clone(),
            about,
            sources: names.sources(&sources)?,
            corroboration: model::corroboration_among(&claim.sources, &sources),
            contradicts: names.live_ids::<Claim>(&claim.contradicts)?,
            supports: names.live_ids::<Claim>(&claim.supports)?,
            contradicted,
        })
    }
}

/// The `claims.csv` columns: what export writes is what import reads.
pub const CSV_HEADERS: &[&str] = crate::tabular::CLAIM_FIELDS;

impl ClaimRow {
    /// The claims CSV's cells up to `supports`: those before the verdict's
    /// source and note, which the claims CSV appends and `claim show`
    /// writes after the corroboration.
    fn cells_before_verdict_by(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.date.clone().unwrap_or_default(),
            self.claimant.clone(),
            self.text.clone(),
            self.quote.clone().unwrap_or_default(),
            self.subject.clone().unwrap_or_default(),
            self.value
                .map(model::format_value_for_import)
                .unwrap_or_default(),
            self.unit.clone().unwrap_or_default(),
            self.verdict.to_string(),
            join(&self.sources),
            join(&self.about),
            join(&self.contradicts),
            join(&self.supports),
        ]
    }
}

impl Row for ClaimRow {
    const HEADERS: &'static [&'static str] = CSV_HEADERS;

    fn cells(&self) -> Vec<String> {
        let mut cells = self.cells_before_verdict_by();
        cells.push(self.verdict_by.clone().unwrap_or_default());
        cells.push(self.verdict_note.clone());
        cells
    }

    fn table(&self) -> (Vec<&'static str>, Vec<String>) {
        let value = match (&self.value, &self.unit) {
            (Some(v), Some(u)) => format!("{} {u}", model::format_value(*v)),
            _ => String::new(),
        };
        let date = match &self.date {
            Some(d) => model::Date::parse_edtf(d).map_or_else(|_| d.clone(), |d| d.human()),
            None => String::new(),
        };
        (
            vec!["date", "claimant", "text", "value", "verdict", "!", "id"],
            vec![
                date,
                marked(self.claimant.clone(), self.claimant_retracted),
                self.text.clone(),
                value,
                self.verdict.to_string(),
                if self.contradicted {
                    "≠".to_string()
                } else {
                    String::new()
                },
                self.id.clone(),
            ],
        )
    }
}

/// Every live claim, in date order (undated last), then by id.
pub fn live_claims(store: &Store) -> Result<Vec<Claim>> {
    let mut claims = store.live::<Claim>().collect::<Result<Vec<_>>>()?;
    sort_claims(&mut claims);
    Ok(claims)
}

fn sort_claims(claims: &mut [Claim]) {
    claims.sort_by(|a, b| match (&a.date, &b.date) {
        (Some(x), Some(y)) => x.cmp(y).then_with(|| a.id.cmp(&b.id)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    });
}

/// Ids of the claims in any contradiction.
pub fn contradicted_ids(all: &[Claim]) -> BTreeSet<String> {
    all.iter()
        .zip(model::contradiction_counts(all))
        .filter(|(_, n)| *n > 0)
        .map(|(claim, _)| claim.id.clone())
        .collect()
}

fn list(ctx: &Ctx, args: ClaimsArgs) -> Result<()> {
    let format = ctx.read_format()?;
    let verdict: Option<Verdict> = args.verdict.as_deref().map(keyword).transpose()?;
    // Read as `claim add --subject` reads it, and compared as
    // `contradictions` compares subjects: folded (case, accents, spacing).
    let subject = args
        .subject
        .as_deref()
        .map(|s| model::one_line("--subject", s, model::MAX_QUANTITY_CHARS))
        .transpose()
        .map_err(Error::bad_input)?
        .map(crate::model::names::fold);
    let store = ctx.open(Access::Read)?;
    // Narrow by an index where one applies; contradictions need every claim.
    let mut ids: Option<BTreeSet<String>> = None;
    if let Some(by) = &args.by {
        // A retracted claimant's claims are still listed, marked
        // "(retracted)": they can be filtered to, with a word that it is.
        let actor = require_actor_or_retracted(&store, by, true)?;
        if let Some(reason) = &actor.meta.retracted {
            crate::notice(format!(
                "actor {} was retracted ({reason}); listing the claims it made",
                actor.id
            ));
        }
        ids = Some(
            store
                .pair_index(keys::CLAIMANT, &actor.id)
                .collect::<Result<_>>()?,
        );
    }
    if let Some(about) = &args.about {
        let target = match about_target(&store, about)? {
            About::Event(id) | About::Actor(id) => id,
        };
        let found: BTreeSet<String> = store
            .pair_index(keys::ABOUT, &target)
            .collect::<Result<_>>()?;
        ids = Some(match ids {
            Some(by) => by.intersection(&found).cloned().collect(),
            None => found,
        });
    }
    let all = live_claims(&store)?;
    // Whether each claim is contradicted, without listing the pairs.
    let contradicted = model::contradiction_counts(&all);
    // The CSV form has the claims CSV's columns, which `import` reads back:
    // named as `export --what claims` names them.
    let mut names = match format {
        Format::Csv => Names::for_import(&store),
        _ => Names::new(&store),
    };
    let rows = all
        .iter()
        .zip(contradicted.iter().map(|&n| n > 0))
        .filter(|(claim, contradicted)| {
            !(ids.as_ref().is_some_and(|ids| !ids.contains(&claim.id))
                || verdict.is_some_and(|v| v != claim.verdict)
                || subject.as_deref().is_some_and(|s| {
                    claim
                        .quantity
                        .as_ref()
                        .is_none_or(|q| crate::model::names::fold(&q.subject) != s)
                })
                || (args.contradicted && !contradicted))
        })
        .map(|(claim, contradicted)| ClaimRow::new(claim, &mut names, contradicted));
    print_row_stream(format, rows)
}

/// `claim show`: the claim, every verdict it has had, and every claim it
/// is in contradiction with.
#[derive(Serialize)]
struct ClaimDetail {
    #[serde(flatten)]
    claim: ClaimRow,
    version: u32,
    recorded_at: String,
    /// Every verdict the claim has had, oldest first, as "verdict (recorded-at)".
    verdicts: Vec<String>,
    /// Every rating, oldest first: each verdict given, with its source and
    /// reason, also when it repeats the verdict before it.
    ratings: Vec<Rating>,
    /// Every claim this one is in contradiction with, as `contradictions`
    /// lists them: linked either way, or by quantity.
    contradictions: Vec<Opposed>,
}

/// One rating of a claim: a verdict, when it was recorded, the source that
/// gave it (`(retracted)` after one retracted since) and the reason.
#[derive(Serialize)]
struct Rating {
    verdict: Verdict,
    recorded_at: String,
    by: Option<String>,
    note: String,
}

impl Rating {
    /// Whether two ratings say the same: a version that changed something
    /// else of the claim (its text, a link) is no new rating.
    fn same_rating(&self, other: &Rating) -> bool {
        (self.verdict, &self.by, &self.note) == (other.verdict, &other.by, &other.note)
    }

    /// "confirmed (2025-11-07T10:00:00Z) by ISW: ISW agrees".
    fn line(&self) -> String {
        let mut line = format!("{} ({})", self.verdict, self.recorded_at);
        if let Some(by) = &self.by {
            line.push_str(" by ");
            line.push_str(by);
        }
        if !self.note.is_empty() {
            line.push_str(": ");
            line.push_str(&self.note);
        }
        line
    }
}

/// The other claim of a contradiction, and why they contradict.
#[derive(Serialize)]
struct Opposed {
    #[serde(flatten)]
    claim: Side,
    /// linked (recorded as contradicting, by either claim) and/or quantity.
    reasons: Vec<String>,
}

impl Opposed {
    /// "russia-700000-minors-received (linked): Russia, 700000 minors".
    fn line(&self) -> String {
        format!(
            "{} ({}): {}, {}",
            self.claim.id,
            self.reasons.join(", "),
            self.claim.claimant_shown(),
            self.claim.summary()
        )
    }
}

impl Row for ClaimDetail {
    const HEADERS: &'static [&'static str] = &[
        "id",
        "date",
        "claimant",
        "text",
        "quote",
        "subject",
        "value",
        "unit",
        "verdict",
        "sources",
        "about",
        "contradicts",
        "supports",
        "corroboration",
        "verdict_by",
        "verdict_note",
        "verdicts",
        "contradictions",
        "ratings",
    ];

    fn cells(&self) -> Vec<String> {
        let mut cells = self.claim.cells_before_verdict_by();
        cells.push(self.claim.corroboration.to_string());
        cells.push(self.claim.verdict_by.clone().unwrap_or_default());
        cells.push(self.claim.verdict_note.clone());
        cells.push(self.verdicts.join("\n"));
        cells.push(lines(&self.contradictions, Opposed::line));
        cells.push(lines(&self.ratings, Rating::line));
        cells
    }
}

/// One cell of several lines, one an item.
fn lines<T>(items: &[T], line: impl Fn(&T) -> String) -> String {
    items.iter().map(line).collect::<Vec<_>>().join("\n")
}

/// The source that gave a verdict, by name, marked when it has been
/// retracted since (as source chains mark one): the verdict stands, but
/// on the word of a source the user no longer trusts.
fn rater(names: &mut Names, source: &str) -> Result<String> {
    let name = names.source(source)?;
    Ok(marked(name, names.source_retracted(source)?))
}

fn show(ctx: &Ctx, id: &str) -> Result<()> {
    let format = ctx.read_format()?;
    let store = ctx.open(Access::Read)?;
    let claim = require_claim(&store, id)?;
    let all = live_claims(&store)?;
    let mut names = Names::new(&store);
    let mut contradictions = Vec::new();
    // Only this claim's partners: one pass over the others.
    if let Some(this) = all.iter().position(|c| c.id == claim.id) {
        for (other, why) in model::contradictions_of(&all, this) {
            contradictions.push(Opposed {
                claim: Side::new(&all[other], &mut names)?,
                reasons: reasons(&why),
            });
        }
    }
    let contradicted = !contradictions.is_empty();
    // `verdicts` lists the verdict each time it changed, as it always
    // has; `ratings` every rating: the same verdict given again on another
    // source's word, or for another reason, is a new rating.
    let mut verdicts: Vec<String> = Vec::new();
    let mut ratings: Vec<Rating> = Vec::new();
    for version in store.versions::<Claim>(id)? {
        if verdicts.is_empty() || ratings.last().map(|r| r.verdict) != Some(version.verdict) {
            verdicts.push(format!(
                "{} ({})",
                version.verdict, version.meta.recorded_at
            ));
        }
        let rating = Rating {
            verdict: version.verdict,
            recorded_at: version.meta.recorded_at.to_string(),
            by: match &version.verdict_by {
                Some(source) => Some(rater(&mut names, source)?),
                None => None,
            },
            note: version.verdict_note.clone(),
        };
        if ratings.last().is_none_or(|last| !last.same_rating(&rating)) {
            ratings.push(rating);
        }
    }
    // Marked in every form, as the verdict's source always was.
    let mut row = ClaimRow::new(&claim, &mut names, contradicted)?;
    row.claimant = marked(row.claimant, row.claimant_retracted);
    if let Some(source) = &claim.verdict_by {
        row.verdict_by = Some(rater(&mut names, source)?);
    }
    let detail = ClaimDetail {
        claim: row,
        version: claim.meta.version,
        recorded_at: claim.meta.recorded_at.to_string(),
        verdicts,
        ratings,
        contradictions,
    };
    print_detail(format, &detail)
}
