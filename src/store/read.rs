//! Queries over the store. Every view counts live records only (not undone,
//! not retracted), and breaks ties by event id, so that two machines holding
//! the same events show the same thing whatever order the events came in.

use anyhow::Result;
use rusqlite::{params, OptionalExtension};

use super::{BenchRun, Completion, DogfoodCount, LogFileState, Reader, Reading, StoredEvent};
use crate::domain::event::{Event, EventId, SHORT_ID_LEN};
use crate::domain::{DogfoodKind, TaskRef};

const COMPLETION_COLUMNS: &str =
    "event_id, month, week, block_first_week, task_key, title, adhoc, \
     note, completed_at, legacy_name, author, recorded_at";
const LIVE: &str = "undone_at IS NULL AND retracted_at IS NULL";
const EVENT_COLUMNS: &str = "id, line, file, offset, retracted_by, kind";

/// The line that starts at `offset` of an open log file, without its
/// newline: positioned reads, so one open file serves every event in it.
fn read_line_at(file: &std::fs::File, shown: &std::path::Path, offset: u64) -> Result<String> {
    let fail = |e: std::io::Error| {
        anyhow::anyhow!(
            "cannot read the event log file {}: {e}; check its permissions",
            shown.display()
        )
    };
    let mut line = Vec::new();
    let mut chunk = [0u8; 1024];
    let mut at = offset;
    loop {
        let n = read_at(file, &mut chunk, at).map_err(fail)?;
        if n == 0 {
            break;
        }
        if let Some(end) = chunk[..n].iter().position(|b| *b == b'\n') {
            line.extend_from_slice(&chunk[..end]);
            break;
        }
        line.extend_from_slice(&chunk[..n]);
        at += n as u64;
    }
    let line = String::from_utf8(line).map_err(|_| {
        anyhow::anyhow!(
            "{} changed under the index (not UTF-8 at byte {offset}); delete the index to rebuild it",
            shown.display()
        )
    })?;
    Ok(line.trim_end_matches('\r').to_string())
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, at)
}

#[cfg(not(unix))]
fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = file;
    f.seek(SeekFrom::Start(at))?;
    f.read(buf)
}

fn completion_from_row(r: &rusqlite::Row) -> rusqlite::Result<Completion> {
    Ok(Completion {
        event_id: r.get(0)?,
        month: r.get(1)?,
        week: r.get(2)?,
        block_first_week: r.get(3)?,
        task_key: r.get(4)?,
        title: r.get(5)?,
        adhoc: r.get(6)?,
        note: r.get(7)?,
        completed_at: r.get(8)?,
        legacy_name: r.get(9)?,
        author: r.get(10)?,
        recorded_at: r.get(11)?,
    })
}

const READING_COLUMNS: &str = "event_id, metric, value, at, source, note, run_event, retracted_at";

fn reading_from_row(r: &rusqlite::Row) -> rusqlite::Result<Reading> {
    Ok(Reading {
        event_id: r.get(0)?,
        metric: r.get(1)?,
        value: r.get(2)?,
        at: r.get(3)?,
        source: r.get(4)?,
        note: r.get(5)?,
        run: r.get(6)?,
        retracted_at: r.get(7)?,
    })
}

const BENCH_RUN_COLUMNS: &str = "event_id, kind, seed, workload, params, results, recorded, \
     started_at, duration_ms, retracted_at";

fn bench_run_from_row(r: &rusqlite::Row) -> rusqlite::Result<BenchRun> {
    Ok(BenchRun {
        event_id: r.get(0)?,
        kind: r.get(1)?,
        seed: r.get(2)?,
        workload: r.get(3)?,
        params: r.get(4)?,
        results: r.get(5)?,
        recorded: r.get(6)?,
        started_at: r.get(7)?,
        duration_ms: r.get(8)?,
        retracted_at: r.get(9)?,
    })
}

