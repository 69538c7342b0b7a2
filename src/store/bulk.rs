//! Bulk writes: a large import as one change, each page written once.
//!
//! A [`Change`](super::Change) holds its writes in memory and applies them
//! as one sled batch: right for an edit, wrong for a million rows, whose
//! writes do not fit in memory and, committed in chunks, would rewrite the
//! same pages once per chunk. A [`Bulk`] instead
//! - sends each logical write (key, value or removal, sequence number) to a
//!   buffer that is sorted by key and spilled to a temporary *run* file
//!   whenever it reaches its budget;
//! - keeps the records it wrote in a temporary file, with an index from each
//!   record's key (and each event's natural key) to its latest version, so
//!   the import can read back what it wrote (a row that gives an event
//!   created a few rows earlier), and which row wrote it (or matched it
//!   unchanged), so that a second row for one record is reported;
//! - on commit, merges the runs into one stream of writes in key order and
//!   merges that into the stored pages (`Pages::rewrite`), so that every page
//!   is read and written once, in sled batches of bounded size.
//!
//! A commit spans many batches, so an undo log makes it all-or-nothing:
//! before a batch overwrites pages, their previous bytes (or, for pages it
//! creates, one list of their keys) go to the `undo` tree and are flushed,
//! under a marker in the `meta` tree that is removed once the last batch is
//! on disk. Opening a database whose marker is still there (the import was
//! killed) restores the saved pages, so the import either happened whole or
//! not at all, and running it again completes it. A commit into a store
//! that holds no page (a first import) keeps no undo log: its marker says
//! so, and undoing it empties the store again.

use std::cmp::Ordering;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BinaryHeap};
use std::fs::File;
use std::hash::BuildHasher;
use std::io::{BufRead, BufReader, BufWriter, Seek, Write};
use std::ops::RangeInclusive;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

use crate::codec;
use crate::error::{Error, Result};
use crate::model::{Date, Event, EventHead, Stamp};

use super::pages::{EntryVisitor, LogicalWrite, PageEdit};
use super::{keys, sled_error, Record, Store};

/// Memory for unsorted writes before they are spilled to a run file (twice:
/// one buffer fills while the one before is sorted and written).
const BUFFER_BYTES: usize = 24 * 1024 * 1024;
/// Page bytes (before compression) written per sled batch (and per flush of
/// the undo log).
const BATCH_BYTES: usize = 8 * 1024 * 1024;

/// The tree that holds the pages a bulk commit replaced, until it finishes.
pub(super) const UNDO_TREE: &str = "undo";
/// Key in `meta`: present while a bulk commit is writing pages. Its value is
/// empty when the `undo` tree holds what to restore, [`INTO_EMPTY`] when the
/// store held no page before the commit.
pub(super) const BULK_MARKER: &[u8] = b"bulk_write_in_progress";
/// The marker of a commit into an empty store: undone by removing every page.
const INTO_EMPTY: &[u8] = b"into an empty store";
/// The marker while `check --repair` rebuilds every page: the `undo` tree
/// holds a copy of every page as it was, and undoing is putting that copy
/// back in place of whatever pages are there.
const REBUILDING: &[u8] = b"rebuilding every page";
/// The marker while a storage layout upgrade writes its pages: undone from
/// the `undo` tree as an import is (a factline that predates this value
/// does just that), and reported as the upgrade it was.
const UPGRADING: &[u8] = b"upgrading the storage layout";
/// The marker while `actor merge` writes its pages: undone as an import is
/// (as a factline that predates this value does), and reported as the
/// merge it was.
const MERGING: &[u8] = b"merging two actors";
/// The marker while `check --repair` writes the index entries it found
/// wrong or missing (on sound pages: [`REBUILDING`] rebuilds the others):
/// undone as an import is, and reported as the repair it was.
const REPAIRING: &[u8] = b"repairing index entries";

/// What the notice of an undone commit calls the change that wrote
/// `marker` (one restored from the undo log): an import unless it is one
/// of the marked changes (an empty marker, or one a later factline writes).
fn undone_name(marker: &[u8]) -> &'static str {
    match marker {
        UPGRADING => "an upgrade of the storage layout",
        MERGING => "an `actor merge`",
        REPAIRING => "a `check --repair`",
        _ => "an import",
    }
}

/// A size from the environment (for tests, which need small buffers and
/// batches to exercise spills and interrupted commits), else `default`.
fn size_from_env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

/// The temporary directory, as messages name it: `TMPDIR` when it is set.
pub(super) fn temp_dir_named() -> String {
    let dir = std::env::temp_dir();
    if std::env::var_os("TMPDIR").is_some() {
        format!("TMPDIR ({})", dir.display())
    } else {
        format!("the temporary directory {}", dir.display())
    }
}

/// A failed write or read of a temporary file of a sort on disk (see
/// [`temp_file_failed`]).
fn io_error(what: &str, e: std::io::Error) -> Error {
    temp_file_failed(what, "a temporary file of a sort on disk", e)
}

/// A failed `what` (write a run file) of `file`, a temporary file made by
/// [`temp_file`]. A full temporary directory is, as a missing one is, the
/// user's setting to mend (exit code 2), named first, since nothing else
/// is wrong: not the database's disk, not the input.
pub(crate) fn temp_file_failed(what: &str, file: &str, e: std::io::Error) -> Error {
    if is_full(&e) {
        return Error::bad_input(format!(
            "{} is full: cannot {what} ({file}): {e}; {ROOM_FOR_SORTS}",
            temp_dir_named()
        ))
        .in_temp_dir();
    }
    Error::database(format!(
        "cannot {what} ({file}, in {}): {e}",
        temp_dir_named()
    ))
    .in_temp_dir()
}

/// What to do about a temporary directory that cannot hold a sort.
const ROOM_FOR_SORTS: &str =
    "set TMPDIR to a directory you may write, with room for about the size of the data sorted";

/// Whether a write failed for want of room (a full file system, or the
/// user's quota spent).
fn is_full(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}

/// A temporary file in the system's temporary directory, for the sorts on
/// disk of imports, timelines and `check`, and the rows of a table written
/// into a pipe or a file (`output`). A directory that is missing, may not
/// be written or is full is the user's setting to mend (exit code 2), not
/// a fault of the database.
pub(crate) fn temp_file(what: &str) -> Result<File> {
    tempfile::tempfile().map_err(|e| cannot_create_in_temp_dir(what, ROOM_FOR_SORTS, e))
}

/// `what` (a temporary file, a directory) could not be created in the
/// temporary directory: a directory that is missing, may not be written
/// or is full is the user's setting to mend (exit code 2), as `advice`
/// says; any other failure is an I/O error.
pub(super) fn cannot_create_in_temp_dir(what: &str, advice: &str, e: std::io::Error) -> Error {
    let message = format!(
        "cannot create {what} in {}: {e}; {advice}",
        temp_dir_named()
    );
    let error = match e.kind() {
        std::io::ErrorKind::NotFound
        | std::io::ErrorKind::NotADirectory
        | std::io::ErrorKind::PermissionDenied
        | std::io::ErrorKind::ReadOnlyFilesystem => Error::bad_input(message),
        _ if is_full(&e) => Error::bad_input(message),
        _ => Error::database(message),
    };
    error.in_temp_dir()
}

/// One logical write, as sorted and spilled.
struct SortedWrite {
    /// The key's first 16 bytes (zero-padded), big-endian: most comparisons
    /// end here, without following the key's pointer.
    prefix: u128,
    key: Vec<u8>,
    seq: u64,
    value: Option<Vec<u8>>,
}

/// The order of logical writes, each given as (key prefix, key, sequence
/// number): key order (the prefix decides unless equal), then write order.
fn write_order(a: (u128, &[u8], u64), b: (u128, &[u8], u64)) -> Ordering {
    a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)).then(a.2.cmp(&b.2))
}

/// The first 16 bytes of `key`, zero-padded, as a number that sorts as they do.
fn prefix_of(key: &[u8]) -> u128 {
    let mut bytes = [0u8; 16];
    let n = key.len().min(16);
    bytes[..n].copy_from_slice(&key[..n]);
    u128::from_be_bytes(bytes)
}

impl SortedWrite {
    fn new(key: Vec<u8>, seq: u64, value: Option<Vec<u8>>) -> SortedWrite {
        SortedWrite {
            prefix: prefix_of(&key),
            key,
            seq,
            value,
        }
    }

    fn order(&self, other: &Self) -> Ordering {
        write_order(
            (self.prefix, &self.key, self.seq),
            (other.prefix, &other.key, other.seq),
        )
    }

    /// The next write of a run, or `None` at its end.
    fn read_from(input: &mut impl BufRead) -> std::io::Result<Option<SortedWrite>> {
        let mut len = [0u8; 4];
        match input.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let key = read_vec(input, u32::from_le_bytes(len) as usize)?;
        let mut seq = [0u8; 8];
        input.read_exact(&mut seq)?;
        let seq = u64::from_le_bytes(seq);
        let mut flag = [0u8; 1];
        input.read_exact(&mut flag)?;
        let value = match flag[0] {
            0 => None,
            _ => {
                input.read_exact(&mut len)?;
                Some(read_vec(input, u32::from_le_bytes(len) as usize)?)
            }
        };
        Ok(Some(SortedWrite::new(key, seq, value)))
    }
}

