//! The old tracker's progress file (`docs/ROADMAP_PROGRESS.json`), turned
//! into events.
//!
//! The old tracker stored tasks under the team's own wording ("Build security
//! hardening system (phase 1)"), not the roadmap's ("Security Hardening"). So
//! each completed task is matched to a roadmap task of its month on the words
//! that carry meaning: a leading verb and trailing generic nouns count for
//! little, parenthesised details for nothing, and words shared by many tasks
//! of the month count less than words that single one out. A match must be
//! clear (good, and well ahead of the runner-up) and a roadmap task goes to
//! its best match only; everything else is kept as ad-hoc work of its month
//! under its original name, so nothing is lost.
//!
//! Event ids are derived from the file's content, so importing the same file
//! again adds nothing and a newer version of it adds only what is new. All of
//! this is pure: text in, a plan (and its events) out.

use std::collections::HashMap;

use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::domain::catalog::Lookup;
use crate::domain::event::{self, Body, Event, EventId};
use crate::domain::roadmap::{year_of, TaskRef, LAST_MONTH};
use crate::domain::{Catalog, DogfoodKind, Roadmap};

mod matcher;
use matcher::{words, MonthMatcher};

/// The author stamped on imported events: the old tracker recorded none.
pub const AUTHOR: &str = "legacy-tracker";
/// The source of imported readings.
pub const SOURCE: &str = "import:legacy";
/// The most events one dog-food counter may become.
const MAX_DOGFOOD: u64 = 100_000;

/// Lowest score a match may have.
pub const MIN_SCORE: f64 = 0.5;
/// How far ahead of the runner-up a match must be to count as clear.
pub const MIN_MARGIN: f64 = 0.15;

/// One task of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct LegacyTask {
    pub key: String,
    pub name: String,
    pub month: u32,
    pub week: u8,
    pub completed: bool,
    pub completed_at: Option<DateTime<Utc>>,
    pub notes: Vec<String>,
}

/// The file, checked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LegacyFile {
    pub tasks: Vec<LegacyTask>,
    pub metrics: Vec<(String, f64)>,
    pub dogfood: Vec<(String, u64)>,
    pub last_updated: Option<DateTime<Utc>>,
    /// Top-level keys this importer does not know (reported, ignored).
    pub unknown_keys: Vec<String>,
}

fn bad(shown: &str, what: String) -> String {
    format!("{shown}: {what}; nothing was imported")
}

fn time(shown: &str, key: &str, v: &Value) -> Result<DateTime<Utc>, String> {
    let text = v
        .as_str()
        .ok_or_else(|| bad(shown, format!("{key} is not a date string")))?;
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            bad(
                shown,
                format!("{key} \"{text}\" is not a date; use an ISO 8601 time like 2026-01-09T00:53:39.988Z"),
            )
        })
}

/// The week the old tracker encoded in a task's key: `month1_week2_…`.
fn week_from_key(key: &str) -> Option<u8> {
    let rest = key.split('_').find_map(|p| p.strip_prefix("week"))?;
    rest.parse().ok()
}

