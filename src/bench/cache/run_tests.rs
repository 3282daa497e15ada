//! The cache run's tests: false hits counted apart from right ones and the
//! readings a run records, a single exact tier against a plain LRU, runs as
//! a function of the seed, the warm set, and accuracy control learning from
//! the history and from the run's own labels.

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
    assert_eq!(r.false_pairs, [(2, 1)], "asked for 2, served 1");
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
