//! Integration tests for what factline writes: which export formats take
//! which options, the `history` listing of changes, and colour.

mod testenv;

use testenv::{assert_one_error_line, TestEnv};

fn example_env() -> TestEnv {
    let env = TestEnv::new();
    env.run_ok(["-q", "example"]);
    env
}

// ---------------------------------------------------------------------------
// export --what

#[test]
fn export_what_is_refused_by_every_format_but_csv() {
    let env = example_env();
    for format in [
        "dot",
        "graphml",
        "gexf",
        "timelinejs",
        "timelinejs-csv",
        "ndjson",
        "html",
        "svg",
    ] {
        for what in ["claims", "timeline"] {
            let out = env.output(["export", "--what", what, "--format", format]);
            assert_eq!(
                out.status.code(),
                Some(2),
                "--what {what} --format {format}"
            );
            assert!(out.stdout.is_empty(), "--format {format} wrote something");
            let err = String::from_utf8_lossy(&out.stderr);
            assert_one_error_line(&err);
            assert!(
                err.contains(&format!("--what {what}"))
                    && err.contains("--format csv")
                    && err.contains(format),
                "{err}"
            );
        }
    }
    // No --format: the NDJSON dump, which has no --what either.
    let err = env.fail(2, ["export", "--what", "claims"]);
    assert!(
        err.contains("--format csv") && err.contains("ndjson"),
        "{err}"
    );
    // Nothing is written to -o.
    let file = env.path("claims.dot");
    env.fail(
        2,
        ["export", "--what", "claims", "--format", "dot", "-o"]
            .into_iter()
            .map(String::from)
            .chain([file.display().to_string()]),
    );
    assert!(!file.exists());
}

#[test]
fn export_what_still_chooses_the_csv_table() {
    let env = example_env();
    let claims = env.run_ok(["export", "--format", "csv", "--what", "claims"]);
    assert!(claims.starts_with("id,date,claimant,text"), "{claims}");
    let timeline = env.run_ok(["export", "--format", "csv", "--what", "timeline"]);
    assert!(timeline.starts_with("id,date,title"), "{timeline}");
    assert_eq!(timeline, env.run_ok(["export", "--format", "csv"]));
}
