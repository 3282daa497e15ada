//! Evidence: attaching proof to a completion (`beast evidence ID REF`,
//! `beast complete … --evidence REF`) and reading the proof the repository's
//! commits carry in `Roadmap-Task:` trailers.
//!
//! A reference is resolved and checked before anything is recorded: a URL is
//! kept as given (beast has no network), a commit must exist in the
//! repository and is stored by its full id, a path must exist in HEAD's
//! tree and is stored relative to the repository with HEAD's id. One that
//! does not resolve is refused and nothing is recorded.

use std::path::Path;

use anyhow::Result;

use super::{History, Readable, Stamp};
use crate::domain::claims::Trailers;
use crate::domain::event::{Body, Event, EventId, Evidence, Proof};
use crate::domain::validate::check_proof;
use crate::domain::Roadmap;
use crate::error;
use crate::git::Repo;

/// Reads what `typed` names as evidence: an `http(s)://` address, else a
/// commit of `repo`, else a path (relative to `cwd`) in HEAD's tree.
pub fn resolve(repo: Option<&Repo>, cwd: &Path, typed: &str) -> Result<Proof> {
    let typed = typed.trim();
    if typed.contains("://") {
        let proof = Proof::Url(typed.to_string());
        check_proof(&proof).or_else(error::input)?;
        return Ok(proof);
    }
    let Some(repo) = repo else {
        return error::input(format!(
            "evidence \"{}\" is not a URL, and commits and paths need a project in a git repository; give an https:// address, or run inside the project",
            typed.escape_default()
        ));
    };
    if let Some(commit) = repo.commit(typed)? {
        return Ok(Proof::Commit(commit));
    }
    let Some(head) = repo.commit("HEAD")? else {
        return error::input(format!(
            "evidence \"{}\" is not a commit, and the repository has no commit yet to find a path in",
            typed.escape_default()
        ));
    };
    if let Some(path) = repo.path_at(&head, cwd, typed)? {
        let proof = Proof::Path { path, commit: head };
        check_proof(&proof).or_else(error::input)?;
        return Ok(proof);
    }
    error::input(format!(
        "evidence \"{}\" is neither a commit of this repository nor a path in its HEAD (nor an https:// address); commit the file first, or give a commit id or URL",
        typed.escape_default()
    ))
}

/// What [`attach`] did.
#[derive(Debug)]
pub struct Attached {
    /// The completion the evidence supports.
    pub completion: Event,
    /// Evidence recorded now, with its event ids.
    pub added: Vec<(EventId, Proof)>,
    /// Evidence the completion had already.
    pub already: Vec<Proof>,
}

/// The evidence events for `proofs` on `completion`, leaving out those it
/// has already (live): (new events, proofs it had).
pub fn events_for(
    history: &mut History,
    completion: EventId,
    proofs: &[Proof],
    stamp: &Stamp,
) -> Result<(Vec<Event>, Vec<Proof>)> {
    let target = completion.text();
    let had: Vec<Proof> = history
        .store()
        .read(|r| r.live_evidence())?
        .into_iter()
        .filter(|e| e.completion == target)
        .map(|e| e.proof)
        .collect();
    let mut events: Vec<Event> = Vec::new();
    let mut already = Vec::new();
    for p in proofs {
        let recorded = events
            .iter()
            .any(|e| matches!(&e.body, Body::Evidence(ev) if ev.proof == *p));
        if had.contains(p) {
            already.push(p.clone());
        } else if !recorded {
            events.push(stamp.event(Body::Evidence(Evidence {
                completion,
                proof: p.clone(),
            })));
        }
    }
    Ok((events, already))
}

