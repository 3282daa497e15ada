//! Tests of the one write path: every kind of event, applied in any order
//! and by bulk load, gives one state.

use chrono::{DateTime, TimeZone, Utc};

use super::LineAt;
use crate::domain::event::{self, Body, Event, EventId};
use crate::domain::{DogfoodKind, TaskRef};
use crate::store::Store;

fn at(day: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, day, h, 0, 0).unwrap()
}

fn ev(n: u128, t: DateTime<Utc>, body: Body) -> Event {
    Event {
        id: EventId::from_parts(t.timestamp_millis() as u64, n),
        author: "a@example.com".into(),
        recorded_at: t,
        body,
    }
}

fn reading(n: u128, day: u32, metric: &str, value: f64, run: Option<EventId>) -> Event {
    from_source(n, day, metric, value, run, "manual")
}

fn from_source(
    n: u128,
    day: u32,
    metric: &str,
    value: f64,
    run: Option<EventId>,
    source: &str,
) -> Event {
    ev(
        n,
        at(day, 9),
        Body::Reading(event::Reading {
            metric: metric.into(),
            value,
            measured_at: at(day, 8),
            source: source.into(),
            note: None,
            run,
        }),
    )
}

fn evidence(n: u128, day: u32, completion: EventId, proof: event::Proof) -> Event {
    ev(
        n,
        at(day, 13),
        Body::Evidence(event::Evidence { completion, proof }),
    )
}

/// A history with every kind of event, undos and retractions among
/// them, and a duplicate.
pub(crate) fn history() -> Vec<Event> {
    let task = TaskRef {
        month: 1,
        block_first_week: 1,
        key: "fixfailedrequesttracking".into(),
    };
    let done = |n, day| {
        ev(
            n,
            at(day, 10),
            Body::Completion(event::Completion {
                month: 1,
                week: 1,
                task: Some(task.clone()),
                title: "Fix failed request tracking".into(),
                note: None,
                completed_at: at(day, 10),
                legacy_name: None,
            }),
        )
    };
    let adhoc = ev(
        20,
        at(4, 10),
        Body::Completion(event::Completion {
            month: 2,
            week: 1,
            task: None,
            title: "Hotfix".into(),
            note: None,
            completed_at: at(4, 10),
            legacy_name: None,
        }),
    );
    let run = ev(
        30,
        at(5, 9),
        Body::BenchRun(event::BenchRun {
            bench: "cache".into(),
            seed: Some(7),
            workload: "w".into(),
            params: serde_json::json!([]),
            results: serde_json::json!([]),
            recorded: "c".into(),
            started_at: at(5, 9),
            duration_ms: 1.0,
        }),
    );
    let typo = reading(2, 3, "latency", 2000.0, None);
    let first = done(10, 2);
    let second = done(12, 4);
    // The newest `ci` latency is retracted: the series' newest is the one
    // before it again.
    let ci_newest = from_source(51, 6, "latency", 190.0, None, "ci");
    let url = evidence(
        61,
        5,
        second.id,
        event::Proof::Url("https://ci.example.com/1".into()),
    );
    let dog = ev(
        40,
        at(6, 9),
        Body::Dogfood(event::Dogfood {
            kind: DogfoodKind::Test,
            generated: true,
            at: at(6, 9),
            note: None,
        }),
    );
    vec![
        reading(1, 2, "latency", 300.0, None),
        typo.clone(),
        ev(
            3,
            at(3, 11),
            Body::Retraction {
                target: typo.id,
                reason: None,
            },
        ),
        first.clone(),
        ev(11, at(3, 12), Body::Undo { target: first.id }),
        second.clone(),
        evidence(
            60,
            4,
            second.id,
            event::Proof::Commit("0123456789abcdef0123456789abcdef01234567".into()),
        ),
        evidence(
            63,
            4,
            first.id,
            event::Proof::Commit("0123456789abcdef0123456789abcdef01234567".into()),
        ),
        url.clone(),
        ev(
            62,
            at(6, 2),
            Body::Retraction {
                target: url.id,
                reason: None,
            },
        ),
        from_source(50, 2, "latency", 210.0, None, "ci"),
        ci_newest.clone(),
        ev(
            52,
            at(7, 2),
            Body::Retraction {
                target: ci_newest.id,
                reason: None,
            },
        ),
        adhoc.clone(),
        ev(
            21,
            at(7, 1),
            Body::Retraction {
                target: adhoc.id,
                reason: None,
            },
        ),
        run.clone(),
        reading(31, 5, "cacheHitRate", 40.0, Some(run.id)),
        ev(
            32,
            at(6, 1),
            Body::Retraction {
                target: run.id,
                reason: None,
            },
        ),
        dog.clone(),
        ev(
            41,
            at(8, 1),
            Body::Retraction {
                target: dog.id,
                reason: None,
            },
        ),
        reading(1, 2, "latency", 300.0, None), // a duplicate
    ]
}

