//! `factline search TEXT`: full-text search over events and claims (with
//! the quotes of the reports linked to them), folded (case, diacritics,
//! punctuation), ranked by how many of the words match and where (a title
//! or claim text counts more than a description).

use serde::Serialize;

use crate::cmd::claim::live_claims;
use crate::cmd::{Ctx, Names};
use crate::error::{Error, Result};
use crate::model::names::fold;
use crate::model::{Date, Event};
use crate::output::{print_rows, Row};
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
    /// The date, for the table's human form.
    #[serde(skip)]
    date_value: Option<Date>,
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

    fn table(&self) -> (Vec<&'static str>, Vec<String>) {
        let mut cells = self.cells();
        cells[2] = self
            .date_value
            .as_ref()
            .map(Date::human)
            .unwrap_or_default();
        (Self::HEADERS.to_vec(), cells)
    }
}

/// The best hits so far: at most a few times `limit` are held, whatever the
/// number of matches (a common word in a million events).
struct Hits {
    limit: usize,
    kept: Vec<Hit>,
}

impl Hits {
    fn new(limit: usize) -> Hits {
        Hits {
            limit,
            kept: Vec::new(),
        }
    }

    fn add(&mut self, hit: Hit) {
        self.kept.push(hit);
        if self.kept.len() >= self.limit.saturating_mul(4).max(1024) {
            self.rank();
        }
    }

    /// Best first (score, then id), cut to the limit.
    fn rank(&mut self) {
        self.kept
            .sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        self.kept.truncate(self.limit);
    }

    fn best(mut self) -> Vec<Hit> {
        self.rank();
        self.kept
    }
}

