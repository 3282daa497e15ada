//! Corrections: `beast undo` takes back the caller's last record, `beast
//! retract ID` any record. A retraction is itself an event; nothing is
//! deleted, and the retracted record stays in the history, marked.

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

/// Retracts the caller's newest record that still stands. A reading a
/// benchmark recorded takes its whole run with it.
pub fn undo_last(history: &mut History, stamp: &Stamp) -> Result<Correction> {
    let Some(last) = history.store().read(|r| r.last_record_of(&stamp.author))? else {
        return error::input(format!(
            "{} has recorded nothing that could be undone in this history; see `beast log`",
            stamp.author
        ));
    };
    let target = match &last.event.body {
        Body::Reading(r) if r.run.is_some() => {
            let run = r.run.expect("checked").to_string();
            history
                .store()
                .read(|r| r.find_events(&run))?
                .into_iter()
                .next()
                .unwrap_or(last)
        }
        _ => last,
    };
    retract_event(history, target, Some("beast undo".into()), stamp)
}
