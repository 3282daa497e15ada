//! Recording benchmark results: a run becomes a `bench_run` event, and the
//! figures of its recorded configuration become readings that point at it, so
//! every measured number can be traced to how it was measured.

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{History, Stamp};
use crate::domain::event::{self, Body, EventId};
use crate::domain::Catalog;

/// One benchmark's results, ready to be recorded.
pub struct Measured {
    /// `cache` or `routing`.
    pub kind: &'static str,
    pub seed: Option<u64>,
    pub workload: String,
    /// The configurations compared.
    pub params: Value,
    /// Each configuration's figures.
    pub results: Value,
    /// The configuration whose figures become readings, and those figures;
    /// `None` when the run compares without recording (a threshold sweep).
    pub recorded: Option<(String, Vec<(&'static str, f64)>)>,
    /// What the recorded figures count, added to their readings' note
    /// (a cache run's hits: correct ones only).
    pub note: Option<String>,
    pub started: DateTime<Utc>,
    pub duration_ms: f64,
}

/// A recorded run and the readings written from it.
#[derive(Debug)]
pub struct RecordedRun {
    pub run: EventId,
    pub kind: &'static str,
    pub config: String,
    pub readings: Vec<(String, f64)>,
}

/// Records each measured run that has figures to record, with its readings,
/// in one write. Figures outside a metric's range are left out rather than
/// stored as nonsense.
pub fn record(
    history: &mut History,
    catalog: &Catalog,
    measured: &[&Measured],
    stamp: &Stamp,
) -> Result<Vec<RecordedRun>> {
    let mut events = Vec::new();
    let mut recorded = Vec::new();
    for m in measured {
        let Some((config, figures)) = &m.recorded else {
            continue;
        };
        let run = stamp.event(Body::BenchRun(event::BenchRun {
            bench: m.kind.to_string(),
            seed: m.seed,
            workload: m.workload.clone(),
            params: m.params.clone(),
            results: m.results.clone(),
            recorded: config.clone(),
            started_at: m.started,
            duration_ms: m.duration_ms,
        }));
        let mut readings = Vec::new();
        let note = match &m.note {
            Some(n) => format!("run {}: {config}; {n}", run.id.short()),
            None => format!("run {}: {config}", run.id.short()),
        };
        for (metric, value) in figures {
            let Some(def) = catalog.get(metric) else {
                continue;
            };
            if def.check_value(*value).is_err() {
                continue;
            }
            events.push(stamp.event(Body::Reading(event::Reading {
                metric: metric.to_string(),
                value: *value,
                measured_at: m.started,
                source: format!("bench:{}", m.kind),
                note: Some(note.clone()),
                run: Some(run.id),
            })));
            readings.push((metric.to_string(), *value));
        }
        recorded.push(RecordedRun {
            run: run.id,
            kind: m.kind,
            config: config.clone(),
            readings,
        });
        // The run goes before its readings in the log.
        let at = events.len() - recorded.last().map_or(0, |r| r.readings.len());
        events.insert(at, run);
    }
    history.record(&events)?;
    Ok(recorded)
}
