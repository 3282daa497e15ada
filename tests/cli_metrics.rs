//! `metric` and `dogfood`: recording, history, verdicts, and rejection of bad values.

mod common;

use common::{metric, Env};

#[test]
fn a_reading_shows_with_its_source_and_verdict() {
    // 2026-01-10 is month 1 week 2: half-way from the baseline 15% to the month-1 target 40%.
    let env = Env::new();
    let out = env.ok(&["metric", "cacheHitRate", "30"]);
    assert!(
        out.contains(
            "Recorded cacheHitRate = 30% (manual, reading 1); target 40% by month 1 — on track"
        ),
        "{out}"
    );
    let m = metric(&env.report(), "cacheHitRate");
    assert_eq!(m["latest"]["value"], 30.0);
    assert_eq!(m["latest"]["source"], "manual");
    assert_eq!(m["latest"]["at"], "2026-01-10T12:00:00Z");
    assert_eq!(m["count"], 1);
    assert_eq!(m["paced_target"], 27.5);
    assert_eq!(m["verdict"], "on_track");

    env.ok(&["metric", "cacheHitRate", "20"]);
    assert_eq!(metric(&env.report(), "cacheHitRate")["verdict"], "behind");
    env.ok(&["metric", "cacheHitRate", "41"]);
    let m = metric(&env.report(), "cacheHitRate");
    assert_eq!(m["verdict"], "met");
    assert_eq!(m["count"], 3);
    assert_eq!(m["trend"], serde_json::json!([30.0, 20.0, 41.0]));
}

#[test]
fn lower_is_better_metrics_are_judged_the_other_way() {
    let env = Env::new();
    env.ok(&["metric", "latency", "180"]);
    assert_eq!(metric(&env.report(), "latency")["verdict"], "met");
    env.ok(&["metric", "latency", "450"]);
    assert_eq!(metric(&env.report(), "latency")["verdict"], "behind");
}

#[test]
fn metric_names_accept_case_and_snake_case_and_units() {
    let env = Env::new();
    env.ok(&["metric", "cache_hit_rate", "40%"]);
    env.ok(&["metric", "CACHEHITRATE", "41"]);
    env.ok(&["metric", "selection-accuracy", "95"]);
    env.ok(&["metric", "latency", "200ms"]);
    env.ok(&["metric", "costPerRequest", "$0.0009"]);
    let r = env.report();
    assert_eq!(metric(&r, "cacheHitRate")["count"], 2);
    assert_eq!(metric(&r, "selectionAccuracy")["latest"]["value"], 95.0);
    assert_eq!(metric(&r, "latency")["latest"]["value"], 200.0);
    assert_eq!(metric(&r, "costPerRequest")["latest"]["value"], 0.0009);
}

#[test]
fn readings_keep_history_note_time_and_source() {
    let env = Env::new();
    env.ok(&[
        "metric",
        "uptime",
        "99.9",
        "--at",
        "2026-01-05",
        "--note",
        "january incident",
    ]);
    env.ok(&["metric", "uptime", "99.95", "--source", "grafana"]);
    // A back-dated reading does not become the latest.
    env.ok(&["metric", "uptime", "99.1", "--at", "2026-01-02T08:00:00Z"]);
    let m = metric(&env.report(), "uptime");
    assert_eq!(m["latest"]["value"], 99.95);
    assert_eq!(m["latest"]["source"], "grafana");
    assert_eq!(m["count"], 3);
    // The trend is the latest reading's series: grafana's, not the manual
    // readings.
    assert_eq!(m["trend"], serde_json::json!([99.95]));
    env.ok(&["metric", "uptime", "99.5"]);
    let m = metric(&env.report(), "uptime");
    assert_eq!(m["latest"]["source"], "manual");
    assert_eq!(m["trend"], serde_json::json!([99.1, 99.9, 99.5]));
    let history = env.ok(&["metric", "uptime"]);
    assert!(history.contains("january incident"), "{history}");
    assert!(history.contains("2026-01-05T12:00:00Z"), "{history}");
    assert!(history.contains("grafana"), "{history}");
    let short = env.ok(&["metric", "uptime", "--limit", "1"]);
    assert!(
        short.contains("showing the newest 1 of 4 readings"),
        "{short}"
    );
}

#[test]
fn metric_alone_lists_the_catalog_with_latest_values() {
    let env = Env::new();
    env.ok(&["metric", "errorRate", "3.5"]);
    let out = env.ok(&["metric"]);
    for id in [
        "cacheHitRate",
        "semanticHitRate",
        "latency",
        "selectionAccuracy",
        "costSavings",
        "errorRate",
        "throughput",
        "uptime",
        "qualityPrediction",
        "costPrediction",
        "costPerRequest",
        "modelAccuracy",
        "cacheAccessLatency",
        "selectionLatency",
    ] {
        assert!(out.contains(id), "catalog lists {id}: {out}");
    }
    assert!(out.contains("3.5% (manual)"), "{out}");
}

