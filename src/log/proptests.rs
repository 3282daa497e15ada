//! The property behind the log's trust model: random honest histories of
//! several authors, with hostile lines mixed into their files, read by
//! catching up a little at a time (files visited in a random order) and by
//! one rebuild, give the same state — and it is the state of the honest
//! events alone, less the ids a forged copy withholds, to the last digit.

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

use crate::domain::event::{self, Body, Event, EventId};
use crate::domain::validate::author_file_name;
use crate::domain::{DogfoodKind, TaskRef};
use crate::store::apply_tests::{export, state};
use crate::store::{LineAt, Store};

const AUTHORS: [&str; 3] = ["a@example.com", "b@example.com", "c@example.com"];

/// One step of a generated history: (author, kind, a number for values
/// and targets).
type Step = (usize, u8, u64);

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap() + Duration::minutes(minutes)
}

/// The honest events of a history: readings with values of many digits,
/// dog food, completions of a planned task, and retractions and undos of
/// earlier events.
fn honest(steps: &[Step]) -> Vec<Event> {
    let mut events: Vec<Event> = Vec::new();
    for (i, (who, kind, n)) in steps.iter().enumerate() {
        let t = at(i as i64);
        let body = match kind % 6 {
            0 | 1 => Body::Reading(event::Reading {
                metric: if n % 2 == 0 {
                    "latency"
                } else {
                    "cacheHitRate"
                }
                .into(),
                // Values whose shortest text has 15 to 17 digits.
                value: (*n % 100) as f64 + 1.0 / (3.0 + (*n % 7) as f64),
                measured_at: t,
                source: "manual".into(),
                note: None,
                run: None,
            }),
            2 => Body::Dogfood(event::Dogfood {
                kind: DogfoodKind::Test,
                generated: n % 2 == 0,
                at: t,
                note: None,
            }),
            3 => Body::Completion(event::Completion {
                month: 1,
                week: 1,
                task: Some(TaskRef {
                    month: 1,
                    block_first_week: 1,
                    key: "fixfailedrequesttracking".into(),
                }),
                title: "Fix failed request tracking".into(),
                note: None,
                completed_at: t,
                legacy_name: None,
            }),
            k if !events.is_empty() => {
                let target = events[*n as usize % events.len()].id;
                if k == 4 {
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
        events.push(Event {
            id: EventId::from_parts(t.timestamp_millis() as u64, i as u128 + 1),
            author: AUTHORS[*who].into(),
            recorded_at: t,
            body,
        });
    }
    events
}

/// A hostile line of kind `kind` made from honest event `e`; and whether it
/// withholds `e` (a valid copy of its id with other content).
fn hostile(kind: u8, e: &Event) -> (String, bool) {
    let mut copy = e.clone();
    match kind % 7 {
        0 => ("\u{1}not json at all".into(), false),
        1 => (
            e.to_line()
                .replace(&e.id.text(), &e.id.text().to_lowercase()),
            false,
        ),
        2 => {
            // Another author's line claiming e's author: skipped, not a copy.
            copy.recorded_at -= Duration::days(300);
            (copy.to_line(), false)
        }
        3 => (
            format!(
                r#"{{"v":1,"id":"{}","kind":"bench_run","author":"{}","recorded_at":"2026-01-05T00:00:00.000Z","bench":"evil","workload":"w","params":[],"results":[],"recorded":"c","started_at":"2026-01-05T00:00:00.000Z","duration_ms":1}}"#,
                EventId::from_parts(1, u128::from(kind)),
                e.author
            ),
            false,
        ),
        4 => ("<<<<<<< HEAD".into(), false),
        5 => ("{".repeat(super::MAX_LINE + 1), false),
        _ if matches!(e.body, Body::Undo { .. } | Body::Retraction { .. }) => {
            // A valid record with a correction's id, in its author's own
            // file: the correction still stands (nothing it took back
            // counts again), and the copy counts for nothing.
            copy.body = Body::Dogfood(event::Dogfood {
                kind: DogfoodKind::ALL[0],
                generated: false,
                at: e.recorded_at,
                note: None,
            });
            (copy.to_line(), false)
        }
        _ => {
            // A valid copy of e's id with other content, in its own file.
            copy.recorded_at -= Duration::days(1);
            (copy.to_line(), true)
        }
    }
}

/// Files by author: the honest lines in order with hostile ones inserted.
/// Returns the files and the ids the hostile lines withhold.
fn files(events: &[Event], attacks: &[(u8, u64, usize)]) -> (Vec<Vec<String>>, Vec<EventId>) {
    let mut files: Vec<Vec<String>> = vec![Vec::new(); AUTHORS.len()];
    for e in events {
        let who = AUTHORS.iter().position(|a| *a == e.author).unwrap();
        files[who].push(e.to_line());
    }
    let mut withheld = Vec::new();
    for (kind, pick, place) in attacks {
        let e = &events[*pick as usize % events.len()];
        let (line, withholds) = hostile(*kind, e);
        let who = AUTHORS.iter().position(|a| *a == e.author).unwrap();
        // A claim of another's authorship goes into a file not its author's.
        let into = if kind % 7 == 2 {
            (who + 1) % AUTHORS.len()
        } else {
            who
        };
        let f = &mut files[into];
        let at = place % (f.len() + 1);
        f.insert(at, line);
        if withholds {
            withheld.push(e.id);
        }
    }
    (files, withheld)
}

fn sync_dir(store: &mut Store, dir: &std::path::Path) -> Vec<String> {
    let rules = super::rebuild::tests::rules();
    let mut warnings = Vec::new();
    super::sync(
        store,
        dir,
        &rules,
        &|n: &str| n.to_string(),
        &mut |w: String| warnings.push(w),
    )
    .unwrap();
    warnings
}

fn write(dir: &std::path::Path, who: usize, lines: &[String]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.join(author_file_name(AUTHORS[who])), text).unwrap();
}

proptest! {
    #![proptest_config(Config {
        cases: 48,
        rng_seed: RngSeed::Fixed(0xBEA5_7106),
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn catching_up_and_rebuilding_agree_and_keep_every_honest_figure(
        steps in prop::collection::vec((0..3usize, 0..6u8, 0..1000u64), 1..30),
        attacks in prop::collection::vec((0..7u8, 0..1000u64, 0..100usize), 0..6),
        cuts in prop::collection::vec(0..100usize, 1..4),
        order in Just([0usize, 1, 2]).prop_shuffle(),
    ) {
        let events = honest(&steps);
        prop_assume!(!events.is_empty());
        let (files, withheld) = files(&events, &attacks);

        // A little at a time: each step writes a longer prefix of every
        // file, in a random order of files, and catches up.
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("events");
        std::fs::create_dir_all(&dir).unwrap();
        let mut stepwise = Store::open(&tmp.path().join("stepwise.db")).unwrap();
        stepwise.set_log_dir(dir.clone());
        for cut in cuts.iter().chain([&100]) {
            for &who in &order {
                let n = files[who].len() * cut / 100;
                write(&dir, who, &files[who][..n]);
                sync_dir(&mut stepwise, &dir);
            }
        }
        let mut rebuilt = Store::open(&tmp.path().join("rebuilt.db")).unwrap();
        rebuilt.set_log_dir(dir.clone());
        sync_dir(&mut rebuilt, &dir);
        // The same rebuild reading lines back from the files, as a log too
        // large to keep in memory is read.
        super::rebuild::KEEP_LIMIT.with(|k| k.set(0));
        let mut streamed = Store::open(&tmp.path().join("streamed.db")).unwrap();
        streamed.set_log_dir(dir.clone());
        sync_dir(&mut streamed, &dir);
        super::rebuild::KEEP_LIMIT.with(|k| k.set(super::rebuild::KEEP_TEXT));

        // What the honest events alone give, less the withheld ids.
        let mut expected = Store::open_in_memory().unwrap();
        expected
            .write(|w| {
                for e in events.iter().filter(|e| !withheld.contains(&e.id)) {
                    w.apply(e, LineAt::Text(&e.to_line()))?;
                }
                Ok(())
            })
            .unwrap();
        let want = state(&mut expected);
        prop_assert_eq!(&state(&mut stepwise), &want);
        prop_assert_eq!(&state(&mut rebuilt), &want);
        prop_assert_eq!(&state(&mut streamed), &want);
        let lines = export(&mut expected);
        prop_assert_eq!(&export(&mut stepwise), &lines);
        prop_assert_eq!(&export(&mut rebuilt), &lines);
        prop_assert_eq!(&export(&mut streamed), &lines);
        // Every honest reading's value, read back exactly.
        for line in &lines {
            let e = Event::from_line(line).unwrap();
            let original = events.iter().find(|o| o.id == e.id).unwrap();
            prop_assert_eq!(&e, original);
        }
    }
}
