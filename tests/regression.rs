//! One test per bug found in factline, each named after what went wrong,
//! run against the real binary.

mod testenv;

use testenv::TestEnv;

/// Found by the crash loop (`tests/crash.rs`, round 23 of one run): a
/// process killed while sled wrote a snapshot left `snap.LSN.generating`
/// behind, sled 0.34.7 picked that file as the latest snapshot, and every
/// later command failed with "database … is damaged (Read corrupted data at
/// file offset None)". The unfinished file is now removed before sled opens
/// the database, and sled recovers from its log.
#[test]
fn an_unfinished_sled_snapshot_does_not_make_the_database_unopenable() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let timeline = env.run_ok(["--format", "csv", "timeline"]);
    let dump = env.export_ndjson();
    // What a kill in the middle of writing a snapshot leaves: a partial file
    // under a log position later than any finished snapshot's.
    let partial = env.db().join("snap.FFFFFFFFFFFFFFF0.generating");
    std::fs::write(&partial, b"\x01\x02 a snapshot cut short").unwrap();

    assert_eq!(env.run_ok(["--format", "csv", "timeline"]), timeline);
    assert!(!partial.exists(), "the unfinished snapshot is still there");
    assert_eq!(env.export_ndjson(), dump);
    env.run_ok(["check"]);
    // Writes go on as before.
    env.run_ok(["source", "add", "Reuters"]);
    assert!(env
        .run_ok(["--format", "csv", "source", "list"])
        .contains("Reuters"));
}

/// Found by damaging a million-event database by hand: a page whose bytes
/// do not decode made `check` and `check --repair` fail with exit 3,
/// "damaged page …; run `factline check`", pointing the user back to the
/// command that had just failed. `check` now names the page (exit 1) and
/// the repair rebuilds the pages from the readable ones.
#[test]
fn check_reports_a_page_that_cannot_be_read_instead_of_failing_on_it() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let page = testenv::pages::garble_page(env.db(), |_, next| next.is_none());
    // As messages show a key: a NUL (which ends an id in a key) escaped.
    let shown = String::from_utf8_lossy(&page[1..]).replace('\0', "\\x00");

    let out = env.output(["check"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("cannot be read") && stdout.contains(&*shown),
        "{stdout}"
    );

    // The page held records: the repair says they are lost, and its check
    // then reports what named them (exit 1), no longer the page.
    let out = env.output(["check", "--repair"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{stderr}");
    assert!(
        stderr.contains("could not be read") && stderr.contains("are lost"),
        "{stderr}"
    );
    let out = env.output(["check"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("cannot be read"));
}

/// Found while adding `compact`: with `--db .` (run inside the database
/// directory), `restore` named its staging copy after `.` itself, so it
/// copied the backup's files over the live database's and then failed to
/// move `.` aside ("Device or resource busy"): the database was replaced
/// without the old one kept. Replacing the directory the shell is in would
/// leave the shell in the old one, so both commands now refuse to run from
/// inside it, and change nothing.
#[test]
fn restore_and_compact_from_inside_the_database_directory_are_refused() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let backup = env.path("backup");
    env.run_ok(["backup", backup.to_str().unwrap()]);
    env.run_ok(["source", "add", "Added after the backup"]);
    let latest = env.export_ndjson();
    let around = env.names();

    for args in [vec!["compact"], vec!["restore", backup.to_str().unwrap()]] {
        let out = env
            .cmd()
            .current_dir(env.db())
            .env("FACTLINE_DB", ".")
            .args(&args)
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        testenv::assert_one_error_line(&stderr);
        assert!(
            stderr.contains("from outside") && stderr.contains("replaces that directory"),
            "{stderr}"
        );
    }
    let now = env.names();
    assert_eq!(now, around);
    assert_eq!(env.export_ndjson(), latest);
    // From outside, the same paths work.
    env.run_ok(["compact"]);
    env.run_ok(["restore", backup.to_str().unwrap()]);
}

/// Found in review of `compact`: a process waiting for the lock (`--wait`)
/// had opened the lock file before `restore` or `compact` swapped the
/// database directory; when the lock was released it held the *replaced*
/// directory's lock while it used the new one, unprotected. It now checks
/// that the file it locked is still the one at the path, and waits for that
/// one. Here the swap is made by hand: the test holds the old directory's
/// lock, moves it away, puts another database in its place and holds that
/// one too, then lets go of the old one first.
#[test]
fn a_waiting_process_takes_the_lock_of_the_directory_now_at_the_path() {
    use factline::store::{Access, Store};
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let other = env.path("other");
    env.run_ok(["backup", other.to_str().unwrap()]);

    let old = Store::open(env.db(), Access::Write).expect("open the database in the test");
    // It says when it starts waiting: by then it has opened the lock file.
    let (mut waiting, mut stderr) = env.spawn_waiting(&["source", "add", "Added while waiting"]);
    let moved = env.path("db.moved");
    std::fs::rename(env.db(), &moved).unwrap();
    std::fs::rename(&other, env.db()).unwrap();
    let new = Store::open(env.db(), Access::Write).expect("open the new database in the test");
    drop(old);
    // Longer than factline waits for sled's own lock under its lock (2 s):
    // without the check, the waiting process would take the old
    // directory's lock, find sled's lock on the new one held, and fail.
    std::thread::sleep(std::time::Duration::from_secs(3));
    drop(new);
    // Drain the rest of its stderr so that it never blocks on a full pipe.
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let status = waiting.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(env
        .run_ok(["source", "list"])
        .contains("Added while waiting"));
}

/// Found by black-box testing: `--wait nan` panicked (Duration from a NaN
/// number of seconds), and `--wait=-1` was taken as 0. Both are refused as
/// bad input now.
#[test]
fn a_wait_that_is_not_a_number_of_seconds_is_refused_without_a_panic() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    for wait in ["nan", "-1", "inf", "soon"] {
        let out = env.output([format!("--wait={wait}").as_str(), "check"]);
        assert_eq!(out.status.code(), Some(2), "--wait {wait}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("expected a number of seconds"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    env.run_ok(["--wait", "0.5", "check"]);
}

/// Found by black-box testing: a `--wait` that ran out still told the user
/// to "pass --wait SECS".
#[test]
fn a_wait_that_runs_out_says_how_long_it_waited() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let held = factline::store::Store::open(env.db(), factline::store::Access::Write)
        .expect("open the database in the test");
    let out = env.output(["--wait", "0.3", "source", "add", "Reuters"]);
    drop(held);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    testenv::assert_one_error_line(&stderr);
    assert!(
        stderr.contains("is in use by another factline process, still after waiting 0.3 s"),
        "{stderr}"
    );
    assert!(!stderr.contains("pass --wait"), "{stderr}");
}

/// Found by the random-kill test of `compact`: a compact killed while it
/// probed whether directories can be swapped left the empty probe
/// directories, and every later compact failed, claiming the file system
/// could not swap directories.
#[test]
fn a_compact_killed_while_probing_does_not_block_the_next_one() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let dump = env.export_ndjson();
    for probe in ["db.swap-probe-a", "db.swap-probe-b"] {
        std::fs::create_dir(env.path(probe)).unwrap();
    }
    env.run_ok(["compact"]);
    assert_eq!(env.names(), ["db"]);
    assert_eq!(env.export_ndjson(), dump);
}

/// Found by black-box testing: `export -o PATH` renamed a new file over
/// PATH whatever it was: a symbolic link became a file (its target left
/// stale), a named pipe or a device node (`/dev/null`) was replaced by a
/// regular file, an existing file lost its permissions, and `-o DB/db`
/// overwrote the database's own file (exit 0; the database no longer
/// opened).
#[cfg(unix)]
#[test]
fn export_to_a_link_a_pipe_or_an_existing_file_writes_through_it() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let csv = env.run_ok(["export", "--format", "csv"]);

    // A link: the file it names gets the export, the link stays a link.
    let real = env.write_file("real.csv", "old");
    std::os::unix::fs::symlink(&real, env.path("link.csv")).unwrap();
    env.run_ok(["export", "--format", "csv", "-o", "link.csv"]);
    assert!(std::fs::symlink_metadata(env.path("link.csv"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_to_string(&real).unwrap(), csv);

    // A link to a file not yet made: the file is made, the link stays.
    std::fs::create_dir(env.path("out")).unwrap();
    std::os::unix::fs::symlink("out/new.csv", env.path("dangling.csv")).unwrap();
    env.run_ok(["export", "--format", "csv", "-o", "dangling.csv"]);
    assert_eq!(
        std::fs::read_to_string(env.path("out/new.csv")).unwrap(),
        csv
    );
    assert!(std::fs::symlink_metadata(env.path("dangling.csv"))
        .unwrap()
        .file_type()
        .is_symlink());

    // A chain of links to a file not yet made; a loop is refused.
    std::os::unix::fs::symlink("second.csv", env.path("first.csv")).unwrap();
    std::os::unix::fs::symlink("out/chained.csv", env.path("second.csv")).unwrap();
    env.run_ok(["export", "--format", "csv", "-o", "first.csv"]);
    assert_eq!(
        std::fs::read_to_string(env.path("out/chained.csv")).unwrap(),
        csv
    );
    for link in ["first.csv", "second.csv"] {
        let meta = std::fs::symlink_metadata(env.path(link)).unwrap();
        assert!(meta.file_type().is_symlink(), "{link}");
    }
    std::os::unix::fs::symlink("loop-b", env.path("loop-a")).unwrap();
    std::os::unix::fs::symlink("loop-a", env.path("loop-b")).unwrap();
    let stderr = env.fail(2, ["export", "--format", "csv", "-o", "loop-a"]);
    testenv::assert_one_error_line(&stderr);
    assert!(
        stderr.contains("too many levels of symbolic links"),
        "{stderr}"
    );
    assert!(std::fs::symlink_metadata(env.path("loop-b"))
        .unwrap()
        .file_type()
        .is_symlink());

    // A directory that does not exist: said in one line, nothing made.
    let stderr = env.fail(2, ["export", "--format", "csv", "-o", "nowhere/x.csv"]);
    testenv::assert_one_error_line(&stderr);
    assert!(
        stderr.contains("the directory nowhere does not exist"),
        "{stderr}"
    );

    // An existing private file stays private.
    let private = env.write_file("private.csv", "old");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
    env.run_ok(["export", "--format", "csv", "-o", "private.csv"]);
    assert_eq!(std::fs::read_to_string(&private).unwrap(), csv);
    let mode = std::fs::metadata(&private).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // And keeps its owner, where the test may give it away (as root).
    if std::os::unix::fs::chown(&private, Some(65534), Some(65534)).is_ok() {
        use std::os::unix::fs::MetadataExt;
        env.run_ok(["export", "--format", "csv", "-o", "private.csv"]);
        let meta = std::fs::metadata(&private).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (65534, 65534));
    }

    // A named pipe is written to, and stays a pipe.
    let fifo = env.path("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    env.run_ok(["export", "--format", "csv", "-o", "pipe"]);
    assert_eq!(reader.join().unwrap(), csv);
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());

    // Into the database: refused, nothing written.
    for inside in ["db/db", "db/conf", "db/story.csv"] {
        let stderr = env.fail(2, ["export", "--format", "csv", "-o", inside]);
        testenv::assert_one_error_line(&stderr);
        assert!(stderr.contains("is inside the database"), "{stderr}");
    }
    assert!(!env.path("db/story.csv").exists());
    env.run_ok(["check"]);
}

/// Found by black-box testing: `--db ed/inner restore ed` (a path inside
/// the backup) copied the backup into itself until the file name was too
/// long, and a restore into any database's directory made a database inside
/// it.
#[test]
fn a_restore_into_a_database_is_refused() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let backup = env.path("bk");
    env.run_ok(["backup", backup.to_str().unwrap()]);
    for target in ["bk/inner", "db/inner"] {
        let stderr = env.fail(2, ["--db", target, "restore", backup.to_str().unwrap()]);
        testenv::assert_one_error_line(&stderr);
        assert!(stderr.contains("is inside the database"), "{stderr}");
    }
    assert_eq!(env.names(), ["bk", "db"]);
    assert!(!env.path("bk/inner").exists() && !env.path("db/inner").exists());
}

/// A directory holding only a user's file named `db` was taken for a
/// database whose creation had been cut short, and the first write command
/// (`actor add`) let sled write its log over the file. sled writes `conf`
/// before `db`, so a lone `db` is now a user's file: refused, untouched.
#[test]
fn a_users_file_named_db_is_not_overwritten() {
    let env = TestEnv::new();
    std::fs::create_dir(env.db()).unwrap();
    let users = env.db().join("db");
    std::fs::write(&users, "USER DATA\n").unwrap();

    let err = env.fail(2, ["actor", "add", "Zelensky"]);
    testenv::assert_one_error_line(&err);
    assert!(err.contains("no conf"), "{err}");
    assert_eq!(std::fs::read_to_string(&users).unwrap(), "USER DATA\n");
    // Nothing was created beside it either (no lock file, no sled files).
    let beside: Vec<_> = std::fs::read_dir(env.db())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, ["db"]);
}

