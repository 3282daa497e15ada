//! The CI gate: `beast check` evaluates rules against the report and fails
//! (exit 5) when one does not hold, so a pipeline can stop on a roadmap that
//! has fallen behind or a metric that got worse — as github-action-benchmark's
//! `fail-on-alert` and Bencher's thresholds do for benchmarks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::catalog::{format_with_unit, significant, Direction};
use crate::domain::Verdict;
use crate::report::Report;

/// The rules, by the names flags and `config.toml` use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A metric with data is behind its paced target.
    Behind,
    /// A metric's latest reading is worse than the one before (or than its
    /// value at `--since`) by more than a threshold.
    Regression,
    /// The current month's share of done tasks is below the share of the
    /// month that has passed.
    Pace,
}

impl Rule {
    pub const ALL: [Rule; 3] = [Rule::Behind, Rule::Regression, Rule::Pace];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Behind => "behind",
            Rule::Regression => "regression",
            Rule::Pace => "pace",
        }
    }

    pub fn parse(text: &str) -> Option<Rule> {
        Rule::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// Default regression threshold, in percent of the earlier value.
pub const DEFAULT_THRESHOLD: f64 = 5.0;

/// What to check and how strictly: `[check]` in `config.toml`, overridden by flags.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The rules to run; all when absent.
    pub rules: Option<Vec<Rule>>,
    /// Regression threshold in percent for every metric.
    pub threshold: Option<f64>,
    /// Per-metric thresholds in percent, by metric id.
    #[serde(default)]
    pub thresholds: BTreeMap<String, f64>,
}

/// One rule applied to one subject (a metric, a month).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub subject: String,
    pub ok: bool,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub ok: bool,
    pub rules: Vec<Rule>,
    /// What the regression rule compared with: "previous reading" or the `--since` it was given.
    pub baseline: String,
    pub findings: Vec<Finding>,
}

impl Outcome {
    pub fn failures(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.ok)
    }
}

/// A metric's earlier value to compare the latest with.
#[derive(Debug, Clone, PartialEq)]
pub struct Earlier {
    pub value: f64,
    /// Where it comes from, for messages: "previous reading", "2026-03-01".
    pub what: String,
}

/// Evaluates the rules. `earlier` gives, per metric id, the value a regression
/// is measured against; `month_elapsed` is the share of the current month
/// behind us (0–1).
pub fn evaluate(
    report: &Report,
    settings: &Settings,
    earlier: &BTreeMap<String, Earlier>,
    baseline: &str,
    month_elapsed: f64,
) -> Outcome {
    let mut rules: Vec<Rule> = settings.rules.clone().unwrap_or_else(|| Rule::ALL.to_vec());
    rules.sort();
    rules.dedup();
    let mut findings = Vec::new();
    for rule in &rules {
        match rule {
            Rule::Behind => {
                for m in report.metrics.iter().filter(|m| m.latest.is_some()) {
                    let f = |v: f64| format_with_unit(significant(v, 4), &m.unit);
                    let latest = m.latest.as_ref().expect("filtered").value;
                    let ok = m.verdict != Verdict::Behind;
                    let message = match (m.paced_target, m.target) {
                        (Some(p), Some(t)) => format!(
                            "{} is {} (paced target today {}, target {} by month {})",
                            f(latest),
                            m.verdict.label(),
                            f(p),
                            f(t.value),
                            t.month
                        ),
                        _ => format!("{} is {}", f(latest), m.verdict.label()),
                    };
                    findings.push(Finding {
                        rule: Rule::Behind,
                        subject: m.id.clone(),
                        ok,
                        message,
                    });
                }
            }
            Rule::Regression => {
                for m in &report.metrics {
                    let (Some(latest), Some(before)) = (m.latest.as_ref(), earlier.get(&m.id))
                    else {
                        continue;
                    };
                    let limit = settings
                        .thresholds
                        .get(&m.id)
                        .copied()
                        .or(settings.threshold)
                        .unwrap_or(DEFAULT_THRESHOLD);
                    let change = regression_percent(m.direction, before.value, latest.value);
                    let f = |v: f64| format_with_unit(significant(v, 4), &m.unit);
                    let ok = change <= limit;
                    let message = if change > 0.0 {
                        format!(
                            "{} is {}% worse than {} ({}); the threshold is {}%",
                            f(latest.value),
                            crate::domain::catalog::fmt_number(significant(change, 3)),
                            f(before.value),
                            before.what,
                            crate::domain::catalog::fmt_number(limit)
                        )
                    } else {
                        format!(
                            "{} is no worse than {} ({})",
                            f(latest.value),
                            f(before.value),
                            before.what
                        )
                    };
                    findings.push(Finding {
                        rule: Rule::Regression,
                        subject: m.id.clone(),
                        ok,
                        message,
                    });
                }
            }
            Rule::Pace => {
                let c = report.progress.month;
                if c.total == 0 {
                    continue;
                }
                let done = c.completed as f64 / c.total as f64;
                let ok = done + 1e-9 >= month_elapsed;
                findings.push(Finding {
                    rule: Rule::Pace,
                    subject: format!("month {}", report.current.month),
                    ok,
                    message: format!(
                        "{}/{} tasks done ({}%) with {}% of the month gone",
                        c.completed,
                        c.total,
                        (done * 100.0).round(),
                        (month_elapsed * 100.0).round()
                    ),
                });
            }
        }
    }
    Outcome {
        ok: findings.iter().all(|f| f.ok),
        rules,
        baseline: baseline.to_string(),
        findings,
    }
}