/// Reads and checks the file. Errors are one line naming the key and what to do.
pub fn parse(shown: &str, text: &str) -> Result<LegacyFile, String> {
    let root: Value = serde_json::from_str(text).map_err(|e| {
        bad(
            shown,
            format!("is not JSON ({e}); give the old tracker's ROADMAP_PROGRESS.json"),
        )
    })?;
    let Some(obj) = root.as_object() else {
        return Err(bad(
            shown,
            "is not a JSON object with \"tasks\"; give the old tracker's ROADMAP_PROGRESS.json"
                .into(),
        ));
    };
    let mut file = LegacyFile::default();
    for key in obj.keys() {
        if !matches!(
            key.as_str(),
            "currentMonth" | "currentWeek" | "tasks" | "metrics" | "dogFooding" | "lastUpdated"
        ) {
            file.unknown_keys.push(key.clone());
        }
    }
    if let Some(v) = obj.get("lastUpdated").filter(|v| !v.is_null()) {
        file.last_updated = Some(time(shown, "lastUpdated", v)?);
    }
    let tasks = match obj.get("tasks") {
        None | Some(Value::Null) => serde_json::Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => {
            return Err(bad(
                shown,
                "\"tasks\" is not an object of tasks by key".into(),
            ))
        }
    };
    for (key, t) in &tasks {
        let what = format!("tasks.\"{key}\"");
        let Some(t) = t.as_object() else {
            return Err(bad(shown, format!("{what} is not an object")));
        };
        let name = t
            .get("name")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| {
                bad(
                    shown,
                    format!("{what} has no \"name\"; give every task its name"),
                )
            })?;
        if name.chars().any(char::is_control) {
            return Err(bad(
                shown,
                format!("{what}.name has control characters; remove them"),
            ));
        }
        let month = t.get("month").and_then(Value::as_i64).ok_or_else(|| {
            bad(
                shown,
                format!("{what} has no \"month\" number; give every task its month (1–48)"),
            )
        })?;
        if !(1..=i64::from(LAST_MONTH)).contains(&month) {
            return Err(bad(
                shown,
                format!("{what}.month {month} is outside the roadmap; months run from 1 to 48"),
            ));
        }
        let week = match t.get("week").and_then(Value::as_i64) {
            Some(w) => w,
            None => week_from_key(key).map_or(0, i64::from),
        };
        if !(1..=4).contains(&week) {
            return Err(bad(
                shown,
                format!("{what}.week is missing or outside 1–4; give the week of the month the work was done"),
            ));
        }
        let completed = match t.get("completed") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(bad(shown, format!("{what}.completed is not true or false"))),
        };
        let completed_at = match t.get("completedAt").filter(|v| !v.is_null()) {
            Some(v) => Some(time(shown, &format!("{what}.completedAt"), v)?),
            None if completed => {
                return Err(bad(
                    shown,
                    format!(
                    "{what} is completed but has no \"completedAt\"; add the time it was completed"
                ),
                ))
            }
            None => None,
        };
        let notes = match t.get("notes") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .map(|n| match n {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
            Some(_) => return Err(bad(shown, format!("{what}.notes is not a list of notes"))),
        };
        file.tasks.push(LegacyTask {
            key: key.clone(),
            name: name.to_string(),
            month: month as u32,
            week: week as u8,
            completed,
            completed_at,
            notes,
        });
    }
    if let Some(m) = obj.get("metrics").filter(|v| !v.is_null()) {
        let Some(m) = m.as_object() else {
            return Err(bad(
                shown,
                "\"metrics\" is not an object of metric values".into(),
            ));
        };
        for (k, v) in m {
            let value = v
                .as_f64()
                .filter(|v| v.is_finite())
                .ok_or_else(|| bad(shown, format!("metrics.\"{k}\" is not a number")))?;
            file.metrics.push((k.clone(), value));
        }
    }
    if let Some(d) = obj.get("dogFooding").filter(|v| !v.is_null()) {
        let Some(d) = d.as_object() else {
            return Err(bad(
                shown,
                "\"dogFooding\" is not an object of counters".into(),
            ));
        };
        for (k, v) in d {
            let n = v.as_u64().filter(|n| *n <= MAX_DOGFOOD).ok_or_else(|| {
                bad(
                    shown,
                    format!("dogFooding.\"{k}\" is not a whole number from 0 to {MAX_DOGFOOD}"),
                )
            })?;
            file.dogfood.push((k.clone(), n));
        }
    }
    if file.last_updated.is_none() && (!file.metrics.is_empty() || !file.dogfood.is_empty()) {
        return Err(bad(
            shown,
            "has metrics or dog-food counters but no \"lastUpdated\" to date them; add it".into(),
        ));
    }
    Ok(file)
}

