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
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Result<()> {
    let mut history = ctx.open_history()?;
    let info = history.info();
    let events = history.store().read(|r| r.recent_events(args.limit))?;
    writeln!(out, "History: {} ({})", info.mode, info.location)?;
    if events.is_empty() {
        writeln!(out, "no events yet")?;
        return Ok(());
    }
    let mut t = crate::cli::table();
    t.set_header(vec!["Id", "Recorded", "Author", "What", "State"]);
    for s in &events {
        let e = &s.event;
        let state = if s.retracted_by.is_some() {
            "retracted"
        } else if s.undone {
            "undone"
        } else if matches!(e.body, Body::Undo { .. } | Body::Retraction { .. }) {
            ""
        } else {
            "counts"
        };
        t.add_row(vec![
            e.id.short(),
            e.recorded_at.format("%Y-%m-%d %H:%M").to_string(),
            clip(&e.author, CELL_CHARS).into_owned(),
            clip(&describe(e), CELL_CHARS).into_owned(),
            state.to_string(),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}
