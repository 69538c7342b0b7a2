//! The schemas: `schema/ndjson.schema.json` describes what `export` writes
//! (every line of the example's dump validates against it; uses Python's
//! `jsonschema`, which `.ci/run` installs when missing), and
//! `schema/storage.md` the storage layout, whose earlier versions are
//! upgraded when a database is opened.

mod testenv;

use std::io::Write;
use std::process::{Command, Stdio};

use testenv::pages::{keys_under, rewrite_as_layout_3, rewrite_as_layout_4};
use testenv::TestEnv;

const VALIDATOR: &str = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for number, line in enumerate(sys.stdin, 1):
    for error in validator.iter_errors(json.loads(line)):
        bad += 1
        print(f"line {number}: {error.message}")
sys.exit(1 if bad else 0)
"#;

#[test]
fn every_dump_line_matches_the_json_schema() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    // Exercise fields the example leaves empty: a graded source, a link with
    // credibility and via, a retraction.
    env.run_ok(["source", "add", "Reuters", "--grade", "B"]);
    env.run_ok([
        "link",
        "2025-08-alaska-summit",
        "Reuters",
        "--credibility",
        "2",
        "--via",
        "axios",
        "--quote",
        "met in Alaska",
    ]);
    env.run_ok([
        "retract",
        "2025-russia-frames-child-returns",
        "--reason",
        "test",
    ]);
    let dump = env.export_ndjson();
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/ndjson.schema.json");
    let mut child = Command::new("python3")
        .args(["-c", VALIDATOR, schema])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs (with jsonschema: pip install jsonschema; .ci/run does it)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(dump.as_bytes())
        .expect("write the dump");
    let out = child.wait_with_output().expect("validator finishes");
    assert!(
        out.status.success(),
        "dump does not match schema/ndjson.schema.json:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A database whose names and titles hold letters that Unicode does not
/// decompose (`ł`, `ı`, `ø`, `ß`), some spelled plainly, with a retracted
/// actor and event (they own no index entries), and the CSV rows without
/// ids that made its events.
fn special_letters_env() -> (TestEnv, std::path::PathBuf) {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    env.run_ok([
        "actor",
        "add",
        "Alaksandr Łukaszenka",
        "--alias",
        "Łukaszenka",
    ]);
    env.run_ok(["actor", "add", "Kemal Kılıçdaroğlu", "--id", "kılıçdaroğlu"]);
    env.run_ok(["actor", "add", "Þórður Æsir"]);
    env.run_ok(["retract", "thordur-aesir", "--reason", "test"]);
    let csv = env.write_file(
        "rows.csv",
        "date,title,actors\n\
         2025-12-01,Łukaszenka and Støre meet in Oslo,Łukaszenka; Jonas Gahr Støre\n\
         2025-12-02,Talks at the Straße,Kemal Kılıçdaroğlu; Witkoff\n\
         2025-12-03,Plain talks,Witkoff; Umerov\n\
         2025-12-04,Đoković retracted,Witkoff\n",
    );
    env.run_ok(["import", csv.to_str().unwrap()]);
    env.run_ok([
        "retract",
        "2025-12-04-dokovic-retracted",
        "--reason",
        "test",
    ]);
    (env, csv)
}

/// What the upgrade must keep: the answers found by plain spellings, and
/// the index entries a new database holds.
fn upgraded_answers(env: &TestEnv) -> Vec<String> {
    vec![
        env.run_ok(["who-met", "Lukaszenka", "--format", "csv"]),
        env.run_ok(["timeline", "--actor", "kilicdaroglu", "--format", "csv"]),
        env.run_ok(["search", "strasse", "--format", "csv"]),
        env.run_ok(["actor", "show", "Jonas Gahr Store", "--format", "json"]),
    ]
}

/// Layout 5 folds the letters Unicode does not decompose (`ł`, `ı`, `ø`,
/// `ß`…) to their base letters; layouts 3 and 4 kept them in the name and
/// timeline keys they stored. Opening such a database upgrades it (and
/// says so): the plain spellings then find the actors, `check` passes, the
/// keys are those a new database holds, and re-importing the rows without
/// ids finds their events.
#[test]
fn a_layout_3_or_4_database_is_upgraded_to_the_new_folding_when_opened() {
    for layout in [4, 3] {
        let (env, csv) = special_letters_env();
        let csv = csv.to_str().unwrap();
        let dump = env.export_ndjson();
        let answers = upgraded_answers(&env);
        let (names, timeline) = (keys_under(env.db(), b'n'), keys_under(env.db(), b't'));
        assert!(names
            .iter()
            .any(|k| k.starts_with(b"nlukaszenka\0alaksandr-lukaszenka")));

        if layout == 4 {
            // 5 spellings of 3 live actors (name and alias, name and id,
            // name) and 2 live events' titles.
            assert_eq!(rewrite_as_layout_4(env.db()), 7);
        } else {
            rewrite_as_layout_3(env.db());
            assert!(!keys_under(env.db(), b'm').is_empty());
        }
        let stored = keys_under(env.db(), b'n');
        assert!(stored.contains(&"nłukaszenka\0alaksandr-lukaszenka".as_bytes().to_vec()));
        assert!(!stored.iter().any(|k| k.starts_with(b"nthordur")));

        let (out, stderr) = env.run_ok_with_stderr(["who-met", "Lukaszenka", "--format", "csv"]);
        assert!(
            stderr.contains("upgraded database")
                && stderr.contains(&format!("from storage layout {layout} to 5")),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert_eq!(out, answers[0]);
        assert_eq!(upgraded_answers(&env), answers);
        assert_eq!(keys_under(env.db(), b'n'), names);
        assert_eq!(keys_under(env.db(), b't'), timeline);
        assert!(keys_under(env.db(), b'm').is_empty());
        assert!(env.run_ok(["check"]).starts_with("ok"));
        assert_eq!(env.export_ndjson(), dump);
        // Upgraded once: the next command says nothing of it.
        let (_, stderr) = env.run_ok_with_stderr(["timeline"]);
        assert!(!stderr.contains("upgraded"), "{stderr}");
        // The rows without ids find their events; a plain spelling of a
        // name is the actor it names.
        let (_, stderr) = env.run_ok_with_stderr(["import", csv]);
        assert!(
            stderr.contains("0 added, 0 updated, 3 unchanged"),
            "{stderr}"
        );
        assert_eq!(env.export_ndjson(), dump);
        let stderr = env.fail(2, ["actor", "add", "Kemal Kilicdaroglu"]);
        assert!(stderr.contains("already names actor"), "{stderr}");
    }
}

/// An upgrade is one bulk change under the undo log: killed between two of
/// its page batches, it is undone at the next open, which upgrades again.
/// (`FACTLINE_CRASH_AFTER_BATCHES` aborts in debug builds only.)
#[test]
fn a_killed_upgrade_is_undone_and_done_again_at_the_next_open() {
    let env = TestEnv::new();
    let mut csv = String::from("date,title,actors\n");
    for i in 0..300 {
        csv.push_str(&format!(
            "2025-{:02}-{:02},Spotkanie w Łodzi {i},Łukasz {i:03}; Straße {i:03}\n",
            i % 12 + 1,
            i % 28 + 1
        ));
    }
    let csv = env.write_file("rows.csv", &csv);
    env.run_ok(["import", csv.to_str().unwrap()]);
    let dump = env.export_ndjson();
    let answers = [
        env.run_ok(["timeline", "--actor", "lukasz 007", "--format", "csv"]),
        env.run_ok(["who-met", "strasse 123", "--format", "csv"]),
    ];
    let (names, timeline) = (keys_under(env.db(), b'n'), keys_under(env.db(), b't'));
    assert_eq!(rewrite_as_layout_4(env.db()), 900);
    let layout_4 = (keys_under(env.db(), b'n'), keys_under(env.db(), b't'));

    let out = env
        .std_cmd()
        .env("FACTLINE_BULK_BATCH_BYTES", "20000")
        .env("FACTLINE_CRASH_AFTER_BATCHES", "2")
        .args(["timeline"])
        .output()
        .unwrap();
    assert!(out.status.code().is_none(), "expected a crash: {out:?}");
    // The first batch is on disk (the second's undo log was flushed after it).
    let half = (keys_under(env.db(), b'n'), keys_under(env.db(), b't'));
    assert!(half != layout_4, "the first batch was written");

    let (out, stderr) =
        env.run_ok_with_stderr(["timeline", "--actor", "lukasz 007", "--format", "csv"]);
    // Said to be the upgrade it was, not an import the user never ran.
    assert!(
        stderr.contains(
            "an upgrade of the storage layout was interrupted before it finished and has been undone"
        ) && stderr.contains("it starts again now"),
        "{stderr}"
    );
    assert!(!stderr.contains("an import"), "{stderr}");
    assert!(
        stderr.contains("from storage layout 4 to 5 (300 events and 600 actors"),
        "{stderr}"
    );
    assert_eq!(out, answers[0]);
    assert_eq!(
        env.run_ok(["who-met", "strasse 123", "--format", "csv"]),
        answers[1]
    );
    assert_eq!(keys_under(env.db(), b'n'), names);
    assert_eq!(keys_under(env.db(), b't'), timeline);
    assert!(env.run_ok(["check"]).starts_with("ok"));
    assert_eq!(env.export_ndjson(), dump);
}
