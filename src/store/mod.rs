//! The store: factline's only user of sled.
//!
//! A database is a directory holding a sled database and `factline.lock`.
//! Records live in the `data` tree under one-byte keyspaces (see `keys`);
//! the `meta` tree holds the schema version. Every change goes through a
//! [`Change`], committed as one sled batch (atomic) and flushed before the
//! command reports success.

pub mod bulk;
mod copy;
pub mod keys;
pub mod pages;
mod scratch;

pub use copy::Copied;
pub use scratch::{copy_database_files, remove_copy, Sync as CopySync};

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::codec;
use crate::error::{Error, Result};
use crate::model::{Actor, Event, Meta, Stamp};

use pages::Pages;

/// Logical entries (key, value) from a scan, in key order.
type Entries<'s> = Box<dyn Iterator<Item = Result<(Vec<u8>, Vec<u8>)>> + 's>;

pub use keys::{Indexed, Participation};

/// The layout version this build reads and writes. A database with a higher
/// number was written by a newer factline and is refused, not misread; one
/// from [`UPGRADES_FROM`] on is upgraded when it is opened; an older one is
/// refused with the way out.
pub const SCHEMA_VERSION: u32 = 5;

/// The oldest layout this build upgrades in place: it and every layout
/// after it, up to [`SCHEMA_VERSION`], are upgraded in one step (see
/// `Store::upgrade`).
pub const UPGRADES_FROM: u32 = 3;

const SCHEMA_KEY: &[u8] = b"schema_version";
const LOCK_FILE: &str = "factline.lock";

/// Whether a command may create the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reading: the database must exist.
    Read,
    /// Writing: an absent database is created.
    Write,
}

/// A record kind the store can keep: encodable and indexed.
pub trait Record: Indexed + Serialize + DeserializeOwned + Clone + PartialEq {
    fn meta(&self) -> &Meta;
    fn meta_mut(&mut self) -> &mut Meta;
    /// The record as a dump line (for checking what it refers to).
    fn as_line(&self) -> crate::dump::Line;
    /// The record as an event, for the bookkeeping only events need.
    fn as_event(&self) -> Option<&Event> {
        None
    }
}

impl Record for Actor {
    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }

    fn as_line(&self) -> crate::dump::Line {
        crate::dump::Line::Actor(self.clone())
    }
}

impl Record for crate::model::Source {
    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }

    fn as_line(&self) -> crate::dump::Line {
        crate::dump::Line::Source(self.clone())
    }
}

impl Record for crate::model::Claim {
    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }

    fn as_line(&self) -> crate::dump::Line {
        crate::dump::Line::Claim(self.clone())
    }
}

impl Record for Event {
    fn meta(&self) -> &Meta {
        &self.meta
    }

    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }

    fn as_line(&self) -> crate::dump::Line {
        crate::dump::Line::Event(self.clone())
    }

    fn as_event(&self) -> Option<&Event> {
        Some(self)
    }
}

pub struct Store {
    path: PathBuf,
    db: sled::Db,
    data: Pages,
    durability: Durability,
    /// Dropping the store leaves the database open until the process ends
    /// (see [`Store::close_at_exit`]).
    close_at_exit: bool,
    /// The temporary copy this store reads, of a database that is read-only
    /// here (see `scratch.rs`); removed after sled has closed it.
    scratch: Option<scratch::ScratchCopy>,
    /// Whether this store reads a temporary copy of a read-only database
    /// (named after the database in messages): what its open undoes or
    /// upgrades happens in the copy only.
    reads_a_copy: bool,
    /// Whether the database held no schema version when it was opened,
    /// although its files were there: no whole factline database (one
    /// always has its version, written when it is created), but a creation
    /// that was interrupted or a copy cut short (sled reads a `db` file cut
    /// short as an empty database).
    unversioned: bool,
    /// The latest time any record was recorded in this database (see
    /// [`Store::recorded_floor`]), once read.
    recorded_floor: std::sync::Mutex<Option<Stamp>>,
    /// For an `--as-of` snapshot, the database it was built from and the
    /// time it shows: to tell a record that was not recorded yet at that
    /// time from an id that names none ([`Store::first_recorded_after_as_of`]).
    as_of_origin: Option<Box<(Store, Stamp)>>,
}

impl Drop for Store {
    fn drop(&mut self) {
        if self.close_at_exit {
            // One handle that is never dropped keeps sled from closing; the
            // OS closes its files and releases both locks when the process
            // ends.
            std::mem::forget(self.db.clone());
            std::mem::forget(self.durability.lock.take());
        }
    }
}

/// What a flush needs, apart from the rest of the store so that it can be
/// shared with another thread (the page writer of a bulk import).
struct Durability {
    path: PathBuf,
    db: sled::Db,
    // Held for the store's lifetime: the OS releases it when the process ends,
    // even on a crash, so a stale lock can never block a user. None for an
    // in-memory snapshot.
    lock: Option<File>,
    /// Blob files modified since this time are synced by the next flush
    /// (the open, then each flush's start, less the file times' coarseness).
    synced_until: std::sync::Mutex<std::time::SystemTime>,
    /// Whether this open created the database (its directory entries need syncing).
    created: bool,
}

impl Store {
    /// Opens the database at `path`, taking the one-process lock first.
    pub fn open(path: &Path, access: Access) -> Result<Store> {
        Store::open_waiting(path, access, std::time::Duration::ZERO)
    }

    /// Opens the database, waiting up to `wait` for another process to
    /// release it.
    pub fn open_waiting(path: &Path, access: Access, wait: std::time::Duration) -> Result<Store> {
        Store::open_as(path, None, access, wait)
    }

