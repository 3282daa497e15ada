//! The history read straight from the log into memory, for one command: what
//! `beast report` and `beast check` use where no index exists yet (a fresh
//! clone in CI), answering the same [`Facts`] the SQLite index answers.
//!
//! Why: the first command in a fresh clone used to build the whole index —
//! one SQLite row per event, then its indexes — to read a few hundred
//! figures from it. Held in memory, the same events cost a parse and a sort.
//! The events arrive as a rebuild delivers them to the index (one per id,
//! in id order, every undo and retraction known up front: [`Fresh`]), and
//! each record is kept with exactly the marks the index would give its row
//! (`Marks`, shared with the write path). Only what the [`Facts`] need is
//! kept: live completions, each series' live readings (compactly: one
//! 80-byte row per reading), runs, evidence, dog-food counts.
//!
//! The tests below hold every answer equal to the index's on random logs.

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;

use super::apply::{earliest, Fresh};
use super::facts::Facts;
use super::{timestamp, timestamp_bytes, BenchRun, Completion, DogfoodCount, EvidenceRow};
use super::{Reading, SeriesStat};
use crate::domain::event::{self, Body, Event, EventId, Proof};
use crate::domain::matching::normalize;
use crate::domain::{DogfoodKind, TaskRef};

/// One live reading of a series.
#[derive(Debug, Clone)]
struct Row {
    id: u128,
    /// The stored timestamp's text (`YYYY-MM-DDTHH:MM:SSZ`).
    at: [u8; 20],
    value: f64,
    note: Option<Box<str>>,
    /// Into [`MemoryIndex::runs`].
    run: Option<u32>,
}

// What the module comment promises of a reading's memory.
const _: () = assert!(std::mem::size_of::<Row>() == 80);

/// A piece of evidence that is not retracted.
struct Proofed {
    id: String,
    target: String,
    proof: Proof,
}

/// The history held in memory; see the module comment.
#[derive(Default)]
pub struct MemoryIndex {
    /// Live completions.
    completions: Vec<Completion>,
    /// Live readings by metric, then source; sorted by (at, id) once all
    /// are in.
    series: BTreeMap<String, BTreeMap<String, Vec<Row>>>,
    /// Readings that are not live, as the index would show them.
    retracted: Vec<Reading>,
    /// Benchmark run ids that live readings name, numbered for their rows.
    runs: Vec<EventId>,
    run_no: HashMap<EventId, u32>,
    bench_runs: HashMap<String, BenchRun>,
    dogfood: BTreeMap<(&'static str, bool), u64>,
    evidence: Vec<Proofed>,
    events: u64,
}

fn at_text(at: &[u8; 20]) -> String {
    String::from_utf8(at.to_vec()).expect("ASCII digits")
}

impl MemoryIndex {
    /// Takes one event of a load, in id order (see [`Fresh`]).
    pub fn absorb(&mut self, fresh: &Fresh, e: Event) {
        self.events += 1;
        let Event {
            id,
            recorded_at,
            author,
            body,
        } = e;
        let marks = fresh.marks_of(&id, body.kind());
        match body {
            Body::Completion(c) => {
                if marks.undone_at.is_some() || marks.retracted_at.is_some() {
                    return;
                }
                let (block, key) = match &c.task {
                    Some(t) => (Some(t.block_first_week), t.key.clone()),
                    None => (None, normalize(&c.title)),
                };
                self.completions.push(Completion {
                    event_id: id.text(),
                    month: c.month,
                    week: c.week,
                    block_first_week: block,
                    task_key: key,
                    adhoc: c.task.is_none(),
                    title: c.title,
                    note: c.note,
                    completed_at: timestamp(c.completed_at),
                    legacy_name: c.legacy_name,
                    author,
                    recorded_at: event::log_time(recorded_at),
                });
            }
            Body::Reading(r) => {
                if let Some(retracted_at) = marks.retracted_at {
                    self.retracted.push(Reading {
                        event_id: id.text(),
                        metric: r.metric,
                        value: r.value,
                        at: timestamp(r.measured_at),
                        source: r.source,
                        note: r.note,
                        run: r.run.map(|r| r.text()),
                        retracted_at: Some(retracted_at),
                    });
                    return;
                }
                let run = r.run.map(|run| {
                    *self.run_no.entry(run).or_insert_with(|| {
                        self.runs.push(run);
                        self.runs.len() as u32 - 1
                    })
                });
                let row = Row {
                    id: id.as_u128(),
                    at: timestamp_bytes(r.measured_at),
                    value: r.value,
                    note: r.note.map(String::into_boxed_str),
                    run,
                };
                // Keyed by the reading's own strings: a series already
                // there is found without a copy of them.
                let sources = match self.series.get_mut(&r.metric) {
                    Some(s) => s,
                    None => self.series.entry(r.metric).or_default(),
                };
                match sources.get_mut(&r.source) {
                    Some(rows) => rows.push(row),
                    None => {
                        sources.insert(r.source, vec![row]);
                    }
                }
            }
            Body::Dogfood(d) => {
                if marks.retracted_at.is_none() {
                    *self
                        .dogfood
                        .entry((d.kind.as_str(), d.generated))
                        .or_default() += 1;
                }
            }
            Body::BenchRun(b) => {
                let id = id.text();
                self.bench_runs.insert(
                    id.clone(),
                    BenchRun {
                        event_id: id,
                        kind: b.bench,
                        seed: b.seed.map(|s| s as i64),
                        workload: b.workload,
                        params: b.params.to_string(),
                        results: b.results.to_string(),
                        recorded: b.recorded,
                        started_at: timestamp(b.started_at),
                        duration_ms: b.duration_ms,
                        retracted_at: marks.retracted_at,
                    },
                );
            }
            Body::Evidence(ev) => {
                if marks.retracted_at.is_none() {
                    self.evidence.push(Proofed {
                        id: id.text(),
                        target: ev.completion.text(),
                        proof: ev.proof,
                    });
                }
            }
            // Their marks went onto their targets as those came in.
            Body::Undo { .. } | Body::Retraction { .. } => {}
        }
    }

