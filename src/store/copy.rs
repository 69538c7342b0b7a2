//! A compact copy of the database, for `factline compact`: every tree, key
//! and value written afresh into a new sled database, which then holds none
//! of the space sled has not reclaimed yet (old versions of rewritten pages,
//! an import's cleared undo log), and read back before it is used.

use std::fs::File;
use std::path::Path;

use xxhash_rust::xxh3::Xxh3;

use super::{open_sled, open_sled_waiting, sled_error, Access, Store};
use crate::error::{Error, Result};

/// Bytes of keys and values per sled batch of the copy.
const COPY_BATCH_BYTES: usize = 8 * 1024 * 1024;

/// What [`Store::write_compact_copy`] copied.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    /// sled keys (pages and metadata), in every tree.
    pub keys: u64,
    /// Their keys' and values' bytes.
    pub bytes: u64,
}

/// Feeds one tree's entry to a digest, with lengths, so that no two
/// different sequences of entries feed the same bytes.
fn digest_entry(digest: &mut Xxh3, tree: &[u8], key: &[u8], value: &[u8]) {
    for part in [tree, key, value] {
        digest.update(&(part.len() as u64).to_le_bytes());
        digest.update(part);
    }
}

/// Syncs every file under `dir`, then the directories themselves.
fn sync_tree(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            sync_tree(&path)?;
        } else {
            File::open(&path)?.sync_all()?;
        }
    }
    File::open(dir)?.sync_all()
}

/// Every tree of `db` in name order.
fn sorted_trees(db: &sled::Db) -> Vec<sled::IVec> {
    let mut names = db.tree_names();
    names.sort();
    names
}

/// The digest of every entry of every tree of `db`, with what it read.
fn digest_all(db: &sled::Db, path: &Path) -> Result<(u64, Copied)> {
    let sled = |e| sled_error(path, e);
    let mut digest = Xxh3::new();
    let mut read = Copied::default();
    for name in sorted_trees(db) {
        let tree = db.open_tree(&name).map_err(sled)?;
        for item in tree.iter() {
            let (key, value) = item.map_err(sled)?;
            digest_entry(&mut digest, &name, &key, &value);
            read.keys += 1;
            read.bytes += (key.len() + value.len()) as u64;
        }
    }
    Ok((digest.digest(), read))
}

impl Store {
    /// Writes every tree of this database into a new database in the
    /// directory `dest` (which holds none), in batches, and flushes it; then
    /// closes this database, keeping its lock (see
    /// [`Store::close_keeping_lock`]), and reads the copy back from disk: it
    /// must hold exactly what this database held, or it is an error (and
    /// the caller removes it). Returns the lock, still held, and what was
    /// copied. The copy has no lock file yet; its first open creates it.
    ///
    /// sled keeps much of what a full scan reads in memory (a million-event
    /// database read whole: about 190 MB), so the copy is read back only
    /// once the source and the writing handle are closed.
    pub fn write_compact_copy(self, dest: &Path) -> Result<(File, Copied)> {
        self.flush()?;
        let copy = open_sled(dest, Access::Write)?;
        let from = |e| sled_error(&self.path, e);
        let to = |e| sled_error(dest, e);
        let mut digest = Xxh3::new();
        let mut copied = Copied::default();
        for name in sorted_trees(&self.db) {
            let source = self.db.open_tree(&name).map_err(from)?;
            let target = copy.open_tree(&name).map_err(to)?;
            let mut batch = sled::Batch::default();
            let mut bytes = 0usize;
            for item in source.iter() {
                let (key, value) = item.map_err(from)?;
                digest_entry(&mut digest, &name, &key, &value);
                copied.keys += 1;
                bytes += key.len() + value.len();
                copied.bytes += (key.len() + value.len()) as u64;
                batch.insert(key, value);
                if bytes >= COPY_BATCH_BYTES {
                    target.apply_batch(std::mem::take(&mut batch)).map_err(to)?;
                    bytes = 0;
                }
            }
            target.apply_batch(batch).map_err(to)?;
        }
        copy.flush().map_err(to)?;
        drop(copy);
        // sled's flush does not sync every file it wrote (see
        // `Durability::flush`), and the old files are deleted after the swap.
        sync_tree(dest)
            .map_err(|e| Error::database(format!("cannot sync {}: {e}", dest.display())))?;
        let lock = self.close_keeping_lock()?;
        let reopened = open_sled_waiting(dest, Access::Read, std::time::Duration::from_secs(10))?;
        let (read_back, read) = digest_all(&reopened, dest)?;
        if (read_back, read) != (digest.digest(), copied) {
            return Err(Error::database(format!(
                "the copy in {} does not read back as written ({} of {} keys read)",
                dest.display(),
                read.keys,
                copied.keys
            )));
        }
        Ok((lock, copied))
    }

    /// Closes sled, everything flushed, and hands back factline's lock on
    /// the database directory, still held: a command that replaces the
    /// directory (`compact`, `restore`) keeps other processes out until the
    /// new one is in place. The lock moves with the directory if it is
    /// renamed.
    pub fn close_keeping_lock(mut self) -> Result<File> {
        self.flush()?;
        let lock = self.durability.lock.take().ok_or_else(|| {
            Error::database(format!(
                "database {} is held without a lock",
                self.path.display()
            ))
        })?;
        drop(self);
        Ok(lock)
    }
}
