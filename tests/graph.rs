//! Integration tests for the graph queries: `who-met`, `path` and `network`
//! (and the `counterparts` of `actor show`), first on the bundled example,
//! then on a generated graph checked against a plain reference
//! implementation written here (no factline code); and the full graph
//! export (DOT, GraphML, GEXF) read back as Graphviz and XML readers do.

mod testenv;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::Value;
use testenv::{assert_one_error_line, TestEnv};

// ---------------------------------------------------------------------------
// Helpers

/// An environment with the bundled example loaded.
fn example_env() -> TestEnv {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    env
}

/// The rows of a JSON array.
fn rows(value: &Value) -> &Vec<Value> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a JSON array: {value}"))
}

/// A string field of a row.
fn field<'v>(row: &'v Value, name: &str) -> &'v str {
    row[name]
        .as_str()
        .unwrap_or_else(|| panic!("field {name:?} is not a string in {row}"))
}

/// A number field of a row.
fn number(row: &Value, name: &str) -> u64 {
    row[name]
        .as_u64()
        .unwrap_or_else(|| panic!("field {name:?} is not a number in {row}"))
}

/// Asserts a row is an object with exactly these keys.
fn assert_keys(row: &Value, keys: &[&str]) {
    let got: BTreeSet<&str> = row
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {row}"))
        .keys()
        .map(String::as_str)
        .collect();
    let want: BTreeSet<&str> = keys.iter().copied().collect();
    assert_eq!(got, want, "fields of {row}");
}

/// `(b, event)` of each who-met row, in order.
fn met_pairs(value: &Value) -> Vec<(String, String)> {
    rows(value)
        .iter()
        .map(|r| (field(r, "b").to_string(), field(r, "event").to_string()))
        .collect()
}

const MET_FIELDS: &[&str] = &["a", "b", "event", "date", "title", "status"];
const HOP_FIELDS: &[&str] = &["step", "from", "to", "tie", "event", "date", "detail"];
const MEMBER_FIELDS: &[&str] = &["id", "name", "distance", "meetings"];

// ---------------------------------------------------------------------------
// A. The example

#[test]
fn who_met_witkoff_lists_meetings_that_happened_in_date_order() {
    let env = example_env();
    let out = env.json(["who-met", "witkoff"]);
    for row in rows(&out) {
        assert_keys(row, MET_FIELDS);
        assert_eq!(field(row, "a"), "Steve Witkoff");
        assert!(
            ["occurred", "reported"].contains(&field(row, "status")),
            "only meetings that happened: {row}"
        );
    }
    let pairs = met_pairs(&out);
    let dmitriev: BTreeSet<&str> = pairs
        .iter()
        .filter(|(b, _)| b == "Kirill Dmitriev")
        .map(|(_, e)| e.as_str())
        .collect();
    assert_eq!(
        dmitriev,
        BTreeSet::from(["2025-10-24-miami-talks", "2025-saint-petersburg-meeting"])
    );
    assert_eq!(
        pairs.iter().filter(|(b, _)| b == "Kirill Dmitriev").count(),
        2
    );
    assert!(pairs.iter().any(|(b, _)| b == "Rustem Umerov"), "{out}");
    assert!(
        !pairs.iter().any(|(b, _)| b == "Volodymyr Zelenskyy"),
        "the postponed Türkiye meeting did not happen: {out}"
    );
    // The report and the drafting (kinds report and other) are not meetings.
    assert_eq!(pairs.len(), 3, "{out}");
    // Timeline order: `2025/2025-11-20` starts on 1 Jan 2025, before 24 Oct
    // and 17 Nov.
    let events: Vec<&str> = pairs.iter().map(|(_, e)| e.as_str()).collect();
    assert_eq!(
        events,
        [
            "2025-saint-petersburg-meeting",
            "2025-10-24-miami-talks",
            "2025-11-umerov-witkoff-miami",
        ]
    );
    let dates: Vec<&str> = rows(&out).iter().map(|r| field(r, "date")).collect();
    assert_eq!(
        dates,
        [
            "2025/2025-11-20",
            "2025-10-24/2025-10-26",
            "2025-11-17/2025-11-19"
        ]
    );
}

#[test]
fn who_met_trump_includes_putin_in_alaska() {
    let env = example_env();
    let out = env.json(["who-met", "trump"]);
    let row = rows(&out)
        .iter()
        .find(|r| field(r, "b") == "Vladimir Putin")
        .unwrap_or_else(|| panic!("Trump met Putin: {out}"));
    assert_eq!(field(row, "a"), "Donald Trump");
    assert_eq!(field(row, "event"), "2025-08-alaska-summit");
    assert_eq!(field(row, "date"), "2025-08");
    assert_eq!(field(row, "status"), "occurred");
    // The table names them too.
    let table = env.run_ok(["who-met", "trump"]);
    assert!(table.contains("Vladimir Putin"), "{table}");
}

#[test]
fn who_met_planned_lists_the_postponed_meeting_only() {
    let env = example_env();
    let out = env.json(["who-met", "--planned", "witkoff"]);
    assert_eq!(rows(&out).len(), 1, "{out}");
    let row = &rows(&out)[0];
    assert_keys(row, MET_FIELDS);
    assert_eq!(field(row, "a"), "Steve Witkoff");
    assert_eq!(field(row, "b"), "Volodymyr Zelenskyy");
    assert_eq!(field(row, "event"), "2025-11-19-witkoff-zelenskyy-turkiye");
    assert_eq!(field(row, "status"), "postponed");
}

#[test]
fn who_met_summary_has_one_row_per_pair() {
    let env = example_env();
    let out = env.json(["who-met", "--summary"]);
    let mut pairs = BTreeSet::new();
    for row in rows(&out) {
        assert_keys(row, &["a", "b", "meetings", "first", "last"]);
        let mut pair = [field(row, "a"), field(row, "b")];
        pair.sort();
        assert!(pairs.insert(pair), "pair listed twice: {out}");
    }
    let find = |x: &str, y: &str| {
        rows(&out)
            .iter()
            .find(|r| {
                let (a, b) = (field(r, "a"), field(r, "b"));
                (a == x && b == y) || (a == y && b == x)
            })
            .unwrap_or_else(|| panic!("no row for {x} and {y}: {out}"))
            .clone()
    };
    let wd = find("Steve Witkoff", "Kirill Dmitriev");
    assert_eq!(number(&wd, "meetings"), 2);
    assert_eq!(field(&wd, "first"), "2025/2025-11-20");
    assert_eq!(field(&wd, "last"), "2025-10-24/2025-10-26");
    let tp = find("Donald Trump", "Vladimir Putin");
    assert_eq!(number(&tp, "meetings"), 1);
    assert_eq!(field(&tp, "first"), "2025-08");
    assert_eq!(field(&tp, "last"), "2025-08");
    let uw = find("Rustem Umerov", "Steve Witkoff");
    assert_eq!(number(&uw, "meetings"), 1);
    assert_eq!(pairs.len(), 3, "{out}");
    // Most meetings first.
    assert_eq!(number(&rows(&out)[0], "meetings"), 2);
    // The counts add up to the rows of the plain listing.
    let all = env.json(["who-met"]);
    let total: u64 = rows(&out).iter().map(|r| number(r, "meetings")).sum();
    assert_eq!(total as usize, rows(&all).len(), "{all}");
}

