//! `factline import FILE`: load an NDJSON dump (read twice: checked, then
//! applied) or a CSV (read once, its rows checked on a reading thread), each
//! as one bulk change: every page written once, all or nothing (see
//! `store::bulk`).

use std::io::{self, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use crate::cli::{CsvContent, Format, ImportArgs};
use crate::cmd::Ctx;
use crate::dump;
use crate::error::{Error, Result};
use crate::model::names::{fold, looks_like_id, slug};
use crate::model::{self, Actor, Claim, Event, Meta, Source, SourceLink};
use crate::resolve::{IdSuffixes, SourceFound, Spelled};
use crate::store::bulk::Bulk;
use crate::store::{keys, Access, Record, Store};
use crate::tabular::{self, Columns, EventRow, Rows};

pub fn run(ctx: &Ctx, args: ImportArgs) -> Result<()> {
    if ctx.as_of.is_some() {
        // A dry run counts what the import would change now; against the
        // past it would call new what is already stored.
        return Err(Error::bad_input(
            "--as-of shows the past; an import (and its --dry-run) writes into the database as it is now",
        ));
    }
    let stdin = args.file == Path::new("-");
    let label = if stdin {
        "<stdin>".to_string()
    } else {
        args.file.display().to_string()
    };
    // A dump (and a claims CSV) is read twice, so stdin is spooled first,
    // and so is a pipe given by its path (`import <(cut … sheet.csv)`, a
    // named pipe), which can be read only once.
    let pipe = !stdin && is_pipe(&args.file);
    let spooled = if stdin {
        Some(Spool::copy(&mut io::stdin().lock(), &label).map_err(nothing_imported)?)
    } else if pipe {
        Some(Spool::copy(&mut open(&args.file, &label)?, &label).map_err(nothing_imported)?)
    } else {
        None
    };
    let path: PathBuf = spooled
        .as_ref()
        .map_or_else(|| args.file.clone(), |spool| spool.path().to_path_buf());
    let meta = std::fs::metadata(&path).map_err(|e| tabular::cannot_read(&label, e))?;
    if meta.is_dir() {
        return Err(tabular::cannot_read(
            &label,
            io::Error::from(io::ErrorKind::IsADirectory),
        ));
    }
    if input_format(ctx.format, &path, &label)? == Format::Ndjson {
        refuse_csv_options(&args)?;
        return import_ndjson(ctx, &path, &label, args.dry_run).map_err(nothing_imported);
    }
    if (stdin || pipe) && args.skip_bad && !args.dry_run && args.rejects.is_none() {
        // The default reject file is named after the input, which has no
        // file name of its own to go beside.
        let input = if stdin { "stdin" } else { "a pipe" };
        return Err(Error::bad_input(format!(
            "--skip-bad on {input} needs --rejects FILE, where the bad rows go (- for stdout)"
        )));
    }
    import_csv(ctx, &path, &label, &args).map_err(nothing_imported)
}

/// Says that nothing was imported after a temporary directory that is
/// missing, may not be written or is full (the user's to mend, exit code
/// 2): such an error comes before the import touches the database, since
/// its sort is finished, in TMPDIR, before the commit begins.
fn nothing_imported(e: Error) -> Error {
    match e.temp_dir && e.code == crate::error::Code::BadInput {
        true => e.with_note("nothing was imported"),
        false => e,
    }
}

/// Stdin or a pipe, copied to a temporary file to be read from there
/// (more than once).
enum Spool {
    /// On Linux, a file without a name (`O_TMPFILE`, or one removed as
    /// soon as it is made), read again through `/proc/self/fd`: however
    /// the import ends (Ctrl-C, `kill`), nothing is left behind, where a
    /// named file would stay as a hidden file as large as the input.
    #[cfg(target_os = "linux")]
    Unnamed { file: std::fs::File, path: PathBuf },
    /// A hidden temporary file, removed when the import ends, where the
    /// system has no unnamed files or no `/proc` to read one again.
    Named(tempfile::NamedTempFile),
}

/// How often at most (in bytes copied) the copy checks the room left in
/// TMPDIR: a quarter of the room it leaves, and at least every 8 MB.
const SPOOL_CHECK_EVERY: u64 = 8 << 20;

impl Spool {
    fn new_in(dir: &Path) -> io::Result<Spool> {
        #[cfg(target_os = "linux")]
        if let Ok(file) = tempfile::tempfile_in(dir) {
            use std::os::fd::AsRawFd;
            let path = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
            if std::fs::File::open(&path).is_ok() {
                return Ok(Spool::Unnamed { file, path });
            }
        }
        tempfile::NamedTempFile::new_in(dir).map(Spool::Named)
    }

    /// The path the copy is read from.
    fn path(&self) -> &Path {
        match self {
            #[cfg(target_os = "linux")]
            Spool::Unnamed { path, .. } => path,
            Spool::Named(temp) => temp.path(),
        }
    }

    fn file(&self) -> &std::fs::File {
        match self {
            #[cfg(target_os = "linux")]
            Spool::Unnamed { file, .. } => file,
            Spool::Named(temp) => temp.as_file(),
        }
    }

    /// Copies `input` (`label`) into a new spool in TMPDIR. An error
    /// reading it names the input; one writing the copy names TMPDIR. The
    /// copy stops before it would leave its file system almost full (an
    /// endless input such as `/dev/zero`, or one too large for TMPDIR),
    /// where it would fill the disk for every other program, then fail.
    fn copy(input: &mut impl Read, label: &str) -> Result<Spool> {
        let dir = std::env::temp_dir();
        let cannot_copy = |e: io::Error| {
            Error::bad_input(format!(
                "cannot copy {label} to a temporary file in {} (an import reads stdin or a pipe from a copy): {e}; set TMPDIR to a directory with room, or import a file",
                dir.display()
            ))
            .in_temp_dir()
        };
        let spool = Spool::new_in(&dir).map_err(cannot_copy)?;
        let reserve = room_to_leave(spool.file());
        let every = reserve.map_or(SPOOL_CHECK_EVERY, |r| {
            (r / 4).clamp(1 << 16, SPOOL_CHECK_EVERY)
        });
        let mut out = io::BufWriter::with_capacity(1 << 16, spool.file());
        let mut buf = vec![0u8; 1 << 16];
        let (mut copied, mut checked) = (0u64, 0u64);
        loop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(tabular::cannot_read(label, e)),
            };
            out.write_all(&buf[..n]).map_err(cannot_copy)?;
            copied += n as u64;
            if copied - checked >= every {
                checked = copied;
                if let Some(reserve) = reserve.filter(|&r| room_left(spool.file()) < r) {
                    return Err(cannot_copy(io::Error::other(format!(
                        "stopped after {} MB, to leave {} MB free on that file system",
                        copied >> 20,
                        reserve.div_ceil(1 << 20)
                    ))));
                }
            }
        }
        out.flush().map_err(cannot_copy)?;
        drop(out);
        Ok(spool)
    }
}

/// The room a copy of stdin leaves free on the file system of `file`: a
/// twentieth of it, at most 1 GB (`None` where the system does not say).
fn room_to_leave(file: &std::fs::File) -> Option<u64> {
    #[cfg(unix)]
    {
        let fs = rustix::fs::fstatvfs(file).ok()?;
        Some((fs.f_blocks.saturating_mul(fs.f_frsize) / 20).min(1 << 30))
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        None
    }
}

/// The room left for this user on the file system of `file`.
fn room_left(file: &std::fs::File) -> u64 {
    #[cfg(unix)]
    {
        rustix::fs::fstatvfs(file).map_or(u64::MAX, |fs| fs.f_bavail.saturating_mul(fs.f_frsize))
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        u64::MAX
    }
}

/// What an input file is, noted when the import starts and compared
/// before it commits: a file changed meanwhile (written to, cut short)
/// may have been read in part as it was and in part as it is.
#[derive(PartialEq)]
struct Seen {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    inode: (u64, u64),
}

impl Seen {
    fn of(path: &Path, label: &str) -> Result<Seen> {
        let meta = std::fs::metadata(path).map_err(|e| tabular::cannot_read(label, e))?;
        Ok(Seen {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            inode: {
                use std::os::unix::fs::MetadataExt;
                (meta.dev(), meta.ino())
            },
        })
    }

    /// Refuses the import if the file at `path` is no longer what it was.
    fn unchanged(&self, path: &Path, label: &str) -> Result<()> {
        match Seen::of(path, label)? == *self {
            true => Ok(()),
            false => Err(Error::bad_input(format!(
                "cannot read {label}: it changed while being imported; nothing was written (import it again once it is whole)"
            ))),
        }
    }
}

