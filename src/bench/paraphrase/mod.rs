//! The paraphrase evaluation (`beast bench paraphrase`): how many of the
//! requests a semantic cache could answer from an earlier paraphrase each
//! matcher finds, and how many of its hits answer a different question.
//!
//! The data is labelled pairs (`pairs.rs`): built in, pairs of a statement
//! and its paraphrase from GPTCache's benchmark
//! (`examples/benchmark/mock_data.json`, MIT licence, Zilliz): the 233 pairs
//! of its first quarter whose text is one line, in
//! `data/paraphrase-pairs.jsonl`; or a file of labelled duplicates and
//! non-duplicates (`--pairs`). Texts a duplicate label joins — directly or
//! through others — are one **intent**, and so are texts that differ only in
//! case, code marks, quotes or final punctuation (the GPTCache pairs hold
//! the same statement with and without backticks under two origins); each
//! distinct text is one request. To that come **near misses**: a statement
//! with one decisive word swapped ("load" for "save", "train" for "test",
//! "S3" for "Azure", …) — its own intent, so serving it the statement's
//! cached answer is a false hit — by default as many as the built-in
//! workload has (`near_miss_share` of the requests) when the set labels no
//! non-duplicates, none when it does (those are its near misses). The
//! requests are shuffled with the seed, one a second; the first
//! [`HISTORY_SHARE`] is history (fits TF-IDF weights, teaches
//! `--max-false-rate`).
//!
//! The **upper bound** is the share of measured requests whose intent came
//! earlier in the measured window: the most any cache could hit. A false hit
//! is **known** when its two intents are labelled different (a non-duplicate
//! pair, or a near miss and its statement); the others join texts never
//! compared, which a set with incomplete labels may count wrongly.

pub mod pairs;

use anyhow::Result;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::cache::{self, Config};
use super::matcher::{MatcherKind, MatcherSetup};
use super::models::Fleet;
use super::rng::Rng;
use super::workload::{Spec, TraceRequest, Workload};
use super::Progress;
use pairs::PairSet;

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

/// The evaluation trace and what the evaluation knows about its intents.
#[derive(Debug, Clone)]
pub struct Trace {
    pub workload: Workload,
    /// Intents of the set's texts (near misses come after them).
    pub intents: usize,
    /// Near misses added.
    pub near_misses: usize,
    /// Intent pairs labelled different, smaller id first.
    pub different: FxHashSet<(u32, u32)>,
    /// Non-duplicate labels between texts that duplicate labels join: the
    /// duplicates win.
    pub contradictions: usize,
}

impl Trace {
    /// Whether a false hit between these intents is known to be one.
    pub fn known_false(&self, a: u32, b: u32) -> bool {
        self.different.contains(&(a.min(b), a.max(b)))
    }
}

/// What makes two texts the same statement for the trace: case, code
/// marks, double quotes, the apostrophe's form, final punctuation and runs
/// of blanks do not count.
pub fn same_text_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        for c in word.chars() {
            match c {
                '`' | '"' | '\u{201c}' | '\u{201d}' => {}
                '\u{2019}' => key.push('\''),
                c => key.extend(c.to_lowercase()),
            }
        }
    }
    let end = key.trim_end_matches(['.', '?', '!', ' ']).len();
    key.truncate(end);
    key
}

/// The near misses' default share: the built-in workload's when the set
/// labels no non-duplicates, none when it does.
pub fn default_near_miss_share(set: &PairSet) -> f64 {
    if set.non_duplicates() == 0 {
        Spec::built_in().near_miss_share
    } else {
        0.0
    }
}

