//! The report: one model of "where the team stands", built from the roadmap,
//! the catalog, the store and the date, and rendered by one file per format.
//!
//! `status` (terminal), `status --json`, `report` (JSON) and
//! `report --format markdown` all render the same [`Report`], so they can never
//! disagree about a number.

pub mod claims;
pub mod html;
pub mod json;
pub mod markdown;
pub mod openmetrics;
pub mod schema;
pub mod terminal;

use std::collections::{HashMap, HashSet};
use std::io::Write;

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::domain::calendar;
use crate::domain::catalog::{Catalog, Direction, Verdict};
use crate::domain::dogfood::generated_share;
use crate::domain::forecast::{self, ScopeForecast};
use crate::domain::progress::{tally_verified, Scope, Tally};
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
    /// 0–100, or null when the scope has no planned tasks.
    pub percent: Option<f64>,
}

impl From<Tally> for Count {
    fn from(t: Tally) -> Count {
        Count {
            completed: t.completed,
            total: t.total,
            verified: t.verified,
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

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct LatestReading {
    pub value: f64,
    pub at: String,
    pub source: String,
    pub note: Option<String>,
    /// The benchmark run that measured the value, for `bench:*` sources.
    pub run: Option<RunRef>,
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

/// Everything a report needs besides the store.
pub struct Inputs<'a> {
    pub roadmap: &'a Roadmap,
    pub catalog: &'a Catalog,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    pub history: HistoryInfo,
    /// How many readings per metric to include as chart series (0: none).
    pub series: usize,
    /// What the repository's commit trailers say about tasks.
    pub trailers: &'a crate::domain::claims::Trailers,
}

fn run_ref(db: &dyn Facts, id: Option<&str>) -> Result<Option<RunRef>> {
    let Some(id) = id else { return Ok(None) };
    Ok(db.bench_run(id)?.map(|r| {
        // The recorded configuration's figures, for a cache run's hits.
        let figures: Option<serde_json::Value> =
            serde_json::from_str::<serde_json::Value>(&r.results)
                .ok()
                .and_then(|v| {
                    v.as_array()?
                        .iter()
                        .find(|c| c["config"]["name"] == r.recorded.as_str())
                        .cloned()
                });
        let count = |k: &str| figures.as_ref().and_then(|f| f[k].as_u64());
        RunRef {
            hits_served: if r.kind == "cache" {
                count("hits")
            } else {
                None
            },
            false_hits: if r.kind == "cache" {
                count("false_hits")
            } else {
                None
            },
            short: r
                .event_id
                .parse::<crate::domain::event::EventId>()
                .map_or_else(|_| r.event_id.clone(), |i| i.short()),
            id: r.event_id,
            kind: r.kind,
            workload: r.workload,
            seed: r.seed,
            recorded: r.recorded,
            started_at: r.started_at,
            duration_ms: r.duration_ms,
        }
    }))
}

pub fn build(inputs: &Inputs, db: &dyn Facts) -> Result<Report> {
    let Inputs {
        roadmap,
        catalog,
        today,
        now,
        ref history,
        series: series_limit,
        trailers,
    } = *inputs;
    let pos = Position::from_date(today);
    let completions = db.planned_completions()?;
    let by_ref: HashMap<TaskRef, &Completion> = completions
        .iter()
        .filter_map(|c| c.task_ref().map(|r| (r, c)))
        .collect();
    let done: HashSet<TaskRef> = by_ref.keys().cloned().collect();
    let all_series = db.all_series()?;
    let assessed = claims::assess(roadmap, &completions, db, &all_series, trailers)?;
    let verified = assessed.verified();

    let month = pos.roadmap_month();
    let current_month = month.and_then(|m| roadmap.month(m));
    let quarter = month.and_then(|m| {
        roadmap
            .year(crate::domain::roadmap::year_of(m))?
            .quarters
            .iter()
            .find(|q| q.number == pos.quarter())
    });
    let state = match month {
        None if pos.month < 1 => MonthState::NotStarted,
        None => MonthState::Finished,
        Some(_) if current_month.is_some() => MonthState::Planned,
        Some(_) => MonthState::Unplanned,
    };

    let scoped = |scope: Option<Scope>| -> Count {
        scope
            .map_or(Tally::default(), |s| {
                tally_verified(roadmap, &done, &verified, s)
            })
            .into()
    };
    let year_scope = month.map(crate::domain::roadmap::year_of);
    let progress = Progress {
        overall: scoped(Some(Scope::Overall)),
        year: scoped(year_scope.map(Scope::Year)),
        quarter: scoped(year_scope.map(|y| Scope::Quarter(y, pos.quarter()))),
        month: scoped(month.map(Scope::Month)),
        months: roadmap
            .months()
            .map(|m| {
                let t = tally_verified(roadmap, &done, &verified, Scope::Month(m.number));
                MonthCount {
                    month: m.number,
                    title: m.title.clone(),
                    completed: t.completed,
                    total: t.total,
                    verified: t.verified,
                }
            })
            .collect(),
    };

    let forecast = month.map(|m| {
        let window_start = crate::store::timestamp(
            (today - chrono::Duration::days(forecast::WINDOW_DAYS))
                .and_hms_opt(23, 59, 59)
                .expect("a valid time")
                .and_utc(),
        );
        let recent: Vec<u32> = completions
            .iter()
            .filter(|c| c.completed_at > window_start)
            .map(|c| c.month)
            .collect();
        let (y, q) = (
            crate::domain::roadmap::year_of(m),
            crate::domain::roadmap::quarter_of(m),
        );
        let in_year = |x: u32| crate::domain::roadmap::year_of(x) == y;
        let in_quarter = |x: u32| in_year(x) && crate::domain::roadmap::quarter_of(x) == q;
        let scope = |count: Count, last_month: u32, member: &dyn Fn(u32) -> bool| {
            (count.total > 0).then(|| {
                forecast::forecast(
                    count.total - count.completed,
                    recent.iter().filter(|x| member(**x)).count(),
                    today,
                    calendar::month_end(last_month),
                )
            })
        };
        let quarter_last = (y - 1) * 12 + q * 3;
        Forecast {
            window_days: forecast::WINDOW_DAYS,
            month: scope(progress.month, m, &|x| x == m),
            quarter: scope(progress.quarter, quarter_last, &in_quarter),
            year: scope(progress.year, y * 12, &in_year),
        }
    });

    let month_tasks = current_month
        .map(|m| {
            m.tasks()
                .map(|(block, task)| {
                    let r = TaskRef::of(m.number, block, task);
                    let c = by_ref.get(&r);
                    let a = assessed.of(&r);
                    TaskStatus {
                        weeks: block.weeks.to_string(),
                        block: block.title.clone(),
                        title: task.title.clone(),
                        done: c.is_some(),
                        week_done: c.map(|c| c.week),
                        timing: c.map(|c| Timing::of(block.weeks, c.week)),
                        completed_at: c.map(|c| c.completed_at.clone()),
                        standing: a.map(|a| a.standing),
                        flags: a.map(|a| a.flags.clone()).unwrap_or_default(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();

    let mut metrics = Vec::with_capacity(catalog.metrics.len());
    for def in &catalog.metrics {
        // The newest reading is the newest of the series' newest ones.
        let series = all_series.get(&def.id).map_or(&[][..], Vec::as_slice);
        let latest = match series
            .iter()
            .max_by(|a, b| (&a.latest_at, &a.latest_id).cmp(&(&b.latest_at, &b.latest_id)))
        {
            Some(s) => db.reading(&s.latest_id)?,
            None => None,
        };
        let latest = latest.as_ref();
        let paced = def.paced_target(pos);
        metrics.push(MetricReport {
            id: def.id.clone(),
            name: def.name.clone(),
            unit: def.unit.clone(),
            direction: def.direction,
            baseline: def.baseline,
            count: series.iter().map(|s| s.readings).sum(),
            latest: match latest {
                Some(r) => Some(LatestReading {
                    value: r.value,
                    at: r.at.clone(),
                    source: r.source.clone(),
                    note: r.note.clone(),
                    run: run_ref(db, r.run.as_deref())?,
                }),
                None => None,
            },
            target: def.target_in_force(pos).map(|t| TargetOut {
                month: t.month,
                value: t.value,
            }),
            paced_target: paced.map(|p| round(p, 6)),
            verdict: def.verdict(latest.map(|r| r.value), pos),
            trend: match latest {
                // The series the latest reading belongs to: readings of
                // other sources are another series, not its trend.
                Some(r) => db.trend(&def.id, &r.source, TREND_LEN)?,
                None => Vec::new(),
            },
            series: {
                // Newest first, ties by id as `latest` breaks them.
                let mut s = series.to_vec();
                s.sort_by(|a, b| (&b.latest_at, &b.latest_id).cmp(&(&a.latest_at, &a.latest_id)));
                s.into_iter()
                    .map(|s| SeriesLatest {
                        source: s.source,
                        readings: s.readings,
                        value: s.latest_value,
                        at: s.latest_at,
                    })
                    .collect()
            },
        });
    }

    let dogfood = db
        .dogfood_counts()?
        .into_iter()
        .map(|(kind, c)| {
            let share = generated_share(c.generated, c.manual);
            let target = catalog.dogfood_targets.get(&kind).copied();
            let verdict = crate::domain::dogfood::verdict(share, target);
            DogfoodReport {
                kind,
                generated: c.generated,
                manual: c.manual,
                share: share.map(|s| round(s, 2)),
                target,
                verdict,
            }
        })
        .collect();

    let adhoc = db
        .adhoc_per_month()?
        .into_iter()
        .map(|(month, count)| AdhocMonth { month, count })
        .collect();
    let recent = db
        .recent_completions(5)?
        .into_iter()
        .map(|c| RecentCompletion {
            month: c.month,
            week: c.week,
            title: c.title,
            adhoc: c.adhoc,
            completed_at: c.completed_at,
            note: c.note,
        })
        .collect();

    Ok(Report {
        schema_version: REPORT_SCHEMA_VERSION,
        generated_at: crate::store::timestamp(now),
        today: today.format("%Y-%m-%d").to_string(),
        history: history.clone(),
        current: Current {
            year: pos.year(),
            quarter: pos.quarter(),
            month: pos.month,
            week: pos.week,
            state,
            month_title: current_month.map(|m| m.title.clone()),
            quarter_theme: quarter.map(|q| q.theme.clone()),
        },
        roadmap: RoadmapInfo {
            years: roadmap.years.iter().map(|y| y.number).collect(),
            missing_years: roadmap.missing_years(),
            tasks: roadmap.task_count(),
        },
        progress,
        forecast,
        month_tasks,
        claims: assessed.claims,
        completions: assessed.completions,
        metrics,
        dogfood,
        adhoc,
        recent,
        series: if series_limit == 0 {
            Vec::new()
        } else {
            catalog
                .metrics
                .iter()
                .map(|def| {
                    let mut readings = db.latest_readings(&def.id, series_limit)?;
                    readings.reverse();
                    Ok(Series {
                        metric: def.id.clone(),
                        points: readings
                            .into_iter()
                            .map(|r| (r.at, r.value, r.source))
                            .collect(),
                        targets: def.targets.iter().map(|t| (t.month, t.value)).collect(),
                    })
                })
                .collect::<Result<_>>()?
        },
    })
}
