//! The SQLite store: task completions, metric readings and dog-food events.
//!
//! Design points, each for a reason:
//! - The schema is a list of numbered migrations; `PRAGMA user_version` records
//!   how many have run and `PRAGMA application_id` marks the file as beast's, so
//!   a foreign SQLite file or one from a newer beast is refused before anything
//!   is written to it.
//! - WAL and a generous busy timeout let parallel invocations (CI jobs, shell
//!   loops) wait for each other instead of failing with "database is locked".
//!   Two setup steps need more than the timeout when processes race to create
//!   the same file: the header is read in one statement (one snapshot, so a
//!   migration committing in between cannot make the file look foreign), and
//!   the switch to WAL is retried, because SQLite returns SQLITE_BUSY there
//!   without waiting when waiting could deadlock.
//! - Every command writes inside one `BEGIN IMMEDIATE` transaction: it takes the
//!   write lock up front, so two writers never deadlock upgrading a read lock,
//!   and a failed command leaves nothing half-written.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use rusqlite::{
    params, Connection, ErrorCode, OpenFlags, OptionalExtension, Transaction, TransactionBehavior,
};

use crate::domain::{DogfoodKind, TaskRef};
use crate::error;

/// `"BEAS"` — marks a database file as beast's.
pub const APPLICATION_ID: i32 = 0x4245_4153;

/// The migrations, in order; the schema version is how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_bench_runs.sql"),
    include_str!("migrations/0003_covering_trend_index.sql"),
];

pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Timestamps are stored as UTC RFC 3339 with second precision, so that text
/// order is time order.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// A completion as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub id: i64,
    pub month: u32,
    pub week: u8,
    pub block_first_week: Option<u8>,
    pub task_key: String,
    pub title: String,
    pub adhoc: bool,
    pub note: Option<String>,
    pub completed_at: String,
}

impl Completion {
    pub fn task_ref(&self) -> Option<TaskRef> {
        Some(TaskRef {
            month: self.month,
            block_first_week: self.block_first_week?,
            key: self.task_key.clone(),
        })
    }
}

/// A new completion to record.
pub struct NewCompletion<'a> {
    pub month: u32,
    pub week: u8,
    /// `None` for ad-hoc work.
    pub task: Option<&'a TaskRef>,
    pub title: &'a str,
    pub note: Option<&'a str>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub id: i64,
    pub metric: String,
    pub value: f64,
    pub at: String,
    pub source: String,
    pub note: Option<String>,
    /// The benchmark run that measured it, if a benchmark did.
    pub run_id: Option<i64>,
}

pub struct NewReading<'a> {
    pub metric: &'a str,
    pub value: f64,
    /// When the value was measured (`--at`), which may be before it is recorded.
    pub at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub source: &'a str,
    pub note: Option<&'a str>,
    pub run_id: Option<i64>,
}

/// A stored benchmark run.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchRun {
    pub id: i64,
    pub kind: String,
    pub seed: Option<i64>,
    pub workload: String,
    pub params: String,
    pub results: String,
    pub recorded: String,
    pub started_at: String,
    pub duration_ms: f64,
}

/// A benchmark run to store.
pub struct NewBenchRun<'a> {
    pub kind: &'a str,
    pub seed: Option<u64>,
    pub workload: &'a str,
    pub params: &'a serde_json::Value,
    pub results: &'a serde_json::Value,
    pub recorded: &'a str,
    pub started_at: DateTime<Utc>,
    pub duration_ms: f64,
}

/// Generated and manual event counts of one dog-food kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DogfoodCount {
    pub generated: u64,
    pub manual: u64,
}

