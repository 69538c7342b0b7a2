//! Claims, verdicts, contradictions, source grades, "via" chains and
//! corroboration, exercised through the binary.

mod testenv;

use std::collections::BTreeSet;

use serde_json::Value;
use testenv::TestEnv;

/// Runs a write command with `FACTLINE_NOW` set for this one command.
fn at(env: &TestEnv, now: &str, args: &[&str]) -> String {
    let out = env
        .cmd()
        .env("FACTLINE_NOW", now)
        .args(args)
        .assert()
        .success();
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

fn rows(value: &Value) -> &Vec<Value> {
    value.as_array().expect("a JSON array")
}

fn ids(value: &Value) -> BTreeSet<String> {
    rows(value)
        .iter()
        .map(|row| row["id"].as_str().expect("an id").to_string())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The contradicting pairs as unordered id pairs, with their reasons.
fn pairs(value: &Value) -> Vec<(BTreeSet<String>, Vec<String>)> {
    rows(value)
        .iter()
        .map(|row| {
            let ids = set(&[
                row["a"]["id"].as_str().expect("a.id"),
                row["b"]["id"].as_str().expect("b.id"),
            ]);
            let reasons = rows(&row["reasons"])
                .iter()
                .map(|r| r.as_str().expect("a reason").to_string())
                .collect();
            (ids, reasons)
        })
        .collect()
}

/// The arguments of `import FILE --what claims`.
fn claims_import_args(file: &std::path::Path) -> Vec<std::ffi::OsString> {
    vec![
        "import".into(),
        file.into(),
        "--what".into(),
        "claims".into(),
    ]
}

/// The row of `sources` naming this source.
fn link_row<'a>(sources: &'a Value, name: &str) -> &'a Value {
    rows(sources)
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no row for {name} in {sources}"))
}

fn corroboration(sources: &Value) -> u64 {
    let all: BTreeSet<u64> = rows(sources)
        .iter()
        .map(|r| r["corroboration"].as_u64().expect("a count"))
        .collect();
    assert_eq!(all.len(), 1, "every row carries the same count: {sources}");
    *all.iter().next().unwrap()
}

const ISW: &str = "Institute for the Study of War (ISW)";

#[test]
fn claim_add_records_claimant_text_date_quote_about_and_source() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let out = env.run_ok([
        "claim",
        "add",
        "--by",
        "Dmitriev",
        "--text",
        "The talks went well",
        "--date",
        "2025-11",
        "--about",
        "2025-10-24-miami-talks",
        "--source",
        "Axios",
        "--quote",
        "we were heard",
    ]);
    let id = out.trim();
    assert!(!id.is_empty() && out.lines().count() == 1, "{out:?}");

    let shown = env.json(["claim", "show", id]);
    assert_eq!(shown["id"], id);
    assert_eq!(shown["claimant"], "Kirill Dmitriev");
    assert_eq!(shown["text"], "The talks went well");
    assert_eq!(shown["date"], "2025-11");
    assert_eq!(shown["quote"], "we were heard");
    assert!(
        rows(&shown["about"])
            .iter()
            .any(|a| a == "2025-10-24-miami-talks"),
        "{shown}"
    );
    assert_eq!(shown["sources"], serde_json::json!(["Axios"]));
    assert_eq!(shown["verdict"], "unverified");
    assert_eq!(shown["corroboration"], 1);
    assert_eq!(shown["contradicted"], false);
    // The new claim is listed with the claimant's other claims.
    assert!(ids(&env.json(["claims", "--by", "dmitriev"])).contains(id));
}

#[test]
fn claim_add_creates_an_unknown_claimant_with_a_notice() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let (out, stderr) = env.run_ok_with_stderr([
        "claim",
        "add",
        "--by",
        "Hakan Fidan",
        "--text",
        "Talks can resume in Istanbul",
    ]);
    assert!(
        stderr.contains("created actor") && stderr.contains("Hakan Fidan"),
        "{stderr}"
    );
    let shown = env.json(["claim", "show", out.trim()]);
    assert_eq!(shown["claimant"], "Hakan Fidan");
    assert_eq!(shown["verdict"], "unverified");
    // Nothing reports it yet.
    assert_eq!(shown["corroboration"], 0);
    let actors = env.json(["actor", "list"]);
    assert!(
        rows(&actors).iter().any(|a| a["name"] == "Hakan Fidan"),
        "{actors}"
    );
}

#[test]
fn claim_add_refuses_bad_references_and_writes_nothing() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let before = env.export_ndjson();

    let stderr = env.fail(2, ["claim", "add", "--by", "Dmitriv", "--text", "T"]);
    assert!(
        stderr.contains("did you mean") && stderr.contains("Kirill Dmitriev"),
        "{stderr}"
    );
    testenv::assert_one_error_line(&stderr);

    let stderr = env.fail(
        2,
        [
            "claim",
            "add",
            "--by",
            "Dmitriev",
            "--text",
            "T",
            "--about",
            "no-such-thing",
        ],
    );
    assert!(stderr.contains("no-such-thing"), "{stderr}");

    let stderr = env.fail(
        2,
        [
            "claim",
            "add",
            "--by",
            "Dmitriev",
            "--text",
            "T",
            "--contradicts",
            "no-such-claim",
        ],
    );
    assert!(stderr.contains("no-such-claim"), "{stderr}");

    // A number needs the subject it counts.
    let stderr = env.fail(
        2,
        [
            "claim", "add", "--by", "Dmitriev", "--text", "T", "--value", "3",
        ],
    );
    assert!(stderr.contains("--subject"), "{stderr}");

    assert_eq!(
        env.export_ndjson(),
        before,
        "a refused claim wrote something"
    );
}

/// A fresh database with claims giving numbers: overlapping and disjoint
/// dates, equal values, different subjects, and a linked contradiction.
fn quantities() -> TestEnv {
    let env = TestEnv::new();
    let add = |id: &str, by: &str, extra: &[&str]| {
        let mut args = vec!["claim", "add", "--id", id, "--by", by, "--text", id];
        args.extend_from_slice(extra);
        assert_eq!(env.run_ok(&args).trim(), id);
    };
    add(
        "ua-19500",
        "Ukraine",
        &[
            "--subject",
            "deported-children",
            "--value",
            "19500",
            "--unit",
            "children",
            "--date",
            "2025",
        ],
    );
    add(
        "ru-700000",
        "Kremlin",
        &[
            "--subject",
            "deported-children",
            "--value",
            "700000",
            "--unit",
            "children",
            "--date",
            "2025-11",
        ],
    );
    // Same subject, different numbers, but years apart.
    for (id, value, date) in [("old-100", "100", "2023"), ("new-200", "200", "2025")] {
        add(
            id,
            "Ukraine",
            &[
                "--subject",
                "returned-children",
                "--value",
                value,
                "--unit",
                "children",
                "--date",
                date,
            ],
        );
    }
    // Same subject, same number.
    for (id, date) in [("same-a", "2025"), ("same-b", "2025-11")] {
        add(
            id,
            "Ukraine",
            &[
                "--subject",
                "prisoners-exchanged",
                "--value",
                "84",
                "--unit",
                "prisoners",
                "--date",
                date,
            ],
        );
    }
    // Different subjects, different numbers.
    add(
        "drones",
        "Kremlin",
        &[
            "--subject",
            "drones-downed",
            "--value",
            "57",
            "--date",
            "2025",
        ],
    );
    add(
        "missiles",
        "Kremlin",
        &[
            "--subject",
            "missiles-downed",
            "--value",
            "3",
            "--date",
            "2025",
        ],
    );
    // Words, linked as contradicting.
    add("words-said", "Ukraine", &["--date", "2025-11"]);
    add(
        "words-denied",
        "Kremlin",
        &["--date", "2025-11", "--contradicts", "words-said"],
    );
    env
}

#[test]
fn differing_quantities_at_overlapping_dates_contradict() {
    let env = quantities();
    let found = env.json(["contradictions"]);
    let quantity: Vec<&Value> = rows(&found)
        .iter()
        .filter(|r| r["reasons"] == serde_json::json!(["quantity"]))
        .collect();
    assert_eq!(quantity.len(), 1, "{found}");
    let row = quantity[0];
    let sides = [&row["a"], &row["b"]];
    let ua = sides
        .iter()
        .find(|s| s["id"] == "ua-19500")
        .expect("the 19500 side");
    let ru = sides
        .iter()
        .find(|s| s["id"] == "ru-700000")
        .expect("the 700000 side");
    assert_eq!(ua["claimant"], "Ukraine");
    assert_eq!(ua["value"], 19500.0);
    assert_eq!(ua["unit"], "children");
    assert_eq!(ru["claimant"], "Kremlin");
    assert_eq!(ru["value"], 700000.0);
    assert_eq!(ru["date"], "2025-11");
}

#[test]
fn disjoint_dates_equal_values_and_other_subjects_do_not_contradict() {
    let env = quantities();
    let mut found = pairs(&env.json(["contradictions"]));
    found.sort();
    assert_eq!(
        found,
        vec![
            (
                set(&["ru-700000", "ua-19500"]),
                vec!["quantity".to_string()]
            ),
            (
                set(&["words-denied", "words-said"]),
                vec!["linked".to_string()]
            ),
        ]
    );
    let involved: BTreeSet<String> = found.iter().flat_map(|(ids, _)| ids.clone()).collect();
    for id in [
        "old-100", "new-200", "same-a", "same-b", "drones", "missiles",
    ] {
        assert!(
            !involved.contains(id),
            "{id} should not contradict: {found:?}"
        );
    }
}

#[test]
fn a_claim_cannot_both_contradict_and_support_the_same_claim() {
    let env = quantities();
    let before = env.export_ndjson();
    let stderr = env.fail(
        2,
        [
            "claim",
            "add",
            "--by",
            "Kremlin",
            "--text",
            "both",
            "--supports",
            "ua-19500",
            "--contradicts",
            "words-said",
            "--contradicts",
            "ua-19500",
        ],
    );
    testenv::assert_one_error_line(&stderr);
    assert!(
        stderr.contains("--contradicts and --supports") && stderr.contains("ua-19500"),
        "{stderr}"
    );
    assert_eq!(
        env.export_ndjson(),
        before,
        "a refused claim wrote something"
    );
}

#[test]
fn a_supporting_claim_with_another_number_is_no_quantity_clash() {
    let env = quantities();
    // 20,000 children, recorded as supporting Ukraine's 19,500: an estimate
    // that agrees, not a contradiction.
    env.run_ok([
        "claim",
        "add",
        "--id",
        "ngo-20000",
        "--by",
        "NGO",
        "--text",
        "About 20,000 children were deported",
        "--subject",
        "deported-children",
        "--value",
        "20000",
        "--unit",
        "children",
        "--date",
        "2025",
        "--supports",
        "ua-19500",
    ]);
    let mut found = pairs(&env.json(["contradictions"]));
    found.sort();
    let quantity = vec!["quantity".to_string()];
    assert_eq!(
        found,
        vec![
            (set(&["ngo-20000", "ru-700000"]), quantity.clone()),
            (set(&["ru-700000", "ua-19500"]), quantity),
            (
                set(&["words-denied", "words-said"]),
                vec!["linked".to_string()]
            ),
        ]
    );
    let shown = env.json(["claim", "show", "ngo-20000"]);
    assert_eq!(shown["supports"], serde_json::json!(["ua-19500"]));
    assert_eq!(shown["contradicted"], true, "700,000 still clashes");
    let contradicted = ids(&env.json(["claims", "--contradicted"]));
    assert!(contradicted.contains("ngo-20000"), "{contradicted:?}");
}

#[test]
fn claims_contradicted_lists_exactly_the_contradicted_claims() {
    let env = quantities();
    let contradicted = env.json(["claims", "--contradicted"]);
    assert_eq!(
        ids(&contradicted),
        set(&["ua-19500", "ru-700000", "words-said", "words-denied"])
    );
    assert!(rows(&contradicted)
        .iter()
        .all(|r| r["contradicted"] == true));
    let all = env.json(["claims"]);
    assert_eq!(rows(&all).len(), 10);
    for row in rows(&all) {
        let expected = ["ua-19500", "ru-700000", "words-said", "words-denied"]
            .contains(&row["id"].as_str().unwrap());
        assert_eq!(row["contradicted"], expected, "{row}");
    }
    // The link is recorded on one side, but both sides are contradicted.
    let said = env.json(["claim", "show", "words-said"]);
    assert_eq!(said["contradicts"], serde_json::json!([]));
    assert_eq!(said["contradicted"], true);
    let denied = env.json(["claim", "show", "words-denied"]);
    assert_eq!(denied["contradicts"], serde_json::json!(["words-said"]));
    assert_eq!(denied["contradicted"], true);
}

#[test]
fn example_contradictions_include_the_deported_children_numbers() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let found = pairs(&env.json(["contradictions"]));
    // The two numbers are lower bounds of different counts ("at least
    // 19,500" deported, "more than 700,000" received): the article sets
    // neither against the other.
    assert!(
        !found.iter().any(|(ids, _)| *ids
            == set(&[
                "ukraine-19500-deported-children",
                "russia-700000-minors-received"
            ])),
        "{found:?}"
    );
    // The "hundreds" claim is recorded as contradicting both numbers.
    for other in [
        "ukraine-19500-deported-children",
        "russia-700000-minors-received",
    ] {
        assert!(
            found.iter().any(|(ids, reasons)| *ids
                == set(&["russia-took-only-hundreds-of-children", other])
                && reasons.contains(&"linked".to_string())),
            "{found:?}"
        );
    }
}

/// The ids `claim show` lists as in contradiction with a claim, with reasons.
fn shown_contradictions(env: &TestEnv, id: &str) -> Vec<(String, Vec<String>)> {
    let shown = env.json(["claim", "show", id]);
    rows(&shown["contradictions"])
        .iter()
        .map(|c| {
            let reasons = rows(&c["reasons"])
                .iter()
                .map(|r| r.as_str().unwrap().to_string())
                .collect();
            (c["id"].as_str().unwrap().to_string(), reasons)
        })
        .collect()
}

