//! Every example in `--help` runs: each `Example: factline …` line of every
//! command's help, read from the binary, is run against a fresh copy of the
//! bundled example database and must exit 0 (or the exit code its help
//! gives, written `(exit N)` after the example), so that help examples
//! cannot name ids that do not exist or flags that are gone.

mod testenv;

use std::path::Path;

use testenv::TestEnv;

/// The long help of `factline PATH… --help`.
fn help(env: &TestEnv, path: &[String]) -> String {
    let mut args = path.to_vec();
    args.push("--help".to_string());
    env.run_ok(&args)
}

/// The subcommands a help lists under "Commands:" (without `help`).
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim() != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        // A subcommand's line starts with two spaces and its name; a
        // description wrapped onto the next line is indented further.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// Every command path (`[]`, `["actor"]`, `["actor", "add"]`, …) and its help.
fn every_help(env: &TestEnv) -> Vec<(Vec<String>, String)> {
    let mut found = Vec::new();
    let mut pending = vec![Vec::new()];
    while let Some(path) = pending.pop() {
        let text = help(env, &path);
        for name in subcommands(&text) {
            let mut sub = path.clone();
            sub.push(name);
            pending.push(sub);
        }
        found.push((path, text));
    }
    found.sort();
    found
}

/// The examples of a help: each paragraph starting with `Example` whose
/// command starts with `factline`, its wrapped lines joined.
fn examples(help: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    for line in help.lines().chain([""]) {
        if line.trim().is_empty() {
            let text = paragraph.join(" ");
            if text.starts_with("Example") {
                if let Some((_, command)) = text.split_once(": ") {
                    if command.starts_with("factline ") {
                        found.push(command.to_string());
                    }
                }
            }
            paragraph.clear();
        } else {
            paragraph.push(line.trim());
        }
    }
    found
}

/// Splits a shell command line into words (double and single quotes), and
/// at `&&` into commands; stops at a pipe or redirection, whose other side
/// is not factline. Returns the commands and the exit code the example
/// says it ends with (`(exit N)` after it; 0 otherwise).
fn commands(example: &str) -> (Vec<Vec<String>>, i32) {
    let (line, code) = match example.rsplit_once("(exit ") {
        Some((line, rest)) => (
            line.trim_end(),
            rest.trim_end_matches(')').parse().expect("(exit N)"),
        ),
        None => (example, 0),
    };
    let mut commands = vec![Vec::new()];
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                let word = word.get_or_insert_with(String::new);
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    word.push(q);
                }
            }
            ' ' => {
                if let Some(w) = word.take() {
                    if w == "&&" {
                        commands.push(Vec::new());
                    } else {
                        commands.last_mut().unwrap().push(w);
                    }
                }
            }
            '|' | '>' if word.is_none() => break,
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    if let Some(w) = word {
        commands.last_mut().unwrap().push(w);
    }
    for command in &mut commands {
        assert_eq!(
            command.first().map(String::as_str),
            Some("factline"),
            "{example}"
        );
        command.remove(0);
    }
    (commands, code)
}

/// Copies a database directory (the template, closed).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// What an example assumes beyond the example database, made as a user
/// would have it: the files it reads, the look-alike actor a bulk import
/// left behind for `actor merge`.
fn prepare(env: &TestEnv, args: &[String]) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args[..] {
        ["actor", "merge", _, from] => {
            env.run_ok(["actor", "add", from, "--new-actor"]);
        }
        ["restore", backup] => {
            env.run_ok(["backup", backup]);
        }
        ["import", "sheet.csv", ..] => {
            env.write_file(
                "sheet.csv",
                "Headline,Date\nTalks resume in Geneva,2025-11-23\n",
            );
        }
        ["import", file, ..] => panic!("an example imports {file}: make it here"),
        _ => {}
    }
}

