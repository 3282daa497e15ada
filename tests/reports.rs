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

/// Readings of `metric` on January 1, 2, … (one a day), from `source`.
fn series(env: &Env, metric: &str, source: &str, values: &[f64]) {
    for (i, v) in values.iter().enumerate() {
        let at = format!("2026-01-{:02}", i + 1);
        env.ok(&[
            "metric",
            metric,
            &v.to_string(),
            "--at",
            &at,
            "--source",
            source,
        ]);
    }
}

/// A noisy but steady series: 40 ± 0.6.
const STEADY: [f64; 8] = [40.0, 40.5, 39.6, 40.2, 39.8, 40.6, 39.5, 40.1];

#[test]
fn check_passes_when_everything_holds() {
    let env = Env::on("2026-01-08");
    series(&env, "cacheHitRate", "ci", &STEADY);
    env.ok(&["complete", "1", "1", "Fix failed request tracking"]);
    env.ok(&["complete", "1", "1", "Enhanced error context"]);
    let (code, out, err) = check(&env, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("0 failed"), "{out}");
    assert!(
        out.contains(
            "ok   regression cacheHitRate[ci]: 40.1% (2026-01-08T12:00:00Z) is within the bound"
        ),
        "{out}"
    );
    assert!(err.is_empty(), "{err}");
}

#[test]
fn an_empty_history_early_in_the_month_passes() {
    let env = Env::on("2026-01-02");
    let (code, out, err) = check(&env, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("ok   overdue roadmap: no planned task is overdue"),
        "{out}"
    );
}

