//! Moving history between places: `beast export` writes events in the log's
//! line format, `beast import FILE` merges such a file into the current
//! history. This is how a personal database moves into a project, and how
//! two personal databases are combined.

use std::io::Write;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::History;
use crate::domain::event::{log_time, Event};
use crate::domain::validate::{self, Rules};
use crate::error;

/// Writes every event recorded at or after `since`, oldest first, one per
/// line. Returns how many.
pub fn export(
    history: &mut History,
    since: Option<DateTime<Utc>>,
    out: &mut dyn Write,
) -> Result<u64> {
    let since = since.map(log_time);
    // A failed write (a reader that closed the pipe: `beast export | head`)
    // is the output's failure, not the store's: it leaves the read as the
    // I/O error it is, which the command line treats as such.
    let mut failed: Option<std::io::Error> = None;
    let read = history.store().read(|r| {
        r.event_lines(since.as_deref(), |line| {
            if let Err(e) = out
                .write_all(line.as_bytes())
                .and_then(|()| out.write_all(b"\n"))
            {
                failed = Some(e);
                anyhow::bail!("the output failed");
            }
            Ok(())
        })
    });
    match failed {
        Some(e) => Err(e.into()),
        None => read,
    }
}

/// Parses an export: every line must be an event this beast can read and
/// keep the rules every event keeps (an import is all or nothing, so a bad
/// line is an error naming it, before anything is recorded).
pub fn parse(shown: &str, text: &str, rules: &Rules) -> Result<Vec<Event>> {
    let mut events = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        match Event::from_line(line)
            .map_err(|e| e.to_string())
            .and_then(|e| validate::check(&e, rules).map(|()| e))
        {
            Ok(e) => events.push(e),
            Err(why) => {
                return error::input(format!(
                    "{shown}:{}: {why}; nothing was imported (fix or remove the line)",
                    i + 1
                ))
            }
        }
    }
    Ok(events)
}

#[derive(Debug, PartialEq, Eq)]
pub struct Imported {
    /// Events in the file.
    pub read: usize,
    /// Events the history did not have yet.
    pub added: usize,
}

/// Merges `events` into the history, skipping ids it already has. In a
/// project each goes into its own author's log file.
pub fn import(history: &mut History, mut events: Vec<Event>) -> Result<Imported> {
    let read = events.len();
    events.sort_by_key(|e| (e.recorded_at, e.id));
    events.dedup_by(|a, b| a.id == b.id && a == b);
    let added = history.record(&events)?;
    Ok(Imported { read, added })
}
