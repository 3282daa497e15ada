//! The team's history on its own ref: recording never touches the branch
//! being worked on, `beast sync` moves that ref alone, and CI keeps what it
//! measures while `main` is protected.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::lab::{beast, beast_ok, events_dir, report, Lab};

const ALICE: &str = "alice@example.com";
const BOB: &str = "bob@example.com";

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn count(root: &Path, id: &str) -> u64 {
    common::metric(&report(root), id)["count"].as_u64().unwrap()
}

/// What git shows of the branch: HEAD, the index and the working tree.
fn branch_state(lab: &Lab, root: &Path) -> (String, String, String) {
    (
        lab.git(root, &["rev-parse", "HEAD"]),
        lab.git(root, &["status", "--porcelain=v1", "--untracked-files=all"]),
        lab.git(root, &["diff", "--cached", "--binary"]) + &lab.git(root, &["diff", "--binary"]),
    )
}

/// Alice's project shared through a bare remote, and its path.
fn shared(lab: &Lab) -> (PathBuf, PathBuf) {
    let alice = lab.repo("alice");
    let origin = lab.remote(&alice, "origin.git");
    (alice, origin)
}

/// A clone of `origin` with its history fetched, as `who`.
fn teammate(lab: &Lab, origin: &Path, name: &str, who: &str) -> PathBuf {
    let root = lab.clone(origin, name);
    beast_ok(&root, who, &["sync", "-q"]);
    root
}

#[test]
fn recording_leaves_the_branch_its_index_and_its_working_tree_alone() {
    let lab = Lab::new();
    let (alice, _) = shared(&lab);
    std::fs::write(alice.join("staged.txt"), "staged\n").unwrap();
    lab.git(&alice, &["add", "staged.txt"]);
    std::fs::write(alice.join("README"), "unstaged\n").unwrap();
    let before = branch_state(&lab, &alice);
    beast_ok(
        &alice,
        ALICE,
        &["complete", "1", "1", "Fix failed request tracking"],
    );
    beast_ok(&alice, ALICE, &["metric", "latency", "210"]);
    beast_ok(&alice, ALICE, &["dogfood", "improvement"]);
    beast_ok(&alice, ALICE, &["undo"]);
    beast_ok(&alice, ALICE, &["status"]);
    beast_ok(&alice, ALICE, &["sync", "--push", "-q"]);
    assert_eq!(branch_state(&lab, &alice), before);
    // A fresh repository: recording leaves `git status` empty.
    let fresh = lab.repo("fresh");
    beast_ok(&fresh, ALICE, &["metric", "latency", "200"]);
    let st = lab.git(&fresh, &["status", "--porcelain", "--untracked-files=all"]);
    assert_eq!(st, "", "recording dirtied the tree");
    assert_eq!(
        lab.git(&fresh, &["rev-list", "--count", "HEAD"]).trim(),
        "1"
    );
}

