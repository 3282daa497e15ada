//! Routers learned from recorded outcomes. Each scores a prompt by the gain
//! it expects from the strong model (its accuracy there minus the weak
//! model's), estimated from training prompts only:
//! - *group*: the mean gain of the prompt's group (MMLU's subject,
//!   RouterBench's `eval_name`), shrunk toward the overall mean when the
//!   group is small;
//! - *neighbours*: the similarity-weighted mean gain of the k most similar
//!   training prompts by TF-IDF cosine;
//! - *length*: the prompt's length, with the sign of its correlation with
//!   the gain in training;
//! - *learned*: neighbours plus weighted group and length terms, k and the
//!   weights chosen on a validation part of the training prompts.

use std::time::Instant;

use rustc_hash::FxHashMap;

use crate::bench::text::{SparseVec, Vectorizer};

/// How strongly a group's mean is pulled toward the overall mean: as if it
/// held this many more prompts of the overall mean.
const GROUP_PRIOR: f64 = 5.0;
/// The neighbours' similarity weight given to the overall mean.
const NEIGHBOUR_PRIOR: f64 = 0.5;
/// The neighbour counts and blend weights tried on validation prompts.
pub const KS: [usize; 4] = [10, 30, 100, 300];
const GROUP_WEIGHTS: [f64; 4] = [0.0, 0.5, 1.0, 2.0];
const LENGTH_WEIGHTS: [f64; 5] = [-0.04, -0.015, 0.0, 0.015, 0.04];

/// What a router may know of a prompt: its normalised text, its group, and
/// its length in characters.
pub struct Known<'a> {
    pub text: &'a str,
    pub group: Option<u32>,
    pub chars: usize,
}

/// The training prompts' gains, and what the routers fitted from them.
pub struct Fitted {
    mean: f64,
    groups: FxHashMap<u32, f64>,
    length_mean: f64,
    length_sd: f64,
    length_sign: f64,
    vectorizer: Vectorizer,
    /// Term → (training prompt, weight).
    postings: FxHashMap<u32, Vec<(u32, f32)>>,
    gains: Vec<f64>,
}

/// One prompt's estimates: the gain of its k nearest training prompts for
/// each k of [`KS`], its group's, and its length's z-score.
#[derive(Debug, Clone, Copy, Default)]
pub struct Estimates {
    pub neighbours: [f64; KS.len()],
    pub group: f64,
    pub length: f64,
    /// The length router's score: the length's z-score, signed so that a
    /// higher score means a larger gain in training.
    pub signed_length: f64,
    /// Time to work out the estimates, nanoseconds.
    pub ns: u64,
}

/// The blend the learned router uses.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Blend {
    /// Index into [`KS`].
    pub k: usize,
    pub group: f64,
    pub length: f64,
}

impl Blend {
    pub fn score(&self, e: &Estimates) -> f64 {
        e.neighbours[self.k] + self.group * e.group + self.length * e.length
    }

    /// Every blend tried on validation prompts; with no groups, the group
    /// weight stays 0.
    pub fn candidates(groups: bool) -> Vec<Blend> {
        let mut out = Vec::new();
        for k in 0..KS.len() {
            for &group in GROUP_WEIGHTS.iter().filter(|&&g| groups || g == 0.0) {
                for &length in &LENGTH_WEIGHTS {
                    out.push(Blend { k, group, length });
                }
            }
        }
        out
    }
}

fn log_length(chars: usize) -> f64 {
    (chars.max(1) as f64).ln()
}

impl Fitted {
    /// Fits on training prompts and their gains.
    pub fn fit(train: &[Known], gains: &[f64]) -> Fitted {
        let n = train.len().max(1) as f64;
        let mean = gains.iter().sum::<f64>() / n;
        let mut sums: FxHashMap<u32, (f64, f64)> = FxHashMap::default();
        for (k, g) in train.iter().zip(gains) {
            if let Some(group) = k.group {
                let e = sums.entry(group).or_default();
                e.0 += g;
                e.1 += 1.0;
            }
        }
        let groups = sums
            .into_iter()
            .map(|(k, (s, c))| (k, (s + GROUP_PRIOR * mean) / (c + GROUP_PRIOR)))
            .collect();
        let lengths: Vec<f64> = train.iter().map(|k| log_length(k.chars)).collect();
        let length_mean = lengths.iter().sum::<f64>() / n;
        let length_sd = (lengths
            .iter()
            .map(|l| (l - length_mean).powi(2))
            .sum::<f64>()
            / n)
            .sqrt()
            .max(1e-9);
        let covariance: f64 = lengths
            .iter()
            .zip(gains)
            .map(|(l, g)| (l - length_mean) * (g - mean))
            .sum();
        let vectorizer = Vectorizer::fit(train.iter().map(|k| k.text));
        let mut postings: FxHashMap<u32, Vec<(u32, f32)>> = FxHashMap::default();
        for (i, k) in train.iter().enumerate() {
            for &(term, weight) in &vectorizer.vector(k.text).terms {
                postings.entry(term).or_default().push((i as u32, weight));
            }
        }
        Fitted {
            mean,
            groups,
            length_mean,
            length_sd,
            length_sign: if covariance < 0.0 { -1.0 } else { 1.0 },
            vectorizer,
            postings,
            gains: gains.to_vec(),
        }
    }

