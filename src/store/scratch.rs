//! Copies of a database's files: the copies `backup`, `restore` and
//! `compact` make, the scratch copy a reading command works on when the
//! database itself is read-only for the user, and the snapshot an
//! `--as-of` read builds.
//!
//! sled 0.34 cannot open a database without writing to it (its recovery
//! rewrites free segments, it locks its log for writing), and factline
//! takes its own lock file, which it may have to create. A database on a
//! read-only mount, or one the user may read but not write (a colleague's
//! shared dataset, an archive made read-only), would refuse every command.
//! A reading command instead copies its files to a temporary directory,
//! holding the database's lock for reading where there is a lock file (so
//! no factline process writes it meanwhile), opens the copy, and removes it
//! when the command ends. Writing commands are refused with that reason.
//!
//! A command killed before it ends (Ctrl-C, SIGTERM, SIGKILL, a crash)
//! cannot remove its copy, so a copy carries the marker of a copy in
//! progress ([`STAGING_MARKER`]), locked by the process that reads it for
//! as long as it lives (the OS drops the lock when the process ends,
//! however it ends). The next reading command that makes a copy removes
//! the copies in the temporary directory whose marker nobody holds. A
//! signal handler could not do this: SIGKILL and crashes run none.
//!
//! An `--as-of` snapshot is such a directory too, in the temporary
//! directory (`TMPDIR`) like every temporary file of factline, never in
//! sled's default of `/dev/shm` (memory, often 64 MB in a container, and
//! never removed when the command is killed): a marked directory holding
//! a sled opened in its temporary mode, which syncs nothing. The next
//! snapshot or copy removes those whose command has gone, as it removes
//! abandoned copies.

use std::fs::{self, File, OpenOptions};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::{Access, Store, LOCK_FILE, STAGING_MARKER};
use crate::error::{Error, Result};

/// sled's files in `dir`: everything but factline's lock file (and the
/// marker of a copy being made).
fn database_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let entries = fs::read_dir(dir)
        .map_err(|e| Error::database(format!("cannot read {}: {e}", dir.display())))?;
    for entry in entries {
        let entry =
            entry.map_err(|e| Error::database(format!("cannot read {}: {e}", dir.display())))?;
        if entry.file_name() != LOCK_FILE && entry.file_name() != STAGING_MARKER {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

/// Whether a copy of a database's files is synced to disk as it is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sync {
    /// A copy that is to last (a backup, a restored database).
    Each,
    /// A scratch copy, removed when the command ends.
    None,
}

/// Copies a database's files (sled's, see [`database_files`]), file by
/// file, into the directory `to`, which exists (a claimed working copy is
/// never created here, so that a copy removed by another process is not
/// made again). Returns the bytes copied.
///
/// The copies keep the files' permissions, but are always writable by
/// their owner: sled opens its files for writing, so a copy of a read-only
/// archive (`chmod -R a-w backup`) could not be opened otherwise.
pub fn copy_database_files(from: &Path, to: &Path, sync: Sync) -> Result<u64> {
    // A full disk is the disk written to, never the one read from (the
    // callers name it as the user knows it).
    let io = |what: &Path, e: std::io::Error| {
        if super::is_disk_full(&e) {
            Error::disk_full(format!(
                "no space left on the disk of {} (copying {})",
                to.display(),
                what.display()
            ))
        } else {
            Error::database(format!("cannot copy {}: {e}", what.display()))
        }
    };
    let mut bytes = 0;
    for path in database_files(from)? {
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            fs::create_dir(&target).map_err(|e| io(&target, e))?;
            bytes += copy_database_files(&path, &target, sync)?;
        } else {
            bytes += fs::copy(&path, &target).map_err(|e| io(&path, e))?;
            owner_writable(&target).map_err(|e| io(&target, e))?;
            if sync == Sync::Each {
                File::open(&target)
                    .and_then(|f| f.sync_all())
                    .map_err(|e| io(&target, e))?;
            }
        }
    }
    owner_writable(to).map_err(|e| io(to, e))?;
    if sync == Sync::Each {
        File::open(to)
            .and_then(|f| f.sync_all())
            .map_err(|e| io(to, e))?;
    }
    Ok(bytes)
}

/// Adds the owner's write permission (and, for a directory, search) to
/// what `path` has.
fn owner_writable(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut permissions = fs::metadata(path)?.permissions();
        let wanted = if path.is_dir() { 0o700 } else { 0o600 };
        if permissions.mode() & wanted != wanted {
            permissions.set_mode(permissions.mode() | wanted);
            fs::set_permissions(path, permissions)?;
        }
    }
    #[cfg(not(unix))]
    {
        let mut permissions = fs::metadata(path)?.permissions();
        if permissions.readonly() {
            #[allow(clippy::permissions_set_readonly_false)]
            permissions.set_readonly(false);
            fs::set_permissions(path, permissions)?;
        }
    }
    Ok(())
}

