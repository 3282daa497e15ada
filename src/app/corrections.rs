//! Corrections: `beast undo` takes back the caller's last action, `beast
//! retract ID` any record. A retraction is itself an event; nothing is
//! deleted, and the retracted record stays in the history, marked.
//!
//! Undo takes back the last action, whatever it was: a record is
//! retracted; an undo or a retraction is taken back by recording again
//! what it took back (the same content, a new event, since the log only
//! grows). It never skips the last action to take back an earlier record.

use anyhow::Result;

use super::{History, Stamp};
use crate::domain::event::{Body, Event, EventId};
use crate::domain::matching::quote_list;
use crate::error;
use crate::store::StoredEvent;

#[derive(Debug)]
pub enum Correction {
    Retracted {
        target: Event,
        by: EventId,
    },
    /// It had been retracted already; nothing changed.
    AlreadyRetracted {
        target: Event,
    },
    /// What an undo or retraction took back is recorded again: `original`
    /// as the new event `by` (with `more` events: a run's readings, a
    /// completion's evidence).
    Restored {
        original: Event,
        by: EventId,
        more: usize,
    },
    /// What the last action took back counts again already.
    NothingToRestore {
        original: Event,
        why: String,
    },
}

/// What `beast undo` will do, worked out before it does it. (One is made
/// per command; its size does not matter.)
#[allow(clippy::large_enum_variant)]
pub enum UndoPlan {
    /// Retract the caller's last record (a run's reading: the run).
    Retract(StoredEvent),
    /// Record again what the last undo or retraction took back.
    Restore {
        correction: Event,
        original: Event,
        /// The new events: the original's copy first.
        events: Vec<Event>,
    },
    Nothing {
        original: Event,
        why: String,
    },
}

impl UndoPlan {
    /// One line: what will change.
    pub fn describe(&self) -> String {
        match self {
            UndoPlan::Retract(t) if t.retracted_by.is_some() => format!(
                "nothing: your last record, {} {}, was retracted already",
                t.event.id.short(),
                describe(&t.event)
            ),
            UndoPlan::Retract(t) => {
                format!("retract {} {}", t.event.id.short(), describe(&t.event))
            }
            UndoPlan::Restore {
                correction,
                original,
                events,
            } => format!(
                "take back {} {} by recording {} {} again{}",
                correction.id.short(),
                describe(correction),
                original.id.short(),
                describe(original),
                match events.len() {
                    0 | 1 => String::new(),
                    n => format!(" (with {} more events)", n - 1),
                }
            ),
            UndoPlan::Nothing { original, why } => format!(
                "nothing: {} {} {why}",
                original.id.short(),
                describe(original)
            ),
        }
    }
}

/// One line that tells a person which record an event is.
pub fn describe(e: &Event) -> String {
    let day = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d").to_string();
    match &e.body {
        Body::Completion(c) if c.task.is_none() => format!(
            "ad-hoc work \"{}\" (month {}, week {}, {})",
            c.title,
            c.month,
            c.week,
            day(c.completed_at)
        ),
        Body::Completion(c) => format!(
            "completion of \"{}\" (month {}, week {}, {})",
            c.title,
            c.month,
            c.week,
            day(c.completed_at)
        ),
        Body::Reading(r) => format!(
            "reading {} = {} ({}, measured {})",
            r.metric,
            crate::domain::catalog::fmt_number(r.value),
            r.source,
            day(r.measured_at)
        ),
        Body::Dogfood(d) => format!(
            "dog-food {} {} ({})",
            d.kind,
            if d.generated { "generated" } else { "manual" },
            day(d.at)
        ),
        Body::BenchRun(b) => format!(
            "{} benchmark run on {} ({}) and its readings",
            b.bench,
            b.workload,
            day(b.started_at)
        ),
        Body::Evidence(ev) => format!(
            "evidence ({} {}) for {}",
            ev.proof.kind(),
            ev.proof.reference(),
            ev.completion.short()
        ),
        Body::Undo { target } => format!("undo of {}", target.short()),
        Body::Retraction { target, .. } => format!("retraction of {}", target.short()),
    }
}

fn retract_event(
    history: &mut History,
    target: StoredEvent,
    reason: Option<String>,
    stamp: &Stamp,
) -> Result<Correction> {
    match &target.event.body {
        Body::Retraction { .. } => {
            return error::input(format!(
            "{} is a retraction; a retraction cannot be taken back: record the value again instead",
            target.event.id.short()
        ))
        }
        Body::Undo { .. } => {
            return error::input(format!(
                "{} is an undo; to mark the task done again, run beast complete",
                target.event.id.short()
            ))
        }
        _ => {}
    }
    if target.retracted_by.is_some() {
        return Ok(Correction::AlreadyRetracted {
            target: target.event,
        });
    }
    let e = stamp.event(Body::Retraction {
        target: target.event.id,
        reason,
    });
    history.record(std::slice::from_ref(&e))?;
    Ok(Correction::Retracted {
        target: target.event,
        by: e.id,
    })
}

