//! `beast bench paraphrase`: each matcher on labelled paraphrase pairs —
//! the public ones built in, or a team's file — at several thresholds, next
//! to the most any cache could hit.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use comfy_table::CellAlignment;
use serde_json::json;

use super::{check_false_rate, check_threshold, embedding_note, load_embeddings, Bar};
use crate::bench::matcher::{MatcherKind, MatcherSetup, Precision};
use crate::bench::paraphrase::{self, pairs, Row};
use crate::bench::DEFAULT_SEED;
use crate::cli::Context;
use crate::domain::catalog::fmt_number;
use crate::error;

#[derive(clap::Args)]
pub(super) struct ParaphraseArgs {
    /// Matchers to compare
    #[arg(long, value_enum, value_delimiter = ',', default_value = "tfidf")]
    matcher: Vec<MatcherKind>,
    /// Thresholds to try [default: a sweep around each matcher's default]
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    thresholds: Vec<f32>,
    /// Also learn each matcher's threshold for at most this share of false hits
    /// (0–1) [default: 0.1 for the embedding matcher, none for TF-IDF]
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    max_false_rate: Option<f64>,
    /// The embedding model directory [default: embedding_model in .beast/config.toml]
    #[arg(long, value_name = "DIR", env = "BEAST_EMBEDDING_MODEL")]
    model: Option<PathBuf>,
    /// The embedding model's arithmetic: f32 (its own weights) or int8 (faster)
    #[arg(long, value_enum, default_value_t = Precision::Auto)]
    precision: Precision,
    /// Labelled pairs to evaluate on instead of the built-in ones: a Quora,
    /// PAWS or MRPC file, GPTCache's mock_data.json, or any table or JSON of
    /// two texts and a 1/0 label
    #[arg(long, value_name = "FILE")]
    pairs: Option<PathBuf>,
    /// Read at most the file's first N pairs
    #[arg(long, value_name = "N", requires = "pairs", value_parser = clap::value_parser!(u64).range(1..))]
    limit: Option<u64>,
    /// Near misses to add, as a share of requests (0–0.5) [default: the
    /// built-in workload's when the pairs label no non-duplicates, else 0]
    #[arg(long, value_name = "SHARE", allow_negative_numbers = true)]
    near_misses: Option<f64>,
    /// Seed of the shuffle and the near misses
    #[arg(long, default_value_t = DEFAULT_SEED, value_name = "N")]
    seed: u64,
    /// Write the trace (JSON lines, for `beast bench cache --trace`) and stop
    #[arg(long, value_name = "FILE")]
    write_trace: Option<PathBuf>,
    /// Print the rows as JSON
    #[arg(long)]
    json: bool,
}

fn sweep(kind: MatcherKind) -> Vec<f32> {
    match kind {
        MatcherKind::Tfidf => vec![0.95, 0.9, 0.8, 0.7, 0.6],
        MatcherKind::Embedding => vec![0.95, 0.9, 0.85, 0.8, 0.75, 0.7],
    }
}

