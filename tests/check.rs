//! `factline check` finds damaged indexes and history.

mod testenv;

use testenv::TestEnv;

/// Opens the test database with sled directly, as damage from outside would.
fn damage(env: &TestEnv, f: impl FnOnce(&sled::Tree)) {
    let db = sled::open(env.db()).expect("open the database with sled");
    let data = db.open_tree("data").expect("the data tree");
    f(&data);
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
    damage(&env, |data| {
        let (key, _) = data
            .scan_prefix(b"x")
            .next()
            .expect("an actor-event entry")
            .expect("readable");
        data.remove(key).expect("remove");
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
    damage(&env, |data| {
        data.insert(b"tjunk-entry".as_slice(), b"".as_slice())
            .expect("insert");
        data.insert(b"eno-such-event".as_slice(), b"\x01\xff\xff".as_slice())
            .expect("insert");
    });
    let out = env.cmd().arg("check").assert().code(1).get_output().clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("belongs to no record"), "{stdout}");
    assert!(stdout.contains("e/no-such-event"), "{stdout}");
}
