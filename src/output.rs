//! Printing results: aligned tables for people, CSV and JSON for scripts.
//! Also the shared output builder where `-` (or nothing) means stdout.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicBool, Ordering};

use comfy_table::{presets, Cell, Color, ContentArrangement, Table, TableComponent};
use serde::Serialize;

use crate::cli::Format;
use crate::error::{Error, Result};

/// A row of a listing. JSON comes from `Serialize` (lists stay arrays);
/// table and CSV cells come from `cells` (lists joined with "; ").
pub trait Row: Serialize {
    /// Column names for CSV, in `cells` order.
    const HEADERS: &'static [&'static str];
    fn cells(&self) -> Vec<String>;
    /// The columns and cells shown in a table; by default the CSV ones.
    fn table(&self) -> (Vec<&'static str>, Vec<String>) {
        (Self::HEADERS.to_vec(), self.cells())
    }
}

/// Joins a list for a CSV or table cell.
pub fn join(items: &[String]) -> String {
    items.join("; ")
}

/// Whether tables colour statuses and verdicts (set once from `--color`).
static COLOR: AtomicBool = AtomicBool::new(false);

/// Decides colour from `--color`, `NO_COLOR` and whether stdout is a
/// terminal. As no-color.org asks, an explicit `--color always` wins over
/// `NO_COLOR`, which only turns off the automatic choice. The table
/// library's terminal styling reads `NO_COLOR` on its own (and then writes
/// empty escape sequences around a coloured cell), so it is told the
/// decision too.
pub fn set_color(choice: crate::cli::ColorChoice) {
    use std::io::IsTerminal;
    let on = match choice {
        crate::cli::ColorChoice::Always => true,
        crate::cli::ColorChoice::Never => false,
        crate::cli::ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    };
    crossterm::style::Colored::set_ansi_color_disabled(!on);
    COLOR.store(on, Ordering::Relaxed);
}

/// The colour of a status or verdict word, if it has one.
fn word_color(word: &str) -> Option<Color> {
    match word {
        "occurred" | "confirmed" => Some(Color::Green),
        "reported" | "unverified" => Some(Color::Cyan),
        "scheduled" | "rescheduled" => Some(Color::Blue),
        "postponed" | "disputed" | "misleading" => Some(Color::Yellow),
        "cancelled" | "false" => Some(Color::Red),
        _ => None,
    }
}

/// A table cell, coloured when it is a status or verdict and colour is on.
fn cell(header: &str, text: String) -> Cell {
    let colored = COLOR.load(Ordering::Relaxed) && matches!(header, "status" | "verdict");
    match word_color(&text).filter(|_| colored) {
        Some(color) => Cell::new(text).fg(color),
        None => Cell::new(text),
    }
}

/// Where every command writes its result on stdout (factline has no
/// `println!`, which panics when stdout cannot be written: clippy's
/// `print_stdout` lint refuses it). A failed write is the error
/// "cannot write to stdout: …" (exit 3), and a closed pipe
/// (`factline timeline | head`) stays a broken pipe, which is success.
pub struct Stdout(io::Stdout);

/// Stdout, written through [`Stdout`].
pub fn stdout() -> Stdout {
    Stdout(io::stdout())
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(crate::error::stdout_failed)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf).map_err(crate::error::stdout_failed)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(crate::error::stdout_failed)
    }
}

/// Prints one line of a command's result (an id, a path, "ok: …").
pub fn print_line(line: impl std::fmt::Display) -> Result<()> {
    let mut out = stdout();
    writeln!(out, "{line}")?;
    out.flush()?;
    Ok(())
}

/// Prints the id a writing command prints once its change is committed
/// and flushed: if stdout cannot be written, the error says the change
/// is saved all the same, so the user does not make it twice.
pub fn print_saved(id: impl std::fmt::Display) -> Result<()> {
    print_line(id).map_err(|e| e.with_note("the change is saved"))
}

