//! `beast check` — the CI gate: exits 5 when a rule it fails on does not
//! hold (by default only `regression`: a series' newest reading beyond the
//! bound of its recent readings), and warns about the rest. Failures first,
//! then warnings, then what passed; under GitHub Actions each failure and
//! warning is also an annotation, and a Markdown table goes to the job
//! summary.

use std::io::Write;

use anyhow::Result;
use clap::ValueEnum;

use super::Context;
use crate::app::check::{self, Base, Finding, Outcome, Severity};
use crate::app::Mode;
use crate::domain::gate::{Rule, Settings};
use crate::error::{self, Failure};

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum CheckFormat {
    Text,
    Markdown,
    Json,
}

/// Fail (exit 5) on a regression, and warn about a roadmap off track: for CI
#[derive(clap::Args)]
#[command(
    after_help = "Rules (all run by default; [check] rules = [...] in .beast/config.toml):
  regression   a series' new readings (one metric from one source) against its current
               regime: the readings since its last change of level (of the last 64; at
               least 5). A reading worse than the regime's median by 2.5 robust spreads
               and the minimum change (2%) warns; two in a row fail, and so does
               one past 6 spreads on a series with no one-off excursions
  behind       a metric with data is behind its paced target
  overdue      a planned task is not done 3 days after its week block ended
  pace         the current month has a smaller share of its tasks done than of its days gone
  unverified   a completion counts toward progress with no evidence and no measured
               reading meeting its acceptance
  target_unmet a done task's newest measured reading misses its acceptance bound

Only regression fails by default; the others warn. --fail-on (or [check] fail_on)
chooses, e.g. --fail-on regression,overdue,behind in a nightly job. With --since, only
what was added since counts; the base's state (overdue, pace, behind, old claims) is
reported as inherited and never fails.

Examples:
  beast check                                  exit 5 on a regression, warnings for the rest
  beast check --since refs/beast/history       what this job measured against the history as fetched
  beast check --fail-on regression,overdue --min-change 5
  beast check --fail-on unverified,target_unmet     a nightly job: every completion shown
  beast check --format markdown >> \"$GITHUB_STEP_SUMMARY\""
)]
pub struct Args {
    /// Rules to run, comma-separated: regression, behind, overdue, pace, unverified,
    /// target_unmet [default: all]
    #[arg(long, value_delimiter = ',', value_name = "RULES", add = super::values::rules())]
    rules: Vec<String>,
    /// Rules that fail the check, comma-separated; the others warn [default: regression]
    #[arg(long, value_delimiter = ',', value_name = "RULES", add = super::values::rules())]
    fail_on: Vec<String>,
    /// The smallest change from the regime's median that counts as a regression, in percent
    #[arg(long, alias = "threshold", value_name = "PCT")]
    min_change: Option<f64>,
    /// The smallest change for one metric: NAME=PCT (repeatable)
    #[arg(long, alias = "metric-threshold", value_name = "NAME=PCT")]
    metric_min_change: Vec<String>,
    /// How many earlier readings of a series are searched for its regime [default: 64]
    #[arg(long, value_name = "N")]
    window: Option<usize>,
    /// Fewer readings in the regime give no verdict [default: 5]
    #[arg(long, value_name = "N")]
    min_samples: Option<usize>,
    /// The warn bound, in robust spreads from the regime's median [default: 2.5]
    #[arg(long, value_name = "K")]
    warn_sigma: Option<f64>,
    /// The bound one reading alone fails past, on a series with no one-off
    /// excursions [default: 6]
    #[arg(long, value_name = "K")]
    fail_sigma: Option<f64>,
    /// Readings in a row beyond the warn bound that fail [default: 2]
    #[arg(long, value_name = "N")]
    confirm: Option<usize>,
    /// Older form of --warn-sigma: a one-sided confidence such as 0.999
    #[arg(long, value_name = "P", hide = true)]
    boundary: Option<f64>,
    /// Days after a block's last week before its open tasks are overdue [default: 3]
    #[arg(long, value_name = "DAYS")]
    grace: Option<u32>,
    /// Judge the newest readings against each series as of this date (YYYY-MM-DD) or
    /// revision of the history (refs/beast/history), instead of against the readings before them
    #[arg(long, value_name = "DATE|REV")]
    since: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// Same as --format json
    #[arg(long)]
    json: bool,
    /// Also append a Markdown table to this file [default under GitHub Actions:
    /// $GITHUB_STEP_SUMMARY]
    #[arg(long, value_name = "PATH")]
    summary: Option<std::path::PathBuf>,
}

