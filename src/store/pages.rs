//! Pages: many logical entries packed into one sled value.
//!
//! Records and index entries are *logical* entries (see `keys`). sled pays
//! for every key it holds, so one key per entry is slow; and it pays for the
//! bytes of its tree nodes (up to 16 values each) every time it rewrites
//! one, so huge values are slow too. factline therefore packs its entries
//! into pages of a few KB: sorted runs of entries, each stored under its
//! first logical key. The pages partition the logical key space in order:
//! a page holds the keys from its own key up to the next page's key. A write
//! that makes a page larger than [`MAX_PAGE_BYTES`] splits it; a bulk write
//! builds pages of about [`TARGET_PAGE_BYTES`] in one pass.
//!
//! A page's encoding (an offset table and the bytes, see `codec::Page`) is
//! the codec's business. Pages read during one command are cached (a command
//! is one short process); writing clears the cache.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::codec::{self, Page, PageWriter};
use crate::error::{Error, Result};

/// A bulk write fills pages to about this many bytes.
pub const TARGET_PAGE_BYTES: usize = 8 * 1024;
/// A page that grows past this is split into pages of about
/// [`TARGET_PAGE_BYTES`]. (sled writes a tree node of up to 16 values as one
/// message, and a message over 128 KB as a file of its own.)
pub const MAX_PAGE_BYTES: usize = 2 * TARGET_PAGE_BYTES;

/// Decoded pages kept per command before the cache starts over: a command
/// that reads many pages (an import matching every row against the store)
/// stays within bounded memory.
const CACHE_BYTES: usize = 64 * 1024 * 1024;

/// A page's entries: (logical key, value) in key order.
pub type Entries = Vec<(Vec<u8>, Vec<u8>)>;
/// A page as `check` sees it: its entries, or why they cannot be read.
pub type CheckedPage = (Vec<u8>, std::result::Result<Entries, String>);
/// Called with each (key, value) of a scan.
pub type EntryVisitor<'a> = dyn FnMut(&[u8], &[u8]) -> Result<()> + 'a;
/// A logical write: `None` removes the key.
pub type LogicalWrite = (Vec<u8>, Option<Vec<u8>>);

/// What a rewrite does to the stored pages, in order.
pub enum PageEdit {
    /// The page `key`, stored as `old`, is about to be replaced or removed.
    Replaced { key: Vec<u8>, old: Vec<u8> },
    /// Store `bytes`, a plain page (whoever writes it compresses it, see
    /// `codec::compress_page`), as page `key`; `existed` says whether `key`
    /// was a page.
    Put {
        key: Vec<u8>,
        bytes: Vec<u8>,
        existed: bool,
    },
    /// Remove the page `key` (its entries moved to other pages, or are gone).
    Remove { key: Vec<u8> },
}

/// Uncached reads of the pages: a sled tree and the path for messages, so
/// it can be shared with other threads (a graph query decodes pages on both
/// cores).
#[derive(Clone)]
pub struct PageReader {
    pub(super) tree: sled::Tree,
    path: PathBuf,
}

/// The pages of a store: the reader, plus a cache of the pages read by
/// `get` (one thread's).
pub struct Pages {
    reader: PageReader,
    /// Pages read so far, by page key.
    cache: RefCell<BTreeMap<Vec<u8>, Rc<Page>>>,
    /// Bytes of the cached pages.
    cached: Cell<usize>,
}

/// Every uncached read of the reader is a read of the pages.
impl std::ops::Deref for Pages {
    type Target = PageReader;

    fn deref(&self) -> &PageReader {
        &self.reader
    }
}

impl PageReader {
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

    /// The stored page that would hold `key`: the last page whose key is
    /// not greater than `key`.
    fn floor(&self, key: &[u8]) -> Result<Option<(sled::IVec, sled::IVec)>> {
        self.tree
            .range(..=key)
            .next_back()
            .transpose()
            .map_err(|e| self.sled_error(e))
    }

