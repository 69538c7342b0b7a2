//! A hermetic test environment for the `factline` binary, in the spirit of
//! sharkdp/fd's `tests/testenv`: every test gets its own temporary directory
//! with its own database, and commands run with a clean factline environment.

#![allow(dead_code)]

pub mod dump;
pub mod pages;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// A temporary directory holding a database path (`<tmp>/db`, not created
/// until a write command creates it) and room for scratch files.
pub struct TestEnv {
    dir: tempfile::TempDir,
    db: PathBuf,
    now: Option<String>,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        let dir = tempfile::Builder::new()
            .prefix("factline-test-")
            .tempdir()
            .expect("create a temporary directory");
        let db = dir.path().join("db");
        TestEnv { dir, db, now: None }
    }

    /// Fixes the clock recorded on new versions (`FACTLINE_NOW`).
    pub fn with_now(mut self, now: &str) -> TestEnv {
        self.now = Some(now.to_string());
        self
    }

    /// The temporary directory.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The database directory (`<tmp>/db`).
    pub fn db(&self) -> &Path {
        &self.db
    }

    /// A path inside the temporary directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The `factline` binary, run in the temporary directory with
    /// `FACTLINE_DB` pointing at this environment's database and no
    /// inherited `FACTLINE_NOW`.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("factline").expect("the factline binary is built");
        cmd.current_dir(self.dir.path())
            .env("FACTLINE_DB", &self.db)
            .env_remove("FACTLINE_NOW");
        if let Some(now) = &self.now {
            cmd.env("FACTLINE_NOW", now);
        }
        cmd
    }

    /// A plain `std::process::Command` for the binary with the same
    /// environment, for tests that need to manage pipes themselves.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("factline"));
        cmd.current_dir(self.dir.path())
            .env("FACTLINE_DB", &self.db)
            .env_remove("FACTLINE_NOW");
        if let Some(now) = &self.now {
            cmd.env("FACTLINE_NOW", now);
        }
        cmd
    }

    /// Runs the binary and returns its output, whatever the exit status.
    pub fn output<I, S>(&self, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.cmd().args(args).output().expect("run factline")
    }

    /// Runs the binary, requires success and returns stdout.
    pub fn run_ok<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<_> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
        let out = self.output(&args);
        assert!(
            out.status.success(),
            "factline {:?} failed with {}\nstdout:\n{}\nstderr:\n{}",
            args,
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        String::from_utf8(out.stdout).expect("stdout is UTF-8")
    }

    /// Like `run_ok`, returning (stdout, stderr).
    pub fn run_ok_with_stderr<I, S>(&self, args: I) -> (String, String)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<_> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
        let out = self.output(&args);
        assert!(
            out.status.success(),
            "factline {:?} failed with {}\nstderr:\n{}",
            args,
            out.status,
            String::from_utf8_lossy(&out.stderr),
        );
        (
            String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        )
    }

    /// Runs the binary with `--format json`, requires success and parses stdout.
    pub fn json<I, S>(&self, args: I) -> serde_json::Value
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut all: Vec<std::ffi::OsString> =
            args.into_iter().map(|a| a.as_ref().to_owned()).collect();
        all.push("--format".into());
        all.push("json".into());
        let stdout = self.run_ok(&all);
        serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("factline {all:?} printed invalid JSON ({e}):\n{stdout}"))
    }

    /// Runs the binary, requires it to fail with `code`, and returns stderr.
    pub fn fail<I, S>(&self, code: i32, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<_> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
        let out = self.output(&args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "factline {:?}: expected exit code {code}, got {}\nstdout:\n{}\nstderr:\n{}",
            args,
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        String::from_utf8(out.stderr).expect("stderr is UTF-8")
    }

    /// The whole database as NDJSON (`factline export`).
    pub fn export_ndjson(&self) -> String {
        self.run_ok(["export", "--format", "ndjson"])
    }

    /// The names in the environment's directory (the database, its working
    /// directories, the copies set aside), sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.root())
            .expect("a readable directory")
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    /// The databases `restore` set aside (`db.before-restore-…`).
    pub fn set_aside(&self) -> Vec<PathBuf> {
        self.names()
            .into_iter()
            .filter(|name| name.contains(".before-restore-"))
            .map(|name| self.path(&name))
            .collect()
    }

    /// Starts the binary with `--verbose --wait 30` and `args`, and returns
    /// once it says it waits for the database (held by the test): by then
    /// it has opened the lock file. Returns the process and its stderr, to
    /// be read to the end before waiting for it (a full pipe would block it).
    pub fn spawn_waiting(
        &self,
        args: &[&str],
    ) -> (
        std::process::Child,
        std::io::BufReader<std::process::ChildStderr>,
    ) {
        let mut child = self
            .std_cmd()
            .args(["--verbose", "--wait", "30"])
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start factline");
        let mut stderr = std::io::BufReader::new(child.stderr.take().expect("piped stderr"));
        let mut said = String::new();
        while !said.contains("waiting up to") {
            let mut line = String::new();
            let read = std::io::BufRead::read_line(&mut stderr, &mut line).expect("stderr");
            assert!(read > 0, "factline {args:?} ended without waiting: {said}");
            said.push_str(&line);
        }
        (child, stderr)
    }

    /// The system calls of `calls` that `args` makes, one a line (strace
    /// `-y`: file descriptors shown with their paths); None, said on
    /// stderr, where strace cannot run here.
    pub fn traced(&self, args: &[&str], calls: &str) -> Option<Vec<String>> {
        let log = self.path("strace.log");
        let status = std::process::Command::new("strace")
            .current_dir(self.root())
            .env("FACTLINE_DB", self.db())
            .env_remove("FACTLINE_NOW")
            .args(["-f", "-qq", "-y", "-o"])
            .arg(&log)
            .args(["-e", &format!("trace={calls}")])
            .arg(assert_cmd::cargo::cargo_bin("factline"))
            .args(args)
            .stdout(std::process::Stdio::null())
            .status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("skipped: cannot trace factline with strace here");
            return None;
        }
        let lines = std::fs::read_to_string(&log).unwrap();
        std::fs::remove_file(&log).unwrap();
        Some(lines.lines().map(String::from).collect())
    }

    /// Writes a scratch file into the temporary directory and returns its path.
    pub fn write_file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).expect("write scratch file");
        path
    }
}

