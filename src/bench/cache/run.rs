//! Replaying a workload through the cache: every configuration's hits,
//! false hits, tier split, measured lookup latency, modelled end-to-end
//! latency and cost, and (under `max_false_rate`) the learned thresholds.

use std::time::Instant;

use anyhow::Result;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::{CacheLookup, Config, MultiTierCache, SWEEP_EVERY};
use crate::bench::calibrate::{self, Calibration, VERIFY_SHARE};
use crate::bench::matcher::{self, MatcherSetup};
use crate::bench::models::Fleet;
use crate::bench::rng::Rng;
use crate::bench::stats::{percentile, Percentiles, Samples};
use crate::bench::text::normalize_prompt_into;
use crate::bench::workload::{Spec, TraceRequest, Workload};
use crate::bench::Progress;

/// The figures of one configuration's run.
#[derive(Debug, Clone, Serialize)]
pub struct RunResult {
    pub config: Config,
    pub requests: u64,
    pub hits: u64,
    pub exact_hits: u64,
    pub semantic_hits: u64,
    /// Semantic hits whose cached intent differs from the request's; null
    /// when the workload has no intents.
    pub false_hits: Option<u64>,
    pub hits_l1: u64,
    pub hits_l2: u64,
    pub hits_l3: u64,
    /// Hits that served the right answer (exact ones, and semantic ones of
    /// the request's own intent), as a share of requests, 0–100: what is
    /// recorded as cacheHitRate. All hits when the workload has no intents
    /// to tell right from wrong.
    pub hit_rate: f64,
    /// Every hit served, right or wrong, as a share of requests, 0–100.
    pub served_hit_rate: f64,
    /// Right semantic hits as a share of requests, 0–100 (semanticHitRate).
    pub semantic_hit_rate: f64,
    /// Measured lookup latency, microseconds.
    pub lookup_p50_us: f64,
    pub lookup_p95_us: f64,
    pub lookup_p99_us: f64,
    pub lookups_per_sec: f64,
    /// Modelled: measured lookup + modelled L2 round trips + modelled model
    /// latency on misses (data/models.toml).
    pub e2e_p95_ms_modelled: f64,
    /// Model calls made to warm the cache.
    pub warm_calls: u64,
    /// Semantic lookups that stopped at the index's visit bound (then not
    /// exact; see `text::MAX_VISITS`).
    pub capped_lookups: u64,
    /// False hits as a share of all hits, 0–100; null without intents.
    pub false_hit_pct: Option<f64>,
    /// Under `max_false_rate`: what the history taught, and the semantic hits
    /// verified by calling the model anyway (counted as misses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibration: Option<Calibration>,
    pub verified_hits: u64,
    /// Each false hit as (the request's intent, the served entry's intent),
    /// in order: what an evaluation that knows more about its intents (which
    /// pairs are labelled as different) looks at.
    #[serde(skip)]
    pub false_pairs: Vec<(u32, u32)>,
    /// Dollars saved: hits × the fronted model's cost, minus warming calls.
    pub cost_saved_usd: f64,
    /// Share of the no-cache model cost saved, 0–100.
    pub cost_saved_pct: f64,
}

impl RunResult {
    /// The figures that become metric readings when this configuration's run
    /// is recorded: (metric id, value in the metric's unit).
    pub fn readings(&self) -> Vec<(&'static str, f64)> {
        let mut out = vec![
            ("cacheHitRate", self.hit_rate),
            ("semanticHitRate", self.semantic_hit_rate),
            ("cacheAccessLatency", self.lookup_p95_us / 1000.0),
        ];
        if let Some(pct) = self.false_hit_pct {
            out.push(("falseHitRate", pct));
        }
        out
    }

    /// What the recorded hit rates count, for the readings' note.
    pub fn hits_note(&self) -> String {
        match self.false_hits {
            Some(wrong) => format!(
                "correct hits only: {} of {} hits served, {wrong} answered another request",
                self.hits - wrong,
                self.hits
            ),
            None => format!(
                "{} hits, not verified: the workload has no intents to tell a wrong answer",
                self.hits
            ),
        }
    }
}

/// Requests of one intent in the history, and how often each prompt was used.
#[derive(Default)]
struct Group {
    requests: u64,
    prompts: FxHashMap<String, (u64, Option<u32>)>,
}

