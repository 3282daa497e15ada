//! Faults and hostile input, through the binary: every failure is one line
//! with the right exit code, nothing panics, nothing hangs, stored data is
//! unchanged, and no text a user (or another person's log) supplied reaches
//! the terminal as control characters.

mod common;

use std::process::{Command, Stdio};

use common::{metric, Env};

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[test]
fn a_read_only_database_is_explained_and_left_alone() {
    let env = Env::new();
    env.ok(&["metric", "latency", "300"]);
    let dir = env.db.parent().unwrap().to_path_buf();
    // Checkpoint the WAL away so the file alone holds the data.
    for s in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{s}", env.db.display()));
    }
    let before = std::fs::read(&env.db).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o444)).unwrap();
    // root ignores permissions: run as nobody when we are root.
    let mut cmd = if is_root() {
        if Command::new("setpriv").arg("--version").output().is_err() {
            eprintln!("setpriv missing: read-only check skipped");
            return;
        }
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_beast"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_beast"))
    };
    // nobody must be able to reach the file, but not write beside it.
    let mut p = dir.clone();
    while let Some(parent) = p.parent() {
        if parent == env.dir.path().parent().unwrap() {
            break;
        }
        let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755));
        p = parent.to_path_buf();
    }
    let _ = std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o755));
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = cmd
        .env_clear()
        .env("BEAST_DB", &env.db)
        .env("BEAST_TODAY", &env.today)
        .args(["metric", "latency", "200"])
        .output()
        .unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("is not writable") || err.contains("cannot be opened"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&env.db).unwrap(),
        before,
        "the file is untouched"
    );
    for s in ["-wal", "-shm", "-journal"] {
        assert!(
            !std::path::Path::new(&format!("{}{s}", env.db.display())).exists(),
            "no {s} left behind"
        );
    }
}

#[test]
fn a_lock_held_past_the_timeout_is_explained() {
    let env = Env::new();
    env.ok(&["metric", "latency", "300"]);
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let out = env
        .cmd()
        .env("BEAST_BUSY_TIMEOUT_MS", "200")
        .args(["metric", "latency", "200"])
        .output()
        .unwrap();
    conn.execute_batch("ROLLBACK").unwrap();
    drop(conn);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("stayed locked by another process for more than 200 ms"),
        "{err}"
    );
    assert_eq!(metric(&env.report(), "latency")["count"], 1);
}

