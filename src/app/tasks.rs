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
}

#[derive(Debug)]
pub enum TaskChange {
    Adhoc {
        id: EventId,
        title: String,
    },
    Completed {
        id: EventId,
        title: String,
        weeks: WeekRange,
        timing: Timing,
        month: Tally,
    },
    AlreadyDone {
        title: String,
        completed_at: String,
        week: u8,
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
    if typed.chars().any(char::is_control) {
        return error::input(format!(
            "the task title \"{}\" contains control characters; type the title without them",
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
        history.record(std::slice::from_ref(&e))?;
        return Ok(TaskChange::Adhoc {
            id: e.id,
            title: typed.to_string(),
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
        return Ok(TaskChange::AlreadyDone {
            title,
            completed_at: c.completed_at.clone(),
            week: c.week,
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
    history.record(std::slice::from_ref(&e))?;
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
        timing: Timing::of(block.weeks, req.week),
        month: tally(roadmap, &done, Scope::Month(req.month)),
    })
}
