//! `beast import legacy`: the old tracker's progress file, through the binary.
//! The fixture (tests/fixtures/legacy_progress.json) is written in the old
//! tracker's format with the team's own wording: leading verbs, trailing
//! "system"/"framework"/"dashboard", parenthesised details, different words
//! for the same task, off-roadmap work, two tasks for one roadmap task in one
//! month, year-2 months without a roadmap, and tasks never completed.

mod common;

use std::collections::HashMap;
use std::process::Command;

use common::{metric, repo_path, Env};
use serde_json::Value;

fn fixture() -> String {
    repo_path("tests/fixtures/legacy_progress.json")
        .display()
        .to_string()
}

fn dry_run(env: &Env, extra: &[&str]) -> Value {
    let mut args = vec!["import", "legacy", "--dry-run", "--json"];
    let f = fixture();
    args.push(&f);
    args.extend(extra);
    serde_json::from_str(&env.ok(&args)).expect("JSON")
}

/// legacy name → roadmap title, for the mapped ones.
fn mapping(plan: &Value) -> HashMap<String, String> {
    plan["mapped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["legacy"].as_str().unwrap().to_string(),
                m["task"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn adhoc(plan: &Value) -> HashMap<String, String> {
    plan["adhoc"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["legacy"].as_str().unwrap().to_string(),
                m["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn tasks_are_matched_by_meaning_and_unclear_ones_are_not() {
    let env = Env::new();
    let plan = dry_run(&env, &[]);
    let keys: Vec<&str> = plan
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "adhoc",
            "ahead_of_plan",
            "dogfood",
            "mapped",
            "readings",
            "skipped"
        ]
    );
    // In that order in the text: mapped, adhoc, skipped, readings, dogfood.
    let text = env.ok(&["import", "legacy", "--dry-run", "--json", &fixture()]);
    let at = |k: &str| text.find(&format!("\n  \"{k}\":")).unwrap();
    assert!(at("mapped") < at("adhoc") && at("adhoc") < at("skipped"));
    assert!(at("skipped") < at("readings") && at("readings") < at("dogfood"));
    let m = mapping(&plan);
    for (legacy, task) in [
        ("Fix failed request tracking", "Fix failed request tracking"),
        (
            "Add enhanced error context (stack + request id)",
            "Enhanced error context",
        ),
        (
            "Build multi-tier cache system (L1/L2/L3)",
            "Multi-tier cache",
        ),
        (
            "Implement semantic cache matching system (threshold 0.95)",
            "Semantic cache matching",
        ),
        ("Cache warming framework", "Cache warming"),
        ("Implement cost prediction model", "Cost prediction models"),
        ("Optimize latency (<200ms p95)", "Optimize latency"),
        ("Auto-tuning system (v2)", "Auto-tuning system"),
        ("Build security hardening", "Security Hardening"),
        ("Set up load balancer", "Load Balancing"),
        ("Implement canary deployments", "Canary Deployment"),
        (
            "Latency optimization system (<200ms p95)",
            "Latency Optimization System",
        ),
        ("Build cache monitoring dashboard", "Cache Monitoring"),
    ] {
        assert_eq!(m.get(legacy).map(String::as_str), Some(task), "{legacy}");
    }
    let a = adhoc(&plan);
    // Off the roadmap, or in other words than the roadmap's: not guessed.
    assert!(a["Set up CI pipeline"].contains("shares"), "{a:?}");
    assert!(
        a["Build self-healing system"].contains("no clear match; closest \"Auto-tuning system\"")
    );
    assert!(a["Double throughput"].contains("no clear match"));
    assert!(a["Add budget alerts dashboard"].contains("no clear match"));
    // Two roadmap tasks fit equally: no match is made.
    assert!(
        a["Add monitoring"].contains("are as close"),
        "{}",
        a["Add monitoring"]
    );
    // A roadmap task goes to its best match only.
    assert!(
        a["Implement auto-tuning framework"]
            .contains("went to a better match, \"Auto-tuning system (v2)\""),
        "{}",
        a["Implement auto-tuning framework"]
    );
    // Year 2 has no roadmap.
    assert!(a["Build plugin marketplace"].contains("month 14 has no roadmap"));
    // Nothing matched is reported twice, and every completed task is somewhere.
    assert_eq!(m.len() + a.len(), 32);
    let skipped: Vec<&str> = plan["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["legacy"].as_str().unwrap())
        .collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert_eq!(plan["readings"], 5);
    assert_eq!(plan["dogfood"]["improvement"], 151);
    assert_eq!(plan["dogfood"]["optimization"], 84);
    assert_eq!(plan["dogfood"]["test"], 0);
    let scores: Vec<f64> = plan["mapped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["score"].as_f64().unwrap())
        .collect();
    assert!(scores.iter().all(|s| (0.5..=1.0).contains(s)), "{scores:?}");
}

#[test]
fn unknown_keys_are_reported_and_a_dry_run_writes_nothing() {
    let env = Env::new();
    let before = env.report();
    let out = env
        .cmd()
        .args(["import", "legacy", &fixture(), "--dry-run"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown top-level key \"version\""), "{err}");
    assert!(
        err.contains("unknown metric \"tokensSaved\" (1234) not imported"),
        "{err}"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("24 mapped to roadmap tasks, 8 ad hoc, 3 skipped"),
        "{text}"
    );
    assert!(text.contains("Dry run: nothing was written."), "{text}");
    assert_eq!(env.report(), before);
}

#[test]
fn an_import_lands_as_events_and_a_second_import_adds_nothing() {
    let env = Env::on("2029-06-01");
    let out = env.ok(&["import", "legacy", &fixture()]);
    assert!(out.contains("Imported 272 new events of 272"), "{out}");
    let r = env.report();
    // Mapped tasks count toward progress; ad-hoc ones are listed per month.
    let month = |n: u64| {
        r["progress"]["months"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["month"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(month(1)["completed"], 6);
    assert_eq!(month(25)["completed"], 4);
    let adhoc: HashMap<u64, u64> = r["adhoc"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["month"].as_u64().unwrap(), a["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(adhoc[&14], 1);
    assert_eq!(adhoc[&7], 2);
    let latency = metric(&r, "latency");
    assert_eq!(latency["latest"]["value"], 500.0);
    assert_eq!(latency["latest"]["source"], "import:legacy");
    assert_eq!(latency["latest"]["at"], "2026-01-09T03:26:03Z");
    let improvement = r["dogfood"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "improvement")
        .unwrap()
        .clone();
    assert_eq!(improvement["generated"], 151);
    // The completion keeps the legacy name, time, week and notes.
    let export = env.ok(&["export"]);
    let cache: Value = export
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|e| e["legacy_name"] == "Build multi-tier cache system (L1/L2/L3)")
        .unwrap();
    assert_eq!(cache["title"], "Multi-tier cache");
    assert_eq!(cache["completed_at"], "2026-01-09T03:01:44.000Z");
    assert_eq!(cache["week"], 3);
    assert_eq!(cache["note"], "TTL 1h/2h/24h; promote on hit");
    let adhoc_line: Value = export
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|e| e["legacy_name"] == "Set up CI pipeline")
        .unwrap();
    assert_eq!(adhoc_line["adhoc"], true);
    assert_eq!(adhoc_line["title"], "Set up CI pipeline");

    let again = env.ok(&["import", "legacy", &fixture()]);
    assert!(again.contains("Imported 0 new events of 272"), "{again}");
    assert_eq!(env.report(), r);
}

#[test]
fn a_newer_file_adds_only_what_is_new() {
    let env = Env::on("2029-06-01");
    env.ok(&["import", "legacy", &fixture()]);
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(fixture()).unwrap()).unwrap();
    v["tasks"]["month26_week4_Performance validation"]["completed"] = Value::Bool(true);
    v["tasks"]["month26_week4_Performance validation"]["completedAt"] =
        Value::String("2028-02-25T08:00:00.000Z".into());
    v["dogFooding"]["improvementsGenerated"] = Value::from(160);
    v["metrics"]["latency"] = Value::from(420);
    v["lastUpdated"] = Value::String("2028-03-01T00:00:00.000Z".into());
    let newer = env.dir.path().join("newer.json");
    std::fs::write(&newer, v.to_string()).unwrap();
    let out = env.ok(&["import", "legacy", newer.to_str().unwrap()]);
    // 1 completion + 9 dog-food events + 5 readings at the new date.
    assert!(out.contains("Imported 15 new events"), "{out}");
    let r = env.report();
    assert_eq!(metric(&r, "latency")["latest"]["value"], 420.0);
    assert_eq!(metric(&r, "latency")["count"], 2);
    assert_eq!(r["dogfood"][0]["generated"], 160);
}

#[test]
fn map_overrides_the_choices() {
    let env = Env::new();
    let map = env.dir.path().join("map.toml");
    std::fs::write(
        &map,
        "\"Double throughput\" = \"2x throughput improvement\"\n\"Build cache monitoring dashboard\" = \"adhoc\"\n",
    )
    .unwrap();
    let plan = dry_run(&env, &["--map", map.to_str().unwrap()]);
    assert_eq!(
        mapping(&plan).get("Double throughput").map(String::as_str),
        Some("2x throughput improvement")
    );
    assert!(adhoc(&plan)["Build cache monitoring dashboard"].contains("--map"));

    std::fs::write(&map, "\"Double throughput\" = \"Quadruple throughput\"\n").unwrap();
    let e = env.fails(
        &[
            "import",
            "legacy",
            &fixture(),
            "--map",
            map.to_str().unwrap(),
        ],
        1,
    );
    assert!(
        e.contains("--map: \"Double throughput\" → \"Quadruple throughput\": no task"),
        "{e}"
    );
    std::fs::write(&map, "\"Double throughput\" = 3\n").unwrap();
    env.fails(
        &[
            "import",
            "legacy",
            &fixture(),
            "--map",
            map.to_str().unwrap(),
        ],
        1,
    );
}

#[test]
fn bad_files_are_refused_with_one_line_and_nothing_written() {
    let env = Env::new();
    let cases: &[(&str, &str)] = &[
        ("this is not json", "is not JSON"),
        ("[]", "is not a JSON object"),
        (
            r#"{"tasks": {"a": {"month": 1, "week": 1, "completed": true, "completedAt": "2026-01-09T00:53:39.988Z"}}}"#,
            "tasks.\"a\" has no \"name\"",
        ),
        (
            r#"{"tasks": {"a": {"name": "x", "week": 1}}}"#,
            "has no \"month\"",
        ),
        (
            r#"{"tasks": {"a": {"name": "x", "month": 0, "week": 1}}}"#,
            "month 0 is outside the roadmap",
        ),
        (
            r#"{"tasks": {"a": {"name": "x", "month": 3, "week": 1, "completed": true, "completedAt": "last tuesday"}}}"#,
            "completedAt \"last tuesday\" is not a date",
        ),
        (
            r#"{"tasks": {}, "metrics": {"latency": 1}, "lastUpdated": "soon"}"#,
            "lastUpdated \"soon\" is not a date",
        ),
    ];
    for (i, (text, needle)) in cases.iter().enumerate() {
        let path = env.dir.path().join(format!("bad{i}.json"));
        std::fs::write(&path, text).unwrap();
        let e = env.fails(&["import", "legacy", path.to_str().unwrap()], 1);
        assert!(e.contains(needle), "{text}: {e}");
        assert!(e.contains("nothing was imported"), "{e}");
    }
    let missing = env.dir.path().join("missing.json");
    env.fails(&["import", "legacy", missing.to_str().unwrap()], 1);
    env.fails(&["import", "legacy", env.dir.path().to_str().unwrap()], 1);
}

#[test]
fn in_a_project_the_import_lands_in_the_log() {
    let env = Env::new();
    let root = env.dir.path().join("repo");
    std::fs::create_dir_all(root.join(".beast")).unwrap();
    let init = Command::new("git")
        .args(["init", "-q"])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(init.status.success());
    let run = |args: &[&str]| {
        let out = env
            .cmd()
            .env_remove("BEAST_DB")
            .env("BEAST_PROJECT", &root)
            .env("BEAST_AUTHOR", "alice@example.com")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run(&["import", "legacy", &fixture()]);
    // The imported events are the old tracker's: they go to its own file
    // (a log file holds its author's events only), not to the importer's.
    let events = root.join(".git/beast/events");
    assert!(!events.join("alice@example.com.jsonl").exists());
    let log = std::fs::read_to_string(events.join("legacy-tracker.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 272);
    assert!(log
        .lines()
        .all(|l| l.contains("\"author\":\"legacy-tracker\"")));
    run(&["import", "legacy", &fixture()]);
    let again = std::fs::read_to_string(events.join("legacy-tracker.jsonl")).unwrap();
    assert_eq!(again, log, "nothing appended the second time");
}