#[test]
fn claim_show_lists_every_contradiction_either_way_and_by_quantity() {
    let env = quantities();
    let linked = vec!["linked".to_string()];
    // Declared by the other claim, by this one, and by numbers.
    assert_eq!(
        shown_contradictions(&env, "words-said"),
        vec![("words-denied".to_string(), linked.clone())]
    );
    assert_eq!(
        shown_contradictions(&env, "words-denied"),
        vec![("words-said".to_string(), linked)]
    );
    assert_eq!(
        shown_contradictions(&env, "ua-19500"),
        vec![("ru-700000".to_string(), vec!["quantity".to_string()])]
    );
    assert_eq!(shown_contradictions(&env, "old-100"), vec![]);
    let ua = env.json(["claim", "show", "ua-19500"]);
    let other = &ua["contradictions"][0];
    assert_eq!(other["claimant"], "Kremlin");
    assert_eq!(other["value"], 700000.0);
    assert_eq!(other["unit"], "children");
    // The fields it had are unchanged.
    assert_eq!(ua["contradicts"], serde_json::json!([]));
    assert_eq!(ua["contradicted"], true);
    let table = env.run_ok(["claim", "show", "words-said"]);
    assert!(
        table.contains("contradictions") && table.contains("words-denied (linked): Kremlin"),
        "{table}"
    );

    // The example: every claim shows exactly its pairs in `contradictions`.
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let found = pairs(&env.json(["contradictions"]));
    for id in ids(&env.json(["claims"])) {
        let mut expected: Vec<(String, Vec<String>)> = found
            .iter()
            .filter(|(pair, _)| pair.contains(&id))
            .map(|(pair, reasons)| {
                let other = pair.iter().find(|c| **c != id).unwrap().clone();
                (other, reasons.clone())
            })
            .collect();
        expected.sort();
        let mut shown = shown_contradictions(&env, &id);
        shown.sort();
        assert_eq!(shown, expected, "{id}");
        let contradicted = env.json(["claim", "show", &id])["contradicted"] == true;
        assert_eq!(contradicted, !expected.is_empty(), "{id}");
    }
    let shown = shown_contradictions(&env, "russia-took-only-hundreds-of-children");
    assert_eq!(shown.len(), 2, "{shown:?}");
    let shown = shown_contradictions(&env, "ukraine-19500-deported-children");
    assert_eq!(shown.len(), 1, "{shown:?}");
}

#[test]
fn example_claims_filter_by_verdict_claimant_and_event() {
    let env = TestEnv::new();
    env.run_ok(["example"]);

    let disputed = env.json(["claims", "--verdict", "disputed"]);
    assert_eq!(
        ids(&disputed),
        set(&["russia-took-only-hundreds-of-children"])
    );

    let shown = env.json(["claim", "show", "russia-took-only-hundreds-of-children"]);
    let verdicts: Vec<&str> = rows(&shown["verdicts"])
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(verdicts.len(), 2, "{shown}");
    assert!(verdicts[0].starts_with("unverified"), "{verdicts:?}");
    assert!(verdicts[1].starts_with("disputed"), "{verdicts:?}");
    assert_eq!(shown["verdict"], "disputed");
    assert_eq!(shown["verdict_by"], ISW);

    let ukraine = env.json(["claims", "--by", "ukraine"]);
    assert_eq!(
        ids(&ukraine),
        set(&[
            "2025-11-ukraine-not-received-proposal",
            "ukraine-19500-deported-children"
        ])
    );
    assert!(rows(&ukraine).iter().all(|r| r["claimant"] == "Ukraine"));

    let event = "2025-10-24-peace-plan-drafted";
    let about = env.json(["claims", "--about", event]);
    assert_eq!(
        ids(&about),
        set(&[
            "2025-11-dmitriev-better-chances",
            "2025-11-dmitriev-plan-builds-on-alaska",
            "2025-11-dmitriev-us-explains-benefits",
            "2025-11-us-official-practical-and-realistic",
            "2025-11-white-house-chance-to-end-war",
            "2025-11-us-official-draft-will-evolve",
            "2025-11-ukraine-not-received-proposal",
        ])
    );
    // Exactly the claims whose `about` names the event.
    let all = env.json(["claims"]);
    let expected: BTreeSet<String> = rows(&all)
        .iter()
        .filter(|r| rows(&r["about"]).iter().any(|a| a == event))
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids(&about), expected);
}

/// `claims --help` promised a filter by subject that did not exist:
/// `--subject KEY` keeps the claims giving a quantity for that subject,
/// matched exactly as `contradictions` matches them.
#[test]
fn claims_filter_by_the_subject_of_their_quantity() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let claims = env.json(["claims"]);
    let subject = rows(&claims)
        .iter()
        .find(|c| c["id"] == "ukraine-19500-deported-children")
        .and_then(|c| c["subject"].as_str())
        .unwrap_or_else(|| panic!("the Ukrainian claim has a subject: {claims}"))
        .to_string();
    assert!(!subject.is_empty());
    env.run_ok([
        "claim",
        "add",
        "--by",
        "Russia",
        "--text",
        "Fewer",
        "--subject",
        &subject,
        "--value",
        "300",
    ]);
    env.run_ok([
        "claim",
        "add",
        "--by",
        "Russia",
        "--text",
        "Other",
        "--subject",
        "other",
        "--value",
        "1",
    ]);
    let claims = env.json(["claims"]);
    let with: BTreeSet<String> = rows(&claims)
        .iter()
        .filter(|c| c["subject"].as_str() == Some(subject.as_str()))
        .map(|c| c["id"].as_str().expect("an id").to_string())
        .collect();
    assert_eq!(with.len(), 2, "{with:?}");
    for command in [&["claims"][..], &["claim", "list"]] {
        let mut args = command.to_vec();
        args.extend(["--subject", &subject]);
        assert_eq!(ids(&env.json(&args)), with, "{args:?}");
        // Read as claim add reads it: without the white space around it.
        let padded = format!("  {subject} ");
        let mut args = command.to_vec();
        args.extend(["--subject", &padded]);
        assert_eq!(rows(&env.json(&args)).len(), with.len());
    }
    assert!(rows(&env.json(["claims", "--subject", "no-such-subject"])).is_empty());
    let err = env.fail(2, ["claims", "--subject", " "]);
    testenv::assert_one_error_line(&err);
}

#[test]
fn rating_a_claim_keeps_the_earlier_verdict() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let id = "2025-11-dmitriev-better-chances";
    let out = at(
        &env,
        "2025-11-22T10:00:00Z",
        &[
            "claim",
            "rate",
            id,
            "confirmed",
            "--by",
            "isw",
            "--note",
            "later reporting agrees",
        ],
    );
    assert_eq!(out.trim(), id);

    let shown = env.json(["claim", "show", id]);
    assert_eq!(shown["verdict"], "confirmed");
    assert_eq!(shown["verdict_by"], ISW);
    assert_eq!(shown["verdict_note"], "later reporting agrees");
    let verdicts = rows(&shown["verdicts"]);
    assert_eq!(verdicts.len(), 2, "{shown}");
    assert!(verdicts[0].as_str().unwrap().starts_with("unverified"));
    assert_eq!(verdicts[1], "confirmed (2025-11-22T10:00:00Z)");

    let history = env.json(["history", id]);
    assert_eq!(rows(&history).len(), 2, "{history}");
    assert_eq!(rows(&history)[1]["recorded_at"], "2025-11-22T10:00:00Z");

    // What we knew before the rating.
    let then = env.json(["claims", "--as-of", "2025-11-21"]);
    let row = rows(&then)
        .iter()
        .find(|r| r["id"] == id)
        .expect("the claim existed then");
    assert_eq!(row["verdict"], "unverified");
    let now = env.json(["claims", "--verdict", "confirmed"]);
    assert_eq!(ids(&now), set(&[id]));
}

#[test]
fn an_unknown_verdict_is_refused_with_the_choices() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let before = env.export_ndjson();
    let stderr = env.fail(
        2,
        ["claim", "rate", "2025-11-dmitriev-better-chances", "maybe"],
    );
    for verdict in ["unverified", "confirmed", "disputed", "false", "misleading"] {
        assert!(stderr.contains(verdict), "{stderr}");
    }
    assert!(stderr.contains("maybe"), "{stderr}");
    assert_eq!(env.export_ndjson(), before);
}

#[test]
fn source_grades_are_set_validated_and_edited_with_history() {
    let env = TestEnv::new();
    assert_eq!(
        env.run_ok(["source", "add", "Reuters", "--grade", "B"])
            .trim(),
        "reuters"
    );
    let list = env.json(["source", "list"]);
    assert_eq!(rows(&list).len(), 1, "{list}");
    assert_eq!(rows(&list)[0]["name"], "Reuters");
    assert_eq!(rows(&list)[0]["grade"], "B");

    let stderr = env.fail(2, ["source", "add", "X", "--grade", "Z"]);
    assert!(stderr.contains("grade"), "{stderr}");
    assert_eq!(rows(&env.json(["source", "list"])).len(), 1);

    env.run_ok(["source", "edit", "reuters", "--grade", "C"]);
    let list = env.json(["source", "list"]);
    assert_eq!(rows(&list)[0]["grade"], "C");
    let history = env.json(["history", "reuters"]);
    assert_eq!(rows(&history).len(), 2, "{history}");
    assert_eq!(rows(&history)[0]["record"]["grade"], "b");
}

#[test]
fn source_edit_refuses_a_name_another_source_has() {
    let env = TestEnv::new();
    env.run_ok(["source", "add", "Reuters"]);
    env.run_ok(["source", "add", "AP"]);
    let before = env.export_ndjson();
    // The same refusal as `source add AP`, by name in any case or by id.
    let added = env.fail(2, ["source", "add", "AP"]);
    for name in ["AP", "ap", "Ap"] {
        let stderr = env.fail(2, ["source", "edit", "reuters", "--name", name]);
        testenv::assert_one_error_line(&stderr);
        assert!(
            stderr.contains("already exists as ap"),
            "{name}: {stderr} (add said {added})"
        );
    }
    assert_eq!(
        env.export_ndjson(),
        before,
        "a refused edit wrote something"
    );
    let list = env.json(["source", "list"]);
    let names: BTreeSet<&str> = rows(&list)
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, BTreeSet::from(["AP", "Reuters"]));
    // A source may keep its own name, or change its case.
    env.run_ok(["source", "edit", "ap", "--name", "AP"]);
    env.run_ok(["source", "edit", "reuters", "--name", "REUTERS"]);
    assert_eq!(env.json(["source", "list"])[1]["name"], "REUTERS");
}

#[test]
fn via_chains_do_not_add_independent_sources() {
    let env = TestEnv::new();
    env.run_ok(["source", "add", "Axios", "--grade", "B"]);
    env.run_ok(["source", "add", "Reuters", "--grade", "A"]);
    let event = env.run_ok([
        "event",
        "add",
        "--title",
        "Envoys meet",
        "--date",
        "2025-10-24",
        "--actor",
        "Witkoff",
        "--source",
        "Axios",
        "--source",
        "Reuters",
    ]);
    let event = event.trim();

    let sources = env.json(["sources", event]);
    assert_eq!(rows(&sources).len(), 2, "{sources}");
    assert_eq!(corroboration(&sources), 2);
    assert_eq!(link_row(&sources, "Axios")["grade"], "B");
    assert_eq!(link_row(&sources, "Reuters")["grade"], "A");

    // A report repeating Axios is not independent of it.
    let (_, stderr) = env.run_ok_with_stderr(["link", event, "Euromaidan Press", "--via", "Axios"]);
    assert!(
        stderr.contains("created source") && stderr.contains("Euromaidan Press"),
        "{stderr}"
    );
    let sources = env.json(["sources", event]);
    assert_eq!(rows(&sources).len(), 3, "{sources}");
    assert_eq!(corroboration(&sources), 2);
    let emp = link_row(&sources, "Euromaidan Press");
    assert_eq!(emp["origin"], "Axios");
    assert_eq!(emp["via"], serde_json::json!(["Axios"]));

    // Nor is one repeating that report.
    env.run_ok(["link", event, "Digest", "--via", "Euromaidan Press"]);
    let sources = env.json(["sources", event]);
    assert_eq!(rows(&sources).len(), 4, "{sources}");
    assert_eq!(corroboration(&sources), 2);
    let digest = link_row(&sources, "Digest");
    assert_eq!(
        digest["via"],
        serde_json::json!(["Euromaidan Press", "Axios"])
    );
    assert_eq!(digest["origin"], "Axios");

    // Updating an existing link sets its credibility and quote, adds no row.
    env.run_ok([
        "link",
        event,
        "Reuters",
        "--credibility",
        "2",
        "--quote",
        "the envoys met",
    ]);
    let sources = env.json(["sources", event]);
    assert_eq!(rows(&sources).len(), 4, "{sources}");
    assert_eq!(corroboration(&sources), 2);
    let reuters = link_row(&sources, "Reuters");
    assert_eq!(reuters["credibility"], 2);
    assert_eq!(reuters["quote"], "the envoys met");
    assert_eq!(reuters["origin"], "Reuters");
    assert_eq!(link_row(&sources, "Axios")["credibility"], Value::Null);

    let before = env.export_ndjson();
    env.fail(2, ["link", event, "Reuters", "--credibility", "7"]);
    let stderr = env.fail(2, ["link", event, "Axios", "--via", "Axios"]);
    testenv::assert_one_error_line(&stderr);
    assert_eq!(env.export_ndjson(), before);
}

#[test]
fn link_refuses_a_via_that_closes_a_loop() {
    let env = TestEnv::new();
    env.run_ok(["claim", "add", "--by", "X", "--text", "t", "--id", "c"]);
    env.run_ok(["link", "c", "Alpha"]);
    env.run_ok(["link", "c", "Beta", "--via", "Alpha"]);
    env.run_ok(["link", "c", "Gamma", "--via", "Beta"]);
    let before = env.export_ndjson();
    // Two sources repeating each other, and a longer loop.
    for (source, via) in [("Alpha", "Beta"), ("alpha", "gamma"), ("Beta", "Gamma")] {
        let stderr = env.fail(2, ["link", "c", source, "--via", via]);
        testenv::assert_one_error_line(&stderr);
        assert!(stderr.contains("loop"), "{source} via {via}: {stderr}");
    }
    let stderr = env.fail(2, ["link", "c", "Alpha", "--via", "Gamma"]);
    assert!(
        stderr.contains("Alpha via Gamma via Beta via Alpha"),
        "{stderr}"
    );
    assert_eq!(
        env.export_ndjson(),
        before,
        "a refused link wrote something"
    );
    let sources = env.json(["sources", "c"]);
    assert_eq!(corroboration(&sources), 1);
    assert!(rows(&sources).iter().all(|r| r["origin"] == "Alpha"));
    // Changing a chain without closing it is fine, and the same check holds
    // for a source the fact does not link yet.
    env.run_ok(["link", "c", "Beta", "--via", "Alpha", "--credibility", "2"]);
    env.run_ok(["source", "add", "Reuters"]);
    env.run_ok(["link", "c", "Delta", "--via", "Reuters"]);
    env.run_ok(["link", "c", "Gamma", "--via", "Delta"]);
    let stderr = env.fail(2, ["link", "c", "Reuters", "--via", "Gamma"]);
    assert!(
        stderr.contains("Reuters via Gamma via Delta via Reuters"),
        "{stderr}"
    );
}