impl Default for TestEnv {
    fn default() -> TestEnv {
        TestEnv::new()
    }
}

/// Asserts `stderr` is exactly one line starting with `factline: `.
pub fn assert_one_error_line(stderr: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "expected exactly one line on stderr, got {}:\n{stderr}",
        lines.len()
    );
    assert!(
        lines[0].starts_with("factline: "),
        "stderr should start with \"factline: \": {stderr}"
    );
}

/// The proptest settings for properties that run the binary: `default_cases`
/// cases unless `FACTLINE_PROPTEST_CASES` says otherwise, bounded shrinking
/// (each case runs the binary dozens of times), and no regression file
/// written into the source tree.
pub fn binary_proptest_config(default_cases: u32) -> proptest::test_runner::Config {
    let cases = std::env::var("FACTLINE_PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default_cases);
    proptest::test_runner::Config {
        cases,
        max_shrink_iters: 64,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}

/// A small tmpfs at a directory, unmounted when dropped: a full disk or a
/// full TMPDIR for the tests that need one.
pub struct SmallDisk(PathBuf);

impl SmallDisk {
    /// Mounts a tmpfs of `size` (`1m`) at `dir`, made if missing; None
    /// where the test cannot mount one (it needs root on Linux): the test
    /// says so and passes.
    pub fn mount(dir: PathBuf, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(&dir).unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            eprintln!("skipped: cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(SmallDisk(dir))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}