    /// How many events it took.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Once every event is in: readings of retracted runs leave with them
    /// (whichever came first, as in the index), and each series is put in
    /// time order.
    pub fn finish(&mut self) {
        // Retracted runs: their id's text, and when.
        let gone: HashMap<&str, &str> = self
            .bench_runs
            .values()
            .filter_map(|b| Some((b.event_id.as_str(), b.retracted_at.as_deref()?)))
            .collect();
        for r in &mut self.retracted {
            if let Some(at) = r.run.as_deref().and_then(|run| gone.get(run)) {
                r.retracted_at = earliest(r.retracted_at.take(), Some(at.to_string()));
            }
        }
        for (metric, sources) in &mut self.series {
            for (source, rows) in sources.iter_mut() {
                if !gone.is_empty() {
                    let mut kept = Vec::with_capacity(rows.len());
                    for row in rows.drain(..) {
                        let run = row.run.map(|no| self.runs[no as usize].text());
                        match run.as_deref().and_then(|run| gone.get(run)) {
                            Some(at) => self.retracted.push(Reading {
                                retracted_at: Some(at.to_string()),
                                ..to_reading(metric, source, &self.runs, &row)
                            }),
                            None => kept.push(row),
                        }
                    }
                    *rows = kept;
                }
                rows.sort_unstable_by_key(|r| (r.at, r.id));
            }
            sources.retain(|_, rows| !rows.is_empty());
        }
        self.series.retain(|_, s| !s.is_empty());
    }

    fn rows(&self, metric: &str, source: &str) -> &[Row] {
        self.series
            .get(metric)
            .and_then(|s| s.get(source))
            .map_or(&[], Vec::as_slice)
    }
}

fn to_reading(metric: &str, source: &str, runs: &[EventId], row: &Row) -> Reading {
    Reading {
        event_id: EventId::from_u128(row.id).text(),
        metric: metric.to_string(),
        value: row.value,
        at: at_text(&row.at),
        source: source.to_string(),
        note: row.note.as_deref().map(str::to_string),
        run: row.run.map(|no| runs[no as usize].text()),
        retracted_at: None,
    }
}

fn stat(source: &str, rows: &[Row]) -> Option<SeriesStat> {
    let newest = rows.last()?;
    Some(SeriesStat {
        source: source.to_string(),
        readings: rows.len() as u64,
        latest_at: at_text(&newest.at),
        latest_id: EventId::from_u128(newest.id).text(),
        latest_value: newest.value,
    })
}

impl Facts for MemoryIndex {
    fn planned_completions(&self) -> Result<Vec<Completion>> {
        let mut planned: Vec<&Completion> = self.completions.iter().filter(|c| !c.adhoc).collect();
        planned.sort_by(|a, b| {
            (
                a.month,
                a.block_first_week,
                &a.task_key,
                &a.completed_at,
                &a.event_id,
            )
                .cmp(&(
                    b.month,
                    b.block_first_week,
                    &b.task_key,
                    &b.completed_at,
                    &b.event_id,
                ))
        });
        planned.dedup_by(|b, a| {
            a.month == b.month
                && a.block_first_week == b.block_first_week
                && a.task_key == b.task_key
        });
        Ok(planned.into_iter().cloned().collect())
    }

    fn recent_completions(&self, limit: usize) -> Result<Vec<Completion>> {
        let mut all: Vec<&Completion> = self.completions.iter().collect();
        all.sort_by(|a, b| (&b.completed_at, &b.event_id).cmp(&(&a.completed_at, &a.event_id)));
        Ok(all.into_iter().take(limit).cloned().collect())
    }

