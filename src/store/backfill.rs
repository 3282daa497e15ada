//! Databases written before events existed: every row gets an event of its
//! own when the database is first opened by an events-aware beast, so old
//! records can be exported, merged and retracted like new ones. Ids are
//! derived from the rows, so the same database always gets the same ids.
//! It runs right after migration 0004, on the schema that migration made
//! (an `event` table beside the record tables); 0005 then folds the two.

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::{params, Transaction};

use super::apply::parse_event_time as parse_stored_time;
use crate::domain::event::{self, Body, Event, EventId};
use crate::domain::{DogfoodKind, TaskRef};

/// Gives every row of a database written before events existed an event of
/// its own, so that it can be exported, merged and retracted like any other.
/// Ids are derived from the row (table, row id and content), so the same
/// database always gets the same ids. Undone completions also get their undo.
/// A row an event was made from: its table, row id and (for a reading) run.
type Link = (&'static str, i64, Option<EventId>);

pub(super) fn backfill_events(tx: &Transaction) -> Result<()> {
    const AUTHOR: &str = "local";
    // (the row the event is made from: table, row id, its run; the event)
    let mut events: Vec<(Option<Link>, Event)> = Vec::new();
    let mut run_ids: std::collections::HashMap<i64, EventId> = std::collections::HashMap::new();
    let derive = |table: &str, rowid: i64, at: DateTime<Utc>, extra: &str| {
        let millis = at.timestamp_millis().max(0) as u64;
        EventId::derived(
            millis,
            format!("{table}\u{0}{rowid}\u{0}{extra}").as_bytes(),
        )
    };
    {
        let mut stmt = tx.prepare(
            "SELECT id, kind, seed, workload, params, results, recorded, started_at, duration_ms
             FROM bench_run",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, f64>(8)?,
            ))
        })?;
        for row in rows {
            let (rowid, kind, seed, workload, params, results, recorded, started, duration) = row?;
            let at = parse_stored_time(&started);
            let id = derive("bench_run", rowid, at, &results);
            run_ids.insert(rowid, id);
            events.push((
                Some(("bench_run", rowid, None)),
                Event {
                    id,
                    author: AUTHOR.into(),
                    recorded_at: at,
                    body: Body::BenchRun(event::BenchRun {
                        bench: kind,
                        seed: seed.map(|s| s as u64),
                        workload,
                        params: serde_json::from_str(&params).unwrap_or_default(),
                        results: serde_json::from_str(&results).unwrap_or_default(),
                        recorded,
                        started_at: at,
                        duration_ms: duration,
                    }),
                },
            ));
        }
    }
    {
        let mut stmt = tx.prepare(
            "SELECT id, metric, value, at, source, note, recorded_at, run_id FROM reading",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, f64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<i64>>(7)?,
            ))
        })?;
        for row in rows {
            let (rowid, metric, value, at, source, note, recorded, run) = row?;
            let recorded_at = parse_stored_time(&recorded);
            let id = derive("reading", rowid, recorded_at, &metric);
            let run = run.and_then(|r| run_ids.get(&r).copied());
            events.push((
                Some(("reading", rowid, run)),
                Event {
                    id,
                    author: AUTHOR.into(),
                    recorded_at,
                    body: Body::Reading(event::Reading {
                        metric,
                        value,
                        measured_at: parse_stored_time(&at),
                        source,
                        note,
                        run,
                    }),
                },
            ));
        }
    }
    {
        let mut stmt = tx.prepare(
            "SELECT id, month, week, block_first_week, task_key, title, adhoc, note, completed_at, undone_at
             FROM completion",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, u8>(2)?,
                r.get::<_, Option<u8>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, bool>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, Option<String>>(9)?,
            ))
        })?;
        for row in rows {
            let (rowid, month, week, block, key, title, adhoc, note, done, undone) = row?;
            let at = parse_stored_time(&done);
            let id = derive("completion", rowid, at, &title);
            let task = match (adhoc, block) {
                (false, Some(b)) => Some(TaskRef {
                    month,
                    block_first_week: b,
                    key,
                }),
                _ => None,
            };
            events.push((
                Some(("completion", rowid, None)),
                Event {
                    id,
                    author: AUTHOR.into(),
                    recorded_at: at,
                    body: Body::Completion(event::Completion {
                        month,
                        week,
                        task,
                        title,
                        note,
                        completed_at: at,
                        legacy_name: None,
                    }),
                },
            ));
            if let Some(undone) = undone {
                let at = parse_stored_time(&undone);
                let undo = derive("undo", rowid, at, "");
                events.push((
                    None,
                    Event {
                        id: undo,
                        author: AUTHOR.into(),
                        recorded_at: at,
                        body: Body::Undo { target: id },
                    },
                ));
            }
        }
    }
    {
        let mut stmt = tx.prepare("SELECT id, kind, generated, at, note FROM dogfood")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        for row in rows {
            let (rowid, kind, generated, at, note) = row?;
            let at = parse_stored_time(&at);
            let id = derive("dogfood", rowid, at, &kind);
            events.push((
                Some(("dogfood", rowid, None)),
                Event {
                    id,
                    author: AUTHOR.into(),
                    recorded_at: at,
                    body: Body::Dogfood(event::Dogfood {
                        kind: DogfoodKind::parse(&kind).unwrap_or(DogfoodKind::Improvement),
                        generated,
                        at,
                        note,
                    }),
                },
            ));
        }
    }
    let mut insert = tx.prepare(
        "INSERT OR IGNORE INTO event (id, kind, author, recorded_at, target, record, line)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (link, e) in &events {
        let record = match link {
            Some((table, rowid, run)) => {
                tx.execute(
                    &format!("UPDATE {table} SET event_id = ?1 WHERE id = ?2"),
                    params![e.id.to_string(), rowid],
                )?;
                if let Some(run) = run {
                    tx.execute(
                        "UPDATE reading SET run_event = ?1 WHERE id = ?2",
                        params![run.to_string(), rowid],
                    )?;
                }
                Some(*rowid)
            }
            None => None,
        };
        insert.execute(params![
            e.id.to_string(),
            e.body.kind(),
            e.author,
            event::log_time(e.recorded_at),
            e.body.target().map(|t| t.to_string()),
            record,
            e.to_line()
        ])?;
    }
    Ok(())
}