/// Writes rows to stdout in a read command's format.
pub fn print_rows<R: Row>(format: Format, rows: &[R]) -> Result<()> {
    let mut out = BufWriter::new(stdout());
    write_rows(&mut out, format, rows)?;
    out.flush()?;
    Ok(())
}

pub fn write_rows<R: Row, W: Write>(out: &mut W, format: Format, rows: &[R]) -> Result<()> {
    write_row_stream(out, format, rows.iter().map(Ok))
}

/// Writes rows to stdout as they are computed (see [`write_row_stream`]).
pub fn print_row_stream<R: Row>(
    format: Format,
    rows: impl Iterator<Item = Result<R>>,
) -> Result<()> {
    let mut out = BufWriter::new(stdout());
    write_row_stream(&mut out, format, rows)?;
    out.flush()?;
    Ok(())
}

/// Writes rows in a read command's format as they are computed: CSV and
/// JSON hold one row at a time (a timeline of a million events); a table
/// holds its cells, as it needs every row to size its columns. Stops at the
/// first error and returns it.
pub fn write_row_stream<R: Row, W: Write>(
    out: &mut W,
    format: Format,
    rows: impl Iterator<Item = Result<R>>,
) -> Result<()> {
    match format {
        Format::Json => {
            use serde::Serializer;
            let mut failed = None;
            let rows = rows.map_while(|row| row.map_err(|e| failed = Some(e)).ok());
            // What `to_writer_pretty` writes for a whole list, row by row.
            serde_json::Serializer::pretty(&mut *out).collect_seq(rows)?;
            if let Some(e) = failed {
                return Err(e);
            }
            writeln!(out)?;
        }
        Format::Csv => write_csv_rows(out, R::HEADERS, rows.map(|row| Ok(row?.cells())), false)?,
        _ => {
            let mut table: Option<(TableOut, Vec<&'static str>)> = None;
            for row in rows {
                let (headers, cells) = row?.table();
                let (table, headers) = table.get_or_insert_with(|| {
                    let mut table = TableOut::new();
                    if COLOR.load(Ordering::Relaxed) {
                        // The decision was made from --color and the terminal already.
                        table.table.enforce_styling();
                    }
                    table.table.set_header(headers.clone());
                    (table, headers)
                });
                let cells: Vec<Cell> = headers
                    .iter()
                    .zip(cells)
                    .map(|(h, c)| cell(h, table.text(c)))
                    .collect();
                table.table.add_row(cells);
            }
            if let Some((table, _)) = table {
                writeln!(out, "{}", table.table)?;
            }
        }
    }
    Ok(())
}

/// A borrowed row is the row: lists of rows print without copying them.
impl<R: Row> Row for &R {
    const HEADERS: &'static [&'static str] = R::HEADERS;

    fn cells(&self) -> Vec<String> {
        (**self).cells()
    }

    fn table(&self) -> (Vec<&'static str>, Vec<String>) {
        (**self).table()
    }
}

pub fn write_csv<R: Row, W: Write>(out: &mut W, rows: &[R]) -> Result<()> {
    write_csv_cells(out, R::HEADERS, rows.iter().map(Row::cells), false)
}

/// Writes CSV rows. Unless `raw`, cells are made safe to open in a
/// spreadsheet (see [`spreadsheet_safe`]).
pub fn write_csv_cells<W: Write>(
    out: &mut W,
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    raw: bool,
) -> Result<()> {
    write_csv_rows(out, headers, rows.map(Ok), raw)
}

/// As [`write_csv_cells`], for rows computed as they are written.
pub fn write_csv_rows<W: Write>(
    out: &mut W,
    headers: &[&str],
    rows: impl Iterator<Item = Result<Vec<String>>>,
    raw: bool,
) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(headers)?;
    for cells in rows {
        let cells = cells?;
        if raw {
            writer.write_record(&cells)?;
        } else {
            writer.write_record(cells.into_iter().map(spreadsheet_safe))?;
        }
    }
    writer.flush()?;
    Ok(())
}

