//! `factline backup DEST` and `factline restore SRC`: checked copies of the
//! database, and the way back to one; `factline compact`: a fresh copy in
//! place of the database.

mod testenv;

use std::collections::BTreeMap;
use std::path::Path;

use testenv::pages::{keys_under, rewrite_as_layout_3};
use testenv::{assert_one_error_line, TestEnv};

/// The files that differ between two readings of [`files`], by name.
fn changed(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let names: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    names
        .into_iter()
        .filter(|name| before.get(*name) != after.get(*name))
        .cloned()
        .collect()
}

/// Every file under `dir` (by its path relative to `dir`) and its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        for entry in std::fs::read_dir(&at).expect("a readable directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                found.insert(name, std::fs::read(&path).expect("a readable file"));
            }
        }
    }
    found
}

/// The database as NDJSON, read from `db` instead of the environment's.
fn export_of(env: &TestEnv, db: &Path) -> String {
    let out = env
        .cmd()
        .env("FACTLINE_DB", db)
        .args(["export", "--format", "ndjson"])
        .assert()
        .success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

/// The example story, backed up to `<tmp>/backup`.
fn backed_up_example() -> (TestEnv, std::path::PathBuf) {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let dest = env.path("backup");
    env.run_ok(["backup", dest.to_str().unwrap()]);
    (env, dest)
}

#[test]
fn a_restore_brings_back_the_backup_and_keeps_the_database_it_replaces() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let at_backup = env.export_ndjson();
    let dest = env.path("backup");
    let dest = dest.to_str().unwrap();
    let (out, stderr) = env.run_ok_with_stderr(["backup", dest]);
    assert_eq!(out.trim(), dest);
    assert!(stderr.contains("check ok"), "{stderr}");
    assert_eq!(export_of(&env, Path::new(dest)), at_backup);

    env.run_ok(["source", "add", "A source added after the backup"]);
    let later = env.export_ndjson();
    assert_ne!(later, at_backup);

    let (_, stderr) = env.run_ok_with_stderr(["restore", dest]);
    assert_eq!(env.export_ndjson(), at_backup);
    let aside = stderr
        .split("the database it replaced is in ")
        .nth(1)
        .unwrap_or_else(|| panic!("{stderr}"))
        .trim();
    assert_eq!(export_of(&env, Path::new(aside)), later);
    assert!(env.run_ok(["check"]).starts_with("ok"));
}

/// A backup is an archive: restoring from it (which opens and checks what
/// it restores) must not write to it.
#[test]
fn a_restore_leaves_the_backup_as_it_was() {
    let (env, dest) = backed_up_example();
    let before = files(&dest);
    env.run_ok(["restore", dest.to_str().unwrap()]);
    assert_eq!(changed(&before, &files(&dest)), Vec::<String>::new());
}

/// Restoring a backup from the previous storage layout restores it
/// upgraded; the backup itself stays in its layout (an older factline can
/// still read it).
#[test]
fn a_restore_from_a_layout_3_backup_upgrades_the_restored_copy_only() {
    let (env, dest) = backed_up_example();
    let at_backup = env.export_ndjson();
    rewrite_as_layout_3(&dest);
    let before = files(&dest);
    env.run_ok(["source", "add", "A source added after the backup"]);

    let (_, stderr) = env.run_ok_with_stderr(["restore", dest.to_str().unwrap()]);
    assert!(stderr.contains("from storage layout 3 to 5"), "{stderr}");
    assert_eq!(changed(&before, &files(&dest)), Vec::<String>::new());
    assert!(keys_under(env.db(), b'm').is_empty());
    assert_eq!(env.export_ndjson(), at_backup);
    assert!(env.run_ok(["check"]).starts_with("ok"));
}

/// A database in use by another process is not replaced, and the restore
/// leaves nothing behind (no staged copy beside it).
/// Runs `args` while the test holds the database: refused with exit 3 and
/// the "in use" line, leaving the directory and the data as they were.
fn assert_refused_while_in_use(env: &TestEnv, args: &[&str]) {
    let dump = env.export_ndjson();
    let around = env.names();
    let held = factline::store::Store::open(env.db(), factline::store::Access::Write)
        .expect("open the database in the test");
    let stderr = env.fail(3, args);
    drop(held);
    assert_one_error_line(&stderr);
    assert!(
        stderr.contains("in use by another factline process"),
        "{stderr}"
    );
    assert_eq!(env.names(), around);
    assert_eq!(env.export_ndjson(), dump);
}

#[test]
fn a_restore_over_a_database_in_use_is_refused_and_leaves_nothing() {
    let (env, dest) = backed_up_example();
    env.run_ok(["source", "add", "A source added after the backup"]);
    assert_refused_while_in_use(&env, &["restore", dest.to_str().unwrap()]);
}