/// Whether `path` is something that exists but is neither a file nor a
/// directory: a pipe (`/dev/fd/63` of a shell's `<(…)`, a named pipe) or a
/// device, read as it streams.
fn is_pipe(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Refuses the options that only a CSV import reads, for a dump: it holds
/// every kind of record with fixed field names, is checked up to its first
/// bad line and is imported whole or not at all (`--dry-run` is for both).
fn refuse_csv_options(args: &ImportArgs) -> Result<()> {
    let for_csv = |option: String| format!("{option} is for CSV only");
    crate::cmd::refuse_unused_options(
        [
            args.what
                .map(|what| for_csv(format!("--what {}", what.name()))),
            args.map.as_ref().map(|map| for_csv(format!("--map {map}"))),
            args.skip_bad.then(|| for_csv("--skip-bad".into())),
            args.rejects
                .as_ref()
                .map(|path| for_csv(format!("--rejects {}", path.display()))),
            args.max_errors
                .map(|n| for_csv(format!("--max-errors {n}"))),
        ],
        "ndjson",
    )
}

/// --format if given, else the file's extension, else its first byte. One
/// of factline's exports that import cannot read back is refused in one
/// line that says so, whatever its name or --format ([`export_kind`]).
fn input_format(given: Option<Format>, path: &Path, label: &str) -> Result<Format> {
    if let Some(kind) = export_kind(path, label)? {
        let instead = match kind {
            "TimelineJS JSON" => "the TimelineJS sheet (export --format timelinejs-csv)",
            _ => "the timeline CSV (export --format csv)",
        };
        return Err(Error::bad_input(format!(
            "{label} is a {kind} file, which import does not read; import the NDJSON dump (export --format ndjson) or {instead}"
        )));
    }
    match given {
        Some(f @ (Format::Ndjson | Format::Csv)) => return Ok(f),
        Some(other) => {
            return Err(Error::bad_input(format!(
                "import reads ndjson or csv, not {}",
                other.name()
            )))
        }
        None => {}
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if !label.starts_with('<') {
        match ext.as_str() {
            "csv" | "tsv" | "txt" => return Ok(Format::Csv),
            "ndjson" | "jsonl" | "json" => return Ok(Format::Ndjson),
            _ => {}
        }
    }
    // After a byte-order mark, which either may start with.
    let mut first = Vec::with_capacity(4);
    open(path, label)?
        .take(4)
        .read_to_end(&mut first)
        .map_err(|e| tabular::cannot_read(label, e))?;
    let first = first
        .strip_prefix(crate::BYTE_ORDER_MARK.as_bytes())
        .unwrap_or(&first);
    Ok(if first.first() == Some(&b'{') {
        Format::Ndjson
    } else {
        Format::Csv
    })
}

/// What a file is, by its first bytes, when it is one of the exports that
/// `export` writes and `import` does not read: TimelineJS JSON (a JSON
/// object whose first key is TimelineJS's, never a dump's header),
/// GraphML, GEXF, SVG, HTML (markup starting so) or DOT (`graph NAME {`).
fn export_kind(path: &Path, label: &str) -> Result<Option<&'static str>> {
    let mut first = Vec::with_capacity(512);
    open(path, label)?
        .take(512)
        .read_to_end(&mut first)
        .map_err(|e| tabular::cannot_read(label, e))?;
    let first = first
        .strip_prefix(crate::BYTE_ORDER_MARK.as_bytes())
        .unwrap_or(&first);
    let text = String::from_utf8_lossy(first);
    let text = text.trim_start();
    if let Some(object) = text.strip_prefix('{') {
        let key = object.trim_start();
        let timelinejs = ["\"title\"", "\"events\"", "\"scale\""]
            .iter()
            .any(|k| key.starts_with(k));
        return Ok(timelinejs.then_some("TimelineJS JSON"));
    }
    if text.starts_with('<') {
        let lower = text.to_ascii_lowercase();
        let tag = |name: &str| {
            lower
                .match_indices(name)
                .any(|(at, _)| lower[at + name.len()..].starts_with([' ', '>', '\n', '\r', '\t']))
        };
        return Ok([
            ("<graphml", "GraphML"),
            ("<gexf", "GEXF"),
            ("<svg", "SVG"),
            ("<html", "HTML"),
            ("<!doctype", "HTML"),
        ]
        .into_iter()
        .find(|(name, _)| tag(name))
        .map(|(_, kind)| kind));
    }
    let line = text.lines().next().unwrap_or("").trim_end();
    let words: Vec<&str> = line.split_whitespace().collect();
    let graph = match words.as_slice() {
        ["strict", rest @ ..] => rest,
        all => all,
    };
    let dot = matches!(graph, ["graph" | "digraph", .., "{"]);
    Ok(dot.then_some("DOT (Graphviz)"))
}

fn open(path: &Path, label: &str) -> Result<BufReader<std::fs::File>> {
    let file = std::fs::File::open(path).map_err(|e| tabular::cannot_read(label, e))?;
    Ok(BufReader::new(file))
}

/// The store to import into. A dry run never creates a database: on a path
/// with none it checks against an empty one in memory.
fn open_store(ctx: &Ctx, dry_run: bool) -> Result<Store> {
    if dry_run {
        if crate::store::exists(&ctx.db) {
            ctx.open(Access::Read)
        } else {
            Store::temporary(&ctx.db)
        }
    } else {
        ctx.open(Access::Write)
    }
}

fn import_ndjson(ctx: &Ctx, path: &Path, label: &str, dry_run: bool) -> Result<()> {
    let seen = Seen::of(path, label)?;
    // Pass 1: check every line before anything is written, noting the
    // records the file holds (a line may name a record further down).
    let mut in_file = dump::FileIds::default();
    let mut lines = dump::LineReader::new(open(path, label)?, label).at(ctx.now);
    while let Some((_, line)) = lines.next_line()? {
        in_file.insert(&line);
    }
    let whole = lines.checked_whole();
    // Pass 2: one bulk change (all or nothing, in bounded memory).
    let store = open_store(ctx, dry_run)?;
    let mut bulk = store.bulk()?;
    let mut applied = dump::Applied::default();
    let mut lines = dump::LineReader::new(open(path, label)?, label).at(ctx.now);
    while let Some((number, line)) = lines.next_line()? {
        dump::apply_line(
            &mut bulk,
            &store,
            (number, &line),
            label,
            &|kind, id| in_file.contains(kind, id),
            &mut applied,
        )?;
    }
    seen.unchanged(path, label)?;
    if !whole {
        crate::notice(format!(
            "{label}: a dump from an earlier factline (format version 1) ends without a trailer, so it cannot be checked for completeness"
        ));
    }
    if dry_run {
        crate::notice(format!(
            "dry run of {label}: {} would be added, {} already present; nothing written",
            applied.added, applied.unchanged
        ));
        return Ok(());
    }
    bulk.commit()?;
    crate::notice(format!(
        "imported {label}: {} new, {} already present",
        applied.added, applied.unchanged
    ));
    Ok(())
}

/// Refuses a reject file (`--rejects`, or the default beside the input)
/// that --skip-bad would write over the file being imported (whatever the
/// spelling of its path: a link, `..`), which would leave the user only
/// the bad rows, or into a database directory (this one, or another),
/// where it would be taken for one of the database's files. `-` is
/// stdout, where an import writes nothing else.
fn check_reject_path(ctx: &Ctx, rejects: &Path, input: &Path, label: &str) -> Result<()> {
    if rejects == Path::new("-") {
        return Ok(());
    }
    if crate::output::same_file(rejects, input) {
        return Err(Error::bad_input(format!(
            "--rejects {} is {label}, the file being imported; the bad rows would replace it (name another file)",
            rejects.display()
        )));
    }
    crate::output::refuse_inside_database(rejects, Some(&ctx.db), "the rejected rows")?;
    if rejects.is_dir() {
        return Err(Error::bad_input(format!(
            "cannot write --rejects {}: it is a directory",
            rejects.display()
        )));
    }
    Ok(())
}

/// How many bad rows a CSV import lists (`--max-errors`).
const DEFAULT_MAX_ERRORS: usize = 20;

/// What a CSV import did (or, with --dry-run, would do).
#[derive(Debug, Default)]
struct Counts {
    added: usize,
    updated: usize,
    unchanged: usize,
    rejected: usize,
    /// Rows naming retracted records (by id, or by what identifies an
    /// event without one), left retracted: no new record in their place.
    retracted: usize,
    actors_created: usize,
    sources_created: usize,
}

fn import_csv(ctx: &Ctx, path: &Path, label: &str, args: &ImportArgs) -> Result<()> {
    if args.rejects.is_some() && !args.skip_bad {
        // Asked for a reject file, the user would otherwise get none.
        return Err(Error::bad_input(
            "--rejects needs --skip-bad: bad rows go to a reject file only when --skip-bad imports the good ones",
        ));
    }
    let what = args.what.unwrap_or(CsvContent::Timeline);
    let max_errors = args.max_errors.unwrap_or(DEFAULT_MAX_ERRORS);
    let fields = match what {
        CsvContent::Timeline => tabular::TIMELINE_FIELDS,
        CsvContent::Claims => tabular::CLAIM_FIELDS,
    };
    let map = match &args.map {
        Some(text) => tabular::parse_map(text, fields)?,
        None => Vec::new(),
    };

    let reject_path = args
        .rejects
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{label}.rejects.csv")));
    if args.skip_bad {
        check_reject_path(ctx, &reject_path, path, label)?;
    }
    let seen = Seen::of(path, label)?;
    let rows = Rows::new(open(path, label)?, label)?;
    let columns = Columns::new(&rows.header, &map, fields, label)?;
    let header = rows.header.clone();
    let mut rows = Some(rows);
    // Claims may name claims further down the file (contradicts, supports):
    // their ids are gathered first, with the line of the first row that
    // gives each, also a row that is bad as it is read. (Claims are few;
    // events are read once.)
    let claim_lines = match what {
        CsvContent::Claims => {
            let mut ids = std::collections::HashMap::new();
            let mut first = Rows::new(open(path, label)?, label)?;
            while let Some((line, row)) = first.next_row()? {
                if let Ok(Ok(Some(id))) = row.map(|fields| columns.row_id(&fields)) {
                    ids.entry(id).or_insert(line);
                }
            }
            ids
        }
        CsvContent::Timeline => Default::default(),
    };

    // One pass: every row is checked; good rows go into one bulk change,
    // which is written only at the end, and only if no row was bad (or
    // --skip-bad was given). After a bad row without --skip-bad, the rest
    // is only checked (event rows still against the change, which is then
    // never written), so that every bad row is reported.
    //
    // A claims row that names a claim which a later row of the file gives
    // cannot know yet whether that row is good. When that row turns out
    // bad, the claim that names it would name a claim that does not
    // exist: the file is then read again, with such rows bad too (their
    // reject lines say which row they depend on) and every row found bad
    // before still bad for the same reason, until no row is left naming a
    // bad one. The bad rows of a claims file are written to the reject
    // file once that is known.
    let store = open_store(ctx, args.dry_run)?;
    let mut bad_before: std::collections::HashMap<u64, String> = Default::default();
    let reading = Reading {
        path,
        label,
        columns: &columns,
        header: &header,
        what,
        store: &store,
        now: ctx.now,
        claim_lines: &claim_lines,
        reject_path: &reject_path,
        write_rejects: args.skip_bad && !args.dry_run,
    };
    let Pass {
        mut importer,
        bulk,
        mut bad,
        total,
        progress,
        ignored_cells,
    } = loop {
        let rows = match rows.take() {
            Some(rows) => rows,
            None => Rows::new(open(path, label)?, label)?,
        };
        let mut pass = reading.read(rows, &bad_before)?;
        let more = pass.importer.claims_naming_bad_rows(&mut pass.bulk)?;
        if more.is_empty() {
            pass.bad.write_held()?;
            break pass;
        }
        pass.progress.finish();
        bad_before.extend(pass.bad.rows.into_iter().chain(more));
    };
    progress.finish();
    // Said once the rows are read: only a column that holds something is
    // worth naming.
    if let Some(notice) = columns.ignored_notice(label, fields, &ignored_cells) {
        crate::notice(notice);
    }
    // Before the reject file is put in place: nothing is written then.
    seen.unchanged(path, label)?;
    bad.finish()?;
    let rejects_closed = bad.closed;
    let bad = bad.rows;
    // What the rows' names were read as, said once the bar is gone.
    for notice in importer.sources.notices.drain(..) {
        crate::notice(notice);
    }
    if !bad.is_empty() && !args.skip_bad {
        // Errors, listed even with --quiet.
        for (line, message) in bad.iter().take(max_errors) {
            crate::error_line(format!("{label}:{line}: {message}"));
        }
        if bad.len() > max_errors {
            crate::error_line(format!("… and {} more bad rows", bad.len() - max_errors));
        }
        return Err(Error::bad_input(format!(
            "{label}: {} of {total} rows are bad; nothing was written (fix them, or pass --skip-bad to import the good rows and write the bad ones to a reject file)",
            bad.len()
        )));
    }
    // Rows that add an event beside its stored twin, named (as many as
    // bad rows would be) before the summary counts them.
    let twins = std::mem::take(&mut importer.stored_twins);
    for twin in twins.iter().take(max_errors) {
        crate::notice(format!(
            "{label}:{}: new id {} has the date, title and actors of event {}, stored without an id of yours: added beside it (give the row the id {} to update that event instead)",
            twin.line,
            crate::error::quoted(&twin.id),
            twin.stored,
            twin.stored
        ));
    }
    if twins.len() > max_errors {
        crate::notice(format!("… and {} more such rows", twins.len() - max_errors));
    }
    // Rows that gave an event as it was before a later change, left as
    // it is now (counted as unchanged).
    let as_before = std::mem::take(&mut importer.as_before);
    for row in as_before.iter().take(max_errors) {
        crate::notice(format!(
            "{label}:{}: the row gives event {} as it was in version {}, before its {} changed: left as it is now",
            row.line, row.id, row.version, row.changed
        ));
    }
    if as_before.len() > max_errors {
        crate::notice(format!(
            "… and {} more such rows",
            as_before.len() - max_errors
        ));
    }
    let counts = &mut importer.counts;
    counts.rejected = bad.len();
    let verb = if args.dry_run {
        "dry run of"
    } else {
        "imported"
    };
    if !args.dry_run {
        bulk.commit()?;
    }
    let mut message = format!(
        "{verb} {label}: {} added, {} updated, {} unchanged; {} actors and {} sources created",
        counts.added,
        counts.updated,
        counts.unchanged,
        counts.actors_created,
        counts.sources_created
    );
    match twins.len() {
        0 => {}
        1 => message.push_str(
            "; 1 of them has the date, title and actors of an event stored under another id",
        ),
        n => message.push_str(&format!(
            "; {n} of them have the date, title and actors of an event stored under another id"
        )),
    }
    match counts.retracted {
        0 => {}
        1 => message.push_str("; 1 row names a retracted record, left retracted"),
        n => message.push_str(&format!(
            "; {n} rows name retracted records, left retracted"
        )),
    }
    if counts.rejected > 0 {
        message.push_str(&format!(
            "; {} bad rows {}",
            counts.rejected,
            if args.dry_run {
                "would be rejected".to_string()
            } else {
                let to = match reject_path == Path::new("-") {
                    true => "stdout".to_string(),
                    false => reject_path.display().to_string(),
                };
                match rejects_closed {
                    // `--rejects - | head`: the good rows are imported all
                    // the same, and the summary says the list is cut short.
                    true => format!("written to {to} until its reader closed it"),
                    false => format!("written to {to}"),
                }
            }
        ));
    }
    if args.dry_run {
        message.push_str("; nothing written");
    }
    crate::notice(message);
    if let Some(notice) = comma_names_notice(&importer.created_with_commas) {
        crate::notice(notice);
    }
    if counts.actors_created > 0 && !args.dry_run {
        let created = &importer.created_actors;
        let near = crate::resolve::similar_actors_involving(&store, created)?.len();
        if near > 0 {
            crate::notice(format!(
                "{near} pairs of actors, new and old, have names that look alike: review them with `factline actors --similar` and merge with `factline actor merge`"
            ));
        }
    }
    Ok(())
}

/// A sheet's actors written `Steve Witkoff, Kirill Dmitriev` (a list
/// separated by commas, as people type it) are one new actor of that
/// name: a name may hold a comma (`Witkoff, Steve`), so the import cannot
/// refuse it, but says so, `--dry-run` too, with the `;` to write.
fn comma_names_notice(names: &[String]) -> Option<String> {
    let first = names.first()?;
    let others = match names.len() - 1 {
        0 => String::new(),
        1 => " and 1 more".to_string(),
        n => format!(" and {n} more"),
    };
    let as_list: Vec<&str> = first.split(',').map(str::trim).collect();
    Some(format!(
        "new actor {first:?}{others} has a comma in its name; if it names several actors, separate them with \";\": {:?}",
        as_list.join("; ")
    ))
}

/// What a row's actor or source name means: its id, `None` for nobody yet,
/// or `Err` with why it means no one record (see `Importer::known_actor`,
/// `RowSources::known`).
type Known = std::result::Result<Option<String>, String>;

/// Rows handed from the reading thread to the importing one at a time.
const PARSED_CHUNK_ROWS: usize = 512;

/// One row of a CSV import, read and checked: (line, byte position after
/// it, what it holds).
type ParsedRow = (u64, u64, Parsed);

enum Parsed {
    /// The title row of a TimelineJS sheet: not an event.
    TimelineJsTitle,
    /// What is wrong with the row, and its raw fields for the reject file.
    Bad(String, Vec<Vec<u8>>),
    Event(EventRow),
    Claim(tabular::ClaimRow),
}

fn parse_row(
    columns: &Columns,
    header: &[String],
    what: CsvContent,
    line: u64,
    row: std::result::Result<&[String], tabular::BadRaw>,
) -> Parsed {
    let fields = match row {
        Ok(fields) if columns.is_timelinejs_title(header, fields) => {
            return Parsed::TimelineJsTitle
        }
        Ok(fields) => fields,
        Err((message, raw)) => return Parsed::Bad(message, raw),
    };
    let parsed = match what {
        CsvContent::Timeline => columns.event_row(line, fields).map(Parsed::Event),
        CsvContent::Claims => columns.claim_row(line, fields).map(Parsed::Claim),
    };
    parsed.unwrap_or_else(|message| {
        Parsed::Bad(
            message,
            fields
                .iter()
                .map(|field| field.as_bytes().to_vec())
                .collect(),
        )
    })
}

/// What one reading of a CSV file needs (see `import_csv`: a claims file
/// may be read again).
struct Reading<'a> {
    path: &'a Path,
    label: &'a str,
    columns: &'a Columns,
    header: &'a [String],
    what: CsvContent,
    store: &'a Store,
    now: model::Stamp,
    /// The claims the file gives, with the line of the first row that
    /// gives each.
    claim_lines: &'a std::collections::HashMap<String, u64>,
    reject_path: &'a Path,
    write_rejects: bool,
}

