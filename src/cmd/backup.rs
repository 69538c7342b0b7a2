//! `factline backup DEST` and `factline restore SRC`: consistent copies of
//! the database directory. A copy is taken while this process holds the
//! database's lock (no writer can run), then opened and checked. A restore
//! checks a copy of the backup, never the backup itself, which stays as it
//! was.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::store::{self, Access, Store};

/// sled's files: everything in the directory but factline's lock file.
fn database_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let entries = fs::read_dir(dir)
        .map_err(|e| Error::database(format!("cannot read {}: {e}", dir.display())))?;
    for entry in entries {
        let entry =
            entry.map_err(|e| Error::database(format!("cannot read {}: {e}", dir.display())))?;
        if entry.file_name() != "factline.lock" {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

/// Copies a directory tree, file by file, syncing each file.
fn copy_tree(from: &Path, to: &Path) -> Result<u64> {
    let io = |what: &Path, e: std::io::Error| {
        Error::database(format!("cannot copy {}: {e}", what.display()))
    };
    fs::create_dir_all(to).map_err(|e| io(to, e))?;
    let mut bytes = 0;
    for path in database_files(from)? {
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            bytes += copy_tree(&path, &target)?;
        } else {
            bytes += fs::copy(&path, &target).map_err(|e| io(&path, e))?;
            fs::File::open(&target)
                .and_then(|f| f.sync_all())
                .map_err(|e| io(&target, e))?;
        }
    }
    fs::File::open(to)
        .and_then(|f| f.sync_all())
        .map_err(|e| io(to, e))?;
    Ok(bytes)
}

/// Opens a copy and checks it, returning the number of keys checked.
fn verify(dir: &Path) -> Result<usize> {
    let copy = Store::open(dir, Access::Read)?;
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

pub fn backup(ctx: &Ctx, dest: &Path) -> Result<()> {
    if dest.exists()
        && fs::read_dir(dest)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Error::bad_input(format!(
            "{} exists and is not empty; back up to a new directory",
            dest.display()
        )));
    }
    // Holding the store holds the lock: the files cannot change while copied.
    let store = ctx.open_closing()?;
    store.flush()?;
    let partial = dest.with_extension("partial");
    let _ = fs::remove_dir_all(&partial);
    let bytes = copy_tree(&ctx.db, &partial)?;
    drop(store);
    let checked = verify(&partial).inspect_err(|_| {
        let _ = fs::remove_dir_all(&partial);
    })?;
    if dest.exists() {
        fs::remove_dir(dest)
            .map_err(|e| Error::database(format!("cannot replace {}: {e}", dest.display())))?;
    }
    fs::rename(&partial, dest)
        .map_err(|e| Error::database(format!("cannot write {}: {e}", dest.display())))?;
    crate::notice(format!(
        "backed up {} to {} ({bytes} bytes; check ok, {checked} keys)",
        ctx.db.display(),
        dest.display()
    ));
    println!("{}", dest.display());
    Ok(())
}

pub fn restore(ctx: &Ctx, src: &Path) -> Result<()> {
    if !store::exists(src) {
        return Err(Error::bad_input(format!(
            "{} is not a factline database backup",
            src.display()
        )));
    }
    // Take the current database's lock first, when there is one: a
    // database in use is refused before anything is copied.
    let current = if store::exists(&ctx.db) {
        Some(ctx.open_closing()?)
    } else {
        None
    };
    // The copy is checked, not the backup: opening a database may write to
    // it (sled's recovery, the upgrade of an older layout), and a backup is
    // an archive that stays as it was. A copy that fails is removed.
    let staged = ctx.db.with_extension("restoring");
    let _ = fs::remove_dir_all(&staged);
    copy_tree(src, &staged)
        .and_then(|_| verify(&staged))
        .inspect_err(|_| {
            let _ = fs::remove_dir_all(&staged);
        })?;
    let kept = if current.is_some() {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let aside = PathBuf::from(format!("{}.before-restore-{stamp}", ctx.db.display()));
        drop(current);
        fs::rename(&ctx.db, &aside)
            .map_err(|e| Error::database(format!("cannot move {} aside: {e}", ctx.db.display())))?;
        Some(aside)
    } else {
        None
    };
    fs::rename(&staged, &ctx.db)
        .map_err(|e| Error::database(format!("cannot restore into {}: {e}", ctx.db.display())))?;
    match kept {
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
    println!("{}", ctx.db.display());
    Ok(())
}
