//! A retracted actor or source is hidden from every query, while history
//! and `--as-of` keep it: graph queries and graph exports leave it out,
//! event listings leave out a retracted source (and its corroboration),
//! and an export of the database imports back without bringing it back.

mod testenv;

use std::collections::BTreeSet;

use serde_json::Value;
use testenv::TestEnv;

// ---------------------------------------------------------------------------
// Helpers

/// When the example is loaded, and a time before any retraction.
const LOADED: &str = "2025-11-20T12:00:00Z";
/// When the tests retract.
const RETRACTED: &str = "2025-11-21T12:00:00Z";
/// Between the two.
const BEFORE: &str = "2025-11-20T18:00:00Z";

/// The example, loaded at [`LOADED`].
fn example_env() -> TestEnv {
    let env = TestEnv::new();
    env.cmd()
        .env("FACTLINE_NOW", LOADED)
        .arg("example")
        .assert()
        .success();
    env
}

/// Retracts `id` at [`RETRACTED`].
fn retract(env: &TestEnv, id: &str) {
    env.cmd()
        .env("FACTLINE_NOW", RETRACTED)
        .args(["retract", id, "--reason", "misidentified"])
        .assert()
        .success();
}

/// The example with the actor Kirill Dmitriev and the source ISW retracted.
fn retracted_env() -> TestEnv {
    let env = example_env();
    retract(&env, "kirill-dmitriev");
    retract(&env, "isw");
    env
}

fn rows(value: &Value) -> &Vec<Value> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a JSON array: {value}"))
}

