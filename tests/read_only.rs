//! A database the user may read but not write (a read-only mount, a
//! colleague's shared dataset, an archive made read-only): reading commands
//! answer from a temporary copy that is removed afterwards, writing
//! commands are refused with the reason, and the database's files stay as
//! they were.
//!
//! Permissions do not bind root, so when the tests run as root the commands
//! run as the user `nobody` (`runuser`), on files only root may write.

mod testenv;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use testenv::TestEnv;

/// Whether the tests run as root.
fn running_as_root() -> bool {
    let id = Command::new("id").arg("-u").output().expect("run id -u");
    String::from_utf8_lossy(&id.stdout).trim() == "0"
}

/// Sets `mode` on `path` and, with `recursive`, on everything under it.
fn chmod(path: &Path, mode: u32, recursive: bool) {
    if recursive && path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            chmod(&entry.unwrap().path(), mode, true);
        }
    }
    let mode = if path.is_dir() { mode | 0o111 } else { mode };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Every file under `dir` with its bytes, in path order.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files.extend(contents(&path));
        } else {
            files.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    files
}

/// A user who may not write what the test made read-only: the tests run
/// commands through this.
struct Reader {
    /// The factline binary, copied where `nobody` may run it.
    binary: std::path::PathBuf,
    /// The temporary directory the commands are given (`TMPDIR`).
    tmp: std::path::PathBuf,
    as_root: bool,
}

impl Reader {
    fn new(env: &TestEnv) -> Reader {
        // The test's directory is private to its owner; `nobody` must reach
        // the binary and the database in it.
        chmod(env.root(), 0o755, false);
        let binary = env.path("factline");
        std::fs::copy(assert_cmd::cargo::cargo_bin("factline"), &binary).unwrap();
        chmod(&binary, 0o755, false);
        let tmp = env.path("tmp");
        std::fs::create_dir(&tmp).unwrap();
        chmod(&tmp, 0o777, false);
        Reader {
            binary,
            tmp,
            as_root: running_as_root(),
        }
    }

