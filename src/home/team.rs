//! A project's history on its own ref, `refs/beast/history`, beside the code
//! and never in it.
//!
//! Why it is built this way:
//! - The history used to live in the working tree of the branch people code
//!   on: every record dirtied the tree, every sync was a commit on `main`
//!   that rebased it, pushed unpushed code and failed on a protected branch.
//!   Now recording, reading and syncing never touch the working tree, the
//!   staging area or HEAD: like git-bug's `refs/bugs/*` and git notes, the
//!   data has a ref of its own, pushed and fetched alone.
//! - The ref is how the history travels; the clone's own copy is a set of
//!   append-only files in the git directory (`.git/beast/events/`), one per
//!   author, read and indexed exactly as the in-tree log was. Recording is
//!   still one locked, fsynced append — no git process — and a command reads
//!   the ref's id from its file and compares it with the id it last took
//!   in: git runs only when the ref has moved (a sync, a fetch by hand).
//! - Taking a commit in is a union: each file's lines that the local file
//!   lacks are appended to it. Appends only, so nothing recorded is ever
//!   rewritten, and a union is idempotent: a sync killed at any point and
//!   run again neither loses nor doubles a line.
//! - `sync` commits the local files as a tree, fetches the remote's ref,
//!   takes it in, and publishes a commit whose parents are both sides —
//!   a fast-forward for the remote — pushing that ref only. A push that
//!   lost a race with another clone (two CI jobs) fetches and tries again.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::chunks::{self, Cache, Chunk, FileChunks};
use crate::git::{Pushed, Repo};
use crate::{error, files};

/// The ref the team's history lives on, here and on the remote.
pub const HISTORY_REF: &str = "refs/beast/history";

/// The directory of the history's commits that holds the log files.
const TREE_DIR: &str = "events";

/// Where the log lived in the working tree before it had a ref.
pub const IN_TREE_DIR: &str = ".beast/events";

/// How many times a push that lost a race is fetched, merged and tried again.
const PUSH_ATTEMPTS: usize = 8;

/// The local ref a remote's history is fetched into.
fn tracking_ref(remote: &str) -> String {
    format!("refs/beast/remotes/{remote}/history")
}

/// A project's history: the repository and beast's directory in its git
/// directory (shared by all its work trees).
#[derive(Debug, Clone)]
pub struct Team {
    repo: Repo,
    dir: PathBuf,
}

/// What taking a commit's tree in did.
#[derive(Debug, Default, Clone, Copy)]
struct Union {
    /// Lines the local files did not have, now appended.
    added: u64,
    /// Lines the local files have that the commit does not.
    extra: u64,
}

