//! The one write path: an [`Event`] applied to the store.
//!
//! Commands, importers and the project log all end here. Applying is
//! idempotent (an event id already present is skipped) and commutative: the
//! state after a set of events does not depend on the order they arrive in,
//! because merged logs deliver them in any order. That is why
//! - an undo or retraction may arrive before its target; it is remembered in
//!   the `event` table and takes effect when the target arrives;
//! - two retractions of one event keep the earliest time, whichever came first;
//! - completions of the same task are all kept and queries take the earliest.

use anyhow::Result;
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

use super::{timestamp, Writer};
use crate::domain::event::{self, Body, Event, EventId};
use crate::domain::matching::normalize;
use crate::domain::{DogfoodKind, TaskRef};

/// Whether applying an event changed the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    New,
    /// The store already had an event with this id.
    Duplicate,
}

/// Index time format of the `event` table: milliseconds, so that events of
/// one second still sort by time.
fn event_time(t: DateTime<Utc>) -> String {
    event::log_time(t)
}

impl Writer<'_> {
    /// Applies one event. `line` is the event as the log writes it (passed in
    /// when the caller already has it, to avoid serialising twice).
    pub fn apply(&self, e: &Event, line: Option<&str>) -> Result<Applied> {
        let id = e.id.to_string();
        let owned;
        let line = match line {
            Some(l) => l,
            None => {
                owned = e.to_line();
                &owned
            }
        };
        let target = e.body.target().map(|t| t.to_string());
        let inserted = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO event (id, short, kind, author, recorded_at, target, line)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                id,
                e.id.short(),
                e.body.kind(),
                e.author,
                event_time(e.recorded_at),
                target,
                line
            ])?;
        if inserted == 0 {
            return Ok(Applied::Duplicate);
        }
        match &e.body {
            Body::Undo { target } => self.mark_undone(&target.to_string(), e.recorded_at)?,
            Body::Retraction { target, .. } => {
                self.mark_retracted(&target.to_string(), &id, e.recorded_at)?
            }
            body => {
                self.insert_record(&id, body)?;
                // An undo or retraction that arrived before this event.
                let mut stmt = self
                    .tx
                    .prepare_cached("SELECT id, kind, recorded_at FROM event WHERE target = ?1")?;
                let earlier: Vec<(String, String, String)> = stmt
                    .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                for (by, kind, at) in earlier {
                    let at = parse_event_time(&at);
                    if kind == "undo" {
                        self.mark_undone(&id, at)?;
                    } else {
                        self.mark_retracted(&id, &by, at)?;
                    }
                }
            }
        }
        Ok(Applied::New)
    }

    fn insert_record(&self, id: &str, body: &Body) -> Result<()> {
        match body {
            Body::Completion(c) => {
                let (block, key) = match &c.task {
                    Some(t) => (Some(t.block_first_week), t.key.clone()),
                    None => (None, normalize(&c.title)),
                };
                self.tx
                    .prepare_cached(
                        "INSERT INTO completion (month, week, block_first_week, task_key, title, adhoc,
                                                 note, completed_at, event_id, legacy_name)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    )?
                    .execute(params![
                        c.month,
                        c.week,
                        block,
                        key,
                        c.title,
                        c.task.is_none(),
                        c.note,
                        timestamp(c.completed_at),
                        id,
                        c.legacy_name
                    ])?;
            }
            Body::Reading(r) => {
                let run = r.run.map(|r| r.to_string());
                // A reading of a run that was already retracted goes with it.
                let run_retracted: Option<String> = match &run {
                    Some(run) => self
                        .tx
                        .prepare_cached("SELECT retracted_at FROM bench_run WHERE event_id = ?1")?
                        .query_row([run], |r| r.get(0))
                        .optional()?
                        .flatten(),
                    None => None,
                };
                self.tx
                    .prepare_cached(
                        "INSERT INTO reading (metric, value, at, source, note, recorded_at, event_id,
                                              run_event, retracted_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    )?
                    .execute(params![
                        r.metric,
                        r.value,
                        timestamp(r.measured_at),
                        r.source,
                        r.note,
                        timestamp(r.measured_at),
                        id,
                        run,
                        run_retracted
                    ])?;
            }
            Body::Dogfood(d) => {
                self.tx
                    .prepare_cached(
                        "INSERT INTO dogfood (kind, generated, at, note, event_id)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![
                        d.kind.as_str(),
                        d.generated,
                        timestamp(d.at),
                        d.note,
                        id
                    ])?;
            }
            Body::BenchRun(b) => {
                self.tx
                    .prepare_cached(
                        "INSERT INTO bench_run (kind, seed, workload, params, results, recorded,
                                                started_at, duration_ms, event_id)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    )?
                    .execute(params![
                        b.bench,
                        b.seed.map(|s| s as i64),
                        b.workload,
                        b.params.to_string(),
                        b.results.to_string(),
                        b.recorded,
                        timestamp(b.started_at),
                        b.duration_ms,
                        id
                    ])?;
            }
            Body::Undo { .. } | Body::Retraction { .. } => unreachable!("not records"),
        }
        Ok(())
    }

    /// A completion is undone from the earliest undo that targets it.
    fn mark_undone(&self, target: &str, at: DateTime<Utc>) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE completion SET undone_at = ?2
                 WHERE event_id = ?1 AND (undone_at IS NULL OR undone_at > ?2)",
            )?
            .execute(params![target, timestamp(at)])?;
        Ok(())
    }

    /// Marks `target` retracted by `by` at `at`, keeping the earliest
    /// retraction when there are several; a retracted run takes its readings
    /// with it.
    fn mark_retracted(&self, target: &str, by: &str, at: DateTime<Utc>) -> Result<()> {
        let at = timestamp(at);
        self.tx
            .prepare_cached(
                "UPDATE event SET retracted_by = ?2
                 WHERE id = ?1 AND (retracted_by IS NULL OR retracted_by > ?2)",
            )?
            .execute(params![target, by])?;
        for table in ["completion", "reading", "dogfood", "bench_run"] {
            self.tx
                .prepare_cached(&format!(
                    "UPDATE {table} SET retracted_at = ?2
                     WHERE event_id = ?1 AND (retracted_at IS NULL OR retracted_at > ?2)"
                ))?
                .execute(params![target, at])?;
        }
        self.tx
            .prepare_cached(
                "UPDATE reading SET retracted_at = ?2
                 WHERE run_event = ?1 AND (retracted_at IS NULL OR retracted_at > ?2)",
            )?
            .execute(params![target, at])?;
        Ok(())
    }

    /// Empties the index: every event and everything derived from them, and
    /// what the log files looked like. For a rebuild from the log.
    pub fn clear(&self) -> Result<()> {
        self.tx.execute_batch(
            "DELETE FROM event; DELETE FROM reading; DELETE FROM completion; DELETE FROM dogfood;
             DELETE FROM bench_run; DELETE FROM metric_stats; DELETE FROM dogfood_stats;
             DELETE FROM adhoc_stats; DELETE FROM log_file;",
        )?;
        Ok(())
    }

    /// Records how far a log file has been read.
    pub fn set_log_file(&self, f: &super::LogFileState) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO log_file (path, length, lines, crc, size, mtime_ns, inode)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                f.path,
                f.length as i64,
                f.lines as i64,
                i64::from(f.crc),
                f.size as i64,
                f.mtime_ns,
                f.inode as i64
            ])?;
        Ok(())
    }

    pub fn forget_log_file(&self, path: &str) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM log_file WHERE path = ?1")?
            .execute([path])?;
        Ok(())
    }
}