/// The words of `text` as search reads them, in a query and in a field
/// alike, joined by single spaces: folded (case, diacritics), and split at
/// every character that is not a letter or a digit, so a word is found after
/// a bracket, a quote, `=`, `:` or `/` ("(Tyler Hicks)" holds "tyler").
/// `fold` keeps such symbols, because names are matched whole; search looks
/// for words. Two marks inside a word do not split it: an apostrophe
/// ("Putin's" is "putin", its possessive `'s` dropped; "O'Brien" is
/// "obrien"), and the full stops of an abbreviation of single letters
/// ("U.S." is "us", as "US" is). A number is one word however its digits
/// are grouped ([`join_digit_groups`]: "19,500" is "19500").
fn words(text: &str) -> String {
    let text = join_digit_groups(text);
    // `fold` reads apostrophes and full stops as spaces: join first.
    let mut joined = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() || c == '.' || is_apostrophe(c) {
            run.push(c);
        } else {
            join_marks(&run, &mut joined);
            run.clear();
            joined.push(c);
        }
    }
    let folded = fold(&joined);
    let mut out = String::with_capacity(folded.len());
    for word in folded.split(|c: char| !c.is_alphanumeric()) {
        if !word.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

/// The marks that group the digits of a number in the ways reports write
/// them: a comma (19,500), a full stop (19.500), an apostrophe (19'500,
/// 19’500) or a space, plain, no-break, narrow no-break, thin or figure
/// (19 500).
fn is_digit_group_mark(c: char) -> bool {
    matches!(
        c,
        ',' | '.' | ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{2007}'
    ) || is_apostrophe(c)
}

/// `text` with the marks that group a number's digits left out, so that
/// "19,500", "19.500", "19 500" and "19500" are one word: a number's first
/// group of one to three digits (not after a letter or digit) and each
/// following group of exactly three digits, with the same mark before each,
/// are joined. Anything else splits as before: "19.5", "19.11.2025", "1,2500"
/// and a decimal part after another mark ("1,250.75" is "1250" and "75").
fn join_digit_groups(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        // Most titles and descriptions: nothing to join, nothing to copy.
        return std::borrow::Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let digits_at =
        |i: usize, n: usize| (i..i + n).all(|k| chars.get(k).is_some_and(char::is_ascii_digit));
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut i = 0;
    while i < chars.len() {
        let starts_number =
            chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_alphanumeric());
        if !starts_number {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let mut end = i;
        while chars.get(end).is_some_and(char::is_ascii_digit) {
            end += 1;
        }
        out.extend(&chars[i..end]);
        if end - i <= 3 {
            let mut mark = None;
            while let Some(&c) = chars.get(end) {
                let group = is_digit_group_mark(c)
                    && mark.is_none_or(|m| m == c)
                    && digits_at(end + 1, 3)
                    && !chars.get(end + 4).is_some_and(char::is_ascii_digit);
                if !group {
                    break;
                }
                mark = Some(c);
                out.extend(&chars[end + 1..end + 4]);
                end += 4;
                changed = true;
            }
        }
        i = end;
    }
    if changed {
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// A run of letters, digits, full stops and apostrophes, as [`words`]
/// reads it, appended to `out`: an abbreviation of single letters loses
/// its full stops ("U.S." → "US", "D.C" → "DC"); a word loses a possessive
/// `'s` ("Putin's" → "Putin") and its other apostrophes ("O'Brien" →
/// "OBrien"). Other full stops stay, to split words.
fn join_marks(run: &str, out: &mut String) {
    let letters: Vec<&str> = run.split('.').filter(|l| !l.is_empty()).collect();
    let abbreviation = letters.len() > 1
        && !run.starts_with('.')
        && !run.contains("..")
        && letters.iter().all(|l| {
            let mut chars = l.chars();
            chars.next().is_some_and(char::is_alphabetic) && chars.next().is_none()
        });
    if abbreviation {
        out.extend(letters);
        return;
    }
    for (i, piece) in run.split('.').enumerate() {
        if i > 0 {
            out.push('.');
        }
        let piece = piece.trim_matches(is_apostrophe);
        let piece = match piece.char_indices().rev().nth(1) {
            Some((at, c)) if at > 0 && is_apostrophe(c) && piece.ends_with(['s', 'S']) => {
                &piece[..at]
            }
            _ => piece,
        };
        out.extend(piece.chars().filter(|c| !is_apostrophe(*c)));
    }
}

/// Points for `words` in `field`: each word found (as the start of one of the
/// field's words, or as a whole word when it is a single character, which
/// would start too many) scores `weight`, and the whole phrase (the query's
/// words in a row) found scores `weight` again.
fn score(words: &[&str], phrase: &str, field: &str, weight: u32) -> u32 {
    let field = self::words(field);
    let mut points = 0;
    for word in words {
        let single = word.chars().nth(1).is_none();
        if field.split(' ').any(|w| {
            if single {
                w == *word
            } else {
                w.starts_with(word)
            }
        }) {
            points += weight;
        }
    }
    if words.len() > 1 && field.contains(phrase) {
        points += weight;
    }
    points
}

pub fn run(ctx: &Ctx, text: &str, limit: usize) -> Result<()> {
    let format = ctx.read_format()?;
    let phrase = words(text);
    let words: Vec<&str> = phrase.split(' ').filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return Err(Error::bad_input("search needs at least one word"));
    }
    let store = ctx.open(Access::Read)?;
    let mut names = Names::new(&store);
    let mut hits = Hits::new(limit);
    // Ranked, not dated: events are read in stored order.
    for event in store.live::<Event>() {
        let event = event?;
        let actors = names.actors(&event.actors)?.join(" ");
        let points = score(&words, &phrase, &event.title, 3)
            + score(&words, &phrase, &event.description, 1)
            + score(&words, &phrase, &actors, 2)
            + score(&words, &phrase, event.place.as_deref().unwrap_or(""), 1)
            + quotes_score(&words, &phrase, &names.live_links(&event.sources)?);
        if points > 0 {
            hits.add(Hit {
                kind: "event",
                id: event.id.clone(),
                date: Some(event.date.to_string()),
                text: event.title.clone(),
                score: points,
                date_value: Some(event.date.clone()),
            });
        }
    }
    for claim in live_claims(&store)? {
        let claimant = names.actor(&claim.claimant)?;
        let points = score(&words, &phrase, &claim.text, 3)
            + score(&words, &phrase, claim.quote.as_deref().unwrap_or(""), 2)
            + score(&words, &phrase, &claimant, 2)
            + quotes_score(&words, &phrase, &names.live_links(&claim.sources)?);
        if points > 0 {
            hits.add(Hit {
                kind: "claim",
                id: claim.id.clone(),
                date: claim.date.as_ref().map(|d| d.to_string()),
                text: claim.text.clone(),
                score: points,
                date_value: claim.date.clone(),
            });
        }
    }
    let hits = hits.best();
    if hits.is_empty() {
        return Err(Error::no_result(format!("nothing matches {text:?}")));
    }
    print_rows(format, &hits)
}

/// The points of the quotes that sources' reports give (`link --quote`),
/// each counted as a claim's own quote is.
fn quotes_score(words: &[&str], phrase: &str, links: &[crate::model::SourceLink]) -> u32 {
    links
        .iter()
        .filter_map(|link| link.quote.as_deref())
        .map(|quote| score(words, phrase, quote, 2))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apostrophes_and_abbreviations_stay_in_their_word() {
        for (text, expected) in [
            ("Putin's", "putin"),
            ("Zelenskyy\u{2019}s peace plan", "zelenskyy peace plan"),
            ("O'Brien's", "obrien"),
            ("don't", "dont"),
            ("U.S.", "us"),
            ("the U.S.A and D.C.", "the usa and dc"),
            ("U.S.-Russia talks", "us russia talks"),
            ("end. Start", "end start"),
            ("'quoted'", "quoted"),
            ("19.5 km", "19 5 km"),
            ("19,500 children", "19500 children"),
            ("19.500", "19500"),
            ("19 500", "19500"),
            ("19\u{202f}500", "19500"),
            ("19’500", "19500"),
            ("1,250,000 and 1 250 000", "1250000 and 1250000"),
            ("1,250.75", "1250 75"),
            ("1 250,750", "1250 750"),
            ("19.11.2025", "19 11 2025"),
            ("1,2500", "1 2500"),
            ("2025,100", "2025 100"),
            ("12, 250", "12 250"),
            ("A1,234", "a1 234"),
            ("x 1,234,", "x 1234"),
            ("s", "s"),
            ("'s", "s"),
            ("...", ""),
        ] {
            assert_eq!(words(text), expected, "{text:?}");
        }
    }

    /// Keeping the best hits as they come ranks as sorting all of them does.
    #[test]
    fn hits_kept_as_they_come_are_the_best_of_all() {
        let hit = |i: u32| Hit {
            kind: "event",
            id: format!("ev-{:05}", (i * 7919) % 10_000),
            date: None,
            text: String::new(),
            score: i % 13,
            date_value: None,
        };
        for limit in [0, 1, 20, 5000] {
            let mut kept = Hits::new(limit);
            let mut all: Vec<Hit> = Vec::new();
            for i in 0..10_000 {
                kept.add(hit(i));
                all.push(hit(i));
            }
            all.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
            all.truncate(limit);
            let ranked = |hits: &[Hit]| -> Vec<(u32, String)> {
                hits.iter().map(|h| (h.score, h.id.clone())).collect()
            };
            assert_eq!(ranked(&kept.best()), ranked(&all), "limit {limit}");
        }
    }
}
