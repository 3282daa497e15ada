//! `beast undo` and `beast retract ID` — take back a mistaken record. The
//! record stays in the history, marked, and counts for nothing.

use std::io::Write;

use anyhow::Result;

use super::Context;
use crate::app;
use crate::app::corrections::{self, describe, Correction};

/// Take back your last record (a reading, completion, dog-food event or benchmark run)
#[derive(clap::Args)]
#[command(after_help = "Examples:
  beast metric latency 2000      oops: meant 200
  beast undo                     retracts that reading
  beast metric latency 200")]
pub struct UndoArgs {
    /// Print what was retracted as JSON
    #[arg(long)]
    json: bool,
    /// Print nothing on success
    #[arg(short, long)]
    quiet: bool,
}

/// Take back any record by its id (shown by `beast log` and `beast metric NAME`)
#[derive(clap::Args)]
#[command(after_help = "Examples:
  beast log                                  find the id
  beast retract 3f9k2m1a --reason \"wrong dashboard\"")]
pub struct RetractArgs {
    /// The event's id or its 8-character short id
    id: String,
    /// Why, kept with the retraction
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
    /// Print what was retracted as JSON
    #[arg(long)]
    json: bool,
    /// Print nothing on success
    #[arg(short, long)]
    quiet: bool,
}

/// How to print a correction.
struct Print {
    json: bool,
    quiet: bool,
}

fn print(c: Correction, how: Print, out: &mut dyn Write) -> Result<()> {
    if how.quiet {
        return Ok(());
    }
    if how.json {
        let v = match &c {
            Correction::Retracted { target, by } => serde_json::json!({
                "outcome": "retracted", "target": target.id.to_string(), "kind": target.body.kind(),
                "what": describe(target), "by": by.to_string(),
            }),
            Correction::AlreadyRetracted { target } => serde_json::json!({
                "outcome": "already_retracted", "target": target.id.to_string(),
                "kind": target.body.kind(), "what": describe(target),
            }),
        };
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    match c {
        Correction::Retracted { target, by } => writeln!(
            out,
            "Retracted {} {} — kept in the history as retracted; it no longer counts [{}]",
            target.id.short(),
            describe(&target),
            by.short()
        )?,
        Correction::AlreadyRetracted { target } => writeln!(
            out,
            "{} {} was already retracted; nothing changed",
            target.id.short(),
            describe(&target)
        )?,
    }
    Ok(())
}

pub fn undo(ctx: &Context, args: UndoArgs, out: &mut dyn Write) -> Result<()> {
    let mut history = ctx.open_history()?;
    let how = Print {
        json: args.json,
        quiet: args.quiet,
    };
    print(
        corrections::undo_last(&mut history, &ctx.stamp())?,
        how,
        out,
    )
}

pub fn retract(ctx: &Context, args: RetractArgs, out: &mut dyn Write) -> Result<()> {
    let mut history = ctx.open_history()?;
    let reason = app::note(args.reason.as_deref());
    let how = Print {
        json: args.json,
        quiet: args.quiet,
    };
    print(
        corrections::retract(&mut history, &args.id, reason, &ctx.stamp())?,
        how,
        out,
    )
}