/// The next `len` bytes of `input`, copied from its buffer: a merge reads
/// millions of keys and values, and zeroing each before reading into it
/// cost as much as the copy.
fn read_vec(input: &mut impl BufRead, len: usize) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let n = buf.len().min(len - out.len());
        out.extend_from_slice(&buf[..n]);
        input.consume(n);
    }
    Ok(out)
}

/// Buffered writes: their bytes appended to one arena, and a small entry
/// each that points into it. Pushing allocates nothing per write, and
/// sorting moves the entries, not the bytes.
struct Buffer {
    arena: Vec<u8>,
    entries: Vec<BufferedWrite>,
}

/// One write of a [`Buffer`]: its key at `at`, its value right after.
struct BufferedWrite {
    /// As [`SortedWrite::prefix`].
    prefix: u128,
    seq: u64,
    at: usize,
    key_len: u32,
    /// `u32::MAX` for a removal.
    value_len: u32,
}

const REMOVAL: u32 = u32::MAX;

/// The largest buffer allocated up front; a larger budget grows past it.
const MAX_RESERVED_BYTES: usize = 256 * 1024 * 1024;

impl Buffer {
    /// A buffer for about `budget` bytes, allocated at once (growing it by
    /// doubling would copy it and, for a moment, hold it twice): three
    /// quarters for keys and values, a quarter for the entries, as an
    /// import's writes use them.
    fn with_budget(budget: usize) -> Buffer {
        let budget = budget.min(MAX_RESERVED_BYTES);
        Buffer {
            arena: Vec::with_capacity(budget / 4 * 3),
            entries: Vec::with_capacity(budget / 4 / std::mem::size_of::<BufferedWrite>()),
        }
    }

    /// Whether a write of `bytes` (key and value) would make either part
    /// grow past what was allocated.
    fn is_full_for(&self, bytes: usize) -> bool {
        !self.entries.is_empty()
            && (self.entries.len() == self.entries.capacity()
                || self.arena.len() + bytes > self.arena.capacity())
    }

    fn push(&mut self, key: &[u8], seq: u64, value: Option<&[u8]>) {
        let at = self.arena.len();
        self.arena.extend_from_slice(key);
        let value_len = match value {
            Some(v) => {
                self.arena.extend_from_slice(v);
                v.len() as u32
            }
            None => REMOVAL,
        };
        self.entries.push(BufferedWrite {
            prefix: prefix_of(key),
            seq,
            at,
            key_len: key.len() as u32,
            value_len,
        });
    }

    fn key(&self, entry: &BufferedWrite) -> &[u8] {
        &self.arena[entry.at..entry.at + entry.key_len as usize]
    }

    fn value(&self, entry: &BufferedWrite) -> Option<&[u8]> {
        (entry.value_len != REMOVAL).then(|| {
            let from = entry.at + entry.key_len as usize;
            &self.arena[from..from + entry.value_len as usize]
        })
    }

    /// Sorts the entries in [`write_order`].
    fn sort(&mut self) {
        let mut entries = std::mem::take(&mut self.entries);
        entries.sort_unstable_by(|a, b| {
            write_order(
                (a.prefix, self.key(a), a.seq),
                (b.prefix, self.key(b), b.seq),
            )
        });
        self.entries = entries;
    }

    /// The sorted writes, owned (the in-memory source of a merge).
    fn into_writes(mut self) -> impl Iterator<Item = SortedWrite> + Send {
        let entries = std::mem::take(&mut self.entries);
        entries.into_iter().map(move |entry| SortedWrite {
            prefix: entry.prefix,
            key: self.key(&entry).to_vec(),
            seq: entry.seq,
            value: self.value(&entry).map(<[u8]>::to_vec),
        })
    }
}

/// One write of a run file: key len (u32 LE), key, seq (u64 LE), then 0,
/// or 1, value len and value.
fn write_sorted(
    out: &mut impl Write,
    key: &[u8],
    seq: u64,
    value: Option<&[u8]>,
) -> std::io::Result<()> {
    out.write_all(&(key.len() as u32).to_le_bytes())?;
    out.write_all(key)?;
    out.write_all(&seq.to_le_bytes())?;
    match value {
        None => out.write_all(&[0]),
        Some(v) => {
            out.write_all(&[1])?;
            out.write_all(&(v.len() as u32).to_le_bytes())?;
            out.write_all(v)
        }
    }
}

/// Entries in any order in, each key once (its last value) in key order
/// out, in bounded memory: the index entries `check` expects, however large
/// the store.
pub(super) struct SortedEntries(Sorter);

impl SortedEntries {
    pub(super) fn new() -> SortedEntries {
        SortedEntries(Sorter::new(size_from_env(
            "FACTLINE_BULK_BUFFER_BYTES",
            BUFFER_BYTES,
        )))
    }

    pub(super) fn push(&mut self, key: &[u8], value: &[u8]) -> Result<()> {
        self.0.push(key, Some(value))
    }

    pub(super) fn into_sorted(self) -> Result<impl Iterator<Item = Result<(Vec<u8>, Vec<u8>)>>> {
        Ok(self
            .0
            .into_merge()?
            .map(|write| write.map(|(key, value)| (key, value.unwrap_or_default()))))
    }
}

/// Writes in arrival order in, writes sorted by (key, seq) out.
struct Sorter {
    buffer: Buffer,
    budget: usize,
    runs: Vec<Run>,
    /// The run being sorted and written while the next buffer fills.
    spilling: Option<std::thread::JoinHandle<Result<Run>>>,
    seq: u64,
    /// Writes read and written again by merges of runs before the final
    /// one (see [`MAX_OPEN_RUNS`]).
    remerged: u64,
}

/// A sorted run on disk, how many writes it holds, and how many merges
/// made it (0 for a run spilled from the buffer).
struct Run {
    file: File,
    writes: u64,
    level: u32,
}

impl Sorter {
    fn new(budget: usize) -> Sorter {
        Sorter {
            buffer: Buffer::with_budget(budget),
            budget,
            runs: Vec::new(),
            spilling: None,
            seq: 0,
            remerged: 0,
        }
    }

    fn is_empty(&self) -> bool {
        self.seq == 0
    }

    fn push(&mut self, key: &[u8], value: Option<&[u8]>) -> Result<()> {
        if self
            .buffer
            .is_full_for(key.len() + value.map_or(0, <[u8]>::len))
        {
            self.spill()?;
        }
        self.seq += 1;
        self.buffer.push(key, self.seq, value);
        Ok(())
    }

    /// Hands the buffer to a thread that sorts it and writes it out as a
    /// run, so the import goes on meanwhile (on a second core). At most one
    /// run is in flight: memory holds two buffers at most.
    fn spill(&mut self) -> Result<()> {
        self.finish_spill()?;
        let buffer = std::mem::replace(&mut self.buffer, Buffer::with_budget(self.budget));
        self.spilling = Some(std::thread::spawn(move || write_run(buffer)));
        Ok(())
    }

    fn finish_spill(&mut self) -> Result<()> {
        if let Some(spilling) = self.spilling.take() {
            let run = spilling
                .join()
                .map_err(|_| Error::database("the sorting thread of a bulk import failed"))??;
            self.runs.push(run);
            if self.runs.len() >= MAX_OPEN_RUNS {
                let level = level_to_merge(self.runs.iter().map(|run| run.level));
                let (merged, kept) = std::mem::take(&mut self.runs)
                    .into_iter()
                    .partition(|run| run.level == level);
                self.runs = kept;
                let merged = merge_runs(merged, level + 1)?;
                self.remerged += merged.writes;
                self.runs.push(merged);
            }
        }
        Ok(())
    }

    fn into_merge(mut self) -> Result<Merge> {
        self.finish_spill()?;
        self.buffer.sort();
        crate::detail(format!(
            "sorted {} logical writes, {} spilled runs ({} writes merged again before the last merge)",
            self.seq,
            self.runs.len(),
            self.remerged
        ));
        let mut sources: Vec<Source> = self
            .runs
            .into_iter()
            .map(|run| Source::Run(BufReader::with_capacity(256 * 1024, run.file)))
            .collect();
        sources.push(Source::Memory(Box::new(self.buffer.into_writes())));
        Merge::of(sources)
    }
}

/// Run files open at once: when this many are, the runs of one level (see
/// [`level_to_merge`]) are merged into one (every write kept, in order: a
/// merge of any runs keeps each key's writes in sequence order) before the
/// sort goes on, so that a sort of any size stays well under the usual
/// limit of 1,024 open files a process (a million events make 38 runs).
const MAX_OPEN_RUNS: usize = 64;

/// The level whose runs the next merge takes: the one with the most runs
/// (the lowest of those tied). A merge makes a run of the next level, so
/// a write is merged again once per level it climbs, and each level's runs
/// hold many of the level below's: a sort of any size merges each write
/// a few times before the last merge. (Merging every open run each time,
/// the big one made by the merge before too, would read and write all the
/// writes so far again at every merge: a cost growing with the square of
/// the import.)
fn level_to_merge(levels: impl Iterator<Item = u32>) -> u32 {
    let mut counts = BTreeMap::<u32, usize>::new();
    for level in levels {
        *counts.entry(level).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(level, count)| (count, std::cmp::Reverse(level)))
        .map_or(0, |(level, _)| level)
}

