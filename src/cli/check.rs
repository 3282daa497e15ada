//! `beast check` — the CI gate: exits 5 when a metric is behind its paced
//! target, got worse than before by more than a threshold, or the current
//! month is behind its pace. Each failure is one line on stderr.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use clap::ValueEnum;

use super::Context;
use crate::app::check::{self, Earlier, Rule, Settings};
use crate::app::Mode;
use crate::error::{self, Failure};

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum CheckFormat {
    Text,
    Markdown,
    Json,
}

/// Fail (exit 5) when the roadmap or a metric is off track: for CI
#[derive(clap::Args)]
#[command(
    after_help = "Rules (all by default; or [check] rules = [...] in .beast/config.toml):
  behind       a metric with data is behind its paced target
  regression   a metric's latest reading is worse than the one before (or than at --since)
               by more than the threshold (default 5%), in the metric's direction
  pace         the current month has a smaller share of its tasks done than of its days gone

Examples:
  beast check                                  all rules; exit 5 if one fails
  beast check --rules regression --threshold 10 --metric-threshold latency=20
  beast check --since origin/main              regressions against the log at that git revision
  beast check --since 2026-03-01 --format markdown >> \"$GITHUB_STEP_SUMMARY\""
)]
pub struct Args {
    /// Rules to run, comma-separated: behind, regression, pace
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    rules: Vec<String>,
    /// Regression threshold for every metric, in percent worse than before
    #[arg(long, value_name = "PCT")]
    threshold: Option<f64>,
    /// Regression threshold for one metric: NAME=PCT (repeatable)
    #[arg(long, value_name = "NAME=PCT")]
    metric_threshold: Vec<String>,
    /// Compare with the metrics as of this date (YYYY-MM-DD) or git revision instead of the previous reading
    #[arg(long, value_name = "DATE|REV")]
    since: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// Same as --format json
    #[arg(long)]
    json: bool,
}

fn settings(ctx: &Context, args: &Args) -> Result<Settings> {
    let mut s = match ctx.mode() {
        Mode::Project(p) => p.config.check.clone(),
        Mode::Personal { .. } => Settings::default(),
    };
    if !args.rules.is_empty() {
        let mut rules = Vec::new();
        for r in &args.rules {
            match Rule::parse(r) {
                Some(rule) => rules.push(rule),
                None => {
                    return error::input(format!(
                        "unknown rule \"{}\"; use behind, regression or pace",
                        r.escape_default()
                    ))
                }
            }
        }
        s.rules = Some(rules);
    }
    if let Some(t) = args.threshold {
        s.threshold = Some(t);
    }
    for mt in &args.metric_threshold {
        let Some((name, pct)) = mt.split_once('=') else {
            return error::input(format!(
                "--metric-threshold \"{}\" must be NAME=PCT, like latency=10",
                mt.escape_default()
            ));
        };
        let pct: f64 = pct.trim().parse().or_else(|_| {
            error::input(format!(
                "--metric-threshold {name}: \"{pct}\" is not a number of percent"
            ))
        })?;
        s.thresholds.insert(name.trim().to_string(), pct);
    }
    let (catalog, _) = ctx.load_roadmap()?;
    let mut resolved = BTreeMap::new();
    for (name, pct) in &s.thresholds {
        let def = crate::app::readings::resolve(&catalog, name)?;
        resolved.insert(def.id.clone(), *pct);
    }
    s.thresholds = resolved;
    for t in s.threshold.iter().chain(s.thresholds.values()) {
        if !t.is_finite() || *t < 0.0 {
            return error::input(format!("a threshold of {t}% makes no sense; use 0 or more"));
        }
    }
    Ok(s)
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Result<()> {
    let settings = settings(ctx, &args)?;
    let report = ctx.build_report()?;
    let (earlier, baseline) = match args.since.as_deref().map(str::trim) {
        None => {
            let mut m = BTreeMap::new();
            for metric in &report.metrics {
                if metric.trend.len() >= 2 {
                    m.insert(
                        metric.id.clone(),
                        Earlier {
                            value: metric.trend[metric.trend.len() - 2],
                            what: "the previous reading".into(),
                        },
                    );
                }
            }
            (m, "the previous reading".to_string())
        }
        Some(since) => {
            let mut m = BTreeMap::new();
            if let Ok(date) = chrono::NaiveDate::parse_from_str(since, "%Y-%m-%d") {
                let end = crate::store::timestamp(
                    date.and_hms_opt(23, 59, 59).expect("a time").and_utc(),
                );
                let mut history = ctx.open_history()?;
                history.store().read(|r| {
                    for metric in &report.metrics {
                        if let Some(reading) = r.reading_as_of(&metric.id, &end)? {
                            m.insert(
                                metric.id.clone(),
                                Earlier {
                                    value: reading.value,
                                    what: format!("as of {since}"),
                                },
                            );
                        }
                    }
                    Ok(())
                })?;
            } else {
                let Mode::Project(p) = ctx.mode() else {
                    return error::input(format!(
                        "--since \"{}\" is not a date (YYYY-MM-DD); a git revision works only in a project",
                        since.escape_default()
                    ));
                };
                let events = check::events_at_revision(&p.root, since, &ctx.rules()?)?;
                for (metric, (value, _)) in check::latest_values(&events) {
                    m.insert(
                        metric,
                        Earlier {
                            value,
                            what: format!("at {since}"),
                        },
                    );
                }
            }
            (m, since.to_string())
        }
    };
    let elapsed = match crate::domain::Position::from_date(ctx.today).roadmap_month() {
        Some(month) => crate::domain::calendar::month_elapsed(month, ctx.today),
        None => 0.0,
    };
    let outcome = check::evaluate(&report, &settings, &earlier, &baseline, elapsed);
    let format = if args.json {
        CheckFormat::Json
    } else {
        args.format
    };
    match format {
        CheckFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &outcome)?;
            writeln!(out)?;
        }
        CheckFormat::Markdown => {
            writeln!(
                out,
                "### beast check: {}\n\n| Rule | Subject | Result | Detail |\n|---|---|---|---|",
                if outcome.ok { "passed" } else { "failed" }
            )?;
            for f in &outcome.findings {
                writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    f.rule.as_str(),
                    crate::report::markdown::cell(&f.subject),
                    if f.ok { "✅ ok" } else { "❌ failed" },
                    crate::report::markdown::cell(&f.message)
                )?;
            }
        }
        CheckFormat::Text => {
            let failed = outcome.failures().count();
            let rules: Vec<&str> = outcome.rules.iter().map(|r| r.as_str()).collect();
            writeln!(
                out,
                "beast check: {} checks, {} failed (rules: {}; regressions against {})",
                outcome.findings.len(),
                failed,
                rules.join(", "),
                outcome.baseline
            )?;
        }
    }
    out.flush()?;
    let failed: Vec<&check::Finding> = outcome.failures().collect();
    if failed.is_empty() {
        return Ok(());
    }
    for f in &failed {
        eprintln!(
            "check failed: {} {}: {}",
            f.rule.as_str(),
            crate::report::visible(&f.subject),
            crate::report::visible(&f.message)
        );
    }
    Err(Failure::Check(format!(
        "{} of {} checks failed",
        failed.len(),
        outcome.findings.len()
    ))
    .into())
}
