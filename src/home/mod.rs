//! Where the history lives, behind one interface that the write path
//! (`app::History::record`), the readers (`app::Readable`) and `beast sync`
//! use: a personal SQLite database, or a project's log — per-author files in
//! the repository's git directory, shared on their own ref (see [`team`]).

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::project::Project;

mod arrivals;
mod chunks;
mod migrate;
mod sync;
pub mod team;

pub use sync::Synced;
pub use team::{Team, HISTORY_REF};

/// Where the history lives.
#[derive(Debug, Clone)]
pub enum Mode {
    Personal { db: PathBuf },
    Project(Box<Project>),
}

impl Mode {
    /// Readies the history for a command: in a project, takes in what its
    /// ref gained (a sync, a fetch by hand) and moves an in-tree log from
    /// before the ref onto it. Messages (what was moved) go to `warn`.
    pub fn prepare(&self, warn: &mut dyn FnMut(String)) -> Result<()> {
        if let Mode::Project(p) = self {
            p.team.prepare(&p.root, warn)?;
        }
        Ok(())
    }

    /// Records that reached the team's shared history more than a day
    /// after the time they claim (event id → when they arrived); none in a
    /// personal history.
    pub fn backdated(&self) -> std::collections::HashMap<String, chrono::DateTime<chrono::Utc>> {
        match self {
            Mode::Project(p) => p.team.backdated(),
            Mode::Personal { .. } => Default::default(),
        }
    }

    /// For a command that reports the team's state: an error (exit 4) when
    /// this is a clone that has not fetched the team's history yet, so that
    /// it never reports an empty history as the team's.
    pub fn require_history(&self) -> Result<()> {
        if let Mode::Project(p) = self {
            if !p.team.fetched()? {
                return crate::error::store(format!(
                    "this clone has not fetched the team's history ({HISTORY_REF}); run `beast sync` to fetch it"
                ));
            }
        }
        Ok(())
    }

    /// The log files' directory, in a project.
    pub fn events_dir(&self) -> Option<PathBuf> {
        match self {
            Mode::Project(p) => Some(p.team.events_dir()),
            Mode::Personal { .. } => None,
        }
    }

    /// The project's root, in a project.
    pub fn root(&self) -> Option<&Path> {
        match self {
            Mode::Project(p) => Some(&p.root),
            Mode::Personal { .. } => None,
        }
    }
}