#[test]
fn every_help_example_runs_on_the_example_database() {
    let template = TestEnv::new();
    template.run_ok(["example"]);
    let helps = every_help(&template);
    assert!(helps.len() > 40, "every command's help: {}", helps.len());
    let mut ran = 0;
    let mut failed = Vec::new();
    for (path, text) in &helps {
        let found = examples(text);
        assert!(
            !found.is_empty() || path.is_empty() || subcommands(text).len() > 1,
            "factline {} --help has no example",
            path.join(" ")
        );
        for example in found {
            let (commands, code) = commands(&example);
            let env = TestEnv::new();
            // The database of the environment, and `story.db` for the
            // examples that name one with --db.
            copy_dir(template.db(), env.db());
            copy_dir(template.db(), &env.path("story.db"));
            for (i, args) in commands.iter().enumerate() {
                prepare(&env, args);
                let out = env.output(args);
                let want = if i + 1 == commands.len() { code } else { 0 };
                if out.status.code() != Some(want) {
                    failed.push(format!(
                        "factline {} --help: `{example}` exits {:?}, not {want}: {}",
                        path.join(" "),
                        out.status.code(),
                        String::from_utf8_lossy(&out.stderr).trim()
                    ));
                    break;
                }
            }
            ran += 1;
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert!(ran > 40, "{ran} examples ran");
}

#[test]
fn examples_are_read_as_a_shell_reads_them() {
    assert_eq!(
        commands(r#"factline claim rate x disputed --note "a b" | head > f"#),
        (
            vec![vec![
                "claim".to_string(),
                "rate".into(),
                "x".into(),
                "disputed".into(),
                "--note".into(),
                "a b".into()
            ]],
            0
        )
    );
    assert_eq!(
        commands("factline example && factline path a b (exit 1)"),
        (
            vec![
                vec!["example".to_string()],
                vec!["path".to_string(), "a".into(), "b".into()]
            ],
            1
        )
    );
    assert_eq!(
        examples("About.\n\nExample: factline x --note \"a\nb\"\n\nUsage: factline x\n"),
        ["factline x --note \"a b\""]
    );
}

/// The options every command has (global), which the README describes once.
const GLOBAL: &[&str] = &[
    "--db",
    "--format",
    "--as-of",
    "--color",
    "--quiet",
    "--verbose",
    "--wait",
    "--help",
    "--version",
];

/// The synopses of the README's command table: each code span of its first
/// column (`event postpone ID [--to D] [--source S]`).
fn readme_synopses() -> Vec<String> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let table = readme
        .split("## Commands")
        .nth(1)
        .expect("a Commands section")
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2);
    let mut synopses = Vec::new();
    for row in table {
        // The first column ends at the first `|` outside a code span.
        let mut in_code = false;
        let mut first = String::new();
        let mut chars = row[1..].chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '`' => in_code = !in_code,
                '\\' if chars.peek() == Some(&'|') => {
                    first.push('|');
                    chars.next();
                    continue;
                }
                '|' if !in_code => break,
                _ => {}
            }
            first.push(c);
        }
        synopses.extend(
            first
                .split('`')
                .skip(1)
                .step_by(2)
                .map(|s| s.trim().to_string()),
        );
    }
    synopses
}