/// Two actors may share a name (an NDJSON dump can hold two John Smiths).
/// The CSV export wrote both as "John Smith", so importing it back moved
/// one John Smith's event to the other, and `path` found a chain of
/// meetings that never happened. A name several actors share is now
/// written as the id, which the import finds again. A listing that names
/// many actors reads the shared spellings in one scan instead of one
/// lookup per actor: with 1,100 more actors in the file it must find the
/// same namesakes.
#[test]
fn actors_sharing_a_name_survive_the_csv_round_trip() {
    for others in [0, 1_100] {
        let env = TestEnv::new();
        let meta = r#""meta":{"version":1,"recorded_at":"2025-11-20T12:00:00Z","retracted":null}"#;
        let actor = |id: &str, name: &str| {
            format!(
                r#"{{"type":"actor","id":"{id}","name":"{name}","kind":"person","aliases":[],"description":"","roles":[],{meta}}}"#
            )
        };
        let event = |id: &str, actors: &str| {
            format!(
                r#"{{"type":"event","id":"{id}","title":"Meeting {id}","date":"2025-01-01","kind":"meeting","status":"occurred","place":null,"actors":[{actors}],"sources":[],"tags":[],"description":"",{meta}}}"#
            )
        };
        let mut lines = Vec::new();
        // Listed first, so that the namesakes come after the switch to one scan.
        for n in 0..others {
            lines.push(actor(&format!("other-{n:04}"), &format!("Other {n:04}")));
            lines.push(event(&format!("a{n:04}"), &format!(r#""other-{n:04}""#)));
        }
        lines.extend([
            actor("john-smith-uk", "John Smith"),
            actor("john-smith-us", "John Smith"),
            actor("ann", "Ann"),
            actor("bob", "Bob"),
            event("e1", r#""john-smith-uk","ann""#),
            event("e2", r#""john-smith-us","bob""#),
        ]);
        let dump = testenv::dump::of(&lines);
        let file = env.write_file("same.ndjson", &dump);
        env.run_ok(["import", file.to_str().unwrap()]);
        env.fail(1, ["path", "ann", "bob"]);
        let before = env.export_ndjson();

        let csv = env.run_ok(["export", "--format", "csv"]);
        assert!(csv.contains("john-smith-uk; Ann"), "{others}: {csv}");
        assert!(csv.contains("john-smith-us; Bob"), "{others}: {csv}");
        assert!(
            !csv.contains("other-0"),
            "{others}: unique names stay names"
        );
        let file = env.write_file("timeline.csv", &csv);
        let (_, stderr) = env.run_ok_with_stderr(["import", file.to_str().unwrap()]);
        assert!(stderr.contains("0 updated"), "{others}: {stderr}");
        assert_eq!(env.export_ndjson(), before, "{others}");
        env.fail(1, ["path", "ann", "bob"]);
    }
}

/// CSV lists join names with ';'. An actor named "Smith; Jones LLP" was
/// exported as two names, and importing the file back created actors
/// "Smith" and "Jones LLP" and a meeting that never happened. Names that
/// lists hold (actors, aliases, sources, tags) now refuse ';' at every
/// entry point.
#[test]
fn a_name_with_the_list_separator_is_refused() {
    let env = TestEnv::new();
    env.run_ok(["actor", "add", "Ann Lee"]);
    let before = env.export_ndjson();
    for args in [
        &["actor", "add", "Smith; Jones LLP"][..],
        &["actor", "add", "Smith Jones", "--alias", "S; J"],
        &["actor", "alias", "ann-lee", "Lee; Ann"],
        &["actor", "edit", "ann-lee", "--name", "Lee; Ann"],
        &["source", "add", "Reuters; AP pool"],
        &[
            "event",
            "add",
            "--title",
            "t",
            "--date",
            "2025",
            "--actor",
            "Smith; Jones",
        ],
        &[
            "event", "add", "--title", "t", "--date", "2025", "--tag", "a;b",
        ],
    ] {
        let err = env.fail(2, args);
        testenv::assert_one_error_line(&err);
        assert!(err.contains("separates names"), "{args:?}: {err}");
    }
    let dump = testenv::dump::of(&[testenv::dump::source_line("pool", "Reuters; AP pool")]);
    let file = env.write_file("pool.ndjson", &dump);
    let err = env.fail(2, ["import", file.to_str().unwrap()]);
    assert!(err.contains("pool.ndjson:2:"), "{err}");
    assert_eq!(env.export_ndjson(), before);
}

/// The csv crate numbers rows wrong in files with CRLF line ends (as
/// spreadsheets save them) and after blank lines, so a bad row was reported
/// one or more lines before where it is. Rows are now numbered by the line
/// ends read.
#[test]
fn bad_rows_are_reported_at_their_line_with_crlf_blank_lines_and_quoted_newlines() {
    let env = TestEnv::new();
    let cases = [
        ("lf.csv", "id,date,title\n,2025,ok\n\n,20x5,bad\n", vec![4]),
        (
            "crlf.csv",
            "id,date,title\r\n,2025,ok\r\n,20x5,bad\r\n",
            vec![3],
        ),
        (
            "crlf-blank.csv",
            // Line 2's title spans two lines (refused: a title is one line).
            "id,date,title\r\n,2025,\"a\r\nb\"\r\n\r\n\r\n,20x5,bad\r\n,20y5,bad\r\n",
            vec![2, 6, 7],
        ),
        (
            "quoted.csv",
            "id,date,title,description\n,2025,ok,\"x\n\ny\"\n,20x5,bad,\n",
            vec![5],
        ),
    ];
    for (name, text, lines) in cases {
        let file = env.write_file(name, text);
        let err = env.fail(2, ["import", file.to_str().unwrap()]);
        let prefix = format!("factline: {}:", file.display());
        let reported: Vec<u64> = err
            .lines()
            .filter_map(|l| l.strip_prefix(&prefix))
            .filter_map(|rest| rest.split(':').next()?.parse().ok())
            .collect();
        assert_eq!(reported, lines, "{name}: {err}");
    }
}

/// Importing a claims export after a retraction must change nothing. Two
/// fixes met badly: the claims CSV refused an `about` event that had been
/// retracted, so the export of a claim about one no longer imported; and a
/// retracted actor's id, as the exports write it, was read as the name of a
/// live actor whose name folds to it (a retracted `steve-witkoff` and a new
/// "Steve Witkoff"), moving his events and claims to the new actor.
#[test]
fn exports_import_back_unchanged_after_retracting_an_event_or_actor() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    env.run_ok(["retract", "2025-10-24-miami-talks", "--reason", "duplicate"]);
    let dump = env.export_ndjson();
    let claims = env.run_ok(["export", "--format", "csv", "--what", "claims"]);
    let claims = env.write_file("claims.csv", &claims);
    env.run_ok(["import", claims.to_str().unwrap(), "--what", "claims"]);
    assert_eq!(
        env.export_ndjson(),
        dump,
        "the claims export changed claims"
    );

    env.run_ok([
        "claim",
        "add",
        "--by",
        "steve-witkoff",
        "--text",
        "We made progress",
    ]);
    env.run_ok(["retract", "steve-witkoff", "--reason", "wrong record"]);
    env.run_ok(["actor", "add", "Steve Witkoff"]);
    let dump = env.export_ndjson();
    // The timeline CSV leaves the retracted actor out of the events'
    // actors (the import keeps the stored links); the claims CSV gives him,
    // his claim's claimant, as his id.
    let events = env.run_ok(["export", "--format", "csv"]);
    assert!(!events.contains("steve-witkoff"), "{events}");
    let events = env.write_file("events.csv", &events);
    let claims = env.run_ok(["export", "--format", "csv", "--what", "claims"]);
    assert!(
        claims.contains(",steve-witkoff,We made progress,"),
        "{claims}"
    );
    let claims = env.write_file("claims.csv", &claims);
    env.run_ok(["import", events.to_str().unwrap()]);
    env.run_ok(["import", claims.to_str().unwrap(), "--what", "claims"]);
    assert_eq!(
        env.export_ndjson(),
        dump,
        "links moved from the retracted actor to his namesake"
    );
}

/// `claims --format csv` has the claims CSV's columns, so users import it
/// back; it left retracted sources out, and the import then unlinked them
/// from every claim. It names them as `export --what claims` does now.
#[test]
fn the_claims_listing_in_csv_imports_back_unchanged_after_a_retraction() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    env.run_ok(["retract", "axios", "--reason", "duplicate"]);
    let dump = env.export_ndjson();
    let claims = env.run_ok(["claims", "--format", "csv"]);
    let file = env.write_file("claims.csv", &claims);
    env.run_ok(["import", file.to_str().unwrap(), "--what", "claims"]);
    assert_eq!(env.export_ndjson(), dump);
}

/// `claims --subject` said it filters by the key `contradictions` compares,
/// but compared exactly while `contradictions` folds case and spacing: a
/// claim that `contradictions` pairs by subject was missing from the filter.
#[test]
fn claims_subject_filter_folds_as_contradictions_does() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    env.run_ok([
        "claim",
        "add",
        "--by",
        "Ukraine",
        "--text",
        "Many deported",
        "--subject",
        "Deported Ukrainian Children",
        "--value",
        "20000",
        "--unit",
        "children",
    ]);
    let listed = env.run_ok([
        "claims",
        "--subject",
        "deported-ukrainian-children",
        "--format",
        "csv",
    ]);
    assert!(listed.contains("Many deported"), "{listed}");
    assert!(
        listed.contains("ukraine-19500-deported-children"),
        "{listed}"
    );
}

/// A claims CSV created a source from a 600-character name, which the
/// NDJSON import refuses (500 at most): the database's own dump no longer
/// imported. Claims rows now check names, subjects and quotes as the
/// records they make are checked, as a bad row with its line.
#[test]
fn a_claims_row_with_an_overlong_source_name_is_a_bad_row() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let dump = env.export_ndjson();
    let long = "S".repeat(600);
    let file = env.write_file(
        "claims.csv",
        &format!(
            "id,claimant,text,sources,subject,value\n\
             ok,Ukraine,Fine,Axios,,\n\
             long-source,Ukraine,Long source,{long},,\n\
             long-subject,Ukraine,Long subject,,{},1\n",
            "k".repeat(300)
        ),
    );
    let err = env.fail(2, ["import", file.to_str().unwrap(), "--what", "claims"]);
    assert!(err.contains("claims.csv:3: sources"), "{err}");
    assert!(err.contains("claims.csv:4: subject"), "{err}");
    assert_eq!(
        env.export_ndjson(),
        dump,
        "a refused import wrote something"
    );
}

/// Found by a user: a link's credibility entered wrongly could only be
/// replaced by another grade, never taken back to "not graded", while
/// `--via ""`, `--quote ""` and `--url ""` removed theirs. `--credibility ""`
/// (or `none`) now removes it, the graded version kept in history; a value
/// off the scale is one line naming the accepted values.
#[test]
fn a_links_credibility_can_be_removed() {
    let env = TestEnv::new();
    env.run_ok([
        "event",
        "add",
        "--id",
        "talks",
        "--title",
        "Talks",
        "--date",
        "2025-03-01",
        "--source",
        "Reuters",
    ]);
    let credibility = || {
        let rows = env.json(["sources", "talks"]);
        let row = &rows.as_array().unwrap()[0];
        assert_eq!(row["name"], "Reuters", "{rows}");
        row["credibility"].clone()
    };
    let versions = || env.json(["history", "talks"]).as_array().unwrap().len();
    env.run_ok(["link", "talks", "Reuters", "--credibility", "2"]);
    assert_eq!(credibility(), 2);
    for removal in ["", "none", " NONE "] {
        let before = versions();
        env.run_ok(["link", "talks", "Reuters", "--credibility", removal]);
        assert!(credibility().is_null(), "--credibility {removal:?}");
        let history = env.json(["history", "talks"]);
        let history = history.as_array().unwrap();
        assert_eq!(history.len(), before + 1, "a new version");
        assert_eq!(
            history[before - 1]["record"]["sources"][0]["credibility"],
            if removal.is_empty() { 2 } else { 5 },
            "the graded version stays in history"
        );
        env.run_ok(["link", "talks", "Reuters", "--credibility", "5"]);
        assert_eq!(credibility(), 5);
    }
    let dump = env.export_ndjson();
    for bad in ["0", "7", "high", "-1", "2.5"] {
        let flag = format!("--credibility={bad}");
        let err = env.fail(2, ["link", "talks", "Reuters", flag.as_str()]);
        testenv::assert_one_error_line(&err);
        assert!(
            err.contains("1 (confirmed) to 6 (cannot be judged)") && err.contains("none"),
            "{err}"
        );
        assert_eq!(
            env.export_ndjson(),
            dump,
            "--credibility {bad} wrote something"
        );
    }
}

/// With "Steve Witkoff" and "Volodymyr Zelenskyy" recorded, `--actor
/// Witkoff` and `--actor Zelenskiy` silently created actors `witkoff` and
/// `zelenskiy`, and `actors --similar` did not list them: who-met split one
/// person in two. A one-word name that is, or nearly is, the surname of a
/// recorded full name is now refused with "did you mean", as a near miss of
/// the whole name is; `--new-actor` overrides, and the pair is listed.
#[test]
fn a_surname_alone_is_refused_as_a_near_miss_of_the_full_name() {
    let env = TestEnv::new();
    env.run_ok(["-q", "actor", "add", "Steve Witkoff"]);
    env.run_ok(["-q", "actor", "add", "Volodymyr Zelenskyy"]);
    let event = |actor: &str| {
        vec![
            "event".to_string(),
            "add".into(),
            "--title".into(),
            format!("Meets {actor}"),
            "--date".into(),
            "2025-11-25".into(),
            "--actor".into(),
            actor.into(),
        ]
    };
    for (typed, meant) in [
        ("Witkoff", "Steve Witkoff"),
        ("Zelenskiy", "Volodymyr Zelenskyy"),
        ("ZELENSKYY", "Volodymyr Zelenskyy"),
    ] {
        let err = env.fail(2, event(typed));
        assert!(
            err.contains(&format!("did you mean {meant:?}?")) && err.contains("--new-actor"),
            "{typed}: {err}"
        );
    }
    let err = env.fail(2, ["actor", "add", "Witkoff"]);
    assert!(err.contains("did you mean \"Steve Witkoff\""), "{err}");
    let actors = env.run_ok(["actor", "list", "--format", "csv"]);
    assert_eq!(actors.lines().count(), 3, "nothing was created: {actors}");
    // Given names, particles, short words and organisations' last words are
    // not refused.
    env.run_ok(["-q", "actor", "add", "Mohammed bin Salman"]);
    env.run_ok(["-q", "actor", "add", "Armed Forces of Ukraine"]);
    env.run_ok(["-q", "actor", "add", "John Kerry"]);
    for name in ["Steve", "John", "bin", "Ukraine", "Berry", "Melania Trump"] {
        env.run_ok(["-q", "actor", "add", name]);
    }
    // Once told, the surname is added as someone else, and listed as a
    // merge candidate with the full name.
    env.run_ok(
        event("Zelenskiy")
            .into_iter()
            .chain(["--new-actor".to_string()]),
    );
    let similar = env.run_ok(["actors", "--similar", "--format", "csv"]);
    assert!(
        similar.contains("volodymyr-zelenskyy,Volodymyr Zelenskyy,zelenskiy,Zelenskiy"),
        "{similar}"
    );
    for unrelated in [
        "steve,",
        "john,",
        "bin,",
        "ukraine,",
        "berry,",
        "melania-trump,",
    ] {
        assert!(!similar.contains(unrelated), "{unrelated}: {similar}");
    }
}

/// `actors --similar` left out two actors with exactly the same name (ids
/// `putin` and `vladimir-putin`, one from a colleague's dump): the likeliest
/// merge candidates of all. They are now listed first, alike 1.00.
#[test]
fn actors_with_the_same_name_are_listed_as_similar() {
    let env = TestEnv::new();
    let colleague = TestEnv::new();
    colleague.run_ok(["-q", "actor", "add", "Vladimir Putin", "--id", "putin"]);
    let dump = colleague.write_file("colleague.ndjson", &colleague.export_ndjson());
    env.run_ok(["-q", "actor", "add", "Vladimir Putin"]);
    env.run_ok(["-q", "import", dump.to_str().unwrap()]);
    let similar = env.run_ok(["actors", "--similar", "--format", "csv"]);
    let first = similar.lines().nth(1).unwrap_or_default();
    assert_eq!(
        first,
        "putin,Vladimir Putin,vladimir-putin,Vladimir Putin,vladimir putin,vladimir putin,1.00",
        "{similar}"
    );
}

/// With two actors named "Vladimir Putin" (`putin`, and `vladimir-putin`
/// from a colleague's dump), `event add --actor "Vladimir Putin"` refuses
/// the name, but a timeline or claims CSV row naming him was silently linked
/// to one of them. Such a row is now a bad row naming the name and the ids;
/// the ids, as factline's own CSV exports write a shared name, still import.
#[test]
fn a_csv_row_naming_a_name_two_actors_share_is_a_bad_row() {
    let env = TestEnv::new();
    let colleague = TestEnv::new();
    colleague.run_ok(["-q", "actor", "add", "Vladimir Putin", "--id", "putin"]);
    let dump = colleague.write_file("colleague.ndjson", &colleague.export_ndjson());
    env.run_ok(["-q", "actor", "add", "Vladimir Putin"]);
    env.run_ok(["-q", "import", dump.to_str().unwrap()]);
    let before = env.export_ndjson();
    let sheet = env.write_file(
        "sheet.csv",
        "date,title,actors\n2025,Speech,Vladimir Putin\n",
    );
    let err = env.fail(2, ["import", sheet.to_str().unwrap()]);
    assert!(
        err.contains("sheet.csv:2: actors: \"Vladimir Putin\" names several actors (putin, vladimir-putin); use an id"),
        "{err}"
    );
    let claims = env.write_file(
        "claims.csv",
        "claimant,text\nVladimir Putin,We want peace\n",
    );
    let err = env.fail(2, ["import", claims.to_str().unwrap(), "--what", "claims"]);
    assert!(
        err.contains("claims.csv:2: claimant: \"Vladimir Putin\" names several actors"),
        "{err}"
    );
    assert_eq!(
        env.export_ndjson(),
        before,
        "a refused import wrote something"
    );
    // Written as ids (as the exports write them), each row finds its actor,
    // and the database's own CSV exports import again unchanged.
    let sheet = env.write_file(
        "ids.csv",
        "date,title,actors\n2025,Speech,vladimir-putin\n2025,Address,putin\n",
    );
    env.run_ok(["-q", "import", sheet.to_str().unwrap()]);
    let claims = env.write_file(
        "claim-ids.csv",
        "claimant,text\nvladimir-putin,We want peace\n",
    );
    env.run_ok(["-q", "import", claims.to_str().unwrap(), "--what", "claims"]);
    let timeline = env.run_ok(["timeline", "--format", "csv"]);
    assert!(
        timeline.contains(",Speech,") && timeline.contains(",vladimir-putin,"),
        "{timeline}"
    );
    assert!(
        timeline.contains(",Address,") && timeline.contains(",putin,"),
        "{timeline}"
    );
    let after = env.export_ndjson();
    let events = env.write_file("events.csv", &env.run_ok(["export", "--format", "csv"]));
    let claims = env.write_file(
        "claims-export.csv",
        &env.run_ok(["export", "--format", "csv", "--what", "claims"]),
    );
    env.run_ok(["-q", "import", events.to_str().unwrap()]);
    env.run_ok(["-q", "import", claims.to_str().unwrap(), "--what", "claims"]);
    assert_eq!(
        env.export_ndjson(),
        after,
        "importing the exports changed something"
    );
}

/// After `source edit nyt --name NYT`, typing the old name "The New York
/// Times" created a second source, and the event counted one outlet twice.
/// A name a source had before a rename now finds it (with a notice), in
/// `event add`/`edit` and in a CSV import, as an actor's old name does.
#[test]
fn a_sources_name_before_a_rename_still_finds_it() {
    let env = TestEnv::new();
    env.run_ok(["-q", "source", "add", "The New York Times", "--id", "nyt"]);
    env.run_ok([
        "-q",
        "event",
        "add",
        "--title",
        "Talks",
        "--date",
        "2025-11",
        "--id",
        "e1",
        "--source",
        "The New York Times",
    ]);
    env.run_ok([
        "-q",
        "source",
        "edit",
        "The New York Times",
        "--name",
        "NYT",
    ]);
    let (_, stderr) =
        env.run_ok_with_stderr(["event", "edit", "e1", "--add-source", "The New York Times"]);
    assert!(
        stderr.contains("earlier name of source \"NYT\" (nyt)"),
        "{stderr}"
    );
    let sheet = env.write_file(
        "sheet.csv",
        "date,title,sources\n2025-12,Later talks,The New York Times\n",
    );
    env.run_ok(["-q", "import", sheet.to_str().unwrap()]);
    let sources = env.run_ok(["source", "list", "--format", "csv"]);
    assert_eq!(sources.lines().count(), 2, "one source: {sources}");
    let timeline = env.run_ok(["timeline", "--format", "csv"]);
    assert!(
        timeline.contains(",Later talks,") && timeline.contains(",NYT,"),
        "{timeline}"
    );
}

/// A role naming an unknown actor quoted the name with the space before
/// its `|` (`unknown actor "Ukraine "`), although names are read without
/// the white space around them.
#[test]
fn an_unknown_name_is_quoted_without_the_white_space_around_it() {
    let env = TestEnv::new();
    let err = env.fail(
        2,
        [
            "actor",
            "add",
            "Volodymyr Zelenskyy",
            "--role",
            "President @ Ukraine | 2019-05-20/..",
        ],
    );
    assert!(err.contains("unknown actor \"Ukraine\""), "{err}");
    let err = env.fail(2, ["source", "edit", " Reuters\t", "--grade", "B"]);
    assert!(err.contains("unknown source \"Reuters\""), "{err}");
}

/// Found by the bb13 black-box test (13): `import FILE --quiet` with a bad
/// row printed only "1 of 2 rows are bad", without the `FILE:LINE: what is
/// wrong` lines, so a scripted import could not tell which row failed or
/// why. `--quiet` leaves only errors on stderr, and a bad row is one.
#[test]
fn quiet_import_still_lists_the_bad_rows() {
    let env = TestEnv::new();
    env.write_file(
        "q.csv",
        "date,title\n2025-13,bad\n2025,good\n2025-14,worse\n",
    );
    for args in [
        vec!["--quiet", "import", "q.csv"],
        vec!["import", "q.csv", "-q", "--max-errors", "1"],
    ] {
        let stderr = env.fail(2, &args);
        assert!(
            stderr.contains("q.csv:2: date: invalid date \"2025-13\""),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains("2 of 3 rows are bad"), "{args:?}: {stderr}");
    }
    let stderr = env.fail(2, ["-q", "import", "q.csv", "--max-errors", "1"]);
    assert!(
        !stderr.contains("q.csv:4:") && stderr.contains("… and 1 more bad rows"),
        "{stderr}"
    );
    let stderr = env.fail(2, ["-q", "import", "q.csv"]);
    assert!(stderr.contains("q.csv:4: date"), "{stderr}");
    assert!(!env.db().exists());
}

/// Found by the bb13 black-box test (06): importing an NDJSON dump
/// ignored the CSV options without a word: `--what claims --map
/// title=Headline --skip-bad --rejects r.csv` imported the whole dump, and
/// with a broken line `--skip-bad` was simply not applied. Each is now
/// refused with one line naming it (exit 2), as `export` refuses an option
/// its format does not write; `--dry-run`, which a dump has a meaning for,
/// is kept.
#[test]
fn a_dump_import_refuses_the_csv_options_instead_of_ignoring_them() {
    let source = TestEnv::new();
    source.run_ok(["-q", "example"]);
    let dump = source.export_ndjson();
    let env = TestEnv::new();
    env.write_file("story.ndjson", &dump);
    for (option, value) in [
        ("--what", Some("claims")),
        ("--what", Some("timeline")),
        ("--map", Some("title=Headline")),
        ("--skip-bad", None),
        ("--rejects", Some("r.csv")),
        ("--max-errors", Some("5")),
    ] {
        let mut args = vec!["import", "story.ndjson", option];
        args.extend(value);
        let stderr = env.fail(2, &args);
        testenv::assert_one_error_line(&stderr);
        assert!(
            stderr.contains(option) && stderr.contains("not ndjson"),
            "{args:?}: {stderr}"
        );
        assert!(!env.db().exists(), "{args:?} wrote a database");
        assert!(!env.path("r.csv").exists());
    }
    // Stdin said to be a dump: refused too (not asked for --rejects).
    let out = env
        .cmd()
        .args(["import", "-", "--format", "ndjson", "--skip-bad"])
        .write_stdin(dump.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--skip-bad is for CSV only"), "{stderr}");
    // A broken line: --skip-bad is refused, not silently not applied.
    let broken: String = dump
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            4 => format!("{}\n", &l[..l.len() - 1]),
            _ => format!("{l}\n"),
        })
        .collect();
    env.write_file("bad.ndjson", &broken);
    let stderr = env.fail(2, ["import", "bad.ndjson", "--skip-bad"]);
    assert!(stderr.contains("--skip-bad"), "{stderr}");
    // --dry-run means something for a dump: it is kept, and so is a plain import.
    let (_, stderr) = env.run_ok_with_stderr(["import", "story.ndjson", "--dry-run"]);
    assert!(stderr.contains("dry run of story.ndjson"), "{stderr}");
    assert!(!env.db().exists());
    env.run_ok(["-q", "import", "story.ndjson"]);
    assert_eq!(env.export_ndjson(), dump);
}