/// Merges sorted runs into one run of `level` holding every write of them,
/// in order (a key's earlier writes too: the final merge picks the last).
fn merge_runs(runs: Vec<Run>, level: u32) -> Result<Run> {
    let writes = runs.iter().map(|run| run.writes).sum();
    let mut merge = Merge::of(
        runs.into_iter()
            .map(|run| Source::Run(BufReader::with_capacity(256 * 1024, run.file)))
            .collect(),
    )?;
    let file = run_file(|out| {
        while let Some(write) = merge.next_write()? {
            write_sorted(out, &write.key, write.seq, write.value.as_deref())
                .map_err(|e| io_error("write a run file", e))?;
        }
        Ok(())
    })?;
    Ok(Run {
        file,
        writes,
        level,
    })
}

/// Sorts writes and writes them to a temporary file, ready to be read back.
fn write_run(mut buffer: Buffer) -> Result<Run> {
    buffer.sort();
    let file = run_file(|out| {
        for entry in &buffer.entries {
            write_sorted(out, buffer.key(entry), entry.seq, buffer.value(entry))
                .map_err(|e| io_error("write a run file", e))?;
        }
        Ok(())
    })?;
    Ok(Run {
        file,
        writes: buffer.entries.len() as u64,
        level: 0,
    })
}

/// A temporary run file that `fill` writes sorted writes into, rewound to
/// be read back.
fn run_file(fill: impl FnOnce(&mut BufWriter<File>) -> Result<()>) -> Result<File> {
    let file = temp_file("a temporary file to sort on disk")?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    fill(&mut out)?;
    let mut file = out
        .into_inner()
        .map_err(|e| io_error("write a run file", e.into_error()))?;
    file.rewind().map_err(|e| io_error("read a run file", e))?;
    Ok(file)
}

enum Source {
    Run(BufReader<File>),
    Memory(Box<dyn Iterator<Item = SortedWrite> + Send>),
}

impl Source {
    fn next(&mut self) -> Result<Option<SortedWrite>> {
        match self {
            Source::Run(r) => SortedWrite::read_from(r).map_err(|e| io_error("read a run file", e)),
            Source::Memory(i) => Ok(i.next()),
        }
    }
}

/// A write at the head of one source, ordered for a min-heap.
struct Head(SortedWrite, usize);

impl PartialEq for Head {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Head {}
impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Head {
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.order(&self.0) // reversed: BinaryHeap pops the greatest
    }
}

/// The k-way merge of the sorted runs.
struct Merge {
    sources: Vec<Source>,
    heap: BinaryHeap<Head>,
    pending: Option<SortedWrite>,
}

impl Merge {
    /// The merge of `sources`, each sorted, with each one's first write read.
    fn of(sources: Vec<Source>) -> Result<Merge> {
        let mut merge = Merge {
            sources,
            heap: BinaryHeap::new(),
            pending: None,
        };
        for i in 0..merge.sources.len() {
            merge.refill(i)?;
        }
        Ok(merge)
    }

    fn refill(&mut self, source: usize) -> Result<()> {
        if let Some(write) = self.sources[source].next()? {
            self.heap.push(Head(write, source));
        }
        Ok(())
    }

    fn next_write(&mut self) -> Result<Option<SortedWrite>> {
        if let Some(write) = self.pending.take() {
            return Ok(Some(write));
        }
        let Some(Head(write, source)) = self.heap.pop() else {
            return Ok(None);
        };
        self.refill(source)?;
        Ok(Some(write))
    }

    /// The next key's final write: of several writes to one key, the last
    /// (highest sequence number) wins.
    fn next_final(&mut self) -> Result<Option<LogicalWrite>> {
        let Some(mut last) = self.next_write()? else {
            return Ok(None);
        };
        while let Some(write) = self.next_write()? {
            if write.key != last.key {
                self.pending = Some(write);
                break;
            }
            last = write;
        }
        Ok(Some((last.key, last.value)))
    }
}

impl Iterator for Merge {
    type Item = Result<LogicalWrite>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_final().transpose()
    }
}

/// A key's hash: fixed (the same in every run), fast, and only ever
/// trusted after the key itself is compared.
fn hash_of(bytes: &[u8]) -> u64 {
    foldhash::fast::FixedState::default().hash_one(bytes)
}

/// Hashes a `u64` that is a hash already ([`hash_of`]) as itself, instead
/// of hashing it again.
#[derive(Default)]
struct AlreadyHashed(u64);

