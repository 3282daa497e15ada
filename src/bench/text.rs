//! Prompt text: the exact-match key, TF-IDF vectors over hashed word n-grams,
//! and the semantic index that finds the most similar cached prompt.
//!
//! The index lists each cached vector under its heaviest terms only: as
//! many as it takes for the norm of the rest to drop below the threshold
//! (prefix filtering on the indexed side). A query that shares none of those
//! terms has a cosine with the entry of at most that norm (Cauchy–Schwarz on
//! the unlisted coordinates, all weights non-negative and vectors of unit
//! length), so it cannot reach the threshold; the query therefore probes the
//! postings of all its terms. The listed terms are an entry's rare, heavily
//! weighted ones, so postings stay short and a lookup scores a few candidates
//! instead of every entry.
//!
//! When prompts come from a small vocabulary, every prompt's heaviest terms
//! are shared with thousands of others and exact search becomes a scan per
//! lookup, quadratic over a trace (measured before the bound: 52 s for 200k
//! requests). So a lookup visits at most [`MAX_VISITS`] postings and scores
//! at most [`MAX_SCORED`] candidates, heaviest query terms and newest entries
//! first. Past that bound the answer is no longer exact (an older entry that
//! shares terms with more than that many newer ones is not found), and the
//! lookup is counted (`capped_lookups` in the bench's results).

use rustc_hash::FxHashMap;

/// The exact-match key: lower-case, whitespace collapsed, trimmed.
///
/// The general path: every insert, and the lookups `exact_key` cannot short-cut.
/// ASCII prompts take a byte-wise path; other text goes through Unicode
/// lower-casing.
pub fn normalize_prompt_into(prompt: &str, out: &mut String) {
    out.clear();
    if prompt.is_ascii() {
        let mut bytes = std::mem::take(out).into_bytes();
        let mut pending_space = false;
        for &b in prompt.as_bytes() {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C) {
                pending_space = !bytes.is_empty();
                continue;
            }
            if pending_space {
                bytes.push(b' ');
                pending_space = false;
            }
            bytes.push(b.to_ascii_lowercase());
        }
        *out = String::from_utf8(bytes).expect("ASCII in, ASCII out");
        return;
    }
    let mut pending_space = false;
    for c in prompt.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(c.to_lowercase());
    }
}

/// The exact-match key of `prompt`: the prompt itself when it already is one,
/// otherwise `normalize_prompt_into(prompt, scratch)`.
///
/// This is the exact path's hot spot, so it takes one pass over the bytes to
/// sort prompts into three kinds: already a key (most prompts: no copy);
/// printable ASCII with single spaces that only needs lower-casing (most of
/// the rest: a copy lowered in place); anything else (the general path). The
/// pass folds flags over the whole slice instead of stopping early, which
/// lets the compiler vectorise it.
pub fn exact_key<'a>(prompt: &'a str, scratch: &'a mut String) -> &'a str {
    const NOT_PRINTABLE: u8 = 1;
    const UPPER: u8 = 2;
    let b = prompt.as_bytes();
    let flags = b.iter().fold(0u8, |acc, &c| {
        acc | (u8::from(!(b' '..0x7F).contains(&c)) * NOT_PRINTABLE)
            | (u8::from(c.is_ascii_uppercase()) * UPPER)
    });
    let spaced_once = b.first() != Some(&b' ') && b.last() != Some(&b' ') && !prompt.contains("  ");
    if flags & NOT_PRINTABLE == 0 && spaced_once {
        if flags & UPPER == 0 {
            return prompt;
        }
        scratch.clear();
        scratch.push_str(prompt);
        scratch.make_ascii_lowercase();
        return scratch;
    }
    normalize_prompt_into(prompt, scratch);
    scratch
}

pub fn normalize_prompt(prompt: &str) -> String {
    let mut s = String::with_capacity(prompt.len());
    normalize_prompt_into(prompt, &mut s);
    s
}

