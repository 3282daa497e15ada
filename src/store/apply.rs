//! The one write path: an [`Event`] applied to the store.
//!
//! Commands, importers and the project log all end here. Applying is
//! idempotent (an event id already present is skipped) and commutative: the
//! state after a set of events does not depend on the order they arrive in,
//! because merged logs deliver them in any order. That is why
//! - an undo or retraction may arrive before its target; it is remembered in
//!   the `correction` table and takes effect when the target arrives (the
//!   target's row is inserted already marked);
//! - two retractions of one event keep the earliest time, whichever came first;
//! - completions of the same task are all kept and queries take the earliest.

use anyhow::Result;
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{params, OptionalExtension};

use super::{timestamp, Writer};
use crate::domain::event::{self, Body, Event, EventId};
use crate::domain::matching::normalize;
use crate::domain::DogfoodKind;

/// Whether applying an event changed the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    New,
    /// The store already had an event with this id.
    Duplicate,
}

/// Undos and retractions by the event they point at: (their id, kind, time).
type Pointing = rustc_hash::FxHashMap<EventId, Vec<(String, &'static str, DateTime<Utc>)>>;

/// What a bulk load knows before it applies anything: the undos and
/// retractions it holds, by the event they point at, and the ids of its
/// records. With them, a record's row is inserted already marked, and an
/// undo or retraction of a record in the load need not look for it.
pub struct Fresh {
    pointing: Pointing,
    /// Sorted.
    records: Vec<EventId>,
}

impl Fresh {
    /// From the load's undos and retractions and its records' ids (sorted).
    pub fn new<'e>(corrections: impl Iterator<Item = &'e Event>, records: Vec<EventId>) -> Fresh {
        debug_assert!(records.is_sorted());
        let mut pointing = Pointing::default();
        for e in corrections {
            if let Some(t) = e.body.target() {
                pointing
                    .entry(t)
                    .or_default()
                    .push((e.id.text(), e.body.kind(), e.recorded_at));
            }
        }
        Fresh { pointing, records }
    }
}

/// An event's own columns, which every row of the index carries.
struct EventColumns<'a> {
    author: &'a str,
    recorded_at: String,
    line: Option<&'a str>,
    file: Option<i64>,
    offset: Option<i64>,
}

/// What the undos and retractions of an event that are already known make
/// of its row: the earliest undo (completions only), the earliest
/// retraction's time and the smallest retraction id, each kept on its own as
/// the updates of a later arrival keep them.
#[derive(Debug, Default)]
struct Marks {
    undone_at: Option<String>,
    retracted_at: Option<String>,
    retracted_by: Option<String>,
}

impl Marks {
    /// From (id, kind, time) of each undo or retraction pointing at an event
    /// of kind `kind`.
    fn of(pointing: &[(String, String, DateTime<Utc>)], kind: &str) -> Marks {
        let mut m = Marks::default();
        for (by, k, at) in pointing {
            let at = timestamp(*at);
            if k == "undo" {
                if kind == "completion" {
                    m.undone_at = earliest(m.undone_at.take(), Some(at));
                }
            } else {
                m.retracted_at = earliest(m.retracted_at.take(), Some(at));
                m.retracted_by = earliest(m.retracted_by.take(), Some(by.clone()));
            }
        }
        m
    }
}

/// The smaller of two optional stored values (timestamps or ids: text order
/// is their order).
fn earliest(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The table that holds the rows of records of event kind `kind`; undos and
/// retractions are in `correction`.
fn record_table(kind: &str) -> Option<&'static str> {
    match kind {
        "completion" => Some("completion"),
        "reading" => Some("reading"),
        "dogfood" => Some("dogfood"),
        "bench_run" => Some("bench_run"),
        _ => None,
    }
}

/// Where the index finds an event's line.
#[derive(Debug, Clone, Copy)]
pub enum LineAt<'a> {
    /// Kept in the database: a personal database is the record itself.
    Text(&'a str),
    /// At this byte offset of log file `file` (a `log_file.no`).
    File { file: i64, offset: u64 },
}

