//! The multi-tier semantic cache of the seeds (month 1), modelled faithfully
//! enough to measure, and its benchmark.
//!
//! - L1: in memory, LRU with a capacity, TTL 1 h.
//! - L2: a shared network cache in production (Redis/Upstash), TTL 2 h. Here an
//!   in-memory map; its network round trip is modelled (`data/models.toml`),
//!   not measured.
//! - L3: persistent, TTL 24 h — a real SQLite table in a temporary file, so its
//!   latency is measured.
//!
//! Lookups go L1 → L2 → L3; a hit in a lower tier is promoted to the tiers
//! above it; a miss is written to every tier. Exact matching uses the
//! normalised prompt; semantic matching takes the most similar cached prompt
//! whose cosine similarity reaches the threshold.
//!
//! This file is the cache; [`run`] replays a workload through it and measures.

use anyhow::{Context as _, Result};
use rusqlite::{params, Connection, OptionalExtension};
use rustc_hash::{FxHashMap, FxHasher};
use serde::Serialize;

use super::lru::Lru;
use super::matcher::{Matcher, MatcherKind};
use super::text::{exact_key, normalize_prompt_into};

/// Time-to-live of each tier in seconds (seed 002).
pub const TTL_SECONDS: [f64; 3] = [3600.0, 2.0 * 3600.0, 24.0 * 3600.0];

/// How often (simulated seconds) entries expired in every tier are dropped.
const SWEEP_EVERY: f64 = 600.0;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Config {
    pub name: String,
    pub tiers: u8,
    pub l1_capacity: usize,
    pub semantic: bool,
    /// What judges similarity (semantic caches).
    pub matcher: MatcherKind,
    /// Similarity threshold; null for exact-only caches. With
    /// `max_false_rate` this is ignored: the threshold is learned.
    pub threshold: Option<f32>,
    /// Learn the threshold from the labelled history so that the share of
    /// false hits stays within this bound (0–1); see `calibrate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_false_rate: Option<f64>,
    pub ttl: bool,
    pub warm: bool,
}

impl Config {
    /// The four configurations a default run compares.
    pub fn defaults(l1_capacity: usize, matcher: MatcherKind) -> Vec<Config> {
        let threshold = matcher.default_threshold();
        // Names say which matcher, since a recorded run is known by its name.
        let semantic = match matcher {
            MatcherKind::Tfidf => "semantic".to_string(),
            other => format!("semantic ({})", other.name()),
        };
        let base = Config {
            name: String::new(),
            tiers: 1,
            l1_capacity,
            semantic: false,
            matcher,
            threshold: None,
            max_false_rate: None,
            ttl: true,
            warm: false,
        };
        vec![
            Config {
                name: "exact, 1 tier".into(),
                ..base.clone()
            },
            Config {
                name: format!("{semantic}, 1 tier"),
                semantic: true,
                threshold: Some(threshold),
                ..base.clone()
            },
            Config {
                name: format!("{semantic}, 3 tiers"),
                tiers: 3,
                semantic: true,
                threshold: Some(threshold),
                ..base.clone()
            },
            Config {
                name: format!("{semantic}, 3 tiers, warmed"),
                tiers: 3,
                semantic: true,
                threshold: Some(threshold),
                warm: true,
                ..base
            },
        ]
    }
}

/// Where a lookup was answered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CacheLookup {
    Miss,
    Hit {
        tier: u8,
        semantic: bool,
        entry: u32,
        /// 1 for an exact hit.
        similarity: f32,
    },
}

struct Entry {
    key: String,
    hash: u64,
    intent: Option<u32>,
    /// This entry's own similarity threshold (see `raise_threshold`).
    threshold: f32,
    l2_at: Option<f64>,
    l3_at: Option<f64>,
    live: bool,
}