// ---- The plan ----

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Mapped {
    pub legacy: String,
    pub month: u32,
    pub week: u8,
    pub task: String,
    pub score: f64,
    /// Its date falls before the task's week block began (see
    /// `crate::domain::claims`): the old tracker's stamp is a claim.
    pub ahead_of_plan: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Adhoc {
    pub legacy: String,
    pub month: u32,
    pub week: u8,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Skipped {
    pub legacy: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DogfoodCounts {
    pub improvement: u64,
    pub test: u64,
    pub optimization: u64,
    pub doc: u64,
}

/// What an import does. Serialised, it is the `--dry-run --json` output.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Plan {
    pub mapped: Vec<Mapped>,
    /// How many of `mapped` are dated before their block began.
    pub ahead_of_plan: usize,
    pub adhoc: Vec<Adhoc>,
    pub skipped: Vec<Skipped>,
    pub readings: usize,
    pub dogfood: DogfoodCounts,
    /// What was reported and left out (unknown keys, out-of-range values).
    #[serde(skip)]
    pub warnings: Vec<String>,
    /// The events to record.
    #[serde(skip)]
    pub events: Vec<Event>,
}

/// A user's override: a legacy name → a roadmap title of its month, or ad hoc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    Task(String),
    Adhoc,
}

/// Reads a `--map` file: TOML, `"legacy name" = "roadmap title"` or `= "adhoc"`.
pub fn parse_map(shown: &str, text: &str) -> Result<HashMap<String, Choice>, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        format!(
            "{shown}: {}; write one line per task: \"legacy name\" = \"Roadmap title\" (or = \"adhoc\")",
            e.message().trim()
        )
    })?;
    let mut map = HashMap::new();
    for (k, v) in table {
        let Some(s) = v.as_str() else {
            return Err(format!(
                "{shown}: \"{k}\" must map to a roadmap title or \"adhoc\" in quotes"
            ));
        };
        let choice = if s.trim().eq_ignore_ascii_case("adhoc") {
            Choice::Adhoc
        } else {
            Choice::Task(s.trim().to_string())
        };
        map.insert(k.trim().to_string(), choice);
    }
    Ok(map)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn note_of(t: &LegacyTask) -> Option<String> {
    let notes: Vec<&str> = t
        .notes
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    (!notes.is_empty()).then(|| notes.join("; "))
}

fn completion_event(t: &LegacyTask, task: Option<TaskRef>, title: &str) -> Event {
    let at = t.completed_at.expect("completed tasks have a time");
    let content = format!(
        "legacy-completion\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
        t.key,
        t.name,
        t.month,
        event::log_time(at)
    );
    Event {
        id: EventId::derived(at.timestamp_millis().max(0) as u64, content.as_bytes()),
        author: AUTHOR.to_string(),
        recorded_at: at,
        body: Body::Completion(event::Completion {
            month: t.month,
            week: t.week,
            task,
            title: title.to_string(),
            note: note_of(t),
            completed_at: at,
            legacy_name: Some(t.name.clone()),
        }),
    }
}

/// The legacy counter names and their kinds.
fn dogfood_kind(key: &str) -> Option<DogfoodKind> {
    match key {
        "improvementsGenerated" => Some(DogfoodKind::Improvement),
        "testsGenerated" => Some(DogfoodKind::Test),
        "optimizationsGenerated" => Some(DogfoodKind::Optimization),
        "docsGenerated" => Some(DogfoodKind::Doc),
        _ => None,
    }
}