impl std::hash::Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64`s are hashed here; anything else still gets a hash.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }
}

/// Offsets into the record file by a key's hash; the rare keys whose hash
/// another key already holds are kept whole.
#[derive(Default)]
struct OffsetIndex {
    by_hash: std::collections::HashMap<u64, u64, std::hash::BuildHasherDefault<AlreadyHashed>>,
    clashes: foldhash::HashMap<Vec<u8>, u64>,
}

impl OffsetIndex {
    fn get(
        &self,
        key: &[u8],
        mut key_at: impl FnMut(u64) -> Result<Vec<u8>>,
    ) -> Result<Option<u64>> {
        if let Some(&offset) = self.clashes.get(key) {
            return Ok(Some(offset));
        }
        match self.by_hash.get(&hash_of(key)) {
            Some(&offset) if key_at(offset)? == key => Ok(Some(offset)),
            _ => Ok(None),
        }
    }

    fn insert(
        &mut self,
        key: &[u8],
        offset: u64,
        mut key_at: impl FnMut(u64) -> Result<Vec<u8>>,
    ) -> Result<()> {
        if let Some(slot) = self.clashes.get_mut(key) {
            *slot = offset;
            return Ok(());
        }
        match self.by_hash.entry(hash_of(key)) {
            Entry::Vacant(slot) => {
                slot.insert(offset);
            }
            Entry::Occupied(mut slot) => {
                if key_at(*slot.get())? == key {
                    slot.insert(offset);
                } else {
                    self.clashes.insert(key.to_vec(), offset);
                }
            }
        }
        Ok(())
    }
}

/// The events a bulk change wrote, by date sort key and natural hash
/// ([`keys::DatedHash`], as their timeline keys hold them): the offset in
/// the record file of an event version with them, so that a row without an
/// id finds an event an earlier row wrote. Two events whose natural keys
/// hash alike both stay findable; a lookup confirms each candidate against
/// its record.
#[derive(Default)]
struct NaturalIndex {
    latest: OffsetIndex,
    /// Events that a later one with the same date and hash but another
    /// natural key displaced from `latest`. Empty unless hashes clash.
    displaced: foldhash::HashMap<keys::DatedHash, Vec<u64>>,
}

impl NaturalIndex {
    /// Adds the event version at `offset`, whose natural key is `natural()`;
    /// `read` gives the dated hash and natural key of the version at an
    /// offset (called only when another version has the same dated hash).
    fn insert(
        &mut self,
        dated: &keys::DatedHash,
        offset: u64,
        natural: impl FnOnce() -> String,
        mut read: impl FnMut(u64) -> Result<(keys::DatedHash, String)>,
    ) -> Result<()> {
        if let Some(other) = self.latest.get(dated, |at| Ok(read(at)?.0.to_vec()))? {
            if read(other)?.1 != natural() {
                self.displaced.entry(*dated).or_default().push(other);
            }
        }
        self.latest
            .insert(dated, offset, |at| Ok(read(at)?.0.to_vec()))
    }

    /// The offsets of the event versions written with this dated hash.
    fn candidates(
        &self,
        dated: &keys::DatedHash,
        mut read: impl FnMut(u64) -> Result<(keys::DatedHash, String)>,
    ) -> Result<Vec<u64>> {
        let latest = self.latest.get(dated, |at| Ok(read(at)?.0.to_vec()))?;
        let displaced = self.displaced.get(dated).into_iter().flatten().copied();
        Ok(latest.into_iter().chain(displaced).collect())
    }
}

/// Every record version a bulk change wrote, appended: key length (u32 LE),
/// key, the line of the import row that wrote it (u64 LE, 0 for none),
/// value length, value. A row that matched a record and left it unchanged
/// is appended too, with an empty value (see [`Bulk::claim`]).
struct RecordFile {
    out: BufWriter<File>,
    len: u64,
    unflushed: bool,
}

impl RecordFile {
    fn new() -> Result<RecordFile> {
        let file = temp_file("a temporary file for the records an import writes")?;
        Ok(RecordFile {
            out: BufWriter::with_capacity(1 << 20, file),
            len: 0,
            unflushed: false,
        })
    }

    fn append(&mut self, key: &[u8], line: u64, value: &[u8]) -> Result<u64> {
        let offset = self.len;
        let write = |out: &mut BufWriter<File>| -> std::io::Result<()> {
            out.write_all(&(key.len() as u32).to_le_bytes())?;
            out.write_all(key)?;
            out.write_all(&line.to_le_bytes())?;
            out.write_all(&(value.len() as u32).to_le_bytes())?;
            out.write_all(value)
        };
        write(&mut self.out).map_err(|e| io_error("write the record file", e))?;
        self.len += 16 + key.len() as u64 + value.len() as u64;
        self.unflushed = true;
        Ok(offset)
    }

    /// The (key, value) written at `offset`.
    fn read(&mut self, offset: u64) -> Result<(Vec<u8>, Vec<u8>)> {
        self.read_with_line(offset)
            .map(|(key, _, value)| (key, value))
    }

    /// The (key, row line, value) written at `offset`.
    fn read_with_line(&mut self, offset: u64) -> Result<(Vec<u8>, u64, Vec<u8>)> {
        if self.unflushed {
            self.out
                .flush()
                .map_err(|e| io_error("write the record file", e))?;
            self.unflushed = false;
        }
        let file = self.out.get_ref();
        let read = |at: u64| -> std::io::Result<(Vec<u8>, u64)> {
            let mut len = [0u8; 4];
            file.read_exact_at(&mut len, at)?;
            let mut bytes = vec![0u8; u32::from_le_bytes(len) as usize];
            file.read_exact_at(&mut bytes, at + 4)?;
            let next = at + 4 + bytes.len() as u64;
            Ok((bytes, next))
        };
        let (key, at) = read(offset).map_err(|e| io_error("read the record file", e))?;
        let mut line = [0u8; 8];
        file.read_exact_at(&mut line, at)
            .map_err(|e| io_error("read the record file", e))?;
        let (value, _) = read(at + 8).map_err(|e| io_error("read the record file", e))?;
        Ok((key, u64::from_le_bytes(line), value))
    }
}

/// A large change (an import): see the module documentation.
pub struct Bulk<'s> {
    store: &'s Store,
    sorter: Sorter,
    records: RecordFile,
    /// Record key → offset of its latest version in `records`.
    latest: OffsetIndex,
    /// Record key → offset in `records` of the row that matched the stored
    /// record and left it unchanged (see [`Bulk::claim`]).
    claimed: OffsetIndex,
    /// The events written, by date sort key and natural hash.
    natural: NaturalIndex,
    max_span: Option<i32>,
    /// The time no new version may be recorded before (see
    /// [`Store::recorded_floor`]), read at the first [`Bulk::put`].
    floor: Option<Stamp>,
    /// The latest time a record written by this change was recorded.
    latest_recorded: Option<Stamp>,
    /// The store held nothing when this change began (a first import):
    /// every read falls through to it, so none is made.
    store_empty: bool,
    /// The store's retracted events, and the earlier versions of its live
    /// events, by date sort key, read when first asked for (see
    /// [`Bulk::retracted_events_dated`]).
    retracted: Option<EventHistory>,
    /// The marker a commit that has an undo log writes: empty for an
    /// import, [`UPGRADING`] for an upgrade, [`MERGING`] for a merge,
    /// [`REPAIRING`] for a repair.
    marker: &'static [u8],
}

/// What an import needs of the store's events with history (see
/// [`Bulk::event_history`]), by date sort key.
#[derive(Default)]
struct EventHistory {
    /// The retracted events.
    retracted: foldhash::HashMap<[u8; 9], Vec<String>>,
    /// Live events by the date of an earlier version whose natural key is
    /// not theirs now, with that version's number (the latest such version
    /// of each key).
    earlier: foldhash::HashMap<[u8; 9], Vec<(String, u32)>>,
}

impl Store {
    /// Starts a bulk change (see [`Bulk`]).
    pub fn bulk(&self) -> Result<Bulk<'_>> {
        Ok(Bulk {
            store: self,
            sorter: Sorter::new(size_from_env("FACTLINE_BULK_BUFFER_BYTES", BUFFER_BYTES)),
            records: RecordFile::new()?,
            latest: OffsetIndex::default(),
            claimed: OffsetIndex::default(),
            natural: NaturalIndex::default(),
            max_span: None,
            floor: None,
            latest_recorded: None,
            store_empty: self.data.is_empty(),
            retracted: None,
            marker: &[],
        })
    }

    /// A bulk change that upgrades the storage layout: an interrupted one
    /// is undone as an import is, and said to be the upgrade it was.
    pub(super) fn upgrade_bulk(&self) -> Result<Bulk<'_>> {
        self.bulk_marked(UPGRADING)
    }

    /// A bulk change that merges two actors: an interrupted one is undone
    /// as an import is, and said to be the merge it was.
    pub fn merge_bulk(&self) -> Result<Bulk<'_>> {
        self.bulk_marked(MERGING)
    }

    /// A bulk change that repairs index entries: an interrupted one is
    /// undone as an import is, and said to be the repair it was.
    pub(super) fn repair_bulk(&self) -> Result<Bulk<'_>> {
        self.bulk_marked(REPAIRING)
    }

    /// A bulk change whose commit writes `marker` (see [`undone_name`]).
    fn bulk_marked(&self, marker: &'static [u8]) -> Result<Bulk<'_>> {
        Ok(Bulk {
            marker,
            ..self.bulk()?
        })
    }

    /// Restores the pages of a bulk commit that was interrupted (the process
    /// was killed), so that it never happened; clears a finished one's undo log.
    pub(super) fn undo_interrupted_bulk(&self) -> Result<()> {
        let meta = self.tree("meta")?;
        let undo = self.tree(UNDO_TREE)?;
        let sled = |e| sled_error(&self.path, e);
        let marker = meta.get(BULK_MARKER).map_err(sled)?;
        // Both ways of undoing are idempotent: one that is itself
        // interrupted starts over at the next open.
        let undone = match marker.as_deref() {
            None => None,
            Some(INTO_EMPTY) => {
                let written = self.data.tree.len();
                self.data.tree.clear().map_err(sled)?;
                Some(("an import", format!("{written} pages removed")))
            }
            Some(REBUILDING) => {
                self.data.tree.clear().map_err(sled)?;
                let restored = self.restore_undo_log(&undo)?;
                Some(("a `check --repair`", format!("{restored} pages restored")))
            }
            Some(marker) => Some((
                undone_name(marker),
                format!("{} pages restored", self.restore_undo_log(&undo)?),
            )),
        };
        if let Some((what, undone)) = undone {
            self.flush()?;
            meta.remove(BULK_MARKER).map_err(sled)?;
            self.flush()?;
            self.data.clear_cache();
            let upgrade = marker.as_deref() == Some(UPGRADING);
            if self.reads_a_copy {
                // Undone in the temporary copy of a read-only database: the
                // database still holds it, and its reader cannot undo it.
                let next = if upgrade {
                    "; the copy is upgraded again"
                } else {
                    ""
                };
                crate::notice(format!(
                    "database {}: {what} was interrupted before it finished; this command reads the database as if it had been undone ({undone} in a temporary copy){next}; the database itself still holds it until someone who may write the database runs factline on it, which undoes it",
                    self.path.display()
                ));
            } else {
                // The open that undid an upgrade upgrades again by itself.
                let next = if upgrade {
                    "it starts again now"
                } else {
                    "run it again to complete it"
                };
                crate::notice(format!(
                    "{}: {what} was interrupted before it finished and has been undone ({undone}); {next}",
                    self.path.display()
                ));
            }
        }
        if !undo.is_empty() {
            undo.clear().map_err(sled)?;
            self.flush()?;
        }
        Ok(())
    }

    /// Replaces every page with pages built from `entries` (logical key,
    /// value, in key order), for `check --repair` of pages that cannot be
    /// trusted. Memory holds one batch of pages, not the database: a copy
    /// of every page goes to the undo log first (flushed, before the marker
    /// that makes it count), then the pages are cleared and rewritten in
    /// batches. Killed at any point, the next open puts the copy back.
    pub(super) fn rebuild_all_pages(
        &self,
        entries: impl Iterator<Item = Result<(Vec<u8>, Vec<u8>)>>,
    ) -> Result<()> {
        let sled = |e| sled_error(&self.path, e);
        let meta = self.tree("meta")?;
        let undo = self.tree(UNDO_TREE)?;
        let batch_bytes = size_from_env("FACTLINE_BULK_BATCH_BYTES", BATCH_BYTES);
        // Every open clears an undo log left without a marker: a copy that
        // is interrupted here is dropped, and the pages are as they were.
        let mut batch = sled::Batch::default();
        let mut bytes = 0usize;
        for item in self.data.tree.iter() {
            let (page, stored) = item.map_err(sled)?;
            bytes += stored.len();
            batch.insert(page, stored);
            if bytes >= batch_bytes {
                undo.apply_batch(std::mem::take(&mut batch)).map_err(sled)?;
                bytes = 0;
            }
        }
        undo.apply_batch(batch).map_err(sled)?;
        self.flush()?;
        meta.insert(BULK_MARKER, REBUILDING).map_err(sled)?;
        self.flush()?;
        self.data.tree.clear().map_err(sled)?;
        self.data
            .write_new_pages(entries, batch_bytes, &mut |batches| crash_point(batches))?;
        self.flush()?;
        meta.remove(BULK_MARKER).map_err(sled)?;
        self.flush()?;
        undo.clear().map_err(sled)?;
        self.flush()?;
        Ok(())
    }

    /// Puts back the pages the undo log saved and removes the ones it lists
    /// as created; returns how many pages that touched.
    fn restore_undo_log(&self, undo: &sled::Tree) -> Result<usize> {
        let sled = |e| sled_error(&self.path, e);
        let mut restored = 0usize;
        let mut batch = sled::Batch::default();
        let mut bytes = 0usize;
        for item in undo.iter() {
            let (page, old) = item.map_err(sled)?;
            bytes += old.len();
            if page.first() == Some(&0) {
                // A list of pages that did not exist: remove them.
                let absent = codec::decode_page(&old).map_err(|e| {
                    Error::database(format!(
                        "cannot undo an interrupted import in {}: damaged undo log ({e})",
                        self.path.display()
                    ))
                })?;
                for (page, _) in absent.entries() {
                    batch.remove(page);
                    restored += 1;
                }
            } else {
                batch.insert(page, old);
                restored += 1;
            }
            if bytes >= BATCH_BYTES {
                let full = std::mem::take(&mut batch);
                self.data.tree.apply_batch(full).map_err(sled)?;
                bytes = 0;
            }
        }
        self.data.tree.apply_batch(batch).map_err(sled)?;
        Ok(restored)
    }
}

impl Store {
    /// Every live event in timeline order (date, then id), streamed: the
    /// records are read in stored order, one page at a time, and sorted on
    /// disk as a bulk write's are, so memory stays bounded whatever the
    /// number of events (a CSV export of a million events).
    pub fn events_by_date(&self) -> Result<impl Iterator<Item = Result<Event>> + '_> {
        self.in_date_order(|push| {
            self.data
                .for_each(&[keys::EVENT], Some(&[keys::EVENT + 1]), push)
        })
    }

    /// The live events among `ids` (no id twice), in timeline order, sorted
    /// as [`Store::events_by_date`] sorts: memory holds the ids, not the
    /// events. An id without a record is an index naming a missing event.
    pub fn events_by_date_among(
        &self,
        mut ids: Vec<String>,
    ) -> Result<impl Iterator<Item = Result<Event>> + '_> {
        // Read in id order, the order records are stored in, so that
        // consecutive reads share pages.
        ids.sort_unstable();
        self.in_date_order(|push| {
            for id in ids {
                let key = keys::record(keys::EVENT, &id);
                let value = self.raw_get(&key)?.ok_or_else(|| {
                    Error::database(format!(
                        "an index names missing event {id}; run `factline check`"
                    ))
                })?;
                push(&key, &value)?;
            }
            Ok(())
        })
    }

    /// Sorts the event records `fill` pushes (key, value) by date, then id,
    /// and decodes them in that order, dropping retracted ones.
    fn in_date_order(
        &self,
        fill: impl FnOnce(&mut EntryVisitor) -> Result<()>,
    ) -> Result<impl Iterator<Item = Result<Event>> + '_> {
        let mut sorter = Sorter::new(size_from_env("FACTLINE_BULK_BUFFER_BYTES", BUFFER_BYTES));
        fill(&mut |key, value| {
            // Only the date is needed to sort: the rest of the record is
            // decoded once, in order (retracted events are dropped then).
            let event: EventHead = codec::decode_prefix(value).map_err(|e| {
                let id = String::from_utf8_lossy(&key[1..]);
                Error::database(format!(
                    "damaged record e/{id} in {}: {e}; run `factline check`",
                    self.path.display()
                ))
            })?;
            // The order of `Date`'s `Ord` (sort key, then text), then the id;
            // the text holds no NUL.
            let mut order = event.date.sort_key().to_vec();
            order.extend_from_slice(event.date.as_str().as_bytes());
            order.push(0);
            order.extend_from_slice(&key[1..]);
            sorter.push(&order, Some(value))
        })?;
        let merge = sorter.into_merge()?;
        Ok(EventsInOrder::start(merge, self.path.clone()))
    }
}

/// Events decoded from a merge of `(order, record)` entries, as
/// [`Store::in_date_order`] sorts them, retracted ones dropped. A thread of
/// their own reads the merge and decodes them, a chunk ahead of the caller,
/// which meanwhile writes the ones before (a million-event export spends a
/// quarter of its time reading runs and decoding records).
struct EventsInOrder {
    chunks: std::sync::mpsc::Receiver<Vec<Result<Event>>>,
    chunk: std::vec::IntoIter<Result<Event>>,
    decoder: Option<std::thread::JoinHandle<()>>,
}

/// Events sent to the caller at a time.
const DECODED_CHUNK: usize = 256;

impl EventsInOrder {
    fn start(merge: Merge, path: std::path::PathBuf) -> EventsInOrder {
        // Two chunks in flight: the caller never waits once the decoder is
        // ahead, and memory holds a few hundred events.
        let (sender, chunks) = std::sync::mpsc::sync_channel(2);
        let decoder = std::thread::spawn(move || {
            let mut chunk = Vec::with_capacity(DECODED_CHUNK);
            for item in merge {
                let event = item.and_then(|(order, value)| {
                    let id_at = order[9..]
                        .iter()
                        .position(|&b| b == 0)
                        .map_or(0, |i| 10 + i);
                    codec::decode::<Event>(&value.unwrap_or_default()).map_err(|e| {
                        Error::database(format!(
                            "damaged record e/{} in {}: {e}; run `factline check`",
                            String::from_utf8_lossy(&order[id_at..]),
                            path.display()
                        ))
                    })
                });
                let failed = event.is_err();
                if !event.as_ref().is_ok_and(|e| e.meta.retracted.is_some()) {
                    chunk.push(event);
                }
                if chunk.len() == DECODED_CHUNK || failed {
                    // A caller that stopped reading dropped the receiver.
                    if sender.send(std::mem::take(&mut chunk)).is_err() || failed {
                        return;
                    }
                    chunk.reserve(DECODED_CHUNK);
                }
            }
            let _ = sender.send(chunk);
        });
        EventsInOrder {
            chunks,
            chunk: Vec::new().into_iter(),
            decoder: Some(decoder),
        }
    }
}

impl Iterator for EventsInOrder {
    type Item = Result<Event>;

    fn next(&mut self) -> Option<Result<Event>> {
        loop {
            if let Some(event) = self.chunk.next() {
                return Some(event);
            }
            match self.chunks.recv() {
                Ok(chunk) => self.chunk = chunk.into_iter(),
                Err(_) => {
                    // The decoder is done; one that panicked is a bug,
                    // reported as an error rather than a short timeline.
                    let decoder = self.decoder.take()?;
                    return decoder.join().is_err().then(|| {
                        Err(Error::database(
                            "the thread reading events in date order failed",
                        ))
                    });
                }
            }
        }
    }
}

impl Bulk<'_> {
    pub fn is_empty(&self) -> bool {
        self.sorter.is_empty()
    }

    /// Whether the store held nothing when this change began (a first
    /// import): nothing stored can then be read, matched or doubled.
    pub fn into_empty_store(&self) -> bool {
        self.store_empty
    }

    fn key_at(records: &mut RecordFile, offset: u64) -> Result<Vec<u8>> {
        records.read(offset).map(|(key, _)| key)
    }

    /// The current version of a record, as this change would leave it.
    pub fn get<R: Record>(&mut self, id: &str) -> Result<Option<R>> {
        self.get_with_row(id).map(|(record, _)| record)
    }

    /// The current version of a record, as this change would leave it, and
    /// the line of the import row that wrote it in this change (see
    /// [`Bulk::put_from_row`]) or matched it unchanged (see [`Bulk::claim`]).
    pub fn get_with_row<R: Record>(&mut self, id: &str) -> Result<(Option<R>, Option<u64>)> {
        let key = keys::record(R::KIND, id);
        let records = &mut self.records;
        if let Some(offset) = self.latest.get(&key, |at| Self::key_at(records, at))? {
            let (_, line, bytes) = self.records.read_with_line(offset)?;
            let record = self.store.decode(&bytes, R::KIND, id)?;
            return Ok((Some(record), (line > 0).then_some(line)));
        }
        if self.store_empty {
            return Ok((None, None));
        }
        let row = match self.claimed.get(&key, |at| Self::key_at(records, at))? {
            Some(offset) => Some(self.records.read_with_line(offset)?.1),
            None => None,
        };
        Ok((self.store.get(id)?, row))
    }

    /// Notes that the import row at `line` matched the stored record `id`
    /// and left it as it is, so that [`Bulk::get_with_row`] names that row
    /// to a later one that means the same record.
    pub fn claim<R: Record>(&mut self, id: &str, line: u64) -> Result<()> {
        let key = keys::record(R::KIND, id);
        let offset = self.records.append(&key, line, &[])?;
        let records = &mut self.records;
        self.claimed
            .insert(&key, offset, |at| Self::key_at(records, at))
    }

    /// Writes `record` as the next version of its id, as
    /// [`Change::put`](super::Change::put) does.
    pub fn put<R: Record>(&mut self, record: &R) -> Result<()> {
        self.put_from_row(record, 0)
    }

    /// [`Bulk::put`], for the import row at `line` (0: none), which
    /// [`Bulk::get_with_row`] then names.
    ///
    /// A version stamped before the latest already recorded in the store
    /// (the clock went back) is recorded at that time instead, as
    /// [`Change::put`](super::Change::put) does.
    pub fn put_from_row<R: Record>(&mut self, record: &R, line: u64) -> Result<()> {
        let floor = match self.floor {
            Some(floor) => floor,
            None => *self.floor.insert(self.store.recorded_floor()?),
        };
        self.put_as_recorded(super::recorded_from(record, floor).as_ref(), line)
    }

    /// [`Bulk::put_from_row`], keeping the time `record` says it was
    /// recorded: for a dump's versions, which are history as it was recorded.
    pub(super) fn put_as_recorded<R: Record>(&mut self, record: &R, line: u64) -> Result<()> {
        self.latest_recorded = self.latest_recorded.max(Some(record.meta().recorded_at));
        let current = self.get::<R>(record.id())?;
        let mut writes = super::next_version_writes(current.as_ref(), record)?;
        // The last write is the record itself: kept to be read back.
        let (key, bytes) = match writes.pop() {
            Some((key, Some(bytes))) => (key, bytes),
            _ => return Err(Error::database("a record write without its record")),
        };
        // A live event's date sort key and natural hash, as its new timeline
        // entry holds them.
        let mut dated_hash = None;
        for (index_key, value) in &writes {
            self.sorter.push(index_key, value.as_deref())?;
            if value.is_some() && dated_hash.is_none() {
                dated_hash = keys::dated_hash_in(index_key);
            }
        }
        let offset = self.records.append(&key, line, &bytes)?;
        let records = &mut self.records;
        self.latest
            .insert(&key, offset, |at| Self::key_at(records, at))?;
        self.sorter.push(&key, Some(&bytes))?;
        if let Some(event) = record.as_event() {
            self.max_span = self.max_span.max(super::finite_span(event));
            if let Some(dated_hash) = dated_hash {
                let store = self.store;
                self.natural.insert(
                    &dated_hash,
                    offset,
                    || keys::natural_key(event),
                    |at| natural_at(store, records, at),
                )?;
            }
        }
        Ok(())
    }

    /// Writes a superseded version as it is, for a snapshot (`--as-of`,
    /// into an empty store): see [`super::Store::as_of`].
    pub(super) fn put_history_as_is<R: Record>(&mut self, record: &R) -> Result<()> {
        self.latest_recorded = self.latest_recorded.max(Some(record.meta().recorded_at));
        let key = keys::history(R::KIND, record.id(), record.meta().version);
        self.sorter.push(&key, Some(&codec::encode(record)))
    }

    /// Writes `record` as the current version, with its index entries,
    /// without checking that it follows a stored one: for a snapshot
    /// (`--as-of`, into an empty store), whose records are never read back
    /// while it is written.
    pub(super) fn put_current_as_is<R: Record>(&mut self, record: &R) -> Result<()> {
        self.latest_recorded = self.latest_recorded.max(Some(record.meta().recorded_at));
        for (key, value) in record.index_entries() {
            self.sorter.push(&key, Some(&value))?;
        }
        self.sorter.push(
            &keys::record(R::KIND, record.id()),
            Some(&codec::encode(record)),
        )?;
        if let Some(event) = record.as_event() {
            self.max_span = self.max_span.max(super::finite_span(event));
        }
        Ok(())
    }

    /// Writes one logical entry (`None` removes it) as it is: for `check
    /// --repair` and the layout upgrade, which write index entries the
    /// records imply.
    pub(super) fn write_entry(&mut self, key: &[u8], value: Option<&[u8]>) -> Result<()> {
        self.sorter.push(key, value)
    }

    /// The live events dated `date` whose natural key (see
    /// [`keys::natural_key`]) is `natural`, among this change's events and
    /// the store's, in id order: nearly always one or none (events that
    /// share a date, title and actors are told apart by the importer).
    pub fn events_with_natural_key(&mut self, date: &Date, natural: &str) -> Result<Vec<String>> {
        let store = self.store;
        let records = &mut self.records;
        let dated_hash = keys::dated_hash(&date.sort_key(), natural);
        let mut candidates = Vec::new();
        let written = self
            .natural
            .candidates(&dated_hash, |at| natural_at(store, records, at))?;
        for offset in written {
            let (key, _) = self.records.read(offset)?;
            candidates.push(String::from_utf8_lossy(&key[1..]).into_owned());
        }
        if !self.store_empty {
            for id in store.natural_candidates(&dated_hash) {
                candidates.push(id?);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        // The event may have changed since: its current version decides.
        let mut found = Vec::new();
        for id in candidates {
            if let Some(event) = self.get::<Event>(&id)? {
                if event.meta.retracted.is_none() && keys::natural_key(&event) == natural {
                    found.push(id);
                }
            }
        }
        Ok(found)
    }

    /// The ids of the store's live events with `date`'s sort key, as their
    /// timeline entries give them: to be confirmed against their current
    /// versions (see [`Bulk::get`]), which this change may have changed. None
    /// when the store held nothing.
    pub fn stored_events_dated(&self, date: &Date) -> Result<Vec<String>> {
        if self.store_empty {
            return Ok(Vec::new());
        }
        let store = self.store;
        store
            .scan(keys::timeline_dated_prefix(&date.sort_key()))
            .map(|item| {
                let (key, _) = item?;
                keys::timeline_parts(&key)
                    .map(|(_, id)| String::from_utf8_lossy(id).into_owned())
                    .ok_or_else(|| store.damaged_index("timeline"))
            })
            .collect()
    }

    /// The ids of the store's live events whose earliest day lies in
    /// `days` (days from the common era, `i32::MIN` for an open start), as
    /// their timeline entries give them: a range scan of `t` over those
    /// days' sort keys, to be confirmed as [`Bulk::stored_events_dated`]'s.
    pub fn stored_events_starting(&self, days: RangeInclusive<i32>) -> Result<Vec<String>> {
        if self.store_empty {
            return Ok(Vec::new());
        }
        self.store
            .timeline_ids(*days.start(), *days.end())
            .map(|item| item.map(|(_, _, id)| id))
            .collect()
    }

    /// The ids of the store's retracted events with `date`'s sort key, to
    /// be confirmed against their current versions. A retracted event owns
    /// no index entry; but a retraction is a later version, so a retracted
    /// event has history: the first call reads the events with history
    /// ([`Bulk::event_history`]), once. Its cost follows the history
    /// (nothing in a database no one has edited), not the events; and an
    /// import asks only for a row without an id that matches no live event,
    /// never in a store that held nothing.
    pub fn retracted_events_dated(&mut self, date: &Date) -> Result<Vec<String>> {
        Ok(self
            .event_history()?
            .and_then(|h| h.retracted.get(&date.sort_key()))
            .cloned()
            .unwrap_or_default())
    }

    /// The live events of the store one of whose earlier versions has
    /// `date`'s sort key and another natural key than the event has now
    /// (it was postponed, retitled, or its actors changed), with that
    /// version's number, to be confirmed against that version
    /// ([`Store::versions`]): a row that gives an event as it was means
    /// that event. Read in the same pass as
    /// [`Bulk::retracted_events_dated`].
    pub fn earlier_events_dated(&mut self, date: &Date) -> Result<Vec<(String, u32)>> {
        Ok(self
            .event_history()?
            .and_then(|h| h.earlier.get(&date.sort_key()))
            .cloned()
            .unwrap_or_default())
    }

    /// The store's events with history, read once: the ids in the events'
    /// history, and every version of each; the retracted ones' ids, and the
    /// earlier versions of live ones whose natural key is not the current
    /// one's, are kept (they are few). `None` when the store held nothing.
    fn event_history(&mut self) -> Result<Option<&EventHistory>> {
        if self.store_empty {
            return Ok(None);
        }
        if self.retracted.is_none() {
            let started = std::time::Instant::now();
            let mut history = EventHistory::default();
            let mut read = 0usize;
            for versions in self.store.versions_of_edited::<Event>() {
                let (earlier, current) = versions?;
                read += 1;
                let Some(current) = current else {
                    continue;
                };
                let id = current.id.clone();
                if current.meta.retracted.is_some() {
                    history
                        .retracted
                        .entry(current.date.sort_key())
                        .or_default()
                        .push(id);
                    continue;
                }
                let now = keys::natural_key(&current);
                let mut seen: Vec<String> = Vec::new();
                for version in earlier.iter().rev() {
                    let key = keys::natural_key(version);
                    if key != now && !seen.contains(&key) {
                        history
                            .earlier
                            .entry(version.date.sort_key())
                            .or_default()
                            .push((id.clone(), version.meta.version));
                        seen.push(key);
                    }
                }
            }
            crate::detail(format!(
                "found {} retracted events and {} earlier keys of live ones among {read} with history in {:.2} s",
                history.retracted.values().map(Vec::len).sum::<usize>(),
                history.earlier.values().map(Vec::len).sum::<usize>(),
                started.elapsed().as_secs_f64()
            ));
            self.retracted = Some(history);
        }
        Ok(self.retracted.as_ref())
    }

    /// Writes every page the change touches, once each, all or nothing
    /// (see the module documentation), and flushes.
    pub fn commit(self) -> Result<()> {
        let Bulk {
            store,
            sorter,
            records,
            latest,
            claimed,
            natural,
            max_span,
            floor: _,
            latest_recorded,
            store_empty: _,
            retracted: _,
            marker,
        } = self;
        // What the rows needed to read back is not needed to write pages.
        drop((records, latest, claimed, natural));
        if sorter.is_empty() {
            return Ok(());
        }
        // The sort's last run is written (to TMPDIR, which may be full)
        // before the database is touched: after this, the temporary files
        // are only read.
        let merge = sorter.into_merge()?;
        let sled = |e| sled_error(&store.path, e);
        if let Some(span) = max_span {
            store.raise_max_span(span)?;
        }
        if let Some(at) = latest_recorded {
            store.raise_recorded_until(at)?;
        }
        let meta = store.tree("meta")?;
        // Empty: every open clears a finished commit's undo log.
        let undo = store.tree(UNDO_TREE)?;
        // Into an empty store, undoing is removing every page: no undo log,
        // and so no flush between batches (88 of them at a million events).
        // The marker is flushed before any page is written: alone, or with
        // the first batch's undo entries.
        let into_empty = store.data.is_empty();
        if into_empty {
            meta.insert(BULK_MARKER, INTO_EMPTY).map_err(sled)?;
            store.flush()?;
        } else {
            meta.insert(BULK_MARKER, marker).map_err(sled)?;
        }
        let undo_log = (!into_empty).then_some(&undo);
        let batch_bytes = size_from_env("FACTLINE_BULK_BATCH_BYTES", BATCH_BYTES);
        // Two stages on two cores: this thread merges the writes into pages
        // while a writer writes the batch before (one batch in flight, so
        // memory holds two at most); the two share the compression (see
        // `PageBatch::add`). The writer writes behind the merge, which
        // `Pages::rewrite` allows.
        let (to_writer, batches) = std::sync::mpsc::sync_channel::<PageBatch>(1);
        let mut share = CompressionShare::new();
        // Set by the writer while it waits for a batch (see `CompressionShare`).
        let writer_waiting = AtomicBool::new(false);
        let (merged, written) = std::thread::scope(|scope| {
            // What the writer touches is shareable: sled trees and the flush.
            let (durability, pages) = (&store.durability, &store.data.tree);
            let waiting = &writer_waiting;
            let writer = scope.spawn(move || {
                let mut totals = Written::default();
                loop {
                    waiting.store(true, Relaxed);
                    let Ok(mut batch) = batches.recv() else { break };
                    waiting.store(false, Relaxed);
                    batch.write(durability, pages, undo_log, &mut totals)?;
                }
                Ok::<_, Error>(totals)
            });
            let mut batch = PageBatch {
                compress_share: share.merge,
                ..PageBatch::default()
            };
            // A failed send means the writer stopped: its error is reported.
            let stopped = || Error::database("the page writer of a bulk import stopped");
            let merged = store
                .data
                .rewrite(merge, &mut |edit| {
                    batch.add(edit);
                    if batch.bytes >= batch_bytes {
                        let full = std::mem::take(&mut batch);
                        let behind = match to_writer.try_send(full) {
                            Ok(()) => false,
                            Err(std::sync::mpsc::TrySendError::Full(full)) => {
                                to_writer.send(full).map_err(|_| stopped())?;
                                true
                            }
                            Err(std::sync::mpsc::TrySendError::Disconnected(_)) => {
                                return Err(stopped())
                            }
                        };
                        batch.compress_share = share.adjust(behind, writer_waiting.load(Relaxed));
                    }
                    Ok(())
                })
                .and_then(|()| to_writer.send(batch).map_err(|_| stopped()));
            drop(to_writer);
            let written = writer.join().unwrap_or_else(|_| {
                Err(Error::database("the page writer of a bulk import failed"))
            });
            (merged, written)
        });
        let totals = match (merged, written) {
            (_, Err(e)) | (Err(e), Ok(_)) => return Err(e),
            (Ok(()), Ok(totals)) => totals,
        };
        store.flush()?;
        meta.remove(BULK_MARKER).map_err(sled)?;
        store.flush()?;
        if !into_empty {
            undo.clear().map_err(sled)?;
            store.flush()?;
        }
        store.data.clear_cache();
        crate::detail(format!(
            "bulk write: {} pages ({} bytes) in {} batches",
            totals.pages, totals.bytes, totals.batches
        ));
        Ok(())
    }
}

/// The date sort key and natural hash, and the natural key, of the event
/// version at `offset` in the record file (see [`NaturalIndex`]).
fn natural_at(
    store: &Store,
    records: &mut RecordFile,
    offset: u64,
) -> Result<(keys::DatedHash, String)> {
    let (key, bytes) = records.read(offset)?;
    let id = String::from_utf8_lossy(&key[1..]).into_owned();
    let event: Event = store.decode(&bytes, keys::EVENT, &id)?;
    let natural = keys::natural_key(&event);
    Ok((keys::dated_hash(&event.date.sort_key(), &natural), natural))
}

/// What a bulk commit has written so far.
#[derive(Default)]
struct Written {
    /// Pages written or removed.
    pages: usize,
    /// Bytes of the pages as stored (compressed).
    bytes: usize,
    batches: usize,
}

/// What a batch does to one page.
enum PageWrite {
    /// Store this plain page, compressed by the writer.
    Plain(Vec<u8>),
    /// Store these bytes as they are (compressed already).
    Stored(Vec<u8>),
    Remove,
}

/// The share of the compression a bulk commit's merge takes on, in steps of
/// one page in [`SHARE_STEPS`]; the page writer compresses the rest.
const SHARE_STEPS: usize = 8;

/// Balances the compression between the merge and the page writer, batch by
/// batch, so that neither waits for the other: how fast each side goes
/// depends on the data (a fresh import merges and writes new pages; an
/// update reads, merges and saves stored ones) and on the machine. Which side
/// compresses a page does not change its bytes.
struct CompressionShare {
    /// Pages in every `SHARE_STEPS` that the merge compresses.
    merge: usize,
}

impl CompressionShare {
    fn new() -> CompressionShare {
        CompressionShare {
            merge: SHARE_STEPS / 2,
        }
    }

    /// A batch is ready. `writer_behind`: the batch before still waits for
    /// the writer; `writer_waiting`: the writer waits for this one. The
    /// merge takes one more page in `SHARE_STEPS` if the writer is behind,
    /// one fewer if it is waiting.
    fn adjust(&mut self, writer_behind: bool, writer_waiting: bool) -> usize {
        if writer_behind {
            self.merge = (self.merge + 1).min(SHARE_STEPS);
        } else if writer_waiting {
            self.merge = self.merge.saturating_sub(1);
        }
        self.merge
    }
}

/// Pages to write in one sled batch, and what they replace: the previous
/// bytes of pages that existed, and a list of those that did not.
#[derive(Default)]
struct PageBatch {
    pages: BTreeMap<Vec<u8>, PageWrite>,
    /// How many of every [`SHARE_STEPS`] pages put are compressed as they
    /// are added (see `add` and [`CompressionShare`]).
    compress_share: usize,
    /// Pages put so far.
    put: usize,
    undo: BTreeMap<Vec<u8>, Vec<u8>>,
    /// Page keys (with empty values) in page order, as a page's entries.
    absent: codec::PageWriter,
    bytes: usize,
}

impl PageBatch {
    /// Takes one edit of `Pages::rewrite`: a page to write, or to remove,
    /// or the previous bytes of one it replaces.
    fn add(&mut self, edit: PageEdit) {
        match edit {
            PageEdit::Replaced { key, old } => {
                self.bytes += old.len();
                self.undo.insert(key, old);
            }
            PageEdit::Put {
                key,
                bytes,
                existed,
            } => {
                if !existed {
                    // An empty key list entry: the page did not exist.
                    self.absent.push(&key, &[]);
                }
                self.bytes += bytes.len() + key.len();
                // Compressing is the writer's largest cost: the merge
                // compresses its share of the pages itself, so that both
                // cores share it.
                let write = if self.put % SHARE_STEPS < self.compress_share {
                    PageWrite::Stored(codec::compress_page(bytes))
                } else {
                    PageWrite::Plain(bytes)
                };
                self.put += 1;
                self.pages.insert(key, write);
            }
            PageEdit::Remove { key } => {
                self.pages.insert(key, PageWrite::Remove);
            }
        }
    }

    /// The undo entries first, flushed (without an undo log, a commit into
    /// an empty store, none); then the pages.
    fn write(
        &mut self,
        durability: &super::Durability,
        stored: &sled::Tree,
        undo: Option<&sled::Tree>,
        totals: &mut Written,
    ) -> Result<()> {
        if self.pages.is_empty() {
            return Ok(());
        }
        let sled = |e| sled_error(&durability.path, e);
        if let Some(undo) = undo {
            let mut undo_batch = sled::Batch::default();
            for (page, old) in std::mem::take(&mut self.undo) {
                undo_batch.insert(page, old);
            }
            let absent = std::mem::take(&mut self.absent);
            if !absent.is_empty() {
                // Under a key no page has (page keys never start with NUL).
                let mut key = vec![0u8];
                key.extend_from_slice(&(totals.batches as u64).to_be_bytes());
                undo_batch.insert(key, absent.finish());
            }
            undo.apply_batch(undo_batch).map_err(sled)?;
            durability.flush()?;
        }
        let mut batch = sled::Batch::default();
        for (page, write) in std::mem::take(&mut self.pages) {
            totals.pages += 1;
            let bytes = match write {
                PageWrite::Plain(plain) => codec::compress_page(plain),
                PageWrite::Stored(bytes) => bytes,
                PageWrite::Remove => {
                    batch.remove(page);
                    continue;
                }
            };
            totals.bytes += bytes.len();
            batch.insert(page, bytes);
        }
        stored.apply_batch(batch).map_err(sled)?;
        totals.batches += 1;
        self.bytes = 0;
        crash_point(totals.batches);
        Ok(())
    }
}

/// For tests of interrupted imports (debug builds only):
/// `FACTLINE_CRASH_AFTER_BATCHES=N` aborts the process, as a kill would,
/// right after the Nth page batch of a bulk commit.
fn crash_point(batches: usize) {
    #[cfg(debug_assertions)]
    if std::env::var("FACTLINE_CRASH_AFTER_BATCHES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        == Some(batches)
    {
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = batches;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The writes that merges before the last one read and write again,
    /// for a sort that spills `spills` runs of one write each, with the
    /// merges [`Sorter::finish_spill`] makes; and the most runs open.
    fn remerged_by_spilling(spills: u64) -> (u64, usize) {
        let mut runs: Vec<(u64, u32)> = Vec::new(); // (writes, level)
        let (mut remerged, mut most_open) = (0, 0);
        for _ in 0..spills {
            runs.push((1, 0));
            most_open = most_open.max(runs.len());
            if runs.len() >= MAX_OPEN_RUNS {
                let level = level_to_merge(runs.iter().map(|run| run.1));
                let writes = runs.iter().filter(|run| run.1 == level).map(|r| r.0).sum();
                runs.retain(|run| run.1 != level);
                runs.push((writes, level + 1));
                remerged += writes;
            }
        }
        (remerged, most_open)
    }

    #[test]
    fn a_huge_sort_merges_each_write_a_few_times_with_few_files_open() {
        // 100,000 runs: about 2.5 billion writes at the default buffer.
        let spills = 100_000;
        let (remerged, most_open) = remerged_by_spilling(spills);
        assert!(most_open <= MAX_OPEN_RUNS, "{most_open} runs open");
        // Merging every open run each time would merge each write again
        // about spills / 126 times: 793 here.
        assert!(
            remerged <= 5 * spills,
            "{remerged} writes merged again for {spills} spilled"
        );
        // A sort that never fills the open runs merges nothing early.
        assert_eq!(remerged_by_spilling(MAX_OPEN_RUNS as u64 - 1).0, 0);
    }

    #[test]
    fn the_merge_takes_more_compression_when_the_writer_lags_and_less_when_it_waits() {
        let mut share = CompressionShare::new();
        let start = share.merge;
        assert_eq!(share.adjust(false, false), start, "both busy: no change");
        assert_eq!(share.adjust(true, false), start + 1);
        for _ in 0..2 * SHARE_STEPS {
            share.adjust(true, false);
        }
        assert_eq!(share.merge, SHARE_STEPS, "at most every page");
        assert_eq!(share.adjust(false, true), SHARE_STEPS - 1);
        for _ in 0..2 * SHARE_STEPS {
            share.adjust(false, true);
        }
        assert_eq!(share.merge, 0, "at least none");
        // Lagging wins over waiting: the batch before was not even taken.
        assert_eq!(share.adjust(true, true), 1);
    }

    #[test]
    fn a_run_entry_split_across_reads_is_read_whole() {
        let mut run = Vec::new();
        write_sorted(&mut run, b"key", 7, Some(&[5u8; 300])).unwrap();
        write_sorted(&mut run, b"gone", 8, None).unwrap();
        // A buffer smaller than the value: it is read in several pieces.
        let mut input = BufReader::with_capacity(16, run.as_slice());
        let first = SortedWrite::read_from(&mut input).unwrap().unwrap();
        assert_eq!((first.key.as_slice(), first.seq), (&b"key"[..], 7));
        assert_eq!(first.value, Some(vec![5u8; 300]));
        let second = SortedWrite::read_from(&mut input).unwrap().unwrap();
        assert_eq!(
            (second.key.as_slice(), second.seq, second.value),
            (&b"gone"[..], 8, None)
        );
        assert!(SortedWrite::read_from(&mut input).unwrap().is_none());
        // A run cut short is an error, not a shorter value.
        let mut cut = BufReader::new(&run[..run.len() / 2]);
        assert!(SortedWrite::read_from(&mut cut).is_err());
    }

    /// The sorter against a BTreeMap model: whatever the budget (how many
    /// runs are spilled), the merge yields each key once, with its last
    /// write, in key order.
    #[test]
    fn merged_runs_equal_a_last_write_wins_model() {
        let mut state = 7u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            state >> 33
        };
        let mut writes = Vec::new();
        for _ in 0..3000 {
            let space = [b'e', b't', b'x', b'n'][(next() % 4) as usize];
            let mut key = vec![space];
            key.extend_from_slice(format!("k{}", next() % 500).as_bytes());
            let value = (next() % 4 != 0).then(|| format!("v{}", next()).into_bytes());
            writes.push((key, value));
        }
        let model: BTreeMap<Vec<u8>, Option<Vec<u8>>> = writes.iter().cloned().collect();
        let expected: Vec<LogicalWrite> = model.into_iter().collect();
        for budget in [1, 2_000, 50_000, usize::MAX] {
            let mut sorter = Sorter::new(budget);
            for (key, value) in &writes {
                sorter.push(key, value.as_deref()).unwrap();
            }
            let spilled = sorter.runs.len();
            let merged: Vec<LogicalWrite> =
                sorter.into_merge().unwrap().collect::<Result<_>>().unwrap();
            assert_eq!(merged, expected, "budget {budget} ({spilled} runs)");
        }
    }

    #[test]
    fn an_event_head_is_the_leading_fields_of_a_stored_event() {
        use crate::model::{EventKind, Meta, Stamp, Status};
        let event = Event {
            id: "talks-in-miami".into(),
            title: "Talks in Miami, \"quoted\"".into(),
            date: "2025-11-30/2025-12-02".parse().unwrap(),
            kind: EventKind::Talks,
            status: Status::Postponed,
            place: Some("Miami".into()),
            actors: vec!["rustem-umerov".into()],
            sources: vec![],
            tags: vec!["peace".into()],
            description: "note".into(),
            meta: Meta::first(Stamp(7)),
        };
        let bytes = codec::encode(&event);
        let head: EventHead = codec::decode_prefix(&bytes).unwrap();
        assert_eq!(
            (head.id, head.title, &head.date),
            (event.id.as_str(), event.title.as_str(), &event.date)
        );
    }

    #[test]
    fn offset_index_keeps_keys_whose_hashes_clash_apart() {
        let stored: Vec<&[u8]> = vec![b"alpha", b"beta", b"alpha"];
        let key_at = |at: u64| Ok(stored[at as usize].to_vec());
        let mut index = OffsetIndex::default();
        index.insert(b"alpha", 0, key_at).unwrap();
        // Force a clash: "beta" under alpha's hash.
        index.by_hash.insert(hash_of(b"beta"), 0);
        index.insert(b"beta", 1, key_at).unwrap();
        assert_eq!(index.get(b"beta", key_at).unwrap(), Some(1));
        assert_eq!(index.get(b"alpha", key_at).unwrap(), Some(0));
        assert_eq!(index.get(b"gamma", key_at).unwrap(), None);
    }

    /// Events whose natural keys hash alike (here: given the same dated
    /// hash) all stay findable; a later version of the same natural key
    /// takes its place.
    #[test]
    fn natural_index_keeps_events_whose_natural_hashes_clash() {
        let (d, e) = ([7u8; 17], [8u8; 17]);
        // offset → (dated hash, natural key) of the event version there.
        let stored = [(d, "talks"), (d, "summit"), (d, "talks"), (e, "talks")];
        let read = |at: u64| {
            let (dated, natural) = stored[at as usize];
            Ok((dated, natural.to_string()))
        };
        let mut index = NaturalIndex::default();
        let insert = |index: &mut NaturalIndex, at: u64| {
            let (dated, natural) = stored[at as usize];
            index
                .insert(&dated, at, || natural.to_string(), read)
                .unwrap();
        };
        let sorted = |mut v: Vec<u64>| {
            v.sort_unstable();
            v
        };
        insert(&mut index, 0);
        assert_eq!(index.candidates(&d, read).unwrap(), vec![0]);
        insert(&mut index, 1);
        assert_eq!(sorted(index.candidates(&d, read).unwrap()), vec![0, 1]);
        insert(&mut index, 2);
        assert_eq!(sorted(index.candidates(&d, read).unwrap()), vec![0, 1, 2]);
        insert(&mut index, 3);
        assert_eq!(index.candidates(&e, read).unwrap(), vec![3]);
        assert!(index.candidates(&[9; 17], read).unwrap().is_empty());
        // The same natural key again displaces nothing.
        let before = index.displaced.values().map(Vec::len).sum::<usize>();
        insert(&mut index, 2);
        assert_eq!(
            index.displaced.values().map(Vec::len).sum::<usize>(),
            before
        );
    }
}