/// What one reading of a CSV file made: the records to write (a bulk
/// change not committed yet), the bad rows, how many rows were read.
struct Pass<'a> {
    importer: Importer<'a>,
    bulk: Bulk<'a>,
    bad: BadRows<'a>,
    total: usize,
    progress: Progress,
    /// Which of the columns no field reads hold a cell that is not blank
    /// (see [`Columns::mark_ignored_cells`]).
    ignored_cells: Vec<bool>,
}

impl<'a> Reading<'a> {
    /// Reads `rows` once, turning them into records; `bad_before` holds the
    /// claims rows an earlier reading found bad, by line, bad again for the
    /// same reason.
    fn read(
        &self,
        mut rows: Rows<BufReader<std::fs::File>>,
        bad_before: &std::collections::HashMap<u64, String>,
    ) -> Result<Pass<'a>> {
        // Where the first row starts (a row found bad after it was read is
        // read again from the file, for the reject file).
        let mut row_start = rows.position();
        let mut importer = Importer::new(self.store, self.now, Given::of(self.columns))?;
        importer.claims_in_file.clone_from(self.claim_lines);
        importer.bad_before.clone_from(bad_before);
        let mut bulk = self.store.bulk()?;
        let progress = Progress::new(std::fs::metadata(self.path).map_or(0, |m| m.len()));
        let mut bad = BadRows {
            rows: Vec::new(),
            file: None,
            path: self.reject_path,
            header: self.header,
            label: self.label,
            write: self.write_rejects,
            closed: false,
            held: (self.what == CsvContent::Claims).then(Vec::new),
        };
        let mut total = 0usize;
        let mut ignored_cells = Vec::new();
        // Reading and checking rows (CSV parsing, dates, names) runs on a
        // second thread, in order, a chunk at a time; this one turns rows into
        // records.
        let (to_import, parsed) = std::sync::mpsc::sync_channel::<Result<Vec<ParsedRow>>>(8);
        let (give_back, given_back) = std::sync::mpsc::channel::<Spent>();
        std::thread::scope(|scope| -> Result<()> {
            let (columns, header, what) = (self.columns, self.header, self.what);
            let reader = scope.spawn(move || {
                let mut chunk = Vec::with_capacity(PARSED_CHUNK_ROWS);
                let mut holding = vec![false; columns.ignored_count()];
                let mut fields = Vec::new();
                loop {
                    if chunk.is_empty() {
                        given_back.try_iter().for_each(drop);
                    }
                    match rows.next_row_into(&mut fields) {
                        Ok(Some((line, row))) => {
                            let row = row.map(|()| fields.as_slice());
                            match &row {
                                Ok(fields) => columns.mark_ignored_cells(fields, &mut holding),
                                Err((_, raw)) => columns.mark_ignored_cells(raw, &mut holding),
                            }
                            let parsed = parse_row(columns, header, what, line, row);
                            chunk.push((line, rows.position(), parsed));
                            if chunk.len() == PARSED_CHUNK_ROWS {
                                let full = std::mem::replace(
                                    &mut chunk,
                                    Vec::with_capacity(PARSED_CHUNK_ROWS),
                                );
                                if to_import.send(Ok(full)).is_err() {
                                    return holding; // the import stopped
                                }
                            }
                        }
                        Ok(None) => {
                            let _ = to_import.send(Ok(chunk));
                            return holding;
                        }
                        Err(e) => {
                            let _ = to_import.send(Ok(chunk));
                            let _ = to_import.send(Err(e));
                            return holding;
                        }
                    }
                }
            });
            for chunk in parsed {
                for (line, position, parsed) in chunk? {
                    let start = std::mem::replace(&mut row_start, position);
                    total += 1;
                    progress.set(total as u64, position);
                    let written = match parsed {
                        Parsed::TimelineJsTitle => continue,
                        Parsed::Bad(message, raw) => {
                            bad.add(line, message, raw)?;
                            continue;
                        }
                        // Rows are still matched after a bad row (the change
                        // is not written then), so that a second row for one
                        // record, or one bad for what the database holds, is
                        // reported too.
                        Parsed::Event(row) => importer.event(&mut bulk, row),
                        Parsed::Claim(row) => importer.claim(&mut bulk, row),
                    };
                    // A row can be bad for what the database holds (it names
                    // two events at once): reported as any bad row.
                    if let Some(message) = written.map_err(|e| e.at_line(self.label, line))? {
                        let raw = tabular::raw_fields_at(self.path, self.label, start, position)?;
                        bad.add(line, message, raw)?;
                    }
                }
                // Once the reader has finished, this side frees them.
                let _ = give_back.send(std::mem::take(&mut importer.spent));
            }
            ignored_cells = reader
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            Ok(())
        })?;
        Ok(Pass {
            importer,
            bulk,
            bad,
            total,
            progress,
            ignored_cells,
        })
    }
}

/// The bad rows of an import, and (with --skip-bad, not in a dry run)
/// the reject file they go to (`-`: stdout), created at the first.
struct BadRows<'a> {
    rows: Vec<(u64, String)>,
    file: Option<csv::Writer<crate::output::Output>>,
    path: &'a Path,
    header: &'a [String],
    label: &'a str,
    write: bool,
    /// Whether the reader of the reject output (stdout, a pipe) closed it
    /// (`--rejects - | head`): the rows after that are not written, and
    /// the import goes on, since its good rows are what --skip-bad is for.
    closed: bool,
    /// The rows to write, held until the reading is over (`write_held`):
    /// a claims file may be read again (see `import_csv`).
    held: Option<Vec<HeldRow>>,
}

/// A bad row held for the reject file: its line, what is wrong, its raw
/// fields.
type HeldRow = (u64, String, Vec<Vec<u8>>);

impl BadRows<'_> {
    /// Records a bad row: its line, what is wrong, and its raw fields.
    fn add(&mut self, line: u64, message: String, raw: Vec<Vec<u8>>) -> Result<()> {
        if self.write {
            match &mut self.held {
                Some(held) => held.push((line, message.clone(), raw)),
                None => self.write_row(line, &message, raw)?,
            }
        }
        self.rows.push((line, message));
        Ok(())
    }

    /// Writes the rows held so far to the reject file.
    fn write_held(&mut self) -> Result<()> {
        for (line, message, raw) in self.held.take().unwrap_or_default() {
            self.write_row(line, &message, raw)?;
        }
        Ok(())
    }

    /// Writes one bad row to the reject output, unless its reader has
    /// closed it (see `closed`).
    fn write_row(&mut self, line: u64, message: &str, raw: Vec<Vec<u8>>) -> Result<()> {
        if self.closed {
            return Ok(());
        }
        let written = self.try_write_row(line, message, raw);
        self.unless_closed(written)
    }

    /// Flushes the reject output and, for a file, moves it into place.
    fn finish(&mut self) -> Result<()> {
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        let finished = file
            .into_inner()
            .map_err(|e| Error::from(e.into_error()))
            .and_then(crate::output::Output::finish);
        self.unless_closed(finished)
    }

    /// `result`, but a closed pipe is noted in `closed` instead: a reject
    /// file that cannot be written still fails the import (nothing is
    /// written then), but a reader that has seen enough of the bad rows
    /// does not cost the user the good ones.
    fn unless_closed(&mut self, result: Result<()>) -> Result<()> {
        match result {
            Err(e) if e.broken_pipe => {
                self.closed = true;
                self.file = None;
                Ok(())
            }
            other => other,
        }
    }

    fn try_write_row(&mut self, line: u64, message: &str, raw: Vec<Vec<u8>>) -> Result<()> {
        let writer = match &mut self.file {
            Some(w) => w,
            None => {
                let file = crate::output::Output::create(Some(self.path))?;
                let mut w = csv::WriterBuilder::new().flexible(true).from_writer(file);
                let mut h = self.header.to_vec();
                h.insert(0, tabular::error_column(self.header));
                w.write_record(&h)?;
                self.file.insert(w)
            }
        };
        let mut record = vec![format!("{}:{line}: {message}", self.label).into_bytes()];
        record.extend(raw);
        writer.write_record(&record)?;
        Ok(())
    }
}

/// The optional fields of a timeline or claims row that the file's header
/// gives (by name or `--map`). A row that updates an event or a claim
/// leaves the fields its header lacks as they are stored; a new record
/// gets their defaults (a new claim needs a claimant).
#[derive(Debug, Clone, Copy)]
struct Given {
    kind: bool,
    status: bool,
    place: bool,
    actors: bool,
    sources: bool,
    tags: bool,
    description: bool,
    // The claims CSV's.
    date: bool,
    claimant: bool,
    quote: bool,
    subject: bool,
    value: bool,
    unit: bool,
    verdict: bool,
    verdict_by: bool,
    verdict_note: bool,
    about: bool,
    contradicts: bool,
    supports: bool,
    /// A TimelineJS sheet: its dates are bounds (see `timelinejs::bounds`).
    timelinejs: bool,
}

impl Given {
    fn of(columns: &Columns) -> Given {
        Given {
            kind: columns.has("kind"),
            status: columns.has("status"),
            place: columns.has("place"),
            actors: columns.has("actors"),
            sources: columns.has("sources"),
            tags: columns.has("tags"),
            description: columns.has("description"),
            date: columns.has("date"),
            claimant: columns.has("claimant"),
            quote: columns.has("quote"),
            subject: columns.has("subject"),
            value: columns.has("value"),
            unit: columns.has("unit"),
            verdict: columns.has("verdict"),
            verdict_by: columns.has("verdict_by"),
            verdict_note: columns.has("verdict_note"),
            about: columns.has("about"),
            contradicts: columns.has("contradicts"),
            supports: columns.has("supports"),
            timelinejs: columns.is_timelinejs(),
        }
    }

