//! The report's view of claims and proof (see `crate::domain::claims`): for
//! each completion that counts toward progress, its evidence, its task's
//! acceptance and the measured reading it is judged on, its standing and
//! its flags; and the counts over all of them.

use std::collections::HashMap;

use anyhow::Result;
use serde::Serialize;

use crate::domain::claims::{self, Flag, Standing, Trailers, BULK_COUNT, BULK_WINDOW_MINUTES};
use crate::domain::roadmap::{Acceptance, Roadmap, TaskRef};
use crate::store::{Completion, Facts};

/// One piece of evidence, as the report shows it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EvidenceOut {
    /// `commit`, `url`, `path`, or `trailer` (a commit whose
    /// `Roadmap-Task:` trailer names the task).
    pub kind: String,
    /// The commit id, the URL or the path.
    #[serde(rename = "ref")]
    pub reference: String,
    /// For a path: the commit it was found at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Why the repository does not back it now (the commit is missing or
    /// rewritten away, the path is not in it, there is no repository): it
    /// verifies nothing. Absent when it is backed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unresolved: Option<String>,
}

/// What a task's acceptance is judged on.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AcceptanceOut {
    #[serde(flatten)]
    pub bound: Acceptance,
    /// The newest measured reading of the metric (not `manual`, not
    /// imported), or null.
    pub measured: Option<f64>,
    pub measured_at: Option<String>,
    pub source: Option<String>,
    pub met: Option<bool>,
}

/// A completion that counts toward progress, with what backs it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CompletionReport {
    /// The completion's event id.
    pub id: String,
    pub month: u32,
    pub week: u8,
    pub title: String,
    pub author: String,
    pub completed_at: String,
    pub recorded_at: String,
    pub standing: Standing,
    pub evidence: Vec<EvidenceOut>,
    pub acceptance: Option<AcceptanceOut>,
    pub flags: Vec<Flag>,
}

/// Counts over the completions that count toward progress.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Claims {
    pub completed: usize,
    pub verified: usize,
    /// Completed but not verified: claimed, or with a target unmet.
    pub unverified: usize,
    pub ahead_of_plan: usize,
    pub bulk: usize,
    pub imported: usize,
    pub target_unmet: usize,
    /// Reached the shared history more than a day after the time claimed.
    pub backdated: usize,
    /// The rule behind `bulk`: this many completions by one author …
    pub bulk_count: usize,
    /// … recorded within this many minutes.
    pub bulk_window_minutes: i64,
    /// The clone is shallow: trailers of commits before its boundary were
    /// not seen (fetch the full history to count them).
    pub shallow_clone: bool,
    /// `Roadmap-Task:` trailers that name no task of the roadmap.
    pub unmatched_trailers: Vec<UnmatchedTrailer>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UnmatchedTrailer {
    pub commit: String,
    pub value: String,
    pub why: String,
}

/// Everything the report needs about claims.
pub struct Assessed {
    pub completions: Vec<CompletionReport>,
    pub claims: Claims,
    /// The standing of each completed task.
    pub by_task: HashMap<TaskRef, usize>,
}

impl Assessed {
    pub fn of(&self, task: &TaskRef) -> Option<&CompletionReport> {
        self.by_task.get(task).map(|i| &self.completions[*i])
    }

    /// The tasks whose completion's measured reading misses its acceptance.
    pub fn target_unmet(&self) -> std::collections::HashSet<TaskRef> {
        self.by_task
            .iter()
            .filter(|(_, i)| self.completions[**i].standing == Standing::TargetUnmet)
            .map(|(t, _)| t.clone())
            .collect()
    }

    pub fn verified(&self) -> std::collections::HashSet<TaskRef> {
        self.by_task
            .iter()
            .filter(|(_, i)| self.completions[**i].standing == Standing::Verified)
            .map(|(t, _)| t.clone())
            .collect()
    }
}