/// Found by the bb13 black-box test (07): importing factline's own claims
/// CSV without `--what claims` said `no "title" column; … name it with
/// --map title=COLUMN`, and following that hint imported the claims as
/// events. A header with a claim's text and claimant now says to pass
/// `--what claims`; a timeline's header (factline's CSV, or a TimelineJS
/// sheet) given with `--what claims` says to import it as a timeline.
#[test]
fn a_csv_of_the_other_kind_is_told_which_what_to_pass() {
    let source = TestEnv::new();
    source.run_ok(["-q", "example"]);
    let env = TestEnv::new();
    env.write_file(
        "claims.csv",
        &source.run_ok(["export", "--format", "csv", "--what", "claims"]),
    );
    env.write_file(
        "timeline.csv",
        &source.run_ok(["export", "--format", "csv"]),
    );
    env.write_file(
        "sheet.csv",
        &source.run_ok(["export", "--format", "timelinejs-csv"]),
    );
    let stderr = env.fail(2, ["import", "claims.csv"]);
    testenv::assert_one_error_line(&stderr);
    assert!(
        stderr.contains("claims.csv:1: no \"title\" column")
            && stderr.contains("pass --what claims")
            && !stderr.contains("--map title="),
        "{stderr}"
    );
    for sheet in ["timeline.csv", "sheet.csv"] {
        let stderr = env.fail(2, ["import", sheet, "--what", "claims"]);
        testenv::assert_one_error_line(&stderr);
        assert!(
            stderr.contains(&format!("{sheet}:1: ")) && stderr.contains("--what timeline"),
            "{sheet}: {stderr}"
        );
    }
    assert!(!env.db().exists());
    // Each imports as what it is.
    env.run_ok(["-q", "import", "timeline.csv"]);
    env.run_ok(["-q", "import", "claims.csv", "--what", "claims"]);
    for what in ["timeline", "claims"] {
        let export = ["export", "--format", "csv", "--what", what];
        assert_eq!(env.run_ok(export), source.run_ok(export), "{what}");
    }
    // A sheet of events with a text column but no claimant is still told
    // to name its title column.
    env.write_file("notes.csv", "date,text\n2025,Talks\n");
    let stderr = env.fail(2, ["import", "notes.csv"]);
    assert!(stderr.contains("--map title=COLUMN"), "{stderr}");
}

/// Found by the bb13 black-box test (11): an NDJSON dump saved with a
/// UTF-8 byte-order mark (as Windows Notepad saves it) was refused with
/// `FILE:1: expected value`, while a CSV with one imported. The mark is
/// now skipped, as the CSV reader skips it, in a file and on stdin.
#[test]
fn a_dump_with_a_byte_order_mark_imports() {
    let source = TestEnv::new();
    source.run_ok(["-q", "example"]);
    let dump = source.export_ndjson();
    let with_bom = format!("\u{feff}{dump}");
    let env = TestEnv::new();
    env.write_file("bom.ndjson", &with_bom);
    env.run_ok(["-q", "import", "bom.ndjson"]);
    assert_eq!(env.export_ndjson(), dump);
    // On stdin, without --format: still read as a dump (and changes nothing).
    let out = env
        .cmd()
        .args(["import", "-"])
        .write_stdin(with_bom)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("0 new, 54 already present"), "{stderr}");
    assert_eq!(env.export_ndjson(), dump);
    // Only at the start of the file: elsewhere it is not JSON.
    let inside = dump.replacen("\n{", "\n\u{feff}{", 1);
    env.write_file("inside.ndjson", &inside);
    let stderr = env.fail(2, ["import", "inside.ndjson"]);
    assert!(stderr.contains("inside.ndjson:2:"), "{stderr}");
}

