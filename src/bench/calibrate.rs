//! Accuracy control for a semantic cache (`--max-false-rate X`): a bound on
//! the share of cache hits that answer a different question, held by learned
//! thresholds instead of a hand-picked one, in the spirit of vCache (Schroeder
//! et al., arXiv 2502.03771).
//!
//! 1. **A threshold learned from labelled history.** The history before the
//!    measured window is replayed through the matcher: each request is
//!    compared with the distinct prompts before it, giving (similarity of the
//!    nearest one, same intent?) pairs. The learned threshold is the lowest
//!    similarity at which the share of wrong pairs above it stays within X
//!    with 95 % confidence (the Wilson upper bound, so a handful of lucky
//!    pairs does not pass).
//! 2. **Per-entry thresholds learned from feedback.** A share
//!    ([`VERIFY_SHARE`]) of semantic hits is verified: the model is called
//!    anyway (the request counts as a miss) and its answer is compared with
//!    the cached one. An entry caught answering a different question at
//!    similarity s needs more than s from then on — its own threshold — so an
//!    entry that sits close to other questions stops serving them.
//!
//! 3. **Certified from the run's own calls.** Every miss whose nearest entry
//!    lies above a probe similarity ([`PROBE`]) is a label for free: the
//!    model answers it anyway, and its answer either matches the nearest
//!    entry's or not. Those labels and the verified hits join the history's
//!    pairs, and the threshold is learned again from all of them as they
//!    grow ([`Online`]). A history with no labelled pairs starts with exact
//!    matches only and begins serving semantic hits once the run's own
//!    labels hold the bound.
//!
//! The run reports the false-hit rate it measured on the held-out window next
//! to the bound.

use anyhow::Result;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::matcher::Matcher;

/// Share of semantic hits verified by calling the model anyway.
pub const VERIFY_SHARE: f64 = 0.1;

/// Similarities below this are never worth a hit; comparing only above it
/// keeps the replay fast.
const FLOOR: f32 = 0.3;

/// How far below the threshold a lookup under accuracy control still looks
/// for its nearest entry, to label the miss: no matcher's useful threshold
/// lies below it (TF-IDF's hits at 0.7 are a third right, the embedding
/// matcher's at 0.7 under half, on the paraphrase data).
pub const PROBE: f32 = 0.6;

/// z for a one-sided 95 % bound.
const Z: f64 = 1.645;

/// What the replay of the history learned.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Calibration {
    /// The learned threshold; above 1 when no threshold holds the bound (then
    /// only exact matches hit).
    pub threshold: f32,
    /// Labelled pairs seen, and how many of them were the same question.
    pub pairs: usize,
    pub same_intent: usize,
    /// Pairs at or above the threshold, and the upper bound of their false share.
    pub pairs_above: usize,
    pub false_share_upper: f64,
    /// Of `pairs`, those labelled during the run (misses with a near entry,
    /// verified hits); 0 for the history's replay alone.
    pub run_pairs: usize,
    /// The request of the window at which a threshold first held the bound
    /// (0: from the start, on the history), if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certified_at: Option<u64>,
}

/// Accuracy control during a run: the history's pairs plus the labels the
/// run gathers, the threshold learned again from them as they grow.
pub struct Online {
    bound: f64,
    pairs: Vec<(f32, bool)>,
    from_history: usize,
    since_learned: usize,
    current: Calibration,
    certified_at: Option<u64>,
}

impl Online {
    /// Starts from the history's labelled pairs.
    pub fn new(history: Vec<(f32, bool)>, bound: f64) -> Online {
        let current = learn_threshold(&history, bound);
        Online {
            bound,
            from_history: history.len(),
            pairs: history,
            since_learned: 0,
            certified_at: (current.threshold <= 1.0).then_some(0),
            current,
        }
    }

    /// The threshold that holds the bound on what is known now (above 1:
    /// none does yet).
    pub fn threshold(&self) -> f32 {
        self.current.threshold
    }

    /// Adds one label, seen at request `at` of the window; learns the
    /// threshold again when the labels have grown by a sixteenth (at least
    /// 32), so that learning costs O(n log² n) over a run. Says whether the
    /// threshold changed.
    pub fn observe(&mut self, similarity: f32, correct: bool, at: u64) -> bool {
        self.pairs.push((similarity, correct));
        self.since_learned += 1;
        if self.since_learned < (self.pairs.len() / 16).max(32) {
            return false;
        }
        self.since_learned = 0;
        let before = self.current.threshold;
        self.current = learn_threshold(&self.pairs, self.bound);
        if self.certified_at.is_none() && self.current.threshold <= 1.0 {
            self.certified_at = Some(at);
        }
        self.current.threshold != before
    }

    /// What was learned, for the run's report.
    pub fn summary(&self) -> Calibration {
        let mut c = learn_threshold(&self.pairs, self.bound);
        c.run_pairs = self.pairs.len() - self.from_history;
        c.certified_at = self.certified_at;
        c
    }
}