/// Assesses `completions` (the one that counts for each planned task).
pub fn assess(
    roadmap: &Roadmap,
    completions: &[Completion],
    db: &dyn Facts,
    series: &std::collections::BTreeMap<String, Vec<crate::store::SeriesStat>>,
    trailers: &Trailers,
) -> Result<Assessed> {
    let mut evidence: HashMap<TaskRef, Vec<EvidenceOut>> = HashMap::new();
    for row in db.live_evidence()? {
        if let Some(task) = row.task {
            evidence.entry(task).or_default().push(EvidenceOut {
                kind: row.proof.kind().to_string(),
                reference: row.proof.reference().to_string(),
                commit: row.proof.commit().map(String::from),
                unresolved: trailers.unresolved.get(&row.event_id).cloned(),
            });
        }
    }
    // Each planned task: its place in the roadmap and its acceptance.
    let planned: HashMap<TaskRef, (usize, Option<&Acceptance>)> = roadmap
        .tasks()
        .enumerate()
        .map(|(i, l)| (l.task_ref(), (i, l.task.accept.as_ref())))
        .collect();
    let mut counted: Vec<(&Completion, TaskRef)> = completions
        .iter()
        .filter_map(|c| c.task_ref().map(|t| (c, t)))
        .filter(|(_, t)| planned.contains_key(t))
        .collect();
    counted.sort_by_key(|(_, t)| planned[t].0);
    let times: Vec<(&str, chrono::DateTime<chrono::Utc>)> = counted
        .iter()
        .map(|(c, _)| (c.author.as_str(), crate::store::parse_time(&c.recorded_at)))
        .collect();
    let bulk = claims::bulk(&times);
    let mut out = Assessed {
        completions: Vec::with_capacity(counted.len()),
        claims: Claims {
            bulk_count: BULK_COUNT,
            bulk_window_minutes: BULK_WINDOW_MINUTES,
            shallow_clone: trailers.shallow,
            unmatched_trailers: trailers
                .unmatched
                .iter()
                .map(|(commit, value, why)| UnmatchedTrailer {
                    commit: commit.clone(),
                    value: value.clone(),
                    why: why.clone(),
                })
                .collect(),
            ..Claims::default()
        },
        by_task: HashMap::new(),
    };
    for (i, (c, task)) in counted.into_iter().enumerate() {
        let (_, accept) = planned[&task];
        let mut ev = evidence.remove(&task).unwrap_or_default();
        for commit in trailers.by_task.get(&task).into_iter().flatten() {
            ev.push(EvidenceOut {
                kind: "trailer".into(),
                reference: commit.clone(),
                commit: None,
                unresolved: None,
            });
        }
        let acceptance = match accept {
            Some(a) => {
                let r = series
                    .get(&a.metric)
                    .and_then(|s| crate::store::newest_measured(s));
                Some(AcceptanceOut {
                    bound: a.clone(),
                    measured: r.map(|r| r.latest_value),
                    measured_at: r.map(|r| r.latest_at.clone()),
                    source: r.map(|r| r.source.clone()),
                    met: r.map(|r| a.met(r.latest_value)),
                })
            }
            None => None,
        };
        let standing = claims::standing(
            ev.iter().filter(|e| e.unresolved.is_none()).count(),
            accept,
            acceptance.as_ref().and_then(|a| a.measured),
        );
        let mut flags = Vec::new();
        if claims::ahead_of_plan(&task, crate::store::parse_time(&c.completed_at)) {
            flags.push(Flag::AheadOfPlan);
        }
        if bulk[i] {
            flags.push(Flag::Bulk);
        }
        if c.legacy_name.is_some() {
            flags.push(Flag::Imported);
        }
        if standing == Standing::TargetUnmet {
            flags.push(Flag::TargetUnmet);
        }
        if trailers.backdated.contains_key(&c.event_id) {
            flags.push(Flag::Backdated);
        }
        let k = &mut out.claims;
        k.completed += 1;
        match standing {
            Standing::Verified => k.verified += 1,
            _ => k.unverified += 1,
        }
        for f in &flags {
            match f {
                Flag::AheadOfPlan => k.ahead_of_plan += 1,
                Flag::Bulk => k.bulk += 1,
                Flag::Imported => k.imported += 1,
                Flag::TargetUnmet => k.target_unmet += 1,
                Flag::Backdated => k.backdated += 1,
            }
        }
        out.by_task.insert(task, out.completions.len());
        out.completions.push(CompletionReport {
            id: c.event_id.clone(),
            month: c.month,
            week: c.week,
            title: c.title.clone(),
            author: c.author.clone(),
            completed_at: c.completed_at.clone(),
            recorded_at: c.recorded_at.clone(),
            standing,
            evidence: ev,
            acceptance,
            flags,
        });
    }
    Ok(out)
}