/// The prompts warming preloads: for each of the `top` most frequent intents
/// of the history (or prompts, without intents), its most frequent prompt.
pub fn warm_set(history: &[TraceRequest], top: usize) -> Vec<(String, Option<u32>)> {
    let mut groups: FxHashMap<String, Group> = FxHashMap::default();
    let mut key = String::new();
    for r in history {
        normalize_prompt_into(&r.prompt, &mut key);
        let name = match r.intent {
            Some(i) => format!("#{i}"),
            None => key.clone(),
        };
        let g = groups.entry(name).or_default();
        g.requests += 1;
        g.prompts.entry(key.clone()).or_insert((0, r.intent)).0 += 1;
    }
    let mut groups: Vec<(String, Group)> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.requests.cmp(&a.1.requests).then(a.0.cmp(&b.0)));
    groups
        .into_iter()
        .take(top)
        .filter_map(|(_, g)| {
            g.prompts
                .into_iter()
                .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.0.cmp(&a.0)))
                .map(|(p, (_, intent))| (p, intent))
        })
        .collect()
}

/// Runs one configuration over a workload's window.
pub fn run(
    config: &Config,
    workload: &Workload,
    spec: &Spec,
    fleet: &Fleet,
    setup: &MatcherSetup,
    progress: &dyn Progress,
) -> Result<RunResult> {
    let seed = setup.seed;
    let keys = |requests: &[TraceRequest]| -> Vec<String> {
        let mut key = String::new();
        requests
            .iter()
            .map(|r| {
                normalize_prompt_into(&r.prompt, &mut key);
                key.clone()
            })
            .collect()
    };
    let history_keys = keys(&workload.history);
    let h: Vec<&str> = history_keys.iter().map(String::as_str).collect();
    let mut matcher = matcher::build(config.matcher, setup)?;
    if config.semantic {
        let window_keys = keys(&workload.window);
        let w: Vec<&str> = window_keys.iter().map(String::as_str).collect();
        matcher.fit(&h, &w)?;
    }
    let mut run_config = config.clone();
    let mut calibration = match config.max_false_rate.filter(|_| config.semantic) {
        Some(bound) => {
            if !workload.intents_known {
                return crate::error::input(
                    "--max-false-rate learns from labelled requests: give every trace line an \"intent\"",
                );
            }
            let mut replay = matcher::build(config.matcher, setup)?;
            replay.fit(&h, &[])?;
            let labelled: Vec<(&str, u32)> = h
                .iter()
                .zip(&workload.history)
                .filter_map(|(k, r)| r.intent.map(|i| (*k, i)))
                .collect();
            let pairs = calibrate::observe(replay.as_mut(), &labelled)?;
            let online = calibrate::Online::new(pairs, bound);
            run_config.threshold = Some(online.threshold());
            Some(online)
        }
        None => None,
    };
    let mut verify = Rng::derive(seed, 0x7E51);
    let mut verified = 0u64;
    let mut cache = MultiTierCache::new(run_config, matcher)?;
    if calibration.is_some() {
        cache.set_probe(calibrate::PROBE);
    }
    let warm = if config.warm {
        warm_set(&workload.history, spec.warm_top)
    } else {
        Vec::new()
    };
    let fronted = fleet.fronted();
    let mut model_latency = Rng::derive(seed, 0x1A7E);
    let start_t = workload.window.first().map_or(0.0, |r| r.t);
    let mut next_warm = start_t;
    let mut next_sweep = start_t + SWEEP_EVERY;
    let mut samples = Samples::with_capacity(workload.window.len());
    let mut e2e_ms = Vec::with_capacity(workload.window.len());
    let (mut hits, mut exact, mut semantic, mut false_hits, mut warm_calls) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut per_tier = [0u64; 3];
    let mut false_pairs = Vec::new();
    let (mut saved, mut total_cost) = (0.0f64, 0.0f64);
    progress.start(&config.name, workload.window.len() as u64);
    for (i, r) in workload.window.iter().enumerate() {
        if config.warm && r.t >= next_warm {
            for (prompt, intent) in &warm {
                cache.insert(prompt, *intent, r.t)?;
                warm_calls += 1;
                saved -= fronted.cost(spec.mean_tokens());
            }
            next_warm = r.t + spec.warm_every_hours * 3600.0;
        }
        if r.t >= next_sweep {
            cache.sweep(r.t)?;
            next_sweep = r.t + SWEEP_EVERY;
        }
        let began = Instant::now();
        let outcome = cache.lookup(&r.prompt, r.t)?;
        let ns = began.elapsed().as_nanos() as u64;
        samples.push(ns);
        let cost = fronted.cost(r.tokens);
        total_cost += cost;
        let mut e2e = ns as f64 / 1e6;
        if config.tiers >= 2 && !matches!(outcome, CacheLookup::Hit { tier: 1, .. }) {
            e2e += fleet.cache.l2_latency_ms;
        }
        // Under an accuracy bound, some semantic hits are verified (the model
        // answers: a miss), and a miss with a near entry is compared with the
        // model's answer for free. Either is a label: a wrong entry learns a
        // higher threshold of its own, and the global one is learned again.
        let outcome = match (&mut calibration, outcome) {
            (
                Some(online),
                CacheLookup::Hit {
                    semantic: true,
                    entry,
                    similarity,
                    ..
                },
            ) if verify.chance(VERIFY_SHARE) => {
                verified += 1;
                label(&mut cache, online, r.intent, entry, similarity, i as u64);
                CacheLookup::Miss
            }
            (Some(online), CacheLookup::Miss) => {
                if let Some((entry, similarity)) = cache.near_miss() {
                    label(&mut cache, online, r.intent, entry, similarity, i as u64);
                }
                CacheLookup::Miss
            }
            (_, o) => o,
        };
        match outcome {
            CacheLookup::Miss => {
                // Log-normal spread around the model's mean latency.
                e2e += fronted.latency_ms * (0.35 * model_latency.normal() - 0.06125).exp();
                cache.insert(&r.prompt, r.intent, r.t)?;
            }
            CacheLookup::Hit {
                tier,
                semantic: sem,
                entry,
                ..
            } => {
                hits += 1;
                per_tier[usize::from(tier) - 1] += 1;
                saved += cost;
                if sem {
                    semantic += 1;
                    if let (true, Some(want), Some(got)) =
                        (workload.intents_known, r.intent, cache.intent_of(entry))
                    {
                        if want != got {
                            false_hits += 1;
                            false_pairs.push((want, got));
                        }
                    }
                } else {
                    exact += 1;
                }
            }
        }
        e2e_ms.push(e2e);
        if i % 1024 == 1023 {
            progress.advance(1024);
        }
    }
    progress.finish();
    let requests = workload.window.len() as u64;
    let pct = |n: u64| {
        if requests == 0 {
            0.0
        } else {
            n as f64 * 100.0 / requests as f64
        }
    };
    let lat: Percentiles = samples.percentiles();
    let total_s = samples.total_ns() as f64 / 1e9;
    Ok(RunResult {
        config: config.clone(),
        requests,
        hits,
        exact_hits: exact,
        semantic_hits: semantic,
        false_hits: workload.intents_known.then_some(false_hits),
        hits_l1: per_tier[0],
        hits_l2: per_tier[1],
        hits_l3: per_tier[2],
        hit_rate: pct(hits - false_hits),
        served_hit_rate: pct(hits),
        semantic_hit_rate: pct(semantic - false_hits),
        lookup_p50_us: lat.p50,
        lookup_p95_us: lat.p95,
        lookup_p99_us: lat.p99,
        lookups_per_sec: if total_s > 0.0 {
            requests as f64 / total_s
        } else {
            0.0
        },
        e2e_p95_ms_modelled: percentile(&mut e2e_ms, 95.0),
        warm_calls,
        capped_lookups: cache.capped_lookups(),
        false_hit_pct: workload.intents_known.then(|| {
            if hits == 0 {
                0.0
            } else {
                false_hits as f64 * 100.0 / hits as f64
            }
        }),
        calibration: calibration.as_ref().map(calibrate::Online::summary),
        verified_hits: verified,
        false_pairs,
        cost_saved_usd: saved,
        cost_saved_pct: if total_cost > 0.0 {
            saved * 100.0 / total_cost
        } else {
            0.0
        },
    })
}

/// One label from a verified hit or a near miss: whether `entry`'s answer
/// was right for a request of `intent`.
fn label(
    cache: &mut MultiTierCache,
    online: &mut calibrate::Online,
    intent: Option<u32>,
    entry: u32,
    similarity: f32,
    at: u64,
) {
    let (Some(want), Some(got)) = (intent, cache.intent_of(entry)) else {
        return;
    };
    if want != got {
        cache.raise_threshold(entry, similarity);
    }
    if online.observe(similarity, want == got, at) {
        cache.set_threshold(online.threshold());
    }
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;
