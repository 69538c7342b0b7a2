//! `factline check` finds damaged indexes and history.

mod testenv;

use testenv::pages::{damage, garble_page, keys_under, rewrite_as_layout_3, stored_pages};
use testenv::TestEnv;

/// Puts `key` first in the database's last page, where it does not belong.
fn misfile(env: &TestEnv, key: &[u8]) {
    let db = sled::open(env.db()).expect("open the database with sled");
    let pages = db.open_tree("pages").expect("the pages tree");
    let (page_key, bytes) = pages.last().expect("readable").expect("a page");
    let page = factline::codec::decode_page(&bytes).expect("a page");
    let mut out = factline::codec::PageWriter::default();
    out.push(key, b"");
    for (k, v) in page.entries() {
        out.push(k, v);
    }
    pages.insert(page_key, out.finish()).expect("write");
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
    damage(env.db(), |entries| {
        let key = entries
            .keys()
            .find(|k| k.starts_with(b"x"))
            .expect("an actor-event entry")
            .clone();
        entries.remove(&key);
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
    damage(env.db(), |entries| {
        entries.insert(b"t\xff\xff\xff junk".to_vec(), Vec::new());
        entries.insert(b"eno-such-event".to_vec(), b"\x01\xff\xff".to_vec());
    });
    let out = env.cmd().arg("check").assert().code(1).get_output().clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("belongs to no record"), "{stdout}");
    assert!(stdout.contains("e/no-such-event"), "{stdout}");
}

#[test]
fn an_entry_in_the_wrong_page_is_reported() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    misfile(&env, b"a");
    let out = env.cmd().arg("check").assert().code(1).get_output().clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("does not start with its own key") && stdout.contains("overlaps"),
        "{stdout}"
    );
}

#[test]
fn repair_rebuilds_damaged_indexes_from_the_records() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let who_met = env.run_ok(["who-met", "witkoff", "--format", "csv"]);
    let dump = env.export_ndjson();
    damage(env.db(), |entries| {
        // Lose every index entry of one actor and add a stray timeline entry.
        entries.retain(|key, _| !key.starts_with(b"xsteve-witkoff\0"));
        entries.insert(b"t\xff\xff\xff junk".to_vec(), Vec::new());
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
    damage(env.db(), |entries| {
        let (_, value) = entries
            .iter_mut()
            .find(|(key, _)| key.starts_with(b"e"))
            .expect("an event record");
        *value = b"\x01\xff\xff".to_vec();
    });
    let out = env.cmd().args(["check", "--repair"]).assert().code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("cannot be decoded"), "{stderr}");
    // Nothing was dropped: the damaged record is still there to be seen.
    env.cmd().arg("check").assert().code(1);
}

/// An event record damaged after its date (the part a timeline sorts by)
/// decodes far enough to be sorted, and fails when it is read in order:
/// the timeline and its export name the record and fail, with no rows
/// cut short in silence, whichever thread reads it.
#[test]
fn a_record_damaged_after_its_date_fails_the_timeline_that_reads_it() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let mut damaged = String::new();
    damage(env.db(), |entries| {
        let (key, value) = entries
            .iter_mut()
            .filter(|(key, _)| key.starts_with(b"e"))
            .last()
            .expect("an event record");
        damaged = String::from_utf8_lossy(&key[1..]).into_owned();
        value.truncate(value.len() - 3);
    });
    let timeline = env
        .cmd()
        .args(["--format", "csv", "timeline"])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&timeline.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!("damaged record e/{damaged}")),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let out = env.root().join("timeline.csv");
    let export = env
        .cmd()
        .args(["export", "--format", "csv", "-o"])
        .arg(&out)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&export.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!("damaged record e/{damaged}")),
        "{stderr}"
    );
    assert!(!out.exists(), "a failed export left {}", out.display());
}

