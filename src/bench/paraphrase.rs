//! The paraphrase evaluation (`beast bench paraphrase`): how many of the
//! requests a semantic cache could answer from an earlier paraphrase each
//! matcher finds, and how many of its hits answer a different question.
//!
//! The data is public and written by nobody on this project: pairs of a
//! statement and its paraphrase from GPTCache's benchmark
//! (`examples/benchmark/mock_data.json`, MIT licence, Zilliz): the 233 pairs
//! of its first quarter whose text is one line, over 221 distinct
//! statements, in `data/paraphrase-pairs.jsonl`. Each
//! statement is one intent; each of its distinct wordings is one request.
//! To that come **near misses**: a statement with one decisive word swapped
//! ("load" for "save", "train" for "test", "S3" for "Azure", …) — its own
//! intent, so serving it the statement's cached answer is a false hit — as
//! many as the built-in workload has (`near_miss_share` of the requests). The
//! requests are shuffled with the seed, one a second; the first
//! [`HISTORY_SHARE`] is history (fits TF-IDF weights, teaches `--max-false-rate`).
//!
//! The **upper bound** is the share of measured requests whose intent came
//! earlier in the measured window: the most any cache could hit.

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use super::cache::{self, Config};
use super::matcher::{MatcherKind, MatcherSetup};
use super::models::Fleet;
use super::rng::Rng;
use super::workload::{Spec, TraceRequest, Workload};
use super::Progress;

/// The pairs, as shipped.
pub const PAIRS: &str = include_str!("../../data/paraphrase-pairs.jsonl");

/// The share of the shuffled requests that is history, not measured.
pub const HISTORY_SHARE: f64 = 0.3;

/// Decisive words and what a near miss puts in their place.
const SWAPS: &[(&str, &str)] = &[
    ("load", "save"),
    ("save", "load"),
    ("download", "upload"),
    ("upload", "download"),
    ("train", "test"),
    ("test", "train"),
    ("audio", "image"),
    ("image", "audio"),
    ("local", "remote"),
    ("remote", "local"),
    ("jax", "pytorch"),
    ("pytorch", "tensorflow"),
    ("tensorflow", "jax"),
    ("s3", "azure"),
    ("azure", "s3"),
    ("google", "amazon"),
    ("parquet", "csv"),
    ("csv", "parquet"),
    ("2.10.0", "2.9.0"),
    ("enable", "disable"),
    ("add", "remove"),
    ("remove", "add"),
    ("first", "last"),
    ("shuffle", "sort"),
    ("private", "public"),
    ("public", "private"),
    ("input", "output"),
    ("output", "input"),
    ("column", "row"),
    ("columns", "rows"),
    ("anonymous", "authenticated"),
    ("speech", "text"),
    ("compressed", "uncompressed"),
    ("pickle", "json"),
    ("dask", "spark"),
    ("gpu", "cpu"),
    ("tar", "zip"),
    ("three", "two"),
    ("metadata", "labels"),
    ("streaming", "batch"),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pair {
    pub origin: String,
    pub similar: String,
}

/// Reads the pairs file (one `{"origin": …, "similar": …}` per line).
pub fn parse_pairs(text: &str) -> Result<Vec<Pair>> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).with_context(|| format!("paraphrase pairs, line {}", i + 1))
        })
        .collect()
}

/// The statement with one decisive word swapped, keeping its capitalisation;
/// `None` when it has no word of the table.
pub fn near_miss(statement: &str, rng: &mut Rng) -> Option<String> {
    let words: Vec<(usize, &str)> = statement
        .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '_'))
        .filter(|w| !w.is_empty())
        .map(|w| (w.as_ptr() as usize - statement.as_ptr() as usize, w))
        .collect();
    let candidates: Vec<(usize, &str, &str)> = words
        .iter()
        .filter_map(|(at, w)| {
            let bare = w.trim_end_matches('.');
            SWAPS
                .iter()
                .find(|(from, _)| bare.eq_ignore_ascii_case(from))
                .map(|(_, to)| (*at, bare, *to))
        })
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let (at, word, to) = candidates[rng.below(candidates.len())];
    let replacement = if word.chars().next().is_some_and(char::is_uppercase) {
        let mut c = to.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    } else {
        to.to_string()
    };
    Some(format!(
        "{}{}{}",
        &statement[..at],
        replacement,
        &statement[at + word.len()..]
    ))
}