fn is_sqlite_file(path: &Path) -> std::io::Result<Option<bool>> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if file.metadata()?.is_dir() {
        return Err(std::io::Error::other("it is a directory"));
    }
    let mut header = [0u8; 16];
    let n = file.read(&mut header)?;
    // An empty file is a database nobody has written yet.
    Ok(Some(n == 0 || header == *b"SQLite format 3\0"))
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema
    /// up to date. Refuses, without writing a byte, a file that is not beast's
    /// or whose schema is newer than this binary knows.
    pub fn open(path: &Path) -> Result<Store> {
        let shown = path.display();
        match is_sqlite_file(path) {
            Ok(Some(true)) | Ok(None) => {}
            Ok(Some(false)) => {
                return error::store(format!(
                    "{shown} is not a beast database (not an SQLite file); pass --db with another path or move the file away"
                ))
            }
            Err(e) => {
                return error::store(format!(
                    "cannot open database {shown}: {e}; pass --db (or BEAST_DB) with a writable path"
                ))
            }
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if let Err(e) = std::fs::create_dir_all(parent) {
                return error::store(format!(
                    "cannot create the directory for database {shown}: {e}; pass --db (or BEAST_DB) with a writable path"
                ));
            }
        }
        let conn = match Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        ) {
            Ok(c) => c,
            Err(e) => {
                return error::store(format!(
                "cannot open database {shown}: {e}; pass --db (or BEAST_DB) with a writable path"
            ))
            }
        };
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.prepare().map_err(|e| store.explain(e))?;
        Ok(store)
    }

    /// A private in-memory store, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store> {
        let mut store = Store {
            conn: Connection::open_in_memory()?,
            path: PathBuf::from(":memory:"),
        };
        store.prepare()?;
        Ok(store)
    }

    /// Turns SQLite's errors into messages that say what to do.
    fn explain(&self, e: anyhow::Error) -> anyhow::Error {
        if e.downcast_ref::<error::Failure>().is_some() {
            return e;
        }
        let shown = self.path.display();
        let text = format!("{e:#}");
        let hint = if text.contains("readonly")
            || text.contains("read-only")
            || text.contains("unable to open")
        {
            "it is not writable; pass --db (or BEAST_DB) with a writable path"
        } else if text.contains("locked") || text.contains("busy") {
            "another process held it locked for too long; retry"
        } else if text.contains("not a database") || text.contains("malformed") {
            "it is not a beast database; pass --db with another path or move the file away"
        } else {
            "pass --db (or BEAST_DB) with another path"
        };
        error::Failure::Store(format!(
            "database {shown}: {}; {hint}",
            text.replace('\n', " ")
        ))
        .into()
    }

    fn prepare(&mut self) -> Result<()> {
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        // Read-only checks first: nothing below may write to a foreign file.
        // One statement, so all three values come from the same snapshot: read
        // separately, another process's migration could commit in between and
        // leave us with its tables but the old application_id.
        let (app_id, version, objects): (i32, i32, i64) = self.conn.query_row(
            "SELECT a.application_id, v.user_version, (SELECT count(*) FROM sqlite_master)
             FROM pragma_application_id() AS a, pragma_user_version() AS v",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let shown = self.path.display();
        if app_id != APPLICATION_ID && (app_id != 0 || objects > 0) {
            return error::store(format!(
                "{shown} is an SQLite database of another program, not beast's; pass --db with another path"
            ));
        }
        if version > SCHEMA_VERSION {
            return error::store(format!(
                "{shown} has schema version {version}, newer than this beast understands ({SCHEMA_VERSION}); upgrade beast"
            ));
        }
        if self.path != Path::new(":memory:") {
            self.enable_wal()?;
        }
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        if version < SCHEMA_VERSION {
            self.migrate()?;
        }
        Ok(())
    }

    /// Switches the file to WAL unless it already is. The switch needs an
    /// exclusive lock; when several processes open a new file at once SQLite
    /// may refuse it with SQLITE_BUSY straight away instead of calling the busy
    /// handler, so it is retried within the same time budget.
    fn enable_wal(&self) -> Result<()> {
        let mode: String = self
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        if mode.eq_ignore_ascii_case("wal") {
            return Ok(());
        }
        retry_while_busy(BUSY_TIMEOUT, || {
            self.conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))
        })?;
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        let version: i32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
            tx.execute_batch(sql)
                .with_context(|| format!("migration {:04} failed", i + 1))?;
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
        Ok(())
    }

    /// Runs `f` inside one write transaction; commits only if it succeeds.
    pub fn write<T>(&mut self, f: impl FnOnce(&Writer) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(anyhow::Error::from)?;
        let out = f(&Writer { tx: &tx })?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` inside one read transaction, so that everything it reads is
    /// one consistent snapshot even while other processes write.
    pub fn read<T>(&mut self, f: impl FnOnce(&Reader) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)?;
        let out = f(&Reader { conn: &tx })?;
        tx.commit()?;
        Ok(out)
    }
}

/// Queries, usable inside a read or a write transaction.
pub struct Reader<'a> {
    conn: &'a Connection,
}

/// Inserts and updates; only exists inside [`Store::write`].
pub struct Writer<'a> {
    tx: &'a Transaction<'a>,
}

fn completion_from_row(r: &rusqlite::Row) -> rusqlite::Result<Completion> {
    Ok(Completion {
        id: r.get(0)?,
        month: r.get(1)?,
        week: r.get(2)?,
        block_first_week: r.get(3)?,
        task_key: r.get(4)?,
        title: r.get(5)?,
        adhoc: r.get(6)?,
        note: r.get(7)?,
        completed_at: r.get(8)?,
    })
}

/// Runs `op` until it returns something other than SQLITE_BUSY or `budget` is
/// spent, backing off from 1 ms to 32 ms between attempts. For the few steps
/// where SQLite gives up without consulting the busy handler.
fn retry_while_busy<T>(
    budget: Duration,
    mut op: impl FnMut() -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        match op() {
            Err(e) if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy) => {
                if started.elapsed() + pause > budget {
                    return Err(e);
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(32));
            }
            done => return done,
        }
    }
}

const COMPLETION_COLUMNS: &str =
    "id, month, week, block_first_week, task_key, title, adhoc, note, completed_at";

fn reading_from_row(r: &rusqlite::Row) -> rusqlite::Result<Reading> {
    Ok(Reading {
        id: r.get(0)?,
        metric: r.get(1)?,
        value: r.get(2)?,
        at: r.get(3)?,
        source: r.get(4)?,
        note: r.get(5)?,
        run_id: r.get(6)?,
    })
}

fn bench_run_from_row(r: &rusqlite::Row) -> rusqlite::Result<BenchRun> {
    Ok(BenchRun {
        id: r.get(0)?,
        kind: r.get(1)?,
        seed: r.get(2)?,
        workload: r.get(3)?,
        params: r.get(4)?,
        results: r.get(5)?,
        recorded: r.get(6)?,
        started_at: r.get(7)?,
        duration_ms: r.get(8)?,
    })
}

const BENCH_RUN_COLUMNS: &str =
    "id, kind, seed, workload, params, results, recorded, started_at, duration_ms";

impl Reader<'_> {
    /// Live completions of planned tasks (at most one per task).
    pub fn planned_completions(&self) -> Result<Vec<Completion>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COMPLETION_COLUMNS} FROM completion WHERE undone_at IS NULL AND adhoc = 0"
        ))?;
        let rows = stmt.query_map([], completion_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The live completion of one planned task, if any.
    pub fn completion_of(&self, task: &TaskRef) -> Result<Option<Completion>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COMPLETION_COLUMNS} FROM completion
             WHERE undone_at IS NULL AND adhoc = 0 AND month = ?1 AND block_first_week = ?2 AND task_key = ?3"
        ))?;
        Ok(stmt
            .query_row(
                params![task.month, task.block_first_week, task.key],
                completion_from_row,
            )
            .optional()?)
    }

    /// The most recent live completions, planned and ad hoc, newest first.
    pub fn recent_completions(&self, limit: usize) -> Result<Vec<Completion>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COMPLETION_COLUMNS} FROM completion WHERE undone_at IS NULL
             ORDER BY completed_at DESC, id DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit as i64], completion_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Live ad-hoc completions per month: (month, count), by month.
    pub fn adhoc_per_month(&self) -> Result<Vec<(u32, u64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT month, count(*) FROM completion WHERE undone_at IS NULL AND adhoc = 1
             GROUP BY month ORDER BY month",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Live ad-hoc completions of one month, oldest first.
    pub fn adhoc_of_month(&self, month: u32) -> Result<Vec<Completion>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COMPLETION_COLUMNS} FROM completion WHERE undone_at IS NULL AND adhoc = 1 AND month = ?1
             ORDER BY completed_at, id"
        ))?;
        let rows = stmt.query_map([month], completion_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The newest `limit` readings of a metric, newest first.
    pub fn latest_readings(&self, metric: &str, limit: usize) -> Result<Vec<Reading>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, metric, value, at, source, note, run_id FROM reading WHERE metric = ?1
             ORDER BY at DESC, id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![metric, limit as i64], reading_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The newest reading of a metric.
    pub fn latest_reading(&self, metric: &str) -> Result<Option<Reading>> {
        Ok(self.latest_readings(metric, 1)?.pop())
    }

    /// The values of the newest `limit` readings, oldest first; answered from
    /// the covering index alone.
    pub fn trend(&self, metric: &str, limit: usize) -> Result<Vec<f64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT value FROM reading WHERE metric = ?1 ORDER BY at DESC, id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![metric, limit as i64], |r| r.get(0))?;
        let mut values: Vec<f64> = rows.collect::<rusqlite::Result<_>>()?;
        values.reverse();
        Ok(values)
    }

    /// One stored benchmark run.
    pub fn bench_run(&self, id: i64) -> Result<Option<BenchRun>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {BENCH_RUN_COLUMNS} FROM bench_run WHERE id = ?1"
        ))?;
        Ok(stmt.query_row([id], bench_run_from_row).optional()?)
    }

    /// The newest stored benchmark runs, newest first.
    pub fn bench_runs(&self, limit: usize) -> Result<Vec<BenchRun>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {BENCH_RUN_COLUMNS} FROM bench_run ORDER BY id DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit as i64], bench_run_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many readings a metric has.
    pub fn reading_count(&self, metric: &str) -> Result<u64> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT readings FROM metric_stats WHERE metric = ?1")?;
        Ok(stmt
            .query_row([metric], |r| r.get(0))
            .optional()?
            .unwrap_or(0))
    }

    /// Generated and manual event counts for each kind.
    pub fn dogfood_counts(&self) -> Result<Vec<(DogfoodKind, DogfoodCount)>> {
        let mut counts: Vec<(DogfoodKind, DogfoodCount)> = DogfoodKind::ALL
            .iter()
            .map(|k| (*k, DogfoodCount::default()))
            .collect();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT kind, generated, events FROM dogfood_stats")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let kind: String = row.get(0)?;
            let generated: bool = row.get(1)?;
            let events: u64 = row.get(2)?;
            if let Some((_, c)) = counts.iter_mut().find(|(k, _)| k.as_str() == kind) {
                if generated {
                    c.generated = events;
                } else {
                    c.manual = events;
                }
            }
        }
        Ok(counts)
    }
}

impl Writer<'_> {
    /// Queries inside this write transaction.
    pub fn reader(&self) -> Reader<'_> {
        Reader { conn: self.tx }
    }

    pub fn add_completion(&self, c: &NewCompletion) -> Result<i64> {
        let (block, key) = match c.task {
            Some(t) => (Some(t.block_first_week), t.key.clone()),
            None => (None, crate::domain::matching::normalize(c.title)),
        };
        self.tx.execute(
            "INSERT INTO completion (month, week, block_first_week, task_key, title, adhoc, note, completed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![c.month, c.week, block, key, c.title, c.task.is_none(), c.note, timestamp(c.at)],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Marks a completion as undone; the row stays as history.
    pub fn undo_completion(&self, id: i64, at: DateTime<Utc>) -> Result<()> {
        self.tx.execute(
            "UPDATE completion SET undone_at = ?2 WHERE id = ?1 AND undone_at IS NULL",
            params![id, timestamp(at)],
        )?;
        Ok(())
    }

    pub fn add_reading(&self, r: &NewReading) -> Result<i64> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO reading (metric, value, at, source, note, recorded_at, run_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        let at = timestamp(r.at);
        stmt.execute(params![
            r.metric,
            r.value,
            at,
            r.source,
            r.note,
            timestamp(r.recorded_at),
            r.run_id
        ])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn add_bench_run(&self, run: &NewBenchRun) -> Result<i64> {
        self.tx.execute(
            "INSERT INTO bench_run (kind, seed, workload, params, results, recorded, started_at, duration_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                run.kind,
                run.seed.map(|s| s as i64),
                run.workload,
                run.params.to_string(),
                run.results.to_string(),
                run.recorded,
                timestamp(run.started_at),
                run.duration_ms
            ],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn add_dogfood(
        &self,
        kind: DogfoodKind,
        generated: bool,
        at: DateTime<Utc>,
        note: Option<&str>,
    ) -> Result<i64> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO dogfood (kind, generated, at, note) VALUES (?1, ?2, ?3, ?4)",
        )?;
        stmt.execute(params![kind.as_str(), generated, timestamp(at), note])?;
        Ok(self.tx.last_insert_rowid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn busy() -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(5), None)
    }

    #[test]
    fn busy_steps_are_retried_until_they_succeed() {
        let mut attempts = 0;
        let out = retry_while_busy(Duration::from_secs(5), || {
            attempts += 1;
            if attempts < 4 {
                Err(busy())
            } else {
                Ok(attempts)
            }
        });
        assert_eq!(out.unwrap(), 4);
    }

    #[test]
    fn other_errors_are_not_retried() {
        let mut attempts = 0;
        let out: rusqlite::Result<()> = retry_while_busy(Duration::from_secs(5), || {
            attempts += 1;
            Err(rusqlite::Error::QueryReturnedNoRows)
        });
        assert!(matches!(out, Err(rusqlite::Error::QueryReturnedNoRows)));
        assert_eq!(attempts, 1);
    }

    #[test]
    fn busy_is_returned_once_the_budget_is_spent() {
        let mut attempts = 0;
        let out: rusqlite::Result<()> = retry_while_busy(Duration::ZERO, || {
            attempts += 1;
            Err(busy())
        });
        assert_eq!(
            out.unwrap_err().sqlite_error_code(),
            Some(ErrorCode::DatabaseBusy)
        );
        assert_eq!(attempts, 1);
    }

    #[test]
    fn a_database_is_in_wal_mode_when_reopened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("beast.db");
        drop(Store::open(&path).unwrap());
        let again = Store::open(&path).unwrap();
        let mode: String = again
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }
}