#[test]
fn a_via_loop_already_stored_counts_as_one_origin() {
    // A dump made before `link` refused loops: Alpha via Beta, Beta via
    // Alpha, Gamma via Beta, and an independent Reuters.
    let env = TestEnv::new();
    env.run_ok(["claim", "add", "--by", "X", "--text", "t", "--id", "c"]);
    env.run_ok(["link", "c", "Reuters"]);
    env.run_ok(["link", "c", "Alpha", "--via", "Reuters"]);
    env.run_ok(["link", "c", "Beta", "--via", "Alpha"]);
    env.run_ok(["link", "c", "Gamma", "--via", "Beta"]);
    let dump = env.export_ndjson().replace(
        r#""source":"alpha","credibility":null,"via":"reuters""#,
        r#""source":"alpha","credibility":null,"via":"beta""#,
    );
    assert!(dump.contains(r#""via":"beta""#), "{dump}");
    let file = env.write_file("loop.ndjson", &dump);
    let stored = TestEnv::new();
    stored.run_ok([std::ffi::OsStr::new("import"), file.as_os_str()]);

    let sources = stored.json(["sources", "c"]);
    assert_eq!(rows(&sources).len(), 4, "{sources}");
    assert_eq!(
        corroboration(&sources),
        2,
        "the loop is one origin: {sources}"
    );
    assert_eq!(link_row(&sources, "Reuters")["origin"], "Reuters");
    let looped: BTreeSet<&str> = ["Alpha", "Beta", "Gamma"]
        .iter()
        .map(|name| link_row(&sources, name)["origin"].as_str().unwrap())
        .collect();
    assert_eq!(looped.len(), 1, "one origin for the loop: {sources}");
    let table = stored.run_ok(["sources", "c"]);
    assert!(table.contains("2 independent sources"), "{table}");
    assert_eq!(stored.json(["claim", "show", "c"])["corroboration"], 2);
    // Linking more to stored loop data neither hangs nor is refused.
    stored.run_ok(["link", "c", "Delta", "--via", "Gamma"]);
    assert_eq!(corroboration(&stored.json(["sources", "c"])), 2);
}

#[test]
fn example_sources_count_the_digest_as_axios() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let sources = env.json(["sources", "2025-10-24-miami-talks"]);
    assert_eq!(rows(&sources).len(), 2, "{sources}");
    assert_eq!(corroboration(&sources), 1);
    assert!(rows(&sources).iter().all(|r| r["origin"] == "Axios"));

    // Claims have sources too: the digest repeats ISW.
    let sources = env.json(["sources", "ukraine-19500-deported-children"]);
    assert_eq!(rows(&sources).len(), 2, "{sources}");
    assert_eq!(corroboration(&sources), 1);

    let stderr = env.fail(2, ["sources", "steve-witkoff"]);
    assert!(stderr.contains("actor"), "{stderr}");
}

#[test]
fn claims_csv_has_the_documented_header_and_a_row_per_live_claim() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let csv_text = env.run_ok(["export", "--format", "csv", "--what", "claims"]);
    assert_eq!(
        csv_text.lines().next(),
        Some("id,date,claimant,text,quote,subject,value,unit,verdict,sources,about,contradicts,supports,verdict_by,verdict_note")
    );
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let records: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("valid CSV");
    assert_eq!(records.len(), 14);
    let csv_ids: BTreeSet<String> = records.iter().map(|r| r[0].to_string()).collect();
    assert_eq!(csv_ids, ids(&env.json(["claims"])));
    let hundreds = records
        .iter()
        .find(|r| &r[0] == "russia-took-only-hundreds-of-children")
        .expect("the hundreds claim");
    assert_eq!(&hundreds[8], "disputed");
    let ukraine = records
        .iter()
        .find(|r| &r[0] == "ukraine-19500-deported-children")
        .expect("the 19500 claim");
    assert_eq!(&ukraine[6], "19500");
    assert_eq!(&ukraine[7], "children");
}

#[test]
fn ndjson_round_trip_keeps_claims_ratings_and_links() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    at(
        &env,
        "2025-11-22T10:00:00Z",
        &[
            "claim",
            "add",
            "--id",
            "kremlin-talks-went-well",
            "--by",
            "Dmitriev",
            "--text",
            "The talks went well",
            "--subject",
            "deported-ukrainian-children",
            "--value",
            "300",
            "--unit",
            "children",
            "--contradicts",
            "ukraine-19500-deported-children",
            "--source",
            "Axios",
        ],
    );
    at(
        &env,
        "2025-11-22T11:00:00Z",
        &[
            "claim",
            "rate",
            "kremlin-talks-went-well",
            "misleading",
            "--by",
            "isw",
            "--note",
            "no",
        ],
    );
    at(
        &env,
        "2025-11-22T12:00:00Z",
        &[
            "link",
            "2025-10-24-miami-talks",
            "isw",
            "--credibility",
            "3",
            "--quote",
            "q",
            "--url",
            "https://example.org/a",
        ],
    );
    at(
        &env,
        "2025-11-22T13:00:00Z",
        &["source", "edit", "digest", "--grade", "E"],
    );
    let first = env.export_ndjson();
    assert!(first.contains("kremlin-talks-went-well"));
    assert!(first.contains("misleading"));
    assert!(first.contains("https://example.org/a"));

    let file = env.write_file("dump.ndjson", &first);
    let fresh = TestEnv::new();
    fresh.run_ok([std::ffi::OsStr::new("import"), file.as_os_str()]);
    let second = fresh.export_ndjson();
    assert_eq!(first, second, "the round trip changed the dump");
    let shown = fresh.json(["claim", "show", "kremlin-talks-went-well"]);
    assert_eq!(shown["verdict"], "misleading");
    assert_eq!(shown["contradicted"], true);
}

#[test]
fn a_retracted_claim_leaves_claims_and_contradictions_but_stays_in_history() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let id = "ukraine-19500-deported-children";
    at(
        &env,
        "2025-11-23T08:00:00Z",
        &["retract", id, "--reason", "double-counted"],
    );

    let claims = env.json(["claims"]);
    assert!(!ids(&claims).contains(id), "{claims}");
    assert_eq!(rows(&claims).len(), 13);
    let found = pairs(&env.json(["contradictions"]));
    assert!(found.iter().all(|(ids, _)| !ids.contains(id)), "{found:?}");
    // The other pair (hundreds vs 700,000) is still there.
    assert!(found.iter().any(|(ids, _)| *ids
        == set(&[
            "russia-took-only-hundreds-of-children",
            "russia-700000-minors-received"
        ])));
    let csv_text = env.run_ok(["export", "--format", "csv", "--what", "claims"]);
    // No row of its own (other claims' `contradicts` still name it).
    assert!(
        !csv_text.lines().any(|l| l.starts_with(&format!("{id},"))),
        "{csv_text}"
    );

    let history = env.json(["history", id]);
    assert_eq!(rows(&history).len(), 2, "{history}");
    assert_eq!(rows(&history)[1]["retracted"], "double-counted");

    let stderr = env.fail(2, ["claim", "show", id]);
    assert!(
        stderr.contains("retracted") && stderr.contains("factline history"),
        "{stderr}"
    );
}

#[test]
fn a_retracted_source_leaves_listings_and_counts_but_stays_in_history() {
    let env = TestEnv::new();
    let t1 = "2025-11-20T10:00:00Z";
    at(
        &env,
        t1,
        &[
            "claim",
            "add",
            "--id",
            "c",
            "--by",
            "X",
            "--text",
            "Claim",
            "--source",
            "Reuters",
            "--source",
            "Fake Wire",
        ],
    );
    // A report repeating the retracted source still counts it as its origin.
    at(&env, t1, &["link", "c", "Digest", "--via", "Fake Wire"]);
    at(
        &env,
        t1,
        &[
            "claim",
            "add",
            "--id",
            "d",
            "--by",
            "Y",
            "--text",
            "Denial",
            "--source",
            "Fake Wire",
            "--contradicts",
            "c",
        ],
    );
    at(
        &env,
        t1,
        &[
            "event",
            "add",
            "--title",
            "Talks",
            "--date",
            "2025-11-19",
            "--actor",
            "X",
            "--source",
            "Reuters",
            "--source",
            "Fake Wire",
        ],
    );
    let event = "2025-11-19-talks";
    let sources = env.json(["sources", "c"]);
    assert_eq!(rows(&sources).len(), 3, "{sources}");
    assert_eq!(corroboration(&sources), 2);

    at(
        &env,
        "2025-11-21T10:00:00Z",
        &["retract", "fake-wire", "--reason", "fabricated outlet"],
    );

    let sources = env.json(["sources", "c"]);
    let names: BTreeSet<&str> = rows(&sources)
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, BTreeSet::from(["Reuters", "Digest"]), "{sources}");
    assert_eq!(corroboration(&sources), 2, "Reuters, and Digest's origin");
    let digest = link_row(&sources, "Digest");
    assert_eq!(digest["via"], serde_json::json!(["Fake Wire (retracted)"]));
    let table = env.run_ok(["sources", "c"]);
    assert!(table.contains("2 independent sources"), "{table}");
    assert!(!table.contains("Fake Wire  "), "no row of its own: {table}");

    let shown = env.json(["claim", "show", "c"]);
    assert_eq!(shown["sources"], serde_json::json!(["Reuters", "Digest"]));
    assert_eq!(shown["corroboration"], 2);
    let denial = env.json(["claim", "show", "d"]);
    assert_eq!(denial["sources"], serde_json::json!([]));
    assert_eq!(denial["corroboration"], 0);
    let listed = env.json(["claims"]);
    assert!(
        rows(&listed)
            .iter()
            .all(|r| !r["sources"].to_string().contains("Fake Wire")),
        "{listed}"
    );
    let csv_text = env.run_ok(["export", "--format", "csv", "--what", "claims"]);
    assert!(!csv_text.contains("Fake Wire"), "{csv_text}");
    let found = env.json(["contradictions"]);
    assert!(!found.to_string().contains("Fake Wire"), "{found}");
    let sources = env.json(["sources", event]);
    assert_eq!(rows(&sources).len(), 1, "{sources}");
    assert_eq!(corroboration(&sources), 1);

    // History and the past still show it.
    let history = env.json(["history", "fake-wire"]);
    assert_eq!(rows(&history).len(), 2, "{history}");
    let then = env.json(["sources", "c", "--as-of", "2025-11-20"]);
    assert_eq!(rows(&then).len(), 3, "{then}");
    assert_eq!(link_row(&then, "Fake Wire")["origin"], "Fake Wire");
    let then = env.json(["claim", "show", "c", "--as-of", "2025-11-20"]);
    assert_eq!(
        then["sources"],
        serde_json::json!(["Reuters", "Fake Wire", "Digest"])
    );
    assert_eq!(then["corroboration"], 2);
}

#[test]
fn a_source_is_found_by_its_id_in_any_case() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let out = env
        .cmd()
        .args([
            "claim",
            "add",
            "--by",
            "Zakharova",
            "--text",
            "T",
            "--source",
            "ISW",
        ])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        !stderr.contains("created source"),
        "ISW is the source with id isw: {stderr}"
    );
}

/// A claim may have the id of the actor it is about (`claim add --id
/// ukraine`): `link` and `sources` said "say which with --kind" and had no
/// --kind. Only events and claims have sources, so an actor or source
/// sharing the id no longer counts, and --kind chooses between an event
/// and a claim that share one.
#[test]
fn link_and_sources_find_a_claim_that_shares_an_actors_id() {
    let env = TestEnv::new();
    env.run_ok(["actor", "add", "Ukraine"]);
    env.run_ok([
        "claim", "add", "--by", "Ukraine", "--text", "x", "--id", "ukraine",
    ]);
    env.run_ok(["link", "ukraine", "AP"]);
    let listed = env.json(["sources", "ukraine"]);
    assert!(link_row(&listed, "AP").is_object(), "{listed}");
    // An event with the same id makes the id ambiguous between the two.
    env.run_ok([
        "event", "add", "--id", "ukraine", "--title", "t", "--date", "2025",
    ]);
    let err = env.fail(2, ["sources", "ukraine"]);
    assert!(
        err.contains("an event and a claim") && err.contains("--kind"),
        "{err}"
    );
    env.run_ok(["link", "ukraine", "Reuters", "--kind", "event"]);
    let event = env.json(["sources", "ukraine", "--kind", "event"]);
    assert!(link_row(&event, "Reuters").is_object(), "{event}");
    let claim = env.json(["sources", "ukraine", "--kind", "claim"]);
    assert!(link_row(&claim, "AP").is_object(), "{claim}");
    // A source's id is no record with sources.
    let err = env.fail(2, ["sources", "ap"]);
    assert!(err.contains("not an event or a claim"), "{err}");
}

/// Quantities are compared by subject: "Deported children" and "deported
/// children" (or "deported  children") name one subject, but only the
/// exact spelling was compared, so their different numbers were not a
/// contradiction. Subjects are compared folded, as names are.
#[test]
fn quantity_subjects_and_units_compare_folded() {
    let env = TestEnv::new();
    let add = |id: &str, subject: &str, value: &str, unit: &str| {
        env.run_ok([
            "claim",
            "add",
            "--id",
            id,
            "--by",
            "Ukraine",
            "--text",
            id,
            "--subject",
            subject,
            "--value",
            value,
            "--unit",
            unit,
            "--date",
            "2025",
        ]);
    };
    add("a", "Deported children", "19500", "children");
    add("b", "deported  children", "700000", "Children");
    add("c", "deported-children", "19500", "CHILDREN");
    add("d", "returned children", "100", "children");
    let found = pairs(&env.json(["contradictions"]));
    assert_eq!(
        found,
        vec![
            (set(&["a", "b"]), vec!["quantity".to_string()]),
            (set(&["b", "c"]), vec!["quantity".to_string()]),
        ],
    );
}

