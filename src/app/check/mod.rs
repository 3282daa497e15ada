//! The CI gate: `beast check` applies rules to the history and fails (exit
//! 5) only on what the job asks to fail on — by default a regression, the
//! one thing a change can cause — and warns about the rest. The rules and
//! the statistics are in `domain::gate`; here they meet the history: the
//! series of each metric per source, the roadmap's week blocks, the report.
//!
//! With `--since` (a pull request's job) the check speaks only of what the
//! compared range changed — readings, completions and evidence added since
//! — and everything the base already had (overdue months, pace, old claims)
//! is *inherited*: reported, never an annotation, never a failure. A change
//! that touches only code gets exit 0 and nothing to read.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::catalog::{fmt_number, format_with_unit, significant};
use crate::domain::claims::Standing;
use crate::domain::gate::{self, Rule, Settings};
use crate::domain::{Roadmap, TaskRef, Verdict};
use crate::report::Report;

mod series;

pub use series::{collect_series, history_at_revision, Base};

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
    /// State the base already had (with `--since`): reported, never
    /// failed on, never an annotation.
    #[serde(default)]
    pub inherited: bool,
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
    /// The source as shown (`bench:cache (reference)` for the built-in
    /// workload's readings).
    pub source: String,
    /// The readings the new ones are compared with, oldest first.
    pub base: Vec<f64>,
    /// The readings to judge and when each was measured, oldest first;
    /// empty when there is none (with `--since`: nothing new since).
    pub new: Vec<(f64, String)>,
    /// Whether the newest readings of `base` may confirm a regression
    /// (judged after each reading; not for a pull request).
    pub confirm_in_base: bool,
    /// Readings of beast's built-in reference workload, not the team's.
    pub reference: bool,
    /// The newest reading dated after today, if any (when, and whether it
    /// is new in the compared range): left out of the gate.
    pub future: Option<(String, bool)>,
    /// The metric's valid range: bounds are shown within it.
    pub range: (f64, f64),
}

/// What `--since` compares with: what the range added.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Completions (event ids) added since the base.
    pub new_completions: std::collections::HashSet<String>,
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
    /// With `--since`: what the range added; everything else is inherited.
    pub scope: Option<&'a Scope>,
}