/// The upper end of the Wilson score interval for `wrong` of `n`.
pub fn wilson_upper(wrong: usize, n: usize) -> f64 {
    if n == 0 {
        return 1.0;
    }
    let (n, p) = (n as f64, wrong as f64 / n as f64);
    let z2 = Z * Z;
    let centre = p + z2 / (2.0 * n);
    let spread = Z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre + spread) / (1.0 + z2 / n)).min(1.0)
}

/// Replays labelled requests (normalised prompt, intent) through a fitted
/// matcher: each one not seen before against the distinct prompts before it.
pub fn observe(matcher: &mut dyn Matcher, requests: &[(&str, u32)]) -> Result<Vec<(f32, bool)>> {
    let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
    let mut intents: Vec<u32> = Vec::new();
    let mut pairs = Vec::new();
    for &(key, intent) in requests {
        if ids.contains_key(key) {
            continue;
        }
        if let Some((id, sim)) = matcher.best_match(key, FLOOR)? {
            pairs.push((sim, intents[id as usize] == intent));
        }
        let id = intents.len() as u32;
        intents.push(intent);
        ids.insert(key, id);
        matcher.insert(id, key)?;
    }
    Ok(pairs)
}

/// The lowest threshold whose hits, on the observed pairs, are wrong at most
/// `max_false_rate` of the time with 95 % confidence.
pub fn learn_threshold(pairs: &[(f32, bool)], max_false_rate: f64) -> Calibration {
    let mut sorted = pairs.to_vec();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut best = Calibration {
        threshold: 1.0f32.next_up(),
        pairs: pairs.len(),
        same_intent: pairs.iter().filter(|p| p.1).count(),
        pairs_above: 0,
        false_share_upper: 0.0,
        run_pairs: 0,
        certified_at: None,
    };
    let mut wrong = 0;
    for (k, &(sim, same)) in sorted.iter().enumerate() {
        if !same {
            wrong += 1;
        }
        // A threshold sits between distinct similarities only.
        if sorted.get(k + 1).is_some_and(|next| next.0 == sim) {
            continue;
        }
        let upper = wilson_upper(wrong, k + 1);
        if upper <= max_false_rate {
            best.threshold = sim;
            best.pairs_above = k + 1;
            best.false_share_upper = upper;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wilson_bound_needs_evidence() {
        // No errors in 10 is not yet evidence of a 5 % error rate; in 100 it is.
        assert!(wilson_upper(0, 10) > 0.05);
        assert!(wilson_upper(0, 100) < 0.05);
        assert!(wilson_upper(5, 100) > 0.05);
        assert!((wilson_upper(50, 100) - 0.58).abs() < 0.01);
        assert_eq!(wilson_upper(0, 0), 1.0);
    }

    #[test]
    fn the_threshold_is_the_lowest_that_holds_the_bound() {
        // 200 correct pairs above 0.8, then a band of mixed ones, then wrong ones.
        let mut pairs: Vec<(f32, bool)> =
            (0..200).map(|i| (0.95 - i as f32 * 1e-4, true)).collect();
        pairs.extend((0..100).map(|i| (0.79 - i as f32 * 1e-4, i % 2 == 0)));
        pairs.extend((0..100).map(|i| (0.6 - i as f32 * 1e-4, false)));
        let c = learn_threshold(&pairs, 0.05);
        assert!(c.threshold < 0.8 && c.threshold > 0.78, "{c:?}");
        assert!(c.false_share_upper <= 0.05);
        let strict = learn_threshold(&pairs, 0.01);
        assert!(strict.threshold > c.threshold, "{strict:?}");
        let loose = learn_threshold(&pairs, 0.5);
        assert!(loose.threshold < 0.7, "{loose:?}");
        // Nothing holds an impossible bound: no semantic hits at all.
        assert!(learn_threshold(&pairs, 0.0).threshold > 1.0);
    }

    #[test]
    fn online_labels_certify_a_threshold_and_a_wrong_band_raises_it() {
        let mut online = Online::new(Vec::new(), 0.05);
        assert!(online.threshold() > 1.0, "nothing known: exact only");
        // Correct answers at 0.9 and above: after enough of them, 0.9 holds.
        let mut at = 0;
        while online.threshold() > 1.0 {
            online.observe(0.9 + (at % 10) as f32 * 0.01, true, at);
            at += 1;
            assert!(at < 200, "never certified");
        }
        assert!(at > 50, "certified on too little evidence: {at}");
        assert!(online.threshold() <= 0.9);
        // Then wrong answers at 0.90–0.92: the threshold moves above them.
        for i in 0..400 {
            online.observe(0.9 + (i % 3) as f32 * 0.01, false, at + i);
        }
        assert!(online.threshold() > 0.92, "{}", online.threshold());
        let s = online.summary();
        assert_eq!(
            (s.pairs, s.run_pairs),
            (at as usize + 400, at as usize + 400)
        );
        assert_eq!(s.certified_at, Some(at - 1));
    }
}
