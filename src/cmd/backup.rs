//! `factline backup DEST`, `factline restore SRC` and `factline compact`:
//! consistent copies of the database directory. A copy is taken while this
//! process holds the database's lock (no writer can run), then opened and
//! checked. A restore checks a copy of the backup, never the backup itself,
//! which stays as it was. A compaction writes a fresh copy of every key and
//! reads it back. Restore and compact put the new directory in place while
//! still holding the old one's lock, swapping the two in one step where the
//! OS can.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cli::Format;
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::output::{print_detail, print_line, Row};
use crate::store::{self, beside, unmark, Access, Store, STAGING_MARKER};

/// What `backup`, `restore` and `compact` print once their work is done:
/// the path of the database (or backup) they wrote as a line of text, or,
/// with `--format json|csv`, a report (serde names are the JSON field and
/// CSV column names). If stdout cannot be written, the error says what
/// was `done` all the same.
fn print_report<R: Row>(format: Format, path: &Path, report: &R, done: &str) -> Result<()> {
    if format == Format::Table {
        print_line(path.display())
    } else {
        print_detail(format, report)
    }
    .map_err(|e| e.with_note(done))
}

#[derive(Serialize)]
struct BackupReport {
    backup: String,
    database: String,
    bytes: u64,
    keys_checked: usize,
}

impl Row for BackupReport {
    const HEADERS: &'static [&'static str] = &["backup", "database", "bytes", "keys_checked"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.backup.clone(),
            self.database.clone(),
            self.bytes.to_string(),
            self.keys_checked.to_string(),
        ]
    }
}

#[derive(Serialize)]
struct RestoreReport {
    database: String,
    restored_from: String,
    /// Where the database the restore replaced is kept (none for a new path).
    replaced_kept_in: Option<String>,
}

impl Row for RestoreReport {
    const HEADERS: &'static [&'static str] = &["database", "restored_from", "replaced_kept_in"];

    fn cells(&self) -> Vec<String> {
        vec![
            self.database.clone(),
            self.restored_from.clone(),
            self.replaced_kept_in.clone().unwrap_or_default(),
        ]
    }
}

#[derive(Serialize)]
struct CompactReport {
    database: String,
    bytes_before: u64,
    bytes_after: u64,
    /// sled keys copied and read back (stored pages and other keys).
    keys_copied: u64,
    bytes_copied: u64,
}

impl Row for CompactReport {
    const HEADERS: &'static [&'static str] = &[
        "database",
        "bytes_before",
        "bytes_after",
        "keys_copied",
        "bytes_copied",
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.database.clone(),
            self.bytes_before.to_string(),
            self.bytes_after.to_string(),
            self.keys_copied.to_string(),
            self.bytes_copied.to_string(),
        ]
    }
}

/// Whether the directory `dir` exists and holds anything.
fn holds_entries(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}

/// Opens a copy and checks it, returning the number of keys checked.
fn verify(dir: &Path) -> Result<usize> {
    let copy = Store::open(dir, Access::Read)?;
    if copy.was_unversioned() {
        return Err(Error::database(format!(
            "the copy in {} is not a whole factline database: it holds no schema version (its files were cut short, or its creation was interrupted)",
            dir.display()
        )));
    }
    let (problems, checked) = copy.check()?;
    if let Some(first) = problems.first() {
        return Err(Error::database(format!(
            "the copy in {} fails its check ({} problems, first: {first})",
            dir.display(),
            problems.len()
        )));
    }
    Ok(checked)
}

/// `path` as a directory that can be renamed and have siblings named after
/// it (`DB.restoring`, `DEST.partial`, see [`beside`]), absolute: `.` or
/// `dir/..` become the directory's own path, `new/` the path of `new`. A
/// path without a last name (`/`) is refused.
fn resolved(path: &Path) -> Result<PathBuf> {
    let cannot =
        |e: std::io::Error| Error::bad_input(format!("cannot resolve {}: {e}", path.display()));
    let resolved = if path.exists() {
        fs::canonicalize(path).map_err(cannot)?
    } else if path.file_name().is_none() {
        path.to_path_buf()
    } else {
        // The nearest directory that exists, resolved, then the rest.
        let mut missing = Vec::new();
        let mut at = path;
        while !at.as_os_str().is_empty() && !at.exists() {
            missing.push(at.file_name().unwrap_or_default());
            at = at.parent().unwrap_or(Path::new(""));
        }
        let base = if at.as_os_str().is_empty() {
            Path::new(".")
        } else {
            at
        };
        let mut resolved = fs::canonicalize(base).map_err(cannot)?;
        resolved.extend(missing.iter().rev());
        resolved
    };
    if resolved.file_name().is_none() || resolved.parent().is_none() {
        return Err(Error::bad_input(format!(
            "{} has no name of its own to replace or write beside; give the directory's path",
            path.display()
        )));
    }
    Ok(resolved)
}