    /// Runs factline with `args` on the database `db`, as a user who may not
    /// write it.
    fn run(&self, db: &Path, args: &[&str]) -> std::process::Output {
        let mut cmd = if self.as_root {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "nobody", "--"]).arg(&self.binary);
            cmd
        } else {
            Command::new(&self.binary)
        };
        cmd.args(args)
            .env("FACTLINE_DB", db)
            .env("TMPDIR", &self.tmp)
            .env_remove("FACTLINE_NOW")
            .current_dir(&self.tmp)
            .output()
            .expect("run factline")
    }

    /// Starts factline with `args` on the database `db` as [`Reader::run`]
    /// does, with stdout and stderr piped. As root through `setpriv`, which
    /// becomes factline (`runuser` would stay in between, and a signal sent
    /// to it would not reach factline).
    fn spawn(&self, db: &Path, args: &[&str]) -> std::process::Child {
        let mut cmd = if self.as_root {
            let mut cmd = Command::new("setpriv");
            cmd.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
                .arg(&self.binary);
            cmd
        } else {
            Command::new(&self.binary)
        };
        cmd.args(args)
            .env("FACTLINE_DB", db)
            .env("TMPDIR", &self.tmp)
            .env_remove("FACTLINE_NOW")
            .current_dir(&self.tmp)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start factline")
    }

    /// Whatever is left in the temporary directory (a scratch copy not
    /// removed).
    fn leftovers(&self) -> Vec<String> {
        std::fs::read_dir(&self.tmp)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn reading_commands_answer_from_a_read_only_database_and_writing_ones_say_why_not() {
    let env = TestEnv::new().with_now("2025-11-20T12:00:00Z");
    env.run_ok(["-q", "example"]);
    let timeline = env.run_ok(["timeline", "--format", "json"]);
    let who_met = env.run_ok(["who-met", "Witkoff", "--format", "csv"]);
    let as_of = env.run_ok([
        "stats",
        "--as-of",
        "2025-11-21T00:00:00Z",
        "--format",
        "json",
    ]);
    let reader = Reader::new(&env);
    chmod(env.db(), 0o444, true);
    let before = contents(env.db());

    let read = reader.run(env.db(), &["timeline", "--format", "json"]);
    assert!(read.status.success(), "{}", text(&read.stderr));
    assert_eq!(text(&read.stdout), timeline);
    let stderr = text(&read.stderr);
    assert!(
        stderr.contains("is read-only here") && stderr.contains("reading a temporary copy"),
        "{stderr}"
    );
    for (args, expected) in [
        (&["who-met", "Witkoff", "--format", "csv"][..], &who_met),
        (
            &[
                "stats",
                "--as-of",
                "2025-11-21T00:00:00Z",
                "--format",
                "json",
            ][..],
            &as_of,
        ),
    ] {
        let read = reader.run(env.db(), args);
        assert!(read.status.success(), "{args:?}: {}", text(&read.stderr));
        assert_eq!(&text(&read.stdout), expected, "{args:?}");
    }
    // --quiet keeps the notice off stderr.
    let quiet = reader.run(env.db(), &["-q", "actor", "list", "--format", "csv"]);
    assert!(quiet.status.success(), "{}", text(&quiet.stderr));
    assert_eq!(text(&quiet.stderr), "");

    let write = reader.run(
        env.db(),
        &["event", "add", "--title", "Talks", "--date", "2025-11-30"],
    );
    assert_eq!(write.status.code(), Some(3), "{}", text(&write.stderr));
    let stderr = text(&write.stderr);
    testenv::assert_one_error_line(&stderr);
    assert!(
        stderr.contains("is read-only here (permission denied); this command writes to it"),
        "{stderr}"
    );

    assert!(
        contents(env.db()) == before,
        "the read-only database changed"
    );
    assert_eq!(
        reader.leftovers(),
        Vec::<String>::new(),
        "copies left behind"
    );

    // A lock file anyone may write, beside files only their owner may.
    chmod(&env.db().join("factline.lock"), 0o666, false);
    let read = reader.run(env.db(), &["timeline", "--format", "json"]);
    assert!(read.status.success(), "{}", text(&read.stderr));
    assert_eq!(text(&read.stdout), timeline);
    let write = reader.run(env.db(), &["source", "add", "Reuters"]);
    assert_eq!(write.status.code(), Some(3), "{}", text(&write.stderr));
    assert!(
        text(&write.stderr).contains("is read-only here"),
        "{}",
        text(&write.stderr)
    );
    assert!(reader.leftovers().is_empty(), "copies left behind");
    chmod(env.db(), 0o644, true);
}

/// A backup made read-only (`chmod -R a-w`), as an archive should be,
/// restores: its copy is made writable for sled, which opens its files for
/// writing. It used to fail with "permission denied" for any user but root.
#[test]
fn a_read_only_backup_restores() {
    let env = TestEnv::new().with_now("2025-11-20T12:00:00Z");
    env.run_ok(["-q", "example"]);
    let backup = env.path("archive");
    env.run_ok(["-q", "backup", backup.to_str().unwrap()]);
    let dump = env.export_ndjson();
    let reader = Reader::new(&env);
    chmod(&backup, 0o444, true);

    let restored = reader.tmp.join("restored");
    let restore = reader.run(&restored, &["restore", backup.to_str().unwrap()]);
    assert!(restore.status.success(), "{}", text(&restore.stderr));
    let export = reader.run(&restored, &["export", "--format", "ndjson"]);
    assert!(export.status.success(), "{}", text(&export.stderr));
    assert_eq!(text(&export.stdout), dump);
    // The restored database is the user's to write.
    let add = reader.run(
        &restored,
        &[
            "-q",
            "event",
            "add",
            "--title",
            "Talks",
            "--date",
            "2025-11-30",
        ],
    );
    assert!(add.status.success(), "{}", text(&add.stderr));
    chmod(&backup, 0o644, true);
}

/// A CSV of `rows` events, enough that a timeline of them fills a pipe
/// nobody reads (64 KB) and that their import writes several page batches.
fn many_events(rows: usize) -> String {
    let mut csv = String::from("date,title,actors\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "2024-{:02}-{:02},Event number {i} of many,Actor {}; Actor {}\n",
            i % 12 + 1,
            i % 28 + 1,
            i % 300,
            i % 77
        ));
    }
    csv
}

/// Sends `signal` (`INT`, `TERM`) to `child` and waits for it to end.
fn interrupt(child: &mut std::process::Child, signal: &str) {
    let sent = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    assert!(!status.success(), "{status:?}");
}