    /// The first page whose key is greater than `key` (or not less, with `inclusive`).
    fn next_page_key(&self, key: &[u8], inclusive: bool) -> Result<Option<Vec<u8>>> {
        let from = if inclusive {
            Bound::Included(key)
        } else {
            Bound::Excluded(key)
        };
        Ok(self
            .tree
            .range::<&[u8], _>((from, Bound::Unbounded))
            .keys()
            .next()
            .transpose()
            .map_err(|e| self.sled_error(e))?
            .map(|k| k.to_vec()))
    }

    /// The stored pages from the one holding `start` on, and the key where
    /// the range ends (no `end`: the end of the keyspace of `start`).
    fn pages_from(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
    ) -> Result<(sled::Iter, Option<Vec<u8>>)> {
        let end = match end {
            Some(e) => Some(e.to_vec()),
            None => start.first().and_then(|&space| prefix_end(&[space])),
        };
        // The page holding `start` may begin before it.
        let first = match self.floor(start)? {
            Some((key, _)) => key.to_vec(),
            None => start.to_vec(),
        };
        Ok((self.tree.range(first..), end))
    }

    /// Calls `f` with each entry of [`Pages::range`], in key order, one page
    /// in memory at a time.
    pub fn for_each(&self, start: &[u8], end: Option<&[u8]>, f: &mut EntryVisitor) -> Result<()> {
        if start.is_empty() {
            return Ok(());
        }
        let (pages, end) = self.pages_from(start, end)?;
        for item in pages {
            let (page_key, bytes) = item.map_err(|e| self.sled_error(e))?;
            if !before(&end, &page_key) {
                break;
            }
            let page = self.decode(&page_key, &bytes)?;
            let from = page.search(start).unwrap_or_else(|i| i);
            for i in from..page.len() {
                let key = page.key(i);
                if !before(&end, key) {
                    return Ok(());
                }
                f(key, page.value(i))?;
            }
        }
        Ok(())
    }

    /// The entries of [`Pages::range`] as an iterator, in key order, one page
    /// in memory at a time: a scan of a million records holds one page, not
    /// the million.
    pub fn entries(&self, start: &[u8], end: Option<&[u8]>) -> Result<EntryIter> {
        let (pages, end) = if start.is_empty() {
            (None, None)
        } else {
            let (pages, end) = self.pages_from(start, end)?;
            (Some(pages), end)
        };
        Ok(EntryIter {
            reader: self.clone(),
            pages,
            start: start.to_vec(),
            end,
            page: None,
        })
    }
}

/// The entries of a key range, read one page at a time (see
/// [`PageReader::entries`]). Ends after the first error.
pub struct EntryIter {
    reader: PageReader,
    /// The pages still to read; `None` once the range is done.
    pages: Option<sled::Iter>,
    start: Vec<u8>,
    end: Option<Vec<u8>>,
    /// The page being read, and the index of its next entry.
    page: Option<(Page, usize)>,
}

/// Whether `key` comes before the end of a range (none: no end).
fn before(end: &Option<Vec<u8>>, key: &[u8]) -> bool {
    end.as_ref().is_none_or(|e| key < e.as_slice())
}

impl EntryIter {
    /// Ends the iteration: nothing more is read.
    fn stop(&mut self) {
        self.pages = None;
        self.page = None;
    }

    /// Reads the next page of the range; false past its end.
    fn load_next_page(&mut self) -> Result<bool> {
        let Some(read) = self.pages.as_mut().and_then(Iterator::next) else {
            return Ok(false);
        };
        let (key, bytes) = read.map_err(|e| self.reader.sled_error(e))?;
        if !before(&self.end, &key) {
            return Ok(false);
        }
        let page = self.reader.decode(&key, &bytes)?;
        let from = page.search(&self.start).unwrap_or_else(|i| i);
        self.page = Some((page, from));
        Ok(true)
    }
}

