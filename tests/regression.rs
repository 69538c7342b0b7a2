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
    let shown = String::from_utf8_lossy(&page[1..]).into_owned();

    let out = env.output(["check"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("cannot be read") && stdout.contains(&*shown),
        "{stdout}"
    );

    let out = env.output(["check", "--repair"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("could not be read"), "{stderr}");
    assert!(!env
        .output(["check"])
        .stdout
        .windows(13)
        .any(|w| w == b"cannot be read"));
}

/// Found while adding `compact`: with `--db .` (run inside the database
/// directory), `restore` named its staging copy after `.` itself, so it
/// copied the backup's files over the live database's and then failed to
/// move `.` aside ("Device or resource busy"): the database was replaced
/// without the old one kept. Paths are now resolved first, so `.` restores
/// and compacts like any other path.
#[test]
fn restore_and_compact_inside_the_database_directory_keep_the_replaced_database() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let backup = env.path("backup");
    env.run_ok(["backup", backup.to_str().unwrap()]);
    let at_backup = env.export_ndjson();
    env.run_ok(["source", "add", "Added after the backup"]);
    let latest = env.export_ndjson();

    let inside = |args: &[&str]| {
        env.cmd()
            .current_dir(env.db())
            .env("FACTLINE_DB", ".")
            .args(args)
            .assert()
            .success();
    };
    inside(&["compact"]);
    assert_eq!(env.export_ndjson(), latest);

    inside(&["restore", backup.to_str().unwrap()]);
    assert_eq!(env.export_ndjson(), at_backup);
    let kept: Vec<std::path::PathBuf> = std::fs::read_dir(env.root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let replaced = env
        .cmd()
        .env("FACTLINE_DB", &kept[0])
        .args(["export"])
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&replaced.get_output().stdout),
        latest
    );
}
