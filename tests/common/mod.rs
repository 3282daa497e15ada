//! Helpers shared by the integration tests: a private database per test, a
//! fixed date, and assertions for the error contract (exit code, one line,
//! no panic, nothing stored).

#![allow(dead_code)]

pub mod lab;
pub mod release;

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

pub struct Env {
    pub dir: TempDir,
    pub db: PathBuf,
    pub today: String,
}

impl Env {
    pub fn new() -> Env {
        Env::on("2026-01-10")
    }

    /// A fresh database, with today fixed to `date`.
    pub fn on(date: &str) -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("data").join("beast.db");
        Env {
            dir,
            db,
            today: date.to_string(),
        }
    }

    /// `beast` with this env's database and date, isolated from the machine.
    pub fn cmd(&self) -> Command {
        let mut cmd = cargo_bin_cmd!("beast");
        cmd.env_clear()
            .env("BEAST_DB", &self.db)
            .env("BEAST_TODAY", &self.today)
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("xdg"));
        cmd
    }

    /// The same as [`Env::cmd`], as a plain `std::process::Command`, for
    /// tests that redirect stdout (to /dev/full, a closed pipe).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_beast"));
        cmd.env_clear()
            .env("BEAST_DB", &self.db)
            .env("BEAST_TODAY", &self.today)
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("xdg"));
        cmd
    }

    /// Runs a command that must succeed and returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("run beast");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "beast {args:?} failed: {stderr}");
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// The JSON report.
    pub fn report(&self) -> Value {
        serde_json::from_str(&self.ok(&["report"])).expect("report is JSON")
    }

    /// Runs a command that must fail with `code`, print exactly one line on
    /// stderr starting with "error: ", not panic, and leave the stored data
    /// exactly as it was. Returns the error line.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let before = self.report();
        let out = self.cmd().args(args).output().expect("run beast");
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(code), "beast {args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked"),
            "beast {args:?} panicked: {stderr}"
        );
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "beast {args:?} should print one error line, got: {stderr}"
        );
        assert!(lines[0].starts_with("error: "), "{stderr}");
        assert_eq!(self.report(), before, "beast {args:?} changed stored data");
        lines[0].to_string()
    }
}

/// One metric of a JSON report.
pub fn metric(report: &Value, id: &str) -> Value {
    report["metrics"]
        .as_array()
        .expect("metrics array")
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("metric {id} in report"))
        .clone()
}

pub fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}
