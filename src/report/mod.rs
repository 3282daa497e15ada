//! The report: one model of "where the team stands", built from the roadmap,
//! the catalog, the store and the date, and rendered by one file per format.
//!
//! `status` (terminal), `status --json`, `report` (JSON) and
//! `report --format markdown` all render the same [`Report`], so they can never
//! disagree about a number.

mod build;
pub mod claims;
pub mod html;
pub mod json;
pub mod markdown;
pub mod openmetrics;
pub mod schema;
pub mod terminal;

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::domain::calendar;
use crate::domain::catalog::{Catalog, Direction, Verdict};
use crate::domain::dogfood::generated_share;
use crate::domain::forecast::{self, ScopeForecast};
use crate::domain::progress::Tally;
use crate::domain::roadmap::Timing;
use crate::domain::roadmap::{Roadmap, TaskRef};
use crate::domain::DogfoodKind;
use crate::domain::Position;
use crate::store::{Completion, Facts};

/// Version of the report's JSON shape; bumped on incompatible changes.
/// 2: `latest.run.id` is the run's event id (a string), `history` added.
/// 3: `verified` beside every `completed`, `completions` (each with its
/// evidence, acceptance, standing and flags) and `claims` added; month
/// tasks carry `standing` and `flags`; each metric lists its `series`.
pub const REPORT_SCHEMA_VERSION: u32 = 3;

/// How many readings the trend column shows.
pub const TREND_LEN: usize = 8;

/// Which history a report shows, for people and for scripts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct HistoryInfo {
    /// `project` or `personal`.
    pub mode: &'static str,
    /// The events directory or the database file (not in the JSON: it differs
    /// between machines that show the same history).
    #[serde(skip)]
    pub location: String,
}

