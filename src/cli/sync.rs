//! `beast sync` — fetch the team's history, merge it with yours, push it if asked.

use std::io::Write;

use anyhow::Result;

use super::Context;
use crate::app::sync;

/// Fetch the team's history, merge yours in, and push it with --push
#[derive(clap::Args)]
#[command(
    after_help = "The history lives on its own ref, refs/beast/history, never on your branch:
sync fetches that ref alone, merges it with your records (the union of both),
and with --push pushes that ref alone. Your branch, working tree, staging area
and any rebase in progress are left as they are; no code is pushed. A push that
loses a race with another clone fetches, merges and tries again.

Examples:
  beast sync                 fetch the team's history (a fresh clone's first step)
  beast sync --push          and share your records
  beast sync --remote up     with another remote than origin"
)]
pub struct Args {
    /// Push the history after merging
    #[arg(long)]
    push: bool,
    /// The remote to sync with (default: origin, else the only remote)
    #[arg(long, value_name = "NAME")]
    remote: Option<String>,
    /// Print what was done as JSON
    #[arg(long)]
    json: bool,
    /// Print nothing on success
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Result<()> {
    // An in-tree log from before the ref is moved onto it first, and said.
    ctx.prepare_history()?;
    let done = sync::sync(ctx.mode(), args.remote.as_deref(), args.push)?;
    if args.quiet {
        return Ok(());
    }
    // What the history now says, read as report reads it (a fresh clone's
    // log in memory, building no index), with what it skipped.
    let info = ctx.build_report_from(&mut ctx.open_readable()?, 0)?;
    let overall = &info.progress.overall;
    if args.json {
        let mut v = serde_json::to_value(&done)?;
        v["completed"] = overall.completed.into();
        v["verified"] = overall.verified.into();
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    let lines = |n: u64| format!("{n} event line{}", if n == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    parts.push(match (done.remote_had_history, done.fetched_lines) {
        (false, _) => format!("{} has no history yet", done.remote),
        (true, 0) => format!("nothing new from {}", done.remote),
        (true, n) => format!("fetched {} from {}", lines(n), done.remote),
    });
    parts.push(match (done.local_lines, done.pushed) {
        (0, _) => "nothing of yours to share".to_string(),
        (n, true) => format!("pushed {}", lines(n)),
        (n, false) => format!("{} not pushed yet (beast sync --push)", lines(n)),
    });
    writeln!(
        out,
        "{}; overall {}/{} tasks done, {} verified",
        parts.join(", "),
        overall.completed,
        overall.total,
        overall.verified
    )?;
    Ok(())
}
