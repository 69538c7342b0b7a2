//! The HTML export in a real browser: headless Chromium (Debian's
//! `chromium`, which `.ci/run` installs) loads it with no console errors,
//! runs its script (every event of the example shown and counted), and
//! renders a picture that is not blank.

mod testenv;

use std::path::Path;
use std::process::Command;

use testenv::TestEnv;

/// Runs headless Chromium on `page` with `args`, returning (stdout, stderr).
fn chromium(env: &TestEnv, page: &Path, args: &[&str]) -> (String, String) {
    let profile = env.path("chromium-profile");
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1700,900",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("Chromium runs (apt-get install chromium; .ci/run does it)");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_html_export_loads_cleanly_and_shows_every_event() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let page = env.path("story.html");
    env.run_ok(["export", "--format", "html", "-o", page.to_str().unwrap()]);
    let events = env.json(["timeline"]).as_array().unwrap().len();

    let (dom, log) = chromium(&env, &page, &["--dump-dom"]);
    // Console messages are logged as CONSOLE(...) lines; errors as uncaught exceptions.
    for line in log.lines() {
        assert!(
            !(line.contains("CONSOLE") && (line.contains("Error") || line.contains("Uncaught"))),
            "console error: {line}"
        );
    }
    assert_eq!(
        dom.matches(r#"<g class="event""#).count(),
        events,
        "every event is drawn"
    );
    // The script ran: it counted the events it shows.
    assert!(
        dom.contains(&format!("{events} of {events} events")),
        "the filter script ran"
    );
    assert!(dom.contains("Witkoff to meet Zelenskyy in Türkiye"));
    assert!(
        dom.contains(r#"class="graph""#),
        "the who-met graph is on the page"
    );

    let shot = env.path("story.png");
    chromium(&env, &page, &[&format!("--screenshot={}", shot.display())]);
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let pixels = &pixels[..info.buffer_size()];
    let distinct: std::collections::HashSet<&[u8]> = pixels.chunks(3).take(2_000_000).collect();
    assert!(
        distinct.len() > 20,
        "the screenshot is not blank ({} colours)",
        distinct.len()
    );
}
