//! `beast sync` — commit this clone's events, pull the team's, push if asked.

use std::io::Write;

use anyhow::Result;

use super::Context;
use crate::app::{sync, Mode};
use crate::error;

/// Commit your events, pull the team's (rebase), and push with --push
#[derive(clap::Args)]
#[command(
    after_help = "Only .beast/events/ is committed (\"beast: N event lines\"); anything else
you have staged or changed stays as it is (git stashes and restores it around
the pull). Event files merge with git's union driver, so a rebase over a
teammate's events does not conflict.

Examples:
  beast sync                 commit your events and pull the team's
  beast sync --push          and push them"
)]
pub struct Args {
    /// Push after pulling
    #[arg(long)]
    push: bool,
    /// Print what was done as JSON
    #[arg(long)]
    json: bool,
    /// Print nothing on success
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Result<()> {
    let Mode::Project(project) = ctx.mode() else {
        return error::input(
            "beast sync moves a project's events through git; run it inside a repository with .beast/ (see beast init)",
        );
    };
    let done = sync::sync(&project.root, args.push)?;
    // The index catches up with what the pull brought, and says what it
    // skipped, as any command after a pull would.
    let info = ctx.build_report()?;
    if args.quiet {
        return Ok(());
    }
    if args.json {
        let v = serde_json::json!({
            "committed": done.committed, "lines_committed": done.lines_committed,
            "pulled": done.pulled, "pushed": done.pushed,
            "completed": info.progress.overall.completed, "verified": info.progress.overall.verified,
        });
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    let mut parts = Vec::new();
    parts.push(match done.committed {
        true => format!(
            "committed {} event line{}",
            done.lines_committed,
            if done.lines_committed == 1 { "" } else { "s" }
        ),
        false => "nothing new to commit".to_string(),
    });
    parts.push(if done.pulled {
        "pulled the team's changes".into()
    } else {
        "nothing new to pull".to_string()
    });
    if done.pushed {
        parts.push("pushed".into());
    }
    writeln!(
        out,
        "{}; overall {}/{} tasks done, {} verified",
        parts.join(", "),
        info.progress.overall.completed,
        info.progress.overall.total,
        info.progress.overall.verified
    )?;
    Ok(())
}
