//! Copies of a database's files: the copies `backup`, `restore` and
//! `compact` make, and the scratch copy a reading command works on when the
//! database itself is read-only for the user.
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
    let io = |what: &Path, e: std::io::Error| {
        Error::database(format!("cannot copy {}: {e}", what.display()))
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

/// Why the database directory `path` cannot be written by this process, if
/// it cannot: its lock file cannot be opened (or created) for writing, or
/// sled's log cannot be opened for writing, for lack of permission or
/// because the file system is read-only.
fn why_read_only(path: &Path) -> Option<ErrorKind> {
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

/// The temporary copy a [`Store`] reads instead of a read-only database:
/// removed when the store is dropped (after sled has closed it).
pub(super) struct ScratchCopy {
    /// Declared first: dropped (and so unlocked) after the copy is gone.
    _dir: tempfile::TempDir,
    /// The read-only database's lock, held for reading while the store is
    /// open: no factline process writes the database meanwhile.
    _lock: Option<File>,
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
            Some(why) => Err(Error::database(format!(
                "database {} is read-only here ({why}); this command writes to it (commands that only read work on a temporary copy)",
                path.display()
            ))),
            None => Err(failed),
        }
    }

    /// Opens a scratch copy of the read-only database at `path` for a
    /// command that only reads (see the module documentation). `why` is
    /// why the database cannot be written.
    fn open_scratch_copy(path: &Path, wait: std::time::Duration, why: ErrorKind) -> Result<Store> {
        let lock = super::lock_if_present(path, wait)?;
        let dir = tempfile::Builder::new()
            .prefix("factline-read-only-")
            .tempdir()
            .map_err(|e| {
                Error::database(format!(
                    "database {} is read-only here ({}), and no temporary directory can hold a copy to read: {e}",
                    path.display(),
                    why
                ))
            })?;
        let bytes = copy_database_files(path, dir.path(), Sync::None).map_err(|e| {
            e.context(format_args!(
                "database {} is read-only here ({}); reading a copy failed",
                path.display(),
                why
            ))
        })?;
        crate::notice(format!(
            "database {} is read-only here ({}); reading a temporary copy ({:.1} MB)",
            path.display(),
            why,
            bytes as f64 / 1e6
        ));
        let mut store = Store::open_as(dir.path(), Some(path), Access::Read, wait)?;
        store.scratch = Some(ScratchCopy {
            _dir: dir,
            _lock: lock,
        });
        Ok(store)
    }
}