/// Guards a cell against CSV injection (OWASP): a spreadsheet runs a cell
/// beginning with `=`, `+`, `-`, `@`, tab or carriage return as a formula,
/// so such a cell gets a leading `'`. CSV import removes that one `'` again,
/// so a round trip is exact.
pub fn spreadsheet_safe(cell: String) -> String {
    if crate::tabular::needs_formula_guard(&cell) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// Prints one record: `field  value` lines for people, an object for JSON,
/// a header and one row for CSV.
pub fn print_detail<R: Row>(format: Format, row: &R) -> Result<()> {
    let mut out = BufWriter::new(stdout());
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, row)?;
            writeln!(out)?;
        }
        Format::Csv => write_csv(&mut out, std::slice::from_ref(row))?,
        _ => {
            let mut table = TableOut::new();
            for (header, cell) in R::HEADERS.iter().zip(row.cells()) {
                if !cell.is_empty() {
                    let cell = table.text(cell);
                    table.table.add_row(vec![header.to_string(), cell]);
                }
            }
            writeln!(out, "{}", table.table)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// A table being built, laid out for where stdout goes.
struct TableOut {
    table: Table,
    /// Whether each row is written on one line: into a pipe or a file, or
    /// a terminal that reports no width (see [`TableOut::new`]).
    one_line: bool,
}

impl TableOut {
    fn new() -> TableOut {
        let mut table = Table::new();
        // No borders, only a rule under the header: rows stay compact and easy to grep.
        // `Dynamic` fits a terminal's width, wrapping long cells. Written to a
        // pipe or a file there is no width to fit (comfy-table reads none, not
        // even COLUMNS, which some shells export to every program): each row
        // stays on one line with its cells whole, so that grep, sort and wc -l
        // work row by row, and a long cell widens its column. Wrapping there
        // would split a row's id from the words a grep finds; scripts that want
        // no padding use --format csv or json.
        // A terminal that reports no width (0 columns: `script`, `docker exec
        // -t` before its first resize) is laid out as a pipe is: fitted to a
        // width of 0, every column would be one character wide.
        let one_line = !table.is_tty() || matches!(crossterm::terminal::size(), Ok((0, _)));
        let arrangement = if one_line {
            ContentArrangement::Disabled
        } else {
            ContentArrangement::Dynamic
        };
        table
            .load_preset(presets::NOTHING)
            .set_style(TableComponent::HeaderLines, '─')
            .set_style(TableComponent::MiddleHeaderIntersections, '─')
            .set_content_arrangement(arrangement);
        TableOut { table, one_line }
    }

    /// A cell's text as this table shows it. On one line, a line break in
    /// the text (a note, a quote, a description, a detail's list) would
    /// break the row: line breaks and the other control characters are
    /// written escaped, `\n`, as messages show text (`error::escaped`).
    /// On a terminal the text is shown as it is, on several lines.
    fn text(&self, text: String) -> String {
        if self.one_line {
            crate::error::escaped(&text).to_string()
        } else {
            text
        }
    }
}

/// An output file or stdout. A regular file is written beside its
/// destination and renamed into place by `finish`, so a failed command
/// leaves no partial file (and, on Linux, a killed one leaves none either:
/// see [`Pending`]); through a symbolic link, the file it names is
/// replaced (the link stays), with the permissions it had. A device, FIFO or
/// socket (`/dev/null`, a named pipe) is written to, never replaced.
pub struct Output {
    target: Option<Target>,
    writer: Box<dyn Write>,
    /// The file's path as the user gave it, for the messages of failed
    /// writes (None for stdout, whose writer marks its own).
    named: Option<PathBuf>,
}

/// Where a file output is renamed to, and with which permissions.
struct Target {
    path: PathBuf,
    temp: Pending,
    #[cfg(unix)]
    mode: u32,
    /// The owner of the file replaced, kept where the system lets this
    /// process give it away (root).
    #[cfg(unix)]
    owner: Option<(u32, u32)>,
}

/// The file an output is written to before `finish` moves it into place.
enum Pending {
    /// A file without a name (`O_TMPFILE`) in the destination's directory:
    /// an export killed before it finishes (Ctrl-C, `kill`) leaves nothing
    /// behind, where a named temporary file would stay as a hidden file as
    /// large as the export. It gets a name only when it is whole.
    #[cfg(target_os = "linux")]
    Unnamed { file: File, dir: PathBuf },
    /// A hidden temporary file beside the destination, where the system or
    /// the file system has no unnamed files.
    Named(tempfile::NamedTempFile),
}

impl Pending {
    fn new_in(dir: &Path) -> io::Result<Pending> {
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{Mode, OFlags, CWD};
            let flags = OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC;
            if let Ok(fd) = rustix::fs::openat(CWD, dir, flags, Mode::from_raw_mode(0o600)) {
                return Ok(Pending::Unnamed {
                    file: File::from(fd),
                    dir: dir.to_path_buf(),
                });
            }
        }
        tempfile::NamedTempFile::new_in(dir).map(Pending::Named)
    }

    fn as_file(&self) -> &File {
        match self {
            #[cfg(target_os = "linux")]
            Pending::Unnamed { file, .. } => file,
            Pending::Named(temp) => temp.as_file(),
        }
    }

    /// Another handle on the file, to write through.
    fn writer(&self) -> io::Result<File> {
        match self {
            #[cfg(target_os = "linux")]
            Pending::Unnamed { file, .. } => file.try_clone(),
            Pending::Named(temp) => temp.reopen(),
        }
    }

    /// Puts the whole file at `path`, replacing what is there in one step.
    fn persist(self, path: &Path) -> io::Result<()> {
        match self {
            #[cfg(target_os = "linux")]
            Pending::Unnamed { mut file, dir } => {
                // The file gets a hidden random name beside `path` for the
                // moment between linking it and renaming it over `path`.
                use std::os::fd::AsRawFd;
                let fd = format!("/proc/self/fd/{}", file.as_raw_fd());
                let link = |name: &Path| {
                    use rustix::fs::{AtFlags, CWD};
                    rustix::fs::linkat(CWD, fd.as_str(), CWD, name, AtFlags::SYMLINK_FOLLOW)
                        .map_err(io::Error::from)
                };
                match tempfile::Builder::new().make_in(&dir, link) {
                    Ok(named) => named,
                    // No /proc to link through: copy the bytes to a named
                    // temporary file instead.
                    Err(_) => {
                        use std::io::{Seek, SeekFrom};
                        let mut copy = tempfile::NamedTempFile::new_in(&dir)?;
                        file.seek(SeekFrom::Start(0))?;
                        io::copy(&mut file, copy.as_file_mut())?;
                        let meta = file.metadata()?;
                        copy.as_file().set_permissions(meta.permissions())?;
                        {
                            use std::os::unix::fs::MetadataExt;
                            let _ = std::os::unix::fs::fchown(
                                copy.as_file(),
                                Some(meta.uid()),
                                Some(meta.gid()),
                            );
                        }
                        copy.as_file().sync_all()?;
                        return copy.persist(path).map(drop).map_err(|e| e.error);
                    }
                }
                .persist(path)
                .map(drop)
                .map_err(|e| e.error)
            }
            Pending::Named(temp) => temp.persist(path).map(drop).map_err(|e| e.error),
        }
    }
}

