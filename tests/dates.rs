//! Integration tests for dates: EDTF ordering, window filtering, phrases,
//! the status lifecycle and how uncertain dates are shown. Every test runs
//! the real `factline` binary against its own temporary database.

mod testenv;

use serde_json::Value;
use testenv::{assert_one_error_line, TestEnv};

/// The ids of a JSON array of objects, in order.
fn ids(rows: &Value) -> Vec<String> {
    rows.as_array()
        .unwrap_or_else(|| panic!("not a JSON array: {rows}"))
        .iter()
        .map(|r| r["id"].as_str().expect("an id").to_string())
        .collect()
}

/// The row with this id in a JSON array of objects.
fn row<'a>(rows: &'a Value, id: &str) -> &'a Value {
    rows.as_array()
        .expect("a JSON array")
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no row {id} in {rows:#}"))
}

/// Adds an event with a fixed id and returns the id.
fn add(env: &TestEnv, id: &str, date: &str) -> String {
    add_with(env, id, date, &[])
}

/// Adds an event with a fixed id and extra options.
fn add_with(env: &TestEnv, id: &str, date: &str, extra: &[&str]) -> String {
    let mut args = vec!["event", "add", "--id", id, "--title", id, "--date", date];
    args.extend_from_slice(extra);
    let out = env.run_ok(&args);
    assert_eq!(out, format!("{id}\n"), "event add should print the id");
    id.to_string()
}

