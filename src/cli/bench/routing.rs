//! `beast bench routing`: routers scored on real models' recorded answers
//! (RouteLLM's MMLU built in, or `--outcomes` files), or, with `--modelled`,
//! the three selectors of the seeds on the modelled fleet.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use serde_json::{json, Value};

use super::{read_file, side_by_side, Common, Figure, Shown};
use crate::app::bench::Measured;
use crate::bench::models::Fleet;
use crate::bench::routing::outcomes::{self, Outcomes};
use crate::bench::routing::recorded;
use crate::bench::routing::{self as routing};
use crate::cli::Context;
use crate::error;

#[derive(clap::Args)]
pub(super) struct RoutingArgs {
    #[command(flatten)]
    pub(super) common: Common,
    /// Recorded outcomes to route on, as published: RouteLLM's per-benchmark
    /// CSV (prompt, True/False per model) or RouterBench's (sample_id, prompt,
    /// eval_name, a score and a |total_cost per model); repeat for several
    /// files of the same models
    #[arg(long, value_name = "FILE", conflicts_with_all = ["modelled", "dataset"])]
    pub(super) outcomes: Vec<PathBuf>,
    /// Prompts to leave out, as RouteLLM's contaminated_prompts.jsonl lists them
    #[arg(long, value_name = "FILE", requires = "outcomes")]
    pub(super) exclude: Option<PathBuf>,
    /// The cheaper model routed from (default: the cheapest, else the least accurate)
    #[arg(long, value_name = "MODEL")]
    pub(super) weak: Option<String>,
    /// The better model routed to (default: the most accurate other)
    #[arg(long, value_name = "MODEL")]
    pub(super) strong: Option<String>,
    /// Seeded train/test splits to average over
    #[arg(long, value_name = "N", default_value_t = recorded::DEFAULT_SPLITS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=50))]
    pub(super) splits: usize,
    /// The modelled fleet (data/models.toml) and its generated requests instead of recorded answers
    #[arg(long)]
    pub(super) modelled: bool,
    /// With --modelled: a JSON-lines request set of the same shape as data/routing.jsonl
    #[arg(long, value_name = "FILE")]
    pub(super) dataset: Option<PathBuf>,
    /// With --modelled: the selector whose figures become readings
    #[arg(long, value_name = "NAME", default_value = "rule-based", value_parser = ["rule-based", "learned", "provider-only"])]
    pub(super) record_selector: String,
    /// Generate the modelled request set from --seed into FILE and exit
    #[arg(long, value_name = "FILE", conflicts_with = "dataset")]
    pub(super) write_dataset: Option<PathBuf>,
    /// Rows to generate with --write-dataset
    #[arg(long, value_name = "N", default_value_t = routing::DATASET_ROWS, requires = "write_dataset")]
    pub(super) rows: usize,
}

impl RoutingArgs {
    /// The default run: the built-in recorded outcomes.
    pub(super) fn defaults(common: Common) -> RoutingArgs {
        RoutingArgs {
            common,
            outcomes: Vec::new(),
            exclude: None,
            weak: None,
            strong: None,
            splits: recorded::DEFAULT_SPLITS,
            modelled: false,
            dataset: None,
            record_selector: "rule-based".into(),
            write_dataset: None,
            rows: routing::DATASET_ROWS,
        }
    }
}

