//! Claims and proof: what a completion shows besides having been recorded.
//!
//! Recording `beast complete` says a task is done; it does not show it. A
//! completion is **verified** when something outside the claim backs it — a
//! piece of evidence (a commit, a URL, a file of the repository, a commit
//! trailer naming the task) or, for a task whose roadmap entry has an
//! `accept` bound, a measured reading that meets the bound — and a **claim**
//! otherwise. A task with acceptance whose newest measured reading misses
//! the bound is `target_unmet`, whatever else backs it: the numbers say the
//! work is not done yet.
//!
//! Facts about how a completion was recorded are flags, shown beside it,
//! never errors:
//! - `ahead_of_plan`: said done before its week block began;
//! - `bulk`: one of at least [`BULK_COUNT`] completions that count toward
//!   progress recorded by one author within [`BULK_WINDOW_MINUTES`] minutes;
//! - `imported`: from the old tracker's file, whose dates are its own;
//! - `target_unmet`: as above.
//!
//! Readings from `manual` and from the legacy import (`import:*`) are
//! claims themselves: they neither verify nor un-verify.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::roadmap::{Acceptance, Roadmap, TaskRef};

/// Whether a benchmark run's workload is one of beast's built-in reference
/// workloads (generated, or shipped in `data/`) rather than the team's own
/// trace or dataset: its readings measure beast's reference implementation,
/// not the team's system, and never stand for the team's metric.
pub fn is_reference_workload(workload: &str) -> bool {
    workload.starts_with("built-in") || workload.starts_with("data/")
}

/// How a row that counts trailers left unread begins (no trailer's value
/// can: git's reader splits values on this character).
pub const TRAILERS_BEYOND: &str = "\u{1f}beyond:";

/// What the repository's commits say about tasks: each `Roadmap-Task:`
/// trailer that names a task of the roadmap, by task, and those that name
/// none.
#[derive(Debug, Clone, Default)]
pub struct Trailers {
    /// Commit ids naming each task, newest first.
    pub by_task: std::collections::HashMap<TaskRef, Vec<String>>,
    /// (commit id, the trailer's value, why it names no task).
    pub unmatched: Vec<(String, String, String)>,
    /// The clone is shallow: older commits' trailers were not seen.
    pub shallow: bool,
    /// Evidence (by its event id) that the repository does not back now,
    /// and why: it verifies nothing.
    pub unresolved: std::collections::HashMap<String, String>,
    /// Records (by event id) that reached the shared history more than a
    /// day after the time they claim, and when they arrived.
    pub backdated: std::collections::HashMap<String, DateTime<Utc>>,
}

impl Trailers {
    /// Resolves (commit, value) trailers against the roadmap, as `beast
    /// complete M W TITLE` resolves its arguments.
    pub fn resolve(rows: &[(String, String)], roadmap: &Roadmap, shallow: bool) -> Trailers {
        let mut t = Trailers {
            shallow,
            ..Trailers::default()
        };
        for (commit, value) in rows {
            if let Some(count) = value.strip_prefix(TRAILERS_BEYOND) {
                t.unmatched.push((
                    commit.clone(),
                    "Roadmap-Task: …".into(),
                    format!("{count}; not read"),
                ));
                continue;
            }
            if let Err(why) =
                super::validate::check_text("the trailer", value, super::validate::MAX_NAME, false)
            {
                t.unmatched
                    .push((commit.clone(), value.escape_default().to_string(), why));
                continue;
            }
            let found = match parse_task_trailer(value) {
                None => {
                    Err("write it as M/W Title, e.g. 1/1 Fix failed request tracking".to_string())
                }
                Some((m, w, title)) => match roadmap.month(m) {
                    None => Err(format!("month {m} has no roadmap")),
                    Some(month) => month
                        .find_task(title, w)
                        .map(|(b, task)| TaskRef::of(m, b, task)),
                },
            };
            match found {
                Ok(task) => {
                    let commits = t.by_task.entry(task).or_default();
                    if !commits.contains(commit) {
                        commits.push(commit.clone());
                    }
                }
                Err(why) => t.unmatched.push((commit.clone(), value.clone(), why)),
            }
        }
        t
    }
}

/// How many completions of one author in one window make a burst.
pub const BULK_COUNT: usize = 10;
/// The window, in minutes, a burst of completions falls within.
pub const BULK_WINDOW_MINUTES: i64 = 60;

/// A fact about how a completion was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    AheadOfPlan,
    Bulk,
    Imported,
    TargetUnmet,
    /// Reached the team's shared history more than a day after the time
    /// it claims.
    Backdated,
}

impl Flag {
    pub fn label(self) -> &'static str {
        match self {
            Flag::AheadOfPlan => "ahead of plan",
            Flag::Bulk => "bulk",
            Flag::Imported => "imported",
            Flag::TargetUnmet => "target unmet",
            Flag::Backdated => "backdated",
        }
    }
}

