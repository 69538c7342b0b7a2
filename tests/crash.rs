//! Crash safety and concurrency of the real binary, in the spirit of sled's
//! `tests/test_crash_recovery.rs`: write commands are killed with SIGKILL at
//! random (seeded, reproducible) moments, and after every round the database
//! is reopened and held against a model of what was acknowledged.
//!
//! A write command counts as acknowledged only if it exited 0 and printed its
//! id before the kill. Acknowledged changes must survive; unacknowledged ones
//! may or may not be there, but must be whole (the event and the actor and
//! source it brought, with their index entries), and once a reopened database
//! has shown a state, later reopens must show it too.
//!
//! `FACTLINE_CRASH_ROUNDS` sets the number of rounds (default 50),
//! `FACTLINE_CRASH_SEED` the seed and `FACTLINE_CRASH_MAX_DELAY_MS` the
//! longest delay before a kill (default: a little more than an uninterrupted
//! write command takes on this machine, at least 40 ms, so that kills land
//! during start-up, during the open, during the commit and after it).
//! Run with `--nocapture` to see the statistics.

mod testenv;

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Output, Stdio};
use std::sync::{mpsc, Barrier};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use testenv::TestEnv;

const DEFAULT_ROUNDS: u64 = 50;
const DEFAULT_SEED: u64 = 0x00fa_c711_2e00_c4a5;
const SIGKILL: i32 = 9;
const IN_USE: &str = "is in use by another factline process";
const STATUSES: [&str; 5] = [
    "postponed",
    "cancelled",
    "scheduled",
    "reported",
    "occurred",
];
const ACTORS: [&str; 4] = ["Actor 1", "Actor 2", "Actor 3", "Actor 4"];

/// A deterministic generator (Knuth's MMIX constants): the same seed kills
/// the same commands after the same delays.
struct Lcg(u64);