/// L3: a SQLite table in a temporary directory.
///
/// Writes are grouped: one transaction commits every [`L3_GROUP`] writes, as
/// a persistent cache writing behind its answers would, rather than one
/// commit (a WAL append and its system calls) per miss. Reads run on the same
/// connection and see every write at once.
struct L3 {
    conn: Connection,
    /// Writes in the open transaction (none open when 0).
    pending: std::cell::Cell<u32>,
    _dir: tempfile::TempDir,
}

/// Writes per L3 commit.
const L3_GROUP: u32 = 16_384;

impl L3 {
    fn open() -> Result<L3> {
        let dir = tempfile::tempdir().context("creating a temporary directory for the L3 cache")?;
        let conn = Connection::open(dir.path().join("l3.db"))?;
        // One process owns the file: no file locks per transaction.
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))?;
        // A cache may lose its tail on a crash; durability is not what L3 is measured for.
        conn.pragma_update(None, "synchronous", "OFF")?;
        conn.pragma_update(None, "cache_size", -131_072)?;
        conn.execute_batch(
            "CREATE TABLE l3 (key TEXT PRIMARY KEY, written_at REAL NOT NULL) WITHOUT ROWID",
        )?;
        Ok(L3 {
            conn,
            pending: std::cell::Cell::new(0),
            _dir: dir,
        })
    }

    fn get(&self, key: &str) -> Result<Option<f64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT written_at FROM l3 WHERE key = ?1")?;
        Ok(stmt.query_row([key], |r| r.get(0)).optional()?)
    }

    /// Runs one write inside the open group, committing it when full.
    fn write(&self, sql: &str, params: impl rusqlite::Params) -> Result<()> {
        if self.pending.get() == 0 {
            self.conn.execute_batch("BEGIN")?;
        }
        self.conn.prepare_cached(sql)?.execute(params)?;
        self.pending.set(self.pending.get() + 1);
        if self.pending.get() == L3_GROUP {
            self.conn.execute_batch("COMMIT")?;
            self.pending.set(0);
        }
        Ok(())
    }

    fn put(&self, key: &str, at: f64) -> Result<()> {
        self.write(
            "INSERT INTO l3 (key, written_at) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET written_at = excluded.written_at",
            params![key, at],
        )
    }

    fn delete(&self, key: &str) -> Result<()> {
        self.write("DELETE FROM l3 WHERE key = ?1", [key])
    }
}

fn key_hash(key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = FxHasher::default();
    key.hash(&mut h);
    h.finish()
}

/// The cache. Entries get increasing ids and are never reused, so the L1 LRU,
/// the semantic index and the exact map can all refer to them by id.
pub struct MultiTierCache {
    config: Config,
    ttl: [f64; 3],
    entries: Vec<Entry>,
    /// Ids of the entries that may be live, in increasing order: what a
    /// sweep looks at (all entries ever made would make sweeping a long
    /// trace quadratic).
    maybe_live: Vec<u32>,
    by_hash: FxHashMap<u64, u32>,
    l1: Lru<f64>,
    l3: Option<L3>,
    matcher: Box<dyn Matcher>,
    scratch: String,
    /// Under accuracy control, how far below the threshold a lookup still
    /// looks, and the entry it found there on its last miss.
    probe: Option<f32>,
    near: Option<(u32, f32)>,
}

impl MultiTierCache {
    pub fn new(config: Config, matcher: Box<dyn Matcher>) -> Result<MultiTierCache> {
        let ttl = if config.ttl {
            TTL_SECONDS
        } else {
            [f64::INFINITY; 3]
        };
        let l3 = if config.tiers >= 3 {
            Some(L3::open()?)
        } else {
            None
        };
        Ok(MultiTierCache {
            l1: Lru::new(config.l1_capacity),
            config,
            ttl,
            entries: Vec::new(),
            maybe_live: Vec::new(),
            by_hash: FxHashMap::default(),
            l3,
            matcher,
            scratch: String::new(),
            probe: None,
            near: None,
        })
    }