/// The path `path` names through any symbolic links, followed one by one
/// (the last may name a file not yet made); a loop or a chain longer than
/// the system's is an error.
fn through_links(path: &Path) -> io::Result<PathBuf> {
    let mut at = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&at)?;
                at = at.parent().unwrap_or(Path::new("")).join(target);
            }
            _ => return Ok(at),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Where a file written at `p` lands: the path it names through any
/// symbolic links, with its directories that exist resolved as the system
/// resolves them (`..`, links, another spelling), the rest as written.
fn landing(p: &Path) -> io::Result<PathBuf> {
    let real = through_links(p)?;
    let mut rest = Vec::new();
    let mut at = real.as_path();
    loop {
        let dir = match at.as_os_str().is_empty() {
            true => Path::new("."),
            false => at,
        };
        if let Ok(resolved) = std::fs::canonicalize(dir) {
            return Ok(rest
                .iter()
                .rev()
                .fold(resolved, |path: PathBuf, name| path.join(name)));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                at = parent;
            }
            _ => return Ok(real),
        }
    }
}

/// Refuses a user's file at `p` (`what` it holds, for the message) that
/// would land inside a database directory: any database's, or `own`'s,
/// the database the command writes (which it may be about to create), or
/// that would be that directory itself. There it would be taken for one of
/// the database's own files, or replace one, and the database would not
/// open (or compact) again.
pub fn refuse_inside_database(p: &Path, own: Option<&Path>, what: &str) -> Result<()> {
    let Ok(at) = landing(p) else {
        return Ok(()); // a link loop: writing it fails with the reason
    };
    let own = own.and_then(|db| landing(db).ok());
    if own.as_deref() == Some(at.as_path()) {
        return Err(Error::bad_input(format!(
            "{} is the database directory; write {what} outside any database",
            p.display()
        )));
    }
    let database = crate::store::enclosing_database(&at)
        .map(Path::to_path_buf)
        .or_else(|| own.filter(|db| at.starts_with(db)));
    match database {
        Some(database) => Err(Error::bad_input(format!(
            "{} is inside the database {}; write {what} outside any database",
            p.display(),
            database.display()
        ))),
        None => Ok(()),
    }
}