/// `check` sorts the index entries it expects on disk once they pass a
/// budget: with a budget small enough to spill many sorted runs it reports
/// exactly what it reports in memory, every kind of index damage included.
#[test]
fn a_check_sorted_in_many_runs_reports_what_one_in_memory_reports() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    damage(env.db(), |entries| {
        let actor_events: Vec<Vec<u8>> = entries
            .keys()
            .filter(|k| k.starts_with(b"x"))
            .cloned()
            .collect();
        assert!(actor_events.len() > 3);
        entries.remove(&actor_events[0]);
        entries.insert(actor_events[1].clone(), b"wrong".to_vec());
        entries.remove(actor_events.last().unwrap());
        entries.insert(b"t\xff\xff\xff junk".to_vec(), Vec::new());
    });
    let in_memory = env.cmd().arg("check").assert().code(1).get_output().clone();
    let spilled = env
        .cmd()
        .env("FACTLINE_BULK_BUFFER_BYTES", "2000")
        .args(["--verbose", "check"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let runs: usize = String::from_utf8_lossy(&spilled.stderr)
        .split(" spilled runs")
        .next()
        .and_then(|before| before.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("--verbose says how many runs were spilled");
    assert!(runs > 5, "{runs} runs");
    assert_eq!(
        String::from_utf8_lossy(&spilled.stdout),
        String::from_utf8_lossy(&in_memory.stdout)
    );
    let report = String::from_utf8_lossy(&in_memory.stdout);
    assert_eq!(report.matches("is missing").count(), 2, "{report}");
    assert_eq!(report.matches("has a wrong value").count(), 1, "{report}");
    assert_eq!(
        report.matches("belongs to no record").count(),
        1,
        "{report}"
    );
}

/// Stores a copy of the second entry of the first page as a page of its
/// own: two pages then hold that key, and the pages overlap.
fn overlap_pages(env: &TestEnv) {
    let db = sled::open(env.db()).expect("open the database with sled");
    let pages = db.open_tree("pages").expect("the pages tree");
    let (_, bytes) = pages.first().expect("readable").expect("a page");
    let page = factline::codec::decode_page(&bytes).expect("a page");
    let (key, value) = page.entries().nth(1).expect("two entries");
    let mut copy = factline::codec::PageWriter::default();
    copy.push(key, value);
    pages.insert(key, copy.finish()).expect("write");
    db.flush().expect("flush");
}

/// `check --repair` restores every answer and the whole dump from indexes
/// that lost entries (the whole timeline index among them) and gained
/// strays, with its sorts spilled in many runs: on sound pages by writing
/// only the entries that differ, on overlapping pages by rebuilding them all.
#[test]
fn a_repair_sorted_in_many_runs_restores_everything() {
    for overlapping in [false, true] {
        let env = TestEnv::new();
        env.run_ok(["example"]);
        let who_met = env.run_ok(["who-met", "witkoff", "--format", "csv"]);
        let timeline = env.run_ok(["timeline", "--format", "csv"]);
        let dump = env.export_ndjson();
        damage(env.db(), |entries| {
            entries
                .retain(|key, _| !key.starts_with(b"xsteve-witkoff\0") && !key.starts_with(b"t"));
            entries.insert(b"m stray natural key".to_vec(), Vec::new());
        });
        let report = env.cmd().arg("check").assert().code(1);
        let problems = String::from_utf8_lossy(&report.get_output().stdout)
            .lines()
            .count();
        if overlapping {
            overlap_pages(&env);
        }
        let out = env
            .cmd()
            .env("FACTLINE_BULK_BUFFER_BYTES", "2000")
            .args(["--verbose", "check", "--repair"])
            .assert()
            .success();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        let runs: Vec<usize> = stderr
            .split(" spilled runs")
            .filter_map(|before| before.rsplit(' ').next()?.parse().ok())
            .collect();
        assert!(runs.iter().any(|&n| n > 3), "{stderr}");
        let rewritten = format!("repair: {problems} index entries rewritten");
        assert_eq!(
            stderr.contains(&rewritten),
            !overlapping,
            "{rewritten}: {stderr}"
        );
        assert!(env.run_ok(["check"]).starts_with("ok"));
        assert_eq!(
            env.run_ok(["who-met", "witkoff", "--format", "csv"]),
            who_met
        );
        assert_eq!(env.run_ok(["timeline", "--format", "csv"]), timeline);
        assert_eq!(env.export_ndjson(), dump);
    }
}

#[test]
fn a_layout_3_database_is_upgraded_when_opened_and_loses_nothing() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    // Rows without ids: a re-import finds them by their natural key.
    let csv = env.write_file(
        "rows.csv",
        "date,title,actors\n\
         2025-12-01,\"Talks in Miami, again\",Witkoff; Umerov\n\
         2025-12,Ceasefire proposal,Zelenskyy\n",
    );
    let csv = csv.to_str().unwrap();
    env.run_ok(["import", csv]);
    // A retracted event owns no index entries, in either layout.
    env.run_ok([
        "retract",
        "2025-melania-trump-children-returned",
        "--reason",
        "test",
    ]);
    let dump = env.export_ndjson();
    let timeline = env.run_ok(["timeline", "--from", "2025-11", "--to", "2025-12"]);
    let layout_4_timeline_keys = keys_under(env.db(), b't');

    let (timeline_keys, natural_keys) = rewrite_as_layout_3(env.db());
    assert!(timeline_keys > 10 && natural_keys > 10);
    assert_eq!(keys_under(env.db(), b'm').len(), natural_keys);

    let (out, stderr) =
        env.run_ok_with_stderr(["timeline", "--from", "2025-11", "--to", "2025-12"]);
    assert!(
        stderr.contains("upgraded database") && stderr.contains("from storage layout 3 to 5"),
        "{stderr}"
    );
    assert_eq!(out, timeline);
    assert!(keys_under(env.db(), b'm').is_empty());
    assert_eq!(keys_under(env.db(), b't'), layout_4_timeline_keys);
    assert!(env.run_ok(["check"]).starts_with("ok"));
    assert_eq!(env.export_ndjson(), dump);
    // Upgraded once: the next command says nothing of it.
    let (_, stderr) = env.run_ok_with_stderr(["timeline"]);
    assert!(!stderr.contains("upgraded"), "{stderr}");
    // The natural keys still find the rows without ids.
    let (_, stderr) = env.run_ok_with_stderr(["import", csv]);
    assert!(
        stderr.contains("0 added, 0 updated, 2 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), dump);
}

/// Layout 4 retired the `m` keyspace: an entry left there (by a damaged
/// upgrade, or by hand) belongs to no record.
#[test]
fn a_leftover_natural_key_entry_is_reported_and_repaired() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let dump = env.export_ndjson();
    damage(env.db(), |entries| {
        entries.insert(
            b"m2025-12-02\x01talks in moscow\x01steve-witkoff\0talks".to_vec(),
            Vec::new(),
        );
    });
    let out = env.cmd().arg("check").assert().code(1).get_output().clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("m2025-12-02") && stdout.contains("belongs to no record"),
        "{stdout}"
    );
    env.run_ok(["check", "--repair"]);
    assert!(keys_under(env.db(), b'm').is_empty());
    assert!(env.run_ok(["check"]).starts_with("ok"));
    assert_eq!(env.export_ndjson(), dump);
}

/// A database of 600 meetings among ten actors: enough participations
/// (`x` entries) to fill many pages.
fn many_pages_env() -> TestEnv {
    let env = TestEnv::new();
    let names = [
        "Witkoff",
        "Umerov",
        "Kushner",
        "Rubio",
        "Zelenskyy",
        "Yermak",
        "Dmitriev",
        "Lavrov",
        "Putin",
        "Driscoll",
    ];
    let mut csv = String::from("id,date,title,kind,status,actors\n");
    for i in 0..600 {
        let (a, b, c) = (
            names[i % 10],
            names[(i * 7 + 1) % 10],
            names[(i * 3 + 2) % 10],
        );
        let actors = if a == b || b == c || a == c {
            format!("{a}; {}", names[(i + 5) % 10])
        } else {
            format!("{a}; {b}; {c}")
        };
        csv.push_str(&format!(
            "m{i:04},2024-{:02}-{:02},\"Talks, round {i}, on the \"\"framework\"\"\",talks,occurred,{actors}\n",
            i % 12 + 1,
            i % 28 + 1
        ));
    }
    let file = env.write_file("meetings.csv", &csv);
    env.run_ok(["import", file.to_str().unwrap()]);
    env
}

/// The answers a repair must give back: who-met, the timeline, the dump.
fn answers(env: &TestEnv) -> [String; 3] {
    [
        env.run_ok(["who-met", "witkoff", "--format", "csv"]),
        env.run_ok(["timeline", "--format", "csv"]),
        env.export_ndjson(),
    ]
}

/// A page between two pages of participations holds only participations.
fn participations_only(page: &[u8], next: Option<&[u8]>) -> bool {
    page.starts_with(b"x") && next.is_some_and(|next| next.starts_with(b"x"))
}

/// A page of participations that cannot be read: `check` names it and says
/// what it could not check; the repair rebuilds it from the event records,
/// losing nothing.
#[test]
fn an_unreadable_page_is_reported_by_check_and_rebuilt_by_repair() {
    let env = many_pages_env();
    let before = answers(&env);
    garble_page(env.db(), participations_only);

    let out = env.cmd().arg("check").assert().code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].starts_with("page x") && lines[0].contains("cannot be read"),
        "{stdout}"
    );
    assert!(
        lines[1].contains("1 page(s) cannot be read") && lines[1].contains("check --repair"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    testenv::assert_one_error_line(&stderr);

    let (stdout, stderr) = env.run_ok_with_stderr(["check", "--repair"]);
    assert!(stdout.starts_with("ok: "), "{stdout}");
    assert!(
        stderr.contains("it held only index entries, rebuilt from the records"),
        "{stderr}"
    );
    assert!(stderr.contains("`factline compact` gives back"), "{stderr}");
    assert_eq!(answers(&env), before);
    env.run_ok(["compact"]);
    assert_eq!(answers(&env), before);
    assert!(keys_under(env.db(), b'x').len() > 1000);
}

/// A page of records that cannot be read loses its records: the repair
/// says so, keeps everything else, and leaves a database that passes.
#[test]
fn a_repair_of_an_unreadable_record_page_says_what_is_lost() {
    let env = many_pages_env();
    let events_before = env.run_ok(["timeline", "--format", "csv"]).lines().count();
    garble_page(env.db(), |page, next| {
        page.starts_with(b"e") && next.is_some_and(|next| next.starts_with(b"e"))
    });
    let (stdout, stderr) = env.run_ok_with_stderr(["check", "--repair"]);
    assert!(stdout.starts_with("ok: "), "{stdout}");
    assert!(
        stderr.contains("its entries are lost: restore a backup or re-import a dump"),
        "{stderr}"
    );
    let events_after = env.run_ok(["timeline", "--format", "csv"]).lines().count();
    assert!(
        events_after < events_before && events_after > events_before / 2,
        "{events_before} events before, {events_after} after"
    );
}

/// Crashes `check --repair` after `batches` of its page batches (of about
/// 20 KB), then runs `check`: it must undo the repair, name it as the
/// repair it was, and report the damage again (exit code 1). Returns what
/// the check printed on stdout.
fn crash_repair_then_check(env: &TestEnv, batches: &str) -> String {
    let out = env
        .std_cmd()
        .env("FACTLINE_BULK_BATCH_BYTES", "20000")
        .env("FACTLINE_CRASH_AFTER_BATCHES", batches)
        .args(["check", "--repair"])
        .output()
        .unwrap();
    assert!(out.status.code().is_none(), "expected a crash: {out:?}");

    let out = env.cmd().arg("check").assert().code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr
            .contains("a `check --repair` was interrupted before it finished and has been undone"),
        "{stderr}"
    );
    assert!(!stderr.contains("an import"), "{stderr}");
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

/// A repair that rebuilds the pages and is killed between two of its page
/// batches is undone at the next open: the pages are back byte for byte,
/// the damage is reported again, and running the repair again completes it.
#[test]
fn a_repair_killed_while_rebuilding_pages_is_undone_at_the_next_open() {
    let env = many_pages_env();
    let before = answers(&env);
    garble_page(env.db(), participations_only);
    let damaged = stored_pages(env.db());

    let stdout = crash_repair_then_check(&env, "3");
    assert!(stdout.contains("cannot be read"), "{stdout}");
    assert_eq!(stored_pages(env.db()), damaged);

    let (stdout, stderr) = env.run_ok_with_stderr(["check", "--repair"]);
    assert!(stdout.starts_with("ok: "), "{stdout}");
    assert!(!stderr.contains("interrupted"), "{stderr}");
    assert_eq!(answers(&env), before);
}

#[test]
fn check_in_json_reports_the_problems_and_the_repair() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let healthy = env.json(["check"]);
    assert_eq!(healthy["ok"], true, "{healthy}");
    assert!(healthy["keys_checked"].as_u64().unwrap() > 100, "{healthy}");
    assert_eq!(healthy["problems"], serde_json::json!([]));
    assert_eq!(healthy["database"], env.db().display().to_string());

    damage(env.db(), |entries| {
        entries.insert(b"t\xff\xff\xff junk".to_vec(), Vec::new());
    });
    // Problems: still one JSON object on stdout, and exit code 1.
    let out = env
        .cmd()
        .args(["check", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], false, "{report}");
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{report}");
    assert!(
        problems[0]
            .as_str()
            .unwrap()
            .contains("belongs to no record"),
        "{report}"
    );

    let repaired = env.json(["check", "--repair"]);
    assert_eq!(repaired["ok"], true, "{repaired}");
    assert_eq!(repaired["repaired"], report["problems"], "{repaired}");

    // CSV: a header and one row.
    let csv = env.run_ok(["check", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("database,ok,keys_checked,problems,repaired,notes")
    );
    assert!(lines.next().unwrap().contains(",true,"), "{csv}");
    assert_eq!(lines.next(), None);

    let stderr = env.fail(2, ["check", "--format", "ndjson"]);
    assert!(stderr.contains("--format ndjson"), "{stderr}");
}

/// Found by black-box testing: the JSON report of a repair listed every
/// problem found as repaired, also those the check after it still finds.
#[test]
fn a_repair_reports_as_repaired_only_what_the_check_no_longer_finds() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    damage(env.db(), |entries| {
        // Repairable: a stray timeline entry. Not: an undecodable record.
        entries.insert(b"t\xff\xff\xff junk".to_vec(), Vec::new());
        let (_, value) = entries
            .iter_mut()
            .find(|(key, _)| key.starts_with(b"e"))
            .expect("an event record");
        *value = b"\x01\xff\xff".to_vec();
    });
    let out = env
        .cmd()
        .args(["check", "--repair", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let repaired = report["repaired"].as_array().unwrap();
    let left = report["problems"].as_array().unwrap();
    assert!(!left.is_empty(), "{report}");
    assert!(
        repaired
            .iter()
            .any(|p| p.as_str().unwrap().contains("belongs to no record")),
        "{report}"
    );
    assert!(repaired.iter().all(|p| !left.contains(p)), "{report}");
}

/// Found by black-box testing: `check --as-of` checked the past snapshot
/// and said "ok" for a damaged database.
#[test]
fn check_and_backup_refuse_as_of() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    for args in [
        &["--as-of", "2099-01-01", "check"][..],
        &["--as-of", "2020-01-01", "backup", "past"][..],
    ] {
        let stderr = env.fail(2, args);
        assert!(
            stderr.contains("--as-of shows the past"),
            "{args:?}: {stderr}"
        );
    }
    assert!(!env.path("past").exists());
}

/// Found by a black-box test: `check` did not verify the recorded longest
/// event span, from which window scans (`--from`, `--to`, `--on`) start. With
/// it lost, `timeline --on 2020` silently missed an event dated
/// `2014/2025-06` while `check` said ok and `--repair` found nothing.
#[test]
fn a_lost_longest_span_is_found_and_repaired() {
    let env = TestEnv::new();
    env.run_ok([
        "-q",
        "event",
        "add",
        "--id",
        "occupation",
        "--title",
        "Occupation",
        "--date",
        "2014/2025-06",
    ]);
    env.run_ok([
        "-q", "event", "add", "--id", "talks", "--title", "Talks", "--date", "2020-03",
    ]);
    let window = ["timeline", "--on", "2020", "--format", "csv"];
    let before = env.run_ok(window);
    assert!(before.contains("occupation"), "{before}");
    {
        let db = testenv::pages::open(env.db());
        let meta = db.open_tree("meta").expect("the meta tree");
        meta.remove(b"max_event_span_days").expect("remove");
        db.flush().expect("flush");
    }
    assert!(
        !env.run_ok(window).contains("occupation"),
        "the damage did nothing"
    );

    let out = env.output(["check"]);
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("the longest event spans 4198 days, but the database records 0"),
        "{report}"
    );
    let (_, stderr) = env.run_ok_with_stderr(["check", "--repair"]);
    assert!(stderr.contains("found 1 problem(s)"), "{stderr}");
    assert_eq!(env.run_ok(window), before);
    assert!(env.run_ok(["check"]).starts_with("ok: "));
}