/// Refuses `-` as a backup's directory: elsewhere it means stdin or
/// stdout, so `backup -` would otherwise make a directory named `-` where
/// the user meant a stream. A directory of that name is still `./-`.
fn refuse_dash(what: &str, path: &Path) -> Result<()> {
    if path != Path::new("-") {
        return Ok(());
    }
    Err(Error::bad_input(format!(
        "{what}, not stdin or stdout: give its path (./- for a directory named -)"
    )))
}

pub fn backup(ctx: &Ctx, dest: &Path) -> Result<()> {
    let format = ctx.read_format()?;
    if ctx.as_of.is_some() {
        return Err(Error::bad_input(
            "--as-of shows the past; a backup copies the database as it is now (`factline export --as-of TIME` writes a dump of the past)",
        ));
    }
    refuse_dash("backup writes a directory", dest)?;
    let dest = &resolved(dest)?;
    if let Some(database) = store::enclosing_database(dest) {
        return Err(Error::bad_input(format!(
            "{} is inside the database {}; back up to a directory outside any database",
            dest.display(),
            database.display()
        )));
    }
    // A whole backup an interrupted backup left at `dest` is replaced:
    // backing up again completes what it did not.
    if dest.exists()
        && fs::read_dir(dest)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
        && interrupted_backup(dest).is_none()
    {
        return Err(Error::bad_input(format!(
            "{} exists and is not empty; back up to a new directory",
            dest.display()
        )));
    }
    // Holding the store holds the lock: the files cannot change while copied.
    let store = ctx.open_closing()?;
    store.flush()?;
    let source = Ownership::of(&ctx.db);
    let no_room_for_backup = || {
        format!(
            "no space left on the disk of {} for the backup (it needs about {} MB); free some space or back up to another disk; no backup was made",
            dest.display(),
            mb(tree_bytes(&ctx.db))
        )
    };
    let claim = Claim::take(&beside(dest, store::PARTIAL), source, ctx.wait)
        .map_err(|e| no_room(e, no_room_for_backup))?;
    // Another backup into the same path may have finished while this one
    // waited for the database or the claim.
    if holds_entries(dest) && interrupted_backup(dest).is_none() {
        claim.discard();
        return Err(Error::bad_input(format!(
            "{} was filled while this backup waited for the database; back up to a new directory",
            dest.display()
        )));
    }
    let copied =
        store::copy_database_files(&ctx.db, &claim.dir, store::CopySync::Each).and_then(|bytes| {
            drop(store);
            Ok((bytes, verify(&claim.dir)?))
        });
    let (bytes, checked) = copied
        .map_err(|e| no_room(e, no_room_for_backup))
        .inspect_err(|_| claim.discard())?;
    claim.put_in_place(dest, "backup")?;
    // The backup is the user's who made it, with the database's
    // permissions (its files were copied with theirs).
    if let Some(source) = source {
        source.give_dir_mode(dest);
    }
    crate::notice(format!(
        "backed up {} to {} ({bytes} bytes; check ok, {checked} keys)",
        ctx.db.display(),
        dest.display()
    ));
    print_report(
        format,
        dest,
        &BackupReport {
            backup: dest.display().to_string(),
            database: shown(&ctx.db),
            bytes,
            keys_checked: checked,
        },
        "the backup is made",
    )
}

/// The error for a working copy that cannot be made; a full disk is
/// marked as such, for [`no_room`] to name the disk the user knows.
fn cannot_create(staged: &Path, e: std::io::Error) -> Error {
    let message = format!("cannot create {}: {e}", staged.display());
    if store::is_disk_full(&e) {
        Error::disk_full(message)
    } else {
        Error::database(message)
    }
}

/// A full disk while `backup`, `restore` or `compact` wrote its copy, as
/// the line `message` gives (the disk it names is the one the user knows:
/// the backup's, the database's, never the working copy's); any other
/// error as it is.
fn no_room(e: Error, message: impl FnOnce() -> String) -> Error {
    if e.disk_full {
        Error::disk_full(message())
    } else {
        e
    }
}