pub(super) fn run(ctx: &Context, a: &ParaphraseArgs, out: &mut dyn Write) -> Result<()> {
    let set = match &a.pairs {
        Some(path) => pairs::read(path, a.limit.map(|n| n as usize))?,
        None => pairs::built_in(),
    };
    let share = match a.near_misses {
        Some(x) if !(x.is_finite() && (0.0..=0.5).contains(&x)) => {
            return error::input(format!(
                "--near-misses {x} must be a share from 0 to 0.5, e.g. 0.06"
            ))
        }
        Some(x) => x,
        None => paraphrase::default_near_miss_share(&set),
    };
    let trace = paraphrase::trace(&set, share, a.seed);
    let workload = &trace.workload;
    if let Some(path) = &a.write_trace {
        let mut text = String::new();
        for r in workload.history.iter().chain(&workload.window) {
            text.push_str(&serde_json::to_string(&json!({
                "t": r.t, "prompt": r.prompt, "intent": r.intent.map(|i| i.to_string()),
            }))?);
            text.push('\n');
        }
        if let Err(e) = std::fs::write(path, text) {
            return error::input(format!(
                "cannot write {}: {e}; choose a writable path",
                path.display()
            ));
        }
        writeln!(
            out,
            "wrote {} requests ({} history) to {}",
            workload.history.len() + workload.window.len(),
            workload.history.len(),
            path.display()
        )?;
        return Ok(());
    }
    let max_false_rate = check_false_rate(a.max_false_rate)?;
    // Each matcher once, in the order given.
    let mut matchers: Vec<MatcherKind> = Vec::new();
    for m in &a.matcher {
        if !matchers.contains(m) {
            matchers.push(*m);
        }
    }
    let mut setup = MatcherSetup::seeded(a.seed);
    if matchers.contains(&MatcherKind::Embedding) {
        setup.embeddings = Some(load_embeddings(ctx, a.model.as_deref(), a.precision)?);
    }
    let bar = Bar::new();
    let mut rows: Vec<Row> = Vec::new();
    for kind in matchers {
        let thresholds = if a.thresholds.is_empty() {
            sweep(kind)
        } else {
            a.thresholds
                .iter()
                .map(|t| check_threshold(*t))
                .collect::<Result<_>>()?
        };
        for t in thresholds {
            rows.push(paraphrase::evaluate(&trace, kind, t, None, &setup, &bar)?);
        }
        if let Some(x) = max_false_rate.or(kind.default_max_false_rate()) {
            rows.push(paraphrase::evaluate(
                &trace,
                kind,
                kind.default_threshold(),
                Some(x),
                &setup,
                &bar,
            )?);
        }
    }
    if a.json {
        serde_json::to_writer_pretty(
            &mut *out,
            &json!({
                "workload": workload.description,
                "pairs": {
                    "source": set.source,
                    "duplicates": set.duplicates(),
                    "non_duplicates": set.non_duplicates(),
                    "skipped": set.skipped,
                    "contradictions": trace.contradictions,
                },
                "intents": trace.intents,
                "near_misses": trace.near_misses,
                "rows": rows,
            }),
        )?;
        writeln!(out)?;
        return Ok(());
    }
    let mut t = crate::cli::table();
    t.set_header(vec![
        "matcher",
        "threshold",
        "hits",
        "hit rate",
        "correct hits",
        "false hits",
        "accuracy",
        "found of reachable",
        "upper bound",
    ]);
    for r in &rows {
        let threshold = match r.max_false_rate {
            Some(x) if r.threshold > 1.0 => {
                format!("none holds ≤ {}% false", fmt_number(x * 100.0))
            }
            Some(x) => format!(
                "{:.3} (learned, ≤ {}% false)",
                r.threshold,
                fmt_number(x * 100.0)
            ),
            None => format!("{}", r.threshold),
        };
        t.add_row(vec![
            r.matcher.name().to_string(),
            threshold,
            r.hits.to_string(),
            format!("{:.1}%", r.hit_rate),
            r.correct_hits.to_string(),
            match r.false_hits {
                0 => "0".to_string(),
                n => format!("{n} ({} known)", r.known_false_hits),
            },
            format!("{:.1}%", r.accuracy),
            format!("{:.1}%", r.found),
            format!("{:.1}%", r.upper_bound),
        ]);
    }
    for i in 2..=8 {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(out, "{t}")?;
    writeln!(
        out,
        "  workload: {}; {} history requests, {} measured, of which {} could be answered from an earlier paraphrase (the upper bound)",
        workload.description,
        workload.history.len(),
        workload.window.len(),
        paraphrase::reachable(&workload.window)
    )?;
    let mut notes = vec![format!(
        "{} duplicate and {} non-duplicate pairs, {} intents",
        set.duplicates(),
        set.non_duplicates(),
        trace.intents
    )];
    if trace.near_misses > 0 {
        notes.push(format!(
            "{} near misses added (one decisive word swapped)",
            trace.near_misses
        ));
    }
    if set.skipped > 0 {
        notes.push(format!("{} rows with an empty text left out", set.skipped));
    }
    if trace.contradictions > 0 {
        notes.push(format!(
            "{} non-duplicate labels inside a duplicate group ignored",
            trace.contradictions
        ));
    }
    writeln!(out, "  pairs: {}", notes.join("; "))?;
    writeln!(
        out,
        "  known false hits: between texts labelled different (a non-duplicate pair, a near miss and its statement); the others join texts never compared"
    )?;
    writeln!(
        out,
        "  accuracy: correct hits of all hits; found: correct hits of the reachable requests; one tier, no expiry — only the matcher decides"
    )?;
    if let Some(e) = &setup.embeddings {
        writeln!(out, "  {}", embedding_note(e, a.precision))?;
    }
    writeln!(
        out,
        "  nothing recorded: an evaluation, not a measurement of your traffic"
    )?;
    Ok(())
}
