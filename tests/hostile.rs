//! The log as a hostile or careless teammate leaves it: each shape is
//! published on the history ref with git alone (no beast to keep it
//! honest), fetched by Alice, and then she works.
//! Nothing may be written outside the repository, nothing may hang, her
//! events stay present and unchanged, and an incremental catch-up and a
//! rebuild agree.

mod common;

use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::cargo::cargo_bin_cmd;
use common::lab::{beast, beast_ok, events_dir, index_path, report, Lab, TODAY};
use common::metric;

const ALICE: &str = "alice@example.com";
const MALLORY: &str = "mallory@example.com.jsonl";

/// Alice's repository with one reading of hers shared through its remote,
/// and Mallory's clone of it, history fetched.
fn team(lab: &Lab) -> (PathBuf, PathBuf) {
    let alice = lab.repo("alice");
    beast_ok(&alice, ALICE, &["metric", "latency", "300"]);
    let origin = lab.remote(&alice, "origin.git");
    let mal = lab.clone(&origin, "mallory");
    beast_ok(&mal, "mallory@example.com", &["sync", "-q"]);
    (alice, mal)
}

/// Mallory publishes `files` on the history ref and Alice fetches it.
fn push_and_pull(lab: &Lab, mal: &Path, alice: &Path, files: &[(&str, &str, &[u8])]) {
    lab.forge(mal, files);
    lab.fetch_history(alice);
}

fn alice_file(root: &Path) -> PathBuf {
    events_dir(root).join("alice@example.com.jsonl")
}

