//! `status`, `report`, `complete` and the calendar, through the real binary.

mod common;

use common::{metric, Env};
use serde_json::Value;

#[test]
fn status_on_a_fresh_database_shows_real_denominators() {
    let env = Env::new();
    let out = env.ok(&["status"]);
    assert!(out.contains("Month 1: Fix & Monitor · Week 2"), "{out}");
    assert!(out.contains("0/6"), "month 1 has six tasks: {out}");
    assert!(
        out.contains("0/184"),
        "overall counts every planned task: {out}"
    );
    assert!(out.contains("year 2 has no roadmap yet"), "{out}");
    assert!(!out.contains('\x1b'), "no colour when not a terminal");
    assert!(
        !env.db.exists(),
        "reading creates nothing; the first record makes the database"
    );
    env.ok(&["metric", "uptime", "99.9"]);
    assert!(
        env.db.exists(),
        "the database and its directory are created"
    );
}

#[test]
fn the_current_month_comes_from_the_calendar() {
    let env = Env::on("2026-11-22");
    let r = env.report();
    assert_eq!(r["today"], "2026-11-22");
    assert_eq!(r["current"]["year"], 1);
    assert_eq!(r["current"]["quarter"], 4);
    assert_eq!(r["current"]["month"], 11);
    assert_eq!(r["current"]["week"], 4);
    assert_eq!(r["current"]["month_title"], "Quality Excellence");
    assert_eq!(r["progress"]["month"]["total"], 3);
    assert_eq!(r["progress"]["quarter"]["total"], 10);
    assert_eq!(r["progress"]["year"]["total"], 40);
    let out = env.ok(&["status"]);
    assert!(
        out.contains("Month 11: Quality Excellence · Week 4"),
        "{out}"
    );
}

#[test]
fn year_two_has_no_roadmap_and_says_so() {
    let env = Env::on("2027-03-10");
    let r = env.report();
    assert_eq!(r["current"]["month"], 15);
    assert_eq!(r["current"]["state"], "unplanned");
    assert_eq!(r["progress"]["month"]["total"], 0);
    assert!(r["progress"]["month"]["percent"].is_null());
    assert_eq!(r["progress"]["overall"]["total"], 184);
    assert_eq!(r["roadmap"]["missing_years"], serde_json::json!([2]));
    let out = env.ok(&["status"]);
    assert!(
        out.contains("year 2 has no roadmap yet (no source document)"),
        "{out}"
    );
}

#[test]
fn before_the_start_and_after_the_end_are_reported() {
    let before = Env::on("2025-12-01");
    assert_eq!(before.report()["current"]["state"], "not_started");
    assert!(before.ok(&["status"]).contains("starts in January 2026"));
    let after = Env::on("2030-02-01");
    assert_eq!(after.report()["current"]["state"], "finished");
    assert!(after.ok(&["status"]).contains("ended with month 48"));
}

#[test]
fn year_three_months_are_planned() {
    let env = Env::on("2028-05-20");
    let r = env.report();
    assert_eq!(r["current"]["month"], 29);
    assert_eq!(r["current"]["state"], "planned");
    assert_eq!(r["current"]["month_title"], "Advanced Optimization");
    assert_eq!(r["progress"]["month"]["total"], 6);
    assert_eq!(r["progress"]["year"]["total"], 72);
}

#[test]
fn report_has_the_documented_shape() {
    let env = Env::new();
    let r = env.report();
    for key in [
        "schema_version",
        "generated_at",
        "today",
        "current",
        "progress",
        "metrics",
        "dogfood",
        "adhoc",
    ] {
        assert!(r.get(key).is_some(), "report lacks {key}");
    }
    for key in ["year", "quarter", "month", "week"] {
        assert!(r["current"][key].is_number(), "current.{key}");
    }
    for scope in ["overall", "year", "quarter", "month"] {
        for key in ["completed", "total", "percent"] {
            assert!(
                r["progress"][scope].get(key).is_some(),
                "progress.{scope}.{key}"
            );
        }
    }
    let months = r["progress"]["months"].as_array().unwrap();
    assert_eq!(months.len(), 36);
    assert_eq!(months[0]["month"], 1);
    assert_eq!(months[0]["total"], 6);
    let m = metric(&r, "cacheHitRate");
    for key in [
        "id",
        "unit",
        "direction",
        "baseline",
        "count",
        "latest",
        "target",
        "paced_target",
        "verdict",
    ] {
        assert!(m.get(key).is_some(), "metric lacks {key}");
    }
    assert_eq!(m["baseline"], 15.0);
    assert_eq!(m["count"], 0);
    assert!(m["latest"].is_null());
    assert_eq!(m["target"]["month"], 1);
    assert_eq!(m["target"]["value"], 40.0);
    assert_eq!(m["verdict"], "no_data");
    let d = &r["dogfood"][0];
    for key in ["kind", "generated", "manual", "share", "target"] {
        assert!(d.get(key).is_some(), "dogfood lacks {key}");
    }
    assert_eq!(r["generated_at"], "2026-01-10T12:00:00Z");
    // status --json is the same document.
    let status: Value = serde_json::from_str(&env.ok(&["status", "--json"])).unwrap();
    assert_eq!(status, r);
}

