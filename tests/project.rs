//! Project mode with real git repositories: the history travels with the
//! repository on its own ref, merges without conflicts, survives crashes and
//! parallel writers, and the index is only ever a disposable copy of the log.

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use common::lab::{beast, beast_ok, events_dir, index_path, report, Lab, TODAY};

fn metric(r: &Value, id: &str) -> Value {
    common::metric(r, id)
}

fn log_lines(root: &Path) -> Vec<String> {
    let mut lines = Vec::new();
    for entry in std::fs::read_dir(events_dir(root)).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "jsonl") {
            lines.extend(
                std::fs::read_to_string(&p)
                    .unwrap()
                    .lines()
                    .map(String::from),
            );
        }
    }
    lines
}

fn remove_index(root: &Path) {
    for s in ["", "-wal", "-shm"] {
        let mut p = index_path(root).into_os_string();
        p.push(s);
        let _ = std::fs::remove_file(p);
    }
}

#[test]
fn init_sets_up_the_repository_and_commands_find_it_from_any_subdirectory() {
    let lab = Lab::new();
    let root = lab.repo("r");
    let made = lab.git(&root, &["ls-files", ".beast"]);
    assert_eq!(made.trim(), ".beast/config.toml", "configuration only");
    assert!(lab.git(&root, &["rev-parse", "refs/beast/history"]).len() >= 40);
    assert!(beast_ok(&root, "a@x", &["init"]).contains("already set up"));

    let sub = root.join("src/deep");
    std::fs::create_dir_all(&sub).unwrap();
    beast_ok(&sub, "alice@example.com", &["metric", "latency", "300"]);
    let file = events_dir(&root).join("alice@example.com.jsonl");
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 1);
    let status = beast_ok(&root, "a@x", &["status"]);
    assert!(status.contains("History: project"), "{status}");
    assert_eq!(report(&root)["history"]["mode"], "project");
    // Nothing in the working tree: the log and its index are git's.
    let st = lab.git(&root, &["status", "--porcelain", "--untracked-files=all"]);
    assert_eq!(st, "");

    // --db still picks a personal database, and wins.
    let db = lab.path("personal.db");
    beast_ok(
        &sub,
        "a@x",
        &["--db", db.to_str().unwrap(), "metric", "uptime", "99"],
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 1);
}

#[test]
fn init_outside_a_repository_is_refused() {
    let lab = Lab::new();
    let plain = lab.path("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let out = beast(&plain, "a@x", &["init"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not inside a git repository"), "{err}");
    assert!(!plain.join(".beast").exists());
}

#[test]
fn two_clones_merge_and_a_fresh_clone_reports_the_same() {
    let lab = Lab::new();
    let first = lab.repo("first");
    let origin = lab.remote(&first, "origin.git");
    let a = lab.clone(&origin, "a");
    let b = lab.clone(&origin, "b");
    beast_ok(
        &a,
        "alice@example.com",
        &["complete", "1", "1", "Fix failed request tracking"],
    );
    beast_ok(&a, "alice@example.com", &["metric", "cacheHitRate", "25"]);
    beast_ok(
        &b,
        "bob@example.com",
        &["complete", "1", "2", "Enhanced error context"],
    );
    beast_ok(&b, "bob@example.com", &["metric", "latency", "320"]);
    beast_ok(&b, "bob@example.com", &["dogfood", "test"]);
    // Each on a branch of their own: the history does not care.
    lab.git(&a, &["checkout", "-qb", "alice"]);
    lab.git(&b, &["checkout", "-qb", "bob"]);
    beast_ok(&a, "alice@example.com", &["sync", "--push", "-q"]);
    beast_ok(&b, "bob@example.com", &["sync", "--push", "-q"]);
    beast_ok(&a, "alice@example.com", &["sync", "-q"]);
    let merged = report(&a);
    assert_eq!(merged["progress"]["month"]["completed"], 2);
    assert_eq!(metric(&merged, "cacheHitRate")["latest"]["value"], 25.0);
    assert_eq!(metric(&merged, "latency")["latest"]["value"], 320.0);
    assert_eq!(report(&b), merged);

    // A fresh clone (CI) reports exactly the same once it has synced.
    let ci = lab.clone(&origin, "ci");
    beast_ok(&ci, "ci", &["sync", "-q"]);
    assert_eq!(report(&ci), merged);
}

