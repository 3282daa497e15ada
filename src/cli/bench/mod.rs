//! `beast bench cache|paraphrase|routing|all|runs` — measure the roadmap's cache and
//! routing metrics on a reproducible workload and record them as readings
//! tied to a stored benchmark run.

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::rc::Rc;

use anyhow::Result;
use comfy_table::CellAlignment;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{json, Value};

use super::Context;
use crate::app::{self, bench::Measured};
use crate::bench::matcher::{Embeddings, Precision};
use crate::bench::models::Fleet;
use crate::bench::{Progress, DEFAULT_SEED};
use crate::domain::catalog::significant;
use crate::error;

mod cache;
mod paraphrase;
mod routing;

use cache::{bench_cache, CacheArgs};
use routing::{bench_routing, RoutingArgs};

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
    /// Model routing on real models' recorded answers: APGR, CPT, accuracy, cost
    #[command(after_help = "Examples:
  beast bench routing                               routers on RouteLLM's recorded MMLU answers
  beast bench routing --outcomes gsm8k_responses.csv   a RouteLLM or RouterBench file as published
  beast bench routing --outcomes routerbench_0shot.csv --weak gpt-3.5-turbo-1106 --strong gpt-4-1106-preview
  beast bench routing --modelled                    the seeds' selectors on the modelled fleet")]
    Routing(RoutingArgs),
    /// Each semantic matcher on labelled paraphrase pairs: public ones built in, or yours (records nothing)
    #[command(after_help = "Examples:
  beast bench paraphrase                            TF-IDF at five thresholds
  beast bench paraphrase --matcher tfidf,embedding --model models/all-MiniLM-L6-v2
  beast bench paraphrase --matcher embedding --max-false-rate 0.05
  beast bench paraphrase --pairs quora_duplicate_questions.tsv --limit 20000
  beast bench paraphrase --write-trace paraphrase.jsonl   replay it with bench cache --trace")]
    Paraphrase(paraphrase::ParaphraseArgs),
    /// Both benchmarks on their defaults
    All(Common),
    /// List stored benchmark runs
    Runs {
        /// How many runs to list
        #[arg(long, default_value_t = 10, value_name = "N")]
        limit: usize,
        /// Print the runs as JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args, Clone)]
pub(super) struct Common {
    /// Seed of the workload and simulations; same seed, same counts and rates
    #[arg(long, default_value_t = DEFAULT_SEED, value_name = "N")]
    pub(super) seed: u64,
    /// Print the results as JSON: {"runs": [...], "recorded": ...}
    #[arg(long)]
    pub(super) json: bool,
    /// Do not write the results as metric readings
    #[arg(long)]
    pub(super) no_record: bool,
    /// Print nothing on success (a CI step that only records)
    #[arg(short, long, conflicts_with = "json")]
    pub(super) quiet: bool,
}

/// An indicatif bar on stderr when it is a terminal; nothing otherwise. It is
/// attached to the terminal only while a configuration runs, so nothing is
/// drawn before the first one starts or between them.
pub(super) struct Bar {
    bar: ProgressBar,
    terminal: bool,
}

impl Bar {
    pub(super) fn new() -> Bar {
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

/// `--max-false-rate X`: a share strictly between 0 and 1.
pub(super) fn check_false_rate(x: Option<f64>) -> Result<Option<f64>> {
    match x {
        Some(x) if !(x.is_finite() && x > 0.0 && x < 1.0) => error::input(format!(
            "--max-false-rate {x} must be a share above 0 and below 1, e.g. 0.05"
        )),
        x => Ok(x),
    }
}

/// The embedding model a run shares: `--model`, else the project's
/// `embedding_model`.
pub(super) fn load_embeddings(
    ctx: &Context,
    model: Option<&std::path::Path>,
    precision: Precision,
) -> Result<Rc<RefCell<Embeddings>>> {
    let model = model
        .map(Path::to_path_buf)
        .or_else(|| ctx.embedding_model.clone());
    Ok(Rc::new(RefCell::new(Embeddings::load(
        model.as_deref(),
        precision,
    )?)))
}

/// What embedding the run's prompts cost, for the notes under a table.
pub(super) fn embedding_note(embeddings: &RefCell<Embeddings>, precision: Precision) -> String {
    let cost = embeddings.borrow().cost();
    let how = match precision.resolve() {
        Precision::Int8 => "int8, all cores",
        _ => "f32, all cores",
    };
    if cost.embedded == 0 && cost.from_cache > 0 {
        return format!(
            "embedding: the vectors of all {} distinct prompts came from the cache of earlier runs ({how})",
            cost.from_cache
        );
    }
    let cached = match cost.from_cache {
        0 => String::new(),
        n => format!("; {n} more from the cache of earlier runs"),
    };
    format!(
        "embedding: {} distinct prompts embedded once each in {:.1} s ({:.2} ms a prompt; {how}){cached}, before the timed lookups",
        cost.embedded,
        cost.embed_seconds,
        cost.embed_seconds * 1000.0 / cost.embedded.max(1) as f64
    )
}

pub(super) fn read_file(path: &std::path::Path, what: &str) -> Result<String> {
    crate::files::read_text(path, what).or_else(error::input)
}

pub(super) fn check_threshold(x: f32) -> Result<f32> {
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
                matcher: crate::bench::matcher::MatcherKind::Tfidf,
                model: None,
                precision: crate::bench::matcher::Precision::Auto,
                max_false_rate: None,
                no_ttl: false,
                no_warm: false,
            };
            let routing_args = RoutingArgs::defaults(c.clone());
            let reports = vec![
                bench_cache(ctx, &cache_args)?,
                bench_routing(ctx, &routing_args)?,
            ];
            finish(ctx, &c, reports, out)
        }
        What::Paraphrase(a) => paraphrase::run(ctx, &a, out),
        What::Runs { limit, json } => list_runs(ctx, limit, json, out),
    }
}

