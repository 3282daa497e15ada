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

/// Whether applying an event changed the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    New,
    /// The store already had an event with this id.
    Duplicate,
}

/// What [`Writer::apply_batch`] did.
#[derive(Debug, Default)]
pub struct Batch {
    /// Events that were new.
    pub added: u64,
    /// Ids the store had already (the same event, or a conflict to settle).
    pub duplicates: Vec<EventId>,
}

/// Undos and retractions by the event they point at: (their id, kind, time).
type Pointing = rustc_hash::FxHashMap<EventId, Vec<(EventId, &'static str, DateTime<Utc>)>>;

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
                    .push((e.id, e.body.kind(), e.recorded_at));
            }
        }
        Fresh { pointing, records }
    }

    /// The marks the load's undos and retractions put on record `id` of
    /// kind `kind`.
    pub(super) fn marks_of(&self, id: &EventId, kind: &str) -> Marks {
        match self.pointing.get(id) {
            // Most records of a load are neither undone nor retracted.
            None => Marks::default(),
            Some(v) => Marks::of(v.iter().map(|(by, k, at)| (*by, *k, *at)), kind),
        }
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
pub(super) struct Marks {
    pub(super) undone_at: Option<String>,
    pub(super) retracted_at: Option<String>,
    pub(super) retracted_by: Option<String>,
}

impl Marks {
    /// From (id, kind, time) of each undo or retraction pointing at an event
    /// of kind `kind`. The earliest time is the earliest text (timestamps are
    /// fixed-width), the smallest id the smallest text (ULIDs are too).
    fn of(
        pointing: impl Iterator<Item = (EventId, &'static str, DateTime<Utc>)>,
        kind: &str,
    ) -> Marks {
        let (mut undone, mut retracted, mut by): (
            Option<DateTime<Utc>>,
            Option<DateTime<Utc>>,
            Option<EventId>,
        ) = (None, None, None);
        for (id, k, at) in pointing {
            if k == "undo" {
                if kind == "completion" {
                    undone = Some(undone.map_or(at, |u| u.min(at)));
                }
            } else {
                retracted = Some(retracted.map_or(at, |r| r.min(at)));
                by = Some(by.map_or(id, |b| b.min(id)));
            }
        }
        Marks {
            undone_at: undone.map(timestamp),
            retracted_at: retracted.map(timestamp),
            retracted_by: by.map(|b| b.text()),
        }
    }
}

/// The smaller of two optional stored values (timestamps or ids: text order
/// is their order).
pub(super) fn earliest(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The table that holds the rows of records of event kind `kind`; undos and
/// retractions are in `correction`.
pub(super) fn record_table(kind: &str) -> Option<&'static str> {
    match kind {
        "completion" => Some("completion"),
        "reading" => Some("reading"),
        "dogfood" => Some("dogfood"),
        "bench_run" => Some("bench_run"),
        "evidence" => Some("evidence"),
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
    /// Live readings per series (metric, source).
    pub(super) readings: std::collections::BTreeMap<(String, String), i64>,
    /// The newest live reading inserted per series: (at, id, value).
    pub(super) newest: std::collections::BTreeMap<(String, String), (String, String, f64)>,
    /// Series that lost a reading: their newest is looked up again.
    pub(super) lost: std::collections::BTreeSet<(String, String)>,
    pub(super) dogfood: std::collections::BTreeMap<(&'static str, bool), i64>,
    pub(super) adhoc: std::collections::BTreeMap<u32, i64>,
}

/// The indexes a fresh load left to build: see [`Writer::load_fresh`].
#[must_use = "the index is incomplete until its indexes are built"]
pub struct Unindexed {
    sql: Vec<String>,
}

impl Writer<'_> {
    /// Applies events one by one, as [`Writer::apply`] does, but writes the
    /// changes to the live counts once at the end rather than per event.
    /// Says how many were new, and which ids the store had already.
    pub fn apply_batch<'e>(
        &self,
        events: impl Iterator<Item = (&'e Event, LineAt<'e>)>,
    ) -> Result<Batch> {
        self.counting_once(|| {
            let mut batch = Batch::default();
            for (e, at) in events {
                match self.apply(e, at)? {
                    Applied::New => batch.added += 1,
                    Applied::Duplicate => batch.duplicates.push(e.id),
                }
            }
            Ok(batch)
        })
    }

    /// Runs `f` with changes to the live counts summed in memory, and writes
    /// them once, one row per key, when it succeeds.
    fn counting_once<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        *self.deferred.borrow_mut() = Some(Counts::default());
        let out = f();
        let counts = self.deferred.borrow_mut().take().unwrap_or_default();
        let out = out?;
        for ((metric, source), by) in counts.readings {
            self.write_reading_count(&metric, &source, by)?;
        }
        for ((metric, source), (at, id, value)) in counts.newest {
            self.write_newest(&metric, &source, &at, &id, value)?;
        }
        for (metric, source) in counts.lost {
            self.recompute_newest(&metric, &source)?;
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
        // Deferred even for one event: a series that loses its newest
        // reading looks it up again only after the reading is marked.
        self.counting_once(|| self.apply_one(e, at, None))
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
        let (added, unindexed) = self.load_fresh(&fresh, events.into_iter())?;
        self.build_indexes(unindexed)?;
        Ok(added)
    }

    /// Applies `events` — distinct ids, in id order, all that `fresh` was
    /// made from — to an index that holds none yet (a rebuild from the log):
    /// undos and retractions that come before their targets are found in
    /// `fresh` instead of by a query per event, and rows go in in key order.
    /// The result is the same as applying each with [`Writer::apply`] once
    /// the returned [`Unindexed`] is handed to [`Writer::build_indexes`] —
    /// left to the caller so that it can free the log's text first (the
    /// sort of a million readings needs the memory). Returns how many.
    pub fn load_fresh<'e, E: std::borrow::Borrow<Event>>(
        &self,
        fresh: &Fresh,
        events: impl Iterator<Item = (E, LineAt<'e>)>,
    ) -> Result<(u64, Unindexed)> {
        // The completions' indexes are built once at the end (a sort) rather
        // than updated row by row in random order; their definitions come
        // from the schema itself, so there is one source of truth. The
        // readings' trend index is kept as rows go in: they arrive in id
        // order, nearly time order, so each series' entries are appended
        // near its end — at 1.1 M events 4.60–4.75 s against 5.75–5.77 s
        // for the sort afterwards (alternated by hand), and the same at 100k.
        let bulk: Vec<(String, String)> = self
            .tx
            .prepare(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
                 AND name IN ('completion_live_task', 'completion_live_recent',
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
        });
        self.tx.pragma_update(None, "cache_size", cache)?;
        if profile {
            crate::say!("rows in {:?}", began.elapsed());
        }
        Ok((
            added?,
            Unindexed {
                sql: bulk.into_iter().map(|(_, sql)| sql).collect(),
            },
        ))
    }

    /// Builds the indexes [`Writer::load_fresh`] left out. (SQLite's
    /// `PRAGMA threads` for the sort made no difference, measured at 1.1 M
    /// events.)
    pub fn build_indexes(&self, unindexed: Unindexed) -> Result<()> {
        let began = std::time::Instant::now();
        for sql in &unindexed.sql {
            self.tx.execute_batch(sql)?;
        }
        if std::env::var_os("BEAST_PROFILE").is_some() {
            crate::say!("indexes in {:?}", began.elapsed());
        }
        Ok(())
    }

    fn apply_one(&self, e: &Event, at: LineAt, fresh: Option<&Fresh>) -> Result<Applied> {
        let id = e.id.text();
        if fresh.is_none() && self.reader().has_event(&e.id)? {
            return Ok(Applied::Duplicate);
        }
        // Undos and retractions of this event that are already known: in a
        // bulk load all of them (the load holds them), else those that arrived
        // before it. The row is inserted with their marks.
        let marks = match fresh {
            Some(f) => f.marks_of(&e.id, e.body.kind()),
            None => {
                let mut stmt = self.tx.prepare_cached(
                    "SELECT id, kind, recorded_at FROM correction WHERE target = ?1",
                )?;
                let rows: Vec<(String, String, String)> = stmt
                    .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                let mut earlier = Vec::with_capacity(rows.len());
                for (by, k, at) in rows {
                    let by: EventId = by.parse().map_err(|_| {
                        anyhow::anyhow!(
                            "the index holds a correction with the id {by:?}; rebuild it"
                        )
                    })?;
                    let k = if k == "undo" { "undo" } else { "retract" };
                    earlier.push((by, k, parse_event_time(&at)));
                }
                Marks::of(earlier.into_iter(), e.body.kind())
            }
        };
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
                    self.count_reading(&r.metric, &r.source, 1)?;
                    self.note_newest(&r.metric, &r.source, timestamp(r.measured_at), id, r.value)?;
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
            Body::Evidence(ev) => {
                self.hot(
                    "INSERT INTO evidence (event_id, target, kind, ref, commit_id, retracted_at,
                                           retracted_by, author, recorded_at, line, file, offset)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )?
                .execute(params![
                    id,
                    ev.completion.text(),
                    ev.proof.kind(),
                    ev.proof.reference(),
                    ev.proof.commit(),
                    marks.retracted_at,
                    marks.retracted_by,
                    cols.author,
                    cols.recorded_at,
                    cols.line,
                    cols.file,
                    cols.offset
                ])?;
            }
            Body::Undo { .. } | Body::Retraction { .. } => unreachable!("not records"),
        }
        Ok(())
    }
}

pub(super) fn parse_event_time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|_| Utc.timestamp_opt(0, 0).unwrap())
}
