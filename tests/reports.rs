//! Where teams look, through the binary: the CI gate's rules and exit codes,
//! the report formats (OpenMetrics checked by Prometheus' own parser), the
//! published JSON Schema, job summaries and `--json` on every command.

mod common;

use std::process::Command;

use common::{metric, repo_path, Env};
use serde_json::Value;

/// `beast check ARGS` → (exit code, stdout, stderr).
fn check(env: &Env, args: &[&str]) -> (i32, String, String) {
    let out = env.cmd().arg("check").args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn check_passes_when_everything_holds() {
    let env = Env::on("2026-01-08");
    env.ok(&["metric", "cacheHitRate", "30"]);
    env.ok(&["metric", "cacheHitRate", "36"]);
    env.ok(&["complete", "1", "1", "Fix failed request tracking"]);
    env.ok(&["complete", "1", "1", "Enhanced error context"]);
    let (code, out, err) = check(&env, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("0 failed"), "{out}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn each_rule_fails_with_exit_5_and_one_line_per_failure() {
    let env = Env::on("2026-01-20");
    env.ok(&["metric", "cacheHitRate", "30"]);
    env.ok(&["metric", "cacheHitRate", "25"]);
    // behind: 25% against a paced 33.75%.
    let (code, _, err) = check(&env, &["--rules", "behind"]);
    assert_eq!(code, 5);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with("check failed: behind cacheHitRate: 25% is behind"),
        "{err}"
    );
    assert_eq!(lines[1], "error: 1 of 1 checks failed");
    // regression: 16.7% worse than the previous reading.
    let (code, _, err) = check(&env, &["--rules", "regression"]);
    assert_eq!(code, 5);
    assert!(
        err.contains("25% is 16.7% worse than 30% (the previous reading)"),
        "{err}"
    );
    // … unless the threshold allows it, globally or for the metric.
    assert_eq!(
        check(&env, &["--rules", "regression", "--threshold", "20"]).0,
        0
    );
    assert_eq!(
        check(
            &env,
            &[
                "--rules",
                "regression",
                "--metric-threshold",
                "cache_hit_rate=17"
            ]
        )
        .0,
        0
    );
    // The direction counts: latency going down is no regression.
    env.ok(&["metric", "latency", "400"]);
    env.ok(&["metric", "latency", "300"]);
    let (_, out, _) = check(&env, &["--rules", "regression", "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let latency = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["subject"] == "latency")
        .unwrap()
        .clone();
    assert_eq!(latency["ok"], true);
    // pace: nothing of month 1 done with 61% of it gone.
    let (code, _, err) = check(&env, &["--rules", "pace"]);
    assert_eq!(code, 5);
    assert!(
        err.contains("pace month 1: 0/6 tasks done (0%) with 61% of the month gone"),
        "{err}"
    );
    for task in [
        "Fix failed request tracking",
        "Enhanced error context",
        "Real-time monitoring dashboard",
        "Semantic cache matching",
    ] {
        env.ok(&["complete", "1", "3", task]);
    }
    assert_eq!(check(&env, &["--rules", "pace"]).0, 0);
}

#[test]
fn check_since_a_date_compares_with_the_value_then() {
    let env = Env::on("2026-01-20");
    env.ok(&["metric", "latency", "300", "--at", "2026-01-05"]);
    env.ok(&["metric", "latency", "330", "--at", "2026-01-12"]);
    env.ok(&["metric", "latency", "320"]);
    // Against the previous reading it improved; against Jan 5 it is 6.7% worse.
    assert_eq!(check(&env, &["--rules", "regression"]).0, 0);
    let (code, _, err) = check(&env, &["--rules", "regression", "--since", "2026-01-05"]);
    assert_eq!(code, 5);
    assert!(
        err.contains("6.67% worse than 300 ms (as of 2026-01-05)"),
        "{err}"
    );
}

#[test]
fn check_formats_and_bad_flags() {
    let env = Env::on("2026-01-20");
    env.ok(&["metric", "cacheHitRate", "20"]);
    let (code, out, _) = check(&env, &["--format", "markdown"]);
    assert_eq!(code, 5);
    assert!(out.starts_with("### beast check: failed"), "{out}");
    assert!(
        out.contains("| behind | cacheHitRate | ❌ failed |"),
        "{out}"
    );
    let e = env.fails(&["check", "--rules", "speed"], 1);
    assert!(e.contains("unknown rule \"speed\""), "{e}");
    let e = env.fails(&["check", "--metric-threshold", "latency"], 1);
    assert!(e.contains("must be NAME=PCT"), "{e}");
    env.fails(&["check", "--metric-threshold", "nosuch=3"], 1);
    let e = env.fails(&["check", "--since", "not-a-date"], 1);
    assert!(e.contains("a git revision works only in a project"), "{e}");
}

fn git(dir: &std::path::Path, args: &[&str]) {
    let ok = Command::new("git")
        .args([
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.com",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[test]
fn check_since_a_git_revision_reads_the_log_at_that_revision_and_config_sets_rules() {
    let env = Env::on("2026-01-20");
    let root = env.dir.path().join("repo");
    std::fs::create_dir_all(&root).unwrap();
    git(&root, &["init", "-q"]);
    let run = |args: &[&str]| {
        env.cmd()
            .env_remove("BEAST_DB")
            .env("BEAST_AUTHOR", "alice@example.com")
            .current_dir(&root)
            .args(args)
            .output()
            .unwrap()
    };
    assert!(run(&["init"]).status.success());
    assert!(run(&["metric", "cacheHitRate", "40"]).status.success());
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-qm", "one"]);
    git(&root, &["tag", "before"]);
    assert!(run(&["metric", "cacheHitRate", "38"]).status.success());
    assert!(run(&["metric", "cacheHitRate", "39"]).status.success());
    // Against the previous reading 39 is better; against "before" it is 2.5% worse.
    let out = run(&[
        "check",
        "--rules",
        "regression",
        "--threshold",
        "2",
        "--since",
        "before",
    ]);
    assert_eq!(out.status.code(), Some(5));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("39% is 2.5% worse than 40% (at before)"),
        "{err}"
    );
    let out = run(&["check", "--since", "no-such-rev"]);
    assert_eq!(out.status.code(), Some(1));
    // [check] in config.toml picks the rules and thresholds.
    std::fs::write(
        root.join(".beast/config.toml"),
        "[check]\nrules = [\"regression\"]\nthreshold = 1.0\n[check.thresholds]\ncacheHitRate = 3.0\n",
    )
    .unwrap();
    let out = run(&["check", "--since", "before", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rules"], serde_json::json!(["regression"]));
}

#[test]
fn openmetrics_is_accepted_by_the_prometheus_parser_and_written_atomically() {
    let env = Env::on("2026-01-20");
    env.ok(&["metric", "cacheHitRate", "30", "--source", "grafana"]);
    env.ok(&["metric", "latency", "250"]);
    env.ok(&["complete", "1", "1", "Fix failed request tracking"]);
    env.ok(&["dogfood", "test"]);
    let path = env.dir.path().join("beast.prom");
    env.ok(&[
        "report",
        "--format",
        "openmetrics",
        "-o",
        path.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.ends_with("# EOF\n"));
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left behind");
    // Prometheus' own parser (the prometheus_client package), when installed;
    // CI installs it and sets BEAST_REQUIRE_PROMETHEUS_PARSER so it cannot be skipped.
    let script = "import sys\nfrom prometheus_client.openmetrics.parser import text_string_to_metric_families as p\nfams = list(p(sys.stdin.read()))\nprint(len(fams), sum(len(f.samples) for f in fams))";
    let out = Command::new("python3")
        .args(["-c", script])
        .stdin(std::fs::File::open(&path).unwrap())
        .output();
    let required = std::env::var_os("BEAST_REQUIRE_PROMETHEUS_PARSER").is_some();
    match out {
        Ok(o) if o.status.success() => {
            let counts = String::from_utf8_lossy(&o.stdout);
            assert!(counts.starts_with("12 "), "{counts}");
        }
        Ok(o) if String::from_utf8_lossy(&o.stderr).contains("No module named") && !required => {
            eprintln!("prometheus_client is not installed; the OpenMetrics text was checked by the unit tests only");
        }
        Ok(o) => panic!(
            "the Prometheus parser rejected the output: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) if !required => eprintln!("python3 is not available ({e}); parser check skipped"),
        Err(e) => panic!("python3: {e}"),
    }
}

#[test]
fn the_published_schema_is_current_and_real_reports_validate() {
    let env = Env::on("2026-01-20");
    let generated = env.ok(&["report", "--schema"]);
    let file = std::fs::read_to_string(repo_path("schema/report.schema.json"))
        .expect("schema/report.schema.json");
    assert!(
        generated == file,
        "schema/report.schema.json is out of date; regenerate with: cargo run -- report --schema > schema/report.schema.json"
    );
    let schema: Value = serde_json::from_str(&generated).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let empty = env.report();
    assert!(validator.is_valid(&empty));
    env.ok(&["bench", "routing"]);
    env.ok(&["complete", "1", "3", "Cache warming"]);
    env.ok(&["complete", "2", "1", "Hotfix", "--adhoc"]);
    let full = env.report();
    let errors: Vec<String> = validator
        .iter_errors(&full)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn summary_appends_to_the_job_summary() {
    let env = Env::on("2026-01-20");
    let summary = env.dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = env
        .cmd()
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["report", "--summary"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.starts_with("earlier step\n"));
    assert!(text.contains("# BEAST MODE roadmap — 2026-01-20"));
    let e = env.fails(&["report", "--summary"], 1);
    assert!(e.contains("GITHUB_STEP_SUMMARY"), "{e}");
}

#[test]
fn every_command_speaks_json() {
    let env = Env::on("2026-01-20");
    let j = |args: &[&str]| -> Value { serde_json::from_str(&env.ok(args)).unwrap() };
    let c = j(&[
        "complete",
        "1",
        "1",
        "Fix failed request tracking",
        "--json",
    ]);
    assert_eq!(c["outcome"], "completed");
    assert_eq!(c["month_progress"]["completed"], 1);
    assert_eq!(
        j(&[
            "complete",
            "1",
            "1",
            "Fix failed request tracking",
            "--json"
        ])["outcome"],
        "already_done"
    );
    let m = j(&["metric", "latency", "250", "--json"]);
    assert_eq!(
        (m["metric"].clone(), m["value"].clone(), m["count"].clone()),
        ("latency".into(), 250.0.into(), 1.into())
    );
    assert_eq!(m["verdict"], "on_track");
    let h = j(&["metric", "latency", "--json"]);
    assert_eq!(h["readings"][0]["value"], 250.0);
    assert_eq!(h["readings"][0]["id"], m["id"]);
    let cat = j(&["metric", "--json"]);
    assert_eq!(cat["metrics"].as_array().unwrap().len(), 16);
    let d = j(&["dogfood", "test", "--json"]);
    assert_eq!(d["counts"]["generated"], 1);
    assert_eq!(d["verdict"], "met");
    assert_eq!(
        j(&["dogfood", "--json"])["dogfood"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    let rm = j(&["roadmap", "--month", "1", "--json"]);
    let tasks = &rm["years"][0]["quarters"][0]["months"][0]["blocks"][0]["tasks"];
    assert_eq!(tasks[0]["done"], true);
    assert_eq!(j(&["roadmap", "check", "--json"])["tasks"], 184);
    env.ok(&["bench", "routing"]);
    assert_eq!(
        j(&["bench", "runs", "--json"])["runs"][0]["kind"],
        "routing"
    );
    // Quiet writes print nothing; the record is there.
    assert_eq!(env.ok(&["metric", "latency", "240", "-q"]), "");
    assert_eq!(metric(&env.report(), "latency")["count"], 2);
}

#[test]
fn an_unknown_flag_after_a_metric_name_is_a_usage_error() {
    let env = Env::new();
    let e = env.fails(&["metric", "latency", "--bogus"], 2);
    assert!(e.contains("unexpected argument '--bogus'"), "{e}");
    env.fails(&["metric", "latency", "-5"], 1);
}