/// Attaches `proofs` to the completion `typed` names (its id or short id).
pub fn attach(
    history: &mut History,
    typed: &str,
    proofs: &[Proof],
    stamp: &Stamp,
) -> Result<Attached> {
    let found = history.store().read(|r| r.find_events(typed))?;
    let target = match found.len() {
        0 => {
            return error::input(format!(
                "no event \"{}\" in this history; completions' ids are shown by `beast complete` and `beast log`",
                typed.escape_default()
            ))
        }
        1 => found.into_iter().next().expect("one"),
        n => {
            return error::input(format!(
                "short id \"{typed}\" names {n} events; give the full id from `beast log`"
            ))
        }
    };
    if !matches!(target.event.body, Body::Completion(_)) {
        return error::input(format!(
            "{} is a {}, not a completion; evidence supports a completion (see `beast log`)",
            target.event.id.short(),
            target.event.body.kind().replace('_', " ")
        ));
    }
    if target.retracted_by.is_some() || target.undone {
        return error::input(format!(
            "{} was {}; complete the task again and attach the evidence to that",
            target.event.id.short(),
            if target.undone { "undone" } else { "retracted" }
        ));
    }
    let (events, already) = events_for(history, target.event.id, proofs, stamp)?;
    history.record(&events)?;
    Ok(Attached {
        completion: target.event,
        added: events
            .into_iter()
            .filter_map(|e| match e.body {
                Body::Evidence(ev) => Some((e.id, ev.proof)),
                _ => None,
            })
            .collect(),
        already,
    })
}

/// The commit and path evidence of `src` that the repository does not back
/// now (by evidence id, with why): a commit it lacks or no code ref
/// reaches, a path not in its commit. Without a repository (a personal
/// history) none is backed. URLs are not checked (no network).
pub fn unresolved(
    src: &mut Readable,
    repo: Option<&Repo>,
) -> Result<std::collections::HashMap<String, String>> {
    let rows = src.read(|db| db.live_evidence())?;
    let checked: Vec<&crate::store::EvidenceRow> = rows
        .iter()
        .filter(|r| !matches!(r.proof, Proof::Url(_)))
        .collect();
    let mut out = std::collections::HashMap::new();
    if checked.is_empty() {
        return Ok(out);
    }
    let Some(repo) = repo else {
        for r in checked {
            out.insert(
                r.event_id.clone(),
                "no repository to check it in (a personal history)".to_string(),
            );
        }
        return Ok(out);
    };
    let items: Vec<(String, Option<String>)> = checked
        .iter()
        .map(|r| match &r.proof {
            Proof::Path { path, commit } => (commit.clone(), Some(path.clone())),
            other => (other.reference().to_string(), None),
        })
        .collect();
    for (r, why) in checked.iter().zip(repo.check_evidence(&items)?) {
        if let Some(why) = why {
            out.insert(r.event_id.clone(), why);
        }
    }
    Ok(out)
}

/// The tasks the repository's commits name in `Roadmap-Task:` trailers,
/// read with `git log` when HEAD has moved since the index last looked and
/// from the index otherwise. A failure of git is a warning, not an error:
/// the report is shown without trailers.
/// The trailers for a command that only reads: cached in the index when it
/// has one, else read from git.
pub fn trailers_for(src: &mut Readable, repo: &Repo, roadmap: &Roadmap) -> Result<Trailers> {
    match src {
        Readable::Indexed(history) => trailers(history, repo, roadmap),
        Readable::Held { .. } => {
            if repo.head_key()?.is_none() {
                return Ok(Trailers::default());
            }
            let rows = repo.task_trailers()?;
            Ok(Trailers::resolve(&rows, roadmap, repo.shallow().is_some()))
        }
    }
}

pub fn trailers(history: &mut History, repo: &Repo, roadmap: &Roadmap) -> Result<Trailers> {
    let Some(head) = repo.head_key()? else {
        return Ok(Trailers::default());
    };
    let (cached, mut rows) = history.store().read(|r| r.commit_trailers())?;
    if cached.as_deref() != Some(head.as_str()) {
        rows = repo.task_trailers()?;
        history
            .store()
            .write(|w| w.set_commit_trailers(&head, &rows))?;
    }
    Ok(Trailers::resolve(&rows, roadmap, repo.shallow().is_some()))
}