    fn adhoc_per_month(&self) -> Result<Vec<(u32, u64)>> {
        let mut months: BTreeMap<u32, u64> = BTreeMap::new();
        for c in self.completions.iter().filter(|c| c.adhoc) {
            *months.entry(c.month).or_default() += 1;
        }
        Ok(months.into_iter().collect())
    }

    fn dogfood_counts(&self) -> Result<Vec<(DogfoodKind, DogfoodCount)>> {
        Ok(DogfoodKind::ALL
            .iter()
            .map(|k| {
                let n = |generated| {
                    self.dogfood
                        .get(&(k.as_str(), generated))
                        .copied()
                        .unwrap_or(0)
                };
                (
                    *k,
                    DogfoodCount {
                        generated: n(true),
                        manual: n(false),
                    },
                )
            })
            .collect())
    }

    fn all_series(&self) -> Result<BTreeMap<String, Vec<SeriesStat>>> {
        // `finish` left no series without readings.
        self.series
            .keys()
            .map(|m| Ok((m.clone(), self.series_of(m)?)))
            .collect()
    }

    fn series_of(&self, metric: &str) -> Result<Vec<SeriesStat>> {
        Ok(self
            .series
            .get(metric)
            .into_iter()
            .flatten()
            .filter_map(|(source, rows)| stat(source, rows))
            .collect())
    }

    fn reading(&self, event_id: &str) -> Result<Option<Reading>> {
        let Ok(id) = event_id.parse::<EventId>() else {
            return Ok(None);
        };
        let id = id.as_u128();
        // The newest of a series first: what a report asks for.
        for (metric, sources) in &self.series {
            for (source, rows) in sources {
                if rows.last().is_some_and(|r| r.id == id) {
                    return Ok(Some(to_reading(
                        metric,
                        source,
                        &self.runs,
                        rows.last().unwrap(),
                    )));
                }
            }
        }
        for (metric, sources) in &self.series {
            for (source, rows) in sources {
                if let Some(row) = rows.iter().find(|r| r.id == id) {
                    return Ok(Some(to_reading(metric, source, &self.runs, row)));
                }
            }
        }
        Ok(self
            .retracted
            .iter()
            .find(|r| r.event_id == event_id)
            .cloned())
    }

    fn latest_readings(&self, metric: &str, limit: usize) -> Result<Vec<Reading>> {
        let mut newest: Vec<(&str, &Row)> = self
            .series
            .get(metric)
            .into_iter()
            .flatten()
            .flat_map(|(source, rows)| {
                rows[rows.len().saturating_sub(limit)..]
                    .iter()
                    .map(move |r| (source.as_str(), r))
            })
            .collect();
        newest.sort_by_key(|(_, r)| std::cmp::Reverse((r.at, r.id)));
        Ok(newest
            .into_iter()
            .take(limit)
            .map(|(source, r)| to_reading(metric, source, &self.runs, r))
            .collect())
    }

    fn trend(&self, metric: &str, source: &str, limit: usize) -> Result<Vec<f64>> {
        let rows = self.rows(metric, source);
        Ok(rows[rows.len().saturating_sub(limit)..]
            .iter()
            .map(|r| r.value)
            .collect())
    }

    fn series(
        &self,
        metric: &str,
        source: &str,
        until: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Reading>> {
        let rows = self.rows(metric, source);
        let until = until.unwrap_or("9999").as_bytes();
        let end = rows.partition_point(|r| r.at.as_slice() <= until);
        let rows = &rows[..end];
        Ok(rows[rows.len().saturating_sub(limit)..]
            .iter()
            .map(|r| to_reading(metric, source, &self.runs, r))
            .collect())
    }

    fn bench_run(&self, event_id: &str) -> Result<Option<BenchRun>> {
        Ok(self.bench_runs.get(event_id).cloned())
    }

    fn live_evidence(&self) -> Result<Vec<EvidenceRow>> {
        let completions: HashMap<&str, &Completion> = self
            .completions
            .iter()
            .map(|c| (c.event_id.as_str(), c))
            .collect();
        let mut out: Vec<EvidenceRow> = self
            .evidence
            .iter()
            .filter_map(|e| {
                let c = completions.get(e.target.as_str())?;
                Some(EvidenceRow {
                    event_id: e.id.clone(),
                    completion: e.target.clone(),
                    task: match (c.adhoc, c.block_first_week) {
                        (false, Some(b)) => Some(TaskRef {
                            month: c.month,
                            block_first_week: b,
                            key: c.task_key.clone(),
                        }),
                        _ => None,
                    },
                    proof: e.proof.clone(),
                })
            })
            .collect();
        out.sort_by(|a, b| (&a.completion, &a.event_id).cmp(&(&b.completion, &b.event_id)));
        Ok(out)
    }
}

#[cfg(test)]
#[path = "memory_tests.rs"]
mod tests;
