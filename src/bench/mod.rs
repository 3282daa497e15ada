//! Built-in benchmarks that measure the roadmap's metrics instead of taking
//! them on faith: a model of the multi-tier semantic cache the seeds describe,
//! and the model-routing selectors, each run on a reproducible workload.
//!
//! - [`workload`]: the cache's request stream (generated, or a user's trace);
//! - [`text`]: prompt normalisation, TF-IDF vectors and their exact index;
//! - [`matcher`]: the semantic matchers (TF-IDF, sentence embeddings), with
//!   [`hnsw`], the dense index, and `bert`, the model (feature `embedding`);
//! - [`cache`]: the L1/L2/L3 cache and its benchmark;
//! - [`models`]: the modelled model fleet of `data/models.toml`;
//! - [`routing`]: the labelled request set, the selectors and their benchmark;
//! - [`rng`], [`stats`]: seeded randomness and latency percentiles.

#[cfg(feature = "embedding")]
pub mod bert;
pub mod cache;
pub mod calibrate;
pub mod embed_cache;
pub mod hnsw;
pub mod int8;
pub mod lru;
pub mod matcher;
pub mod models;
pub mod paraphrase;
pub mod rng;
pub mod routing;
pub mod stats;
pub mod text;
pub mod workload;

/// The default seed of every benchmark: runs are reproducible without flags.
pub const DEFAULT_SEED: u64 = 7;

/// Reports how far a long-running benchmark has got (a progress bar on a
/// terminal, nothing otherwise). Called outside the timed sections.
pub trait Progress {
    fn start(&self, label: &str, total: u64);
    fn advance(&self, by: u64);
    fn finish(&self);
}

/// A progress sink that shows nothing, for tests and non-terminals.
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// Where a CSV row went wrong and what was wrong with it, in words for a
/// one-line error: the line, and e.g. "2 fields where the header has 3".
pub(crate) fn csv_row_error(e: &csv::Error) -> (u64, String) {
    let line = e.position().map_or(0, |p| p.line());
    let what = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "text that is not UTF-8".to_string(),
        _ => e.to_string(),
    };
    (line, what)
}
