//! Errors that reach the user, and the exit code each kind maps to.
//!
//! Every message is one line that says what is wrong and how to fix it. Library
//! code returns `anyhow::Error`; where the kind matters for the exit code it
//! wraps a [`Failure`], which `main` finds again by downcasting.

use std::fmt;

/// Exit codes, documented in docs/reference.md (and the man pages).
pub mod exit {
    /// Success, including no-ops such as completing a task twice.
    pub const OK: i32 = 0;
    /// Input was rejected: unknown task or metric, out-of-range value, bad date…
    pub const INPUT: i32 = 1;
    /// The command line could not be parsed: unknown command or flag, missing argument.
    pub const USAGE: i32 = 2;
    /// The roadmap files are unreadable or invalid.
    pub const ROADMAP: i32 = 3;
    /// The history is unusable: foreign file, newer schema, not writable…
    pub const STORE: i32 = 4;
    /// `beast check` ran and something it checks does not hold.
    pub const CHECK: i32 = 5;
    /// The record was stored, but printing the result failed (stdout closed
    /// or full): do not record it again.
    pub const STORED_NOT_SHOWN: i32 = 6;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    Input(String),
    Roadmap(String),
    Store(String),
    /// A check failed; the failures themselves were printed already.
    Check(String),
    /// The command line is wrong in a way clap could not see.
    Usage(String),
}

impl Failure {
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Input(_) => exit::INPUT,
            Failure::Roadmap(_) => exit::ROADMAP,
            Failure::Store(_) => exit::STORE,
            Failure::Check(_) => exit::CHECK,
            Failure::Usage(_) => exit::USAGE,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Input(m)
            | Failure::Roadmap(m)
            | Failure::Store(m)
            | Failure::Check(m)
            | Failure::Usage(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Failure {}

/// Shorthand for returning an input error.
pub fn input<T>(message: impl Into<String>) -> anyhow::Result<T> {
    Err(Failure::Input(message.into()).into())
}

/// Shorthand for returning a roadmap error.
pub fn roadmap<T>(message: impl Into<String>) -> anyhow::Result<T> {
    Err(Failure::Roadmap(message.into()).into())
}

/// Shorthand for returning a store error.
pub fn store<T>(message: impl Into<String>) -> anyhow::Result<T> {
    Err(Failure::Store(message.into()).into())
}