/// bb17 #06: a read of a read-only database interrupted by Ctrl-C (SIGINT)
/// or SIGTERM left its whole temporary copy in TMPDIR, and no later command
/// removed it. A copy's marker is locked while its reader lives; the next
/// read removes every copy whose marker nobody holds, and leaves the copy
/// of a read still running.
#[test]
fn copies_that_interrupted_reads_leave_are_removed_by_the_next_read() {
    let env = TestEnv::new();
    env.run_ok(["-q", "example"]);
    env.write_file("many.csv", &many_events(3000));
    env.run_ok(["-q", "import", "many.csv"]);
    // Another read-only database, read while a read of the first waits.
    let other = env.path("other");
    env.run_ok(["-q", "backup", other.to_str().unwrap()]);
    let reader = Reader::new(&env);
    chmod(env.db(), 0o444, true);
    chmod(&other, 0o444, true);
    // A timeline whose stdout nobody reads: it stops once the pipe is
    // full, its copy made and in use.
    let stalled = || {
        let mut child = reader.spawn(env.db(), &["timeline", "--format", "csv"]);
        let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        std::io::BufRead::read_line(&mut stderr, &mut line).unwrap();
        assert!(line.contains("reading a temporary copy"), "{line}");
        (child, stderr)
    };

    let (mut first, _stderr) = stalled();
    interrupt(&mut first, "INT");
    assert_eq!(reader.leftovers().len(), 1, "{:?}", reader.leftovers());

    // The next read removes the copy nobody reads, not one in use.
    let (mut second, _stderr) = stalled();
    assert_eq!(reader.leftovers().len(), 1, "{:?}", reader.leftovers());
    let read = reader.run(&other, &["stats", "--format", "csv"]);
    assert!(read.status.success(), "{}", text(&read.stderr));
    assert_eq!(reader.leftovers().len(), 1, "{:?}", reader.leftovers());
    interrupt(&mut second, "TERM");
    let read = reader.run(env.db(), &["stats", "--format", "csv"]);
    assert!(read.status.success(), "{}", text(&read.stderr));
    assert_eq!(reader.leftovers(), Vec::<String>::new());
    chmod(env.db(), 0o644, true);
    chmod(&other, 0o644, true);
}

/// bb17 #14: a read-only database that holds a killed import said, at
/// every read, "/tmp/factline-read-only-XXXX: an import was interrupted …
/// and has been undone …; run it again": the temporary copy's name, an
/// undo that happened only in the copy, and advice its reader cannot
/// follow. It names the database now and says how it was read.
#[test]
fn a_read_only_database_holding_an_interrupted_import_is_read_as_if_it_were_undone() {
    let env = TestEnv::new().with_now("2025-11-20T12:00:00Z");
    env.run_ok(["-q", "example"]);
    let timeline = env.run_ok(["timeline", "--format", "csv"]);
    env.write_file("many.csv", &many_events(5000));
    let crashed = env
        .std_cmd()
        .env("FACTLINE_BULK_BATCH_BYTES", "20000")
        .env("FACTLINE_BULK_BUFFER_BYTES", "300000")
        .env("FACTLINE_CRASH_AFTER_BATCHES", "1")
        .args(["import", "many.csv"])
        .output()
        .unwrap();
    assert_eq!(crashed.status.code(), None, "{crashed:?}");
    let reader = Reader::new(&env);
    chmod(env.db(), 0o444, true);
    let said = format!(
        "database {}: an import was interrupted before it finished; this command reads the database as if it had been undone",
        env.db().display()
    );
    for _ in 0..2 {
        let read = reader.run(env.db(), &["timeline", "--format", "csv"]);
        assert!(read.status.success(), "{}", text(&read.stderr));
        assert_eq!(text(&read.stdout), timeline);
        let stderr = text(&read.stderr);
        assert!(
            stderr.contains(&said)
                && !stderr.contains("factline-read-only-")
                && !stderr.contains("run it again"),
            "{stderr}"
        );
    }
    // Its owner's next command undoes it.
    chmod(env.db(), 0o644, true);
    let (out, stderr) = env.run_ok_with_stderr(["timeline", "--format", "csv"]);
    assert_eq!(out, timeline);
    assert!(stderr.contains("has been undone"), "{stderr}");
}
