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