/// Three claims giving 19,500 for one subject, worded "children",
/// "minors" and with no unit, were listed as three quantity contradictions:
/// the units were compared as if they were the numbers.
#[test]
fn the_same_number_with_another_unit_or_none_is_no_contradiction() {
    let env = TestEnv::new().with_now("2025-11-20T10:00:00Z");
    let add = |id: &str, value: &str, unit: Option<&str>| {
        let mut args = vec![
            "claim",
            "add",
            "--id",
            id,
            "--by",
            "Ukraine",
            "--new-actor",
            "--text",
            id,
            "--date",
            "2025-11",
            "--subject",
            "deported-children",
            "--value",
            value,
        ];
        if let Some(unit) = unit {
            args.extend(["--unit", unit]);
        }
        env.run_ok(args);
    };
    add("children", "19500", Some("children"));
    add("minors", "19500", Some("minors"));
    add("bare", "19500", None);
    assert_eq!(env.json(["contradictions"]), serde_json::json!([]));
    assert_eq!(
        env.json(["claims", "--contradicted"]),
        serde_json::json!([])
    );
    add("more", "700000", Some("minors"));
    let found = pairs(&env.json(["contradictions"]));
    let quantity = || vec!["quantity".to_string()];
    assert_eq!(
        found,
        vec![
            (set(&["bare", "more"]), quantity()),
            (set(&["children", "more"]), quantity()),
            (set(&["minors", "more"]), quantity()),
        ],
    );
}

/// `claims --about` and `claim add --about` take an event or an actor, but
/// a name that is neither was reported as `unknown actor`.
#[test]
fn an_about_that_is_neither_an_actor_nor_an_event_says_so() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    for args in [
        &["claims", "--about", "nosuch"][..],
        &[
            "claim", "add", "--by", "Ukraine", "--text", "t", "--about", "nosuch",
        ],
    ] {
        let err = env.fail(2, args);
        testenv::assert_one_error_line(&err);
        assert!(
            err.contains("neither an actor nor an event is called \"nosuch\""),
            "{args:?}: {err}"
        );
    }
    // A near miss of an actor's name still gets its suggestion.
    let err = env.fail(2, ["claims", "--about", "Zelenskiy"]);
    assert!(
        err.contains("neither an actor nor an event") && err.contains("Volodymyr Zelenskyy"),
        "{err}"
    );
}

// The claims CSV import.

/// Imports `file` as a claims CSV (which must succeed) and returns stderr.
fn import_claims(env: &TestEnv, file: &std::path::Path, extra: &[&str]) -> String {
    let mut args = vec!["import", file.to_str().unwrap(), "--what", "claims"];
    args.extend_from_slice(extra);
    env.run_ok_with_stderr(&args).1
}

/// The `FILE:LINE: message` lines of a refused import, as (line, message).
fn bad_rows(stderr: &str, file: &std::path::Path) -> Vec<(u64, String)> {
    let label = format!("{}:", file.display());
    stderr
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("factline: ")?.strip_prefix(&label)?;
            let (number, message) = rest.split_once(": ")?;
            Some((number.parse().ok()?, message.to_string()))
        })
        .collect()
}

/// `claim show ID` as JSON without what a new version changes anyway.
fn claim_fields(env: &TestEnv, id: &str) -> Value {
    let mut shown = env.json(["claim", "show", id]);
    for key in ["version", "recorded_at", "verdicts", "ratings"] {
        shown.as_object_mut().unwrap().remove(key);
    }
    shown
}

/// A claims sheet of some columns (`id,text,verdict`, to correct verdicts)
/// was refused for its missing claimant column, and a sheet with one had
/// every other absent column (date, quote, quantity, sources, about,
/// contradicts, supports) emptied on the claims it updated. An absent
/// column now leaves the stored value, as the timeline CSV does; a column
/// that is there but empty still empties the field.
#[test]
fn a_claims_csv_without_some_columns_keeps_the_stored_values() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let (minors, alaska) = (
        "russia-700000-minors-received",
        "2025-11-dmitriev-plan-builds-on-alaska",
    );
    let before = [claim_fields(&env, minors), claim_fields(&env, alaska)];
    assert!(before[0]["subject"].is_string() && before[1]["date"].is_string());
    let file = env.write_file(
        "verdicts.csv",
        &format!(
            "id,text,verdict\n\
             {minors},\"Russia has received more than 700,000 minors from Ukraine\",false\n\
             {alaska},\"{}\",misleading\n",
            before[1]["text"].as_str().unwrap()
        ),
    );
    let stderr = import_claims(&env, &file, &[]);
    assert!(stderr.contains("0 added, 2 updated"), "{stderr}");
    for (id, mut was, verdict) in [
        (minors, before[0].clone(), "false"),
        (alaska, before[1].clone(), "misleading"),
    ] {
        was["verdict"] = verdict.into();
        assert_eq!(claim_fields(&env, id), was, "{id}");
    }
    // Importing it again changes nothing.
    let dump = env.export_ndjson();
    let stderr = import_claims(&env, &file, &[]);
    assert!(stderr.contains("0 updated, 2 unchanged"), "{stderr}");
    assert_eq!(env.export_ndjson(), dump);

    // Columns that are there but empty empty their fields; the absent
    // ones (claimant, date, sources, contradicts) stay.
    let file = env.write_file(
        "emptied.csv",
        &format!(
            "id,text,quote,subject,value,unit,verdict,about,supports\n\
             {minors},\"Russia has received more than 700,000 minors from Ukraine\",,,,,,,\n"
        ),
    );
    import_claims(&env, &file, &[]);
    let after = claim_fields(&env, minors);
    assert_eq!(after["quote"], Value::Null, "{after}");
    assert_eq!(after["subject"], Value::Null, "{after}");
    assert_eq!(after["about"], serde_json::json!([]), "{after}");
    assert_eq!(after["verdict"], "unverified", "{after}");
    for kept in ["claimant", "date", "sources", "contradicts"] {
        assert_eq!(after[kept], before[0][kept], "{kept}: {after}");
    }

    // A new claim needs a claimant: without the column, a row that names
    // no stored claim is a bad row, and nothing is written.
    let dump = env.export_ndjson();
    let file = env.write_file(
        "new.csv",
        &format!("id,text,verdict\n{minors},\"Russia has received more than 700,000 minors from Ukraine\",false\nno-such-claim,A new claim,false\n"),
    );
    let err = env.fail(2, ["import", file.to_str().unwrap(), "--what", "claims"]);
    let bad = bad_rows(&err, &file);
    assert_eq!(bad.len(), 1, "{err}");
    assert_eq!(bad[0].0, 3, "{err}");
    assert!(bad[0].1.contains("claimant"), "{err}");
    assert_eq!(env.export_ndjson(), dump);
}

const CLAIMS_HEADER: &str =
    "id,date,claimant,text,quote,subject,value,unit,verdict,sources,about,contradicts,supports";

/// Two rows of one claims CSV with the same claim id: the second silently
/// replaced the first. It is now a bad row naming the first row's line, as
/// for the timeline CSV (an exact copy is allowed and counted unchanged).
#[test]
fn a_second_row_for_one_claim_is_a_bad_row_naming_the_first() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let dump = env.export_ndjson();
    let file = env.write_file(
        "claims.csv",
        &format!(
            "{CLAIMS_HEADER}\n\
             fresh-claim,2025-11,Ukraine,First words,,,,,unverified,Axios,,,\n\
             other-claim,2025-11,Ukraine,Other words,,,,,unverified,Axios,,,\n\
             fresh-claim,2025-11,Ukraine,Second words,,,,,false,Axios,,,\n\
             fresh-claim,2025-11,Ukraine,First words,,,,,unverified,Axios,,,\n"
        ),
    );
    let err = env.fail(2, ["import", file.to_str().unwrap(), "--what", "claims"]);
    let bad = bad_rows(&err, &file);
    assert_eq!(bad.len(), 1, "{err}");
    assert_eq!(bad[0].0, 4, "{err}");
    assert!(
        bad[0].1.contains("line 2") && bad[0].1.contains("fresh-claim"),
        "{err}"
    );
    assert_eq!(
        env.export_ndjson(),
        dump,
        "a refused import wrote something"
    );

    let stderr = import_claims(&env, &file, &["--skip-bad"]);
    assert!(
        stderr.contains("2 added, 0 updated, 1 unchanged") && stderr.contains("1 bad rows"),
        "{stderr}"
    );
    assert_eq!(
        env.json(["claim", "show", "fresh-claim"])["text"],
        "First words"
    );
    let rejects = std::fs::read_to_string(env.path("claims.csv.rejects.csv")).unwrap();
    assert!(
        rejects.contains("Second words") && !rejects.contains("First words"),
        "{rejects}"
    );

    // Two rows for a stored claim: the first leaves it as it is, the
    // second would change it.
    let dump = env.export_ndjson();
    let file = env.write_file(
        "again.csv",
        "id,text,claimant,verdict\n\
         fresh-claim,First words,Ukraine,unverified\n\
         fresh-claim,First words,Ukraine,confirmed\n",
    );
    let err = env.fail(2, ["import", file.to_str().unwrap(), "--what", "claims"]);
    let bad = bad_rows(&err, &file);
    assert_eq!(bad.len(), 1, "{err}");
    assert!(bad[0].0 == 3 && bad[0].1.contains("line 2"), "{err}");
    assert_eq!(env.export_ndjson(), dump);
}

/// The `about` column holds event ids and actor names. A mistyped event id
/// (`…-returnd`) named no event and so was created as a new actor, quietly
/// losing the link to the event. An entry that is no event and no actor
/// and is written as an id is a bad row now; a new actor written as a name
/// (`Ministry of Defence`) is still created.
#[test]
fn a_claims_about_entry_written_as_an_unknown_event_id_is_a_bad_row() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let dump = env.export_ndjson();
    let file = env.write_file(
        "claims.csv",
        &format!(
            "{CLAIMS_HEADER}\n\
             known,2025-11,Ukraine,Known,,,,,unverified,Axios,2025-melania-trump-children-returned; steve-witkoff; russia,,\n\
             typo,2025-11,Ukraine,Typo,,,,,unverified,Axios,2025-melania-trump-children-returnd; Russia,,\n\
             new-actor,2025-11,Ukraine,New actor,,,,,unverified,Axios,Ministry of Defence; nato,,\n\
             cased,2025-11,Ukraine,Cased,,,,,unverified,Axios,2025-Melania-Trump-Children-Returned,,\n"
        ),
    );
    let err = env.fail(2, ["import", file.to_str().unwrap(), "--what", "claims"]);
    let bad = bad_rows(&err, &file);
    assert_eq!(
        bad.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
        [3, 5],
        "{err}"
    );
    assert!(
        bad[0]
            .1
            .contains("no event has the id \"2025-melania-trump-children-returnd\""),
        "{err}"
    );
    assert!(
        bad[1]
            .1
            .contains("did you mean \"2025-melania-trump-children-returned\""),
        "{err}"
    );
    assert_eq!(
        env.export_ndjson(),
        dump,
        "a refused import wrote something"
    );

    let stderr = import_claims(&env, &file, &["--skip-bad"]);
    assert!(
        stderr.contains("2 added") && stderr.contains("2 actors and 0 sources created"),
        "{stderr}"
    );
    let known = env.json(["claim", "show", "known"]);
    assert_eq!(
        known["about"],
        serde_json::json!([
            "2025-melania-trump-children-returned",
            "Steve Witkoff",
            "Russia"
        ])
    );
    let created = env.json(["claim", "show", "new-actor"]);
    assert_eq!(
        created["about"],
        serde_json::json!(["Ministry of Defence", "nato"])
    );
    env.fail(2, ["actor", "show", "2025-melania-trump-children-returnd"]);
}

/// The claims in `claims --format json`, by id.
fn claim_ids(env: &TestEnv) -> BTreeSet<String> {
    ids(&env.json(["claims"]))
}

/// A claims row without an id got a new id on every import, so importing
/// a file twice added each of its claims twice (`…-2`), and the copies
/// were then reported as contradicting each other. A row without an id
/// now means the claim with its claimant, date and text (folded), stored
/// or given by an earlier row of the file, as a timeline row without an
/// id means the event with its date, title and actors.
#[test]
fn a_claims_row_without_an_id_is_matched_by_claimant_date_and_text() {
    let env = TestEnv::new();
    env.run_ok(["source", "add", "Reuters"]);
    let file = env.write_file(
        "claims.csv",
        &format!(
            "{CLAIMS_HEADER}\n\
             ,2025-11,Alice Smith,Something was said,,kids,100,children,unverified,Reuters,,,\n\
             ,2025-11,Alice Smith,Something was said,,kids,100,children,unverified,Reuters,,,\n\
             ,2025-12,Alice Smith,Something was said,,kids,100,children,unverified,Reuters,,,\n"
        ),
    );
    // An exact copy of an earlier row is the same claim, unchanged; another
    // date is another claim.
    let stderr = import_claims(&env, &file, &[]);
    assert!(
        stderr.contains("2 added, 0 updated, 1 unchanged"),
        "{stderr}"
    );
    let first = claim_ids(&env);
    assert_eq!(first.len(), 2, "{first:?}");
    // Importing the same file again changes nothing.
    let dump = env.export_ndjson();
    let stderr = import_claims(&env, &file, &[]);
    assert!(
        stderr.contains("0 added, 0 updated, 3 unchanged"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), dump);
    assert_eq!(claim_ids(&env), first);
    assert_eq!(env.json(["contradictions"]), serde_json::json!([]));

    // The text is compared folded, as names are: a row differing only in
    // case and accents updates the claim (a new version), and a row whose
    // claimant is written otherwise still names the same actor.
    let file = env.write_file(
        "corrected.csv",
        &format!(
            "{CLAIMS_HEADER}\n\
             ,2025-11,alice smith,SOMETHING WAS SAÏD,,kids,100,children,false,Reuters,,,\n"
        ),
    );
    let stderr = import_claims(&env, &file, &[]);
    assert!(
        stderr.contains("0 added, 1 updated, 0 unchanged"),
        "{stderr}"
    );
    assert_eq!(claim_ids(&env), first);
    let updated = env.json(["claims", "--verdict", "false"]);
    assert_eq!(rows(&updated).len(), 1, "{updated}");
    assert_eq!(rows(&updated)[0]["text"], "SOMETHING WAS SAÏD");

    // A second row for a claim an earlier row without an id gave, with
    // other values, is a bad row naming that row's line.
    let dump = env.export_ndjson();
    let file = env.write_file(
        "twice.csv",
        &format!(
            "{CLAIMS_HEADER}\n\
             ,2026-01,Bob Jones,Another thing,,,,,unverified,Reuters,,,\n\
             ,2026-01,Bob Jones,another thing,,,,,confirmed,Reuters,,,\n"
        ),
    );
    let err = env.fail(2, ["import", file.to_str().unwrap(), "--what", "claims"]);
    let bad = bad_rows(&err, &file);
    assert_eq!(bad.len(), 1, "{err}");
    assert!(bad[0].0 == 3 && bad[0].1.contains("line 2"), "{err}");
    assert_eq!(env.export_ndjson(), dump);

    // Two stored claims with that claimant, date and text (`claim add`
    // gives the second another id): a row without an id is a bad row.
    for _ in 0..2 {
        env.run_ok([
            "claim",
            "add",
            "--by",
            "Bob Jones",
            "--text",
            "Twice",
            "--date",
            "2026-02",
        ]);
    }
    let dump = env.export_ndjson();
    let file = env.write_file(
        "ambiguous.csv",
        &format!("{CLAIMS_HEADER}\n,2026-02,Bob Jones,twice,,,,,false,,,,\n"),
    );
    let err = env.fail(2, ["import", file.to_str().unwrap(), "--what", "claims"]);
    let bad = bad_rows(&err, &file);
    assert_eq!(bad.len(), 1, "{err}");
    assert!(
        bad[0]
            .1
            .starts_with("2 claims have this claimant, date and text")
            && bad[0].1.contains("give the row an id"),
        "{err}"
    );
    assert_eq!(env.export_ndjson(), dump);

    // A row without an id for a retracted claim leaves it retracted and
    // adds no claim in its place.
    let retracted = rows(&updated)[0]["id"].as_str().unwrap().to_string();
    env.run_ok(["retract", &retracted, "--reason", "misquoted"]);
    let dump = env.export_ndjson();
    let stderr = import_claims(&env, &env.path("corrected.csv"), &[]);
    assert!(
        stderr.contains("0 added, 0 updated, 0 unchanged")
            && stderr.contains("1 row names a retracted record"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), dump);
}

