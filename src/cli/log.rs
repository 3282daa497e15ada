//! `beast log` — the history itself: every event, newest first, with its id
//! and whether it still counts.

use std::io::Write;

use anyhow::Result;

use super::Context;
use crate::app::corrections::describe;
use crate::domain::event::Body;
use crate::report::{clip, CELL_CHARS};

/// The events of the history, newest first, with ids for `beast retract`
#[derive(clap::Args)]
pub struct Args {
    /// How many events to show
    #[arg(long, default_value_t = 20, value_name = "N")]
    limit: usize,
    /// Print the events as JSON: each with its id, state and line of the log
    #[arg(long)]
    json: bool,
}

/// Whether an event still counts: `counts`, `retracted` (itself, or the
/// benchmark run that measured it: `run_retracted`), `undone`, or empty
/// for an undo or a retraction itself.
fn state(s: &crate::store::StoredEvent, run_retracted: bool) -> &'static str {
    if s.retracted_by.is_some() || run_retracted {
        "retracted"
    } else if s.undone {
        "undone"
    } else if matches!(s.event.body, Body::Undo { .. } | Body::Retraction { .. }) {
        ""
    } else {
        "counts"
    }
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Result<()> {
    let mut history = ctx.open_history()?;
    let info = history.info();
    let (events, runs_retracted) = history.store().read(|r| {
        let events = r.recent_events(args.limit)?;
        // A reading of a retracted run counts for nothing, as everywhere.
        let mut retracted = std::collections::HashSet::new();
        for s in &events {
            if let Body::Reading(reading) = &s.event.body {
                if let Some(run) = reading.run {
                    let id = run.to_string();
                    if r.bench_run(&id)?.is_some_and(|b| b.retracted_at.is_some()) {
                        retracted.insert(s.event.id);
                    }
                }
            }
        }
        Ok((events, retracted))
    })?;
    let state = |s: &crate::store::StoredEvent| state(s, runs_retracted.contains(&s.event.id));
    if args.json {
        let list: Vec<serde_json::Value> = events
            .iter()
            .map(|s| {
                let line: serde_json::Value =
                    serde_json::from_str(&s.event.to_line()).unwrap_or_default();
                serde_json::json!({
                    "id": s.event.id.to_string(),
                    "short": s.event.id.short(),
                    "kind": s.event.body.kind(),
                    "what": describe(&s.event),
                    "state": state(s),
                    "retracted_by": s.retracted_by,
                    "event": line,
                })
            })
            .collect();
        serde_json::to_writer_pretty(
            &mut *out,
            &serde_json::json!({ "mode": info.mode, "events": list }),
        )?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "History: {} ({})", info.mode, info.location)?;
    if events.is_empty() {
        writeln!(out, "no events yet")?;
        return Ok(());
    }
    let mut t = crate::cli::table();
    t.set_header(vec!["Id", "Recorded", "Author", "What", "State"]);
    for s in &events {
        let e = &s.event;
        t.add_row(vec![
            e.id.short(),
            e.recorded_at.format("%Y-%m-%d %H:%M").to_string(),
            clip(&e.author, CELL_CHARS).into_owned(),
            clip(&describe(e), CELL_CHARS).into_owned(),
            state(s).to_string(),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}