/// Evaluates the rules of `settings`.
pub fn evaluate(i: &Inputs, settings: &Settings) -> Outcome {
    let rules = settings.rules();
    let mut findings = Vec::new();
    let scoped = i.scope.is_some();
    let severity = |rule: Rule, holds: bool| match (holds, settings.fails_on(rule)) {
        (true, _) => Severity::Passed,
        (false, true) => Severity::Failed,
        (false, false) => Severity::Warned,
    };
    // Inherited state is reported, never failed on.
    let mut push =
        |rule: Rule, subject: String, sev: Severity, message: String, inherited: bool| {
            let severity = if inherited && sev == Severity::Failed {
                Severity::Warned
            } else {
                sev
            };
            findings.push(Finding {
                rule,
                subject,
                ok: severity != Severity::Failed && severity != Severity::Warned,
                severity,
                message,
                inherited,
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
                        scoped,
                    );
                }
            }
            Rule::Regression => {
                for s in i.series {
                    let Some(m) = i.report.metrics.iter().find(|m| m.id == s.metric) else {
                        continue;
                    };
                    let subject = format!("{}[{}]", s.metric, s.source);
                    if let Some((at, new)) = &s.future {
                        push(
                            Rule::Regression,
                            subject.clone(),
                            Severity::Warned,
                            format!(
                                "a reading dated {at}, after today, is left out of the gate (it would hide every later regression); if its date is wrong, retract it (`beast log`, `beast undo ID`) and record it again"
                            ),
                            scoped && !new,
                        );
                    }
                    if s.reference && !settings.gates_reference() {
                        if !scoped {
                            push(
                                Rule::Regression,
                                subject,
                                Severity::NoVerdict,
                                "readings of beast's built-in reference workload, not of this team's system: not gated ([check] reference = true gates them as a series of their own)".into(),
                                false,
                            );
                        }
                        continue;
                    }
                    let Some((value, at)) = s.new.last() else {
                        if !scoped {
                            push(
                                Rule::Regression,
                                subject,
                                Severity::NoVerdict,
                                format!("no reading newer than {}", i.baseline),
                                false,
                            );
                        }
                        continue;
                    };
                    let f = |v: f64| format_with_unit(significant(v, 4), &m.unit);
                    let test = settings.test(&s.metric);
                    let values: Vec<f64> = s.new.iter().map(|(v, _)| *v).collect();
                    let Some(mut j) =
                        gate::judge(&s.base, &values, m.direction, &test, s.confirm_in_base)
                    else {
                        push(
                            Rule::Regression,
                            subject,
                            Severity::NoVerdict,
                            format!(
                                "{} ({at}): too few readings to judge (fewer than {} since the series last changed level)",
                                f(*value),
                                test.min_samples
                            ),
                            false,
                        );
                        continue;
                    };
                    // A bound past the metric's range says nothing more.
                    j.bound = j.bound.clamp(s.range.0, s.range.1);
                    j.fail_bound = j.fail_bound.map(|b| b.clamp(s.range.0, s.range.1));
                    let (side, beyond_word) = match m.direction {
                        crate::domain::Direction::Higher => ("below", "under"),
                        crate::domain::Direction::Lower => ("above", "over"),
                    };
                    let regime = if j.before_regime > 0 {
                        format!("the {} readings since the series last changed level", j.n)
                    } else {
                        format!("its last {} readings", j.n)
                    };
                    let worse = fmt_number(significant(j.change_percent, 3));
                    let message = match j.call {
                        gate::Call::Fail if j.beyond >= test.confirm.max(1) => format!(
                            "{} ({at}) is {side} the bound {}, {worse}% worse than the median {} of {regime}, and the last {} readings in a row are {beyond_word} it: a regression",
                            f(*value),
                            f(j.bound),
                            f(j.center),
                            j.beyond
                        ),
                        gate::Call::Fail => format!(
                            "{} ({at}) is {side} the fail bound {}, {worse}% worse than the median {} of {regime}, a series with no one-off excursions: a regression",
                            f(*value),
                            f(j.fail_bound.unwrap_or(j.bound)),
                            f(j.center)
                        ),
                        gate::Call::Warn => format!(
                            "{} ({at}) is {side} the warn bound {}, {worse}% worse than the median {} of {regime}; one reading — it fails if the next is {beyond_word} it too{}",
                            f(*value),
                            f(j.bound),
                            f(j.center),
                            match j.fail_bound {
                                Some(b) => format!(" or if one is {side} {}", f(b)),
                                None if j.excursions > 0 => format!(
                                    " (one reading alone does not fail: this series has had {} one-off excursion{})",
                                    j.excursions,
                                    if j.excursions == 1 { "" } else { "s" }
                                ),
                                None => format!(
                                    " (one reading alone fails a series only after {} readings, or on a new level, without a one-off excursion)",
                                    gate::QUIET_READINGS
                                ),
                            }
                        ),
                        gate::Call::Ok => format!(
                            "{} ({at}) is within the bound {} of the median {} of {regime}",
                            f(*value),
                            f(j.bound),
                            f(j.center)
                        ),
                    };
                    let sev = match j.call {
                        gate::Call::Fail => severity(Rule::Regression, false),
                        gate::Call::Warn => Severity::Warned,
                        gate::Call::Ok => Severity::Passed,
                    };
                    push(Rule::Regression, subject, sev, message, false);
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
                    scoped,
                );
            }
            Rule::Unverified => {
                let is_new = |c: &&crate::report::claims::CompletionReport| {
                    i.scope.is_some_and(|s| s.new_completions.contains(&c.id))
                };
                let all: Vec<&crate::report::claims::CompletionReport> =
                    i.report.completions.iter().collect();
                // With `--since`: the completions the range added, then
                // the base's as inherited.
                let groups: Vec<(Vec<&crate::report::claims::CompletionReport>, bool)> = if scoped {
                    let (new, old): (Vec<_>, Vec<_>) = all.into_iter().partition(is_new);
                    let mut g = Vec::new();
                    if !new.is_empty() {
                        g.push((new, false));
                    }
                    if old.iter().any(|c| c.standing != Standing::Verified) {
                        g.push((old, true));
                    }
                    g
                } else {
                    vec![(all, false)]
                };
                for (group, inherited) in groups {
                    let claims: Vec<_> = group
                        .iter()
                        .filter(|c| c.standing != Standing::Verified)
                        .collect();
                    let total = group.len();
                    let added = if scoped && !inherited { " added" } else { "" };
                    let message = if claims.is_empty() {
                        format!(
                            "all {total}{added} completions are verified (evidence or a measured acceptance)"
                        )
                    } else {
                        let names: Vec<String> = claims
                            .iter()
                            .take(5)
                            .map(|c| format!("\"{}\" (month {})", c.title, c.month))
                            .collect();
                        let more = claims.len().saturating_sub(names.len());
                        format!(
                            "{} of {total}{added} completions are not verified: {}{}; attach evidence with `beast evidence ID REF`, or record a measured reading",
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
                        inherited,
                    );
                }
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
                    let inherited = i.scope.is_some_and(|s| !s.new_completions.contains(&c.id));
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
                        inherited,
                    );
                }
                if !any && !scoped {
                    push(
                        Rule::TargetUnmet,
                        "completions".into(),
                        Severity::Passed,
                        "no done task's measured reading misses its acceptance".into(),
                        false,
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
                        scoped,
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
                        scoped,
                    );
                }
            }
        }
    }
    // What the change did first (failures, warnings, the rest), then what
    // it inherited.
    findings.sort_by_key(|f| (f.inherited, f.severity));
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
