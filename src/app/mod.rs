//! The application: what each command does, apart from parsing its arguments
//! and printing its result. Every function here turns a request into events,
//! records them through [`History::record`] — the one write path shared by
//! commands, importers and the log — and returns what happened as data, so the
//! command line only prints it.

pub mod bench;
pub mod check;
pub mod context;
pub mod corrections;
pub mod dogfood;
pub mod evidence;
pub mod exchange;
pub mod history;
pub mod readings;
pub mod sync;
pub mod tasks;

use chrono::{DateTime, Utc};

pub use context::Context;
pub use history::{History, HistoryInfo, Mode, Readable};

/// Who records, and when: stamped on every event a command makes.
#[derive(Debug, Clone)]
pub struct Stamp {
    pub author: String,
    pub now: DateTime<Utc>,
}

impl Stamp {
    pub fn event(&self, body: crate::domain::event::Body) -> crate::domain::event::Event {
        history::event(&self.author, self.now, body)
    }
}

/// Trims an optional note; an empty one is no note.
pub fn note(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|n| !n.is_empty())
        .map(String::from)
}