#[test]
fn a_backup_into_a_directory_that_is_not_empty_is_refused() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let dest = env.path("full");
    std::fs::create_dir(&dest).unwrap();
    std::fs::write(dest.join("notes.txt"), "mine").unwrap();
    let stderr = env.fail(2, ["backup", dest.to_str().unwrap()]);
    assert_one_error_line(&stderr);
    assert!(stderr.contains("not empty"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dest.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_restore_from_what_is_not_a_backup_is_refused_and_changes_nothing() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let before = env.export_ndjson();
    let empty = env.path("empty");
    std::fs::create_dir(&empty).unwrap();
    let stderr = env.fail(2, ["restore", empty.to_str().unwrap()]);
    assert_one_error_line(&stderr);
    assert!(
        stderr.contains("not a factline database backup"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);
}

/// Bytes of the files under `dir`.
fn disk_bytes(dir: &Path) -> u64 {
    files(dir).values().map(|bytes| bytes.len() as u64).sum()
}

/// A database grown past what it holds: 400 events imported, then their
/// titles changed by three more imports of the same ids (each rewrites the
/// pages it touches, keeps the versions in history, and leaves sled the old
/// pages to reclaim).
fn churned_env() -> TestEnv {
    let env = TestEnv::new();
    for round in 0..4 {
        let mut csv = String::from("id,date,title,kind,status,actors\n");
        for i in 0..400 {
            csv.push_str(&format!(
                "m{i:04},2024-{:02}-{:02},\"Talks, round {i}, version {round}\",talks,occurred,Witkoff; Umerov; Actor {}\n",
                i % 12 + 1,
                i % 28 + 1,
                i % 37
            ));
        }
        let file = env.write_file("rows.csv", &csv);
        env.run_ok(["import", file.to_str().unwrap()]);
    }
    env
}

#[test]
fn compact_gives_back_unreclaimed_space_and_keeps_every_answer() {
    let env = churned_env();
    let dump = env.export_ndjson();
    let who_met = env.run_ok(["who-met", "witkoff", "--format", "csv"]);
    let history = env.run_ok(["history", "m0007"]);
    let around = env.names();
    let before = disk_bytes(env.db());

    let (stdout, stderr) = env.run_ok_with_stderr(["compact"]);
    assert_eq!(stdout.trim(), env.db().display().to_string());
    assert!(stderr.contains("copied and read back"), "{stderr}");
    let after = disk_bytes(env.db());
    assert!(
        after < before / 4 * 3,
        "{before} bytes before compacting, {after} after"
    );
    // Nothing left beside the database, and nothing changed in it.
    assert_eq!(env.names(), around);
    assert!(env.run_ok(["check"]).starts_with("ok"));
    assert_eq!(env.export_ndjson(), dump);
    assert_eq!(
        env.run_ok(["who-met", "witkoff", "--format", "csv"]),
        who_met
    );
    assert_eq!(env.run_ok(["history", "m0007"]), history);
    // It takes writes as before.
    env.run_ok(["source", "add", "Reuters"]);
    assert!(env.run_ok(["source", "list"]).contains("Reuters"));
}

#[test]
fn compact_refuses_a_database_in_use_and_leaves_nothing() {
    assert_refused_while_in_use(&churned_env(), &["compact"]);
}

#[test]
fn compact_without_a_database_is_refused_and_creates_nothing() {
    let env = TestEnv::new();
    let stderr = env.fail(2, ["compact"]);
    assert_one_error_line(&stderr);
    assert!(stderr.contains("no factline database"), "{stderr}");
    assert!(!env.db().exists());
}

/// A compaction cut short leaves `DB.compacting` behind (a copy, or after
/// the swap the old files), which the next one removes; a directory of that
/// name holding someone's own files is refused and left as it is.
#[test]
fn compact_clears_its_own_leftover_but_never_a_users_directory() {
    let env = churned_env();
    let dump = env.export_ndjson();
    let staged = env.path("db.compacting");

    std::fs::create_dir(&staged).unwrap();
    std::fs::write(staged.join("notes.txt"), "mine").unwrap();
    let stderr = env.fail(2, ["compact"]);
    assert_one_error_line(&stderr);
    assert!(stderr.contains("is not a factline database"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(staged.join("notes.txt")).unwrap(),
        "mine"
    );

    // What a compaction killed after its copy leaves: a whole copy.
    std::fs::remove_dir_all(&staged).unwrap();
    let backup = env.path("copy");
    env.run_ok(["backup", backup.to_str().unwrap()]);
    std::fs::rename(&backup, &staged).unwrap();
    std::fs::write(staged.join("factline.staging"), "a copy in progress\n").unwrap();
    env.run_ok(["compact"]);
    assert!(!staged.exists());
    assert_eq!(env.export_ndjson(), dump);
}

/// A restore killed right after its swap leaves the database it replaced
/// at `DB.restoring`: the next restore keeps it under a `before-restore`
/// name instead of deleting it.
#[test]
fn a_restore_keeps_the_database_an_interrupted_restore_left_behind() {
    let (env, dest) = backed_up_example();
    env.run_ok(["source", "add", "Only in the replaced database"]);
    let replaced = env.export_ndjson();
    // What the interrupted restore left: the replaced database, whole.
    let left = env.path("db.restoring");
    let copy = env.path("copy");
    env.run_ok(["backup", copy.to_str().unwrap()]);
    std::fs::rename(&copy, &left).unwrap();

    let (_, stderr) = env.run_ok_with_stderr(["restore", dest.to_str().unwrap()]);
    assert!(
        stderr.contains("kept the database an interrupted restore left"),
        "{stderr}"
    );
    assert!(!left.exists());
    let kept = env.set_aside();
    // The leftover, and the database this restore replaced.
    assert_eq!(kept.len(), 2, "{kept:?}");
    for dir in &kept {
        assert_eq!(export_of(&env, dir), replaced);
    }
}

/// A deterministic generator for the kill delays (Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

/// Runs `args` and kills it (SIGKILL) after `delay`, unless it ended first.
fn run_killed(env: &TestEnv, args: &[&str], delay: std::time::Duration) {
    let mut child = env
        .std_cmd()
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let _ = child.kill();
    child.wait().unwrap();
}

/// `compact` and `restore` killed at random moments (seeded): after every
/// kill the path holds a whole database, the one before or the one after,
/// that passes `check`; what a kill left beside it is cleared (or, for a
/// database a restore replaced, kept) by the next run, which completes.
#[test]
fn compact_and_restore_killed_at_any_moment_leave_a_whole_database() {
    let env = churned_env();
    let dump = env.export_ndjson();
    let backup = env.path("backup");
    env.run_ok(["backup", backup.to_str().unwrap()]);
    env.run_ok(["source", "add", "After the backup"]);
    let latest = env.export_ndjson();
    assert_ne!(latest, dump);
    let backup_arg = backup.to_str().unwrap();

    let started = std::time::Instant::now();
    env.run_ok(["compact"]);
    let compact_ms = started.elapsed().as_millis() as u64;
    let started = std::time::Instant::now();
    env.run_ok(["restore", backup_arg]);
    let restore_ms = started.elapsed().as_millis() as u64;
    assert_eq!(env.export_ndjson(), dump);

    let mut rng = Lcg(0x5eed_c0de);
    let mut killed = 0;
    // Every state the database has been in, which a set-aside copy may hold.
    let mut states = vec![dump.clone(), latest];
    for round in 0..12 {
        let (args, longest): (Vec<&str>, u64) = if round % 2 == 0 {
            (vec!["compact"], compact_ms)
        } else {
            // A change since the backup, so that a restore shows.
            env.run_ok(["source", "add", &format!("Added in round {round}")]);
            (vec!["restore", backup_arg], restore_ms)
        };
        let delay = std::time::Duration::from_millis(rng.below(longest * 5 / 4 + 1));
        let before = env.export_ndjson();
        states.push(before.clone());
        run_killed(&env, &args, delay);
        if env.path("db.compacting").exists() || env.path("db.restoring").exists() {
            killed += 1;
        }
        let now = env.export_ndjson();
        assert!(
            now == before || now == dump,
            "round {round} ({args:?} killed after {delay:?}): neither the database before nor the backup"
        );
        assert!(
            env.run_ok(["check"]).starts_with("ok"),
            "round {round}: check"
        );
    }
    // The next runs complete and clear what the kills left.
    env.run_ok(["compact"]);
    env.run_ok(["restore", backup_arg]);
    assert!(!env.path("db.compacting").exists());
    assert!(!env.path("db.restoring").exists());
    assert_eq!(env.export_ndjson(), dump);
    // Every database set aside is whole.
    for path in env.set_aside() {
        let kept = export_of(&env, &path);
        assert!(states.contains(&kept), "{}", path.display());
    }
    eprintln!("{killed} of 12 runs were killed while they had work beside the database");
}

/// A restore cut short before its swap leaves its copy at `DB.restoring`,
/// marked as a copy: the next restore removes it, keeps nothing aside but
/// the database it replaces, and completes. Meanwhile no command creates a
/// new database where the restore is going.
#[test]
fn a_copy_left_by_an_interrupted_restore_is_removed_and_blocks_a_new_database() {
    let (env, dest) = backed_up_example();
    let dump = env.export_ndjson();
    let staged = env.path("db.restoring");
    let copy = env.path("copy");
    env.run_ok(["backup", copy.to_str().unwrap()]);
    std::fs::rename(&copy, &staged).unwrap();
    std::fs::write(staged.join("factline.staging"), "a restore's copy\n").unwrap();

    // Into an empty path beside that copy, a writing command refuses.
    std::fs::rename(env.db(), env.path("elsewhere")).unwrap();
    let stderr = env.fail(3, ["source", "add", "Reuters"]);
    assert_one_error_line(&stderr);
    assert!(
        stderr.contains("a `factline restore` into") && stderr.contains("db.restoring"),
        "{stderr}"
    );
    assert!(!env.db().exists());
    std::fs::rename(env.path("elsewhere"), env.db()).unwrap();

    let (_, stderr) = env.run_ok_with_stderr(["restore", dest.to_str().unwrap()]);
    assert!(!stderr.contains("kept the database"), "{stderr}");
    assert!(!staged.exists());
    assert!(!env.db().join("factline.staging").exists());
    assert_eq!(env.export_ndjson(), dump);
    let aside = env.set_aside().len();
    assert_eq!(aside, 1);
}

/// `--db new/` and `--db sub/new` (a database that does not exist yet,
/// with a trailing slash or a relative path) restore into that directory,
/// and back up from it, with the working directories beside it.
#[test]
fn restore_into_a_new_relative_path_with_a_trailing_slash() {
    let (env, dest) = backed_up_example();
    let dump = env.export_ndjson();
    std::fs::create_dir(env.path("sub")).unwrap();
    for db in ["new/", "sub/new"] {
        env.cmd()
            .env("FACTLINE_DB", db)
            .args(["restore", dest.to_str().unwrap()])
            .assert()
            .success();
        let restored = env.path(db.trim_end_matches('/'));
        assert!(restored.join("db").is_file(), "{db}");
        assert_eq!(export_of(&env, &restored), dump, "{db}");
        assert!(!restored.join("new.restoring").exists());
        let copy = format!("{}-copy/", db.trim_end_matches('/'));
        env.cmd()
            .env("FACTLINE_DB", db)
            .args(["backup", &copy])
            .assert()
            .success();
        assert_eq!(export_of(&env, &env.path(&copy)), dump, "{copy}");
    }
    let names = env.names();
    assert!(
        !names
            .iter()
            .any(|n| n.contains(".restoring") || n.contains(".partial")),
        "{names:?}"
    );
}

#[test]
fn a_backup_into_the_database_itself_is_refused() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let inside = env.db().join("backup");
    let stderr = env.fail(2, ["backup", inside.to_str().unwrap()]);
    assert_one_error_line(&stderr);
    assert!(stderr.contains("inside the database"), "{stderr}");
    assert!(!inside.exists());
}

/// Compact replaces the whole directory: other files in it would be lost,
/// so it refuses and deletes nothing.
#[test]
fn compact_refuses_a_database_directory_holding_other_files() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let dump = env.export_ndjson();
    std::fs::write(env.db().join("notes.txt"), "mine").unwrap();
    let stderr = env.fail(2, ["compact"]);
    assert_one_error_line(&stderr);
    assert!(stderr.contains("not the database's"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(env.db().join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(env.export_ndjson(), dump);
    // Nor can a backup be written inside a database, where it would be such a file.
    let other = TestEnv::new();
    let inside = env.db().join("backups").join("b1");
    let stderr = other.fail(2, ["backup", inside.to_str().unwrap()]);
    assert!(stderr.contains("inside the database"), "{stderr}");
}

/// A whole database at `DB.compacting` that is not a copy in progress (a
/// user's own, or what a compact killed right after its swap left) is
/// refused, never deleted.
#[test]
fn compact_and_backup_never_delete_a_database_they_did_not_mark_as_their_copy() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let theirs = env.path("db.compacting");
    env.cmd()
        .env("FACTLINE_DB", &theirs)
        .args(["source", "add", "Their own"])
        .assert()
        .success();
    let their_dump = export_of(&env, &theirs);
    // Compact keeps it aside (an interrupted compact leaves the database
    // it replaced there, unmarked), and completes.
    let (_, stderr) = env.run_ok_with_stderr(["compact"]);
    assert!(
        stderr.contains("kept the database an interrupted compact left"),
        "{stderr}"
    );
    assert!(!theirs.exists());
    let kept: Vec<String> = env
        .names()
        .into_iter()
        .filter(|name| name.starts_with("db.before-compact-"))
        .collect();
    assert_eq!(kept.len(), 1, "{:?}", env.names());
    assert_eq!(export_of(&env, &env.path(&kept[0])), their_dump);
    // A backup's working directory: refused, untouched.
    let dest = env.path("bk");
    std::fs::rename(env.path(&kept[0]), env.path("bk.partial")).unwrap();
    let stderr = env.fail(2, ["backup", dest.to_str().unwrap()]);
    assert!(stderr.contains("not a copy in progress"), "{stderr}");
    assert_eq!(export_of(&env, &env.path("bk.partial")), their_dump);
}

/// Restoring is the way out of a damaged database: it works whether the
/// database still opens or not, and keeps the damaged one aside.
#[test]
fn a_restore_replaces_a_damaged_database_and_keeps_it() {
    for damage in ["truncated log", "missing conf"] {
        let (env, dest) = backed_up_example();
        let dump = env.export_ndjson();
        match damage {
            "truncated log" => {
                let log = std::fs::OpenOptions::new()
                    .write(true)
                    .open(env.db().join("db"))
                    .unwrap();
                log.set_len(4000).unwrap();
            }
            _ => std::fs::remove_file(env.db().join("conf")).unwrap(),
        }
        let (_, stderr) = env.run_ok_with_stderr(["restore", dest.to_str().unwrap()]);
        assert!(
            stderr.contains("the database it replaced is in"),
            "{damage}: {stderr}"
        );
        assert_eq!(env.export_ndjson(), dump, "{damage}");
        assert!(env.run_ok(["check"]).starts_with("ok"), "{damage}");
    }
}

/// A restore onto what is not a database (a file, a directory of someone's
/// files) is refused before anything is copied; so is a restore from a
/// database another process is writing.
#[test]
fn a_restore_onto_what_is_not_a_database_or_from_one_in_use_is_refused() {
    let (env, dest) = backed_up_example();
    let dest_arg = dest.to_str().unwrap();
    let mine = env.path("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("t.txt"), "x").unwrap();
    let file = env.path("file");
    std::fs::write(&file, "x").unwrap();
    for target in [&mine, &file] {
        let out = env
            .cmd()
            .env("FACTLINE_DB", target)
            .args(["restore", dest_arg])
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert_one_error_line(&stderr);
        assert!(stderr.contains("not a factline database"), "{stderr}");
    }
    assert_eq!(std::fs::read_to_string(mine.join("t.txt")).unwrap(), "x");
    assert!(!env.path("mine.restoring").exists() && !env.path("file.restoring").exists());

    let held = factline::store::Store::open(env.db(), factline::store::Access::Write)
        .expect("open the database in the test");
    let out = env
        .cmd()
        .env("FACTLINE_DB", env.path("new"))
        .args(["restore", env.db().to_str().unwrap()])
        .assert()
        .code(3);
    drop(held);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("in use by another factline process"),
        "{stderr}"
    );
    assert!(!env.path("new").exists());
}

/// A backup that fails its check is not restored: the message names the
/// backup (not the working copy), and the database and its directory stay
/// as they were.
#[test]
fn a_damaged_backup_is_refused_under_its_own_name() {
    let (env, dest) = backed_up_example();
    let dump = env.export_ndjson();
    testenv::pages::damage(&dest, |entries| {
        entries.retain(|key, _| !key.starts_with(b"x"));
    });
    let around = env.names();
    let stderr = env.fail(3, ["restore", dest.to_str().unwrap()]);
    assert_one_error_line(&stderr);
    assert!(
        stderr.contains(&format!("the backup {} cannot be restored", dest.display()))
            && stderr.contains("fails its check"),
        "{stderr}"
    );
    assert_eq!(env.names(), around);
    assert_eq!(env.export_ndjson(), dump);
}

/// Holds the marker of a copy in progress at `staged`, as the factline
/// process making it does.
fn copy_in_progress_at(staged: &Path) -> std::fs::File {
    std::fs::create_dir(staged).unwrap();
    let marker = std::fs::File::create(staged.join("factline.staging")).unwrap();
    marker.lock().unwrap();
    marker
}

#[test]
fn a_backup_into_a_path_another_backup_is_writing_is_refused_and_leaves_its_copy() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let dest = env.path("shared");
    let staged = env.path("shared.partial");
    let other = copy_in_progress_at(&staged);
    let stderr = env.fail(3, ["backup", dest.to_str().unwrap()]);
    assert_one_error_line(&stderr);
    assert!(
        stderr.contains(
            "shared.partial is a copy another factline process is making or removing now"
        ),
        "{stderr}"
    );
    assert!(staged.join("factline.staging").exists());
    assert!(!dest.exists());
    let stderr = env.fail(3, ["--wait", "0.3", "backup", dest.to_str().unwrap()]);
    assert!(stderr.contains("still after waiting 0.3 s"), "{stderr}");

    // With --wait, it waits for that process to end; what it left is then
    // a leftover, removed.
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(400));
        drop(other);
    });
    let started = std::time::Instant::now();
    env.run_ok(["--wait", "30", "backup", dest.to_str().unwrap()]);
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    release.join().unwrap();
    assert!(!staged.exists());
    assert_eq!(export_of(&env, &dest), env.export_ndjson());
}