/// Changes to the live counts, summed over a batch.
#[derive(Debug, Default)]
pub(super) struct Counts {
    readings: std::collections::BTreeMap<String, i64>,
    dogfood: std::collections::BTreeMap<(&'static str, bool), i64>,
    adhoc: std::collections::BTreeMap<u32, i64>,
}

impl Writer<'_> {
    /// Applies events one by one, as [`Writer::apply`] does, but writes the
    /// changes to the live counts once at the end rather than per event.
    /// Returns how many were new.
    pub fn apply_batch<'e>(
        &self,
        events: impl Iterator<Item = (&'e Event, LineAt<'e>)>,
    ) -> Result<u64> {
        self.counting_once(|| {
            let mut added = 0;
            for (e, at) in events {
                if self.apply(e, at)? == Applied::New {
                    added += 1;
                }
            }
            Ok(added)
        })
    }

    /// Runs `f` with changes to the live counts summed in memory, and writes
    /// them once, one row per key, when it succeeds.
    fn counting_once<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        *self.deferred.borrow_mut() = Some(Counts::default());
        let out = f();
        let counts = self.deferred.borrow_mut().take().unwrap_or_default();
        let out = out?;
        for (metric, by) in counts.readings {
            self.write_reading_count(&metric, by)?;
        }
        for ((kind, generated), by) in counts.dogfood {
            self.write_dogfood_count(kind, generated, by)?;
        }
        for (month, by) in counts.adhoc {
            self.write_adhoc_count(month, by)?;
        }
        Ok(out)
    }

    /// Applies one event: the one write path. Idempotent and order-independent
    /// (see the module comment).
    pub fn apply(&self, e: &Event, at: LineAt) -> Result<Applied> {
        self.apply_one(e, at, None)
    }

    /// Applies a batch of events to an index that holds none yet through
    /// [`Writer::load_fresh`], for tests that hold it against applying each
    /// with [`Writer::apply`]; of events sharing an id, the first is kept.
    /// A rebuild from the log prepares its load itself (`log::rebuild`).
    #[cfg(test)]
    pub fn apply_all_fresh<'e>(
        &self,
        events: impl Iterator<Item = (&'e Event, LineAt<'e>)>,
    ) -> Result<u64> {
        let mut events: Vec<(&Event, LineAt)> = events.collect();
        // By id (stable: the first of equal ids stays first), the tables'
        // key order.
        if !events.is_sorted_by_key(|(e, _)| e.id) {
            events.sort_by_key(|(e, _)| e.id);
        }
        events.dedup_by_key(|(e, _)| e.id);
        let fresh = Fresh::new(
            events
                .iter()
                .map(|(e, _)| *e)
                .filter(|e| e.body.target().is_some()),
            events
                .iter()
                .filter(|(e, _)| e.body.target().is_none())
                .map(|(e, _)| e.id)
                .collect(),
        );
        self.load_fresh(&fresh, events.into_iter())
    }

    /// Applies `events` — distinct ids, in id order, all that `fresh` was
    /// made from — to an index that holds none yet (a rebuild from the log):
    /// undos and retractions that come before their targets are found in
    /// `fresh` instead of by a query per event, and rows go in in key order.
    /// The result is the same as applying each with [`Writer::apply`].
    /// Returns how many.
    pub fn load_fresh<'e, E: std::borrow::Borrow<Event>>(
        &self,
        fresh: &Fresh,
        events: impl Iterator<Item = (E, LineAt<'e>)>,
    ) -> Result<u64> {
        // Indexes are built once at the end (a sort) rather than updated row
        // by row in random order. Their definitions come from the schema
        // itself, so there is one source of truth.
        let bulk: Vec<(String, String)> = self
            .tx
            .prepare(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
                 AND name IN ('reading_trend', 'completion_live_task', 'completion_live_recent',
                              'completion_live_adhoc')",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (name, _) in &bulk {
            self.tx.execute_batch(&format!("DROP INDEX {name}"))?;
        }
        let profile = std::env::var_os("BEAST_PROFILE").is_some();
        let began = std::time::Instant::now();
        // In WAL mode (an index that existed), room for the whole new index
        // in memory, so that pages are not spilled to the WAL mid-load and
        // written again at the commit. A new file fills through the rollback
        // journal (see `Store::open_index`), where a spilled page is simply
        // written to the file once: there the usual cache does as well.
        let cache: i64 = self
            .tx
            .pragma_query_value(None, "cache_size", |r| r.get(0))?;
        let journal: String = self
            .tx
            .pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        if journal.eq_ignore_ascii_case("wal") {
            self.tx.pragma_update(None, "cache_size", -524_288)?;
        }
        let added = self.counting_once(|| {
            let mut added = 0;
            for (e, at) in events {
                self.apply_one(e.borrow(), at, Some(fresh))?;
                added += 1;
            }
            Ok(added)
        })?;
        let rows = began.elapsed();
        for (_, sql) in &bulk {
            self.tx.execute_batch(sql)?;
        }
        if profile {
            eprintln!("rows in {rows:?}, indexes in {:?}", began.elapsed() - rows);
        }
        self.tx.pragma_update(None, "cache_size", cache)?;
        Ok(added)
    }

    fn apply_one(&self, e: &Event, at: LineAt, fresh: Option<&Fresh>) -> Result<Applied> {
        let id = e.id.text();
        if fresh.is_none() && self.reader().has_event(&e.id)? {
            return Ok(Applied::Duplicate);
        }
        // Undos and retractions of this event that are already known: in a
        // bulk load all of them (the load holds them), else those that arrived
        // before it. The row is inserted with their marks.
        let earlier: Vec<(String, String, DateTime<Utc>)> = match fresh {
            Some(f) => f
                .pointing
                .get(&e.id)
                .map(|v| {
                    v.iter()
                        .map(|(by, k, at)| (by.clone(), k.to_string(), *at))
                        .collect()
                })
                .unwrap_or_default(),
            None => {
                let mut stmt = self.tx.prepare_cached(
                    "SELECT id, kind, recorded_at FROM correction WHERE target = ?1",
                )?;
                let rows: Vec<(String, String, String)> = stmt
                    .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                rows.into_iter()
                    .map(|(by, k, at)| (by, k, parse_event_time(&at)))
                    .collect()
            }
        };
        let marks = Marks::of(&earlier, e.body.kind());
        let (line, file, offset) = match at {
            LineAt::Text(l) => (Some(l), None, None),
            LineAt::File { file, offset } => (None, Some(file), Some(offset as i64)),
        };
        let cols = EventColumns {
            author: &e.author,
            recorded_at: event::log_time(e.recorded_at),
            line,
            file,
            offset,
        };
        match &e.body {
            Body::Undo { target } | Body::Retraction { target, .. } => {
                self.hot(
                    "INSERT INTO correction (id, kind, author, recorded_at, target, retracted_by,
                                                 line, file, offset)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?
                .execute(params![
                    id,
                    e.body.kind(),
                    cols.author,
                    cols.recorded_at,
                    target.text(),
                    marks.retracted_by,
                    cols.line,
                    cols.file,
                    cols.offset
                ])?;
                // In a bulk load, a record the load holds took this undo or
                // retraction when it was inserted (its marks above).
                if fresh.is_some_and(|f| f.records.binary_search(target).is_ok()) {
                    return Ok(Applied::New);
                }
                match &e.body {
                    Body::Undo { .. } => self.mark_undone(&target.text(), e.recorded_at)?,
                    _ => self.mark_retracted(&target.text(), &id, e.recorded_at)?,
                }
            }
            body => self.insert_record(&id, body, &cols, &marks)?,
        }
        Ok(Applied::New)
    }

    /// Inserts the row of a record event, with its event's columns and the
    /// marks of the undos and retractions already known.
    fn insert_record(
        &self,
        id: &str,
        body: &Body,
        cols: &EventColumns,
        marks: &Marks,
    ) -> Result<()> {
        match body {
            Body::Completion(c) => {
                let (block, key) = match &c.task {
                    Some(t) => (Some(t.block_first_week), t.key.clone()),
                    None => (None, normalize(&c.title)),
                };
                self.hot(
                        "INSERT INTO completion (event_id, month, week, block_first_week, task_key, title,
                                                 adhoc, note, completed_at, legacy_name, undone_at,
                                                 retracted_at, retracted_by, author, recorded_at,
                                                 line, file, offset)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                                 ?16, ?17, ?18)",
                    )?
                    .execute(params![
                        id,
                        c.month,
                        c.week,
                        block,
                        key,
                        c.title,
                        c.task.is_none(),
                        c.note,
                        timestamp(c.completed_at),
                        c.legacy_name,
                        marks.undone_at,
                        marks.retracted_at,
                        marks.retracted_by,
                        cols.author,
                        cols.recorded_at,
                        cols.line,
                        cols.file,
                        cols.offset
                    ])?;
                let live = marks.undone_at.is_none() && marks.retracted_at.is_none();
                if c.task.is_none() && live {
                    self.count_adhoc(c.month, 1)?;
                }
            }
            Body::Reading(r) => {
                let run = r.run.map(|r| r.text());
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
                let retracted_at = earliest(run_retracted, marks.retracted_at.clone());
                self.hot(
                    "INSERT INTO reading (event_id, metric, value, at, source, note, run_event,
                                              retracted_at, retracted_by, author, recorded_at,
                                              line, file, offset)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                )?
                .execute(params![
                    id,
                    r.metric,
                    r.value,
                    timestamp(r.measured_at),
                    r.source,
                    r.note,
                    run,
                    retracted_at,
                    marks.retracted_by,
                    cols.author,
                    cols.recorded_at,
                    cols.line,
                    cols.file,
                    cols.offset
                ])?;
                if retracted_at.is_none() {
                    self.count_reading(&r.metric, 1)?;
                }
            }
            Body::Dogfood(d) => {
                self.hot(
                    "INSERT INTO dogfood (event_id, kind, generated, at, note, retracted_at,
                                              retracted_by, author, recorded_at, line, file, offset)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )?
                .execute(params![
                    id,
                    d.kind.as_str(),
                    d.generated,
                    timestamp(d.at),
                    d.note,
                    marks.retracted_at,
                    marks.retracted_by,
                    cols.author,
                    cols.recorded_at,
                    cols.line,
                    cols.file,
                    cols.offset
                ])?;
                if marks.retracted_at.is_none() {
                    self.count_dogfood(d.kind, d.generated, 1)?;
                }
            }
            Body::BenchRun(b) => {
                self.hot(
                    "INSERT INTO bench_run (event_id, kind, seed, workload, params, results,
                                                recorded, started_at, duration_ms, retracted_at,
                                                retracted_by, author, recorded_at, line, file,
                                                offset)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                                 ?16)",
                )?
                .execute(params![
                    id,
                    b.bench,
                    b.seed.map(|s| s as i64),
                    b.workload,
                    b.params.to_string(),
                    b.results.to_string(),
                    b.recorded,
                    timestamp(b.started_at),
                    b.duration_ms,
                    marks.retracted_at,
                    marks.retracted_by,
                    cols.author,
                    cols.recorded_at,
                    cols.line,
                    cols.file,
                    cols.offset
                ])?;
                // Its readings that came first go with it.
                if let Some(at) = &marks.retracted_at {
                    self.retract_run_readings(id, at)?;
                }
            }
            Body::Undo { .. } | Body::Retraction { .. } => unreachable!("not records"),
        }
        Ok(())
    }
    fn count_reading(&self, metric: &str, by: i64) -> Result<()> {
        if let Some(c) = self.deferred.borrow_mut().as_mut() {
            match c.readings.get_mut(metric) {
                Some(n) => *n += by,
                None => {
                    c.readings.insert(metric.to_string(), by);
                }
            }
            return Ok(());
        }
        self.write_reading_count(metric, by)
    }

    fn write_reading_count(&self, metric: &str, by: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO metric_stats (metric, readings) VALUES (?1, ?2)
                 ON CONFLICT (metric) DO UPDATE SET readings = readings + ?2",
            )?
            .execute(params![metric, by])?;
        Ok(())
    }

    fn count_dogfood(&self, kind: DogfoodKind, generated: bool, by: i64) -> Result<()> {
        if let Some(c) = self.deferred.borrow_mut().as_mut() {
            *c.dogfood.entry((kind.as_str(), generated)).or_default() += by;
            return Ok(());
        }
        self.write_dogfood_count(kind.as_str(), generated, by)
    }

    fn write_dogfood_count(&self, kind: &str, generated: bool, by: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO dogfood_stats (kind, generated, events) VALUES (?1, ?2, ?3)
                 ON CONFLICT (kind, generated) DO UPDATE SET events = events + ?3",
            )?
            .execute(params![kind, generated, by])?;
        Ok(())
    }

    fn count_adhoc(&self, month: u32, by: i64) -> Result<()> {
        if let Some(c) = self.deferred.borrow_mut().as_mut() {
            *c.adhoc.entry(month).or_default() += by;
            return Ok(());
        }
        self.write_adhoc_count(month, by)
    }

    fn write_adhoc_count(&self, month: u32, by: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO adhoc_stats (month, count) VALUES (?1, ?2)
                 ON CONFLICT (month) DO UPDATE SET count = count + ?2",
            )?
            .execute(params![month, by])?;
        Ok(())
    }

    /// Takes a live record out of the totals before it stops being live.
    fn uncount(&self, kind: &str, event_id: &str) -> Result<()> {
        match kind {
            "reading" => {
                let metric: Option<String> = self
                    .tx
                    .prepare_cached(
                        "SELECT metric FROM reading WHERE event_id = ?1 AND retracted_at IS NULL",
                    )?
                    .query_row([event_id], |r| r.get(0))
                    .optional()?;
                if let Some(m) = metric {
                    self.count_reading(&m, -1)?;
                }
            }
            "completion" => {
                let month: Option<u32> = self
                    .tx
                    .prepare_cached(
                        "SELECT month FROM completion WHERE event_id = ?1 AND adhoc = 1
                         AND undone_at IS NULL AND retracted_at IS NULL",
                    )?
                    .query_row([event_id], |r| r.get(0))
                    .optional()?;
                if let Some(month) = month {
                    self.count_adhoc(month, -1)?;
                }
            }
            "dogfood" => {
                let row: Option<(String, bool)> = self
                    .tx
                    .prepare_cached(
                        "SELECT kind, generated FROM dogfood WHERE event_id = ?1 AND retracted_at IS NULL",
                    )?
                    .query_row([event_id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                if let Some((kind, generated)) = row {
                    if let Some(kind) = DogfoodKind::parse(&kind) {
                        self.count_dogfood(kind, generated, -1)?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A completion is undone from the earliest undo that targets it. An
    /// undo whose target is not here yet is applied when the target arrives.
    fn mark_undone(&self, target: &str, at: DateTime<Utc>) -> Result<()> {
        self.uncount("completion", target)?;
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
    /// with it. A retraction whose target is not here yet is applied when
    /// the target arrives.
    fn mark_retracted(&self, target: &str, by: &str, at: DateTime<Utc>) -> Result<()> {
        let kind: Option<String> = self
            .tx
            .prepare_cached("SELECT kind FROM event WHERE id = ?1")?
            .query_row([target], |r| r.get(0))
            .optional()?;
        let Some(kind) = kind else {
            return Ok(());
        };
        let at = timestamp(at);
        let Some(table) = record_table(&kind) else {
            self.tx
                .prepare_cached(
                    "UPDATE correction SET retracted_by = ?2
                     WHERE id = ?1 AND (retracted_by IS NULL OR retracted_by > ?2)",
                )?
                .execute(params![target, by])?;
            return Ok(());
        };
        self.uncount(&kind, target)?;
        self.tx
            .prepare_cached(&format!(
                "UPDATE {table} SET
                     retracted_by = CASE WHEN retracted_by IS NULL OR retracted_by > ?2 THEN ?2
                                         ELSE retracted_by END,
                     retracted_at = CASE WHEN retracted_at IS NULL OR retracted_at > ?3 THEN ?3
                                         ELSE retracted_at END
                 WHERE event_id = ?1"
            ))?
            .execute(params![target, by, at])?;
        if table == "bench_run" {
            self.retract_run_readings(target, &at)?;
        }
        Ok(())
    }

    /// The readings a retracted benchmark run measured leave with it.
    fn retract_run_readings(&self, run: &str, at: &str) -> Result<()> {
        let readings: Vec<String> = self
            .tx
            .prepare_cached("SELECT event_id FROM reading WHERE run_event = ?1")?
            .query_map([run], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for r in readings {
            self.uncount("reading", &r)?;
            self.tx
                .prepare_cached(
                    "UPDATE reading SET retracted_at = ?2
                     WHERE event_id = ?1 AND (retracted_at IS NULL OR retracted_at > ?2)",
                )?
                .execute(params![r, at])?;
        }
        Ok(())
    }

    /// Empties the index: every event and everything derived from them, and
    /// what the log files looked like. For a rebuild from the log.
    pub fn clear(&self) -> Result<()> {
        self.tx.execute_batch(
            "DELETE FROM correction; DELETE FROM reading; DELETE FROM completion;
             DELETE FROM dogfood; DELETE FROM bench_run; DELETE FROM metric_stats;
             DELETE FROM dogfood_stats; DELETE FROM adhoc_stats; DELETE FROM log_file;",
        )?;
        Ok(())
    }
    /// Records how far a log file has been read; returns its number, what
    /// events read from it refer to.
    pub fn set_log_file(&self, f: &super::LogFileState) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO log_file (path, length, lines, crc, size, mtime_ns, inode)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (path) DO UPDATE SET length = ?2, lines = ?3, crc = ?4, size = ?5,
                                                  mtime_ns = ?6, inode = ?7",
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
        Ok(self
            .tx
            .query_row("SELECT no FROM log_file WHERE path = ?1", [&f.path], |r| {
                r.get(0)
            })?)
    }

    pub fn forget_log_file(&self, path: &str) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM log_file WHERE path = ?1")?
            .execute([path])?;
        Ok(())
    }
}

pub(super) fn parse_event_time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|_| Utc.timestamp_opt(0, 0).unwrap())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::TaskRef;
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
        ev(
            n,
            at(day, 9),
            Body::Reading(event::Reading {
                metric: metric.into(),
                value,
                measured_at: at(day, 8),
                source: "manual".into(),
                note: None,
                run,
            }),
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
            done(12, 4),
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
                    "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
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
        bulk.write(|w| {
            w.apply_all_fresh(events.iter().zip(&lines).map(|(e, l)| (e, LineAt::Text(l))))
        })
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
                        let added = w.apply_batch((first..first + 6).map(at))?;
                        assert_eq!(added, 6);
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
        assert_eq!(counts, (1, 0));
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
        s.write(|w| {
            w.apply_all_fresh(events.iter().zip(&lines).map(|(e, l)| (e, LineAt::Text(l))))
        })
        .unwrap();
        assert_eq!(schema(&mut s), before);
    }
}
