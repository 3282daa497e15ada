//! beast — a roadmap and metrics tracker for the BEAST MODE ML/LLM roadmap.
//!
//! The binary is a thin shell over this library:
//! - [`domain`]: the roadmap tree, calendar, catalog and the progress/target
//!   arithmetic, free of I/O;
//! - [`roadmap_files`]: reading, validating and writing the roadmap TOML;
//! - [`import`]: foreign roadmap formats (the Markdown of the year-3/4 plans);
//! - [`store`]: the SQLite database and its migrations;
//! - [`report`]: the report model and its renderers;
//! - [`cli`]: argument parsing and one module per subcommand.

pub mod bench;
pub mod cli;
pub mod domain;
pub mod error;
pub mod import;
pub mod report;
pub mod roadmap_files;
pub mod store;