/// The evaluation trace: every distinct wording of every statement and a
/// near miss of each statement that has a decisive word, shuffled.
pub fn trace(pairs: &[Pair], seed: u64) -> Workload {
    let mut rng = Rng::derive(seed, 0x9A4A);
    let mut intents: Vec<(String, Vec<String>)> = Vec::new();
    for p in pairs {
        let i = match intents.iter().position(|(o, _)| *o == p.origin) {
            Some(i) => i,
            None => {
                intents.push((p.origin.clone(), vec![p.origin.clone()]));
                intents.len() - 1
            }
        };
        if !intents[i].1.contains(&p.similar) {
            intents[i].1.push(p.similar.clone());
        }
    }
    let mut requests: Vec<(String, u32)> = Vec::new();
    let mut misses: Vec<String> = Vec::new();
    for (i, (origin, wordings)) in intents.iter().enumerate() {
        for w in wordings {
            requests.push((w.clone(), i as u32));
        }
        if let Some(miss) = near_miss(origin, &mut rng) {
            if !wordings.contains(&miss) {
                misses.push(miss);
            }
        }
    }
    // As many near misses as the built-in workload has (its near_miss_share
    // of all requests), chosen with the seed.
    let share = Spec::built_in().near_miss_share;
    let wanted = ((requests.len() as f64) * share / (1.0 - share)).round() as usize;
    for i in (1..misses.len()).rev() {
        let j = rng.below(i + 1);
        misses.swap(i, j);
    }
    for (k, miss) in misses.into_iter().take(wanted).enumerate() {
        requests.push((miss, (intents.len() + k) as u32));
    }
    // Fisher–Yates with the seed.
    for i in (1..requests.len()).rev() {
        let j = rng.below(i + 1);
        requests.swap(i, j);
    }
    let spec = Spec::built_in();
    let requests: Vec<TraceRequest> = requests
        .into_iter()
        .enumerate()
        .map(|(i, (prompt, intent))| TraceRequest {
            t: i as f64,
            prompt,
            intent: Some(intent),
            tokens: spec.mean_tokens(),
        })
        .collect();
    Workload::split(
        format!("paraphrase pairs (GPTCache mock_data, seed {seed})"),
        requests,
        HISTORY_SHARE,
        true,
    )
}

/// Measured requests whose intent came earlier in the window.
pub fn reachable(window: &[TraceRequest]) -> u64 {
    let mut seen = rustc_hash::FxHashSet::default();
    window
        .iter()
        .filter(|r| r.intent.is_some_and(|i| !seen.insert(i)))
        .count() as u64
}

/// One matcher at one threshold (or one learned threshold) on the trace.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub matcher: MatcherKind,
    /// The threshold used; learned under `max_false_rate`.
    pub threshold: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_false_rate: Option<f64>,
    pub requests: u64,
    /// Requests whose paraphrase came earlier: the most any cache could hit.
    pub reachable: u64,
    pub hits: u64,
    pub correct_hits: u64,
    pub false_hits: u64,
    /// Shares of requests, 0–100.
    pub hit_rate: f64,
    pub upper_bound: f64,
    /// Correct hits as a share of hits, 0–100.
    pub accuracy: f64,
    /// Correct hits as a share of reachable requests, 0–100.
    pub found: f64,
}