fn parse_rules(list: &[String]) -> Result<Vec<Rule>> {
    list.iter()
        .filter(|r| !r.trim().is_empty())
        .map(|r| match Rule::parse(r) {
            Some(rule) => Ok(rule),
            None => error::input(format!(
                "unknown rule \"{}\"; use regression, behind, overdue, pace, unverified or target_unmet",
                r.escape_default()
            )),
        })
        .collect()
}

fn settings(ctx: &Context, args: &Args) -> Result<Settings> {
    let mut s = match ctx.mode() {
        Mode::Project(p) => p.config.check.clone(),
        Mode::Personal { .. } => Settings::default(),
    };
    if !args.rules.is_empty() {
        s.rules = Some(parse_rules(&args.rules)?);
    }
    if !args.fail_on.is_empty() {
        s.fail_on = Some(parse_rules(&args.fail_on)?);
    }
    s.min_change = args.min_change.or(s.min_change);
    s.window = args.window.or(s.window);
    s.min_samples = args.min_samples.or(s.min_samples);
    if args.warn_sigma.is_some() || args.boundary.is_some() {
        // A flag wins over the file, whichever form either uses.
        s.warn_sigma = args.warn_sigma;
        s.boundary = args.boundary;
    }
    s.fail_sigma = args.fail_sigma.or(s.fail_sigma);
    s.confirm = args.confirm.or(s.confirm);
    s.grace_days = args.grace.or(s.grace_days);
    for mt in &args.metric_min_change {
        let Some((name, pct)) = mt.split_once('=') else {
            return error::input(format!(
                "--metric-min-change \"{}\" must be NAME=PCT, like latency=10",
                mt.escape_default()
            ));
        };
        let pct: f64 = pct.trim().parse().or_else(|_| {
            error::input(format!(
                "--metric-min-change {name}: \"{pct}\" is not a number of percent"
            ))
        })?;
        s.metrics
            .entry(name.trim().to_string())
            .or_default()
            .min_change = Some(pct);
    }
    // Metric names as people type them, resolved to the catalog's ids.
    let (catalog, _) = ctx.load_roadmap()?;
    let resolve = |name: &str| -> Result<String> {
        Ok(crate::app::readings::resolve(catalog, name)?.id.clone())
    };
    s.thresholds = s
        .thresholds
        .iter()
        .map(|(k, v)| Ok((resolve(k)?, *v)))
        .collect::<Result<_>>()?;
    s.metrics = s
        .metrics
        .iter()
        .map(|(k, v)| Ok((resolve(k)?, *v)))
        .collect::<Result<_>>()?;
    if let Some(problem) = s.problem() {
        return error::input(format!("check settings: {problem}"));
    }
    Ok(s)
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Result<()> {
    let settings = settings(ctx, &args)?;
    let (catalog, roadmap) = ctx.load_roadmap()?;
    let mut src = ctx.open_readable()?;
    let report = ctx.build_report_from(&mut src, 0)?;
    let today_end =
        crate::store::timestamp(ctx.today.and_hms_opt(23, 59, 59).expect("a time").and_utc());
    let (base, baseline) = match args.since.as_deref().map(str::trim) {
        None => (
            Base::Previous,
            "the readings before each newest".to_string(),
        ),
        Some(since) => match chrono::NaiveDate::parse_from_str(since, "%Y-%m-%d") {
            Ok(date) => (
                Base::AsOf(crate::store::timestamp(
                    date.and_hms_opt(23, 59, 59).expect("a time").and_utc(),
                )),
                format!("each series as of {since}"),
            ),
            Err(_) => {
                let Mode::Project(p) = ctx.mode() else {
                    return error::input(format!(
                        "--since \"{}\" is not a date (YYYY-MM-DD); a git revision works only in a project",
                        since.escape_default()
                    ));
                };
                let then = check::history_at_revision(&p.root, since, &ctx.rules()?)?;
                (
                    Base::Held(Box::new(then)),
                    format!("each series at {since}"),
                )
            }
        },
    };
    // What the range added: completions the base does not have.
    let scope = match &base {
        Base::Previous => None,
        Base::AsOf(until) => {
            let until = crate::store::parse_time(until);
            Some(check::Scope {
                new_completions: report
                    .completions
                    .iter()
                    .filter(|c| crate::store::parse_time(&c.recorded_at) > until)
                    .map(|c| c.id.clone())
                    .collect(),
            })
        }
        Base::Held(then) => {
            use crate::store::Facts;
            let had: std::collections::HashSet<String> = then
                .recent_completions(usize::MAX)?
                .into_iter()
                .map(|c| c.event_id)
                .collect();
            Some(check::Scope {
                new_completions: report
                    .completions
                    .iter()
                    .filter(|c| !had.contains(&c.id))
                    .map(|c| c.id.clone())
                    .collect(),
            })
        }
    };
    let metrics: Vec<String> = catalog.metrics.iter().map(|m| m.id.clone()).collect();
    let (series, done) = src.read(|r| {
        let range = |id: &str| {
            catalog
                .metrics
                .iter()
                .find(|m| m.id == id)
                .map_or((f64::NEG_INFINITY, f64::INFINITY), |m| (m.min, m.max))
        };
        let series = check::collect_series(
            r,
            &metrics,
            &range,
            &|m: &str| settings.test(m),
            &base,
            &today_end,
        )?;
        let done: Vec<_> = r
            .planned_completions()?
            .iter()
            .filter_map(|c| c.task_ref())
            .collect();
        Ok((series, done))
    })?;
    let elapsed = match crate::domain::Position::from_date(ctx.today).roadmap_month() {
        Some(month) => crate::domain::calendar::month_elapsed(month, ctx.today),
        None => 0.0,
    };
    let outcome = check::evaluate(
        &check::Inputs {
            report: &report,
            roadmap,
            today: ctx.today,
            done: &done,
            series: &series,
            baseline: &baseline,
            month_elapsed: elapsed,
            scope: scope.as_ref(),
        },
        &settings,
    );
    let format = if args.json {
        CheckFormat::Json
    } else {
        args.format
    };
    // Printed, or not: the verdict stands either way. A reader that closed
    // the pipe early (`beast check | head -1`) must not turn a failing gate
    // into a passing one.
    let mut print = || -> Result<()> {
        match format {
            CheckFormat::Json => {
                serde_json::to_writer_pretty(&mut *out, &outcome)?;
                writeln!(out)?;
            }
            CheckFormat::Markdown => out.write_all(markdown(&outcome).as_bytes())?,
            CheckFormat::Text => text(&outcome, out)?,
        }
        out.flush()?;
        Ok(())
    };
    let printed = print();
    if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
        for f in outcome
            .findings
            .iter()
            .filter(|f| !f.inherited && matches!(f.severity, Severity::Failed | Severity::Warned))
        {
            crate::say!("{}", annotation(f));
        }
    }
    let summary = args.summary.clone().or_else(|| {
        std::env::var_os("GITHUB_STEP_SUMMARY")
            .filter(|p| !p.is_empty())
            .map(Into::into)
    });
    if let Some(path) = summary {
        append(&path, &markdown(&outcome))?;
    }
    let failed: Vec<&Finding> = outcome.failures().collect();
    if failed.is_empty() {
        return printed;
    }
    Err(Failure::Check(format!(
        "{} of {} checks failed (failing on: {})",
        failed.len(),
        outcome.findings.len(),
        rule_list(&outcome.fail_on)
    ))
    .into())
}