#[test]
fn only_a_regression_fails_by_default_and_the_rest_warn() {
    let env = Env::on("2026-01-20");
    let mut values = STEADY.to_vec();
    // One reading far off warns; the next confirms it.
    values.push(30.0);
    series(&env, "cacheHitRate", "ci", &values);
    let (code, out, err) = check(&env, &["--rules", "regression"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(
            "warn regression cacheHitRate[ci]: 30% (2026-01-09T12:00:00Z) is below the warn bound"
        ),
        "{out}"
    );
    assert!(
        out.contains("it fails if the next is under it too"),
        "{out}"
    );
    env.ok(&[
        "metric",
        "cacheHitRate",
        "31",
        "--at",
        "2026-01-10",
        "--source",
        "ci",
    ]);
    // Another source's reading is its own series: never compared with ci's.
    env.ok(&["metric", "cacheHitRate", "48", "--source", "grafana"]);
    let (code, out, err) = check(&env, &[]);
    assert_eq!(code, 5, "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    // Failures first, then warnings, then the rest.
    assert!(
        lines[1].starts_with(
            "FAIL regression cacheHitRate[ci]: 31% (2026-01-10T12:00:00Z) is below the bound"
        ),
        "{out}"
    );
    assert!(
        lines[1].contains(
            "worse than the median 40% of its last 9 readings, and the last 2 readings in a row are under it: a regression"
        ),
        "{out}"
    );
    assert!(lines[2].starts_with("warn "), "{out}");
    assert!(out.contains("warn overdue month 1: 3 open past due: \"Fix failed request tracking\" (due 2026-01-17)"), "{out}");
    assert!(
        out.contains("ok   behind cacheHitRate: 48% (grafana) is"),
        "{out}"
    );
    assert!(out.contains("warn pace month 1: 0/6 tasks done"), "{out}");
    assert!(
        out.contains(
            "ok   target_unmet completions: no done task's measured reading misses its acceptance"
        ),
        "{out}"
    );
    assert!(out.contains("n/a  regression cacheHitRate[grafana]: 48% (2026-01-20T12:00:00Z): too few readings to judge (fewer than 5 since the series last changed level)"), "{out}");
    assert_eq!(
        err.lines().last(),
        Some("error: 1 of 7 checks failed (failing on: regression)"),
        "{err}"
    );
    // What a job asks to fail on fails.
    let (code, _, err) = check(&env, &["--rules", "overdue,pace", "--fail-on", "overdue"]);
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains("1 of 2 checks failed (failing on: overdue)"),
        "{err}"
    );
    assert_eq!(check(&env, &["--rules", "behind,pace,overdue"]).0, 0);
    assert_eq!(
        check(&env, &["--rules", "pace", "--fail-on", "pace,behind"]).0,
        5
    );
    // A larger minimum change lets the drop pass.
    assert_eq!(
        check(&env, &["--rules", "regression", "--min-change", "30"]).0,
        0
    );
    assert_eq!(
        check(
            &env,
            &[
                "--rules",
                "regression",
                "--metric-min-change",
                "cache_hit_rate=30"
            ]
        )
        .0,
        0
    );
    // Too few readings for the window's minimum: no verdict, no failure.
    assert_eq!(
        check(&env, &["--rules", "regression", "--min-samples", "10"]).0,
        0
    );
}

#[test]
fn the_direction_and_the_minimum_change_count() {
    let env = Env::on("2026-01-20");
    // Latency falling is no regression.
    let mut latency: Vec<f64> = STEADY.iter().map(|v| v * 10.0).collect();
    latency.extend([250.0, 240.0]);
    series(&env, "latency", "ci", &latency);
    // A flat series and a 1% wiggle: beyond its bound, but below 2%.
    let mut flat = vec![50.0; 8];
    flat.extend([49.5, 49.5]);
    series(&env, "cacheHitRate", "ci", &flat);
    let (code, out, err) = check(&env, &["--rules", "regression"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        check(&env, &["--rules", "regression", "--min-change", "0.5"]).0,
        5
    );
}

#[test]
fn check_since_a_date_judges_what_came_after_against_the_series_then() {
    let env = Env::on("2026-01-20");
    let mut values: Vec<f64> = STEADY.iter().map(|v| v * 8.0).collect();
    values.extend([360.0, 365.0]);
    series(&env, "latency", "ci", &values);
    // Against the readings before them, two readings of 360 ms and more
    // are a regression; as of January 10 nothing came after, and a
    // series with nothing new is not mentioned.
    assert_eq!(check(&env, &["--rules", "regression"]).0, 5);
    let (code, out, _) = check(&env, &["--rules", "regression", "--since", "2026-01-10"]);
    assert_eq!(code, 0);
    assert!(!out.contains("latency[ci]"), "{out}");
    // Since January 9: one reading, judged against the nine before it —
    // a warning, which a second reading would confirm.
    let (code, out, _) = check(&env, &["--rules", "regression", "--since", "2026-01-09"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("warn regression latency[ci]: 365 ms"), "{out}");
    let (code, out, err) = check(&env, &["--rules", "regression", "--since", "2026-01-08"]);
    assert_eq!(code, 5, "{out}{err}");
}

#[test]
fn check_formats_annotations_summary_and_bad_flags() {
    let env = Env::on("2026-01-20");
    let mut values = STEADY.to_vec();
    values.extend([30.0, 30.5]);
    series(&env, "cacheHitRate", "ci", &values);
    let (code, out, _) = check(&env, &["--format", "markdown"]);
    assert_eq!(code, 5);
    assert!(out.starts_with("### beast check: failed"), "{out}");
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("| ")).collect();
    assert!(
        rows[1].starts_with("| ❌ failed | regression | cacheHitRate[ci] |"),
        "{out}"
    );
    assert!(rows[2].starts_with("| ⚠️ warning |"), "{out}");
    // Under GitHub Actions: annotations, and the summary appended.
    let summary = env.dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = env
        .cmd()
        .args(["check"])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("::error title=beast check%3A regression cacheHitRate[ci]::30.5%25 (2026-01-10T12:00:00Z) is below"),
        "{err}"
    );
    assert!(
        err.contains("::warning title=beast check%3A overdue month 1::"),
        "{err}"
    );
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(
        written.starts_with("earlier step\n### beast check: failed"),
        "{written}"
    );
    let e = env.fails(&["check", "--rules", "speed"], 1);
    assert!(e.contains("unknown rule \"speed\""), "{e}");
    let e = env.fails(&["check", "--metric-min-change", "latency"], 1);
    assert!(e.contains("must be NAME=PCT"), "{e}");
    env.fails(&["check", "--metric-min-change", "nosuch=3"], 1);
    let e = env.fails(&["check", "--boundary", "2"], 1);
    assert!(e.contains("boundary 2 must be"), "{e}");
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
fn check_since_a_revision_of_the_history_reads_it_as_it_was_then_and_config_sets_rules() {
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
    for (i, v) in STEADY.iter().enumerate() {
        let at = format!("2026-01-{:02}", i + 1);
        let out = run(&["metric", "cacheHitRate", &v.to_string(), "--at", &at]);
        assert!(out.status.success());
    }
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-qm", "one"]);
    let origin = env.dir.path().join("origin.git");
    git(
        env.dir.path(),
        &["init", "-q", "--bare", origin.to_str().unwrap()],
    );
    git(
        &root,
        &["remote", "add", "origin", origin.to_str().unwrap()],
    );
    assert!(run(&["sync", "--push", "-q"]).status.success());
    git(&root, &["tag", "before", "refs/beast/history"]);
    assert!(run(&["metric", "cacheHitRate", "37"]).status.success());
    assert!(run(&["metric", "cacheHitRate", "37.2"]).status.success());
    // 37% and 37.2% against the series at "before" (the history as last
    // shared): a regression.
    let out = run(&["check", "--rules", "regression", "--since", "before"]);
    assert_eq!(out.status.code(), Some(5));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "FAIL regression cacheHitRate[manual]: 37.2% (2026-01-20T12:00:00Z) is below the bound"
        ),
        "{stdout}"
    );
    // A revision the clone does not have: exit 4, and how to fetch it.
    let out = run(&["check", "--since", "no-such-rev"]);
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`beast sync` fetches the history"), "{err}");
    // [check] in config.toml picks the rules and the minimum change.
    std::fs::write(
        root.join(".beast/config.toml"),
        "[check]\nrules = [\"regression\"]\nthreshold = 1.0\n[check.thresholds]\ncacheHitRate = 10.0\n",
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
    assert_eq!(v["fail_on"], serde_json::json!(["regression"]));
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
            // The parser sees every family and sample the text declares.
            let counts = String::from_utf8_lossy(&o.stdout);
            let families = text.lines().filter(|l| l.starts_with("# TYPE ")).count();
            let samples = text.lines().filter(|l| !l.starts_with('#')).count();
            assert_eq!(counts.trim(), format!("{families} {samples}"));
            assert!(families >= 20, "{families} families");
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
    assert_eq!(cat["metrics"].as_array().unwrap().len(), 17);
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

    // The history, corrections and imports speak it too; report --json is
    // the default report.
    let log = j(&["log", "--json", "--limit", "3"]);
    let newest = &log["events"][0];
    assert_eq!(newest["kind"], "reading");
    assert_eq!(newest["state"], "counts");
    assert_eq!(newest["event"]["value"], 240.0);
    let undone = j(&["undo", "--json"]);
    assert_eq!(undone["outcome"], "retracted");
    assert_eq!(undone["target"], newest["id"]);
    assert_eq!(
        j(&["log", "--json", "--limit", "3"])["events"][1]["state"],
        "retracted"
    );
    let again = j(&["retract", newest["id"].as_str().unwrap(), "--json"]);
    assert_eq!(again["outcome"], "already_retracted");
    assert_eq!(env.ok(&["metric", "latency", "230", "-q"]), "");
    let id = j(&["log", "--json", "--limit", "1"])["events"][0]["id"].clone();
    assert_eq!(env.ok(&["retract", id.as_str().unwrap(), "-q"]), "");
    let file = env.dir.path().join("all.jsonl");
    let written = j(&["export", "-o", file.to_str().unwrap(), "--json"]);
    assert_eq!(
        written["events"].as_u64().unwrap() as usize,
        std::fs::read_to_string(&file).unwrap().lines().count()
    );
    // Without -o, --json changes nothing: the events are JSON lines.
    let lines = env.ok(&["export", "--json"]);
    assert_eq!(lines, std::fs::read_to_string(&file).unwrap());
    assert!(lines
        .lines()
        .all(|l| serde_json::from_str::<Value>(l).is_ok()));
    let imported = j(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(imported["added"], 0);
    assert!(imported["read"].as_u64().unwrap() > 5);
    assert_eq!(env.ok(&["import", file.to_str().unwrap(), "-q"]), "");
    let mut plain = env.report();
    let mut alias = j(&["report", "--json"]);
    for r in [&mut plain, &mut alias] {
        r.as_object_mut().unwrap().remove("generated_at");
    }
    assert_eq!(alias, plain);
}

#[test]
fn an_unknown_flag_after_a_metric_name_is_a_usage_error() {
    let env = Env::new();
    let e = env.fails(&["metric", "latency", "--bogus"], 2);
    assert!(e.contains("unexpected argument '--bogus'"), "{e}");
    env.fails(&["metric", "latency", "-5"], 1);
}