/// `claim add` refuses a claim that contradicts and supports the same
/// claim; the claims CSV import wrote one, from its two columns or from
/// one column and the other kept from the stored claim. Such a row is a
/// bad row now, in the words `claim add` uses.
#[test]
fn a_claims_row_that_contradicts_and_supports_one_claim_is_a_bad_row() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let err = env.fail(
        2,
        [
            "claim",
            "add",
            "--by",
            "Ukraine",
            "--text",
            "Both ways",
            "--contradicts",
            "russia-700000-minors-received",
            "--supports",
            "russia-700000-minors-received",
        ],
    );
    let refusal = "a claim cannot contradict and support the same claim";
    assert!(err.contains(refusal), "{err}");
    let dump = env.export_ndjson();
    // The stored russia-took-only-hundreds-of-children contradicts
    // ukraine-19500-deported-children: a sheet without a contradicts
    // column keeps that.
    let file = env.write_file(
        "both.csv",
        &format!(
            "{CLAIMS_HEADER}\n\
             both-ways,2025-11,Ukraine,Both ways,,,,,unverified,Axios,,russia-700000-minors-received,russia-700000-minors-received\n\
             fine,2025-11,Ukraine,Fine,,,,,unverified,Axios,,russia-700000-minors-received,\n"
        ),
    );
    let err = env.fail(2, ["import", file.to_str().unwrap(), "--what", "claims"]);
    let bad = bad_rows(&err, &file);
    assert_eq!(bad.len(), 1, "{err}");
    assert_eq!(bad[0].0, 2, "{err}");
    assert_eq!(
        bad[0].1,
        format!(
            "contradicts and supports both name claim russia-700000-minors-received; {refusal}"
        ),
        "{err}"
    );
    let file = env.write_file(
        "kept.csv",
        "id,text,supports\n\
         russia-took-only-hundreds-of-children,\"Russia took only hundreds of children, for humanitarian reasons\",ukraine-19500-deported-children\n",
    );
    let err = env.fail(2, ["import", file.to_str().unwrap(), "--what", "claims"]);
    let bad = bad_rows(&err, &file);
    assert_eq!(bad.len(), 1, "{err}");
    assert!(
        bad[0].0 == 2
            && bad[0]
                .1
                .contains("both name claim ukraine-19500-deported-children")
            && bad[0].1.contains(refusal),
        "{err}"
    );
    assert_eq!(
        env.export_ndjson(),
        dump,
        "a refused import wrote something"
    );
}

/// `claim add --about` refuses a retracted event; the claims CSV import
/// linked the claim to it. Such a row is a bad row now, saying the event
/// was retracted.
#[test]
fn a_claims_row_about_a_retracted_event_is_a_bad_row() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let event = "2025-saint-petersburg-meeting";
    env.run_ok(["retract", event, "--reason", "caption misread"]);
    let err = env.fail(
        2,
        [
            "claim", "add", "--by", "Ukraine", "--text", "About it", "--about", event,
        ],
    );
    assert!(
        err.contains(&format!("event {event} was retracted")),
        "{err}"
    );
    let dump = env.export_ndjson();
    let file = env.write_file(
        "about.csv",
        &format!(
            "{CLAIMS_HEADER}\n\
             about-it,2025-11,Ukraine,About it,,,,,unverified,Axios,{event}; Russia,,\n"
        ),
    );
    let err = env.fail(2, ["import", file.to_str().unwrap(), "--what", "claims"]);
    let bad = bad_rows(&err, &file);
    assert_eq!(bad.len(), 1, "{err}");
    assert!(
        bad[0].0 == 2
            && bad[0].1.contains(&format!(
                "about: event {event} was retracted (caption misread)"
            )),
        "{err}"
    );
    assert_eq!(
        env.export_ndjson(),
        dump,
        "a refused import wrote something"
    );
    // Nor is it made an actor of that name.
    env.fail(2, ["actor", "show", event]);
}

/// Issue 5 promised that `contradictions` lists every pair "with both
/// claimants, values, sources and dates": the table (CSV and JSON had them)
/// showed neither sources nor dates.
#[test]
fn the_contradictions_table_shows_both_sides_sources_and_dates() {
    let env = TestEnv::new();
    env.run_ok(["source", "add", "Axios"]);
    env.run_ok(["source", "add", "TASS"]);
    for (by, text, date, value, source) in [
        ("Kyiv", "19500 deported", "2025-11", "19500", "Axios"),
        ("Moscow", "700000 received", "2025-11-15", "700000", "TASS"),
    ] {
        env.run_ok([
            "claim",
            "add",
            "--by",
            by,
            "--new-actor",
            "--text",
            text,
            "--date",
            date,
            "--subject",
            "kids",
            "--value",
            value,
            "--source",
            source,
        ]);
    }
    let table = env.run_ok(["--color", "never", "contradictions"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "header, rule, one pair:\n{table}");
    assert!(lines[0].contains("sources"), "{table}");
    for shown in [
        "Kyiv (Nov 2025)",
        "19500",
        "Axios",
        "Moscow (15 Nov 2025)",
        "700000",
        "TASS",
        "quantity",
    ] {
        assert!(
            lines[2].contains(shown),
            "{shown:?} in the pair's row:\n{table}"
        );
    }
}

/// A claim's verdict, who gave it and why, as `claim show` tells them.
fn verdict_of(env: &TestEnv, id: &str) -> (String, serde_json::Value, String) {
    let claim = env.json(["claim", "show", id]);
    (
        claim["verdict"].as_str().unwrap().to_string(),
        claim["verdict_by"].clone(),
        claim["verdict_note"].as_str().unwrap().to_string(),
    )
}

#[test]
fn a_verdict_changed_by_a_claims_csv_does_not_keep_the_old_verdicts_source_and_note() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let claim = "russia-took-only-hundreds-of-children";
    let (verdict, by, note) = verdict_of(&env, claim);
    assert_eq!(verdict, "disputed");
    assert!(!by.is_null() && !note.is_empty(), "{by} {note}");
    let text = "Russia took only hundreds of children, for humanitarian reasons";
    // The same verdict again keeps who gave it and why.
    std::fs::write(
        env.path("same.csv"),
        format!("id,text,verdict\n{claim},\"{text}\",disputed\n"),
    )
    .unwrap();
    env.run_ok(["import", "same.csv", "--what", "claims"]);
    assert_eq!(verdict_of(&env, claim), (verdict, by, note));
    // A new verdict is rated as `claim rate` without --by and --note rates it.
    std::fs::write(
        env.path("verdicts.csv"),
        format!("id,text,verdict\n{claim},\"{text}\",confirmed\n"),
    )
    .unwrap();
    env.run_ok(["import", "verdicts.csv", "--what", "claims"]);
    assert_eq!(
        verdict_of(&env, claim),
        (
            "confirmed".to_string(),
            serde_json::Value::Null,
            String::new()
        )
    );
    let rated = TestEnv::new();
    rated.run_ok(["example"]);
    rated.run_ok(["claim", "rate", claim, "confirmed"]);
    assert_eq!(verdict_of(&rated, claim), verdict_of(&env, claim));
}