fn rule_list(rules: &[Rule]) -> String {
    let names: Vec<&str> = rules.iter().map(|r| r.as_str()).collect();
    names.join(", ")
}

/// Failures first, then warnings, then what passed: one line each.
fn text(o: &Outcome, out: &mut dyn Write) -> Result<()> {
    let count = |s: Severity| {
        o.findings
            .iter()
            .filter(|f| !f.inherited && f.severity == s)
            .count()
    };
    writeln!(
        out,
        "beast check: {} failed, {} warnings, {} passed, {} without a verdict (failing on: {}; compared with {})",
        count(Severity::Failed),
        count(Severity::Warned),
        count(Severity::Passed),
        count(Severity::NoVerdict),
        rule_list(&o.fail_on),
        o.baseline
    )?;
    let line = |f: &Finding| {
        format!(
            "{:4} {} {}: {}",
            f.severity.label(),
            f.rule.as_str(),
            f.subject,
            f.message
        )
    };
    for f in o.findings.iter().filter(|f| !f.inherited) {
        writeln!(out, "{}", line(f))?;
    }
    let inherited: Vec<&Finding> = o.findings.iter().filter(|f| f.inherited).collect();
    if !inherited.is_empty() {
        writeln!(
            out,
            "inherited from the base ({}): not what this range changed; never fails",
            o.baseline
        )?;
        for f in inherited {
            writeln!(out, "  {}", line(f))?;
        }
    }
    Ok(())
}

