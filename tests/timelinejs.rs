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

#[test]
fn two_events_with_one_date_and_title_and_other_actors_come_back_from_the_sheet() {
    let env = TestEnv::new();
    for actor in ["White House", "Kremlin"] {
        env.run_ok([
            "event",
            "add",
            "--title",
            "Press briefing",
            "--date",
            "2025-11-20",
            "--actor",
            actor,
        ]);
    }
    // A third with an aide retracted since, whom the sheet does not show.
    env.run_ok([
        "event",
        "add",
        "--title",
        "Press briefing",
        "--date",
        "2025-11-20",
        "--actor",
        "Elysee",
        "--actor",
        "Aide",
    ]);
    env.run_ok(["retract", "aide", "--reason", "misidentified"]);
    let before = env.export_ndjson();
    let sheet = export_sheet(&env);

    // Into a new database: three events, each with its actors.
    let other = TestEnv::new();
    let (_, stderr) = other.run_ok_with_stderr(["import", &sheet]);
    assert!(summary(&stderr).contains("3 added"), "{stderr}");
    let mut actors: Vec<Value> = timeline(&other)
        .iter()
        .map(|e| e["actors"].clone())
        .collect();
    actors.sort_by_key(|a| a.to_string());
    assert_eq!(
        actors,
        [
            serde_json::json!(["Elysee"]),
            serde_json::json!(["Kremlin"]),
            serde_json::json!(["White House"]),
        ]
    );
    // And again: no change.
    let copied = other.export_ndjson();
    let (_, stderr) = other.run_ok_with_stderr(["import", &sheet]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 3 unchanged"),
        "{stderr}"
    );
    assert_eq!(other.export_ndjson(), copied);

    // Into the database it came from: no change either.
    let (_, stderr) = env.run_ok_with_stderr(["import", &sheet]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 3 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);

    // A row whose actors are none of theirs cannot say which it means.
    let text = std::fs::read_to_string(&sheet).unwrap();
    let edited = text.replacen("<p>Actors: Kremlin</p>", "<p>Actors: Pentagon</p>", 1);
    assert_ne!(edited, text);
    env.write_file("edited.csv", &edited);
    let stderr = env.fail(2, ["import", "edited.csv"]);
    assert!(
        stderr.contains("2 events have this date and title (")
            && stderr.contains("none with these actors"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);
}

#[test]
fn importing_an_export_that_import_does_not_read_says_so_in_one_line() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let other = TestEnv::new();
    for (format, file, kind, instead) in [
        (
            "timelinejs",
            "story.timelinejs",
            "TimelineJS JSON",
            "timelinejs-csv",
        ),
        (
            "timelinejs",
            "story.json",
            "TimelineJS JSON",
            "timelinejs-csv",
        ),
        (
            "timelinejs",
            "story.txt",
            "TimelineJS JSON",
            "timelinejs-csv",
        ),
        ("graphml", "story.graphml", "GraphML", "csv"),
        ("gexf", "story.gexf", "GEXF", "csv"),
        ("dot", "story.dot", "DOT (Graphviz)", "csv"),
        ("html", "story.html", "HTML", "csv"),
        ("svg", "story.svg", "SVG", "csv"),
        ("graphml", "story.csv", "GraphML", "csv"),
    ] {
        env.run_ok(["export", "--format", format, "-o", file]);
        let path = env.path(file);
        let path = path.to_str().unwrap();
        for args in [
            &["import", path][..],
            &["import", path, "--format", "ndjson"],
        ] {
            let stderr = other.fail(2, args);
            assert_eq!(
                stderr,
                format!(
                    "factline: {path} is a {kind} file, which import does not read; \
                     import the NDJSON dump (export --format ndjson) or the {} \
                     (export --format {instead})\n",
                    match instead {
                        "csv" => "timeline CSV",
                        _ => "TimelineJS sheet",
                    }
                ),
                "{args:?}"
            );
        }
        // On stdin too.
        let out = other
            .cmd()
            .args(["import", "-"])
            .pipe_stdin(path)
            .unwrap()
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.starts_with(&format!("factline: <stdin> is a {kind} file")),
            "{stderr}"
        );
    }
    assert!(!other.db().exists(), "nothing was written");
    // The forms import reads are still read: the dump, the sheet.
    for (format, file) in [("ndjson", "story.ndjson"), ("timelinejs-csv", "sheet.csv")] {
        env.run_ok(["export", "--format", format, "-o", file]);
        other.run_ok(["import", env.path(file).to_str().unwrap(), "--dry-run"]);
    }
}