    /// Gives `claim`, the new version of `old`, `old`'s value of every
    /// field the header lacks (but the claimant and the quantity, which
    /// are merged before: see [`Given::quantity`]).
    fn keep_absent_of_claim(&self, claim: &mut Claim, old: &Claim) {
        if !self.date {
            claim.date.clone_from(&old.date);
        }
        if !self.quote {
            claim.quote.clone_from(&old.quote);
        }
        if !self.verdict {
            claim.verdict = old.verdict;
        }
        // Who rated the claim and why belong to its verdict: a column the
        // header lacks keeps them while the verdict stays, and a new
        // verdict is rated without them, as `claim rate` without --by and
        // --note rates it (the old verdict's source and reasoning are not
        // the new one's).
        let same_verdict = claim.verdict == old.verdict;
        if !self.verdict_by {
            claim.verdict_by = old.verdict_by.clone().filter(|_| same_verdict);
        }
        if !self.verdict_note && same_verdict {
            claim.verdict_note.clone_from(&old.verdict_note);
        }
        if !self.sources {
            claim.sources.clone_from(&old.sources);
        }
        if !self.about {
            claim.about_events.clone_from(&old.about_events);
            claim.about_actors.clone_from(&old.about_actors);
        }
        if !self.contradicts {
            claim.contradicts.clone_from(&old.contradicts);
        }
        if !self.supports {
            claim.supports.clone_from(&old.supports);
        }
    }

    /// A claims row's quantity: its subject, value and unit cells, where
    /// the header gives them, else those of `old`, the quantity of the
    /// claim it updates. `Err` when a subject is left without a value, a
    /// value without a subject, or a unit without both (a claim without a
    /// number keeps no unit, so the unit would be lost).
    fn quantity(
        &self,
        row: &tabular::ClaimRow,
        old: Option<&model::Quantity>,
    ) -> std::result::Result<Option<model::Quantity>, String> {
        let subject = match self.subject {
            true => row.subject.clone(),
            false => old.map(|q| q.subject.clone()),
        };
        let value = match self.value {
            true => row.value,
            false => old.map(|q| q.value),
        };
        let unit = match self.unit {
            true => row.unit.clone(),
            false => old.map(|q| q.unit.clone()).unwrap_or_default(),
        };
        match (subject, value) {
            // A unit alone would be lost: a claim without a number has none.
            (None, None) if !unit.is_empty() => Err("a unit needs a subject and a value".into()),
            (None, None) => Ok(None),
            (None, Some(_)) => Err("a value needs a subject".into()),
            (Some(_), None) => Err("a subject needs a value".into()),
            (Some(subject), Some(value)) => {
                // A quantity stored as it is stays: importing an export
                // changes nothing.
                if old.is_none_or(|q| q.unit != unit || q.value != value) {
                    model::refuse_scale_unit("unit", &unit, value)?;
                }
                if self.value && old.is_none_or(|q| q.value != value) {
                    model::refuse_ambiguous_value("value", &row.value_written)?;
                }
                Ok(Some(model::Quantity {
                    subject,
                    value,
                    unit,
                }))
            }
        }
    }

    /// Gives `event`, the new version of `old`, `old`'s value of every
    /// field the header lacks.
    fn keep_absent(&self, event: &mut Event, old: &Event) {
        if !self.kind {
            event.kind = old.kind;
        }
        if !self.status {
            event.status = old.status;
        }
        if !self.place {
            event.place.clone_from(&old.place);
        }
        if !self.actors {
            event.actors.clone_from(&old.actors);
        }
        if !self.sources {
            event.sources.clone_from(&old.sources);
        }
        if !self.tags {
            event.tags.clone_from(&old.tags);
        }
        if !self.description {
            event.description.clone_from(&old.description);
        }
        if self.timelinejs {
            // A sheet's date that has the stored date's bounds is that date,
            // written as TimelineJS can ("2022/.." is the year 2022 there).
            if crate::timelinejs::bounds(&event.date) == crate::timelinejs::bounds(&old.date) {
                event.date.clone_from(&old.date);
            }
        }
    }
}

/// Whether a cell could be written as an id (id characters, in whatever
/// case: `--id FooBar` is an id), as the CSV exports write a retracted
/// actor or source, or one of several that share a name: only such a cell
/// is looked up by id, exactly as written, before by name.
fn written_as_id(name: &str) -> bool {
    crate::model::names::validate_id(name).is_ok()
}

/// The sources an import's rows can name: every source, read when it
/// starts (sources are few), and those it creates. A cell is read by the
/// rule `event add --source` follows ([`crate::resolve::SourceNames`]),
/// as the CSV exports write it ([`Spelled::Exported`]): a name several live
/// sources share means none of them, a bad row, as `event add --source`
/// refuses it.
struct RowSources {
    table: crate::resolve::SourceNames,
    /// The earlier names (folded) this import has said so of: once each,
    /// as a command says so each time it finds one.
    noticed: foldhash::HashSet<String>,
    /// The notices to give when the rows are read (an earlier name found).
    notices: Vec<String>,
    /// Names as written in the rows, and the source each found: most rows
    /// repeat a spelling, which then needs no folding.
    as_written: foldhash::HashMap<String, String>,
    /// The sources this import created from a name (not written as an id),
    /// with that name: a cell written as an id means none of them (see
    /// `Importer::created_from_a_name`).
    from_names: foldhash::HashMap<String, String>,
}

impl RowSources {
    fn read(store: &Store) -> Result<RowSources> {
        Ok(RowSources {
            table: crate::resolve::SourceNames::read(store)?,
            noticed: Default::default(),
            notices: Vec::new(),
            as_written: Default::default(),
            from_names: Default::default(),
        })
    }

    /// The source a name means, if there is one (none is created); `Err`
    /// with what is wrong (for a bad row) when several live sources have
    /// that name and it is the id of none of them.
    fn known(&mut self, name: &str) -> Known {
        if let Some(id) = self.as_written.get(name) {
            return Ok(Some(id.clone()));
        }
        let found = match self.table.find(name, Spelled::Exported)? {
            SourceFound::Live(id) | SourceFound::Retracted(id) => Some(id),
            SourceFound::Earlier { id, now } => {
                if self.noticed.insert(fold(name)) {
                    let notice = crate::resolve::earlier_name_notice(name, &now, &id);
                    self.notices.push(notice);
                }
                Some(id)
            }
            SourceFound::Unknown => None,
        };
        // A cell written as an id never means a source this import created
        // from a name (see `Importer::created_from_a_name`).
        let found = found.filter(|id| {
            !(looks_like_id(name) && self.from_names.get(id).is_some_and(|n| n != name))
        });
        if let Some(id) = &found {
            self.as_written.insert(name.to_string(), id.clone());
        }
        Ok(found)
    }

    /// Records a source the import created for a name that meant none.
    fn created(&mut self, name: &str, id: &str) {
        self.table.created(name, id);
        if !looks_like_id(name) {
            self.from_names.insert(id.to_string(), name.to_string());
        }
        self.as_written.insert(name.to_string(), id.to_string());
    }
}