/// Renders a report in one output format.
pub trait Format {
    fn render(&self, report: &Report, out: &mut dyn Write) -> Result<()>;
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Report {
    pub schema_version: u32,
    pub generated_at: String,
    pub today: String,
    /// What the report describes: the project, its repository and commit,
    /// and the beast that made it.
    pub identity: Identity,
    /// Which history the report shows.
    pub history: HistoryInfo,
    pub current: Current,
    pub roadmap: RoadmapInfo,
    pub progress: Progress,
    /// When the current month, quarter and year will be finished at the
    /// recent pace; null outside the roadmap's months.
    pub forecast: Option<Forecast>,
    /// The current month's planned tasks and whether they are done.
    pub month_tasks: Vec<TaskStatus>,
    /// Counts of verified completions and of each kind of claim.
    pub claims: claims::Claims,
    /// Every completion that counts toward progress, in roadmap order,
    /// with what backs it.
    pub completions: Vec<claims::CompletionReport>,
    pub metrics: Vec<MetricReport>,
    pub dogfood: Vec<DogfoodReport>,
    /// Ad-hoc (unplanned) work per month; never part of the denominators.
    pub adhoc: Vec<AdhocMonth>,
    /// The latest completions, newest first.
    pub recent: Vec<RecentCompletion>,
    /// Readings over time and target checkpoints per metric, for charts;
    /// filled only when a renderer needs them (HTML), never in the JSON.
    #[serde(skip)]
    #[schemars(skip)]
    pub series: Vec<Series>,
}

impl Report {
    /// The progress scopes people read, each with its forecast: the current
    /// month, quarter and year, then overall (which has none).
    pub fn scopes(&self) -> Vec<(String, Count, Option<&ScopeForecast>)> {
        let (c, p, f) = (&self.current, &self.progress, self.forecast.as_ref());
        vec![
            (
                format!("Month {}", c.month),
                p.month,
                f.and_then(|f| f.month.as_ref()),
            ),
            (
                format!("Q{} of year {}", c.quarter, c.year),
                p.quarter,
                f.and_then(|f| f.quarter.as_ref()),
            ),
            (
                format!("Year {}", c.year),
                p.year,
                f.and_then(|f| f.year.as_ref()),
            ),
            ("Overall".to_string(), p.overall, None),
        ]
    }
}

/// One metric's readings over time, for a chart.
#[derive(Debug, Clone)]
pub struct Series {
    pub metric: String,
    /// (measured at, value, source), oldest first.
    pub points: Vec<(String, f64, String)>,
    /// Every target checkpoint: (month, value).
    pub targets: Vec<(u32, f64)>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Current {
    pub year: i32,
    pub quarter: u32,
    pub month: i32,
    pub week: u8,
    pub state: MonthState,
    pub month_title: Option<String>,
    pub quarter_theme: Option<String>,
}

/// Where the calendar puts the team relative to the roadmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MonthState {
    /// The month has a roadmap.
    Planned,
    /// Its year has no roadmap file (like year 2).
    Unplanned,
    NotStarted,
    Finished,
}

impl MonthState {
    pub fn label(self) -> &'static str {
        match self {
            MonthState::Planned => "planned",
            MonthState::Unplanned => "unplanned",
            MonthState::NotStarted => "not started",
            MonthState::Finished => "finished",
        }
    }
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RoadmapInfo {
    /// The roadmap's name ("BEAST MODE roadmap" built in; `name` in a
    /// roadmap directory's roadmap.toml).
    pub name: String,
    /// The calendar month of its month 1, YYYY-MM.
    pub start: String,
    pub years: Vec<u32>,
    pub missing_years: Vec<u32>,
    pub tasks: usize,
}

#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
pub struct Count {
    pub completed: usize,
    pub total: usize,
    /// Completed tasks whose completion is verified (evidence, or a
    /// measured reading meeting the task's acceptance).
    pub verified: usize,
    /// Completed tasks whose measured reading misses the task's acceptance.
    pub target_unmet: usize,
    /// 0–100, or null when the scope has no planned tasks.
    pub percent: Option<f64>,
}

impl From<Tally> for Count {
    fn from(t: Tally) -> Count {
        Count {
            completed: t.completed,
            total: t.total,
            verified: t.verified,
            target_unmet: t.target_unmet,
            percent: t.percent().map(|p| round(p, 2)),
        }
    }
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Progress {
    pub overall: Count,
    pub year: Count,
    pub quarter: Count,
    pub month: Count,
    pub months: Vec<MonthCount>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Forecast {
    /// Days of history the pace is measured over.
    pub window_days: i64,
    /// Each null when the scope has no planned tasks.
    pub month: Option<ScopeForecast>,
    pub quarter: Option<ScopeForecast>,
    pub year: Option<ScopeForecast>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct MonthCount {
    pub month: u32,
    pub title: String,
    pub completed: usize,
    pub total: usize,
    pub verified: usize,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct TaskStatus {
    pub weeks: String,
    pub block: String,
    pub title: String,
    pub done: bool,
    /// The week the work was recorded as done.
    pub week_done: Option<u8>,
    /// Relative to the task's week block.
    pub timing: Option<Timing>,
    pub completed_at: Option<String>,
    /// Verified, claimed or target unmet; null while not done.
    pub standing: Option<crate::domain::claims::Standing>,
    pub flags: Vec<crate::domain::claims::Flag>,
}

impl TaskStatus {
    /// "verified", "claimed (ahead of plan, bulk)"; empty while not done.
    pub fn standing_text(&self) -> String {
        let Some(s) = self.standing else {
            return String::new();
        };
        let flags: Vec<&str> = self
            .flags
            .iter()
            .filter(|f| **f != crate::domain::claims::Flag::TargetUnmet)
            .map(|f| f.label())
            .collect();
        match flags.is_empty() {
            true => s.label().to_string(),
            false => format!("{} ({})", s.label(), flags.join(", ")),
        }
    }
}

/// How long before `now` a reading was measured, in words people read at
/// a glance ("today", "3 days ago", "2 months ago"); both RFC 3339.
pub fn age(at: &str, now: &str) -> String {
    let parse = |t: &str| chrono::DateTime::parse_from_rfc3339(t).ok();
    let (Some(at), Some(now)) = (parse(at), parse(now)) else {
        return String::new();
    };
    let days = (now - at).num_days();
    match days {
        d if d < 0 => "dated after today".into(),
        0 => "today".into(),
        1 => "yesterday".into(),
        d if d < 14 => format!("{d} days ago"),
        d if d < 61 => format!("{} weeks ago", d / 7),
        d if d < 730 => format!("{} months ago", d / 30),
        d => format!("{} years ago", d / 365),
    }
}

impl Identity {
    /// One line for a report's header: "project team-a · main at 1a2b3c4d ·
    /// beast 0.1.0".
    pub fn line(&self) -> String {
        let mut parts = vec![format!("project {}", self.project)];
        match (&self.branch, &self.commit) {
            (Some(b), Some(c)) => parts.push(format!("{b} at {}", &c[..c.len().min(12)])),
            (None, Some(c)) => parts.push(format!("commit {}", &c[..c.len().min(12)])),
            (Some(b), None) => parts.push(format!("branch {b}")),
            (None, None) => {}
        }
        if let Some(r) = &self.repository {
            parts.push(r.clone());
        }
        parts.push(format!("beast {}", self.beast_version));
        parts.join(" · ")
    }
}

/// What a report describes, so that a file, a page or a scrape can be told
/// from another repository's.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Identity {
    /// The project's name: `project` in `.beast/config.toml`, else the
    /// repository directory's name; `personal` for a personal history.
    pub project: String,
    /// The repository's `origin` URL (without credentials), if any.
    pub repository: Option<String>,
    /// The code commit checked out (HEAD), if any.
    pub commit: Option<String>,
    /// Its branch; null when detached.
    pub branch: Option<String>,
    pub beast_version: String,
    /// The report's schema version.
    pub schema: u32,
}
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct LatestReading {
    pub value: f64,
    pub at: String,
    pub source: String,
    pub note: Option<String>,
    /// The benchmark run that measured the value, for `bench:*` sources.
    pub run: Option<RunRef>,
    /// A reading of beast's built-in reference workload: the headline only
    /// because the team has no series of its own for the metric.
    #[serde(default)]
    pub reference: bool,
}

/// Where a measured number came from: a stored `beast bench` run.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RunRef {
    /// The run's event id.
    pub id: String,
    /// Its short form, as `status` shows it.
    pub short: String,
    pub kind: String,
    pub workload: String,
    pub seed: Option<i64>,
    /// The configuration (cache) or selector (routing) the reading comes from.
    pub recorded: String,
    pub started_at: String,
    pub duration_ms: f64,
    /// A cache run's hits served, right or wrong; its hit rates count only
    /// the right ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hits_served: Option<u64>,
    /// Of those, the ones that answered another request (null when the
    /// workload cannot tell).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub false_hits: Option<u64>,
}

#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
pub struct TargetOut {
    pub month: u32,
    pub value: f64,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct MetricReport {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub direction: Direction,
    pub baseline: Option<f64>,
    pub count: u64,
    pub latest: Option<LatestReading>,
    pub target: Option<TargetOut>,
    pub paced_target: Option<f64>,
    pub verdict: Verdict,
    /// The last readings of the series `latest` belongs to (the metric from
    /// `latest.source`), oldest first.
    pub trend: Vec<f64>,
    /// Every series of the metric — its live readings from one source —
    /// with its newest reading, newest first.
    pub series: Vec<SeriesLatest>,
}

/// One series of a metric: its live readings from one source.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SeriesLatest {
    pub source: String,
    /// Its newest reading is of beast's built-in reference workload: never
    /// the headline while the team has a series of its own.
    pub reference: bool,
    /// How many live readings it has.
    pub readings: u64,
    pub value: f64,
    /// When its newest reading was measured.
    pub at: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DogfoodReport {
    pub kind: DogfoodKind,
    pub generated: u64,
    pub manual: u64,
    /// Share generated with BEAST MODE, 0–100; null with no events.
    pub share: Option<f64>,
    pub target: Option<f64>,
    pub verdict: Verdict,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct AdhocMonth {
    pub month: u32,
    pub count: u64,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RecentCompletion {
    pub month: u32,
    pub week: u8,
    pub title: String,
    pub adhoc: bool,
    pub completed_at: String,
    pub note: Option<String>,
}

/// Text as it may reach a terminal: control characters are shown, not
/// obeyed. ESC becomes `␛` and the other C0 controls their Unicode control
/// pictures (`␇`, `␍`…), DEL `␡`, C1 controls `\u{9b}`. A title recorded as
/// "x\e]0;PWNED\a" can then neither retitle the terminal nor forge a line.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?')),
            '\u{7f}' => out.push('␡'),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The widest text a table cell shows; longer text ends in `…`.
pub const CELL_CHARS: usize = 200;

/// `text` cut to at most `max` characters, the last of them `…` when it was
/// longer: a table's layout costs grow faster than the length of its longest
/// cell, and no one reads a note of a megabyte in a terminal.
///
/// ```
/// assert_eq!(beast::report::clip("abcdef", 4), "abc…");
/// assert_eq!(beast::report::clip("abc", 4), "abc");
/// ```
pub fn clip(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(text),
        Some(_) => {
            let cut = text.char_indices().nth(max - 1).map_or(0, |(i, _)| i);
            std::borrow::Cow::Owned(format!("{}…", &text[..cut]))
        }
    }
}

/// Rounds to `places` decimals, to keep float noise out of the JSON.
pub fn round(value: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (value * f).round() / f
}

pub use build::{build, Inputs};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_readings_age_is_in_words() {
        let now = "2026-12-07T12:00:00Z";
        assert_eq!(age("2026-12-07T08:00:00Z", now), "today");
        assert_eq!(age("2026-12-04T12:00:00Z", now), "3 days ago");
        assert_eq!(age("2026-01-20T12:00:00Z", now), "10 months ago");
        assert_eq!(age("2099-01-01T12:00:00Z", now), "dated after today");
    }
}