    /// Opens the database at `path` as [`Store::open_waiting`] does; with
    /// `copy_of`, `path` is a temporary copy of that read-only database,
    /// and messages name the database.
    fn open_as(
        path: &Path,
        copy_of: Option<&Path>,
        access: Access,
        wait: std::time::Duration,
    ) -> Result<Store> {
        let started = std::time::Instant::now();
        let exists = exists(path);
        if !exists {
            if access == Access::Read {
                return Err(not_a_database(path));
            }
            // A database inside another's directory, a file, a database
            // that lost its `conf`: no new database is created there.
            let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
            if let Some(outer) = enclosing_database(&absolute) {
                return Err(Error::bad_input(format!(
                    "no database at {}: it is inside the database {}; none can be created there; pass --db a path outside it",
                    path.display(),
                    outer.display()
                )));
            }
            if path.exists() && !path.is_dir() || lost_conf(path) {
                return Err(not_a_database(path));
            }
            refuse_foreign(path)?;
            // A restore puts its copy at PATH.restoring before moving it to
            // PATH: a database there means one is under way, or was cut
            // short between its renames. A new, empty database at PATH
            // would stand in its way.
            let restoring = beside(path, RESTORING);
            if self::exists(&restoring) {
                return Err(Error::database(format!(
                    "no database at {}, but {} holds one: a `factline restore` into {} is under way or was interrupted; run it again, or move {} away",
                    path.display(),
                    restoring.display(),
                    path.display(),
                    restoring.display()
                )));
            }
            std::fs::create_dir_all(path).map_err(|e| {
                Error::database(format!("cannot create database {}: {e}", path.display()))
            })?;
        }
        let lock = match lock(path, wait) {
            Ok(lock) => lock,
            // A database the user may read but not write (a read-only mount,
            // a shared or archived copy): a reading command reads a copy.
            Err(e) => return Store::open_read_only(path, access, wait, e),
        };
        // Decided under the lock: another process may have created the
        // database meanwhile (then it is ours to use).
        let exists = self::exists(path);
        if !exists {
            refuse_foreign(path)?;
        }
        // Coarse file times: a blob written in the same tick as the open still counts.
        let opened_at = std::time::SystemTime::now() - std::time::Duration::from_secs(2);
        if copy_of.is_none() {
            finish_interrupted_swap(path, access)?;
        }
        remove_unfinished_snapshots(path)?;
        // Under factline's lock, sled's own can only be held by a handle
        // that is closing (a process exiting, a swap by `compact`).
        let db = match open_sled_waiting(path, access, std::time::Duration::from_secs(2)) {
            Ok(db) => db,
            // The lock file may be writable while sled's files are not.
            Err(e) => {
                drop(lock);
                return Store::open_read_only(path, access, wait, e);
            }
        };
        let mut store = Store {
            path: path.to_path_buf(),
            data: Pages::new(
                db.open_tree("pages").map_err(|e| sled_error(path, e))?,
                path,
            ),
            durability: Durability {
                path: path.to_path_buf(),
                db: db.clone(),
                lock: Some(lock),
                synced_until: std::sync::Mutex::new(opened_at),
                created: !exists,
            },
            db,
            close_at_exit: false,
            scratch: None,
            reads_a_copy: false,
            unversioned: false,
            recorded_floor: std::sync::Mutex::new(None),
            as_of_origin: None,
        };
        if let Some(database) = copy_of {
            store.shown_as(database);
            store.reads_a_copy = true;
        }
        let upgrade = store.check_schema(exists)?;
        // An import killed under the old layout is undone in that layout.
        store.undo_interrupted_bulk()?;
        if let Some(from) = upgrade {
            store.upgrade(from)?;
        }
        crate::detail(format!(
            "opened {} in {} ms",
            path.display(),
            started.elapsed().as_millis()
        ));
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the database held no schema version when it was opened (see
    /// the field): a copy cut short or a creation that was interrupted,
    /// not a whole database.
    pub fn was_unversioned(&self) -> bool {
        self.unversioned
    }

    /// For the store of a command that only reads, dropped as the command
    /// ends: the database stays open until the process exits instead of
    /// being closed. Closing costs an fsync of sled's log even when nothing
    /// was written (sled 0.34 syncs it unconditionally), and an fsync waits
    /// for whatever else the disk has queued. Nothing is lost: every write
    /// (here, only the undo of an interrupted import at open) is flushed
    /// when it is made. Not for a store that is reopened in the same process
    /// (sled's lock on its log would still be held).
    pub fn close_at_exit(mut self) -> Store {
        // A scratch copy is closed and removed instead: it is not the
        // user's database, and would stay behind in the temporary directory.
        self.close_at_exit = self.scratch.is_none();
        self
    }

    /// Names the database `path` in this store's messages: a scratch copy
    /// is named after the database it copies.
    fn shown_as(&mut self, path: &Path) {
        self.path = path.to_path_buf();
        self.data.shown_as(path);
    }

    /// An empty store in sled's temporary mode (files in sled's default
    /// temporary place, `/dev/shm` on Linux, removed when it closes),
    /// named after `path` in messages: for a dry run into a path that holds
    /// no database, which writes nothing into it.
    pub fn temporary(path: &Path) -> Result<Store> {
        let db = sled::Config::new()
            .temporary(true)
            .open()
            .map_err(|e| sled_error(path, e))?;
        Store::of_temporary_sled(db, path)
    }

    /// A store on `db`, a sled opened in temporary mode (nothing to sync,
    /// no lock), named after `path` in messages.
    fn of_temporary_sled(db: sled::Db, path: &Path) -> Result<Store> {
        Ok(Store {
            path: path.to_path_buf(),
            data: Pages::new(
                db.open_tree("pages").map_err(|e| sled_error(path, e))?,
                path,
            ),
            durability: Durability {
                path: path.to_path_buf(),
                db: db.clone(),
                lock: None,
                synced_until: std::sync::Mutex::new(std::time::SystemTime::now()),
                created: false,
            },
            db,
            close_at_exit: false,
            scratch: None,
            reads_a_copy: false,
            unversioned: false,
            recorded_floor: std::sync::Mutex::new(None),
            as_of_origin: None,
        })
    }

    /// The database as it was recorded at `at`: for every record, the last
    /// version recorded at or before `at` (with its history), in a temporary
    /// store in TMPDIR (see [`Store::snapshot_of`]) that every read command
    /// can query unchanged. Costs a pass over the whole store: `--as-of`
    /// answers are built, not indexed.
    pub fn as_of(self, at: Stamp) -> Result<Store> {
        let mut snapshot = Store::snapshot_of(&self.path)?;
        // A bulk change, as an import is: sorted on disk in bounded memory,
        // each page written once (a million events' entries held in one
        // `Change` took gigabytes and minutes).
        let build = || -> Result<()> {
            let mut bulk = snapshot.bulk()?;
            self.copy_as_of::<Actor>(&mut bulk, at)?;
            self.copy_as_of::<crate::model::Source>(&mut bulk, at)?;
            self.copy_as_of::<Event>(&mut bulk, at)?;
            self.copy_as_of::<crate::model::Claim>(&mut bulk, at)?;
            bulk.commit()
        };
        build().map_err(scratch::snapshot_failed)?;
        snapshot.as_of_origin = Some(Box::new((self, at)));
        Ok(snapshot)
    }

    /// For an `--as-of` snapshot that does not hold the record `id` of
    /// kind `R`: the time it shows and when the database first recorded
    /// the record, if it did after that time. A user who looks at the
    /// past for a record added since is told so, not that the id is
    /// unknown, as if mistyped.
    pub fn first_recorded_after_as_of<R: Record>(
        &self,
        id: &str,
    ) -> Result<Option<(Stamp, Stamp)>> {
        let Some((origin, at)) = self.as_of_origin.as_deref() else {
            return Ok(None);
        };
        let first = origin
            .versions::<R>(id)?
            .first()
            .map(|v| v.meta().recorded_at);
        Ok(first.filter(|first| first > at).map(|first| (*at, first)))
    }

    /// The database an `--as-of` snapshot was built from (None for any
    /// other store), to find a record by name there.
    pub fn as_of_origin(&self) -> Option<&Store> {
        self.as_of_origin.as_deref().map(|(origin, _)| origin)
    }

    /// Writes into `bulk` each record's versions recorded at or before
    /// `at`: the last of them as the record, the others as its history.
    fn copy_as_of<R: Record>(&self, bulk: &mut bulk::Bulk<'_>, at: Stamp) -> Result<()> {
        for record in self.all::<R>() {
            let record = record?;
            if record.meta().version == 1 {
                // No history to read: known at `at`, or not yet.
                if record.meta().recorded_at <= at {
                    bulk.put_current_as_is(&record)?;
                }
                continue;
            }
            let versions = self.versions::<R>(record.id())?;
            let known: Vec<&R> = versions
                .iter()
                .filter(|v| v.meta().recorded_at <= at)
                .collect();
            if let Some((current, earlier)) = known.split_last() {
                for version in earlier {
                    bulk.put_history_as_is(*version)?;
                }
                bulk.put_current_as_is(*current)?;
            }
        }
        Ok(())
    }

    /// Checks the stored layout version (writing it into a new database).
    /// The layout to upgrade from, when the database is at an earlier
    /// layout that this build upgrades (see [`UPGRADES_FROM`]).
    fn check_schema(&mut self, existed: bool) -> Result<Option<u32>> {
        let meta = self.tree("meta")?;
        match meta
            .get(SCHEMA_KEY)
            .map_err(|e| sled_error(&self.path, e))?
        {
            Some(bytes) => {
                let version = <[u8; 4]>::try_from(bytes.as_ref())
                    .map(u32::from_be_bytes)
                    .map_err(|_| {
                        Error::database(format!(
                            "database {} has a damaged schema version; run `factline check`",
                            self.path.display()
                        ))
                    })?;
                if (UPGRADES_FROM..SCHEMA_VERSION).contains(&version) {
                    return Ok(Some(version));
                }
                if version < SCHEMA_VERSION {
                    return Err(Error::database(format!(
                        "database {} uses storage layout {version}, from an earlier factline; export it with that factline (`factline export -o dump.ndjson`) and import the dump into a new database",
                        self.path.display()
                    )));
                }
                if version > SCHEMA_VERSION {
                    return Err(Error::database(format!(
                        "database {} was written by a newer factline (schema version {version}; this factline reads up to {SCHEMA_VERSION}): upgrade factline to use it",
                        self.path.display()
                    )));
                }
                Ok(None)
            }
            None if !existed || self.data.is_empty() => {
                self.unversioned = existed;
                self.write_schema_version()?;
                Ok(None)
            }
            None => Err(Error::database(format!(
                "database {} has records but no schema version; run `factline check`",
                self.path.display()
            ))),
        }
    }

    fn write_schema_version(&self) -> Result<()> {
        self.set_meta(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())?;
        self.flush()
    }

    fn tree(&self, name: &str) -> Result<sled::Tree> {
        self.db
            .open_tree(name)
            .map_err(|e| sled_error(&self.path, e))
    }

    /// Sets `key` in the `meta` tree (not flushed).
    fn set_meta(&self, key: &[u8], value: &[u8]) -> Result<()> {
        self.tree("meta")?
            .insert(key, value)
            .map_err(|e| sled_error(&self.path, e))?;
        Ok(())
    }

    /// Upgrades a database from layout `from` (3 or 4) to this build's, as
    /// one bulk change under the undo log, as an import is: killed, it is
    /// undone at the next open, which upgrades again. The version is
    /// written after the change is on disk, so a crash between the two
    /// repeats an upgrade that then changes nothing. A record that cannot
    /// be decoded is left for `check` to report.
    ///
    /// - Layout 3 gave each live event a natural-key entry of its own
    ///   (`m`); layout 4 keeps the natural key's hash in the event's
    ///   timeline entry (`t`), one index entry fewer per event. From layout
    ///   3, both old entries of every live event are removed and its new
    ///   timeline entry written.
    /// - Layouts 3 and 4 folded names and titles keeping letters such as
    ///   `ł`, `ø`, `ı` and `ß`; layout 5 folds them to their base letters
    ///   (`names::fold`). The name entries (`n`) of every live actor and the
    ///   timeline entry of every live event whose folded spellings or title
    ///   change are written again under the new fold, the old ones removed.
    fn upgrade(&self, from: u32) -> Result<()> {
        let started = std::time::Instant::now();
        let mut bulk = self.upgrade_bulk()?;
        let (mut events, mut actors) = (0usize, 0usize);
        self.data.for_each(&[keys::EVENT], None, &mut |_, value| {
            let Ok(event) = codec::decode::<Event>(value) else {
                return Ok(());
            };
            if event.meta.retracted.is_some() {
                return Ok(());
            }
            let new = keys::timeline(&event);
            let old = match from {
                3 => keys::layout_3_event_keys(&event),
                _ => vec![keys::layout_4_timeline(&event)],
            };
            if old.len() == 1 && old[0] == new {
                return Ok(());
            }
            for old in old.iter().filter(|old| **old != new) {
                bulk.write_entry(old, None)?;
            }
            bulk.write_entry(&new, Some(&[]))?;
            events += 1;
            Ok(())
        })?;
        self.data.for_each(&[keys::ACTOR], None, &mut |_, value| {
            let Ok(actor) = codec::decode::<Actor>(value) else {
                return Ok(());
            };
            if actor.meta.retracted.is_some() {
                return Ok(());
            }
            let (old, new) = (keys::layout_4_name_keys(&actor), keys::name_keys(&actor));
            if old == new {
                return Ok(());
            }
            for key in old.iter().filter(|key| !new.contains(key)) {
                bulk.write_entry(key, None)?;
            }
            for key in new.iter().filter(|key| !old.contains(key)) {
                bulk.write_entry(key, Some(&[]))?;
            }
            actors += 1;
            Ok(())
        })?;
        bulk.commit()?;
        self.write_schema_version()?;
        let which = if self.reads_a_copy {
            "the temporary copy of database"
        } else {
            "database"
        };
        crate::notice(format!(
            "upgraded {which} {} from storage layout {from} to {SCHEMA_VERSION} ({events} events and {actors} actors re-indexed in {:.1} s)",
            self.path.display(),
            started.elapsed().as_secs_f64()
        ));
        Ok(())
    }

    /// Makes everything written so far durable (sled flushes its log).
    ///
    /// sled's flush writes its log with `sync_file_range`, which neither
    /// flushes the disk's cache nor the file's metadata, and sled writes
    /// large values to files in `blobs/` without syncing them. factline
    /// promises more: after `flush` the change survives a power loss. So it
    /// also fsyncs the log file, every blob file written since the store was
    /// opened, and the directories that name new files.
    pub fn flush(&self) -> Result<()> {
        self.durability.flush()
    }

    /// Records that an event spans `span` days, if no earlier one spanned
    /// more. Written before the event's batch: a crash between the two leaves
    /// a wider scan than needed, never a missed event.
    fn raise_max_span(&self, span: i32) -> Result<()> {
        if span > self.max_event_span()? {
            self.set_meta(MAX_SPAN_KEY, &span.to_be_bytes())?;
        }
        Ok(())
    }

    /// The time no new version may be recorded before: the latest time any
    /// record of this database was recorded. A clock that went back between
    /// two commands (another machine, an NTP step, `FACTLINE_NOW` in a
    /// replay script) would otherwise record a record before one it names,
    /// and `--as-of` between the two would show a state that never was.
    /// Read from `meta` once; a database from a factline that did not keep
    /// it has it worked out from its records, once, and written.
    pub(crate) fn recorded_floor(&self) -> Result<Stamp> {
        let mut floor = self
            .recorded_floor
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(at) = *floor {
            return Ok(at);
        }
        let at = match self.stored_recorded_until()? {
            Some(at) => at,
            None if self.data.is_empty() => Stamp(i64::MIN),
            None => {
                let at = self.latest_recorded()?;
                self.set_meta(RECORDED_UNTIL_KEY, &at.0.to_be_bytes())?;
                at
            }
        };
        *floor = Some(at);
        Ok(at)
    }

    /// The latest recording time kept in `meta`, if there is one.
    fn stored_recorded_until(&self) -> Result<Option<Stamp>> {
        Ok(self
            .tree("meta")?
            .get(RECORDED_UNTIL_KEY)
            .map_err(|e| sled_error(&self.path, e))?
            .and_then(|b| <[u8; 8]>::try_from(b.as_ref()).ok())
            .map(|bytes| Stamp(i64::from_be_bytes(bytes))))
    }

    /// The latest time any current record was recorded (a record's current
    /// version is its latest), or the earliest time for an empty store.
    fn latest_recorded(&self) -> Result<Stamp> {
        fn latest<R: Record>(store: &Store, at: &mut Stamp) -> Result<()> {
            for record in store.all::<R>() {
                *at = (*at).max(record?.meta().recorded_at);
            }
            Ok(())
        }
        let mut at = Stamp(i64::MIN);
        latest::<Actor>(self, &mut at)?;
        latest::<crate::model::Source>(self, &mut at)?;
        latest::<Event>(self, &mut at)?;
        latest::<crate::model::Claim>(self, &mut at)?;
        Ok(at)
    }

    /// Records that a write recorded something at `at`, if nothing was
    /// recorded later. Written before the write's batch, as the longest
    /// span is: a crash between the two leaves a floor later than needed,
    /// which only matters to a clock that went back.
    fn raise_recorded_until(&self, at: Stamp) -> Result<()> {
        if at > self.recorded_floor()? {
            self.set_meta(RECORDED_UNTIL_KEY, &at.0.to_be_bytes())?;
            *self
                .recorded_floor
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(at);
        }
        Ok(())
    }

    fn raw_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.data.get(key)
    }

    /// Entries under a logical prefix, in key order, read one page at a
    /// time as they are iterated.
    fn scan(&self, prefix: impl AsRef<[u8]>) -> Entries<'_> {
        match self.data.scan_prefix(prefix.as_ref()) {
            Ok(entries) => Box::new(entries),
            Err(e) => Box::new(std::iter::once(Err(e))),
        }
    }

