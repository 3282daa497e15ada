//! `beast sync`: a team moving its events through git with one command,
//! where a plain `git pull --rebase` refuses because every write leaves the
//! event log modified.

mod common;

use common::lab::{beast, beast_ok, report, Lab};

#[test]
fn two_teammates_sync_through_a_shared_remote() {
    let lab = Lab::new();
    let first = lab.repo("first");
    let origin = lab.bare(&first, "origin.git");
    let alice = lab.clone(&origin, "alice");
    let bob = lab.clone(&origin, "bob");
    for who in [&alice, &bob] {
        lab.git(who, &["config", "user.name", "T"]);
        lab.git(who, &["config", "user.email", "t@example.com"]);
    }

    beast_ok(
        &alice,
        "alice@example.com",
        &["complete", "1", "1", "Fix failed request tracking"],
    );
    beast_ok(&alice, "alice@example.com", &["metric", "latency", "210"]);
    let out = beast_ok(&alice, "alice@example.com", &["sync", "--push"]);
    assert!(
        out.starts_with("committed 2 event lines, nothing new to pull, pushed"),
        "{out}"
    );

    // Bob has recorded too, and has an unrelated change of his own.
    beast_ok(&bob, "bob@example.com", &["metric", "latency", "190"]);
    std::fs::write(bob.join("notes.txt"), "work in progress\n").unwrap();
    lab.git(&bob, &["add", "notes.txt"]);
    // What sync is for: a plain pull refuses with the log modified.
    let plain = std::process::Command::new("git")
        .args(["pull", "--rebase", "-q"])
        .current_dir(&bob)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(!plain.status.success(), "git pull --rebase refuses");

    let out = beast_ok(&bob, "bob@example.com", &["sync", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["committed"], true);
    assert_eq!(v["lines_committed"], 1);
    assert_eq!(v["pulled"], true);
    assert_eq!(v["completed"], 1, "alice's completion arrived");
    // Only the event files were committed; bob's staged file is as it was.
    let status = lab.git(&bob, &["status", "--porcelain"]);
    assert_eq!(status.trim(), "A  notes.txt", "{status}");
    let last = lab.git(&bob, &["log", "-1", "--format=%s", "--name-only"]);
    assert!(last.starts_with("beast: 1 event line\n"), "{last}");
    assert!(!last.contains("notes.txt"));
    let latency = |root| {
        let r = report(root);
        let m = r["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == "latency")
            .unwrap()
            .clone();
        m["count"].as_u64().unwrap()
    };
    assert_eq!(latency(&bob), 2);

    // Nothing new: nothing committed or pulled.
    lab.git(&bob, &["reset", "-q", "notes.txt"]);
    let out = beast_ok(&bob, "bob@example.com", &["sync", "--push"]);
    assert!(
        out.starts_with("nothing new to commit, nothing new to pull, pushed"),
        "{out}"
    );
    let out = beast_ok(&alice, "alice@example.com", &["sync"]);
    assert!(out.starts_with("nothing new to commit, pulled"), "{out}");
    assert_eq!(latency(&alice), 2);
    assert_eq!(report(&alice)["progress"], report(&bob)["progress"]);
}

#[test]
fn sync_needs_a_project_with_an_upstream() {
    let lab = Lab::new();
    let lone = lab.repo("lone");
    beast_ok(&lone, "alice@example.com", &["metric", "latency", "210"]);
    let out = beast(&lone, "alice@example.com", &["sync"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tracks no remote branch"), "{err}");
    assert_eq!(err.lines().count(), 1);
    // Nothing was committed on the way to the refusal.
    assert_eq!(lab.git(&lone, &["rev-list", "--count", "HEAD"]).trim(), "1");
    let elsewhere = lab.path("plain");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let out = beast(&elsewhere, "alice@example.com", &["--db", "x.db", "sync"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("inside a repository with .beast/"));
}