#[test]
fn who_met_window_keeps_meetings_that_may_overlap_it() {
    let env = example_env();
    // October 2025 overlaps `2025` (Saint Petersburg) and 24–26 Oct (Miami),
    // not 17–19 Nov (Umerov).
    let out = env.json(["who-met", "witkoff", "--from", "2025-10", "--to", "2025-10"]);
    let events: Vec<String> = met_pairs(&out).into_iter().map(|(_, e)| e).collect();
    assert_eq!(
        events,
        ["2025-saint-petersburg-meeting", "2025-10-24-miami-talks"],
        "{out}"
    );
    // November 2025 overlaps `2025` and 17–19 Nov, not the Miami talks.
    let out = env.json(["who-met", "witkoff", "--from", "2025-11", "--to", "2025-11"]);
    let events: Vec<String> = met_pairs(&out).into_iter().map(|(_, e)| e).collect();
    assert_eq!(
        events,
        [
            "2025-saint-petersburg-meeting",
            "2025-11-umerov-witkoff-miami"
        ],
        "{out}"
    );
    // 2024 overlaps none of them.
    let out = env.json(["who-met", "witkoff", "--from", "2024-01", "--to", "2024-12"]);
    assert!(rows(&out).is_empty(), "{out}");
}

#[test]
fn empty_windows_and_zero_counts_are_refused_not_answered_with_nothing() {
    let env = example_env();
    let before = env.export_ndjson();
    // A window that ends before it starts held whatever spanned the gap.
    for command in [
        &["who-met", "witkoff", "--from", "2025-12", "--to", "2025-01"][..],
        &["timeline", "--from", "2025-12", "--to", "2025-01"],
        &[
            "export", "--format", "csv", "--from", "2025-12", "--to", "2025-01",
        ],
    ] {
        let err = env.fail(2, command);
        assert_one_error_line(&err);
        assert!(err.contains("is after --to"), "{err}");
    }
    // Zero hops or results printed nothing, which read as "nothing found".
    env.fail(2, ["network", "witkoff", "--hops", "0"]);
    env.fail(2, ["path", "umerov", "dmitriev", "--max-hops", "0"]);
    env.fail(2, ["search", "talks", "--limit", "0"]);
    // A one-day window is not inverted.
    assert!(!rows(&env.json([
        "who-met",
        "witkoff",
        "--from",
        "2025-10-24",
        "--to",
        "2025-10-24"
    ]))
    .is_empty());
    assert_eq!(env.export_ndjson(), before);
}

#[test]
fn path_umerov_dmitriev_goes_through_witkoff() {
    let env = example_env();
    let all = env.json(["who-met"]);
    let titles: BTreeMap<&str, (&str, &str)> = rows(&all)
        .iter()
        .map(|r| (field(r, "event"), (field(r, "date"), field(r, "title"))))
        .collect();
    let out = env.json(["path", "umerov", "dmitriev"]);
    let hops = rows(&out);
    assert_eq!(hops.len(), 2, "{out}");
    for (i, hop) in hops.iter().enumerate() {
        assert_keys(hop, HOP_FIELDS);
        assert_eq!(number(hop, "step"), i as u64 + 1);
        assert_eq!(field(hop, "tie"), "meeting");
        let event = field(hop, "event");
        let (date, title) = titles[event];
        assert_eq!(field(hop, "date"), date);
        assert_eq!(field(hop, "detail"), title);
    }
    assert_eq!(field(&hops[0], "from"), "Rustem Umerov");
    assert_eq!(field(&hops[0], "to"), "Steve Witkoff");
    assert_eq!(field(&hops[0], "event"), "2025-11-umerov-witkoff-miami");
    assert_eq!(field(&hops[1], "from"), "Steve Witkoff");
    assert_eq!(field(&hops[1], "to"), "Kirill Dmitriev");
    assert!(
        ["2025-saint-petersburg-meeting", "2025-10-24-miami-talks"]
            .contains(&field(&hops[1], "event")),
        "{out}"
    );
}

#[test]
fn path_zelensky_putin_needs_ties() {
    let env = example_env();
    let stderr = env.fail(1, ["path", "zelensky", "putin"]);
    assert_one_error_line(&stderr);
    let out = env.json(["path", "zelensky", "putin", "--ties"]);
    let hops = rows(&out);
    assert!(!hops.is_empty(), "{out}");
    assert_eq!(field(&hops[0], "from"), "Volodymyr Zelenskyy");
    assert_eq!(field(hops.last().unwrap(), "to"), "Vladimir Putin");
    for (i, hop) in hops.iter().enumerate() {
        assert_keys(hop, HOP_FIELDS);
        assert_eq!(number(hop, "step"), i as u64 + 1);
        if i > 0 {
            assert_eq!(field(hop, "from"), field(&hops[i - 1], "to"), "{out}");
        }
        match field(hop, "tie") {
            "role" => {
                assert!(hop["event"].is_null(), "{hop}");
                // The role's span, where one is recorded.
                assert!(hop["date"].is_null() || hop["date"].is_string(), "{hop}");
            }
            "meeting" => assert!(hop["event"].is_string(), "{hop}"),
            other => panic!("unknown tie {other}: {hop}"),
        }
    }
    assert!(
        hops.iter().any(|h| field(h, "tie") == "role"),
        "some hop is a role: {out}"
    );
}

#[test]
fn network_of_witkoff() {
    let env = example_env();
    let out = env.json(["network", "witkoff", "--hops", "1"]);
    for row in rows(&out) {
        assert_keys(row, MEMBER_FIELDS);
        assert_ne!(field(row, "id"), "steve-witkoff", "the centre is no member");
    }
    let member = |out: &Value, id: &str| {
        rows(out)
            .iter()
            .find(|r| field(r, "id") == id)
            .unwrap_or_else(|| panic!("{id} is in the network: {out}"))
            .clone()
    };
    let dmitriev = member(&out, "kirill-dmitriev");
    assert_eq!(field(&dmitriev, "name"), "Kirill Dmitriev");
    assert_eq!(number(&dmitriev, "distance"), 1);
    assert_eq!(number(&dmitriev, "meetings"), 2);
    let umerov = member(&out, "rustem-umerov");
    assert_eq!(number(&umerov, "distance"), 1);
    assert_eq!(number(&umerov, "meetings"), 1);

    let out = env.json(["network", "witkoff", "--hops", "2"]);
    assert!(
        !rows(&out)
            .iter()
            .any(|r| field(r, "id") == "volodymyr-zelenskyy"),
        "the postponed meeting does not tie Zelenskyy: {out}"
    );
    assert_eq!(number(&member(&out, "kirill-dmitriev"), "distance"), 1);
}

#[test]
fn actor_show_lists_dmitriev_first_among_counterparts() {
    let env = example_env();
    let out = env.json(["actor", "show", "witkoff"]);
    let counterparts = out["counterparts"]
        .as_array()
        .unwrap_or_else(|| panic!("counterparts is a list: {out}"));
    assert!(!counterparts.is_empty(), "{out}");
    let first = counterparts[0].as_str().expect("a string");
    assert!(first.starts_with("Kirill Dmitriev"), "{out}");
    assert!(
        counterparts
            .iter()
            .any(|c| c.as_str().unwrap().starts_with("Rustem Umerov")),
        "{out}"
    );
    assert!(
        !counterparts
            .iter()
            .any(|c| c.as_str().unwrap().starts_with("Volodymyr Zelenskyy")),
        "{out}"
    );
}

fn add_event(env: &TestEnv, id: &str, kind: &str, status: &str, actors: &[&str]) {
    let mut args = vec![
        "event",
        "add",
        "--id",
        id,
        "--title",
        id,
        "--date",
        "2025-11-01",
        "--kind",
        kind,
        "--status",
        status,
    ];
    for a in actors {
        args.push("--actor");
        args.push(a);
    }
    env.run_ok(args);
}

fn met_ids(env: &TestEnv, args: &[&str]) -> BTreeSet<(String, String)> {
    met_pairs(&env.json(args)).into_iter().collect()
}

