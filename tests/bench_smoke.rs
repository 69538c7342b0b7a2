//! Smoke test of the benchmark script: `bench/run.sh` runs end to end on a
//! small generated dataset (2,000 events, one run of each step) with the
//! binary under test, prints its table with a row for every step, and finds
//! the same answers in factline and SQLite (the script fails otherwise).
//! Timings are not checked. Needs bash, python3 and sqlite3.

use std::path::Path;
use std::process::Command;

/// The start of the table row of each step.
const STEPS: &[&str] = &[
    "| import (SQLite: .import + 4 indexes) |",
    "| ↳ of which SQLite CREATE INDEX |",
    "| ↳ sled alone: storing the import's pages (examples/sled_load) |",
    "| who-met busiest (Actor 00000) |",
    "| who-met rare (",
    "| ↳ sled alone: open + read one page (examples/sled_open) |",
    "| path (",
    "| network --hops 2 (Actor 00001) |",
    "| one-month timeline (2010-06-01..2010-06-30) |",
    "| CSV export (all events) |",
    "| open + tiny query |",
    "| size on disk (MB) |",
    "| import peak memory (MB, max RSS) |",
];

#[test]
fn bench_script_runs_on_a_small_dataset() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("bash")
        .arg(root.join("bench/run.sh"))
        .arg("2000")
        .current_dir(root)
        .env("FACTLINE_BIN", assert_cmd::cargo::cargo_bin("factline"))
        .env("RUNS", "1")
        .env_remove("BENCH_DIR")
        .env_remove("BENCH_KEEP")
        .env_remove("FACTLINE_DB")
        .output()
        .expect("bash runs bench/run.sh");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "bench/run.sh 2000 failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    assert!(
        stdout.contains("| step | factline (s) | SQLite (s) | ratio factline/SQLite | target |"),
        "no table header in:\n{stdout}"
    );
    for step in STEPS {
        let row = stdout.lines().find(|line| line.starts_with(step));
        let row = row.unwrap_or_else(|| panic!("no row {step:?} in:\n{stdout}"));
        assert_eq!(
            row.matches('|').count(),
            6,
            "row {row:?} does not have five cells"
        );
    }
    assert!(
        stdout.contains("bash bench/run.sh 2000"),
        "no command to reproduce in:\n{stdout}"
    );
}