/// Moves database files an interrupted `restore` or `compact` left at
/// `staged` without the marker aside ([`store::keep_unmarked_leftover`]),
/// and says so.
fn keep_unmarked_leftover(live: &Path, staged: &Path, what: &str) -> Result<()> {
    if let Some(aside) = store::keep_unmarked_leftover(live, staged, what)? {
        crate::notice(format!(
            "kept the database an interrupted {what} left in {} as {}",
            staged.display(),
            aside.display()
        ));
    }
    Ok(())
}

/// Refuses to replace the directory this process runs in: the shell that
/// started it would be left in the old directory, and a later `--db .`
/// would quietly use the replaced database.
fn refuse_from_inside(live: &Path, command: &str) -> Result<()> {
    let inside = std::env::current_dir()
        .and_then(fs::canonicalize)
        .is_ok_and(|cwd| cwd.starts_with(live));
    if inside {
        return Err(Error::bad_input(format!(
            "run `factline {command}` from outside {}: it replaces that directory, and your shell would be left in the old one",
            live.display()
        )));
    }
    Ok(())
}

/// A working copy (`DEST.partial`, `DB.restoring`, `DB.compacting`) this
/// process has claimed: it holds an OS lock on the copy's marker file
/// ([`STAGING_MARKER`]), and only the process holding that lock writes into
/// the copy, removes it or puts it in place. Another process finds the
/// marker locked and refuses (exit 3) instead of taking the copy for one an
/// interrupted command left behind.
struct Claim {
    dir: PathBuf,
    marker: fs::File,
}

