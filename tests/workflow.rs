//! The GitHub Actions workflow the README shows (docs/ci/github-actions.yml)
//! runs as written: its shell steps, in order, in a depth-1 clone of a pull
//! request's branch (the default checkout), honouring each step's `if:` as
//! the runner does — a failed gate skips nothing marked `always()`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::lab::{beast_ok, Lab};
use yaml_rust2::{Yaml, YamlLoader};

/// The steps of the workflow's one job: (id, if, run) each.
fn steps() -> Vec<(String, Option<String>, Option<String>)> {
    let text = std::fs::read_to_string(common::repo_path("docs/ci/github-actions.yml")).unwrap();
    let doc = &YamlLoader::load_from_str(&text).unwrap()[0];
    let jobs = doc["jobs"].as_hash().unwrap();
    assert_eq!(jobs.len(), 1);
    let job = jobs.values().next().unwrap();
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

/// What the runner makes of the expressions this workflow uses.
fn condition(expr: Option<&str>, event: &str, failed: bool) -> bool {
    match expr.map(str::trim) {
        None => !failed,
        Some("always()") => true,
        Some("github.event_name == 'pull_request'") => !failed && event == "pull_request",
        Some("github.event_name != 'pull_request'") => !failed && event != "pull_request",
        Some(other) => panic!("the test does not know the expression {other:?}"),
    }
}

struct Run {
    /// (step, exit code) of the steps that ran.
    ran: Vec<(String, i32)>,
    summary: String,
    dir: PathBuf,
}

/// Runs the workflow's shell steps in `dir` as event `event` (base `main`).
/// Steps that install tools (`cargo install`) are skipped: the binary under
/// test is on PATH.
fn run_workflow(lab: &Lab, dir: &Path, event: &str) -> Run {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_beast")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let summary = lab.path(&format!("summary-{event}.md"));
    let mut failed = false;
    let mut ran = Vec::new();
    for (id, cond, run) in steps() {
        let Some(script) = run else { continue };
        if script.contains("cargo install") {
            continue;
        }
        if !condition(cond.as_deref(), event, failed) {
            continue;
        }
        let out = Command::new("sh")
            .args(["-e", "-c", &script])
            .current_dir(dir)
            .env_clear()
            .env("PATH", &path)
            .env("HOME", lab.dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("BEAST_TODAY", "2026-01-20")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", event)
            .env(
                "GITHUB_BASE_REF",
                if event == "pull_request" { "main" } else { "" },
            )
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
        ran.push((id, code));
    }
    Run {
        ran,
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

    fn report(&self) -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(self.dir.join("report.json")).unwrap())
            .unwrap()
    }
}

/// An origin with eight steady readings on main, and a pull-request branch
/// adding `newest`; returns the origin.
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
    lab.commit_all(&work, "readings");
    let origin = lab.bare(&work, "origin.git");
    lab.git(&work, &["checkout", "-q", "-b", "pr"]);
    beast_ok(
        &work,
        "ci@example.com",
        &["metric", "cacheHitRate", newest, "--source", "ci"],
    );
    lab.commit_all(&work, "the change");
    lab.git(&work, &["push", "-q", origin.to_str().unwrap(), "pr"]);
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
    let refs = Command::new("git")
        .args(["branch", "-r"])
        .current_dir(&to)
        .output()
        .unwrap();
    if branch != "main" {
        assert!(
            !String::from_utf8_lossy(&refs.stdout).contains("origin/main"),
            "like actions/checkout on a pull request, no origin/main"
        );
    }
    to
}

#[test]
fn a_regressing_pull_request_fails_the_gate_and_still_reports() {
    let lab = Lab::new();
    let origin = origin_with_branch(&lab, "30");
    let clone = shallow_clone(&lab, &origin, "pr", "checkout");
    let run = run_workflow(&lab, &clone, "pull_request");
    assert_eq!(run.code("Fetch the base branch"), Some(0), "{:?}", run.ran);
    assert_eq!(run.code("gate_pr"), Some(5), "{:?}", run.ran);
    assert_eq!(run.code("gate_push"), None, "the push gate is skipped");
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
}

#[test]
fn a_steady_pull_request_and_a_push_pass() {
    let lab = Lab::new();
    let origin = origin_with_branch(&lab, "40.3");
    let clone = shallow_clone(&lab, &origin, "pr", "checkout");
    let run = run_workflow(&lab, &clone, "pull_request");
    assert_eq!(run.code("gate_pr"), Some(0), "{:?}", run.ran);
    assert!(
        run.summary.contains("### beast check: passed"),
        "{}",
        run.summary
    );
    // A push to main: the default checkout of main, the push gate.
    let main = shallow_clone(&lab, &origin, "main", "main-checkout");
    let run = run_workflow(&lab, &main, "push");
    assert_eq!(run.code("Fetch the base branch"), None);
    assert_eq!(run.code("gate_push"), Some(0), "{:?}", run.ran);
    assert_eq!(run.code("Report"), Some(0), "{:?}", run.ran);
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
