//! Claims and proof: evidence on completions (commands and commit
//! trailers), acceptance bounds judged on measured readings, and the flags
//! that tell how a completion was recorded.

mod common;

use std::path::Path;

use common::lab::{beast, beast_ok, events_dir, report, Lab};
use common::Env;
use serde_json::{json, Value};

const ALICE: &str = "alice@example.com";

/// The completion of `title` in a report.
fn completion<'a>(r: &'a Value, title: &str) -> &'a Value {
    r["completions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == title)
        .unwrap_or_else(|| panic!("no completion of {title} in {r:#}"))
}

fn short_id(out: &str) -> String {
    let at = out.rfind('[').expect("an id in brackets");
    out[at + 1..at + 9].to_string()
}

/// A legacy tracker file: `(month, week, title, completedAt)` each.
fn legacy_file(tasks: &[(u32, u8, &str, &str)]) -> String {
    let mut map = serde_json::Map::new();
    for (m, w, title, at) in tasks {
        map.insert(
            format!("month{m}_week{w}_{title}"),
            json!({"name": title, "month": m, "week": w, "completed": true, "completedAt": at, "notes": []}),
        );
    }
    json!({"version": "2.3.1", "currentMonth": 1, "currentWeek": 1, "tasks": map}).to_string()
}

#[test]
fn an_imported_burst_is_counted_as_claims_with_exact_flags() {
    // Twelve completions stamped within 55 minutes one night in January —
    // for month 1's first block (begun), its second block (begins the
    // 15th), month 2 (February) and month 3 (March) — then two recorded
    // in their own blocks, weeks apart.
    let burst = [
        (1, 1, "Fix failed request tracking"),
        (1, 1, "Enhanced error context"),
        (1, 2, "Real-time monitoring dashboard"),
        (1, 3, "Semantic cache matching"),
        (1, 3, "Multi-tier cache"),
        (1, 4, "Cache warming"),
        (2, 1, "Real-time cost tracking"),
        (2, 2, "Cost prediction models"),
        (2, 3, "Budget management"),
        (3, 1, "Establish baseline metrics"),
        (3, 2, "Optimize latency"),
        (3, 3, "2x throughput improvement"),
    ];
    let mut tasks: Vec<(u32, u8, &str, String)> = burst
        .iter()
        .enumerate()
        .map(|(i, (m, w, t))| (*m, *w, *t, format!("2026-01-09T00:{:02}:00.000Z", i * 5)))
        .collect();
    tasks.push((
        10,
        1,
        "Horizontal scaling",
        "2026-10-02T09:00:00.000Z".into(),
    ));
    tasks.push((
        10,
        2,
        "Distributed caching",
        "2026-10-20T09:00:00.000Z".into(),
    ));
    let borrowed: Vec<(u32, u8, &str, &str)> = tasks
        .iter()
        .map(|(m, w, t, a)| (*m, *w, *t, a.as_str()))
        .collect();
    // Ahead of plan: block 3-4 of month 1 (3), all of months 2 and 3 (6).
    let ahead = 3 + 3 + 3;

    let env = Env::on("2026-11-20");
    let file = env.dir.path().join("ROADMAP_PROGRESS.json");
    std::fs::write(&file, legacy_file(&borrowed)).unwrap();
    let file = file.to_str().unwrap();

    let dry = env.ok(&["import", "legacy", file, "--dry-run"]);
    assert!(
        dry.contains(&format!(
            "{ahead} of the 14 mapped are dated before their week block began"
        )),
        "{dry}"
    );
    let plan: Value =
        serde_json::from_str(&env.ok(&["import", "legacy", file, "--dry-run", "--json"])).unwrap();
    assert_eq!(plan["ahead_of_plan"], ahead);
    env.ok(&["import", "legacy", file]);

    let r = env.report();
    let c = &r["claims"];
    assert_eq!(c["completed"], 14, "{c}");
    assert_eq!(c["imported"], 14);
    assert_eq!(c["bulk"], 12, "the night's twelve, not the two of October");
    assert_eq!(c["ahead_of_plan"], ahead);
    assert_eq!(c["verified"], 0);
    assert_eq!(c["unverified"], 14);
    assert_eq!(r["progress"]["overall"]["completed"], 14);
    assert_eq!(r["progress"]["overall"]["verified"], 0);
    let flags = |t: &str| completion(&r, t)["flags"].clone();
    assert_eq!(
        flags("Fix failed request tracking"),
        json!(["bulk", "imported"])
    );
    assert_eq!(
        flags("Cache warming"),
        json!(["ahead_of_plan", "bulk", "imported"])
    );
    assert_eq!(flags("Distributed caching"), json!(["imported"]));
    assert_eq!(completion(&r, "Optimize latency")["standing"], "claimed");

    let status = env.ok(&["status"]);
    assert!(
        status.contains(&format!(
            "14 completed: 0 verified · 14 not verified · {ahead} recorded ahead of plan · 12 recorded in bulk · 14 imported"
        )),
        "{status}"
    );
}