    /// Changes the similarity threshold (accuracy control re-learns it
    /// during a run).
    pub fn set_threshold(&mut self, threshold: f32) {
        self.config.threshold = Some(threshold);
    }

    /// Makes lookups look down to `probe` for the nearest entry even when it
    /// is not similar enough to serve, so that a miss can say what it would
    /// have served ([`MultiTierCache::near_miss`]).
    pub fn set_probe(&mut self, probe: f32) {
        self.probe = Some(probe);
    }

    /// The nearest entry of the last lookup, when it was a miss with an
    /// entry at or above the probe: (entry, similarity).
    pub fn near_miss(&self) -> Option<(u32, f32)> {
        self.near
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Entries present in at least one tier.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// Semantic lookups that stopped at the index's visit bound.
    pub fn capped_lookups(&self) -> u64 {
        self.matcher.capped_lookups()
    }

    pub fn intent_of(&self, entry: u32) -> Option<u32> {
        self.entries[entry as usize].intent
    }

    /// Makes an entry that served a wrong answer at `similarity` require
    /// more than that from now on: its own threshold, learned from feedback.
    pub fn raise_threshold(&mut self, entry: u32, similarity: f32) {
        let e = &mut self.entries[entry as usize];
        e.threshold = e.threshold.max(similarity.next_up());
    }

    fn fresh(&self, tier: usize, written: f64, now: f64) -> bool {
        now - written <= self.ttl[tier]
    }

    /// Drops an entry from every tier and index.
    fn forget(&mut self, id: u32) -> Result<()> {
        let e = &mut self.entries[id as usize];
        if !e.live {
            return Ok(());
        }
        e.live = false;
        e.l2_at = None;
        if self.by_hash.get(&e.hash) == Some(&id) {
            self.by_hash.remove(&e.hash);
        }
        if e.l3_at.take().is_some() {
            if let Some(l3) = &self.l3 {
                l3.delete(&e.key)?;
            }
        }
        self.l1.remove(id);
        self.matcher.remove(id);
        Ok(())
    }

    /// Puts an entry in L1; an entry evicted from L1 that lives in no other
    /// tier leaves the cache.
    fn put_l1(&mut self, id: u32, now: f64) -> Result<()> {
        if let Some((evicted, _)) = self.l1.insert(id, now) {
            let e = &self.entries[evicted as usize];
            if e.l2_at.is_none() && e.l3_at.is_none() {
                self.forget(evicted)?;
            }
        }
        Ok(())
    }

    /// Serves an entry from the first tier that holds it fresh, promoting it
    /// upwards; forgets it when no tier does.
    fn serve(&mut self, id: u32, now: f64) -> Result<Option<u8>> {
        if let Some(at) = self.l1.get(id).copied() {
            if self.fresh(0, at, now) {
                return Ok(Some(1));
            }
            self.l1.remove(id);
        }
        let tiers = self.config.tiers;
        if tiers >= 2 {
            if let Some(at) = self.entries[id as usize].l2_at {
                if self.fresh(1, at, now) {
                    self.put_l1(id, now)?;
                    return Ok(Some(2));
                }
                self.entries[id as usize].l2_at = None;
            }
        }
        if let Some(l3) = &self.l3 {
            let key = &self.entries[id as usize].key;
            if let Some(at) = l3.get(key)? {
                if self.fresh(2, at, now) {
                    self.entries[id as usize].l2_at = (tiers >= 2).then_some(now);
                    self.put_l1(id, now)?;
                    return Ok(Some(3));
                }
            }
        }
        self.forget(id)?;
        Ok(None)
    }

    /// Looks a prompt up: exact match first, then the most similar entry.
    pub fn lookup(&mut self, prompt: &str, now: f64) -> Result<CacheLookup> {
        let mut scratch = std::mem::take(&mut self.scratch);
        let outcome = self.lookup_normalized(exact_key(prompt, &mut scratch), now);
        self.scratch = scratch;
        outcome
    }

    fn lookup_normalized(&mut self, key: &str, now: f64) -> Result<CacheLookup> {
        let hash = key_hash(key);
        if let Some(&id) = self.by_hash.get(&hash) {
            if self.entries[id as usize].key == key {
                if let Some(tier) = self.serve(id, now)? {
                    return Ok(CacheLookup::Hit {
                        tier,
                        semantic: false,
                        entry: id,
                        similarity: 1.0,
                    });
                }
            }
        }
        self.near = None;
        if let Some(threshold) = self.config.threshold.filter(|_| self.config.semantic) {
            let floor = self.probe.map_or(threshold, |p| p.min(threshold));
            // A candidate may turn out expired everywhere; it is then dropped
            // and the next best one is tried.
            for _ in 0..4 {
                let Some((id, sim)) = self.matcher.best_match(key, floor)? else {
                    break;
                };
                // An entry that has served a wrong answer asks for more.
                if sim < threshold || sim < self.entries[id as usize].threshold {
                    if self.probe.is_some() {
                        self.near = Some((id, sim));
                    }
                    break;
                }
                if let Some(tier) = self.serve(id, now)? {
                    return Ok(CacheLookup::Hit {
                        tier,
                        semantic: true,
                        entry: id,
                        similarity: sim,
                    });
                }
            }
        }
        Ok(CacheLookup::Miss)
    }

    /// Writes a prompt's answer to every tier (after a miss, or when warming).
    pub fn insert(&mut self, prompt: &str, intent: Option<u32>, now: f64) -> Result<()> {
        let mut key = std::mem::take(&mut self.scratch);
        normalize_prompt_into(prompt, &mut key);
        let hash = key_hash(&key);
        let existing = self
            .by_hash
            .get(&hash)
            .copied()
            .filter(|id| self.entries[*id as usize].key == key);
        let id = match existing {
            Some(id) => id,
            None => {
                if let Some(other) = self.by_hash.get(&hash).copied() {
                    // A 64-bit hash collision: the older entry gives way.
                    self.forget(other)?;
                }
                let id = self.entries.len() as u32;
                self.maybe_live.push(id);
                self.entries.push(Entry {
                    key: key.clone(),
                    hash,
                    intent,
                    threshold: 0.0,
                    l2_at: None,
                    l3_at: None,
                    live: true,
                });
                self.by_hash.insert(hash, id);
                if self.config.semantic {
                    self.matcher.insert(id, &key)?;
                }
                id
            }
        };
        let tiers = self.config.tiers;
        let e = &mut self.entries[id as usize];
        e.l2_at = (tiers >= 2).then_some(now);
        if let Some(l3) = &self.l3 {
            l3.put(&key, now)?;
            e.l3_at = Some(now);
        }
        self.put_l1(id, now)?;
        self.scratch = key;
        Ok(())
    }

    /// Drops entries that have expired in every tier they were in.
    pub fn sweep(&mut self, now: f64) -> Result<()> {
        if !self.config.ttl {
            return Ok(());
        }
        let mut stale = Vec::new();
        let entries = &self.entries;
        self.maybe_live.retain(|&id| entries[id as usize].live);
        for &id in &self.maybe_live {
            let e = &self.entries[id as usize];
            let in_l1 = self.l1.peek(id).is_some_and(|at| self.fresh(0, *at, now));
            let in_l2 = e.l2_at.is_some_and(|at| self.fresh(1, at, now));
            let in_l3 = e.l3_at.is_some_and(|at| self.fresh(2, at, now));
            if !(in_l1 || in_l2 || in_l3) {
                stale.push(id);
            }
        }
        for id in stale {
            self.forget(id)?;
        }
        Ok(())
    }
}

mod run;

pub use run::{run, warm_set, RunResult};

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::bench::matcher::TfidfMatcher;

