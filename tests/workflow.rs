//! The GitHub Actions workflow the README shows (docs/ci/github-actions.yml)
//! runs as written: each job's shell steps, in order, in a depth-1 clone of
//! the branch (the default checkout), with no git identity, honouring each
//! step's `if:` as the runner does — a failed gate skips nothing marked
//! `always()` — against a remote whose `main` is protected.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::lab::{beast_ok, Lab};
use yaml_rust2::{Yaml, YamlLoader};

/// The job that runs on `event`: its steps, (id, if, run) each.
fn steps(event: &str) -> Vec<(String, Option<String>, Option<String>)> {
    let text = std::fs::read_to_string(common::repo_path("docs/ci/github-actions.yml")).unwrap();
    let doc = &YamlLoader::load_from_str(&text).unwrap()[0];
    let jobs = doc["jobs"].as_hash().unwrap();
    let wanted = format!("github.event_name == '{event}'");
    let mut chosen = jobs
        .values()
        .filter(|j| j["if"].as_str() == Some(wanted.as_str()));
    let job = chosen.next().expect("a job for the event");
    assert!(chosen.next().is_none(), "one job per event");
    job["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|s| {
            let text = |k: &str| match &s[k] {
                Yaml::String(v) => Some(v.clone()),
                _ => None,
            };
            (
                text("id")
                    .or(text("name"))
                    .or(text("uses"))
                    .unwrap_or_default(),
                text("if"),
                text("run"),
            )
        })
        .collect()
}

/// What each job may do to the repository, as its `permissions` say.
fn contents_permission(event: &str) -> String {
    let text = std::fs::read_to_string(common::repo_path("docs/ci/github-actions.yml")).unwrap();
    let doc = &YamlLoader::load_from_str(&text).unwrap()[0];
    let wanted = format!("github.event_name == '{event}'");
    let job = doc["jobs"]
        .as_hash()
        .unwrap()
        .values()
        .find(|j| j["if"].as_str() == Some(wanted.as_str()))
        .unwrap()
        .clone();
    job["permissions"]["contents"].as_str().unwrap().to_string()
}

/// What the runner makes of the expressions this workflow's steps use.
fn condition(expr: Option<&str>, failed: bool) -> bool {
    match expr.map(str::trim) {
        None => !failed,
        Some("always()") => true,
        Some(other) => panic!("the test does not know the expression {other:?}"),
    }
}

struct Run {
    /// (step, exit code) of the steps that ran.
    ran: Vec<(String, i32)>,
    /// What the steps wrote on stderr (where annotations go).
    stderr: String,
    summary: String,
    dir: PathBuf,
}

/// Runs the job for `event` in `dir`, as a runner would: no git identity,
/// no HOME settings. Steps that install tools (`cargo install`) are
/// skipped: the binary under test is on PATH.
fn run_workflow(lab: &Lab, dir: &Path, event: &str) -> Run {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_beast")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let summary = lab.path(&format!("summary-{event}.md"));
    let _ = std::fs::remove_file(&summary);
    let home = lab.path("runner-home");
    std::fs::create_dir_all(&home).unwrap();
    let mut failed = false;
    let mut ran = Vec::new();
    let mut stderr = String::new();
    for (id, cond, run) in steps(event) {
        let Some(script) = run else { continue };
        if script.contains("cargo install") {
            continue;
        }
        if !condition(cond.as_deref(), failed) {
            continue;
        }
        let out = Command::new("sh")
            .args(["-e", "-c", &script])
            .current_dir(dir)
            .env_clear()
            .env("PATH", &path)
            .env("HOME", &home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("BEAST_TODAY", "2026-01-20")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", event)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .output()
            .unwrap();
        let code = out.status.code().unwrap_or(-1);
        if code != 0 {
            failed = true;
        }
        eprintln!(
            "step {id}: exit {code}\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        stderr.push_str(&String::from_utf8_lossy(&out.stderr));
        ran.push((id, code));
    }
    Run {
        ran,
        stderr,
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
        dir: dir.to_path_buf(),
    }
}

impl Run {
    fn code(&self, step: &str) -> Option<i32> {
        self.ran
            .iter()
            .find(|(s, _)| s.contains(step))
            .map(|(_, c)| *c)
    }

    /// The GitHub annotations the steps wrote.
    fn annotations(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("::error") || l.starts_with("::warning"))
            .collect()
    }

    fn report(&self) -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(self.dir.join("report.json")).unwrap())
            .unwrap()
    }
}

/// An origin whose history has eight steady CI readings, whose `main` is
/// protected, and a pull-request branch whose measurement prints `newest`.
fn origin_with_branch(lab: &Lab, newest: &str) -> PathBuf {
    let work = lab.repo("work");
    for (i, v) in ["40", "40.5", "39.6", "40.2", "39.8", "40.6", "39.5", "40.1"]
        .iter()
        .enumerate()
    {
        let at = format!("2026-01-{:02}", i + 1);
        beast_ok(
            &work,
            "ci@example.com",
            &["metric", "cacheHitRate", v, "--at", &at, "--source", "ci"],
        );
    }
    std::fs::create_dir_all(work.join("scripts")).unwrap();
    std::fs::write(work.join("scripts/cache-hit-rate"), "echo 40.4\n").unwrap();
    lab.commit_all(&work, "the measurement");
    let origin = lab.remote(&work, "origin.git");
    lab.git(&work, &["checkout", "-q", "-b", "pr"]);
    std::fs::write(
        work.join("scripts/cache-hit-rate"),
        format!("echo {newest}\n"),
    )
    .unwrap();
    lab.commit_all(&work, "the change");
    lab.git(&work, &["push", "-q", "origin", "pr"]);
    lab.protect_main(&origin);
    origin
}