#[test]
fn report_markdown_renders_tables() {
    let env = Env::new();
    env.ok(&["metric", "cacheHitRate", "30"]);
    let md = env.ok(&["report", "--format", "markdown"]);
    assert!(md.starts_with("# BEAST MODE roadmap — 2026-01-10"), "{md}");
    assert!(
        md.contains("| cacheHitRate | 15% | 30% (manual) | 40% by M1 | 27.5% | on track | ▄ |"),
        "{md}"
    );
    let compact = env.ok(&["report", "--compact"]);
    assert_eq!(compact.lines().count(), 1);
}

#[test]
fn completing_a_task_counts_once_against_the_roadmap() {
    let env = Env::new();
    let out = env.ok(&["complete", "1", "1", "Fix failed request tracking"]);
    assert!(out.contains("Month 1: 1/6 tasks done"), "{out}");
    let r = env.report();
    assert_eq!(r["progress"]["month"]["completed"], 1);
    assert_eq!(r["progress"]["overall"]["completed"], 1);
    assert_eq!(r["progress"]["overall"]["total"], 184);
    assert_eq!(r["month_tasks"][0]["done"], true);
    assert_eq!(r["month_tasks"][0]["timing"], "on_time");

    let again = env.ok(&["complete", "1", "2", "fix FAILED request-tracking!"]);
    assert!(again.contains("already completed"), "{again}");
    assert_eq!(env.report()["progress"]["overall"]["completed"], 1);
}

#[test]
fn task_titles_match_loosely_and_as_several_words() {
    let env = Env::new();
    env.ok(&["complete", "1", "3", "semantic", "CACHE", "matching"]);
    env.ok(&["complete", "1", "4", "multi tier cache"]);
    // Part of a title that only one task holds is enough.
    let out = env.ok(&["complete", "1", "4", "cache warm"]);
    assert!(out.contains("\"Cache warming\""), "{out}");
    assert_eq!(env.report()["progress"]["month"]["completed"], 3);
}

#[test]
fn part_of_a_title_several_tasks_hold_completes_nothing() {
    let env = Env::new();
    // "cache" starts only "Cache warming", but three tasks hold it.
    let e = env.fails(&["complete", "1", "1", "cache"], 1);
    assert_eq!(
        e.trim(),
        "error: \"cache\" is part of 3 tasks of month 1: \"Semantic cache matching\", \"Multi-tier cache\" or \"Cache warming\"; type more of the title"
    );
    assert_eq!(env.report()["progress"]["month"]["completed"], 0);
    // A word only one task holds, anywhere in its title, is enough.
    let out = env.ok(&["complete", "1", "1", "tier"]);
    assert!(out.contains("\"Multi-tier cache\""), "{out}");
}

#[test]
fn work_outside_the_block_is_early_or_late() {
    let env = Env::new();
    let out = env.ok(&["complete", "1", "1", "Cache warming"]);
    assert!(out.contains("early (planned for weeks 3-4)"), "{out}");
    let out = env.ok(&["complete", "1", "4", "Enhanced error context"]);
    assert!(out.contains("late (planned for weeks 1-2)"), "{out}");
    let r = env.report();
    let tasks = r["month_tasks"].as_array().unwrap();
    let timing = |t: &str| tasks.iter().find(|x| x["title"] == t).unwrap()["timing"].clone();
    assert_eq!(timing("Cache warming"), "early");
    assert_eq!(timing("Enhanced error context"), "late");
    let warm = tasks
        .iter()
        .find(|x| x["title"] == "Cache warming")
        .unwrap();
    assert_eq!(warm["week_done"], 1);
}

#[test]
fn undo_removes_a_completion_from_progress_but_not_from_history() {
    let env = Env::new();
    env.ok(&[
        "complete",
        "1",
        "1",
        "Fix failed request tracking",
        "--note",
        "trackRequest()",
    ]);
    let out = env.ok(&[
        "complete",
        "--undo",
        "1",
        "1",
        "Fix failed request tracking",
    ]);
    assert!(out.contains("Undid"), "{out}");
    assert_eq!(env.report()["progress"]["month"]["completed"], 0);
    let out = env.ok(&[
        "complete",
        "--undo",
        "1",
        "1",
        "Fix failed request tracking",
    ]);
    assert!(out.contains("not completed; nothing to undo"), "{out}");
    // It can be completed again afterwards.
    env.ok(&["complete", "1", "2", "Fix failed request tracking"]);
    assert_eq!(env.report()["progress"]["month"]["completed"], 1);
}