    pub(in crate::bench::cache) fn config(tiers: u8, semantic: bool, ttl: bool) -> Config {
        Config {
            name: "test".into(),
            tiers,
            l1_capacity: 100,
            semantic,
            matcher: MatcherKind::Tfidf,
            threshold: semantic.then_some(0.5),
            max_false_rate: None,
            ttl,
            warm: false,
        }
    }

    fn hit_tier(o: CacheLookup) -> Option<u8> {
        match o {
            CacheLookup::Hit { tier, .. } => Some(tier),
            CacheLookup::Miss => None,
        }
    }

    #[test]
    fn ttls_expire_tier_by_tier_and_hits_promote() {
        let mut c =
            MultiTierCache::new(config(3, false, true), Box::new(TfidfMatcher::default())).unwrap();
        let q = "How do I sort a list in Go";
        assert_eq!(c.lookup(q, 0.0).unwrap(), CacheLookup::Miss);
        c.insert(q, None, 0.0).unwrap();
        // Within L1's hour; case and spacing do not matter.
        assert_eq!(
            hit_tier(c.lookup("how do i  sort a list in go", 1800.0).unwrap()),
            Some(1)
        );
        // L1 expired (written at 0), L2 (2 h) still fresh: served by L2, promoted to L1.
        assert_eq!(hit_tier(c.lookup(q, 5400.0).unwrap()), Some(2));
        assert_eq!(hit_tier(c.lookup(q, 6000.0).unwrap()), Some(1));
        // L1 (promoted at 5400) and L2 (written at 0) expired; L3's 24 h holds.
        assert_eq!(hit_tier(c.lookup(q, 9001.0).unwrap()), Some(3));
        // The L3 hit promoted it to L2 and L1 again.
        assert_eq!(hit_tier(c.lookup(q, 9100.0).unwrap()), Some(1));
        assert_eq!(hit_tier(c.lookup(q, 9001.0 + 3601.0).unwrap()), Some(2));
        // Past 24 h of the only L3 write: gone from every tier.
        assert_eq!(c.lookup(q, 86_401.0).unwrap(), CacheLookup::Miss);
        assert!(c.is_empty());
    }

