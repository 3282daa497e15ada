//! `beast bench cache|routing|all|runs` — measure the roadmap's cache and
//! routing metrics on a reproducible workload and record them as readings
//! tied to a stored benchmark run.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use comfy_table::{presets, CellAlignment, ContentArrangement, Table};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{json, Value};

use super::Context;
use crate::app::{self, bench::Measured};
use crate::bench::cache::{self, Config, DEFAULT_THRESHOLD};
use crate::bench::models::Fleet;
use crate::bench::routing;
use crate::bench::workload::{self, Spec, Workload};
use crate::bench::{Progress, DEFAULT_SEED};
use crate::domain::catalog::fmt_number;
use crate::domain::catalog::significant;
use crate::error;

/// Measure cache and routing metrics on a reproducible workload and record them
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(clap::Subcommand)]
enum What {
    /// The multi-tier semantic cache: hit rates, false hits, lookup latency
    #[command(after_help = "Examples:
  beast bench cache                                 four configurations side by side
  beast bench cache --tiers 1 --exact-only --no-ttl --no-warm
  beast bench cache --thresholds 0.75,0.8,0.85,0.9,0.95   the threshold trade-off
  beast bench cache --trace requests.jsonl          your own traffic")]
    Cache(CacheArgs),
    /// Model routing: selection accuracy, cost savings, error rate, latency
    #[command(after_help = "Examples:
  beast bench routing                               three selectors side by side
  beast bench routing --dataset my-requests.jsonl
  beast bench routing --record-selector learned")]
    Routing(RoutingArgs),
    /// Both benchmarks on their defaults
    All(Common),
    /// List stored benchmark runs
    Runs {
        /// How many runs to list
        #[arg(long, default_value_t = 10, value_name = "N")]
        limit: usize,
    },
}

#[derive(clap::Args, Clone)]
struct Common {
    /// Seed of the workload and simulations; same seed, same counts and rates
    #[arg(long, default_value_t = DEFAULT_SEED, value_name = "N")]
    seed: u64,
    /// Print the results as JSON: {"runs": [...], "recorded": ...}
    #[arg(long)]
    json: bool,
    /// Do not write the results as metric readings
    #[arg(long)]
    no_record: bool,
}

#[derive(clap::Args)]
struct CacheArgs {
    #[command(flatten)]
    common: Common,
    /// Replay a JSON-lines trace: {"t": <seconds>, "prompt": "…", "intent": "…"}
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// Size of the built-in workload (requests, history included)
    #[arg(long, value_name = "N", conflicts_with = "trace")]
    requests: Option<usize>,
    /// Custom configuration: number of tiers
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=3))]
    tiers: Option<u8>,
    /// Custom configuration: L1 capacity in entries
    #[arg(long, value_name = "N")]
    l1_capacity: Option<usize>,
    /// Custom configuration: exact matching only
    #[arg(long, conflicts_with_all = ["threshold", "thresholds"])]
    exact_only: bool,
    /// Custom configuration: semantic similarity threshold, 0–1
    #[arg(long, value_name = "X")]
    threshold: Option<f32>,
    /// Compare these thresholds side by side (records nothing)
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        conflicts_with = "threshold"
    )]
    thresholds: Vec<f32>,
    /// Custom configuration: entries never expire
    #[arg(long)]
    no_ttl: bool,
    /// Custom configuration: no cache warming
    #[arg(long)]
    no_warm: bool,
}

#[derive(clap::Args)]
struct RoutingArgs {
    #[command(flatten)]
    common: Common,
    /// A JSON-lines request set of the same shape as data/routing.jsonl
    #[arg(long, value_name = "FILE")]
    dataset: Option<PathBuf>,
    /// The selector whose figures become readings
    #[arg(long, value_name = "NAME", default_value = "rule-based", value_parser = ["rule-based", "learned", "provider-only"])]
    record_selector: String,
    /// Generate the labelled request set from --seed into FILE and exit
    #[arg(long, value_name = "FILE", conflicts_with = "dataset")]
    write_dataset: Option<PathBuf>,
    /// Rows to generate with --write-dataset
    #[arg(long, value_name = "N", default_value_t = routing::DATASET_ROWS, requires = "write_dataset")]
    rows: usize,
}

/// An indicatif bar on stderr when it is a terminal; nothing otherwise. It is
/// attached to the terminal only while a configuration runs, so nothing is
/// drawn before the first one starts or between them.
struct Bar {
    bar: ProgressBar,
    terminal: bool,
}