/// Found by the bb13 black-box test (08): `import - --skip-bad --rejects -`
/// wrote the bad rows into a file literally named `-` in the working
/// directory, and said "1 bad rows written to -". As with `export -o -`,
/// `-` is now stdout, where an import writes nothing else: the reject CSV
/// goes there.
#[test]
fn rejects_dash_writes_the_bad_rows_to_stdout() {
    let env = TestEnv::new();
    let sheet = "date,title\n2025-13,bad\n2025,good\n";
    let out = env
        .cmd()
        .args(["import", "-", "--skip-bad", "--rejects", "-"])
        .write_stdin(sheet)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("1 bad rows written to stdout"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = stdout.lines().collect();
    assert_eq!(rows.len(), 2, "{stdout}");
    assert_eq!(rows[0], "error,date,title");
    assert!(
        rows[1].starts_with("\"<stdin>:2: date: invalid date") && rows[1].ends_with(",2025-13,bad"),
        "{stdout}"
    );
    assert!(!env.path("-").exists(), "a file named - was written");
    // From a file too; the good row is imported once.
    env.write_file("sheet.csv", sheet);
    let stdout = env.run_ok(["-q", "import", "sheet.csv", "--skip-bad", "--rejects", "-"]);
    assert!(stdout.starts_with("error,date,title\n") && stdout.contains("sheet.csv:2:"));
    assert!(!env.path("-").exists());
    let timeline = env.run_ok(["timeline", "--format", "csv"]);
    assert_eq!(timeline.lines().count(), 2, "{timeline}");
    // A dry run writes no reject rows.
    let stdout = env.run_ok([
        "-q",
        "import",
        "sheet.csv",
        "--skip-bad",
        "--rejects",
        "-",
        "--dry-run",
    ]);
    assert_eq!(stdout, "");
}

/// `import --rejects PATH` without `--skip-bad` was silently ignored: the
/// user asked for a reject file, and the import went ahead without one
/// (or, with a bad row, was refused without one).
#[test]
fn rejects_without_skip_bad_is_refused() {
    let env = TestEnv::new();
    env.write_file("sheet.csv", "date,title\n2025-11-20,Talks\n");
    let err = env.fail(2, ["import", "sheet.csv", "--rejects", "bad.csv"]);
    testenv::assert_one_error_line(&err);
    assert!(err.contains("--rejects needs --skip-bad"), "{err}");
    assert!(!env.path("bad.csv").exists());
    assert!(!env.db().exists(), "a refused import created the database");
}

/// Found by a black-box test: `import <(cut … sheet.csv)` and a named pipe
/// failed with "cannot read /dev/fd/63: no such file", though the path
/// exists and can be read (only `import -` read a stream). A pipe given by
/// its path is now read as stdin is.
#[test]
fn an_import_reads_a_pipe_given_by_its_path() {
    let env = TestEnv::new();
    let sheet = env.write_file(
        "sheet.csv",
        "date,title,actors\n2025-11-20,Talks in Geneva,Rustem Umerov;Steve Witkoff\n",
    );
    let bin = assert_cmd::cargo::cargo_bin("factline");
    let shell = |script: &str| {
        std::process::Command::new("bash")
            .arg("-c")
            .arg(script)
            .env("FACTLINE_DB", env.db())
            .env("BIN", &bin)
            .env("SHEET", &sheet)
            .current_dir(env.root())
            .output()
            .expect("run bash")
    };
    let substituted = shell(r#""$BIN" import <(cat "$SHEET")"#);
    let stderr = String::from_utf8_lossy(&substituted.stderr);
    assert!(substituted.status.success(), "{stderr}");
    assert!(stderr.contains(": 1 added"), "{stderr}");

    // A named pipe, and the same row again: nothing changes.
    let fifo = shell(r#"mkfifo pipe.csv && (cat "$SHEET" > pipe.csv &) && "$BIN" import pipe.csv"#);
    let stderr = String::from_utf8_lossy(&fifo.stderr);
    assert!(fifo.status.success(), "{stderr}");
    assert!(
        stderr.contains("pipe.csv: 0 added, 0 updated, 1 unchanged"),
        "{stderr}"
    );

    // The default reject file goes beside the input, which a pipe has not.
    let skip = shell(r#""$BIN" import --skip-bad <(cat "$SHEET")"#);
    let stderr = String::from_utf8_lossy(&skip.stderr);
    assert_eq!(skip.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--skip-bad on a pipe needs --rejects FILE"),
        "{stderr}"
    );
}

/// Found by a black-box test: a write command run from inside a database
/// directory (`cd story.db; factline event add …`, whose default database
/// is `./factline.db`), or given `--db story.db/blobs`, silently created a
/// second database inside the first: the event was missing from the story,
/// and `compact` and `restore` of the story then refused its foreign files.
#[test]
fn a_database_is_not_created_inside_another() {
    let env = TestEnv::new();
    env.run_ok(["-q", "example"]);
    let before: Vec<_> = std::fs::read_dir(env.db())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    for db in ["factline.db", "blobs", "blobs/inner"] {
        let out = env
            .cmd()
            .current_dir(env.db())
            .env_remove("FACTLINE_DB")
            .args([
                "--db", db, "event", "add", "--title", "Talks", "--date", "2025",
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{db}: {stderr}");
        testenv::assert_one_error_line(&stderr);
        assert!(
            stderr.contains("is inside the database")
                && stderr.contains("none can be created there"),
            "{db}: {stderr}"
        );
    }
    // A reading command run there is told where the database is.
    let out = env
        .cmd()
        .current_dir(env.db())
        .env_remove("FACTLINE_DB")
        .args(["--db", "factline.db", "timeline"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("is inside the database")
            && stderr.contains("pass --db with the database's own path"),
        "{stderr}"
    );
    let after: Vec<_> = std::fs::read_dir(env.db())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after);
    assert!(!env.db().join("blobs/inner").exists());
    env.run_ok(["check"]);
    env.run_ok(["-q", "compact"]);
}

/// Found by a black-box test: once Donald Trump had the alias "Trump",
/// "Barron Trump", "Ivanka Trump" and "Lara Trump" were all refused with
/// `did you mean "Donald Trump"?`, and `actors --similar` would pair them.
/// A full name ending in a one-word spelling means that actor only when
/// the actor is known by the word alone (a "Witkoff" recorded before his
/// given name was known).
#[test]
fn a_one_word_alias_does_not_claim_every_full_name_ending_in_it() {
    let env = TestEnv::new();
    env.run_ok([
        "-q",
        "actor",
        "add",
        "Donald Trump",
        "--kind",
        "person",
        "--alias",
        "Trump",
    ]);
    env.run_ok(["-q", "actor", "add", "Witkoff", "--kind", "person"]);
    env.run_ok(["-q", "actor", "add", "Ivanka Trump", "--kind", "person"]);
    let (id, stderr) = env.run_ok_with_stderr([
        "event",
        "add",
        "--title",
        "Visit",
        "--date",
        "2025-11",
        "--actor",
        "Barron Trump",
    ]);
    assert!(
        stderr.contains("created actor \"Barron Trump\""),
        "{stderr}"
    );
    assert!(!id.is_empty());
    // Known by the surname alone, the actor is still suggested.
    let err = env.fail(
        2,
        [
            "event",
            "add",
            "--title",
            "Talks",
            "--date",
            "2025-11",
            "--actor",
            "Steve Witkoff",
        ],
    );
    assert!(err.contains("did you mean \"Witkoff\"?"), "{err}");
    env.run_ok([
        "-q",
        "actor",
        "add",
        "Steve Witkoff",
        "--kind",
        "person",
        "--new-actor",
    ]);
    let similar = env.run_ok(["actors", "--similar", "--format", "csv"]);
    assert!(!similar.contains("trump"), "{similar}");
    assert!(similar.contains("witkoff"), "{similar}");
}

/// Found in review of `export -o`: the export was written to a hidden
/// temporary file beside the destination and renamed into place at the
/// end, so a failed export left nothing, but an export killed while it
/// wrote (Ctrl-C, `kill`) left that hidden file behind, as large as the
/// export, in the user's folder. On Linux the file now has no name until it
/// is whole: killed at any moment, the export leaves the folder as it was.
#[cfg(target_os = "linux")]
#[test]
fn a_killed_export_leaves_no_temporary_file_beside_its_destination() {
    let env = TestEnv::new();
    // Enough events that the export is still writing when it is killed.
    let mut csv = String::from("date,title,actors\n");
    for i in 0..20_000 {
        csv.push_str(&format!(
            "2025-{:02}-{:02},Meeting number {i} on the ceasefire,Person {}; Person {}\n",
            i % 12 + 1,
            i % 28 + 1,
            i % 97,
            i % 89 + 100
        ));
    }
    let input = env.write_file("events.csv", &csv);
    env.run_ok(["-q", "import", input.to_str().unwrap()]);
    let out = env.root().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("story.ndjson"), "the version before\n").unwrap();

    let mut child = env
        .std_cmd()
        .args(["export", "--format", "ndjson", "-o", "out/story.ndjson"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start factline");
    // Kill it while it holds its output open: a file descriptor that points
    // into `out` (`/proc/PID/fd`).
    let fds = format!("/proc/{}/fd", child.id());
    let writing = || {
        std::fs::read_dir(&fds)
            .into_iter()
            .flatten()
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|target| target.starts_with(&out)))
    };
    let mut caught = false;
    while child.try_wait().unwrap().is_none() {
        if writing() {
            child.kill().unwrap();
            caught = true;
            break;
        }
    }
    child.wait().unwrap();
    assert!(
        caught,
        "the export ended before it could be killed while writing"
    );

    let left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["story.ndjson"]);
    assert_eq!(
        std::fs::read_to_string(out.join("story.ndjson")).unwrap(),
        "the version before\n"
    );
    // A whole export still lands.
    env.run_ok(["export", "--format", "ndjson", "-o", "out/story.ndjson"]);
    assert!(std::fs::read_to_string(out.join("story.ndjson"))
        .unwrap()
        .contains("Meeting number 19999"));
}

/// Found by filling a small disk with an import: the error was sled's debug
/// dump (`IO error: Os { code: 28, kind: StorageFull, … }`) and every
/// command after it, reading ones too, said `IO error: No space left on
/// device`, naming neither the disk nor what to do. Runs only where the test can mount a
/// small tmpfs (root on Linux); elsewhere it says so and passes.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_named_as_such_and_the_interrupted_import_is_undone_after() {
    let env = TestEnv::new();
    let disk = env.path("disk");
    let Some(_mount) = testenv::SmallDisk::mount(disk.clone(), "3m") else {
        return;
    };
    let db = disk.join("story.db");
    let db = db.to_str().unwrap();
    env.run_ok(["--db", db, "-q", "example"]);
    let before = env.run_ok(["--db", db, "export"]);
    let mut csv = String::from("date,title,actors\n");
    for i in 0..30_000 {
        csv.push_str(&format!(
            "2024-{:02}-{:02},Event {i},A{}; B{}\n",
            i % 12 + 1,
            i % 28 + 1,
            i % 2000,
            i % 1500
        ));
    }
    let rows = env.write_file("rows.csv", &csv);

    let stderr = env.fail(3, ["--db", db, "import", rows.to_str().unwrap()]);
    testenv::assert_one_error_line(&stderr);
    assert!(
        stderr.contains("no space left on the disk of database"),
        "{stderr}"
    );
    assert!(!stderr.contains("Os {"), "{stderr}");

    // While the disk stays full, commands that only read read a copy
    // (in TMPDIR, here on another disk) as if the import were undone.
    let (dump, said) = env.run_ok_with_stderr(["--db", db, "export"]);
    assert_eq!(dump, before);
    assert!(
        said.contains("its disk is full; reading a temporary copy"),
        "{said}"
    );
    let stderr = env.fail(3, ["--db", db, "source", "add", "Reuters"]);
    assert!(
        stderr.contains("no space left on the disk of database"),
        "{stderr}"
    );

    // With room again, the import cut short is undone and the data whole.
    let grown = std::process::Command::new("mount")
        .args(["-o", "remount,size=40m"])
        .arg(&disk)
        .status()
        .unwrap();
    assert!(grown.success());
    env.run_ok(["--db", db, "check"]);
    assert_eq!(env.run_ok(["--db", db, "export"]), before);
}

/// Found by black-box testing: a file cut short (or written to) while it
/// was imported could be imported half as it was and half as it is. The
/// import notes the file when it starts and refuses, writing nothing, when
/// the file has changed by the time it would commit. Here the change is
/// made while the import waits for the database, which the test holds.
#[test]
fn a_dump_changed_while_it_is_imported_is_refused_and_nothing_is_written() {
    use factline::store::{Access, Store};
    let source = TestEnv::new();
    source.run_ok(["-q", "example"]);
    let dump = source.export_ndjson();
    let env = TestEnv::new();
    env.run_ok(["-q", "source", "add", "Reuters"]);
    let before = env.export_ndjson();
    let file = env.write_file("story.ndjson", &dump);

    let held = Store::open(env.db(), Access::Write).expect("open the database in the test");
    let (mut waiting, mut stderr) = env.spawn_waiting(&["import", file.to_str().unwrap()]);
    // The file grows while the import waits: a line it did not check.
    let mut appended = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap();
    std::io::Write::write_all(&mut appended, b"\n").unwrap();
    drop(appended);
    drop(held);
    let mut said = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut said).unwrap();
    let status = waiting.wait().unwrap();
    assert_eq!(status.code(), Some(2), "{said}");
    assert!(
        said.contains("it changed while being imported; nothing was written"),
        "{said}"
    );
    assert_eq!(env.export_ndjson(), before);
    // Once the file is whole and still, it imports.
    env.run_ok(["-q", "import", file.to_str().unwrap()]);
    assert!(env.export_ndjson().contains("witkoff"));
}

/// Found while bringing the command's and the import's reading of a
/// source's spelling under one rule: a spelling without letters or digits
/// ("—") makes the id a source named so would get (`item`), and `event add
/// --source —` found whatever source already had that id ("!!!"), linking
/// a report to a source the user never named. A spelling finds a source by
/// its name, its id or its earlier name, never by the id it would be given.
#[test]
fn a_source_is_not_found_by_the_id_its_spelling_would_be_given() {
    let env = TestEnv::new();
    env.run_ok(["-q", "source", "add", "!!!"]);
    env.run_ok([
        "-q", "event", "add", "--title", "Talks", "--date", "2025", "--actor", "A", "--source", "—",
    ]);
    let sheet = env.write_file("rows.csv", "date,title,actors,sources\n2025,Call,A,—\n");
    env.run_ok(["-q", "import", sheet.to_str().unwrap()]);
    let sources = env.json(["source", "list"]);
    let names: Vec<&str> = sources
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{sources}");
    assert!(names.contains(&"—"), "{sources}");
    for event in env.json(["timeline"]).as_array().unwrap() {
        assert_ne!(event["sources"][0], "!!!", "{event}");
    }
}

/// bb19 #02: a sheet imported without ids, then again with an `id` column
/// added, adds every event a second time under its new id (a new id is a
/// new record), and said nothing. Now each such row is named, with the
/// stored event whose date, title and actors it has, by the import and by
/// its dry run, and the summary counts them; an event the user gave an id
/// of their own is another record, and no row names it.
#[test]
fn a_new_id_on_a_row_of_an_event_stored_without_one_is_named() {
    let env = TestEnv::new();
    env.write_file(
        "v1.csv",
        "date,title,kind,actors,place\n\
         2025-11-20,Shelling of Kharkiv,military,Military Forces of Russia; Civilians (Ukraine),Kharkiv\n\
         2025-11-22,Witkoff meets Dmitriev,meeting,Steve Witkoff; Kirill Dmitriev,Miami\n",
    );
    env.write_file(
        "v2.csv",
        "id,date,title,kind,actors,place\n\
         KHA-1,2025-11-20,Shelling of Kharkiv,military,Military Forces of Russia; Civilians (Ukraine),Kharkiv\n\
         MIA-1,2025-11-22,Witkoff meets Dmitriev,meeting,Steve Witkoff; Kirill Dmitriev,Miami\n",
    );
    env.run_ok(["-q", "import", "v1.csv"]);
    let before = env.export_ndjson();
    for dry_run in [true, false] {
        let mut args = vec!["import", "v2.csv"];
        if dry_run {
            args.push("--dry-run");
        }
        let (_, stderr) = env.run_ok_with_stderr(&args);
        for (line, id, stored) in [
            (2, "KHA-1", "2025-11-20-shelling-of-kharkiv"),
            (3, "MIA-1", "2025-11-22-witkoff-meets-dmitriev"),
        ] {
            let said = stderr
                .lines()
                .find(|l| l.contains(&format!("v2.csv:{line}:")))
                .unwrap_or_else(|| panic!("no notice for line {line}: {stderr}"));
            assert!(said.contains(id) && said.contains(stored), "{said}");
        }
        assert!(
            stderr.contains("2 added, 0 updated, 0 unchanged"),
            "{stderr}"
        );
        assert!(
            stderr.contains(
                "2 of them have the date, title and actors of an event stored under another id"
            ),
            "{stderr}"
        );
        if dry_run {
            assert_eq!(env.export_ndjson(), before);
        }
    }
    // Again: the rows are their own events now, and nothing is said.
    let (_, stderr) = env.run_ok_with_stderr(["import", "v2.csv"]);
    assert!(
        stderr.contains("0 added, 0 updated, 2 unchanged"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("v2.csv:2:") && !stderr.contains("v2.csv:3:"),
        "{stderr}"
    );
    // An event stored under an id of the user's (KHA-1) is another record:
    // only the one stored without an id is named.
    env.write_file(
        "v3.csv",
        "id,date,title,kind,actors,place\n\
         KHA-2,2025-11-20,Shelling of Kharkiv,military,Military Forces of Russia; Civilians (Ukraine),Kharkiv\n",
    );
    let (_, stderr) = env.run_ok_with_stderr(["import", "v3.csv"]);
    assert!(stderr.contains("1 added"), "{stderr}");
    let said = stderr
        .lines()
        .find(|l| l.contains("v3.csv:2:"))
        .unwrap_or_else(|| panic!("no notice for line 2: {stderr}"));
    assert!(said.contains("2025-11-20-shelling-of-kharkiv"), "{said}");
    assert!(!said.contains("KHA-1"), "{said}");
    assert!(stderr.contains("1 of them has"), "{stderr}");
}

/// Found by a black-box test of the read side (bb20, finding 01): two
/// meetings of one pair on the same day, at 09:00Z and 18:00Z, were listed
/// by `who-met ACTOR` evening first (rows of equal bounds and precision
/// were ordered by event id, not by the date's text as schema/dates.md
/// says), and `who-met ACTOR --summary` then gave first = last = the
/// evening. `who-met ACTOR` now follows the timeline's order, and its
/// summary gives the same first and last as `who-met --summary`.
#[test]
fn who_met_an_actor_orders_meetings_of_one_day_as_the_timeline_does() {
    let env = TestEnv::new();
    for (title, date) in [
        ("Morning talks", "2025-11-20T09:00:00Z"),
        ("Evening talks", "2025-11-20T18:00:00Z"),
        ("Year talks", "2019"),
        ("Unspecified talks", "2019-XX"),
        ("Around talks", "2020~"),
        ("Span talks", "2019/2021"),
    ] {
        env.run_ok([
            "-q",
            "event",
            "add",
            "--title",
            title,
            "--date",
            date,
            "--kind",
            "meeting",
            "--actor",
            "Ann Alpha",
            "--actor",
            "Bob Beta",
        ]);
    }
    let events = |args: &[&str]| -> Vec<String> {
        let json = env.json(args);
        json.as_array()
            .unwrap()
            .iter()
            .map(|row| row["event"].as_str().unwrap().to_string())
            .collect()
    };
    let timeline: Vec<String> = env
        .json(["timeline"])
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(events(&["who-met"]), timeline);
    assert_eq!(events(&["who-met", "Ann Alpha"]), timeline);
    let summary = |args: &[&str]| {
        let json = env.json(args);
        let row = &json.as_array().unwrap()[0];
        (row["first"].clone(), row["last"].clone())
    };
    let all = summary(&["who-met", "--summary"]);
    assert_eq!(all.0, "2019");
    assert_eq!(all.1, "2025-11-20T18:00:00Z");
    assert_eq!(summary(&["who-met", "Ann Alpha", "--summary"]), all);
}

/// Found by a black-box test of the read side (bb20, finding 03): `stats`
/// took its date span from the known earliest and latest days only, so
/// with one event until 2020 (`../2020`) and one since 2025 (`2025/..`) it
/// printed "2025-01-01 – 2020-12-31", a span that ends before it starts,
/// and after one more event in 2022 "2022-01-01 – 2022-12-31", leaving both
/// open events out. The span now covers every event it counts and says
/// where an end is open; its JSON row adds the span's `earliest` and
/// `latest` days (null where open), as the timeline gives an event's.
#[test]
fn stats_date_span_covers_events_with_an_open_end() {
    let env = TestEnv::new();
    let span = |env: &TestEnv| {
        let rows = env.json(["stats"]);
        rows.as_array()
            .unwrap()
            .iter()
            .find(|row| row["stat"] == "date span")
            .cloned()
            .unwrap_or_else(|| panic!("no date span in {rows}"))
    };
    env.run_ok([
        "-q",
        "event",
        "add",
        "--title",
        "Occupation",
        "--date",
        "2025/..",
    ]);
    env.run_ok([
        "-q",
        "event",
        "add",
        "--title",
        "Programme",
        "--date",
        "../2020",
    ]);
    let row = span(&env);
    assert_eq!(
        row["value"], "open (until 2020-12-31) – open (since 2025-01-01)",
        "{row}"
    );
    assert_eq!(row["earliest"], serde_json::Value::Null, "{row}");
    assert_eq!(row["latest"], serde_json::Value::Null, "{row}");
    env.run_ok(["-q", "event", "add", "--title", "Summit", "--date", "2022"]);
    assert_eq!(
        span(&env)["value"],
        "open (until 2020-12-31) – open (since 2025-01-01)"
    );
    // Known ends are days, as before; the CSV says the same as the JSON.
    let env = TestEnv::new();
    env.run_ok(["-q", "event", "add", "--title", "Summit", "--date", "2022"]);
    env.run_ok([
        "-q",
        "event",
        "add",
        "--title",
        "Talks",
        "--date",
        "2019-05/2019-06",
    ]);
    let row = span(&env);
    assert_eq!(row["value"], "2019-05-01 – 2022-12-31", "{row}");
    assert_eq!(row["earliest"], "2019-05-01", "{row}");
    assert_eq!(row["latest"], "2022-12-31", "{row}");
    env.run_ok([
        "-q",
        "event",
        "add",
        "--title",
        "Siege",
        "--date",
        "2021-03/..",
    ]);
    assert_eq!(span(&env)["value"], "2019-05-01 – open (since 2021-03-01)");
    let csv = env.run_ok(["--format", "csv", "stats"]);
    assert!(
        csv.contains("date span,2019-05-01 – open (since 2021-03-01)\n"),
        "{csv}"
    );
}

/// Found by a black-box test of the read side (bb20, finding 02): written
/// into a pipe or a file, a table row whose cell held a line break spanned
/// several lines, though the README promises each row stays on one line:
/// `history ID` after a note of three lines gave 7 lines for 2 versions,
/// and `grep multi` found a line without its version; `sources ID` with a
/// quote of two lines, and `event show` with such a description, did the
/// same. The table writer now writes a cell's line breaks (and other
/// control characters) escaped, as `\n`, for every command.
#[test]
fn a_table_row_with_a_line_break_stays_on_one_line_in_a_pipe() {
    let env = TestEnv::new().with_now("2026-01-01T00:00:00Z");
    env.run_ok([
        "-q",
        "event",
        "add",
        "--id",
        "nl",
        "--title",
        "Newline test",
        "--date",
        "2025",
        "--note",
        "first line\nsecond line",
    ]);
    env.run_ok(["-q", "event", "edit", "nl", "--note", "new\nmulti\r\nline"]);
    env.run_ok(["-q", "link", "nl", "Axios", "--quote", "line one\nline two"]);

    let history = env.run_ok(["history", "nl"]);
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(
        lines.len(),
        2 + 3,
        "header, rule and three versions:\n{history}"
    );
    let edit = lines
        .iter()
        .find(|l| l.contains("multi"))
        .unwrap_or_else(|| panic!("{history}"));
    assert!(edit.trim_start().starts_with('2'), "{edit}");
    assert!(edit.contains(r"new\nmulti\r\nline"), "{edit}");

    let sources = env.run_ok(["sources", "nl"]);
    let row = sources
        .lines()
        .find(|l| l.contains("Axios"))
        .unwrap_or_else(|| panic!("{sources}"));
    assert!(row.contains(r"line one\nline two"), "{sources}");
    assert_eq!(sources.lines().filter(|l| l.contains("line")).count(), 1);

    let show = env.run_ok(["event", "show", "nl"]);
    assert!(
        show.lines()
            .any(|l| l.contains("description") && l.contains(r"new\nmulti\r\nline")),
        "{show}"
    );
    // CSV and JSON keep the text as it is.
    let csv = env.run_ok(["--format", "csv", "event", "show", "nl"]);
    assert!(csv.contains("new\nmulti\r\nline"), "{csv}");
}

/// Found by a black-box test of the read side (bb20, finding 04): on the
/// page `export --format html` writes, the actor menu and the status
/// checkboxes hid and showed only the timeline's events; the who-met graph
/// stayed whole, so unchecking "postponed" or choosing an actor left every
/// line and actor on screen, dashed planned meetings included, though the
/// README says the page is "filterable by actor and status". The graph's
/// lines now name their meetings' events, and the filters hide a line
/// whose events are all hidden and an actor left with no line shown.
/// Checked in headless Chromium (as `tests/browser.rs`), the filters set
/// as a user sets them.
#[test]
fn the_html_pages_filters_also_filter_the_who_met_graph() {
    let env = TestEnv::new();
    for (title, date, status, a, b) in [
        (
            "Ann meets Bob",
            "2025-05",
            "occurred",
            "Ann Alpha",
            "Bob Beta",
        ),
        (
            "Ann meets Bob again",
            "2025-07",
            "occurred",
            "Ann Alpha",
            "Bob Beta",
        ),
        (
            "Cid to meet Dee",
            "2025-06",
            "postponed",
            "Cid Gamma",
            "Dee Delta",
        ),
        (
            "Bob meets Cid",
            "2025-08",
            "occurred",
            "Bob Beta",
            "Cid Gamma",
        ),
    ] {
        env.run_ok([
            "-q", "event", "add", "--title", title, "--date", date, "--kind", "meeting",
            "--status", status, "--actor", a, "--actor", b,
        ]);
    }
    let page = env.path("story.html");
    env.run_ok(["export", "--format", "html", "-o", page.to_str().unwrap()]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains(
            r#"data-a="ann-alpha" data-b="bob-beta" data-events="2025-05-ann-meets-bob 2025-07-ann-meets-bob-again""#
        ),
        "{html}"
    );

    // The page with the filters set as a user sets them, in the DOM
    // Chromium holds once its scripts have run.
    let filtered = |name: &str, set: &str| -> String {
        let driven = env.path(name);
        let script = format!("<script>(function () {{ {set} }})();</script>\n</body>");
        std::fs::write(&driven, html.replace("</body>", &script)).unwrap();
        let out = std::process::Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--dump-dom",
            ])
            .arg(format!(
                "--user-data-dir={}",
                env.path("chromium-profile").display()
            ))
            .arg(format!("file://{}", driven.display()))
            .output()
            .expect("Chromium runs (apt-get install chromium; .ci/run does it)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // Whether the graph element that `opening` begins is hidden.
    let hidden = |dom: &str, opening: &str| -> bool {
        let at = dom
            .find(opening)
            .unwrap_or_else(|| panic!("no {opening} in {dom}"));
        let tag = &dom[at..at + dom[at..].find('>').unwrap()];
        tag.contains("display: none")
    };
    let line = |a: &str, b: &str| format!(r#"<line class="meeting" data-a="{a}" data-b="{b}""#);
    let actor = |id: &str| format!(r#"<g class="actor" data-id="{id}""#);

    let dom = filtered(
        "no-postponed.html",
        "var box = document.querySelector('input.status[value=postponed]'); \
         box.checked = false; box.dispatchEvent(new Event('change'));",
    );
    assert!(dom.contains("3 of 4 events"), "the filter script ran");
    assert!(hidden(&dom, &line("cid-gamma", "dee-delta")));
    assert!(!hidden(&dom, &line("ann-alpha", "bob-beta")));
    assert!(!hidden(&dom, &line("bob-beta", "cid-gamma")));
    assert!(hidden(&dom, &actor("dee-delta")));
    for shown in ["ann-alpha", "bob-beta", "cid-gamma"] {
        assert!(!hidden(&dom, &actor(shown)), "{shown}");
    }

    let dom = filtered(
        "ann.html",
        "var menu = document.getElementById('actor'); menu.value = 'ann-alpha'; \
         menu.dispatchEvent(new Event('change'));",
    );
    assert!(dom.contains("2 of 4 events"), "the filter script ran");
    assert!(!hidden(&dom, &line("ann-alpha", "bob-beta")));
    assert!(hidden(&dom, &line("cid-gamma", "dee-delta")));
    assert!(hidden(&dom, &line("bob-beta", "cid-gamma")));
    for (id, gone) in [
        ("ann-alpha", false),
        ("bob-beta", false),
        ("cid-gamma", true),
        ("dee-delta", true),
    ] {
        assert_eq!(hidden(&dom, &actor(id)), gone, "{id}");
    }

    // Nothing filtered: the whole graph, as drawn.
    let dom = filtered("all.html", "");
    assert!(dom.contains("4 of 4 events"), "the filter script ran");
    for id in ["ann-alpha", "bob-beta", "cid-gamma", "dee-delta"] {
        assert!(!hidden(&dom, &actor(id)), "{id}");
    }
    assert!(!hidden(&dom, &line("cid-gamma", "dee-delta")));
}

/// Found by black-box report bb21 (#01): a claim's verdict rested on a
/// source later retracted as fabricated, and the real outlet was recorded
/// anew under the same name. The claims CSV writes the retracted verdict
/// source as its id (`kyiv-independent`); imported into a new database,
/// that id created a source that the real outlet's name ("Kyiv
/// Independent") then folded onto: the impostor's verdict and the real
/// outlet's report became one record, named by the id. A cell written as
/// an id that no stored record has is now a record of its own, found by
/// that spelling only, and two records stay two; the same for a retracted
/// claimant beside a live actor of the same name.
#[test]
fn a_retracted_record_written_as_its_id_does_not_swallow_a_live_namesake_in_a_new_database() {
    let env = TestEnv::new();
    env.run_ok([
        "claim",
        "add",
        "--by",
        "Maria Zakharova",
        "--text",
        "Children are safe",
        "--date",
        "2025-11",
        "--id",
        "c1",
    ]);
    env.run_ok(["source", "add", "Kyiv Independent"]);
    env.run_ok([
        "claim",
        "rate",
        "c1",
        "false",
        "--by",
        "Kyiv Independent",
        "--note",
        "debunked",
    ]);
    env.run_ok([
        "retract",
        "kyiv-independent",
        "--reason",
        "fabricated (impostor site)",
    ]);
    env.run_ok(["source", "add", "Kyiv Independent", "--grade", "B"]);
    // An impostor claimant, retracted, and the real person recorded anew.
    env.run_ok(["actor", "add", "Steve Witkoff"]);
    env.run_ok([
        "claim",
        "add",
        "--by",
        "steve-witkoff",
        "--text",
        "Deal is done",
        "--date",
        "2025-11",
        "--id",
        "c3",
    ]);
    env.run_ok([
        "retract",
        "steve-witkoff",
        "--reason",
        "impersonation account",
    ]);
    env.run_ok([
        "claim",
        "add",
        "--by",
        "Steve Witkoff",
        "--text",
        "Talks are going well",
        "--date",
        "2025-11",
        "--id",
        "c2",
        "--source",
        "Kyiv Independent",
    ]);
    // Both orders of the rows: the live name first, and the id first.
    for sort in [false, true] {
        let mut csv = env.run_ok(["export", "--format", "csv", "--what", "claims"]);
        assert!(csv.contains(",kyiv-independent,debunked"), "{csv}");
        if sort {
            let mut lines: Vec<&str> = csv.lines().collect();
            lines[1..].reverse();
            csv = lines.join("\n") + "\n";
        }
        let new = TestEnv::new();
        new.write_file("claims.csv", &csv);
        new.run_ok(["import", "claims.csv", "--what", "claims"]);
        let sources = new.run_ok(["--format", "csv", "source", "list"]);
        assert_eq!(sources.lines().count(), 3, "{sources}");
        assert!(sources.contains(",Kyiv Independent,"), "{sources}");
        let actors = new.run_ok(["--format", "csv", "actor", "list"]);
        assert!(actors.contains(",Steve Witkoff,"), "{actors}");
        // c1's verdict source and c2's source are two sources, and c3's
        // claimant and c2's two actors.
        let claims = new.run_ok(["export", "--format", "csv", "--what", "claims"]);
        let cells = |id: &str| -> Vec<String> {
            let line = claims
                .lines()
                .find(|l| l.starts_with(&format!("{id},")))
                .unwrap_or_else(|| panic!("no {id}: {claims}"));
            line.split(',').map(str::to_string).collect()
        };
        let (c1, c2, c3) = (cells("c1"), cells("c2"), cells("c3"));
        assert_ne!(c1[13], c2[9], "{claims}");
        assert_ne!(c3[2], c2[2], "{claims}");
        assert_eq!(
            new.run_ok(["--format", "csv", "sources", "c2"])
                .lines()
                .nth(1)
                .unwrap()
                .split(',')
                .nth(1),
            Some("Kyiv Independent")
        );
        // Importing the file again changes nothing.
        let (_, stderr) = new.run_ok_with_stderr(["import", "claims.csv", "--what", "claims"]);
        assert!(
            stderr.contains("0 added, 0 updated, 3 unchanged"),
            "{stderr}"
        );
    }
}

/// Found by black-box report bb21 (#06): the README and `claim add --help`
/// said a claim's value is "kept as written", but `--value 0.50` is stored
/// and shown as 0.5 (and 1e3 as 1000): what is kept exactly is the number,
/// not its writing. Keeping the writing would change the stored layout; the
/// help and README now say what is kept.
#[test]
fn the_help_says_a_claims_value_is_kept_as_a_number_not_as_written() {
    let env = TestEnv::new();
    let help = env.run_ok(["claim", "add", "--help"]);
    assert!(help.contains("kept exactly as a number"), "{help}");
    assert!(help.contains("0.50 is 0.5"), "{help}");
    assert!(!help.contains("kept as written"), "{help}");
    env.run_ok([
        "claim",
        "add",
        "--by",
        "Maria Zakharova",
        "--text",
        "says",
        "--subject",
        "deported children",
        "--value",
        "0.50",
        "--id",
        "c1",
    ]);
    let csv = env.run_ok(["export", "--format", "csv", "--what", "claims"]);
    assert!(csv.contains(",deported children,0.5,"), "{csv}");
}

/// Found by black-box report bb21 (#04): `import` accepted a dump whose
/// version 2 of an event was recorded before its version 1 (exit 0), after
/// which `--as-of` a time between them showed version 2 with no version 1,
/// `history` listed 10:00 after 12:00, and `check` said ok. factline's own
/// writes never record a version before the one it follows. The import now
/// refuses such a line (`FILE:LINE`, nothing written), and `check` reports
/// a database that holds one.
#[test]
fn a_dump_whose_versions_go_back_in_time_is_refused_and_check_reports_one() {
    let env = TestEnv::new();
    let event = |version: u32, at: &str, status: &str| {
        serde_json::json!({
            "type": "event", "id": "e1", "title": "Witkoff to meet Zelenskyy",
            "date": "2025-11-19", "kind": "meeting", "status": status, "place": null,
            "actors": [], "sources": [], "tags": [], "description": "",
            "meta": {"version": version, "recorded_at": at, "retracted": null}
        })
        .to_string()
    };
    env.write_file(
        "dump.ndjson",
        &testenv::dump::of(&[
            event(1, "2025-11-20T12:00:00Z", "scheduled"),
            event(2, "2025-11-20T10:00:00Z", "postponed"),
        ]),
    );
    let stderr = env.fail(2, ["import", "dump.ndjson"]);
    assert!(
        stderr.contains("dump.ndjson:3: ") && stderr.contains("recorded before version 1"),
        "{stderr}"
    );
    testenv::assert_one_error_line(&stderr);
    // Nothing was written: not even the database.
    let stderr = env.fail(2, ["timeline"]);
    assert!(stderr.contains("no factline database"), "{stderr}");
    // The same order, equal times, is fine.
    env.write_file(
        "ok.ndjson",
        &testenv::dump::of(&[
            event(1, "2025-11-20T12:00:00Z", "scheduled"),
            event(2, "2025-11-20T12:00:00Z", "postponed"),
        ]),
    );
    env.run_ok(["import", "ok.ndjson"]);
    env.run_ok(["check"]);
    // A database that holds such a record (damage from outside) fails `check`.
    testenv::pages::damage(env.db(), |entries| {
        let key = b"ee1".to_vec();
        let mut event: factline::model::Event =
            factline::codec::decode(&entries[&key]).expect("the event");
        event.meta.recorded_at.0 -= 3_600_000_000;
        entries.insert(key, factline::codec::encode(&event));
    });
    let out = env.output(["check"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("version 2 of e1 is recorded before version 1"),
        "{stdout}"
    );
}

/// A clock that went back between two commands (another machine, an NTP
/// step, `FACTLINE_NOW` in a replay script) recorded an event before the
/// actor it names: `--as-of` between the two showed the actor's raw id,
/// and `export --as-of` wrote a dump that factline refused. A new version
/// is now recorded no earlier than the latest record; a dump's versions
/// keep their times, so importing it twice still changes nothing.
#[test]
fn a_clock_that_goes_back_never_records_a_record_before_one_it_names() {
    let env = TestEnv::new();
    let at = |now: &str, args: &[&str]| {
        let out = env
            .cmd()
            .env("FACTLINE_NOW", now)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
    };
    at("2025-11-20T12:00:00Z", &["actor", "add", "Steve Witkoff"]);
    at(
        "2025-11-20T10:00:00Z",
        &[
            "event",
            "add",
            "--title",
            "Witkoff meets Umerov",
            "--date",
            "2025-11-19",
            "--actor",
            "Steve Witkoff",
            "--actor",
            "Rustem Umerov",
            "--kind",
            "meeting",
        ],
    );
    let dump = env.export_ndjson();
    let recorded: Vec<String> = dump
        .lines()
        .skip(1)
        .filter(|line| !line.starts_with(r#"{"type":"trailer""#))
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            format!("{} {}", v["id"], v["meta"]["recorded_at"])
        })
        .collect();
    assert_eq!(
        recorded,
        [
            r#""rustem-umerov" "2025-11-20T12:00:00Z""#,
            r#""steve-witkoff" "2025-11-20T12:00:00Z""#,
            r#""2025-11-19-witkoff-meets-umerov" "2025-11-20T12:00:00Z""#,
        ]
    );
    // As of 11:00 nothing was recorded yet, and that dump imports.
    let before = env.run_ok([
        "--format",
        "csv",
        "timeline",
        "--as-of",
        "2025-11-20T11:00:00Z",
    ]);
    assert_eq!(before.lines().count(), 1, "{before}");
    env.run_ok([
        "export",
        "--as-of",
        "2025-11-20T11:00:00Z",
        "-o",
        "asof.ndjson",
    ]);
    let other = env.path("other");
    let out = env
        .cmd()
        .args(["--db", other.to_str().unwrap(), "import", "asof.ndjson"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    env.run_ok(["check"]);

    // A dump recorded earlier than the database's latest record keeps its
    // times, and a second import of it changes nothing.
    let colleague = TestEnv::new();
    let by_colleague = |now: &str, args: &[&str]| {
        let out = colleague
            .cmd()
            .env("FACTLINE_NOW", now)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
    };
    by_colleague(
        "2025-11-20T08:00:00Z",
        &[
            "event",
            "add",
            "--title",
            "Talks in Geneva",
            "--date",
            "2025-11-23",
            "--actor",
            "Andriy Yermak",
        ],
    );
    by_colleague(
        "2025-11-20T08:30:00Z",
        &[
            "event",
            "edit",
            "2025-11-23-talks-in-geneva",
            "--place",
            "Geneva",
        ],
    );
    let theirs = env.write_file("theirs.ndjson", &colleague.export_ndjson());
    env.run_ok(["import", theirs.to_str().unwrap()]);
    let once = env.export_ndjson();
    assert!(
        once.contains(r#""recorded_at":"2025-11-20T08:30:00Z""#),
        "{once}"
    );
    env.run_ok(["import", theirs.to_str().unwrap()]);
    assert_eq!(env.export_ndjson(), once);
    env.run_ok(["check"]);
}

/// Two meetings of one pair on one day: `path` named the one whose id
/// sorts first (the evening's, below), not the earlier one, which
/// `who-met` and the timeline list first.
#[test]
fn path_names_the_earlier_of_two_meetings_on_one_day() {
    let env = TestEnv::new();
    for (id, date) in [
        ("evening-talks", "2025-11-20T18:00:00Z"),
        ("morning-talks", "2025-11-20T09:00:00Z"),
        ("a-meeting-in-november", "2025-11"),
        ("a-november-first-meeting", "2025-11-01"),
    ] {
        let (a, b) = if id.starts_with("a-") {
            ("Steve Witkoff", "Kirill Dmitriev")
        } else {
            ("Rustem Umerov", "Steve Witkoff")
        };
        env.run_ok([
            "-q", "event", "add", "--id", id, "--title", id, "--date", date, "--kind", "meeting",
            "--actor", a, "--actor", b,
        ]);
    }
    let first_met = |a: &str, b: &str| -> String {
        let out = env.json(["who-met", a]);
        let rows = out.as_array().expect("rows");
        let row = rows.iter().find(|row| row["b"] == b).expect("a meeting");
        row["event"].as_str().expect("an event").to_string()
    };
    assert_eq!(first_met("Rustem Umerov", "Steve Witkoff"), "morning-talks");
    assert_eq!(
        first_met("Steve Witkoff", "Kirill Dmitriev"),
        "a-november-first-meeting"
    );
    let out = env.json(["path", "Rustem Umerov", "Kirill Dmitriev"]);
    let events: Vec<&str> = out
        .as_array()
        .expect("hops")
        .iter()
        .map(|hop| hop["event"].as_str().expect("an event"))
        .collect();
    assert_eq!(
        events,
        ["morning-talks", "a-november-first-meeting"],
        "{out}"
    );
}

/// A file without a header line (a text file, or one long line with no
/// line end) was named in an error that echoed the whole line: 15 MB on
/// stderr for a 15 MB file. The header is now cut short, with its size.
#[test]
fn an_error_shows_a_long_header_cut_short() {
    let env = TestEnv::new();
    let words: Vec<String> = (0..20_000).map(|i| format!("word{}", i % 997)).collect();
    let line = words.join(" ");
    env.write_file("notes.csv", &line);
    let stderr = env.fail(2, ["import", "notes.csv"]);
    testenv::assert_one_error_line(&stderr);
    assert!(stderr.len() < 600, "{} bytes: {stderr}", stderr.len());
    assert!(
        stderr.contains("notes.csv:1: no \"title\" column; the header is word0 word1 word2")
            && stderr.contains(&format!(
                "… (1 column(s), {} characters in all); name it with --map title=COLUMN",
                line.len()
            )),
        "{stderr}"
    );
    // A header of real length is shown whole.
    env.write_file(
        "sheet.csv",
        "Date,Headline,Where\n2025-11-20,Talks,Geneva\n",
    );
    let stderr = env.fail(2, ["import", "sheet.csv"]);
    assert!(
        stderr.contains("the header is Date,Headline,Where;"),
        "{stderr}"
    );
}

/// A description of the longest length factline keeps (100,000
/// characters) did not come back through factline's own exports: the CSV
/// export puts `'` before a cell that looks like a formula (100,001
/// characters), and the TimelineJS sheet adds paragraphs of actors to its
/// Text, and the import refused any cell over 100,000 characters before it
/// read it as its field. Each field's own limit is now checked on the
/// field, with room in the cell for what the exports add.
#[test]
fn the_longest_description_comes_back_through_the_csv_and_timelinejs_sheet() {
    let env = TestEnv::new();
    let description = format!("={}", "shelling reported overnight; ".repeat(4000))
        .chars()
        .take(100_000)
        .collect::<String>();
    env.run_ok([
        "-q",
        "event",
        "add",
        "--id",
        "e1",
        "--title",
        "Transcript",
        "--date",
        "2025-11-01",
        "--actor",
        "Rustem Umerov",
        "--note",
        &description,
    ]);
    for format in ["csv", "timelinejs-csv"] {
        env.run_ok(["export", "--format", format, "-o", &format!("out.{format}")]);
        let fresh = TestEnv::new();
        let out = fresh
            .cmd()
            .args([
                "import",
                env.path(&format!("out.{format}")).to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{format}: {out:?}");
        // The sheet carries no id: the event is the one in the dump.
        let dump = fresh.export_ndjson();
        let event: serde_json::Value = dump
            .lines()
            .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
            .find(|line| line["type"] == "event")
            .expect("the event");
        assert_eq!(
            event["description"].as_str(),
            Some(description.as_str()),
            "{format}"
        );
    }
    // One character more is refused, naming the field.
    let longer = format!("{description}x");
    env.write_file(
        "over.csv",
        &format!("date,title,description\n2025,Too long,{longer}\n"),
    );
    let stderr = env.fail(2, ["import", "over.csv"]);
    assert!(
        stderr.contains("over.csv:2: description is longer than 100000 characters"),
        "{stderr}"
    );
}

/// Found by a black-box check of the example against its article (bb26
/// #01–#04): events the digest of 20 November 2025 reports as past were
/// dated to the end of November or of 2025, the plan still being drafted
/// ("the draft will evolve") was closed on 19 November and cited Axios
/// alone although The New York Times reports it too. Nothing the example
/// holds may end after the digest, but what was still going on then.
#[test]
fn the_example_dates_nothing_after_the_digest_that_reports_it() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let events = env.json(["timeline"]);
    let events = events.as_array().expect("a list of events");
    assert!(events.len() > 10, "{events:?}");
    for event in events {
        let latest = event["latest"].as_str();
        assert!(
            latest.is_none_or(|day| day <= "2025-11-20"),
            "{} ends {latest:?}, after the digest",
            event["id"]
        );
    }
    let drafted = events
        .iter()
        .find(|e| e["id"] == "2025-10-24-peace-plan-drafted")
        .expect("the drafting of the plan");
    assert_eq!(drafted["latest"], serde_json::Value::Null, "{drafted}");
    assert_eq!(drafted["corroboration"], 2, "{drafted}");
    // Nor does a window after the digest find any but what is still open.
    let later = env.json(["timeline", "--from", "2025-11-21"]);
    for event in later.as_array().unwrap() {
        assert_eq!(event["latest"], serde_json::Value::Null, "{event}");
    }
}

/// Found by the same check (bb26 #06): the article's own spellings
/// "Foreign Ministry spokesperson Maria Zakharova" and "Russian Direct
/// Investment Fund head Kirill Dmitriev" were added as new actors without
/// a word, since an organisation's name before a title was not read, and
/// `actors --similar` did not pair them either. They are now refused as
/// near misses of the actors they name, as "Russian President Vladimir
/// Putin" is, and nothing is written.
#[test]
fn an_organisations_title_before_a_name_is_a_near_miss() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let before = env.export_ndjson();
    for (spelling, actor) in [
        (
            "Foreign Ministry spokesperson Maria Zakharova",
            "Maria Zakharova",
        ),
        ("Foreign Ministry Spokesperson Zakharova", "Maria Zakharova"),
        (
            "Russian Direct Investment Fund head Kirill Dmitriev",
            "Kirill Dmitriev",
        ),
        ("RDIF head Kirill Dmitriev", "Kirill Dmitriev"),
    ] {
        let stderr = env.fail(
            2,
            [
                "event", "add", "--title", "x", "--date", "2025-11", "--actor", spelling,
            ],
        );
        assert!(
            stderr.contains(&format!("did you mean \"{actor}\"")),
            "{spelling}: {stderr}"
        );
    }
    assert_eq!(env.export_ndjson(), before);
}

/// Found by a review for panics (bb28 #07): a damaged page holding a
/// history key cut shorter than its record kind (the bare keyspace byte
/// `h`) made `check` and `check --repair` panic on a slice out of range.
/// `check` now reports the key as malformed.
#[test]
fn check_reports_a_history_key_cut_short_instead_of_panicking() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    testenv::pages::damage(env.db(), |entries| {
        entries.insert(b"h".to_vec(), b"x".to_vec());
    });
    for args in [&["check"][..], &["check", "--repair"]] {
        let out = env.cmd().args(args).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(101), "{args:?} panicked: {stderr}");
        assert!(!out.status.success(), "{args:?}: {stdout}");
        assert!(
            format!("{stdout}{stderr}").contains("is malformed"),
            "{args:?}: {stdout}{stderr}"
        );
    }
}

/// Found while merging the fix for bb28 #03: names given to commands that
/// look an actor or a source up (`who-met`, `timeline --actor`, `actor
/// show`, `sources`) kept the invisible characters a copied spelling may
/// carry, which stored names no longer hold, so "Witkoff" with a soft
/// hyphen found nobody.
#[test]
fn a_looked_up_name_with_an_invisible_character_finds_its_actor() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let plain = env.run_ok(["who-met", "Witkoff", "--format", "csv"]);
    assert_eq!(
        env.run_ok(["who-met", "Wit\u{AD}koff\u{200B}", "--format", "csv"]),
        plain
    );
    let shown = env.json(["actor", "show", "\u{FEFF}Steve Witkoff"]);
    assert_eq!(shown["id"], "steve-witkoff");
    env.run_ok(["timeline", "--actor", "Umie\u{AD}rov"]);
    env.run_ok(["source", "edit", "Axi\u{200B}os", "--grade", "B"]);
}

/// Found fact-checking the postponed Türkiye meeting by hand: `event
/// postpone --to` took a date before the one the meeting was planned for
/// (a mistyped `2025-10-26` for `2025-11-26`), and the TimelineJS sheet then
/// read "26 Oct 2025 (postponed from 19 Nov 2025)". A postponement moves an
/// event later; one that certainly ends before the event's date starts is
/// refused, naming `event reschedule`, and nothing is written.
#[test]
fn postponing_an_event_to_an_earlier_date_is_refused() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let id = "2025-11-19-witkoff-zelenskyy-turkiye";
    let dump = env.export_ndjson();

    let err = env.fail(2, ["event", "postpone", id, "--to", "2025-10-26"]);
    assert!(
        err.contains("postpone") && err.contains("event reschedule --to 2025-10-26"),
        "{err}"
    );
    assert_eq!(env.export_ndjson(), dump, "a refused postponement wrote");

    // A later date, or one that may still fall on or after the planned day
    // (November, around 19 November), is a postponement.
    env.run_ok(["event", "postpone", id, "--to", "2025-11"]);
    env.run_ok(["event", "postpone", id, "--to", "2025-11-26"]);
    let shown = env.json(["event", "show", id]);
    assert_eq!(shown["date"], "2025-11-26");
    assert_eq!(shown["status"], "postponed");
    // Moving it earlier is a reschedule.
    env.run_ok(["event", "reschedule", id, "--to", "2025-10-26"]);
}

/// Found checking what `history` shows of a cancellation: `event cancel
/// --source Axios` on an event Axios already reports changed the status
/// and nothing else, so the history could not say who reported the
/// cancellation, and the command did not say so. It now tells the user,
/// who can record it otherwise (a note, or the link's quote).
#[test]
fn a_status_change_by_a_source_the_event_already_has_says_the_history_cannot_show_it() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let id = "2025-11-19-witkoff-zelenskyy-turkiye";
    let (_, stderr) = env.run_ok_with_stderr(["event", "cancel", id, "--source", "Axios"]);
    assert!(
        stderr.contains("\"Axios\" is already a source of")
            && stderr.contains("not that this source reported it"),
        "{stderr}"
    );
    let history = env.run_ok(["history", id]);
    assert!(
        history.contains("status: postponed → cancelled"),
        "{history}"
    );
    // A source the event did not have is named by the history itself.
    let (_, stderr) = env.run_ok_with_stderr([
        "event",
        "reschedule",
        id,
        "--to",
        "2025-12",
        "--source",
        "Reuters",
    ]);
    assert!(!stderr.contains("already a source"), "{stderr}");
    assert!(env.run_ok(["history", id]).contains("sources: + reuters"));
}

/// Found fact-checking status changes: `event reschedule` (or postpone, or
/// cancel) of a meeting recorded as held took it out of who-met, path and
/// network without a word, although a user correcting only its date meant
/// `event edit --date`. The change is still made, and said.
#[test]
fn a_status_change_of_a_held_meeting_says_it_no_longer_counts_as_held() {
    let env = TestEnv::new();
    let add = |title: &str, date: &str, status: &str| {
        env.run_ok([
            "event",
            "add",
            "--title",
            title,
            "--date",
            date,
            "--kind",
            "meeting",
            "--status",
            status,
            "--actor",
            "Anna Alpha",
            "--actor",
            "Boris Beta",
            "--new-actor",
        ])
        .trim()
        .to_string()
    };
    let held = add("Talks in Geneva", "2025-08-15", "occurred");
    let planned = add("Talks in Vienna", "2025-09-15", "scheduled");
    assert!(env.run_ok(["who-met", "Anna Alpha"]).contains("Boris Beta"));

    let (_, stderr) = env.run_ok_with_stderr(["event", "reschedule", &held, "--to", "2025-08-20"]);
    assert!(
        stderr.contains(&format!("{held} was recorded as occurred"))
            && stderr.contains("no longer counts as having taken place")
            && stderr.contains(&format!("event edit {held} --date")),
        "{stderr}"
    );
    assert!(!env.run_ok(["who-met", "Anna Alpha"]).contains("Boris Beta"));
    // A planned meeting's postponement is what it says.
    let (_, stderr) = env.run_ok_with_stderr(["event", "postpone", &planned]);
    assert!(!stderr.contains("no longer counts"), "{stderr}");
}

/// Found fact-checking the postponed Türkiye meeting: `event reschedule
/// --to` the date the meeting already had (a mistyped new date) was
/// accepted and wrote a version that changed only the status, recording a
/// reschedule no source reported. It is refused, naming the date, and
/// nothing is written; repeating a reschedule already recorded is not.
#[test]
fn rescheduling_an_event_to_the_date_it_already_has_is_refused() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let id = "2025-11-19-witkoff-zelenskyy-turkiye";
    let dump = env.export_ndjson();

    let err = env.fail(2, ["event", "reschedule", id, "--to", "2025-11-19"]);
    testenv::assert_one_error_line(&err);
    assert!(err.contains("already on 2025-11-19"), "{err}");
    assert_eq!(
        env.export_ndjson(),
        dump,
        "a reschedule that moved nothing wrote"
    );

    env.run_ok(["event", "reschedule", id, "--to", "2025-11-26"]);
    let again = env.export_ndjson();
    let err = env.fail(2, ["event", "postpone", id, "--to", "26 November 2025"]);
    assert!(err.contains("leave out --to"), "{err}");
    let (_, stderr) = env.run_ok_with_stderr(["event", "reschedule", id, "--to", "2025-11-26"]);
    assert!(stderr.contains("already rescheduled"), "{stderr}");
    assert_eq!(env.export_ndjson(), again);
}

/// Found checking the status changes: `event postpone` of a meeting
/// already cancelled was accepted, recording a delay of a meeting that had
/// been called off. It is refused, saying how to record a meeting planned
/// again (`event reschedule`) or a cancellation recorded by mistake.
#[test]
fn postponing_a_cancelled_event_is_refused() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let id = "2025-11-19-witkoff-zelenskyy-turkiye";
    env.run_ok(["event", "cancel", id]);
    let dump = env.export_ndjson();

    for to in [None, Some("2025-12-03")] {
        let mut args = vec!["event", "postpone", id];
        args.extend(to.map(|d| ["--to", d]).into_iter().flatten());
        let err = env.fail(2, &args);
        testenv::assert_one_error_line(&err);
        assert!(
            err.contains("is cancelled")
                && err.contains("event reschedule")
                && err.contains("--status postponed"),
            "{err}"
        );
    }
    assert_eq!(env.export_ndjson(), dump, "a refused postponement wrote");

    // Planned again on a new date: a reschedule.
    env.run_ok(["event", "reschedule", id, "--to", "2025-12-03"]);
    assert_eq!(env.json(["event", "show", id])["status"], "rescheduled");
}

/// Found checking how a claim's value is read: `19.500` is refused as
/// ambiguous (19500, or 19.5 where a comma marks the decimals), but the
/// hint for its mirror `19,500` named only 19500, a thousand times a
/// European source's 19,5, and `19.500,5` (19500.5 as much of Europe
/// writes it) got no hint at all. Both hints now name the number each
/// reading gives, in `claim add` and in the claims CSV.
#[test]
fn a_value_with_a_comma_hints_at_both_readings_of_the_comma() {
    let env = TestEnv::new();
    let add = |value: &str| {
        let arg = format!("--value={value}");
        let args = [
            "claim",
            "add",
            "--by",
            "Ukraine",
            "--text",
            "T",
            "--subject",
            "kids",
            &arg,
        ];
        let err = env.fail(2, args);
        testenv::assert_one_error_line(&err);
        err
    };
    let err = add("19,500");
    assert!(
        err.contains("write 19500 if the comma groups thousands, or 19.5 if it marks the decimals"),
        "{err}"
    );
    let err = add("-1.234.500,75");
    assert!(err.contains("write -1234500.75"), "{err}");
    // A first group of 0 groups nothing, and two commas group thousands.
    assert!(add("0,500").contains("write 0.500 if the comma marks the decimals"));
    assert!(add("1,250,000").contains("write 1250000 (no marks"));

    let file = env.write_file(
        "claims.csv",
        "text,claimant,subject,value\nT,Ukraine,kids,\"19.500,5\"\n",
    );
    let file = file.to_str().unwrap();
    let err = env.fail(2, ["import", file, "--what", "claims"]);
    assert!(
        err.contains("claims.csv:2: value 19.500,5 is not a number; write 19500.5"),
        "{err}"
    );
    assert!(!env.db().exists(), "nothing is written");
}

/// Found fact-checking the postponed Türkiye meeting: `event postpone --to
/// 2025-11-26 --source Axios`, on a meeting Axios already reported, moved
/// its date without saying that the history cannot show who reported the
/// new date, as a status change by such a source does.
#[test]
fn a_new_date_from_a_source_the_event_already_has_says_the_history_cannot_show_it() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let id = "2025-11-19-witkoff-zelenskyy-turkiye";
    let args = [
        "event",
        "postpone",
        id,
        "--to",
        "2025-11-26",
        "--source",
        "Axios",
    ];
    let (_, stderr) = env.run_ok_with_stderr(args);
    assert!(
        stderr.contains("\"Axios\" is already a source of")
            && stderr.contains("not that this source reported it"),
        "{stderr}"
    );
    assert_eq!(env.json(["event", "show", id])["date"], "2025-11-26");
}

/// Found renaming a source back: `source edit ap --name "Associated
/// Press"`, a name the source itself had before, said that "Associated
/// Press" is an earlier name of source "AP News"; using that source, as if
/// the name had been looked up to find another record.
#[test]
fn giving_a_source_back_its_own_earlier_name_says_nothing_of_earlier_names() {
    let env = TestEnv::new();
    env.run_ok(["source", "add", "Associated Press", "--id", "ap"]);
    env.run_ok(["source", "edit", "ap", "--name", "AP News"]);
    let (_, stderr) =
        env.run_ok_with_stderr(["source", "edit", "ap", "--name", "Associated Press"]);
    assert!(!stderr.contains("earlier name"), "{stderr}");
    let list = env.json(["source", "list"]);
    assert_eq!(list[0]["name"], "Associated Press");
}

/// Found regrading a source: `history reuters` said `grade: a → e`, while
/// `source list`, `sources` and the Admiralty scale write the grade as the
/// upper-case letter, A to F.
#[test]
fn history_writes_a_source_grade_as_the_letter_listings_show() {
    let env = TestEnv::new();
    env.run_ok(["source", "add", "Reuters", "--grade", "a"]);
    env.run_ok(["source", "edit", "reuters", "--grade", "E"]);
    env.run_ok(["source", "edit", "reuters", "--grade", "none"]);
    let history = env.json(["history", "reuters"]);
    assert_eq!(history[1]["changed"][0], "grade: A → E");
    assert_eq!(history[2]["changed"][0], "grade: E → —");
    assert_eq!(
        env.json(["source", "list"])[0]["grade"],
        serde_json::Value::Null
    );
}

/// Found grading sources as analysts write the Admiralty scale: `source add
/// Reuters --grade B2` was refused as an unknown grade, without saying that
/// B2 pairs the source's grade with one report's credibility, which
/// factline records apart (`--grade B`, then `link --credibility 2`).
#[test]
fn a_whole_admiralty_code_as_a_grade_says_where_its_number_goes() {
    let env = TestEnv::new();
    let err = env.fail(2, ["source", "add", "Reuters", "--grade", "B2"]);
    testenv::assert_one_error_line(&err);
    assert!(
        err.contains("give --grade B, and --credibility 2 to `factline link`"),
        "{err}"
    );
    assert!(!env.db().exists(), "nothing is written");
}

/// Whether `typed`, given as `--actor` with only `known` recorded, is
/// refused as a near miss of it, and whether `actors --similar` lists the
/// two after an import that spells the name both ways.
fn near_miss_and_listed(known: &str, typed: &str) -> (bool, bool) {
    let env = TestEnv::new();
    env.run_ok(["-q", "actor", "add", known]);
    let out = env.output([
        "event",
        "add",
        "--title",
        "Talks",
        "--date",
        "2025-11-25",
        "--actor",
        typed,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let refused =
        out.status.code() == Some(2) && stderr.contains(&format!("did you mean {known:?}?"));
    let env = TestEnv::new();
    let csv = env.write_file(
        "sheet.csv",
        &format!("date,title,actors\n2025-11-24,One,\"{known}\"\n2025-11-25,Two,\"{typed}\"\n"),
    );
    env.run_ok(["-q", "import", csv.to_str().unwrap()]);
    let similar = env.json(["actors", "--similar"]);
    (
        refused,
        similar.as_array().is_some_and(|pairs| pairs.len() == 1),
    )
}

/// "Moammar Kadhafi" (AFP), "Aleksei Navalnyi" and "Aleksandr Lukashenko"
/// were taken as new people beside "Muammar Gaddafi", "Alexei Navalny" and
/// "Alexander Lukashenko", and `actors --similar` did not pair them: the
/// letters transliterations write differently (x/ks, q/k, dh/d, ou/u,
/// doubled letters, a last -y/-i/-iy/-yi/-yy) counted as misspellings,
/// too many for a name. They now count as one spelling.
#[test]
fn transliterations_of_a_full_name_are_near_misses() {
    for (known, typed) in [
        ("Muammar Gaddafi", "Moammar Kadhafi"),
        ("Alexei Navalny", "Aleksei Navalnyi"),
        ("Alexander Lukashenko", "Aleksandr Lukashenko"),
        ("Yusuf Abdullah", "Youssef Abdullah"),
    ] {
        assert_eq!(near_miss_and_listed(known, typed), (true, true), "{typed}");
    }
}

/// "Bashar Assad" (as AP writes it), "Bashar el-Assad" and "Abdel Fattah
/// al-Sisi" were taken as new people beside "Bashar al-Assad" and "Abdel
/// Fattah el-Sisi": the Arabic article, written `al`, `el` or not at all,
/// made the spellings differ by a word.
#[test]
fn the_arabic_article_written_al_el_or_not_at_all_is_one_name() {
    for (known, typed) in [
        ("Bashar al-Assad", "Bashar Assad"),
        ("Bashar al-Assad", "Bashar el-Assad"),
        ("Abdel Fattah el-Sisi", "Abdel Fattah al-Sisi"),
        ("Muammar Qaddafi", "Muammar al-Qaddafi"),
        ("Bashar Assad", "al-Assad"),
        ("Abdel Fattah el-Sisi", "al-Sisi"),
    ] {
        assert_eq!(near_miss_and_listed(known, typed), (true, true), "{typed}");
    }
}

/// "Kadhafi" and "Sissi" alone were taken as new people beside "Muammar
/// Gaddafi" and "Abdel Fattah al-Sisi": a surname alone was compared only
/// letter by letter with the full name's. Its transliteration now counts.
#[test]
fn a_transliterated_surname_alone_is_a_near_miss_of_the_full_name() {
    for (known, typed) in [
        ("Muammar Gaddafi", "Kadhafi"),
        ("Abdel Fattah al-Sisi", "Sissi"),
    ] {
        assert_eq!(near_miss_and_listed(known, typed), (true, true), "{typed}");
    }
}

/// Different people with close names, as news reports them, stay apart:
/// neither refused as a near miss of the other nor listed as a pair.
#[test]
fn different_people_with_close_names_stay_apart() {
    for (known, typed) in [
        ("Kim Jong Un", "Kim Jong Nam"),
        ("Kim Jong Un", "Kim Jong-il"),
        ("Raul Castro", "Fidel Castro"),
        ("Ali Khamenei", "Mojtaba Khamenei"),
        ("Ali Khamenei", "Ruhollah Khomeini"),
        ("Bashar al-Assad", "Hafez al-Assad"),
        ("Bashar Assad", "Asma al-Assad"),
        ("Mohammed bin Salman", "Mohammed bin Zayed"),
        ("Mohammed bin Salman", "Khalid bin Salman"),
        ("Muammar Gaddafi", "Saif al-Islam Gaddafi"),
        ("Abdel Fattah el-Sisi", "Abdel Fattah al-Burhan"),
        ("Vitali Klitschko", "Wladimir Klitschko"),
        ("Yahya Sinwar", "Mohammed Sinwar"),
        ("Andriy Yermak", "Andriy Sybiha"),
        ("Sergei Lavrov", "Sergei Ryabkov"),
        ("Ilham Aliyev", "Heydar Aliyev"),
        ("Nouri al-Maliki", "Riyad al-Maliki"),
        ("Dmitry Medvedev", "Dmitry Medvedchuk"),
        ("Maria Zakharova", "Mariya Zakharchenko"),
        ("Saddam Hussein", "Uday Hussein"),
        ("Unit 1100", "Unit 110"),
    ] {
        assert_eq!(
            near_miss_and_listed(known, typed),
            (false, false),
            "{typed}"
        );
    }
}

/// "Dmitry Kuleba" and "Vladimir Zelensky", as reports from Moscow write
/// Ukraine's foreign minister and president, were taken as new people
/// beside "Dmytro Kuleba" and "Volodymyr Zelenskyy": the Ukrainian and
/// Russian forms of a given name differ in too many letters to be a
/// misspelling. Those forms are now one given name; other given names
/// sharing a surname stay two people.
#[test]
fn ukrainian_and_russian_forms_of_a_given_name_are_near_misses() {
    for (known, typed) in [
        ("Dmytro Kuleba", "Dmitry Kuleba"),
        ("Volodymyr Zelenskyy", "Vladimir Zelensky"),
        ("Kyrylo Budanov", "Kirill Budanov"),
    ] {
        assert_eq!(near_miss_and_listed(known, typed), (true, true), "{typed}");
    }
    assert_eq!(
        near_miss_and_listed("Oleksandr Kamyshin", "Oleksii Kamyshin"),
        (false, false)
    );
}

/// The example's dump with the event `id` changed by `edit`, as a user
/// edits a dump by hand, and the number of its line.
fn example_dump_with(id: &str, edit: impl Fn(&mut serde_json::Value)) -> (String, usize) {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let mut number = 0;
    let lines: Vec<String> = env
        .export_ndjson()
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let mut record: serde_json::Value = serde_json::from_str(line).unwrap();
            if record["type"] == "event" && record["id"] == id {
                number = i + 1;
                edit(&mut record);
                return record.to_string();
            }
            line.to_string()
        })
        .collect();
    (lines.join("\n") + "\n", number)
}

/// Imports the example's dump with the event `id` changed by `edit` into a
/// new database, which must refuse it in one line, `edited.ndjson:LINE:
/// ` and then `what`, and write nothing.
fn refused_at_its_line(id: &str, edit: impl Fn(&mut serde_json::Value), what: &str) {
    let (dump, line) = example_dump_with(id, edit);
    let env = TestEnv::new();
    let file = env.write_file("edited.ndjson", &dump);
    let err = env.fail(2, ["import", file.to_str().unwrap()]);
    testenv::assert_one_error_line(&err);
    assert!(
        err.contains(&format!("edited.ndjson:{line}: {what}")),
        "{err}"
    );
    assert!(!env.db().exists(), "nothing is written");
}

/// Found editing a dump by hand: an event that linked one source twice
/// (once plainly, once via another source) was imported and passed
/// `check`, and `sources` then listed the source twice with two origins.
/// No command lists an item twice; the import now refuses such a line. A
/// superseded version that does (history an earlier database kept, which
/// `check --repair` keeps when it mends the record) still imports.
#[test]
fn a_dump_line_listing_a_source_twice_is_refused_at_its_line() {
    let id = "2022-us-sanctions-dmitriev";
    let twice = |event: &mut serde_json::Value| {
        let mut again = event["sources"][0].clone();
        again["via"] = "axios".into();
        again["credibility"] = 4.into();
        event["sources"].as_array_mut().unwrap().push(again);
    };
    let what = "sources: source isw is listed twice; list it once";
    refused_at_its_line(id, twice, what);

    // The same line as version 1, followed by its version 2, imports.
    let env = TestEnv::new();
    let (dump, line) = example_dump_with(id, twice);
    let mut lines: Vec<String> = dump.lines().map(str::to_string).collect();
    let (clean, _) = example_dump_with(id, |event| event["meta"]["version"] = 2.into());
    let next = clean.lines().nth(line - 1).unwrap().to_string();
    lines.insert(line, next);
    let last = lines.len() - 1;
    lines[last] = format!(r#"{{"type":"trailer","records":{}}}"#, last - 1);
    let file = env.write_file("with-history.ndjson", &(lines.join("\n") + "\n"));
    env.run_ok(["import", file.to_str().unwrap()]);
    env.run_ok(["check"]);
}

/// Found editing a dump by hand: an event whose source link repeated the
/// source itself (`"via":"isw"` on isw's link), which `link --via`
/// refuses, was imported and passed `check`. The import now refuses the
/// line, as it refuses a claim that contradicts itself.
#[test]
fn a_dump_line_linking_a_source_via_itself_is_refused_at_its_line() {
    refused_at_its_line(
        "2022-us-sanctions-dmitriev",
        |event| event["sources"][0]["via"] = "isw".into(),
        "sources: source isw repeats itself (via isw)",
    );
}

/// Found editing a dump by hand: a version recorded in 2099 was imported
/// and passed `check`, and from then on every edit was recorded in 2099
/// (a change is recorded no earlier than the latest time recorded, to keep
/// history in order), so `--as-of` today showed none of them. The import
/// now refuses a time more than a day ahead of the clock, at its line.
#[test]
fn a_dump_line_recorded_in_the_future_is_refused_at_its_line() {
    refused_at_its_line(
        "2022-us-sanctions-dmitriev",
        |event| event["meta"]["recorded_at"] = "2099-01-01T00:00:00Z".into(),
        "recorded_at 2099-01-01T00:00:00Z is in the future",
    );
}

/// Found trying the "did you mean" of sources: a misspelling of a name a
/// source had before `source edit --name` got no suggestion, though the
/// earlier name itself finds the source; `event add --source` then added
/// the misspelling as a new source. It now suggests the source by its name
/// now, as a misspelling of that name does.
#[test]
fn a_misspelt_earlier_name_of_a_source_suggests_the_source() {
    let env = TestEnv::new();
    env.run_ok(["source", "add", "Novaya Gazeta"]);
    env.run_ok(["source", "add", "Meduza"]);
    env.run_ok([
        "source",
        "edit",
        "novaya-gazeta",
        "--name",
        "Novaya Gazeta Europe",
    ]);
    let event = env.run_ok([
        "event", "add", "--title", "Talks", "--date", "2025", "--source", "meduza",
    ]);
    let event = event.trim();

    let err = env.fail(2, ["link", event, "meduza", "--via", "Novaya Gazetta"]);
    testenv::assert_one_error_line(&err);
    assert!(
        err.contains(r#"unknown source "Novaya Gazetta"; did you mean "Novaya Gazeta Europe"?"#),
        "{err}"
    );
    let args = ["event", "add", "--title", "More talks", "--date", "2025"];
    let err = env.fail(2, args.into_iter().chain(["--source", "Novaya Gazetta"]));
    assert!(
        err.contains(r#"did you mean "Novaya Gazeta Europe"?"#),
        "{err}"
    );
    let sources = env.run_ok(["--format", "csv", "source", "list"]);
    assert_eq!(sources.lines().count(), 3, "no source was added: {sources}");
}

/// Found reading the history of a dump edited by hand: a record whose
/// first version is already retracted showed only "created" in `history`,
/// as if it were live; a later retraction shows its reason. The first
/// version now says it was created retracted, and why.
#[test]
fn history_says_a_record_was_created_retracted() {
    let mut line: serde_json::Value =
        serde_json::from_str(&testenv::dump::source_line("rumours", "Rumours")).unwrap();
    line["meta"]["retracted"] = "a hoax account".into();
    let env = TestEnv::new();
    let file = env.write_file("edited.ndjson", &testenv::dump::of(&[line.to_string()]));
    env.run_ok(["import", file.to_str().unwrap()]);

    let history = env.run_ok(["--format", "csv", "history", "rumours"]);
    assert!(
        history.contains("created; retracted: a hoax account"),
        "{history}"
    );
}

/// Found scripting `stats --format json`: a database without events had
/// no "date span" row at all, so a script reading its `earliest` found
/// nothing instead of null. Every database now gives the same rows, the
/// date span empty (its days null) where no event is counted, in every
/// format.
#[test]
fn stats_of_a_database_without_events_has_a_date_span_row() {
    let env = TestEnv::new();
    env.run_ok(["source", "add", "Reuters"]);

    let json: serde_json::Value =
        serde_json::from_str(&env.run_ok(["--format", "json", "stats"])).unwrap();
    let span = json
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["stat"] == "date span")
        .unwrap_or_else(|| panic!("no date span in {json}"));
    assert_eq!(
        span,
        &serde_json::json!({"stat": "date span", "value": "", "earliest": null, "latest": null})
    );
    let csv = env.run_ok(["--format", "csv", "stats"]);
    assert!(
        csv.contains("\nclaims,0\ndate span,\nevents by status,\n"),
        "{csv}"
    );
}
