//! The CI gate: `beast check` applies rules to the history and fails (exit
//! 5) only on what the job asks to fail on — by default a regression, the
//! one thing a change can cause — and warns about the rest. The rules and
//! the statistics are in `domain::gate`; here they meet the history: the
//! series of each metric per source, the roadmap's week blocks, the report.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::catalog::{fmt_number, format_with_unit, significant};
use crate::domain::claims::Standing;
use crate::domain::gate::{self, Rule, Settings};
use crate::domain::{Roadmap, TaskRef, Verdict};
use crate::report::Report;

/// How a finding came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A rule the check fails on does not hold.
    Failed,
    /// A rule that only warns does not hold.
    Warned,
    /// Too few readings to say.
    NoVerdict,
    Passed,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Failed => "FAIL",
            Severity::Warned => "warn",
            Severity::NoVerdict => "n/a",
            Severity::Passed => "ok",
        }
    }
}

/// One rule applied to one subject (a series, a month).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    pub rule: Rule,
    /// The metric and source (`cacheHitRate[bench:cache]`), or the month.
    pub subject: String,
    pub severity: Severity,
    /// Whether it holds (or gave no verdict).
    pub ok: bool,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// No finding failed.
    pub ok: bool,
    pub rules: Vec<Rule>,
    pub fail_on: Vec<Rule>,
    /// What the regression rule compared with: each series' readings
    /// before its newest, or the series at `--since`.
    pub baseline: String,
    /// Failures first, then warnings, then the rest.
    pub findings: Vec<Finding>,
}

impl Outcome {
    pub fn failures(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Failed)
    }
}

/// A series to judge: one metric's readings from one source.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesInput {
    pub metric: String,
    pub source: String,
    /// The readings the newest is compared with, oldest first.
    pub window: Vec<f64>,
    /// The newest reading and when it was measured; `None` when there is
    /// none newer than the window (with `--since`: nothing new since).
    pub newest: Option<(f64, String)>,
}

/// Everything the rules look at.
pub struct Inputs<'a> {
    pub report: &'a Report,
    pub roadmap: &'a Roadmap,
    pub today: NaiveDate,
    /// Planned tasks done.
    pub done: &'a [TaskRef],
    pub series: &'a [SeriesInput],
    pub baseline: &'a str,
    /// The share of the current month behind us (0–1).
    pub month_elapsed: f64,
}

