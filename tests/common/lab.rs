//! Real git repositories for project-mode tests: a scratch area with git
//! isolated from the machine's settings, and beast run inside a repository
//! as a given author on a fixed date.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;
use tempfile::TempDir;

pub const TODAY: &str = "2026-01-20";

/// A scratch area with git configured not to read the machine's settings.
pub struct Lab {
    pub dir: TempDir,
}

impl Lab {
    pub fn new() -> Lab {
        Lab {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn git(&self, cwd: &Path, args: &[&str]) -> String {
        self.git_with(cwd, args, &[], None)
    }

    /// `git` with variables `env` added and `input` on its stdin.
    pub fn git_with(
        &self,
        cwd: &Path,
        args: &[&str],
        env: &[(&str, &Path)],
        input: Option<&[u8]>,
    ) -> String {
        let mut child = Command::new("git")
            .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
            .args([
                "-c",
                "init.defaultBranch=main",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(cwd)
            .env("HOME", self.dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .envs(env.iter().copied())
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("git runs");
        if let (Some(bytes), Some(mut stdin)) = (input, child.stdin.take()) {
            std::io::Write::write_all(&mut stdin, bytes).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// A new repository with `beast init` committed, as `name`.
    pub fn repo(&self, name: &str) -> PathBuf {
        let root = self.path(name);
        std::fs::create_dir_all(&root).unwrap();
        self.git(&root, &["init", "-q"]);
        beast_ok(&root, "alice@example.com", &["init"]);
        self.git(&root, &["add", "-A"]);
        self.git(&root, &["commit", "-qm", "beast init"]);
        root
    }

    pub fn clone(&self, from: &Path, name: &str) -> PathBuf {
        let to = self.path(name);
        self.git(
            self.dir.path(),
            &["clone", "-q", from.to_str().unwrap(), to.to_str().unwrap()],
        );
        to
    }

    /// A bare clone of `from`, as a shared remote.
    pub fn bare(&self, from: &Path, name: &str) -> PathBuf {
        let to = self.path(name);
        self.git(
            self.dir.path(),
            &[
                "clone",
                "-q",
                "--bare",
                from.to_str().unwrap(),
                to.to_str().unwrap(),
            ],
        );
        to
    }

    /// A bare remote `name` for `root` (as its origin) holding its branch
    /// and its history, pushed with `beast sync --push`.
    pub fn remote(&self, root: &Path, name: &str) -> PathBuf {
        let to = self.path(name);
        self.git(
            self.dir.path(),
            &["init", "-q", "--bare", "-b", "main", to.to_str().unwrap()],
        );
        self.git(root, &["remote", "add", "origin", to.to_str().unwrap()]);
        self.git(root, &["push", "-q", "origin", "main"]);
        beast_ok(root, "alice@example.com", &["sync", "--push", "-q"]);
        to
    }

    /// What a hostile or careless teammate can publish with git alone: a
    /// commit on `clone`'s history ref whose `events/` has `files` (name,
    /// git file mode, content) put in or replaced (a whole file in place of
    /// its chunks), pushed to its origin.
    pub fn forge(&self, clone: &Path, files: &[(&str, &str, &[u8])]) {
        let index = self.path("forged.index");
        let _ = std::fs::remove_file(&index);
        let env = [("GIT_INDEX_FILE", index.as_path())];
        self.git_with(clone, &["read-tree", "refs/beast/history"], &env, None);
        for (name, mode, content) in files {
            let path = format!("events/{name}");
            self.git_with(
                clone,
                &["rm", "-q", "-r", "--cached", "--ignore-unmatch", &path],
                &env,
                None,
            );
            let id = self.git_with(clone, &["hash-object", "-w", "--stdin"], &[], Some(content));
            let info = format!("{mode},{},events/{name}", id.trim());
            self.git_with(
                clone,
                &["update-index", "--add", "--cacheinfo", &info],
                &env,
                None,
            );
        }
        let tree = self.git_with(clone, &["write-tree"], &env, None);
        let commit = self.git(
            clone,
            &[
                "commit-tree",
                tree.trim(),
                "-p",
                "refs/beast/history",
                "-m",
                "forged",
            ],
        );
        self.git(clone, &["update-ref", "refs/beast/history", commit.trim()]);
        self.git(clone, &["push", "-q", "origin", "refs/beast/history"]);
    }

    /// Fetches the remote's history ref by hand, with plain git (what
    /// docs/reference.md shows), replacing the local one.
    pub fn fetch_history(&self, root: &Path) {
        self.git(
            root,
            &[
                "fetch",
                "-q",
                "origin",
                "+refs/beast/history:refs/beast/history",
            ],
        );
    }

    /// Makes the bare remote `origin` refuse every update of
    /// `refs/heads/main`, as a protected branch does (GitHub's words).
    pub fn protect_main(&self, origin: &Path) {
        hook(
            &origin.join("hooks/update"),
            "case \"$1\" in refs/heads/main) echo 'GH006: Protected branch update failed for refs/heads/main.' >&2; exit 1;; esac\n",
        );
    }

    pub fn commit_all(&self, root: &Path, message: &str) {
        self.git(root, &["add", "-A"]);
        self.git(root, &["commit", "-qm", message]);
    }
}

/// Writes an executable shell hook at `path` running `script`.
pub fn hook(path: &Path, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, format!("#!/bin/sh\n{script}")).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The clone's copy of the project's log: in its git directory.
pub fn events_dir(root: &Path) -> PathBuf {
    root.join(".git/beast/events")
}

/// The project's index, beside the log.
pub fn index_path(root: &Path) -> PathBuf {
    root.join(".git/beast/index.db")
}

/// `beast` run inside `cwd` as `author`, isolated from the machine.
pub fn beast(cwd: &Path, author: &str, args: &[&str]) -> Output {
    cargo_bin_cmd!("beast")
        .env_clear()
        .env("BEAST_TODAY", TODAY)
        // The history's commits are dated on the same fixed day.
        .env("GIT_COMMITTER_DATE", format!("{TODAY}T12:00:00Z"))
        .env("GIT_AUTHOR_DATE", format!("{TODAY}T12:00:00Z"))
        .env("BEAST_AUTHOR", author)
        .env("HOME", cwd)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("run beast")
}

pub fn beast_ok(cwd: &Path, author: &str, args: &[&str]) -> String {
    let out = beast(cwd, author, args);
    assert!(
        out.status.success(),
        "beast {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn report(cwd: &Path) -> Value {
    let mut r: Value =
        serde_json::from_str(&beast_ok(cwd, "reader@example.com", &["report"])).unwrap();
    r.as_object_mut().unwrap().remove("generated_at");
    // Which clone and commit made it: the same history, other places.
    r.as_object_mut().unwrap().remove("identity");
    r
}