/// Open-ended dates whose known end has unspecified digits or a qualifier
/// (`../2026-0X`, `2025-1X/..`, `../2025-08~`) are written in a Display Date
/// as `Date::human` writes them ("until Jan–Sep 2026", "since Oct–Dec 2025",
/// "until ~Aug 2025"), which the import did not read: into a new database
/// they lost their open end, and into the one they came from they were
/// added again as new events.
#[test]
fn open_ended_dates_with_unspecified_digits_or_qualifiers_come_back_from_the_sheet() {
    let env = TestEnv::new();
    let dates = [
        "../2026-0X",
        "/2025-1X",
        "../2025-08~",
        "2025-1X/..",
        "199X?/..",
        "2025-08~/2025-1X?",
    ];
    for (n, date) in dates.iter().enumerate() {
        let title = format!("Event {n}");
        env.run_ok(["-q", "event", "add", "--title", &title, "--date", date]);
    }
    let sheet = export_sheet(&env);
    let (_, stderr) = env.run_ok_with_stderr(["import", &sheet]);
    assert_eq!(
        summary(&stderr),
        format!("factline: imported {sheet}: 0 added, 0 updated, 6 unchanged; 0 actors and 0 sources created")
    );

    let new = TestEnv::new();
    let (_, stderr) = new.run_ok_with_stderr(["import", &sheet]);
    assert!(summary(&stderr).contains("6 added"), "{stderr}");
    for (n, date) in dates.iter().enumerate() {
        let title = format!("Event {n}");
        assert_eq!(event_titled(&new, &title)["date"], *date, "{title}");
    }
}

