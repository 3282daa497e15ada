//! Scoring selectors on the held-out rows: accuracy, cost, error rate after
//! fallback, and selection latency.

use std::hint::black_box;
use std::time::Instant;

use anyhow::Result;
use serde::Serialize;

use super::{
    is_training_row, Features, Learned, ProviderOnly, RoutingRequest, RuleBased, Selector,
};
use crate::bench::models::Fleet;
use crate::bench::rng::Rng;
use crate::bench::stats::Samples;
use crate::error;

/// The figures of one selector on the test rows.
#[derive(Debug, Clone, Serialize)]
pub struct RunResult {
    pub config: RunConfig,
    pub selector: String,
    pub requests: u64,
    pub correct: u64,
    /// 0–100.
    pub accuracy: f64,
    /// Cost saved against provider-only on the same rows, 0–100.
    pub cost_savings: f64,
    pub cost_per_request: f64,
    /// Requests that failed even after fallback, 0–100.
    pub error_rate: f64,
    /// Requests served by a model whose quality is below the bar, 0–100.
    pub quality_miss_rate: f64,
    pub latency_p50_us: f64,
    pub latency_p95_us: f64,
    pub latency_p99_us: f64,
    pub decisions_per_sec: f64,
}

impl RunResult {
    /// The figures that become metric readings when this selector's run is
    /// recorded: (metric id, value in the metric's unit).
    pub fn readings(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("selectionAccuracy", self.accuracy),
            ("costSavings", self.cost_savings),
            ("costPerRequest", self.cost_per_request),
            ("errorRate", self.error_rate),
            ("selectionLatency", self.latency_p95_us / 1000.0),
        ]
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RunConfig {
    pub selector: String,
    pub dataset: String,
    pub train_rows: usize,
    pub test_rows: usize,
    pub seed: u64,
}

/// Serves a request: the selected model, then the fallback chain, each call
/// failing with its model's failure rate. The same request and model fail the
/// same way for every selector. Returns the serving model, if any.
fn serve(fleet: &Fleet, seed: u64, request: &RoutingRequest, selected: usize) -> Option<usize> {
    let mut tried = Vec::with_capacity(1 + fleet.fallback.len());
    for m in std::iter::once(selected).chain(fleet.fallback.iter().copied()) {
        if tried.contains(&m) {
            continue;
        }
        tried.push(m);
        let mut rng = Rng::derive(seed ^ (u64::from(request.row.id) << 20), m as u64 + 1);
        if !rng.chance(fleet.models[m].failure_rate) {
            return Some(m);
        }
    }
    None
}

/// Cost of serving `test` with a selector's choices (failed calls cost nothing).
pub(super) fn evaluate(
    fleet: &Fleet,
    seed: u64,
    test: &[&RoutingRequest],
    selector: &dyn Selector,
) -> (u64, f64, u64, u64, Samples) {
    let mut samples = Samples::with_capacity(test.len());
    let (mut correct, mut cost, mut errors, mut misses) = (0u64, 0.0f64, 0u64, 0u64);
    for r in test {
        let features = r.features();
        let began = Instant::now();
        let m = black_box(selector.select(black_box(features)));
        samples.push(began.elapsed().as_nanos() as u64);
        if m == r.label {
            correct += 1;
        }
        match serve(fleet, seed, r, m) {
            Some(served) => {
                cost += fleet.models[served].cost(r.row.tokens);
                if r.quality[served] < fleet.quality_bar {
                    misses += 1;
                }
            }
            None => errors += 1,
        }
    }
    (correct, cost, errors, misses, samples)
}

/// Decisions per second over the test rows, in a tight loop.
pub fn throughput(selector: &dyn Selector, test: &[&RoutingRequest]) -> f64 {
    let features: Vec<Features> = test.iter().map(|r| r.features()).collect();
    let mut decisions = 0u64;
    let began = Instant::now();
    while decisions < 200_000 || began.elapsed().as_secs_f64() < 0.05 {
        for f in &features {
            black_box(selector.select(black_box(*f)));
        }
        decisions += features.len() as u64;
        if began.elapsed().as_secs_f64() > 1.0 {
            break;
        }
    }
    decisions as f64 / began.elapsed().as_secs_f64()
}

/// Runs the three selectors on the same held-out rows.
pub fn run(
    fleet: &Fleet,
    requests: &[RoutingRequest],
    dataset: &str,
    seed: u64,
) -> Result<Vec<RunResult>> {
    let (train, test): (Vec<&RoutingRequest>, Vec<&RoutingRequest>) = requests
        .iter()
        .partition(|r| is_training_row(seed, r.row.id));
    if train.is_empty() || test.is_empty() {
        return error::input(format!(
            "{dataset}: too few rows to split into training and test rows"
        ));
    }
    let learned = Learned::train(&train);
    if test.iter().any(|r| learned.trained_on.contains(&r.row.id)) {
        return error::input("internal error: a test row was used for training");
    }
    let selectors: Vec<Box<dyn Selector>> = vec![
        Box::new(ProviderOnly::new(fleet)),
        Box::new(RuleBased::new(fleet)),
        Box::new(learned),
    ];
    let evaluations: Vec<_> = selectors
        .iter()
        .map(|s| evaluate(fleet, seed, &test, s.as_ref()))
        .collect();
    // Provider-only, evaluated above on the same rows, is the cost baseline.
    let baseline_cost = evaluations[0].1;
    let mut out = Vec::new();
    for (s, (correct, cost, errors, misses, samples)) in selectors.iter().zip(evaluations) {
        let n = test.len() as f64;
        let lat = samples.percentiles();
        out.push(RunResult {
            config: RunConfig {
                selector: s.name().to_string(),
                dataset: dataset.to_string(),
                train_rows: train.len(),
                test_rows: test.len(),
                seed,
            },
            selector: s.name().to_string(),
            requests: test.len() as u64,
            correct,
            accuracy: correct as f64 * 100.0 / n,
            cost_savings: if baseline_cost > 0.0 {
                (1.0 - cost / baseline_cost) * 100.0
            } else {
                0.0
            },
            cost_per_request: cost / n,
            error_rate: errors as f64 * 100.0 / n,
            quality_miss_rate: misses as f64 * 100.0 / n,
            latency_p50_us: lat.p50,
            latency_p95_us: lat.p95,
            latency_p99_us: lat.p99,
            decisions_per_sec: throughput(s.as_ref(), &test),
        });
    }
    Ok(out)
}