/// A time interval that ends before it starts was stored by factline
/// before intervals were ordered by their instants; it is read back as
/// stored, so the event can be shown and corrected. `check` used to pass
/// such a database; it now names the event and says how to correct it. And
/// a dump holding it, as the current version or in the event's history,
/// was refused by `import` (`invalid date …`), so the database could not be
/// moved or rebuilt from its own export; the dump now carries it as stored.
#[test]
fn check_names_an_event_whose_stored_date_a_dump_could_not_carry() {
    let env = TestEnv::new();
    let id = env.run_ok([
        "event",
        "add",
        "--title",
        "Night talks",
        "--date",
        "2025-10-24T20:00:00Z/2025-10-24T22:00:00Z",
    ]);
    let id = id.trim();
    env.run_ok(["check"]);
    // As an earlier factline stored it: 22:00 to 20:00 UTC.
    let backwards = "2025-10-24T22:00:00Z/2025-10-24T20:00:00Z";
    damage(env.db(), |entries| {
        let key = format!("e{id}").into_bytes();
        let mut event: factline::model::Event =
            factline::codec::decode(&entries[&key]).expect("the event");
        event.date = factline::model::Date::parse_stored(backwards).expect("read as stored");
        entries.insert(key, factline::codec::encode(&event));
    });
    // The index entries that hold the date are made again from the record.
    env.output(["check", "--repair"]);

    let out = env.output(["check"]);
    assert_eq!(out.status.code(), Some(1));
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.contains(&format!(
            "event {id}: date {backwards}: interval ends before it starts"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("factline event edit {id} --date")),
        "{out}"
    );
    // The event is still shown; its dump imports, with the problem.
    assert!(env.run_ok(["timeline"]).contains("Night talks"));
    let dump = env.path("before.ndjson");
    env.run_ok(["export", "-o", dump.to_str().unwrap()]);
    let moved = TestEnv::new();
    moved.run_ok(["import", dump.to_str().unwrap()]);
    assert_eq!(moved.export_ndjson(), env.export_ndjson());
    assert_eq!(moved.output(["check"]).status.code(), Some(1));
    // The edit the message names puts it right.
    env.run_ok([
        "event",
        "edit",
        id,
        "--date",
        "2025-10-24T20:00:00Z/2025-10-24T22:00:00Z",
    ]);
    env.run_ok(["check"]);
    // The history keeps the version as it was, and travels in the dump.
    let dump = env.path("after.ndjson");
    env.run_ok(["export", "-o", dump.to_str().unwrap()]);
    let other = TestEnv::new();
    other.run_ok(["import", dump.to_str().unwrap()]);
    assert_eq!(other.export_ndjson(), env.export_ndjson());
    other.run_ok(["check"]);
    assert!(other.run_ok(["history", id]).contains(backwards));
}