impl Iterator for EntryIter {
    type Item = Result<(Vec<u8>, Vec<u8>)>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((page, i)) = &mut self.page {
                if *i < page.len() {
                    let key = page.key(*i);
                    if !before(&self.end, key) {
                        break;
                    }
                    let entry = (key.to_vec(), page.value(*i).to_vec());
                    *i += 1;
                    return Some(Ok(entry));
                }
            }
            match self.load_next_page() {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    self.stop();
                    return Some(Err(e));
                }
            }
        }
        self.stop();
        None
    }
}

impl Pages {
    pub fn new(tree: sled::Tree, path: &Path) -> Pages {
        Pages {
            reader: PageReader {
                tree,
                path: path.to_path_buf(),
            },
            cache: RefCell::new(BTreeMap::new()),
            cached: Cell::new(0),
        }
    }

    /// Names the database `path` in messages about these pages.
    pub fn shown_as(&mut self, path: &Path) {
        self.reader.path = path.to_path_buf();
    }

    /// A reader of these pages, for another thread.
    pub fn reader(&self) -> PageReader {
        self.reader.clone()
    }

    /// The page holding `key`, if any (cached for the rest of the command).
    fn load_holding(&self, key: &[u8]) -> Result<Option<Rc<Page>>> {
        // A cached page whose first and last keys enclose `key` is the one:
        // pages cover disjoint ranges.
        let cache = self.cache.borrow();
        let mut below = cache.range::<[u8], _>((Bound::Unbounded, Bound::Included(key)));
        if let Some((_, page)) = below.next_back() {
            if !page.is_empty() && key <= page.key(page.len() - 1) {
                return Ok(Some(Rc::clone(page)));
            }
        }
        drop(cache);
        let Some((page_key, bytes)) = self.floor(key)? else {
            return Ok(None);
        };
        let page = Rc::new(self.decode(&page_key, &bytes)?);
        let size = page.size() + page_key.len();
        if self.cached.get() + size > CACHE_BYTES {
            self.clear_cache();
        }
        self.cached.set(self.cached.get() + size);
        self.cache
            .borrow_mut()
            .insert(page_key.to_vec(), Rc::clone(&page));
        Ok(Some(page))
    }