impl Lcg {
    fn new(seed: u64) -> Lcg {
        Lcg(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn env_u64(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    Some(parsed.unwrap_or_else(|e| panic!("{name}={text:?}: {e}")))
}

fn seed() -> u64 {
    env_u64("FACTLINE_CRASH_SEED").unwrap_or(DEFAULT_SEED)
}

/// One run of the binary that may have been killed.
struct Run {
    output: Output,
    killed: bool,
    /// How long it took, when it exited on its own.
    took: Option<Duration>,
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Exited 0 (before the kill) and printed `id`.
    fn acknowledged(&self, id: &str) -> bool {
        self.output.status.success() && self.stdout().trim() == id
    }
}

/// Spawns `cmd` and, unless it exits first, sends it SIGKILL after `delay`
/// (never, for `None`); then collects what it printed.
fn run_killed(mut cmd: Command, delay: Option<Duration>) -> Run {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn factline");
    let mut took = None;
    loop {
        if child.try_wait().expect("poll factline").is_some() {
            took = Some(start.elapsed());
            break;
        }
        if delay.is_some_and(|d| start.elapsed() >= d) {
            // Not reaped, so the pid is still this child's.
            child.kill().expect("send SIGKILL");
            break;
        }
        thread::sleep(Duration::from_micros(250));
    }
    let output = child.wait_with_output().expect("wait for factline");
    let killed = output.status.signal() == Some(SIGKILL);
    Run {
        output,
        killed,
        took,
    }
}

/// Fails on a panic, whatever else happened.
fn assert_no_panic(output: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.code() != Some(101) && !stderr.contains("panicked"),
        "factline panicked: {what}\nstatus: {}\nstderr:\n{stderr}",
        output.status
    );
}

fn timed(cmd: &mut Command) -> (Output, Duration) {
    let start = Instant::now();
    let output = cmd.output().expect("run factline");
    (output, start.elapsed())
}

/// How long an uninterrupted write and read take here, to spread the kills
/// over a whole command: (write, read).
fn calibrate() -> (Duration, Duration) {
    let env = TestEnv::new();
    let mut writes = Vec::new();
    for i in 0..4 {
        let id = format!("cal{i}");
        let (out, took) = timed(env.std_cmd().args(add_args(&id, "Actor 1", None)));
        assert!(out.status.success(), "calibration write failed: {out:?}");
        if i > 0 {
            writes.push(took); // the first one also creates the database
        }
    }
    let mut reads = Vec::new();
    for _ in 0..3 {
        let (out, took) = timed(env.std_cmd().arg("timeline"));
        assert!(out.status.success(), "calibration read failed: {out:?}");
        reads.push(took);
    }
    writes.sort();
    reads.sort();
    (writes[writes.len() / 2], reads[reads.len() / 2])
}

fn add_args(id: &str, actor: &str, source: Option<&str>) -> Vec<String> {
    let mut args: Vec<String> = [
        "event",
        "add",
        "--id",
        id,
        "--title",
        &format!("Crash test {id}"),
        "--date",
        "2025-11-19",
        "--actor",
        actor,
        "--new-actor",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(source) = source {
        args.push("--source".into());
        args.push(source.into());
    }
    args
}

/// A write the crash loop runs.
#[derive(Debug, Clone)]
enum Op {
    /// `event add` with one actor (created if new) and maybe a known source.
    Add {
        id: String,
        actor: String,
        source: Option<String>,
    },
    /// `event edit ID --status S`.
    Edit { id: String, status: String },
    /// `source add NAME --id ID`.
    Source { id: String },
}

impl Op {
    fn id(&self) -> &str {
        match self {
            Op::Add { id, .. } | Op::Edit { id, .. } | Op::Source { id } => id,
        }
    }

    fn args(&self) -> Vec<String> {
        match self {
            Op::Add { id, actor, source } => add_args(id, actor, source.as_deref()),
            Op::Edit { id, status } => ["event", "edit", id, "--status", status]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            Op::Source { id } => ["source", "add", &source_name(id), "--id", id]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }
}

fn source_name(id: &str) -> String {
    format!("Source {id}")
}

/// What the model knows of one event.
#[derive(Debug)]
struct EventModel {
    actor: String,
    source: Option<String>,
    /// The statuses it may have: one after an acknowledged edit or a look,
    /// more after killed edits.
    statuses: BTreeSet<String>,
    /// Acknowledged, or seen by an earlier reopen: must be there.
    must: bool,
    /// Unacknowledged and found absent by a reopen: must stay absent.
    gone: bool,
}

#[derive(Debug, Default)]
struct SourceModel {
    must: bool,
    gone: bool,
}

#[derive(Default)]
struct Model {
    events: BTreeMap<String, EventModel>,
    sources: BTreeMap<String, SourceModel>,
}

impl Model {
    fn present_events(&self) -> Vec<&String> {
        self.events
            .iter()
            .filter(|(_, e)| e.must)
            .map(|(id, _)| id)
            .collect()
    }

    fn present_sources(&self) -> Vec<&String> {
        self.sources
            .iter()
            .filter(|(_, s)| s.must)
            .map(|(id, _)| id)
            .collect()
    }

    /// Records the outcome of `op`.
    fn record(&mut self, op: &Op, acked: bool) {
        match op {
            Op::Add { id, actor, source } => {
                self.events.insert(
                    id.clone(),
                    EventModel {
                        actor: actor.clone(),
                        source: source.clone(),
                        statuses: BTreeSet::from(["occurred".to_string()]),
                        must: acked,
                        gone: false,
                    },
                );
            }
            Op::Edit { id, status } => {
                let event = self.events.get_mut(id).expect("edits only known events");
                if acked {
                    event.statuses = BTreeSet::from([status.clone()]);
                } else {
                    event.statuses.insert(status.clone());
                }
            }
            Op::Source { id } => {
                self.sources.insert(
                    id.clone(),
                    SourceModel {
                        must: acked,
                        gone: false,
                    },
                );
            }
        }
    }
}

/// The current version of every record, from `export --format ndjson`.
#[derive(Debug, Default)]
struct Snapshot {
    /// id -> name
    actors: BTreeMap<String, String>,
    sources: BTreeSet<String>,
    events: BTreeMap<String, EventSeen>,
}

#[derive(Debug)]
struct EventSeen {
    status: String,
    actors: Vec<String>,
    sources: Vec<String>,
}

fn snapshot(env: &TestEnv) -> Snapshot {
    let mut current: BTreeMap<(String, String), (u64, Value)> = BTreeMap::new();
    for line in env.export_ndjson().lines() {
        let record: Value = serde_json::from_str(line).expect("export prints JSON lines");
        let kind = record["type"].as_str().unwrap_or_default().to_string();
        if kind == "header" || kind == "trailer" {
            continue;
        }
        let id = record["id"].as_str().expect("records have ids").to_string();
        let version = record["meta"]["version"].as_u64().expect("a version");
        let slot = current.entry((kind, id)).or_insert((0, Value::Null));
        if version > slot.0 {
            *slot = (version, record);
        }
    }
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|x| {
                        x.as_str()
                            .or_else(|| x["source"].as_str())
                            .unwrap_or_default()
                            .to_string()
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut snap = Snapshot::default();
    for ((kind, id), (_, record)) in current {
        match kind.as_str() {
            "actor" => {
                snap.actors
                    .insert(id, record["name"].as_str().unwrap_or_default().to_string());
            }
            "source" => {
                snap.sources.insert(id);
            }
            "event" => {
                snap.events.insert(
                    id,
                    EventSeen {
                        status: record["status"].as_str().unwrap_or_default().to_string(),
                        actors: strings(&record["actors"]),
                        sources: strings(&record["sources"]),
                    },
                );
            }
            _ => {}
        }
    }
    snap
}

/// Ids of the events `timeline --actor NAME` lists.
fn timeline_ids(env: &TestEnv, actor: Option<&str>) -> BTreeSet<String> {
    let mut args = vec!["timeline".to_string()];
    if let Some(actor) = actor {
        args.push("--actor".into());
        args.push(actor.into());
    }
    let rows = env.json(&args);
    rows.as_array()
        .expect("a JSON array")
        .iter()
        .map(|r| r["id"].as_str().expect("an id").to_string())
        .collect()
}

fn run_check(env: &TestEnv, context: &str) {
    let out = env.output(["check"]);
    assert_no_panic(&out, context);
    assert_eq!(
        out.status.code(),
        Some(0),
        "`factline check` failed after {context}\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Reopens the database and holds it against the model; then narrows the
/// model to what was seen. `actors` are the actor names whose timelines are
/// compared with the records. Returns the snapshot.
fn verify(
    env: &TestEnv,
    model: &mut Model,
    actors: &BTreeSet<String>,
    context: &str,
) -> Option<Snapshot> {
    if !factline::store::exists(env.db()) {
        // Every kill so far landed before sled wrote its files.
        assert!(
            model.present_events().is_empty() && model.present_sources().is_empty(),
            "the database is gone after {context}, but it held acknowledged changes"
        );
        for event in model.events.values_mut() {
            event.gone = true;
        }
        for source in model.sources.values_mut() {
            source.gone = true;
        }
        return None;
    }
    run_check(env, context);
    let snap = snapshot(env);
    for (id, seen) in &snap.events {
        let Some(event) = model.events.get(id) else {
            panic!("event {id} appeared from nowhere after {context}: {seen:?}");
        };
        assert!(
            !event.gone,
            "event {id}, found absent by an earlier reopen, came back after {context}"
        );
        assert!(
            event.statuses.contains(&seen.status),
            "event {id} has status {:?} after {context}; expected one of {:?}",
            seen.status,
            event.statuses
        );
        let actor_names: Vec<Option<&String>> =
            seen.actors.iter().map(|a| snap.actors.get(a)).collect();
        assert_eq!(
            actor_names,
            vec![Some(&event.actor)],
            "event {id}'s actors {:?} do not resolve to {:?} after {context}",
            seen.actors,
            event.actor
        );
        let expected_sources: Vec<String> = event.source.iter().cloned().collect();
        assert_eq!(
            seen.sources, expected_sources,
            "event {id}'s sources after {context}"
        );
        for source in &seen.sources {
            assert!(
                snap.sources.contains(source),
                "event {id} names source {source}, which is missing after {context}"
            );
        }
    }
    for (id, event) in &model.events {
        if event.must {
            assert!(
                snap.events.contains_key(id),
                "event {id} was acknowledged (or seen by an earlier reopen) but is missing after {context}"
            );
        }
    }
    for id in &snap.sources {
        let Some(source) = model.sources.get(id) else {
            panic!("source {id} appeared from nowhere after {context}");
        };
        assert!(
            !source.gone,
            "source {id}, found absent by an earlier reopen, came back after {context}"
        );
    }
    for (id, source) in &model.sources {
        if source.must {
            assert!(
                snap.sources.contains(id),
                "source {id} was acknowledged (or seen by an earlier reopen) but is missing after {context}"
            );
        }
    }
    // An actor only ever comes with its first event, in the same batch.
    for (id, name) in &snap.actors {
        assert!(
            snap.events.values().any(|e| e.actors.contains(id)),
            "actor {id} ({name}) exists without the event that created it after {context}"
        );
    }
    for name in actors {
        if !snap.actors.values().any(|n| n == name) {
            continue;
        }
        let expected: BTreeSet<String> = snap
            .events
            .iter()
            .filter(|(_, e)| e.actors.iter().any(|a| snap.actors.get(a) == Some(name)))
            .map(|(id, _)| id.clone())
            .collect();
        assert_eq!(
            timeline_ids(env, Some(name)),
            expected,
            "`timeline --actor {name:?}` disagrees with the records after {context}"
        );
    }

    // What a reopen has shown must stay.
    for (id, event) in model.events.iter_mut() {
        match snap.events.get(id) {
            Some(seen) => {
                event.must = true;
                event.statuses = BTreeSet::from([seen.status.clone()]);
            }
            None => event.gone = true,
        }
    }
    for (id, source) in model.sources.iter_mut() {
        if snap.sources.contains(id) {
            source.must = true;
        } else {
            source.gone = true;
        }
    }
    Some(snap)
}

/// The sled log's length and modification time.
type LogStamp = (u64, SystemTime);

/// The sled log's length and modification time, to tell whether a killed
/// command had started writing.
fn log_stamp(env: &TestEnv) -> Option<LogStamp> {
    let meta = std::fs::metadata(env.db().join("db")).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

#[derive(Debug, Default)]
struct Stats {
    writes: u64,
    acked: u64,
    /// Killed before the log file changed.
    killed_before_writing: u64,
    /// Killed after the log file changed, without the change showing up:
    /// during the open's recovery writes or during the commit.
    killed_mid_write: u64,
    /// Killed after the change was committed (it shows up) but before exit.
    killed_after_commit: u64,
    open_kills: u64,
    open_kills_landed: u64,
    /// Killed writes by delay, in quarters of an uninterrupted write's time
    /// (the open takes roughly the first two thirds, the commit the rest).
    killed_by_quarter: [u64; 5],
}

/// Crash loop: random writes killed at random moments; after every round the
/// database must check clean and hold every acknowledged change.
#[test]
fn killed_writes_keep_acknowledged_changes() {
    let seed = seed();
    let rounds = env_u64("FACTLINE_CRASH_ROUNDS").unwrap_or(DEFAULT_ROUNDS);
    let (write_time, read_time) = calibrate();
    let fixed_delay = env_u64("FACTLINE_CRASH_MAX_DELAY_MS");
    // Uninterrupted write times, refreshed every few rounds: the machine's
    // load changes, and the kills should stay spread over a whole command.
    let mut samples = vec![write_time];
    let mut max_delays = BTreeSet::new();
    let read_delay = (read_time.as_millis() as u64).max(5);
    let mut rng = Lcg::new(seed);
    let env = TestEnv::new();
    let mut model = Model::default();
    let mut stats = Stats::default();
    let mut next_id = 0u64;
    let mut fresh = |prefix: &str| {
        next_id += 1;
        format!("{prefix}{next_id}")
    };

    for round in 0..rounds {
        let mut log = Vec::new();
        let mut touched = BTreeSet::new();
        let mut pending: Vec<(Op, Option<LogStamp>, bool)> = Vec::new();
        let mut sorted = samples.clone();
        sorted.sort();
        let typical = sorted[sorted.len() / 2].as_millis() as u64;
        let max_delay = fixed_delay.unwrap_or((typical * 5 / 4).max(40));
        max_delays.insert(max_delay);
        for n in 0..=rng.below(3) {
            let events = model.present_events();
            let pick = rng.below(10);
            let op = if pick < 3 && !events.is_empty() {
                let id = events[rng.below(events.len() as u64) as usize].clone();
                let status = STATUSES[rng.below(STATUSES.len() as u64) as usize].to_string();
                Op::Edit { id, status }
            } else if pick < 5 {
                Op::Source { id: fresh("s") }
            } else {
                let sources = model.present_sources();
                let source = if !sources.is_empty() && rng.below(3) == 0 {
                    Some(sources[rng.below(sources.len() as u64) as usize].clone())
                } else {
                    None
                };
                let actor = ACTORS[rng.below(ACTORS.len() as u64) as usize].to_string();
                Op::Add {
                    id: fresh("e"),
                    actor,
                    source,
                }
            };
            match &op {
                Op::Add { actor, .. } => {
                    touched.insert(actor.clone());
                }
                Op::Edit { id, .. } => {
                    touched.insert(model.events[id].actor.clone());
                }
                Op::Source { .. } => {}
            }
            // Half the kills anywhere in a command, half around its commit
            // (which comes after the open, in its last third or so).
            let delay = if rng.below(2) == 0 {
                rng.below(max_delay + 1)
            } else {
                typical / 2 + rng.below(max_delay - typical / 2 + 1)
            };
            // Every eighth round starts with a write left to finish, to time it.
            let timing = round % 8 == 0 && n == 0;
            let before = log_stamp(&env);
            let mut cmd = env.std_cmd();
            cmd.args(op.args());
            let run = run_killed(cmd, (!timing).then(|| Duration::from_millis(delay)));
            let what = format!(
                "round {round} (seed {seed:#x}): factline {} {}",
                op.args().join(" "),
                if timing {
                    "(not killed)".to_string()
                } else {
                    format!("killed after {delay} ms")
                }
            );
            if let (true, Some(took)) = (timing, run.took) {
                samples.push(took);
                if samples.len() > 5 {
                    samples.remove(0);
                }
            }
            assert_no_panic(&run.output, &what);
            let acked = run.acknowledged(op.id());
            assert!(
                acked || run.killed,
                "{what}: failed without being killed: {}\nstdout: {}\nstderr: {}",
                run.output.status,
                run.stdout(),
                run.stderr()
            );
            stats.writes += 1;
            if acked {
                stats.acked += 1;
            } else {
                let quarter = delay * 4 / typical.max(1);
                stats.killed_by_quarter[quarter.min(4) as usize] += 1;
            }
            log.push(format!(
                "{} +{} {}",
                op.args().join(" "),
                if timing {
                    "never".to_string()
                } else {
                    format!("{delay}ms")
                },
                if acked { "acked" } else { "killed" }
            ));
            model.record(&op, acked);
            pending.push((op, before, acked));
        }

        // Sometimes kill a read while it opens (sled recovers and writes on open).
        if factline::store::exists(env.db()) && rng.below(2) == 0 {
            let limit = if rng.below(2) == 0 { 5 } else { read_delay };
            let delay = rng.below(limit + 1);
            let mut cmd = env.std_cmd();
            cmd.arg("timeline");
            let run = run_killed(cmd, Some(Duration::from_millis(delay)));
            let what = format!("round {round} (seed {seed:#x}): timeline killed after {delay} ms");
            assert_no_panic(&run.output, &what);
            assert!(
                run.killed || matches!(run.output.status.code(), Some(0 | 1)),
                "{what}: {}\nstderr: {}",
                run.output.status,
                run.stderr()
            );
            stats.open_kills += 1;
            if run.killed {
                stats.open_kills_landed += 1;
            }
            log.push(format!("timeline +{delay}ms"));
        }

        let context = format!("round {round} (seed {seed:#x}): {}", log.join("; "));
        let snap = verify(&env, &mut model, &touched, &context);
        for (op, before, acked) in pending {
            if acked {
                continue;
            }
            let landed = match (&op, &snap) {
                (Op::Add { id, .. }, Some(s)) => s.events.contains_key(id),
                (Op::Source { id }, Some(s)) => s.sources.contains(id),
                // Cannot tell an edit to an event's current status.
                (Op::Edit { .. }, _) | (_, None) => false,
            };
            if landed {
                stats.killed_after_commit += 1;
            } else if before != log_stamp(&env) && before.is_some() {
                stats.killed_mid_write += 1;
            } else {
                stats.killed_before_writing += 1;
            }
        }
    }

    // Finally every index against every record.
    let all_actors: BTreeSet<String> = ACTORS.iter().map(|s| s.to_string()).collect();
    let snap = verify(&env, &mut model, &all_actors, "the last round")
        .expect("the database exists after the loop");
    if !snap.events.is_empty() {
        let listed = timeline_ids(&env, None);
        let records: BTreeSet<String> = snap.events.keys().cloned().collect();
        assert_eq!(listed, records, "the timeline disagrees with the records");
    }
    eprintln!(
        "crash loop: seed {seed:#x}, {rounds} rounds, uninterrupted write {write_time:?} at first, {:?} at last, read {read_time:?}, kill delays 0..=N ms for N in {max_delays:?}; {stats:?}; {} events and {} sources at the end",
        samples.last().expect("a sample"),
        snap.events.len(),
        snap.sources.len()
    );
}

/// The first write, which creates the database, killed at random moments:
/// the directory left behind must be usable.
#[test]
fn killed_creation_leaves_a_usable_database() {
    let seed = seed();
    let mut rng = Lcg::new(seed.wrapping_add(1));
    let (write_time, _) = calibrate();
    let max_delay = (write_time.as_millis() as u64 * 5 / 4).max(40);
    let mut landed = 0;
    for attempt in 0..8 {
        let env = TestEnv::new();
        let delay = rng.below(max_delay + 1);
        let mut cmd = env.std_cmd();
        cmd.args(add_args("first", "Actor 1", None));
        let run = run_killed(cmd, Some(Duration::from_millis(delay)));
        let context =
            format!("creation attempt {attempt} (seed {seed:#x}) killed after {delay} ms");
        assert_no_panic(&run.output, &context);
        let acked = run.acknowledged("first");
        assert!(acked || run.killed, "{context}: {}", run.stderr());
        landed += u64::from(run.killed);
        let mut model = Model::default();
        let first = Op::Add {
            id: "first".into(),
            actor: "Actor 1".into(),
            source: None,
        };
        model.record(&first, acked);
        let actors = BTreeSet::from(["Actor 1".to_string()]);
        verify(&env, &mut model, &actors, &context);
        let second = Op::Add {
            id: "second".into(),
            actor: "Actor 1".into(),
            source: None,
        };
        let out = env.run_ok(second.args());
        assert_eq!(out.trim(), "second", "{context}");
        model.record(&second, true);
        verify(
            &env,
            &mut model,
            &actors,
            &format!("{context}, then a write"),
        );
    }
    eprintln!(
        "creation kills: 8 attempts, {landed} killed before finishing (delays 0..={max_delay} ms)"
    );
}

/// One writer loop: `event add` for ids PREFIX0..PREFIX19; (id, output) each.
fn add_loop(
    env: &TestEnv,
    prefix: &str,
    wait: Option<&str>,
    start: &Barrier,
) -> Vec<(String, Output)> {
    start.wait();
    (0..20)
        .map(|i| {
            let id = format!("{prefix}{i}");
            let mut cmd = env.std_cmd();
            if let Some(secs) = wait {
                cmd.args(["--wait", secs]);
            }
            cmd.args(add_args(&id, &format!("Writer {prefix}"), None));
            (id, cmd.output().expect("run factline"))
        })
        .collect()
}

fn two_writers(wait: Option<&str>) -> (Vec<String>, Vec<String>) {
    let env = TestEnv::new();
    let start = Barrier::new(2);
    let results: Vec<(String, Output)> = thread::scope(|s| {
        let a = s.spawn(|| add_loop(&env, "a", wait, &start));
        let b = s.spawn(|| add_loop(&env, "b", wait, &start));
        let mut all = a.join().expect("writer a");
        all.extend(b.join().expect("writer b"));
        all
    });
    let mut succeeded = Vec::new();
    let mut failed = Vec::new();
    for (id, out) in results {
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_no_panic(&out, &format!("concurrent event add --id {id}"));
        match out.status.code() {
            Some(0) => {
                assert_eq!(stdout.trim(), id, "event add --id {id} printed");
                succeeded.push(id);
            }
            Some(3) if stderr.contains(IN_USE) => failed.push(id),
            _ => panic!(
                "concurrent event add --id {id} (wait {wait:?}): {}\nstdout: {stdout}\nstderr: {stderr}",
                out.status
            ),
        }
    }
    run_check(&env, &format!("two writers (wait {wait:?})"));
    let snap = snapshot(&env);
    for id in &succeeded {
        assert!(
            snap.events.contains_key(id),
            "{id} succeeded but is missing"
        );
    }
    for id in &failed {
        assert!(!snap.events.contains_key(id), "{id} failed but is present");
    }
    assert_eq!(
        snap.events.len(),
        succeeded.len(),
        "events present: {:?}",
        snap.events.keys()
    );
    for writer in ["Writer a", "Writer b"] {
        let expected: BTreeSet<String> = succeeded
            .iter()
            .filter(|id| id.starts_with(&writer[7..]))
            .cloned()
            .collect();
        if !expected.is_empty() {
            assert_eq!(
                timeline_ids(&env, Some(writer)),
                expected,
                "timeline of {writer}"
            );
        }
    }
    (succeeded, failed)
}

/// Two processes writing at once: each write succeeds or is refused as busy
/// (exit 3), and exactly the successful ones are kept; with `--wait`, all are.
#[test]
fn two_writers_are_serialized() {
    let (succeeded, failed) = two_writers(None);
    assert_eq!(succeeded.len() + failed.len(), 40);
    eprintln!(
        "two writers without --wait: {} succeeded, {} refused as busy",
        succeeded.len(),
        failed.len()
    );

    let (succeeded, failed) = two_writers(Some("10"));
    assert!(failed.is_empty(), "with --wait 10, refused: {failed:?}");
    assert_eq!(succeeded.len(), 40);
}

/// Holds the database in this process for `hold`, signalling once it is held.
fn hold_database(env: &TestEnv, hold: Duration) -> thread::JoinHandle<()> {
    let path = env.db().to_path_buf();
    let (held, is_held) = mpsc::channel();
    let holder = thread::spawn(move || {
        let store = factline::store::Store::open(&path, factline::store::Access::Write)
            .expect("open the database in the test");
        held.send(()).expect("signal");
        thread::sleep(hold);
        drop(store);
    });
    is_held.recv().expect("the holder opened the database");
    holder
}

/// A lock held for a while: `--wait 5` gets the database once it is
/// released; `--wait 0.2` gives up after about 0.2 s.
#[test]
fn wait_outlasts_a_held_lock() {
    let env = TestEnv::new();
    env.run_ok(add_args("before", "Actor 1", None));

    let holder = hold_database(&env, Duration::from_millis(1500));
    let start = Instant::now();
    let mut args = vec!["--wait".to_string(), "5".to_string()];
    args.extend(add_args("waited", "Actor 1", None));
    let out = env.output(&args);
    let elapsed = start.elapsed();
    holder.join().expect("holder");
    assert_no_panic(&out, "--wait 5 while the database is held");
    assert!(
        out.status.success(),
        "--wait 5 failed after {elapsed:?}: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "waited");
    assert!(
        elapsed >= Duration::from_millis(1000) && elapsed < Duration::from_secs(5),
        "--wait 5 returned after {elapsed:?}, while the database was held for 1.5 s"
    );

    let holder = hold_database(&env, Duration::from_millis(1500));
    let start = Instant::now();
    let mut args = vec!["--wait".to_string(), "0.2".to_string()];
    args.extend(add_args("impatient", "Actor 1", None));
    let out = env.output(&args);
    let elapsed = start.elapsed();
    holder.join().expect("holder");
    assert_no_panic(&out, "--wait 0.2 while the database is held");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(3),
        "--wait 0.2: {}\nstderr: {stderr}",
        out.status
    );
    assert!(stderr.contains(IN_USE), "--wait 0.2: {stderr}");
    assert!(
        elapsed >= Duration::from_millis(200) && elapsed < Duration::from_millis(1000),
        "--wait 0.2 gave up after {elapsed:?}"
    );

    run_check(&env, "the held-lock waits");
    let snap = snapshot(&env);
    let ids: Vec<&String> = snap.events.keys().collect();
    assert_eq!(ids, ["before", "waited"]);
}

/// bb27 #03: `factline export > dump.ndjson` that fails part-way (here a
/// damaged event record; a full disk or a kill do the same) has already
/// written the header and the records before the failure. That dump ends
/// without its trailer, and `import` refuses it in one line naming the
/// file, writing nothing, where it used to import half the events as if
/// the dump were whole. A dump cut in the middle of a line is refused the
/// same way.
#[test]
fn a_dump_cut_short_by_a_failed_export_is_refused_by_import() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let whole = env.export_ndjson();
    // Damage an event record in the middle of the events: the export stops there.
    let mut events: Vec<Vec<u8>> = Vec::new();
    testenv::pages::damage(env.db(), |entries| {
        events = entries
            .keys()
            .filter(|k| k.first() == Some(&b'e'))
            .cloned()
            .collect();
        let key = events[events.len() / 2].clone();
        let value = entries.get_mut(&key).expect("the event record");
        value.truncate(value.len() / 2);
    });
    let out = env.output(["export"]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let cut = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(
        cut.starts_with(r#"{"type":"header""#) && cut.ends_with('\n') && whole.starts_with(&cut),
        "the failed export wrote the start of the dump:\n{cut}"
    );
    let file = env.write_file("dump.ndjson", &cut);
    let new_db = env.path("new.db");
    let args = |file: &std::path::Path| {
        vec![
            std::ffi::OsString::from("--db"),
            new_db.clone().into(),
            "import".into(),
            file.into(),
        ]
    };
    let stderr = env.fail(2, args(&file));
    testenv::assert_one_error_line(&stderr);
    assert!(
        stderr.contains(&format!("{}: the dump is cut short", file.display())),
        "{stderr}"
    );
    assert!(!new_db.exists(), "nothing written: {stderr}");

    // Cut in the middle of a line, as a killed export can leave it.
    let half = env.write_file("half.ndjson", &whole[..whole.len() - 40]);
    let stderr = env.fail(2, args(&half));
    testenv::assert_one_error_line(&stderr);
    assert!(stderr.contains("the dump is cut short"), "{stderr}");
    assert!(!new_db.exists(), "nothing written: {stderr}");

    // The whole dump imports, and exports again byte for byte.
    let full = env.write_file("whole.ndjson", &whole);
    env.run_ok(args(&full));
    let mut again = args(&full);
    again.truncate(2);
    again.push("export".into());
    assert_eq!(env.run_ok(again), whole);
}

/// Fills the disk that holds `dir` to the last byte: writes a file there
/// until the disk refuses more.
fn fill_disk(dir: &std::path::Path) {
    use std::io::Write;
    let mut filler = std::fs::File::create(dir.join("filler")).expect("create the filler");
    let chunk = vec![0u8; 4096];
    while filler.write_all(&chunk).is_ok() {}
    while filler.write_all(&[0]).is_ok() {}
}

/// A backup onto a disk full to the last byte (a USB stick someone else
/// filled) failed with `cannot create …/story-backup.partial: No space left
/// on device (os error 28)` and left that directory on the stick: the
/// working copy's marker could not be written. Like a backup that runs out
/// of room while copying, it names the disk and the room it needs, and
/// leaves nothing behind (`restore` and `compact` claim their working copy
/// the same way).
#[test]
fn a_backup_onto_a_disk_with_no_room_even_for_its_marker_names_the_disk() {
    let env = TestEnv::new();
    env.run_ok(["-q", "example"]);
    let usb = env.path("usb");
    let Some(_usb) = testenv::SmallDisk::mount(usb.clone(), "256k") else {
        return;
    };
    fill_disk(&usb);
    let dest = usb.join("story-backup");
    let stderr = env.fail(3, ["backup", dest.to_str().unwrap()]);
    testenv::assert_one_error_line(&stderr);
    assert!(
        stderr.contains(&format!("no space left on the disk of {}", dest.display()))
            && stderr.contains("no backup was made"),
        "{stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(&usb)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["filler"], "nothing but the filler on the stick");
}

/// Runs the factline binary with `args` on `env`'s database as a user who
/// may not write what the test made read-only: as itself, or, when the
/// tests run as root (whom permissions do not bind), as `nobody`, through
/// a copy of the binary that user may run.
fn run_without_write_permission(env: &TestEnv, args: &[&str]) -> Output {
    use std::os::unix::fs::PermissionsExt;
    let as_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|id| String::from_utf8_lossy(&id.stdout).trim() == "0");
    std::fs::set_permissions(env.root(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let binary = env.path("factline");
    std::fs::copy(assert_cmd::cargo::cargo_bin("factline"), &binary).unwrap();
    let mut cmd = if as_root {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "nobody", "--"]).arg(&binary);
        cmd
    } else {
        Command::new(&binary)
    };
    cmd.args(args)
        .env("FACTLINE_DB", env.db())
        .env_remove("FACTLINE_NOW")
        .current_dir(env.root())
        .output()
        .expect("run factline")
}

/// Makes `path` and everything under it read-only for everyone.
fn make_read_only(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            make_read_only(&entry.unwrap().path());
        }
    }
    let mode = if path.is_dir() { 0o555 } else { 0o444 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// `restore` over a database the user may not write (a colleague's shared
/// dataset) failed with `cannot open …/factline.lock: Permission denied`,
/// naming a file the user never heard of. It is refused as every writing
/// command refuses such a database, and the database stays as it was.
#[test]
fn restore_over_a_read_only_database_says_it_is_read_only() {
    let env = TestEnv::new();
    env.run_ok(["-q", "example"]);
    let backup = env.path("backup");
    env.run_ok(["-q", "backup", backup.to_str().unwrap()]);
    env.run_ok(["-q", "source", "add", "Added after the backup"]);
    let before = env.export_ndjson();
    make_read_only(env.db());

    let out = run_without_write_permission(&env, &["restore", backup.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    testenv::assert_one_error_line(&stderr);
    assert!(
        stderr.contains("is read-only here (permission denied); this command writes to it")
            && !stderr.contains("factline.lock"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before, "the database is unchanged");
}