/// What moving the in-tree log onto the ref did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// Lines found in the working tree's log files.
    pub lines: u64,
    /// Of them, lines the history did not have yet.
    pub added: u64,
    pub files: usize,
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
    /// The history of the git repository `root` lies in.
    pub fn find(root: &Path) -> Result<Team> {
        let Some(repo) = Repo::find(root) else {
            return error::input(format!(
                "{} has .beast/ but is not inside a git repository; the team's history lives in the repository (run `git init` there, or use --db FILE for a personal history)",
                root.display()
            ));
        };
        let dir = repo.common_dir().join("beast");
        Ok(Team { repo, dir })
    }

    /// The clone's copy of the log: one append-only file per author.
    pub fn events_dir(&self) -> PathBuf {
        self.dir.join("events")
    }

    /// The SQLite index of the log (disposable: rebuilt when missing).
    pub fn index_path(&self) -> PathBuf {
        self.dir.join("index.db")
    }

    /// The id of the history commit the local files last took in.
    fn marker(&self) -> PathBuf {
        self.dir.join("absorbed")
    }

    fn read_marker(&self) -> Option<String> {
        std::fs::read_to_string(self.marker())
            .ok()
            .map(|s| s.trim().to_string())
    }

    fn write_marker(&self, commit: &str) -> Result<()> {
        let tmp = self.dir.join("absorbed.tmp");
        std::fs::write(&tmp, format!("{commit}\n"))
            .and_then(|()| std::fs::rename(&tmp, self.marker()))
            .or_else(|e| self.fail(e))
    }

    fn fail<T>(&self, e: std::io::Error) -> Result<T> {
        error::store(format!(
            "cannot write beast's history in {}: {e}; check the repository's permissions and free space",
            self.dir.display()
        ))
    }

    /// Makes beast's directory (a real directory, never a link).
    fn make_dir(&self) -> Result<()> {
        for d in [self.dir.clone(), self.events_dir()] {
            match files::real_dir(&d) {
                Ok(true) => {}
                Ok(false) => std::fs::create_dir_all(&d).or_else(|e| self.fail(e))?,
                Err(e) => {
                    return error::store(format!(
                        "{} cannot be used: {e}; remove it (beast makes it again, and `beast sync` fetches the history)",
                        d.display()
                    ))
                }
            }
        }
        Ok(())
    }

    /// Holds beast's lock on the history's files (released when dropped):
    /// one process at a time takes commits in, commits or syncs.
    fn lock(&self) -> Result<File> {
        self.make_dir()?;
        let path = self.dir.join("lock");
        let f = files::open_inside(
            &path,
            std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false),
        )
        .or_else(|e| self.fail(e))?;
        f.lock().or_else(|e| self.fail(e))?;
        Ok(f)
    }

    /// The commit the local history ref points at, if this clone has one.
    pub fn head(&self) -> Result<Option<String>> {
        self.repo.ref_commit(HISTORY_REF)
    }

    /// Whether this clone has the team's history: its ref exists (made by
    /// `beast init`, `beast sync`, or moving an in-tree log onto it).
    pub fn fetched(&self) -> Result<bool> {
        Ok(self.head()?.is_some())
    }

    /// Before any command reads or writes: takes in what the history ref
    /// gained since the files last took it in (a sync or a fetch by hand),
    /// and moves an in-tree log (`.beast/events/*.jsonl`, from before the
    /// ref) onto the ref. Costs two small file reads and a `stat` when
    /// neither has happened.
    pub fn prepare(&self, root: &Path, warn: &mut dyn FnMut(String)) -> Result<Option<Moved>> {
        if let Some(head) = self.head()? {
            if self.read_marker().as_deref() != Some(head.as_str()) {
                let _lock = self.lock()?;
                self.take_in_head()?;
            }
        }
        let in_tree = root.join(IN_TREE_DIR);
        if std::fs::symlink_metadata(&in_tree).is_err() {
            return Ok(None);
        }
        self.move_in_tree(root, warn).map(Some)
    }

    /// Takes the local ref's commit in, if the files have not (under the lock).
    fn take_in_head(&self) -> Result<()> {
        if let Some(head) = self.head()? {
            if self.read_marker().as_deref() != Some(head.as_str()) {
                self.take_in(&head)?;
                self.write_marker(&head)?;
            }
        }
        Ok(())
    }

    /// Appends to the local files each line of `commit`'s log they lack,
    /// comparing chunk by chunk: the chunks both sides have are skipped,
    /// and only what follows them is read and compared line by line.
    fn take_in(&self, commit: &str) -> Result<Union> {
        let theirs = self.repo.tree_files(commit, TREE_DIR)?;
        let mut ours = self.local_chunks()?;
        let mut total = Union::default();
        for (name, ids) in theirs.iter().filter(|(n, _)| safe_name(n)) {
            let mine = ours
                .iter()
                .position(|(n, _)| n == name)
                .map(|i| ours.remove(i));
            let chunks: &[(Chunk, u32)] = mine.as_ref().map_or(&[], |(_, c)| c);
            // How many leading chunks the two sides share.
            let same = ids
                .iter()
                .zip(chunks)
                .take_while(|(id, (c, _))| **id == c.id)
                .count();
            if same == ids.len() && same == chunks.len() {
                continue;
            }
            let from = chunks.get(same).map_or_else(
                || chunks.last().map_or(0, |(c, _)| c.start + c.len),
                |(c, _)| c.start,
            );
            let suffix = self.repo.blobs(&ids[same..])?.concat();
            let u = self.union_into(name, &suffix, from)?;
            total.added += u.added;
            total.extra += u.extra;
        }
        // Local files the commit does not have at all.
        for (name, _) in &ours {
            total.extra += count_lines(&self.events_dir().join(name))?;
        }
        Ok(total)
    }

    /// Appends to local file `name` the lines of `theirs` that it lacks
    /// from byte `from` on (before it, the two sides are the same chunks);
    /// counts the lines it has there that `theirs` lacks.
    fn union_into(&self, name: &str, theirs: &[u8], from: u64) -> Result<Union> {
        use std::collections::HashSet;
        use std::io::{Seek, SeekFrom};
        let path = self.events_dir().join(name);
        let local_len = std::fs::symlink_metadata(&path).map_or(0, |m| m.len());
        if local_len <= from {
            // Nothing here past the shared chunks (a fresh clone): theirs
            // is appended as it is, so that the chunks come out the same.
            let lines: Vec<String> = theirs
                .split(|b| *b == b'\n')
                .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
                .filter_map(|l| String::from_utf8(l.to_vec()).ok())
                .collect();
            if !lines.is_empty() {
                crate::log::append(&self.events_dir(), name, &lines)?;
            }
            return Ok(Union {
                added: lines.len() as u64,
                extra: 0,
            });
        }
        let mut wanted: Vec<&[u8]> = Vec::new();
        let mut set: HashSet<&[u8]> = HashSet::new();
        for line in theirs.split(|b| *b == b'\n') {
            if !line.iter().all(u8::is_ascii_whitespace) && set.insert(line) {
                wanted.push(line);
            }
        }
        let mut have: HashSet<&[u8]> = HashSet::new();
        let mut extra = 0;
        if let Some(mut f) = open_existing(&path)? {
            f.seek(SeekFrom::Start(from))
                .or_else(|e| self.read_fail(&path, e))?;
            let mut reader = BufReader::with_capacity(1 << 20, f);
            let mut line = Vec::new();
            loop {
                line.clear();
                let n = reader
                    .read_until(b'\n', &mut line)
                    .or_else(|e| self.read_fail(&path, e))?;
                if n == 0 {
                    break;
                }
                let text = line.strip_suffix(b"\n").unwrap_or(&line);
                if text.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                match set.get(text) {
                    Some(t) => {
                        have.insert(t);
                    }
                    None => extra += 1,
                }
            }
        }
        let missing: Vec<String> = wanted
            .into_iter()
            .filter(|l| !have.contains(l))
            .filter_map(|l| String::from_utf8(l.to_vec()).ok())
            .collect();
        let added = missing.len() as u64;
        if !missing.is_empty() {
            crate::log::append(&self.events_dir(), name, &missing)?;
        }
        Ok(Union { added, extra })
    }

    fn read_fail<T>(&self, path: &Path, e: std::io::Error) -> Result<T> {
        error::store(format!(
            "cannot read the event log file {}: {e}; check its permissions",
            path.display()
        ))
    }

    /// The local log files: regular `*.jsonl` files, by name.
    fn local_files(&self) -> Result<Vec<(String, PathBuf)>> {
        let dir = self.events_dir();
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if is_file && safe_name(&name) {
                out.push((name, entry.path()));
            }
        }
        out.sort();
        Ok(out)
    }

    /// The local files' chunks (see [`chunks`]), by file name: ids of the
    /// chunks unchanged since the last time from the cache, the others
    /// computed and written into git's object database if it lacks them.
    fn local_chunks(&self) -> Result<FileChunks> {
        let cache_path = self.dir.join("chunks");
        let cache = Cache::load(&cache_path);
        let mut fresh: Vec<(String, Vec<u8>)> = Vec::new();
        let mut files = Vec::new();
        for (name, path) in self.local_files()? {
            let chunks = chunks::chunks_of(&name, &path, &cache, &mut |id, bytes| {
                fresh.push((id.to_string(), bytes.to_vec()));
                Ok(())
            })?;
            files.push((name, chunks));
        }
        if !fresh.is_empty() {
            let ids: Vec<String> = fresh.iter().map(|(id, _)| id.clone()).collect();
            let missing = self.repo.missing(&ids)?;
            for (id, bytes) in fresh.iter().filter(|(id, _)| missing.contains(id)) {
                let written = self.repo.write_blob(bytes)?;
                if written != *id {
                    // Not a SHA-1 repository: git's ids are the ones to use.
                    return self.local_chunks_by_git(files);
                }
            }
            Cache::save(&cache_path, &files).or_else(|e| self.fail(e))?;
        }
        Ok(files)
    }

    /// `local_chunks` where git's object ids are not SHA-1: each chunk's id
    /// as git gives it (a process per chunk; no cache).
    fn local_chunks_by_git(&self, files: FileChunks) -> Result<FileChunks> {
        use std::io::{Read, Seek, SeekFrom};
        let mut out = Vec::new();
        for (name, chunks) in files {
            let path = self.events_dir().join(&name);
            let mut f = open_existing(&path)?
                .ok_or_else(|| error::Failure::Store(format!("{} vanished", path.display())))?;
            let mut with_ids = Vec::new();
            for (mut c, crc) in chunks {
                let mut bytes = vec![0; c.len as usize];
                f.seek(SeekFrom::Start(c.start))
                    .and_then(|_| f.read_exact(&mut bytes))
                    .or_else(|e| self.read_fail(&path, e))?;
                c.id = self.repo.write_blob(&bytes)?;
                with_ids.push((c, crc));
            }
            out.push((name, with_ids));
        }
        Ok(out)
    }

    /// The local files as a history tree: `events/<author>.jsonl/<chunk>`.
    fn local_tree(&self) -> Result<String> {
        let files = self.local_chunks()?;
        if files.is_empty() {
            return self.repo.make_tree(&[]);
        }
        let subtrees: Vec<Vec<(&str, &str, String, String)>> = files
            .iter()
            .map(|(_, chunks)| {
                chunks
                    .iter()
                    .enumerate()
                    .map(|(i, (c, _))| ("100644", "blob", c.id.clone(), chunks::chunk_name(i)))
                    .collect()
            })
            .collect();
        let ids = self.repo.make_trees(&subtrees)?;
        let events: Vec<(&str, &str, String, String)> = files
            .iter()
            .zip(ids)
            .map(|((name, _), id)| ("040000", "tree", id, name.clone()))
            .collect();
        let events = self.repo.make_tree(&events)?;
        self.repo
            .make_tree(&[("040000", "tree", events, TREE_DIR.to_string())])
    }

    /// Points the local ref at `new` (from `old`); a stale lock a killed
    /// git left on one of beast's refs is removed first (beast's lock is
    /// held, so no other beast is writing it).
    fn set_head(&self, new: &str, old: Option<&str>, why: &str) -> Result<()> {
        self.clear_stale_lock(HISTORY_REF);
        if !self.repo.update_ref(HISTORY_REF, new, old, why)? {
            return error::store(format!(
                "{HISTORY_REF} was moved by another program while beast was updating it; run the command again"
            ));
        }
        Ok(())
    }

    /// Removes the lock file a git killed while updating beast's ref `name`
    /// left behind (git would refuse that ref until someone removed it).
    /// Only beast writes `refs/beast/*`, and only under beast's lock, which
    /// the caller holds: such a file is stale.
    fn clear_stale_lock(&self, name: &str) {
        if name.starts_with("refs/beast/") && !name.contains("..") {
            let _ = std::fs::remove_file(self.repo.common_dir().join(format!("{name}.lock")));
        }
    }

    /// Commits the local files onto the local ref when they hold lines its
    /// commit lacks (or it does not exist yet); the ref's commit after.
    fn commit_local(&self, message: &str) -> Result<String> {
        let head = self.head()?;
        let tree = self.local_tree()?;
        if let Some(h) = &head {
            if self.repo.tree_of(h)? == tree {
                return Ok(h.clone());
            }
        }
        let parents: Vec<String> = head.iter().cloned().collect();
        let commit = self.repo.commit_tree(&tree, &parents, message)?;
        self.set_head(&commit, head.as_deref(), message)?;
        self.write_marker(&commit)?;
        Ok(commit)
    }

    /// For `beast init` in a new project: the ref exists from the start, so
    /// that "not fetched" means a clone that has not synced.
    pub fn start(&self) -> Result<()> {
        let _lock = self.lock()?;
        if self.head()?.is_none() {
            self.commit_local("beast: history")?;
        }
        Ok(())
    }

    /// Moves `.beast/events/*.jsonl` of the working tree into the history
    /// (every line the local files lack), commits it onto the ref, then
    /// removes those files — the removal is for the user to commit.
    fn move_in_tree(&self, root: &Path, warn: &mut dyn FnMut(String)) -> Result<Moved> {
        let _lock = self.lock()?;
        let dir = root.join(IN_TREE_DIR);
        let mut moved = Moved {
            lines: 0,
            added: 0,
            files: 0,
        };
        let mut done = Vec::new();
        let entries = match files::real_dir(&dir) {
            Ok(true) => std::fs::read_dir(&dir).or_else(|e| self.read_fail(&dir, e))?,
            _ => return Ok(moved),
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if name == ".gitkeep" {
                done.push(path);
                continue;
            }
            if !name.ends_with(".jsonl") {
                continue;
            }
            if !entry.file_type().is_ok_and(|t| t.is_file()) || !safe_name(&name) {
                warn(format!(
                    "{IN_TREE_DIR}/{name} is not a regular log file; it is left where it is (remove it)"
                ));
                continue;
            }
            let bytes = files::read_inside(&path, files::MAX_BYTES)
                .ok()
                .flatten()
                .unwrap_or_default();
            moved.lines += bytes
                .split(|b| *b == b'\n')
                .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
                .count() as u64;
            moved.added += self.union_into(&name, &bytes, 0)?.added;
            moved.files += 1;
            done.push(path);
        }
        if moved.files > 0 {
            // On the ref before anything leaves the working tree.
            self.take_in_head()?;
            self.commit_local("beast: the log from .beast/events/")?;
        }
        for p in &done {
            let _ = std::fs::remove_file(p);
        }
        let _ = std::fs::remove_dir(&dir);
        if !done.is_empty() {
            warn(format!(
                "moved {} event lines ({} new) from {IN_TREE_DIR}/ onto {HISTORY_REF} and removed the files; commit their removal (`git add -A {IN_TREE_DIR} && git commit -m \"beast: history on its own ref\"`) and share the history with `beast sync --push`",
                moved.lines, moved.added
            ));
        }
        Ok(moved)
    }

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
    pub fn sync(&self, root: &Path, remote: Option<&str>, push: bool) -> Result<Synced> {
        let remote = self.remote(remote)?;
        let mut sink = |_: String| {};
        self.prepare(root, &mut sink)?;
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
                    let _ = self.repo.update_ref(&tracking, &new, None, "beast sync");
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
        eprintln!("sync: {step} after {:?}", since.elapsed());
    }
}

