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
mod tests {
    use std::collections::VecDeque;

    use super::*;
    use crate::bench::cache::tests::config;
    use crate::bench::matcher::MatcherKind;
    use crate::bench::workload::generate;
    use crate::bench::Quiet;

    fn seeded(seed: u64) -> MatcherSetup {
        MatcherSetup::seeded(seed)
    }

    fn trace(requests: &[(f64, &str, u32)]) -> Workload {
        let history = [
            "how do i sort a list in python",
            "summarize src/main.rs",
            "write tests for lib/a.py",
            "how do i parse a date in go",
        ]
        .iter()
        .map(|p| TraceRequest {
            t: 0.0,
            prompt: p.to_string(),
            intent: Some(99),
            tokens: 500,
        })
        .collect();
        Workload {
            description: "hand-made".into(),
            history,
            window: requests
                .iter()
                .map(|(t, p, i)| TraceRequest {
                    t: *t,
                    prompt: p.to_string(),
                    intent: Some(*i),
                    tokens: 500,
                })
                .collect(),
            intents_known: true,
        }
    }

    #[test]
    fn semantic_hits_for_another_intent_are_false_hits() {
        let w = trace(&[
            (0.0, "how do i sort a list in python", 1),
            (10.0, "please how do i sort a list in python", 1),
            (20.0, "how do i sort a list in ruby", 2),
            (30.0, "how do i sort a list in python", 1),
        ]);
        let spec = Spec::built_in();
        let r = run(
            &config(1, true, true),
            &w,
            &spec,
            &Fleet::built_in(),
            &seeded(7),
            &Quiet,
        )
        .unwrap();
        assert_eq!(r.requests, 4);
        assert_eq!(r.exact_hits, 1);
        assert_eq!(r.semantic_hits, 2);
        assert_eq!(
            r.false_hits,
            Some(1),
            "the ruby prompt got the python answer"
        );
        // What is recorded counts the two right hits of four requests; the
        // wrong one is its own figure (a third of the hits served).
        assert_eq!(
            (r.served_hit_rate, r.hit_rate, r.semantic_hit_rate),
            (75.0, 50.0, 25.0)
        );
        let readings = r.readings();
        let reading = |id: &str| readings.iter().find(|(m, _)| *m == id).map(|(_, v)| *v);
        assert_eq!(reading("cacheHitRate"), Some(50.0));
        assert_eq!(reading("semanticHitRate"), Some(25.0));
        assert!((reading("falseHitRate").unwrap() - 100.0 / 3.0).abs() < 1e-9);
        assert_eq!(
            r.hits_note(),
            "correct hits only: 2 of 3 hits served, 1 answered another request"
        );
        // With a strict threshold the near miss is a miss, not a false hit.
        let mut strict = config(1, true, true);
        strict.threshold = Some(0.99);
        let r = run(&strict, &w, &spec, &Fleet::built_in(), &seeded(7), &Quiet).unwrap();
        assert_eq!(r.false_hits, Some(0));
        let mut unknown = w.clone();
        unknown.intents_known = false;
        let r = run(
            &config(1, true, true),
            &unknown,
            &spec,
            &Fleet::built_in(),
            &seeded(7),
            &Quiet,
        )
        .unwrap();
        assert_eq!(r.false_hits, None);
        assert_eq!(r.hit_rate, r.served_hit_rate, "nothing to tell them apart");
        assert!(!r.readings().iter().any(|(m, _)| *m == "falseHitRate"));
    }

    /// A deliberately naive LRU, to check the cache against.
    fn plain_lru_hits(prompts: &[String], capacity: usize) -> u64 {
        let mut order: VecDeque<String> = VecDeque::new();
        let mut hits = 0;
        for p in prompts {
            let key = p
                .to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if let Some(pos) = order.iter().position(|k| *k == key) {
                hits += 1;
                let k = order.remove(pos).unwrap();
                order.push_back(k);
            } else {
                order.push_back(key);
                if order.len() > capacity {
                    order.pop_front();
                }
            }
        }
        hits
    }

    #[test]
    fn exact_single_tier_without_ttl_is_a_plain_lru() {
        let mut spec = Spec::built_in();
        spec.requests = 6000;
        let w = generate(&spec, 11);
        for capacity in [1, 50, 300] {
            let cfg = Config {
                name: "lru".into(),
                tiers: 1,
                l1_capacity: capacity,
                semantic: false,
                matcher: MatcherKind::Tfidf,
                threshold: None,
                max_false_rate: None,
                ttl: false,
                warm: false,
            };
            let r = run(&cfg, &w, &spec, &Fleet::built_in(), &seeded(11), &Quiet).unwrap();
            let prompts: Vec<String> = w.window.iter().map(|r| r.prompt.clone()).collect();
            assert_eq!(
                r.hits,
                plain_lru_hits(&prompts, capacity),
                "capacity {capacity}"
            );
            assert!(
                capacity == 1 || r.hits > 100,
                "a meaningful number of hits: {}",
                r.hits
            );
        }
    }

