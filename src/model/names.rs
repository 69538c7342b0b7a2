//! Name matching: how a user's spelling of an actor finds the actor.
//!
//! Reporters spell names several ways (Zelensky / Zelenskyy, Umerov / Umierov,
//! Türkiye / Turkiye). factline compares names *folded*: Unicode-decomposed,
//! combining marks dropped, lower-cased, punctuation and runs of white space
//! collapsed to one space. Two spellings that fold alike are the same name;
//! spellings that fold to something close are a likely misspelling.

use unicode_normalization::UnicodeNormalization;

/// Folds a name for comparison: `"  Türkiye "` → `"turkiye"`,
/// `"ZELENSKYY"` → `"zelenskyy"`, `"Зеленський"` → `"зеленськии"`.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    fold_into(name, &mut out);
    out
}

/// Adds `tag` to an event's `tags` unless a tag that folds alike is there
/// (`Peace`, `peace` and `PEACE` are one tag, as `--remove-tag` and a CSV
/// import take them): the spelling given first stays.
pub fn add_tag(tags: &mut Vec<String>, tag: String) {
    let folded = fold(&tag);
    if !tags.iter().any(|t| fold(t) == folded) {
        tags.push(tag);
    }
}

/// `tags` with each tag once, in its first spelling (see [`add_tag`]): what
/// a database written before tags were one whatever their case holds
/// comes to when `Peace` and `peace` are one tag.
pub fn distinct_tags(tags: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(tags.len());
    for tag in tags {
        add_tag(&mut out, tag.clone());
    }
    out
}

/// [`fold`], appended to `out` (which may already hold text: a key being built).
pub fn fold_into(name: &str, out: &mut String) {
    if name.is_ascii() {
        fold_ascii(name, out)
    } else {
        fold_unicode(name, out)
    }
}

fn fold_unicode(name: &str, out: &mut String) {
    let start = out.len();
    let mut pending_space = false;
    for c in name.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if pending_space && out.len() > start {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || matches!(c, '-' | '_' | '.' | ',' | '\'' | '’') {
            pending_space = true;
        } else {
            // Other symbols are kept: "AT&T" must not fold to "at t".
            if pending_space && out.len() > start {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        }
    }
}

/// `fold` for ASCII text, which has no diacritics to decompose: the same
/// result without Unicode normalization (bulk imports fold every name).
fn fold_ascii(name: &str, out: &mut String) {
    // Byte by byte: every byte is a whole character, and what is pushed is
    // ASCII too (bulk imports fold every title and name).
    let mut bytes = std::mem::take(out).into_bytes();
    bytes.reserve(name.len());
    let start = bytes.len();
    let mut pending_space = false;
    for &b in name.as_bytes() {
        if b.is_ascii_alphanumeric() {
            if pending_space && bytes.len() > start {
                bytes.push(b' ');
            }
            pending_space = false;
            bytes.push(b.to_ascii_lowercase());
        } else if (b as char).is_whitespace() || matches!(b, b'-' | b'_' | b'.' | b',' | b'\'') {
            pending_space = true;
        } else {
            if pending_space && bytes.len() > start {
                bytes.push(b' ');
            }
            pending_space = false;
            bytes.push(b);
        }
    }
    // Valid: `out` was a String and only ASCII bytes were added.
    *out = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
}

/// Makes a readable id from a name or title: `"Steve Witkoff"` → `"steve-witkoff"`,
/// `"Türkiye"` → `"turkiye"`. Letters outside ASCII are kept folded (ids may be
/// Cyrillic); an empty result becomes `"item"`.
pub fn slug(text: &str) -> String {
    let folded = fold(text);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "item".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Checks that a user-chosen id is safe as a key and in file names and URLs:
/// 1–128 characters of letters, digits, `-`, `_` and `.`, starting with a
/// letter or digit (so no `..`, no `/`, no control characters, nothing an
/// argument parser or a shell glob treats specially).
pub fn validate_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("an id cannot be empty".into());
    }
    if id.chars().count() > 128 {
        return Err(format!(
            "id \"{}…\" is longer than 128 characters",
            truncate(id, 40)
        ));
    }
    if !id.chars().next().is_some_and(char::is_alphanumeric) {
        return Err(format!("id {id:?} must start with a letter or digit"));
    }
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(format!(
            "id {id:?} contains {bad:?}; ids may hold letters, digits, '-', '_' and '.'"
        ));
    }
    Ok(())
}

