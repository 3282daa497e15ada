//! `beast complete <MONTH> <WEEK> <TASK>` — mark a roadmap task done (or undo it).

use std::io::Write;

use anyhow::Result;

use super::{parse_month, parse_week, Context};
use crate::app;
use crate::app::tasks::{self, CompleteRequest, TaskChange};
use crate::domain::Timing;

/// Mark a roadmap task done, record ad-hoc work, or undo a completion
#[derive(clap::Args)]
#[command(after_help = "Examples:
  beast complete 1 1 \"Fix failed request tracking\"
  beast complete 1 3 semantic cache matching --note \"threshold 0.95\"
  beast complete 1 3 \"Multi-tier cache\" --evidence HEAD --evidence https://ci.example.com/runs/812
  beast complete 2 2 \"Hotfix for token counting\" --adhoc
  beast complete --undo 1 1 \"Fix failed request tracking\"")]
pub struct Args {
    /// Roadmap month, 1–48 (month 25 is the first month of year 3)
    #[arg(allow_negative_numbers = true, add = super::values::months())]
    month: String,
    /// Week of the month the work was done, 1–4
    #[arg(allow_negative_numbers = true)]
    week: String,
    /// Task title; case, spaces and punctuation do not matter, quotes are optional
    #[arg(required = true, num_args = 1.., add = super::values::task_titles())]
    task: Vec<String>,
    /// Record unplanned work; it is listed but never counted in roadmap progress
    #[arg(long, conflicts_with = "undo")]
    adhoc: bool,
    /// Undo the task's completion (it stays in the history as undone)
    #[arg(long)]
    undo: bool,
    /// A note kept with the completion
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// Proof the work exists: a commit, a path in the repository, or a URL (repeatable;
    /// see `beast evidence --help`)
    #[arg(long, value_name = "REF", conflicts_with = "undo")]
    evidence: Vec<String>,
    /// Print what was recorded as JSON
    #[arg(long)]
    json: bool,
    /// Print nothing on success
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Result<()> {
    let month = parse_month(&args.month)?;
    let week = parse_week(&args.week)?;
    let typed = args.task.join(" ");
    let (_, roadmap) = ctx.load_roadmap()?;
    let evidence = super::evidence::resolve_all(ctx, &args.evidence)?;
    let mut history = ctx.open_history()?;
    let req = CompleteRequest {
        month,
        week,
        typed: &typed,
        note: app::note(args.note.as_deref()),
        adhoc: args.adhoc,
        undo: args.undo,
        evidence,
    };
    let change = tasks::complete(&mut history, roadmap, &req, &ctx.stamp())?;
    if args.quiet {
        return Ok(());
    }
    if args.json {
        let v = match &change {
            TaskChange::Adhoc {
                id,
                title,
                evidence,
            } => serde_json::json!({
                "outcome": "adhoc", "id": id.to_string(), "month": month, "week": week, "title": title,
                "evidence_added": evidence,
            }),
            TaskChange::Completed {
                id,
                title,
                weeks,
                timing,
                month: t,
                evidence,
            } => serde_json::json!({
                "outcome": "completed", "id": id.to_string(), "month": month, "week": week,
                "title": title, "weeks": weeks.to_string(), "timing": timing,
                "month_progress": { "completed": t.completed, "total": t.total },
                "evidence_added": evidence,
            }),
            TaskChange::AlreadyDone {
                id,
                title,
                completed_at,
                week,
                evidence,
            } => serde_json::json!({
                "outcome": "already_done", "id": id.to_string(), "month": month, "title": title,
                "completed_at": completed_at, "week": week, "evidence_added": evidence,
            }),
            TaskChange::Undone {
                title,
                completed_at,
            } => serde_json::json!({
                "outcome": "undone", "month": month, "title": title, "completed_at": completed_at,
            }),
            TaskChange::NothingToUndo { title } => serde_json::json!({
                "outcome": "nothing_to_undo", "month": month, "title": title,
            }),
        };
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    match change {
        TaskChange::Adhoc {
            id,
            title,
            evidence,
        } => writeln!(
            out,
            "Recorded ad-hoc work in month {month}, week {week}: {title} (not counted in roadmap progress){} [{}]",
            with_evidence(evidence),
            id.short()
        )?,
        TaskChange::Undone {
            title,
            completed_at,
        } => writeln!(
            out,
            "Undid \"{title}\" (month {month}), completed {} — kept in the history as undone",
            &completed_at[..10]
        )?,
        TaskChange::NothingToUndo { title } => writeln!(
            out,
            "\"{title}\" (month {month}) is not completed; nothing to undo"
        )?,
        TaskChange::AlreadyDone {
            id,
            title,
            completed_at,
            week,
            evidence,
        } => match evidence {
            0 => writeln!(
                out,
                "\"{title}\" (month {month}) was already completed on {} in week {week}; nothing changed",
                &completed_at[..10]
            )?,
            n => writeln!(
                out,
                "\"{title}\" (month {month}) was already completed on {} in week {week}; attached {n} piece{} of evidence to it [{}]",
                &completed_at[..10],
                if n == 1 { "" } else { "s" },
                id.short()
            )?,
        },
        TaskChange::Completed {
            id,
            title,
            weeks,
            timing,
            month: t,
            evidence,
        } => {
            let when = match timing {
                Timing::Early => format!(", early (planned for weeks {weeks})"),
                Timing::Late => format!(", late (planned for weeks {weeks})"),
                Timing::OnTime => String::new(),
            };
            writeln!(
                out,
                "Completed \"{title}\" — month {month}, week {week}{when}{}. Month {month}: {}/{} tasks done [{}]",
                with_evidence(evidence),
                t.completed,
                t.total,
                id.short()
            )?
        }
    }
    Ok(())
}

/// ", with 2 pieces of evidence", or nothing.
fn with_evidence(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => ", with 1 piece of evidence".to_string(),
        n => format!(", with {n} pieces of evidence"),
    }
}