/// The refusal of a command that writes to the database at `path`, which
/// this process cannot write (`why`).
pub(super) fn writing_refused(path: &Path, why: ErrorKind) -> Error {
    Error::database(format!(
        "database {} is read-only here ({why}); this command writes to it (commands that only read work on a temporary copy)",
        path.display()
    ))
}

/// Why the database directory `path` cannot be written by this process, if
/// it cannot: its lock file cannot be opened (or created) for writing, or
/// sled's log cannot be opened for writing, for lack of permission or
/// because the file system is read-only.
pub(super) fn why_read_only(path: &Path) -> Option<ErrorKind> {
    let denied = |opened: std::io::Result<File>| match opened {
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            Some(e.kind())
        }
        _ => None,
    };
    denied(
        OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path.join(LOCK_FILE)),
    )
    .or_else(|| denied(OpenOptions::new().write(true).open(path.join("db"))))
}

/// Removes a copy of a database's files at `dir` (the working copy of
/// `backup`, `restore` or `compact`, or a scratch copy), its marker
/// ([`STAGING_MARKER`]) last: a removal cut short leaves a copy still
/// marked as one, never what looks like a whole database.
pub fn remove_copy(dir: &Path) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name() == STAGING_MARKER {
            continue;
        }
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    match fs::remove_file(dir.join(STAGING_MARKER)) {
        Err(e) if e.kind() != ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    fs::remove_dir(dir)
}

/// How the directory of a scratch copy is named, in the temporary directory.
const SCRATCH_PREFIX: &str = "factline-read-only-";

/// How the directory of an `--as-of` snapshot is named, in the temporary
/// directory.
const SNAPSHOT_PREFIX: &str = "factline-as-of-";

/// What a temporary directory that cannot hold an `--as-of` snapshot needs.
const ROOM_FOR_SNAPSHOT: &str =
    "set TMPDIR to a directory you may write, with room for about the size of the database";

/// Removes the scratch copies and `--as-of` snapshots in the temporary
/// directory `tmp` that no process reads any more: their marker is not
/// locked (a copy whose reader was killed), and is still the file at its
/// path once locked (not a copy its reader has just removed). A copy
/// without a marker is one being made (its marker comes first, before any
/// file is copied) or one this process may not open (another user's): it
/// is left alone, as is one that cannot be removed. Returns how many
/// copies were removed.
fn remove_abandoned_copies(tmp: &Path) -> usize {
    let Ok(entries) = fs::read_dir(tmp) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !is_dir || !(name.starts_with(SCRATCH_PREFIX) || name.starts_with(SNAPSHOT_PREFIX)) {
            continue;
        }
        let dir = entry.path();
        let marker_path = dir.join(STAGING_MARKER);
        // A flock needs no write access.
        let Ok(marker) = File::open(&marker_path) else {
            continue;
        };
        match marker.try_lock() {
            Ok(()) if super::is_same_file(&marker, &marker_path) => {}
            _ => continue,
        }
        if remove_copy(&dir).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// A directory in the temporary directory that carries the marker
/// ([`STAGING_MARKER`]), locked while this process lives: one whose marker
/// nobody holds is abandoned (see [`remove_abandoned_copies`]). Removed,
/// marker last, when dropped.
struct MarkedDir {
    path: PathBuf,
    /// Closed (and so unlocked) after the directory is gone.
    _marker: File,
}

impl MarkedDir {
    /// Makes a directory named `prefix…` in the temporary directory, marked
    /// as `purpose` says, after removing the copies there that killed
    /// commands left.
    fn create(prefix: &str, purpose: &str) -> std::io::Result<MarkedDir> {
        let tmp = std::env::temp_dir();
        let removed = remove_abandoned_copies(&tmp);
        if removed > 0 {
            crate::detail(format!(
                "removed {removed} temporary copies (of read-only databases, or --as-of snapshots) that interrupted commands left in {}",
                tmp.display()
            ));
        }
        let path = new_private_dir(&tmp, prefix)?;
        // The marker, locked, before anything is written into it.
        let mark = || -> std::io::Result<File> {
            let marker = File::create_new(path.join(STAGING_MARKER))?;
            marker.lock()?;
            std::io::Write::write_all(&mut &marker, format!("{purpose}\n").as_bytes())?;
            Ok(marker)
        };
        match mark() {
            Ok(marker) => Ok(MarkedDir {
                path,
                _marker: marker,
            }),
            Err(e) => {
                let _ = remove_copy(&path);
                Err(e)
            }
        }
    }
}

/// Makes a new directory `prefix…` in `tmp` that only its owner may enter
/// (a copy of the user's records). Made here rather than by `tempfile`,
/// whose errors end in `at path "…"`, naming a directory that never was.
fn new_private_dir(tmp: &Path, prefix: &str) -> std::io::Result<PathBuf> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    let mut attempt = 0u32;
    loop {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = tmp.join(format!(
            "{prefix}{}-{nanos:08x}{attempt}",
            std::process::id()
        ));
        match builder.create(&path) {
            Err(e) if e.kind() == ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            made => return made.map(|()| path),
        }
    }
}

