//! factline's error: one line for the user and the exit code that goes with it.

use std::fmt;

/// Exit codes, as documented in the README and `--help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// 1: no result (no path, nothing found) or a failed check.
    NoResult = 1,
    /// 2: bad input or usage: the user can fix the command.
    BadInput = 2,
    /// 3: the database cannot be used (in use, newer, damaged) or I/O failed.
    Database = 3,
}

#[derive(Debug)]
pub struct Error {
    pub code: Code,
    pub message: String,
    /// Set when the error is a closed stdout (`factline timeline | head`):
    /// that is not a failure and is reported as success.
    pub broken_pipe: bool,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn bad_input(message: impl Into<String>) -> Error {
        Error::new(Code::BadInput, message)
    }

    pub fn no_result(message: impl Into<String>) -> Error {
        Error::new(Code::NoResult, message)
    }

    pub fn database(message: impl Into<String>) -> Error {
        Error::new(Code::Database, message)
    }

    fn new(code: Code, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
            broken_pipe: false,
        }
    }

    /// Prefixes the message with where it happened (`FILE:LINE: …`).
    pub fn context(mut self, at: impl fmt::Display) -> Error {
        self.message = format!("{at}: {}", self.message);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Always one line: a message may quote user input that held a newline.
        f.write_str(&self.message.replace(['\n', '\r'], " "))
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        let broken_pipe = e.kind() == std::io::ErrorKind::BrokenPipe;
        Error {
            code: Code::Database,
            message: format!("I/O error: {e}"),
            broken_pipe,
        }
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Error {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => io.into(),
            other => Error::bad_input(format!("CSV: {other:?}")),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        if e.is_io() {
            let io: std::io::Error = e.into();
            return io.into();
        }
        Error::bad_input(format!("JSON: {e}"))
    }
}