#[test]
fn a_restore_into_a_path_another_restore_is_writing_is_refused_and_leaves_its_copy() {
    let (env, backup) = backed_up_example();
    let target = env.path("new-db");
    let staged = env.path("new-db.restoring");
    let other = copy_in_progress_at(&staged);
    let args = [
        "--db",
        target.to_str().unwrap(),
        "restore",
        backup.to_str().unwrap(),
    ];
    let stderr = env.fail(3, args);
    assert_one_error_line(&stderr);
    assert!(stderr.contains("another factline process"), "{stderr}");
    assert!(staged.join("factline.staging").exists());
    assert!(!target.exists());

    drop(other);
    env.run_ok(args);
    assert!(!staged.exists());
    assert_eq!(export_of(&env, &target), export_of(&env, &backup));
}

/// Two restores of different backups into the same new path at once: each
/// either completes or is refused (exit 3), and the path ends up holding
/// one whole backup, with no working copy left behind.
#[test]
fn two_restores_into_one_new_path_at_once_never_mix_their_copies() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let first = env.path("first");
    env.run_ok(["backup", first.to_str().unwrap()]);
    env.run_ok(["source", "add", "A source only the second backup holds"]);
    let second = env.path("second");
    env.run_ok(["backup", second.to_str().unwrap()]);
    let dumps = [export_of(&env, &first), export_of(&env, &second)];
    for round in 0..6 {
        let target = env.path(&format!("target-{round}"));
        let children: Vec<_> = [&first, &second]
            .iter()
            .map(|backup| {
                env.std_cmd()
                    .args(["--db", target.to_str().unwrap(), "restore"])
                    .arg(backup)
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut succeeded = 0;
        for child in children {
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            match out.status.code() {
                Some(0) => succeeded += 1,
                Some(3) => assert_one_error_line(&stderr),
                other => panic!("round {round}: exit {other:?}: {stderr}"),
            }
        }
        assert!(succeeded >= 1, "round {round}: both restores failed");
        assert!(
            dumps.contains(&export_of(&env, &target)),
            "round {round}: the restored database is neither backup"
        );
        let check = env.output(["--db", target.to_str().unwrap(), "check"]);
        assert!(check.status.success(), "round {round}: {check:?}");
        let left: Vec<_> = env
            .names()
            .into_iter()
            .filter(|name| name.starts_with(&format!("target-{round}.")))
            .filter(|name| !name.contains(".before-restore-"))
            .collect();
        assert!(left.is_empty(), "round {round}: left behind {left:?}");
    }
}

#[cfg(unix)]
fn mode_of(dir: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(dir).unwrap().permissions().mode() & 0o7777
}

#[cfg(unix)]
fn set_mode(dir: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A database the user made private or read-only keeps its permissions
/// through a compact and a restore, and its backups get them too.
#[cfg(unix)]
#[test]
fn compact_and_restore_keep_the_database_directorys_permissions() {
    let (env, backup) = backed_up_example();
    let dump = env.export_ndjson();
    set_mode(env.db(), 0o700);
    env.run_ok(["compact"]);
    assert_eq!(mode_of(env.db()), 0o700);
    assert_eq!(env.export_ndjson(), dump);

    // A read-only directory: only a user whom permissions do not stop
    // (root, as in CI) can compact it; for anyone else sled cannot write.
    set_mode(env.db(), 0o555);
    if std::fs::write(env.db().join("probe"), "").is_ok() {
        std::fs::remove_file(env.db().join("probe")).unwrap();
        env.run_ok(["compact"]);
        assert_eq!(mode_of(env.db()), 0o555);
        assert!(!env.path("db.compacting").exists());
        assert_eq!(env.export_ndjson(), dump);
    }

    set_mode(env.db(), 0o750);
    env.run_ok(["restore", backup.to_str().unwrap()]);
    assert_eq!(mode_of(env.db()), 0o750);
    assert_eq!(env.export_ndjson(), dump);

    // Files made private stay private; a database owned by another user
    // (compacted or restored by root) stays theirs.
    for entry in std::fs::read_dir(env.db()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            set_mode(&path, 0o600);
        }
    }
    let other_owner = std::os::unix::fs::chown(env.db(), Some(65534), Some(65534)).is_ok();
    env.run_ok(["compact"]);
    env.run_ok(["restore", backup.to_str().unwrap()]);
    for entry in std::fs::read_dir(env.db()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            assert_eq!(mode_of(&path), 0o600, "{}", path.display());
        }
    }
    if other_owner {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(env.db()).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (65534, 65534));
        let file = std::fs::metadata(env.db().join("db")).unwrap();
        assert_eq!((file.uid(), file.gid()), (65534, 65534));
        std::os::unix::fs::chown(env.db(), Some(0), Some(0)).unwrap();
    }
    assert_eq!(env.export_ndjson(), dump);

    // A backup of a private database is private too.
    set_mode(env.db(), 0o700);
    let private = env.path("private-backup");
    env.run_ok(["backup", private.to_str().unwrap()]);
    assert_eq!(mode_of(&private), 0o700);
    for aside in env.set_aside() {
        set_mode(&aside, 0o755);
    }
}