#[test]
fn two_teammates_sync_through_a_shared_remote() {
    let lab = Lab::new();
    let (alice, origin) = shared(&lab);
    let bob = teammate(&lab, &origin, "bob", BOB);
    beast_ok(
        &alice,
        ALICE,
        &["complete", "1", "1", "Fix failed request tracking"],
    );
    beast_ok(&alice, ALICE, &["metric", "latency", "210"]);
    let out = beast_ok(&alice, ALICE, &["sync", "--push"]);
    assert!(
        out.starts_with("nothing new from origin, pushed 2 event lines"),
        "{out}"
    );
    beast_ok(&bob, BOB, &["metric", "latency", "190"]);
    let out = beast_ok(&bob, BOB, &["sync", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["fetched_lines"], 2);
    assert_eq!(v["local_lines"], 1);
    assert_eq!(v["pushed"], false);
    assert_eq!(v["completed"], 1, "alice's completion arrived");
    assert_eq!(count(&bob, "latency"), 2);
    let out = beast_ok(&bob, BOB, &["sync", "--push"]);
    assert!(
        out.starts_with("nothing new from origin, pushed 1 event line;"),
        "{out}"
    );
    let out = beast_ok(&alice, ALICE, &["sync"]);
    assert!(out.starts_with("fetched 1 event line from origin"), "{out}");
    // Nothing new either way: nothing fetched, nothing committed; what
    // was pushed is what the clone knows of the remote.
    let tip = lab.git(&alice, &["rev-parse", "refs/beast/history"]);
    assert_eq!(
        lab.git(&bob, &["rev-parse", "refs/beast/remotes/origin/history"]),
        lab.git(&bob, &["rev-parse", "refs/beast/history"]),
    );
    let out = beast_ok(&alice, ALICE, &["sync", "--push"]);
    assert!(
        out.starts_with("nothing new from origin, nothing of yours to share"),
        "{out}"
    );
    assert_eq!(lab.git(&alice, &["rev-parse", "refs/beast/history"]), tip);
    assert_eq!(report(&alice)["progress"], report(&bob)["progress"]);
    assert_eq!(count(&alice, "latency"), 2);
}

#[test]
fn sync_pushes_no_code_and_works_while_main_is_protected() {
    let lab = Lab::new();
    let (alice, origin) = shared(&lab);
    lab.protect_main(&origin);
    let remote_main = lab.git(&origin, &["rev-parse", "main"]);
    // An unpushed code commit, and a record.
    std::fs::write(alice.join("code.rs"), "fn main() {}\n").unwrap();
    lab.commit_all(&alice, "unpushed work");
    let head = lab.git(&alice, &["rev-parse", "HEAD"]);
    beast_ok(&alice, ALICE, &["metric", "latency", "205"]);
    let out = beast_ok(&alice, ALICE, &["sync", "--push"]);
    assert!(out.contains("pushed 1 event line"), "{out}");
    assert_eq!(lab.git(&origin, &["rev-parse", "main"]), remote_main);
    assert_eq!(lab.git(&alice, &["rev-parse", "HEAD"]), head);
    assert_eq!(
        lab.git(&alice, &["rev-parse", "refs/remotes/origin/main"]),
        remote_main,
        "the branch is neither pushed nor rebased"
    );
    // What went is the history alone: its tree holds only the log.
    let files = lab.git(
        &origin,
        &["ls-tree", "-r", "--name-only", "refs/beast/history"],
    );
    assert_eq!(files.trim(), "events/alice@example.com.jsonl/000000");
    // The remote refuses the history too: said in one line, nothing lost.
    common::lab::hook(
        &origin.join("hooks/update"),
        "echo 'refusing everything' >&2\nexit 1\n",
    );
    beast_ok(&alice, ALICE, &["metric", "latency", "206"]);
    let out = beast(&alice, ALICE, &["sync", "--push"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("origin refused refs/beast/history"), "{err}");
    assert!(err.contains("contents: write"), "{err}");
    assert_eq!(count(&alice, "latency"), 2);
}

#[test]
fn a_shallow_ci_clone_without_identity_fetches_records_and_persists() {
    let lab = Lab::new();
    let (alice, origin) = shared(&lab);
    lab.protect_main(&origin);
    for v in ["40", "41", "39"] {
        beast_ok(&alice, ALICE, &["metric", "cacheHitRate", v]);
    }
    beast_ok(&alice, ALICE, &["sync", "--push", "-q"]);
    // More code commits, so that depth 1 leaves history out.
    for i in 0..3 {
        std::fs::write(alice.join("f.txt"), format!("{i}\n")).unwrap();
        lab.commit_all(&alice, "code");
    }
    std::fs::remove_file(origin.join("hooks/update")).unwrap();
    lab.git(&alice, &["push", "-q", "origin", "main"]);
    lab.protect_main(&origin);

    let ci = lab.path("ci");
    let url = format!("file://{}", origin.display());
    lab.git(
        lab.dir.path(),
        &["clone", "-q", "--depth", "1", &url, ci.to_str().unwrap()],
    );
    assert!(ci.join(".git/shallow").exists());
    // No identity: neither the repository nor HOME says who commits.
    assert!(
        Command::new("git")
            .args(["var", "GIT_COMMITTER_IDENT"])
            .current_dir(&ci)
            .env_clear()
            .env("HOME", &ci)
            .env("PATH", std::env::var_os("PATH").unwrap())
            .stdin(Stdio::null())
            .output()
            .unwrap()
            .status
            .code()
            != Some(0),
        "the test needs a clone git has no identity for"
    );
    // Before fetching: the history is said to be missing, not empty.
    for cmd in [&["report"][..], &["check"], &["status"]] {
        let out = beast(&ci, "ci", cmd);
        assert_eq!(out.status.code(), Some(4), "{cmd:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("run `beast sync` to fetch it"), "{err}");
    }
    beast_ok(&ci, "ci", &["sync", "-q"]);
    assert_eq!(count(&ci, "cacheHitRate"), 3, "the whole history");
    beast_ok(
        &ci,
        "ci",
        &["metric", "cacheHitRate", "40.5", "--source", "ci"],
    );
    beast_ok(&ci, "ci", &["sync", "--push", "-q"]);
    let author = lab.git(
        &origin,
        &["log", "-1", "--format=%an <%ae>", "refs/beast/history"],
    );
    assert_eq!(author.trim(), "beast <beast@localhost>");

    let fresh = lab.clone(&origin, "fresh");
    beast_ok(&fresh, BOB, &["sync", "-q"]);
    let r = report(&fresh);
    let m = common::metric(&r, "cacheHitRate");
    assert_eq!(m["count"], 4);
    assert_eq!(m["latest"]["source"], "ci");
    assert_eq!(m["latest"]["value"], 40.5);
}

#[test]
fn jobs_pushing_at_once_keep_every_record() {
    let lab = Lab::new();
    let (_alice, origin) = shared(&lab);
    let jobs: Vec<PathBuf> = (0..4)
        .map(|i| teammate(&lab, &origin, &format!("job{i}"), &format!("ci{i}")))
        .collect();
    for round in 0..5 {
        for (i, job) in jobs.iter().enumerate() {
            let v = format!("{}", 100 + round * 10 + i);
            beast_ok(job, &format!("ci{i}"), &["metric", "latency", &v]);
        }
        let children: Vec<_> = jobs
            .iter()
            .enumerate()
            .map(|(i, job)| {
                Command::new(env!("CARGO_BIN_EXE_beast"))
                    .env_clear()
                    .env("BEAST_TODAY", common::lab::TODAY)
                    .env("BEAST_AUTHOR", format!("ci{i}"))
                    .env("HOME", job)
                    .env("PATH", std::env::var_os("PATH").unwrap())
                    .current_dir(job)
                    .args(["sync", "--push", "-q"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
        }
    }
    let fresh = teammate(&lab, &origin, "fresh", BOB);
    assert_eq!(count(&fresh, "latency"), 20);
}

#[test]
fn a_record_made_during_a_stopped_rebase_survives_its_abort() {
    let lab = Lab::new();
    let (alice, origin) = shared(&lab);
    let bob = teammate(&lab, &origin, "bob", BOB);
    // A conflict in the user's own file stops Alice's rebase.
    std::fs::write(bob.join("shared.txt"), "bob's line\n").unwrap();
    lab.commit_all(&bob, "bob's change");
    lab.git(&bob, &["push", "-q", "origin", "main"]);
    std::fs::write(alice.join("shared.txt"), "alice's line\n").unwrap();
    lab.commit_all(&alice, "alice's change");
    lab.git(&alice, &["fetch", "-q", "origin"]);
    let stopped = Command::new("git")
        .args([
            "-c",
            "user.name=A",
            "-c",
            "user.email=a@x",
            "rebase",
            "origin/main",
        ])
        .current_dir(&alice)
        .env("HOME", lab.dir.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        !stopped.status.success(),
        "the rebase stops on the conflict"
    );
    assert!(alice.join(".git/rebase-merge").exists() || alice.join(".git/rebase-apply").exists());

    beast_ok(&alice, ALICE, &["metric", "latency", "302"]);
    // A second sync mid-rebase works as the first.
    beast_ok(&alice, ALICE, &["sync", "--push", "-q"]);
    beast_ok(&alice, ALICE, &["metric", "latency", "303"]);
    beast_ok(&alice, ALICE, &["sync", "--push", "-q"]);
    lab.git(&alice, &["rebase", "--abort"]);
    assert_eq!(count(&alice, "latency"), 2);
    beast_ok(&bob, BOB, &["sync", "-q"]);
    let r = report(&bob);
    assert_eq!(common::metric(&r, "latency")["count"], 2);
    assert_eq!(common::metric(&r, "latency")["latest"]["value"], 303.0);
}

#[test]
fn sync_leaves_staged_and_unstaged_work_alone_even_with_a_hook_that_stages_all() {
    let lab = Lab::new();
    let (alice, origin) = shared(&lab);
    let bob = teammate(&lab, &origin, "bob", BOB);
    beast_ok(&bob, BOB, &["metric", "latency", "190"]);
    beast_ok(&bob, BOB, &["sync", "--push", "-q"]);
    // A pre-commit hook that stages everything it finds.
    common::lab::hook(&alice.join(".git/hooks/pre-commit"), "git add -A\n");
    std::fs::write(alice.join("staged.txt"), "staged\n").unwrap();
    lab.git(&alice, &["add", "staged.txt"]);
    std::fs::write(alice.join("staged.txt"), "staged, then changed\n").unwrap();
    std::fs::write(alice.join("untracked.txt"), "mine\n").unwrap();
    let before = branch_state(&lab, &alice);
    beast_ok(&alice, ALICE, &["metric", "latency", "210"]);
    beast_ok(&alice, ALICE, &["sync", "--push", "-q"]);
    assert_eq!(branch_state(&lab, &alice), before);
    assert_eq!(count(&alice, "latency"), 2);
    let published = lab.git(
        &origin,
        &["ls-tree", "-r", "--name-only", "refs/beast/history"],
    );
    assert!(!published.contains("staged.txt") && !published.contains("untracked"));
}

#[test]
fn an_in_tree_log_moves_onto_the_ref_whole_and_reports_the_same() {
    let lab = Lab::new();
    // A project from before the ref: its log committed in .beast/events/.
    let old = lab.repo("old");
    for (i, v) in ["40", "41.5", "39.25", "42"].iter().enumerate() {
        let at = format!("2026-01-{:02}", i + 1);
        beast_ok(&old, ALICE, &["metric", "cacheHitRate", v, "--at", &at]);
    }
    beast_ok(
        &old,
        BOB,
        &["complete", "1", "1", "Fix failed request tracking"],
    );
    beast_ok(&old, BOB, &["dogfood", "test"]);
    let expected = report(&old);
    let lines: usize = std::fs::read_dir(events_dir(&old))
        .unwrap()
        .map(|e| {
            std::fs::read_to_string(e.unwrap().path())
                .unwrap()
                .lines()
                .count()
        })
        .sum();
    assert_eq!(lines, 6);
    let repo = lab.path("legacy");
    std::fs::create_dir_all(repo.join(".beast/events")).unwrap();
    lab.git(&repo, &["init", "-q"]);
    std::fs::write(repo.join(".beast/config.toml"), "").unwrap();
    std::fs::write(repo.join(".beast/events/.gitkeep"), "").unwrap();
    for e in std::fs::read_dir(events_dir(&old)).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), repo.join(".beast/events").join(e.file_name())).unwrap();
    }
    lab.commit_all(&repo, "the old layout");
    let origin = lab.path("legacy.git");
    lab.git(
        lab.dir.path(),
        &[
            "init",
            "-q",
            "--bare",
            "-b",
            "main",
            origin.to_str().unwrap(),
        ],
    );
    lab.git(
        &repo,
        &["remote", "add", "origin", origin.to_str().unwrap()],
    );
    lab.git(&repo, &["push", "-q", "origin", "main"]);

    // A clone whose first command is a sync: it says what it moved.
    let first = lab.clone(&origin, "first");
    let out = beast(&first, ALICE, &["sync", "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("moved 6 event lines (6 new) from .beast/events/"),
        "{}",
        stderr(&out)
    );
    // A teammate's clone: the first command moves the log onto the ref.
    let clone = lab.clone(&origin, "clone");
    let out = beast(&clone, ALICE, &["report"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("moved 6 event lines (6 new) from .beast/events/ onto refs/beast/history"),
        "{err}"
    );
    assert!(err.contains("git add -A .beast/events"), "{err}");
    let mut got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    got.as_object_mut().unwrap().remove("generated_at");
    // Which clone and commit made it: the same history, other places.
    got.as_object_mut().unwrap().remove("identity");
    assert_eq!(got, expected);
    let st = lab.git(&clone, &["status", "--porcelain"]);
    assert!(
        st.lines().all(|l| l.starts_with(" D .beast/events/")),
        "{st}"
    );
    // Pushed and the removal committed: a fresh clone sees it all.
    beast_ok(&clone, ALICE, &["sync", "--push", "-q"]);
    lab.commit_all(&clone, "beast: history on its own ref");
    lab.git(&clone, &["push", "-q", "origin", "main"]);
    let fresh = teammate(&lab, &origin, "fresh", BOB);
    assert!(!fresh.join(".beast/events").exists());
    assert_eq!(report(&fresh), expected);
    // A branch that still has the old files adds nothing twice.
    lab.git(&clone, &["checkout", "-q", "HEAD~1"]);
    assert_eq!(report(&clone), expected);
}

#[test]
fn sync_needs_a_project_with_a_remote() {
    let lab = Lab::new();
    let lone = lab.repo("lone");
    beast_ok(&lone, ALICE, &["metric", "latency", "210"]);
    let out = beast(&lone, ALICE, &["sync"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("has no remote"), "{err}");
    assert_eq!(err.lines().count(), 1);
    assert_eq!(lab.git(&lone, &["rev-list", "--count", "HEAD"]).trim(), "1");
    let out = beast(&lone, ALICE, &["sync", "--remote", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no remote \"nope\""),
        "{}",
        stderr(&out)
    );
    let elsewhere = lab.path("plain");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let out = beast(&elsewhere, ALICE, &["--db", "x.db", "sync"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("inside a repository with .beast/"));
}

/// A fixed sequence of pseudo-random numbers (SplitMix64), for kill points.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// `beast sync --push` in `root`, killed with SIGKILL — it and every git it
/// started — after `after` unless it ends first. The remote's side runs in
/// a session of its own, as a server would: only the clone's processes die.
/// Whether it was killed.
fn killed_sync(root: &Path, who: &str, after: std::time::Duration) -> bool {
    use std::os::unix::process::CommandExt;
    let mut child = Command::new(env!("CARGO_BIN_EXE_beast"))
        .env_clear()
        .env("BEAST_TODAY", common::lab::TODAY)
        .env("BEAST_AUTHOR", who)
        .env("HOME", root)
        .env("PATH", std::env::var_os("PATH").unwrap())
        .current_dir(root)
        .args(["sync", "--push", "-q"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    let began = std::time::Instant::now();
    while began.elapsed() < after {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::yield_now();
    }
    unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
    let _ = child.wait();
    true
}

#[test]
fn sync_killed_at_any_point_loses_and_doubles_nothing() {
    // BEAST_KILL_ROUNDS=1000 for a longer run.
    let rounds: u64 = std::env::var("BEAST_KILL_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let lab = Lab::new();
    let (alice, origin) = shared(&lab);
    // The remote's receiving end in its own session (see `killed_sync`).
    for (key, cmd) in [
        ("remote.origin.receivepack", "setsid git-receive-pack"),
        ("remote.origin.uploadpack", "setsid git-upload-pack"),
    ] {
        lab.git(&alice, &["config", key, cmd]);
    }
    let bob = teammate(&lab, &origin, "bob", BOB);
    let mut rng = Seeded(7);
    let mut values = Vec::new();
    let mut killed = 0;
    for round in 0..rounds {
        let v = format!("{}", 1000 + round);
        beast_ok(&alice, ALICE, &["metric", "latency", &v]);
        values.push(1000.0 + round as f64);
        // Anywhere from at once to about when a sync ends (50-150 ms).
        let after = std::time::Duration::from_micros(rng.next() % 120_000);
        killed += u64::from(killed_sync(&alice, ALICE, after));
        if round % 25 == 0 {
            // The remote moves on meanwhile: the next sync has to merge.
            beast_ok(&bob, BOB, &["dogfood", "test"]);
            beast_ok(&bob, BOB, &["sync", "--push", "-q"]);
        }
    }
    eprintln!("{killed} of {rounds} syncs killed");
    assert!(
        killed * 4 >= rounds,
        "most syncs finished before their kill"
    );
    beast_ok(&alice, ALICE, &["sync", "--push", "-q"]);
    beast_ok(&bob, BOB, &["sync", "-q"]);
    for root in [&alice, &bob] {
        let out = beast_ok(root, BOB, &["export"]);
        let mut got: Vec<f64> = out
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|e| e["kind"] == "reading" && e["metric"] == "latency")
            .map(|e| e["value"].as_f64().unwrap())
            .collect();
        got.sort_by(f64::total_cmp);
        assert_eq!(got, values, "every acknowledged reading, once");
    }
    // No line stands twice in any file of the published history.
    let files = lab.git(
        &origin,
        &["ls-tree", "-r", "--name-only", "refs/beast/history"],
    );
    for f in files.lines() {
        let text = lab.git(&origin, &["show", &format!("refs/beast/history:{f}")]);
        let mut lines: Vec<&str> = text.lines().collect();
        let n = lines.len();
        lines.sort_unstable();
        lines.dedup();
        assert_eq!(lines.len(), n, "{f} has a line twice");
    }
}

#[test]
fn after_a_sync_commands_run_no_git_process() {
    let lab = Lab::new();
    let (alice, _) = shared(&lab);
    beast_ok(&alice, ALICE, &["metric", "latency", "210"]);
    beast_ok(&alice, ALICE, &["sync", "--push", "-q"]);
    beast_ok(&alice, ALICE, &["status"]);
    // git is not on PATH: any git process would fail, and say so.
    let without_git = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_beast"))
            .env_clear()
            .env("BEAST_TODAY", common::lab::TODAY)
            .env("BEAST_AUTHOR", ALICE)
            .env("HOME", &alice)
            .env("PATH", lab.path("no-git-here"))
            .current_dir(&alice)
            .args(args)
            .output()
            .unwrap()
    };
    for args in [
        &["metric", "latency", "205"][..],
        &["status"],
        &["report"],
        &["check"],
    ] {
        let out = without_git(args);
        assert!(
            out.status.code() == Some(0) || (args[0] == "check" && out.status.code() == Some(5)),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(stderr(&out), "", "{args:?}");
    }
    assert_eq!(count(&alice, "latency"), 2);
}

#[test]
fn an_empty_in_tree_log_directory_is_removed_and_said() {
    let lab = Lab::new();
    let root = lab.repo("r");
    std::fs::create_dir_all(root.join(".beast/events")).unwrap();
    std::fs::write(root.join(".beast/events/.gitkeep"), "").unwrap();
    lab.commit_all(&root, "the old layout, no events yet");
    let out = beast(&root, ALICE, &["status"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("moved 0 event lines (0 new) from .beast/events/"),
        "{}",
        stderr(&out)
    );
    let st = lab.git(&root, &["status", "--porcelain"]);
    assert_eq!(st, " D .beast/events/.gitkeep\n");
    // Said once: the directory is gone.
    let out = beast(&root, ALICE, &["status"]);
    assert_eq!(stderr(&out), "");
}

#[test]
fn an_in_tree_log_file_that_cannot_be_read_is_left_where_it_is() {
    let lab = Lab::new();
    let root = lab.repo("r");
    beast_ok(&root, ALICE, &["metric", "latency", "210"]);
    let dir = root.join(".beast/events");
    std::fs::create_dir_all(&dir).unwrap();
    let line = std::fs::read_to_string(events_dir(&root).join("alice@example.com.jsonl")).unwrap();
    std::fs::write(dir.join("bob@example.com.jsonl"), line.replace(ALICE, BOB)).unwrap();
    // Past the size beast reads whole (1 GiB): sparse, so it costs nothing.
    let big = dir.join("carol@example.com.jsonl");
    std::fs::File::create(&big)
        .unwrap()
        .set_len((1 << 30) + 1)
        .unwrap();
    let out = beast(&root, ALICE, &["status"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(".beast/events/carol@example.com.jsonl cannot be read"),
        "{err}"
    );
    assert!(err.contains("moved 1 event lines (1 new)"), "{err}");
    assert!(big.exists(), "what was not read is not removed");
    assert!(!dir.join("bob@example.com.jsonl").exists());
}

#[test]
fn sync_works_on_a_detached_head_beside_a_stale_head_lock() {
    let lab = Lab::new();
    let (alice, origin) = shared(&lab);
    let bob = teammate(&lab, &origin, "bob", BOB);
    beast_ok(&alice, ALICE, &["metric", "latency", "210"]);
    beast_ok(&alice, ALICE, &["sync", "--push", "-q"]);
    // Bob's checkout is detached, and a git that crashed left HEAD.lock.
    let head = lab.git(&bob, &["rev-parse", "HEAD"]);
    lab.git(&bob, &["checkout", "-q", "--detach", head.trim()]);
    std::fs::write(bob.join(".git/HEAD.lock"), head.trim()).unwrap();
    beast_ok(&bob, BOB, &["metric", "latency", "220"]);
    let out = beast(&bob, BOB, &["sync", "--push"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("HEAD"), "{}", stderr(&out));
    // Neither the lock (git's, not beast's) nor HEAD was touched.
    assert!(bob.join(".git/HEAD.lock").exists());
    assert_eq!(lab.git(&bob, &["rev-parse", "HEAD"]), head);
    beast_ok(&alice, ALICE, &["sync", "-q"]);
    assert_eq!(count(&alice, "latency"), 2);
}