#[test]
fn a_claim_imported_without_an_id_gets_the_id_claim_add_gives() {
    let env = TestEnv::new();
    let typed = env.run_ok([
        "claim",
        "add",
        "--by",
        "Maria Zakharova",
        "--text",
        "Children are evacuated",
        "--date",
        "2025-11",
    ]);
    assert_eq!(
        typed.trim(),
        "2025-11-maria-zakharova-children-are-evacuated"
    );
    std::fs::write(
        env.path("c.csv"),
        "claimant,date,text\nMaria Zakharova,2025-11,Children are safe\nMaria Zakharova,,Undated words\n",
    )
    .unwrap();
    env.run_ok(["import", "c.csv", "--what", "claims"]);
    let ids: BTreeSet<String> = env
        .json(["claims"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    let expected: BTreeSet<String> = [
        "2025-11-maria-zakharova-children-are-evacuated",
        "2025-11-maria-zakharova-children-are-safe",
        "maria-zakharova-undated-words",
    ]
    .map(String::from)
    .into();
    assert_eq!(ids, expected);
    // Importing the file again adds nothing: rows without an id find their
    // claims by claimant, date and text, not by id.
    let (_, stderr) = env.run_ok_with_stderr(["import", "c.csv", "--what", "claims"]);
    assert!(
        stderr.contains("0 added, 0 updated, 2 unchanged"),
        "{stderr}"
    );
    // As in a database whose imported claims got ids without the date.
    let older = TestEnv::new();
    std::fs::write(
        older.path("old.csv"),
        "id,claimant,date,text\nmaria-zakharova-children-are-safe,Maria Zakharova,2025-11,Children are safe\n",
    )
    .unwrap();
    older.run_ok(["import", "old.csv", "--what", "claims"]);
    std::fs::copy(env.path("c.csv"), older.path("c.csv")).unwrap();
    let (_, stderr) = older.run_ok_with_stderr(["import", "c.csv", "--what", "claims"]);
    assert!(
        stderr.contains("1 added, 0 updated, 1 unchanged"),
        "{stderr}"
    );
    assert!(older
        .json(["claim", "show", "maria-zakharova-children-are-safe"])
        .is_object());
}

/// `claim show` listed a verdict only when it changed, so a claim confirmed
/// again on a second source's word showed one verdict, and never said who
/// rated; a verdict given by a source retracted since showed that source
/// as if it still stood. `verdicts` keeps its form; `ratings` lists every
/// rating with its source and reason.
#[test]
fn claim_show_lists_every_rating_with_its_source_and_marks_a_retracted_one() {
    let env = TestEnv::new();
    let at = |time: &str, args: &[&str]| {
        let mut cmd = env.cmd();
        cmd.env("FACTLINE_NOW", time).args(args).assert().success();
    };
    at("2025-11-04T10:00:00Z", &["source", "add", "ISW"]);
    at(
        "2025-11-04T10:00:00Z",
        &["source", "add", "Hoax Site", "--id", "hoax"],
    );
    at(
        "2025-11-04T10:00:00Z",
        &[
            "claim",
            "add",
            "--by",
            "Russia",
            "--new-actor",
            "--text",
            "Only hundreds of children",
            "--id",
            "c",
        ],
    );
    at(
        "2025-11-05T10:00:00Z",
        &[
            "claim",
            "rate",
            "c",
            "confirmed",
            "--by",
            "hoax",
            "--note",
            "hoax says so",
        ],
    );
    at(
        "2025-11-06T10:00:00Z",
        &["retract", "hoax", "--reason", "fabricated outlet"],
    );
    let shown = env.json(["--format", "json", "claim", "show", "c"]);
    assert_eq!(shown["verdict_by"], "Hoax Site (retracted)", "{shown}");
    let rating = |verdict: &str, at: &str, by: Option<&str>, note: &str| serde_json::json!({"verdict": verdict, "recorded_at": at, "by": by, "note": note});
    assert_eq!(
        shown["ratings"],
        serde_json::json!([
            rating("unverified", "2025-11-04T10:00:00Z", None, ""),
            rating(
                "confirmed",
                "2025-11-05T10:00:00Z",
                Some("Hoax Site (retracted)"),
                "hoax says so"
            ),
        ])
    );

    at(
        "2025-11-07T10:00:00Z",
        &[
            "claim",
            "rate",
            "c",
            "confirmed",
            "--by",
            "ISW",
            "--note",
            "ISW agrees",
        ],
    );
    // Linking a source is a new version of the claim, but no new rating.
    at("2025-11-08T10:00:00Z", &["link", "c", "ISW"]);
    let shown = env.json(["--format", "json", "claim", "show", "c"]);
    assert_eq!(shown["verdict_by"], "ISW", "{shown}");
    assert_eq!(
        shown["verdicts"],
        serde_json::json!([
            "unverified (2025-11-04T10:00:00Z)",
            "confirmed (2025-11-05T10:00:00Z)",
        ])
    );
    assert_eq!(
        shown["ratings"],
        serde_json::json!([
            rating("unverified", "2025-11-04T10:00:00Z", None, ""),
            rating(
                "confirmed",
                "2025-11-05T10:00:00Z",
                Some("Hoax Site (retracted)"),
                "hoax says so"
            ),
            rating(
                "confirmed",
                "2025-11-07T10:00:00Z",
                Some("ISW"),
                "ISW agrees"
            ),
        ])
    );
    let table = env.run_ok(["claim", "show", "c"]);
    assert!(
        table.contains("confirmed (2025-11-07T10:00:00Z) by ISW: ISW agrees"),
        "{table}"
    );
    // The listing of claims names the rater as before: only `claim show`
    // looks back at who rated.
    let listed = env.json(["--format", "json", "claims"]);
    assert_eq!(listed[0]["verdict_by"], "ISW", "{listed}");
}

/// The names of the live sources.
fn source_names(env: &TestEnv) -> BTreeSet<String> {
    rows(&env.json(["source", "list"]))
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

/// Every claim's verdict, who gave it and why, by id.
fn verdicts(env: &TestEnv) -> Vec<(String, (String, Value, String))> {
    rows(&env.json(["claims"]))
        .iter()
        .map(|c| {
            let id = c["id"].as_str().unwrap().to_string();
            let verdict = verdict_of(env, &id);
            (id, verdict)
        })
        .collect()
}

/// The claims CSV had a verdict column but none for the verdict's source
/// and note (what `claim rate --by --note` records): a database rebuilt
/// from the CSV exports lost who rated each claim and why. The CSV now
/// ends with `verdict_by` and `verdict_note`, and a rebuilt database has
/// them again.
#[test]
fn the_claims_csv_carries_who_rated_a_claim_and_why_into_a_new_database() {
    let example = TestEnv::new();
    example.run_ok(["example"]);
    let claim = "russia-took-only-hundreds-of-children";
    let (verdict, by, note) = verdict_of(&example, claim);
    assert_eq!((verdict.as_str(), &by), ("disputed", &Value::from(ISW)));
    let claims_csv = example.run_ok(["export", "--format", "csv", "--what", "claims"]);
    let mut reader = csv::Reader::from_reader(claims_csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>()[CLAIMS_HEADER.split(',').count()..],
        ["verdict_by", "verdict_note"],
        "appended after the columns scripts know"
    );
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == claim)
        .unwrap();
    assert_eq!((&row[13], &row[14]), (ISW, note.as_str()));

    let env = TestEnv::new();
    env.write_file(
        "timeline.csv",
        &example.run_ok(["export", "--format", "csv"]),
    );
    let file = env.write_file("claims.csv", &claims_csv);
    env.run_ok(["import", "timeline.csv"]);
    let stderr = import_claims(&env, &file, &[]);
    assert!(stderr.contains("14 added"), "{stderr}");
    assert_eq!(verdicts(&env), verdicts(&example));
    assert_eq!(
        env.run_ok(["export", "--format", "csv", "--what", "claims"]),
        claims_csv
    );
    // Importing it again changes nothing.
    let dump = env.export_ndjson();
    let stderr = import_claims(&env, &file, &[]);
    assert!(
        stderr.contains("0 added, 0 updated, 14 unchanged; 0 actors and 0 sources created"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), dump);
}

/// Two sources called "Tass Wire" (`tass-wire`, whose id spells the name,
/// and `tass-bureau`), from a dump, which can hold them.
fn namesake_sources_dump() -> String {
    testenv::dump::of(&[
        testenv::dump::source_line("tass-wire", "Tass Wire"),
        testenv::dump::source_line("tass-bureau", "Tass Wire"),
    ])
}

/// A verdict resting on one of two sources that share a name is written
/// in the claims CSV's `verdict_by` as that source's id, as the other
/// columns write such a name, so that an import finds each source again.
#[test]
fn a_verdicts_source_whose_name_two_sources_share_is_written_as_its_id() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let dump = env.write_file("namesakes.ndjson", &namesake_sources_dump());
    env.run_ok(["import", dump.to_str().unwrap()]);
    let (hundreds, minors) = (
        "russia-took-only-hundreds-of-children",
        "russia-700000-minors-received",
    );
    env.run_ok(["claim", "rate", hundreds, "false", "--by", "tass-bureau"]);
    env.run_ok([
        "claim",
        "rate",
        minors,
        "confirmed",
        "--by",
        "tass-wire",
        "--note",
        "=700,000 by their own count\n\tand more ",
    ]);
    let claims_csv = env.run_ok(["export", "--format", "csv", "--what", "claims"]);
    let cells = |id: &str| {
        let mut reader = csv::Reader::from_reader(claims_csv.as_bytes());
        let row = reader
            .records()
            .map(Result::unwrap)
            .find(|r| &r[0] == id)
            .unwrap();
        (row[13].to_string(), row[14].to_string())
    };
    assert_eq!(cells(hundreds), ("tass-bureau".to_string(), String::new()));
    // The note as `claim rate` kept it, guarded as a formula would be.
    assert_eq!(
        cells(minors),
        (
            "tass-wire".to_string(),
            "'=700,000 by their own count\n\tand more ".to_string()
        )
    );
    let file = env.write_file("claims.csv", &claims_csv);
    let before = env.export_ndjson();
    let stderr = import_claims(&env, &file, &[]);
    assert!(
        stderr.contains("0 added, 0 updated, 14 unchanged; 0 actors and 0 sources created"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), before);

    // Into a new database with the example's timeline and the two sources.
    let rebuilt = TestEnv::new();
    rebuilt.write_file("timeline.csv", &env.run_ok(["export", "--format", "csv"]));
    rebuilt.run_ok(["import", "timeline.csv"]);
    rebuilt.run_ok(["import", dump.to_str().unwrap()]);
    let stderr = import_claims(&rebuilt, &file, &[]);
    assert!(stderr.contains("14 added"), "{stderr}");
    assert_eq!(
        rebuilt.run_ok(["export", "--format", "csv", "--what", "claims"]),
        claims_csv
    );
    for id in [hundreds, minors] {
        assert_eq!(
            rebuilt.json(["claim", "show", id])["verdict_by"],
            env.json(["claim", "show", id])["verdict_by"],
            "{id}"
        );
    }
}

/// A claims sheet with `verdict_by` and `verdict_note` rates claims as
/// `claim rate --by --note` does (a new version); a source it names that
/// none is called is created, as in the sources column.
#[test]
fn a_claims_sheet_records_who_rated_a_claim_and_why() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let (hundreds, minors) = (
        "russia-took-only-hundreds-of-children",
        "russia-700000-minors-received",
    );
    let text = |id: &str| env.json(["claim", "show", id])["text"].clone();
    let version = |env: &TestEnv, id: &str| env.json(["claim", "show", id])["version"].clone();
    let was = version(&env, hundreds).as_u64().unwrap();
    let file = env.write_file(
        "rated.csv",
        &format!(
            "id,text,verdict,verdict_by,verdict_note\n\
             {hundreds},{},false,isw,\"Thousands, by Russia's own count\"\n\
             {minors},{},confirmed,Children's Rights Monitor,\n",
            text(hundreds),
            text(minors)
        ),
    );
    let stderr = import_claims(&env, &file, &[]);
    assert!(
        stderr.contains("0 added, 2 updated, 0 unchanged; 0 actors and 1 sources created"),
        "{stderr}"
    );
    assert_eq!(version(&env, hundreds), Value::from(was + 1));
    let monitor = "Children's Rights Monitor";
    assert!(source_names(&env).contains(monitor));

    // As `claim rate` records the same verdicts.
    let rated = TestEnv::new();
    rated.run_ok(["example"]);
    rated.run_ok(["source", "add", monitor]);
    rated.run_ok([
        "claim",
        "rate",
        hundreds,
        "false",
        "--by",
        "isw",
        "--note",
        "Thousands, by Russia's own count",
    ]);
    rated.run_ok(["claim", "rate", minors, "confirmed", "--by", monitor]);
    assert_eq!(verdicts(&env), verdicts(&rated));

    // Importing it again changes nothing.
    let dump = env.export_ndjson();
    let stderr = import_claims(&env, &file, &[]);
    assert!(
        stderr.contains("0 added, 0 updated, 2 unchanged; 0 actors and 0 sources created"),
        "{stderr}"
    );
    assert_eq!(env.export_ndjson(), dump);

    // A sheet that gives the note but not the source keeps the source of
    // a verdict it keeps.
    let file = env.write_file(
        "note.csv",
        &format!(
            "id,text,verdict,verdict_note\n{hundreds},{},false,Tens of thousands\n",
            text(hundreds)
        ),
    );
    import_claims(&env, &file, &[]);
    assert_eq!(
        verdict_of(&env, hundreds),
        (
            "false".to_string(),
            Value::from(ISW),
            "Tens of thousands".to_string()
        )
    );
}

/// Who rated a claim and why, without the verdict they are for, is a bad
/// row; nothing is written, and the source it names is not created.
#[test]
fn a_verdicts_source_or_note_without_a_verdict_is_a_bad_row() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let hundreds = "russia-took-only-hundreds-of-children";
    let text = env.json(["claim", "show", hundreds])["text"].clone();
    let dump = env.export_ndjson();
    let file = env.write_file(
        "rated.csv",
        &format!(
            "id,text,verdict,verdict_by,verdict_note\n\
             {hundreds},{text},,New Monitor,\n\
             {hundreds},{text},,,A note\n\
             {hundreds},{text},false,\"New Monitor; Axios\",\n"
        ),
    );
    let err = env.fail(2, ["import", file.to_str().unwrap(), "--what", "claims"]);
    let bad = bad_rows(&err, &file);
    assert_eq!(
        bad.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
        [2, 3, 4],
        "{err}"
    );
    assert!(
        bad[0]
            .1
            .contains("verdict_by \"New Monitor\" without a verdict"),
        "{err}"
    );
    assert!(bad[1].1.contains("verdict_note without a verdict"), "{err}");
    assert!(
        bad[2].1.contains("verdict_by") && bad[2].1.contains("';'"),
        "{err}"
    );
    assert_eq!(env.export_ndjson(), dump);
    assert!(!source_names(&env).contains("New Monitor"));

    // A sheet without a verdict column says so.
    let file = env.write_file(
        "notes.csv",
        &format!("id,text,verdict_note\n{hundreds},{text},A note\n"),
    );
    let err = env.fail(2, ["import", file.to_str().unwrap(), "--what", "claims"]);
    let bad = bad_rows(&err, &file);
    assert_eq!(bad.len(), 1, "{err}");
    assert!(bad[0].1.contains("no verdict column"), "{err}");
    assert_eq!(env.export_ndjson(), dump);
}

/// bb15 #12: `import --skip-bad` of a claims CSV rejected a row yet wrote
/// the rows that contradict or support its claim, earlier or later in the
/// file: the database then named a claim that does not exist, and `check`
/// failed. Such a row is bad too, its line saying which row it depends on,
/// in the reject file, in the refusal without --skip-bad and in the dry run.
#[test]
fn a_claims_row_naming_the_claim_of_a_bad_row_is_bad_too() {
    let env = TestEnv::new();
    env.run_ok([
        "event", "add", "--id", "ev", "--title", "Dup", "--date", "2025",
    ]);
    env.run_ok(["retract", "ev", "--reason", "duplicate"]);
    // c1 (line 4) is bad: about a retracted event. c2 names it from
    // before, c3 from after, c4 names c2 (a chain), c7 names c1 among
    // others; c5 and c6 name each other and are good.
    let file = env.write_file(
        "claims.csv",
        "id,claimant,text,about,contradicts,supports\n\
         c2,Russia,two,,c1,\n\
         c4,Russia,four,,,c2\n\
         c1,Ukraine,one,ev,,\n\
         c3,Russia,three,,,c1\n\
         c5,Ann,five,,c6,\n\
         c6,Bob,six,,c5,\n\
         c7,Cat,seven,,c5;c1,\n",
    );
    let expected = [
        (
            2,
            "depends on line 4, a bad row: contradicts names claim \"c1\"",
        ),
        (
            3,
            "depends on line 2, a bad row: supports names claim \"c2\"",
        ),
        (4, "about: event ev was retracted"),
        (
            5,
            "depends on line 4, a bad row: supports names claim \"c1\"",
        ),
        (
            8,
            "depends on line 4, a bad row: contradicts names claim \"c1\"",
        ),
    ];
    let check = |bad: &[(u64, String)], context: &str| {
        assert_eq!(bad.len(), expected.len(), "{context}");
        for ((line, message), (want_line, want)) in bad.iter().zip(expected) {
            assert!(*line == want_line && message.contains(want), "{context}");
        }
    };
    let dump = env.export_ndjson();
    let err = env.fail(2, ["import", file.to_str().unwrap(), "--what", "claims"]);
    check(&bad_rows(&err, &file), &err);
    assert!(err.contains("5 of 7 rows are bad"), "{err}");
    assert_eq!(
        env.export_ndjson(),
        dump,
        "a refused import wrote something"
    );

    let dry = import_claims(&env, &file, &["--skip-bad", "--dry-run"]);
    assert!(
        dry.contains("2 added, 0 updated, 0 unchanged") && dry.contains("5 bad rows"),
        "{dry}"
    );
    assert_eq!(env.export_ndjson(), dump, "a dry run wrote something");

    let stderr = import_claims(&env, &file, &["--skip-bad"]);
    assert!(
        stderr.contains("2 added, 0 updated, 0 unchanged") && stderr.contains("5 bad rows"),
        "{stderr}"
    );
    assert_eq!(ids(&env.json(["claims"])), set(&["c5", "c6"]));
    env.run_ok(["check"]);
    let rejects = std::fs::read_to_string(env.path("claims.csv.rejects.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(rejects.as_bytes());
    let rejected: Vec<(u64, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let rest = r[0].strip_prefix(&format!("{}:", file.display())).unwrap();
            let (line, message) = rest.split_once(": ").unwrap();
            (line.parse().unwrap(), message.to_string())
        })
        .collect();
    check(&rejected, &rejects);
}

/// bb15 #09: the claims CSV accepted a claim that contradicts or supports
/// itself, a claim contradicting one that supports it (two rows, or a row
/// and a stored claim), and a new link to a retracted claim, all of which
/// `claim add` refuses. Both now share one rule; a link that the stored
/// claim already has to a claim retracted since stays.
#[test]
fn the_claims_csv_refuses_self_links_opposite_links_and_new_links_to_retracted_claims() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let err = env.fail(
        2,
        [
            "claim",
            "add",
            "--by",
            "Ukraine",
            "--text",
            "Me",
            "--id",
            "me",
            "--contradicts",
            "me",
        ],
    );
    assert!(err.contains("a claim cannot contradict itself"), "{err}");
    // A stored claim supporting the example's Ukrainian count.
    env.run_ok([
        "claim",
        "add",
        "--id",
        "agrees",
        "--by",
        "ISW",
        "--text",
        "About as many",
        "--supports",
        "ukraine-19500-deported-children",
    ]);
    env.run_ok([
        "retract",
        "russia-700000-minors-received",
        "--reason",
        "misquoted",
    ]);
    let dump = env.export_ndjson();
    let file = env.write_file(
        "claims.csv",
        "id,claimant,text,contradicts,supports\n\
         c1,Ukraine,one,c1,\n\
         c2,Russia,two,,c2\n\
         c3,Russia,three,c4,\n\
         c4,Ukraine,four,,c3\n\
         ukraine-19500-deported-children,Ukraine,\"At least 19,500 Ukrainian children have been forcibly deported to Russia\",agrees,\n\
         c5,Russia,five,russia-700000-minors-received,\n\
         c6,Russia,six,,russia-700000-minors-received\n\
         russia-took-only-hundreds-of-children,Russia,\"Russia took only hundreds of children, for humanitarian reasons\",ukraine-19500-deported-children;russia-700000-minors-received,\n",
    );
    let err = env.fail(2, ["import", file.to_str().unwrap(), "--what", "claims"]);
    let bad = bad_rows(&err, &file);
    let expected = [
        (2, "contradicts names claim c1 itself; a claim cannot contradict itself"),
        (3, "supports names claim c2 itself; a claim cannot support itself"),
        (4, "depends on line 5, a bad row: contradicts names claim \"c4\""),
        (
            5,
            "supports names claim c3, which contradicts claim c4; a claim cannot support a claim that contradicts it",
        ),
        (
            6,
            "contradicts names claim agrees, which supports claim ukraine-19500-deported-children; a claim cannot contradict a claim that supports it",
        ),
        (7, "contradicts: claim russia-700000-minors-received was retracted (misquoted)"),
        (8, "supports: claim russia-700000-minors-received was retracted (misquoted)"),
    ];
    assert_eq!(bad.len(), expected.len(), "{err}");
    for ((line, message), (want_line, want)) in bad.iter().zip(expected) {
        assert!(*line == want_line && message.contains(want), "{err}");
    }
    assert_eq!(
        env.export_ndjson(),
        dump,
        "a refused import wrote something"
    );
    // The last row keeps the link its claim had before the retraction.
    assert!(!bad.iter().any(|(line, _)| *line == 9), "{err}");
}