    /// Each prompt's estimates, on both cores.
    pub fn estimate(&self, prompts: &[Known]) -> Vec<Estimates> {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8);
        let chunk = prompts.len().div_ceil(threads).max(1);
        std::thread::scope(|s| {
            let handles: Vec<_> = prompts
                .chunks(chunk)
                .map(|part| s.spawn(move || self.estimate_part(part)))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("an estimate thread panicked"))
                .collect()
        })
    }

    fn estimate_part(&self, prompts: &[Known]) -> Vec<Estimates> {
        let mut sims = vec![0.0f32; self.gains.len()];
        let mut touched: Vec<u32> = Vec::new();
        prompts
            .iter()
            .map(|k| {
                let began = Instant::now();
                let query: SparseVec = self.vectorizer.vector(k.text);
                for &(term, w) in &query.terms {
                    if let Some(list) = self.postings.get(&term) {
                        for &(i, v) in list {
                            let s = &mut sims[i as usize];
                            if *s == 0.0 {
                                touched.push(i);
                            }
                            *s += w * v;
                        }
                    }
                }
                let mut found: Vec<(f32, u32)> =
                    touched.iter().map(|&i| (sims[i as usize], i)).collect();
                for &i in &touched {
                    sims[i as usize] = 0.0;
                }
                touched.clear();
                let most = KS[KS.len() - 1].min(found.len());
                let order =
                    |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
                if found.len() > most && most > 0 {
                    found.select_nth_unstable_by(most - 1, order);
                    found.truncate(most);
                }
                found.sort_unstable_by(order);
                let mut e = Estimates::default();
                let (mut weighted, mut weights, mut taken) = (0.0f64, 0.0f64, 0usize);
                for (slot, &k) in KS.iter().enumerate() {
                    while taken < k.min(found.len()) {
                        let (s, i) = found[taken];
                        weighted += f64::from(s) * self.gains[i as usize];
                        weights += f64::from(s);
                        taken += 1;
                    }
                    e.neighbours[slot] =
                        (weighted + NEIGHBOUR_PRIOR * self.mean) / (weights + NEIGHBOUR_PRIOR);
                }
                e.group = k
                    .group
                    .and_then(|g| self.groups.get(&g).copied())
                    .unwrap_or(self.mean);
                e.length = (log_length(k.chars) - self.length_mean) / self.length_sd;
                e.signed_length = self.length_sign * e.length;
                e.ns = began.elapsed().as_nanos() as u64;
                e
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(text: &str, group: u32) -> Known<'_> {
        Known {
            text,
            group: Some(group),
            chars: text.len(),
        }
    }

    #[test]
    fn estimates_follow_the_training_gains() {
        let texts = [
            "integrate the function over the interval",
            "differentiate the function at the point",
            "who painted the ceiling of the chapel",
            "which painter led the baroque movement",
        ];
        let train: Vec<Known> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| known(t, (i / 2) as u32))
            .collect();
        // Mathematics gains from the strong model; art does not.
        let fitted = Fitted::fit(&train, &[1.0, 1.0, 0.0, 0.0]);
        let queries = [
            known("integrate the function at the point", 0),
            known("who painted the chapel", 1),
        ];
        let e = fitted.estimate(&queries);
        assert!(e[0].neighbours[0] > e[1].neighbours[0], "{e:?}");
        assert!(e[0].group > 0.5 && e[1].group < 0.5, "{e:?}");
        // Shrunk toward the mean: two prompts of gain 1 and a prior of 5 at 0.5.
        assert!((e[0].group - (2.0 + GROUP_PRIOR * 0.5) / (2.0 + GROUP_PRIOR)).abs() < 1e-12);
        let blend = Blend {
            k: 0,
            group: 1.0,
            length: 0.0,
        };
        assert!(blend.score(&e[0]) > blend.score(&e[1]));
    }

    #[test]
    fn candidates_leave_the_group_out_without_groups() {
        assert!(Blend::candidates(false).iter().all(|b| b.group == 0.0));
        assert_eq!(
            Blend::candidates(true).len(),
            KS.len() * GROUP_WEIGHTS.len() * LENGTH_WEIGHTS.len()
        );
    }
}
