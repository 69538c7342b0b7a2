//! The `factline` binary: parse arguments, run, report. Everything else is in the library.

use std::process::ExitCode;

/// Bulk imports allocate millions of small keys and values (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // No `process::exit` anywhere: returning lets the store drop and flush.
    factline::main_with_args(std::env::args_os())
}