/// Runs one matcher at one threshold (or, with `max_false_rate`, at a
/// learned threshold) over the trace: one tier, no expiry, no warming, room
/// for everything — only the matcher decides.
pub fn evaluate(
    workload: &Workload,
    matcher: MatcherKind,
    threshold: f32,
    max_false_rate: Option<f64>,
    setup: &MatcherSetup,
    progress: &dyn Progress,
) -> Result<Row> {
    let config = Config {
        name: format!("{} {threshold}", matcher.name()),
        tiers: 1,
        l1_capacity: workload.window.len().max(1),
        semantic: true,
        matcher,
        threshold: Some(threshold),
        max_false_rate,
        ttl: false,
        warm: false,
    };
    let r = cache::run(
        &config,
        workload,
        &Spec::built_in(),
        &Fleet::built_in(),
        setup,
        progress,
    )?;
    let false_hits = r.false_hits.unwrap_or(0);
    let correct = r.hits - false_hits;
    let reachable = reachable(&workload.window);
    let pct = |n: u64, of: u64| {
        if of == 0 {
            0.0
        } else {
            n as f64 * 100.0 / of as f64
        }
    };
    Ok(Row {
        matcher,
        threshold: r.calibration.map_or(threshold, |c| c.threshold),
        max_false_rate,
        requests: r.requests,
        reachable,
        hits: r.hits,
        correct_hits: correct,
        false_hits,
        hit_rate: pct(r.hits, r.requests),
        upper_bound: pct(reachable, r.requests),
        accuracy: pct(correct, r.hits),
        found: pct(correct, reachable),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::Quiet;

    #[test]
    fn the_shipped_pairs_parse() {
        let pairs = parse_pairs(PAIRS).unwrap();
        assert_eq!(pairs.len(), 233);
        assert!(pairs
            .iter()
            .all(|p| !p.origin.is_empty() && p.origin != p.similar));
    }

    #[test]
    fn near_misses_swap_one_decisive_word() {
        let mut rng = Rng::new(1);
        let m = near_miss("You can load a dataset from the Hub.", &mut rng).unwrap();
        assert_eq!(m, "You can save a dataset from the Hub.");
        let m = near_miss("Audio files are decoded on-the-fly.", &mut rng).unwrap();
        assert_eq!(m, "Image files are decoded on-the-fly.");
        let m = near_miss("No, it doesn't exist in version 2.10.0.", &mut rng).unwrap();
        assert_eq!(m, "No, it doesn't exist in version 2.9.0.");
        assert_eq!(near_miss("Nothing decisive here", &mut rng), None);
        // A word inside another is not a word: "loading" stays.
        assert_eq!(near_miss("loading scripts", &mut rng), None);
    }

    #[test]
    fn the_trace_is_a_function_of_the_seed_and_labels_every_request() {
        let pairs = parse_pairs(PAIRS).unwrap();
        let a = trace(&pairs, 7);
        let b = trace(&pairs, 7);
        let c = trace(&pairs, 8);
        let prompts = |w: &Workload| -> Vec<String> {
            w.history
                .iter()
                .chain(&w.window)
                .map(|r| r.prompt.clone())
                .collect()
        };
        assert_eq!(prompts(&a), prompts(&b));
        assert_ne!(prompts(&a), prompts(&c));
        let all = a.history.len() + a.window.len();
        let misses = a
            .history
            .iter()
            .chain(&a.window)
            .filter(|r| r.intent.unwrap() >= 221)
            .count();
        let want = (all as f64 * Spec::built_in().near_miss_share).round() as usize;
        assert!(
            all > 440 && misses.abs_diff(want) <= 1,
            "{all} requests, {misses} near misses"
        );
        assert!(reachable(&a.window) > 50);
    }

    #[test]
    fn hits_never_exceed_the_upper_bound_of_correct_answers() {
        let pairs = parse_pairs(PAIRS).unwrap();
        let w = trace(&pairs, 7);
        for t in [0.5f32, 0.8, 0.95] {
            let r = evaluate(
                &w,
                MatcherKind::Tfidf,
                t,
                None,
                &MatcherSetup::seeded(7),
                &Quiet,
            )
            .unwrap();
            assert!(r.correct_hits <= r.reachable, "{r:?}");
            assert_eq!(r.correct_hits + r.false_hits, r.hits);
        }
    }
}