/// Evaluates the rules of `settings`.
pub fn evaluate(i: &Inputs, settings: &Settings) -> Outcome {
    let rules = settings.rules();
    let mut findings = Vec::new();
    let severity = |rule: Rule, holds: bool| match (holds, settings.fails_on(rule)) {
        (true, _) => Severity::Passed,
        (false, true) => Severity::Failed,
        (false, false) => Severity::Warned,
    };
    let mut push = |rule: Rule, subject: String, sev: Severity, message: String| {
        findings.push(Finding {
            rule,
            subject,
            ok: sev != Severity::Failed && sev != Severity::Warned,
            severity: sev,
            message,
        })
    };
    for rule in &rules {
        match rule {
            Rule::Behind => {
                for m in i.report.metrics.iter().filter(|m| m.latest.is_some()) {
                    let f = |v: f64| format_with_unit(significant(v, 4), &m.unit);
                    let latest = m.latest.as_ref().expect("filtered");
                    let message = match (m.paced_target, m.target) {
                        (Some(p), Some(t)) => format!(
                            "{} ({}) is {} (paced target today {}, target {} by month {})",
                            f(latest.value),
                            latest.source,
                            m.verdict.label(),
                            f(p),
                            f(t.value),
                            t.month
                        ),
                        _ => format!("{} is {}", f(latest.value), m.verdict.label()),
                    };
                    push(
                        Rule::Behind,
                        m.id.clone(),
                        severity(Rule::Behind, m.verdict != Verdict::Behind),
                        message,
                    );
                }
            }
            Rule::Regression => {
                for s in i.series {
                    let Some(m) = i.report.metrics.iter().find(|m| m.id == s.metric) else {
                        continue;
                    };
                    let subject = format!("{}[{}]", s.metric, s.source);
                    let f = |v: f64| format_with_unit(significant(v, 4), &m.unit);
                    let test = settings.test(&s.metric);
                    let Some((value, at)) = &s.newest else {
                        push(
                            Rule::Regression,
                            subject,
                            Severity::NoVerdict,
                            format!("no reading newer than {}", i.baseline),
                        );
                        continue;
                    };
                    let evidence = |n: usize| {
                        format!(
                            "{n} readings, window {}, boundary {}, min change {}%",
                            test.window,
                            test.boundary,
                            fmt_number(test.min_change)
                        )
                    };
                    match gate::judge(&s.window, *value, m.direction, &test) {
                        None => push(
                            Rule::Regression,
                            subject,
                            Severity::NoVerdict,
                            format!(
                                "{} ({at}): too few readings to judge ({} of the {} needed)",
                                f(*value),
                                s.window.len().min(test.window),
                                test.min_samples
                            ),
                        ),
                        Some(j) => {
                            let side = match m.direction {
                                crate::domain::Direction::Higher => "below",
                                crate::domain::Direction::Lower => "above",
                            };
                            let message = if j.regression {
                                format!(
                                    "{} ({at}) is {side} the bound {} and {}% worse than the mean {} ({})",
                                    f(*value),
                                    f(j.bound),
                                    fmt_number(significant(j.change_percent, 3)),
                                    f(j.mean),
                                    evidence(j.n)
                                )
                            } else {
                                format!(
                                    "{} ({at}) is within the bound {} of the mean {} ({})",
                                    f(*value),
                                    f(j.bound),
                                    f(j.mean),
                                    evidence(j.n)
                                )
                            };
                            push(
                                Rule::Regression,
                                subject,
                                severity(Rule::Regression, !j.regression),
                                message,
                            );
                        }
                    }
                }
            }
            Rule::Pace => {
                let c = i.report.progress.month;
                if c.total == 0 {
                    continue;
                }
                let done = c.completed as f64 / c.total as f64;
                push(
                    Rule::Pace,
                    format!("month {}", i.report.current.month),
                    severity(Rule::Pace, done + 1e-9 >= i.month_elapsed),
                    format!(
                        "{}/{} tasks done ({}%) with {}% of the month gone",
                        c.completed,
                        c.total,
                        (done * 100.0).round(),
                        (i.month_elapsed * 100.0).round()
                    ),
                );
            }
            Rule::Unverified => {
                let claims: Vec<&crate::report::claims::CompletionReport> = i
                    .report
                    .completions
                    .iter()
                    .filter(|c| c.standing != Standing::Verified)
                    .collect();
                let total = i.report.completions.len();
                let message = if claims.is_empty() {
                    format!(
                        "all {total} completions are verified (evidence or a measured acceptance)"
                    )
                } else {
                    let names: Vec<String> = claims
                        .iter()
                        .take(5)
                        .map(|c| format!("\"{}\" (month {})", c.title, c.month))
                        .collect();
                    let more = claims.len().saturating_sub(names.len());
                    format!(
                        "{} of {total} completions are not verified: {}{}; attach evidence with `beast evidence ID REF`, or record a measured reading",
                        claims.len(),
                        names.join(", "),
                        if more > 0 { format!(" and {more} more") } else { String::new() }
                    )
                };
                push(
                    Rule::Unverified,
                    "completions".into(),
                    severity(Rule::Unverified, claims.is_empty()),
                    message,
                );
            }
            Rule::TargetUnmet => {
                let mut any = false;
                for c in &i.report.completions {
                    let Some(a) = c
                        .acceptance
                        .as_ref()
                        .filter(|_| c.standing == Standing::TargetUnmet)
                    else {
                        continue;
                    };
                    any = true;
                    push(
                        Rule::TargetUnmet,
                        format!("month {}", c.month),
                        severity(Rule::TargetUnmet, false),
                        format!(
                            "\"{}\" is done but {} is {} ({}, {}), not {}",
                            c.title,
                            a.bound.metric,
                            a.measured.map_or("—".into(), fmt_number),
                            a.source.as_deref().unwrap_or(""),
                            a.measured_at.as_deref().unwrap_or(""),
                            a.bound.describe()
                        ),
                    );
                }
                if !any {
                    push(
                        Rule::TargetUnmet,
                        "completions".into(),
                        Severity::Passed,
                        "no done task's measured reading misses its acceptance".into(),
                    );
                }
            }
            Rule::Overdue => {
                let late = overdue(i.roadmap, i.done, i.today, settings.grace_days());
                if late.is_empty() {
                    push(
                        Rule::Overdue,
                        "roadmap".into(),
                        Severity::Passed,
                        format!(
                            "no planned task is overdue (a block's tasks are due {} days after its last week)",
                            settings.grace_days()
                        ),
                    );
                }
                for (month, tasks) in late {
                    let names: Vec<String> = tasks
                        .iter()
                        .map(|(title, due)| format!("\"{title}\" (due {due})"))
                        .collect();
                    push(
                        Rule::Overdue,
                        format!("month {month}"),
                        severity(Rule::Overdue, false),
                        format!("{} open past due: {}", tasks.len(), names.join(", ")),
                    );
                }
            }
        }
    }
    findings.sort_by_key(|f| f.severity);
    Outcome {
        ok: findings.iter().all(|f| f.severity != Severity::Failed),
        fail_on: Rule::ALL
            .into_iter()
            .filter(|r| settings.fails_on(*r))
            .collect(),
        rules,
        baseline: i.baseline.to_string(),
        findings,
    }
}