impl Drop for MarkedDir {
    fn drop(&mut self) {
        // What cannot be removed stays marked, for the next command.
        let _ = remove_copy(&self.path);
    }
}

/// The temporary copy a [`Store`] reads instead of a read-only database, or
/// an `--as-of` snapshot: removed when the store is dropped (after sled has
/// closed it).
pub(super) struct ScratchCopy {
    /// Declared first: removed before the database's lock is released.
    _dir: MarkedDir,
    /// The read-only database's lock, held for reading while the store is
    /// open: no factline process writes the database meanwhile.
    _lock: Option<File>,
}

/// What an error met while an `--as-of` snapshot was built means: the
/// snapshot's disk filling up is TMPDIR's (the database's own is only
/// read), the user's setting to mend (exit code 2), and an error of the
/// sort's temporary files says what they were for.
pub(super) fn snapshot_failed(e: Error) -> Error {
    if e.disk_full {
        return Error::bad_input(format!(
            "{} is full: cannot write an --as-of snapshot (a temporary database of the records as they were then); {ROOM_FOR_SNAPSHOT}",
            super::bulk::temp_dir_named()
        ))
        .in_temp_dir();
    }
    if e.temp_dir {
        return e.context("cannot build an --as-of snapshot");
    }
    e
}

impl Store {
    /// What opening the database at `path` gives when it `failed`: when
    /// the database is read-only for this process, a scratch copy for a
    /// command that only reads, and for one that writes an error that says
    /// so; else the failure itself.
    pub(super) fn open_read_only(
        path: &Path,
        access: Access,
        wait: std::time::Duration,
        failed: Error,
    ) -> Result<Store> {
        match why_read_only(path) {
            Some(why) if access == Access::Read => Store::open_scratch_copy(path, wait, why),
            Some(why) => Err(writing_refused(path, why)),
            // A full disk: sled cannot open the database, as it writes at
            // every open, but a copy elsewhere (TMPDIR) can still be read.
            None if failed.disk_full && access == Access::Read => {
                Store::open_scratch_copy(path, wait, ErrorKind::StorageFull)
            }
            None => Err(failed),
        }
    }

    /// Opens a scratch copy of the read-only database at `path` for a
    /// command that only reads (see the module documentation). `why` is
    /// why the database cannot be written.
    fn open_scratch_copy(path: &Path, wait: std::time::Duration, why: ErrorKind) -> Result<Store> {
        let lock = super::lock_if_present(path, wait)?;
        // What the user reads: "database X is read-only here (permission
        // denied)", or "… cannot be written: its disk is full".
        let state = match why {
            ErrorKind::StorageFull => "cannot be written: its disk is full".to_string(),
            why => format!("is read-only here ({why})"),
        };
        let cannot = |e: std::io::Error| {
            Error::database(format!(
                "database {} {state}, and no temporary directory can hold a copy to read: {e}",
                path.display(),
            ))
        };
        let dir = MarkedDir::create(
            SCRATCH_PREFIX,
            "a temporary copy of a read-only database, being read",
        )
        .map_err(cannot)?;
        let bytes = copy_database_files(path, &dir.path, Sync::None).map_err(|e| {
            e.context(format_args!(
                "database {} {state}; reading a copy failed",
                path.display(),
            ))
        })?;
        crate::notice(format!(
            "database {} {state}; reading a temporary copy ({:.1} MB)",
            path.display(),
            bytes as f64 / 1e6
        ));
        let mut store = Store::open_as(&dir.path, Some(path), Access::Read, wait)?;
        store.scratch = Some(ScratchCopy {
            _dir: dir,
            _lock: lock,
        });
        Ok(store)
    }

    /// An empty store for the `--as-of` snapshot of the database at `path`
    /// (named after it in messages), in a marked directory in the
    /// temporary directory: removed when the store is dropped, or by the
    /// next snapshot or copy if this command is killed (see the module
    /// documentation). A temporary directory that is missing, may not be
    /// written or is full is named (exit code 2).
    pub(super) fn snapshot_of(path: &Path) -> Result<Store> {
        let cannot = |e: std::io::Error| {
            super::bulk::cannot_create_in_temp_dir("an --as-of snapshot", ROOM_FOR_SNAPSHOT, e)
        };
        let dir = MarkedDir::create(SNAPSHOT_PREFIX, "an --as-of snapshot, being read")
            .map_err(cannot)?;
        // sled's temporary mode syncs nothing (the snapshot outlives no
        // command) and removes its files when closed; no flusher thread,
        // as for a reading command.
        let db = sled::Config::new()
            .path(dir.path.join("snapshot"))
            .temporary(true)
            .flush_every_ms(None)
            .open()
            .map_err(|e| match e {
                sled::Error::Io(io) => cannot(io),
                e => snapshot_failed(super::sled_error(path, e)),
            })?;
        let mut store = Store::of_temporary_sled(db, path)?;
        store.scratch = Some(ScratchCopy {
            _dir: dir,
            _lock: None,
        });
        Ok(store)
    }
}
