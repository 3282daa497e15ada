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
use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};

use crate::domain::event::{self, Event};
use crate::domain::TaskRef;
use crate::error;

mod apply;
#[cfg(test)]
pub(crate) mod apply_tests;
mod backfill;
mod claims;
mod facts;
mod log_state;
mod marks;
mod memory;
mod read;

pub use apply::{Applied, Batch, Fresh, LineAt, Unindexed};
pub use claims::{newest_measured, EvidenceRow, SeriesStat};
pub use facts::Facts;
pub use memory::MemoryIndex;

/// `"BEAS"` — marks a database file as beast's.
pub const APPLICATION_ID: i32 = 0x4245_4153;

/// The migrations, in order; the schema version is how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_bench_runs.sql"),
    include_str!("migrations/0003_covering_trend_index.sql"),
    include_str!("migrations/0004_events.sql"),
    include_str!("migrations/0005_one_row_per_event.sql"),
    include_str!("migrations/0006_untrusted_log.sql"),
    include_str!("migrations/0007_evidence.sql"),
];

/// The migration after which every record is an event; older databases get
/// events made for their rows (see `backfill::backfill_events`), before
/// the migrations after it run.
const EVENTS_MIGRATION: i32 = 4;

pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// How long to wait for another process's lock: 30 s, or
/// `BEAST_BUSY_TIMEOUT_MS` (for tests of what happens when the wait runs out).
fn busy_timeout() -> Duration {
    std::env::var("BEAST_BUSY_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(BUSY_TIMEOUT, Duration::from_millis)
}

/// Timestamps are stored as UTC RFC 3339 with second precision, so that text
/// order is time order.
pub fn timestamp(t: DateTime<Utc>) -> String {
    String::from_utf8(timestamp_bytes(t).to_vec()).expect("ASCII digits")
}

/// [`timestamp`]'s text as bytes, without an allocation.
pub fn timestamp_bytes(t: DateTime<Utc>) -> [u8; 20] {
    use chrono::Datelike;
    let mut b = *b"0000-00-00T00:00:00Z";
    event::put_date_time(&mut b, t.year().clamp(0, 9999) as u32, t);
    b
}

/// A stored timestamp (RFC 3339) as a time; the epoch for anything else
/// (the store writes only valid ones).
pub fn parse_time(text: &str) -> DateTime<Utc> {
    apply::parse_event_time(text)
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// A project's events directory, where the lines of indexed events are.
    log_dir: Option<PathBuf>,
    /// A new index, filled by its first write before it switches to WAL
    /// (see [`Store::open_index`]).
    wal_after_write: bool,
}

/// A completion as indexed.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub event_id: String,
    pub month: u32,
    pub week: u8,
    pub block_first_week: Option<u8>,
    pub task_key: String,
    pub title: String,
    pub adhoc: bool,
    pub note: Option<String>,
    pub completed_at: String,
    pub legacy_name: Option<String>,
    pub author: String,
    /// When the event was recorded (RFC 3339, milliseconds).
    pub recorded_at: String,
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

#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub event_id: String,
    pub metric: String,
    pub value: f64,
    pub at: String,
    pub source: String,
    pub note: Option<String>,
    /// The benchmark run (its event id) that measured it, if a benchmark did.
    pub run: Option<String>,
    /// When a retraction took it back; retracted readings count for nothing.
    pub retracted_at: Option<String>,
}

/// A stored benchmark run.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchRun {
    pub event_id: String,
    pub kind: String,
    pub seed: Option<i64>,
    pub workload: String,
    pub params: String,
    pub results: String,
    pub recorded: String,
    pub started_at: String,
    pub duration_ms: f64,
    pub retracted_at: Option<String>,
}

/// An event as the index holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub event: Event,
    /// The id of the retraction that took it back.
    pub retracted_by: Option<String>,
    /// For a completion: when it was undone.
    pub undone: bool,
}

/// Generated and manual event counts of one dog-food kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DogfoodCount {
    pub generated: u64,
    pub manual: u64,
}

/// How far one log file has been read into the index, and what it looked like
/// then. See `crate::log`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFileState {
    pub path: String,
    /// The number events read from it refer to (0 until stored).
    pub no: i64,
    pub length: u64,
    pub lines: u64,
    pub crc: u32,
    pub size: u64,
    pub mtime_ns: i64,
    pub inode: u64,
    /// The inode's change time: set by every write, and by no one at will.
    pub ctime_ns: i64,
}