#[test]
fn the_same_author_on_two_machines_merges_by_union_without_loss_or_doubling() {
    let lab = Lab::new();
    let first = lab.repo("first");
    let origin = lab.remote(&first, "origin.git");
    let laptop = lab.clone(&origin, "laptop");
    let desktop = lab.clone(&origin, "desktop");
    beast_ok(&laptop, "alice@example.com", &["metric", "latency", "300"]);
    beast_ok(&laptop, "alice@example.com", &["sync", "--push", "-q"]);
    for (where_, v) in [(&laptop, "280"), (&desktop, "310"), (&desktop, "305")] {
        beast_ok(where_, "alice@example.com", &["metric", "latency", v]);
    }
    // Both machines appended to alice@example.com.jsonl: a union.
    beast_ok(&laptop, "alice@example.com", &["sync", "--push", "-q"]);
    beast_ok(&desktop, "alice@example.com", &["sync", "--push", "-q"]);
    beast_ok(&laptop, "alice@example.com", &["sync", "-q"]);
    for machine in [&laptop, &desktop] {
        let lines = log_lines(machine);
        assert_eq!(lines.len(), 4, "{lines:?}");
    }
    let r = report(&desktop);
    assert_eq!(metric(&r, "latency")["count"], 4);
    assert_eq!(report(&laptop), r);
    // Syncing again changes nothing: the lines' order differs between the
    // two machines, and no further commit is made for it.
    let tip = lab.git(&laptop, &["rev-parse", "refs/beast/history"]);
    for machine in [&laptop, &desktop, &laptop] {
        beast_ok(machine, "alice@example.com", &["sync", "--push", "-q"]);
    }
    assert_eq!(lab.git(&desktop, &["rev-parse", "refs/beast/history"]), tip);
    // And the order of lines in the file does not matter.
    let file = events_dir(&desktop).join("alice@example.com.jsonl");
    let mut reversed: Vec<String> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    reversed.reverse();
    std::fs::write(&file, reversed.join("\n") + "\n").unwrap();
    assert_eq!(report(&desktop), r);
}

#[test]
fn checking_out_another_commit_or_branch_leaves_the_history_as_it_is() {
    let lab = Lab::new();
    let root = lab.repo("r");
    beast_ok(&root, "alice@example.com", &["metric", "latency", "300"]);
    std::fs::write(root.join("code.txt"), "one\n").unwrap();
    lab.commit_all(&root, "one");
    let one = lab.git(&root, &["rev-parse", "HEAD"]).trim().to_string();
    beast_ok(&root, "alice@example.com", &["metric", "latency", "250"]);
    beast_ok(
        &root,
        "alice@example.com",
        &["complete", "1", "1", "Fix failed request tracking"],
    );
    std::fs::write(root.join("code.txt"), "two\n").unwrap();
    lab.commit_all(&root, "two");
    let two = report(&root);
    assert_eq!(metric(&two, "latency")["count"], 2);
    lab.git(&root, &["checkout", "-q", &one]);
    assert_eq!(report(&root), two);
    lab.git(&root, &["checkout", "-q", "-b", "elsewhere"]);
    assert_eq!(report(&root), two);
}

