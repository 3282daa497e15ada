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
//! - Sharing it is `sync.rs`; moving a log from before the ref onto it is
//!   `migrate.rs`; how the files are stored as git blobs is `chunks.rs`.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::chunks::{self, Cache, Chunk, FileChunks};
use crate::git::Repo;
use crate::{error, files};

/// The ref the team's history lives on, here and on the remote.
pub const HISTORY_REF: &str = "refs/beast/history";

/// The directory of the history's commits that holds the log files.
pub(crate) const TREE_DIR: &str = "events";

/// Where the log lived in the working tree before it had a ref.
pub const IN_TREE_DIR: &str = ".beast/events";

/// A project's history: the repository and beast's directory in its git
/// directory (shared by all its work trees).
#[derive(Debug, Clone)]
pub struct Team {
    pub(super) repo: Repo,
    pub(super) dir: PathBuf,
}

/// What taking a commit's tree in did.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Union {
    /// Lines the local files did not have, now appended.
    pub added: u64,
    /// Lines the local files have that the commit does not.
    pub extra: u64,
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
    pub(super) fn marker(&self) -> PathBuf {
        self.dir.join("absorbed")
    }

    pub(super) fn read_marker(&self) -> Option<String> {
        std::fs::read_to_string(self.marker())
            .ok()
            .map(|s| s.trim().to_string())
    }

    pub(super) fn write_marker(&self, commit: &str) -> Result<()> {
        let tmp = self.dir.join("absorbed.tmp");
        std::fs::write(&tmp, format!("{commit}\n"))
            .and_then(|()| std::fs::rename(&tmp, self.marker()))
            .or_else(|e| self.fail(e))?;
        // Which records arrived long after the time they claim: a claim
        // shown beside them, never a reason to fail what took them in.
        let _ = self.note_arrivals(commit);
        Ok(())
    }

    pub(super) fn fail<T>(&self, e: std::io::Error) -> Result<T> {
        error::store(format!(
            "cannot write beast's history in {}: {e}; check the repository's permissions and free space",
            self.dir.display()
        ))
    }

    /// Makes beast's directory (a real directory, never a link).
    pub(super) fn make_dir(&self) -> Result<()> {
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
    pub(super) fn lock(&self) -> Result<File> {
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
    pub fn prepare(&self, root: &Path, warn: &mut dyn FnMut(String)) -> Result<()> {
        if let Some(head) = self.head()? {
            if self.read_marker().as_deref() != Some(head.as_str()) {
                let _lock = self.lock()?;
                self.take_in_head()?;
            }
        }
        let in_tree = root.join(IN_TREE_DIR);
        if std::fs::symlink_metadata(&in_tree).is_err() {
            return Ok(());
        }
        self.move_in_tree(root, warn)
    }

    /// Takes the local ref's commit in, if the files have not (under the lock).
    pub(super) fn take_in_head(&self) -> Result<()> {
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
    pub(super) fn take_in(&self, commit: &str) -> Result<Union> {
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
    pub(super) fn union_into(&self, name: &str, theirs: &[u8], from: u64) -> Result<Union> {
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

    pub(super) fn read_fail<T>(&self, path: &Path, e: std::io::Error) -> Result<T> {
        error::store(format!(
            "cannot read the event log file {}: {e}; check its permissions",
            path.display()
        ))
    }

    /// The local log files: regular `*.jsonl` files, by name.
    pub(super) fn local_files(&self) -> Result<Vec<(String, PathBuf)>> {
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
    pub(super) fn local_tree(&self) -> Result<String> {
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
    pub(super) fn set_head(&self, new: &str, old: Option<&str>, why: &str) -> Result<()> {
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
    pub(super) fn clear_stale_lock(&self, name: &str) {
        if name.starts_with("refs/beast/") && !name.contains("..") {
            let _ = std::fs::remove_file(self.repo.common_dir().join(format!("{name}.lock")));
        }
    }

    /// Commits the local files onto the local ref when they hold lines its
    /// commit lacks (or it does not exist yet); the ref's commit after.
    pub(super) fn commit_local(&self, message: &str) -> Result<String> {
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
}

/// A log file name from another clone that is safe to write here: one
/// plain `*.jsonl` name, no path, no hidden file, no control character.
pub(crate) fn safe_name(name: &str) -> bool {
    name.len() <= 255
        && name.strip_suffix(".jsonl").is_some_and(|stem| {
            !stem.is_empty()
                && !stem.starts_with('.')
                && stem
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "@.+-_".contains(c))
        })
}

pub(super) fn open_existing(path: &Path) -> Result<Option<File>> {
    match files::open_inside(path, std::fs::OpenOptions::new().read(true)) {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => error::store(format!(
            "cannot read the event log file {}: {e}; check its permissions",
            path.display()
        )),
    }
}

pub(super) fn count_lines(path: &Path) -> Result<u64> {
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
