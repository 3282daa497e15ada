//! The CI gate on the series real teams have, through the binary: a drop
//! after a ramp, a reading dated in the future, the built-in reference
//! workload's readings, what `--since` inherits, and one baseline rule for
//! `--since DATE` and `--since REV`.

mod common;

use common::lab::{beast, beast_ok, events_dir, Lab};
use common::Env;

/// `beast check ARGS` → (exit code, stdout, stderr).
fn check(env: &Env, args: &[&str]) -> (i32, String, String) {
    let out = env.cmd().arg("check").args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// Readings of cacheHitRate from `source`, one a day from January `first`.
fn daily(env: &Env, source: &str, first: u32, values: &[f64]) {
    for (i, v) in values.iter().enumerate() {
        let at = format!("2026-01-{:02}", first + i as u32);
        env.ok(&[
            "metric",
            "cacheHitRate",
            &v.to_string(),
            "--at",
            &at,
            "--source",
            source,
            "-q",
        ]);
    }
}

#[test]
fn a_drop_after_a_ramp_and_a_plateau_fails_and_the_plateau_passes() {
    let env = Env::on("2026-01-14");
    // cacheHitRate climbs 16 → 37 over a week, then holds at 36.8–37.3.
    daily(
        &env,
        "ci",
        1,
        &[
            16.0, 19.5, 23.0, 26.5, 30.0, 33.5, 37.0, 36.9, 37.2, 36.8, 37.3, 37.0,
        ],
    );
    let (code, out, err) = check(&env, &["--rules", "regression"]);
    assert_eq!(code, 0, "the plateau itself passes: {out}{err}");
    daily(&env, "ci", 13, &[37.1]);
    assert_eq!(check(&env, &["--rules", "regression"]).0, 0);
    // Then 33.0 (−11 %): measured from the plateau, not from a window
    // that mixes in the climb.
    daily(&env, "ci", 14, &[33.0]);
    let (code, out, err) = check(&env, &["--rules", "regression"]);
    assert_eq!(code, 5, "{out}{err}");
    assert!(
        out.contains(
            "FAIL regression cacheHitRate[ci]: 33% (2026-01-14T12:00:00Z) is below the fail bound"
        ),
        "{out}"
    );
    assert!(
        out.contains("readings since the series last changed level"),
        "{out}"
    );
    // Every bound stays on the metric's side of the median, and positive.
    let (_, json, _) = check(&env, &["--rules", "regression", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let message = v["findings"][0]["message"].as_str().unwrap();
    assert!(!message.contains("bound -"), "{message}");
}

#[test]
fn a_reading_dated_in_the_future_does_not_switch_the_gate_off() {
    let env = Env::on("2026-01-20");
    daily(
        &env,
        "ci",
        1,
        &[40.0, 40.5, 39.6, 40.2, 39.8, 40.6, 39.5, 40.1],
    );
    // A machine whose clock says 2099 records a reading.
    let out = env
        .cmd()
        .env("BEAST_TODAY", "2099-01-01")
        .args(["metric", "cacheHitRate", "45", "--source", "ci", "-q"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Later regressions are still caught, and the reading is told once.
    daily(&env, "ci", 9, &[31.0, 30.5]);
    let (code, out, err) = check(&env, &["--rules", "regression"]);
    assert_eq!(code, 5, "{out}{err}");
    assert!(
        out.contains("FAIL regression cacheHitRate[ci]: 30.5% (2026-01-10T12:00:00Z)"),
        "{out}"
    );
    let told: Vec<&str> = out.lines().filter(|l| l.contains("2099-01-01")).collect();
    assert_eq!(told.len(), 1, "{out}");
    assert!(
        told[0].starts_with("warn regression cacheHitRate[ci]: a reading dated 2099-01-01"),
        "{out}"
    );
    assert!(
        told[0].contains("after today, is left out of the gate"),
        "{out}"
    );
}

#[test]
fn the_built_in_reference_workload_is_not_gated_as_the_teams_series() {
    let env = Env::on("2026-01-20");
    env.ok(&["bench", "cache", "--requests", "400"]);
    let (code, out, err) = check(&env, &["--rules", "regression"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("n/a  regression cacheHitRate[bench:cache (reference)]: readings of beast's built-in reference workload, not of this team's system: not gated"),
        "{out}"
    );
    assert!(!out.contains("cacheHitRate[bench:cache]:"), "{out}");
}

#[test]
fn since_a_date_judges_only_what_was_added_and_inherits_the_rest() {
    let env = Env::on("2026-01-20");
    daily(
        &env,
        "ci",
        1,
        &[40.0, 40.5, 39.6, 40.2, 39.8, 40.6, 39.5, 40.1],
    );
    // The roadmap's state on the 20th: month 1's first blocks overdue, its
    // pace behind. A job that fails on overdue fails a plain check …
    let (code, _, _) = check(&env, &["--fail-on", "regression,overdue"]);
    assert_eq!(code, 5);
    // … but a range that added nothing new is told only that; the overdue
    // tasks are inherited, reported under their own heading, and pass.
    let (code, out, err) = check(
        &env,
        &["--since", "2026-01-19", "--fail-on", "regression,overdue"],
    );
    assert_eq!(code, 0, "{out}{err}");
    let (own, inherited) = out
        .split_once("inherited from the base")
        .expect("an inherited section");
    assert!(
        own.starts_with("beast check: 0 failed, 0 warnings"),
        "{out}"
    );
    assert!(!own.contains("warn overdue"), "{own}");
    assert!(inherited.contains("  warn overdue month 1:"), "{out}");
    assert!(!out.contains("regression cacheHitRate"), "{out}");
    // Under GitHub Actions, no annotation at all.
    let out = env
        .cmd()
        .args(["check", "--since", "2026-01-19"])
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("::"), "{err}");
    // A completion the range added is judged; the base's are inherited.
    env.ok(&["complete", "1", "1", "Fix failed request tracking", "-q"]);
    let (_, out, _) = check(&env, &["--since", "2026-01-19", "--rules", "unverified"]);
    let own = out.split("inherited from").next().unwrap();
    assert!(
        own.contains("warn unverified completions: 1 of 1 added completions are not verified: \"Fix failed request tracking\""),
        "{out}"
    );
}

#[test]
fn since_a_revision_reads_the_base_by_the_same_rules_as_since_its_date() {
    let lab = Lab::new();
    let work = lab.repo("work");
    for (i, v) in ["40", "40.5", "39.6", "40.2", "39.8", "40.6", "39.5", "40.1"]
        .iter()
        .enumerate()
    {
        let at = format!("2026-01-{:02}", i + 1);
        beast_ok(
            &work,
            "alice@example.com",
            &["metric", "cacheHitRate", v, "--at", &at, "--source", "ci"],
        );
    }
    lab.remote(&work, "origin.git");
    // Alice's file, rewritten by hand on the ref, repeats two of her
    // readings: one exactly (the same event: one copy counts), one with
    // another value (a conflict: every copy is withheld).
    let alice = std::fs::read_to_string(events_dir(&work).join("alice@example.com.jsonl")).unwrap();
    let lines: Vec<&str> = alice.lines().collect();
    let conflicting = lines[2].replace("\"value\":39.6", "\"value\":20.0");
    assert_ne!(conflicting, lines[2]);
    let forged = format!("{alice}{}\n{conflicting}\n", lines[1]);
    lab.forge(
        &work,
        &[("alice@example.com.jsonl", "100644", forged.as_bytes())],
    );
    beast_ok(&work, "alice@example.com", &["sync", "-q"]);
    lab.git(&work, &["tag", "base", "refs/beast/history"]);
    // Two new readings, both low.
    for (v, at) in [("36.5", "2026-01-19"), ("36.8", "2026-01-20")] {
        beast_ok(
            &work,
            "alice@example.com",
            &["metric", "cacheHitRate", v, "--at", at, "--source", "ci"],
        );
    }
    let judged = |since: &str| {
        let out = beast(
            &work,
            "alice@example.com",
            &["check", "--rules", "regression", "--since", since],
        );
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let line = text
            .lines()
            .find(|l| l.contains("regression cacheHitRate[ci]"))
            .unwrap_or_else(|| panic!("{text}"))
            .to_string();
        (out.status.code(), line)
    };
    let (by_rev, by_date) = (judged("base"), judged("2026-01-18"));
    assert_eq!(by_rev, by_date);
    assert_eq!(by_rev.0, Some(5), "{by_rev:?}");
    // Seven readings count: the copy adds none, the conflict is withheld.
    assert!(by_rev.1.contains("of its last 7 readings"), "{by_rev:?}");
}

#[test]
fn a_bound_never_leaves_the_metrics_range() {
    let env = Env::on("2026-01-20");
    // A wild percentage near 0: its spread reaches below 0 %.
    daily(
        &env,
        "ci",
        1,
        &[1.0, 9.0, 2.0, 8.0, 1.5, 9.5, 2.5, 7.0, 0.5],
    );
    let (_, out, _) = check(&env, &["--rules", "regression", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let message = v["findings"][0]["message"].as_str().unwrap().to_string();
    assert!(message.contains("the bound 0%"), "{message}");
}