/// How much worse `latest` is than `before`, in percent of `before`'s size,
/// respecting the metric's direction; negative when it got better.
pub fn regression_percent(direction: Direction, before: f64, latest: f64) -> f64 {
    let worse_by = match direction {
        Direction::Higher => before - latest,
        Direction::Lower => latest - before,
    };
    if before.abs() < f64::EPSILON {
        // From zero, any change is infinitely many percent: count it as its size.
        return if worse_by > 0.0 { f64::INFINITY } else { 0.0 };
    }
    worse_by / before.abs() * 100.0
}

/// The latest live reading of every metric in a set of events (as the log
/// held them at some revision): retracted readings and readings of retracted
/// runs do not count; ties in time go to the larger id, as in the index.
pub fn latest_values(events: &[crate::domain::event::Event]) -> BTreeMap<String, (f64, String)> {
    use crate::domain::event::Body;
    let retracted: std::collections::HashSet<_> = events
        .iter()
        .filter_map(|e| match &e.body {
            Body::Retraction { target, .. } => Some(*target),
            _ => None,
        })
        .collect();
    let mut latest: BTreeMap<
        String,
        (
            chrono::DateTime<chrono::Utc>,
            crate::domain::event::EventId,
            f64,
        ),
    > = BTreeMap::new();
    for e in events {
        let Body::Reading(r) = &e.body else { continue };
        if retracted.contains(&e.id) || r.run.is_some_and(|run| retracted.contains(&run)) {
            continue;
        }
        let key = (r.measured_at, e.id);
        match latest.get(&r.metric) {
            Some((at, id, _)) if (*at, *id) >= key => {}
            _ => {
                latest.insert(r.metric.clone(), (r.measured_at, e.id, r.value));
            }
        }
    }
    latest
        .into_iter()
        .map(|(m, (at, _, v))| (m, (v, crate::store::timestamp(at))))
        .collect()
}

/// The events of a project's log as it was at git revision `rev`: the lines
/// a catch-up would take then (see `crate::log::accept`).
pub fn events_at_revision(
    root: &std::path::Path,
    rev: &str,
    rules: &crate::domain::validate::Rules,
) -> anyhow::Result<Vec<crate::domain::event::Event>> {
    // Never an option to git, whatever it is given.
    if rev.starts_with('-') || rev.chars().any(char::is_control) {
        return crate::error::input(format!(
            "--since \"{}\" is neither a date (YYYY-MM-DD) nor a git revision; give one like 2026-03-01 or origin/main",
            rev.escape_default()
        ));
    }
    let git = |args: &[&str]| -> anyhow::Result<String> {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(root)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| {
                crate::error::Failure::Input(format!("cannot run git: {e}; --since REV needs git"))
            })?;
        if !out.status.success() {
            let why = String::from_utf8_lossy(&out.stderr)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            return crate::error::input(format!(
                "--since {rev}: not a date (YYYY-MM-DD) and git cannot read that revision ({why})"
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let dir = format!("{}/events/", crate::project::DIR_NAME);
    let files = git(&["ls-tree", "-r", "--name-only", rev, "--", &dir])?;
    let mut events = Vec::new();
    for file in files.lines().filter(|f| f.ends_with(".jsonl")) {
        let name = file.rsplit('/').next().unwrap_or(file);
        let text = git(&["show", &format!("{rev}:{file}")])?;
        events.extend(
            text.lines()
                .filter_map(|l| crate::log::accept(l.trim_end_matches('\r'), name, rules).ok()),
        );
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regressions_respect_the_direction() {
        assert_eq!(regression_percent(Direction::Higher, 40.0, 30.0), 25.0);
        assert_eq!(regression_percent(Direction::Higher, 40.0, 50.0), -25.0);
        assert_eq!(regression_percent(Direction::Lower, 200.0, 220.0), 10.0);
        assert_eq!(regression_percent(Direction::Lower, 200.0, 180.0), -10.0);
        assert!(regression_percent(Direction::Lower, 0.0, 1.0).is_infinite());
        assert_eq!(regression_percent(Direction::Lower, 0.0, 0.0), 0.0);
    }

    #[test]
    fn rules_parse_by_name() {
        assert_eq!(Rule::parse("Behind"), Some(Rule::Behind));
        assert_eq!(Rule::parse("speed"), None);
    }
}
