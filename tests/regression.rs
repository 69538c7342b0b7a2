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