#[test]
fn backup_restore_and_compact_report_in_json() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let dest = env.path("backup");
    let backup = env.json(["backup", dest.to_str().unwrap()]);
    assert_eq!(backup["backup"], dest.display().to_string(), "{backup}");
    assert!(backup["bytes"].as_u64().unwrap() > 0, "{backup}");
    assert!(backup["keys_checked"].as_u64().unwrap() > 100, "{backup}");

    let compacted = env.json(["compact"]);
    assert!(
        compacted["bytes_after"].as_u64().unwrap() > 0,
        "{compacted}"
    );
    assert!(
        compacted["keys_copied"].as_u64().unwrap() > 0,
        "{compacted}"
    );
    assert_eq!(compacted["database"], env.db().display().to_string());

    let restored = env.json(["restore", dest.to_str().unwrap()]);
    assert_eq!(restored["restored_from"], dest.display().to_string());
    let kept = restored["replaced_kept_in"].as_str().unwrap();
    assert_eq!(env.set_aside(), vec![Path::new(kept).to_path_buf()]);

    let fresh = env.path("fresh");
    let args = [
        "--db",
        fresh.to_str().unwrap(),
        "restore",
        dest.to_str().unwrap(),
    ];
    let into_new = env.json(args);
    assert_eq!(into_new["replaced_kept_in"], serde_json::Value::Null);

    // A format these commands do not write is refused before any work.
    let stderr = env.fail(
        2,
        [
            "backup",
            env.path("other").to_str().unwrap(),
            "--format",
            "ndjson",
        ],
    );
    assert!(stderr.contains("--format ndjson"), "{stderr}");
    assert!(!env.path("other").exists());
}