/// The long options (and short ones) a help lists, global ones left out:
/// `["--to", "-o|--output"]`.
fn options(help: &str) -> Vec<Vec<String>> {
    help.lines()
        .skip_while(|l| l.trim() != "Options:")
        // An option's line: `  -o, --output <OUTPUT>` or `      --to <TO>`.
        .filter(|l| l.starts_with("  -") || l.starts_with("      --"))
        .map(|l| {
            l.trim()
                .split([' ', ','])
                .filter(|w| w.starts_with('-'))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|names| !names.iter().any(|n| GLOBAL.contains(&n.as_str())))
        .collect()
}

/// The README's command table and `--help` agree: every command is in the
/// table, with every option its help lists (a synopsis ending in ` …`,
/// `actor edit ACTOR …`, stands for the options of its help), and the table names no option the command
/// does not take.
#[test]
fn the_readme_command_table_lists_every_command_and_option_of_the_help() {
    let env = TestEnv::new();
    let synopses = readme_synopses();
    let mut problems = Vec::new();
    for (path, text) in every_help(&env) {
        if path.is_empty() || subcommands(&text).len() > 1 {
            continue;
        }
        let name = path.join(" ");
        let Some(synopsis) = synopses
            .iter()
            .find(|s| *s == &name || s.starts_with(&format!("{name} ")))
        else {
            problems.push(format!("`{name}` is not in the README's command table"));
            continue;
        };
        let words: Vec<&str> = synopsis
            .split([' ', '[', ']', '=', '…'])
            .filter(|w| !w.is_empty())
            .collect();
        let listed = options(&text);
        if !synopsis.ends_with(" …") {
            for names in &listed {
                if !names.iter().any(|n| words.contains(&n.as_str())) {
                    problems.push(format!("README `{synopsis}` lacks {}", names.join("/")));
                }
            }
        }
        // The values an argument takes (`completions bash|zsh|…`).
        let arguments = text.split("Options:").next().unwrap_or("");
        for values in arguments.split("[possible values: ").skip(1) {
            let values = values.split(']').next().unwrap_or("");
            for value in values.split(", ") {
                if !synopsis.split([' ', '|', '[', ']']).any(|w| w == value) {
                    problems.push(format!("README `{synopsis}` lacks the value {value}"));
                }
            }
        }
        for word in words
            .iter()
            .filter(|w| w.starts_with('-') && w.len() > 1 && !GLOBAL.contains(w))
        {
            if !listed.iter().flatten().any(|n| n == word) {
                problems.push(format!(
                    "README `{synopsis}` names {word}, which `{name} --help` does not list"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `event cancel --help` listed `--to`, which cancel always refuses (a
/// cancelled event keeps its planned date); it is hidden, and the refusal
/// still says what to use instead.
#[test]
fn cancel_does_not_offer_the_to_it_refuses() {
    let env = TestEnv::new();
    let help = help(&env, &["event".to_string(), "cancel".to_string()]);
    assert!(!help.contains("--to"), "{help}");
    assert!(help.contains("--source"), "{help}");
    for command in ["postpone", "reschedule"] {
        let help = self::help(&env, &["event".to_string(), command.to_string()]);
        assert!(help.contains("--to"), "{command}: {help}");
    }
    env.run_ok(["example"]);
    let err = env.fail(
        2,
        [
            "event",
            "cancel",
            "2025-11-19-witkoff-zelenskyy-turkiye",
            "--to",
            "2025-12-01",
        ],
    );
    assert!(err.contains("reschedule"), "{err}");
}

/// One command of the README's tour: its words, the exit code the README
/// gives it, and what it says the command prints.
#[derive(Debug, Default)]
struct TourCommand {
    line: String,
    args: Vec<String>,
    code: i32,
    /// The stderr line shown below it (`#  factline: …`), up to an `…`.
    stderr: Option<String>,
    /// The stdout shown for it: a `#  prints its id: ID` comment, or the
    /// output lines after a `$ factline …` line in a `text` block.
    stdout: Option<String>,
}

/// The README's section `title`, up to the next `## ` heading.
fn readme_section(title: &str) -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let start = readme
        .find(&format!("\n## {title}\n"))
        .unwrap_or_else(|| panic!("a section {title}"));
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].to_string()
}

/// A line without its `# comment` (a `#` after a space, outside quotes),
/// and the comment.
fn split_comment(line: &str) -> (&str, &str) {
    let mut quote = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if previous.is_whitespace() => return (&line[..i], &line[i + 1..]),
            _ => {}
        }
        previous = c;
    }
    (line, "")
}

/// The exit code a comment gives a command (`# exit 1: …`, `# refused
/// (exit 2): …`); 0 when it names none.
fn comment_exit_code(comment: &str) -> i32 {
    comment.split("exit ").nth(1).map_or(0, |rest| {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().expect("`exit N` in a comment")
    })
}

/// Every `factline …` command of the README's tour, in order: the lines of
/// its `sh` blocks (a line ending in `\` continued on the next), and the
/// `$ factline …` lines of its `text` blocks with the output shown below.
fn tour_commands() -> Vec<TourCommand> {
    let tour = readme_section("A tour on the example");
    let mut found: Vec<TourCommand> = Vec::new();
    let mut block: Option<&str> = None;
    let mut pending = String::new();
    for line in tour.lines() {
        if let Some(kind) = line.strip_prefix("```") {
            block = if block.is_some() { None } else { Some(kind) };
            continue;
        }
        match block {
            Some("sh") => {
                if let Some(shown) = line.strip_prefix("#  ") {
                    let last = found.last_mut().expect("a command before its output");
                    if let Some(err) = shown.strip_prefix("factline: ") {
                        last.stderr = Some(err.split('…').next().unwrap().to_string());
                    } else if let Some(id) = shown.strip_prefix("prints its id: ") {
                        last.stdout = Some(format!("{id}\n"));
                    } else {
                        panic!("README tour: what does `{line}` say?");
                    }
                    continue;
                }
                let (code, comment) = split_comment(line);
                pending.push_str(code.trim_end());
                if let Some(start) = pending.strip_suffix('\\') {
                    pending = format!("{} ", start.trim_end());
                    continue;
                }
                let text = std::mem::take(&mut pending).trim().to_string();
                if text.starts_with("factline ") {
                    let (mut args, _) = commands(&text);
                    found.push(TourCommand {
                        line: text,
                        args: args.remove(0),
                        code: comment_exit_code(comment),
                        ..TourCommand::default()
                    });
                }
            }
            Some("text") => {
                if let Some(command) = line.strip_prefix("$ ") {
                    let (mut args, _) = commands(command);
                    found.push(TourCommand {
                        line: command.to_string(),
                        args: args.remove(0),
                        stdout: Some(String::new()),
                        ..TourCommand::default()
                    });
                } else if let Some(out) = found.last_mut().and_then(|c| c.stdout.as_mut()) {
                    out.push_str(line);
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
    found
}

/// What a tour command reads that the tour does not make: the sheets that
/// stand for the reader's own (`sheet.csv`, `acled.csv`), and the
/// look-alike actor a bulk import would have added for `actor merge`.
fn prepare_tour(env: &TestEnv, args: &[String]) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args[..] {
        ["actor", "merge", _, from] => {
            env.run_ok(["actor", "add", from, "--new-actor"]);
        }
        ["import", "sheet.csv", ..] => {
            env.write_file(
                "sheet.csv",
                "Headline,When,Who\nTalks resume in Geneva,2025-11-23,Umerov; Witkoff\n",
            );
        }
        ["import", "acled.csv", ..] => {
            env.write_file(
                "acled.csv",
                "event_date,event_type,actor1,actor2\n2025-11-21,Battles,Russia,Ukraine\n",
            );
        }
        _ => {}
    }
}

/// The README's tour runs as written: each of its `factline` commands, in
/// order, on one database loaded with `factline example`, exits as the
/// README says (0, or the `exit N` of its comment), and prints what it
/// shows (the table of a `$ factline …` line, an id, an error line). The
/// `alias` line and what follows a pipe (`| dot -Tsvg`) are not factline.
#[test]
fn the_readme_tour_runs_as_written_on_the_example() {
    let tour = tour_commands();
    assert!(tour.len() > 50, "{} tour commands", tour.len());
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let mut failed = Vec::new();
    for command in &tour {
        prepare_tour(&env, &command.args);
        let out = env.output(&command.args);
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        if out.status.code() != Some(command.code) {
            failed.push(format!(
                "`{}` exits {:?}, not {}: {}",
                command.line,
                out.status.code(),
                command.code,
                stderr.trim()
            ));
        }
        if let Some(want) = &command.stderr {
            if !stderr.contains(want.as_str()) {
                failed.push(format!("`{}` says {stderr:?}, not {want:?}", command.line));
            }
        }
        if let Some(want) = &command.stdout {
            if stdout != *want {
                failed.push(format!("`{}` prints\n{stdout}not\n{want}", command.line));
            }
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