/// Decides what every record of the file becomes.
pub fn plan(
    file: &LegacyFile,
    roadmap: &Roadmap,
    catalog: &Catalog,
    overrides: &HashMap<String, Choice>,
) -> Result<Plan, String> {
    let mut plan = Plan {
        mapped: Vec::new(),
        ahead_of_plan: 0,
        adhoc: Vec::new(),
        skipped: Vec::new(),
        readings: 0,
        dogfood: DogfoodCounts {
            improvement: 0,
            test: 0,
            optimization: 0,
            doc: 0,
        },
        warnings: file
            .unknown_keys
            .iter()
            .map(|k| format!("unknown top-level key \"{k}\" ignored"))
            .collect(),
        events: Vec::new(),
    };
    let mut done: Vec<&LegacyTask> = Vec::new();
    for t in &file.tasks {
        if t.completed {
            done.push(t);
        } else {
            plan.skipped.push(Skipped {
                legacy: t.name.clone(),
                reason: "not completed".into(),
            });
        }
    }
    done.sort_by_key(|t| (t.month, t.completed_at, t.key.clone()));

    // What each completed task becomes: Some((block first week, key, title, score)) or ad hoc with a reason.
    let mut outcome: Vec<Result<(TaskRef, String, f64), String>> =
        vec![Err(String::new()); done.len()];
    let mut months: Vec<u32> = done.iter().map(|t| t.month).collect();
    months.dedup();
    for m in months {
        let idx: Vec<usize> = (0..done.len()).filter(|&i| done[i].month == m).collect();
        let Some(month) = roadmap.month(m) else {
            for &i in &idx {
                outcome[i] = Err(format!(
                    "month {m} has no roadmap (year {} is not loaded)",
                    year_of(m)
                ));
            }
            continue;
        };
        let matcher = MonthMatcher::new(month);
        let mut taken: HashMap<TaskRef, String> = HashMap::new();
        // Overrides first: the user has decided these.
        let mut open: Vec<usize> = Vec::new();
        for &i in &idx {
            match overrides.get(&done[i].name) {
                Some(Choice::Adhoc) => outcome[i] = Err("--map says ad hoc".into()),
                Some(Choice::Task(title)) => {
                    let (block, task) = month
                        .find_task(title, done[i].week)
                        .map_err(|e| format!("--map: \"{}\" → \"{title}\": {e}", done[i].name))?;
                    let r = TaskRef::of(m, block, task);
                    taken.insert(r.clone(), done[i].name.clone());
                    outcome[i] = Ok((r, task.title.clone(), 1.0));
                }
                None => open.push(i),
            }
        }
        // Every clear candidate pair, best first; each roadmap task goes to
        // its best match.
        let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
        for &i in &open {
            let w = words(&done[i].name);
            let mut scored: Vec<(f64, usize)> = matcher
                .tasks
                .iter()
                .enumerate()
                .map(|(j, (_, _, tw))| (matcher.score(&w, tw), j))
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let (best, j) = scored.first().copied().unwrap_or((0.0, 0));
            let second = scored.get(1).map_or(0.0, |s| s.0);
            let closest = matcher
                .tasks
                .get(j)
                .map(|(_, t, _)| t.title.as_str())
                .unwrap_or("");
            if best >= MIN_SCORE && best - second >= MIN_MARGIN {
                pairs.push((best, i, j));
            } else if best >= MIN_SCORE {
                let t2 = matcher.tasks[scored[1].1].1.title.as_str();
                outcome[i] = Err(format!(
                    "no clear match: \"{closest}\" {best:.2} and \"{t2}\" {second:.2} are as close"
                ));
            } else if best < 0.05 {
                outcome[i] = Err(format!(
                    "no task of month {m} shares its meaning-bearing words"
                ));
            } else {
                outcome[i] = Err(format!("no clear match; closest \"{closest}\" {best:.2}"));
            }
        }
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for (score, i, j) in pairs {
            let (block, task, _) = matcher.tasks[j];
            let r = TaskRef::of(m, block, task);
            if let Some(winner) = taken.get(&r) {
                outcome[i] = Err(format!(
                    "\"{}\" ({score:.2}) went to a better match, \"{winner}\"",
                    task.title
                ));
                continue;
            }
            taken.insert(r.clone(), done[i].name.clone());
            outcome[i] = Ok((r, task.title.clone(), round2(score)));
        }
    }
    for (t, o) in done.iter().zip(outcome) {
        match o {
            Ok((r, title, score)) => {
                let ahead = t
                    .completed_at
                    .is_some_and(|at| crate::domain::claims::ahead_of_plan(&r, at));
                plan.ahead_of_plan += usize::from(ahead);
                plan.events.push(completion_event(t, Some(r), &title));
                plan.mapped.push(Mapped {
                    legacy: t.name.clone(),
                    month: t.month,
                    week: t.week,
                    task: title,
                    score,
                    ahead_of_plan: ahead,
                });
            }
            Err(reason) => {
                plan.events.push(completion_event(t, None, &t.name));
                plan.adhoc.push(Adhoc {
                    legacy: t.name.clone(),
                    month: t.month,
                    week: t.week,
                    reason,
                });
            }
        }
    }

    // Metric values: readings at lastUpdated.
    if let Some(at) = file.last_updated {
        for (key, value) in &file.metrics {
            let def = match catalog.lookup(key) {
                Lookup::Found(d) => d,
                Lookup::Unknown(_) => {
                    plan.warnings.push(format!(
                        "unknown metric \"{key}\" ({value}) not imported; the catalog is in `beast metric`"
                    ));
                    continue;
                }
            };
            if let Err(why) = def.check_value(*value) {
                plan.warnings
                    .push(format!("metric \"{key}\": {why}; not imported"));
                continue;
            }
            let content = format!(
                "legacy-reading\u{0}{}\u{0}{value}\u{0}{}",
                def.id,
                event::log_time(at)
            );
            plan.events.push(Event {
                id: EventId::derived(at.timestamp_millis().max(0) as u64, content.as_bytes()),
                author: AUTHOR.to_string(),
                recorded_at: at,
                body: Body::Reading(event::Reading {
                    metric: def.id.clone(),
                    value: *value,
                    measured_at: at,
                    source: SOURCE.to_string(),
                    note: Some(format!("{key} in the old tracker's progress file")),
                    run: None,
                }),
            });
            plan.readings += 1;
        }
        // Dog-food counters: that many generated events, dated lastUpdated
        // (the real dates are unknown). The n-th event of a kind has the same
        // id in every version of the file, so a newer file adds only the
        // events its higher counter adds.
        let epoch = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        for (key, n) in &file.dogfood {
            let Some(kind) = dogfood_kind(key) else {
                plan.warnings.push(format!(
                    "unknown dog-food counter \"{key}\" ({n}) not imported; known: improvementsGenerated, testsGenerated, optimizationsGenerated, docsGenerated"
                ));
                continue;
            };
            for k in 1..=*n {
                let content = format!("legacy-dogfood\u{0}{}\u{0}{k}", kind.as_str());
                plan.events.push(Event {
                    id: EventId::derived(epoch.timestamp_millis() as u64, content.as_bytes()),
                    author: AUTHOR.to_string(),
                    recorded_at: at,
                    body: Body::Dogfood(event::Dogfood {
                        kind,
                        generated: true,
                        at,
                        note: Some("imported count; date unknown".into()),
                    }),
                });
            }
            match kind {
                DogfoodKind::Improvement => plan.dogfood.improvement += n,
                DogfoodKind::Test => plan.dogfood.test += n,
                DogfoodKind::Optimization => plan.dogfood.optimization += n,
                DogfoodKind::Doc => plan.dogfood.doc += n,
            }
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn week_comes_from_the_key_when_missing() {
        assert_eq!(week_from_key("month3_week2_Optimize latency"), Some(2));
        assert_eq!(week_from_key("whatever"), None);
    }

    #[test]
    fn bad_files_are_one_line_errors_naming_the_key() {
        for (text, needle) in [
            ("nope", "is not JSON"),
            ("[1,2]", "is not a JSON object"),
            (r#"{"tasks": []}"#, "\"tasks\" is not an object"),
            (
                r#"{"tasks": {"k": {"month": 1, "week": 1}}}"#,
                "tasks.\"k\" has no \"name\"",
            ),
            (
                r#"{"tasks": {"k": {"name": "x", "week": 1}}}"#,
                "tasks.\"k\" has no \"month\"",
            ),
            (
                r#"{"tasks": {"k": {"name": "x", "month": 49, "week": 1}}}"#,
                "month 49 is outside",
            ),
            (
                r#"{"tasks": {"k": {"name": "x", "month": 2, "week": 1, "completed": true, "completedAt": "yesterday"}}}"#,
                "completedAt \"yesterday\" is not a date",
            ),
            (
                r#"{"tasks": {}, "metrics": {"latency": 3}}"#,
                "no \"lastUpdated\"",
            ),
            (
                r#"{"tasks": {}, "lastUpdated": "2026-01-09T03:26:03.215Z", "dogFooding": {"testsGenerated": -1}}"#,
                "dogFooding.\"testsGenerated\"",
            ),
        ] {
            let e = parse("p.json", text).unwrap_err();
            assert!(e.contains(needle), "{text}: {e}");
            assert!(!e.contains('\n'), "{e}");
        }
    }
}
