//! The project's git repository, as evidence needs it: resolving a commit,
//! checking a path exists at one, and reading the `Roadmap-Task:` trailers
//! of the history.
//!
//! Everything goes through the `git` program (no library: the repository's
//! own git, with its configuration and object formats, is the authority),
//! except one thing: which commit HEAD is. `status` asks that on every run to
//! know whether its cached trailers are current, and reading two small files
//! costs microseconds where starting git costs milliseconds. Anything the
//! file reading does not understand (a reftable, a symbolic ref chain) falls
//! back to `git rev-parse`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Result;

use crate::error;

mod history;

pub use history::Pushed;

/// The trailer that names the roadmap task a commit does.
pub const TASK_TRAILER: &str = "Roadmap-Task";
/// The most `Roadmap-Task:` trailers read from one commit, and from the
/// whole history: a commit with hundreds of thousands of them would
/// otherwise slow every command. What lies beyond is counted and reported.
pub const MAX_TRAILERS_PER_COMMIT: usize = 64;
pub const MAX_TRAILERS: usize = 20_000;
use crate::domain::claims::TRAILERS_BEYOND;

/// Runs git in `dir` with `args`: its stdout, or (as `Err`) the first line
/// of what it said when it refused. An error when git cannot run at all;
/// `needed_for` says what needs it ("beast sync").
pub fn run(dir: &Path, args: &[&str], needed_for: &str) -> Result<Result<String, String>> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            error::Failure::Input(format!(
                "cannot run git: {e}; {needed_for} needs git on PATH"
            ))
        })?;
    if out.status.success() {
        return Ok(Ok(String::from_utf8_lossy(&out.stdout).into_owned()));
    }
    Ok(Err(first_said(&out.stderr)))
}

/// The first line of what git said on stderr that is not a hint: why it
/// refused, for a one-line message.
fn first_said(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("hint:"))
        .unwrap_or("failed")
        .to_string()
}

