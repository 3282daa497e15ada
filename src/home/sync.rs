//! `beast sync`: the history ref fetched, merged and pushed alone.
//!
//! It commits the local files onto the ref, fetches the remote's ref, takes
//! it in, and publishes a commit whose parents are both sides — a
//! fast-forward for the remote — pushing that ref only. A push that lost a
//! race with another clone (two CI jobs) fetches and tries again.

use anyhow::Result;

use super::team::{count_lines, Team, Union, HISTORY_REF};
use crate::error;
use crate::git::Pushed;

/// How many times a push that lost a race is fetched, merged and tried again.
const PUSH_ATTEMPTS: usize = 8;

/// The local ref a remote's history is fetched into.
fn tracking_ref(remote: &str) -> String {
    format!("refs/beast/remotes/{remote}/history")
}

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Synced {
    pub remote: String,
    /// Whether the remote had a history to fetch.
    pub remote_had_history: bool,
    /// Event lines fetched that this clone did not have.
    pub fetched_lines: u64,
    /// Event lines of this clone that the remote did not have.
    pub local_lines: u64,
    /// Whether a new commit was made on the local history ref.
    pub committed: bool,
    /// Whether the local history was pushed (and the remote took it).
    pub pushed: bool,
    /// Pushes that lost a race with another clone and were tried again.
    pub retries: usize,
}

impl Team {
    /// The parents of a commit that holds both `ours` and `theirs`: each
    /// that the other does not already contain.
    fn parents(&self, ours: Option<&str>, theirs: Option<&str>) -> Result<Vec<String>> {
        Ok(match (ours, theirs) {
            (None, None) => Vec::new(),
            (Some(one), None) | (None, Some(one)) => vec![one.to_string()],
            (Some(o), Some(t)) if o == t || self.repo.is_ancestor(t, o)? => vec![o.to_string()],
            (Some(o), Some(t)) if self.repo.is_ancestor(o, t)? => vec![t.to_string()],
            (Some(o), Some(t)) => vec![o.to_string(), t.to_string()],
        })
    }

    /// The remote to sync with: `asked`, else `origin`, else the only one.
    fn remote(&self, asked: Option<&str>) -> Result<String> {
        let remotes = self.repo.remotes()?;
        if let Some(r) = asked {
            if remotes.iter().any(|x| x == r) {
                return Ok(r.to_string());
            }
            return error::input(format!(
                "this repository has no remote \"{}\"; its remotes: {}",
                r.escape_default(),
                list(&remotes)
            ));
        }
        if remotes.iter().any(|r| r == "origin") {
            return Ok("origin".into());
        }
        match remotes.as_slice() {
            [one] => Ok(one.clone()),
            [] => error::input(
                "this repository has no remote to share the history through; add one (`git remote add origin URL`), then sync",
            ),
            more => error::input(format!(
                "this repository has several remotes and none is called origin; name one with --remote ({})",
                list(more)
            )),
        }
    }

    /// Fetches the remote's history, takes it in, commits the union and,
    /// with `push`, pushes the history ref alone (fetching and merging again
    /// when another clone pushed first). Works whatever state the branch is
    /// in: it never reads or moves HEAD, the index or the working tree.
    /// (Moving an in-tree log onto the ref is the caller's `prepare`, which
    /// says what it moved.)
    pub fn sync(&self, remote: Option<&str>, push: bool) -> Result<Synced> {
        let remote = self.remote(remote)?;
        let _lock = self.lock()?;
        self.take_in_head()?;
        let tracking = tracking_ref(&remote);
        let mut done = Synced {
            remote: remote.clone(),
            remote_had_history: false,
            fetched_lines: 0,
            local_lines: 0,
            committed: false,
            pushed: false,
            retries: 0,
        };
        for attempt in 0..PUSH_ATTEMPTS {
            self.clear_stale_lock(&tracking);
            let began = std::time::Instant::now();
            let theirs = self.repo.fetch_ref(&remote, HISTORY_REF, &tracking)?;
            profile("fetched", began);
            done.remote_had_history = theirs.is_some();
            let union = match &theirs {
                Some(t) => self.take_in(t)?,
                None => Union {
                    added: 0,
                    extra: self
                        .local_files()?
                        .iter()
                        .map(|(_, p)| count_lines(p))
                        .sum::<Result<u64>>()?,
                },
            };
            done.fetched_lines += union.added;
            done.local_lines = union.extra;
            profile("took in", began);
            let head = self.head()?;
            let new = match &theirs {
                // Everything here is there: the remote's commit is ours.
                Some(t) if union.extra == 0 => t.clone(),
                _ => {
                    let tree = self.local_tree()?;
                    let parents = self.parents(head.as_deref(), theirs.as_deref())?;
                    match parents.as_slice() {
                        [one] if self.repo.tree_of(one)? == tree => one.clone(),
                        _ => {
                            done.committed = true;
                            let message = format!(
                                "beast: {} event line{}",
                                union.extra,
                                if union.extra == 1 { "" } else { "s" }
                            );
                            self.repo.commit_tree(&tree, &parents, &message)?
                        }
                    }
                }
            };
            profile("committed", began);
            if head.as_deref() != Some(new.as_str()) {
                self.set_head(&new, head.as_deref(), "beast sync")?;
            }
            self.write_marker(&new)?;
            if !push || theirs.as_deref() == Some(new.as_str()) {
                done.pushed = push;
                return Ok(done);
            }
            match self.repo.push_ref(&remote, HISTORY_REF)? {
                Pushed::Done => {
                    done.pushed = true;
                    // The remote now has what was pushed.
                    let _ = self
                        .repo
                        .update_ref(&tracking, &new, theirs.as_deref(), "beast sync");
                    return Ok(done);
                }
                Pushed::Stale if attempt + 1 < PUSH_ATTEMPTS => done.retries += 1,
                Pushed::Stale => {}
                Pushed::Refused(said) => {
                    return error::store(format!(
                        "{remote} refused {HISTORY_REF}: {said}; the history is kept here (nothing is lost) — allow pushes to refs/beast/* for this job (in GitHub Actions: `permissions: contents: write`), then run `beast sync --push` again"
                    ))
                }
            }
        }
        error::store(format!(
            "{remote} kept moving: {PUSH_ATTEMPTS} pushes of {HISTORY_REF} each lost a race with another clone; the history is kept here — run `beast sync --push` again"
        ))
    }
}

/// Says how long a step of a sync took, under `BEAST_PROFILE`.
fn profile(step: &str, since: std::time::Instant) {
    if std::env::var_os("BEAST_PROFILE").is_some() {
        crate::say!("sync: {step} after {:?}", since.elapsed());
    }
}

/// Names for a message: "a, b", or "none".
fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "none".into();
    }
    names.join(", ")
}