#[test]
fn a_full_disk_is_explained_and_what_was_stored_stays() {
    let env = Env::new();
    let mnt = env.dir.path().join("small");
    std::fs::create_dir_all(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=160k", "tmpfs"])
        .arg(&mnt)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("cannot mount a small tmpfs here (not root?): full-disk check skipped; see the manual check under Exit codes in docs/reference.md");
        return;
    }
    let db = mnt.join("beast.db");
    let dbs = db.to_str().unwrap().to_string();
    let mut failure = None;
    let mut stored = 0;
    for i in 0..400 {
        let note = "x".repeat(2000);
        let out = env
            .cmd()
            .args([
                "--db",
                &dbs,
                "metric",
                "latency",
                &format!("{}", 100 + i),
                "--note",
                &note,
            ])
            .output()
            .unwrap();
        if out.status.success() {
            stored += 1;
        } else {
            failure = Some(out);
            break;
        }
    }
    let out = failure.expect("the disk fills up");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    let report = env.cmd().args(["--db", &dbs, "report"]).output().unwrap();
    let _ = Command::new("umount").arg(&mnt).status();
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("disk is full") || err.contains("cannot"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
    if report.status.success() {
        let v: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
        assert_eq!(
            metric(&v, "latency")["count"],
            stored,
            "every acknowledged write is there"
        );
    }
}

#[cfg(unix)]
#[test]
fn fifos_and_endless_files_are_refused_without_hanging() {
    let env = Env::new();
    let fifo = env.dir.path().join("pipe");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let f = fifo.to_str().unwrap();
    let e = env.fails(&["--db", f, "status"], 4);
    assert!(e.contains("not a regular file"), "{e}");
    for args in [
        vec!["bench", "cache", "--no-record", "--trace", f],
        vec!["bench", "routing", "--no-record", "--dataset", "/dev/zero"],
        vec!["bench", "routing", "--no-record", "--outcomes", f],
        vec!["bench", "routing", "--no-record", "--outcomes", "/dev/zero"],
        vec!["bench", "paraphrase", "--pairs", f],
        vec!["import", "legacy", "/dev/zero"],
        vec!["import", f],
    ] {
        let e = env.fails(&args, 1);
        assert!(e.contains("not a regular file"), "{args:?}: {e}");
    }
    let rm = env.dir.path().join("roadmap");
    std::fs::create_dir_all(&rm).unwrap();
    for f in std::fs::read_dir(common::repo_path("roadmap")).unwrap() {
        let p = f.unwrap().path();
        std::fs::copy(&p, rm.join(p.file_name().unwrap())).unwrap();
    }
    std::fs::remove_file(rm.join("year4.toml")).unwrap();
    assert!(Command::new("mkfifo")
        .arg(rm.join("year4.toml"))
        .status()
        .unwrap()
        .success());
    let e = env.fails(&["--roadmap", rm.to_str().unwrap(), "status"], 3);
    assert!(e.contains("year4.toml is not a regular file"), "{e}");
    let null = env.fails(&["--db", "/dev/null", "metric", "latency", "3"], 4);
    assert!(null.contains("not a regular file"), "{null}");
    assert!(!std::path::Path::new("/dev/null-journal").exists());
}

#[test]
fn output_that_fails_after_a_write_says_the_record_is_stored() {
    let env = Env::new();
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    let Ok(full) = full else {
        eprintln!("/dev/full is missing: skipped");
        return;
    };
    let out = env
        .std_cmd()
        .args(["metric", "latency", "100"])
        .stdout(Stdio::from(full))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{err}");
    assert!(
        err.contains("recorded 1 event") && err.contains("do not record it again"),
        "{err}"
    );
    assert_eq!(metric(&env.report(), "latency")["count"], 1);
    // Without a write, a full stdout is an ordinary error; never a panic.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = env
        .std_cmd()
        .args(["completions", "bash"])
        .stdout(Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let env = Env::new();
    for _ in 0..20 {
        let mut child = env
            .std_cmd()
            .args(["completions", "bash"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Runs `args` with stdout or stderr (or both) a pipe nobody reads: its
/// read end is closed before beast writes. The exit code.
fn with_closed(env: &Env, args: &[&str], stdout: bool, stderr: bool) -> Option<i32> {
    let mut child = env
        .std_cmd()
        .args(args)
        .stdout(if stdout {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stderr(if stderr {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    child.wait().unwrap().code()
}

#[test]
fn a_closed_stderr_changes_no_exit_code() {
    let env = Env::new();
    for v in ["40", "40.5", "39.6", "40.2", "39.8", "40.6"] {
        env.ok(&["metric", "cacheHitRate", v, "--source", "ci"]);
    }
    env.ok(&["metric", "cacheHitRate", "30", "--source", "ci"]);
    env.ok(&["metric", "cacheHitRate", "30.5", "--source", "ci"]);
    // More than an output buffer's worth of export, so that a write fails
    // while the history is being read, not at the final flush.
    let lines: String = (0..200)
        .map(|i| format!("{{\"v\":1,\"id\":\"01KEE8Z0G00000000000000{i:03}\",\"kind\":\"reading\",\"author\":\"a\",\"recorded_at\":\"2026-01-15T12:00:00.000Z\",\"metric\":\"latency\",\"value\":{i},\"measured_at\":\"2026-01-15T12:00:00.000Z\",\"source\":\"manual\"}}\n"))
        .collect();
    let file = env.dir.path().join("many.jsonl");
    std::fs::write(&file, lines).unwrap();
    env.ok(&["import", file.to_str().unwrap()]);
    // Ten times each: the abort came from a race with the reader's close.
    for _ in 0..10 {
        // An error message into a closed stderr: still exit 1, not 134.
        let bad = ["complete", "1", "1", "nonexistent-xyz"];
        assert_eq!(with_closed(&env, &bad, false, true), Some(1));
        // A failing gate, its output and warnings into closed pipes: 5.
        let check = ["check", "--rules", "regression"];
        assert_eq!(with_closed(&env, &check, true, true), Some(5));
        // An export cut short by its reader is no failure (exit 0).
        assert_eq!(with_closed(&env, &["export"], true, false), Some(0));
    }
}

#[test]
fn huge_sizes_are_refused_not_allocated() {
    let env = Env::new();
    for args in [
        vec![
            "bench",
            "cache",
            "--requests",
            "18446744073709551615",
            "--no-record",
        ],
        vec!["bench", "cache", "--requests", "4294967296", "--no-record"],
        vec![
            "bench",
            "cache",
            "--requests",
            "9223372036854775807",
            "--thresholds",
            "nan",
        ],
        vec![
            "bench",
            "cache",
            "--l1-capacity",
            "99999999999",
            "--no-record",
        ],
    ] {
        let e = env.fails(&args, 1);
        assert!(e.contains("more than"), "{args:?}: {e}");
    }
    let e = env.fails(
        &[
            "bench",
            "cache",
            "--thresholds",
            "nan",
            "--requests",
            "1000",
        ],
        1,
    );
    assert!(e.contains("threshold"), "{e}");
}

#[test]
fn smaller_promises() {
    let env = Env::new();
    let e = env.fails(&["complete", "1"], 2);
    assert!(
        e.contains("<WEEK>") && e.contains("<TASK>"),
        "names the missing arguments: {e}"
    );
    let e = env.fails(&["complete", "-1", "1", "x"], 1);
    assert!(e.contains("month -1 is outside the roadmap"), "{e}");
    let e = env.fails(&["metric", "latency", "100", "--at", "0000-01-01"], 1);
    assert!(e.contains("before the roadmap starts"), "{e}");
    env.ok(&["metric", "latency", "100", "--at", "2025-12-01", "--force"]);
}

/// Hostile text through every input that takes text, then every
/// human-readable output checked for raw control characters.
#[test]
fn no_input_reaches_the_terminal_as_control_characters() {
    let env = Env::on("2026-01-20");
    let evil = "x\u{1b}]0;PWNED\u{7}\u{1b}[2J\ny\u{9b}31m";
    // Refused where the text is an identifier.
    for args in [
        vec!["metric", "latency", "150", "--source", evil],
        vec!["complete", "1", "1", evil, "--adhoc"],
        vec!["complete", "1", "1", evil],
    ] {
        let e = env.fails(&args, 1);
        assert!(!e.contains('\u{1b}'), "{e}");
    }
    // Refused in free text too (a newline or tab is kept there), saying
    // which character, and nothing is recorded.
    for args in [
        vec!["metric", "latency", "150", "--note", evil],
        vec!["dogfood", "test", "--note", evil],
        vec![
            "complete",
            "1",
            "1",
            "Fix failed request tracking",
            "--note",
            evil,
        ],
        vec!["complete", "1", "2", "Hotfix", "--adhoc", "--note", evil],
        vec!["metric", "latency", "150", "--note", "right\u{202E}txt.exe"],
        vec!["dogfood", "test", "--note", "zero\u{200B}width"],
    ] {
        let e = env.fails(&args, 1);
        assert!(e.contains("invisible or control character U+"), "{e}");
        assert!(e.contains("nothing was recorded"), "{e}");
        assert!(!e.contains('\u{1b}') && !e.contains('\u{202E}'), "{e}");
    }
    env.ok(&[
        "metric",
        "latency",
        "150",
        "--note",
        "two\nlines\tand a tab",
    ]);
    // A hostile roadmap and a hostile event in an imported file.
    let rm = env.dir.path().join("roadmap");
    std::fs::create_dir_all(&rm).unwrap();
    for f in std::fs::read_dir(common::repo_path("roadmap")).unwrap() {
        let p = f.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap().replace(
            "title = \"Enhanced error context\"",
            "title = \"Enhanced \\u001b]0;PWNED\\u0007 context\"",
        );
        std::fs::write(rm.join(p.file_name().unwrap()), text).unwrap();
    }
    let line = format!(
        "{{\"v\":1,\"id\":\"01KEE8Z0G0000000000000001A\",\"kind\":\"reading\",\"author\":\"m\\u001b[2Jallory\",\"recorded_at\":\"2026-01-15T12:00:00Z\",\"metric\":\"latency\",\"value\":140,\"measured_at\":\"2026-01-15T12:00:00Z\",\"source\":\"e\\u001b[31mvil\",\"note\":{}}}\n",
        serde_json::to_string(evil).unwrap()
    );
    let file = env.dir.path().join("evil.jsonl");
    std::fs::write(&file, line).unwrap();
    let e = env.fails(&["import", file.to_str().unwrap()], 1);
    assert!(e.contains("evil.jsonl:1: "), "{e}");
    assert!(!e.contains('\u{1b}'), "{e}");
    let rms = rm.to_str().unwrap();
    // The roadmap is refused where it is loaded, at the title's line, and
    // the message shows no control character.
    for args in [
        vec!["--roadmap", rms, "status"],
        vec!["--roadmap", rms, "roadmap", "--month", "1"],
    ] {
        let out = env.cmd().args(&args).output().unwrap();
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("year1.toml:") && err.contains("invisible or control character U+001B"),
            "{err}"
        );
        assert!(!err.contains('\u{1b}') && out.stdout.is_empty(), "{err}");
    }
    for args in [
        vec!["status"],
        vec!["metric"],
        vec!["metric", "latency"],
        vec!["dogfood"],
        vec!["log"],
        vec!["report", "--format", "markdown"],
        vec!["report", "--format", "html"],
        vec!["report", "--format", "openmetrics"],
        vec!["--color", "always", "status"],
    ] {
        let out = env.cmd().args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let stripped = strip_own_colours(&text);
        assert!(
            !stripped
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{args:?} printed a raw control character:\n{text}"
        );
    }
    // Errors echo typed text safely too.
    let out = env.cmd().args(["metric", evil, "3"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.chars().any(|c| c.is_control() && c != '\n'), "{err}");
    let out = env.cmd().args(["--bogus\u{1b}[2J"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.chars().any(|c| c.is_control() && c != '\n'), "{err}");
}

/// Removes the SGR colour sequences beast itself emits (ESC [ digits;… m),
/// so that only foreign control characters remain.
fn strip_own_colours(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            let mut seq = String::new();
            chars.next();
            while let Some(&d) = chars.peek() {
                chars.next();
                if d == 'm' {
                    break;
                }
                seq.push(d);
            }
            if seq.chars().all(|d| d.is_ascii_digit() || d == ';') {
                continue;
            }
            out.push('\u{1b}');
            out.push_str(&seq);
            continue;
        }
        out.push(c);
    }
    out
}
