//! The store against an in-memory model: a random sequence of adds, edits
//! (status, kind, a new participant), retractions and timeline-CSV imports
//! (and re-imports of the last file) is run through the real binary, one
//! fresh process per command, so every step reopens the database. After each
//! step `timeline` must list the model's live events in date order, and
//! `who-met NAME` must give, for every actor the model knows, exactly the
//! model's meetings (kind meeting or talks, status occurred or reported, one
//! row per other participant per event); at the end, names the model does
//! not know must be refused. A re-import the model says changes nothing must leave
//! `export` byte for byte the same. `check` passes at the end.
//!
//! `--as-of` is covered by `as_of_model.rs`; this test uses the present only.
//!
//! Cases default to 10 (each runs the binary 20 to 90 times); set
//! `FACTLINE_PROPTEST_CASES` for more.

mod testenv;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::Value;
use testenv::{assert_one_error_line, TestEnv};

const EVENT_SLOTS: usize = 6;
const TITLES: &[&str] = &[
    "Witkoff and Dmitriev talks",
    "Call between Kyiv and Washington",
    "Meeting in Türkiye",
    "Statement, with a comma and \"quotes\"",
];
/// EDTF dates, in date order (each starts on a different day), so the model
/// orders events by (index here, id) as the timeline does.
const DATES: &[&str] = &[
    "2025",
    "2025-08",
    "2025-10-24/2025-10-26",
    "2025-11",
    "2025-11-19",
];
const KINDS: &[&str] = &["meeting", "talks", "call", "statement"];
const STATUSES: &[&str] = &[
    "occurred",
    "reported",
    "scheduled",
    "postponed",
    "cancelled",
];
/// Actor names, with near misses of each other (created anyway: --new-actor
/// on the command line; import never refuses a near miss).
const ACTORS: &[&str] = &[
    "Ana Ruiz",
    "Ana Ruis",
    "Bo Chen",
    "Bo Chan",
    "Cyra Dunn",
    "Dev Patel",
];

/// One row of an imported CSV: an event slot and what the row says. For an
/// event that exists (live), the row keeps its date, kind and participants
/// and sets `title` and `status`; for a new id it uses all of these. Rows for
/// retracted events are left out of the file (what importing one should do
/// is not specified).
#[derive(Debug, Clone)]
struct CsvRow {
    slot: usize,
    title: usize,
    date: usize,
    kind: usize,
    status: usize,
    actors: Vec<usize>,
}

#[derive(Debug, Clone)]
enum Op {
    AddEvent {
        slot: usize,
        title: usize,
        date: usize,
        kind: usize,
        status: usize,
        actors: Vec<usize>,
    },
    EditStatus {
        slot: usize,
        status: usize,
    },
    EditKind {
        slot: usize,
        kind: usize,
    },
    AddActor {
        slot: usize,
        actor: usize,
    },
    Retract {
        slot: usize,
    },
    ImportCsv {
        rows: Vec<CsvRow>,
    },
    ReimportLast,
}

fn actor_list() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0..ACTORS.len(), 1..=3)
}

fn add_event() -> impl Strategy<Value = Op> {
    (
        0..EVENT_SLOTS,
        0..TITLES.len(),
        0..DATES.len(),
        0..KINDS.len(),
        0..STATUSES.len(),
        actor_list(),
    )
        .prop_map(|(slot, title, date, kind, status, actors)| Op::AddEvent {
            slot,
            title,
            date,
            kind,
            status,
            actors,
        })
}

fn import_csv() -> impl Strategy<Value = Op> {
    let row = (
        0..EVENT_SLOTS,
        0..TITLES.len(),
        0..DATES.len(),
        0..KINDS.len(),
        0..STATUSES.len(),
        actor_list(),
    )
        .prop_map(|(slot, title, date, kind, status, actors)| CsvRow {
            slot,
            title,
            date,
            kind,
            status,
            actors,
        });
    prop::collection::vec(row, 1..=3).prop_map(|rows| Op::ImportCsv { rows })
}