impl Claim {
    /// Claims the working directory `staged`: removes what an interrupted
    /// command left there (see [`remove_leftover`]), then creates it, with
    /// the database's directory permissions (`owner`) plus the owner's, and its
    /// marker, locked. A copy another process is making is waited for, up
    /// to `wait` (`--wait`).
    fn take(staged: &Path, owner: Option<Ownership>, wait: std::time::Duration) -> Result<Claim> {
        let deadline = std::time::Instant::now() + wait;
        loop {
            if let Ok(claim) = Claim::try_take(staged, owner)? {
                return Ok(claim);
            }
            if std::time::Instant::now() >= deadline {
                if wait.is_zero() {
                    return Err(copy_in_progress(staged));
                }
                return Err(Error::database(format!(
                    "{} {IN_PROGRESS}, still after waiting {} s",
                    staged.display(),
                    wait.as_secs_f64()
                )));
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    fn try_take(staged: &Path, owner: Option<Ownership>) -> Result<Result<Claim, Busy>> {
        if let Err(busy) = remove_leftover(staged)? {
            return Ok(Err(busy));
        }
        if let Some(parent) = staged.parent() {
            fs::create_dir_all(parent).map_err(|e| cannot_create(staged, e))?;
        }
        let mut dir = fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(
            &mut dir,
            owner.map_or(0o755, |o| o.dir_mode) | 0o700,
        );
        #[cfg(not(unix))]
        let _ = owner;
        match dir.create(staged) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(Err(Busy)),
            other => other.map_err(|e| cannot_create(staged, e))?,
        }
        let marker = match lock_marker(staged, true) {
            Ok(Ok(marker)) => marker,
            Ok(Err(busy)) => return Ok(Err(busy)),
            Err(e) => return Err(Claim::abandon(staged, e)),
        };
        if let Err(e) = std::io::Write::write_all(&mut &marker, b"a copy in progress\n") {
            return Err(Claim::abandon(staged, cannot_create(staged, e)));
        }
        Ok(Ok(Claim {
            dir: staged.to_path_buf(),
            marker,
        }))
    }

    /// Removes the working directory `staged`, just created by this
    /// process, whose marker could not be made (a disk with no room left
    /// even for it): the command changes nothing, and leaves no directory
    /// the user would have to wonder about.
    fn abandon(staged: &Path, e: Error) -> Error {
        let _ = store::remove_copy(staged);
        e
    }

    /// The copy's own database lock, for a copy still this one's, held
    /// until the work is done: across a swap, the lock the command held
    /// moves away with the files it replaced, and the path must stay
    /// locked. A copy that cannot be locked is removed.
    fn lock_copy(&self) -> Result<fs::File> {
        if !self.held() {
            return Err(copy_in_progress(&self.dir));
        }
        store::lock_directory(&self.dir, std::time::Duration::ZERO).inspect_err(|_| self.discard())
    }

    /// Whether the marker at the copy's path is still the one this process
    /// locked.
    fn held(&self) -> bool {
        store::is_same_file(&self.marker, &self.dir.join(STAGING_MARKER))
    }

    /// Removes the copy (a copy that failed), if it is still this one's.
    fn discard(&self) {
        if self.held() {
            let _ = store::remove_copy(&self.dir);
        }
    }

    /// Says in the copy's marker that the copy is whole and checked, and
    /// that `command` is putting it in place (see [`store::whole_mark`]),
    /// synced before the copy is renamed or swapped into place: a kill
    /// before its mark is removed leaves a copy known to be whole.
    fn mark_whole(&self, command: &str, replaced: Option<&Path>) -> Result<()> {
        let cannot = |e: std::io::Error| {
            Error::database(format!(
                "cannot write {}: {e}",
                self.dir.join(STAGING_MARKER).display()
            ))
        };
        let text = store::whole_mark(command, replaced);
        self.marker.set_len(0).map_err(cannot)?;
        #[cfg(unix)]
        std::os::unix::fs::FileExt::write_all_at(&self.marker, text.as_bytes(), 0)
            .map_err(cannot)?;
        #[cfg(not(unix))]
        {
            use std::io::{Seek, Write};
            let mut marker = &self.marker;
            marker
                .seek(std::io::SeekFrom::Start(0))
                .and_then(|_| marker.write_all(text.as_bytes()))
                .map_err(cannot)?;
        }
        self.marker.sync_all().map_err(cannot)
    }

    /// Renames the copy, marked whole, to `target`, an absent or empty
    /// directory (or a whole backup an interrupted backup left there, see
    /// [`interrupted_backup`]), and removes its marker, both synced; a copy
    /// that cannot be put there is removed.
    fn put_in_place(self, target: &Path, command: &str) -> Result<()> {
        if !self.held() {
            return Err(copy_in_progress(&self.dir));
        }
        self.mark_whole(command, None)
            .inspect_err(|_| self.discard())?;
        if let Some(_marker) = interrupted_backup(target) {
            store::remove_copy(target).map_err(|e| {
                self.discard();
                Error::database(format!("cannot remove {}: {e}", target.display()))
            })?;
            crate::notice(format!(
                "replaced the backup in {} that an interrupted `factline backup` had left unfinished",
                target.display()
            ));
        }
        let moved = match fs::remove_dir(target) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => fs::rename(&self.dir, target),
        };
        if let Err(e) = moved {
            self.discard();
            return Err(Error::database(
                if e.kind() == std::io::ErrorKind::DirectoryNotEmpty {
                    format!(
                        "{} was filled by another factline process meanwhile; it was left as it is",
                        target.display()
                    )
                } else {
                    format!("cannot write {}: {e}", target.display())
                },
            ));
        }
        sync_parent(target)?;
        unmark(target)
    }
}

/// The marker, locked, of a whole backup that an interrupted `backup` put
/// at `dest` and did not finish (it still carries its mark, see
/// [`store::whole_mark`]): a backup of the database as it was then, which
/// backing up again replaces.
fn interrupted_backup(dest: &Path) -> Option<fs::File> {
    store::whole_copy(dest)
        .filter(|copy| copy.command == "backup")
        .map(|copy| copy.marker)
}

/// Another process holds a working copy (it is making or removing it), or
/// took it since it was looked at: try again later.
struct Busy;

/// Opens the marker of the working copy `staged` (creating it, if
/// `create`, as a new file), locks it and checks that the locked file is
/// the one at the path: a copy whose marker another process holds is in
/// progress, and one removed meanwhile was taken by another process.
fn lock_marker(staged: &Path, create: bool) -> Result<Result<fs::File, Busy>> {
    let path = staged.join(STAGING_MARKER);
    // Read access is enough for a lock (a read-only backup's marker).
    let file = match fs::OpenOptions::new()
        .read(true)
        .write(create)
        .create_new(create)
        .open(&path)
    {
        Ok(file) => file,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::NotFound
            ) =>
        {
            return Ok(Err(Busy))
        }
        Err(e) if store::is_disk_full(&e) => return Err(cannot_create(&path, e)),
        Err(e) => {
            return Err(Error::database(format!(
                "cannot open {}: {e}",
                path.display()
            )))
        }
    };
    match file.try_lock() {
        Ok(()) if store::is_same_file(&file, &path) => Ok(Ok(file)),
        Ok(()) | Err(fs::TryLockError::WouldBlock) => Ok(Err(Busy)),
        Err(fs::TryLockError::Error(e)) => Err(Error::database(format!(
            "cannot lock {}: {e}",
            path.display()
        ))),
    }
}

