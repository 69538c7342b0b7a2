//! Pages: many logical keys packed into one sled value.
//!
//! sled costs about the same per key whatever the value's size, so a store
//! of one key per record and per index entry spends its time on keys. A
//! page holds a sorted run of logical entries (key, value); `page_of` maps
//! each logical key to its page. Index keyspaces are paged by a prefix of
//! the key, so pages keep the logical order and a range scan walks pages in
//! order; records, history and the natural-key index are paged by a hash of
//! the id, so an edit rewrites one small page. See `schema/storage.md`.
//!
//! A page's encoding (an offset table and the bytes, see `codec::Page`) is
//! the codec's business. Pages read during one command are cached (a command is one short
//! process); writing clears the cache.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::codec::{self, Page, PageWriter};
use crate::error::{Error, Result};
use crate::store::keys;

/// Record, history and natural-key pages: ids are spread over this many,
/// so that at a million events a page holds about 15 records (a few KB):
/// a lookup by id, one per row of a bulk import, reads little.
pub const HASH_PAGES: u32 = 4096;

/// Decoded pages kept per command before the cache starts over: a command
/// that reads many pages (an import matching every row against the store)
/// stays within bounded memory.
const CACHE_BYTES: usize = 64 * 1024 * 1024;

/// A page's entries: (logical key, value) in key order.
pub type Entries = Vec<(Vec<u8>, Vec<u8>)>;
/// Logical writes to one page: `None` removes the key.
type PageWrites = Vec<(Vec<u8>, Option<Vec<u8>>)>;
/// A page as `check` sees it: its entries, or why they cannot be read.
pub type CheckedPage = (Vec<u8>, std::result::Result<Entries, String>);

pub struct Pages {
    pub(super) tree: sled::Tree,
    path: PathBuf,
    cache: RefCell<HashMap<Vec<u8>, Rc<Page>>>,
    /// Bytes of the cached pages.
    cached: std::cell::Cell<usize>,
}

/// FNV-1a: a stable hash (the page of a key must never change).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn hash_page(tag: &[u8], id: &[u8]) -> Vec<u8> {
    let bucket = (fnv1a(id) % u64::from(HASH_PAGES)) as u16; // HASH_PAGES <= 2^16
    let mut page = vec![b'#'];
    page.extend_from_slice(tag);
    page.extend_from_slice(&bucket.to_be_bytes());
    page
}

/// The part of `key` up to and including its first NUL (all of it if none).
fn through_first_nul(key: &[u8]) -> &[u8] {
    match key.iter().position(|&b| b == 0) {
        Some(i) => &key[..=i],
        None => key,
    }
}

/// The page holding a logical key.
pub fn page_of(key: &[u8]) -> Vec<u8> {
    let Some((&space, rest)) = key.split_first() else {
        return Vec::new();
    };
    match space {
        // Records: by a hash of the id.
        keys::ACTOR | keys::SOURCE | keys::EVENT | keys::CLAIM => hash_page(&[space], rest),
        // History: by a hash of the record's id, so one record's versions share a page.
        keys::HISTORY => {
            let kind = rest.first().copied().unwrap_or(0);
            let id = through_first_nul(rest.get(1..).unwrap_or(&[]));
            let id = id.strip_suffix(&[0]).unwrap_or(id);
            hash_page(&[keys::HISTORY, kind], id)
        }
        // Natural keys: by a hash of the natural key.
        keys::NATURAL => {
            let natural = through_first_nul(rest);
            hash_page(
                &[keys::NATURAL],
                natural.strip_suffix(&[0]).unwrap_or(natural),
            )
        }
        // Timeline: 256-day buckets of the earliest day (the first 3 bytes of the sort key).
        keys::TIMELINE => key[..key.len().min(4)].to_vec(),
        // Names: by their first two bytes.
        keys::NAME => key[..key.len().min(3)].to_vec(),
        keys::UNBOUNDED => vec![keys::UNBOUNDED],
        // Two-part indexes (an actor's events, roles, claims by claimant,
        // about, subject): one page per first part.
        _ => through_first_nul(key).to_vec(),
    }
}

/// Whether a keyspace is paged by hash (no ordered scans across pages).
fn hashed(space: u8) -> bool {
    matches!(
        space,
        keys::ACTOR | keys::SOURCE | keys::EVENT | keys::CLAIM | keys::HISTORY | keys::NATURAL
    )
}