/// FNV-1a, 64 bit: a stable hash for feature ids and exact keys.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The hashed features of a normalised prompt: its words, its word bigrams,
/// and whole tokens that carry punctuation (file paths like `src/api/users.ts`
/// are one decisive token, not four common words).
pub fn features(normalized: &str, out: &mut Vec<u32>) {
    out.clear();
    let mut previous: Option<u64> = None;
    for word in normalized
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let h = fnv1a(word.as_bytes());
        out.push(h as u32);
        if let Some(p) = previous {
            out.push((p.rotate_left(17) ^ h).wrapping_mul(0x9E37_79B9) as u32 | 1);
        }
        previous = Some(h);
    }
    for token in normalized.split(' ') {
        let token = token.trim_matches(|c: char| !c.is_alphanumeric());
        if token.len() > 3 && token.chars().any(|c| !c.is_alphanumeric()) {
            out.push((fnv1a(token.as_bytes()) >> 32) as u32 ^ 0x5A5A_5A5A);
        }
    }
}

/// A unit-length sparse vector, sorted by feature id.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SparseVec {
    pub terms: Vec<(u32, f32)>,
}

impl SparseVec {
    pub fn dot(&self, other: &SparseVec) -> f32 {
        let (a, b) = (&self.terms, &other.terms);
        let (mut i, mut j, mut sum) = (0, 0, 0.0f32);
        // Branch-free steps: whether two sorted feature lists match at each
        // step is a coin toss the processor cannot predict.
        while i < a.len() && j < b.len() {
            let ((fa, wa), (fb, wb)) = (a[i], b[j]);
            sum += if fa == fb { wa * wb } else { 0.0 };
            i += usize::from(fa <= fb);
            j += usize::from(fb <= fa);
        }
        sum
    }
}

/// TF-IDF weights fitted on a history of prompts.
#[derive(Debug, Clone, Default)]
pub struct Vectorizer {
    idf: FxHashMap<u32, f32>,
    /// The weight of a term never seen in the history: the rarest possible.
    unseen_idf: f32,
}

impl Vectorizer {
    /// Fits inverse document frequencies on normalised prompts.
    pub fn fit<'a>(history: impl IntoIterator<Item = &'a str>) -> Vectorizer {
        let mut df: FxHashMap<u32, u32> = FxHashMap::default();
        let mut docs = 0u32;
        let mut feats = Vec::new();
        for doc in history {
            docs += 1;
            features(doc, &mut feats);
            feats.sort_unstable();
            feats.dedup();
            for f in &feats {
                *df.entry(*f).or_default() += 1;
            }
        }
        let n = f64::from(docs);
        let idf = df
            .into_iter()
            .map(|(f, d)| (f, (((n + 1.0) / (f64::from(d) + 1.0)).ln() + 1.0) as f32))
            .collect();
        Vectorizer {
            idf,
            unseen_idf: ((n + 1.0).ln() + 1.0) as f32,
        }
    }

    /// The unit TF-IDF vector of a normalised prompt.
    pub fn vector(&self, normalized: &str) -> SparseVec {
        let mut feats = Vec::with_capacity(32);
        features(normalized, &mut feats);
        feats.sort_unstable();
        let mut terms: Vec<(u32, f32)> = Vec::with_capacity(feats.len());
        for f in feats {
            match terms.last_mut() {
                Some((last, tf)) if *last == f => *tf += 1.0,
                _ => terms.push((f, 1.0)),
            }
        }
        for (f, w) in &mut terms {
            *w *= *self.idf.get(f).unwrap_or(&self.unseen_idf);
        }
        let norm = terms.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, w) in &mut terms {
                *w /= norm;
            }
        }
        SparseVec { terms }
    }
}

/// The most postings one lookup visits, and the most candidates it scores
/// (see the module comment). A visit reads a posting and checks a bound;
/// scoring is a sparse dot product.
pub const MAX_VISITS: usize = 512;
pub const MAX_SCORED: usize = 256;

/// An entry as listed under one of its terms: its id, and which of 64
/// buckets its terms fall in (see [`bucket`]), so that a lookup can rule it
/// out without reading its vector.
#[derive(Debug, Clone, Copy)]
struct Posting {
    id: u32,
    mask: u64,
}

/// One of 64 buckets a term falls in: the top bits of a multiplicative hash.
#[inline]
fn bucket(f: u32) -> u32 {
    f.wrapping_mul(0x9E37_79B9) >> 26
}

fn mask(v: &SparseVec) -> u64 {
    v.terms.iter().fold(0, |m, (f, _)| m | 1u64 << bucket(*f))
}