/// A remote URL without a user or token in it (`https://x:TOKEN@host/…`).
fn without_credentials(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme && !url[scheme + 3..at].contains('/') => {
            format!("{}{}", &url[..scheme + 3], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

/// What HEAD's files say.
enum Head {
    Commit(String),
    /// HEAD names a branch that has no commit yet.
    Unborn,
    /// Something the files do not tell: ask git.
    Unknown,
}

/// A git work tree: where `.git` is, found from the project's directory up.
#[derive(Debug, Clone)]
pub struct Repo {
    /// The directory git commands run in (the project's root).
    root: PathBuf,
    /// The `.git` directory (or the one a `.git` file points to).
    git_dir: PathBuf,
}

impl Repo {
    /// The repository `dir` lies in, if any: the nearest `.git` at or above.
    pub fn find(dir: &Path) -> Option<Repo> {
        for d in dir.ancestors() {
            let dot = d.join(".git");
            let Ok(meta) = std::fs::symlink_metadata(&dot) else {
                continue;
            };
            let git_dir = if meta.is_dir() {
                dot
            } else {
                // A worktree or submodule: "gitdir: PATH".
                let text = std::fs::read_to_string(&dot).ok()?;
                let path = text.strip_prefix("gitdir:")?.trim();
                d.join(path)
            };
            return Some(Repo {
                root: dir.to_path_buf(),
                git_dir,
            });
        }
        None
    }

    /// Runs git with `args`; its output, or None when git says no (a
    /// revision or path that does not exist). An error when git cannot run.
    fn git(&self, args: &[&str]) -> Result<Option<String>> {
        Ok(run(&self.root, args, "evidence from the repository")?.ok())
    }

    /// The full id of the commit `rev` names (`HEAD`, a branch, a tag, an
    /// abbreviated id), if the repository has it.
    pub fn commit(&self, rev: &str) -> Result<Option<String>> {
        if rev.starts_with('-') || rev.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Ok(None);
        }
        let spec = format!("{rev}^{{commit}}");
        Ok(self
            .git(&[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &spec,
            ])?
            .map(|s| s.trim().to_string())
            .filter(|s| crate::domain::validate::is_commit_id(s)))
    }

    /// `typed` (relative to the working directory `cwd`) as a path relative
    /// to the repository's top, if it exists in `commit`.
    pub fn path_at(&self, commit: &str, cwd: &Path, typed: &str) -> Result<Option<String>> {
        let Some(top) = self.git(&["rev-parse", "--show-toplevel"])? else {
            return Ok(None);
        };
        let top = PathBuf::from(top.trim());
        let top = top.canonicalize().unwrap_or(top);
        let typed_path = Path::new(typed);
        let full = if typed_path.is_absolute() {
            typed_path.to_path_buf()
        } else {
            cwd.canonicalize()
                .unwrap_or_else(|_| cwd.to_path_buf())
                .join(typed_path)
        };
        // Lexically: the path need not exist in the working tree, only in
        // the commit.
        let mut parts: Vec<String> = Vec::new();
        let Ok(inside) = full.strip_prefix(&top) else {
            return Ok(None);
        };
        for c in inside.components() {
            match c {
                std::path::Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
                // `..` takes back the last part; above the top is outside.
                std::path::Component::ParentDir if parts.pop().is_none() => return Ok(None),
                _ => {}
            }
        }
        if parts.is_empty() {
            return Ok(None);
        }
        let rel = parts.join("/");
        let spec = format!("{commit}:{rel}");
        Ok(self
            .git(&["cat-file", "-e", "--end-of-options", &spec])?
            .map(|_| rel))
    }

    /// What HEAD is, as a key for cached trailers: the commit id, plus the
    /// shallow boundary when the clone is shallow (deepening it shows more
    /// history under the same HEAD). None when there is no commit yet.
    pub fn head_key(&self) -> Result<Option<String>> {
        let head = match self.head_from_files() {
            Head::Commit(h) => Some(h),
            Head::Unborn => None,
            Head::Unknown => self.commit("HEAD")?,
        };
        Ok(head.map(|h| match self.shallow() {
            Some(boundary) => format!("{h} shallow:{}", boundary.replace('\n', ",")),
            None => h,
        }))
    }

    /// The commits a shallow clone stops at, or None for a full clone.
    pub fn shallow(&self) -> Option<String> {
        let text = std::fs::read_to_string(self.common_dir().join("shallow")).ok()?;
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_string())
    }

    /// The directory shared by all work trees of the repository: where
    /// objects and refs live, and beast's own local files beside them.
    pub fn common_dir(&self) -> PathBuf {
        match std::fs::read_to_string(self.git_dir.join("commondir")) {
            Ok(c) => self.git_dir.join(c.trim()),
            Err(_) => self.git_dir.clone(),
        }
    }

    /// HEAD's commit as `HEAD` and the ref files say.
    /// What the repository's files say of where it stands, without a git
    /// process: HEAD's commit (when the files tell), its branch (none when
    /// detached) and `remote.origin.url` from the config (credentials in
    /// the URL left out).
    pub fn whereabouts(&self) -> (Option<String>, Option<String>, Option<String>) {
        let commit = match self.head_from_files() {
            Head::Commit(c) => Some(c),
            _ => None,
        };
        let branch = std::fs::read_to_string(self.git_dir.join("HEAD"))
            .ok()
            .and_then(|h| {
                h.trim()
                    .strip_prefix("ref: refs/heads/")
                    .map(str::to_string)
            });
        let config = std::fs::read_to_string(self.common_dir().join("config")).unwrap_or_default();
        let mut in_origin = false;
        let mut origin = None;
        for line in config.lines().map(str::trim) {
            if line.starts_with('[') {
                in_origin = line == "[remote \"origin\"]";
            } else if in_origin {
                if let Some(url) = line
                    .strip_prefix("url")
                    .map(str::trim_start)
                    .and_then(|l| l.strip_prefix('='))
                {
                    origin = Some(without_credentials(url.trim()));
                }
            }
        }
        (commit, branch, origin)
    }

    fn head_from_files(&self) -> Head {
        let is_id = crate::domain::validate::is_commit_id;
        let Ok(head) = std::fs::read_to_string(self.git_dir.join("HEAD")) else {
            return Head::Unknown;
        };
        let head = head.trim();
        let Some(name) = head.strip_prefix("ref:").map(str::trim) else {
            return match is_id(head) {
                true => Head::Commit(head.to_string()),
                false => Head::Unknown,
            };
        };
        self.ref_from_files(name)
    }

    /// What the ref `name` (`refs/...`) points at, as its files say: a
    /// loose ref file, else a line of `packed-refs`.
    fn ref_from_files(&self, name: &str) -> Head {
        let is_id = crate::domain::validate::is_commit_id;
        // A reftable repository keeps refs elsewhere; git knows.
        if !name.starts_with("refs/")
            || name.contains("..")
            || self.common_dir().join("reftable").exists()
        {
            return Head::Unknown;
        }
        for dir in [self.git_dir.clone(), self.common_dir()] {
            if let Ok(id) = std::fs::read_to_string(dir.join(name)) {
                let id = id.trim();
                return match is_id(id) {
                    true => Head::Commit(id.to_string()),
                    false => Head::Unknown,
                };
            }
        }
        let packed =
            std::fs::read_to_string(self.common_dir().join("packed-refs")).unwrap_or_default();
        packed
            .lines()
            .find_map(|l| {
                let (id, r) = l.split_once(' ')?;
                (r == name && is_id(id)).then(|| Head::Commit(id.to_string()))
            })
            // A branch with no commit yet (a new repository).
            .unwrap_or(Head::Unborn)
    }

    /// The commit the ref `name` points at, if it exists: read from the ref
    /// files (no git process), asking git only when they do not tell.
    pub fn ref_commit(&self, name: &str) -> Result<Option<String>> {
        match self.ref_from_files(name) {
            Head::Commit(id) => Ok(Some(id)),
            Head::Unborn => Ok(None),
            Head::Unknown => self.commit(name),
        }
    }

    /// Every `Roadmap-Task:` trailer in HEAD's history: (commit id, value),
    /// newest commit first.
    pub fn task_trailers(&self) -> Result<Vec<(String, String)>> {
        let format = format!(
            "--format=%H%x1e%(trailers:key={TASK_TRAILER},valueonly,unfold,separator=%x1f)"
        );
        let grep = format!("--grep=^{TASK_TRAILER}:");
        let Some(out) = self.git(&["log", "-z", "-i", &grep, &format, "HEAD", "--"])? else {
            return Ok(Vec::new());
        };
        let mut rows = Vec::new();
        let mut beyond_history = 0u64;
        for record in out.split('\0') {
            let Some((commit, values)) = record.trim_start_matches('\n').split_once('\u{1e}')
            else {
                continue;
            };
            let mut in_commit = 0usize;
            let mut beyond_commit = 0u64;
            for v in values.split('\u{1f}') {
                let v = v.trim();
                if v.is_empty() {
                    continue;
                }
                if rows.len() >= MAX_TRAILERS {
                    beyond_history += 1;
                } else if in_commit >= MAX_TRAILERS_PER_COMMIT {
                    beyond_commit += 1;
                } else {
                    in_commit += 1;
                    rows.push((commit.to_string(), v.to_string()));
                }
            }
            if beyond_commit > 0 {
                rows.push((
                    commit.to_string(),
                    format!("{TRAILERS_BEYOND}{beyond_commit} more in this commit, beyond the {MAX_TRAILERS_PER_COMMIT} read per commit"),
                ));
            }
        }
        if beyond_history > 0 {
            rows.push((
                String::new(),
                format!("{TRAILERS_BEYOND}{beyond_history} more in the history, beyond the {MAX_TRAILERS} read"),
            ));
        }
        Ok(rows)
    }
}
