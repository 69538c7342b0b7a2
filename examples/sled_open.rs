//! The floor of a small query: sled 0.34.7 alone, with no factline code,
//! opens a factline database as a reading command does and reads one page.
//!
//! `bench/run.sh` times it next to the rare who-met, which reads one page
//! too, to show how much of that query's time is sled's open (see the
//! README's benchmark). Usage: `sled_open DB_DIR [KEY]`: prints the length
//! of the stored page at or below KEY (default: the first page). It takes
//! no lock, so run it only when no factline process uses the database.

use std::process::ExitCode;

// The allocator factline runs with, so that the two compare like for like.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: sled_open DB_DIR [KEY]");
        return ExitCode::from(2);
    };
    let key = args.next().map(|k| k.into_encoded_bytes());
    // sled would create a new database where there is none.
    if !std::path::Path::new(&path).join("conf").is_file() {
        eprintln!("sled_open: {}: not a database", path.to_string_lossy());
        return ExitCode::FAILURE;
    }
    // The configuration of factline's reading commands (src/store/mod.rs).
    let opened = sled::Config::new()
        .path(&path)
        .cache_capacity(32 * 1024 * 1024)
        .flush_every_ms(None)
        .open()
        .and_then(|db| Ok((db.open_tree("meta")?, db.open_tree("pages")?, db)));
    let (meta, pages, db) = match opened {
        Ok(trees) => trees,
        Err(e) => {
            eprintln!("sled_open: {}: {e}", path.to_string_lossy());
            return ExitCode::FAILURE;
        }
    };
    let page = meta.get("schema_version").and_then(|_| match &key {
        Some(key) => pages.range(..=key.as_slice()).next_back().transpose(),
        None => pages.first(),
    });
    // As factline's reading commands do: exit without closing sled, whose
    // close flushes and fsyncs even when nothing was written.
    std::mem::forget((meta, pages, db));
    match page {
        Ok(Some((_, bytes))) => {
            println!("{}", bytes.len());
            ExitCode::SUCCESS
        }
        Ok(None) => {
            eprintln!("sled_open: {}: no page", path.to_string_lossy());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("sled_open: {}: {e}", path.to_string_lossy());
            ExitCode::FAILURE
        }
    }
}