fn op() -> impl Strategy<Value = Op> {
    let slot = 0..EVENT_SLOTS;
    prop_oneof![
        3 => add_event(),
        2 => (slot.clone(), 0..STATUSES.len())
            .prop_map(|(slot, status)| Op::EditStatus { slot, status }),
        2 => (slot.clone(), 0..KINDS.len()).prop_map(|(slot, kind)| Op::EditKind { slot, kind }),
        2 => (slot.clone(), 0..ACTORS.len()).prop_map(|(slot, actor)| Op::AddActor { slot, actor }),
        1 => slot.prop_map(|slot| Op::Retract { slot }),
        2 => import_csv(),
        1 => Just(Op::ReimportLast),
    ]
}

/// 3 to 10 operations, the first an add or an import so that the database
/// exists.
fn ops() -> impl Strategy<Value = Vec<Op>> {
    (
        prop_oneof![3 => add_event(), 1 => import_csv()],
        prop::collection::vec(op(), 2..=9),
    )
        .prop_map(|(first, rest)| {
            let mut all = vec![first];
            all.extend(rest);
            all
        })
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Ev {
    title: String,
    date: usize,
    kind: &'static str,
    status: &'static str,
    /// Participant names, in the order they were added (no repeats).
    actors: Vec<&'static str>,
    retracted: bool,
}

#[derive(Debug, Default)]
struct Model {
    /// Every event ever recorded, retracted ones included.
    events: BTreeMap<String, Ev>,
    /// Every actor name ever recorded.
    actors: BTreeSet<&'static str>,
    /// The last CSV imported, with its rows as (slot, event written).
    last_import: Option<(PathBuf, Vec<(String, Ev)>)>,
    imports: usize,
}

impl Model {
    fn live(&self, id: &str) -> Option<&Ev> {
        self.events.get(id).filter(|e| !e.retracted)
    }

    /// Live events in timeline order: by date, then id.
    fn timeline(&self) -> Vec<(&String, &Ev)> {
        let mut live: Vec<(&String, &Ev)> =
            self.events.iter().filter(|(_, e)| !e.retracted).collect();
        live.sort_by(|a, b| (a.1.date, a.0).cmp(&(b.1.date, b.0)));
        live
    }

    /// `name`'s meetings: (other, event, title, status, date).
    fn met(&self, name: &str) -> BTreeSet<MetRow> {
        let mut rows = BTreeSet::new();
        for (id, e) in self.timeline() {
            let meeting = matches!(e.kind, "meeting" | "talks")
                && matches!(e.status, "occurred" | "reported");
            if !meeting || !e.actors.contains(&name) {
                continue;
            }
            for other in e.actors.iter().filter(|o| **o != name) {
                rows.insert((
                    other.to_string(),
                    id.clone(),
                    e.title.clone(),
                    e.status.to_string(),
                    DATES[e.date].to_string(),
                ));
            }
        }
        rows
    }

    /// Applies imported rows; whether anything changed.
    fn apply_rows(&mut self, rows: &[(String, Ev)]) -> bool {
        let mut changed = false;
        for (id, ev) in rows {
            self.actors.extend(ev.actors.iter().copied());
            if self.events.get(id) != Some(ev) {
                self.events.insert(id.clone(), ev.clone());
                changed = true;
            }
        }
        changed
    }
}

type MetRow = (String, String, String, String, String);

fn event_id(slot: usize) -> String {
    format!("e{slot}")
}

fn names(indexes: &[usize]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for &i in indexes {
        if !out.contains(&ACTORS[i]) {
            out.push(ACTORS[i]);
        }
    }
    out
}

fn s(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_string()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

/// Runs a command that must be refused (exit 2, one error line).
fn refused(env: &TestEnv, args: &[String]) {
    let stderr = env.fail(2, args);
    assert_one_error_line(&stderr);
}

/// Runs a command that must succeed and print `id`.
fn prints_id(env: &TestEnv, args: &[String], id: &str) {
    let out = env.run_ok(args);
    assert_eq!(out.trim(), id, "factline {args:?} should print the id");
}

/// An edit of a live event (else refused); `change` gives the new state.
fn edit(env: &TestEnv, model: &mut Model, slot: usize, args: &[&str], change: impl Fn(&mut Ev)) {
    let id = event_id(slot);
    let mut all = strings(&["event", "edit", &id]);
    all.extend(strings(args));
    match model.live(&id).cloned() {
        None => refused(env, &all),
        Some(mut ev) => {
            prints_id(env, &all, &id);
            change(&mut ev);
            model.events.insert(id, ev);
        }
    }
}

/// Writes the CSV of `rows` (the timeline CSV's columns, lists joined by "; ").
fn write_csv(env: &TestEnv, name: &str, rows: &[(String, Ev)]) -> PathBuf {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "id",
        "date",
        "title",
        "kind",
        "status",
        "place",
        "actors",
        "sources",
        "tags",
        "description",
    ])
    .expect("write the header");
    for (id, ev) in rows {
        w.write_record([
            id.as_str(),
            DATES[ev.date],
            &ev.title,
            ev.kind,
            ev.status,
            "",
            &ev.actors.join("; "),
            "",
            "",
            "",
        ])
        .expect("write a row");
    }
    let bytes = w.into_inner().expect("flush the CSV");
    env.write_file(name, &String::from_utf8(bytes).expect("UTF-8 CSV"))
}

