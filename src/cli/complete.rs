//! `beast complete <MONTH> <WEEK> <TASK>` — mark a roadmap task done (or undo it).

use std::io::Write;

use anyhow::Result;

use super::{no_roadmap_for, parse_month, parse_week, Context};
use crate::domain::matching::{closest, normalize, quote_list};
use crate::domain::progress::{tally, Scope};
use crate::domain::roadmap::{Block, Month, Task, TaskRef};
use crate::error;
use crate::report::timing;
use crate::store::NewCompletion;

/// Mark a roadmap task done, record ad-hoc work, or undo a completion
#[derive(clap::Args)]
#[command(after_help = "Examples:
  beast complete 1 1 \"Fix failed request tracking\"
  beast complete 1 3 semantic cache matching --note \"threshold 0.95\"
  beast complete 2 2 \"Hotfix for token counting\" --adhoc
  beast complete --undo 1 1 \"Fix failed request tracking\"")]
pub struct Args {
    /// Roadmap month, 1–48 (month 25 is the first month of year 3)
    month: String,
    /// Week of the month the work was done, 1–4
    week: String,
    /// Task title; case, spaces and punctuation do not matter, quotes are optional
    #[arg(required = true, num_args = 1..)]
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
}

/// Finds the task a user meant within a month. Exact matches on the normalised
/// title come first; a unique title that starts with what was typed is
/// accepted too ("semantic cache" → "Semantic cache matching"). Among
/// same-named tasks the block containing `week`, else the nearest, wins.
fn find_task<'m>(month: &'m Month, typed: &str, week: u8) -> Result<(&'m Block, &'m Task)> {
    let wanted = normalize(typed);
    let mut matches: Vec<(&Block, &Task)> = month
        .tasks()
        .filter(|(_, t)| normalize(&t.title) == wanted)
        .collect();
    if matches.is_empty() && wanted.len() >= 4 {
        let prefixed: Vec<(&Block, &Task)> = month
            .tasks()
            .filter(|(_, t)| normalize(&t.title).starts_with(&wanted))
            .collect();
        let distinct: std::collections::HashSet<String> =
            prefixed.iter().map(|(_, t)| normalize(&t.title)).collect();
        if distinct.len() == 1 {
            matches = prefixed;
        }
    }
    if matches.is_empty() {
        let titles: Vec<&str> = month.tasks().map(|(_, t)| t.title.as_str()).collect();
        let near = closest(typed, titles.iter().copied(), 3);
        let hint = if near.is_empty() {
            format!(
                "its tasks are {}",
                quote_list(&titles[..titles.len().min(6)])
            )
        } else {
            format!("did you mean {}?", quote_list(&near))
        };
        return error::input(format!(
            "no task \"{typed}\" in month {} ({}); {hint} (all tasks: beast roadmap --month {})",
            month.number, month.title, month.number
        ));
    }
    matches.sort_by_key(|(b, _)| (b.weeks.distance(week), b.weeks.first));
    Ok(matches[0])
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Result<()> {
    let month_no = parse_month(&args.month)?;
    let week = parse_week(&args.week)?;
    let typed = args.task.join(" ");
    let typed = typed.trim();
    if normalize(typed).is_empty() {
        return error::input("the task title is empty; give the title of a roadmap task, e.g. \"Fix failed request tracking\"");
    }
    let note = args
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let (_, roadmap) = ctx.load_roadmap()?;

    if args.adhoc {
        let mut store = ctx.open_store()?;
        store.write(|w| {
            w.add_completion(&NewCompletion {
                month: month_no,
                week,
                task: None,
                title: typed,
                note,
                at: ctx.now,
            })
        })?;
        writeln!(
            out,
            "Recorded ad-hoc work in month {month_no}, week {week}: {typed} (not counted in roadmap progress)"
        )?;
        return Ok(());
    }

    let Some(month) = roadmap.month(month_no) else {
        return error::input(no_roadmap_for(&roadmap, month_no));
    };
    let (block, task) = find_task(month, typed, week)?;
    let task_ref = TaskRef::of(month_no, block, task);
    let mut store = ctx.open_store()?;
    let title = task.title.as_str();

    if args.undo {
        let undone = store.write(|w| {
            let existing = w.reader().completion_of(&task_ref)?;
            if let Some(c) = &existing {
                w.undo_completion(c.id, ctx.now)?;
            }
            Ok(existing)
        })?;
        match undone {
            Some(c) => writeln!(
                out,
                "Undid \"{title}\" (month {month_no}), completed {} — kept in the history as undone",
                &c.completed_at[..10]
            )?,
            None => writeln!(out, "\"{title}\" (month {month_no}) is not completed; nothing to undo")?,
        }
        return Ok(());
    }

    let (existing, done) = store.write(|w| {
        if let Some(c) = w.reader().completion_of(&task_ref)? {
            return Ok((Some(c), Default::default()));
        }
        w.add_completion(&NewCompletion {
            month: month_no,
            week,
            task: Some(&task_ref),
            title,
            note,
            at: ctx.now,
        })?;
        let done = w
            .reader()
            .planned_completions()?
            .iter()
            .filter_map(|c| c.task_ref())
            .collect();
        Ok((None, done))
    })?;
    if let Some(c) = existing {
        writeln!(
            out,
            "\"{title}\" (month {month_no}) was already completed on {} in week {}; nothing changed",
            &c.completed_at[..10],
            c.week
        )?;
        return Ok(());
    }
    let when = match timing(block.weeks, week) {
        "early" => format!(", early (planned for weeks {})", block.weeks),
        "late" => format!(", late (planned for weeks {})", block.weeks),
        _ => String::new(),
    };
    let t = tally(&roadmap, &done, Scope::Month(month_no));
    writeln!(
        out,
        "Completed \"{title}\" — month {month_no}, week {week}{when}. Month {month_no}: {}/{} tasks done",
        t.completed, t.total
    )?;
    Ok(())
}