/// What the history says, without the run-dependent parts.
fn state(root: &Path) -> serde_json::Value {
    report(root)
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// The same report after the index is deleted (what a fresh clone sees).
fn same_after_rebuild(root: &Path) {
    let before = state(root);
    std::fs::remove_file(index_path(root)).unwrap();
    assert_eq!(state(root), before, "incremental and rebuilt index differ");
}

#[test]
fn a_published_symlink_redirects_no_write() {
    let lab = Lab::new();
    let (alice, mal) = team(&lab);
    let outside = lab.path("bashrc");
    std::fs::write(&outside, "# alice's shell\n").unwrap();
    // Alice's file on the ref replaced by a link to her shell's settings.
    let target = outside.to_str().unwrap().as_bytes();
    push_and_pull(
        &lab,
        &mal,
        &alice,
        &[("alice@example.com.jsonl", "120000", target)],
    );
    let out = beast(&alice, ALICE, &["metric", "latency", "90"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&outside).unwrap(),
        "# alice's shell\n"
    );
    assert!(!alice_file(&alice).is_symlink());
    assert_eq!(metric(&state(&alice), "latency")["count"], 2);

    // A link someone put in the clone's own log: refused, and a dangling
    // one creates nothing at its target either.
    let file = alice_file(&alice);
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(&outside, &file).unwrap();
    let out = beast(&alice, ALICE, &["metric", "latency", "90"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(err.lines().filter(|l| l.starts_with("error: ")).count(), 1);
    assert_eq!(
        std::fs::read_to_string(&outside).unwrap(),
        "# alice's shell\n"
    );
    let nowhere = lab.path("created-by-beast");
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(&nowhere, &file).unwrap();
    let out = beast(&alice, ALICE, &["metric", "latency", "90"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(!nowhere.exists());
    // Reading skips the link and says so; other commands keep working.
    let out = beast(&alice, "reader@example.com", &["report"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
}

#[test]
fn links_in_place_of_the_events_directory_config_and_index_are_refused() {
    let lab = Lab::new();
    let (alice, _) = team(&lab);
    let elsewhere = lab.path("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();

    // The index as a link: refused, nothing made outside.
    let index = index_path(&alice);
    std::fs::remove_file(&index).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("index.db"), &index).unwrap();
    let out = beast(&alice, ALICE, &["status"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("index.db is a symbolic link"),
        "{}",
        stderr(&out)
    );
    assert!(!elsewhere.join("index.db").exists());
    std::fs::remove_file(&index).unwrap();

    // config.toml as a link to an endless device, or a FIFO: refused at once.
    let config = alice.join(".beast/config.toml");
    std::fs::remove_file(&config).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &config).unwrap();
    let run = |args: &[&str]| {
        cargo_bin_cmd!("beast")
            .env_clear()
            .env("BEAST_TODAY", TODAY)
            .env("BEAST_AUTHOR", ALICE)
            .current_dir(&alice)
            .args(args)
            .timeout(Duration::from_secs(20))
            .output()
            .unwrap()
    };
    let out = run(&["status"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    std::fs::remove_file(&config).unwrap();
    let fifo = std::ffi::CString::new(config.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let out = run(&["status"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(&config).unwrap();

    // `beast init` writes no template through a dangling link.
    std::os::unix::fs::symlink(elsewhere.join("config.toml"), &config).unwrap();
    let out = beast(&alice, ALICE, &["init"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!elsewhere.join("config.toml").exists());
    std::fs::remove_file(&config).unwrap();

    // The log's directory as a link: refused, nothing written there.
    let events = events_dir(&alice);
    std::fs::rename(&events, lab.path("moved")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &events).unwrap();
    let out = beast(&alice, ALICE, &["metric", "latency", "90"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

#[test]
fn a_poison_line_is_skipped_and_honest_commands_keep_working() {
    let lab = Lab::new();
    let (alice, mal) = team(&lab);
    let poison = [
        // A valid-looking benchmark run of a kind no benchmark has.
        r#"{"v":1,"id":"01KEE8Z0G0000000000000001A","kind":"bench_run","author":"mallory@example.com","recorded_at":"2026-01-15T12:00:00.000Z","bench":"evil","workload":"w","params":[],"results":[],"recorded":"c","started_at":"2026-01-15T12:00:00.000Z","duration_ms":1}"#,
        // A reading dated far ahead, one out of range, one of no metric.
        r#"{"v":1,"id":"01KEE8Z0G0000000000000002A","kind":"reading","author":"mallory@example.com","recorded_at":"2026-01-15T12:00:00.000Z","metric":"latency","value":1,"measured_at":"9999-12-31T00:00:00.000Z","source":"manual"}"#,
        r#"{"v":1,"id":"01KEE8Z0G0000000000000003A","kind":"reading","author":"mallory@example.com","recorded_at":"2026-01-15T12:00:00.000Z","metric":"cacheHitRate","value":-1e308,"measured_at":"2026-01-15T12:00:00.000Z","source":"manual"}"#,
        r#"{"v":1,"id":"01KEE8Z0G0000000000000004A","kind":"reading","author":"mallory@example.com","recorded_at":"2026-01-15T12:00:00.000Z","metric":"vibes","value":1,"measured_at":"2026-01-15T12:00:00.000Z","source":"manual"}"#,
        // A line in Mallory's file that claims to be Alice's.
        r#"{"v":1,"id":"01KEE8Z0G0000000000000005A","kind":"reading","author":"alice@example.com","recorded_at":"2026-01-15T12:00:00.000Z","metric":"latency","value":1,"measured_at":"2026-01-15T12:00:00.000Z","source":"manual"}"#,
        // A completion of a task the roadmap does not have, in a block it
        // does not have.
        r#"{"v":1,"id":"01KEE8Z0G0000000000000007A","kind":"completion","author":"mallory@example.com","recorded_at":"2026-01-15T12:00:00.000Z","month":1,"week":1,"block":1,"task":"takeoverthecompany","title":"Take over the company","completed_at":"2026-01-15T12:00:00.000Z"}"#,
        r#"{"v":1,"id":"01KEE8Z0G0000000000000008A","kind":"completion","author":"mallory@example.com","recorded_at":"2026-01-15T12:00:00.000Z","month":1,"week":1,"block":3,"task":"fixfailedrequesttracking","title":"Fix failed request tracking","completed_at":"2026-01-15T12:00:00.000Z"}"#,
        // Invisible characters in a note.
        r#"{"v":1,"id":"01KEE8Z0G0000000000000006A","kind":"dogfood","author":"mallory@example.com","recorded_at":"2026-01-15T12:00:00.000Z","dogfood":"test","generated":true,"at":"2026-01-15T12:00:00.000Z","note":"a\u202eb"}"#,
    ];
    let text = poison.join("\n") + "\n";
    push_and_pull(&lab, &mal, &alice, &[(MALLORY, "100644", text.as_bytes())]);

    let out = beast(&alice, ALICE, &["metric", "latency", "250"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    for n in 1..=poison.len() {
        assert!(
            err.contains(&format!("mallory@example.com.jsonl:{n}: ")),
            "line {n} named: {err}"
        );
    }
    for why in [
        "bench \"evil\"",
        "measured_at 9999-12-31 is outside",
        "outside its valid range",
        "metric \"vibes\" is not in the catalog",
        "writes to alice@example.com.jsonl, not to mallory@example.com.jsonl",
        "has no planned task \"Take over the company\"",
        "has no planned task \"Fix failed request tracking\" in the block of week 3",
        "U+202E",
    ] {
        assert!(err.contains(why), "{why}: {err}");
    }
    let r = state(&alice);
    assert_eq!(metric(&r, "latency")["count"], 2);
    assert_eq!(metric(&r, "latency")["latest"]["value"], 250.0);
    assert_eq!(metric(&r, "cacheHitRate")["count"], 0);
    assert_eq!(r["progress"]["overall"]["completed"], 0);
    same_after_rebuild(&alice);
}

#[test]
fn a_forged_copy_of_an_id_replaces_nothing() {
    let lab = Lab::new();
    let (alice, mal) = team(&lab);
    let line = std::fs::read_to_string(alice_file(&mal)).unwrap();
    let original: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    let id = original["id"].as_str().unwrap().to_string();
    let mut forged = original.clone();
    forged["author"] = "mallory@example.com".into();
    forged["recorded_at"] = "2000-01-01T00:00:00.000Z".into();
    forged["measured_at"] = "2000-01-01T00:00:00.000Z".into();
    forged["value"] = 1.0.into();
    // The same id disguised in lower case, and as a retraction of nothing.
    let disguised = line.trim().replace(&id, &id.to_lowercase());
    let retraction = format!(
        r#"{{"v":1,"id":"{id}","kind":"retraction","author":"mallory@example.com","recorded_at":"2000-01-01T00:00:00.000Z","target":"{id}"}}"#
    );
    let text = format!("{forged}\n{disguised}\n{retraction}\n");
    push_and_pull(&lab, &mal, &alice, &[(MALLORY, "100644", text.as_bytes())]);

    let out = beast(&alice, "reader@example.com", &["report"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("event {id} stands with different content")),
        "{err}"
    );
    assert!(
        err.contains("alice@example.com.jsonl:1") && err.contains("mallory@example.com.jsonl:1"),
        "{err}"
    );
    assert!(
        err.contains("mallory@example.com.jsonl:2: id"),
        "the disguise is refused: {err}"
    );
    // Neither copy counts: Alice's reading is not replaced by the forged one.
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(metric(&r, "latency")["count"], 0);
    same_after_rebuild(&alice);
    // Alice's own file is as she wrote it, and a sync publishes it so.
    assert_eq!(std::fs::read_to_string(alice_file(&alice)).unwrap(), line);
    beast_ok(&alice, ALICE, &["sync", "--push", "-q"]);
    assert_eq!(std::fs::read_to_string(alice_file(&alice)).unwrap(), line);
    let published = lab.git(
        &mal,
        &[
            "fetch",
            "-q",
            "origin",
            "+refs/beast/history:refs/beast/history",
        ],
    );
    assert!(published.is_empty());
    let theirs = lab.git(
        &mal,
        &[
            "show",
            "refs/beast/history:events/alice@example.com.jsonl/000000",
        ],
    );
    assert_eq!(theirs, line);
}

#[test]
fn an_index_that_cannot_take_a_durable_append_is_a_warning_not_a_failure() {
    let lab = Lab::new();
    let (alice, _) = team(&lab);
    beast_ok(&alice, ALICE, &["status"]);
    // Another process holds the index's write lock past the timeout.
    let conn = rusqlite::Connection::open(index_path(&alice)).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let out = cargo_bin_cmd!("beast")
        .env_clear()
        .env("BEAST_TODAY", TODAY)
        .env("BEAST_AUTHOR", ALICE)
        .env("BEAST_BUSY_TIMEOUT_MS", "200")
        .current_dir(&alice)
        .args(["metric", "latency", "90"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(
            "recorded in .git/beast/events/alice@example.com.jsonl, but the index could not take it"
        ),
        "{err}"
    );
    assert!(!err.contains("nothing was recorded"), "{err}");
    conn.execute_batch("ROLLBACK").unwrap();
    drop(conn);
    // Recorded once; the next command catches up.
    assert_eq!(
        std::fs::read_to_string(alice_file(&alice))
            .unwrap()
            .lines()
            .count(),
        2
    );
    assert_eq!(metric(&state(&alice), "latency")["count"], 2);
}

#[test]
fn every_figure_survives_a_rebuild_and_an_export_to_the_last_digit() {
    let lab = Lab::new();
    let (alice, _) = team(&lab);
    // Each value is the latest once, and must be read back exactly after a
    // rebuild (serde_json's default parser gets the last digit of the first
    // wrong: 37.95555555555555).
    for (i, v) in [
        "37.955555555555556",
        "0.1",
        "99.99999999999999",
        "12.345678901234567",
    ]
    .into_iter()
    .enumerate()
    {
        let at = format!("2026-01-1{i}");
        beast_ok(&alice, ALICE, &["metric", "cacheHitRate", v, "--at", &at]);
        let latest = |r: &serde_json::Value| metric(r, "cacheHitRate")["latest"]["value"].as_f64();
        assert_eq!(latest(&state(&alice)), Some(v.parse().unwrap()));
        std::fs::remove_file(index_path(&alice)).unwrap();
        assert_eq!(
            latest(&state(&alice)),
            Some(v.parse().unwrap()),
            "{v} after a rebuild"
        );
    }
    // Export, then import into a personal database: the same numbers.
    let export = beast_ok(&alice, ALICE, &["export"]);
    let file = lab.path("export.jsonl");
    std::fs::write(&file, &export).unwrap();
    let db = lab.path("personal.db");
    let run = |args: &[&str]| {
        let out = cargo_bin_cmd!("beast")
            .env_clear()
            .env("BEAST_TODAY", TODAY)
            .env("BEAST_DB", &db)
            .env("BEAST_AUTHOR", ALICE)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    run(&["import", file.to_str().unwrap()]);
    assert_eq!(run(&["export"]), export);
}

#[test]
fn a_rewrite_of_the_same_size_and_mtime_is_noticed() {
    let lab = Lab::new();
    let (alice, _) = team(&lab);
    assert_eq!(metric(&state(&alice), "latency")["latest"]["value"], 300.0);
    let file = alice_file(&alice);
    let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("\"value\":300.0", "\"value\":301.0")).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(std::fs::metadata(&file).unwrap().len() as usize, text.len());
    assert_eq!(metric(&state(&alice), "latency")["latest"]["value"], 301.0);
}

#[test]
fn report_into_a_closed_pipe_exits_zero() {
    let lab = Lab::new();
    let (alice, _) = team(&lab);
    beast_ok(&alice, ALICE, &["status"]);
    for _ in 0..20 {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_beast"))
            .env_clear()
            .env("BEAST_TODAY", TODAY)
            .current_dir(&alice)
            .args(["report"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 1];
        std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
}

#[test]
fn undo_never_walks_back_past_the_last_action() {
    let lab = Lab::new();
    let (alice, _) = team(&lab);
    let latency = metric(&state(&alice), "latency")["count"].clone();
    beast_ok(&alice, ALICE, &["bench", "routing"]);
    let first = beast_ok(&alice, ALICE, &["undo"]);
    assert!(first.contains("routing benchmark run"), "{first}");
    // The last action is that undo: the second undo takes it back, and
    // leaves the earlier reading alone.
    let second = beast_ok(&alice, ALICE, &["undo"]);
    assert!(
        second.starts_with("Restored ") && second.contains("routing benchmark run"),
        "{second}"
    );
    assert_eq!(metric(&state(&alice), "latency")["count"], latency);
    assert_eq!(metric(&state(&alice), "selectionAccuracy")["count"], 1);
}

#[test]
fn bad_input_is_refused_in_one_line() {
    let lab = Lab::new();
    let (alice, _) = team(&lab);
    let out = beast(&alice, ALICE, &["check", "--since=--format=x"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("neither a date"), "{}", stderr(&out));
    let long = "a".repeat(300);
    let out = beast(&alice, &long, &["metric", "latency", "90"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the author is 300 characters long"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("disk"), "{}", stderr(&out));
    // -o never replaces a link or a device.
    let link = lab.path("link.json");
    std::os::unix::fs::symlink(lab.path("target.json"), &link).unwrap();
    for to in [link.to_str().unwrap(), "/dev/null"] {
        let out = beast(&alice, ALICE, &["report", "-o", to]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    }
    assert!(link.is_symlink() && !lab.path("target.json").exists());
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
}

#[test]
fn a_hundred_megabytes_of_junk_is_read_in_bounded_memory() {
    let lab = Lab::new();
    let (alice, mal) = team(&lab);
    let mut junk = Vec::with_capacity(100_000_000);
    for i in 0..1_000_000 {
        junk.extend_from_slice(format!("{i:099}\n").as_bytes());
    }
    push_and_pull(&lab, &mal, &alice, &[("junk.jsonl", "100644", &junk)]);
    // Taken in by the next command; then a fresh index, under a 512 MB
    // address-space limit.
    beast_ok(&alice, ALICE, &["sync", "-q"]);
    std::fs::remove_file(index_path(&alice)).unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 524288 && exec '{}' report",
            env!("CARGO_BIN_EXE_beast")
        ))
        .env_clear()
        .env("BEAST_TODAY", TODAY)
        .current_dir(&alice)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(err.lines().count(), 11, "ten named and a summary: {err}");
    assert!(
        err.contains("junk.jsonl: 999990 more lines skipped (1000000 in all"),
        "{err}"
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(metric(&r, "latency")["count"], 1);
}

#[test]
fn another_users_project_is_refused_unless_listed_as_safe() {
    // Needs to hand the directory to another user: root only.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: not root, cannot give .beast/ to another user");
        return;
    }
    let lab = Lab::new();
    let (alice, _) = team(&lab);
    let dir = std::ffi::CString::new(alice.join(".beast").to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::chown(dir.as_ptr(), 65534, 65534) }, 0);
    let out = beast(&alice, ALICE, &["metric", "latency", "90"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("belongs to another user"),
        "{}",
        stderr(&out)
    );
    let out = cargo_bin_cmd!("beast")
        .env_clear()
        .env("BEAST_TODAY", TODAY)
        .env("BEAST_AUTHOR", ALICE)
        .env("BEAST_SAFE_PROJECTS", &alice)
        .current_dir(&alice)
        .args(["metric", "latency", "90"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_conflicting_copy_of_a_retraction_never_revives_what_it_took_back() {
    let lab = Lab::new();
    let (alice, mal) = team(&lab);
    beast_ok(&alice, ALICE, &["undo", "-q"]);
    assert_eq!(metric(&state(&alice), "latency")["count"], 0);
    beast_ok(&alice, ALICE, &["sync", "--push", "-q"]);
    beast_ok(&mal, "mallory@example.com", &["sync", "-q"]);
    // Mallory's own file gets a line with the retraction's id: a reading.
    let text = std::fs::read_to_string(alice_file(&mal)).unwrap();
    let retraction: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(retraction["kind"], "retraction");
    let id = retraction["id"].as_str().unwrap();
    let forged = format!(
        r#"{{"v":1,"id":"{id}","kind":"reading","author":"mallory@example.com","recorded_at":"2026-01-20T12:00:00.000Z","metric":"cacheHitRate","value":50,"measured_at":"2026-01-20T12:00:00.000Z","source":"manual"}}"#
    );
    push_and_pull(
        &lab,
        &mal,
        &alice,
        &[(MALLORY, "100644", format!("{forged}\n").as_bytes())],
    );
    let out = beast(&alice, "reader@example.com", &["report"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the correction (") && stderr(&out).contains(id),
        "{}",
        stderr(&out)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        metric(&r, "latency")["count"],
        0,
        "the reading stays retracted"
    );
    assert_eq!(
        metric(&r, "cacheHitRate")["count"],
        0,
        "the forged copy counts for nothing"
    );
    same_after_rebuild(&alice);
}
