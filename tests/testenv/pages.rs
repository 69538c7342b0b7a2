//! The database's pages read and written with sled directly, as damage
//! from outside (or an older factline) would leave them: for tests of
//! `check`, `check --repair`, the layout upgrade and `restore`.

use std::collections::BTreeMap;
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

/// Rewrites the database in storage layout 3, as the factline before
/// layout 4 wrote it: timeline keys without the natural-key hash (`t`
/// sort-key event-id) and a natural-key entry per live event (`m` date
/// 0x01 folded-title 0x01 sorted-actor-ids NUL event-id), schema version 3.
/// The keys are spelled from their parts, not with factline's builders.
/// Returns how many timeline keys were rewritten and entries added.
pub fn rewrite_as_layout_3(db: &Path) -> (usize, usize) {
    let (mut timeline, mut natural) = (0, 0);
    let db = open(db);
    damage_open(&db, |entries| {
        let old: Vec<Vec<u8>> = entries.keys().filter(|k| k[0] == b't').cloned().collect();
        for key in old {
            let value = entries.remove(&key).unwrap();
            entries.insert([&key[..10], &key[18..]].concat(), value);
            timeline += 1;
        }
        let events: Vec<factline::model::Event> = entries
            .iter()
            .filter(|(k, _)| k[0] == b'e')
            .map(|(_, v)| factline::codec::decode(v).expect("an event"))
            .collect();
        for event in events.iter().filter(|e| e.meta.retracted.is_none()) {
            let mut ids: Vec<&str> = event.actors.iter().map(String::as_str).collect();
            ids.sort_unstable();
            ids.dedup();
            let key = format!(
                "m{}\u{1}{}\u{1}{}\0{}",
                event.date.as_str(),
                factline::model::names::fold(&event.title),
                ids.join(","),
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
