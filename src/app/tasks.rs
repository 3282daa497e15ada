//! Completing roadmap tasks, recording ad-hoc work, undoing a completion.

use anyhow::Result;

use super::{History, Stamp};
use crate::domain::event::{Body, Completion, EventId};
use crate::domain::matching::normalize;
use crate::domain::progress::{tally, Scope, Tally};
use crate::domain::roadmap::{Roadmap, TaskRef, Timing, WeekRange};
use crate::error;

pub struct CompleteRequest<'a> {
    pub month: u32,
    pub week: u8,
    pub typed: &'a str,
    pub note: Option<String>,
    pub adhoc: bool,
    pub undo: bool,
    /// Evidence to attach to the completion (resolved already, see
    /// `super::evidence::resolve`).
    pub evidence: Vec<crate::domain::event::Proof>,
}

/// Evidence events for a completion made now: it cannot have any yet.
fn evidence_events(
    stamp: &Stamp,
    completion: EventId,
    proofs: &[crate::domain::event::Proof],
) -> Vec<crate::domain::event::Event> {
    let mut out: Vec<crate::domain::event::Event> = Vec::new();
    for (i, p) in proofs.iter().enumerate() {
        if !proofs[..i].contains(p) {
            out.push(stamp.event(Body::Evidence(crate::domain::event::Evidence {
                completion,
                proof: p.clone(),
            })));
        }
    }
    out
}

#[derive(Debug)]
pub enum TaskChange {
    Adhoc {
        id: EventId,
        title: String,
        /// Pieces of evidence recorded with it.
        evidence: usize,
    },
    Completed {
        id: EventId,
        title: String,
        weeks: WeekRange,
        timing: Timing,
        month: Tally,
        evidence: usize,
    },
    AlreadyDone {
        id: EventId,
        title: String,
        completed_at: String,
        week: u8,
        /// Pieces of evidence attached to the earlier completion now.
        evidence: usize,
    },
    Undone {
        title: String,
        completed_at: String,
    },
    NothingToUndo {
        title: String,
    },
}

/// Says plainly that a month's year has no roadmap, naming the years that do.
pub fn no_roadmap_for(roadmap: &Roadmap, month: u32) -> String {
    let year = crate::domain::roadmap::year_of(month);
    format!(
        "month {month} is in year {year}, which has no roadmap yet (no source document; loaded years: {}); record unplanned work with --adhoc",
        roadmap.loaded_years()
    )
}

pub fn complete(
    history: &mut History,
    roadmap: &Roadmap,
    req: &CompleteRequest,
    stamp: &Stamp,
) -> Result<TaskChange> {
    let typed = req.typed.trim();
    // The log's rule for text: no control or invisible character (a
    // bidirectional override would make this very message lie).
    if crate::domain::validate::check_text("t", typed, usize::MAX, false).is_err() {
        return error::input(format!(
            "the task title \"{}\" contains control or invisible characters; type the title without them",
            typed.escape_default()
        ));
    }
    if normalize(typed).is_empty() {
        return error::input("the task title is empty; give the title of a roadmap task, e.g. \"Fix failed request tracking\"");
    }
    if req.adhoc {
        let e = stamp.event(Body::Completion(Completion {
            month: req.month,
            week: req.week,
            task: None,
            title: typed.to_string(),
            note: req.note.clone(),
            completed_at: stamp.now,
            legacy_name: None,
        }));
        let mut events = vec![e.clone()];
        events.extend(evidence_events(stamp, e.id, &req.evidence));
        history.record(&events)?;
        return Ok(TaskChange::Adhoc {
            id: e.id,
            title: typed.to_string(),
            evidence: events.len() - 1,
        });
    }
    let Some(month) = roadmap.month(req.month) else {
        return error::input(no_roadmap_for(roadmap, req.month));
    };
    let (block, task) = month.find_task(typed, req.week).or_else(error::input)?;
    let task_ref = TaskRef::of(req.month, block, task);
    let title = task.title.clone();
    let live = history.store().read(|r| r.completions_of(&task_ref))?;

    if req.undo {
        let Some(first) = live.first() else {
            return Ok(TaskChange::NothingToUndo { title });
        };
        // Every live completion of the task (two branches may each have
        // completed it): the task is open again.
        let undos: Vec<_> = live
            .iter()
            .filter_map(|c| c.event_id.parse().ok())
            .map(|target| stamp.event(Body::Undo { target }))
            .collect();
        history.record(&undos)?;
        return Ok(TaskChange::Undone {
            title,
            completed_at: first.completed_at.clone(),
        });
    }
    if let Some(c) = live.first() {
        let id: EventId = c
            .event_id
            .parse()
            .or_else(|e: String| error::store(format!("{e}; delete the index to rebuild it")))?;
        let (events, _) = super::evidence::events_for(history, id, &req.evidence, stamp)?;
        history.record(&events)?;
        return Ok(TaskChange::AlreadyDone {
            id,
            title,
            completed_at: c.completed_at.clone(),
            week: c.week,
            evidence: events.len(),
        });
    }
    let e = stamp.event(Body::Completion(Completion {
        month: req.month,
        week: req.week,
        task: Some(task_ref),
        title: title.clone(),
        note: req.note.clone(),
        completed_at: stamp.now,
        legacy_name: None,
    }));
    let mut events = vec![e.clone()];
    events.extend(evidence_events(stamp, e.id, &req.evidence));
    history.record(&events)?;
    let done = history
        .store()
        .read(|r| r.planned_completions())?
        .iter()
        .filter_map(|c| c.task_ref())
        .collect();
    Ok(TaskChange::Completed {
        id: e.id,
        title,
        weeks: block.weeks,
        timing: Timing::when(req.month, block.weeks, req.week, stamp.now.date_naive()),
        month: tally(roadmap, &done, Scope::Month(req.month)),
        evidence: events.len() - 1,
    })
}