impl Reader<'_> {
    /// The completion that counts for each planned task: the earliest live one
    /// (two people may have completed the same task on two branches).
    pub fn planned_completions(&self) -> Result<Vec<Completion>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COMPLETION_COLUMNS} FROM completion WHERE {LIVE} AND adhoc = 0
             ORDER BY month, block_first_week, task_key, completed_at, event_id"
        ))?;
        let rows = stmt.query_map([], completion_from_row)?;
        let mut out: Vec<Completion> = Vec::new();
        for c in rows {
            let c = c?;
            let same = out.last().is_some_and(|p| {
                p.month == c.month
                    && p.block_first_week == c.block_first_week
                    && p.task_key == c.task_key
            });
            if !same {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// Every live completion of one planned task, earliest (the one that
    /// counts) first.
    pub fn completions_of(&self, task: &TaskRef) -> Result<Vec<Completion>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COMPLETION_COLUMNS} FROM completion
             WHERE {LIVE} AND adhoc = 0 AND month = ?1 AND block_first_week = ?2 AND task_key = ?3
             ORDER BY completed_at, event_id"
        ))?;
        let rows = stmt.query_map(
            params![task.month, task.block_first_week, task.key],
            completion_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The live completion of one planned task that counts, if any.
    pub fn completion_of(&self, task: &TaskRef) -> Result<Option<Completion>> {
        Ok(self.completions_of(task)?.into_iter().next())
    }

    /// The most recent live completions, planned and ad hoc, newest first.
    pub fn recent_completions(&self, limit: usize) -> Result<Vec<Completion>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COMPLETION_COLUMNS} FROM completion WHERE {LIVE}
             ORDER BY completed_at DESC, event_id DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit as i64], completion_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Live ad-hoc completions per month: (month, count), by month. Kept by
    /// triggers, so this does not grow with the history.
    pub fn adhoc_per_month(&self) -> Result<Vec<(u32, u64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT month, count FROM adhoc_stats WHERE count > 0 ORDER BY month",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Live ad-hoc completions of one month, oldest first.
    pub fn adhoc_of_month(&self, month: u32) -> Result<Vec<Completion>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COMPLETION_COLUMNS} FROM completion WHERE {LIVE} AND adhoc = 1 AND month = ?1
             ORDER BY completed_at, event_id"
        ))?;
        let rows = stmt.query_map([month], completion_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The newest `limit` live readings of a metric, newest first.
    pub fn latest_readings(&self, metric: &str, limit: usize) -> Result<Vec<Reading>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {READING_COLUMNS} FROM reading WHERE metric = ?1 AND retracted_at IS NULL
             ORDER BY at DESC, event_id DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![metric, limit as i64], reading_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The newest live reading of a metric measured at or before `at` (a
    /// stored timestamp): what the metric stood at then.
    pub fn reading_as_of(&self, metric: &str, at: &str) -> Result<Option<Reading>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {READING_COLUMNS} FROM reading WHERE metric = ?1 AND retracted_at IS NULL AND at <= ?2
             ORDER BY at DESC, event_id DESC LIMIT 1"
        ))?;
        Ok(stmt
            .query_row(params![metric, at], reading_from_row)
            .optional()?)
    }

    /// The newest `limit` readings of a metric, retracted ones included and
    /// marked, newest first: what the history shows.
    pub fn reading_history(&self, metric: &str, limit: usize) -> Result<Vec<Reading>> {
        let mut out = self.latest_readings(metric, limit)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {READING_COLUMNS} FROM reading WHERE metric = ?1 AND retracted_at IS NOT NULL
             ORDER BY at DESC, event_id DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![metric, limit as i64], reading_from_row)?;
        for r in rows {
            out.push(r?);
        }
        out.sort_by(|a, b| (&b.at, &b.event_id).cmp(&(&a.at, &a.event_id)));
        out.truncate(limit);
        Ok(out)
    }

    /// The sources a metric's live readings came from, sorted.
    pub fn reading_sources(&self, metric: &str) -> Result<Vec<String>> {
        Ok(self
            .series_of(metric)?
            .into_iter()
            .map(|s| s.source)
            .collect())
    }

    /// The values of the newest `limit` live readings of one series, oldest
    /// first: a trend, read from the index alone.
    pub fn trend(&self, metric: &str, source: &str, limit: usize) -> Result<Vec<f64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT value FROM reading INDEXED BY reading_trend
             WHERE metric = ?1 AND source = ?2 AND retracted_at IS NULL
             ORDER BY at DESC, event_id DESC LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![metric, source, limit as i64], |r| r.get(0))?;
        let mut out: Vec<f64> = rows.collect::<rusqlite::Result<_>>()?;
        out.reverse();
        Ok(out)
    }

    /// The newest `limit` live readings of one series — a metric from one
    /// source — measured at or before `until` (a stored timestamp; all when
    /// `None`), oldest first.
    pub fn series(
        &self,
        metric: &str,
        source: &str,
        until: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Reading>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {READING_COLUMNS} FROM reading
             WHERE metric = ?1 AND source = ?2 AND retracted_at IS NULL AND at <= ?3
             ORDER BY at DESC, event_id DESC LIMIT ?4"
        ))?;
        let rows = stmt.query_map(
            params![metric, source, until.unwrap_or("9999"), limit as i64],
            reading_from_row,
        )?;
        let mut out: Vec<Reading> = rows.collect::<rusqlite::Result<_>>()?;
        out.reverse();
        Ok(out)
    }

    /// One reading, by its event id.
    pub fn reading(&self, event_id: &str) -> Result<Option<Reading>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {READING_COLUMNS} FROM reading WHERE event_id = ?1"
        ))?;
        Ok(stmt.query_row([event_id], reading_from_row).optional()?)
    }

    /// The newest live reading of a metric.
    pub fn latest_reading(&self, metric: &str) -> Result<Option<Reading>> {
        Ok(self.latest_readings(metric, 1)?.pop())
    }

    /// One stored benchmark run, by its event id.
    pub fn bench_run(&self, event_id: &str) -> Result<Option<BenchRun>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {BENCH_RUN_COLUMNS} FROM bench_run WHERE event_id = ?1"
        ))?;
        Ok(stmt.query_row([event_id], bench_run_from_row).optional()?)
    }

    /// The newest stored benchmark runs, newest first.
    pub fn bench_runs(&self, limit: usize) -> Result<Vec<BenchRun>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {BENCH_RUN_COLUMNS} FROM bench_run ORDER BY started_at DESC, event_id DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit as i64], bench_run_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many live readings a metric has.
    pub fn reading_count(&self, metric: &str) -> Result<u64> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT coalesce(sum(readings), 0) FROM series_stats WHERE metric = ?1",
        )?;
        Ok(stmt.query_row([metric], |r| r.get(0))?)
    }

    /// Live generated and manual event counts for each kind.
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

    /// An event's line: kept in the database, or read from its log file.
    fn line_of(&self, row: &rusqlite::Row) -> Result<String> {
        let line: Option<String> = row.get("line")?;
        if let Some(l) = line {
            return Ok(l);
        }
        let file: Option<i64> = row.get("file")?;
        let offset: Option<i64> = row.get("offset")?;
        let (Some(file), Some(offset), Some(dir)) = (file, offset, self.log_dir) else {
            anyhow::bail!(
                "the index has an event without its line; delete the index to rebuild it"
            );
        };
        let mut open = self.open_files.borrow_mut();
        let (f, path) = match open.entry(file) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let name: String = self
                    .conn
                    .prepare_cached("SELECT path FROM log_file WHERE no = ?1")?
                    .query_row([file], |r| r.get(0))?;
                let path = dir.join(name);
                let f = std::fs::File::open(&path).map_err(|e| {
                    anyhow::anyhow!(
                        "cannot read the event log file {}: {e}; check its permissions",
                        path.display()
                    )
                })?;
                v.insert((f, path))
            }
        };
        read_line_at(f, path, offset as u64)
    }

    /// Runs `sql` (which selects [`EVENT_COLUMNS`] from `event`) and turns
    /// its rows into stored events.
    fn stored_events(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<StoredEvent>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut rows = stmt.query(params)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let line = self.line_of(row)?;
            let event = Event::from_line(&line).map_err(|e| {
                anyhow::anyhow!(
                    "the index points at an unreadable event ({e}); delete the index to rebuild it"
                )
            })?;
            let kind: String = row.get("kind")?;
            let undone = match kind.as_str() {
                "completion" => self
                    .conn
                    .prepare_cached(
                        "SELECT undone_at IS NOT NULL FROM completion WHERE event_id = ?1",
                    )?
                    .query_row([row.get::<_, String>("id")?], |r| r.get(0))
                    .optional()?
                    .unwrap_or(false),
                _ => false,
            };
            out.push(StoredEvent {
                event,
                retracted_by: row.get("retracted_by")?,
                undone,
            });
        }
        Ok(out)
    }

    /// Events whose full id is `typed`, or whose short id is (case does not
    /// matter). More than one means the short id is ambiguous.
    pub fn find_events(&self, typed: &str) -> Result<Vec<StoredEvent>> {
        let typed = typed.trim();
        if let Ok(id) = typed.parse::<EventId>() {
            return self.stored_events(
                &format!("SELECT {EVENT_COLUMNS} FROM event WHERE id = ?1"),
                [id.to_string()],
            );
        }
        if typed.len() != SHORT_ID_LEN || !typed.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Ok(Vec::new());
        }
        // Short ids are the ids' last characters; a scan, since retracting is rare.
        self.stored_events(
            &format!(
                "SELECT {EVENT_COLUMNS} FROM event WHERE substr(id, {}) = ?1 ORDER BY recorded_at, id",
                27 - SHORT_ID_LEN
            ),
            [typed.to_ascii_uppercase()],
        )
    }

    /// The newest event of `author`, of any kind: the last thing they did,
    /// which `beast undo` takes back (a record) or restores (an undo or a
    /// retraction).
    pub fn last_event_of(&self, author: &str) -> Result<Option<StoredEvent>> {
        Ok(self
            .stored_events(
                &format!(
                    "SELECT {EVENT_COLUMNS} FROM event WHERE author = ?1
                     ORDER BY recorded_at DESC, id DESC LIMIT 1"
                ),
                [author],
            )?
            .pop())
    }

    /// The readings a benchmark run recorded, oldest first.
    pub fn readings_of_run(&self, run: &str) -> Result<Vec<StoredEvent>> {
        self.stored_events(
            &format!(
                "SELECT {EVENT_COLUMNS} FROM event
                 WHERE id IN (SELECT event_id FROM reading WHERE run_event = ?1)
                 ORDER BY recorded_at, id"
            ),
            [run],
        )
    }

    /// The evidence recorded for a completion that still stands, oldest
    /// first.
    pub fn evidence_of(&self, completion: &str) -> Result<Vec<StoredEvent>> {
        self.stored_events(
            &format!(
                "SELECT {EVENT_COLUMNS} FROM event
                 WHERE id IN (SELECT event_id FROM evidence
                              WHERE target = ?1 AND retracted_at IS NULL)
                 ORDER BY recorded_at, id"
            ),
            [completion],
        )
    }

    /// Whether the store has an event with this id.
    pub fn has_event(&self, id: &EventId) -> Result<bool> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM event WHERE id = ?1")?;
        Ok(stmt.exists([id.to_string()])?)
    }

    /// Every event as a line of the log, in time order (ties by id), from
    /// `since` (an RFC 3339 time) on.
    pub fn event_lines(
        &self,
        since: Option<&str>,
        mut each: impl FnMut(&str) -> Result<()>,
    ) -> Result<u64> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS} FROM event WHERE recorded_at >= ?1 ORDER BY recorded_at, id"
        ))?;
        let mut rows = stmt.query([since.unwrap_or("")])?;
        let mut n = 0;
        while let Some(row) = rows.next()? {
            each(&self.line_of(row)?)?;
            n += 1;
        }
        Ok(n)
    }

    /// The newest events, newest first, with their state: `beast log`.
    pub fn recent_events(&self, limit: usize) -> Result<Vec<StoredEvent>> {
        self.stored_events(
            &format!(
                "SELECT {EVENT_COLUMNS} FROM event ORDER BY recorded_at DESC, id DESC LIMIT ?1"
            ),
            [limit as i64],
        )
    }

    /// What the index knows of each log file.
    pub fn log_files(&self) -> Result<Vec<LogFileState>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT path, length, lines, crc, size, mtime_ns, inode, no, ctime_ns FROM log_file ORDER BY path",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(LogFileState {
                no: r.get(7)?,
                path: r.get(0)?,
                length: r.get::<_, i64>(1)? as u64,
                lines: r.get::<_, i64>(2)? as u64,
                crc: r.get::<_, i64>(3)? as u32,
                size: r.get::<_, i64>(4)? as u64,
                mtime_ns: r.get(5)?,
                inode: r.get::<_, i64>(6)? as u64,
                ctime_ns: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
