//! The database: where it lives, files that are not beast's, and parallel writers.

mod common;

use std::process::{Command, Stdio};

use common::Env;

fn bytes(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn the_default_database_lives_in_the_data_directory() {
    let env = Env::new();
    let default = env.dir.path().join("xdg/beast/beast.db");
    // Reading creates nothing: a first `status` on a new machine shows an
    // empty history and leaves no file behind.
    for args in [
        &["status"][..],
        &["report"],
        &["log"],
        &["check"],
        &["export"],
        &["metric", "latency"],
        &["dogfood"],
    ] {
        let out = env
            .cmd()
            .env_remove("BEAST_DB")
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(!env.dir.path().join("xdg").exists(), "{args:?} made a file");
    }
    let out = env
        .cmd()
        .env_remove("BEAST_DB")
        .args(["metric", "uptime", "99.9"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(default.exists());
}

#[test]
fn db_flag_overrides_the_environment() {
    let env = Env::new();
    let other = env.dir.path().join("other.db");
    env.ok(&["--db", other.to_str().unwrap(), "metric", "uptime", "99.9"]);
    assert!(other.exists());
    assert_eq!(
        env.report()["metrics"][7]["count"],
        0,
        "BEAST_DB's database is untouched"
    );
}

#[test]
fn a_file_that_is_not_sqlite_is_left_untouched() {
    let env = Env::new();
    let path = env.dir.path().join("notes.txt");
    std::fs::write(&path, "my notes, not a database\n").unwrap();
    let before = bytes(&path);
    let out = env
        .cmd()
        .args(["--db", path.to_str().unwrap(), "metric", "uptime", "99"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is not a beast database (not an SQLite file)"),
        "{err}"
    );
    assert_eq!(bytes(&path), before);
}

#[test]
fn another_programs_sqlite_database_is_left_untouched() {
    let env = Env::new();
    let path = env.dir.path().join("app.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let before = bytes(&path);
    let out = env
        .cmd()
        .args(["--db", path.to_str().unwrap(), "status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("an SQLite database of another program"),
        "{err}"
    );
    assert_eq!(bytes(&path), before);
    assert!(!env.dir.path().join("app.db-wal").exists());
}

#[test]
fn a_newer_schema_is_refused_and_left_untouched() {
    let env = Env::new();
    env.ok(&["metric", "uptime", "99.9"]);
    {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = bytes(&env.db);
    let out = env
        .cmd()
        .args(["metric", "uptime", "99.8"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("has schema version 99, newer than this beast understands"),
        "{err}"
    );
    assert!(err.contains("upgrade beast"), "{err}");
    assert_eq!(err.lines().count(), 1);
    assert_eq!(bytes(&env.db), before);
}

#[test]
fn an_unwritable_location_is_a_clear_error() {
    let env = Env::new();
    let file = env.dir.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    let db = file.join("beast.db");
    let out = env
        .cmd()
        .args(["--db", db.to_str().unwrap(), "metric", "uptime", "99"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: cannot open database"), "{err}");
    assert!(
        err.contains("use a database file you can write (pick one with --db PATH or BEAST_DB)"),
        "{err}"
    );
    let dir_as_db = env.dir.path();
    let out = env
        .cmd()
        .args(["--db", dir_as_db.to_str().unwrap(), "status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
}

/// Starts `n` processes at once on a database that does not exist yet: they
/// race to create and migrate it, then to write or read. Every one must
/// succeed and every write must be counted.
fn race_to_create_and_write(n: usize) {
    let env = Env::new();
    let bin = assert_cmd::cargo::cargo_bin!("beast");
    let children: Vec<_> = (0..n)
        .map(|i| {
            let mut cmd = Command::new(bin);
            cmd.env("BEAST_DB", &env.db)
                .env("BEAST_TODAY", &env.today)
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            match i % 5 {
                0 => cmd.args(["metric", "throughput", &format!("{}", 100 + i)]),
                1 => cmd.args(["dogfood", "test"]),
                2 => cmd.args([
                    "complete",
                    "1",
                    "1",
                    &format!("parallel work {i}"),
                    "--adhoc",
                ]),
                3 => cmd.args(["report"]),
                _ => cmd.args(["status"]),
            };
            cmd.spawn().unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let of_kind = |i: usize| (0..n).filter(|j| j % 5 == i).count();
    let r = env.report();
    let throughput = r["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "throughput")
        .unwrap();
    assert_eq!(throughput["count"], of_kind(0));
    let test = r["dogfood"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "test")
        .unwrap();
    assert_eq!(test["generated"], of_kind(1));
    assert_eq!(r["adhoc"][0]["count"], of_kind(2));
}

#[test]
fn parallel_invocations_never_lose_a_write() {
    race_to_create_and_write(16);
}

/// The same race repeated, for when the open path changes: one round rarely
/// hits the bad interleavings (before the header was read as one snapshot and
/// the WAL switch retried, 9 of 150 single rounds of 16 failed; this test
/// failed in under a second). Run with
/// `cargo test --release --test store -- --ignored`.
#[test]
#[ignore = "stress test, about 10 s in release"]
fn parallel_creation_stress() {
    for _ in 0..100 {
        race_to_create_and_write(32);
    }
}

#[test]
fn an_older_database_is_migrated_and_keeps_its_data() {
    // A database as the first release wrote it: schema version 1.
    let env = Env::new();
    std::fs::create_dir_all(env.db.parent().unwrap()).unwrap();
    {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        let v1 =
            std::fs::read_to_string(common::repo_path("src/store/migrations/0001_initial.sql"))
                .unwrap();
        conn.execute_batch(&v1).unwrap();
        conn.pragma_update(None, "application_id", beast::store::APPLICATION_ID)
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO reading (metric, value, at, source, note, recorded_at)
             VALUES ('cacheHitRate', 33, '2026-01-05T10:00:00Z', 'manual', 'before the upgrade', '2026-01-05T10:00:00Z')",
            [],
        )
        .unwrap();
    }
    env.ok(&["metric", "cacheHitRate", "35"]);
    let r = env.report();
    let m = r["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "cacheHitRate")
        .unwrap()
        .clone();
    assert_eq!(m["count"], 2);
    assert_eq!(m["trend"], serde_json::json!([33.0, 35.0]));
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let version: i32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, beast::store::SCHEMA_VERSION);
    let note: String = conn
        .query_row("SELECT note FROM reading WHERE value = 33", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(note, "before the upgrade");
}

#[test]
fn a_schema_4_database_is_migrated_and_shows_what_it_showed() {
    // tests/fixtures/v4: a personal database written by the last release with
    // schema version 4 (completions, an undo, ad-hoc work, readings, an undo
    // of a reading, dog food, two benchmark runs, retractions of a run and of
    // a dog-food event), and what that release printed of it (make.sh).
    let env = Env::on("2026-02-10");
    let fixture = |name: &str| common::repo_path(&format!("tests/fixtures/v4/{name}"));
    std::fs::create_dir_all(env.db.parent().unwrap()).unwrap();
    std::fs::copy(fixture("beast.db"), &env.db).unwrap();
    let read = |name: &str| std::fs::read_to_string(fixture(name)).unwrap();
    let without_first_line = |s: String| s.split_once('\n').unwrap().1.to_string();

    assert_eq!(env.ok(&["export"]), read("export.jsonl"));
    let mut report = env.report();
    let report = report.as_object_mut().unwrap();
    report.remove("generated_at");
    report.remove("history");
    let mut was: serde_json::Value = serde_json::from_str(&read("report.json")).unwrap();
    // Two changes since: a metric's trend is the series (source) of its
    // latest reading, and a reading of beast's built-in workload is not the
    // headline while the team has a series of its own. The fixture's
    // cacheHitRate mixed manual 31 and 38 with a built-in benchmark's
    // 37.675; its headline and trend are now the manual series'.
    let metrics = |r: &mut serde_json::Value| r["metrics"].as_array_mut().unwrap().clone();
    let hit = |ms: &[serde_json::Value]| {
        ms.iter().find(|m| m["id"] == "cacheHitRate").unwrap()["trend"].clone()
    };
    let mut now = serde_json::Value::Object(report.clone());
    assert_eq!(
        hit(&metrics(&mut was)),
        serde_json::json!([31.0, 38.0, 37.675])
    );
    assert_eq!(hit(&metrics(&mut now)), serde_json::json!([31.0, 38.0]));
    let headline = metrics(&mut now)
        .into_iter()
        .find(|m| m["id"] == "cacheHitRate")
        .unwrap()["latest"]
        .clone();
    assert_eq!(
        (headline["value"].clone(), headline["source"].clone()),
        (serde_json::json!(38.0), serde_json::json!("manual"))
    );
    for r in [&mut was, &mut now] {
        for m in r["metrics"].as_array_mut().unwrap() {
            let m = m.as_object_mut().unwrap();
            if m["id"] == "cacheHitRate" {
                for k in ["trend", "latest", "verdict"] {
                    m.remove(k);
                }
            }
            if let Some(l) = m.get_mut("latest").and_then(|l| l.as_object_mut()) {
                l.remove("reference");
            }
        }
    }
    // Two changes since: the fields of report schema 3 (claims and proof)
    // are new, and the rest is as it was.
    assert_eq!(was["schema_version"], 2);
    assert_eq!(now["schema_version"], 3);
    assert_eq!(
        now["claims"]["completed"], now["progress"]["overall"]["completed"],
        "every counted completion is assessed"
    );
    assert_eq!(now["claims"]["verified"], 0, "no evidence in schema 4");
    // Each metric's series sum to its count, and the newest of the team's
    // own series (else the newest) is `latest`'s.
    for m in now["metrics"].as_array().unwrap() {
        let series = m["series"].as_array().unwrap();
        let sum: u64 = series.iter().map(|s| s["readings"].as_u64().unwrap()).sum();
        assert_eq!(sum, m["count"].as_u64().unwrap(), "{m}");
        let headline = series
            .iter()
            .find(|s| s["reference"] == false)
            .or(series.first());
        if let (Some(h), Some(latest)) = (headline, m.get("latest").filter(|l| !l.is_null())) {
            assert_eq!(h["source"], latest["source"], "{m}");
        }
    }
    strip_schema_3(&mut now);
    now.as_object_mut().unwrap().remove("identity");
    let roadmap = now["roadmap"].as_object_mut().unwrap();
    roadmap.remove("name");
    roadmap.remove("start");
    was.as_object_mut().unwrap().remove("schema_version");
    assert_eq!(now, was);
    assert_eq!(
        without_first_line(env.ok(&["log", "--limit", "100"])),
        read("log.txt")
    );
    assert_eq!(
        without_first_line(env.ok(&["metric", "cacheHitRate"])),
        read("metric.txt")
    );
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let version: i32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, beast::store::SCHEMA_VERSION);

    // And it goes on working: a correction of a migrated record.
    let out = env.ok(&[
        "undo",
        "--author",
        "alice@example.com",
        "--today",
        "2026-02-10T12:00:00Z",
    ]);
    assert!(out.contains("Write the onboarding notes"), "{out}");
    assert_eq!(
        was["adhoc"],
        serde_json::json!([{"count": 1, "month": 1}, {"count": 1, "month": 2}])
    );
    assert_eq!(
        env.report()["adhoc"],
        serde_json::json!([{"count": 1, "month": 1}])
    );
}

/// A report without what schema 3 added: `claims`, `completions`,
/// `verified` beside each `completed`, month tasks' `standing` and `flags`.
fn strip_schema_3(r: &mut serde_json::Value) {
    let o = r.as_object_mut().unwrap();
    for k in ["schema_version", "claims", "completions"] {
        o.remove(k);
    }
    for scope in ["overall", "year", "quarter", "month"] {
        let count = r["progress"][scope].as_object_mut().unwrap();
        count.remove("verified");
        count.remove("target_unmet");
    }
    for m in r["progress"]["months"].as_array_mut().unwrap() {
        m.as_object_mut().unwrap().remove("verified");
    }
    for t in r["month_tasks"].as_array_mut().unwrap() {
        let t = t.as_object_mut().unwrap();
        t.remove("standing");
        t.remove("flags");
    }
    // A catalog metric added since, and a cache run's hit counts.
    r["metrics"]
        .as_array_mut()
        .unwrap()
        .retain(|m| m["id"] != "falseHitRate");
    for m in r["metrics"].as_array_mut().unwrap() {
        m.as_object_mut().unwrap().remove("series");
        let run = m
            .get_mut("latest")
            .and_then(|l| l.get_mut("run"))
            .and_then(|r| r.as_object_mut());
        if let Some(run) = run {
            run.remove("hits_served");
            run.remove("false_hits");
        }
    }
}
