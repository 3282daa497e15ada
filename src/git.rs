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

/// The trailer that names the roadmap task a commit does.
pub const TASK_TRAILER: &str = "Roadmap-Task";

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
    let said = String::from_utf8_lossy(&out.stderr);
    Ok(Err(said
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("hint:"))
        .unwrap_or("failed")
        .to_string()))
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
        for record in out.split('\0') {
            let Some((commit, values)) = record.trim_start_matches('\n').split_once('\u{1e}')
            else {
                continue;
            };
            for v in values.split('\u{1f}') {
                let v = v.trim();
                if !v.is_empty() {
                    rows.push((commit.to_string(), v.to_string()));
                }
            }
        }
        Ok(rows)
    }
}

/// What a push of one ref came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    /// The remote took it (or had it already).
    Done,
    /// The remote moved on since the fetch (another clone pushed first):
    /// fetch, merge and try again.
    Stale,
    /// The remote refused it for another reason: what it said.
    Refused(String),
}

/// The identity beast commits its history with when git has none (a CI
/// runner): the history's commits carry data, each line its own author.
const OWN_IDENTITY: [(&str, &str); 4] = [
    ("GIT_AUTHOR_NAME", "beast"),
    ("GIT_AUTHOR_EMAIL", "beast@localhost"),
    ("GIT_COMMITTER_NAME", "beast"),
    ("GIT_COMMITTER_EMAIL", "beast@localhost"),
];

