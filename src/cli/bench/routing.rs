//! `beast bench routing`: the arguments and the side-by-side figures of the
//! model-routing selectors.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use serde_json::{json, Value};

use super::{read_file, side_by_side, Common, Figure, Shown};
use crate::app::bench::Measured;
use crate::bench::models::Fleet;
use crate::bench::routing;
use crate::cli::Context;

#[derive(clap::Args)]
pub(super) struct RoutingArgs {
    #[command(flatten)]
    pub(super) common: Common,
    /// A JSON-lines request set of the same shape as data/routing.jsonl
    #[arg(long, value_name = "FILE")]
    pub(super) dataset: Option<PathBuf>,
    /// The selector whose figures become readings
    #[arg(long, value_name = "NAME", default_value = "rule-based", value_parser = ["rule-based", "learned", "provider-only"])]
    pub(super) record_selector: String,
    /// Generate the labelled request set from --seed into FILE and exit
    #[arg(long, value_name = "FILE", conflicts_with = "dataset")]
    pub(super) write_dataset: Option<PathBuf>,
    /// Rows to generate with --write-dataset
    #[arg(long, value_name = "N", default_value_t = routing::DATASET_ROWS, requires = "write_dataset")]
    pub(super) rows: usize,
}

pub(super) fn bench_routing(ctx: &Context, a: &RoutingArgs) -> Result<Shown> {
    let fleet = Fleet::built_in();
    let seed = a.common.seed;
    let (name, text) = match &a.dataset {
        Some(path) => (path.display().to_string(), read_file(path, "dataset")?),
        None => (
            "data/routing.jsonl".to_string(),
            routing::BUILT_IN.to_string(),
        ),
    };
    let requests = routing::parse_dataset(&name, &text, &fleet)?;
    let started = ctx.now;
    let clock = Instant::now();
    let results = routing::run(&fleet, &requests, &name, seed)?;
    let duration_ms = clock.elapsed().as_secs_f64() * 1000.0;
    let figures: Vec<Figure<routing::RunResult>> = vec![
        ("requests (held out)", Box::new(|r| r.requests.to_string())),
        ("correct", Box::new(|r| r.correct.to_string())),
        ("accuracy", Box::new(|r| format!("{:.1}%", r.accuracy))),
        (
            "cost savings vs provider",
            Box::new(|r| format!("{:.1}%", r.cost_savings)),
        ),
        (
            "cost per request",
            Box::new(|r| format!("${:.6}", r.cost_per_request)),
        ),
        (
            "error rate after fallback",
            Box::new(|r| format!("{:.2}%", r.error_rate)),
        ),
        (
            "served below quality bar",
            Box::new(|r| format!("{:.1}%", r.quality_miss_rate)),
        ),
        (
            "selection p50 / p95 / p99",
            Box::new(|r| {
                format!(
                    "{:.2} / {:.2} / {:.2} µs",
                    r.latency_p50_us, r.latency_p95_us, r.latency_p99_us
                )
            }),
        ),
        (
            "decisions per second",
            Box::new(|r| format!("{:.0}", r.decisions_per_sec)),
        ),
    ];
    let table = side_by_side(&results, figures);
    let chosen = results
        .iter()
        .find(|r| r.selector == a.record_selector)
        .expect("every selector runs");
    let recorded = Some((chosen.selector.clone(), chosen.readings()));
    let (train, test) = (results[0].config.train_rows, results[0].config.test_rows);
    let runs: Vec<Value> = results
        .iter()
        .map(|r| serde_json::to_value(r).expect("serialisable"))
        .collect();
    let headers: Vec<String> = results.iter().map(|r| r.selector.clone()).collect();
    Ok(Shown {
        measured: Measured {
            kind: "routing",
            seed: Some(seed),
            workload: name.clone(),
            params: json!(headers),
            results: Value::Array(runs.clone()),
            recorded,
            note: None,
            started,
            duration_ms,
        },
        runs,
        headers,
        table,
        notes: vec![
            format!("dataset: {name}; the learned selector trains on {train} rows, every selector is scored on the other {test}"),
            "quality, costs and failure rates are modelled (data/models.toml); selection latency is measured".into(),
        ],
    })
}