/// A log file name from another clone that is safe to write here: one
/// plain `*.jsonl` name, no path, no hidden file, no control character.
fn safe_name(name: &str) -> bool {
    name.len() <= 255
        && name.strip_suffix(".jsonl").is_some_and(|stem| {
            !stem.is_empty()
                && !stem.starts_with('.')
                && stem
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "@.+-_".contains(c))
        })
}

fn open_existing(path: &Path) -> Result<Option<File>> {
    match files::open_inside(path, std::fs::OpenOptions::new().read(true)) {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => error::store(format!(
            "cannot read the event log file {}: {e}; check its permissions",
            path.display()
        )),
    }
}

fn count_lines(path: &Path) -> Result<u64> {
    let Some(f) = open_existing(path)? else {
        return Ok(0);
    };
    let mut n = 0;
    for line in BufReader::new(f).split(b'\n') {
        let line = line.map_err(|e| error::Failure::Store(format!("{}: {e}", path.display())))?;
        if !line.iter().all(u8::is_ascii_whitespace) {
            n += 1;
        }
    }
    Ok(n)
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "none".into();
    }
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_log_names_are_taken_from_another_clone() {
        assert!(safe_name("alice@example.com.jsonl"));
        for bad in [
            "../x.jsonl",
            ".hidden.jsonl",
            "a/b.jsonl",
            "x.json",
            "a\u{b}.jsonl",
        ] {
            assert!(!safe_name(bad), "{bad}");
        }
    }
}
