//! Every command's `--help` is a snapshot (tests/snapshots/): help text is
//! part of the interface, and a change to it shows up in review.
//! Update with `INSTA_UPDATE=always cargo test --test help`.

use clap::CommandFactory;

/// Every command path: [], ["actor"], ["actor", "add"], …
fn command_paths(command: &clap::Command, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(prefix.clone());
    for sub in command.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let mut path = prefix.clone();
        path.push(sub.get_name().to_string());
        command_paths(sub, path, out);
    }
}

#[test]
fn every_command_has_help_with_an_example_and_it_is_stable() {
    let mut paths = Vec::new();
    command_paths(&factline::cli::Cli::command(), Vec::new(), &mut paths);
    assert!(
        paths.len() > 30,
        "all commands are enumerated: {}",
        paths.len()
    );
    for path in paths {
        let out = assert_cmd::Command::cargo_bin("factline")
            .unwrap()
            .args(&path)
            .arg("--help")
            .env("COLUMNS", "100")
            .env_remove("FACTLINE_DB")
            .assert()
            .success();
        let help = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(
            help.contains("Example"),
            "`factline {} --help` has an example",
            path.join(" ")
        );
        let name = if path.is_empty() {
            "factline".to_string()
        } else {
            format!("factline-{}", path.join("-"))
        };
        insta::assert_snapshot!(name, help);
    }
}