/// A claims CSV row that gave a unit without a subject and a value was
/// imported without its unit, and without a word (exit 0), where `claim add
/// --unit` alone is refused; a sheet of `id,text,unit` for a claim with no
/// number reported it unchanged. Each is now a bad row, and nothing is
/// written; a unit for a claim that has a number still updates it.
#[test]
fn claims_csv_refuses_a_unit_without_a_subject_and_a_value() {
    let env = TestEnv::new();
    env.run_ok([
        "claim",
        "add",
        "--id",
        "dead",
        "--by",
        "Ukraine",
        "--text",
        "Three died",
        "--subject",
        "dead",
        "--value",
        "3",
        "--unit",
        "people",
    ]);
    env.run_ok([
        "claim",
        "add",
        "--id",
        "deported",
        "--by",
        "Ukraine",
        "--text",
        "Thousands of children deported",
    ]);
    let before = env.export_ndjson();
    let new_row = env.write_file(
        "new.csv",
        "claimant,date,text,subject,value,unit\n\
         Ukraine,2025-11,Children deported,,,children\n",
    );
    let unit_only = env.write_file(
        "unit.csv",
        "id,text,unit\ndeported,Thousands of children deported,minors\n",
    );
    for file in [&new_row, &unit_only] {
        let err = env.fail(2, ["import", file.to_str().unwrap(), "--what", "claims"]);
        let bad = bad_rows(&err, file);
        assert_eq!(bad.len(), 1, "{err}");
        assert!(
            bad[0].0 == 2 && bad[0].1.contains("a unit needs a subject and a value"),
            "{err}"
        );
        assert_eq!(
            env.export_ndjson(),
            before,
            "a refused import wrote something"
        );
    }
    // The unit of a claim that gives a number is the sheet's to change.
    let file = env.write_file("units.csv", "id,text,unit\ndead,Three died,dead people\n");
    import_claims(&env, &file, &[]);
    assert_eq!(env.json(["claim", "show", "dead"])["unit"], "dead people");
}

/// A unit was stored as given, in every way a claim gets one: a terminal
/// escape sequence (which then ran on every terminal that listed the
/// claim), a line break, or 3,000 characters. It is now checked as the
/// subject is: one line, no control characters, 200 characters at most.
#[test]
fn a_units_text_is_checked_in_claim_add_the_claims_csv_and_a_dump() {
    let env = TestEnv::new();
    env.run_ok([
        "claim",
        "add",
        "--id",
        "ok",
        "--by",
        "Ukraine",
        "--text",
        "Fine",
        "--subject",
        "dead",
        "--value",
        "3",
        "--unit",
        "people",
    ]);
    let before = env.export_ndjson();
    let long = "x".repeat(201);
    for unit in ["a\u{1b}[2Jb", "two\nlines", long.as_str()] {
        let err = env.fail(
            2,
            [
                "claim",
                "add",
                "--by",
                "Ukraine",
                "--text",
                "T",
                "--subject",
                "dead",
                "--value",
                "3",
                "--unit",
                unit,
            ],
        );
        assert!(err.contains("--unit"), "{err}");
        testenv::assert_one_error_line(&err);

        let cell = unit.replace('\n', "\r\n");
        let file = env.write_file(
            "unit.csv",
            &format!("claimant,text,subject,value,unit\nUkraine,T,dead,3,\"{cell}\"\n"),
        );
        let err = env.fail(2, ["import", file.to_str().unwrap(), "--what", "claims"]);
        let bad = bad_rows(&err, &file);
        assert!(bad.len() == 1 && bad[0].1.contains("unit"), "{err}");

        let encoded = serde_json::to_string(unit).unwrap();
        let dump = before.replace("\"unit\":\"people\"", &format!("\"unit\":{encoded}"));
        assert_ne!(dump, before);
        let file = env.write_file("unit.ndjson", &dump);
        let fresh = TestEnv::new();
        let err = fresh.fail(2, ["import", file.to_str().unwrap()]);
        assert!(err.contains("unit"), "{err}");
        assert_eq!(env.export_ndjson(), before, "a refused unit was written");
    }
    // A unit is not needed: an empty one is none.
    env.run_ok([
        "claim",
        "add",
        "--id",
        "bare",
        "--by",
        "Ukraine",
        "--text",
        "Bare",
        "--subject",
        "dead",
        "--value",
        "4",
        "--unit",
        " ",
    ]);
    assert_eq!(env.json(["claim", "show", "bare"])["unit"], "");
}

/// `--value` was rounded to the nearest 64-bit float without a word:
/// 123456789012345678 and 123456789012345679 were both stored as
/// 123456789012345680, so two claims giving different numbers did not
/// contradict, and 1e-400 was stored as 0. A number is now kept as written
/// or refused, naming it, in `claim add` and in the claims CSV; ordinary
/// numbers, negative ones too, are kept as before.
#[test]
fn a_value_is_kept_as_written_or_refused() {
    let env = TestEnv::new();
    let add = |id: &str, value: &str| {
        env.output([
            "claim",
            "add",
            "--id",
            id,
            "--by",
            "Ukraine",
            "--text",
            id,
            "--subject",
            "debt",
            "--value",
            value,
        ])
    };
    env.run_ok(["actor", "add", "Ukraine"]);
    let before = env.export_ndjson();
    for (value, problem) in [
        ("123456789012345678", "123456789012345680"),
        ("0.1000000000000000000001", "more digits"),
        ("1e-400", "too small"),
        ("1e400", "too large"),
        ("abc", "not a number"),
        ("inf", "not a number"),
        ("NaN", "not a number"),
    ] {
        let out = add("refused", value);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{value}: {err}");
        assert!(
            err.contains(value) && err.contains(problem),
            "{value}: {err}"
        );
        testenv::assert_one_error_line(&err);

        let file = env.write_file(
            "value.csv",
            &format!("claimant,text,subject,value\nUkraine,T,debt,{value}\n"),
        );
        let err = env.fail(2, ["import", file.to_str().unwrap(), "--what", "claims"]);
        let bad = bad_rows(&err, &file);
        assert!(
            bad.len() == 1 && bad[0].1.contains(value) && bad[0].1.contains(problem),
            "{value}: {err}"
        );
    }
    assert_eq!(env.export_ndjson(), before, "a refused value was written");

    for (i, (value, shown)) in [
        ("19500", "19500"),
        ("0.5", "0.5"),
        ("1.2e6", "1200000"),
        ("-3", "-3"),
        (" 7 ", "7"),
        ("19500.000", "19500"),
        ("0.1", "0.1"),
        ("-0", "0"),
        ("12345678901234.5", "12345678901234.5"),
    ]
    .into_iter()
    .enumerate()
    {
        let id = format!("v{i}");
        let out = add(&id, value);
        assert!(out.status.success(), "{value}: {out:?}");
        let stored = &env.json(["claim", "show", &id])["value"];
        assert_eq!(stored.as_f64(), shown.parse().ok(), "{value}: {stored}");
        assert!(!stored.to_string().starts_with('-') || shown.starts_with('-'));
    }
    // Numbers as far apart as 1 in 10^15 are told apart.
    env.run_ok([
        "claim",
        "add",
        "--id",
        "a",
        "--by",
        "Finance Ministry",
        "--text",
        "A",
        "--subject",
        "total",
        "--value",
        "123456789012345",
    ]);
    env.run_ok([
        "claim",
        "add",
        "--id",
        "b",
        "--by",
        "Central Bank",
        "--text",
        "B",
        "--subject",
        "total",
        "--value",
        "123456789012346",
    ]);
    let found = pairs(&env.json(["contradictions"]));
    assert!(
        found.contains(&(set(&["a", "b"]), vec!["quantity".to_string()])),
        "{found:?}"
    );
}

// Many claims giving numbers for one subject (bb25 #03): `claims`, `claim
// show` and `stats` no longer list every pair to mark or count a claim's
// contradictions. Their answers are the contradiction rule's, pair by pair.

#[test]
fn many_numbers_for_one_subject_mark_show_and_count_every_contradiction_by_the_rule() {
    let env = TestEnv::new();
    let dates = [
        "2025-11",
        "2025",
        "",
        "2025-11-03",
        "2024",
        "2025-10/2025-12",
        "2025-11-20/..",
        "../2024-06",
        "2025-12",
    ];
    let values = ["1000", "1200", "1000.0", "-0", "0", "2e3"];
    let subjects = ["casualties", "Casualties ", "casualties", "wounded"];
    let mut csv = String::from("id,date,claimant,text,subject,value,contradicts,supports\n");
    let n = 48;
    for k in 0..n {
        let contradicts = if k % 11 == 5 {
            format!("q{:02}", k - 4)
        } else {
            String::new()
        };
        let supports = match k % 7 {
            3 => format!("q{:02}", k - 1),
            6 => format!("q{:02}; q{:02}", k - 2, k - 5),
            _ => String::new(),
        };
        csv.push_str(&format!(
            "q{k:02},{},Speaker {},Figure {k},{},{},{contradicts},{supports}\n",
            dates[k % dates.len()],
            k % 5,
            subjects[(k / 3) % subjects.len()],
            values[(k * 7 / 3) % values.len()],
        ));
    }
    let file = env.write_file("numbers.csv", &csv);
    import_claims(&env, &file, &[]);

    // The rule, pair by pair, from what `claims` shows of each claim.
    let listed = env.json(["claims"]);
    let claims = rows(&listed);
    assert_eq!(claims.len(), n);
    let day = |v: &Value| v.as_str().map(str::to_string);
    let names = |v: &Value| -> BTreeSet<String> {
        rows(v)
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    let fold = |s: &str| s.trim().to_lowercase();
    let mut expected: Vec<(BTreeSet<String>, Vec<String>)> = Vec::new();
    for (i, a) in claims.iter().enumerate() {
        for b in &claims[i + 1..] {
            let (ida, idb) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
            let mut why = Vec::new();
            if names(&a["contradicts"]).contains(idb) || names(&b["contradicts"]).contains(ida) {
                why.push("linked".to_string());
            }
            let overlap = a["date"].is_null()
                || b["date"].is_null()
                || ((day(&a["earliest"]).is_none()
                    || day(&b["latest"]).is_none()
                    || day(&a["earliest"]) <= day(&b["latest"]))
                    && (day(&b["earliest"]).is_none()
                        || day(&a["latest"]).is_none()
                        || day(&b["earliest"]) <= day(&a["latest"])));
            let supported =
                names(&a["supports"]).contains(idb) || names(&b["supports"]).contains(ida);
            if fold(a["subject"].as_str().unwrap()) == fold(b["subject"].as_str().unwrap())
                && a["value"].as_f64() != b["value"].as_f64()
                && overlap
                && !supported
            {
                why.push("quantity".to_string());
            }
            if !why.is_empty() {
                expected.push((set(&[ida, idb]), why));
            }
        }
    }
    assert!(expected.len() > 200, "{}", expected.len());
    assert!(expected.iter().any(|(_, why)| why.len() == 2));
    assert_eq!(pairs(&env.json(["contradictions"])), expected);

    let partners = |id: &str| -> Vec<(String, Vec<String>)> {
        expected
            .iter()
            .filter(|(pair, _)| pair.contains(id))
            .map(|(pair, why)| (pair.iter().find(|c| *c != id).unwrap().clone(), why.clone()))
            .collect()
    };
    let mut counts: Vec<(usize, String)> = Vec::new();
    for claim in claims {
        let id = claim["id"].as_str().unwrap();
        let mine = partners(id);
        assert_eq!(claim["contradicted"], !mine.is_empty(), "{id}");
        counts.push((mine.len(), id.to_string()));
    }
    // `claim show` lists the partners in the claims' order, as `claims` does.
    for claim in claims.iter().step_by(5) {
        let id = claim["id"].as_str().unwrap();
        let order = |c: &String| claims.iter().position(|x| x["id"] == c.as_str());
        let mut mine = partners(id);
        mine.sort_by_key(|(c, _)| order(c));
        assert_eq!(shown_contradictions(&env, id), mine, "{id}");
    }
    let contradicted = ids(&env.json(["claims", "--contradicted"]));
    let marked: BTreeSet<String> = counts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(_, id)| id.clone())
        .collect();
    assert_eq!(contradicted, marked);
    counts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let top: Vec<String> = counts
        .iter()
        .take(5)
        .map(|(n, id)| format!("{id} ({n})"))
        .collect();
    let stats = env.json(["stats"]);
    let contested = rows(&stats)
        .iter()
        .find(|r| r["stat"] == "most contested claims")
        .expect("a most contested row");
    assert_eq!(contested["value"], top.join(", "));
}