/// Everything a report reads, as one comparable value.
/// What the store's queries say, as one string to compare.
pub(crate) fn state(store: &mut Store) -> String {
    store
        .read(|r| {
            Ok(format!(
                "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
                r.series_of("latency")?,
                r.series_of("cacheHitRate")?,
                r.live_evidence()?,
                r.planned_completions()?,
                r.latest_readings("latency", 10)?,
                r.reading_count("latency")?,
                r.reading_count("cacheHitRate")?,
                r.reading_history("cacheHitRate", 10)?,
                r.dogfood_counts()?,
                r.adhoc_per_month()?,
                r.recent_completions(5)?,
            ))
        })
        .unwrap()
}

/// Every event of a store as a line of the log, in the order export writes
/// them.
pub(crate) fn export(store: &mut Store) -> Vec<String> {
    store
        .read(|r| {
            let mut out = Vec::new();
            r.event_lines(None, |l| {
                out.push(l.to_string());
                Ok(())
            })?;
            Ok(out)
        })
        .unwrap()
}

fn apply_each(events: &[Event]) -> String {
    let mut s = Store::open_in_memory().unwrap();
    s.write(|w| {
        for e in events {
            w.apply(e, LineAt::Text(&e.to_line()))?;
        }
        Ok(())
    })
    .unwrap();
    state(&mut s)
}

#[test]
fn the_result_does_not_depend_on_the_order_events_arrive_in() {
    let events = history();
    let forward = apply_each(&events);
    let mut reversed = events.clone();
    reversed.reverse();
    assert_eq!(apply_each(&reversed), forward);
    let mut shuffled = events.clone();
    shuffled.rotate_left(5);
    shuffled.swap(0, 7);
    assert_eq!(apply_each(&shuffled), forward);

    let mut bulk = Store::open_in_memory().unwrap();
    let lines: Vec<String> = events.iter().map(Event::to_line).collect();
    bulk.write(|w| w.apply_all_fresh(events.iter().zip(&lines).map(|(e, l)| (e, LineAt::Text(l)))))
        .unwrap();
    assert_eq!(state(&mut bulk), forward);

    // In batches after a first part applied one by one (a pull), in
    // both orders: the counts are summed over a batch and written once.
    for order in [events.clone(), reversed.clone()] {
        for first in [0, 3] {
            let mut pulled = Store::open_in_memory().unwrap();
            let lines: Vec<String> = order.iter().map(Event::to_line).collect();
            let at = |k: usize| (&order[k], LineAt::Text(&lines[k]));
            pulled
                .write(|w| {
                    for k in 0..first {
                        w.apply(at(k).0, at(k).1)?;
                    }
                    let batch = w.apply_batch((first..first + 6).map(at))?;
                    assert_eq!(batch.added, 6);
                    w.apply_batch((0..order.len()).map(at))?;
                    Ok(())
                })
                .unwrap();
            assert_eq!(state(&mut pulled), forward, "first {first}");
        }
    }

    // What the state says: the undone completion and the retractions
    // count for nothing, the later completion counts, the duplicate once.
    assert!(forward.contains("value: 300.0"), "{forward}");
    let counts = bulk
        .read(|r| {
            Ok((
                r.reading_count("latency")?,
                r.reading_count("cacheHitRate")?,
            ))
        })
        .unwrap();
    assert_eq!(counts, (2, 0));
    let series = bulk.read(|r| r.series_of("latency")).unwrap();
    let newest: Vec<(&str, u64, f64)> = series
        .iter()
        .map(|s| (s.source.as_str(), s.readings, s.latest_value))
        .collect();
    assert_eq!(newest, [("ci", 1, 210.0), ("manual", 1, 300.0)]);
    // Evidence of the counted completion only (the undone one's is not
    // live), and not the retracted URL.
    let evidence = bulk.read(|r| r.live_evidence()).unwrap();
    assert_eq!(evidence.len(), 1, "{evidence:?}");
    let second = history()
        .into_iter()
        .find(|e| matches!(&e.body, Body::Completion(c) if c.completed_at == at(4, 10)))
        .unwrap();
    assert_eq!(evidence[0].completion, second.id.text());
    let done = bulk.read(|r| r.planned_completions()).unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].completed_at, "2026-01-04T10:00:00Z");
    assert!(bulk.read(|r| r.adhoc_per_month()).unwrap().is_empty());
}

#[test]
fn a_bulk_load_leaves_the_schema_as_the_migrations_made_it() {
    let schema = |s: &mut Store| -> Vec<(String, String)> {
        s.read(|r| {
            let mut stmt = r
                .conn
                .prepare("SELECT name, coalesce(sql, '') FROM sqlite_master ORDER BY name")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap()
    };
    let mut s = Store::open_in_memory().unwrap();
    let before = schema(&mut s);
    let events = history();
    let lines: Vec<String> = events.iter().map(Event::to_line).collect();
    s.write(|w| w.apply_all_fresh(events.iter().zip(&lines).map(|(e, l)| (e, LineAt::Text(l)))))
        .unwrap();
    assert_eq!(schema(&mut s), before);
}