impl Pages {
    pub fn new(tree: sled::Tree, path: &Path) -> Pages {
        Pages {
            tree,
            path: path.to_path_buf(),
            cache: RefCell::new(HashMap::new()),
            cached: std::cell::Cell::new(0),
        }
    }

    fn sled_error(&self, e: sled::Error) -> Error {
        super::sled_error(&self.path, e)
    }

    fn damaged(&self, page: &[u8], e: &str) -> Error {
        Error::database(format!(
            "damaged page {} in {}: {e}; run `factline check`",
            super::show_key(page),
            self.path.display()
        ))
    }

    pub(super) fn decode(&self, page: &[u8], bytes: &[u8]) -> Result<Page> {
        codec::decode_page(bytes).map_err(|e| self.damaged(page, &e))
    }

    /// A page (cached for the rest of the command).
    fn load(&self, page: &[u8]) -> Result<Rc<Page>> {
        if let Some(entries) = self.cache.borrow().get(page) {
            return Ok(Rc::clone(entries));
        }
        let entries = match self.tree.get(page).map_err(|e| self.sled_error(e))? {
            Some(bytes) => self.decode(page, &bytes)?,
            None => Page::default(),
        };
        let entries = Rc::new(entries);
        let size = entries.size() + page.len();
        if self.cached.get() + size > CACHE_BYTES {
            self.clear_cache();
        }
        self.cached.set(self.cached.get() + size);
        self.cache
            .borrow_mut()
            .insert(page.to_vec(), Rc::clone(&entries));
        Ok(entries)
    }

    /// Forgets the pages read so far (after a write, or when the cache is full).
    pub(super) fn clear_cache(&self) {
        self.cache.borrow_mut().clear();
        self.cached.set(0);
    }

    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let page = self.load(&page_of(key))?;
        Ok(page.search(key).ok().map(|i| page.value(i).to_vec()))
    }

    /// Entries whose key starts with `prefix`, in key order.
    pub fn scan_prefix(&self, prefix: &[u8]) -> Result<Entries> {
        let end = prefix_end(prefix);
        self.range(prefix, end.as_deref())
    }

    /// Entries with `start <= key < end` (no end: to the end of the keyspace
    /// of `start`), in key order.
    pub fn range(&self, start: &[u8], end: Option<&[u8]>) -> Result<Entries> {
        let Some(&space) = start.first() else {
            return Ok(Vec::new());
        };
        let in_range = |k: &[u8]| k >= start && end.is_none_or(|e| k < e);
        if hashed(space) {
            // One page when the start names the id (a record's history, one
            // natural key); otherwise every page of the keyspace, sorted.
            let single = match space {
                keys::HISTORY => start.len() > 2 && start[2..].contains(&0),
                keys::NATURAL => start[1..].contains(&0),
                _ => false,
            };
            let pages: Vec<Vec<u8>> = if single {
                vec![page_of(start)]
            } else {
                let mut tag = vec![b'#', space];
                if space == keys::HISTORY && start.len() > 1 {
                    tag.push(start[1]);
                }
                self.tree
                    .scan_prefix(&tag)
                    .keys()
                    .map(|k| k.map(|k| k.to_vec()).map_err(|e| self.sled_error(e)))
                    .collect::<Result<_>>()?
            };
            let mut out: Entries = Vec::new();
            for page in pages {
                out.extend(
                    self.load(&page)?
                        .entries()
                        .filter(|(k, _)| in_range(k))
                        .map(|(k, v)| (k.to_vec(), v.to_vec())),
                );
            }
            out.sort_by(|a, b| a.0.cmp(&b.0));
            return Ok(out);
        }
        // Ordered keyspaces: pages are prefixes of their keys, so the pages
        // that can hold [start, end) run from page_of(start) to end.
        let first = page_of(start);
        let upper = match end {
            Some(e) => Bound::Excluded(e.to_vec()),
            None => match prefix_end(&[space]) {
                Some(e) => Bound::Excluded(e),
                None => Bound::Unbounded,
            },
        };
        let mut out = Vec::new();
        for page in self.tree.range((Bound::Included(first), upper)).keys() {
            let page = page.map_err(|e| self.sled_error(e))?;
            let entries = self.load(&page)?;
            // Entries are sorted: start at the first in range.
            let from = entries.search(start).unwrap_or_else(|i| i);
            out.extend(
                (from..entries.len())
                    .map(|i| (entries.key(i), entries.value(i)))
                    .take_while(|(k, _)| end.is_none_or(|e| *k < e))
                    .map(|(k, v)| (k.to_vec(), v.to_vec())),
            );
        }
        Ok(out)
    }

    /// Applies logical writes (`None` removes) as one atomic sled batch.
    pub fn apply(&self, writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>) -> Result<()> {
        let mut by_page: BTreeMap<Vec<u8>, PageWrites> = BTreeMap::new();
        for (key, value) in writes {
            by_page.entry(page_of(&key)).or_default().push((key, value));
        }
        let mut batch = sled::Batch::default();
        let (mut pages, mut bytes) = (0usize, 0usize);
        for (page, changes) in by_page {
            let old = match self.tree.get(&page).map_err(|e| self.sled_error(e))? {
                Some(bytes) => self.decode(&page, &bytes)?,
                None => Page::default(),
            };
            let out = merge(&old, &changes);
            pages += 1;
            if out.is_empty() {
                batch.remove(page);
            } else {
                let encoded = out.finish();
                bytes += encoded.len();
                batch.insert(page, encoded);
            }
        }
        crate::detail(format!("rewrote {pages} pages ({bytes} bytes)"));
        self.tree
            .apply_batch(batch)
            .map_err(|e| self.sled_error(e))?;
        self.clear_cache();
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.tree.is_empty()
    }

    /// Replaces every page with pages built from `entries` (logical key,
    /// value), in one atomic batch. For `check --repair`.
    pub fn rebuild(&self, entries: BTreeMap<Vec<u8>, Vec<u8>>) -> Result<()> {
        let mut by_page: BTreeMap<Vec<u8>, PageWriter> = BTreeMap::new();
        for (key, value) in &entries {
            by_page.entry(page_of(key)).or_default().push(key, value);
        }
        let mut batch = sled::Batch::default();
        for page in self.tree.iter().keys() {
            let page = page.map_err(|e| self.sled_error(e))?;
            if !by_page.contains_key(page.as_ref()) {
                batch.remove(page);
            }
        }
        for (page, writer) in by_page {
            batch.insert(page, writer.finish());
        }
        self.tree
            .apply_batch(batch)
            .map_err(|e| self.sled_error(e))?;
        self.clear_cache();
        Ok(())
    }

    /// Every page, for `check`: (page key, its entries or why they cannot be read).
    pub fn all_pages(&self) -> Result<Vec<CheckedPage>> {
        let mut out = Vec::new();
        for item in self.tree.iter() {
            let (page, bytes) = item.map_err(|e| self.sled_error(e))?;
            let entries = codec::decode_page(&bytes)
                .map(|p| p.entries().map(|(k, v)| (k.to_vec(), v.to_vec())).collect());
            out.push((page.to_vec(), entries));
        }
        Ok(out)
    }
}

