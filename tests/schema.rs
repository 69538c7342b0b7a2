//! `schema/ndjson.schema.json` describes what `export` writes: every line of
//! the example's dump validates against it. Uses Python's `jsonschema`
//! (`.ci/run` installs it when missing).

mod testenv;

use std::io::Write;
use std::process::{Command, Stdio};

use testenv::TestEnv;

const VALIDATOR: &str = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for number, line in enumerate(sys.stdin, 1):
    for error in validator.iter_errors(json.loads(line)):
        bad += 1
        print(f"line {number}: {error.message}")
sys.exit(1 if bad else 0)
"#;

#[test]
fn every_dump_line_matches_the_json_schema() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    // Exercise fields the example leaves empty: a graded source, a link with
    // credibility and via, a retraction.
    env.run_ok(["source", "add", "Reuters", "--grade", "B"]);
    env.run_ok([
        "link",
        "2025-08-alaska-summit",
        "Reuters",
        "--credibility",
        "2",
        "--via",
        "axios",
        "--quote",
        "met in Alaska",
    ]);
    env.run_ok([
        "retract",
        "2025-russia-frames-child-returns",
        "--reason",
        "test",
    ]);
    let dump = env.export_ndjson();
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/ndjson.schema.json");
    let mut child = Command::new("python3")
        .args(["-c", VALIDATOR, schema])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs (with jsonschema: pip install jsonschema; .ci/run does it)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(dump.as_bytes())
        .expect("write the dump");
    let out = child.wait_with_output().expect("validator finishes");
    assert!(
        out.status.success(),
        "dump does not match schema/ndjson.schema.json:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