    /// The current version of a record, if there is one.
    pub fn get<R: Record>(&self, id: &str) -> Result<Option<R>> {
        match self.raw_get(&keys::record(R::KIND, id))? {
            Some(bytes) => self.decode(&bytes, R::KIND, id).map(Some),
            None => Ok(None),
        }
    }

    fn decode<R: Record>(&self, bytes: &[u8], kind: u8, id: &str) -> Result<R> {
        codec::decode(bytes).map_err(|e| {
            Error::database(format!(
                "damaged record {}/{id} in {}: {e}; run `factline check`",
                kind as char,
                self.path.display()
            ))
        })
    }

    /// Every current record of one kind that is not retracted, in id order.
    pub fn live<R: Record>(&self) -> impl Iterator<Item = Result<R>> + '_ {
        self.all::<R>()
            .filter(|r| r.as_ref().map_or(true, |r| r.meta().retracted.is_none()))
    }

    /// Every current record of one kind, retracted ones included, in id order.
    pub fn all<R: Record>(&self) -> impl Iterator<Item = Result<R>> + '_ {
        self.scan([R::KIND]).map(move |item| {
            let (key, value) = item?;
            let id = String::from_utf8_lossy(&key[1..]).into_owned();
            self.decode(&value, R::KIND, &id)
        })
    }

    /// The ids of the current records of one kind, retracted ones included,
    /// in id order, read from the keys without decoding a record.
    pub fn ids<R: Record>(&self) -> impl Iterator<Item = Result<String>> + '_ {
        self.scan([R::KIND])
            .map(|item| Ok(String::from_utf8_lossy(&item?.0[1..]).into_owned()))
    }

    /// The ids of the current records of one kind that start with
    /// `prefix`, in id order (as [`Store::ids`]).
    pub fn ids_starting<R: Record>(
        &self,
        prefix: &str,
    ) -> impl Iterator<Item = Result<String>> + '_ {
        let mut start = vec![R::KIND];
        start.extend_from_slice(prefix.as_bytes());
        self.scan(start)
            .map(|item| Ok(String::from_utf8_lossy(&item?.0[1..]).into_owned()))
    }

    /// The ids of the records of `kind` that have history (earlier
    /// versions: edited or retracted ones), each once, in id order. A
    /// retraction is a later version, so every retracted record is among
    /// them (but one retracted in its first version, which only a
    /// hand-written dump can hold).
    pub fn ids_with_history(&self, kind: u8) -> impl Iterator<Item = Result<String>> + '_ {
        let mut last: Vec<u8> = Vec::new();
        self.scan([keys::HISTORY, kind]).filter_map(move |item| {
            let id = match item {
                Ok((key, _)) => match keys::history_id(&key) {
                    Some(id) => id.to_vec(),
                    None => return Some(Err(self.damaged_index("history"))),
                },
                Err(e) => return Some(Err(e)),
            };
            if id == last {
                return None;
            }
            let text = String::from_utf8_lossy(&id).into_owned();
            last = id;
            Some(Ok(text))
        })
    }

    /// Every record of `R`'s kind that has history (as
    /// [`Store::ids_with_history`]): its earlier versions, oldest first,
    /// and its current one (`None` if it is missing, which `check`
    /// reports), from one scan of the history (each page read once) and a
    /// read of each current record.
    #[allow(clippy::type_complexity)]
    pub fn versions_of_edited<R: Record>(
        &self,
    ) -> impl Iterator<Item = Result<(Vec<R>, Option<R>)>> + '_ {
        let mut history = self.scan([keys::HISTORY, R::KIND]).peekable();
        std::iter::from_fn(move || {
            let (key, value) = match history.next()? {
                Ok(entry) => entry,
                Err(e) => return Some(Err(e)),
            };
            let Some(id) = keys::history_id(&key).map(<[u8]>::to_vec) else {
                return Some(Err(self.damaged_index("history")));
            };
            let text = String::from_utf8_lossy(&id).into_owned();
            Some((|| {
                let mut versions = vec![self.decode::<R>(&value, R::KIND, &text)?];
                while let Some(entry) = history.next_if(|entry| {
                    entry
                        .as_ref()
                        .is_ok_and(|(key, _)| keys::history_id(key) == Some(id.as_slice()))
                }) {
                    let (_, value) = entry?;
                    versions.push(self.decode(&value, R::KIND, &text)?);
                }
                Ok((versions, self.get::<R>(&text)?))
            })())
        })
    }

    /// Every version of a record, oldest first, the current one last.
    pub fn versions<R: Record>(&self, id: &str) -> Result<Vec<R>> {
        let mut out = Vec::new();
        for item in self.scan(keys::history_prefix(R::KIND, id)) {
            let (_, value) = item?;
            out.push(self.decode(&value, R::KIND, id)?);
        }
        if let Some(current) = self.get::<R>(id)? {
            out.push(current);
        }
        Ok(out)
    }

    /// Every version of every record of one kind (as [`Store::versions`]
    /// gives one record's), record by record in id order. The records and
    /// the history are each scanned once, side by side: a dump of a million
    /// records reads each history page once, not once per record.
    pub fn all_versions<R: Record>(&self) -> impl Iterator<Item = Result<Vec<R>>> + '_ {
        let mut history = self.scan([keys::HISTORY, R::KIND]).peekable();
        self.all::<R>().map(move |record| {
            let record = record?;
            // History keys are the record's id, NUL, version: ids that sort
            // before this one have passed (a version without a record is
            // `check`'s to report), this one's are next.
            let prefix = keys::history_prefix(R::KIND, record.id());
            let mut versions = Vec::new();
            while let Some(entry) = history.next_if(|entry| {
                entry.as_ref().map_or(true, |(key, _)| {
                    key.as_slice() < prefix.as_slice() || key.starts_with(&prefix)
                })
            }) {
                let (key, value) = entry?;
                if key.starts_with(&prefix) {
                    versions.push(self.decode(&value, R::KIND, record.id())?);
                }
            }
            versions.push(record);
            Ok(versions)
        })
    }

    /// Ids of the actors with a spelling that folds to `folded`.
    pub fn actors_named(&self, folded: &str) -> Result<Vec<String>> {
        let prefix = keys::name_prefix(folded);
        let mut ids = Vec::new();
        for item in self.scan(&prefix) {
            let (key, _) = item?;
            ids.push(String::from_utf8_lossy(&key[prefix.len()..]).into_owned());
        }
        Ok(ids)
    }

    /// Every (folded spelling, actor id) pair, for "did you mean" suggestions.
    pub fn all_names(&self) -> impl Iterator<Item = Result<(String, String)>> + '_ {
        self.scan([keys::NAME]).map(move |item| {
            let (key, _) = item?;
            let body = &key[1..];
            let split = body.iter().position(|&b| b == 0).unwrap_or(body.len());
            let folded = String::from_utf8_lossy(&body[..split]).into_owned();
            let id = String::from_utf8_lossy(body.get(split + 1..).unwrap_or(&[])).into_owned();
            Ok((folded, id))
        })
    }

    /// Ids of events in timeline order whose earliest day is at least
    /// `from_day`, stopping after the first whose earliest day passes `to_day`.
    /// Each item is (earliest, latest, id).
    pub fn timeline_ids(
        &self,
        from_day: i32,
        to_day: i32,
    ) -> impl Iterator<Item = Result<(i32, i32, String)>> + '_ {
        let start = keys::timeline_from_day(from_day);
        let end = keys::timeline_from_day(to_day.saturating_add(1));
        let end = if to_day == i32::MAX {
            vec![keys::TIMELINE + 1]
        } else {
            end
        };
        let entries: Entries<'_> = match self.data.entries(&start, Some(&end)) {
            Ok(entries) => Box::new(entries),
            Err(e) => Box::new(std::iter::once(Err(e))),
        };
        entries.map(move |item| {
            let (key, _) = item?;
            keys::timeline_parts(&key)
                .and_then(|(sort_key, id)| {
                    let (earliest, latest) = keys::days_of_sort_key(sort_key)?;
                    Some((earliest, latest, String::from_utf8_lossy(id).into_owned()))
                })
                .ok_or_else(|| self.damaged_index("timeline"))
        })
    }

    /// Ids of the live events with this date sort key and natural hash (see
    /// [`keys::dated_hash`]): their natural keys may be the one hashed, to be
    /// confirmed against their records.
    pub fn natural_candidates(
        &self,
        dated: &keys::DatedHash,
    ) -> impl Iterator<Item = Result<String>> + '_ {
        let prefix = keys::timeline_prefix(dated);
        let skip = prefix.len();
        self.scan(prefix).map(move |item| {
            let (key, _) = item?;
            Ok(String::from_utf8_lossy(&key[skip..]).into_owned())
        })
    }

    /// Events with an open or unknown end, which a window scan starting near
    /// the window would otherwise miss.
    pub fn unbounded_event_ids(&self) -> impl Iterator<Item = Result<String>> + '_ {
        self.scan([keys::UNBOUNDED]).map(move |item| {
            let (key, _) = item?;
            Ok(String::from_utf8_lossy(&key[1..]).into_owned())
        })
    }

    /// One actor's events in timeline order: (earliest, latest, event id).
    pub fn actor_event_ids(
        &self,
        actor_id: &str,
    ) -> impl Iterator<Item = Result<(i32, i32, String)>> + '_ {
        let prefix = keys::actor_events_prefix(actor_id);
        let skip = prefix.len();
        self.scan(prefix).map(move |item| {
            let (key, _) = item?;
            parse_sorted_id(&key[skip..]).ok_or_else(|| self.damaged_index("actor events"))
        })
    }

    /// One actor's part in each of its events, in timeline order:
    /// (earliest, latest, event id, participation).
    pub fn for_each_participation(
        &self,
        actor_id: &str,
        visit: &mut dyn FnMut(i32, i32, &str, Participation<'_>),
    ) -> Result<()> {
        self.graph_reader().for_each_participation(actor_id, visit)
    }

    /// The participation index, readable from other threads.
    pub fn graph_reader(&self) -> GraphReader {
        GraphReader {
            pages: self.data.reader(),
            path: self.path.clone(),
        }
    }

    /// The second parts of the keys `prefix` first NUL …: ids from a
    /// two-part index (claims by claimant, about a record, on a subject).
    pub fn pair_index(&self, prefix: u8, first: &str) -> impl Iterator<Item = Result<String>> + '_ {
        let start = keys::pair_prefix(prefix, first);
        let skip = start.len();
        self.scan(start).map(move |item| {
            let (key, _) = item?;
            Ok(String::from_utf8_lossy(&key[skip..]).into_owned())
        })
    }

    /// Ids of the actors holding a role of or for `actor_id`.
    pub fn role_holders(&self, actor_id: &str) -> impl Iterator<Item = Result<String>> + '_ {
        let prefix = keys::role_of_prefix(actor_id);
        let skip = prefix.len();
        self.scan(prefix).map(move |item| {
            let (key, _) = item?;
            Ok(String::from_utf8_lossy(&key[skip..]).into_owned())
        })
    }

    /// The longest finite span (latest − earliest, in days) of any event ever
    /// stored. Window scans start this many days before the window.
    pub fn max_event_span(&self) -> Result<i32> {
        Ok(self
            .tree("meta")?
            .get(MAX_SPAN_KEY)
            .map_err(|e| sled_error(&self.path, e))?
            .and_then(|b| <[u8; 4]>::try_from(b.as_ref()).ok())
            .map(i32::from_be_bytes)
            .unwrap_or(0))
    }

    fn damaged_index(&self, which: &str) -> Error {
        damaged_index(&self.path, which)
    }

    /// Verifies the database: every record decodes, every index entry is the
    /// one its record implies (none missing, none extra), and every history
    /// version decodes and precedes its record's current version. Returns the
    /// problems found and the number of keys checked.
    pub fn check(&self) -> Result<(Vec<String>, usize)> {
        let report = self.inspect(None)?;
        Ok((report.problems, report.checked))
    }

    /// What [`Store::check`] does; with `fixes`, each index entry that
    /// differs from what the records imply is also written to it (its
    /// implied value, or a removal), for `check --repair` to commit.
    fn inspect(&self, mut fixes: Option<&mut bulk::Bulk<'_>>) -> Result<Inspection> {
        // The pages first: the checks below read records and index entries
        // through range scans, which stop at a page that cannot be read.
        let mut page_problems = Vec::new();
        let pages = self.check_pages(&mut page_problems)?;
        if pages.unreadable > 0 {
            page_problems.push(format!(
                "records, index entries and history were not checked: {} page(s) cannot be read; \
                 `factline check --repair` rebuilds the pages from the readable ones",
                pages.unreadable
            ));
            return Ok(Inspection {
                problems: page_problems,
                checked: pages.entries,
                pages_sound: false,
                fixed: 0,
                undecodable: Vec::new(),
                max_span_fix: None,
                recorded_until_fix: None,
                repeated: Vec::new(),
            });
        }
        let Audit {
            mut problems,
            expected,
            versions: current_versions,
            mut checked,
            references,
            undecodable,
            max_span,
            repeated,
        } = self.audit()?;
        // Window scans (--from, --to, --on) start this many days early: a
        // shorter recorded span would miss the events that span more.
        let recorded_span = self.max_event_span()?;
        let max_span_fix = max_span.filter(|&span| span > recorded_span);
        if let Some(span) = max_span_fix {
            problems.push(format!(
                "the longest event spans {span} days, but the database records {recorded_span} \
                 (meta {}): queries with --from, --to or --on can miss events",
                String::from_utf8_lossy(MAX_SPAN_KEY)
            ));
        }
        // No new version may be recorded before the latest record (a
        // clock that went back): an older factline, which did not keep
        // the time, may have recorded later ones since.
        let latest = current_versions.values().map(|&(_, at)| at).max();
        let recorded_until_fix = match (latest, self.stored_recorded_until()?) {
            (Some(latest), Some(until)) if latest > until => {
                problems.push(format!(
                    "a record was recorded at {latest}, after the latest time the database \
                     records (meta {}, {until}): a new version could be recorded before it",
                    String::from_utf8_lossy(RECORDED_UNTIL_KEY)
                ));
                Some(latest)
            }
            _ => None,
        };
        // Every record a record names must be there (retracted is fine:
        // history keeps it), or the dump would not import.
        for ((kind, target), (who, also)) in references {
            let byte = match kind {
                "actor" => keys::ACTOR,
                "source" => keys::SOURCE,
                "event" => keys::EVENT,
                _ => keys::CLAIM,
            };
            if !current_versions.contains_key(&(byte, target.clone())) {
                let others = match also {
                    0 => String::new(),
                    1 => " (so does 1 other record)".to_string(),
                    n => format!(" (so do {n} other records)"),
                };
                problems.push(format!(
                    "{who} names {kind} {target}, which is missing{others}"
                ));
            }
        }
        let mut fixed = 0;
        self.compare_indexes(expected, &mut checked, &mut |difference| {
            let (problem, key, value) = match difference {
                IndexDifference::Missing(key, value) => ("is missing", key, Some(value)),
                IndexDifference::Wrong(key, value) => ("has a wrong value", key, Some(value)),
                IndexDifference::Stray(key) => ("belongs to no record", key, None),
            };
            problems.push(format!("index entry {} {problem}", show_key(&key)));
            if let Some(fixes) = fixes.as_deref_mut() {
                fixed += 1;
                fixes.write_entry(&key, value.as_deref())?;
            }
            Ok(())
        })?;
        let pages_sound = page_problems.is_empty();
        problems.append(&mut page_problems);
        let mut previous: Option<((u8, String), u32, crate::model::Stamp)> = None;
        self.data
            .for_each(&[keys::HISTORY], None, &mut |key, value| {
                checked += 1;
                // `h`, the record's kind, its id, NUL, its version: a
                // damaged page may hold a key cut shorter than its kind.
                let Some((body, split)) = key
                    .get(2..)
                    .and_then(|body| Some((body, body.iter().position(|&b| b == 0)?)))
                else {
                    problems.push(format!("history key {} is malformed", show_key(key)));
                    return Ok(());
                };
                let id = String::from_utf8_lossy(&body[..split]).into_owned();
                let version = body
                    .get(split + 1..)
                    .and_then(|v| <[u8; 4]>::try_from(v).ok())
                    .map(u32::from_be_bytes);
                let current = current_versions.get(&(key[1], id.clone()));
                let meta = |m: &crate::model::Meta| (m.version, m.recorded_at);
                let decoded = match key[1] {
                    keys::ACTOR => codec::decode::<Actor>(value).map(|r| meta(&r.meta)),
                    keys::SOURCE => {
                        codec::decode::<crate::model::Source>(value).map(|r| meta(&r.meta))
                    }
                    keys::EVENT => codec::decode::<Event>(value).map(|r| meta(&r.meta)),
                    keys::CLAIM => {
                        codec::decode::<crate::model::Claim>(value).map(|r| meta(&r.meta))
                    }
                    other => Err(format!("unknown record kind {:?}", other as char)),
                };
                // A record's versions are recorded in time order (factline's
                // writes clamp the clock so): the version before this one,
                // and the current one after the last in history.
                if let Ok((v, at)) = decoded {
                    let record = (key[1], id.clone());
                    if let Some((_, before, before_at)) = previous
                        .as_ref()
                        .filter(|(r, before, _)| *r == record && before + 1 == v)
                    {
                        if at < *before_at {
                            problems.push(recorded_before(&id, v, *before));
                        }
                    }
                    if let Some((current, current_at)) = current {
                        if *current == v + 1 && *current_at < at {
                            problems.push(recorded_before(&id, *current, v));
                        }
                    }
                    previous = Some((record, v, at));
                }
                let decoded_version = decoded.map(|(v, _)| v);
                let current = current.map(|(v, _)| v);
                match (decoded_version, version, current) {
                    (Err(e), _, _) => problems.push(format!("history of {id}: {e}")),
                    (Ok(v), Some(k), Some(c)) if v == k && v < *c => {}
                    (Ok(v), _, None) => {
                        problems.push(format!("history version {v} of {id} has no current record"))
                    }
                    (Ok(v), _, _) => {
                        problems.push(format!("history version {v} of {id} is out of place"))
                    }
                }
                Ok(())
            })?;
        Ok(Inspection {
            problems,
            checked,
            pages_sound,
            fixed,
            undecodable,
            max_span_fix,
            recorded_until_fix,
            repeated,
        })
    }

    /// Decodes every record: the index entries they imply (sorted on disk),
    /// their current versions, what they name, and what is wrong with them.
    fn audit(&self) -> Result<Audit> {
        let mut audit = Audit {
            problems: Vec::new(),
            expected: bulk::SortedEntries::new(),
            versions: BTreeMap::new(),
            checked: 0,
            references: BTreeMap::new(),
            undecodable: Vec::new(),
            max_span: None,
            repeated: Vec::new(),
        };
        audit.records::<Actor>(self)?;
        audit.records::<crate::model::Source>(self)?;
        audit.records::<Event>(self)?;
        audit.records::<crate::model::Claim>(self)?;
        Ok(audit)
    }

    /// The stored index entries against the `expected` ones, both in key
    /// order: a merge, so that neither side is held in memory. Calls
    /// `differs` with each difference, in key order.
    fn compare_indexes(
        &self,
        expected: bulk::SortedEntries,
        checked: &mut usize,
        differs: &mut dyn FnMut(IndexDifference) -> Result<()>,
    ) -> Result<()> {
        let mut expected = expected.into_sorted()?.peekable();
        let mut indexes = keys::INDEXES;
        indexes.sort_unstable();
        for prefix in indexes {
            self.data.for_each(&[prefix], None, &mut |key, value| {
                *checked += 1;
                let mut matched = None;
                while let Some(next) =
                    expected.next_if(|e| e.as_ref().map_or(true, |(k, _)| k.as_slice() <= key))
                {
                    let (k, v) = next?;
                    if k == key {
                        matched = Some(v);
                    } else {
                        differs(IndexDifference::Missing(k, v))?;
                    }
                }
                match matched {
                    Some(v) if v == value => Ok(()),
                    Some(v) => differs(IndexDifference::Wrong(key.to_vec(), v)),
                    None => differs(IndexDifference::Stray(key.to_vec())),
                }
            })?;
        }
        for rest in expected {
            let (key, value) = rest?;
            differs(IndexDifference::Missing(key, value))?;
        }
        Ok(())
    }

    /// Checks that the pages cover disjoint key ranges in order, each under
    /// its first key, and can all be read.
    fn check_pages(&self, problems: &mut Vec<String>) -> Result<PageCount> {
        let mut previous_last: Option<Vec<u8>> = None;
        let mut count = PageCount::default();
        self.data.each_page(&mut |(page, entries)| {
            match entries {
                Err(e) => {
                    count.unreadable += 1;
                    problems.push(format!("page {} cannot be read: {e}", show_key(&page)))
                }
                Ok(entries) => {
                    count.entries += entries.len();
                    if entries.is_empty() {
                        problems.push(format!("page {} is empty", show_key(&page)));
                    }
                    if entries.windows(2).any(|w| w[0].0 >= w[1].0) {
                        problems.push(format!("page {} is out of order", show_key(&page)));
                    }
                    if entries.first().is_some_and(|(key, _)| *key != page) {
                        problems.push(format!(
                            "page {} does not start with its own key",
                            show_key(&page)
                        ));
                    }
                    let first = entries.first().map_or(&page, |(key, _)| key);
                    if previous_last.as_ref().is_some_and(|last| last >= first) {
                        problems.push(format!(
                            "page {} overlaps the page before it",
                            show_key(&page)
                        ));
                    }
                    if let Some((last, _)) = entries.last() {
                        previous_last = Some(last.clone());
                    }
                }
            }
            Ok(())
        })?;
        Ok(count)
    }

    /// Makes every derived index entry the one the records imply. Records,
    /// history versions and any record that cannot be decoded are kept as
    /// they are (nothing is dropped). When the pages are sound, only the
    /// differing entries are written; when they are not, every page is
    /// rebuilt from its entries under the undo log
    /// (`Store::rebuild_all_pages`), and the entries of a page that
    /// cannot be read at all are lost to that page's damage and reported
    /// (index entries among them are derived again).
    ///
    /// A rebuild sorts the entries on disk, twice: the kept ones (pages may
    /// overlap or be out of order: of two copies of a key, the later page's
    /// wins), then those with the index entries of each kept record. Memory
    /// holds the sorters' buffers and one batch of new pages, not the entries.
    ///
    /// Returns the problems found before repairing (none: nothing was
    /// written) and what the user should know about the repair.
    pub fn repair(&self, now: Stamp) -> Result<(Vec<String>, Vec<String>)> {
        // The check collects the fixes as it finds the problems: one pass
        // over the records, as for `check`.
        let mut fixes = self.repair_bulk()?;
        let found = self.inspect(Some(&mut fixes))?;
        if found.problems.is_empty() {
            return Ok((found.problems, Vec::new()));
        }
        if !found.pages_sound {
            drop(fixes);
            return Ok((found.problems, self.rebuild_pages()?));
        }
        // Written as one bulk change, batched under the undo log: a killed
        // repair is undone at the next open.
        fixes.commit()?;
        if let Some(span) = found.max_span_fix {
            self.raise_max_span(span)?;
        }
        if let Some(at) = found.recorded_until_fix {
            self.raise_recorded_until(at)?;
        }
        self.flush()?;
        crate::detail(format!("repair: {} index entries rewritten", found.fixed));
        let mut notes: Vec<String> = found
            .undecodable
            .iter()
            .map(|key| {
                format!("record {key} cannot be decoded; kept as it is, without index entries")
            })
            .collect();
        notes.extend(self.drop_repeats(&found.repeated, now)?);
        Ok((found.problems, notes))
    }

    /// Gives each record in `repeated` a new version listing each item
    /// once (the first of each kept, in its place), as an edit would: the
    /// version that lists them twice stays in history. A retracted record
    /// stays retracted. Returns a note for each.
    fn drop_repeats(&self, repeated: &[(u8, String)], now: Stamp) -> Result<Vec<String>> {
        fn mended<R: Record>(
            store: &Store,
            id: &str,
            now: Stamp,
            drop: fn(&mut R),
        ) -> Result<Option<R>> {
            let Some(mut record) = store.get::<R>(id)? else {
                return Ok(None);
            };
            let before = record.meta().clone();
            drop(&mut record);
            *record.meta_mut() = Meta {
                retracted: before.retracted.clone(),
                ..before.next(now)
            };
            Ok(Some(record))
        }
        let mut change = self.change();
        let mut notes = Vec::new();
        for (kind, id) in repeated {
            let version = match *kind {
                Event::KIND => mended::<Event>(self, id, now, Event::drop_repeats)?.map(|e| {
                    let version = e.meta.version;
                    change.put(&e).map(|()| version)
                }),
                crate::model::Claim::KIND => {
                    mended::<crate::model::Claim>(self, id, now, crate::model::Claim::drop_repeats)?
                        .map(|c| {
                            let version = c.meta.version;
                            change.put(&c).map(|()| version)
                        })
                }
                _ => None,
            };
            if let Some(version) = version.transpose()? {
                notes.push(format!(
                    "{id}: version {version} lists each item once, the first of each kept; \
                     version {} in its history lists them as they were",
                    version - 1
                ));
            }
        }
        change.commit()?;
        Ok(notes)
    }

    /// Rebuilds every page, for pages that cannot be trusted (unreadable,
    /// out of order, overlapping).
    fn rebuild_pages(&self) -> Result<Vec<String>> {
        let mut notes = Vec::new();
        let mut kept = bulk::SortedEntries::new();
        // Each unreadable page and the key of the page after it, which
        // bounds what the lost page held, if the pages are in order.
        let mut lost: Vec<(Vec<u8>, String, Option<Vec<u8>>)> = Vec::new();
        let mut in_order = true;
        let mut previous_last: Option<Vec<u8>> = None;
        self.data.each_page(&mut |(page, entries)| {
            if let Some((_, _, next @ None)) = lost.last_mut() {
                *next = Some(page.clone());
            }
            match entries {
                Ok(entries) => {
                    let first = entries.first().map_or(&page, |(key, _)| key);
                    if entries.windows(2).any(|w| w[0].0 >= w[1].0)
                        || previous_last.as_ref().is_some_and(|last| last >= first)
                        || first != &page
                    {
                        in_order = false;
                    }
                    if let Some((last, _)) = entries.last() {
                        previous_last = Some(last.clone());
                    }
                    for (key, value) in entries {
                        if !key.first().is_some_and(|k| keys::INDEXES.contains(k)) {
                            kept.push(&key, &value)?;
                        }
                    }
                }
                Err(e) => lost.push((page, e, None)),
            }
            Ok(())
        })?;
        for (page, e, next) in lost {
            notes.push(lost_page_note(&page, &e, next.as_deref(), in_order));
        }
        let mut rebuilt = bulk::SortedEntries::new();
        for entry in kept.into_sorted()? {
            let (key, value) = entry?;
            let index_entries = match key.first().copied() {
                Some(Actor::KIND) => derived::<Actor>(&key, &value, &mut notes),
                Some(crate::model::Source::KIND) => {
                    derived::<crate::model::Source>(&key, &value, &mut notes)
                }
                Some(Event::KIND) => derived::<Event>(&key, &value, &mut notes),
                Some(crate::model::Claim::KIND) => {
                    derived::<crate::model::Claim>(&key, &value, &mut notes)
                }
                _ => Vec::new(),
            };
            for (index_key, index_value) in index_entries {
                rebuilt.push(&index_key, &index_value)?;
            }
            rebuilt.push(&key, &value)?;
        }
        self.rebuild_all_pages(rebuilt.into_sorted()?)?;
        notes.push(
            "the rebuild wrote every page twice (a copy to undo it, then the new pages); \
             `factline compact` gives back the space the old ones still take"
                .to_string(),
        );
        Ok(notes)
    }

    /// Starts a change; nothing is written until [`Change::commit`].
    pub fn change(&self) -> Change<'_> {
        Change {
            store: self,
            pending: BTreeMap::new(),
            max_span: None,
            latest: None,
        }
    }
}

