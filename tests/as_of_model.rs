//! `--as-of` against an in-memory model: a random sequence of adds, edits
//! and retractions is run through the real binary, each at its own recorded
//! time (`FACTLINE_NOW`), and applied to a model that keeps every version of
//! every record. Asking the database as of each recorded time (and before the
//! first, and between two) must give the model's view at that time; without
//! `--as-of`, the latest one. Ops on a record that is absent or retracted
//! must be refused (exit 2) and change nothing.
//!
//! Cases default to 12 (each runs the binary 30 to 80 times); set
//! `FACTLINE_PROPTEST_CASES` for more.

mod testenv;

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::Value;
use testenv::{assert_one_error_line, TestEnv};

const EVENT_SLOTS: usize = 5;
const TITLES: &[&str] = &[
    "Witkoff and Dmitriev talks",
    "Call between Kyiv and Washington",
    "Meeting in Türkiye",
    "Statement, with a comma and \"quotes\"",
];
const DATES: &[&str] = &["2025-08", "2025-10-24/2025-10-26", "2025-11-19", "2025"];
const STATUSES: &[&str] = &[
    "occurred",
    "scheduled",
    "postponed",
    "cancelled",
    "reported",
];
const SOURCES: &[&str] = &["Axios", "Reuters", "Kyiv Independent"];

#[derive(Debug, Clone)]
enum Op {
    AddEvent {
        slot: usize,
        title: usize,
        date: usize,
        status: usize,
    },
    EditTitle {
        slot: usize,
        title: usize,
    },
    EditStatus {
        slot: usize,
        status: usize,
    },
    EditDate {
        slot: usize,
        date: usize,
    },
    RetractEvent {
        slot: usize,
    },
    AddSource {
        slot: usize,
    },
    RetractSource {
        slot: usize,
    },
}

fn add_event() -> impl Strategy<Value = Op> {
    (
        0..EVENT_SLOTS,
        0..TITLES.len(),
        0..DATES.len(),
        0..STATUSES.len(),
    )
        .prop_map(|(slot, title, date, status)| Op::AddEvent {
            slot,
            title,
            date,
            status,
        })
}

fn op() -> impl Strategy<Value = Op> {
    let slot = 0..EVENT_SLOTS;
    prop_oneof![
        3 => add_event(),
        2 => (slot.clone(), 0..TITLES.len()).prop_map(|(slot, title)| Op::EditTitle { slot, title }),
        2 => (slot.clone(), 0..STATUSES.len())
            .prop_map(|(slot, status)| Op::EditStatus { slot, status }),
        1 => (slot.clone(), 0..DATES.len()).prop_map(|(slot, date)| Op::EditDate { slot, date }),
        2 => slot.prop_map(|slot| Op::RetractEvent { slot }),
        1 => (0..SOURCES.len()).prop_map(|slot| Op::AddSource { slot }),
        1 => (0..SOURCES.len()).prop_map(|slot| Op::RetractSource { slot }),
    ]
}