/// The Markdown table of the job summary, failures first.
fn markdown(o: &Outcome) -> String {
    let cell = crate::report::markdown::cell;
    let head = "| Result | Rule | Subject | Detail |\n|---|---|---|---|\n";
    let row = |f: &Finding| {
        let mark = match f.severity {
            Severity::Failed => "❌ failed",
            Severity::Warned => "⚠️ warning",
            Severity::NoVerdict => "➖ no verdict",
            Severity::Passed => "✅ ok",
        };
        format!(
            "| {mark} | {} | {} | {} |\n",
            f.rule.as_str(),
            cell(&f.subject),
            cell(&f.message)
        )
    };
    let own: Vec<&Finding> = o.findings.iter().filter(|f| !f.inherited).collect();
    let inherited: Vec<&Finding> = o.findings.iter().filter(|f| f.inherited).collect();
    let mut s = format!(
        "### beast check: {}\n\n",
        if o.ok { "passed" } else { "failed" }
    );
    if own.is_empty() {
        s.push_str(&format!(
            "Nothing to judge: no reading, completion or evidence added since {}.\n",
            o.baseline
                .trim_start_matches("each series at ")
                .trim_start_matches("each series as of ")
        ));
    } else {
        s.push_str(head);
        for f in own {
            s.push_str(&row(f));
        }
    }
    if !inherited.is_empty() {
        s.push_str(&format!(
            "\n<details><summary>Inherited from the base ({}): not what this change did; never fails</summary>\n\n{head}",
            inherited.len()
        ));
        for f in inherited {
            s.push_str(&row(f));
        }
        s.push_str("\n</details>\n");
    }
    s
}

/// A GitHub Actions workflow command: `::error title=…::message`.
fn annotation(f: &Finding) -> String {
    // The escapes GitHub's runner undoes (data: % CR LF; properties also : ,).
    let data = |t: &str| {
        let escaped = t
            .replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A");
        crate::report::visible(&escaped).into_owned()
    };
    let prop = |t: &str| data(t).replace(':', "%3A").replace(',', "%2C");
    let level = if f.severity == Severity::Failed {
        "error"
    } else {
        "warning"
    };
    format!(
        "::{level} title={}::{}",
        prop(&format!("beast check: {} {}", f.rule.as_str(), f.subject)),
        data(&f.message)
    )
}

fn append(path: &std::path::Path, text: &str) -> Result<()> {
    let fail = |e: std::io::Error| {
        Failure::Input(format!(
            "cannot append the summary to {}: {e}; check the path",
            path.display()
        ))
    };
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(fail)?;
    f.write_all(text.as_bytes()).map_err(fail)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_escape_what_the_runner_would_read() {
        let f = Finding {
            rule: Rule::Regression,
            subject: "latency[ci:a,b]".into(),
            severity: Severity::Failed,
            ok: false,
            message: "100% worse\nreally".into(),
            inherited: false,
        };
        assert_eq!(
            annotation(&f),
            "::error title=beast check%3A regression latency[ci%3Aa%2Cb]::100%25 worse%0Areally"
        );
    }
}