/// A backup that waited for the database (`--wait`) while another process
/// filled its destination refuses once it has the lock, and leaves no
/// working copy.
#[test]
fn a_backup_whose_destination_was_filled_while_it_waited_is_refused() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let dest = env.path("late");
    let held = factline::store::Store::open(env.db(), factline::store::Access::Write)
        .expect("open the database in the test");
    // Once it says it waits for the database, fill its destination.
    let (mut waiting, mut stderr) = env.spawn_waiting(&["backup", dest.to_str().unwrap()]);
    std::fs::create_dir(&dest).unwrap();
    std::fs::write(dest.join("notes.txt"), "mine").unwrap();
    drop(held);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let status = waiting.wait().unwrap();
    assert_eq!(status.code(), Some(2), "{rest}");
    assert!(
        rest.contains("was filled while this backup waited"),
        "{rest}"
    );
    assert_eq!(
        std::fs::read_to_string(dest.join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(!env.path("late.partial").exists());
}

/// Found in review: a restore killed between its swap and moving the
/// replaced database aside leaves that database at `DB.restoring`,
/// unmarked; when it was damaged (not a whole database), the next restore
/// took it for an incomplete copy and deleted it. Database files without
/// the marker are kept aside now, whatever their state.
#[test]
fn a_damaged_database_an_interrupted_restore_left_is_kept() {
    let (env, backup) = backed_up_example();
    let staged = env.path("db.restoring");
    std::fs::create_dir(&staged).unwrap();
    // sled's main file alone: not a whole database.
    std::fs::copy(env.db().join("db"), staged.join("db")).unwrap();
    let (_, stderr) = env.run_ok_with_stderr(["restore", backup.to_str().unwrap()]);
    assert!(
        stderr.contains("kept the database an interrupted restore left"),
        "{stderr}"
    );
    let kept: Vec<_> = env
        .set_aside()
        .into_iter()
        .filter(|dir| dir.join("db").exists() && !dir.join("conf").exists())
        .collect();
    assert_eq!(kept.len(), 1, "{:?}", env.names());
    assert!(!staged.exists());
}

/// A copy of the directory `from` at `to`, files and all.
fn copy_dir(from: &Path, to: &Path) {
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(status.success());
}

/// bb17 #01: a `backup` killed while it copied leaves `DEST.partial`,
/// marked as a copy in progress; sled reads its `db` file, cut short, as an
/// empty database. `restore DEST.partial` took it and put an empty
/// database in place of a 300,000-event one, exit 0. A marked copy (of a
/// backup, or the `DB.compacting` of a killed compact) is refused now, and
/// so is a source that holds no whole database (no schema version); the
/// database stays as it was, with nothing set aside.
#[test]
fn a_restore_from_a_copy_an_interrupted_command_left_is_refused_and_changes_nothing() {
    let (env, backup) = backed_up_example();
    let dump = env.export_ndjson();
    let partial = env.path("backup.partial");
    let compacting = env.path("db.compacting");
    for copy in [&partial, &compacting] {
        copy_dir(&backup, copy);
        std::fs::write(copy.join("factline.staging"), "a copy in progress\n").unwrap();
    }
    let with_copies = env.names();
    for copy in [&partial, &compacting] {
        let stderr = env.fail(2, ["restore", copy.to_str().unwrap()]);
        assert_one_error_line(&stderr);
        assert!(
            stderr.contains("is not a backup: it carries factline.staging"),
            "{stderr}"
        );
        assert_eq!(env.names(), with_copies);
        assert_eq!(env.export_ndjson(), dump);
    }
    // Nor is such a copy read as a database.
    let stderr = env.fail(
        2,
        ["--db", partial.to_str().unwrap(), "stats"].map(String::from),
    );
    assert!(stderr.contains("is not a database: it carries"), "{stderr}");
    // One another process is making: in progress (exit 3).
    std::fs::remove_dir_all(&partial).unwrap();
    let _held = copy_in_progress_at(&partial);
    let stderr = env.fail(3, ["restore", partial.to_str().unwrap()]);
    assert!(
        stderr.contains("is a copy another factline process"),
        "{stderr}"
    );

    // sled's files with nothing in them, as a copy cut short reads.
    let hollow = env.path("hollow");
    drop(testenv::pages::open(&hollow));
    std::thread::sleep(std::time::Duration::from_millis(200));
    let before = env.names();
    let stderr = env.fail(3, ["restore", hollow.to_str().unwrap()]);
    assert_one_error_line(&stderr);
    assert!(
        stderr.contains("cannot be restored") && stderr.contains("not a whole factline database"),
        "{stderr}"
    );
    assert_eq!(env.names(), before);
    assert_eq!(env.export_ndjson(), dump);
}

/// bb17 #03: `check --repair` on a mistyped path (or an empty directory)
/// opened it for writing, which created an empty database there, and
/// reported "ok". It refuses as `check` does, and creates nothing.
#[test]
fn check_repair_where_there_is_no_database_refuses_and_creates_nothing() {
    let env = TestEnv::new();
    env.run_ok(["-q", "example"]);
    let typo = env.path("dbb");
    let empty = env.path("empty");
    std::fs::create_dir(&empty).unwrap();
    for path in [&typo, &empty] {
        for format in ["table", "json"] {
            let stderr = env.fail(
                2,
                [
                    "--db",
                    path.to_str().unwrap(),
                    "check",
                    "--repair",
                    "--format",
                    format,
                ],
            );
            assert_one_error_line(&stderr);
            assert!(stderr.contains("no factline database at"), "{stderr}");
        }
    }
    assert!(!typo.exists());
    assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0);
}