fn parse_event_time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|_| Utc.timestamp_opt(0, 0).unwrap())
}

fn parse_stored_time(text: &str) -> DateTime<Utc> {
    parse_event_time(text)
}

/// Gives every row of a database written before events existed an event of
/// its own, so that it can be exported, merged and retracted like any other.
/// Ids are derived from the row (table, row id and content), so the same
/// database always gets the same ids. Undone completions also get their undo.
pub(super) fn backfill_events(tx: &Transaction) -> Result<()> {
    const AUTHOR: &str = "local";
    // (statement that links the row to its event, the event)
    let mut events: Vec<(String, Event)> = Vec::new();
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
                format!("UPDATE bench_run SET event_id = '{id}' WHERE id = {rowid}"),
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
                format!(
                    "UPDATE reading SET event_id = '{id}', run_event = {} WHERE id = {rowid}",
                    run.map_or("NULL".to_string(), |r| format!("'{r}'"))
                ),
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
                format!("UPDATE completion SET event_id = '{id}' WHERE id = {rowid}"),
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
                    String::new(),
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
                format!("UPDATE dogfood SET event_id = '{id}' WHERE id = {rowid}"),
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
        "INSERT OR IGNORE INTO event (id, short, kind, author, recorded_at, target, line)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (sql, e) in &events {
        if !sql.is_empty() {
            tx.execute(sql, [])?;
        }
        insert.execute(params![
            e.id.to_string(),
            e.id.short(),
            e.body.kind(),
            e.author,
            event_time(e.recorded_at),
            e.body.target().map(|t| t.to_string()),
            e.to_line()
        ])?;
    }
    Ok(())
}
