//! What tells a claim from proof, as the index holds it: the live evidence
//! of each planned task's completions, each metric's series (per source)
//! with its newest reading, and the `Roadmap-Task:` trailers of the repository's commits (a
//! cache of `git log`, keyed by the HEAD it was read at).

use anyhow::Result;
use rusqlite::{params, OptionalExtension};

use super::{Reader, Writer};
use crate::domain::event::Proof;
use crate::domain::TaskRef;

/// A `Roadmap-Task:` trailer: (commit id, value).
pub type Trailer = (String, String);

/// Of a metric's series, the one with the newest measured reading: any
/// source but `manual` and the legacy import's `import:*`.
pub fn newest_measured(series: &[SeriesStat]) -> Option<&SeriesStat> {
    series
        .iter()
        .filter(|s| s.source != "manual" && !s.source.starts_with("import:"))
        .max_by(|a, b| (&a.latest_at, &a.latest_id).cmp(&(&b.latest_at, &b.latest_id)))
}

/// One series of a metric: its live readings from one source.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesStat {
    pub source: String,
    pub readings: u64,
    /// The newest reading: when it was measured, its id and its value.
    pub latest_at: String,
    pub latest_id: String,
    pub latest_value: f64,
}

/// A live piece of evidence on a live completion.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceRow {
    /// The evidence event's id.
    pub event_id: String,
    /// The completion it supports.
    pub completion: String,
    /// The completion's planned task; None for ad-hoc work.
    pub task: Option<TaskRef>,
    pub proof: Proof,
}

impl Reader<'_> {
    /// Every live piece of evidence whose completion is live, by completion
    /// then event id.
    pub fn live_evidence(&self) -> Result<Vec<EvidenceRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.event_id, e.target, e.kind, e.ref, e.commit_id,
                    c.month, c.block_first_week, c.task_key, c.adhoc
             FROM evidence e JOIN completion c ON c.event_id = e.target
             WHERE e.retracted_at IS NULL AND c.undone_at IS NULL AND c.retracted_at IS NULL
             ORDER BY e.target, e.event_id",
        )?;
        let rows = stmt.query_map([], |r| {
            let kind: String = r.get(2)?;
            let adhoc: bool = r.get(8)?;
            let block: Option<u8> = r.get(6)?;
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                Proof::from_parts(&kind, r.get(3)?, r.get(4)?),
                match (adhoc, block) {
                    (false, Some(b)) => Some(TaskRef {
                        month: r.get(5)?,
                        block_first_week: b,
                        key: r.get(7)?,
                    }),
                    _ => None,
                },
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (event_id, completion, proof, task) = row?;
            // The table's CHECK keeps the kinds to three; a row that still
            // does not make a proof is skipped rather than trusted.
            if let Some(proof) = proof {
                out.push(EvidenceRow {
                    event_id,
                    completion,
                    task,
                    proof,
                });
            }
        }
        Ok(out)
    }

    /// Every metric's series, by metric then source: one query for what a
    /// report needs of all of them.
    pub fn all_series(&self) -> Result<std::collections::BTreeMap<String, Vec<SeriesStat>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT metric, source, readings, latest_at, latest_id, latest_value FROM series_stats
             WHERE readings > 0 AND latest_at IS NOT NULL ORDER BY metric, source",
        )?;
        let mut out: std::collections::BTreeMap<String, Vec<SeriesStat>> = Default::default();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            out.entry(r.get(0)?).or_default().push(SeriesStat {
                source: r.get(1)?,
                readings: r.get(2)?,
                latest_at: r.get(3)?,
                latest_id: r.get(4)?,
                latest_value: r.get(5)?,
            });
        }
        Ok(out)
    }

    /// A metric's series — its live readings per source — with their
    /// counts and newest readings, by source.
    pub fn series_of(&self, metric: &str) -> Result<Vec<SeriesStat>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT source, readings, latest_at, latest_id, latest_value FROM series_stats
             WHERE metric = ?1 AND readings > 0 AND latest_at IS NOT NULL ORDER BY source",
        )?;
        let rows = stmt.query_map([metric], |r| {
            Ok(SeriesStat {
                source: r.get(0)?,
                readings: r.get(1)?,
                latest_at: r.get(2)?,
                latest_id: r.get(3)?,
                latest_value: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The cached trailers and the HEAD key they were read at.
    pub fn commit_trailers(&self) -> Result<(Option<String>, Vec<Trailer>)> {
        let head: Option<String> = self
            .conn
            .prepare_cached("SELECT value FROM index_meta WHERE key = 'trailers_head'")?
            .query_row([], |r| r.get(0))
            .optional()?;
        let rows = self
            .conn
            .prepare_cached(
                "SELECT commit_id, value FROM commit_trailer ORDER BY commit_id, value",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok((head, rows))
    }
}

impl Writer<'_> {
    /// Replaces the cached trailers with those read at `head`.
    pub fn set_commit_trailers(&self, head: &str, rows: &[(String, String)]) -> Result<()> {
        self.tx.execute("DELETE FROM commit_trailer", [])?;
        let mut insert = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO commit_trailer (commit_id, value) VALUES (?1, ?2)",
        )?;
        for (commit, value) in rows {
            insert.execute(params![commit, value])?;
        }
        self.tx.execute(
            "INSERT INTO index_meta (key, value) VALUES ('trailers_head', ?1)
             ON CONFLICT (key) DO UPDATE SET value = ?1",
            [head],
        )?;
        Ok(())
    }
}
