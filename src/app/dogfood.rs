//! Recording dog-food events.

use anyhow::Result;

use super::{History, Stamp};
use crate::domain::dogfood::DogfoodKind;
use crate::domain::event::{Body, Dogfood, EventId};
use crate::error;
use crate::store::DogfoodCount;

/// Parses a kind as typed, or says which kinds exist.
pub fn parse_kind(typed: &str) -> Result<DogfoodKind> {
    if let Some(kind) = DogfoodKind::parse(typed) {
        return Ok(kind);
    }
    let near =
        crate::domain::matching::closest(typed, DogfoodKind::ALL.iter().map(|k| k.as_str()), 1);
    let hint = near
        .first()
        .map(|n| format!("did you mean \"{n}\"? "))
        .unwrap_or_default();
    error::input(format!(
        "unknown dog-food kind \"{typed}\"; {hint}use improvement, test, optimization or doc"
    ))
}

#[derive(Debug)]
pub struct DogfoodRecorded {
    pub id: EventId,
    /// The kind's live counts after this event.
    pub counts: DogfoodCount,
}

pub fn record(
    history: &mut History,
    kind: DogfoodKind,
    generated: bool,
    note: Option<String>,
    stamp: &Stamp,
) -> Result<DogfoodRecorded> {
    let e = stamp.event(Body::Dogfood(Dogfood {
        kind,
        generated,
        at: stamp.now,
        note,
    }));
    history.record(std::slice::from_ref(&e))?;
    let counts = history
        .store()
        .read(|r| r.dogfood_counts())?
        .into_iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, c)| c)
        .unwrap_or_default();
    Ok(DogfoodRecorded { id: e.id, counts })
}