/// A page's entries with `changes` (in key order; `None` removes) applied:
/// both runs are in key order, so they merge in one pass.
pub(super) fn merge(old: &Page, changes: &[(Vec<u8>, Option<Vec<u8>>)]) -> PageWriter {
    let mut out = PageWriter::default();
    let mut i = 0;
    for (key, value) in changes {
        while i < old.len() && old.key(i) < key.as_slice() {
            out.push(old.key(i), old.value(i));
            i += 1;
        }
        if i < old.len() && old.key(i) == key.as_slice() {
            i += 1; // replaced or removed
        }
        if let Some(value) = value {
            out.push(key, value);
        }
    }
    while i < old.len() {
        out.push(old.key(i), old.value(i));
        i += 1;
    }
    out
}

/// The smallest key greater than every key starting with `prefix`.
pub fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_pages_are_prefixes_of_their_keys() {
        for key in [
            b"t\x80\x0b\x40\x00\x00\x00\x00\x00\x01event-1".to_vec(),
            b"xsteve-witkoff\x00\x80\x0b".to_vec(),
            b"nzelensky\x00volodymyr-zelenskyy".to_vec(),
            b"kukraine\x00claim-1".to_vec(),
        ] {
            assert!(key.starts_with(&page_of(&key)), "{key:?}");
        }
    }

    #[test]
    fn one_records_versions_share_a_page() {
        let h1 = keys::history(keys::EVENT, "miami", 1);
        let h2 = keys::history(keys::EVENT, "miami", 7);
        assert_eq!(page_of(&h1), page_of(&h2));
        assert_eq!(
            page_of(&keys::history_prefix(keys::EVENT, "miami")),
            page_of(&h1)
        );
    }

    #[test]
    fn prefix_end_is_the_next_prefix() {
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(b"a\xff"), Some(b"b".to_vec()));
        assert_eq!(prefix_end(b"\xff"), None);
    }
}