/// The index entries a stored record implies, or none (and a note) when it
/// cannot be decoded: `check --repair` keeps such a record as it is.
fn derived<R: Record>(
    key: &[u8],
    value: &[u8],
    notes: &mut Vec<String>,
) -> Vec<(Vec<u8>, Vec<u8>)> {
    match codec::decode::<R>(value) {
        Ok(record) => record.index_entries(),
        Err(e) => {
            notes.push(format!(
                "record {} cannot be decoded ({e}); kept as it is, without index entries",
                show_key(key)
            ));
            Vec::new()
        }
    }
}

const MAX_SPAN_KEY: &[u8] = b"max_event_span_days";
/// The latest time any record was recorded, microseconds since the epoch
/// (i64 big-endian): see [`Store::recorded_floor`].
const RECORDED_UNTIL_KEY: &[u8] = b"recorded_until";

/// `record`, recorded no earlier than `floor` (see [`Store::recorded_floor`]):
/// a copy only when the clock went back.
fn recorded_from<R: Record>(record: &R, floor: Stamp) -> std::borrow::Cow<'_, R> {
    if record.meta().recorded_at >= floor {
        return std::borrow::Cow::Borrowed(record);
    }
    let mut later = record.clone();
    later.meta_mut().recorded_at = floor;
    std::borrow::Cow::Owned(later)
}