pub(super) fn bench_routing(ctx: &Context, a: &RoutingArgs) -> Result<Shown> {
    if a.modelled || a.dataset.is_some() {
        return bench_modelled(ctx, a);
    }
    let set = if a.outcomes.is_empty() {
        Outcomes::built_in()?
    } else {
        let mut sets = Vec::new();
        for path in &a.outcomes {
            let shown = path.display().to_string();
            sets.push(outcomes::parse(&shown, &read_file(path, "--outcomes")?)?);
        }
        let mut set = Outcomes::merge(sets)?;
        if let Some(path) = &a.exclude {
            let shown = path.display().to_string();
            set.exclude(&outcomes::contaminated(
                &read_file(path, "--exclude")?,
                &shown,
            )?);
        }
        set
    };
    let started = ctx.now;
    let clock = Instant::now();
    let report = recorded::run(
        &set,
        &recorded::Config {
            seed: a.common.seed,
            splits: a.splits,
            weak: a.weak.clone(),
            strong: a.strong.clone(),
        },
    )?;
    let duration_ms = clock.elapsed().as_secs_f64() * 1000.0;
    let costs = report.dataset.costs;
    let pct = |x: Option<f64>| x.map_or("—".to_string(), |v| format!("{:.1}%", v * 100.0));
    let num = |x: Option<f64>| x.map_or("—".to_string(), |v| format!("{v:.3}"));
    // Routers are rows here: there are more of them than figures.
    let headers: Vec<String> = [
        "APGR (min–max)",
        "CPT(50%)",
        "CPT(80%)",
        "accuracy",
        "strong calls",
        if costs { "$ per prompt" } else { "right model" },
    ]
    .map(String::from)
    .to_vec();
    let table: Vec<(String, Vec<String>)> = report
        .routers
        .iter()
        .map(|r| {
            let apgr = match (r.apgr, r.apgr_min, r.apgr_max) {
                (Some(m), Some(lo), Some(hi)) => format!("{m:.3} ({lo:.3}–{hi:.3})"),
                _ => "—".into(),
            };
            let last = if costs {
                r.cost_per_prompt.map_or("—".into(), |c| format!("${c:.5}"))
            } else {
                pct(Some(r.right_model).filter(|v| !v.is_nan()))
            };
            (
                short(&r.name),
                vec![
                    apgr,
                    pct(r.cpt_50),
                    pct(r.cpt_80),
                    format!("{:.1}%", r.accuracy * 100.0),
                    pct(r.strong_share),
                    last,
                ],
            )
        })
        .collect();
    let best = report
        .routers
        .iter()
        .filter(|r| r.learned)
        .max_by(|a, b| a.apgr.unwrap_or(0.0).total_cmp(&b.apgr.unwrap_or(0.0)))
        .expect("learned routers run");
    let models: Vec<String> = report
        .models
        .iter()
        .map(|m| match m.cost {
            Some(c) => format!("{} {:.1}% (${c:.4})", m.name, m.accuracy * 100.0),
            None => format!("{} {:.1}%", m.name, m.accuracy * 100.0),
        })
        .collect();
    let d = &report.dataset;
    let mut notes = vec![
        format!(
            "dataset: {}; {} prompts{}; models (accuracy{}): {}",
            d.name,
            d.prompts,
            match d.excluded_contaminated {
                0 => String::new(),
                n => format!(" ({n} contaminated left out)"),
            },
            if costs { ", total cost" } else { "" },
            models.join(", ")
        ),
        format!(
            "routing {} → {}; {} seeded splits (seed {}): each trains on {} prompts and is scored on the other {}",
            d.weak, d.strong, report.splits, report.seed, report.train_prompts, report.test_prompts
        ),
        format!(
            "accuracy, strong calls and {} at each router's threshold for {:.0}% of the gap, calibrated on training prompts; best learned router: {} (APGR {})",
            if costs { "cost" } else { "right model" },
            recorded::OPERATING_GAP * 100.0,
            best.name,
            num(best.apgr)
        ),
        format!(
            "the learned router decides in {:.0} µs (p50), {:.0} µs (p95)",
            report.decision_p50_us, report.decision_p95_us
        ),
    ];
    if !costs {
        notes.push("cost savings count strong-model calls avoided: the file has no prices".into());
    }
    let note = format!(
        "{}; learned router at {:.0}% of the gap{}",
        d.name,
        recorded::OPERATING_GAP * 100.0,
        if costs {
            ""
        } else {
            "; savings are strong calls avoided"
        }
    );
    let readings = report.readings();
    let value = serde_json::to_value(&report).expect("serialisable");
    Ok(Shown {
        measured: Measured {
            kind: "routing",
            seed: Some(a.common.seed),
            // The built-in set is beast's reference workload (its readings
            // never stand for the team's own, see `is_reference_workload`);
            // a team's own outcome files are a measurement.
            workload: if a.outcomes.is_empty() {
                format!("built-in ({})", outcomes::MMLU_SHORT)
            } else {
                d.name.clone()
            },
            params: json!({"weak": d.weak, "strong": d.strong, "splits": report.splits}),
            results: value.clone(),
            recorded: Some(("learned".to_string(), readings)),
            note: Some(note),
            started,
            duration_ms,
        },
        runs: vec![value.clone()],
        top: Some(value),
        headers,
        table,
        notes,
    })
}

/// A router's column header: a model's long name cut to its last part.
fn short(name: &str) -> String {
    match name.strip_suffix(" only") {
        Some(model) => format!("{} only", model.rsplit('/').next().unwrap_or(model)),
        None => name.to_string(),
    }
}

fn bench_modelled(ctx: &Context, a: &RoutingArgs) -> Result<Shown> {
    if !a.outcomes.is_empty() {
        return error::input("--outcomes and --modelled are two different runs; give one");
    }
    let fleet = Fleet::built_in();
    let seed = a.common.seed;
    let (name, text) = match &a.dataset {
        Some(path) => (path.display().to_string(), read_file(path, "--dataset")?),
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
            workload: format!("{name} (modelled)"),
            params: json!(headers),
            results: Value::Array(runs.clone()),
            recorded,
            note: Some("modelled fleet: quality, costs and failure rates are invented (data/models.toml)".into()),
            started,
            duration_ms,
        },
        runs,
        top: None,
        headers,
        table,
        notes: vec![
            format!("dataset: {name}; the learned selector trains on {train} rows, every selector is scored on the other {test}"),
            "MODELLED: quality, costs and failure rates are invented (data/models.toml), not measured; selection latency is measured. Without --modelled, routers are scored on real models' recorded answers".into(),
        ],
    })
}