/// The plumbing the team's history needs (`crate::history`): objects, refs
/// and moving one ref to and from a remote. Nothing here touches the work
/// tree, the index (staging area) or HEAD.
impl Repo {
    /// Runs git with `args`, `input` on its stdin and `env` added: its
    /// stdout as bytes, or (as `Err`) the first line of what it said.
    fn plumb(
        &self,
        args: &[&str],
        input: Option<&[u8]>,
        env: &[(&str, &str)],
    ) -> Result<Result<Vec<u8>, String>> {
        let mut cmd = Command::new("git");
        cmd.args(args)
            .current_dir(&self.root)
            .envs(env.iter().copied())
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().map_err(|e| {
            error::Failure::Input(format!(
                "cannot run git: {e}; the team's history needs git on PATH"
            ))
        })?;
        // Written from a thread so that a large output cannot stall the input.
        let writer = match (input, child.stdin.take()) {
            (Some(bytes), Some(mut stdin)) => {
                let bytes = bytes.to_vec();
                Some(std::thread::spawn(move || {
                    std::io::Write::write_all(&mut stdin, &bytes)
                }))
            }
            _ => None,
        };
        let out = child.wait_with_output()?;
        if let Some(w) = writer {
            let _ = w.join();
        }
        if out.status.success() {
            return Ok(Ok(out.stdout));
        }
        let said = String::from_utf8_lossy(&out.stderr);
        Ok(Err(said
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("hint:"))
            .unwrap_or("failed")
            .to_string()))
    }

    /// `plumb` where a refusal is an error naming the command.
    fn must(&self, args: &[&str], input: Option<&[u8]>, env: &[(&str, &str)]) -> Result<String> {
        match self.plumb(args, input, env)? {
            Ok(out) => Ok(String::from_utf8_lossy(&out).trim().to_string()),
            Err(why) => error::store(format!("git {}: {why}", args.join(" "))),
        }
    }

    /// Writes `bytes` into the object database as a blob; its id.
    pub fn write_blob(&self, bytes: &[u8]) -> Result<String> {
        self.must(&["hash-object", "-w", "--stdin"], Some(bytes), &[])
    }

    /// Which of `ids` the object database lacks.
    pub fn missing(&self, ids: &[String]) -> Result<Vec<String>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let input = ids.join("\n") + "\n";
        let out = self.must(&["cat-file", "--batch-check"], Some(input.as_bytes()), &[])?;
        Ok(out
            .lines()
            .filter_map(|l| l.strip_suffix(" missing"))
            .map(String::from)
            .collect())
    }

    /// Trees of `entries` each — (mode, type, id, name) — made by one git
    /// process; their ids, in order. Names must need no quoting.
    pub fn make_trees(&self, trees: &[Vec<(&str, &str, String, String)>]) -> Result<Vec<String>> {
        if trees.is_empty() {
            return Ok(Vec::new());
        }
        let mut input = String::new();
        for entries in trees {
            for (mode, kind, id, name) in entries {
                input.push_str(&format!("{mode} {kind} {id}\t{name}\n"));
            }
            input.push('\n');
        }
        let out = self.must(&["mktree", "--batch"], Some(input.as_bytes()), &[])?;
        let ids: Vec<String> = out.lines().map(String::from).collect();
        if ids.len() != trees.len() {
            return error::store(format!(
                "git mktree made {} trees of {}",
                ids.len(),
                trees.len()
            ));
        }
        Ok(ids)
    }

    /// A tree of `entries`: (mode, type, id, name) each.
    pub fn make_tree(&self, entries: &[(&str, &str, String, String)]) -> Result<String> {
        Ok(self.make_trees(&[entries.to_vec()])?.remove(0))
    }

    /// The tree of commit `commit`.
    pub fn tree_of(&self, commit: &str) -> Result<String> {
        self.must(
            &[
                "rev-parse",
                "--verify",
                "--end-of-options",
                &format!("{commit}^{{tree}}"),
            ],
            None,
            &[],
        )
    }

    /// A new commit of `tree` with `parents`, committed as git's configured
    /// user, or as beast when git has no identity (a CI runner).
    pub fn commit_tree(&self, tree: &str, parents: &[String], message: &str) -> Result<String> {
        let mut args = vec!["commit-tree", tree];
        for p in parents {
            args.extend(["-p", p.as_str()]);
        }
        args.extend(["-m", message]);
        let own = self
            .plumb(&["var", "GIT_COMMITTER_IDENT"], None, &[])?
            .is_err()
            || self
                .plumb(&["var", "GIT_AUTHOR_IDENT"], None, &[])?
                .is_err();
        let env: &[(&str, &str)] = if own { &OWN_IDENTITY } else { &[] };
        self.must(&args, None, env)
    }

    /// Points ref `name` at `new` if it still points at `old` (`None`: if it
    /// does not exist). False when another process moved it first.
    pub fn update_ref(&self, name: &str, new: &str, old: Option<&str>, why: &str) -> Result<bool> {
        let old = old.unwrap_or("");
        match self.plumb(&["update-ref", "-m", why, name, new, old], None, &[])? {
            Ok(_) => Ok(true),
            Err(said) if said.contains("but expected") || said.contains("already exists") => {
                Ok(false)
            }
            Err(said) => error::store(format!("git update-ref {name}: {said}")),
        }
    }

    /// Removes ref `name` if it exists.
    pub fn delete_ref(&self, name: &str) -> Result<()> {
        let _ = self.plumb(&["update-ref", "-d", name], None, &[])?;
        Ok(())
    }

    /// Whether `ancestor` is `descendant` or one of its ancestors.
    pub fn is_ancestor(&self, ancestor: &str, descendant: &str) -> Result<bool> {
        Ok(self
            .plumb(
                &["merge-base", "--is-ancestor", ancestor, descendant],
                None,
                &[],
            )?
            .is_ok())
    }

    /// The files under `dir/` in commit `commit`, by name: each the ids of
    /// its blobs in order — a blob `dir/NAME` alone, or the blobs of a tree
    /// `dir/NAME/` (its chunks) by their names. Anything else there (a
    /// link, a submodule, a deeper tree) is left out.
    pub fn tree_files(&self, commit: &str, dir: &str) -> Result<Vec<(String, Vec<String>)>> {
        let listing = match self.plumb(
            &[
                "ls-tree",
                "-r",
                "-z",
                "--full-tree",
                commit,
                "--",
                &format!("{dir}/"),
            ],
            None,
            &[],
        )? {
            Ok(out) => out,
            Err(why) => return error::store(format!("git ls-tree {commit}: {why}")),
        };
        let mut files: Vec<(String, Vec<String>)> = Vec::new();
        for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let Some((meta, path)) = entry.split_once('\t') else {
                continue;
            };
            let mut parts = meta.split(' ');
            let (Some(mode), Some("blob"), Some(id)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let Some(rest) = path.strip_prefix(dir).and_then(|n| n.strip_prefix('/')) else {
                continue;
            };
            if !matches!(mode, "100644" | "100755") {
                continue;
            }
            let name = match rest.split_once('/') {
                None => rest,
                Some((name, chunk)) if !chunk.contains('/') => name,
                Some(_) => continue,
            };
            match files.last_mut() {
                Some((last, ids)) if last == name => ids.push(id.to_string()),
                _ => files.push((name.to_string(), vec![id.to_string()])),
            }
        }
        Ok(files)
    }

    /// The contents of the blobs `ids`, in order (one git process).
    pub fn blobs(&self, ids: &[String]) -> Result<Vec<Vec<u8>>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let input = ids.join("\n") + "\n";
        let out = match self.plumb(&["cat-file", "--batch"], Some(input.as_bytes()), &[])? {
            Ok(out) => out,
            Err(why) => return error::store(format!("git cat-file: {why}")),
        };
        // "<id> blob <size>\n<bytes>\n" for each.
        let mut blobs = Vec::with_capacity(ids.len());
        let mut at = 0;
        for _ in ids {
            let header_end = out[at..]
                .iter()
                .position(|b| *b == b'\n')
                .map(|p| at + p)
                .ok_or_else(|| error::Failure::Store("git cat-file: output cut short".into()))?;
            let header = String::from_utf8_lossy(&out[at..header_end]);
            let size: usize = header
                .rsplit(' ')
                .next()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| error::Failure::Store(format!("git cat-file: {header}")))?;
            let start = header_end + 1;
            let end = start + size;
            if end > out.len() {
                return error::store("git cat-file: output cut short");
            }
            blobs.push(out[start..end].to_vec());
            at = end + 1;
        }
        Ok(blobs)
    }

    /// Each file under `dir/` in commit `commit`, whole: (name, bytes).
    pub fn files_in(&self, commit: &str, dir: &str) -> Result<Vec<(String, Vec<u8>)>> {
        self.tree_files(commit, dir)?
            .into_iter()
            .map(|(name, ids)| Ok((name, self.blobs(&ids)?.concat())))
            .collect()
    }

    /// The repository's remotes, by name.
    pub fn remotes(&self) -> Result<Vec<String>> {
        Ok(self
            .must(&["remote"], None, &[])?
            .lines()
            .map(String::from)
            .collect())
    }

    /// Fetches ref `name` of `remote` into the local ref `into`: the commit
    /// it points at, or None when the remote has no such ref (the local ref
    /// is then removed). Only that ref is fetched: no tags, no branches,
    /// and FETCH_HEAD is left alone.
    pub fn fetch_ref(&self, remote: &str, name: &str, into: &str) -> Result<Option<String>> {
        let spec = format!("+{name}:{into}");
        let args = [
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-write-fetch-head",
            "--no-recurse-submodules",
            "--end-of-options",
            remote,
            &spec,
        ];
        match self.plumb(&args, None, &[("GIT_TERMINAL_PROMPT", "0")])? {
            Ok(_) => self.ref_commit(into),
            Err(said) if said.contains("couldn't find remote ref") => {
                self.delete_ref(into)?;
                Ok(None)
            }
            Err(said) => error::store(format!(
                "cannot fetch the team's history from {remote}: {said}; check the remote and your access to it"
            )),
        }
    }

    /// Pushes the local ref `name` to the same name on `remote`, only if
    /// that is a fast-forward there. Hooks of this clone are not run: they
    /// are written for code, and this is data.
    pub fn push_ref(&self, remote: &str, name: &str) -> Result<Pushed> {
        let spec = format!("{name}:{name}");
        // No delta search here: the history's chunks are new bytes, and
        // searching for deltas among them costs more than sending them.
        let args = [
            "-c",
            "pack.window=0",
            "push",
            "--porcelain",
            "--no-verify",
            "--end-of-options",
            remote,
            &spec,
        ];
        let env = [("GIT_TERMINAL_PROMPT", "0")];
        let mut cmd = Command::new("git");
        cmd.args(args)
            .current_dir(&self.root)
            .envs(env)
            .stdin(Stdio::null());
        let out = cmd.output().map_err(|e| {
            error::Failure::Input(format!("cannot run git: {e}; beast sync needs git on PATH"))
        })?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // "!\tsrc:dst\t[rejected] (fetch first)" / "(non-fast-forward)".
        let line = stdout.lines().find(|l| l.contains(&spec));
        if out.status.success() {
            return Ok(Pushed::Done);
        }
        // Rejected as behind, or the remote's own compare-and-swap lost
        // to a push that landed a moment earlier.
        let lost_race = |l: &str| {
            l.starts_with('!')
                && [
                    "fetch first",
                    "non-fast-forward",
                    "stale info",
                    "failed to update ref",
                    "failed to lock",
                ]
                .iter()
                .any(|w| l.contains(w))
        };
        if line.is_some_and(lost_race) || stderr.contains("cannot lock ref") {
            return Ok(Pushed::Stale);
        }
        let said = stderr
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("hint:") && !l.starts_with("To "))
            .find(|l| !l.starts_with("error: failed to push"))
            .or_else(|| line.map(str::trim))
            .unwrap_or("failed")
            .to_string();
        Ok(Pushed::Refused(said))
    }
}