    /// Forgets the pages read so far (after a write, or when the cache is full).
    pub(super) fn clear_cache(&self) {
        self.cache.borrow_mut().clear();
        self.cached.set(0);
    }

    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let Some(page) = self.load_holding(key)? else {
            return Ok(None);
        };
        Ok(page.search(key).ok().map(|i| page.value(i).to_vec()))
    }

    /// Entries whose key starts with `prefix`, in key order, read as they
    /// are iterated.
    pub fn scan_prefix(&self, prefix: &[u8]) -> Result<EntryIter> {
        let end = prefix_end(prefix);
        self.entries(prefix, end.as_deref())
    }

    /// Entries with `start <= key < end` (no end: to the end of the keyspace
    /// of `start`), in key order, collected (tests compare it with a model).
    #[cfg(test)]
    pub fn range(&self, start: &[u8], end: Option<&[u8]>) -> Result<Entries> {
        self.entries(start, end)?.collect()
    }

    /// Applies logical writes (`None` removes) as one atomic sled batch.
    pub fn apply(&self, writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>) -> Result<()> {
        let mut batch = sled::Batch::default();
        let (mut pages, mut bytes) = (0usize, 0usize);
        self.rewrite(writes.into_iter().map(Ok), &mut |edit| {
            match edit {
                PageEdit::Replaced { .. } => {}
                PageEdit::Put { key, bytes: b, .. } => {
                    let b = codec::compress_page(b);
                    pages += 1;
                    bytes += b.len();
                    batch.insert(key, b);
                }
                PageEdit::Remove { key } => batch.remove(key),
            }
            Ok(())
        })?;
        crate::detail(format!("rewrote {pages} pages ({bytes} bytes)"));
        self.tree
            .apply_batch(batch)
            .map_err(|e| self.sled_error(e))?;
        self.clear_cache();
        Ok(())
    }

    /// Merges `writes` (in strictly increasing key order) into the stored
    /// pages, telling `edit` which pages to replace, put and remove. Each
    /// page is read and rewritten once; a run of writes past the last page
    /// (a bulk load into an empty store) becomes pages of about
    /// [`TARGET_PAGE_BYTES`] as it streams by. Reads the stored pages as
    /// they were: `edit` must not write before it has seen every edit of a
    /// page range (edits come in key order, so writing behind is fine).
    pub fn rewrite(
        &self,
        writes: impl Iterator<Item = Result<LogicalWrite>>,
        edit: &mut dyn FnMut(PageEdit) -> Result<()>,
    ) -> Result<()> {
        let mut writes = writes.peekable();
        loop {
            let first = match writes.peek() {
                None => return Ok(()),
                Some(Err(_)) => return writes.next().map_or(Ok(()), |w| w.map(|_| ())),
                Some(Ok((key, _))) => key.clone(),
            };
            // The page these writes go to, and where the next page begins.
            let (old_key, old) = match self.floor(&first)? {
                Some((key, bytes)) => {
                    let page = self.decode(&key, &bytes)?;
                    edit(PageEdit::Replaced {
                        key: key.to_vec(),
                        old: bytes.to_vec(),
                    })?;
                    (Some(key.to_vec()), page)
                }
                None => (None, Page::default()),
            };
            let bound = match &old_key {
                Some(key) => self.next_page_key(key, false)?,
                None => self.next_page_key(&first, true)?,
            };
            let mut builder = PageBuilder::default();
            let mut kept_old_key = false;
            let mut put = |page: Option<(Vec<u8>, Vec<u8>)>| -> Result<()> {
                if let Some((key, bytes)) = page {
                    let existed = old_key.as_ref() == Some(&key);
                    kept_old_key |= existed;
                    edit(PageEdit::Put {
                        key,
                        bytes,
                        existed,
                    })?;
                }
                Ok(())
            };
            let mut i = 0;
            while let Some(next) = writes.peek() {
                if let Ok((key, _)) = next {
                    if bound.as_ref().is_some_and(|b| key >= b) {
                        break;
                    }
                }
                let Some(write) = writes.next() else { break };
                let (key, value) = write?;
                while i < old.len() && old.key(i) < key.as_slice() {
                    put(builder.push(old.key(i), old.value(i)))?;
                    i += 1;
                }
                if i < old.len() && old.key(i) == key.as_slice() {
                    i += 1; // replaced or removed
                }
                if let Some(value) = value {
                    put(builder.push(&key, &value))?;
                }
            }
            while i < old.len() {
                put(builder.push(old.key(i), old.value(i)))?;
                i += 1;
            }
            put(builder.finish())?;
            if let Some(key) = old_key.filter(|_| !kept_old_key) {
                edit(PageEdit::Remove { key })?;
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.tree.is_empty()
    }

    /// Writes pages built from `entries` (logical key, value, in key order)
    /// into a tree that holds no page, in sled batches of about
    /// `batch_bytes` (before compression); `after_batch` is called with the
    /// number of batches written so far. For `check --repair`, which keeps
    /// the pages' previous bytes to undo it (`Store::rebuild_all_pages`).
    pub fn write_new_pages(
        &self,
        entries: impl Iterator<Item = Result<(Vec<u8>, Vec<u8>)>>,
        batch_bytes: usize,
        after_batch: &mut dyn FnMut(usize),
    ) -> Result<()> {
        let mut batch = sled::Batch::default();
        let (mut bytes, mut batches) = (0usize, 0usize);
        let mut builder = PageBuilder::default();
        let mut put = |page: Option<(Vec<u8>, Vec<u8>)>, last: bool| -> Result<()> {
            if let Some((key, plain)) = page {
                bytes += plain.len();
                batch.insert(key, codec::compress_page(plain));
            }
            if bytes >= batch_bytes || (last && bytes > 0) {
                let full = std::mem::take(&mut batch);
                self.tree
                    .apply_batch(full)
                    .map_err(|e| self.sled_error(e))?;
                bytes = 0;
                batches += 1;
                after_batch(batches);
            }
            Ok(())
        };
        for entry in entries {
            let (key, value) = entry?;
            put(builder.push(&key, &value), false)?;
        }
        put(builder.finish(), true)?;
        self.clear_cache();
        Ok(())
    }

    /// Every page in key order (tests check the page layout with it).
    #[cfg(test)]
    pub fn all_pages(&self) -> Result<Vec<CheckedPage>> {
        let mut out = Vec::new();
        self.each_page(&mut |page| {
            out.push(page);
            Ok(())
        })?;
        Ok(out)
    }

    /// Calls `f` with every page in key order, one at a time, for `check`
    /// and `check --repair`: (page key, its entries or why they cannot be read).
    pub fn each_page(&self, f: &mut dyn FnMut(CheckedPage) -> Result<()>) -> Result<()> {
        for item in self.tree.iter() {
            let (page, bytes) = item.map_err(|e| self.sled_error(e))?;
            let entries = codec::decode_page(&bytes)
                .map(|p| p.entries().map(|(k, v)| (k.to_vec(), v.to_vec())).collect());
            f((page.to_vec(), entries))?;
        }
        Ok(())
    }
}

/// Cuts a stream of entries (in key order) into pages: a page is cut off
/// when the entries pending pass [`MAX_PAGE_BYTES`], at about
/// [`TARGET_PAGE_BYTES`], so that pages stay between the two except the
/// last of a run.
#[derive(Default)]
struct PageBuilder {
    /// The pending entries' keys and values, back to back.
    data: Vec<u8>,
    /// The pending entries' (key length, value length).
    lengths: std::collections::VecDeque<(usize, usize)>,
    /// Encoded size of the pending entries.
    bytes: usize,
}

/// What one entry adds to an encoded page (two u32 lengths).
const ENTRY_OVERHEAD: usize = 8;

impl PageBuilder {
    /// Adds an entry; returns a page (its key and bytes) if one was cut off.
    fn push(&mut self, key: &[u8], value: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
        self.data.extend_from_slice(key);
        self.data.extend_from_slice(value);
        self.lengths.push_back((key.len(), value.len()));
        self.bytes += key.len() + value.len() + ENTRY_OVERHEAD;
        (self.bytes > MAX_PAGE_BYTES).then(|| self.cut(TARGET_PAGE_BYTES))
    }

    /// The pending entries as a last page, if any.
    fn finish(&mut self) -> Option<(Vec<u8>, Vec<u8>)> {
        (!self.lengths.is_empty()).then(|| self.cut(usize::MAX))
    }

    /// A page of the first pending entries, about `size` bytes (at least one entry).
    fn cut(&mut self, size: usize) -> (Vec<u8>, Vec<u8>) {
        let mut writer = PageWriter::default();
        let (mut at, mut taken) = (0usize, 0usize);
        let mut first_key = Vec::new();
        while let Some(&(k, v)) = self.lengths.front() {
            if taken > 0 && taken + k + v + ENTRY_OVERHEAD > size {
                break;
            }
            let key = &self.data[at..at + k];
            if taken == 0 {
                first_key = key.to_vec();
            }
            writer.push(key, &self.data[at + k..at + k + v]);
            at += k + v;
            taken += k + v + ENTRY_OVERHEAD;
            self.lengths.pop_front();
        }
        self.data.drain(..at);
        self.bytes -= taken;
        (first_key, writer.finish())
    }
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

    fn temporary() -> Pages {
        let db = sled::Config::new().temporary(true).open().unwrap();
        Pages::new(db.open_tree("pages").unwrap(), Path::new("test"))
    }

    fn key(i: u32) -> Vec<u8> {
        format!("e{i:08}").into_bytes()
    }

    /// Pages cover disjoint ranges, in order, each keyed by its first entry.
    fn assert_well_formed(pages: &Pages) {
        let mut last: Option<Vec<u8>> = None;
        for (page_key, entries) in pages.all_pages().unwrap() {
            let entries = entries.unwrap();
            assert!(!entries.is_empty());
            assert_eq!(entries[0].0, page_key);
            if let Some(last) = &last {
                assert!(last < &page_key);
            }
            assert!(entries.windows(2).all(|w| w[0].0 < w[1].0));
            last = Some(entries.last().unwrap().0.clone());
        }
    }

    /// The pages against a BTreeMap model through random inserts, updates
    /// and removals, in batches of every size (one entry up to a bulk load).
    #[test]
    fn pages_equal_a_btreemap_model() {
        let pages = temporary();
        let mut model: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        let mut state = 11u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            state >> 33
        };
        for round in 0..60 {
            let size = [1, 5, 50, 2000][round % 4];
            let mut writes = BTreeMap::new();
            for _ in 0..size {
                let k = key((next() % 5000) as u32);
                let value = (next() % 5 != 0).then(|| vec![b'v'; (next() % 300) as usize]);
                writes.insert(k, value);
            }
            for (k, v) in &writes {
                match v {
                    Some(v) => model.insert(k.clone(), v.clone()),
                    None => model.remove(k),
                };
            }
            pages.apply(writes).unwrap();
            assert_well_formed(&pages);
            let all = pages.range(b"e", None).unwrap();
            let expected: Vec<_> = model.clone().into_iter().collect();
            assert_eq!(all, expected, "round {round}");
            for probe in 0..50 {
                let k = key((next() % 5000) as u32);
                assert_eq!(pages.get(&k).unwrap(), model.get(&k).cloned(), "{probe}");
            }
            // A random range, read by the iterator and by the visitor.
            let (a, b) = (next() % 5000, next() % 5000);
            let (from, to) = (key(a.min(b) as u32), key(a.max(b) as u32 + 1));
            let part: Vec<_> = model
                .range(from.clone()..to.clone())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            assert_eq!(
                pages.range(&from, Some(&to)).unwrap(),
                part,
                "round {round}"
            );
            let mut visited = Vec::new();
            pages
                .for_each(&from, Some(&to), &mut |k, v| {
                    visited.push((k.to_vec(), v.to_vec()));
                    Ok(())
                })
                .unwrap();
            assert_eq!(visited, part, "round {round}");
        }
        assert!(pages.tree.len() > 10, "pages never split");
    }

    #[test]
    fn a_bulk_run_becomes_pages_of_about_the_target_size() {
        let pages = temporary();
        let writes: BTreeMap<_, _> = (0..20_000).map(|i| (key(i), Some(vec![7u8; 40]))).collect();
        pages.apply(writes).unwrap();
        assert_well_formed(&pages);
        // Sizes as encoded before compression.
        let sizes: Vec<usize> = pages
            .all_pages()
            .unwrap()
            .into_iter()
            .map(|(_, entries)| {
                entries
                    .unwrap()
                    .iter()
                    .map(|(k, v)| k.len() + v.len() + ENTRY_OVERHEAD)
                    .sum()
            })
            .collect();
        let (last, full) = sizes.split_last().unwrap();
        assert!(
            full.iter()
                .all(|s| (TARGET_PAGE_BYTES - 128..=TARGET_PAGE_BYTES).contains(s)),
            "{sizes:?}"
        );
        assert!(*last <= MAX_PAGE_BYTES + 64);
    }

    #[test]
    fn prefix_end_is_the_next_prefix() {
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(b"a\xff"), Some(b"b".to_vec()));
        assert_eq!(prefix_end(b"\xff"), None);
    }
}