/// The problem of a record's `version` recorded before the version
/// `before` that it follows: what `check` reports, and the words an import
/// of a dump refuses such a line with.
pub fn recorded_before(id: &str, version: u32, before: u32) -> String {
    format!("version {version} of {id} is recorded before version {before}, which it follows")
}

/// What `check` gathers from the records: the index entries they imply and
/// their current versions.
struct Audit {
    problems: Vec<String>,
    /// Sorted on disk past a budget: a million events imply six million.
    expected: bulk::SortedEntries,
    /// Each record's current version and when it was recorded.
    versions: BTreeMap<(u8, String), (u32, crate::model::Stamp)>,
    checked: usize,
    /// Each record named by a current record, (kind, id): the first record
    /// that names it and how many others do.
    references: BTreeMap<(&'static str, String), (String, usize)>,
    /// The records whose index entries cannot be derived (shown keys).
    undecodable: Vec<String>,
    /// The longest finite span of a live event, in days.
    max_span: Option<i32>,
    /// The records (kind, id) whose current version lists an item twice.
    repeated: Vec<(u8, String)>,
}

/// What [`Store::check_pages`] read.
#[derive(Default)]
struct PageCount {
    /// Logical entries in the readable pages.
    entries: usize,
    /// Pages that cannot be decoded.
    unreadable: usize,
}

/// What one pass of `check` found.
struct Inspection {
    problems: Vec<String>,
    checked: usize,
    /// No page is unreadable, out of order or overlapping another.
    pages_sound: bool,
    /// Index entries written to the fixes.
    fixed: usize,
    /// As [`Audit::undecodable`].
    undecodable: Vec<String>,
    /// The longest event span to record, when the one recorded is shorter.
    max_span_fix: Option<i32>,
    /// The latest recording time to keep, when the one kept is earlier.
    recorded_until_fix: Option<Stamp>,
    /// As [`Audit::repeated`].
    repeated: Vec<(u8, String)>,
}

/// How a stored index entry differs from what the records imply.
enum IndexDifference {
    /// Implied but not stored: (key, value).
    Missing(Vec<u8>, Vec<u8>),
    /// Stored with another value: (key, the implied value).
    Wrong(Vec<u8>, Vec<u8>),
    /// Stored but implied by no record.
    Stray(Vec<u8>),
}

impl Audit {
    fn records<R: Record>(&mut self, store: &Store) -> Result<()> {
        store.data.for_each(&[R::KIND], None, &mut |key, value| {
            self.checked += 1;
            let id = String::from_utf8_lossy(&key[1..]).into_owned();
            match codec::decode::<R>(value) {
                Ok(record) if record.id() == id => {
                    let meta = record.meta();
                    self.versions
                        .insert((R::KIND, id), (meta.version, meta.recorded_at));
                    if let Some(event) = record.as_event() {
                        if event.meta.retracted.is_none() {
                            self.max_span = self.max_span.max(finite_span(event));
                        }
                        // A date an earlier factline stored that this one
                        // refuses (a time interval ending before it starts,
                        // read back as stored): wrong, and the user's to
                        // correct, as only they know which end is right.
                        let date = event.date.as_str();
                        if let Some(reason) = crate::model::Date::refused_as_input(date) {
                            self.problems.push(format!(
                                "event {id}: date {date}: {reason} (stored by an earlier \
                                 factline, which compared only the days); correct it with \
                                 `factline event edit {id} --date …`",
                                id = event.id,
                            ));
                        }
                    }
                    for (key, value) in record.index_entries() {
                        self.expected.push(&key, &value)?;
                    }
                    let line = record.as_line();
                    for (kind, target) in crate::dump::references(&line) {
                        self.references
                            .entry((kind, target.to_string()))
                            .and_modify(|(_, also)| *also += 1)
                            .or_insert_with(|| (crate::dump::line_name(&line), 0));
                    }
                    // An item listed twice (a dump edited by hand): the
                    // listings would show it twice, a source's two links
                    // with two origins.
                    let repeats = crate::dump::listed_twice(&line);
                    for repeat in &repeats {
                        self.problems.push(format!(
                            "{} {repeat} (`factline check --repair` keeps the first)",
                            crate::dump::line_name(&line)
                        ));
                    }
                    if !repeats.is_empty() {
                        self.repeated.push((R::KIND, record.id().to_string()));
                    }
                    // What the commands refuse (a source via itself, a
                    // claim that contradicts itself): the user's to mend.
                    for problem in crate::dump::self_contradictions(&line) {
                        self.problems
                            .push(format!("{} {problem}", crate::dump::line_name(&line)));
                    }
                }
                Ok(record) => {
                    self.undecodable.push(show_key(key));
                    self.problems.push(format!(
                        "{}/{id}: the record inside is {}",
                        R::KIND as char,
                        record.id()
                    ))
                }
                Err(e) => {
                    self.undecodable.push(show_key(key));
                    self.problems.push(format!("{}/{id}: {e}", R::KIND as char))
                }
            }
            Ok(())
        })
    }
}

/// A key for a message: its keyspace letter and printable bytes.
fn show_key(key: &[u8]) -> String {
    key.iter()
        .map(|&b| {
            if b.is_ascii_graphic() {
                (b as char).to_string()
            } else {
                format!("\\x{b:02x}")
            }
        })
        .collect()
}

/// Whether `path` holds a database: sled's `conf` and `db` files are both there.
pub fn exists(path: &Path) -> bool {
    path.join("db").is_file() && path.join("conf").is_file()
}

/// Whether `path` holds a database that lost sled's `conf` file: its `db`
/// file is there, and factline's lock file or sled's `blobs` beside it
/// (sled creates `blobs`, then `conf`, then `db`, and factline refuses to
/// create a database where a `db` is alone, so these are a database's own).
fn lost_conf(path: &Path) -> bool {
    path.join("db").is_file()
        && !path.join("conf").exists()
        && (path.join(LOCK_FILE).is_file() || path.join("blobs").is_dir())
}

/// The error for a command that needs the database at `path`, where there
/// is none ([`exists`] is false): it names what is there instead (a file,
/// a directory inside another database, a database that lost a file).
pub fn not_a_database(path: &Path) -> Error {
    // A database inside another's directory (a command run from inside
    // it, `--db story.db/blobs`) would be taken for the outer one's files,
    // and the outer one for a damaged database.
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    if let Some(outer) = enclosing_database(&absolute) {
        return Error::bad_input(format!(
            "no database at {}: it is inside the database {}; pass --db with the database's own path",
            path.display(),
            outer.display()
        ));
    }
    if path.exists() && !path.is_dir() {
        return Error::bad_input(format!(
            "{} is a file, not a factline database directory; pass --db a database's directory",
            path.display()
        ));
    }
    if lost_conf(path) {
        return Error::database(format!(
            "database {} is damaged: sled's file {} is missing; restore a backup (`factline restore`) or re-import an NDJSON dump into a new database",
            path.display(),
            path.join("conf").display()
        ));
    }
    Error::bad_input(format!(
        "no factline database at {}: create one with `factline example` or `factline event add`, or pass --db",
        path.display()
    ))
}

/// The database directory `path` lies inside (its nearest ancestor that is
/// a database, not `path` itself), if any: nothing of a user's may be
/// written there, where it would be taken for the database's own files.
pub fn enclosing_database(path: &Path) -> Option<&Path> {
    path.ancestors().skip(1).find(|dir| exists(dir))
}

/// The name of the file that `backup`, `restore` and `compact` put in the
/// copy they are making (and remove once it is in place): a working
/// directory that holds it is a copy in progress, which may be removed; a
/// whole database without it may be the one a restore or compact replaced,
/// or a user's own, and is never deleted.
pub const STAGING_MARKER: &str = "factline.staging";

/// What [`STAGING_MARKER`] says once the copy it marks is whole and
/// checked, and the command that made it (`backup`, `restore`, `compact`,
/// named after this) is putting it in place. A kill between the rename or
/// swap that puts it in place and the removal of the mark leaves a whole
/// copy still marked: this text tells it from a copy in progress (which
/// may hold any part of the database), so that the mark is removed and the
/// copy used, never refused or deleted as an unfinished one.
const WHOLE_MARK: &str = "a whole copy, checked, put in place by factline ";

/// The text of the marker of a whole copy made by `command` (see
/// [`WHOLE_MARK`]); for a restore, where it keeps the database it
/// replaces (`replaced`), so that the user can be told after a kill.
pub fn whole_mark(command: &str, replaced: Option<&Path>) -> String {
    let mut text = format!("{WHOLE_MARK}{command}\n");
    if let Some(path) = replaced {
        text.push_str(&format!("{REPLACED_KEPT_IN}{}\n", path.display()));
    }
    text
}

/// The line of a whole copy's marker that says where the database it
/// replaces is kept.
const REPLACED_KEPT_IN: &str = "the database it replaces is kept in ";

/// A whole copy an interrupted command put in place (see [`whole_copy`]).
pub struct WholeCopy {
    /// The command that made it: `backup`, `restore` or `compact`.
    pub command: String,
    /// Where a restore keeps the database it replaced.
    pub replaced: Option<PathBuf>,
    /// The marker, locked by this process.
    pub marker: File,
}

/// The whole copy that `dir` is, if its marker says so (see
/// [`WHOLE_MARK`]) and no process holds the marker, with the marker
/// locked: a copy an interrupted command had put in place.
pub fn whole_copy(dir: &Path) -> Option<WholeCopy> {
    let path = dir.join(STAGING_MARKER);
    let mut marker = File::open(&path).ok()?;
    if marker.try_lock().is_err() || !is_same_file(&marker, &path) {
        return None;
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut marker, &mut text).ok()?;
    let mut lines = text.lines();
    let command = lines.next()?.strip_prefix(WHOLE_MARK)?.to_string();
    let replaced = lines
        .find_map(|line| line.strip_prefix(REPLACED_KEPT_IN))
        .map(PathBuf::from);
    Some(WholeCopy {
        command,
        replaced,
        marker,
    })
}

/// Removes [`STAGING_MARKER`] from `dir`, if it is there, and syncs the
/// directory, so that the copy, now in place, stays unmarked after a power
/// cut.
pub fn unmark(dir: &Path) -> Result<()> {
    let marker = dir.join(STAGING_MARKER);
    if !marker.exists() {
        return Ok(());
    }
    match std::fs::remove_file(&marker) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        other => other
            .map_err(|e| Error::database(format!("cannot remove {}: {e}", marker.display())))?,
    }
    sync_directory(dir)
}

