//! `beast sync`: share the team's history through the repository's remote.
//!
//! The history lives on its own ref (`refs/beast/history`, see
//! `crate::home::team`), so sync moves that ref alone: it fetches the
//! remote's, takes in what this clone lacks, commits the union and, asked to,
//! pushes it. The branch being worked on — its commits, its working tree, its
//! staging area, a rebase in progress — is never read or changed, and no code
//! is ever pushed with the events.

use anyhow::Result;

use crate::home::Mode;
pub use crate::home::Synced;

/// Syncs a project's history with `remote` (else origin, else the only
/// remote); pushes it when `push`.
pub fn sync(mode: &Mode, remote: Option<&str>, push: bool) -> Result<Synced> {
    let Mode::Project(project) = mode else {
        return crate::error::input(
            "beast sync shares a project's history through git; run it inside a repository with .beast/ (see beast init)",
        );
    };
    project.team.sync(remote, push)
}