    fn counts(r: &RunResult) -> (u64, u64, u64, Option<u64>, u64, u64, u64, u64) {
        (
            r.hits,
            r.exact_hits,
            r.semantic_hits,
            r.false_hits,
            r.hits_l1,
            r.hits_l2,
            r.hits_l3,
            r.warm_calls,
        )
    }

    #[test]
    fn runs_are_deterministic_per_seed() {
        let mut spec = Spec::built_in();
        spec.requests = 4000;
        let fleet = Fleet::built_in();
        let configs = Config::defaults(200, MatcherKind::Tfidf);
        let once = |seed| -> Vec<_> {
            let w = generate(&spec, seed);
            configs
                .iter()
                .map(|c| counts(&run(c, &w, &spec, &fleet, &seeded(seed), &Quiet).unwrap()))
                .collect()
        };
        let a = once(3);
        assert_eq!(a, once(3));
        assert_ne!(a, once(4));
        // Warming costs model calls and buys hits.
        assert!(a[3].7 > 0);
        assert!(a[3].0 > a[2].0, "warmed {:?} vs cold {:?}", a[3], a[2]);
        // Semantic matching finds more than exact matching alone.
        assert!(a[1].0 > a[0].0);
        assert!(a[2].0 >= a[1].0);
    }

    #[test]
    fn on_the_built_in_workload_every_lookup_is_exact() {
        // The lookup bound exists for small vocabularies; the workload the
        // README's figures come from must never reach it, or its counts
        // would not be the exact search's.
        let spec = Spec::built_in();
        let w = generate(&spec, 7);
        let config = &Config::defaults(1000, MatcherKind::Tfidf)[3];
        let r = run(config, &w, &spec, &Fleet::built_in(), &seeded(7), &Quiet).unwrap();
        assert!(r.semantic_hits > 0);
        assert_eq!(r.capped_lookups, 0);
    }

    #[test]
    fn warm_set_takes_each_top_intents_most_frequent_prompt() {
        let w = trace(&[]);
        let mut history = w.history.clone();
        for (p, i) in [
            ("a", 1),
            ("a", 1),
            ("A ", 1),
            ("b", 1),
            ("c", 2),
            ("d", 3),
            ("d", 3),
        ] {
            history.push(TraceRequest {
                t: 0.0,
                prompt: p.into(),
                intent: Some(i),
                tokens: 1,
            });
        }
        let set = warm_set(&history, 2);
        assert_eq!(
            set,
            vec![
                ("a".to_string(), Some(1)),
                ("how do i parse a date in go".to_string(), Some(99))
            ]
        );
    }

    #[test]
    fn a_learned_threshold_holds_the_false_rate_bound_on_held_out_requests() {
        let spec = Spec::built_in();
        let w = generate(&spec, 5);
        let mut cfg = config(1, true, false);
        cfg.l1_capacity = 40_000;
        for bound in [0.05, 0.1] {
            cfg.max_false_rate = Some(bound);
            let r = run(&cfg, &w, &spec, &Fleet::built_in(), &seeded(5), &Quiet).unwrap();
            let c = r.calibration.expect("calibrated");
            assert!(c.pairs > 500, "{c:?}");
            // The history taught a threshold, the held-out window kept to it.
            assert!(c.threshold < 1.0, "{c:?}");
            assert!(r.semantic_hits > 0 && r.verified_hits > 0, "{r:?}");
            assert!(r.false_hit_pct.unwrap() <= bound * 100.0, "{r:?}");
        }
        // The fixed 0.5 threshold of the same configuration breaks it.
        cfg.max_false_rate = None;
        let r = run(&cfg, &w, &spec, &Fleet::built_in(), &seeded(5), &Quiet).unwrap();
        assert!(r.false_hit_pct.unwrap() > 5.0, "{r:?}");
    }

    #[test]
    fn with_no_labelled_history_the_run_certifies_from_its_own_calls() {
        // The history's requests carry no intents to learn from: the run
        // starts with exact matches only, labels its misses' near entries,
        // and serves semantic hits once those labels hold the bound.
        let spec = Spec::built_in();
        let mut w = generate(&spec, 5);
        for r in &mut w.history {
            r.intent = None;
        }
        let mut cfg = config(1, true, false);
        cfg.l1_capacity = 40_000;
        cfg.max_false_rate = Some(0.05);
        let r = run(&cfg, &w, &spec, &Fleet::built_in(), &seeded(5), &Quiet).unwrap();
        let c = r.calibration.expect("calibrated");
        assert_eq!(c.pairs, c.run_pairs, "no history pairs: {c:?}");
        assert!(c.threshold <= 1.0, "a threshold was certified: {c:?}");
        let at = c.certified_at.expect("certified during the run");
        assert!(at > 0 && at < r.requests / 2, "{c:?}");
        assert!(r.semantic_hits > 0 && r.verified_hits > 0, "{r:?}");
        assert!(r.false_hit_pct.unwrap() <= 5.0, "{r:?}");
    }
}
