//! The `factline` binary: parse arguments, run, report. Everything else is in the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    // No `process::exit` anywhere: returning lets the store drop and flush.
    factline::main_with_args(std::env::args_os())
}
