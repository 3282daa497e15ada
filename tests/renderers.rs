//! Each report renderer on a report built in memory from hand-made events
//! (no binary, no files): as hyperfine tests each exporter. The events
//! include hostile text, to check that every human-readable format escapes it.

use beast::app::HistoryInfo;
use beast::domain::event::{self, Body, Event, EventId};
use beast::domain::TaskRef;
use beast::report::{
    self, html::Html, json::Json, markdown::Markdown, openmetrics::OpenMetrics, Format, Inputs,
    Report,
};
use beast::roadmap_files;
use beast::store::{LineAt, Store};
use chrono::{NaiveDate, TimeZone, Utc};

const HOSTILE: &str = "<script>alert('x')</script> | \u{1b}]0;PWNED\u{7}";

fn at(m: u32, d: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, 12, 0, 0).unwrap()
}

fn ev(n: u128, t: chrono::DateTime<Utc>, body: Body) -> Event {
    Event {
        id: EventId::from_parts(t.timestamp_millis() as u64, n),
        author: "a@example.com".into(),
        recorded_at: t,
        body,
    }
}

fn reading(n: u128, d: u32, metric: &str, value: f64, source: &str) -> Event {
    ev(
        n,
        at(1, d),
        Body::Reading(event::Reading {
            metric: metric.into(),
            value,
            measured_at: at(1, d),
            source: source.into(),
            note: Some(HOSTILE.into()),
            run: None,
        }),
    )
}

fn sample(series: usize) -> Report {
    let (catalog, roadmap) = roadmap_files::load(&roadmap_files::embedded()).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let events = vec![
        reading(8, 3, "cacheHitRate", 16.0, "manual"),
        reading(1, 5, "cacheHitRate", 18.0, "manual"),
        reading(2, 12, "cacheHitRate", 26.0, "grafana"),
        reading(3, 19, "latency", 350.0, "manual"),
        reading(4, 19, "errorRate", 1.5, "ci"),
        ev(
            5,
            at(1, 6),
            Body::Completion(event::Completion {
                month: 1,
                week: 1,
                task: Some(TaskRef {
                    month: 1,
                    block_first_week: 1,
                    key: "fixfailedrequesttracking".into(),
                }),
                title: "Fix failed request tracking".into(),
                note: None,
                completed_at: at(1, 6),
                legacy_name: None,
            }),
        ),
        ev(
            6,
            at(1, 7),
            Body::Completion(event::Completion {
                month: 1,
                week: 1,
                task: None,
                title: HOSTILE.into(),
                note: Some(HOSTILE.into()),
                completed_at: at(1, 7),
                legacy_name: None,
            }),
        ),
        ev(
            7,
            at(1, 8),
            Body::Dogfood(event::Dogfood {
                kind: beast::domain::DogfoodKind::Test,
                generated: true,
                at: at(1, 8),
                note: None,
            }),
        ),
    ];
    store
        .write(|w| {
            for e in &events {
                w.apply(e, LineAt::Text(&e.to_line()))?;
            }
            Ok(())
        })
        .unwrap();
    let inputs = Inputs {
        roadmap: &roadmap,
        catalog: &catalog,
        today: NaiveDate::from_ymd_opt(2026, 1, 20).unwrap(),
        now: at(1, 20),
        history: HistoryInfo {
            mode: "personal",
            location: "memory".into(),
        },
        identity: report::Identity {
            project: "team <a>".into(),
            repository: Some("ssh://example.com/team/a.git".into()),
            commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
            branch: Some("main".into()),
            beast_version: "0.1.0".into(),
            schema: 0,
        },
        series,
        trailers: &Default::default(),
    };
    store.read(|db| report::build(&inputs, db)).unwrap()
}