/// bb17 #13: errors about the database path named the wrong problem. An
/// empty `FACTLINE_DB` blamed `--db`; `--db FILE` suggested `event add`,
/// which then refused the file; a database that lost sled's `conf` was "no
/// factline database" (exit 2) and `event add` called its `db` a stranger's
/// file. Each now names what is wrong, and the damaged database can be
/// restored.
#[test]
fn database_path_errors_name_the_real_problem() {
    let (env, backup) = backed_up_example();
    for args in [&["timeline"][..], &["--db", "x.db", "timeline"][..]] {
        let out = env
            .cmd()
            .env("FACTLINE_DB", "")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_one_error_line(&stderr);
        assert!(stderr.contains("FACTLINE_DB is set but empty"), "{stderr}");
    }

    let notes = env.write_file("notes.txt", "notes\n");
    for args in [
        &["timeline"][..],
        &["event", "add", "--title", "x", "--date", "2025"][..],
    ] {
        let stderr = env.fail(
            2,
            ["--db", notes.to_str().unwrap()]
                .iter()
                .chain(args)
                .collect::<Vec<_>>(),
        );
        assert_one_error_line(&stderr);
        assert!(
            stderr.contains("notes.txt is a file, not a factline database directory")
                && !stderr.contains("event add"),
            "{stderr}"
        );
    }

    let dump = env.export_ndjson();
    std::fs::remove_file(env.db().join("conf")).unwrap();
    for args in [
        &["timeline"][..],
        &["check"][..],
        &["check", "--repair"][..],
        &["event", "add", "--title", "x", "--date", "2025"][..],
    ] {
        let stderr = env.fail(3, args);
        assert_one_error_line(&stderr);
        assert!(
            stderr.contains("is damaged: sled's file") && stderr.contains("conf is missing"),
            "{args:?}: {stderr}"
        );
    }
    assert!(!env.db().join("conf").exists());
    env.run_ok(["-q", "restore", backup.to_str().unwrap()]);
    assert_eq!(env.export_ndjson(), dump);
}