/// The slide of `id` in `env`'s TimelineJS JSON.
fn slide(env: &TestEnv, id: &str) -> Value {
    let json: Value =
        serde_json::from_str(&env.run_ok(["export", "--format", "timelinejs"])).unwrap();
    json["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["unique_id"] == id)
        .unwrap_or_else(|| panic!("no slide {id} in {json}"))
        .clone()
}

/// A time interval whose ends name different offsets (a call from 22:00 to
/// 23:00 UTC, its start written in Kyiv time) was written with each end's
/// clock as written on the days of its bounds: 24 Oct 01:00 to 25 Oct
/// 23:00, a 46-hour slide starting 21 hours early. Both ends are now
/// written in the start's offset, in the sheet's columns and the JSON's
/// dates and Display Date alike, and the sheet still reads back.
#[test]
fn a_time_interval_whose_ends_name_different_offsets_spans_its_real_instants_in_timelinejs() {
    let env = TestEnv::new();
    for (id, title, date) in [
        (
            "call",
            "Late call",
            "2025-10-25T01:00:00+03:00/2025-10-24T23:00:00Z",
        ),
        (
            "hour",
            "Hour",
            "2025-11-17T10:00:00Z/2025-11-17T12:00:00+01:00",
        ),
        // Across midnight in the start's offset: the end's day too.
        (
            "night",
            "Night talks",
            "2025-11-20T22:30:00-05:00/2025-11-21T07:15:30+02:00",
        ),
        // The same offset at both ends, and an end without one, as written.
        (
            "same",
            "Same zone",
            "2025-10-24T10:00:00+03:00/2025-10-24T12:00:00+03:00",
        ),
        (
            "plain",
            "No zone",
            "2025-10-24T10:00:00Z/2025-10-24T12:00:00",
        ),
    ] {
        env.run_ok([
            "-q", "event", "add", "--id", id, "--title", title, "--date", date,
        ]);
    }
    let before = env.export_ndjson();
    let sheet = export_sheet(&env);
    let text = std::fs::read_to_string(&sheet).unwrap();
    for row in [
        "\n2025,10,25,01:00,,,,02:00,25 Oct 2025 01:00 +03:00 – 25 Oct 2025 02:00 +03:00,Late call,",
        "\n2025,11,17,10:00,,,,11:00,17 Nov 2025 10:00 UTC – 17 Nov 2025 11:00 UTC,Hour,",
        "\n2025,11,20,22:30,2025,11,21,00:15:30,20 Nov 2025 22:30 -05:00 – 21 Nov 2025 00:15:30 -05:00,Night talks,",
        "\n2025,10,24,10:00,,,,12:00,24 Oct 2025 10:00 +03:00 – 24 Oct 2025 12:00 +03:00,Same zone,",
        "\n2025,10,24,10:00,,,,12:00,24 Oct 2025 10:00 UTC – 24 Oct 2025 12:00,No zone,",
    ] {
        assert!(text.contains(row), "{row} in {text}");
    }

    let call = slide(&env, "call");
    assert_eq!(
        call["start_date"],
        serde_json::json!({"year": "2025", "month": "10", "day": "25", "hour": "1", "minute": "0"})
    );
    assert_eq!(call["end_date"], Value::Null, "{call}");
    assert_eq!(
        call["display_date"],
        "25 Oct 2025 01:00 +03:00 – 25 Oct 2025 02:00 +03:00"
    );
    let night = slide(&env, "night");
    assert_eq!(
        night["end_date"],
        serde_json::json!({"year": "2025", "month": "11", "day": "21", "hour": "0", "minute": "15", "second": "30"})
    );

    // Into the database it came from: nothing changes.
    let (_, stderr) = env.run_ok_with_stderr(["import", &sheet]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 5 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);

    // Into a new database: the same instants, in the start's offset, and
    // again unchanged.
    let other = TestEnv::new();
    other.run_ok(["-q", "import", &sheet]);
    for (title, date) in [
        (
            "Late call",
            "2025-10-25T01:00:00+03:00/2025-10-25T02:00:00+03:00",
        ),
        ("Hour", "2025-11-17T10:00:00Z/2025-11-17T11:00:00Z"),
        (
            "Night talks",
            "2025-11-20T22:30:00-05:00/2025-11-21T00:15:30-05:00",
        ),
        (
            "Same zone",
            "2025-10-24T10:00:00+03:00/2025-10-24T12:00:00+03:00",
        ),
        ("No zone", "2025-10-24T10:00:00Z/2025-10-24T12:00:00"),
    ] {
        assert_eq!(event_titled(&other, title)["date"], date, "{title}");
    }
    let (_, stderr) = other.run_ok_with_stderr(["import", &sheet]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 5 unchanged"),
        "{stderr}"
    );

    // A sheet an earlier factline wrote, each end's clock as written on
    // the days of the bounds, still reads as its Display Date.
    let earlier = text.replace(
        "\n2025,10,25,01:00,,,,02:00,25 Oct 2025 01:00 +03:00 – 25 Oct 2025 02:00 +03:00,",
        "\n2025,10,24,01:00,2025,10,25,23:00,25 Oct 2025 01:00 +03:00 – 24 Oct 2025 23:00 UTC,",
    );
    assert_ne!(earlier, text);
    env.write_file("earlier.csv", &earlier);
    let (_, stderr) = env.run_ok_with_stderr(["import", "earlier.csv"]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 5 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);
    let third = TestEnv::new();
    third.run_ok(["-q", "import", env.path("earlier.csv").to_str().unwrap()]);
    assert_eq!(
        event_titled(&third, "Late call")["date"],
        "2025-10-25T01:00:00+03:00/2025-10-24T23:00:00Z"
    );
}

/// A meeting scheduled for 19 Nov, rescheduled to 26 Nov and then
/// postponed with no new date was written "26 Nov 2025 (postponed from 19
/// Nov 2025)", as if the postponement had moved it to 26 Nov. "(postponed
/// from …)" now names the date a postponement moved the event from, and
/// only when it did.
#[test]
fn timelinejs_names_the_date_a_postponement_moved_the_event_from_and_only_then() {
    let env = TestEnv::new();
    let add = |id: &str| {
        env.run_ok([
            "-q",
            "event",
            "add",
            "--id",
            id,
            "--title",
            id,
            "--date",
            "2025-11-19",
            "--kind",
            "meeting",
            "--status",
            "scheduled",
        ]);
    };
    let postpone_to = |id: &str, to: Option<&str>| {
        let mut args = vec!["-q", "event", "postpone", id];
        args.extend(to.map(|to| ["--to", to]).into_iter().flatten());
        env.run_ok(args);
    };
    let reschedule = |id: &str, to: &str| {
        env.run_ok(["-q", "event", "reschedule", id, "--to", to]);
    };
    // Rescheduled, then postponed with no new date.
    add("again");
    reschedule("again", "2025-11-26");
    postpone_to("again", None);
    // Postponed to a new date.
    add("moved");
    postpone_to("moved", Some("2025-12~"));
    // Rescheduled, then postponed to a new date: from the rescheduled one.
    add("both");
    reschedule("both", "2025-11-26");
    postpone_to("both", Some("2025-12-03"));
    // Postponed, and later given its new date.
    add("later");
    postpone_to("later", None);
    postpone_to("later", Some("2025-12-03"));
    // Postponed, with no new date.
    add("plain");
    postpone_to("plain", None);

    let expected = [
        ("again", "26 Nov 2025 (postponed)"),
        ("moved", "~Dec 2025 (postponed from 19 Nov 2025)"),
        ("both", "3 Dec 2025 (postponed from 26 Nov 2025)"),
        ("later", "3 Dec 2025 (postponed from 19 Nov 2025)"),
        ("plain", "19 Nov 2025 (postponed)"),
    ];
    let before = env.export_ndjson();
    let sheet = export_sheet(&env);
    let text = std::fs::read_to_string(&sheet).unwrap();
    for (id, display) in expected {
        assert_eq!(slide(&env, id)["display_date"], display, "{id}");
        assert!(
            text.contains(&format!(",{display},{id},")),
            "{id} in {text}"
        );
    }
    // The timeline says the same: the date, postponed.
    let again = event_titled(&env, "again");
    assert_eq!(
        (again["date"].as_str(), again["status"].as_str()),
        (Some("2025-11-26"), Some("postponed"))
    );
    // The sheet reads back into its database unchanged.
    let (_, stderr) = env.run_ok_with_stderr(["import", &sheet]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 5 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);
}

/// bb19 #06: two events with one date, title and actors, told apart by
/// their sources and descriptions (two strikes on Kharkiv on one day), are
/// two rows of the sheet that read back as two events: into a new
/// database, again into that one, and into the database they came from,
/// which none of these imports changes. An exact copy of a row is still
/// that row's event.
#[test]
fn two_events_with_one_date_title_and_actors_round_trip_through_the_sheet() {
    let env = TestEnv::new();
    for (source, note) in [
        ("Suspilne", "Morning strike on Saltivka, 3 injured"),
        ("Reuters", "Evening strike on the city centre, 1 killed"),
    ] {
        env.run_ok([
            "-q",
            "event",
            "add",
            "--title",
            "Shelling of Kharkiv",
            "--date",
            "2025-11-20",
            "--actor",
            "Military Forces of Russia",
            "--source",
            source,
            "--note",
            note,
        ]);
    }
    let before = env.export_ndjson();
    let sheet = export_sheet(&env);
    let descriptions = |env: &TestEnv| {
        let mut found: Vec<(String, String)> = timeline(env)
            .iter()
            .map(|e| {
                (
                    e["sources"][0].as_str().unwrap().to_string(),
                    e["description"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        found.sort();
        found
    };

    let other = TestEnv::new();
    let (_, stderr) = other.run_ok_with_stderr(["import", &sheet]);
    assert!(
        summary(&stderr).contains("2 added, 0 updated, 0 unchanged"),
        "{stderr}"
    );
    assert_eq!(descriptions(&other), descriptions(&env));
    let copied = other.export_ndjson();
    let (_, stderr) = other.run_ok_with_stderr(["import", &sheet]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 2 unchanged"),
        "{stderr}"
    );
    assert_eq!(other.export_ndjson(), copied);

    let (_, stderr) = env.run_ok_with_stderr(["import", &sheet]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 2 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);

    // A row copied below is its event again, in a new database too.
    let text = std::fs::read_to_string(&sheet).unwrap();
    let last = text.lines().last().unwrap().to_string();
    let copied_row = env.write_file("copy.csv", &format!("{text}{last}\n"));
    let (_, stderr) = env.run_ok_with_stderr(["import", copied_row.to_str().unwrap()]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 3 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);
    let third = TestEnv::new();
    let (_, stderr) = third.run_ok_with_stderr(["import", copied_row.to_str().unwrap()]);
    assert!(
        summary(&stderr).contains("2 added, 0 updated, 1 unchanged"),
        "{stderr}"
    );
    assert_eq!(descriptions(&third), descriptions(&env));

    // The second row edited is the event the first row does not give; the
    // first row edited could mean either, and is a bad row.
    let edited = text.replacen("1 killed", "2 killed", 1);
    assert_ne!(edited, text);
    other.write_file("second.csv", &edited);
    let (_, stderr) = other.run_ok_with_stderr(["import", "second.csv"]);
    assert!(
        summary(&stderr).contains("0 added, 1 updated, 1 unchanged"),
        "{stderr}"
    );
    let mut lines: Vec<&str> = edited.lines().collect();
    let n = lines.len();
    lines.swap(n - 2, n - 1);
    other.write_file("first.csv", &(lines.join("\n") + "\n"));
    let before_first = other.export_ndjson();
    let edited_again = std::fs::read_to_string(other.path("first.csv"))
        .unwrap()
        .replacen("2 killed", "4 killed", 1);
    other.write_file("first.csv", &edited_again);
    let stderr = other.fail(2, ["import", "first.csv"]);
    assert!(
        stderr.contains("2 events have this date, title and actors ("),
        "{stderr}"
    );
    assert_eq!(other.export_ndjson(), before_first);
}

/// The TimelineJS sheet has no column for an event's place and tags, so
/// they were not written, and a sheet read into a new database lost them.
/// Now the slide's Text names them in `<p>Place: …</p>` and `<p>Tags: …</p>`
/// paragraphs, as it names the actors and sources, and `import` reads them
/// back; a sheet that lacks them leaves the stored ones as they are.
#[test]
fn place_and_tags_come_back_from_the_sheet() {
    let env = TestEnv::new();
    env.run_ok([
        "event",
        "add",
        "--title",
        "Talks in Miami",
        "--date",
        "2025-11-30",
        "--kind",
        "meeting",
        "--place",
        "Hallandale Beach, Florida & <Shell Bay>",
        "--tag",
        "peace plan",
        "--tag",
        "US, Ukraine",
        "--actor",
        "Steve Witkoff",
        "--actor",
        "Rustem Umerov",
    ]);
    env.run_ok([
        "event",
        "add",
        "--title",
        "Statement",
        "--date",
        "2025-12-01",
        "--tag",
        "Kremlin",
    ]);
    let before = env.export_ndjson();
    let sheet = export_sheet(&env);
    let text = std::fs::read_to_string(&sheet).unwrap();
    assert!(
        text.contains("<p>Place: Hallandale Beach, Florida &amp; &lt;Shell Bay&gt;</p>"),
        "{text}"
    );
    assert!(
        text.contains("<p>Tags: peace plan; US&#44; Ukraine</p>"),
        "{text}"
    );

    // Into a new database: the same events, place and tags included.
    let other = TestEnv::new();
    let (_, stderr) = other.run_ok_with_stderr(["import", &sheet]);
    assert!(summary(&stderr).contains("2 added"), "{stderr}");
    let talks = event_titled(&other, "Talks in Miami");
    assert_eq!(talks["place"], "Hallandale Beach, Florida & <Shell Bay>");
    assert_eq!(
        talks["tags"],
        serde_json::json!(["peace plan", "US, Ukraine"])
    );
    assert_eq!(talks["kind"], "meeting");
    assert_eq!(
        event_titled(&other, "Statement")["tags"],
        serde_json::json!(["Kremlin"])
    );
    // Into the database it came from: nothing changes.
    let (_, stderr) = env.run_ok_with_stderr(["import", &sheet]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 2 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);

    // A sheet edited in a spreadsheet gives the new place and tags.
    let edited = text
        .replace(
            "<p>Place: Hallandale Beach, Florida &amp; &lt;Shell Bay&gt;</p>",
            "<p>Place: Geneva</p>",
        )
        .replace(
            "<p>Tags: peace plan; US&#44; Ukraine</p>",
            "<p>Tags: peace plan</p>",
        );
    env.write_file("edited.csv", &edited);
    env.run_ok(["import", "edited.csv"]);
    let talks = event_titled(&env, "Talks in Miami");
    assert_eq!(talks["place"], "Geneva");
    assert_eq!(talks["tags"], serde_json::json!(["peace plan"]));

    // A sheet without the paragraphs (an earlier factline's) leaves them.
    let older = edited
        .replace("<p>Place: Geneva</p>", "")
        .replace("<p>Tags: peace plan</p>", "")
        .replace("<p>Tags: Kremlin</p>", "");
    env.write_file("older.csv", &older);
    let (_, stderr) = env.run_ok_with_stderr(["import", "older.csv"]);
    assert!(
        summary(&stderr).contains("0 updated, 2 unchanged"),
        "{stderr}"
    );
    let talks = event_titled(&env, "Talks in Miami");
    assert_eq!(talks["place"], "Geneva");
    assert_eq!(talks["tags"], serde_json::json!(["peace plan"]));
}

/// Reported in bb22: a description (TimelineJS HTML) that itself ended
/// with `<p>Tags: classified</p>` or `<p>Place: unknown at first</p>` was
/// read back as the event's tags or place, and the text cut from the
/// description, so re-importing the database's own sheet changed both
/// events; a sheet whose Tags paragraph a user moved before the Place
/// paragraph kept its tags as description text; and the title slide said
/// "1 events".
#[test]
fn a_description_that_looks_like_a_paragraph_and_moved_paragraphs_come_back_as_written() {
    let env = TestEnv::new();
    for (id, note) in [
        ("e1", "<p>Notes</p><p>Tags: classified</p>"),
        ("e2", "<p>Notes</p><p>Place: unknown at first</p>"),
    ] {
        env.run_ok([
            "event",
            "add",
            "--id",
            id,
            "--title",
            id,
            "--date",
            "2025-11-20",
            "--note",
            note,
        ]);
    }
    let before = env.export_ndjson();
    let sheet = export_sheet(&env);
    let (_, stderr) = env.run_ok_with_stderr(["import", &sheet]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 2 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);
    let other = TestEnv::new();
    other.run_ok(["import", &sheet]);
    for (id, note) in [
        ("e1", "<p>Notes</p><p>Tags: classified</p>"),
        ("e2", "<p>Notes</p><p>Place: unknown at first</p>"),
    ] {
        let event = event_titled(&other, id);
        assert_eq!(event["description"], note);
        assert_eq!(event["tags"], serde_json::json!([]));
        assert!(event["place"].is_null(), "{event}");
    }

    // Paragraphs in another order are read all the same.
    let env = TestEnv::new();
    env.write_file(
        "moved.csv",
        "Year,Month,Day,Headline,Text,Group\n\
         2025,11,21,Talks,Text<p>Tags: peace plan</p><p>Actors: Steve Witkoff</p><p>Place: Miami</p>,meeting\n",
    );
    env.run_ok(["import", "moved.csv"]);
    let talks = event_titled(&env, "Talks");
    assert_eq!(talks["description"], "Text");
    assert_eq!(talks["place"], "Miami");
    assert_eq!(talks["tags"], serde_json::json!(["peace plan"]));
    assert_eq!(talks["actors"], serde_json::json!(["Steve Witkoff"]));
    // One event is one event.
    let json: Value =
        serde_json::from_str(&env.run_ok(["export", "--format", "timelinejs"])).unwrap();
    assert_eq!(json["title"]["text"]["text"], "1 event");
}

/// Reported in bb22: `--map` over a TimelineJS sheet lost what the Text's
/// paragraphs said (`--map tags=Group` dropped the Tags paragraph, `--map
/// place=Group` the Place paragraph, and still read the Group as a tag
/// too), and `--map title=Headline` stored the Headline's HTML entities
/// as text (`Talks &amp; dinner`).
#[test]
fn mapped_columns_of_a_timelinejs_sheet_keep_what_its_text_says() {
    let sheet = "Year,Month,Day,Headline,Text,Group\n\
                 2025,11,21,Talks &amp; dinner,Text<p>Place: Kyiv</p><p>Tags: alpha; beta</p>,gamma\n";
    // The Group's tag is added to the paragraph's.
    let env = TestEnv::new();
    env.write_file("sheet.csv", sheet);
    env.run_ok(["import", "sheet.csv", "--map", "tags=Group"]);
    let event = event_titled(&env, "Talks & dinner");
    assert_eq!(event["tags"], serde_json::json!(["gamma", "alpha", "beta"]));
    assert_eq!(event["place"], "Kyiv");
    assert_eq!(event["description"], "Text");
    // The Group is the place only, and a place other than the Place
    // paragraph's is a bad row, not one place dropped.
    let env = TestEnv::new();
    env.write_file("sheet.csv", sheet);
    let stderr = env.fail(2, ["import", "sheet.csv", "--map", "place=Group"]);
    assert!(
        stderr.contains(
            "sheet.csv:2: place: the column gives \"gamma\" and the Text's Place paragraph \"Kyiv\""
        ),
        "{stderr}"
    );
    env.write_file("sheet.csv", &sheet.replace(",gamma", ",KYIV"));
    env.run_ok(["import", "sheet.csv", "--map", "place=Group"]);
    let event = event_titled(&env, "Talks & dinner");
    assert_eq!(event["place"], "KYIV", "the column's spelling of one place");
    assert_eq!(event["tags"], serde_json::json!(["alpha", "beta"]));
    // The Headline is HTML however it is named.
    let env = TestEnv::new();
    env.write_file("sheet.csv", sheet);
    env.run_ok(["import", "sheet.csv", "--map", "title=Headline"]);
    let event = event_titled(&env, "Talks & dinner");
    assert_eq!(event["id"], "2025-11-21-talks-dinner");
}

/// Blanks the Display Date column of a sheet, as a newsroom's edited
/// sheet or another tool's may leave it: each row's date is then its
/// Year … End Time columns, the date's bounds.
fn without_display_dates(sheet: &str) -> String {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(sheet.as_bytes());
    let mut rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let at = rows[0].iter().position(|c| c == "Display Date").unwrap();
    let mut writer = csv::Writer::from_writer(Vec::new());
    for (n, row) in rows.iter_mut().enumerate() {
        let cells: Vec<&str> = (row.iter().enumerate())
            .map(|(i, c)| if n > 0 && i == at { "" } else { c })
            .collect();
        writer.write_record(&cells).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

#[test]
fn a_sheet_row_finds_its_event_by_bounds_and_title_and_no_other() {
    let env = TestEnv::new().with_now("2025-11-20T10:00:00Z");
    // Events a sheet writes by their bounds only, each beside events of
    // its title that start within a year of it, on its first day too.
    let events = [
        ("Border talks", "2022/.."),
        ("Border talks", "2022-06-01"),
        ("Border talks", "2021-12-31"),
        ("Border talks", "2022"),
        ("Strike", "2025-11?"),
        ("Strike", "2025-11-15"),
        ("Strike", "2025-10"),
        ("Harvest fair", "2025-21"),
        ("Harvest fair", "2025-03"),
        // Stored from the 24th (the end's day as written), written in the
        // start's zone from the 25th.
        (
            "Night shift",
            "2025-10-25T01:00:00+03:00/2025-10-24T23:00:00Z",
        ),
        ("Night shift", "2025-10-24"),
        // Across the date line: from the 23rd as stored, the 25th written.
        (
            "Dateline call",
            "2025-10-25T00:30:00+14:00/2025-10-23T23:00:00-12:00",
        ),
        ("Dateline call", "2025-10-23"),
        ("Talks", "../2022-05-03"),
        ("Talks", "2022-05-03"),
    ];
    for (title, date) in events {
        env.run_ok(["-q", "event", "add", "--title", title, "--date", date]);
    }
    let before = env.export_ndjson();
    let sheet = std::fs::read_to_string(export_sheet(&env)).unwrap();
    env.write_file("bounds.csv", &without_display_dates(&sheet));

    // Into the database it came from: each row is its event, unchanged.
    let (_, stderr) = env.run_ok_with_stderr(["import", "bounds.csv"]);
    assert_eq!(
        summary(&stderr),
        "factline: imported bounds.csv: 0 added, 0 updated, 15 unchanged; 0 actors and 0 sources created"
    );
    assert_eq!(env.export_ndjson(), before);

    // A row whose bounds are no stored event's is a new event, although
    // events of its title start on its first day or within a year of it.
    env.write_file(
        "new.csv",
        "Year,Month,Day,End Year,End Month,End Day,Headline\n\
         2022,,,2022,6,30,Border talks\n\
         2022,1,2,,,,Border talks\n\
         2025,10,,2025,11,30,Strike\n\
         2025,3,,2025,3,31,Harvest fair\n",
    );
    let (_, stderr) = env.run_ok_with_stderr(["import", "new.csv"]);
    assert_eq!(
        summary(&stderr),
        "factline: imported new.csv: 4 added, 0 updated, 0 unchanged; 0 actors and 0 sources created"
    );
    let mut added: Vec<(String, String)> = timeline(&env)
        .iter()
        .filter(|e| !before.contains(&format!("\"id\":{}", e["id"])))
        .map(|e| (e["title"].to_string(), e["date"].to_string()))
        .collect();
    added.sort();
    let expected = [
        ("Border talks", "2022-01-02"),
        ("Border talks", "2022/2022-06-30"),
        ("Harvest fair", "2025-03/2025-03-31"),
        ("Strike", "2025-10/2025-11-30"),
    ];
    let expected: Vec<(String, String)> = (expected.iter())
        .map(|(t, d)| (format!("{t:?}"), format!("{d:?}")))
        .collect();
    assert_eq!(added, expected);

    // The same rows again find the events they added.
    let after = env.export_ndjson();
    let (_, stderr) = env.run_ok_with_stderr(["import", "new.csv"]);
    assert!(
        summary(&stderr).contains("0 added, 0 updated, 4 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), after);
}

#[test]
fn dates_with_unspecified_digits_come_back_from_the_sheet_as_they_were() {
    let env = TestEnv::new();
    // Each X date, and the interval a Display Date shows the same way
    // ("Oct–Dec 2025", "2000–2099"), which the sheet's columns tell apart.
    let dates = [
        "2025-1X",
        "2025-10/2025-12",
        "2025-0X",
        "2025-01/2025-09",
        "20XX",
        "2000/2099",
        "2XXX",
        "20XX~",
        "20XX?",
        "19XX/20XX",
        "1900/2099",
        "2025-1X?",
    ];
    for (n, date) in dates.iter().enumerate() {
        let title = format!("Event {n}");
        env.run_ok(["-q", "event", "add", "--title", &title, "--date", date]);
    }
    let sheet = export_sheet(&env);
    let (_, stderr) = env.run_ok_with_stderr(["import", &sheet]);
    assert_eq!(
        summary(&stderr),
        format!(
            "factline: imported {sheet}: 0 added, 0 updated, {} unchanged; 0 actors and 0 sources created",
            dates.len()
        )
    );
    let new = TestEnv::new();
    new.run_ok(["-q", "import", &sheet]);
    for (n, date) in dates.iter().enumerate() {
        let title = format!("Event {n}");
        assert_eq!(event_titled(&new, &title)["date"], *date, "{title}");
    }
}

#[test]
fn a_sheet_month_outside_1_to_12_is_a_bad_row_not_a_season() {
    let env = TestEnv::new();
    let sheet = env.write_file(
        "sheet.csv",
        "Year,Month,Day,End Year,End Month,Headline\n\
         2025,21,,,,typo month 21\n\
         2025,24,,,,typo month 24\n\
         2025,3,,2025,23,typo end month 23\n",
    );
    let out = env.output(["import", sheet.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    for (line, column, month) in [(2, "Month", 21), (3, "Month", 24), (4, "End Month", 23)] {
        assert!(
            stderr.contains(&format!(
                "sheet.csv:{line}: date: {column} \"{month}\" is not a month (1–12)"
            )),
            "{stderr}"
        );
    }
    assert!(stderr.contains("nothing was written"), "{stderr}");
}
