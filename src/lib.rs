//! factline: an embedded, fact-tracking timeline database.
//!
//! See ARCHITECTURE.md for the code map and the invariants the modules keep.

// `println!` and `eprintln!` panic when their stream cannot be written (a
// full disk, a closed pipe): results go through `output::print_line` and
// its kin, notes and errors through `notice` and `error_line`.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod cli;
pub mod cmd;
pub mod codec;
pub mod dump;
pub mod error;
pub mod example;
pub mod graph;
pub mod model;
pub mod output;
pub mod picture;
pub mod query;
pub mod resolve;
pub mod store;
pub mod tabular;
pub mod timelinejs;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;

/// Parses `args`, runs the command and turns the outcome into an exit code,
/// printing errors as one line on stderr.
pub fn main_with_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if is_empty_db_variable(&e) => {
            return report(error::Error::bad_input(
                "FACTLINE_DB is set but empty: set it to the database's directory, or unset it to use --db or ./factline.db",
            ));
        }
        // Help and version, which clap prints on stdout.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        // A usage error: one line, as every other error.
        Err(e) => return report(cli::usage_error(&e, &args)),
    };
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // `factline timeline | head` closes our stdout early: not a failure.
        Err(e) if e.broken_pipe => ExitCode::SUCCESS,
        Err(e) => report(e),
    }
}

/// Prints a failed command's error, one line on stderr, and gives its exit code.
fn report(e: error::Error) -> ExitCode {
    error_line(&e);
    ExitCode::from(e.code as u8)
}

/// Whether clap refused an empty value for `--db` because `FACTLINE_DB` is
/// set but empty (`FACTLINE_DB=$UNSET_VARIABLE`): clap refuses it even when
/// `--db` is given, and its message would blame `--db`.
fn is_empty_db_variable(e: &clap::Error) -> bool {
    let empty_variable = std::env::var_os("FACTLINE_DB").is_some_and(|v| v.is_empty());
    let about_db = e
        .get(clap::error::ContextKind::InvalidArg)
        .is_some_and(|arg| arg.to_string().starts_with("--db"));
    e.kind() == clap::error::ErrorKind::InvalidValue && empty_variable && about_db
}

/// The UTF-8 byte-order mark a file may start with (Excel's "CSV UTF-8",
/// Windows Notepad): not part of its first line. The CSV and NDJSON
/// readers and the guess of an input's format all skip it.
pub const BYTE_ORDER_MARK: &str = "\u{feff}";

/// Set by `--quiet`: notices are not written.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes a note for the user on stderr (creations, echoed dates), unless `--quiet`.
pub fn notice(message: impl std::fmt::Display) {
    if !QUIET.load(std::sync::atomic::Ordering::Relaxed) {
        error_line(message);
    }
}

/// Writes an error on stderr, even with `--quiet` (which leaves only
/// errors there): one of several that a command lists before it fails,
/// such as an import's bad rows.
pub fn error_line(message: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr(), "factline: {message}");
}

/// Set by `--verbose`: the store says what it did and how long it took.
static VERBOSE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes a detail on stderr when `--verbose` is given (and not `--quiet`).
pub fn detail(message: impl std::fmt::Display) {
    if VERBOSE.load(std::sync::atomic::Ordering::Relaxed) {
        notice(message);
    }
}

/// Turns details on (`--verbose`).
pub fn set_verbose(verbose: bool) {
    VERBOSE.store(verbose, std::sync::atomic::Ordering::Relaxed);
}

/// Turns notices off (`--quiet`).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}
