//! `beast bench cache`: the arguments, the configurations they describe, and
//! the side-by-side figures of the multi-tier semantic cache.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use serde_json::{json, Value};

use super::{
    check_false_rate, check_threshold, embedding_note, load_embeddings, read_file, side_by_side,
    Bar, Common, Figure, Shown,
};
use crate::app::bench::Measured;
use crate::bench::cache::{self, Config};
use crate::bench::matcher::{MatcherKind, MatcherSetup, Precision};
use crate::bench::models::Fleet;
use crate::bench::workload::{self, Spec, Workload};
use crate::cli::Context;
use crate::domain::catalog::fmt_number;
use crate::error;

/// The most requests (and cache entries) the built-in workload is generated
/// with: a bound on memory, not on usefulness (10M requests ≈ 2 GiB).
pub(super) const MAX_REQUESTS: usize = 10_000_000;

#[derive(clap::Args)]
pub(super) struct CacheArgs {
    #[command(flatten)]
    pub(super) common: Common,
    /// Replay a JSON-lines trace: {"t": <seconds>, "prompt": "…", "intent": "…"}
    #[arg(long, value_name = "FILE")]
    pub(super) trace: Option<PathBuf>,
    /// Size of the built-in workload (requests, history included)
    #[arg(long, value_name = "N", conflicts_with = "trace")]
    pub(super) requests: Option<usize>,
    /// Custom configuration: number of tiers
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=3))]
    pub(super) tiers: Option<u8>,
    /// Custom configuration: L1 capacity in entries
    #[arg(long, value_name = "N")]
    pub(super) l1_capacity: Option<usize>,
    /// Custom configuration: exact matching only
    #[arg(long, conflicts_with_all = ["threshold", "thresholds"])]
    pub(super) exact_only: bool,
    /// Custom configuration: semantic similarity threshold, 0–1
    #[arg(long, value_name = "X")]
    pub(super) threshold: Option<f32>,
    /// Compare these thresholds side by side (records nothing)
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        conflicts_with = "threshold"
    )]
    pub(super) thresholds: Vec<f32>,
    /// What judges similarity: tfidf (built in) or embedding (a sentence-embedding model)
    #[arg(long, value_enum, default_value_t = MatcherKind::Tfidf)]
    pub(super) matcher: MatcherKind,
    /// The embedding model directory (config.json, tokenizer.json, model.safetensors)
    /// [default: embedding_model in .beast/config.toml]
    #[arg(long, value_name = "DIR", env = "BEAST_EMBEDDING_MODEL")]
    pub(super) model: Option<PathBuf>,
    /// The embedding model's arithmetic: f32 (its own weights) or int8 (faster)
    #[arg(long, value_enum, default_value_t = Precision::Auto)]
    pub(super) precision: Precision,
    /// Learn each semantic configuration's threshold so that at most this share
    /// of hits (0–1, e.g. 0.05) answers a different question; needs intents
    /// [default with --matcher embedding: 0.1, unless --threshold is given]
    #[arg(long, value_name = "X", allow_negative_numbers = true, conflicts_with_all = ["threshold", "thresholds", "exact_only"])]
    pub(super) max_false_rate: Option<f64>,
    /// Custom configuration: entries never expire
    #[arg(long)]
    pub(super) no_ttl: bool,
    /// Custom configuration: no cache warming
    #[arg(long)]
    pub(super) no_warm: bool,
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
    if l1_capacity > MAX_REQUESTS {
        return error::input(format!(
            "--l1-capacity {l1_capacity} is more than the {MAX_REQUESTS} entries this benchmark allows"
        ));
    }
    if l1_capacity == 0 {
        return error::input("--l1-capacity must be at least 1");
    }
    let threshold = match a.threshold {
        Some(x) => Some(check_threshold(x)?),
        None if a.exact_only => None,
        None => Some(a.matcher.default_threshold()),
    };
    let mut name = format!("{tiers} tier{}", if tiers == 1 { "" } else { "s" });
    match threshold {
        Some(t) if a.matcher == MatcherKind::Tfidf => name.push_str(&format!(", semantic {t}")),
        Some(t) => name.push_str(&format!(", {} {t}", a.matcher.name())),
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
        matcher: a.matcher,
        threshold,
        max_false_rate: None,
        ttl: !a.no_ttl,
        warm: !a.no_warm,
    }))
}

