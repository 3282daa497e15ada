//! beast — a roadmap and metrics tracker for the BEAST MODE ML/LLM roadmap.
//!
//! The binary is a thin shell over this library:
//! - [`domain`]: the roadmap tree, calendar, catalog and the progress/target
//!   arithmetic, free of I/O;
//! - [`roadmap_files`]: reading, validating and writing the roadmap TOML;
//! - [`import`]: foreign roadmap formats (the Markdown of the year-3/4 plans);
//! - [`store`]: the SQLite database and its migrations, and the one function
//!   that applies an event to it;
//! - [`project`] and [`log`]: project mode — `.beast/` in a repository, its
//!   append-only event log, and the catch-up that keeps the index in step;
//! - [`app`]: what each command does, as functions that record events through
//!   one write path and return what happened;
//! - [`report`]: the report model and its renderers;
//! - [`bench`]: the cache and routing benchmarks;
//! - [`cli`]: argument parsing and printing, one module per subcommand.

/// `eprintln!` that never panics: a closed or full stderr (`beast … 2>&1 |
/// head -1`) loses the line instead of aborting the process (a panic in
/// the panic hook's own message would). Everything beast says on stderr
/// goes through it.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod app;
pub mod bench;
pub mod cli;
pub mod clock;
pub mod domain;
pub mod error;
pub mod files;
pub mod git;
pub mod home;
pub mod import;
pub mod log;
pub mod project;
pub mod report;
pub mod roadmap_files;
pub mod store;