/// Syncs the directory `dir` ([`sync_dir`]), so that the names created,
/// renamed or removed in it last; a failure is the command's error.
pub fn sync_directory(dir: &Path) -> Result<()> {
    sync_dir(dir).map_err(|e| Error::database(format!("cannot sync {}: {e}", dir.display())))
}

/// Where a database that a `restore` or `compact` (`before`) replaced is
/// kept beside `live`: `DB.before-restore-TIME`, a name not yet taken (two
/// in the same second get `-2`, `-3`, …).
pub fn aside_name(live: &Path, before: &str) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut candidate = beside(live, &format!("before-{before}-{stamp}"));
    let mut n = 1;
    while candidate.exists() {
        n += 1;
        candidate = beside(live, &format!("before-{before}-{stamp}-{n}"));
    }
    candidate
}

/// Moves database files an interrupted `restore` or `compact` (`what`)
/// left at `staged` without the marker (the database it replaced, whole or
/// damaged) aside as `DB.before-WHAT-TIME`: kept, never deleted, and out of
/// the way. Returns where they are now, if there were any.
pub fn keep_unmarked_leftover(live: &Path, staged: &Path, what: &str) -> Result<Option<PathBuf>> {
    let holds_entries = std::fs::read_dir(staged).is_ok_and(|mut e| e.next().is_some());
    if !holds_entries || !holds_only_database_files(staged) || staged.join(STAGING_MARKER).exists()
    {
        return Ok(None);
    }
    let aside = aside_name(live, what);
    std::fs::rename(staged, &aside)
        .map_err(|e| Error::database(format!("cannot move {} aside: {e}", staged.display())))?;
    if let Some(parent) = live.parent().filter(|p| !p.as_os_str().is_empty()) {
        sync_directory(parent)?;
    }
    Ok(Some(aside))
}

/// Finishes what a `restore` or `compact` killed right after its swap (or
/// a `backup` killed right after its rename) left at the database `path`,
/// which this process has locked: the copy in place still carries its
/// mark, a whole one (see [`WHOLE_MARK`]), and the database it replaced
/// may still be at the working name (`DB.restoring`), where a user would
/// take it for a copy to clean up. That database is moved aside as
/// `DB.before-restore-TIME` (never deleted), the mark removed, and the
/// user told. A reading command that cannot do so says where things are.
fn finish_interrupted_swap(path: &Path, access: Access) -> Result<()> {
    if !path.join(STAGING_MARKER).exists() {
        return Ok(());
    }
    let Some(WholeCopy {
        command, replaced, ..
    }) = whole_copy(path)
    else {
        return Ok(());
    };
    let working = match command.as_str() {
        "restore" => Some(RESTORING),
        "compact" => Some(COMPACTING),
        _ => None,
    };
    let finished = working
        .map_or(Ok(None), |suffix| {
            keep_unmarked_leftover(path, &beside(path, suffix), &command)
        })
        .and_then(|kept| unmark(path).map(|()| kept));
    let notice = match (&command[..], &finished) {
        ("restore", Ok(Some(aside))) => format!(
            "a `factline restore` was interrupted after it put its backup in place: {} holds the restored backup; the database it replaced is kept in {}",
            path.display(),
            aside.display()
        ),
        ("restore", Ok(None)) => match replaced.filter(|aside| aside.exists()) {
            Some(aside) => format!(
                "a `factline restore` was interrupted after it put its backup in place: {} holds the restored backup; the database it replaced is kept in {}",
                path.display(),
                aside.display()
            ),
            None => format!(
                "finished a `factline restore` that was interrupted after it put its backup in place: {} holds the restored backup",
                path.display()
            ),
        },
        ("compact", Ok(Some(aside))) => format!(
            "kept the old files an interrupted `factline compact` left in {} as {}",
            beside(path, COMPACTING).display(),
            aside.display()
        ),
        (_, Ok(_)) => return Ok(()),
        (_, Err(e)) if access == Access::Read => format!(
            "a `factline {command}` was interrupted after it put its copy in place at {}, and cannot be finished now ({e}); a command that writes finishes it",
            path.display()
        ),
        (_, Err(_)) => return finished.map(drop),
    };
    crate::notice(notice);
    Ok(())
}

/// The suffix of `backup`'s working copy (`DEST.partial`, see [`beside`]).
pub const PARTIAL: &str = "partial";
/// The suffix of `restore`'s working copy (`DB.restoring`).
pub const RESTORING: &str = "restoring";
/// The suffix of `compact`'s working copy (`DB.compacting`).
pub const COMPACTING: &str = "compacting";

