//! `beast sync`: move the team's events through git in one step.
//!
//! Every beast write appends to `.beast/events/`, so the working tree is
//! always modified and a plain `git pull --rebase` refuses until the user
//! commits or stashes. Sync does what a teammate would: commits the event
//! files (only them — nothing else staged or changed is touched), pulls with
//! rebase (other local changes stashed and put back by git), and pushes when
//! asked. Event files merge with git's union driver (`beast init` sets it),
//! so a rebase over a teammate's appends never conflicts; the index then
//! catches up with what came in, as after any pull.

use std::path::Path;

use anyhow::Result;

use crate::error;
use crate::project::DIR_NAME;

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Synced {
    /// Whether this clone's new events were committed.
    pub committed: bool,
    /// Lines of events that commit added.
    pub lines_committed: u64,
    /// Whether the pull brought commits in.
    pub pulled: bool,
    pub pushed: bool,
}

/// Runs git in `root`; its stdout, or the error git gave, as one line.
fn git(root: &Path, args: &[&str]) -> Result<String> {
    crate::git::run(root, args, "beast sync")?
        .or_else(|why| error::input(format!("git {}: {why}", args.join(" "))))
}

/// Commits this clone's new events, pulls with rebase, pushes if `push`.
pub fn sync(root: &Path, push: bool) -> Result<Synced> {
    let events = format!("{DIR_NAME}/events");
    git(root, &["rev-parse", "--git-dir"])?;
    // Before anything changes: a branch that tracks nothing cannot sync.
    let upstream = git(
        root,
        &["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}"],
    );
    if upstream.is_err() {
        return error::input(
            "this branch tracks no remote branch; set one with `git branch --set-upstream-to origin/main` (or push with -u once), then sync",
        );
    }
    // Only the event files, whatever else is staged or changed.
    git(root, &["add", "--", &events])?;
    let staged = git(root, &["diff", "--cached", "--numstat", "--", &events])?;
    let lines: u64 = staged
        .lines()
        .filter_map(|l| l.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    let committed = !staged.trim().is_empty();
    if committed {
        let message = format!(
            "beast: {lines} event line{}",
            if lines == 1 { "" } else { "s" }
        );
        git(root, &["commit", "--quiet", "-m", &message, "--", &events])?;
    }
    let before = git(root, &["rev-parse", "HEAD"])?;
    git(root, &["pull", "--quiet", "--rebase", "--autostash"])?;
    let pulled = git(root, &["rev-parse", "HEAD"])? != before;
    if push {
        git(root, &["push", "--quiet"])?;
    }
    Ok(Synced {
        committed,
        lines_committed: lines,
        pulled,
        pushed: push,
    })
}