#[test]
fn deleting_the_index_loses_nothing() {
    let lab = Lab::new();
    let root = lab.repo("r");
    beast_ok(&root, "alice@example.com", &["metric", "latency", "2000"]);
    beast_ok(&root, "alice@example.com", &["undo"]);
    beast_ok(&root, "alice@example.com", &["metric", "latency", "200"]);
    beast_ok(
        &root,
        "alice@example.com",
        &["complete", "1", "1", "Fix failed request tracking"],
    );
    beast_ok(
        &root,
        "alice@example.com",
        &[
            "complete",
            "--undo",
            "1",
            "1",
            "Fix failed request tracking",
        ],
    );
    beast_ok(
        &root,
        "alice@example.com",
        &["complete", "1", "3", "Semantic cache matching"],
    );
    beast_ok(&root, "alice@example.com", &["dogfood", "doc", "--manual"]);
    beast_ok(&root, "alice@example.com", &["bench", "routing"]);
    let before = report(&root);
    let history = beast_ok(&root, "a@x", &["metric", "latency"]);
    remove_index(&root);
    assert_eq!(report(&root), before);
    assert_eq!(beast_ok(&root, "a@x", &["metric", "latency"]), history);
}

#[test]
fn a_mistyped_reading_is_fixed_in_one_command_and_stays_in_the_history() {
    let lab = Lab::new();
    let root = lab.repo("r");
    beast_ok(&root, "alice@example.com", &["metric", "latency", "180"]);
    let before = report(&root);
    let typo = beast_ok(&root, "alice@example.com", &["metric", "latency", "2000"]);
    assert!(typo.contains("behind"), "{typo}");
    let undone = beast_ok(&root, "alice@example.com", &["undo"]);
    assert!(
        undone.contains("Retracted") && undone.contains("latency = 2000"),
        "{undone}"
    );
    let after = report(&root);
    assert_eq!(metric(&after, "latency"), metric(&before, "latency"));
    let history = beast_ok(&root, "a@x", &["metric", "latency"]);
    assert!(history.contains("RETRACTED"), "{history}");
    assert!(history.contains("2000 ms"), "{history}");
    // Someone else's undo takes back their own record, not alice's.
    let out = beast(&root, "bob@example.com", &["undo"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn retract_by_short_id_takes_any_record_out_of_every_total() {
    let lab = Lab::new();
    let root = lab.repo("r");
    beast_ok(&root, "alice@example.com", &["dogfood", "test"]);
    let out = beast_ok(
        &root,
        "bob@example.com",
        &["complete", "1", "1", "Fix failed request tracking"],
    );
    let id = out
        .rsplit('[')
        .next()
        .unwrap()
        .trim()
        .trim_end_matches(']')
        .to_string();
    assert_eq!(id.len(), 8, "{out}");
    assert_eq!(report(&root)["progress"]["month"]["completed"], 1);
    let r = beast_ok(
        &root,
        "alice@example.com",
        &["retract", &id, "--reason", "not done yet"],
    );
    assert!(r.contains("Retracted"), "{r}");
    assert_eq!(report(&root)["progress"]["month"]["completed"], 0);
    assert!(beast_ok(&root, "a@x", &["retract", &id]).contains("already retracted"));
    let log = beast_ok(&root, "a@x", &["log"]);
    assert!(log.contains("retracted") && log.contains(&id), "{log}");
    let out = beast(&root, "a@x", &["retract", "zzzzzzzz"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no event \"zzzzzzzz\""));
}

#[test]
fn export_then_import_into_an_empty_history_reports_the_same_and_twice_adds_nothing() {
    let lab = Lab::new();
    let db = lab.path("personal.db");
    let dbs = db.to_str().unwrap();
    let cwd = lab.path("anywhere");
    std::fs::create_dir_all(&cwd).unwrap();
    for args in [
        vec!["metric", "latency", "420"],
        vec!["metric", "cacheHitRate", "22", "--note", "after warm-up"],
        vec!["complete", "1", "1", "Fix failed request tracking"],
        vec!["complete", "2", "2", "Hotfix", "--adhoc"],
        vec!["dogfood", "improvement"],
        vec!["metric", "latency", "9999"],
        vec!["undo"],
    ] {
        let mut full = vec!["--db", dbs];
        full.extend(args);
        beast_ok(&cwd, "alice@example.com", &full);
    }
    let personal = {
        let mut r: Value =
            serde_json::from_str(&beast_ok(&cwd, "a@x", &["--db", dbs, "report"])).unwrap();
        r.as_object_mut().unwrap().remove("generated_at");
        // Which clone and commit made it: the same history, other places.
        r.as_object_mut().unwrap().remove("identity");
        r
    };
    let export = lab.path("mine.jsonl");
    beast_ok(
        &cwd,
        "a@x",
        &["--db", dbs, "export", "-o", export.to_str().unwrap()],
    );
    assert_eq!(std::fs::read_to_string(&export).unwrap().lines().count(), 7);

    // Into a project.
    let root = lab.repo("r");
    let out = beast_ok(
        &root,
        "alice@example.com",
        &["import", export.to_str().unwrap()],
    );
    assert!(out.contains("Imported 7 of 7"), "{out}");
    let mut project = report(&root);
    assert_eq!(project["history"]["mode"], "project");
    project["history"] = personal["history"].clone();
    assert_eq!(project, personal);
    let again = beast_ok(
        &root,
        "alice@example.com",
        &["import", export.to_str().unwrap()],
    );
    assert!(again.contains("Imported 0 of 7"), "{again}");
    assert_eq!(log_lines(&root).len(), 7);

    // Into another personal database, twice.
    let other = lab.path("other.db");
    let others = other.to_str().unwrap();
    beast_ok(
        &cwd,
        "a@x",
        &["--db", others, "import", export.to_str().unwrap()],
    );
    beast_ok(
        &cwd,
        "a@x",
        &["--db", others, "import", export.to_str().unwrap()],
    );
    let mut r: Value =
        serde_json::from_str(&beast_ok(&cwd, "a@x", &["--db", others, "report"])).unwrap();
    r.as_object_mut().unwrap().remove("generated_at");
    // Which clone and commit made it: the same history, other places.
    r.as_object_mut().unwrap().remove("identity");
    assert_eq!(r, personal);
    // And the export of the project is the same file.
    let from_project = beast_ok(&root, "a@x", &["export"]);
    assert_eq!(from_project, std::fs::read_to_string(&export).unwrap());
}

#[test]
fn export_since_a_date_and_a_bad_import_file() {
    let lab = Lab::new();
    let root = lab.repo("r");
    beast_ok(
        &root,
        "alice@example.com",
        &["--today", "2026-01-05", "metric", "latency", "400"],
    );
    beast_ok(&root, "alice@example.com", &["metric", "latency", "300"]);
    let since = beast_ok(&root, "a@x", &["export", "--since", "2026-01-10"]);
    assert_eq!(since.lines().count(), 1, "{since}");
    assert!(since.contains("300"), "{since}");

    let bad = lab.path("bad.jsonl");
    std::fs::write(&bad, format!("{}\nnot an event\n", since.trim())).unwrap();
    let before = log_lines(&root);
    let out = beast(&root, "a@x", &["import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.jsonl:2:") && err.contains("nothing was imported"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    assert_eq!(log_lines(&root), before);
}

#[test]
fn unreadable_lines_are_reported_with_file_and_line_and_kept() {
    let lab = Lab::new();
    let root = lab.repo("r");
    beast_ok(&root, "alice@example.com", &["metric", "latency", "300"]);
    let file = events_dir(&root).join("alice@example.com.jsonl");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("this line was edited by hand\n");
    text.push_str(r#"{"v":9,"id":"01KEE8Z0G0000000000000001A","kind":"poll"}"#);
    text.push('\n');
    std::fs::write(&file, &text).unwrap();
    let out = beast(&root, "a@x", &["report"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("events/alice@example.com.jsonl:2: not an event"),
        "{err}"
    );
    assert!(
        err.contains("events/alice@example.com.jsonl:3: written in log format 9 by a newer beast"),
        "{err}"
    );
    // Reported once, not on every command.
    let out = beast(&root, "a@x", &["report"]);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Kept: the next write appends after them.
    beast_ok(&root, "alice@example.com", &["metric", "latency", "250"]);
    let now = std::fs::read_to_string(&file).unwrap();
    assert!(now.starts_with(&text), "earlier lines are never rewritten");
    assert_eq!(metric(&report(&root), "latency")["count"], 2);
}

#[test]
fn conflict_markers_are_skipped_with_a_warning_that_says_how_to_fix_them() {
    let lab = Lab::new();
    let root = lab.repo("r");
    beast_ok(&root, "alice@example.com", &["metric", "latency", "300"]);
    let file = events_dir(&root).join("alice@example.com.jsonl");
    let line = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        format!("<<<<<<< HEAD\n{line}=======\n>>>>>>> other\n"),
    )
    .unwrap();
    // A teammate's bad commit stops no one: the markers are skipped, named,
    // and the event between them counts.
    let out = beast(&root, "a@x", &["report"]);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 3, "{err}");
    for n in [1, 3, 4] {
        assert!(
            err.contains(&format!(
                "alice@example.com.jsonl:{n}: git merge conflict marker"
            )),
            "{err}"
        );
    }
    assert!(err.contains("keep every event line"), "{err}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(metric(&json, "latency")["count"], 1);
    std::fs::write(&file, &line).unwrap();
    assert_eq!(metric(&report(&root), "latency")["count"], 1);
}

#[test]
fn a_partial_last_line_is_skipped_with_a_warning_and_the_next_write_starts_fresh() {
    let lab = Lab::new();
    let root = lab.repo("r");
    beast_ok(&root, "alice@example.com", &["metric", "latency", "300"]);
    let file = events_dir(&root).join("alice@example.com.jsonl");
    let whole = std::fs::read_to_string(&file).unwrap();
    // What a crash in the middle of an append leaves.
    let partial = &whole[..whole.len() / 2];
    std::fs::write(&file, format!("{whole}{partial}")).unwrap();
    let out = beast(&root, "a@x", &["report"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("alice@example.com.jsonl:2: incomplete last line"),
        "{err}"
    );
    beast_ok(&root, "alice@example.com", &["metric", "latency", "250"]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with(&format!("{whole}{partial}\n")), "{text}");
    assert_eq!(text.lines().count(), 3);
    let r = report(&root);
    assert_eq!(metric(&r, "latency")["count"], 2);
    assert_eq!(metric(&r, "latency")["latest"]["value"], 250.0);
}

#[test]
fn parallel_writers_lose_nothing() {
    let lab = Lab::new();
    let root = lab.repo("r");
    let threads: Vec<_> = (0..16)
        .map(|t| {
            let root = root.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    // Four authors, so that files are shared between writers.
                    let author = format!("dev{}@example.com", t % 4);
                    let note = format!("w{t}-{i}");
                    beast_ok(&root, &author, &["dogfood", "improvement", "--note", &note]);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let lines = log_lines(&root);
    assert_eq!(lines.len(), 800);
    let notes: HashSet<String> = lines
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["note"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(notes.len(), 800, "every write once");
    let r = report(&root);
    assert_eq!(r["dogfood"][0]["generated"], 800);
    remove_index(&root);
    assert_eq!(report(&root), r);
}

#[cfg(unix)]
#[test]
fn killed_writers_lose_no_acknowledged_write() {
    let lab = Lab::new();
    let root = lab.repo("r");
    let mut acknowledged = Vec::new();
    for i in 0..60u32 {
        let value = format!("{}", 1 + i);
        let mut child = Command::new(env!("CARGO_BIN_EXE_beast"))
            .env_clear()
            .env("BEAST_TODAY", TODAY)
            .env("BEAST_AUTHOR", "alice@example.com")
            .env("HOME", &root)
            .current_dir(&root)
            .args(["metric", "latency", &value])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill some processes at varying points of their run; no sleeping:
        // the process is polled a varying number of times first.
        if i % 3 != 0 {
            for _ in 0..(i * 37 % 200) {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::yield_now();
            }
            let _ = child.kill();
        }
        if child.wait().unwrap().success() {
            acknowledged.push(1.0 + f64::from(i));
        }
    }
    assert!(acknowledged.len() >= 20, "the unkilled third at least");
    let out = beast_ok(&root, "a@x", &["export"]);
    let values: Vec<f64> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["value"]
                .as_f64()
                .unwrap()
        })
        .collect();
    for v in &acknowledged {
        assert!(values.contains(v), "acknowledged {v} is in the log");
    }
    let r = report(&root);
    assert_eq!(
        metric(&r, "latency")["count"].as_u64().unwrap() as usize,
        values.len()
    );
    remove_index(&root);
    assert_eq!(report(&root), r, "the index was consistent with the log");
}

#[test]
fn a_personal_database_from_before_events_gets_events_and_exports_them() {
    // The migration test in store.rs checks the data; this checks that old
    // rows can leave the database as events.
    let lab = Lab::new();
    let db = lab.path("old.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(include_str!("../src/store/migrations/0001_initial.sql"))
            .unwrap();
        conn.execute_batch(
            "PRAGMA application_id = 1111834963; PRAGMA user_version = 1;
             INSERT INTO reading (metric, value, at, source, recorded_at)
                 VALUES ('latency', 321.0, '2026-01-05T12:00:00Z', 'manual', '2026-01-05T12:00:00Z');
             INSERT INTO completion (month, week, block_first_week, task_key, title, completed_at, undone_at)
                 VALUES (1, 1, 1, 'fixfailedrequesttracking', 'Fix failed request tracking',
                         '2026-01-06T12:00:00Z', '2026-01-07T12:00:00Z');",
        )
        .unwrap();
    }
    let cwd = lab.path("x");
    std::fs::create_dir_all(&cwd).unwrap();
    let out = beast_ok(&cwd, "a@x", &["--db", db.to_str().unwrap(), "export"]);
    let kinds: Vec<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(kinds, ["reading", "completion", "undo"]);
    let again = beast_ok(&cwd, "a@x", &["--db", db.to_str().unwrap(), "export"]);
    assert_eq!(out, again, "ids are stable");
}

#[test]
fn a_fresh_clone_reports_and_checks_from_its_log_without_an_index_as_the_index_would() {
    let lab = Lab::new();
    let root = lab.repo("r");
    let a = "alice@example.com";
    beast_ok(
        &root,
        a,
        &["complete", "1", "1", "Fix failed request tracking"],
    );
    beast_ok(
        &root,
        a,
        &[
            "complete",
            "1",
            "2",
            "Enhanced error context",
            "--evidence",
            "https://example.com/pr/1",
        ],
    );
    beast_ok(
        &root,
        a,
        &["complete", "1", "1", "Something unplanned", "--adhoc"],
    );
    for (v, at) in [
        ("31", "2026-01-05"),
        ("33", "2026-01-06"),
        ("40", "2026-01-07"),
    ] {
        beast_ok(
            &root,
            a,
            &["metric", "cacheHitRate", v, "--source", "ci", "--at", at],
        );
    }
    beast_ok(&root, a, &["metric", "cacheHitRate", "48"]);
    beast_ok(&root, a, &["metric", "latency", "2000"]);
    beast_ok(&root, a, &["undo"]);
    beast_ok(&root, a, &["metric", "latency", "320", "--note", "p50"]);
    beast_ok(&root, a, &["dogfood", "test"]);
    beast_ok(&root, a, &["dogfood", "doc", "--manual"]);
    beast_ok(&root, a, &["bench", "routing"]);
    // A line the history skips, said the same way by both.
    let file = events_dir(&root).join("alice@example.com.jsonl");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("edited by hand\n");
    std::fs::write(&file, text).unwrap();
    let origin = lab.remote(&root, "origin.git");
    let ci = lab.clone(&origin, "ci");
    beast_ok(&ci, "ci@example.com", &["sync", "-q"]);
    let index = index_path(&ci);

    // What CI runs, in a clone without an index: read from the log alone.
    let run = |args: &[&str]| {
        let out = beast(&ci, "ci@example.com", args);
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let commands: [&[&str]; 5] = [
        &["report", "--json"],
        &["report", "--format", "markdown"],
        &["report", "--format", "openmetrics"],
        &["check", "--json"],
        &["check", "--fail-on", "behind,overdue"],
    ];
    let held: Vec<_> = commands.iter().map(|c| run(c)).collect();
    assert!(!index.exists(), "no index is built by report or check");
    assert!(
        held[0].2.contains("events/alice@example.com.jsonl:") && held[0].2.contains("not an event"),
        "{}",
        held[0].2
    );
    let r: Value = serde_json::from_str(&held[0].1).unwrap();
    assert_eq!(r["progress"]["month"]["completed"], 2);
    assert_eq!(metric(&r, "latency")["latest"]["value"], 320.0);

    // Once an index exists, the same commands say the same.
    let first = beast(&ci, "ci@example.com", &["status"]);
    assert!(index.exists());
    assert_eq!(
        String::from_utf8(first.stderr).unwrap(),
        held[0].2,
        "the index's build warns as the log's reading did"
    );
    for (c, (code, out, err)) in commands.iter().zip(&held) {
        let (code2, out2, err2) = run(c);
        let time = held_time(out);
        assert_eq!(
            (code, out.replace(&time, "")),
            (&code2, out2.replace(&held_time(&out2), "")),
            "{c:?}"
        );
        // Warned once, by the build; what else the command says is the same.
        let said: String = err
            .lines()
            .filter(|l| !l.starts_with("warning: "))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(err2, said, "{c:?}");
    }
}

/// The report's generation time (a clock reading), to leave out of a
/// comparison; empty when there is none.
fn held_time(text: &str) -> String {
    text.lines()
        .find(|l| l.contains("\"generated_at\""))
        .unwrap_or("")
        .to_string()
}

#[test]
fn every_report_says_which_project_repository_and_commit_it_describes() {
    let lab = common::lab::Lab::new();
    let root = lab.repo("search-api");
    lab.git(
        &root,
        &[
            "remote",
            "add",
            "origin",
            "https://ci:secret-token@example.com/team/search-api.git",
        ],
    );
    let head = lab.git(&root, &["rev-parse", "HEAD"]).trim().to_string();
    let json: serde_json::Value =
        serde_json::from_str(&common::lab::beast_ok(&root, "a@example.com", &["report"])).unwrap();
    let id = &json["identity"];
    assert_eq!(
        id["project"], "search-api",
        "the directory's name by default"
    );
    assert_eq!(id["commit"], head);
    assert_eq!(id["branch"], "main");
    assert_eq!(
        id["repository"], "https://example.com/team/search-api.git",
        "no credentials"
    );
    assert_eq!(id["beast_version"], env!("CARGO_PKG_VERSION"));
    // A name of its own, in every format.
    std::fs::write(
        root.join(".beast/config.toml"),
        "project = \"Search API\"\n",
    )
    .unwrap();
    let md = common::lab::beast_ok(&root, "a@example.com", &["report", "--format", "markdown"]);
    assert!(
        md.contains(&format!("project Search API · main at {}", &head[..12])),
        "{md}"
    );
    let html = common::lab::beast_ok(&root, "a@example.com", &["report", "--format", "html"]);
    assert!(
        html.contains("project Search API · main at"),
        "report names its project"
    );
    let om = common::lab::beast_ok(
        &root,
        "a@example.com",
        &["report", "--format", "openmetrics"],
    );
    assert!(
        om.contains(&format!(
        "beast_info{{project=\"Search API\",version=\"{}\",commit=\"{head}\",branch=\"main\"}} 1",
        env!("CARGO_PKG_VERSION")
    )),
        "{om}"
    );
    std::fs::write(root.join(".beast/config.toml"), "project = \"\"\n").unwrap();
    let out = common::lab::beast(&root, "a@example.com", &["report"]);
    assert_eq!(out.status.code(), Some(1));
}