/// Where a completion stands between claim and proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Evidence or a measured reading that meets the task's acceptance.
    Verified,
    /// Nothing but the record says it is done.
    Claimed,
    /// The task's newest measured reading misses its acceptance bound.
    TargetUnmet,
}

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Standing::Verified => "verified",
            Standing::Claimed => "claimed",
            Standing::TargetUnmet => "target unmet",
        }
    }
}

/// Whether work on `task` said done at `at` was done before the task's
/// week block began (dates in UTC).
pub fn ahead_of_plan(task: &TaskRef, at: DateTime<Utc>) -> bool {
    at.date_naive() < super::calendar::week_start(task.month, task.block_first_week)
}

/// The standing of a completion with `evidence` pieces of evidence, of a
/// task with acceptance `accept` whose metric's newest measured reading is
/// `measured`.
pub fn standing(evidence: usize, accept: Option<&Acceptance>, measured: Option<f64>) -> Standing {
    match (accept, measured) {
        (Some(a), Some(v)) if !a.met(v) => Standing::TargetUnmet,
        (Some(_), Some(_)) => Standing::Verified,
        _ if evidence > 0 => Standing::Verified,
        _ => Standing::Claimed,
    }
}

/// Which of `completions` — (author, recorded at) each — are part of a burst:
/// at least [`BULK_COUNT`] by one author recorded within
/// [`BULK_WINDOW_MINUTES`] minutes of the first of them.
pub fn bulk(completions: &[(&str, DateTime<Utc>)]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..completions.len()).collect();
    order.sort_by_key(|&i| (completions[i].0, completions[i].1));
    let window = chrono::Duration::minutes(BULK_WINDOW_MINUTES);
    let mut out = vec![false; completions.len()];
    let mut end = 0;
    for start in 0..order.len() {
        let (author, first) = completions[order[start]];
        end = end.max(start);
        while end + 1 < order.len() {
            let (a, t) = completions[order[end + 1]];
            if a != author || t - first > window {
                break;
            }
            end += 1;
        }
        if end + 1 - start >= BULK_COUNT {
            for &i in &order[start..=end] {
                out[i] = true;
            }
        }
    }
    out
}

/// A trailer's value read as the task it names: `M/W Title`, as `beast
/// complete M W Title` takes it.
///
/// ```
/// use beast::domain::claims::parse_task_trailer;
/// assert_eq!(parse_task_trailer("1/1 Fix failed request tracking"),
///            Some((1, 1, "Fix failed request tracking")));
/// assert_eq!(parse_task_trailer("fix it"), None);
/// ```
pub fn parse_task_trailer(value: &str) -> Option<(u32, u8, &str)> {
    let (at, title) = value.trim().split_once(char::is_whitespace)?;
    let (m, w) = at.split_once('/')?;
    let title = title.trim();
    (!title.is_empty()).then_some(())?;
    Some((m.parse().ok()?, w.parse().ok()?, title))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap() + chrono::Duration::minutes(minute)
    }

    #[test]
    fn ten_by_one_author_within_an_hour_are_a_burst_and_nine_are_not() {
        let ten: Vec<(&str, DateTime<Utc>)> = (0..10).map(|i| ("a", at(i * 6))).collect();
        assert!(bulk(&ten).iter().all(|b| *b), "0..54 minutes");
        let spread: Vec<(&str, DateTime<Utc>)> = (0..10).map(|i| ("a", at(i * 7))).collect();
        assert!(
            bulk(&spread).iter().all(|b| !*b),
            "63 minutes apart at the ends"
        );
        let nine = &ten[..9];
        assert!(bulk(nine).iter().all(|b| !*b));
        // Two authors' nine each are no one's burst.
        let mut two: Vec<(&str, DateTime<Utc>)> = (0..9).map(|i| ("a", at(i))).collect();
        two.extend((0..9).map(|i| ("b", at(i))));
        assert!(bulk(&two).iter().all(|b| !*b));
        // A burst marks its members only, in the caller's order.
        let mut mixed = vec![("a", at(-600))];
        mixed.extend((0..10).map(|i| ("a", at(i))));
        mixed.push(("a", at(600)));
        let b = bulk(&mixed);
        assert_eq!(b.iter().filter(|x| **x).count(), 10);
        assert!(!b[0] && !b[11]);
    }

    #[test]
    fn acceptance_decides_where_a_measured_reading_exists() {
        let a = Acceptance {
            metric: "cacheHitRate".into(),
            min: Some(40.0),
            max: None,
        };
        assert_eq!(standing(0, None, None), Standing::Claimed);
        assert_eq!(standing(1, None, None), Standing::Verified);
        assert_eq!(standing(0, Some(&a), None), Standing::Claimed);
        assert_eq!(standing(1, Some(&a), None), Standing::Verified);
        assert_eq!(standing(0, Some(&a), Some(40.0)), Standing::Verified);
        assert_eq!(standing(0, Some(&a), Some(39.9)), Standing::TargetUnmet);
        assert_eq!(standing(3, Some(&a), Some(12.0)), Standing::TargetUnmet);
    }
}
