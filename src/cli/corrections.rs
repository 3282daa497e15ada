//! `beast undo` and `beast retract ID` — take back a mistaken record. The
//! record stays in the history, marked, and counts for nothing.

use std::io::Write;

use anyhow::Result;

use super::Context;
use crate::app;
use crate::app::corrections::{self, describe, Correction};

/// Take back your last action: retract your last record, or restore what your last undo or retraction took back
#[derive(clap::Args)]
#[command(
    after_help = "Shows what it will change and asks on a terminal; --yes (or no terminal on
stdin) proceeds without asking. It never skips your last action to take back an
earlier record: after `beast complete --undo`, `beast undo` marks the task done again.

Examples:
  beast metric latency 2000      oops: meant 200
  beast undo                     retracts that reading
  beast metric latency 200
  beast undo --dry-run           what undo would change now"
)]
pub struct UndoArgs {
    /// Do not ask, even on a terminal
    #[arg(short, long)]
    yes: bool,
    /// Show what undo would change, and change nothing
    #[arg(long)]
    dry_run: bool,
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
            Correction::Restored { original, by, more } => serde_json::json!({
                "outcome": "restored", "target": original.id.to_string(),
                "kind": original.body.kind(), "what": describe(original),
                "by": by.to_string(), "more": more,
            }),
            Correction::NothingToRestore { original, why } => serde_json::json!({
                "outcome": "nothing_to_restore", "target": original.id.to_string(),
                "kind": original.body.kind(), "what": describe(original), "why": why,
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
        Correction::Restored { original, by, more } => writeln!(
            out,
            "Restored {} {} — recorded again as {}{}; it counts again",
            original.id.short(),
            describe(&original),
            by.short(),
            match more {
                0 => String::new(),
                n => format!(" with {n} more events"),
            }
        )?,
        Correction::NothingToRestore { original, why } => writeln!(
            out,
            "{} {} {why}; nothing changed",
            original.id.short(),
            describe(&original)
        )?,
    }
    Ok(())
}

pub fn undo(ctx: &Context, args: UndoArgs, out: &mut dyn Write) -> Result<()> {
    use std::io::IsTerminal;
    let mut history = ctx.open_history()?;
    let stamp = ctx.stamp();
    let plan = corrections::plan_undo(&mut history, &stamp)?;
    if args.dry_run {
        if args.json {
            serde_json::to_writer_pretty(
                &mut *out,
                &serde_json::json!({ "outcome": "dry_run", "would": plan.describe() }),
            )?;
            writeln!(out)?;
        } else {
            writeln!(out, "beast undo would {}; nothing changed", plan.describe())?;
        }
        return Ok(());
    }
    // On a terminal, say what will change and ask, as `task undo` does.
    if !args.yes && std::io::stdin().is_terminal() {
        crate::say!("beast undo will {}.", plan.describe());
        let mut err = std::io::stderr();
        let _ = write!(err, "Proceed? [y/N] ").and_then(|()| err.flush());
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
            crate::say!("nothing changed");
            return Ok(());
        }
    }
    let how = Print {
        json: args.json,
        quiet: args.quiet,
    };
    print(
        corrections::apply_undo(&mut history, plan, &stamp)?,
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