/// `dir` with `.suffix` added to its whole name (`story.db` →
/// `story.db.compacting`): the working directories of backup, restore and
/// compact, which never share a name with another database's.
pub fn beside(dir: &Path, suffix: &str) -> PathBuf {
    let mut name = dir.file_name().unwrap_or(dir.as_os_str()).to_os_string();
    name.push(".");
    name.push(suffix);
    dir.with_file_name(name)
}

/// Refuses a working copy of `backup`, `restore` or `compact` given as a
/// database (`--db story.db.partial`): a directory named as one
/// (`DEST.partial`, `DB.restoring`, `DB.compacting`, see [`beside`]) that
/// carries [`STAGING_MARKER`] is a copy an interrupted command did not
/// finish, and may hold any part of the database (sled reads a `db` file
/// cut short as an empty database). A user's own database of such a name,
/// without the marker, is a database like any other.
pub fn refuse_working_copy(path: &Path) -> Result<()> {
    let named_as_copy = path.file_name().is_some_and(|name| {
        let name = name.to_string_lossy();
        [PARTIAL, RESTORING, COMPACTING].iter().any(|suffix| {
            name.strip_suffix(suffix)
                .is_some_and(|stem| stem.ends_with('.'))
        })
    });
    if named_as_copy && path.join(STAGING_MARKER).exists() {
        return Err(Error::bad_input(format!(
            "{} is not a database: it carries {STAGING_MARKER}, the mark of a copy that a factline backup, restore or compact is making or did not finish; pass --db the database itself",
            path.display()
        )));
    }
    Ok(())
}

/// The error for a directory that holds a user's own files.
fn foreign(path: &Path) -> Error {
    Error::bad_input(format!(
        "{} holds other files and is not a factline database; pass --db a new or empty directory",
        path.display()
    ))
}

/// Refuses to create a database in `path` when it holds a user's files:
/// other files, or a file named `db` without sled's `conf` beside it. sled
/// writes `conf` before it creates `db`, so a creation it began never leaves
/// `db` alone; without this check, sled would write its log over the file.
fn refuse_foreign(path: &Path) -> Result<()> {
    if is_foreign(path) {
        return Err(foreign(path));
    }
    let log = path.join("db");
    if log.exists() && !path.join("conf").exists() {
        return Err(Error::bad_input(format!(
            "{} is not a factline database's file (there is no conf beside it); pass --db a new or empty directory",
            log.display()
        )));
    }
    Ok(())
}

/// Whether `path` is a directory that holds nothing but a database's files
/// (factline's and sled's), complete or not: what an interrupted copy of a
/// database leaves.
pub fn holds_only_database_files(path: &Path) -> bool {
    path.is_dir() && !is_foreign(path)
}

/// Whether `path` holds files that are neither factline's nor sled's
/// (factline must not write its files among a user's own). sled's files
/// without a complete database are a creation that was interrupted, or one
/// another process is making right now.
fn is_foreign(path: &Path) -> bool {
    let ours = |name: &std::ffi::OsStr| {
        let name = name.to_string_lossy();
        matches!(
            name.as_ref(),
            LOCK_FILE | STAGING_MARKER | "conf" | "db" | "blobs"
        ) || name.starts_with("snap.")
    };
    std::fs::read_dir(path)
        .is_ok_and(|mut entries| entries.any(|e| e.is_ok_and(|e| !ours(&e.file_name()))))
}

impl Durability {
    fn flush(&self) -> Result<()> {
        // Coarse file times: a blob written in the same tick still counts.
        let started = std::time::SystemTime::now() - std::time::Duration::from_secs(2);
        self.db.flush().map_err(|e| sled_error(&self.path, e))?;
        if self.lock.is_none() {
            return Ok(()); // an in-memory snapshot: nothing on disk
        }
        let io = |what: &Path, e: std::io::Error| {
            Error::database(format!("cannot sync {}: {e}", what.display()))
        };
        let log = self.path.join("db");
        File::open(&log)
            .and_then(|f| f.sync_all())
            .map_err(|e| io(&log, e))?;
        let mut synced = self
            .synced_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let synced_until = *synced;
        let blobs = self.path.join("blobs");
        if let Ok(entries) = std::fs::read_dir(&blobs) {
            for entry in entries.flatten() {
                let fresh = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t >= synced_until);
                if fresh {
                    let file = entry.path();
                    File::open(&file)
                        .and_then(|f| f.sync_all())
                        .map_err(|e| io(&file, e))?;
                }
            }
            sync_dir(&blobs).map_err(|e| io(&blobs, e))?;
        }
        *synced = started;
        if self.created {
            sync_dir(&self.path).map_err(|e| io(&self.path, e))?;
            if let Some(parent) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
                sync_dir(parent).map_err(|e| io(parent, e))?;
            }
        }
        Ok(())
    }
}

/// Removes a database that a failed command created and left empty, so that
/// a failed first command leaves nothing behind. Does nothing to a database
/// that holds any record, or that cannot be opened.
pub fn discard_if_empty(path: &Path) {
    let empty = match Store::open(path, Access::Read) {
        Ok(store) => store.data.is_empty(),
        Err(_) => false,
    };
    if empty {
        for name in ["conf", "db", LOCK_FILE] {
            let _ = std::fs::remove_file(path.join(name));
        }
        let _ = std::fs::remove_dir_all(path.join("blobs"));
        if let Ok(entries) = std::fs::read_dir(path) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with("snap.") {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        // Only removes the directory if nothing else is in it.
        let _ = std::fs::remove_dir(path);
    }
}

/// The days and the id in the tail of an `x` key: a date sort key (9
/// bytes), then the event id.
fn split_sorted_id(body: &[u8]) -> Option<(i32, i32, &[u8])> {
    let (earliest, latest) = keys::days_of_sort_key(body)?;
    Some((earliest, latest, body.get(9..)?))
}

fn parse_sorted_id(body: &[u8]) -> Option<(i32, i32, String)> {
    let (earliest, latest, id) = split_sorted_id(body)?;
    Some((earliest, latest, String::from_utf8_lossy(id).into_owned()))
}

/// Reads the participation index (`x` keys) without the store's page
/// cache, so that it can be sent to another thread: graph queries load
/// many actors' participations on both cores.
pub struct GraphReader {
    pages: pages::PageReader,
    path: PathBuf,
}

impl GraphReader {
    /// One actor's part in each of its events, in timeline order:
    /// (earliest, latest, event id, participation).
    pub fn for_each_participation(
        &self,
        actor_id: &str,
        visit: &mut dyn FnMut(i32, i32, &str, Participation<'_>),
    ) -> Result<()> {
        self.for_each_actor_event(actor_id, &mut |earliest, latest, id, value| {
            visit(earliest, latest, id, codec::decode_prefix(value)?);
            Ok(())
        })
    }

    /// Calls `visit` with the days, event id and participation bytes of
    /// each of an actor's `x` entries.
    fn for_each_actor_event(&self, actor_id: &str, visit: &mut ActorEventVisitor) -> Result<()> {
        let prefix = keys::actor_events_prefix(actor_id);
        let end = pages::prefix_end(&prefix);
        let skip = prefix.len();
        self.pages
            .for_each(&prefix, end.as_deref(), &mut |key, value| {
                let (earliest, latest, id) = split_sorted_id(&key[skip..])
                    .and_then(|(e, l, id)| Some((e, l, std::str::from_utf8(id).ok()?)))
                    .ok_or_else(|| damaged_index(&self.path, "actor events"))?;
                visit(earliest, latest, id, value)
                    .map_err(|_| damaged_index(&self.path, "actor events"))
            })
    }

    /// Calls `visit` with each of an actor's participations, without their
    /// titles and dates: what the graph needs, decoded in a fraction of the
    /// time, borrowed from the page (no copy, no allocation per name).
    /// Arguments: earliest and latest day, the event's id, the head.
    pub fn for_each_participation_head(
        &self,
        actor_id: &str,
        visit: &mut dyn FnMut(i32, i32, &str, keys::ParticipationHead<'_>),
    ) -> Result<()> {
        self.for_each_actor_event(actor_id, &mut |earliest, latest, id, value| {
            visit(earliest, latest, id, codec::decode_prefix(value)?);
            Ok(())
        })
    }
}

/// What `check --repair` tells of a page it could not read, stored under
/// `page` and followed by the page under `next` (the readable pages being
/// `in_order`): a page whose whole key range lies in one index keyspace held
/// only entries that are rebuilt from the records; any other held entries
/// that are lost.
fn lost_page_note(page: &[u8], e: &str, next: Option<&[u8]>, in_order: bool) -> String {
    let prefix = page.first().copied();
    // With no page after it, the page held every key from its own on: only
    // index entries if no keyspace comes after its own. Pages out of order
    // or overlapping bound nothing.
    let index_only = in_order
        && prefix.is_some_and(|p| keys::INDEXES.contains(&p))
        && match next {
            Some(next) => next.first().copied() == prefix,
            None => prefix == Some(keys::LAST_KEYSPACE),
        };
    if index_only {
        format!(
            "page {} could not be read ({e}); it held only index entries, rebuilt from the records",
            show_key(page)
        )
    } else {
        format!(
            "page {} could not be read ({e}); its entries are lost: restore a backup or re-import a dump to recover them",
            show_key(page)
        )
    }
}

fn damaged_index(path: &Path, which: &str) -> Error {
    Error::database(format!(
        "damaged {which} index in {}; run `factline check`",
        path.display()
    ))
}

/// Called with an `x` entry's earliest and latest day, event id and value;
/// an error means the value cannot be decoded.
type ActorEventVisitor<'a> =
    dyn FnMut(i32, i32, &str, &[u8]) -> std::result::Result<(), String> + 'a;

/// What importing a dump needs of a change: a [`Change`] for a small one (the
/// example), a [`bulk::Bulk`] for a file.
pub trait Writes {
    /// The current version of a record, as this change would leave it.
    fn current<R: Record>(&mut self, id: &str) -> Result<Option<R>>;
    /// Writes `record` as the next version of its id, recorded when it
    /// says it was (a dump is history as it was recorded).
    fn write<R: Record>(&mut self, record: &R) -> Result<()>;
}

impl Writes for Change<'_> {
    fn current<R: Record>(&mut self, id: &str) -> Result<Option<R>> {
        self.get(id)
    }

    fn write<R: Record>(&mut self, record: &R) -> Result<()> {
        if let Some(event) = record.as_event() {
            self.note_event(event);
        }
        self.put_as_recorded(record)
    }
}

impl Writes for bulk::Bulk<'_> {
    fn current<R: Record>(&mut self, id: &str) -> Result<Option<R>> {
        self.get(id)
    }

    fn write<R: Record>(&mut self, record: &R) -> Result<()> {
        self.put_as_recorded(record, 0)
    }
}

/// The logical writes that make `record` the version after `current` (the
/// stored one, or none): the superseded version into history, its index
/// entries removed, the new ones, and last the record itself. Refused unless
/// `record`'s version follows `current`'s, so a stale edit cannot overwrite
/// a newer one.
fn next_version_writes<R: Record>(
    current: Option<&R>,
    record: &R,
) -> Result<Vec<pages::LogicalWrite>> {
    let id = record.id();
    let expected = current.map_or(1, |c| c.meta().version + 1);
    if record.meta().version != expected {
        let what = keys::record_word(R::KIND);
        let version = record.meta().version;
        return Err(Error::bad_input(match current {
            // Only a dump gives a record's versions: one whose first
            // lines are missing.
            None => format!(
                "{what} {id} starts at version {version}: its versions before it are missing (a record starts at version 1)"
            ),
            Some(_) => format!(
                "{what} {id}: version {version} does not follow version {}, the latest stored",
                expected - 1
            ),
        }));
    }
    let mut writes = Vec::new();
    if let Some(old) = current {
        writes.push((
            keys::history(R::KIND, id, old.meta().version),
            Some(codec::encode(old)),
        ));
        writes.extend(old.index_entries().into_iter().map(|(key, _)| (key, None)));
    }
    writes.extend(
        record
            .index_entries()
            .into_iter()
            .map(|(key, value)| (key, Some(value))),
    );
    writes.push((keys::record(R::KIND, id), Some(codec::encode(record))));
    Ok(writes)
}

/// The days an event's date spans, when both its ends are known.
fn finite_span(event: &Event) -> Option<i32> {
    let (e, l) = (event.date.earliest_day(), event.date.latest_day());
    (e != i32::MIN && l != i32::MAX).then(|| l.saturating_sub(e))
}

/// A set of record writes applied atomically: each new version moves the
/// previous one into history and replaces its index entries.
pub struct Change<'s> {
    store: &'s Store,
    /// Keys written by this change so far: `None` removes the key.
    pending: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    max_span: Option<i32>,
    /// The latest time a record written by this change was recorded.
    latest: Option<Stamp>,
}

