//! The dense vector index of the embedding matcher: a hierarchical navigable
//! small world graph (HNSW; Malkov & Yashunin, 2018) over unit vectors, with
//! cosine similarity as the dot product.
//!
//! A lookup walks down a few sparse layers to the neighbourhood of the query
//! and then searches the bottom layer with a bounded candidate list, so it
//! compares the query with a few thousand vectors however many are cached;
//! an exact scan compares it with all of them. The engines benchmark measures
//! both on 100,000 entries: the speed-up and how often the index returns the
//! scan's best match ("recall").
//!
//! Written here rather than taken from a crate because the cache needs three
//! things together that the maintained Rust HNSW crates did not offer at once:
//! removal (entries expire and are evicted), construction that is a function
//! of the seed (benchmark runs are reproducible), and no threads of its own.
//! Removal marks a node; marked nodes still route searches but are never
//! returned, and the graph is rebuilt from the live vectors once marked nodes
//! outnumber them.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap;

use super::rng::Rng;

/// Graph parameters. `m` links per node and layer (twice that on the bottom
/// layer), `ef_construction` candidates while inserting, `ef_search` while
/// looking up. The defaults reach ≥ 99 % recall at 100,000 entries in the
/// engines benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    pub m: usize,
    pub ef_construction: usize,
    pub ef_search: usize,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            m: 16,
            ef_construction: 100,
            ef_search: 32,
        }
    }
}

/// How many of a lookup's best candidates (by quantised similarity) are
/// scored exactly before the best is chosen.
const RERANK: usize = 8;

/// The dot product of two vectors of equal length, vectorised where the CPU
/// allows (AVX2 is detected at run time).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { dot_avx2(a, b) };
        }
    }
    dot_lanes(a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn dot_avx2(a: &[f32], b: &[f32]) -> f32 {
    dot_lanes(a, b)
}

/// The dot product of two quantised vectors (exact, in integers).
fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { dot_i8_avx2(a, b) };
        }
    }
    dot_i8_plain(a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn dot_i8_avx2(a: &[i8], b: &[i8]) -> i32 {
    dot_i8_plain(a, b)
}

#[inline(always)]
fn dot_i8_plain(a: &[i8], b: &[i8]) -> i32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| i32::from(*x) * i32::from(*y))
        .sum()
}

/// A vector as bytes and a scale: component ≈ byte × scale. A quarter of
/// the memory of `f32`, which is what a graph walk spends its time fetching.
fn quantise(v: &[f32], out: &mut Vec<i8>) -> f32 {
    let max = v.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
    out.extend(
        v.iter()
            .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8),
    );
    scale
}

/// Eight independent sums, so the compiler can keep them in vector lanes.
#[inline(always)]
fn dot_lanes(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    let mut sum = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (x, y) in ra.iter().zip(rb) {
        sum += x * y;
    }
    sum
}

/// A node and its similarity to the query, ordered by similarity and then by
/// node (so that every ordering, and with it the graph, is deterministic).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Near {
    sim: f32,
    node: u32,
}

impl Eq for Near {}

