//! `factline check` finds damaged indexes and history.

mod testenv;

use testenv::TestEnv;

type Entries = Vec<(Vec<u8>, Vec<u8>)>;

/// Opens the test database with sled directly, as damage from outside would,
/// and lets `f` change the logical entries (records and index entries) of
/// every page; pages are written back as factline encodes them.
fn damage(env: &TestEnv, f: impl FnOnce(&mut Vec<(Vec<u8>, Entries)>)) {
    let db = sled::open(env.db()).expect("open the database with sled");
    let pages = db.open_tree("pages").expect("the pages tree");
    let mut all: Vec<(Vec<u8>, Entries)> = pages
        .iter()
        .map(|item| {
            let (key, value) = item.expect("readable");
            let page = factline::codec::decode_page(&value).expect("a page");
            let entries = page
                .entries()
                .map(|(k, v)| (k.to_vec(), v.to_vec()))
                .collect();
            (key.to_vec(), entries)
        })
        .collect();
    f(&mut all);
    for (key, mut entries) in all {
        entries.sort();
        let mut page = factline::codec::PageWriter::default();
        for (k, v) in &entries {
            page.push(k, v);
        }
        pages.insert(key, page.finish()).expect("write");
    }
    db.flush().expect("flush");
}

#[test]
fn a_healthy_database_passes() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let out = env.run_ok(["check"]);
    assert!(out.starts_with("ok: "), "{out}");
}

#[test]
fn a_missing_index_entry_is_reported_with_exit_code_1() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    damage(&env, |pages| {
        let (_, entries) = pages
            .iter_mut()
            .find(|(page, entries)| page.starts_with(b"x") && entries.len() > 1)
            .expect("an actor-event page");
        entries.remove(0);
    });
    let out = env.cmd().arg("check").assert().code(1).get_output().clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("is missing"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 problem(s)"), "{stderr}");
}

#[test]
fn an_index_entry_without_a_record_and_a_damaged_record_are_reported() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    damage(&env, |pages| {
        let (_, entries) = pages
            .iter_mut()
            .find(|(page, _)| page.starts_with(b"t"))
            .expect("a timeline page");
        entries.push((b"t\xff\xff\xff junk".to_vec(), Vec::new()));
        let (_, entries) = pages
            .iter_mut()
            .find(|(page, _)| page.starts_with(b"#e"))
            .expect("an event page");
        entries.insert(0, (b"eno-such-event".to_vec(), b"\x01\xff\xff".to_vec()));
    });
    let out = env.cmd().arg("check").assert().code(1).get_output().clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("belongs to no record"), "{stdout}");
    assert!(stdout.contains("not its own"), "{stdout}");
    assert!(stdout.contains("e/no-such-event"), "{stdout}");
}

#[test]
fn repair_rebuilds_damaged_indexes_from_the_records() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let who_met = env.run_ok(["who-met", "witkoff", "--format", "csv"]);
    let dump = env.export_ndjson();
    damage(&env, |pages| {
        // Lose every index entry of one actor and misfile a timeline entry.
        pages.retain(|(page, _)| !page.starts_with(b"xsteve-witkoff\0"));
        let (_, entries) = pages
            .iter_mut()
            .find(|(page, _)| page.starts_with(b"t"))
            .expect("a timeline page");
        entries.push((b"t\xff\xff\xff junk".to_vec(), Vec::new()));
    });
    env.cmd().arg("check").assert().code(1);
    let out = env.cmd().args(["check", "--repair"]).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.starts_with("ok: "), "{stdout}");
    env.run_ok(["check"]);
    // The answers and the data are what they were.
    assert_eq!(
        env.run_ok(["who-met", "witkoff", "--format", "csv"]),
        who_met
    );
    assert_eq!(env.export_ndjson(), dump);
}

#[test]
fn repair_keeps_an_undecodable_record_and_still_reports_it() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    damage(&env, |pages| {
        let (_, entries) = pages
            .iter_mut()
            .find(|(page, _)| page.starts_with(b"#e"))
            .expect("an event page");
        entries[0].1 = b"\x01\xff\xff".to_vec();
    });
    let out = env.cmd().args(["check", "--repair"]).assert().code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("cannot be decoded"), "{stderr}");
    // Nothing was dropped: the damaged record is still there to be seen.
    env.cmd().arg("check").assert().code(1);
}