/// Turns rows into records: names into ids (creating actors and sources),
/// rows into new events or new versions of existing ones.
struct Importer<'s> {
    store: &'s Store,
    now: model::Stamp,
    /// Folded name → actor id, for names seen in this import.
    actors: foldhash::HashMap<String, String>,
    /// The same by name as written: most rows repeat a spelling seen
    /// before, which then needs no folding.
    actors_as_written: foldhash::HashMap<String, String>,
    /// The sources rows can name (sources are few: all loaded).
    sources: RowSources,
    /// Where the search for a free id ended, for each base taken.
    id_suffixes: IdSuffixes,
    counts: Counts,
    /// Ids of the actors this import created.
    created_actors: std::collections::HashSet<String>,
    /// The names of those with a comma in them, which may be a list
    /// written with commas instead of `;` (see `comma_names_notice`).
    created_with_commas: Vec<String>,
    /// Those of them created from a cell written as an id
    /// (`resolve::named_as_id`), which only that spelling finds.
    created_as_ids: foldhash::HashSet<String>,
    /// Ids of the claims in the file being imported, with the line of the
    /// first row that gives each.
    claims_in_file: std::collections::HashMap<String, u64>,
    /// The claims rows found bad by an earlier reading of the file (see
    /// `import_csv`), by line, with what is wrong: bad again.
    bad_before: std::collections::HashMap<u64, String>,
    /// Claims rows written that name claims of later rows, not written
    /// yet: by line, with those claims' ids (see
    /// `Importer::claims_naming_bad_rows`).
    naming_later_rows: Vec<(u64, Vec<(&'static str, String)>)>,
    /// The optional fields the header gives.
    given: Given,
    /// Without an actors column: the events this import wrote, by their
    /// date and folded title (as a natural key without actors), which is
    /// what rows without an id match them by.
    titled: foldhash::HashMap<String, Vec<String>>,
    /// The ids of a row's sources while it is imported (see `event`).
    source_ids: Vec<String>,
    /// Rows that added an event with a new id beside a stored event with
    /// their date, title and actors (see `StoredTwin`).
    stored_twins: Vec<StoredTwin>,
    /// Rows that gave an event as it was before a later change (see
    /// `AsBefore`).
    as_before: Vec<AsBefore>,
    /// Claims by the hash of their natural key (`Claim::natural_key`),
    /// which is what rows without an id match them by: every claim this
    /// import wrote, and the stored claims of the claimants in
    /// `claimants_read`, as they were when read. Each is confirmed against
    /// its current version.
    claim_keys: foldhash::HashMap<u64, Vec<String>>,
    /// The claimants whose stored claims are in `claim_keys`.
    claimants_read: std::collections::HashSet<String>,
    /// The store's retracted claims by natural key (they are few), read
    /// when a row without an id first matches no live claim.
    retracted_claims: Option<foldhash::HashMap<String, String>>,
    /// What the reading thread allocated for the rows written since the
    /// last chunk, to be freed there (see [`Spent`]).
    spent: Spent,
}

/// The text of rows the reading thread allocated, handed back to it to
/// free. Freed here instead, each string would go back to that thread's
/// heap across threads, and the reader would then collect those frees
/// before it could allocate again, which costs it more than freeing its
/// own (`perf` on a 200,000-event import: the allocator's share of CPU
/// samples fell from 11% to 8%).
#[derive(Default)]
struct Spent {
    strings: Vec<String>,
    lists: Vec<Vec<String>>,
}

impl Spent {
    /// Keeps what a written row's event took from the row, and the row's
    /// name lists, which it did not.
    fn keep(&mut self, event: Event, names: [Vec<String>; 2]) {
        let Event {
            title,
            date,
            place,
            tags,
            description,
            ..
        } = event;
        self.strings.extend([title, date.into_text(), description]);
        self.strings.extend(place);
        self.lists.push(tags);
        self.lists.extend(names);
    }
}

impl<'s> Importer<'s> {
    fn new(store: &'s Store, now: model::Stamp, given: Given) -> Result<Importer<'s>> {
        let sources = RowSources::read(store)?;
        Ok(Importer {
            store,
            now,
            actors: Default::default(),
            actors_as_written: Default::default(),
            sources,
            id_suffixes: IdSuffixes::default(),
            counts: Counts::default(),
            created_actors: Default::default(),
            created_with_commas: Vec::new(),
            created_as_ids: Default::default(),
            claims_in_file: Default::default(),
            bad_before: Default::default(),
            naming_later_rows: Vec::new(),
            given,
            titled: Default::default(),
            source_ids: Vec::new(),
            stored_twins: Vec::new(),
            as_before: Vec::new(),
            claim_keys: Default::default(),
            claimants_read: Default::default(),
            retracted_claims: None,
            spent: Spent::default(),
        })
    }

    /// The actor a name means; an unknown name creates an actor. In bulk a
    /// near-miss is not refused: it is counted and left for `actor similar`.
    fn actor(&mut self, bulk: &mut Bulk, name: &str) -> Result<String> {
        match self.known_actor(bulk, name)? {
            Ok(Some(id)) => Ok(id),
            Ok(None) => self.new_actor(bulk, name),
            Err(several) => Err(Error::bad_input(several)),
        }
    }

    /// The actor a name means, if there is one (none is created); `Err` with
    /// what is wrong (for a bad row) when several actors have that name and
    /// it is the id of none of them, as `event add` refuses it.
    fn known_actor(&mut self, bulk: &mut Bulk, name: &str) -> Result<Known> {
        if let Some(id) = self.actors_as_written.get(name) {
            return Ok(Ok(Some(id.clone())));
        }
        let folded = fold(name);
        // A retracted actor's id, as the CSV exports write one, means that
        // actor even where the id folds to a live actor's name (a retracted
        // `steve-witkoff` and a new "Steve Witkoff"): importing an export
        // changes nothing. An actor merged away is now the actor it was
        // merged into, as its id typed in a command finds that one: a file
        // written before the merge meant it. The id of an actor whose own
        // name folds alike means that actor too, as the exports write one
        // of several actors who share a name (`john-smith` of two John
        // Smiths).
        // A cell written as an id (`resolve::named_as_id`), as the exports
        // write a retracted actor or one of several sharing a name, means
        // the actor named so exactly (as an import into a new database
        // names the actor it creates for it) before one with that id, and
        // never an actor this import created from a name: in the database
        // the file came from, that one was another actor.
        if looks_like_id(name) {
            let found = self.store.actors_named(&folded)?;
            if found.len() > 1 {
                for id in found {
                    if bulk
                        .get::<Actor>(&id)?
                        .is_some_and(|actor| actor.name == name)
                    {
                        self.actors_as_written.insert(name.to_string(), id.clone());
                        return Ok(Ok(Some(id)));
                    }
                }
            }
        }
        if written_as_id(name) {
            if let Some(actor) = bulk.get::<Actor>(name)? {
                if self.created_from_a_name(name, &actor.id) {
                    return Ok(Ok(None));
                }
                if actor.meta.retracted.is_some() || fold(&actor.name) == folded {
                    let id = crate::resolve::merge_survivor(actor, |id| bulk.get::<Actor>(id))?.id;
                    self.actors_as_written.insert(name.to_string(), id.clone());
                    return Ok(Ok(Some(id)));
                }
            }
        }
        if let Some(id) = self.actors.get(&folded) {
            if self.created_from_a_name(name, id) {
                return Ok(Ok(None));
            }
            self.actors_as_written.insert(name.to_string(), id.clone());
            return Ok(Ok(Some(id.clone())));
        }
        let found =
            crate::resolve::named_as_spelled(self.store.actors_named(&folded)?, name, |id| {
                Ok(bulk.get::<Actor>(id)?.map(|actor| actor.name))
            })?;
        // A name several actors share means none of them, but an id that
        // folds to it (as factline's CSV exports write a shared name) means
        // its actor.
        let id = match crate::resolve::one_named("actor", name, &found) {
            Ok(Some(id)) => id.to_string(),
            // An id that spells no name: of an actor this import created,
            // or a live actor's (a retracted one is found above).
            Ok(None) => match bulk.get::<Actor>(name)? {
                Some(actor) if !self.created_from_a_name(name, &actor.id) => actor.id,
                _ => return Ok(Ok(None)),
            },
            Err(several) => return Ok(Err(several)),
        };
        if found.len() <= 1 {
            self.actors.insert(folded, id.clone());
        }
        self.actors_as_written.insert(name.to_string(), id.clone());
        Ok(Ok(Some(id)))
    }

    /// Whether `id` is an actor this import created from a name (not
    /// written as an id) and `cell` is written as an id: the cell then
    /// means another actor. In the database a file came from, a cell
    /// written as an id (a retracted actor's, `steve-witkoff`) and a name
    /// ("Steve Witkoff") are two actors, since the exports write a live
    /// actor as its name unless several share it.
    fn created_from_a_name(&self, cell: &str, id: &str) -> bool {
        looks_like_id(cell) && self.created_actors.contains(id) && !self.created_as_ids.contains(id)
    }

    /// Creates the actor for a name that means none (see `known_actor`).
    /// A name written as an id (`resolve::named_as_id`) is its id when
    /// that is free, and only that spelling finds it.
    fn new_actor(&mut self, bulk: &mut Bulk, name: &str) -> Result<String> {
        let as_id = crate::resolve::named_as_id(name);
        let base = if as_id { name.to_string() } else { slug(name) };
        let id = self
            .id_suffixes
            .unused(keys::ACTOR, &base, |id| taken(bulk, keys::ACTOR, id))?;
        bulk.put(&Actor::named(id.clone(), name, self.now))?;
        self.created_actors.insert(id.clone());
        self.counts.actors_created += 1;
        if name.contains(',') {
            self.created_with_commas.push(name.to_string());
        }
        if as_id {
            self.created_as_ids.insert(id.clone());
        } else {
            self.actors.insert(fold(name), id.clone());
        }
        self.actors_as_written.insert(name.to_string(), id.clone());
        Ok(id)
    }

    /// The source a name means; an unknown name creates a source.
    fn source(&mut self, bulk: &mut Bulk, name: &str) -> Result<String> {
        match self.sources.known(name) {
            Ok(Some(id)) => Ok(id),
            Ok(None) => self.new_source(bulk, name),
            Err(several) => Err(Error::bad_input(several)),
        }
    }

    fn new_source(&mut self, bulk: &mut Bulk, name: &str) -> Result<String> {
        let base = if crate::resolve::named_as_id(name) {
            name.to_string()
        } else {
            slug(name)
        };
        let id = self
            .id_suffixes
            .unused(keys::SOURCE, &base, |id| taken(bulk, keys::SOURCE, id))?;
        bulk.put(&Source {
            id: id.clone(),
            name: name.to_string(),
            url: None,
            grade: None,
            meta: Meta::first(self.now),
        })?;
        self.sources.created(name, &id);
        self.counts.sources_created += 1;
        Ok(id)
    }

    /// Imports one timeline row. `Some(what is wrong)` when the row is bad
    /// for what the database or an earlier row holds; nothing is written
    /// for it then.
    ///
    /// The names are looked up first and their actors and sources created
    /// only once the row is to be written: a row that is bad, or that
    /// names a retracted event, creates nothing.
    fn event(&mut self, bulk: &mut Bulk, row: EventRow) -> Result<Option<String>> {
        // Ids of the known names, in the row's order; "" for a name that
        // means no one yet.
        let mut actors = Vec::with_capacity(row.actors.len());
        let mut unknown_actors = false;
        for name in &row.actors {
            let id = match self.known_actor(bulk, name)? {
                Ok(id) => id.unwrap_or_default(),
                Err(several) => return Ok(Some(format!("actors: {several}"))),
            };
            unknown_actors |= id.is_empty();
            actors.push(id);
        }
        // The same for sources, in a buffer kept from row to row.
        let mut sources = std::mem::take(&mut self.source_ids);
        sources.clear();
        let mut unknown_sources = false;
        for name in &row.sources {
            let id = match self.sources.known(name) {
                Ok(id) => id.unwrap_or_default(),
                Err(several) => {
                    self.source_ids = sources;
                    return Ok(Some(format!("sources: {several}")));
                }
            };
            unknown_sources |= id.is_empty();
            sources.push(id);
        }
        // The event the row means: by id, else among the live events with
        // its natural key (or its date and title), else a retracted one
        // with the same.
        let existing_id = match &row.id {
            Some(id) => Some(id.clone()),
            // A name that means no one yet: no event has these actors.
            None if self.given.actors && unknown_actors => None,
            None => {
                let (candidates, ambiguous, wanted) = if self.given.actors {
                    dedup_in_place(&mut actors);
                    let natural = keys::natural_key_of(row.date.as_str(), &row.title, &actors);
                    let candidates = bulk.events_with_natural_key(&row.date, &natural)?;
                    (candidates, Ambiguous::Actors, natural)
                } else {
                    let wanted = keys::natural_key_of(row.date.as_str(), &row.title, &[]);
                    let (candidates, ambiguous) =
                        self.events_with_date_and_title(bulk, &row, &actors)?;
                    (candidates, ambiguous, wanted)
                };
                let known = !unknown_actors && !unknown_sources;
                match self.which_event(bulk, &row, &actors, &sources, known, candidates)? {
                    Which::One(id) => Some(id),
                    Which::Several(ids) => {
                        self.source_ids = sources;
                        return Ok(Some(ambiguous.message(&ids)));
                    }
                    Which::None => {
                        let by_actors = self.given.actors;
                        let is_it = |e: &Event| match by_actors {
                            true => keys::natural_key(e) == wanted,
                            false => date_and_title(e) == wanted,
                        };
                        match retracted_event(bulk, &row.date, is_it)? {
                            Some(id) => Some(id),
                            None => {
                                let before = self.events_as_they_were(bulk, &row.date, is_it)?;
                                if !before.is_empty() {
                                    let known = !unknown_actors && !unknown_sources;
                                    self.source_ids = sources.clone();
                                    return self
                                        .row_as_before(bulk, row, actors, &sources, known, before);
                                }
                                None
                            }
                        }
                    }
                }
            }
        };
        let (existing, earlier) = match &existing_id {
            Some(id) => bulk.get_with_row::<Event>(id)?,
            None => (None, None),
        };
        if existing
            .as_ref()
            .is_some_and(|e| e.meta.retracted.is_some())
        {
            // A retraction is undone only on purpose, never by a re-import.
            self.counts.retracted += 1;
            return Ok(None);
        }
        if let (None, Some(id)) = (&existing, &row.id) {
            if !(unknown_actors && (self.given.actors || row.in_text.actors)) {
                self.note_stored_twin(bulk, &row, id, &actors)?;
            }
        }
        if let (Some(earlier), Some(id)) = (earlier, &existing_id) {
            // An earlier row would have created these names.
            let differ = match (unknown_actors, unknown_sources) {
                (true, true) => Some("actors and sources"),
                (true, false) => Some("actors"),
                (false, true) => Some("sources"),
                (false, false) => None,
            };
            if let Some(differ) = differ {
                return Ok(Some(same_record_again(earlier, "event", id, differ)));
            }
        }
        if unknown_actors {
            for (id, name) in actors.iter_mut().zip(&row.actors) {
                if id.is_empty() {
                    *id = self.new_actor(bulk, name)?;
                }
            }
        }
        dedup_in_place(&mut actors);
        let mut links: Vec<SourceLink> = Vec::with_capacity(sources.len());
        for (id, name) in sources.drain(..).zip(&row.sources) {
            let id = match id.is_empty() {
                true => self.new_source(bulk, name)?,
                false => id,
            };
            crate::cmd::event::add_link(&mut links, id);
        }
        self.source_ids = sources;
        let id = match existing_id {
            Some(id) => id,
            None => self.id_suffixes.unused(
                keys::EVENT,
                &tabular::event_id_base(&row.date, &row.title),
                |id| taken(bulk, keys::EVENT, id),
            )?,
        };
        let shape = Shape::of(&row);
        let mut event = Event {
            id: id.clone(),
            title: row.title,
            date: row.date,
            kind: row.kind,
            status: row.status,
            place: row.place,
            actors,
            sources: links,
            tags: row.tags,
            description: row.description,
            meta: Meta::first(self.now),
        };
        match existing {
            Some(old) => {
                self.onto_stored(bulk, &mut event, &old, shape)?;
                if event == old {
                    // A copy of an earlier row, or a row that changes
                    // nothing: unchanged.
                    if earlier.is_none() {
                        bulk.claim::<Event>(&id, row.line)?;
                    }
                    self.counts.unchanged += 1;
                    return Ok(None);
                }
                if let Some(earlier) = earlier {
                    let differ = crate::cmd::event::changed_fields(&old, &event).join(", ");
                    return Ok(Some(same_record_again(earlier, "event", &id, &differ)));
                }
                event.meta = old.meta.next(self.now);
                self.counts.updated += 1;
            }
            None => self.counts.added += 1,
        }
        bulk.put_from_row(&event, row.line)?;
        if !self.given.actors {
            let titled = self.titled.entry(date_and_title(&event)).or_default();
            if !titled.contains(&event.id) {
                titled.push(event.id.clone());
            }
        }
        self.spent.keep(event, [row.actors, row.sources]);
        Ok(None)
    }

    /// For a sheet without an actors column, the live events a row without
    /// an id may mean: those with its date and title, whatever their
    /// actors; with how to say that several are too many.
    ///
    /// A TimelineJS Text's Actors paragraph (`actors`, the ids of its
    /// names, "" for a name that means no one yet) says which of several:
    /// those whose live actors (the sheet shows no retracted one) are
    /// those names. Without such an event, a row names the one event with
    /// its date and title that no earlier row of the file gave, with other
    /// actors (so a sheet changes an event's actors), or a new event: two
    /// rows of one sheet with a date and title and different actors are
    /// two events, as they would be with an actors column.
    fn events_with_date_and_title(
        &mut self,
        bulk: &mut Bulk,
        row: &EventRow,
        actors: &[String],
    ) -> Result<(Vec<String>, Ambiguous)> {
        let wanted = keys::natural_key_of(row.date.as_str(), &row.title, &[]);
        let mut candidates = bulk.stored_events_dated(&row.date)?;
        candidates.extend(self.titled.get(&wanted).into_iter().flatten().cloned());
        candidates.sort_unstable();
        candidates.dedup();
        let mut found = Vec::new();
        for id in candidates {
            if let Some(event) = bulk.get::<Event>(&id)? {
                if event.meta.retracted.is_none() && date_and_title(&event) == wanted {
                    found.push(id);
                }
            }
        }
        if found.is_empty() && self.given.timelinejs {
            found = self.event_with_bounds_and_title(bulk, row)?;
        }
        if !row.in_text.actors || found.is_empty() {
            return Ok((
                found,
                Ambiguous::DateAndTitle {
                    none_with_actors: false,
                },
            ));
        }
        let mut named: Vec<&str> = actors.iter().map(String::as_str).collect();
        named.sort_unstable();
        named.dedup();
        let (mut same, mut others) = (Vec::new(), Vec::new());
        for id in found {
            let (Some(event), earlier) = bulk.get_with_row::<Event>(&id)? else {
                continue;
            };
            let mut live = Vec::with_capacity(event.actors.len());
            for actor in &event.actors {
                if !is_retracted::<Actor>(bulk, actor)? {
                    live.push(actor.as_str());
                }
            }
            live.sort_unstable();
            live.dedup();
            if live == named {
                same.push(id);
            } else if earlier.is_none() {
                others.push(id);
            }
        }
        Ok(match same.is_empty() {
            true => (
                others,
                Ambiguous::DateAndTitle {
                    none_with_actors: true,
                },
            ),
            false => (same, Ambiguous::Actors),
        })
    }

    /// Which of `candidates`, the live events with a row's date, title and
    /// actors (or date and title), a row without an id means.
    ///
    /// One that the row leaves as it is, if any (`known`: every name of
    /// the row means someone already, or no stored event could be left so):
    /// so a row finds its event among several by its other fields, and an
    /// exact copy of an earlier row is that row's event. Else the one that
    /// no earlier row of the file gave, which the row updates; several such
    /// are too many (the row must give an id). An event an earlier row gave
    /// with other fields is, in a TimelineJS sheet, another event (the sheet
    /// has no id column to tell two strikes on one city on one day apart:
    /// factline's own export writes them so), and in other files that
    /// event given twice, a bad row naming the earlier line.
    fn which_event(
        &mut self,
        bulk: &mut Bulk,
        row: &EventRow,
        actors: &[String],
        sources: &[String],
        known: bool,
        candidates: Vec<String>,
    ) -> Result<Which> {
        let mut fresh = Vec::with_capacity(candidates.len());
        let mut given_before = None;
        for id in &candidates {
            match bulk.get_with_row::<Event>(id)?.1 {
                None => fresh.push(id.clone()),
                Some(_) => {
                    given_before.get_or_insert_with(|| id.clone());
                }
            }
        }
        if fresh.len() == candidates.len() && fresh.len() <= 1 {
            return Ok(fresh.pop().map_or(Which::None, Which::One));
        }
        if known {
            for id in &candidates {
                if self.leaves_unchanged(bulk, row, actors, sources, id)? {
                    return Ok(Which::One(id.clone()));
                }
            }
        }
        Ok(match (fresh.len(), given_before) {
            (1, _) => Which::One(fresh.remove(0)),
            (0, Some(_)) if self.given.timelinejs => Which::None,
            (0, Some(id)) => Which::One(id),
            (0, None) => Which::None,
            _ => Which::Several(fresh),
        })
    }

    /// Whether the row, written onto the live event `id`, would leave it as
    /// it is (all the row's names mean someone: `actors` and `sources` are
    /// their ids).
    fn leaves_unchanged(
        &mut self,
        bulk: &mut Bulk,
        row: &EventRow,
        actors: &[String],
        sources: &[String],
        id: &str,
    ) -> Result<bool> {
        let Some(old) = bulk.get::<Event>(id)? else {
            return Ok(false);
        };
        let mut actors = actors.to_vec();
        dedup_in_place(&mut actors);
        let mut links = Vec::with_capacity(sources.len());
        for source in sources {
            crate::cmd::event::add_link(&mut links, source.clone());
        }
        let mut event = Event {
            id: id.to_string(),
            title: row.title.clone(),
            date: row.date.clone(),
            kind: row.kind,
            status: row.status,
            place: row.place.clone(),
            actors,
            sources: links,
            tags: row.tags.clone(),
            description: row.description.clone(),
            meta: Meta::first(self.now),
        };
        self.onto_stored(bulk, &mut event, &old, Shape::of(row))?;
        Ok(event == old)
    }

    /// Makes `event`, built from a row, the version of `old` that the row
    /// gives: the fields the row does not give as stored, with `old`'s
    /// meta (`event == old` when the row changes nothing).
    fn onto_stored(
        &mut self,
        bulk: &mut Bulk,
        event: &mut Event,
        old: &Event,
        shape: Shape,
    ) -> Result<()> {
        // The fields a TimelineJS Text gave are given too. The retracted
        // actors and sources, which a row does not show (factline's exports
        // leave them out, as every listing does), stay. So is a status its
        // Display Date gave.
        let given = Given {
            place: self.given.place || shape.in_text.place,
            actors: self.given.actors || shape.in_text.actors,
            sources: self.given.sources || shape.in_text.sources,
            tags: self.given.tags || shape.in_text.tags,
            status: self.given.status || shape.status_in_display,
            ..self.given
        };
        given.keep_absent(event, old);
        if given.actors {
            event.actors = keep_retracted(
                &event.actors,
                &old.actors,
                |id| id,
                |id| is_retracted::<Actor>(bulk, id),
            )?;
        }
        if given.sources {
            event.sources = keep_retracted(
                &event.sources,
                &old.sources,
                |l| &l.source,
                |id| is_retracted::<Source>(bulk, id),
            )?;
        }
        // Tags that fold alike are one (a row's are read so): an event
        // stored before that, with `Peace` and `peace`, is not changed by a
        // row that only says so (its own export).
        if event.tags != old.tags
            && event.tags.len() < old.tags.len()
            && event.tags == crate::model::names::distinct_tags(&old.tags)
        {
            event.tags.clone_from(&old.tags);
        }
        // A TimelineJS Group that names a kind gives the kind, and leaves
        // the tags as stored (one that does not is a tag), unless the
        // Text's Tags paragraph gives them.
        if shape.group == Some(tabular::Group::Kind) {
            event.kind = shape.kind;
            if !shape.in_text.tags {
                event.tags.clone_from(&old.tags);
            }
        }
        // A CSV row carries no link details: keep those already recorded.
        for link in &mut event.sources {
            if let Some(known) = old.sources.iter().find(|l| l.source == link.source) {
                *link = known.clone();
            }
        }
        event.meta = old.meta.clone();
        Ok(())
    }

    /// The earlier versions of live events that `is_it` (a row's natural
    /// key, or its date and title) finds, where the event has another key
    /// now: it was postponed, rescheduled or retitled since, or its actors
    /// changed. Read from the store's events with history, which the
    /// import scans once ([`Bulk::earlier_events_dated`]).
    fn events_as_they_were(
        &mut self,
        bulk: &mut Bulk,
        date: &model::Date,
        is_it: impl Fn(&Event) -> bool,
    ) -> Result<Vec<Event>> {
        let mut found = Vec::new();
        for (id, version) in bulk.earlier_events_dated(date)? {
            // This import may have changed or retracted it since.
            if bulk
                .get::<Event>(&id)?
                .is_none_or(|e| e.meta.retracted.is_some())
            {
                continue;
            }
            let earlier = self
                .store
                .versions::<Event>(&id)?
                .into_iter()
                .find(|e| e.meta.version == version);
            if let Some(earlier) = earlier.filter(|e| is_it(e)) {
                found.push(earlier);
            }
        }
        Ok(found)
    }

    /// A row without an id that no live event matches as it is now, but
    /// that gives an event as it was before it was changed (`before`, its
    /// earlier versions the row matches): that event, not a new one. A
    /// row equal to that version (a sheet imported again after `event
    /// postpone`) leaves the event as it is now, counted as unchanged and
    /// said in one notice; a row that differs from it is bad, since
    /// writing it would undo the later change without a word: the row's
    /// id says to change the event as it is now. `known`: every name in
    /// the row means a record already.
    fn row_as_before(
        &mut self,
        bulk: &mut Bulk,
        row: EventRow,
        mut actors: Vec<String>,
        sources: &[String],
        known: bool,
        before: Vec<Event>,
    ) -> Result<Option<String>> {
        let mut ids: Vec<&str> = before.iter().map(|e| e.id.as_str()).collect();
        ids.dedup();
        if ids.len() > 1 {
            return Ok(Some(format!(
                "{} events had this date, title and actors before they were changed ({}): give the row an id to say which",
                ids.len(),
                ids.join(", ")
            )));
        }
        let Some(now) = bulk.get::<Event>(ids[0])? else {
            return Ok(None);
        };
        let line = row.line;
        let shape = Shape::of(&row);
        let mut same = None;
        let mut differ = String::from("actors or sources");
        if known {
            dedup_in_place(&mut actors);
            let mut links: Vec<SourceLink> = Vec::with_capacity(sources.len());
            for id in sources {
                crate::cmd::event::add_link(&mut links, id.clone());
            }
            for earlier in &before {
                let mut event = Event {
                    id: earlier.id.clone(),
                    title: row.title.clone(),
                    date: row.date.clone(),
                    kind: row.kind,
                    status: row.status,
                    place: row.place.clone(),
                    actors: actors.clone(),
                    sources: links.clone(),
                    tags: row.tags.clone(),
                    description: row.description.clone(),
                    meta: earlier.meta.clone(),
                };
                self.onto_stored(bulk, &mut event, earlier, shape)?;
                if event == *earlier {
                    same = Some(earlier.meta.version);
                    break;
                }
                if earlier.id == before[0].id && earlier.meta.version == before[0].meta.version {
                    differ = and_list(&crate::cmd::event::changed_fields(earlier, &event));
                }
            }
        }
        let changed = and_list(&crate::cmd::event::changed_fields(&before[0], &now));
        match same {
            Some(version) => {
                self.as_before.push(AsBefore {
                    line,
                    id: now.id.clone(),
                    version,
                    changed,
                });
                self.counts.unchanged += 1;
                Ok(None)
            }
            None => Ok(Some(format!(
                "the row gives event {} as it was before its {changed} changed, with another {differ}: give the row the id {} to change the event as it is now",
                now.id, now.id
            ))),
        }
    }

    /// Notes a row that adds an event under its own new id `id` when a live
    /// event stored before this import, with an id factline made for it
    /// (it was added or imported without one), has the row's date, title
    /// and actors (or date and title, in a sheet that gives no actors): most
    /// likely the same event, which the row doubles (see `StoredTwin`).
    fn note_stored_twin(
        &mut self,
        bulk: &mut Bulk,
        row: &EventRow,
        id: &str,
        actors: &[String],
    ) -> Result<()> {
        // Into an empty store, no row has a stored twin: a first import of
        // a million rows with ids makes no id for each.
        if bulk.into_empty_store() {
            return Ok(());
        }
        // Such an event has the id factline would give the row, or that id
        // with a number: none without the first (ids are never deleted).
        let base = tabular::event_id_base(&row.date, &row.title);
        if self.store.get::<Event>(&base)?.is_none() {
            return Ok(());
        }
        // The events as stored before the import, then as it leaves them.
        let (stored, wanted) = if self.given.actors || row.in_text.actors {
            let natural = keys::natural_key_of(row.date.as_str(), &row.title, actors);
            let dated = keys::dated_hash(&row.date.sort_key(), &natural);
            let stored: Vec<String> = self
                .store
                .natural_candidates(&dated)
                .collect::<Result<_>>()?;
            (stored, natural)
        } else {
            let wanted = keys::natural_key_of(row.date.as_str(), &row.title, &[]);
            (bulk.stored_events_dated(&row.date)?, wanted)
        };
        for stored in stored {
            if stored == id || self.store.get::<Event>(&stored)?.is_none() {
                continue;
            }
            let Some(event) = bulk.get::<Event>(&stored)? else {
                continue;
            };
            let key = match self.given.actors || row.in_text.actors {
                true => keys::natural_key(&event),
                false => date_and_title(&event),
            };
            if event.meta.retracted.is_none() && key == wanted && id_made_by_factline(&event) {
                self.stored_twins.push(StoredTwin {
                    line: row.line,
                    id: id.to_string(),
                    stored,
                });
                break;
            }
        }
        Ok(())
    }

    /// For a TimelineJS sheet, the live events with a row's title whose
    /// date TimelineJS writes as the row's (`timelinejs::bounds`): a date
    /// the sheet cannot say exactly (`2022/..`, `2025-11?`) is matched so.
    /// Such a date starts on one of a few days
    /// (`timelinejs::earliest_days_with_bounds_of`), so their timeline
    /// entries are all the candidates: a lookup, as for a row of the
    /// timeline CSV, whatever the store holds around those days.
    fn event_with_bounds_and_title(
        &mut self,
        bulk: &mut Bulk,
        row: &EventRow,
    ) -> Result<Vec<String>> {
        let wanted = crate::timelinejs::bounds(&row.date);
        let days = crate::timelinejs::earliest_days_with_bounds_of(&row.date);
        let mut found = Vec::new();
        for id in bulk.stored_events_starting(days)? {
            if let Some(event) = bulk.get::<Event>(&id)? {
                if event.meta.retracted.is_none()
                    && date_and_title(&event)
                        == keys::natural_key_of(event.date.as_str(), &row.title, &[])
                    && crate::timelinejs::bounds(&event.date) == wanted
                {
                    found.push(id);
                }
            }
        }
        Ok(found)
    }

    /// Writes a claims CSV row; `Some(problem)` for a row that is bad for
    /// what the database holds (it names a claim that does not exist, or
    /// leaves a new claim without a claimant), found before the row
    /// creates anything.
    ///
    /// As for events, the names are looked up first, and their actors and
    /// sources created only once the row is to be written.
    fn claim(&mut self, bulk: &mut Bulk, row: tabular::ClaimRow) -> Result<Option<String>> {
        if let Some(problem) = self.bad_before.get(&row.line) {
            return Ok(Some(problem.clone()));
        }
        // The claims it names: stored or written by an earlier row, else
        // given by a later row, which must turn out good for this row to
        // be written (see `claims_naming_bad_rows`).
        let mut later = Vec::new();
        let related = (row.contradicts.iter().map(|id| ("contradicts", id)))
            .chain(row.supports.iter().map(|id| ("supports", id)));
        for (field, related) in related {
            if bulk.get::<Claim>(related)?.is_some() {
                continue;
            }
            match self.claims_in_file.get(related) {
                None => return Ok(Some(format!("unknown claim {related:?}"))),
                Some(&line) if line == row.line => {}
                Some(&line) if line < row.line || self.bad_before.contains_key(&line) => {
                    return Ok(Some(names_bad_row(line, field, related)))
                }
                Some(_) => later.push((field, related.clone())),
            }
        }
        // The claim the row means: by id, else by claimant, date and text
        // (live, else retracted).
        let existing_id = match &row.id {
            Some(id) => Some(id.clone()),
            None if self.given.claimant => match self.known_actor(bulk, &row.claimant)? {
                Ok(Some(claimant)) => match self.claim_with_natural_key(bulk, &claimant, &row)? {
                    Ok(found) => found,
                    Err(ambiguous) => return Ok(Some(ambiguous)),
                },
                // A name that means no one yet: no claim has this claimant.
                Ok(None) => None,
                Err(several) => return Ok(Some(format!("claimant: {several}"))),
            },
            None => None,
        };
        // The stored claim the row updates, and the line of an earlier row
        // of the file that gave it.
        let (existing, earlier) = match &existing_id {
            Some(id) => bulk.get_with_row::<Claim>(id)?,
            None => (None, None),
        };
        if existing
            .as_ref()
            .is_some_and(|c| c.meta.retracted.is_some())
        {
            // A retraction is undone only on purpose, never by a re-import.
            self.counts.retracted += 1;
            return Ok(None);
        }
        let old = existing.as_ref();
        // Ids of the known names; "" for a name that means no one yet.
        let claimant = match (self.given.claimant, old) {
            (true, _) => match self.known_actor(bulk, &row.claimant)? {
                Ok(id) => id.unwrap_or_default(),
                Err(several) => return Ok(Some(format!("claimant: {several}"))),
            },
            (false, Some(old)) => old.claimant.clone(),
            (false, None) => {
                return Ok(Some(match &row.id {
                    Some(id) => format!(
                        "no claim has the id {id:?}, and a new claim needs a claimant: the file has no claimant column"
                    ),
                    None => "a row without an id adds a claim, which needs a claimant: the file has no claimant column".to_string(),
                }))
            }
        };
        let mut sources = Vec::with_capacity(row.sources.len());
        for name in &row.sources {
            match self.sources.known(name) {
                Ok(id) => sources.push(id.unwrap_or_default()),
                Err(several) => return Ok(Some(format!("sources: {several}"))),
            }
        }
        let verdict_by = match row
            .verdict_by
            .as_deref()
            .map(|name| self.sources.known(name))
        {
            None => None,
            Some(Ok(id)) => Some(id.unwrap_or_default()),
            Some(Err(several)) => return Ok(Some(format!("verdict_by: {several}"))),
        };
        let (mut about_events, mut about_actors) = (Vec::new(), Vec::new());
        for about in &row.about {
            let retracted = match bulk.get::<Event>(about)? {
                Some(event) => match event.meta.retracted {
                    None => {
                        about_events.push(event.id);
                        continue;
                    }
                    // A claim already about an event retracted since
                    // keeps it, as earlier claims CSV exports wrote it.
                    Some(_) if old.is_some_and(|c| c.about_events.contains(&event.id)) => {
                        about_events.push(event.id);
                        continue;
                    }
                    Some(reason) => Some((event.id, reason)),
                },
                None => None,
            };
            let actor = match self.known_actor(bulk, about)? {
                Ok(actor) => actor,
                Err(several) => return Ok(Some(format!("about: {several}"))),
            };
            if let (None, Some((id, reason))) = (&actor, retracted) {
                // The id of a retracted event, as `claim add --about` says.
                return Ok(Some(format!(
                    "about: {}",
                    crate::resolve::retracted_message("event", &id, &reason)
                )));
            }
            if actor.is_none() {
                // No event and no actor: a new actor, unless it is more
                // likely a mistyped event id.
                if let Some(problem) = unknown_event_id(bulk, about)? {
                    return Ok(Some(problem));
                }
            }
            about_actors.push((actor.unwrap_or_default(), about));
        }
        let quantity = match self
            .given
            .quantity(&row, old.and_then(|c| c.quantity.as_ref()))
        {
            Ok(quantity) => quantity,
            Err(problem) => return Ok(Some(problem)),
        };
        // The relations the claim will have: a column the header lacks
        // keeps the stored ones, and one that it gives keeps the stored
        // links to claims retracted since, which the claims CSV leaves out.
        let mut relation =
            |given: bool, listed: &Vec<String>, stored: Option<&Vec<String>>| match (given, stored)
            {
                (false, Some(stored)) => Ok(stored.clone()),
                (true, Some(stored)) => keep_retracted(
                    listed,
                    stored,
                    |id| id,
                    |id| is_retracted::<Claim>(bulk, id),
                ),
                (_, None) => Ok(listed.clone()),
            };
        let contradicts = relation(
            self.given.contradicts,
            &row.contradicts,
            old.map(|c| &c.contradicts),
        )?;
        let supports = relation(self.given.supports, &row.supports, old.map(|c| &c.supports))?;
        // The claims they name, as they stand: a new link to a retracted
        // claim is refused, as `claim add` refuses it (a stored one stays).
        let mut named = Vec::new();
        for (field, list, stored) in [
            ("contradicts", &contradicts, old.map(|c| &c.contradicts)),
            ("supports", &supports, old.map(|c| &c.supports)),
        ] {
            for id in list {
                let Some(claim) = bulk.get::<Claim>(id)? else {
                    continue; // given by a later row, checked there
                };
                if let Some(reason) = &claim.meta.retracted {
                    if !stored.is_some_and(|stored| stored.contains(id)) {
                        return Ok(Some(format!(
                            "{field}: {}",
                            crate::resolve::retracted_message("claim", id, reason)
                        )));
                    }
                }
                named.push(claim);
            }
        }
        if let Err(problem) = model::validate_claim_relations(
            existing_id.as_deref(),
            &contradicts,
            &supports,
            &named,
            ("contradicts", "supports"),
        ) {
            return Ok(Some(problem));
        }
        if let (Some(earlier), Some(id)) = (earlier, &existing_id) {
            // An earlier row would have created these names.
            let unknown = [
                ("claimant", claimant.is_empty()),
                ("sources", sources.iter().any(String::is_empty)),
                (
                    "verdict_by",
                    verdict_by.as_ref().is_some_and(String::is_empty),
                ),
                ("about", about_actors.iter().any(|(id, _)| id.is_empty())),
            ];
            let differ: Vec<&str> = unknown
                .iter()
                .filter(|(_, unknown)| *unknown)
                .map(|(name, _)| *name)
                .collect();
            if !differ.is_empty() {
                return Ok(Some(same_record_again(
                    earlier,
                    "claim",
                    id,
                    &differ.join(", "),
                )));
            }
        }
        // The row is to be written: its new names become actors and sources.
        let claimant = match claimant.is_empty() {
            true => self.actor(bulk, &row.claimant)?,
            false => claimant,
        };
        let mut links = Vec::new();
        for (id, name) in sources.into_iter().zip(&row.sources) {
            let id = match id.is_empty() {
                true => self.source(bulk, name)?,
                false => id,
            };
            crate::cmd::event::add_link(&mut links, id);
        }
        let verdict_by = match (verdict_by, &row.verdict_by) {
            (Some(id), Some(name)) if id.is_empty() => Some(self.source(bulk, name)?),
            (verdict_by, _) => verdict_by,
        };
        let mut about_actors = about_actors
            .into_iter()
            .map(|(id, name)| match id.is_empty() {
                true => self.actor(bulk, name),
                false => Ok(id),
            })
            .collect::<Result<Vec<_>>>()?;
        dedup_in_place(&mut about_events);
        dedup_in_place(&mut about_actors);
        let id = match existing_id {
            Some(id) => id,
            None => self.id_suffixes.unused(
                keys::CLAIM,
                &tabular::claim_id_base(row.date.as_ref(), &claimant, &row.text),
                |id| taken(bulk, keys::CLAIM, id),
            )?,
        };
        let mut claim = Claim {
            id: id.clone(),
            claimant,
            text: row.text,
            date: row.date,
            about_events,
            about_actors,
            sources: links,
            quote: row.quote,
            quantity,
            contradicts,
            supports,
            verdict: row.verdict,
            verdict_by,
            verdict_note: row.verdict_note,
            meta: Meta::first(self.now),
        };
        match existing {
            Some(old) => {
                self.given.keep_absent_of_claim(&mut claim, &old);
                // The retracted sources, events and actors the claims CSV
                // leaves out of these lists stay linked.
                if self.given.sources {
                    claim.sources = keep_retracted(
                        &claim.sources,
                        &old.sources,
                        |l| &l.source,
                        |id| is_retracted::<Source>(bulk, id),
                    )?;
                }
                if self.given.about {
                    claim.about_events = keep_retracted(
                        &claim.about_events,
                        &old.about_events,
                        |id| id,
                        |id| is_retracted::<Event>(bulk, id),
                    )?;
                    claim.about_actors = keep_retracted(
                        &claim.about_actors,
                        &old.about_actors,
                        |id| id,
                        |id| is_retracted::<Actor>(bulk, id),
                    )?;
                }
                for link in &mut claim.sources {
                    if let Some(known) = old.sources.iter().find(|l| l.source == link.source) {
                        *link = known.clone();
                    }
                }
                claim.meta = old.meta.clone();
                if claim == old {
                    // A copy of an earlier row, or a row that changes
                    // nothing: unchanged.
                    if earlier.is_none() {
                        bulk.claim::<Claim>(&id, row.line)?;
                    }
                    self.counts.unchanged += 1;
                    return Ok(None);
                }
                if let Some(earlier) = earlier {
                    let differ = changed_claim_fields(&old, &claim).join(", ");
                    return Ok(Some(same_record_again(earlier, "claim", &id, &differ)));
                }
                claim.meta = old.meta.next(self.now);
                self.counts.updated += 1;
            }
            None => self.counts.added += 1,
        }
        if !later.is_empty() {
            self.naming_later_rows.push((row.line, later));
        }
        bulk.put_from_row(&claim, row.line)?;
        self.claim_keys
            .entry(claim_hash(&claim.natural_key()))
            .or_default()
            .push(claim.id);
        Ok(None)
    }

    /// The claims rows written that name a claim which no row wrote (a
    /// later row that gives it was bad), by line, with what is wrong: each
    /// would name a claim that does not exist, and is bad too.
    fn claims_naming_bad_rows(&mut self, bulk: &mut Bulk) -> Result<Vec<(u64, String)>> {
        let mut found = Vec::new();
        for (line, named) in std::mem::take(&mut self.naming_later_rows) {
            for (field, id) in named {
                if bulk.get::<Claim>(&id)?.is_none() {
                    found.push((line, names_bad_row(self.claims_in_file[&id], field, &id)));
                    break;
                }
            }
        }
        Ok(found)
    }

    /// The claim a claims row without an id means: the live claim with
    /// its claimant, date and folded text (`Claim::natural_key`), stored or
    /// written by an earlier row, else a retracted one with them (which
    /// the row leaves retracted). `Err(what is wrong)` when several live
    /// claims have them.
    ///
    /// The first row of a claimant reads that claimant's stored claims
    /// (one scan of the `k` index and their records); claims are few next
    /// to events, so they are kept in memory by natural key for the rest
    /// of the import.
    fn claim_with_natural_key(
        &mut self,
        bulk: &mut Bulk,
        claimant: &str,
        row: &tabular::ClaimRow,
    ) -> Result<std::result::Result<Option<String>, String>> {
        let wanted = model::claim_natural_key(claimant, row.date.as_ref(), &row.text);
        if self.claimants_read.insert(claimant.to_string()) {
            for id in self.store.pair_index(keys::CLAIMANT, claimant) {
                let id = id?;
                if let Some(claim) = bulk.get::<Claim>(&id)? {
                    self.claim_keys
                        .entry(claim_hash(&claim.natural_key()))
                        .or_default()
                        .push(id);
                }
            }
        }
        let hash = claim_hash(&wanted);
        let mut candidates = self.claim_keys.get(&hash).cloned().unwrap_or_default();
        candidates.sort_unstable();
        candidates.dedup();
        let mut found = Vec::new();
        for id in candidates {
            // The claim may have changed since: its current version decides.
            if let Some(claim) = bulk.get::<Claim>(&id)? {
                if claim.meta.retracted.is_none() && claim.natural_key() == wanted {
                    found.push(id);
                }
            }
        }
        if found.len() > 1 {
            return Ok(Err(format!(
                "{} claims have this claimant, date and text ({}): give the row an id to say which",
                found.len(),
                found.join(", ")
            )));
        }
        if let Some(id) = found.pop() {
            return Ok(Ok(Some(id)));
        }
        if self.retracted_claims.is_none() {
            let mut retracted: foldhash::HashMap<String, String> = Default::default();
            for id in self.store.ids_with_history(keys::CLAIM) {
                if let Some(claim) = self.store.get::<Claim>(&id?)? {
                    if claim.meta.retracted.is_some() {
                        retracted.entry(claim.natural_key()).or_insert(claim.id);
                    }
                }
            }
            self.retracted_claims = Some(retracted);
        }
        Ok(Ok(self
            .retracted_claims
            .as_ref()
            .and_then(|r| r.get(&wanted))
            .cloned()))
    }
}

/// What is wrong with a claims row whose `field` (contradicts, supports)
/// names the claim `id` that the bad row at `line` gives: written, it would
/// name a claim that does not exist.
fn names_bad_row(line: u64, field: &str, id: &str) -> String {
    format!("depends on line {line}, a bad row: {field} names claim {id:?}, which that row gives")
}

/// What is wrong with a claims row's `about` entry that names no event
/// and no actor, if it is more likely a mistyped event id than a new
/// actor's name: it is written as an id (`names::looks_like_id`), or in
/// lower case it is an event's id.
fn unknown_event_id(bulk: &mut Bulk, about: &str) -> Result<Option<String>> {
    let lower = about.to_lowercase();
    if lower != about && bulk.get::<Event>(&lower)?.is_some() {
        return Ok(Some(format!(
            "about: no event has the id {about:?}; did you mean {lower:?}?"
        )));
    }
    if looks_like_id(about) {
        return Ok(Some(format!(
            "about: no event has the id {about:?}, and no actor is called that (a new actor is added from its name as written, such as \"Ministry of Defence\"; add one written as an id with `factline actor add` first)"
        )));
    }
    Ok(None)
}

/// How a row without an id that several live events match is told to say
/// which (see `Importer::which_event`).
#[derive(Debug, Clone, Copy)]
enum Ambiguous {
    /// They share its date, title and actors.
    Actors,
    /// They share its date and title (in a file without an actors column);
    /// `none_with_actors`: a TimelineJS Text named actors none of them has.
    DateAndTitle { none_with_actors: bool },
}

impl Ambiguous {
    fn message(self, ids: &[String]) -> String {
        match self {
            Ambiguous::Actors => format!(
                "{} events have this date, title and actors ({}): give the row an id to say which",
                ids.len(),
                ids.join(", ")
            ),
            Ambiguous::DateAndTitle { none_with_actors } => format!(
                "{} events have this date and title ({}){}: give the row an id, or the file an actors column, to say which",
                ids.len(),
                ids.join(", "),
                if none_with_actors { ", none with these actors" } else { "" }
            ),
        }
    }
}

/// The event a row without an id means (see `Importer::which_event`).
enum Which {
    /// None yet: a new event (or a retracted one).
    None,
    One(String),
    /// Too many: the row is bad.
    Several(Vec<String>),
}

/// What of a row, besides its fields, says how it is written onto a stored
/// event (see `Importer::onto_stored`).
#[derive(Debug, Clone, Copy)]
struct Shape {
    group: Option<tabular::Group>,
    kind: model::EventKind,
    in_text: tabular::InText,
    status_in_display: bool,
}

impl Shape {
    fn of(row: &EventRow) -> Shape {
        Shape {
            group: row.group,
            kind: row.kind,
            in_text: row.in_text,
            status_in_display: row.status_in_display,
        }
    }
}

/// A row that added an event under a new id of its own while a live event
/// stored without an id of the user's had its date, title and actors: most
/// likely a sheet imported first without ids and again with them, which
/// doubles each event. The import names each such row (a new id makes a
/// new record, as promised, so the row is not refused) and counts them.
struct StoredTwin {
    line: u64,
    id: String,
    stored: String,
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A row without an id that gave an event as it was in an earlier
/// version (see `Importer::row_as_before`), left as it is now.
struct AsBefore {
    line: u64,
    id: String,
    version: u32,
    /// The fields changed since, as `event edit` names them.
    changed: String,
}

/// Whether an event's id is one factline made for it from its date and
/// title (`2025-11-20-shelling-of-kharkiv`, `…-2`), as `event add` and an
/// import give an event without an id: no id of the user's.
fn id_made_by_factline(event: &Event) -> bool {
    let base = tabular::event_id_base(&event.date, &event.title);
    match event.id.strip_prefix(base.as_str()) {
        Some("") => true,
        Some(rest) => rest
            .strip_prefix('-')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
        None => false,
    }
}

/// A retracted event dated `date` that `is_it` recognises: what a row
/// without an id means when no live event matches it. Such a row leaves
/// it retracted and adds no event in its place.
fn retracted_event(
    bulk: &mut Bulk,
    date: &model::Date,
    is_it: impl Fn(&Event) -> bool,
) -> Result<Option<String>> {
    for id in bulk.retracted_events_dated(date)? {
        if let Some(event) = bulk.get::<Event>(&id)? {
            if event.meta.retracted.is_some() && is_it(&event) {
                return Ok(Some(id));
            }
        }
    }
    Ok(None)
}

/// What is wrong with a row for a record (`what`: event, claim) that an
/// earlier row of the file gave, with other `fields`.
fn same_record_again(earlier: u64, what: &str, id: &str, fields: &str) -> String {
    format!(
        "line {earlier} already gives {what} {id}, with other {fields}: give each {what} one row (an exact copy is allowed)"
    )
}

/// The fields in which two versions of a claim differ, as the claims CSV
/// names its columns.
fn changed_claim_fields(old: &Claim, new: &Claim) -> Vec<&'static str> {
    let quantity = |c: &Claim| c.quantity.clone().map(|q| (q.subject, q.value, q.unit));
    let (a, b) = (quantity(old), quantity(new));
    let part = |i: usize| match (&a, &b) {
        (Some(a), Some(b)) => [a.0 != b.0, a.1 != b.1, a.2 != b.2][i],
        _ => a.is_some() != b.is_some(),
    };
    [
        ("date", old.date != new.date),
        ("claimant", old.claimant != new.claimant),
        ("text", old.text != new.text),
        ("quote", old.quote != new.quote),
        ("subject", part(0)),
        ("value", part(1)),
        ("unit", part(2)),
        ("verdict", old.verdict != new.verdict),
        ("sources", old.sources != new.sources),
        (
            "about",
            old.about_events != new.about_events || old.about_actors != new.about_actors,
        ),
        ("contradicts", old.contradicts != new.contradicts),
        ("supports", old.supports != new.supports),
        ("verdict_by", old.verdict_by != new.verdict_by),
        ("verdict_note", old.verdict_note != new.verdict_note),
    ]
    .into_iter()
    .filter(|(_, differs)| *differs)
    .map(|(name, _)| name)
    .collect()
}

/// The hash a claim's natural key is kept by in memory (confirmed against
/// the claim: two keys may share it).
fn claim_hash(natural_key: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(natural_key.as_bytes())
}

/// Whether the record `id` of one kind is stored and retracted (as this
/// import has it so far).
fn is_retracted<R: Record>(bulk: &mut Bulk, id: &str) -> Result<bool> {
    Ok(bulk
        .get::<R>(id)?
        .is_some_and(|r| r.meta().retracted.is_some()))
}

/// A list that a row gave for a record, as the record keeps it: factline's
/// exports name only live actors, sources, events and claims in a record's
/// lists (`Names::for_import`), so the `stored` list's retracted items
/// stay, in their place when the row lists the others as stored, else
/// after the `listed` ones.
fn keep_retracted<T: Clone>(
    listed: &[T],
    stored: &[T],
    key: impl Fn(&T) -> &String,
    mut retracted: impl FnMut(&str) -> Result<bool>,
) -> Result<Vec<T>> {
    let mut hidden = Vec::new();
    let mut shown = Vec::new();
    for item in stored {
        match retracted(key(item))? {
            true => hidden.push(item),
            false => shown.push(key(item)),
        }
    }
    if hidden.is_empty() {
        return Ok(listed.to_vec());
    }
    let listed_keys: Vec<&String> = listed.iter().map(&key).collect();
    if listed_keys == shown {
        return Ok(stored.to_vec());
    }
    let mut kept = listed.to_vec();
    kept.extend(
        hidden
            .into_iter()
            .filter(|item| !listed_keys.contains(&key(item)))
            .cloned(),
    );
    Ok(kept)
}

/// Removes repeated ids, keeping each one's first place, in place.
fn dedup_in_place(ids: &mut Vec<String>) {
    let mut kept = 0;
    for i in 0..ids.len() {
        if !ids[..kept].contains(&ids[i]) {
            ids.swap(kept, i);
            kept += 1;
        }
    }
    ids.truncate(kept);
}

/// An event's date as written and its folded title: what identifies it to
/// a row without an id in a file without an actors column.
fn date_and_title(event: &Event) -> String {
    keys::natural_key_of(event.date.as_str(), &event.title, &[])
}

/// Whether a record of `kind` already has `id` (stored, or written by this import).
fn taken(bulk: &mut Bulk, kind: u8, id: &str) -> Result<bool> {
    Ok(match kind {
        keys::ACTOR => bulk.get::<Actor>(id)?.is_some(),
        keys::SOURCE => bulk.get::<Source>(id)?.is_some(),
        keys::EVENT => bulk.get::<Event>(id)?.is_some(),
        _ => bulk.get::<Claim>(id)?.is_some(),
    })
}

/// A progress bar on stderr when it is a terminal (rows, rows/s, ETA from
/// the bytes read); silent otherwise.
struct Progress(Option<indicatif::ProgressBar>);

/// Rows between updates of the row count and rate.
const PROGRESS_EVERY_ROWS: u64 = 5_000;

impl Progress {
    /// A bar over a file of `bytes` (none for small files).
    fn new(bytes: u64) -> Progress {
        if !io::stderr().is_terminal() || bytes < 1_000_000 {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new(bytes);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {percent:>3}%  {msg}  ETA {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Progress(Some(bar))
    }

    /// `rows` read so far, `position` bytes into the file.
    fn set(&self, rows: u64, position: u64) {
        if let Some(bar) = &self.0 {
            if rows.is_multiple_of(PROGRESS_EVERY_ROWS) {
                bar.set_position(position);
                let seconds = bar.elapsed().as_secs_f64().max(0.001);
                bar.set_message(format!("{rows} rows  {:.0} rows/s", rows as f64 / seconds));
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
        let _ = io::stderr().flush();
    }
}