/// The default checkout: one commit of `branch`, no other refs.
fn shallow_clone(lab: &Lab, origin: &Path, branch: &str, name: &str) -> PathBuf {
    let to = lab.path(name);
    let url = format!("file://{}", origin.display());
    lab.git(
        lab.dir.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--branch",
            branch,
            &url,
            to.to_str().unwrap(),
        ],
    );
    to
}

fn history_on(lab: &Lab, origin: &Path) -> String {
    lab.git(origin, &["rev-parse", "refs/beast/history"])
}

#[test]
fn a_regressing_pull_request_fails_the_gate_still_reports_and_writes_nothing() {
    let lab = Lab::new();
    let origin = origin_with_branch(&lab, "30");
    let before = history_on(&lab, &origin);
    let clone = shallow_clone(&lab, &origin, "pr", "checkout");
    assert_eq!(contents_permission("pull_request"), "read");
    let run = run_workflow(&lab, &clone, "pull_request");
    assert_eq!(run.code("Fetch"), Some(0), "{:?}", run.ran);
    assert_eq!(run.code("Measure"), Some(0), "{:?}", run.ran);
    assert_eq!(run.code("gate"), Some(5), "{:?}", run.ran);
    // After the failed gate: the report, the summary and the artifact's file.
    assert_eq!(run.code("Report"), Some(0), "{:?}", run.ran);
    assert_eq!(run.code("Job summary"), Some(0), "{:?}", run.ran);
    assert_eq!(run.report()["history"]["mode"], "project");
    assert!(
        run.summary.contains("### beast check: failed"),
        "{}",
        run.summary
    );
    assert!(
        run.summary
            .contains("| ❌ failed | regression | cacheHitRate[ci] |"),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains("# BEAST MODE roadmap — 2026-01-20"),
        "{}",
        run.summary
    );
    // The annotation speaks of the regression alone; the roadmap's
    // state on the base (overdue tasks on January 20) is inherited.
    let notes = run.annotations();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].starts_with("::error title=beast check%3A regression cacheHitRate[ci]::30%25 (2026-01-20T12:00:00Z) is below the bound"),
        "{notes:?}"
    );
    assert_eq!(
        history_on(&lab, &origin),
        before,
        "a pull request writes nothing"
    );
    let st = lab.git(&clone, &["status", "--porcelain"]);
    assert_eq!(st, "?? report.json\n");
}

#[test]
fn a_code_only_pull_request_passes_with_no_annotation_and_a_push_to_protected_main_keeps_its_reading(
) {
    let lab = Lab::new();
    // The change touches code only: the measurement reads as before.
    let origin = origin_with_branch(&lab, "40.3");
    let clone = shallow_clone(&lab, &origin, "pr", "checkout");
    let run = run_workflow(&lab, &clone, "pull_request");
    assert_eq!(run.code("gate"), Some(0), "{:?}", run.ran);
    assert_eq!(run.annotations(), Vec::<&str>::new(), "{}", run.stderr);
    assert!(
        run.summary.contains("### beast check: passed"),
        "{}",
        run.summary
    );
    // What the base already had — overdue tasks, the month's pace, behind
    // its target — is in the summary, folded away under "inherited".
    let inherited = run
        .summary
        .split("<details><summary>Inherited from the base")
        .nth(1)
        .expect("an inherited section");
    assert!(
        inherited.contains("| ⚠️ warning | overdue | month 1 |"),
        "{}",
        run.summary
    );
    let own = run.summary.split("<details>").next().unwrap();
    assert!(!own.contains("overdue"), "{own}");
    // A push to main: the default checkout of main; the job records its
    // reading and pushes the history while main itself is protected.
    assert_eq!(contents_permission("push"), "write");
    let main_before = lab.git(&origin, &["rev-parse", "main"]);
    let main = shallow_clone(&lab, &origin, "main", "main-checkout");
    let run = run_workflow(&lab, &main, "push");
    assert_eq!(run.code("gate"), Some(0), "{:?}", run.ran);
    assert_eq!(run.code("Keep the readings"), Some(0), "{:?}", run.ran);
    assert_eq!(run.code("Report"), Some(0), "{:?}", run.ran);
    assert_eq!(lab.git(&origin, &["rev-parse", "main"]), main_before);
    // The next job, anywhere, judges against a series that has it.
    let fresh = lab.clone(&origin, "fresh");
    beast_ok(&fresh, "dev@example.com", &["sync", "-q"]);
    let r = common::lab::report(&fresh);
    let m = common::metric(&r, "cacheHitRate");
    assert_eq!(m["count"], 9);
    assert_eq!(m["latest"]["value"], 40.4);
    // The push job judges each newest reading against the ones before.
    assert!(
        run.summary
            .contains("| ✅ ok | regression | cacheHitRate[ci] |"),
        "{}",
        run.summary
    );
    assert_eq!(m["latest"]["source"], "ci");
}

#[test]
fn the_readme_shows_the_workflow_as_it_is() {
    let readme = std::fs::read_to_string(common::repo_path("README.md")).unwrap();
    let file = std::fs::read_to_string(common::repo_path("docs/ci/github-actions.yml")).unwrap();
    assert!(
        readme.contains(&format!("```yaml\n{file}```")),
        "README.md's workflow differs from docs/ci/github-actions.yml"
    );
}
