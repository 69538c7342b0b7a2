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
    let text = crate::error::direction_controls_escaped(text);
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
                let (table, headers) = match &mut table {
                    Some(table) => table,
                    None => table.insert((TableOut::new(Some(headers.clone())), headers)),
                };
                table.add(headers, cells)?;
            }
            match table {
                Some((table, _)) => table.write(out)?,
                // An empty table prints nothing at all, which on a terminal
                // looks like a command that did not run: said on stderr, so
                // that stdout stays empty for a script.
                None => crate::notice("nothing found"),
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
/// so a round trip is exact. A negative number (a claim's value of
/// `-3.5`) is no formula: a spreadsheet reads it as the number, and a
/// guard would turn it into the text `'-3.5` there and in a script.
pub fn spreadsheet_safe(cell: String) -> String {
    if crate::tabular::needs_formula_guard(&cell) && !is_negative_number(&cell) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// `-3`, `-0.25`: a minus, digits and at most one decimal point between
/// digits, as factline writes a number; nothing a spreadsheet could run.
fn is_negative_number(cell: &str) -> bool {
    let Some(number) = cell.strip_prefix('-') else {
        return false;
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
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
            let mut table = TableOut::new(None);
            for (header, cell) in R::HEADERS.iter().zip(row.cells()) {
                if !cell.is_empty() {
                    table.add(&["field", "value"], vec![header.to_string(), cell])?;
                }
            }
            table.write(&mut out)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// A table being built, laid out for where stdout goes.
enum TableOut {
    /// Fitted to a terminal's width by comfy-table, long cells wrapped.
    Fitted(Table),
    /// Into a pipe or a file, or a terminal that reports no width: each
    /// row on one line (see [`LineTable`]).
    OneLine(LineTable),
}

impl TableOut {
    /// A table with `headers` (none for a record's detail: field, value).
    fn new(headers: Option<Vec<&'static str>>) -> TableOut {
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
        let mut table = Table::new();
        let one_line = !table.is_tty() || matches!(crossterm::terminal::size(), Ok((0, _)));
        if one_line {
            let columns = headers.as_ref().map_or(2, Vec::len);
            return TableOut::OneLine(LineTable::new(columns, headers));
        }
        table
            .load_preset(presets::NOTHING)
            .set_style(TableComponent::HeaderLines, '─')
            .set_style(TableComponent::MiddleHeaderIntersections, '─')
            .set_content_arrangement(ContentArrangement::Dynamic);
        if COLOR.load(Ordering::Relaxed) {
            // The decision was made from --color and the terminal already.
            table.enforce_styling();
        }
        if let Some(headers) = headers {
            table.set_header(headers);
        }
        TableOut::Fitted(table)
    }

    /// Adds a row, its cells under `headers` (which colour a status or
    /// verdict). On a terminal the text is shown as it is, on several
    /// lines; on one line, a line break in the text (a note, a quote, a
    /// description, a detail's list) would break the row: line breaks and
    /// the other control characters are written escaped, `\n`, as
    /// messages show text (`error::escaped`).
    fn add(&mut self, headers: &[&str], cells: Vec<String>) -> Result<()> {
        match self {
            TableOut::Fitted(table) => {
                let cells: Vec<Cell> = headers.iter().zip(cells).map(|(h, c)| cell(h, c)).collect();
                table.add_row(cells);
                Ok(())
            }
            TableOut::OneLine(table) => {
                let mut cells = cells;
                cells.truncate(headers.len());
                table.add(cells)
            }
        }
    }

    fn write<W: Write>(self, out: &mut W) -> Result<()> {
        match self {
            TableOut::Fitted(table) => writeln!(out, "{table}")?,
            TableOut::OneLine(table) => table.write(out)?,
        }
        Ok(())
    }
}

/// A table written into a pipe or a file: each row on one line with its
/// cells whole, every column as wide as its widest cell, laid out as
/// comfy-table lays out a table it is not asked to fit (a space either side
/// of each cell, no borders, a rule under the header; but no trailing
/// spaces, which comfy-table writes as the last column's padding), but measured and
/// written here in time linear in the text: comfy-table wraps a line wider
/// than 65,535 columns, and wraps it in time that grows with the square of
/// its length. (Between columns it writes one more space, and `─` in the
/// rule, since the rule's crossings are drawn.) The widths are known only once every row is in, so the rows
/// are kept as they are measured, in memory while they are few and then in
/// a temporary file (see [`Spool`]), and written in a second pass: a
/// listing of a million events holds one row at a time.
struct LineTable {
    /// The header, written first (none for a record's detail).
    headers: Option<Vec<&'static str>>,
    /// Whether a column colours its status or verdict words.
    colored: Vec<bool>,
    /// The widest cell of each column, in terminal columns.
    widths: Vec<usize>,
    spool: Spool,
}

impl LineTable {
    fn new(columns: usize, headers: Option<Vec<&'static str>>) -> LineTable {
        let color = COLOR.load(Ordering::Relaxed);
        let colored = (0..columns)
            .map(|i| {
                color
                    && headers
                        .as_ref()
                        .is_some_and(|h| matches!(h[i], "status" | "verdict"))
            })
            .collect();
        let widths = match &headers {
            Some(headers) => headers.iter().map(|h| width(h)).collect(),
            None => vec![0; columns],
        };
        LineTable {
            headers,
            colored,
            widths,
            spool: Spool::default(),
        }
    }

    /// Measures and keeps a row (a missing cell is empty, a surplus one
    /// left out).
    fn add(&mut self, cells: Vec<String>) -> Result<()> {
        let mut cells = cells.into_iter();
        for width in self.widths.iter_mut() {
            let text = cells.next().unwrap_or_default();
            let text = crate::error::escaped(&text).to_string();
            *width = (*width).max(self::width(&text));
            self.spool.put(&text)?;
        }
        Ok(())
    }

    /// Writes the table: the header and its rule, then the rows kept.
    fn write<W: Write>(self, out: &mut W) -> Result<()> {
        let LineTable {
            headers,
            colored,
            widths,
            spool,
        } = self;
        // A column is at least one character wide.
        let widths: Vec<usize> = widths.into_iter().map(|w| w.max(1)).collect();
        let mut line = String::new();
        let mut first = true;
        let mut end_line = |out: &mut W, line: &mut String| -> io::Result<()> {
            if !std::mem::take(&mut first) {
                out.write_all(b"\n")?;
            }
            // The last column's padding would only be trailing spaces: a
            // record's detail with one long list (an actor's 100,000
            // events) padded every other line to that list's width.
            out.write_all(line.trim_end_matches(' ').as_bytes())?;
            line.clear();
            Ok(())
        };
        if let Some(headers) = &headers {
            for (column, (header, &width)) in headers.iter().zip(&widths).enumerate() {
                pad_cell(&mut line, column, header, width, None);
            }
            end_line(out, &mut line)?;
            for (column, &width) in widths.iter().enumerate() {
                if column > 0 {
                    line.push('─');
                }
                line.extend(std::iter::repeat_n('─', width + 2));
            }
            end_line(out, &mut line)?;
        }
        let mut cells = spool.read()?;
        let mut text = String::new();
        'rows: loop {
            for (column, &width) in widths.iter().enumerate() {
                if !cells.next_into(&mut text)? {
                    break 'rows;
                }
                let color = word_color(&text).filter(|_| colored[column]);
                pad_cell(&mut line, column, &text, width, color);
            }
            end_line(out, &mut line)?;
        }
        writeln!(out)?;
        Ok(())
    }
}

/// The width of a line of text on a terminal, as comfy-table measures it.
fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// Appends the cell of `column` as a table on one line shows it: after a
/// space between columns, a space, the text, the spaces up to its column's
/// width and a space, coloured as a whole.
fn pad_cell(line: &mut String, column: usize, text: &str, width: usize, color: Option<Color>) {
    use std::fmt::Write as _;
    if column > 0 {
        line.push(' ');
    }
    let padding = width.saturating_sub(self::width(text)) + 1;
    match color {
        None => {
            line.push(' ');
            line.push_str(text);
            line.extend(std::iter::repeat_n(' ', padding));
        }
        Some(color) => {
            use crossterm::style::Stylize;
            let padded = format!(" {text}{}", " ".repeat(padding));
            let _ = write!(
                line,
                "{}",
                crossterm::style::style(padded).with(ansi(color))
            );
        }
    }
}

/// The terminal colour comfy-table writes for a cell's colour.
fn ansi(color: Color) -> crossterm::style::Color {
    use crossterm::style::Color as C;
    match color {
        Color::Green => C::Green,
        Color::Cyan => C::Cyan,
        Color::Blue => C::Blue,
        Color::Yellow => C::Yellow,
        Color::Red => C::Red,
        _ => C::Reset,
    }
}

/// The cells of a table's rows, kept between measuring and writing them:
/// in memory up to a few megabytes, then in a temporary file (which has no
/// name, so nothing is left behind), each cell as its length and its text.
#[derive(Default)]
struct Spool {
    memory: Vec<u8>,
    file: Option<BufWriter<File>>,
}

impl Spool {
    /// How many bytes of cells stay in memory (`FACTLINE_TABLE_SPOOL`, for
    /// the tests, else 8 MB).
    fn limit() -> usize {
        std::env::var("FACTLINE_TABLE_SPOOL")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(8 << 20)
    }

    fn put(&mut self, text: &str) -> Result<()> {
        self.memory
            .extend_from_slice(&(text.len() as u64).to_le_bytes());
        self.memory.extend_from_slice(text.as_bytes());
        if self.memory.len() > Self::limit() {
            if self.file.is_none() {
                let file = crate::store::bulk::temp_file("a temporary copy of a table's rows")?;
                self.file = Some(BufWriter::new(file));
            }
            if let Some(file) = &mut self.file {
                file.write_all(&self.memory).map_err(Self::failed)?;
            }
            self.memory.clear();
        }
        Ok(())
    }

    fn failed(e: io::Error) -> Error {
        crate::store::bulk::temp_file_failed("keep a table's rows", "a temporary file", e)
    }

    /// The cells kept, in the order they were put.
    fn read(self) -> Result<SpoolReader> {
        let reader: Box<dyn io::Read> = match self.file {
            None => Box::new(io::Cursor::new(self.memory)),
            Some(file) => {
                use std::io::{Read, Seek, SeekFrom};
                let mut file = file
                    .into_inner()
                    .map_err(|e| Self::failed(e.into_error()))?;
                file.seek(SeekFrom::Start(0)).map_err(Self::failed)?;
                Box::new(io::BufReader::new(file).chain(io::Cursor::new(self.memory)))
            }
        };
        Ok(SpoolReader(reader))
    }
}

struct SpoolReader(Box<dyn io::Read>);

impl SpoolReader {
    /// Reads the next cell into `text`; false at the end.
    fn next_into(&mut self, text: &mut String) -> Result<bool> {
        use io::Read;
        let mut len = [0u8; 8];
        match self.0.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(false),
            Err(e) => return Err(Spool::failed(e)),
        }
        let mut bytes = std::mem::take(text).into_bytes();
        bytes.clear();
        let len = u64::from_le_bytes(len);
        let read = (&mut self.0)
            .take(len)
            .read_to_end(&mut bytes)
            .map_err(Spool::failed)?;
        if read as u64 != len {
            return Err(Spool::failed(io::Error::other(
                "a cell read back is cut short",
            )));
        }
        *text = String::from_utf8(bytes)
            .map_err(|_| Spool::failed(io::Error::other("a cell read back is damaged")))?;
        Ok(true)
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
            match rustix::fs::openat(CWD, dir, flags, Mode::from_raw_mode(0o600)) {
                Ok(fd) => {
                    return Ok(Pending::Unnamed {
                        file: File::from(fd),
                        dir: dir.to_path_buf(),
                    })
                }
                // No unnamed files here (the file system or an older
                // system): a named one instead.
                Err(rustix::io::Errno::OPNOTSUPP | rustix::io::Errno::ISDIR) => {}
                // A folder that may not be written, a full or read-only
                // disk: said as it is, not of a hidden name never made.
                Err(e) => return Err(e.into()),
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
