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
        let out = Command::new("git")
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
            .stdin(Stdio::null())
            .output()
            .expect("git runs");
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

    pub fn commit_all(&self, root: &Path, message: &str) {
        self.git(root, &["add", "-A"]);
        self.git(root, &["commit", "-qm", message]);
    }
}

/// `beast` run inside `cwd` as `author`, isolated from the machine.
pub fn beast(cwd: &Path, author: &str, args: &[&str]) -> Output {
    cargo_bin_cmd!("beast")
        .env_clear()
        .env("BEAST_TODAY", TODAY)
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
    r
}