impl Ord for Near {
    fn cmp(&self, other: &Near) -> Ordering {
        self.sim
            .total_cmp(&other.sim)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Near {
    fn partial_cmp(&self, other: &Near) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A query, quantised as the stored vectors are.
struct Query {
    codes: Vec<i8>,
    scale: f32,
}

/// The index. Entries are named by the caller's ids.
pub struct Hnsw {
    dim: usize,
    params: Params,
    seed: u64,
    rng: Rng,
    /// Node-major vectors, exact (for the answer) and quantised (for the walk).
    vectors: Vec<f32>,
    codes: Vec<i8>,
    scales: Vec<f32>,
    ids: Vec<u32>,
    node_of: FxHashMap<u32, u32>,
    /// Per node, per layer, its neighbours.
    links: Vec<Vec<Vec<u32>>>,
    removed: Vec<bool>,
    live: usize,
    entry: Option<u32>,
    top: usize,
    /// Per node, the last search that visited it.
    seen: Vec<u32>,
    epoch: u32,
    /// Similarities computed by the last lookup.
    pub last_compared: usize,
}

impl Hnsw {
    pub fn new(dim: usize, params: Params, seed: u64) -> Hnsw {
        Hnsw {
            dim,
            params,
            seed,
            rng: Rng::derive(seed, 0x4E5E),
            vectors: Vec::new(),
            codes: Vec::new(),
            scales: Vec::new(),
            ids: Vec::new(),
            node_of: FxHashMap::default(),
            links: Vec::new(),
            removed: Vec::new(),
            live: 0,
            entry: None,
            top: 0,
            seen: Vec::new(),
            epoch: 0,
            last_compared: 0,
        }
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Live entries.
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    fn vector(&self, node: u32) -> &[f32] {
        let i = node as usize * self.dim;
        &self.vectors[i..i + self.dim]
    }

    fn sim(&self, query: &[f32], node: u32) -> f32 {
        dot(query, self.vector(node))
    }

    fn code(&self, node: u32) -> &[i8] {
        let i = node as usize * self.dim;
        &self.codes[i..i + self.dim]
    }

    /// Starts loading a node's quantised vector into the cache.
    #[inline]
    fn prefetch(&self, node: u32) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            let code = self.code(node);
            for line in code.chunks(64) {
                // SAFETY: a prefetch is a hint; the address is inside `codes`.
                unsafe { _mm_prefetch::<_MM_HINT_T0>(line.as_ptr()) };
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = node;
    }

    /// The similarity the walk uses: of the quantised vectors.
    fn approx(&self, query: &Query, node: u32) -> f32 {
        dot_i8(&query.codes, self.code(node)) as f32 * query.scale * self.scales[node as usize]
    }

    fn query(&self, vector: &[f32]) -> Query {
        let mut codes = Vec::with_capacity(self.dim);
        let scale = quantise(vector, &mut codes);
        Query { codes, scale }
    }

    fn max_links(&self, layer: usize) -> usize {
        if layer == 0 {
            2 * self.params.m
        } else {
            self.params.m
        }
    }

    fn next_epoch(&mut self) -> u32 {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.epoch = 1;
        }
        self.epoch
    }

    /// The `ef` nodes nearest the query on one layer, best first, found by a
    /// best-first walk from `from`.
    fn search_layer(&mut self, query: &Query, from: &[Near], ef: usize, layer: usize) -> Vec<Near> {
        let epoch = self.next_epoch();
        let mut candidates: BinaryHeap<Near> = BinaryHeap::new();
        // Worst of the kept nodes on top.
        let mut kept: BinaryHeap<std::cmp::Reverse<Near>> = BinaryHeap::new();
        for &n in from {
            self.seen[n.node as usize] = epoch;
            candidates.push(n);
            kept.push(std::cmp::Reverse(n));
        }
        while kept.len() > ef {
            kept.pop();
        }
        while let Some(c) = candidates.pop() {
            let worst = kept.peek().map_or(f32::NEG_INFINITY, |w| w.0.sim);
            if c.sim < worst && kept.len() >= ef {
                break;
            }
            let links = std::mem::take(&mut self.links[c.node as usize][layer]);
            // Ask for every unvisited neighbour's bytes at once, so the
            // memory fetches overlap instead of queueing one by one.
            for &n in &links {
                if self.seen[n as usize] != epoch {
                    self.prefetch(n);
                }
            }
            for &n in &links {
                if self.seen[n as usize] == epoch {
                    continue;
                }
                self.seen[n as usize] = epoch;
                let near = Near {
                    sim: self.approx(query, n),
                    node: n,
                };
                self.last_compared += 1;
                let worst = kept.peek().map_or(f32::NEG_INFINITY, |w| w.0.sim);
                if kept.len() < ef || near.sim > worst {
                    candidates.push(near);
                    kept.push(std::cmp::Reverse(near));
                    if kept.len() > ef {
                        kept.pop();
                    }
                }
            }
            self.links[c.node as usize][layer] = links;
        }
        let mut out: Vec<Near> = kept.into_iter().map(|r| r.0).collect();
        out.sort_unstable_by(|a, b| b.cmp(a));
        out
    }

    /// Walks greedily down from the top layer to `layer + 1`.
    fn descend(&mut self, query: &Query, layer: usize) -> Option<Near> {
        let entry = self.entry?;
        let mut best = Near {
            sim: self.approx(query, entry),
            node: entry,
        };
        self.last_compared += 1;
        for l in ((layer + 1)..=self.top).rev() {
            loop {
                let mut moved = false;
                let at = best.node as usize;
                for i in 0..self.links[at][l].len() {
                    let n = self.links[at][l][i];
                    let near = Near {
                        sim: self.approx(query, n),
                        node: n,
                    };
                    self.last_compared += 1;
                    if near > best {
                        best = near;
                        moved = true;
                    }
                }
                if !moved {
                    break;
                }
            }
        }
        Some(best)
    }

    /// Keeps at most `m` of `candidates` (best first): a candidate is kept
    /// when it is nearer the base than any node already kept, which spreads
    /// links over directions instead of spending them on one cluster.
    fn select(&self, candidates: &[Near], m: usize) -> Vec<u32> {
        let mut kept: Vec<u32> = Vec::with_capacity(m);
        for c in candidates {
            if kept.len() >= m {
                break;
            }
            let v = self.code(c.node);
            let scale = self.scales[c.node as usize];
            if kept
                .iter()
                .all(|&k| dot_i8(v, self.code(k)) as f32 * scale * self.scales[k as usize] < c.sim)
            {
                kept.push(c.node);
            }
        }
        kept
    }

    /// Adds (or replaces) the vector of `id`. The vector must be unit length.
    pub fn insert(&mut self, id: u32, vector: &[f32]) {
        assert_eq!(vector.len(), self.dim, "vector length");
        if self.node_of.contains_key(&id) {
            self.remove(id);
        }
        let node = self.ids.len() as u32;
        // Layer: geometric with ratio 1/m (the paper's mL = 1/ln m).
        let ml = 1.0 / (self.params.m as f64).ln();
        let u = self.rng.unit().max(f64::MIN_POSITIVE);
        let level = ((-u.ln() * ml) as usize).min(16);
        self.vectors.extend_from_slice(vector);
        let scale = quantise(vector, &mut self.codes);
        self.scales.push(scale);
        self.ids.push(id);
        self.node_of.insert(id, node);
        self.links.push(vec![Vec::new(); level + 1]);
        self.removed.push(false);
        self.seen.push(0);
        self.live += 1;
        let query = self.query(vector);
        let Some(start) = self.descend(&query, level) else {
            self.entry = Some(node);
            self.top = level;
            return;
        };
        let mut entry_points = vec![start];
        for layer in (0..=level.min(self.top)).rev() {
            let found =
                self.search_layer(&query, &entry_points, self.params.ef_construction, layer);
            let chosen = self.select(&found, self.params.m);
            for &n in &chosen {
                self.links[n as usize][layer].push(node);
                if self.links[n as usize][layer].len() > self.max_links(layer) {
                    self.shrink(n, layer);
                }
            }
            self.links[node as usize][layer] = chosen;
            entry_points = found;
        }
        if level > self.top {
            self.entry = Some(node);
            self.top = level;
        }
    }

    /// Cuts a node's links on a layer back to the maximum.
    fn shrink(&mut self, node: u32, layer: usize) {
        let base = Query {
            codes: self.code(node).to_vec(),
            scale: self.scales[node as usize],
        };
        let mut near: Vec<Near> = self.links[node as usize][layer]
            .iter()
            .map(|&n| Near {
                sim: self.approx(&base, n),
                node: n,
            })
            .collect();
        near.sort_unstable_by(|a, b| b.cmp(a));
        let kept = self.select(&near, self.max_links(layer));
        self.links[node as usize][layer] = kept;
    }

    /// Removes an entry; unknown ids are ignored.
    pub fn remove(&mut self, id: u32) {
        let Some(node) = self.node_of.remove(&id) else {
            return;
        };
        self.removed[node as usize] = true;
        self.live -= 1;
        let dead = self.ids.len() - self.live;
        if dead > 1024 && dead > self.live {
            self.rebuild();
        }
    }

    /// Builds the graph again from the live entries, in insertion order.
    fn rebuild(&mut self) {
        let old_ids = std::mem::take(&mut self.ids);
        let old_vectors = std::mem::take(&mut self.vectors);
        let old_removed = std::mem::take(&mut self.removed);
        let rebuilds = self.rng.next_u64();
        *self = Hnsw {
            rng: Rng::derive(self.seed, rebuilds),
            ..Hnsw::new(self.dim, self.params, self.seed)
        };
        for (node, id) in old_ids.iter().enumerate() {
            if !old_removed[node] {
                let v = &old_vectors[node * self.dim..(node + 1) * self.dim];
                self.insert(*id, v);
            }
        }
    }

    /// The live entry most similar to the query with similarity ≥ `floor`.
    pub fn best_match(&mut self, query: &[f32], floor: f32) -> Option<(u32, f32)> {
        self.last_compared = 0;
        if self.live == 0 || query.len() != self.dim {
            return None;
        }
        let q = self.query(query);
        let from = self.descend(&q, 0)?;
        let ef = self.params.ef_search;
        let found = self.search_layer(&q, &[from], ef, 0);
        // The walk ranked by quantised similarity; the few best live nodes
        // are scored exactly, and that decides.
        found
            .iter()
            .filter(|n| !self.removed[n.node as usize])
            .take(RERANK)
            .map(|n| Near {
                sim: self.sim(query, n.node),
                node: n.node,
            })
            .max()
            .filter(|n| n.sim >= floor)
            .map(|n| (self.ids[n.node as usize], n.sim))
    }

    /// The same question answered by comparing with every live entry: the
    /// reference the index is measured against.
    pub fn best_match_scan(&self, query: &[f32], floor: f32) -> Option<(u32, f32)> {
        let mut best: Option<Near> = None;
        for node in 0..self.ids.len() as u32 {
            if self.removed[node as usize] {
                continue;
            }
            let near = Near {
                sim: self.sim(query, node),
                node,
            };
            if best.is_none_or(|b| near > b) {
                best = Some(near);
            }
        }
        best.filter(|b| b.sim >= floor)
            .map(|b| (self.ids[b.node as usize], b.sim))
    }
}

/// Unit vectors shaped like sentence embeddings: points of a 32-dimensional
/// space (questions in `clusters` groups, as paraphrases of one question
/// are) mapped into `dim` dimensions by a fixed random projection, plus a
/// little noise in every dimension. For the engines benchmark and tests:
/// an index is only as fast as the data it is given is navigable, and
/// isotropic random vectors are not what embeddings are like. Members of a group have cosine ≈ 0.9
/// with each other, other vectors ≈ 0.
pub fn synthetic_embeddings(n: usize, dim: usize, clusters: usize, seed: u64) -> Vec<Vec<f32>> {
    const LATENT: usize = 32;
    let mut rng = Rng::new(seed);
    let projection: Vec<Vec<f64>> = (0..LATENT)
        .map(|_| (0..dim).map(|_| rng.normal()).collect())
        .collect();
    let centres: Vec<Vec<f64>> = (0..clusters)
        .map(|_| (0..LATENT).map(|_| rng.normal()).collect())
        .collect();
    (0..n)
        .map(|_| {
            let c = &centres[rng.below(clusters)];
            let latent: Vec<f64> = c.iter().map(|x| x + 0.3 * rng.normal()).collect();
            let v: Vec<f64> = (0..dim)
                .map(|j| {
                    latent
                        .iter()
                        .zip(&projection)
                        .map(|(l, row)| l * row[j])
                        .sum::<f64>()
                        + 0.5 * rng.normal()
                })
                .collect();
            let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            v.iter().map(|x| (x / norm) as f32).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_matches_the_plain_sum() {
        let a: Vec<f32> = (0..37).map(|i| i as f32 * 0.25 - 3.0).collect();
        let b: Vec<f32> = (0..37).map(|i| 1.0 - i as f32 * 0.125).collect();
        let plain: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - plain).abs() < 1e-3);
    }

    #[test]
    fn recall_against_the_scan_is_high_and_search_is_sublinear() {
        let dim = 48;
        let all = synthetic_embeddings(6500, dim, 400, 5);
        let (data, queries) = all.split_at(6000);
        let mut index = Hnsw::new(dim, Params::default(), 5);
        for (i, v) in data.iter().enumerate() {
            index.insert(i as u32, v);
        }
        let (mut agree, mut compared) = (0, 0);
        for q in queries {
            let scan = index.best_match_scan(q, -1.0).unwrap();
            let got = index.best_match(q, -1.0).unwrap();
            compared += index.last_compared;
            if got.0 == scan.0 {
                agree += 1;
            }
        }
        assert!(agree >= 495, "recall {agree}/500");
        assert!(
            compared / 500 < 6000 / 4,
            "compared {} per lookup",
            compared / 500
        );
    }

    #[test]
    fn removed_entries_are_never_returned_and_rebuilds_keep_the_rest() {
        let dim = 16;
        let data = synthetic_embeddings(3000, dim, 50, 9);
        let mut index = Hnsw::new(dim, Params::default(), 9);
        for (i, v) in data.iter().enumerate() {
            index.insert(i as u32, v);
        }
        // Its own vector finds it, until it is removed.
        assert_eq!(index.best_match(&data[10], 0.99).map(|m| m.0), Some(10));
        for i in 0..2500u32 {
            index.remove(i);
        }
        assert_eq!(index.len(), 500);
        for (i, v) in data.iter().enumerate() {
            let got = index.best_match(v, -1.0).unwrap();
            assert!(got.0 >= 2500, "removed entry {} returned for {i}", got.0);
            if i >= 2500 {
                assert_eq!(got.0, i as u32);
            }
        }
        // Replacing a vector under the same id.
        index.insert(2999, &data[0]);
        assert_eq!(index.len(), 500);
        assert_eq!(index.best_match(&data[0], 0.99).map(|m| m.0), Some(2999));
    }

    #[test]
    fn the_graph_is_a_function_of_the_seed() {
        let data = synthetic_embeddings(800, 8, 20, 3);
        let run = |seed| {
            let mut index = Hnsw::new(8, Params::default(), seed);
            for (i, v) in data.iter().enumerate() {
                index.insert(i as u32, v);
            }
            (index.links.clone(), index.top)
        };
        assert_eq!(run(1), run(1));
        assert_ne!(run(1), run(2));
    }

    #[test]
    fn floors_and_empty_indexes() {
        let mut index = Hnsw::new(2, Params::default(), 1);
        assert_eq!(index.best_match(&[1.0, 0.0], -1.0), None);
        index.insert(7, &[1.0, 0.0]);
        assert_eq!(index.best_match(&[0.0, 1.0], 0.5), None);
        assert_eq!(index.best_match(&[0.6, 0.8], 0.5), Some((7, 0.6)));
        assert_eq!(index.best_match(&[1.0], -1.0), None, "wrong length");
        index.remove(7);
        index.remove(7);
        assert!(index.is_empty());
        assert_eq!(index.best_match(&[1.0, 0.0], -1.0), None);
    }
}