fn import(env: &TestEnv, path: &Path) {
    env.run_ok([
        "import".as_ref(),
        path.as_os_str(),
        "--max-errors".as_ref(),
        "50".as_ref(),
    ]);
}

/// Runs one op through the binary and applies it to the model.
fn apply(env: &TestEnv, model: &mut Model, op: &Op) {
    match op {
        Op::AddEvent {
            slot,
            title,
            date,
            kind,
            status,
            actors,
        } => {
            let id = event_id(*slot);
            let mut args = strings(&[
                "event",
                "add",
                "--id",
                &id,
                "--title",
                TITLES[*title],
                "--date",
                DATES[*date],
                "--kind",
                KINDS[*kind],
                "--status",
                STATUSES[*status],
                "--new-actor",
            ]);
            let actors = names(actors);
            for a in &actors {
                args.push("--actor".into());
                args.push(a.to_string());
            }
            if model.events.contains_key(&id) {
                // Taken, live or retracted: refused, and no actor created.
                refused(env, &args);
                return;
            }
            prints_id(env, &args, &id);
            model.actors.extend(actors.iter().copied());
            model.events.insert(
                id,
                Ev {
                    title: TITLES[*title].into(),
                    date: *date,
                    kind: KINDS[*kind],
                    status: STATUSES[*status],
                    actors,
                    retracted: false,
                },
            );
        }
        Op::EditStatus { slot, status } => {
            let status = STATUSES[*status];
            edit(env, model, *slot, &["--status", status], |e| {
                e.status = status
            });
        }
        Op::EditKind { slot, kind } => {
            let kind = KINDS[*kind];
            edit(env, model, *slot, &["--kind", kind], |e| e.kind = kind);
        }
        Op::AddActor { slot, actor } => {
            let name = ACTORS[*actor];
            let live = model.live(&event_id(*slot)).is_some();
            edit(
                env,
                model,
                *slot,
                &["--add-actor", name, "--new-actor"],
                |e| {
                    if !e.actors.contains(&name) {
                        e.actors.push(name);
                    }
                },
            );
            if live {
                model.actors.insert(name);
            }
        }
        Op::Retract { slot } => {
            let id = event_id(*slot);
            let args = strings(&["retract", &id, "--reason", "model test"]);
            if model.live(&id).is_none() {
                refused(env, &args);
                return;
            }
            prints_id(env, &args, &id);
            model.events.get_mut(&id).expect("a live event").retracted = true;
        }
        Op::ImportCsv { rows } => {
            let mut written: Vec<(String, Ev)> = Vec::new();
            for row in rows {
                let id = event_id(row.slot);
                if written.iter().any(|(w, _)| *w == id) {
                    continue;
                }
                let ev = match model.events.get(&id) {
                    Some(e) if e.retracted => continue,
                    Some(e) => Ev {
                        title: TITLES[row.title].into(),
                        status: STATUSES[row.status],
                        ..e.clone()
                    },
                    None => Ev {
                        title: TITLES[row.title].into(),
                        date: row.date,
                        kind: KINDS[row.kind],
                        status: STATUSES[row.status],
                        actors: names(&row.actors),
                        retracted: false,
                    },
                };
                written.push((id, ev));
            }
            model.imports += 1;
            let path = write_csv(env, &format!("import-{}.csv", model.imports), &written);
            import(env, &path);
            model.apply_rows(&written);
            model.last_import = Some((path, written));
        }
        Op::ReimportLast => {
            let Some((path, rows)) = model.last_import.clone() else {
                return;
            };
            // Leave alone a file naming an event retracted since.
            if rows
                .iter()
                .any(|(id, _)| model.events.get(id).is_some_and(|e| e.retracted))
            {
                return;
            }
            let before = env.export_ndjson();
            import(env, &path);
            if !model.apply_rows(&rows) {
                let after = env.export_ndjson();
                assert_eq!(
                    before,
                    after,
                    "importing {} again changed the database",
                    path.display()
                );
            }
        }
    }
}