pub(super) fn bench_cache(ctx: &Context, a: &CacheArgs) -> Result<Shown> {
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
                if n > MAX_REQUESTS {
                    return error::input(format!(
                        "--requests {n} is more than {MAX_REQUESTS}; replay a bigger workload with --trace FILE"
                    ));
                }
                spec.requests = n;
            }
            workload::generate(&spec, seed)
        }
    };
    let mut configs = match custom_config(a, &spec)? {
        Some(c) => vec![c],
        None => Config::defaults(spec.l1_capacity, a.matcher),
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
    // A fixed threshold asked for is used as given; otherwise the matcher's
    // default bound, where the requests carry intents to learn from.
    let default_bound = (a.threshold.is_none() && a.thresholds.is_empty())
        .then(|| a.matcher.default_max_false_rate())
        .flatten();
    let bound = match check_false_rate(a.max_false_rate)? {
        Some(x) => Some(x),
        None if workload.intents_known => default_bound,
        None => None,
    };
    let unbounded = (bound.is_none() && default_bound.is_some()).then(|| {
        format!(
            "the trace has no intents, so the {} matcher's accuracy bound cannot be learned: it ran at the fixed threshold {}, and its false hits are not known",
            a.matcher.name(),
            fmt_number(f64::from(a.matcher.default_threshold()))
        )
    });
    if let Some(x) = bound {
        for c in configs.iter_mut().filter(|c| c.semantic) {
            c.max_false_rate = Some(x);
            c.name
                .push_str(&format!(", ≤ {}% false", fmt_number(x * 100.0)));
        }
    }
    let started = ctx.now;
    let clock = Instant::now();
    let mut setup = MatcherSetup::seeded(seed);
    if configs
        .iter()
        .any(|c| c.semantic && c.matcher == MatcherKind::Embedding)
    {
        setup.embeddings = Some(load_embeddings(ctx, a.model.as_deref(), a.precision)?);
    }
    let bar = Bar::new();
    let results: Vec<cache::RunResult> = configs
        .iter()
        .map(|c| cache::run(c, &workload, &spec, &fleet, &setup, &bar))
        .collect::<Result<_>>()?;
    let duration_ms = clock.elapsed().as_secs_f64() * 1000.0;
    let f = |v: f64, places: usize| format!("{v:.places$}");
    let figures: Vec<Figure<cache::RunResult>> = vec![
        ("requests", Box::new(|r| r.requests.to_string())),
        (
            "hit rate (correct hits)",
            Box::new(move |r| format!("{}%", f(r.hit_rate, 1))),
        ),
        (
            "hits served / rate",
            Box::new(move |r| format!("{} / {}%", r.hits, f(r.served_hit_rate, 1))),
        ),
        ("exact hits", Box::new(|r| r.exact_hits.to_string())),
        ("semantic hits", Box::new(|r| r.semantic_hits.to_string())),
        (
            "false hits",
            Box::new(move |r| match (r.false_hits, r.false_hit_pct) {
                (Some(n), Some(pct)) => format!("{n} ({}% of hits)", f(pct, 1)),
                _ => "unknown".into(),
            }),
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
    let (recorded, note) = if a.thresholds.is_empty() {
        let r = results.last().expect("at least one configuration");
        (
            Some((r.config.name.clone(), r.readings())),
            Some(r.hits_note()),
        )
    } else {
        (None, None)
    };
    let mut notes = vec![format!(
        "workload: {}; {} history requests fit the vectoriser and pick warming targets, {} measured",
        workload.description,
        workload.history.len(),
        workload.window.len()
    )];
    notes.extend(unbounded);
    notes.push(format!(
        "lookup latency is measured (L1 and L2 in memory, L3 a SQLite file); L2's {} ms network round trip and the model latency on misses are modelled (data/models.toml)",
        fmt_number(fleet.cache.l2_latency_ms)
    ));
    for r in &results {
        if let (Some(c), Some(bound)) = (&r.calibration, r.config.max_false_rate) {
            let pct = r.false_hit_pct.unwrap_or(0.0);
            let history = c.pairs - c.run_pairs;
            let learned = if c.threshold > 1.0 {
                format!(
                    "no threshold held the bound on {history} labelled history pairs and {} of the run's own: exact matches only",
                    c.run_pairs
                )
            } else {
                format!(
                    "threshold {:.3} learned from {history} labelled history pairs and {} of the run's own ({} above it, false share ≤ {:.1}% at 95%{})",
                    c.threshold,
                    c.run_pairs,
                    c.pairs_above,
                    c.false_share_upper * 100.0,
                    match c.certified_at {
                        Some(0) | None => String::new(),
                        Some(at) => format!("; first held at request {at}, exact matches only before"),
                    }
                )
            };
            notes.push(format!(
                "{}: {learned}; measured {:.1}% false hits against the {}% bound — {}; {} hits verified by the model",
                r.config.name,
                pct,
                fmt_number(bound * 100.0),
                if pct <= bound * 100.0 { "held" } else { "NOT held" },
                r.verified_hits
            ));
        }
    }
    if let Some(e) = &setup.embeddings {
        notes.push(embedding_note(e, a.precision));
    }
    if !a.thresholds.is_empty() {
        notes.push("threshold comparison: nothing recorded".into());
    }
    let runs: Vec<Value> = results
        .iter()
        .map(|r| serde_json::to_value(r).expect("serialisable"))
        .collect();
    let headers: Vec<String> = results.iter().map(|r| r.config.name.clone()).collect();
    Ok(Shown {
        top: None,
        measured: Measured {
            kind: "cache",
            seed: a.trace.is_none().then_some(seed),
            workload: workload.description.clone(),
            params: json!(headers),
            results: Value::Array(runs.clone()),
            recorded,
            note,
            started,
            duration_ms,
        },
        runs,
        headers,
        table,
        notes,
    })
}