/// Planned tasks not done whose block's last week ended more than `grace`
/// days before `today`, by month: (title, due date) each.
pub fn overdue(
    roadmap: &Roadmap,
    done: &[TaskRef],
    today: NaiveDate,
    grace: u32,
) -> BTreeMap<u32, Vec<(String, NaiveDate)>> {
    let mut out: BTreeMap<u32, Vec<(String, NaiveDate)>> = BTreeMap::new();
    for t in roadmap.tasks() {
        let due = crate::domain::calendar::week_end(t.month.number, t.block.weeks.last)
            + chrono::Duration::days(i64::from(grace));
        if today > due && !done.contains(&t.task_ref()) {
            out.entry(t.month.number)
                .or_default()
                .push((t.task.title.clone(), due));
        }
    }
    out
}

/// What each series' newest reading is compared with.
pub enum Base {
    /// The readings before it.
    Previous,
    /// The series as it stood at the end of this stored timestamp.
    AsOf(String),
    /// The series as the log held it at a git revision (its events).
    Events(Vec<crate::domain::event::Event>),
}

/// Readings by series (metric, source): (measured at, id, value) each.
type SeriesMap = BTreeMap<(String, String), Vec<(String, String, f64)>>;

/// The live readings of each series in a set of events (as the log held
/// them at some revision), oldest first: retracted readings and readings of
/// retracted runs do not count; ties in time go by id, as in the index.
fn series_of_events(events: &[crate::domain::event::Event]) -> SeriesMap {
    use crate::domain::event::Body;
    let retracted: std::collections::HashSet<_> = events
        .iter()
        .filter_map(|e| match &e.body {
            Body::Retraction { target, .. } => Some(*target),
            _ => None,
        })
        .collect();
    let mut out = SeriesMap::new();
    for e in events {
        let Body::Reading(r) = &e.body else { continue };
        if retracted.contains(&e.id) || r.run.is_some_and(|run| retracted.contains(&run)) {
            continue;
        }
        out.entry((r.metric.clone(), r.source.clone()))
            .or_default()
            .push((crate::store::timestamp(r.measured_at), e.id.text(), r.value));
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        v.dedup_by(|a, b| a.1 == b.1);
    }
    out
}