/// One benchmark's results as printed: the figures to record, and the
/// side-by-side table and notes for people.
pub(super) struct Shown {
    pub(super) measured: Measured,
    /// Each configuration's figures, as JSON objects.
    pub(super) runs: Vec<Value>,
    /// Keys that stand at the top of `--json` when this benchmark runs alone
    /// (routing's `dataset`, `models`, `routers`).
    pub(super) top: Option<Value>,
    /// Rows of the side-by-side table: (figure, value per configuration).
    pub(super) table: Vec<(String, Vec<String>)>,
    pub(super) headers: Vec<String>,
    pub(super) notes: Vec<String>,
}

/// A row of the results table: its label and how to render it for one configuration.
pub(super) type Figure<R> = (&'static str, Box<dyn Fn(&R) -> String>);

/// Renders every figure for every configuration, for the side-by-side table.
pub(super) fn side_by_side<R>(
    results: &[R],
    figures: Vec<Figure<R>>,
) -> Vec<(String, Vec<String>)> {
    figures
        .iter()
        .map(|(label, cell)| (label.to_string(), results.iter().map(cell).collect()))
        .collect()
}

/// Prints the results and, unless told not to, records each as a run with its readings.
fn finish(ctx: &Context, common: &Common, shown: Vec<Shown>, out: &mut dyn Write) -> Result<()> {
    let mut recorded_json = Vec::new();
    let mut recorded_lines = Vec::new();
    if !common.no_record && shown.iter().any(|o| o.measured.recorded.is_some()) {
        let (catalog, _) = ctx.load_roadmap()?;
        let mut history = ctx.open_history()?;
        let measured: Vec<&Measured> = shown.iter().map(|o| &o.measured).collect();
        let runs = app::bench::record(&mut history, catalog, &measured, &ctx.stamp())?;
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
    if common.quiet {
        return Ok(());
    }
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
        let mut whole = json!({"runs": runs, "recorded": recorded_json});
        if let [only] = outcomes.as_slice() {
            if let Some(Value::Object(top)) = &only.top {
                for (k, v) in top {
                    whole[k] = v.clone();
                }
            }
        }
        serde_json::to_writer_pretty(&mut *out, &whole)?;
        writeln!(out)?;
        return Ok(());
    }
    for o in &outcomes {
        let mut t = crate::cli::table();
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
    if rows > cache::MAX_REQUESTS {
        return error::input(format!(
            "--rows {rows} is more than {}",
            cache::MAX_REQUESTS
        ));
    }
    if rows < 10 {
        return error::input("--rows must be at least 10");
    }
    let data = crate::bench::routing::to_jsonl(&crate::bench::routing::generate(
        &Fleet::built_in(),
        seed,
        rows,
    ));
    crate::cli::report::write_atomically(path, data.as_bytes())?;
    writeln!(
        out,
        "wrote {rows} labelled requests to {} (seed {seed})",
        path.display()
    )?;
    Ok(())
}

fn list_runs(ctx: &Context, limit: usize, json: bool, out: &mut dyn Write) -> Result<()> {
    let mut history = ctx.open_history()?;
    let runs = history.store().read(|r| r.bench_runs(limit))?;
    if json {
        let rows: Vec<Value> = runs
            .iter()
            .map(|r| {
                json!({
                    "id": r.event_id, "kind": r.kind, "started_at": r.started_at, "seed": r.seed,
                    "workload": r.workload, "recorded": r.recorded, "duration_ms": r.duration_ms,
                    "retracted": r.retracted_at.is_some(),
                    "results": serde_json::from_str::<Value>(&r.results).unwrap_or(Value::Null),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &json!({ "runs": rows }))?;
        writeln!(out)?;
        return Ok(());
    }
    if runs.is_empty() {
        writeln!(out, "no benchmark runs yet; run one with: beast bench all")?;
        return Ok(());
    }
    let mut t = crate::cli::table();
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