/// Whether `a` and `b` name one existing file, whatever the spelling of
/// their paths (links, hard links, `..`): the same device and inode where
/// the system has them, else the same canonical path.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

impl Output {
    /// `None` or `-` is stdout.
    pub fn create(path: Option<&Path>) -> Result<Output> {
        let p = match path {
            None => return Ok(Output::stdout()),
            Some(p) if p == Path::new("-") => return Ok(Output::stdout()),
            Some(p) => p,
        };
        let cannot = |e: io::Error| Error::bad_input(format!("cannot write {}: {e}", p.display()));
        // What is at the path, the link followed.
        let existing = std::fs::metadata(p).ok();
        if let Some(meta) = &existing {
            if meta.is_dir() {
                return Err(Error::bad_input(format!(
                    "cannot write {}: it is a directory",
                    p.display()
                )));
            }
            if !meta.is_file() {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(p)
                    .map_err(cannot)?;
                return Ok(Output {
                    target: None,
                    writer: Box::new(BufWriter::new(file)),
                    named: Some(p.to_path_buf()),
                });
            }
        }
        // An existing file is replaced only where it could be written in
        // place, as `> FILE` would: the new file is renamed over it, which
        // its directory allows even for a file that is not the user's or is
        // read-only (another user's report in a shared folder).
        if existing.as_ref().is_some_and(|m| m.is_file()) {
            std::fs::OpenOptions::new()
                .write(true)
                .open(p)
                .map_err(cannot)?;
        }
        // Through a symbolic link, the file it names (which may not exist
        // yet) is written, and the link stays.
        let real = through_links(p).map_err(cannot)?;
        let dir = match real.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        refuse_inside_database(p, None, "exports")?;
        if !dir.is_dir() {
            return Err(Error::bad_input(format!(
                "cannot write {}: the directory {} does not exist",
                p.display(),
                dir.display()
            )));
        }
        let temp = Pending::new_in(&dir).map_err(cannot)?;
        let file: File = temp.writer()?;
        Ok(Output {
            target: Some(Target {
                path: real,
                temp,
                // An existing file keeps its permissions; a new one is an
                // ordinary file (temporary files are private, 0600).
                #[cfg(unix)]
                mode: existing.as_ref().map_or(0o644, |m| {
                    use std::os::unix::fs::PermissionsExt;
                    m.permissions().mode() & 0o777
                }),
                #[cfg(unix)]
                owner: existing.as_ref().map(|m| {
                    use std::os::unix::fs::MetadataExt;
                    (m.uid(), m.gid())
                }),
            }),
            writer: Box::new(BufWriter::new(file)),
            named: Some(p.to_path_buf()),
        })
    }