/// bb17 #05: with TMPDIR naming a missing directory, a timeline or check
/// that sorts on disk, and any import, failed with "cannot create a run file
/// (temporary files of a bulk import)", exit 3: no TMPDIR, no path, an
/// import nobody ran, and the code of a database that cannot be used.
#[test]
fn a_missing_tmpdir_is_named_and_the_database_left_as_it_was() {
    let env = TestEnv::new();
    env.run_ok(["-q", "example"]);
    let dump = env.export_ndjson();
    env.write_file("one.csv", "date,title\n2025,One more\n");
    let missing = env.path("no-such-dir");
    for args in [
        &["timeline", "--format", "csv"][..],
        &["check"][..],
        &["import", "one.csv"][..],
    ] {
        let out = env
            .cmd()
            .env("TMPDIR", &missing)
            .env("FACTLINE_BULK_BUFFER_BYTES", "1000")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_one_error_line(&stderr);
        assert!(
            stderr.contains(&format!("in TMPDIR ({})", missing.display()))
                && !stderr.contains("import)"),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(env.export_ndjson(), dump);
}

/// Runs `args` under strace, killed (SIGKILL) at the first `syscall` that
/// names `path` (strace `-P`: the same moment on every run). False where
/// strace cannot run here; the test then says so and passes.
fn killed_at_syscall(env: &TestEnv, args: &[&str], syscall: &str, path: &Path) -> bool {
    let binary = assert_cmd::cargo::cargo_bin("factline");
    let out = std::process::Command::new("strace")
        .current_dir(env.root())
        .env("FACTLINE_DB", env.db())
        .args(["-f", "-qq", "-o", "/dev/null", "-P"])
        .arg(path)
        .args(["-e", &format!("trace={syscall}")])
        .args(["-e", &format!("inject={syscall}:signal=KILL:when=1")])
        .arg(binary)
        .args(args)
        .output();
    let killed = out.as_ref().is_ok_and(|out| {
        use std::os::unix::process::ExitStatusExt;
        out.status.signal() == Some(9) || out.status.code() == Some(137)
    });
    if !killed {
        eprintln!("skipped: cannot kill factline at a system call with strace here ({out:?})");
    }
    killed
}

/// bb24 #01: a `backup` killed after it renamed `DEST.partial` to `DEST`
/// but before it removed the mark of a copy in progress left a whole,
/// checked backup that `restore` refused as unfinished and `backup` would
/// not redo ("exists and is not empty"): only deleting it by hand got out.
/// Its mark now says that it is whole: it restores, and backing up again
/// replaces it.
#[test]
fn a_backup_killed_as_it_is_put_in_place_restores_and_is_redone() {
    let env = TestEnv::new();
    env.run_ok(["-q", "example"]);
    let dump = env.export_ndjson();
    let dest = env.path("backup");
    let arg = dest.to_str().unwrap();
    if !killed_at_syscall(
        &env,
        &["backup", arg],
        "unlink",
        &dest.join("factline.staging"),
    ) {
        return;
    }
    assert!(dest.join("factline.staging").exists());
    assert!(!env.path("backup.partial").exists());

    env.run_ok(["source", "add", "After the backup"]);
    env.run_ok(["restore", arg]);
    assert_eq!(env.export_ndjson(), dump);

    env.run_ok(["source", "add", "After the restore"]);
    let latest = env.export_ndjson();
    let (_, stderr) = env.run_ok_with_stderr(["backup", arg]);
    assert!(
        stderr.contains("replaced the backup in") && stderr.contains("interrupted"),
        "{stderr}"
    );
    assert!(!dest.join("factline.staging").exists());
    assert_eq!(export_of(&env, &dest), latest);
}

/// bb24 #01: after `backup` renamed its copy into place and removed its
/// mark, nothing was synced: a power cut after "backed up", exit 0, could
/// bring back `DEST.partial`, or a `DEST` still marked. Both the new name
/// (the parent directory) and the mark's removal (`DEST` itself) are
/// synced before the command reports.
#[test]
fn a_backup_syncs_its_name_and_the_removal_of_its_mark() {
    let env = TestEnv::new();
    env.run_ok(["-q", "example"]);
    let dest = env.path("backup");
    let Some(calls) = env.traced(
        &["-q", "backup", dest.to_str().unwrap()],
        "rename,unlink,fsync",
    ) else {
        return;
    };
    let root = env.root().canonicalize().unwrap();
    let at = |what: &dyn Fn(&str) -> bool| calls.iter().position(|line| what(line));
    let renamed = at(&|l| l.contains("rename(") && l.contains("backup.partial\", "))
        .expect("the rename of backup.partial");
    let unmarked = at(&|l| l.contains("unlink(") && l.contains("backup/factline.staging"))
        .expect("the removal of the mark");
    let synced = |dir: &Path, after: usize| {
        calls[after..]
            .iter()
            .any(|l| l.contains("fsync(") && l.contains(&format!("<{}>)", dir.display())))
    };
    assert!(synced(&root, renamed), "{calls:#?}");
    assert!(synced(&root.join("backup"), unmarked), "{calls:#?}");
}

/// bb24 #07: a `restore` killed right after its swap (before it moved the
/// database it replaced aside, or before it removed its mark) left every
/// later command reading the restored backup without a word, and the
/// replaced database, with the work done since the backup, at
/// `DB.restoring`, the name of restore's working copy. The next command
/// that opens the database finishes the restore: the replaced database
/// gets its `before-restore` name, and stderr says where it is.
#[test]
fn a_restore_killed_after_its_swap_is_finished_and_named_by_the_next_command() {
    let (env, backup) = backed_up_example();
    let restored = env.export_ndjson();
    let arg = backup.to_str().unwrap();
    let root = env.root().canonicalize().unwrap();
    // Killed before the replaced database leaves `db.restoring`, then
    // before the restored one loses its mark.
    let kills = [
        ("rename", root.join("db.restoring")),
        ("unlink", root.join("db/factline.staging")),
    ];
    for (round, (syscall, path)) in kills.iter().enumerate() {
        env.run_ok(["source", "add", &format!("Work after the backup {round}")]);
        let replaced = env.export_ndjson();
        if !killed_at_syscall(&env, &["restore", arg], syscall, path) {
            return;
        }
        assert!(env.db().join("factline.staging").exists(), "round {round}");
        let (_, stderr) = env.run_ok_with_stderr(["stats"]);
        assert!(
            stderr.contains("a `factline restore` was interrupted")
                && stderr.contains("holds the restored backup")
                && stderr.contains(".before-restore-"),
            "round {round}: {stderr}"
        );
        assert!(!env.path("db.restoring").exists(), "round {round}");
        assert!(!env.db().join("factline.staging").exists(), "round {round}");
        assert_eq!(env.export_ndjson(), restored, "round {round}");
        let kept: Vec<_> = env
            .set_aside()
            .into_iter()
            .filter(|dir| export_of(&env, dir) == replaced)
            .collect();
        assert_eq!(kept.len(), 1, "round {round}: {:?}", env.names());
        assert!(env.run_ok(["check"]).starts_with("ok"));
        // Said once: the next command has nothing to finish.
        let (_, stderr) = env.run_ok_with_stderr(["stats"]);
        assert!(!stderr.contains("interrupted"), "{stderr}");
    }
}

/// bb24 #02: a backup onto a full disk (a small USB stick) failed with
/// `cannot copy story.db/db: No space left on device`, and a restore into
/// a database whose disk had no room with `cannot copy bk/db: …`: each
/// named the file it read, so the user blamed the wrong disk. Each now
/// names the disk that is full (the backup's, the database's) and the
/// room it needs, exit 3, and leaves nothing behind.
#[test]
fn a_backup_or_restore_onto_a_full_disk_names_that_disk() {
    let (env, backup) = backed_up_example();
    let dump = env.export_ndjson();
    let Some(_usb) = testenv::SmallDisk::mount(env.path("usb"), "256k") else {
        return;
    };
    let dest = env.path("usb").join("story-backup");
    let stderr = env.fail(3, ["backup", dest.to_str().unwrap()]);
    assert_one_error_line(&stderr);
    assert!(
        stderr.contains(&format!("no space left on the disk of {}", dest.display()))
            && stderr.contains("MB")
            && !stderr.contains("cannot copy"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(env.path("usb")).unwrap().count(), 0);

    let Some(_disk) = testenv::SmallDisk::mount(env.path("disk"), "1m") else {
        return;
    };
    let db = env.path("disk").join("story.db");
    copy_dir(env.db(), &db);
    let stderr = env.fail(
        3,
        [
            "--db",
            db.to_str().unwrap(),
            "restore",
            backup.to_str().unwrap(),
        ],
    );
    assert_one_error_line(&stderr);
    assert!(
        stderr.contains(&format!(
            "no space left on the disk of database {}",
            db.display()
        )) && stderr.contains("the database is unchanged")
            && !stderr.contains("cannot copy"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(env.path("disk")).unwrap().count(),
        1,
        "only the database"
    );
    assert_eq!(export_of(&env, &db), dump);
}

/// bb24 #03: `compact` without room for its copy said `no space left on
/// the disk of database …/story.db.compacting` (its working copy, not the
/// database) and promised that "a change cut short is undone", though
/// compact changed nothing. It names the database and the room it needs.
#[test]
fn compact_without_room_names_the_database_and_changes_nothing() {
    let env = TestEnv::new();
    env.run_ok(["-q", "example"]);
    let dump = env.export_ndjson();
    let Some(_disk) = testenv::SmallDisk::mount(env.path("disk"), "1m") else {
        return;
    };
    let db = env.path("disk").join("story.db");
    copy_dir(env.db(), &db);
    let stderr = env.fail(3, ["--db", db.to_str().unwrap(), "compact"]);
    assert_one_error_line(&stderr);
    assert!(
        stderr.contains(&format!(
            "no space left on the disk of database {} for compact's copy",
            db.display()
        )) && stderr.contains("the database is unchanged")
            && !stderr.contains("compacting")
            && !stderr.contains("undone"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(env.path("disk")).unwrap().count(), 1);
    assert_eq!(export_of(&env, &db), dump);
}