const IN_PROGRESS: &str = "is a copy another factline process is making or removing now";

fn copy_in_progress(staged: &Path) -> Error {
    Error::database(format!(
        "{} {IN_PROGRESS}; try again when it has finished, or pass --wait SECS",
        staged.display()
    ))
}

/// Removes what an interrupted command left at `staged`: a copy in
/// progress (it holds [`STAGING_MARKER`], unlocked) or an empty directory,
/// after claiming it as [`Claim`] does (locking its marker, or creating
/// one). A copy another process holds is refused (exit 3), as are database
/// files without the marker (a database, whole or damaged: the one an
/// interrupted restore replaced, or a user's own) and anything else: never
/// deleted.
fn remove_leftover(staged: &Path) -> Result<Result<(), Busy>> {
    if !staged.exists() {
        return Ok(Ok(()));
    }
    let empty = !holds_entries(staged);
    if !empty && !store::holds_only_database_files(staged) {
        return Err(Error::bad_input(format!(
            "{} exists and is not a factline database; move it away first",
            staged.display()
        )));
    }
    // A copy gets its marker before anything is written into it: files
    // without one are a database (whole or damaged), never a copy.
    let marked = staged.join(STAGING_MARKER).exists();
    if !empty && !marked {
        return Err(Error::bad_input(format!(
            "{} holds database files that are not a copy in progress; move them away first",
            staged.display()
        )));
    }
    let _claimed = match lock_marker(staged, !marked)? {
        Ok(marker) => marker,
        Err(busy) => return Ok(Err(busy)),
    };
    store::remove_copy(staged)
        .map_err(|e| Error::database(format!("cannot remove {}: {e}", staged.display())))?;
    Ok(Ok(()))
}

/// Swaps two directories in one step (Linux `renameat2` with
/// `RENAME_EXCHANGE`, macOS `renameatx_np` with `RENAME_SWAP`).
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
)))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Refuses, before any copying, where directories beside `live` cannot be
/// swapped in one step: `compact` would otherwise leave a moment, and after
/// a crash a state, with no database at its path (where the next command
/// would start an empty one). Swaps two empty directories to find out.
fn probe_exchange(live: &Path) -> Result<()> {
    let (a, b) = (beside(live, "swap-probe-a"), beside(live, "swap-probe-b"));
    // Empty directories a compact killed while probing left (this runs
    // under the database's lock, so no other compact is probing).
    let _ = fs::remove_dir(&a);
    let _ = fs::remove_dir(&b);
    let made = fs::create_dir(&a).and_then(|()| fs::create_dir(&b));
    let swapped = made.and_then(|()| exchange(&a, &b));
    let _ = fs::remove_dir(&a);
    let _ = fs::remove_dir(&b);
    swapped.map_err(|e| {
        Error::database(format!(
            "cannot compact {}: the file system cannot swap two directories in one step here ({e}); the database is unchanged",
            live.display()
        ))
    })
}

/// Who owns a database directory and its files, and their permissions:
/// what a copy made in its place (by `compact` or `restore`) is given, so
/// that a private database stays private and one owned by another user
/// (a root `restore` of a user's database) stays theirs.
#[derive(Clone, Copy)]
struct Ownership {
    uid: u32,
    gid: u32,
    dir_mode: u32,
    file_mode: u32,
}

