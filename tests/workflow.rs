//! The GitHub Actions workflow the README shows (docs/ci/github-actions.yml)
//! runs as written: each job's steps in order — the beast action's own
//! steps (action.yml) with the job's inputs — in a depth-1 clone of the
//! branch (the default checkout), with no git identity and no cargo on
//! PATH, honouring each step's `if:` as the runner does (a failed gate skips
//! nothing marked `always()`), against a remote whose `main` is protected.
//! The action installs beast from an archive `scripts/dist` made of the
//! binary under test, served on 127.0.0.1.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::lab::{beast_ok, Lab};
use yaml_rust2::{Yaml, YamlLoader};

/// One step as the runner sees it.
#[derive(Debug, Clone)]
struct Step {
    name: String,
    cond: Option<String>,
    run: Option<String>,
    env: Vec<(String, String)>,
}

fn text(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(v) => Some(v.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn load(rel: &str) -> Yaml {
    let text = std::fs::read_to_string(common::repo_path(rel)).unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

/// The job that runs on `event`.
fn job(event: &str) -> Yaml {
    let doc = load("docs/ci/github-actions.yml");
    let wanted = format!("github.event_name == '{event}'");
    let jobs = doc["jobs"].as_hash().unwrap();
    let mut chosen = jobs
        .values()
        .filter(|j| j["if"].as_str() == Some(wanted.as_str()));
    let job = chosen.next().expect("a job for the event").clone();
    assert!(chosen.next().is_none(), "one job per event");
    job
}

/// `${{ inputs.x }}` and `${{ runner.x }}` in `text`, as the runner fills them.
fn fill(text: &str, inputs: &HashMap<String, String>, runner: &HashMap<&str, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("a closed expression") + start;
        let expr = rest[start + 3..end].trim();
        let value = if let Some(k) = expr.strip_prefix("inputs.") {
            inputs
                .get(k)
                .cloned()
                .unwrap_or_else(|| panic!("no input {k}"))
        } else if let Some(k) = expr.strip_prefix("runner.") {
            runner
                .get(k)
                .cloned()
                .unwrap_or_else(|| panic!("no runner.{k}"))
        } else {
            panic!("the test does not know ${{{{ {expr} }}}}")
        };
        out.push_str(&value);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The job's steps for `event`, the beast action's expanded with its
/// inputs (`with:`, then its defaults, then `extra`).
fn steps(event: &str, extra: &[(&str, &str)], runner: &HashMap<&str, String>) -> Vec<Step> {
    let action = load("action.yml");
    let mut out = Vec::new();
    for s in job(event)["steps"].as_vec().unwrap() {
        let uses = text(&s["uses"]).unwrap_or_default();
        if uses.starts_with("beast-roadmap/beast@") {
            let mut inputs: HashMap<String, String> = HashMap::new();
            for (k, v) in action["inputs"].as_hash().unwrap() {
                inputs.insert(
                    k.as_str().unwrap().into(),
                    text(&v["default"]).unwrap_or_default(),
                );
            }
            if let Some(with) = s["with"].as_hash() {
                for (k, v) in with {
                    let k = k.as_str().unwrap();
                    assert!(inputs.contains_key(k), "the action has no input {k}");
                    inputs.insert(k.into(), text(v).unwrap());
                }
            }
            for (k, v) in extra {
                inputs.insert((*k).into(), (*v).into());
            }
            for a in action["runs"]["steps"].as_vec().unwrap() {
                let env = a["env"]
                    .as_hash()
                    .map(|h| {
                        h.iter()
                            .map(|(k, v)| {
                                (
                                    k.as_str().unwrap().to_string(),
                                    fill(&text(v).unwrap(), &inputs, runner),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                out.push(Step {
                    name: text(&a["name"]).unwrap_or_default(),
                    cond: text(&a["if"]).map(|c| fill_condition(&c, &inputs)),
                    run: text(&a["run"]).map(|r| fill(&r, &inputs, runner)),
                    env,
                });
            }
            continue;
        }
        out.push(Step {
            name: text(&s["name"]).or(text(&s["uses"])).unwrap_or_default(),
            cond: text(&s["if"]),
            run: text(&s["run"]),
            env: Vec::new(),
        });
    }
    out
}

/// An action's `if:` with its inputs put in: `inputs.x == 'v'` becomes
/// `'value' == 'v'`.
fn fill_condition(cond: &str, inputs: &HashMap<String, String>) -> String {
    let mut c = cond.to_string();
    for (k, v) in inputs {
        c = c.replace(
            &format!("inputs.{k}"),
            &format!("'{}'", v.replace('\'', "''")),
        );
    }
    c
}

/// What each job may do to the repository, as its `permissions` say.
fn contents_permission(event: &str) -> String {
    job(event)["permissions"]["contents"]
        .as_str()
        .unwrap()
        .to_string()
}

/// What the runner makes of the expressions these steps use: `always()`,
/// `'a' == 'b'`, `'a' != 'b'`, `github.event_name == 'x'`, joined by `&&`.
fn condition(expr: Option<&str>, failed: bool, event: &str) -> bool {
    let Some(expr) = expr.map(str::trim) else {
        return !failed;
    };
    let mut always = false;
    let mut all = true;
    for term in expr.split("&&").map(str::trim) {
        if term == "always()" {
            always = true;
            continue;
        }
        let term = term.replace("github.event_name", &format!("'{event}'"));
        let (a, b, equal) = match (term.split_once("=="), term.split_once("!=")) {
            (Some((a, b)), _) => (a, b, true),
            (_, Some((a, b))) => (a, b, false),
            _ => panic!("the test does not know the expression {expr:?}"),
        };
        let unquote = |s: &str| s.trim().trim_matches('\'').replace("''", "'");
        all &= (unquote(a) == unquote(b)) == equal;
    }
    all && (always || !failed)
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
/// no HOME settings, no cargo or rustc on PATH — the action installs beast
/// from a release served on 127.0.0.1 (`scripts/dist` of the binary under
/// test), and what a step appends to `$GITHUB_PATH` is on the next steps'
/// PATH.
fn run_workflow(lab: &Lab, dir: &Path, event: &str) -> Run {
    let www = lab.path("release");
    if !www.exists() {
        common::release::dist(&www.join(format!("v{}", env!("CARGO_PKG_VERSION"))));
    }
    let port = common::release::serve(www);
    let url = format!("http://127.0.0.1:{port}");
    let summary = lab.path(&format!("summary-{event}.md"));
    let _ = std::fs::remove_file(&summary);
    let home = lab.path("runner-home");
    let temp = lab.path(&format!("runner-temp-{event}"));
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&temp).unwrap();
    let github_path = lab.path(&format!("github-path-{event}"));
    std::fs::write(&github_path, "").unwrap();
    let runner: HashMap<&str, String> = [
        ("temp", temp.display().to_string()),
        ("os", "Linux".to_string()),
        ("arch", "X64".to_string()),
    ]
    .into_iter()
    .collect();
    let mut failed = false;
    let mut ran = Vec::new();
    let mut stderr = String::new();
    for step in steps(event, &[("download-url", &url)], &runner) {
        let Some(script) = &step.run else { continue };
        if !condition(step.cond.as_deref(), failed, event) {
            continue;
        }
        let added: Vec<String> = std::fs::read_to_string(&github_path)
            .unwrap()
            .lines()
            .rev()
            .map(String::from)
            .collect();
        let mut path = added.join(":");
        if !path.is_empty() {
            path.push(':');
        }
        path.push_str("/usr/local/bin:/usr/bin:/bin");
        let out = Command::new("bash")
            .args(["-e", "-c", script])
            .current_dir(dir)
            .env_clear()
            .envs(step.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("PATH", &path)
            .env("HOME", &home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("BEAST_TODAY", "2026-01-20")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", event)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_PATH", &github_path)
            .env("GITHUB_ACTION_PATH", common::repo_path(""))
            .output()
            .unwrap();
        let code = out.status.code().unwrap_or(-1);
        if code != 0 {
            failed = true;
        }
        eprintln!(
            "step {}: exit {code}\n{}{}",
            step.name,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        stderr.push_str(&String::from_utf8_lossy(&out.stderr));
        ran.push((step.name.clone(), code));
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
        serde_json::from_str(&std::fs::read_to_string(self.dir.join("beast-report.json")).unwrap())
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
    assert_eq!(run.code("Install"), Some(0), "{:?}", run.ran);
    assert_eq!(run.code("Fetch"), Some(0), "{:?}", run.ran);
    assert_eq!(run.code("Measure"), Some(0), "{:?}", run.ran);
    assert_eq!(run.code("Gate"), Some(5), "{:?}", run.ran);
    // After the failed gate: the report, the summary and the artifact's file.
    assert_eq!(run.code("Report"), Some(0), "{:?}", run.ran);
    assert_eq!(
        run.code("Keep the readings"),
        None,
        "a pull request writes nothing"
    );
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
    assert_eq!(st, "?? beast-report.json\n");
}

#[test]
fn a_code_only_pull_request_passes_with_no_annotation_and_a_push_to_protected_main_keeps_its_reading(
) {
    let lab = Lab::new();
    // The change touches code only: the measurement reads as before.
    let origin = origin_with_branch(&lab, "40.3");
    let clone = shallow_clone(&lab, &origin, "pr", "checkout");
    let run = run_workflow(&lab, &clone, "pull_request");
    assert_eq!(run.code("Gate"), Some(0), "{:?}", run.ran);
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
    assert_eq!(run.code("Gate"), Some(0), "{:?}", run.ran);
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
fn the_actions_default_version_is_this_one_and_it_is_a_composite_action() {
    let action = load("action.yml");
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    assert_eq!(
        action["inputs"]["version"]["default"].as_str(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    let doc = std::fs::read_to_string(common::repo_path("docs/ci/github-actions.yml")).unwrap();
    assert!(doc.contains(&format!(
        "beast-roadmap/beast@v{}",
        env!("CARGO_PKG_VERSION")
    )));
    // The release workflow builds on each target's runner and publishes.
    let release = load(".github/workflows/release.yml");
    let builds = release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_vec()
        .unwrap()
        .len();
    assert_eq!(builds, 4);
    let run = release["jobs"]["build"]["steps"][2]["run"]
        .as_str()
        .unwrap();
    assert_eq!(run, "bash scripts/dist dist");
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
