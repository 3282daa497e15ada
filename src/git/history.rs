//! The plumbing the team's history needs (`crate::home`): objects, trees,
//! commits, refs, and moving one ref to and from a remote. Nothing here
//! touches the work tree, the index (staging area) or HEAD.

use std::process::{Command, Stdio};

use anyhow::Result;

use super::Repo;
use crate::error;

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
        Ok(Err(super::first_said(&out.stderr)))
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

impl Repo {
    /// Whether each piece of commit or path evidence — (commit, path) —
    /// holds in this repository now: `None` when it does, else why not
    /// (the commit is missing, or not reachable from HEAD, a branch, a tag
    /// or a remote branch — rewritten away; the path is not in it). Two git
    /// processes for any number of pieces.
    pub fn check_evidence(
        &self,
        items: &[(String, Option<String>)],
    ) -> Result<Vec<Option<String>>> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        // Names git cannot misread: a commit id, then id:path.
        let mut input = String::new();
        for (commit, path) in items {
            input.push_str(commit);
            input.push('\n');
            if let Some(p) = path {
                input.push_str(&format!("{commit}:{p}\n"));
            }
        }
        let out = self.must(&["cat-file", "--batch-check"], Some(input.as_bytes()), &[])?;
        let mut answers = out.lines();
        let mut found: Vec<(bool, Option<bool>)> = Vec::new();
        for (_, path) in items {
            let commit = answers
                .next()
                .is_some_and(|l| l.split(' ').nth(1) == Some("commit"));
            let at = path
                .as_ref()
                .map(|_| answers.next().is_some_and(|l| !l.ends_with(" missing")));
            found.push((commit, at));
        }
        // Of the commits present, those no code ref reaches.
        let present: Vec<&str> = items
            .iter()
            .zip(&found)
            .filter(|(_, (c, _))| *c)
            .map(|((c, _), _)| c.as_str())
            .collect();
        let mut unreachable = std::collections::HashSet::new();
        if !present.is_empty() {
            let mut revs = present.join("\n");
            revs.push_str("\n--not\n--branches\n--tags\n--remotes\n");
            // HEAD from its files when they tell (no process), else from git.
            let head = match self.whereabouts().0 {
                Some(h) => Some(h),
                None => self.commit("HEAD")?,
            };
            if let Some(h) = &head {
                revs.push_str(h);
                revs.push('\n');
            }
            let out = self.must(&["rev-list", "--stdin"], Some(revs.as_bytes()), &[])?;
            unreachable.extend(out.lines().map(str::to_string));
        }
        Ok(items
            .iter()
            .zip(found)
            .map(|((commit, path), (present, at))| {
                if !present {
                    Some(format!("commit {commit} is not in this repository"))
                } else if unreachable.contains(commit) {
                    Some(format!(
                        "commit {commit} is not reachable from HEAD, a branch or a tag (rewritten away?)"
                    ))
                } else if at == Some(false) {
                    Some(format!(
                        "{} is not in commit {commit}",
                        path.as_deref().unwrap_or("")
                    ))
                } else {
                    None
                }
            })
            .collect())
    }
}

impl Repo {
    /// Each blob a commit reachable from `commit` put under `dir/` — (its
    /// committer time in seconds, path, blob id) — from every commit,
    /// merges' own parents included, in no particular order.
    pub fn blobs_added(&self, commit: &str, dir: &str) -> Result<Vec<(i64, String, String)>> {
        let out = self.must(
            &[
                "log",
                "--no-abbrev",
                "--raw",
                "-r",
                "--no-renames",
                "--format=%x01%ct",
                commit,
                "--",
                &format!("{dir}/"),
            ],
            None,
            &[],
        )?;
        let mut time = 0i64;
        let mut rows = Vec::new();
        for line in out.lines() {
            if let Some(t) = line.strip_prefix('\u{1}') {
                time = t.trim().parse().unwrap_or(0);
            } else if let Some(raw) = line.strip_prefix(':') {
                // ":old-mode new-mode old-id new-id status\tpath"
                let Some((meta, path)) = raw.split_once('\t') else {
                    continue;
                };
                let fields: Vec<&str> = meta.split(' ').collect();
                if fields.len() == 5 && matches!(fields[4], "A" | "M") {
                    rows.push((time, path.to_string(), fields[3].to_string()));
                }
            }
        }
        Ok(rows)
    }

    /// The size of each blob of `ids`.
    pub fn blob_sizes(&self, ids: &[String]) -> Result<std::collections::HashMap<String, u64>> {
        let mut sizes = std::collections::HashMap::new();
        if ids.is_empty() {
            return Ok(sizes);
        }
        let input = ids.join("\n") + "\n";
        let out = self.must(&["cat-file", "--batch-check"], Some(input.as_bytes()), &[])?;
        for line in out.lines() {
            let f: Vec<&str> = line.split(' ').collect();
            if f.len() == 3 && f[1] == "blob" {
                if let Ok(n) = f[2].parse() {
                    sizes.insert(f[0].to_string(), n);
                }
            }
        }
        Ok(sizes)
    }
}