impl Ownership {
    /// The directory's owner and permissions, and those of sled's main file
    /// (`db`) for every file; none if there is no directory.
    fn of(dir: &Path) -> Option<Ownership> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let meta = fs::metadata(dir).ok()?;
            let file_mode = fs::metadata(dir.join("db")).map_or(0o644, |m| m.mode() & 0o7777);
            Some(Ownership {
                uid: meta.uid(),
                gid: meta.gid(),
                dir_mode: meta.mode() & 0o7777,
                file_mode,
            })
        }
        #[cfg(not(unix))]
        {
            let _ = dir;
            None
        }
    }

    /// Gives `dir` and everything in it this owner and these permissions,
    /// once the copy is in place and unmarked (a read-only directory cannot
    /// lose its marker). The work is done by then, so a failure is only
    /// reported. The owner is set only where it differs, and only where the
    /// system lets this process (root) give files away.
    fn give(self, dir: &Path) {
        if let Err(e) = self.apply(dir) {
            crate::notice(format!(
                "could not give {} the owner and permissions of the database it replaces: {e}",
                dir.display()
            ));
        }
    }

    /// Gives the directory `dir` alone this directory mode (a backup: the
    /// copy is its maker's, with the database's permissions).
    fn give_dir_mode(self, dir: &Path) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = fs::set_permissions(dir, fs::Permissions::from_mode(self.dir_mode));
        }
        #[cfg(not(unix))]
        let _ = dir;
    }

    #[cfg(unix)]
    fn apply(self, path: &Path) -> std::io::Result<()> {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = fs::symlink_metadata(path)?;
        if meta.is_dir() {
            for entry in fs::read_dir(path)? {
                self.apply(&entry?.path())?;
            }
        } else if !meta.is_file() {
            return Ok(());
        }
        let mode = if meta.is_dir() {
            self.dir_mode
        } else {
            self.file_mode
        };
        fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
        // Only root can give a file away; anyone else keeps it (and still
        // gets the permissions above).
        if (meta.uid(), meta.gid()) != (self.uid, self.gid) {
            match std::os::unix::fs::chown(path, Some(self.uid), Some(self.gid)) {
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {}
                other => other?,
            }
        }
        Ok(())
    }

    #[cfg(not(unix))]
    fn apply(self, _: &Path) -> std::io::Result<()> {
        Ok(())
    }
}

/// A path as reports show it: resolved, when it can be.
fn shown(path: &Path) -> String {
    fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// Syncs the directory holding `path`, so that renames in it last.
fn sync_parent(path: &Path) -> Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    store::sync_directory(parent)
}