/// The latest time a record was recorded is kept in `meta`, so that a clock
/// that goes back never records a new version before it. A database whose
/// kept time is earlier than a record (an older factline, which did not keep
/// it, wrote after this one) fails `check`, and the repair raises it; a
/// database without it (written by an older factline) has it worked out
/// from its records at the next write.
#[test]
fn check_reports_a_latest_recording_time_earlier_than_a_record() {
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
    let set_kept = |value: Option<i64>| {
        let db = testenv::pages::open(env.db());
        let meta = db.open_tree("meta").expect("the meta tree");
        match value {
            Some(micros) => meta.insert(b"recorded_until", &micros.to_be_bytes()),
            None => meta.remove(b"recorded_until"),
        }
        .expect("write meta");
        db.flush().expect("flush");
    };
    at("2025-11-20T12:00:00Z", &["actor", "add", "Steve Witkoff"]);
    // 2025-11-20T09:00:00Z
    set_kept(Some(1_763_629_200_000_000));
    let out = env.output(["check"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("a record was recorded at 2025-11-20T12:00:00Z, after the latest time the database records (meta recorded_until, 2025-11-20T09:00:00Z)"),
        "{report}"
    );
    let (_, stderr) = env.run_ok_with_stderr(["check", "--repair"]);
    assert!(stderr.contains("found 1 problem(s)"), "{stderr}");
    assert!(env.run_ok(["check"]).starts_with("ok: "));

    set_kept(None);
    assert!(env.run_ok(["check"]).starts_with("ok: "));
    at("2025-11-20T10:00:00Z", &["actor", "add", "Rustem Umerov"]);
    let dump = env.export_ndjson();
    assert_eq!(
        dump.matches(r#""recorded_at":"2025-11-20T12:00:00Z""#)
            .count(),
        2,
        "{dump}"
    );
    assert!(env.run_ok(["check"]).starts_with("ok: "));
}

/// A repair of index entries on sound pages (here every participation
/// lost) is a bulk change under the undo log. Killed between two of its
/// page batches, it was undone at the next open, but the notice called it
/// "an import". It is named as the repair it was, and running the repair
/// again completes it.
#[test]
fn a_repair_of_index_entries_killed_midway_is_named_when_it_is_undone() {
    let env = many_pages_env();
    let before = answers(&env);
    damage(env.db(), |entries| {
        entries.retain(|key, _| !key.starts_with(b"x"))
    });
    let damaged = stored_pages(env.db());

    crash_repair_then_check(&env, "1");
    assert_eq!(stored_pages(env.db()), damaged);

    let (stdout, stderr) = env.run_ok_with_stderr(["check", "--repair"]);
    assert!(stdout.starts_with("ok: "), "{stdout}");
    assert!(!stderr.contains("interrupted"), "{stderr}");
    assert_eq!(answers(&env), before);
}

/// An event that links a source twice (a dump edited by hand before the
/// import refused it): `check` names it, and the repair gives the event a
/// new version with the first link only, the old one kept in its history,
/// so that the database's dump imports again.
#[test]
fn an_event_listing_a_source_twice_is_reported_and_repaired_by_a_new_version() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let id = "2022-us-sanctions-dmitriev";
    damage(env.db(), |entries| {
        let key = format!("e{id}").into_bytes();
        let mut event: factline::model::Event =
            factline::codec::decode(&entries[&key]).expect("the event");
        let mut again = event.sources[0].clone();
        again.via = Some("axios".into());
        event.sources.push(again);
        event.actors.push(event.actors[0].clone());
        entries.insert(key, factline::codec::encode(&event));
    });
    let out = env.output(["check"]);
    assert_eq!(out.status.code(), Some(1));
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.contains(&format!("event {id} sources: source isw is listed twice")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "event {id} actors: actor united-states is listed twice"
        )),
        "{out}"
    );

    env.run_ok(["check", "--repair"]);
    env.run_ok(["check"]);
    let event = env.json(["event", "show", id]);
    assert_eq!(event["version"], 2, "{event}");
    let history = env.run_ok(["--format", "json", "history", id]);
    assert!(
        history.contains("axios"),
        "the history keeps the link: {history}"
    );
    let dump = env.path("mended.ndjson");
    env.run_ok(["export", "-o", dump.to_str().unwrap()]);
    let moved = TestEnv::new();
    moved.run_ok(["import", dump.to_str().unwrap()]);
    assert_eq!(moved.export_ndjson(), env.export_ndjson());
}

/// A claim that contradicts itself, which `claim add` refuses (a dump
/// edited by hand before the import refused it): `check` names it.
#[test]
fn a_claim_contradicting_itself_is_reported() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let id = "2025-11-dmitriev-battlefield-leverage";
    damage(env.db(), |entries| {
        let key = format!("c{id}").into_bytes();
        let mut claim: factline::model::Claim =
            factline::codec::decode(&entries[&key]).expect("the claim");
        claim.contradicts.push(id.to_string());
        entries.insert(key, factline::codec::encode(&claim));
    });
    let out = env.output(["check"]);
    assert_eq!(out.status.code(), Some(1));
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.contains(&format!(
            "claim {id} contradicts names claim {id} itself; a claim cannot contradict itself"
        )),
        "{out}"
    );
}