/// Runs a command with `FACTLINE_NOW` set to `now`, requiring success; returns stdout.
fn run_at(env: &TestEnv, now: &str, args: &[&str]) -> String {
    let out = env
        .cmd()
        .env("FACTLINE_NOW", now)
        .args(args)
        .output()
        .expect("run factline");
    assert!(
        out.status.success(),
        "factline {args:?} (FACTLINE_NOW={now}) failed with {}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

/// `timeline ARGS --format json` ids, sorted (for set comparisons).
fn window_ids(env: &TestEnv, args: &[&str]) -> Vec<String> {
    let mut all = vec!["timeline"];
    all.extend_from_slice(args);
    let mut got = ids(&env.json(&all));
    got.sort();
    got
}

fn sorted(items: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

// 1. Mixed precisions come out in the documented order.

#[test]
fn timeline_orders_mixed_precisions_as_documented() {
    let env = TestEnv::new();
    // Inserted in a scrambled order.
    add(&env, "e4", "2025-10-24/2025-10-26");
    add(&env, "e10", "2025-08-15T09:00:00Z");
    add(&env, "e1", "2025");
    add(&env, "e7", "2025-08~");
    add(&env, "e3", "2025-08-15");
    add(&env, "e9", "202X");
    add(&env, "e5", "2025-01/..");
    add(&env, "e2", "2025-08");
    add(&env, "e8", "2025-21");
    add(&env, "e6", "../2025-11");

    // The rules of schema/dates.md, "Order": earliest (open start first),
    // then latest (open end last), then precision (finer first), then text.
    //   e6  ../2025-11            earliest open            -> first
    //   e9  202X                  earliest 2020-01-01
    //   e1  2025                  2025-01-01 .. 2025-12-31
    //   e5  2025-01/..            2025-01-01 .. open       -> after e1 (latest open)
    //   e8  2025-21 (spring)      2025-03-01 .. 2025-05-31
    //   e7  2025-08~              2025-07-01 .. 2025-09-30 (widened a month each side)
    //   e2  2025-08               2025-08-01 .. 2025-08-31
    //   e3  2025-08-15            2025-08-15 .. 2025-08-15, Day
    //   e10 2025-08-15T09:00:00Z  same bounds and precision: text, "2025-08-15" is a prefix
    //   e4  2025-10-24/2025-10-26 2025-10-24 .. 2025-10-26
    let expected = ["e6", "e9", "e1", "e5", "e8", "e7", "e2", "e3", "e10", "e4"];

    let rows = env.json(["timeline"]);
    assert_eq!(ids(&rows), expected, "timeline order:\n{rows:#}");

    // Dates are kept exactly as written.
    assert_eq!(row(&rows, "e7")["date"], "2025-08~");
    assert_eq!(row(&rows, "e10")["date"], "2025-08-15T09:00:00Z");

    // Derived bounds.
    let bounds = |id: &str| {
        let r = row(&rows, id);
        (r["earliest"].clone(), r["latest"].clone())
    };
    assert_eq!(bounds("e2"), ("2025-08-01".into(), "2025-08-31".into()));
    assert_eq!(bounds("e5"), ("2025-01-01".into(), Value::Null));
    assert_eq!(bounds("e6"), (Value::Null, "2025-11-30".into()));
    assert_eq!(bounds("e7"), ("2025-07-01".into(), "2025-09-30".into()));
    assert_eq!(bounds("e8"), ("2025-03-01".into(), "2025-05-31".into()));
    assert_eq!(bounds("e9"), ("2020-01-01".into(), "2029-12-31".into()));
    assert_eq!(bounds("e4"), ("2025-10-24".into(), "2025-10-26".into()));
    assert_eq!(bounds("e10"), ("2025-08-15".into(), "2025-08-15".into()));

    // `event list` uses the same order.
    assert_eq!(ids(&env.json(["event", "list"])), expected);
}

// 2. Window filtering.

fn window_env() -> TestEnv {
    let env = TestEnv::new();
    add(&env, "month", "2025-08");
    add(&env, "day", "2025-08-15");
    add(&env, "october", "2025-10-24/2025-10-26");
    add(&env, "open-end", "2025-01/..");
    add(&env, "open-start", "../2025-11");
    add(&env, "y2024", "2024");
    env
}

#[test]
fn window_overlap_includes_month_day_and_open_ended() {
    let env = window_env();
    assert_eq!(
        window_ids(&env, &["--from", "2025-08-10", "--to", "2025-08-20"]),
        sorted(&["month", "day", "open-end", "open-start"])
    );
}

#[test]
fn window_strict_keeps_only_dates_certainly_inside() {
    let env = window_env();
    assert_eq!(
        window_ids(
            &env,
            &["--from", "2025-08-10", "--to", "2025-08-20", "--strict"]
        ),
        sorted(&["day"])
    );
}

#[test]
fn window_on_equals_from_and_to_the_same_day() {
    let env = window_env();
    let on = env.json(["timeline", "--on", "2025-08-15"]);
    let from_to = env.json(["timeline", "--from", "2025-08-15", "--to", "2025-08-15"]);
    assert_eq!(on, from_to);
    let mut got = ids(&on);
    got.sort();
    assert_eq!(got, sorted(&["month", "day", "open-end", "open-start"]));
}

#[test]
fn window_from_alone_includes_overlapping_range() {
    let env = window_env();
    // The October range ends 2025-10-26, after 2025-10-25: it may fall in the window.
    assert_eq!(
        window_ids(&env, &["--from", "2025-10-25"]),
        sorted(&["october", "open-end", "open-start"])
    );
}

#[test]
fn window_to_month_excludes_later_range() {
    let env = window_env();
    // --to 2025-08 reaches 2025-08-31.
    assert_eq!(
        window_ids(&env, &["--to", "2025-08"]),
        sorted(&["month", "day", "open-end", "open-start", "y2024"])
    );
}

#[test]
fn window_given_as_phrase_is_read_and_echoed() {
    let env = window_env();
    let (stdout, stderr) =
        env.run_ok_with_stderr(["timeline", "--from", "August 2025", "--format", "json"]);
    assert!(
        stderr.contains("\"August 2025\" read as 2025-08"),
        "stderr should echo the EDTF read from the phrase: {stderr}"
    );
    let mut got = ids(&serde_json::from_str(&stdout).expect("JSON"));
    got.sort();
    assert_eq!(
        got,
        sorted(&["month", "day", "october", "open-end", "open-start"])
    );

    let (stdout, stderr) = env.run_ok_with_stderr([
        "timeline",
        "--from",
        "August 2025",
        "--to",
        "September 2025",
        "--format",
        "json",
    ]);
    assert!(
        stderr.contains("\"September 2025\" read as 2025-09"),
        "stderr: {stderr}"
    );
    let mut got = ids(&serde_json::from_str(&stdout).expect("JSON"));
    got.sort();
    assert_eq!(got, sorted(&["month", "day", "open-end", "open-start"]));
}

// 3. Human input.

#[test]
fn phrases_are_stored_as_edtf_and_echoed() {
    let env = TestEnv::new();
    let cases = [
        ("miami", "24-26 October 2025", "2025-10-24/2025-10-26"),
        ("august", "August 2025", "2025-08"),
        ("since", "since January 2025", "2025-01/.."),
        ("turkiye", "19 November 2025", "2025-11-19"),
    ];
    for (id, phrase, edtf) in cases {
        let (stdout, stderr) =
            env.run_ok_with_stderr(["event", "add", "--id", id, "--title", id, "--date", phrase]);
        assert_eq!(stdout, format!("{id}\n"));
        assert!(
            stderr.contains(&format!("read as {edtf}")),
            "stderr should echo {edtf} for {phrase:?}: {stderr}"
        );
        let shown = env.json(["event", "show", id]);
        assert_eq!(shown["date"], edtf, "{phrase:?}");
    }
}

#[test]
fn before_and_after_leave_out_the_date_they_name() {
    let env = TestEnv::new();
    add(&env, "before-2025", "before 2025");
    add(&env, "after-2025", "after 2025");
    add(&env, "until-2025", "until 2025");
    add(&env, "since-2025", "since 2025");
    assert_eq!(
        env.json(["event", "show", "before-2025"])["date"],
        "../2024"
    );
    assert_eq!(env.json(["event", "show", "after-2025"])["date"], "2026/..");
    // Something that happened before 2025 cannot have happened in mid-2025.
    assert_eq!(
        window_ids(&env, &["--on", "2025-06"]),
        sorted(&["since-2025", "until-2025"])
    );
    assert_eq!(
        window_ids(&env, &["--on", "2024-12-31"]),
        sorted(&["before-2025", "until-2025"])
    );
    // Excluding an approximate date has no clear meaning: refused.
    let err = env.fail(
        2,
        [
            "event",
            "add",
            "--title",
            "t",
            "--date",
            "before about 2025",
        ],
    );
    assert_one_error_line(&err);
    assert!(err.contains("until"), "{err}");
}

#[test]
fn bad_dates_are_refused_and_nothing_is_written() {
    let env = TestEnv::new();
    add(&env, "baseline", "2025-08");
    let before = env.export_ndjson();
    let cases = [
        ("yesterday", "relative"),
        ("03/04/2025", "ambiguous"),
        ("2025-02-29", "does not exist"),
        ("2025-13-01", "month 13"),
        ("2025-10-26/2025-10-24", "ends before it starts"),
    ];
    for (date, mention) in cases {
        let stderr = env.fail(2, ["event", "add", "--title", "Bad date", "--date", date]);
        assert_one_error_line(&stderr);
        assert!(
            stderr.contains(mention),
            "refusing {date:?} should mention {mention:?}: {stderr}"
        );
        assert_eq!(env.export_ndjson(), before, "{date:?} wrote something");
    }
}

// 4. Status lifecycle.

#[test]
fn status_lifecycle_keeps_every_version() {
    let env = TestEnv::new();
    let id = "turkiye";
    let t1 = "2025-11-10T08:00:00Z";
    let t2 = "2025-11-18T09:30:00Z";
    let t3 = "2025-11-20T12:00:00Z";
    let t4 = "2025-11-22T16:45:00Z";

    run_at(
        &env,
        t1,
        &[
            "event",
            "add",
            "--id",
            id,
            "--title",
            "Witkoff to meet Zelenskyy in Türkiye",
            "--kind",
            "meeting",
            "--status",
            "scheduled",
            "--date",
            "2025-11-19",
        ],
    );

    run_at(&env, t2, &["event", "postpone", id, "--source", "Axios"]);
    let shown = env.json(["event", "show", id]);
    assert_eq!(shown["status"], "postponed");
    assert_eq!(shown["date"], "2025-11-19");
    let versions = shown["versions"].as_array().expect("versions array");
    assert_eq!(versions.len(), 2, "{shown:#}");
    assert_eq!(versions[0]["date"], "2025-11-19");
    assert_eq!(versions[0]["status"], "scheduled");
    assert_eq!(versions[0]["recorded_at"], t1);
    assert_eq!(versions[1]["status"], "postponed");
    assert_eq!(versions[1]["recorded_at"], t2);

    run_at(&env, t3, &["event", "reschedule", id, "--to", "2025-11-26"]);
    let shown = env.json(["event", "show", id]);
    assert_eq!(shown["status"], "rescheduled");
    assert_eq!(shown["date"], "2025-11-26");
    let versions = shown["versions"].as_array().expect("versions array");
    assert_eq!(versions.len(), 3, "{shown:#}");
    assert_eq!(versions[0]["date"], "2025-11-19");
    assert_eq!(versions[1]["date"], "2025-11-19");
    assert_eq!(versions[2]["date"], "2025-11-26");
    assert_eq!(versions[2]["recorded_at"], t3);

    run_at(&env, t4, &["event", "cancel", id]);
    let shown = env.json(["event", "show", id]);
    assert_eq!(shown["status"], "cancelled");
    assert_eq!(shown["version"], 4);
    assert_eq!(shown["recorded_at"], t4);
    let versions = shown["versions"].as_array().expect("versions array");
    let got: Vec<(u64, &str, &str, &str)> = versions
        .iter()
        .map(|v| {
            (
                v["version"].as_u64().expect("version"),
                v["recorded_at"].as_str().expect("recorded_at"),
                v["date"].as_str().expect("date"),
                v["status"].as_str().expect("status"),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (1, t1, "2025-11-19", "scheduled"),
            (2, t2, "2025-11-19", "postponed"),
            (3, t3, "2025-11-26", "rescheduled"),
            (4, t4, "2025-11-26", "cancelled"),
        ]
    );

    // The dump has every version, oldest first.
    let dump = env.export_ndjson();
    let lines: Vec<Value> = dump
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("NDJSON line"))
        .filter(|v| v["type"] == "event" && v["id"] == id)
        .collect();
    let got: Vec<(u64, &str, &str, &str)> = lines
        .iter()
        .map(|v| {
            (
                v["meta"]["version"].as_u64().expect("version"),
                v["meta"]["recorded_at"].as_str().expect("recorded_at"),
                v["date"].as_str().expect("date"),
                v["status"].as_str().expect("status"),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (1, t1, "2025-11-19", "scheduled"),
            (2, t2, "2025-11-19", "postponed"),
            (3, t3, "2025-11-26", "rescheduled"),
            (4, t4, "2025-11-26", "cancelled"),
        ],
        "dump:\n{dump}"
    );
    // The postponement's source was created and attached.
    assert_eq!(lines[1]["sources"][0]["source"], "axios");
    assert_eq!(lines[1]["sources"].as_array().map(Vec::len), Some(1));
}

#[test]
fn reschedule_without_to_cancel_with_to_and_unknown_event_are_refused() {
    let env = TestEnv::new();
    add_with(&env, "m", "2025-11-19", &["--status", "scheduled"]);
    let before = env.export_ndjson();

    let stderr = env.fail(2, ["event", "reschedule", "m"]);
    assert_one_error_line(&stderr);
    assert!(stderr.contains("--to"), "{stderr}");

    let stderr = env.fail(2, ["event", "postpone", "no-such-id"]);
    assert_one_error_line(&stderr);
    assert!(stderr.contains("no-such-id"), "{stderr}");

    // Cancelling keeps the planned date: a --to would have moved the
    // cancelled meeting to a date nothing was planned for.
    let stderr = env.fail(2, ["event", "cancel", "m", "--to", "2026-03-01"]);
    assert_one_error_line(&stderr);
    assert!(stderr.contains("reschedule"), "{stderr}");

    assert_eq!(env.export_ndjson(), before);
    env.run_ok(["event", "cancel", "m"]);
    let shown = env.json(["event", "show", "m"]);
    assert_eq!(
        (&shown["date"], &shown["status"]),
        (&"2025-11-19".into(), &"cancelled".into())
    );
}

// 5. Status and kind filters.

#[test]
fn timeline_filters_by_status_and_kind() {
    let env = TestEnv::new();
    add_with(
        &env,
        "scheduled-meeting",
        "2025-11-19",
        &["--kind", "meeting", "--status", "scheduled"],
    );
    add_with(
        &env,
        "postponed-meeting",
        "2025-11-20",
        &["--kind", "meeting", "--status", "scheduled"],
    );
    env.run_ok(["event", "postpone", "postponed-meeting"]);
    add_with(&env, "talks", "2025-10-24/2025-10-26", &["--kind", "talks"]);

    assert_eq!(
        ids(&env.json(["timeline", "--status", "postponed"])),
        ["postponed-meeting"]
    );
    assert_eq!(
        ids(&env.json(["timeline", "--kind", "meeting"])),
        ["scheduled-meeting", "postponed-meeting"]
    );
    assert_eq!(
        ids(&env.json(["timeline", "--kind", "meeting", "--status", "scheduled"])),
        ["scheduled-meeting"]
    );

    let stderr = env.fail(2, ["timeline", "--status", "postponned"]);
    assert_one_error_line(&stderr);
    assert!(stderr.contains("postponned"), "{stderr}");
    for status in [
        "occurred",
        "scheduled",
        "postponed",
        "cancelled",
        "rescheduled",
        "reported",
    ] {
        assert!(
            stderr.contains(status),
            "the refusal should list {status}: {stderr}"
        );
    }
}

// 6. Table display.

#[test]
fn table_shows_uncertain_dates_visibly_and_the_status() {
    let env = TestEnv::new();
    add(&env, "t-month", "2025-08");
    add(&env, "t-miami", "2025-10-24/2025-10-26");
    add(&env, "t-approx", "2025-08~");
    add(&env, "t-since", "2025-01/..");
    add_with(&env, "t-sched", "2025-11-19", &["--status", "scheduled"]);

    let table = env.run_ok(["timeline"]);
    let header = table.lines().next().expect("a header line");
    assert!(header.contains("date"), "{table}");
    assert!(header.contains("status"), "{table}");

    // The date cell is the first column of the row that names the id.
    let date_cell = |id: &str| -> String {
        let line = table
            .lines()
            .find(|l| l.split_whitespace().any(|w| w == id))
            .unwrap_or_else(|| panic!("no row for {id}:\n{table}"));
        let cells: Vec<&str> = line
            .trim()
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        cells[0].to_string()
    };
    assert_eq!(date_cell("t-month"), "Aug 2025", "{table}");
    assert_eq!(date_cell("t-miami"), "24–26 Oct 2025", "{table}");
    assert_eq!(date_cell("t-approx"), "~Aug 2025", "{table}");
    assert_eq!(date_cell("t-since"), "since Jan 2025", "{table}");

    let sched = table
        .lines()
        .find(|l| l.contains("t-sched"))
        .expect("scheduled row");
    assert!(sched.contains("scheduled"), "{table}");
    let month = table
        .lines()
        .find(|l| l.contains("t-month"))
        .expect("month row");
    assert!(month.contains("occurred"), "{table}");
}

// 7. The bundled example.

#[test]
fn example_keeps_vague_dates_and_the_postponed_meeting() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let rows = env.json(["timeline"]);

    assert_eq!(row(&rows, "2025-08-alaska-summit")["date"], "2025-08");
    let open: Vec<&Value> = rows
        .as_array()
        .expect("array")
        .iter()
        .filter(|r| r["date"] == "2025-01/..")
        .collect();
    assert!(!open.is_empty(), "no 2025-01/.. event:\n{rows:#}");
    assert!(open.iter().all(|r| r["latest"].is_null()));

    let umerov = rows
        .as_array()
        .expect("array")
        .iter()
        .find(|r| r["title"].as_str().is_some_and(|t| t.contains("Umerov")))
        .unwrap_or_else(|| panic!("no Umerov meeting:\n{rows:#}"));
    let date = umerov["date"].as_str().expect("date");
    assert!(
        date.contains('/') && !date.contains(".."),
        "the Umerov meeting should be a closed interval, got {date}"
    );
    assert!(umerov["earliest"].is_string() && umerov["latest"].is_string());
    assert_ne!(umerov["earliest"], umerov["latest"]);

    let id = "2025-11-19-witkoff-zelenskyy-turkiye";
    assert_eq!(row(&rows, id)["status"], "postponed");
    let shown = env.json(["event", "show", id]);
    assert_eq!(shown["status"], "postponed");
    let versions = shown["versions"].as_array().expect("versions");
    assert!(
        versions.iter().any(|v| v["status"] == "scheduled"),
        "{shown:#}"
    );
    assert_eq!(versions[0]["status"], "scheduled");
    assert_eq!(versions.last().expect("a version")["status"], "postponed");
}

/// The date `phrase` is stored as, through `event add` (echoed, then shown).
fn stored(env: &TestEnv, id: &str, phrase: &str) -> String {
    let (_, stderr) =
        env.run_ok_with_stderr(["event", "add", "--id", id, "--title", id, "--date", phrase]);
    let date = env.json(["event", "show", id])["date"]
        .as_str()
        .expect("a date")
        .to_string();
    assert!(stderr.contains(&format!("read as {date}")), "{stderr}");
    date
}

#[test]
fn comparatives_and_week_of_are_read_as_the_bounds_they_name() {
    let env = TestEnv::new();
    let cases = [
        ("a", "no later than 2025", "../2025"),
        ("b", "no later than November 2025", "../2025-11"),
        ("c", "Not later than 17 Nov 2025", "../2025-11-17"),
        ("d", "no later than 2025-11-17", "../2025-11-17"),
        ("e", "no earlier than August 2025", "2025-08/.."),
        ("f", "later than 2025", "2026/.."),
        ("g", "earlier than November 2025", "../2025-10"),
        // The seven days from the day named, whatever weekday it is.
        ("h", "week of 17 November 2025", "2025-11-17/2025-11-23"),
        (
            "i",
            "the week of November 19, 2025",
            "2025-11-19/2025-11-25",
        ),
        ("j", "in the week of 2025-12-29", "2025-12-29/2026-01-04"),
        (
            "k",
            "week of Monday 17 November 2025",
            "2025-11-17/2025-11-23",
        ),
    ];
    for (id, phrase, edtf) in cases {
        assert_eq!(stored(&env, id, phrase), edtf, "{phrase:?}");
    }
    // The same phrases work as a window.
    assert_eq!(
        window_ids(&env, &["--on", "week of 24 November 2025"]),
        sorted(&["a", "b", "e", "i"])
    );
}

#[test]
fn only_truly_relative_phrases_are_refused_as_relative() {
    let env = TestEnv::new();
    add(&env, "baseline", "2025-08");
    let before = env.export_ndjson();
    let cases = [
        ("no later than next week", "relative"),
        ("later this month", "relative"),
        ("week of yesterday", "relative"),
        ("last week", "relative"),
        // Absolute, but not a day a week can start on: named, not "relative".
        ("week of November 2025", "needs an exact day"),
        ("week of about 17 November 2025", "needs an exact day"),
        ("week of 17 November", "no year given"),
        (
            "week of Tuesday 17 November 2025",
            "is a Monday, not a Tuesday",
        ),
        ("week of 28 December 9999", "after 9999"),
        ("no later than", "missing"),
        ("the week of", "missing"),
        ("no later than soon", "not a date"),
    ];
    for (date, mention) in cases {
        let stderr = env.fail(2, ["event", "add", "--title", "Bad date", "--date", date]);
        assert_one_error_line(&stderr);
        assert!(
            stderr.contains(mention),
            "refusing {date:?} should mention {mention:?}: {stderr}"
        );
        if mention != "relative" {
            assert!(!stderr.contains("relative"), "{date:?}: {stderr}");
        }
        assert!(
            stderr.contains(&format!("\"{date}\"")),
            "{date:?}: {stderr}"
        );
        assert_eq!(env.export_ndjson(), before, "{date:?} wrote something");
    }
}

#[test]
fn a_time_interval_is_ordered_by_its_instants_not_its_days_as_written() {
    let env = TestEnv::new();
    add(&env, "baseline", "2025-08");
    let before = env.export_ndjson();
    for date in [
        // 22:00 to 20:00 UTC on the same day.
        "2025-10-24T22:00:00Z/2025-10-24T20:00:00Z",
        // 10:00 UTC to 12:00+05:00, which is 07:00 UTC.
        "2025-10-24T10:00:00Z/2025-10-24T12:00:00+05:00",
    ] {
        let stderr = env.fail(2, ["event", "add", "--title", "Talks", "--date", date]);
        assert_one_error_line(&stderr);
        assert!(stderr.contains("ends before it starts"), "{date}: {stderr}");
        assert_eq!(env.export_ndjson(), before, "{date:?} wrote something");
    }
    // 01:00+05:00 on the 25th is 20:00 UTC on the 24th, before 23:00 UTC.
    add(
        &env,
        "talks",
        "2025-10-25T01:00:00+05:00/2025-10-24T23:00:00Z",
    );
    add(
        &env,
        "evening",
        "2025-10-24T20:00:00Z/2025-10-24T22:00:00+01:00",
    );
    // It falls on both days as written.
    assert_eq!(
        window_ids(&env, &["--on", "2025-10-24"]),
        sorted(&["evening", "talks"])
    );
    assert_eq!(
        window_ids(&env, &["--on", "2025-10-25"]),
        sorted(&["talks"])
    );
}

#[test]
fn part_of_a_month_or_year_is_refused_with_what_to_write_instead() {
    let env = TestEnv::new();
    add(&env, "baseline", "2025-08");
    let before = env.export_ndjson();
    let cases = [
        ("late November 2025", "2025-11-21/2025-11-30"),
        ("early November 2025", "2025-11-01/2025-11-10"),
        ("mid-November 2025", "2025-11-11/2025-11-20"),
        ("late 2025", "2025-09/2025-12"),
    ];
    for (date, interval) in cases {
        let stderr = env.fail(2, ["event", "add", "--title", "Talks", "--date", date]);
        assert_one_error_line(&stderr);
        for mention in [
            format!("\"{date}\""),
            "cannot store exactly".to_string(),
            interval.to_string(),
        ] {
            assert!(
                stderr.contains(&mention),
                "{date:?} should mention {mention:?}: {stderr}"
            );
        }
        assert!(!stderr.contains("not a date factline can read"), "{stderr}");
        assert_eq!(env.export_ndjson(), before, "{date:?} wrote something");
    }
}

/// bb16 #01, #05: a winter named by its two years is the one winter, as
/// factline itself shows it ("winter 2025–26"), not winter 2025 up to the
/// end of 2026; a role's span reads it the same way; and "2024–25" is the
/// two years it names.
#[test]
fn a_winter_named_by_its_two_years_is_that_one_winter() {
    let env = TestEnv::new();
    let cases = [
        ("a", "winter 2025–2026", "2025-24"),
        ("b", "winter 2024-2025", "2024-24"),
        ("c", "winter 2025 – 2026", "2025-24"),
        // factline's own display of 2025-24 reads back.
        ("d", "winter 2025–26", "2025-24"),
        ("e", "about winter 2025-26", "2025-24~"),
        ("f", "2024–25", "2024/2025"),
        ("g", "1999 – 00", "1999/2000"),
    ];
    for (id, phrase, edtf) in cases {
        assert_eq!(stored(&env, id, phrase), edtf, "{phrase:?}");
    }
    let shown = env.run_ok(["timeline"]);
    assert!(shown.contains("winter 2025–26 "), "{shown}");
    assert!(!shown.contains("– 2026"), "{shown}");
    // Nothing of that winter falls in October 2026.
    assert_eq!(window_ids(&env, &["--on", "2026-10"]), Vec::<String>::new());
    assert_eq!(
        window_ids(&env, &["--on", "2026-02"]),
        sorted(&["a", "c", "d", "e"])
    );

    env.run_ok(["actor", "add", "Ukraine"]);
    env.run_ok([
        "actor",
        "add",
        "Ivan Third",
        "--role",
        "Minister @ Ukraine | winter 2024–2025",
    ]);
    let roles = env.json(["actor", "show", "Ivan Third"])["roles"].clone();
    assert_eq!(roles[0], "Minister → Ukraine (winter 2024–25)", "{roles}");

    let before = env.export_ndjson();
    for (date, mention) in [
        ("winter 2025–27", "winter 2025 is winter 2025–26"),
        ("summer 2025–26", "only a winter runs into the next year"),
        ("2024–23", "interval ends before it starts"),
    ] {
        let stderr = env.fail(2, ["event", "add", "--title", "Bad date", "--date", date]);
        assert_one_error_line(&stderr);
        assert!(stderr.contains(mention), "{date:?}: {stderr}");
        assert!(
            !stderr.contains("a day needs a month"),
            "{date:?}: {stderr}"
        );
        assert_eq!(env.export_ndjson(), before, "{date:?} wrote something");
    }
}

/// bb16 #03, #05: a reversed range of months is refused as its days are,
/// not stored as the twelve months from the year before; a start without
/// its year is in the year before only when the span is short, as across a
/// new year; and an end without its year says so.
#[test]
fn a_reversed_range_of_months_is_refused_and_a_missing_end_year_named() {
    let env = TestEnv::new();
    add(&env, "baseline", "2025-08");
    let before = env.export_ndjson();
    for (date, mention) in [
        ("November - October 2025", "2024-11/2025-10"),
        ("September-August 2025", "2024-09/2025-08"),
        ("26 October - 24 October 2025", "ends before it starts"),
        ("autumn - spring 2025", "ends before it starts"),
    ] {
        let stderr = env.fail(2, ["event", "add", "--title", "Talks", "--date", date]);
        assert_one_error_line(&stderr);
        assert!(
            stderr.contains("ends before it starts"),
            "{date:?}: {stderr}"
        );
        assert!(stderr.contains(mention), "{date:?}: {stderr}");
        assert_eq!(env.export_ndjson(), before, "{date:?} wrote something");
    }
    let stderr = env.fail(
        2,
        [
            "event",
            "add",
            "--title",
            "Talks",
            "--date",
            "30 December 2025 - 2 January",
        ],
    );
    assert_one_error_line(&stderr);
    assert!(stderr.contains("the end has no year"), "{stderr}");
    assert!(stderr.contains("2025-12-30/2026-01-02"), "{stderr}");
    assert!(!stderr.contains("ends before it starts"), "{stderr}");
    assert_eq!(env.export_ndjson(), before);
    // Across a new year, the start's year is still the year before.
    assert_eq!(
        stored(&env, "a", "December 30 - January 2, 2026"),
        "2025-12-30/2026-01-02"
    );
    assert_eq!(
        stored(&env, "b", "November - February 2026"),
        "2025-11/2026-02"
    );
}

/// bb16 #04: a day or days fixed in a month or year ("the last day of
/// November 2025", "last Friday of November 2025", "the first week of
/// November 2025", "weekend of 22-23 November 2025") are read as the days
/// they name, not refused as relative; what factline does not read (a
/// weekend named by its rank or one day) is refused naming why, with the
/// EDTF to write. A truly relative phrase is still refused as relative.
#[test]
fn days_fixed_in_a_month_or_year_are_read_not_refused_as_relative() {
    let env = TestEnv::new();
    let cases = [
        (
            "a",
            "weekend of 22-23 November 2025",
            "2025-11-22/2025-11-23",
        ),
        (
            "b",
            "the first week of November 2025",
            "2025-11-01/2025-11-07",
        ),
        (
            "c",
            "the last week of November 2025",
            "2025-11-24/2025-11-30",
        ),
        ("d", "the last day of November 2025", "2025-11-30"),
        ("e", "last Friday of November 2025", "2025-11-28"),
        ("f", "last week of 2025", "2025-12-25/2025-12-31"),
        (
            "g",
            "no later than the last day of November 2025",
            "../2025-11-30",
        ),
    ];
    for (id, phrase, edtf) in cases {
        assert_eq!(stored(&env, id, phrase), edtf, "{phrase:?}");
    }
    assert_eq!(
        window_ids(&env, &["--on", "the last day of November 2025"]),
        sorted(&["c", "d", "g"])
    );

    let before = env.export_ndjson();
    for (date, mention) in [
        (
            "the last weekend of November 2025",
            "2025-11-29/2025-11-30 (Saturday and Sunday)",
        ),
        ("weekend of 23 November 2025", "2025-11-22/2025-11-23"),
        ("weekend of November 2025", "weekend of 22-23 November 2025"),
        ("the fifth Friday of November 2025", "has no fifth Friday"),
        ("last Friday of November", "no year given"),
        ("last Tuesday", "relative"),
    ] {
        let stderr = env.fail(2, ["event", "add", "--title", "Bad date", "--date", date]);
        assert_one_error_line(&stderr);
        assert!(stderr.contains(mention), "{date:?}: {stderr}");
        assert!(
            stderr.contains(&format!("\"{date}\"")),
            "{date:?}: {stderr}"
        );
        if mention != "relative" {
            assert!(!stderr.contains("relative"), "{date:?}: {stderr}");
            assert!(
                !stderr.contains("earlier in the week"),
                "{date:?}: {stderr}"
            );
        }
        assert_eq!(env.export_ndjson(), before, "{date:?} wrote something");
    }
}

/// A week fixed in a month after `until`, `since`, `before`, `after` or
/// `about` is read as the days it names, not refused as relative, and a
/// winter written with a slash ("winter 2025/26", as many newsrooms write
/// it) is the one winter, as with a dash.
#[test]
fn a_fixed_week_after_until_or_since_and_a_winter_with_a_slash_are_read() {
    let env = TestEnv::new();
    let cases = [
        (
            "a",
            "until the first week of December 2025",
            "../2025-12-07",
        ),
        ("b", "since the second week of May 2025", "2025-05-08/.."),
        ("c", "before the first week of May 2025", "../2025-04-30"),
        ("d", "after the last week of November 2025", "2025-12-01/.."),
        (
            "e",
            "about the first week of November 2025",
            "2025-11-01~/2025-11-07~",
        ),
        ("f", "winter 2025/26", "2025-24"),
        ("g", "winter 2025/2026", "2025-24"),
        ("h", "Oct/Nov 2025", "2025-10/2025-11"),
    ];
    for (id, phrase, edtf) in cases {
        assert_eq!(stored(&env, id, phrase), edtf, "{phrase:?}");
    }
    let before = env.export_ndjson();
    for (date, mention) in [
        ("winter 2025/27", "winter 2025 is winter 2025–26"),
        ("summer 2025/26", "only a winter runs into the next year"),
    ] {
        let stderr = env.fail(2, ["event", "add", "--title", "Bad date", "--date", date]);
        assert_one_error_line(&stderr);
        assert!(stderr.contains(mention), "{date:?}: {stderr}");
        assert_eq!(env.export_ndjson(), before, "{date:?} wrote something");
    }
}

/// Dates as data tools write them. GDELT's `SQLDATE` (`20251124`) is a
/// compact YYYYMMDD date: refused as numeric dates are, with the EDTF to
/// write (it was "years after 9999 are not supported"). pandas and Excel
/// write a day as `2025-11-24 00:00:00`: refused naming the midnight time,
/// with the day to write, or the time in EDTF; another time after a space
/// is refused with its EDTF (`T` between day and time). EDTF's own form
/// `2025-11-24T00:00:00` is a date with a time, and is kept as written.
/// The same in `event add --date` and in an import, which names the line.
#[test]
fn dates_as_spreadsheets_and_gdelt_write_them_are_named() {
    let env = TestEnv::new();
    let cases: &[(&str, &[&str])] = &[
        (
            "20251124",
            &[
                "\"20251124\" is a compact date (YYYYMMDD)",
                "write it as 2025-11-24",
            ],
        ),
        (
            "20251324",
            &[
                "as a compact date (YYYYMMDD) it is 2025-13-24",
                "month 13 does not exist",
            ],
        ),
        (
            "2025-11-24 00:00:00",
            &[
                "midnight",
                "write 2025-11-24 for the day, or 2025-11-24T00:00:00",
            ],
        ),
        (
            "2025-11-24 00:00",
            &["midnight", "write 2025-11-24 for the day"],
        ),
        (
            "2025-11-24 00:00:00.000",
            &["midnight", "write 2025-11-24 for the day"],
        ),
        (
            "2025-11-24 14:30:00",
            &[
                "a space before its time of day",
                "write it as 2025-11-24T14:30:00",
            ],
        ),
        ("2025-11-24 14:30", &["write it as 2025-11-24T14:30:00"]),
        (
            "2025-11-24 14:30:00+03:00",
            &["write it as 2025-11-24T14:30:00+03:00"],
        ),
        (
            "2025-11-24 14:30:00Z",
            &["write it as 2025-11-24T14:30:00Z"],
        ),
        ("2025-11-24 25:30:00", &["time 25:30:00 does not exist"]),
    ];
    add(&env, "seed", "2025-11-01");
    let before = env.export_ndjson();
    for (date, mentions) in cases {
        let stderr = env.fail(2, ["event", "add", "--title", "Shelling", "--date", date]);
        assert_one_error_line(&stderr);
        for mention in *mentions {
            assert!(stderr.contains(mention), "{date:?}: {stderr}");
        }
        assert!(!stderr.contains("after 9999"), "{date:?}: {stderr}");
        assert!(
            !stderr.contains("not a date factline can read"),
            "{date:?}: {stderr}"
        );
        assert_eq!(env.export_ndjson(), before, "{date:?} wrote something");
    }
    // An import names the row; nothing is written.
    let sheet = env.write_file(
        "gdelt.csv",
        "SQLDATE,EventCode\n20251124,042\n2025-11-24 00:00:00,043\n",
    );
    let out = env.output([
        "import",
        sheet.to_str().unwrap(),
        "--map",
        "date=SQLDATE,title=EventCode",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("gdelt.csv:2: date: \"20251124\" is a compact date (YYYYMMDD)"),
        "{stderr}"
    );
    assert!(stderr.contains("gdelt.csv:3: date:"), "{stderr}");
    assert!(stderr.contains("midnight"), "{stderr}");
    assert_eq!(env.export_ndjson(), before);

    // EDTF's date and time is read, and kept as written.
    add(&env, "midnight", "2025-11-24T00:00:00");
    let shown = env.json(["event", "show", "midnight"]);
    assert_eq!(shown["date"], "2025-11-24T00:00:00", "{shown:#}");
}

#[test]
fn a_date_phrase_nested_thousands_of_times_is_one_date_error_not_a_crash() {
    let env = TestEnv::new();
    add(&env, "seed", "2025-11-17");
    let before = env.export_ndjson();
    // On the command line (the main thread's stack).
    let typed = format!("{}17 November 2025", "week of ".repeat(16_000));
    let stderr = env.fail(2, ["event", "add", "--title", "x", "--date", &typed]);
    assert_one_error_line(&stderr);
    assert!(
        stderr.starts_with("factline: --date: invalid date \"week of week of")
            && stderr.contains("more than 8 phrases nested in one another"),
        "{stderr}"
    );
    // In a CSV cell (an import reads its rows on a thread of its own).
    for (name, cell) in [
        (
            "week.csv",
            format!("{}17 November 2025", "week of ".repeat(4_000)),
        ),
        ("late.csv", format!("{}2025", "late ".repeat(8_000))),
    ] {
        let csv = env.write_file(name, &format!("date,title\n\"{cell}\",x\n"));
        let stderr = env.fail(2, ["import", csv.to_str().unwrap()]);
        let first = stderr.lines().next().unwrap_or_default();
        assert!(
            first.contains(&format!("{name}:2: date: invalid date"))
                && first.contains("more than 8 phrases nested in one another"),
            "{stderr}"
        );
        assert!(stderr.contains("nothing was written"), "{stderr}");
    }
    assert_eq!(
        env.export_ndjson(),
        before,
        "a refused date wrote something"
    );
    // A few nested phrases are read as before.
    add(&env, "deep", "no later than the last day of November 2025");
    assert_eq!(env.json(["event", "show", "deep"])["date"], "../2025-11-30");
}

/// `weekend of 31 December 9999` was refused with a hint to write
/// `9999-12-31/+10000-01-01` instead, a date factline refuses in turn. A
/// weekend that reaches past 9999 is now refused as reaching past it, as
/// `week of` is; one inside the years keeps its hint.
#[test]
fn a_weekend_past_9999_is_not_suggested_as_an_interval() {
    let env = TestEnv::new();
    let stderr = env.fail(2, ["timeline", "--on", "weekend of 31 December 9999"]);
    assert_one_error_line(&stderr);
    assert!(stderr.contains("the weekend ends after 9999"), "{stderr}");
    assert!(!stderr.contains("10000"), "{stderr}");

    let stderr = env.fail(2, ["timeline", "--on", "weekend of 30 December 9999"]);
    assert!(stderr.contains("9999-12-30/9999-12-31"), "{stderr}");
    // Every interval a hint names is one factline takes.
    env.run_ok([
        "event",
        "add",
        "--title",
        "Last weekend",
        "--date",
        "9999-12-30/9999-12-31",
    ]);
}

/// Found importing a scraper's export: times written with milliseconds,
/// as JavaScript writes every time (`2025-08-24T14:30:00.000Z`), were
/// refused with "unexpected .000Z". A fraction of zeros is the same
/// instant: it is left out. Any other fraction is refused with the time to
/// the second, in a command and in a CSV row alike.
#[test]
fn a_time_with_a_fraction_of_zeros_is_read_to_the_second() {
    let env = TestEnv::new();
    add(&env, "js", "2025-08-24T14:30:00.000Z");
    add(
        &env,
        "span",
        "2025-08-24T14:30:00.000+02:00/2025-08-24T15:00:00.0+02:00",
    );
    let rows = env.json(["timeline"]);
    assert_eq!(row(&rows, "js")["date"], "2025-08-24T14:30:00Z");
    assert_eq!(
        row(&rows, "span")["date"],
        "2025-08-24T14:30:00+02:00/2025-08-24T15:00:00+02:00"
    );
    let err = env.fail(
        2,
        [
            "event",
            "add",
            "--title",
            "t",
            "--date",
            "2025-08-24T14:30:00.5Z",
        ],
    );
    assert_one_error_line(&err);
    assert!(
        err.contains("keeps times to the second; write 2025-08-24T14:30:00Z"),
        "{err}"
    );
    let csv = env.write_file(
        "scraped.csv",
        "date,title\n2025-08-24T14:30:00.000Z,js\n2025-08-24T14:31:00.250Z,late\n",
    );
    let err = env.fail(2, ["import", csv.to_str().unwrap()]);
    assert!(err.contains("scraped.csv:3: date:"), "{err}");
    assert!(!err.contains("scraped.csv:2"), "{err}");
}