impl Change<'_> {
    /// The current version of a record, as this change would leave it.
    pub fn get<R: Record>(&self, id: &str) -> Result<Option<R>> {
        let key = keys::record(R::KIND, id);
        match self.pending.get(&key) {
            Some(Some(bytes)) => self.store.decode(bytes, R::KIND, id).map(Some),
            Some(None) => Ok(None),
            None => self.store.get(id),
        }
    }

    /// Writes `record` as the next version of its id. Its `meta.version` must
    /// be one more than the current version (1 for a new record): a stale
    /// edit is refused instead of overwriting a newer one.
    ///
    /// A version stamped before the latest already recorded in the store
    /// (the clock went back) is recorded at that time instead.
    pub fn put<R: Record>(&mut self, record: &R) -> Result<()> {
        let record = recorded_from(record, self.store.recorded_floor()?);
        self.put_as_recorded(record.as_ref())
    }

    /// [`Change::put`], keeping the time `record` says it was recorded: for
    /// a dump's versions, which are history as it was recorded.
    fn put_as_recorded<R: Record>(&mut self, record: &R) -> Result<()> {
        let current = self.get::<R>(record.id())?;
        self.pending
            .extend(next_version_writes(current.as_ref(), record)?);
        self.latest = self.latest.max(Some(record.meta().recorded_at));
        Ok(())
    }

    /// Stores a superseded version directly (used by NDJSON import, which
    /// carries every version of a record, oldest first).
    pub fn put_history<R: Record>(&mut self, record: &R) {
        self.latest = self.latest.max(Some(record.meta().recorded_at));
        self.pending.insert(
            keys::history(R::KIND, record.id(), record.meta().version),
            Some(codec::encode(record)),
        );
    }

    /// Notes an event's span so window scans know how far back to start.
    pub fn note_event(&mut self, event: &Event) {
        self.max_span = self.max_span.max(finite_span(event));
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Applies every write at once and flushes: after `Ok`, the change is on disk.
    pub fn commit(self) -> Result<()> {
        let store = self.store;
        let entries = self.pending.len();
        let started = std::time::Instant::now();
        self.apply()?;
        let applied = started.elapsed();
        store.flush()?;
        crate::detail(format!(
            "wrote {entries} entries in {} ms, synced to disk in {} ms",
            applied.as_millis(),
            (started.elapsed() - applied).as_millis()
        ));
        Ok(())
    }

    /// Applies every write at once (atomically), without flushing.
    fn apply(self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let store = self.store;
        if let Some(span) = self.max_span {
            store.raise_max_span(span)?;
        }
        if let Some(at) = self.latest {
            store.raise_recorded_until(at)?;
        }
        store.data.apply(self.pending)
    }
}

/// fsync on a directory makes the names in it durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Removes the snapshot files that sled had not finished writing.
///
/// sled writes a snapshot (a summary of its log, to open faster) to
/// `snap.LSN.generating` and renames it to `snap.LSN` once it is complete.
/// sled 0.34.7 also picks `.generating` files when it looks for the latest
/// snapshot, so a process killed while writing one left a database that
/// sled refused to open ("Read corrupted data at file offset None"). The
/// log holds every change: without the unfinished file sled reads the
/// previous snapshot and replays the log from there. Called under the lock,
/// so no other process is writing one.
fn remove_unfinished_snapshots(path: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(path) else {
        return Ok(()); // a new database: nothing to remove
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            std::fs::remove_file(entry.path()).map_err(|e| {
                Error::database(format!(
                    "cannot remove the unfinished sled snapshot {}: {e}",
                    entry.path().display()
                ))
            })?;
            crate::detail(format!("removed an unfinished sled snapshot: {name}"));
        }
    }
    Ok(())
}

fn lock(path: &Path, wait: std::time::Duration) -> Result<File> {
    let lock_path = path.join(LOCK_FILE);
    let open = || {
        OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
    };
    acquire(path, wait, &open)
}

/// The lock of the database directory at `path`, as every command takes it,
/// without opening sled: for `restore` over a database (damaged or not),
/// and for the new copy `restore` and `compact` swap in (locked before the
/// swap, since the lock they hold moves away with the old files).
///
/// A database this process may not write (`restore` over a colleague's
/// read-only dataset) is refused as every writing command refuses it, not
/// with the lock file's own error.
pub fn lock_directory(path: &Path, wait: std::time::Duration) -> Result<File> {
    lock(path, wait).map_err(|e| match scratch::why_read_only(path) {
        Some(why) => scratch::writing_refused(path, why),
        None => e,
    })
}

/// The lock of the database at `path` if it has a lock file, without
/// creating one (a backup is an archive that stays as it was; one copied by
/// other means may have none): for reading a database's files directly, as
/// `restore` reads its source.
pub fn lock_if_present(path: &Path, wait: std::time::Duration) -> Result<Option<File>> {
    let lock_path = path.join(LOCK_FILE);
    if !lock_path.is_file() {
        return Ok(None);
    }
    // Read-only: a flock needs no write access.
    acquire(path, wait, &|| File::open(&lock_path)).map(Some)
}

/// Locks the file `open` opens (factline's lock file of the database at
/// `path`), waiting up to `wait` for another process to release it.
fn acquire(
    path: &Path,
    wait: std::time::Duration,
    open: &dyn Fn() -> std::io::Result<File>,
) -> Result<File> {
    let lock_path = path.join(LOCK_FILE);
    let cannot_open =
        |e: std::io::Error| Error::database(format!("cannot open {}: {e}", lock_path.display()));
    let mut file = open().map_err(cannot_open)?;
    let deadline = std::time::Instant::now() + wait;
    let mut said = false;
    loop {
        match file.try_lock() {
            // `restore` and `compact` swap the directory while holding its
            // lock: a process that opened the lock file before the swap and
            // got the lock after it holds the replaced directory's lock. It
            // starts over with the file now at the path.
            Ok(()) if !is_same_file(&file, &lock_path) => {
                file = open().map_err(cannot_open)?;
            }
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                if !said {
                    crate::detail(format!(
                        "database {} is in use by another factline process; waiting up to {} s",
                        path.display(),
                        wait.as_secs_f64()
                    ));
                    said = true;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(std::fs::TryLockError::WouldBlock) if wait.is_zero() => {
                return Err(Error::database(format!(
                    "database {} is in use by another factline process; try again when it has finished, or pass --wait SECS",
                    path.display()
                )))
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::database(format!(
                    "database {} is in use by another factline process, still after waiting {} s",
                    path.display(),
                    wait.as_secs_f64()
                )))
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::database(format!(
                    "cannot lock database {}: {e}",
                    path.display()
                )))
            }
        }
    }
}

/// Whether the open `file` is the file now at `path` (not one renamed or
/// removed since it was opened).
pub fn is_same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// Opens sled, retrying for up to `wait` while sled's own file lock is
/// still held: by a handle this process has just dropped, whose background
/// threads can hold it for a moment (seen in tests under load).
fn open_sled_waiting(path: &Path, access: Access, wait: std::time::Duration) -> Result<sled::Db> {
    let deadline = std::time::Instant::now() + wait;
    loop {
        match open_sled(path, access) {
            Err(_) if std::time::Instant::now() < deadline && sled_lock_held(path) => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            opened => return opened,
        }
    }
}

/// Whether sled's lock on its log file is held by an open handle.
fn sled_lock_held(path: &Path) -> bool {
    File::open(path.join("db")).is_ok_and(|log| {
        matches!(
            log.try_lock_shared(),
            Err(std::fs::TryLockError::WouldBlock)
        )
    })
}

fn open_sled(path: &Path, access: Access) -> Result<sled::Db> {
    let mut config = sled::Config::new()
        .path(path)
        // factline is a CLI: a short process reads a page once (and caches
        // it decoded, see pages.rs), so a small cache keeps memory low; and
        // every command flushes explicitly before it reports success.
        .cache_capacity(32 * 1024 * 1024);
    if access == Access::Read {
        // No flusher thread for a reading command: it has nothing to
        // flush, yet its first round fsyncs the log (sled rewrites its free
        // segments at every open), and the process cannot exit before that
        // fsync returns, which takes as long as the disk needs to write out
        // whatever other programs left dirty. The undo of an interrupted
        // import, the one write made here, flushes itself.
        config = config.flush_every_ms(None);
    }
    // sled can panic on a damaged file instead of returning an error; turn
    // that into a message that names the file instead of a crash report.
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || config.open()));
    std::panic::set_hook(previous_hook);
    match opened {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(e)) => Err(sled_error(path, e)),
        Err(_) => Err(Error::database(format!(
            "database {} is damaged and cannot be opened; restore a backup or re-import an NDJSON dump",
            path.display()
        ))),
    }
}

fn sled_error(path: &Path, e: sled::Error) -> Error {
    match e {
        sled::Error::Io(io) if io.kind() == std::io::ErrorKind::WouldBlock => {
            Error::database(format!(
                "database {} is in use by another factline process",
                path.display()
            ))
        }
        // sled's own text ("Read corrupted data at file offset None
        // backtrace ()") tells a user nothing more than this.
        sled::Error::Corruption { .. } => Error::database(format!(
            "database {} is damaged (its storage files hold corrupted data); restore a backup or re-import an NDJSON dump",
            path.display()
        )),
        sled::Error::Io(io) if is_disk_full(&io) => Error::disk_full(format!(
            "no space left on the disk of database {}: free some space and run the command \
             again (a change cut short is undone when the database is next opened)",
            path.display()
        )),
        other => Error::database(format!("database {}: {other}", path.display())),
    }
}

/// Whether an error of sled's is the disk filling up. sled passes some of
/// them on as text (`Os { code: 28, kind: StorageFull, … }`), so the text
/// is read too.
pub fn is_disk_full(io: &std::io::Error) -> bool {
    io.kind() == std::io::ErrorKind::StorageFull
        || io.raw_os_error() == Some(28)
        || io.to_string().contains("StorageFull")
}