    fn stdout() -> Output {
        Output {
            target: None,
            writer: Box::new(BufWriter::new(stdout())),
            named: None,
        }
    }

    /// An error of a write, naming the file written.
    fn failed(&self, e: io::Error) -> io::Error {
        match &self.named {
            Some(path) => crate::error::file_failed(path, e),
            None => e,
        }
    }

    /// Flushes and, for a file, moves it into place.
    pub fn finish(mut self) -> Result<()> {
        if let Err(e) = self.writer.flush() {
            return Err(self.failed(e).into());
        }
        drop(self.writer);
        if let Some(target) = self.target {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = target
                    .temp
                    .as_file()
                    .set_permissions(std::fs::Permissions::from_mode(target.mode));
                if let Some((uid, gid)) = target.owner {
                    let _ = std::os::unix::fs::fchown(target.temp.as_file(), Some(uid), Some(gid));
                }
            }
            // Whole on disk before it takes the name, and the name on disk
            // after: a power cut then leaves the old file or the new one,
            // never an empty one where a dump was.
            let cannot = |e: io::Error| {
                Error::bad_input(format!("cannot write {}: {e}", target.path.display()))
            };
            target.temp.as_file().sync_all().map_err(cannot)?;
            target.temp.persist(&target.path).map_err(cannot)?;
            let dir = target
                .path
                .parent()
                .filter(|dir| !dir.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            File::open(dir)
                .and_then(|dir| dir.sync_all())
                .map_err(cannot)?;
        }
        Ok(())
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf).map_err(|e| self.failed(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush().map_err(|e| self.failed(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Item {
        name: String,
        tags: Vec<String>,
    }

    impl Row for Item {
        const HEADERS: &'static [&'static str] = &["name", "tags"];

        fn cells(&self) -> Vec<String> {
            vec![self.name.clone(), join(&self.tags)]
        }
    }

    fn items(n: usize) -> Vec<Item> {
        (0..n)
            .map(|i| Item {
                name: format!("item {i}"),
                tags: (0..i).map(|t| format!("t{t}")).collect(),
            })
            .collect()
    }

    fn streamed(format: Format, rows: impl Iterator<Item = Result<Item>>) -> (Result<()>, String) {
        let mut out = Vec::new();
        let result = write_row_stream(&mut out, format, rows);
        (result, String::from_utf8(out).unwrap())
    }

    /// Streamed JSON is what serde_json writes for the whole list at once.
    #[test]
    fn streamed_json_equals_the_list_written_at_once() {
        for n in [0, 1, 3] {
            let (result, text) = streamed(Format::Json, items(n).into_iter().map(Ok));
            result.unwrap();
            let whole = serde_json::to_string_pretty(&items(n)).unwrap();
            assert_eq!(text, format!("{whole}\n"), "{n} rows");
        }
    }

    #[test]
    fn a_failing_row_stops_the_stream_with_its_error() {
        for format in [Format::Json, Format::Csv, Format::Table] {
            let rows = items(3).into_iter().enumerate().map(|(i, item)| match i {
                1 => Err(Error::database("row two is damaged")),
                _ => Ok(item),
            });
            let (result, text) = streamed(format, rows);
            let error = result.expect_err("the damaged row is an error");
            assert!(error.to_string().contains("row two is damaged"), "{error}");
            assert!(!text.contains("item 2"), "{format:?} went on: {text}");
        }
    }
}