/// `timeline` lists the model's live events, in date order.
fn check_timeline(env: &TestEnv, model: &Model) {
    let rows = env.json(["timeline"]);
    let got: Vec<(String, String, String, String, String, Vec<String>)> = rows
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|r| {
            (
                s(&r["id"]),
                s(&r["title"]),
                s(&r["status"]),
                s(&r["kind"]),
                s(&r["date"]),
                r["actors"]
                    .as_array()
                    .expect("actors")
                    .iter()
                    .map(s)
                    .collect(),
            )
        })
        .collect();
    let want: Vec<(String, String, String, String, String, Vec<String>)> = model
        .timeline()
        .into_iter()
        .map(|(id, e)| {
            (
                id.clone(),
                e.title.clone(),
                e.status.to_string(),
                e.kind.to_string(),
                DATES[e.date].to_string(),
                e.actors.iter().map(|a| a.to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(
        got, want,
        "timeline (id, title, status, kind, date, actors)"
    );
}

/// `who-met NAME` for every name in the pool the model knows: the model's
/// meetings.
fn check_who_met(env: &TestEnv, model: &Model) {
    for name in ACTORS.iter().filter(|n| model.actors.contains(*n)) {
        let rows = env.json(["who-met", name]);
        let rows = rows.as_array().expect("a JSON array");
        let got: Vec<MetRow> = rows
            .iter()
            .map(|r| {
                assert_eq!(s(&r["a"]), *name, "who-met {name}: {r}");
                (
                    s(&r["b"]),
                    s(&r["event"]),
                    s(&r["title"]),
                    s(&r["status"]),
                    s(&r["date"]),
                )
            })
            .collect();
        let set: BTreeSet<MetRow> = got.iter().cloned().collect();
        assert_eq!(
            set.len(),
            got.len(),
            "who-met {name} repeats a row: {got:#?}"
        );
        assert_eq!(
            set,
            model.met(name),
            "who-met {name}: (b, event, title, status, date)"
        );
    }
}

fn run_case(ops: &[Op]) {
    let env = TestEnv::new();
    let mut model = Model::default();
    for (i, op) in ops.iter().enumerate() {
        apply(&env, &mut model, op);
        let step = std::panic::AssertUnwindSafe(|| {
            check_timeline(&env, &model);
            check_who_met(&env, &model);
        });
        if let Err(panic) = std::panic::catch_unwind(step) {
            eprintln!("after op {i} ({op:?}) of {ops:#?}");
            std::panic::resume_unwind(panic);
        }
    }
    // The names never recorded (refused ops create none) are unknown.
    for name in ACTORS.iter().filter(|n| !model.actors.contains(*n)) {
        refused(&env, &strings(&["who-met", name]));
    }
    let ok = env.run_ok(["check"]);
    assert!(ok.starts_with("ok"), "check: {ok}");
}

proptest! {
    #![proptest_config(testenv::binary_proptest_config(10))]

    #[test]
    fn store_matches_the_model(ops in ops()) {
        run_case(&ops);
    }
}
