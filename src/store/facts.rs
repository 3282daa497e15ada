//! What a report and the gate read of a history, as one trait: answered by
//! the SQLite index ([`Reader`]) or by the log read once into memory
//! ([`MemoryIndex`](super::MemoryIndex)) when a command runs where no index
//! exists yet — a fresh clone in CI — and building one would cost more than
//! the command itself.
//!
//! Why a trait rather than two report builders: the report and the gate are
//! written once, against these questions; the two answers are held equal by
//! a property test over random logs (`memory::tests`).

use std::collections::BTreeMap;

use anyhow::Result;

use super::{BenchRun, Completion, DogfoodCount, EvidenceRow, Reader, Reading, SeriesStat};
use crate::domain::DogfoodKind;

/// The questions a report and `beast check` ask of a history. Every answer
/// counts live records only (not undone, not retracted) unless it says
/// otherwise, and breaks ties by event id.
pub trait Facts {
    /// The completion that counts for each planned task (its earliest live
    /// one), by month, block, task.
    fn planned_completions(&self) -> Result<Vec<Completion>>;
    /// The most recent live completions, planned and ad hoc, newest first.
    fn recent_completions(&self, limit: usize) -> Result<Vec<Completion>>;
    /// Live ad-hoc completions per month, by month; months with none left out.
    fn adhoc_per_month(&self) -> Result<Vec<(u32, u64)>>;
    /// Live generated and manual dog-food events for each kind.
    fn dogfood_counts(&self) -> Result<Vec<(DogfoodKind, DogfoodCount)>>;
    /// Every metric's series, by metric then source.
    fn all_series(&self) -> Result<BTreeMap<String, Vec<SeriesStat>>>;
    /// One metric's series, by source.
    fn series_of(&self, metric: &str) -> Result<Vec<SeriesStat>>;
    /// One reading by its event id, retracted or not.
    fn reading(&self, event_id: &str) -> Result<Option<Reading>>;
    /// The newest `limit` live readings of a metric, newest first.
    fn latest_readings(&self, metric: &str, limit: usize) -> Result<Vec<Reading>>;
    /// The values of the newest `limit` live readings of one series, oldest
    /// first.
    fn trend(&self, metric: &str, source: &str, limit: usize) -> Result<Vec<f64>>;
    /// The newest `limit` live readings of one series measured at or before
    /// `until` (a stored timestamp; all when `None`), oldest first.
    fn series(
        &self,
        metric: &str,
        source: &str,
        until: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Reading>>;
    /// One benchmark run by its event id.
    fn bench_run(&self, event_id: &str) -> Result<Option<BenchRun>>;
    /// Every live piece of evidence whose completion is live, by completion
    /// then event id.
    fn live_evidence(&self) -> Result<Vec<EvidenceRow>>;

    /// Whether `reading` was measured by a benchmark run on beast's built-in
    /// reference workload (see `domain::claims::is_reference_workload`).
    fn is_reference_reading(&self, reading: &Reading) -> Result<bool> {
        let Some(run) = reading.run.as_deref() else {
            return Ok(false);
        };
        Ok(self
            .bench_run(run)?
            .is_some_and(|b| crate::domain::claims::is_reference_workload(&b.workload)))
    }

    /// The sources of a metric's live readings, sorted.
    fn reading_sources(&self, metric: &str) -> Result<Vec<String>> {
        Ok(self
            .series_of(metric)?
            .into_iter()
            .map(|s| s.source)
            .collect())
    }
}

impl Facts for Reader<'_> {
    fn planned_completions(&self) -> Result<Vec<Completion>> {
        Reader::planned_completions(self)
    }
    fn recent_completions(&self, limit: usize) -> Result<Vec<Completion>> {
        Reader::recent_completions(self, limit)
    }
    fn adhoc_per_month(&self) -> Result<Vec<(u32, u64)>> {
        Reader::adhoc_per_month(self)
    }
    fn dogfood_counts(&self) -> Result<Vec<(DogfoodKind, DogfoodCount)>> {
        Reader::dogfood_counts(self)
    }
    fn all_series(&self) -> Result<BTreeMap<String, Vec<SeriesStat>>> {
        Reader::all_series(self)
    }
    fn series_of(&self, metric: &str) -> Result<Vec<SeriesStat>> {
        Reader::series_of(self, metric)
    }
    fn reading(&self, event_id: &str) -> Result<Option<Reading>> {
        Reader::reading(self, event_id)
    }
    fn latest_readings(&self, metric: &str, limit: usize) -> Result<Vec<Reading>> {
        Reader::latest_readings(self, metric, limit)
    }
    fn trend(&self, metric: &str, source: &str, limit: usize) -> Result<Vec<f64>> {
        Reader::trend(self, metric, source, limit)
    }
    fn series(
        &self,
        metric: &str,
        source: &str,
        until: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Reading>> {
        Reader::series(self, metric, source, until, limit)
    }
    fn bench_run(&self, event_id: &str) -> Result<Option<BenchRun>> {
        Reader::bench_run(self, event_id)
    }
    fn live_evidence(&self) -> Result<Vec<EvidenceRow>> {
        Reader::live_evidence(self)
    }
}
