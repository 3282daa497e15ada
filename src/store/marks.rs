//! What applying an event changes besides its own row: the live counts
//! (summed per batch, see `Writer::apply_batch`) and the marks an undo or a
//! retraction puts on the record it points at. Split from `apply` so that
//! the one write path reads as one page; the arithmetic here is its detail.

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::apply::record_table;
use super::{timestamp, Writer};
use crate::domain::DogfoodKind;

impl Writer<'_> {
    pub(super) fn count_reading(&self, metric: &str, source: &str, by: i64) -> Result<()> {
        if let Some(c) = self.deferred.borrow_mut().as_mut() {
            *c.readings
                .entry((metric.to_string(), source.to_string()))
                .or_default() += by;
            return Ok(());
        }
        self.write_reading_count(metric, source, by)
    }

    pub(super) fn write_reading_count(&self, metric: &str, source: &str, by: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO series_stats (metric, source, readings) VALUES (?1, ?2, ?3)
                 ON CONFLICT (metric, source) DO UPDATE SET readings = readings + ?3",
            )?
            .execute(params![metric, source, by])?;
        Ok(())
    }

    /// A live reading joined its series: the series' newest if it is newer
    /// (by time, then id) than the one kept.
    pub(super) fn note_newest(
        &self,
        metric: &str,
        source: &str,
        at: String,
        id: &str,
        value: f64,
    ) -> Result<()> {
        if let Some(c) = self.deferred.borrow_mut().as_mut() {
            let key = (metric.to_string(), source.to_string());
            let newer = c
                .newest
                .get(&key)
                .is_none_or(|(a, i, _)| (a.as_str(), i.as_str()) < (at.as_str(), id));
            if newer {
                c.newest.insert(key, (at, id.to_string(), value));
            }
            return Ok(());
        }
        self.write_newest(metric, source, &at, id, value)
    }

    pub(super) fn write_newest(
        &self,
        metric: &str,
        source: &str,
        at: &str,
        id: &str,
        value: f64,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE series_stats SET latest_at = ?3, latest_id = ?4, latest_value = ?5
                 WHERE metric = ?1 AND source = ?2
                   AND (latest_at IS NULL OR (latest_at, latest_id) < (?3, ?4))",
            )?
            .execute(params![metric, source, at, id, value])?;
        Ok(())
    }

    /// A series lost a live reading: its newest is looked up again at the
    /// end of the batch, once the reading is marked and the batch's own
    /// readings are in (every apply defers, see `Writer::apply`).
    fn lose_reading(&self, metric: &str, source: &str) -> Result<()> {
        self.count_reading(metric, source, -1)?;
        match self.deferred.borrow_mut().as_mut() {
            Some(c) => c.lost.insert((metric.to_string(), source.to_string())),
            None => unreachable!("readings are lost inside a batch only"),
        };
        Ok(())
    }

    pub(super) fn recompute_newest(&self, metric: &str, source: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE series_stats SET (latest_at, latest_id, latest_value) = (
                     SELECT at, event_id, value FROM reading
                     WHERE metric = ?1 AND source = ?2 AND retracted_at IS NULL
                     ORDER BY at DESC, event_id DESC LIMIT 1)
                 WHERE metric = ?1 AND source = ?2",
            )?
            .execute(params![metric, source])?;
        Ok(())
    }

    pub(super) fn count_dogfood(&self, kind: DogfoodKind, generated: bool, by: i64) -> Result<()> {
        if let Some(c) = self.deferred.borrow_mut().as_mut() {
            *c.dogfood.entry((kind.as_str(), generated)).or_default() += by;
            return Ok(());
        }
        self.write_dogfood_count(kind.as_str(), generated, by)
    }

    pub(super) fn write_dogfood_count(&self, kind: &str, generated: bool, by: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO dogfood_stats (kind, generated, events) VALUES (?1, ?2, ?3)
                 ON CONFLICT (kind, generated) DO UPDATE SET events = events + ?3",
            )?
            .execute(params![kind, generated, by])?;
        Ok(())
    }

    pub(super) fn count_adhoc(&self, month: u32, by: i64) -> Result<()> {
        if let Some(c) = self.deferred.borrow_mut().as_mut() {
            *c.adhoc.entry(month).or_default() += by;
            return Ok(());
        }
        self.write_adhoc_count(month, by)
    }

    pub(super) fn write_adhoc_count(&self, month: u32, by: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO adhoc_stats (month, count) VALUES (?1, ?2)
                 ON CONFLICT (month) DO UPDATE SET count = count + ?2",
            )?
            .execute(params![month, by])?;
        Ok(())
    }

    /// Takes a live record out of the totals before it stops being live.
    pub(super) fn uncount(&self, kind: &str, event_id: &str) -> Result<()> {
        match kind {
            "reading" => {
                let series: Option<(String, String)> = self
                    .tx
                    .prepare_cached(
                        "SELECT metric, source FROM reading WHERE event_id = ?1 AND retracted_at IS NULL",
                    )?
                    .query_row([event_id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                if let Some((metric, source)) = series {
                    self.lose_reading(&metric, &source)?;
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
    pub(super) fn mark_undone(&self, target: &str, at: DateTime<Utc>) -> Result<()> {
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
    pub(super) fn mark_retracted(&self, target: &str, by: &str, at: DateTime<Utc>) -> Result<()> {
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
    pub(super) fn retract_run_readings(&self, run: &str, at: &str) -> Result<()> {
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
}