/// Disk bytes of a directory tree (files only).
fn tree_bytes(dir: &Path) -> u64 {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| match entry.metadata() {
                    Ok(m) if m.is_dir() => tree_bytes(&entry.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

pub fn compact(ctx: &Ctx) -> Result<()> {
    let format = ctx.read_format()?;
    if !store::exists(&ctx.db) {
        return Err(Error::bad_input(format!(
            "no factline database at {}",
            ctx.db.display()
        )));
    }
    let live = resolved(&ctx.db)?;
    refuse_from_inside(&live, "compact")?;
    // The old directory is deleted after the swap: anything in it but the
    // database would go with it.
    if !store::holds_only_database_files(&live) {
        return Err(Error::bad_input(format!(
            "{} holds files that are not the database's; move them out before compacting (compact replaces the whole directory)",
            ctx.db.display()
        )));
    }
    // Opened for writing: an interrupted import is undone, an older layout
    // upgraded, before the copy is made.
    let store = ctx.open(Access::Write)?;
    let staged = beside(&live, store::COMPACTING);
    // A stray marker (a run killed right after its swap) would mark the
    // database as a copy once a swap moves it aside.
    unmark(&live)?;
    probe_exchange(&live)?;
    keep_unmarked_leftover(&live, &staged, "compact")?;
    let owner = Ownership::of(&live);
    let before = tree_bytes(&live);
    let no_room_for_copy = || {
        format!(
            "no space left on the disk of database {} for compact's copy (it needs up to about {} MB free beside the database); free some space and run the command again; the database is unchanged",
            ctx.db.display(),
            mb(before)
        )
    };
    let claim = Claim::take(&staged, owner, ctx.wait).map_err(|e| no_room(e, no_room_for_copy))?;
    let (lock, copied) = store
        .write_compact_copy(&staged)
        .map_err(|e| no_room(e, no_room_for_copy))
        .inspect_err(|_| claim.discard())?;
    claim
        .mark_whole("compact", None)
        .inspect_err(|_| claim.discard())?;
    let new_lock = claim.lock_copy()?;
    // Only in one step: renaming the database away and the copy in would
    // leave a moment, and after a crash a state, with no database at its
    // path, where the next command would start an empty one.
    if let Err(e) = exchange(&staged, &live) {
        claim.discard();
        let _ = unmark(&live);
        return Err(Error::database(format!(
            "cannot swap the compacted copy in for {} ({e}); the database is unchanged",
            ctx.db.display()
        )));
    }
    unmark(&live)?;
    // `staged` now holds the old files (the same keys): marked as a copy
    // at once, and the mark held until they are removed, so that a compact
    // killed now leaves a copy the next one removes. (A compact killed
    // between the swap and this mark leaves them unmarked: the next one
    // keeps them aside.) They are never marked while they are the
    // database: a mark left there would make it a copy.
    let old_files = lock_marker(&staged, true).ok().and_then(Result::ok).ok_or_else(|| {
        Error::database(format!(
            "compacted {}, but cannot mark its old files in {} to remove them; remove that directory by hand",
            ctx.db.display(),
            staged.display()
        ))
    })?;
    if let Some(owner) = owner {
        owner.give(&live);
    }
    sync_parent(&live)?;
    // `staged` now holds the old files: the same keys, and the space the
    // copy left behind. Removed under both locks (the old files' lock moved
    // with them): a compact waiting for the database starts on the new
    // files once they are gone.
    store::remove_copy(&staged)
        .map_err(|e| Error::database(format!("cannot remove {}: {e}", staged.display())))?;
    drop((old_files, lock, new_lock, claim));
    let after = tree_bytes(&live);
    crate::notice(format!(
        "compacted {}: {} MB before, {} MB now ({} stored pages and other sled keys, {} MB, copied and read back)",
        ctx.db.display(),
        mb(before),
        mb(after),
        copied.keys,
        mb(copied.bytes)
    ));
    print_report(
        format,
        &ctx.db,
        &CompactReport {
            database: shown(&live),
            bytes_before: before,
            bytes_after: after,
            keys_copied: copied.keys,
            bytes_copied: copied.bytes,
        },
        "the database is compacted",
    )
}

fn mb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1e6)
}

pub fn restore(ctx: &Ctx, src: &Path) -> Result<()> {
    let format = ctx.read_format()?;
    refuse_dash("restore reads a backup directory", src)?;
    if !src.exists() {
        return Err(Error::bad_input(format!(
            "{} does not exist",
            src.display()
        )));
    }
    // A copy factline was making and did not finish (the `DEST.partial`
    // of a killed backup, the `DB.compacting` of a killed compact) may
    // hold any part of the database: sled reads a `db` file cut short as
    // an empty database, which would replace the whole one.
    // One an interrupted backup had put in place, but not unmarked, is a
    // whole backup: its mark says so.
    if src.join(STAGING_MARKER).exists() && store::whole_copy(src).is_none() {
        return Err(match lock_marker(src, false)? {
            Ok(_unlocked) => Error::bad_input(format!(
                "{} is not a backup: it carries {STAGING_MARKER}, the mark of a copy that an interrupted factline backup, restore or compact did not finish; restore from a backup that `factline backup` completed",
                src.display()
            )),
            Err(Busy) => copy_in_progress(src),
        });
    }
    if !store::exists(src) {
        return Err(Error::bad_input(format!(
            "{} is not a factline database backup",
            src.display()
        )));
    }
    if ctx.as_of.is_some() {
        return Err(Error::bad_input(
            "--as-of shows the past; it cannot be used with a command that writes",
        ));
    }
    let live = resolved(&ctx.db)?;
    refuse_from_inside(&live, "restore")?;
    let staged = beside(&live, store::RESTORING);
    let source = resolved(src)?;
    if source == staged || source == live {
        return Err(Error::bad_input(format!(
            "{} is the database itself or restore's working copy; restore from a backup made with `factline backup`",
            src.display()
        )));
    }
    // A database inside another (the backup itself, or any database)
    // would be taken for files of the outer one.
    if let Some(outer) = store::enclosing_database(&live) {
        return Err(Error::bad_input(format!(
            "{} is inside the database {}; restore to a directory outside any database",
            ctx.db.display(),
            outer.display()
        )));
    }
    // What is at the path: nothing (or an empty directory), or a database,
    // whole or damaged (restoring is the way out of damage), which is set
    // aside once the copy is in place; anything else is not ours to replace.
    if live.exists() && !live.is_dir() {
        return Err(Error::bad_input(format!(
            "{} is a file, not a factline database directory",
            ctx.db.display()
        )));
    }
    let replacing = holds_entries(&live);
    if replacing && !store::holds_only_database_files(&live) {
        return Err(Error::bad_input(format!(
            "{} holds files that are not a factline database; restore into a new directory",
            ctx.db.display()
        )));
    }
    // The database's lock first, when there is one (sled is not opened: it
    // may be damaged): a database in use is refused before anything is
    // copied. The source's lock too, if it has one: a database in use is
    // not read while it is written.
    let owner = Ownership::of(&live);
    let current = if replacing {
        Some(store::lock_directory(&live, ctx.wait)?)
    } else {
        None
    };
    let _source_lock = store::lock_if_present(&source, ctx.wait)?;
    // A stray marker in the live database (a restore killed right after
    // its swap) would mark it as a copy once a swap moves it aside.
    let _ = unmark(&live);
    // What an interrupted restore left here: a copy (it holds the marker),
    // removed when claimed; or database files without the marker, the
    // database it had just replaced, kept and never deleted.
    keep_unmarked_leftover(&live, &staged, "restore")?;
    // The copy is checked, not the backup: opening a database may write to
    // it (sled's recovery, the upgrade of an older layout), and a backup is
    // an archive that stays as it was. A copy that fails is removed.
    let no_room_for_copy = || {
        format!(
            "no space left on the disk of database {} for the restored copy (it needs about {} MB free beside the database); free some space and run the command again; the database is unchanged",
            ctx.db.display(),
            mb(tree_bytes(src))
        )
    };
    let claim = Claim::take(&staged, owner, ctx.wait).map_err(|e| no_room(e, no_room_for_copy))?;
    if current.is_none() && holds_entries(&live) {
        // Another restore into this new path finished while this one
        // waited: what it restored is not replaced without its lock.
        claim.discard();
        return Err(Error::database(format!(
            "{} was restored by another factline process meanwhile; run the restore again to replace it",
            ctx.db.display()
        )));
    }
    store::copy_database_files(src, &staged, store::CopySync::Each)
        .and_then(|_| {
            // The copy's faults are the backup's: say so, under its name.
            verify(&staged).map_err(|e| {
                e.context(format_args!(
                    "the backup {} cannot be restored",
                    src.display()
                ))
            })
        })
        .map_err(|e| no_room(e, no_room_for_copy))
        .inspect_err(|_| claim.discard())?;
    let new_lock = claim.lock_copy()?;
    let kept = match current {
        Some(lock) => {
            // The lock stays held until the restored copy is in place.
            let aside = store::aside_name(&live, "restore");
            claim
                .mark_whole("restore", Some(&aside))
                .inspect_err(|_| claim.discard())?;
            if exchange(&staged, &live).is_ok() {
                // The replaced database leaves the working copy's name
                // before the restored one loses its mark: a restore killed
                // in between leaves a database whose mark says it is a
                // whole restored copy, and the next command that opens it
                // moves the replaced one aside and says so
                // (`store::finish_interrupted_swap`).
                fs::rename(&staged, &aside).map_err(|e| {
                    Error::database(format!(
                        "restored {}, but cannot move the database it replaced from {} to {}: {e}",
                        ctx.db.display(),
                        staged.display(),
                        aside.display()
                    ))
                })?;
                unmark(&live)?;
            } else {
                // Two renames where the system cannot swap; the first one
                // is undone if the second fails. Meanwhile no command
                // creates a database at the path (see `Store::open_waiting`).
                fs::rename(&live, &aside).map_err(|e| {
                    Error::database(format!("cannot move {} aside: {e}", ctx.db.display()))
                })?;
                if let Err(e) = fs::rename(&staged, &live) {
                    let undone = fs::rename(&aside, &live).is_ok();
                    claim.discard();
                    return Err(Error::database(if undone {
                        format!(
                            "cannot put the restored copy in place of {} ({e}); the database is unchanged",
                            ctx.db.display()
                        )
                    } else {
                        format!(
                            "cannot put the restored copy in place of {} ({e}); the database is now in {}",
                            ctx.db.display(),
                            aside.display()
                        )
                    }));
                }
                unmark(&live)?;
            }
            if let Some(owner) = owner {
                owner.give(&live);
            }
            sync_parent(&live)?;
            drop((lock, claim, new_lock));
            Some(aside)
        }
        None => {
            claim.put_in_place(&live, "restore")?;
            if let Some(owner) = owner {
                owner.give(&live);
            }
            sync_parent(&live)?;
            drop(new_lock);
            None
        }
    };
    match &kept {
        Some(aside) => crate::notice(format!(
            "restored {} from {}; the database it replaced is in {}",
            ctx.db.display(),
            src.display(),
            aside.display()
        )),
        None => crate::notice(format!(
            "restored {} from {}",
            ctx.db.display(),
            src.display()
        )),
    }
    print_report(
        format,
        &ctx.db,
        &RestoreReport {
            database: shown(&live),
            restored_from: shown(src),
            replaced_kept_in: kept.map(|aside| aside.display().to_string()),
        },
        "the database is restored",
    )
}