/// 3 to 10 operations, the first an add so that the database exists.
fn ops() -> impl Strategy<Value = Vec<Op>> {
    (add_event(), prop::collection::vec(op(), 2..=9)).prop_map(|(first, rest)| {
        let mut all = vec![first];
        all.extend(rest);
        all
    })
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct EventState {
    title: String,
    status: String,
    date: String,
}

/// Every version of a record: (seconds after the base time, the state, or
/// `None` for the retracting version).
type Versions<S> = Vec<(i64, Option<S>)>;

/// The versions recorded at or before `t`.
fn known_at<S>(versions: &Versions<S>, t: i64) -> &[(i64, Option<S>)] {
    let n = versions.iter().take_while(|(at, _)| *at <= t).count();
    &versions[..n]
}

#[derive(Debug, Default)]
struct Model {
    events: BTreeMap<String, Versions<EventState>>,
    sources: BTreeMap<String, Versions<String>>,
}

/// What the binary should do with an op.
enum Expect<S> {
    /// Exit 2, nothing written.
    Refused,
    /// Success, but the record is already like that: no new version.
    Unchanged,
    /// Success with a new version (`None`: retracted).
    Version(Option<S>),
}

fn current<S: Clone>(versions: Option<&Versions<S>>) -> Option<S> {
    versions.and_then(|v| v.last()).and_then(|(_, s)| s.clone())
}

impl Model {
    fn live_events(&self, t: i64) -> Vec<(String, EventState)> {
        self.events
            .iter()
            .filter_map(|(id, v)| match known_at(v, t).last() {
                Some((_, Some(state))) => Some((id.clone(), state.clone())),
                _ => None,
            })
            .collect()
    }

    fn live_sources(&self, t: i64) -> Vec<(String, String)> {
        self.sources
            .iter()
            .filter_map(|(id, v)| match known_at(v, t).last() {
                Some((_, Some(name))) => Some((id.clone(), name.clone())),
                _ => None,
            })
            .collect()
    }

    fn edit(&self, id: &str, change: impl Fn(&mut EventState)) -> Expect<EventState> {
        match current(self.events.get(id)) {
            None => Expect::Refused,
            Some(before) => {
                let mut after = before.clone();
                change(&mut after);
                if after == before {
                    Expect::Unchanged
                } else {
                    Expect::Version(Some(after))
                }
            }
        }
    }
}

/// The RFC 3339 time `secs` seconds after 2025-12-01T00:00:00Z.
fn stamp(secs: i64) -> String {
    let base = 1_764_547_200; // 2025-12-01T00:00:00Z
    chrono::DateTime::from_timestamp(base + secs, 0)
        .expect("a valid time")
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn event_id(slot: usize) -> String {
    format!("e{slot}")
}

fn source_id(slot: usize) -> String {
    format!("s{slot}")
}

fn s(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_string()
}

/// An op's record id, arguments, and what it should do to an event or a source.
type Plan = (
    String,
    Vec<String>,
    Option<Expect<EventState>>,
    Option<Expect<String>>,
);

/// Runs one op at time `t` and applies it to the model.
fn apply(env: &TestEnv, model: &mut Model, op: &Op, t: i64) {
    let (id, args, events_expect, sources_expect): Plan = match op {
        Op::AddEvent {
            slot,
            title,
            date,
            status,
        } => {
            let id = event_id(*slot);
            let expect = if model.events.contains_key(&id) {
                Expect::Refused
            } else {
                Expect::Version(Some(EventState {
                    title: TITLES[*title].into(),
                    status: STATUSES[*status].into(),
                    date: DATES[*date].into(),
                }))
            };
            let args = [
                "event",
                "add",
                "--id",
                &id,
                "--title",
                TITLES[*title],
                "--date",
                DATES[*date],
                "--status",
                STATUSES[*status],
            ];
            (id.clone(), strings(&args), Some(expect), None)
        }
        Op::EditTitle { slot, title } => {
            let id = event_id(*slot);
            let expect = model.edit(&id, |e| e.title = TITLES[*title].into());
            let args = ["event", "edit", &id, "--title", TITLES[*title]];
            (id.clone(), strings(&args), Some(expect), None)
        }
        Op::EditStatus { slot, status } => {
            let id = event_id(*slot);
            let expect = model.edit(&id, |e| e.status = STATUSES[*status].into());
            let args = ["event", "edit", &id, "--status", STATUSES[*status]];
            (id.clone(), strings(&args), Some(expect), None)
        }
        Op::EditDate { slot, date } => {
            let id = event_id(*slot);
            let expect = model.edit(&id, |e| e.date = DATES[*date].into());
            let args = ["event", "edit", &id, "--date", DATES[*date]];
            (id.clone(), strings(&args), Some(expect), None)
        }
        Op::RetractEvent { slot } => {
            let id = event_id(*slot);
            let expect = match current(model.events.get(&id)) {
                Some(_) => Expect::Version(None),
                None => Expect::Refused,
            };
            let args = ["retract", &id, "--reason", "model test"];
            (id.clone(), strings(&args), Some(expect), None)
        }
        Op::AddSource { slot } => {
            let id = source_id(*slot);
            // A live source with the name, or a retracted one holding the id.
            let expect = if model.sources.contains_key(&id) {
                Expect::Refused
            } else {
                Expect::Version(Some(SOURCES[*slot].to_string()))
            };
            let args = ["source", "add", SOURCES[*slot], "--id", &id];
            (id.clone(), strings(&args), None, Some(expect))
        }
        Op::RetractSource { slot } => {
            let id = source_id(*slot);
            let expect = match current(model.sources.get(&id)) {
                Some(_) => Expect::Version(None),
                None => Expect::Refused,
            };
            let args = ["retract", &id, "--reason", "model test"];
            (id.clone(), strings(&args), None, Some(expect))
        }
    };

    let refused = matches!(events_expect, Some(Expect::Refused))
        || matches!(sources_expect, Some(Expect::Refused));
    let out = env
        .cmd()
        .env("FACTLINE_NOW", stamp(t))
        .args(&args)
        .output()
        .expect("run factline");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if refused {
        assert_eq!(
            out.status.code(),
            Some(2),
            "factline {args:?} at {} should be refused\nstdout:\n{stdout}\nstderr:\n{stderr}",
            stamp(t)
        );
        assert_one_error_line(&stderr);
        return;
    }
    assert!(
        out.status.success(),
        "factline {args:?} at {} failed with {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        stamp(t),
        out.status
    );
    assert_eq!(stdout.trim(), id, "factline {args:?} should print the id");
    if let Some(Expect::Version(state)) = events_expect {
        model.events.entry(id.clone()).or_default().push((t, state));
    }
    if let Some(Expect::Version(state)) = sources_expect {
        model.sources.entry(id).or_default().push((t, state));
    }
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

/// `--as-of when` arguments, or none for the present.
fn as_of(when: Option<&str>) -> Vec<String> {
    when.map_or_else(Vec::new, |w| vec!["--as-of".to_string(), w.to_string()])
}

/// Compares `timeline` (as of `when`) with the model at `t`.
fn check_timeline(env: &TestEnv, model: &Model, when: Option<&str>, t: i64) {
    let mut args = strings(&["timeline"]);
    args.extend(as_of(when));
    let rows = env.json(&args);
    let rows = rows.as_array().expect("a JSON array");
    let mut got: Vec<(String, EventState)> = rows
        .iter()
        .map(|r| {
            (
                s(&r["id"]),
                EventState {
                    title: s(&r["title"]),
                    status: s(&r["status"]),
                    date: s(&r["date"]),
                },
            )
        })
        .collect();
    // Date order: the earliest day never goes back.
    let earliest: Vec<String> = rows.iter().map(|r| s(&r["earliest"])).collect();
    assert!(
        earliest.windows(2).all(|w| w[0] <= w[1]),
        "timeline {when:?} is not in date order: {earliest:?}"
    );
    got.sort();
    assert_eq!(got, model.live_events(t), "timeline --as-of {when:?}");
}

/// Compares `source list` (as of `when`) with the model at `t`.
fn check_sources(env: &TestEnv, model: &Model, when: Option<&str>, t: i64) {
    let mut args = strings(&["source", "list"]);
    args.extend(as_of(when));
    let rows = env.json(&args);
    let mut got: Vec<(String, String)> = rows
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|r| (s(&r["id"]), s(&r["name"])))
        .collect();
    got.sort();
    assert_eq!(got, model.live_sources(t), "source list --as-of {when:?}");
}

/// `event show` as of `when`: for one live event (the `pick`th) when `live`
/// (or when no event is hidden), else a refusal for one known event that is
/// not live then (retracted, or not yet recorded).
fn check_show(env: &TestEnv, model: &Model, when: Option<&str>, t: i64, pick: usize, live: bool) {
    let hidden: Vec<&String> = model
        .events
        .iter()
        .filter(|(_, v)| !matches!(known_at(v, t).last(), Some((_, Some(_)))))
        .map(|(id, _)| id)
        .collect();
    let shown_live = model.live_events(t);
    if !shown_live.is_empty() && (live || hidden.is_empty()) {
        let live = shown_live;
        let (id, state) = &live[pick % live.len()];
        let known = known_at(&model.events[id], t);
        let mut args = strings(&["event", "show", id]);
        args.extend(as_of(when));
        let shown = env.json(&args);
        let got = EventState {
            title: s(&shown["title"]),
            status: s(&shown["status"]),
            date: s(&shown["date"]),
        };
        assert_eq!(&got, state, "event show {id} --as-of {when:?}");
        assert_eq!(
            shown["version"],
            known.len(),
            "event show {id} --as-of {when:?}: {shown:#}"
        );
        assert_eq!(
            s(&shown["recorded_at"]),
            stamp(known.last().expect("a version").0),
            "event show {id} --as-of {when:?}"
        );
        let versions: Vec<String> = shown["versions"]
            .as_array()
            .expect("versions")
            .iter()
            .map(|v| s(&v["recorded_at"]))
            .collect();
        let expected: Vec<String> = known.iter().map(|(at, _)| stamp(*at)).collect();
        assert_eq!(
            versions, expected,
            "event show {id} --as-of {when:?} versions"
        );
    }
    let hidden: Vec<&String> = model
        .events
        .iter()
        .filter(|(_, v)| !matches!(known_at(v, t).last(), Some((_, Some(_)))))
        .map(|(id, _)| id)
        .collect();
    if !hidden.is_empty() {
        let id = hidden[pick % hidden.len()];
        let mut args = strings(&["event", "show", id]);
        args.extend(as_of(when));
        let stderr = env.fail(2, &args);
        assert_one_error_line(&stderr);
    }
}

fn run_case(ops: &[Op]) {
    let env = TestEnv::new();
    let mut model = Model::default();
    for (i, op) in ops.iter().enumerate() {
        apply(&env, &mut model, op, 60 * i as i64);
    }

    // The timeline before the first op, at each op, and between two ops
    // (where the model's view is the op's); `event show` at each op, of a
    // live event or (every other op) of a hidden one.
    check_timeline(&env, &model, Some(&stamp(-60)), -60);
    for i in 0..ops.len() {
        let t = 60 * i as i64;
        check_timeline(&env, &model, Some(&stamp(t)), t);
        check_timeline(&env, &model, Some(&stamp(t + 30)), t + 30);
        check_show(&env, &model, Some(&stamp(t)), t, i / 2, i % 2 == 0);
    }
    // The sources just before and at each source op.
    for (i, op) in ops.iter().enumerate() {
        if matches!(op, Op::AddSource { .. } | Op::RetractSource { .. }) {
            let t = 60 * i as i64;
            check_sources(&env, &model, Some(&stamp(t - 30)), t - 30);
            check_sources(&env, &model, Some(&stamp(t)), t);
        }
    }
    // A day means its end (and the day before holds nothing).
    let latest = 60 * ops.len() as i64;
    check_timeline(&env, &model, Some("2025-12-01"), latest);
    check_timeline(&env, &model, Some("2025-11-30"), -1);

    // The present.
    check_timeline(&env, &model, None, latest);
    check_sources(&env, &model, None, latest);
    for pick in 0..model.events.len() {
        check_show(&env, &model, None, latest, pick, pick % 2 == 0);
    }
    for (id, versions) in &model.events {
        check_history(&env, id, versions);
    }
    for (id, versions) in &model.sources {
        check_history(&env, id, versions);
    }
    let ok = env.run_ok(["check"]);
    assert!(ok.starts_with("ok"), "check: {ok}");
}

/// `history ID`: one row per model version, at its time, retracted or not.
fn check_history<S>(env: &TestEnv, id: &str, versions: &Versions<S>) {
    let history = env.json(["history", id]);
    let rows = history.as_array().expect("a JSON array");
    let recorded: Vec<String> = rows.iter().map(|r| s(&r["recorded_at"])).collect();
    let expected: Vec<String> = versions.iter().map(|(at, _)| stamp(*at)).collect();
    assert_eq!(recorded, expected, "history {id}: {history:#}");
    for (row, (_, state)) in rows.iter().zip(versions) {
        assert_eq!(
            row["retracted"].is_null(),
            state.is_some(),
            "history {id}: {history:#}"
        );
    }
}

proptest! {
    #![proptest_config(testenv::binary_proptest_config(12))]

    #[test]
    fn as_of_each_recorded_time_matches_the_model(ops in ops()) {
        run_case(&ops);
    }
}
