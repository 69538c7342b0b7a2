//! Integration tests for the ties (roles) that `path --ties` and
//! `network --ties` walk: a dated role ties its two actors only inside a
//! window its span may overlap, and the path shows the span.

mod testenv;

use serde_json::Value;
use testenv::TestEnv;

/// Ukraine with three ministers: one who left in 2021, one appointed in
/// 2025, one still in office since 2019, and an envoy whose role has no
/// recorded span.
fn ministers() -> TestEnv {
    let env = TestEnv::new();
    env.run_ok(["-q", "actor", "add", "Ukraine", "--kind", "country"]);
    for (name, role) in [
        ("Old Minister", "Minister @ Ukraine | 2020/2021"),
        ("New Minister", "Minister @ Ukraine | 2025"),
        ("Long Minister", "Minister @ Ukraine | 2019/.."),
        ("Envoy", "Envoy @ Ukraine"),
    ] {
        env.run_ok(["-q", "actor", "add", name, "--role", role]);
    }
    env
}

fn ids(rows: &Value) -> Vec<String> {
    rows.as_array()
        .expect("a JSON array")
        .iter()
        .map(|row| row["id"].as_str().expect("an id").to_string())
        .collect()
}

#[test]
fn a_role_over_before_the_window_is_not_walked_by_path() {
    let env = ministers();
    let err = env.fail(
        1,
        [
            "path",
            "Old Minister",
            "New Minister",
            "--ties",
            "--from",
            "2025-06",
            "--to",
            "2025-12",
        ],
    );
    assert!(err.contains("no path"), "{err}");
    // A window the old role overlaps lets it be walked again.
    let hops = env.json([
        "path",
        "Old Minister",
        "New Minister",
        "--ties",
        "--from",
        "2021-06",
    ]);
    assert_eq!(hops.as_array().unwrap().len(), 2, "{hops}");
}

#[test]
fn path_rows_show_the_span_of_each_role() {
    let env = ministers();
    let hops = env.json(["path", "Old Minister", "New Minister", "--ties"]);
    let hops = hops.as_array().unwrap();
    assert_eq!(hops.len(), 2, "{hops:?}");
    assert_eq!(hops[0]["tie"], "role");
    assert_eq!(hops[0]["date"], "2020/2021", "{hops:?}");
    assert_eq!(hops[1]["date"], "2025", "{hops:?}");
    // The CSV date column carries the span too.
    let csv = env.run_ok([
        "path",
        "Old Minister",
        "New Minister",
        "--ties",
        "--format",
        "csv",
    ]);
    assert!(csv.contains(",2020/2021,"), "{csv}");
    // A role with no span: an empty date, as before.
    let hops = env.json(["path", "Envoy", "Ukraine", "--ties"]);
    assert_eq!(hops[0]["date"], Value::Null, "{hops}");
}

#[test]
fn network_walks_only_roles_that_may_overlap_the_window() {
    let env = ministers();
    // 2025: the new and the long-serving ministers, and the envoy (no span).
    let members = env.json(["network", "Ukraine", "--ties", "--from", "2025-06"]);
    assert_eq!(
        ids(&members),
        ["envoy", "long-minister", "new-minister"],
        "{members}"
    );
    let members = env.json(["network", "Ukraine", "--ties", "--to", "2021"]);
    assert_eq!(
        ids(&members),
        ["envoy", "long-minister", "old-minister"],
        "{members}"
    );
    // No window: every role.
    let members = env.json(["network", "Ukraine", "--ties"]);
    assert_eq!(ids(&members).len(), 4, "{members}");
    // From the old minister's side: nothing in 2025.
    let out = env.output([
        "network",
        "Old Minister",
        "--ties",
        "--from",
        "2025-06",
        "--format",
        "json",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("new-minister"), "{text}");
}
