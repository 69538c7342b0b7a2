//! The floor of an import's writes: sled 0.34.7 alone, with no factline
//! code, takes in the pages of a factline database as an import writes
//! them.
//!
//! `bench/run.sh` runs it on the database the benchmark imported, next to
//! the import, to show how much of the import's time is sled's own work of
//! storing the pages (see the README's benchmark). Usage:
//! `sled_load DB_DIR OUT_DIR`: reads every page of DB_DIR into memory (not
//! timed), then writes them into a new database at OUT_DIR in key order, in
//! batches of about the size an import's batches have once compressed, with
//! factline's configuration for a writing command, and flushes. It prints
//! the seconds the writing took (opening OUT_DIR to the flush's return) and
//! the megabytes written. It takes no lock on DB_DIR, so run it only when no
//! factline process uses that database.

use std::process::ExitCode;
use std::time::Instant;

// The allocator factline runs with, so that the two compare like for like.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Compressed page bytes per batch: an import's batches hold 8 MiB of page
/// bytes before compression, which zstd makes about a third of that.
const BATCH_BYTES: usize = 3 * 1024 * 1024;

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let [from, to] = args.as_slice() else {
        eprintln!("usage: sled_load DB_DIR OUT_DIR");
        return ExitCode::from(2);
    };
    // sled would create a new database where there is none.
    if !std::path::Path::new(from).join("conf").is_file() {
        eprintln!("sled_load: {}: not a database", from.to_string_lossy());
        return ExitCode::FAILURE;
    }
    if std::path::Path::new(to).exists() {
        eprintln!("sled_load: {}: already exists", to.to_string_lossy());
        return ExitCode::FAILURE;
    }
    match load(from.as_ref(), to.as_ref()) {
        Ok((seconds, bytes)) => {
            println!("{seconds:.3} s, {:.1} MB", bytes as f64 / 1e6);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sled_load: {e}");
            ExitCode::FAILURE
        }
    }
}

fn load(from: &std::path::Path, to: &std::path::Path) -> sled::Result<(f64, usize)> {
    let pages: Vec<(sled::IVec, sled::IVec)> = {
        let db = sled::Config::new()
            .path(from)
            .cache_capacity(32 * 1024 * 1024)
            .flush_every_ms(None)
            .open()?;
        let pages = db.open_tree("pages")?;
        let all = pages.iter().collect::<sled::Result<_>>()?;
        std::mem::forget((pages, db));
        all
    };
    let started = Instant::now();
    // The configuration of factline's writing commands (src/store/mod.rs).
    let db = sled::Config::new()
        .path(to)
        .cache_capacity(32 * 1024 * 1024)
        .open()?;
    let tree = db.open_tree("pages")?;
    let mut written = 0;
    let mut batch = sled::Batch::default();
    let mut in_batch = 0;
    for (key, value) in pages {
        in_batch += value.len();
        written += value.len();
        batch.insert(key, value);
        if in_batch >= BATCH_BYTES {
            tree.apply_batch(std::mem::take(&mut batch))?;
            in_batch = 0;
        }
    }
    tree.apply_batch(batch)?;
    db.flush()?;
    Ok((started.elapsed().as_secs_f64(), written))
}
