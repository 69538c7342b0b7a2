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
    /// Set when the database's disk is full: a command that only reads
    /// can still read a copy of the database.
    pub disk_full: bool,
    /// Set when the error is the temporary directory's (`TMPDIR` missing,
    /// not writable, full, or failing), where the sorts on disk go: no row
    /// of an import caused it ([`Error::at_line`]).
    pub temp_dir: bool,
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

    /// The database's disk is full (see [`Error::disk_full`]).
    pub fn disk_full(message: impl Into<String>) -> Error {
        Error {
            disk_full: true,
            ..Error::database(message)
        }
    }

    fn new(code: Code, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
            broken_pipe: false,
            disk_full: false,
            temp_dir: false,
        }
    }

    /// Marks the error as the temporary directory's (see [`Error::temp_dir`]).
    pub fn in_temp_dir(mut self) -> Error {
        self.temp_dir = true;
        self
    }

    /// Adds what still holds after the error (`…; the change is saved`).
    /// A broken pipe is left as it is: it is reported as success.
    pub fn with_note(mut self, note: impl fmt::Display) -> Error {
        if !self.broken_pipe {
            self.message = format!("{}; {note}", self.message);
        }
        self
    }

    /// Prefixes the message with where it happened (`FILE:LINE: …`).
    pub fn context(mut self, at: impl fmt::Display) -> Error {
        self.message = format!("{at}: {}", self.message);
        self
    }

    /// An error met while importing line `line` of `label`, prefixed as a
    /// bad row is (`FILE:LINE: …`), unless it is the temporary directory's:
    /// a full `TMPDIR` is no row's fault, and naming one would blame a
    /// good row.
    pub fn at_line(self, label: &str, line: impl fmt::Display) -> Error {
        match self.temp_dir {
            true => self,
            false => self.context(format_args!("{label}:{line}")),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Always one line: a message may quote user input that held a newline.
        f.write_str(&self.message.replace(['\n', '\r'], " "))
    }
}

impl std::error::Error for Error {}

/// A name or other text the user typed or stored, as messages quote it:
/// in double quotes and as it is stored, so that a suggestion ("did you
/// mean …?") can be copied back. A zero-width joiner of an emoji sequence
/// or of Arabic or Indic text stays the character it is. Only what would
/// act on a terminal or break the line is escaped ([`escaped`]).
pub fn quoted(text: &str) -> Quoted<'_> {
    Quoted(text)
}

/// See [`quoted`].
pub struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", escaped(self.0))
    }
}

/// Text from a file or the store as a message shows it, without quotes:
/// as it is, but for what would act on a terminal or break the line,
/// escaped as Rust writes it (`\u{1b}`, `\n`): control characters and the
/// line and paragraph separators. The one rule of [`quoted`] and of the
/// CSV header an import names.
pub fn escaped(text: &str) -> Escaped<'_> {
    Escaped(text)
}

/// See [`escaped`].
pub struct Escaped<'a>(&'a str);

/// Whether `c` sets the direction of the text after it until it is closed:
/// the embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
/// Shown as they are in a message or a table's line, one left open (an
/// imported title holding U+202E) turns the rest of the line around, so
/// that the cells after it read as something else ("Trojan Source"). The
/// marks that Arabic and Hebrew text needs (U+200E, U+200F, U+061C) close
/// nothing and are shown.
pub fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with its direction controls ([`is_direction_control`]) written
/// escaped (`\u{202e}`), for a table cell shown on a terminal.
pub fn direction_controls_escaped(text: String) -> String {
    if !text.chars().any(is_direction_control) {
        return text;
    }
    text.chars()
        .map(|c| match is_direction_control(c) {
            true => c.escape_unicode().to_string(),
            false => c.to_string(),
        })
        .collect()
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        for c in self.0.chars() {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') || is_direction_control(c) {
                write!(f, "{}", c.escape_debug())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        let broken_pipe = e.kind() == std::io::ErrorKind::BrokenPipe;
        let message = match e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<WriteFailed>())
        {
            Some(write) => write.to_string(),
            None => format!("I/O error: {e}"),
        };
        Error {
            broken_pipe,
            ..Error::database(message)
        }
    }
}

/// A write to stdout or to an output file that failed (a full disk, a
/// closed terminal), kept inside the `io::Error` with its kind, so that it
/// reaches the user as "cannot write to stdout: …" or "cannot write
/// out.csv: …" through csv's and serde_json's errors too, and a broken
/// pipe stays one (success). The first field says where: "to stdout", or
/// the file's path.
#[derive(Debug)]
struct WriteFailed(String, std::io::Error);

impl fmt::Display for WriteFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot write {}: {}", self.0, self.1)
    }
}

impl std::error::Error for WriteFailed {}

/// Marks an error of a write as such, once (see [`WriteFailed`]).
fn write_failed(to: impl FnOnce() -> String, e: std::io::Error) -> std::io::Error {
    if e.get_ref().is_some_and(|inner| inner.is::<WriteFailed>()) {
        return e;
    }
    std::io::Error::new(e.kind(), WriteFailed(to(), e))
}

/// Marks an error of a write to the output file `path` as such (see
/// `output::Output`).
pub fn file_failed(path: &std::path::Path, e: std::io::Error) -> std::io::Error {
    write_failed(|| path.display().to_string(), e)
}

/// Marks an error of a write to stdout as such (see `output::Stdout`).
pub fn stdout_failed(e: std::io::Error) -> std::io::Error {
    write_failed(|| "to stdout".to_string(), e)
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

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn quoted_text_is_shown_as_stored_but_for_what_acts_on_a_terminal() {
        let family = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467} Family";
        assert_eq!(quoted(family).to_string(), format!("\"{family}\""));
        assert_eq!(quoted("Zo\u{200c}ya").to_string(), "\"Zo\u{200c}ya\"");
        assert_eq!(
            quoted("The \"Times\" \\ é").to_string(),
            "\"The \"Times\" \\ é\""
        );
        assert_eq!(
            quoted("a\u{1b}]0;x\u{7}\nb\u{85}\u{2028}").to_string(),
            "\"a\\u{1b}]0;x\\u{7}\\nb\\u{85}\\u{2028}\""
        );
    }
}