fn is_sqlite_file(path: &Path) -> std::io::Result<Option<bool>> {
    // stat before open: opening a FIFO would block, and a device (/dev/null)
    // is no place for a database and its journal.
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
        Ok(m) if m.is_dir() => return Err(std::io::Error::other("it is a directory")),
        Ok(m) if !m.is_file() => {
            return Err(std::io::Error::other(
                "it is not a regular file (a pipe or device)",
            ))
        }
        Ok(_) => {}
    }
    let mut file = std::fs::File::open(path)?;
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
        Store::open_with(path, false, false)
    }

    /// Opens a project's index like [`Store::open`]. When the file is new,
    /// its first write — the whole log, when a clone runs its first command
    /// — goes through SQLite's rollback journal, which writes each page of
    /// an empty file once, instead of the WAL, which would write it twice
    /// (into the WAL, then back into the file); the file switches to WAL
    /// right after. Another process that opens the file meanwhile waits for
    /// that write, as it would for the WAL's write lock.
    ///
    /// The index sits inside `.beast/`, where other people's commits land:
    /// neither it nor SQLite's files beside it may be a symbolic link or
    /// anything but a regular file (SQLite is also told not to follow one).
    pub fn open_index(path: &Path) -> Result<Store> {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let p = PathBuf::from(p);
            if let Ok(m) = std::fs::symlink_metadata(&p) {
                if !m.is_file() {
                    let what = if m.file_type().is_symlink() {
                        "a symbolic link, and beast follows no link inside .beast/"
                    } else {
                        "not a regular file"
                    };
                    return error::store(format!(
                        "the index file {} is {what}; delete it (the index is rebuilt from the log)",
                        p.display()
                    ));
                }
            }
        }
        let new = std::fs::metadata(path).map_or(true, |m| m.len() == 0);
        Store::open_with(path, new, true)
    }

    fn open_with(path: &Path, new_index: bool, index: bool) -> Result<Store> {
        let shown = path.display();
        match is_sqlite_file(path) {
            Ok(Some(true)) | Ok(None) => {}
            Ok(Some(false)) => {
                return error::store(format!(
                    "{shown} is not a beast database (not an SQLite file); use another database file or move this one away"
                ))
            }
            Err(e) => {
                return error::store(format!(
                    "cannot open database {shown}: {e}; use a database file you can write"
                ))
            }
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if let Err(e) = std::fs::create_dir_all(parent) {
                return error::store(format!(
                    "cannot create the directory for database {shown}: {e}; use a database file you can write"
                ));
            }
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if index {
            flags |= OpenFlags::SQLITE_OPEN_NOFOLLOW;
        }
        let conn =
            Connection::open_with_flags(path, flags).map_err(|e| explain_at(path, e.into()))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            log_dir: None,
            wal_after_write: new_index,
        };
        store.prepare().map_err(|e| explain_at(path, e))?;
        Ok(store)
    }

    /// A private in-memory store, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store> {
        let mut store = Store {
            conn: Connection::open_in_memory()?,
            path: PathBuf::from(":memory:"),
            log_dir: None,
            wal_after_write: false,
        };
        store.prepare()?;
        Ok(store)
    }

    /// Makes every commit wait until it is on disk (SQLite's `synchronous =
    /// FULL`), for a database that is the record itself rather than an index
    /// that can be rebuilt from the log.
    pub fn set_durable(&self, durable: bool) -> Result<()> {
        let mode = if durable { "FULL" } else { "NORMAL" };
        self.conn.pragma_update(None, "synchronous", mode)?;
        Ok(())
    }

    /// Makes this store the index of the event log in `dir`: event lines are
    /// read from there.
    pub fn set_log_dir(&mut self, dir: PathBuf) {
        self.log_dir = Some(dir);
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn prepare(&mut self) -> Result<()> {
        self.conn.busy_timeout(busy_timeout())?;
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
                "{shown} is an SQLite database of another program, not beast's; use another database file"
            ));
        }
        if version > SCHEMA_VERSION {
            return error::store(format!(
                "{shown} has schema version {version}, newer than this beast understands ({SCHEMA_VERSION}); upgrade beast"
            ));
        }
        if self.path != Path::new(":memory:") && !self.wal_after_write {
            self.enable_wal()?;
        }
        if self.wal_after_write && objects == 0 {
            // A new index: 16 KB pages, a quarter as many to write and link
            // when the whole log goes in (about 4 % off a rebuild).
            self.conn.pragma_update(None, "page_size", 16_384)?;
        }
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        // Statement journals in memory, and room for a large catch-up's pages:
        // without these a rebuild of the index from the log spends most of
        // its time writing temporary files (measured: 491k pwrite calls for
        // 56k events). Memory is taken only as it is used.
        self.conn.pragma_update(None, "temp_store", "MEMORY")?;
        self.conn.pragma_update(None, "cache_size", -65_536)?;
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
        retry_while_busy(busy_timeout(), || {
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
            // The backfill works on the schema migration 0004 made.
            if i + 1 == EVENTS_MIGRATION as usize && version > 0 {
                backfill::backfill_events(&tx)?;
            }
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
        Ok(())
    }

    /// Runs `f` inside one write transaction; commits only if it succeeds.
    pub fn write<T>(&mut self, f: impl FnOnce(&Writer) -> Result<T>) -> Result<T> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| explain_at(&path, e.into()))?;
        let out = f(&Writer {
            tx: &tx,
            log_dir: self.log_dir.as_deref(),
            deferred: Default::default(),
            hot: Default::default(),
        })
        .map_err(|e| explain_at(&path, e))?;
        let began = std::time::Instant::now();
        tx.commit().map_err(|e| explain_at(&path, e.into()))?;
        if std::env::var_os("BEAST_PROFILE").is_some() {
            crate::say!("committed in {:?}", began.elapsed());
        }
        if self.wal_after_write {
            self.enable_wal().map_err(|e| explain_at(&path, e))?;
            self.wal_after_write = false;
        }
        Ok(out)
    }

    /// Runs `f` inside one read transaction, so that everything it reads is
    /// one consistent snapshot even while other processes write.
    pub fn read<T>(&mut self, f: impl FnOnce(&Reader) -> Result<T>) -> Result<T> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(|e| explain_at(&path, e.into()))?;
        let out = f(&Reader {
            conn: &tx,
            log_dir: self.log_dir.as_deref(),
            open_files: Default::default(),
        })
        .map_err(|e| explain_at(&path, e))?;
        tx.commit().map_err(|e| explain_at(&path, e.into()))?;
        Ok(out)
    }
}

