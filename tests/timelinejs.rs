//! TimelineJS: the `timelinejs` and `timelinejs-csv` exports, and what
//! `import` makes of factline's own TimelineJS files (the sheet read back
//! into a new database and into the one it came from; the JSON refused).

mod testenv;

use serde_json::Value;
use testenv::TestEnv;

/// `factline timeline --format json` as an array.
fn timeline(env: &TestEnv) -> Vec<Value> {
    env.json(["timeline"])
        .as_array()
        .expect("timeline JSON is an array")
        .clone()
}

/// The timeline event with this title.
fn event_titled(env: &TestEnv, title: &str) -> Value {
    let events = timeline(env);
    let found: Vec<&Value> = events.iter().filter(|e| e["title"] == title).collect();
    assert_eq!(found.len(), 1, "one event titled {title:?} in {events:#?}");
    found[0].clone()
}

/// The summary line of an import ("imported …: 0 added, …").
fn summary(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|l| l.contains("added,"))
        .unwrap_or_else(|| panic!("no summary in {stderr}"))
}

/// Exports `env`'s TimelineJS sheet to `sheet.csv` and returns its path.
fn export_sheet(env: &TestEnv) -> String {
    env.run_ok(["export", "--format", "timelinejs-csv", "-o", "sheet.csv"]);
    env.path("sheet.csv").to_str().unwrap().to_string()
}

#[test]
fn a_date_with_an_unspecified_month_digit_keeps_its_known_months_in_timelinejs() {
    let env = TestEnv::new();
    for (id, title, date) in [
        ("q4", "Talks some time in Q4", "2025-1X"),
        ("span", "Campaign", "2025-1X/2026-0X"),
        ("early", "Early talks", "2025-0X"),
    ] {
        env.run_ok(["event", "add", "--id", id, "--title", title, "--date", date]);
    }
    // The slides start in October 2025, and the campaign ends in September
    // 2026, not at the end of the year.
    let json: Value =
        serde_json::from_str(&env.run_ok(["export", "--format", "timelinejs"])).unwrap();
    let slide = |id: &str| {
        json["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["unique_id"] == id)
            .unwrap_or_else(|| panic!("no slide {id} in {json}"))
            .clone()
    };
    let q4 = slide("q4");
    assert_eq!(
        q4["start_date"],
        serde_json::json!({"year": "2025", "month": "10"})
    );
    assert_eq!(
        q4["end_date"],
        serde_json::json!({"year": "2025", "month": "12", "day": "31"})
    );
    let span = slide("span");
    assert_eq!(
        span["start_date"],
        serde_json::json!({"year": "2025", "month": "10"})
    );
    assert_eq!(
        span["end_date"],
        serde_json::json!({"year": "2026", "month": "9"})
    );
    let early = slide("early");
    assert_eq!(early["start_date"], serde_json::json!({"year": "2025"}));

    let before = env.export_ndjson();
    let sheet = export_sheet(&env);
    let text = std::fs::read_to_string(&sheet).unwrap();
    assert!(
        text.contains("\n2025,10,,,2025,12,31,,Oct–Dec 2025,Talks some time in Q4,"),
        "{text}"
    );
    assert!(
        text.contains("\n2025,10,,,2026,9,,,Oct–Dec 2025 – Jan–Sep 2026,Campaign,"),
        "{text}"
    );

    // A new database gets the dates' bounds, so a spring window does not
    // find the talks of the fourth quarter.
    let other = TestEnv::new();
    other.run_ok(["import", &sheet]);
    for (title, earliest, latest) in [
        ("Talks some time in Q4", "2025-10-01", "2025-12-31"),
        ("Campaign", "2025-10-01", "2026-09-30"),
        ("Early talks", "2025-01-01", "2025-09-30"),
    ] {
        let event = event_titled(&other, title);
        assert_eq!(
            (event["earliest"].as_str(), event["latest"].as_str()),
            (Some(earliest), Some(latest)),
            "{event}"
        );
    }
    let spring = other.json(["timeline", "--from", "2025-10", "--to", "2025-10"]);
    assert_eq!(spring.as_array().unwrap().len(), 2, "{spring}");
    let spring = other.json(["timeline", "--from", "2025-03", "--to", "2025-05"]);
    assert_eq!(spring.as_array().unwrap().len(), 1, "{spring}");

    // The database it came from keeps its dates.
    let (_, stderr) = env.run_ok_with_stderr(["import", &sheet]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 3 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);
}