fn render(f: &dyn Format, r: &Report) -> String {
    let mut out = Vec::new();
    f.render(r, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn no_raw_controls(text: &str) {
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "raw control characters in output"
    );
}

#[test]
fn markdown_has_every_section_and_escapes_user_text() {
    let md = render(&Markdown, &sample(0));
    for section in [
        "## Progress",
        "## Month 1 tasks",
        "## Metrics",
        "## Dog food",
    ] {
        assert!(md.contains(section), "{section}");
    }
    assert!(
        md.contains("| cacheHitRate | 15% | 26% (grafana) | 40% by M1 |"),
        "{md}"
    );
    assert!(
        md.contains("| ✅ | Fix failed request tracking | 1-2 | week 1 (on time) | claimed |"),
        "{md}"
    );
    assert!(
        md.contains("Month 1 | 1/6 (16.7%) | 0 | 5 open at 0.25 tasks/week"),
        "{md}"
    );
    assert!(!md.contains("<script>"), "HTML is escaped");
    no_raw_controls(&md);
}

#[test]
fn status_tables_fit_the_width_and_keep_short_words_whole() {
    use beast::report::terminal::Terminal;
    let r = sample(0);
    for color in [false, true] {
        let wide = render(
            &Terminal {
                color,
                width: Some(140),
            },
            &r,
        );
        assert!(wide.contains("Baseline") && wide.contains("Paced"));
        let narrow = render(
            &Terminal {
                color,
                width: Some(80),
            },
            &r,
        );
        let table: Vec<&str> = narrow.lines().filter(|l| l.starts_with('│')).collect();
        assert!(!table.is_empty());
        for line in &table {
            // Without the colour codes.
            let mut plain = String::new();
            let mut escape = false;
            for c in line.chars() {
                match c {
                    '\x1b' => escape = true,
                    'm' if escape => escape = false,
                    c if !escape => plain.push(c),
                    _ => {}
                }
            }
            assert!(plain.chars().count() <= 80, "{plain}");
        }
        assert!(!narrow.contains("Baseline"), "the baseline gives way first");
        assert!(
            narrow.contains("behind") && narrow.contains("no data"),
            "{narrow}"
        );
    }
}

#[test]
fn openmetrics_is_well_formed() {
    let text = render(
        &OpenMetrics {
            timestamps: false,
            labels: vec![],
        },
        &sample(0),
    );
    assert!(text.ends_with("# EOF\n"));
    // Base units, a family per unit with its suffix, every series, and no
    // sample timestamps: when it was measured is a gauge of its own.
    assert!(text.contains("# TYPE beast_metric_ratio gauge\n# UNIT beast_metric_ratio ratio\n"));
    // Every sample carries the project first.
    let p = "project=\"team <a>\",";
    assert!(text.contains(&format!(
        "beast_metric_ratio{{{p}metric=\"cacheHitRate\",source=\"grafana\"}} 0.26\n"
    )));
    assert!(text.contains(&format!(
        "beast_metric_ratio{{{p}metric=\"cacheHitRate\",source=\"manual\"}} 0.18\n"
    )));
    assert!(text.contains(&format!(
        "beast_metric_seconds{{{p}metric=\"latency\",source=\"manual\"}} 0.35\n"
    )));
    // A checkpoint's month is a value: the target series stays one series.
    assert!(text.contains(&format!(
        "beast_metric_target_seconds{{{p}metric=\"latency\"}} 0.2\n"
    )));
    assert!(text.contains(&format!(
        "beast_metric_target_month{{{p}metric=\"latency\"}} 1\n"
    )));
    assert!(text.contains(&format!(
        "beast_info{{{p}version=\"0.1.0\",commit=\"0123456789abcdef0123456789abcdef01234567\",branch=\"main\"}} 1\n"
    )));
    assert!(!text.contains("month=\""), "no month label");
    assert!(text.contains(&format!(
        "beast_metric_measured_timestamp_seconds{{{p}metric=\"cacheHitRate\",source=\"grafana\"}} 1768219200\n"
    )));
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        assert!(line.contains("{project=\"team <a>\""), "{line}");
    }
    assert!(!text.contains("unit=\""), "no unit labels");
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (_, value) = line.rsplit_once("} ").unwrap();
        assert!(!value.contains(' '), "no timestamp: {line}");
    }
    let stamped = render(
        &OpenMetrics {
            timestamps: true,
            labels: vec![],
        },
        &sample(0),
    );
    assert!(stamped.contains(&format!(
        "beast_metric_ratio{{{p}metric=\"cacheHitRate\",source=\"grafana\"}} 0.26 1768219200\n"
    )));
    assert!(text.contains(&format!(
        "beast_progress_completed_tasks{{{p}scope=\"month\"}} 1\n"
    )));
    assert!(text.contains(&format!(
        "beast_dogfood_generated_ratio{{{p}kind=\"test\"}} 1\n"
    )));
    let labelled = render(
        &OpenMetrics {
            timestamps: false,
            labels: vec![("team".into(), "search".into())],
        },
        &sample(0),
    );
    assert!(labelled.contains(&format!(
        "beast_metric_target_month{{{p}team=\"search\",metric=\"latency\"}} 1\n"
    )));
    // Every sample belongs to a family declared just before, once.
    let mut declared = std::collections::HashSet::new();
    let mut current = String::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let name = rest.split(' ').next().unwrap().to_string();
            assert!(declared.insert(name.clone()), "{name} declared twice");
            assert!(rest.ends_with(" gauge"));
            current = name;
        } else if let Some(rest) = line.strip_prefix("# UNIT ") {
            let (name, unit) = rest.split_once(' ').unwrap();
            assert_eq!(name, current);
            assert!(name.ends_with(&format!("_{unit}")), "{line}");
        } else if !line.starts_with('#') {
            assert!(line.starts_with(&format!("{current}{{")), "{line}");
            let name_ok = current
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
            assert!(name_ok, "{current}");
        }
    }
}