/// The values of one string column of JSON rows.
fn column(value: &Value, name: &str) -> BTreeSet<String> {
    rows(value)
        .iter()
        .map(|r| r[name].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The node ids and the edge ends of a GraphML or GEXF document.
fn nodes_and_edge_ends(xml: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}:\n{xml}"));
    let mut nodes = BTreeSet::new();
    let mut ends = BTreeSet::new();
    for n in doc.descendants() {
        match n.tag_name().name() {
            "node" => {
                nodes.insert(n.attribute("id").unwrap().to_string());
            }
            "edge" => {
                ends.insert(n.attribute("source").unwrap().to_string());
                ends.insert(n.attribute("target").unwrap().to_string());
            }
            _ => {}
        }
    }
    (nodes, ends)
}

/// The graph exports, each as (what, text).
fn graph_exports(env: &TestEnv, as_of: Option<&str>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (format, graph) in [
        ("graphml", "actors"),
        ("graphml", "full"),
        ("gexf", "actors"),
        ("gexf", "full"),
    ] {
        for filter in [None, Some(["--from", "2025-10"])] {
            let mut args = vec!["export", "--format", format, "--graph", graph];
            args.extend(filter.iter().flatten());
            if let Some(at) = as_of {
                args.extend(["--as-of", at]);
            }
            out.push((format!("{args:?}"), env.run_ok(&args)));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Graph queries and exports

#[test]
fn graph_exports_leave_out_retracted_actors_and_sources_and_their_edges() {
    let env = example_env();
    retract(&env, "kirill-dmitriev");
    retract(&env, "axios");
    for (what, xml) in graph_exports(&env, None) {
        let (nodes, ends) = nodes_and_edge_ends(&xml);
        let dangling: Vec<&String> = ends.difference(&nodes).collect();
        assert!(dangling.is_empty(), "{what}: edges to no node {dangling:?}");
        for id in ["kirill-dmitriev", "axios"] {
            assert!(!nodes.contains(id), "{what}: {id} is retracted");
        }
    }
    let dot = env.run_ok(["export", "--format", "dot", "--graph", "full"]);
    assert!(!dot.contains("kirill-dmitriev"), "{dot}");
    assert!(!dot.contains("\"axios\""), "{dot}");
    let svg = env.run_ok(["export", "--format", "svg", "--view", "graph"]);
    assert!(!svg.contains("Kirill Dmitriev"), "{svg}");

    // Before the retraction, they were there.
    for (what, xml) in graph_exports(&env, Some(BEFORE)) {
        let (nodes, ends) = nodes_and_edge_ends(&xml);
        assert!(ends.is_subset(&nodes), "{what}");
        assert!(nodes.contains("kirill-dmitriev"), "{what}");
        if what.contains("full") {
            assert!(nodes.contains("axios"), "{what}");
        }
    }
}

#[test]
fn a_retracted_actor_meets_no_one_in_graph_queries() {
    let env = retracted_env();
    let met = env.json(["who-met", "witkoff"]);
    assert_eq!(column(&met, "b"), BTreeSet::from(["Rustem Umerov".into()]));
    let all = env.json(["who-met"]);
    for side in ["a", "b"] {
        assert!(!column(&all, side).contains("Kirill Dmitriev"), "{all}");
    }
    assert!(!rows(&all).is_empty());
    let summary = env.json(["who-met", "--summary"]);
    assert!(!summary.to_string().contains("Dmitriev"), "{summary}");
    let network = env.json(["network", "witkoff", "--hops", "3"]);
    assert!(
        !column(&network, "id").contains("kirill-dmitriev"),
        "{network}"
    );
    let network = env.json(["network", "witkoff", "--hops", "3", "--ties"]);
    assert!(
        !column(&network, "id").contains("kirill-dmitriev"),
        "{network}"
    );
    let shown = env.json(["actor", "show", "witkoff"]);
    assert_eq!(
        shown["counterparts"],
        serde_json::json!(["Rustem Umerov (1 meeting)"])
    );
    let stats = env.json(["stats"]);
    let busiest = rows(&stats)
        .iter()
        .find(|r| r["stat"] == "busiest actors")
        .unwrap();
    assert!(!busiest.to_string().contains("Dmitriev"), "{stats}");
    // The actor itself is not found, as every retracted record.
    let stderr = env.fail(2, ["timeline", "--actor", "kirill-dmitriev"]);
    assert!(stderr.contains("retracted"), "{stderr}");
    env.fail(2, ["path", "umerov", "kirill-dmitriev"]);
    env.fail(2, ["who-met", "kirill-dmitriev"]);

    // History is kept: before the retraction, he is everywhere.
    let then = ["--as-of", BEFORE];
    let met = env.json([&["who-met", "witkoff"][..], &then].concat());
    assert!(column(&met, "b").contains("Kirill Dmitriev"), "{met}");
    let network = env.json([&["network", "witkoff"][..], &then].concat());
    assert!(column(&network, "id").contains("kirill-dmitriev"));
    let path = env.json([&["path", "umerov", "kirill-dmitriev"][..], &then].concat());
    assert_eq!(rows(&path).len(), 2, "{path}");
    let timeline = env.json([&["timeline", "--actor", "kirill-dmitriev"][..], &then].concat());
    assert_eq!(rows(&timeline).len(), 6, "{timeline}");
    let stats = env.json([&["stats"][..], &then].concat());
    assert!(stats.to_string().contains("Kirill Dmitriev (6)"), "{stats}");
}

#[test]
fn a_path_does_not_run_through_a_retracted_actor() {
    let env = TestEnv::new();
    for (title, date, a, b) in [
        ("A meets B", "2025-01-01", "Alpha", "Bravo"),
        ("B meets C", "2025-01-02", "Bravo", "Charlie"),
    ] {
        env.run_ok([
            "event",
            "add",
            "--title",
            title,
            "--date",
            date,
            "--kind",
            "meeting",
            "--actor",
            a,
            "--actor",
            b,
            "--new-actor",
        ]);
    }
    let path = env.json(["path", "alpha", "charlie"]);
    assert_eq!(rows(&path).len(), 2, "{path}");
    env.run_ok(["retract", "bravo", "--reason", "not a person"]);
    let stderr = env.fail(1, ["path", "alpha", "charlie"]);
    assert!(stderr.contains("no path"), "{stderr}");
    let network = env.json(["network", "alpha", "--hops", "3"]);
    assert!(rows(&network).is_empty(), "{network}");
}

// ---------------------------------------------------------------------------
// Event listings

/// The event ISW alone reports, and one Dmitriev took part in.
const ISW_EVENT: &str = "2022-children-placed-in-russia";
const MIAMI: &str = "2025-10-24-miami-talks";

#[test]
fn event_listings_leave_out_a_retracted_source_and_its_corroboration() {
    let env = retracted_env();
    let shown = env.json(["event", "show", ISW_EVENT]);
    assert_eq!(shown["sources"], serde_json::json!([]), "{shown}");
    assert_eq!(shown["corroboration"], 0, "{shown}");
    let sources = env.run_ok(["sources", ISW_EVENT]);
    assert!(sources.contains("0 independent sources"), "{sources}");
    for args in [
        vec!["timeline"],
        vec!["event", "list"],
        vec!["timeline", "--actor", "russia"],
    ] {
        let listed = env.json(&args);
        let row = rows(&listed)
            .iter()
            .find(|r| r["id"] == ISW_EVENT)
            .unwrap_or_else(|| panic!("{args:?}: {listed}"));
        assert_eq!(row["sources"], serde_json::json!([]), "{args:?}");
        assert_eq!(row["corroboration"], 0, "{args:?}");
        let text = listed.to_string();
        assert!(!text.contains("Study of War (ISW)"), "{args:?}");
        assert!(!text.contains("\"Kirill Dmitriev\""), "{args:?}: {text}");
    }
    let miami = env.json(["event", "show", MIAMI]);
    assert_eq!(miami["actors"], serde_json::json!(["Steve Witkoff"]));
    let table = env.run_ok(["timeline", "--actor", "witkoff"]);
    assert!(!table.contains("; Kirill Dmitriev"), "{table}");
    let tjs = env.run_ok(["export", "--format", "timelinejs"]);
    assert!(!tjs.contains("Study of War (ISW)"), "{tjs}");
    assert!(
        !tjs.contains("Actors: Steve Witkoff, Kirill Dmitriev"),
        "{tjs}"
    );
    let html = env.run_ok(["export", "--format", "html"]);
    assert!(!html.contains("kirill-dmitriev"), "the picture's actors");

    // Before the retraction, both are listed and counted.
    let then = env.json(["event", "show", ISW_EVENT, "--as-of", BEFORE]);
    assert_eq!(
        then["sources"],
        serde_json::json!(["Institute for the Study of War (ISW)"])
    );
    assert_eq!(then["corroboration"], 1);
    let then = env.json(["event", "show", MIAMI, "--as-of", BEFORE]);
    assert_eq!(
        then["actors"],
        serde_json::json!(["Steve Witkoff", "Kirill Dmitriev"])
    );
}

#[test]
fn a_report_repeating_a_retracted_source_still_counts_it_as_its_origin() {
    let env = TestEnv::new();
    env.run_ok([
        "event",
        "add",
        "--id",
        "talks",
        "--title",
        "Talks",
        "--date",
        "2025-11-19",
        "--source",
        "Reuters",
        "--source",
        "Fake Wire",
        "--source",
        "Digest",
    ]);
    env.run_ok(["link", "talks", "Digest", "--via", "Fake Wire"]);
    env.run_ok(["retract", "fake-wire", "--reason", "fabricated outlet"]);
    let shown = env.json(["event", "show", "talks"]);
    assert_eq!(shown["sources"], serde_json::json!(["Reuters", "Digest"]));
    assert_eq!(shown["corroboration"], 2, "Reuters, and Digest's origin");
    let sources = env.run_ok(["sources", "talks"]);
    assert!(sources.contains("2 independent sources"), "{sources}");
}

// ---------------------------------------------------------------------------
// Round trips: importing an export changes nothing

/// Exports `args` to FILE, imports FILE back (with `import_args`), and
/// asserts that the database is the same, version for version.
fn assert_round_trip(env: &TestEnv, file: &str, args: &[&str], import_args: &[&str]) {
    let before = env.export_ndjson();
    env.run_ok([&["export", "-o", file][..], args].concat());
    let (_, stderr) = env.run_ok_with_stderr([&["import", file][..], import_args].concat());
    assert!(
        stderr.contains("0 added, 0 updated") || stderr.contains(": 0 new,"),
        "{file}: {stderr}"
    );
    assert!(!stderr.contains("created") || stderr.contains("0 actors and 0 sources created"));
    let after = env.export_ndjson();
    assert!(before == after, "{file} changed the database:\n{stderr}");
}

/// The timeline CSV leaves a retracted actor or source out of an event's
/// lists, as every listing does; an import into the same database keeps
/// the stored links to them, and one into a new database (a colleague's)
/// does not bring them back as live records (a fabricated source counted
/// as corroboration, a misidentified person meeting the others).
#[test]
fn the_timeline_csv_leaves_out_a_retracted_actor_and_source_and_imports_back_unchanged() {
    let env = retracted_env();
    let csv = env.run_ok(["export", "--format", "csv"]);
    let row = csv
        .lines()
        .find(|l| l.starts_with(ISW_EVENT))
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(!row.contains("isw"), "the source left out: {row}");
    let row = csv.lines().find(|l| l.starts_with(MIAMI)).unwrap();
    assert!(
        row.contains(",Steve Witkoff,") && !row.contains("dmitriev"),
        "the actor left out: {row}"
    );
    let colleague = TestEnv::new();
    let file = env.write_file("shared.csv", &csv);
    colleague.run_ok(["-q", "import", file.to_str().unwrap()]);
    let sources = colleague.json(["source", "list"]);
    assert!(!column(&sources, "id").contains("isw"), "{sources}");
    assert!(!colleague.run_ok(["actors"]).contains("Dmitriev"));
    assert_eq!(
        env.run_ok(["timeline", "--format", "csv"]).lines().count(),
        17
    );

    assert_round_trip(&env, "story.csv", &["--format", "csv"], &[]);
    // Twice, and with a dry run.
    assert_round_trip(&env, "story.csv", &["--format", "csv"], &[]);
    let (_, stderr) = env.run_ok_with_stderr(["import", "story.csv", "--dry-run"]);
    assert!(stderr.contains("0 added, 0 updated"), "{stderr}");
    // Still retracted, still hidden.
    let sources = env.json(["source", "list"]);
    assert!(!column(&sources, "id").contains("isw"), "{sources}");
    let met = env.json(["who-met", "witkoff"]);
    assert_eq!(column(&met, "b").len(), 1, "{met}");
    env.fail(2, ["actor", "show", "kirill-dmitriev"]);
}

/// The claims CSV leaves a retracted source and actor out of a claim's
/// lists (`sources`, `about`), and gives a retracted claimant as its id, the
/// claim's one value; the import keeps the stored links.
#[test]
fn the_claims_csv_leaves_out_a_retracted_subject_and_source_and_imports_back_unchanged() {
    let env = example_env();
    env.cmd()
        .env("FACTLINE_NOW", LOADED)
        .args([
            "claim",
            "add",
            "--id",
            "about-dmitriev",
            "--by",
            "Ukraine",
            "--text",
            "Dmitriev is the Kremlin's channel to Witkoff",
            "--about",
            "kirill-dmitriev",
            "--source",
            "ISW",
            "--source",
            "Axios",
        ])
        .assert()
        .success();
    retract(&env, "kirill-dmitriev");
    retract(&env, "isw");
    let csv = env.run_ok(["export", "--format", "csv", "--what", "claims"]);
    let row = csv
        .lines()
        .find(|l| l.starts_with("about-dmitriev,"))
        .unwrap();
    assert!(row.contains(",Axios,,"), "{row}");
    let row = csv
        .lines()
        .find(|l| l.starts_with("2025-11-dmitriev-better-chances,"))
        .unwrap();
    assert!(
        row.contains(",kirill-dmitriev,"),
        "the claimant as its id: {row}"
    );
    // The listings still leave them out.
    let shown = env.json(["claim", "show", "about-dmitriev"]);
    assert_eq!(shown["sources"], serde_json::json!(["Axios"]));
    assert_eq!(shown["about"], serde_json::json!([]));
    assert_eq!(shown["corroboration"], 1);

    assert_round_trip(
        &env,
        "claims.csv",
        &["--format", "csv", "--what", "claims"],
        &["--what", "claims"],
    );
}

#[test]
fn the_dump_imports_back_unchanged_after_retractions() {
    let env = retracted_env();
    assert_round_trip(&env, "story.ndjson", &[], &[]);
    // Into a new database: the same dump, byte for byte.
    let dump = env.export_ndjson();
    let other = TestEnv::new();
    other.run_ok(["import", env.path("story.ndjson").to_str().unwrap()]);
    assert!(
        other.export_ndjson() == dump,
        "the dump does not round-trip"
    );
    let met = other.json(["who-met", "witkoff"]);
    assert_eq!(column(&met, "b").len(), 1, "{met}");
}

#[test]
fn an_import_links_a_retracted_actor_or_source_by_its_id_and_leaves_it_retracted() {
    let env = retracted_env();
    let sheet = env.write_file(
        "new.csv",
        "date,title,kind,actors,sources\n\
         2025-11-30,Witkoff and Dmitriev speak,call,Steve Witkoff; kirill-dmitriev,isw\n",
    );
    let (_, stderr) = env.run_ok_with_stderr(["import", sheet.to_str().unwrap()]);
    assert!(stderr.contains("1 added"), "{stderr}");
    assert!(!stderr.contains("created") || stderr.contains("0 actors and 0 sources created"));
    let shown = env.json(["event", "show", "2025-11-30-witkoff-and-dmitriev-speak"]);
    assert_eq!(shown["actors"], serde_json::json!(["Steve Witkoff"]));
    assert_eq!(shown["sources"], serde_json::json!([]));
    let dump = env.export_ndjson();
    let event = dump
        .lines()
        .find(|l| l.contains("Witkoff and Dmitriev speak"))
        .unwrap();
    assert!(event.contains("\"kirill-dmitriev\""), "{event}");
    assert!(event.contains("\"isw\""), "{event}");
    let history = env.json(["history", "kirill-dmitriev"]);
    assert_eq!(rows(&history).len(), 2, "still retracted, no new version");
    // No actor was made in its place.
    assert!(!env
        .run_ok(["actor", "list", "--format", "csv"])
        .contains("kirill-dmitriev"));
}

// ---------------------------------------------------------------------------
// A retracted source's name records the outlet again

/// After the retraction, when the tests record the outlet again.
const LATER: &str = "2025-11-22T12:00:00Z";

/// A database holding the source Axios, cited by the event `talks`, and
/// retracted at [`RETRACTED`] as entered wrongly; later commands run at
/// [`LATER`].
fn axios_retracted_env() -> TestEnv {
    let env = TestEnv::new().with_now(LATER);
    for (now, args) in [
        (
            LOADED,
            &["source", "add", "Axios", "--url", "https://axios.example"][..],
        ),
        (
            LOADED,
            &[
                "event",
                "add",
                "--id",
                "talks",
                "--title",
                "Talks in Miami",
                "--date",
                "2025-10-24",
                "--source",
                "Axios",
            ][..],
        ),
        (
            RETRACTED,
            &["retract", "axios", "--reason", "added with the wrong URL"][..],
        ),
    ] {
        env.cmd()
            .env("FACTLINE_NOW", now)
            .args(args)
            .assert()
            .success();
    }
    env
}

/// The record of `id` in the dump, its latest version.
fn dumped(env: &TestEnv, id: &str) -> Value {
    env.export_ndjson()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .rfind(|record| record["id"] == id)
        .unwrap_or_else(|| panic!("no record {id} in the dump"))
}

/// The ids of the sources a dumped event or claim links.
fn linked(record: &Value) -> Vec<String> {
    record["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|link| link["source"].as_str().unwrap().to_string())
        .collect()
}

/// A retracted source's name blocked the outlet for good: `source add
/// Axios`, even with `--id`, refused it as retracted. The name now records a
/// new source (`axios-2`, the slug being taken), while the retracted
/// source's id, typed as it is, still reports it retracted, and `history`
/// and `--as-of` still show it.
#[test]
fn source_add_records_a_retracted_sources_name_again_as_a_new_source() {
    let env = axios_retracted_env();
    // The id as typed, where a live source is required: retracted, with why.
    for args in [
        &["source", "edit", "axios", "--url", "https://www.axios.com"][..],
        &["link", "talks", "axios"][..],
        &[
            "event", "add", "--title", "T", "--date", "2025", "--source", "axios",
        ][..],
    ] {
        let err = env.fail(2, args);
        assert!(
            err.contains("source axios was retracted (added with the wrong URL)"),
            "{args:?}: {err}"
        );
        testenv::assert_one_error_line(&err);
    }
    // A new source cannot be named by that id (an import of the CSV exports
    // reads `axios` as the retracted one): the error says how to name it.
    let err = env.fail(2, ["source", "add", "axios"]);
    assert!(
        err.contains("source axios was retracted (added with the wrong URL)")
            && err.contains("\"Axios\""),
        "{err}"
    );
    testenv::assert_one_error_line(&err);

    assert_eq!(
        env.run_ok(["source", "add", "Axios", "--url", "https://www.axios.com"]),
        "axios-2\n"
    );
    let listed = env.json(["source", "list"]);
    assert_eq!(
        column(&listed, "id"),
        BTreeSet::from(["axios-2".to_string()])
    );
    assert_eq!(rows(&listed)[0]["url"], "https://www.axios.com");
    let err = env.fail(2, ["source", "add", "Axios"]);
    assert!(err.contains("already exists as axios-2"), "{err}");
    // The names decide: `axios` now spells the live source's name.
    assert_eq!(
        env.run_ok(["source", "edit", "axios", "--grade", "B"]),
        "axios-2\n"
    );

    // The retracted source is kept, and still hidden.
    let history = env.json(["history", "axios"]);
    assert_eq!(rows(&history).len(), 2, "{history}");
    assert_eq!(rows(&history)[1]["retracted"], "added with the wrong URL");
    let before = env.json(["source", "list", "--as-of", BEFORE]);
    assert_eq!(column(&before, "id"), BTreeSet::from(["axios".to_string()]));
    assert_eq!(linked(&dumped(&env, "talks")), ["axios"]);
    assert_eq!(
        env.json(["event", "show", "talks"])["sources"],
        serde_json::json!([])
    );
}

#[test]
fn source_add_with_an_id_takes_a_retracted_sources_name() {
    let env = axios_retracted_env();
    assert_eq!(
        env.run_ok(["source", "add", "Axios", "--id", "axios2"]),
        "axios2\n"
    );
    let err = env.fail(2, ["source", "add", "Something", "--id", "axios"]);
    assert!(err.contains("source id axios is taken"), "{err}");
    assert_eq!(
        column(&env.json(["source", "list"]), "id"),
        BTreeSet::from(["axios2".to_string()])
    );
}

/// `--source`, `link` and `claim rate --by` with a retracted source's name
/// create or find the live source of that name, as for a name no source
/// has; they reported the retracted one.
#[test]
fn a_retracted_sources_name_on_event_link_and_claim_means_the_live_one() {
    let env = axios_retracted_env();
    let (_, stderr) = env.run_ok_with_stderr([
        "event", "add", "--id", "report", "--title", "A report", "--date", "2025-11", "--source",
        "Axios",
    ]);
    assert!(
        stderr.contains("created source \"Axios\" (axios-2)"),
        "{stderr}"
    );
    assert_eq!(linked(&dumped(&env, "report")), ["axios-2"]);
    assert_eq!(
        env.json(["event", "show", "report"])["sources"],
        serde_json::json!(["Axios"])
    );

    let (_, stderr) = env.run_ok_with_stderr(["link", "talks", "Axios"]);
    assert!(!stderr.contains("created"), "{stderr}");
    assert_eq!(linked(&dumped(&env, "talks")), ["axios", "axios-2"]);
    assert!(env
        .run_ok(["sources", "talks"])
        .contains("1 independent source"));

    env.run_ok(["-q", "actor", "add", "Ukraine"]);
    env.run_ok([
        "-q",
        "claim",
        "add",
        "--id",
        "claim",
        "--by",
        "Ukraine",
        "--text",
        "Talks were held",
        "--source",
        "Axios",
    ]);
    env.run_ok(["-q", "claim", "rate", "claim", "confirmed", "--by", "Axios"]);
    let claim = dumped(&env, "claim");
    assert_eq!(linked(&claim), ["axios-2"]);
    assert_eq!(claim["verdict_by"], "axios-2");
    let shown = env.json(["claim", "show", "claim"]);
    assert_eq!(shown["sources"], serde_json::json!(["Axios"]));
    assert_eq!(shown["verdict_by"], "Axios");
    assert_eq!(
        column(&env.json(["source", "list"]), "id"),
        BTreeSet::from(["axios-2".to_string()])
    );
}

/// A name that a live source has finds it before any id does but the exact
/// one: with a retracted `reuters` beside a live "Reuters" (`reuters-2`),
/// "Reuters" reported the retracted source; with a live `ap` named
/// "Associated Press" beside a live "AP" (`ap-2`), "AP" found `ap`. Actors
/// let the live name win.
#[test]
fn a_live_sources_name_wins_over_a_retracted_or_differently_cased_id() {
    let env = TestEnv::new();
    let dump = testenv::dump::of(&[
        testenv::dump::source_line("reuters", "Reuters"),
        testenv::dump::source_line("reuters-2", "Reuters"),
        testenv::dump::source_line("ap", "Associated Press"),
        testenv::dump::source_line("ap-2", "AP"),
    ]);
    let file = env.write_file("colleague.ndjson", &dump);
    env.run_ok(["-q", "import", file.to_str().unwrap()]);
    env.run_ok([
        "-q",
        "retract",
        "reuters",
        "--kind",
        "source",
        "--reason",
        "a duplicate",
    ]);
    let (_, stderr) = env.run_ok_with_stderr([
        "event", "add", "--id", "e", "--title", "E", "--date", "2025", "--source", "Reuters",
        "--source", "AP",
    ]);
    assert!(!stderr.contains("created"), "{stderr}");
    assert_eq!(linked(&dumped(&env, "e")), ["reuters-2", "ap-2"]);
    assert_eq!(
        env.run_ok(["source", "edit", "Reuters", "--grade", "A"]),
        "reuters-2\n"
    );
    // The names decide, as for an actor merged away: the retracted id spells
    // the live source's name.
    env.run_ok(["-q", "link", "e", "reuters", "--credibility", "2"]);
    assert_eq!(linked(&dumped(&env, "e")), ["reuters-2", "ap-2"]);
    // An exact id still finds its source.
    env.run_ok(["-q", "link", "e", "ap"]);
    assert_eq!(linked(&dumped(&env, "e")), ["reuters-2", "ap-2", "ap"]);
}

/// A CSV row citing a retracted source's name ("Axios") linked the hidden,
/// retracted source, silently; it now links or creates the live one, as a
/// command does, in the timeline CSV, the claims CSV and a TimelineJS
/// sheet's Sources paragraph. A cell written as the retracted id (`axios`,
/// as the exports write it) still links the retracted one, so that the
/// exports import back unchanged.
#[test]
fn an_import_citing_a_retracted_sources_name_links_a_live_source() {
    let env = axios_retracted_env();
    let sheet = env.write_file(
        "rows.csv",
        "date,title,sources\n\
         2025-11-05,Imported,Axios\n\
         2025-11-06,Imported by id,axios\n",
    );
    let (_, stderr) = env.run_ok_with_stderr(["import", sheet.to_str().unwrap()]);
    assert!(
        stderr.contains("2 added") && stderr.contains("0 actors and 1 sources created"),
        "{stderr}"
    );
    assert_eq!(linked(&dumped(&env, "2025-11-05-imported")), ["axios-2"]);
    assert_eq!(
        linked(&dumped(&env, "2025-11-06-imported-by-id")),
        ["axios"]
    );
    assert!(env
        .run_ok(["sources", "2025-11-05-imported"])
        .contains("1 independent source"));

    let claims = env.write_file(
        "claims.csv",
        "id,claimant,text,sources,verdict,verdict_by\n\
         said,Ukraine,Talks were held,Axios,confirmed,Axios\n\
         said-by-id,Ukraine,Talks were planned,axios,confirmed,axios\n",
    );
    let (_, stderr) =
        env.run_ok_with_stderr(["import", claims.to_str().unwrap(), "--what", "claims"]);
    assert!(stderr.contains("0 sources created"), "{stderr}");
    let said = dumped(&env, "said");
    assert_eq!(linked(&said), ["axios-2"]);
    assert_eq!(said["verdict_by"], "axios-2");
    let said = dumped(&env, "said-by-id");
    assert_eq!(linked(&said), ["axios"]);
    assert_eq!(said["verdict_by"], "axios");

    let header = "Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,Media Credit,Media Caption,Media Thumbnail,Alt Text,Type,Group,Background";
    let mut row = vec![
        "2025",
        "11",
        "7",
        "",
        "",
        "",
        "",
        "",
        "",
        "Sheet report",
        "A report<p>Sources: Axios</p>",
    ];
    row.resize(19, "");
    let sheet = env.write_file("timelinejs.csv", &format!("{header}\n{}\n", row.join(",")));
    let (_, stderr) = env.run_ok_with_stderr(["import", sheet.to_str().unwrap()]);
    assert!(
        stderr.contains("1 added") && stderr.contains("0 sources created"),
        "{stderr}"
    );
    let timeline = env.json(["timeline", "--from", "2025-11-07"]);
    let event = rows(&timeline)
        .iter()
        .find(|e| e["title"] == "Sheet report")
        .unwrap_or_else(|| panic!("{timeline}"));
    assert_eq!(
        linked(&dumped(&env, event["id"].as_str().unwrap())),
        ["axios-2"]
    );

    // The exports, citing the live source by name and the retracted one by
    // its id, import back unchanged.
    assert_round_trip(&env, "story.csv", &["--format", "csv"], &[]);
    assert_round_trip(
        &env,
        "claims-out.csv",
        &["--format", "csv", "--what", "claims"],
        &["--what", "claims"],
    );
    assert_round_trip(&env, "sheet-out.csv", &["--format", "timelinejs-csv"], &[]);
    assert_eq!(
        column(&env.json(["source", "list"]), "id"),
        BTreeSet::from(["axios-2".to_string()])
    );
}

/// A retracted source whose id has capitals (`--id ISW`) is written as that
/// id by the CSV exports; the import links it again, as a command reports
/// it retracted, rather than creating a source by that name.
#[test]
fn an_import_links_a_retracted_source_by_an_id_with_capitals() {
    let env = TestEnv::new();
    env.run_ok([
        "-q",
        "source",
        "add",
        "Institute for the Study of War",
        "--id",
        "ISW",
    ]);
    env.run_ok([
        "-q", "event", "add", "--id", "report", "--title", "Report", "--date", "2025-11",
        "--source", "ISW",
    ]);
    env.run_ok(["-q", "retract", "ISW", "--reason", "a duplicate"]);
    let err = env.fail(2, ["link", "report", "ISW"]);
    assert!(
        err.contains("source ISW was retracted (a duplicate)"),
        "{err}"
    );
    let csv = env.run_ok(["export", "--format", "csv"]);
    assert!(!csv.contains("ISW"), "the export leaves it out: {csv}");
    assert_round_trip(&env, "story.csv", &["--format", "csv"], &[]);
    assert_eq!(linked(&dumped(&env, "report")), ["ISW"]);
    // An export of an earlier factline, which wrote it as its id.
    let old = env.write_file(
        "old.csv",
        "id,date,title,sources\nreport,2025-11,Report,ISW\n",
    );
    let (_, stderr) = env.run_ok_with_stderr(["import", old.to_str().unwrap()]);
    assert!(
        stderr.contains("0 added, 0 updated, 1 unchanged"),
        "{stderr}"
    );
    assert!(
        stderr.contains("0 actors and 0 sources created"),
        "{stderr}"
    );
    assert_eq!(linked(&dumped(&env, "report")), ["ISW"]);
}

/// `source add "Axios Media" --id axios`, while another source is named
/// `axios`, made the CSV exports write both as `axios` once the new one was
/// retracted; importing that export moved the other source's events to the
/// retracted one. Such an id is now refused, and the export imports back
/// unchanged.
#[test]
fn a_source_id_that_is_another_sources_name_is_refused() {
    let env = TestEnv::new();
    env.run_ok(["-q", "source", "add", "axios", "--id", "bee"]);
    env.run_ok([
        "-q",
        "event",
        "add",
        "--id",
        "one",
        "--title",
        "One",
        "--date",
        "2025-10-01",
        "--source",
        "bee",
    ]);
    let err = env.fail(2, ["source", "add", "Axios Media", "--id", "axios"]);
    testenv::assert_one_error_line(&err);
    assert!(
        err.contains("source id axios is the name of source bee"),
        "{err}"
    );
    env.run_ok(["-q", "source", "add", "Axios Media", "--id", "axios-media"]);
    env.run_ok([
        "-q",
        "event",
        "add",
        "--id",
        "two",
        "--title",
        "Two",
        "--date",
        "2025-10-02",
        "--source",
        "axios-media",
    ]);
    env.run_ok(["-q", "retract", "axios-media", "--reason", "a duplicate"]);
    assert_round_trip(&env, "story.csv", &["--format", "csv"], &[]);
    assert_eq!(linked(&dumped(&env, "one")), ["bee"]);
}

/// `actor merge volodymyr-zelenskyy zelenskiy` moved the call and the claim
/// to Zelenskyy, but re-importing a timeline or claims CSV exported before
/// the merge (which names the duplicate as `zelenskiy`) linked them back to
/// the merged, retracted actor. A merged actor's id now means the actor it
/// was merged into, as typing it in a command does, through a chain of
/// merges too; a plain retracted actor's id still links that actor.
#[test]
fn an_import_reads_a_merged_actors_id_as_the_actor_it_was_merged_into() {
    let env = TestEnv::new();
    env.run_ok(["-q", "actor", "add", "Volodymyr Zelenskyy"]);
    env.run_ok(["-q", "actor", "add", "Donald Trump"]);
    // Actors whose ids spell none of their names, as a cell may give them.
    env.run_ok(["-q", "actor", "add", "Ukrainian president", "--id", "zel-a"]);
    env.run_ok(["-q", "actor", "add", "Head of state", "--id", "zel-b"]);
    env.run_ok([
        "-q",
        "event",
        "add",
        "--id",
        "call1",
        "--title",
        "Zelenskyy-Trump call",
        "--date",
        "2025-11-20",
        "--actor",
        "zelenskiy",
        "--new-actor",
        "--actor",
        "Donald Trump",
    ]);
    env.run_ok([
        "-q",
        "event",
        "add",
        "--id",
        "call2",
        "--title",
        "Second call",
        "--date",
        "2025-11-21",
        "--actor",
        "zel-a",
        "--actor",
        "zel-b",
    ]);
    env.run_ok([
        "-q",
        "claim",
        "add",
        "--id",
        "land",
        "--by",
        "zelenskiy",
        "--text",
        "We will not give up land",
        "--date",
        "2025-11",
    ]);
    let events = env.path("before.csv");
    let claims = env.path("claims-before.csv");
    env.run_ok(["export", "--format", "csv", "-o", events.to_str().unwrap()]);
    env.run_ok([
        "export",
        "--format",
        "csv",
        "--what",
        "claims",
        "-o",
        claims.to_str().unwrap(),
    ]);
    assert!(std::fs::read_to_string(&events)
        .unwrap()
        .contains("zelenskiy; Donald Trump"));
    env.run_ok(["-q", "actor", "merge", "volodymyr-zelenskyy", "zelenskiy"]);
    // A chain: zel-b into zel-a, then zel-a into Zelenskyy.
    env.run_ok(["-q", "actor", "merge", "zel-a", "zel-b"]);
    env.run_ok(["-q", "actor", "merge", "volodymyr-zelenskyy", "zel-a"]);
    let merged = env.export_ndjson();
    // Typed in a command, each id means Zelenskyy too, the one that spells
    // no name with a notice.
    let shown = env.json(["actor", "show", "zelenskiy"]);
    assert_eq!(shown["id"], "volodymyr-zelenskyy");
    let (shown, stderr) = env.run_ok_with_stderr(["actor", "show", "zel-b", "--format", "json"]);
    assert!(shown.contains("\"id\": \"volodymyr-zelenskyy\""), "{shown}");
    assert!(
        stderr.contains(
            "\"zel-b\" was merged into actor \"Volodymyr Zelenskyy\" (volodymyr-zelenskyy); using that actor"
        ),
        "{stderr}"
    );

    let (_, stderr) = env.run_ok_with_stderr(["import", events.to_str().unwrap()]);
    assert!(
        stderr.contains("0 added, 0 updated, 2 unchanged"),
        "{stderr}"
    );
    let (_, stderr) =
        env.run_ok_with_stderr(["import", claims.to_str().unwrap(), "--what", "claims"]);
    assert!(
        stderr.contains("0 added, 0 updated, 1 unchanged"),
        "{stderr}"
    );
    assert!(
        merged == env.export_ndjson(),
        "the import changed the database"
    );
    assert_eq!(
        dumped(&env, "call1")["actors"],
        serde_json::json!(["volodymyr-zelenskyy", "donald-trump"])
    );
    assert_eq!(
        dumped(&env, "call2")["actors"],
        serde_json::json!(["volodymyr-zelenskyy"])
    );
    assert_eq!(dumped(&env, "land")["claimant"], "volodymyr-zelenskyy");

    // A plain retraction is not a merge: its id links the retracted actor.
    env.run_ok(["-q", "retract", "donald-trump", "--reason", "misidentified"]);
    env.run_ok(["-q", "actor", "add", "Donald Trump"]);
    assert_round_trip(&env, "after.csv", &["--format", "csv"], &[]);
    assert_eq!(
        dumped(&env, "call1")["actors"],
        serde_json::json!(["volodymyr-zelenskyy", "donald-trump"])
    );
}

/// Ids may hold capitals (`--id FooBar`). After `retract FooBar` and a new
/// live `foobar` (which typing `foobar` creates, as documented), the CSV
/// export writes `FooBar` and `foobar`; re-importing it swapped the
/// retracted records for the live ones in the old event. A cell that is
/// exactly a retracted record's id, in whatever case, now means it.
#[test]
fn an_import_links_a_retracted_id_with_capitals_beside_a_live_lower_case_namesake() {
    let env = TestEnv::new();
    env.run_ok(["-q", "actor", "add", "Foo Bar", "--id", "FooBar"]);
    env.run_ok(["-q", "source", "add", "Src One", "--id", "SrcOne"]);
    env.run_ok([
        "-q",
        "event",
        "add",
        "--id",
        "e1",
        "--title",
        "Early report",
        "--date",
        "2025-11-01",
        "--actor",
        "FooBar",
        "--source",
        "SrcOne",
    ]);
    env.run_ok(["-q", "retract", "FooBar", "--reason", "misidentified"]);
    env.run_ok(["-q", "retract", "SrcOne", "--reason", "fabricated"]);
    env.run_ok([
        "-q",
        "event",
        "add",
        "--id",
        "e2",
        "--title",
        "Later report",
        "--date",
        "2025-11-02",
        "--actor",
        "foobar",
        "--source",
        "srcone",
    ]);
    let csv = env.run_ok(["export", "--format", "csv"]);
    assert!(
        csv.contains("e1,2025-11-01,Early report,other,occurred,,,,"),
        "the retracted ones left out: {csv}"
    );
    assert!(csv.contains(",foobar,srcone,"), "{csv}");
    assert_round_trip(&env, "story.csv", &["--format", "csv"], &[]);
    // An export of an earlier factline, which wrote them as their ids.
    let old = env.write_file(
        "old.csv",
        &csv.replace(
            "e1,2025-11-01,Early report,other,occurred,,,,",
            "e1,2025-11-01,Early report,other,occurred,,FooBar,SrcOne,",
        ),
    );
    let (_, stderr) = env.run_ok_with_stderr(["import", old.to_str().unwrap()]);
    assert!(
        stderr.contains("0 added, 0 updated, 2 unchanged"),
        "{stderr}"
    );
    assert_eq!(dumped(&env, "e1")["actors"], serde_json::json!(["FooBar"]));
    assert_eq!(linked(&dumped(&env, "e1")), ["SrcOne"]);
    assert_eq!(dumped(&env, "e2")["actors"], serde_json::json!(["foobar"]));
    assert_eq!(linked(&dumped(&env, "e2")), ["srcone"]);
}

// ---------------------------------------------------------------------------
// Retracted events and claims in claims (bb15 #03, #04)

const CHILDREN_EVENT: &str = "2022-children-placed-in-russia";
const MINORS_CLAIM: &str = "russia-700000-minors-received";
const HUNDREDS_CLAIM: &str = "russia-took-only-hundreds-of-children";

/// The example with the event of the deported children and Russia's
/// 700,000 minors claim retracted.
fn retracted_event_and_claim_env() -> TestEnv {
    let env = example_env();
    retract(&env, CHILDREN_EVENT);
    retract(&env, MINORS_CLAIM);
    env
}

/// bb15 #04: `claim show` and `claims` listed a retracted event in `about`
/// and a retracted claim in `contradicts`, and `claims --about` of a
/// retracted event listed its claims, while a retracted actor is refused.
/// They are left out, and the event is refused as retracted.
#[test]
fn claims_leave_out_a_retracted_event_and_claim_and_about_refuses_the_event() {
    let env = retracted_event_and_claim_env();
    let shown = env.json(["claim", "show", HUNDREDS_CLAIM]);
    assert_eq!(shown["about"], serde_json::json!([]), "{shown}");
    assert_eq!(
        shown["contradicts"],
        serde_json::json!(["ukraine-19500-deported-children"]),
        "{shown}"
    );
    let table = env.run_ok(["claim", "show", HUNDREDS_CLAIM]);
    assert!(
        !table.contains(CHILDREN_EVENT) && !table.contains(MINORS_CLAIM),
        "{table}"
    );
    let listed = env.run_ok(["claims", "--format", "json"]);
    assert!(
        !listed.contains(CHILDREN_EVENT) && !listed.contains(MINORS_CLAIM),
        "{listed}"
    );
    let err = env.fail(2, ["claims", "--about", CHILDREN_EVENT]);
    assert!(
        err.contains(&format!(
            "event {CHILDREN_EVENT} was retracted (misidentified)"
        )),
        "{err}"
    );
    // A live event still lists its claims.
    let about = env.json(["claims", "--about", "2025-10-24-peace-plan-drafted"]);
    assert_eq!(rows(&about).len(), 7, "{about}");
}

/// bb15 #03: after an event and a claim were retracted, the claims CSV
/// still named them in `about` and `contradicts`, while the timeline CSV
/// and the claims CSV leave the records out: into a new database three
/// rows were bad. The claims CSV leaves them out too now; an import into
/// the same database keeps the stored links (importing an export changes
/// nothing), also from an earlier export that names them.
#[test]
fn the_claims_csv_leaves_out_retracted_events_and_claims_and_imports_anywhere() {
    let env = retracted_event_and_claim_env();
    let csv = env.run_ok(["export", "--format", "csv", "--what", "claims"]);
    assert!(
        !csv.contains(CHILDREN_EVENT) && !csv.contains(MINORS_CLAIM),
        "{csv}"
    );
    assert_eq!(
        env.run_ok(["claims", "--format", "csv"]),
        csv,
        "claims --format csv is the claims CSV"
    );
    assert_round_trip(
        &env,
        "claims.csv",
        &["--format", "csv", "--what", "claims"],
        &["--what", "claims"],
    );
    // The claim's links to them stay stored.
    let dump = env.export_ndjson();
    assert!(dump.contains(CHILDREN_EVENT) && dump.contains(MINORS_CLAIM));

    // Into a new database, with the timeline CSV: no bad row.
    env.run_ok(["export", "--format", "csv", "-o", "events.csv"]);
    let other = TestEnv::new();
    other.run_ok(["import", env.path("events.csv").to_str().unwrap()]);
    let (_, stderr) = other.run_ok_with_stderr([
        "import",
        env.path("claims.csv").to_str().unwrap(),
        "--what",
        "claims",
    ]);
    assert!(stderr.contains("13 added, 0 updated"), "{stderr}");
    other.run_ok(["check"]);

    // An export written before this change named them: the same database
    // reads it back unchanged too.
    let old_export = env.write_file(
        "old.csv",
        &format!(
            "id,claimant,text,about,contradicts\n\
             {HUNDREDS_CLAIM},Russia,\"Russia took only hundreds of children, for humanitarian reasons\",{CHILDREN_EVENT},ukraine-19500-deported-children; {MINORS_CLAIM}\n"
        ),
    );
    let (_, stderr) =
        env.run_ok_with_stderr(["import", old_export.to_str().unwrap(), "--what", "claims"]);
    assert!(
        stderr.contains("0 added, 0 updated, 1 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), dump);
}

/// After `retract foo-bar`, `actor add foo-bar` said only that the actor
/// was retracted, where `source add axios` names the spelling to use; and
/// `claim add --id c1` said only "claim id c1 is taken" when a retracted
/// claim held c1. Both now say what holds the spelling and how to go on.
#[test]
fn a_retracted_records_id_is_refused_with_the_way_forward() {
    let env = TestEnv::new().with_now(LATER);
    env.run_ok(["actor", "add", "Foo Bar"]);
    env.run_ok(["actor", "add", "lower", "--id", "lower"]);
    env.run_ok(["actor", "add", "Ann"]);
    env.run_ok(["claim", "add", "--by", "Ann", "--text", "x", "--id", "c1"]);
    env.run_ok([
        "event", "add", "--title", "T", "--date", "2025", "--id", "e1",
    ]);
    env.run_ok(["source", "add", "Wire", "--id", "w1"]);
    for id in ["foo-bar", "lower", "c1", "e1", "w1"] {
        env.run_ok(["retract", id, "--reason", "typo"]);
    }
    let before = env.export_ndjson();
    // A name or alias spelled as a retracted actor's id.
    for (args, spelling) in [
        (&["actor", "add", "foo-bar"][..], "\"Foo Bar\""),
        (
            &["actor", "add", "Someone", "--alias", "foo-bar"][..],
            "\"Foo Bar\"",
        ),
        (&["actor", "add", "lower"][..], "\"Lower\""),
        (&["actor", "alias", "ann", "foo-bar"][..], "\"Foo Bar\""),
        (
            &["actor", "edit", "ann", "--name", "lower"][..],
            "\"Lower\"",
        ),
        (
            &["actor", "edit", "ann", "--add-alias", "foo-bar"][..],
            "\"Foo Bar\"",
        ),
    ] {
        let err = env.fail(2, args);
        assert!(
            err.contains("actor ")
                && err.contains(" was retracted (typo)")
                && err.contains(&format!("name it {spelling}")),
            "{args:?}: {err}"
        );
        testenv::assert_one_error_line(&err);
    }
    // A retracted record's id, given as a new record's.
    for (args, what) in [
        (
            &["claim", "add", "--by", "Ann", "--text", "y", "--id", "c1"][..],
            "claim id c1",
        ),
        (
            &["actor", "add", "Other", "--id", "foo-bar"][..],
            "actor id foo-bar",
        ),
        (
            &[
                "event", "add", "--title", "U", "--date", "2025", "--id", "e1",
            ][..],
            "event id e1",
        ),
        (
            &["source", "add", "Other", "--id", "w1"][..],
            "source id w1",
        ),
    ] {
        let err = env.fail(2, args);
        assert!(
            err.contains(&format!("{what} is taken by a retracted"))
                && err.contains("(typo)")
                && err.contains("give another id"),
            "{args:?}: {err}"
        );
        testenv::assert_one_error_line(&err);
    }
    assert_eq!(
        env.export_ndjson(),
        before,
        "a refused command wrote something"
    );
    // The spelling the error names is free.
    assert_eq!(env.run_ok(["actor", "add", "Foo Bar"]), "foo-bar-2\n");
    assert_eq!(env.run_ok(["actor", "add", "Lower"]), "lower-2\n");
}

/// After `retract wrong-person` and `retract hoax-wire`, `claims` and
/// `contradictions` showed the claimant and the verdict's source as if
/// they were live, and their JSON gave no sign; `claim show` marked only
/// the verdict's source. Every listing now marks them `(retracted)`, and
/// the JSON adds `claimant_retracted` and `verdict_by_retracted`.
#[test]
fn listings_mark_a_retracted_claimant_and_verdict_source() {
    let env = TestEnv::new().with_now(LOADED);
    for args in [
        &["actor", "add", "Wrong Person"][..],
        &["actor", "add", "Anna Real"],
        &["source", "add", "Hoax Wire"],
        &["source", "add", "Reuters"],
        &[
            "claim",
            "add",
            "--by",
            "Wrong Person",
            "--text",
            "It was fine",
            "--date",
            "2025-11",
            "--id",
            "w1",
            "--source",
            "Reuters",
            "--subject",
            "dead",
            "--value",
            "3",
        ],
        &[
            "claim",
            "add",
            "--by",
            "Anna Real",
            "--text",
            "Ten died",
            "--date",
            "2025-11",
            "--id",
            "a1",
            "--source",
            "Reuters",
            "--subject",
            "dead",
            "--value",
            "10",
        ],
        &["claim", "rate", "a1", "confirmed", "--by", "Hoax Wire"],
    ] {
        env.run_ok(args);
    }
    let unmarked = |env: &TestEnv, as_of: &[&str]| {
        let claims = env.json([&["claims"][..], as_of].concat());
        let w1 = rows(&claims).iter().find(|r| r["id"] == "w1").unwrap();
        let a1 = rows(&claims).iter().find(|r| r["id"] == "a1").unwrap();
        assert_eq!(w1["claimant_retracted"], false, "{claims}");
        assert_eq!(a1["verdict_by_retracted"], false, "{claims}");
        let table = env.run_ok([&["claims", "--format", "table"][..], as_of].concat());
        let pairs = env.run_ok([&["contradictions", "--format", "table"][..], as_of].concat());
        assert!(!table.contains("(retracted)") && !pairs.contains("(retracted)"));
    };
    unmarked(&env, &[]);
    for id in ["wrong-person", "hoax-wire"] {
        env.cmd()
            .env("FACTLINE_NOW", RETRACTED)
            .args(["retract", id, "--reason", "misidentified"])
            .assert()
            .success();
    }

    let table = env.run_ok(["claims", "--format", "table"]);
    let line = table.lines().find(|l| l.contains("w1")).unwrap();
    assert!(line.contains("Wrong Person (retracted)"), "{table}");
    let line = table.lines().find(|l| l.contains("a1")).unwrap();
    assert!(!line.contains("(retracted)"), "{table}");
    // JSON: the names as they were, and whether each was retracted.
    let claims = env.json(["claims"]);
    let w1 = rows(&claims).iter().find(|r| r["id"] == "w1").unwrap();
    let a1 = rows(&claims).iter().find(|r| r["id"] == "a1").unwrap();
    assert_eq!(
        (&w1["claimant"], &w1["claimant_retracted"]),
        (&Value::from("Wrong Person"), &Value::from(true))
    );
    assert_eq!(
        (&a1["verdict_by"], &a1["verdict_by_retracted"]),
        (&Value::from("Hoax Wire"), &Value::from(true))
    );
    assert_eq!(a1["claimant_retracted"], false);
    assert_eq!(w1["verdict_by_retracted"], false);

    let pairs = env.run_ok(["contradictions", "--format", "table"]);
    assert!(
        pairs.contains("Wrong Person (retracted) (Nov 2025)"),
        "{pairs}"
    );
    let csv = env.run_ok(["contradictions", "--format", "csv"]);
    assert!(csv.contains(",Wrong Person (retracted),"), "{csv}");
    assert!(!csv.contains("Anna Real (retracted)"), "{csv}");
    let json = env.json(["contradictions"]);
    let row = &rows(&json)[0];
    let (w, a) = match row["a"]["id"] == "w1" {
        true => (&row["a"], &row["b"]),
        false => (&row["b"], &row["a"]),
    };
    assert_eq!(
        (&w["claimant"], &w["claimant_retracted"]),
        (&Value::from("Wrong Person"), &Value::from(true))
    );
    assert_eq!(a["claimant_retracted"], false);

    // `claim show` marks the claimant as it marks the verdict's source.
    let shown = env.json(["claim", "show", "w1"]);
    assert_eq!(shown["claimant"], "Wrong Person (retracted)");
    assert_eq!(shown["claimant_retracted"], true);
    let shown = env.json(["claim", "show", "a1"]);
    assert_eq!(shown["verdict_by"], "Hoax Wire (retracted)");
    assert_eq!(shown["verdict_by_retracted"], true);
    let opposed = shown["contradictions"][0]["claimant_retracted"].clone();
    assert_eq!(opposed, true, "{shown}");
    let text = env.run_ok(["claim", "show", "a1", "--format", "table"]);
    assert!(
        text.contains("w1 (quantity): Wrong Person (retracted), 3"),
        "{text}"
    );
    // The claims CSV still gives them as their ids, for import.
    let csv = env.run_ok(["claims", "--format", "csv"]);
    assert!(
        csv.contains(",wrong-person,") && csv.contains(",hoax-wire,"),
        "{csv}"
    );
    // Before the retraction, nothing is marked.
    unmarked(&env, &["--as-of", BEFORE]);
}