    #[test]
    fn without_ttl_entries_stay_until_evicted() {
        let mut c = MultiTierCache::new(config(1, false, false), Box::new(TfidfMatcher::default()))
            .unwrap();
        c.insert("a", None, 0.0).unwrap();
        assert_eq!(hit_tier(c.lookup("a", 1e9).unwrap()), Some(1));
        let mut c =
            MultiTierCache::new(config(1, false, true), Box::new(TfidfMatcher::default())).unwrap();
        c.insert("a", None, 0.0).unwrap();
        assert_eq!(hit_tier(c.lookup("a", 3599.0).unwrap()), Some(1));
        assert_eq!(c.lookup("a", 3601.0).unwrap(), CacheLookup::Miss);
    }

    #[test]
    fn l1_eviction_keeps_entries_in_lower_tiers() {
        let mut cfg = config(2, false, true);
        cfg.l1_capacity = 1;
        let mut c = MultiTierCache::new(cfg, Box::new(TfidfMatcher::default())).unwrap();
        c.insert("a", None, 0.0).unwrap();
        c.insert("b", None, 1.0).unwrap();
        assert_eq!(
            hit_tier(c.lookup("a", 2.0).unwrap()),
            Some(2),
            "evicted from L1, still in L2"
        );
        assert_eq!(
            hit_tier(c.lookup("a", 3.0).unwrap()),
            Some(1),
            "promoted back"
        );
        let mut cfg = config(1, false, true);
        cfg.l1_capacity = 1;
        let mut c = MultiTierCache::new(cfg, Box::new(TfidfMatcher::default())).unwrap();
        c.insert("a", None, 0.0).unwrap();
        c.insert("b", None, 1.0).unwrap();
        assert_eq!(c.lookup("a", 2.0).unwrap(), CacheLookup::Miss);
        assert_eq!(c.len(), 1);
    }
}