/// Cached vectors by entry id, each listed under its heaviest terms.
#[derive(Debug)]
pub struct SemanticIndex {
    vectors: Vec<Option<SparseVec>>,
    postings: FxHashMap<u32, Vec<Posting>>,
    /// The threshold the postings serve: each entry is listed under its
    /// heaviest terms until the norm of the rest is below it. A lookup with a
    /// lower threshold relists every entry first.
    listed_for: f32,
    live: usize,
    live_postings: usize,
    dead_postings: usize,
    /// Per-entry query stamp, to score each candidate once per query.
    seen: Vec<u32>,
    epoch: u32,
    /// Candidates scored by the last query (for measuring selectivity).
    pub last_candidates: usize,
    /// Lookups that stopped at [`MAX_VISITS`] or [`MAX_SCORED`] (then not exact).
    pub capped: u64,
    /// The last lookup's candidates (kept to reuse the allocation).
    candidates: Vec<u32>,
}

impl Default for SemanticIndex {
    fn default() -> SemanticIndex {
        SemanticIndex {
            vectors: Vec::new(),
            postings: FxHashMap::default(),
            // Lists each entry under its heaviest term only, until a lookup
            // says which threshold matters.
            listed_for: 1.0,
            live: 0,
            live_postings: 0,
            dead_postings: 0,
            seen: Vec::new(),
            epoch: 0,
            last_candidates: 0,
            capped: 0,
            candidates: Vec::new(),
        }
    }
}

/// The terms a vector is listed under for lookups at `threshold` or above:
/// its heaviest, until the norm of the others is below the threshold. A
/// query that shares none of them has a cosine with it of at most that norm.
/// At a threshold of zero or less, every term.
fn listed_terms(v: &SparseVec, threshold: f32) -> impl Iterator<Item = u32> + '_ {
    let mut by_weight: Vec<(u32, f32)> = v.terms.clone();
    by_weight.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let limit = threshold * threshold;
    let mut rest = by_weight.iter().map(|(_, w)| w * w).sum::<f32>();
    let mut keep = 0;
    for (_, w) in &by_weight {
        // A margin for rounding: list one term too many rather than one too few.
        if threshold > 0.0 && rest < limit * (1.0 - 1e-4) {
            break;
        }
        rest -= w * w;
        keep += 1;
    }
    by_weight.truncate(keep);
    by_weight.into_iter().map(|(f, _)| f)
}

/// Asks for the cache line at `p` ahead of use; only a hint.
#[inline]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and reads nothing the program sees.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

impl SemanticIndex {
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    fn list(&mut self, id: u32, v: &SparseVec) {
        let mask = mask(v);
        for f in listed_terms(v, self.listed_for) {
            self.postings
                .entry(f)
                .or_default()
                .push(Posting { id, mask });
            self.live_postings += 1;
        }
    }

    pub fn insert(&mut self, id: u32, vector: SparseVec) {
        let i = id as usize;
        if self.vectors.len() <= i {
            self.vectors.resize(i + 1, None);
            self.seen.resize(i + 1, 0);
        }
        if self.vectors[i].is_some() {
            self.remove(id);
        }
        self.list(id, &vector);
        self.vectors[i] = Some(vector);
        self.live += 1;
    }

    pub fn remove(&mut self, id: u32) {
        let Some(slot) = self.vectors.get_mut(id as usize) else {
            return;
        };
        if let Some(v) = slot.take() {
            let listed = listed_terms(&v, self.listed_for).count();
            self.live -= 1;
            self.live_postings -= listed;
            self.dead_postings += listed;
            if self.dead_postings > 1024 && self.dead_postings > self.live_postings {
                self.compact();
            }
        }
    }

    /// Drops postings of removed entries once they outnumber the live ones.
    fn compact(&mut self) {
        let vectors = &self.vectors;
        self.postings.retain(|_, list| {
            list.retain(|p| vectors[p.id as usize].is_some());
            !list.is_empty()
        });
        self.dead_postings = 0;
    }

    /// Lists every entry again for lookups down to `threshold`.
    fn relist(&mut self, threshold: f32) {
        self.listed_for = threshold;
        self.postings.clear();
        self.live_postings = 0;
        self.dead_postings = 0;
        let vectors = std::mem::take(&mut self.vectors);
        for (id, v) in vectors.iter().enumerate() {
            if let Some(v) = v {
                self.list(id as u32, v);
            }
        }
        self.vectors = vectors;
    }