/// Retracts the event `typed` names (its id or short id).
pub fn retract(
    history: &mut History,
    typed: &str,
    reason: Option<String>,
    stamp: &Stamp,
) -> Result<Correction> {
    let found = history.store().read(|r| r.find_events(typed))?;
    let target = match found.len() {
        0 => {
            return error::input(format!(
                "no event \"{}\" in this history; ids are shown by `beast log` and the histories of `beast metric NAME`",
                typed.escape_default()
            ))
        }
        1 => found.into_iter().next().expect("one"),
        _ => {
            let ids: Vec<String> = found.iter().map(|e| e.event.id.to_string()).collect();
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            return error::input(format!(
                "short id \"{typed}\" names {} events; give the full id: {}",
                ids.len(),
                quote_list(&ids)
            ));
        }
    };
    retract_event(history, target, reason, stamp)
}

/// Works out what `beast undo` does: takes back the caller's last action.
pub fn plan_undo(history: &mut History, stamp: &Stamp) -> Result<UndoPlan> {
    let Some(last) = history.store().read(|r| r.last_event_of(&stamp.author))? else {
        return error::input(format!(
            "{} has recorded nothing that could be undone in this history; see `beast log`",
            stamp.author
        ));
    };
    let correction = last.event.clone();
    let target = match &last.event.body {
        Body::Undo { target } | Body::Retraction { target, .. } => *target,
        Body::Reading(r) if r.run.is_some() => {
            // A benchmark's reading: its run, which takes its readings.
            let run = r.run.expect("checked").to_string();
            let run = history
                .store()
                .read(|r| r.find_events(&run))?
                .into_iter()
                .next()
                .unwrap_or(last);
            return Ok(UndoPlan::Retract(run));
        }
        _ => return Ok(UndoPlan::Retract(last)),
    };
    let Some(original) = history
        .store()
        .read(|r| r.find_events(&target.to_string()))?
        .into_iter()
        .next()
    else {
        return error::input(format!(
            "your last action, {} {}, took back an event this history does not have; nothing to restore",
            correction.id.short(),
            describe(&correction)
        ));
    };
    if original.event.author != stamp.author {
        return error::input(format!(
            "your last action took back {} {}, which {} recorded; ask them to record it again (undo restores only your own records)",
            original.event.id.short(),
            describe(&original.event),
            original.event.author
        ));
    }
    restore_plan(history, correction, original.event, stamp)
}

/// The events that record `original` again (a run with its readings, a
/// completion with its evidence), unless it counts again already.
fn restore_plan(
    history: &mut History,
    correction: Event,
    original: Event,
    stamp: &Stamp,
) -> Result<UndoPlan> {
    let copy = |body: Body| stamp.event(body);
    let mut events = Vec::new();
    match &original.body {
        Body::Completion(c) => {
            if let Some(task) = &c.task {
                let live = history.store().read(|r| r.completions_of(task))?;
                if !live.is_empty() {
                    return Ok(UndoPlan::Nothing {
                        original,
                        why: "is done again already".into(),
                    });
                }
            }
            let first = copy(original.body.clone());
            let id = first.id;
            events.push(first);
            let evidence = history
                .store()
                .read(|r| r.evidence_of(&original.id.to_string()))?;
            for ev in evidence {
                if let Body::Evidence(mut e) = ev.event.body {
                    e.completion = id;
                    events.push(copy(Body::Evidence(e)));
                }
            }
        }
        Body::BenchRun(_) => {
            let first = copy(original.body.clone());
            let id = first.id;
            events.push(first);
            let readings = history
                .store()
                .read(|r| r.readings_of_run(&original.id.to_string()))?;
            for reading in readings {
                if let Body::Reading(mut r) = reading.event.body {
                    r.run = Some(id);
                    events.push(copy(Body::Reading(r)));
                }
            }
        }
        Body::Reading(r) if r.run.is_some() => {
            // One reading of a run: the run, whole.
            let run = r.run.expect("checked").to_string();
            if let Some(run) = history
                .store()
                .read(|r| r.find_events(&run))?
                .into_iter()
                .next()
            {
                return restore_plan(history, correction, run.event, stamp);
            }
        }
        Body::Undo { .. } | Body::Retraction { .. } => {
            return error::input(format!(
                "{} is itself a correction; nothing to restore",
                original.id.short()
            ))
        }
        _ => events.push(copy(original.body.clone())),
    }
    Ok(UndoPlan::Restore {
        correction,
        original,
        events,
    })
}

/// Does what [`plan_undo`] worked out.
pub fn apply_undo(history: &mut History, plan: UndoPlan, stamp: &Stamp) -> Result<Correction> {
    match plan {
        UndoPlan::Retract(target) => {
            retract_event(history, target, Some("beast undo".into()), stamp)
        }
        UndoPlan::Restore {
            original, events, ..
        } => {
            history.record(&events)?;
            Ok(Correction::Restored {
                original,
                by: events[0].id,
                more: events.len() - 1,
            })
        }
        UndoPlan::Nothing { original, why } => Ok(Correction::NothingToRestore { original, why }),
    }
}
