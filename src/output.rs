//! Printing results: aligned tables for people, CSV and JSON for scripts.
//! Also the shared output builder where `-` (or nothing) means stdout.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use comfy_table::{presets, ContentArrangement, Table, TableComponent};
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

/// Writes rows to stdout in a read command's format.
pub fn print_rows<R: Row>(format: Format, rows: &[R]) -> Result<()> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    write_rows(&mut out, format, rows)?;
    out.flush()?;
    Ok(())
}

pub fn write_rows<R: Row, W: Write>(out: &mut W, format: Format, rows: &[R]) -> Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, rows)?;
            writeln!(out)?;
        }
        Format::Csv => write_csv(out, rows)?,
        _ => {
            if rows.is_empty() {
                return Ok(());
            }
            let mut table = new_table();
            table.set_header(rows[0].table().0);
            for row in rows {
                table.add_row(row.table().1);
            }
            writeln!(out, "{table}")?;
        }
    }
    Ok(())
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
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(headers)?;
    for cells in rows {
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
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, row)?;
            writeln!(out)?;
        }
        Format::Csv => write_csv(&mut out, std::slice::from_ref(row))?,
        _ => {
            let mut table = new_table();
            table.load_preset(presets::NOTHING);
            for (header, cell) in R::HEADERS.iter().zip(row.cells()) {
                if !cell.is_empty() {
                    table.add_row(vec![header.to_string(), cell]);
                }
            }
            writeln!(out, "{table}")?;
        }
    }
    out.flush()?;
    Ok(())
}

fn new_table() -> Table {
    let mut table = Table::new();
    // No borders, only a rule under the header: rows stay compact and easy to grep.
    table
        .load_preset(presets::NOTHING)
        .set_style(TableComponent::HeaderLines, '─')
        .set_style(TableComponent::MiddleHeaderIntersections, '─')
        .set_content_arrangement(ContentArrangement::Dynamic);
    table
}

/// An output file or stdout. A file is written beside its destination and
/// renamed into place by `finish`, so a failed command leaves no partial file.
pub struct Output {
    target: Option<(PathBuf, tempfile::NamedTempFile)>,
    writer: Box<dyn Write>,
}

impl Output {
    /// `None` or `-` is stdout.
    pub fn create(path: Option<&Path>) -> Result<Output> {
        match path {
            None => Ok(Output::stdout()),
            Some(p) if p == Path::new("-") => Ok(Output::stdout()),
            Some(p) => {
                let dir = match p.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d,
                    _ => Path::new("."),
                };
                let temp = tempfile::NamedTempFile::new_in(dir)
                    .map_err(|e| Error::bad_input(format!("cannot write {}: {e}", p.display())))?;
                let file: File = temp.reopen()?;
                Ok(Output {
                    target: Some((p.to_path_buf(), temp)),
                    writer: Box::new(BufWriter::new(file)),
                })
            }
        }
    }

    fn stdout() -> Output {
        Output {
            target: None,
            writer: Box::new(BufWriter::new(io::stdout())),
        }
    }

    /// Flushes and, for a file, moves it into place.
    pub fn finish(mut self) -> Result<()> {
        self.writer.flush()?;
        drop(self.writer);
        if let Some((path, temp)) = self.target {
            temp.persist(&path).map_err(|e| {
                Error::bad_input(format!("cannot write {}: {}", path.display(), e.error))
            })?;
        }
        Ok(())
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}