#[test]
fn adhoc_work_is_listed_but_never_counted() {
    let env = Env::new();
    let out = env.ok(&["complete", "1", "2", "Hotfix token counting", "--adhoc"]);
    assert!(out.contains("not counted in roadmap progress"), "{out}");
    // Ad-hoc work may go to a month without a roadmap.
    env.ok(&["complete", "14", "1", "Year-two spike", "--adhoc"]);
    let r = env.report();
    assert_eq!(r["progress"]["overall"]["completed"], 0);
    assert_eq!(r["progress"]["overall"]["total"], 184);
    assert_eq!(
        r["adhoc"],
        serde_json::json!([{"month": 1, "count": 1}, {"month": 14, "count": 1}])
    );
    assert_eq!(r["recent"][0]["adhoc"], true);
}

#[test]
fn same_named_tasks_are_told_apart_by_week() {
    let env = Env::new();
    let dir = env.dir.path().join("roadmap");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        common::repo_path("roadmap/metrics.toml"),
        dir.join("metrics.toml"),
    )
    .unwrap();
    std::fs::write(
        dir.join("year1.toml"),
        r#"year = 1
title = "Test"
[[quarter]]
number = 1
theme = "Q"
[[quarter.month]]
month = 1
title = "M"
[[quarter.month.block]]
weeks = "1-2"
title = "first"
[[quarter.month.block.task]]
title = "Review"
[[quarter.month.block]]
weeks = "3-4"
title = "second"
[[quarter.month.block.task]]
title = "Review"
"#,
    )
    .unwrap();
    let roadmap = dir.to_str().unwrap();
    env.ok(&["--roadmap", roadmap, "complete", "1", "4", "review"]);
    let r: Value = serde_json::from_str(&env.ok(&["--roadmap", roadmap, "report"])).unwrap();
    let tasks = r["month_tasks"].as_array().unwrap();
    assert_eq!(
        (tasks[0]["done"].clone(), tasks[1]["done"].clone()),
        (Value::Bool(false), Value::Bool(true))
    );
    env.ok(&["--roadmap", roadmap, "complete", "1", "1", "review"]);
    let r: Value = serde_json::from_str(&env.ok(&["--roadmap", roadmap, "report"])).unwrap();
    assert_eq!(r["progress"]["month"]["completed"], 2);
}

#[test]
fn completions_keep_their_week_and_note() {
    let env = Env::new();
    env.ok(&[
        "complete",
        "25",
        "2",
        "Security Hardening",
        "--note",
        "pen test passed",
    ]);
    let r = env.report();
    assert_eq!(r["recent"][0]["title"], "Security Hardening");
    assert_eq!(r["recent"][0]["month"], 25);
    assert_eq!(r["recent"][0]["week"], 2);
    assert_eq!(r["recent"][0]["note"], "pen test passed");
    assert_eq!(r["recent"][0]["completed_at"], "2026-01-10T12:00:00Z");
}

#[test]
fn bad_complete_input_is_rejected_without_changes() {
    let env = Env::new();
    env.ok(&["complete", "1", "1", "Fix failed request tracking"]);
    let e = env.fails(&["complete", "1", "1", "Fix failed requst trackng"], 1);
    assert!(e.contains("no task \"Fix failed requst trackng\" in month 1 (Fix & Monitor); did you mean \"Fix failed request tracking\""), "{e}");
    let e = env.fails(&["complete", "0", "1", "x"], 1);
    assert!(
        e.contains("month 0 is outside the roadmap; use a month from 1 to 48"),
        "{e}"
    );
    env.fails(&["complete", "49", "1", "x"], 1);
    let e = env.fails(&["complete", "one", "1", "x"], 1);
    assert!(e.contains("month \"one\" is not a number"), "{e}");
    let e = env.fails(&["complete", "1", "5", "Cache warming"], 1);
    assert!(
        e.contains("week 5 is outside the month; use a week from 1 to 4"),
        "{e}"
    );
    env.fails(&["complete", "1", "0", "Cache warming"], 1);
    env.fails(&["complete", "1", "x", "Cache warming"], 1);
    let e = env.fails(&["complete", "14", "1", "Anything"], 1);
    assert!(
        e.contains("month 14 is in year 2, which has no roadmap yet"),
        "{e}"
    );
    assert!(e.contains("--adhoc"), "{e}");
    let e = env.fails(&["complete", "1", "1", "  ...  "], 1);
    assert!(e.contains("task title is empty"), "{e}");
    env.fails(&["complete", "1", "1"], 2);
    env.fails(&["complete", "--adhoc", "--undo", "1", "1", "x"], 2);
}