/// Queries, usable inside a read or a write transaction.
pub struct Reader<'a> {
    conn: &'a Connection,
    log_dir: Option<&'a Path>,
    /// Log files opened to read event lines, by `log_file.no`.
    open_files: std::cell::RefCell<std::collections::HashMap<i64, (std::fs::File, PathBuf)>>,
}

/// Applies events; only exists inside [`Store::write`].
pub struct Writer<'a> {
    tx: &'a Transaction<'a>,
    log_dir: Option<&'a Path>,
    /// A batch is under way: count changes are summed here and written once
    /// at its end (see [`Writer::apply_batch`]).
    deferred: std::cell::RefCell<Option<apply::Counts>>,
    /// Statements run once per event, by the address of their text.
    hot: std::cell::RefCell<rustc_hash::FxHashMap<usize, rusqlite::Statement<'a>>>,
}

impl<'a> Writer<'a> {
    /// The prepared statement for `sql`, kept for the rest of the
    /// transaction and found by the address of its text: `prepare_cached`
    /// hashes the whole text on every call, which shows when a rebuild runs
    /// a statement per event. The statement is borrowed until the returned
    /// guard drops, so use it within one expression.
    fn hot(&self, sql: &'static str) -> Result<std::cell::RefMut<'_, rusqlite::Statement<'a>>> {
        let key = sql.as_ptr() as usize;
        if !self.hot.borrow().contains_key(&key) {
            let stmt = self.tx.prepare(sql)?;
            self.hot.borrow_mut().insert(key, stmt);
        }
        Ok(std::cell::RefMut::map(self.hot.borrow_mut(), |m| {
            m.get_mut(&key).expect("prepared above")
        }))
    }

    /// Queries inside this write transaction.
    pub fn reader(&self) -> Reader<'_> {
        Reader {
            conn: self.tx,
            log_dir: self.log_dir,
            open_files: Default::default(),
        }
    }
}

/// Turns SQLite's errors into messages that say what is wrong with which file
/// and what to do, classified by SQLite's error code rather than its text.
/// Failures that already explain themselves pass through.
fn explain_at(path: &Path, e: anyhow::Error) -> anyhow::Error {
    if e.downcast_ref::<error::Failure>().is_some() {
        return e;
    }
    let code = e
        .chain()
        .find_map(|c| c.downcast_ref::<rusqlite::Error>())
        .and_then(rusqlite::Error::sqlite_error_code);
    let shown = path.display();
    let what = match code {
        Some(ErrorCode::ReadOnly) | Some(ErrorCode::PermissionDenied) => {
            "is not writable; use a database file you can write, or fix its permissions".to_string()
        }
        Some(ErrorCode::CannotOpen) => {
            "cannot be opened; use a database file in a directory you can write".to_string()
        }
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => format!(
            "stayed locked by another process for more than {} ms; retry when it is done",
            busy_timeout().as_millis()
        ),
        Some(ErrorCode::DiskFull) => {
            "cannot grow: the disk is full; free some space and retry"
                .to_string()
        }
        Some(ErrorCode::SystemIoFailure) => format!(
            "or a file beside it (-wal, -shm) could not be read or written ({}); check the disk, and that these files are regular files you can write",
            e.chain()
                .find_map(|c| c.downcast_ref::<rusqlite::Error>())
                .map_or(String::new(), |r| r.to_string())
        ),
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
            "is damaged or not a beast database; use another database file or move this one away"
                .to_string()
        }
        _ => format!("failed: {}", format!("{e:#}").replace('\n', " ")),
    };
    error::Failure::Store(format!("database {shown} {what}")).into()
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