    /// The most similar entry with cosine ≥ `threshold`.
    pub fn best_match(&mut self, query: &SparseVec, threshold: f32) -> Option<(u32, f32)> {
        if threshold < self.listed_for {
            self.relist(threshold);
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.epoch = 1;
        }
        // A bound that needs no look at the entry's vector: the terms the
        // two share all fall in buckets both occupy, so the cosine is at most
        // the norm of the query's weight in those buckets (Cauchy–Schwarz
        // again). An entry the bound puts below the threshold is not scored.
        // `needed` holds the buckets whose weight alone is more than the
        // query can lose: an entry missing one of them is out at once.
        let mut mass = [0f32; 64];
        let mut query_mask = 0u64;
        for (f, w) in &query.terms {
            let b = bucket(*f);
            mass[b as usize] += w * w;
            query_mask |= 1 << b;
        }
        let filter = threshold > 0.0;
        let limit = threshold * threshold * (1.0 - 1e-4);
        let total: f32 = mass.iter().sum();
        let needed = (0..64)
            .filter(|&b| mass[b] > total - limit)
            .fold(0u64, |m, b| m | 1 << b);
        // Every query term is probed (an entry may be listed under any of
        // them), the heaviest first: their postings are the shortest and
        // the most telling.
        let mut by_weight: Vec<(u32, f32)> = query.terms.clone();
        by_weight.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        // First the candidates, then their vectors: fetched ahead of scoring
        // so that the memory waits overlap instead of adding up.
        let mut candidates = std::mem::take(&mut self.candidates);
        candidates.clear();
        let mut visits = 0;
        'terms: for (f, _) in by_weight {
            let Some(list) = self.postings.get(&f) else {
                continue;
            };
            // Newest first, and never more than the bounds in all.
            for p in list.iter().rev() {
                if visits == MAX_VISITS {
                    self.capped += 1;
                    break 'terms;
                }
                visits += 1;
                if filter {
                    if needed & !p.mask != 0 {
                        continue;
                    }
                    let mut shared = query_mask & p.mask;
                    let mut reach = 0.0;
                    while shared != 0 {
                        reach += mass[shared.trailing_zeros() as usize];
                        shared &= shared - 1;
                    }
                    if reach < limit {
                        continue;
                    }
                }
                let i = p.id as usize;
                if self.seen[i] == self.epoch {
                    continue;
                }
                let Some(v) = &self.vectors[i] else {
                    continue;
                };
                if candidates.len() == MAX_SCORED {
                    self.capped += 1;
                    break 'terms;
                }
                self.seen[i] = self.epoch;
                prefetch(v.terms.as_ptr());
                candidates.push(p.id);
            }
        }
        let mut best: Option<(u32, f32)> = None;
        for &id in &candidates {
            let Some(v) = &self.vectors[id as usize] else {
                continue;
            };
            let sim = query.dot(v);
            if sim >= threshold && best.is_none_or(|(b, s)| sim > s || (sim == s && id < b)) {
                best = Some((id, sim));
            }
        }
        let scored = candidates.len();
        self.candidates = candidates;
        self.last_candidates = scored;
        best
    }

    /// The same question answered by comparing with every entry: the
    /// reference the index is measured against.
    pub fn best_match_scan(&self, query: &SparseVec, threshold: f32) -> Option<(u32, f32)> {
        let mut best: Option<(u32, f32)> = None;
        for (i, v) in self.vectors.iter().enumerate() {
            if let Some(v) = v {
                let sim = query.dot(v);
                if sim >= threshold && best.is_none_or(|(_, s)| sim > s) {
                    best = Some((i as u32, sim));
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::rng::Rng;

    #[test]
    fn normalization_lowercases_and_collapses_space() {
        assert_eq!(
            normalize_prompt("  How DO I\tsort  a List? "),
            "how do i sort a list?"
        );
        assert_eq!(normalize_prompt("ÉCOLE  Ünïcode"), "école ünïcode");
        assert_eq!(normalize_prompt(""), "");
        assert_eq!(
            normalize_prompt("\x0Ba\x0Cb \r\n"),
            "a b",
            "ASCII whitespace of every kind"
        );
        assert_eq!(
            normalize_prompt("a\u{2003}B"),
            "a b",
            "Unicode whitespace too"
        );
        let mut scratch = String::new();
        for p in [
            "how do i sort",
            "How do i",
            "HOW  do I",
            " a",
            "a ",
            "a  b",
            "a\tb",
            "A\tB",
            "Été",
            "é",
            "",
            "src/api/users.ts?",
            "Src/Api/Users.ts?",
        ] {
            // Every shortcut gives the key the general path gives.
            assert_eq!(exact_key(p, &mut scratch), normalize_prompt(p), "{p:?}");
        }
    }

    #[test]
    fn exact_keys_of_a_whole_workload_match_the_general_path() {
        let w = crate::bench::workload::generate(&crate::bench::workload::Spec::built_in(), 7);
        let mut scratch = String::new();
        let mut shortcuts = 0;
        for r in &w.window {
            let key = exact_key(&r.prompt, &mut scratch);
            assert_eq!(key, normalize_prompt(&r.prompt), "{:?}", r.prompt);
            shortcuts += usize::from(key == r.prompt);
        }
        // The workload holds prompts that are their own key and prompts that are not.
        assert!(shortcuts > 0 && shortcuts < w.window.len());
    }

    fn corpus() -> Vec<String> {
        let langs = ["python", "go", "rust", "java", "ruby", "kotlin"];
        let verbs = ["sort", "reverse", "merge", "parse", "filter"];
        let nouns = ["list", "string", "map", "tree", "file"];
        let mut out = Vec::new();
        for l in langs {
            for v in verbs {
                for n in nouns {
                    out.push(format!("how do i {v} a {n} in {l}"));
                    out.push(format!("{l}: {v} a {n}"));
                    if n == "list" {
                        // Polite forms occur in real histories too.
                        out.push(format!("please {v} a {n} in {l}"));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn vectors_are_unit_length_and_similar_prompts_score_higher() {
        let docs = corpus();
        let v = Vectorizer::fit(docs.iter().map(String::as_str));
        let a = v.vector("how do i sort a list in python");
        let norm: f32 = a.terms.iter().map(|(_, w)| w * w).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        assert!((a.dot(&a) - 1.0).abs() < 1e-5);
        // Punctuation is not a feature: a trailing "?" changes nothing.
        assert!((a.dot(&v.vector("how do i sort a list in python?")) - 1.0).abs() < 1e-5);
        let paraphrase = v.vector("python: sort a list");
        let unrelated = v.vector("how do i parse a tree in go");
        assert!(a.dot(&paraphrase) > a.dot(&unrelated) + 0.2);
        // A near miss shares everything but one decisive word; lexical
        // similarity cannot tell it from a paraphrase, which is why the
        // threshold trades hit rate against false hits.
        let near_miss = v.vector("how do i sort a list in ruby");
        assert!(
            a.dot(&near_miss) > 0.5 && a.dot(&near_miss) < 0.9,
            "{}",
            a.dot(&near_miss)
        );
        let path_a = v.vector("explain src/api/users.ts");
        let path_b = v.vector("explain src/api/orders.ts");
        // Well below any threshold worth using (the sweep starts at 0.75).
        assert!(
            path_a.dot(&path_b) < 0.7,
            "whole paths are decisive: {}",
            path_a.dot(&path_b)
        );
    }

    #[test]
    fn the_index_finds_exactly_what_a_scan_finds() {
        let docs = corpus();
        let v = Vectorizer::fit(docs.iter().map(String::as_str));
        let mut index = SemanticIndex::default();
        for (i, d) in docs.iter().enumerate() {
            index.insert(i as u32, v.vector(d));
        }
        // Remove a third to exercise dead postings.
        for i in (0..docs.len()).step_by(3) {
            index.remove(i as u32);
        }
        let mut rng = Rng::new(5);
        let words = [
            "how", "do", "i", "sort", "a", "list", "in", "python", "go", "tree", "please", "merge",
            "file",
        ];
        for _ in 0..500 {
            let n = 2 + rng.below(7);
            let q: Vec<&str> = (0..n).map(|_| *rng.pick(&words)).collect();
            let q = v.vector(&q.join(" "));
            for t in [0.5f32, 0.7, 0.8, 0.9, 0.95] {
                let a = index.best_match(&q, t).map(|(id, _)| id);
                let b = index.best_match_scan(&q, t).map(|(id, _)| id);
                assert_eq!(a, b, "threshold {t}");
            }
        }
    }

    #[test]
    fn a_lookup_scores_a_bounded_number_of_candidates_newest_first() {
        // Every entry shares every term: the small-vocabulary worst case.
        let mut index = SemanticIndex::default();
        let v = |a: f32, b: f32| {
            let n = (a * a + b * b).sqrt();
            SparseVec {
                terms: vec![(1, a / n), (2, b / n)],
            }
        };
        for id in 0..5_000u32 {
            index.insert(id, v(1.0, 0.5 + id as f32 / 10_000.0));
        }
        // The newest entry is the query itself: found (or one that scores the
        // same in f32) despite the bound, among the newest.
        let query = v(1.0, 0.5 + 4_999.0 / 10_000.0);
        let (id, sim) = index.best_match(&query, 0.99).unwrap();
        assert!(id >= 5_000 - MAX_SCORED as u32, "{id}");
        assert!(sim > 0.999);
        assert!(index.last_candidates <= MAX_SCORED);
        assert_eq!(index.capped, 1);
        // Few candidates: exact, and not counted as capped.
        let mut small = SemanticIndex::default();
        for id in 0..MAX_SCORED as u32 {
            small.insert(id, v(1.0, id as f32 / 100.0));
        }
        let q = v(1.0, 0.0);
        assert_eq!(small.best_match(&q, 0.5), small.best_match_scan(&q, 0.5));
        assert_eq!(small.capped, 0);
    }

    /// Random unit vectors over `vocabulary` terms with non-negative weights.
    fn random_vectors(rng: &mut Rng, count: usize, vocabulary: usize) -> Vec<SparseVec> {
        (0..count)
            .map(|_| {
                let n = 1 + rng.below(8);
                let mut terms: Vec<(u32, f32)> = (0..n)
                    .map(|_| {
                        (
                            rng.below(vocabulary) as u32 * 7919,
                            0.05 + rng.unit() as f32,
                        )
                    })
                    .collect();
                terms.sort_by_key(|t| t.0);
                terms.dedup_by_key(|t| t.0);
                let norm = terms.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
                terms.iter_mut().for_each(|(_, w)| *w /= norm);
                SparseVec { terms }
            })
            .collect()
    }

    #[test]
    fn below_the_bounds_the_index_answers_exactly_what_a_scan_answers() {
        // Few terms, so that entries share buckets and listed terms often:
        // the bucket bound and the listing are what is under test. Queries
        // are entries with one weight nudged, so that matches near the
        // threshold exist.
        let mut rng = Rng::new(11);
        for vocabulary in [6, 40, 1_000] {
            // At most 8 terms each: never more postings than a lookup visits.
            let vectors = random_vectors(&mut rng, MAX_SCORED.min(MAX_VISITS / 8), vocabulary);
            let mut index = SemanticIndex::default();
            for (i, v) in vectors.iter().enumerate() {
                index.insert(i as u32, v.clone());
            }
            let mut found = 0;
            // Thresholds rise and fall: a lower one relists the entries.
            for t in [0.99f32, 0.95, 0.9, 0.97, 0.8, 0.6, 0.3, 0.0] {
                for k in 0..200 {
                    let mut q = vectors[k % vectors.len()].clone();
                    let j = rng.below(q.terms.len());
                    q.terms[j].1 *= 1.0 + rng.unit() as f32;
                    let norm = q.terms.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
                    q.terms.iter_mut().for_each(|(_, w)| *w /= norm);
                    let got = index.best_match(&q, t);
                    let want = index.best_match_scan(&q, t);
                    assert_eq!(got.map(|m| m.0), want.map(|m| m.0), "t {t}, query {q:?}");
                    found += usize::from(got.is_some());
                }
            }
            assert!(found > 0);
            assert_eq!(index.capped, 0);
        }
    }

    #[test]
    fn an_entry_is_listed_under_its_heaviest_terms_only() {
        let v = SparseVec {
            terms: vec![(1, 0.8), (2, 0.5), (3, 0.3), (4, 0.1)],
        };
        // 0.5² + 0.3² + 0.1² = 0.35 ≥ 0.5²: two terms needed; then 0.1 < 0.5.
        let norm = v.terms.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        let v = SparseVec {
            terms: v.terms.iter().map(|(f, w)| (*f, w / norm)).collect(),
        };
        assert_eq!(listed_terms(&v, 0.5).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(listed_terms(&v, 0.95).collect::<Vec<_>>(), [1]);
        assert_eq!(listed_terms(&v, 0.0).count(), 4);
        assert_eq!(listed_terms(&v, -1.0).count(), 4);
    }
}
