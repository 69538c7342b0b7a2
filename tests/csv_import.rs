//! CSV import: validation before writing (`FILE:LINE: …` per bad row, nothing
//! written), `--skip-bad` and reject files, `--dry-run`, idempotent
//! re-imports, round trips through `export --format csv` (with the `'`
//! formula guard), `--map` and TimelineJS sheets, stdin, the claims CSV, and
//! an import killed halfway through.

mod testenv;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use testenv::TestEnv;

const HEADER: &str = "id,date,title,kind,status,place,actors,sources,tags,description";

/// `factline timeline --format json` as an array.
fn timeline(env: &TestEnv) -> Vec<Value> {
    env.json(["timeline"])
        .as_array()
        .expect("timeline JSON is an array")
        .clone()
}

/// The titles on the timeline, sorted.
fn titles(env: &TestEnv) -> Vec<String> {
    let mut titles: Vec<String> = timeline(env)
        .iter()
        .map(|e| e["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    titles
}

/// The timeline event with this title.
fn event_titled(env: &TestEnv, title: &str) -> Value {
    let events = timeline(env);
    let found: Vec<&Value> = events.iter().filter(|e| e["title"] == title).collect();
    assert_eq!(found.len(), 1, "one event titled {title:?} in {events:#?}");
    found[0].clone()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// How many versions `history ID` lists.
fn versions(env: &TestEnv, id: &str) -> usize {
    env.json(["history", id]).as_array().unwrap().len()
}

/// Runs `import` (which must succeed) and returns its stderr.
fn import(env: &TestEnv, args: &[&str]) -> String {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    env.run_ok_with_stderr(&all).1
}

/// The `LABEL:LINE: message` lines on stderr (after `factline: `), by line.
fn row_errors(stderr: &str, label: &str) -> BTreeMap<u64, Vec<String>> {
    let mut found: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for line in stderr.lines() {
        let line = line.strip_prefix("factline: ").unwrap_or(line);
        let Some(rest) = line.strip_prefix(&format!("{label}:")) else {
            continue;
        };
        let Some((number, message)) = rest.split_once(": ") else {
            continue;
        };
        if let Ok(number) = number.parse::<u64>() {
            found.entry(number).or_default().push(message.to_string());
        }
    }
    found
}

/// A timeline CSV with two good rows (lines 2 and 10) and one bad row of
/// each kind (lines 3 to 9), as raw bytes.
fn mixed_csv() -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut line = |text: &[u8]| {
        bytes.extend_from_slice(text);
        bytes.push(b'\n');
    };
    line(HEADER.as_bytes());
    line(b",2025-10-24,Good row one,meeting,occurred,Miami,Alice Adams; Bob Brown,Axios,talks,first good row");
    line(b",2025-13-01,Bad month,meeting,occurred,,Alice Adams,,,");
    line(b",2025-10-25,,meeting,occurred,,Alice Adams,,,");
    line(b",2025-10-26,Misspelt status,meeting,postponned,,Alice Adams,,,");
    line(b",2025-10-27,Too few fields,meeting");
    line(b",2025-10-28,Bad \xff\xfe bytes,meeting,occurred,,Alice Adams,,,");
    line(b",2025-10-29,A NUL \0 byte,meeting,occurred,,Alice Adams,,,");
    let mut long = b",2025-10-30,Long description,meeting,occurred,,Alice Adams,,,".to_vec();
    long.extend(std::iter::repeat_n(b'a', 100_001));
    line(&long);
    line(b",2025-11-01,Good row two,call,scheduled,,Carol Clark,,,second good row");
    bytes
}

const MIXED_BAD_LINES: [u64; 7] = [3, 4, 5, 6, 7, 8, 9];
const MIXED_GOOD_TITLES: [&str; 2] = ["Good row one", "Good row two"];

fn write_mixed(env: &TestEnv) -> PathBuf {
    let path = env.path("mixed.csv");
    std::fs::write(&path, mixed_csv()).unwrap();
    path
}

/// Every record of a CSV file as raw fields, by the line it starts on.
fn raw_records(path: &Path) -> Vec<(u64, Vec<Vec<u8>>)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let mut records = Vec::new();
    for record in reader.byte_records() {
        let record = record.unwrap();
        let line = record.position().unwrap().line();
        records.push((line, record.iter().map(<[u8]>::to_vec).collect()));
    }
    records
}

/// A database with one event, for "nothing changed" comparisons.
fn seeded_env() -> TestEnv {
    let env = TestEnv::new();
    env.run_ok([
        "event",
        "add",
        "--title",
        "Seed event",
        "--date",
        "2025-01-01",
        "--actor",
        "Seed Person",
    ]);
    env
}

// 1. Validation: every bad row reported with its line, nothing written.

#[test]
fn bad_rows_are_each_reported_by_line_and_nothing_is_written() {
    let env = TestEnv::new();
    write_mixed(&env);
    let stderr = env.fail(2, ["import", "mixed.csv"]);
    let errors = row_errors(&stderr, "mixed.csv");
    assert_eq!(
        errors.keys().copied().collect::<Vec<_>>(),
        MIXED_BAD_LINES,
        "one FILE:LINE line per bad row:\n{stderr}"
    );
    for (line, messages) in &errors {
        assert_eq!(messages.len(), 1, "line {line} reported once:\n{stderr}");
    }
    let message = |line: u64| errors[&line][0].to_lowercase();
    assert!(message(3).contains("date"), "{stderr}");
    assert!(message(4).contains("title"), "{stderr}");
    assert!(message(5).contains("status"), "{stderr}");
    assert!(
        message(6).contains("expected 10 fields, found 4"),
        "{stderr}"
    );
    assert!(message(7).contains("utf-8"), "{stderr}");
    assert!(message(8).contains("nul"), "{stderr}");
    assert!(message(9).contains("100000"), "{stderr}");
    assert!(
        stderr.contains("7 of 9 rows are bad") && stderr.contains("nothing was written"),
        "{stderr}"
    );
    assert!(
        !env.db().exists(),
        "a refused import must not even create the database"
    );
    assert!(!env.path("mixed.csv.rejects.csv").exists());
}

#[test]
fn bad_rows_leave_an_existing_database_unchanged() {
    let env = seeded_env();
    let before = env.export_ndjson();
    write_mixed(&env);
    let stderr = env.fail(2, ["import", "mixed.csv"]);
    assert_eq!(
        row_errors(&stderr, "mixed.csv")
            .keys()
            .copied()
            .collect::<Vec<_>>(),
        MIXED_BAD_LINES
    );
    assert_eq!(env.export_ndjson(), before);
}

#[test]
fn max_errors_limits_the_list_but_not_the_count() {
    let env = TestEnv::new();
    write_mixed(&env);
    let stderr = env.fail(2, ["import", "mixed.csv", "--max-errors", "2"]);
    assert_eq!(
        row_errors(&stderr, "mixed.csv")
            .keys()
            .copied()
            .collect::<Vec<_>>(),
        [3, 4],
        "{stderr}"
    );
    assert!(stderr.contains("5 more"), "{stderr}");
    assert!(stderr.contains("7 of 9 rows are bad"), "{stderr}");
    assert!(!env.db().exists());
}

// 2. --skip-bad and reject files.

/// Checks a reject file: the header with `error` first, then exactly the bad
/// rows of `mixed.csv`, each with its `FILE:LINE: …` and its raw fields.
fn assert_rejects_are_the_bad_rows(env: &TestEnv, rejects: &Path) {
    let original = raw_records(&env.path("mixed.csv"));
    let by_line: HashMap<u64, Vec<Vec<u8>>> = original.iter().cloned().collect();
    let records = raw_records(rejects);
    let (_, header) = &records[0];
    let mut expected_header = vec![b"error".to_vec()];
    expected_header.extend(original[0].1.iter().cloned());
    assert_eq!(header, &expected_header, "reject file header");
    let rows = &records[1..];
    assert_eq!(
        rows.len(),
        MIXED_BAD_LINES.len(),
        "one reject row per bad row"
    );
    for ((_, fields), line) in rows.iter().zip(MIXED_BAD_LINES) {
        let error = String::from_utf8_lossy(&fields[0]);
        assert!(
            error.starts_with(&format!("mixed.csv:{line}: ")),
            "reject error {error:?} names line {line}"
        );
        assert_eq!(
            &fields[1..],
            &by_line[&line][..],
            "reject row for line {line} holds the row as it was"
        );
    }
}

#[test]
fn skip_bad_imports_the_good_rows_and_writes_the_default_reject_file() {
    let env = TestEnv::new();
    write_mixed(&env);
    let stderr = import(&env, &["mixed.csv", "--skip-bad"]);
    assert_eq!(titles(&env), MIXED_GOOD_TITLES);
    let one = event_titled(&env, "Good row one");
    assert_eq!(one["date"], "2025-10-24");
    assert_eq!(one["place"], "Miami");
    assert_eq!(strings(&one["actors"]), ["Alice Adams", "Bob Brown"]);
    assert_eq!(strings(&one["sources"]), ["Axios"]);
    assert_eq!(strings(&one["tags"]), ["talks"]);
    let two = event_titled(&env, "Good row two");
    assert_eq!(two["kind"], "call");
    assert_eq!(two["status"], "scheduled");
    assert_eq!(two["description"], "second good row");

    assert!(stderr.contains("2 added"), "{stderr}");
    assert!(
        stderr.contains("7 bad rows written to mixed.csv.rejects.csv"),
        "{stderr}"
    );
    assert_rejects_are_the_bad_rows(&env, &env.path("mixed.csv.rejects.csv"));
    env.run_ok(["check"]);
}

#[test]
fn skip_bad_writes_the_reject_file_where_rejects_says() {
    let env = TestEnv::new();
    write_mixed(&env);
    let rejects = env.path("elsewhere.csv");
    let stderr = import(
        &env,
        &[
            "mixed.csv",
            "--skip-bad",
            "--rejects",
            rejects.to_str().unwrap(),
        ],
    );
    assert!(stderr.contains("7 bad rows"), "{stderr}");
    assert!(stderr.contains("elsewhere.csv"), "{stderr}");
    assert_rejects_are_the_bad_rows(&env, &rejects);
    assert!(!env.path("mixed.csv.rejects.csv").exists());
    assert_eq!(titles(&env), MIXED_GOOD_TITLES);
}

// 3. --dry-run.

#[test]
fn dry_run_reports_counts_and_writes_nothing() {
    let env = seeded_env();
    let before = env.export_ndjson();
    env.write_file(
        "good.csv",
        &format!(
            "{HEADER}\n\
             ,2025-10-24,Miami talks,talks,occurred,Miami,Witkoff; Dmitriev,Axios,,\n\
             ,2025-11-01,Draft plan,report,reported,,Witkoff,,,\n\
             ,2025-01-01,Seed event,other,occurred,,Seed Person,,,\n"
        ),
    );
    let stderr = import(&env, &["good.csv", "--dry-run"]);
    assert!(stderr.contains("dry run"), "{stderr}");
    assert!(stderr.contains("2 added"), "{stderr}");
    assert!(stderr.contains("1 unchanged"), "{stderr}");
    assert!(stderr.contains("nothing written"), "{stderr}");
    assert_eq!(env.export_ndjson(), before);

    // The real import does what the dry run said.
    let stderr = import(&env, &["good.csv"]);
    assert!(stderr.contains("2 added"), "{stderr}");
    assert!(stderr.contains("1 unchanged"), "{stderr}");

    // A dry run of a change counts it as updated and keeps one version.
    env.write_file(
        "changed.csv",
        &format!("{HEADER}\n,2025-11-01,Draft plan,report,occurred,,Witkoff,,,\n"),
    );
    let after_import = env.export_ndjson();
    let stderr = import(&env, &["changed.csv", "--dry-run"]);
    assert!(stderr.contains("1 updated"), "{stderr}");
    assert_eq!(env.export_ndjson(), after_import);
    let id = event_titled(&env, "Draft plan")["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(versions(&env, &id), 1);
}

#[test]
fn dry_run_with_skip_bad_writes_no_reject_file() {
    let env = seeded_env();
    let before = env.export_ndjson();
    write_mixed(&env);
    let stderr = import(&env, &["mixed.csv", "--skip-bad", "--dry-run"]);
    assert!(stderr.contains("2 added"), "{stderr}");
    assert!(stderr.contains("7 bad rows would be rejected"), "{stderr}");
    assert!(stderr.contains("nothing written"), "{stderr}");
    assert!(!env.path("mixed.csv.rejects.csv").exists());
    let rejects = env.path("r.csv");
    import(
        &env,
        &[
            "mixed.csv",
            "--skip-bad",
            "--dry-run",
            "--rejects",
            rejects.to_str().unwrap(),
        ],
    );
    assert!(!rejects.exists());
    assert_eq!(env.export_ndjson(), before);
}

#[test]
fn dry_run_does_not_create_the_database() {
    let env = TestEnv::new();
    env.write_file(
        "good.csv",
        &format!("{HEADER}\n,2025-10-24,Miami talks,talks,occurred,Miami,Witkoff,,,\n"),
    );
    let stderr = import(&env, &["good.csv", "--dry-run"]);
    assert!(stderr.contains("1 added"), "{stderr}");
    assert!(
        !env.db().exists(),
        "a dry run created the database at {}",
        env.db().display()
    );
}

// 4. Idempotence and matching.

#[test]
fn importing_twice_changes_nothing_and_rows_match_by_date_title_and_actors() {
    let env = TestEnv::new();
    let rows = |status_b: &str| {
        format!(
            "{HEADER}\n\
             ,2025-10-24/2025-10-26,Miami talks,talks,occurred,Miami,Steve Witkoff; Kirill Dmitriev,Axios,diplomacy,three days\n\
             ,2025-11-19,Witkoff meets Zelenskyy,meeting,{status_b},Türkiye,Steve Witkoff; Volodymyr Zelenskyy,Axios,,\n\
             ,2025-11,Draft plan circulated,report,reported,,,Axios; Reuters,plan,\n"
        )
    };
    env.write_file("sheet.csv", &rows("scheduled"));
    let stderr = import(&env, &["sheet.csv"]);
    assert!(stderr.contains("3 added"), "{stderr}");
    let first = env.export_ndjson();

    let stderr = import(&env, &["sheet.csv"]);
    assert!(
        stderr.contains("0 added, 0 updated, 3 unchanged"),
        "{stderr}"
    );
    assert_eq!(
        env.export_ndjson(),
        first,
        "a second import changes nothing"
    );

    // One status changed: a new version of that event, nothing else.
    env.write_file("sheet.csv", &rows("postponed"));
    let stderr = import(&env, &["sheet.csv"]);
    assert!(
        stderr.contains("0 added, 1 updated, 2 unchanged"),
        "{stderr}"
    );
    assert_eq!(timeline(&env).len(), 3);
    let meeting = event_titled(&env, "Witkoff meets Zelenskyy");
    assert_eq!(meeting["status"], "postponed");
    let meeting_id = meeting["id"].as_str().unwrap().to_string();
    assert_eq!(versions(&env, &meeting_id), 2);
    let miami_id = event_titled(&env, "Miami talks")["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(versions(&env, &miami_id), 1);

    // Same date, title and actors (listed the other way round, another
    // case): the same event, updated, not a duplicate.
    env.write_file(
        "again.csv",
        &format!(
            "{HEADER}\n,2025-10-24/2025-10-26,Miami talks,talks,occurred,Miami,kirill dmitriev; Steve Witkoff,Axios,diplomacy,three days of talks\n"
        ),
    );
    let stderr = import(&env, &["again.csv"]);
    assert!(stderr.contains("0 added, 1 updated"), "{stderr}");
    assert_eq!(timeline(&env).len(), 3);
    let miami = event_titled(&env, "Miami talks");
    assert_eq!(miami["id"], miami_id.as_str());
    assert_eq!(miami["description"], "three days of talks");
    assert_eq!(versions(&env, &miami_id), 2);

    // Other actors: another event.
    env.write_file(
        "other.csv",
        &format!(
            "{HEADER}\n,2025-10-24/2025-10-26,Miami talks,talks,occurred,Miami,Rustem Umerov,,,\n"
        ),
    );
    let stderr = import(&env, &["other.csv"]);
    assert!(stderr.contains("1 added"), "{stderr}");
    assert_eq!(timeline(&env).len(), 4);
    env.run_ok(["check"]);
}

#[test]
fn a_row_with_an_id_updates_that_event() {
    let env = TestEnv::new();
    env.write_file(
        "sheet.csv",
        &format!(
            "{HEADER}\n\
             ,2025-11-19,Witkoff meets Zelenskyy,meeting,scheduled,Türkiye,Steve Witkoff; Volodymyr Zelenskyy,Axios,,\n\
             ,2025-11,Draft plan circulated,report,reported,,,Axios,plan,\n"
        ),
    );
    import(&env, &["sheet.csv"]);
    let id = event_titled(&env, "Witkoff meets Zelenskyy")["id"]
        .as_str()
        .unwrap()
        .to_string();

    // New date and title: the natural key no longer matches, the id does.
    env.write_file(
        "by-id.csv",
        &format!(
            "{HEADER}\n{id},2025-11-24,Witkoff meets Zelenskyy in Geneva,meeting,rescheduled,Geneva,Steve Witkoff; Volodymyr Zelenskyy,Axios,,\n"
        ),
    );
    let stderr = import(&env, &["by-id.csv"]);
    assert!(stderr.contains("0 added, 1 updated"), "{stderr}");
    let events = timeline(&env);
    assert_eq!(events.len(), 2, "{events:#?}");
    let event = event_titled(&env, "Witkoff meets Zelenskyy in Geneva");
    assert_eq!(event["id"], id.as_str());
    assert_eq!(event["date"], "2025-11-24");
    assert_eq!(event["status"], "rescheduled");
    assert_eq!(event["place"], "Geneva");
    assert_eq!(versions(&env, &id), 2);

    // The same row again: unchanged.
    let stderr = import(&env, &["by-id.csv"]);
    assert!(
        stderr.contains("0 added, 0 updated, 1 unchanged"),
        "{stderr}"
    );
    assert_eq!(versions(&env, &id), 2);
}

// 5. Round trips through the CSV export.

#[test]
fn the_example_timeline_csv_round_trips() {
    let example = TestEnv::new();
    example.run_ok(["example"]);
    let csv = example.run_ok(["export", "--format", "csv"]);
    assert!(csv.lines().count() > 10, "{csv}");

    let fresh = TestEnv::new();
    fresh.write_file("timeline.csv", &csv);
    let stderr = import(&fresh, &["timeline.csv"]);
    assert!(
        stderr.contains(&format!("{} added", csv.lines().count() - 1)),
        "{stderr}"
    );
    assert_eq!(fresh.run_ok(["export", "--format", "csv"]), csv);
    fresh.run_ok(["check"]);

    // And again: nothing changes.
    let before = fresh.export_ndjson();
    let stderr = import(&fresh, &["timeline.csv"]);
    assert!(stderr.contains("0 added, 0 updated"), "{stderr}");
    assert_eq!(fresh.export_ndjson(), before);
}

#[test]
fn formula_cells_are_guarded_on_export_and_restored_on_import() {
    let env = TestEnv::new();
    env.run_ok([
        "event",
        "add",
        "--title",
        "=SUM(A1)",
        "--date",
        "2025-03-01",
        "--note",
        "-2 points",
        "--place",
        "@home",
    ]);
    let guarded = env.run_ok(["export", "--format", "csv"]);
    assert!(guarded.contains(",'=SUM(A1),"), "{guarded}");
    assert!(guarded.contains("'-2 points"), "{guarded}");
    assert!(guarded.contains("'@home"), "{guarded}");
    let raw = env.run_ok(["export", "--format", "csv", "--raw"]);
    assert!(raw.contains(",=SUM(A1),"), "{raw}");
    assert!(!raw.contains('\''), "{raw}");

    for (name, text) in [("guarded.csv", &guarded), ("raw.csv", &raw)] {
        let fresh = TestEnv::new();
        fresh.write_file(name, text);
        import(&fresh, &[name]);
        let events = timeline(&fresh);
        assert_eq!(events.len(), 1, "{events:#?}");
        assert_eq!(events[0]["title"], "=SUM(A1)", "from {name}");
        assert_eq!(events[0]["description"], "-2 points", "from {name}");
        assert_eq!(events[0]["place"], "@home", "from {name}");
        assert_eq!(fresh.run_ok(["export", "--format", "csv"]), guarded);
    }
}

// 6. --map and TimelineJS sheets.

#[test]
fn map_names_the_columns_of_another_sheet() {
    let env = TestEnv::new();
    env.write_file(
        "sheet.csv",
        "When,Headline,Who,Outlet\n\
         24-26 October 2025,Miami talks,Steve Witkoff; Kirill Dmitriev,Axios\n\
         2025-11-19,Witkoff meets Zelenskyy,Steve Witkoff,Reuters; Axios\n",
    );
    let stderr = import(
        &env,
        &[
            "sheet.csv",
            "--map",
            "date=When,title=Headline,actors=Who,sources=Outlet",
        ],
    );
    assert!(stderr.contains("2 added"), "{stderr}");
    let miami = event_titled(&env, "Miami talks");
    assert_eq!(miami["date"], "2025-10-24/2025-10-26");
    assert_eq!(
        strings(&miami["actors"]),
        ["Steve Witkoff", "Kirill Dmitriev"]
    );
    assert_eq!(strings(&miami["sources"]), ["Axios"]);
    let meeting = event_titled(&env, "Witkoff meets Zelenskyy");
    assert_eq!(meeting["date"], "2025-11-19");
    assert_eq!(strings(&meeting["sources"]), ["Reuters", "Axios"]);

    // Without the map, the sheet has no title column.
    let fresh = TestEnv::new();
    fresh.write_file(
        "sheet.csv",
        &std::fs::read_to_string(env.path("sheet.csv")).unwrap(),
    );
    let stderr = fresh.fail(2, ["import", "sheet.csv"]);
    assert!(stderr.contains("title"), "{stderr}");
    assert!(!fresh.db().exists());
}

const TIMELINEJS_HEADER: &str = "Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,Media Credit,Media Caption,Media Thumbnail,Alt Text,Type,Group,Background";

fn timelinejs_sheet() -> String {
    // Columns:   Y   M  D  T EY  EM ED ET DD Headline Text Media Credit Caption Thumb Alt Type Group Bg
    format!(
        "{TIMELINEJS_HEADER}\n\
         ,,,,,,,,,The Miami track,How the plan was drafted,,,,,,title,,\n\
         2025,10,24,,2025,10,26,,24-26 Oct,Miami talks,Three days of talks,https://example.org/p.jpg,AP,Miami,,,,diplomacy,#ffffff\n\
         2025,11,,,,,,,,Draft plan circulated,A 28-point plan,,,,,,,plan,\n\
         2025,11,19,,,,,,,Witkoff meets Zelenskyy,,,,,,,,,\n"
    )
}

fn assert_timelinejs_imported(env: &TestEnv) {
    let events = timeline(env);
    assert_eq!(
        events.len(),
        3,
        "the title slide is not an event: {events:#?}"
    );
    assert!(!events.iter().any(|e| e["title"] == "The Miami track"));
    let miami = event_titled(env, "Miami talks");
    assert_eq!(miami["date"], "2025-10-24/2025-10-26");
    assert_eq!(miami["description"], "Three days of talks");
    assert_eq!(strings(&miami["tags"]), ["diplomacy"]);
    let plan = event_titled(env, "Draft plan circulated");
    assert_eq!(plan["date"], "2025-11");
    assert_eq!(plan["description"], "A 28-point plan");
    assert_eq!(strings(&plan["tags"]), ["plan"]);
    let meeting = event_titled(env, "Witkoff meets Zelenskyy");
    assert_eq!(meeting["date"], "2025-11-19");
    assert_eq!(meeting["description"], "");
}

#[test]
fn a_timelinejs_sheet_imports_as_is() {
    assert_eq!(TIMELINEJS_HEADER.split(',').count(), 19);
    let env = TestEnv::new();
    env.write_file("tl.csv", &timelinejs_sheet());
    let stderr = import(&env, &["tl.csv"]);
    assert!(stderr.contains("3 added"), "{stderr}");
    assert_timelinejs_imported(&env);
    // Idempotent too.
    let stderr = import(&env, &["tl.csv"]);
    assert!(
        stderr.contains("0 added, 0 updated, 3 unchanged"),
        "{stderr}"
    );
}

#[test]
fn a_timelinejs_sheet_imports_with_an_explicit_map() {
    let env = TestEnv::new();
    env.write_file("tl.csv", &timelinejs_sheet());
    let stderr = import(&env, &["tl.csv", "--map", "title=Headline,date=Year"]);
    assert!(stderr.contains("3 added"), "{stderr}");
    assert_timelinejs_imported(&env);
}

#[test]
fn a_map_naming_a_missing_column_is_refused_naming_it() {
    let env = TestEnv::new();
    env.write_file("tl.csv", &timelinejs_sheet());
    let stderr = env.fail(2, ["import", "tl.csv", "--map", "title=Headlines"]);
    assert!(stderr.contains("Headlines"), "{stderr}");
    assert!(!env.db().exists());

    env.write_file("sheet.csv", "When,Headline\n2025,Something\n");
    let stderr = env.fail(
        2,
        [
            "import",
            "sheet.csv",
            "--map",
            "date=When,title=Headline,actors=Who",
        ],
    );
    assert!(stderr.contains("\"Who\""), "{stderr}");
    assert!(!env.db().exists());
}

/// A `--map` column the header lacks is most often a slip of one it has:
/// the refusal names that one, or else lists the header's columns to
/// choose from, so that the user need not open the sheet to find them.
#[test]
fn a_map_naming_a_missing_column_suggests_the_headers_closest() {
    let env = TestEnv::new();
    env.write_file("sheet.csv", "Headline,When,Who\nTalks,2025-11-19,Putin\n");
    let err = env.fail(
        2,
        ["import", "sheet.csv", "--map", "title=Headline,date=Wen"],
    );
    testenv::assert_one_error_line(&err);
    assert!(
        err.contains("the header has no column \"Wen\"; did you mean \"When\"?"),
        "{err}"
    );
    let err = env.fail(
        2,
        ["import", "sheet.csv", "--map", "title=Headline,date=Day"],
    );
    testenv::assert_one_error_line(&err);
    assert!(err.contains("; the header is Headline,When,Who"), "{err}");
    assert!(!env.db().exists());
}

/// `--map title=` names no column: the refusal says the name is missing
/// after `title=`, not that the header lacks a column "".
#[test]
fn a_map_without_a_column_name_says_it_is_missing() {
    let env = TestEnv::new();
    env.write_file("sheet.csv", "Headline,When\nTalks,2025-11-19\n");
    let err = env.fail(2, ["import", "sheet.csv", "--map", "date=When,title="]);
    testenv::assert_one_error_line(&err);
    assert!(
        err.contains("the column's name is missing after \"title=\""),
        "{err}"
    );
    assert!(!env.db().exists());
}

/// A misspelt field name in `--map` (`titel`) is refused naming the field
/// it is likely a slip of, as a misspelt column is.
#[test]
fn a_map_with_a_misspelt_field_suggests_the_field() {
    let env = TestEnv::new();
    env.write_file("sheet.csv", "Headline,When\nTalks,2025-11-19\n");
    let err = env.fail(
        2,
        ["import", "sheet.csv", "--map", "titel=Headline,date=When"],
    );
    testenv::assert_one_error_line(&err);
    assert!(
        err.contains("unknown field \"titel\" (did you mean title?); fields are id, date, title,"),
        "{err}"
    );
    assert!(!env.db().exists());
}

/// A column whose name holds a comma ("Tags, themes", as spreadsheets
/// name columns) is mapped by quoting its name as a CSV quotes a cell:
/// unquoted, `--map` would split the name at its comma.
#[test]
fn a_map_reads_a_quoted_column_name_with_a_comma() {
    let env = TestEnv::new();
    env.write_file(
        "sheet.csv",
        "Headline,When,\"Tags, themes\"\nTalks,2025-11-19,diplomacy\n",
    );
    let stderr = import(
        &env,
        &[
            "sheet.csv",
            "--map",
            "title=Headline,date=When,tags=\"Tags, themes\"",
        ],
    );
    assert!(stderr.contains("1 added"), "{stderr}");
    assert!(!stderr.contains("ignoring"), "{stderr}");
    assert_eq!(strings(&event_titled(&env, "Talks")["tags"]), ["diplomacy"]);
}

// 7. Stdin.

#[test]
fn import_reads_a_csv_from_stdin() {
    let env = TestEnv::new();
    let csv = format!(
        "{HEADER}\n\
         ,2025-10-24/2025-10-26,Miami talks,talks,occurred,Miami,Steve Witkoff; Kirill Dmitriev,Axios,,\n\
         ,2025-11-19,Witkoff meets Zelenskyy,meeting,scheduled,,Steve Witkoff,,,\n"
    );
    let out = env
        .cmd()
        .args(["import", "-", "--format", "csv"])
        .write_stdin(csv.clone())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("2 added"), "{stderr}");
    assert_eq!(titles(&env), ["Miami talks", "Witkoff meets Zelenskyy"]);

    // Bad rows from stdin are reported by line too, and nothing is written.
    let before = env.export_ndjson();
    let out = env
        .cmd()
        .args(["import", "-", "--format", "csv"])
        .write_stdin(format!("{HEADER}\n,2025-13-01,Bad,,,,,,,\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(":2: "), "{stderr}");
    assert_eq!(env.export_ndjson(), before);

    // Stdin has no name to put a reject file beside: --skip-bad needs
    // --rejects (it wrote `<stdin>.rejects.csv` in the working directory).
    let bad_rows = format!("{HEADER}\n,2025-13-01,Bad,,,,,,,\n,2025,Good,,,,,,,\n");
    let out = env
        .cmd()
        .args(["import", "-", "--format", "csv", "--skip-bad"])
        .write_stdin(bad_rows.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--rejects"));
    assert_eq!(env.export_ndjson(), before);
    let rejects = env.path("bad.csv");
    let out = env
        .cmd()
        .args(["import", "-", "--format", "csv", "--skip-bad", "--rejects"])
        .arg(&rejects)
        .write_stdin(bad_rows)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read_to_string(&rejects).unwrap().contains("Bad"));
    assert!(!env.path("<stdin>.rejects.csv").exists());

    // A directory is named as one.
    let err = env.fail(2, ["import", env.root().to_str().unwrap()]);
    assert!(err.contains("is a directory"), "{err}");
}

// 8. The claims CSV.

/// The example's timeline and claims CSV exports.
fn example_csvs() -> (String, String) {
    let example = TestEnv::new();
    example.run_ok(["example"]);
    (
        example.run_ok(["export", "--format", "csv"]),
        example.run_ok(["export", "--format", "csv", "--what", "claims"]),
    )
}

fn claim_count(env: &TestEnv) -> usize {
    env.json(["claims"]).as_array().unwrap().len()
}

#[test]
fn the_example_claims_csv_imports_into_a_database_with_its_events() {
    let (timeline_csv, claims_csv) = example_csvs();
    let env = TestEnv::new();
    env.write_file("timeline.csv", &timeline_csv);
    env.write_file("claims.csv", &claims_csv);
    import(&env, &["timeline.csv"]);
    let stderr = import(&env, &["claims.csv", "--what", "claims"]);
    let rows = claims_csv.lines().count() - 1;
    assert!(stderr.contains(&format!("{rows} added")), "{stderr}");
    assert_eq!(claim_count(&env), rows);
    assert_eq!(
        env.run_ok(["export", "--format", "csv", "--what", "claims"]),
        claims_csv
    );
}

/// A claims row naming a claim that exists nowhere (`contradicts`,
/// `supports`) stopped the whole import, even with --skip-bad, and was
/// reported without its line. It is a bad row like any other now, found
/// before it creates its claimant or sources.
#[test]
fn a_claims_row_naming_an_unknown_claim_is_a_bad_row() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let before = env.export_ndjson();
    let header =
        "id,date,claimant,text,quote,subject,value,unit,verdict,sources,about,contradicts,supports";
    let file = env.write_file(
        "claims.csv",
        &format!(
            "{header}\n,2025-11,Kirill Dmitriev,Good,,,,,unverified,Axios,,,\n\
             ,2025-11,Newcomer Person,Bad ref,,,,,unverified,New Wire,,no-such-claim,\n"
        ),
    );
    let err = env.fail(2, ["import", "--what", "claims", file.to_str().unwrap()]);
    let errors = row_errors(&err, file.to_str().unwrap());
    assert_eq!(errors.keys().copied().collect::<Vec<_>>(), [3], "{err}");
    assert_eq!(env.export_ndjson(), before);

    let (_, stderr) = env.run_ok_with_stderr([
        "import",
        "--what",
        "claims",
        file.to_str().unwrap(),
        "--skip-bad",
    ]);
    assert!(
        stderr.contains("1 added") && stderr.contains("0 actors and 0 sources created"),
        "{stderr}"
    );
    let rejects = std::fs::read_to_string(env.path("claims.csv.rejects.csv")).unwrap();
    assert!(rejects.contains("no-such-claim"), "{rejects}");
    env.fail(2, ["actor", "show", "Newcomer Person"]);
}

/// The claims CSV with every claim after the claims it contradicts or
/// supports (works around the ordering bug above).
fn referenced_claims_first(claims_csv: &str) -> String {
    let mut reader = csv::Reader::from_reader(claims_csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (id, contradicts, supports) = (col("id"), col("contradicts"), col("supports"));
    let mut pending: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|record| {
            let ready = [contradicts, supports]
                .iter()
                .flat_map(|&c| record[c].split(';'))
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .all(|r| done.contains(r));
            if ready {
                writer.write_record(record).unwrap();
                done.insert(record[id].to_string());
            }
            !ready
        });
        assert!(
            pending.len() < before,
            "claims reference each other in a cycle"
        );
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

#[test]
fn the_example_claims_csv_imports_when_referenced_claims_come_first() {
    let (timeline_csv, claims_csv) = example_csvs();
    let example_claims = claims_csv.lines().count() - 1;
    assert!(example_claims > 5, "{claims_csv}");
    let env = TestEnv::new();
    env.write_file("timeline.csv", &timeline_csv);
    env.write_file("claims.csv", &referenced_claims_first(&claims_csv));
    import(&env, &["timeline.csv"]);
    let stderr = import(&env, &["claims.csv", "--what", "claims"]);
    assert!(
        stderr.contains(&format!("{example_claims} added")),
        "{stderr}"
    );
    assert_eq!(claim_count(&env), example_claims);
    assert_eq!(
        env.run_ok(["export", "--format", "csv", "--what", "claims"]),
        claims_csv,
        "the claims export of the imported claims is the example's"
    );
    // Re-importing changes nothing.
    let before = env.export_ndjson();
    let stderr = import(&env, &["claims.csv", "--what", "claims"]);
    assert!(stderr.contains("0 added, 0 updated"), "{stderr}");
    assert_eq!(env.export_ndjson(), before);
    env.run_ok(["check"]);
}

#[test]
fn a_claims_row_with_a_value_but_no_subject_is_bad() {
    let env = seeded_env();
    let before = env.export_ndjson();
    env.write_file(
        "claims.csv",
        "id,date,claimant,text,quote,subject,value,unit,verdict,sources,about,contradicts,supports\n\
         ,2025-11,Kirill Dmitriev,Talks are going well,,,,,unverified,Axios,,,\n\
         ,2025-11,Ukraine,Many children were deported,,,19500,children,unverified,,,,\n\
         ,2025-11,Ukraine,Some were returned,,returned-children,,children,unverified,,,,\n",
    );
    let stderr = env.fail(2, ["import", "claims.csv", "--what", "claims"]);
    let errors = row_errors(&stderr, "claims.csv");
    assert_eq!(
        errors.keys().copied().collect::<Vec<_>>(),
        [3, 4],
        "{stderr}"
    );
    assert!(errors[&3][0].contains("subject"), "{stderr}");
    assert!(errors[&4][0].contains("value"), "{stderr}");
    assert_eq!(env.export_ndjson(), before);

    let stderr = import(&env, &["claims.csv", "--what", "claims", "--skip-bad"]);
    assert!(stderr.contains("1 added"), "{stderr}");
    assert!(stderr.contains("2 bad rows"), "{stderr}");
    assert_eq!(claim_count(&env), 1);
    assert!(env.path("claims.csv.rejects.csv").exists());
}

// 9. An import killed halfway.

const BIG_ROWS: usize = 12_000;
/// Page bytes per sled batch for the interrupted imports
/// (FACTLINE_BULK_BATCH_BYTES): small, so that an import writes many batches.
const SMALL_BATCH: &str = "20000";
/// Memory for unsorted writes (FACTLINE_BULK_BUFFER_BYTES): small, so that
/// the import spills several sorted runs to disk and merges them.
const SMALL_BUFFER: &str = "300000";

fn big_csv() -> String {
    let mut csv = String::with_capacity(BIG_ROWS * 80);
    csv.push_str(HEADER);
    csv.push('\n');
    for i in 0..BIG_ROWS {
        csv.push_str(&format!(
            ",{:04}-{:02}-{:02},Bulk event number {i},meeting,occurred,,Bulk Actor {}; Bulk Actor {},Bulk Wire,bulk,\n",
            1800 + i / 336,
            (i / 28) % 12 + 1,
            i % 28 + 1,
            i % 5,
            5 + i % 7,
        ));
    }
    csv
}

/// Events of the big CSV in a timeline CSV export.
fn bulk_events(csv: &str) -> usize {
    csv.lines()
        .filter(|l| l.contains(",Bulk event number "))
        .count()
}

/// `check` passes; returns its stderr.
fn check_passes(env: &TestEnv, after: &str) -> String {
    let out = env.output(["check"]);
    assert!(
        out.status.success(),
        "check after {after} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A database that exists and holds nothing: a first import into it keeps
/// no undo log (undoing it empties the store), unlike one into [`seeded_env`].
fn empty_env() -> TestEnv {
    let env = TestEnv::new();
    env.write_file(
        "header.csv",
        "id,date,title,kind,status,place,actors,sources,tags,description\n",
    );
    import(&env, &["header.csv"]);
    assert_eq!(bulk_events(&env.run_ok(["export", "--format", "csv"])), 0);
    env
}

type MakeEnv = fn() -> TestEnv;

/// The databases a big import is interrupted in: one with a record (the
/// commit keeps an undo log) and an empty one (it does not).
const START_FROM: [(&str, MakeEnv); 2] = [
    ("a seeded database", seeded_env),
    ("an empty database", empty_env),
];

/// A clean import of the big CSV into a seeded database: (its timeline CSV,
/// how long it took).
fn clean_big_import(csv: &str) -> (String, Duration) {
    clean_big_import_into(seeded_env(), csv)
}

fn clean_big_import_into(reference: TestEnv, csv: &str) -> (String, Duration) {
    reference.write_file("big.csv", csv);
    let start = Instant::now();
    import(&reference, &["big.csv"]);
    let took = start.elapsed();
    let expected = reference.run_ok(["export", "--format", "csv"]);
    assert_eq!(bulk_events(&expected), BIG_ROWS);
    (expected, took)
}

#[test]
fn an_import_that_crashes_between_page_batches_is_undone_at_the_next_open() {
    let csv = big_csv();
    for (start, make_env) in START_FROM {
        let (expected, _) = clean_big_import_into(make_env(), &csv);
        for crash_after in ["1", "3"] {
            crash_between_batches_then_reimport(make_env(), &csv, &expected, crash_after, start);
        }
    }
}

fn crash_between_batches_then_reimport(
    env: TestEnv,
    csv: &str,
    expected: &str,
    crash_after: &str,
    start: &str,
) {
    let before = env.export_ndjson();
    env.write_file("big.csv", csv);
    let out = env
        .std_cmd()
        .env("FACTLINE_BULK_BATCH_BYTES", SMALL_BATCH)
        .env("FACTLINE_BULK_BUFFER_BYTES", SMALL_BUFFER)
        .env("FACTLINE_CRASH_AFTER_BATCHES", crash_after)
        .args(["import", "big.csv"])
        .output()
        .unwrap();
    assert!(
        !out.status.success() && out.status.code().is_none(),
        "the import into {start} should have crashed after batch {crash_after}: {out:?}"
    );

    // The next open (any command) restores the pages the batches replaced.
    let stderr = check_passes(
        &env,
        &format!("a crash after batch {crash_after} ({start})"),
    );
    assert!(
        stderr.contains("an import was interrupted before it finished and has been undone"),
        "{stderr}"
    );
    assert_eq!(
        env.export_ndjson(),
        before,
        "crash after batch {crash_after} ({start})"
    );
    let stderr = check_passes(&env, "the rollback");
    assert!(!stderr.contains("interrupted"), "undone twice: {stderr}");

    let stderr = import(&env, &["big.csv"]);
    assert!(
        stderr.contains(&format!("{BIG_ROWS} added, 0 updated, 0 unchanged")),
        "{stderr}"
    );
    assert_eq!(
        env.run_ok(["export", "--format", "csv"]),
        expected,
        "{start}"
    );
}

#[test]
fn an_import_killed_at_any_moment_leaves_all_or_nothing_and_completes_on_rerun() {
    let csv = big_csv();
    for (start, make_env) in START_FROM {
        let (expected, full) = clean_big_import_into(make_env(), &csv);
        // Early (while validating), and at about half and four fifths of the import.
        let delays = [Duration::from_millis(600), full / 2, full * 4 / 5];
        for delay in delays {
            kill_then_reimport(make_env(), &csv, &expected, delay, full, start);
        }
    }
}

fn kill_then_reimport(
    env: TestEnv,
    csv: &str,
    expected: &str,
    delay: Duration,
    full: Duration,
    start: &str,
) {
    env.write_file("big.csv", csv);
    let mut child = env
        .std_cmd()
        .env("FACTLINE_BULK_BATCH_BYTES", SMALL_BATCH)
        .env("FACTLINE_BULK_BUFFER_BYTES", SMALL_BUFFER)
        .args(["import", "big.csv"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let finished = child.try_wait().unwrap().is_some();
    if !finished {
        child.kill().unwrap();
    }
    child.wait().unwrap();

    check_passes(&env, &format!("a kill at {delay:?} ({start})"));
    let kept = bulk_events(&env.run_ok(["export", "--format", "csv"]));
    assert!(
        kept == 0 || kept == BIG_ROWS,
        "a kill at {delay:?} ({start}) left {kept} of {BIG_ROWS} events: not all or nothing"
    );
    eprintln!(
        "kill at {delay:?} ({start}; full import {full:?}): finished before: {finished}, {kept} events kept"
    );

    let stderr = import(&env, &["big.csv"]);
    assert!(
        stderr.contains(&format!(
            "{} added, 0 updated, {kept} unchanged",
            BIG_ROWS - kept
        )),
        "{stderr}"
    );
    assert_eq!(
        env.run_ok(["export", "--format", "csv"]),
        expected,
        "after a kill at {delay:?} ({start}) and a re-import"
    );
}

#[test]
fn an_import_spilled_in_many_runs_equals_one_sorted_in_memory() {
    let csv = big_csv();
    let (expected, _) = clean_big_import(&csv);
    let env = seeded_env();
    env.write_file("big.csv", &csv);
    let out = env
        .std_cmd()
        .env("FACTLINE_BULK_BATCH_BYTES", SMALL_BATCH)
        .env("FACTLINE_BULK_BUFFER_BYTES", SMALL_BUFFER)
        .args(["--verbose", "import", "big.csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let runs: usize = stderr
        .split("logical writes, ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no run count in {stderr}"));
    assert!(runs > 3, "only {runs} runs spilled: {stderr}");
    assert_eq!(env.run_ok(["export", "--format", "csv"]), expected);
    check_passes(&env, "a spilled import");
}

/// Found by a black-box test (bb27 #05): the sort on disk kept every run
/// file open until its final merge, so an import that spilled more runs
/// than the process may open files failed with "Too many open files"
/// (blamed on TMPDIR). Whenever 64 runs are open, the runs of one level
/// are now merged into one: under a limit of 100 open files, an import
/// that spills hundreds of runs completes, and gives what one sorted in
/// memory gives. Merging every open run each time (the big run of the
/// merge before too) read and wrote every write again at each merge: the
/// writes merged before the last merge stay within a few times the
/// writes sorted (`--verbose` counts both).
#[test]
fn an_import_spilled_in_more_runs_than_files_may_be_open_completes() {
    let csv = big_csv();
    let (expected, _) = clean_big_import(&csv);
    let env = seeded_env();
    env.write_file("big.csv", &csv);
    let factline = assert_cmd::cargo::cargo_bin("factline");
    let out = std::process::Command::new("sh")
        .args([
            "-c",
            "ulimit -n 100 && exec \"$0\" --verbose import big.csv",
        ])
        .arg(&factline)
        .current_dir(env.root())
        .env("FACTLINE_DB", env.db())
        .env("FACTLINE_BULK_BUFFER_BYTES", "4096")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let count = |after: &str| -> u64 {
        let rest = stderr.split(after).nth(1).unwrap_or_default();
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits
            .parse()
            .unwrap_or_else(|_| panic!("no count after {after:?}: {stderr}"))
    };
    let (writes, remerged) = (count("sorted "), count("spilled runs ("));
    assert!(
        remerged <= 3 * writes,
        "{remerged} writes merged again for {writes} sorted: {stderr}"
    );
    assert_eq!(env.run_ok(["export", "--format", "csv"]), expected);
    // The timeline's own sort, past the same limit.
    let out = std::process::Command::new("sh")
        .args(["-c", "ulimit -n 100 && exec \"$0\" export --format csv"])
        .arg(&factline)
        .current_dir(env.root())
        .env("FACTLINE_DB", env.db())
        .env("FACTLINE_BULK_BUFFER_BYTES", "4096")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
    check_passes(&env, "an import merged from many runs");
}

// 10. The CSV export streams the timeline through an on-disk sort.

/// The first column (ids) of a CSV, header dropped.
fn first_column(csv: &str) -> Vec<String> {
    csv.lines()
        .skip(1)
        .map(|line| line.split(',').next().unwrap_or_default().to_string())
        .collect()
}

/// 400 events whose dates tie on their bounds and differ in text or
/// precision, in an order unlike the ids', imported, with ev-005 retracted.
/// Returns each live event's (id, date, participant).
fn tied_dates_env() -> (TestEnv, Vec<(String, &'static str, String)>) {
    let env = TestEnv::new();
    let dates = [
        "2025",
        "2025-01-01/2025-12-31",
        "2025-01",
        "2025-01-01",
        "2024-12-31",
        "2025-06-01/..",
        "../2025-02-01",
        "2025-01-01",
    ];
    let mut csv = format!("{HEADER}\n");
    let mut events = Vec::new();
    for i in 0..400 {
        let (id, date, person) = (
            format!("ev-{:03}", (i * 37) % 400),
            dates[i % dates.len()],
            format!("Person {}", i % 9),
        );
        csv.push_str(&format!(
            "{id},{date},Event {i},meeting,occurred,,{person},,,\n"
        ));
        if id != "ev-005" {
            events.push((id, date, person));
        }
    }
    env.write_file("order.csv", &csv);
    import(&env, &["order.csv"]);
    env.run_ok(["retract", "ev-005", "--reason", "a test"]);
    (env, events)
}

#[test]
fn the_csv_export_is_in_timeline_order_when_sorted_in_many_runs() {
    let (env, _) = tied_dates_env();

    let timeline = env.run_ok(["timeline", "--format", "csv"]);
    let out = env
        .std_cmd()
        .env("FACTLINE_BULK_BUFFER_BYTES", "2000")
        .args(["export", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let exported = first_column(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(exported.len(), 399, "the retracted event is not exported");
    assert!(!exported.contains(&"ev-005".to_string()));
    assert_eq!(exported, first_column(&timeline));
    // The same export sorted in memory (one run).
    assert_eq!(
        first_column(&env.run_ok(["export", "--format", "csv"])),
        exported
    );
}

#[test]
fn an_ndjson_import_that_crashes_between_page_batches_is_undone_too() {
    let csv = big_csv();
    let source = seeded_env();
    source.write_file("big.csv", &csv);
    import(&source, &["big.csv"]);
    let dump = source.export_ndjson();

    let env = TestEnv::new();
    let dump_path = env.write_file("dump.ndjson", &dump);
    let dump_arg = dump_path.to_str().unwrap();
    env.run_ok(["source", "add", "Already here"]);
    let before = env.export_ndjson();
    let out = env
        .std_cmd()
        .env("FACTLINE_BULK_BATCH_BYTES", SMALL_BATCH)
        .env("FACTLINE_CRASH_AFTER_BATCHES", "2")
        .args(["import", dump_arg])
        .output()
        .unwrap();
    assert!(out.status.code().is_none(), "expected a crash: {out:?}");
    let stderr = check_passes(&env, "a crashed NDJSON import");
    assert!(stderr.contains("has been undone"), "{stderr}");
    assert!(
        env.export_ndjson() == before,
        "the crashed import left records"
    );

    // Run again, it completes: the database then holds the dump's lines and
    // the one record it had.
    let (_, stderr) = env.run_ok_with_stderr(["import", dump_arg]);
    assert!(stderr.contains("new, 0 already present"), "{stderr}");
    let exported = env.export_ndjson();
    // Every line but the trailer, whose count is one more.
    let records = |dump: &str| -> BTreeSet<String> {
        dump.lines()
            .filter(|l| !l.starts_with(r#"{"type":"trailer""#))
            .map(String::from)
            .collect()
    };
    let exported = records(&exported);
    let missing = records(&dump).difference(&exported).count();
    assert_eq!(missing, 0, "dump lines missing after the re-run");
    assert_eq!(exported.len(), records(&dump).len() + 1);
}

// 11. Timelines stream through the same on-disk sort, whatever the filter.

/// A day as JSON gives it, or `unknown` where the bound is unknown.
fn day_or(value: &Value, unknown: &str) -> String {
    value.as_str().unwrap_or(unknown).to_string()
}

/// Which events (by date and participant) a timeline query selects.
type Selects = dyn Fn(&str, &str) -> bool;

#[test]
fn timelines_stream_in_date_order_whatever_the_filter_and_however_many_runs() {
    let (env, events) = tied_dates_env();
    let queries: [(&[&str], &Selects); 4] = [
        (&[], &|_, _| true),
        (&["--actor", "Person 3"], &|_, person| person == "Person 3"),
        // Events that may fall in January 2025: not 2024-12-31, nor June on.
        (&["--from", "2025-01", "--to", "2025-01"], &|date, _| {
            date != "2024-12-31" && date != "2025-06-01/.."
        }),
        // Certainly inside 2025: no open end, no unknown start.
        (
            &["--from", "2025", "--to", "2025", "--strict"],
            &|date, _| !date.contains("..") && date != "2024-12-31",
        ),
    ];
    for (args, selects) in queries {
        let mut expected: Vec<&str> = events
            .iter()
            .filter(|(_, date, person)| selects(date, person))
            .map(|(id, _, _)| id.as_str())
            .collect();
        expected.sort_unstable();
        let timeline = |buffer: Option<&str>| {
            let mut cmd = env.std_cmd();
            if let Some(bytes) = buffer {
                cmd.env("FACTLINE_BULK_BUFFER_BYTES", bytes);
            }
            let out = cmd
                .args(["--verbose", "--format", "json", "timeline"])
                .args(args)
                .output()
                .unwrap();
            assert!(out.status.success(), "{args:?}: {out:?}");
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            (stdout, String::from_utf8_lossy(&out.stderr).into_owned())
        };
        let (in_memory, _) = timeline(None);
        let (spilled, stderr) = timeline(Some("2000"));
        assert!(
            stderr.contains(" spilled runs") && !stderr.contains(" 0 spilled runs"),
            "{args:?} was not sorted in several runs: {stderr}"
        );
        assert_eq!(spilled, in_memory, "{args:?}");
        let rows: Vec<Value> = serde_json::from_str(&in_memory).unwrap();
        let mut ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
        ids.sort_unstable();
        assert_eq!(ids, expected, "{args:?}");
        // Date order: by earliest day, then latest; the same date by id.
        let bounds = |r: &Value| (day_or(&r["earliest"], ""), day_or(&r["latest"], "~"));
        for pair in rows.windows(2) {
            assert!(bounds(&pair[0]) <= bounds(&pair[1]), "{args:?}: {pair:?}");
            if pair[0]["date"] == pair[1]["date"] {
                assert!(pair[0]["id"].as_str() < pair[1]["id"].as_str(), "{pair:?}");
            }
        }
    }
}

// 12. Headers: a column the header lacks leaves that field as stored, a
// column named twice is refused, a column no field reads is named.

/// The stored event with this id (`event show --format json`).
fn event_json(env: &TestEnv, id: &str) -> Value {
    let shown = env.json(["event", "show", id]);
    shown.get("event").cloned().unwrap_or(shown)
}

#[test]
fn a_header_without_some_columns_leaves_those_fields_as_stored() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let id = "2025-08-alaska-summit";
    let before = event_json(&env, id);
    assert_eq!(before["kind"], "meeting");

    // A sheet that only corrects titles and statuses; its second row is a
    // new event.
    env.write_file(
        "status.csv",
        &format!(
            "id,date,title,status\n\
             {id},2025-08,Trump and Putin meet in Anchorage,occurred\n\
             new-one,2025-09-01,A new event,scheduled\n"
        ),
    );
    let stderr = import(&env, &["status.csv"]);
    assert!(stderr.contains("1 added, 1 updated"), "{stderr}");
    let after = event_json(&env, id);
    assert_eq!(after["title"], "Trump and Putin meet in Anchorage");
    for field in ["kind", "place", "actors", "sources", "tags", "description"] {
        assert_eq!(after[field], before[field], "{field} kept: {after:#}");
    }
    let who_met = env.json(["who-met", "putin"]);
    assert!(who_met.to_string().contains(id), "{who_met}");
    // The new event gets the defaults.
    let new = event_json(&env, "new-one");
    assert_eq!(new["kind"], "other");
    assert_eq!(new["status"], "scheduled");
    assert!(new["actors"].as_array().unwrap().is_empty(), "{new}");

    // A column given by --map counts as given: it is written, and the
    // others are kept.
    env.write_file(
        "notes.csv",
        &format!(
            "id,When,Headline,Notes\n{id},2025-08,Trump and Putin meet in Anchorage,Rewritten\n"
        ),
    );
    let stderr = import(
        &env,
        &[
            "notes.csv",
            "--map",
            "date=When,title=Headline,description=Notes",
        ],
    );
    assert!(stderr.contains("1 updated"), "{stderr}");
    let mapped = event_json(&env, id);
    assert_eq!(mapped["description"], "Rewritten");
    assert_eq!(mapped["kind"], "meeting");
    assert_eq!(mapped["actors"], before["actors"]);

    // An empty cell in a column the header gives still empties the field.
    env.write_file(
        "empty.csv",
        &format!("id,date,title,place\n{id},2025-08,Trump and Putin meet in Anchorage,\n"),
    );
    import(&env, &["empty.csv"]);
    assert!(event_json(&env, id)["place"].is_null());
    env.run_ok(["check"]);
}

#[test]
fn without_an_actors_column_rows_match_events_by_date_and_title() {
    let env = TestEnv::new();
    env.write_file(
        "full.csv",
        &format!(
            "{HEADER}\n\
             ,2025-10-24,Miami talks,talks,occurred,Miami,Steve Witkoff; Kirill Dmitriev,Axios,,\n\
             ,2025-11-01,Briefing,meeting,occurred,,Ann Ames,,,\n\
             ,2025-11-01,Briefing,meeting,occurred,,Bob Berg,,,\n"
        ),
    );
    import(&env, &["full.csv"]);
    let miami_id = event_titled(&env, "Miami talks")["id"]
        .as_str()
        .unwrap()
        .to_string();

    // A TimelineJS sheet has no actors column: its row is the event with
    // that date and title, whose actors stay.
    env.write_file(
        "tl.csv",
        &format!("{TIMELINEJS_HEADER}\n2025,10,24,,,,,,,Miami talks,Three days,,,,,,,,\n"),
    );
    let stderr = import(&env, &["tl.csv"]);
    assert!(stderr.contains("0 added, 1 updated"), "{stderr}");
    let miami = event_titled(&env, "Miami talks");
    assert_eq!(miami["id"], miami_id.as_str());
    assert_eq!(miami["description"], "Three days");
    assert_eq!(
        strings(&miami["actors"]),
        ["Steve Witkoff", "Kirill Dmitriev"]
    );
    let stderr = import(&env, &["tl.csv"]);
    assert!(
        stderr.contains("0 added, 0 updated, 1 unchanged"),
        "{stderr}"
    );

    // Two events with that date and title: the row cannot say which.
    let before = env.export_ndjson();
    env.write_file(
        "which.csv",
        "date,title,status\n2025-11-01,Briefing,cancelled\n2025-12-01,Another,occurred\n",
    );
    let stderr = env.fail(2, ["import", "which.csv"]);
    let errors = row_errors(&stderr, "which.csv");
    assert_eq!(errors.keys().copied().collect::<Vec<_>>(), [2], "{stderr}");
    assert!(errors[&2][0].contains("2 events"), "{stderr}");
    assert_eq!(env.export_ndjson(), before);
    let stderr = import(&env, &["which.csv", "--skip-bad"]);
    assert!(stderr.contains("1 added"), "{stderr}");
    let rejects = raw_records(&env.path("which.csv.rejects.csv"));
    assert_eq!(rejects.len(), 2, "header and the bad row");
    assert_eq!(
        rejects[1].1[1..],
        [
            b"2025-11-01".to_vec(),
            b"Briefing".to_vec(),
            b"cancelled".to_vec()
        ]
    );
}

#[test]
fn a_header_naming_a_column_twice_is_refused() {
    let env = TestEnv::new();
    env.write_file(
        "twice.csv",
        "date,title,actors,actors\n2025-01-01,Two actor columns,Ann,Acme Corp\n",
    );
    let stderr = env.fail(2, ["import", "twice.csv"]);
    testenv::assert_one_error_line(&stderr);
    assert!(stderr.contains("twice.csv:1: "), "{stderr}");
    assert!(stderr.contains("\"actors\" twice"), "{stderr}");
    assert!(!env.db().exists(), "nothing written");

    // The same for a column --map names, in any case.
    env.write_file("mapped.csv", "When,when,title\n2025,2026,x\n");
    let stderr = env.fail(2, ["import", "mapped.csv", "--map", "date=When"]);
    assert!(stderr.contains("mapped.csv:1: "), "{stderr}");
    assert!(!env.db().exists(), "nothing written");

    // A column read by no field may be named twice: it is ignored.
    env.write_file("notes.csv", "date,title,Notes,Notes\n2025,x,a,b\n");
    let stderr = import(&env, &["notes.csv"]);
    assert!(stderr.contains("1 added"), "{stderr}");
}

#[test]
fn columns_that_no_field_reads_are_named_in_one_notice() {
    let env = TestEnv::new();
    env.write_file(
        "typo.csv",
        "date,title,actors,Descripton,Source\n2025-01-01,Typo header,Ann,important notes,Reuters\n",
    );
    let stderr = import(&env, &["typo.csv"]);
    let notices: Vec<&str> = stderr.lines().filter(|l| l.contains("ignoring")).collect();
    assert_eq!(notices.len(), 1, "{stderr}");
    assert!(
        notices[0].contains("\"Descripton\" (description?)")
            && notices[0].contains("\"Source\" (sources?)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 added"),
        "the import still runs: {stderr}"
    );

    // A column --map names is read, and one it takes the place of is not.
    let env = TestEnv::new();
    env.write_file(
        "mapped.csv",
        "date,title,Descripton,description\n2025-01-01,x,notes,other\n",
    );
    let stderr = import(&env, &["mapped.csv", "--map", "description=Descripton"]);
    assert!(stderr.contains("ignoring a column"), "{stderr}");
    assert!(stderr.contains("\"description\""), "{stderr}");
    assert!(!stderr.contains("\"Descripton\""), "{stderr}");
    assert_eq!(timeline(&env)[0]["description"], "notes");

    // The export's own header names every field: no notice.
    let stderr = import(&env, &["mapped.csv", "--map", "description=description"]);
    assert!(stderr.contains("ignoring"), "{stderr}");
    env.write_file("full.csv", &format!("{HEADER}\n,2025,y,,,,,,,\n"));
    let stderr = import(&env, &["full.csv"]);
    assert!(!stderr.contains("ignoring"), "{stderr}");
}

// 13. One row per event in a file.

/// The names of the actors (`actors --format json`), sorted.
fn actor_names(env: &TestEnv) -> Vec<String> {
    let mut names: Vec<String> = env
        .json(["actors"])
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn a_second_row_for_an_event_is_a_bad_row_naming_the_first() {
    let env = TestEnv::new();
    // No id, the same date, title and actors: one event, given with two
    // descriptions, and once more exactly as first given (spreadsheets
    // hold such copies: that is no conflict).
    env.write_file(
        "twice.csv",
        "date,title,actors,description\n\
         2025-01-01,Talks,Alice Adams; Bob Brown,first\n\
         2025-01-01,Talks,Alice Adams; Bob Brown,second\n\
         2025-01-02,Other talks,Carol Clark,\n\
         2025-01-01,Talks,Alice Adams; Bob Brown,first\n",
    );
    let stderr = env.fail(2, ["import", "twice.csv"]);
    let errors = row_errors(&stderr, "twice.csv");
    assert_eq!(errors.keys().copied().collect::<Vec<_>>(), [3], "{stderr}");
    assert!(
        errors[&3][0].contains("line 2") && errors[&3][0].contains("description"),
        "{stderr}"
    );
    assert!(!env.db().exists(), "nothing written");

    // --skip-bad rejects the second row; importing again changes nothing.
    let stderr = import(&env, &["twice.csv", "--skip-bad"]);
    assert!(
        stderr.contains("2 added, 0 updated, 1 unchanged"),
        "{stderr}"
    );
    let rejects = raw_records(&env.path("twice.csv.rejects.csv"));
    assert_eq!(rejects.len(), 2, "header and the second row");
    assert_eq!(rejects[1].1[4], b"second");
    let talks = event_titled(&env, "Talks");
    assert_eq!(talks["description"], "first");
    let talks_id = talks["id"].as_str().unwrap().to_string();
    let before = env.export_ndjson();
    for _ in 0..2 {
        let stderr = import(&env, &["twice.csv", "--skip-bad"]);
        assert!(
            stderr.contains("0 added, 0 updated, 3 unchanged"),
            "{stderr}"
        );
        assert_eq!(env.export_ndjson(), before, "a re-import changes nothing");
    }
    assert_eq!(versions(&env, &talks_id), 1);

    // The same id twice: the second row is bad, even when the first left
    // the stored event as it was; it creates no actor either.
    env.write_file(
        "ids.csv",
        "id,date,title,actors\n\
         x1,2025-02-01,First,Ann Ames\n\
         x1,2025-02-02,Second,Zed Zorn\n",
    );
    let stderr = env.fail(2, ["import", "ids.csv"]);
    let errors = row_errors(&stderr, "ids.csv");
    assert_eq!(errors.keys().copied().collect::<Vec<_>>(), [3], "{stderr}");
    assert!(errors[&3][0].contains("line 2"), "{stderr}");
    import(&env, &["ids.csv", "--skip-bad"]);
    assert!(!actor_names(&env).contains(&"Zed Zorn".to_string()));
    let stderr = env.fail(2, ["import", "ids.csv"]);
    assert_eq!(
        row_errors(&stderr, "ids.csv")
            .keys()
            .copied()
            .collect::<Vec<_>>(),
        [3],
        "{stderr}"
    );
    let before = env.export_ndjson();
    let stderr = import(&env, &["ids.csv", "--skip-bad"]);
    assert!(
        stderr.contains("0 added, 0 updated, 1 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);
    assert_eq!(versions(&env, "x1"), 1);
    env.run_ok(["check"]);
}

#[test]
fn a_second_row_for_an_event_is_reported_after_another_bad_row() {
    let env = TestEnv::new();
    env.write_file(
        "both.csv",
        "date,title,actors,description\n\
         2025-01-01,Talks,Ann Ames,first\n\
         2025-13-01,Bad date,Ann Ames,\n\
         2025-01-01,Talks,Ann Ames,second\n",
    );
    let stderr = env.fail(2, ["import", "both.csv"]);
    let errors = row_errors(&stderr, "both.csv");
    assert_eq!(
        errors.keys().copied().collect::<Vec<_>>(),
        [3, 4],
        "{stderr}"
    );
    assert!(errors[&4][0].contains("line 2"), "{stderr}");
    assert!(stderr.contains("2 of 3 rows are bad"), "{stderr}");
    assert!(!env.db().exists());
}

// 14. Retracted events stay retracted.

#[test]
fn a_row_for_a_retracted_event_leaves_it_retracted_and_adds_nothing() {
    let env = TestEnv::new();
    env.write_file(
        "rows.csv",
        "date,title,actors,description\n\
         2025-03-01,Dup meeting,Ann Ames; Ben Berg,\n\
         2025-03-02,Other meeting,Ann Ames,first\n",
    );
    import(&env, &["rows.csv"]);
    let dup = event_titled(&env, "Dup meeting")["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Another event with history, which is not retracted.
    env.write_file(
        "edit.csv",
        "date,title,actors,description\n2025-03-02,Other meeting,Ann Ames,second\n",
    );
    import(&env, &["edit.csv"]);
    env.run_ok(["retract", &dup, "--reason", "duplicate"]);
    let before = env.export_ndjson();

    // By date, title and actors: the retracted event, left retracted.
    let stderr = import(&env, &["rows.csv", "--dry-run"]);
    assert!(stderr.contains("0 added, 1 updated"), "{stderr}");
    assert!(
        stderr.contains("1 row names a retracted record"),
        "{stderr}"
    );
    let stderr = import(&env, &["rows.csv"]);
    assert!(stderr.contains("0 added, 1 updated"), "{stderr}");
    assert!(stderr.contains("left retracted"), "{stderr}");
    assert_eq!(titles(&env), ["Other meeting"]);
    assert_eq!(versions(&env, &dup), 2);

    // By date and title, in a file without an actors column.
    env.write_file("titles.csv", "date,title\n2025-03-01,Dup meeting\n");
    let stderr = import(&env, &["titles.csv"]);
    assert!(
        stderr.contains("0 added, 0 updated, 0 unchanged"),
        "{stderr}"
    );
    assert!(stderr.contains("left retracted"), "{stderr}");

    // By id, naming an actor and a source no one has: nothing is created
    // for a row that writes nothing.
    env.write_file(
        "by-id.csv",
        &format!("id,date,title,actors,sources\n{dup},2025-03-01,Dup meeting,Ann Ames; Zed Zorn,Some Paper\n"),
    );
    let stderr = import(&env, &["by-id.csv"]);
    assert!(
        stderr.contains("0 added, 0 updated, 0 unchanged; 0 actors and 0 sources created"),
        "{stderr}"
    );
    assert!(stderr.contains("left retracted"), "{stderr}");
    assert!(!actor_names(&env).contains(&"Zed Zorn".to_string()));

    let after = env.export_ndjson();
    assert_eq!(
        after.lines().filter(|l| l.contains("\"event\"")).count(),
        before.lines().filter(|l| l.contains("\"event\"")).count() + 1,
        "one version more, of the other meeting, and no new event"
    );
    assert!(!after.contains(&format!("{dup}-2")), "{after}");
    env.run_ok(["check"]);
}

// Round trips of factline's own exports (bb11 05, 08, 06, 13).

/// The summary line an import printed ("N added, N updated, N unchanged").
fn summary(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|l| l.contains(" added, "))
        .unwrap_or_else(|| panic!("no import summary in: {stderr}"))
}

/// Two actors named John Smith and two sources named Axios, whose ids
/// (`john-smith`, `j-smith`, `axios`, `axios-2`) fold as the name they
/// share, from an NDJSON dump, which can hold them.
fn namesakes_dump() -> String {
    let meta = r#""meta":{"version":1,"recorded_at":"2025-11-20T12:00:00Z","retracted":null}"#;
    let actor = |id: &str, name: &str| {
        format!(
            r#"{{"type":"actor","id":"{id}","name":"{name}","kind":"person","aliases":[],"description":"","roles":[],{meta}}}"#
        )
    };
    testenv::dump::of(&[
        actor("john-smith", "John Smith"),
        actor("j-smith", "John Smith"),
        testenv::dump::source_line("axios", "Axios"),
        testenv::dump::source_line("axios-2", "Axios"),
    ])
}

#[test]
fn namesakes_whose_ids_spell_their_name_import_back_as_themselves() {
    // The export writes a shared name as the id; `john-smith` also spells
    // "John Smith", which the import took for the first John Smith found
    // (`j-smith`), moving the event to the other one.
    let env = TestEnv::new();
    let file = env.write_file("namesakes.ndjson", &namesakes_dump());
    env.run_ok(["import", file.to_str().unwrap()]);
    for (title, actor, source) in [
        ("First", "john-smith", "axios"),
        ("Second", "j-smith", "axios-2"),
    ] {
        env.run_ok([
            "event",
            "add",
            "--title",
            title,
            "--date",
            "2025-01-01",
            "--actor",
            actor,
            "--actor",
            "Ann Lee",
            "--source",
            source,
        ]);
    }
    let before = env.export_ndjson();
    let csv = env.run_ok(["export", "--format", "csv"]);
    assert!(csv.contains("john-smith; Ann Lee,axios,"), "{csv}");
    assert!(csv.contains("j-smith; Ann Lee,axios-2,"), "{csv}");
    let file = env.write_file("timeline.csv", &csv);
    let stderr = import(&env, &[file.to_str().unwrap()]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 2 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);
}

#[test]
fn a_long_non_ascii_description_imports_again_from_the_csv_export() {
    // 60,000 Cyrillic characters are 120,000 bytes: within the limit of
    // 100,000 characters that the command keeps.
    let env = TestEnv::new();
    let note = "ж".repeat(60_000);
    env.run_ok([
        "event",
        "add",
        "--title",
        "Довгий опис",
        "--date",
        "2025",
        "--id",
        "e1",
        "--note",
        &note,
    ]);
    env.run_ok(["export", "--format", "csv", "-o", "story.csv"]);
    let stderr = import(&env, &["story.csv"]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 1 unchanged"),
        "{stderr}"
    );
    let other = TestEnv::new();
    let path = env.path("story.csv");
    other.run_ok(["import", path.to_str().unwrap()]);
    assert_eq!(event_json(&other, "e1")["description"], note.as_str());

    // The one limit, in characters, for the command and both imports.
    let four_byte = |n: usize| "𝄞".repeat(n);
    env.write_file(
        "max.csv",
        &format!("{HEADER}\nmax,2025,Longest,,,,,,,{}\n", four_byte(100_000)),
    );
    import(&env, &["max.csv"]);
    assert_eq!(
        event_json(&env, "max")["description"]
            .as_str()
            .unwrap()
            .chars()
            .count(),
        100_000
    );
    let ndjson = env.export_ndjson();
    let fresh = TestEnv::new();
    fresh.write_file("all.ndjson", &ndjson);
    fresh.run_ok(["import", "all.ndjson"]);
    assert_eq!(fresh.export_ndjson(), ndjson);

    env.write_file(
        "over.csv",
        &format!(
            "{HEADER}\nover,2025,Too long,,,,,,,{}\n",
            four_byte(100_001)
        ),
    );
    let stderr = env.fail(2, ["import", "over.csv"]);
    assert!(
        stderr.contains("over.csv:2: description is longer than 100000 characters"),
        "{stderr}"
    );
    let stderr = env.fail(
        2,
        [
            "event",
            "add",
            "--title",
            "t",
            "--date",
            "2025",
            "--note",
            &"a".repeat(100_001),
        ],
    );
    assert!(
        stderr.contains("note is longer than 100000 characters"),
        "{stderr}"
    );
}

#[test]
fn free_text_imports_exactly_as_exported_and_one_line_fields_are_trimmed() {
    let env = TestEnv::new();
    let notes = [
        ("e1", "  indented\nlast line  "),
        ("e2", "\tTab first"),
        ("e3", "ends with a line end\n"),
        ("e4", "'= a guarded formula"),
        ("e5", " -1 and a space"),
    ];
    for (id, note) in notes {
        env.run_ok([
            "event", "add", "--title", id, "--date", "2025", "--id", id, "--note", note,
        ]);
    }
    env.run_ok([
        "claim",
        "add",
        "--id",
        "c1",
        "--by",
        "Someone",
        "--text",
        "Something was said",
        "--quote",
        "\t indented quote\nsecond line ",
    ]);
    env.run_ok(["export", "--format", "csv", "-o", "story.csv"]);
    let stderr = import(&env, &["story.csv"]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 5 unchanged"),
        "{stderr}"
    );
    for (id, note) in notes {
        assert_eq!(event_json(&env, id)["description"], note, "{id}");
        assert_eq!(event_json(&env, id)["version"], 1, "{id}");
    }
    env.run_ok([
        "export",
        "--format",
        "csv",
        "--what",
        "claims",
        "-o",
        "claims.csv",
    ]);
    import(&env, &["claims.csv", "--what", "claims"]);
    let claim = env.json(["claim", "show", "c1"]);
    assert_eq!(claim["quote"], "\t indented quote\nsecond line ", "{claim}");
    assert_eq!(claim["version"], 1, "{claim}");

    // A sheet's one-line fields are trimmed as the commands trim them; its
    // description is kept as written.
    env.write_file(
        "sheet.csv",
        &format!("{HEADER}\n  e6 , 2025 ,  Padded title  ,,, Kyiv ,, , a tag ;b ,\"  kept  \"\n"),
    );
    import(&env, &["sheet.csv"]);
    let e6 = event_json(&env, "e6");
    assert_eq!(e6["title"], "Padded title");
    assert_eq!(e6["place"], "Kyiv");
    assert_eq!(strings(&e6["tags"]), ["a tag", "b"]);
    assert_eq!(e6["description"], "  kept  ");
}

#[test]
fn timelinejs_names_the_date_a_postponed_event_was_first_planned_for() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let id = "2025-11-19-witkoff-zelenskyy-turkiye";
    let display = |env: &TestEnv| -> String {
        let tl: Value =
            serde_json::from_str(&env.run_ok(["export", "--format", "timelinejs"])).unwrap();
        tl["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["unique_id"] == id)
            .unwrap()["display_date"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // Postponed without a new date: nothing moved.
    assert_eq!(display(&env), "19 Nov 2025 (postponed)");
    env.run_ok(["event", "postpone", id, "--to", "2025-12~"]);
    assert_eq!(display(&env), "~Dec 2025 (postponed from 19 Nov 2025)");
    let sheet = env.run_ok(["export", "--format", "timelinejs-csv"]);
    assert!(
        sheet.contains(",~Dec 2025 (postponed from 19 Nov 2025),Witkoff to meet Zelenskyy"),
        "{sheet}"
    );
}

#[test]
fn factlines_own_timelinejs_sheet_imports_back_without_duplicates_or_changes() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    // Uncertain dates that a sheet cannot say exactly, and text that
    // TimelineJS shows as HTML.
    env.run_ok([
        "event",
        "add",
        "--id",
        "approx",
        "--title",
        "A & B <talk>",
        "--date",
        "2025-08~",
        "--kind",
        "talks",
        "--tag",
        "kept",
        "--actor",
        "Steve Witkoff",
        "--note",
        "<p>Actors: not a paragraph</p> & more",
    ]);
    env.run_ok([
        "event",
        "add",
        "--id",
        "unspec",
        "--title",
        "Some year",
        "--date",
        "2025-XX",
    ]);
    let before = env.export_ndjson();
    env.run_ok(["export", "--format", "timelinejs-csv", "-o", "sheet.csv"]);
    let stderr = import(&env, &["sheet.csv"]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 18 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before, "the import changed nothing");

    // Into a new database: the Group is the kind, the Text the description
    // (its Actors and Sources paragraphs the actors and sources), the
    // Display Date the date where it has the sheet's bounds, else the bounds.
    let other = TestEnv::new();
    let path = env.path("sheet.csv");
    other.run_ok(["import", path.to_str().unwrap()]);
    let events = timeline(&other);
    assert_eq!(events.len(), 18);
    let miami = event_titled(
        &other,
        "Witkoff and Dmitriev hold three days of talks in Miami",
    );
    assert_eq!(miami["kind"], "talks");
    assert_eq!(miami["date"], "2025-10-24/2025-10-26");
    assert_eq!(
        strings(&miami["actors"]),
        ["Steve Witkoff", "Kirill Dmitriev"]
    );
    assert!(
        miami["description"]
            .as_str()
            .unwrap()
            .ends_with("other members of Trump's team."),
        "{miami}"
    );
    for (title, date) in [
        (
            "Children from occupied regions placed in Russian families and institutions",
            "2022/..",
        ),
        (
            "ISW: Russia uses deported Ukrainian children as bargaining chips",
            "2025-11?/2025-11-20",
        ),
        (
            "Russia escalates its attacks during the US push for talks",
            "2025-01/..",
        ),
        // "~Aug 2025", as the Display Date writes it, is read back.
        ("A & B <talk>", "2025-08~"),
        ("Some year", "2025/2025-12-31"),
    ] {
        assert_eq!(event_titled(&other, title)["date"], date, "{title}");
    }
    let approx = event_titled(&other, "A & B <talk>");
    assert_eq!(
        approx["description"],
        "<p>Actors: not a paragraph</p> & more"
    );
    assert_eq!(approx["kind"], "talks");
    // The same sheet into the database it came from is still no change.
    other.run_ok(["import", path.to_str().unwrap()]);
    assert_eq!(timeline(&other).len(), 18);
}

// TimelineJS sheets carry the events' actors and sources in their Text.

/// A database whose events name an actor with a comma in the name, two
/// actors who share a name ([`namesakes_dump`]), and sources, one with a
/// comma in the name, one of two that share a name. The namesakes are
/// given by their ids: a name several share means none of them.
fn people_env() -> TestEnv {
    let env = TestEnv::new();
    let file = env.write_file("namesakes.ndjson", &namesakes_dump());
    env.run_ok(["import", file.to_str().unwrap()]);
    for args in [
        &[
            "--title",
            "Talks in Miami",
            "--date",
            "2025-10-24/2025-10-26",
            "--kind",
            "talks",
            "--actor",
            "Witkoff, Steve",
            "--actor",
            "john-smith",
            "--actor",
            "Kirill Dmitriev",
            "--source",
            "axios",
            "--source",
            "Ministry of Defence, Ukraine",
            "--note",
            "Three days & <more>",
        ][..],
        &[
            "--title",
            "A call",
            "--date",
            "2025-11-02",
            "--kind",
            "meeting",
            "--actor",
            "j-smith",
            "--actor",
            "Kirill Dmitriev",
            "--source",
            "axios",
        ],
        &["--title", "Nobody named", "--date", "2025-11"],
    ] {
        let mut all = vec!["event", "add"];
        all.extend_from_slice(args);
        env.run_ok(&all);
    }
    env
}

/// `who-met` as JSON, with the namesakes' ids (which a database the sheet
/// is imported into knows them by) read as their shared name.
fn who_met_as_named(env: &TestEnv) -> String {
    env.run_ok(["who-met", "--format", "json"])
        .replace("\"john-smith\"", "\"John Smith\"")
        .replace("\"j-smith\"", "\"John Smith\"")
}

#[test]
fn a_timelinejs_sheet_brings_the_events_actors_and_sources_into_a_new_database() {
    let env = people_env();
    let before = env.export_ndjson();
    env.run_ok(["export", "--format", "timelinejs-csv", "-o", "sheet.csv"]);
    let sheet = std::fs::read_to_string(env.path("sheet.csv")).unwrap();
    // Names joined with "; ", a comma inside a name written as an entity
    // (the slide shows a comma), namesakes as their ids.
    assert!(
        sheet.contains(
            "Three days &amp; &lt;more&gt;<p>Actors: Witkoff&#44; Steve; john-smith; Kirill Dmitriev</p><p>Sources: axios; Ministry of Defence&#44; Ukraine</p>"
        ),
        "{sheet}"
    );

    let other = TestEnv::new();
    let path = env.path("sheet.csv");
    let stderr = import(&other, &[path.to_str().unwrap()]);
    assert!(
        summary(&stderr)
            .contains("3 added, 0 updated, 0 unchanged; 4 actors and 2 sources created"),
        "{stderr}"
    );
    // Each event has its actors and sources, by the names the original
    // lists them by (the namesakes by their ids), and its description.
    let timeline_csv = |env: &TestEnv| env.run_ok(["timeline", "--format", "csv"]);
    assert_eq!(timeline_csv(&other), timeline_csv(&env));
    let talks = event_titled(&other, "Talks in Miami");
    assert_eq!(
        strings(&talks["actors"]),
        ["Witkoff, Steve", "john-smith", "Kirill Dmitriev"]
    );
    assert_eq!(
        strings(&talks["sources"]),
        ["axios", "Ministry of Defence, Ukraine"]
    );
    assert_eq!(talks["description"], "Three days & <more>");
    assert!(event_titled(&other, "Nobody named")["actors"]
        .as_array()
        .unwrap()
        .is_empty());
    // Who met whom, as in the original.
    assert_eq!(who_met_as_named(&other), who_met_as_named(&env));
    assert!(
        other
            .run_ok(["who-met", "Witkoff, Steve"])
            .contains("Kirill Dmitriev"),
        "the graph has the meeting"
    );
    other.run_ok(["check"]);

    // Into the database it came from, and into the new one: no change.
    let stderr = import(&env, &[path.to_str().unwrap()]);
    assert!(
        summary(&stderr)
            .contains("0 added, 0 updated, 3 unchanged; 0 actors and 0 sources created"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before, "the import changed nothing");
    let copied = other.export_ndjson();
    let stderr = import(&other, &[path.to_str().unwrap()]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 3 unchanged"),
        "{stderr}"
    );
    assert_eq!(other.export_ndjson(), copied);
}

#[test]
fn a_timelinejs_sheet_leaves_the_retracted_actors_and_sources_it_does_not_show() {
    let env = people_env();
    env.run_ok(["retract", "kirill-dmitriev", "--reason", "a duplicate"]);
    env.run_ok(["retract", "axios", "--reason", "a duplicate"]);
    let before = env.export_ndjson();
    env.run_ok(["export", "--format", "timelinejs-csv", "-o", "sheet.csv"]);
    let sheet = std::fs::read_to_string(env.path("sheet.csv")).unwrap();
    assert!(
        sheet.contains("<p>Actors: Witkoff&#44; Steve; john-smith</p><p>Sources: Ministry of Defence&#44; Ukraine</p>"),
        "a publication leaves the retracted out: {sheet}"
    );
    let path = env.path("sheet.csv");
    let stderr = import(&env, &[path.to_str().unwrap()]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 3 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before, "the import changed nothing");

    // A sheet that changes the lists: the retracted actor and source stay,
    // after the ones it names.
    env.write_file(
        "edited.csv",
        &sheet
            .replace("Witkoff&#44; Steve; john-smith", "Witkoff&#44; Steve")
            .replace("Ukraine</p>", "Ukraine; The New York Times</p>"),
    );
    let stderr = import(&env, &["edited.csv"]);
    assert!(summary(&stderr).contains("1 updated"), "{stderr}");
    let stored = env.export_ndjson();
    let talks: Value = stored
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .rfind(|record| record["title"] == "Talks in Miami")
        .expect("the event, its latest version last");
    assert_eq!(
        strings(&talks["actors"]),
        ["witkoff-steve", "kirill-dmitriev"],
        "{talks}"
    );
    let sources: Vec<&Value> = talks["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|link| &link["source"])
        .collect();
    assert_eq!(
        sources,
        ["ministry-of-defence-ukraine", "the-new-york-times", "axios"],
        "{talks}"
    );
}

#[test]
fn a_timelinejs_sheet_from_an_earlier_factline_gives_its_actors_and_sources() {
    // Earlier sheets joined the names with ", ".
    let sheet = format!(
        "{TIMELINEJS_HEADER}\n\
         2025,10,24,,2025,10,26,,24–26 Oct 2025,Miami talks,\"Three days<p>Actors: Steve Witkoff, Kirill Dmitriev</p><p>Sources: Axios, The New York Times</p>\",,,,,,,talks,\n\
         2025,11,,,,,,,Nov 2025,A report,<p>Sources: Axios</p>,,,,,,,report,\n"
    );
    let env = TestEnv::new();
    env.write_file("old.csv", &sheet);
    let stderr = import(&env, &["old.csv"]);
    assert!(summary(&stderr).contains("2 added"), "{stderr}");
    let miami = event_titled(&env, "Miami talks");
    assert_eq!(
        strings(&miami["actors"]),
        ["Steve Witkoff", "Kirill Dmitriev"]
    );
    assert_eq!(strings(&miami["sources"]), ["Axios", "The New York Times"]);
    assert_eq!(miami["description"], "Three days");
    let report = event_titled(&env, "A report");
    assert!(report["actors"].as_array().unwrap().is_empty(), "{report}");
    assert_eq!(strings(&report["sources"]), ["Axios"]);
    assert!(env
        .run_ok(["who-met", "Steve Witkoff"])
        .contains("Kirill Dmitriev"));
    let before = env.export_ndjson();
    let stderr = import(&env, &["old.csv"]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 2 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);
}

#[test]
fn a_timelinejs_text_without_the_paragraphs_leaves_actors_and_sources_as_stored() {
    let env = TestEnv::new();
    env.write_file(
        "full.csv",
        &format!(
            "{HEADER}\n\
             ,2025-10-24,Miami talks,talks,occurred,Miami,Steve Witkoff; Kirill Dmitriev,Axios,,\n"
        ),
    );
    import(&env, &["full.csv"]);
    // No paragraph: both lists as stored, and a new event gets none.
    // Only an Actors paragraph: the sources as stored.
    env.write_file(
        "tl.csv",
        &format!(
            "{TIMELINEJS_HEADER}\n\
             2025,10,24,,,,,,,Miami talks,Three days,,,,,,,,\n\
             2025,11,1,,,,,,,Briefing,<p>Plain</p>,,,,,,,,\n"
        ),
    );
    let stderr = import(&env, &["tl.csv"]);
    assert!(summary(&stderr).contains("1 added, 1 updated"), "{stderr}");
    let miami = event_titled(&env, "Miami talks");
    assert_eq!(miami["description"], "Three days");
    assert_eq!(
        strings(&miami["actors"]),
        ["Steve Witkoff", "Kirill Dmitriev"]
    );
    assert_eq!(strings(&miami["sources"]), ["Axios"]);
    let briefing = event_titled(&env, "Briefing");
    assert_eq!(briefing["description"], "<p>Plain</p>");
    assert!(briefing["actors"].as_array().unwrap().is_empty());
    assert!(briefing["sources"].as_array().unwrap().is_empty());

    env.write_file(
        "actors.csv",
        &format!(
            "{TIMELINEJS_HEADER}\n\
             2025,10,24,,,,,,,Miami talks,Three days<p>Actors: Steve Witkoff; Rustem Umerov</p>,,,,,,,,\n"
        ),
    );
    let stderr = import(&env, &["actors.csv"]);
    assert!(summary(&stderr).contains("0 added, 1 updated"), "{stderr}");
    let miami = event_titled(&env, "Miami talks");
    assert_eq!(
        strings(&miami["actors"]),
        ["Steve Witkoff", "Rustem Umerov"]
    );
    assert_eq!(strings(&miami["sources"]), ["Axios"]);
    assert_eq!(miami["description"], "Three days");

    // A column that --map names adds its names to the paragraph's: nothing
    // the sheet says is dropped (bb22).
    env.write_file(
        "mapped.csv",
        &format!(
            "{TIMELINEJS_HEADER},Reported by\n\
             2025,10,24,,,,,,,Miami talks,Three days<p>Sources: Axios</p>,,,,,,,,,The New York Times\n"
        ),
    );
    import(&env, &["mapped.csv", "--map", "sources=Reported by"]);
    let miami = event_titled(&env, "Miami talks");
    assert_eq!(strings(&miami["sources"]), ["The New York Times", "Axios"]);
    assert_eq!(miami["description"], "Three days");
}

// What a TimelineJS sheet cannot say in its date columns, it says in its
// Display Date: a new database reads it from there.

/// The `date` column of `timeline --format csv`, by title.
fn dates_by_title(env: &TestEnv) -> BTreeMap<String, String> {
    timeline(env)
        .iter()
        .map(|e| {
            (
                e["title"].as_str().unwrap().to_string(),
                e["date"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_timelinejs_sheet_keeps_open_and_unknown_ends_in_a_new_database() {
    let env = TestEnv::new();
    // Each date, and what a new database gets: the date itself, or (for
    // unspecified digits, which the sheet cannot say) its bounds, the
    // unknown end still unknown.
    let dates = [
        ("2025/", "2025/"),
        ("2025-11-17/", "2025-11-17/"),
        ("/2025-11-17", "/2025-11-17"),
        ("2025-01/..", "2025-01/.."),
        ("../2025-11", "../2025-11"),
        ("2025-08-XX/", "2025-08/"),
    ];
    for (date, _) in dates {
        env.run_ok([
            "event",
            "add",
            "--title",
            &format!("T {date}"),
            "--date",
            date,
        ]);
    }
    env.run_ok([
        "event",
        "add",
        "--title",
        "Delayed",
        "--date",
        "2025-11-17/",
        "--status",
        "postponed",
    ]);
    let before = env.export_ndjson();
    env.run_ok(["export", "--format", "timelinejs-csv", "-o", "sheet.csv"]);
    let path = env.path("sheet.csv");
    let path = path.to_str().unwrap();

    let other = TestEnv::new();
    import(&other, &[path]);
    let got = dates_by_title(&other);
    for (date, new) in dates {
        assert_eq!(got[&format!("T {date}")], new, "{got:?}");
    }
    assert_eq!(got["Delayed"], "2025-11-17/");
    // The bounds are the original's: an open end stays open.
    let open = event_titled(&other, "T 2025/");
    assert_eq!(open["earliest"], "2025-01-01");
    assert!(open["latest"].is_null(), "{open}");

    // Into the database it came from: nothing changes.
    let stderr = import(&env, &[path]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 7 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);
}

#[test]
fn a_timelinejs_sheet_keeps_the_time_of_day() {
    let env = TestEnv::new();
    let dates = [
        "2025-10-24T14:00:00Z",
        "2025-10-25T14:00:30+03:00",
        "2025-10-26T09:15:00",
        "2025-10-27T14:00:00Z/2025-10-27T16:00:00Z",
        "2025-10-28T08:00:00Z/2025-10-30",
        "2025-10-31T14:00:00Z/",
    ];
    for date in dates {
        env.run_ok([
            "event",
            "add",
            "--title",
            &format!("T {date}"),
            "--date",
            date,
        ]);
    }
    let before = env.export_ndjson();
    env.run_ok(["export", "--format", "timelinejs-csv", "-o", "sheet.csv"]);
    let sheet = std::fs::read_to_string(env.path("sheet.csv")).unwrap();
    // TimelineJS's Time columns, without a zone: the Display Date names it.
    assert!(
        sheet.contains("2025,10,24,14:00,,,,,24 Oct 2025 14:00 UTC,T 2025-10-24T14:00:00Z"),
        "{sheet}"
    );
    assert!(sheet.contains("2025,10,25,14:00:30,"), "{sheet}");
    assert!(sheet.contains("2025,10,27,14:00,,,,16:00,"), "{sheet}");
    let path = env.path("sheet.csv");
    let path = path.to_str().unwrap();

    let other = TestEnv::new();
    import(&other, &[path]);
    let got = dates_by_title(&other);
    for date in dates {
        assert_eq!(got[&format!("T {date}")], date, "{got:?}");
    }
    let stderr = import(&env, &[path]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 6 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);

    // A sheet of one's own: TimelineJS's ways of writing a time, without
    // a zone, and an End Time alone ends on the start's day.
    let header = "Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,Media Credit,Media Caption,Media Thumbnail,Alt Text,Type,Group,Background";
    let own = TestEnv::new();
    own.write_file(
        "own.csv",
        &format!(
            "{header}\n\
             2025,11,19,14:30,,,,,,Half past two,,,,,,,,,\n\
             2025,11,20,2:30 PM,,,,,,Afternoon,,,,,,,,,\n\
             2025,11,21,12:05 a.m.,,,,,,Midnight,,,,,,,,,\n\
             2025,11,22,14:30:15,,,,17:00,,Meeting,,,,,,,,,\n"
        ),
    );
    let stderr = import(&own, &["own.csv"]);
    assert!(!stderr.contains("\"Time\""), "{stderr}");
    let got = dates_by_title(&own);
    assert_eq!(got["Half past two"], "2025-11-19T14:30:00");
    assert_eq!(got["Afternoon"], "2025-11-20T14:30:00");
    assert_eq!(got["Midnight"], "2025-11-21T00:05:00");
    assert_eq!(got["Meeting"], "2025-11-22T14:30:15/2025-11-22T17:00:00");

    // A Time the date cannot hold is a bad row naming it; nothing is written.
    own.write_file(
        "bad.csv",
        &format!(
            "{header}\n\
             2025,11,23,25:00,,,,,,Late,,,,,,,,,\n\
             2025,11,,14:30,,,,,,No day,,,,,,,,,\n\
             2025,11,24,noon,,,,,,Noon,,,,,,,,,\n"
        ),
    );
    let stderr = own.fail(2, ["import", "bad.csv"]);
    let errors = row_errors(&stderr, "bad.csv");
    assert!(errors[&2][0].contains("Time \"25:00\""), "{stderr}");
    assert!(
        errors[&3][0].contains("Time \"14:30\" needs a Day"),
        "{stderr}"
    );
    assert!(errors[&4][0].contains("Time \"noon\""), "{stderr}");
    assert_eq!(dates_by_title(&own).len(), 4);
}

#[test]
fn a_timelinejs_sheets_html_text_is_kept_and_written_back_as_html() {
    let env = TestEnv::new();
    let header = "Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,Media Credit,Media Caption,Media Thumbnail,Alt Text,Type,Group,Background";
    let html = r#"<p>Reported by <a href="https://www.axios.com/x" target="_blank">Axios</a> &amp; <b>Reuters</b></p><p>Second<br/>line</p>"#;
    let quoted = html.replace('"', "\"\"");
    env.write_file(
        "sheet.csv",
        &format!(
            "{header}\n\
             2025,8,15,,,,,,,Trump &amp; Putin meet,\"{quoted}\",,,,,,,meeting,\n\
             2025,8,16,,,,,,,Plain,\"a &amp; b &lt;c&gt;\",,,,,,,meeting,\n"
        ),
    );
    import(&env, &["sheet.csv"]);
    // The HTML is kept as written; a Text without markup is read as text.
    assert_eq!(
        event_titled(&env, "Trump & Putin meet")["description"],
        html
    );
    assert_eq!(event_titled(&env, "Plain")["description"], "a & b <c>");
    // Markup that is no TimelineJS formatting is text, escaped on a slide.
    for (title, description) in [
        ("Script", "<script>alert(1)</script>"),
        ("Handler", r#"<p onclick="alert(1)">x</p>"#),
        ("Link", r#"<a href="javascript:alert(1)">x</a>"#),
        ("Image", "<img src=x onerror=alert(1)>"),
        ("Ampersand", "<b>AT&T</b>"),
    ] {
        env.run_ok([
            "event",
            "add",
            "--title",
            title,
            "--date",
            "2025-09",
            "--note",
            description,
        ]);
    }
    let before = env.export_ndjson();
    env.run_ok(["export", "--format", "timelinejs-csv", "-o", "out.csv"]);
    let out = std::fs::read_to_string(env.path("out.csv")).unwrap();
    assert!(out.contains(&quoted), "{out}");
    assert!(out.contains("a &amp; b &lt;c&gt;"), "{out}");
    for escaped in [
        "&lt;script&gt;",
        "&lt;p onclick=",
        "&lt;a href=\"\"javascript:",
        "&lt;img src=x",
        "&lt;b&gt;AT&amp;T&lt;/b&gt;",
    ] {
        assert!(out.contains(escaped), "{escaped} in {out}");
    }
    let json = env.run_ok(["export", "--format", "timelinejs"]);
    assert!(
        json.contains(r#"<a href=\"https://www.axios.com/x\""#),
        "{json}"
    );
    assert!(!json.contains("<script>"), "{json}");
    // factline's own HTML picture shows the markup as text.
    let picture = env.run_ok(["export", "--format", "html"]);
    assert!(!picture.contains("<script>alert"), "{picture}");
    assert!(
        !picture.contains("<a href=\"https://www.axios.com/x\""),
        "{picture}"
    );

    // Re-importing one's own sheet changes nothing, and a new database
    // gets the same descriptions.
    let path = env.path("out.csv");
    let path = path.to_str().unwrap();
    let stderr = import(&env, &[path]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 7 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);
    let other = TestEnv::new();
    import(&other, &[path]);
    let described = |env: &TestEnv| -> BTreeMap<String, String> {
        timeline(env)
            .iter()
            .map(|e| (e["title"].to_string(), e["description"].to_string()))
            .collect()
    };
    assert_eq!(described(&other), described(&env));
}

/// Two live sources named Reuters (`reuters` and `reuters-2`, from a
/// colleague's dump), and a third whose name is taken by no other.
fn reuters_twice(env: &TestEnv) {
    let dump = testenv::dump::of(&[
        testenv::dump::source_line("reuters", "Reuters"),
        testenv::dump::source_line("reuters-2", "Reuters"),
        testenv::dump::source_line("axios", "Axios"),
    ]);
    let file = env.write_file("colleague.ndjson", &dump);
    import(env, &[file.to_str().unwrap()]);
    env.run_ok(["-q", "actor", "add", "Maria Zakharova"]);
}

/// A timeline or claims CSV row naming "Reuters", which two live sources
/// share, was linked silently to one of them. It is now a bad row naming
/// the name and the ids, as a name two actors share is, and nothing is
/// written unless --skip-bad; the ids, as written, find their sources.
#[test]
fn a_row_naming_a_name_two_sources_share_is_a_bad_row() {
    let env = TestEnv::new();
    reuters_twice(&env);
    let before = env.export_ndjson();
    let refused = "sources: \"Reuters\" names several sources (reuters, reuters-2); use an id";
    env.write_file(
        "sheet.csv",
        "date,title,sources\n\
         2025-11-20,Briefing,Axios; Reuters\n\
         2025-11-21,Talks,reuters-2\n\
         2025-11-22,Summit,reuters; Axios\n",
    );
    let err = env.fail(2, ["import", "sheet.csv"]);
    let errors = row_errors(&err, "sheet.csv");
    assert_eq!(errors.keys().copied().collect::<Vec<_>>(), [2], "{err}");
    assert_eq!(errors[&2], [refused], "{err}");
    env.write_file(
        "claims.csv",
        "claimant,text,sources,verdict,verdict_by\n\
         Maria Zakharova,Children are safe,REUTERS,,\n\
         Maria Zakharova,Children are evacuated,reuters-2,,\n\
         Maria Zakharova,Children are at camps,,disputed,Reuters\n",
    );
    let err = env.fail(2, ["import", "claims.csv", "--what", "claims"]);
    let errors = row_errors(&err, "claims.csv");
    assert_eq!(errors.keys().copied().collect::<Vec<_>>(), [2, 4], "{err}");
    assert_eq!(
        errors[&2],
        ["sources: \"REUTERS\" names several sources (reuters, reuters-2); use an id"],
        "{err}"
    );
    assert_eq!(
        errors[&4],
        ["verdict_by: \"Reuters\" names several sources (reuters, reuters-2); use an id"],
        "{err}"
    );
    assert_eq!(
        env.export_ndjson(),
        before,
        "a refused import wrote something"
    );

    // With --skip-bad the other rows are imported, each id to its source,
    // and no "Reuters" source is created.
    let stderr = import(&env, &["sheet.csv", "--skip-bad"]);
    assert!(summary(&stderr).contains("2 added"), "{stderr}");
    let rejects = std::fs::read_to_string(env.path("sheet.csv.rejects.csv")).unwrap();
    assert!(rejects.contains("Briefing"), "{rejects}");
    assert!(!rejects.contains("Talks"), "{rejects}");
    import(&env, &["claims.csv", "--what", "claims", "--skip-bad"]);
    let sources = |kind: &str, field: &str, value: &str| -> Vec<String> {
        let dump = env.export_ndjson();
        let record: Value = dump
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap())
            .rfind(|r| r["type"] == kind && r[field] == value)
            .unwrap_or_else(|| panic!("no {kind} {value}: {dump}"));
        record["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["source"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(sources("event", "title", "Talks"), ["reuters-2"]);
    assert_eq!(sources("event", "title", "Summit"), ["reuters", "axios"]);
    assert_eq!(
        sources("claim", "text", "Children are evacuated"),
        ["reuters-2"]
    );
    let listed = env.json(["source", "list"]);
    assert_eq!(listed.as_array().unwrap().len(), 3, "{listed}");
}

/// The CSV exports write a name two live sources share as the id, and a
/// retracted source as its id: importing them back changes nothing, even
/// where the retracted source's id (`reuters`) folds to the name the live
/// ones share, which the import took for one of them, moving the link.
#[test]
fn sources_sharing_a_name_survive_the_csv_round_trips() {
    let env = TestEnv::new();
    let dump = testenv::dump::of(&[
        testenv::dump::source_line("reuters", "Reuters"),
        testenv::dump::source_line("reuters-2", "Reuters"),
        testenv::dump::source_line("reuters-uk", "Reuters"),
    ]);
    let file = env.write_file("colleague.ndjson", &dump);
    import(&env, &[file.to_str().unwrap()]);
    env.run_ok(["-q", "actor", "add", "Maria Zakharova"]);
    for (id, sources) in [
        ("first", ["reuters", "reuters-2"]),
        ("second", ["reuters-uk", "reuters-2"]),
    ] {
        env.run_ok([
            "-q",
            "event",
            "add",
            "--title",
            id,
            "--date",
            "2025-11-20",
            "--id",
            id,
            "--source",
            sources[0],
            "--source",
            sources[1],
        ]);
        env.run_ok([
            "-q",
            "claim",
            "add",
            "--by",
            "Maria Zakharova",
            "--text",
            id,
            "--id",
            id,
            "--source",
            sources[0],
            "--source",
            sources[1],
        ]);
    }
    env.run_ok([
        "-q",
        "retract",
        "reuters",
        "--kind",
        "source",
        "--reason",
        "a duplicate",
    ]);
    let before = env.export_ndjson();
    for (file, args) in [
        ("timeline.csv", &["export", "--format", "csv"][..]),
        ("listed.csv", &["timeline", "--format", "csv"][..]),
        (
            "claims.csv",
            &["export", "--format", "csv", "--what", "claims"][..],
        ),
        (
            "timelinejs.csv",
            &["export", "--format", "timelinejs-csv"][..],
        ),
    ] {
        let written = env.run_ok(args);
        let path = env.write_file(file, &written);
        let mut import_args = vec![path.to_str().unwrap()];
        if file == "claims.csv" {
            // The retracted `reuters` is left out of the lists, as in
            // every listing; the import keeps its stored link.
            assert!(
                written.contains(",first,,unverified,reuters-2,")
                    || written.contains("first,,Maria Zakharova,first,,,,,unverified,reuters-2,"),
                "{written}"
            );
            assert!(!written.contains("reuters;"), "{written}");
            import_args.extend(["--what", "claims"]);
        }
        let stderr = import(&env, &import_args);
        assert!(
            summary(&stderr).contains("0 added, 0 updated, 2 unchanged"),
            "{file}: {stderr}"
        );
        assert_eq!(env.export_ndjson(), before, "{file} changed the database");
    }
}

/// `--map` named only the timeline's fields when it refused one, also for
/// `--what claims`, and took a claims field (`claimant=Who`) for a timeline
/// import without a word, reading nothing from that column.
#[test]
fn map_names_the_fields_of_the_table_being_imported() {
    let env = TestEnv::new();
    env.write_file("said.csv", "Who,Said\nMaria Zakharova,Children are safe\n");
    let err = env.fail(
        2,
        [
            "import",
            "said.csv",
            "--what",
            "claims",
            "--map",
            "claimant=Who,text=Said,bogus=X",
        ],
    );
    testenv::assert_one_error_line(&err);
    assert!(
        err.contains("unknown field \"bogus\"; fields are id, date, claimant, text,"),
        "{err}"
    );
    let err = env.fail(
        2,
        ["import", "said.csv", "--map", "claimant=Who,title=Said"],
    );
    assert!(
        err.contains("unknown field \"claimant\" (a claims field: pass --what claims); fields are id, date, title,"),
        "{err}"
    );
    let err = env.fail(
        2,
        [
            "import",
            "said.csv",
            "--what",
            "claims",
            "--map",
            "title=Said",
        ],
    );
    assert!(
        err.contains("(a timeline field: import a timeline without --what claims)"),
        "{err}"
    );
    assert!(!env.db().exists(), "a refused import created the database");
    env.run_ok([
        "import",
        "said.csv",
        "--what",
        "claims",
        "--map",
        "claimant=Who,text=Said",
    ]);
    assert_eq!(env.json(["claims"])[0]["text"], "Children are safe");
}

/// After `source edit nyt --name NYT`, the commands say that "The New York
/// Times" is an earlier name of NYT, but the timeline and claims CSV
/// imports linked it in silence. They now give the same notice, once for
/// each earlier name in an import, however many rows (or spellings) cite it.
#[test]
fn an_import_citing_a_sources_earlier_name_says_so_once() {
    let env = TestEnv::new();
    env.run_ok(["-q", "source", "add", "The New York Times", "--id", "nyt"]);
    env.run_ok(["-q", "source", "add", "Axios", "--id", "ax"]);
    env.run_ok(["-q", "source", "edit", "nyt", "--name", "NYT"]);
    env.run_ok(["-q", "source", "edit", "ax", "--name", "Axios Media"]);
    let notice =
        "\"The New York Times\" is an earlier name of source \"NYT\" (nyt); using that source";
    let events = env.write_file(
        "events.csv",
        "title,date,sources\n\
         G,2025-11-02,The New York Times\n\
         H,2025-11-03,the new york times; Axios\n\
         I,2025-11-04,NYT\n\
         J,2025-11-05,The New York Times\n",
    );
    let (_, stderr) = env.run_ok_with_stderr(["import", events.to_str().unwrap()]);
    assert_eq!(stderr.matches("is an earlier name").count(), 2, "{stderr}");
    assert_eq!(stderr.matches(notice).count(), 1, "{stderr}");
    assert!(
        stderr.contains("\"Axios\" is an earlier name of source \"Axios Media\" (ax)"),
        "{stderr}"
    );
    assert!(stderr.contains("4 added"), "{stderr}");
    assert_eq!(
        strings(&event_titled(&env, "H")["sources"]),
        ["NYT", "Axios Media"]
    );

    let claims = env.write_file(
        "claims.csv",
        "claimant,text,sources,verdict,verdict_by\n\
         Ukraine,x,The New York Times,confirmed,The New York Times\n\
         Ukraine,y,The New York Times,,\n",
    );
    let (_, stderr) =
        env.run_ok_with_stderr(["import", claims.to_str().unwrap(), "--what", "claims"]);
    assert_eq!(stderr.matches(notice).count(), 1, "{stderr}");
    assert!(stderr.contains("2 added"), "{stderr}");
    // Quiet, as every notice is.
    let (_, stderr) = env.run_ok_with_stderr(["-q", "import", events.to_str().unwrap()]);
    assert!(!stderr.contains("earlier name"), "{stderr}");
}

/// Rows that share a date and title (ACLED-style "Airstrike" rows, one per
/// unit) get the ids `event add` would give them one after another: the
/// base, then `-2`, `-3`, … in file order, also past a bad row skipped
/// with `--skip-bad` and in a second file imported on top; importing the
/// files again changes nothing. (The import remembers where each base's
/// search ended: 2,000 such rows took 28 s when every row tried every
/// suffix from 2 again, 0.18 s now.)
#[test]
fn rows_sharing_a_date_and_title_get_consecutive_ids() {
    let env = TestEnv::new();
    let mut first = String::from("date,title,actors\n");
    for unit in 1..=300 {
        first.push_str(&format!("2025-11-24,Airstrike,Unit {unit}\n"));
    }
    // Line 152 is bad: its row is skipped and no id is spent on it.
    first.push_str("2025-11-24,Airstrike,Unit 301\n");
    let first = first.replacen(
        "2025-11-24,Airstrike,Unit 150\n",
        "2025-13-24,Airstrike,Unit 150\n",
        1,
    );
    let first = env.write_file("first.csv", &first);
    let mut second = String::from("date,title,actors\n");
    for unit in 302..=310 {
        second.push_str(&format!("2025-11-24,Airstrike,Unit {unit}\n"));
    }
    let second = env.write_file("second.csv", &second);
    import(&env, &["--skip-bad", first.to_str().unwrap()]);
    import(&env, &[second.to_str().unwrap()]);

    let mut ids: Vec<(u32, String)> = timeline(&env)
        .iter()
        .map(|e| {
            let unit = strings(&e["actors"])[0]["Unit ".len()..].parse().unwrap();
            (unit, e["id"].as_str().unwrap().to_string())
        })
        .collect();
    ids.sort();
    let units: Vec<u32> = (1..=310).filter(|u| *u != 150).collect();
    assert_eq!(ids.iter().map(|(u, _)| *u).collect::<Vec<_>>(), units);
    for (n, (unit, id)) in ids.iter().enumerate() {
        let expected = match n {
            0 => "2025-11-24-airstrike".to_string(),
            n => format!("2025-11-24-airstrike-{}", n + 1),
        };
        assert_eq!(id, &expected, "unit {unit}");
    }

    let before = env.export_ndjson();
    import(&env, &["--skip-bad", first.to_str().unwrap()]);
    import(&env, &[second.to_str().unwrap()]);
    assert_eq!(env.export_ndjson(), before);
}

/// GDELT and ACLED split an event's actors over two columns
/// (`Actor1Name`, `Actor2Name`): `--map` may name a list field (actors,
/// sources, tags) more than once, and the row's list is the cells of those
/// columns joined in the order `--map` names them. Neither column is
/// "ignored", and re-importing changes nothing. A field that holds one
/// value (a title, a date) mapped to two columns is refused in one line
/// naming the field and both columns, before anything is written.
#[test]
fn a_list_field_may_be_mapped_to_several_columns() {
    let env = TestEnv::new();
    let sheet = env.write_file(
        "gdelt.csv",
        "GLOBALEVENTID,SQLDATE,Actor1Name,Actor2Name,EventCode,SOURCEURL,MentionURL,QuadClass,EventRootCode\n\
         1234567890,2025-11-20,VLADIMIR PUTIN,STEVE WITKOFF,042,https://example.com/a,https://example.com/b,1,04\n\
         1234567891,2025-11-21,KIRILL DMITRIEV,,043,https://example.com/c,,1,04\n\
         1234567892,2025-11-22,,RUSTEM UMEROV; STEVE WITKOFF,044,,https://example.com/d,2,04\n\
         1234567893,2025-11-23,Steve Witkoff,STEVE WITKOFF,045,https://example.com/e,https://example.com/e,2,04\n",
    );
    let map = "id=GLOBALEVENTID,date=SQLDATE,actors=Actor1Name,actors=Actor2Name,title=EventCode,\
               sources=SOURCEURL,sources=MentionURL,tags=QuadClass,tags=EventRootCode";
    let stderr = import(&env, &[sheet.to_str().unwrap(), "--map", map]);
    // Only the column no field reads is named: none here.
    assert!(!stderr.contains("ignoring"), "{stderr}");
    assert!(stderr.contains("4 added"), "{stderr}");
    let event = |id: &str| {
        timeline(&env)
            .into_iter()
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("no event {id}"))
    };
    let e = event("1234567890");
    assert_eq!(strings(&e["actors"]), ["VLADIMIR PUTIN", "STEVE WITKOFF"]);
    assert_eq!(
        strings(&e["sources"]),
        ["https://example.com/a", "https://example.com/b"]
    );
    assert_eq!(strings(&e["tags"]), ["1", "04"]);
    assert_eq!(strings(&event("1234567891")["actors"]), ["KIRILL DMITRIEV"]);
    assert_eq!(
        strings(&event("1234567892")["actors"]),
        ["RUSTEM UMEROV", "STEVE WITKOFF"]
    );
    // Spellings that fold alike are one participant, as in one cell (the
    // actor the first row created).
    assert_eq!(strings(&event("1234567893")["actors"]), ["STEVE WITKOFF"]);
    assert_eq!(
        strings(&event("1234567893")["sources"]),
        ["https://example.com/e"]
    );
    let before = env.export_ndjson();
    let stderr = import(&env, &[sheet.to_str().unwrap(), "--map", map]);
    assert!(
        stderr.contains("0 added, 0 updated, 4 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);

    // An unmapped column is still named, and only it.
    let stderr = import(
        &env,
        &[
            "--dry-run",
            sheet.to_str().unwrap(),
            "--map",
            "id=GLOBALEVENTID,date=SQLDATE,actors=Actor1Name,actors=Actor2Name,title=EventCode,sources=SOURCEURL",
        ],
    );
    assert!(stderr.contains("ignoring columns"), "{stderr}");
    assert!(stderr.contains("\"MentionURL\""), "{stderr}");
    assert!(!stderr.contains("Actor2Name"), "{stderr}");
    assert!(!stderr.contains("Actor1Name"), "{stderr}");

    // A mapped column the header lacks is named, the second one too.
    let err = env.fail(
        2,
        [
            "import",
            sheet.to_str().unwrap(),
            "--map",
            "date=SQLDATE,title=EventCode,actors=Actor1Name,actors=Actor3Name",
        ],
    );
    testenv::assert_one_error_line(&err);
    assert!(err.contains("actors=Actor3Name"), "{err}");

    // A one-valued field mapped twice: refused, naming both columns.
    for (map, field, first, second) in [
        (
            "date=SQLDATE,title=EventCode,title=Actor1Name",
            "title",
            "EventCode",
            "Actor1Name",
        ),
        (
            "date=SQLDATE,date=GLOBALEVENTID,title=EventCode",
            "date",
            "SQLDATE",
            "GLOBALEVENTID",
        ),
    ] {
        let err = env.fail(2, ["import", sheet.to_str().unwrap(), "--map", map]);
        testenv::assert_one_error_line(&err);
        for named in [field, first, second] {
            assert!(err.contains(named), "{map}: {err}");
        }
        assert_eq!(env.export_ndjson(), before, "{map} wrote something");
    }
    // The same column named twice (in any capitals) is one mapping.
    let twice = format!("{map},title=eventcode,actors=ACTOR2NAME,actors=Actor1Name");
    let stderr = import(&env, &[sheet.to_str().unwrap(), "--map", &twice]);
    assert!(
        stderr.contains("0 added, 0 updated, 4 unchanged"),
        "{stderr}"
    );

    // The claims CSV's list fields join columns too.
    let claims = env.write_file(
        "claims.csv",
        "claimant,text,Source1,Source2\nSteve Witkoff,The talks went well,Reuters,AP\n",
    );
    import(
        &env,
        &[
            claims.to_str().unwrap(),
            "--what",
            "claims",
            "--map",
            "sources=Source1,sources=Source2",
        ],
    );
    let text = env.run_ok(["export", "--format", "csv", "--what", "claims"]);
    assert!(text.contains(",Reuters; AP,"), "{text}");
}

/// A sheet with its own `error` column (an analyst's notes): the reject
/// file of `--skip-bad` names factline's column `factline_error` instead,
/// so that the file, once mended, imports again with the same `--map` (it
/// was refused: "the header names column "error" twice"). The import of a
/// reject file skips factline's first column, which no field reads,
/// without naming it in the "ignoring" notice, and reads the sheet's own.
/// A sheet without an `error` column keeps the name `error`.
#[test]
fn a_reject_file_of_a_sheet_with_an_error_column_imports_again() {
    let env = TestEnv::new();
    let sheet = env.write_file(
        "sheet.csv",
        "date,title,error\n2025-13-01,Strike on depot,geolocation off by 2 km\n2025-01-01,Good row,\n",
    );
    let stderr = import(
        &env,
        &[
            "--skip-bad",
            sheet.to_str().unwrap(),
            "--map",
            "description=error",
        ],
    );
    assert!(stderr.contains("1 added"), "{stderr}");
    let rejects = env.path("sheet.csv.rejects.csv");
    let records = raw_records(&rejects);
    assert_eq!(
        records[0].1,
        [&b"factline_error"[..], b"date", b"title", b"error"]
    );
    assert_eq!(
        records[1].1[1..],
        [
            &b"2025-13-01"[..],
            b"Strike on depot",
            b"geolocation off by 2 km"
        ]
    );
    assert!(
        String::from_utf8_lossy(&records[1].1[0]).contains("sheet.csv:2: date:"),
        "{records:?}"
    );

    // Mended, it imports with the same --map, the sheet's column read.
    let mended = std::fs::read_to_string(&rejects)
        .unwrap()
        .replace(",2025-13-01,", ",2025-12-01,");
    let mended = env.write_file("mended.csv", &mended);
    let stderr = import(
        &env,
        &[mended.to_str().unwrap(), "--map", "description=error"],
    );
    assert!(stderr.contains("1 added"), "{stderr}");
    assert!(!stderr.contains("ignoring"), "{stderr}");
    let event = event_titled(&env, "Strike on depot");
    assert_eq!(event["description"], "geolocation off by 2 km");
    assert_eq!(event["date"], "2025-12-01");

    // Still bad once more: the next reject file keeps every column as it
    // was written, factline's earlier message too, under a new name.
    let still_bad = env.write_file(
        "still.csv",
        &std::fs::read_to_string(&rejects)
            .unwrap()
            .replace(",2025-13-01,", ",2025-14-01,"),
    );
    import(
        &env,
        &[
            "--skip-bad",
            still_bad.to_str().unwrap(),
            "--map",
            "description=error",
        ],
    );
    let again = raw_records(&env.path("still.csv.rejects.csv"));
    assert_eq!(
        again[0].1,
        [
            &b"factline_error_2"[..],
            b"factline_error",
            b"date",
            b"title",
            b"error"
        ]
    );
    assert_eq!(again[1].1[1], records[1].1[0]);
    assert!(
        String::from_utf8_lossy(&again[1].1[0]).contains("still.csv:2: date:"),
        "{again:?}"
    );

    // Without a column of its own, the reject file's first column is
    // "error", and importing the mended file does not call it ignored.
    let plain = env.write_file(
        "plain.csv",
        "date,title,note\n2025-13-01,Shelling,from a video\n",
    );
    import(&env, &["--skip-bad", plain.to_str().unwrap()]);
    let plain_rejects = env.path("plain.csv.rejects.csv");
    assert_eq!(
        raw_records(&plain_rejects)[0].1,
        [&b"error"[..], b"date", b"title", b"note"]
    );
    let mended = env.write_file(
        "plain-mended.csv",
        &std::fs::read_to_string(&plain_rejects)
            .unwrap()
            .replace(",2025-13-01,", ",2025-11-01,"),
    );
    let stderr = import(&env, &[mended.to_str().unwrap()]);
    assert!(stderr.contains("1 added"), "{stderr}");
    assert!(
        stderr.contains("ignoring a column that no field is read from: \"note\";"),
        "{stderr}"
    );
}

/// Found by black-box report bb21 (#02): a sheet of rows without ids was
/// imported, one meeting was then moved with `event postpone` (or its
/// title fixed with `event edit`), and importing the same sheet again
/// silently added a second event at the old date ("1 added", no word):
/// the meeting showed as scheduled on 19 Nov and postponed to 26 Nov. A
/// row that gives an event as it was in an earlier version now means that
/// event: equal to that version, it is left as it is now (counted as
/// unchanged, said in one notice); different from it, it is a bad row
/// that asks for the id, since writing it would undo the later change.
#[test]
fn a_sheet_imported_again_after_a_postponement_or_retitle_adds_no_second_event() {
    let env = TestEnv::new();
    env.write_file(
        "sheet.csv",
        "date,title,kind,status,actors\n\
         2025-11-19,Witkoff meets Zelenskyy,meeting,scheduled,Steve Witkoff; Volodymyr Zelenskyy\n\
         2025-11-20,Umerov meets Driscoll,meeting,scheduled,Rustem Umerov; Dan Driscoll\n",
    );
    env.run_ok(["import", "sheet.csv"]);
    env.run_ok([
        "event",
        "postpone",
        "2025-11-19-witkoff-meets-zelenskyy",
        "--to",
        "2025-11-26",
    ]);
    env.run_ok([
        "event",
        "edit",
        "2025-11-20-umerov-meets-driscoll",
        "--title",
        "Umerov meets Driscoll in Abu Dhabi",
    ]);
    let before = env.export_ndjson();
    let (_, stderr) = env.run_ok_with_stderr(["import", "sheet.csv"]);
    assert!(
        stderr.contains("0 added, 0 updated, 2 unchanged"),
        "{stderr}"
    );
    assert!(
        stderr.contains("sheet.csv:2: the row gives event 2025-11-19-witkoff-meets-zelenskyy as it was in version 1, before its date and status changed: left as it is now"),
        "{stderr}"
    );
    assert!(
        stderr.contains("sheet.csv:3: the row gives event 2025-11-20-umerov-meets-driscoll"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);
    let planned = env.run_ok(["--format", "csv", "who-met", "Steve Witkoff", "--planned"]);
    assert_eq!(planned.lines().count(), 2, "{planned}");
    // A sheet without an actors column matches by date and title alike.
    env.write_file(
        "no-actors.csv",
        "date,title,status\n2025-11-19,Witkoff meets Zelenskyy,scheduled\n",
    );
    let (_, stderr) = env.run_ok_with_stderr(["import", "no-actors.csv"]);
    assert!(
        stderr.contains("0 added, 0 updated, 1 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);
    // A row that gives the old version with something else changed would
    // undo the postponement: a bad row, naming the event's id.
    env.write_file(
        "edited.csv",
        "date,title,kind,status,actors,place\n\
         2025-11-19,Witkoff meets Zelenskyy,meeting,scheduled,Steve Witkoff; Volodymyr Zelenskyy,Istanbul\n",
    );
    let stderr = env.fail(2, ["import", "edited.csv"]);
    assert!(
        stderr.contains("edited.csv:2: the row gives event 2025-11-19-witkoff-meets-zelenskyy as it was before its date and status changed, with another place: give the row the id 2025-11-19-witkoff-meets-zelenskyy"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);
}

/// An import whose TMPDIR filled up blamed a good row (`ev.csv:10705:
/// cannot write the record file … No space left on device`, the form of
/// a bad row), exited 3 as for a damaged database, and did not say that
/// nothing was imported; a missing TMPDIR already got a clear line and
/// exit 2. Runs only where the test can mount a small tmpfs (root on
/// Linux); elsewhere it says so and passes.
#[cfg(target_os = "linux")]
#[test]
fn a_full_tmpdir_is_named_and_nothing_is_imported() {
    let env = TestEnv::new();
    let tmp = env.path("tmp");
    let Some(_mount) = testenv::SmallDisk::mount(tmp.clone(), "512k") else {
        return;
    };
    env.run_ok(["-q", "example"]);
    let before = env.export_ndjson();
    let mut csv = format!("{HEADER}\n");
    for i in 0..6000 {
        csv.push_str(&format!(
            "ev{i},2025-01-{:02},Event number {i},meeting,occurred,Kyiv,Ann {}; Bob {},Src {},t1,desc {i} {}\n",
            i % 28 + 1,
            i % 900,
            i % 700,
            i % 7,
            "x".repeat(150)
        ));
    }
    env.write_file("ev.csv", &csv);

    let out = env
        .cmd()
        .args(["import", "ev.csv"])
        .env("TMPDIR", &tmp)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    testenv::assert_one_error_line(&stderr);
    let named = format!(
        "factline: TMPDIR ({}) is full: cannot write ",
        tmp.display()
    );
    assert!(stderr.starts_with(&named), "{stderr}");
    assert!(
        stderr.contains("No space left on device")
            && stderr.contains("set TMPDIR to a directory you may write, with room for about the size of the data sorted")
            && stderr.trim_end().ends_with("; nothing was imported"),
        "{stderr}"
    );
    assert!(!stderr.contains("ev.csv:"), "a good row blamed: {stderr}");
    // Nothing half-written: the next command has nothing to undo.
    let (dump, said) = env.run_ok_with_stderr(["export"]);
    assert_eq!(dump, before);
    assert_eq!(said, "");

    // With room, the same import completes.
    let (_, said) = env.run_ok_with_stderr(["import", "ev.csv"]);
    assert!(said.contains("6000 added"), "{said}");
}

/// Importing factline's own TimelineJS export said it was ignoring the
/// template's Media, Media Credit, …, Background columns, though no row
/// has anything in them: a round trip should be quiet. A sheet whose Media
/// column holds a picture still hears about that column, and only it.
#[test]
fn only_ignored_columns_that_hold_something_are_named() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    env.run_ok(["export", "--format", "timelinejs-csv", "-o", "sheet.csv"]);
    let stderr = import(&env, &["sheet.csv"]);
    assert!(!stderr.contains("ignoring"), "{stderr}");
    assert!(stderr.contains("0 added, 0 updated"), "{stderr}");

    let sheet = std::fs::read_to_string(env.path("sheet.csv")).unwrap();
    let mut lines = sheet.lines();
    let header = lines.next().unwrap();
    assert!(header.ends_with(",Background"), "{header}");
    // The first row's Background, its last cell, gets a colour (a cell at
    // the row's end, which the quoted cells before it cannot shift).
    let mut rows: Vec<String> = lines.map(str::to_string).collect();
    rows[0].push_str("#223344");
    env.write_file(
        "with-background.csv",
        &format!("{header}\n{}\n", rows.join("\n")),
    );
    let stderr = import(&env, &["with-background.csv", "--dry-run"]);
    let notices: Vec<&str> = stderr.lines().filter(|l| l.contains("ignoring")).collect();
    assert_eq!(notices.len(), 1, "{stderr}");
    assert!(notices[0].contains("ignoring a column"), "{stderr}");
    assert!(notices[0].contains("\"Background\""), "{stderr}");
    assert!(!notices[0].contains("\"Media\""), "{stderr}");
}

/// A sheet Excel saved in a region with a decimal comma (semicolons between
/// the cells, CRLF, a byte-order mark) was refused with "no \"title\"
/// column …; name it with --map title=COLUMN", which no `--map` can
/// satisfy: the refusal now says the separator is the problem and how to
/// save the sheet, with or without `--map`, and nothing is written.
#[test]
fn a_semicolon_separated_sheet_is_refused_with_how_to_save_it() {
    let env = TestEnv::new();
    let bytes = "\u{feff}Datum;Titel;Akteure;Wert\r\n\
                 2025-10-24;Treffen in München;Friedrich Merz;1,5\r\n\
                 2025-10-25;Réunion à Genève;Emmanuel Macron;2,75\r\n";
    env.write_file("excel.csv", bytes);
    for map in [None, Some("date=Datum,title=Titel,actors=Akteure")] {
        let mut args = vec!["import", "excel.csv"];
        args.extend(map.iter().flat_map(|m| ["--map", m]));
        let stderr = env.fail(2, &args);
        testenv::assert_one_error_line(&stderr);
        assert!(
            stderr.contains("excel.csv:1: the header is separated by semicolons")
                && stderr.contains("save the sheet with \",\" as the field delimiter"),
            "{stderr}"
        );
    }
    assert!(!env.db().exists(), "nothing is written");
}

/// A sheet saved as Windows-1252 (Excel's plain "CSV" on Windows) was
/// refused row by row with "field 2 is not valid UTF-8", which does not
/// say why nor what to do, and an accented header name was read with
/// U+FFFD in it (so `--map` could not name it). Both now say how to save
/// or convert the sheet, and nothing is written.
#[test]
fn a_windows_1252_sheet_is_refused_with_how_to_convert_it() {
    let env = TestEnv::new();
    std::fs::write(
        env.path("latin1.csv"),
        b"date,title,actors\n2025-10-24,R\xe9union \xe0 Gen\xe8ve,Fran\xe7ois Bayrou\n",
    )
    .unwrap();
    let stderr = env.fail(2, ["import", "latin1.csv"]);
    assert!(
        stderr.contains(
            "latin1.csv:2: field 2 is not valid UTF-8, as in a sheet saved as Windows-1252"
        ) && stderr.contains("save it as \"CSV UTF-8\""),
        "{stderr}"
    );
    std::fs::write(
        env.path("header.csv"),
        b"date,title,Donn\xe9es\n2025-10-24,Meeting,x\n",
    )
    .unwrap();
    let stderr = env.fail(2, ["import", "header.csv"]);
    testenv::assert_one_error_line(&stderr);
    assert!(
        stderr.contains(
            "header.csv:1: column 3 is not valid UTF-8, as in a sheet saved as Windows-1252"
        ),
        "{stderr}"
    );
    assert!(!env.db().exists(), "nothing is written");
}

/// ACLED's and GDELT's exports have a `year` column beside their day's
/// (`event_date`, `SQLDATE`): mapping the title but not the date read the
/// sheet as a TimelineJS one and dated every event by its year alone, the
/// day lost with only the notice of ignored columns to tell. Such a sheet
/// (a Year without TimelineJS's Month) is refused, naming the column that
/// looks like the date; `--map date=Year` still reads the year alone.
#[test]
fn a_year_column_beside_the_days_column_does_not_date_events_by_year() {
    let env = TestEnv::new();
    env.write_file(
        "acled.csv",
        "event_id_cnty,event_date,year,event_type,actor1,actor2,country,location\n\
         UKR12345,24 October 2025,2025,Battles,Military Forces of Russia (2000-),Military Forces of Ukraine (2019-),Ukraine,Pokrovsk\n\
         UKR12346,2025-10-25,2025,Protests,Protesters (Ukraine),,Ukraine,Kyiv\n",
    );
    let stderr = env.fail(2, ["import", "acled.csv", "--map", "title=event_type"]);
    testenv::assert_one_error_line(&stderr);
    assert!(
        stderr.contains("acled.csv:1: no \"date\" column")
            && stderr.contains("by its year alone")
            && stderr.contains("--map date=event_date?"),
        "{stderr}"
    );
    assert!(!env.db().exists(), "nothing is written");
    let map = "id=event_id_cnty,date=event_date,title=event_type,actors=actor1,actors=actor2,place=location";
    import(&env, &["acled.csv", "--map", map]);
    let events = timeline(&env);
    let dates: Vec<&str> = events.iter().map(|e| e["date"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2025-10-24", "2025-10-25"]);
    // The year alone, when asked for.
    let stderr = import(
        &env,
        &[
            "acled.csv",
            "--dry-run",
            "--map",
            "title=event_type,date=year",
        ],
    );
    assert!(stderr.contains("2 added"), "{stderr}");
}

/// A date column formatted as numbers saves Excel's day counts (`45890`):
/// the row is bad, and the error names the likely cause and the day, not
/// "years after 9999".
#[test]
fn a_spreadsheet_day_number_is_refused_with_the_day_it_counts_to() {
    let env = TestEnv::new();
    let sheet = env.write_file("sheet.csv", "title,date\nTalks,45890\n");
    let stderr = env.fail(2, ["import", sheet.to_str().unwrap()]);
    assert!(
        stderr.contains(
            "sheet.csv:2: date: \"45890\" looks like a spreadsheet's day number (2025-08-21"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("9999"), "{stderr}");
}

/// Actors typed with commas instead of `;` make one actor of the whole
/// cell; the import (a dry run too) says so, with the `;` to write.
#[test]
fn actors_separated_by_commas_are_pointed_out() {
    let env = TestEnv::new();
    let sheet = env.write_file(
        "sheet.csv",
        "title,date,actors\nTalks,2025-08-24,\"Steve Witkoff, Kirill Dmitriev\"\n",
    );
    let (_, stderr) = env.run_ok_with_stderr(["import", sheet.to_str().unwrap(), "--dry-run"]);
    assert!(
        stderr.contains(
            "new actor \"Steve Witkoff, Kirill Dmitriev\" has a comma in its name; if it names several actors, separate them with \";\": \"Steve Witkoff; Kirill Dmitriev\""
        ),
        "{stderr}"
    );
}