/// Whether `text` is written as an id rather than as a name: a valid id
/// ([`validate_id`]) in lower case, with a `-`, `_` or digit in it, as
/// factline's own ids are (`2025-10-24-miami-talks`, `steve-witkoff`). A
/// name is written with capitals or spaces (`Ministry of Defence`), or is
/// one plain word (`nato`).
pub fn looks_like_id(text: &str) -> bool {
    validate_id(text).is_ok()
        && !text.chars().any(char::is_uppercase)
        && text
            .chars()
            .any(|c| c.is_numeric() || matches!(c, '-' | '_'))
}

/// How alike two folded names are, from 0.0 (nothing alike) to 1.0 (equal).
pub fn similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_damerau_levenshtein(a, b).max(strsim::jaro_winkler(a, b) - 0.05)
}

/// Whether `candidate` is close enough to `known` to be a likely misspelling
/// of it (`zelenskiy` of `zelenskyy`, `witkof` of `witkoff`), but not so short
/// that every short word matches.
pub fn is_likely_misspelling(candidate: &str, known: &str) -> bool {
    if candidate == known || candidate.chars().count() < 4 || known.chars().count() < 4 {
        return false;
    }
    // Names that differ in their numbers name different things: the 148th
    // and the 147th brigade, Resolution 2231 and 2232.
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    if digits(candidate) != digits(known) {
        return false;
    }
    let distance = strsim::damerau_levenshtein(candidate, known);
    let longest = candidate.chars().count().max(known.chars().count());
    distance <= 2 && distance * 4 <= longest || similarity(candidate, known) >= 0.9
}

/// Cuts `text` to at most `max` characters without splitting a character.
pub fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_diacritics_and_punctuation() {
        assert_eq!(fold("Türkiye"), "turkiye");
        assert_eq!(fold("ZELENSKYY"), "zelenskyy");
        assert_eq!(fold("  Steve   Witkoff "), "steve witkoff");
        assert_eq!(fold("Saint-Petersburg"), "saint petersburg");
        assert_eq!(fold("Зеленський"), "зеленськии");
        assert_eq!(fold("AT&T"), "at&t");
        // The ASCII fast path agrees with the Unicode path, and folding into
        // a key being built appends exactly what `fold` returns.
        for text in [
            "  Steve   Witkoff ",
            "Saint-Petersburg",
            "AT&T",
            "a_b.c,d'e",
            "\tX\u{b}Y",
            "O'Brien 2nd",
        ] {
            let (mut ascii, mut unicode) = ("key\u{1}".to_string(), "key\u{1}".to_string());
            fold_ascii(text, &mut ascii);
            fold_unicode(text, &mut unicode);
            assert_eq!(ascii, unicode, "{text:?}");
            assert_eq!(ascii, format!("key\u{1}{}", fold(text)), "{text:?}");
        }
    }

    #[test]
    fn slugs_are_readable_ids() {
        assert_eq!(slug("Steve Witkoff"), "steve-witkoff");
        assert_eq!(slug("Türkiye"), "turkiye");
        assert_eq!(slug("  --  "), "item");
        assert_eq!(
            slug("Institute for the Study of War (ISW)"),
            "institute-for-the-study-of-war-isw"
        );
        assert!(validate_id(&slug("a/b\n..c")).is_ok());
    }

    #[test]
    fn ids_reject_paths_and_control_characters() {
        assert!(validate_id("2025-10-24-miami-talks").is_ok());
        assert!(validate_id("a/b").is_err());
        assert!(validate_id("..").is_err());
        assert!(validate_id("a\nb").is_err());
        assert!(validate_id("").is_err());
        assert!(validate_id(&"x".repeat(129)).is_err());
    }

    #[test]
    fn ids_and_names_are_told_apart_by_how_they_are_written() {
        for id in [
            "2025-melania-trump-children-returnd",
            "steve-witkoff",
            "ministry_of_defence",
            "event2",
            "зеленський-2",
        ] {
            assert!(looks_like_id(id), "{id}");
        }
        for name in [
            "Ministry of Defence",
            "ministry of defence",
            "Al-Shabaab",
            "2025-Melania-Trump",
            "nato",
            "u.s.",
            "Зеленський",
            "",
        ] {
            assert!(!looks_like_id(name), "{name}");
        }
    }

    #[test]
    fn misspellings_are_close_but_not_everything_is() {
        assert!(is_likely_misspelling("zelenskiy", "zelenskyy"));
        assert!(is_likely_misspelling("witkof", "witkoff"));
        assert!(is_likely_misspelling("umerov", "umierov"));
        assert!(!is_likely_misspelling("putin", "trump"));
        assert!(!is_likely_misspelling("melania trump", "donald trump"));
        assert!(!is_likely_misspelling("axios", "axios"));
        assert!(!is_likely_misspelling("148th brigade", "147th brigade"));
        assert!(!is_likely_misspelling("actor 00008", "actor 00009"));
    }
}