impl Bar {
    fn new() -> Bar {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{prefix:>28} [{bar:30}] {pos}/{len} requests")
                .expect("valid template")
                .progress_chars("=> "),
        );
        Bar {
            bar,
            terminal: std::io::stderr().is_terminal(),
        }
    }
}

impl Progress for Bar {
    fn start(&self, label: &str, total: u64) {
        self.bar.reset();
        self.bar.set_length(total);
        self.bar.set_prefix(label.to_string());
        if self.terminal {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
    fn advance(&self, by: u64) {
        self.bar.inc(by);
    }
    fn finish(&self) {
        self.bar.finish_and_clear();
        self.bar.set_draw_target(ProgressDrawTarget::hidden());
    }
}

fn read_file(path: &std::path::Path, what: &str) -> Result<String> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(t),
        Err(e) => error::input(format!(
            "cannot read {what} {}: {e}; check the path",
            path.display()
        )),
    }
}

fn check_threshold(x: f32) -> Result<f32> {
    if x.is_finite() && x > 0.0 && x <= 1.0 {
        Ok(x)
    } else {
        error::input(format!(
            "threshold {x} must be a number above 0 and at most 1, e.g. 0.85"
        ))
    }
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Result<()> {
    match args.what {
        What::Cache(a) => {
            let c = a.common.clone();
            let report = bench_cache(ctx, &a)?;
            finish(ctx, &c, vec![report], out)
        }
        What::Routing(a) => {
            if let Some(path) = &a.write_dataset {
                return write_dataset(path, a.common.seed, a.rows, out);
            }
            let c = a.common.clone();
            let report = bench_routing(ctx, &a)?;
            finish(ctx, &c, vec![report], out)
        }
        What::All(c) => {
            let cache_args = CacheArgs {
                common: c.clone(),
                trace: None,
                requests: None,
                tiers: None,
                l1_capacity: None,
                exact_only: false,
                threshold: None,
                thresholds: Vec::new(),
                no_ttl: false,
                no_warm: false,
            };
            let routing_args = RoutingArgs {
                common: c.clone(),
                dataset: None,
                record_selector: "rule-based".into(),
                write_dataset: None,
                rows: routing::DATASET_ROWS,
            };
            let reports = vec![
                bench_cache(ctx, &cache_args)?,
                bench_routing(ctx, &routing_args)?,
            ];
            finish(ctx, &c, reports, out)
        }
        What::Runs { limit } => list_runs(ctx, limit, out),
    }
}

/// One benchmark's results as printed: the figures to record, and the
/// side-by-side table and notes for people.
struct Shown {
    measured: Measured,
    /// Each configuration's figures, as JSON objects.
    runs: Vec<Value>,
    /// Rows of the side-by-side table: (figure, value per configuration).
    table: Vec<(String, Vec<String>)>,
    headers: Vec<String>,
    notes: Vec<String>,
}

/// A row of the results table: its label and how to render it for one configuration.
type Figure<R> = (&'static str, Box<dyn Fn(&R) -> String>);

/// Renders every figure for every configuration, for the side-by-side table.
fn side_by_side<R>(results: &[R], figures: Vec<Figure<R>>) -> Vec<(String, Vec<String>)> {
    figures
        .iter()
        .map(|(label, cell)| (label.to_string(), results.iter().map(cell).collect()))
        .collect()
}

fn custom_config(a: &CacheArgs, spec: &Spec) -> Result<Option<Config>> {
    let custom = a.tiers.is_some()
        || a.l1_capacity.is_some()
        || a.exact_only
        || a.threshold.is_some()
        || a.no_ttl
        || a.no_warm;
    if !custom && a.thresholds.is_empty() {
        return Ok(None);
    }
    let tiers = a.tiers.unwrap_or(3);
    let l1_capacity = a.l1_capacity.unwrap_or(spec.l1_capacity);
    if l1_capacity == 0 {
        return error::input("--l1-capacity must be at least 1");
    }
    let threshold = match a.threshold {
        Some(x) => Some(check_threshold(x)?),
        None if a.exact_only => None,
        None => Some(DEFAULT_THRESHOLD),
    };
    let mut name = format!("{tiers} tier{}", if tiers == 1 { "" } else { "s" });
    match threshold {
        Some(t) => name.push_str(&format!(", semantic {t}")),
        None => name.push_str(", exact"),
    }
    if a.no_ttl {
        name.push_str(", no TTL");
    }
    if !a.no_warm {
        name.push_str(", warmed");
    }
    Ok(Some(Config {
        name,
        tiers,
        l1_capacity,
        semantic: threshold.is_some(),
        threshold,
        ttl: !a.no_ttl,
        warm: !a.no_warm,
    }))
}

fn bench_cache(ctx: &Context, a: &CacheArgs) -> Result<Shown> {
    let mut spec = Spec::built_in();
    let fleet = Fleet::built_in();
    let seed = a.common.seed;
    let workload: Workload = match &a.trace {
        Some(path) => {
            let text = read_file(path, "trace")?;
            workload::parse_trace(&path.display().to_string(), &text, &spec)?
        }
        None => {
            if let Some(n) = a.requests {
                if n < 100 {
                    return error::input("--requests must be at least 100");
                }
                spec.requests = n;
            }
            workload::generate(&spec, seed)
        }
    };
    let mut configs = match custom_config(a, &spec)? {
        Some(c) => vec![c],
        None => Config::defaults(spec.l1_capacity),
    };
    if !a.thresholds.is_empty() {
        let base = configs[0].clone();
        configs = a
            .thresholds
            .iter()
            .map(|t| {
                let t = check_threshold(*t)?;
                Ok(Config {
                    name: format!("threshold {t}"),
                    threshold: Some(t),
                    semantic: true,
                    ..base.clone()
                })
            })
            .collect::<Result<_>>()?;
    }
    let started = ctx.now;
    let clock = Instant::now();
    let bar = Bar::new();
    let results: Vec<cache::RunResult> = configs
        .iter()
        .map(|c| cache::run(c, &workload, &spec, &fleet, seed, &bar))
        .collect::<Result<_>>()?;
    let duration_ms = clock.elapsed().as_secs_f64() * 1000.0;
    let f = |v: f64, places: usize| format!("{v:.places$}");
    let figures: Vec<Figure<cache::RunResult>> = vec![
        ("requests", Box::new(|r| r.requests.to_string())),
        ("hits", Box::new(|r| r.hits.to_string())),
        (
            "hit rate",
            Box::new(move |r| format!("{}%", f(r.hit_rate, 1))),
        ),
        ("exact hits", Box::new(|r| r.exact_hits.to_string())),
        ("semantic hits", Box::new(|r| r.semantic_hits.to_string())),
        (
            "false hits",
            Box::new(|r| r.false_hits.map_or("unknown".into(), |n| n.to_string())),
        ),
        (
            "hits L1 / L2 / L3",
            Box::new(|r| format!("{} / {} / {}", r.hits_l1, r.hits_l2, r.hits_l3)),
        ),
        (
            "lookup p50 / p95 / p99",
            Box::new(move |r| {
                format!(
                    "{} / {} / {} µs",
                    f(r.lookup_p50_us, 1),
                    f(r.lookup_p95_us, 1),
                    f(r.lookup_p99_us, 1)
                )
            }),
        ),
        (
            "lookups per second",
            Box::new(|r| format!("{:.0}", r.lookups_per_sec)),
        ),
        (
            "end-to-end p95 (modelled)",
            Box::new(move |r| format!("{} ms", f(r.e2e_p95_ms_modelled, 1))),
        ),
        ("warming calls", Box::new(|r| r.warm_calls.to_string())),
        (
            "model cost saved",
            Box::new(move |r| format!("${} ({}%)", f(r.cost_saved_usd, 2), f(r.cost_saved_pct, 1))),
        ),
    ];
    let table = side_by_side(&results, figures);
    // The last configuration (or the custom one) is what gets recorded; a
    // threshold sweep only compares.
    let recorded = if a.thresholds.is_empty() {
        let r = results.last().expect("at least one configuration");
        Some((r.config.name.clone(), r.readings()))
    } else {
        None
    };
    let mut notes = vec![format!(
        "workload: {}; {} history requests fit the vectoriser and pick warming targets, {} measured",
        workload.description,
        workload.history.len(),
        workload.window.len()
    )];
    notes.push(format!(
        "lookup latency is measured (L1 and L2 in memory, L3 a SQLite file); L2's {} ms network round trip and the model latency on misses are modelled (data/models.toml)",
        fmt_number(fleet.cache.l2_latency_ms)
    ));
    if !a.thresholds.is_empty() {
        notes.push("threshold comparison: nothing recorded".into());
    }
    let runs: Vec<Value> = results
        .iter()
        .map(|r| serde_json::to_value(r).expect("serialisable"))
        .collect();
    let headers: Vec<String> = results.iter().map(|r| r.config.name.clone()).collect();
    Ok(Shown {
        measured: Measured {
            kind: "cache",
            seed: a.trace.is_none().then_some(seed),
            workload: workload.description.clone(),
            params: json!(headers),
            results: Value::Array(runs.clone()),
            recorded,
            started,
            duration_ms,
        },
        runs,
        headers,
        table,
        notes,
    })
}

fn bench_routing(ctx: &Context, a: &RoutingArgs) -> Result<Shown> {
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

/// Prints the results and, unless told not to, records each as a run with its readings.
fn finish(ctx: &Context, common: &Common, shown: Vec<Shown>, out: &mut dyn Write) -> Result<()> {
    let mut recorded_json = Vec::new();
    let mut recorded_lines = Vec::new();
    if !common.no_record && shown.iter().any(|o| o.measured.recorded.is_some()) {
        let (catalog, _) = ctx.load_roadmap()?;
        let mut history = ctx.open_history()?;
        let measured: Vec<&Measured> = shown.iter().map(|o| &o.measured).collect();
        let runs = app::bench::record(&mut history, &catalog, &measured, &ctx.stamp())?;
        for run in runs {
            let mut written = serde_json::Map::new();
            let mut parts = Vec::new();
            for (metric, value) in &run.readings {
                written.insert(metric.clone(), json!(value));
                if let Some(def) = catalog.get(metric) {
                    parts.push(format!(
                        "{metric} {}",
                        def.format_value(significant(*value, 4))
                    ));
                }
            }
            recorded_json.push(json!({"run_id": run.run.to_string(), "run": run.run.short(), "kind": run.kind, "config": run.config, "readings": written}));
            recorded_lines.push(format!(
                "Recorded run {} ({}, {}): {}",
                run.run.short(),
                run.kind,
                run.config,
                parts.join(", ")
            ));
        }
    }
    let outcomes = shown;
    if common.json {
        let runs: Vec<Value> = outcomes
            .iter()
            .flat_map(|o| {
                o.runs.iter().map(move |r| {
                    let mut r = r.clone();
                    r["benchmark"] = json!(o.measured.kind);
                    r["workload"] = json!(o.measured.workload);
                    r
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &json!({"runs": runs, "recorded": recorded_json}))?;
        writeln!(out)?;
        return Ok(());
    }
    for o in &outcomes {
        let mut t = Table::new();
        t.load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        let mut header = vec![format!("{} benchmark", o.measured.kind)];
        header.extend(o.headers.iter().cloned());
        t.set_header(header);
        for (label, cells) in &o.table {
            let mut row = vec![label.clone()];
            row.extend(cells.iter().cloned());
            t.add_row(row);
        }
        for i in 1..=o.headers.len() {
            if let Some(c) = t.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        writeln!(out, "{t}")?;
        for n in &o.notes {
            writeln!(out, "  {n}")?;
        }
        writeln!(out, "  ran in {:.1} s\n", o.measured.duration_ms / 1000.0)?;
    }
    for l in recorded_lines {
        writeln!(out, "{l}")?;
    }
    if common.no_record {
        writeln!(out, "Nothing recorded (--no-record).")?;
    }
    Ok(())
}

fn write_dataset(
    path: &std::path::Path,
    seed: u64,
    rows: usize,
    out: &mut dyn Write,
) -> Result<()> {
    if rows < 10 {
        return error::input("--rows must be at least 10");
    }
    let data = routing::to_jsonl(&routing::generate(&Fleet::built_in(), seed, rows));
    if let Err(e) = std::fs::write(path, data) {
        return error::input(format!(
            "cannot write {}: {e}; choose a writable path",
            path.display()
        ));
    }
    writeln!(
        out,
        "wrote {rows} labelled requests to {} (seed {seed})",
        path.display()
    )?;
    Ok(())
}

fn list_runs(ctx: &Context, limit: usize, out: &mut dyn Write) -> Result<()> {
    let mut history = ctx.open_history()?;
    let runs = history.store().read(|r| r.bench_runs(limit))?;
    if runs.is_empty() {
        writeln!(out, "no benchmark runs yet; run one with: beast bench all")?;
        return Ok(());
    }
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(vec![
        "Run", "Kind", "Started", "Seed", "Workload", "Recorded", "Duration",
    ]);
    for r in runs {
        let id = r
            .event_id
            .parse::<crate::domain::event::EventId>()
            .map_or_else(|_| r.event_id.clone(), |i| i.short());
        let state = if r.retracted_at.is_some() {
            " (retracted)"
        } else {
            ""
        };
        t.add_row(vec![
            format!("{id}{state}"),
            r.kind,
            r.started_at,
            r.seed.map_or("—".into(), |s| s.to_string()),
            r.workload,
            r.recorded,
            format!("{:.1} s", r.duration_ms / 1000.0),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}