#[test]
fn a_cancelled_meeting_disappears_from_who_met_and_path() {
    let env = example_env();
    add_event(
        &env,
        "zelenskyy-putin-test-meeting",
        "meeting",
        "occurred",
        &["volodymyr-zelenskyy", "vladimir-putin"],
    );
    let pair = (
        "Vladimir Putin".to_string(),
        "zelenskyy-putin-test-meeting".to_string(),
    );
    assert!(met_ids(&env, &["who-met", "zelensky"]).contains(&pair));
    let out = env.json(["path", "zelensky", "putin"]);
    assert_eq!(rows(&out).len(), 1, "{out}");
    assert_eq!(
        field(&rows(&out)[0], "event"),
        "zelenskyy-putin-test-meeting"
    );

    env.run_ok(["event", "cancel", "zelenskyy-putin-test-meeting"]);
    assert!(!met_ids(&env, &["who-met", "zelensky"]).contains(&pair));
    let stderr = env.fail(1, ["path", "zelensky", "putin"]);
    assert_one_error_line(&stderr);
    let out = env.json(["network", "zelensky"]);
    assert!(
        !rows(&out)
            .iter()
            .any(|r| field(r, "id") == "vladimir-putin"),
        "{out}"
    );
    // It is now a planned (cancelled) meeting.
    let out = env.json(["who-met", "--planned", "zelensky"]);
    let row = rows(&out)
        .iter()
        .find(|r| field(r, "event") == "zelenskyy-putin-test-meeting")
        .unwrap_or_else(|| panic!("the cancelled meeting is planned: {out}"));
    assert_eq!(field(row, "status"), "cancelled");
}

#[test]
fn reported_meetings_count_and_calls_only_with_include_calls() {
    let env = example_env();
    add_event(
        &env,
        "zakharova-umerov-reported-talks",
        "talks",
        "reported",
        &["maria-zakharova", "rustem-umerov"],
    );
    add_event(
        &env,
        "melania-zakharova-call",
        "call",
        "occurred",
        &["melania-trump", "maria-zakharova"],
    );
    add_event(
        &env,
        "melania-umerov-statement",
        "statement",
        "occurred",
        &["melania-trump", "rustem-umerov"],
    );
    let reported = (
        "Rustem Umerov".to_string(),
        "zakharova-umerov-reported-talks".to_string(),
    );
    let call = (
        "Maria Zakharova".to_string(),
        "melania-zakharova-call".to_string(),
    );
    assert!(met_ids(&env, &["who-met", "zakharova"]).contains(&reported));
    let out = env.json(["who-met", "zakharova"]);
    let row = rows(&out)
        .iter()
        .find(|r| field(r, "event") == "zakharova-umerov-reported-talks")
        .unwrap();
    assert_eq!(field(row, "status"), "reported");
    // A reported meeting ties them for path and network too.
    let out = env.json(["path", "zakharova", "witkoff"]);
    assert_eq!(rows(&out).len(), 2, "{out}");

    assert!(met_ids(&env, &["who-met", "melania-trump"]).is_empty());
    let with_calls = met_ids(&env, &["who-met", "melania-trump", "--include-calls"]);
    assert_eq!(with_calls, BTreeSet::from([call]));
    // Paths walk meetings only.
    env.fail(1, ["path", "melania-trump", "zakharova"]);
}

#[test]
fn edited_meetings_are_followed_by_who_met_path_and_network() {
    let env = example_env();
    add_event(
        &env,
        "three-way-meeting",
        "meeting",
        "occurred",
        &["maria-zakharova", "rustem-umerov", "melania-trump"],
    );
    let names = |args: &[&str]| -> BTreeSet<String> {
        met_pairs(&env.json(args))
            .into_iter()
            .map(|(b, _)| b)
            .collect()
    };
    assert_eq!(
        names(&["who-met", "zakharova"]),
        BTreeSet::from(["Melania Trump".to_string(), "Rustem Umerov".to_string()])
    );
    // Dropping a participant unties them.
    env.run_ok([
        "event",
        "edit",
        "three-way-meeting",
        "--remove-actor",
        "melania-trump",
    ]);
    assert_eq!(
        names(&["who-met", "zakharova"]),
        BTreeSet::from(["Rustem Umerov".to_string()])
    );
    assert!(names(&["who-met", "melania-trump"]).is_empty());
    env.fail(1, ["path", "melania-trump", "umerov"]);
    // A statement is no meeting.
    env.run_ok(["event", "edit", "three-way-meeting", "--kind", "statement"]);
    assert!(names(&["who-met", "zakharova"]).is_empty());
    env.fail(1, ["path", "zakharova", "umerov"]);
    // Talks on a new date count again, in windows around the new date only.
    env.run_ok([
        "event",
        "edit",
        "three-way-meeting",
        "--kind",
        "talks",
        "--date",
        "2024-03-03",
    ]);
    let in_2024 = [
        "who-met",
        "zakharova",
        "--from",
        "2024-01",
        "--to",
        "2024-12",
    ];
    assert_eq!(
        names(&in_2024),
        BTreeSet::from(["Rustem Umerov".to_string()])
    );
    let in_nov = [
        "who-met",
        "zakharova",
        "--from",
        "2025-11",
        "--to",
        "2025-11",
    ];
    assert!(names(&in_nov).is_empty());
    let out = env.json(["network", "zakharova", "--hops", "2"]);
    let members: BTreeMap<&str, u64> = rows(&out)
        .iter()
        .map(|r| (field(r, "id"), number(r, "distance")))
        .collect();
    assert_eq!(members.get("rustem-umerov"), Some(&1), "{out}");
    assert_eq!(members.get("steve-witkoff"), Some(&2), "{out}");
    let out = env.json([
        "network",
        "zakharova",
        "--from",
        "2025-01",
        "--to",
        "2025-12",
    ]);
    assert!(
        rows(&out).is_empty(),
        "no meeting of Zakharova's in 2025: {out}"
    );
}

#[test]
fn one_sided_windows_are_open_on_the_other_side() {
    let env = example_env();
    let events = |args: &[&str]| -> Vec<String> {
        met_pairs(&env.json(args))
            .into_iter()
            .map(|(_, e)| e)
            .collect()
    };
    // Only the Saint Petersburg meeting (`2025/2025-11-20`, no later than
    // the digest) may fall on 20 November 2025 or later.
    assert_eq!(
        events(&["who-met", "witkoff", "--from", "2025-11-20"]),
        ["2025-saint-petersburg-meeting"]
    );
    // Only it may fall in January 2025 or earlier.
    assert_eq!(
        events(&["who-met", "witkoff", "--to", "2025-01"]),
        ["2025-saint-petersburg-meeting"]
    );
    assert_eq!(
        events(&["who-met", "witkoff", "--from", "2025-11-18"]),
        [
            "2025-saint-petersburg-meeting",
            "2025-11-umerov-witkoff-miami"
        ]
    );
}

// ---------------------------------------------------------------------------
// B. A generated graph against a reference implementation

/// A small deterministic generator (Knuth's MMIX LCG).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const ACTORS: usize = 40;
const EVENTS: usize = 150;
const KINDS: &[&str] = &["meeting", "talks", "call", "statement"];
const STATUSES: &[&str] = &[
    "occurred",
    "reported",
    "scheduled",
    "postponed",
    "cancelled",
];
const WINDOW: (&str, &str) = ("2022-01-01", "2023-12-31");

struct Ev {
    id: String,
    title: String,
    date: String,
    kind: &'static str,
    status: &'static str,
    actors: Vec<usize>,
}

fn actor_id(i: usize) -> String {
    format!("a{i:02}")
}

fn actor_name(i: usize) -> String {
    format!("Actor {i:02}")
}

fn actor_index(name: &str) -> usize {
    name.strip_prefix("Actor ")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a generated actor name: {name}"))
}