// A long "via" chain (bb25 #09): `sources` walks each report's chain once,
// through an index of the fact's reports, so printing n chains costs what
// they print. Each row names its whole chain, nearest first, through a
// source retracted since, and stops where a stored loop meets itself.

#[test]
fn sources_names_every_report_s_whole_chain_through_a_long_chain_and_a_loop() {
    let env = TestEnv::new();
    env.run_ok(["claim", "add", "--by", "X", "--text", "t", "--id", "c"]);
    let n = 30;
    let name = |k: usize| format!("A{k:02}");
    env.run_ok(["link", "c", &name(0)]);
    for k in 1..n {
        env.run_ok(["link", "c", &name(k), "--via", &name(k - 1)]);
    }
    // A loop (stored before `link` refused them): L0 via L1, L1 via L2,
    // L2 via L0; and M via L0.
    env.run_ok(["link", "c", "L2"]);
    env.run_ok(["link", "c", "L1", "--via", "L2"]);
    env.run_ok(["link", "c", "L0", "--via", "L1"]);
    env.run_ok(["link", "c", "M", "--via", "L0"]);
    let dump = env.export_ndjson().replace(
        r#""source":"l2","credibility":null,"via":null"#,
        r#""source":"l2","credibility":null,"via":"l0""#,
    );
    assert!(dump.contains(r#""via":"l0""#), "{dump}");
    let file = env.write_file("chain.ndjson", &dump);
    let stored = TestEnv::new();
    stored.run_ok([std::ffi::OsStr::new("import"), file.as_os_str()]);
    stored.run_ok(["retract", "a10", "--reason", "test"]);

    let sources = stored.json(["sources", "c"]);
    assert_eq!(rows(&sources).len(), n - 1 + 4, "{sources}");
    let shown = |k: usize| match k {
        10 => format!("{} (retracted)", name(k)),
        _ => name(k),
    };
    for k in (0..n).filter(|&k| k != 10) {
        let row = link_row(&sources, &name(k));
        let chain: Vec<String> = (0..k).rev().map(shown).collect();
        assert_eq!(row["via"], serde_json::json!(chain), "{}", name(k));
        assert_eq!(row["origin"], "A00", "{}", name(k));
    }
    for (report, chain) in [
        ("L0", vec!["L1", "L2"]),
        ("L1", vec!["L2", "L0"]),
        ("L2", vec!["L0", "L1"]),
        ("M", vec!["L0", "L1", "L2"]),
    ] {
        let row = link_row(&sources, report);
        assert_eq!(row["via"], serde_json::json!(chain), "{report}");
        assert_eq!(row["origin"], "L0", "{report}");
    }
    assert_eq!(corroboration(&sources), 2);
    let csv = stored.run_ok(["sources", "c", "--format", "csv"]);
    let a29 = csv
        .lines()
        .find(|l| l.starts_with("a29,"))
        .expect("a29's row");
    let chain: Vec<String> = (0..29).rev().map(shown).collect();
    assert!(a29.contains(&chain.join(" → ")), "{a29}");
    let table = stored.run_ok(["sources", "c"]);
    assert!(table.contains("2 independent sources"), "{table}");
}

/// A number as reports write it ("19,500", "1.2 million") is refused, since
/// a value is one plain number, but the error says how to write it, in
/// `claim add` and in the claims CSV alike; "19,500" is a number, and
/// "not a number" alone sent a user looking for the mistake elsewhere.
#[test]
fn a_value_written_as_reports_write_numbers_is_refused_saying_how_to_write_it() {
    let env = TestEnv::new();
    for (written, hint) in [
        ("19,500", "write 19500"),
        ("19 500", "write 19500"),
        ("1,250.75", "write 1250.75"),
        ("19,5", "write 19.5 if the comma marks the decimals"),
        ("1.2 million", "write 1.2e6"),
        ("20k", "write 20e3"),
        ("more than 700,000", "give one number alone"),
    ] {
        let stderr = value_refused(&env, written);
        assert!(stderr.contains(hint), "{written}: {stderr}");
    }
    let file = env.write_file(
        "claims.csv",
        "text,claimant,subject,value\nT,Ukraine,kids,\"19,500\"\n",
    );
    let stderr = env.fail(
        2,
        [
            std::ffi::OsStr::new("import"),
            file.as_os_str(),
            "--what".as_ref(),
            "claims".as_ref(),
        ],
    );
    assert!(
        stderr.contains("claims.csv:2: value 19,500 is not a number; write 19500"),
        "{stderr}"
    );
    assert!(!env.db().exists(), "nothing is written");
}

/// Units are not compared, so a unit that multiplies the number made
/// "1.2 million" (value 1.2, unit million) contradict 1,200,000 people,
/// and "19.5 thousand" contradict 19,500, while they agree: such a unit
/// is refused, in `claim add` and in the claims CSV, saying to write the
/// value whole; a quantity already stored so (from an older dump) is
/// kept, and importing its export changes nothing.
#[test]
fn a_unit_that_multiplies_the_number_is_refused_for_a_false_contradiction() {
    let env = TestEnv::new();
    env.run_ok([
        "claim",
        "add",
        "--by",
        "A",
        "--text",
        "1,200,000 displaced",
        "--subject",
        "displaced",
        "--value",
        "1200000",
        "--unit",
        "people",
    ]);
    let stderr = env.fail(
        2,
        [
            "claim",
            "add",
            "--by",
            "A",
            "--text",
            "1.2 million displaced",
            "--subject",
            "displaced",
            "--value",
            "1.2",
            "--unit",
            "million",
        ],
    );
    assert!(
        stderr.contains("--unit million multiplies the number"),
        "{stderr}"
    );
    assert!(stderr.contains("(1.2e6)"), "{stderr}");
    testenv::assert_one_error_line(&stderr);
    let file = env.write_file(
        "claims.csv",
        "text,claimant,subject,value,unit\n19.5 thousand,A,kids,19.5,thousand children\n",
    );
    let stderr = env.fail(2, claims_import_args(&file));
    assert!(
        stderr.contains("claims.csv:2: unit \"thousand children\" multiplies"),
        "{stderr}"
    );
    assert_eq!(rows(&env.json(["claims"])).len(), 1);
    assert_eq!(rows(&env.json(["contradictions"])).len(), 0);

    // Stored so by an older factline: kept, and its export imports unchanged.
    let dump = env.export_ndjson().replace(
        r#""value":1200000.0,"unit":"people""#,
        r#""value":1.2,"unit":"million""#,
    );
    assert!(dump.contains(r#""unit":"million""#), "{dump}");
    let older = TestEnv::new();
    let dump = older.write_file("older.ndjson", &dump);
    older.run_ok([std::ffi::OsStr::new("import"), dump.as_os_str()]);
    let csv = older.path("claims.csv");
    older.run_ok([
        std::ffi::OsStr::new("export"),
        "--format".as_ref(),
        "csv".as_ref(),
        "--what".as_ref(),
        "claims".as_ref(),
        "-o".as_ref(),
        csv.as_os_str(),
    ]);
    let (_, stderr) = older.run_ok_with_stderr(claims_import_args(&csv));
    assert!(
        stderr.contains("0 added, 0 updated, 1 unchanged"),
        "{stderr}"
    );
}

/// Where a full stop groups thousands, as in much of Europe, "19.500
/// Kinder" is 19500: such a value, and `1.250.000`, is refused, in `claim
/// add` and in the claims CSV, saying what to write, rather than stored a
/// thousand times smaller. One reading only (`19.5`, `0.125`, `19.5000`,
/// `1e3`) is kept; a value stored so is exported as `1.1250`, and an
/// older export that wrote it `1.125` imports unchanged.
#[test]
fn a_value_whose_full_stop_may_group_thousands_is_refused_as_ambiguous() {
    let env = TestEnv::new();
    let add = |value: &str| -> Vec<String> {
        let text = format!("as written: {value}");
        ["claim", "add", "--by", "Ukraine", "--text", &text]
            .iter()
            .map(|s| s.to_string())
            .chain([
                "--subject".into(),
                "kids".into(),
                "--value".into(),
                value.into(),
            ])
            .collect()
    };
    for (written, hint) in [
        ("19.500", "write 19500 or 19.5"),
        ("-1.250", "write -1250 or -1.25"),
        ("1.250.000", "write 1250000"),
    ] {
        let stderr = env.fail(2, add(written));
        assert!(stderr.contains(hint), "{written}: {stderr}");
        testenv::assert_one_error_line(&stderr);
    }
    let file = env.write_file(
        "claims.csv",
        "text,claimant,subject,value\nT,Ukraine,kids,19.500\n",
    );
    let stderr = env.fail(2, claims_import_args(&file));
    assert!(
        stderr.contains("claims.csv:2: value 19.500 is ambiguous"),
        "{stderr}"
    );
    assert!(!env.db().exists(), "nothing is written");

    for written in ["19.5", "0.125", "19.5000", "1e3", "1.1250"] {
        env.run_ok(add(written));
    }
    let values: BTreeSet<String> = rows(&env.json(["claims"]))
        .iter()
        .map(|row| row["value"].to_string())
        .collect();
    let expected = ["0.125", "1.125", "1000.0", "19.5"];
    assert_eq!(values, expected.iter().map(|s| s.to_string()).collect());

    let csv = env.path("export.csv");
    env.run_ok([
        std::ffi::OsStr::new("export"),
        "--format".as_ref(),
        "csv".as_ref(),
        "--what".as_ref(),
        "claims".as_ref(),
        "-o".as_ref(),
        csv.as_os_str(),
    ]);
    let exported = std::fs::read_to_string(&csv).unwrap();
    assert!(exported.contains(",kids,1.1250,"), "{exported}");
    let (_, stderr) = env.run_ok_with_stderr(claims_import_args(&csv));
    assert!(
        stderr.contains("0 added, 0 updated, 5 unchanged"),
        "{stderr}"
    );
    let older = env.write_file("older.csv", &exported.replace(",1.1250,", ",1.125,"));
    let (_, stderr) = env.run_ok_with_stderr(claims_import_args(&older));
    assert!(
        stderr.contains("0 added, 0 updated, 5 unchanged"),
        "{stderr}"
    );
    let colleague = TestEnv::new();
    let (_, stderr) = colleague.run_ok_with_stderr(claims_import_args(&csv));
    assert!(stderr.contains("5 added"), "{stderr}");
}

/// A retracted claimant's claims are still listed by `claims`, marked
/// "(retracted)": `claims --by` its id lists them, with a notice that
/// the actor is retracted, rather than refusing the filter.
#[test]
fn claims_by_a_retracted_claimant_lists_its_claims_with_a_notice() {
    let env = TestEnv::new();
    for (by, text) in [("Russia", "Only hundreds"), ("Ukraine", "19,500")] {
        env.run_ok(["claim", "add", "--by", by, "--text", text]);
    }
    env.run_ok(["retract", "russia", "--reason", "misidentified"]);
    let (stdout, stderr) = env.run_ok_with_stderr(["claims", "--by", "russia", "--format", "json"]);
    let listed: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(rows(&listed).len(), 1, "{stdout}");
    assert_eq!(listed[0]["text"], "Only hundreds");
    assert_eq!(listed[0]["claimant_retracted"], true);
    assert!(
        stderr.contains("actor russia was retracted (misidentified)"),
        "{stderr}"
    );
}

/// A fall is written with a minus, and reports group its digits: `--value
/// -19,500` was taken by the argument parser for an unknown flag `-1`,
/// which sent a user looking for a mistyped option. It now reaches
/// factline's own check, which says how to write it, and `--value -19500`
/// is stored.
#[test]
fn a_negative_value_after_a_space_reaches_the_value_check() {
    let env = TestEnv::new();
    let add = |text: &str, value: &str| -> Vec<String> {
        [
            "claim",
            "add",
            "--by",
            "Ukraine",
            "--text",
            text,
            "--subject",
            "kids",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain(["--value".into(), value.into()])
        .collect()
    };
    let stderr = env.fail(2, add("A fall", "-19,500"));
    assert!(
        stderr.contains("--value -19,500 is not a number; write -19500 if the comma groups"),
        "{stderr}"
    );
    testenv::assert_one_error_line(&stderr);
    env.run_ok(add("A fall", "-19500"));
    let values: Vec<String> = rows(&env.json(["claims"]))
        .iter()
        .map(|row| row["value"].to_string())
        .collect();
    assert_eq!(values, ["-19500.0"]);
}

/// The hints for a number as reports write it keep the sign the user
/// wrote, in both readings: "+19.500" is "+19500" or "+19.5" (the second
/// dropped the plus), "+19,500" likewise, and "-19,5" is "-19.5" (it got
/// no hint at all).
#[test]
fn the_hints_for_a_value_keep_its_sign_as_written() {
    let env = TestEnv::new();
    for (written, hint) in [
        ("+19.500", "write +19500 or +19.5"),
        (
            "+19,500",
            "write +19500 if the comma groups thousands, or +19.5 if",
        ),
        ("-19,5", "write -19.5 if the comma marks the decimals"),
    ] {
        let stderr = value_refused(&env, written);
        assert!(stderr.contains(hint), "{written}: {stderr}");
    }
}

/// The one-line error of `claim add` giving `--value=VALUE` for a
/// quantity of "kids".
fn value_refused(env: &TestEnv, value: &str) -> String {
    let value = format!("--value={value}");
    let stderr = env.fail(
        2,
        [
            "claim",
            "add",
            "--by",
            "Ukraine",
            "--text",
            "T",
            "--subject",
            "kids",
            &value,
        ],
    );
    testenv::assert_one_error_line(&stderr);
    stderr
}

/// An event id mistyped after its date (`--about 2025-10-24-miami-talk`)
/// gets the event's id as a suggestion, as a mistyped actor gets a name.
#[test]
fn a_mistyped_event_id_in_about_suggests_the_event() {
    let env = TestEnv::new();
    env.run_ok(["example"]);
    let err = env.fail(
        2,
        [
            "claim",
            "add",
            "--by",
            "Kirill Dmitriev",
            "--text",
            "Talks went well",
            "--about",
            "2025-10-24-miami-talk",
        ],
    );
    testenv::assert_one_error_line(&err);
    assert!(
        err.contains("did you mean \"2025-10-24-miami-talks\"?"),
        "{err}"
    );
}
