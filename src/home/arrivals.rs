//! When each record reached the team's shared history, and which records
//! claim a time long before that: the `backdated` claim.
//!
//! Why: a record's own times are whatever its author's clock (or
//! `--today`) said; the commits of `refs/beast/history` are the first
//! moment the team could see it. A log file has one writer and only grows,
//! and its chunks keep their starts (`chunks.rs`), so a line at byte `o` of
//! chunk `k` reached the history with the first commit whose chunk `k` is
//! longer than `o` — the same answer in every clone. Worked out when the
//! files take a commit in (git is running then anyway) and kept in
//! `.git/beast/backdated`, so reading stays free of git processes.

use std::collections::HashMap;
use std::io::Write;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::team::{Team, TREE_DIR};

/// A record whose claimed time is more than this before it reached the
/// shared history is backdated.
pub const BACKDATED_AFTER_HOURS: i64 = 24;

const FILE: &str = "backdated";

impl Team {
    /// Works out, for the history at `commit`, which lines of the local
    /// files claim a time more than a day before the commit that brought
    /// them, and keeps them (id, when it arrived) in `.git/beast/backdated`.
    pub(super) fn note_arrivals(&self, commit: &str) -> Result<()> {
        // (file, chunk) → (size, commit time) of each version of the chunk.
        let added = self.repo.blobs_added(commit, TREE_DIR)?;
        let ids: Vec<String> = {
            let mut v: Vec<String> = added.iter().map(|(_, _, b)| b.clone()).collect();
            v.sort();
            v.dedup();
            v
        };
        let sizes = self.repo.blob_sizes(&ids)?;
        let mut versions: HashMap<(String, u32), Vec<(u64, i64)>> = HashMap::new();
        for (time, path, blob) in &added {
            let Some(rest) = path.strip_prefix(&format!("{TREE_DIR}/")) else {
                continue;
            };
            let Some((file, chunk)) = rest.rsplit_once('/') else {
                continue;
            };
            let (Ok(k), Some(size)) = (chunk.parse::<u32>(), sizes.get(blob)) else {
                continue;
            };
            versions
                .entry((file.to_string(), k))
                .or_default()
                .push((*size, *time));
        }
        // Chunk starts: the sizes of the chunks before, as the commit has them.
        let mut late: Vec<(String, DateTime<Utc>)> = Vec::new();
        let local = self.local_files()?;
        for (file, ids) in self.repo.tree_files(commit, TREE_DIR)? {
            let sizes = self.repo.blob_sizes(&ids)?;
            let mut starts = Vec::with_capacity(ids.len());
            let mut at = 0u64;
            for id in &ids {
                starts.push(at);
                at += sizes.get(id).copied().unwrap_or(0);
            }
            let Some(path) = local.iter().find(|(n, _)| *n == file).map(|(_, p)| p) else {
                continue;
            };
            let bytes = std::fs::read(path).or_else(|e| self.read_fail(path, e))?;
            let bytes = &bytes[..(at as usize).min(bytes.len())];
            let mut offset = 0u64;
            for line in bytes.split_inclusive(|b| *b == b'\n') {
                let here = offset;
                offset += line.len() as u64;
                let k = starts.partition_point(|s| *s <= here).saturating_sub(1);
                let within = here - starts[k];
                let Some(arrived) = versions.get(&(file.clone(), k as u32)).and_then(|v| {
                    v.iter()
                        .filter(|(size, _)| *size > within)
                        .map(|(_, t)| *t)
                        .min()
                }) else {
                    continue;
                };
                // The claim is shown for completions; other records are not
                // kept (a reading's time is its measurement's).
                const COMPLETION: &[u8] = br#""kind":"completion""#;
                if !line.windows(COMPLETION.len()).any(|w| w == COMPLETION) {
                    continue;
                }
                let Some((id, claimed)) = id_and_time(line) else {
                    continue;
                };
                let Some(arrived) = DateTime::<Utc>::from_timestamp(arrived, 0) else {
                    continue;
                };
                if arrived - claimed > chrono::Duration::hours(BACKDATED_AFTER_HOURS) {
                    late.push((id, arrived));
                }
            }
        }
        let tmp = self.dir.join(format!("{FILE}.tmp"));
        let mut text = Vec::new();
        for (id, at) in &late {
            writeln!(text, "{id}\t{}", at.to_rfc3339())?;
        }
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, self.dir.join(FILE)))
            .or_else(|e| self.fail(e))
    }

    /// The records that reached the shared history more than a day after
    /// the time they claim: event id → when they arrived. Empty until the
    /// files have taken a commit in.
    pub fn backdated(&self) -> HashMap<String, DateTime<Utc>> {
        let Ok(text) = std::fs::read_to_string(self.dir.join(FILE)) else {
            return HashMap::new();
        };
        text.lines()
            .filter_map(|l| {
                let (id, at) = l.split_once('\t')?;
                Some((
                    id.to_string(),
                    DateTime::parse_from_rfc3339(at).ok()?.to_utc(),
                ))
            })
            .collect()
    }
}

/// A log line's event id and its `recorded_at`, read without parsing the
/// whole line (a line that is not an event gives nothing).
fn id_and_time(line: &[u8]) -> Option<(String, DateTime<Utc>)> {
    let text = std::str::from_utf8(line).ok()?;
    let field = |key: &str| {
        let start = text.find(&format!("\"{key}\":\""))? + key.len() + 4;
        let end = start + text[start..].find('"')?;
        Some(&text[start..end])
    };
    let id = field("id")?;
    let at = DateTime::parse_from_rfc3339(field("recorded_at")?).ok()?;
    Some((id.to_string(), at.to_utc()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lines_id_and_time_are_read_without_a_parse() {
        let line = br#"{"v":1,"id":"01KEE8Z0G00000000000000001","kind":"reading","author":"a","recorded_at":"2026-01-15T12:00:00.000Z","metric":"latency"}"#;
        let (id, at) = id_and_time(line).unwrap();
        assert_eq!(id, "01KEE8Z0G00000000000000001");
        assert_eq!(at.to_rfc3339(), "2026-01-15T12:00:00+00:00");
        assert_eq!(id_and_time(b"not json"), None);
    }
}