#[test]
fn bad_global_input_is_rejected() {
    let env = Env::new();
    let e = env.fails(&["stauts"], 2);
    assert!(e.contains("did you mean 'status'"), "{e}");
    // The most similar of clap's suggestions, not the first.
    for (typed, meant) in [
        ("reprot", "report"),
        ("complte", "complete"),
        ("exprot", "export"),
    ] {
        let e = env.fails(&[typed], 2);
        assert!(e.contains(&format!("did you mean '{meant}'")), "{e}");
    }
    // Global options before or after the subcommand, as ever.
    assert!(env
        .ok(&["--today", "2026-03-02", "status"])
        .contains("2026-03-02"));
    assert!(env
        .ok(&["status", "--today", "2026-03-02"])
        .contains("2026-03-02"));
    assert!(env.ok(&["--version"]).starts_with("beast "));
    let e = env.fails(&["status", "--jsn"], 2);
    assert!(e.contains("--jsn"), "{e}");
    let e = env.fails(&["--today", "2026-02-30", "status"], 1);
    assert!(
        e.contains("\"2026-02-30\" is not a date; use YYYY-MM-DD"),
        "{e}"
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let env = Env::new();
    assert!(!env.ok(&["status"]).contains('\x1b'));
    assert!(env.ok(&["--color", "always", "status"]).contains("\x1b["));
    let out = env
        .cmd()
        .args(["status"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn help_and_version_succeed() {
    let env = Env::new();
    let help = env.ok(&["--help"]);
    assert!(
        help.contains("beast complete 1 1 \"Fix failed request tracking\""),
        "{help}"
    );
    assert!(env.ok(&["--version"]).starts_with("beast "));
    let out = env.cmd().output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "no command shows help and is a usage error"
    );
}

#[test]
fn a_task_completed_months_after_its_month_is_late_whatever_week_is_given() {
    let env = Env::on("2026-12-05");
    let out = env.ok(&["complete", "1", "1", "Cache warming"]);
    assert!(out.contains("late (planned for weeks 3-4)"), "{out}");
}

#[test]
fn undo_takes_back_the_last_action_even_an_undo_and_never_an_earlier_record() {
    let env = Env::new();
    env.ok(&["complete", "1", "1", "Fix failed request tracking", "-q"]);
    env.ok(&["complete", "1", "1", "Hotfix", "--adhoc", "-q"]);
    env.ok(&[
        "complete",
        "1",
        "1",
        "Fix failed request tracking",
        "--undo",
        "-q",
    ]);
    let done = |env: &Env| env.report()["progress"]["month"]["completed"].clone();
    assert_eq!(done(&env), 0);
    // A preview changes nothing.
    let out = env.ok(&["undo", "--dry-run"]);
    assert!(
        out.starts_with("beast undo would take back")
            && out.contains("completion of \"Fix failed request tracking\""),
        "{out}"
    );
    assert_eq!(done(&env), 0);
    // Undo of the undo: the task is done again; the ad-hoc work is untouched.
    let out = env.ok(&["undo", "--yes"]);
    assert!(out.starts_with("Restored "), "{out}");
    assert_eq!(done(&env), 1);
    // Undo again: the restored completion is taken back; again: restored.
    assert!(env.ok(&["undo"]).starts_with("Retracted "));
    assert_eq!(done(&env), 0);
    assert!(env.ok(&["undo"]).starts_with("Restored "));
    assert_eq!(done(&env), 1);
    let log: serde_json::Value =
        serde_json::from_str(&env.ok(&["log", "--json", "--limit", "50"])).unwrap();
    let hotfix = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["what"].as_str().unwrap().contains("Hotfix"))
        .unwrap();
    assert_eq!(hotfix["state"], "counts");
}

#[test]
fn undo_of_an_undone_benchmark_run_restores_it_with_its_readings() {
    let env = Env::new();
    env.ok(&["bench", "routing", "-q"]);
    let count = |env: &Env| common::metric(&env.report(), "selectionAccuracy")["count"].clone();
    assert_eq!(count(&env), 1);
    env.ok(&["undo", "-q"]);
    assert_eq!(count(&env), 0);
    let out = env.ok(&["undo"]);
    assert!(out.contains("routing benchmark run"), "{out}");
    assert!(out.contains("more events"), "{out}");
    assert_eq!(count(&env), 1);
}