/// The series of `metrics` in the history, each with the readings its
/// newest is judged against (at most `window(metric)` of them).
pub fn collect_series(
    r: &dyn crate::store::Facts,
    metrics: &[String],
    window: &dyn Fn(&str) -> usize,
    base: &Base,
) -> anyhow::Result<Vec<SeriesInput>> {
    let at_base = match base {
        Base::Events(events) => Some(series_of_events(events)),
        _ => None,
    };
    let mut out = Vec::new();
    for metric in metrics {
        let w = window(metric);
        for source in r.reading_sources(metric)? {
            let now = r.series(metric, &source, None, w + 1)?;
            let Some(newest) = now.last() else { continue };
            let key = (newest.at.clone(), newest.event_id.clone());
            let (window_values, newer): (Vec<f64>, bool) = match base {
                Base::Previous => (now[..now.len() - 1].iter().map(|x| x.value).collect(), true),
                Base::AsOf(until) => {
                    let then = r.series(metric, &source, Some(until), w)?;
                    let newer = then
                        .last()
                        .is_none_or(|l| (l.at.clone(), l.event_id.clone()) < key);
                    (then.iter().map(|x| x.value).collect(), newer)
                }
                Base::Events(_) => {
                    let then = at_base
                        .as_ref()
                        .and_then(|m| m.get(&(metric.clone(), source.clone())));
                    let values: Vec<f64> = then
                        .map(|v| v[v.len().saturating_sub(w)..].iter().map(|x| x.2).collect())
                        .unwrap_or_default();
                    let newer = then
                        .and_then(|v| v.last())
                        .is_none_or(|l| (l.0.clone(), l.1.clone()) < key);
                    (values, newer)
                }
            };
            out.push(SeriesInput {
                metric: metric.clone(),
                source,
                window: window_values,
                newest: newer.then(|| (newest.value, newest.at.clone())),
            });
        }
    }
    Ok(out)
}

/// The events of a project's history as it was at git revision `rev`: a
/// commit of the history ref (`refs/beast/history~3`,
/// `refs/beast/remotes/origin/history`), or a code revision from before the
/// history had its own ref (its `.beast/events/`). Only the lines a
/// catch-up would take count (see `crate::log::accept`).
pub fn events_at_revision(
    root: &std::path::Path,
    rev: &str,
    rules: &crate::domain::validate::Rules,
) -> anyhow::Result<Vec<crate::domain::event::Event>> {
    // Never an option to git, whatever it is given.
    if rev.starts_with('-') || rev.chars().any(char::is_control) {
        return crate::error::input(format!(
            "--since \"{}\" is neither a date (YYYY-MM-DD) nor a git revision; give one like 2026-03-01 or refs/beast/history~5",
            rev.escape_default()
        ));
    }
    let Some(repo) = crate::git::Repo::find(root) else {
        return crate::error::input(format!(
            "--since {rev}: not a date (YYYY-MM-DD), and there is no git repository to read a revision from"
        ));
    };
    // A revision the clone does not have (a shallow CI checkout, a branch
    // not fetched) is the clone's problem, not the input's: exit 4, and how
    // to fetch it.
    let Some(commit) = repo.commit(rev)? else {
        return crate::error::store(format!(
            "--since {rev}: not a date (YYYY-MM-DD), and this clone has no revision {rev} (a shallow clone, or a ref not fetched); fetch it first (`beast sync` fetches the history) or give a date"
        ));
    };
    let mut files = repo.files_in(&commit, "events")?;
    if files.is_empty() {
        files = repo.files_in(&commit, crate::home::team::IN_TREE_DIR)?;
    }
    let mut events = Vec::new();
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".jsonl")) {
        let text = String::from_utf8_lossy(bytes);
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

    fn roadmap() -> Roadmap {
        crate::roadmap_files::load(&crate::roadmap_files::embedded())
            .unwrap()
            .1
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    #[test]
    fn tasks_are_overdue_by_their_blocks_plus_a_grace() {
        let r = roadmap();
        assert!(overdue(&r, &[], day(1, 2), 3).is_empty());
        // Weeks 1-2 end on the 14th: due the 17th, overdue from the 18th.
        let first_block = |d| overdue(&r, &[], d, 3).get(&1).map_or(0, Vec::len);
        assert_eq!(first_block(day(1, 17)), 0);
        let early = first_block(day(1, 18));
        assert!(early > 0);
        let all = overdue(&r, &[], day(2, 20), 3);
        let month1 = &all[&1];
        assert!(month1.len() > early, "the later blocks too: {month1:?}");
        assert!(month1
            .iter()
            .any(|(t, _)| t == "Fix failed request tracking"));
        assert!(!all.contains_key(&2), "month 2's last block is not over");
        // A done task is not overdue.
        let done: Vec<TaskRef> = r
            .tasks()
            .filter(|t| t.task.title == "Fix failed request tracking")
            .map(|t| t.task_ref())
            .collect();
        let after = overdue(&r, &done, day(2, 20), 3);
        assert_eq!(after[&1].len(), month1.len() - 1);
    }
}