#[test]
fn html_is_self_contained_escaped_and_charts_every_metric_with_readings() {
    let r = sample(100);
    let html = render(&Html, &r);
    assert!(html.starts_with("<!doctype html>"));
    for forbidden in [
        "http:", "https:", "<script", "src=", "url(", "@import", "<link",
    ] {
        assert!(!html.contains(forbidden), "{forbidden} in the page");
    }
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    no_raw_controls(&html);
    // The first screen: done and verified as two figures, one bar split
    // into verified / target unmet / claimed, distinct colours.
    assert!(html.contains("<div class=\"frac\">done</div>"), "{html}");
    assert!(html.contains("<div class=\"big proven\">"), "{html}");
    for part in ["s-verified", "s-unmet", "s-claimed"] {
        assert!(html.contains(&format!("class=\"{part}\"")), "{part}");
    }
    // Dated time axes, today in the legend, a ci mark of its own, and the
    // age of every latest reading.
    assert!(html.contains(">1 Jan</text>"), "{html}");
    assert!(html.contains("┊ today"));
    assert!(html.contains("stroke=\"#e0699a\""), "ci readings are rings");
    for m in r.metrics.iter().filter(|m| m.latest.is_some()) {
        let at = &m.latest.as_ref().unwrap().at;
        let age = beast::report::age(at, &r.generated_at);
        assert!(html.contains(&format!(", {age})")), "{} {age}", m.id);
    }
    // One chart per metric with readings (and the months'); the others
    // are one line; readings marked by source.
    let charted = r.metrics.iter().filter(|m| m.latest.is_some()).count();
    assert_eq!(charted, 3);
    assert_eq!(html.matches("aria-label=\"").count(), charted + 1);
    assert!(
        html.contains("No readings yet: semanticHitRate (target 10% by M1)"),
        "{html}"
    );
    assert!(
        html.contains(">year 2</text>"),
        "the gap of year 2 is marked"
    );
    assert!(
        html.contains("<title>26% (grafana)</title>"),
        "a reading's mark"
    );
    assert!(html.contains("target 40% by month 1"), "a checkpoint");
    // A line joins the readings of one series only: the two manual ones,
    // never manual to grafana.
    assert_eq!(
        html.matches("<polyline class=\"series\"").count(),
        1,
        "{html}"
    );
    assert!(html.contains("<title>manual</title></polyline>"));
}

#[test]
fn json_keeps_its_shape_and_validates_against_the_schema() {
    let r = sample(0);
    let text = render(&Json { pretty: false }, &r);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["schema_version"], 3);
    assert_eq!(v["metrics"][0]["verdict"], "behind");
    // Each series with its newest reading, newest first; `latest` is the
    // newest of all, and names its series.
    let series: Vec<(String, u64, f64)> = v["metrics"][0]["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["source"].as_str().unwrap().to_string(),
                s["readings"].as_u64().unwrap(),
                s["value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        series,
        [
            ("grafana".to_string(), 1, 26.0),
            ("manual".to_string(), 2, 18.0)
        ]
    );
    assert_eq!(v["metrics"][0]["latest"]["source"], "grafana");
    assert_eq!(v["current"]["state"], "planned");
    assert_eq!(v["forecast"]["month"]["outlook"], "late");
    let schema: serde_json::Value =
        serde_json::from_str(&beast::report::schema::json_schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    // And the schema rejects a report that breaks it.
    let mut broken = v.clone();
    broken["metrics"][0]["verdict"] = "maybe".into();
    assert!(!validator.is_valid(&broken));
}

#[test]
fn the_forecast_follows_the_recent_pace() {
    let r = sample(0);
    let f = r.forecast.as_ref().unwrap();
    let m = f.month.as_ref().unwrap();
    // One task of month 1 done within the last 28 days: 0.25 a week, five left.
    assert_eq!(m.completed_in_window, 1);
    assert_eq!(m.pace_per_week, 0.25);
    assert_eq!(m.remaining, 5);
    assert_eq!(m.finish, Some(NaiveDate::from_ymd_opt(2026, 6, 9).unwrap()));
    assert_eq!(m.due, NaiveDate::from_ymd_opt(2026, 1, 31).unwrap());
}
