//! `factline search TEXT`: full-text search over events and claims, folded
//! (case, diacritics, punctuation), ranked by how many of the words match
//! and where (a title or claim text counts more than a description).

use serde::Serialize;

use crate::cmd::claim::live_claims;
use crate::cmd::{Ctx, Names};
use crate::error::{Error, Result};
use crate::model::names::fold;
use crate::output::{print_rows, Row};
use crate::query::{self, Filter};
use crate::store::Access;

#[derive(Serialize)]
struct Hit {
    /// event or claim.
    kind: &'static str,
    id: String,
    date: Option<String>,
    /// The event's title or the claim's text.
    text: String,
    score: u32,
}

impl Row for Hit {
    const HEADERS: &'static [&'static str] = &["kind", "id", "date", "text", "score"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.kind.to_string(),
            self.id.clone(),
            self.date.clone().unwrap_or_default(),
            self.text.clone(),
            self.score.to_string(),
        ]
    }
}

/// Points for `words` in `field`: each word found scores `weight`, and the
/// whole phrase found scores `weight` again.
fn score(words: &[String], phrase: &str, field: &str, weight: u32) -> u32 {
    let folded = fold(field);
    let mut points = 0;
    for word in words {
        if folded.split(' ').any(|w| w.starts_with(word.as_str())) {
            points += weight;
        }
    }
    if words.len() > 1 && folded.contains(phrase) {
        points += weight;
    }
    points
}

pub fn run(ctx: &Ctx, text: &str, limit: usize) -> Result<()> {
    let format = ctx.read_format()?;
    let phrase = fold(text);
    let words: Vec<String> = phrase
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect();
    if words.is_empty() {
        return Err(Error::bad_input("search needs at least one word"));
    }
    let store = ctx.open(Access::Read)?;
    let mut names = Names::new(&store);
    let mut hits = Vec::new();
    for event in query::timeline(&store, &Filter::default())? {
        let actors = names.actors(&event.actors)?.join(" ");
        let points = score(&words, &phrase, &event.title, 3)
            + score(&words, &phrase, &event.description, 1)
            + score(&words, &phrase, &actors, 2)
            + score(&words, &phrase, event.place.as_deref().unwrap_or(""), 1);
        if points > 0 {
            hits.push(Hit {
                kind: "event",
                id: event.id.clone(),
                date: Some(event.date.to_string()),
                text: event.title.clone(),
                score: points,
            });
        }
    }
    for claim in live_claims(&store)? {
        let claimant = names.actor(&claim.claimant)?;
        let points = score(&words, &phrase, &claim.text, 3)
            + score(&words, &phrase, claim.quote.as_deref().unwrap_or(""), 2)
            + score(&words, &phrase, &claimant, 2);
        if points > 0 {
            hits.push(Hit {
                kind: "claim",
                id: claim.id.clone(),
                date: claim.date.as_ref().map(|d| d.to_string()),
                text: claim.text.clone(),
                score: points,
            });
        }
    }
    hits.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    hits.truncate(limit);
    if hits.is_empty() {
        return Err(Error::no_result(format!("nothing matches {text:?}")));
    }
    print_rows(format, &hits)
}