fn generate(seed: u64) -> Vec<Ev> {
    let mut rng = Lcg(seed);
    let mut events: Vec<Ev> = Vec::with_capacity(EVENTS);
    for i in 0..EVENTS {
        // One event in five brings an earlier event's actors together again,
        // so that some pairs meet more than once.
        let actors = if i > 0 && rng.below(5) == 0 {
            let mut actors = events[rng.below(i)].actors.clone();
            actors.rotate_left(1);
            actors
        } else {
            let n = 2 + rng.below(3);
            let mut actors = Vec::new();
            while actors.len() < n {
                let a = rng.below(ACTORS);
                if !actors.contains(&a) {
                    actors.push(a);
                }
            }
            actors
        };
        {
            let date = format!(
                "{}-{:02}-{:02}",
                2020 + rng.below(6),
                1 + rng.below(12),
                1 + rng.below(28)
            );
            events.push(Ev {
                id: format!("e{i:03}"),
                title: format!("Event {i}"),
                date,
                kind: KINDS[rng.below(KINDS.len())],
                status: STATUSES[rng.below(STATUSES.len())],
                actors,
            });
        }
    }
    events
}

fn ndjson(events: &[Ev]) -> String {
    let meta = serde_json::json!({"version": 1, "recorded_at": "2025-11-20T12:00:00Z"});
    let mut out =
        String::from("{\"type\":\"header\",\"format\":\"factline-ndjson\",\"version\":1}\n");
    for i in 0..ACTORS {
        let line = serde_json::json!({
            "type": "actor", "id": actor_id(i), "name": actor_name(i), "kind": "person",
            "aliases": [], "description": "", "roles": [], "meta": meta,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    for e in events {
        let actors: Vec<String> = e.actors.iter().map(|&a| actor_id(a)).collect();
        let line = serde_json::json!({
            "type": "event", "id": e.id, "title": e.title, "date": e.date, "kind": e.kind,
            "status": e.status, "place": null, "actors": actors, "sources": [], "tags": [],
            "description": "", "meta": meta,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

/// The generated graph loaded into a fresh database.
fn generated_env(seed: u64) -> (TestEnv, Vec<Ev>) {
    let events = generate(seed);
    let env = TestEnv::new();
    let file = env.write_file("generated.ndjson", &ndjson(&events));
    env.run_ok([std::ffi::OsStr::new("import"), file.as_os_str()]);
    (env, events)
}

/// The reference meeting rules.
#[derive(Clone, Copy)]
struct Rules {
    include_calls: bool,
    planned: bool,
    window: Option<(&'static str, &'static str)>,
}

const MEETINGS: Rules = Rules {
    include_calls: false,
    planned: false,
    window: None,
};

impl Rules {
    fn admits(&self, e: &Ev) -> bool {
        let kind =
            e.kind == "meeting" || e.kind == "talks" || (self.include_calls && e.kind == "call");
        let happened = e.status == "occurred" || e.status == "reported";
        // Day dates: overlapping the window means lying inside it.
        let inside = self
            .window
            .is_none_or(|(from, to)| from <= e.date.as_str() && e.date.as_str() <= to);
        kind && happened != self.planned && inside
    }

    /// The command-line options for these rules.
    fn args(&self) -> Vec<&'static str> {
        let mut args = Vec::new();
        if self.include_calls {
            args.push("--include-calls");
        }
        if self.planned {
            args.push("--planned");
        }
        if let Some((from, to)) = self.window {
            args.extend(["--from", from, "--to", to]);
        }
        args
    }
}

/// Reference who-met rows of `x`: (b name, event, date, status), in
/// timeline order (date, event id), then by the other's id.
fn ref_who_met(events: &[Ev], rules: Rules, x: usize) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    for e in events
        .iter()
        .filter(|e| rules.admits(e) && e.actors.contains(&x))
    {
        let mut others: Vec<usize> = e.actors.iter().copied().filter(|&a| a != x).collect();
        others.sort();
        for o in others {
            out.push((
                e.date.clone(),
                e.id.clone(),
                o,
                (
                    actor_name(o),
                    e.id.clone(),
                    e.date.clone(),
                    e.status.to_string(),
                ),
            ));
        }
    }
    out.sort_by(|a, b| (&a.0, &a.1, a.2).cmp(&(&b.0, &b.1, b.2)));
    out.into_iter().map(|r| r.3).collect()
}

/// Reference adjacency: for each actor, its neighbours and the number of
/// meetings they share.
fn adjacency(events: &[Ev], rules: Rules) -> Vec<BTreeMap<usize, usize>> {
    let mut adj = vec![BTreeMap::new(); ACTORS];
    for e in events.iter().filter(|e| rules.admits(e)) {
        for &a in &e.actors {
            for &b in &e.actors {
                if a != b {
                    *adj[a].entry(b).or_insert(0) += 1;
                }
            }
        }
    }
    adj
}

/// Reference breadth-first distances from `start`.
fn bfs(adj: &[BTreeMap<usize, usize>], start: usize) -> Vec<Option<usize>> {
    let mut dist = vec![None; adj.len()];
    dist[start] = Some(0);
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        let d = dist[n].unwrap();
        for &m in adj[n].keys() {
            if dist[m].is_none() {
                dist[m] = Some(d + 1);
                queue.push_back(m);
            }
        }
    }
    dist
}

/// Reference network of `centre`: (id, distance, meetings) by distance then id.
fn ref_network(events: &[Ev], rules: Rules, centre: usize, hops: usize) -> Vec<(String, u64, u64)> {
    let adj = adjacency(events, rules);
    let dist = bfs(&adj, centre);
    let mut out = Vec::new();
    for (n, d) in dist.iter().enumerate() {
        let Some(d) = *d else { continue };
        if n == centre || d > hops {
            continue;
        }
        let meetings: usize = adj[n]
            .iter()
            .filter(|(m, _)| dist[**m] == Some(d - 1))
            .map(|(_, count)| count)
            .sum();
        out.push((d as u64, actor_id(n), meetings as u64));
    }
    out.sort();
    out.into_iter().map(|(d, id, m)| (id, d, m)).collect()
}

fn who_met_rows(out: &Value, x: usize) -> Vec<(String, String, String, String)> {
    rows(out)
        .iter()
        .map(|r| {
            assert_keys(r, MET_FIELDS);
            assert_eq!(field(r, "a"), actor_name(x), "{r}");
            let event = field(r, "event");
            let title = format!("Event {}", event[1..].parse::<usize>().unwrap());
            assert_eq!(field(r, "title"), title, "{r}");
            (
                field(r, "b").to_string(),
                event.to_string(),
                field(r, "date").to_string(),
                field(r, "status").to_string(),
            )
        })
        .collect()
}

fn check_who_met(env: &TestEnv, events: &[Ev], rules: Rules) {
    let mut nonempty = 0;
    for x in 0..ACTORS {
        let id = actor_id(x);
        let mut args = vec!["who-met", id.as_str()];
        args.extend(rules.args());
        let got = who_met_rows(&env.json(&args), x);
        let want = ref_who_met(events, rules, x);
        assert_eq!(got, want, "factline {args:?}");
        nonempty += usize::from(!want.is_empty());
    }
    assert!(nonempty > 0, "the generated graph has meetings");
}

#[test]
fn generated_who_met_matches_the_reference() {
    let (env, events) = generated_env(1);
    check_who_met(&env, &events, MEETINGS);
}

#[test]
fn generated_who_met_in_a_window_matches_the_reference() {
    let (env, events) = generated_env(1);
    check_who_met(
        &env,
        &events,
        Rules {
            window: Some(WINDOW),
            ..MEETINGS
        },
    );
}

#[test]
fn generated_who_met_planned_and_with_calls_match_the_reference() {
    let (env, events) = generated_env(1);
    check_who_met(
        &env,
        &events,
        Rules {
            planned: true,
            ..MEETINGS
        },
    );
    check_who_met(
        &env,
        &events,
        Rules {
            include_calls: true,
            ..MEETINGS
        },
    );
}

#[test]
fn generated_who_met_of_everyone_and_summary_match_the_reference() {
    let (env, events) = generated_env(1);
    // Every pair of every meeting, in timeline order, pairs by id.
    let mut want = Vec::new();
    let mut sorted: Vec<&Ev> = events.iter().filter(|e| MEETINGS.admits(e)).collect();
    sorted.sort_by(|a, b| (&a.date, &a.id).cmp(&(&b.date, &b.id)));
    let mut summary: BTreeMap<(usize, usize), (u64, String, String)> = BTreeMap::new();
    for e in sorted {
        let mut actors = e.actors.clone();
        actors.sort();
        for (i, &a) in actors.iter().enumerate() {
            for &b in &actors[i + 1..] {
                want.push((actor_name(a), actor_name(b), e.id.clone()));
                let s = summary
                    .entry((a, b))
                    .or_insert((0, e.date.clone(), e.date.clone()));
                s.0 += 1;
                s.1 = s.1.clone().min(e.date.clone());
                s.2 = s.2.clone().max(e.date.clone());
            }
        }
    }
    let out = env.json(["who-met"]);
    let got: Vec<(String, String, String)> = rows(&out)
        .iter()
        .map(|r| {
            (
                field(r, "a").to_string(),
                field(r, "b").to_string(),
                field(r, "event").to_string(),
            )
        })
        .collect();
    assert_eq!(got, want);

    let mut want: Vec<(u64, String, String, String, String)> = summary
        .into_iter()
        .map(|((a, b), (n, first, last))| (n, actor_name(a), actor_name(b), first, last))
        .collect();
    want.sort_by(|x, y| y.0.cmp(&x.0).then_with(|| (&x.1, &x.2).cmp(&(&y.1, &y.2))));
    let out = env.json(["who-met", "--summary"]);
    let got: Vec<(u64, String, String, String, String)> = rows(&out)
        .iter()
        .map(|r| {
            (
                number(r, "meetings"),
                field(r, "a").to_string(),
                field(r, "b").to_string(),
                field(r, "first").to_string(),
                field(r, "last").to_string(),
            )
        })
        .collect();
    assert_eq!(got, want);
}

fn check_network(env: &TestEnv, events: &[Ev], rules: Rules, hops: usize) {
    let hops_arg = hops.to_string();
    for x in 0..ACTORS {
        let id = actor_id(x);
        let mut args = vec!["network", id.as_str(), "--hops", hops_arg.as_str()];
        args.extend(rules.args());
        let out = env.json(&args);
        let got: Vec<(String, u64, u64)> = rows(&out)
            .iter()
            .map(|r| {
                assert_keys(r, MEMBER_FIELDS);
                assert_eq!(field(r, "name"), actor_name(actor_index(field(r, "name"))));
                assert_eq!(field(r, "id"), actor_id(actor_index(field(r, "name"))));
                (
                    field(r, "id").to_string(),
                    number(r, "distance"),
                    number(r, "meetings"),
                )
            })
            .collect();
        let want = ref_network(events, rules, x, hops);
        let got_set: BTreeSet<(String, u64)> =
            got.iter().map(|(id, d, _)| (id.clone(), *d)).collect();
        let want_set: BTreeSet<(String, u64)> =
            want.iter().map(|(id, d, _)| (id.clone(), *d)).collect();
        assert_eq!(got_set, want_set, "members of factline {args:?}");
        assert_eq!(got, want, "factline {args:?} (id, distance, meetings)");
    }
}

#[test]
fn generated_network_matches_the_reference() {
    let (env, events) = generated_env(1);
    check_network(&env, &events, MEETINGS, 2);
}

#[test]
fn generated_network_in_a_window_matches_the_reference() {
    let (env, events) = generated_env(1);
    check_network(
        &env,
        &events,
        Rules {
            window: Some(WINDOW),
            ..MEETINGS
        },
        2,
    );
}

#[test]
fn generated_network_further_out_matches_the_reference() {
    let (env, events) = generated_env(2);
    check_network(&env, &events, MEETINGS, 4);
}

/// Checks `path a b` against the reference distance and validates its hops.
fn check_path(env: &TestEnv, events: &[Ev], rules: Rules, a: usize, b: usize) -> bool {
    let adj = adjacency(events, rules);
    let want = bfs(&adj, a)[b];
    let (ida, idb) = (actor_id(a), actor_id(b));
    let mut args = vec!["path", ida.as_str(), idb.as_str(), "--max-hops", "50"];
    args.extend(rules.args());
    let Some(want) = want else {
        let stderr = env.fail(1, &args);
        assert_one_error_line(&stderr);
        return false;
    };
    let out = env.json(&args);
    let hops = rows(&out);
    assert_eq!(hops.len(), want, "hops of factline {args:?}: {out}");
    let mut at = a;
    for (i, hop) in hops.iter().enumerate() {
        assert_keys(hop, HOP_FIELDS);
        assert_eq!(number(hop, "step"), i as u64 + 1, "{out}");
        assert_eq!(field(hop, "tie"), "meeting", "{out}");
        let from = actor_index(field(hop, "from"));
        let to = actor_index(field(hop, "to"));
        assert_eq!(from, at, "hops are consecutive in factline {args:?}: {out}");
        let id = field(hop, "event");
        let e = events
            .iter()
            .find(|e| e.id == id)
            .unwrap_or_else(|| panic!("unknown event {id}: {out}"));
        assert!(
            e.actors.contains(&from) && e.actors.contains(&to),
            "both ends take part in {id}: {out}"
        );
        assert!(rules.admits(e), "{id} is a meeting by the rules: {out}");
        assert_eq!(field(hop, "date"), e.date, "{out}");
        assert_eq!(field(hop, "detail"), e.title, "{out}");
        at = to;
    }
    assert_eq!(at, b, "the path ends at {idb}: {out}");
    true
}

/// Checks `path` for up to `reachable` connected and `unreachable`
/// unconnected pairs, chosen at random.
fn check_paths(
    env: &TestEnv,
    events: &[Ev],
    rules: Rules,
    seed: u64,
    reachable: usize,
    unreachable: usize,
) {
    let adj = adjacency(events, rules);
    let mut connected = Vec::new();
    let mut unconnected = Vec::new();
    for a in 0..ACTORS {
        let dist = bfs(&adj, a);
        for b in (0..ACTORS).filter(|&b| b != a) {
            if dist[b].is_some() {
                connected.push((a, b));
            } else {
                unconnected.push((a, b));
            }
        }
    }
    assert!(!connected.is_empty(), "some pair is connected");
    assert!(!unconnected.is_empty(), "some pair is not connected");
    let mut rng = Lcg(seed);
    for (pairs, count, reach) in [
        (&mut connected, reachable, true),
        (&mut unconnected, unreachable, false),
    ] {
        for _ in 0..count.min(pairs.len()) {
            let (a, b) = pairs.swap_remove(rng.below(pairs.len()));
            assert_eq!(check_path(env, events, rules, a, b), reach);
        }
    }
}

#[test]
fn generated_paths_match_the_reference() {
    let (env, events) = generated_env(1);
    check_paths(&env, &events, MEETINGS, 99, 40, 15);
}

#[test]
fn generated_paths_in_a_window_match_the_reference() {
    let (env, events) = generated_env(1);
    let rules = Rules {
        window: Some(WINDOW),
        ..MEETINGS
    };
    check_paths(&env, &events, rules, 7, 25, 10);
}

#[test]
fn generated_paths_with_another_seed_match_the_reference() {
    let (env, events) = generated_env(4);
    check_paths(&env, &events, MEETINGS, 5, 30, 10);
}

#[test]
fn generated_paths_respect_max_hops() {
    let (env, events) = generated_env(1);
    let adj = adjacency(&events, MEETINGS);
    // A pair at least two meetings apart: one hop fewer is not enough.
    let (a, b, d) = (0..ACTORS)
        .flat_map(|a| {
            let dist = bfs(&adj, a);
            (0..ACTORS).filter_map(move |b| dist[b].filter(|&d| d >= 2).map(|d| (a, b, d)))
        })
        .max_by_key(|&(_, _, d)| d)
        .expect("some pair is two meetings apart");
    let (ida, idb) = (actor_id(a), actor_id(b));
    let exact = d.to_string();
    let short = (d - 1).to_string();
    let out = env.json([
        "path",
        ida.as_str(),
        idb.as_str(),
        "--max-hops",
        exact.as_str(),
    ]);
    assert_eq!(rows(&out).len(), d, "{out}");
    let stderr = env.fail(
        1,
        [
            "path",
            ida.as_str(),
            idb.as_str(),
            "--max-hops",
            short.as_str(),
        ],
    );
    assert_one_error_line(&stderr);
}

#[test]
fn generated_graph_is_varied_enough() {
    // Guards the generator: the reference comparisons above mean something
    // only if the graph has long paths, unconnected pairs and pairs that
    // met more than once, with and without the window.
    for seed in [1, 2, 4] {
        let events = generate(seed);
        for rules in [
            MEETINGS,
            Rules {
                window: Some(WINDOW),
                ..MEETINGS
            },
        ] {
            let adj = adjacency(&events, rules);
            let longest = (0..ACTORS)
                .flat_map(|a| bfs(&adj, a).into_iter().flatten())
                .max()
                .unwrap();
            assert!(longest >= 2, "seed {seed}: longest distance {longest}");
            assert!(
                adj.iter().any(BTreeMap::is_empty),
                "seed {seed}: someone met nobody"
            );
            if rules.window.is_none() {
                assert!(longest >= 3, "seed {seed}: longest distance {longest}");
                assert!(
                    adj.iter().flat_map(BTreeMap::values).any(|&n| n >= 2),
                    "seed {seed}: some pair met twice"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// C. A hop wider than one loading block

/// Graph queries read a hop's actors in blocks of a few hundred, half on
/// each core, then build the graph in order. A hub that met 600 actors, each
/// of whom met one more (and some of whom met each other), spans several
/// blocks; the answers must be those the construction implies.
#[test]
fn network_and_path_across_many_loading_blocks_match_the_construction() {
    const SPOKES: usize = 600;
    let env = TestEnv::new();
    let mut csv = String::from("date,title,kind,actors\n");
    for i in 0..SPOKES {
        let day = 1 + i % 28;
        csv.push_str(&format!(
            "2024-01-{day:02},Hub meets spoke {i},meeting,Hub;Spoke {i:03}\n"
        ));
        csv.push_str(&format!(
            "2024-02-{day:02},Spoke {i} meets rim {i},talks,Spoke {i:03};Rim {i:03}\n"
        ));
        // Every tenth rim actor also met the next spoke: two ties inward.
        if i % 10 == 0 && i + 1 < SPOKES {
            csv.push_str(&format!(
                "2024-03-{day:02},Rim {i} meets spoke {},meeting,Rim {i:03};Spoke {:03}\n",
                i + 1,
                i + 1
            ));
        }
    }
    let file = env.write_file("wheel.csv", &csv);
    env.run_ok(["import", file.to_str().unwrap()]);

    let out = env.run_ok(["--format", "csv", "network", "Hub", "--hops", "2"]);
    let mut got: BTreeMap<String, (String, String)> = BTreeMap::new();
    for line in out.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        got.insert(
            cells[0].to_string(),
            (cells[2].to_string(), cells[3].to_string()),
        );
    }
    let mut expected = BTreeMap::new();
    for i in 0..SPOKES {
        expected.insert(format!("spoke-{i:03}"), ("1".to_string(), "1".to_string()));
        let inward = if i % 10 == 0 && i + 1 < SPOKES { 2 } else { 1 };
        expected.insert(format!("rim-{i:03}"), ("2".to_string(), inward.to_string()));
    }
    assert_eq!(got, expected);

    let path = env.run_ok(["--format", "csv", "path", "Hub", "Rim 599"]);
    assert_eq!(path.lines().count(), 3, "two hops and a header:\n{path}");
    assert!(
        path.contains("spoke-599"),
        "the path goes through spoke 599:\n{path}"
    );
}

// ---------------------------------------------------------------------------
// D. The full graph export: claims, and nodes of ids that two kinds share
/// The nodes (id → class) and edges (source, target, relation) of a full
/// graph export, read from each format.
type Parsed = (BTreeMap<String, String>, Vec<(String, String, String)>);

fn parse_graph(format: &str, text: &str) -> Parsed {
    parse_graph_with(format, text, "class")
}

/// As [`parse_graph`], with each node's attribute `node_key` (which every
/// node must have) in place of its class. A node id given twice fails.
fn parse_graph_with(format: &str, text: &str, node_key: &str) -> Parsed {
    let mut nodes = BTreeMap::new();
    let mut edges = Vec::new();
    if format == "dot" {
        // `"id" [label=…, class="…", …];` and `"a" -- "b" [relation="…", …];`
        let quoted = |s: &str| -> (String, usize) {
            assert!(s.starts_with('"'), "{s}");
            let mut out = String::new();
            let mut chars = s.char_indices().skip(1);
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => out.push(chars.next().unwrap().1),
                    '"' => return (out, i + 1),
                    c => out.push(c),
                }
            }
            panic!("unterminated string in {s}");
        };
        let attribute = |line: &str, name: &str| -> String {
            let at = line
                .find(&format!(" {name}=\""))
                .or_else(|| line.find(&format!("[{name}=\"")))
                .unwrap_or_else(|| panic!("no {name} in {line}"));
            quoted(&line[at + name.len() + 2..]).0
        };
        for line in text.lines().map(str::trim).filter(|l| l.starts_with('"')) {
            let (first, end) = quoted(line);
            let rest = &line[end..];
            if let Some(rest) = rest.strip_prefix(" -- ") {
                let (second, _) = quoted(rest);
                edges.push((first, second, attribute(line, "relation")));
            } else {
                let value = attribute(line, node_key);
                assert!(
                    nodes.insert(first.clone(), value).is_none(),
                    "dot: node {first} twice"
                );
            }
        }
        return (nodes, edges);
    }
    let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{format}: {e}"));
    let value = |n: roxmltree::Node, key: &str| -> String {
        n.descendants()
            .find_map(|d| match (d.attribute("key"), d.attribute("for")) {
                (Some(k), _) if k == key => Some(d.text().unwrap_or("").to_string()),
                (_, Some(k)) if k == key => d.attribute("value").map(str::to_string),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{format}: no {key} on {n:?}"))
    };
    for n in doc.descendants().filter(|n| n.has_tag_name("node")) {
        let id = n.attribute("id").unwrap().to_string();
        assert!(
            nodes.insert(id.clone(), value(n, node_key)).is_none(),
            "{format}: node {id} twice"
        );
    }
    for e in doc.descendants().filter(|n| n.has_tag_name("edge")) {
        edges.push((
            e.attribute("source").unwrap().to_string(),
            e.attribute("target").unwrap().to_string(),
            value(e, "relation"),
        ));
    }
    (nodes, edges)
}

/// The example's claim of 19,500 deported children.
const UKRAINE_CLAIM: &str = "ukraine-19500-deported-children";

/// Issue 4 promised that "`--graph full` also includes events, claims and
/// sources as nodes": claims were missing from every format.
#[test]
fn the_full_graph_has_claims_with_claimants_subjects_sources_and_contradictions() {
    let env = example_env();
    let claims: BTreeSet<String> = rows(&env.json(["claims"]))
        .iter()
        .map(|c| field(c, "id").to_string())
        .collect();
    assert_eq!(claims.len(), 14);
    let actors_only: BTreeMap<&str, String> = ["dot", "graphml", "gexf"]
        .into_iter()
        .map(|f| (f, env.run_ok(["export", "--format", f])))
        .collect();
    for format in ["dot", "graphml", "gexf"] {
        let (nodes, edges) = parse_graph(
            format,
            &env.run_ok(["export", "--format", format, "--graph", "full"]),
        );
        let claim_nodes: BTreeSet<String> = nodes
            .iter()
            .filter(|(_, class)| *class == "claim")
            .map(|(id, _)| id.clone())
            .collect();
        assert_eq!(claim_nodes, claims, "{format}");
        assert_eq!(
            nodes.values().filter(|c| *c == "actor").count(),
            17,
            "{format}: the other nodes stay"
        );
        for (a, b, relation) in &edges {
            assert!(
                nodes.contains_key(a) && nodes.contains_key(b),
                "{format}: {relation} edge {a} – {b} ends at a node"
            );
        }
        let has = |a: &str, b: &str, relation: &str| {
            edges
                .iter()
                .any(|e| (e.0.as_str(), e.1.as_str(), e.2.as_str()) == (a, b, relation))
        };
        let claim = UKRAINE_CLAIM;
        assert!(has("ukraine", claim, "said"), "{format}");
        assert!(
            has(claim, "2022-children-placed-in-russia", "about"),
            "{format}"
        );
        assert!(has(claim, "isw", "reported"), "{format}");
        assert!(
            has(
                "2025-11-isw-returns-obscure-deportations",
                "russia",
                "about"
            ),
            "{format}: a claim about an actor"
        );
        let mut contradictions: Vec<(&str, &str)> = edges
            .iter()
            .filter(|e| e.2 == "contradicts")
            .map(|e| (e.0.as_str(), e.1.as_str()))
            .collect();
        contradictions.sort_unstable();
        assert_eq!(
            contradictions,
            [
                (
                    "russia-700000-minors-received",
                    "russia-took-only-hundreds-of-children"
                ),
                ("russia-took-only-hundreds-of-children", claim),
            ],
            "{format}: the pairs `contradictions` lists"
        );
        // The actors graph is as it was: no claims.
        let (actor_nodes, _) = parse_graph(format, &actors_only[format]);
        assert!(actor_nodes.values().all(|c| c == "actor"), "{format}");
    }

    // Escaped as other nodes are; a supporting claim is linked; a retracted
    // claim is no node and no edge names it.
    env.run_ok([
        "claim",
        "add",
        "--by",
        "Ukraine",
        "--id",
        "odd-claim",
        "--text",
        r#"At least "20,000" <children> & \ more"#,
        "--supports",
        UKRAINE_CLAIM,
        "--source",
        "ISW",
    ]);
    env.run_ok([
        "retract",
        "russia-took-only-hundreds-of-children",
        "--reason",
        "test",
    ]);
    for format in ["dot", "graphml", "gexf"] {
        let text = env.run_ok(["export", "--format", format, "--graph", "full"]);
        let (nodes, edges) = parse_graph(format, &text);
        assert_eq!(nodes.get("odd-claim").map(String::as_str), Some("claim"));
        assert!(!nodes.contains_key("russia-took-only-hundreds-of-children"));
        assert!(edges
            .iter()
            .all(|e| e.0 != "russia-took-only-hundreds-of-children"
                && e.1 != "russia-took-only-hundreds-of-children"));
        assert!(edges.contains(&(
            "odd-claim".to_string(),
            UKRAINE_CLAIM.to_string(),
            "supports".to_string()
        )));
        if format == "dot" {
            assert!(
                text.contains(r#"label="At least \"20,000\" <children> & \\ more""#),
                "{text}"
            );
        } else {
            let doc = roxmltree::Document::parse(&text).unwrap();
            assert!(
                doc.descendants().any(|n| n.attribute("label")
                    == Some(r#"At least "20,000" <children> & \ more"#)
                    || n.text() == Some(r#"At least "20,000" <children> & \ more"#)),
                "{format}: the claim's text survives escaping"
            );
        }
    }
}

/// Ids are unique within a kind, not across kinds: an actor and a source
/// both `reuters`, or an event and a claim both `ceasefire`, were two nodes
/// of one id in `--graph full`, and Gephi or networkx merged them (or
/// refused the file), their edges ambiguous. Such nodes' ids are now
/// qualified by class (`actor:reuters`); every other id stays the record's.
#[test]
fn records_of_two_kinds_sharing_an_id_are_distinct_nodes_of_the_full_graph() {
    let env = TestEnv::new();
    for args in [
        &[
            "actor",
            "add",
            "Reuters",
            "--id",
            "reuters",
            "--kind",
            "organization",
        ][..],
        &["actor", "add", "Vladimir Putin", "--id", "putin"],
        &["source", "add", "Reuters wire", "--id", "reuters"],
        &[
            "event",
            "add",
            "--id",
            "ceasefire",
            "--title",
            "Talks",
            "--date",
            "2025-03-01",
            "--kind",
            "meeting",
            "--actor",
            "reuters",
            "--actor",
            "putin",
            "--source",
            "reuters",
        ],
        &[
            "claim",
            "add",
            "--id",
            "ceasefire",
            "--by",
            "reuters",
            "--text",
            "Agreed",
            "--about",
            "ceasefire",
            "--about",
            "putin",
            "--source",
            "reuters",
        ],
    ] {
        env.run_ok(args);
    }
    let edge =
        |a: &str, b: &str, relation: &str| (a.to_string(), b.to_string(), relation.to_string());
    let sorted = |mut edges: Vec<(String, String, String)>| {
        edges.sort();
        edges
    };
    for format in ["dot", "graphml", "gexf"] {
        let text = env.run_ok(["export", "--format", format, "--graph", "full"]);
        let (nodes, edges) = parse_graph(format, &text);
        let want: BTreeMap<String, String> = [
            ("actor:reuters", "actor"),
            ("putin", "actor"),
            ("event:ceasefire", "event"),
            ("source:reuters", "source"),
            ("claim:ceasefire", "claim"),
        ]
        .into_iter()
        .map(|(id, class)| (id.to_string(), class.to_string()))
        .collect();
        assert_eq!(nodes, want, "{format}: one node per record\n{text}");
        // Each node carries its record's own id.
        let (records, _) = parse_graph_with(format, &text, "record");
        for (id, record) in &records {
            assert_eq!(id.rsplit(':').next(), Some(record.as_str()), "{format}");
        }
        // Every edge joins the nodes of the right kinds.
        assert_eq!(
            sorted(edges),
            sorted(vec![
                edge("putin", "actor:reuters", "met"),
                edge("actor:reuters", "event:ceasefire", "participant"),
                edge("putin", "event:ceasefire", "participant"),
                edge("event:ceasefire", "source:reuters", "reported"),
                edge("actor:reuters", "claim:ceasefire", "said"),
                edge("claim:ceasefire", "event:ceasefire", "about"),
                edge("claim:ceasefire", "putin", "about"),
                edge("claim:ceasefire", "source:reuters", "reported"),
            ]),
            "{format}\n{text}"
        );

        // The actors graph has one kind of node: its ids stay the records'.
        let text = env.run_ok(["export", "--format", format]);
        let (nodes, edges) = parse_graph(format, &text);
        assert_eq!(
            nodes.keys().collect::<Vec<_>>(),
            ["putin", "reuters"],
            "{format}\n{text}"
        );
        assert_eq!(edges, [edge("putin", "reuters", "met")], "{format}");
        assert!(
            !text.contains("record"),
            "{format}: no record attribute\n{text}"
        );

        // A filtered graph has no claims: only the actor and source clash.
        let text = env.run_ok([
            "export", "--format", format, "--graph", "full", "--from", "2025",
        ]);
        let (nodes, _) = parse_graph(format, &text);
        assert_eq!(
            nodes.keys().collect::<Vec<_>>(),
            ["actor:reuters", "ceasefire", "putin", "source:reuters"],
            "{format}\n{text}"
        );
    }
    // A retracted source is no node: the actor's id is its own again.
    env.run_ok(["retract", "reuters", "--kind", "source", "--reason", "test"]);
    let (nodes, _) = parse_graph(
        "gexf",
        &env.run_ok(["export", "--format", "gexf", "--graph", "full"]),
    );
    assert!(
        nodes.contains_key("reuters") && !nodes.contains_key("actor:reuters"),
        "{nodes:?}"
    );
}

// who-met listings made as the meetings are read (black-box round bb25, #08).

/// `who-met` of everyone writes its pairs as it reads the meetings and its
/// summary holds one entry a pair: what they write is pinned here, order
/// and all (a summary's ties by names, the dates a pair met first and last
/// whatever the order they come in, a call left out).
#[test]
fn who_met_of_everyone_and_its_summary_are_pinned() {
    let env = TestEnv::new();
    env.run_ok(["-q", "actor", "add", "Ann Lee"]);
    let file = env.write_file(
        "m.csv",
        "id,date,title,kind,actors,status\n\
         summit,2025-03-01,Summit,meeting,ann-lee; ann-lee-uk; Bo Ray; Cy Doe; Di Fox,occurred\n\
         lunch,2025-01,Lunch,meeting,Cy Doe; Bo Ray,reported\n\
         call,2025-02-02,Call,call,Di Fox; Bo Ray,occurred\n\
         later,2025-03-01/2025-03-04,Talks,meeting,ann-lee-uk; Di Fox,occurred\n",
    );
    env.run_ok(["-q".as_ref(), "import".as_ref(), file.as_os_str()]);
    let summary = env.run_ok(["who-met", "--summary", "--format", "csv"]);
    assert_eq!(
        summary,
        "a,b,meetings,first,last\n\
         Bo Ray,Cy Doe,2,2025-01,2025-03-01\n\
         ann-lee-uk,Di Fox,2,2025-03-01,2025-03-01/2025-03-04\n\
         Ann Lee,Bo Ray,1,2025-03-01,2025-03-01\n\
         Ann Lee,Cy Doe,1,2025-03-01,2025-03-01\n\
         Ann Lee,Di Fox,1,2025-03-01,2025-03-01\n\
         Ann Lee,ann-lee-uk,1,2025-03-01,2025-03-01\n\
         Bo Ray,Di Fox,1,2025-03-01,2025-03-01\n\
         Cy Doe,Di Fox,1,2025-03-01,2025-03-01\n\
         ann-lee-uk,Bo Ray,1,2025-03-01,2025-03-01\n\
         ann-lee-uk,Cy Doe,1,2025-03-01,2025-03-01\n"
    );
    let pairs = env.run_ok(["who-met", "--format", "csv"]);
    assert_eq!(
        pairs,
        "a,b,event,date,title,status\n\
         Bo Ray,Cy Doe,lunch,2025-01,Lunch,reported\n\
         Ann Lee,ann-lee-uk,summit,2025-03-01,Summit,occurred\n\
         Ann Lee,Bo Ray,summit,2025-03-01,Summit,occurred\n\
         Ann Lee,Cy Doe,summit,2025-03-01,Summit,occurred\n\
         Ann Lee,Di Fox,summit,2025-03-01,Summit,occurred\n\
         ann-lee-uk,Bo Ray,summit,2025-03-01,Summit,occurred\n\
         ann-lee-uk,Cy Doe,summit,2025-03-01,Summit,occurred\n\
         ann-lee-uk,Di Fox,summit,2025-03-01,Summit,occurred\n\
         Bo Ray,Cy Doe,summit,2025-03-01,Summit,occurred\n\
         Bo Ray,Di Fox,summit,2025-03-01,Summit,occurred\n\
         Cy Doe,Di Fox,summit,2025-03-01,Summit,occurred\n\
         ann-lee-uk,Di Fox,later,2025-03-01/2025-03-04,Talks,occurred\n"
    );
    // JSON and the table say the same, pair by pair.
    let json = env.json(["who-met", "--summary"]);
    assert_eq!(rows(&json).len(), 10);
    assert_eq!(field(&rows(&json)[1], "last"), "2025-03-01/2025-03-04");
    let table = env.run_ok(["who-met"]);
    assert_eq!(table.lines().count(), 2 + 12, "{table}");
}

/// One meeting of many delegates is every pair of them, once each.
#[test]
fn who_met_of_one_large_meeting_lists_every_pair_once() {
    let env = TestEnv::new();
    let delegates: Vec<String> = (0..40).map(|i| format!("Delegate {i:02}")).collect();
    let file = env.write_file(
        "big.csv",
        &format!(
            "id,date,title,kind,actors\nbig,2025-11-01,Summit,meeting,{}\n",
            delegates.join("; ")
        ),
    );
    env.run_ok(["-q".as_ref(), "import".as_ref(), file.as_os_str()]);
    let out = env.run_ok(["who-met", "--format", "csv"]);
    let mut seen = BTreeSet::new();
    for line in out.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        assert!(cells[0] < cells[1], "{line}");
        assert!(
            seen.insert((cells[0].to_string(), cells[1].to_string())),
            "{line}"
        );
    }
    assert_eq!(seen.len(), 40 * 39 / 2);
    let summary = env.json(["who-met", "--summary"]);
    assert_eq!(rows(&summary).len(), 40 * 39 / 2);
    assert!(rows(&summary).iter().all(|r| number(r, "meetings") == 1));
}

/// A path from an actor to itself, by any two of its spellings, is refused
/// in one line naming both ends, rather than printing nothing with exit 0.
#[test]
fn path_from_an_actor_to_itself_is_refused_naming_both_ends() {
    let env = example_env();
    let stderr = env.fail(2, ["path", "witkoff", "Steve Witkoff"]);
    assert_one_error_line(&stderr);
    assert!(
        stderr.contains("\"witkoff\" and \"Steve Witkoff\" are the same actor"),
        "{stderr}"
    );
    assert!(stderr.contains("steve-witkoff"), "{stderr}");
}

/// An actor merged into one that was retracted later is refused naming the
/// retracted survivor and why, not only the merge: `who-met` of the id the
/// merge names would be refused in turn.
#[test]
fn an_actor_merged_into_a_retracted_one_names_the_retracted_survivor() {
    let env = TestEnv::new();
    env.run_ok(["-q", "actor", "add", "Ann Lee", "--id", "ann"]);
    env.run_ok([
        "-q",
        "actor",
        "add",
        "Anne Lee",
        "--id",
        "anne",
        "--new-actor",
    ]);
    env.run_ok(["-q", "actor", "merge", "ann", "anne"]);
    env.run_ok(["-q", "retract", "ann", "--reason", "misidentified"]);
    for args in [["who-met", "anne"], ["network", "anne"]] {
        let stderr = env.fail(2, args);
        assert_one_error_line(&stderr);
        assert!(
            stderr.contains("actor anne was merged into ann, which was retracted (misidentified)"),
            "{stderr}"
        );
    }
}