#[test]
fn acceptance_is_judged_on_the_newest_measured_reading() {
    let env = Env::on("2026-01-20");
    let id = short_id(&env.ok(&["complete", "1", "3", "Multi-tier cache"]));
    // Outside a project only a URL can be checked.
    let err = env.fails(&["evidence", &id, "HEAD"], 1);
    assert!(err.contains("commits and paths need a project"), "{err}");
    let standing = |env: &Env| completion(&env.report(), "Multi-tier cache").clone();
    let c = standing(&env);
    assert_eq!(c["standing"], "claimed");
    assert_eq!(c["acceptance"]["metric"], "cacheHitRate");
    assert_eq!(c["acceptance"]["min"], 40.0);
    assert_eq!(c["acceptance"]["measured"], Value::Null);

    // A manual reading is a claim too: it neither verifies nor un-verifies.
    env.ok(&["metric", "cacheHitRate", "55"]);
    assert_eq!(standing(&env)["standing"], "claimed");

    env.ok(&["metric", "cacheHitRate", "31", "--source", "ci"]);
    let c = standing(&env);
    assert_eq!(c["standing"], "target_unmet");
    assert_eq!(c["flags"], json!(["target_unmet"]));
    assert_eq!(c["acceptance"]["measured"], 31.0);
    assert_eq!(c["acceptance"]["met"], false);
    let r = env.report();
    assert_eq!(r["claims"]["target_unmet"], 1);

    // The gate: a warning by default, a failure when asked for.
    env.ok(&["check"]);
    let out = env.fails(&["check", "--fail-on", "target_unmet"], 5);
    assert!(out.contains("target_unmet"), "{out}");
    let text = env
        .cmd()
        .args(["check", "--fail-on", "target_unmet"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("\"Multi-tier cache\" is done but cacheHitRate is 31 (ci"),
        "{stdout}"
    );

    env.ok(&["metric", "cacheHitRate", "40", "--source", "ci"]);
    let c = standing(&env);
    assert_eq!(c["standing"], "verified", "40 meets ≥ 40");
    assert_eq!(c["flags"], json!([]));
    env.ok(&["check", "--fail-on", "target_unmet"]);
    let r = env.report();
    assert_eq!(r["progress"]["month"]["verified"], 1);
    assert_eq!(r["progress"]["month"]["completed"], 1);

    // Retracting the measured reading brings the older one back.
    env.ok(&["undo"]);
    assert_eq!(standing(&env)["standing"], "target_unmet");
}

/// The ids of the events of `kind` in the history, oldest first.
fn ids_of(root: &Path, kind: &str) -> Vec<String> {
    beast_ok(root, ALICE, &["export"])
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|e| e["kind"] == kind)
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

fn evidence_count(root: &Path) -> usize {
    ids_of(root, "evidence").len()
}

#[test]
fn evidence_is_checked_before_it_is_recorded_and_a_retraction_takes_it_back() {
    let lab = Lab::new();
    let root = lab.repo("team");
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("src/tracking.rs"), "// tracks every request\n").unwrap();
    lab.commit_all(&root, "track failed requests");
    let head = lab.git(&root, &["rev-parse", "HEAD"]).trim().to_string();

    let done = beast_ok(
        &root,
        ALICE,
        &["complete", "1", "1", "Fix failed request tracking"],
    );
    let id = short_id(&done);
    assert_eq!(
        completion(&report(&root), "Fix failed request tracking")["standing"],
        "claimed"
    );

    // Nothing that does not resolve is recorded — not even the good ones
    // given with it.
    std::fs::write(root.join("uncommitted.rs"), "x").unwrap();
    for bad in [
        vec!["evidence", &id, "HEAD", "no-such-rev"],
        vec!["evidence", &id, "uncommitted.rs"],
        vec!["evidence", &id, "ftp://example.com/x"],
        vec!["evidence", &id, "../outside"],
    ] {
        let out = beast(&root, ALICE, &bad);
        assert_eq!(out.status.code(), Some(1), "{bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.starts_with("error: evidence "), "{err}");
    }
    assert_eq!(evidence_count(&root), 0);

    // A short commit id, a path from a subdirectory and a URL.
    let sub = root.join("src");
    let out = beast_ok(
        &sub,
        ALICE,
        &[
            "evidence",
            &id,
            &head[..10],
            "tracking.rs",
            "https://ci.example.com/runs/812",
        ],
    );
    assert_eq!(out.lines().count(), 3, "{out}");
    let c = completion(&report(&root), "Fix failed request tracking").clone();
    assert_eq!(c["standing"], "verified");
    assert_eq!(
        c["evidence"],
        json!([
            {"kind": "commit", "ref": head},
            {"kind": "path", "ref": "src/tracking.rs", "commit": head},
            {"kind": "url", "ref": "https://ci.example.com/runs/812"},
        ])
    );
    // The same again changes nothing.
    let again = beast_ok(&root, ALICE, &["evidence", &id, "HEAD"]);
    assert!(again.contains("already has commit"), "{again}");
    assert_eq!(evidence_count(&root), 3);

    // Evidence supports completions only, and only live ones.
    let reading = beast_ok(&root, ALICE, &["metric", "latency", "180"]);
    let out = beast(&root, ALICE, &["evidence", &short_id(&reading), "HEAD"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a completion"));

    // Retracting each piece takes it back; with none left it is a claim.
    let ids = ids_of(&root, "evidence");
    assert_eq!(ids.len(), 3);
    for e in &ids[..2] {
        beast_ok(&root, ALICE, &["retract", e]);
    }
    assert_eq!(
        completion(&report(&root), "Fix failed request tracking")["standing"],
        "verified"
    );
    beast_ok(&root, ALICE, &["retract", &ids[2]]);
    let r = report(&root);
    let c = completion(&r, "Fix failed request tracking");
    assert_eq!(c["standing"], "claimed");
    assert_eq!(c["evidence"], json!([]));
    assert_eq!(r["claims"]["verified"], 0);
}

#[test]
fn complete_with_evidence_records_both_or_neither() {
    let lab = Lab::new();
    let root = lab.repo("team");
    let out = beast(
        &root,
        ALICE,
        &[
            "complete",
            "1",
            "3",
            "Cache warming",
            "--evidence",
            "HEAD",
            "--evidence",
            "nope",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(report(&root)["claims"]["completed"], 0, "nothing recorded");

    let out = beast_ok(
        &root,
        ALICE,
        &["complete", "1", "3", "Cache warming", "--evidence", "HEAD"],
    );
    assert!(out.contains("with 1 piece of evidence"), "{out}");
    assert_eq!(
        completion(&report(&root), "Cache warming")["standing"],
        "verified"
    );
    // Completing it again attaches new evidence to the completion that counts.
    let out = beast_ok(
        &root,
        ALICE,
        &[
            "complete",
            "1",
            "3",
            "Cache warming",
            "--evidence",
            "https://example.com/pr/4",
        ],
    );
    assert!(out.contains("attached 1 piece of evidence"), "{out}");
    assert_eq!(
        completion(&report(&root), "Cache warming")["evidence"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn a_commit_trailer_is_evidence_in_every_clone_that_has_the_commit() {
    let lab = Lab::new();
    let root = lab.repo("team");
    beast_ok(
        &root,
        ALICE,
        &["complete", "1", "1", "Fix failed request tracking"],
    );
    beast_ok(
        &root,
        ALICE,
        &["complete", "1", "1", "Enhanced error context"],
    );
    assert_eq!(report(&root)["claims"]["verified"], 0);

    std::fs::write(root.join("router.js"), "track()\n").unwrap();
    lab.commit_all(
        &root,
        "Track failed requests\n\nRoadmap-Task: 1/1 Fix failed request tracking\nroadmap-task: 1/2 No such task",
    );
    let sha = lab.git(&root, &["rev-parse", "HEAD"]).trim().to_string();
    let r = report(&root);
    let c = completion(&r, "Fix failed request tracking");
    assert_eq!(c["standing"], "verified");
    assert_eq!(c["evidence"], json!([{"kind": "trailer", "ref": sha}]));
    assert_eq!(
        completion(&r, "Enhanced error context")["standing"],
        "claimed"
    );
    let unmatched = &r["claims"]["unmatched_trailers"];
    assert_eq!(unmatched.as_array().unwrap().len(), 1, "{unmatched}");
    assert_eq!(unmatched[0]["value"], "1/2 No such task");

    // A clone agrees; a commit it does not have yet is not evidence there.
    let origin = lab.remote(&root, "origin.git");
    let clone = lab.clone(&origin, "clone");
    beast_ok(&clone, ALICE, &["sync", "-q"]);
    assert_eq!(report(&clone)["completions"], r["completions"]);
    std::fs::write(root.join("errors.js"), "context()\n").unwrap();
    lab.commit_all(
        &root,
        "Error context\n\nRoadmap-Task: 1/1 enhanced error context",
    );
    assert_eq!(
        report(&root)["claims"]["verified"],
        2,
        "HEAD moved: read again"
    );
    assert_eq!(report(&clone)["claims"]["verified"], 1);
    lab.git(&root, &["push", "-q", "origin", "main"]);
    lab.git(&clone, &["pull", "-q", "--no-rebase"]);
    assert_eq!(report(&clone)["claims"]["verified"], 2);
    assert_eq!(report(&clone)["completions"], report(&root)["completions"]);
}

#[test]
fn a_teammates_evidence_line_is_checked_like_any_other() {
    let lab = Lab::new();
    let root = lab.repo("team");
    beast_ok(
        &root,
        ALICE,
        &["complete", "1", "1", "Fix failed request tracking"],
    );
    let id = ids_of(&root, "completion").remove(0);
    // Hand-written lines: a short commit id, a path outside the repository,
    // a script URL, then a good one.
    let line = |n: u32, extra: &str| {
        format!(
            "{{\"v\":1,\"id\":\"01KA000000000000000000000{n}\",\"kind\":\"evidence\",\"author\":\"bob\",\"recorded_at\":\"2026-01-20T10:00:00.000Z\",\"target\":\"{id}\",{extra}}}\n"
        )
    };
    let sha = lab.git(&root, &["rev-parse", "HEAD"]).trim().to_string();
    let text = [
        line(1, "\"evidence\":\"commit\",\"ref\":\"0123abc\""),
        line(
            2,
            &format!("\"evidence\":\"path\",\"ref\":\"../../etc/passwd\",\"commit\":\"{sha}\""),
        ),
        line(3, "\"evidence\":\"url\",\"ref\":\"javascript:alert(1)\""),
        line(4, &format!("\"evidence\":\"commit\",\"ref\":\"{sha}\"")),
    ]
    .concat();
    std::fs::write(events_dir(&root).join("bob.jsonl"), text).unwrap();
    let out = beast(&root, ALICE, &["report"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("warning: ").count(), 3, "{err}");
    assert!(
        err.contains("bob.jsonl:1:") && err.contains("not a full commit id"),
        "{err}"
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = completion(&r, "Fix failed request tracking");
    assert_eq!(c["evidence"], json!([{"kind": "commit", "ref": sha}]));
}

#[test]
fn a_repository_without_commits_has_no_trailers_until_its_first() {
    let lab = Lab::new();
    let root = lab.path("fresh");
    std::fs::create_dir_all(&root).unwrap();
    lab.git(&root, &["init", "-q"]);
    let made: serde_json::Value =
        serde_json::from_str(&beast_ok(&root, ALICE, &["init", "--json"])).unwrap();
    assert!(made["created"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == ".beast/config.toml"));
    beast_ok(
        &root,
        ALICE,
        &["complete", "1", "1", "Fix failed request tracking"],
    );
    assert_eq!(report(&root)["claims"]["verified"], 0);
    lab.git(&root, &["add", "-A"]);
    lab.git(
        &root,
        &[
            "commit",
            "-qm",
            "first\n\nRoadmap-Task: 1/1 Fix failed request tracking",
        ],
    );
    assert_eq!(report(&root)["claims"]["verified"], 1);
}

#[test]
fn trailers_are_capped_per_commit_counted_and_checked_like_titles() {
    let lab = Lab::new();
    let root = lab.repo("team");
    beast_ok(
        &root,
        ALICE,
        &["complete", "1", "1", "Enhanced error context"],
    );
    // A commit with a hundred trailers: the first 64 are read, the rest
    // counted; one with a bidirectional override names nothing.
    let mut message = String::from("Many\n\n");
    for _ in 0..99 {
        message.push_str("Roadmap-Task: 1/1 No such task\n");
    }
    message.push_str("Roadmap-Task: 1/1 Enhanced error context\n");
    std::fs::write(root.join("a.txt"), "a\n").unwrap();
    lab.commit_all(&root, &message);
    std::fs::write(root.join("b.txt"), "b\n").unwrap();
    lab.commit_all(
        &root,
        "Sneaky\n\nRoadmap-Task: 1/1 Enhanced\u{202e} error context",
    );
    let r = report(&root);
    let unmatched = r["claims"]["unmatched_trailers"].as_array().unwrap();
    assert!(
        unmatched.iter().any(|u| u["why"]
            .as_str()
            .unwrap()
            .starts_with("36 more in this commit, beyond the 64 read per commit")),
        "{unmatched:?}"
    );
    assert!(
        unmatched.iter().any(|u| u["why"]
            .as_str()
            .unwrap()
            .contains("invisible or control character U+202E")),
        "{unmatched:?}"
    );
    // Neither the 100th trailer nor the disguised one verifies the task.
    assert_eq!(
        completion(&r, "Enhanced error context")["standing"],
        "claimed"
    );
}

#[test]
fn evidence_the_repository_does_not_back_now_verifies_nothing() {
    let lab = Lab::new();
    let root = lab.repo("team");
    beast_ok(
        &root,
        ALICE,
        &["complete", "1", "1", "Fix failed request tracking"],
    );
    let id = ids_of(&root, "completion").remove(0);
    // A commit on a branch, given as evidence: verified …
    lab.git(&root, &["checkout", "-q", "-b", "spike"]);
    std::fs::write(root.join("spike.rs"), "fn main() {}\n").unwrap();
    lab.commit_all(&root, "spike");
    let sha = lab.git(&root, &["rev-parse", "HEAD"]).trim().to_string();
    beast_ok(&root, ALICE, &["evidence", &id, "HEAD"]);
    beast_ok(&root, ALICE, &["evidence", &id, "spike.rs"]);
    lab.git(&root, &["checkout", "-q", "main"]);
    let c = completion(&report(&root), "Fix failed request tracking").clone();
    assert_eq!(c["standing"], "verified", "{c}");
    // … until the branch is deleted: the commit is still in the object
    // store, but no code ref reaches it (a rewritten history).
    lab.git(&root, &["branch", "-q", "-D", "spike"]);
    let r = report(&root);
    let c = completion(&r, "Fix failed request tracking");
    assert_eq!(c["standing"], "claimed", "{c}");
    for e in c["evidence"].as_array().unwrap() {
        assert!(
            e["unresolved"]
                .as_str()
                .unwrap()
                .contains(&format!("commit {sha} is not reachable")),
            "{e}"
        );
    }
    // A teammate's line claiming the all-zero commit: not in this
    // repository, and the gate says the completion is unverified.
    let line = format!(
        "{{\"v\":1,\"id\":\"01KA0000000000000000000009\",\"kind\":\"evidence\",\"author\":\"bob\",\"recorded_at\":\"2026-01-20T10:00:00.000Z\",\"target\":\"{id}\",\"evidence\":\"commit\",\"ref\":\"{}\"}}\n",
        "0".repeat(40)
    );
    std::fs::write(events_dir(&root).join("bob.jsonl"), line).unwrap();
    let r = report(&root);
    let c = completion(&r, "Fix failed request tracking");
    assert_eq!(c["standing"], "claimed", "{c}");
    assert!(
        c["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["unresolved"]
                == format!("commit {} is not in this repository", "0".repeat(40)))
    );
    let out = beast(
        &root,
        ALICE,
        &["check", "--rules", "unverified", "--fail-on", "unverified"],
    );
    assert_eq!(out.status.code(), Some(5));
}

#[test]
fn commit_evidence_in_a_personal_history_is_not_backed() {
    let env = Env::new();
    env.ok(&["complete", "1", "1", "Fix failed request tracking"]);
    let r = env.report();
    let id = r["completions"][0]["id"].as_str().unwrap().to_string();
    let line = format!(
        "{{\"v\":1,\"id\":\"01KA0000000000000000000008\",\"kind\":\"evidence\",\"author\":\"bob\",\"recorded_at\":\"2026-01-09T10:00:00.000Z\",\"target\":\"{id}\",\"evidence\":\"commit\",\"ref\":\"{}\"}}\n",
        "a".repeat(40)
    );
    let file = env.dir.path().join("ev.jsonl");
    std::fs::write(&file, line).unwrap();
    env.ok(&["import", file.to_str().unwrap(), "-q"]);
    let r = env.report();
    let c = &r["completions"][0];
    assert_eq!(c["standing"], "claimed", "{c}");
    assert_eq!(
        c["evidence"][0]["unresolved"],
        "no repository to check it in (a personal history)"
    );
}

#[test]
fn a_record_that_reached_the_history_long_after_its_claimed_time_is_backdated() {
    let lab = Lab::new();
    let root = lab.repo("team");
    // Recorded "on January 5" (--today), first shared on January 20.
    beast_ok(
        &root,
        ALICE,
        &[
            "--today",
            "2026-01-05",
            "complete",
            "1",
            "1",
            "Fix failed request tracking",
        ],
    );
    beast_ok(
        &root,
        ALICE,
        &["complete", "1", "1", "Enhanced error context"],
    );
    // Not shared yet: nothing to compare with.
    let r = report(&root);
    assert_eq!(r["claims"]["backdated"], 0);
    let origin = lab.remote(&root, "origin.git");
    let r = report(&root);
    let flags = |r: &Value, t: &str| completion(r, t)["flags"].clone();
    assert_eq!(r["claims"]["backdated"], 1, "{}", r["claims"]);
    assert!(flags(&r, "Fix failed request tracking")
        .as_array()
        .unwrap()
        .contains(&json!("backdated")));
    assert!(!flags(&r, "Enhanced error context")
        .as_array()
        .unwrap()
        .contains(&json!("backdated")));
    // Every clone says the same.
    let clone = lab.clone(&origin, "clone");
    beast_ok(&clone, "bob@example.com", &["sync", "-q"]);
    assert_eq!(report(&clone)["claims"]["backdated"], 1);
}