/// The root of `i`'s group (union-find), halving the path on the way.
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// The evaluation trace: every distinct text of the set, each with its
/// intent, and `near_miss_share` of near misses, shuffled with the seed.
pub fn trace(set: &PairSet, near_miss_share: f64, seed: u64) -> Trace {
    let mut rng = Rng::derive(seed, 0x9A4A);
    // Nodes are same-text keys; texts are distinct wordings, each on a node.
    let mut node_of: FxHashMap<String, usize> = FxHashMap::default();
    let mut parent: Vec<usize> = Vec::new();
    let mut texts: Vec<(String, usize)> = Vec::new();
    let mut seen: FxHashSet<String> = FxHashSet::default();
    let mut node = |text: &str, parent: &mut Vec<usize>, texts: &mut Vec<(String, usize)>| {
        let n = *node_of.entry(same_text_key(text)).or_insert_with(|| {
            parent.push(parent.len());
            parent.len() - 1
        });
        if seen.insert(text.to_string()) {
            texts.push((text.to_string(), n));
        }
        n
    };
    let mut negatives: Vec<(usize, usize)> = Vec::new();
    for p in &set.pairs {
        let a = node(&p.a, &mut parent, &mut texts);
        let b = node(&p.b, &mut parent, &mut texts);
        if p.same {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            parent[ra.max(rb)] = ra.min(rb);
        } else {
            negatives.push((a, b));
        }
    }
    // Intents numbered in order of first appearance; each intent's first
    // text is its statement, the one a near miss is made from.
    let mut intent_of_root: FxHashMap<usize, u32> = FxHashMap::default();
    let mut statements: Vec<&str> = Vec::new();
    let mut requests: Vec<(String, u32)> = Vec::with_capacity(texts.len());
    for (text, n) in &texts {
        let r = root(&mut parent, *n);
        let intent = *intent_of_root.entry(r).or_insert_with(|| {
            statements.push(text);
            (statements.len() - 1) as u32
        });
        requests.push((text.clone(), intent));
    }
    let intents = statements.len();
    let mut different: FxHashSet<(u32, u32)> = FxHashSet::default();
    let mut contradictions = 0;
    for (a, b) in negatives {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra == rb {
            contradictions += 1;
        } else {
            let (x, y) = (intent_of_root[&ra], intent_of_root[&rb]);
            different.insert((x.min(y), x.max(y)));
        }
    }
    let mut misses: Vec<(String, u32)> = Vec::new();
    let mut made: FxHashSet<String> = FxHashSet::default();
    for (i, statement) in statements.iter().enumerate() {
        if let Some(miss) = near_miss(statement, &mut rng) {
            let key = same_text_key(&miss);
            if !node_of.contains_key(&key) && made.insert(key) {
                misses.push((miss, i as u32));
            }
        }
    }
    // As many near misses as the share asks (of all requests), chosen with
    // the seed.
    let share = near_miss_share.clamp(0.0, 0.5);
    let wanted = ((requests.len() as f64) * share / (1.0 - share)).round() as usize;
    for i in (1..misses.len()).rev() {
        let j = rng.below(i + 1);
        misses.swap(i, j);
    }
    misses.truncate(wanted);
    let near_misses = misses.len();
    for (k, (miss, of)) in misses.into_iter().enumerate() {
        let intent = (intents + k) as u32;
        different.insert((of, intent));
        requests.push((miss, intent));
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
    Trace {
        workload: Workload::split(
            format!("{}, seed {seed}", set.source),
            requests,
            HISTORY_SHARE,
            true,
        ),
        intents,
        near_misses,
        different,
        contradictions,
    }
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
    /// False hits between intents labelled different (a non-duplicate pair,
    /// a near miss and its statement); the rest join texts never compared.
    pub known_false_hits: u64,
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
    trace: &Trace,
    matcher: MatcherKind,
    threshold: f32,
    max_false_rate: Option<f64>,
    setup: &MatcherSetup,
    progress: &dyn Progress,
) -> Result<Row> {
    let workload = &trace.workload;
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
        known_false_hits: r
            .false_pairs
            .iter()
            .filter(|(a, b)| trace.known_false(*a, *b))
            .count() as u64,
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
        let set = pairs::built_in();
        let share = default_near_miss_share(&set);
        let a = trace(&set, share, 7);
        let b = trace(&set, share, 7);
        let c = trace(&set, share, 8);
        let prompts = |t: &Trace| -> Vec<String> {
            t.workload
                .history
                .iter()
                .chain(&t.workload.window)
                .map(|r| r.prompt.clone())
                .collect()
        };
        assert_eq!(prompts(&a), prompts(&b));
        assert_ne!(prompts(&a), prompts(&c));
        let all = a.workload.history.len() + a.workload.window.len();
        let misses = a
            .workload
            .history
            .iter()
            .chain(&a.workload.window)
            .filter(|r| r.intent.unwrap() as usize >= a.intents)
            .count();
        let want = (all as f64 * Spec::built_in().near_miss_share).round() as usize;
        assert!(
            all > 440 && misses == a.near_misses && misses.abs_diff(want) <= 1,
            "{all} requests, {misses} near misses"
        );
        assert!(reachable(&a.workload.window) > 50);
        // Each near miss is known to differ from its statement, and nothing
        // else is: the built-in set labels no non-duplicates.
        assert_eq!(a.different.len(), a.near_misses);
        assert_eq!(trace(&set, 0.0, 7).near_misses, 0);
    }

    #[test]
    fn texts_that_differ_only_in_formatting_are_one_statement() {
        assert_eq!(
            same_text_key("If the `device` argument is  set."),
            same_text_key("if the device argument is set")
        );
        assert_eq!(
            same_text_key("You\u{2019}ll see \u{201c}x\u{201d}?"),
            "you'll see x"
        );
        // A word or a version is not formatting.
        assert_ne!(same_text_key("Learn C++"), same_text_key("Learn C"));
        assert_ne!(same_text_key("in v2.10.0"), same_text_key("in v2.9.0"));
        // Two origins of the built-in set say the same with and without
        // backticks: one intent.
        let set = pairs::built_in();
        let t = trace(&set, 0.0, 7);
        let origins: FxHashSet<&str> = set.pairs.iter().map(|p| p.a.as_str()).collect();
        assert!(
            t.intents < origins.len(),
            "{} of {}",
            t.intents,
            origins.len()
        );
    }

    #[test]
    fn duplicate_labels_join_intents_and_non_duplicates_are_known_different() {
        let l = |a: &str, b: &str, same| pairs::Labelled {
            a: a.into(),
            b: b.into(),
            same,
        };
        let set = PairSet {
            source: "test".into(),
            pairs: vec![
                l("How do I sort a list?", "How can I sort a list?", true),
                l("How can I sort a list?", "What sorts a list?", true),
                l("How do I sort a list?", "How do I sort a dict?", false),
                // Contradicts the first two: the duplicates win.
                l("What sorts a list?", "How do I sort a list?", false),
                l("Where is Paris?", "Where is Rome?", false),
            ],
            skipped: 0,
        };
        assert_eq!(default_near_miss_share(&set), 0.0);
        let t = trace(&set, 0.0, 1);
        let all: Vec<&TraceRequest> = t
            .workload
            .history
            .iter()
            .chain(&t.workload.window)
            .collect();
        assert_eq!(all.len(), 6, "each distinct text once");
        let intent = |p: &str| all.iter().find(|r| r.prompt == p).unwrap().intent.unwrap();
        assert_eq!(
            intent("How do I sort a list?"),
            intent("What sorts a list?")
        );
        assert_ne!(
            intent("How do I sort a list?"),
            intent("How do I sort a dict?")
        );
        assert_eq!(t.intents, 4);
        assert_eq!(t.contradictions, 1);
        assert!(t.known_false(
            intent("How do I sort a dict?"),
            intent("How can I sort a list?")
        ));
        assert!(t.known_false(intent("Where is Rome?"), intent("Where is Paris?")));
        assert!(!t.known_false(intent("Where is Rome?"), intent("How do I sort a dict?")));
    }

    #[test]
    fn hits_never_exceed_the_upper_bound_of_correct_answers() {
        let set = pairs::built_in();
        let t = trace(&set, default_near_miss_share(&set), 7);
        for th in [0.5f32, 0.8, 0.95] {
            let r = evaluate(
                &t,
                MatcherKind::Tfidf,
                th,
                None,
                &MatcherSetup::seeded(7),
                &Quiet,
            )
            .unwrap();
            assert!(r.correct_hits <= r.reachable, "{r:?}");
            assert_eq!(r.correct_hits + r.false_hits, r.hits);
            assert!(r.known_false_hits <= r.false_hits, "{r:?}");
        }
    }
}
