//! The memory index answers every question as the SQLite index does, on
//! random logs with every kind of event: series of several sources with
//! readings out of time order and sharing a second, benchmark runs whose
//! retraction takes their readings, ad-hoc and repeated completions,
//! evidence, and undos and retractions of anything (corrections too).

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

use super::*;
use crate::domain::event::{self, Body, Event, EventId, Proof};
use crate::domain::validate::{author_file_name, Rules};
use crate::store::Store;

const AUTHORS: [&str; 2] = ["a@example.com", "b@example.com"];
const METRICS: [&str; 3] = ["cacheHitRate", "latency", "semanticHitRate"];
const SOURCES: [&str; 3] = ["manual", "ci", "bench:cache"];
const TASKS: [(&str, &str); 2] = [
    ("Fix failed request tracking", "fixfailedrequesttracking"),
    ("Enhanced error context", "enhancederrorcontext"),
];

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn events(steps: &[(usize, u8, u64)]) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    let mut runs: Vec<EventId> = Vec::new();
    let mut completions: Vec<EventId> = Vec::new();
    for (i, (who, kind, n)) in steps.iter().enumerate() {
        // Some events share a second; some readings were measured
        // before others recorded earlier.
        let t = at(i as i64 / 2);
        let id = EventId::from_parts(t.timestamp_millis() as u64, i as u128 + 1);
        let body = match kind % 10 {
            0..=2 => Body::Reading(event::Reading {
                metric: METRICS[*n as usize % 3].into(),
                value: (*n % 97) as f64 + 1.0 / (3.0 + (*n % 7) as f64),
                measured_at: t - Duration::minutes((*n % 3) as i64),
                source: SOURCES[(*n / 3) as usize % 3].into(),
                note: (n % 5 == 0).then(|| format!("note {n}")),
                run: (n % 4 == 0 && !runs.is_empty()).then(|| runs[*n as usize % runs.len()]),
            }),
            3 => Body::Dogfood(event::Dogfood {
                kind: DogfoodKind::ALL[*n as usize % DogfoodKind::ALL.len()],
                generated: n % 2 == 0,
                at: t,
                note: None,
            }),
            4 | 5 => {
                let (title, key) = TASKS[*n as usize % 2];
                let planned = kind % 10 == 4;
                completions.push(id);
                Body::Completion(event::Completion {
                    month: 1,
                    week: 1,
                    task: planned.then(|| TaskRef {
                        month: 1,
                        block_first_week: 1,
                        key: key.into(),
                    }),
                    title: if planned {
                        title.into()
                    } else {
                        format!("Ad hoc {}", n % 3)
                    },
                    note: None,
                    completed_at: t - Duration::minutes((*n % 2) as i64),
                    legacy_name: None,
                })
            }
            6 => {
                runs.push(id);
                Body::BenchRun(event::BenchRun {
                    bench: "cache".into(),
                    seed: Some(*n),
                    workload: "w".into(),
                    params: serde_json::json!([{ "n": n }]),
                    results: serde_json::json!([]),
                    recorded: "exact".into(),
                    started_at: t,
                    duration_ms: 1.5,
                })
            }
            7 if !completions.is_empty() => Body::Evidence(event::Evidence {
                completion: completions[*n as usize % completions.len()],
                proof: Proof::Url(format!("https://example.com/{n}")),
            }),
            k @ (8 | 9) if !out.is_empty() => {
                let target = out[*n as usize % out.len()].id;
                if k == 8 {
                    Body::Retraction {
                        target,
                        reason: None,
                    }
                } else {
                    Body::Undo { target }
                }
            }
            _ => continue,
        };
        out.push(Event {
            id,
            author: AUTHORS[*who].into(),
            recorded_at: t,
            body,
        });
    }
    out
}

/// Every answer of `f` about the history of `events`, as text.
fn answers(f: &dyn Facts, events: &[Event]) -> String {
    let mut out = String::new();
    let mut say = |what: String| out.push_str(&(what + "\n"));
    say(format!("{:?}", f.planned_completions().unwrap()));
    for n in [1, 5, 1000] {
        say(format!("{:?}", f.recent_completions(n).unwrap()));
    }
    say(format!("{:?}", f.adhoc_per_month().unwrap()));
    say(format!("{:?}", f.dogfood_counts().unwrap()));
    say(format!("{:?}", f.all_series().unwrap()));
    say(format!("{:?}", f.live_evidence().unwrap()));
    for m in METRICS {
        say(format!("{:?}", f.series_of(m).unwrap()));
        say(format!("{:?}", f.reading_sources(m).unwrap()));
        for n in [1, 3, 1000] {
            say(format!("{:?}", f.latest_readings(m, n).unwrap()));
        }
        for s in SOURCES {
            for n in [2, 1000] {
                say(format!("{:?}", f.trend(m, s, n).unwrap()));
                say(format!("{:?}", f.series(m, s, None, n).unwrap()));
                for until in [at(3), at(7)] {
                    let until = timestamp(until);
                    say(format!("{:?}", f.series(m, s, Some(&until), n).unwrap()));
                }
            }
        }
    }
    for e in events {
        let id = e.id.text();
        say(format!("{:?}", f.reading(&id).unwrap()));
        say(format!("{:?}", f.bench_run(&id).unwrap()));
    }
    out
}

fn rules() -> Rules {
    let (catalog, roadmap) = crate::roadmap_files::load(&crate::roadmap_files::embedded()).unwrap();
    Rules::new(&catalog, &roadmap)
}

proptest! {
    #![proptest_config(Config {
        cases: 64,
        rng_seed: RngSeed::Fixed(0x4E1D_0001),
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn the_memory_index_answers_as_the_sqlite_index(
        steps in prop::collection::vec((0..2usize, 0..10u8, 0..1000u64), 1..60),
    ) {
        let events = events(&steps);
        prop_assume!(!events.is_empty());
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("events");
        std::fs::create_dir_all(&dir).unwrap();
        for who in AUTHORS {
            let text: String = events
                .iter()
                .filter(|e| e.author == who)
                .map(|e| e.to_line() + "\n")
                .collect();
            std::fs::write(dir.join(author_file_name(who)), text).unwrap();
        }
        let rules = rules();
        let shown = |n: &str| n.to_string();
        let mut warned = Vec::new();
        let mut index = Store::open(&tmp.path().join("index.db")).unwrap();
        index.set_log_dir(dir.clone());
        crate::log::sync(&mut index, &dir, &rules, &shown, &mut |w| warned.push(w)).unwrap();
        let want = index.read(|r| Ok(answers(r, &events))).unwrap();
        // Kept whole, and read back a window at a time.
        for limit in [crate::log::KEEP_TEXT, 0] {
            crate::log::KEEP_LIMIT.with(|k| k.set(limit));
            let mut held_warned = Vec::new();
            let held = crate::log::hold(&dir, &rules, &shown, &mut |w| held_warned.push(w)).unwrap();
            prop_assert_eq!(held.events(), events.len() as u64, "every event is taken");
            prop_assert_eq!(&answers(&held, &events), &want);
            prop_assert_eq!(&held_warned, &warned);
        }
        crate::log::KEEP_LIMIT.with(|k| k.set(crate::log::KEEP_TEXT));
    }
}
