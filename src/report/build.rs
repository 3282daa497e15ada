//! Building the one report model, a section at a time: progress and its
//! forecast, the current month's tasks, metrics, dog food and what was done
//! lately. Each section reads what it needs from the history's [`Facts`].

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};

use super::claims::Assessed;
use super::*;
use crate::domain::progress::{tally_verified, Scope, Tally};
use crate::store::SeriesStat;

/// Everything a report needs besides the store.
pub struct Inputs<'a> {
    pub roadmap: &'a Roadmap,
    pub catalog: &'a Catalog,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    pub history: HistoryInfo,
    /// What the report describes.
    pub identity: super::Identity,
    /// How many readings per metric to include as chart series (0: none).
    pub series: usize,
    /// What the repository's commit trailers say about tasks.
    pub trailers: &'a crate::domain::claims::Trailers,
}

/// What the task sections share: the live planned completions, by task,
/// and which of them are verified.
struct Done<'a> {
    by_ref: HashMap<TaskRef, &'a Completion>,
    tasks: HashSet<TaskRef>,
    assessed: &'a Assessed,
}

pub fn build(inputs: &Inputs, db: &dyn Facts) -> Result<Report> {
    let Inputs {
        roadmap,
        catalog,
        today,
        now,
        ref history,
        ref identity,
        series: series_limit,
        trailers,
    } = *inputs;
    let pos = Position::from_date(today);
    let completions = db.planned_completions()?;
    let all_series = db.all_series()?;
    let reference = reference_series(db, &all_series)?;
    // A reading of beast's built-in workload never decides a task's
    // acceptance: it measures beast, not the team's system.
    let measured: BTreeMap<String, Vec<SeriesStat>> = all_series
        .iter()
        .map(|(m, v)| {
            let own: Vec<SeriesStat> = v
                .iter()
                .filter(|s| !reference.contains(&(m.clone(), s.source.clone())))
                .cloned()
                .collect();
            (m.clone(), own)
        })
        .collect();
    let assessed = claims::assess(roadmap, &completions, db, &measured, trailers)?;
    let by_ref: HashMap<TaskRef, &Completion> = completions
        .iter()
        .filter_map(|c| c.task_ref().map(|r| (r, c)))
        .collect();
    let done = Done {
        tasks: by_ref.keys().cloned().collect(),
        by_ref,
        assessed: &assessed,
    };
    let month = pos.roadmap_month();
    let current_month = month.and_then(|m| roadmap.month(m));
    let progress = progress(roadmap, &done, pos);
    let forecast = month.map(|m| forecast(&completions, &progress, today, m));
    let month_tasks = current_month.map_or_else(Vec::new, |m| month_tasks(m, &done));
    let metrics = metrics(catalog, db, &all_series, &reference, pos)?;
    let series = series(catalog, db, series_limit)?;
    Ok(Report {
        schema_version: REPORT_SCHEMA_VERSION,
        generated_at: crate::store::timestamp(now),
        today: today.format("%Y-%m-%d").to_string(),
        identity: super::Identity {
            schema: REPORT_SCHEMA_VERSION,
            ..identity.clone()
        },
        history: history.clone(),
        current: current(roadmap, pos),
        roadmap: RoadmapInfo {
            name: roadmap.name.clone(),
            start: format!("{}-{:02}", roadmap.start.0, roadmap.start.1),
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
        dogfood: dogfood(catalog, db)?,
        adhoc: db
            .adhoc_per_month()?
            .into_iter()
            .map(|(month, count)| AdhocMonth { month, count })
            .collect(),
        recent: recent(db)?,
        series,
    })
}

/// Where today lies in the roadmap.
fn current(roadmap: &Roadmap, pos: Position) -> Current {
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
    Current {
        year: pos.year(),
        quarter: pos.quarter(),
        month: pos.month,
        week: pos.week,
        state,
        month_title: current_month.map(|m| m.title.clone()),
        quarter_theme: quarter.map(|q| q.theme.clone()),
    }
}

/// Done and verified tasks against planned ones: overall, this year,
/// quarter and month, and every month.
fn progress(roadmap: &Roadmap, done: &Done, pos: Position) -> Progress {
    let verified = done.assessed.verified();
    let unmet = done.assessed.target_unmet();
    let month = pos.roadmap_month();
    let scoped = |scope: Option<Scope>| -> Count {
        scope
            .map_or(Tally::default(), |s| {
                tally_verified(roadmap, &done.tasks, &verified, &unmet, s)
            })
            .into()
    };
    let year_scope = month.map(crate::domain::roadmap::year_of);
    Progress {
        overall: scoped(Some(Scope::Overall)),
        year: scoped(year_scope.map(Scope::Year)),
        quarter: scoped(year_scope.map(|y| Scope::Quarter(y, pos.quarter()))),
        month: scoped(month.map(Scope::Month)),
        months: roadmap
            .months()
            .map(|m| {
                let t = tally_verified(
                    roadmap,
                    &done.tasks,
                    &verified,
                    &unmet,
                    Scope::Month(m.number),
                );
                MonthCount {
                    month: m.number,
                    title: m.title.clone(),
                    completed: t.completed,
                    total: t.total,
                    verified: t.verified,
                }
            })
            .collect(),
    }
}

/// When month `m`, its quarter and its year finish at the recent pace.
fn forecast(completions: &[Completion], progress: &Progress, today: NaiveDate, m: u32) -> Forecast {
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
}

/// The current month's planned tasks, each with its completion and standing.
fn month_tasks(m: &crate::domain::roadmap::Month, done: &Done) -> Vec<TaskStatus> {
    m.tasks()
        .map(|(block, task)| {
            let r = TaskRef::of(m.number, block, task);
            let c = done.by_ref.get(&r);
            let a = done.assessed.of(&r);
            TaskStatus {
                weeks: block.weeks.to_string(),
                block: block.title.clone(),
                title: task.title.clone(),
                done: c.is_some(),
                week_done: c.map(|c| c.week),
                timing: c.map(|c| {
                    let on = crate::store::parse_time(&c.completed_at).date_naive();
                    Timing::when(m.number, block.weeks, c.week, on)
                }),
                completed_at: c.map(|c| c.completed_at.clone()),
                standing: a.map(|a| a.standing),
                flags: a.map(|a| a.flags.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

/// Every catalog metric: its newest reading (of any source), target,
/// verdict, trend and the latest of each series.
/// The series (metric, source) whose newest reading came from a run on
/// beast's built-in reference workload.
fn reference_series(
    db: &dyn Facts,
    all_series: &BTreeMap<String, Vec<SeriesStat>>,
) -> Result<std::collections::HashSet<(String, String)>> {
    let mut out = std::collections::HashSet::new();
    for (metric, series) in all_series {
        for s in series.iter().filter(|s| s.source.starts_with("bench:")) {
            let Some(reading) = db.reading(&s.latest_id)? else {
                continue;
            };
            if db.is_reference_reading(&reading)? {
                out.insert((metric.clone(), s.source.clone()));
            }
        }
    }
    Ok(out)
}

fn metrics(
    catalog: &Catalog,
    db: &dyn Facts,
    all_series: &BTreeMap<String, Vec<SeriesStat>>,
    reference: &std::collections::HashSet<(String, String)>,
    pos: Position,
) -> Result<Vec<MetricReport>> {
    let mut metrics = Vec::with_capacity(catalog.metrics.len());
    for def in &catalog.metrics {
        // The headline is the newest of the team's series' newest readings;
        // a reading of beast's built-in workload only when the team has
        // none of its own.
        let series = all_series.get(&def.id).map_or(&[][..], Vec::as_slice);
        let is_reference = |s: &SeriesStat| reference.contains(&(def.id.clone(), s.source.clone()));
        let newest = |own: bool| {
            series
                .iter()
                .filter(|s| is_reference(s) != own)
                .max_by(|a, b| (&a.latest_at, &a.latest_id).cmp(&(&b.latest_at, &b.latest_id)))
        };
        let headline = newest(true).or_else(|| newest(false));
        let headline_reference = headline.is_some_and(is_reference);
        let latest = match headline {
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
                    reference: headline_reference,
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
                        reference: is_reference(&s),
                        source: s.source,
                        readings: s.readings,
                        value: s.latest_value,
                        at: s.latest_at,
                    })
                    .collect()
            },
        });
    }
    Ok(metrics)
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

/// Generated and manual dog-food events per kind, against their targets.
fn dogfood(catalog: &Catalog, db: &dyn Facts) -> Result<Vec<DogfoodReport>> {
    Ok(db
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
        .collect())
}

/// The five newest completions.
fn recent(db: &dyn Facts) -> Result<Vec<RecentCompletion>> {
    Ok(db
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
        .collect())
}

/// Up to `limit` readings per metric for charts, oldest first (none for 0).
fn series(catalog: &Catalog, db: &dyn Facts, limit: usize) -> Result<Vec<Series>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    catalog
        .metrics
        .iter()
        .map(|def| {
            let mut readings = db.latest_readings(&def.id, limit)?;
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
        .collect()
}