#[test]
fn bad_metric_input_is_rejected_without_changes() {
    let env = Env::new();
    env.ok(&["metric", "cacheHitRate", "35"]);
    let e = env.fails(&["metric", "cacheHitRat", "40"], 1);
    assert!(
        e.contains("unknown metric \"cacheHitRat\"; did you mean \"cacheHitRate\""),
        "{e}"
    );
    let e = env.fails(&["metric", "zzzz", "40"], 1);
    assert!(
        e.contains("unknown metric \"zzzz\"; list the catalog with: beast metric"),
        "{e}"
    );
    let e = env.fails(&["metric", "cacheHitRate", "forty"], 1);
    assert!(
        e.contains("value \"forty\" for cacheHitRate is not a number"),
        "{e}"
    );
    for bad in ["NaN", "nan", "inf", "-inf", "infinity"] {
        let e = env.fails(&["metric", "cacheHitRate", bad], 1);
        assert!(e.contains("is not a finite number"), "{bad}: {e}");
    }
    let e = env.fails(&["metric", "cacheHitRate", "140"], 1);
    assert!(
        e.contains("140 is outside the valid range of cacheHitRate (0% to 100%)"),
        "{e}"
    );
    env.fails(&["metric", "cacheHitRate", "-5"], 1);
    env.fails(&["metric", "latency", "-1"], 1);
    let e = env.fails(&["metric", "cacheHitRate", "40", "--at", "yesterday"], 1);
    assert!(e.contains("--at \"yesterday\" is not a date"), "{e}");
    let e = env.fails(&["metric", "cacheHitRate", "40", "--at", "2027-01-01"], 1);
    assert!(e.contains("is in the future"), "{e}");
    let e = env.fails(&["metric", "cacheHitRate", "40", "--source", "my tool"], 1);
    assert!(e.contains("--source \"my tool\" must be one word"), "{e}");
    env.fails(&["metric", "cacheHitRate", "40", "extra"], 2);
}

#[test]
fn dogfood_shares_compare_generated_with_manual_work() {
    let env = Env::new();
    for _ in 0..3 {
        env.ok(&["dogfood", "test"]);
    }
    let out = env.ok(&["dogfood", "test", "--manual", "--note", "flaky fix by hand"]);
    assert!(out.contains("Recorded a test done without BEAST MODE. test: 3/4 generated (75%), target 90% — behind"), "{out}");
    let out = env.ok(&["dogfood", "Improvement"]);
    assert!(
        out.contains("Recorded an improvement done with BEAST MODE"),
        "{out}"
    );
    env.ok(&["dogfood", "docs"]);
    let r = env.report();
    let d = |k: &str| {
        r["dogfood"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["kind"] == k)
            .unwrap()
            .clone()
    };
    assert_eq!(d("test")["generated"], 3);
    assert_eq!(d("test")["manual"], 1);
    assert_eq!(d("test")["share"], 75.0);
    assert_eq!(d("test")["target"], 90.0);
    assert_eq!(d("test")["verdict"], "behind");
    assert_eq!(d("improvement")["verdict"], "met");
    assert_eq!(d("doc")["share"], 100.0);
    assert!(d("optimization")["share"].is_null());
    assert_eq!(d("optimization")["verdict"], "no_data");
    let summary = env.ok(&["dogfood"]);
    assert!(
        summary.contains("test          3 generated, 1 manual: 75%, target 90% — behind"),
        "{summary}"
    );
}

#[test]
fn bad_dogfood_kind_is_rejected() {
    let env = Env::new();
    let e = env.fails(&["dogfood", "tets"], 1);
    assert!(
        e.contains("unknown dog-food kind \"tets\"; did you mean \"test\"?"),
        "{e}"
    );
    env.fails(&["dogfood", "refactor"], 1);
}

#[test]
fn a_percentage_that_looks_like_a_fraction_is_recorded_with_a_hint() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["metric", "cacheHitRate", "0.4"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("note: 0.4 is recorded as 0.4%, below cacheHitRate's usual"),
        "{err}"
    );
    assert!(err.contains("40% was meant"), "{err}");
    assert_eq!(
        metric(&env.report(), "cacheHitRate")["latest"]["value"],
        0.4
    );
    // A value in the usual range gets no word.
    let out = env
        .cmd()
        .args(["metric", "cacheHitRate", "40"])
        .output()
        .unwrap();
    assert!(out.stderr.is_empty());
}
