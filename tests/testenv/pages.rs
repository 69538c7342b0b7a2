//! The database's pages read and written with sled directly, as damage
//! from outside (or an older factline) would leave them: for tests of
//! `check`, `check --repair`, the layout upgrade and `restore`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

/// Logical entries (key, value).
type Entries = Vec<(Vec<u8>, Vec<u8>)>;

/// Opens the database with sled directly. A handle this process dropped a
/// moment ago can still hold sled's file lock while sled's background
/// threads finish (seen once under load: a reopen right after `damage`
/// failed), so a refused open is retried for a while.
pub fn open(db: &Path) -> sled::Db {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match sled::open(db) {
            Ok(opened) => return opened,
            Err(e) if Instant::now() >= deadline => {
                panic!("open {} with sled: {e}", db.display())
            }
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// Sets the stored layout version, as a database of another factline holds it.
pub fn set_schema_version(db: &Path, version: u32) {
    write_schema_version(&open(db), version);
}

fn write_schema_version(db: &sled::Db, version: u32) {
    let meta = db.open_tree("meta").expect("the meta tree");
    meta.insert(b"schema_version", &version.to_be_bytes())
        .expect("write");
    db.flush().expect("flush");
}

/// Opens the database with sled directly, as damage from outside would,
/// and lets `f` change its logical entries (records and index entries); they
/// are written back into the pages they came from (pages are stored under
/// their first key), encoded as factline encodes them.
pub fn damage(db: &Path, f: impl FnOnce(&mut BTreeMap<Vec<u8>, Vec<u8>>)) {
    damage_open(&open(db), f);
}

fn damage_open(db: &sled::Db, f: impl FnOnce(&mut BTreeMap<Vec<u8>, Vec<u8>>)) {
    let pages = db.open_tree("pages").expect("the pages tree");
    let mut bounds = Vec::new();
    let mut entries = BTreeMap::new();
    for item in pages.iter() {
        let (key, value) = item.expect("readable");
        let page = factline::codec::decode_page(&value).expect("a page");
        entries.extend(page.entries().map(|(k, v)| (k.to_vec(), v.to_vec())));
        bounds.push(key.to_vec());
    }
    f(&mut entries);
    for key in &bounds {
        pages.remove(key).expect("remove");
    }
    // Each entry goes to the last page that starts at or before it.
    let mut split: BTreeMap<usize, Entries> = BTreeMap::new();
    for (key, value) in entries {
        let page = bounds.partition_point(|b| *b <= key).saturating_sub(1);
        split.entry(page).or_default().push((key, value));
    }
    for entries in split.into_values() {
        let mut page = factline::codec::PageWriter::default();
        for (k, v) in &entries {
            page.push(k, v);
        }
        pages.insert(&entries[0].0, page.finish()).expect("write");
    }
    db.flush().expect("flush");
}

/// The live records of one kind among `entries`.
fn live<R: serde::de::DeserializeOwned>(
    entries: &BTreeMap<Vec<u8>, Vec<u8>>,
    kind: u8,
    retracted: impl Fn(&R) -> bool,
) -> Vec<R> {
    entries
        .iter()
        .filter(|(k, _)| k[0] == kind)
        .map(|(_, v)| factline::codec::decode::<R>(v).expect("a record"))
        .filter(|r| !retracted(r))
        .collect()
}

/// An event's natural key (date 0x01 folded-title 0x01 sorted distinct
/// actor ids joined by `,`), its title folded by `fold`.
fn natural_key(event: &factline::model::Event, fold: fn(&str) -> String) -> String {
    let mut ids: Vec<&str> = event.actors.iter().map(String::as_str).collect();
    ids.sort_unstable();
    ids.dedup();
    format!(
        "{}\u{1}{}\u{1}{}",
        event.date.as_str(),
        fold(&event.title).replace('\0', ""),
        ids.join(",")
    )
}

/// Folds names and titles in the keys that hold them as layouts 3 and 4
/// did (`names::fold_layout_4`, which kept `ł`, `ø`, `ı`, `ß`…): each live
/// actor's name entries (`n` folded-spelling NUL actor-id, for its name,
/// aliases and id) and the natural-key hash in each live event's timeline
/// entry (`t` sort-key(9) XXH3-64-BE(natural key) event-id). Returns how
/// many keys changed.
fn fold_keys_as_layout_4(entries: &mut BTreeMap<Vec<u8>, Vec<u8>>) -> usize {
    use factline::model::names::{fold, fold_layout_4};
    let mut changed = 0;
    let actors: Vec<factline::model::Actor> = live(entries, b'a', |a: &factline::model::Actor| {
        a.meta.retracted.is_some()
    });
    for actor in &actors {
        let spellings: Vec<&str> = std::iter::once(actor.name.as_str())
            .chain(actor.aliases.iter().map(String::as_str))
            .chain([actor.id.as_str()])
            .collect();
        let key = |folded: String| format!("n{folded}\0{}", actor.id).into_bytes();
        let new: BTreeSet<Vec<u8>> = spellings.iter().map(|s| key(fold(s))).collect();
        let old: BTreeSet<Vec<u8>> = spellings.iter().map(|s| key(fold_layout_4(s))).collect();
        for k in &new {
            assert!(entries.remove(k).is_some(), "no name entry {k:?}");
        }
        for k in &old {
            entries.insert(k.clone(), Vec::new());
        }
        changed += old.difference(&new).count();
    }
    let events: BTreeMap<Vec<u8>, factline::model::Event> =
        live(entries, b'e', |e: &factline::model::Event| {
            e.meta.retracted.is_some()
        })
        .into_iter()
        .map(|e| (e.id.clone().into_bytes(), e))
        .collect();
    let timeline: Vec<Vec<u8>> = entries.keys().filter(|k| k[0] == b't').cloned().collect();
    for key in timeline {
        let event = &events[&key[18..]];
        let hash = |f: fn(&str) -> String| {
            xxhash_rust::xxh3::xxh3_64(natural_key(event, f).as_bytes()).to_be_bytes()
        };
        assert_eq!(key[10..18], hash(fold), "the timeline key of {}", event.id);
        let old = [&key[..10], &hash(fold_layout_4), &key[18..]].concat();
        if old != key {
            let value = entries.remove(&key).unwrap();
            entries.insert(old, value);
            changed += 1;
        }
    }
    changed
}

/// Rewrites the database in storage layout 4, as the factline before
/// layout 5 wrote it: names and titles folded in keys as layout 4 folded
/// them (see `fold_keys_as_layout_4`), schema version 4. The keys are
/// spelled from their parts, not with factline's builders. Returns how many
/// keys changed.
pub fn rewrite_as_layout_4(db: &Path) -> usize {
    let mut changed = 0;
    let db = open(db);
    damage_open(&db, |entries| changed = fold_keys_as_layout_4(entries));
    write_schema_version(&db, 4);
    changed
}

/// Rewrites the database in storage layout 3, as the factline before
/// layout 4 wrote it: names folded in keys as layouts 3 and 4 folded them
/// (see `fold_keys_as_layout_4`), timeline keys without the natural-key
/// hash (`t` sort-key event-id) and a natural-key entry per live event (`m`
/// date 0x01 folded-title 0x01 sorted-actor-ids NUL event-id), schema
/// version 3. The keys are spelled from their parts, not with factline's
/// builders. Returns how many timeline keys were rewritten and entries added.
pub fn rewrite_as_layout_3(db: &Path) -> (usize, usize) {
    let (mut timeline, mut natural) = (0, 0);
    let db = open(db);
    damage_open(&db, |entries| {
        fold_keys_as_layout_4(entries);
        let old: Vec<Vec<u8>> = entries.keys().filter(|k| k[0] == b't').cloned().collect();
        for key in old {
            let value = entries.remove(&key).unwrap();
            entries.insert([&key[..10], &key[18..]].concat(), value);
            timeline += 1;
        }
        let events = live(entries, b'e', |e: &factline::model::Event| {
            e.meta.retracted.is_some()
        });
        for event in &events {
            let key = format!(
                "m{}\0{}",
                natural_key(event, factline::model::names::fold_layout_4),
                event.id
            );
            entries.insert(key.into_bytes(), Vec::new());
            natural += 1;
        }
    });
    write_schema_version(&db, 3);
    (timeline, natural)
}

/// The logical keys stored under `prefix`.
pub fn keys_under(db: &Path, prefix: u8) -> Vec<Vec<u8>> {
    let db = open(db);
    let pages = db.open_tree("pages").expect("the pages tree");
    let mut keys = Vec::new();
    for item in pages.iter() {
        let (_, value) = item.expect("readable");
        let page = factline::codec::decode_page(&value).expect("a page");
        keys.extend(
            page.entries()
                .filter(|(k, _)| k[0] == prefix)
                .map(|(k, _)| k.to_vec()),
        );
    }
    keys
}

/// The stored pages as sled holds them: page key → stored bytes.
pub fn stored_pages(db: &Path) -> BTreeMap<Vec<u8>, Vec<u8>> {
    let db = open(db);
    let pages = db.open_tree("pages").expect("the pages tree");
    pages
        .iter()
        .map(|item| {
            let (key, value) = item.expect("readable");
            (key.to_vec(), value.to_vec())
        })
        .collect()
}

/// Overwrites the first page for which `pick(page key, next page's key)`
/// holds with bytes that do not decode (a compressed page whose length is
/// absurd), as a damaged disk block would; returns its key.
pub fn garble_page(db: &Path, pick: impl Fn(&[u8], Option<&[u8]>) -> bool) -> Vec<u8> {
    let keys: Vec<Vec<u8>> = stored_pages(db).into_keys().collect();
    let chosen = (0..keys.len())
        .find(|&i| pick(&keys[i], keys.get(i + 1).map(Vec::as_slice)))
        .map(|i| keys[i].clone())
        .expect("a page to garble");
    let db = open(db);
    let pages = db.open_tree("pages").expect("the pages tree");
    pages
        .insert(&chosen, &b"\x03garbage, not a page"[..])
        .expect("write");
    db.flush().expect("flush");
    chosen
}
