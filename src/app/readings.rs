//! Recording metric readings.

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::{History, Stamp};
use crate::domain::catalog::{Lookup, MetricDef};
use crate::domain::event::{Body, EventId, Reading};
use crate::domain::matching::quote_list;
use crate::domain::Catalog;
use crate::error;

/// Resolves a typed metric name or explains which ones exist.
pub fn resolve<'c>(catalog: &'c Catalog, typed: &str) -> Result<&'c MetricDef> {
    match catalog.lookup(typed) {
        Lookup::Found(m) => Ok(m),
        Lookup::Unknown(near) if !near.is_empty() => error::input(format!(
            "unknown metric \"{typed}\"; did you mean {}? (list them with: beast metric)",
            quote_list(&near)
        )),
        Lookup::Unknown(_) => error::input(format!(
            "unknown metric \"{typed}\"; list the catalog with: beast metric"
        )),
    }
}

/// A reading as typed, before it is checked.
pub struct ReadingRequest<'a> {
    pub value: &'a str,
    pub at: Option<DateTime<Utc>>,
    /// Accept a measurement time before the roadmap's start.
    pub force: bool,
    pub source: &'a str,
    pub note: Option<String>,
}

/// What recording a reading left behind, read right after the write.
#[derive(Debug)]
pub struct ReadingRecorded {
    pub id: EventId,
    pub value: f64,
    pub source: String,
    /// Live readings of the metric now.
    pub count: u64,
    /// The latest live value now (by measurement time; may not be this one).
    pub latest: Option<f64>,
    /// A word on the value as typed (a percentage that looks like a
    /// fraction); it is recorded as given.
    pub hint: Option<String>,
}

/// Checks a source name: one word, no spaces or control characters.
pub fn check_source(source: &str) -> Result<&str> {
    let source = source.trim();
    match crate::domain::validate::check_source(source) {
        Ok(()) => Ok(source),
        Err(why) => error::input(format!("--{why}")),
    }
}

pub fn record(
    history: &mut History,
    def: &MetricDef,
    req: &ReadingRequest,
    stamp: &Stamp,
) -> Result<ReadingRecorded> {
    let value = def.parse_value(req.value).or_else(error::input)?;
    let at = req.at.unwrap_or(stamp.now);
    if at > stamp.now {
        return error::input(format!(
            "--at {} is in the future; a reading records something already measured",
            crate::store::timestamp(at)
        ));
    }
    let start = crate::domain::calendar::month_start(1)
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc();
    if at < start && !req.force {
        return error::input(format!(
            "--at {} is before the roadmap starts ({}); pass --force if the reading really is that old",
            crate::store::timestamp(at),
            start.format("%Y-%m-%d")
        ));
    }
    let source = check_source(req.source)?.to_string();
    let e = stamp.event(Body::Reading(Reading {
        metric: def.id.clone(),
        value,
        measured_at: at,
        source: source.clone(),
        note: req.note.clone(),
        run: None,
    }));
    history.record(std::slice::from_ref(&e))?;
    let (count, latest) = history.store().read(|r| {
        Ok((
            r.reading_count(&def.id)?,
            r.latest_reading(&def.id)?.map(|l| l.value),
        ))
    })?;
    Ok(ReadingRecorded {
        id: e.id,
        value,
        source,
        count,
        latest,
        hint: def.scale_hint(value),
    })
}
